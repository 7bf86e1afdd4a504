#!/usr/bin/env python3
"""leadapi_stub.py DIR PORTFILE TOKEN: a stand-in for the ad platforms' lead
APIs on a free loopback port, answering in their documented shapes from
JSON files in DIR:

  GET /v21.0/LEAD_ID?fields=...      Meta Graph API: DIR/meta/LEAD_ID.json
  GET /rest/leadFormResponses/ID     LinkedIn Lead Sync: DIR/linkedin/ID.json

Each request needs "Authorization: Bearer TOKEN" (else 401, as the platforms
answer) and is logged to DIR/requests.log. While DIR/fail holds a number
above 0, a request is answered 503 and the number goes down by one, so a
test can make the first attempts fail."""
import http.server
import json
import os
import sys
import urllib.parse

root, portfile, token = sys.argv[1], sys.argv[2], sys.argv[3]


def take_failure():
    path = os.path.join(root, "fail")
    try:
        with open(path) as f:
            n = int(f.read().strip() or 0)
    except (OSError, ValueError):
        return False
    if n <= 0:
        return False
    with open(path, "w") as f:
        f.write("%d\n" % (n - 1))
    return True


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        with open(os.path.join(root, "requests.log"), "a") as f:
            f.write("%s %s\n" % (url.path, self.headers.get("Authorization", "-")))
        if self.headers.get("Authorization") != "Bearer " + token:
            return self.answer(401, {"error": {"message": "Invalid OAuth access token.",
                                               "type": "OAuthException", "code": 190}})
        if take_failure():
            return self.answer(503, {"error": {"message": "Service temporarily unavailable"}})
        parts = url.path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "v21.0":
            path = os.path.join(root, "meta", parts[1] + ".json")
        elif len(parts) == 3 and parts[:2] == ["rest", "leadFormResponses"]:
            path = os.path.join(root, "linkedin", urllib.parse.unquote(parts[2]) + ".json")
        else:
            return self.answer(404, {"error": {"message": "Unknown path"}})
        if not os.path.isfile(path):
            return self.answer(404, {"error": {"message": "Object does not exist"}})
        with open(path) as f:
            return self.answer(200, json.load(f))


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % server.server_address[1])
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
