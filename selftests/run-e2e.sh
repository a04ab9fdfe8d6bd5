#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-e2e.sh - run the end-to-end tests (selftests/*_e2e.sh) in a test VM
#
# Usage, as root, from the repository's root, in a throw-away guest, after
# make -C selftests:
#   sh selftests/run-e2e.sh KO_PATH
#
# Each test's TAP output goes to stdout and to $BULWARK_OUT/<name>.tap
# (default /out).  Exits 0 only if every test passed.

set -eu

PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
OUT=${BULWARK_OUT:-/out}

[ $# -eq 1 ] || {
	echo "usage: $0 KO_PATH" >&2
	exit 1
}
case $1 in
/*) ko=$1 ;;
*) ko=$(pwd)/$1 ;;
esac
mkdir -p "$OUT"

failed=
# docker_e2e.sh locks bulwark at its end: it runs last.
for t in selftests/*_e2e.sh selftests/docker_e2e.sh; do
	case $t in
	selftests/docker_e2e.sh) [ -n "${docker_last:-}" ] || {
		docker_last=1
		continue
	} ;;
	esac
	name=${t##*/}
	name=${name%.sh}
	echo "run-e2e: running $name"
	status=$(mktemp)
	{
		rc=0
		sh "$t" "$ko" || rc=$?
		echo "$rc" >"$status"
	} 2>&1 | tee "$OUT/$name.tap"
	rc=$(cat "$status")
	rm -f "$status"
	if [ "$rc" -eq 0 ]; then
		echo "run-e2e: PASS $name"
	else
		echo "run-e2e: FAIL $name: exit status $rc"
		failed="$failed $name"
	fi
done
[ -z "$failed" ] || {
	echo "run-e2e: failed:$failed"
	exit 1
}
