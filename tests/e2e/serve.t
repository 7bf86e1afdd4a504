# touchpoint serve over real HTTP on a loopback port: the collector's
# answers, auth, limits, workspace isolation, metrics and a graceful stop.
$ touchpoint init --db t.db >/dev/null && touchpoint init --db t.db --workspace other >/dev/null
$ touchpoint keys create write --label site --db t.db >key 2>/dev/null && touchpoint keys create secret --db t.db >secret 2>/dev/null && touchpoint keys create write --db t.db --workspace other >okey 2>/dev/null && touchpoint keys create write --db t.db >revoked 2>/dev/null
$ touchpoint keys revoke 4 --db t.db
> key 4 revoked: requests with it now get 401
$ $DATA/serve_start.sh t.db --access-log access.log --body-limit 2000

# Segment's single calls: the body may omit "type"; the path gives it.
$ $DATA/http.sh POST /v1/identify key '{"anonymousId":"w1","messageId":"i1","timestamp":"2026-11-02T10:00:00Z","traits":{"email":"ana@acme.com","title":"CMO"}}'
> 200 {"success":true}
$ $DATA/http.sh POST /v1/page key '{"anonymousId":"w1","messageId":"p1","timestamp":"2026-11-02T10:01:00Z","context":{"page":{"url":"https://acme.example/pricing?utm_source=google&utm_medium=cpc"}}}'
> 200 {"success":true}
$ $DATA/http.sh POST /v1/track key '{"type":"track","userId":"u-9","event":"Demo Requested","messageId":"t1","timestamp":"2026-11-02T10:05:00Z"}'
> 200 {"success":true}
# The same messageId again: answered 200, stored once.
$ $DATA/http.sh POST /v1/track key '{"userId":"u-9","event":"Demo Requested","messageId":"t1","timestamp":"2026-11-02T10:05:00Z"}'
> 200 {"success":true}
$ $DATA/http.sh POST /v1/batch key '{"batch":[{"type":"page","anonymousId":"w2","messageId":"b1"},{"type":"group","userId":"u-9","groupId":"g1","messageId":"b2","traits":{"website":"acme.com"}}]}'
> 200 {"success":true}
$ $DATA/http.sh POST /v1/alias key '{"userId":"u-9","previousId":"w2","messageId":"a1"}'
> 200 {"success":true}
$ $DATA/http.sh POST /v1/screen key '{"userId":"u-9","name":"Home","messageId":"s1"}'
> 200 {"success":true}

# The pixel: a GIF once stored; the key in the query (an image sets no headers).
$ curl -s -o x.gif -w '%{http_code} %{content_type} %{size_download}\n' "http://127.0.0.1:$(cat port)/t.gif?writeKey=$(cat key)&t=track&e=Email%20Opened&u=u-9&m=open-1&utm_source=newsletter&utm_medium=email&p.subject=Hello"
> 200 image/gif 43
$ curl -s -w ' %{http_code}\n' "http://127.0.0.1:$(cat port)/t.gif?writeKey=$(cat key)&t=alias"
> {"success":false,"error":{"status":"TP_ERR_INVALID","field":"t","message":"\"alias\" is not page, track or identify"}} 400
$ sqlite3 t.db "SELECT type, channel, source, medium, properties FROM event WHERE message_id = 'open-1'"
> email_open|Email|newsletter|email|{"subject":"Hello"}
# The snippet, as built from web/tp.js.
$ curl -s -D headers -o tp.js "http://127.0.0.1:$(cat port)/tp.js" && cmp tp.js $DATA/../../web/tp.js && grep -i -c -E '^(content-type: application/javascript|cache-control: public)' headers
> 2

# Invalid input: 400 naming the field; a batch with one bad call stores none.
$ $DATA/http.sh POST /v1/identify key '{"anonymousId":"w3","traits":{"email":"ana at acme"}}'
> 400 {"success":false,"error":{"status":"TP_ERR_INVALID","field":"traits.email","message":"\"ana at acme\" needs exactly one '@' with something before it"}}
$ $DATA/http.sh POST /v1/batch key '{"batch":[{"type":"page","anonymousId":"w4","messageId":"never"},{"type":"trak","userId":"u"}]}'
> 400 {"success":false,"error":{"status":"TP_ERR_INVALID","field":"batch[1].type","message":"\"trak\" is not one of identify, track, page, screen, group, alias"}}
$ $DATA/http.sh POST /v1/track key '{"type":"identify","userId":"u"}'
> 400 {"success":false,"error":{"status":"TP_ERR_INVALID","field":"type","message":"is identify, but this endpoint takes track calls"}}
$ $DATA/http.sh POST /v1/batch key '{"userId":"u","event":"x"}'
> 400 {"success":false,"error":{"status":"TP_ERR_INVALID","field":"batch","message":"is required: an array of calls"}}
$ $DATA/http.sh POST /v1/track key '{"userId":'
> 400 {"success":false,"error":{"status":"TP_ERR_PARSE","field":null,"message":"not valid JSON (error near byte 10)"}}
$ $DATA/http.sh POST /v1/track key ''
> 400 {"success":false,"error":{"status":"TP_ERR_INVALID","field":"body","message":"is empty: send the call as JSON"}}

