# Lead-ad webhooks through the real server, with a stand-in for Meta's and
# LinkedIn's APIs on loopback (tests/data/leadapi_stub.py) whose first two
# answers are 503: the notifications are kept, the leads fetched with the
# workspace's token after two retries, stored once.
$ touchpoint init --db w.db >/dev/null && touchpoint keys create write --db w.db >key 2>/dev/null
$ touchpoint init --db w.db --workspace other >/dev/null && touchpoint keys create write --db w.db --workspace other >other.key 2>/dev/null
$ cp -r $DATA/leads/api api && echo 2 >api/fail && (python3 $DATA/leadapi_stub.py api aport tok >/dev/null 2>&1 & echo $! >>.pids) && while [ ! -s aport ]; do sleep 0.05; done
$ touchpoint leads set meta --app-secret s3cret --verify-token vt --access-token tok --api-url "http://127.0.0.1:$(cat aport)/v21.0" --db w.db
> meta: webhook at /v1/webhooks/meta?writeKey=KEY
$ touchpoint leads set linkedin --app-secret li-secret --access-token tok --api-url "http://127.0.0.1:$(cat aport)/rest" --db w.db >/dev/null
$ touchpoint leads set meta --api-url ftp://x --db w.db
! touchpoint: "ftp://x" is not an absolute http(s) URL
? 1
# Secrets are never printed.
$ touchpoint leads list --db w.db | sed "s/:$(cat aport)/:PORT/"
> PLATFORM  APP SECRET  VERIFY TOKEN  ACCESS TOKEN  API URL
> meta      (set)       (set)         (set)         http://127.0.0.1:PORT/v21.0
> linkedin  (set)       -             (set)         http://127.0.0.1:PORT/rest
$ $DATA/serve_start.sh w.db --access-log off --lead-retry-ms 50

# Meta's endpoint check: the challenge echoed for the right verify token only.
$ curl -s -w ' %{http_code}\n' "http://127.0.0.1:$(cat port)/v1/webhooks/meta?writeKey=$(cat key)&hub.mode=subscribe&hub.verify_token=vt&hub.challenge=1158201444"
> 1158201444 200
$ curl -s -w ' %{http_code}\n' "http://127.0.0.1:$(cat port)/v1/webhooks/meta?writeKey=$(cat key)&hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1"
> {"success":false,"error":{"status":"TP_ERR_FORBIDDEN","field":"hub.verify_token","message":"is not the verify token set (touchpoint leads set meta --verify-token T)"}} 403
$ curl -s -w ' %{http_code}\n' "http://127.0.0.1:$(cat port)/v1/webhooks/meta?hub.mode=subscribe&hub.verify_token=vt&hub.challenge=1"
> {"success":false,"error":{"status":"TP_ERR_AUTH","field":"key","message":"is missing"}} 401

# A leadgen notification: signed with the app secret (X-Hub-Signature-256), or refused.
$ echo '{"object":"page","entry":[{"id":"1","time":1762160400,"changes":[{"field":"leadgen","value":{"leadgen_id":"444000000000000001","page_id":"1","form_id":"900000000000001"}}]}]}' >n.json && printf 'sha256=%s' "$(openssl dgst -sha256 -hmac s3cret <n.json | sed 's/.*= //')" >n.sig
$ curl -s -w ' %{http_code}\n' --data-binary @n.json "http://127.0.0.1:$(cat port)/v1/webhooks/meta?writeKey=$(cat key)"
> {"success":false,"error":{"status":"TP_ERR_AUTH","field":"X-Hub-Signature-256","message":"is missing: the platform signs every notification"}} 401
$ curl -s -w ' %{http_code}\n' -H "X-Hub-Signature-256: sha256=$(printf 0%.0s $(seq 64))" --data-binary @n.json "http://127.0.0.1:$(cat port)/v1/webhooks/meta?writeKey=$(cat key)"
> {"success":false,"error":{"status":"TP_ERR_AUTH","field":"X-Hub-Signature-256","message":"does not match the body signed with the app secret"}} 401
# Workspace "other" has no Meta app: its key cannot deliver there.
$ curl -s -w ' %{http_code}\n' -H "X-Hub-Signature-256: $(cat n.sig)" --data-binary @n.json "http://127.0.0.1:$(cat port)/v1/webhooks/meta?writeKey=$(cat other.key)"
> {"success":false,"error":{"status":"TP_ERR_FORBIDDEN","field":"app_secret","message":"is not set: touchpoint leads set meta --app-secret S"}} 403
$ curl -s -w ' %{http_code}\n' -H "X-Hub-Signature-256: $(cat n.sig)" --data-binary @n.json "http://127.0.0.1:$(cat port)/v1/webhooks/meta?writeKey=$(cat key)"
> {"success":true} 200
# Meta delivers again: one lead to fetch.
$ curl -s -w ' %{http_code}\n' -H "X-Hub-Signature-256: $(cat n.sig)" --data-binary @n.json "http://127.0.0.1:$(cat port)/v1/webhooks/meta?writeKey=$(cat key)"
> {"success":true} 200
$ $DATA/wait_sql.sh w.db "SELECT count(*) FROM lead_fetch WHERE done_at IS NULL" 0 && sqlite3 w.db "SELECT platform, lead_id, attempts, ifnull(last_error, '-') FROM lead_fetch"
> meta|444000000000000001|3|-
# Two 503s, then the lead: always with the workspace's token.
$ cat api/requests.log
> /v21.0/444000000000000001 Bearer tok
> /v21.0/444000000000000001 Bearer tok
> /v21.0/444000000000000001 Bearer tok

