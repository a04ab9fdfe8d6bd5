#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install everything bulwark's build and tests need.
#
# Run as root on Debian 12. Idempotent: a re-run on a ready machine does no
# network access and finishes in a few seconds.
#
#  1. apt packages for building, checking and booting test VMs;
#  2. the kernels of the test matrix, found with apt at run time:
#     - on this machine's own suites: the newest Debian 6.1, 6.12 and 6.12
#       PREEMPT_RT kernels; their headers are installed on the host
#       (KDIR=/usr/src/linux-headers-<kver>);
#     - through a private apt configuration under $BULWARK_CACHE/apt (a
#       sources list derived from this machine's Debian source, and lists
#       of its own; the host's apt configuration is not touched): the
#       newest 5.10 of bullseye and the newest kernel of trixie-backports
#       whose headers are in its index, both booted in the tests, and the
#       newest headers of sid, built against only.  Their headers need
#       their own suite's compiler and C library, so each is installed in
#       a debootstrap chroot of its suite, $BULWARK_CACHE/chroot/<suite>,
#       where scripts/build.sh builds for them;
#     every booted kernel's image packages (the split linux-base,
#     linux-binary and linux-modules packages included) are extracted to
#     $BULWARK_CACHE/kernels/<kver>/, laid out as boot/vmlinuz-<kver> and
#     lib/modules/<kver>/;
#  3. extracts the kselftest harness and checkpatch from linux-source-6.12;
#  4. writes the matrix to $BULWARK_CACHE/kernels.txt (see kernels.sh).
#
# Environment:
#   BULWARK_CACHE    cache directory (default /var/cache/bulwark)

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
# systemd for systemd-analyze, which verifies the package's units;
# build-essential (which dpkg-buildpackage checks for), debhelper, dh-dkms
# and lintian build and check the Debian packages (make deb), rpm and
# rpmlint the RPMs (make rpm).
# clang and its sanitizer runtime build the policy-parser fuzzers (fuzz/).
# debootstrap makes the chroots of the newer and older suites; zstd
# unpacks the newest kernels' modules.
PACKAGES="qemu-system-x86 sparse busybox-static cpio kmod xz-utils shellcheck
gcc make bc flex bison libelf-dev libssl-dev e2fsprogs btrfs-progs util-linux
linux-source-6.12 docker.io apparmor xfsprogs dosfstools
dkms openssl prometheus auditd python3-yaml systemd
build-essential debhelper dh-dkms lintian rpm rpmlint
clang libclang-rt-14-dev
debootstrap zstd"

# Package-name patterns of the supported kernel series. Anchoring both ends
# leaves out the -cloud-, -dbg and -unsigned flavours; the PREEMPT_RT
# flavour is tested too, because it turns spinlocks into sleeping locks and
# shows sleeping-in-atomic and lock-order mistakes the generic kernels hide.
SERIES_6_1='^linux-image-6\.1\.[0-9]+-[0-9]+-amd64$'
SERIES_6_12='^linux-image-6\.12\.[0-9]+\+deb12-amd64$'
SERIES_6_12_RT='^linux-image-6\.12\.[0-9]+\+deb12-rt-amd64$'

# The other suites of the matrix, reached through the private apt
# configuration: the oldest maintained generation, the newest kernel
# Debian builds for its stable release, and the development suite's
# headers (build only).
SUITE_OLD=bullseye
SERIES_OLD='^linux-image-5\.10\.0-[0-9]+-amd64$'
SUITE_NEW=trixie-backports
SERIES_NEW='^linux-image-[0-9]+\.[0-9]+\.[0-9]+\+deb[0-9]+-amd64$'
SUITE_DEV=sid
SERIES_DEV='^linux-headers-[0-9]+\.[0-9]+\.[0-9]+\+deb[0-9]+-amd64$'
PAPT=$BULWARK_CACHE/apt
PAPT_STAMP=$PAPT/update.stamp

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

# --- the other suites: a private apt configuration ---------------------------

# The archive and its keyring, read from this machine's own Debian source
# (deb822 or one-line format) each time: nothing names a host in a file of
# the repository.
host_archive() {
	f=/etc/apt/sources.list.d/debian.sources
	if [ -f "$f" ]; then
		awk '/^URIs:/ && !u { u = $2 } END { print u }' "$f"
		return
	fi
	awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
		/etc/apt/sources.list 2>/dev/null
}

