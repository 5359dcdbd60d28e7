#!/usr/bin/env bash
# The README's report screenshot (docs/report.png), made from a real run, never drawn by hand:
# bring up the lab's mail hosts, run playbooks/migrate.yml with --report, render the report in
# headless Chromium, tear the hosts down. As root (the lab needs it). Usage:
#   TSPLAY_LAB_ID=3 bash scripts/report-screenshot.sh [OUT.png]   (default docs/report.png)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$(realpath -m "${1:-docs/report.png}")
inv=inventory/lab${TSPLAY_LAB_ID:-}
[ "${TSPLAY_LAB_ID:-0}" = 0 ] && inv=inventory/lab
command -v chromium >/dev/null || { echo "chromium is missing: bash scripts/install-deps.sh" >&2; exit 1; }
npm run build >/dev/null
tsplay() { node "$root/dist/src/cli.js" "$@"; }
work=$(mktemp -d /tmp/tsplay-report-shot.XXXXXX)
cleanup() {
  tsplay lab down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
tsplay lab down >/dev/null 2>&1 || true
tsplay lab up --mail
echo "== migrating (the run log and report go to $work)"
CI=1 tsplay playbooks/migrate.yml -i "$inv" --report "$work/report.html" --json >"$work/run.ndjson" || {
  echo "the migration failed; its log: $work/run.ndjson (kept)" >&2
  trap - EXIT
  tsplay lab down >/dev/null 2>&1 || true
  exit 1
}
# One column of the page, the top of it: header, timeline with the outage, the migration cards
# and tables. A throwaway profile; no D-Bus session to wait for.
profile="$work/profile"
DBUS_SESSION_BUS_ADDRESS=/dev/null chromium --headless --no-sandbox --disable-gpu --no-first-run \
  --disable-extensions --disable-dev-shm-usage --user-data-dir="$profile" --hide-scrollbars \
  --window-size=1100,1500 --screenshot="$out" "file://$work/report.html" >/dev/null 2>&1
echo "screenshot: $out ($(stat -c %s "$out") bytes)"
