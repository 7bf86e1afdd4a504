# The JSON API over real HTTP: every answer is checked against
# docs/openapi.yaml (tests/data/api.sh); every document equals the CLI's
# --json output of the same thing on the same data (api_same.sh); auth and
# workspace isolation; writes that go through the same library calls as the
# CLI. The server runs with the CLI's fixed clock (TOUCHPOINT_NOW).
$ /usr/bin/python3 $DATA/openapi_check.py $DATA/../../docs/openapi.yaml
> openapi: 21 paths, every $ref resolves
$ export TOUCHPOINT_NOW=2027-01-01T00:00:00Z; touchpoint demo --db d.db --contacts 300 --seed 5 >/dev/null 2>&1 && touchpoint init --db d.db --workspace other >/dev/null
$ touchpoint keys create secret --db d.db >secret 2>/dev/null && touchpoint keys create write --db d.db >write 2>/dev/null && touchpoint keys create secret --db d.db --workspace other >osecret 2>/dev/null
$ echo 2027-01-01T00:00:00Z >now && TOUCHPOINT_NOW=$(cat now) $DATA/serve_start.sh d.db --access-log off

# Auth: a secret key as Bearer; none, a write key, a wrong one are refused.
$ $DATA/api.sh GET /v1/contacts -
> 401 {"success":false,"error":{"status":"TP_ERR_AUTH","field":"Authorization","message":"send the workspace's secret key as \"Authorization: Bearer KEY\""}}
$ curl -s -o /dev/null -D - "http://127.0.0.1:$(cat port)/v1/queue" | grep -i '^www-authenticate' | tr -d '\r'
> WWW-Authenticate: Bearer realm="touchpoint"
$ $DATA/api.sh GET /v1/contacts write '' 'd["error"]["status"]'
> 403 TP_ERR_FORBIDDEN
$ $DATA/api.sh GET /v1/accounts/3/people secret '' 'd["error"]["field"]'
> 404 account
$ echo tp_secret_nosuchkeynosuchkeynosuchkey1 >bad && $DATA/api.sh GET /v1/queue bad '' 'd["error"]["status"]'
> 401 TP_ERR_AUTH
$ $DATA/api.sh PUT /v1/contacts secret '' 'd["error"]["field"]'
> 405 method
$ $DATA/api.sh GET /v1/contacts/1/nothing secret '' 'd["error"]["field"]'
> 404 path
$ $DATA/api.sh GET /v1/contacts/nobody@nowhere.example secret '' 'd["error"]["message"]'
> 404 no contact "nobody@nowhere.example"

# Lists: filters, and a cursor that walks every contact once.
$ $DATA/api.sh GET '/v1/contacts?limit=2' secret '' '[c["id"] for c in d["data"]], d["next_cursor"]'
> 200 [1, 2] 2
$ $DATA/api.sh GET '/v1/contacts?limit=2&cursor=2' secret '' '[c["id"] for c in d["data"]], d["next_cursor"]'
> 200 [3, 4] 4
$ n=0; c=0; while :; do set -- $($DATA/api.sh GET "/v1/contacts?limit=120&cursor=$c" secret '' 'len(d["data"]), d["next_cursor"] or 0') || break; n=$((n + $2)); c=$3; [ "$c" = 0 ] && break; done; echo "$n contacts; CLI: $(touchpoint contacts list --db d.db --json | grep -c '"id":')"
> 300 contacts; CLI: 300
$ $DATA/api.sh GET '/v1/contacts?stage=customer&limit=1000' secret '' 'len(d["data"]) > 0 and all(c["stage"] == "customer" for c in d["data"])'
> 200 True
$ $DATA/api_same.sh '/v1/contacts?stage=customer&limit=1000' secret 'contacts list --stage customer --json --db d.db' 'd["data"]'
> same
$ $DATA/api.sh GET '/v1/contacts?source_channel=Paid%20Search&limit=1000' secret '' 'len(d["data"]) > 0 and all(c["source_channel"] == "Paid Search" for c in d["data"])'
> 200 True
$ $DATA/api.sh GET '/v1/contacts?stage=lead-ish' secret '' 'd["error"]["field"]'
> 400 stage
$ $DATA/api.sh GET '/v1/contacts?limit=5000' secret '' 'd["error"]["field"]'
> 400 limit

# Each document is the CLI's.
$ $DATA/api_same.sh /v1/contacts/7 secret 'contacts show 7 --json --db d.db'
> same
$ $DATA/api_same.sh /v1/contacts/7/score secret 'score explain 7 --json --db d.db'
> same
$ $DATA/api_same.sh /v1/contacts/7/stages secret 'stage history 7 --json --db d.db'
> same
$ $DATA/api_same.sh /v1/queue secret 'queue --json --db d.db'
> same
$ $DATA/api_same.sh /v1/accounts secret 'accounts list --json --db d.db'
> same
$ $DATA/api_same.sh /v1/accounts/3 secret 'accounts show 3 --json --db d.db'
> same
$ $DATA/api_same.sh /v1/opportunities secret 'opportunities list --json --db d.db'
> same
$ $DATA/api_same.sh /v1/opportunities/2 secret 'opportunities show 2 --json --db d.db'
> same

