#!/bin/sh
# make bench: measure bulwark's cost in a deterministic guest.
#
# For each supported kernel, boots one guest with -icount (guest time
# counts instructions, so ratios repeat), runs scripts/bench-guest.sh and
# collects bench/results-<kver>.{json,md}, stamped with the date.
#
# usage: scripts/bench.sh [REPS]
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
reps=${1:-5}
sh scripts/deps.sh
make -C selftests >/dev/null
mkdir -p bench
for k in $(sh scripts/kernels.sh); do
	sh scripts/build.sh "$k" >/dev/null
	out=$top/build/bench-$k
	rm -rf "$out"
	mkdir -p "$out"
	sh scripts/vm.sh --bench --timeout 5400 "$k" "$out" -- \
		"sh scripts/bench-guest.sh build/$k/bulwark.ko $reps" >"$out.log" 2>&1 || {
		echo "bench: the guest for $k failed; see $out.log" >&2
		exit 1
	}
	date=$(date -u +%Y-%m-%d)
	sed "2i\\  \"date\": \"$date\"," "$out/bench.json" >"bench/results-$k.json"
	{
		echo "# bulwark benchmark, $k, $date"
		echo
		echo "QEMU TCG, one vCPU, -icount shift=0,sleep=off: 1 ns of guest time is one instruction. Medians of $reps interleaved rounds ($((reps * 2)) for docker_run)."
		echo
		cat "$out/bench.md"
	} >"bench/results-$k.md"
	cat "bench/results-$k.md"
done
