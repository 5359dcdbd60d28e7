#!/bin/sh
# tsplay cutover watchdog (role cutover-watchdog): records what the cutover is about to change on
# this host, and puts it back unless the controller confirms the cutover in time. Runs on its own
# (setsid, no tie to the ssh session), so a controller that dies or loses its route cannot leave
# this host dark. Usage: cutover-watchdog.sh STATE_DIR COMMAND [ARGS]
#   record TAGS SYSCTL_FILE KEYS_FILE SERVICE...  what runs now (state file; refused while armed)
#   arm SECONDS       start the detached watch; prints its pid once it is armed
#   disarm            the cutover succeeded: stop the watch (exit 3 if it has already restored)
#   rollback          restore now (the controller's rollback), or wait for a watch that is firing
#   status            one line per fact: armed/fired/state, for a later run to report
# The claim on watchdog.armed (an atomic mv) decides who acts: the watch or the controller.
set -u
D=$1; shift
cmd=$1; shift
S=$D/cutover-state
A=$D/watchdog.armed
C=$D/watchdog.claimed
L=$D/watchdog.log
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
log() { echo "$(now) $*" >> "$L"; }

is_running() {
  if [ -d /run/systemd/system ]; then systemctl is-active --quiet -- "$1"
  else [ -x "/etc/init.d/$1" ] && "/etc/init.d/$1" status >/dev/null 2>&1 </dev/null; fi
}
start() {
  if [ -d /run/systemd/system ]; then systemctl start -- "$1"
  else "/etc/init.d/$1" start </dev/null >/dev/null 2>&1; fi
}

# Put back what the state file recorded, no more: remove the tagged rules, ip_forward as it was,
# the one-off sync key gone, and start again (only) the daemons that were running.
restore() {
  . "$S" || { log "no state recorded ($S): nothing to restore"; return 1; }
  for ipt in iptables ip6tables; do
    command -v "$ipt" >/dev/null || continue
    for t in nat filter; do
      for tag in $tags; do
        "$ipt" -t "$t" -S 2>/dev/null | grep -E -- "--comment \"?$tag\"?( |\$)" | sed 's/^-A /-D /' |
          while read -r rule; do
            # shellcheck disable=SC2086 # the rule is words as iptables -S printed them
            "$ipt" -t "$t" $rule && log "removed ($ipt $t) $rule"
          done
      done
    done
  done
  if [ "$(cat /proc/sys/net/ipv4/ip_forward)" != "$ip_forward" ]; then
    sysctl -qw "net.ipv4.ip_forward=$ip_forward" && log "net.ipv4.ip_forward back to $ip_forward"
  fi
  f6=/proc/sys/net/ipv6/conf/all/forwarding
  if [ -n "${ip6_forward:-}" ] && [ -r $f6 ] && [ "$(cat $f6)" != "$ip6_forward" ]; then
    sysctl -qw "net.ipv6.conf.all.forwarding=$ip6_forward" && log "net.ipv6.conf.all.forwarding back to $ip6_forward"
  fi
  if [ "$sysctl_file_existed" = 0 ] && [ -e "$sysctl_file" ]; then rm -f "$sysctl_file" && log "removed $sysctl_file"; fi
  if [ -f "$keys_file" ] && grep -q 'tsplay-mail-sync-oneoff-' "$keys_file"; then
    sed -i '/tsplay-mail-sync-oneoff-/d' "$keys_file" && log "removed the one-off sync key from $keys_file"
  fi
  for s in $running; do
    if is_running "$s"; then continue; fi
    if start "$s"; then log "started $s"; else log "FAILED to start $s"; fi
  done
  return 0
}

# The pid in a claimed file is our watch only if its command line says so (pids get reused).
stop_watch() {
  pid=$(cut -d' ' -f1 "$1" 2>/dev/null)
  [ -n "$pid" ] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "cutover-watchdog.sh .* watch " && kill "$pid" 2>/dev/null
  true
}

