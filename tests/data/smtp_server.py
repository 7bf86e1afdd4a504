#!/usr/bin/python3
"""smtp_server.py DIR PORTFILE [--tempfail N] [--reject ADDR] [--tls CERT KEY] [--hold SECONDS]: a real SMTP
server (aiosmtpd) on 127.0.0.1 for the nurture tests. Each message it
accepts is written to DIR/NNN.eml, with its envelope and the time it came
in DIR/NNN.json. The first N deliveries get 451 (a temporary failure); mail
to ADDR gets 550 (a hard bounce). With --tls the server offers STARTTLS and
refuses mail before it; each message's .json says whether it came over TLS.
--hold makes each DATA answer wait, so that a sender is slow to finish.
Runs until killed."""
import asyncio, json, os, socket, sys, time
from aiosmtpd.controller import Controller

out, port_file = sys.argv[1], sys.argv[2]
args = sys.argv[3:]
tempfail = int(args[args.index("--tempfail") + 1]) if "--tempfail" in args else 0
hold = float(args[args.index("--hold") + 1]) if "--hold" in args else 0
reject = args[args.index("--reject") + 1] if "--reject" in args else None
tls = None
if "--tls" in args:
    import ssl
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(args[args.index("--tls") + 1], args[args.index("--tls") + 2])
os.makedirs(out, exist_ok=True)

class Handler:
    count = 0
    refused = 0

    async def handle_RCPT(self, server, session, envelope, address, options):
        if reject and address.lower() == reject.lower():
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if hold:
            await asyncio.sleep(hold)
        if Handler.refused < tempfail:
            Handler.refused += 1
            return "451 4.3.0 try again later"
        Handler.count += 1
        base = os.path.join(out, "%03d" % Handler.count)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos, "at": time.time(),
                       "tls": session.ssl is not None}, f)
        return "250 OK queued"

# aiosmtpd cannot listen on port 0: ask the kernel for a free port first.
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=tls,
                        require_starttls=tls is not None)
controller.start()
with open(port_file + ".tmp", "w") as f:
    f.write(str(port))
os.rename(port_file + ".tmp", port_file)
try:
    time.sleep(10**9)
finally:
    controller.stop()
