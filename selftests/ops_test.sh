#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ops_test.sh - operations tests, run as root in the test VM: every
# bulwarkctl subcommand and its errors (exempt against fake container
# cgroups made here), the metrics (checked with promtool), the Kubernetes
# node script, and the audit trail of a denial (written by auditd).
#
# Usage, from the repository's root, with bulwark loaded:
#   sh selftests/ops_test.sh [KO_PATH] > /out/ops_test.tap
#
# Prints TAP ("ok N - name", "not ok N - name", then "1..N") and exits
# non-zero if a test failed.  KO_PATH (default: $BULWARK_KO) is needed to
# load the module again after the "module not loaded" tests.  Settings, the
# blocklist and the exempt list are put back as they were found; `lock` is not run here,
# since it lasts until reboot (scripts/ops-test.sh tests it in a VM of its
# own).

set -eu

PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
top=$(cd "$(dirname "$0")/.." && pwd)
CTL=$top/scripts/bulwarkctl
KO=${1:-${BULWARK_KO:-}}
SYSCTL=/proc/sys/kernel/bulwark
COUNTERS=/sys/kernel/bulwark/counters
BLOCKLIST=/sys/kernel/security/bulwark/blocklist
EXEMPT=/sys/kernel/security/bulwark/exempt
AUDIT_LOG=/var/log/audit/audit.log
NOBODY=65534

n=0
failed=0
W=$(mktemp -d /tmp/ops_test.XXXXXX)
chmod 0755 "$W"
auditd_pid=

# shellcheck disable=SC2317 # run from the EXIT trap
cleanup() {
	restore || true
	remove_containers
	if [ -n "$auditd_pid" ]; then
		kill "$auditd_pid" 2>/dev/null || true
	fi
	rm -rf "$W"
}
trap cleanup EXIT

# --- TAP ---------------------------------------------------------------------

# check NAME FUNCTION [ARGS...]: one test; the function's output is shown
# as diagnostics when it fails.
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

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# --- helpers -------------------------------------------------------------------

# ctl ARGS...: run bulwarkctl as root; output in $W/out, $W/err.
ctl() {
	sh "$CTL" "$@" >"$W/out" 2>"$W/err"
}

# as_nobody ARGS...: run bulwarkctl as an unprivileged user.
as_nobody() {
	setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups -- \
		sh "$CTL" "$@" >"$W/out" 2>"$W/err"
}

# contained ARGS...: run bulwarkctl as root in a new pid namespace, which
# bulwark treats as contained (scope 1).
contained() {
	unshare -p -f --mount-proc sh "$CTL" "$@" >"$W/out" 2>"$W/err"
}

show() {
	echo "stdout:"
	cat "$W/out"
	echo "stderr:"
	cat "$W/err"
}

# expect_ok: the last command succeeded (status in $1).
expect_ok() {
	[ "$1" -eq 0 ] && return 0
	echo "exit status $1, expected 0"
	show
	return 1
}

# expect_fail STATUS PATTERN: the last command failed, and said PATTERN.
expect_fail() {
	if [ "$1" -eq 0 ]; then
		echo "exit status 0, expected an error"
		show
		return 1
	fi
	if ! grep -qi -- "$2" "$W/err"; then
		echo "exit status $1, but no message matching '$2'"
		show
		return 1
	fi
}

knob() {
	cat "$SYSCTL/$1"
}

counter() {
	cat "$COUNTERS/$1"
}

hex64() {
	printf '%064x' "$1"
}

# same_list FILE: the blocklist in force holds FILE's lines (the kernel
# may return them in another order).
same_list() {
	LC_ALL=C sort "$BLOCKLIST" >"$W/now"
	LC_ALL=C sort "$1" >"$W/want.sorted"
	if ! cmp -s "$W/want.sorted" "$W/now"; then
		echo "blocklist differs from the expected one:"
		diff "$W/want.sorted" "$W/now" | head -n 20
		return 1
	fi
}

set_list() {
	cat "$1" >"$BLOCKLIST"
}

# --- state to restore ------------------------------------------------------------

# The settings the tests change; a rule the module lacks has no mode.
SAVED_KNOBS="miner_mode keys_mode persist_mode escape_mode drift_mode scope"

save() {
	for k in $SAVED_KNOBS; do
		[ ! -e "$SYSCTL/$k" ] || knob "$k" >"$W/saved.$k"
	done
	cat "$BLOCKLIST" >"$W/saved.blocklist"
	cat "$EXEMPT" >"$W/saved.exempt"
}

# put_back: the saved settings and lists.
put_back() {
	for k in $SAVED_KNOBS; do
		[ ! -f "$W/saved.$k" ] || cat "$W/saved.$k" >"$SYSCTL/$k"
	done
	[ ! -f "$W/saved.blocklist" ] || set_list "$W/saved.blocklist"
	[ ! -f "$W/saved.exempt" ] || cat "$W/saved.exempt" >"$EXEMPT"
}

restore() {
	[ -d /sys/module/bulwark ] || return 0
	[ "$(knob locked)" = 0 ] || return 0
	put_back
	return 0
}

# --- tests: status, mode ------------------------------------------------------------

t_status() {
	ctl status
	expect_ok $? || return 1
	version=$(cat /sys/kernel/bulwark/version)
	for want in "bulwark $version" "miner_mode" "keys_mode" "scope" \
		"hash_max_bytes *$(knob hash_max_bytes)\$" "locked *no" \
		"blocklist *$(counter blocklist_entries) entr" \
		"exec_blocked *$(counter exec_blocked)\$" "policy_loads" \
		"exempt *$(grep -c . "$EXEMPT") entr"; do
		grep -q "$want" "$W/out" || {
			echo "status lacks '$want'"
			show
			return 1
		}
	done
}

t_status_nobody() {
	as_nobody status
	expect_ok $? || return 1
	grep -q "miner_mode" "$W/out"
}

t_mode() {
	for rule in miner keys; do
		for m in off:0 audit:1 enforce:2; do
			ctl mode "$rule" "${m%:*}"
			expect_ok $? || return 1
			v=$(knob "${rule}_mode")
			[ "$v" = "${m#*:}" ] || {
				echo "mode $rule ${m%:*}: ${rule}_mode is $v"
				return 1
			}
		done
	done
	ctl mode miner audit && ctl status || return 1
	grep -q 'miner_mode *audit' "$W/out" || {
		echo "status does not show miner_mode audit"
		show
		return 1
	}
	ctl mode miner enforce
}

t_mode_errors() {
	before=$(knob miner_mode)
	rc=0
	ctl mode miner block || rc=$?
	[ "$rc" -eq 2 ] || { echo "status $rc, expected 2"; show; return 1; }
	grep -q "unknown mode" "$W/err" || { show; return 1; }
	rc=0
	ctl mode cpu audit || rc=$?
	[ "$rc" -eq 2 ] || { echo "status $rc, expected 2"; show; return 1; }
	grep -q "unknown rule" "$W/err" || { show; return 1; }
	rc=0
	ctl mode miner || rc=$?
	[ "$rc" -eq 2 ] || { echo "status $rc, expected 2"; return 1; }
	rc=0
	ctl frobnicate || rc=$?
	[ "$rc" -eq 2 ] || { echo "status $rc, expected 2"; return 1; }
	[ "$(knob miner_mode)" = "$before" ]
}

# --- tests: add ---------------------------------------------------------------------

t_add() {
	: >"$W/empty"
	set_list "$W/empty"
	upper=$(hex64 171 | tr a-f A-F)
	ctl add "$upper" "xmrig 6.21"
	expect_ok $? || return 1
	ctl add "$(hex64 172)"
	expect_ok $? || return 1
	printf '%s xmrig 6.21\n%s\n' "$(hex64 171)" "$(hex64 172)" >"$W/want"
	same_list "$W/want" || return 1
	[ "$(counter blocklist_entries)" = 2 ]
}

t_add_bad_hex() {
	cat "$BLOCKLIST" >"$W/before"
	rc=0
	ctl add 1234abcd || rc=$?
	expect_fail "$rc" "64 hex digits" || return 1
	rc=0
	ctl add "$(hex64 1 | sed 's/^0/g/')" || rc=$?
	expect_fail "$rc" "64 hex digits" || return 1
	rc=0
	ctl add "$(hex64 1)0" || rc=$?
	expect_fail "$rc" "64 hex digits" || return 1
	rc=0
	ctl add || rc=$?
	[ "$rc" -eq 2 ] || { echo "add without HEX: status $rc"; return 1; }
	same_list "$W/before"
}

t_add_label_cleaned() {
	: >"$W/empty"
	set_list "$W/empty"
	long=$(printf 'x%.0s' $(seq 1 80))
	ctl add "$(hex64 5)" "$(printf 'bad\001\033label\ttab')"
	expect_ok $? || return 1
	ctl add "$(hex64 6)" "$long"
	expect_ok $? || return 1
	printf '%s badlabel tab\n%s %s\n' "$(hex64 5)" "$(hex64 6)" \
		"$(printf 'x%.0s' $(seq 1 63))" >"$W/want"
	same_list "$W/want"
}

