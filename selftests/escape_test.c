// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark selftests - the escape rule
 *
 * SPEC "What is denied", escape: a contained task, whatever its
 * capabilities, may not load or unload kernel modules (but may load one
 * of the host's installed modules), kexec, write the kernel knobs that
 * start host programs, write a held block device or /dev/mem, move
 * tasks out of its container, enter the initial namespaces, connect to
 * the host's service sockets, or attach to a host task.
 *
 * The contained task is root with every capability in the initial user
 * namespace, contained three ways (the fixture's variants): by a
 * Docker container's cgroup alone, as "--pid=host --cgroupns=host"
 * gives; by a new pid namespace alone; and by both.  Each denial is
 * checked the same way: the call fails with EPERM, escape_blocked went
 * up by exactly one and no other counter moved, and the host state the
 * call aimed at (the module list, the knob's value, the disk's
 * superblock, the task's cgroup, the target's tracer) is unchanged.
 * The other side: host tasks do the same things; contained tasks load
 * installed modules, move within their own cgroup, trace their own
 * children, enter their own namespaces, and connect to sockets that are
 * not the host's; audit and off modes and the exempt list allow.
 */

#include <dirent.h>
#include <poll.h>
#include <sched.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <termios.h>

#include <linux/blkpg.h>
#include <linux/kd.h>
#include <linux/bpf.h>
#include <linux/loop.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "common.h"
#include "dm_disk.h"

#define COUNTER(name) SYSFS_DIR "/counters/" name
#define EXEMPT SECURITYFS_DIR "/exempt"
#define CGROOT "/sys/fs/cgroup"
#define TOP "/bulwark-escape"
#define CONTAINER_ID \
	"e5cafee5cafee5cafee5cafee5cafee5cafee5cafee5cafee5cafee5cafee5ca"
#define BOX TOP "/docker-" CONTAINER_ID ".scope"
#define INNER BOX "/inner"
#define HOST_CG TOP "/host.service"
/* A directory of the test's own. */
#define WORK "/tmp/bulwark-escape"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif
/* clone3()'s arguments, as far as CLONE_INTO_CGROUP needs them. */
struct bw_clone_args {
	unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal;
	unsigned long long stack, stack_size, tls, set_tid, set_tid_size;
	unsigned long long cgroup;
};

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif

/* The counters a denial may move, in the order they are snapshotted. */
static const char *const counters[] = {
	"escape_blocked", "escape_audited", "keys_blocked", "persist_blocked",
	"exec_blocked",
};

enum { BLOCKED, AUDITED };

/* --- Plain helpers, for the test and its children. --- */

/* The result of a call: 0, or the errno of a call that returned -1. */
static int result(long ret)
{
	if (ret == -1)
		return errno;
	return 0;
}

static unsigned long long esc_counter(const char *name)
{
	char path[PATH_MAX];
	unsigned long long v = 0;

	snprintf(path, sizeof(path), COUNTER("%s"), name);
	if (read_u64_file(path, &v))
		return ~0ULL;
	return v;
}

/* The contained child's work: its return value is its exit code. */
struct job {
	int (*fn)(struct job *j);
	/* Inputs. */
	char path[PATH_MAX];
	char path2[PATH_MAX];
	unsigned int flags;
	pid_t target;
	int fd;
	/* Outputs. */
	char cgroup[PATH_MAX];
};

static int run_job(void *arg)
{
	struct job *j = arg;

	return j->fn(j);
}

/* Runs @j in a child of the test: a host task. */
static int as_host(struct job *j)
{
	return run_in_context(CTX_HOST, run_job, j);
}

/*
 * The line of /proc/<pid>/cgroup for cgroup v2, without "0::"; the
 * caller's own for pid 0 (in a pid namespace, /proc is still the
 * host's, whose "self" is the caller).
 */
static int v2_cgroup(pid_t pid, char *buf, size_t size)
{
	char path[64], text[4096], *line;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/cgroup");
	if (read_file(path, text, sizeof(text)) < 0)
		return -1;
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, "0::", 3)) {
			snprintf(buf, size, "%s", line + 3);
			return 0;
		}
	return -1;
}

/* --- The operations, each run in a child. --- */

static int op_init_module(struct job *j)
{
	static const char junk[64] = "\177ELF not a module";

	return result(syscall(__NR_init_module, junk, sizeof(junk), ""));
}

static int op_finit_module(struct job *j)
{
	int fd = open(j->path, O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return CTX_SETUP_FAILED;
	err = result(sys_finit_module(fd, "", j->flags));
	close(fd);
	return err;
}

static int op_delete_module(struct job *j)
{
	return result(sys_delete_module(j->path, j->flags));
}

/*
 * delete_module(2) through the 32-bit entry, int 0x80, which a 64-bit
 * process may use: the name must lie below 4 GiB.
 */
static int op_delete_module_ia32(struct job *j)
{
	char *name = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	long ret;

	if (name == MAP_FAILED)
		return CTX_SETUP_FAILED;
	snprintf(name, 4096, "%s", j->path);
	/* __NR_delete_module is 129 in the i386 table. */
	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(129L), "b"(name), "c"((long)j->flags)
		     : "memory");
	munmap(name, 4096);
	if (ret == -ENOSYS)
		return CTX_SETUP_FAILED;
	return ret < 0 ? (int)-ret : 0;
}

static int op_kexec_load(struct job *j)
{
	/* No segment: without bulwark this only unloads, harmlessly. */
	return result(syscall(__NR_kexec_load, 0UL, 0UL, NULL, 0UL));
}

