#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# metrics-textfile.sh - write `bulwarkctl metrics` for node_exporter's
# textfile collector.
#
# Usage: metrics-textfile.sh [FILE]
#
# FILE defaults to /var/lib/prometheus/node-exporter/bulwark.prom, the
# directory Debian's prometheus-node-exporter reads.  The metrics go to a
# temporary file in the same directory, which is then renamed over FILE, so
# the collector never reads half a file.  The temporary name does not end
# in .prom, so the collector never reads it either.  When bulwark is not
# loaded, FILE is removed (its series disappear; alert on absent()) and the
# status is 1.  Installed as /usr/libexec/bulwark/metrics-textfile and run
# by bulwark-metrics.timer.

set -eu

PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
out=${1:-/var/lib/prometheus/node-exporter/bulwark.prom}
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${BULWARKCTL:-}" ]; then
	ctl=$BULWARKCTL
elif [ -f "$here/bulwarkctl" ]; then
	ctl=$here/bulwarkctl
else
	ctl=$(command -v bulwarkctl) || {
		echo "metrics-textfile: bulwarkctl not found" >&2
		exit 1
	}
fi

dir=$(dirname "$out")
mkdir -p "$dir"
tmp=$(mktemp "$dir/.bulwark.prom.XXXXXX")
trap 'rm -f "$tmp"' EXIT
if ! sh "$ctl" metrics >"$tmp"; then
	rm -f "$out"
	exit 1
fi
chmod 0644 "$tmp"
mv -f "$tmp" "$out"
