#!/usr/bin/env python3
"""Durability of the collector under SIGKILL.

Clients send track calls (singles and batches of 10), each with its own
messageId, as fast as they can, retrying a call until it is answered 200 (as
Segment's libraries do), while the server is killed with SIGKILL at random
moments and restarted. Afterwards every call that got a 200 must be in the
database, and no messageId twice.

    durability.py [--seconds S] [--kills K] [--clients C] [--queue-over N]
                  [--touchpoint BIN]

--queue-over 0 sends every call through the server's inbox (acknowledged
once appended, stored after), so that kills land between the answer and
the store too.
"""
import argparse
import base64
import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("--seconds", type=float, default=5)
ap.add_argument("--kills", type=int, default=3)
ap.add_argument("--clients", type=int, default=4)
ap.add_argument("--touchpoint", default=os.environ.get("TOUCHPOINT", "touchpoint"))
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--queue-over", type=int, default=None)
a = ap.parse_args()
rng = random.Random(a.seed)

work = tempfile.mkdtemp(prefix="tp-durability-")
db = os.path.join(work, "d.db")
subprocess.run([a.touchpoint, "init", "--db", db], check=True, stdout=subprocess.DEVNULL)
key = subprocess.run([a.touchpoint, "keys", "create", "write", "--db", db], check=True,
                     capture_output=True, text=True).stdout.strip()
auth = "Basic " + base64.b64encode((key + ":").encode()).decode()

state = {"port": None, "proc": None}
lock = threading.Lock()
running = threading.Event()   # set while a server is up


def start():
    portfile = os.path.join(work, "port")
    if os.path.exists(portfile):
        os.remove(portfile)
    log = open(os.path.join(work, "serve.err"), "a")
    p = subprocess.Popen([a.touchpoint, "serve", "--db", db, "--listen", "127.0.0.1:0",
                          "--port-file", portfile, "--access-log", "off"]
                         + ([] if a.queue_over is None else ["--queue-over", str(a.queue_over)]),
                         stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.time() + 10
    while not os.path.exists(portfile):
        if p.poll() is not None or time.time() > deadline:
            sys.exit("durability: the server did not start; see " + log.name)
        time.sleep(0.01)
    with open(portfile) as f:
        port = int(f.read())
    with lock:
        state["port"], state["proc"] = port, p
    running.set()


acked = set()
sent = [0]
stop = threading.Event()


def client(n):
    seq = 0
    conn, port = None, None
    while not stop.is_set():
        seq += 1
        if seq % 5 == 0:
            ids = ["c%d-%d-%d" % (n, seq, i) for i in range(10)]
            path = "/v1/batch"
            body = json.dumps({"batch": [{"type": "track", "userId": "user-%d" % (seq % 50),
                                          "event": "Load", "messageId": m} for m in ids]})
        else:
            ids = ["c%d-%d" % (n, seq)]
            path = "/v1/track"
            body = json.dumps({"userId": "user-%d" % (seq % 50), "event": "Load",
                               "messageId": ids[0]})
        while not stop.is_set():   # retry this call until it is answered 200
            running.wait()
            with lock:
                current = state["port"]
            try:
                if conn is None or port != current:
                    conn, port = http.client.HTTPConnection("127.0.0.1", current, timeout=10), current
                conn.request("POST", path, body, {"Authorization": auth,
                                                   "Content-Type": "application/json"})
                r = conn.getresponse()
                r.read()
                with lock:
                    sent[0] += 1
                if r.status == 200:
                    with lock:
                        acked.update(ids)
                    break
                if r.status != 503:
                    sys.exit("durability: unexpected HTTP %d" % r.status)
            except (OSError, http.client.HTTPException):
                conn = None
                time.sleep(0.005)


start()
threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(a.clients)]
for t in threads:
    t.start()
t_end = time.time() + a.seconds
kills = 0
for k in range(a.kills):
    # Kill moments spread over the run, each at a random point of its slice.
    slice_len = a.seconds / a.kills
    moment = time.time() + rng.uniform(0.2, 1.0) * slice_len
    while time.time() < min(moment, t_end):
        time.sleep(0.01)
    with lock:
        p = state["proc"]
    running.clear()
    p.send_signal(signal.SIGKILL)
    p.wait()
    kills += 1
    start()
while time.time() < t_end:
    time.sleep(0.05)
stop.set()
for t in threads:
    t.join(timeout=15)
with lock:
    p = state["proc"]
p.send_signal(signal.SIGTERM)
p.wait()

con = sqlite3.connect(db)
stored = {}
for mid, n in con.execute("SELECT message_id, count(*) FROM event GROUP BY message_id"):
    stored[mid] = n
lost = [m for m in acked if m not in stored]
twice = [m for m, n in stored.items() if n > 1]
print("durability: %d requests, %d calls answered 200, %d stored, %d lost, %d stored twice,"
      " %d kills in %.0f s" % (sent[0], len(acked), len(stored), len(lost), len(twice), kills,
                               a.seconds))
if lost or twice or not acked:
    print("durability: FAILED (first lost: %s; first twice: %s); workspace kept in %s"
          % (lost[:3], twice[:3], work))
    sys.exit(1)
subprocess.run(["rm", "-rf", work])