# Keys: missing, unknown, revoked → 401; a secret key on the collector → 403.
$ $DATA/http.sh POST /v1/track - '{"userId":"u","event":"x"}'
> 401 {"success":false,"error":{"status":"TP_ERR_AUTH","field":"key","message":"is missing"}}
$ echo tp_write_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa >forged && $DATA/http.sh POST /v1/track forged '{"userId":"u","event":"x"}'
> 401 {"success":false,"error":{"status":"TP_ERR_AUTH","field":"key","message":"is not a key of this server"}}
$ $DATA/http.sh POST /v1/track revoked '{"userId":"u","event":"x"}' | sed 's/tp_write_[a-z0-9]*/KEY/'
> 401 {"success":false,"error":{"status":"TP_ERR_AUTH","field":"key","message":"KEY... was revoked"}}
$ $DATA/http.sh POST /v1/track secret '{"userId":"u","event":"x"}' | sed 's/tp_secret_[a-z0-9]*/KEY/'
> 403 {"success":false,"error":{"status":"TP_ERR_FORBIDDEN","field":"key","message":"KEY... is a secret key; this needs a write key"}}

# Limits, unknown paths and methods.
$ $DATA/http.sh POST /v1/track key "{\"userId\":\"u\",\"event\":\"$(head -c 3000 /dev/zero | tr '\0' x)\"}"
> 413 {"success":false,"error":{"status":"TP_ERR_TOO_BIG","field":"body","message":"the body is over this endpoint's limit of 2000 bytes"}}
$ $DATA/http.sh POST /v1/nothing key '{}'
> 404 {"success":false,"error":{"status":"TP_ERR_NOT_FOUND","field":"path","message":"no such endpoint"}}
$ $DATA/http.sh GET /v1/track key
> 405 {"success":false,"error":{"status":"TP_ERR_USAGE","field":"method","message":"this path does not take that method"}}

# CORS: the collector answers browsers' preflight; other paths do not allow them.
$ curl -s -i -X OPTIONS -H 'Origin: https://acme.example' "http://127.0.0.1:$(cat port)/v1/page" | tr -d '\r' | grep -i -E '^(HTTP|access-control-allow-origin)'
> HTTP/1.1 204 No Content
> Access-Control-Allow-Origin: *
$ curl -s -i "http://127.0.0.1:$(cat port)/healthz" | tr -d '\r' | grep -i -c access-control
> 0
? 1

# Workspace isolation: the other workspace's key writes there only.
$ $DATA/http.sh POST /v1/track okey '{"userId":"o-1","event":"Signed Up","messageId":"t1"}'
> 200 {"success":true}

$ $DATA/http.sh GET /healthz
> 200 {"status":"ok"}
$ curl -s "http://127.0.0.1:$(cat port)/metrics" | grep -E '^touchpoint_(events_total|http_requests_total\{route="/v1/(track|batch)")'
> touchpoint_http_requests_total{route="/v1/track",code="200"} 3
> touchpoint_http_requests_total{route="/v1/track",code="400"} 3
> touchpoint_http_requests_total{route="/v1/track",code="401"} 3
> touchpoint_http_requests_total{route="/v1/track",code="403"} 1
> touchpoint_http_requests_total{route="/v1/track",code="405"} 1
> touchpoint_http_requests_total{route="/v1/track",code="413"} 1
> touchpoint_http_requests_total{route="/v1/batch",code="200"} 1
> touchpoint_http_requests_total{route="/v1/batch",code="400"} 2
> touchpoint_events_total{outcome="accepted"} 9
> touchpoint_events_total{outcome="deduplicated"} 1
> touchpoint_events_total{outcome="rejected"} 8

# A graceful stop, then the stores hold exactly what was answered 200.
$ $DATA/serve_stop.sh && tail -1 serve.err
> touchpoint: stopped
$ touchpoint status --db t.db | head -1
> workspace default: 8 events, 2 contacts, 1 accounts, 2 visitors (0 still anonymous), 0 merges
$ touchpoint status --db t.db --workspace other | head -1
> workspace other: 1 events, 1 contacts, 0 accounts, 0 visitors (0 still anonymous), 0 merges
$ sqlite3 t.db "SELECT count(*) FROM event WHERE message_id = 'never'"
> 0
$ grep -c '"route":"/v1/track","status":200' access.log
> 3
