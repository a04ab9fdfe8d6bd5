# SPDX-License-Identifier: GPL-2.0
#
# e2e_lib.sh - shared helpers of the end-to-end tests (docker_e2e.sh,
# runc_e2e.sh); sourced, not run.  The including script sets $W, a scratch
# directory of its own, before calling any of these.
#
# TAP: ok/not_ok/skip print one result each; finish prints the plan and
# returns non-zero if a test failed.

PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
SYSCTL=/proc/sys/kernel/bulwark
COUNTERS=/sys/kernel/bulwark/counters
SECFS=/sys/kernel/security/bulwark

tap_n=0
tap_failed=0

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}

# not_ok NAME [FILE]: a failure, with FILE's last lines as diagnostics.
not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	if [ -n "${2:-}" ] && [ -s "$2" ]; then
		tail -n 20 "$2" | sed 's/^/#   /'
	fi
}

skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

diag() {
	printf '# %s\n' "$*"
}

# check NAME COMMAND...: ok when COMMAND succeeds; its output is kept in
# $W/out and shown on failure.
check() {
	name=$1
	shift
	if "$@" >"$W/out" 2>&1; then
		ok "$name"
	else
		not_ok "$name" "$W/out"
	fi
}

# check_fails NAME COMMAND...: ok when COMMAND fails.
check_fails() {
	name=$1
	shift
	if "$@" >"$W/out" 2>&1; then
		not_ok "$name (it succeeded)" "$W/out"
	else
		ok "$name"
	fi
}

# check_denied NAME COMMAND...: ok when COMMAND fails with EPERM's message.
check_denied() {
	name=$1
	shift
	if "$@" >"$W/out" 2>&1; then
		not_ok "$name (it succeeded)" "$W/out"
	# The C library says "Operation not permitted"; docker's own
	# messages say "operation not permitted".
	elif grep -qi 'operation not permitted' "$W/out"; then
		ok "$name"
	else
		not_ok "$name (failed, but not with EPERM)" "$W/out"
	fi
}

finish() {
	echo "1..$tap_n"
	echo "# $tap_n tests, $tap_failed failed"
	[ "$tap_failed" -eq 0 ]
}

die() {
	echo "Bail out! $*"
	exit 1
}

counter() {
	cat "$COUNTERS/$1"
}

knob() {
	echo "$2" >"$SYSCTL/$1"
}

# load_module KO: loads bulwark from KO unless it is loaded.
load_module() {
	[ -d /sys/module/bulwark ] && return 0
	insmod "$1"
}

# kmsg_mark NAME: writes a marker line to the kernel log.
kmsg_mark() {
	echo "bulwark-e2e: mark $1" >/dev/kmsg
}

# kmsg_since NAME: the kernel log after the marker NAME.
kmsg_since() {
	dmesg | sed -n "/bulwark-e2e: mark $1\$/,\$p"
}

# report_container MARK PATTERN: the container= field of the first report
# after MARK that matches the extended regex PATTERN.
report_container() {
	kmsg_since "$1" | grep -E "$2" | head -n 1 |
		sed -n 's/.* container=\([^ ]*\) .*/\1/p'
}

# ratelimit_pause: report lines are limited to 10 every 5 seconds; a
# check that needs a line waits for the next window first.
ratelimit_pause() {
	sleep 6
}

# make_rootfs DIR: a busybox root file system in DIR with
#   /opt/xmrig       the stand-in miner: busybox with a tag appended, so
#                    that it still runs (as "busybox APPLET") but has a
#                    digest of its own; its SHA-256 is in DIR.sha256
#   /bin/memfd-exec  runs a copy of a file from a memfd
make_rootfs() {
	for d in bin opt tmp root proc sys dev etc; do
		mkdir -p "$1/$d"
	done
	cp /bin/busybox "$1/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$1/bin/$a"
	done
	{
		cat /bin/busybox
		echo "bulwark end-to-end test miner"
	} >"$1/opt/xmrig"
	chmod 0755 "$1/opt/xmrig"
	# shellcheck disable=SC2154 # set by the including script
	cp "$top/build/selftests/memfd-exec" "$1/bin/memfd-exec"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$1/etc/passwd"
	sha256sum "$1/opt/xmrig" | cut -d ' ' -f 1 >"$1.sha256"
}

# block_miner ROOTFS: puts the rootfs's miner on the blocklist.
block_miner() {
	echo "$(cat "$1.sha256") e2e-xmrig" >"$SECFS/blocklist"
}
