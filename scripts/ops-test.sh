#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ops-test.sh - host-side operations tests: DKMS builds and module signing
# for every supported kernel, the Debian packages (make deb, lintian, apt
# install, upgrade, remove, purge, reinstall), the RPMs (make rpm, what can
# be checked without installing them), the systemd units, the Kubernetes manifest, and the boot-time
# policy with `bulwarkctl lock` in a VM of its own per kernel.
#
# Usage, as root, from anywhere (after scripts/deps.sh):
#   sh scripts/ops-test.sh
#
# Prints TAP ("ok N - name", "not ok N - name", "1..N" at the end) and exits
# non-zero if a test failed.  Logs go to build/ops-test/.  The guest-side
# tests of bulwarkctl, metrics and audit are selftests/ops_test.sh, run by
# selftests/run-guest.sh.
#
# The package tests install and remove bulwark-dkms and bulwark-tools on
# this machine; they are skipped when either is already installed here.  The DKMS build test
# uses DKMS trees of its own, but DKMS creates its signing key
# /var/lib/dkms/mok.key (and mok.pub) when it is missing, as it does on
# any host.

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BULWARK_CACHE=${BULWARK_CACHE:-/var/cache/bulwark}
export BULWARK_CACHE
MOK_CERT=/var/lib/dkms/mok.pub

logs=$top/build/ops-test
rm -rf "$logs"
mkdir -p "$logs"
work=$(mktemp -d "${TMPDIR:-/tmp}/ops-test.XXXXXX")
# shellcheck disable=SC2317 # run from the EXIT trap
cleanup() {
	# A run that stopped between the package's install and its purge
	# leaves nothing behind.
	if [ "${deb_installed:-0}" -eq 1 ]; then
		DEBIAN_FRONTEND=noninteractive dpkg --purge bulwark-dkms \
			bulwark-tools >/dev/null 2>&1 </dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

n=0
failed=0

# check NAME FUNCTION [ARGS...]: one test; its output is kept in a log and
# shown as TAP diagnostics when it fails.
check() {
	name=$1
	shift
	n=$((n + 1))
	log=$logs/$n.log
	if "$@" >"$log" 2>&1; then
		echo "ok $n - $name"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name"
		sed 's/^/# /' "$log" | tail -n 30
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# --- DKMS ----------------------------------------------------------------------------

VERSION=

t_dkms_add() {
	VERSION=$(sh scripts/dkms-src.sh "$work/src/bulwark-0") || return 1
	mv "$work/src/bulwark-0" "$work/src/bulwark-$VERSION"
	mkdir -p "$work/dkms"
	dkms add -m bulwark -v "$VERSION" \
		--sourcetree "$work/src" --dkmstree "$work/dkms"
}

t_dkms_build() {
	dkms build -m bulwark -v "$VERSION" -k "$1" \
		--sourcetree "$work/src" --dkmstree "$work/dkms" || return 1
	dkms status -m bulwark -v "$VERSION" -k "$1" \
		--sourcetree "$work/src" --dkmstree "$work/dkms" | tee "$work/status"
	grep -q ': built' "$work/status"
}

# verify_signature KO CERT_DER: KO carries a PKCS#7 signature (as
# scripts/sign-file appends it) that CERT_DER's key made over the rest
# of the file.
verify_signature() {
	ko=$1
	magic=$(tail -c 28 "$ko")
	[ "$magic" = "~Module signature appended~" ] || {
		echo "$ko: no module signature"
		return 1
	}
	size=$(stat -c %s "$ko")
	# struct module_signature ends with the signature's length, big-endian.
	siglen=$(tail -c 32 "$ko" | head -c 4 | od -An -tu1 |
		awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
	body=$((size - 40 - siglen))
	[ "$body" -gt 0 ] || { echo "$ko: bad signature length $siglen"; return 1; }
	head -c "$body" "$ko" >"$work/body"
	tail -c $((siglen + 40)) "$ko" | head -c "$siglen" >"$work/sig.p7"
	openssl x509 -inform DER -in "$2" -out "$work/cert.pem" || return 1
	openssl cms -verify -binary -inform DER -in "$work/sig.p7" \
		-content "$work/body" -certfile "$work/cert.pem" -noverify \
		-out /dev/null
}

t_dkms_signed() {
	kver=$1
	ko=$(find "$work/dkms/bulwark/$VERSION/$kver" -name 'bulwark.ko*' | head -n 1)
	[ -n "$ko" ] || { echo "no module in the DKMS tree for $kver"; return 1; }
	[ -f "$MOK_CERT" ] || { echo "no $MOK_CERT"; return 1; }
	case $ko in
	*.xz) xz -dc "$ko" >"$work/bulwark.ko" ;;
	*.zst) zstd -qdc "$ko" >"$work/bulwark.ko" ;;
	*.gz) gzip -dc "$ko" >"$work/bulwark.ko" ;;
	*) cp "$ko" "$work/bulwark.ko" ;;
	esac
	signer=$(modinfo -F signer "$work/bulwark.ko")
	cn=$(openssl x509 -inform DER -in "$MOK_CERT" -noout -subject -nameopt multiline |
		sed -n 's/^ *commonName *= *//p')
	echo "signer: $signer; MOK certificate: $cn"
	if [ -z "$signer" ] || [ "$signer" != "$cn" ]; then
		return 1
	fi
	verify_signature "$work/bulwark.ko" "$MOK_CERT" || return 1
	# The check is not vacuous: a changed byte breaks it.
	printf 'x' | dd of="$work/bulwark.ko" bs=1 seek=100 conv=notrunc 2>/dev/null
	if verify_signature "$work/bulwark.ko" "$MOK_CERT" >/dev/null 2>&1; then
		echo "a tampered module still verifies"
		return 1
	fi
}

