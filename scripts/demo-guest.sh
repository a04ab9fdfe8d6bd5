#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh - the guest half of `make demo` (scripts/demo.sh boots the
# VM): replays five attacks on an exposed Docker host, first with bulwark in
# audit mode, then in enforce mode, and writes a report.
#
# Usage, as root in a throw-away test VM, from the repository's root:
#   sh scripts/demo-guest.sh KO_PATH MINER OUTDIR
#
#   KO_PATH  bulwark.ko for the running kernel
#   MINER    the stand-in miner (a static program, scripts/demo-xmrig.c)
#   OUTDIR   receives report.txt, kernel.log and the engine's logs
#
# Progress lines start with "demo: ".  The attacks go through the Docker
# API on tcp://127.0.0.1:2375, as they do on hosts that expose it:
#   miner    a container copies a blocklisted binary to /tmp and runs it;
#   new miner  the same miner with one byte appended (its hash is on no
#            list): the miner rule lets it through, the drift rule does
#            not, since the container wrote the file itself;
#   ssh key  a container started with the host's / on /mnt appends the
#            attacker's key to the host's /root/.ssh/authorized_keys;
#   root user  the same, chrooted into the host's /, adds a second root
#            account to /etc/passwd;
#   cron job   and drops a job in the host's /etc/cron.d.
# Exit status: 0 when enforce mode stopped all five, 1 otherwise, 2 when
# the demo could not run.

set -eu

PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
top=$(cd "$(dirname "$0")/.." && pwd)
CTL="sh $top/scripts/bulwarkctl"
DOCKER=/usr/bin/docker
export DOCKER_HOST=tcp://127.0.0.1:2375
IMG=demo/busybox
KEYS=/root/.ssh/authorized_keys
ADMIN_KEY="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdministratorKeyOfThisHost admin@host"
EVIL_KEY="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAttackerKeyDroppedFromAContainer attacker@c2"
EVIL_USER="backdoor:x:0:0::/root:/bin/sh"
EVIL_CRON="* * * * * root /tmp/.x/xmrig"
CRON_JOB=/etc/cron.d/0backdoor

[ "$#" -eq 3 ] || { echo "usage: $0 KO_PATH MINER OUTDIR" >&2; exit 2; }
KO=$1
MINER=$2
OUT=$3
W=$(mktemp -d /tmp/demo.XXXXXX)
REPORT=$OUT/report.txt
containerd_pid=
dockerd_pid=

# shellcheck disable=SC2317 # run from the EXIT trap
cleanup() {
	set +e
	[ -z "$dockerd_pid" ] || { kill "$dockerd_pid"; wait "$dockerd_pid"; }
	[ -z "$containerd_pid" ] || { kill "$containerd_pid"; wait "$containerd_pid"; }
	rm -rf "$W"
}
trap cleanup EXIT

progress() {
	echo "demo: $*"
}

fatal() {
	echo "demo: error: $*"
	exit 2
}

# The report: `say` writes a line.
say() {
	printf '%s\n' "$*" >>"$REPORT"
}

# shorten: ids and digests cut to 12 characters, for reading.
shorten() {
	sed -E 's/(container|sha256)=([0-9a-f]{12})[0-9a-f]{52}/\1=\2.../g'
}

mkdir -p "$OUT"
: >"$REPORT"

# --- the Docker engine ----------------------------------------------------------

for p in "$DOCKER" /usr/sbin/dockerd /usr/bin/containerd /usr/sbin/runc; do
	[ -x "$p" ] || fatal "$p is missing: apt-get install docker.io (scripts/deps.sh does)"
done

progress "starting containerd and dockerd (API on $DOCKER_HOST, no network); this takes a minute or two in a VM without KVM"
containerd >"$OUT/containerd.log" 2>&1 &
containerd_pid=$!
dockerd --iptables=false --ip6tables=false --bridge=none \
	-H tcp://127.0.0.1:2375 >"$OUT/dockerd.log" 2>&1 &
dockerd_pid=$!
t0=$(date +%s)
until $DOCKER version >/dev/null 2>&1; do
	[ $(($(date +%s) - t0)) -lt 600 ] ||
		fatal "dockerd did not answer within 600 s (see dockerd.log)"
	sleep 1
done
docker_version=$($DOCKER version --format '{{.Server.Version}}')
progress "Docker $docker_version answers after $(($(date +%s) - t0)) s"

