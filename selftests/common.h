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
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/loop.h>

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

/* The knobs of SPEC "sysctl": /proc/sys/kernel/bulwark/<name>. */
struct knob {
	const char *name;
	unsigned long long max;
	unsigned long long def;
};

enum knob_index {
	KNOB_MINER_MODE,
	KNOB_KEYS_MODE,
	KNOB_PERSIST_MODE,
	KNOB_ESCAPE_MODE,
	KNOB_SCOPE,
	KNOB_HASH_MAX_BYTES,
	KNOB_LOCKED,
	KNOB_COUNT,
};

static const struct knob knobs[KNOB_COUNT] __maybe_unused = {
	[KNOB_MINER_MODE] = { "miner_mode", 2, 2 },
	[KNOB_KEYS_MODE] = { "keys_mode", 2, 2 },
	[KNOB_PERSIST_MODE] = { "persist_mode", 2, 2 },
	[KNOB_ESCAPE_MODE] = { "escape_mode", 2, 2 },
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

/* A counter's value; a failed read fails the test (and gives 0). */
static unsigned long long __maybe_unused
counter(struct __test_metadata *const _metadata, const char *path)
{
	unsigned long long v = 0;

	EXPECT_EQ(0, read_u64_file(path, &v))
	{
		TH_LOG("%s: %s", path, strerror(errno));
	}
	return v;
}

/* Puts the digest of @path, as sha256sum prints it, in @hex. */
static void __maybe_unused sha256_of(struct __test_metadata *const _metadata,
				     const char *path, char *hex)
{
	char cmd[PATH_MAX + 32];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	ASSERT_EQ(1, fscanf(p, "%64s", hex));
	pclose(p);
	ASSERT_EQ(64U, strlen(hex));
}

/* A memfd holding a copy of @path, sealed against writes if @seal; or -1. */
static int __maybe_unused memfd_copy(const char *path, bool seal)
{
	struct stat st;
	int in, fd;

	fd = memfd_create("payload", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	in = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || in < 0 || fstat(in, &st) ||
	    sendfile(fd, in, NULL, st.st_size) != st.st_size ||
	    (seal && fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK |
						    F_SEAL_GROW |
						    F_SEAL_WRITE)))
		fd = -1;
	if (in >= 0)
		close(in);
	return fd;
}

/*
 * Attaches @file to a free loop device, named in @dev, loading the loop
 * driver if need be; its fd or -1.
 */
static int __maybe_unused loop_attach(const char *file, char *dev, size_t size)
{
	int ctl, n, lfd, ffd;

	if (access("/dev/loop-control", F_OK) &&
	    system("modprobe loop >/dev/null 2>&1"))
		return -1;
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return -1;
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	close(ctl);
	if (n < 0)
		return -1;
	snprintf(dev, size, "/dev/loop%d", n);
	lfd = open(dev, O_RDWR | O_CLOEXEC);
	ffd = open(file, O_RDWR | O_CLOEXEC);
	if (lfd < 0 || ffd < 0 || ioctl(lfd, LOOP_SET_FD, ffd)) {
		if (lfd >= 0)
			close(lfd);
		if (ffd >= 0)
			close(ffd);
		return -1;
	}
	close(ffd);
	return lfd;
}

/* Copies @src to a new file @dst with mode 0755; -1 on error. */
static int __maybe_unused copy_file(const char *src, const char *dst)
{
	char buf[65536];
	ssize_t n = 0;
	int in, out;

	in = open(src, O_RDONLY | O_CLOEXEC);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			n = -1;
			break;
		}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return in < 0 || out < 0 || n < 0 ? -1 : 0;
}

/* One write session: open, one write() of @text (none if empty), close. */
static ssize_t __maybe_unused policy_write(const char *path, const char *text,
					   int flags)
{
	size_t len = strlen(text);
	ssize_t ret;
	int fd, err;

	fd = open(path, O_WRONLY | O_CLOEXEC | flags);
	if (fd < 0)
		return -1;
	ret = len ? write(fd, text, len) : 0;
	err = errno;
	if (close(fd) && ret >= 0) {
		ret = -1;
		err = errno;
	}
	errno = err;
	return ret;
}

static void __maybe_unused knob_path(char *buf, size_t size, const char *name)
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

/*
 * For a teardown: puts sysctl @name back to @saved if it changed, and
 * checks that the write succeeded.
 */
static void __maybe_unused restore_knob(struct __test_metadata *const _metadata,
					const char *name,
					unsigned long long saved)
{
	unsigned long long now;
	ssize_t ret;

	if (!module_loaded() || read_knob(name, &now) || now == saved)
		return;
	ret = write_knob_u64(name, saved);
	if (ret < 0)
		TH_LOG("Failed to restore %s to %llu: %s", name, saved,
		       strerror(errno));
	EXPECT_LT(0, ret);
}

/*
 * For a teardown: waits up to @tries times 10 ms for child @pid to end,
 * then kills it.  The teardown's process may be its parent, or (when the
 * harness's parent runs the teardown) not even its ancestor any more.
 * Killing a pid namespace's parent kills its pid 1 too.
 */
static void __maybe_unused stop_child(pid_t pid, int tries)
{
	int i, status;

	for (i = 0; i < tries; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return;
		if (kill(pid, 0) && errno == ESRCH)
			return;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
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

/* Opens the kernel log, positioned after its last record; -1 on error. */
static int __maybe_unused kmsg_mark(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Runs a shell command line; its exit code, or -1. */
static int __maybe_unused __attribute__((format(printf, 1, 2)))
run_cmd(const char *fmt, ...)
{
	char cmd[2 * PATH_MAX];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(NULL);
	status = system(cmd);
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Reads /dev/kmsg from @fd (opened O_NONBLOCK) until a record holds both
 * @a and @b; false at the end of the log.
 */
static bool __maybe_unused kmsg_find_both(int fd, const char *a, const char *b)
{
	char rec[8192];
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			return false;
		rec[n] = '\0';
		if (strstr(rec, a) && strstr(rec, b))
			return true;
	}
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
 * next test expects.
 *
 * Teardowns use no ASSERT, and no EXPECT with a handler block: after a
 * failed ASSERT in the test, the harness leaves _metadata->trigger set, and
 * the next handler block would run even though its EXPECT passed.
 */
static void __maybe_unused restore_module(struct __test_metadata *const _metadata)
{
	int ret;

	if (module_loaded()) {
		ret = unload_module();
		if (ret)
			TH_LOG("Failed to unload %s: %s", MODULE_NAME,
			       strerror(errno));
		EXPECT_EQ(0, ret);
		if (ret)
			return;
	}
	ret = load_module("");
	if (ret)
		TH_LOG("Failed to reload %s: %s", getenv("BULWARK_KO"),
		       strerror(errno));
	EXPECT_EQ(0, ret);
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
	int ret;

	if (!dir[0])
		return;
	umount2(dir, MNT_DETACH);
	ret = rmdir(dir);
	if (ret)
		TH_LOG("Failed to remove %s: %s", dir, strerror(errno));
	EXPECT_EQ(0, ret);
}

#include "context.h"

#endif /* BULWARK_SELFTESTS_COMMON_H */
