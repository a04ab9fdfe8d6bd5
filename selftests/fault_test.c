// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark selftests - faults while hashing, and floods of denials
 *
 * dm:    a file whose later blocks fail with EIO (device-mapper "error"
 *        target under an ext4 image) is run by a contained task: the exec
 *        rule cannot hash it, so it is refused in enforce mode, counted in
 *        exec_skipped and exec_blocked and logged (reason=miner_unhashed,
 *        error=-5), each time; a host task is not concerned.
 * race:  a large file shrinks while a contained mmap(PROT_EXEC) hashes
 *        it: the outcome is clean (refused as unhashed and logged, or the
 *        digest of a whole file) and no digest of part of it is kept; a file
 *        changed through a shared writable mapping, which leaves ctime
 *        alone, is not answered from the digest cache.
 * flood: 100,000 denials by a contained task: the counter rises by
 *        exactly that much, bulwark's kernel log lines stay within the
 *        rate limit (the "callbacks suppressed" notices account for the
 *        rest), with and without the audit subsystem enabled (kauditd,
 *        no auditd), and each denial costs bounded CPU time, compared
 *        with an allowed open of an unprotected file.  A registered
 *        audit daemon that stops reading does not make denials wait.
 *
 * fuse:  a file served by a FUSE server (a minimal one, below) that
 *        dies while the file is hashed: as for dm, refused and logged.
 *
 * A 9p file that disappears is not covered: the guest's 9p root is
 * read-only from its side, and only the host could remove the file.
 */

#include <linux/audit.h>
#include <linux/fs.h>
#include <linux/netlink.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include "common.h"
#include "dm_disk.h"
#include "fuse_server.h"

#define BLOCKLIST SECURITYFS_DIR "/blocklist"
#define KEYS_DIRS SECURITYFS_DIR "/keys_dirs"
#define KEYS_NAMES SECURITYFS_DIR "/keys_names"
#define COUNTER(name) SYSFS_DIR "/counters/" name
#define SKIP_LINE "bulwark: action=deny op=exec reason=miner_unhashed "
#define SKIP_LINE_MMAP "bulwark: action=deny op=mmap reason=miner_unhashed "
#define DENY_OPEN_LINE "bulwark: action=deny op=open reason=host_keys "
#define SUPPRESSED_LINE "bulwark_report: "
/* AUDIT_KERNEL_OTHER, as kauditd prints it without an audit daemon. */
#define AUDIT_LINE "type=1316 "

/* The report rate limit: lines per interval, and the interval. */
#define REPORT_BURST 10
#define REPORT_INTERVAL_S 5

#define FLOOD_N 100000UL

/* --- small helpers ----------------------------------------------------- */

static double now_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Puts "<hex> <label>" as the whole blocklist. */
static void block_digest(struct __test_metadata *const _metadata,
			 const char *hex, const char *label)
{
	char line[128];

	snprintf(line, sizeof(line), "%s %s\n", hex, label);
	ASSERT_EQ((ssize_t)strlen(line), policy_write(BLOCKLIST, line, 0));
}

/* Fills @buf with bytes that depend on @seed and on the offset. */
static void pattern(unsigned char *buf, size_t len, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = x;
	}
}

/*
 * Creates @dst (mode 0755): a copy of @src, then @pad pattern bytes, then
 * zeros up to a multiple of @align.  Returns its size, or -1.
 */
static off_t make_padded(const char *src, const char *dst, size_t pad,
			 size_t align, uint64_t seed)
{
	unsigned char *buf = NULL;
	struct stat st;
	off_t size = -1;
	int in, out;

	in = open(src, O_RDONLY | O_CLOEXEC);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (in < 0 || out < 0 || fstat(in, &st) ||
	    sendfile(out, in, NULL, st.st_size) != st.st_size)
		goto out;
	if (pad) {
		buf = malloc(pad);
		if (!buf)
			goto out;
		pattern(buf, pad, seed);
		if (write(out, buf, pad) != (ssize_t)pad)
			goto out;
	}
	size = st.st_size + pad;
	if (align)
		size = (size + align - 1) / align * align;
	if (ftruncate(out, size) || fsync(out))
		size = -1;
out:
	free(buf);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return size;
}

/* Path of a program built next to this test. */
static void sibling(struct __test_metadata *const _metadata, const char *name,
		    char *buf)
{
	char *slash;

	ASSERT_EQ(0, helper_path(buf, PATH_MAX));
	slash = strrchr(buf, '/');
	snprintf(slash + 1, PATH_MAX - (slash + 1 - buf), "%s", name);
	ASSERT_EQ(0, access(buf, X_OK))
	{
		TH_LOG("%s: %s", buf, strerror(errno));
	}
}

/* --- /dev/kmsg --------------------------------------------------------- */

/**
 * struct kmsg_count - kernel log records since a mark
 */
