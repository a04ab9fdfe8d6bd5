#!/bin/sh
# make check: install what is needed, build for every supported kernel,
# lint, and run the selftests in a VM on every supported kernel.
#
# Each step and each selftest counts as one test.  The last line is
# "N passed, N failed[, N skipped]"; the exit status is non-zero when
# anything failed.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BULWARK_CACHE=${BULWARK_CACHE:-/var/cache/bulwark}
export BULWARK_CACHE
logs=$top/build/check
rm -rf "$logs"
mkdir -p "$logs"

passed=0
failed=0
skipped=0

pass() {
	passed=$((passed + 1))
	echo "ok - $1"
}

fail() {
	failed=$((failed + 1))
	echo "not ok - $1"
	if [ -n "${2:-}" ] && [ -s "$2" ]; then
		sed 's/^/#   /' "$2" | tail -n 40
	fi
}

finish() {
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	if [ "$failed" -eq 0 ]; then
		exit 0
	fi
	exit 1
}

# step NAME LOG COMMAND...: run COMMAND with its output in LOG.
step() {
	name=$1
	log=$2
	shift 2
	if "$@" >"$log" 2>&1; then
		pass "$name"
	else
		fail "$name" "$log"
		return 1
	fi
}

if ! step "install dependencies" "$logs/deps.log" sh scripts/deps.sh; then
	finish
fi
kernels=$(sh scripts/kernels.sh)
checkpatch=$BULWARK_CACHE/src/checkpatch/checkpatch.pl

# Build with W=1 for every kernel: no warning allowed.
for k in $kernels; do
	log=$logs/build-$k.log
	if step "build for $k (W=1)" "$log" sh scripts/build.sh "$k" W=1 &&
		grep -q 'warning:' "$log"; then
		passed=$((passed - 1))
		fail "build for $k has warnings" "$log"
	fi
done

# sparse over every file (C=2 checks even up-to-date objects).
for k in $kernels; do
	log=$logs/sparse-$k.log
	if sh scripts/build.sh "$k" C=2 CHECK=sparse >"$log" 2>&1 &&
		! grep -E ' (warning|error):' "$log" >"$log.findings"; then
		pass "sparse on $k"
	else
		fail "sparse on $k" "$log.findings"
	fi
done

# checkpatch --strict: the only accepted finding is a LINUX_VERSION_CODE
# test in compat.h.
log=$logs/checkpatch.log
perl "$checkpatch" --strict --no-tree --terse --show-types \
	-f module/*.c module/*.h >"$log" 2>&1 || true
if grep -E ': (ERROR|WARNING|CHECK):' "$log" |
	grep -v '^module/compat.h:[0-9]*: WARNING:LINUX_VERSION_CODE:' \
		>"$log.findings"; then
	fail "checkpatch --strict" "$log.findings"
else
	pass "checkpatch --strict"
fi

# Lint every shell script with shellcheck.
log=$logs/shellcheck.log
set -- scripts/*.sh selftests/*.sh .ci/run
if [ -e scripts/bulwarkctl ]; then
	set -- "$@" scripts/bulwarkctl
fi
if shellcheck -s sh "$@" >"$log" 2>&1; then
	pass "shellcheck"
else
	fail "shellcheck" "$log"
fi

if ! step "build selftests" "$logs/selftests-build.log" \
	make -C selftests BULWARK_CACHE="$BULWARK_CACHE"; then
	finish
fi

# count_tap FILE: add FILE's top-level TAP results to the totals; a
# binary that stopped early fails the tests it did not report.
count_tap() {
	plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$1" | head -n 1)
	seen=0
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP"*)
			skipped=$((skipped + 1))
			seen=$((seen + 1))
			echo "$line" ;;
		"ok "*)
			passed=$((passed + 1))
			seen=$((seen + 1)) ;;
		"not ok "*)
			failed=$((failed + 1))
			seen=$((seen + 1))
			echo "$line" ;;
		esac
	done <"$1"
	if [ -n "$plan" ] && [ "$seen" -lt "$plan" ]; then
		fail "${1##*/}: $((plan - seen)) tests did not report"
	fi
}

for k in $kernels; do
	out=$logs/vm-$k
	mkdir -p "$out"
	echo "# selftests on $k"
	set +e
	sh scripts/vm.sh --timeout 2400 "$k" "$out" -- \
		"sh selftests/run-guest.sh build/$k/bulwark.ko" \
		>"$logs/vm-$k.log" 2>&1
	status=$?
	set -e
	for tap in "$out"/*.tap; do
		[ -e "$tap" ] || continue
		count_tap "$tap"
	done
	case $status in
	0) pass "selftests on $k: guest finished, log clean" ;;
	3) fail "selftests on $k: kernel splat in guest log" "$logs/vm-$k.log" ;;
	*) fail "selftests on $k: guest status $status" "$logs/vm-$k.log" ;;
	esac
done

# End-to-end tests with the real container stack of docker.io (runc,
# containerd, dockerd): a VM of their own per kernel, since the engine
# takes minutes to start and run containers under TCG.
for k in $kernels; do
	out=$logs/e2e-$k
	mkdir -p "$out"
	echo "# end-to-end tests on $k"
	set +e
	sh scripts/vm.sh --timeout 2400 "$k" "$out" -- \
		"sh selftests/run-e2e.sh build/$k/bulwark.ko" \
		>"$logs/e2e-$k.log" 2>&1
	status=$?
	set -e
	for tap in "$out"/*.tap; do
		[ -e "$tap" ] || continue
		count_tap "$tap"
	done
	case $status in
	0) pass "end-to-end tests on $k: guest finished, log clean" ;;
	3) fail "end-to-end tests on $k: kernel splat in guest log" "$logs/e2e-$k.log" ;;
	*) fail "end-to-end tests on $k: guest status $status" "$logs/e2e-$k.log" ;;
	esac
done

# Operations tests (scripts/ops-test.sh, TAP): DKMS builds and module
# signing, make deb with apt install and remove, the systemd units, the
# Kubernetes manifest, and the boot-time policy with `bulwarkctl lock` in
# VMs of their own.  Details in build/check/ops-test.tap and build/ops-test/.
echo "# operations tests"
set +e
sh scripts/ops-test.sh >"$logs/ops-test.tap" 2>"$logs/ops-test.log"
set -e
count_tap "$logs/ops-test.tap"
if ! grep -q '^1\.\.[0-9]' "$logs/ops-test.tap"; then
	fail "operations tests: scripts/ops-test.sh stopped early" "$logs/ops-test.log"
fi

finish
