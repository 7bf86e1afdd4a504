#!/usr/bin/env bash
# api.sh METHOD PATH KEYFILE [BODY [EXPR]]: one JSON API request to the
# server whose port is in ./port, with the secret key in KEYFILE as a Bearer
# token (- for none). The answer is checked against docs/openapi.yaml (a
# mismatch goes to stderr and exits 1). Prints the status and the body, or,
# with EXPR, the status and EXPR evaluated in Python over the body `d`.
set -u
method=$1 path=$2 keyfile=$3 body=${4:-} expr=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
args=(-s -o .body -w '%{http_code}' -X "$method" -H 'Content-Type: application/json')
[ "$keyfile" != - ] && args+=(-H "Authorization: Bearer $(cat "$keyfile")")
[ -n "$body" ] && args+=(--data-binary "$body")
code=$(curl "${args[@]}" "http://127.0.0.1:$(cat port)$path")
/usr/bin/python3 "$here/openapi_check.py" "$here/../../docs/openapi.yaml" "$method" "$path" "$code" .body || exit 1
if [ -n "$expr" ]; then
	echo "$code $(/usr/bin/python3 -c "import json,sys; d=json.load(open('.body')); print($expr)")"
else
	echo "$code $(cat .body)"
fi