# --- tests: load ------------------------------------------------------------------------

make_inputs() {
	# A plain list, with comments and blank lines.
	{
		echo "# miners seen on our nodes"
		echo
		printf '%s xmrig\n' "$(hex64 1)"
		printf '%s\n' "$(hex64 2 | tr a-f A-F)"
		printf '  %s   kinsing  dropper  \n' "$(hex64 3)"
	} >"$W/plain.txt"
	printf '%s xmrig\n%s\n%s kinsing  dropper\n' \
		"$(hex64 1)" "$(hex64 2)" "$(hex64 3)" >"$W/plain.want"

	# sha256sum output, with a binary-mode line and an escaped name.
	mkdir -p "$W/samples"
	printf 'one' >"$W/samples/xmrig-6.21"
	printf 'two' >"$W/samples/kdevtmpfsi"
	(cd "$W/samples" && sha256sum xmrig-6.21 &&
		sha256sum -b "$W/samples/kdevtmpfsi") >"$W/sums.txt"
	printf '\\%s  /opt/odd\\\\name\n' "$(hex64 4)" >>"$W/sums.txt"
	{
		printf '%s xmrig-6.21\n' "$(printf one | sha256sum | cut -d ' ' -f 1)"
		printf '%s kdevtmpfsi\n' "$(printf two | sha256sum | cut -d ' ' -f 1)"
		printf '%s odd\\name\n' "$(hex64 4)"
	} >"$W/sums.want"

	# A MalwareBazaar CSV export: header in a comment, ", " separators,
	# quoted fields with commas and quotes, n/a for no signature.
	cat >"$W/bazaar.csv" <<EOF
################################################################
# MalwareBazaar Recent Malware Samples (CSV)                   #
# Last updated: 2025-01-01 12:00:00 UTC                        #
################################################################
#
# "first_seen_utc","sha256_hash","md5_hash","sha1_hash","reporter","file_name","file_type_guess","mime_type","signature","clamav","vtpercent","imphash","ssdeep","tlsh"
"2025-01-01 11:59:40", "$(hex64 10 | tr a-f A-F)", "46de", "cde1", "abuse_ch", "kinsing", "elf", "application/x-executable", "Kinsing", "n/a", "n/a", "n/a", "384:x", "T1"
"2025-01-01 11:58:02", "$(hex64 11)", "1486", "fa67", "abuse_ch", "x86_64.nn", "elf", "application/x-executable", "n/a", "n/a", "n/a", "n/a", "12288:x", "T1"
"2025-01-01 11:57:00", "$(hex64 12)", "1486", "fa67", "abuse_ch", "a.sh", "sh", "text/x-shellscript", "XMRig ""v6"", miner", "n/a", "n/a", "n/a", "12:x", "T1"
EOF
	printf '%s Kinsing\n%s x86_64.nn\n%s XMRig "v6", miner\n' \
		"$(hex64 10)" "$(hex64 11)" "$(hex64 12)" >"$W/bazaar.want"
}

# t_load_one FILE: load FILE alone; the list is exactly FILE's .want.
t_load_one() {
	ctl load "$W/$1"
	expect_ok $? || return 1
	same_list "$W/${1%.*}.want" || return 1
	[ "$(counter blocklist_entries)" = "$(wc -l <"$W/${1%.*}.want")" ]
}

t_load_many_atomic() {
	loads=$(counter policy_loads)
	ctl load "$W/plain.txt" "$W/sums.txt" "$W/bazaar.csv"
	expect_ok $? || return 1
	cat "$W/plain.want" "$W/sums.want" "$W/bazaar.want" >"$W/want"
	same_list "$W/want" || return 1
	now=$(counter policy_loads)
	[ "$now" -eq $((loads + 1)) ] || {
		echo "policy_loads went from $loads to $now: not one write session"
		return 1
	}
}

t_load_replaces() {
	ctl load "$W/plain.txt" || { show; return 1; }
	ctl load "$W/bazaar.csv" || { show; return 1; }
	same_list "$W/bazaar.want"
}

t_load_stdin() {
	sh "$CTL" load - <"$W/plain.txt" >"$W/out" 2>"$W/err"
	expect_ok $? || return 1
	same_list "$W/plain.want"
}

# A bad file among good ones changes nothing.
t_load_bad_format() {
	ctl load "$W/plain.txt" || { show; return 1; }
	loads=$(counter policy_loads)
	printf '{"sha256": "%s"}\n' "$(hex64 9)" >"$W/bad.json"
	rc=0
	ctl load "$W/bazaar.csv" "$W/bad.json" || rc=$?
	expect_fail "$rc" "unknown format" || return 1
	grep -q "bad.json" "$W/err" || { show; return 1; }
	same_list "$W/plain.want" || return 1
	[ "$(counter policy_loads)" = "$loads" ]
}

t_load_bad_line() {
	ctl load "$W/plain.txt" || { show; return 1; }
	{ cat "$W/plain.txt"; echo "$(hex64 7)z label"; } >"$W/badline.txt"
	rc=0
	ctl load "$W/badline.txt" || rc=$?
	expect_fail "$rc" "line 6" || return 1
	cp "$W/bazaar.csv" "$W/badhash.csv"
	echo '"2025-01-01 11:00:00", "not-a-hash", "x"' >>"$W/badhash.csv"
	rc=0
	ctl load "$W/badhash.csv" || rc=$?
	expect_fail "$rc" "sha256_hash is not 64 hex digits" || return 1
	same_list "$W/plain.want"
}

t_load_missing_file() {
	ctl load "$W/plain.txt" || { show; return 1; }
	rc=0
	ctl load "$W/bazaar.csv" "$W/no-such-file" || rc=$?
	expect_fail "$rc" "no such file" || return 1
	rc=0
	ctl load "$W" || rc=$?
	expect_fail "$rc" "directory" || return 1
	rc=0
	ctl load || rc=$?
	[ "$rc" -eq 2 ] || { echo "load without FILE: status $rc"; return 1; }
	same_list "$W/plain.want"
}

t_load_large() {
	seq 1 100000 | awk '{ printf "%064x entry%d\n", $1, $1 }' >"$W/large.txt"
	ctl load "$W/large.txt"
	expect_ok $? || return 1
	[ "$(counter blocklist_entries)" = 100000 ] || {
		echo "blocklist_entries is $(counter blocklist_entries)"
		return 1
	}
	grep -qx "$(hex64 100000) entry100000" "$BLOCKLIST"
}

# --- tests: exempt ----------------------------------------------------------------

# Fake containers: cgroups named as the runtimes name theirs, holding no
# task (one test moves a process into one).  Ids are 64 hex digits.
CG=/sys/fs/cgroup/bulwark-ops
ID_SCOPE=$(printf 'c0ffee%058x' 1)
ID_CGFS=$(printf 'd0d0%060x' 2)
ID_POD=$(printf 'beef%060x' 3)
ID_COLON=$(printf 'f00d%060x' 4)
ID_CRIO=$(printf 'cafe%060x' 5)
ID_CONMON=$(printf 'a11ce%059x' 6)
ID_AMB1=$(printf 'abba%060x' 8)
ID_AMB2=$(printf 'abba%060x' 9)
ID_V1=$(printf 'ab0de%059x' 10)
ID_BARE=$(printf 'b0a7%060x' 11)
P_SCOPE=/bulwark-ops/docker-$ID_SCOPE.scope
P_CGFS=/docker/$ID_CGFS
P_POD=/bulwark-ops/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0a1b.slice/cri-containerd-$ID_POD.scope
P_COLON=/bulwark-ops/kubepods-besteffort-pod0a1c.slice:cri-containerd:$ID_COLON
P_CRIO=/bulwark-ops/crio-$ID_CRIO.scope
P_CONMON=/bulwark-ops/crio-conmon-$ID_CONMON.scope
P_AMB1=/bulwark-ops/cri-containerd-$ID_AMB1.scope
P_AMB2=/bulwark-ops/libpod-$ID_AMB2.scope
P_BARE=/bulwark-ops/kubepods/burstable/pod0a1d/$ID_BARE
P_V1=/system.slice/libpod-$ID_V1.scope
V1=$W/v1
made_docker=0

# short ID: the first 12 digits, as docker ps shows them.
short() {
	printf '%.12s' "$1"
}

make_containers() {
	for p in "$P_SCOPE" "$P_POD" "$P_COLON" "$P_CRIO" "$P_CONMON" \
		"$P_AMB1" "$P_AMB2" "$P_BARE"; do
		mkdir -p "/sys/fs/cgroup$p" || return 1
	done
	if [ ! -d /sys/fs/cgroup/docker ]; then
		mkdir /sys/fs/cgroup/docker || return 1
		made_docker=1
	fi
	mkdir "/sys/fs/cgroup$P_CGFS"
}