# Every report, with the same numbers as the CLI.
$ $DATA/api_same.sh '/v1/reports/funnel?by=channel' secret 'report funnel --by channel --json --db d.db'
> same
$ $DATA/api_same.sh '/v1/reports/kpi?month=2026-12&by=channel&model=linear' secret 'report kpi --month 2026-12 --by channel --model linear --json --db d.db'
> same
$ $DATA/api_same.sh '/v1/reports/revenue?from=2026-06' secret 'report revenue --from 2026-06 --json --db d.db'
> same
$ $DATA/api_same.sh '/v1/reports/pipeline?by=owner' secret 'report pipeline --by owner --json --db d.db'
> same
$ $DATA/api_same.sh '/v1/reports/attribution?model=all&lookback=90d' secret 'report attribution --model all --lookback 90d --json --db d.db'
> same
$ $DATA/api_same.sh '/v1/reports/paths?limit=5&conversion=opportunity' secret 'report paths --limit 5 --conversion opportunity --json --db d.db'
> same
$ $DATA/api.sh GET '/v1/reports/kpi?by=owner' secret
> 400 {"success":false,"error":{"status":"TP_ERR_USAGE","field":"by","message":"is channel or campaign, not \"owner\""}}
$ $DATA/api.sh GET '/v1/reports/funnel?colour=blue' secret '' 'd["error"]["field"]'
> 400 colour
$ $DATA/api.sh GET '/v1/reports/attribution?paths=/etc/passwd' secret '' 'd["error"]["field"]'
> 400 paths
$ $DATA/api.sh GET /v1/reports/roi secret '' 'd["error"]["field"]'
> 404 report

# Writes: create (then the same email again fills gaps), update, stages.
$ $DATA/api.sh POST /v1/contacts secret '{"email":" Mai.Tran@Example-Corp.com ","first_name":"Mai","title":"VP Marketing","employees":800}' 'd["id"], d["email"], d["stage"], d["account"]["domain"]'
> 201 301 mai.tran@example-corp.com lead example-corp.com
$ $DATA/api.sh POST /v1/contacts secret '{"email":"mai.tran@example-corp.com","first_name":"Other","last_name":"Tran"}' 'd["id"], d["first_name"], d["last_name"]'
> 200 301 Mai Tran
$ $DATA/api.sh POST /v1/contacts secret '{"email":"mai at example"}' 'd["error"]["field"]'
> 400 email
$ $DATA/api.sh POST /v1/contacts secret '{"email":"x@example-corp.com","titel":"CEO"}'
> 400 {"success":false,"error":{"status":"TP_ERR_INVALID","field":"titel","message":"is not a field of this request"}}
$ $DATA/api.sh POST /v1/contacts secret '{"email":' 'd["error"]["field"]'
> 400 body
$ $DATA/api.sh PATCH /v1/contacts/301 secret '{"title":"CMO","phone":"+84 28 1234 5678"}' 'd["title"], d["phone"], d["first_name"]'
> 200 CMO +84 28 1234 5678 Mai
$ $DATA/api.sh PATCH /v1/contacts/301 secret '{"stage":"customer"}' 'd["error"]["field"]'
> 400 stage
$ $DATA/api.sh PATCH /v1/contacts/301 secret '{"email":"mai@elsewhere.com"}' 'd["error"]["field"]'
> 400 email
$ $DATA/api.sh GET /v1/contacts/301/score secret '' 'd["total"] == d["stored_total"], [p["rule"] for p in d["parts"] if p["kind"] == "fit"][:1]'
> 200 True ['C-level']
$ $DATA/api.sh POST /v1/contacts/301/stages secret '{"stage":"mql","by":"Ops Bot"}' 'd[-1]["to"], d[-1]["actor"]'
> 201 mql api: Ops Bot
$ $DATA/api.sh POST /v1/contacts/301/stages secret '{"stage":"lead"}' 'd["error"]["message"][:40]'
> 409 contact 301 cannot move from mql to lead
$ touchpoint stage history 301 --db d.db --json | grep -c '"actor":	"api: Ops Bot"'
> 1
$ $DATA/api.sh GET '/v1/queue?limit=1000' secret '' '[q["contact_id"] for q in d if q["contact_id"] == 301]'
> 200 [301]

