#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vm-init.sh - /init of the initramfs that scripts/vm.sh boots.
#
# Runs under busybox as PID 1. It loads the 9p, virtio and overlayfs modules
# listed in /lib/modules/order, builds the guest's root filesystem and hands
# over to the repository's scripts/guest-init.sh:
#
#   /newroot      overlayfs: lower = the host's / over 9p (tag "hostroot",
#                 read-only), upper = a tmpfs, so the guest may write anywhere
#                 and nothing reaches the host;
#   /newroot/out  OUTDIR of vm.sh over 9p (tag "out"), writable.
#
# Kernel command line:
#   bulwark_init=PATH  the script to run after switch_root (required)
#   bulwark_probe      only print the KVM probe marker and power off

set -eu

/bin/busybox --install -s /bin
export PATH=/bin

# Any failure: say so on the console and power off instead of letting PID 1
# exit, which would panic the kernel.
fail() {
	echo "vm-init: error: $*" >&2
	poweroff -f
	while :; do sleep 1; done
}
trap 'fail "unexpected exit"' EXIT

mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true

guest_init=
probe=0
read -r cmdline </proc/cmdline
set -f
for arg in $cmdline; do
	case $arg in
	bulwark_init=*) guest_init=${arg#bulwark_init=} ;;
	bulwark_probe) probe=1 ;;
	esac
done
set +f

if [ "$probe" -eq 1 ]; then
	echo "BULWARK-PROBE-OK"
	trap - EXIT
	poweroff -f
fi
[ -n "$guest_init" ] || fail "no bulwark_init= on the kernel command line"

# Modules in dependency order, as resolved by modprobe on the host.
while read -r mod; do
	insmod "/lib/modules/$mod" || fail "insmod $mod failed"
done </lib/modules/order

# mount_9p TAG DIR OPTS: the virtio transport may appear a little after its
# driver loads, so retry for a few seconds.
mount_9p() {
	n=0
	until mount -t 9p -o "trans=virtio,version=9p2000.L,msize=512000,$3" \
		"$1" "$2" 2>/dev/null; do
		n=$((n + 1))
		[ "$n" -lt 50 ] || fail "cannot mount 9p share $1 on $2"
		sleep 0.1
	done
}

mkdir -p /lower /rw /newroot
mount_9p hostroot /lower ro,cache=loose
mount -t tmpfs -o mode=0755 tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay overlay \
	-o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work /newroot ||
	fail "cannot mount the overlay root"
mkdir -p /newroot/out
mount_9p out /newroot/out rw

[ -f "/newroot$guest_init" ] || fail "$guest_init not found in the guest"

umount /dev 2>/dev/null || true
umount /proc
trap - EXIT
exec switch_root /newroot /bin/sh "$guest_init"
