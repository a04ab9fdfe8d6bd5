// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark selftests - hostile input and self-protection
 *
 * Every writable file of SPEC (the sysctls kernel.bulwark.* and the
 * securityfs files blocklist, keys_dirs, keys_names, persist_paths and
 * exempt) is fed input an attacker, or a broken script, would write.
 * Each refused input must fail with a clear errno (EINVAL, or EPERM for
 * who writes), leave the value or list in force exactly as it was, and
 * leave the file working: a valid write afterwards takes effect.
 *
 * Covered elsewhere, not repeated here:
 *  - sysctl_test.c: non-numeric, negative and out-of-range values, two
 *    pages of digits or letters, a value without a newline, and the
 *    namespaced or capability-less writers;
 *  - exec_test.c (blocklist), keys_test.c (policy_*), contain_test.c
 *    (exempt_*): each file's own malformed lines, O_APPEND, O_RDWR, a
 *    split valid line, and writers in namespaces;
 *  - locked_test.c: every write after "locked", and rmmod.
 *
 * Semantics checked here for the securityfs files:
 *  - a session is one open file; sessions are independent, and each
 *    close commits that session's whole list: the last close wins, and
 *    the list in force is always one session's complete list;
 *  - O_APPEND sessions add to the list in force when they close, so two
 *    concurrent appends both take effect;
 *  - an invalid line fails the write() that completes it, or close()
 *    for a last line without a newline, with EINVAL;
 *  - a writer killed by SIGKILL, between writes or inside one, changes
 *    nothing; one that exits without close() commits its session.
 *
 * Self-protection: a task in a container cgroup and new pid and mount
 * namespaces, with every capability in the initial user namespace (what
 * "docker run --privileged" gives), may change no sysctl and no
 * securityfs file, by any path, nor unload bulwark (escape_mode 2);
 * host root still may.
 */

#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/time.h>

#include <linux/userfaultfd.h>

#include "common.h"

#define BLOCKLIST SECURITYFS_DIR "/blocklist"
#define KEYS_DIRS SECURITYFS_DIR "/keys_dirs"
#define KEYS_NAMES SECURITYFS_DIR "/keys_names"
#define PERSIST_PATHS SECURITYFS_DIR "/persist_paths"
#define EXEMPT SECURITYFS_DIR "/exempt"

#define CGROUP2_MAGIC 0x63677270
#define CGROOT "/sys/fs/cgroup"
#define CONTAINER_ID \
	"4a1c0ffee4a1c0ffee4a1c0ffee4a1c0ffee4a1c0ffee4a1c0ffee4a1c0ffee0"
#define CONTAINER_CG CGROOT "/docker/" CONTAINER_ID
#define ESCAPE_BLOCKED SYSFS_DIR "/counters/escape_blocked"
#define ESCAPE_AUDITED SYSFS_DIR "/counters/escape_audited"
/* A module name that no kernel has. */
#define NO_SUCH_MODULE "bulwark_no_such_module"

/* Room for a list as the tests write it, and for what is saved. */
#define LIST_MAX 8192
#define SAVE_MAX 65536

#define HEX(c) c c c c c c c c c c c c c c c c
#define HEX_A HEX("aaaa")
#define HEX_B HEX("bbbb")
#define HEX_C HEX("cccc")
#define HEX_D HEX("dddd")

static const char *const policy_files[] = {
	BLOCKLIST, KEYS_DIRS, KEYS_NAMES, PERSIST_PATHS, EXEMPT,
};

/* --- Helpers: no harness state, errno on failure. --- */

/* Reads all of @path into @buf (NUL-terminated); its length or -1. */
static ssize_t read_all(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len < size - 1 &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	err = errno;
	close(fd);
	buf[len] = '\0';
	if (n < 0) {
		errno = err;
		return -1;
	}
	return len;
}

/*
 * One write session: opens @path with @flags, writes @len bytes of @buf
 * in pieces of @piece bytes (all at once when 0), and closes it.  Returns
 * 0, or -1 with the errno of the first failure, which *@where names.
 * After a failed write, it still closes.
 */
static int session(const char *path, int flags, const void *buf, size_t len,
		   size_t piece, const char **where)
{
	const char *p = buf;
	int fd, err = 0;
	size_t done = 0;
	ssize_t n;

	*where = "open";
	fd = open(path, flags | O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (done < len) {
		size_t chunk = piece && piece < len - done ? piece : len - done;

		n = write(fd, p + done, chunk);
		if (n < 0 || (size_t)n != chunk) {
			err = n < 0 ? errno : EIO;
			*where = "write";
			break;
		}
		done += n;
	}
	if (close(fd) && !err) {
		err = errno;
		*where = "close";
	}
	if (!err)
		*where = "";
	errno = err;
	return err ? -1 : 0;
}

/* Bytes that no parser takes: 0xff, NUL, a newline, then noise. */
static void fill_junk(char *buf, size_t len)
{
	unsigned int x = 2463534242u;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (char)(x >> 24);
	}
	buf[0] = (char)0xff;
	if (len > 1)
		buf[1] = '\0';
	if (len > 2)
		buf[2] = '\n';
}

/* --- Harness helpers. --- */

static void expect_text(struct __test_metadata *const _metadata,
			const char *path, const char *want)
{
	static char now[SAVE_MAX];

	ASSERT_LE(0, read_all(path, now, sizeof(now)))
	{
		TH_LOG("reading %s: %s", path, strerror(errno));
	}
	ASSERT_STREQ(want, now);
}

/* ======================================================================
 * The sysctls.
 * ====================================================================== */

FIXTURE(knob_input)
{
	unsigned long long saved;
};

