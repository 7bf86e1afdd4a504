#!/usr/bin/env python3
"""static_server.py DIR PORTFILE [LOG]: serves DIR on a free loopback port
(written to PORTFILE once listening), for pages a real browser loads in tests.
Each path asked for is appended to LOG, so a test can wait for a page."""
import functools
import http.server
import os
import sys

directory, portfile = sys.argv[1], sys.argv[2]
log = sys.argv[3] if len(sys.argv) > 3 else None


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if log:
            with open(log, "a") as f:
                f.write(self.path + "\n")
        super().do_GET()


server = http.server.ThreadingHTTPServer(
    ("127.0.0.1", 0), functools.partial(Handler, directory=directory))
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % server.server_address[1])
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
