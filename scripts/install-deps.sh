#!/bin/bash
# Install the Debian packages tsplay's lab needs. Idempotent and non-interactive; installing
# them starts no daemon on this machine (a policy-rc.d is kept, or added for the install only).
set -euo pipefail

# chromium: the run report's test renders it headless (and scripts/report-screenshot.sh).
# python3: uri runs urllib on the target; e2fsprogs: file attributes (lsattr/chattr);
# ansible-core: the vault tests check tsplay against the real ansible-vault.
PKGS=(python3 e2fsprogs ansible-core iproute2 util-linux openssh-server openssh-client iptables rsync swaks postfix
  courier-pop courier-imap courier-authdaemon sudo bind9 bind9-dnsutils kmod attr acl file chromium
  debootstrap debian-archive-keyring openssl sasl2-bin libsasl2-modules opendkim)

if [ "$(id -u)" != 0 ]; then
  echo "install-deps.sh: must run as root (apt-get installs system packages)" >&2
  exit 1
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages already installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"

# Debian starts daemons on install unless policy-rc.d says no (exit 101). Keep an existing one;
# otherwise add ours for the install and remove it afterwards.
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\n# tsplay install-deps: no daemon starts during package install\nexit 101\n' > "$POLICY"
  chmod 755 "$POLICY"
  trap 'rm -f "$POLICY"' EXIT
fi

export DEBIAN_FRONTEND=noninteractive
# postfix asks what kind of mail server this is; the lab configures each host itself.
debconf-set-selections <<'SEL'
postfix postfix/main_mailer_type select Local only
postfix postfix/mailname string localhost
courier-base courier-base/webadmin-configmode boolean false
SEL

apt-get update -q
apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  "${missing[@]}"
echo "install-deps: done"
