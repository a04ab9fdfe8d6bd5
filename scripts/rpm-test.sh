#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# rpm-test.sh - check the RPM packages of scripts/mkrpm.sh without
# installing them (on Debian: rpm, rpmlint, shellcheck and dpkg-deb).
#
# Usage: scripts/rpm-test.sh RPMDIR DEBDIR
#
# RPMDIR holds bulwark-dkms-<version>-*.noarch.rpm and
# bulwark-tools-<version>-*.noarch.rpm (make rpm: build/rpm); DEBDIR the
# Debian packages bulwark-dkms_<version>-*_all.deb and
# bulwark-tools_<version>-*_all.deb (make deb: build/deb), whose file lists
# the RPMs' must equal; without them that test is skipped.  <version> is
# BULWARK_VERSION of module/common.h.  Prints TAP; the status is 1 when a
# test failed.
#
#  a. each RPM is there and rpm -qp --info reads it;
#  b. each RPM holds the files of the Debian package of the same name, once
#     the known differences are normalised (see normalise below);
#  c. each scriptlet is /bin/sh, passes sh -n and shellcheck -s sh;
#  d. rpmlint, with rpm/bulwark.rpmlintrc, finds no error and no warning in
#     rpm/bulwark.spec and the RPMs (the filtered messages are listed);
#  e. nothing built is in the payloads, the DKMS tree is what
#     scripts/dkms-src.sh copies, its dkms.conf has the RPM's version;
#  f. the comparison of b tells apart lists that differ by one file;
#  g. the programs are executable, the files of /etc %config(noreplace);
#  h. the scriptlets, run with stand-ins for dkms, systemctl and rm, call
#     what they should for install, upgrade and erase, and exit 0 when
#     those fail.

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
rpmdir=${1:?usage: scripts/rpm-test.sh RPMDIR DEBDIR}
debdir=${2:?usage: scripts/rpm-test.sh RPMDIR DEBDIR}
export LC_ALL=C
# Absolute: the DKMS tree is unpacked in another directory (test e).
if [ -d "$rpmdir" ]; then rpmdir=$(cd "$rpmdir" && pwd); fi

version=$(sh "$top/scripts/dkms-src.sh" --check) || exit 1
work=$(mktemp -d "${TMPDIR:-/tmp}/rpm-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT PIPE TERM

n=0
failed=0
skipped=0
pass() {
	n=$((n + 1))
	echo "ok $n - $*"
}
fail() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
}
skip() {
	n=$((n + 1))
	skipped=$((skipped + 1))
	echo "ok $n - $1 # SKIP $2"
}
# diag FILE: FILE as TAP diagnostics.
diag() {
	sed 's/^/# /' "$1"
}
# newest PATTERN: $found, the file PATTERN names, or of several the one of
# the highest release (sort -V), with a note; empty when there is none.
newest() {
	# shellcheck disable=SC2086 # PATTERN is a glob
	set -- $1
	found=
	[ -f "$1" ] || return 0
	found=$(for f in "$@"; do echo "$f"; done | sort -V | tail -n 1)
	[ "$#" -eq 1 ] || echo "# $# files match, ${found##*/} is used"
}

# The normalisation of the file lists (test b), applied to both sides;
# nothing else is normalised:
#  1. directories are left out: dpkg-deb lists every directory, an RPM only
#     those it owns;
#  2. /lib/systemd/system/ (Debian 12's debhelper) is
#     /usr/lib/systemd/system/ (%{_unitdir});
#  3. a man page's compression suffix (.gz, .bz2, .xz, .zst) is dropped;
#  4. .gz is dropped under /usr/share/doc/<package>/ outside its examples/:
#     dh_compress gzips documents over 4 KiB there, rpm only man pages;
#  5. /usr/share/doc/<package>/copyright and changelog.Debian.gz are left
#     out of the Debian package's list (Debian policy's files, the RPM has
#     License: and %changelog in its header);
#  6. /usr/share/licenses/ (an RPM's %license directory) is left out of the
#     RPM's list: the project has no license file, so there is none today.
# normalise deb|rpm <LIST >LIST: sorted absolute paths.
normalise() {
	if [ "$1" = deb ]; then
		sed -e '\|^/usr/share/doc/[^/]*/copyright$|d' \
			-e '\|^/usr/share/doc/[^/]*/changelog\.Debian\.gz$|d'
	else
		sed -e '\|^/usr/share/licenses/|d'
	fi |
		sed -E -e 's|^/lib/systemd/system/|/usr/lib/systemd/system/|' \
			-e 's#^(/usr/share/man/.*)\.(gz|bz2|xz|zst)$#\1#' \
			-e '\#^/usr/share/doc/[^/]+/examples/#!s#^(/usr/share/doc/[^/]+/.*)\.gz$#\1#' |
		sort -u
}
# deb_files DEB, rpm_files RPM: the files (not directories) of a package.
deb_files() {
	dpkg-deb -c "$1" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }'
}
rpm_files() {
	rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$1" |
		awk '$1 !~ /^d/ { print $2 }'
}
# same A B: the lists are equal; else the diff on standard output.
same() {
	diff -u "$1" "$2" >"$work/same.diff" || {
		cat "$work/same.diff"
		return 1
	}
}

