#!/bin/sh
# Runs inside the benchmark guest (scripts/bench.sh): the same operations
# with bulwark unloaded and loaded, interleaved, REPS times; writes the
# medians and ratios to /out/bench.json and /out/bench.md.
#
# usage: scripts/bench-guest.sh KO REPS
set -eu

ko=$1
reps=${2:-5}
bench=build/selftests/bench
sec=/sys/kernel/security/bulwark
w=/tmp/bench
raw=/out/bench.raw

# A real host loads the SIMD sha256 through udev's CPU modalias.
modprobe sha256_ssse3 2>/dev/null || true

rm -rf "$w"
mkdir -p "$w/k" "$w/c"
: >"$w/file"
: >"$w/k/authorized_keys"
cp build/selftests/true-static "$w/prog"
cp build/selftests/true-static "$w/big"
dd if=/dev/zero bs=1M count=64 status=none >>"$w/big"
"$bench" genlist 10 >"$w/list10"
"$bench" genlist 1000000 >"$w/list1m"
: >"$raw"

# Guest time in ns; under -icount it counts instructions.
now() {
	date +%s%N
}

kib() {
	awk '/^(Slab|VmallocUsed):/ { s += $2 } END { print s }' /proc/meminfo
}

record() {
	echo "$1 $2 $3" >>"$raw"
}

# measure STATE: one round of every loop benchmark.
measure() {
	record "$1" open_host "$("$bench" open "$w/file" 20000)"
	record "$1" open_contained "$("$bench" -c open "$w/file" 20000)"
	record "$1" open_write_contained "$("$bench" -c openw "$w/file" 20000)"
	record "$1" open_keyname_contained "$("$bench" -c openw "$w/k/authorized_keys" 20000)"
	record "$1" open_create_contained "$("$bench" -c openc "$w/c/file" 20000)"
	record "$1" exec_host "$("$bench" exec "$w/prog" 300)"
	record "$1" exec_contained "$("$bench" -c exec "$w/prog" 300)"
	record "$1" mprotect_host "$("$bench" mprotect "$w/prog" 20000)"
	record "$1" mprotect_anon_host "$("$bench" mprotecta - 20000)"
	record "$1" connect_host "$("$bench" connect "$w/bench.sock" 20000)"
}

load_list() {
	cat "$1" >"$sec/blocklist"
}

for rep in $(seq "$reps"); do
	if grep -q '^bulwark ' /proc/modules; then
		rmmod bulwark
	fi
	measure unloaded
	insmod "$ko"
	# Every rule enforces; drift starts in audit mode by default.
	echo 2 >/proc/sys/kernel/bulwark/drift_mode
	load_list "$w/list10"
	"$bench" -c exec "$w/prog" 3 >/dev/null
	measure loaded
	load_list "$w/list1m"
	record loaded exec_contained_1m "$("$bench" -c exec "$w/prog" 300)"
	load_list "$w/list10"
	record loaded exec_contained_10 "$("$bench" -c exec "$w/prog" 300)"
	echo "bench: round $rep of $reps done" >&2
done

# Container start: docker run --rm IMG true, unloaded against loaded.
sh scripts/bench-docker.sh "$ko" $((reps * 2)) "$raw"

# Hashing: an uncached exec of the 64 MiB binary against a cached one,
# compared with sha256sum of the same file in this guest.
"$bench" -c exec "$w/big" 2 >/dev/null
cached=$("$bench" -c exec "$w/big" 3)
uncached=$("$bench" -c touchexec "$w/big" 3)
cat "$w/big" >/dev/null
t0=$(now)
sha256sum "$w/big" >/dev/null
t1=$(now)
driver=$(dmesg | sed -n 's/.*bulwark: hashing with //p' | tail -n 1)

# Loading a million entries: time and kernel memory.
load_list /dev/null
sync
m0=$(kib)
t2=$(now)
load_list "$w/list1m"
t3=$(now)
m1=$(kib)
load_list /dev/null

awk -v cached="$cached" -v uncached="$uncached" -v sum=$((t1 - t0)) \
	-v load=$((t3 - t2)) -v mem=$(((m1 - m0) * 1024)) -v drv="$driver" \
	-v kver="$(uname -r)" -v reps="$reps" -v size="$(stat -c %s "$w/big")" '
