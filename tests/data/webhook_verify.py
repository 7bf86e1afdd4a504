#!/usr/bin/python3
"""webhook_verify.py FILE SECRET_HEX: checks the X-Touchpoint-Signature of a
request webhook_server.py recorded (t=UNIX,v1=HEX, HEX the HMAC-SHA256 of
"UNIX.BODY" with the workspace's secret) and prints "signature ok" and the
body's contact email, or what is wrong."""
import hashlib, hmac, json, sys

req = json.load(open(sys.argv[1]))
key = bytes.fromhex(sys.argv[2])
sig = {k: v for k, v in (p.split("=", 1) for p in req["headers"]["X-Touchpoint-Signature"].split(","))}
want = hmac.new(key, (sig["t"] + "." + req["body"]).encode(), hashlib.sha256).hexdigest()
body = json.loads(req["body"])
print("signature " + ("ok" if hmac.compare_digest(want, sig["v1"]) else "WRONG"),
      json.dumps(body.get("contact", body).get("email")))
