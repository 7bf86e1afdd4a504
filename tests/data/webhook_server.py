#!/usr/bin/python3
"""webhook_server.py DIR PORTFILE: an HTTP server on 127.0.0.1 that answers
every POST 200 and writes it to DIR/NNN.json as {"path", "headers", "body"},
for the nurture tests' webhook steps. Runs until killed."""
import json, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

out, port_file = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
count = 0


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        count += 1
        with open(os.path.join(out, "%03d.json" % count), "w") as f:
            json.dump({"path": self.path, "headers": dict(self.headers),
                       "body": body.decode()}, f)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
