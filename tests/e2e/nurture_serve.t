# Nurturing inside `touchpoint serve`: events posted to the collector wake
# the scheduler, whose emails reach a real SMTP server (aiosmtpd); the links
# in them (open pixel, click redirect, one-click unsubscribe) answer without
# login and only with a valid token.
$ (/usr/bin/python3 $DATA/smtp_server.py mail sport >smtp.log 2>&1 & echo $! >>.pids) && while [ ! -s sport ]; do sleep 0.05; done
$ touchpoint init --db n.db >/dev/null && touchpoint keys create write --db n.db >key 2>/dev/null && touchpoint keys create secret --db n.db >secret 2>/dev/null
# The server's clock is the events' day: what happened more than a week
# before the scheduler sees it starts no workflow.
$ TOUCHPOINT_NOW=2026-03-02T09:05:00Z $DATA/serve_start.sh n.db --nurture-poll-ms 100 --access-log off
$ touchpoint nurture config --smtp smtp://127.0.0.1:$(cat sport) --rate 6000 --public-url http://127.0.0.1:$(cat port)/ --db n.db >/dev/null && cp $DATA/nurture/welcome.json . && touchpoint nurture load welcome.json --db n.db
> workflow welcome loaded from welcome.json
$ $DATA/http.sh POST /v1/batch key "{\"batch\":[$(head -4 $DATA/nurture/signups.jsonl | paste -sd,)]}"
> 200 {"success":true}
# Ana (VN) gets the welcome; Ben (DE) gave no consent, which the EU rule asks.
$ $DATA/wait_sql.sh n.db "SELECT group_concat(recipient || ':' || state) FROM message" "ana@acme.com:sent"
$ /usr/bin/python3 $DATA/mail_show.py mail | head -1 | sed "s/$(cat port)/PORT/"
> to=ana@acme.com subject=Welcome, Ana <b>& — Chào mừng unsubscribe=<http://127.0.0.1:PORT/u/TOKEN> one-click=True

# The open pixel: a GIF, the open stamped and kept as Ana's email_open touch
# (channel Email, the workflow as campaign); a second open counts once.
$ curl -s -o o.gif -w '%{http_code} %{content_type} %{size_download}\n' "$(/usr/bin/python3 $DATA/mail_link.py mail 1 o)"
> 200 image/gif 43
$ curl -s -o o.gif -w '%{http_code}\n' "$(/usr/bin/python3 $DATA/mail_link.py mail 1 o)"
> 200
$ sqlite3 n.db "SELECT type, channel, source, medium, campaign FROM event WHERE type = 'email_open'; SELECT opened_at > 0 FROM message"
> email_open|Email|touchpoint|email|welcome
> 1

# A click goes where the stored message says (302), and is kept once.
$ curl -s -o /dev/null -w '%{http_code} %{redirect_url}\n' "$(/usr/bin/python3 $DATA/mail_link.py mail 1 c)"
> 302 https://example.com/guide?a=1&b=2
$ sqlite3 n.db "SELECT e.type, json_extract(e.properties, '$.link_url'), c.email FROM event e JOIN contact c ON c.id = e.contact_id WHERE e.type = 'email_click'"
> email_click|https://example.com/guide?a=1&b=2|ana@acme.com
# No open redirect: a link the message does not have, a token changed by
# one character, and a token of one kind used for another are refused.
$ curl -s -o /dev/null -w '%{http_code}\n' "$(/usr/bin/python3 $DATA/mail_link.py mail 1 c | sed 's,/0$,/7,')"
> 404
$ curl -s -o /dev/null -w '%{http_code}\n' "$(/usr/bin/python3 $DATA/mail_link.py mail 1 c | sed -E 's,A/0$,B/0,;t;s,./0$,A/0,')"
> 403
$ curl -s -o /dev/null -w '%{http_code}\n' "$(/usr/bin/python3 $DATA/mail_link.py mail 1 u | sed 's,/u/,/c/,')/0"
> 403
$ curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$(cat port)/c/x/0"
> 403

# Unsubscribe: GET only asks (mail scanners fetch links); POST does it, the
# page's button or a mail client's RFC 8058 one-click POST.
$ curl -s "$(/usr/bin/python3 $DATA/mail_link.py mail 1 u)" | grep -o '<form method="post"><button type="submit">Unsubscribe</button></form>'
> <form method="post"><button type="submit">Unsubscribe</button></form>
$ sqlite3 n.db "SELECT count(*) FROM suppression"
> 0
$ curl -s -o /dev/null -w '%{http_code}\n' -d 'List-Unsubscribe=One-Click' "$(/usr/bin/python3 $DATA/mail_link.py mail 1 u)"
> 200
$ sqlite3 n.db "SELECT email, reason, source FROM suppression; SELECT c.email, h.consent, h.source FROM consent_change h JOIN contact c ON c.id = h.contact_id WHERE h.consent = 0; SELECT consent FROM contact WHERE email = 'ana@acme.com'; SELECT count(*) FROM event WHERE type = 'unsubscribe'; SELECT unsubscribed_at > 0 FROM message"
> ana@acme.com|unsubscribed|one-click unsubscribe (RFC 8058)
> ana@acme.com|0|one-click unsubscribe (RFC 8058)
> 0
> 1
> 1
$ curl -s -o /dev/null -w '%{http_code}\n' -X POST "$(/usr/bin/python3 $DATA/mail_link.py mail 1 u)"
> 200
$ sqlite3 n.db "SELECT count(*) FROM suppression; SELECT count(*) FROM consent_change WHERE consent = 0; SELECT count(*) FROM event WHERE type = 'unsubscribe'"
> 1
> 1
> 1
$ curl -s -o /dev/null -w '%{http_code}\n' -d 'List-Unsubscribe=One-Click' "$(/usr/bin/python3 $DATA/mail_link.py mail 1 u | sed -E 's,A$,B,;t;s,.$,A,')"
> 403