host_keyring() {
	f=/etc/apt/sources.list.d/debian.sources
	k=
	[ -f "$f" ] && k=$(awk '/^Signed-By:/ { print $2; exit }' "$f")
	printf '%s\n' "${k:-/usr/share/keyrings/debian-archive-keyring.gpg}"
}

# papt_setup: write the private sources list for the other suites.
papt_setup() {
	uri=$(host_archive)
	[ -n "$uri" ] || die "cannot find this machine's Debian archive in its apt sources"
	ARCHIVE=$uri
	mkdir -p "$PAPT/lists/partial" "$PAPT/cache/archives/partial"
	kr=$(host_keyring)
	{
		for suite in "$SUITE_OLD" "${SUITE_NEW%-backports}" "$SUITE_NEW" \
			"$SUITE_DEV"; do
			echo "deb [signed-by=$kr] $uri $suite main"
		done
	} >"$PAPT/sources.list.tmp"
	mv "$PAPT/sources.list.tmp" "$PAPT/sources.list"
}

# papt COMMAND ARGS...: apt-get or apt-cache on the private configuration.
papt() {
	cmd=$1
	shift
	"$cmd" -q -o Dir::Etc::sourcelist="$PAPT/sources.list" \
		-o Dir::Etc::sourceparts=- -o Dir::State::Lists="$PAPT/lists" \
		-o Dir::Cache="$PAPT/cache" -o APT::Sandbox::User=root \
		-o Acquire::Check-Valid-Until=false "$@"
}

papt_update() {
	log "apt-get update (private lists for $SUITE_OLD, $SUITE_NEW, $SUITE_DEV)"
	papt apt-get update >&2
	touch "$PAPT_STAMP"
}

papt_fresh() {
	[ -e "$PAPT_STAMP" ] && [ -z "$(find "$PAPT_STAMP" -mmin +1440)" ]
}

