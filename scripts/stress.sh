#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# stress.sh - run the stress test (selftests/stress_test.c) in a VM on
# every supported kernel.
#
# Usage: scripts/stress.sh [SECONDS]
#
# SECONDS (default 600) is the test's duration in guest seconds, passed as
# BULWARK_STRESS_SECONDS.  Uses build/<kver>/bulwark.ko (scripts/build.sh)
# and build/selftests, building them when missing.  Prints each kernel's TAP
# and a summary line; exits non-zero when a kernel logged a splat, a test
# failed, or a guest did not finish.
#
# Environment:
#   BULWARK_KO_DIR         where <kver>/bulwark.ko is (default build)
#   BULWARK_SELFTESTS      the selftests' directory (default build/selftests)
#   BULWARK_STRESS_OUT     output directory (default build/stress)
#   BULWARK_STRESS_PARALLEL=1  boot every kernel at once

set -eu

top=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$top"

seconds=${1:-600}
case $seconds in
'' | *[!0-9]*)
	echo "usage: $0 [SECONDS]" >&2
	exit 2
	;;
esac
kodir=${BULWARK_KO_DIR:-$top/build}
selftests=${BULWARK_SELFTESTS:-$top/build/selftests}
out=${BULWARK_STRESS_OUT:-$top/build/stress}
# Boot, setup and the test's own grace period to stop its tasks.
timeout=$((seconds + 1500))

mkdir -p "$out"
kernels=$(sh scripts/kernels.sh)

if [ ! -x "$selftests/stress_test" ] || [ ! -x "$selftests/true-static" ]; then
	echo "# building the selftests in $selftests"
	if ! make -C selftests OUT="$selftests" >"$out/selftests-build.log" 2>&1; then
		tail -n 20 "$out/selftests-build.log" >&2
		echo "stress: cannot build the selftests" >&2
		exit 1
	fi
fi
for k in $kernels; do
	[ -f "$kodir/$k/bulwark.ko" ] && continue
	echo "# building bulwark.ko for $k in $kodir/$k"
	if ! BULWARK_BUILD_OUT="$kodir/$k" sh scripts/build.sh "$k" \
		>"$out/build-$k.log" 2>&1; then
		tail -n 20 "$out/build-$k.log" >&2
		echo "stress: cannot build bulwark.ko for $k" >&2
		exit 1
	fi
done

# run_kernel KVER: boots KVER, runs the test; its status in $out/KVER.status.
run_kernel() {
	k=$1
	rc=0
	sh scripts/vm.sh --timeout "$timeout" "$k" "$out/$k" -- \
		"BULWARK_KO=$kodir/$k/bulwark.ko BULWARK_STRESS_SECONDS=$seconds $selftests/stress_test" \
		>"$out/$k.log" 2>&1 || rc=$?
	echo "$rc" >"$out/$k.status"
}

start=$(date +%s)
echo "# stress test: $seconds s on each of: $(echo "$kernels" | tr '\n' ' ')"
if [ "${BULWARK_STRESS_PARALLEL:-0}" = 1 ]; then
	for k in $kernels; do
		run_kernel "$k" &
	done
	wait
else
	for k in $kernels; do
		run_kernel "$k"
	done
fi

passed=0
failed=0
for k in $kernels; do
	rc=$(cat "$out/$k.status")
	tap=$out/$k/output.txt
	echo "# --- $k ---"
	if [ -f "$tap" ]; then
		cat "$tap"
	fi
	why=
	case $rc in
	0) ;;
	3) why="kernel splat in the guest log (see $out/$k/dmesg.txt)" ;;
	124) why="guest timed out after ${timeout}s" ;;
	*) why="guest status $rc (see $out/$k.log)" ;;
	esac
	if [ -z "$why" ] && ! grep -q '^# Totals: pass:[1-9][0-9]* fail:0 ' "$tap" 2>/dev/null; then
		why="a test failed or did not finish"
	fi
	if [ -z "$why" ]; then
		passed=$((passed + 1))
		echo "ok - stress on $k"
	else
		failed=$((failed + 1))
		echo "not ok - stress on $k: $why"
		# The console keeps what a wrapped kernel log buffer lost.
		for f in "$out/$k/dmesg.txt" "$out/$k/console.txt"; do
			grep -qE 'BUG:|WARNING:|Oops' "$f" 2>/dev/null || continue
			echo "#   $(grep -cE 'BUG:|WARNING:|Oops' "$f") splats in $f, first:"
			grep -E 'BUG:|WARNING:|Oops' "$f" | head -n 3 | sed 's/^/#   /'
			break
		done
	fi
done
echo "stress: $seconds s per kernel, $passed passed, $failed failed, $(($(date +%s) - start)) s wall"
[ "$failed" -eq 0 ]
