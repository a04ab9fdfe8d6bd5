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
built=$(sh scripts/kernels.sh --build)
checkpatch=$BULWARK_CACHE/src/checkpatch/checkpatch.pl

# Build with W=1 for every kernel, the build-only ones too: no warning
# allowed.
for k in $built; do
	log=$logs/build-$k.log
	if step "build for $k (W=1)" "$log" sh scripts/build.sh "$k" W=1 &&
		grep -q 'warning:' "$log"; then
		passed=$((passed - 1))
		fail "build for $k has warnings" "$log"
	fi
done

# sparse over every file (C=2 checks even up-to-date objects).  From v6.x
# the kernel's Makefile tests sparse with scripts/checker-valid.sh, which
# Debian's headers do not ship, and would skip it: KBUILD_CHECKSRC on the
# command line keeps it on, and the log must show sparse checked every
# file.
nsrc=$(find module -maxdepth 1 -name "*.c" | wc -l)
for k in $built; do
	log=$logs/sparse-$k.log
	if sh scripts/build.sh "$k" C=2 KBUILD_CHECKSRC=2 CHECK=sparse \
		>"$log" 2>&1 &&
		! grep -E ' (warning|error):' "$log" >"$log.findings" &&
		{ [ "$(grep -c '^  CHECK ' "$log")" -ge "$nsrc" ] ||
			! echo "sparse checked fewer than $nsrc files" \
				>"$log.findings"; }; then
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

# Lint every shell script with shellcheck, the packages' maintainer
# scripts included.
log=$logs/shellcheck.log
set -- scripts/*.sh selftests/*.sh .ci/run debian/*.postinst debian/*.prerm \
	debian/*.postrm
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
	# A failed test's diagnostics are shown: the "#" lines since the last
	# result (the kselftest harness prints them before "not ok") and
	# those after it (ops-test.sh prints them after), up to the next test.
	diag=
	show=0
	nl='
'
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP"*)
			skipped=$((skipped + 1))
			seen=$((seen + 1))
			diag='' show=0
			echo "$line" ;;
		"ok "*)
			passed=$((passed + 1))
			seen=$((seen + 1))
			diag='' show=0 ;;
		"not ok "*)
			failed=$((failed + 1))
			seen=$((seen + 1))
			[ -z "$diag" ] || printf '%s\n' "$diag" | tail -n 20
			diag='' show=40
			echo "$line" ;;
		"#  RUN"* | "# Starting"*)
			diag=$line show=0 ;;
		"#"*)
			if [ "$show" -gt 0 ]; then
				echo "$line"
				show=$((show - 1))
			else
				diag="$diag${diag:+$nl}$line"
			fi ;;
		esac
	done <"$1"
	if [ -n "$plan" ] && [ "$seen" -lt "$plan" ]; then
		fail "${1##*/}: $((plan - seen)) tests did not report"
	fi
}

# The guest jobs: the selftests and the end-to-end tests (the real
# container stack of docker.io: runc, containerd, dockerd) in a VM of their
# own per kernel, the operations tests (scripts/ops-test.sh: DKMS builds
# and module signing, make deb with lintian and apt install, upgrade,
# remove and purge, make rpm and its checks, the systemd
# units, the Kubernetes manifest, the boot-time policy with `bulwarkctl
# lock` in VMs of their own) and the fuzzers' corpus regression run.  A
# TCG guest uses one host thread, so the jobs run in $lanes lanes at once;
# each writes its log and TAP files, and the results are counted below in
# a fixed order.  The longest jobs start first (selftests 8 to 20 minutes
# a kernel, the operations tests 12, the end-to-end tests 7 to 10), so
# that the lanes end close together.
jobs=
for k in $kernels; do
	jobs="$jobs selftests:$k"
done
jobs="$jobs ops"
for k in $kernels; do
	jobs="$jobs e2e:$k"
done
jobs="$jobs fuzz"
jobs=${jobs# }
lanes=${BULWARK_CHECK_LANES:-$(nproc)}
# shellcheck disable=SC2086 # one kernel per word
newest=$(printf '%s\n' $kernels | sort -V | tail -n 1)

# run_job JOB: runs one job; its exit status goes to $logs/JOB.status.
run_job() {
	kind=${1%%:*}
	k=${1#*:}
	case $kind in
	selftests | e2e)
		if [ "$kind" = selftests ]; then
			runner=selftests/run-guest.sh
		else
			runner=selftests/run-e2e.sh
		fi
		out=$logs/$kind-$k
		mkdir -p "$out"
		# The operations tests in the guest (bulwarkctl over the
		# module's files, the same on every kernel) run on the newest
		# kernel; the ops job's lock VMs boot the oldest one too.
		env=
		if [ "$kind" = selftests ] && [ "$k" != "$newest" ]; then
			env="BULWARK_OPS_TESTS=0 "
		fi
		sh scripts/vm.sh --timeout 2400 "$k" "$out" -- \
			"${env}sh $runner build/$k/bulwark.ko" >"$out.log" 2>&1 ;;
	ops)
		sh scripts/ops-test.sh >"$logs/ops-test.tap" \
			2>"$logs/ops-test.log" ;;
	fuzz)
		sh scripts/fuzz.sh --regress >"$logs/fuzz.tap" \
			2>"$logs/fuzz.log" ;;
	esac
	echo $? >"$logs/$(echo "$1" | tr ':' '-').status"
}

# run_lane: takes the next job from the shared queue until none is left,
# so that a lane that finished early takes more.
run_lane() {
	while :; do
		i=$(
			exec 8>>"$logs/queue.lock"
			flock 8
			n=$(cat "$logs/queue.next")
			echo $((n + 1)) >"$logs/queue.next"
			echo "$n"
		)
		# shellcheck disable=SC2086 # one job per word
		job=$(printf '%s\n' $jobs | sed -n "$((i + 1))p")
		[ -n "$job" ] || break
		run_job "$job" || true
	done
}

echo "# guest jobs in $lanes lanes: $jobs"
echo 0 >"$logs/queue.next"
pids=
lane=0
while [ "$lane" -lt "$lanes" ]; do
	run_lane &
	pids="$pids $!"
	lane=$((lane + 1))
done
for p in $pids; do
	wait "$p" || true
done

for job in $jobs; do
	kind=${job%%:*}
	k=${job#*:}
	status=$(cat "$logs/$(echo "$job" | tr ':' '-').status" 2>/dev/null ||
		echo missing)
	case $kind in
	selftests | e2e)
		[ "$kind" = e2e ] && what="end-to-end tests on $k" ||
			what="selftests on $k"
		echo "# $what"
		for tap in "$logs/$kind-$k"/*.tap; do
			[ -e "$tap" ] || continue
			count_tap "$tap"
		done
		case $status in
		0) pass "$what: guest finished, log clean" ;;
		3) fail "$what: kernel splat in guest log" "$logs/$kind-$k.log" ;;
		*) fail "$what: guest status $status" "$logs/$kind-$k.log" ;;
		esac ;;
	ops)
		echo "# operations tests"
		count_tap "$logs/ops-test.tap"
		if ! grep -q '^1\.\.[0-9]' "$logs/ops-test.tap"; then
			fail "operations tests: scripts/ops-test.sh stopped early" \
				"$logs/ops-test.log"
		fi ;;
	fuzz)
		echo "# fuzzers: corpus regression"
		count_tap "$logs/fuzz.tap"
		if [ "$status" != 0 ]; then
			fail "fuzz corpus regression: status $status" "$logs/fuzz.log"
		fi ;;
	esac
done

finish