# suite_packages SUITE: every package name of SUITE's index.
suite_packages() {
	for f in "$PAPT"/lists/*_dists_"$1"_main_binary-amd64_Packages*; do
		[ -e "$f" ] || continue
		/usr/lib/apt/apt-helper cat-file "$f"
	done | awk '$1 == "Package:" { print $2 }' | sort -u
}

# newest_in SUITE ERE: the newest kernel release whose package matches
# ERE in SUITE's index and whose headers package is there too.
newest_in() {
	pkgs=$(suite_packages "$1")
	printf '%s\n' "$pkgs" | grep -E "$2" |
		sed -E 's/^linux-(image|headers)-//' | sort -rV |
		while read -r kver; do
			if printf '%s\n' "$pkgs" |
				grep -qxF "linux-headers-$kver"; then
				printf '%s\n' "$kver"
				break
			fi
		done
}

# --- chroots for the headers that need their own suite's toolchain -----------

# in_chroot DIR COMMAND...: run COMMAND in the chroot, with /proc (objtool
# and apt want it) mounted in a mount namespace of its own, so that
# nothing stays mounted afterwards.
in_chroot() {
	dir=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private sh -c \
		'mount -t proc proc "$1/proc" && d=$1 && shift && exec chroot "$d" "$@"' \
		sh "$dir" "$@"
}

# chroot_ready SUITE KVER: the chroot exists and has KVER's headers (and
# the sparse it needs, see dev_sparse).
chroot_ready() {
	dir=$BULWARK_CACHE/chroot/$1
	if [ "$1" = "$SUITE_NEW" ] && [ ! -f "$dir/.bulwark-sparse" ]; then
		return 1
	fi
	# shellcheck disable=SC2016 # a dpkg-query format, not the shell's
	[ -f "$dir/.bulwark-ready" ] &&
		[ -d "$dir/usr/src/linux-headers-$2" ] &&
		[ "$(chroot "$dir" dpkg-query -W -f='${db:Status-Status}' \
			"linux-headers-$2" 2>/dev/null)" = installed ]
}

# make_chroot SUITE KVER: a chroot of SUITE (a -backports suite on top of
# its release) with KVER's headers, their compiler, sparse and make.
# binutils is named: the newer compiler packages do not pull it in.
make_chroot() {
	suite=$1
	dir=$BULWARK_CACHE/chroot/$suite
	base=${suite%-backports}
	if [ ! -f "$dir/.bulwark-ready" ]; then
		log "debootstrap $base into $dir"
		rm -rf "$dir" "$dir.tmp"
		mkdir -p "$BULWARK_CACHE/chroot"
		debootstrap --variant=minbase --include=make,binutils,sparse \
			"$base" "$dir.tmp" "$ARCHIVE" >&2 ||
			die "debootstrap $base failed"
		if [ "$base" != "$suite" ]; then
			echo "deb $ARCHIVE $suite main" \
				>>"$dir.tmp/etc/apt/sources.list"
		fi
		mv "$dir.tmp" "$dir"
		touch "$dir/.bulwark-ready"
	fi
	chroot_ready "$suite" "$2" && return 0
	log "installing linux-headers-$2 in the $suite chroot"
	set -- "$2" -o Acquire::Check-Valid-Until=false \
		-o Acquire::Check-Date=false -o APT::Sandbox::User=root
	kver=$1
	shift
	in_chroot "$dir" env DEBIAN_FRONTEND=noninteractive \
		apt-get -q "$@" update >&2 ||
		die "apt-get update in the $suite chroot failed"
	in_chroot "$dir" env DEBIAN_FRONTEND=noninteractive \
		apt-get -q "$@" install -y --no-install-recommends \
		"linux-headers-$kver" >&2 ||
		die "installing linux-headers-$kver in the $suite chroot failed"
	in_chroot "$dir" apt-get clean >&2 || true
	if [ "$suite" = "$SUITE_NEW" ]; then
		dev_sparse "$dir"
	fi
}

# dev_sparse DIR: the development suite's sparse, in the chroot DIR, as
# /usr/local/bin/sparse.  The newest kernels' headers use
# __typeof_unqual__, which the sparse of their own suite (trixie's 0.6.4)
# cannot parse: the kernel's Makefile calls it "not up to date" and skips
# it.  Only the program is taken (the package also wants that suite's
# compiler, for cgcc); it needs nothing newer than the chroot's C library.
dev_sparse() {
	rm -f "$1/.bulwark-sparse"
	tmp=$BULWARK_CACHE/debs/sparse.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	(cd "$tmp" && papt apt-get download "sparse/$SUITE_DEV" >&2) ||
		die "apt-get download sparse/$SUITE_DEV failed"
	deb=$(cd "$tmp" && ls sparse_*.deb)
	dpkg-deb -x "$tmp/$deb" "$tmp/x"
	install -D -m 0755 "$tmp/x/usr/bin/sparse" "$1/usr/local/bin/sparse"
	rm -rf "$tmp"
	in_chroot "$1" /usr/local/bin/sparse --version >&2 ||
		die "$SUITE_DEV's sparse does not run in $1"
	echo "$deb" >"$1/.bulwark-sparse"
}

# extract_other KVER: the image packages of KVER from the private lists
# (the image, and for the split packaging its linux-base, linux-binary
# and linux-modules packages), unpacked into the cache in the layout vm.sh
# boots: boot/vmlinuz-KVER and lib/modules/KVER/.
extract_other() {
	kdir=$BULWARK_CACHE/kernels/$1
	debs=$BULWARK_CACHE/debs
	if [ ! -f "$kdir/boot/vmlinuz-$1" ] || [ ! -d "$kdir/lib/modules/$1" ]; then
		mkdir -p "$debs"
		pkgs="linux-image-$1"
		deps=$(papt apt-cache show --no-all-versions "linux-image-$1" |
			sed -n 's/^Depends: //p' | sed 's/[,|]/\n/g' |
			sed 's/^ *//; s/ .*//' |
			grep -E "^linux-(base|binary|modules)-$(printf '%s' "$1" |
				sed 's/[.+]/\\&/g')\$" || true)
		pkgs="$pkgs $deps"
		log "downloading $pkgs"
		# shellcheck disable=SC2086 # the list is split on purpose
		(cd "$debs" && papt apt-get download $pkgs >&2) ||
			die "apt-get download $pkgs failed"
		rm -rf "$kdir.tmp"
		mkdir -p "$kdir.tmp"
		for p in $pkgs; do
			deb=$(find "$debs" -maxdepth 1 -name "${p}_*.deb" |
				sort -V | tail -n 1)
			[ -n "$deb" ] || die "apt-get download $p left no .deb"
			log "extracting $(basename "$deb")"
			dpkg-deb -x "$deb" "$kdir.tmp"
		done
		# Merged /usr: modules (and, split, vmlinuz) under usr/lib.
		if [ ! -d "$kdir.tmp/lib/modules/$1" ] &&
			[ -d "$kdir.tmp/usr/lib/modules/$1" ]; then
			mkdir -p "$kdir.tmp/lib"
			ln -s ../usr/lib/modules "$kdir.tmp/lib/modules"
		fi
		if [ ! -f "$kdir.tmp/boot/vmlinuz-$1" ]; then
			z=$kdir.tmp/lib/modules/$1/vmlinuz
			[ -f "$z" ] || die "no vmlinuz in the packages of $1"
			mkdir -p "$kdir.tmp/boot"
			ln -s "../lib/modules/$1/vmlinuz" "$kdir.tmp/boot/vmlinuz-$1"
		fi
		[ -d "$kdir.tmp/lib/modules/$1/kernel" ] ||
			die "no modules in the packages of $1"
		rm -rf "$kdir"
		mv "$kdir.tmp" "$kdir"
		for p in $pkgs; do
			rm -f "$debs/${p}"_*.deb
		done
	fi
	if [ ! -f "$kdir/lib/modules/$1/modules.dep" ]; then
		log "depmod $1"
		depmod -b "$kdir" "$1"
	fi
}

