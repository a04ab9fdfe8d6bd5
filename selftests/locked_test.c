// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark tests - "locked"
 *
 * SPEC "sysctl": writing 1 to locked is one-way until reboot; afterwards
 * every write to the sysctls fails with EPERM and the module cannot be
 * unloaded.
 *
 * This leaves the machine locked: run it last in a boot, alone.
 */

#include "common.h"

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

TEST_F(locked, unload_denied)
{
	/* rmmod's flags, then none: both refuse (EAGAIN == EWOULDBLOCK). */
	ASSERT_EQ(-1, sys_delete_module(MODULE_NAME, O_NONBLOCK));
	ASSERT_EQ(EWOULDBLOCK, errno);
	ASSERT_TRUE(module_loaded());
	ASSERT_EQ(-1, sys_delete_module(MODULE_NAME, 0));
	ASSERT_EQ(EWOULDBLOCK, errno);
	ASSERT_TRUE(module_loaded());
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

TEST_HARNESS_MAIN
