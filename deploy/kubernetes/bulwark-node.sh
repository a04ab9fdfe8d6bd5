#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bulwark-node.sh - the bulwark DaemonSet's entry point, in the image built
# from deploy/kubernetes/Dockerfile.
#
#   bulwark-node.sh install   (privileged init container)
#     It only stages files, and writes nothing that bulwark protects:
#     1. copies the module's source to the host's /usr/src/bulwark-<version>,
#        where DKMS looks for it (unless an identical copy is there);
#     2. copies bulwarkctl, apply-policy and the ConfigMap's policy to the
#        host's /opt/bulwark;
#     3. runs apply-policy ON THE HOST, as a transient systemd unit
#        (nsenter into PID 1's namespaces, then systemd-run), with
#        BULWARK_DKMS_VERSION set: the host's DKMS builds and installs the
#        module for the running kernel into the host's /lib/modules, signed
#        with the host's MOK key (Secure Boot), then apply-policy loads the
#        module and the policy.  A container may neither write the host's
#        module tree (the persist rule protects /usr/lib and /lib) nor
#        change bulwark's settings, even a privileged one; a host service
#        may do both.
#
#   bulwark-node.sh metrics   (unprivileged sidecar)
#     serves `bulwarkctl metrics` on :$METRICS_PORT/metrics for Prometheus,
#     refreshed every $METRICS_INTERVAL seconds.
#
# Mounts (see bulwark.yaml): the host's /usr/src at the same path, the
# host's /opt/bulwark at /host/opt/bulwark, the ConfigMap at /config.

set -eu

SRC=/opt/bulwark/src
TOOLS=${BULWARK_NODE_TOOLS:-/opt/bulwark/bin}
HOST_DIR=/host/opt/bulwark
CONFIG=/config
NAME=bulwark

log() {
	printf 'bulwark-node: %s\n' "$*"
}

die() {
	printf 'bulwark-node: error: %s\n' "$*" >&2
	exit 1
}

VERSION=

# stage_source: the module's source, where the host's DKMS looks for it.
# An identical copy (the bulwark-dkms package's, or an earlier run's) is
# left alone.
stage_source() {
	VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$SRC/dkms.conf")
	[ -n "$VERSION" ] || die "no PACKAGE_VERSION in $SRC/dkms.conf"
	dest=/usr/src/$NAME-$VERSION
	if diff -r -q "$SRC" "$dest" >/dev/null 2>&1; then
		log "the source of bulwark $VERSION is in the node's $dest"
		return 0
	fi
	log "copying the source of bulwark $VERSION to the node's $dest"
	rm -rf "$dest.new"
	cp -r "$SRC" "$dest.new"
	rm -rf "$dest"
	mv "$dest.new" "$dest"
}

# stage_policy: the tools and the ConfigMap's policy, on the host.
stage_policy() {
	rm -rf "$HOST_DIR/bin.new" "$HOST_DIR/etc.new"
	mkdir -p "$HOST_DIR/bin.new" "$HOST_DIR/etc.new/blocklist.d"
	cp "$TOOLS/bulwarkctl" "$TOOLS/apply-policy" "$HOST_DIR/bin.new/"
	chmod 0755 "$HOST_DIR/bin.new/bulwarkctl" "$HOST_DIR/bin.new/apply-policy"
	for key in keys_dirs keys_names persist_paths exempt; do
		if [ -f "$CONFIG/$key" ]; then
			cp "$CONFIG/$key" "$HOST_DIR/etc.new/$key"
		fi
	done
	if [ -f "$CONFIG/blocklist.list" ]; then
		cp "$CONFIG/blocklist.list" "$HOST_DIR/etc.new/blocklist.d/configmap.list"
	fi
	rm -rf "${HOST_DIR:?}/bin" "${HOST_DIR:?}/etc"
	mv "$HOST_DIR/bin.new" "$HOST_DIR/bin"
	mv "$HOST_DIR/etc.new" "$HOST_DIR/etc"
}

apply_on_host() {
	command -v nsenter >/dev/null || die "nsenter is missing from the image"
	nsenter -t 1 -m -- test -d /run/systemd/system ||
		die "the node does not run systemd: run /opt/bulwark/bin/apply-policy from its boot scripts instead"
	log "building with DKMS and applying the policy on the host"
	nsenter -t 1 -m -u -i -n -p -- systemd-run --quiet --wait --pipe --collect \
		--unit="bulwark-apply-policy-$(date +%s)" \
		--description="bulwark: build the module with DKMS, apply the DaemonSet's policy" \
		-E "BULWARK_DKMS_VERSION=$VERSION" \
		-E BULWARK_CONF_DIR=/opt/bulwark/etc \
		-E BULWARKCTL=/opt/bulwark/bin/bulwarkctl \
		-E "BULWARK_LOCK=${BULWARK_LOCK:-no}" \
		-E "BULWARK_MINER_MODE=${BULWARK_MINER_MODE:-}" \
		-E "BULWARK_KEYS_MODE=${BULWARK_KEYS_MODE:-}" \
		-E "BULWARK_PERSIST_MODE=${BULWARK_PERSIST_MODE:-}" \
		/bin/sh /opt/bulwark/bin/apply-policy ||
		die "the DKMS build or apply-policy failed on the host (journalctl -u 'bulwark-apply-policy-*')"
}

serve_metrics() {
	port=${METRICS_PORT:-9743}
	www=${TMPDIR:-/tmp}/www
	mkdir -p "$www/cgi-bin"
	# Run by httpd for each scrape: live values, 503 without bulwark.
	sed "s|@TOOLS@|$TOOLS|" >"$www/cgi-bin/metrics" <<'CGI'
#!/bin/sh
if out=$(sh @TOOLS@/bulwarkctl metrics 2>&1); then
	printf 'Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n\r\n%s\n' "$out"
else
	printf 'Status: 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\n%s\n' "$out"
fi
CGI
	chmod 0755 "$www/cgi-bin/metrics"
	log "serving metrics on :$port/cgi-bin/metrics"
	exec busybox httpd -f -p "$port" -h "$www"
}

case ${1:-} in
install)
	stage_source
	stage_policy
	apply_on_host
	log "done: $(cat /sys/kernel/bulwark/version 2>/dev/null || echo '?') loaded"
	;;
metrics) serve_metrics ;;
*) die "usage: $0 install|metrics" ;;
esac