# --- the packages ----------------------------------------------------------------------

PKGS="bulwark-dkms bulwark-tools"
DEBS=
DEBVER=

# deb_files: every path the two packages hold, one per line.
deb_files() {
	for d in $DEBS; do
		dpkg-deb --contents "$d" | awk '{ print $6 }'
	done
}

t_make_deb() {
	make --no-print-directory deb DEB_OUT="$work/deb" || return 1
	for p in $PKGS; do
		d=$(find "$work/deb" -name "${p}_${VERSION}-*_all.deb")
		[ -n "$d" ] || { echo "no ${p}_${VERSION}-*_all.deb"; return 1; }
		dpkg-deb --info "$d" || return 1
		DEBS="$DEBS $d"
	done
	DEBVER=$(dpkg-deb -f "$d" Version)
	for f in bulwark_"$VERSION".orig.tar.xz bulwark_"$DEBVER".dsc \
		bulwark_"$DEBVER"_amd64.changes; do
		[ -f "$work/deb/$f" ] || { echo "make deb left no $f"; return 1; }
	done
	deb_files >"$work/contents"
	for f in ./usr/src/bulwark-$VERSION/dkms.conf ./usr/src/bulwark-$VERSION/Kbuild \
		./usr/src/bulwark-$VERSION/module/setup.c ./usr/sbin/bulwarkctl \
		./usr/share/man/man8/bulwarkctl.8.gz \
		./usr/libexec/bulwark/apply-policy ./usr/libexec/bulwark/metrics-textfile \
		./lib/systemd/system/bulwark-policy.service \
		./lib/systemd/system/bulwark-metrics.timer ./etc/default/bulwark \
		./etc/bulwark/blocklist.d/local.list; do
		grep -qx "$f" "$work/contents" || { echo "the packages lack $f"; return 1; }
	done
	if grep -E '\.(o|ko|cmd)$' "$work/contents"; then
		echo "the packages hold build products"
		return 1
	fi
}

