#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bulwark-node.sh - the bulwark DaemonSet's entry point, in the image built
# from deploy/kubernetes/Dockerfile.
#
# The node owns bulwark: its packages (bulwark-dkms, bulwark-tools) install
# the module, and its bulwark-policy.service loads it and puts the node's
# policy in force at boot, before the container runtime.  This script never
# changes bulwark's settings or policy, which bulwark refuses to every
# container, and never enters the node's namespaces, which bulwark's escape
# rule refuses.  It writes nothing on the node.
#
#   bulwark-node.sh load   (init container; privileged: it loads a module)
#     If bulwark is not loaded, loads the module that the node's packages
#     installed, with the node's own modprobe, chrooted into the node's
#     root filesystem (mounted read-only at /host): its /lib/modules and
#     /etc/modprobe.d options, and, above all, the node's files for the
#     default lists that bulwark resolves as it loads, in the loading
#     task's root (keys_dirs, persist_paths, the module tree).  The node's
#     policy is not in force until bulwark-policy.service runs on the node;
#     `ready` says so.
#
#   bulwark-node.sh metrics   (unprivileged container)
#     Serves `bulwarkctl metrics`, plus bulwark_node_ready, on
#     :$METRICS_PORT/cgi-bin/metrics for Prometheus, and the readiness
#     report on /cgi-bin/ready (200 ready, 503 not), with busybox httpd.
#
#   bulwark-node.sh ready
#     Prints whether this node runs bulwark as expected; exit status 0 when
#     it does.  Checked, from files only: the module is loaded; its version
#     and modes are those of BULWARK_EXPECT_* (empty: not checked); the
#     node's policy service put its policy in force after the module was
#     loaded (/run/bulwark/policy-applied, written by apply-policy).
#
# Environment:
#   BULWARK_EXPECT_VERSION, BULWARK_EXPECT_MINER_MODE, ..._KEYS_MODE,
#   ..._PERSIST_MODE, ..._ESCAPE_MODE, ..._DRIFT_MODE (off, audit,
#   enforce), BULWARK_EXPECT_LOCKED (yes, no): what `ready` expects.
#   METRICS_PORT (9743).  For tests: BULWARK_NODE_TOOLS (where bulwarkctl
#   is), BULWARK_HOST_ROOT (/host), BULWARK_NODE_STAMP (the policy
#   service's stamp), BULWARK_NODE_STATE (this pod's own state directory).

set -eu

TOOLS=${BULWARK_NODE_TOOLS:-/opt/bulwark/bin}
HOST=${BULWARK_HOST_ROOT:-/host}
STAMP=${BULWARK_NODE_STAMP:-$HOST/run/bulwark/policy-applied}
STATE=${BULWARK_NODE_STATE:-/run/bulwark-node}
SYSFS=/sys/kernel/bulwark
SYSCTL=/proc/sys/kernel/bulwark
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

log() {
	printf 'bulwark-node: %s\n' "$*"
}

die() {
	printf 'bulwark-node: error: %s\n' "$*" >&2
	exit 1
}

# --- load ---------------------------------------------------------------------

cmd_load() {
	if [ -r "$SYSFS/version" ]; then
		log "bulwark $(cat "$SYSFS/version") is loaded"
		return 0
	fi
	rel=$(uname -r)
	[ -d "$HOST/lib/modules/$rel" ] ||
		die "the node's root filesystem is not at $HOST (no $HOST/lib/modules/$rel)"
	if [ -z "$(find "$HOST/lib/modules/$rel/" -name 'bulwark.ko*' 2>/dev/null | head -n 1)" ]; then
		die "bulwark is not installed for $rel on this node: install the bulwark-dkms and bulwark-tools packages in the node's image (Documentation/install.rst)"
	fi
	log "bulwark is not loaded: loading it with the node's modprobe, in the node's root filesystem"
	# The node's modprobe and modprobe.d; the module resolves its default
	# paths in this task's root, which must be the node's.
	if ! PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$HOST" modprobe bulwark; then
		die "the node's modprobe could not load bulwark (see the node's kernel log: journalctl -k | grep bulwark)"
	fi
	[ -r "$SYSFS/version" ] || die "modprobe succeeded, but $SYSFS/version is missing"
	mkdir -p "$STATE"
	date +%s >"$STATE/loaded"
	log "loaded bulwark $(cat "$SYSFS/version") with the node's module options; the node's policy (blocklist, lists, modes of /etc/default/bulwark, lock) is not in force until bulwark-policy.service runs on the node: systemctl restart bulwark-policy.service"
}

# --- ready --------------------------------------------------------------------

# mode_name N
mode_name() {
	case $1 in
	0) echo off ;;
	1) echo audit ;;
	2) echo enforce ;;
	*) echo "unknown ($1)" ;;
	esac
}

# stamp_value KEY: KEY's value in the policy service's stamp.
stamp_value() {
	sed -n "s/^$1=//p" "$STAMP" | head -n 1
}

# stamp_number KEY: KEY's value as a number, 0 when it is not one.
stamp_number() {
	v=$(stamp_value "$1")
	case $v in
	'' | *[!0-9]*) echo 0 ;;
	*) echo "$v" ;;
	esac
}

