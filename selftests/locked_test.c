// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark tests - "locked"
 *
 * SPEC "sysctl": writing 1 to locked is one-way until reboot; afterwards
 * every write to the sysctls fails with EPERM and the module cannot be
 * unloaded.
 *
 * This leaves the machine locked: run it last in a boot, alone.
 *
 * The securityfs files too (SPEC "locked": every write to the sysctls
 * and to the securityfs files fails with EPERM): for the host's root,
 * for a contained root with every capability, and through write
 * sessions opened before the lock.
 */

#include "common.h"

#define BLOCKLIST SECURITYFS_DIR "/blocklist"
#define EXEMPT SECURITYFS_DIR "/exempt"
#define KEYS_DIRS SECURITYFS_DIR "/keys_dirs"
#define KEYS_NAMES SECURITYFS_DIR "/keys_names"

static const char *const policy_files[] = {
	BLOCKLIST, EXEMPT, KEYS_DIRS, KEYS_NAMES,
};

/* A valid line for each of policy_files[]. */
static const char *const policy_lines[] = {
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef x\n",
	"/locked\n",
	"/\n",
	"locked_keys\n",
};

/*
 * Runs first, before anything locks: write sessions and sysctl files
 * opened while bulwark is unlocked must not change anything once it is
 * locked.  This fixture locks.
 */
FIXTURE(before_lock)
{
	int fd[ARRAY_SIZE(policy_files)];
	int knob_fd[KNOB_COUNT];
	char text[ARRAY_SIZE(policy_files)][4096];
	unsigned long long value[KNOB_COUNT];
};

FIXTURE_SETUP(before_lock)
{
	const char *why = module_unavailable(false);
	char path[PATH_MAX];
	unsigned int i;

	memset(self->fd, -1, sizeof(self->fd));
	memset(self->knob_fd, -1, sizeof(self->knob_fd));
	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	if (get_knob(_metadata, knobs[KNOB_LOCKED].name))
		SKIP(return, "bulwark is already locked");
	for (i = 0; i < ARRAY_SIZE(policy_files); i++) {
		ASSERT_LE(0, read_file(policy_files[i], self->text[i],
				       sizeof(self->text[i])));
		self->fd[i] = open(policy_files[i], O_WRONLY | O_CLOEXEC);
		ASSERT_LE(0, self->fd[i]);
	}
	for (i = 0; i < KNOB_COUNT; i++) {
		knob_path(path, sizeof(path), knobs[i].name);
		self->knob_fd[i] = open(path, O_WRONLY | O_CLOEXEC);
		ASSERT_LE(0, self->knob_fd[i]);
	}
	set_knob(_metadata, knobs[KNOB_LOCKED].name, 1);
	for (i = 0; i < KNOB_COUNT; i++)
		self->value[i] = get_knob(_metadata, knobs[i].name);
}

FIXTURE_TEARDOWN(before_lock)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(policy_files); i++)
		if (self->fd[i] >= 0)
			close(self->fd[i]);
	for (i = 0; i < KNOB_COUNT; i++)
		if (self->knob_fd[i] >= 0)
			close(self->knob_fd[i]);
}

/*
 * A session opened before the lock: every write() after it fails with
 * EPERM, as SPEC wants, and its close changes nothing.
 */
TEST_F(before_lock, sessions_opened_before)
{
	char now[4096];
	unsigned int i;
	ssize_t n;

	for (i = 0; i < ARRAY_SIZE(policy_files); i++) {
		const size_t len = strlen(policy_lines[i]);

		n = write(self->fd[i], policy_lines[i], len);
		EXPECT_EQ(-1, n)
		{
			TH_LOG("%s: a session opened before the lock took a write",
			       policy_files[i]);
		}
		EXPECT_EQ(EPERM, errno);
		close(self->fd[i]);
		self->fd[i] = -1;
		ASSERT_LE(0, read_file(policy_files[i], now, sizeof(now)));
		EXPECT_STREQ(self->text[i], now);
	}
	for (i = 0; i < KNOB_COUNT; i++) {
		EXPECT_EQ(-1, write(self->knob_fd[i], "0\n", 2));
		EXPECT_EQ(EPERM, errno)
		{
			TH_LOG("%s: %s", knobs[i].name, strerror(errno));
		}
		EXPECT_EQ(self->value[i], get_knob(_metadata, knobs[i].name));
	}
}

FIXTURE(locked)
{
	unsigned long long value[KNOB_COUNT];
};

FIXTURE_SETUP(locked)
{
	const char *why = module_unavailable(false);
	int i;

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	if (get_knob(_metadata, knobs[KNOB_LOCKED].name) == 0)
		set_knob(_metadata, knobs[KNOB_LOCKED].name, 1);
	for (i = 0; i < KNOB_COUNT; i++)
		self->value[i] = get_knob(_metadata, knobs[i].name);
	ASSERT_EQ(1ULL, self->value[KNOB_LOCKED]);
}

