// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark selftests - the exec rule
 *
 * A "miner" (a harmless program whose SHA-256 is put on the blocklist)
 * and a harmless program are run in every way an attacker would use:
 * by path, relative path, symlink, hard link, a copy, from /dev/shm,
 * from an overlayfs, from a memfd, as a script's interpreter and through
 * ld.so.  Only a contained task in enforce mode is refused, with EPERM;
 * audit mode counts and allows; host tasks and harmless programs always
 * run.
 */

#include <sys/sendfile.h>
#include <time.h>

#include "common.h"

#define MINER_LABEL "selftest-miner"
#define LDSO "/lib64/ld-linux-x86-64.so.2"
#define BLOCKLIST SECURITYFS_DIR "/blocklist"
#define COUNTER(name) SYSFS_DIR "/counters/" name

/* Exit status of ld.so when it cannot map the program. */
#define LDSO_FAILED 127

/* How a program is run. */
enum way {
	WAY_PATH,
	WAY_RELATIVE,
	WAY_MEMFD,
	WAY_LDSO,
};

/**
 * struct run - one program run, set up by the test, done by a child
 */
struct run {
	enum way way;
	char path[PATH_MAX];
};

/* @dir/@name into @buf, which has room for PATH_MAX bytes. */
static void join(char *buf, const char *dir, const char *name)
{
	size_t n = strlen(dir);

	memcpy(buf, dir, n);
	buf[n] = '/';
	memcpy(buf + n + 1, name, strlen(name) + 1);
}

/* In the child: runs r->path; the program's exit code, or the errno. */
static int do_run(void *arg)
{
	const struct run *r = arg;
	char *const envp[] = { NULL };
	char *argv[] = { (char *)r->path, NULL, NULL };
	char dir[PATH_MAX], rel[PATH_MAX];
	const char *slash;
	int fd;

	switch (r->way) {
	case WAY_PATH:
		execve(r->path, argv, envp);
		return errno;
	case WAY_RELATIVE:
		slash = strrchr(r->path, '/');
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - r->path),
			 r->path);
		snprintf(rel, sizeof(rel), ".%s", slash);
		if (chdir(dir))
			return CTX_SETUP_FAILED;
		argv[0] = rel;
		execve(rel, argv, envp);
		return errno;
	case WAY_MEMFD:
		/*
		 * Sealed: the miner rule hashes only sealed memfds, and
		 * refuses an unsealed one whatever it holds
		 * (exechard_test.c).
		 */
		fd = memfd_copy(r->path, true);
		if (fd < 0)
			return CTX_SETUP_FAILED;
		syscall(__NR_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		return errno;
	case WAY_LDSO:
		argv[0] = LDSO;
		argv[1] = (char *)r->path;
		execve(LDSO, argv, envp);
		return errno;
	}
	return CTX_SETUP_FAILED;
}



