#!/usr/bin/env bash
# serve_start.sh DB [ARGS...]: starts `touchpoint serve` on a free loopback
# port in the background, records its pid in .pids (the test runner stops
# what is left) and returns once it listens (its port in ./port).
set -u
db=$1
shift
rm -f port
touchpoint serve --db "$db" --listen 127.0.0.1:0 --port-file port "$@" >serve.out 2>serve.err &
echo $! >>.pids
for _ in $(seq 200); do
	[ -s port ] && exit 0
	kill -0 $! 2>/dev/null || break
	sleep 0.05
done
echo "serve did not start:" >&2
cat serve.err >&2
exit 1