FIXTURE_TEARDOWN_PARENT(locked)
{
}

/* Writes @str to @k: EPERM, and the value stays. */
static void assert_denied(struct __test_metadata *const _metadata,
			  const struct knob *const k,
			  const unsigned long long value, const char *str)
{
	ASSERT_EQ(-1, write_knob(k->name, str))
	{
		TH_LOG("locked, %s accepted \"%s\"", k->name, str);
	}
	ASSERT_EQ(EPERM, errno)
	{
		TH_LOG("writing \"%s\" to %s", str, k->name);
	}
	ASSERT_EQ(value, get_knob(_metadata, k->name));
}

TEST_F(locked, writes_denied)
{
	char buf[32];
	int i;

	for (i = 0; i < KNOB_COUNT; i++) {
		const struct knob *const k = &knobs[i];
		const unsigned long long values[] = {
			0, 1, k->def, k->max, self->value[i],
		};
		unsigned int j;

		for (j = 0; j < ARRAY_SIZE(values); j++) {
			u64_line(buf, sizeof(buf), values[j]);
			assert_denied(_metadata, k, self->value[i], buf);
		}
		/* Invalid input too: the lock is checked first. */
		assert_denied(_metadata, k, self->value[i], "abc\n");
		u64_line(buf, sizeof(buf), k->max + 1);
		assert_denied(_metadata, k, self->value[i], buf);
	}
}

TEST_F(locked, unlock_denied)
{
	assert_denied(_metadata, &knobs[KNOB_LOCKED], 1, "0\n");
	assert_denied(_metadata, &knobs[KNOB_LOCKED], 1, "0");
}

TEST_F(locked, relock_denied)
{
	assert_denied(_metadata, &knobs[KNOB_LOCKED], 1, "1\n");
}

/* In a child: delete_module as rmmod calls it; 0 or errno. */
static int try_unload(void *arg)
{
	(void)arg;
	return sys_delete_module(MODULE_NAME, O_NONBLOCK) ? errno : 0;
}

TEST_F(locked, unload_denied)
{
	/*
	 * Nor from a pid namespace, with every capability: the escape rule
	 * refuses it first when it enforces and the namespace contains
	 * (scope 1 or more), the lock otherwise.
	 */
	const bool escape = self->value[KNOB_ESCAPE_MODE] == 2 &&
			    self->value[KNOB_SCOPE] >= 1;

	EXPECT_EQ(escape ? EPERM : EWOULDBLOCK,
		  run_in_context(CTX_PIDNS, try_unload, NULL));
	ASSERT_TRUE(module_loaded());

	/* rmmod's flags, then none: both refuse (EAGAIN == EWOULDBLOCK). */
	ASSERT_EQ(-1, sys_delete_module(MODULE_NAME, O_NONBLOCK));
	ASSERT_EQ(EWOULDBLOCK, errno);
	ASSERT_TRUE(module_loaded());
	ASSERT_EQ(-1, sys_delete_module(MODULE_NAME, 0));
	ASSERT_EQ(EWOULDBLOCK, errno);
	ASSERT_TRUE(module_loaded());
	ASSERT_EQ(1ULL, get_knob(_metadata, knobs[KNOB_LOCKED].name));
}

/*
 * Nor by force (rmmod -f: O_TRUNC), which would skip the reference the
 * lock holds on kernels built with MODULE_FORCE_UNLOAD.  While locked,
 * the host's forced unloads of any module are refused, as the name is
 * read again after bulwark's check: a module that is not loaded gets
 * EPERM, not ENOENT.
 */
TEST_F(locked, forced_unload_denied)
{
	static const unsigned int flags[] = {
		O_NONBLOCK | O_TRUNC,
		O_TRUNC,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		ASSERT_EQ(-1, sys_delete_module(MODULE_NAME, flags[i]))
		{
			TH_LOG("forced unload with flags %#x", flags[i]);
		}
		ASSERT_EQ(EPERM, errno)
		{
			TH_LOG("forced unload with flags %#x: %s", flags[i],
			       strerror(errno));
		}
		ASSERT_TRUE(module_loaded());
	}
	ASSERT_EQ(-1, sys_delete_module("bulwark_no_such_module",
					O_NONBLOCK | O_TRUNC));
	ASSERT_EQ(EPERM, errno);
	/* Without force, the kernel's own answer. */
	ASSERT_EQ(-1, sys_delete_module("bulwark_no_such_module",
					O_NONBLOCK));
	ASSERT_EQ(ENOENT, errno);
	ASSERT_EQ(1ULL, get_knob(_metadata, knobs[KNOB_LOCKED].name));
}

