#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - `make demo`: replay a cryptominer (a listed one, and a new
# build whose hash is on no list), an SSH-key backdoor, a root user and a
# cron job from containers on a Docker host, with bulwark in audit mode,
# then in enforce mode, and print what happened.
#
# Usage, as root on Debian 12:  make demo   (or: sh scripts/demo.sh)
#
# It installs what it needs (scripts/deps.sh: QEMU, docker.io, Debian's
# kernels...), builds bulwark for one kernel, builds a stand-in miner, and
# boots that kernel in a QEMU VM where scripts/demo-guest.sh starts a
# Docker engine and replays the attacks.  Nothing on this machine is
# attacked: the VM sees this machine's files read-only, under a throw-away
# overlay.  The report is printed at the end and kept, with the logs, in
# build/demo/.
#
# Environment:
#   BULWARK_DEMO_KERNEL  the kernel release to boot (default: the 6.12 one
#                        of scripts/kernels.sh)

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BULWARK_CACHE=${BULWARK_CACHE:-/var/cache/bulwark}
export BULWARK_CACHE
out=$top/build/demo

say() {
	printf '==> %s\n' "$*"
}

die() {
	printf 'demo: error: %s\n' "$*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "run it as root: it installs packages and boots a VM"
rm -rf "$out"
mkdir -p "$out"
start=$(date +%s)

say "Installing what the demo needs (apt packages, Debian's kernels); log: build/demo/deps.log"
sh scripts/deps.sh >"$out/deps.log" 2>&1 ||
	{ tail -n 20 "$out/deps.log" >&2; die "scripts/deps.sh failed"; }

kver=${BULWARK_DEMO_KERNEL:-$(sh scripts/kernels.sh | grep '^6\.12\.' | head -n 1)}
[ -n "$kver" ] || die "no 6.12 kernel in scripts/kernels.sh; set BULWARK_DEMO_KERNEL"

say "Building bulwark for $kver; log: build/demo/build.log"
sh scripts/build.sh "$kver" >"$out/build.log" 2>&1 ||
	{ tail -n 20 "$out/build.log" >&2; die "the module did not build"; }

say "Building the stand-in miner (scripts/demo-xmrig.c: it prints a line, mines nothing)"
gcc -static -O2 -o "$out/xmrig" scripts/demo-xmrig.c ||
	die "cannot build scripts/demo-xmrig.c"

say "Booting $kver in a VM; the attacks run there (a few minutes without KVM)"
status_file=$out/vm.status
{
	rc=0
	sh scripts/vm.sh --timeout 1800 "$kver" "$out/vm" -- \
		"sh scripts/demo-guest.sh build/$kver/bulwark.ko build/demo/xmrig /out" ||
		rc=$?
	echo "$rc" >"$status_file"
} 2>&1 | tee "$out/vm.log" | sed -u -n 's/^demo: /    /p'
rc=$(cat "$status_file")

report=$out/vm/report.txt
echo
if [ -s "$report" ]; then
	cat "$report"
	echo
fi
elapsed=$(($(date +%s) - start))
case $rc in
0) say "Demo finished in ${elapsed} s. Report and logs: build/demo/ (vm/report.txt, vm/kernel.log)" ;;
1) say "Demo finished in ${elapsed} s, but enforce mode did not stop every attack (see above)."
   exit 1 ;;
3) die "the guest kernel logged a splat: see build/demo/vm.log" ;;
*) tail -n 30 "$out/vm.log" >&2
   die "the demo did not complete (status $rc): see build/demo/vm.log" ;;
esac
