// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark tests - with no policy, every hooked operation passes through
 *
 * A battery of file system operations covers each hook bulwark installs
 * (bprm_check, file_open, mmap_file, path_{truncate,rename,link,symlink,
 * unlink,rmdir,mknod}, inode_setattr, file_ioctl).  Each result (return
 * value, errno, and a detail such as an exit status) goes into a vector.
 * The vector recorded without the module is the baseline; with the module
 * loaded in each mode, the same battery run by the same kind of task must
 * give the same vector.  The operations include expected failures (EEXIST,
 * ENOENT, EACCES...): those must not change either.
 *
 * This file is long because the battery is one list; it reads top down.
 */

#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <sys/time.h>

#include "common.h"

/* After the libc headers: https://sourceware.org/glibc/wiki/Synchronizing_Headers */
#include <linux/fs.h>

#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define MAX_OPS 160

struct op_result {
	char name[32];
	long ret;
	int err;
	long aux;
	bool must_pass;
};

/* One run of the battery, in memory shared with the test. */
struct battery {
	/* Inputs: a directory to create and work in, and the helper. */
	char dir[PATH_MAX];
	char helper[PATH_MAX];
	/* Outputs. */
	unsigned int count;
	bool overflow;
	struct op_result op[MAX_OPS];
};

static void record(struct battery *b, const char *name, long ret, int err,
		   long aux, bool must_pass)
{
	struct op_result *r;

	if (b->count >= MAX_OPS) {
		b->overflow = true;
		return;
	}
	r = &b->op[b->count++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->ret = ret;
	r->err = ret < 0 ? err : 0;
	r->aux = aux;
	r->must_pass = must_pass;
}

#define __OP(b, name, expr, must_pass)                             \
	do {                                                       \
		long __ret;                                        \
		errno = 0;                                         \
		__ret = (long)(expr);                              \
		record(b, name, __ret, errno, 0, must_pass);       \
	} while (0)

/* An operation that may fail, the same way each time. */
#define OP(b, name, expr) __OP(b, name, expr, false)
/* An operation that must succeed in the baseline. */
#define OP_OK(b, name, expr) __OP(b, name, expr, true)

/* open() then close(): 0 or -1. */
static long open_close(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* Runs @fn on an open @path; closes it keeping errno. */
static long with_fd(const char *path, int flags, long (*fn)(int, long),
		    long arg)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);
	long ret;
	int err;

	if (fd < 0)
		return -1;
	ret = fn(fd, arg);
	err = errno;
	close(fd);
	errno = err;
	return ret;
}

static long fd_write_str(int fd, long str)
{
	return write(fd, (const char *)str, strlen((const char *)str));
}

static long fd_read(int fd, long unused)
{
	char buf[64];

	(void)unused;
	return read(fd, buf, sizeof(buf));
}

static long fd_truncate(int fd, long len)
{
	return ftruncate(fd, len);
}

static long fd_chmod(int fd, long mode)
{
	return fchmod(fd, mode);
}

static long fd_chown(int fd, long unused)
{
	(void)unused;
	return fchown(fd, getuid(), getgid());
}

static long fd_utimens(int fd, long unused)
{
	(void)unused;
	return futimens(fd, NULL);
}

static long fd_mmap(int fd, long prot)
{
	const int flags = prot & PROT_WRITE ? MAP_SHARED : MAP_PRIVATE;
	void *p = mmap(NULL, 4096, prot, flags, fd, 0);

	if (p == MAP_FAILED)
		return -1;
	munmap(p, 4096);
	return 0;
}

#define open_write(path, flags, str) \
	with_fd(path, (flags) | O_WRONLY, fd_write_str, (long)(str))
#define open_read(path) with_fd(path, O_RDONLY, fd_read, 0)

/* Copies @src into @dst, an open file. */
static long copy_to_fd(const char *src, int dst)
{
	char buf[65536];
	ssize_t len;
	int fd;

	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((len = read(fd, buf, sizeof(buf))) > 0) {
		if (write(dst, buf, len) != len) {
			len = -1;
			break;
		}
	}
	close(fd);
	return len < 0 ? -1 : 0;
}