/* Replaces the blocklist with @text; returns what write() returned. */
static ssize_t load_blocklist(const char *text, size_t len, int flags)
{
	ssize_t ret;
	int fd, saved;

	fd = open(BLOCKLIST, O_WRONLY | O_CLOEXEC | flags);
	if (fd < 0)
		return -1;
	ret = len ? write(fd, text, len) : 0;
	saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

static void read_blocklist(struct __test_metadata *const _metadata,
			   char *buf, size_t size)
{
	ssize_t n = read_file(BLOCKLIST, buf, size);

	ASSERT_LE(0, n);
}

FIXTURE(exec)
{
	char dir[PATH_MAX];
	char miner[PATH_MAX];
	char harmless[PATH_MAX];
	char miner_hex[65];
};

FIXTURE_VARIANT(exec)
{
	enum context ctx;
	int mode;
	/* The miner is refused. */
	bool deny;
	/* The miner is counted as audited. */
	bool audit;
};

FIXTURE_VARIANT_ADD(exec, host_enforce)
{
	.ctx = CTX_HOST,
	.mode = 2,
};

FIXTURE_VARIANT_ADD(exec, host_audit)
{
	.ctx = CTX_HOST,
	.mode = 1,
};

FIXTURE_VARIANT_ADD(exec, pidns_off)
{
	.ctx = CTX_PIDNS,
	.mode = 0,
};

FIXTURE_VARIANT_ADD(exec, pidns_audit)
{
	.ctx = CTX_PIDNS,
	.mode = 1,
	.audit = true,
};

FIXTURE_VARIANT_ADD(exec, pidns_enforce)
{
	.ctx = CTX_PIDNS,
	.mode = 2,
	.deny = true,
};

FIXTURE_VARIANT_ADD(exec, userns_enforce)
{
	.ctx = CTX_USERNS_PIDNS,
	.mode = 2,
	.deny = true,
};

FIXTURE_SETUP(exec)
{
	char helper[PATH_MAX], line[128];
	char *slash;

	ensure_loaded(_metadata);
	prepare_tmpfs(_metadata, self->dir);
	ASSERT_EQ(0, helper_path(helper, sizeof(helper)));
	join(self->harmless, self->dir, "harmless");
	ASSERT_EQ(0, copy_file(helper, self->harmless));
	slash = strrchr(helper, '/');
	strcpy(slash + 1, "miner");
	join(self->miner, self->dir, "miner");
	ASSERT_EQ(0, copy_file(helper, self->miner));
	sha256_of(_metadata, self->miner, self->miner_hex);

	snprintf(line, sizeof(line), "%s " MINER_LABEL "\n", self->miner_hex);
	ASSERT_EQ((ssize_t)strlen(line), load_blocklist(line, strlen(line), 0));
	set_knob(_metadata, "miner_mode", variant->mode);
}

FIXTURE_TEARDOWN(exec)
{
	EXPECT_EQ(0, load_blocklist("", 0, 0));
	EXPECT_LT(0, write_knob("miner_mode", "2"));
	cleanup_tmpfs(_metadata, self->dir);
}

/*
 * Runs @path the way @way in the variant's context and checks the
 * outcome: @denied_status when the miner is refused, else 0.
 */
static void check_run(struct __test_metadata *const _metadata,
		      const FIXTURE_VARIANT(exec) *variant, enum way way,
		      const char *path, bool is_miner, int denied_status)
{
	unsigned long long blocked, audited;
	struct run r = { .way = way };
	int status;

	strcpy(r.path, path);
	blocked = counter(_metadata, COUNTER("exec_blocked"));
	audited = counter(_metadata, COUNTER("exec_audited"));

	status = run_in_context(variant->ctx, do_run, &r);
	if (status == CTX_SETUP_FAILED)
		SKIP(return, "cannot enter the %s context",
		     context_name(variant->ctx));
	if (is_miner && variant->deny) {
		EXPECT_EQ(denied_status, status)
		{
			TH_LOG("%s ran in the %s context", path,
			       context_name(variant->ctx));
		}
		EXPECT_LT(blocked, counter(_metadata, COUNTER("exec_blocked")));
	} else {
		EXPECT_EQ(0, status)
		{
			TH_LOG("%s failed in the %s context: %d (%s)", path,
			       context_name(variant->ctx), status,
			       strerror(status));
		}
		EXPECT_EQ(blocked, counter(_metadata, COUNTER("exec_blocked")));
	}
	if (is_miner && variant->audit) {
		EXPECT_LT(audited, counter(_metadata, COUNTER("exec_audited")));
	} else {
		EXPECT_EQ(audited, counter(_metadata, COUNTER("exec_audited")));
	}
}

/* Checks the miner and the harmless program, run the same way. */
static void check_pair(struct __test_metadata *const _metadata,
		       const FIXTURE_VARIANT(exec) *variant, enum way way,
		       const char *miner, const char *harmless)
{
	check_run(_metadata, variant, way, miner, true,
		  way == WAY_LDSO ? LDSO_FAILED : EPERM);
	check_run(_metadata, variant, way, harmless, false, 0);
}

TEST_F(exec, absolute_path)
{
	check_pair(_metadata, variant, WAY_PATH, self->miner, self->harmless);
}

TEST_F(exec, relative_path)
{
	check_pair(_metadata, variant, WAY_RELATIVE, self->miner,
		   self->harmless);
}

TEST_F(exec, symlink)
{
	char m[PATH_MAX], h[PATH_MAX];

	join(m, self->dir, "miner-link");
	join(h, self->dir, "harmless-link");
	ASSERT_EQ(0, symlink(self->miner, m));
	ASSERT_EQ(0, symlink(self->harmless, h));
	check_pair(_metadata, variant, WAY_PATH, m, h);
}

TEST_F(exec, hard_link)
{
	char m[PATH_MAX], h[PATH_MAX];

	join(m, self->dir, "miner-hardlink");
	join(h, self->dir, "harmless-hardlink");
	ASSERT_EQ(0, link(self->miner, m));
	ASSERT_EQ(0, link(self->harmless, h));
	check_pair(_metadata, variant, WAY_PATH, m, h);
}

TEST_F(exec, copy_renamed)
{
	char m[PATH_MAX], h[PATH_MAX];

	join(m, self->dir, "kworker");
	join(h, self->dir, "nginx");
	ASSERT_EQ(0, copy_file(self->miner, m));
	ASSERT_EQ(0, copy_file(self->harmless, h));
	check_pair(_metadata, variant, WAY_PATH, m, h);
}

TEST_F(exec, dev_shm)
{
	char m[PATH_MAX], h[PATH_MAX];

	snprintf(m, sizeof(m), "/dev/shm/bulwark-miner.%d", getpid());
	snprintf(h, sizeof(h), "/dev/shm/bulwark-harmless.%d", getpid());
	ASSERT_EQ(0, copy_file(self->miner, m));
	ASSERT_EQ(0, copy_file(self->harmless, h));
	check_pair(_metadata, variant, WAY_PATH, m, h);
	unlink(m);
	unlink(h);
}

TEST_F(exec, overlayfs)
{
	char lower[PATH_MAX], upper[PATH_MAX], work[PATH_MAX];
	char merged[PATH_MAX], opts[4 * PATH_MAX], m[PATH_MAX], h[PATH_MAX];

	join(lower, self->dir, "lower");
	join(upper, self->dir, "upper");
	join(work, self->dir, "work");
	join(merged, self->dir, "merged");
	ASSERT_EQ(0, mkdir(lower, 0755));
	ASSERT_EQ(0, mkdir(upper, 0755));
	ASSERT_EQ(0, mkdir(work, 0755));
	ASSERT_EQ(0, mkdir(merged, 0755));
	join(m, lower, "miner");
	join(h, lower, "harmless");
	ASSERT_EQ(0, copy_file(self->miner, m));
	ASSERT_EQ(0, copy_file(self->harmless, h));
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s",
		 lower, upper, work);
	if (mount("overlay", merged, "overlay", 0, opts))
		SKIP(return, "cannot mount overlayfs: %s", strerror(errno));
	join(m, merged, "miner");
	join(h, merged, "harmless");
	check_pair(_metadata, variant, WAY_PATH, m, h);
	EXPECT_EQ(0, umount(merged));
}

