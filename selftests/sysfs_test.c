// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark tests - sysfs and securityfs files
 *
 * SPEC "sysfs": /sys/kernel/bulwark/version and counters/<name>, one
 * unsigned 64-bit decimal per file; SPEC "securityfs": the directory
 * /sys/kernel/security/bulwark/.
 */

#include <dirent.h>
#include <linux/magic.h>
#include <sys/vfs.h>

#include "common.h"

#define COUNTERS_DIR SYSFS_DIR "/counters"

static const char *const counter_names[] = {
	"exec_checked",	   "exec_hashed",     "exec_hash_bytes",
	"exec_cache_hits", "exec_blocked",    "exec_audited",
	"exec_skipped",	   "keys_blocked",    "keys_audited",
	"persist_blocked", "persist_audited", "escape_blocked",
	"escape_audited",  "policy_loads",    "policy_rejects",
	"blocklist_entries",
};

static void counter_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, COUNTERS_DIR "/%s", name);
}

static void assert_directory(struct __test_metadata *const _metadata,
			     const char *path)
{
	struct stat st;

	ASSERT_EQ(0, stat(path, &st))
	{
		TH_LOG("%s: %s", path, strerror(errno));
	}
	ASSERT_TRUE(S_ISDIR(st.st_mode));
}

static unsigned long long read_counter(struct __test_metadata *const _metadata,
				       const char *name)
{
	char path[PATH_MAX], buf[64];
	unsigned long long val = 0;

	counter_path(path, sizeof(path), name);
	ASSERT_LE(0, read_file(path, buf, sizeof(buf)))
	{
		TH_LOG("%s: %s", path, strerror(errno));
	}
	ASSERT_EQ(0, parse_u64_line(buf, &val))
	{
		TH_LOG("%s holds \"%s\", not \"<u64>\\n\"", path, buf);
	}
	return val;
}

/* clang-format off */
FIXTURE(sysfs) {};
/* clang-format on */

FIXTURE_SETUP(sysfs)
{
	const char *why = module_unavailable(false);

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
}

FIXTURE_TEARDOWN_PARENT(sysfs)
{
}

TEST_F(sysfs, directories)
{
	assert_directory(_metadata, SYSFS_DIR);
	assert_directory(_metadata, COUNTERS_DIR);
}

TEST_F(sysfs, version_is_one_line)
{
	char buf[256];
	ssize_t len, i;

	len = read_file(SYSFS_DIR "/version", buf, sizeof(buf));
	ASSERT_LT(1, len)
	{
		TH_LOG("version: %s", len < 0 ? strerror(errno) : "empty");
	}
	/* A short line: the whole file fits in the buffer. */
	ASSERT_GT(sizeof(buf) - 1, (size_t)len);
	ASSERT_EQ('\n', buf[len - 1]);
	for (i = 0; i < len - 1; i++) {
		ASSERT_TRUE(buf[i] > ' ' && buf[i] < 0x7f)
		{
			TH_LOG("version \"%s\" has byte 0x%02x at %zd", buf,
			       (unsigned char)buf[i], i);
		}
	}
}

TEST_F(sysfs, version_read_only)
{
	assert_read_only(_metadata, SYSFS_DIR "/version");
}

TEST_F(sysfs, all_counters_present)
{
	char path[PATH_MAX];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(counter_names); i++) {
		counter_path(path, sizeof(path), counter_names[i]);
		EXPECT_EQ(0, access(path, R_OK))
		{
			TH_LOG("%s: %s", path, strerror(errno));
		}
	}
}

/* Files that later versions add must keep the format too. */
TEST_F(sysfs, every_counter_file_well_formed)
{
	struct dirent *de;
	unsigned int files = 0;
	DIR *dir;

	dir = opendir(COUNTERS_DIR);
	ASSERT_NE(NULL, dir);
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		read_counter(_metadata, de->d_name);
		files++;
	}
	closedir(dir);
	ASSERT_LE(ARRAY_SIZE(counter_names), files);
}

TEST_F(sysfs, securityfs_directory)
{
	struct statfs sfs;

	if (statfs("/sys/kernel/security", &sfs) ||
	    sfs.f_type != SECURITYFS_MAGIC)
		SKIP(return, "securityfs is not mounted on /sys/kernel/security");
	assert_directory(_metadata, SECURITYFS_DIR);
}

/* One counter file at a time. */

/* clang-format off */
FIXTURE(counter) {};
/* clang-format on */

FIXTURE_VARIANT(counter)
{
	const char *name;
	/* A gauge may go down; every other counter is monotonic. */
	bool gauge;
};

#define COUNTER_VARIANT(_name, _gauge)			\
	FIXTURE_VARIANT_ADD(counter, _name) {		\
		.name = #_name,				\
		.gauge = _gauge,			\
	}

/* clang-format off */
COUNTER_VARIANT(exec_checked, false);
COUNTER_VARIANT(exec_hashed, false);
COUNTER_VARIANT(exec_hash_bytes, false);
COUNTER_VARIANT(exec_cache_hits, false);
COUNTER_VARIANT(exec_blocked, false);
COUNTER_VARIANT(exec_audited, false);
COUNTER_VARIANT(exec_skipped, false);
COUNTER_VARIANT(keys_blocked, false);
COUNTER_VARIANT(keys_audited, false);
COUNTER_VARIANT(persist_blocked, false);
COUNTER_VARIANT(persist_audited, false);
COUNTER_VARIANT(escape_blocked, false);
COUNTER_VARIANT(escape_audited, false);
COUNTER_VARIANT(policy_loads, false);
COUNTER_VARIANT(policy_rejects, false);
COUNTER_VARIANT(blocklist_entries, true);
/* clang-format on */

FIXTURE_SETUP(counter)
{
	const char *why = module_unavailable(false);

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
}

FIXTURE_TEARDOWN_PARENT(counter)
{
}

TEST_F(counter, well_formed)
{
	read_counter(_metadata, variant->name);
}

TEST_F(counter, read_only)
{
	char path[PATH_MAX];

	counter_path(path, sizeof(path), variant->name);
	assert_read_only(_metadata, path);
}

/* Runs the helper, which bulwark examines: a contained exec. */
static int exec_helper(void *arg)
{
	return run_program(arg);
}

TEST_F(counter, monotonic)
{
	char helper[PATH_MAX];
	unsigned long long before, after;

	if (variant->gauge)
		SKIP(return, "%s is a gauge", variant->name);
	ASSERT_EQ(0, helper_path(helper, sizeof(helper)));
	before = read_counter(_metadata, variant->name);
	ASSERT_EQ(0, run_in_context(CTX_PIDNS, exec_helper, helper));
	after = read_counter(_metadata, variant->name);
	ASSERT_LE(before, after);
}

TEST_HARNESS_MAIN
