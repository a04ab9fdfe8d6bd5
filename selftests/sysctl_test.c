// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark tests - sysctls and module parameters
 *
 * SPEC "sysctl": /proc/sys/kernel/bulwark/{miner_mode,keys_mode,
 * persist_mode,escape_mode,scope,hash_max_bytes,locked}, their ranges and
 * defaults, who may write them, and the module parameters of the same
 * names.
 *
 * Never writes 1 to "locked" (that is one-way until reboot, see
 * locked_test.c).  Fixtures and variants that could lock the module if it
 * misbehaved come last, so that such a bug shows up as the first failure.
 */

#include "common.h"

/* Module parameters given at load time show up in the sysctls. */

/* clang-format off */
FIXTURE(module_params) {};
/* clang-format on */

FIXTURE_VARIANT(module_params)
{
	const char *params;
	unsigned long long expect[KNOB_COUNT];
};

/* clang-format off */
FIXTURE_VARIANT_ADD(module_params, defaults) {
	/* clang-format on */
	.params = "",
	.expect = {
		[KNOB_MINER_MODE] = 2, [KNOB_KEYS_MODE] = 2,
		[KNOB_PERSIST_MODE] = 2, [KNOB_ESCAPE_MODE] = 2,
		[KNOB_SCOPE] = 1, [KNOB_HASH_MAX_BYTES] = 128ULL << 20,
		[KNOB_LOCKED] = 0,
	},
};

/* clang-format off */
FIXTURE_VARIANT_ADD(module_params, minima) {
	/* clang-format on */
	.params = "miner_mode=0 keys_mode=0 persist_mode=0 escape_mode=0 scope=0 hash_max_bytes=0 locked=0",
	.expect = {
		[KNOB_MINER_MODE] = 0, [KNOB_KEYS_MODE] = 0,
		[KNOB_PERSIST_MODE] = 0, [KNOB_ESCAPE_MODE] = 0,
		[KNOB_SCOPE] = 0, [KNOB_HASH_MAX_BYTES] = 0,
		[KNOB_LOCKED] = 0,
	},
};

/* clang-format off */
FIXTURE_VARIANT_ADD(module_params, maxima) {
	/* clang-format on */
	.params = "miner_mode=2 keys_mode=2 persist_mode=2 escape_mode=2 scope=2 hash_max_bytes=1099511627776",
	.expect = {
		[KNOB_MINER_MODE] = 2, [KNOB_KEYS_MODE] = 2,
		[KNOB_PERSIST_MODE] = 2, [KNOB_ESCAPE_MODE] = 2,
		[KNOB_SCOPE] = 2, [KNOB_HASH_MAX_BYTES] = 1ULL << 40,
		[KNOB_LOCKED] = 0,
	},
};

/* clang-format off */
FIXTURE_VARIANT_ADD(module_params, mixed) {
	/* clang-format on */
	.params = "miner_mode=1 keys_mode=0 persist_mode=1 escape_mode=1 scope=2 hash_max_bytes=4096",
	.expect = {
		[KNOB_MINER_MODE] = 1, [KNOB_KEYS_MODE] = 0,
		[KNOB_PERSIST_MODE] = 1, [KNOB_ESCAPE_MODE] = 1,
		[KNOB_SCOPE] = 2, [KNOB_HASH_MAX_BYTES] = 4096,
		[KNOB_LOCKED] = 0,
	},
};

/* One parameter alone sets its own knob, and only that one. */
/* clang-format off */
FIXTURE_VARIANT_ADD(module_params, escape_mode_alone) {
	/* clang-format on */
	.params = "escape_mode=0",
	.expect = {
		[KNOB_MINER_MODE] = 2, [KNOB_KEYS_MODE] = 2,
		[KNOB_PERSIST_MODE] = 2, [KNOB_ESCAPE_MODE] = 0,
		[KNOB_SCOPE] = 1, [KNOB_HASH_MAX_BYTES] = 128ULL << 20,
		[KNOB_LOCKED] = 0,
	},
};

FIXTURE_SETUP(module_params)
{
	const char *why = module_unavailable(true);

	if (why)
		SKIP(return, "%s", why);
}

FIXTURE_TEARDOWN_PARENT(module_params)
{
	restore_module(_metadata);
}