TEST_F(exec, memfd)
{
	check_pair(_metadata, variant, WAY_MEMFD, self->miner, self->harmless);
}

TEST_F(exec, script_interpreter)
{
	char m[PATH_MAX], h[PATH_MAX], text[PATH_MAX + 8];
	int fd;

	join(m, self->dir, "miner.sh");
	join(h, self->dir, "harmless.sh");
	snprintf(text, sizeof(text), "#!%s\n", self->miner);
	fd = open(m, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(text), write(fd, text, strlen(text)));
	close(fd);
	snprintf(text, sizeof(text), "#!%s\n", self->harmless);
	fd = open(h, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(text), write(fd, text, strlen(text)));
	close(fd);
	check_pair(_metadata, variant, WAY_PATH, m, h);
}

TEST_F(exec, through_ldso)
{
	if (access(LDSO, X_OK))
		SKIP(return, "no %s", LDSO);
	check_pair(_metadata, variant, WAY_LDSO, self->miner, self->harmless);
}

/* --- The digest cache and the size limit, in a contained task. --- */

FIXTURE(cache)
{
	char dir[PATH_MAX];
	char miner[PATH_MAX];
	char harmless[PATH_MAX];
};

FIXTURE_SETUP(cache)
{
	char helper[PATH_MAX], hex[65], line[128];

	ensure_loaded(_metadata);
	prepare_tmpfs(_metadata, self->dir);
	ASSERT_EQ(0, helper_path(helper, sizeof(helper)));
	join(self->harmless, self->dir, "prog");
	ASSERT_EQ(0, copy_file(helper, self->harmless));
	strcpy(strrchr(helper, '/') + 1, "miner");
	join(self->miner, self->dir, "miner");
	ASSERT_EQ(0, copy_file(helper, self->miner));
	sha256_of(_metadata, self->miner, hex);
	snprintf(line, sizeof(line), "%s\n", hex);
	ASSERT_EQ((ssize_t)strlen(line), load_blocklist(line, strlen(line), 0));
	/* Without i_version, a digest is cached once ctime is 1 s old. */
	sleep(2);
}

