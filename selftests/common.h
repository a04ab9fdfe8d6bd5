/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bulwark selftests - shared helpers
 *
 * Every test runs as root in a throw-away VM where bulwark.ko may be loaded
 * and unloaded at will (except after "locked", see locked_test.c).  The
 * environment variable BULWARK_KO names the module file; tests that need to
 * (re)load the module skip without it.
 *
 * Helpers that take _metadata may ASSERT and must only be called from the
 * test process itself.  The others return -1 and set errno, so they are also
 * safe in the children started by spawn_in_context(): an ASSERT in such a
 * child would jump back into the harness and run the fixture teardown there.
 */

#ifndef BULWARK_SELFTESTS_COMMON_H
#define BULWARK_SELFTESTS_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

/*
 * kselftest_harness.h is not -Wextra clean (upstream builds it with -Wall
 * only): __timeout_handler() and the wrappers that TEST() expands to ignore
 * a parameter, and the TEST_F() wrapper keeps "child" across setjmp()
 * (-Wclobbered).  That clobbering is real at -O2: after a failed ASSERT, the
 * test process may take the parent's path, and FIXTURE_TEARDOWN() then does
 * not run.  Every fixture here uses FIXTURE_TEARDOWN_PARENT(), which runs in
 * either case, in whichever process gets there first: teardowns must work
 * from both.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wclobbered"
#endif
#include "kselftest_harness.h"

#ifndef __maybe_unused
#define __maybe_unused __attribute__((__unused__))
#endif

#define MODULE_NAME "bulwark"
#define MODULE_DIR "/sys/module/" MODULE_NAME
#define PARAMS_DIR MODULE_DIR "/parameters"
#define SYSCTL_DIR "/proc/sys/kernel/" MODULE_NAME
#define SYSFS_DIR "/sys/kernel/" MODULE_NAME
#define SECURITYFS_DIR "/sys/kernel/security/" MODULE_NAME

/* Name of the helper program built next to the tests (see true.c). */
#define HELPER_NAME "true"

/* Per-test timeout, in seconds, for tests that load or unload the module. */
#define MODULE_TIMEOUT 180

/* Exit code of a context child whose namespace or credential setup failed. */
#define CTX_SETUP_FAILED 125

/* An unprivileged identity for the "reads are allowed to all" checks. */
#define NOBODY_ID 65534

/* The knobs of SPEC "sysctl": /proc/sys/kernel/bulwark/<name>. */
struct knob {
	const char *name;
	unsigned long long max;
	unsigned long long def;
};

enum knob_index {
	KNOB_MINER_MODE,
	KNOB_KEYS_MODE,
	KNOB_SCOPE,
	KNOB_HASH_MAX_BYTES,
	KNOB_LOCKED,
	KNOB_COUNT,
};

static const struct knob knobs[KNOB_COUNT] __maybe_unused = {
	[KNOB_MINER_MODE] = { "miner_mode", 2, 2 },
	[KNOB_KEYS_MODE] = { "keys_mode", 2, 2 },
	[KNOB_SCOPE] = { "scope", 2, 1 },
	[KNOB_HASH_MAX_BYTES] = { "hash_max_bytes", 1ULL << 40, 128ULL << 20 },
	[KNOB_LOCKED] = { "locked", 1, 0 },
};

/* --- Plain helpers: no harness state, errno on failure. --- */

static inline int sys_finit_module(int fd, const char *params, int flags)
{
	return syscall(__NR_finit_module, fd, params, flags);
}

static inline int sys_delete_module(const char *name, unsigned int flags)
{
	return syscall(__NR_delete_module, name, flags);
}