static int op_kexec_file_load(struct job *j)
{
	int fd = open(j->path, O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return CTX_SETUP_FAILED;
	/* KEXEC_FILE_NO_INITRAMFS: the image alone. */
	err = result(syscall(__NR_kexec_file_load, fd, -1, 1UL, "", 4UL));
	close(fd);
	return err;
}

static int op_open_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* Opens j->path with j->flags and closes it: the open is the decision. */
static int op_open(struct job *j)
{
	int fd = open(j->path, j->flags | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * Issues the loop ioctl j->flags on j->path, opened read-only: for
 * LOOP_CHANGE_FD, with j->path2 as the new backing file; for
 * LOOP_SET_STATUS64, with the device's own status.
 */
static int op_loop_ioctl(struct job *j)
{
	struct loop_info64 info;
	unsigned long arg = 0;
	int fd, bfd = -1, err = 0;

	fd = open(j->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (j->flags == LOOP_CHANGE_FD) {
		bfd = open(j->path2, O_RDONLY | O_CLOEXEC);
		arg = bfd;
	} else if (j->flags == LOOP_SET_STATUS64 ||
		   j->flags == LOOP_GET_STATUS64) {
		if (ioctl(fd, LOOP_GET_STATUS64, &info))
			err = errno;
		arg = (unsigned long)&info;
	}
	if (!err && ioctl(fd, j->flags, arg))
		err = errno;
	if (bfd >= 0)
		close(bfd);
	close(fd);
	return err;
}

/*
 * BLKPG through j->path, opened read-only: j->flags is the operation,
 * on partition 3, over the disk's first MiB.
 */
static int op_blkpg(struct job *j)
{
	struct blkpg_partition part = { .start = 0, .length = 1 << 20,
					.pno = 3 };
	struct blkpg_ioctl_arg arg = { .op = j->flags,
				       .datalen = sizeof(part), .data = &part };
	int fd, err = 0;

	fd = open(j->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (ioctl(fd, BLKPG, &arg))
		err = errno;
	close(fd);
	return err;
}

/* Writes "2" to j->path. */
static int op_write(struct job *j)
{
	return result(write_file(j->path, 0, "2\n", 2));
}

/* Writes "0", the writer itself, to j->path, then records its cgroup. */
static int op_join(struct job *j)
{
	int err = result(write_file(j->path, 0, "0", 1));

	if (v2_cgroup(0, j->cgroup, sizeof(j->cgroup)))
		return CTX_SETUP_FAILED;
	return err;
}

/*
 * From a cgroup too deep for a path: joins it (j->path, through the
 * test's descriptor), then tries to leave for the root (result in
 * j->target) and to write core_pattern (j->flags).
 */
static int op_deep_escape(struct job *j)
{
	if (write_file(j->path, 0, "0", 1) != 1)
		return errno;
	j->target = result(write_file(CGROOT "/cgroup.procs", 0, "0", 1));
	j->flags = op_open_path("/proc/sys/kernel/core_pattern", O_WRONLY);
	return 0;
}

/* Writes j->target's pid to j->path. */
static int op_move_other(struct job *j)
{
	char pid[16];
	int len = snprintf(pid, sizeof(pid), "%d", j->target);

	return result(write_file(j->path, 0, pid, len));
}

/* clone3(CLONE_INTO_CGROUP) into the cgroup directory j->path. */
static int op_clone_into(struct job *j)
{
	struct bw_clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
	};
	int cfd = open(j->path, O_DIRECTORY | O_PATH | O_CLOEXEC);
	int status;
	long pid;

	if (cfd < 0)
		return CTX_SETUP_FAILED;
	args.cgroup = cfd;
	pid = syscall(__NR_clone3, &args, sizeof(args));
	if (pid == 0)
		_exit(0);
	close(cfd);
	if (pid < 0)
		return errno;
	waitpid(pid, &status, 0);
	return 0;
}

/* rename(j->path, j->path2). */
static int op_rename(struct job *j)
{
	return result(rename(j->path, j->path2));
}

/* setns() into the namespace file j->path, of type j->flags. */
static int op_setns(struct job *j)
{
	int fd = open(j->path, O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return CTX_SETUP_FAILED;
	err = result(setns(fd, j->flags));
	close(fd);
	return err;
}

/* setns() through a pidfd of j->target, for the types in j->flags. */
static int op_setns_pidfd(struct job *j)
{
	int fd = syscall(__NR_pidfd_open, j->target, 0);
	int err;

	if (fd < 0)
		return CTX_SETUP_FAILED;
	err = result(setns(fd, j->flags));
	close(fd);
	return err;
}

/*
 * Own namespaces: a new mount namespace, a second one, then back into
 * the first.
 */
static int op_setns_own(struct job *j)
{
	int fd, err;

	if (unshare(CLONE_NEWNS))
		return CTX_SETUP_FAILED;
	fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || unshare(CLONE_NEWNS))
		return CTX_SETUP_FAILED;
	err = result(setns(fd, CLONE_NEWNS));
	close(fd);
	return err;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return CTX_SETUP_FAILED;
	err = result(connect(fd, (struct sockaddr *)&sa, sizeof(sa)));
	close(fd);
	return err;
}

static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int op_connect(struct job *j)
{
	return connect_to(j->path);
}

/*
 * Docker in Docker: a daemon the container runs, in a network
 * namespace of its own, and a client of it.
 */
static int op_connect_own_daemon(struct job *j)
{
	int lfd, err;

	if (unshare(CLONE_NEWNET))
		return CTX_SETUP_FAILED;
	lfd = listen_at(j->path);
	if (lfd < 0)
		return CTX_SETUP_FAILED;
	err = connect_to(j->path);
	close(lfd);
	unlink(j->path);
	return err;
}

static int op_ptrace_seize(struct job *j)
{
	int err = result(ptrace(PTRACE_SEIZE, j->target, NULL, NULL));

	if (!err)
		ptrace(PTRACE_DETACH, j->target, NULL, NULL);
	return err;
}

static int op_vm_writev(struct job *j)
{
	char byte = 0;
	struct iovec local = { &byte, 1 }, remote = { (void *)4096, 1 };

	return result(process_vm_writev(j->target, &local, 1, &remote, 1, 0));
}

/* A child of the contained task, traced by it: the container's own. */
static int op_ptrace_own_child(struct job *j)
{
	pid_t child = fork();
	int err, status;

	if (child < 0)
		return CTX_SETUP_FAILED;
	if (child == 0) {
		pause();
		_exit(0);
	}
	err = result(ptrace(PTRACE_SEIZE, child, NULL, NULL));
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	return err;
}

/* Removes the chain of @depth directories @name below INNER. */
static int op_ioperm(struct job *j)
{
	return result(ioperm(0x80, 1, 1));
}

static int op_iopl(struct job *j)
{
	return result(iopl(3));
}

/* Writes back the byte at j->flags of the PCI config space j->path. */
static int op_pci_config_write(struct job *j)
{
	unsigned char b;
	int fd, ret;

	fd = open(j->path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (pread(fd, &b, 1, j->flags) != 1)
		ret = errno ? errno : EIO;
	else
		ret = result(pwrite(fd, &b, 1, j->flags) == 1 ? 0 : -1);
	close(fd);
	return ret;
}

static int op_tiocsti(struct job *j)
{
	char c = 'x';

	return result(ioctl(j->fd, TIOCSTI, &c));
}

/* TIOCLINUX's TIOCL_GETSHIFTSTATE (6), which only reads. */
static int op_tioclinux(struct job *j)
{
	char sub = 6;

	return result(ioctl(j->fd, TIOCLINUX, &sub));
}

/* Writes back the keymap entry of Enter (keycode 28) in the plain table. */
static int op_keymap_write(struct job *j)
{
	struct kbentry e = { .kb_table = 0, .kb_index = 28 };

	if (ioctl(j->fd, KDGKBENT, &e))
		return errno;
	return result(ioctl(j->fd, KDSKBENT, &e));
}

static void rm_chain(const char *name, int depth)
{
	int fds[32], i;

	fds[0] = open(CGROOT INNER, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	for (i = 1; i < depth && fds[i - 1] >= 0; i++)
		fds[i] = openat(fds[i - 1], name,
				O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	for (i = depth - 1; i >= 0; i--) {
		if (fds[i] >= 0) {
			unlinkat(fds[i], name, AT_REMOVEDIR);
			close(fds[i]);
		}
	}
}

/* --- The fixture. --- */

enum how {
	/* A Docker container's cgroup, the host's namespaces. */
	BY_CGROUP = 1,
	/* A new pid namespace, the host's cgroup. */
	BY_NS = 2,
};

FIXTURE(escape)
{
	unsigned long long escape_mode, scope;
	unsigned long long before[ARRAY_SIZE(counters)];
	char exempt[65536];
	bool saved;
	/* A host task to aim at: not contained. */
	pid_t sleeper;
	/* The host's module tree's dummy module, if it is there. */
	char module[PATH_MAX];
	unsigned int module_flags;
};

FIXTURE_VARIANT(escape)
{
	unsigned int how;
};

FIXTURE_VARIANT_ADD(escape, cgroup)
{
	.how = BY_CGROUP,
};

FIXTURE_VARIANT_ADD(escape, pidns)
{
	.how = BY_NS,
};

FIXTURE_VARIANT_ADD(escape, cgroup_and_pidns)
{
	.how = BY_CGROUP | BY_NS,
};

/* Runs @j in a child contained as the variant says. */
static int contained_run(const FIXTURE_VARIANT(escape) *v, struct job *j)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if ((v->how & BY_CGROUP) &&
		    write_file(CGROOT BOX "/cgroup.procs", 0, "0", 1) != 1)
			_exit(CTX_SETUP_FAILED);
		if (v->how & BY_NS)
			run_as_pid1(run_job, j);
		_exit(run_job(j));
	}
	return wait_context(pid);
}

static void snap(FIXTURE_DATA(escape) *self)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(counters); i++)
		self->before[i] = esc_counter(counters[i]);
}

/* Exactly @blocked escape denials and @audited audits since snap(). */
static void check_counted(struct __test_metadata *const _metadata,
			  FIXTURE_DATA(escape) *self, unsigned long long blocked,
			  unsigned long long audited)
{
	size_t i;

	EXPECT_EQ(blocked, esc_counter("escape_blocked") - self->before[BLOCKED]);
	EXPECT_EQ(audited, esc_counter("escape_audited") - self->before[AUDITED]);
	for (i = 2; i < ARRAY_SIZE(counters); i++) {
		unsigned long long now = esc_counter(counters[i]);

		if (now != self->before[i])
			TH_LOG("%s moved: %llu -> %llu", counters[i],
			       self->before[i], now);
		EXPECT_EQ(self->before[i], now);
	}
	snap(self);
}

/*
 * A contained task opens @path with @flags: @err (0 or EPERM) comes
 * back, and escape_blocked moves by one when it is EPERM.
 */
static void check_open(struct __test_metadata *const _metadata,
		       FIXTURE_DATA(escape) *self,
		       const FIXTURE_VARIANT(escape) *variant, const char *path,
		       int flags, int err)
{
	struct job j = { .fn = op_open, .flags = flags };

	snprintf(j.path, sizeof(j.path), "%s", path);
	EXPECT_EQ(err, contained_run(variant, &j))
	{
		TH_LOG("open %s, flags 0%o", path, flags);
	}
	check_counted(_metadata, self, err == EPERM, 0);
}

static void find_module(FIXTURE_DATA(escape) *self)
{
	static const char *const ext[] = { "", ".xz", ".zst", ".gz" };
	struct utsname u;
	size_t i;

	self->module[0] = '\0';
	if (uname(&u) || !access("/sys/module/dummy", F_OK))
		return;
	for (i = 0; i < ARRAY_SIZE(ext); i++) {
		snprintf(self->module, sizeof(self->module),
			 "/lib/modules/%s/kernel/drivers/net/dummy.ko%s",
			 u.release, ext[i]);
		if (access(self->module, R_OK))
			continue;
		self->module_flags = i ? MODULE_INIT_COMPRESSED_FILE : 0;
		if (i && access("/sys/module/compression", F_OK))
			break;
		return;
	}
	self->module[0] = '\0';
}

FIXTURE_SETUP(escape)
{
	const char *why = module_unavailable(false);

	self->sleeper = -1;
	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	if (access(CGROOT "/cgroup.procs", F_OK))
		SKIP(return, "no cgroup2 hierarchy on " CGROOT);
	self->escape_mode = get_knob(_metadata, "escape_mode");
	self->scope = get_knob(_metadata, "scope");
	ASSERT_LE(0, read_file(EXEMPT, self->exempt, sizeof(self->exempt)));
	self->saved = true;
	set_knob(_metadata, "escape_mode", 2);
	set_knob(_metadata, "scope", 1);
	ASSERT_EQ(0, write_file(EXEMPT, O_TRUNC, "", 0));
	ASSERT_TRUE(!mkdir(CGROOT TOP, 0755) || errno == EEXIST);
	ASSERT_TRUE(!mkdir(CGROOT BOX, 0755) || errno == EEXIST);
	ASSERT_TRUE(!mkdir(CGROOT INNER, 0755) || errno == EEXIST);
	ASSERT_TRUE(!mkdir(CGROOT HOST_CG, 0755) || errno == EEXIST);
	ASSERT_TRUE(!mkdir(WORK, 0755) || errno == EEXIST);

	self->sleeper = fork();
	ASSERT_LE(0, self->sleeper);
	if (self->sleeper == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		pause();
		_exit(0);
	}
	find_module(self);
	snap(self);
}

FIXTURE_TEARDOWN(escape)
{
	int status;

	if (self->sleeper > 0) {
		kill(self->sleeper, SIGKILL);
		waitpid(self->sleeper, &status, 0);
	}
	if (!self->saved)
		return;
	write_knob_u64("escape_mode", self->escape_mode);
	write_knob_u64("scope", self->scope);
	write_file(EXEMPT, O_TRUNC, self->exempt, strlen(self->exempt));
	rmdir(CGROOT INNER);
	rmdir(CGROOT BOX);
	rmdir(CGROOT HOST_CG);
	rmdir(CGROOT TOP);
}

/* The number of lines of /proc/modules: the loaded modules. */
static int module_count(void)
{
	char buf[65536];
	ssize_t n = read_file("/proc/modules", buf, sizeof(buf));
	int lines = 0;
	ssize_t i;

	for (i = 0; i < n; i++)
		lines += buf[i] == '\n';
	return lines;
}

/* --- Modules and kexec. --- */

TEST_F(escape, module_from_buffer)
{
	struct job j = { .fn = op_init_module };
	int before = module_count();

	EXPECT_EQ(EPERM, contained_run(variant, &j));
	EXPECT_EQ(before, module_count());
	check_counted(_metadata, self, 1, 0);
	/* The host gets the kernel's own answer: not a module. */
	EXPECT_NE(EPERM, as_host(&j));
	check_counted(_metadata, self, 0, 0);
}

TEST_F(escape, module_from_own_file)
{
	struct job j = { .fn = op_finit_module };
	int before = module_count();

	/* Any file outside the host's tree: refused before it is read. */
	snprintf(j.path, sizeof(j.path), "%s", getenv("BULWARK_KO"));
	if (self->module[0]) {
		snprintf(j.path, sizeof(j.path), WORK "/dummy-copy.ko%s",
			 strstr(self->module, ".ko") + 3);
		ASSERT_EQ(0, copy_file(self->module, j.path));
		j.flags = self->module_flags;
	}
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	EXPECT_EQ(before, module_count());
	EXPECT_NE(0, access("/sys/module/dummy", F_OK));
	check_counted(_metadata, self, 1, 0);
	if (self->module[0])
		unlink(j.path);
}

TEST_F(escape, installed_module_allowed)
{
	struct job j = { .fn = op_finit_module };
	struct job rm = { .fn = op_delete_module, .flags = O_NONBLOCK };

	if (!self->module[0])
		SKIP(return, "no loadable dummy module in the module tree");
	snprintf(j.path, sizeof(j.path), "%s", self->module);
	j.flags = self->module_flags;
	/* modprobe of an installed module, as kube-proxy does. */
	EXPECT_EQ(0, contained_run(variant, &j));
	EXPECT_EQ(0, access("/sys/module/dummy", F_OK));
	check_counted(_metadata, self, 0, 0);

	/* Unloading it from the container: refused. */
	snprintf(rm.path, sizeof(rm.path), "dummy");
	EXPECT_EQ(EPERM, contained_run(variant, &rm));
	EXPECT_EQ(0, access("/sys/module/dummy", F_OK));
	check_counted(_metadata, self, 1, 0);

	/* The host unloads it, and loads it again. */
	EXPECT_EQ(0, as_host(&rm));
	EXPECT_NE(0, access("/sys/module/dummy", F_OK));
	EXPECT_EQ(0, as_host(&j));
	EXPECT_EQ(0, as_host(&rm));
	check_counted(_metadata, self, 0, 0);
}

TEST_F(escape, unload_bulwark)
{
	struct job j = { .fn = op_delete_module, .flags = O_NONBLOCK };

	snprintf(j.path, sizeof(j.path), MODULE_NAME);
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	EXPECT_TRUE(module_loaded());
	check_counted(_metadata, self, 1, 0);
	/* Forced, as rmmod -f: the same. */
	j.flags = O_NONBLOCK | O_TRUNC;
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	EXPECT_TRUE(module_loaded());
	check_counted(_metadata, self, 1, 0);
	/* A module that is not there: refused all the same. */
	snprintf(j.path, sizeof(j.path), "bulwark_no_such_module");
	j.flags = O_NONBLOCK;
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	/* The host is told the truth about it. */
	EXPECT_EQ(ENOENT, as_host(&j));
	check_counted(_metadata, self, 0, 0);

	/*
	 * In audit mode a forced unload of bulwark is audited, and still
	 * refused, as it is to the host.
	 */
	set_knob(_metadata, "escape_mode", 1);
	snprintf(j.path, sizeof(j.path), MODULE_NAME);
	j.flags = O_NONBLOCK | O_TRUNC;
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 0, 1);
	EXPECT_EQ(EPERM, as_host(&j));
	EXPECT_TRUE(module_loaded());
	check_counted(_metadata, self, 0, 0);
}

/* The 32-bit entry of delete_module(2): the same answers. */
TEST_F(escape, unload_bulwark_ia32)
{
	struct job j = { .fn = op_delete_module_ia32, .flags = O_NONBLOCK };
	int ret;

	snprintf(j.path, sizeof(j.path), "bulwark_no_such_module");
	ret = as_host(&j);
	if (ret == CTX_SETUP_FAILED)
		SKIP(return, "no 32-bit system calls");
	EXPECT_EQ(ENOENT, ret);
	snprintf(j.path, sizeof(j.path), MODULE_NAME);
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	EXPECT_TRUE(module_loaded());
	check_counted(_metadata, self, 1, 0);
	j.flags = O_NONBLOCK | O_TRUNC;
	EXPECT_EQ(EPERM, as_host(&j));
	EXPECT_TRUE(module_loaded());
	check_counted(_metadata, self, 0, 0);
}

TEST_F(escape, kexec)
{
	struct job j = { .fn = op_kexec_load };

	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	j.fn = op_kexec_file_load;
	snprintf(j.path, sizeof(j.path), "%s", getenv("BULWARK_KO"));
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	/* The host reaches the kernel's own checks: not a kernel image. */
	EXPECT_NE(EPERM, as_host(&j));
	check_counted(_metadata, self, 0, 0);
}

/* --- Kernel knobs. --- */

static void check_knob(struct __test_metadata *const _metadata,
		       FIXTURE_DATA(escape) *self,
		       const FIXTURE_VARIANT(escape) *variant, const char *path)
{
	struct job j = { .fn = op_open };
	char before[4096], after[4096];

	ASSERT_LE(0, read_file(path, before, sizeof(before)));
	snprintf(j.path, sizeof(j.path), "%s", path);
	j.flags = O_WRONLY;
	EXPECT_EQ(EPERM, contained_run(variant, &j))
	{
		TH_LOG("%s", path);
	}
	ASSERT_LE(0, read_file(path, after, sizeof(after)));
	EXPECT_STREQ(before, after);
	check_counted(_metadata, self, 1, 0);
	/* Reading stays allowed. */
	j.flags = O_RDONLY;
	EXPECT_EQ(0, contained_run(variant, &j));
	/* The host writes it: the same value back. */
	EXPECT_EQ((ssize_t)strlen(before),
		  write_file(path, 0, before, strlen(before)));
	check_counted(_metadata, self, 0, 0);
}

TEST_F(escape, core_pattern)
{
	check_knob(_metadata, self, variant, "/proc/sys/kernel/core_pattern");
}

TEST_F(escape, modprobe_knob)
{
	if (access("/proc/sys/kernel/modprobe", F_OK))
		SKIP(return, "no kernel.modprobe");
	check_knob(_metadata, self, variant, "/proc/sys/kernel/modprobe");
}

/*
 * /sys/power/resume restores at once the hibernation image on the device
 * written there: refused for writing; reading, and the host's open for
 * writing, stay allowed (nothing is written).
 */
TEST_F(escape, resume_knob)
{
	struct job j = { .fn = op_open, .flags = O_WRONLY };

	if (access("/sys/power/resume", F_OK))
		SKIP(return, "kernel built without hibernation");
	snprintf(j.path, sizeof(j.path), "/sys/power/resume");
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	j.flags = O_RDONLY;
	EXPECT_EQ(0, contained_run(variant, &j));
	j.flags = O_WRONLY;
	EXPECT_EQ(0, as_host(&j));
	check_counted(_metadata, self, 0, 0);
}

/*
 * /dev/snapshot takes a hibernation image of the running kernel, and
 * restores an edited one: refused to a container even read-only; the
 * host reaches the kernel's own checks.
 */
TEST_F(escape, snapshot_device)
{
	struct job j = { .fn = op_open, .flags = O_RDONLY };

	if (access("/dev/snapshot", F_OK))
		SKIP(return, "no /dev/snapshot");
	snprintf(j.path, sizeof(j.path), "/dev/snapshot");
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	j.flags = O_WRONLY;
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 2, 0);
	j.flags = O_RDONLY;
	EXPECT_NE(EPERM, as_host(&j));
	check_counted(_metadata, self, 0, 0);
}

/* Run as root at an orderly power-off (thermal, hypervisor request). */
TEST_F(escape, poweroff_cmd_knob)
{
	check_knob(_metadata, self, variant, "/proc/sys/kernel/poweroff_cmd");
}

TEST_F(escape, uevent_helper)
{
	if (access("/sys/kernel/uevent_helper", F_OK))
		SKIP(return, "kernel built without CONFIG_UEVENT_HELPER");
	check_knob(_metadata, self, variant, "/sys/kernel/uevent_helper");
}

/*
 * ftrace_enabled 0 would stop bulwark's hooks: refused to a container
 * by the rule, and to everyone by the kernel while bulwark is loaded.
 */
TEST_F(escape, ftrace_enabled)
{
	struct job j = { .fn = op_open, .flags = O_WRONLY };

	if (access("/proc/sys/kernel/ftrace_enabled", F_OK))
		SKIP(return, "no kernel.ftrace_enabled");
	snprintf(j.path, sizeof(j.path), "/proc/sys/kernel/ftrace_enabled");
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	/* EBUSY; newer kernels refuse it for everyone (EOPNOTSUPP). */
	EXPECT_EQ(-1, write_file(j.path, 0, "0\n", 2));
	EXPECT_TRUE(errno == EBUSY || errno == EOPNOTSUPP)
	{
		TH_LOG("errno %d", errno);
	}
	EXPECT_EQ(1ULL, get_knob(_metadata, "../ftrace_enabled"));
	check_counted(_metadata, self, 0, 0);
}

/* Another knob of the same directory is not the rule's business. */
TEST_F(escape, other_sysctl_allowed)
{
	struct job j = { .fn = op_open, .flags = O_WRONLY };

	snprintf(j.path, sizeof(j.path), "/proc/sys/kernel/domainname");
	EXPECT_EQ(0, contained_run(variant, &j));
	check_counted(_metadata, self, 0, 0);
}

TEST_F(escape, binfmt_misc)
{
	struct job j = { .fn = op_open, .flags = O_WRONLY };
	char dir[] = WORK "/binfmt";

	ASSERT_TRUE(!mkdir(dir, 0755) || errno == EEXIST);
	if (mount("binfmt_misc", dir, "binfmt_misc", 0, NULL)) {
		rmdir(dir);
		SKIP(return, "cannot mount binfmt_misc: %s", strerror(errno));
	}
	snprintf(j.path, sizeof(j.path), "%s/register", dir);
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	snprintf(j.path, sizeof(j.path), "%s/status", dir);
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	/* The host may register. */
	snprintf(j.path, sizeof(j.path), "%s/register", dir);
	EXPECT_EQ(0, as_host(&j));
	check_counted(_metadata, self, 0, 0);
	umount2(dir, MNT_DETACH);
	rmdir(dir);
}

TEST_F(escape, release_agent)
{
	struct job j = { .fn = op_open, .flags = O_WRONLY };
	char dir[] = WORK "/cgv1";

	ASSERT_TRUE(!mkdir(dir, 0755) || errno == EEXIST);
	/* A named v1 hierarchy, as the CVE-2022-0492 exploits mount. */
	if (mount("cgroup", dir, "cgroup", 0, "none,name=bulwark_escape")) {
		rmdir(dir);
		SKIP(return, "cannot mount a cgroup v1 hierarchy: %s",
		     strerror(errno));
	}
	snprintf(j.path, sizeof(j.path), "%s/release_agent", dir);
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	snprintf(j.path, sizeof(j.path), "%s/notify_on_release", dir);
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	/* The host may. */
	EXPECT_EQ(0, as_host(&j));
	check_counted(_metadata, self, 0, 0);
	umount2(dir, MNT_DETACH);
	rmdir(dir);
}

/* --- Raw devices. --- */

/*
 * A new 8 MiB ext2 image @img, attached to a loop device named in @dev:
 * the device's fd, or -1 with errno set (ENOEXEC when mke2fs failed).
 */
static int loop_disk(const char *img, char *dev, size_t size)
{
	char cmd[256];
	int fd;

	fd = open(img, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, 8 << 20)) {
		close(fd);
		return -1;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "mke2fs -q -F %s >/dev/null 2>&1", img);
	if (system(cmd)) {
		errno = ENOEXEC;
		return -1;
	}
	return loop_attach(img, dev, size);
}

