#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install everything bulwark's build and tests need.
#
# Run as root on Debian 12. Idempotent: a re-run on a ready machine does no
# network access and finishes in about a second.
#
#  1. apt packages for building, checking and booting test VMs;
#  2. picks the newest Debian 6.1 and 6.12 kernels and the newest 6.12
#     PREEMPT_RT kernel (or $BULWARK_KERNELS),
#     installs their headers (KDIR=/usr/src/linux-headers-<kver>) and
#     extracts their image packages to $BULWARK_CACHE/kernels/<kver>/;
#  3. extracts the kselftest harness and checkpatch from linux-source-6.12;
#  4. writes the chosen kernel releases to $BULWARK_CACHE/kernels.txt.
#
# Environment:
#   BULWARK_CACHE    cache directory (default /var/cache/bulwark)
#   BULWARK_KERNELS  space-separated kernel releases to use instead of the
#                    newest ones, e.g. "6.1.0-56-amd64 6.12.117+deb12-amd64"

set -eu

BULWARK_CACHE=${BULWARK_CACHE:-/var/cache/bulwark}
LINUX_SRC_TAR=/usr/src/linux-source-6.12.tar.xz

# docker.io (dockerd, containerd, runc) runs in the guests of the end-to-end
# tests (selftests/docker_e2e.sh, selftests/runc_e2e.sh); the host needs
# none of its services running.  Debian's kernels enable AppArmor, and
# dockerd then refuses to start containers without apparmor_parser
# (apparmor, only a Recommends of docker.io).
# Operations tests (scripts/ops-test.sh, selftests/ops_test.sh): dkms for
# the DKMS builds, signing and the bulwark-dkms package; openssl to verify
# the signatures; promtool (in prometheus) for the metrics; auditd in the
# guests for the audit trail; python3-yaml for the Kubernetes manifest;
# systemd for systemd-analyze, which verifies the package's units.
# clang and its sanitizer runtime build the policy-parser fuzzers (fuzz/).
PACKAGES="qemu-system-x86 sparse busybox-static cpio kmod xz-utils shellcheck
gcc make bc flex bison libelf-dev libssl-dev e2fsprogs util-linux
linux-source-6.12 docker.io apparmor
dkms openssl prometheus auditd python3-yaml systemd
clang libclang-rt-14-dev"

# Package-name patterns of the supported kernel series. Anchoring both ends
# leaves out the -cloud-, -dbg and -unsigned flavours; the PREEMPT_RT
# flavour is tested too, because it turns spinlocks into sleeping locks and
# shows sleeping-in-atomic and lock-order mistakes the generic kernels hide.
SERIES_6_1='^linux-image-6\.1\.[0-9]+-[0-9]+-amd64$'
SERIES_6_12='^linux-image-6\.12\.[0-9]+\+deb12-amd64$'
SERIES_6_12_RT='^linux-image-6\.12\.[0-9]+\+deb12-rt-amd64$'

# apt-get update is run at most once per invocation; this stamp records the
# last one so that stale package lists can be noticed on later runs.
UPDATE_STAMP=$BULWARK_CACHE/apt-update.stamp
updated=0

export DEBIAN_FRONTEND=noninteractive

log() {
	printf 'deps: %s\n' "$*" >&2
}

die() {
	log "error: $*"
	exit 1
}

apt_update() {
	[ "$updated" -eq 0 ] || return 0
	log "apt-get update"
	apt-get update -q >&2
	updated=1
	touch "$UPDATE_STAMP"
}

# True when the apt lists were refreshed by us less than a day ago.
lists_fresh() {
	[ "$updated" -eq 1 ] && return 0
	[ -e "$UPDATE_STAMP" ] || return 1
	[ -z "$(find "$UPDATE_STAMP" -mmin +1440)" ]
}

# missing_pkgs PKG...: print the packages that are not installed.
missing_pkgs() {
	for p in "$@"; do
		s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) ||
			s=absent
		[ "$s" = installed ] || printf '%s\n' "$p"
	done
}

# apt_install PKG...: install the packages that are missing, if any.
apt_install() {
	# Word splitting of the list is intended: package names have no blanks.
	# shellcheck disable=SC2046
	set -- $(missing_pkgs "$@")
	[ "$#" -gt 0 ] || return 0
	apt_update
	log "installing: $*"
	apt-get install -y -q --no-install-recommends "$@" >&2
}

# has_candidate PKG: true when apt can download PKG.
has_candidate() {
	c=$(apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }')
	[ -n "$c" ] && [ "$c" != "(none)" ]
}

# newest_kernel ERE: print the newest kernel release whose image package
# matches ERE and can be downloaded.
newest_kernel() {
	apt-cache search --names-only "$1" 2>/dev/null |
		awk '{ print $1 }' | grep -E "$1" | sed 's/^linux-image-//' |
		sort -rV | while read -r kver; do
			if has_candidate "linux-image-$kver"; then
				printf '%s\n' "$kver"
				break
			fi
		done
}

pick_kernels() {
	if [ -n "${BULWARK_KERNELS:-}" ]; then
		printf '%s\n' "$BULWARK_KERNELS" | tr -s ' \t' '\n' | sed '/^$/d'
		return 0
	fi
	newest_kernel "$SERIES_6_1"
	newest_kernel "$SERIES_6_12"
	newest_kernel "$SERIES_6_12_RT"
}

# kernel_ready KVER: true when the headers are installed and the image is
# extracted, i.e. nothing must be downloaded for KVER.
kernel_ready() {
	[ -d "/usr/src/linux-headers-$1" ] &&
		[ -z "$(missing_pkgs "linux-headers-$1")" ] &&
		[ -f "$BULWARK_CACHE/kernels/$1/boot/vmlinuz-$1" ] &&
		[ -d "$BULWARK_CACHE/kernels/$1/lib/modules/$1" ]
}