struct kmsg_count {
	/* Every record. */
	unsigned long all;
	/* Records holding @needle, and those holding @needle and @also. */
	unsigned long match;
	unsigned long match_also;
	/* bulwark_report's "N callbacks suppressed", and their sum of N. */
	unsigned long suppressed_lines;
	unsigned long long suppressed;
	/* Records kauditd printed for AUDIT_KERNEL_OTHER. */
	unsigned long audit;
	/* The last record holding @needle. */
	char last[1024];
};

/* Reads the records since kmsg_mark() and closes @fd. */
static void kmsg_read(int fd, const char *needle, const char *also,
		      struct kmsg_count *c)
{
	char rec[8192];
	ssize_t n;

	memset(c, 0, sizeof(*c));
	for (;;) {
		const char *msg;

		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* Records were overwritten: go on. */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		c->all++;
		if (needle && strstr(msg, needle)) {
			c->match++;
			if (also && strstr(msg, also))
				c->match_also++;
			snprintf(c->last, sizeof(c->last), "%.1000s", msg);
		}
		if (!strncmp(msg, SUPPRESSED_LINE, strlen(SUPPRESSED_LINE)) &&
		    strstr(msg, " callbacks suppressed")) {
			c->suppressed_lines++;
			c->suppressed += strtoull(msg + strlen(SUPPRESSED_LINE),
						  NULL, 10);
		}
		if (strstr(msg, AUDIT_LINE))
			c->audit++;
	}
	close(fd);
}

/* --- running things in a container ------------------------------------- */

/**
 * struct job - what a contained child does, and what came of it
 */
struct job {
	/* Input. */
	char path[PATH_MAX];
	const char *arg;
	/* mmap() only: set before the mapping is asked for. */
	int started;
	/* Output. */
	int ret;
	int err;
	double wall;
};

/* Runs job->path; the program's exit code, or the errno of execve(). */
static int do_exec(void *arg)
{
	struct job *j = arg;
	char *argv[] = { j->path, (char *)j->arg, NULL };
	char *const envp[] = { NULL };

	execve(j->path, argv, envp);
	return errno;
}

