#!/bin/sh
# Build and run bulwark's fuzzers (fuzz/): libFuzzer targets, under
# AddressSanitizer and UndefinedBehaviorSanitizer, of the policy files'
# write session and line parsers, built from the module's own source.
#
# usage: scripts/fuzz.sh [SECONDS] [TARGET...]
#            fuzz each target for SECONDS (default: $BULWARK_FUZZ_SECONDS,
#            or 60), starting from fuzz/corpus/TARGET and
#            fuzz/regress/TARGET; new inputs go to build/fuzz/corpus/TARGET,
#            failures to build/fuzz/artifacts/
#        scripts/fuzz.sh --regress [TARGET...]
#            run each target once over every file of fuzz/corpus/TARGET
#            and fuzz/regress/TARGET; prints TAP, one line per target
#
# Targets: blocklist exempt keys_dirs keys_names (default: all).
# BULWARK_FUZZ_OUT overrides the build directory (default build/fuzz).
# Installs clang-14 and libclang-rt-14-dev with apt-get when missing.
# Exits non-zero when a target fails.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=${BULWARK_FUZZ_OUT:-$top/build/fuzz}
all_targets="blocklist exempt keys_dirs keys_names"
# Inputs long enough for lines past every limit (PATH_MAX).
max_len=12288

die() {
	echo "fuzz.sh: $*" >&2
	exit 1
}

have_toolchain() {
	command -v clang-14 >/dev/null 2>&1 || return 1
	for f in /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a; do
		[ -e "$f" ] && return 0
	done
	return 1
}

ensure_toolchain() {
	have_toolchain && return 0
	echo "fuzz.sh: installing clang-14 and libclang-rt-14-dev" >&2
	if [ "$(id -u)" -ne 0 ]; then
		die "clang-14 and libclang-rt-14-dev are missing; install them as root"
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends clang-14 libclang-rt-14-dev >&2 ||
		die "apt-get install clang-14 libclang-rt-14-dev failed"
	have_toolchain || die "no libFuzzer after installing libclang-rt-14-dev"
}

# build LOG: build every target, its output to LOG.
build() {
	make -C "$top/fuzz" OUT="$out" FUZZ_CC=clang-14 >"$1" 2>&1
}

check_targets() {
	for t in "$@"; do
		case " $all_targets " in
		*" $t "*) ;;
		*) die "unknown target $t (known: $all_targets)" ;;
		esac
	done
}

regress() {
	# shellcheck disable=SC2086 # a list of words
	[ $# -gt 0 ] || set -- $all_targets
	check_targets "$@"
	echo "1..$#"
	ensure_toolchain
	mkdir -p "$out"
	built=1
	build "$out/build.log" || built=0
	n=0
	failed=0
	for t in "$@"; do
		n=$((n + 1))
		if [ "$built" = 0 ]; then
			echo "not ok $n - fuzz regress $t # the build failed"
			failed=1
			continue
		fi
		# The target's inputs, in place of the targets (already read).
		set --
		for f in "$top/fuzz/corpus/$t"/* "$top/fuzz/regress/$t"/*; do
			[ -f "$f" ] && set -- "$@" "$f"
		done
		log=$out/regress-$t.log
		if [ $# -eq 0 ]; then
			echo "not ok $n - fuzz regress $t # no inputs"
			failed=1
		elif "$out/fuzz_$t" -timeout=60 -rss_limit_mb=2048 "$@" \
			>"$log" 2>&1; then
			echo "ok $n - fuzz regress $t # $# inputs"
		else
			echo "not ok $n - fuzz regress $t"
			sed 's/^/# /' "$log" | tail -n 30
			failed=1
		fi
	done
	if [ "$built" = 0 ]; then
		sed 's/^/# /' "$out/build.log" | tail -n 30
	fi
	return "$failed"
}

fuzz() {
	seconds=$1
	shift
	# shellcheck disable=SC2086 # a list of words
	[ $# -gt 0 ] || set -- $all_targets
	check_targets "$@"
	ensure_toolchain
	mkdir -p "$out/artifacts"
	build "$out/build.log" || {
		cat "$out/build.log" >&2
		die "the build failed"
	}
	failed=0
	for t in "$@"; do
		corpus=$out/corpus/$t
		log=$out/fuzz-$t.log
		mkdir -p "$corpus"
		# The seeds, and the reproducers if the target has any.
		set -- "$corpus" "$top/fuzz/corpus/$t"
		[ -d "$top/fuzz/regress/$t" ] && set -- "$@" "$top/fuzz/regress/$t"
		echo "fuzz.sh: $t for ${seconds}s (log: $log)" >&2
		if "$out/fuzz_$t" -max_total_time="$seconds" -timeout=60 \
			-rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 \
			-artifact_prefix="$out/artifacts/$t-" \
			"$@" >"$log" 2>&1; then
			runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
			echo "fuzz $t: ok, ${runs:-?} inputs in ${seconds}s," \
				"$(find "$corpus" -type f | wc -l) in the corpus"
		else
			echo "fuzz $t: FAILED; see $log and $out/artifacts/$t-*"
			grep -E 'check failed|ERROR|SUMMARY|runtime error' "$log" |
				head -n 5
			failed=1
		fi
	done
	return "$failed"
}

case ${1:-} in
--regress)
	shift
	regress "$@"
	;;
-h | --help)
	sed -n '2,20p' "$0"
	;;
*)
	seconds=${BULWARK_FUZZ_SECONDS:-60}
	case ${1:-} in
	'' | *[!0-9]*) ;;
	*)
		seconds=$1
		shift
		;;
	esac
	[ "$seconds" -gt 0 ] 2>/dev/null || die "SECONDS must be a positive number"
	fuzz "$seconds" "$@"
	;;
esac