/*
 * Adds partition @pno, @len bytes from @start, to the disk of @lfd
 * (BLKPG, as a container with CAP_SYS_ADMIN may) and makes its node
 * @node, whose major is the extended one, not the loop driver's.  0 or
 * an errno.
 */
static int add_partition(int lfd, const char *dev, const char *node,
			 int pno, long long start, long long len)
{
	struct blkpg_partition part = { .start = start, .length = len,
					.pno = pno };
	struct blkpg_ioctl_arg arg = { .op = BLKPG_ADD_PARTITION,
				       .datalen = sizeof(part), .data = &part };
	unsigned int major, minor;
	char path[128], buf[32];
	int fd;

	/*
	 * Attaching may leave a partition scan pending (v6.1), run by the
	 * next open of the whole disk: it would drop what is added here.
	 * Open it once first, so that the scan runs now.
	 */
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	if (ioctl(lfd, BLKPG, &arg))
		return errno;
	snprintf(path, sizeof(path), "/sys/class/block/%sp%d/dev",
		 strrchr(dev, '/') + 1, pno);
	if (read_file(path, buf, sizeof(buf)) <= 0 ||
	    sscanf(buf, "%u:%u", &major, &minor) != 2)
		return ENOENT;
	unlink(node);
	if (mknod(node, S_IFBLK | 0600, makedev(major, minor)))
		return errno;
	return 0;
}