/* Maps job->path PROT_EXEC, all of it; 0, or the errno of mmap(). */
static int do_mmap_exec(void *arg)
{
	struct job *j = arg;
	struct stat st;
	double t0;
	void *p;
	int fd;

	fd = open(j->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		return CTX_SETUP_FAILED;
	__atomic_store_n(&j->started, 1, __ATOMIC_RELEASE);
	t0 = now_s(CLOCK_MONOTONIC);
	p = mmap(NULL, st.st_size, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	j->wall = now_s(CLOCK_MONOTONIC) - t0;
	j->err = p == MAP_FAILED ? errno : 0;
	if (p != MAP_FAILED)
		munmap(p, st.st_size);
	close(fd);
	return j->err;
}

/* --- dm: an I/O error while hashing ------------------------------------ */

/* The ELF first, then this much pattern: the error lies in it. */
#define DM_PAD (8 << 20)
/* Bytes of the file, counted from its end, where reads fail. */
#define DM_ERR_FROM_END (4 << 20)
#define DM_ERR_LEN (64 << 10)

FIXTURE(dm)
{
	char dir[64];
	char victim[256];
	char control[256];
	struct dm_disk disk;
};

FIXTURE_SETUP(dm)
{
	const char *why = module_unavailable(false);

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	why = dm_disk_unavailable();
	if (why)
		SKIP(return, "%s", why);
	snprintf(self->dir, sizeof(self->dir), "/tmp/bulwark-fault.XXXXXX");
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
	EXPECT_EQ(0, policy_write(BLOCKLIST, "", 0));
}

TEST_F_TIMEOUT(dm, io_error_is_skipped_and_logged, 300)
{
	unsigned long long skipped, checked, blocked;
	char helper[PATH_MAX], hex[65], name[64];
	struct job *j = shared_alloc(sizeof(*j));
	struct kmsg_count kc;
	off_t size, bad;
	int ret, km;

	ASSERT_NE(NULL, j);
	/* Static: the exec maps no ld.so or libc, which would be checked. */
	sibling(_metadata, "true-static", helper);

	/* An ext4 image on a loop device, under a linear dm table. */
	snprintf(name, sizeof(name), "bulwark-fault-%d", getpid());
	ASSERT_EQ(0, dm_disk_make(&self->disk, self->dir, name))
	{
		TH_LOG("%s", self->disk.err);
	}

	/* The helper program, then pattern bytes; on the blocklist. */
	snprintf(self->victim, sizeof(self->victim), "%s/victim",
		 self->disk.mnt);
	size = make_padded(helper, self->victim, DM_PAD, 0, 1);
	ASSERT_LT(0, size);
	sha256_of(_metadata, self->victim, hex);
	block_digest(_metadata, hex, "fault-dm");

	/* Control: the same bytes elsewhere are refused. */
	snprintf(self->control, sizeof(self->control), "%s/control",
		 self->dir);
	ASSERT_EQ(size, make_padded(self->victim, self->control, 0, 0, 0));
	snprintf(j->path, sizeof(j->path), "%s", self->control);
	blocked = counter(_metadata, COUNTER("exec_blocked"));
	ASSERT_EQ(EPERM, run_in_context(CTX_PIDNS, do_exec, j));
	ASSERT_EQ(blocked + 1, counter(_metadata, COUNTER("exec_blocked")));

	/*
	 * The file's bytes [size - 4 MiB, + 64 KiB) fail from now on; a
	 * host read of them does, and nothing of the file is cached.
	 */
	bad = size - DM_ERR_FROM_END;
	bad -= bad % 4096;
	ASSERT_EQ(0, dm_disk_fail(&self->disk, self->victim, bad, DM_ERR_LEN))
	{
		TH_LOG("%s", self->disk.err);
	}

	/* A contained task runs it: not hashed, refused, counted, logged. */
	skipped = counter(_metadata, COUNTER("exec_skipped"));
	checked = counter(_metadata, COUNTER("exec_checked"));
	blocked = counter(_metadata, COUNTER("exec_blocked"));
	km = kmsg_mark();
	ASSERT_LE(0, km);
	snprintf(j->path, sizeof(j->path), "%s", self->victim);
	j->arg = "7";
	ret = run_in_context(CTX_PIDNS, do_exec, j);
	kmsg_read(km, SKIP_LINE, self->victim, &kc);
	EXPECT_EQ(EPERM, ret)
	{
		TH_LOG("the contained exec gave %d, not EPERM", ret);
	}
	EXPECT_EQ(skipped + 1, counter(_metadata, COUNTER("exec_skipped")));
	EXPECT_EQ(checked + 1, counter(_metadata, COUNTER("exec_checked")));
	EXPECT_EQ(blocked + 1, counter(_metadata, COUNTER("exec_blocked")));
	EXPECT_EQ(1UL, kc.match)
	{
		TH_LOG("%lu \"" SKIP_LINE "\" lines; last: %s", kc.match,
		       kc.last);
	}
	EXPECT_EQ(1UL, kc.match_also);
	EXPECT_NE(NULL, strstr(kc.last, " error=-5\n"))
	{
		TH_LOG("not an EIO: %s", kc.last);
	}
	TH_LOG("skip line: %.300s", kc.last);

	/* A host task runs it, unexamined. */
	skipped = counter(_metadata, COUNTER("exec_skipped"));
	checked = counter(_metadata, COUNTER("exec_checked"));
	EXPECT_EQ(7, run_in_context(CTX_HOST, do_exec, j));
	EXPECT_EQ(skipped, counter(_metadata, COUNTER("exec_skipped")));
	EXPECT_EQ(checked, counter(_metadata, COUNTER("exec_checked")));

	/* Nothing was cached for it: a second try fails to hash again. */
	blocked = counter(_metadata, COUNTER("exec_blocked"));
	ASSERT_EQ(1, write_file("/proc/sys/vm/drop_caches", 0, "1", 1));
	EXPECT_EQ(EPERM, run_in_context(CTX_PIDNS, do_exec, j));
	EXPECT_EQ(skipped + 1, counter(_metadata, COUNTER("exec_skipped")));
	EXPECT_EQ(blocked + 1, counter(_metadata, COUNTER("exec_blocked")));
}

/* --- race: files that change while hashed ------------------------------ */

#define RACE_MB 48
#define RACE_SMALL (1 << 20)
#define RACE_TRIES 6

FIXTURE(race)
{
	char dir[64];
	bool mounted;
};

FIXTURE_SETUP(race)
{
	const char *why = module_unavailable(false);

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	snprintf(self->dir, sizeof(self->dir), "/tmp/bulwark-race.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, mount("tmpfs", self->dir, "tmpfs", 0,
			   "size=512m,mode=0755"));
	self->mounted = true;
}

FIXTURE_TEARDOWN_PARENT(race)
{
	if (self->mounted)
		EXPECT_EQ(0, umount2(self->dir, MNT_DETACH));
	if (self->dir[0])
		EXPECT_EQ(0, rmdir(self->dir));
	EXPECT_EQ(0, policy_write(BLOCKLIST, "", 0));
}

/* A file of @size pattern bytes; 0 or -1. */
static int make_pattern_file(const char *path, size_t size, uint64_t seed)
{
	unsigned char *buf = malloc(size);
	int fd, ret = -1;

	if (!buf)
		return -1;
	pattern(buf, size, seed);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0 && write(fd, buf, size) == (ssize_t)size)
		ret = 0;
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

TEST_F_TIMEOUT(race, truncated_while_hashed, 600)
{
	const size_t big = (size_t)RACE_MB << 20;
	struct job *j = shared_alloc(sizeof(*j));
	unsigned long long skipped, hashed;
	char path[PATH_MAX], hex[65];
	int i, ret, hits = 0;
	double hash_s, delay;
	struct kmsg_count kc;
	pid_t pid;
	int km;

	ASSERT_NE(NULL, j);
	/* The digest of what every file here becomes once truncated. */
	snprintf(path, sizeof(path), "%s/small", self->dir);
	ASSERT_EQ(0, make_pattern_file(path, RACE_SMALL, 42));
	sha256_of(_metadata, path, hex);
	block_digest(_metadata, hex, "fault-truncated");

	/* How long hashing the whole file takes. */
	snprintf(j->path, sizeof(j->path), "%s/calibrate", self->dir);
	ASSERT_EQ(0, make_pattern_file(j->path, big, 42));
	hashed = counter(_metadata, COUNTER("exec_hashed"));
	ASSERT_EQ(0, run_in_context(CTX_PIDNS, do_mmap_exec, j));
	ASSERT_EQ(hashed + 1, counter(_metadata, COUNTER("exec_hashed")));
	hash_s = j->wall;
	TH_LOG("hashing %d MiB took %.3f s", RACE_MB, hash_s);
	ASSERT_LT(0.02, hash_s);
	delay = hash_s / 2;

	for (i = 0; i < RACE_TRIES; i++) {
		int fd;

		snprintf(j->path, sizeof(j->path), "%s/big%d", self->dir, i);
		ASSERT_EQ(0, make_pattern_file(j->path, big, 42));
		__atomic_store_n(&j->started, 0, __ATOMIC_RELEASE);
		skipped = counter(_metadata, COUNTER("exec_skipped"));
		hashed = counter(_metadata, COUNTER("exec_hashed"));
		km = kmsg_mark();
		ASSERT_LE(0, km);
		pid = spawn_in_context(CTX_PIDNS, do_mmap_exec, j);
		ASSERT_LT(0, pid);
		while (!__atomic_load_n(&j->started, __ATOMIC_ACQUIRE))
			usleep(100);
		usleep(delay * 1e6);
		fd = open(j->path, O_WRONLY | O_CLOEXEC);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, ftruncate(fd, RACE_SMALL));
		close(fd);
		ret = wait_context(pid);
		kmsg_read(km, SKIP_LINE_MMAP, j->path, &kc);

		skipped = counter(_metadata, COUNTER("exec_skipped")) - skipped;
		hashed = counter(_metadata, COUNTER("exec_hashed")) - hashed;
		TH_LOG("try %d after %.3f s: mmap %d, skipped %llu, hashed %llu, %lu lines",
		       i, delay, ret, skipped, hashed, kc.match_also);
		if (skipped) {
			/* Shrank or changed while read: refused, logged. */
			EXPECT_EQ(EPERM, ret);
			EXPECT_EQ(1ULL, skipped);
			EXPECT_EQ(0ULL, hashed);
			EXPECT_EQ(1UL, kc.match_also);
			EXPECT_TRUE(strstr(kc.last, " error=-61\n") ||
				    strstr(kc.last, " error=-116\n"))
			{
				TH_LOG("%s", kc.last);
			}
			hits++;
		} else if (ret == EPERM) {
			/* Truncated first: the small file's digest. */
			delay *= 1.5;
		} else {
			/* Hashed whole before the truncation. */
			EXPECT_EQ(0, ret);
			EXPECT_EQ(1ULL, hashed);
			delay /= 2;
		}
		EXPECT_EQ(skipped ? 1UL : 0UL, kc.match_also);

		/* Whatever happened, the file as it is now is refused. */
		ret = run_in_context(CTX_PIDNS, do_mmap_exec, j);
		EXPECT_EQ(EPERM, ret)
		{
			TH_LOG("the truncated file was mapped: %d", ret);
		}
		ASSERT_EQ(0, unlink(j->path));
		if (hits >= 2)
			break;
	}
	EXPECT_LE(1, hits)
	{
		TH_LOG("never truncated while hashing in %d tries", i);
	}
}