# rm_cgroups DIR: remove DIR's cgroup tree, deepest first.
rm_cgroups() {
	[ -d "$1" ] || return 0
	find "$1" -depth -type d -exec rmdir {} + 2>/dev/null || true
}

remove_containers() {
	rm_cgroups "$CG"
	rm_cgroups "/sys/fs/cgroup$P_CGFS"
	[ "$made_docker" -eq 0 ] || rmdir /sys/fs/cgroup/docker 2>/dev/null || true
	if mountpoint -q "$V1" 2>/dev/null; then
		rm_cgroups "$V1/system.slice"
		umount "$V1" || true
	fi
}

set_exempt() {
	cat "$1" >"$EXEMPT"
}

# same_exempt FILE: the exempt list in force is FILE's lines, in order.
same_exempt() {
	cat "$EXEMPT" >"$W/exempt.now"
	if ! cmp -s "$1" "$W/exempt.now"; then
		echo "the exempt list differs from the expected one:"
		diff "$1" "$W/exempt.now" | head -n 20
		return 1
	fi
}

# expect_status STATUS WANT PATTERN: the last command exited WANT and said
# PATTERN on standard error.
expect_status() {
	if [ "$1" -ne "$2" ]; then
		echo "exit status $1, expected $2"
		show
		return 1
	fi
	grep -qi -- "$3" "$W/err" || {
		echo "exit status $1, but no message matching '$3'"
		show
		return 1
	}
}

# Every cgroup form of module/cgpath.c, by a 12-digit prefix, in one write
# session each; the list keeps its order.
t_exempt_add_forms() {
	: >"$W/empty"
	set_exempt "$W/empty"
	: >"$W/want"
	for pair in "$ID_SCOPE $P_SCOPE" "$ID_CGFS $P_CGFS" "$ID_POD $P_POD" \
		"$ID_COLON $P_COLON" "$ID_CRIO $P_CRIO" "$ID_BARE $P_BARE"; do
		id=${pair%% *}
		p=${pair#* }
		loads=$(counter policy_loads)
		ctl exempt add --container "$(short "$id")"
		expect_ok $? || return 1
		grep -qxF "exempt: $p" "$W/out" || {
			echo "add --container $(short "$id") did not say it added $p"
			show
			return 1
		}
		[ "$(counter policy_loads)" -eq $((loads + 1)) ] || {
			echo "policy_loads went from $loads to $(counter policy_loads): not one write session"
			return 1
		}
		echo "$p" >>"$W/want"
		same_exempt "$W/want" || return 1
	done
	ctl exempt
	expect_ok $? || return 1
	cmp -s "$W/want" "$W/out" || {
		echo "exempt (list) does not print the list:"
		show
		return 1
	}
	ctl exempt list
	cmp -s "$W/want" "$W/out"
}

# Adding what is there is a success that writes nothing: by the whole id
# in capitals, by a prefix, by path with a trailing '/'.
t_exempt_add_again() {
	cat "$EXEMPT" >"$W/before"
	grep -qxF "$P_SCOPE" "$W/before" || { echo "$P_SCOPE is not exempt"; return 1; }
	loads=$(counter policy_loads)
	ctl exempt add --container "$(echo "$ID_SCOPE" | tr a-f A-F)"
	expect_ok $? || return 1
	grep -q "already exempt: $P_SCOPE" "$W/out" || { show; return 1; }
	ctl exempt add --container "$(short "$ID_POD")"
	expect_ok $? || return 1
	ctl exempt add "$P_CGFS/"
	expect_ok $? || return 1
	grep -q "already exempt: $P_CGFS\$" "$W/out" || { show; return 1; }
	[ "$(counter policy_loads)" = "$loads" ] || {
		echo "policy_loads changed: something was written"
		return 1
	}
	same_exempt "$W/before"
}

t_exempt_ambiguous() {
	cat "$EXEMPT" >"$W/before"
	rc=0
	ctl exempt add --container abba || rc=$?
	expect_status "$rc" 1 "prefix 'abba' is ambiguous: it matches 2 containers" || return 1
	for p in "$ID_AMB1  $P_AMB1" "$ID_AMB2  $P_AMB2"; do
		grep -qF "$p" "$W/err" || { echo "the candidates lack '$p'"; show; return 1; }
	done
	same_exempt "$W/before" || return 1
	# The whole id is unique.
	ctl exempt add --container "$ID_AMB2"
	expect_ok $? || return 1
	{ cat "$W/before"; echo "$P_AMB2"; } >"$W/want"
	same_exempt "$W/want" || return 1
	# Removing: the prefix is ambiguous too, though one of the two is
	# not on the list.
	rc=0
	ctl exempt del --container abba || rc=$?
	expect_status "$rc" 1 "is ambiguous" || return 1
	same_exempt "$W/want" || return 1
	ctl exempt del --container "$ID_AMB2"
	expect_ok $? || return 1
	same_exempt "$W/before"
}

# Each error: its exit status and message; the list is unchanged.
t_exempt_errors() {
	cat "$EXEMPT" >"$W/before"
	loads=$(counter policy_loads)
	bad=0
	# Status 1: bad values.
	for c in "add --container abc|too short: give at least 4 hex digits" \
		"add --container zzzz|not a container id: 'zzzz'" \
		"add --container web|not a container id" \
		"add --container $(printf '%065x' 1)|ids have 64" \
		"add --container $(printf 'e0e0%060x' 1)|no running container with id 'e0e0" \
		"add --container $(short "$ID_CONMON")|no running container with id" \
		"del --container abc|too short" \
		"del --container 0e0e0e|no exempt entry names a container with id '0e0e0e'" \
		"del --container $ID_AMB1|container $ID_AMB1 is not on the exempt list" \
		"add relative/path|does not start with '/'" \
		"add /a/../b|empty, '.' or '..' component" \
		"add /a//b|empty, '.' or '..' component" \
		"add /|would exempt every task" \
		"add /sys/fs/cgroup$P_SCOPE|give the path inside the cgroup hierarchy" \
		"del /bulwark-ops/not-there|/bulwark-ops/not-there is not on the exempt list"; do
		args=${c%%|*}
		rc=0
		# shellcheck disable=SC2086 # the arguments are split on purpose
		ctl exempt $args || rc=$?
		expect_status "$rc" 1 "${c#*|}" || { echo "(bulwarkctl exempt $args)"; bad=1; }
	done
	rc=0
	ctl exempt add "$(printf '/a\tb\001')" || rc=$?
	expect_status "$rc" 1 "control character" || bad=1
	# Status 2: the command line itself.
	for args in "add" "del" "add --container" "add --name x" "add /a /b" \
		"frobnicate" "list extra"; do
		rc=0
		# shellcheck disable=SC2086 # the arguments are split on purpose
		ctl exempt $args || rc=$?
		if [ "$rc" -ne 2 ] || ! grep -q "^usage:" "$W/err"; then
			echo "bulwarkctl exempt $args: status $rc, expected 2 and the usage"
			show
			bad=1
		fi
	done
	rc=0
	ctl exempt add --container || rc=$?
	grep -q "needs a container id" "$W/err" || { show; bad=1; }
	[ "$(counter policy_loads)" = "$loads" ] || {
		echo "policy_loads changed"
		bad=1
	}
	same_exempt "$W/before" && [ "$bad" -eq 0 ]
}

# A cgroup path: added once, removed, and removing it again fails.
t_exempt_path() {
	cat "$EXEMPT" >"$W/before"
	ctl exempt add /bulwark-ops/keymgr.slice//
	expect_ok $? || return 1
	{ cat "$W/before"; echo /bulwark-ops/keymgr.slice; } >"$W/want"
	same_exempt "$W/want" || return 1
	ctl exempt add /bulwark-ops/keymgr.slice
	expect_ok $? || return 1
	same_exempt "$W/want" || return 1
	ctl exempt del /bulwark-ops/keymgr.slice/
	expect_ok $? || return 1
	grep -q "no longer exempt: /bulwark-ops/keymgr.slice\$" "$W/out" || { show; return 1; }
	same_exempt "$W/before" || return 1
	rc=0
	ctl exempt del /bulwark-ops/keymgr.slice || rc=$?
	expect_status "$rc" 1 "is not on the exempt list" || return 1
	same_exempt "$W/before"
}

# del --container: exactly that entry goes, in one write session; the
# others stay in order.  A container that stopped is removed by its entry.
t_exempt_del_container() {
	cat "$EXEMPT" >"$W/before"
	grep -qxF "$P_CRIO" "$W/before" || { echo "$P_CRIO is not exempt"; return 1; }
	loads=$(counter policy_loads)
	ctl exempt del --container "$(short "$ID_CRIO")"
	expect_ok $? || return 1
	[ "$(counter policy_loads)" -eq $((loads + 1)) ] || {
		echo "policy_loads went from $loads to $(counter policy_loads)"
		return 1
	}
	grep -vxF "$P_CRIO" "$W/before" >"$W/want"
	same_exempt "$W/want" || return 1
	rc=0
	ctl exempt del --container "$(short "$ID_CRIO")" || rc=$?
	expect_status "$rc" 1 "container $ID_CRIO is not on the exempt list" || return 1
	# Stopped: its cgroup is gone, its entry stays until removed.
	rmdir "/sys/fs/cgroup$P_CGFS" || return 1
	ctl exempt del --container "$(short "$ID_CGFS")"
	expect_ok $? || return 1
	grep -vxF "$P_CGFS" "$W/want" >"$W/want2"
	same_exempt "$W/want2" || return 1
	mkdir "/sys/fs/cgroup$P_CGFS"
}

# Exempt through a prefix of its path, a container has no entry to remove:
# the message names the prefix.
t_exempt_del_via_prefix() {
	cat "$EXEMPT" >"$W/before"
	ctl exempt add /bulwark-ops/kubepods.slice || { show; return 1; }
	rc=0
	ctl exempt del --container "$(short "$ID_CRIO")" || rc=$?
	expect_status "$rc" 1 "not on the exempt list" || return 1
	ctl exempt add /bulwark-ops || { show; return 1; }
	rc=0
	ctl exempt del --container "$(short "$ID_CRIO")" || rc=$?
	expect_status "$rc" 1 "exempt through: /bulwark-ops" || return 1
	ctl exempt del /bulwark-ops || { show; return 1; }
	ctl exempt del /bulwark-ops/kubepods.slice || { show; return 1; }
	same_exempt "$W/before"
}

# A v1 hierarchy (a named one, mounted by the test): the entry is the path
# inside the hierarchy, not under the mount point.
t_exempt_v1() {
	cat "$EXEMPT" >"$W/before"
	ctl exempt add --container "$(short "$ID_V1")"
	expect_ok $? || return 1
	{ cat "$W/before"; echo "$P_V1"; } >"$W/want"
	same_exempt "$W/want" || return 1
	ctl exempt del --container "$(short "$ID_V1")"
	expect_ok $? || return 1
	same_exempt "$W/before"
}

# in_container DIR PROG: run PROG as a task of the cgroup DIR.
in_container() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2"' sh "$1" "$2" \
		>"$W/out" 2>"$W/err"
}

