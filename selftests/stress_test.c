// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark selftests - stress: many tasks, changing policy, module reloads
 *
 * Workers on the host and in containers (pid, and user plus pid
 * namespaces) run an allowed program and a blocklisted one (the "miner"),
 * open the host's key file for writing and for reading, and write and read
 * ordinary files, without a pause.  Meanwhile controller tasks replace and
 * extend the blocklist, flip miner_mode and keys_mode, rewrite keys_dirs,
 * read every interface, and (in the chaos test) unload and reload the
 * module.
 *
 * The oracle: each aspect of the configuration (module loaded, miner_mode,
 * keys_mode, miner hash on the blocklist, key directory on keys_dirs) has a
 * sequence count in shared memory, odd while a controller changes it, and
 * the value the controller knows to be in force (or "unknown").  A worker
 * reads the counts of the aspects that decide an operation before and
 * after it: when none moved and none was odd, the configuration was known
 * and stable for the whole attempt, and the operation is judged.  Host
 * tasks' operations, reads, ordinary files and the allowed program must
 * succeed whatever the configuration.  A contained task's miner exec and
 * key-file write must fail with EPERM when the module was loaded with the
 * rule enforced and the target listed, and must succeed otherwise.  A
 * rejected (invalid) blocklist must change nothing, so it moves no count.
 *
 * Unloading is refused while a securityfs file is open: now and then the
 * reload task holds one open and checks that its unload is refused.  Before
 * each real unload it parks the tasks that open those files, and waits
 * until all of them are parked.  An open() that races the unload itself,
 * after delete_module() marked the module as going and before its exit
 * removed the file, fails in the kernel's do_dentry_open() with a WARNING
 * (fops_get() finds the module going); every module-owned file has that
 * window, so the test keeps opens out of it rather than count the splat.
 *
 * The counters test has no reloads and never turns a rule off, so every
 * contained exec is examined and every contained miner exec and key-file
 * write is either blocked or audited: the counters' deltas must equal the
 * workers' tallies exactly.
 *
 * BULWARK_STRESS_SECONDS (default 45) is the total duration of the two
 * tests, in guest seconds: two thirds chaos, one third counters.
 */

#include <dirent.h>
#include <stdarg.h>
#include <sys/sendfile.h>
#include <time.h>

#include "common.h"

#define BLOCKLIST SECURITYFS_DIR "/blocklist"
#define KEYS_DIRS SECURITYFS_DIR "/keys_dirs"
#define COUNTER(name) SYSFS_DIR "/counters/" name

#define DEFAULT_SECONDS 45
#define MAX_SECONDS (6 * 3600)
/* Time the tasks get to stop after the deadline, in seconds. */
#define STOP_GRACE 300
/* The harness's timeout; the test enforces its own, scaled one. */
#define HARNESS_TIMEOUT (MAX_SECONDS + 2 * STOP_GRACE)

/* Appended to a copy of the allowed program to make the miner. */
#define MINER_TAG "\nbulwark stress miner: not a real miner\n"
/* A child's exit status when execve() failed with errno e. */
#define EXEC_ERRNO_BASE 64
#define UNKNOWN (-1)

enum aspect {
	AS_MODULE,	/* 1 loaded, 0 unloaded */
	AS_MINER_MODE,	/* 0, 1, 2 */
	AS_KEYS_MODE,	/* 0, 1, 2 */
	AS_BLOCKLIST,	/* 1 when the miner's hash is listed */
	AS_KEYS_DIRS,	/* 1 when the key directory is listed */
	AS_COUNT,
};

/* Operations of the workers. */
enum wop {
	OP_EXEC_ALLOWED,
	OP_EXEC_MINER,
	OP_KEY_WRITE,
	OP_KEY_READ,
	OP_FILE_WRITE,
	OP_FILE_READ,
	OP_NEIGHBOUR_WRITE,
	OP_COUNT,
};

static const char *const op_names[OP_COUNT] = {
	[OP_EXEC_ALLOWED] = "exec allowed",
	[OP_EXEC_MINER] = "exec miner",
	[OP_KEY_WRITE] = "open key file for write",
	[OP_KEY_READ] = "read key file",
	[OP_FILE_WRITE] = "write ordinary file",
	[OP_FILE_READ] = "read ordinary file",
	[OP_NEIGHBOUR_WRITE] = "write known_hosts",
};

/* Controllers, each a process of its own. */
enum ctl {
	CTL_MODES,
	CTL_BLOCKLIST,
	CTL_KEYS_DIRS,
	CTL_READER,
	CTL_RELOAD,
	CTL_COUNT,
};

static const char *const ctl_names[CTL_COUNT] = {
	[CTL_MODES] = "modes", [CTL_BLOCKLIST] = "blocklist",
	[CTL_KEYS_DIRS] = "keys_dirs", [CTL_READER] = "reader",
	[CTL_RELOAD] = "reload",
};

static const enum context worker_contexts[] = {
	CTX_HOST, CTX_HOST, CTX_PIDNS, CTX_PIDNS, CTX_USERNS_PIDNS,
	CTX_USERNS_PIDNS,
};

#define WORKERS ARRAY_SIZE(worker_contexts)

struct tally {
	unsigned long done;
	unsigned long denied;
	/* Attempts made under a known, stable configuration. */
	unsigned long judged;
	/* Of those, the ones that configuration had to deny. */
	unsigned long must_deny;
};

struct worker {
	bool contained;
	unsigned long loops;
	struct tally t[OP_COUNT];
	unsigned long violations;
	char first[256];
};

struct aspect_state {
	unsigned long seq;
	int value;
	int lock;
};

struct controller {
	unsigned long ops;
	unsigned long failed;	/* refused legitimately (module away, busy) */
	unsigned long violations;
	char first[256];
};