/* Undoes add_partition(). */
static void del_partition(int lfd, const char *node, int pno)
{
	struct blkpg_partition part = { .pno = pno };
	struct blkpg_ioctl_arg arg = { .op = BLKPG_DEL_PARTITION,
				       .datalen = sizeof(part), .data = &part };

	unlink(node);
	ioctl(lfd, BLKPG, &arg);
}

/* Undoes loop_disk(), and the mount of its device on @mnt. */
static void loop_disk_gone(const char *mnt, int lfd, const char *img)
{
	umount2(mnt, 0);
	rmdir(mnt);
	ioctl(lfd, LOOP_CLR_FD, 0);
	close(lfd);
	unlink(img);
}

TEST_F(escape, mounted_block_device)
{
	struct job j = { .fn = op_open, .flags = O_WRONLY };
	char img[] = WORK "/disk.img", mnt[] = WORK "/disk";
	char dev[64], sb1[2048], sb2[2048];
	int lfd;

	lfd = loop_disk(img, dev, sizeof(dev));
	if (lfd < 0)
		SKIP(return, "no loop disk: %s", strerror(errno));
	snprintf(j.path, sizeof(j.path), "%s", dev);

	/* Not mounted: the container's own disk, writable. */
	EXPECT_EQ(0, contained_run(variant, &j));
	check_counted(_metadata, self, 0, 0);

	ASSERT_TRUE(!mkdir(mnt, 0755) || errno == EEXIST);
	ASSERT_EQ(0, mount(dev, mnt, "ext2", 0, NULL));
	ASSERT_EQ((ssize_t)sizeof(sb1), pread(lfd, sb1, sizeof(sb1), 0));
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	j.flags = O_RDWR;
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	ASSERT_EQ((ssize_t)sizeof(sb2), pread(lfd, sb2, sizeof(sb2), 0));
	EXPECT_EQ(0, memcmp(sb1, sb2, sizeof(sb1)));
	check_counted(_metadata, self, 2, 0);
	/* Reading it, and the host writing it, stay allowed. */
	j.flags = O_RDONLY;
	EXPECT_EQ(0, contained_run(variant, &j));
	j.flags = O_WRONLY;
	EXPECT_EQ(0, as_host(&j));
	check_counted(_metadata, self, 0, 0);
	loop_disk_gone(mnt, lfd, img);
}

/*
 * A cgroup device program for @cgroup (a directory fd) that refuses
 * reads of block devices and allows everything else; attached beside
 * any other.  Returns the program's fd, or -1.
 */
static int deny_block_reads(int cgroup)
{
	static const struct bpf_insn insns[] = {
		/* r2 = ctx->access_type: access << 16 | type */
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 2, .src_reg = 1 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 3, .src_reg = 2 },
		{ .code = BPF_ALU64 | BPF_AND | BPF_K, .dst_reg = 3, .imm = 0xffff },
		{ .code = BPF_JMP | BPF_JNE | BPF_K, .dst_reg = 3, .off = 2,
		  .imm = BPF_DEVCG_DEV_BLOCK },
		{ .code = BPF_ALU64 | BPF_RSH | BPF_K, .dst_reg = 2, .imm = 16 },
		{ .code = BPF_JMP | BPF_JSET | BPF_K, .dst_reg = 2, .off = 2,
		  .imm = BPF_DEVCG_ACC_READ },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int prog;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = ARRAY_SIZE(insns);
	attr.license = (unsigned long)"GPL";
	prog = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (prog < 0)
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = cgroup;
	attr.attach_bpf_fd = prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (syscall(__NR_bpf, BPF_PROG_ATTACH, &attr, sizeof(attr))) {
		close(prog);
		return -1;
	}
	return prog;
}

/* Undoes deny_block_reads(). */
static void allow_block_reads(int cgroup, int prog)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = cgroup;
	attr.attach_bpf_fd = prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	syscall(__NR_bpf, BPF_PROG_DETACH, &attr, sizeof(attr));
	close(prog);
}

