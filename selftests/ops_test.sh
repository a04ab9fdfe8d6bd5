#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ops_test.sh - operations tests, run as root in the test VM: every
# bulwarkctl subcommand and its errors, the metrics (checked with promtool)
# and the audit trail of a denial (written by auditd).
#
# Usage, from the repository's root, with bulwark loaded:
#   sh selftests/ops_test.sh [KO_PATH] > /out/ops_test.tap
#
# Prints TAP ("ok N - name", "not ok N - name", then "1..N") and exits
# non-zero if a test failed.  KO_PATH (default: $BULWARK_KO) is needed to
# load the module again after the "module not loaded" tests.  Settings and
# the blocklist are put back as they were found; `lock` is not run here,
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

save() {
	for k in miner_mode keys_mode scope; do
		knob "$k" >"$W/saved.$k"
	done
	cat "$BLOCKLIST" >"$W/saved.blocklist"
}

restore() {
	[ -d /sys/module/bulwark ] || return 0
	[ "$(knob locked)" = 0 ] || return 0
	for k in miner_mode keys_mode scope; do
		[ -f "$W/saved.$k" ] && cat "$W/saved.$k" >"$SYSCTL/$k"
	done
	[ -f "$W/saved.blocklist" ] && set_list "$W/saved.blocklist"
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
		"exec_blocked *$(counter exec_blocked)\$" "policy_loads"; do
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
		"mode miner audit" lock; do
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
	set_list "$save_list"
	for k in miner_mode keys_mode scope; do
		cat "$W/saved.$k" >"$SYSCTL/$k"
	done
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
	for k in miner_mode keys_mode scope hash_max_bytes locked; do
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

# The Kubernetes DaemonSet's metrics container: busybox httpd on a port,
# running bulwarkctl for each scrape.
t_node_metrics() {
	mkdir -p "$W/node"
	BULWARK_NODE_TOOLS=$top/scripts METRICS_PORT=19743 TMPDIR=$W/node \
		sh "$top/deploy/kubernetes/bulwark-node.sh" metrics \
		>"$W/node.log" 2>&1 &
	httpd=$!
	url=http://127.0.0.1:19743/cgi-bin/metrics
	i=0
	ok=0
	while [ "$i" -lt 50 ]; do
		if busybox wget -S -q -O "$W/node.prom" "$url" 2>"$W/node.headers"; then
			ok=1
			break
		fi
		i=$((i + 1))
		sleep 0.2
	done
	kill "$httpd" 2>/dev/null || true
	wait "$httpd" 2>/dev/null || true
	if [ "$ok" -eq 0 ]; then
		echo "no answer from $url:"
		cat "$W/node.log" "$W/node.headers"
		return 1
	fi
	grep -qi 'Content-Type: text/plain; version=0.0.4' "$W/node.headers" || {
		echo "headers:"
		cat "$W/node.headers"
		return 1
	}
	grep -q '^bulwark_exec_blocked_total ' "$W/node.prom" &&
		promtool check metrics <"$W/node.prom"
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
check "unprivileged user: add, load, mode, lock fail with permission denied" t_nobody_denied
check "contained root: add, load, mode, lock fail with permission denied" t_contained_denied
check "metrics: promtool check metrics accepts the output" t_metrics_promtool
check "metrics: every counter as bulwark_<name>_total, gauges without _total" t_metrics_names
check "metrics: work for an unprivileged user" t_metrics_nobody
check "metrics-textfile: writes a valid bulwark.prom, leaves no temporary file" t_metrics_textfile
check "Kubernetes metrics container: serves valid metrics over HTTP" t_node_metrics
check "audit: a contained exec of a blocklisted file is denied and in audit.log" t_audit_deny
check "kernel log: the denial is logged as action=deny" t_dmesg_deny
check "audit mode: allowed, counted and in audit.log as action=audit" t_audit_mode
if [ -n "$KO" ] && [ -r "$KO" ]; then
	check "module not loaded: every subcommand fails and says so; no stale metrics file" t_not_loaded
else
	skip "module not loaded: every subcommand fails and says so" \
		"no KO_PATH to load bulwark again"
fi
check "module loaded again, lock still off" test "$(knob locked)" = 0

echo "1..$n"
[ "$failed" -eq 0 ]