/* Everything the test shares with its tasks. */
struct stress {
	int stop;
	bool reload;		/* the chaos test */
	char dir[PATH_MAX];
	char allowed[PATH_MAX];
	char miner[PATH_MAX];
	char key[PATH_MAX];
	char keydir[PATH_MAX];
	char miner_hex[65];
	struct aspect_state as[AS_COUNT];
	struct worker w[WORKERS];
	struct controller c[CTL_COUNT];
	/* What the policy controllers did, for the counters. */
	unsigned long policy_loads;
	unsigned long policy_rejects;
	unsigned long blocklist_entries;
	/* The reload task's results. */
	unsigned long unloads, unload_busy, loads, quiesced;
	/*
	 * Set by the reload task before it unloads: the tasks that open
	 * securityfs files park (and count themselves in @parked) until it
	 * is cleared.
	 */
	int quiet;
	/* Set by the modes task: hold a decisive configuration a while. */
	int calm;
	int parked;
};

/* --- Shared-state helpers ------------------------------------------------ */

static unsigned long ld(const unsigned long *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static bool stopping(const struct stress *st)
{
	return __atomic_load_n(&st->stop, __ATOMIC_ACQUIRE);
}

static void as_lock(struct aspect_state *a)
{
	while (__atomic_exchange_n(&a->lock, 1, __ATOMIC_ACQUIRE))
		usleep(500);
}

static void as_begin(struct aspect_state *a)
{
	as_lock(a);
	__atomic_add_fetch(&a->seq, 1, __ATOMIC_SEQ_CST);
}

static void as_end(struct aspect_state *a, int value)
{
	__atomic_store_n(&a->value, value, __ATOMIC_RELAXED);
	__atomic_add_fetch(&a->seq, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&a->lock, 0, __ATOMIC_RELEASE);
}

struct snap {
	unsigned long seq[AS_COUNT];
	int value[AS_COUNT];
};

/* The aspects that decide @op: a bit mask of (1 << enum aspect). */
static unsigned int aspects_of(enum wop op)
{
	if (op == OP_EXEC_MINER)
		return 1 << AS_MODULE | 1 << AS_MINER_MODE | 1 << AS_BLOCKLIST;
	if (op == OP_KEY_WRITE)
		return 1 << AS_MODULE | 1 << AS_KEYS_MODE | 1 << AS_KEYS_DIRS;
	return 0;
}

/* Takes a snapshot; false when an aspect of @mask is being changed. */
static bool snap_take(struct stress *st, struct snap *s, unsigned int mask)
{
	bool stable = true;
	int i;

	for (i = 0; i < AS_COUNT; i++) {
		s->seq[i] = __atomic_load_n(&st->as[i].seq, __ATOMIC_SEQ_CST);
		s->value[i] = __atomic_load_n(&st->as[i].value,
					      __ATOMIC_SEQ_CST);
		if (mask & 1 << i)
			stable &= !(s->seq[i] & 1);
	}
	return stable;
}

/* True when no aspect of @mask changed since snap_take(). */
static bool snap_same(struct stress *st, const struct snap *s,
		      unsigned int mask)
{
	int i;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (i = 0; i < AS_COUNT; i++)
		if (mask & 1 << i &&
		    __atomic_load_n(&st->as[i].seq, __ATOMIC_SEQ_CST) !=
			    s->seq[i])
			return false;
	return true;
}

/* Is the module loaded, stably, since @m (a snapshot of AS_MODULE's seq)? */
static bool module_stable(struct stress *st, unsigned long m)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(m & 1) && ld(&st->as[AS_MODULE].seq) == m &&
	       __atomic_load_n(&st->as[AS_MODULE].value, __ATOMIC_SEQ_CST);
}

/* The tasks that call hold_off(): the blocklist, keys_dirs and reader. */
#define SECFS_OPENERS 3

/*
 * For the tasks that open securityfs files, between two uses: park while
 * the reload task asks for it.  Returns true if it parked.
 */
static bool hold_off(struct stress *st)
{
	if (!__atomic_load_n(&st->quiet, __ATOMIC_SEQ_CST))
		return false;
	__atomic_add_fetch(&st->parked, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&st->quiet, __ATOMIC_SEQ_CST) && !stopping(st))
		usleep(20000);
	__atomic_sub_fetch(&st->parked, 1, __ATOMIC_SEQ_CST);
	return true;
}

/* Park the securityfs openers; false if the test stops meanwhile. */
static bool park_openers(struct stress *st)
{
	__atomic_store_n(&st->quiet, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&st->parked, __ATOMIC_SEQ_CST) < SECFS_OPENERS) {
		if (stopping(st))
			return false;
		usleep(10000);
	}
	return true;
}

static void release_openers(struct stress *st)
{
	__atomic_store_n(&st->quiet, 0, __ATOMIC_SEQ_CST);
}

static bool calm(struct stress *st)
{
	return __atomic_load_n(&st->calm, __ATOMIC_SEQ_CST);
}

/* For the policy and reload tasks: change nothing while it is calm. */
static void wait_calm(struct stress *st)
{
	while (calm(st) && !stopping(st))
		usleep(20000);
}