/* Opens @path with @flags, writes @len bytes; returns write()'s result. */
static ssize_t __maybe_unused write_file(const char *path, int flags,
					 const void *buf, size_t len)
{
	ssize_t ret;
	int fd, err;

	fd = open(path, flags | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	ret = write(fd, buf, len);
	err = errno;
	close(fd);
	errno = err;
	return ret;
}

/* Reads up to @size - 1 bytes of @path into @buf, NUL-terminated. */
static ssize_t __maybe_unused read_file(const char *path, char *buf,
					size_t size)
{
	ssize_t ret;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = read(fd, buf, size - 1);
	err = errno;
	close(fd);
	buf[ret < 0 ? 0 : ret] = '\0';
	errno = err;
	return ret;
}

/*
 * Parses the exact form "<decimal>\n" that sysfs_emit("%llu\n") and the
 * proc_do*vec handlers print: no sign, no leading zero, no overflow.
 * Returns 0, or -1 with errno EBADMSG when @str has any other form.
 */
static int __maybe_unused parse_u64_line(const char *str,
					 unsigned long long *val)
{
	size_t digits = strspn(str, "0123456789");
	char *end;

	if (!digits || digits > 20 || strcmp(str + digits, "\n") ||
	    (str[0] == '0' && digits > 1))
		goto bad;
	errno = 0;
	*val = strtoull(str, &end, 10);
	if (errno || end != str + digits)
		goto bad;
	return 0;
bad:
	errno = EBADMSG;
	return -1;
}

/* Reads a file holding one "<decimal>\n"; -1 with errno on failure. */
static int __maybe_unused read_u64_file(const char *path,
					unsigned long long *val)
{
	char buf[64];

	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	return parse_u64_line(buf, val);
}

static void knob_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, SYSCTL_DIR "/%s", name);
}

static int __maybe_unused read_knob(const char *name, unsigned long long *val)
{
	char path[PATH_MAX];

	knob_path(path, sizeof(path), name);
	return read_u64_file(path, val);
}

/* One write() of @len bytes of @buf; returns its result. */
static ssize_t __maybe_unused write_knob_buf(const char *name,
					     const void *buf, size_t len)
{
	char path[PATH_MAX];

	knob_path(path, sizeof(path), name);
	return write_file(path, 0, buf, len);
}

static ssize_t __maybe_unused write_knob(const char *name, const char *str)
{
	return write_knob_buf(name, str, strlen(str));
}

/* The text "<val>\n" that write_knob_u64() writes, for length checks. */
static size_t u64_line(char *buf, size_t size, unsigned long long val)
{
	return snprintf(buf, size, "%llu\n", val);
}

static ssize_t __maybe_unused write_knob_u64(const char *name,
					     unsigned long long val)
{
	char buf[32];

	return write_knob_buf(name, buf, u64_line(buf, sizeof(buf), val));
}

static bool __maybe_unused module_loaded(void)
{
	return access(MODULE_DIR, F_OK) == 0;
}

