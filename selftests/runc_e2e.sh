#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# runc_e2e.sh - the container classifier against runc itself, with the
# cgroup paths Kubernetes gives it, run as root in a throw-away test VM.
#
# Usage, from the repository's root, after make -C selftests:
#   sh selftests/runc_e2e.sh KO_PATH > /out/runc_e2e.tap
#
# "runc run" starts a busybox container with each cgroupsPath below (runc's
# cgroupfs driver: the guest has no systemd, so the systemd driver's paths
# are given as plain paths, which is also what the literal
# "<slice>:cri-containerd:<id>" form is).  With scope 0, only the cgroup
# decides: the container's exec of the blocklisted miner must be denied
# and logged with the id of the path, or allowed for the host-side paths.
# With scope 1 the pid namespace makes every runc container contained.
#
# Prints TAP ("ok N - name", "not ok N - name", then "1..N") and exits
# non-zero if a test failed.  It leaves bulwark loaded with its default
# settings and an empty blocklist.

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=selftests/e2e_lib.sh
. "$top/selftests/e2e_lib.sh"

KO=${1:-${BULWARK_KO:-}}
CGROOT=/sys/fs/cgroup
W=$(mktemp -d /tmp/runc_e2e.XXXXXX)

# shellcheck disable=SC2317 # run from the EXIT trap
cleanup() {
	set +e
	if [ -d /sys/module/bulwark ]; then
		knob scope 1
		knob miner_mode 2
		: >"$SECFS/blocklist"
	fi
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

[ "$(id -u)" -eq 0 ] || die "must run as root"
if [ -z "$KO" ] || [ ! -r "$KO" ]; then
	die "usage: $0 KO_PATH (bulwark.ko)"
fi
if [ ! -x /usr/sbin/runc ]; then
	echo "1..0 # SKIP runc is missing: apt-get install runc"
	exit 0
fi
[ -x "$top/build/selftests/memfd-exec" ] ||
	die "no build/selftests/memfd-exec: run make -C selftests first"

hex64() {
	head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'
}

# The bundle: the busybox root, writable, and config.json from "runc spec"
# without a terminal, the shell reading its commands from stdin.
B=$W/bundle
mkdir -p "$B"
make_rootfs "$B/rootfs"
(cd "$B" && runc spec)
sed -e 's/"terminal": true/"terminal": false/' \
	-e 's/"readonly": true/"readonly": false/' \
	"$B/config.json" >"$B/config.json.base"

# run_in CGROUPS_PATH NAME: runs the container with that cgroupsPath.
# The container's shell reads its commands from a FIFO, which gets them
# once the host has seen the container's process in the cgroup
# ($W/seen says whether it was).  The output, with the miner's exit status
# as "rc=N", goes to $W/out; the miner's error message follows that line
# (a run once had the shell's "Operation not permitted" message and its
# newline split around "rc=126").
run_in() {
	awk -v p="$1" '{ print } /"linux": \{/ {
		printf "\t\t\"cgroupsPath\": \"%s\",\n", p }' \
		"$B/config.json.base" >"$B/config.json"
	rm -f "$W/in" "$W/seen"
	mkfifo "$W/in"
	runc run -b "$B" "$2" <"$W/in" >"$W/out" 2>&1 &
	runc_pid=$!
	exec 3>"$W/in"
	i=0
	while [ "$i" -lt 300 ]; do
		# cgroup files have no size: read them.
		if [ -n "$(cat "$CGROOT$1/cgroup.procs" 2>/dev/null)" ]; then
			: >"$W/seen"
			break
		fi
		sleep 0.1
		i=$((i + 1))
	done
	# If runc failed, nobody reads: no SIGPIPE for this script then.
	(
		trap '' PIPE
		printf '%s\n' 'cp /opt/xmrig /tmp/busybox' \
			'/tmp/busybox true 2>/tmp/err; echo "rc=$?"' \
			'cat /tmp/err' >&3
	) || true
	exec 3>&-
	wait "$runc_pid" || true
	# runc removes the container's cgroup, its parents stay.
	d=$CGROOT$1
	while [ "$d" != "$CGROOT" ] && [ "$d" != / ]; do
		d=${d%/*}
		[ "$d" = "$CGROOT" ] || rmdir "$d" 2>/dev/null || true
	done
}

# expect_contained NAME CGROUPS_PATH ID: the miner is denied and the log
# names ID (or "-", when ID is "-").
expect_contained() {
	kmsg_mark "$1"
	run_in "$2" "$1"
	if [ ! -e "$W/seen" ]; then
		not_ok "$1: the container runs in $2" "$W/out"
		return
	fi
	if grep -qx 'rc=0' "$W/out" || ! grep -q '^rc=' "$W/out"; then
		not_ok "$1: the miner is denied in $2" "$W/out"
		return
	fi
	got=$(report_container "$1" 'action=deny op=exec reason=miner_hash')
	if [ "$got" = "$3" ]; then
		ok "$1: denied in $2, container=$3"
	else
		kmsg_since "$1" | grep bulwark >"$W/out" || true
		not_ok "$1: denied in $2, but container=$got, not $3" "$W/out"
	fi
}

# expect_host NAME CGROUPS_PATH: the miner runs.
expect_host() {
	run_in "$2" "$1"
	if [ -e "$W/seen" ] && grep -qx 'rc=0' "$W/out"; then
		ok "$1: not contained in $2"
	else
		not_ok "$1: not contained in $2" "$W/out"
	fi
}

if ! load_module "$KO" 2>"$W/out"; then
	not_ok "bulwark loads" "$W/out"
	finish
	exit 1
fi
ok "bulwark loads"
block_miner "$B/rootfs"
knob scope 0
knob miner_mode 2

id=$(hex64)
uid=$(cat /proc/sys/kernel/random/uuid)
uid_=$(echo "$uid" | tr - _)

ratelimit_pause
expect_contained kube-systemd \
	"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$uid_.slice/cri-containerd-$id.scope" \
	"$id"
id=$(hex64)
expect_contained kube-cgroupfs "/kubepods/burstable/pod$uid/$id" "$id"
id=$(hex64)
expect_contained kube-cgroupfs-guaranteed "/kubepods/pod$uid/$id" "$id"
id=$(hex64)
ratelimit_pause
expect_contained kube-slice-colon \
	"/kubepods-besteffort-pod$uid_.slice:cri-containerd:$id" "$id"
id=$(hex64)
expect_contained kube-systemd-crio \
	"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod$uid_.slice/crio-$id.scope" \
	"$id"
id=$(hex64)
expect_host host-service /system.slice/bulwark-e2e.service
expect_host crio-conmon "/system.slice/crio-conmon-$id.scope"
expect_host kube-crio-conmon \
	"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod$uid_.slice/crio-conmon-$id.scope"

# scope 1: the pid namespace alone makes it contained.
knob scope 1
ratelimit_pause
expect_contained scope1-host-service /system.slice/bulwark-e2e.service -

finish