FIXTURE_TEARDOWN(cache)
{
	EXPECT_EQ(0, load_blocklist("", 0, 0));
	EXPECT_LT(0, write_knob("hash_max_bytes", "134217728"));
	cleanup_tmpfs(_metadata, self->dir);
}

static int run_contained(const char *path)
{
	struct run r = { .way = WAY_PATH };

	strcpy(r.path, path);
	return run_in_context(CTX_PIDNS, do_run, &r);
}

TEST_F(cache, second_exec_hits)
{
	unsigned long long hashed, hits;

	ASSERT_EQ(0, run_contained(self->harmless));
	hashed = counter(_metadata, COUNTER("exec_hashed"));
	hits = counter(_metadata, COUNTER("exec_cache_hits"));
	ASSERT_EQ(0, run_contained(self->harmless));
	EXPECT_LT(hits, counter(_metadata, COUNTER("exec_cache_hits")));
	/* Only the shared libraries could be hashed again: not the program. */
	EXPECT_GE(hashed + 4, counter(_metadata, COUNTER("exec_hashed")));
}

TEST_F(cache, rewrite_is_noticed)
{
	unsigned long long hits;

	ASSERT_EQ(0, run_contained(self->harmless));
	hits = counter(_metadata, COUNTER("exec_cache_hits"));
	ASSERT_EQ(0, run_contained(self->harmless));
	ASSERT_LT(hits, counter(_metadata, COUNTER("exec_cache_hits")));
	/* The cached program becomes the miner, in place, same inode. */
	ASSERT_EQ(0, copy_file(self->miner, self->harmless));
	EXPECT_EQ(EPERM, run_contained(self->harmless));
}

TEST_F(cache, larger_than_hash_max_bytes_is_skipped)
{
	unsigned long long skipped;

	skipped = counter(_metadata, COUNTER("exec_skipped"));
	ASSERT_EQ(EPERM, run_contained(self->miner));
	set_knob(_metadata, "hash_max_bytes", 4096);
	/* A fresh copy: not in the cache. */
	ASSERT_EQ(0, copy_file(self->miner, self->harmless));
	EXPECT_EQ(0, run_contained(self->harmless));
	EXPECT_LT(skipped, counter(_metadata, COUNTER("exec_skipped")));
}

/* --- The blocklist file. --- */

#define HEX_A "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define HEX_B "FFEEDDCCBBAA99887766554433221100FFEEDDCCBBAA99887766554433221100"
#define HEX_B_LOWER \
	"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

FIXTURE(blocklist)
{
	char old[4096];
};

