#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# docker_e2e.sh - end-to-end test with Debian's docker.io (dockerd,
# containerd, runc), run as root in a throw-away test VM.
#
# Usage, from the repository's root, after make -C selftests:
#   sh selftests/docker_e2e.sh KO_PATH > /out/docker_e2e.tap
#
# Starts containerd and dockerd with the API on tcp://127.0.0.1:2375, as on
# the exposed hosts that get attacked, and drives every container through
# that API, with Debian's docker client:
#   - a busybox image is imported; "docker run" is timed without bulwark,
#     then with it loaded (the same guest, the same number of runs);
#   - ordinary containers start, run and stop normally with bulwark loaded
#     and a blocklist in force (runc's memfd self-exec included);
#   - a blocklisted binary copied into /tmp, /dev/shm and a memfd is
#     denied in a container, and the log names the container id that
#     "docker ps --no-trunc" shows; the host runs the same file;
#   - with the host's / mounted in a container, appending to the host's
#     /root/.ssh/authorized_keys, mv over it, sed -i and chattr -i are
#     denied and the file is unchanged; a container's own authorized_keys
#     may be written; the host's administrator keeps every right;
#   - in audit mode the same attacks succeed and are logged;
#   - a --privileged container may write no sysctl and, with securityfs
#     mounted inside it, no securityfs file of bulwark: every write fails
#     with EPERM and nothing changes; it may still unload bulwark, which
#     only locked=1 prevents (diagnostic; locked_test.c checks the lock).
#
# Prints TAP ("ok N - name", "not ok N - name", then "1..N") and exits
# non-zero if a test failed.  It leaves bulwark loaded with its default
# settings and an empty blocklist.

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=selftests/e2e_lib.sh
. "$top/selftests/e2e_lib.sh"

KO=${1:-${BULWARK_KO:-}}
# Debian's client, whatever else PATH holds.
DOCKER=/usr/bin/docker
export DOCKER_HOST=tcp://127.0.0.1:2375
IMG=bulwark-e2e/busybox
KEYS=/root/.ssh/authorized_keys
HOST_KEY="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyOfTheAdministrator admin@host"
EVIL_KEY="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAttackerKeyFromAContainer evil@c2"
# docker run timings: runs with and without bulwark, a rough look only
# (make bench measures the cost).
RUNS=${BULWARK_E2E_RUNS:-2}

W=$(mktemp -d /tmp/docker_e2e.XXXXXX)
containerd_pid=
dockerd_pid=

