#!/usr/bin/env bash
# Installs the Debian packages Touchpoint builds and tests with (DESIGN.md §10),
# only those missing. Idempotent; run as root on Debian 12 (or with sudo).
set -euo pipefail

# Build and unit tests.
build=(gcc make pkg-config libsqlite3-dev libcjson-dev libjsmn-dev libsodium-dev libcsv-dev libcmocka-dev liblinear-dev libsuitesparse-dev)
# Fuzzing (libFuzzer) and sanitizers: clang and its runtime.
fuzz=(clang libclang-rt-14-dev)
# Libraries of the later modules (server, SMTP, PostgreSQL, predictive scoring).
later=(libpq-dev libmicrohttpd-dev libcurl4-openssl-dev)
# Tools the tests and benchmarks call.
tools=(sqlite3 python3 python3-jsonschema python3-yaml python3-aiosmtpd curl openssl wrk chromium libjansson-dev)  # aiosmtpd: a real SMTP server for the nurture tests; jsonschema, yaml: the API test checks answers against docs/openapi.yaml; curl: the server tests; openssl: they sign webhooks; wrk: its load bench; chromium: the snippet in a real browser; jansson: bench_json compares against it

want=("${build[@]}" "${fuzz[@]}" "${later[@]}" "${tools[@]}")
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#want[@]} packages present"
	exit 0
fi
echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null; then SUDO=sudo; else
		echo "deps: run as root: apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