static unsigned int rnd(unsigned int *state)
{
	unsigned int x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static void nap(unsigned int *seed, unsigned int max_ms)
{
	usleep((rnd(seed) % (max_ms + 1)) * 1000);
}

static void note(unsigned long *count, char *first, size_t size,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void note(unsigned long *count, char *first, size_t size,
		 const char *fmt, ...)
{
	va_list ap;

	if (__atomic_fetch_add(count, 1, __ATOMIC_RELAXED))
		return;
	va_start(ap, fmt);
	vsnprintf(first, size, fmt, ap);
	va_end(ap);
}

/* --- Workers ------------------------------------------------------------- */

/* Runs @path: 0 when it ran and exited 0, else execve()'s errno, or -1. */
static int run_exec(const char *path)
{
	char *const argv[] = { (char *)path, NULL };
	char *const envp[] = { NULL };
	int status, code;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		execve(path, argv, envp);
		_exit(errno < 255 - EXEC_ERRNO_BASE ? EXEC_ERRNO_BASE + errno :
						      255);
	}
	if (pid < 0)
		return errno;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	code = wait_status_code(status);
	if (code == 0)
		return 0;
	return code > EXEC_ERRNO_BASE && code < 255 ? code - EXEC_ERRNO_BASE :
						      -1;
}

static int open_close(const char *path, int flags, bool io)
{
	char buf[256] = "stress\n";
	int fd, err = 0;
	ssize_t n;

	fd = open(path, flags | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno;
	if (io) {
		if ((flags & O_ACCMODE) == O_RDONLY)
			n = read(fd, buf, sizeof(buf));
		else
			n = write(fd, buf, 7);
		if (n < 0)
			err = errno;
	}
	if (close(fd) && !err)
		err = errno;
	return err;
}

static int do_op(struct stress *st, unsigned int idx, enum wop op)
{
	char path[PATH_MAX];

	switch (op) {
	case OP_EXEC_ALLOWED:
		return run_exec(st->allowed);
	case OP_EXEC_MINER:
		return run_exec(st->miner);
	case OP_KEY_WRITE:
		return open_close(st->key, O_WRONLY, false);
	case OP_KEY_READ:
		return open_close(st->key, O_RDONLY, true);
	case OP_FILE_WRITE:
	case OP_FILE_READ:
		snprintf(path, sizeof(path), "%.3000s/files/w%u", st->dir, idx);
		return open_close(path, op == OP_FILE_WRITE ?
					O_WRONLY | O_CREAT | O_TRUNC :
					O_RDONLY, true);
	case OP_NEIGHBOUR_WRITE:
		snprintf(path, sizeof(path), "%.3000s/.ssh/known_hosts",
			 st->keydir);
		return open_close(path, O_WRONLY | O_APPEND, true);
	case OP_COUNT:
		break;
	}
	return -1;
}

/*
 * What a contained task's @op must do under @s: 1 denied, 0 allowed,
 * UNKNOWN when the configuration does not say.
 */
static int expected(enum wop op, const struct snap *s)
{
	const int *v = s->value;
	int mode, listed;

	if (op == OP_EXEC_MINER) {
		mode = v[AS_MINER_MODE];
		listed = v[AS_BLOCKLIST];
	} else if (op == OP_KEY_WRITE) {
		mode = v[AS_KEYS_MODE];
		listed = v[AS_KEYS_DIRS];
	} else {
		return 0;
	}
	if (!v[AS_MODULE] || mode == 0 || mode == 1 || listed == 0)
		return 0;
	if (mode == 2 && listed == 1)
		return 1;
	return UNKNOWN;
}

static const char *config_text(const struct snap *s, char *buf, size_t size)
{
	snprintf(buf, size,
		 "loaded=%d miner_mode=%d keys_mode=%d hash_listed=%d dir_listed=%d",
		 s->value[AS_MODULE], s->value[AS_MINER_MODE],
		 s->value[AS_KEYS_MODE], s->value[AS_BLOCKLIST],
		 s->value[AS_KEYS_DIRS]);
	return buf;
}

static void worker_step(struct stress *st, unsigned int idx, enum wop op)
{
	struct worker *w = &st->w[idx];
	struct tally *t = &w->t[op];
	char cfg[128];
	struct snap s;
	bool stable;
	int res, want = 0;

	stable = snap_take(st, &s, aspects_of(op));
	res = do_op(st, idx, op);
	stable = stable && snap_same(st, &s, aspects_of(op));
	if (!w->contained || (op != OP_EXEC_MINER && op != OP_KEY_WRITE))
		want = 0;	/* Allowed whatever the configuration. */
	else
		want = stable ? expected(op, &s) : UNKNOWN;

	__atomic_add_fetch(&t->done, 1, __ATOMIC_RELAXED);
	if (res == EPERM)
		__atomic_add_fetch(&t->denied, 1, __ATOMIC_RELAXED);
	if (want != UNKNOWN)
		__atomic_add_fetch(&t->judged, 1, __ATOMIC_RELAXED);
	if (want == 1)
		__atomic_add_fetch(&t->must_deny, 1, __ATOMIC_RELAXED);

	if (res != 0 && res != EPERM)
		note(&w->violations, w->first, sizeof(w->first),
		     "%s: error %d (%s), loop %lu", op_names[op], res,
		     res > 0 ? strerror(res) : "bad exit", w->loops);
	else if (want == 1 && res == 0)
		note(&w->violations, w->first, sizeof(w->first),
		     "%s: allowed under %s, loop %lu", op_names[op],
		     config_text(&s, cfg, sizeof(cfg)), w->loops);
	else if (want == 0 && res == EPERM)
		note(&w->violations, w->first, sizeof(w->first),
		     "%s: denied under %s%s, loop %lu", op_names[op],
		     config_text(&s, cfg, sizeof(cfg)),
		     w->contained ? "" : " (host task)", w->loops);
}

struct task_arg {
	struct stress *st;
	unsigned int idx;
};

static int worker_main(void *arg)
{
	const struct task_arg *a = arg;
	struct stress *st = a->st;
	unsigned int op;

	while (!stopping(st)) {
		for (op = 0; op < OP_COUNT; op++)
			worker_step(st, a->idx, op);
		__atomic_add_fetch(&st->w[a->idx].loops, 1, __ATOMIC_RELEASE);
	}
	return 0;
}

/* --- Controllers --------------------------------------------------------- */

static void ctl_violation(struct stress *st, enum ctl c, const char *what,
			  int err)
{
	note(&st->c[c].violations, st->c[c].first, sizeof(st->c[c].first),
	     "%s: %s", what, err ? strerror(err) : "unexpected success");
}

/* Sets @knob to @val; the aspect's value is what is known afterwards. */
static void set_mode(struct stress *st, enum aspect as, const char *knob,
		     int val)
{
	struct aspect_state *a = &st->as[as];
	unsigned long m;
	bool ok;

	as_begin(a);
	m = ld(&st->as[AS_MODULE].seq);
	ok = write_knob_u64(knob, val) > 0;
	if (!ok && module_stable(st, m))
		ctl_violation(st, CTL_MODES, knob, errno);
	if (!ok)
		st->c[CTL_MODES].failed++;
	as_end(a, ok && module_stable(st, m) ? val : UNKNOWN);
}

static void modes_main(struct stress *st, unsigned int *seed)
{
	/* Chaos: off, audit or enforce; counters: never off. */
	const int lowest = st->reload ? 0 : 1;
	int val;

	while (!stopping(st)) {
		/*
		 * Now and then, both rules enforce while the policy tasks
		 * list the miner and the key directory and the reload task
		 * waits: the workers see a decisive configuration, so both
		 * outcomes get judged even on a slow kernel.
		 */
		if (rnd(seed) % 12 == 0) {
			__atomic_store_n(&st->calm, 1, __ATOMIC_SEQ_CST);
			set_mode(st, AS_MINER_MODE, "miner_mode", 2);
			set_mode(st, AS_KEYS_MODE, "keys_mode", 2);
			st->c[CTL_MODES].ops += 2;
			usleep(700000);
			__atomic_store_n(&st->calm, 0, __ATOMIC_SEQ_CST);
			continue;
		}
		val = lowest + rnd(seed) % (3 - lowest);
		if (rnd(seed) & 1)
			set_mode(st, AS_MINER_MODE, "miner_mode", val);
		else
			set_mode(st, AS_KEYS_MODE, "keys_mode", val);
		st->c[CTL_MODES].ops++;
		nap(seed, 150);
	}
}

/*
 * Writes @text to a securityfs policy file in one session, in pieces with
 * pauses between them so that sessions stay open while other tasks act.
 * Returns 0, or the first errno.
 */
static int write_policy(const char *path, int flags, const char *text,
			size_t len, unsigned int *seed)
{
	size_t done = 0, n;
	int fd, err = 0;
	ssize_t ret;

	fd = open(path, O_WRONLY | O_CLOEXEC | flags);
	if (fd < 0)
		return errno;
	while (done < len) {
		n = len - done;
		if (n > 16384 && seed)
			n = 4096 + rnd(seed) % 12288;
		ret = write(fd, text + done, n);
		if (ret < 0) {
			err = errno;
			break;
		}
		done += ret;
		if (seed && rnd(seed) % 4 == 0)
			usleep(1000);
	}
	if (close(fd) && !err)
		err = errno;
	return err;
}

static size_t add_random_lines(char *buf, size_t at, unsigned int count,
			       unsigned int *seed)
{
	unsigned int i, j;

	for (i = 0; i < count; i++) {
		for (j = 0; j < 8; j++)
			at += sprintf(buf + at, "%08x", rnd(seed));
		if (i % 3 == 0)
			at += sprintf(buf + at, " stress-%u pool %u", i,
				      rnd(seed) % 1000);
		buf[at++] = '\n';
	}
	buf[at] = '\0';
	return at;
}

enum bl_kind { BL_REPLACE, BL_APPEND, BL_WITHOUT, BL_INVALID };

static void blocklist_main(struct stress *st, unsigned int *seed)
{
	static const unsigned int sizes[] = { 0, 1, 10, 50, 300, 300, 3000 };
	const size_t cap = 3100 * 100 + 1024;
	struct aspect_state *a = &st->as[AS_BLOCKLIST];
	unsigned int n, pick;
	enum bl_kind kind;
	char *buf = malloc(cap);
	unsigned long m;
	size_t len;
	int err, val;

	if (!buf) {
		ctl_violation(st, CTL_BLOCKLIST, "malloc", ENOMEM);
		return;
	}
	while (!stopping(st)) {
		if (hold_off(st))
			continue;
		pick = rnd(seed) % 10;
		/* The counters test keeps the miner's hash listed. */
		kind = pick < 5 || calm(st) ? BL_REPLACE :
		       pick < 8 ? BL_APPEND :
		       pick < 9 && st->reload ? BL_WITHOUT : BL_INVALID;
		n = sizes[rnd(seed) % ARRAY_SIZE(sizes)];
		len = 0;
		if (kind == BL_REPLACE)
			len = sprintf(buf, "# stress list\n%s%s miner %u\n",
				      rnd(seed) & 1 ? "" : "\n",
				      st->miner_hex, rnd(seed) % 100);
		len = add_random_lines(buf, len, n, seed);
		if (kind == BL_INVALID)
			len += sprintf(buf + len, "%.63s not-hex\n",
				       st->miner_hex);

		if (kind == BL_INVALID) {
			/* Changes nothing: the aspect's count stays. */
			as_lock(a);
			m = ld(&st->as[AS_MODULE].seq);
			err = write_policy(BLOCKLIST, 0, buf, len, seed);
			if (module_stable(st, m)) {
				if (err != EINVAL)
					ctl_violation(st, CTL_BLOCKLIST,
						      "invalid list", err);
				else
					st->policy_rejects++;
			}
			__atomic_store_n(&a->lock, 0, __ATOMIC_RELEASE);
		} else {
			as_begin(a);
			m = ld(&st->as[AS_MODULE].seq);
			err = write_policy(BLOCKLIST,
					   kind == BL_APPEND ? O_APPEND : 0,
					   buf, len, seed);
			val = kind == BL_REPLACE ? 1 : kind == BL_WITHOUT ? 0 :
			      a->value;
			if (err || !module_stable(st, m)) {
				if (err && module_stable(st, m))
					ctl_violation(st, CTL_BLOCKLIST,
						      "write", err);
				st->c[CTL_BLOCKLIST].failed++;
				val = UNKNOWN;
			} else {
				st->policy_loads++;
				st->blocklist_entries =
					(kind == BL_APPEND ?
					 st->blocklist_entries : 0) +
					n + (kind == BL_REPLACE);
			}
			as_end(a, val);
		}
		st->c[CTL_BLOCKLIST].ops++;
		nap(seed, 200);
		wait_calm(st);
	}
	free(buf);
}

static void keys_dirs_main(struct stress *st, unsigned int *seed)
{
	static const char *const others[] = { "/root", "/etc/ssh", "/home" };
	struct aspect_state *a = &st->as[AS_KEYS_DIRS];
	char text[3 * PATH_MAX];
	size_t len;
	unsigned int i;
	unsigned long m;
	bool listed;
	int err;

	while (!stopping(st)) {
		if (hold_off(st))
			continue;
		/* The counters test keeps the key directory listed. */
		listed = !st->reload || rnd(seed) % 4 || calm(st);
		len = 0;
		for (i = 0; i < ARRAY_SIZE(others); i++)
			if (rnd(seed) & 1 && !access(others[i], F_OK))
				len += sprintf(text + len, "%s\n", others[i]);
		if (listed)
			len += sprintf(text + len, "%s\n", st->keydir);

		as_begin(a);
		m = ld(&st->as[AS_MODULE].seq);
		err = write_policy(KEYS_DIRS, 0, text, len, seed);
		if (err && module_stable(st, m))
			ctl_violation(st, CTL_KEYS_DIRS, "write", err);
		if (err || !module_stable(st, m)) {
			st->c[CTL_KEYS_DIRS].failed++;
			as_end(a, UNKNOWN);
		} else {
			/* An empty session replaces nothing (keysfs.c). */
			if (len)
				st->policy_loads++;
			as_end(a, len ? listed : a->value);
		}
		st->c[CTL_KEYS_DIRS].ops++;
		nap(seed, 100);
		wait_calm(st);
	}
}

/* Reads @path, slowly; every read must work while the module stays. */
static void read_slowly(struct stress *st, const char *path)
{
	unsigned long m = ld(&st->as[AS_MODULE].seq);
	char buf[4096];
	int fd, err = 0;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
	} else {
		do {
			n = read(fd, buf, sizeof(buf));
			usleep(200);
		} while (n > 0);
		if (n < 0)
			err = errno;
		close(fd);
	}
	if (err && module_stable(st, m))
		ctl_violation(st, CTL_READER, path, err);
	if (err)
		st->c[CTL_READER].failed++;
	st->c[CTL_READER].ops++;
}

static void reader_main(struct stress *st, unsigned int *seed)
{
	static const char *const files[] = {
		BLOCKLIST, KEYS_DIRS, SECURITYFS_DIR "/keys_names",
		SECURITYFS_DIR "/exempt", COUNTER("exec_checked"),
		COUNTER("blocklist_entries"), SYSCTL_DIR "/miner_mode",
		SYSFS_DIR "/version",
	};

	while (!stopping(st)) {
		if (hold_off(st))
			continue;
		read_slowly(st, files[rnd(seed) % ARRAY_SIZE(files)]);
		nap(seed, 50);
	}
}

/* What is left in @path, for a report: "-" when it is gone. */
static const char *dir_listing(const char *path)
{
	static char buf[128];
	struct dirent *d;
	size_t len = 0;
	DIR *dir;

	dir = opendir(path);
	if (!dir)
		return "-";
	buf[0] = '\0';
	while ((d = readdir(dir)) && len < sizeof(buf) - 1)
		if (d->d_name[0] != '.')
			len += snprintf(buf + len, sizeof(buf) - len, "%s ",
					d->d_name);
	closedir(dir);
	return buf[0] ? buf : "(empty directory)";
}

static const enum aspect policy_aspects[] = {
	AS_MINER_MODE, AS_KEYS_MODE, AS_BLOCKLIST, AS_KEYS_DIRS,
};

/*
 * Loads the module with @params, holding every policy aspect, so that no
 * controller writes between the load and the values being reset to what
 * a fresh load leaves.
 */
static int load_and_reset(struct stress *st, const char *params,
			  int miner_mode, int keys_mode)
{
	const int value[] = { miner_mode, keys_mode, 0, 0 };
	unsigned int i;
	int ret, err;

	for (i = 0; i < ARRAY_SIZE(policy_aspects); i++)
		as_begin(&st->as[policy_aspects[i]]);
	ret = load_module(params);
	err = errno;
	for (i = 0; i < ARRAY_SIZE(policy_aspects); i++)
		as_end(&st->as[policy_aspects[i]], ret ? UNKNOWN : value[i]);
	errno = err;
	return ret;
}

static void reload_main(struct stress *st, unsigned int *seed)
{
	static const struct {
		const char *params;
		int miner_mode, keys_mode;
	} loads[] = {
		{ "", 2, 2 },
		{ "miner_mode=1", 1, 2 },
		{ "keys_mode=1 miner_mode=0", 0, 1 },
		{ "scope=1 keys_mode=2", 2, 2 },
	};
	struct aspect_state *mod = &st->as[AS_MODULE];
	unsigned int i;
	int fd, ret;

	while (!stopping(st)) {
		nap(seed, 3000);
		wait_calm(st);
		st->c[CTL_RELOAD].ops++;
		if (rnd(seed) % 3 == 0) {
			/* With a policy file open, the unload is refused. */
			fd = open(BLOCKLIST, O_RDONLY);
			if (fd < 0) {
				ctl_violation(st, CTL_RELOAD, "open " BLOCKLIST,
					      errno);
				return;
			}
			as_begin(mod);
			if (!unload_module()) {
				ctl_violation(st, CTL_RELOAD,
					      "unloaded with a policy file open",
					      0);
				as_end(mod, 0);
				close(fd);
				return;
			}
			if (errno != EBUSY && errno != EAGAIN)
				ctl_violation(st, CTL_RELOAD, "busy unload",
					      errno);
			st->unload_busy++;
			st->c[CTL_RELOAD].failed++;
			as_end(mod, 1);
			close(fd);
		}
		if (!park_openers(st))
			break;
		st->quiesced++;
		as_begin(mod);
		/*
		 * An exec being hashed holds a reference to the module: the
		 * unload fails (EAGAIN) rather than wait for it.  Try again
		 * for up to 10 s.
		 */
		for (i = 0; (ret = unload_module()) && errno == EAGAIN && i < 200;
		     i++) {
			st->unload_busy++;
			usleep(50000);
		}
		if (ret) {
			ctl_violation(st, CTL_RELOAD, "unload", errno);
			as_end(mod, 1);
			release_openers(st);
			return;
		}
		release_openers(st);
		st->unloads++;
		as_end(mod, 0);
		nap(seed, 300);	/* Judged while unloaded. */

		i = rnd(seed) % ARRAY_SIZE(loads);
		as_begin(mod);
		if (load_and_reset(st, loads[i].params, loads[i].miner_mode,
				   loads[i].keys_mode)) {
			char what[200];

			snprintf(what, sizeof(what), "load (%s left: %s)",
				 SECURITYFS_DIR, dir_listing(SECURITYFS_DIR));
			ctl_violation(st, CTL_RELOAD, what, errno);
			as_end(mod, 0);
			/* Leaves the module unloaded: nothing more to test. */
			return;
		}
		st->loads++;
		st->blocklist_entries = 0;
		as_end(mod, 1);
	}
}

static int controller_main(void *arg)
{
	const struct task_arg *a = arg;
	unsigned int seed = 0x9e3779b9u ^ (getpid() << 8) ^ a->idx;

	switch ((enum ctl)a->idx) {
	case CTL_MODES:
		modes_main(a->st, &seed);
		break;
	case CTL_BLOCKLIST:
		blocklist_main(a->st, &seed);
		break;
	case CTL_KEYS_DIRS:
		keys_dirs_main(a->st, &seed);
		break;
	case CTL_READER:
		reader_main(a->st, &seed);
		break;
	case CTL_RELOAD:
		reload_main(a->st, &seed);
		break;
	case CTL_COUNT:
		break;
	}
	return 0;
}

/* --- The fixture --------------------------------------------------------- */

static const char *const counter_names[] = {
	"exec_checked", "exec_hashed", "exec_cache_hits", "exec_blocked",
	"exec_audited", "exec_skipped", "keys_blocked", "keys_audited",
	"persist_blocked", "persist_audited", "escape_blocked", "escape_audited",
	"policy_loads", "policy_rejects", "blocklist_entries",
};

/* Indexes into counter_names[]. */
enum counter {
	C_CHECKED,
	C_HASHED,
	C_HITS,
	C_BLOCKED,
	C_AUDITED,
	C_SKIPPED,
	C_KEYS_BLOCKED,
	C_KEYS_AUDITED,
	C_PERSIST_BLOCKED,
	C_PERSIST_AUDITED,
	C_ESCAPE_BLOCKED,
	C_ESCAPE_AUDITED,
	C_LOADS,
	C_REJECTS,
	C_ENTRIES,
	C_COUNT,
};

/* In memory shared with the harness's parent, which may run the teardown. */
FIXTURE(stress)
{
	struct stress st;
	pid_t pid[WORKERS + CTL_COUNT];
	struct task_arg arg[WORKERS + CTL_COUNT];
	unsigned long long before[C_COUNT];
};

/* Copies @src to @dst (mode 0755) and appends @tail, if not NULL. */
static int copy_tagged(const char *src, const char *dst, const char *tail)
{
	struct stat st;
	int in, out;
	ssize_t n = -1;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	/* v5.10's /dev/null cannot be spliced from: copy nothing. */
	if (out >= 0 && !fstat(in, &st))
		n = st.st_size ? sendfile(out, in, NULL, st.st_size) : 0;
	if (n >= 0 && tail && write(out, tail, strlen(tail)) < 0)
		n = -1;
	close(in);
	if (out >= 0)
		close(out);
	return n < 0 ? -1 : 0;
}

static void read_counters(struct __test_metadata *const _metadata,
			  unsigned long long *val)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < C_COUNT; i++) {
		snprintf(path, sizeof(path), COUNTER("%s"), counter_names[i]);
		ASSERT_EQ(0, read_u64_file(path, &val[i]))
		{
			TH_LOG("%s: %s", path, strerror(errno));
		}
	}
}