TEST_F_TIMEOUT(module_params, visible_in_sysctls, MODULE_TIMEOUT)
{
	int i;

	reload_module(_metadata, variant->params);
	for (i = 0; i < KNOB_COUNT; i++) {
		EXPECT_EQ(variant->expect[i], get_knob(_metadata, knobs[i].name))
		{
			TH_LOG("%s after loading with \"%s\"", knobs[i].name,
			       variant->params);
		}
	}
}

/* One knob: its file, default, range and input parsing. */

FIXTURE(knob)
{
	unsigned long long saved;
};

FIXTURE_VARIANT(knob)
{
	enum knob_index index;
	/* A valid value, other than the default where possible. */
	unsigned long long probe;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(knob, miner_mode) {
	/* clang-format on */
	.index = KNOB_MINER_MODE,
	.probe = 1,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(knob, keys_mode) {
	/* clang-format on */
	.index = KNOB_KEYS_MODE,
	.probe = 1,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(knob, persist_mode) {
	/* clang-format on */
	.index = KNOB_PERSIST_MODE,
	.probe = 1,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(knob, escape_mode) {
	/* clang-format on */
	.index = KNOB_ESCAPE_MODE,
	.probe = 1,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(knob, scope) {
	/* clang-format on */
	.index = KNOB_SCOPE,
	.probe = 0,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(knob, hash_max_bytes) {
	/* clang-format on */
	.index = KNOB_HASH_MAX_BYTES,
	.probe = 4096,
};

/* Last: a module that took a bad value as "locked" would stay locked. */
/* clang-format off */
FIXTURE_VARIANT_ADD(knob, locked) {
	/* clang-format on */
	.index = KNOB_LOCKED,
	.probe = 0,
};

FIXTURE_SETUP(knob)
{
	const char *why = module_unavailable(false);

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	self->saved = get_knob(_metadata, knobs[variant->index].name);
}

FIXTURE_TEARDOWN_PARENT(knob)
{
	restore_knob(_metadata, knobs[variant->index].name, self->saved);
}

TEST_F(knob, file_mode)
{
	char path[PATH_MAX];
	struct stat st;

	knob_path(path, sizeof(path), knobs[variant->index].name);
	ASSERT_EQ(0, stat(path, &st));
	ASSERT_TRUE(S_ISREG(st.st_mode));
	ASSERT_EQ(0644U, st.st_mode & 07777);
}

TEST_F_TIMEOUT(knob, default_after_load, MODULE_TIMEOUT)
{
	const struct knob *const k = &knobs[variant->index];
	const char *why = module_unavailable(true);

	if (why)
		SKIP(return, "%s", why);
	reload_module(_metadata, "");
	ASSERT_EQ(k->def, get_knob(_metadata, k->name));
}

TEST_F(knob, accepts_valid_range)
{
	const struct knob *const k = &knobs[variant->index];
	const unsigned long long values[] = {
		0, 1, 2, 4095, 4096, k->def, k->max / 2, k->max - 1, k->max,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		if (values[i] > k->max)
			continue;
		/* Only locked_test.c may lock. */
		if (variant->index == KNOB_LOCKED && values[i] != 0)
			continue;
		set_knob(_metadata, k->name, values[i]);
	}

	/* Without the trailing newline that echo adds. */
	set_knob(_metadata, k->name, variant->probe);
	ASSERT_EQ(1, write_knob(k->name, "0"));
	ASSERT_EQ(0ULL, get_knob(_metadata, k->name));
}

/* Rejects @str with EINVAL and keeps the knob at variant->probe. */
static void assert_rejected(struct __test_metadata *const _metadata,
			    const struct knob *const k,
			    const unsigned long long probe, const char *str,
			    size_t len)
{
	ASSERT_EQ(-1, write_knob_buf(k->name, str, len))
	{
		TH_LOG("%s accepted \"%.40s\"%s", k->name, str,
		       len > 40 ? "..." : "");
	}
	ASSERT_EQ(EINVAL, errno)
	{
		TH_LOG("%s: \"%.40s\"", k->name, str);
	}
	ASSERT_EQ(probe, get_knob(_metadata, k->name));
}

TEST_F(knob, rejects_out_of_range)
{
	const struct knob *const k = &knobs[variant->index];
	/*
	 * Beyond the maximum, and beyond what fits in an int, a long and
	 * 64 bits; 2^32 + max + 1 truncates to 32 bits as max + 1.
	 */
	const unsigned long long values[] = {
		k->max + 1,
		k->max + 2,
		1ULL << 31,
		1ULL << 32,
		(1ULL << 32) + k->max + 1,
		1ULL << 63,
		~0ULL,
	};
	static const char *const strings[] = {
		"-1\n",
		"-2\n",
		"-2147483648\n",
		"18446744073709551616\n",
		"99999999999999999999999\n",
	};
	char buf[32];
	unsigned int i;

	set_knob(_metadata, k->name, variant->probe);
	for (i = 0; i < ARRAY_SIZE(values); i++) {
		if (values[i] <= k->max)
			continue;
		assert_rejected(_metadata, k, variant->probe, buf,
				u64_line(buf, sizeof(buf), values[i]));
	}
	for (i = 0; i < ARRAY_SIZE(strings); i++)
		assert_rejected(_metadata, k, variant->probe, strings[i],
				strlen(strings[i]));
}

TEST_F(knob, rejects_malformed)
{
	const struct knob *const k = &knobs[variant->index];
	/* Nothing here parses as 1, even leniently: "locked" stays safe. */
	static const char *const strings[] = {
		"abc\n", "x2\n", "2x\n", "2.5\n", "2,0\n", "--2\n",
		"\n",	 " \n",	 "\t",	  "two\n",
	};
	const size_t long_len = 2 * getpagesize();
	char *long_str;
	unsigned int i;

	set_knob(_metadata, k->name, variant->probe);
	for (i = 0; i < ARRAY_SIZE(strings); i++)
		assert_rejected(_metadata, k, variant->probe, strings[i],
				strlen(strings[i]));

	/* Very long input: digits, then letters, longer than a page. */
	long_str = malloc(long_len);
	ASSERT_NE(NULL, long_str);
	memset(long_str, '9', long_len);
	assert_rejected(_metadata, k, variant->probe, long_str, 64);
	assert_rejected(_metadata, k, variant->probe, long_str, long_len);
	memset(long_str, 'a', long_len);
	assert_rejected(_metadata, k, variant->probe, long_str, long_len);
	free(long_str);
}

TEST_F(knob, parameter_read_only)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), PARAMS_DIR "/%s",
		 knobs[variant->index].name);
	if (stat(path, &st) && errno == ENOENT)
		SKIP(return, "%.200s is not exposed", path);
	assert_read_only(_metadata, path);
}

/* Who may write: every context here is refused, and may still read. */

FIXTURE(writer)
{
	unsigned long long saved[KNOB_COUNT];
};

FIXTURE_VARIANT(writer)
{
	enum context ctx;
	int write_errno;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(writer, user_namespace) {
	/* clang-format on */
	.ctx = CTX_USERNS,
	.write_errno = EPERM,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(writer, pid_namespace) {
	/* clang-format on */
	.ctx = CTX_PIDNS,
	.write_errno = EPERM,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(writer, user_and_pid_namespaces) {
	/* clang-format on */
	.ctx = CTX_USERNS_PIDNS,
	.write_errno = EPERM,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(writer, no_cap_sys_admin) {
	/* clang-format on */
	.ctx = CTX_NO_SYS_ADMIN,
	.write_errno = EPERM,
};

/* The files' mode 0644 already refuses other users. */
/* clang-format off */
FIXTURE_VARIANT_ADD(writer, unprivileged) {
	/* clang-format on */
	.ctx = CTX_UNPRIV,
	.write_errno = EACCES,
};

FIXTURE_SETUP(writer)
{
	const char *why = module_unavailable(false);
	int i;

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	for (i = 0; i < KNOB_COUNT; i++)
		self->saved[i] = get_knob(_metadata, knobs[i].name);
	/* Namespaces make a task contained with scope >= 1 (SPEC). */
	set_knob(_metadata, knobs[KNOB_SCOPE].name, knobs[KNOB_SCOPE].def);
}

FIXTURE_TEARDOWN_PARENT(writer)
{
	int i;

	for (i = 0; i < KNOB_COUNT; i++) {
		if (i != KNOB_LOCKED)
			EXPECT_LT(0, write_knob_u64(knobs[i].name, self->saved[i]));
	}
}

/* A valid change of each knob; "locked" only ever gets its current 0. */
static void pick_changes(const unsigned long long *saved,
			 unsigned long long *attempt)
{
	int i;

	for (i = 0; i < KNOB_COUNT; i++)
		attempt[i] = (i == KNOB_LOCKED || saved[i]) ? 0 : 1;
}

TEST_F(writer, write_denied)
{
	unsigned long long attempt[KNOB_COUNT];
	const struct access_report *r;
	int i;

	pick_changes(self->saved, attempt);
	r = run_access(_metadata, variant->ctx, attempt);
	if (!r)
		return;
	for (i = 0; i < KNOB_COUNT; i++) {
		const unsigned long long expect =
			i == KNOB_SCOPE ? knobs[KNOB_SCOPE].def : self->saved[i];

		EXPECT_EQ(-1, r->knob[i].write_ret)
		{
			TH_LOG("%s: %s wrote %llu", context_name(variant->ctx),
			       knobs[i].name, r->attempt[i]);
		}
		EXPECT_EQ(variant->write_errno, r->knob[i].write_errno)
		{
			TH_LOG("%s: writing %s", context_name(variant->ctx),
			       knobs[i].name);
		}
		EXPECT_EQ(expect, get_knob(_metadata, knobs[i].name));
	}
}

TEST_F(writer, read_allowed)
{
	const struct access_report *r;
	int i;

	r = run_access(_metadata, variant->ctx, NULL);
	if (!r)
		return;
	for (i = 0; i < KNOB_COUNT; i++) {
		EXPECT_EQ(0, r->knob[i].read_ret)
		{
			TH_LOG("%s: reading %s: %s", context_name(variant->ctx),
			       knobs[i].name, strerror(r->knob[i].read_errno));
		}
		EXPECT_EQ(get_knob(_metadata, knobs[i].name), r->knob[i].value);
	}
}

/* An out-of-range or malformed parameter makes the load fail. */

/* clang-format off */
FIXTURE(bad_module_param) {};
/* clang-format on */

FIXTURE_VARIANT(bad_module_param)
{
	const char *params;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(bad_module_param, miner_mode_3) {
	/* clang-format on */
	.params = "miner_mode=3",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(bad_module_param, keys_mode_3) {
	/* clang-format on */
	.params = "keys_mode=3",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(bad_module_param, persist_mode_3) {
	/* clang-format on */
	.params = "persist_mode=3",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(bad_module_param, persist_mode_negative) {
	/* clang-format on */
	.params = "persist_mode=-1",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(bad_module_param, escape_mode_3) {
	/* clang-format on */
	.params = "escape_mode=3",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(bad_module_param, escape_mode_negative) {
	/* clang-format on */
	.params = "escape_mode=-1",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(bad_module_param, scope_3) {
	/* clang-format on */
	.params = "scope=3",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(bad_module_param, scope_negative) {
	/* clang-format on */
	.params = "scope=-1",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(bad_module_param, miner_mode_word) {
	/* clang-format on */
	.params = "miner_mode=enforce",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(bad_module_param, hash_max_bytes_over_limit) {
	/* clang-format on */
	.params = "hash_max_bytes=1099511627777",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(bad_module_param, hash_max_bytes_overflow) {
	/* clang-format on */
	.params = "hash_max_bytes=18446744073709551616",
};

/* clang-format off */
FIXTURE_VARIANT_ADD(bad_module_param, valid_then_bad) {
	/* clang-format on */
	.params = "miner_mode=1 keys_mode=7",
};

/* Last: a module that accepted it would be locked. */
/* clang-format off */
FIXTURE_VARIANT_ADD(bad_module_param, locked_2) {
	/* clang-format on */
	.params = "locked=2",
};

FIXTURE_SETUP(bad_module_param)
{
	const char *why = module_unavailable(true);

	if (why)
		SKIP(return, "%s", why);
	if (module_loaded())
		ASSERT_EQ(0, unload_module());
}

FIXTURE_TEARDOWN_PARENT(bad_module_param)
{
	restore_module(_metadata);
}

TEST_F_TIMEOUT(bad_module_param, load_fails, MODULE_TIMEOUT)
{
	ASSERT_EQ(-1, load_module(variant->params))
	{
		TH_LOG("loaded with \"%s\"", variant->params);
	}
	ASSERT_EQ(EINVAL, errno);
	ASSERT_FALSE(module_loaded());
}

TEST_HARNESS_MAIN
