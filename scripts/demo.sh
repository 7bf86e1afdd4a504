#!/usr/bin/env bash
# `make demo`: a demo workspace in one SQLite file, its funnel, and what to try next.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${DB:-demo/touchpoint-demo.db}
CONTACTS=${CONTACTS:-2000}
SEED=${SEED:-42}
# The world starts on 2026-01-01, as `touchpoint demo` does, and runs to today, so that
# the reports' default month (the last complete one) is a whole month of it.
if [ -z "${DAYS:-}" ]; then
	DAYS=$(( ($(date -u -d "${TOUCHPOINT_NOW:-now}" +%s) - $(date -u -d 2026-01-01 +%s)) / 86400 ))
	[ "$DAYS" -ge 30 ] || DAYS=30
	[ "$DAYS" -le 3650 ] || DAYS=3650
fi
TP=build/touchpoint
mkdir -p "$(dirname "$DB")"
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"
echo "== building a demo world: $CONTACTS people, seed $SEED, $DAYS days, into $DB"
$TP demo --db "$DB" --contacts "$CONTACTS" --seed "$SEED" --days "$DAYS" --events-out "${DB%.db}-events.jsonl"
echo
$TP status --db "$DB"
first=$($TP contacts list --db "$DB" --stage customer --csv --limit 1 | sed -n 2p | cut -d, -f2)
cat <<MSG

== go on
  export TOUCHPOINT_DB=$DB
  $TP contacts list --stage mql                 # who marketing qualified
  $TP contacts show $first     # one customer's journey, touch by touch
  $TP accounts list                             # companies, matched by email domain
  $TP channels classify google cpc brand        # the GA4 channel rules
  $TP report attribution --model all            # which channels produced the customers, ten models
  $TP report paths                              # converting paths and channel combinations
  $TP report kpi --by channel                   # last month's LVR, CPL, CAC, ROAS, by channel
  $TP import events ${DB%.db}-events.jsonl      # the same events again: all duplicates
  $TP keys create secret                        # a key for the JSON API (docs/API.md)
  $TP serve --listen 127.0.0.1:8080             # collector, JSON API and nurturing (docs/NURTURE.md)
MSG