static unsigned int stress_seconds(void)
{
	const char *env = getenv("BULWARK_STRESS_SECONDS");
	unsigned long v;

	if (!env || !*env)
		return DEFAULT_SECONDS;
	v = strtoul(env, NULL, 10);
	if (v < 3)
		v = 3;
	return v > MAX_SECONDS ? MAX_SECONDS : v;
}

FIXTURE_SETUP(stress)
{
	const char *why = module_unavailable(true);
	char helper[PATH_MAX], path[PATH_MAX + 32], cmd[PATH_MAX + 32];
	struct stress *st;
	FILE *p;
	char *slash;

	if (why)
		SKIP(return, "%s", why);
	st = &self->st;
	ASSERT_EQ(0, helper_path(helper, sizeof(helper)));
	slash = strrchr(helper, '/');
	strcpy(slash + 1, "true-static");
	if (access(helper, X_OK))
		SKIP(return, "%.200s is missing", helper);

	/* A fresh module: default values, counters from zero. */
	reload_module(_metadata, "");
	prepare_tmpfs(_metadata, st->dir);
	snprintf(st->allowed, sizeof(st->allowed), "%s/allowed", st->dir);
	snprintf(st->miner, sizeof(st->miner), "%s/miner", st->dir);
	ASSERT_EQ(0, copy_tagged(helper, st->allowed, NULL));
	ASSERT_EQ(0, copy_tagged(helper, st->miner, MINER_TAG));
	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", st->miner);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	ASSERT_EQ(1, fscanf(p, "%64s", st->miner_hex));
	pclose(p);
	ASSERT_EQ(64U, strlen(st->miner_hex));

	snprintf(path, sizeof(path), "%s/files", st->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(st->keydir, sizeof(st->keydir), "%s/home", st->dir);
	ASSERT_EQ(0, mkdir(st->keydir, 0755));
	snprintf(path, sizeof(path), "%s/.ssh", st->keydir);
	ASSERT_EQ(0, mkdir(path, 0700));
	snprintf(st->key, sizeof(st->key), "%.3000s/authorized_keys", path);
	ASSERT_EQ(0, copy_tagged("/dev/null", st->key, "ssh-ed25519 AAAA host\n"));
	snprintf(path, sizeof(path), "%s/.ssh/known_hosts", st->keydir);
	ASSERT_EQ(0, copy_tagged("/dev/null", path, ""));

	/* The configuration every test starts from: both rules enforced. */
	snprintf(cmd, sizeof(cmd), "%s miner\n", st->miner_hex);
	ASSERT_EQ(0, write_policy(BLOCKLIST, 0, cmd, strlen(cmd), NULL));
	snprintf(cmd, sizeof(cmd), "%s\n", st->keydir);
	ASSERT_EQ(0, write_policy(KEYS_DIRS, 0, cmd, strlen(cmd), NULL));
	set_knob(_metadata, "scope", 1);
	set_knob(_metadata, "miner_mode", 2);
	set_knob(_metadata, "keys_mode", 2);
	st->as[AS_MODULE].value = 1;
	st->as[AS_MINER_MODE].value = 2;
	st->as[AS_KEYS_MODE].value = 2;
	st->as[AS_BLOCKLIST].value = 1;
	st->as[AS_KEYS_DIRS].value = 1;
	st->blocklist_entries = 1;
}

FIXTURE_TEARDOWN_PARENT(stress)
{
	unsigned int i;

	if (!self->st.dir[0])
		return;
	__atomic_store_n(&self->st.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < WORKERS + CTL_COUNT; i++)
		if (self->pid[i] > 0)
			stop_child(self->pid[i], 200);
	restore_module(_metadata);
	cleanup_tmpfs(_metadata, self->st.dir);
}

/* @op's tallies, summed over the contained workers. */
static struct tally contained_total(const struct stress *st, enum wop op)
{
	struct tally sum = { 0 };
	unsigned int i;

	for (i = 0; i < WORKERS; i++) {
		if (!st->w[i].contained)
			continue;
		sum.done += st->w[i].t[op].done;
		sum.denied += st->w[i].t[op].denied;
		sum.judged += st->w[i].t[op].judged;
		sum.must_deny += st->w[i].t[op].must_deny;
	}
	return sum;
}

/* The operations the chaos test must see judged both ways. */
static const enum wop judged_ops[] = { OP_EXEC_MINER, OP_KEY_WRITE };

/*
 * Whether every judged operation was seen denied and allowed, and judged
 * when it had to be denied and when it had to be allowed.
 */
static bool chaos_covered(const struct stress *st)
{
	struct tally t;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(judged_ops); i++) {
		t = contained_total(st, judged_ops[i]);
		if (!t.denied || t.done == t.denied || !t.must_deny ||
		    t.judged == t.must_deny)
			return false;
	}
	return true;
}

