#!/usr/bin/python3
"""MQL-to-alert latency (issue 6): the time from posting the events that
make a contact an MQL to `touchpoint serve` until the owner's alert reaches
a real SMTP server (aiosmtpd) on loopback. The starter workflow mql-alert
sends it; the scheduler wakes when the collector commits. The baseline in
the same run is the collector's own answer (the events committed).

    nurture_latency.py TOUCHPOINT [--contacts N]
"""
import base64, json, os, shutil, statistics, subprocess, sys, tempfile, threading, time
import urllib.request
from aiosmtpd.controller import Controller
import socket

tp = sys.argv[1]
n = int(sys.argv[sys.argv.index("--contacts") + 1]) if "--contacts" in sys.argv else 20
arrived = {}
lock = threading.Lock()


class Handler:
    async def handle_DATA(self, server, session, envelope):
        text = envelope.content.decode("utf-8", "replace")
        for line in text.splitlines():
            if line.startswith("Subject: New MQL: "):
                with lock:
                    arrived[line.split()[3]] = time.time()
        return "250 OK"


probe = socket.socket()
probe.bind(("127.0.0.1", 0))
smtp_port = probe.getsockname()[1]
probe.close()
smtp = Controller(Handler(), hostname="127.0.0.1", port=smtp_port)
smtp.start()

work = tempfile.mkdtemp()
db = os.path.join(work, "lat.db")
run = lambda *a: subprocess.run([tp, *a, "--db", db], check=True, capture_output=True, text=True).stdout
run("init")
key = run("keys", "create", "write").strip().split()[-1]
run("nurture", "config", "--smtp", "smtp://127.0.0.1:%d" % smtp_port, "--rate", "60000")
port_file = os.path.join(work, "port")
serve = subprocess.Popen([tp, "serve", "--db", db, "--listen", "127.0.0.1:0", "--port-file",
                          port_file, "--access-log", "off"], stderr=subprocess.DEVNULL)
while not os.path.exists(port_file):
    time.sleep(0.02)
port = int(open(port_file).read())
auth = "Basic " + base64.b64encode((key + ":").encode()).decode()

answers, alerts = [], []
try:
    for i in range(n):
        name = "P%03d" % i
        ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        uid = "lat-%d" % i
        batch = {"batch": [
            {"type": "identify", "userId": uid, "messageId": uid + "-i", "timestamp": ts,
             "traits": {"email": "%s@acme%d.example" % (name.lower(), i), "firstName": name,
                        "title": "CMO", "country": "VN", "owner": "sales@vendor.example"}},
            {"type": "page", "userId": uid, "messageId": uid + "-p", "timestamp": ts, "name": "Pricing",
             "context": {"page": {"url": "https://vendor.example/pricing"}}},
            {"type": "track", "userId": uid, "messageId": uid + "-t", "timestamp": ts,
             "event": "Trial Started"}]}
        req = urllib.request.Request("http://127.0.0.1:%d/v1/batch" % port,
                                     data=json.dumps(batch).encode(),
                                     headers={"Content-Type": "application/json",
                                              "Authorization": auth})
        t0 = time.time()
        urllib.request.urlopen(req).read()
        answers.append(time.time() - t0)
        deadline = t0 + 30
        while time.time() < deadline:
            with lock:
                if name in arrived:
                    break
            time.sleep(0.002)
        with lock:
            if name not in arrived:
                sys.exit("no alert for %s within 30 s" % name)
            alerts.append(arrived[name] - t0)
        time.sleep(0.2)   # one contact at a time: latency, not throughput
finally:
    serve.terminate()
    serve.wait()
    smtp.stop()
    shutil.rmtree(work)


def row(label, xs):
    xs = sorted(xs)
    p = lambda q: xs[min(len(xs) - 1, int(q * len(xs)))]
    print("%-44s %8.1f %8.1f %8.1f %8.1f" % (label, 1000 * statistics.median(xs), 1000 * p(0.9),
                                           1000 * xs[-1], 1000 * xs[0]))


print("%-44s %8s %8s %8s %8s" % ("%d contacts, ms" % n, "median", "p90", "max", "min"))
row("baseline: events committed (HTTP answer)", answers)
row("MQL events posted -> alert at the SMTP server", alerts)