/*
 * bulwark looks at a block device by opening it for reading, as the
 * task: a container whose device cgroup refuses it reads, and lets it
 * write, must not get a mounted disk for writing through that refusal.
 */
TEST_F(escape, mounted_block_device_reads_refused_to_container)
{
	struct job j = { .fn = op_open, .flags = O_WRONLY };
	char img[] = WORK "/disk.img", mnt[] = WORK "/disk";
	char dev[64], sb1[2048], sb2[2048];
	int lfd, cg, prog;

	if (!(variant->how & BY_CGROUP))
		SKIP(return, "the device program is on the container's cgroup");
	lfd = loop_disk(img, dev, sizeof(dev));
	if (lfd < 0)
		SKIP(return, "no loop disk: %s", strerror(errno));
	snprintf(j.path, sizeof(j.path), "%s", dev);
	ASSERT_TRUE(!mkdir(mnt, 0755) || errno == EEXIST);
	ASSERT_EQ(0, mount(dev, mnt, "ext2", 0, NULL));
	cg = open(CGROOT BOX, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, cg);
	prog = deny_block_reads(cg);
	if (prog < 0) {
		close(cg);
		loop_disk_gone(mnt, lfd, img);
		SKIP(return, "no cgroup device program: %s", strerror(errno));
	}

	/* The device program does refuse the container a read. */
	j.flags = O_RDONLY;
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 0, 0);
	ASSERT_EQ((ssize_t)sizeof(sb1), pread(lfd, sb1, sizeof(sb1), 0));
	j.flags = O_WRONLY;
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	ASSERT_EQ((ssize_t)sizeof(sb2), pread(lfd, sb2, sizeof(sb2), 0));
	EXPECT_EQ(0, memcmp(sb1, sb2, sizeof(sb1)));
	check_counted(_metadata, self, 1, 0);
	/* The host, whose cgroup has no such program, still writes it. */
	EXPECT_EQ(0, as_host(&j));
	check_counted(_metadata, self, 0, 0);

	allow_block_reads(cg, prog);
	close(cg);
	loop_disk_gone(mnt, lfd, img);
}

/*
 * A loop device under a mounted filesystem: a contained task may not
 * swap its backing file, change its offset or size, or detach it, with
 * a descriptor opened read-only; it may read its status.  Unmounted, it
 * is the container's own; the host keeps every right.
 */
TEST_F(escape, mounted_loop_device_ioctls)
{
	static const unsigned int changes[] = {
		LOOP_CHANGE_FD, LOOP_SET_STATUS64, LOOP_SET_CAPACITY,
		LOOP_CLR_FD,
	};
	struct job j = { .fn = op_loop_ioctl }, open_part = { 0 };
	char img[] = WORK "/loop.img", other[] = WORK "/other.img";
	char mnt[] = WORK "/loop", part[] = "/dev/bulwark-loop-p1";
	char dev[64], cmd[256], probe[PATH_MAX];
	struct stat st;
	size_t i;
	int lfd, err;

	lfd = loop_disk(img, dev, sizeof(dev));
	if (lfd < 0)
		SKIP(return, "no loop disk: %s", strerror(errno));
	snprintf(cmd, sizeof(cmd), "cp %s %s", img, other);
	ASSERT_EQ(0, system(cmd));
	snprintf(j.path, sizeof(j.path), "%s", dev);
	snprintf(j.path2, sizeof(j.path2), "%s", other);

	/* Not mounted: the container's own device. */
	j.flags = LOOP_SET_STATUS64;
	EXPECT_EQ(0, contained_run(variant, &j));
	check_counted(_metadata, self, 0, 0);

	ASSERT_TRUE(!mkdir(mnt, 0755) || errno == EEXIST);
	ASSERT_EQ(0, mount(dev, mnt, "ext2", 0, NULL));
	snprintf(probe, sizeof(probe), "%s/lost+found", mnt);
	for (i = 0; i < ARRAY_SIZE(changes); i++) {
		j.flags = changes[i];
		EXPECT_EQ(EPERM, contained_run(variant, &j))
		{
			TH_LOG("loop ioctl 0x%x", changes[i]);
		}
		check_counted(_metadata, self, 1, 0);
		/* Still attached, and the filesystem on it. */
		EXPECT_EQ(0, ioctl(lfd, LOOP_GET_STATUS64, &(struct loop_info64){}));
		EXPECT_EQ(0, stat(probe, &st));
	}
	/*
	 * Through a partition node of the same disk: the loop driver acts
	 * on the whole disk, which the mount holds.  Opening the partition
	 * for writing is refused as well.
	 */
	err = add_partition(lfd, dev, part, 1, 0, 1 << 20);
	EXPECT_EQ(0, err)
	{
		TH_LOG("partition: %s", strerror(err));
	}
	if (!err) {
		snprintf(j.path, sizeof(j.path), "%s", part);
		for (i = 0; i < ARRAY_SIZE(changes); i++) {
			j.flags = changes[i];
			EXPECT_EQ(EPERM, contained_run(variant, &j))
			{
				TH_LOG("loop ioctl 0x%x on %s", changes[i],
				       part);
			}
			check_counted(_metadata, self, 1, 0);
		}
		open_part.fn = op_open;
		open_part.flags = O_WRONLY;
		snprintf(open_part.path, sizeof(open_part.path), "%s", part);
		EXPECT_EQ(EPERM, contained_run(variant, &open_part));
		check_counted(_metadata, self, 1, 0);
		EXPECT_EQ(0, stat(probe, &st));
		del_partition(lfd, part, 1);
		snprintf(j.path, sizeof(j.path), "%s", dev);
	}
	/* Reading the status stays allowed, and so does the host. */
	j.flags = LOOP_GET_STATUS64;
	EXPECT_EQ(0, contained_run(variant, &j));
	j.flags = LOOP_SET_STATUS64;
	EXPECT_EQ(0, as_host(&j));
	check_counted(_metadata, self, 0, 0);
	loop_disk_gone(mnt, lfd, img);
	unlink(other);
}

/*
 * A disk shared out by partitions, one of them mounted.  Every partition
 * of a disk in use is held: beside the mounted one lie the partition
 * table, the boot loader's sectors and the host's partitions that stay
 * unmounted (a BIOS boot partition, an ESP).  No contained task may
 * write any of them, add a partition over the free sectors (BLKPG, on a
 * read-only descriptor), or reach the loop driver through the free one.
 */
TEST_F(escape, partition_beside_mounted_one)
{
	char img[] = WORK "/parts.img", mnt[] = WORK "/parts";
	char p1[] = "/dev/bulwark-parts-p1", p2[] = "/dev/bulwark-parts-p2";
	static const unsigned int loop_cmds[] = { LOOP_SET_STATUS64,
						  LOOP_CLR_FD };
	char dev[64], cmd[256], probe[PATH_MAX], p3[PATH_MAX];
	struct job j = { 0 };
	struct stat st;
	int lfd, fd;
	size_t i;

	fd = open(img, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 8 << 20));
	close(fd);
	lfd = loop_attach(img, dev, sizeof(dev));
	if (lfd < 0)
		SKIP(return, "no loop device: %s", strerror(errno));
	ASSERT_EQ(0, add_partition(lfd, dev, p1, 1, 1 << 20, 3 << 20));
	ASSERT_EQ(0, add_partition(lfd, dev, p2, 2, 4 << 20, 3 << 20));
	snprintf(cmd, sizeof(cmd), "mke2fs -q -F %s >/dev/null 2>&1", p1);
	ASSERT_EQ(0, system(cmd));
	ASSERT_TRUE(!mkdir(mnt, 0755) || errno == EEXIST);
	ASSERT_EQ(0, mount(p1, mnt, "ext2", 0, NULL));
	snprintf(p3, sizeof(p3), "/sys/class/block/%sp3",
		 strrchr(dev, '/') + 1);

	check_open(_metadata, self, variant, p2, O_WRONLY, EPERM);
	check_open(_metadata, self, variant, p1, O_WRONLY, EPERM);
	check_open(_metadata, self, variant, dev, O_WRONLY, EPERM);
	/* Reading stays allowed. */
	check_open(_metadata, self, variant, p2, O_RDONLY, 0);

	j.fn = op_blkpg;
	snprintf(j.path, sizeof(j.path), "%s", dev);
	j.flags = BLKPG_ADD_PARTITION;
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	EXPECT_NE(0, access(p3, F_OK));
	j.fn = op_loop_ioctl;
	snprintf(j.path, sizeof(j.path), "%s", p2);
	for (i = 0; i < ARRAY_SIZE(loop_cmds); i++) {
		j.flags = loop_cmds[i];
		EXPECT_EQ(EPERM, contained_run(variant, &j))
		{
			TH_LOG("loop ioctl 0x%x", loop_cmds[i]);
		}
		check_counted(_metadata, self, 1, 0);
		EXPECT_EQ(0, ioctl(lfd, LOOP_GET_STATUS64,
				   &(struct loop_info64){}));
	}
	/* The mounted filesystem is untouched. */
	snprintf(probe, sizeof(probe), "%s/lost+found", mnt);
	EXPECT_EQ(0, stat(probe, &st));

	/* The host may add and delete a partition. */
	j.fn = op_blkpg;
	snprintf(j.path, sizeof(j.path), "%s", dev);
	j.flags = BLKPG_ADD_PARTITION;
	EXPECT_EQ(0, as_host(&j));
	EXPECT_EQ(0, access(p3, F_OK));
	j.flags = BLKPG_DEL_PARTITION;
	EXPECT_EQ(0, as_host(&j));
	check_counted(_metadata, self, 0, 0);

	EXPECT_EQ(0, umount2(mnt, 0));
	rmdir(mnt);
	del_partition(lfd, p2, 2);
	del_partition(lfd, p1, 1);
	ioctl(lfd, LOOP_CLR_FD, 0);
	close(lfd);
	unlink(img);
}

