#!/usr/bin/env bash
# browser_run.sh URL LOG PATH: opens URL in headless chromium and waits (30 s
# at most) until the static server's LOG shows that the browser asked for PATH,
# then closes the browser. Exit 1 if it never did. --dump-dom cannot be used:
# it never returns once a page navigates to another origin (the form's POST).
set -u
url=$1 log=$2 want=$3
chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$PWD/chromium-profile" \
    "$url" >/dev/null 2>&1 &
pid=$!
echo $pid >>.pids
for _ in $(seq 300); do
    grep -qxF "$want" "$log" 2>/dev/null && break
    sleep 0.1
done
kill $pid 2>/dev/null; wait $pid 2>/dev/null
grep -qxF "$want" "$log" || { echo "browser_run: the browser never asked for $want" >&2; exit 1; }
