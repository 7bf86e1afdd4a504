# Nurturing against a real SMTP server (aiosmtpd on loopback): a welcome
# workflow enrols three sign-ups, sends its first email to those who may get
# it (Ben in Germany gave no consent), waits two days, branches on a demo
# request, and ends; a crash between steps loses and repeats nothing.
$ (/usr/bin/python3 $DATA/smtp_server.py mail sport >smtp.log 2>&1 & echo $! >>.pids) && while [ ! -s sport ]; do sleep 0.05; done
$ touchpoint init --db n.db >/dev/null && touchpoint import events $DATA/nurture/signups.jsonl --db n.db >/dev/null
$ cp $DATA/nurture/welcome.json . && touchpoint nurture load welcome.json --db n.db
> workflow welcome loaded from welcome.json
$ touchpoint nurture config --smtp smtp://127.0.0.1:$(cat sport) --rate 6000 --db n.db | grep -v smtp_url
> from                       Touchpoint <no-reply@localhost>
> public_url                 http://127.0.0.1:8080
> rate_per_minute            6000
> consent_required           eu
> sales_to                   (none: alerts go to owners with an address)
> smtp_ca                    (the system's CAs)
# The same sign-ups a week later are history: looked at, and nobody enrolled.
$ touchpoint init --db old.db >/dev/null && touchpoint import events $DATA/nurture/signups.jsonl --db old.db >/dev/null && touchpoint nurture load welcome.json --db old.db >/dev/null
$ TOUCHPOINT_NOW=2026-03-10T10:00:00Z touchpoint nurture run --db old.db | head -1
> nurture: 7 events and 3 stage changes looked at; 0 enrolled; 0 steps run; 0 runs waiting, 0 done, 0 exited, 0 failed; 0 emails and 0 webhook calls queued, 0 emails not sent (suppressed or without consent)
$ TOUCHPOINT_NOW=2026-03-02T10:00:00Z touchpoint nurture run --db n.db
> nurture: 7 events and 3 stage changes looked at; 3 enrolled; 9 steps run; 3 runs waiting, 0 done, 0 exited, 0 failed; 2 emails and 0 webhook calls queued, 1 emails not sent (suppressed or without consent)
> outbox: 2 sent, 0 to retry, 0 failed, 0 suppressed
# Both parts, the name HTML-escaped in the HTML part only, the link and the
# unsubscribe URL signed, the one-click headers of RFC 8058.
$ /usr/bin/python3 $DATA/mail_show.py mail
> to=ana@acme.com subject=Welcome, Ana <b>& — Chào mừng unsubscribe=<http://127.0.0.1:8080/u/TOKEN> one-click=True
>   text: Hi Ana <b>&,|thanks for signing up at Acme & Sons.|Read the guide: https://example.com/guide?a=1&b=2|||Unsubscribe: http://127.0.0.1:8080/u/TOKEN|
>   html: <p>Hi Ana &lt;b&gt;&amp;,</p><p>thanks for signing up at Acme &amp; Sons.</p><p><a href="http://127.0.0.1:8080/c/TOKEN/0">Read the guide</a></p><p><a href="http://127.0.0.1:8080/u/TOKEN">Unsubscribe</a></p><img src="http://127.0.0.1:8080/o/TOKEN" width="1" height="1" alt="">
> to=cy@initech.com subject=Welcome, Cy — Chào mừng unsubscribe=<http://127.0.0.1:8080/u/TOKEN> one-click=True
>   text: Hi Cy,|thanks for signing up at your company.|Read the guide: https://example.com/guide?a=1&b=2|||Unsubscribe: http://127.0.0.1:8080/u/TOKEN|
>   html: <p>Hi Cy,</p><p>thanks for signing up at your company.</p><p><a href="http://127.0.0.1:8080/c/TOKEN/0">Read the guide</a></p><p><a href="http://127.0.0.1:8080/u/TOKEN">Unsubscribe</a></p><img src="http://127.0.0.1:8080/o/TOKEN" width="1" height="1" alt="">
$ TOUCHPOINT_NOW=2026-03-02T10:00:00Z touchpoint nurture status ben@globex.de --db n.db
> welcome: active — step 2: waiting until 2026-03-04T10:00:00.000Z
>   2026-03-02T10:00:00.000Z  enrolled: event "Signed Up" (4)
>   2026-03-02T10:00:00.000Z  not sent: no consent, which DE requires
>   2026-03-02T10:00:00.000Z  tag welcomed
>   2026-03-02T10:00:00.000Z  waiting until 2026-03-04T10:00:00.000Z
# Nothing is due a day later; two days later the waits end: Cy asked for a
# demo and stops, Ana gets the second email.
$ TOUCHPOINT_NOW=2026-03-03T10:00:00Z touchpoint nurture run --db n.db
> nurture: 0 events and 0 stage changes looked at; 0 enrolled; 0 steps run; 0 runs waiting, 0 done, 0 exited, 0 failed; 0 emails and 0 webhook calls queued, 0 emails not sent (suppressed or without consent)
> outbox: 0 sent, 0 to retry, 0 failed, 0 suppressed
$ TOUCHPOINT_NOW=2026-03-04T10:00:01Z touchpoint nurture run --db n.db
> nurture: 0 events and 0 stage changes looked at; 0 enrolled; 10 steps run; 0 runs waiting, 3 done, 0 exited, 0 failed; 1 emails and 0 webhook calls queued, 1 emails not sent (suppressed or without consent)
> outbox: 1 sent, 0 to retry, 0 failed, 0 suppressed
$ sqlite3 n.db "SELECT c.email, r.state, r.note FROM workflow_run r JOIN contact c ON c.id = r.contact_id ORDER BY c.email"
> ana@acme.com|stopped|step 6: stopped: welcome finished
> ben@globex.de|stopped|step 6: stopped: welcome finished
> cy@initech.com|stopped|step 6: stopped: welcome finished
$ sqlite3 n.db "SELECT c.email, f.value FROM contact_field f JOIN contact c ON c.id = f.contact_id ORDER BY 1; SELECT count(*) FROM contact_tag WHERE tag = 'welcomed'"
> ana@acme.com|welcome-2
> ben@globex.de|welcome-2
> 3
$ /usr/bin/python3 $DATA/mail_show.py mail | grep -c '^to='
> 3
$ /usr/bin/python3 $DATA/mail_show.py mail | tail -3
> to=ana@acme.com subject=Two things worth a look, Ana <b>& unsubscribe=<http://127.0.0.1:8080/u/TOKEN> one-click=True
>   text: Your score is 0.|||Unsubscribe: http://127.0.0.1:8080/u/TOKEN|
>   html: <p>Your score is 0.</p><p><a href="http://127.0.0.1:8080/u/TOKEN">Unsubscribe</a></p><img src="http://127.0.0.1:8080/o/TOKEN" width="1" height="1" alt="">
# A crash between steps: the process is killed right after its first
# committed run of steps (Ana's email queued, not yet delivered); the next
# run goes on from there and delivers what was queued. Each step ran once and
# each email went once.
$ touchpoint init --db k.db >/dev/null && touchpoint import events $DATA/nurture/signups.jsonl --db k.db >/dev/null && touchpoint nurture load welcome.json --db k.db >/dev/null && touchpoint nurture config --smtp smtp://127.0.0.1:$(cat sport) --rate 6000 --db k.db >/dev/null
$ TOUCHPOINT_CRASH_AFTER_STEPS=1 TOUCHPOINT_NOW=2026-03-02T10:00:00Z touchpoint nurture run --db k.db
? 137
$ TOUCHPOINT_NOW=2026-03-02T10:00:00Z touchpoint nurture run --db k.db
> nurture: 0 events and 0 stage changes looked at; 0 enrolled; 6 steps run; 2 runs waiting, 0 done, 0 exited, 0 failed; 1 emails and 0 webhook calls queued, 1 emails not sent (suppressed or without consent)
> outbox: 2 sent, 0 to retry, 0 failed, 0 suppressed
$ sqlite3 k.db "SELECT count(*), count(DISTINCT run_id || ':' || step) FROM workflow_log WHERE step >= 0; SELECT count(*), count(DISTINCT contact_id) FROM message"
> 9|9
> 2|2
$ /usr/bin/python3 $DATA/mail_show.py mail | grep -c '^to='
> 5
