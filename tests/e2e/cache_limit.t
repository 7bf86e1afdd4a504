# The writer's caches are bounded (serve --cache-mb): over the bound when a
# transaction begins, they are emptied, counted on /metrics, and refill
# from the store. Three groups of 5,000 new visitors (two batches of 2,500,
# the most a batch takes) each take them well past 1 MiB (about 1.9 MB:
# their tables double past 4,096), so at least the second and third groups
# and the identify after them begin over it (how the writer cuts a group
# into transactions may add more). The identify of a first-group visitor,
# whose touch the emptied caches no longer hold, still adopts it.
$ touchpoint init --db t.db >/dev/null && touchpoint keys create write --db t.db >key 2>/dev/null
$ $DATA/serve_start.sh t.db --access-log off --cache-mb 1
$ for b in 1a 1b 2a 2b 3a 3b; do python3 -c 'import json, sys; b = sys.argv[1]; print(json.dumps({"batch": [{"type": "page", "anonymousId": "v%s-%d" % (b, i), "messageId": "m%s-%d" % (b, i), "timestamp": "2026-11-02T10:00:00Z"} for i in range(2500)]}))' $b >b$b.json; done
$ for g in 1 2 3; do for h in a b; do curl -s -u "$(cat key):" -H 'Content-Type: application/json' --data-binary @b$g$h.json "http://127.0.0.1:$(cat port)/v1/batch" && echo || exit 1; done; $DATA/wait_metric.sh touchpoint_inbox_calls 0 || exit 1; done
> {"success":true}
> {"success":true}
> {"success":true}
> {"success":true}
> {"success":true}
> {"success":true}
$ $DATA/http.sh POST /v1/identify key '{"anonymousId":"v1a-7","messageId":"i1","timestamp":"2026-11-02T11:00:00Z","traits":{"email":"ana@acme.com"}}'
> 200 {"success":true}
$ curl -s "http://127.0.0.1:$(cat port)/metrics" | awk '$1 == "touchpoint_cache_resets_total" {print ($2 >= 3 ? "emptied at least 3 times" : "emptied " $2 " times")} $1 == "touchpoint_events_total{outcome=\"accepted\"}" {print "accepted", $2}'
> accepted 15001
> emptied at least 3 times
$ sqlite3 t.db "SELECT e.message_id, c.email FROM event e JOIN contact c ON c.id = e.contact_id ORDER BY e.message_id; SELECT count(*) FROM visitor; SELECT count(*) FROM event WHERE contact_id IS NULL"
> i1|ana@acme.com
> m1a-7|ana@acme.com
> 15000
> 14999
$ $DATA/serve_stop.sh
# A bound that is not a size is refused.
$ touchpoint serve --db t.db --cache-mb -1 2>&1 | head -1
> touchpoint: --cache-mb needs a whole number >= 0, not "-1"