# lintian on the source and binary packages: no error, no warning.
# Overrides need a comment saying why (debian/source/lintian-overrides,
# debian/*.lintian-overrides); they are listed in the log.
t_lintian() {
	lintian --fail-on error,warning --show-overrides --allow-root \
		"$work/deb/bulwark_${DEBVER}_amd64.changes" || return 1
	for o in debian/source/lintian-overrides debian/*.lintian-overrides; do
		[ -f "$o" ] || continue
		awk -v f="$o" '/^#/ { c = 1; next }
			/^[^#[:space:]]/ && !c { print f ": override without a comment: " $0; bad = 1 }
			{ c = 0 } END { exit bad }' "$o" || return 1
	done
}

# pkg_status PKG: PKG's dpkg state ("installed", "config-files",
# "half-configured", ...; "absent" when it is not on this machine).
pkg_status() {
	st=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) ||
		st=absent
	[ "$st" != not-installed ] || st=absent
	echo "$st"
}

# pkgs_status: both packages' states, e.g. "installed installed".
pkgs_status() {
	for p in $PKGS; do
		printf '%s ' "$(pkg_status "$p")"
	done
}

# apt_get WANT ARGS...: apt-get, non-interactive, with no terminal to ask
# on, waiting for the dpkg lock rather than failing on it; true when both
# packages end up in state WANT ("installed", "config-files" or "absent";
# bulwark-dkms, which has no conffiles, may be "absent" where WANT is
# "config-files").  apt-get's own status also counts, unless the only
# packages dpkg reports broken are other ones: then apt-get fails on every
# call, whatever it is asked to do, and that is said as a diagnostic.  A
# failure is explained at the end of the log, where check() shows it.
apt_get() {
	want=$1
	shift
	rc=0
	DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 \
		apt-get -y -q -o DPkg::Lock::Timeout=600 "$@" </dev/null || rc=$?
	ok=1
	for p in $PKGS; do
		st=$(pkg_status "$p")
		[ "$st" = "$want" ] && continue
		[ "$p" = bulwark-dkms ] && [ "$want" = config-files ] &&
			[ "$st" = absent ] && continue
		ok=0
	done
	audit=$(dpkg --audit 2>&1)
	if [ "$rc" -ne 0 ] && [ "$ok" -eq 1 ] &&
		! printf '%s\n' "$audit" | grep -q '^ *bulwark-'; then
		echo "apt-get $*: exit status $rc, from other packages:"
		printf '%s\n' "$audit"
		echo "the packages are $(pkgs_status)as they should be"
		return 0
	fi
	[ "$rc" -eq 0 ] && [ "$ok" -eq 1 ] && return 0
	echo "apt-get $*: exit status $rc; the packages are $(pkgs_status)not $want"
	printf '%s\n' "$audit"
	dkms status -m bulwark 2>&1
	return 1
}

# deb_why KVER: why bulwark is not installed for KVER, from DKMS's log.
deb_why() {
	echo "dkms status does not list bulwark installed for $1"
	dkms status -m bulwark 2>&1
	for f in /var/lib/dkms/bulwark/"$VERSION"/build/make.log \
		/var/lib/dkms/bulwark/"$VERSION/$1"/*/log/make.log; do
		[ -f "$f" ] || continue
		echo "$f:"
		tail -n 15 "$f"
	done
}

# deb_installed_ok VERSION: both packages are installed at VERSION, and
# DKMS holds exactly one bulwark, installed for every kernel with headers.
deb_installed_ok() {
	for p in $PKGS; do
		v=$(dpkg-query -W -f='${Version}' "$p")
		[ "$v" = "$1" ] || { echo "$p is at $v, not $1"; return 1; }
	done
	dkms status -m bulwark | tee "$work/status"
	for k in $host_kernels; do
		grep -q "bulwark/$VERSION, $k, .*: installed" "$work/status" || {
			deb_why "$k"
			return 1
		}
		find "/lib/modules/$k/updates" -name 'bulwark.ko*' | grep -q . || {
			echo "no bulwark.ko in /lib/modules/$k/updates"
			return 1
		}
	done
	# One version in DKMS's tree and in /usr/src: nothing stale.
	vs=$(find /var/lib/dkms/bulwark -mindepth 1 -maxdepth 1 -type d ! -name original_module)
	[ "$vs" = "/var/lib/dkms/bulwark/$VERSION" ] || {
		echo "DKMS's tree holds: $vs"
		return 1
	}
	[ "$(find /usr/src -maxdepth 1 -name 'bulwark-*')" = "/usr/src/bulwark-$VERSION" ] || {
		echo "/usr/src holds: $(find /usr/src -maxdepth 1 -name 'bulwark-*')"
		return 1
	}
	[ -x /usr/sbin/bulwarkctl ] && [ -f /usr/share/man/man8/bulwarkctl.8.gz ]
}

