# Delivery against real servers on loopback: the MQL alert to the owner (a
# starter workflow that init installs), a temporary SMTP failure retried
# after its backoff, a hard bounce suppressed, a signed webhook, and the send
# rate kept. Time is pinned: a minute of backoff passes in one command.
$ (/usr/bin/python3 $DATA/smtp_server.py mail sport --tempfail 1 --reject cy@initech.com >smtp.log 2>&1 & echo $! >>.pids) && while [ ! -s sport ]; do sleep 0.05; done
$ (/usr/bin/python3 $DATA/webhook_server.py hooks hport >hook.log 2>&1 & echo $! >>.pids) && while [ ! -s hport ]; do sleep 0.05; done
$ touchpoint init --db d.db | tail -1
> 4 starter workflows installed: the MQL alert to owners, welcome, content drip, re-engagement (touchpoint nurture list)
$ touchpoint nurture config --smtp smtp://127.0.0.1:$(cat sport) --rate 6000 --owner-email "Alex Kim=alex@sales.example" --db d.db | tail -1
> owner_email.Alex Kim       alex@sales.example
$ sed "s/PORT/$(cat hport)/" $DATA/nurture/hook.json >hook.json && touchpoint nurture load hook.json --db d.db
> workflow crm-sync loaded from hook.json
# Ana's trial sign-up, title and pricing-page visit make her an MQL.
$ cat $DATA/nurture/signups.jsonl $DATA/nurture/owner.jsonl | TOUCHPOINT_NOW=2026-03-02T10:00:00Z touchpoint import events - --db d.db >/dev/null && touchpoint contacts show ana@acme.com --json --db d.db | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["stage"])'
> mql
# One pass: the starter welcome (a trial sign-up) for Ana and Cy, none for
# Ben (DE: no consent), the alert to Ana's owner by the address mapped to his
# name, the CRM webhook for all three. The SMTP server refuses the first
# email once (451: retried a minute later) and Cy's address (550: bounced).
$ TOUCHPOINT_NOW=2026-03-02T10:00:00Z touchpoint nurture run --db d.db
> nurture: 9 events and 4 stage changes looked at; 7 enrolled; 14 steps run; 3 runs waiting, 4 done, 0 exited, 0 failed; 3 emails and 3 webhook calls queued, 1 emails not sent (suppressed or without consent)
> outbox: 4 sent, 1 to retry, 1 failed, 0 suppressed
$ sqlite3 d.db "SELECT id, kind, CASE kind WHEN 'email' THEN recipient ELSE 'crm' END, state, attempts, coalesce(last_error, '') FROM message ORDER BY id"
> 1|webhook|crm|sent|1|
> 2|email|ana@acme.com|queued|1|SMTP 451 after DATA: 451 4.3.0 try again later
> 3|webhook|crm|sent|1|
> 4|webhook|crm|sent|1|
> 5|email|cy@initech.com|failed|1|SMTP 550 after RCPT: 550 5.1.1 no such user here
> 6|email|alex@sales.example|sent|1|
$ sqlite3 d.db "SELECT email, reason FROM suppression"
> cy@initech.com|bounced
# The retry waits its minute, then goes.
$ TOUCHPOINT_NOW=2026-03-02T10:00:30Z touchpoint nurture run --db d.db | tail -1
> outbox: 0 sent, 0 to retry, 0 failed, 0 suppressed
$ TOUCHPOINT_NOW=2026-03-02T10:01:01Z touchpoint nurture run --db d.db | tail -1
> outbox: 1 sent, 0 to retry, 0 failed, 0 suppressed
$ sqlite3 d.db "SELECT state, attempts FROM message WHERE id = 2"
> sent|2
# The alert: who, why the score says so, the last touches; no unsubscribe
# header (it is mail to a colleague, not marketing).
$ /usr/bin/python3 $DATA/mail_show.py mail | head -2 | sed 's/Last touches:.*/Last touches: .../'
> to=alex@sales.example subject=New MQL: Ana <b>&  at Acme & Sons (score 53) unsubscribe=- one-click=False
>   text: Ana <b>&  <ana@acme.com>, CMO at Acme & Sons (VN), just became a marketing-qualified lead. Owner: Alex Kim.||Score 52.97 (fit 45, engagement 34.97):|  +24.98  Trial sign-up (engagement)|  +12  C-level (fit)|  +9.99  Pricing or demo page (engagement)|  +6  Buyer role (fit)|Last touches: ...
$ /usr/bin/python3 $DATA/mail_show.py mail | head -2 | grep -o '2026-03-02T09:31:00.000Z  page_view Pricing  (Organic Search)'
> 2026-03-02T09:31:00.000Z  page_view Pricing  (Organic Search)
$ /usr/bin/python3 $DATA/mail_show.py mail | grep -c '^to='
> 2
# The webhook's signature checks out with the workspace's secret, and not
# with another.
$ /usr/bin/python3 $DATA/webhook_verify.py hooks/001.json $(sqlite3 d.db "SELECT value FROM setting WHERE key = 'nurture.secret'")
> signature ok "ana@acme.com"
$ /usr/bin/python3 $DATA/webhook_verify.py hooks/001.json 00000000000000000000000000000000000000000000000000000000000000ff
> signature WRONG "ana@acme.com"
$ ls hooks | wc -l
> 3

