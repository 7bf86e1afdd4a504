#!/usr/bin/env bash
# api_same.sh PATH KEYFILE "CLI ARGS" [EXPR]: GET PATH from the JSON API
# (checked against docs/openapi.yaml by api.sh) and run `touchpoint CLI ARGS`;
# prints "same" when the API's document (or EXPR of it, over `d`) equals the
# CLI's --json output, else the first difference. The CLI runs at the time in
# ./now when there is one (the time the server was started with).
set -u
here=$(cd "$(dirname "$0")" && pwd)
path=$1 keyfile=$2 cli=$3 expr=${4:-d}
code=$("$here/api.sh" GET "$path" "$keyfile" | head -1 | cut -d' ' -f1) || exit 1
[ "$code" = 200 ] || { echo "GET $path: $code $(cat .body)"; exit 1; }
/usr/bin/python3 -c "import json; d=json.load(open('.body')); json.dump($expr, open('api.json','w'))"
# shellcheck disable=SC2086
TOUCHPOINT_NOW=$(cat now 2>/dev/null) touchpoint $cli >cli.json || exit 1
/usr/bin/python3 "$here/same_json.py" cli.json api.json
