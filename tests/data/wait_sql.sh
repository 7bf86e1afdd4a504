#!/usr/bin/env bash
# wait_sql.sh DB SQL WANT: waits (20 s at most) until the query's answer is
# WANT, for work a server does after it answered (the lead fetcher). Exit 1,
# with the last answer, when it never is.
set -u
for _ in $(seq 400); do
	got=$(sqlite3 "$1" "$2" 2>/dev/null)
	[ "$got" = "$3" ] && exit 0
	sleep 0.05
done
echo "wait_sql: still \"$got\", not \"$3\", after 20 s: $2" >&2
exit 1