# A busybox image, with the miner in it.
root=$W/rootfs
mkdir -p "$root/bin" "$root/opt" "$root/tmp" "$root/mnt" "$root/etc"
cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do
	[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
done
cp "$MINER" "$root/opt/xmrig"
chmod 0755 "$root/opt/xmrig"
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
tar -C "$root" -cf - . |
	$DOCKER import --change 'ENV PATH=/bin' - "$IMG" >/dev/null ||
	fatal "docker import failed"
progress "image $IMG imported (busybox, and a miner in /opt/xmrig)"

# --- bulwark -----------------------------------------------------------------------

insmod "$KO" || fatal "cannot load $KO"
version=$(cat /sys/kernel/bulwark/version)
progress "bulwark $version loaded"
# The defenders' list: sha256sum output of the samples they collected.
(cd "$root/opt" && sha256sum xmrig) >"$W/miners.sha256"
loaded=$($CTL load "$W/miners.sha256") || fatal "bulwarkctl load failed"
keys_rule=yes
[ -e /sys/kernel/security/bulwark/keys_dirs ] || keys_rule=no

mkdir -p /root/.ssh
chmod 0700 /root/.ssh
printf '%s\n' "$ADMIN_KEY" >"$KEYS"
persist_rule=yes
[ -e /sys/kernel/security/bulwark/persist_paths ] || persist_rule=no
drift_rule=yes
[ -e /proc/sys/kernel/bulwark/drift_mode ] || drift_rule=no
# The host's accounts and cron, put back after each round.
cp /etc/passwd "$W/passwd.orig"
mkdir -p /etc/cron.d

# --- the attacks ----------------------------------------------------------------------

# run_attacks MODE: the five attacks; results in $W/MODE.*.
run_attacks() {
	mode=$1
	$CTL mode miner "$mode" >/dev/null
	$CTL mode keys "$mode" >/dev/null
	[ "$persist_rule" = no ] || $CTL mode persist "$mode" >/dev/null
	[ "$drift_rule" = no ] || $CTL mode drift "$mode" >/dev/null
	# bulwark's log lines are limited to 10 every 5 s: start a new window.
	sleep 6
	echo "demo: mark $mode" >/dev/kmsg

	progress "$mode mode: a container drops a miner in /tmp and runs it"
	rc=0
	$DOCKER run --rm --network none "$IMG" \
		sh -c 'cp /opt/xmrig /tmp/xmrig && /tmp/xmrig' \
		>"$W/$mode.miner.out" 2>&1 || rc=$?
	echo "$rc" >"$W/$mode.miner.rc"

	progress "$mode mode: a container drops a new build of the miner (one byte more, a hash on no list) in /tmp and runs it"
	rc=0
	$DOCKER run --rm --network none "$IMG" \
		sh -c 'cp /opt/xmrig /tmp/xmrig && echo >>/tmp/xmrig && /tmp/xmrig' \
		>"$W/$mode.drift.out" 2>&1 || rc=$?
	echo "$rc" >"$W/$mode.drift.rc"

	progress "$mode mode: a container with the host's / mounted adds an SSH key for root"
	rc=0
	$DOCKER run --rm --network none -v /:/mnt "$IMG" \
		chroot /mnt sh -c "echo '$EVIL_KEY' >> $KEYS" \
		>"$W/$mode.keys.out" 2>&1 || rc=$?
	echo "$rc" >"$W/$mode.keys.rc"
	if grep -q attacker@c2 "$KEYS"; then
		echo yes >"$W/$mode.keys.written"
	else
		echo no >"$W/$mode.keys.written"
	fi
	# Put the host's keys back for the next round.
	printf '%s\n' "$ADMIN_KEY" >"$KEYS"

	progress "$mode mode: the same container adds a root user to the host"
	rc=0
	$DOCKER run --rm --network none -v /:/mnt "$IMG" \
		chroot /mnt sh -c "echo '$EVIL_USER' >> /etc/passwd" \
		>"$W/$mode.user.out" 2>&1 || rc=$?
	echo "$rc" >"$W/$mode.user.rc"
	if grep -q '^backdoor:' /etc/passwd; then
		echo yes >"$W/$mode.user.written"
	else
		echo no >"$W/$mode.user.written"
	fi
	cp "$W/passwd.orig" /etc/passwd

	progress "$mode mode: the same container installs a cron job on the host"
	rc=0
	$DOCKER run --rm --network none -v /:/mnt "$IMG" \
		chroot /mnt sh -c "echo '$EVIL_CRON' > $CRON_JOB" \
		>"$W/$mode.cron.out" 2>&1 || rc=$?
	echo "$rc" >"$W/$mode.cron.rc"
	if [ -e "$CRON_JOB" ]; then
		echo yes >"$W/$mode.cron.written"
	else
		echo no >"$W/$mode.cron.written"
	fi
	rm -f "$CRON_JOB"

	dmesg | sed -n "/demo: mark $mode\$/,\$p" | grep 'bulwark: action=' |
		sed 's/^\[[ 0-9.]*\] //' >"$W/$mode.log" || true
	cat "$W/$mode.log" >>"$OUT/kernel.log"
	for c in exec_blocked exec_audited drift_blocked drift_audited \
		keys_blocked keys_audited persist_blocked persist_audited; do
		[ -e "/sys/kernel/bulwark/counters/$c" ] || continue
		echo "$c $(cat "/sys/kernel/bulwark/counters/$c")"
	done >"$W/$mode.counters"
}

run_attacks audit
run_attacks enforce

# --- the report -------------------------------------------------------------------------

first_line() {
	head -n 1 "$1" | cut -c 1-90
}

# describe MODE: the outcome of the attacks; counts the attacks stopped.
stopped=0
describe() {
	mode=$1
	rc=$(cat "$W/$mode.miner.rc")
	if [ "$rc" -eq 0 ]; then
		say "  miner     RAN       $(first_line "$W/$mode.miner.out")"
	else
		say "  miner     DENIED    $(first_line "$W/$mode.miner.out") (exit $rc)"
		[ "$mode" != enforce ] || stopped=$((stopped + 1))
	fi
	rc=$(cat "$W/$mode.drift.rc")
	if [ "$rc" -eq 0 ]; then
		say "  new miner RAN       $(first_line "$W/$mode.drift.out")"
	else
		say "  new miner DENIED    $(first_line "$W/$mode.drift.out") (exit $rc)"
		[ "$mode" != enforce ] || stopped=$((stopped + 1))
	fi
	rc=$(cat "$W/$mode.keys.rc")
	if [ "$(cat "$W/$mode.keys.written")" = yes ]; then
		say "  ssh key   WRITTEN   the host's $KEYS now lets the attacker in"
	else
		msg=$(first_line "$W/$mode.keys.out")
		say "  ssh key   DENIED    ${msg:-refused} (exit $rc); the host's file is unchanged"
		[ "$mode" != enforce ] || stopped=$((stopped + 1))
	fi
	for a in user cron; do
		rc=$(cat "$W/$mode.$a.rc")
		if [ "$a" = user ]; then
			label="root user"
			what="the host's /etc/passwd has a second root, 'backdoor'"
		else
			label="cron job "
			what="the host's cron runs $CRON_JOB as root"
		fi
		if [ "$(cat "$W/$mode.$a.written")" = yes ]; then
			say "  $label WRITTEN   $what"
		else
			msg=$(first_line "$W/$mode.$a.out")
			say "  $label DENIED    ${msg:-refused} (exit $rc); the host's file is unchanged"
			[ "$mode" != enforce ] || stopped=$((stopped + 1))
		fi
	done
	say "  kernel log (ids shortened):"
	if [ -s "$W/$mode.log" ]; then
		shorten <"$W/$mode.log" | sed 's/^/    /' >>"$REPORT"
	else
		say "    (no bulwark lines)"
	fi
}

counters_line() {
	awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }' "$1"
}

