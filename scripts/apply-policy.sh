#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# apply-policy.sh - put bulwark's boot-time policy in force.
#
# Installed as /usr/libexec/bulwark/apply-policy and run by
# bulwark-policy.service before the container runtimes start.  In this
# order, it:
#
#  0. with BULWARK_DKMS_VERSION set, builds and installs
#     that version of bulwark with DKMS for the running kernel, from
#     /usr/src/bulwark-<version>, unless DKMS has installed it already;
#     this runs on the host: the persist rule refuses writes to the
#     host's module tree from a container;
#  1. loads the module (modprobe bulwark) unless it is loaded;
#  2. applies the kernel.bulwark.* sysctls of /etc/sysctl.d, except
#     "locked" (systemd-sysctl may have run before the module was loaded),
#     then BULWARK_MINER_MODE, BULWARK_KEYS_MODE, BULWARK_PERSIST_MODE,
#     BULWARK_ESCAPE_MODE and BULWARK_DRIFT_MODE when set;
#  3. writes keys_dirs, keys_names, persist_paths and exempt from the
#     files of the same name in /etc/bulwark/, when a file exists and has
#     at least one entry (each replaces the whole list in force);
#  4. loads every file of /etc/bulwark/blocklist.d/ with `bulwarkctl load`,
#     in name order, as one atomic replace (names starting with "." and
#     backup files, "*~" and "*.dpkg-*", are skipped);
#  5. locks bulwark when BULWARK_LOCK=yes (from /etc/default/bulwark);
#  6. writes /run/bulwark/policy-applied (the version, the time, the
#     policy_loads counter), which says that this policy is in force: the
#     Kubernetes DaemonSet's readiness check reads it.  It is removed
#     before the policy changes, so that a run that fails leaves none.
#
# A loaded module older than a rule (an upgrade not yet rebooted into) has
# no mode for it: BULWARK_PERSIST_MODE, BULWARK_ESCAPE_MODE or
# BULWARK_DRIFT_MODE is then skipped with a warning, as is
# /etc/bulwark/persist_paths without the persist rule, and the rest of the
# policy is applied.
#
# Any error stops it with a message and status 1.  A mode or BULWARK_LOCK
# that is not one of its values is an error before anything changes.  A
# locked bulwark is an error too: its policy cannot change until reboot.
#
# Environment (for tests):
#   BULWARK_CONF_DIR  configuration directory (default /etc/bulwark)
#   BULWARKCTL        the bulwarkctl to run (default: next to this script,
#                     else bulwarkctl from PATH)
#   BULWARK_LOCK      yes to lock at the end (default no)
#   BULWARK_MINER_MODE, BULWARK_KEYS_MODE, BULWARK_PERSIST_MODE,
#   BULWARK_ESCAPE_MODE, BULWARK_DRIFT_MODE
#                     off, audit or enforce (default: leave as they are)
#   BULWARK_MODPROBE  no to never load the module (default yes)
#   BULWARK_DKMS_VERSION
#                     the version to build and install with DKMS first
#                     (default: empty, none)
#   BULWARK_STATE_DIR where policy-applied goes (default /run/bulwark)

set -eu

PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
CONF=${BULWARK_CONF_DIR:-/etc/bulwark}
STATE=${BULWARK_STATE_DIR:-/run/bulwark}
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

# The rules whose modes /etc/default/bulwark sets.  miner and keys are in
# every bulwark; a module older than one of the others has no mode for it.
RULES="miner keys persist escape drift"

# mode_var RULE: the name of RULE's variable, e.g. BULWARK_ESCAPE_MODE.
mode_var() {
	printf 'BULWARK_%s_MODE' "$(printf '%s' "$1" | tr '[:lower:]' '[:upper:]')"
}

# mode_of RULE: the mode that RULE's variable asks for; empty when unset.
mode_of() {
	case $1 in
	miner) printf '%s' "${BULWARK_MINER_MODE:-}" ;;
	keys) printf '%s' "${BULWARK_KEYS_MODE:-}" ;;
	persist) printf '%s' "${BULWARK_PERSIST_MODE:-}" ;;
	escape) printf '%s' "${BULWARK_ESCAPE_MODE:-}" ;;
	drift) printf '%s' "${BULWARK_DRIFT_MODE:-}" ;;
	esac
}

