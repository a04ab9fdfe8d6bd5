// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark selftests - the miner rule, hardened ("Both exec rules")
 *
 * A contained task (pid 1 of a pid namespace) gets a blocklisted program
 * to run by the ways around a check at exec: mprotect(PROT_EXEC) of a
 * mapping, a READ_IMPLIES_EXEC personality, a memfd that is not sealed
 * against writes, a sealed one.  Files that cannot be hashed (too large,
 * a read error) are logged, and refused where the rule must not be blind
 * (a read error in enforce mode).  Digests of files on FUSE are never
 * cached.  A hash stalled on a FUSE server that does not answer does not
 * hold up "rmmod bulwark": it fails at once.
 *
 * The programs are statically linked: their exec maps no ld.so or libc,
 * which the rule would judge (and count) too.  The drift rule is off.
 */

#include <linux/fs.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <time.h>

#include "common.h"
#include "dm_disk.h"
#include "fuse_server.h"

#define BLOCKLIST SECURITYFS_DIR "/blocklist"
#define COUNTER(name) SYSFS_DIR "/counters/" name
#define MINER_TAIL "bulwark exechard_test: the miner\n"

/* Exit status of a job whose call failed (the errno is in the job). */
#define CALL_FAILED 100
/* The report's rate limit is 10 lines in 5 s: one line per 0.6 s fits. */
#define LOG_PACE_US 600000

enum op {
	OP_EXEC,	/* execve(path) */
	OP_MEMFD,	/* execveat() of a memfd copy of path */
	OP_MEMFD_SEALED, /* the same, sealed against writes */
	OP_MMAP_READ,	/* mmap(PROT_READ) of path */
	OP_MMAP_RIE,	/* the same with a READ_IMPLIES_EXEC personality */
	OP_MPROTECT,	/* mmap(PROT_READ), then mprotect(PROT_EXEC) */
};

/**
 * struct job - one operation, set up by the test, done by a child
 */
struct job {
	enum op op;
	char path[PATH_MAX];
	/* The call's result: 0, or -1 and its errno. */
	int ret;
	int err;
};

/* A counter delta that is not checked. */
#define ANY INT_MIN

/* The counters a test looks at. */
enum ctr {
	C_BLOCKED,
	C_AUDITED,
	C_SKIPPED,
	C_HASHED,
	C_HITS,
	C_COUNT,
};

static const char *const ctr_names[C_COUNT] = {
	[C_BLOCKED] = COUNTER("exec_blocked"),
	[C_AUDITED] = COUNTER("exec_audited"),
	[C_SKIPPED] = COUNTER("exec_skipped"),
	[C_HASHED] = COUNTER("exec_hashed"),
	[C_HITS] = COUNTER("exec_cache_hits"),
};

static void ctr_read(struct __test_metadata *const _metadata,
		     unsigned long long *c)
{
	int i;

	for (i = 0; i < C_COUNT; i++)
		c[i] = counter(_metadata, ctr_names[i]);
}

/* Each counter grew by exactly @delta[i] since @before. */
static void ctr_check(struct __test_metadata *const _metadata,
		      const unsigned long long *before, const int *delta)
{
	unsigned long long now[C_COUNT];
	int i;

	ctr_read(_metadata, now);
	for (i = 0; i < C_COUNT; i++) {
		if (delta[i] == ANY)
			continue;
		EXPECT_EQ(before[i] + delta[i], now[i])
		{
			TH_LOG("%s: %llu, then %llu; %d expected",
			       ctr_names[i], before[i], now[i], delta[i]);
		}
	}
}

/* Records since kmsg_mark() that hold both @a and @b; closes @fd. */
static int kmsg_count(int fd, const char *a, const char *b)
{
	int n = 0;

	while (kmsg_find_both(fd, a, b))
		n++;
	close(fd);
	return n;
}

/* Copies @src to @dst, then appends @tail and @pad pattern bytes. */
static int make_program(const char *src, const char *dst, const char *tail,
			size_t pad)
{
	unsigned char buf[4096];
	size_t i, done;
	int fd;

	if (copy_file(src, dst))
		return -1;
	fd = open(dst, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (tail && write(fd, tail, strlen(tail)) != (ssize_t)strlen(tail))
		goto fail;
	for (done = 0; done < pad; done += sizeof(buf)) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = (done + i) * 2654435761U >> 13;
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			goto fail;
	}
	return close(fd);
fail:
	close(fd);
	return -1;
}