# What an entry does: a blocklisted file runs in an exempt container and
# is refused in the same container once it is no longer exempt.
t_exempt_effect() {
	dir=/sys/fs/cgroup$P_SCOPE
	cp /bin/true "$W/exminer"
	ctl add "$(sha256sum "$W/exminer" | cut -d ' ' -f 1)" "ops_test exempt" ||
		{ show; return 1; }
	ctl mode miner enforce || { show; return 1; }
	ctl exempt del --container "$(short "$ID_SCOPE")" >/dev/null 2>&1 || true
	blocked=$(counter exec_blocked)
	rc=0
	in_container "$dir" "$W/exminer" || rc=$?
	[ "$rc" -ne 0 ] || { echo "not exempt, the container ran a blocklisted file"; return 1; }
	[ "$(counter exec_blocked)" -gt "$blocked" ] || {
		echo "exit status $rc, but exec_blocked stayed at $blocked"
		show
		return 1
	}
	ctl exempt add --container "$(short "$ID_SCOPE")" || { show; return 1; }
	in_container "$dir" "$W/exminer" || {
		echo "exempt, the container could not run the file:"
		show
		return 1
	}
	ctl exempt del --container "$(short "$ID_SCOPE")" || { show; return 1; }
	blocked=$(counter exec_blocked)
	rc=0
	in_container "$dir" "$W/exminer" || rc=$?
	if [ "$rc" -eq 0 ] || [ "$(counter exec_blocked)" -le "$blocked" ]; then
		echo "no longer exempt, the container still ran the file (status $rc)"
		return 1
	fi
}

t_exempt_nobody() {
	cat "$EXEMPT" >"$W/before"
	rc=0
	as_nobody exempt list || rc=$?
	expect_status "$rc" 1 "permission denied: only root may read the exempt list" ||
		return 1
	for args in "add --container $(short "$ID_SCOPE")" "add /bulwark-ops/x" \
		"del /bulwark-ops/x"; do
		rc=0
		# shellcheck disable=SC2086 # the arguments are split on purpose
		as_nobody exempt $args || rc=$?
		expect_status "$rc" 1 "permission denied: changing bulwark's settings needs root" ||
			{ echo "(as uid $NOBODY: bulwarkctl exempt $args)"; return 1; }
	done
	same_exempt "$W/before"
}

t_exempt_contained() {
	cat "$EXEMPT" >"$W/before"
	for args in "add --container $(short "$ID_SCOPE")" "add /bulwark-ops/x"; do
		rc=0
		# shellcheck disable=SC2086 # the arguments are split on purpose
		contained exempt $args || rc=$?
		expect_status "$rc" 1 "outside any container" ||
			{ echo "(in a new pid namespace: bulwarkctl exempt $args)"; return 1; }
	done
	same_exempt "$W/before"
}

# Locked: writing fails and says so.  The lock lasts until reboot, so this
# runs against a copy of bulwark's files (BULWARK_ROOT) made read-only, as a
# locked bulwark's are.
t_exempt_locked() {
	r=$W/lockroot
	sec=$r/sys/kernel/security/bulwark
	mkdir -p "$r/proc/sys/kernel/bulwark" "$r/sys/kernel/bulwark/counters" \
		"$sec" "$r/sys/fs/cgroup$P_SCOPE"
	cat /sys/kernel/bulwark/version >"$r/sys/kernel/bulwark/version"
	echo 1 >"$r/proc/sys/kernel/bulwark/locked"
	: >"$r/sys/fs/cgroup/cgroup.procs"
	echo /bulwark-ops/kept >"$sec/exempt"
	mount --bind "$sec" "$sec" || return 1
	mount -o remount,ro,bind "$sec" || { umount "$sec"; return 1; }
	bad=0
	for args in "add --container $(short "$ID_SCOPE")" "add /bulwark-ops/x" \
		"del /bulwark-ops/kept"; do
		rc=0
		# shellcheck disable=SC2086 # the arguments are split on purpose
		BULWARK_ROOT=$r sh "$CTL" exempt $args >"$W/out" 2>"$W/err" || rc=$?
		expect_status "$rc" 1 "bulwark is locked" ||
			{ echo "(locked: bulwarkctl exempt $args)"; bad=1; }
	done
	# What is on the list already needs no write: a success.
	BULWARK_ROOT=$r sh "$CTL" exempt add /bulwark-ops/kept >"$W/out" 2>"$W/err"
	expect_ok $? || bad=1
	umount "$sec" || bad=1
	[ "$(cat "$sec/exempt")" = /bulwark-ops/kept ] && [ "$bad" -eq 0 ]
}

# --- tests: mode escape, mode drift -------------------------------------------------

# t_mode_rule RULE: mode RULE sets RULE_mode; status and metrics show it
# and the rule's counters, with their own HELP text.
t_mode_rule() {
	rule=$1
	before=$(knob "${rule}_mode")
	for m in off:0 audit:1 enforce:2; do
		ctl mode "$rule" "${m%:*}"
		expect_ok $? || return 1
		[ "$(knob "${rule}_mode")" = "${m#*:}" ] || {
			echo "mode $rule ${m%:*}: ${rule}_mode is $(knob "${rule}_mode")"
			return 1
		}
		ctl status || { show; return 1; }
		grep -q "^  ${rule}_mode *${m%:*}\$" "$W/out" || {
			echo "status does not show ${rule}_mode ${m%:*}"
			show
			return 1
		}
		ctl metrics || { show; return 1; }
		grep -qx "bulwark_${rule}_mode ${m#*:}" "$W/out" || {
			echo "metrics lack 'bulwark_${rule}_mode ${m#*:}'"
			return 1
		}
	done
	cp "$W/out" "$W/rule.prom"
	ctl status || { show; return 1; }
	for c in "${rule}_blocked" "${rule}_audited"; do
		[ -f "$COUNTERS/$c" ] || { echo "no counter $c"; return 1; }
		if ! grep -q "^# HELP bulwark_${c}_total " "$W/rule.prom" ||
			grep -q "^# HELP bulwark_${c}_total bulwark counter" "$W/rule.prom"; then
			echo "bulwark_${c}_total has no HELP text of its own"
			return 1
		fi
		grep -q "^  $c *$(counter "$c")\$" "$W/out" || {
			echo "status does not show $c"
			show
			return 1
		}
	done
	echo "$before" >"$SYSCTL/${rule}_mode"
}