case $cmd in
record)
  [ -e "$A" ] && { echo "a cutover watchdog is armed already ($(cat "$A")): run again after it fired or was disarmed" >&2; exit 2; }
  tags=$1 sysctl_file=$2 keys_file=$3; shift 3
  running=''
  for s in "$@"; do is_running "$s" && running="$running${running:+ }$s"; done
  existed=0; [ -e "$sysctl_file" ] && existed=1
  umask 077
  {
    echo "# recorded $(now) by tsplay before the cutover's first stop"
    echo "running='$running'"
    echo "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)"
    echo "ip6_forward=$(cat /proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null)"
    echo "tags='$tags'"
    echo "sysctl_file='$sysctl_file'"
    echo "sysctl_file_existed=$existed"
    echo "keys_file='$keys_file'"
  } > "$S.tmp" && mv "$S.tmp" "$S"
  # For the controller: JSON of what was recorded.
  printf '{"running": ['; sep=''
  for s in $running; do printf '%s"%s"' "$sep" "$s"; sep=', '; done
  printf '], "ip_forward": %s}\n' "$(cat /proc/sys/net/ipv4/ip_forward)"
  ;;
arm)
  [ -r "$S" ] || { echo "nothing recorded yet: record first" >&2; exit 2; }
  rm -f "$D/watchdog.fired" "$C"
  deadline=$(( $(date +%s) + $1 ))
  setsid sh "$0" "$D" watch "$deadline" </dev/null >/dev/null 2>&1 &
  i=0
  until [ -s "$A" ]; do i=$((i + 1)); [ $i -lt 100 ] || { echo "the watchdog did not start" >&2; exit 1; }; sleep 0.05; done
  log "armed for $1 s (until $(date -u -d "@$deadline" +%H:%M:%SZ)), pid $(cut -d' ' -f1 "$A")"
  cat "$A"
  ;;
watch)
  echo "$$ $1" > "$A.$$" && mv "$A.$$" "$A"
  while [ "$(date +%s)" -lt "$1" ]; do [ -e "$A" ] || exit 0; sleep 0.5; done
  mv "$A" "$C" 2>/dev/null || exit 0
  log "deadline passed without the controller's confirmation: restoring this host"
  restore
  echo "cutover cut short: the watchdog restored this host at $(now) (see $L)" > "$D/watchdog.fired"
  rm -f "$C"
  ;;
disarm)
  if mv "$A" "$C" 2>/dev/null; then
    stop_watch "$C"; rm -f "$C" "$S"; log "disarmed: the cutover was confirmed"; echo disarmed; exit 0
  fi
  [ -e "$D/watchdog.fired" ] || [ -e "$C" ] && { echo "too late: the watchdog restored this host (deadline passed): $(cat "$D/watchdog.fired" 2>/dev/null)"; exit 3; }
  echo "no watchdog armed"
  ;;
rollback)
  if mv "$A" "$C" 2>/dev/null; then
    stop_watch "$C"; log "rollback by the controller"; restore; rm -f "$C" "$S"; echo "restored by the controller"; exit 0
  fi
  i=0
  while [ -e "$C" ] && [ $i -lt 1200 ]; do i=$((i + 1)); sleep 0.1; done
  # Restore once more: a change the controller made while the watchdog restored is undone too.
  if [ -e "$D/watchdog.fired" ]; then restore; rm -f "$S"; echo "restored by the watchdog: $(cat "$D/watchdog.fired")"; exit 0; fi
  if [ -r "$S" ]; then log "rollback by the controller (no watchdog armed)"; restore; rm -f "$S"; echo "restored by the controller"; exit 0; fi
  echo "nothing recorded: nothing was changed"
  ;;
status)
  if [ -r "$A" ]; then
    pid=$(cut -d' ' -f1 "$A"); deadline=$(cut -d' ' -f2 "$A")
    if kill -0 "$pid" 2>/dev/null; then echo "armed: a cutover watchdog (pid $pid) restores this host in $(( deadline - $(date +%s) )) s unless confirmed"
    else echo "armed: a cutover watchdog was armed but is gone (host restarted?)"; fi
  fi
  [ -e "$D/watchdog.fired" ] && echo "fired: $(cat "$D/watchdog.fired")"
  [ -r "$S" ] && echo "recorded: $(grep -E '^running=' "$S")"
  true
  ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac
