#!/usr/bin/env bash
# wait_metric.sh NAME WANT: waits (20 s at most) until the server whose port
# is in ./port reports metric NAME at WANT on /metrics. Exit 1, with the
# last value, when it never does.
set -u
for _ in $(seq 400); do
	got=$(curl -s "http://127.0.0.1:$(cat port)/metrics" | awk -v m="$1" '$1 == m {print $2}')
	[ "$got" = "$2" ] && exit 0
	sleep 0.05
done
echo "wait_metric: $1 is still \"$got\", not \"$2\", after 20 s" >&2
exit 1
