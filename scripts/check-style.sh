#!/usr/bin/env bash
# `make check-style`: functions we do not use (unbounded or unsafe), and
# every source file starting with a comment that says what it is for.
set -u
cd "$(dirname "$0")/.."
status=0
files=$(git ls-files 'src/*.c' 'src/*.h' 'include/*.h' 'tests/*.c' 'tests/*.h' 'bench/*.c')
banned='\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|gets|strncpy)\s*\('
if grep -nE "$banned" $files; then
	echo "check-style: banned function above (use snprintf, memcpy with a length, strtoll, ...)"
	status=1
fi
for f in $files; do
	head -1 "$f" | grep -q '^/\*' || { echo "check-style: $f does not open with a comment saying what it is"; status=1; }
done
[ $status -eq 0 ] && echo "check-style: ok ($(echo $files | wc -w) files)"
exit $status