# a. The packages.
for p in dkms tools; do
	newest "$rpmdir/bulwark-$p-$version-*.noarch.rpm"
	f=$found
	eval "rpm_$p=\$f"
	if [ -z "$f" ]; then
		fail "bulwark-$p: a bulwark-$p-$version-*.noarch.rpm in $rpmdir"
		find "$rpmdir" -maxdepth 1 -name "bulwark-$p-*.rpm" 2>&1 | sed 's/^/# found: /'
	elif rpm -qp --info "$f" >"$work/info" 2>&1 &&
		[ "$(rpm -qp --qf '%{NAME} %{VERSION} %{ARCH}' "$f")" = "bulwark-$p $version noarch" ]; then
		pass "bulwark-$p: rpm -qp --info reads ${f##*/}"
	else
		fail "bulwark-$p: rpm -qp --info reads ${f##*/} (bulwark-$p $version noarch)"
		diag "$work/info"
	fi
done

# b. The same files as the Debian packages.
debs=
for p in dkms tools; do
	newest "$debdir/bulwark-${p}_$version-*_all.deb"
	d=$found
	eval "deb_$p=\$d"
	debs=$debs$d
done
for p in dkms tools; do
	eval "r=\$rpm_$p d=\$deb_$p"
	what="bulwark-$p: the RPM holds the files of the Debian package"
	if [ -z "$debs" ]; then
		skip "$what" "no bulwark-{dkms,tools}_$version-*_all.deb in $debdir (make deb)"
	elif [ -z "$d" ] || [ -z "$r" ]; then
		fail "$what"
		[ -n "$d" ] || echo "# no bulwark-${p}_$version-*_all.deb in $debdir"
		[ -n "$r" ] || echo "# no bulwark-$p RPM"
	elif deb_files "$d" | normalise deb >"$work/$p.deb" &&
		rpm_files "$r" | normalise rpm >"$work/$p.rpm" &&
		[ -s "$work/$p.rpm" ] &&
		same "$work/$p.deb" "$work/$p.rpm" >"$work/out"; then
		pass "$what ${d##*/} ($(wc -l <"$work/$p.rpm") files)"
	else
		fail "$what"
		diag "$work/out"
	fi
done