function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
$2 == "docker_run_cpu" { last_cpu[$1] = $3 }
# Loaded runs: those that hashed nothing, and what the others hashed.
$1 == "loaded" && $2 == "docker_run_hash_bytes" {
	if ($3 == 0)
		cold[++n_cold] = last_cpu["loaded"]
	else {
		n_hashed++
		hashed += $3
	}
}
{
	k = $1 SUBSEP $2
	n[k]++
	v[k, n[k]] = $3
	names[$2] = 1
}
END {
	for (k in n) {
		split(k, p, SUBSEP)
		for (i = 1; i <= n[k]; i++)
			a[i] = v[k, i]
		med[p[1], p[2]] = median(a, n[k])
	}
	hash_ns = uncached - cached
	json = "{\n  \"kernel\": \"" kver "\",\n  \"repetitions\": " reps ",\n"
	md = "| measurement | unloaded (ns) | loaded (ns) | ratio |\n|---|---|---|---|\n"
	n_order = split("open_host open_contained open_write_contained open_keyname_contained open_create_contained exec_host exec_contained mprotect_host mprotect_anon_host connect_host docker_run docker_run_cpu", order, " ")
	for (i = 1; i <= n_order; i++) {
		m = order[i]
		r = med["loaded", m] / med["unloaded", m]
		json = json sprintf("  \"%s\": { \"unloaded_ns\": %.1f, \"loaded_ns\": %.1f, \"ratio\": %.4f },\n", m, med["unloaded", m], med["loaded", m], r)
		md = md sprintf("| %s | %.0f | %.0f | %.3f |\n", m, med["unloaded", m], med["loaded", m], r)
	}
	r = med["loaded", "exec_contained_1m"] / med["loaded", "exec_contained_10"]
	json = json sprintf("  \"exec_contained_blocklist\": { \"entries_10_ns\": %.1f, \"entries_1m_ns\": %.1f, \"ratio\": %.4f },\n", med["loaded", "exec_contained_10"], med["loaded", "exec_contained_1m"], r)
	md = md sprintf("| exec_contained, 1M vs 10 blocklist entries | %.0f | %.0f | %.3f |\n", med["loaded", "exec_contained_10"], med["loaded", "exec_contained_1m"], r)
	n_loaded = n_cold + n_hashed
	r = n_cold ? median(cold, n_cold) / med["unloaded", "docker_run_cpu"] : 0
	json = json sprintf("  \"docker_run_hashing\": { \"loaded_runs\": %d, \"runs_that_hashed\": %d, \"bytes_hashed\": %d, \"cpu_ratio_runs_without_hashing\": %.4f },\n", n_loaded, n_hashed, hashed, r)
	md = md sprintf("\ndocker run: %d of %d loaded runs hashed something (%.1f MB in all); the CPU-time ratio of the %d others is %.3f.\n", n_hashed, n_loaded, hashed / 1e6, n_cold, r)
	kh = size / (hash_ns / 1e9) / 1048576
	us = size / (sum / 1e9) / 1048576
	json = json sprintf("  \"hash_64mib\": { \"driver\": \"%s\", \"exec_cached_ns\": %.0f, \"exec_uncached_ns\": %.0f, \"kernel_mib_s\": %.1f, \"sha256sum_mib_s\": %.1f, \"ratio\": %.3f },\n", drv, cached, uncached, kh, us, kh / us)
	json = json sprintf("  \"blocklist_1m\": { \"load_ms\": %.0f, \"bytes\": %d, \"bytes_per_entry\": %.1f }\n}\n", load / 1e6, mem, mem / 1e6)
	md = md sprintf("\nHashing a 64 MiB binary (%s): %.1f MiB/s in the kernel, %.1f MiB/s for sha256sum (ratio %.2f).\n", drv, kh, us, kh / us)
	md = md sprintf("Loading 1,000,000 blocklist entries: %.0f ms, %.1f bytes of kernel memory per entry.\n", load / 1e6, mem / 1e6)
	printf "%s", json > "/out/bench.json"
	printf "%s", md > "/out/bench.md"
}' "$raw"
cat /out/bench.md