/*
 * Runs every task for @seconds, stops them and checks that each ended
 * cleanly and that no operation went against the oracle.
 */
static void run_tasks(struct __test_metadata *const _metadata,
		      FIXTURE_DATA(stress) *self, unsigned int seconds)
{
	struct stress *st = &self->st;
	const time_t end = time(NULL) + seconds;
	unsigned int i, ctls = st->reload ? CTL_COUNT : CTL_RELOAD;
	unsigned int n = WORKERS + ctls;
	bool early = false;
	time_t limit;
	int status = 0;
	pid_t ret;

	for (i = 0; i < WORKERS; i++)
		st->w[i].contained = worker_contexts[i] != CTX_HOST;
	for (i = 0; i < n; i++) {
		self->arg[i].st = st;
		self->arg[i].idx = i < WORKERS ? i : i - WORKERS;
		self->pid[i] = spawn_in_context(i < WORKERS ?
						worker_contexts[i] : CTX_HOST,
						i < WORKERS ? worker_main :
							      controller_main,
						&self->arg[i]);
		ASSERT_LT(0, self->pid[i]);
	}
	/*
	 * The chaos test runs on, for as long again at most, until it has
	 * seen both outcomes judged: on a slow guest, the windows in which
	 * the oracle knows the configuration are few.
	 */
	while ((time(NULL) < end ||
		(st->reload && time(NULL) < end + seconds &&
		 !chaos_covered(st))) &&
	       !early) {
		for (i = 0; i < n; i++) {
			if (waitpid(self->pid[i], &status, WNOHANG) == 0)
				continue;
			/* Reported below, with what every task saw. */
			TH_LOG("task %u ended early: %d", i,
			       wait_status_code(status));
			early = true;
			break;
		}
		sleep(1);
	}
	__atomic_store_n(&st->stop, 1, __ATOMIC_RELEASE);
	limit = time(NULL) + STOP_GRACE;
	for (i = 0; i < n; i++) {
		while ((ret = waitpid(self->pid[i], &status, WNOHANG)) == 0) {
			ASSERT_GT(limit, time(NULL))
			{
				TH_LOG("task %u did not stop in %d s", i,
				       STOP_GRACE);
			}
			usleep(10000);
		}
		self->pid[i] = 0;
		if (ret < 0) /* The one that ended early, already reaped. */
			continue;
		EXPECT_EQ(0, wait_status_code(status))
		{
			TH_LOG("task %u exited with %d", i,
			       wait_status_code(status));
		}
	}
	EXPECT_FALSE(early);
	for (i = 0; i < WORKERS; i++) {
		const struct worker *w = &st->w[i];
		unsigned int op;

		TH_LOG("worker %u (%s): %lu loops", i,
		       context_name(worker_contexts[i]), w->loops);
		for (op = 0; op < OP_COUNT; op++) {
			TH_LOG("  %-24s %7lu done, %7lu denied, %7lu judged, %7lu had to be denied",
			       op_names[op], w->t[op].done, w->t[op].denied,
			       w->t[op].judged, w->t[op].must_deny);
			/* Each kind must have been judged at least once. */
			if (op != OP_EXEC_MINER && op != OP_KEY_WRITE)
				EXPECT_LT(0UL, w->t[op].judged);
		}
		EXPECT_LT(0UL, w->loops);
		EXPECT_EQ(0UL, w->violations)
		{
			TH_LOG("worker %u: %lu violations, first: %s", i,
			       w->violations, w->first);
		}
	}
	for (i = 0; i < ctls; i++) {
		const struct controller *c = &st->c[i];

		TH_LOG("controller %s: %lu operations, %lu refused", ctl_names[i],
		       c->ops, c->failed);
		EXPECT_LT(0UL, c->ops);
		EXPECT_EQ(0UL, c->violations)
		{
			TH_LOG("controller %s: %lu violations, first: %s",
			       ctl_names[i], c->violations, c->first);
		}
	}
}