# check_ready: print one line per problem on stdout; print nothing when the
# node runs bulwark as expected.
check_ready() {
	if [ ! -r "$SYSFS/version" ]; then
		echo "bulwark is not loaded"
		return 0
	fi
	version=$(cat "$SYSFS/version")
	want=${BULWARK_EXPECT_VERSION:-}
	if [ -n "$want" ] && [ "$version" != "$want" ]; then
		echo "bulwark $version is loaded, $want is expected"
	fi
	for rule in miner keys persist escape drift; do
		var=BULWARK_EXPECT_$(echo "$rule" | tr '[:lower:]' '[:upper:]')_MODE
		eval "want=\${$var:-}"
		[ -n "$want" ] || continue
		if [ ! -r "$SYSCTL/${rule}_mode" ]; then
			echo "${rule}_mode: $want is expected, but this bulwark has no $rule rule"
			continue
		fi
		now=$(mode_name "$(cat "$SYSCTL/${rule}_mode")")
		[ "$now" = "$want" ] || echo "${rule}_mode is $now, $want is expected"
	done
	want=${BULWARK_EXPECT_LOCKED:-}
	if [ -n "$want" ]; then
		if [ "$(cat "$SYSCTL/locked")" = 0 ]; then now=no; else now=yes; fi
		[ "$now" = "$want" ] || echo "locked is $now, $want is expected"
	fi
	if [ ! -r "$STAMP" ]; then
		echo "the node's policy service has not put its policy in force since boot (no $STAMP): see journalctl -u bulwark-policy.service on the node"
		return 0
	fi
	if [ "$(stamp_value version)" != "$version" ]; then
		echo "the node's policy service last ran with bulwark $(stamp_value version), and $version is loaded now: run systemctl restart bulwark-policy.service on the node"
		return 0
	fi
	# Counters restart at 0 when the module loads: fewer policy writes
	# than the stamp counted means a module loaded after the policy.
	loads=$(cat "$SYSFS/counters/policy_loads" 2>/dev/null || echo 0)
	if [ "$loads" -lt "$(stamp_number policy_loads)" ]; then
		echo "bulwark was loaded again after the node's policy service ran: run systemctl restart bulwark-policy.service on the node"
		return 0
	fi
	if [ -r "$STATE/loaded" ] &&
		[ "$(stamp_number time)" -lt "$(cat "$STATE/loaded")" ]; then
		echo "this pod loaded bulwark after the node's policy service ran: run systemctl restart bulwark-policy.service on the node"
	fi
}

cmd_ready() {
	problems=$(check_ready)
	if [ -n "$problems" ]; then
		printf '%s\n' "$problems" | sed 's/^/not ready: /'
		return 1
	fi
	printf 'ready: bulwark %s, policy in force since %s\n' \
		"$(cat "$SYSFS/version")" \
		"$(date -u -d "@$(stamp_number time)" '+%Y-%m-%d %H:%M:%S UTC' 2>/dev/null ||
			stamp_number time)"
}

# --- metrics ------------------------------------------------------------------

# shquote S: S quoted for sh.
shquote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

cmd_metrics() {
	port=${METRICS_PORT:-9743}
	www=${TMPDIR:-/tmp}/www
	mkdir -p "$www/cgi-bin"
	# httpd's CGI programs get this environment from a file.
	{
		for v in BULWARK_EXPECT_VERSION BULWARK_EXPECT_MINER_MODE \
			BULWARK_EXPECT_KEYS_MODE BULWARK_EXPECT_PERSIST_MODE \
			BULWARK_EXPECT_ESCAPE_MODE BULWARK_EXPECT_DRIFT_MODE \
			BULWARK_EXPECT_LOCKED BULWARK_NODE_TOOLS BULWARK_HOST_ROOT \
			BULWARK_NODE_STAMP BULWARK_NODE_STATE; do
			val=
			eval "val=\${$v:-}"
			printf 'export %s=%s\n' "$v" "$(shquote "$val")"
		done
		printf 'NODE=%s\nTOOLS=%s\n' "$(shquote "$SELF")" "$(shquote "$TOOLS")"
	} >"$www/env"
	# Run by httpd for each scrape: live values, 503 without bulwark.
	cat >"$www/cgi-bin/metrics" <<CGI
#!/bin/sh
. $(shquote "$www/env")
CGI
	cat >>"$www/cgi-bin/metrics" <<'CGI'
if out=$(sh "$TOOLS/bulwarkctl" metrics 2>&1); then
	if sh "$NODE" ready >/dev/null 2>&1; then ready=1; else ready=0; fi
	printf 'Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n\r\n%s\n' "$out"
	printf '# HELP bulwark_node_ready 1 when the node runs bulwark as the DaemonSet expects (bulwark-node ready).\n# TYPE bulwark_node_ready gauge\nbulwark_node_ready %s\n' "$ready"
else
	printf 'Status: 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\n%s\n' "$out"
fi
CGI
	cat >"$www/cgi-bin/ready" <<CGI
#!/bin/sh
. $(shquote "$www/env")
CGI
	cat >>"$www/cgi-bin/ready" <<'CGI'
if out=$(sh "$NODE" ready 2>&1); then
	printf 'Content-Type: text/plain\r\n\r\n%s\n' "$out"
else
	printf 'Status: 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\n%s\n' "$out"
fi
CGI
	chmod 0755 "$www/cgi-bin/metrics" "$www/cgi-bin/ready"
	log "serving metrics on :$port/cgi-bin/metrics, readiness on :$port/cgi-bin/ready"
	exec busybox httpd -f -p "$port" -h "$www"
}

case ${1:-} in
load) cmd_load ;;
ready) cmd_ready ;;
metrics) cmd_metrics ;;
*) die "usage: $0 load|ready|metrics" ;;
esac