# old_root DIR RULE: a copy, under DIR, of the loaded bulwark's sysctls,
# version and counters as a module older than RULE shows them: no
# RULE_mode, no RULE_* counters.  bulwarkctl reads it with BULWARK_ROOT.
old_root() {
	r=$1
	rm -rf "$r"
	mkdir -p "$r/proc/sys/kernel/bulwark" "$r/sys/kernel/bulwark/counters" || return 1
	cat /sys/kernel/bulwark/version >"$r/sys/kernel/bulwark/version"
	for f in "$SYSCTL"/*; do
		[ "${f##*/}" != "$2_mode" ] || continue
		cat "$f" >"$r/proc/sys/kernel/bulwark/${f##*/}"
	done
	for f in "$COUNTERS"/*; do
		case ${f##*/} in
		"$2"_*) continue ;;
		esac
		cat "$f" >"$r/sys/kernel/bulwark/counters/${f##*/}"
	done
}

# A module without the rule (an upgrade not loaded yet), shown by a copy
# of bulwark's files without it: mode RULE is a clear error, and no shell
# error; status says so; metrics have no gauge for it.
t_mode_absent() {
	rule=$1
	r=$W/oldroot
	old_root "$r" "$rule" || return 1
	rc=0
	BULWARK_ROOT=$r sh "$CTL" mode "$rule" audit >"$W/out" 2>"$W/err" || rc=$?
	expect_status "$rc" 1 "this bulwark has no $rule rule" || return 1
	if grep -q "not found\|parameter not set\|unexpected" "$W/err"; then
		show
		return 1
	fi
	[ ! -e "$r/proc/sys/kernel/bulwark/${rule}_mode" ] || {
		echo "mode $rule created ${rule}_mode in the copy"
		return 1
	}
	BULWARK_ROOT=$r sh "$CTL" status >"$W/out" 2>"$W/err" || { show; return 1; }
	grep -q "^  ${rule}_mode *(not in this module)\$" "$W/out" || { show; return 1; }
	BULWARK_ROOT=$r sh "$CTL" metrics >"$W/out" 2>"$W/err" || { show; return 1; }
	if grep -q "^bulwark_${rule}_" "$W/out"; then
		echo "metrics show a mode or counter of a rule the module does not have"
		show
		return 1
	fi
	grep -q "^bulwark_miner_mode " "$W/out" || { show; return 1; }
}

# --- tests: the drift rule's effect -----------------------------------------------

# drift_run DIR: in a new pid namespace (contained, scope 1), copy
# /bin/true into DIR with one byte appended (a hash on no list) and run
# the copy; status in $W/drift.rc, stderr in $W/err.
drift_run() {
	rc=0
	# shellcheck disable=SC2016 # expanded by the contained shell
	unshare -p -f --mount-proc sh -c \
		'cp /bin/true "$1/x" && echo >>"$1/x" && chmod 0755 "$1/x" && "$1/x"' \
		sh "$1" 2>"$W/err" || rc=$?
	echo "$rc" >"$W/drift.rc"
}

# mode drift enforce: a contained task may not run what it wrote itself
# (EPERM, drift_blocked, the log line); audit runs it and counts it; off
# runs it and counts nothing.  The host runs the same file.
t_drift_effect() {
	d=$W/drift
	mkdir -p "$d"
	mount -t tmpfs -o mode=0755 tmpfs "$d" || return 1
	bad=0
	ctl mode drift enforce || { show; umount "$d"; return 1; }
	sleep 6
	blocked=$(counter drift_blocked)
	drift_run "$d"
	if [ "$(cat "$W/drift.rc")" -eq 0 ]; then
		echo "enforce: the container ran a file it wrote"
		bad=1
	elif ! grep -q "Operation not permitted" "$W/err"; then
		echo "enforce: not EPERM:"
		cat "$W/err"
		bad=1
	fi
	[ "$(counter drift_blocked)" -gt "$blocked" ] || {
		echo "enforce: drift_blocked stayed at $blocked"
		bad=1
	}
	dmesg | grep -F "bulwark: action=deny op=exec reason=drift" |
		grep -qF "path=\"$d/x\"" || {
		echo "enforce: no 'action=deny op=exec reason=drift ... path=\"$d/x\"' in the kernel log"
		dmesg | grep bulwark | tail -n 5
		bad=1
	}
	"$d/x" || { echo "the host could not run $d/x"; bad=1; }
	ctl mode drift audit || { show; umount "$d"; return 1; }
	audited=$(counter drift_audited)
	drift_run "$d"
	[ "$(cat "$W/drift.rc")" -eq 0 ] || {
		echo "audit: the contained run failed:"
		cat "$W/err"
		bad=1
	}
	[ "$(counter drift_audited)" -gt "$audited" ] || {
		echo "audit: drift_audited stayed at $audited"
		bad=1
	}
	ctl mode drift off || { show; umount "$d"; return 1; }
	audited=$(counter drift_audited)
	blocked=$(counter drift_blocked)
	drift_run "$d"
	[ "$(cat "$W/drift.rc")" -eq 0 ] || { echo "off: the contained run failed"; bad=1; }
	if [ "$(counter drift_audited)" != "$audited" ] ||
		[ "$(counter drift_blocked)" != "$blocked" ]; then
		echo "off: the drift counters moved"
		bad=1
	fi
	put_back
	umount "$d" || bad=1
	[ "$bad" -eq 0 ]
}

# --- tests: the modes of /etc/default/bulwark, through apply-policy ----------------

# apply_policy VAR=VALUE...: run apply-policy (bulwark-policy.service's
# program) on the loaded module, with an empty configuration directory and
# these settings as its environment; output in $W/out, $W/err.
apply_policy() {
	mkdir -p "$W/apply/etc" "$W/apply/run"
	env BULWARK_CONF_DIR="$W/apply/etc" BULWARK_STATE_DIR="$W/apply/run" \
		BULWARKCTL="$CTL" BULWARK_MODPROBE=no "$@" \
		sh "$top/scripts/apply-policy.sh" >"$W/out" 2>"$W/err"
}

# mode_var RULE: BULWARK_<RULE>_MODE.
mode_var() {
	echo "BULWARK_$(echo "$1" | tr '[:lower:]' '[:upper:]')_MODE"
}

# BULWARK_<RULE>_MODE=off|audit|enforce sets the mode of every rule, and
# the closing line says so.
t_apply_modes() {
	for rule in miner keys persist escape drift; do
		[ -e "$SYSCTL/${rule}_mode" ] || { echo "no ${rule}_mode"; return 1; }
		for m in off:0 audit:1 enforce:2; do
			rc=0
			apply_policy "$(mode_var "$rule")=${m%:*}" || rc=$?
			expect_ok "$rc" || { put_back; return 1; }
			[ "$(knob "${rule}_mode")" = "${m#*:}" ] || {
				echo "$(mode_var "$rule")=${m%:*}: ${rule}_mode is $(knob "${rule}_mode")"
				put_back
				return 1
			}
			grep -q "policy in force:.* ${rule}_mode=${m#*:} " "$W/out" || {
				echo "the closing line lacks ${rule}_mode=${m#*:}"
				show
				put_back
				return 1
			}
		done
	done
	put_back
}

# A mode that is not off, audit or enforce, or a BULWARK_LOCK that is not
# yes or no, stops apply-policy before it changes anything: the other
# modes asked for are not set, and the stamp of the policy in force stays.
t_apply_mode_bad() {
	miner=$(knob miner_mode)
	# A miner mode other than the one in force, asked for with the bad
	# setting: it must not be set.
	other=audit
	[ "$miner" != 1 ] || other=off
	mkdir -p "$W/apply/run"
	echo "# the policy in force" >"$W/apply/run/policy-applied"
	for bad in BULWARK_ESCAPE_MODE=block BULWARK_ESCAPE_MODE=2 \
		BULWARK_ESCAPE_MODE=Enforce BULWARK_KEYS_MODE=on \
		BULWARK_PERSIST_MODE=deny BULWARK_DRIFT_MODE=1 BULWARK_LOCK=maybe; do
		var=${bad%%=*}
		if [ "$var" = BULWARK_LOCK ]; then
			want="BULWARK_LOCK must be yes or no, not '${bad#*=}'"
		else
			want="$var must be off, audit or enforce (or empty, to leave the mode as it is), not '${bad#*=}'"
		fi
		rc=0
		apply_policy "BULWARK_MINER_MODE=$other" "$bad" || rc=$?
		expect_status "$rc" 1 "$want" || { put_back; return 1; }
		[ "$(knob miner_mode)" = "$miner" ] || {
			echo "$bad: miner_mode changed from $miner to $(knob miner_mode)"
			put_back
			return 1
		}
		[ -f "$W/apply/run/policy-applied" ] || {
			echo "$bad: the stamp of the policy in force was removed"
			return 1
		}
	done
}

# --- tests: permissions, module not loaded ----------------------------------------------------

t_nobody_denied() {
	cat "$BLOCKLIST" >"$W/before"
	before=$(knob miner_mode)
	for args in "add $(hex64 99)" "load $W/plain.txt" "mode miner off" "lock"; do
		rc=0
		# shellcheck disable=SC2086 # the arguments are split on purpose
		as_nobody $args || rc=$?
		expect_fail "$rc" "permission denied" || {
			echo "(as uid $NOBODY: bulwarkctl $args)"
			return 1
		}
	done
	[ "$(knob miner_mode)" = "$before" ] && [ "$(knob locked)" = 0 ] &&
		same_list "$W/before"
}