# shellcheck disable=SC2317 # run from the EXIT trap
cleanup() {
	set +e
	if [ -n "$dockerd_pid" ]; then
		$DOCKER rm -f victim keys-audit keys-deny >/dev/null 2>&1
		kill "$dockerd_pid"
		wait "$dockerd_pid"
	fi
	if [ -n "$containerd_pid" ]; then
		kill "$containerd_pid"
		wait "$containerd_pid"
	fi
	# Locked (the last tests lock it), bulwark keeps its state until
	# the guest powers off: nothing to restore, nothing that could be.
	if [ -d /sys/module/bulwark ] &&
		[ "$(cat "$SYSCTL/locked" 2>/dev/null)" = 0 ]; then
		knob miner_mode 2
		knob keys_mode 2
		(: >"$SECFS/blocklist") 2>/dev/null
	fi
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

[ "$(id -u)" -eq 0 ] || die "must run as root"
if [ -z "$KO" ] || [ ! -r "$KO" ]; then
	die "usage: $0 KO_PATH (bulwark.ko)"
fi
for p in $DOCKER /usr/sbin/dockerd /usr/bin/containerd /usr/sbin/runc; do
	if [ ! -x "$p" ]; then
		echo "1..0 # SKIP $p is missing: apt-get install docker.io"
		exit 0
	fi
done
[ -x "$top/build/selftests/memfd-exec" ] ||
	die "no build/selftests/memfd-exec: run make -C selftests first"

# Milliseconds since the epoch.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# timed_run VAR: one run of an empty container; adds its time in ms to
# the list in $VAR; fails if the run failed.
timed_run() {
	t0=$(now_ms)
	$DOCKER run --rm --network none "$IMG" true >>"$W/runs.log" 2>&1 ||
		return 1
	eval "$1=\"\${$1} $(($(now_ms) - t0))\""
}

# stats LIST: "mean M ms, best B ms" of the numbers in LIST.
stats() {
	echo "$1" | tr ' ' '\n' | sed '/^$/d' | sort -n |
		awk '{ s += $1; if (NR == 1) b = $1 }
		     END { printf "mean %d ms, best %d ms", s / NR, b }'
}

# in_victim COMMAND...: runs COMMAND in the long-running container.
in_victim() {
	$DOCKER exec victim "$@"
}

# host_keys_unchanged: the host's key file holds exactly HOST_KEY.
host_keys_unchanged() {
	[ "$(cat "$KEYS")" = "$HOST_KEY" ]
}

# attack NAME MARK COMMAND...: a keys attack run in a new container with
# the host's / on /mnt, named keys-deny; it must fail, leave the host's
# file unchanged, and be logged as a denial naming the container.
attack() {
	attack_for host_keys host_keys_unchanged "$@"
	rm -f /root/.ssh/new /root/.ssh/sed*
	printf '%s\n' "$HOST_KEY" >"$KEYS"
}

# attack_for REASON UNCHANGED NAME MARK COMMAND...: as attack, for the
# rule that reports REASON; the command UNCHANGED tells the host's
# files are as they were.
attack_for() {
	reason=$1
	unchanged=$2
	name=$3
	mark=$4
	shift 4
	kmsg_mark "$mark"
	if $DOCKER run --name keys-deny --network none -v /:/mnt "$IMG" \
		chroot /mnt "$@" >"$W/out" 2>&1; then
		not_ok "$name is denied (it succeeded)" "$W/out"
	elif ! $unchanged; then
		not_ok "$name leaves the host's files unchanged" "$W/out"
	else
		ok "$name is denied, the host's files unchanged"
	fi
	id=$($DOCKER inspect -f '{{.Id}}' keys-deny 2>/dev/null || true)
	got=$(report_container "$mark" "action=deny .*reason=$reason")
	if [ -n "$id" ] && [ "$got" = "$id" ]; then
		ok "$name: the denial names container $id"
	else
		kmsg_since "$mark" | grep bulwark >"$W/out" || true
		not_ok "$name: the denial names the container ($got, not $id)" \
			"$W/out"
	fi
	$DOCKER rm -f keys-deny >/dev/null 2>&1 || true
}

# --- the engine, without bulwark ---------------------------------------

if [ -d /sys/module/bulwark ] && ! rmmod bulwark 2>"$W/out"; then
	die "cannot unload bulwark to time docker run without it: $(cat "$W/out")"
fi

kmsg_mark start
containerd >"$W/containerd.log" 2>&1 &
containerd_pid=$!
dockerd --iptables=false --ip6tables=false --bridge=none \
	-H tcp://127.0.0.1:2375 >"$W/dockerd.log" 2>&1 &
dockerd_pid=$!
t0=$(date +%s)
until $DOCKER version >/dev/null 2>&1; do
	if [ $(($(date +%s) - t0)) -gt 300 ]; then
		not_ok "dockerd answers on $DOCKER_HOST" "$W/dockerd.log"
		finish
		exit 1
	fi
	sleep 1
done
ok "dockerd answers on $DOCKER_HOST after $(($(date +%s) - t0)) s"

make_rootfs "$W/rootfs"
check "a busybox image is imported" sh -c \
	"tar -C '$W/rootfs' -cf - . | $DOCKER import --change 'ENV PATH=/bin' - $IMG"

# Timed runs without and with bulwark, interleaved so that both see the
# same load, after a warm-up run.
# shellcheck disable=SC2034 # set, and only set, by timed_run
warmup=
unloaded=
loaded=
runs_ok=1
timed_run warmup || runs_ok=0
i=0
while [ "$i" -lt "$RUNS" ] && [ "$runs_ok" -eq 1 ]; do
	timed_run unloaded || runs_ok=0
	if ! insmod "$KO" 2>"$W/out"; then
		not_ok "bulwark loads" "$W/out"
		finish
		exit 1
	fi
	block_miner "$W/rootfs"
	timed_run loaded || runs_ok=0
	rmmod bulwark
	i=$((i + 1))
done
if [ "$runs_ok" -eq 1 ]; then
	ok "ordinary containers run, with bulwark and without (runc's memfd self-exec too)"
else
	not_ok "ordinary containers run, with bulwark and without" "$W/runs.log"
fi
diag "docker run --rm --network none IMG true, $RUNS runs each, interleaved:"
diag "  without bulwark: $(stats "$unloaded") (${unloaded# })"
diag "  with bulwark:    $(stats "$loaded") (${loaded# })"

# --- bulwark loaded, a blocklist in force ------------------------------

if ! insmod "$KO" 2>"$W/out"; then
	not_ok "bulwark loads" "$W/out"
	finish
	exit 1
fi
ok "bulwark loads"
block_miner "$W/rootfs"
blocked0=$(counter exec_blocked)
check "a container runs a script, pipes and a shell" sh -c \
	"$DOCKER run --rm --network none $IMG sh -c 'echo hello | tr a-z A-Z | grep -q HELLO'"

# /dev/shm made executable: Docker mounts its own noexec.
if victim=$($DOCKER run -d --network none --name victim \
	--tmpfs /dev/shm:rw,exec,size=16m "$IMG" sleep 600 2>"$W/out"); then
	ok "a long-running container starts"
else
	not_ok "a long-running container starts" "$W/out"
fi
listed=$($DOCKER ps --no-trunc --filter name=victim --format '{{.ID}}')
pid=$($DOCKER inspect -f '{{.State.Pid}}' victim)
diag "victim: docker ps --no-trunc: $listed, /proc/$pid/cgroup:" \
	"$(tr '\n' ' ' <"/proc/$pid/cgroup")"
if [ -n "$listed" ] && [ "$listed" = "$victim" ]; then
	ok "docker ps --no-trunc lists it with the id docker run printed"
else
	not_ok "docker ps --no-trunc lists it ($listed, not $victim)"
fi

# The miner, copied where attackers drop it.
ratelimit_pause
kmsg_mark tmp
check_denied "the miner copied into /tmp is denied" in_victim sh -c \
	'cp /opt/xmrig /tmp/busybox && /tmp/busybox true'
got=$(report_container tmp 'action=deny op=exec reason=miner_hash')
if [ "$got" = "$listed" ]; then
	ok "the log names the container that docker ps --no-trunc shows"
else
	kmsg_since tmp | grep bulwark >"$W/out" || true
	not_ok "the log names the container that docker ps shows ($got, not $listed)" \
		"$W/out"
fi
check_denied "the miner copied into /dev/shm is denied" in_victim sh -c \
	'cp /opt/xmrig /dev/shm/busybox && /dev/shm/busybox true'
check_denied "the miner run from a memfd is denied" \
	in_victim memfd-exec /opt/xmrig busybox true
check "a renamed copy of busybox, not blocklisted, runs" in_victim sh -c \
	'mkdir -p /tmp/ok && cp /bin/busybox /tmp/ok/busybox && /tmp/ok/busybox true'
blocked=$(counter exec_blocked)
if [ "$blocked" -ge $((blocked0 + 3)) ]; then
	ok "exec_blocked counts the three denials ($blocked0 -> $blocked)"
else
	not_ok "exec_blocked counts the three denials ($blocked0 -> $blocked)"
fi
mkdir -p "$W/host"
cp "$W/rootfs/opt/xmrig" "$W/host/busybox"
check "the host runs the same miner" "$W/host/busybox" true
if [ "$(counter exec_blocked)" -eq "$blocked" ]; then
	ok "the host's run is not counted as blocked"
else
	not_ok "the host's run is not counted as blocked"
fi

# --- host keys ---------------------------------------------------------

if [ ! -e "$SECFS/keys_dirs" ]; then
	skip "host keys" "this bulwark has no keys rule"
else
	# The keys rule alone: /root is persist's too, which would refuse
	# the temporary files of mv and sed -i first.
	[ ! -e "$SYSCTL/persist_mode" ] || knob persist_mode 0
	mkdir -p /root/.ssh
	chmod 0700 /root/.ssh
	printf '%s\n' "$HOST_KEY" >"$KEYS"
	# The chattr case needs a file system with attributes. The guest's
	# root is an overlay, which has them only from v5.13: on older
	# kernels /root/.ssh is an ext4 image for the keys cases (Docker's
	# bind of / is recursive, so the containers see it too).
	ssh_img=
	if ! chattr -i "$KEYS" 2>"$W/out"; then
		ssh_img=$W/ssh.img
		truncate -s 8M "$ssh_img"
		mkfs.ext4 -q -F "$ssh_img"
		modprobe -q loop || true
		mount -o loop "$ssh_img" /root/.ssh
		chmod 0700 /root/.ssh
		printf '%s\n' "$HOST_KEY" >"$KEYS"
		# Protection does not cross into a filesystem mounted
		# beneath /root: it takes an entry of its own.
		keys_dirs_saved=$(cat "$SECFS/keys_dirs")
		echo /root/.ssh >>"$SECFS/keys_dirs"
		diag "/root/.ssh is an ext4 image here: $(cat "$W/out")"
	fi
	check "the host's administrator writes the host's keys" sh -c \
		"printf '%s\n' '$HOST_KEY' >>'$KEYS' &&
		 printf '%s\n' '$HOST_KEY' >'$KEYS'"

	ratelimit_pause
	attack "echo KEY >> authorized_keys" append \
		sh -c "echo '$EVIL_KEY' >> $KEYS"
	attack "mv over authorized_keys" mv \
		sh -c "echo '$EVIL_KEY' > /root/.ssh/new && mv /root/.ssh/new $KEYS"
	ratelimit_pause
	attack "sed -i authorized_keys" sed sed -i "s/^/$EVIL_KEY /" "$KEYS"
	chattr +i "$KEYS"
	attack_for host_keys host_keys_unchanged \
		"chattr -i authorized_keys" chattr chattr -i "$KEYS"
	check "the host's file is still immutable" sh -c \
		"lsattr '$KEYS' | cut -d' ' -f1 | grep -q i"
	chattr -i "$KEYS"
	check "a container writes its own /root/.ssh/authorized_keys" \
		$DOCKER run --rm --network none "$IMG" sh -c \
		"mkdir -p /root/.ssh && echo '$EVIL_KEY' >> $KEYS && grep -q evil $KEYS"
	check "the host's file is still the administrator's" host_keys_unchanged
	if [ -n "$ssh_img" ]; then
		# The entry holds the mount: drop it first.
		printf '%s\n' "$keys_dirs_saved" >"$SECFS/keys_dirs"
		umount /root/.ssh
	fi
	[ ! -e "$SYSCTL/persist_mode" ] || knob persist_mode 2
fi

# --- host persistence --------------------------------------------------

# persist_state: what the persistence attacks aim at, as one text.
persist_state() {
	sha256sum /etc/passwd /etc/shadow /etc/crontab 2>&1 || true
	ls -la --time-style=+ /etc/cron.d /etc/systemd/system 2>&1 || true
	# Absent, as it should stay: the message is part of the state.
	ls -la /etc/ld.so.preload 2>&1 || true
}

# host_persist_unchanged: persist_state as it was before the attacks.
host_persist_unchanged() {
	persist_state >"$W/persist.now"
	cmp -s "$W/persist.before" "$W/persist.now"
}

if [ ! -e "$SECFS/persist_paths" ]; then
	skip "host persistence" "this bulwark has no persist rule"
else
	mkdir -p /etc/cron.d /etc/systemd/system
	touch /etc/crontab
	# The lists hold what existed at load: /etc/cron.d made now is a
	# name in /etc, which protects what is made beneath it too.
	persist_state >"$W/persist.before"
	blocked0=$(counter persist_blocked)
	ratelimit_pause
	attack_for host_persist host_persist_unchanged \
		"a root user appended to /etc/passwd" user \
		sh -c "echo 'backdoor:x:0:0::/root:/bin/sh' >> /etc/passwd"
	ratelimit_pause
	attack_for host_persist host_persist_unchanged \
		"a cron job in /etc/cron.d" cron \
		sh -c "echo '* * * * * root id' > /etc/cron.d/0backdoor"
	attack_for host_persist host_persist_unchanged \
		"echo >> /etc/crontab" crontab \
		sh -c "echo '* * * * * root id' >> /etc/crontab"
	ratelimit_pause
	attack_for host_persist host_persist_unchanged \
		"a new unit in /etc/systemd/system" unit \
		sh -c "printf '[Service]\nExecStart=/bin/true\n' > /etc/systemd/system/evil.service"
	attack_for host_persist host_persist_unchanged \
		"/etc/ld.so.preload created" preload \
		sh -c "echo /tmp/x.so > /etc/ld.so.preload"
	blocked=$(counter persist_blocked)
	if [ "$blocked" -ge $((blocked0 + 5)) ]; then
		ok "persist_blocked counts the five denials ($blocked0 -> $blocked)"
	else
		not_ok "persist_blocked counts the five denials ($blocked0 -> $blocked)"
	fi
	check "the host's persistence files are unchanged" host_persist_unchanged
	check "a container writes its own /etc/passwd and /etc/cron.d" \
		$DOCKER run --rm --network none "$IMG" sh -c \
		"echo 'x:x:0:0::/:/bin/sh' >> /etc/passwd && mkdir -p /etc/cron.d && echo job > /etc/cron.d/job"
	check "a container with the host's / writes the host's /opt" \
		$DOCKER run --rm --network none -v /:/mnt "$IMG" sh -c \
		"mkdir -p /mnt/opt/bulwark-e2e && echo ok > /mnt/opt/bulwark-e2e/f"
	check "the host sees that file" grep -qx ok /opt/bulwark-e2e/f
	rm -rf /opt/bulwark-e2e
	check "the host's administrator adds a cron job" sh -c \
		"echo '# e2e' > /etc/cron.d/e2e-admin && rm /etc/cron.d/e2e-admin"
fi

# --- a privileged container -------------------------------------------

# bulwark_state: every sysctl value, and each securityfs file's content
# and mode, as one text to compare.
bulwark_state() {
	for k in miner_mode keys_mode persist_mode scope hash_max_bytes locked; do
		echo "$k=$(cat "$SYSCTL/$k")"
	done
	for f in blocklist keys_dirs keys_names persist_paths exempt; do
		echo "$f: $(stat -c %a "$SECFS/$f") $(sha256sum <"$SECFS/$f")"
	done
}

# What the container tries: each write must fail, with EPERM's message
# (a failed redirection of a special built-in such as ":" would end the
# script, hence "true >FILE").
# "locked" is tried with 0 only, so that a regression cannot lock the
# guest; the handler refuses the writer before it parses.
# shellcheck disable=SC2016 # expanded by the container's shell
PRIV_SCRIPT='
n=0
for k in miner_mode keys_mode persist_mode scope hash_max_bytes; do
	echo 0 >/proc/sys/kernel/bulwark/$k && echo "WROTE $k"
	n=$((n + 1))
done
echo 0 >/proc/sys/kernel/bulwark/locked && echo "WROTE locked"
n=$((n + 1))
mkdir -p /sec
mount -t securityfs securityfs /sec || exit 90
for f in blocklist keys_dirs keys_names persist_paths exempt; do
	true >/sec/bulwark/$f && echo "WROTE $f (empty, O_TRUNC)"
	echo /x >/sec/bulwark/$f && echo "WROTE $f"
	echo /x >>/sec/bulwark/$f && echo "WROTE $f (O_APPEND)"
	n=$((n + 3))
done
echo "TRIED $n"
'
if [ -e "$SECFS/keys_dirs" ]; then
	before=$(bulwark_state)
	# The script's output goes to a file on a bind mount, not through
	# docker's attach streams: those can lose a short-lived container's
	# last lines, and stdout and stderr arrive unordered.
	mkdir -p "$W/priv"
	rm -f "$W/priv/out"
	$DOCKER run --rm --privileged --network none -v "$W/priv:/result" \
		"$IMG" sh -c "exec >/result/out 2>&1; $PRIV_SCRIPT" \
		>"$W/out" 2>&1 || true
	cat "$W/priv/out" >>"$W/out" 2>/dev/null || true
	tried=$(sed -n 's/^TRIED //p' "$W/out")
	denied=$(grep -c 'Operation not permitted' "$W/out" || true)
	if grep -q '^WROTE' "$W/out" || [ -z "$tried" ] ||
		[ "$denied" -ne "$tried" ]; then
		not_ok "a privileged container's writes to sysctls and securityfs fail with EPERM ($denied of ${tried:-?})" \
			"$W/out"
	else
		ok "a privileged container's $tried writes to sysctls and securityfs fail with EPERM"
	fi
	if [ "$(bulwark_state)" = "$before" ]; then
		ok "and no sysctl or securityfs file changed"
	else
		bulwark_state >"$W/out"
		not_ok "and no sysctl or securityfs file changed" "$W/out"
	fi

	# securityfs's default setattr would let CAP_FOWNER chmod the files.
	$DOCKER run --rm --privileged --network none "$IMG" sh -c \
		'mkdir -p /sec && mount -t securityfs securityfs /sec &&
		 chmod 0666 /sec/bulwark/blocklist' >"$W/out" 2>&1 || true
	mode=$(stat -c %a "$SECFS/blocklist")
	if [ "$mode" = 600 ]; then
		ok "a privileged container cannot chmod bulwark's securityfs files"
	else
		not_ok "a privileged container cannot chmod bulwark's securityfs files (mode now $mode)" "$W/out"
		chmod 0600 "$SECFS/blocklist"
	fi
else
	skip "a privileged container" "this bulwark has no keys rule"
fi

# --- audit mode --------------------------------------------------------

ratelimit_pause
knob miner_mode 1
audited0=$(counter exec_audited)
kmsg_mark audit-exec
check "audit mode: the miner runs in the container" in_victim sh -c \
	'cp /opt/xmrig /tmp/busybox && /tmp/busybox true'
got=$(report_container audit-exec 'action=audit op=exec reason=miner_hash')
if [ "$got" = "$listed" ] && [ "$(counter exec_audited)" -gt "$audited0" ]; then
	ok "audit mode: it is logged and counted, naming the container"
else
	not_ok "audit mode: it is logged and counted, naming the container ($got)"
fi
knob miner_mode 2

if [ -e "$SECFS/keys_dirs" ]; then
	knob keys_mode 1
	audited0=$(counter keys_audited)
	kmsg_mark audit-keys
	check "audit mode: echo KEY >> the host's authorized_keys succeeds" \
		$DOCKER run --name keys-audit --network none -v /:/mnt "$IMG" \
		chroot /mnt sh -c "echo '$EVIL_KEY' >> $KEYS"
	id=$($DOCKER inspect -f '{{.Id}}' keys-audit 2>/dev/null || true)
	got=$(report_container audit-keys 'action=audit .*reason=host_keys')
	if grep -q evil "$KEYS" && [ -n "$id" ] && [ "$got" = "$id" ] &&
		[ "$(counter keys_audited)" -gt "$audited0" ]; then
		ok "audit mode: it is logged and counted, naming the container"
	else
		kmsg_since audit-keys | grep bulwark >"$W/out" || true
		not_ok "audit mode: keys change logged ($got, not $id)" "$W/out"
	fi
	$DOCKER rm -f keys-audit >/dev/null 2>&1 || true
	knob keys_mode 2
	printf '%s\n' "$HOST_KEY" >"$KEYS"
fi

# --- drift: a container runs only what its image brought ---------------

if [ -e "$SYSCTL/drift_mode" ]; then
	ratelimit_pause
	knob drift_mode 2
	d0=$(counter drift_blocked)
	a0=$(counter drift_audited)
	# Ten container starts in a row: runc's sealed memfd copy of itself
	# and the image's programs pass, and nothing is counted.
	n=0
	for i in 1 2 3 4 5 6 7 8 9 10; do
		if $DOCKER run --rm --network none "$IMG" true \
			>>"$W/runs.log" 2>&1; then
			n=$((n + 1))
		fi
	done
	if [ "$n" -eq 10 ] && [ "$(counter drift_blocked)" -eq "$d0" ] &&
		[ "$(counter drift_audited)" -eq "$a0" ]; then
		ok "drift enforce: 10 consecutive docker run succeed, none judged drifted"
	else
		not_ok "drift enforce: $n of 10 docker run succeeded, drift_blocked $d0 -> $(counter drift_blocked)" \
			"$W/runs.log"
	fi
	check "drift enforce: a container runs a script, pipes and a shell" sh -c \
		"$DOCKER run --rm --network none $IMG sh -c 'echo hello | tr a-z A-Z | grep -q HELLO'"
	check "drift enforce: the image's busybox runs in the victim" \
		in_victim /bin/busybox true

	kmsg_mark drift
	check_denied "drift: a copy of busybox made in the container is refused" \
		in_victim sh -c 'cp /bin/busybox /tmp/bb && /tmp/bb true'
	got=$(report_container drift 'action=deny op=exec reason=drift')
	if [ "$got" = "$listed" ] &&
		[ "$(counter drift_blocked)" -eq $((d0 + 1)) ]; then
		ok "drift: the refusal is counted and logged, naming the container"
	else
		kmsg_since drift | grep bulwark >"$W/out" || true
		not_ok "drift: counted and logged ($got, not $listed; drift_blocked $d0 -> $(counter drift_blocked))" \
			"$W/out"
	fi
	check_denied "drift: the copy appended to (a new miner) is refused" \
		in_victim sh -c 'echo x >> /tmp/bb; /tmp/bb true'
	check_denied "drift: a script dropped in /dev/shm, run by its path, is refused" \
		in_victim sh -c 'printf "#!/bin/sh\nexit 0\n" >/dev/shm/s && chmod +x /dev/shm/s && /dev/shm/s'
	check "drift: sh still runs that script" in_victim sh /dev/shm/s
	check_denied "drift: an image program rewritten in place is refused" \
		in_victim sh -c 'cat /bin/busybox >/bin/memfd-exec && /bin/memfd-exec true'

	# A host volume: what the container drops there is drifted, for the
	# container; the host keeps running it.
	# Copies keep the name busybox: it picks its applet by argv[0].
	mkdir -p "$W/vol/c" "$W/vol/h" "$W/host-bb"
	check "drift: a container drops busybox into a host volume" \
		$DOCKER run --rm --network none -v "$W/vol:/vol" "$IMG" \
		cp /bin/busybox /vol/c/busybox
	check_denied "drift: another container cannot run it" \
		$DOCKER run --rm --network none -v "$W/vol:/vol" "$IMG" \
		/vol/c/busybox true
	check "drift: the host runs it" "$W/vol/c/busybox" true

	# What a host task writes is not drifted: docker cp, and the host's
	# own copy into the volume.
	cp "$W/rootfs/bin/busybox" "$W/host-bb/busybox"
	check "drift: docker cp puts a program in the container" \
		$DOCKER cp "$W/host-bb" victim:/tmp/from-host
	check "drift: the container runs what docker cp put there" \
		in_victim /tmp/from-host/busybox true
	cp "$W/rootfs/bin/busybox" "$W/vol/h/busybox"
	check "drift: a container runs what the host put in the volume" \
		$DOCKER run --rm --network none -v "$W/vol:/vol" "$IMG" \
		/vol/h/busybox true
	blocked=$(counter drift_blocked)
	if [ "$blocked" -eq $((d0 + 5)) ]; then
		ok "drift_blocked counts the five refusals ($d0 -> $blocked)"
	else
		not_ok "drift_blocked counts the five refusals ($d0 -> $blocked)"
	fi
	knob drift_mode 1
fi

# --- and the containers stop ---------------------------------------------

check "the long-running container stops" $DOCKER stop -t 2 victim
check "and is removed" $DOCKER rm victim
if kmsg_since start | grep 'bulwark: action=' | grep 'container=- ' >"$W/out"; then
	not_ok "every report names a container: no host task was contained" \
		"$W/out"
else
	ok "every report names a container: no host task was contained"
fi

# The escape rule, through the API a campaign script uses: a privileged
# container with the host's pid and cgroup namespaces and its root on
# /mnt, as "docker run --privileged --pid=host --cgroupns=host -v /:/mnt"
# gives.  Each attempt must fail with EPERM and count in escape_blocked;
# the host must be unchanged afterwards.
esc() {
	$DOCKER run --rm --privileged --pid=host --cgroupns=host \
		--network none -v /:/mnt "$IMG" "$@"
}

# escape_denied NAME COMMAND...: COMMAND fails with EPERM's message and
# escape_blocked went up.
escape_denied() {
	name=$1
	shift
	e0=$(counter escape_blocked)
	if "$@" >"$W/out" 2>&1; then
		not_ok "$name (it succeeded)" "$W/out"
		return
	fi
	e1=$(counter escape_blocked)
	if ! grep -q 'Operation not permitted' "$W/out"; then
		not_ok "$name (failed, but not with EPERM)" "$W/out"
	elif [ "$e1" -le "$e0" ]; then
		not_ok "$name (escape_blocked stayed at $e0)" "$W/out"
	else
		ok "$name"
	fi
}

knob escape_mode 2
escape_denied "nsenter -t 1 from a privileged --pid=host container is refused" \
	esc nsenter -t 1 -m -u -i -n -p -- true
core=$(cat /proc/sys/kernel/core_pattern)
escape_denied "writing the host's core_pattern from it is refused" \
	esc sh -c 'echo "|/tmp/evil %p" >/mnt/proc/sys/kernel/core_pattern'
check "and core_pattern is unchanged" \
	test "$(cat /proc/sys/kernel/core_pattern)" = "$core"
escape_denied "moving itself to the host's root cgroup is refused" \
	esc sh -c 'echo $$ >/mnt/sys/fs/cgroup/cgroup.procs'
# The same container, after the refused move: still in its cgroup, and
# still judged (its next escape is refused too).
# Standard output only: docker relays the two streams apart, and the
# shell's error messages could land in the middle of a line.
esc sh -c 'echo $$ 2>/dev/null >/mnt/sys/fs/cgroup/cgroup.procs
	cat /proc/self/cgroup
	echo x 2>/dev/null >/mnt/proc/sys/kernel/core_pattern && echo ESCAPED' \
	>"$W/out" 2>"$W/err" || true
if grep -q '^0::/docker' "$W/out" && ! grep -q ESCAPED "$W/out"; then
	ok "after the refused move it is still contained"
else
	cat "$W/err" >>"$W/out"
	not_ok "after the refused move it is still contained" "$W/out"
fi
mods=$(wc -l </proc/modules)
# A module of its own (here a copy of one of the host's, out of the
# host's module tree): refused whichever way insmod hands it over.
# (busybox's insmod hands over a buffer, which is refused even for the
# host's installed modules; escape_test loads one with finit_module.)
# The real file: the container resolves /mnt's symbolic links in its own
# root.
ko=$(find "/lib/modules/$(uname -r)/kernel/drivers/net/" -name 'dummy.ko*' \
	2>/dev/null | head -n 1)
[ -z "$ko" ] || ko=$(readlink -f "$ko")
if [ -n "$ko" ] && [ ! -d /sys/module/dummy ]; then
	escape_denied "insmod of a module of its own is refused" \
		esc sh -c "cp /mnt$ko /tmp/rootkit.ko && insmod /tmp/rootkit.ko"
	check "and no module was loaded" test "$(wc -l </proc/modules)" = "$mods"
else
	skip "insmod of a module of its own" "no dummy module to copy"
fi
escape_denied "rmmod of bulwark from it is refused" esc rmmod bulwark
escape_denied "rmmod -f of bulwark from it is refused" esc rmmod -f bulwark
check "bulwark is still loaded" test -d /sys/module/bulwark

# rmmod from a privileged container: it holds CAP_SYS_MODULE, but the
# escape rule refuses delete_module() to a contained task, locked or
# not.  Should bulwark be gone all the same, it is loaded again.
knob escape_mode 2
if $DOCKER run --rm --privileged --network none "$IMG" rmmod bulwark \
	>"$W/out" 2>&1; then
	not_ok "rmmod from a privileged container fails (it succeeded)" "$W/out"
elif [ ! -d /sys/module/bulwark ]; then
	not_ok "rmmod from a privileged container fails (bulwark is gone)" \
		"$W/out"
elif ! grep -q 'Operation not permitted' "$W/out"; then
	not_ok "rmmod from a privileged container fails with EPERM" "$W/out"
else
	ok "rmmod from a privileged container fails with EPERM; bulwark stays"
fi
check "bulwark is loaded" load_module "$KO"

# Last, since it lasts until reboot (run-e2e.sh runs this script after
# the others): locked, nobody unloads bulwark, forced or not, from a
# privileged container or from the host.
check "bulwark locks" knob locked 1
escape_denied "rmmod -f from a privileged container, locked, is refused" \
	esc rmmod -f bulwark
if rmmod -f bulwark >"$W/out" 2>&1; then
	not_ok "rmmod -f from the host, locked, fails (it succeeded)" "$W/out"
elif grep -q 'Operation not permitted' "$W/out"; then
	ok "rmmod -f from the host, locked, fails with EPERM"
else
	not_ok "rmmod -f from the host, locked, fails with EPERM" "$W/out"
fi
check_fails "rmmod from the host, locked, fails" rmmod bulwark
check "bulwark is still loaded, locked" test -d /sys/module/bulwark
check_fails "and still refuses a container's core_pattern write" \
	esc sh -c 'echo x >/mnt/proc/sys/kernel/core_pattern' 

finish
