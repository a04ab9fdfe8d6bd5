#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# apply-policy.sh - put bulwark's boot-time policy in force.
#
# Installed as /usr/libexec/bulwark/apply-policy and run by
# bulwark-policy.service before the container runtimes start (and by the
# Kubernetes DaemonSet on each node).  In this order, it:
#
#  1. loads the module (modprobe bulwark) unless it is loaded;
#  2. applies the kernel.bulwark.* sysctls of /etc/sysctl.d, except
#     "locked" (systemd-sysctl may have run before the module was loaded),
#     then BULWARK_MINER_MODE and BULWARK_KEYS_MODE when set;
#  3. writes keys_dirs, keys_names and exempt from the files of the same
#     name in /etc/bulwark/, when a file has at least one entry;
#  4. loads every file of /etc/bulwark/blocklist.d/ with `bulwarkctl load`,
#     in name order, as one atomic replace (names starting with "." and
#     backup files, "*~" and "*.dpkg-*", are skipped);
#  5. locks bulwark when BULWARK_LOCK=yes (from /etc/default/bulwark).
#
# Any error stops it with a message and status 1.  A locked bulwark is an
# error too: its policy cannot change until reboot.
#
# Environment (for tests and the DaemonSet):
#   BULWARK_CONF_DIR  configuration directory (default /etc/bulwark)
#   BULWARKCTL        the bulwarkctl to run (default: next to this script,
#                     else bulwarkctl from PATH)
#   BULWARK_LOCK      yes to lock at the end (default no)
#   BULWARK_MINER_MODE, BULWARK_KEYS_MODE
#                     off, audit or enforce (default: leave as they are)
#   BULWARK_MODPROBE  no to never load the module (default yes)

set -eu

PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
CONF=${BULWARK_CONF_DIR:-/etc/bulwark}
SECFS=/sys/kernel/security/bulwark
SYSCTL=/proc/sys/kernel/bulwark
here=$(cd "$(dirname "$0")" && pwd)

log() {
	printf 'bulwark-policy: %s\n' "$*"
}

die() {
	printf 'bulwark-policy: error: %s\n' "$*" >&2
	exit 1
}

if [ -n "${BULWARKCTL:-}" ]; then
	CTL=$BULWARKCTL
elif [ -f "$here/bulwarkctl" ]; then
	CTL=$here/bulwarkctl
else
	CTL=$(command -v bulwarkctl) || die "bulwarkctl not found"
fi

ctl() {
	sh "$CTL" "$@"
}

# entries FILE: FILE's lines without comments and blank lines.
entries() {
	sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^#/d' -e '/^$/d' "$1"
}

# 1. The module.
if [ ! -d /sys/module/bulwark ]; then
	[ "${BULWARK_MODPROBE:-yes}" != no ] || die "the bulwark module is not loaded"
	log "loading the bulwark module"
	modprobe bulwark || die "modprobe bulwark failed (see: dmesg | grep bulwark)"
fi
if [ ! -d "$SECFS" ] && ! grep -qs ' securityfs ' /proc/mounts; then
	mount -t securityfs securityfs /sys/kernel/security ||
		die "cannot mount securityfs on /sys/kernel/security"
fi
[ -d "$SECFS" ] || die "$SECFS is missing"
if [ "$(cat "$SYSCTL/locked")" != 0 ]; then
	die "bulwark is locked: the policy in force stays until reboot"
fi

# 2. sysctl.d, without "locked", which must come last.
if [ -x /lib/systemd/systemd-sysctl ]; then
	/lib/systemd/systemd-sysctl \
		--prefix=kernel.bulwark.miner_mode \
		--prefix=kernel.bulwark.keys_mode \
		--prefix=kernel.bulwark.scope \
		--prefix=kernel.bulwark.hash_max_bytes ||
		die "systemd-sysctl could not apply the kernel.bulwark settings"
fi

if [ -n "${BULWARK_MINER_MODE:-}" ]; then
	ctl mode miner "$BULWARK_MINER_MODE" || die "cannot set the miner mode"
fi
if [ -n "${BULWARK_KEYS_MODE:-}" ]; then
	ctl mode keys "$BULWARK_KEYS_MODE" || die "cannot set the keys mode"
fi

# 3. Host keys settings.
for name in keys_dirs keys_names exempt; do
	f=$CONF/$name
	[ -f "$f" ] || continue
	list=$(entries "$f")
	[ -n "$list" ] || continue
	[ -e "$SECFS/$name" ] || die "$SECFS/$name is missing: this bulwark has no $name"
	if ! (printf '%s\n' "$list" >"$SECFS/$name") 2>/dev/null; then
		die "the kernel refused $f (see: dmesg | grep bulwark)"
	fi
	log "$name: $(printf '%s\n' "$list" | wc -l | tr -d ' ') entries from $f"
done

# 4. The blocklist.
set --
if [ -d "$CONF/blocklist.d" ]; then
	for f in "$CONF"/blocklist.d/*; do
		[ -f "$f" ] || continue
		case ${f##*/} in
		.* | *~ | *.dpkg-* | *.ucf-*) continue ;;
		esac
		set -- "$@" "$f"
	done
fi
if [ "$#" -gt 0 ]; then
	ctl load "$@" || die "the blocklist was not loaded; the list in force stays"
else
	log "no files in $CONF/blocklist.d: the blocklist is left as it is"
fi

# 5. The lock.
case ${BULWARK_LOCK:-no} in
yes | true | 1) ctl lock ;;
no | false | 0 | '') ;;
*) die "BULWARK_LOCK must be yes or no, not '$BULWARK_LOCK'" ;;
esac

log "policy in force: miner_mode=$(cat "$SYSCTL/miner_mode") keys_mode=$(cat "$SYSCTL/keys_mode") scope=$(cat "$SYSCTL/scope") locked=$(cat "$SYSCTL/locked")"
