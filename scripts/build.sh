#!/bin/sh
# Build bulwark.ko for one kernel release into build/<kver>/.
#
# usage: scripts/build.sh KVER [make arguments...]
#
# BULWARK_BUILD_OUT overrides the output directory (default build/<kver>).
#
# The sources are copied so that several kernels can be built from one
# tree; the headers come from /usr/src/linux-headers-KVER (Debian's
# linux-headers package, installed by scripts/deps.sh).
set -eu

kver=${1:?usage: scripts/build.sh KVER [make arguments...]}
shift
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=${KDIR:-/usr/src/linux-headers-$kver}
out=${BULWARK_BUILD_OUT:-$top/build/$kver}

if [ ! -d "$kdir" ]; then
	echo "build.sh: no kernel headers at $kdir (run scripts/deps.sh)" >&2
	exit 1
fi
# Refresh the copy; cp -p keeps times, so make rebuilds what changed.
rm -rf "$out/module.new"
mkdir -p "$out/module.new"
cp -p "$top"/module/*.[ch] "$out/module.new/"
if [ -d "$out/module" ]; then
	cp -p "$out"/module/*.o "$out"/module/.*.cmd "$out/module.new/" 2>/dev/null || true
fi
rm -rf "$out/module"
mv "$out/module.new" "$out/module"
cp -p "$top/Kbuild" "$out/"
exec make -C "$kdir" M="$out" "$@" modules
