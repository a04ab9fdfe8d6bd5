#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mkdeb.sh - build the bulwark-dkms Debian package with dpkg-deb.
#
# Usage: scripts/mkdeb.sh [OUTDIR]      (make deb; OUTDIR defaults to build/deb)
#
# Prints the path of OUTDIR/bulwark-dkms_<version>-1_all.deb.  Install it
# with `apt install ./bulwark-dkms_<version>-1_all.deb`: its postinst
# registers the source with DKMS and builds and installs the module for
# every kernel whose headers are installed (dkms signs it with the MOK key
# it is configured with, see Documentation/install.rst).  The package holds:
#
#   /usr/src/bulwark-<version>/         the DKMS source tree
#   /usr/sbin/bulwarkctl
#   /usr/libexec/bulwark/               apply-policy, metrics-textfile
#   /lib/systemd/system/                bulwark-policy.service,
#                                       bulwark-metrics.{service,timer}
#   /etc/bulwark/, /etc/default/bulwark configuration (conffiles)
#   /usr/share/doc/bulwark-dkms/        README, Documentation, examples
#                                       (modprobe.d, sysctl.d,
#                                       modules-load.d, kubernetes)

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/deb}
NAME=bulwark
PKG=bulwark-dkms

umask 022
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mkdeb.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root

version=$(sh "$top/scripts/dkms-src.sh" "$root/usr/src/$NAME-0") || exit 1
mv "$root/usr/src/$NAME-0" "$root/usr/src/$NAME-$version"
debversion=$version-1
deb=$out/${PKG}_${debversion}_all.deb

# inst MODE SRC DEST: install SRC as DEST (a path inside the package).
inst() {
	mkdir -p "$(dirname "$root$3")"
	cp "$top/$2" "$root$3"
	chmod "$1" "$root$3"
}

inst 0755 scripts/bulwarkctl /usr/sbin/bulwarkctl
inst 0755 scripts/apply-policy.sh /usr/libexec/$NAME/apply-policy
inst 0755 scripts/metrics-textfile.sh /usr/libexec/$NAME/metrics-textfile
for unit in bulwark-policy.service bulwark-metrics.service bulwark-metrics.timer; do
	inst 0644 "deploy/systemd/$unit" "/lib/systemd/system/$unit"
done
conffiles="/etc/default/bulwark /etc/bulwark/keys_dirs /etc/bulwark/keys_names
/etc/bulwark/persist_paths /etc/bulwark/exempt /etc/bulwark/blocklist.d/local.list"
for f in $conffiles; do
	inst 0644 "deploy${f}" "$f"
done

