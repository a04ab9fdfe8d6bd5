#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh - run a command as root in a QEMU guest booted from a Debian kernel.
#
# Usage: scripts/vm.sh [--bench] [--mem MB] [--timeout SECS] KVER OUTDIR -- CMD...
#
# Boots $BULWARK_CACHE/kernels/KVER (extracted by scripts/deps.sh). The guest
# sees the host's / read-only at the same paths, under a tmpfs overlay, and
# OUTDIR writable at /out. CMD (joined into one shell command line) runs with
# sh in the directory vm.sh was started from. Afterwards OUTDIR holds:
#   cmd.sh       the command as run
#   console.txt  the serial console (also copied to our stdout)
#   output.txt   the command's stdout and stderr
#   status       the command's exit code
#   dmesg.txt    the guest kernel's log
#
# Options:
#   --bench         one vCPU and a deterministic instruction clock
#                   (-icount shift=0,sleep=off); TCG only
#   --mem MB        guest memory (default 2048)
#   --timeout SECS  kill the guest after SECS seconds (default 900)
#
# Environment: BULWARK_CACHE (default /var/cache/bulwark),
# BULWARK_ACCEL=tcg|kvm to skip the KVM probe.
#
# Exit status: the command's, or
#   3    the kernel logged a splat (BUG, WARNING, Oops, Call Trace, panic)
#   124  the guest ran out of time
#   125  the guest never finished the command, or vm.sh could not start it
#
# Several instances may run at once as long as their OUTDIRs differ.

set -eu

BULWARK_CACHE=${BULWARK_CACHE:-/var/cache/bulwark}
KVM_VERDICT=/tmp/bulwark-kvm-verdict

# Modules the initramfs needs, if the kernel has them as modules;
# modprobe adds their dependencies.
INITRAMFS_MODULES="virtio_pci virtio_rng 9pnet_virtio 9p overlay"

# Kernel log lines (they carry a "[ seconds.micros]" stamp) that mean
# something went wrong in the kernel.
SPLAT_RE='\[ *[0-9]+\.[0-9]+\].*(BUG:|WARNING:|Oops|Call Trace|Kernel panic|general protection fault|UBSAN:|detected stall|blocked for more than)'

log() {
	printf 'vm.sh: %s\n' "$*" >&2
}

die() {
	log "error: $*"
	exit 125
}

usage() {
	echo "usage: $0 [--bench] [--mem MB] [--timeout SECS] KVER OUTDIR -- CMD..." >&2
	exit 125
}

is_uint() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
}

# Print $1 single-quoted for sh.
shquote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# True when FILE is missing or one of the other files is newer than it.
stale() {
	target=$1
	shift
	[ -e "$target" ] || return 0
	[ -n "$(find "$@" -newer "$target" 2>/dev/null)" ]
}

# build_initramfs: (re)build the cached initramfs for $KVER: busybox, the
# modules from INITRAMFS_MODULES (decompressed, as busybox insmod wants) and
# scripts/vm-init.sh as /init.
build_initramfs() {
	dir=$BULWARK_CACHE/initramfs
	mkdir -p "$dir"
	exec 8>"$dir/$KVER.lock"
	flock 8
	if ! stale "$INITRAMFS" "$0" "$VM_INIT" "$VMLINUZ" /bin/busybox; then
		exec 8>&-
		return 0
	fi
	log "building $INITRAMFS"
	tmp=$(mktemp -d "$dir/.build.XXXXXX")
	root=$tmp/root
	mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" \
		"$root/lib/modules"
	cp /bin/busybox "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	cp "$VM_INIT" "$root/init"
	chmod 0755 "$root/init"
	mknod "$root/dev/console" c 5 1 2>/dev/null || true

	# "insmod PATH [options]" lines in load order; "builtin NAME" lines
	# need nothing. A module may be listed more than once.
	# shellcheck disable=SC2086 # the module list is split on purpose
	modprobe -a --show-depends -d "$KROOT" -S "$KVER" $INITRAMFS_MODULES \
		>"$tmp/deps"
	: >"$root/lib/modules/order"
	awk '$1 == "insmod" && !seen[$2]++ { print $2 }' "$tmp/deps" |
		while read -r ko; do
			name=$(basename "$ko")
			case $name in
			*.ko.xz) xz -dc "$ko" >"$root/lib/modules/${name%.xz}" ;;
			*.ko.gz) gzip -dc "$ko" >"$root/lib/modules/${name%.gz}" ;;
			*.ko.zst) zstd -qdc "$ko" >"$root/lib/modules/${name%.zst}" ;;
			*) cp "$ko" "$root/lib/modules/$name" ;;
			esac
			echo "${name%.ko*}.ko" >>"$root/lib/modules/order"
		done

	(cd "$root" && find . | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) | gzip -6 >"$tmp/initramfs"
	mv "$tmp/initramfs" "$INITRAMFS"
	rm -rf "$tmp"
	exec 8>&-
}