t_deb_units() {
	systemd-analyze verify /lib/systemd/system/bulwark-policy.service \
		/lib/systemd/system/bulwark-metrics.service \
		/lib/systemd/system/bulwark-metrics.timer || return 1
	for l in multi-user.target.wants/bulwark-policy.service \
		timers.target.wants/bulwark-metrics.timer; do
		[ -L "/etc/systemd/system/$l" ] || { echo "$l is not enabled"; return 1; }
	done
	# The policy runs before the runtimes start.
	for u in containerd.service docker.service crio.service kubelet.service; do
		grep -q "^Before=.*$u" /lib/systemd/system/bulwark-policy.service || {
			echo "bulwark-policy.service is not ordered before $u"
			return 1
		}
	done
}

# An upgrade to the next build (the same source with a newer changelog
# entry): DKMS rebuilds the module for every kernel, a conffile the
# administrator edited keeps the edit, the units stay enabled.
t_deb_upgrade() {
	next=$work/next
	rm -rf "$next"
	mkdir -p "$next"
	dpkg-source -x "$work/deb/bulwark_$DEBVER.dsc" "$next/src" >/dev/null || return 1
	nextver=$DEBVER+upgrade1
	{
		printf 'bulwark (%s) unstable; urgency=medium\n\n' "$nextver"
		printf '  * The upgrade test of scripts/ops-test.sh.\n\n'
		printf ' -- %s  %s\n\n' "$(dpkg-parsechangelog -l "$next/src/debian/changelog" -S Maintainer)" \
			"$(date -R)"
		cat "$next/src/debian/changelog"
	} >"$next/changelog"
	mv "$next/changelog" "$next/src/debian/changelog"
	(cd "$next/src" && dpkg-buildpackage -us -uc -b) >"$next/build.log" 2>&1 || {
		tail -n 20 "$next/build.log"
		return 1
	}
	echo '# a local edit, kept across upgrades' >>/etc/bulwark/exempt
	sum=$(md5sum </etc/bulwark/exempt)
	# shellcheck disable=SC2046 # one path per word
	apt_get installed install --no-install-recommends \
		$(find "$next" -maxdepth 1 -name "bulwark-*_${nextver}_all.deb") || return 1
	deb_installed_ok "$nextver" || return 1
	[ "$(md5sum </etc/bulwark/exempt)" = "$sum" ] || {
		echo "the upgrade lost the edit of /etc/bulwark/exempt"
		return 1
	}
	t_deb_units
}

