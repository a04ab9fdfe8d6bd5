#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dkms-src.sh - copy the module's DKMS source tree to DEST.
#
# Usage: scripts/dkms-src.sh DEST
#        scripts/dkms-src.sh --check      check the versions, print it
#
# DEST (e.g. /usr/src/bulwark-<version>) receives Kbuild, Makefile,
# dkms.conf and module/*.[ch]: what `dkms build` needs, and nothing built.
# Fails when dkms.conf's PACKAGE_VERSION differs from BULWARK_VERSION in
# module/common.h.  Prints the version.

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:?usage: scripts/dkms-src.sh DEST}

version=$(sed -n 's/^#define BULWARK_VERSION "\(.*\)"$/\1/p' "$top/module/common.h")
dkms_version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
[ -n "$version" ] || {
	echo "dkms-src.sh: no BULWARK_VERSION in module/common.h" >&2
	exit 1
}
[ "$version" = "$dkms_version" ] || {
	echo "dkms-src.sh: dkms.conf says version '$dkms_version', module/common.h '$version'" >&2
	exit 1
}

[ "$dest" != --check ] || { echo "$version"; exit 0; }

mkdir -p "$dest/module"
cp "$top/Kbuild" "$top/Makefile" "$top/dkms.conf" "$dest/"
cp "$top"/module/*.c "$top"/module/*.h "$dest/module/"
chmod -R u=rwX,go=rX "$dest"
echo "$version"
