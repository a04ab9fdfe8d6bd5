#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ops_lock_test.sh - the boot-time policy and `bulwarkctl lock`, as root in
# a throw-away test VM: it leaves bulwark locked until reboot, so
# scripts/ops-test.sh boots a VM for it alone.
#
# Usage, from the repository's root, with bulwark NOT loaded:
#   sh selftests/ops_lock_test.sh KO_PATH > /out/ops_lock_test.tap
#
# Installs KO_PATH where modprobe finds it, with a modprobe.d and a
# sysctl.d file, runs scripts/apply-policy.sh (the bulwark-policy.service
# program) with a configuration directory, then checks what is in force and
# that every change now fails.  Prints TAP; exits non-zero on failure.

set -eu

PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
top=$(cd "$(dirname "$0")/.." && pwd)
CTL=$top/scripts/bulwarkctl
KO=${1:?usage: ops_lock_test.sh KO_PATH}
SYSCTL=/proc/sys/kernel/bulwark
SECFS=/sys/kernel/security/bulwark
KVER=$(uname -r)

n=0
failed=0
W=$(mktemp -d /tmp/ops_lock_test.XXXXXX)

check() {
	name=$1
	shift
	n=$((n + 1))
	t0=$(date +%s)
	if "$@" >"$W/diag" 2>&1; then
		echo "ok $n - $name"
		echo "# $(($(date +%s) - t0)) s"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name"
		sed 's/^/# /' "$W/diag" | tail -n 30
	fi
}

ctl() {
	sh "$CTL" "$@" >"$W/out" 2>"$W/err"
}

show() {
	echo "stdout:"
	cat "$W/out"
	echo "stderr:"
	cat "$W/err"
}

hex64() {
	printf '%064x' "$1"
}

knob_is() {
	v=$(cat "$SYSCTL/$1")
	[ "$v" = "$2" ] || {
		echo "$1 is $v, expected $2"
		return 1
	}
}

# --- the boot-time policy --------------------------------------------------------

setup() {
	# modprobe must find the module, with our options.
	mkdir -p "/lib/modules/$KVER/updates"
	cp "$KO" "/lib/modules/$KVER/updates/bulwark.ko"
	# Only this module: a full depmod reads every module over 9p.
	depmod "$KVER" "/lib/modules/$KVER/updates/bulwark.ko"
	mkdir -p /etc/modprobe.d /etc/sysctl.d
	echo "options bulwark hash_max_bytes=1000000 scope=2" \
		>/etc/modprobe.d/bulwark.conf
	# "locked" must not be applied before the policy is loaded.
	printf '%s\n' "kernel.bulwark.miner_mode = 1" "kernel.bulwark.escape_mode = 1" \
		"kernel.bulwark.locked = 1" >/etc/sysctl.d/90-bulwark.conf

	conf=$W/etc
	mkdir -p "$conf/blocklist.d" /srv/keys
	printf '%s xmrig\n' "$(hex64 1)" >"$conf/blocklist.d/10-local.list"
	{
		echo '# "first_seen_utc","sha256_hash","md5_hash","file_name","signature"'
		printf '"2025-01-01 00:00:00", "%s", "x", "kinsing", "Kinsing"\n' \
			"$(hex64 2)"
	} >"$conf/blocklist.d/20-bazaar.csv"
	printf '%s old\n' "$(hex64 3)" >"$conf/blocklist.d/10-local.list~"
	printf '%s hidden\n' "$(hex64 4)" >"$conf/blocklist.d/.hidden"
	printf '# protected\n/root\n/srv/keys\n' >"$conf/keys_dirs"
	printf '# only comments: the default stays\n' >"$conf/keys_names"
	printf '# kept\n/bulwark-lock/kept\n' >"$conf/exempt"
}

t_apply_policy() {
	[ ! -d /sys/module/bulwark ] || { echo "bulwark is already loaded"; return 1; }
	setup || return 1
	BULWARK_CONF_DIR=$W/etc BULWARKCTL=$CTL BULWARK_LOCK=yes \
		BULWARK_KEYS_MODE=audit BULWARK_PERSIST_MODE=off \
		sh "$top/scripts/apply-policy.sh"
}

t_loaded_with_options() {
	[ -d /sys/module/bulwark ] || { echo "not loaded"; return 1; }
	knob_is hash_max_bytes 1000000 && knob_is scope 2
}

t_sysctl_d() {
	knob_is miner_mode 1 && knob_is escape_mode 1
}

t_env_mode() {
	knob_is keys_mode 1 && knob_is persist_mode 0
}

t_blocklist() {
	printf '%s xmrig\n%s Kinsing\n' "$(hex64 1)" "$(hex64 2)" | sort >"$W/want"
	sort "$SECFS/blocklist" >"$W/now"
	diff "$W/want" "$W/now"
}