say "======================================================================"
say " bulwark $version demo: Debian kernel $(uname -r), Docker $docker_version"
say "======================================================================"
say "Blocklist:  bulwarkctl load miners.sha256  ->  ${loaded}"
say "            $(cat "$W/miners.sha256")"
say "Attacks, replayed through the Docker API on $DOCKER_HOST:"
say "  miner     docker run $IMG sh -c 'cp /opt/xmrig /tmp/xmrig && /tmp/xmrig'"
say "  new miner docker run $IMG sh -c 'cp /opt/xmrig /tmp/xmrig && echo >>/tmp/xmrig && /tmp/xmrig'"
say "              (one byte more: its hash is on no list; the container wrote the file)"
say "  ssh key   docker run -v /:/mnt $IMG chroot /mnt sh -c \\"
say "              'echo ssh-ed25519 AAAA... attacker@c2 >> $KEYS'"
say "  root user docker run -v /:/mnt $IMG chroot /mnt sh -c \\"
say "              'echo $EVIL_USER >> /etc/passwd'"
say "  cron job  docker run -v /:/mnt $IMG chroot /mnt sh -c \\"
say "              'echo \"$EVIL_CRON\" > $CRON_JOB'"
if [ "$drift_rule" = no ]; then
	say "  (this bulwark build has no drift rule: /proc/sys/kernel/bulwark/drift_mode is missing)"
fi
if [ "$keys_rule" = no ]; then
	say "  (this bulwark build has no host-keys rule: /sys/kernel/security/bulwark/keys_dirs is missing)"
fi
say ""
say "AUDIT mode (bulwarkctl mode miner|keys|persist|drift audit): log and count, allow"
describe audit
say "  counters:  $(counters_line "$W/audit.counters")"
say ""
say "ENFORCE mode (bulwarkctl mode miner|keys|persist|drift enforce): deny"
describe enforce
say "  counters:  $(counters_line "$W/enforce.counters")"
say ""
say "bulwarkctl status:"
$CTL status | sed 's/^/  /' >>"$REPORT"
say ""
if [ "$stopped" -eq 5 ]; then
	say "Result: audit mode logged the attacks and let them run; enforce mode stopped 5 of 5."
	status=0
else
	say "Result: enforce mode stopped $stopped of 5 attacks."
	status=1
fi
progress "done"
exit "$status"