FIXTURE_VARIANT(knob_input)
{
	enum knob_index index;
	/* The value set before each hostile write; it must stay. */
	unsigned long long probe;
	/*
	 * A valid value to embed in hostile input: other than @probe, so
	 * that a wrong acceptance shows, except for "locked", where any
	 * wrong acceptance of 1 would lock the test machine.
	 */
	const char *alt;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(knob_input, miner_mode) {
	/* clang-format on */
	.index = KNOB_MINER_MODE,
	.probe = 1,
	.alt = "2",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(knob_input, keys_mode) {
	/* clang-format on */
	.index = KNOB_KEYS_MODE,
	.probe = 1,
	.alt = "0",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(knob_input, persist_mode) {
	/* clang-format on */
	.index = KNOB_PERSIST_MODE,
	.probe = 1,
	.alt = "2",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(knob_input, escape_mode) {
	/* clang-format on */
	.index = KNOB_ESCAPE_MODE,
	.probe = 1,
	.alt = "0",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(knob_input, scope) {
	/* clang-format on */
	.index = KNOB_SCOPE,
	.probe = 2,
	.alt = "0",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(knob_input, hash_max_bytes) {
	/* clang-format on */
	.index = KNOB_HASH_MAX_BYTES,
	.probe = 4096,
	.alt = "8192",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(knob_input, locked) {
	/* clang-format on */
	.index = KNOB_LOCKED,
	.probe = 0,
	.alt = "0",
};

FIXTURE_SETUP(knob_input)
{
	const char *why = module_unavailable(false);

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	ASSERT_EQ(0ULL, get_knob(_metadata, knobs[KNOB_LOCKED].name))
	{
		TH_LOG("bulwark is locked: run this before locked_test");
	}
	self->saved = get_knob(_metadata, knobs[variant->index].name);
	set_knob(_metadata, knobs[variant->index].name, variant->probe);
}

FIXTURE_TEARDOWN_PARENT(knob_input)
{
	restore_knob(_metadata, knobs[variant->index].name, self->saved);
}

/* One write() of @len bytes: -1 with @err, and the knob keeps the probe. */
static void knob_refuses(struct __test_metadata *const _metadata,
			 const struct knob *const k,
			 const unsigned long long probe, const void *buf,
			 size_t len, int err)
{
	ASSERT_EQ(-1, write_knob_buf(k->name, buf, len))
	{
		TH_LOG("%s accepted %zu bytes \"%.40s\"", k->name, len,
		       (const char *)buf);
	}
	ASSERT_EQ(err, errno)
	{
		TH_LOG("%s, %zu bytes \"%.40s\": %s", k->name, len,
		       (const char *)buf, strerror(errno));
	}
	ASSERT_EQ(probe, get_knob(_metadata, k->name));
}

/* A valid write still works, and sets the probe again. */
static void knob_still_works(struct __test_metadata *const _metadata,
			     const struct knob *const k, const char *alt,
			     const unsigned long long probe)
{
	ASSERT_EQ((ssize_t)strlen(alt), write_knob(k->name, alt));
	ASSERT_EQ(strtoull(alt, NULL, 10), get_knob(_metadata, k->name));
	set_knob(_metadata, k->name, probe);
}

/* A valid value, then more than blanks: the whole write is refused. */
TEST_F(knob_input, trailing_input)
{
	const struct knob *const k = &knobs[variant->index];
	static const char *const forms[] = {
		"%s x\n",  "%s %s\n", "%s\t1\n", "%s\n%s\n", "%s\r\n",
		"%s;\n",   " %s x",   "%s,\n",   "%s 0x\n",  "%s\n#\n",
	};
	char buf[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(forms); i++) {
		snprintf(buf, sizeof(buf), forms[i], variant->alt,
			 variant->alt);
		knob_refuses(_metadata, k, variant->probe, buf, strlen(buf),
			     EINVAL);
	}
	knob_still_works(_metadata, k, variant->alt, variant->probe);
}

TEST_F(knob_input, embedded_nul)
{
	const struct knob *const k = &knobs[variant->index];
	char buf[64];
	size_t n;

	n = snprintf(buf, sizeof(buf), "%s", variant->alt);
	memcpy(buf + n, "\0\n", 2);
	knob_refuses(_metadata, k, variant->probe, buf, n + 2, EINVAL);
	memcpy(buf + n, "\0junk\n", 6);
	knob_refuses(_metadata, k, variant->probe, buf, n + 6, EINVAL);
	buf[0] = '\0';
	n = snprintf(buf + 1, sizeof(buf) - 1, "%s\n", variant->alt);
	knob_refuses(_metadata, k, variant->probe, buf, n + 1, EINVAL);
	knob_refuses(_metadata, k, variant->probe, "\0", 1, EINVAL);
	knob_still_works(_metadata, k, variant->alt, variant->probe);
}

TEST_F(knob_input, binary_junk)
{
	const struct knob *const k = &knobs[variant->index];
	static const char elf[] = "\x7f" "ELF\x02\x01\x01\0\0\0";
	static const char utf16[] = "\xff\xfe" "1\0\n\0";
	static const char ctl[] = "\x1b[31m\x08\x07";
	char junk[4096];

	knob_refuses(_metadata, k, variant->probe, elf, sizeof(elf) - 1,
		     EINVAL);
	knob_refuses(_metadata, k, variant->probe, utf16, sizeof(utf16) - 1,
		     EINVAL);
	knob_refuses(_metadata, k, variant->probe, ctl, sizeof(ctl) - 1,
		     EINVAL);
	fill_junk(junk, sizeof(junk));
	knob_refuses(_metadata, k, variant->probe, junk, sizeof(junk),
		     EINVAL);
	knob_still_works(_metadata, k, variant->alt, variant->probe);
}

/* Longer than a page and than 64 KiB, whatever the content. */
TEST_F(knob_input, very_long)
{
	const struct knob *const k = &knobs[variant->index];
	const size_t sizes[] = { 64 * 1024 + 1, 1024 * 1024 };
	const size_t alt_len = strlen(variant->alt);
	unsigned int i;
	char *buf;

	buf = malloc(sizes[ARRAY_SIZE(sizes) - 1]);
	ASSERT_NE(NULL, buf);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		const size_t len = sizes[i];

		memset(buf, '0', len);
		knob_refuses(_metadata, k, variant->probe, buf, len, EINVAL);
		/* A value, then blanks past the first page, then junk. */
		memset(buf, ' ', len);
		memcpy(buf, variant->alt, alt_len);
		buf[len - 1] = 'x';
		knob_refuses(_metadata, k, variant->probe, buf, len, EINVAL);
		/* Only blanks after the value: still more than one page. */
		buf[len - 1] = '\n';
		knob_refuses(_metadata, k, variant->probe, buf, len, EINVAL);
		/* Blanks past the first page, then the value. */
		memset(buf, ' ', len);
		memcpy(buf + len - alt_len - 1, variant->alt, alt_len);
		buf[len - 1] = '\n';
		knob_refuses(_metadata, k, variant->probe, buf, len, EINVAL);
	}
	free(buf);
	knob_still_works(_metadata, k, variant->alt, variant->probe);
}

TEST_F(knob_input, zero_length)
{
	const struct knob *const k = &knobs[variant->index];
	char path[PATH_MAX];
	int fd;

	ASSERT_EQ(0, write_knob_buf(k->name, "", 0));
	ASSERT_EQ(variant->probe, get_knob(_metadata, k->name));
	/* The same file takes a value afterwards. */
	knob_path(path, sizeof(path), k->name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, write(fd, "", 0));
	ASSERT_EQ((ssize_t)strlen(variant->alt),
		  write(fd, variant->alt, strlen(variant->alt)));
	close(fd);
	ASSERT_EQ(strtoull(variant->alt, NULL, 10),
		  get_knob(_metadata, k->name));
	set_knob(_metadata, k->name, variant->probe);
}

/*
 * A value is one write() at offset 0.  Anything written at a later
 * offset (the rest of a value split across writes, or pwrite()) fails
 * with EINVAL instead of being ignored.
 */
TEST_F(knob_input, split_across_writes)
{
	const struct knob *const k = &knobs[variant->index];
	const size_t alt_len = strlen(variant->alt);
	char path[PATH_MAX];
	int fd;

	knob_path(path, sizeof(path), k->name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)alt_len, write(fd, variant->alt, alt_len));
	ASSERT_EQ(strtoull(variant->alt, NULL, 10),
		  get_knob(_metadata, k->name));
	/* "0" then "1" must not make "01", nor keep quiet. */
	ASSERT_EQ(-1, write(fd, "1\n", 2));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, write(fd, "\n", 1));
	ASSERT_EQ(EINVAL, errno);
	close(fd);
	ASSERT_EQ(strtoull(variant->alt, NULL, 10),
		  get_knob(_metadata, k->name));
	set_knob(_metadata, k->name, variant->probe);

	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-1, pwrite(fd, variant->alt, alt_len, 3));
	ASSERT_EQ(EINVAL, errno);
	close(fd);
	ASSERT_EQ(variant->probe, get_knob(_metadata, k->name));
	knob_still_works(_metadata, k, variant->alt, variant->probe);
}

/* ======================================================================
 * The securityfs files.
 * ====================================================================== */

enum policy_kind {
	POLICY_BLOCKLIST,
	POLICY_KEYS_DIRS,
	POLICY_KEYS_NAMES,
	POLICY_PERSIST_PATHS,
	POLICY_EXEMPT,
};

/* Four valid entries, A to D, one line each, canonical as written. */
#define ENTRIES 4

static const char *const entry_names[ENTRIES] = {
	"alpha", "beta", "gamma", "delta",
};

FIXTURE(policy_input)
{
	char dir[64];
	char saved[SAVE_MAX];
	bool saved_ok;
	char line[ENTRIES][PATH_MAX];
};

FIXTURE_VARIANT(policy_input)
{
	const char *path;
	enum policy_kind kind;
	/* A line that the parser refuses, without its newline. */
	const char *bad;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(policy_input, blocklist) {
	/* clang-format on */
	.path = BLOCKLIST,
	.kind = POLICY_BLOCKLIST,
	.bad = "not-a-digest",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(policy_input, keys_dirs) {
	/* clang-format on */
	.path = KEYS_DIRS,
	.kind = POLICY_KEYS_DIRS,
	.bad = "relative/dir",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(policy_input, keys_names) {
	/* clang-format on */
	.path = KEYS_NAMES,
	.kind = POLICY_KEYS_NAMES,
	.bad = "not/a/name",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(policy_input, persist_paths) {
	/* clang-format on */
	.path = PERSIST_PATHS,
	.kind = POLICY_PERSIST_PATHS,
	.bad = "relative/name",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(policy_input, exempt) {
	/* clang-format on */
	.path = EXEMPT,
	.kind = POLICY_EXEMPT,
	.bad = "relative",
};

/* Writes @text in one session; asserts that it is taken. */
static void put(struct __test_metadata *const _metadata, const char *path,
		int flags, const char *text)
{
	const char *where;

	ASSERT_EQ(0, session(path, flags, text, strlen(text), 0, &where))
	{
		TH_LOG("%s: %s failed: %s", path, where, strerror(errno));
	}
}

FIXTURE_SETUP(policy_input)
{
	static const char *const *const names = entry_names;
	static const char *const hex[ENTRIES] = { HEX_A, HEX_B, HEX_C, HEX_D };
	const char *why = module_unavailable(false);
	char path[128];
	int i;

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	strcpy(self->dir, "/tmp/bulwark-hostile.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	for (i = 0; i < ENTRIES; i++) {
		switch (variant->kind) {
		case POLICY_BLOCKLIST:
			snprintf(self->line[i], PATH_MAX, "%s %s\n", hex[i],
				 names[i]);
			break;
		case POLICY_KEYS_DIRS:
			snprintf(path, sizeof(path), "%s/%s", self->dir,
				 names[i]);
			ASSERT_EQ(0, mkdir(path, 0700));
			snprintf(self->line[i], PATH_MAX, "%s\n", path);
			break;
		case POLICY_KEYS_NAMES:
			snprintf(self->line[i], PATH_MAX, "%s_keys\n",
				 names[i]);
			break;
		case POLICY_PERSIST_PATHS:
			/* Names not made yet, in an existing directory. */
			snprintf(self->line[i], PATH_MAX, "%s/%s\n",
				 self->dir, names[i]);
			break;
		case POLICY_EXEMPT:
			snprintf(self->line[i], PATH_MAX, "/hostile/%s\n",
				 names[i]);
			break;
		}
	}
	ASSERT_LE(0, read_all(variant->path, self->saved,
			      sizeof(self->saved)));
	self->saved_ok = true;
	put(_metadata, variant->path, O_TRUNC, self->line[0]);
	expect_text(_metadata, variant->path, self->line[0]);
}

FIXTURE_TEARDOWN_PARENT(policy_input)
{
	char path[PATH_MAX];
	const char *where;
	int i, ret;

	if (self->saved_ok && module_loaded()) {
		ret = session(variant->path, O_TRUNC, self->saved,
			      strlen(self->saved), 0, &where);
		if (ret)
			TH_LOG("restoring %s to \"%s\": %s: %s",
			       variant->path, self->saved, where,
			       strerror(errno));
		EXPECT_EQ(0, ret);
	}
	if (!self->dir[0])
		return;
	for (i = 0; i < ENTRIES && variant->kind == POLICY_KEYS_DIRS; i++) {
		snprintf(path, sizeof(path), "%s/%s", self->dir,
			 entry_names[i]);
		rmdir(path);
	}
	EXPECT_EQ(0, rmdir(self->dir));
}

/* A session of @len bytes in pieces of @piece is refused with @err. */
static void refused(struct __test_metadata *const _metadata,
		    const char *path, const void *buf, size_t len,
		    size_t piece, int err, const char *want)
{
	const char *where;

	ASSERT_EQ(-1, session(path, 0, buf, len, piece, &where))
	{
		TH_LOG("%s accepted %zu bytes \"%.40s\"", path, len,
		       (const char *)buf);
	}
	ASSERT_EQ(err, errno)
	{
		TH_LOG("%s: %zu bytes \"%.40s\": %s: %s", path, len,
		       (const char *)buf, where, strerror(errno));
	}
	expect_text(_metadata, path, want);
}

/* The file still takes a valid list, and gives it back. */
static void still_works(struct __test_metadata *const _metadata,
			const char *path, const char *line)
{
	put(_metadata, path, 0, line);
	expect_text(_metadata, path, line);
}

TEST_F(policy_input, binary_junk)
{
	const size_t big = 1024 * 1024;
	char small[512], *buf;

	fill_junk(small, sizeof(small));
	refused(_metadata, variant->path, small, sizeof(small), 0, EINVAL,
		self->line[0]);
	/* A good line first does not make junk acceptable. */
	buf = malloc(big);
	ASSERT_NE(NULL, buf);
	strcpy(buf, self->line[1]);
	fill_junk(buf + strlen(buf), big - strlen(buf));
	refused(_metadata, variant->path, buf, big, 0, EINVAL, self->line[0]);
	free(buf);
	still_works(_metadata, variant->path, self->line[1]);
}

TEST_F(policy_input, embedded_nul)
{
	char buf[PATH_MAX + 16];
	size_t n = strlen(self->line[1]) - 1;

	/* "<entry>\0\n", "<entry>\0tail\n", "\0<entry>\n". */
	memcpy(buf, self->line[1], n);
	memcpy(buf + n, "\0\n", 2);
	refused(_metadata, variant->path, buf, n + 2, 0, EINVAL,
		self->line[0]);
	memcpy(buf + n, "\0tail\n", 6);
	refused(_metadata, variant->path, buf, n + 6, 0, EINVAL,
		self->line[0]);
	buf[0] = '\0';
	memcpy(buf + 1, self->line[1], n + 1);
	refused(_metadata, variant->path, buf, n + 2, 0, EINVAL,
		self->line[0]);
	still_works(_metadata, variant->path, self->line[1]);
}

/* One line of more than a page, and of more than 64 KiB. */
TEST_F(policy_input, line_longer_than_a_page)
{
	const size_t sizes[] = { 5000, 64 * 1024 + 1 };
	unsigned int i;
	char *buf;

	buf = malloc(sizes[ARRAY_SIZE(sizes) - 1]);
	ASSERT_NE(NULL, buf);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		const size_t len = sizes[i];

		/* Something each parser would like, were it not so long. */
		memset(buf, variant->kind == POLICY_BLOCKLIST ? 'a' : 'x',
		       len);
		if (variant->kind == POLICY_KEYS_DIRS ||
		    variant->kind == POLICY_PERSIST_PATHS ||
		    variant->kind == POLICY_EXEMPT)
			buf[0] = '/';
		buf[len - 1] = '\n';
		refused(_metadata, variant->path, buf, len, 0, EINVAL,
			self->line[0]);
		/* The same, 1000 bytes at a time. */
		refused(_metadata, variant->path, buf, len, 1000, EINVAL,
			self->line[0]);
		/* Without its newline. */
		refused(_metadata, variant->path, buf, len - 1, 0, EINVAL,
			self->line[0]);
	}
	free(buf);
	still_works(_metadata, variant->path, self->line[1]);
}

TEST_F(policy_input, zero_length_writes)
{
	const char *where;
	int fd;

	/* A write of nothing in a session changes nothing of it. */
	fd = open(variant->path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, write(fd, "", 0));
	ASSERT_EQ((ssize_t)strlen(self->line[1]),
		  write(fd, self->line[1], strlen(self->line[1])));
	ASSERT_EQ(0, write(fd, "", 0));
	ASSERT_EQ(0, close(fd));
	expect_text(_metadata, variant->path, self->line[1]);

	/* O_TRUNC and nothing written: the empty list, in every file. */
	ASSERT_EQ(0, session(variant->path, O_TRUNC, "", 0, 0, &where));
	expect_text(_metadata, variant->path, "");
	still_works(_metadata, variant->path, self->line[2]);
}

/* A valid list, one byte per write(). */
TEST_F(policy_input, split_bytewise)
{
	char text[2 * PATH_MAX];
	const char *where;

	snprintf(text, sizeof(text), "%s%s", self->line[1], self->line[2]);
	ASSERT_EQ(0, session(variant->path, 0, text, strlen(text), 1, &where))
	{
		TH_LOG("%s: %s", where, strerror(errno));
	}
	expect_text(_metadata, variant->path, text);
}

/*
 * An invalid line split across writes fails the write() that completes
 * it; the session is spoilt: later valid writes fail too, and nothing is
 * committed.
 */
TEST_F(policy_input, split_invalid_line_poisons)
{
	const size_t half = strlen(variant->bad) / 2;
	const size_t n1 = strlen(self->line[1]);
	char rest[PATH_MAX];
	int fd;

	snprintf(rest, sizeof(rest), "%s\n", variant->bad + half);
	fd = open(variant->path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)n1, write(fd, self->line[1], n1));
	ASSERT_EQ((ssize_t)half, write(fd, variant->bad, half));
	ASSERT_EQ(-1, write(fd, rest, strlen(rest)));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, write(fd, self->line[2], strlen(self->line[2])));
	ASSERT_EQ(EINVAL, errno);
	close(fd);
	expect_text(_metadata, variant->path, self->line[0]);
	still_works(_metadata, variant->path, self->line[2]);
}

/*
 * An invalid last line without a newline can only be judged at close:
 * close() must then fail with EINVAL, as keys_dirs and keys_names do
 * (their flush), so that "printf BAD > file" reports the failure.
 */
TEST_F(policy_input, invalid_last_line_fails_close)
{
	const size_t n = strlen(variant->bad);
	int fd;

	fd = open(variant->path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(self->line[1]),
		  write(fd, self->line[1], strlen(self->line[1])));
	ASSERT_EQ((ssize_t)n, write(fd, variant->bad, n));
	EXPECT_EQ(-1, close(fd))
	{
		TH_LOG("%s: close() reported success for a refused session",
		       variant->path);
	}
	EXPECT_EQ(EINVAL, errno);
	expect_text(_metadata, variant->path, self->line[0]);
	still_works(_metadata, variant->path, self->line[1]);
}

/*
 * Two sessions at once, their writes interleaved: each close commits
 * that session's whole list; the last close wins.
 */
TEST_F(policy_input, concurrent_sessions)
{
	const char *b = self->line[1], *c = self->line[2];
	const size_t hb = strlen(b) / 2, hc = strlen(c) / 2;
	const char *before = self->line[0];
	int round, first, second, fd[2];

	for (round = 0; round < 2; round++) {
		fd[0] = open(variant->path, O_WRONLY | O_CLOEXEC);
		ASSERT_LE(0, fd[0]);
		fd[1] = open(variant->path, O_WRONLY | O_CLOEXEC);
		ASSERT_LE(0, fd[1]);
		ASSERT_EQ((ssize_t)hb, write(fd[0], b, hb));
		ASSERT_EQ((ssize_t)hc, write(fd[1], c, hc));
		ASSERT_EQ((ssize_t)(strlen(b) - hb),
			  write(fd[0], b + hb, strlen(b) - hb));
		ASSERT_EQ((ssize_t)(strlen(c) - hc),
			  write(fd[1], c + hc, strlen(c) - hc));
		/* Nothing is in force before a close. */
		expect_text(_metadata, variant->path, before);
		first = round;
		second = !round;
		ASSERT_EQ(0, close(fd[first]));
		expect_text(_metadata, variant->path, first ? c : b);
		ASSERT_EQ(0, close(fd[second]));
		expect_text(_metadata, variant->path, second ? c : b);
		before = second ? c : b;
	}
}

/*
 * Two O_APPEND sessions open at once: each adds its line to the list in
 * force when it closes, so both lines are there in the end (keys_dirs
 * and keys_names merge under the config mutex at release, rather than
 * copy the list at open).
 */
TEST_F(policy_input, concurrent_appends)
{
	char want[3 * PATH_MAX];
	int fd[2];

	fd[0] = open(variant->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	ASSERT_LE(0, fd[0]);
	fd[1] = open(variant->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	ASSERT_LE(0, fd[1]);
	ASSERT_EQ((ssize_t)strlen(self->line[1]),
		  write(fd[0], self->line[1], strlen(self->line[1])));
	ASSERT_EQ((ssize_t)strlen(self->line[2]),
		  write(fd[1], self->line[2], strlen(self->line[2])));
	ASSERT_EQ(0, close(fd[0]));
	ASSERT_EQ(0, close(fd[1]));
	snprintf(want, sizeof(want), "%s%s%s", self->line[0], self->line[1],
		 self->line[2]);
	expect_text(_metadata, variant->path, want);
}

/* In a child: @rounds sessions writing @text in three pieces. */
static int write_rounds(const char *path, const char *text, int rounds)
{
	const size_t third = strlen(text) / 3;
	const char *where;
	int i;

	for (i = 0; i < rounds; i++) {
		if (session(path, 0, text, strlen(text), third, &where))
			return errno;
		sched_yield();
	}
	return 0;
}

/*
 * Two processes replace the list over and over: a reader only ever
 * sees one of the three complete lists, never a mix.
 */
TEST_F_TIMEOUT(policy_input, racing_writers, 120)
{
	char lists[3][2 * PATH_MAX], now[SAVE_MAX];
	int i, reads = 0, status;
	pid_t pid[2];

	snprintf(lists[0], sizeof(lists[0]), "%s", self->line[0]);
	snprintf(lists[1], sizeof(lists[1]), "%s%s", self->line[1],
		 self->line[2]);
	snprintf(lists[2], sizeof(lists[2]), "%s%s", self->line[0],
		 self->line[3]);
	for (i = 0; i < 2; i++) {
		fflush(NULL);
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0)
			_exit(write_rounds(variant->path, lists[i + 1], 40));
	}
	for (;;) {
		bool done = waitpid(pid[0], &status, WNOHANG) == pid[0];

		ASSERT_LE(0, read_all(variant->path, now, sizeof(now)));
		reads++;
		EXPECT_TRUE(!strcmp(now, lists[0]) || !strcmp(now, lists[1]) ||
			    !strcmp(now, lists[2]))
		{
			TH_LOG("a mix: \"%s\"", now);
		}
		if (done)
			break;
	}
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(pid[1], waitpid(pid[1], &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_LE(0, read_all(variant->path, now, sizeof(now)));
	EXPECT_TRUE(!strcmp(now, lists[1]) || !strcmp(now, lists[2]));
	TH_LOG("%d reads while two writers committed 80 sessions", reads);
}

/* What a killed writer does before it is killed. */
struct victim {
	const char *path;
	const char *text;
	size_t len;
	int ready;
};

/* In the child: writes, tells the test, and waits for SIGKILL. */
static int write_and_wait(void *arg)
{
	const struct victim *v = arg;
	int fd = open(v->path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, v->text, v->len) != (ssize_t)v->len)
		return 1;
	if (write(v->ready, "r", 1) != 1)
		return 1;
	for (;;)
		pause();
}

/* Starts write_and_wait() and kills it once its write is done. */
static void kill_writer(struct __test_metadata *const _metadata,
			const char *path, const char *text, size_t len)
{
	struct victim v = { .path = path, .text = text, .len = len };
	int pipefd[2], status;
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
	v.ready = pipefd[1];
	pid = spawn_in_context(CTX_HOST, write_and_wait, &v);
	ASSERT_LE(0, pid);
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	close(pipefd[0]);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(SIGKILL, WTERMSIG(status));
}

/*
 * A writer killed between two writes changes nothing: its session
 * never finished, whether it had written whole lines or part of one.
 * The kernel closes a killed task's files as it exits; the module sees
 * PF_SIGNALED there and drops the session, where a truncated last entry
 * could otherwise still be valid ("/hostile/al" for exempt).
 */
TEST_F(policy_input, killed_between_writes)
{
	char text[3 * PATH_MAX], now[SAVE_MAX];
	size_t n;

	/* Whole lines only. */
	kill_writer(_metadata, variant->path, self->line[1],
		    strlen(self->line[1]));
	ASSERT_LE(0, read_all(variant->path, now, sizeof(now)));
	EXPECT_STREQ(self->line[0], now);
	if (strcmp(self->line[0], now))
		put(_metadata, variant->path, O_TRUNC, self->line[0]);

	/* Whole lines, then half of one. */
	n = snprintf(text, sizeof(text), "%s%s", self->line[1],
		     self->line[2]);
	kill_writer(_metadata, variant->path, text,
		    n - strlen(self->line[2]) / 2);
	ASSERT_LE(0, read_all(variant->path, now, sizeof(now)));
	EXPECT_STREQ(self->line[0], now);
	still_works(_metadata, variant->path, self->line[3]);
}

/* In the child: writes, then exits without closing the file. */
static int write_and_exit(void *arg)
{
	const struct victim *v = arg;
	int fd = open(v->path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, v->text, v->len) != (ssize_t)v->len)
		_exit(1);
	_exit(0);
}

/*
 * The other side of the killed writer: one that exits normally without
 * calling close() commits its session, a last line without its newline
 * included.  The kernel closes its files as it exits, PF_SIGNALED
 * clear, before the parent can reap it.
 */
TEST_F(policy_input, exit_without_close_commits)
{
	char text[3 * PATH_MAX], want[3 * PATH_MAX], now[SAVE_MAX];
	struct victim v = { .path = variant->path, .text = text };
	int status;
	pid_t pid;

	snprintf(want, sizeof(want), "%s%s", self->line[1], self->line[2]);
	v.len = snprintf(text, sizeof(text), "%s", want) - 1;
	pid = spawn_in_context(CTX_HOST, write_and_exit, &v);
	ASSERT_LE(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_LE(0, read_all(variant->path, now, sizeof(now)));
	EXPECT_STREQ(want, now);
	still_works(_metadata, variant->path, self->line[3]);
}

/* The child of killed_inside_write(): its fault handler and its write. */
struct stalled {
	const char *path;
	char *page;
	size_t page_size;
	size_t len;
	int uffd;
	int ready;
};

/* Reports the first fault on the stalled page, and never resolves it. */
static void *report_fault(void *arg)
{
	struct stalled *s = arg;
	struct uffd_msg msg;
	struct pollfd pfd = { .fd = s->uffd, .events = POLLIN };

	while (poll(&pfd, 1, -1) == 1) {
		if (read(s->uffd, &msg, sizeof(msg)) != sizeof(msg))
			continue;
		if (msg.event == UFFD_EVENT_PAGEFAULT) {
			if (write(s->ready, "f", 1) != 1)
				break;
		}
	}
	return NULL;
}

/*
 * In the child: one write() whose buffer holds whole lines at the end
 * of a page, then runs into a page that userfaultfd leaves missing; the
 * kernel's copy_from_user() sleeps there until SIGKILL.
 */
static int stall_in_write(void *arg)
{
	struct stalled *s = arg;
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { 0 };
	pthread_t thread;
	int fd;

	s->uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (s->uffd < 0 || ioctl(s->uffd, UFFDIO_API, &api))
		return 2;
	reg.range.start = (unsigned long)(s->page + s->page_size);
	reg.range.len = s->page_size;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(s->uffd, UFFDIO_REGISTER, &reg))
		return 2;
	if (pthread_create(&thread, NULL, report_fault, s))
		return 1;
	fd = open(s->path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	/* Returns only if the fault was resolved, which it is not. */
	if (write(fd, s->page + s->page_size - s->len, s->len + 64) < 0)
		return 3;
	return 4;
}

TEST_F(policy_input, killed_inside_write)
{
	struct stalled s = { .path = variant->path };
	int pipefd[2], status;
	char c, text[3 * PATH_MAX];
	pid_t pid;

	s.page_size = getpagesize();
	s.page = mmap(NULL, 2 * s.page_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, s.page);
	s.len = snprintf(text, sizeof(text), "%s%s", self->line[1],
			 self->line[2]);
	ASSERT_GT(s.page_size, s.len);
	memcpy(s.page + s.page_size - s.len, text, s.len);
	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
	s.ready = pipefd[1];
	pid = spawn_in_context(CTX_HOST, stall_in_write, &s);
	ASSERT_LE(0, pid);
	close(pipefd[1]);
	if (read(pipefd[0], &c, 1) != 1) {
		close(pipefd[0]);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
			SKIP(return, "userfaultfd is not available");
		ASSERT_TRUE(false)
		{
			TH_LOG("the writer never stalled: status %d", status);
		}
	}
	close(pipefd[0]);
	/* The writer is inside write(), in copy_from_user(). */
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	munmap(s.page, 2 * s.page_size);
	expect_text(_metadata, variant->path, self->line[0]);
	still_works(_metadata, variant->path, self->line[3]);
}

/* ======================================================================
 * keys_dirs: paths that are not what they seem.
 * ====================================================================== */

FIXTURE(dirs_path)
{
	char dir[64];
	char saved[SAVE_MAX];
	bool saved_ok;
	char good[PATH_MAX + 2];
};

FIXTURE_VARIANT(dirs_path)
{
	/* The line written, "%s" standing for the scratch directory. */
	const char *line;
	/* NULL: refused with EINVAL; else what it reads back as. */
	const char *canon;
};

#define DIRS_PATH(_name, _line, _canon)					\
	FIXTURE_VARIANT_ADD(dirs_path, _name) {				\
		.line = _line,						\
		.canon = _canon,					\
	}

/* clang-format off */
DIRS_PATH(missing, "%s/missing\n", NULL);
DIRS_PATH(missing_no_newline, "%s/missing", NULL);
DIRS_PATH(relative_dot, ".%s/d\n", NULL);
DIRS_PATH(relative_name, "d\n", NULL);
DIRS_PATH(tilde, "~/d\n", NULL);
DIRS_PATH(file_trailing_slash, "%s/f/\n", NULL);
DIRS_PATH(file_dotdot, "%s/f/..\n", NULL);
DIRS_PATH(dotdot_to_missing, "%s/d/../missing\n", NULL);
DIRS_PATH(dotdot_resolved, "%s/d/../d/.\n", "%s/d\n");
DIRS_PATH(dotdot_above_root, "/../../..%s/d\n", "%s/d\n");
DIRS_PATH(trailing_slashes, "%s/d///\n", "%s/d\n");
DIRS_PATH(double_slashes, "/%s//d\n", "%s/d\n");
DIRS_PATH(crlf, "%s/d\r\n", "%s/d\n");
DIRS_PATH(inner_blank, "%s/d x\n", NULL);
DIRS_PATH(symlink_to_dir, "%s/link_d\n", "%s/d\n");
DIRS_PATH(symlink_to_file, "%s/link_f\n", NULL);
DIRS_PATH(symlink_dangling, "%s/dangling\n", NULL);
DIRS_PATH(symlink_loop, "%s/loop\n", NULL);
DIRS_PATH(long_component, "%s/d/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", NULL);
DIRS_PATH(device, "/dev/null\n", NULL);
DIRS_PATH(empty_lines_only, "\n \n\t\n", "");
DIRS_PATH(comment_only, "# %s/d\n", "");
/* clang-format on */

FIXTURE_SETUP(dirs_path)
{
	const char *why = module_unavailable(false);
	char p[PATH_MAX], t[PATH_MAX];
	int fd;

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	strcpy(self->dir, "/tmp/bulwark-dirs.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(p, sizeof(p), "%s/d", self->dir);
	ASSERT_EQ(0, mkdir(p, 0700));
	snprintf(p, sizeof(p), "%s/f", self->dir);
	fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	snprintf(p, sizeof(p), "%s/link_d", self->dir);
	snprintf(t, sizeof(t), "%s/d", self->dir);
	ASSERT_EQ(0, symlink(t, p));
	snprintf(p, sizeof(p), "%s/link_f", self->dir);
	ASSERT_EQ(0, symlink("f", p));
	snprintf(p, sizeof(p), "%s/dangling", self->dir);
	ASSERT_EQ(0, symlink("nowhere", p));
	snprintf(p, sizeof(p), "%s/loop", self->dir);
	ASSERT_EQ(0, symlink("loop", p));
	ASSERT_LE(0, read_all(KEYS_DIRS, self->saved, sizeof(self->saved)));
	self->saved_ok = true;
	snprintf(self->good, sizeof(self->good), "%s/d\n", self->dir);
	put(_metadata, KEYS_DIRS, O_TRUNC, self->good);
	expect_text(_metadata, KEYS_DIRS, self->good);
}

FIXTURE_TEARDOWN_PARENT(dirs_path)
{
	static const char *const names[] = {
		"link_d", "link_f", "dangling", "loop", "f",
	};
	char p[PATH_MAX];
	const char *where;
	unsigned int i;
	int ret;

	if (self->saved_ok && module_loaded()) {
		ret = session(KEYS_DIRS, O_TRUNC, self->saved,
			      strlen(self->saved), 0, &where);
		EXPECT_EQ(0, ret);
	}
	if (!self->dir[0])
		return;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(p, sizeof(p), "%s/%s", self->dir, names[i]);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/d", self->dir);
	rmdir(p);
	EXPECT_EQ(0, rmdir(self->dir));
}

TEST_F(dirs_path, written)
{
	char line[2 * PATH_MAX], want[PATH_MAX + 2];
	const char *where;
	int ret;

	snprintf(line, sizeof(line), variant->line, self->dir);
	ret = session(KEYS_DIRS, 0, line, strlen(line), 0, &where);
	if (!variant->canon) {
		ASSERT_EQ(-1, ret)
		{
			TH_LOG("accepted \"%s\"", line);
		}
		ASSERT_EQ(EINVAL, errno)
		{
			TH_LOG("\"%s\": %s: %s", line, where, strerror(errno));
		}
		expect_text(_metadata, KEYS_DIRS, self->good);
	} else {
		ASSERT_EQ(0, ret)
		{
			TH_LOG("\"%s\": %s: %s", line, where, strerror(errno));
		}
		snprintf(want, sizeof(want), variant->canon, self->dir);
		expect_text(_metadata, KEYS_DIRS, want);
	}
	/* The file still takes a valid list. */
	put(_metadata, KEYS_DIRS, 0, self->good);
	expect_text(_metadata, KEYS_DIRS, self->good);
}

/* ======================================================================
 * Self-protection: a privileged container.
 * ====================================================================== */

/* What the contained child tried, in memory shared with the test. */
struct attempts {
	char proc_dir[PATH_MAX];
	char secfs_dir[PATH_MAX];
	unsigned long long attempt[KNOB_COUNT];
	struct {
		int ret, err;
	} knob[KNOB_COUNT], knob_new_proc[KNOB_COUNT];
	struct {
		int wronly, trunc, append, rdwr, new_mount, empty_write;
		int chmod, chown, utimes, read;
	} file[ARRAY_SIZE(policy_files)];
	int new_proc_mounted, new_secfs_mounted;
	char rmmod_name[64];
	int rmmod_ret, rmmod_err;
};

/* 0, or errno, of opening @path for writing with @flags. */
static int open_err(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* 0, or errno, of a zero-length write session (which may replace). */
static int empty_session_err(const char *path)
{
	const char *where;

	return session(path, 0, "", 0, 0, &where) ? errno : 0;
}

static int errno_of(int ret)
{
	return ret ? errno : 0;
}

/* In the contained child: every change it can think of. */
static int try_everything(void *arg)
{
	struct attempts *a = arg;
	struct timeval tv[2] = { { 1, 0 }, { 1, 0 } };
	char path[PATH_MAX * 2], buf[256];
	unsigned int i;
	ssize_t n;

	for (i = 0; i < KNOB_COUNT; i++) {
		errno = 0;
		n = write_knob_u64(knobs[i].name, a->attempt[i]);
		a->knob[i].ret = n < 0 ? -1 : 0;
		a->knob[i].err = errno;
	}
	/* A procfs of its own pid namespace: the same sysctls. */
	a->new_proc_mounted = !mount("proc", a->proc_dir, "proc", 0, NULL);
	for (i = 0; a->new_proc_mounted && i < KNOB_COUNT; i++) {
		snprintf(path, sizeof(path), "%s/sys/kernel/%s/%s",
			 a->proc_dir, MODULE_NAME, knobs[i].name);
		n = snprintf(buf, sizeof(buf), "%llu\n", a->attempt[i]);
		errno = 0;
		a->knob_new_proc[i].ret = write_file(path, 0, buf, n) < 0 ?
						  -1 : 0;
		a->knob_new_proc[i].err = errno;
	}
	a->new_secfs_mounted = !mount("securityfs", a->secfs_dir,
				      "securityfs", 0, NULL);
	for (i = 0; i < ARRAY_SIZE(policy_files); i++) {
		const char *f = policy_files[i];

		a->file[i].wronly = open_err(f, O_WRONLY);
		a->file[i].trunc = open_err(f, O_WRONLY | O_TRUNC);
		a->file[i].append = open_err(f, O_WRONLY | O_APPEND);
		a->file[i].rdwr = open_err(f, O_RDWR);
		a->file[i].empty_write = empty_session_err(f);
		snprintf(path, sizeof(path), "%s/%s/%s", a->secfs_dir,
			 MODULE_NAME, strrchr(f, '/') + 1);
		a->file[i].new_mount = a->new_secfs_mounted ?
					       open_err(path, O_WRONLY) : -1;
		a->file[i].chmod = errno_of(chmod(f, 0666));
		a->file[i].chown = errno_of(chown(f, 1, 1));
		a->file[i].utimes = errno_of(utimes(f, tv));
		a->file[i].read = read_file(f, buf, sizeof(buf)) < 0 ? errno :
								       0;
	}
	return 0;
}

/* In the contained child: rmmod a->rmmod_name, as rmmod does. */
static int try_rmmod(void *arg)
{
	struct attempts *a = arg;

	errno = 0;
	a->rmmod_ret = sys_delete_module(a->rmmod_name, O_NONBLOCK);
	a->rmmod_err = errno;
	return 0;
}

struct contained_job {
	int (*fn)(void *);
	void *arg;
};

/*
 * In a child of the test: joins the container's cgroup, then new mount
 * and pid namespaces, keeping every capability in the initial user
 * namespace, and runs the job as pid 1 there.
 */
static int enter_container(void *arg)
{
	const struct contained_job *job = arg;

	if (write_file(CONTAINER_CG "/cgroup.procs", 0, "0", 1) != 1)
		return CTX_SETUP_FAILED;
	if (unshare(CLONE_NEWNS))
		return CTX_SETUP_FAILED;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return CTX_SETUP_FAILED;
	run_as_pid1(job->fn, job->arg);
}

FIXTURE(privileged)
{
	struct attempts *a;
	unsigned long long knob[KNOB_COUNT];
	char text[ARRAY_SIZE(policy_files)][SAVE_MAX];
	/* The blocklist and exempt lists in force before the test. */
	char orig[2][SAVE_MAX];
	struct stat st[ARRAY_SIZE(policy_files)];
	bool made_docker, made_container, saved;
};

FIXTURE_SETUP(privileged)
{
	const char *why = module_unavailable(false);
	struct statfs sfs;
	unsigned int i;

	if (why)
		SKIP(return, "%s", why);
	if (statfs(CGROOT, &sfs) || sfs.f_type != CGROUP2_MAGIC)
		SKIP(return, "no cgroup2 hierarchy on " CGROOT);
	ensure_loaded(_metadata);
	ASSERT_EQ(0ULL, get_knob(_metadata, knobs[KNOB_LOCKED].name));
	self->a = shared_alloc(sizeof(*self->a));
	ASSERT_NE(NULL, self->a);
	self->made_docker = !mkdir(CGROOT "/docker", 0755);
	ASSERT_TRUE(self->made_docker || errno == EEXIST);
	ASSERT_EQ(0, mkdir(CONTAINER_CG, 0755));
	self->made_container = true;
	strcpy(self->a->proc_dir, "/tmp/bulwark-proc.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->a->proc_dir));
	strcpy(self->a->secfs_dir, "/tmp/bulwark-secfs.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->a->secfs_dir));

	/* Contained by its cgroup alone: scope 0. */
	set_knob(_metadata, knobs[KNOB_SCOPE].name, 0);
	for (i = 0; i < KNOB_COUNT; i++) {
		self->knob[i] = get_knob(_metadata, knobs[i].name);
		/* A valid change. */
		self->a->attempt[i] = self->knob[i] ? 0 : 1;
	}
	/*
	 * "locked" is tried with 0: the handler refuses the writer before
	 * it parses, and a regression must not lock the test machine.
	 */
	self->a->attempt[KNOB_LOCKED] = 0;
	self->a->attempt[KNOB_HASH_MAX_BYTES] = 4096;
	ASSERT_LE(0, read_all(BLOCKLIST, self->orig[0],
			      sizeof(self->orig[0])));
	ASSERT_LE(0, read_all(EXEMPT, self->orig[1], sizeof(self->orig[1])));
	self->saved = true;
	put(_metadata, BLOCKLIST, O_TRUNC, HEX_A " kept\n");
	put(_metadata, EXEMPT, O_TRUNC, "/kept\n");
	for (i = 0; i < ARRAY_SIZE(policy_files); i++) {
		ASSERT_LE(0, read_all(policy_files[i], self->text[i],
				      sizeof(self->text[i])));
		ASSERT_EQ(0, stat(policy_files[i], &self->st[i]));
	}
	self->saved = true;
}

FIXTURE_TEARDOWN_PARENT(privileged)
{
	unsigned int i;

	if (self->saved && module_loaded()) {
		for (i = 0; i < ARRAY_SIZE(policy_files); i++) {
			chmod(policy_files[i], self->st[i].st_mode & 07777);
			chown(policy_files[i], self->st[i].st_uid,
			      self->st[i].st_gid);
		}
		EXPECT_EQ((ssize_t)strlen(self->orig[0]),
			  write_file(BLOCKLIST, O_TRUNC, self->orig[0],
				     strlen(self->orig[0])));
		EXPECT_EQ((ssize_t)strlen(self->orig[1]),
			  write_file(EXEMPT, O_TRUNC, self->orig[1],
				     strlen(self->orig[1])));
		EXPECT_LT(0, write_knob_u64(knobs[KNOB_SCOPE].name,
					    knobs[KNOB_SCOPE].def));
		EXPECT_LT(0, write_knob_u64(knobs[KNOB_ESCAPE_MODE].name,
					    self->knob[KNOB_ESCAPE_MODE]));
	}
	if (self->made_container)
		EXPECT_EQ(0, rmdir(CONTAINER_CG));
	if (self->made_docker)
		rmdir(CGROOT "/docker");
	if (self->a) {
		rmdir(self->a->proc_dir);
		rmdir(self->a->secfs_dir);
	}
}

static void run_contained(struct __test_metadata *const _metadata,
			  int (*fn)(void *), void *arg)
{
	struct contained_job job = { .fn = fn, .arg = arg };
	int ret = run_in_context(CTX_HOST, enter_container, &job);

	if (ret == CTX_SETUP_FAILED)
		SKIP(return, "cannot enter the container's cgroup and namespaces");
	ASSERT_EQ(0, ret);
}

TEST_F(privileged, sysctls_refused)
{
	const struct attempts *a = self->a;
	unsigned int i;

	run_contained(_metadata, try_everything, self->a);
	ASSERT_TRUE(a->new_proc_mounted);
	for (i = 0; i < KNOB_COUNT; i++) {
		EXPECT_EQ(-1, a->knob[i].ret)
		{
			TH_LOG("%s written from a privileged container",
			       knobs[i].name);
		}
		EXPECT_EQ(EPERM, a->knob[i].err);
		EXPECT_EQ(-1, a->knob_new_proc[i].ret);
		EXPECT_EQ(EPERM, a->knob_new_proc[i].err)
		{
			TH_LOG("%s through a new procfs: %s", knobs[i].name,
			       strerror(a->knob_new_proc[i].err));
		}
		EXPECT_EQ(self->knob[i], get_knob(_metadata, knobs[i].name));
	}
}

TEST_F(privileged, securityfs_refused)
{
	const struct attempts *a = self->a;
	unsigned int i;

	run_contained(_metadata, try_everything, self->a);
	ASSERT_TRUE(a->new_secfs_mounted);
	for (i = 0; i < ARRAY_SIZE(policy_files); i++) {
		const char *f = policy_files[i];

		TH_LOG("%s: open %d trunc %d append %d rdwr %d new mount %d, empty session %d",
		       f, a->file[i].wronly, a->file[i].trunc,
		       a->file[i].append, a->file[i].rdwr,
		       a->file[i].new_mount, a->file[i].empty_write);
		EXPECT_EQ(EPERM, a->file[i].wronly);
		EXPECT_EQ(EPERM, a->file[i].trunc);
		EXPECT_EQ(EPERM, a->file[i].append);
		EXPECT_EQ(EPERM, a->file[i].empty_write);
		EXPECT_EQ(EPERM, a->file[i].new_mount);
		/* blocklist and exempt refuse O_RDWR for everyone first. */
		EXPECT_TRUE(a->file[i].rdwr == EPERM ||
			    a->file[i].rdwr == EINVAL);
		/* Reading stays allowed. */
		EXPECT_EQ(0, a->file[i].read);
		expect_text(_metadata, f, self->text[i]);
	}
}

/*
 * Nor may it change the files' modes, owners or times: securityfs's
 * default simple_setattr() would let CAP_FOWNER do it, so the module
 * gives the files a setattr that asks bulwark_may_configure().
 */
TEST_F(privileged, securityfs_attributes_kept)
{
	const struct attempts *a = self->a;
	struct stat st;
	unsigned int i;

	run_contained(_metadata, try_everything, self->a);
	for (i = 0; i < ARRAY_SIZE(policy_files); i++) {
		const char *f = policy_files[i];

		ASSERT_EQ(0, stat(f, &st));
		EXPECT_EQ(EPERM, a->file[i].chmod)
		{
			TH_LOG("%s: chmod from a privileged container: %s, mode now %o",
			       f, strerror(a->file[i].chmod),
			       st.st_mode & 07777);
		}
		EXPECT_EQ(EPERM, a->file[i].chown);
		EXPECT_EQ(EPERM, a->file[i].utimes);
		EXPECT_EQ(self->st[i].st_mode, st.st_mode);
		EXPECT_EQ(self->st[i].st_uid, st.st_uid);
	}
}

/*
 * The other side: host root, while bulwark is unlocked, may change the
 * files' modes, owners and times (locked_test.c checks that nobody may
 * once it is locked).
 */
TEST_F(privileged, host_root_may_change_attributes)
{
	struct timeval tv[2] = { { 2, 0 }, { 2, 0 } };
	struct stat st;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(policy_files); i++) {
		const char *f = policy_files[i];

		EXPECT_EQ(0, errno_of(chmod(f, 0640)));
		EXPECT_EQ(0, errno_of(chown(f, 1, 1)));
		EXPECT_EQ(0, errno_of(utimes(f, tv)));
		ASSERT_EQ(0, stat(f, &st));
		EXPECT_EQ(0640U, st.st_mode & 07777);
		EXPECT_EQ(1U, st.st_uid);
		EXPECT_EQ(1U, st.st_gid);
		EXPECT_EQ(2, st.st_mtime);
		/* And back; the teardown restores them too. */
		EXPECT_EQ(0, chmod(f, self->st[i].st_mode & 07777));
		EXPECT_EQ(0, chown(f, self->st[i].st_uid, self->st[i].st_gid));
		ASSERT_EQ(0, stat(f, &st));
		EXPECT_EQ(self->st[i].st_mode, st.st_mode);
	}
}

/* The contained child's delete_module() of @name: -1 with errno, or 0. */
static int rmmod_contained(struct __test_metadata *const _metadata,
			   struct attempts *a, const char *name)
{
	snprintf(a->rmmod_name, sizeof(a->rmmod_name), "%s", name);
	a->rmmod_ret = -2;
	run_contained(_metadata, try_rmmod, a);
	TH_LOG("delete_module(\"%s\") from a privileged container: %d (%s)",
	       name, a->rmmod_ret, strerror(a->rmmod_err));
	errno = a->rmmod_err;
	return a->rmmod_ret;
}

/*
 * rmmod: a privileged container holds CAP_SYS_MODULE in the initial user
 * namespace, and the kernel has no security hook on delete_module();
 * bulwark redirects the system call itself.  Under escape_mode 2 the
 * container may unload no module, bulwark above all, locked or not
 * (SPEC "escape"), and each refusal counts once in escape_blocked.  In
 * audit mode the unload is counted in escape_audited, logged, and
 * happens.
 */
TEST_F_TIMEOUT(privileged, rmmod_refused, MODULE_TIMEOUT)
{
	const char *mode = knobs[KNOB_ESCAPE_MODE].name;
	unsigned long long blocked, audited;
	int kmsg;

	set_knob(_metadata, mode, 2);
	blocked = counter(_metadata, ESCAPE_BLOCKED);
	audited = counter(_metadata, ESCAPE_AUDITED);
	EXPECT_EQ(-1, rmmod_contained(_metadata, self->a, MODULE_NAME));
	if (_metadata->exit_code == KSFT_SKIP)
		return;
	EXPECT_EQ(EPERM, errno);
	EXPECT_TRUE(module_loaded());
	if (!module_loaded()) {
		/* Loaded again, with its defaults, for the tests after. */
		self->saved = false;
		ensure_loaded(_metadata);
		return;
	}
	EXPECT_EQ(blocked + 1, counter(_metadata, ESCAPE_BLOCKED));
	EXPECT_EQ(audited, counter(_metadata, ESCAPE_AUDITED));
	EXPECT_EQ(0ULL, get_knob(_metadata, knobs[KNOB_LOCKED].name));

	/* Any module: refused before the kernel looks for it. */
	EXPECT_EQ(-1, rmmod_contained(_metadata, self->a, NO_SUCH_MODULE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(blocked + 2, counter(_metadata, ESCAPE_BLOCKED));
	EXPECT_EQ(audited, counter(_metadata, ESCAPE_AUDITED));

	/* Audit: counted, then the kernel's own answer. */
	set_knob(_metadata, mode, 1);
	EXPECT_EQ(-1, rmmod_contained(_metadata, self->a, NO_SUCH_MODULE));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(blocked + 2, counter(_metadata, ESCAPE_BLOCKED));
	EXPECT_EQ(audited + 1, counter(_metadata, ESCAPE_AUDITED));

	/* And bulwark itself goes; only the log is left to say so. */
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, kmsg);
	ASSERT_LE(0, lseek(kmsg, 0, SEEK_END));
	EXPECT_EQ(0, rmmod_contained(_metadata, self->a, MODULE_NAME));
	EXPECT_FALSE(module_loaded());
	EXPECT_TRUE(kmsg_find_both(kmsg, "action=audit op=module_unload ",
				   "module=\"" MODULE_NAME "\""));
	close(kmsg);
	/* It loads again, with its defaults. */
	self->saved = false;
	ensure_loaded(_metadata);
	EXPECT_EQ(knobs[KNOB_ESCAPE_MODE].def, get_knob(_metadata, mode));
	EXPECT_EQ(knobs[KNOB_SCOPE].def,
		  get_knob(_metadata, knobs[KNOB_SCOPE].name));
}

TEST_HARNESS_MAIN