/*
 * A file mapped shared and writable changes without its ctime changing:
 * a digest taken while such a mapping exists must not be reused.
 */
TEST_F_TIMEOUT(race, writable_mapping_not_cached, 120)
{
	char helper[PATH_MAX], miner[PATH_MAX], path[PATH_MAX], hex[65];
	struct job *j = shared_alloc(sizeof(*j));
	unsigned long long hashed, hits;
	struct stat before, after;
	off_t hsize, msize, size;
	unsigned char *map, *bytes;
	int fd, ret;

	ASSERT_NE(NULL, j);
	sibling(_metadata, HELPER_NAME, helper);
	sibling(_metadata, "miner", miner);

	/* The harmless program and the miner, padded to the same size. */
	snprintf(path, sizeof(path), "%s/miner", self->dir);
	msize = make_padded(miner, path, 0, 4096, 0);
	snprintf(j->path, sizeof(j->path), "%s/file", self->dir);
	hsize = make_padded(helper, j->path, 0, 4096, 0);
	ASSERT_LT(0, msize);
	ASSERT_LT(0, hsize);
	size = msize > hsize ? msize : hsize;
	ASSERT_EQ(0, truncate(path, size));
	ASSERT_EQ(0, truncate(j->path, size));
	sha256_of(_metadata, path, hex);
	block_digest(_metadata, hex, "fault-stale");
	bytes = malloc(size);
	ASSERT_NE(NULL, bytes);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(size, read(fd, bytes, size));
	close(fd);

	/* A writer maps the harmless program and dirties every page. */
	fd = open(j->path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, map);
	for (off_t o = 0; o < size; o += 4096)
		__atomic_store_n(&map[o], map[o], __ATOMIC_RELAXED);
	/* Old enough a ctime for the cache, even without i_version. */
	sleep(3);

	/* A contained mapping of it: harmless, allowed, hashed. */
	hashed = counter(_metadata, COUNTER("exec_hashed"));
	EXPECT_EQ(0, run_in_context(CTX_PIDNS, do_mmap_exec, j));
	EXPECT_EQ(hashed + 1, counter(_metadata, COUNTER("exec_hashed")));

	/* The writer turns it into the miner; ctime does not move. */
	ASSERT_EQ(0, fstat(fd, &before));
	memcpy(map, bytes, size);
	ASSERT_EQ(0, fstat(fd, &after));
	EXPECT_EQ(before.st_ctim.tv_sec, after.st_ctim.tv_sec);
	EXPECT_EQ(before.st_ctim.tv_nsec, after.st_ctim.tv_nsec);
	ASSERT_EQ(0, munmap(map, size));
	close(fd);
	free(bytes);

	/* Run by a contained task: refused, from a fresh digest. */
	hashed = counter(_metadata, COUNTER("exec_hashed"));
	hits = counter(_metadata, COUNTER("exec_cache_hits"));
	j->arg = "7";
	ret = run_in_context(CTX_PIDNS, do_exec, j);
	EXPECT_EQ(EPERM, ret)
	{
		TH_LOG("the changed file ran (%d): a stale digest was used",
		       ret);
	}
	EXPECT_EQ(hashed + 1, counter(_metadata, COUNTER("exec_hashed")));
	EXPECT_EQ(hits, counter(_metadata, COUNTER("exec_cache_hits")));

	/* The host may still run it. */
	EXPECT_EQ(0, run_in_context(CTX_HOST, do_exec, j));
}

