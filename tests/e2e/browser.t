# tp.js in a real browser (headless chromium): the first-party cookie, the
# page view with its UTM parameters, a queued call, identify, a download click
# and a form submission that carries the visitor's id, all stored under one
# anonymous id and the page's channel.
$ touchpoint init --db b.db >/dev/null && touchpoint keys create write --db b.db >key 2>/dev/null
$ $DATA/serve_start.sh b.db --access-log off
$ mkdir -p www && (python3 $DATA/static_server.py www wport www.log >/dev/null 2>&1 & echo $! >>.pids) && while [ ! -s wport ]; do sleep 0.05; done
$ touchpoint forms set demo --redirect "http://127.0.0.1:$(cat wport)/thanks.html" --consent-field agree --db b.db >/dev/null && $DATA/browser_page.sh
# The form's thank-you page is the last thing the browser asks for.
$ $DATA/browser_run.sh "http://127.0.0.1:$(cat wport)/page.html?utm_source=linkedin&utm_medium=paid_social&li_fat_id=abc" www.log /thanks.html
$ $DATA/serve_stop.sh
# Every call from the page, under the id of its cookie, in the page's channel.
$ sqlite3 b.db "SELECT type, ifnull(name, '-'), channel FROM event ORDER BY type"
> demo_request|Demo Requested|Paid Social
> download|File Downloaded|Paid Social
> form_submit|Form Submitted|Paid Social
> identify|-|Paid Social
> page_view|-|Paid Social
$ sqlite3 b.db "SELECT count(DISTINCT anonymous_id), count(DISTINCT contact_id) FROM event WHERE type != 'custom'"
> 1|1
$ sqlite3 b.db "SELECT email, title, company, consent, source_channel FROM contact"
> ana@acme.com|CMO|Acme|0|Paid Social
$ sqlite3 b.db "SELECT json_extract(properties, '$.url') LIKE '%utm_source=linkedin%' FROM event WHERE type = 'page_view'"
> 1
