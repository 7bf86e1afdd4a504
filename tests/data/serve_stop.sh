#!/usr/bin/env bash
# serve_stop.sh: SIGTERM to the last server started, then waits for it to exit.
set -u
pid=$(tail -1 .pids)
kill -TERM "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