t_keys_settings() {
	grep -qx /srv/keys "$SECFS/keys_dirs" || {
		echo "keys_dirs:"
		cat "$SECFS/keys_dirs"
		return 1
	}
	grep -qx authorized_keys "$SECFS/keys_names" || {
		echo "keys_names:"
		cat "$SECFS/keys_names"
		return 1
	}
}

t_exempt_file() {
	[ "$(cat "$SECFS/exempt")" = /bulwark-lock/kept ] || {
		echo "exempt:"
		cat "$SECFS/exempt"
		return 1
	}
}

t_locked() {
	knob_is locked 1
}

# --- bulwarkctl once locked ---------------------------------------------------------

t_lock_again() {
	ctl lock || { show; return 1; }
	grep -q "already locked" "$W/out" || { show; return 1; }
}

t_changes_refused() {
	cp "$SECFS/blocklist" "$W/before"
	for args in "add $(hex64 9)" "load $W/etc/blocklist.d/10-local.list" \
		"mode miner enforce" "mode keys off" "mode escape enforce"; do
		rc=0
		# shellcheck disable=SC2086 # the arguments are split on purpose
		ctl $args || rc=$?
		if [ "$rc" -ne 1 ] || ! grep -q "bulwark is locked" "$W/err"; then
			echo "bulwarkctl $args: status $rc"
			show
			return 1
		fi
	done
	cmp "$W/before" "$SECFS/blocklist" && knob_is miner_mode 1 &&
		knob_is keys_mode 1 && knob_is escape_mode 1
}

t_exempt_refused() {
	for args in "add /bulwark-lock/new" "del /bulwark-lock/kept"; do
		rc=0
		# shellcheck disable=SC2086 # the arguments are split on purpose
		ctl exempt $args || rc=$?
		if [ "$rc" -ne 1 ] || ! grep -q "bulwark is locked" "$W/err"; then
			echo "bulwarkctl exempt $args: status $rc"
			show
			return 1
		fi
	done
	# What is on the list already needs no write: a success.
	ctl exempt add /bulwark-lock/kept || { show; return 1; }
	t_exempt_file
}

t_status_locked() {
	ctl status || { show; return 1; }
	grep -q 'locked *yes' "$W/out" || { show; return 1; }
}

t_metrics_locked() {
	sh "$top/scripts/metrics-textfile.sh" "$W/tf/bulwark.prom" || return 1
	grep -qx 'bulwark_locked 1' "$W/tf/bulwark.prom" || return 1
	promtool check metrics <"$W/tf/bulwark.prom"
}

t_no_unload() {
	if rmmod bulwark 2>"$W/err"; then
		echo "rmmod succeeded on a locked bulwark"
		return 1
	fi
	# Nor by force (O_TRUNC): bulwark refuses it with EPERM.
	if rmmod -f bulwark 2>"$W/err"; then
		echo "rmmod -f succeeded on a locked bulwark"
		return 1
	fi
	grep -q 'Operation not permitted' "$W/err" || {
		echo "rmmod -f failed, but not with EPERM:"
		cat "$W/err"
		return 1
	}
	[ -d /sys/module/bulwark ]
}

t_apply_refused() {
	rc=0
	BULWARK_CONF_DIR=$W/etc BULWARKCTL=$CTL sh "$top/scripts/apply-policy.sh" \
		>"$W/out" 2>"$W/err" || rc=$?
	if [ "$rc" -eq 0 ] || ! grep -q "locked" "$W/err"; then
		echo "apply-policy: status $rc"
		show
		return 1
	fi
}

[ "$(id -u)" -eq 0 ] || { echo "ops_lock_test.sh: must run as root" >&2; exit 1; }
[ -r "$KO" ] || { echo "ops_lock_test.sh: cannot read $KO" >&2; exit 1; }

check "apply-policy: modprobe, sysctl.d, keys and exempt files, blocklist.d, lock" t_apply_policy
check "module loaded with the modprobe.d options" t_loaded_with_options
check "sysctl.d applied after the load, escape_mode included" t_sysctl_d
check "BULWARK_KEYS_MODE and BULWARK_PERSIST_MODE applied" t_env_mode
check "blocklist.d: every file in one list, backups and dot files skipped" t_blocklist
check "keys_dirs from the file; a file of comments leaves the default" t_keys_settings
check "exempt from the file" t_exempt_file
check "locked last, not by sysctl.d before the policy" t_locked
check "lock: again is a no-op that says so" t_lock_again
check "locked: add, load, mode fail and say bulwark is locked" t_changes_refused
check "locked: exempt add and del fail and say so; adding what is there succeeds" \
	t_exempt_refused
check "status shows locked" t_status_locked
check "metrics-textfile: bulwark_locked 1, promtool accepts the file" t_metrics_locked
check "locked: the module cannot be unloaded, not even by force" t_no_unload
check "apply-policy on a locked bulwark fails and says why" t_apply_refused

echo "1..$n"
rm -rf "$W"
[ "$failed" -eq 0 ]
