#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kernels.sh - the kernel releases bulwark is built and tested on.
#
# Usage:
#   kernels.sh                 the kernels booted in a VM by make check
#   kernels.sh --build         every kernel the module is built for (the
#                              runtime ones and the build-only ones)
#   kernels.sh --host          the kernels whose headers are installed on
#                              this machine (DKMS can build for them)
#   kernels.sh --toolchain K   where K is built: "host", or the path of
#                              the chroot whose compiler and headers build it
#
# The list is the one scripts/deps.sh wrote to $BULWARK_CACHE/kernels.txt:
# one line per kernel, "RELEASE ROLE TOOLCHAIN", ROLE being "run" or
# "build", TOOLCHAIN "host" or a chroot's suite name.  $BULWARK_KERNELS
# (space-separated releases) narrows every list to the kernels it names.

set -eu

BULWARK_CACHE=${BULWARK_CACHE:-/var/cache/bulwark}
list=$BULWARK_CACHE/kernels.txt

die() {
	echo "kernels.sh: $*" >&2
	exit 1
}

if [ ! -s "$list" ]; then
	die "$list is missing or empty; run scripts/deps.sh as root first"
fi

# wanted KVER: true unless $BULWARK_KERNELS leaves KVER out.
wanted() {
	[ -z "${BULWARK_KERNELS:-}" ] && return 0
	for w in $BULWARK_KERNELS; do
		[ "$w" = "$1" ] && return 0
	done
	return 1
}

# select AWK-CONDITION: print the releases whose line matches.
select_kernels() {
	awk "NF >= 3 && ($1) { print \$1 }" "$list" | while read -r k; do
		if wanted "$k"; then
			printf '%s\n' "$k"
		fi
	done
}

# shellcheck disable=SC2016 # awk conditions, not the shell's
case ${1:-} in
'') select_kernels '$2 == "run"' ;;
--build) select_kernels '1' ;;
--host) select_kernels '$3 == "host"' ;;
--toolchain)
	[ "$#" -eq 2 ] || die "usage: kernels.sh --toolchain KVER"
	t=$(awk -v k="$2" '$1 == k { print $3; exit }' "$list")
	[ -n "$t" ] || die "$2 is not in $list"
	if [ "$t" = host ]; then
		echo host
	else
		echo "$BULWARK_CACHE/chroot/$t"
	fi ;;
*) die "usage: kernels.sh [--build | --host | --toolchain KVER]" ;;
esac
