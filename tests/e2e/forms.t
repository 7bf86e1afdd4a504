# Landing-page forms through the real server: urlencoded (a browser),
# multipart and JSON; redirects only to configured URLs; consent; honeypot;
# per-address rate limit; unknown forms.
$ touchpoint init --db f.db >/dev/null && touchpoint keys create write --db f.db >key 2>/dev/null
$ touchpoint forms set demo --redirect https://acme.example/thanks,https://acme.example/de/danke --consent-field agree --honeypot website_url --db f.db
> form demo: POST it to /v1/forms/demo?writeKey=KEY; visitors go to its redirect after
$ touchpoint forms set api --db f.db
> form api: POST it to /v1/forms/api?writeKey=KEY; it answers JSON
$ touchpoint forms set "Bad Name" --db f.db
! touchpoint: "Bad Name" is not a form name: use a-z, 0-9, - and _
? 1
$ touchpoint forms set x --redirect 'javascript:alert(1)' --db f.db
! touchpoint: "javascript:alert(1)" is not an absolute http(s) URL
? 1
$ touchpoint forms list --db f.db | sed 's/ *$//'
> FORM  REDIRECTS                                                  CONSENT FIELD  HONEYPOT
> demo  https://acme.example/thanks https://acme.example/de/danke  agree          website_url
> api   (answers JSON)
$ $DATA/serve_start.sh f.db --access-log off --form-rate 7
$ echo "http://127.0.0.1:$(cat port)/v1/forms" >url

# A browser's post: 303 to the thank-you page it asked for, being a configured one.
$ curl -s -o /dev/null -w '%{http_code} %{redirect_url}\n' -d 'email=Ana%40Acme.com&first_name=Ana&company=Acme&agree=on&website_url=&anonymousId=w1&redirect=https%3A%2F%2Facme.example%2Fde%2Fdanke' -H 'Referer: https://acme.example/demo?utm_source=linkedin&utm_medium=paid_social' "$(cat url)/demo?writeKey=$(cat key)"
> 303 https://acme.example/de/danke
# Another URL asked for: the form's own first one (no open redirect). No checkbox: no consent.
$ curl -s -o /dev/null -w '%{http_code} %{redirect_url}\n' -d 'email=eve@example.org&redirect=https%3A%2F%2Fevil.example%2F' "$(cat url)/demo?writeKey=$(cat key)"
> 303 https://acme.example/thanks
# The honeypot filled: the same answer as a success, nothing stored.
$ curl -s -o /dev/null -w '%{http_code} %{redirect_url}\n' -d 'email=bot@spam.example&website_url=http%3A%2F%2Fspam.example' "$(cat url)/demo?writeKey=$(cat key)"
> 303 https://acme.example/thanks
# JSON in, JSON out; multipart with Accept: application/json.
$ curl -s -w ' %{http_code}\n' -H 'Content-Type: application/json' -d '{"email":"bo@beta.io","anonymousId":"w2","plan":"pro","seats":12}' "$(cat url)/api?writeKey=$(cat key)"
> {"success":true} 200
$ curl -s -w ' %{http_code}\n' -H 'Accept: application/json' -F 'email=mo@multi.io' -F 'agree=on' "$(cat url)/demo?writeKey=$(cat key)"
> {"success":true} 200
# Refusals name the field.
$ curl -s -w ' %{http_code}\n' -d 'first_name=Nobody' "$(cat url)/api?writeKey=$(cat key)"
> {"success":false,"error":{"status":"TP_ERR_INVALID","field":"email","message":"is required when the visitor has no anonymousId (tp.js adds it)"}} 400
$ curl -s -w ' %{http_code}\n' -d 'email=a@b.co' "$(cat url)/nope?writeKey=$(cat key)"
> {"success":false,"error":{"status":"TP_ERR_NOT_FOUND","field":"form","message":"no form \"nope\" in this workspace (touchpoint forms set)"}} 404
# The 7th submission within the minute from this address (--form-rate 7).
$ curl -s -w ' %{http_code}\n' -d 'email=a@b.co' "$(cat url)/api?writeKey=$(cat key)"
> {"success":false,"error":{"status":"TP_ERR_TOO_BIG","field":"client","message":"too many form submissions from this address; try again in a minute"}} 429

$ $DATA/serve_stop.sh
$ sqlite3 f.db "SELECT c.email, c.first_name, c.company, ifnull(c.consent, '-'), c.source_channel FROM contact c ORDER BY c.id"
> ana@acme.com|Ana|Acme|1|Paid Social
> eve@example.org|||0|
> bo@beta.io|||-|
> mo@multi.io|||1|
$ sqlite3 f.db "SELECT count(*) FROM event WHERE properties LIKE '%spam%'"
> 0
$ sqlite3 f.db "SELECT type, channel, properties FROM event WHERE contact_id = 1"
> form_submit|Paid Social|{"form":"demo","email":"Ana@Acme.com","first_name":"Ana","company":"Acme","consent":true,"url":"https://acme.example/demo?utm_source=linkedin&utm_medium=paid_social"}