t_contained_denied() {
	[ "$(knob scope)" -ge 1 ] || { echo "scope is $(knob scope)"; return 1; }
	cat "$BLOCKLIST" >"$W/before"
	before=$(knob miner_mode)
	for args in "add $(hex64 98)" "load $W/plain.txt" "mode miner off" "lock"; do
		rc=0
		# shellcheck disable=SC2086 # the arguments are split on purpose
		contained $args || rc=$?
		expect_fail "$rc" "outside any container" || {
			echo "(in a new pid namespace: bulwarkctl $args)"
			return 1
		}
	done
	[ "$(knob miner_mode)" = "$before" ] && [ "$(knob locked)" = 0 ] &&
		same_list "$W/before"
}

t_not_loaded() {
	save_list=$W/unload.blocklist
	cat "$BLOCKLIST" >"$save_list"
	rmmod bulwark || { echo "rmmod bulwark failed"; return 1; }
	bad=0
	for args in status metrics "load $W/plain.txt" "add $(hex64 1)" \
		"mode miner audit" "mode escape audit" lock "exempt list" \
		"exempt add --container $(short "$ID_SCOPE")" "exempt del /bulwark-ops"; do
		rc=0
		# shellcheck disable=SC2086 # the arguments are split on purpose
		ctl $args || rc=$?
		expect_fail "$rc" "module is not loaded" || {
			echo "(bulwarkctl $args)"
			bad=1
		}
	done
	rc=0
	sh "$top/scripts/metrics-textfile.sh" "$W/tf/bulwark.prom" 2>"$W/err" || rc=$?
	expect_fail "$rc" "module is not loaded" || bad=1
	if [ -e "$W/tf/bulwark.prom" ]; then
		echo "metrics-textfile left $W/tf/bulwark.prom of an unloaded bulwark"
		bad=1
	fi
	insmod "$KO" || { echo "insmod $KO failed"; return 1; }
	# A fresh module starts from its defaults: put the test state back.
	put_back
	set_list "$save_list"
	[ "$bad" -eq 0 ]
}

# --- tests: metrics ------------------------------------------------------------------------------

t_metrics_promtool() {
	ctl metrics
	expect_ok $? || return 1
	cp "$W/out" "$W/metrics.prom"
	promtool check metrics <"$W/metrics.prom"
}

t_metrics_names() {
	ctl metrics || { show; return 1; }
	for f in "$COUNTERS"/*; do
		c=${f##*/}
		if [ "$c" = blocklist_entries ]; then
			m=bulwark_blocklist_entries
			type=gauge
		else
			m=bulwark_${c}_total
			type=counter
		fi
		grep -qx "# TYPE $m $type" "$W/out" || {
			echo "no '# TYPE $m $type'"
			return 1
		}
		grep -q "^# HELP $m " "$W/out" || { echo "no HELP for $m"; return 1; }
		v=$(sed -n "s/^$m //p" "$W/out")
		[ "$v" = "$(cat "$f")" ] || {
			echo "$m is '$v', $f holds $(cat "$f")"
			return 1
		}
	done
	for k in miner_mode keys_mode persist_mode escape_mode drift_mode scope \
		hash_max_bytes locked; do
		[ -e "$SYSCTL/$k" ] || continue
		grep -qx "bulwark_$k $(knob "$k")" "$W/out" || {
			echo "no 'bulwark_$k $(knob "$k")'"
			return 1
		}
	done
	if grep -q '^bulwark_blocklist_entries_total' "$W/out"; then
		echo "the gauge has a _total name"
		return 1
	fi
}

t_metrics_nobody() {
	as_nobody metrics
	expect_ok $? || return 1
	grep -q '^bulwark_exec_blocked_total ' "$W/out"
}

t_metrics_textfile() {
	sh "$top/scripts/metrics-textfile.sh" "$W/tf/bulwark.prom" || return 1
	promtool check metrics <"$W/tf/bulwark.prom" || return 1
	left=$(find "$W/tf" -type f ! -name bulwark.prom)
	[ -z "$left" ] || { echo "left behind: $left"; return 1; }
	[ "$(stat -c %a "$W/tf/bulwark.prom")" = 644 ]
}

# --- tests: the Kubernetes node script ---------------------------------------------

NODE=$top/deploy/kubernetes/bulwark-node.sh

# write_stamp FILE VERSION TIME POLICY_LOADS: a stamp as apply-policy
# writes it.
write_stamp() {
	mkdir -p "$(dirname "$1")"
	printf '# test\nversion=%s\ntime=%s\npolicy_loads=%s\n' "$2" "$3" "$4" >"$1"
}

# fresh_stamp FILE: the stamp of a policy put in force just now.
fresh_stamp() {
	write_stamp "$1" "$(cat /sys/kernel/bulwark/version)" "$(date +%s)" \
		"$(counter policy_loads)"
}

# node_ready [VAR=VALUE...]: bulwark-node.sh ready, with the stamp
# $W/node/stamp and the pod state $W/node/state unless VARs say otherwise.
node_ready() {
	env BULWARK_NODE_STAMP="$W/node/stamp" BULWARK_NODE_STATE="$W/node/state" \
		"$@" sh "$NODE" ready >"$W/out" 2>"$W/err"
}

# expect_not_ready STATUS PATTERN: not ready, and the report says PATTERN.
expect_not_ready() {
	if [ "$1" -ne 1 ]; then
		echo "exit status $1, expected 1"
		show
		return 1
	fi
	grep -q -- "^not ready: .*$2" "$W/out" || {
		echo "the report does not say 'not ready: ...$2'"
		show
		return 1
	}
}

# fetch PATH: GET http://127.0.0.1:19743/PATH into $W/body; headers and
# errors in $W/headers; the status of busybox wget.
fetch() {
	rm -f "$W/body"
	busybox wget -S -q -O "$W/body" "http://127.0.0.1:19743$1" 2>"$W/headers"
}

# The DaemonSet's node container: busybox httpd on a port, running
# bulwarkctl for each scrape, and the readiness report.
t_node_metrics() {
	mkdir -p "$W/node/state"
	fresh_stamp "$W/node/stamp"
	BULWARK_NODE_TOOLS=$top/scripts METRICS_PORT=19743 TMPDIR=$W/node \
		BULWARK_NODE_STAMP=$W/node/stamp BULWARK_NODE_STATE=$W/node/state \
		BULWARK_EXPECT_MINER_MODE="$(sh "$CTL" status | sed -n 's/^  miner_mode *//p')" \
		sh "$NODE" metrics >"$W/node.log" 2>&1 &
	httpd=$!
	i=0
	ok=0
	while [ "$i" -lt 50 ]; do
		if fetch /cgi-bin/metrics; then
			ok=1
			break
		fi
		i=$((i + 1))
		sleep 0.2
	done
	rc=0
	node_http || rc=$?
	kill "$httpd" 2>/dev/null || true
	wait "$httpd" 2>/dev/null || true
	if [ "$ok" -eq 0 ]; then
		echo "no answer from /cgi-bin/metrics:"
		cat "$W/node.log" "$W/headers"
		return 1
	fi
	[ "$rc" -eq 0 ]
}

node_http() {
	grep -qi 'Content-Type: text/plain; version=0.0.4' "$W/headers" || {
		echo "headers:"
		cat "$W/headers"
		return 1
	}
	cp "$W/body" "$W/node.prom"
	grep -q '^bulwark_exec_blocked_total ' "$W/node.prom" || return 1
	grep -qx 'bulwark_node_ready 1' "$W/node.prom" || {
		echo "no 'bulwark_node_ready 1' with a fresh stamp"
		grep bulwark_node_ready "$W/node.prom"
		return 1
	}
	promtool check metrics <"$W/node.prom" || return 1
	fetch /cgi-bin/ready || {
		echo "/cgi-bin/ready with a fresh stamp:"
		cat "$W/headers"
		return 1
	}
	grep -q "^ready: bulwark $(cat /sys/kernel/bulwark/version)," "$W/body" || {
		cat "$W/body"
		return 1
	}
	# Without the policy service's stamp: 503, and the gauge says 0.
	rm "$W/node/stamp"
	if fetch /cgi-bin/ready; then
		echo "/cgi-bin/ready answered 200 without a stamp"
		return 1
	fi
	grep -q ' 503' "$W/headers" || { cat "$W/headers"; return 1; }
	fetch /cgi-bin/metrics || { cat "$W/headers"; return 1; }
	grep -qx 'bulwark_node_ready 0' "$W/body" || {
		echo "no 'bulwark_node_ready 0' without a stamp"
		return 1
	}
}

