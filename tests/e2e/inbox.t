# The collector's inbox (docs/SERVER.md): calls acknowledged once their body
# is appended, stored right after, in order and once; what a killed server
# left in it is stored at the next start; a body whose calls cannot be
# stored is set aside with the reason; a full inbox answers 503.
$ touchpoint init --db t.db >/dev/null && touchpoint keys create write --db t.db >key 2>/dev/null
$ $DATA/serve_start.sh t.db --access-log off --queue-over 0
$ $DATA/http.sh POST /v1/identify key '{"anonymousId":"w1","messageId":"i1","timestamp":"2026-11-02T10:00:00Z","traits":{"email":"ana@acme.com"}}'
> 200 {"success":true}
$ $DATA/http.sh POST /v1/batch key '{"batch":[{"type":"page","anonymousId":"w1","messageId":"p1","timestamp":"2026-11-02T10:01:00Z","context":{"page":{"url":"https://acme.example/pricing"}}},{"type":"track","anonymousId":"w1","event":"Demo Requested","messageId":"t1","timestamp":"2026-11-02T10:02:00Z"}]}'
> 200 {"success":true}
# The same messageId again: acknowledged, stored once.
$ $DATA/http.sh POST /v1/track key '{"anonymousId":"w1","event":"Demo Requested","messageId":"t1","timestamp":"2026-11-02T10:02:00Z"}'
> 200 {"success":true}
$ $DATA/wait_metric.sh touchpoint_inbox_calls 0 && curl -s "http://127.0.0.1:$(cat port)/metrics" | grep -E '^touchpoint_(inbox_|events_total)'
> touchpoint_events_total{outcome="accepted"} 3
> touchpoint_events_total{outcome="deduplicated"} 1
> touchpoint_events_total{outcome="rejected"} 0
> touchpoint_inbox_calls 0
> touchpoint_inbox_queued_total 4
> touchpoint_inbox_failed 0
$ sqlite3 t.db "SELECT e.message_id, e.type, c.email FROM event e JOIN contact c ON c.id = e.contact_id ORDER BY e.id; SELECT count(*) FROM inbox"
> i1|identify|ana@acme.com
> p1|page_view|ana@acme.com
> t1|demo_request|ana@acme.com
> 0
$ $DATA/serve_stop.sh

# A killed server's inbox (written here by hand): stored at the next start
# with no new request, each call received when its body was (no timestamp:
# that is its time). Body 2 is not JSON: set aside, the others stored.
$ sqlite3 t.db "INSERT INTO inbox (workspace_id, call, events, received_at, body) VALUES (1, 1, 1, 1793786400000, '{\"userId\":\"u-2\",\"event\":\"Webinar Joined\",\"messageId\":\"k1\"}'), (1, 1, 1, 1793786400000, '{\"userId\":'), (1, -1, 1, 1793790000000, '{\"batch\":[{\"type\":\"track\",\"userId\":\"u-2\",\"event\":\"Trial Started\",\"messageId\":\"k2\"}]}')"
$ touchpoint status --db t.db | grep '^inbox'
> inbox: 3 calls answered by serve, not stored yet (serve stores them); 0 bodies set aside with an error (table inbox)
$ $DATA/serve_start.sh t.db --access-log off
$ $DATA/wait_metric.sh touchpoint_inbox_calls 0 && $DATA/wait_metric.sh touchpoint_inbox_failed 1 && sqlite3 t.db "SELECT message_id, ts FROM event WHERE message_id LIKE 'k%' ORDER BY id; SELECT id, body, error FROM inbox"
> k1|1793786400000
> k2|1793790000000
> 2|{"userId":|not valid JSON (error near byte 10)
$ grep 'set aside' serve.err
> touchpoint: inbox body 2 of workspace 1 set aside: not valid JSON (error near byte 10)
$ $DATA/serve_stop.sh

# Full: more calls than --inbox-limit are refused, retryably.
$ $DATA/serve_start.sh t.db --access-log off --queue-over 0 --inbox-limit 1
$ curl -s -D headers -o body -w '%{http_code}\n' -u "$(cat key):" -H 'Content-Type: application/json' --data-binary '{"batch":[{"type":"track","userId":"u-3","event":"x","messageId":"l1"},{"type":"track","userId":"u-3","event":"x","messageId":"l2"}]}' "http://127.0.0.1:$(cat port)/v1/batch" && cat body && echo && grep -i '^retry-after' headers | tr -d '\r'
> 503
> {"success":false,"error":{"status":"TP_ERR_STORE","field":null,"message":"cannot take 2 more calls: the inbox holds 0 not stored yet and takes at most 1 (serve --inbox-limit); send them again later"}}
> Retry-After: 1
$ $DATA/http.sh POST /v1/track key '{"userId":"u-3","event":"x","messageId":"l3"}' && $DATA/wait_metric.sh touchpoint_inbox_calls 0 && sqlite3 t.db "SELECT message_id FROM event WHERE message_id LIKE 'l%'"
> 200 {"success":true}
> l3
$ $DATA/serve_stop.sh
$ touchpoint status --db t.db | grep '^inbox'
> inbox: 0 calls answered by serve, not stored yet (serve stores them); 1 bodies set aside with an error (table inbox)