# kvm_works: boot the kernel under KVM with the initramfs in probe mode and
# wait 20 s for its marker (on some hosts KVM guests hang, or QEMU aborts).
# The verdict is cached for this host boot, keyed on its boot_id.
kvm_works() {
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		KVM_NOTE="no usable /dev/kvm"
		return 1
	fi
	boot_id=$(cat /proc/sys/kernel/random/boot_id)
	exec 7>"$KVM_VERDICT.lock"
	flock 7
	id=
	verdict=
	if [ -f "$KVM_VERDICT" ]; then
		read -r id verdict <"$KVM_VERDICT" || true
	fi
	if [ "$id" = "$boot_id" ]; then
		KVM_NOTE="KVM probe verdict cached for this host boot in $KVM_VERDICT"
	else
		log "probing KVM (up to 20 s)"
		verdict=tcg
		# shellcheck disable=SC2086 # BIOS_OPT is empty or two words
		if timeout -k 5 20 qemu-system-x86_64 -accel kvm $BIOS_OPT \
			-nodefaults -nographic -no-reboot -m 512 -smp 2 -cpu max \
			-kernel "$VMLINUZ" -initrd "$INITRAMFS" \
			-append "console=ttyS0 panic=-1 loglevel=4 bulwark_probe" \
			-serial "file:$WORK/probe.txt" -monitor none \
			</dev/null >"$WORK/probe.log" 2>&1 &&
			grep -q BULWARK-PROBE-OK "$WORK/probe.txt"; then
			verdict=kvm
		else
			log "KVM probe failed: $(grep -m 1 -i error "$WORK/probe.log" ||
				echo "no boot marker within 20 s")"
		fi
		echo "$boot_id $verdict" >"$KVM_VERDICT.tmp"
		mv "$KVM_VERDICT.tmp" "$KVM_VERDICT"
		KVM_NOTE="KVM probe just run"
	fi
	exec 7>&-
	[ "$verdict" = kvm ]
}

choose_accel() {
	if [ "$BENCH" -eq 1 ]; then
		[ "${BULWARK_ACCEL:-tcg}" = tcg ] ||
			die "--bench needs TCG (BULWARK_ACCEL=${BULWARK_ACCEL})"
		ACCEL=tcg
		ACCEL_WHY="--bench"
		return
	fi
	case ${BULWARK_ACCEL:-} in
	tcg | kvm)
		ACCEL=$BULWARK_ACCEL
		ACCEL_WHY="BULWARK_ACCEL"
		;;
	'')
		if kvm_works; then
			ACCEL=kvm
		else
			ACCEL=tcg
		fi
		ACCEL_WHY=$KVM_NOTE
		;;
	*) die "BULWARK_ACCEL must be tcg or kvm, not '$BULWARK_ACCEL'" ;;
	esac
}

# scan_splats: print kernel splats with context; true if there are any.
# The guest's full kernel log is the better source; the console is the only
# one when the guest died before saving it.
scan_splats() {
	for f in "$OUTDIR/dmesg.txt" "$OUTDIR/console.txt"; do
		[ -f "$f" ] || continue
		grep -qE "$SPLAT_RE" "$f" || continue
		log "kernel splat in $f:"
		grep -nE -B 3 -A 25 "$SPLAT_RE" "$f" | head -n 150 >&2
		return 0
	done
	return 1
}

# --- arguments -------------------------------------------------------------

BENCH=0
MEM=2048
TIMEOUT=900
while [ "$#" -gt 0 ]; do
	case $1 in
	--bench) BENCH=1 ;;
	--mem)
		if [ "$#" -lt 2 ] || ! is_uint "$2"; then usage; fi
		MEM=$2
		shift
		;;
	--timeout)
		if [ "$#" -lt 2 ] || ! is_uint "$2"; then usage; fi
		TIMEOUT=$2
		shift
		;;
	-h | --help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
	shift
done
if [ "$#" -lt 4 ] || [ "$3" != "--" ]; then usage; fi
KVER=$1
OUTDIR=$2
shift 3
CMD="$*"