/* --- fuse: the server dies while the file is hashed -------------------- */

#define FUSE_PAD (8 << 20)
/* The server dies when asked for bytes this far from the end. */
#define FUSE_DIE_FROM_END (4 << 20)

FIXTURE(fuse)
{
	char dir[64];
	char mnt[128];
	pid_t server;
	bool mounted;
};

FIXTURE_SETUP(fuse)
{
	const char *why = module_unavailable(false);

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	run_cmd("modprobe -q fuse");
	if (access("/dev/fuse", R_OK | W_OK))
		SKIP(return, "no /dev/fuse: %s", strerror(errno));
	snprintf(self->dir, sizeof(self->dir), "/tmp/bulwark-fuse.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->mnt, sizeof(self->mnt), "%s/mnt", self->dir);
	ASSERT_EQ(0, mkdir(self->mnt, 0755));
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
	EXPECT_EQ(0, policy_write(BLOCKLIST, "", 0));
}

TEST_F_TIMEOUT(fuse, server_dies_while_hashed, 300)
{
	char helper[PATH_MAX], path[PATH_MAX], hex[65];
	struct job *j = shared_alloc(sizeof(*j));
	unsigned long long skipped, blocked;
	struct fuse_file f = {};
	struct kmsg_count kc;
	int fd, km, ret;
	pid_t server;
	off_t size;

	ASSERT_NE(NULL, j);
	sibling(_metadata, "true-static", helper);

	/* The bytes to serve: the program, then pattern; on the blocklist. */
	snprintf(path, sizeof(path), "%s/control", self->dir);
	size = make_padded(helper, path, FUSE_PAD, 0, 3);
	ASSERT_LT(0, size);
	sha256_of(_metadata, path, hex);
	block_digest(_metadata, hex, "fault-fuse");
	f.size = size;
	f.die_at = size - FUSE_DIE_FROM_END;
	f.data = malloc(size);
	ASSERT_NE(NULL, f.data);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(size, read(fd, f.data, size));
	close(fd);

	/* Control: those bytes are refused where they can be hashed. */
	snprintf(j->path, sizeof(j->path), "%s", path);
	ASSERT_EQ(EPERM, run_in_context(CTX_PIDNS, do_exec, j));

	fd = fuse_mount(self->mnt, "bulwark-fuse");
	ASSERT_LE(0, fd)
	{
		TH_LOG("mount fuse: %s", strerror(errno));
	}
	self->mounted = true;
	fflush(NULL);
	/* Not straight into self: the child would write 0 there too. */
	server = fork();
	ASSERT_LE(0, server);
	if (!server)
		_exit(fuse_serve(fd, &f));
	self->server = server;
	/* The server holds the only descriptor: it takes the file along. */
	close(fd);

	skipped = counter(_metadata, COUNTER("exec_skipped"));
	blocked = counter(_metadata, COUNTER("exec_blocked"));
	km = kmsg_mark();
	ASSERT_LE(0, km);
	snprintf(j->path, sizeof(j->path), "%s/victim", self->mnt);
	j->arg = "7";
	ret = run_in_context(CTX_PIDNS, do_exec, j);
	kmsg_read(km, SKIP_LINE, j->path, &kc);
	TH_LOG("exec gave %d; skip line: %.300s", ret, kc.last);
	/* Not hashed: refused, counted and logged once. */
	EXPECT_EQ(EPERM, ret);
	EXPECT_EQ(skipped + 1, counter(_metadata, COUNTER("exec_skipped")));
	EXPECT_EQ(blocked + 1, counter(_metadata, COUNTER("exec_blocked")));
	EXPECT_EQ(1UL, kc.match);
	EXPECT_EQ(1UL, kc.match_also);
	free(f.data);
	/* The server is gone. */
	for (ret = 0; ret < 50; ret++) {
		if (waitpid(server, NULL, WNOHANG) == server)
			break;
		usleep(100000);
	}
	ASSERT_GT(50, ret)
	{
		TH_LOG("the FUSE server was never asked for byte %zu",
		       f.die_at);
	}
	self->server = 0;
}

/* --- flood: 100,000 denials -------------------------------------------- */

/* Audit status through netlink: get, or set the fields in @mask. */
static int audit_status(struct audit_status *st, __u32 mask)
{
	struct {
		struct nlmsghdr nh;
		struct audit_status st;
	} req = {};
	char reply[8192];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, ret = -1;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0)
		return -1;
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = mask ? AUDIT_SET : AUDIT_GET;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = 1;
	if (mask) {
		req.st = *st;
		req.st.mask = mask;
	}
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		goto out;
	/* AUDIT_GET answers with the status, then the ack; SET, the ack. */
	for (;;) {
		struct nlmsghdr *nh = (struct nlmsghdr *)reply;

		n = recv(fd, reply, sizeof(reply), 0);
		if (n < (ssize_t)sizeof(*nh))
			goto out;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			if (e->error) {
				errno = -e->error;
				goto out;
			}
			if (mask) {
				ret = 0;
				goto out;
			}
		} else if (nh->nlmsg_type == AUDIT_GET && !mask) {
			memcpy(st, NLMSG_DATA(nh), sizeof(*st));
			ret = 0;
			goto out;
		}
	}