static long fd_copy_from(int fd, long src)
{
	return copy_to_fd((const char *)src, fd);
}

/* The chattr ioctls and two read-only ones; results kept as they come. */
static void ioctl_ops(struct battery *b, const char *path)
{
	struct fsxattr fsx = {};
	int fd, flags = 0, n = 0;
	long ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	record(b, "ioctl_open", fd < 0 ? -1 : 0, errno, 0, true);
	errno = 0;
	ret = ioctl(fd, FS_IOC_GETFLAGS, &flags);
	record(b, "ioctl_getflags", ret, errno, flags, false);
	errno = 0;
	ret = ioctl(fd, FS_IOC_SETFLAGS, &flags);
	record(b, "ioctl_setflags_same", ret, errno, 0, false);
	errno = 0;
	ret = ioctl(fd, FS_IOC_FSGETXATTR, &fsx);
	record(b, "ioctl_fsgetxattr", ret, errno, fsx.fsx_xflags, false);
	errno = 0;
	ret = ioctl(fd, FS_IOC_FSSETXATTR, &fsx);
	record(b, "ioctl_fssetxattr_same", ret, errno, 0, false);
	errno = 0;
	ret = ioctl(fd, FIONREAD, &n);
	record(b, "ioctl_fionread", ret, errno, n, false);
	if (fd >= 0)
		close(fd);
}

/*
 * execveat(@dirfd, @path, @flags) in a child; the helper exits with @code.
 * Records 0 only if the exec worked and the program exited with @code; aux
 * is the exit code (128 + signal if killed).
 */