/* finit_module() of $BULWARK_KO with @params; -1 with errno on failure. */
static int __maybe_unused load_module(const char *params)
{
	const char *path = getenv("BULWARK_KO");
	int fd, ret, err;

	if (!path || !*path) {
		errno = ENOENT;
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = sys_finit_module(fd, params ? params : "", 0);
	err = errno;
	close(fd);
	errno = err;
	return ret;
}

static int __maybe_unused unload_module(void)
{
	return sys_delete_module(MODULE_NAME, O_NONBLOCK);
}

/*
 * Returns why the module cannot be tested, or NULL.  With @need_ko, the test
 * also (re)loads the module, so BULWARK_KO must name a readable file.
 */
static __maybe_unused const char *module_unavailable(bool need_ko)
{
	const char *path = getenv("BULWARK_KO");

	if (geteuid() != 0)
		return "must run as root";
	if ((need_ko || !module_loaded()) &&
	    (!path || access(path, R_OK) != 0))
		return module_loaded() ?
			       "BULWARK_KO does not name a readable bulwark.ko" :
			       "bulwark is not loaded and BULWARK_KO does not name a readable bulwark.ko";
	return NULL;
}

/* Path of the helper program that sits next to the running test binary. */
static int __maybe_unused helper_path(char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t len;
	char *slash;

	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0)
		return -1;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	if (!slash) {
		errno = EINVAL;
		return -1;
	}
	*slash = '\0';
	if ((size_t)snprintf(buf, size, "%s/" HELPER_NAME, exe) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Anonymous memory shared with the children forked afterwards. */
static __maybe_unused void *shared_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* --- Contexts: who runs an operation. --- */

enum context {
	/* A plain child of the test: host root with every capability. */
	CTX_HOST,
	/* Pid 1 of a new pid namespace, still root in the initial userns. */
	CTX_PIDNS,
	/* A new user namespace where uid 0 and gid 0 map to 0 and 0. */
	CTX_USERNS,
	/* Both: pid 1 of a pid namespace owned by a new user namespace. */
	CTX_USERNS_PIDNS,
	/* Host uid 0 without CAP_SYS_ADMIN (nor a way to get it back). */
	CTX_NO_SYS_ADMIN,
	/* uid and gid NOBODY_ID, no capabilities. */
	CTX_UNPRIV,
};

static __maybe_unused const char *context_name(enum context ctx)
{
	switch (ctx) {
	case CTX_HOST:
		return "host";
	case CTX_PIDNS:
		return "pid namespace";
	case CTX_USERNS:
		return "user namespace";
	case CTX_USERNS_PIDNS:
		return "user and pid namespaces";
	case CTX_NO_SYS_ADMIN:
		return "uid 0 without CAP_SYS_ADMIN";
	case CTX_UNPRIV:
		return "unprivileged user";
	}
	return "?";
}

static int enter_userns(void)
{
	if (unshare(CLONE_NEWUSER))
		return -1;
	/* Without CAP_SETGID in the parent, gid_map needs setgroups denied. */
	if (write_file("/proc/self/setgroups", 0, "deny", 4) != 4 ||
	    write_file("/proc/self/gid_map", 0, "0 0 1", 5) != 5 ||
	    write_file("/proc/self/uid_map", 0, "0 0 1", 5) != 5)
		return -1;
	return 0;
}

/* Removes @cap from the bounding, inheritable, permitted, effective sets. */
static int drop_capability(unsigned int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	const unsigned int i = CAP_TO_INDEX(cap);

	if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
		return -1;
	if (syscall(__NR_capget, &hdr, data))
		return -1;
	data[i].effective &= ~CAP_TO_MASK(cap);
	data[i].permitted &= ~CAP_TO_MASK(cap);
	data[i].inheritable &= ~CAP_TO_MASK(cap);
	return syscall(__NR_capset, &hdr, data);
}

/* Changing every uid from 0 to non-zero clears all capability sets. */
static int become_unprivileged(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY_ID, NOBODY_ID, NOBODY_ID) ||
	    setresuid(NOBODY_ID, NOBODY_ID, NOBODY_ID))
		return -1;
	return 0;
}

static int wait_status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

/* Forks, then runs @fn in a new pid namespace, as its pid 1. */
static void __attribute__((noreturn))
run_as_pid1(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	if (unshare(CLONE_NEWPID))
		_exit(CTX_SETUP_FAILED);
	pid = fork();
	if (pid < 0)
		_exit(CTX_SETUP_FAILED);
	if (pid == 0) {
		/* Dies with the intermediate process, e.g. on teardown. */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid)
		_exit(CTX_SETUP_FAILED);
	_exit(wait_status_code(status));
}

/*
 * Starts @fn(@arg) in a child process that first enters @ctx.  The child's
 * exit code is @fn's return value, or CTX_SETUP_FAILED when entering @ctx
 * failed.  Returns the pid for wait_context(), or -1.
 */