out:
	close(fd);
	return ret;
}

/**
 * struct flood - the result of a loop of opens in a contained task
 */
struct flood {
	char path[PATH_MAX];
	bool close_it;
	unsigned long n;
	/* Output: opens that failed with EPERM, that succeeded, others. */
	unsigned long eperm;
	unsigned long ok;
	unsigned long other;
	/* CPU (user + system) and wall time of the loop, in seconds. */
	double cpu;
	double wall;
	/* The slowest single open, in seconds. */
	double worst;
};

static int do_flood(void *arg)
{
	struct flood *f = arg;
	double c0, t0, t, prev;
	unsigned long i;

	c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	t0 = now_s(CLOCK_MONOTONIC);
	prev = t0;
	for (i = 0; i < f->n; i++) {
		int fd = open(f->path, O_WRONLY | O_CLOEXEC);

		if (fd >= 0) {
			f->ok++;
			if (f->close_it)
				close(fd);
		} else if (errno == EPERM) {
			f->eperm++;
		} else {
			f->other++;
		}
		if (!(i & 63)) {
			t = now_s(CLOCK_MONOTONIC);
			if (t - prev > f->worst)
				f->worst = t - prev;
			prev = t;
		}
	}
	f->cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	f->wall = now_s(CLOCK_MONOTONIC) - t0;
	return 0;
}

FIXTURE(flood)
{
	char dir[64];
	char key[256];
	char plain[256];
	char saved_dirs[4096];
	char saved_names[4096];
	bool mounted;
	bool saved;
	bool audit_changed;
	struct audit_status audit;
};

FIXTURE_VARIANT(flood)
{
	/* Turn the audit subsystem on (without an audit daemon). */
	bool audit;
};

FIXTURE_VARIANT_ADD(flood, log_only)
{
	.audit = false,
};

FIXTURE_VARIANT_ADD(flood, kauditd)
{
	.audit = true,
};

FIXTURE_SETUP(flood)
{
	const char *why = module_unavailable(false);
	char path[PATH_MAX], line[PATH_MAX + 8];

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	if (variant->audit) {
		if (audit_status(&self->audit, 0))
			SKIP(return, "no audit subsystem: %s", strerror(errno));
		if (self->audit.pid)
			SKIP(return, "an audit daemon (pid %u) is running",
			     self->audit.pid);
		if (self->audit.enabled == 2)
			SKIP(return, "the audit configuration is locked");
	}
	snprintf(self->dir, sizeof(self->dir), "/tmp/bulwark-flood.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, mount("tmpfs", self->dir, "tmpfs", 0,
			   "size=16m,mode=0755"));
	self->mounted = true;
	snprintf(path, sizeof(path), "%s/root", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/root/.ssh", self->dir);
	ASSERT_EQ(0, mkdir(path, 0700));
	snprintf(self->key, sizeof(self->key), "%s/root/.ssh/authorized_keys",
		 self->dir);
	ASSERT_EQ(2, write_file(self->key, O_CREAT, "k\n", 2));
	snprintf(self->plain, sizeof(self->plain), "%s/root/.ssh/known_hosts",
		 self->dir);
	ASSERT_EQ(2, write_file(self->plain, O_CREAT, "h\n", 2));

	ASSERT_LE(0, read_file(KEYS_DIRS, self->saved_dirs,
			       sizeof(self->saved_dirs)));
	ASSERT_LE(0, read_file(KEYS_NAMES, self->saved_names,
			       sizeof(self->saved_names)));
	self->saved = true;
	snprintf(line, sizeof(line), "%s/root\n", self->dir);
	ASSERT_EQ((ssize_t)strlen(line), policy_write(KEYS_DIRS, line, 0));
	ASSERT_LT(0, policy_write(KEYS_NAMES, "authorized_keys\n", 0));
	set_knob(_metadata, "keys_mode", 2);

	/* Last: the teardown, which turns it off again, runs from here on. */
	if (variant->audit) {
		struct audit_status on = { .enabled = 1 };

		ASSERT_EQ(0, audit_status(&on, AUDIT_STATUS_ENABLED));
		self->audit_changed = true;
	}
}