FIXTURE_SETUP(blocklist)
{
	static const char text[] = "# two entries\n\n" HEX_A " xmrig\n"
				   HEX_B "\n";
	const char *why = module_unavailable(false);

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	ASSERT_EQ((ssize_t)sizeof(text) - 1, load_blocklist(text, sizeof(text) - 1, 0));
	read_blocklist(_metadata, self->old, sizeof(self->old));
	ASSERT_STREQ(HEX_A " xmrig\n" HEX_B_LOWER "\n", self->old);
}

FIXTURE_TEARDOWN(blocklist)
{
	EXPECT_EQ(0, load_blocklist("", 0, 0));
}

static void expect_unchanged(struct __test_metadata *const _metadata,
			     const char *old)
{
	char now[4096];

	read_blocklist(_metadata, now, sizeof(now));
	EXPECT_STREQ(old, now);
}

TEST_F(blocklist, malformed_input_keeps_the_old_list)
{
	static const char *const bad[] = {
		"0011\n",
		HEX_A "0 x\n",
		"zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
		HEX_A " " "0123456789012345678901234567890123456789012345678901234567890123\n",
		HEX_A " bad\001label\n",
		"\x7f" "ELF\x02\x01\x01\n",
		HEX_A "\n" "not a digest\n",
	};
	unsigned long long rejects;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rejects = counter(_metadata, COUNTER("policy_rejects"));
		EXPECT_EQ(-1, load_blocklist(bad[i], strlen(bad[i]), 0));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(rejects + 1ULL,
			  counter(_metadata, COUNTER("policy_rejects")));
		expect_unchanged(_metadata, self->old);
	}
}