# Merge and unmerge, reversible as in the CLI.
$ $DATA/api.sh POST /v1/contacts secret '{"email":"mai.tran@gmail.com","phone":"+84 90 000 0000"}' 'd["id"]'
> 201 302
$ $DATA/api.sh POST /v1/contacts/301/merge secret '{"loser":"mai.tran@gmail.com","reason":"same person"}' 'd["merge_id"] > 0, d["merges"][0]["loser_id"], d["merges"][0]["detail"]'
> 200 True 302 by hand: same person
$ touchpoint contacts show 302 --db d.db --json | grep '"merged_into"'
> 	"merged_into":	301,
$ $DATA/api.sh POST /v1/contacts/302/unmerge secret '' 'd["merged_into"], d["restored_touches"]'
> 200 None 0
$ $DATA/api.sh POST /v1/contacts/301/merge secret '{}' 'd["error"]["field"]'
> 400 loser

# Opportunities: open, win, list.
$ $DATA/api.sh POST /v1/opportunities secret '{"contact":"mai.tran@example-corp.com","amount":"24000.50","currency":"USD","name":"Example Corp"}' 'd["id"] > 35, d["stage"], d["probability"], d["amount"], d["account_id"] > 0'
> 201 True qualify 10 24000.5 True
$ $DATA/api.sh POST /v1/opportunities secret '{"contact":"mai.tran@example-corp.com","currency":"USD"}' 'd["error"]["field"]'
> 400 amount
$ $DATA/api.sh PATCH /v1/opportunities/$(touchpoint opportunities list --db d.db --json | grep -c '"id":') secret '{"stage":"won"}' 'd["stage"], d["closed_at"]'
> 200 won 2027-01-01T00:00:00.000Z
$ $DATA/api.sh GET /v1/contacts/301 secret '' 'd["stage"]'
> 200 customer
$ $DATA/api.sh PATCH /v1/opportunities/$(touchpoint opportunities list --db d.db --json | grep -c '"id":') secret '{"amount":1}' 'd["error"]["status"]'
> 409 TP_ERR_CONFLICT
$ $DATA/api.sh GET /v1/opportunities/999 secret '' 'd["error"]["field"]'
> 404 opportunity

# Isolation: the other workspace's key sees none of this one.
$ $DATA/api.sh GET /v1/contacts osecret '' 'd["data"]'
> 200 []
$ $DATA/api.sh GET /v1/contacts/301 osecret '' 'd["error"]["status"]'
> 404 TP_ERR_NOT_FOUND
$ $DATA/api.sh DELETE /v1/contacts/1 osecret '' 'd["error"]["status"]'
> 404 TP_ERR_NOT_FOUND
$ $DATA/api.sh POST /v1/contacts osecret '{"email":"ops@other.example"}' 'd["email"]'
> 201 ops@other.example
$ $DATA/api.sh GET /v1/contacts/ops@other.example secret '' 'd["error"]["status"]'
> 404 TP_ERR_NOT_FOUND
$ $DATA/api.sh GET /v1/contacts/ops@other.example osecret '' 'd["email"]'
> 200 ops@other.example

# Erase: the person is gone, the counts stay. The server's writer has the
# person cached from an identify; after the erase it must not bring back the
# browser's link to the person.
$ $DATA/http.sh POST /v1/identify write '{"anonymousId":"mai-browser","messageId":"mai-1","traits":{"email":"mai.tran@example-corp.com"}}'
> 200 {"success":true}
$ touchpoint status --db d.db --json | grep '"contacts"' >before
$ $DATA/api.sh DELETE /v1/contacts/mai.tran@example-corp.com secret '' 'd["erased_contacts"], d["email"], d["first_name"], d["erased_at"], d["stage"], d["visitors"]'
> 200 1 None None 2027-01-01T00:00:00.000Z customer []
$ $DATA/api.sh GET /v1/contacts/mai.tran@example-corp.com secret '' 'd["error"]["status"]'
> 404 TP_ERR_NOT_FOUND
$ $DATA/http.sh POST /v1/track write '{"anonymousId":"mai-browser","event":"Pricing Viewed","messageId":"mai-2"}'
> 200 {"success":true}
$ sqlite3 d.db "SELECT count(*) FROM visitor WHERE anonymous_id = 'mai-browser' AND contact_id IS NOT NULL; SELECT count(*) FROM event WHERE message_id = 'mai-2' AND contact_id IS NOT NULL; SELECT count(*) FROM event WHERE anonymous_id = 'mai-browser' AND message_id = 'mai-1'"
> 0
> 0
> 0
$ sqlite3 d.db "SELECT count(*) FROM contact WHERE email LIKE 'mai.tran@example%' OR phone LIKE '+84 28%'"
> 0
$ touchpoint status --db d.db --json | grep '"contacts"' | diff - before && echo same count
> same count
$ $DATA/serve_stop.sh