# extract_image KVER: download linux-image-KVER and unpack it into the cache.
extract_image() {
	kdir=$BULWARK_CACHE/kernels/$1
	debs=$BULWARK_CACHE/debs
	if [ ! -f "$kdir/boot/vmlinuz-$1" ]; then
		mkdir -p "$debs"
		deb=$(find "$debs" -maxdepth 1 -name "linux-image-${1}_*.deb" |
			sort -V | tail -n 1)
		if [ -z "$deb" ]; then
			log "downloading linux-image-$1"
			# Root downloads need no sandbox user; this avoids apt's
			# warning about _apt not being able to write here.
			(cd "$debs" && apt-get download -q \
				-o APT::Sandbox::User=root "linux-image-$1" >&2)
			deb=$(find "$debs" -maxdepth 1 \
				-name "linux-image-${1}_*.deb" | sort -V | tail -n 1)
			[ -n "$deb" ] || die "apt-get download linux-image-$1 left no .deb"
		fi
		log "extracting $(basename "$deb")"
		rm -rf "$kdir.tmp"
		mkdir -p "$kdir.tmp"
		dpkg-deb -x "$deb" "$kdir.tmp"
		[ -f "$kdir.tmp/boot/vmlinuz-$1" ] ||
			die "$deb has no boot/vmlinuz-$1"
		rm -rf "$kdir"
		mv "$kdir.tmp" "$kdir"
	fi
	if [ ! -f "$kdir/lib/modules/$1/modules.dep" ]; then
		log "depmod $1"
		depmod -b "$kdir" "$1"
	fi
}

# extract_sources: the kselftest harness and checkpatch, from the 6.12
# source tarball, without unpacking the whole tree.
extract_sources() {
	ks=$BULWARK_CACHE/src/kselftest
	cp=$BULWARK_CACHE/src/checkpatch
	if [ -f "$ks/kselftest_harness.h" ] && [ -f "$ks/kselftest.h" ] &&
		[ -f "$cp/checkpatch.pl" ] && [ -f "$cp/spelling.txt" ] &&
		[ -f "$cp/const_structs.checkpatch" ]; then
		return 0
	fi
	[ -f "$LINUX_SRC_TAR" ] || die "$LINUX_SRC_TAR is missing"
	log "extracting kselftest and checkpatch from $LINUX_SRC_TAR"
	tmp=$BULWARK_CACHE/src/.extract.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp" "$ks" "$cp"
	top=linux-source-6.12
	tar -xJf "$LINUX_SRC_TAR" -C "$tmp" \
		"$top/tools/testing/selftests/kselftest_harness.h" \
		"$top/tools/testing/selftests/kselftest.h" \
		"$top/scripts/checkpatch.pl" \
		"$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch"
	cp "$tmp/$top/tools/testing/selftests/kselftest_harness.h" \
		"$tmp/$top/tools/testing/selftests/kselftest.h" "$ks/"
	cp "$tmp/$top/scripts/checkpatch.pl" "$tmp/$top/scripts/spelling.txt" \
		"$tmp/$top/scripts/const_structs.checkpatch" "$cp/"
	chmod 0755 "$cp/checkpatch.pl"
	rm -rf "$tmp"
}

main() {
	[ "$(id -u)" -eq 0 ] || die "must run as root (apt-get, depmod)"
	mkdir -p "$BULWARK_CACHE"

	# Serialise against another deps.sh: both would fight over apt anyway.
	exec 9>"$BULWARK_CACHE/deps.lock"
	flock 9 2>/dev/null || true

	# shellcheck disable=SC2086 # the list is split on purpose
	apt_install $PACKAGES

	kernels=$(pick_kernels)
	if [ -z "$kernels" ]; then
		# No package lists yet (fresh machine with everything installed).
		apt_update
		kernels=$(pick_kernels)
	fi

	# Refresh stale lists before downloading, so that the pick is current
	# and the downloads do not hit files the mirror has since dropped.
	work=0
	for k in $kernels; do
		kernel_ready "$k" || work=1
	done
	if [ "$work" -eq 1 ] && ! lists_fresh; then
		apt_update
		kernels=$(pick_kernels)
	fi

	n=$(printf '%s\n' "$kernels" | sed '/^$/d' | wc -l)
	if [ -z "${BULWARK_KERNELS:-}" ] && [ "$n" -ne 3 ]; then
		die "expected 6.1, 6.12 and 6.12-rt kernels, found: ${kernels:-none}"
	fi
	[ "$n" -gt 0 ] || die "no kernels chosen"

	for k in $kernels; do
		log "kernel $k"
		apt_install "linux-headers-$k"
		extract_image "$k"
	done

	extract_sources

	# A package that dpkg left unconfigured (an interrupted apt run, a
	# failed maintainer script) makes every later apt-get call fail,
	# the package tests' among them: finish it, or say which it is.
	if [ -n "$(dpkg --audit 2>/dev/null)" ]; then
		log "dpkg reports unfinished packages; dpkg --configure -a"
		dpkg --audit >&2 || true
		dpkg --configure -a >&2 ||
			log "warning: dpkg --configure -a failed; apt-get will fail"
	fi

	printf '%s\n' "$kernels" >"$BULWARK_CACHE/kernels.txt.tmp"
	mv "$BULWARK_CACHE/kernels.txt.tmp" "$BULWARK_CACHE/kernels.txt"
	log "ready: $(printf '%s' "$kernels" | tr '\n' ' ')"
}

main "$@"
