#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-guest.sh - run bulwark's selftests in the test VM
#
# Usage, as root, from the repository's root, in a throw-away guest:
#   selftests/run-guest.sh KO_PATH
#
# Loads KO_PATH, then runs every test program in build/selftests, and
# locked_test last: it locks bulwark until reboot.  Each program's output
# goes to stdout and to /out/<name>.tap.  Exits 0 only if every program
# passed.
#
# Environment: BULWARK_SELFTESTS (default build/selftests), BULWARK_OUT
# (default /out), BULWARK_OPS_TESTS (0 skips selftests/ops_test.sh).  The tests get BULWARK_KO, the module's absolute path.

set -eu

PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
SELFTESTS=${BULWARK_SELFTESTS:-build/selftests}
OUT=${BULWARK_OUT:-/out}
LAST=locked_test

passed=0
failed=0
failures=

log() {
	printf 'run-guest: %s\n' "$*"
}

die() {
	log "error: $*" >&2
	exit 1
}

fail() {
	log "$*"
	failed=$((failed + 1))
	failures="$failures $name"
}

# run_test PROGRAM: runs it, tees its TAP output and judges it.
run_test() {
	prog=$1
	name=${prog##*/}
	tap=$OUT/$name.tap
	status=$(mktemp)

	log "running $name"
	t0=$(cut -d. -f1 /proc/uptime)
	{
		rc=0
		"$prog" || rc=$?
		echo "$rc" >"$status"
	} 2>&1 | tee "$tap" || log "warning: could not write $tap"
	rc=$(cat "$status")
	rm -f "$status"
	log "$name took $(($(cut -d. -f1 /proc/uptime) - t0)) s"

	problem=
	if [ "$rc" -gt 128 ]; then
		problem="CRASH $name: killed by signal $((rc - 128))"
	elif ! grep -q '^# Totals:' "$tap"; then
		problem="CRASH $name: exited with $rc before its summary line"
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then
		problem="FAIL $name: exit status $rc"
	fi

	# Tests that unload bulwark must load it again, even when failing.
	if [ ! -d /sys/module/bulwark ]; then
		log "$name left bulwark unloaded; loading it again"
		insmod "$BULWARK_KO" || die "cannot load $BULWARK_KO again"
		problem=${problem:-"FAIL $name: left bulwark unloaded"}
	fi

	if [ -n "$problem" ]; then
		fail "$problem"
	elif [ "$rc" -eq 4 ]; then
		log "SKIP $name"
		passed=$((passed + 1))
	else
		log "PASS $name"
		passed=$((passed + 1))
	fi
}

[ $# -eq 1 ] || die "usage: $0 KO_PATH"
case $1 in
/*) BULWARK_KO=$1 ;;
*) BULWARK_KO=$(pwd)/$1 ;;
esac
export BULWARK_KO

[ "$(id -u)" -eq 0 ] || die "must run as root"
[ -r "$BULWARK_KO" ] || die "cannot read $BULWARK_KO"
[ -d "$SELFTESTS" ] || die "no $SELFTESTS: run make -C selftests first"
[ -x "$SELFTESTS/$LAST" ] || die "no $SELFTESTS/$LAST"
mkdir -p "$OUT"

if [ -d /sys/module/bulwark ]; then
	rmmod bulwark || die "cannot unload the bulwark already loaded"
fi
insmod "$BULWARK_KO" || die "cannot load $BULWARK_KO"
log "loaded $BULWARK_KO ($(cat /sys/kernel/bulwark/version 2>/dev/null || echo '?'))"

found=0
for prog in "$SELFTESTS"/*_test; do
	[ -x "$prog" ] || continue
	[ "${prog##*/}" = "$LAST" ] && continue
	found=$((found + 1))
	run_test "$prog"
done
[ "$found" -gt 0 ] || die "no test programs in $SELFTESTS"
# Operations tests (bulwarkctl, metrics, audit): TAP in $OUT/ops_test.tap.
# They test the tools over interfaces that are the same on every kernel;
# make check runs them on the oldest and the newest kernel only
# (BULWARK_OPS_TESTS=0 on the others).
name=ops_test
if [ "${BULWARK_OPS_TESTS:-1}" = 0 ]; then
	echo "ok 1 - ops_test.sh # SKIP run on the oldest and the newest kernel" \
		>"$OUT/ops_test.tap"
	log "SKIP ops_test"
else
	t0=$(cut -d. -f1 /proc/uptime)
	sh selftests/ops_test.sh "$BULWARK_KO" >"$OUT/ops_test.tap" ||
		fail "FAIL ops_test.sh: see $OUT/ops_test.tap"
	log "ops_test took $(($(cut -d. -f1 /proc/uptime) - t0)) s"
fi
run_test "$SELFTESTS/$LAST"

log "$passed passed, $failed failed${failures:+:$failures}"
[ "$failed" -eq 0 ]