# ready: the policy service's stamp, written by apply-policy itself; a run
# that fails leaves none.
t_node_ready_stamp() {
	rm -f "$W/node/stamp"
	rc=0
	node_ready || rc=$?
	expect_not_ready "$rc" "has not put its policy in force since boot" || return 1
	mkdir -p "$W/node/etc" "$W/node/run"
	rc=0
	BULWARK_CONF_DIR=$W/node/etc BULWARK_STATE_DIR=$W/node/run BULWARKCTL=$CTL \
		BULWARK_MODPROBE=no sh "$top/scripts/apply-policy.sh" >"$W/out" 2>"$W/err" ||
		rc=$?
	put_back
	expect_ok "$rc" || return 1
	st=$W/node/run/policy-applied
	[ "$(stat -c %a "$st")" = 644 ] || { echo "$st has mode $(stat -c %a "$st")"; return 1; }
	for want in "^version=$(cat /sys/kernel/bulwark/version)\$" '^time=[0-9][0-9]*$' \
		'^policy_loads=[0-9][0-9]*$'; do
		grep -q "$want" "$st" || {
			echo "$st lacks '$want':"
			cat "$st"
			return 1
		}
	done
	node_ready BULWARK_NODE_STAMP="$st"
	expect_ok $? || return 1
	grep -q "^ready: bulwark $(cat /sys/kernel/bulwark/version), policy in force since" \
		"$W/out" || { show; return 1; }
	# The kernel refuses a list: no stamp.
	mkdir -p "$W/node/etc-bad"
	echo "relative/path" >"$W/node/etc-bad/exempt"
	rc=0
	BULWARK_CONF_DIR=$W/node/etc-bad BULWARK_STATE_DIR=$W/node/run BULWARKCTL=$CTL \
		BULWARK_MODPROBE=no sh "$top/scripts/apply-policy.sh" >"$W/out" 2>"$W/err" ||
		rc=$?
	put_back
	[ "$rc" -ne 0 ] || { echo "apply-policy took a bad exempt file"; show; return 1; }
	[ ! -e "$st" ] || { echo "a failed apply-policy left $st"; return 1; }
	rc=0
	node_ready BULWARK_NODE_STAMP="$st" || rc=$?
	expect_not_ready "$rc" "has not put its policy in force"
}

# ready: what the ConfigMap expects, and stamps that are stale.
t_node_ready_expect() {
	miner=$(sh "$CTL" status | sed -n 's/^  miner_mode *//p')
	version=$(cat /sys/kernel/bulwark/version)
	fresh_stamp "$W/node/stamp"
	rm -rf "$W/node/state"
	node_ready BULWARK_EXPECT_MINER_MODE="$miner" BULWARK_EXPECT_LOCKED=no \
		BULWARK_EXPECT_VERSION="$version"
	expect_ok $? || return 1
	if [ "$miner" = audit ]; then other=enforce; else other=audit; fi
	bad=0
	for c in "BULWARK_EXPECT_MINER_MODE=$other|miner_mode is $miner, $other is expected" \
		"BULWARK_EXPECT_VERSION=9.9.9|bulwark $version is loaded, 9.9.9 is expected" \
		"BULWARK_EXPECT_LOCKED=yes|locked is no, yes is expected"; do
		rc=0
		node_ready "${c%%|*}" || rc=$?
		expect_not_ready "$rc" "${c#*|}" || bad=1
	done
	for rule in escape drift; do
		rc=0
		node_ready "BULWARK_EXPECT_$(echo "$rule" | tr '[:lower:]' '[:upper:]')_MODE=audit" ||
			rc=$?
		if [ ! -e "$SYSCTL/${rule}_mode" ]; then
			expect_not_ready "$rc" "audit is expected, but this bulwark has no $rule rule" ||
				bad=1
		elif [ "$(knob "${rule}_mode")" != 1 ]; then
			expect_not_ready "$rc" "${rule}_mode is .*, audit is expected" || bad=1
		fi
	done
	# Stale stamps.
	write_stamp "$W/node/stamp" 0.0.0-old "$(date +%s)" 0
	rc=0
	node_ready || rc=$?
	expect_not_ready "$rc" "last ran with bulwark 0.0.0-old, and $version is loaded now" ||
		bad=1
	write_stamp "$W/node/stamp" "$version" "$(date +%s)" \
		$(($(counter policy_loads) + 1000))
	rc=0
	node_ready || rc=$?
	expect_not_ready "$rc" "loaded again after the node's policy service ran" || bad=1
	# This pod loaded the module after the stamp was written.
	write_stamp "$W/node/stamp" "$version" $(($(date +%s) - 100)) 0
	mkdir -p "$W/node/state"
	date +%s >"$W/node/state/loaded"
	rc=0
	node_ready || rc=$?
	expect_not_ready "$rc" "this pod loaded bulwark after the node's policy service ran" ||
		bad=1
	write_stamp "$W/node/stamp" "$version" $(($(date +%s) + 1)) 0
	node_ready
	expect_ok $? || bad=1
	rm -rf "$W/node/state"
	[ "$bad" -eq 0 ]
}

# load, with bulwark loaded: nothing to do, nothing noted.
t_node_load_loaded() {
	rm -rf "$W/node/state"
	BULWARK_HOST_ROOT=$W/nohost BULWARK_NODE_STATE=$W/node/state \
		sh "$NODE" load >"$W/out" 2>"$W/err"
	expect_ok $? || return 1
	grep -qx "bulwark-node: bulwark $(cat /sys/kernel/bulwark/version) is loaded" \
		"$W/out" || { show; return 1; }
	[ ! -e "$W/node/state/loaded" ] || { echo "load noted a load it did not do"; return 1; }
}

# load, with bulwark not loaded: the errors, then the node's modprobe in
# the node's root (here the guest's /, with the module installed where
# modprobe finds it).
t_node_load_unloaded() {
	kver=$(uname -r)
	cat "$BLOCKLIST" >"$W/node.blocklist"
	rmmod bulwark || { echo "rmmod bulwark failed"; return 1; }
	bad=0
	rc=0
	BULWARK_HOST_ROOT=$W/nohost BULWARK_NODE_STATE=$W/node/state \
		sh "$NODE" load >"$W/out" 2>"$W/err" || rc=$?
	expect_status "$rc" 1 "the node's root filesystem is not at $W/nohost" || bad=1
	mkdir -p "$W/fakehost/lib/modules/$kver/kernel"
	rc=0
	BULWARK_HOST_ROOT=$W/fakehost BULWARK_NODE_STATE=$W/node/state \
		sh "$NODE" load >"$W/out" 2>"$W/err" || rc=$?
	expect_status "$rc" 1 "bulwark is not installed for $kver on this node" || bad=1
	mkdir -p "/lib/modules/$kver/updates"
	cp "$KO" "/lib/modules/$kver/updates/bulwark.ko"
	# Only this module: a full depmod reads every module over 9p.
	depmod "$kver" "/lib/modules/$kver/updates/bulwark.ko"
	rc=0
	BULWARK_HOST_ROOT=/ BULWARK_NODE_STATE=$W/node/state \
		sh "$NODE" load >"$W/out" 2>"$W/err" || rc=$?
	expect_ok "$rc" || bad=1
	if [ ! -d /sys/module/bulwark ]; then
		echo "load did not load bulwark"
		insmod "$KO" || return 1
		bad=1
	fi
	grep -q "systemctl restart bulwark-policy.service" "$W/out" || { show; bad=1; }
	[ -s "$W/node/state/loaded" ] || { echo "load did not note its load"; bad=1; }
	put_back
	set_list "$W/node.blocklist"
	# The module was loaded after any policy: not ready.
	write_stamp "$W/node/stamp" "$(cat /sys/kernel/bulwark/version)" \
		$(($(date +%s) - 100)) 0
	rc=0
	node_ready || rc=$?
	expect_not_ready "$rc" "this pod loaded bulwark after" || bad=1
	rm -rf "$W/node/state"
	[ "$bad" -eq 0 ]
}

# --- tests: a denial in the logs -------------------------------------------------------------------

start_auditd() {
	command -v auditd >/dev/null || {
		echo "auditd is missing (scripts/deps.sh installs it)"
		return 1
	}
	if ! auditctl -s 2>/dev/null | grep -q '^pid [1-9]'; then
		mkdir -p /var/log/audit
		auditd || { echo "auditd did not start"; return 1; }
		i=0
		while ! auditctl -s 2>/dev/null | grep -q '^pid [1-9]'; do
			i=$((i + 1))
			[ "$i" -lt 50 ] || { echo "auditd did not register"; return 1; }
			sleep 0.2
		done
		auditd_pid=$(auditctl -s | sed -n 's/^pid //p')
	fi
	auditctl -s | grep -q '^enabled [12]' || {
		echo "auditing is not enabled:"
		auditctl -s
		return 1
	}
}

# wait_for FILE STRING: wait up to 10 s for STRING to appear in FILE.
wait_for() {
	i=0
	while ! grep -qF -- "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -ge 50 ]; then
			echo "'$2' not in $1 after 10 s"
			return 1
		fi
		sleep 0.2
	done
}

