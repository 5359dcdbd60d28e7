#!/usr/bin/env bash
# The whole test suite: system packages, build, then node's test runner over every test file.
# Tests that need root (the lab, sshd, iptables) run for real as root, which CI is.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
if [ "$(id -u)" = 0 ]; then bash scripts/install-deps.sh; fi
rm -rf dist
npm run build --silent
# One file at a time: lab and sshd tests own namespaces and ports while they run.
exec node --test --test-concurrency=1 "$@" $(find dist/test -name '*.test.js' | sort)