# LinkedIn: the endpoint check answers challengeCode with its HMAC under the client secret.
$ curl -s "http://127.0.0.1:$(cat port)/v1/webhooks/linkedin?writeKey=$(cat key)&challengeCode=890e4665-4dfe-4ab1-b689-ed553bceeed1" >ch.json && python3 -c "import json; print(json.load(open('ch.json'))['challengeResponse'])"
> ba4a8a9b05a94905a11f99bf4d9f1dfe051d1c583487921ddbf78762a63e6289
$ printf '890e4665-4dfe-4ab1-b689-ed553bceeed1' | openssl dgst -sha256 -hmac li-secret | sed 's/.*= //'
> ba4a8a9b05a94905a11f99bf4d9f1dfe051d1c583487921ddbf78762a63e6289
$ echo '{"type":"LEAD_ACTION","leadGenFormResponse":"urn:li:leadFormResponse:5e6f-7a8b","leadAction":"CREATED","owner":{"sponsoredAccount":"urn:li:sponsoredAccount:507000001"}}' >li.json && curl -s -w ' %{http_code}\n' -H "X-LI-Signature: $(openssl dgst -sha256 -hmac li-secret <li.json | sed 's/.*= //')" --data-binary @li.json "http://127.0.0.1:$(cat port)/v1/webhooks/linkedin?writeKey=$(cat key)"
> {"success":true} 200
$ curl -s -w ' %{http_code}\n' -H "X-LI-Signature: $(openssl dgst -sha256 -hmac li-secret <li.json | sed 's/.*= //')" --data-binary '{"type":"LEAD_ACTION"}' "http://127.0.0.1:$(cat port)/v1/webhooks/linkedin?writeKey=$(cat key)"
> {"success":false,"error":{"status":"TP_ERR_AUTH","field":"X-LI-Signature","message":"does not match the body signed with the app secret"}} 401

# TikTok's webhook carries the whole lead.
$ sed -n 1p $DATA/leads/tiktok.jsonl | curl -s -w ' %{http_code}\n' --data-binary @- "http://127.0.0.1:$(cat port)/v1/webhooks/tiktok?writeKey=$(cat key)"
> {"success":true} 200
$ curl -s -w ' %{http_code}\n' --data-binary '{"fields":[]}' "http://127.0.0.1:$(cat port)/v1/webhooks/tiktok?writeKey=$(cat key)"
> {"success":false,"error":{"status":"TP_ERR_INVALID","field":"lead_id","message":"is required: the lead's id"}} 400
$ $DATA/wait_sql.sh w.db "SELECT count(*) FROM lead_fetch WHERE done_at IS NULL" 0

# A platform down across a restart: the notification waits in the outbox
# with its error, and is fetched once the server is back and the platform is.
$ echo 1000 >api/fail && sed 's/444000000000000001/444000000000000002/' n.json >n2.json && cp api/meta/444000000000000001.json api/meta/444000000000000002.json && sed -i 's/444000000000000001/444000000000000002/; s/nina@nu.io/pia@pi.io/' api/meta/444000000000000002.json
$ curl -s -w ' %{http_code}\n' -H "X-Hub-Signature-256: sha256=$(openssl dgst -sha256 -hmac s3cret <n2.json | sed 's/.*= //')" --data-binary @n2.json "http://127.0.0.1:$(cat port)/v1/webhooks/meta?writeKey=$(cat key)"
> {"success":true} 200
$ $DATA/wait_sql.sh w.db "SELECT attempts > 0 FROM lead_fetch WHERE lead_id = '444000000000000002'" 1 && $DATA/serve_stop.sh
$ touchpoint leads pending --json --db w.db | python3 -c "import json,sys; p=json.load(sys.stdin); print(len(p), p[0]['lead_id'], p[0]['last_error'][:8])"
> 1 444000000000000002 HTTP 503
$ echo 0 >api/fail && $DATA/serve_start.sh w.db --access-log off --lead-retry-ms 50
$ $DATA/wait_sql.sh w.db "SELECT count(*) FROM lead_fetch WHERE done_at IS NULL" 0 && $DATA/serve_stop.sh
$ touchpoint leads pending --db w.db
> PLATFORM  LEAD  RECEIVED  ATTEMPTS  NEXT ATTEMPT  LAST ERROR

# Each lead once, as a contact of the workspace whose key delivered it.
$ sqlite3 w.db "SELECT e.message_id, e.channel, e.campaign, c.email FROM event e JOIN contact c ON c.id = e.contact_id JOIN workspace w ON w.id = e.workspace_id WHERE w.name = 'default' ORDER BY e.id"
> meta-lead:444000000000000001|Paid Social|fb_leadgen_q4|nina@nu.io
> linkedin-lead:5e6f-7a8b|Paid Social|li_abm_q4|omar@omicron.com
> tiktok-lead:7300000000000000001|Paid Social|tt_spark_q4|jo@kappa.io
> meta-lead:444000000000000002|Paid Social|fb_leadgen_q4|pia@pi.io
$ sqlite3 w.db "SELECT count(*) FROM event WHERE workspace_id = (SELECT id FROM workspace WHERE name = 'other')"
> 0