TEST_F(blocklist, junk_in_a_later_write_poisons_the_session)
{
	int fd = open(BLOCKLIST, O_WRONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_EQ(65, write(fd, HEX_A "\n", 65));
	ASSERT_EQ(-1, write(fd, "\0\0\0\n", 4));
	ASSERT_EQ(EINVAL, errno);
	/* Whatever follows is refused too, and nothing is committed. */
	ASSERT_EQ(-1, write(fd, HEX_A "\n", 65));
	ASSERT_EQ(EINVAL, errno);
	close(fd);
	expect_unchanged(_metadata, self->old);
}

TEST_F(blocklist, line_split_across_writes)
{
	int fd = open(BLOCKLIST, O_WRONLY | O_CLOEXEC);
	char now[4096];

	ASSERT_LE(0, fd);
	ASSERT_EQ(10, write(fd, HEX_A, 10));
	ASSERT_EQ(54, write(fd, &HEX_A[10], 54));
	ASSERT_EQ(7, write(fd, " split\n", 7));
	close(fd);
	read_blocklist(_metadata, now, sizeof(now));
	EXPECT_STREQ(HEX_A " split\n", now);
}

TEST_F(blocklist, last_line_without_newline)
{
	char now[4096];

	ASSERT_EQ(69, load_blocklist(HEX_B " last", 69, 0));
	read_blocklist(_metadata, now, sizeof(now));
	EXPECT_STREQ(HEX_B_LOWER " last\n", now);
}

TEST_F(blocklist, invalid_last_line_without_newline_is_not_committed)
{
	/* The write succeeds; the unterminated line is judged at close. */
	ASSERT_EQ(69, load_blocklist(HEX_B "\n0123", 69, 0));
	expect_unchanged(_metadata, self->old);
}

TEST_F(blocklist, append_adds)
{
	static const char more[] =
		"1111111111111111111111111111111111111111111111111111111111111111 one\n";
	unsigned long long entries;
	char now[4096];

	ASSERT_EQ((ssize_t)sizeof(more) - 1,
		  load_blocklist(more, sizeof(more) - 1, O_APPEND));
	read_blocklist(_metadata, now, sizeof(now));
	EXPECT_STREQ(HEX_A " xmrig\n" "1111111111111111111111111111111111111111111111111111111111111111 one\n" HEX_B_LOWER "\n",
		     now);
	entries = counter(_metadata, COUNTER("blocklist_entries"));
	EXPECT_EQ(3ULL, entries);
}

TEST_F(blocklist, read_write_open_is_refused)
{
	ASSERT_EQ(-1, open(BLOCKLIST, O_RDWR | O_CLOEXEC));
	ASSERT_EQ(EINVAL, errno);
}

static int write_blocklist_child(void *arg)
{
	(void)arg;
	if (load_blocklist(HEX_A "\n", 65, 0) == 65)
		return 0;
	return errno;
}

TEST_F(blocklist, contained_writer_is_refused)
{
	static const enum context ctxs[] = { CTX_PIDNS, CTX_USERNS,
					     CTX_NO_SYS_ADMIN };
	size_t i;

	for (i = 0; i < sizeof(ctxs) / sizeof(ctxs[0]); i++) {
		int ret = run_in_context(ctxs[i], write_blocklist_child, NULL);

		if (ret == CTX_SETUP_FAILED)
			continue;
		/* DAC may refuse the user namespace first (mode 0600). */
		EXPECT_TRUE(ret == EPERM || ret == EACCES)
		{
			TH_LOG("%s: %d", context_name(ctxs[i]), ret);
		}
		expect_unchanged(_metadata, self->old);
	}
}

/* Memory in use by the kernel's slab and vmalloc, from /proc/meminfo. */
static long long kernel_kib(void)
{
	char line[256];
	long long kib, sum = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %lld kB", &kib) == 1 ||
		    sscanf(line, "VmallocUsed: %lld kB", &kib) == 1)
			sum += kib;
	fclose(f);
	return sum;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

TEST_F(blocklist, one_million_entries)
{
	static const char *const labels[] = { "xmrig", "coinminer",
					      "kinsing", "" };
	const size_t count = 1000000, line_max = 80;
	unsigned long long entries, x = 0x9e3779b97f4a7c15ull;
	long long before, after;
	double t0, t1, t2;
	char *text, *p, *back;
	size_t i, lines = 0;
	ssize_t n, total = 0;
	int fd;

	text = malloc(count * line_max);
	back = malloc(count * line_max);
	ASSERT_NE(NULL, text);
	ASSERT_NE(NULL, back);
	for (p = text, i = 0; i < count; i++) {
		int k;

		for (k = 0; k < 4; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			p += sprintf(p, "%016llx", x);
		}
		p += sprintf(p, "%s%s\n", *labels[i % 4] ? " " : "",
			     labels[i % 4]);
	}
	ASSERT_EQ(0, load_blocklist("", 0, 0));
	before = kernel_kib();

	t0 = now_ms();
	fd = open(BLOCKLIST, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	for (i = 0; i < (size_t)(p - text); i += n) {
		n = write(fd, text + i, p - text - i > (1 << 20) ?
					  (1 << 20) : p - text - i);
		ASSERT_LT(0, n);
	}
	ASSERT_EQ(0, close(fd));
	t1 = now_ms();
	after = kernel_kib();

	entries = counter(_metadata, COUNTER("blocklist_entries"));
	EXPECT_EQ((unsigned long long)count, entries);

	fd = open(BLOCKLIST, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	while ((n = read(fd, back + total, count * line_max - total)) > 0)
		total += n;
	close(fd);
	t2 = now_ms();
	for (i = 0; i < (size_t)total; i++)
		lines += back[i] == '\n';
	EXPECT_EQ(count, lines);

	ksft_print_msg("blocklist: %zu entries loaded in %.0f ms, read back in %.0f ms\n",
		       count, t1 - t0, t2 - t1);
	ksft_print_msg("blocklist: kernel memory %.1f bytes per entry\n",
		       (after - before) * 1024.0 / count);
	EXPECT_GE(48.0, (after - before) * 1024.0 / count);

	EXPECT_EQ(0, load_blocklist("", 0, 0));
	EXPECT_EQ(0ULL, counter(_metadata, COUNTER("blocklist_entries")));
	free(text);
	free(back);
}

TEST_HARNESS_MAIN