FIXTURE_TEARDOWN_PARENT(flood)
{
	if (self->audit_changed)
		EXPECT_EQ(0, audit_status(&self->audit, AUDIT_STATUS_ENABLED));
	EXPECT_LT(0, write_knob("keys_mode", "2"));
	if (self->saved) {
		EXPECT_EQ((ssize_t)strlen(self->saved_dirs),
			  policy_write(KEYS_DIRS, self->saved_dirs, 0));
		EXPECT_EQ((ssize_t)strlen(self->saved_names),
			  policy_write(KEYS_NAMES, self->saved_names, 0));
	}
	if (self->mounted)
		EXPECT_EQ(0, umount2(self->dir, MNT_DETACH));
	if (self->dir[0])
		EXPECT_EQ(0, rmdir(self->dir));
}

/* Runs a loop of @n opens of @path in a contained task. */
static struct flood *flood(struct __test_metadata *const _metadata,
			   const char *path, unsigned long n, bool close_it)
{
	struct flood *f = shared_alloc(sizeof(*f));

	EXPECT_NE(NULL, f);
	if (!f)
		return NULL;
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->n = n;
	f->close_it = close_it;
	EXPECT_EQ(0, run_in_context(CTX_PIDNS, do_flood, f));
	return f;
}

TEST_F_TIMEOUT(flood, denials_are_rate_limited, 900)
{
	unsigned long long blocked, lost = 0, bound;
	struct audit_status st;
	struct kmsg_count kc;
	struct flood *deny, *allow, *one;
	double t0, span, per_deny, per_allow;
	int km;

	/* The cost of an allowed open, of a file that is not protected. */
	allow = flood(_metadata, self->plain, FLOOD_N, true);
	ASSERT_NE(NULL, allow);
	ASSERT_EQ(FLOOD_N, allow->ok);

	/* Start a fresh rate-limit interval, then flood. */
	sleep(REPORT_INTERVAL_S + 1);
	one = flood(_metadata, self->key, 1, false);
	ASSERT_NE(NULL, one);
	ASSERT_EQ(1UL, one->eperm);
	t0 = now_s(CLOCK_MONOTONIC);
	if (variant->audit)
		ASSERT_EQ(0, audit_status(&st, 0));
	lost = variant->audit ? st.lost : 0;
	blocked = counter(_metadata, COUNTER("keys_blocked"));
	km = kmsg_mark();
	ASSERT_LE(0, km);
	deny = flood(_metadata, self->key, FLOOD_N, false);
	ASSERT_NE(NULL, deny);
	span = now_s(CLOCK_MONOTONIC) - t0;
	ASSERT_EQ(FLOOD_N, deny->eperm);
	ASSERT_EQ(0UL, deny->ok);
	ASSERT_EQ(0UL, deny->other);
	EXPECT_EQ(blocked + FLOOD_N,
		  counter(_metadata, COUNTER("keys_blocked")));

	/* Once the interval is over, one more denial reports the rest. */
	usleep((REPORT_INTERVAL_S + 1) * 1e6);
	one = flood(_metadata, self->key, 1, false);
	ASSERT_NE(NULL, one);
	ASSERT_EQ(1UL, one->eperm);
	/* kauditd prints in its own time. */
	usleep(500000);
	kmsg_read(km, DENY_OPEN_LINE, self->key, &kc);
	if (variant->audit) {
		ASSERT_EQ(0, audit_status(&st, 0));
		lost = st.lost - lost;
	}

	per_deny = deny->cpu / FLOOD_N;
	per_allow = allow->cpu / FLOOD_N;
	TH_LOG("%lu denials in %.2f s (%.2f s CPU): %.2f us CPU each, "
	       "worst 64 in %.1f ms; allowed open+close %.2f us",
	       FLOOD_N, deny->wall, deny->cpu, per_deny * 1e6,
	       deny->worst * 1e3, per_allow * 1e6);
	TH_LOG("kernel log: %lu records, %lu deny lines, %lu suppressed "
	       "notices (%llu suppressed), %lu audit lines, "
	       "%llu audit records lost",
	       kc.all, kc.match, kc.suppressed_lines, kc.suppressed, kc.audit,
	       lost);

	/* Lines: at most the burst per interval the flood overlapped. */
	bound = REPORT_BURST * ((unsigned long long)span / REPORT_INTERVAL_S + 2) + 1;
	EXPECT_LE(1UL, kc.match);
	EXPECT_LE(kc.match, bound);
	EXPECT_EQ(kc.match, kc.match_also);
	/* Every denial was either printed or counted as suppressed. */
	EXPECT_LE(1UL, kc.suppressed_lines);
	EXPECT_EQ(FLOOD_N + 1, kc.match + kc.suppressed);
	/* kauditd's printk fallback has its own rate limit. */
	EXPECT_LE(kc.audit, bound);
	if (variant->audit) {
		EXPECT_LE(1UL, kc.audit);
	} else {
		EXPECT_EQ(0UL, kc.audit);
	}
	/* Nothing else floods the log either. */
	EXPECT_LE(kc.all, 3 * bound + kc.suppressed_lines);

	/*
	 * A denial costs no more CPU than twice an allowed open and close
	 * when only logged, 20 times with audit records built (bulwark's,
	 * and the SYSCALL, CWD, PATH and PROCTITLE records the audit
	 * subsystem adds at syscall exit).  When only logged, no 64 denials
	 * in a row take 30 s (a wait for the audit backlog would take 60;
	 * a loaded host can pause the guest for a few).  With audit on, the
	 * syscall-exit records wait for a full backlog: that throttles the
	 * flooding task, with no lock held, and costs no CPU.
	 */
	EXPECT_LE(per_deny, (variant->audit ? 20 : 2) * per_allow);
	EXPECT_LT(per_deny, 1e-3);
	if (!variant->audit) {
		EXPECT_LT(deny->worst, 30.0);
	}
}