TEST_F(locked, reads_allowed)
{
	static const enum context contexts[] = {
		CTX_HOST, CTX_PIDNS, CTX_USERNS, CTX_NO_SYS_ADMIN, CTX_UNPRIV,
	};
	const struct access_report *r;
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(contexts); i++) {
		r = run_access(_metadata, contexts[i], NULL);
		if (!r)
			return;
		for (j = 0; j < KNOB_COUNT; j++) {
			EXPECT_EQ(0, r->knob[j].read_ret)
			{
				TH_LOG("%s: reading %s: %s",
				       context_name(contexts[i]), knobs[j].name,
				       strerror(r->knob[j].read_errno));
			}
			EXPECT_EQ(self->value[j], r->knob[j].value);
		}
	}
}

TEST_F(locked, contained_writes_denied)
{
	static const enum context contexts[] = {
		CTX_PIDNS, CTX_USERNS, CTX_USERNS_PIDNS, CTX_NO_SYS_ADMIN,
	};
	unsigned long long attempt[KNOB_COUNT];
	const struct access_report *r;
	unsigned int i, j;

	/* Any valid change; "locked" gets 0. */
	for (j = 0; j < KNOB_COUNT; j++)
		attempt[j] = self->value[j] ? 0 : 1;
	for (i = 0; i < ARRAY_SIZE(contexts); i++) {
		r = run_access(_metadata, contexts[i], attempt);
		if (!r)
			return;
		for (j = 0; j < KNOB_COUNT; j++) {
			EXPECT_EQ(-1, r->knob[j].write_ret);
			EXPECT_EQ(EPERM, r->knob[j].write_errno)
			{
				TH_LOG("%s: writing %s",
				       context_name(contexts[i]), knobs[j].name);
			}
			EXPECT_EQ(self->value[j],
				  get_knob(_metadata, knobs[j].name));
		}
	}
}

/* The host keys lists: root may read them, nobody may open them to write. */
TEST_F(locked, keys_lists_read_only)
{
	static const char *const files[] = {
		SECURITYFS_DIR "/keys_dirs", SECURITYFS_DIR "/keys_names",
	};
	char before[4096], after[4096];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		ASSERT_LE(0, read_file(files[i], before, sizeof(before)));
		EXPECT_EQ(-1, write_file(files[i], O_TRUNC, "/\n", 2));
		EXPECT_EQ(EPERM, errno)
		{
			TH_LOG("%s: %s", files[i], strerror(errno));
		}
		EXPECT_EQ(-1, write_file(files[i], O_APPEND, "/\n", 2));
		EXPECT_EQ(EPERM, errno);
		ASSERT_LE(0, read_file(files[i], after, sizeof(after)));
		EXPECT_STREQ(before, after);
	}
}

/* Every securityfs file, every way of opening it to write: EPERM. */
TEST_F(locked, policy_files_read_only)
{
	static const int flags[] = { 0, O_TRUNC, O_APPEND, O_TRUNC | O_APPEND };
	char before[4096], after[4096];
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(policy_files); i++) {
		const char *f = policy_files[i];

		ASSERT_LE(0, read_file(f, before, sizeof(before)));
		for (j = 0; j < ARRAY_SIZE(flags); j++) {
			EXPECT_EQ(-1, write_file(f, flags[j], policy_lines[i],
						 strlen(policy_lines[i])));
			EXPECT_EQ(EPERM, errno)
			{
				TH_LOG("%s, flags %#x: %s", f, flags[j],
				       strerror(errno));
			}
			/* A session that writes nothing. */
			EXPECT_EQ(-1, write_file(f, flags[j], "", 0));
			EXPECT_EQ(EPERM, errno);
		}
		ASSERT_LE(0, read_file(f, after, sizeof(after)));
		EXPECT_STREQ(before, after);
	}
}

/* In a child: opens each securityfs file to write; the first errno. */
static int open_policy_files(void *arg)
{
	unsigned int i;
	int fd;

	(void)arg;
	for (i = 0; i < ARRAY_SIZE(policy_files); i++) {
		fd = open(policy_files[i], O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			return 100 + i;
		}
		if (errno != EPERM)
			return errno;
	}
	return EPERM;
}

TEST_F(locked, contained_policy_writes_denied)
{
	static const enum context contexts[] = { CTX_HOST, CTX_PIDNS };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(contexts); i++)
		EXPECT_EQ(EPERM,
			  run_in_context(contexts[i], open_policy_files, NULL))
		{
			TH_LOG("%s", context_name(contexts[i]));
		}
}

/*
 * Nor may the host's root change the files' modes or owners once
 * locked (see fs.c).
 */
TEST_F(locked, policy_file_modes_kept)
{
	struct stat st;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(policy_files); i++) {
		const char *f = policy_files[i];

		ASSERT_EQ(0, stat(f, &st));
		ASSERT_EQ(0600U, st.st_mode & 07777);
		ret = chmod(f, 0666);
		EXPECT_EQ(-1, ret)
		{
			TH_LOG("%s: chmod 0666 accepted while locked", f);
		}
		EXPECT_EQ(EPERM, errno);
		if (!ret)
			chmod(f, 0600);
	}
}

TEST_HARNESS_MAIN