# c. The scriptlets.
for p in dkms tools; do
	eval "r=\$rpm_$p"
	[ -n "$r" ] || continue
	for s in PREIN:pre POSTIN:post PREUN:preun POSTUN:postun; do
		tag=${s%%:*}
		name=bulwark-$p-${s#*:}
		body=$(rpm -qp --qf "%{$tag}" "$r")
		if [ "$body" = "(none)" ]; then
			echo "# bulwark-$p has no %${s#*:}"
			continue
		fi
		prog=$(rpm -qp --qf "%{${tag}PROG}" "$r")
		printf '#!/bin/sh\n%s\n' "$body" >"$work/$name"
		if [ "$prog" != /bin/sh ]; then
			fail "bulwark-$p %${s#*:}: /bin/sh, sh -n, shellcheck -s sh"
			echo "# interpreter: $prog"
		elif sh -n "$work/$name" >"$work/out" 2>&1 &&
			shellcheck -s sh "$work/$name" >>"$work/out" 2>&1; then
			pass "bulwark-$p %${s#*:}: /bin/sh, sh -n, shellcheck -s sh"
		else
			fail "bulwark-$p %${s#*:}: /bin/sh, sh -n, shellcheck -s sh"
			diag "$work/out"
		fi
	done
done

# d. rpmlint.
if [ -n "$rpm_dkms" ] && [ -n "$rpm_tools" ]; then
	: >"$work/empty.rpmlintrc"
	rpmlint -r "$work/empty.rpmlintrc" "$top/rpm/bulwark.spec" \
		"$rpm_dkms" "$rpm_tools" >"$work/lint.all" 2>&1 || :
	rpmlint -r "$top/rpm/bulwark.rpmlintrc" "$top/rpm/bulwark.spec" \
		"$rpm_dkms" "$rpm_tools" >"$work/lint" 2>&1 || :
	grep -E ': [EW]: ' "$work/lint.all" | sort >"$work/lint.all.msgs" || :
	echo "# rpmlint without filters: $(grep -c ': E: ' "$work/lint.all.msgs" || :) errors," \
		"$(grep -c ': W: ' "$work/lint.all.msgs" || :) warnings; filtered by rpm/bulwark.rpmlintrc:"
	# The same warning for many files is listed once, with the count.
	sed -E 's# /[^ ]*$# (path)#' "$work/lint.all.msgs" | uniq -c | sed 's/^ */#   /'
	summary=$(grep 'checked;' "$work/lint" || echo "no summary")
	grep ': E: ' "$work/lint" >"$work/lint.e" || :
	grep ': W: ' "$work/lint" >"$work/lint.w" || :
	for kind in e:error w:"warning but those rpm/bulwark.rpmlintrc accepts"; do
		what="rpmlint: no ${kind#*:}"
		[ "${kind%%:*}" = e ] && what="$what in the spec and the RPMs"
		if [ ! -s "$work/lint.${kind%%:*}" ] && [ "$summary" != "no summary" ]; then
			pass "$what"
		else
			fail "$what"
			diag "$work/lint.${kind%%:*}"
			echo "# $summary"
		fi
	done
else
	fail "rpmlint: no error in the spec and the RPMs"
	echo "# an RPM is missing"
	fail "rpmlint: no warning but those rpm/bulwark.rpmlintrc accepts"
fi

# e. No build products; the DKMS tree and its version.
: >"$work/built"
for p in dkms tools; do
	eval "r=\$rpm_$p"
	[ -z "$r" ] || rpm_files "$r" | grep -E \
		'(\.(o|ko|ko\.(gz|xz|zst)|cmd|mod|mod\.c|a|so)|/Module\.symvers|/modules\.order)$|/\.tmp_versions/' \
		>>"$work/built" || :
done
if [ -n "$rpm_dkms" ] && [ -n "$rpm_tools" ] && [ ! -s "$work/built" ]; then
	pass "no build products (*.o, *.ko, *.cmd, ...) in the RPMs"
else
	fail "no build products (*.o, *.ko, *.cmd, ...) in the RPMs"
	diag "$work/built"
fi
if [ -n "$rpm_dkms" ]; then
	mkdir "$work/root"
	(cd "$work/root" && rpm2cpio "$rpm_dkms" | cpio -idm --quiet) 2>"$work/out" || :
	sh "$top/scripts/dkms-src.sh" "$work/ref" >/dev/null
	src=$work/root/usr/src/bulwark-$version
	if [ -d "$src" ] && diff -r "$work/ref" "$src" >>"$work/out" 2>&1; then
		pass "bulwark-dkms: /usr/src/bulwark-$version is what scripts/dkms-src.sh copies"
	else
		fail "bulwark-dkms: /usr/src/bulwark-$version is what scripts/dkms-src.sh copies"
		diag "$work/out"
	fi
	rv=$(rpm -qp --qf '%{VERSION}' "$rpm_dkms")
	dv=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$src/dkms.conf" 2>/dev/null) || dv=
	if [ -n "$dv" ] && [ "$dv" = "$rv" ]; then
		pass "bulwark-dkms: dkms.conf's PACKAGE_VERSION is the RPM's version, $rv"
	else
		fail "bulwark-dkms: dkms.conf's PACKAGE_VERSION is the RPM's version"
		echo "# dkms.conf: '$dv', RPM: '$rv'"
	fi
else
	fail "bulwark-dkms: /usr/src/bulwark-$version is what scripts/dkms-src.sh copies"
	fail "bulwark-dkms: dkms.conf's PACKAGE_VERSION is the RPM's version"
fi

# f. The comparison of b is not vacuous: on the RPM's own list of
# bulwark-tools, it tells apart a list with one file less, or one file
# moved, and the normalisation maps Debian's names onto the RPM's.
if [ -n "$rpm_tools" ]; then
	rpm_files "$rpm_tools" | normalise rpm >"$work/f.rpm"
	sed 2d "$work/f.rpm" >"$work/f.less"
	sed 's|^/usr/sbin/bulwarkctl$|/usr/bin/bulwarkctl|' "$work/f.rpm" >"$work/f.moved"
	if [ "$(wc -l <"$work/f.rpm")" -gt 10 ] &&
		same "$work/f.rpm" "$work/f.rpm" >/dev/null &&
		! same "$work/f.rpm" "$work/f.less" >/dev/null &&
		! same "$work/f.rpm" "$work/f.moved" >/dev/null; then
		pass "the file list comparison reports a list with one line removed, or changed"
	else
		fail "the file list comparison reports a list with one line removed, or changed"
	fi
else
	fail "the file list comparison reports a list with one line removed, or changed"
	echo "# no bulwark-tools RPM"
fi
cat >"$work/f.in" <<'EOF'
/lib/systemd/system/bulwark-policy.service
/usr/share/man/man8/bulwarkctl.8.gz
/usr/share/doc/bulwark-tools/README.md.gz
/usr/share/doc/bulwark-tools/examples/kubernetes/x.gz
/usr/share/doc/bulwark-tools/copyright
/usr/share/doc/bulwark-tools/changelog.Debian.gz
/usr/sbin/bulwarkctl
EOF
cat >"$work/f.want" <<'EOF'
/usr/lib/systemd/system/bulwark-policy.service
/usr/sbin/bulwarkctl
/usr/share/doc/bulwark-tools/README.md
/usr/share/doc/bulwark-tools/examples/kubernetes/x.gz
/usr/share/man/man8/bulwarkctl.8
EOF
if normalise deb <"$work/f.in" >"$work/f.got" &&
	same "$work/f.want" "$work/f.got" >"$work/out"; then
	pass "the normalisation maps Debian's paths as listed, and no others"
else
	fail "the normalisation maps Debian's paths as listed, and no others"
	diag "$work/out"
fi

# g. Modes and %config.
if [ -n "$rpm_tools" ]; then
	rpm -qp --qf '[%{FILEMODES:perms} %{FILEFLAGS:fflags} %{FILENAMES}\n]' "$rpm_tools" |
		awk '
		$NF ~ /^\/usr\/(sbin|libexec\/bulwark)\// && $1 !~ /^d/ && $1 != "-rwxr-xr-x" { print "not 0755:", $0 }
		$NF ~ /^\/etc\// && $1 !~ /^d/ && $2 != "cn" { print "not %config(noreplace):", $0 }
		$NF ~ /^\/etc\// && $1 !~ /^d/ { c++ }
		$NF ~ /^\/usr\/(sbin|libexec)\// && $1 !~ /^d/ { x++ }
		END { if (c != 6 || x != 3) print "expected 6 files in /etc and 3 programs, found", c + 0, x + 0 }
		' >"$work/out"
	if [ ! -s "$work/out" ]; then
		pass "bulwark-tools: the 3 programs are 0755, the 6 files of /etc %config(noreplace)"
	else
		fail "bulwark-tools: the 3 programs are 0755, the 6 files of /etc %config(noreplace)"
		diag "$work/out"
	fi
else
	fail "bulwark-tools: the 3 programs are 0755, the 6 files of /etc %config(noreplace)"
fi

# h. The scriptlets run, as rpm would with $1 the count of installed
# instances, by sh with stand-ins for dkms, systemctl and rm found first in
# PATH, which log their arguments (rm: nothing is removed).  dkms fails on
# request: $STUB_RC for every call, $STUB_BUILD_RC for build.  Whether
# daemon-reload runs depends on this host's systemd: it is not checked.
stub=$work/stub
mkdir "$stub"
for c in dkms systemctl rm; do
	cat >"$stub/$c" <<EOF
#!/bin/sh
echo "$c \$*" >>"\$STUB_LOG"
[ "$c \$1" != "dkms build" ] || exit "\${STUB_BUILD_RC:-\${STUB_RC:-0}}"
exit "\${STUB_RC:-0}"
EOF
	chmod +x "$stub/$c"
done
# run SCRIPTLET ARG [VAR=VALUE...]: its status; its output in $work/run.out,
# the calls but daemon-reload in $work/run.log.
run() {
	s=$work/$1
	a=$2
	shift 2
	: >"$work/run.calls"
	rc=0
	env STUB_LOG="$work/run.calls" PATH="$stub:$PATH" "$@" sh "$s" "$a" \
		>"$work/run.out" 2>&1 || rc=$?
	grep -v 'daemon-reload' "$work/run.calls" >"$work/run.log" || :
	return "$rc"
}
# expect TEXT: TEXT is $work/run.log; else the difference goes to $work/why.
expect() {
	printf '%s' "$1" >"$work/want"
	[ -z "$1" ] || echo >>"$work/want"
	diff "$work/want" "$work/run.log" >>"$work/why" 2>&1
}
# check WHAT: pass or fail WHAT by $work/why, which is shown.
check() {
	if [ -s "$work/why" ]; then
		fail "$1"
		diag "$work/why"
	else
		pass "$1"
	fi
}
kver=$(uname -r)
add="dkms add -m bulwark -v $version -q --rpm_safe_upgrade"
build="dkms build -m bulwark -v $version -k $kver --force"
install="dkms install -m bulwark -v $version -k $kver --force"

: >"$work/why"
if [ -f "$work/bulwark-dkms-post" ]; then
	run bulwark-dkms-post 1 || echo "status $? when dkms succeeds" >>"$work/why"
	expect "$add
$build
$install" || echo "(calls when dkms succeeds)" >>"$work/why"
	! grep -q 'bulwark-dkms:' "$work/run.out" ||
		echo "a message when dkms succeeds" >>"$work/why"
	run bulwark-dkms-post 2 STUB_BUILD_RC=10 ||
		echo "status $? when dkms build fails" >>"$work/why"
	expect "$add
$build" || echo "(calls when dkms build fails)" >>"$work/why"
	grep -q "/var/lib/dkms/bulwark/$version/build/make.log" "$work/run.out" ||
		echo "no make.log pointer when dkms build fails" >>"$work/why"
	run bulwark-dkms-post 1 STUB_BUILD_RC=77 ||
		echo "status $? when dkms skips the build" >>"$work/why"
	grep -q 'x86_64 only' "$work/run.out" ||
		echo "no x86_64 message for status 77" >>"$work/why"
	run bulwark-dkms-post 1 STUB_RC=1 ||
		echo "status $? when every dkms call fails" >>"$work/why"
else
	echo "no %post in bulwark-dkms" >>"$work/why"
fi
check "bulwark-dkms %post: dkms add, build and install for the running kernel; status 0, and make.log named, when they fail"

: >"$work/why"
if [ -f "$work/bulwark-dkms-preun" ]; then
	for i in 0 1; do
		run bulwark-dkms-preun "$i" STUB_RC=3 || echo "status $? (\$1 = $i)" >>"$work/why"
		expect "dkms remove -m bulwark -v $version -q --all --rpm_safe_upgrade" ||
			echo "(calls, \$1 = $i)" >>"$work/why"
	done
else
	echo "no %preun in bulwark-dkms" >>"$work/why"
fi
check "bulwark-dkms %preun: dkms remove --all --rpm_safe_upgrade; status 0 when it fails"

: >"$work/why"
if [ -f "$work/bulwark-tools-post" ] && [ -f "$work/bulwark-tools-preun" ] &&
	[ -f "$work/bulwark-tools-postun" ]; then
	run bulwark-tools-post 1 STUB_RC=1 || echo "status $? (%post 1)" >>"$work/why"
	expect "systemctl --no-reload preset bulwark-policy.service bulwark-metrics.timer" ||
		echo "(calls, %post 1)" >>"$work/why"
	run bulwark-tools-post 2 || echo "status $? (%post 2)" >>"$work/why"
	expect "" || echo "(calls, %post 2)" >>"$work/why"
	run bulwark-tools-preun 0 STUB_RC=1 || echo "status $? (%preun 0)" >>"$work/why"
	expect "systemctl --no-reload disable --now bulwark-metrics.timer bulwark-policy.service
systemctl stop bulwark-metrics.service" || echo "(calls, %preun 0)" >>"$work/why"
	run bulwark-tools-preun 1 || echo "status $? (%preun 1)" >>"$work/why"
	expect "" || echo "(calls, %preun 1)" >>"$work/why"
	run bulwark-tools-postun 0 || echo "status $? (%postun 0)" >>"$work/why"
	expect "rm -f /var/lib/prometheus/node-exporter/bulwark.prom" ||
		echo "(calls, %postun 0)" >>"$work/why"
	run bulwark-tools-postun 1 || echo "status $? (%postun 1)" >>"$work/why"
	expect "" || echo "(calls, %postun 1)" >>"$work/why"
else
	echo "a scriptlet of bulwark-tools is missing" >>"$work/why"
fi
check "bulwark-tools: preset on first install; disable --now, and rm of the metrics file, on erase only; status 0"

echo "# $((n - failed - skipped)) passed, $failed failed, $skipped skipped"
echo "1..$n"
[ "$failed" -eq 0 ]
