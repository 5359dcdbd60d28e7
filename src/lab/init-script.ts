// The shell script that becomes PID 1 of a host: it builds the host's root (overlay on / plus
// fresh /proc, /sys, /dev, /run, /tmp), pivots into it, then only reaps children.
// Arguments: $1 = the host's directory (upper/ work/ root/), $2 = hostname, $3 = the lower layer
// (`/`, or a debootstrap tree of another Debian release).

export const INIT_SCRIPT = `#!/bin/sh
# tsplay lab host init (PID 1 of one lab host). Killing it from outside ends the host.
set -eu
D="$1"; H="$2"; L="\${3:-/}"; R="$D/root"
mount -t overlay overlay -o "lowerdir=$L,upperdir=$D/upper,workdir=$D/work" "$R"
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
mount -t tmpfs -o mode=755,nosuid,size=8m tmpfs "$R/dev"
mknod -m 666 "$R/dev/null" c 1 3
mknod -m 666 "$R/dev/zero" c 1 5
mknod -m 666 "$R/dev/full" c 1 7
mknod -m 666 "$R/dev/random" c 1 8
mknod -m 666 "$R/dev/urandom" c 1 9
mknod -m 666 "$R/dev/tty" c 5 0
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"
ln -s /proc/self/fd/2 "$R/dev/stderr"
mkdir "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/dev/shm"
mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$R/run"
# A tmpfs /tmp also hides the lab's own state dir (under the machine's /tmp) from the host.
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/tmp"
hostname "$H"
cd "$R"
pivot_root . .
umount -l .
cd /
echo READY
set +e
# Reap orphans forever: dash's wait collects any child, not only the sleep.
while :; do sleep 3600 & wait $!; done
`