SCRIPTS=$(cd "$(dirname "$0")" && pwd -P)
VM_INIT=$SCRIPTS/vm-init.sh
GUEST_INIT=$SCRIPTS/guest-init.sh
CWD=$(pwd -P)
KROOT=$BULWARK_CACHE/kernels/$KVER
VMLINUZ=$KROOT/boot/vmlinuz-$KVER
INITRAMFS=$BULWARK_CACHE/initramfs/$KVER.cpio.gz

[ -f "$VMLINUZ" ] || die "$VMLINUZ is missing; run scripts/deps.sh as root"
case $GUEST_INIT in
*[[:space:]\"]*) die "the repository path must not contain blanks: $GUEST_INIT" ;;
esac
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd -P)
# QEMU option values escape a comma by doubling it.
OUTDIR_OPT=$(printf '%s' "$OUTDIR" | sed 's/,/,,/g')

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bulwark-vm.XXXXXX")
QPID=
# shellcheck disable=SC2317 # run from the EXIT trap
cleanup() {
	[ -z "$QPID" ] || kill "$QPID" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM HUP

# --- prepare ---------------------------------------------------------------

rm -f "$OUTDIR/console.txt" "$OUTDIR/output.txt" "$OUTDIR/status" \
	"$OUTDIR/dmesg.txt" "$OUTDIR/cmd.sh" "$OUTDIR/cwd"
{
	echo "# written by scripts/vm.sh"
	echo "cd $(shquote "$CWD") || exit 125"
	printf '%s\n' "$CMD"
} >"$OUTDIR/cmd.sh"
printf '%s\n' "$CWD" >"$OUTDIR/cwd"

# qboot starts a -kernel boot faster than SeaBIOS, and prints nothing.
BIOS_OPT=
if [ -f /usr/share/qemu/qboot.rom ]; then
	BIOS_OPT="-bios qboot.rom"
fi

build_initramfs
choose_accel

if [ "$BENCH" -eq 1 ]; then
	SMP=1
	ACCEL_OPT="tcg,thread=single"
	set -- -icount shift=0,sleep=off
elif [ "$ACCEL" = tcg ]; then
	# Two vCPUs on one host thread.  With thread=multi, QEMU 7.2 sometimes
	# runs a stale translation of a fentry site that ftrace is patching
	# (text_poke_bp's int3) after the patch is complete, and the guest
	# dies with "Oops: int3" at security_*+0x5 during module load or
	# unload (4 of 5 reload_test runs on 6.12; 0 of 3 with thread=single).
	SMP=2
	ACCEL_OPT="tcg,thread=single"
	set --
else
	SMP=2
	ACCEL_OPT=kvm
	set --
fi
log "booting $KVER: accel=$ACCEL ($ACCEL_WHY), smp=$SMP, mem=${MEM}M, timeout=${TIMEOUT}s"

# --- run -------------------------------------------------------------------

start=$(date +%s)
# timeout(1) runs qemu in its own process group, so vm.sh forwards
# interrupts itself (the EXIT trap kills timeout, which kills qemu).
# shellcheck disable=SC2086 # BIOS_OPT is empty or two words
timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
	-accel "$ACCEL_OPT" $BIOS_OPT "$@" \
	-nodefaults -nographic -no-reboot -monitor none \
	-m "$MEM" -smp "$SMP" -cpu max \
	-kernel "$VMLINUZ" -initrd "$INITRAMFS" \
	-append "console=ttyS0 panic=-1 loglevel=4 bulwark_init=$GUEST_INIT bulwark_modules=$KROOT/lib/modules/$KVER" \
	-chardev "stdio,id=con,signal=off,logfile=$OUTDIR_OPT/console.txt" \
	-serial chardev:con \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$OUTDIR_OPT,mount_tag=out,security_model=none,multidevs=remap" \
	-device virtio-rng-pci \
	</dev/null &
QPID=$!
rc=0
wait "$QPID" || rc=$?
QPID=
elapsed=$(($(date +%s) - start))

# timeout(1) exits 124, or 137 when qemu needed a SIGKILL.
if [ "$rc" -eq 124 ] || { [ "$rc" -eq 137 ] && [ "$elapsed" -ge "$TIMEOUT" ]; }; then
	log "timeout: guest killed after ${TIMEOUT}s"
	scan_splats || true
	exit 124
fi
[ "$rc" -eq 0 ] || log "qemu exited with status $rc"
log "guest ran for ${elapsed}s"

if scan_splats; then
	exit 3
fi
if [ ! -s "$OUTDIR/status" ]; then
	log "no $OUTDIR/status: the guest never finished the command"
	exit 125
fi
status=$(cat "$OUTDIR/status")
is_uint "$status" || die "bad status in $OUTDIR/status: $status"
log "command exited with status $status"
exit "$status"