# dkms_install VERSION: build and install bulwark VERSION for the running
# kernel with DKMS, from /usr/src/bulwark-VERSION, unless it is installed.
dkms_install() {
	version=$1
	kver=$(uname -r)
	src=/usr/src/bulwark-$version
	command -v dkms >/dev/null ||
		die "dkms is not installed on this host: apt install dkms linux-headers-$kver"
	[ -f "$src/dkms.conf" ] || die "$src/dkms.conf is missing: the source was not staged"
	if dkms status -m bulwark -v "$version" -k "$kver" 2>/dev/null |
		grep -q ': installed'; then
		log "bulwark $version is already installed for $kver"
		return 0
	fi
	[ -e "/lib/modules/$kver/build/Makefile" ] ||
		die "no kernel headers for $kver on this host: apt install linux-headers-$kver"
	if [ -z "$(dkms status -m bulwark -v "$version" 2>/dev/null)" ]; then
		dkms add -m bulwark -v "$version" || die "dkms add bulwark/$version failed"
	fi
	log "building bulwark $version for $kver with DKMS"
	if ! dkms build -m bulwark -v "$version" -k "$kver" ||
		! dkms install -m bulwark -v "$version" -k "$kver"; then
		die "dkms could not build or install bulwark $version for $kver (see /var/lib/dkms/bulwark/$version/build/make.log)"
	fi
}

# Settings that are not among their values change nothing.
for rule in $RULES; do
	case $(mode_of "$rule") in
	'' | off | audit | enforce) ;;
	*) die "$(mode_var "$rule") must be off, audit or enforce (or empty, to leave the mode as it is), not '$(mode_of "$rule")'" ;;
	esac
done
case ${BULWARK_LOCK:-no} in
yes | true | 1 | no | false | 0 | '') ;;
*) die "BULWARK_LOCK must be yes or no, not '$BULWARK_LOCK'" ;;
esac

# 0. The module's build.
if [ -n "${BULWARK_DKMS_VERSION:-}" ]; then
	dkms_install "$BULWARK_DKMS_VERSION"
	loaded=$(cat /sys/kernel/bulwark/version 2>/dev/null) || loaded=
	if [ -n "$loaded" ] && [ "$loaded" != "$BULWARK_DKMS_VERSION" ]; then
		log "bulwark $loaded is loaded: $BULWARK_DKMS_VERSION is installed and takes over when the module is next loaded (reboot)"
	fi
fi

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
# From here on the policy changes: until it is all in force, nothing says
# it is.  (A locked bulwark's stamp stays: its policy cannot change.)
rm -f "$STATE/policy-applied"

# 2. sysctl.d, without "locked", which must come last.
if [ -x /lib/systemd/systemd-sysctl ]; then
	/lib/systemd/systemd-sysctl \
		--prefix=kernel.bulwark.miner_mode \
		--prefix=kernel.bulwark.keys_mode \
		--prefix=kernel.bulwark.persist_mode \
		--prefix=kernel.bulwark.escape_mode \
		--prefix=kernel.bulwark.drift_mode \
		--prefix=kernel.bulwark.scope \
		--prefix=kernel.bulwark.hash_max_bytes ||
		die "systemd-sysctl could not apply the kernel.bulwark settings"
fi

for rule in $RULES; do
	mode=$(mode_of "$rule")
	[ -n "$mode" ] || continue
	case $rule in
	miner | keys) ;;
	*)
		if [ ! -e "$SYSCTL/${rule}_mode" ]; then
			log "warning: the loaded bulwark has no $rule rule: $(mode_var "$rule")=$mode is ignored until a newer module is loaded"
			continue
		fi
		;;
	esac
	ctl mode "$rule" "$mode" || die "cannot set the $rule mode"
done

# 3. The protected files and the exempt cgroups.
for name in keys_dirs keys_names persist_paths exempt; do
	f=$CONF/$name
	[ -f "$f" ] || continue
	list=$(entries "$f")
	[ -n "$list" ] || continue
	if [ "$name" = persist_paths ] && [ ! -e "$SECFS/$name" ]; then
		log "warning: the loaded bulwark has no persist rule: $f is ignored until a newer module is loaded"
		continue
	fi
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

# 6. What says so.
mkdir -p "$STATE"
{
	echo "# apply-policy (bulwark-policy.service) put the policy in force"
	echo "version=$(cat /sys/kernel/bulwark/version)"
	echo "time=$(date +%s)"
	echo "policy_loads=$(cat /sys/kernel/bulwark/counters/policy_loads)"
} >"$STATE/.policy-applied.new" || die "cannot write $STATE/.policy-applied.new"
chmod 0644 "$STATE/.policy-applied.new"
mv -f "$STATE/.policy-applied.new" "$STATE/policy-applied" ||
	die "cannot write $STATE/policy-applied"

summary=
for name in miner_mode keys_mode persist_mode escape_mode drift_mode scope locked; do
	[ ! -e "$SYSCTL/$name" ] || summary="$summary $name=$(cat "$SYSCTL/$name")"
done
log "policy in force:$summary"
