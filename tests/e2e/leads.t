# Google Ads lead form leads: from a file (import leads) and by webhook
# through the real server, where the payload's google_key is a write key.
$ touchpoint init --db l.db >/dev/null && touchpoint keys create write --db l.db >key 2>/dev/null
$ touchpoint import leads --format google $DATA/leads/google.jsonl --db l.db
> 4 lines: 2 calls stored, 0 duplicates skipped, 2 refused; 2 new contacts, 0 merges, 0 identity conflicts logged
! line 3: user_column_data[0]: needs column_id and string_value
! line 4: form_id: must be an id (a whole number, or a string for a large one)
? 3
$ touchpoint import leads $DATA/leads/google.jsonl --db l.db
! touchpoint: leads needs --format google (the lead form webhook's JSON, one payload a line)
! usage: touchpoint import events FILE|- [--strict] | contacts FILE.csv [--map field=Header,...] [--overwrite] [--strict] | spend FILE.csv [--format google|meta|linkedin|tiktok|touchpoint] [--currency USD] [--strict] | revenue FILE.csv [--currency USD] [--strict] | leads --format google FILE [--strict]  [--db FILE] [--workspace NAME]
? 2
# Ids stay text: 9223372036854775809 does not fit a signed 64-bit integer.
$ sqlite3 l.db "SELECT type, channel, campaign, json_extract(properties, '$.form_id') FROM event ORDER BY id"
> lead_ad_submit|Paid Search|20000000000|40000000000
> lead_ad_submit|Paid Search|20000000001|9223372036854775809
$ sqlite3 l.db "SELECT email, first_name, last_name, phone, company, ifnull(title, '-'), source_channel FROM contact ORDER BY id"
> ana.lopez@acme.com|Ana|Lopez|+84 28 3822 1234|Acme|-|Paid Search
> bo@beta.io|||||CFO|Paid Search

$ $DATA/serve_start.sh l.db --access-log off
$ sed -n 2p $DATA/leads/google.jsonl | sed "s/\"lead-2\"/\"lead-9\"/; s/bo@beta.io/cy@gamma.io/; s/\"KEY\"/\"$(cat key)\"/" >lead.json && curl -s -w ' %{http_code}\n' -H 'Content-Type: application/json' --data-binary @lead.json "http://127.0.0.1:$(cat port)/v1/webhooks/google"
> {"success":true} 200
# Delivered again (Google retries): stored once.
$ curl -s -w ' %{http_code}\n' --data-binary @lead.json "http://127.0.0.1:$(cat port)/v1/webhooks/google"
> {"success":true} 200
$ sed -n 2p $DATA/leads/google.jsonl | curl -s -w ' %{http_code}\n' --data-binary @- "http://127.0.0.1:$(cat port)/v1/webhooks/google"
> {"success":false,"error":{"status":"TP_ERR_AUTH","field":"key","message":"is not a key of this server"}} 401
$ sed -n 2p $DATA/leads/google.jsonl | sed 's/,"google_key":"KEY"//' | curl -s -w ' %{http_code}\n' --data-binary @- "http://127.0.0.1:$(cat port)/v1/webhooks/google"
> {"success":false,"error":{"status":"TP_ERR_AUTH","field":"google_key","message":"is missing: set a write key as the webhook's key in Google Ads"}} 401
$ curl -s -w ' %{http_code}\n' --data-binary '{"user_column_data":[]}' "http://127.0.0.1:$(cat port)/v1/webhooks/google"
> {"success":false,"error":{"status":"TP_ERR_INVALID","field":"lead_id","message":"is required: the lead's id"}} 400
$ $DATA/serve_stop.sh
$ sqlite3 l.db "SELECT c.email, count(*) FROM event e JOIN contact c ON c.id = e.contact_id WHERE e.message_id = 'google-lead:lead-9'"
> cy@gamma.io|1
