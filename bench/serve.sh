#!/usr/bin/env bash
# The collector under wrk on loopback (bench/serve_track.lua): single track
# calls, then batches of 100; then reads of the JSON API (bench/serve_api.lua). wrk shares the 2 cores with the server, as the
# issue asks. Afterwards the database must hold exactly the calls answered
# 200: acknowledged means durable.
set -eu
B=${B:-build}
SECONDS_EACH=${SERVE_SECONDS:-10}
dir=$(mktemp -d)
trap 'kill $(cat "$dir/pid" 2>/dev/null) 2>/dev/null; rm -rf "$dir"' EXIT
"$B/touchpoint" init --db "$dir/b.db" >/dev/null
key=$("$B/touchpoint" keys create write --db "$dir/b.db" 2>/dev/null)
export AUTH="Basic $(printf '%s:' "$key" | base64 -w0)"
"$B/touchpoint" serve --db "$dir/b.db" --listen 127.0.0.1:0 --port-file "$dir/port" \
	--access-log off --batch-limit 1048576 ${SERVE_FLAGS:-} 2>"$dir/err" &
echo $! >"$dir/pid"
while [ ! -s "$dir/port" ]; do kill -0 "$(cat "$dir/pid")" || { cat "$dir/err"; exit 1; }; sleep 0.05; done
url="http://127.0.0.1:$(cat "$dir/port")"
run() {
	wrk -t2 -c"$2" -d"${SECONDS_EACH}s" --timeout 10s -s bench/serve_track.lua "$url" \
		| grep '^requests/s' | tee -a "$dir/wrk" | sed "s|^|$1 |"
}
metric() { curl -s "$url/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
stored_now() { metric 'touchpoint_events_total{outcome="accepted"}'; }
BATCH=0 run "track  (1 call/request,    c=64):" 64
before=$(stored_now)
BATCH=100 run "batch  (100 calls/request, c=16):" 16
# Batches come faster than they are stored: the surplus is acknowledged from
# the inbox (durable) and stored after. How fast the store keeps up:
after=$(stored_now)
left=$(metric touchpoint_inbox_calls)
t0=$(date +%s.%N)
while [ "$(metric touchpoint_inbox_calls)" != 0 ]; do sleep 0.1; done
t1=$(date +%s.%N)
drained=$(stored_now)
awk -v b="$before" -v a="$after" -v d="$drained" -v l="$left" -v s="$SECONDS_EACH" -v t0="$t0" -v t1="$t1" \
	'BEGIN { printf "batch  stored while acknowledging: %d calls/s; inbox when wrk stopped: %d calls, stored in %.1f s (%d calls/s)\n", (a - b) / s, l, t1 - t0, (t1 > t0 ? (d - a) / (t1 - t0) : 0) }'
# The JSON API's reads on the workspace the two runs filled (5,000 contacts
# known by user id, 120 touches each): a page of contacts, one contact's
# score replayed, and the funnel report.
secret=$("$B/touchpoint" keys create secret --db "$dir/b.db" 2>/dev/null)
api() {
	API_PATH=$2 SECRET=$secret wrk -t2 -c8 -d"${SECONDS_EACH}s" --timeout 10s -s bench/serve_api.lua \
		"$url" | grep '^requests/s' | sed "s|^|$1 |"
}
api "api GET /v1/contacts?limit=50     (c=8):" "/v1/contacts?limit=50&cursor=1000"
api "api GET /v1/contacts/u42/score    (c=8):" "/v1/contacts/u42/score"
api "api GET /v1/reports/pipeline      (c=8):" "/v1/reports/pipeline"
commits=$(curl -s "$url/metrics" | awk '/^touchpoint_commits_total/ {print $2}')
# A graceful stop commits what was in flight when wrk stopped counting; the
# store then holds every acknowledged call, and at most those few more.
kill -TERM "$(cat "$dir/pid")"
while kill -0 "$(cat "$dir/pid")" 2>/dev/null; do sleep 0.05; done
acked=$(awk '{s += $NF} END {print s}' "$dir/wrk")
stored=$(sqlite3 "$dir/b.db" "SELECT count(*) FROM event")
echo "answered 200: $acked calls; stored: $stored; group commits: $commits"
if [ "$stored" -lt "$acked" ]; then echo "LOST $((acked - stored)) acknowledged calls"; exit 1; fi
