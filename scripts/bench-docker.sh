#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench-docker.sh - the container-start part of make bench, run inside the
# benchmark guest by scripts/bench-guest.sh: "docker run --rm IMG true"
# with bulwark unloaded and loaded (a 10-entry blocklist in force),
# interleaved, through dockerd's API on tcp://127.0.0.1:2375.
#
# With bulwark loaded, drift_mode is 2: runc's start-up must pass the
# drift rule, and the runs measure what that costs.
#
# usage: scripts/bench-docker.sh KO REPS RAW
#
# Appends three lines per run to RAW: "unloaded|loaded docker_run NS", the
# latency in guest time, "... docker_run_cpu NS", the time the vCPU spent
# running tasks meanwhile (the run-time sum of /proc/schedstat), and
# "... docker_run_hash_bytes N", what bulwark hashed during the run.
# Under -icount both count instructions, but the latency also counts the
# idle time the guest skips ahead while it waits for the host (9p reads,
# timers), which makes it the noisier of the two.  Leaves bulwark loaded,
# as it found it, and stops the engine again.
set -eu

ko=$1
reps=$2
raw=$3
top=$(pwd)
W=$(mktemp -d /tmp/bench-docker.XXXXXX)
# shellcheck source=selftests/e2e_lib.sh
. "$top/selftests/e2e_lib.sh"
DOCKER=/usr/bin/docker
export DOCKER_HOST=tcp://127.0.0.1:2375
IMG=bulwark-bench/busybox

RUNC=/usr/sbin/runc

containerd_pid=
dockerd_pid=
bound=
stop_engine() {
	for p in $dockerd_pid $containerd_pid; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	for f in $bound; do
		umount "$f" 2>/dev/null || true
	done
	umount "$W/rt" 2>/dev/null || true
	rm -rf "$W"
}
trap stop_engine EXIT

for p in $DOCKER /usr/sbin/dockerd /usr/bin/containerd $RUNC; do
	[ -x "$p" ] || die "$p is missing: apt-get install docker.io"
done

# The guest's root is the host's, read over 9p, a filesystem whose
# content may change unseen and whose digests bulwark therefore never
# caches.  On a real host runc and its libraries are on a local disk.
# So that the runs measure that host, runc and every library it loads
# are copied to a tmpfs of their own (exec allowed) and bound over their
# paths for the whole run.
mkdir -p "$W/rt"
mount -t tmpfs -o mode=0755 tmpfs "$W/rt"
for f in $RUNC $(ldd $RUNC | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
				 $1 ~ /^\// { print $1 }'); do
	f=$(readlink -f "$f")
	copy=$W/rt/$(echo "$f" | tr / _)
	[ -e "$copy" ] && continue
	cp "$f" "$copy"
	mount --bind "$copy" "$f"
	bound="$f $bound"
done
echo "bench: runc and its libraries run from a tmpfs:$(echo " $bound" | tr -s ' ')" >&2

containerd >"$W/containerd.log" 2>&1 &
containerd_pid=$!
dockerd --iptables=false --ip6tables=false --bridge=none \
	-H tcp://127.0.0.1:2375 >"$W/dockerd.log" 2>&1 &
dockerd_pid=$!
tries=0
until $DOCKER version >/dev/null 2>&1; do
	tries=$((tries + 1))
	if [ "$tries" -gt 300 ]; then
		tail -n 20 "$W/dockerd.log" >&2
		die "dockerd does not answer on $DOCKER_HOST"
	fi
	sleep 1
done

make_rootfs "$W/rootfs"
tar -C "$W/rootfs" -cf - . |
	$DOCKER import --change 'ENV PATH=/bin' - "$IMG" >/dev/null

# busy_ns: the time tasks have run on the (only) vCPU, in ns.
busy_ns() {
	awk '$1 == "cpu0" { print $8 }' /proc/schedstat
}

# hash_bytes: bytes bulwark has hashed since it was loaded; 0 if unloaded.
hash_bytes() {
	cat "$COUNTERS/exec_hash_bytes" 2>/dev/null || echo 0
}

# one STATE: one timed run, recorded under STATE.
one() {
	h0=$(hash_bytes)
	c0=$(busy_ns)
	t0=$(date +%s%N)
	$DOCKER run --rm --network none "$IMG" true >>"$W/runs.log" 2>&1 ||
		die "docker run failed ($1): $(tail -n 5 "$W/runs.log")"
	t1=$(date +%s%N)
	c1=$(busy_ns)
	h1=$(hash_bytes)
	{
		echo "$1 docker_run $((t1 - t0))"
		echo "$1 docker_run_cpu $((c1 - c0))"
		echo "$1 docker_run_hash_bytes $((h1 - h0))"
	} >>"$raw"
}

# set_state unloaded|loaded: unloads bulwark, or loads it with the stand-in
# miner on the blocklist.
set_state() {
	if [ "$1" = loaded ]; then
		load_module "$ko"
		block_miner "$W/rootfs"
		# Container start with the drift rule enforcing.
		echo 2 >/proc/sys/kernel/bulwark/drift_mode
	elif [ -d /sys/module/bulwark ]; then
		rmmod bulwark
	fi
}

# Every timed run follows $WARMUP untimed ones in the same state.  A
# freshly loaded bulwark has an empty digest cache; a host where bulwark
# stays loaded has the image's busybox and runc's libraries cached, which
# is the steady state measured here.  runc's libraries are only hashed
# when "runc init" maps them after it joined the container's cgroup, a
# race it wins in about half the runs, hence more than one warm-up.  The
# warm-ups also even out page-cache and dentry misses between the states.
# docker_run_hash_bytes shows whether a timed run still hashed anything.
WARMUP=3
i=0
while [ "$i" -lt "$reps" ]; do
	for state in unloaded loaded; do
		set_state "$state"
		w=0
		while [ "$w" -lt "$WARMUP" ]; do
			$DOCKER run --rm --network none "$IMG" true \
				>>"$W/runs.log" 2>&1 ||
				die "docker run failed ($state): $(tail -n 5 "$W/runs.log")"
			w=$((w + 1))
		done
		one "$state"
	done
	i=$((i + 1))
	echo "bench: docker round $i of $reps done" >&2
done