doc=/usr/share/doc/$PKG
inst 0644 README.md "$doc/README.md"
for f in "$top"/Documentation/*; do
	[ -f "$f" ] || continue
	inst 0644 "Documentation/${f##*/}" "$doc/Documentation/${f##*/}"
done
inst 0644 deploy/etc/modprobe.d/bulwark.conf "$doc/examples/modprobe.d/bulwark.conf"
inst 0644 deploy/etc/sysctl.d/90-bulwark.conf "$doc/examples/sysctl.d/90-bulwark.conf"
inst 0644 deploy/etc/modules-load.d/bulwark.conf "$doc/examples/modules-load.d/bulwark.conf"
for f in "$top"/deploy/kubernetes/*; do
	[ -f "$f" ] || continue
	inst 0644 "deploy/kubernetes/${f##*/}" "$doc/examples/kubernetes/${f##*/}"
done
cat >"$root$doc/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: bulwark

Files: *
License: GPL-2.0-only
 On Debian systems, the full text of the GNU General Public License
 version 2 can be found in /usr/share/common-licenses/GPL-2.
EOF

# --- control files -------------------------------------------------------------

mkdir -p "$root/DEBIAN"
size=$(du -sk "$root" | cut -f 1)
cat >"$root/DEBIAN/control" <<EOF
Package: $PKG
Version: $debversion
Architecture: all
Maintainer: bulwark maintainers <bulwark@localhost>
Depends: dkms (>= 2.8), kmod
Suggests: prometheus-node-exporter, auditd, mokutil
Section: kernel
Priority: optional
Installed-Size: $size
Description: container host hardening kernel module (DKMS source)
 bulwark is a loadable Linux kernel module for container hosts. For
 processes in containers it refuses to execute files whose SHA-256 is on a
 blocklist (cryptominers), and refuses changes to the host's
 authorized_keys (SSH backdoors through a mounted host root).
 .
 This package builds the module with DKMS for every kernel whose headers
 are installed, and ships bulwarkctl, the boot-time policy service and a
 metrics timer for node_exporter's textfile collector.
EOF
# shellcheck disable=SC2086 # one path per word
printf '%s\n' $conffiles >"$root/DEBIAN/conffiles"

cat >"$root/DEBIAN/postinst" <<EOF
#!/bin/sh
# postinst of $PKG: register the source with DKMS, build and install the
# module for every kernel that has headers, enable the units.
set -e

NAME=$NAME
VERSION=$version
UNITS="bulwark-policy.service bulwark-metrics.timer"

if [ "\$1" = configure ]; then
	if [ -z "\$(dkms status -m \$NAME -v \$VERSION 2>/dev/null)" ]; then
		dkms add -m \$NAME -v \$VERSION
	fi
	headers=0
	for kdir in /lib/modules/*/build; do
		[ -e "\$kdir/Makefile" ] || continue
		headers=1
		kver=\${kdir%/build}
		kver=\${kver##*/}
		if ! dkms install -m \$NAME -v \$VERSION -k "\$kver"; then
			echo "$PKG: could not build bulwark for \$kver; see /var/lib/dkms/\$NAME/\$VERSION/build/make.log" >&2
		fi
	done
	if [ "\$headers" -eq 0 ]; then
		echo "$PKG: bulwark was not built: no kernel headers found." >&2
		echo "$PKG: install linux-headers-\$(uname -r), then run: dkms autoinstall" >&2
	fi

	for unit in \$UNITS; do
		deb-systemd-helper unmask "\$unit" >/dev/null || true
		# was-enabled defaults to true, so new installations run enable.
		if deb-systemd-helper --quiet was-enabled "\$unit"; then
			deb-systemd-helper enable "\$unit" >/dev/null || true
		else
			deb-systemd-helper update-state "\$unit" >/dev/null || true
		fi
	done
	if [ -d /run/systemd/system ]; then
		systemctl --system daemon-reload >/dev/null || true
	fi
	echo "$PKG: the policy is applied at boot; to load bulwark now: systemctl start bulwark-policy.service"
fi
exit 0
EOF

cat >"$root/DEBIAN/prerm" <<EOF
#!/bin/sh
# prerm of $PKG: remove the module from DKMS (every kernel).  A loaded
# bulwark stays loaded until reboot or rmmod.
set -e

NAME=$NAME
VERSION=$version

case "\$1" in
remove | upgrade | deconfigure)
	if [ -d /run/systemd/system ]; then
		deb-systemd-invoke stop bulwark-metrics.timer >/dev/null || true
	fi
	if [ -n "\$(dkms status -m \$NAME -v \$VERSION 2>/dev/null)" ]; then
		dkms remove -m \$NAME -v \$VERSION --all || true
	fi
	;;
esac
exit 0
EOF

cat >"$root/DEBIAN/postrm" <<EOF
#!/bin/sh
# postrm of $PKG: forget the units; on purge, also their state and the
# metrics file.
set -e

UNITS="bulwark-policy.service bulwark-metrics.service bulwark-metrics.timer"

if [ -d /run/systemd/system ]; then
	systemctl --system daemon-reload >/dev/null || true
fi
case "\$1" in
remove)
	rm -f /var/lib/prometheus/node-exporter/bulwark.prom
	for unit in \$UNITS; do
		deb-systemd-helper mask "\$unit" >/dev/null || true
	done
	;;
purge)
	for unit in \$UNITS; do
		deb-systemd-helper purge "\$unit" >/dev/null || true
		deb-systemd-helper unmask "\$unit" >/dev/null || true
	done
	;;
esac
exit 0
EOF
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"

dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