static int call_failed(struct job *j)
{
	j->ret = -1;
	j->err = errno;
	return CALL_FAILED;
}

/* In the child: does @arg's operation; 0, the program's code, or failed. */
static int do_job(void *arg)
{
	struct job *j = arg;
	char *const envp[] = { NULL };
	char *argv[] = { j->path, NULL };
	void *p;
	int fd;

	switch (j->op) {
	case OP_EXEC:
		execve(j->path, argv, envp);
		return call_failed(j);
	case OP_MEMFD:
	case OP_MEMFD_SEALED:
		fd = memfd_copy(j->path, j->op == OP_MEMFD_SEALED);
		if (fd < 0)
			return CTX_SETUP_FAILED;
		syscall(__NR_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		return call_failed(j);
	case OP_MMAP_READ:
	case OP_MMAP_RIE:
	case OP_MPROTECT:
		if (j->op == OP_MMAP_RIE &&
		    personality(READ_IMPLIES_EXEC) == -1)
			return CTX_SETUP_FAILED;
		fd = open(j->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return CTX_SETUP_FAILED;
		p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
		close(fd);
		if (p == MAP_FAILED)
			return j->op == OP_MPROTECT ? CTX_SETUP_FAILED :
						      call_failed(j);
		if (j->op == OP_MPROTECT &&
		    mprotect(p, 4096, PROT_READ | PROT_EXEC))
			return call_failed(j);
		return 0;
	}
	return CTX_SETUP_FAILED;
}

/* Path of a program built next to this test, into @buf (PATH_MAX). */
static int sibling(const char *name, char *buf)
{
	char *slash;

	if (helper_path(buf, PATH_MAX))
		return -1;
	slash = strrchr(buf, '/');
	snprintf(slash + 1, PATH_MAX - (slash + 1 - buf), "%s", name);
	return access(buf, X_OK);
}

/* Joins @dir and @name into @buf (PATH_MAX bytes). */
static void join(char *buf, const char *dir, const char *name)
{
	size_t n = strlen(dir);

	memcpy(buf, dir, n);
	buf[n] = '/';
	memcpy(buf + n + 1, name, strlen(name) + 1);
}

/* Puts "<digest of @path> <label>" as the whole blocklist. */
static void block_file(struct __test_metadata *const _metadata,
		       const char *path)
{
	char hex[65], line[128];

	sha256_of(_metadata, path, hex);
	snprintf(line, sizeof(line), "%s exechard-miner\n", hex);
	ASSERT_EQ((ssize_t)strlen(line), policy_write(BLOCKLIST, line, 0));
}

/* Settings that the fixtures change, saved to be put back. */
static void common_setup(struct __test_metadata *const _metadata, int mode)
{
	ensure_loaded(_metadata);
	if (!access(SYSCTL_DIR "/drift_mode", F_OK))
		set_knob(_metadata, "drift_mode", 0);
	set_knob(_metadata, "miner_mode", mode);
}

static void common_teardown(struct __test_metadata *const _metadata)
{
	if (!module_loaded())
		return;
	EXPECT_EQ(0, policy_write(BLOCKLIST, "", 0));
	EXPECT_LT(0, write_knob("miner_mode", "2"));
	if (!access(SYSCTL_DIR "/drift_mode", F_OK))
		EXPECT_LT(0, write_knob("drift_mode", "1"));
	restore_knob(_metadata, "hash_max_bytes",
		     knobs[KNOB_HASH_MAX_BYTES].def);
}

FIXTURE(hard)
{
	char dir[PATH_MAX];
	char miner[PATH_MAX];
	char harmless[PATH_MAX];
	struct job *j;
};

FIXTURE_VARIANT(hard)
{
	int mode;
};

FIXTURE_VARIANT_ADD(hard, audit)
{
	.mode = 1,
};

FIXTURE_VARIANT_ADD(hard, enforce)
{
	.mode = 2,
};

FIXTURE_SETUP(hard)
{
	const char *why = module_unavailable(false);
	char helper[PATH_MAX];

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, sibling("true-static", helper));
	self->j = shared_alloc(sizeof(*self->j));
	ASSERT_NE(NULL, self->j);
	prepare_tmpfs(_metadata, self->dir);
	join(self->miner, self->dir, "miner");
	join(self->harmless, self->dir, "harmless");
	ASSERT_EQ(0, make_program(helper, self->miner, MINER_TAIL, 0));
	ASSERT_EQ(0, make_program(helper, self->harmless, NULL, 0));
	common_setup(_metadata, variant->mode);
	block_file(_metadata, self->miner);
}

/* --- tracers that hook returns ----------------------------------------- */

#define TRACING "/sys/kernel/tracing"
#define KRETPROBE "bulwark_exechard_mp"

/* Writes @s to the tracefs file @name, appending when @append. */
static int tracing_write(const char *name, const char *s, bool append)
{
	char path[128];
	ssize_t len = strlen(s);

	snprintf(path, sizeof(path), TRACING "/%s", name);
	return write_file(path, append ? O_APPEND : O_TRUNC, s, len) == len ?
	       0 : -1;
}

/* tracefs is mounted, or can be; @tracer, if any, is available. */
static bool tracing_ready(const char *tracer)
{
	char buf[512];

	if (access(TRACING "/kprobe_events", W_OK))
		run_cmd("mount -t tracefs nodev " TRACING " 2>/dev/null");
	if (access(TRACING "/kprobe_events", W_OK))
		return false;
	return !tracer ||
	       (read_file(TRACING "/available_tracers", buf, sizeof(buf)) > 0 &&
		strstr(buf, tracer));
}

/* Puts tracing back as the tests found it; harmless when unused. */
static void tracing_reset(void)
{
	if (access(TRACING "/kprobe_events", W_OK))
		return;
	tracing_write("events/kprobes/" KRETPROBE "/enable", "0", false);
	tracing_write("kprobe_events", "-:" KRETPROBE "\n", true);
	tracing_write("current_tracer", "nop", false);
	tracing_write("set_ftrace_filter", "\n", false);
}

FIXTURE_TEARDOWN_PARENT(hard)
{
	tracing_reset();
	common_teardown(_metadata);
	cleanup_tmpfs(_metadata, self->dir);
}

/*
 * Has a contained task do @op on @path; checks that the miner rule
 * refuses it in enforce mode (-1 and EPERM from the call), allows it in
 * audit mode, with @delta (enforce) counters and one line
 * "action=deny|audit op=@log_op reason=@reason" naming @needle.
 */
static void check_judged(struct __test_metadata *const _metadata,
			 FIXTURE_DATA(hard) *self,
			 const FIXTURE_VARIANT(hard) *variant, enum op op,
			 const char *path, const char *log_op,
			 const char *reason, const char *needle,
			 const int *delta)
{
	unsigned long long before[C_COUNT];
	int d[C_COUNT], status, kfd;
	char line[128];

	memcpy(d, delta, sizeof(d));
	if (variant->mode == 1) {
		/* Audit: counted as audited, not blocked. */
		d[C_AUDITED] = d[C_BLOCKED];
		d[C_BLOCKED] = 0;
	}
	usleep(LOG_PACE_US);
	memset(self->j, 0, sizeof(*self->j));
	self->j->op = op;
	snprintf(self->j->path, sizeof(self->j->path), "%s", path);
	ctr_read(_metadata, before);
	kfd = kmsg_mark();
	ASSERT_LE(0, kfd);
	status = run_in_context(CTX_PIDNS, do_job, self->j);
	ASSERT_NE(CTX_SETUP_FAILED, status);
	if (variant->mode == 2) {
		EXPECT_EQ(CALL_FAILED, status);
		EXPECT_EQ(-1, self->j->ret);
		EXPECT_EQ(EPERM, self->j->err)
		{
			TH_LOG("%s: %s", path, strerror(self->j->err));
		}
	} else {
		EXPECT_EQ(0, status)
		{
			TH_LOG("%s: status %d, errno %d", path, status,
			       self->j->err);
		}
	}
	ctr_check(_metadata, before, d);
	snprintf(line, sizeof(line), "action=%s op=%s reason=%s ",
		 variant->mode == 2 ? "deny" : "audit", log_op, reason);
	EXPECT_EQ(1, kmsg_count(kfd, line, needle))
	{
		TH_LOG("not one \"%s\" line for %s", line, needle);
	}
}

/* @op on @path by a contained task is allowed. */
static void check_allowed(struct __test_metadata *const _metadata,
			  FIXTURE_DATA(hard) *self, enum op op,
			  const char *path)
{
	int status;

	memset(self->j, 0, sizeof(*self->j));
	self->j->op = op;
	snprintf(self->j->path, sizeof(self->j->path), "%s", path);
	status = run_in_context(CTX_PIDNS, do_job, self->j);
	EXPECT_EQ(0, status)
	{
		TH_LOG("%s: status %d, errno %d", path, status, self->j->err);
	}
}

TEST_F(hard, mprotect_exec)
{
	const int delta[C_COUNT] = { [C_BLOCKED] = 1, [C_HASHED] = 1 };

	check_judged(_metadata, self, variant, OP_MPROTECT, self->miner,
		     "mprotect", "miner_hash", self->miner, delta);
	check_allowed(_metadata, self, OP_MPROTECT, self->harmless);
}

/*
 * A kretprobe on security_file_mprotect() rewrites its caller's address
 * on the stack: the handler's own call to the original must still not
 * be judged again (once per call, in audit mode too).
 */
TEST_F(hard, mprotect_exec_under_kretprobe)
{
	const int delta[C_COUNT] = { [C_BLOCKED] = 1, [C_HASHED] = 1 };

	if (!tracing_ready(NULL))
		SKIP(return, "no tracefs");
	tracing_reset();
	ASSERT_EQ(0, tracing_write("kprobe_events",
				   "r:" KRETPROBE " security_file_mprotect\n",
				   true))
	{
		TH_LOG("kretprobe: %s", strerror(errno));
	}
	ASSERT_EQ(0, tracing_write("events/kprobes/" KRETPROBE "/enable", "1",
				   false));
	check_judged(_metadata, self, variant, OP_MPROTECT, self->miner,
		     "mprotect", "miner_hash", self->miner, delta);
	check_allowed(_metadata, self, OP_MPROTECT, self->harmless);
	tracing_reset();
}

/*
 * function_graph on bulwark's own functions rewrites the return address
 * of a gate: an exec, through the gate to security_bprm_check(), is
 * still judged once.
 */
TEST_F(hard, exec_under_function_graph)
{
	const int delta[C_COUNT] = { [C_BLOCKED] = 1, [C_HASHED] = 1 };

	if (!tracing_ready("function_graph"))
		SKIP(return, "no function_graph tracer");
	tracing_reset();
	ASSERT_EQ(0, tracing_write("set_ftrace_filter", ":mod:bulwark\n",
				   false))
	{
		TH_LOG("set_ftrace_filter: %s", strerror(errno));
	}
	ASSERT_EQ(0, tracing_write("current_tracer", "function_graph", false));
	check_judged(_metadata, self, variant, OP_EXEC, self->miner, "exec",
		     "miner_hash", self->miner, delta);
	check_allowed(_metadata, self, OP_EXEC, self->harmless);
	tracing_reset();
}

TEST_F(hard, read_implies_exec)
{
	const int delta[C_COUNT] = { [C_BLOCKED] = 1, [C_HASHED] = 1 };
	unsigned long long before[C_COUNT];
	const int none[C_COUNT] = {};

	/* Control: PROT_READ alone is no exec. */
	ctr_read(_metadata, before);
	check_allowed(_metadata, self, OP_MMAP_READ, self->miner);
	ctr_check(_metadata, before, none);
	check_judged(_metadata, self, variant, OP_MMAP_RIE, self->miner,
		     "mmap", "miner_hash", self->miner, delta);
	check_allowed(_metadata, self, OP_MMAP_RIE, self->harmless);
}

TEST_F(hard, unsealed_memfd)
{
	const int delta[C_COUNT] = { [C_BLOCKED] = 1, [C_SKIPPED] = 1 };

	/* Not hashed, whatever it holds: here, a harmless program. */
	check_judged(_metadata, self, variant, OP_MEMFD, self->harmless,
		     "exec", "miner_unhashed", "memfd:payload", delta);
}

TEST_F(hard, sealed_memfd)
{
	const int delta[C_COUNT] = { [C_BLOCKED] = 1, [C_HASHED] = 1 };

	/* Hashed like a file: the miner by its digest ... */
	check_judged(_metadata, self, variant, OP_MEMFD_SEALED, self->miner,
		     "exec", "miner_hash", "memfd:payload", delta);
	/* ... a harmless program runs. */
	check_allowed(_metadata, self, OP_MEMFD_SEALED, self->harmless);
}

TEST_F(hard, larger_than_hash_max_bytes)
{
	const int delta[C_COUNT] = { [C_SKIPPED] = 2 };
	unsigned long long before[C_COUNT];
	int i, kfd;

	set_knob(_metadata, "hash_max_bytes", 4096);
	ctr_read(_metadata, before);
	usleep(LOG_PACE_US);
	kfd = kmsg_mark();
	ASSERT_LE(0, kfd);
	/* The miner too: it is not hashed, so not found. */
	for (i = 0; i < 2; i++)
		check_allowed(_metadata, self, OP_EXEC, self->miner);
	ctr_check(_metadata, before, delta);
	/* Logged each time, as audit, even in enforce mode. */
	EXPECT_EQ(2, kmsg_count(kfd,
				"action=audit op=exec reason=miner_unhashed ",
				self->miner));
}

/* --- dm: a read error while hashing ------------------------------------ */

#define DM_PAD (8 << 20)
#define DM_ERR_FROM_END (4 << 20)
#define DM_ERR_LEN (64 << 10)

FIXTURE(dm)
{
	char dir[64];
	char victim[256];
	struct dm_disk disk;
};

FIXTURE_VARIANT(dm)
{
	int mode;
};

FIXTURE_VARIANT_ADD(dm, audit)
{
	.mode = 1,
};

FIXTURE_VARIANT_ADD(dm, enforce)
{
	.mode = 2,
};

FIXTURE_SETUP(dm)
{
	const char *why = module_unavailable(false);

	if (why)
		SKIP(return, "%s", why);
	why = dm_disk_unavailable();
	if (why)
		SKIP(return, "%s", why);
	common_setup(_metadata, variant->mode);
	snprintf(self->dir, sizeof(self->dir), "/tmp/bulwark-exechard.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN_PARENT(dm)
{
	EXPECT_EQ(0, dm_disk_remove(&self->disk))
	{
		TH_LOG("%s", self->disk.err);
	}
	if (self->dir[0])
		EXPECT_EQ(0, run_cmd("rm -rf '%s'", self->dir));
	common_teardown(_metadata);
}

TEST_F_TIMEOUT(dm, read_error_while_hashing, 300)
{
	/* Whether a failed digest counts as computed is not specified. */
	const int delta[C_COUNT] = { [C_BLOCKED] = 1, [C_SKIPPED] = 1,
				     [C_HASHED] = ANY, [C_HITS] = ANY };
	struct job *j = shared_alloc(sizeof(*j));
	char other[256], helper[PATH_MAX], name[64];
	unsigned long long before[C_COUNT];
	int d[C_COUNT], kfd, status;
	struct stat st;
	off_t bad;

	ASSERT_NE(NULL, j);
	ASSERT_EQ(0, sibling("true-static", helper));
	snprintf(name, sizeof(name), "bulwark-exechard-%d", getpid());
	ASSERT_EQ(0, dm_disk_make(&self->disk, self->dir, name))
	{
		TH_LOG("%s", self->disk.err);
	}

	/* A harmless program, padded; something is on the blocklist. */
	snprintf(self->victim, sizeof(self->victim), "%s/victim",
		 self->disk.mnt);
	ASSERT_EQ(0, make_program(helper, self->victim, NULL, DM_PAD));
	snprintf(other, sizeof(other), "%s/other", self->dir);
	ASSERT_EQ(0, make_program(helper, other, MINER_TAIL, 0));
	block_file(_metadata, other);

	/* Sectors of the file, 4 MiB from its end, fail from now on. */
	ASSERT_EQ(0, stat(self->victim, &st));
	bad = st.st_size - DM_ERR_FROM_END;
	bad -= bad % 4096;
	ASSERT_EQ(0, dm_disk_fail(&self->disk, self->victim, bad, DM_ERR_LEN))
	{
		TH_LOG("%s", self->disk.err);
	}

	memcpy(d, delta, sizeof(d));
	if (variant->mode == 1) {
		d[C_AUDITED] = 1;
		d[C_BLOCKED] = 0;
	}
	snprintf(j->path, sizeof(j->path), "%s", self->victim);
	j->op = OP_EXEC;
	ctr_read(_metadata, before);
	kfd = kmsg_mark();
	ASSERT_LE(0, kfd);
	status = run_in_context(CTX_PIDNS, do_job, j);
	if (variant->mode == 2) {
		EXPECT_EQ(CALL_FAILED, status);
		EXPECT_EQ(-1, j->ret);
		EXPECT_EQ(EPERM, j->err);
	} else {
		EXPECT_EQ(0, status);
	}
	ctr_check(_metadata, before, d);
	EXPECT_EQ(1, kmsg_count(kfd, variant->mode == 2 ?
			"action=deny op=exec reason=miner_unhashed " :
			"action=audit op=exec reason=miner_unhashed ",
			self->victim));
}

/* --- fuse: digests not cached; a stalled hash and rmmod ---------------- */

#define FUSE_PAD (8 << 20)
/* The stalling server waits when asked for bytes this far from the end. */
#define FUSE_STALL_FROM_END (4 << 20)

FIXTURE(fuse)
{
	char dir[64];
	char mnt[128];
	char path[PATH_MAX];
	pid_t server;
	bool mounted;
	int release[2];
	int *stalled;
	struct fuse_file f;
};

FIXTURE_SETUP(fuse)
{
	const char *why = module_unavailable(true);
	char helper[PATH_MAX];
	int fd;

	if (why)
		SKIP(return, "%s", why);
	run_cmd("modprobe -q fuse");
	if (access("/dev/fuse", R_OK | W_OK))
		SKIP(return, "no /dev/fuse: %s", strerror(errno));
	common_setup(_metadata, 2);
	ASSERT_EQ(0, sibling("true-static", helper));
	snprintf(self->dir, sizeof(self->dir), "/tmp/bulwark-exechard.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->mnt, sizeof(self->mnt), "%s/mnt", self->dir);
	ASSERT_EQ(0, mkdir(self->mnt, 0755));

	/* The bytes to serve: a harmless program, padded. */
	join(self->path, self->dir, "served");
	ASSERT_EQ(0, make_program(helper, self->path, NULL, FUSE_PAD));
	fd = open(self->path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	self->f.size = lseek(fd, 0, SEEK_END);
	self->f.data = malloc(self->f.size);
	ASSERT_NE(NULL, self->f.data);
	ASSERT_EQ((ssize_t)self->f.size,
		  pread(fd, self->f.data, self->f.size, 0));
	close(fd);
	self->stalled = shared_alloc(sizeof(int));
	ASSERT_NE(NULL, self->stalled);
	self->f.stalled = self->stalled;
	ASSERT_EQ(0, pipe2(self->release, O_CLOEXEC));
	self->f.release = self->release[0];
	/* Something on the blocklist: the rule hashes only then. */
	snprintf(helper, sizeof(helper), "%s/other", self->dir);
	ASSERT_EQ(0, make_program(self->path, helper, MINER_TAIL, 0));
	block_file(_metadata, helper);
}

FIXTURE_TEARDOWN_PARENT(fuse)
{
	if (self->mounted)
		EXPECT_EQ(0, umount2(self->mnt, MNT_DETACH));
	if (self->server > 0) {
		kill(self->server, SIGKILL);
		waitpid(self->server, NULL, 0);
	}
	if (self->dir[0])
		EXPECT_EQ(0, run_cmd("rm -rf '%s'", self->dir));
	if (!module_loaded())
		EXPECT_EQ(0, load_module(""));
	common_teardown(_metadata);
}

/* Mounts the FUSE file system and starts its server. */
static void fuse_start(struct __test_metadata *const _metadata,
		       FIXTURE_DATA(fuse) *self)
{
	pid_t server;
	int fd;

	fd = fuse_mount(self->mnt, "bulwark-exechard");
	ASSERT_LE(0, fd)
	{
		TH_LOG("mount fuse: %s", strerror(errno));
	}
	self->mounted = true;
	fflush(NULL);
	server = fork();
	ASSERT_LE(0, server);
	if (!server) {
		close(self->release[1]);
		_exit(fuse_serve(fd, &self->f));
	}
	self->server = server;
	close(fd);
	close(self->release[0]);
	join(self->path, self->mnt, "victim");
}

TEST_F_TIMEOUT(fuse, digest_not_cached, 120)
{
	const int delta[C_COUNT] = { [C_HASHED] = 2 };
	struct job *j = shared_alloc(sizeof(*j));
	unsigned long long before[C_COUNT];
	int i;

	ASSERT_NE(NULL, j);
	fuse_start(_metadata, self);
	j->op = OP_EXEC;
	snprintf(j->path, sizeof(j->path), "%s", self->path);
	ctr_read(_metadata, before);
	for (i = 0; i < 2; i++)
		EXPECT_EQ(0, run_in_context(CTX_PIDNS, do_job, j));
	/* Hashed twice, never found in the cache. */
	ctr_check(_metadata, before, delta);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A contained task's @op (an exec, or an mprotect(PROT_EXEC), whose
 * hook is a direct call) stalls in the hash: rmmod fails at once, and
 * succeeds once the task is done.
 */
static void rmmod_while_stalled(struct __test_metadata *const _metadata,
				FIXTURE_DATA(fuse) *self, int op)
{
	struct job *j = shared_alloc(sizeof(*j));
	int *rm = shared_alloc(2 * sizeof(int));
	pid_t exec_pid, rm_pid;
	double t0, took;
	int i, status;

	ASSERT_NE(NULL, j);
	ASSERT_NE(NULL, rm);
	self->f.stall_at = self->f.size - FUSE_STALL_FROM_END;
	fuse_start(_metadata, self);
	j->op = op;
	snprintf(j->path, sizeof(j->path), "%s", self->path);
	exec_pid = spawn_in_context(CTX_PIDNS, do_job, j);
	ASSERT_LE(0, exec_pid);
	for (i = 0; i < 1000; i++) {
		if (__atomic_load_n(self->stalled, __ATOMIC_ACQUIRE))
			break;
		usleep(10000);
	}
	ASSERT_EQ(1, *self->stalled)
	{
		TH_LOG("the server was never asked for byte %zu",
		       self->f.stall_at);
	}

	/* rmmod, in a child: it must not block, but if it does ... */
	fflush(NULL);
	rm_pid = fork();
	ASSERT_LE(0, rm_pid);
	if (!rm_pid) {
		rm[0] = unload_module();
		rm[1] = errno;
		_exit(0);
	}
	t0 = now_s();
	while (waitpid(rm_pid, &status, WNOHANG) == 0 && now_s() - t0 < 5)
		usleep(10000);
	took = now_s() - t0;
	EXPECT_GT(2, took)
	{
		TH_LOG("rmmod still waited after %.1f s", took);
	}
	/* ... the server answers, and the exec ends. */
	EXPECT_EQ(1, write(self->release[1], "x", 1));
	if (took >= 5)
		waitpid(rm_pid, &status, 0);
	EXPECT_EQ(-1, rm[0]);
	EXPECT_TRUE(rm[1] == EBUSY || rm[1] == EAGAIN)
	{
		TH_LOG("rmmod: %s", strerror(rm[1]));
	}
	EXPECT_EQ(0, wait_context(exec_pid));
	/* Nothing holds the module any more. */
	if (rm[0] == -1)
		EXPECT_EQ(0, unload_module())
		{
			TH_LOG("rmmod after the exec: %s", strerror(errno));
		}
	EXPECT_EQ(0, load_module(""));
}

TEST_F_TIMEOUT(fuse, rmmod_while_hash_stalls, MODULE_TIMEOUT)
{
	rmmod_while_stalled(_metadata, self, OP_EXEC);
}

TEST_F_TIMEOUT(fuse, rmmod_while_mprotect_hash_stalls, MODULE_TIMEOUT)
{
	rmmod_while_stalled(_metadata, self, OP_MPROTECT);
}

TEST_HARNESS_MAIN