static pid_t __maybe_unused spawn_in_context(enum context ctx,
					     int (*fn)(void *), void *arg)
{
	pid_t pid;
	int ret = 0;

	fflush(NULL);
	pid = fork();
	if (pid != 0)
		return pid;

	switch (ctx) {
	case CTX_HOST:
		break;
	case CTX_PIDNS:
		run_as_pid1(fn, arg);
	case CTX_USERNS:
		ret = enter_userns();
		break;
	case CTX_USERNS_PIDNS:
		if (enter_userns())
			_exit(CTX_SETUP_FAILED);
		run_as_pid1(fn, arg);
	case CTX_NO_SYS_ADMIN:
		ret = drop_capability(CAP_SYS_ADMIN);
		break;
	case CTX_UNPRIV:
		ret = become_unprivileged();
		break;
	}
	if (ret)
		_exit(CTX_SETUP_FAILED);
	_exit(fn(arg));
}

/* Waits for a spawn_in_context() child: its exit code, 128 + signal, or -1. */
static int __maybe_unused wait_context(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return wait_status_code(status);
}

static int __maybe_unused run_in_context(enum context ctx, int (*fn)(void *),
					 void *arg)
{
	return wait_context(spawn_in_context(ctx, fn, arg));
}

/* Runs @path with no arguments in a child; its exit code, 128 + signal, or -1. */
static int __maybe_unused run_program(const char *path)
{
	char *const argv[] = { (char *)path, NULL };
	char *const envp[] = { NULL };
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		execve(path, argv, envp);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return wait_status_code(status);
}

/* --- Harness helpers: call them from the test process only. --- */

static unsigned long long __maybe_unused
get_knob(struct __test_metadata *const _metadata, const char *name)
{
	unsigned long long val = 0;

	ASSERT_EQ(0, read_knob(name, &val))
	{
		TH_LOG("Failed to read %s/%s: %s", SYSCTL_DIR, name,
		       strerror(errno));
	}
	return val;
}

static void __maybe_unused set_knob(struct __test_metadata *const _metadata,
				    const char *name, unsigned long long val)
{
	char buf[32];
	const ssize_t len = u64_line(buf, sizeof(buf), val);

	ASSERT_EQ(len, write_knob_buf(name, buf, len))
	{
		TH_LOG("Failed to write %llu to %s/%s: %s", val, SYSCTL_DIR,
		       name, strerror(errno));
	}
	ASSERT_EQ(val, get_knob(_metadata, name));
}

/* Loads the module (with default values) if it is not loaded. */
static void __maybe_unused ensure_loaded(struct __test_metadata *const _metadata)
{
	if (module_loaded())
		return;
	ASSERT_EQ(0, load_module(""))
	{
		TH_LOG("Failed to load %s: %s", getenv("BULWARK_KO"),
		       strerror(errno));
	}
}

/* Unloads the module if loaded, then loads it with @params. */
static void __maybe_unused reload_module(struct __test_metadata *const _metadata,
					 const char *params)
{
	if (module_loaded()) {
		ASSERT_EQ(0, unload_module())
		{
			TH_LOG("Failed to unload %s: %s", MODULE_NAME,
			       strerror(errno));
		}
	}
	ASSERT_EQ(0, load_module(params))
	{
		TH_LOG("Failed to load %s with \"%s\": %s",
		       getenv("BULWARK_KO"), params, strerror(errno));
	}
}

/*
 * For teardowns: leaves the module loaded with its default values, as the
 * next test expects.  Never ASSERTs, so that it is safe in any teardown.
 */
static void __maybe_unused restore_module(struct __test_metadata *const _metadata)
{
	if (module_loaded()) {
		EXPECT_EQ(0, unload_module())
		{
			TH_LOG("Failed to unload %s: %s", MODULE_NAME,
			       strerror(errno));
			return;
		}
	}
	EXPECT_EQ(0, load_module(""))
	{
		TH_LOG("Failed to reload %s: %s", getenv("BULWARK_KO"),
		       strerror(errno));
	}
}

/* What a context child did with the knobs, in memory shared with the test. */
struct access_report {
	bool write;
	unsigned long long attempt[KNOB_COUNT];
	struct {
		ssize_t write_ret;
		int write_errno;
		int read_ret;
		int read_errno;
		unsigned long long value;
	} knob[KNOB_COUNT];
};

