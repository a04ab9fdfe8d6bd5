#!/bin/sh
# Build bulwark.ko for one kernel release into build/<kver>/.
#
# usage: scripts/build.sh KVER [make arguments...]
#
# BULWARK_BUILD_OUT overrides the output directory (default build/<kver>).
#
# The sources are copied so that several kernels can be built from one
# tree.  The headers come from /usr/src/linux-headers-KVER (Debian's
# linux-headers package, installed by scripts/deps.sh): on this machine,
# or, for the kernels whose headers need their own suite's compiler and
# C library, in that suite's chroot (scripts/kernels.sh --toolchain),
# where make runs with the build directory bound in at /mnt/bulwark.
set -eu

kver=${1:?usage: scripts/build.sh KVER [make arguments...]}
shift
top=$(cd "$(dirname "$0")/.." && pwd)
out=${BULWARK_BUILD_OUT:-$top/build/$kver}
root=/
if [ -z "${KDIR:-}" ]; then
	toolchain=$(sh "$top/scripts/kernels.sh" --toolchain "$kver" 2>/dev/null ||
		echo host)
	[ "$toolchain" = host ] || root=$toolchain
fi
kdir=${KDIR:-/usr/src/linux-headers-$kver}

if [ ! -d "$root/$kdir" ]; then
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
if [ "$root" = / ]; then
	exec make -C "$kdir" M="$out" "$@" modules
fi
# In a mount namespace of its own: nothing stays mounted afterwards.
mkdir -p "$root/mnt/bulwark"
# shellcheck disable=SC2016 # expanded by the inner shell
exec unshare --mount --propagation private sh -c '
	root=$1 out=$2 kdir=$3
	shift 3
	mount -t proc proc "$root/proc" &&
		mount --bind "$out" "$root/mnt/bulwark" &&
		exec chroot "$root" env \
			PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
			make -C "$kdir" M=/mnt/bulwark "$@" modules
' sh "$root" "$out" "$kdir" "$@"
