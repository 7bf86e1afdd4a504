# Google Ads lead form leads: from a file (import leads) and by webhook
# through the real server, where the payload's google_key is a write key.
$ touchpoint init --db l.db >/dev/null && touchpoint keys create write --db l.db >key 2>/dev/null
$ touchpoint import leads --format google $DATA/leads/google.jsonl --db l.db
> 4 lines: 2 calls stored, 0 duplicates skipped, 2 refused; 2 new contacts, 0 merges, 0 identity conflicts logged
! line 3: user_column_data[0]: needs column_id and string_value
! line 4: form_id: must be an id (a whole number, or a string for a large one)
? 3
$ touchpoint import leads $DATA/leads/google.jsonl --db l.db
! touchpoint: leads needs --format google|meta|linkedin|tiktok (the platform's JSON leads, one a line, or its CSV export: FILE.csv)
! usage: touchpoint import events FILE|- [--strict] | contacts FILE.csv [--map field=Header,...] [--overwrite] [--strict] | spend FILE.csv [--format google|meta|linkedin|tiktok|touchpoint] [--currency USD] [--strict] | revenue FILE.csv [--currency USD] [--strict] | leads --format google|meta|linkedin|tiktok FILE[.csv] [--strict]  [--db FILE] [--workspace NAME]
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

# Meta, LinkedIn and TikTok: their leads as JSON (one a line) and their CSV
# exports. Channel from the platform (an organic Meta lead is Organic
# Social), campaign by name, the lead's own time, ids as text (Meta's CSV
# writes them as "l:123", "c:456").
$ touchpoint init --db m.db >/dev/null
$ touchpoint import leads --format meta $DATA/leads/meta.jsonl --db m.db
> 4 lines: 2 calls stored, 0 duplicates skipped, 2 refused; 2 new contacts, 0 merges, 0 identity conflicts logged
! line 3: created_time: must be an ISO 8601 time
! line 4: id: is required: the lead's id
? 3
$ touchpoint import leads --format meta $DATA/leads/meta.csv --db m.db
> 2 lines: 2 calls stored, 0 duplicates skipped, 0 refused; 2 new contacts, 0 merges, 0 identity conflicts logged
$ touchpoint import leads --format meta $DATA/leads/meta.csv --db m.db
> 2 lines: 0 calls stored, 2 duplicates skipped, 0 refused; 0 new contacts, 0 merges, 0 identity conflicts logged
$ touchpoint import leads --format linkedin $DATA/leads/linkedin.jsonl --db m.db
> 2 lines: 1 calls stored, 0 duplicates skipped, 1 refused; 1 new contacts, 0 merges, 0 identity conflicts logged
! line 2: submittedAt: must be a Unix time
? 3
$ touchpoint import leads --format linkedin $DATA/leads/linkedin.csv --db m.db
> 1 lines: 1 calls stored, 0 duplicates skipped, 0 refused; 1 new contacts, 0 merges, 0 identity conflicts logged
$ touchpoint import leads --format tiktok $DATA/leads/tiktok.jsonl --db m.db
> 3 lines: 2 calls stored, 0 duplicates skipped, 1 refused; 2 new contacts, 0 merges, 0 identity conflicts logged
! line 3: fields: must be an array
? 3
$ touchpoint import leads --format tiktok $DATA/leads/tiktok.csv --db m.db
> 1 lines: 1 calls stored, 0 duplicates skipped, 0 refused; 1 new contacts, 0 merges, 0 identity conflicts logged
$ touchpoint import leads --format google $DATA/leads/meta.csv --db m.db
! touchpoint: google has no CSV export: import its JSON payloads
! touchpoint: import stopped; 0 calls stored before the stop
? 1
$ sqlite3 m.db "SELECT message_id, channel, source, campaign, strftime('%Y-%m-%d %H:%M', ts / 1000, 'unixepoch'), json_extract(properties, '$.ad_id') FROM event ORDER BY id"
> meta-lead:1234567890123456789|Paid Social|facebook|fb_leadgen_q4|2026-11-02 09:15|23850000000000001
> meta-lead:1234567890123456790|Organic Social|instagram||2026-11-02 10:00|
> meta-lead:1234567890123456792|Paid Social|facebook|fb_leadgen_q4|2026-11-03 08:00|23850000000000001
> meta-lead:1234567890123456793|Paid Social|instagram|fb_leadgen_q4|2026-11-03 09:30|23850000000000001
> linkedin-lead:3a4b-5c6d|Paid Social|linkedin|li_abm_q4|2025-11-03 09:00|
> linkedin-lead:9a9b-0001|Paid Social|linkedin|li_abm_q4|2026-11-04 11:00|
> tiktok-lead:7300000000000000001|Paid Social|tiktok|tt_spark_q4|2025-11-04 09:00|1780000000000003
> tiktok-lead:7300000000000000002|Paid Social|tiktok|1780000000000001|2025-11-04 10:00|
> tiktok-lead:7300000000000000004|Paid Social|tiktok|tt_spark_q4|2026-11-05 08:00|1780000000000003
# Answers that name a person's field become the contact's; others stay on the touch.
$ sqlite3 m.db "SELECT email, first_name, last_name, ifnull(title, '-'), ifnull(company, '-'), ifnull(country, '-') FROM contact ORDER BY id"
> dana@delta.io|Dana|Dinh|VP Sales|Delta|-
> eli@epsilon.com|||-|-|-
> fay@phi.io|Fay|Pham|-|Phi|-
> gus@gamma.io|Gus|Gray|-|Gamma|-
> hana@eta.com|Hana||Head of RevOps|-|-
> ivan@iota.com|Ivan|Ito|CTO|Iota|Japan
> jo@kappa.io|Jo|Kim|-|-|-
> kai@lambda.io|||-|Lambda|-
> lu@mu.io|Lu|Ma|-|Mu|-
$ sqlite3 m.db "SELECT json_extract(properties, '$.\"how_many_seats?\"'), json_extract(properties, '$.\"Team size\"') FROM event WHERE message_id IN ('meta-lead:1234567890123456789', 'linkedin-lead:3a4b-5c6d') ORDER BY id"
> 11-50|
> |200+
