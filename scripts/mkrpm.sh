#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mkrpm.sh - build the RPM packages bulwark-dkms and bulwark-tools (noarch)
# from rpm/bulwark.spec and the release tarball of scripts/dist.sh.
#
# Usage: scripts/mkrpm.sh [OUTDIR]
#
# OUTDIR defaults to build/rpm (make rpm).  rpmbuild works in a private
# _topdir under a temporary directory, removed at the end; only the two
# .rpm files are copied to OUTDIR, whose paths are printed.  Fails when the
# spec's Version differs from BULWARK_VERSION in module/common.h (or
# dkms.conf from it).  Needs rpmbuild (Debian: apt install rpm).

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-build/rpm}
spec=$top/rpm/bulwark.spec

command -v rpmbuild >/dev/null 2>&1 || {
	echo "mkrpm.sh: rpmbuild not found (Debian: apt install rpm)" >&2
	exit 1
}
version=$(sh "$top/scripts/dkms-src.sh" --check) || exit 1
spec_version=$(rpmspec -q --srpm --qf '%{VERSION}\n' "$spec" 2>/dev/null) ||
	spec_version=$(sed -n 's/^Version:[[:space:]]*//p' "$spec")
[ "$spec_version" = "$version" ] || {
	echo "mkrpm.sh: rpm/bulwark.spec says Version $spec_version, module/common.h $version:" >&2
	echo "mkrpm.sh: change Version: and add a %changelog entry" >&2
	exit 1
}

umask 022
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mkrpm.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT PIPE TERM
mkdir -p "$work/BUILD" "$work/BUILDROOT" "$work/RPMS" "$work/SOURCES" \
	"$work/SPECS" "$work/SRPMS"
sh "$top/scripts/dist.sh" "$work/SOURCES" >/dev/null
cp "$spec" "$work/SPECS/"

# --nodeps: rpmbuild checks BuildRequires against the rpm database, which
# on Debian is empty (apt installs the tools); the spec declares none
# today, but the build must not depend on that staying so.
# _build_name_fmt: flat file names in RPMS/, whatever the host's default.
# packager: the Packager tag, which rpmlint wants and Fedora's guidelines
# keep out of the spec; the maintainers of debian/control.
rpmbuild -bb --nodeps --quiet \
	--define "_topdir $work" \
	--define "packager bulwark maintainers <maintainers@bulwark.example>" \
	--define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
	"$work/SPECS/bulwark.spec" >"$work/log" 2>&1 || {
	cat "$work/log" >&2
	echo "mkrpm.sh: rpmbuild failed" >&2
	exit 1
}

for f in "$work"/RPMS/bulwark-dkms-"$version"-*.noarch.rpm \
	"$work"/RPMS/bulwark-tools-"$version"-*.noarch.rpm; do
	[ -f "$f" ] || {
		echo "mkrpm.sh: rpmbuild made no $f" >&2
		exit 1
	}
	cp "$f" "$out/"
	echo "$out/${f##*/}"
done