/* In the child: writes each knob if asked to, then reads it. */
static int access_knobs(void *arg)
{
	struct access_report *const r = arg;
	int i;

	for (i = 0; i < KNOB_COUNT; i++) {
		if (r->write) {
			errno = 0;
			r->knob[i].write_ret =
				write_knob_u64(knobs[i].name, r->attempt[i]);
			r->knob[i].write_errno = errno;
		}
		errno = 0;
		r->knob[i].read_ret =
			read_knob(knobs[i].name, &r->knob[i].value);
		r->knob[i].read_errno = errno;
	}
	return 0;
}

/*
 * Has a child in @ctx write @attempt[i] to each knob (or only read them when
 * @attempt is NULL).  Returns the report, or NULL after SKIP() when @ctx
 * cannot be entered.
 */
static __maybe_unused struct access_report *
run_access(struct __test_metadata *const _metadata, const enum context ctx,
	   const unsigned long long *attempt)
{
	struct access_report *r = shared_alloc(sizeof(*r));
	int ret;

	ASSERT_NE(NULL, r);
	if (attempt) {
		r->write = true;
		memcpy(r->attempt, attempt, sizeof(r->attempt));
	}
	ret = run_in_context(ctx, access_knobs, r);
	if (ret == CTX_SETUP_FAILED)
		SKIP(return NULL, "cannot enter the %s context",
		     context_name(ctx));
	ASSERT_EQ(0, ret);
	return r;
}

/*
 * A sysfs file without write bits: kernfs refuses to open it for writing,
 * even to root (CAP_DAC_OVERRIDE does not help).
 */
static void __maybe_unused assert_read_only(struct __test_metadata *const _metadata,
					    const char *path)
{
	struct stat st;

	ASSERT_EQ(0, stat(path, &st))
	{
		TH_LOG("%s: %s", path, strerror(errno));
	}
	ASSERT_TRUE(S_ISREG(st.st_mode));
	ASSERT_EQ(0U, st.st_mode & 0222)
	{
		TH_LOG("%s has mode %o", path, st.st_mode & 07777);
	}
	ASSERT_EQ(-1, open(path, O_WRONLY | O_CLOEXEC));
	ASSERT_EQ(EACCES, errno);
	ASSERT_EQ(-1, open(path, O_RDWR | O_CLOEXEC));
	ASSERT_EQ(EACCES, errno);
}

/*
 * Moves the test into a private mount namespace and mounts a fresh tmpfs on
 * a new directory, whose path is written to @dir (at least PATH_MAX bytes).
 * The mount disappears with the namespace; cleanup_tmpfs() removes the
 * directory.
 */
static void __maybe_unused prepare_tmpfs(struct __test_metadata *const _metadata,
					 char *dir)
{
	strcpy(dir, "/tmp/bulwark-selftest.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(dir))
	{
		TH_LOG("Failed to create %s: %s", dir, strerror(errno));
	}
	ASSERT_EQ(0, unshare(CLONE_NEWNS))
	{
		rmdir(dir);
	}
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
	{
		rmdir(dir);
	}
	ASSERT_EQ(0, mount("tmpfs", dir, "tmpfs", 0, "size=64m,mode=0755"))
	{
		TH_LOG("Failed to mount a tmpfs on %s: %s", dir,
		       strerror(errno));
		rmdir(dir);
	}
}

/*
 * From the test process, unmounts then removes the directory; from the
 * harness's parent process, the mount was never visible: only removes it.
 */
static void __maybe_unused cleanup_tmpfs(struct __test_metadata *const _metadata,
					 const char *dir)
{
	if (!dir[0])
		return;
	umount2(dir, MNT_DETACH);
	EXPECT_EQ(0, rmdir(dir))
	{
		TH_LOG("Failed to remove %s: %s", dir, strerror(errno));
	}
}

#endif /* BULWARK_SELFTESTS_COMMON_H */
