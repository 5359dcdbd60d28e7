#!/usr/bin/env bash
# The whole test suite: system packages, build, then node's test runner over every test file.
# Tests that need root (the lab, sshd, iptables) run for real as root, which CI is.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
if [ "$(id -u)" = 0 ]; then bash scripts/install-deps.sh; fi
rm -rf dist
npm run build --silent
# What tests leave in /tmp is checked at the end: anything named tsplay-* that was not there
# before the run is a leftover, and fails the suite even when every test passed.
tmp_before=$(ls -1 "${TMPDIR:-/tmp}" | grep '^tsplay' | sort || true)
# One file at a time: lab and sshd tests own namespaces and ports while they run.
status=0
node --test --test-concurrency=1 "$@" $(find dist/test -name '*.test.js' | sort) || status=$?
leftovers=$(comm -13 <(echo "$tmp_before") <(ls -1 "${TMPDIR:-/tmp}" | grep '^tsplay' | sort || true) | grep -v '^$' || true)
if [ -n "$leftovers" ]; then
  echo "# the tests left these in ${TMPDIR:-/tmp} (each test removes what it creates):" >&2
  echo "$leftovers" | sed 's/^/#   /' >&2
  [ "$status" = 0 ] && status=1
fi
exit "$status"
