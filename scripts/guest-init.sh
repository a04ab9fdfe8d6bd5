#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest-init.sh - PID 1 of a scripts/vm.sh guest, after switch_root.
#
# The root is an overlay of the host's / (read-only, over 9p) with a tmpfs on
# top; /out is vm.sh's OUTDIR (writable, over 9p). This script mounts the
# usual pseudo filesystems, runs /out/cmd.sh (written by vm.sh) as root, and
# leaves behind in /out:
#   output.txt  stdout and stderr of the command (also shown on the console)
#   status      its exit code
#   dmesg.txt   the guest's kernel log
# then powers the guest off.

set -eu

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
export TERM=linux
export LC_ALL=C.UTF-8
umask 022

# PID 1 must never exit (the kernel would panic), so every way out, the
# normal one included, ends here.
power_off() {
	trap - EXIT
	sync || true
	echo o >/proc/sysrq-trigger 2>/dev/null || busybox poweroff -f || true
	# Wait for the power-off; exec may already fail while devices go away.
	while :; do sleep 1 2>/dev/null || true; done
}
on_exit() {
	echo "guest-init: error: exited early, command not run" >&2
	power_off
}
trap on_exit EXIT

# The repository holding this script, looked up before any tmpfs can hide it.
repo=$(cd "$(dirname "$0")/.." && pwd -P)
cwd=$(cat /out/cwd 2>/dev/null || echo "$repo")

# mnt TYPE DIR [OPTIONS]: mount a fresh TYPE instance on DIR.
mnt() {
	mkdir -p "$2"
	mount -t "$1" -o "${3:-defaults}" "$1" "$2"
}

mnt proc /proc nosuid,nodev,noexec
mnt sysfs /sys nosuid,nodev,noexec
mnt devtmpfs /dev nosuid,mode=0755
mnt devpts /dev/pts nosuid,noexec,gid=5,mode=0620,ptmxmode=0666
mnt tmpfs /dev/shm nosuid,nodev,mode=1777
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mnt securityfs /sys/kernel/security nosuid,nodev,noexec
mnt cgroup2 /sys/fs/cgroup nosuid,nodev,noexec,nsdelegate
mnt debugfs /sys/kernel/debug nosuid,nodev,noexec || true
if grep -qw tracefs /proc/filesystems; then
	mnt tracefs /sys/kernel/tracing nosuid,nodev,noexec || true
fi

# The booted kernel's modules, for modprobe (loop, ext4...): the host's
# /lib/modules/<release> may hold only this kernel's headers (and an
# empty index), so when it lacks the kernel's own modules, link in the
# tree vm.sh names (bulwark_modules=), index files included.
kver=$(uname -r)
kmods=
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case $arg in
	bulwark_modules=*) kmods=${arg#bulwark_modules=} ;;
	esac
done
if [ -f "$kmods/modules.dep" ] && [ ! -d "/lib/modules/$kver/kernel" ]; then
	mkdir -p "/lib/modules/$kver"
	for f in "$kmods"/*; do
		[ -d "/lib/modules/$kver/${f##*/}" ] ||
			ln -sf "$f" "/lib/modules/$kver/${f##*/}"
	done
fi

# Scratch space; none of it is backed by the host.
TMPFS_DIRS="/tmp /var/tmp /run /var/lib/docker /var/lib/containerd"
for d in $TMPFS_DIRS; do
	case $d in
	/tmp | /var/tmp) mode=1777 ;;
	*) mode=0755 ;;
	esac
	mnt tmpfs "$d" "nosuid,nodev,mode=$mode"
done

# The repository and the command's directory must stay reachable even when
# they live under one of the directories a tmpfs now hides (a clone in /tmp):
# bind them back from a second, non-recursive view of the overlay root. That
# view is unmounted again: it also shows the host's /proc and /sys over 9p.
mkdir -p /run/bulwark/root
mount --bind / /run/bulwark/root
for keep in "$repo" "$cwd"; do
	for d in $TMPFS_DIRS; do
		case $keep in
		"$d"/*)
			if [ ! -d "$keep" ] &&
				[ -d "/run/bulwark/root$keep" ]; then
				mkdir -p "$keep"
				mount --bind "/run/bulwark/root$keep" "$keep"
			fi
			;;
		esac
	done
done
umount /run/bulwark/root
rmdir /run/bulwark/root

echo bulwark-vm >/proc/sys/kernel/hostname
if command -v ip >/dev/null 2>&1; then
	ip link set lo up
else
	busybox ip link set lo up
fi

cd "$repo"

# The kernel command line keeps boot quiet (loglevel=4). From here on, also
# show warnings on the console, so that a WARN splat is seen as it happens.
echo 5 >/proc/sys/kernel/printk

# Run the command with its output on the console and in /out/output.txt.
fifo=/run/bulwark/output.fifo
mkfifo "$fifo"
tee /out/output.txt <"$fifo" &
tee_pid=$!
rc=0
sh /out/cmd.sh </dev/null >"$fifo" 2>&1 || rc=$?
echo "$rc" >/out/status

# Background processes the command left behind (a daemon, say) may hold the
# output open: give tee a few seconds to see the end, then end every process
# but this one.

# tee_done: true once tee has exited: a zombie, or already reaped.
tee_done() {
	state=Z
	read -r _ _ state _ 2>/dev/null <"/proc/$tee_pid/stat" || true
	[ "$state" = Z ]
}
n=0
while [ "$n" -lt 10 ] && ! tee_done; do
	sleep 0.25
	n=$((n + 1))
done
kill -TERM -1 2>/dev/null || true
sleep 0.2
kill -KILL -1 2>/dev/null || true
wait || true

dmesg >/out/dmesg.txt 2>&1 || busybox dmesg >/out/dmesg.txt 2>&1 || true
power_off