TEST_F_TIMEOUT(stress, chaos, HARNESS_TIMEOUT)
{
	const unsigned int seconds = stress_seconds() * 2 / 3;
	struct stress *st = &self->st;
	unsigned long denied, allowed, judged, must;
	struct tally t;
	unsigned int i;
	enum wop op;

	st->reload = true;
	TH_LOG("chaos for %u s, %zu workers", seconds, WORKERS);
	run_tasks(_metadata, self, seconds);
	TH_LOG("reload: %lu unloads, %lu refused (busy), %lu loads, %lu times the openers were parked",
	       st->unloads, st->unload_busy, st->loads, st->quiesced);
	for (i = 0; i < ARRAY_SIZE(judged_ops); i++) {
		op = judged_ops[i];
		t = contained_total(st, op);
		denied = t.denied;
		allowed = t.done - denied;
		judged = t.judged;
		must = t.must_deny;
		TH_LOG("contained %s: %lu denied, %lu allowed; %lu judged, of which %lu had to be denied and %lu allowed",
		       op_names[op], denied, allowed, judged, must, judged - must);
		/* Both outcomes must have been seen and judged. */
		EXPECT_LT(0UL, denied);
		EXPECT_LT(0UL, allowed);
		EXPECT_LT(0UL, must);
		EXPECT_LT(0UL, judged - must);
	}
	EXPECT_LT(0UL, st->unloads);
	ASSERT_TRUE(module_loaded());
}

