#!/usr/bin/env bash
# http.sh METHOD PATH [KEYFILE|-] [BODY]: one request to the server whose
# port is in ./port; prints the status code, a space and the body. KEYFILE
# holds a write key sent as Segment does (Basic auth user).
set -u
method=$1 path=$2 keyfile=${3:--} body=${4:-}
args=(-s -o .body -w '%{http_code}' -X "$method" -H 'Content-Type: application/json')
[ "$keyfile" != - ] && args+=(-u "$(cat "$keyfile"):")
[ -n "$body" ] && args+=(--data-binary "$body")
code=$(curl "${args[@]}" "http://127.0.0.1:$(cat port)$path")
echo "$code $(cat .body)"