/*
 * device-mapper passes an ioctl it does not know on to the device under
 * a whole-disk linear table: the loop driver's commands, sent to the dm
 * device, reach the loop device it holds.  Refused; a read of the
 * status goes through.
 */
TEST_F(escape, loop_ioctl_through_device_mapper)
{
	static const unsigned int loop_cmds[] = { LOOP_SET_STATUS64,
						  LOOP_CLR_FD };
	char dir[] = WORK "/dmfwd", cmd[256], node[64];
	struct job j = { .fn = op_loop_ioctl };
	struct loop_info64 info;
	struct dm_disk disk;
	const char *why;
	size_t i;
	FILE *p;
	int fd;

	why = dm_disk_unavailable();
	if (why)
		SKIP(return, "%s", why);
	ASSERT_TRUE(!mkdir(dir, 0755) || errno == EEXIST);
	ASSERT_EQ(0, dm_disk_make(&disk, dir, "bulwark-dmfwd"))
	{
		TH_LOG("%s", disk.err);
		dm_disk_remove(&disk);
	}
	snprintf(cmd, sizeof(cmd),
		 "dmsetup info -c --noheadings -o blkdevname %s", disk.name);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	ASSERT_EQ(1, fscanf(p, "%40s", node));
	pclose(p);
	snprintf(j.path, sizeof(j.path), "/dev/%s", node);
	for (i = 0; i < ARRAY_SIZE(loop_cmds); i++) {
		j.flags = loop_cmds[i];
		EXPECT_EQ(EPERM, contained_run(variant, &j))
		{
			TH_LOG("loop ioctl 0x%x on %s", loop_cmds[i], j.path);
		}
		check_counted(_metadata, self, 1, 0);
	}
	j.flags = LOOP_GET_STATUS64;
	EXPECT_EQ(0, contained_run(variant, &j));
	check_counted(_metadata, self, 0, 0);
	/* The loop device keeps its file, and is not set to let it go. */
	fd = open(disk.loop, O_RDONLY | O_CLOEXEC);
	EXPECT_LE(0, fd);
	EXPECT_EQ(0, ioctl(fd, LOOP_GET_STATUS64, &info));
	EXPECT_EQ(0U, info.lo_flags & LO_FLAGS_AUTOCLEAR);
	close(fd);
	EXPECT_EQ(0, dm_disk_remove(&disk))
	{
		TH_LOG("%s", disk.err);
	}
	rmdir(disk.mnt);
	snprintf(cmd, sizeof(cmd), "%s/img", dir);
	unlink(cmd);
	rmdir(dir);
}

/*
 * configfs sets up kernel targets: the NVMe target serves the block
 * device a namespace's device_path names, opened by the kernel without
 * claiming it.  No contained task may write there.
 */
TEST_F(escape, configfs_target)
{
	char sub[] = "/sys/kernel/config/nvmet/subsystems/bulwark-test";
	char ns[PATH_MAX / 2], attr[PATH_MAX];
	struct job j = { .fn = op_open, .flags = O_WRONLY };

	if (system("modprobe nvmet >/dev/null 2>&1"))
		SKIP(return, "no nvmet module");
	if (access("/sys/kernel/config/nvmet", F_OK))
		mount("configfs", "/sys/kernel/config", "configfs", 0, NULL);
	if (access("/sys/kernel/config/nvmet", F_OK))
		SKIP(return, "no configfs");
	ASSERT_TRUE(!mkdir(sub, 0755) || errno == EEXIST);
	snprintf(ns, sizeof(ns), "%s/namespaces/1", sub);
	ASSERT_TRUE(!mkdir(ns, 0755) || errno == EEXIST);
	snprintf(attr, sizeof(attr), "%s/device_path", ns);
	check_open(_metadata, self, variant, attr, O_WRONLY, EPERM);
	snprintf(attr, sizeof(attr), "%s/attr_allow_any_host", sub);
	check_open(_metadata, self, variant, attr, O_WRONLY, EPERM);
	check_open(_metadata, self, variant, attr, O_RDONLY, 0);
	snprintf(j.path, sizeof(j.path), "%s", attr);
	EXPECT_EQ(0, as_host(&j));
	check_counted(_metadata, self, 0, 0);
	rmdir(ns);
	rmdir(sub);
}

/*
 * device-mapper's control device takes its ioctls (a new table for a
 * held device, or a device over a held disk's sectors) through any
 * descriptor: no contained task may open it, even read-only.
 */
TEST_F(escape, dm_control)
{
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
	struct job j = { .fn = op_open, .path = "/dev/mapper/control" };
	size_t i;

	if (system("modprobe dm_mod >/dev/null 2>&1") ||
	    access(j.path, F_OK))
		SKIP(return, "no /dev/mapper/control");
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		check_open(_metadata, self, variant, j.path, modes[i], EPERM);
		j.flags = modes[i];
		EXPECT_EQ(0, as_host(&j));
		check_counted(_metadata, self, 0, 0);
	}
}

TEST_F(escape, dev_mem_and_port)
{
	static const char *const devs[] = { "/dev/mem", "/dev/port" };
	struct job j = { .fn = op_open, .flags = O_WRONLY };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(devs); i++) {
		if (access(devs[i], F_OK))
			continue;
		snprintf(j.path, sizeof(j.path), "%s", devs[i]);
		EXPECT_EQ(EPERM, contained_run(variant, &j))
		{
			TH_LOG("%s", devs[i]);
		}
		check_counted(_metadata, self, 1, 0);
	}
	/* /dev/null is a character device of the same major. */
	snprintf(j.path, sizeof(j.path), "/dev/null");
	EXPECT_EQ(0, contained_run(variant, &j));
	check_counted(_metadata, self, 0, 0);
}

/*
 * I/O ports reach the hardware beneath every other rule (a DMA engine
 * writes the host's memory): what a lockdown refuses to everyone, the
 * rule refuses to a container, privileged or not.
 */
TEST_F(escape, io_ports)
{
	struct job j = { .fn = op_ioperm };
	int kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	ASSERT_LE(0, kfd);
	/* The earlier tests' lines may have used the rate limit up. */
	sleep(6);
	lseek(kfd, 0, SEEK_END);
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	EXPECT_TRUE(kmsg_find_both(kfd, "action=deny op=rawdev reason=host_escape",
				   "path=\"ioport\""));
	close(kfd);
	j.fn = op_iopl;
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	/* The host keeps both. */
	EXPECT_EQ(0, as_host(&j));
	j.fn = op_ioperm;
	EXPECT_EQ(0, as_host(&j));
	check_counted(_metadata, self, 0, 0);
	/* Audit mode lets it through, counted. */
	set_knob(_metadata, "escape_mode", 1);
	EXPECT_EQ(0, contained_run(variant, &j));
	check_counted(_metadata, self, 0, 1);
}

/* @dir/<entry>/@name for the first entry of @dir that has it, in @buf. */
static bool first_sysfs_file(const char *dir, const char *name, char *buf,
			     size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(buf, size, "%s/%s/%s", dir, e->d_name, name);
		found = !access(buf, F_OK);
	}
	closedir(d);
	return found;
}

/*
 * A PCI device's configuration space: its BARs and command register
 * point a device's DMA anywhere.  The byte written is the one read, the
 * interrupt line register, which only software reads.
 */
TEST_F(escape, pci_config_write)
{
	struct job j = { .fn = op_pci_config_write, .flags = 0x3c };

	if (!first_sysfs_file("/sys/bus/pci/devices", "config", j.path,
			      sizeof(j.path)))
		SKIP(return, "no PCI device");
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	/* Reading it stays allowed. */
	j.fn = op_open;
	j.flags = O_RDONLY;
	EXPECT_EQ(0, contained_run(variant, &j));
	check_counted(_metadata, self, 0, 0);
	/* The host writes it. */
	j.fn = op_pci_config_write;
	j.flags = 0x3c;
	EXPECT_EQ(0, as_host(&j));
	check_counted(_metadata, self, 0, 0);
}

/* Whether @fd has input to read, within 100 ms. */
static bool has_input(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 100) == 1;
}

/*
 * TIOCSTI types into a terminal's input as if its user had: into a host
 * shell's terminal, a command the shell runs on the host.  Refused on
 * every terminal; here a pseudo-terminal the test made.
 */
