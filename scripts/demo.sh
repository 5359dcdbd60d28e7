#!/usr/bin/env bash
# The demo (`npm run demo`, as root): build tsplay, bring up the local mail test hosts, migrate
# old → new with playbooks/migrate.yml while client keeps sending mail, print the outage window
# and the verification, count the streamed mail on new, and always tear the hosts down.
#
# Rehearse another combination: any of `--old-release R --new-release R --mail-layout L` is passed
# to `tsplay lab up` (releases bullseye|bookworm|trixie, default this machine's; layouts system|
# virtual). Supported: old bullseye/bookworm → new trixie (or the same release), the system and the
# virtual-mailbox layout, IPv4 and IPv6 (docs/migration.md, "What is supported").
#   npm run demo -- --old-release bullseye --new-release trixie --mail-layout virtual
set -euo pipefail
lab_args=("$@")
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
# TSPLAY_DIST builds elsewhere than dist/ (side-by-side runs); the packages are checked first.
dist=${TSPLAY_DIST:-dist}
bash scripts/install-deps.sh
npx tsc -p tsconfig.json --outDir "$dist" --tsBuildInfoFile "$dist/.tsbuildinfo"
node scripts/precompile-schemas.mjs "$dist"
tsplay() { node "$dist/src/cli.js" "$@"; }
lab_exec() { tsplay lab exec "$@"; }
inv=inventory/lab${TSPLAY_LAB_ID:-}
[ "${TSPLAY_LAB_ID:-0}" = 0 ] && inv=inventory/lab
stream_pid=''
cleanup() {
  [ -n "$stream_pid" ] && kill "$stream_pid" 2>/dev/null || true
  tsplay lab down || true
}
trap cleanup EXIT
tsplay lab down >/dev/null 2>&1 || true
echo "== lab: old/new/client ${lab_args[*]:-(release of this machine, system layout)}; IPv4 + IPv6 addresses"
tsplay lab up --mail "${lab_args[@]}"

log=$(mktemp /tmp/tsplay-demo.XXXXXX)
echo; echo "== prepare: users, postfix and courier on new"
tsplay playbooks/migrate.yml -i "$inv" --tags prepare >"$log" 2>&1 || { cat "$log"; exit 1; }
grep -o '"msg": "postfix port[^"]*' "$log" | sed 's/^"msg": "//' || true
echo "ok"

echo; echo "== client starts sending mail to old's address (one every ~0.1 s)"
lab_exec client -- bash -c 'i=0; rm -f /tmp/stream.stop /tmp/stream.sent
  until [ -e /tmp/stream.stop ]; do
    i=$((i+1)); case $((i % 3)) in 0) to=alice;; 1) to=bob;; 2) to=carol;; esac
    swaks --server 127.0.0.1 --from demo@client.example.test --to "$to@example.test" \
      --header "Message-Id: <demo-$i-$to@demo.test>" --silent 2 >/dev/null 2>&1 && echo "demo-$i-$to" >> /tmp/stream.sent
    sleep 0.05
  done' &
stream_pid=$!
sleep 2

echo; echo "== presync, cutover, verify, dns (tsplay playbooks/migrate.yml -i $inv --skip-tags prepare)"
tsplay playbooks/migrate.yml -i "$inv" --skip-tags prepare >"$log" 2>&1 && rc=0 || rc=$?
grep -E '"msg": "(a final sync|preflight|outage window|verify|example|port |postfix port)|rolled back, outage|FAILED!' "$log" | sed -e 's/^ *"msg": "//' -e 's/",\?$//' || true
[ "$rc" = 0 ] || { echo "migration failed (exit $rc); full log: $log"; exit "$rc"; }

echo; echo "== client keeps sending for 3 s through old's forward, then stops; waiting for its queue"
sleep 3
lab_exec client -- touch /tmp/stream.stop
wait "$stream_pid" || true
stream_pid=''
lab_exec client -- postqueue -f
for _ in $(seq 1 90); do lab_exec client -- postqueue -p | grep -q 'Mail queue is empty' && break; sleep 1; done
sent=$(lab_exec client -- sh -c 'wc -l < /tmp/stream.sent')
# Where mail lands on new: ~/Maildir (system layout) or /var/vmail (virtual layout).
boxes='/home/*/Maildir /var/vmail'
arrived=$(lab_exec new -- sh -c "grep -rhoi '^Message-Id: <demo-[^>]*>' $boxes 2>/dev/null | sort | uniq | wc -l")
copies=$(lab_exec new -- sh -c "grep -rhoi '^Message-Id: <demo-[^>]*>' $boxes 2>/dev/null | wc -l")
echo "stream: $sent mails sent by client, $arrived arrived on new ($copies copies)"
[ "$sent" = "$arrived" ] && [ "$arrived" = "$copies" ] || { echo "MAIL LOST OR DUPLICATED"; exit 1; }
report=$(grep -m1 '^report: ' "$log" || true)
echo; echo "demo done: full log in $log"
[ -z "$report" ] || echo "$report"