# chroot_job SUITE KVER: make_chroot with its output in a log of its own,
# shown when it fails; run in the background, one per suite.
chroot_job() {
	clog=$BULWARK_CACHE/chroot/$1.log
	mkdir -p "$BULWARK_CACHE/chroot"
	if make_chroot "$1" "$2" 2>"$clog"; then
		return 0
	fi
	sed "s/^/deps: [$1] /" "$clog" | tail -n 40 >&2
	return 1
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
	[ "$n" -eq 3 ] ||
		die "expected 6.1, 6.12 and 6.12-rt kernels, found: ${kernels:-none}"

	for k in $kernels; do
		log "kernel $k"
		apt_install "linux-headers-$k"
		extract_image "$k"
	done

	# The other suites, through the private lists.
	papt_setup
	[ -n "$(suite_packages "$SUITE_NEW")" ] || papt_update
	k_old=$(newest_in "$SUITE_OLD" "$SERIES_OLD")
	k_new=$(newest_in "$SUITE_NEW" "$SERIES_NEW")
	k_dev=$(newest_in "$SUITE_DEV" "$SERIES_DEV")
	if ! papt_fresh && { [ -z "$k_old" ] || [ -z "$k_new" ] ||
		[ -z "$k_dev" ] || ! chroot_ready "$SUITE_OLD" "$k_old" ||
		! chroot_ready "$SUITE_NEW" "$k_new" ||
		! chroot_ready "$SUITE_DEV" "$k_dev"; }; then
		papt_update
		k_old=$(newest_in "$SUITE_OLD" "$SERIES_OLD")
		k_new=$(newest_in "$SUITE_NEW" "$SERIES_NEW")
		k_dev=$(newest_in "$SUITE_DEV" "$SERIES_DEV")
	fi
	[ -n "$k_old" ] || die "no 5.10 kernel with headers in $SUITE_OLD"
	[ -n "$k_new" ] || die "no kernel with headers in $SUITE_NEW"
	[ -n "$k_dev" ] || die "no kernel headers in $SUITE_DEV"
	log "kernel $k_old ($SUITE_OLD), $k_new ($SUITE_NEW), $k_dev ($SUITE_DEV, build only)"

	extract_other "$k_old"
	extract_other "$k_new"

	# The three chroots at once: mostly waiting on dpkg and the network.
	pids=
	for job in "$SUITE_OLD:$k_old" "$SUITE_NEW:$k_new" "$SUITE_DEV:$k_dev"; do
		chroot_ready "${job%%:*}" "${job#*:}" && continue
		chroot_job "${job%%:*}" "${job#*:}" &
		pids="$pids $!"
	done
	bad=0
	for p in $pids; do
		wait "$p" || bad=1
	done
	[ "$bad" -eq 0 ] || die "a chroot could not be prepared"

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

	# The matrix, oldest first: "RELEASE ROLE TOOLCHAIN" (kernels.sh).
	{
		echo "$k_old run $SUITE_OLD"
		for k in $kernels; do
			echo "$k run host"
		done
		echo "$k_new run $SUITE_NEW"
		echo "$k_dev build $SUITE_DEV"
	} >"$BULWARK_CACHE/kernels.txt.tmp"
	mv "$BULWARK_CACHE/kernels.txt.tmp" "$BULWARK_CACHE/kernels.txt"
	log "ready: $(awk '{ printf "%s (%s, %s) ", $1, $2, $3 }' \
		"$BULWARK_CACHE/kernels.txt")"
}

main "$@"