TEST_F(escape, tiocsti)
{
	struct job j = { .fn = op_tiocsti };
	struct termios t;
	int master, slave, ret;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_LE(0, master);
	ASSERT_EQ(0, grantpt(master));
	ASSERT_EQ(0, unlockpt(master));
	slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_LE(0, slave);
	ASSERT_EQ(0, tcgetattr(slave, &t));
	cfmakeraw(&t);
	ASSERT_EQ(0, tcsetattr(slave, TCSANOW, &t));
	j.fd = slave;
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	/* Nothing reached the terminal's input. */
	EXPECT_FALSE(has_input(slave));
	/*
	 * The host may, with CAP_SYS_ADMIN, where the kernel allows TIOCSTI
	 * at all (dev.tty.legacy_tiocsti, 6.2+, refuses it with EIO).
	 */
	ret = as_host(&j);
	if (ret == EIO) {
		TH_LOG("the kernel refuses TIOCSTI to everyone");
	} else {
		EXPECT_EQ(0, ret);
		EXPECT_TRUE(has_input(slave));
	}
	check_counted(_metadata, self, 0, 0);
	close(slave);
	close(master);
}

/*
 * A contained task's ioctl @fn on /dev/tty1 is refused and counted; the
 * host's goes through.
 */
static void check_console_ioctl(struct __test_metadata *const _metadata,
				FIXTURE_DATA(escape) *self,
				const FIXTURE_VARIANT(escape) *variant,
				int (*fn)(struct job *j))
{
	struct job j = { .fn = fn };

	j.fd = open("/dev/tty1", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (j.fd < 0)
		SKIP(return, "no virtual console");
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	EXPECT_EQ(0, as_host(&j));
	check_counted(_metadata, self, 0, 0);
	close(j.fd);
}

/*
 * TIOCLINUX pastes a virtual console's selection into its input: refused
 * whatever the subcode, which the kernel reads after bulwark would.
 */
TEST_F(escape, tioclinux)
{
	check_console_ioctl(_metadata, self, variant, op_tioclinux);
}

/*
 * A virtual console's keymap: Enter bound to a string of the container's
 * runs it in the host's shell at the next key press.  The entry written
 * is the one read.
 */
TEST_F(escape, console_keymap)
{
	check_console_ioctl(_metadata, self, variant, op_keymap_write);
}

/*
 * Removing a device, probing a bus again, binding a device to another
 * driver: the host's disk deleted and found again is a new device that
 * nobody holds.  Refused at the open for writing; nothing is written.
 */
TEST_F(escape, sysfs_device_control)
{
	struct job j = { .fn = op_open, .flags = O_WRONLY };
	char unbind[PATH_MAX];

	if (access("/sys/bus/pci/rescan", F_OK))
		SKIP(return, "no PCI bus");
	check_open(_metadata, self, variant, "/sys/bus/pci/rescan", O_WRONLY,
		   EPERM);
	if (first_sysfs_file("/sys/bus/pci/drivers", "unbind", unbind,
			     sizeof(unbind)))
		check_open(_metadata, self, variant, unbind, O_WRONLY, EPERM);
	/* Another file of sysfs stays writable. */
	if (!access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK))
		check_open(_metadata, self, variant,
			   "/sys/kernel/mm/transparent_hugepage/enabled",
			   O_WRONLY, 0);
	/* The host opens them for writing. */
	snprintf(j.path, sizeof(j.path), "/sys/bus/pci/rescan");
	EXPECT_EQ(0, as_host(&j));
	check_counted(_metadata, self, 0, 0);
}

/* --- Cgroup moves. --- */

TEST_F(escape, cgroup_move_out)
{
	static const char *const away[] = { "/", HOST_CG, TOP };
	struct job j = { .fn = op_join };
	char *shared = shared_alloc(sizeof(struct job));
	struct job *sj = (struct job *)shared;
	size_t i;

	ASSERT_NE(NULL, shared);
	for (i = 0; i < ARRAY_SIZE(away); i++) {
		j.path[0] = '\0';
		snprintf(j.path, sizeof(j.path), CGROOT "%s%scgroup.procs",
			 away[i], away[i][1] ? "/" : "");
		*sj = j;
		if (variant->how & BY_CGROUP) {
			/* Refused, and the task is still in its container. */
			EXPECT_EQ(EPERM, contained_run(variant, sj))
			{
				TH_LOG("into %s", away[i]);
			}
			EXPECT_STREQ(BOX, sj->cgroup);
			check_counted(_metadata, self, 1, 0);
		} else {
			/*
			 * A task contained by its pid namespace stays
			 * contained wherever its cgroup is: allowed.
			 */
			EXPECT_EQ(0, contained_run(variant, sj));
			check_counted(_metadata, self, 0, 0);
		}
	}
	munmap(shared, sizeof(struct job));
}

TEST_F(escape, cgroup_move_within)
{
	struct job *sj = shared_alloc(sizeof(struct job));

	ASSERT_NE(NULL, sj);
	memset(sj, 0, sizeof(*sj));
	sj->fn = op_join;
	snprintf(sj->path, sizeof(sj->path), CGROOT INNER "/cgroup.procs");
	EXPECT_EQ(0, contained_run(variant, sj));
	EXPECT_STREQ(INNER, sj->cgroup);
	check_counted(_metadata, self, 0, 0);
	munmap(sj, sizeof(*sj));
}

/* Another task, the host's, moved out by the container: refused. */
TEST_F(escape, cgroup_move_host_task)
{
	struct job j = { .fn = op_move_other };
	char cg[PATH_MAX], after[PATH_MAX];

	if (!(variant->how & BY_CGROUP) || (variant->how & BY_NS))
		SKIP(return, "the host's tasks are out of a pid namespace's reach");
	ASSERT_EQ(0, v2_cgroup(self->sleeper, cg, sizeof(cg)));
	j.target = self->sleeper;
	snprintf(j.path, sizeof(j.path), CGROOT HOST_CG "/cgroup.procs");
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	ASSERT_EQ(0, v2_cgroup(self->sleeper, after, sizeof(after)));
	EXPECT_STREQ(cg, after);
	check_counted(_metadata, self, 1, 0);
	/* The host moves its own task. */
	EXPECT_EQ(0, as_host(&j));
	ASSERT_EQ(0, v2_cgroup(self->sleeper, after, sizeof(after)));
	EXPECT_STREQ(HOST_CG, after);
	check_counted(_metadata, self, 0, 0);
}

/*
 * Renaming its own cgroup would take it out of every pattern.  cgroup
 * v2 renames nothing (the kernel refuses every rename there too, after
 * bulwark), cgroup v1 renames within a parent: the rule judges first,
 * on both.
 */
TEST_F(escape, cgroup_rename)
{
	struct job j = { .fn = op_rename };

	if (!(variant->how & BY_CGROUP))
		SKIP(return, "a pid namespace stays one whatever its cgroup's name");
	snprintf(j.path, sizeof(j.path), CGROOT BOX);
	snprintf(j.path2, sizeof(j.path2), CGROOT TOP "/renamed");
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	EXPECT_EQ(0, access(CGROOT BOX, F_OK));
	check_counted(_metadata, self, 1, 0);
	/* Inside the container: not the rule's business (the kernel's). */
	snprintf(j.path, sizeof(j.path), CGROOT INNER);
	snprintf(j.path2, sizeof(j.path2), CGROOT BOX "/inner2");
	contained_run(variant, &j);
	check_counted(_metadata, self, 0, 0);
	rename(CGROOT BOX "/inner2", CGROOT INNER);
}

/*
 * A cgroup too deep for a path: its task is still contained (judged by
 * whole names) and still bounded, by its own cgroup.
 */