TEST_F_TIMEOUT(stress, counters, HARNESS_TIMEOUT)
{
	const unsigned int seconds = stress_seconds() - stress_seconds() * 2 / 3;
	struct stress *st = &self->st;
	unsigned long long after[C_COUNT], d[C_COUNT];
	struct tally miner, key;
	unsigned long execs;
	int i;

	read_counters(_metadata, self->before);
	TH_LOG("counters for %u s, %zu workers", seconds, WORKERS);
	run_tasks(_metadata, self, seconds);
	read_counters(_metadata, after);
	for (i = 0; i < C_COUNT; i++) {
		d[i] = after[i] - self->before[i];
		TH_LOG("counter %-18s +%llu", counter_names[i], d[i]);
	}
	miner = contained_total(st, OP_EXEC_MINER);
	key = contained_total(st, OP_KEY_WRITE);
	execs = contained_total(st, OP_EXEC_ALLOWED).done + miner.done;
	EXPECT_EQ(execs, d[C_CHECKED]);
	EXPECT_EQ(0ULL, d[C_SKIPPED]);
	EXPECT_EQ(d[C_CHECKED], d[C_HASHED] + d[C_HITS]);
	EXPECT_EQ(miner.denied, d[C_BLOCKED]);
	EXPECT_EQ(miner.done - miner.denied, d[C_AUDITED]);
	EXPECT_EQ(key.denied, d[C_KEYS_BLOCKED]);
	EXPECT_EQ(key.done - key.denied, d[C_KEYS_AUDITED]);
	/* Nothing the workers do touches a protected host file. */
	EXPECT_EQ(0ULL, d[C_PERSIST_BLOCKED]);
	EXPECT_EQ(0ULL, d[C_PERSIST_AUDITED]);
	/* Nor is any of it an escape. */
	EXPECT_EQ(0ULL, d[C_ESCAPE_BLOCKED]);
	EXPECT_EQ(0ULL, d[C_ESCAPE_AUDITED]);
	EXPECT_EQ(st->policy_loads, d[C_LOADS]);
	EXPECT_EQ(st->policy_rejects, d[C_REJECTS]);
	EXPECT_EQ(st->blocklist_entries, after[C_ENTRIES]);
	/* Both rules must have both blocked and audited. */
	EXPECT_LT(0ULL, d[C_BLOCKED]);
	EXPECT_LT(0ULL, d[C_AUDITED]);
	EXPECT_LT(0ULL, d[C_KEYS_BLOCKED]);
	EXPECT_LT(0ULL, d[C_KEYS_AUDITED]);
}

TEST_HARNESS_MAIN
