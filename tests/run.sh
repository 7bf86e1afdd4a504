#!/usr/bin/env bash
# Runs every test: the cmocka unit suites, the end-to-end cases in
# tests/e2e/*.t, and a short run of each fuzz target over its corpus.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
#
# An e2e case file is a sequence of commands run in a fresh directory:
#   $ touchpoint ...        a command (bash; `touchpoint` is the built binary,
#                           $DATA is tests/data)
#   > text                  a line of its expected stdout (in order, all of it)
#   ! text                  a line of its expected stderr (all of it, when given)
#   < expected/file.json    its whole stdout, from tests/data/expected/
#   ? N                     its expected exit status (0 when absent)
# Lines starting with # are comments.
#
# ONLY=REGEX runs only the tests whose name (test_store, e2e/demo,
# fuzz_csv) matches. A fuzz target's crash inputs are kept in
# build/fuzz-crashes/ so that a failure can be replayed.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case "$B" in /*) ;; *) B="$ROOT/$B" ;; esac
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
ONLY=${ONLY:-}
pass=0
fail=0
failed=()

ok() { pass=$((pass + 1)); }
chosen() { [ -z "$ONLY" ] || [[ "$1" =~ $ONLY ]]; }
bad() { fail=$((fail + 1)); failed+=("$1"); echo "FAIL: $1"; }

echo "== unit"
for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	chosen "$(basename "$t")" || continue
	out=$("$t" 2>&1)
	rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/.*\[  FAILED  \] \([0-9]*\) test(s), listed.*/\1/p' | tail -1)
	pass=$((pass + ${p:-0}))
	if [ "$rc" -ne 0 ] || [ -n "$f" ]; then
		printf '%s\n' "$out" | grep -E "ERROR|FAILED|LINE" | head -20
		fail=$((fail + ${f:-1}))
		failed+=("$(basename "$t")")
	fi
	echo "$(basename "$t"): ${p:-0} passed${f:+, $f failed}"
done

echo "== e2e"
run_case() {
	local file=$1 name dir
	name=$(basename "$file" .t)
	dir=$(mktemp -d)
	local cmd="" has_err=0 exp_rc=0 from_file="" lineno=0 cmdline=0 case_ok=1
	local -a outs=() errs=()
	finish() {
		[ -z "$cmd" ] && return
		local out err rc
		out=$(cd "$dir" && PATH="$B:$PATH" DATA="$ROOT/tests/data" TOUCHPOINT_DB= bash -c "$cmd" 2>"$dir/.stderr")
		rc=$?
		err=$(cat "$dir/.stderr")
		local want_out exp_err
		want_out=$(printf '%s\n' "${outs[@]}")
		exp_err=$(printf '%s\n' "${errs[@]}")
		[ ${#outs[@]} -eq 0 ] && want_out=""
		[ -n "$from_file" ] && want_out=$(cat "$ROOT/tests/data/$from_file")
		if [ "$rc" != "$exp_rc" ]; then
			echo "  $name:$cmdline: exit $rc, expected $exp_rc: $cmd"; [ -n "$err" ] && echo "$err" | head -5 | sed 's/^/    /'
			case_ok=0
		fi
		if [ "$out" != "$want_out" ]; then
			echo "  $name:$cmdline: stdout differs: $cmd"
			diff <(printf '%s\n' "$want_out") <(printf '%s\n' "$out") | head -20 | sed 's/^/    /'
			case_ok=0
		fi
		if [ "$has_err" = 1 ] && [ "$err" != "$exp_err" ]; then
			echo "  $name:$cmdline: stderr differs: $cmd"
			diff <(printf '%s\n' "$exp_err") <(printf '%s\n' "$err") | head -20 | sed 's/^/    /'
			case_ok=0
		fi
		cmd="" has_err=0 exp_rc=0 from_file="" outs=() errs=()
	}
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		case "$line" in
		'$ '*) finish; cmd=${line#\$ }; cmdline=$lineno ;;
		'> '*) outs+=("${line#> }") ;;
		'>') outs+=("") ;;
		'! '*) errs+=("${line#! }"); has_err=1 ;;
		'!') errs+=(""); has_err=1 ;;
		'< '*) from_file=${line#< } ;;
		'? '*) exp_rc=${line#? } ;;
		'#'*|'') ;;
		*) echo "  $name:$lineno: cannot read line: $line"; case_ok=0 ;;
		esac
	done < "$file"
	finish
	# A case that starts a daemon lists its pid in .pids: stop what is left.
	[ -f "$dir/.pids" ] && xargs kill -KILL <"$dir/.pids" 2>/dev/null
	rm -rf "$dir"
	if [ "$case_ok" = 1 ]; then ok; echo "$name: ok"; else bad "e2e/$name"; fi
}
for c in "$ROOT"/tests/e2e/*.t; do
	[ -f "$c" ] && chosen "e2e/$(basename "$c" .t)" && run_case "$c"
done

echo "== fuzz (${FUZZ_SECONDS}s each)"
for f in "$ROOT"/build/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	n=$(basename "$f")
	chosen "$n" || continue
	work=$(mktemp -d)
	cp "$ROOT/tests/fuzz/corpus/$n"/* "$work"/ 2>/dev/null
	if (cd "$work" && "$f" -max_total_time="$FUZZ_SECONDS" -max_len=8192 -print_final_stats=0 . >"$work/log" 2>&1); then
		ok; echo "$n: $(grep -o 'Done [0-9]* runs' "$work/log" | tail -1)"
	else
		grep -E "ERROR|SUMMARY|importer:" "$work/log" | head -5
		mkdir -p "$ROOT/build/fuzz-crashes/$n"
		cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$ROOT/build/fuzz-crashes/$n"/ 2>/dev/null
		ls "$ROOT/build/fuzz-crashes/$n" | head -3 | sed "s|^|  kept build/fuzz-crashes/$n/|"
		bad "fuzz/$n"
	fi
	rm -rf "$work"
done

echo
[ $fail -gt 0 ] && printf 'failed: %s\n' "${failed[*]}"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
