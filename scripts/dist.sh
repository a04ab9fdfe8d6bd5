#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dist.sh - the release tarball: bulwark-<version>.tar.xz in OUTDIR, whose
# top directory is bulwark-<version>/.  The Debian packages (make deb, as
# the .orig tarball) and the RPM (make rpm, as Source0) are built from it.
#
# Usage: scripts/dist.sh [--orig] OUTDIR
#
# --orig leaves out debian/ and names the tarball as Debian's source
# format 3.0 (quilt) wants it: bulwark_<version>.orig.tar.xz.
# In a git checkout it holds the files git tracks and the untracked ones
# it does not ignore, as they are in the work tree; elsewhere every file
# but build/, .git/ and build products.
# Fails when dkms.conf and module/common.h disagree on the version.
# Prints the tarball's path.

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
orig=0
if [ "${1:-}" = --orig ]; then
	orig=1
	shift
fi
out=${1:?usage: scripts/dist.sh [--orig] OUTDIR}
version=$(sh "$top/scripts/dkms-src.sh" --check) || exit 1

umask 022
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/dist.XXXXXX")
trap 'rm -rf "$work"' EXIT
dir=$work/bulwark-$version
mkdir -p "$dir"

cd "$top"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Deleted but not yet committed files are left out.
	git ls-files --cached --others --exclude-standard |
		while IFS= read -r f; do
			if [ -e "$f" ]; then printf '%s\n' "$f"; fi
		done >"$work/list"
else
	# Without git, the build products .gitignore names are left out.
	find . -path ./build -prune -o -path ./.git -prune -o -type f \
		! -name '*.o' ! -name '*.ko' ! -name '*.mod' ! -name '*.mod.c' \
		! -name '*.cmd' ! -name Module.symvers ! -name modules.order \
		-print | sed 's|^\./||' >"$work/list"
fi
if [ "$orig" -eq 1 ]; then
	grep -v '^debian/' "$work/list" >"$work/list.orig" || true
	mv "$work/list.orig" "$work/list"
fi
tar -cf - -T "$work/list" | tar -xf - -C "$dir"
chmod -R u+w,go-w "$dir"

tarball=$out/bulwark-$version.tar.xz
[ "$orig" -eq 0 ] || tarball=$out/bulwark_$version.orig.tar.xz
# Reproducible: sorted names, fixed owner, the last commit's time.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$top" log -1 --format=%ct 2>/dev/null) ||
		SOURCE_DATE_EPOCH=$(date +%s)
fi
tar --sort=name --owner=0 --group=0 --numeric-owner \
	--mtime=@"$SOURCE_DATE_EPOCH" -C "$work" -cf - "bulwark-$version" |
	xz -9 -T1 >"$tarball.tmp"
mv "$tarball.tmp" "$tarball"
echo "$tarball"