/* Registers the caller as the audit daemon; the socket, or -1. */
static int become_auditd(void)
{
	struct {
		struct nlmsghdr nh;
		struct audit_status st;
	} req = {};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0)
		return -1;
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = AUDIT_SET;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.st.mask = AUDIT_STATUS_ENABLED | AUDIT_STATUS_PID;
	req.st.enabled = 1;
	req.st.pid = getpid();
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * An audit daemon that stops reading: the audit backlog fills, and the
 * records of further denials are lost, but the denials do not wait for
 * the backlog (audit_backlog_wait_time, 60 s by default) to drain.
 */
TEST_F_TIMEOUT(flood, stalled_audit_daemon, 300)
{
	struct audit_status me = { .enabled = 1 }, st;
	unsigned long long lost;
	struct flood *deny;
	int fd;

	if (variant->audit)
		SKIP(return, "run once, in the log_only variant");
	if (audit_status(&self->audit, 0))
		SKIP(return, "no audit subsystem: %s", strerror(errno));
	if (self->audit.pid)
		SKIP(return, "an audit daemon (pid %u) is running",
		     self->audit.pid);
	if (self->audit.enabled == 2)
		SKIP(return, "the audit configuration is locked");

	/* Become the audit daemon on a socket never read from. */
	fd = become_auditd();
	ASSERT_LE(0, fd);
	self->audit_changed = true;
	ASSERT_EQ(0, audit_status(&st, 0));
	ASSERT_EQ((__u32)getpid(), st.pid);
	lost = st.lost;

	deny = flood(_metadata, self->key, 20000, false);
	ASSERT_NE(NULL, deny);
	EXPECT_EQ(20000UL, deny->eperm);
	ASSERT_EQ(0, audit_status(&st, 0));
	TH_LOG("20000 denials with a stalled audit daemon: %.2f s, "
	       "worst 64 in %.1f ms, backlog %u of %u, %llu records lost",
	       deny->wall, deny->worst * 1e3, st.backlog, st.backlog_limit,
	       (unsigned long long)(st.lost - lost));
	/*
	 * Waiting for the backlog would take audit_backlog_wait_time (60 s
	 * by default) per denial, and kauditd never drains it here.
	 * bulwark's own record never waits (GFP_NOWAIT): on a full backlog
	 * it is dropped, and the syscall is not audited.  But a record that
	 * was queued makes the syscall's exit records (SYSCALL, CWD, PATH)
	 * follow, and the audit subsystem lets those wait: when the backlog
	 * fills between the two, that one denial waits once.  The backlog
	 * stays full after it, so one batch may take one wait, and the
	 * whole flood no more than that.
	 */
	EXPECT_LT(deny->worst, 30.0 + 65.0);
	EXPECT_LT(deny->wall, 120.0);
	EXPECT_LT(0ULL, st.lost - lost);

	/* Resign as the audit daemon. */
	me.pid = 0;
	me.enabled = self->audit.enabled;
	close(fd);
	EXPECT_EQ(0, audit_status(&me, AUDIT_STATUS_PID |
				  AUDIT_STATUS_ENABLED));
	self->audit_changed = false;
}

TEST_HARNESS_MAIN