static void exec_op(struct battery *b, const char *name, bool must_pass,
		    int dirfd, const char *path, int flags, int code)
{
	char arg[16];
	char *const argv[] = { "bulwark-exec", arg, NULL };
	char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	int pfd[2], err = 0, status = 0;
	pid_t pid;
	bool ok;

	snprintf(arg, sizeof(arg), "%d", code);
	if (pipe2(pfd, O_CLOEXEC)) {
		record(b, name, -1, errno, 0, must_pass);
		return;
	}
	pid = fork();
	if (pid < 0) {
		record(b, name, -1, errno, 0, must_pass);
		close(pfd[0]);
		close(pfd[1]);
		return;
	}
	if (pid == 0) {
		syscall(__NR_execveat, dirfd, path, argv, envp, flags);
		err = errno;
		if (write(pfd[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(127);
	}
	close(pfd[1]);
	/* Nothing to read: close-on-exec closed the pipe, the exec worked. */
	if (read(pfd[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(pfd[0]);
	waitpid(pid, &status, 0);
	ok = !err && WIFEXITED(status) && WEXITSTATUS(status) == code;
	record(b, name, ok ? 0 : -1, err, wait_status_code(status), must_pass);
}

static int memfd_exec_copy(const char *src)
{
	int fd = syscall(__NR_memfd_create, "bulwark-memfd", MFD_CLOEXEC | MFD_EXEC);

	/* Before Linux 6.3, MFD_EXEC is unknown and memfds are executable. */
	if (fd < 0 && errno == EINVAL)
		fd = syscall(__NR_memfd_create, "bulwark-memfd", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (copy_to_fd(src, fd)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void files_ops(struct battery *b)
{
	OP_OK(b, "create", open_write("f", O_CREAT | O_EXCL, "data\n"));
	OP_OK(b, "open_rdonly", open_read("f"));
	OP_OK(b, "open_wronly", open_close("f", O_WRONLY));
	OP_OK(b, "open_rdwr", open_close("f", O_RDWR));
	OP_OK(b, "open_append", open_write("f", O_APPEND, "more\n"));
	OP_OK(b, "open_trunc", open_close("f", O_WRONLY | O_TRUNC));
	OP_OK(b, "open_creat_trunc", open_write("f", O_CREAT | O_TRUNC, "data\n"));
	OP(b, "open_creat_excl_exists", open_close("f", O_WRONLY | O_CREAT | O_EXCL));
	OP(b, "open_missing", open_close("missing", O_RDONLY));
	OP(b, "open_dir_for_write", open_close(".", O_WRONLY));
	OP_OK(b, "open_dir", open_close(".", O_RDONLY | O_DIRECTORY));
	OP_OK(b, "open_path", open_close("f", O_PATH));
	OP_OK(b, "open_tmpfile", open_close(".", O_TMPFILE | O_RDWR));
	OP_OK(b, "open_host_binary", open_read(b->helper));
	OP_OK(b, "truncate", truncate("f", 2));
	OP_OK(b, "ftruncate", with_fd("f", O_WRONLY, fd_truncate, 1));
	OP(b, "truncate_missing", truncate("missing", 0));
	OP(b, "truncate_dir", truncate(".", 0));
}

static void namespace_ops(struct battery *b)
{
	OP_OK(b, "rename", rename("f", "g"));
	OP_OK(b, "create_h", open_write("h", O_CREAT | O_EXCL, "h\n"));
	OP_OK(b, "rename_over", rename("g", "h"));
	OP_OK(b, "create_g", open_write("g", O_CREAT | O_EXCL, "g\n"));
	OP(b, "rename_noreplace", syscall(__NR_renameat2, AT_FDCWD, "g", AT_FDCWD, "h",
					  RENAME_NOREPLACE));
	OP(b, "rename_exchange", syscall(__NR_renameat2, AT_FDCWD, "g", AT_FDCWD, "h",
					 RENAME_EXCHANGE));
	OP(b, "rename_missing", rename("missing", "m"));
	OP_OK(b, "link", link("g", "l"));
	OP(b, "link_exists", link("g", "l"));
	OP_OK(b, "symlink", symlink("g", "s"));
	OP(b, "symlink_exists", symlink("g", "s"));
	OP_OK(b, "open_via_symlink", open_read("s"));
	OP(b, "open_nofollow", open_close("s", O_RDONLY | O_NOFOLLOW));
	OP_OK(b, "unlink_link", unlink("l"));
	OP_OK(b, "unlink_symlink", unlink("s"));
	OP(b, "unlink_missing", unlink("missing"));
	OP(b, "unlink_dir", unlink("."));
	OP_OK(b, "mkdir", mkdir("d", 0755));
	OP(b, "mkdir_exists", mkdir("d", 0755));
	OP_OK(b, "create_in_dir", open_write("d/x", O_CREAT | O_EXCL, "x\n"));
	OP(b, "rmdir_not_empty", rmdir("d"));
	OP_OK(b, "rename_dir", rename("d", "e"));
	OP_OK(b, "unlink_in_dir", unlink("e/x"));
	OP_OK(b, "rmdir", rmdir("e"));
	OP(b, "rmdir_missing", rmdir("e"));
	OP_OK(b, "mknod_fifo", mknod("p", S_IFIFO | 0600, 0));
	OP_OK(b, "mkfifo", mkfifo("q", 0600));
	OP_OK(b, "mknod_reg", mknod("r", S_IFREG | 0600, 0));
	OP_OK(b, "mknod_sock", mknod("k", S_IFSOCK | 0600, 0));
	/* Needs CAP_MKNOD in the initial user namespace. */
	OP(b, "mknod_chr", mknod("c", S_IFCHR | 0600, makedev(1, 3)));
	OP_OK(b, "unlink_fifo", unlink("p"));
	OP_OK(b, "unlink_mkfifo", unlink("q"));
	OP_OK(b, "unlink_reg", unlink("r"));
	OP_OK(b, "unlink_sock", unlink("k"));
	OP(b, "unlink_chr", unlink("c"));
}

static void attr_ops(struct battery *b)
{
	const struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	OP_OK(b, "chmod", chmod("g", 0600));
	OP_OK(b, "fchmod", with_fd("g", O_RDONLY, fd_chmod, 0640));
	OP_OK(b, "chown", chown("g", getuid(), getgid()));
	OP_OK(b, "fchown", with_fd("g", O_RDONLY, fd_chown, 0));
	/* uid 1 is not mapped in the user namespace. */
	OP(b, "chown_other", chown("g", 1, 1));
	OP_OK(b, "symlink_t", symlink("g", "t"));
	OP_OK(b, "lchown", lchown("t", getuid(), getgid()));
	OP_OK(b, "unlink_t", unlink("t"));
	OP_OK(b, "utimes_now", utimes("g", NULL));
	OP_OK(b, "utimensat", utimensat(AT_FDCWD, "g", ts, 0));
	OP_OK(b, "futimens", with_fd("g", O_RDONLY, fd_utimens, 0));
	OP(b, "chmod_missing", chmod("missing", 0600));
	ioctl_ops(b, "g");
}

static void exec_ops(struct battery *b)
{
	char script[PATH_MAX + 16];
	int fd;

	OP_OK(b, "copy_binary", with_fd("bin", O_WRONLY | O_CREAT | O_EXCL,
					fd_copy_from, (long)b->helper));
	OP_OK(b, "chmod_binary", chmod("bin", 0755));
	OP_OK(b, "mmap_exec", with_fd("bin", O_RDONLY, fd_mmap, PROT_READ | PROT_EXEC));
	OP_OK(b, "mmap_exec_host", with_fd(b->helper, O_RDONLY, fd_mmap,
					   PROT_READ | PROT_EXEC));
	OP_OK(b, "mmap_exec_data", with_fd("g", O_RDONLY, fd_mmap, PROT_READ | PROT_EXEC));
	OP_OK(b, "mmap_shared_rw", with_fd("g", O_RDWR, fd_mmap, PROT_READ | PROT_WRITE));

	exec_op(b, "exec_host", true, AT_FDCWD, b->helper, 0, 7);
	exec_op(b, "exec_relative", true, AT_FDCWD, "bin", 0, 8);
	OP_OK(b, "symlink_binary", symlink("bin", "binlink"));
	exec_op(b, "exec_symlink", true, AT_FDCWD, "binlink", 0, 9);
	fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	exec_op(b, "execveat_dirfd", true, fd, "bin", 0, 10);
	close(fd);

	errno = 0;
	fd = memfd_exec_copy(b->helper);
	record(b, "memfd_copy", fd < 0 ? -1 : 0, errno, 0, true);
	exec_op(b, "execveat_memfd", true, fd, "", AT_EMPTY_PATH, 11);
	if (fd >= 0)
		close(fd);

	/* The kernel passes "5" to the interpreter, which exits with it. */
	snprintf(script, sizeof(script), "#!%s 5\n", b->helper);
	OP_OK(b, "create_script", open_write("script", O_CREAT | O_EXCL, script));
	OP_OK(b, "chmod_script", chmod("script", 0755));
	exec_op(b, "exec_script", true, AT_FDCWD, "script", 0, 5);
	OP_OK(b, "create_sh_script", open_write("sh_script", O_CREAT | O_EXCL,
						"#!/bin/sh\nexit 3\n"));
	OP_OK(b, "chmod_sh_script", chmod("sh_script", 0755));
	exec_op(b, "exec_sh_script", true, AT_FDCWD, "sh_script", 0, 3);
	exec_op(b, "exec_not_executable", false, AT_FDCWD, "g", 0, 0);
	exec_op(b, "exec_missing", false, AT_FDCWD, "missing", 0, 0);
	exec_op(b, "exec_dir", false, AT_FDCWD, ".", 0, 0);
}

/* The names bulwark protects, but not beneath a protected directory. */
static void key_name_ops(struct battery *b)
{
	OP_OK(b, "mkdir_ssh", mkdir(".ssh", 0700));
	OP_OK(b, "create_keys", open_write(".ssh/authorized_keys", O_CREAT | O_EXCL,
					   "ssh-ed25519 AAAA a\n"));
	OP_OK(b, "append_keys", open_write(".ssh/authorized_keys", O_APPEND,
					   "ssh-ed25519 AAAA b\n"));
	OP_OK(b, "truncate_keys", truncate(".ssh/authorized_keys", 0));
	OP_OK(b, "chmod_keys", chmod(".ssh/authorized_keys", 0600));
	OP_OK(b, "utimes_keys", utimes(".ssh/authorized_keys", NULL));
	OP_OK(b, "link_keys2", link(".ssh/authorized_keys", ".ssh/authorized_keys2"));
	OP_OK(b, "rename_keys2_away", rename(".ssh/authorized_keys2", ".ssh/old"));
	OP_OK(b, "symlink_keys2", symlink("old", ".ssh/authorized_keys2"));
	OP_OK(b, "unlink_keys2", unlink(".ssh/authorized_keys2"));
	OP_OK(b, "create_new", open_write(".ssh/new", O_CREAT | O_EXCL, "ssh-ed25519 AAAA c\n"));
	OP_OK(b, "rename_onto_keys", rename(".ssh/new", ".ssh/authorized_keys"));
	OP_OK(b, "unlink_old", unlink(".ssh/old"));
	OP_OK(b, "unlink_keys", unlink(".ssh/authorized_keys"));
	OP_OK(b, "rename_ssh_dir", rename(".ssh", ".ssh.old"));
	OP_OK(b, "rmdir_ssh_dir", rmdir(".ssh.old"));
}

static void cleanup_ops(struct battery *b)
{
	static const char *const files[] = {
		"g", "h", "bin", "binlink", "script", "sh_script",
	};
	char name[32];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(name, sizeof(name), "unlink_%s", files[i]);
		OP_OK(b, name, unlink(files[i]));
	}
	OP_OK(b, "chdir_out", chdir("/"));
	OP_OK(b, "rmdir_workdir", rmdir(b->dir));
}

/* Runs in the context's child: exit code 0, or 2 if the battery had no home. */
static int battery_main(void *arg)
{
	struct battery *b = arg;

	umask(022);
	OP_OK(b, "mkdir_workdir", mkdir(b->dir, 0755));
	if (chdir(b->dir))
		return 2;
	files_ops(b);
	namespace_ops(b);
	attr_ops(b);
	exec_ops(b);
	key_name_ops(b);
	cleanup_ops(b);
	return 0;
}

/* How the module is loaded for each comparison, in order. */
static const struct module_state {
	const char *name;
	const char *params;
	unsigned long long miner_mode, keys_mode, persist_mode, escape_mode;
	unsigned long long scope;
} module_states[] = {
	{ "modes off", "miner_mode=0 keys_mode=0 persist_mode=0 escape_mode=0",
	  0, 0, 0, 0, 1 },
	{ "audit", "miner_mode=1 keys_mode=1 persist_mode=1 escape_mode=1",
	  1, 1, 1, 1, 1 },
	{ "enforce (defaults)", "", 2, 2, 2, 2, 1 },
	{ "enforce, every task", "scope=2", 2, 2, 2, 2, 2 },
};

FIXTURE(passthrough)
{
	char dir[PATH_MAX];
	char helper[PATH_MAX];
	unsigned int runs;
};

FIXTURE_VARIANT(passthrough)
{
	enum context ctx;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(passthrough, host) {
	/* clang-format on */
	.ctx = CTX_HOST,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(passthrough, pid_namespace) {
	/* clang-format on */
	.ctx = CTX_PIDNS,
};

/* clang-format off */
FIXTURE_VARIANT_ADD(passthrough, user_namespace) {
	/* clang-format on */
	.ctx = CTX_USERNS,
};

FIXTURE_SETUP(passthrough)
{
	const char *why = module_unavailable(true);

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, helper_path(self->helper, sizeof(self->helper)));
	if (access(self->helper, X_OK))
		SKIP(return, "%.200s is missing", self->helper);
	prepare_tmpfs(_metadata, self->dir);
}

FIXTURE_TEARDOWN_PARENT(passthrough)
{
	restore_module(_metadata);
	cleanup_tmpfs(_metadata, self->dir);
}

/* Runs the battery into @b; false if the context is unavailable (skip). */
static bool run_battery(struct __test_metadata *const _metadata,
			FIXTURE_DATA(passthrough) *self, enum context ctx,
			struct battery *b)
{
	int ret;

	memset(b, 0, sizeof(*b));
	ASSERT_GT(sizeof(b->dir), (size_t)snprintf(b->dir, sizeof(b->dir), "%s/run%u",
						    self->dir, self->runs++));
	strcpy(b->helper, self->helper);
	ret = run_in_context(ctx, battery_main, b);
	if (ret == CTX_SETUP_FAILED)
		SKIP(return false, "cannot enter the %s context", context_name(ctx));
	ASSERT_EQ(0, ret);
	ASSERT_FALSE(b->overflow);
	return true;
}

static void assert_same(struct __test_metadata *const _metadata,
			const struct battery *base, const struct battery *b,
			const char *state)
{
	unsigned int i;

	ASSERT_EQ(base->count, b->count);
	for (i = 0; i < b->count; i++) {
		const struct op_result *x = &base->op[i], *y = &b->op[i];

		ASSERT_STREQ(x->name, y->name);
		EXPECT_TRUE(x->ret == y->ret && x->err == y->err && x->aux == y->aux)
		{
			TH_LOG("%s: %ld (%s, aux %ld) with bulwark %s, %ld (%s, aux %ld) without",
			       y->name, y->ret, strerror(y->err), y->aux, state,
			       x->ret, strerror(x->err), x->aux);
		}
	}
}

TEST_F_TIMEOUT(passthrough, same_as_without_module, MODULE_TIMEOUT)
{
	struct battery *base = shared_alloc(sizeof(*base));
	struct battery *b = shared_alloc(sizeof(*b));
	bool sane = true;
	unsigned int i;

	ASSERT_NE(NULL, base);
	ASSERT_NE(NULL, b);

	if (module_loaded())
		ASSERT_EQ(0, unload_module());
	if (!run_battery(_metadata, self, variant->ctx, base))
		return;
	/* Without this, the comparisons would prove little. */
	for (i = 0; i < base->count; i++) {
		const struct op_result *r = &base->op[i];

		if (r->must_pass && r->ret < 0) {
			TH_LOG("without bulwark, %s failed: %s (aux %ld)",
			       r->name, strerror(r->err), r->aux);
			sane = false;
		}
	}
	ASSERT_TRUE(sane);

	for (i = 0; i < ARRAY_SIZE(module_states); i++) {
		const struct module_state *s = &module_states[i];

		ASSERT_EQ(0, load_module(s->params))
		{
			TH_LOG("loading with \"%s\": %s", s->params, strerror(errno));
		}
		ASSERT_EQ(s->miner_mode,
			  get_knob(_metadata, knobs[KNOB_MINER_MODE].name));
		ASSERT_EQ(s->keys_mode,
			  get_knob(_metadata, knobs[KNOB_KEYS_MODE].name));
		ASSERT_EQ(s->persist_mode,
			  get_knob(_metadata, knobs[KNOB_PERSIST_MODE].name));
		ASSERT_EQ(s->escape_mode,
			  get_knob(_metadata, knobs[KNOB_ESCAPE_MODE].name));
		ASSERT_EQ(s->scope, get_knob(_metadata, knobs[KNOB_SCOPE].name));
		if (!run_battery(_metadata, self, variant->ctx, b))
			return;
		assert_same(_metadata, base, b, s->name);
		ASSERT_EQ(0, unload_module());
	}
}

TEST_HARNESS_MAIN