prepare_miner() {
	# A copy of true: its own path, the digest of true.
	cp /bin/true "$W/miner"
	miner_hash=$(sha256sum "$W/miner" | cut -d ' ' -f 1)
	ctl load /dev/null || { show; return 1; }
	ctl add "$miner_hash" "ops_test miner" || { show; return 1; }
}

t_audit_deny() {
	start_auditd || return 1
	prepare_miner || return 1
	ctl mode miner enforce || { show; return 1; }
	blocked=$(counter exec_blocked)
	# On the host the file runs: host tasks keep every right.
	"$W/miner" || { echo "the host could not run $W/miner"; return 1; }
	rc=0
	unshare -p -f --mount-proc "$W/miner" 2>"$W/err" || rc=$?
	[ "$rc" -ne 0 ] || { echo "the contained exec succeeded"; return 1; }
	grep -q "Operation not permitted" "$W/err" || { cat "$W/err"; return 1; }
	[ "$(counter exec_blocked)" -eq $((blocked + 1)) ] || {
		echo "exec_blocked went from $blocked to $(counter exec_blocked)"
		return 1
	}
	wait_for "$AUDIT_LOG" "bulwark action=deny op=exec reason=miner_hash" ||
		return 1
	grep -F "bulwark action=deny op=exec" "$AUDIT_LOG" |
		grep -F "sha256=$miner_hash" | grep -F 'label="ops_test miner"' |
		grep -qF "path=\"$W/miner\"" || {
		echo "no matching record in $AUDIT_LOG:"
		grep bulwark "$AUDIT_LOG"
		return 1
	}
	ausearch -m KERNEL_OTHER --raw 2>/dev/null |
		grep -F "sha256=$miner_hash" | grep -qF "action=deny" || {
		echo "ausearch -m KERNEL_OTHER does not find the record"
		return 1
	}
}

t_dmesg_deny() {
	want="bulwark: action=deny op=exec reason=miner_hash"
	if ! dmesg | grep -F "$want" | grep -qF "sha256=$miner_hash"; then
		# The log line is rate-limited: try once more after the window.
		sleep 6
		unshare -p -f --mount-proc "$W/miner" 2>/dev/null && return 1
		dmesg | grep -F "$want" | grep -qF "sha256=$miner_hash" || {
			echo "no '$want ... sha256=$miner_hash' in the kernel log"
			dmesg | grep bulwark | tail -n 5
			return 1
		}
	fi
}

t_audit_mode() {
	ctl mode miner audit || { show; return 1; }
	audited=$(counter exec_audited)
	unshare -p -f --mount-proc "$W/miner" || {
		echo "audit mode: the contained exec failed"
		return 1
	}
	# At least one: the loader's PROT_EXEC mapping of the file is
	# checked too, and may count again.
	[ "$(counter exec_audited)" -gt "$audited" ] || {
		echo "exec_audited stayed at $audited"
		return 1
	}
	wait_for "$AUDIT_LOG" "bulwark action=audit op=exec reason=miner_hash" ||
		return 1
	ctl mode miner enforce
}

# --- main -----------------------------------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || { echo "ops_test.sh: must run as root" >&2; exit 1; }
if [ ! -d /sys/module/bulwark ] && [ -n "$KO" ]; then
	insmod "$KO"
fi
[ -d /sys/module/bulwark ] || { echo "ops_test.sh: bulwark is not loaded" >&2; exit 1; }
if [ "$(knob locked)" != 0 ]; then
	echo "ops_test.sh: bulwark is locked; run this before locking" >&2
	exit 1
fi
save
make_inputs

check "status shows version, modes, lock, entries and counters" t_status
check "status works for an unprivileged user" t_status_nobody
check "mode miner|keys off|audit|enforce sets the sysctls" t_mode
check "mode: unknown rule or mode is a usage error" t_mode_errors
check "add: hex in any case, optional label, appended" t_add
check "add: bad hex is refused, list unchanged" t_add_bad_hex
check "add: control characters stripped, label cut to 63 bytes" t_add_label_cleaned
check "load: plain list" t_load_one plain.txt
check "load: sha256sum output, label = basename" t_load_one sums.txt
check "load: MalwareBazaar CSV, label = signature or file_name" t_load_one bazaar.csv
check "load: several files in several formats, one write session" t_load_many_atomic
check "load: replaces the list" t_load_replaces
check "load: - reads standard input" t_load_stdin
check "load: an unknown format among good files changes nothing" t_load_bad_format
check "load: a bad line is named, nothing changes" t_load_bad_line
check "load: missing file or directory is an error, nothing changes" t_load_missing_file
check "load: 100000 entries" t_load_large
for rule in escape drift; do
	check "mode $rule off|audit|enforce: the sysctl, status, metrics and the $rule counters" \
		t_mode_rule "$rule"
done
check "mode drift: a module without the drift rule: a clear error; status and metrics say so" \
	t_mode_absent drift
check "drift: a contained run of a file it wrote: refused in enforce (log, drift_blocked), counted in audit, allowed off" \
	t_drift_effect
check "apply-policy: BULWARK_<RULE>_MODE off|audit|enforce sets each rule's mode" t_apply_modes
check "apply-policy: a bad mode or BULWARK_LOCK is refused, named, and changes nothing" \
	t_apply_mode_bad
if make_containers 2>"$W/mk.err"; then
	check "exempt add --container: every runtime's cgroup form, by a prefix, one write session each; exempt list" \
		t_exempt_add_forms
	check "exempt add: an entry already there is a success that writes nothing, no duplicate" \
		t_exempt_add_again
	check "exempt add/del --container: an ambiguous prefix lists the candidates, changes nothing" \
		t_exempt_ambiguous
	check "exempt: every error has its status and message, the list is unchanged" \
		t_exempt_errors
	check "exempt add/del CGROUP: added once, removed, removing again fails" t_exempt_path
	check "exempt del --container: that entry alone, in one session; a stopped container's entry too" \
		t_exempt_del_container
	check "exempt del --container: a container exempt through a prefix names it" \
		t_exempt_del_via_prefix
	if mkdir -p "$V1" && mount -t cgroup -o none,name=bulwarkops cgroup "$V1" 2>"$W/v1.err" &&
		mkdir -p "$V1$P_V1"; then
		check "exempt add --container: on a v1 hierarchy, the path inside the hierarchy" t_exempt_v1
		rm_cgroups "$V1/system.slice"
		umount "$V1"
	else
		skip "exempt add --container on a v1 hierarchy" "cannot mount one: $(cat "$W/v1.err")"
	fi
	check "exempt: a blocklisted file runs in an exempt container, is refused once it is not" \
		t_exempt_effect
	check "exempt: an unprivileged user may neither read nor change the list" t_exempt_nobody
	check "exempt: contained root may not change the list" t_exempt_contained
	check "exempt: locked, add and del fail and say so; adding what is there succeeds" \
		t_exempt_locked
else
	skip "exempt: the --container tests" "cannot make cgroups: $(cat "$W/mk.err")"
fi
check "unprivileged user: add, load, mode, lock fail with permission denied" t_nobody_denied
check "contained root: add, load, mode, lock fail with permission denied" t_contained_denied
check "metrics: promtool check metrics accepts the output" t_metrics_promtool
check "metrics: every counter as bulwark_<name>_total, gauges without _total" t_metrics_names
check "metrics: work for an unprivileged user" t_metrics_nobody
check "metrics-textfile: writes a valid bulwark.prom, leaves no temporary file" t_metrics_textfile
check "Kubernetes node container: metrics and readiness over HTTP, 503 and bulwark_node_ready 0 without the policy's stamp" \
	t_node_metrics
check "Kubernetes node ready: apply-policy writes its stamp, a failed run leaves none" \
	t_node_ready_stamp
check "Kubernetes node ready: the expected version, modes and lock; stale stamps" \
	t_node_ready_expect
check "Kubernetes load container: bulwark loaded, nothing to do" t_node_load_loaded
check "audit: a contained exec of a blocklisted file is denied and in audit.log" t_audit_deny
check "kernel log: the denial is logged as action=deny" t_dmesg_deny
check "audit mode: allowed, counted and in audit.log as action=audit" t_audit_mode
if [ -n "$KO" ] && [ -r "$KO" ]; then
	check "module not loaded: every subcommand fails and says so; no stale metrics file" t_not_loaded
	check "Kubernetes load container: not installed, then loaded with the node's modprobe; not ready until the policy runs" \
		t_node_load_unloaded
else
	skip "module not loaded: every subcommand fails and says so" \
		"no KO_PATH to load bulwark again"
	skip "Kubernetes load container: loads bulwark" "no KO_PATH to load bulwark"
fi
check "module loaded again, lock still off" test "$(knob locked)" = 0

echo "1..$n"
[ "$failed" -eq 0 ]
