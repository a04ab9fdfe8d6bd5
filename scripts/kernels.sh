#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kernels.sh - print the kernel releases bulwark is tested on, one per line.
#
# They come from $BULWARK_KERNELS when set (space-separated), otherwise from
# the list scripts/deps.sh wrote to $BULWARK_CACHE/kernels.txt.

set -eu

BULWARK_CACHE=${BULWARK_CACHE:-/var/cache/bulwark}

if [ -n "${BULWARK_KERNELS:-}" ]; then
	printf '%s\n' "$BULWARK_KERNELS" | tr -s ' \t' '\n' | sed '/^$/d'
	exit 0
fi

list=$BULWARK_CACHE/kernels.txt
if [ ! -s "$list" ]; then
	echo "kernels.sh: $list is missing or empty; run scripts/deps.sh as root first" >&2
	exit 1
fi
sed '/^$/d' "$list"