# deb_gone: nothing of the packages is left: no DKMS tree, no source, no
# module, no configuration, no unit state.
deb_gone() {
	[ "$(pkgs_status)" = "absent absent " ] || {
		echo "the packages are $(pkgs_status)after the purge"
		return 1
	}
	if [ -n "$(dkms status -m bulwark 2>/dev/null)" ]; then
		dkms status -m bulwark
		echo "dkms still lists bulwark"
		return 1
	fi
	for f in /var/lib/dkms/bulwark /usr/src/bulwark-"$VERSION" /etc/bulwark \
		/etc/default/bulwark /usr/sbin/bulwarkctl; do
		[ ! -e "$f" ] || { echo "$f is left"; return 1; }
	done
	if find /lib/modules/*/updates -name 'bulwark.ko*' 2>/dev/null | grep .; then
		echo "modules are left"
		return 1
	fi
	if find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled \
		-name 'bulwark*' 2>/dev/null | grep .; then
		echo "unit state is left"
		return 1
	fi
}

# deb_remove_purge: apt remove leaves only the conffiles; dpkg --purge
# leaves nothing.
deb_remove_purge() {
	# shellcheck disable=SC2086 # one name per word
	apt_get config-files remove $PKGS || return 1
	if [ -n "$(dkms status -m bulwark 2>/dev/null)" ]; then
		dkms status -m bulwark
		echo "dkms still lists bulwark after the removal"
		return 1
	fi
	[ -f /etc/bulwark/exempt ] || { echo "apt remove took the conffiles"; return 1; }
	# Removed, the packages have only their conffiles left: purging them
	# is dpkg's work alone, which apt-get would refuse to start while
	# another package is broken.
	# shellcheck disable=SC2086 # one name per word
	DEBIAN_FRONTEND=noninteractive dpkg --purge $PKGS </dev/null || return 1
	deb_gone || return 1
	deb_installed=0
}

# Installed again after a purge, the packages start from nothing: one
# DKMS tree, the shipped conffiles; then removed and purged again.
t_deb_reinstall() {
	deb_installed=1
	# shellcheck disable=SC2086 # one path per word
	apt_get installed install --no-install-recommends $DEBS || return 1
	deb_installed_ok "$DEBVER" || return 1
	grep -q 'kept across upgrades' /etc/bulwark/exempt && {
		echo "/etc/bulwark/exempt still has the edit made before the purge"
		return 1
	}
	deb_remove_purge
}

# The first package (0.1.0-1, dpkg-deb by hand) held the tools in
# bulwark-dkms; an upgrade moves them into bulwark-tools (Breaks and
# Replaces).  A package of that shape, without its DKMS scripts, stands
# in for it.
t_deb_migrate() {
	old=$work/old
	rm -rf "$old"
	mkdir -p "$old/DEBIAN" "$old/usr/sbin" "$old/etc/bulwark" \
		"$old/lib/systemd/system"
	cp scripts/bulwarkctl "$old/usr/sbin/bulwarkctl"
	cp deploy/etc/bulwark/exempt "$old/etc/bulwark/exempt"
	cp deploy/systemd/bulwark-policy.service "$old/lib/systemd/system/"
	printf '/etc/bulwark/exempt\n' >"$old/DEBIAN/conffiles"
	cat >"$old/DEBIAN/control" <<-EOF
	Package: bulwark-dkms
	Version: $VERSION-1
	Architecture: all
	Maintainer: bulwark maintainers <maintainers@bulwark.example>
	Description: the first bulwark-dkms's layout, for a test
	EOF
	dpkg-deb --root-owner-group --build "$old" "$work/old.deb" >/dev/null || return 1
	deb_installed=1
	DEBIAN_FRONTEND=noninteractive dpkg -i "$work/old.deb" </dev/null || return 1
	# shellcheck disable=SC2086 # one path per word
	apt_get installed install --no-install-recommends $DEBS || return 1
	deb_installed_ok "$DEBVER" || return 1
	for f in /usr/sbin/bulwarkctl /etc/bulwark/exempt \
		/lib/systemd/system/bulwark-policy.service; do
		o=$(dpkg -S "$f" | cut -d: -f1)
		[ "$o" = bulwark-tools ] || { echo "$f belongs to $o"; return 1; }
	done
}

# --- the RPMs -------------------------------------------------------------------------

t_make_rpm() {
	make --no-print-directory rpm RPM_OUT="$work/rpm"
}

# rpm_checks: scripts/rpm-test.sh's TAP results become ours ("rpm: ...").
rpm_checks() {
	rc=0
	sh scripts/rpm-test.sh "$work/rpm" "$work/deb" >"$logs/rpm-test.tap" \
		2>"$logs/rpm-test.log" || rc=$?
	count=0
	while IFS= read -r line; do
		case $line in
		"ok "*" - "*)
			n=$((n + 1))
			count=$((count + 1))
			echo "ok $n - rpm: ${line#* - }"
			;;
		"not ok "*" - "*)
			n=$((n + 1))
			count=$((count + 1))
			failed=$((failed + 1))
			echo "not ok $n - rpm: ${line#* - }"
			;;
		"# "*) echo "$line" ;;
		esac
	done <"$logs/rpm-test.tap"
	if [ "$rc" -ne 0 ] && [ "$count" -eq 0 ] || ! grep -q '^1\.\.[0-9]' "$logs/rpm-test.tap"; then
		n=$((n + 1))
		failed=$((failed + 1))
		echo "not ok $n - rpm: scripts/rpm-test.sh stopped early (status $rc)"
		sed 's/^/# /' "$logs/rpm-test.log" | tail -n 20
	fi
}

# --- Kubernetes ----------------------------------------------------------------------

t_k8s_validate() {
	python3 scripts/k8s-validate.py deploy/kubernetes/bulwark.yaml "$work/k8s"
}

# The validator finds broken manifests (it is not vacuous).
t_k8s_negative() {
	m=deploy/kubernetes/bulwark.yaml
	for edit in 's/hostPID: false/hostPID: true/' \
		's/privileged: true/privileged: false/' \
		's/runAsNonRoot: true/runAsNonRoot: false/' \
		's/key: escape_mode/key: escape_modez/' \
		'/^  locked: ""$/d' \
		's/mountPath: \/host$/mountPath: \/hostroot/' \
		'/mountPath: \/host$/{n;s/readOnly: true/readOnly: false/}' \
		'/mountPath: \/host\/run\/bulwark$/{n;d}' \
		'/- name: tmp$/{N;s/- name: tmp\n\( *\)mountPath/- name: temp\n\1mountPath/}' \
		's/prometheus.io\/port: "9743"/prometheus.io\/port: "9000"/' \
		's/args: \["load"\]/args: ["lod"]/' \
		's/^\( *\)args: \["metrics"\]/\1command: ["nsenter", "-t", "1", "-m", "--", "bulwark-node"]\n\1args: ["metrics"]/' \
		's/io\/path: \/cgi-bin\/metrics$/io\/path: \/metrics/' \
		's/^\(  *path: \)\/cgi-bin\/ready$/\1\/ready/' \
		's/^\(  *path: \)\/cgi-bin\/ready$/\1\/cgi-bin\/metrics/'; do
		sed "$edit" "$m" >"$work/broken.yaml"
		if cmp -s "$m" "$work/broken.yaml"; then
			echo "the edit '$edit' changed nothing"
			return 1
		fi
		if python3 scripts/k8s-validate.py "$work/broken.yaml" >/dev/null; then
			echo "accepted a manifest edited with '$edit'"
			return 1
		fi
	done
}

# The ConfigMap's expectations are values the node script understands; the
# node script and the image enter none of the node's namespaces.
t_k8s_expected() {
	cm=$work/k8s/bulwark-expected
	for k in miner_mode keys_mode persist_mode escape_mode drift_mode; do
		case $(cat "$cm/$k") in
		'' | off | audit | enforce) ;;
		*) echo "$k is not off, audit, enforce or empty"; return 1 ;;
		esac
	done
	case $(cat "$cm/locked") in
	'' | yes | no) ;;
	*) echo "locked is not yes, no or empty"; return 1 ;;
	esac
	case $(cat "$cm/version") in
	'' | [0-9]*.[0-9]*) ;;
	*) echo "version is not a version or empty"; return 1 ;;
	esac
	shellcheck -s sh deploy/kubernetes/bulwark-node.sh || return 1
	if grep -hv '^[[:space:]]*#' deploy/kubernetes/bulwark-node.sh \
		deploy/kubernetes/Dockerfile | grep -n 'nsenter\|systemd-run\|util-linux'; then
		echo "the node script or the image still needs nsenter or systemd-run"
		return 1
	fi
}

# --- the boot-time policy and lock, in a VM ----------------------------------------------

# t_lock_vm KVER: boot KVER and run selftests/ops_lock_test.sh; its TAP
# results become ours.
lock_vm() {
	k=$1
	out=$logs/vm-lock-$k
	ko=build/$k/bulwark.ko
	if [ ! -f "$ko" ]; then
		sh scripts/build.sh "$k" >"$logs/build-$k.log" 2>&1 || {
			n=$((n + 1))
			failed=$((failed + 1))
			echo "not ok $n - lock VM on $k: cannot build the module"
			sed 's/^/# /' "$logs/build-$k.log" | tail -n 20
			return 0
		}
	fi
	rc=0
	sh scripts/vm.sh "$k" "$out" -- "sh selftests/ops_lock_test.sh $ko" \
		>"$logs/vm-lock-$k.log" 2>&1 || rc=$?
	if [ -f "$out/output.txt" ]; then
		while IFS= read -r line; do
			case $line in
			"ok "*" - "*)
				n=$((n + 1))
				echo "ok $n - lock VM on $k: ${line#* - }"
				;;
			"not ok "*" - "*)
				n=$((n + 1))
				failed=$((failed + 1))
				echo "not ok $n - lock VM on $k: ${line#* - }"
				;;
			"# "*) case $line in "# "[0-9]*" s") ;; *) echo "$line" ;; esac ;;
			esac
		done <"$out/output.txt"
	fi
	n=$((n + 1))
	if [ "$rc" -eq 0 ]; then
		echo "ok $n - lock VM on $k: guest finished, log clean"
	else
		failed=$((failed + 1))
		echo "not ok $n - lock VM on $k: vm.sh status $rc"
		sed 's/^/# /' "$logs/vm-lock-$k.log" | tail -n 30
	fi
}

# --- main ---------------------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || { echo "ops-test.sh: must run as root" >&2; exit 1; }
kernels=$(sh scripts/kernels.sh)
# DKMS builds against the headers installed on this machine.
host_kernels=$(sh scripts/kernels.sh --host)

check "dkms add (dkms.conf and module/common.h agree on the version)" t_dkms_add
for k in $host_kernels; do
	if [ -n "$VERSION" ]; then
		check "dkms build for $k" t_dkms_build "$k"
		check "dkms signed the module for $k with its MOK key" t_dkms_signed "$k"
	else
		skip "dkms build for $k" "dkms add failed"
	fi
done

check "make deb: bulwark-dkms and bulwark-tools from debian/" t_make_deb
if [ -z "$DEBS" ]; then
	skip "lintian" "no packages"
	skip "apt install of the packages" "no packages"
elif [ "$(pkgs_status)" != "absent absent " ]; then
	check "lintian: no error, no warning" t_lintian
	skip "apt install of the packages" "bulwark's packages are on this machine ($(pkgs_status))"
else
	check "lintian: no error, no warning" t_lintian
	# Three installations, each of which has DKMS build the module for
	# every kernel: over the first package's layout, an upgrade, and a
	# fresh one after the purge.
	check "apt install over the first package: built for every kernel, files move to bulwark-tools" t_deb_migrate
	check "systemd units: verified, enabled, ordered before the runtimes" t_deb_units
	check "apt upgrade to the next build: rebuilt, conffile edit kept" t_deb_upgrade
	check "apt remove, dpkg --purge: dkms and files clean" deb_remove_purge
	check "apt install after the purge: no stale DKMS tree, fresh conffiles" t_deb_reinstall
fi

check "make rpm: bulwark-dkms and bulwark-tools from rpm/bulwark.spec" t_make_rpm
if [ -d "$work/rpm" ]; then
	rpm_checks
else
	skip "rpm: the RPMs' checks" "make rpm failed"
fi

check "Kubernetes manifest: structure" t_k8s_validate
check "Kubernetes manifest: the validator rejects broken manifests" t_k8s_negative
check "Kubernetes manifest: the ConfigMap's expectations, the node script without nsenter" t_k8s_expected

# The boot-time flow is the same shell on every kernel: the oldest and
# the newest kernel boot it (locked_test covers the lock on every one).
# shellcheck disable=SC2086 # one kernel per word
for k in $(printf '%s\n' $kernels | sort -V | sed -n '1p;$p' | uniq); do
	lock_vm "$k"
done

echo "1..$n"
[ "$failed" -eq 0 ]