# The send rate: 120 a minute is one every 500 ms, measured at the SMTP server.
$ (/usr/bin/python3 $DATA/smtp_server.py mail2 sport2 >smtp2.log 2>&1 & echo $! >>.pids) && while [ ! -s sport2 ]; do sleep 0.05; done
$ touchpoint init --db r.db >/dev/null && touchpoint nurture config --smtp smtp://127.0.0.1:$(cat sport2) --rate 120 --db r.db >/dev/null && TOUCHPOINT_NOW=2026-03-02T10:00:00Z touchpoint import events $DATA/nurture/rate.jsonl --db r.db >/dev/null
$ TOUCHPOINT_NOW=2026-03-02T10:00:00Z touchpoint nurture run --db r.db | tail -1
> outbox: 4 sent, 0 to retry, 0 failed, 0 suppressed
$ /usr/bin/python3 -c 'import glob,json; t=sorted(json.load(open(f))["at"] for f in glob.glob("mail2/*.json")); g=[b-a for a,b in zip(t,t[1:])]; print(len(t), "messages; every gap >= 0.45 s:", min(g) >= 0.45, "; all within 3 s:", t[-1]-t[0] < 3)'
> 4 messages; every gap >= 0.45 s: True ; all within 3 s: True

# TLS when the server offers it: a relay that refuses mail before STARTTLS,
# with a certificate of our own CA. Untrusted, nothing goes (in clear or
# otherwise); trusted (nurture config --smtp-ca), the mail goes over TLS.
$ openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
$ (/usr/bin/python3 $DATA/smtp_server.py mail3 sport3 --tls cert.pem key.pem >smtp3.log 2>&1 & echo $! >>.pids) && while [ ! -s sport3 ]; do sleep 0.05; done
$ touchpoint init --db s.db >/dev/null && touchpoint nurture config --smtp smtp://127.0.0.1:$(cat sport3) --db s.db >/dev/null && TOUCHPOINT_NOW=2026-03-02T10:00:00Z touchpoint import events $DATA/nurture/signups.jsonl --db s.db >/dev/null
$ TOUCHPOINT_NOW=2026-03-02T10:00:00Z touchpoint nurture run --db s.db | tail -1
> outbox: 0 sent, 2 to retry, 0 failed, 0 suppressed
$ sqlite3 s.db "SELECT DISTINCT last_error FROM message"
> SMTP 220: SSL peer certificate or SSH remote key was not OK
$ ls mail3 2>/dev/null | wc -l
> 0
$ touchpoint nurture config --smtp-ca cert.pem --db s.db | grep -c "smtp_ca .*/cert.pem"
> 1
$ TOUCHPOINT_NOW=2026-03-02T10:01:01Z touchpoint nurture run --db s.db | tail -1
> outbox: 2 sent, 0 to retry, 0 failed, 0 suppressed
$ cat mail3/*.json | /usr/bin/python3 -c 'import sys,json; print([json.loads(l)["tls"] for l in sys.stdin.read().replace("}{", "}\n{").splitlines()])'
> [True, True]

# Two runners at once on one workspace (serve and a cron job, say): each
# email goes once; a runner claims a message in a transaction of its own
# before it sends. The four emails wait for an SMTP server first, so that
# both runners find all four due; the server holds each answer half a
# second, so that the second runner starts while the first is still sending.
$ (/usr/bin/python3 $DATA/smtp_server.py mail4 sport4 --hold 0.5 >smtp4.log 2>&1 & echo $! >>.pids) && while [ ! -s sport4 ]; do sleep 0.05; done
$ touchpoint init --db c.db >/dev/null && TOUCHPOINT_NOW=2026-03-02T10:00:00Z touchpoint import events $DATA/nurture/rate.jsonl --db c.db >/dev/null
$ TOUCHPOINT_NOW=2026-03-02T10:00:00Z touchpoint nurture run --db c.db | tail -1
> outbox: 0 sent, 0 to retry, 0 failed, 0 suppressed; 4 emails wait for an SMTP server (nurture config --smtp URL)
$ touchpoint nurture config --smtp smtp://127.0.0.1:$(cat sport4) --rate 300 --db c.db >/dev/null
$ export TOUCHPOINT_NOW=2026-03-02T10:01:01Z; touchpoint nurture run --db c.db >one.out & touchpoint nurture run --db c.db >two.out; wait; cat one.out two.out | grep -c '^outbox'
> 2
$ /usr/bin/python3 -c 'import glob,json; print(sorted(json.load(open(f))["to"][0] for f in glob.glob("mail4/*.json")))'
> ['r1@acme.com', 'r2@acme.com', 'r3@acme.com', 'r4@acme.com']
$ sqlite3 c.db "SELECT state, attempts, count(*) FROM message GROUP BY 1, 2"
> sent|1|4