# What a mail provider reports, by the JSON API with the secret key: a
# bounce of an address, a complaint about one message.
$ $DATA/api.sh POST /v1/suppressions secret '{"email":" Zed@Example.com","reason":"bounced","source":"ses"}'
> 201 {"email":"zed@example.com","suppressed":"bounced"}
$ $DATA/api.sh GET /v1/suppressions/zed@example.com secret
> 200 {"email":"zed@example.com","suppressed":"bounced"}
$ $DATA/api.sh GET /v1/suppressions/ben@globex.de secret
> 200 {"email":"ben@globex.de","suppressed":null}
$ $DATA/api.sh POST /v1/suppressions secret '{"email":"zed@example.com","reason":"bored"}'
> 400 {"success":false,"error":{"status":"TP_ERR_INVALID","field":"reason","message":"is one of unsubscribed, bounced, complained"}}
$ $DATA/api.sh POST /v1/suppressions - '{"email":"zed@example.com","reason":"bounced"}' 'd["error"]["field"]'
> 401 Authorization
$ $DATA/api.sh POST /v1/messages/1/complained secret '{"source":"feedback loop"}'
> 201 {"message_id":1,"recorded":"complained"}
$ $DATA/api.sh POST /v1/messages/99/bounced secret
> 404 {"success":false,"error":{"status":"TP_ERR_NOT_FOUND","field":"message","message":"no message 99"}}
$ sqlite3 n.db "SELECT email, reason, source FROM suppression ORDER BY email; SELECT complained_at > 0 FROM message WHERE id = 1"
> ana@acme.com|unsubscribed|one-click unsubscribe (RFC 8058)
> zed@example.com|bounced|api: ses
> 1
# Consent by API, kept with its source and time; the history shows Ana's
# unsubscribe too.
$ $DATA/api.sh POST /v1/contacts/ben@globex.de/consent secret '{"consent":true,"source":"double opt-in"}' '[d["consent"], d["suppressed"], [(h["consent"], h["source"]) for h in d["history"]]]'
> 201 [True, None, [(True, 'api: double opt-in')]]
$ $DATA/api.sh GET /v1/contacts/ana@acme.com/consent secret "" '[d["consent"], d["suppressed"], [(h["consent"], h["source"]) for h in d["history"]]]'
> 200 [False, 'unsubscribed', [(False, 'one-click unsubscribe (RFC 8058)')]]
$ $DATA/api.sh POST /v1/contacts/ben@globex.de/consent secret '{"consent":"yes"}'
> 400 {"success":false,"error":{"status":"TP_ERR_INVALID","field":"consent","message":"must be true or false"}}

# A date trigger: 30 days before a custom field's date (set by the API),
# within a week's grace: Ben's renewal is in 28 days, Ana's in 60.
$ cp $DATA/nurture/renewal.json . && touchpoint nurture load renewal.json --db n.db
> workflow renewal loaded from renewal.json
$ sed 's/"days_before": 30/"days_before": 30, "days_after": 1/' renewal.json >bad.json && touchpoint nurture load bad.json --db n.db
! touchpoint: bad.json: trigger.date.days_after days_before and days_after exclude each other
? 1
$ $DATA/api.sh PATCH /v1/contacts/ben@globex.de secret "{\"fields\":{\"renewal_date\":\"2026-03-30\"}}" 'd["email"]'
> 200 ben@globex.de
$ $DATA/api.sh PATCH /v1/contacts/ana@acme.com secret "{\"fields\":{\"renewal_date\":\"2026-05-01\"}}" 'd["email"]'
> 200 ana@acme.com
$ $DATA/api.sh PATCH /v1/contacts/ana@acme.com secret '{"fields":{"renewal_date":7}}'
> 400 {"success":false,"error":{"status":"TP_ERR_INVALID","field":"fields.renewal_date","message":"must be a string (null removes the field)"}}
$ $DATA/wait_sql.sh n.db "SELECT group_concat(c.email) FROM contact_tag t JOIN contact c ON c.id = t.contact_id WHERE t.tag = 'renewal-reminded'" "ben@globex.de"
$ sqlite3 n.db "SELECT r.note FROM workflow_run r JOIN workflow w ON w.id = r.workflow_id WHERE w.name = 'renewal'; SELECT l.what FROM workflow_log l JOIN workflow_run r ON r.id = l.run_id JOIN workflow w ON w.id = r.workflow_id WHERE w.name = 'renewal' AND l.step = -1"
> done: all steps ran
> enrolled: renewal_date is 2026-03-30, 30 days ahead
$ $DATA/serve_stop.sh
