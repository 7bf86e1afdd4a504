#!/usr/bin/env bash
# `make bench`: every benchmark, with its figures on stdout. The machine is
# shared and noisy: compare modes within one run (the "vs" column), and copy
# the figures with this command into docs/PERFORMANCE.md.
set -eu
B=${B:-build}
echo "== import (bench/bench_import.c), $(nproc) cores, $(date -u +%Y-%m-%d)"
"$B/bench/bench_import" --events "${BENCH_EVENTS:-1000000}" --runs "${BENCH_RUNS:-9}"
echo
echo "== JSON libraries on demo lines (bench/bench_json.c)"
"$B/bench/bench_json"
echo
echo "== scoring engine (bench/bench_score.c): 1,000,000 contacts, 10,000,000 events, default rules"
"$B/bench/bench_score"
echo
echo "== attribution (bench/bench_attribution.c): 1,000,000 paths over 12 channels; a 1,000,000-event demo"
dir=$(mktemp -d)
TOUCHPOINT_NOW=2027-01-01T00:00:00Z "$B/touchpoint" demo --db "$dir/demo.db" --contacts 29000 --seed 1 \
	2>/dev/null | tail -2
TOUCHPOINT_NOW=2027-01-01T00:00:00Z "$B/bench/bench_attribution" --db "$dir/demo.db"
echo
echo "== reports (bench/bench_reports.c): spend import; funnel, KPIs, revenue on the same demo"
TOUCHPOINT_NOW=2027-01-01T00:00:00Z "$B/bench/bench_reports" --db "$dir/demo.db"
rm -rf "$dir"
echo
echo "== collector (bench/serve.sh): wrk on loopback, sharing the cores with the server"
B="$B" bench/serve.sh
echo
echo "== nurture scheduler (bench/bench_nurture.c): due steps with 1,000,000 contacts enrolled, SQLite"
"$B/bench/bench_nurture" --enrolled "${BENCH_ENROLLED:-1000000}" --measured 50000
echo
echo "== MQL to alert (bench/nurture_latency.py): serve + aiosmtpd on loopback"
/usr/bin/python3 bench/nurture_latency.py "$B/touchpoint" --contacts 50