TEST_F(escape, cgroup_deep)
{
	struct job *sj = shared_alloc(sizeof(struct job));
	char name[251];
	int i, dfd, next;

	if (!(variant->how & BY_CGROUP))
		SKIP(return, "bounded by its namespaces");
	ASSERT_NE(NULL, sj);
	memset(name, 'd', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	dfd = open(CGROOT INNER, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, dfd);
	for (i = 0; i < 17; i++) {
		ASSERT_TRUE(!mkdirat(dfd, name, 0755) || errno == EEXIST);
		next = openat(dfd, name, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, next);
		close(dfd);
		dfd = next;
	}
	/*
	 * Joining it from inside the container, through the descriptor
	 * the child inherits (no path can name it): allowed.  Leaving for
	 * the root from there: refused, and it is still contained.
	 */
	memset(sj, 0, sizeof(*sj));
	sj->fn = op_deep_escape;
	snprintf(sj->path, sizeof(sj->path), "/proc/self/fd/%d/cgroup.procs",
		 dfd);
	EXPECT_EQ(0, contained_run(variant, sj));
	EXPECT_EQ(EPERM, sj->target);
	EXPECT_EQ(EPERM, (int)sj->flags);
	check_counted(_metadata, self, 2, 0);
	close(dfd);
	rm_chain(name, 17);
	munmap(sj, sizeof(*sj));
}

/* A host task pulled into the container would be its to trace. */
TEST_F(escape, cgroup_pull_host_task)
{
	struct job j = { .fn = op_move_other };
	char cg[PATH_MAX], after[PATH_MAX];

	if (!(variant->how & BY_CGROUP) || (variant->how & BY_NS))
		SKIP(return, "the host's tasks are out of a pid namespace's reach");
	ASSERT_EQ(0, v2_cgroup(self->sleeper, cg, sizeof(cg)));
	j.target = self->sleeper;
	snprintf(j.path, sizeof(j.path), CGROOT INNER "/cgroup.procs");
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	ASSERT_EQ(0, v2_cgroup(self->sleeper, after, sizeof(after)));
	EXPECT_STREQ(cg, after);
	check_counted(_metadata, self, 1, 0);
}

/* Moving into an exempt cgroup would uncontain the task. */
TEST_F(escape, cgroup_move_to_exempt)
{
	struct job *sj = shared_alloc(sizeof(struct job));
	const char line[] = HOST_CG "\n";

	ASSERT_NE(NULL, sj);
	ASSERT_EQ((ssize_t)strlen(line),
		  write_file(EXEMPT, O_TRUNC, line, strlen(line)));
	memset(sj, 0, sizeof(*sj));
	sj->fn = op_join;
	snprintf(sj->path, sizeof(sj->path), CGROOT HOST_CG "/cgroup.procs");
	EXPECT_EQ(EPERM, contained_run(variant, sj));
	EXPECT_STRNE(HOST_CG, sj->cgroup);
	check_counted(_metadata, self, 1, 0);
	ASSERT_EQ(0, write_file(EXEMPT, O_TRUNC, "", 0));
	munmap(sj, sizeof(*sj));
}

TEST_F(escape, clone_into_cgroup)
{
	struct job j = { .fn = op_clone_into };

	snprintf(j.path, sizeof(j.path), CGROOT HOST_CG);
	if (variant->how & BY_CGROUP) {
		EXPECT_EQ(EPERM, contained_run(variant, &j));
		check_counted(_metadata, self, 1, 0);
	}
	snprintf(j.path, sizeof(j.path), CGROOT INNER);
	EXPECT_EQ(0, contained_run(variant, &j));
	check_counted(_metadata, self, 0, 0);
}

/* --- Namespaces. --- */

TEST_F(escape, setns_initial)
{
	static const struct {
		const char *file;
		int type;
	} ns[] = {
		{ "mnt", CLONE_NEWNS },
		{ "pid", CLONE_NEWPID },
		{ "cgroup", CLONE_NEWCGROUP },
	};
	struct job j = { .fn = op_setns };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		/* nsenter -t 1: /proc is the host's. */
		snprintf(j.path, sizeof(j.path), "/proc/1/ns/%s", ns[i].file);
		j.flags = ns[i].type;
		EXPECT_EQ(EPERM, contained_run(variant, &j))
		{
			TH_LOG("%s", ns[i].file);
		}
		check_counted(_metadata, self, 1, 0);
	}
	/* Through a pidfd of the host's init: the first type refuses. */
	if (!(variant->how & BY_NS)) {
		j.fn = op_setns_pidfd;
		j.target = 1;
		j.flags = CLONE_NEWNS | CLONE_NEWCGROUP;
		EXPECT_EQ(EPERM, contained_run(variant, &j));
		check_counted(_metadata, self, 1, 0);
	}
	/* The host enters them. */
	j.fn = op_setns;
	snprintf(j.path, sizeof(j.path), "/proc/1/ns/mnt");
	j.flags = CLONE_NEWNS;
	EXPECT_EQ(0, as_host(&j));
	check_counted(_metadata, self, 0, 0);
}

TEST_F(escape, setns_own)
{
	struct job j = { .fn = op_setns_own };

	EXPECT_EQ(0, contained_run(variant, &j));
	check_counted(_metadata, self, 0, 0);
}

/* --- Service sockets. --- */

TEST_F(escape, service_sockets)
{
	static const char *const names[] = {
		"docker.sock", "containerd.sock", "crio.sock", "podman.sock",
		"system_bus_socket", "systemd/private",
	};
	struct job j = { .fn = op_connect };
	char path[PATH_MAX];
	size_t i;
	int lfd;

	ASSERT_TRUE(!mkdir(WORK "/systemd", 0755) || errno == EEXIST);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), WORK "/%s", names[i]);
		lfd = listen_at(path);
		ASSERT_LE(0, lfd);
		snprintf(j.path, sizeof(j.path), "%s", path);
		EXPECT_EQ(EPERM, contained_run(variant, &j))
		{
			TH_LOG("%s", names[i]);
		}
		check_counted(_metadata, self, 1, 0);
		/* The host connects. */
		EXPECT_EQ(0, as_host(&j));
		check_counted(_metadata, self, 0, 0);
		close(lfd);
		unlink(path);
	}
	/* Renamed after bind(2): judged by the name it was bound to. */
	snprintf(path, sizeof(path), WORK "/docker.sock");
	lfd = listen_at(path);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, rename(path, WORK "/renamed.sock"));
	snprintf(j.path, sizeof(j.path), WORK "/renamed.sock");
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	close(lfd);
	unlink(j.path);
	/* Another socket of the host's: allowed. */
	snprintf(path, sizeof(path), WORK "/app.sock");
	lfd = listen_at(path);
	ASSERT_LE(0, lfd);
	snprintf(j.path, sizeof(j.path), "%s", path);
	EXPECT_EQ(0, contained_run(variant, &j));
	close(lfd);
	unlink(path);
	/* The container's own daemon, in its own network namespace. */
	j.fn = op_connect_own_daemon;
	snprintf(j.path, sizeof(j.path), WORK "/docker.sock");
	EXPECT_EQ(0, contained_run(variant, &j));
	check_counted(_metadata, self, 0, 0);
	rmdir(WORK "/systemd");
}

/* --- ptrace. --- */

/* The TracerPid line of @pid's status: 0 when not traced. */
static int tracer_of(pid_t pid)
{
	char path[64], text[4096], *line;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (read_file(path, text, sizeof(text)) < 0)
		return -1;
	line = strstr(text, "TracerPid:");
	return line ? atoi(line + strlen("TracerPid:")) : -1;
}

TEST_F(escape, ptrace_host_task)
{
	struct job j = { .fn = op_open, .flags = O_RDWR };

	j.target = self->sleeper;
	/*
	 * /proc/<pid>/mem: the host's /proc names host tasks.  procfs
	 * turns any refusal of the access check into EACCES.
	 */
	snprintf(j.path, sizeof(j.path), "/proc/%d/mem", self->sleeper);
	EXPECT_EQ(EACCES, contained_run(variant, &j));
	check_counted(_metadata, self, 1, 0);
	if (!(variant->how & BY_NS)) {
		j.fn = op_ptrace_seize;
		EXPECT_EQ(EPERM, contained_run(variant, &j));
		check_counted(_metadata, self, 1, 0);
		j.fn = op_vm_writev;
		EXPECT_EQ(EPERM, contained_run(variant, &j));
		check_counted(_metadata, self, 1, 0);
	}
	EXPECT_EQ(0, tracer_of(self->sleeper));
	EXPECT_EQ(0, kill(self->sleeper, 0));
	/* Reading its status (ps, top) stays allowed. */
	j.fn = op_open;
	j.flags = O_RDONLY;
	snprintf(j.path, sizeof(j.path), "/proc/%d/stat", self->sleeper);
	EXPECT_EQ(0, contained_run(variant, &j));
	/* The host traces its own tasks. */
	j.fn = op_ptrace_seize;
	EXPECT_EQ(0, as_host(&j));
	check_counted(_metadata, self, 0, 0);
}

TEST_F(escape, ptrace_own_child)
{
	struct job j = { .fn = op_ptrace_own_child };

	EXPECT_EQ(0, contained_run(variant, &j));
	check_counted(_metadata, self, 0, 0);
}

/* --- Modes and the exempt list. --- */

TEST_F(escape, audit_and_off)
{
	struct job j = { .fn = op_open, .flags = O_WRONLY };

	snprintf(j.path, sizeof(j.path), "/proc/sys/kernel/core_pattern");
	set_knob(_metadata, "escape_mode", 1);
	EXPECT_EQ(0, contained_run(variant, &j));
	check_counted(_metadata, self, 0, 1);
	set_knob(_metadata, "escape_mode", 0);
	EXPECT_EQ(0, contained_run(variant, &j));
	check_counted(_metadata, self, 0, 0);
}

TEST_F(escape, exempt_container)
{
	struct job j = { .fn = op_open, .flags = O_WRONLY };
	const char line[] = BOX "\n";

	if (!(variant->how & BY_CGROUP))
		SKIP(return, "the exemption is the container's cgroup");
	snprintf(j.path, sizeof(j.path), "/proc/sys/kernel/core_pattern");
	ASSERT_EQ((ssize_t)strlen(line),
		  write_file(EXEMPT, O_TRUNC, line, strlen(line)));
	EXPECT_EQ(0, contained_run(variant, &j));
	check_counted(_metadata, self, 0, 0);
	/* An exempt container still may not configure bulwark. */
	j.fn = op_write;
	snprintf(j.path, sizeof(j.path), SYSCTL_DIR "/escape_mode");
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	ASSERT_EQ(0, write_file(EXEMPT, O_TRUNC, "", 0));
}

TEST_F(escape, report_line)
{
	struct job j = { .fn = op_open, .flags = O_WRONLY };
	int kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	ASSERT_LE(0, kfd);
	/* The earlier tests' lines may have used the rate limit up. */
	sleep(6);
	lseek(kfd, 0, SEEK_END);
	snprintf(j.path, sizeof(j.path), "/proc/sys/kernel/core_pattern");
	EXPECT_EQ(EPERM, contained_run(variant, &j));
	EXPECT_TRUE(kmsg_find_both(kfd,
				   "action=deny op=knob reason=host_escape",
				   (variant->how & BY_CGROUP) ?
				   "container=" CONTAINER_ID
				   " path=\"/proc/sys/kernel/core_pattern\"" :
				   "container=- path=\"/proc/sys/kernel/core_pattern\""));
	close(kfd);
}

TEST_HARNESS_MAIN
