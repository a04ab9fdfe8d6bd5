// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark selftests - the drift rule
 *
 * A contained task (pid 1 of a pid namespace, or a task in a Docker
 * container's cgroup) drops a program (a copy of the helper "true", a
 * "#!" script) where it can write: /tmp, /dev/shm, a host directory bound
 * into another place, a host file rewritten in place, a memfd, a tmpfs it
 * mounted itself.  Running it (exec, "ld.so ./x", mmap or mprotect with
 * PROT_EXEC) is refused with EPERM in enforce mode, allowed and counted in
 * audit mode, allowed and not counted when off; each decision is logged
 * with reason=drift.  Image and host files, host writes, host tasks, reads
 * and "sh script" stay allowed, as does a runtime's sealed copy of itself.
 */

#include <elf.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/statfs.h>
#include <time.h>

#include "common.h"
#include "fuse_server.h"

#define COUNTER(name) SYSFS_DIR "/counters/" name
#define CGROOT "/sys/fs/cgroup"
#define CGROUP2_MAGIC 0x63677270
#define CONTAINER_ID \
	"d1f7d1f7d1f7d1f7d1f7d1f7d1f7d1f7d1f7d1f7d1f7d1f7d1f7d1f7d1f7d1f7"
#define SCRIPT "#!/bin/sh\nexit 0\n"

/* Exit status of a job whose exec failed (the errno is in the job). */
#define EXEC_FAILED 100
/* Exit status of ld.so when it cannot map the program. */
#define LDSO_FAILED 127
/* The report's rate limit is 10 lines in 5 s: one line per 0.6 s fits. */
#define LOG_PACE_US 600000

enum op {
	OP_COPY,	/* copy_file(src, path) */
	OP_TMPFILE,	/* src into an O_TMPFILE file, then linked as path */
	OP_SCRIPT,	/* writes SCRIPT into path, mode 0755 */
	OP_EXEC,	/* execve(path) */
	OP_EXEC_ARG,	/* execve(path, src) */
	OP_MEMFD,	/* execveat() of a memfd copy of path */
	OP_MEMFD_SEALED, /* the same, sealed against writes */
	OP_LDSO,	/* execve(ld.so, path) */
	OP_MMAP,	/* mmap(PROT_READ | PROT_EXEC) of path */
	OP_MPROTECT,	/* mmap(PROT_READ), then mprotect(PROT_EXEC) */
	OP_SH,		/* execve("/bin/sh", path) */
	OP_READ,	/* open(O_RDONLY) and read() */
	OP_OPENW,	/* open(O_WRONLY) and close(): no write */
	OP_OWN_TMPFS,	/* mounts a tmpfs (or src, fstype) on path, waits, runs path/prog */
	OP_SETVERSION,	/* FS_IOC_SETVERSION on path, opened read-only */
	OP_WRITE_KNOB,	/* writes src to drift_mode */
	OP_USERNS_MOUNTS, /* USERNS_MOUNTS tmpfs on path, from a user namespace */
};

/* Mounts made by OP_USERNS_MOUNTS: more than bulwark's 256 slots. */
#define USERNS_MOUNTS 300

/**
 * struct job - one operation, set up by the test, done by a child
 */
struct job {
	enum op op;
	char path[PATH_MAX];
	char src[PATH_MAX];
	/* cgroup.procs to join first, or "". */
	char procs[PATH_MAX];
	/* The operation's result: 0, or -1 and its errno. */
	int ret;
	int err;
	/* OP_OWN_TMPFS: src's filesystem type. */
	char fstype[16];
	/* OP_OWN_TMPFS: the child's pid on the host, and the handshake. */
	int host_pid;
	int ready;
	/* OP_OWN_TMPFS: mounts from a new user namespace. */
	bool userns;
	int go;
};

static char ldso[PATH_MAX];

/* The dynamic loader named by PT_INTERP of /proc/self/exe, into ldso. */
static int find_ldso(void)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd, i, ret = -1;

	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		goto out;
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) !=
		    sizeof(ph))
			goto out;
		if (ph.p_type != PT_INTERP || ph.p_filesz >= sizeof(ldso))
			continue;
		if (pread(fd, ldso, ph.p_filesz, ph.p_offset) !=
		    (ssize_t)ph.p_filesz)
			goto out;
		ldso[ph.p_filesz] = '\0';
		ret = 0;
	}
out:
	close(fd);
	return ret;
}

static int exec_failed(struct job *j)
{
	j->ret = -1;
	j->err = errno;
	return EXEC_FAILED;
}

/* Maps the first page of j->path; mprotect()s it executable if asked. */
static int map_exec(struct job *j, bool mprot)
{
	void *p;
	int fd;

	fd = open(j->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return CTX_SETUP_FAILED;
	p = mmap(NULL, 4096, mprot ? PROT_READ : PROT_READ | PROT_EXEC,
		 MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		if (mprot)
			return CTX_SETUP_FAILED;
		j->ret = -1;
		j->err = errno;
		return 0;
	}
	if (mprot) {
		j->ret = mprotect(p, 4096, PROT_READ | PROT_EXEC);
		j->err = errno;
	}
	munmap(p, 4096);
	return 0;
}

/* Waits up to 10 s for *@flag. */
static bool wait_flag(int *flag)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if (__atomic_load_n(flag, __ATOMIC_ACQUIRE))
			return true;
		usleep(10000);
	}
	return false;
}

/* Enters a new user namespace, where it is root, as the host's root. */
static int own_userns(void)
{
	if (unshare(CLONE_NEWUSER) ||
	    write_file("/proc/self/uid_map", 0, "0 0 1", 5) != 5 ||
	    write_file("/proc/self/setgroups", 0, "deny", 4) != 4 ||
	    write_file("/proc/self/gid_map", 0, "0 0 1", 5) != 5)
		return -1;
	return 0;
}

/*
 * Mounts a tmpfs on j->path in a new mount namespace (and user
 * namespace, with j->userns), then runs prog.
 */
static int own_tmpfs(struct job *j)
{
	char *const envp[] = { NULL };
	char prog[PATH_MAX + 8];
	char *argv[] = { prog, NULL };
	char self[32];

	if ((j->userns && own_userns()) || unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    (j->src[0] ? mount(j->src, j->path, j->fstype, MS_RDONLY, NULL) :
			 mount("tmpfs", j->path, "tmpfs", 0, "mode=0755")) ||
	    readlink("/proc/self", self, sizeof(self) - 1) <= 0)
		return CTX_SETUP_FAILED;
	/* /proc is the host's: its "self" is the host's pid. */
	j->host_pid = atoi(self);
	__atomic_store_n(&j->ready, 1, __ATOMIC_RELEASE);
	if (!wait_flag(&j->go))
		return CTX_SETUP_FAILED;
	snprintf(prog, sizeof(prog), "%s/prog", j->path);
	execve(prog, argv, envp);
	return exec_failed(j);
}

/*
 * In a new user and mount namespace, stacks USERNS_MOUNTS tmpfs mounts
 * on j->path, all alive at once; j->ret is how many succeeded.
 */
static int userns_mounts(struct job *j)
{
	if (own_userns() || unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return CTX_SETUP_FAILED;
	for (j->ret = 0; j->ret < USERNS_MOUNTS; j->ret++) {
		if (mount("tmpfs", j->path, "tmpfs", 0, "size=64k")) {
			j->err = errno;
			break;
		}
	}
	return 0;
}

/* Copies j->src into a new O_TMPFILE file, then links it as j->path. */
static int tmpfile_copy(struct job *j)
{
	char dir[PATH_MAX], proc[64], buf[65536];
	int in, fd, ret = -1;
	ssize_t n;

	snprintf(dir, sizeof(dir), "%s", j->path);
	*strrchr(dir, '/') = '\0';
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0755);
	in = open(j->src, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || in < 0)
		goto out;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, n) != n)
			goto out;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (n == 0 && !linkat(AT_FDCWD, proc, AT_FDCWD, j->path,
			      AT_SYMLINK_FOLLOW))
		ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (in >= 0)
		close(in);
	return ret;
}

/* In the child: does @arg's operation. */
static int do_job(void *arg)
{
	struct job *j = arg;
	char *const envp[] = { NULL };
	char *argv[] = { j->path, NULL, NULL };
	char buf[16];
	int fd;

	if (j->procs[0] && write_file(j->procs, 0, "0", 1) != 1)
		return CTX_SETUP_FAILED;
	switch (j->op) {
	case OP_COPY:
		return copy_file(j->src, j->path) ? CTX_SETUP_FAILED : 0;
	case OP_TMPFILE:
		return tmpfile_copy(j) ? CTX_SETUP_FAILED : 0;
	case OP_SCRIPT:
		fd = open(j->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0755);
		if (fd < 0 || write(fd, SCRIPT, strlen(SCRIPT)) !=
				      (ssize_t)strlen(SCRIPT))
			return CTX_SETUP_FAILED;
		close(fd);
		return 0;
	case OP_EXEC_ARG:
		argv[1] = j->src;
		/* fall through */
	case OP_EXEC:
		execve(j->path, argv, envp);
		return exec_failed(j);
	case OP_MEMFD:
	case OP_MEMFD_SEALED:
		fd = memfd_copy(j->path, j->op == OP_MEMFD_SEALED);
		if (fd < 0)
			return CTX_SETUP_FAILED;
		syscall(__NR_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		return exec_failed(j);
	case OP_LDSO:
		argv[0] = ldso;
		argv[1] = j->path;
		execve(ldso, argv, envp);
		return exec_failed(j);
	case OP_MMAP:
		return map_exec(j, false);
	case OP_MPROTECT:
		return map_exec(j, true);
	case OP_SH:
		argv[0] = "sh";
		argv[1] = j->path;
		execve("/bin/sh", argv, envp);
		return exec_failed(j);
	case OP_READ:
		fd = open(j->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || read(fd, buf, sizeof(buf)) != sizeof(buf)) {
			j->ret = -1;
			j->err = errno;
		}
		if (fd >= 0)
			close(fd);
		return 0;
	case OP_OPENW:
		fd = open(j->path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return CTX_SETUP_FAILED;
		close(fd);
		return 0;
	case OP_OWN_TMPFS:
		return own_tmpfs(j);
	case OP_SETVERSION: {
		unsigned int gen = 0x5eed1234;

		fd = open(j->path, O_RDONLY | O_CLOEXEC);
		j->ret = fd < 0 ? -1 : ioctl(fd, FS_IOC_SETVERSION, &gen);
		j->err = errno;
		if (fd >= 0)
			close(fd);
		return 0;
	}
	case OP_WRITE_KNOB:
		j->ret = write_knob("drift_mode", j->src) < 0 ? -1 : 0;
		j->err = errno;
		return 0;
	case OP_USERNS_MOUNTS:
		return userns_mounts(j);
	}
	return CTX_SETUP_FAILED;
}

FIXTURE(drift)
{
	char dir[PATH_MAX];
	char helper[PATH_MAX];
	char cgroup[PATH_MAX];
	bool made_docker;
	char shm[PATH_MAX];
	struct job *j;
};

FIXTURE_VARIANT(drift)
{
	/* Contained by a Docker container's cgroup, else by a pid namespace. */
	bool cgroup;
	int mode;
};

FIXTURE_VARIANT_ADD(drift, pidns_off)
{
	.mode = 0,
};

FIXTURE_VARIANT_ADD(drift, pidns_audit)
{
	.mode = 1,
};

FIXTURE_VARIANT_ADD(drift, pidns_enforce)
{
	.mode = 2,
};

FIXTURE_VARIANT_ADD(drift, cgroup_off)
{
	.cgroup = true,
	.mode = 0,
};

FIXTURE_VARIANT_ADD(drift, cgroup_audit)
{
	.cgroup = true,
	.mode = 1,
};

FIXTURE_VARIANT_ADD(drift, cgroup_enforce)
{
	.cgroup = true,
	.mode = 2,
};

FIXTURE_SETUP(drift)
{
	const char *why = module_unavailable(false);
	struct statfs sfs;

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	if (access(SYSCTL_DIR "/drift_mode", F_OK))
		SKIP(return, "this bulwark has no drift rule");
	ASSERT_EQ(0, find_ldso());
	ASSERT_EQ(0, helper_path(self->helper, sizeof(self->helper)));
	self->j = shared_alloc(sizeof(*self->j));
	ASSERT_NE(NULL, self->j);
	if (variant->cgroup) {
		if (statfs(CGROOT, &sfs) || sfs.f_type != CGROUP2_MAGIC)
			SKIP(return, "no cgroup2 hierarchy on " CGROOT);
		self->made_docker = !mkdir(CGROOT "/docker", 0755);
		ASSERT_TRUE(self->made_docker || errno == EEXIST);
		snprintf(self->cgroup, sizeof(self->cgroup),
			 CGROOT "/docker/" CONTAINER_ID);
		ASSERT_TRUE(!mkdir(self->cgroup, 0755) || errno == EEXIST);
	}
	strcpy(self->dir, "/tmp/bulwark-drift.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->shm, sizeof(self->shm), "/dev/shm/bulwark-drift.%d",
		 getpid());
	/* Bind mounts made by a test stay in its own mount namespace. */
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	set_knob(_metadata, "miner_mode", 0);
	set_knob(_metadata, "drift_mode", variant->mode);
}

FIXTURE_TEARDOWN_PARENT(drift)
{
	char cmd[PATH_MAX + 16];

	if (module_loaded()) {
		EXPECT_LT(0, write_knob("miner_mode", "2"));
		EXPECT_LT(0, write_knob("drift_mode", "1"));
	}
	if (self->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
		EXPECT_EQ(0, system(cmd));
	}
	if (self->shm[0])
		unlink(self->shm);
	if (self->cgroup[0])
		EXPECT_EQ(0, rmdir(self->cgroup));
	if (self->made_docker)
		rmdir(CGROOT "/docker");
}

/* Joins @dir and @name into @buf (PATH_MAX bytes). */
static void join(char *buf, const char *dir, const char *name)
{
	size_t n = strlen(dir);

	memcpy(buf, dir, n);
	buf[n] = '/';
	memcpy(buf + n + 1, name, strlen(name) + 1);
}

/* Runs @op on @path (@src) in the variant's container, or on the host. */
static int run(FIXTURE_DATA(drift) *self,
	       const FIXTURE_VARIANT(drift) *variant, bool contained,
	       enum op op, const char *path, const char *src)
{
	struct job *j = self->j;

	memset(j, 0, sizeof(*j));
	j->op = op;
	snprintf(j->path, sizeof(j->path), "%s", path);
	snprintf(j->src, sizeof(j->src), "%s", src ? src : "");
	if (contained && variant->cgroup)
		join(j->procs, self->cgroup, "cgroup.procs");
	if (contained && !variant->cgroup)
		return run_in_context(CTX_PIDNS, do_job, j);
	return run_in_context(CTX_HOST, do_job, j);
}

/* A contained task copies the helper to @path. */
static void drop(struct __test_metadata *const _metadata,
		 FIXTURE_DATA(drift) *self,
		 const FIXTURE_VARIANT(drift) *variant, const char *path)
{
	ASSERT_EQ(0, run(self, variant, true, OP_COPY, path, self->helper));
}

/*
 * The outcome of one judged run, as the variant's mode wants it: @status
 * is @denied_status in enforce mode and 0 otherwise; drift_blocked moved
 * by one in enforce mode, drift_audited by one in audit mode, from
 * @blocked and @audited.
 */
static void check_outcome(struct __test_metadata *const _metadata,
			  const FIXTURE_VARIANT(drift) *variant, int status,
			  int denied_status, unsigned long long blocked,
			  unsigned long long audited)
{
	EXPECT_EQ(variant->mode == 2 ? denied_status : 0, status);
	EXPECT_EQ(blocked + (variant->mode == 2),
		  counter(_metadata, COUNTER("drift_blocked")));
	EXPECT_EQ(audited + (variant->mode == 1),
		  counter(_metadata, COUNTER("drift_audited")));
}

/*
 * Has a contained task do @op on @path, which is drifted, and checks the
 * variant's outcome: refused (@denied_status, and -1 with EPERM when the
 * call's result is the test's), counted and logged as op=@log_op with
 * @needle in the line; allowed, counted and logged in audit mode; allowed
 * and not counted when off.
 */
static void check_judged(struct __test_metadata *const _metadata,
			 FIXTURE_DATA(drift) *self,
			 const FIXTURE_VARIANT(drift) *variant, enum op op,
			 const char *path, const char *log_op,
			 const char *needle, int denied_status)
{
	unsigned long long blocked, audited;
	char line[128];
	int status, kfd;

	usleep(LOG_PACE_US);
	blocked = counter(_metadata, COUNTER("drift_blocked"));
	audited = counter(_metadata, COUNTER("drift_audited"));
	kfd = kmsg_mark();
	ASSERT_LE(0, kfd);
	status = run(self, variant, true, op, path, NULL);
	ASSERT_NE(CTX_SETUP_FAILED, status);
	snprintf(line, sizeof(line), "action=%s op=%s reason=drift ",
		 variant->mode == 2 ? "deny" : "audit", log_op);
	check_outcome(_metadata, variant, status, denied_status, blocked,
		      audited);
	if (status != (variant->mode == 2 ? denied_status : 0))
		TH_LOG("%s: status %d, ret %d, errno %d", path, status,
		       self->j->ret, self->j->err);
	if (variant->mode != 2) {
		EXPECT_EQ(0, self->j->ret);
	} else if (denied_status != LDSO_FAILED) {
		EXPECT_EQ(-1, self->j->ret);
		EXPECT_EQ(EPERM, self->j->err);
	}
	if (variant->mode) {
		EXPECT_TRUE(kmsg_find_both(kfd, line, needle))
		{
			TH_LOG("no \"%s\" line for %s", line, needle);
		}
	} else {
		EXPECT_FALSE(kmsg_find_both(kfd, "reason=drift", needle));
	}
	close(kfd);
}

/* @op on @path by a contained task (or the host) is allowed, uncounted. */
static void check_allowed(struct __test_metadata *const _metadata,
			  FIXTURE_DATA(drift) *self,
			  const FIXTURE_VARIANT(drift) *variant,
			  bool contained, enum op op, const char *path)
{
	unsigned long long blocked, audited;
	int status;

	blocked = counter(_metadata, COUNTER("drift_blocked"));
	audited = counter(_metadata, COUNTER("drift_audited"));
	status = run(self, variant, contained, op, path, NULL);
	EXPECT_EQ(0, status)
	{
		TH_LOG("%s: status %d, ret %d, errno %d", path, status,
		       self->j->ret, self->j->err);
	}
	EXPECT_EQ(0, self->j->ret);
	EXPECT_EQ(blocked, counter(_metadata, COUNTER("drift_blocked")));
	EXPECT_EQ(audited, counter(_metadata, COUNTER("drift_audited")));
}

/* Refused by EXEC_FAILED with EPERM. */
static void check_exec(struct __test_metadata *const _metadata,
		       FIXTURE_DATA(drift) *self,
		       const FIXTURE_VARIANT(drift) *variant, enum op op,
		       const char *path, const char *needle)
{
	check_judged(_metadata, self, variant, op, path, "exec", needle,
		     EXEC_FAILED);
}

TEST_F(drift, copy_in_tmp)
{
	char x[PATH_MAX];

	join(x, self->dir, "x");
	drop(_metadata, self, variant, x);
	check_exec(_metadata, self, variant, OP_EXEC, x, x);
}

TEST_F(drift, o_tmpfile_in_tmp)
{
	char x[PATH_MAX];

	join(x, self->dir, "tmpfile");
	ASSERT_EQ(0, run(self, variant, true, OP_TMPFILE, x, self->helper));
	check_exec(_metadata, self, variant, OP_EXEC, x, x);
}

TEST_F(drift, dropped_through_host_dir)
{
	char host[PATH_MAX], vol[PATH_MAX], in_vol[PATH_MAX], x[PATH_MAX];

	join(host, self->dir, "hostdir");
	join(vol, self->dir, "volume");
	join(in_vol, vol, "x");
	join(x, host, "x");
	ASSERT_EQ(0, mkdir(host, 0755));
	ASSERT_EQ(0, mkdir(vol, 0755));
	ASSERT_EQ(0, mount(host, vol, NULL, MS_BIND, NULL));
	drop(_metadata, self, variant, in_vol);
	check_exec(_metadata, self, variant, OP_EXEC, in_vol, in_vol);
	/* The same inode, by its host path. */
	check_exec(_metadata, self, variant, OP_EXEC, x, x);
}

TEST_F(drift, host_file_rewritten)
{
	char x[PATH_MAX];

	join(x, self->dir, "hostbin");
	ASSERT_EQ(0, copy_file(self->helper, x));
	check_allowed(_metadata, self, variant, true, OP_EXEC, x);
	/* O_WRONLY | O_CREAT | O_TRUNC, same bytes. */
	drop(_metadata, self, variant, x);
	check_exec(_metadata, self, variant, OP_EXEC, x, x);
	/* The host still runs it. */
	check_allowed(_metadata, self, variant, false, OP_EXEC, x);
}

TEST_F(drift, dev_shm)
{
	drop(_metadata, self, variant, self->shm);
	check_exec(_metadata, self, variant, OP_EXEC, self->shm, self->shm);
}

TEST_F(drift, unsealed_memfd)
{
	/* A copy of a host file: a memfd is drifted whatever it holds. */
	check_exec(_metadata, self, variant, OP_MEMFD, self->helper,
		   "memfd:payload");
}

TEST_F(drift, sealed_memfd_of_dropped_file)
{
	char x[PATH_MAX];

	join(x, self->dir, "x");
	drop(_metadata, self, variant, x);
	check_exec(_metadata, self, variant, OP_MEMFD_SEALED, x,
		   "memfd:payload");
}

TEST_F(drift, sealed_memfd_of_host_file)
{
	/* Sealed, but not the program the task runs. */
	check_exec(_metadata, self, variant, OP_MEMFD_SEALED, self->helper,
		   "memfd:payload");
}

TEST_F(drift, runtime_clone_of_itself)
{
	unsigned long long blocked, audited;
	char clone[PATH_MAX], *slash;
	int status, i;

	strcpy(clone, self->helper);
	slash = strrchr(clone, '/');
	strcpy(slash + 1, "selfclone");
	ASSERT_EQ(0, access(clone, X_OK));
	/* Sealed with F_SEAL_WRITE, identical to /proc/self/exe: allowed. */
	check_allowed(_metadata, self, variant, true, OP_EXEC, clone);

	/*
	 * Without F_SEAL_WRITE it could change after the check; without
	 * F_SEAL_SHRINK and F_SEAL_GROW, ftruncate() could cut it or
	 * extend it: judged, either way.
	 */
	for (i = 0; i < 2; i++) {
		usleep(LOG_PACE_US);
		blocked = counter(_metadata, COUNTER("drift_blocked"));
		audited = counter(_metadata, COUNTER("drift_audited"));
		status = run(self, variant, true, OP_EXEC_ARG, clone,
			     i ? "writeonly" : "nowrite");
		check_outcome(_metadata, variant, status, EPERM, blocked,
			      audited);
	}
}

/*
 * runc may clone itself before "runc init" joins the container's cgroup:
 * the copy is made on the host, and run once contained.
 */
TEST_F(drift, runtime_clone_joined_later)
{
	unsigned long long blocked, audited;
	char clone[PATH_MAX], arg[PATH_MAX + 16], *slash;
	int status;

	if (!variant->cgroup)
		SKIP(return, "a task cannot join a pid namespace itself");
	strcpy(clone, self->helper);
	slash = strrchr(clone, '/');
	strcpy(slash + 1, "selfclone");
	snprintf(arg, sizeof(arg), "write,join=%.4000s/cgroup.procs",
		 self->cgroup);
	blocked = counter(_metadata, COUNTER("drift_blocked"));
	audited = counter(_metadata, COUNTER("drift_audited"));
	status = run(self, variant, false, OP_EXEC_ARG, clone, arg);
	EXPECT_EQ(0, status);
	EXPECT_EQ(blocked, counter(_metadata, COUNTER("drift_blocked")));
	EXPECT_EQ(audited, counter(_metadata, COUNTER("drift_audited")));

	/* Not sealed against writes: judged, since it runs contained. */
	usleep(LOG_PACE_US);
	snprintf(arg, sizeof(arg), "nowrite,join=%.4000s/cgroup.procs",
		 self->cgroup);
	status = run(self, variant, false, OP_EXEC_ARG, clone, arg);
	check_outcome(_metadata, variant, status, EPERM, blocked, audited);
}

TEST_F(drift, ldso_of_dropped_file)
{
	char x[PATH_MAX];

	join(x, self->dir, "x");
	drop(_metadata, self, variant, x);
	check_judged(_metadata, self, variant, OP_LDSO, x, "mmap", x,
		     LDSO_FAILED);
}

TEST_F(drift, mmap_exec_of_dropped_file)
{
	char x[PATH_MAX];

	join(x, self->dir, "x");
	drop(_metadata, self, variant, x);
	check_judged(_metadata, self, variant, OP_MMAP, x, "mmap", x, 0);
}

TEST_F(drift, mprotect_exec_of_dropped_file)
{
	char x[PATH_MAX];

	join(x, self->dir, "x");
	drop(_metadata, self, variant, x);
	check_judged(_metadata, self, variant, OP_MPROTECT, x, "mprotect", x,
		     0);
}

TEST_F(drift, dropped_script)
{
	char x[PATH_MAX];

	join(x, self->dir, "script");
	ASSERT_EQ(0, run(self, variant, true, OP_SCRIPT, x, NULL));
	/* "sh script" reads it: allowed. */
	check_allowed(_metadata, self, variant, true, OP_SH, x);
	/* Run by its path, the script itself is judged. */
	check_exec(_metadata, self, variant, OP_EXEC, x, x);
}

/*
 * A contained task mounts a filesystem of its own (a tmpfs, or the
 * ext2 image on the loop device @dev) on a directory, then runs "prog"
 * from it, which the host wrote.  Returns the outcome's job status.
 */
static int run_own_mount(struct __test_metadata *const _metadata,
			 FIXTURE_DATA(drift) *self,
			 const FIXTURE_VARIANT(drift) *variant, const char *dev,
			 const char *fstype, bool userns)
{
	char mnt[PATH_MAX], x[PATH_MAX + 64];
	struct job *j = self->j;
	pid_t pid;

	join(mnt, self->dir, "mnt");
	EXPECT_TRUE(!mkdir(mnt, 0755) || errno == EEXIST);
	memset(j, 0, sizeof(*j));
	j->op = OP_OWN_TMPFS;
	j->userns = userns;
	strcpy(j->path, mnt);
	if (dev) {
		snprintf(j->src, sizeof(j->src), "%s", dev);
		snprintf(j->fstype, sizeof(j->fstype), "%s", fstype);
	}
	if (variant->cgroup)
		join(j->procs, self->cgroup, "cgroup.procs");
	pid = spawn_in_context(variant->cgroup ? CTX_HOST : CTX_PIDNS, do_job,
			       j);
	EXPECT_LE(0, pid);
	if (pid < 0)
		return -1;
	EXPECT_TRUE(wait_flag(&j->ready));
	if (!dev) {
		/* The host writes the program there. */
		snprintf(x, sizeof(x), "/proc/%d/root%s/prog", j->host_pid,
			 mnt);
		EXPECT_EQ(0, copy_file(self->helper, x))
		{
			TH_LOG("%s: %s", x, strerror(errno));
		}
	}
	__atomic_store_n(&j->go, 1, __ATOMIC_RELEASE);
	return wait_context(pid);
}

/*
 * A tmpfs the container mounted, with a program the host wrote: what
 * the container writes there is marked as written, what the host writes
 * is the host's.  Allowed.
 */
TEST_F(drift, tmpfs_mounted_by_container)
{
	unsigned long long blocked, audited;

	blocked = counter(_metadata, COUNTER("drift_blocked"));
	audited = counter(_metadata, COUNTER("drift_audited"));
	EXPECT_EQ(0, run_own_mount(_metadata, self, variant, NULL, NULL,
				   false));
	EXPECT_EQ(blocked, counter(_metadata, COUNTER("drift_blocked")));
	EXPECT_EQ(audited, counter(_metadata, COUNTER("drift_audited")));
}

/*
 * The same tmpfs mounted from a user namespace (a rootless runtime's):
 * whoever mounted it is root there, and everything on it is drifted,
 * the host's program included.
 */
TEST_F(drift, tmpfs_mounted_from_user_namespace)
{
	unsigned long long blocked, audited;
	int status;

	usleep(LOG_PACE_US);
	blocked = counter(_metadata, COUNTER("drift_blocked"));
	audited = counter(_metadata, COUNTER("drift_audited"));
	status = run_own_mount(_metadata, self, variant, NULL, NULL, true);
	check_outcome(_metadata, variant, status, EXEC_FAILED, blocked,
		      audited);
}

/*
 * A rootless runtime mounts from a user namespace, and every file there
 * is drifted by its namespace: such mounts need no room in bulwark, and
 * more of them than it remembers filesystems all succeed, in every mode.
 */
TEST_F(drift, many_user_namespace_mounts)
{
	unsigned long long blocked, audited;
	char mnt[PATH_MAX];

	join(mnt, self->dir, "userns");
	ASSERT_EQ(0, mkdir(mnt, 0755));
	blocked = counter(_metadata, COUNTER("drift_blocked"));
	audited = counter(_metadata, COUNTER("drift_audited"));
	ASSERT_EQ(0, run(self, variant, true, OP_USERNS_MOUNTS, mnt, NULL));
	EXPECT_EQ(USERNS_MOUNTS, self->j->ret)
	{
		TH_LOG("mount %d: %s", self->j->ret, strerror(self->j->err));
	}
	EXPECT_EQ(blocked, counter(_metadata, COUNTER("drift_blocked")));
	EXPECT_EQ(audited, counter(_metadata, COUNTER("drift_audited")));
}

/*
 * The container mounts the image @img, of type @fstype, through a loop
 * device and runs the program at its root: refused in enforce mode,
 * counted in audit mode, allowed when off.
 */
static void check_own_disk(struct __test_metadata *const _metadata,
			   FIXTURE_DATA(drift) *self,
			   const FIXTURE_VARIANT(drift) *variant,
			   const char *img, const char *fstype)
{
	unsigned long long blocked, audited;
	int lfd, status;
	char dev[64];

	lfd = loop_attach(img, dev, sizeof(dev));
	if (lfd < 0)
		SKIP(return, "no loop device: %s", strerror(errno));
	usleep(LOG_PACE_US);
	blocked = counter(_metadata, COUNTER("drift_blocked"));
	audited = counter(_metadata, COUNTER("drift_audited"));
	status = run_own_mount(_metadata, self, variant, dev, fstype, false);
	ioctl(lfd, LOOP_CLR_FD, 0);
	close(lfd);
	check_outcome(_metadata, variant, status, EXEC_FAILED, blocked,
		      audited);
	if (variant->mode == 2) {
		EXPECT_EQ(-1, self->j->ret);
		EXPECT_EQ(EPERM, self->j->err);
	}
}

/*
 * A disk image the container mounts: its files were never written on
 * this host, so whoever mounted it chose them.  Drifted.
 */
TEST_F(drift, disk_image_mounted_by_container)
{
	char img[PATH_MAX], src[PATH_MAX], prog[PATH_MAX];
	char cmd[3 * PATH_MAX];

	join(img, self->dir, "image");
	join(src, self->dir, "imagesrc");
	join(prog, src, "prog");
	ASSERT_EQ(0, mkdir(src, 0755));
	ASSERT_EQ(0, copy_file(self->helper, prog));
	snprintf(cmd, sizeof(cmd),
		 "mke2fs -q -F -t ext2 -d '%s' '%s' 4096 >/dev/null 2>&1", src,
		 img);
	if (system(cmd))
		SKIP(return, "mke2fs -d failed");
	check_own_disk(_metadata, self, variant, img, "ext2");
}

/*
 * The same with btrfs, whose superblock names no block device (it is on
 * an anonymous one): the filesystem's type needs a device.  Drifted.
 */
TEST_F(drift, btrfs_image_mounted_by_container)
{
	char img[PATH_MAX], src[PATH_MAX], prog[PATH_MAX];
	char cmd[3 * PATH_MAX];
	int fd;

	if (system("modprobe btrfs >/dev/null 2>&1; grep -qw btrfs /proc/filesystems"))
		SKIP(return, "no btrfs in this kernel");
	join(img, self->dir, "btrfs.img");
	join(src, self->dir, "btrfssrc");
	join(prog, src, "prog");
	ASSERT_EQ(0, mkdir(src, 0755));
	ASSERT_EQ(0, copy_file(self->helper, prog));
	fd = open(img, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 128 << 20));
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "mkfs.btrfs -q -f -r '%s' '%s' >/dev/null 2>&1", src, img);
	if (system(cmd))
		SKIP(return, "mkfs.btrfs -r failed (is btrfs-progs installed?)");
	check_own_disk(_metadata, self, variant, img, "btrfs");
}

/*
 * The owner of a dropped file changes its inode's generation
 * (FS_IOC_SETVERSION, on ext4 without metadata checksums): the file is
 * the same, and still drifted.
 */
TEST_F(drift, generation_changed_by_owner)
{
	char img[PATH_MAX], mnt[PATH_MAX], x[PATH_MAX], dev[64];
	unsigned int before = 0, after = 0;
	char cmd[2 * PATH_MAX];
	bool mounted;
	int lfd, fd;

	join(img, self->dir, "gen.img");
	join(mnt, self->dir, "gen");
	join(x, mnt, "x");
	snprintf(cmd, sizeof(cmd),
		 "mkfs.ext4 -q -F -O ^metadata_csum,^has_journal '%s' 16M >/dev/null 2>&1",
		 img);
	if (system(cmd))
		SKIP(return, "mkfs.ext4 failed");
	lfd = loop_attach(img, dev, sizeof(dev));
	if (lfd < 0)
		SKIP(return, "no loop device: %s", strerror(errno));
	ASSERT_EQ(0, mkdir(mnt, 0755));
	mounted = !mount(dev, mnt, "ext4", 0, NULL);
	EXPECT_TRUE(mounted)
	{
		TH_LOG("mount %s: %s", dev, strerror(errno));
	}
	if (mounted) {
		drop(_metadata, self, variant, x);
		fd = open(x, O_RDONLY | O_CLOEXEC);
		EXPECT_EQ(0, fd < 0 ? -1 : ioctl(fd, FS_IOC_GETVERSION, &before));
		EXPECT_EQ(0, run(self, variant, true, OP_SETVERSION, x, NULL));
		EXPECT_EQ(0, self->j->ret)
		{
			TH_LOG("FS_IOC_SETVERSION: %s", strerror(self->j->err));
		}
		EXPECT_EQ(0, fd < 0 ? -1 : ioctl(fd, FS_IOC_GETVERSION, &after));
		EXPECT_NE(before, after);
		if (fd >= 0)
			close(fd);
		check_exec(_metadata, self, variant, OP_EXEC, x, x);
		EXPECT_EQ(0, umount2(mnt, MNT_DETACH));
	}
	ioctl(lfd, LOOP_CLR_FD, 0);
	close(lfd);
}

/*
 * On a disk the host mounted (@fstype; @size bytes of image), a file a
 * container wrote is drifted; once it is deleted, its inode number goes
 * to a file the host writes, which is not.  ext4 keeps its inodes in
 * the inode hash; XFS does not, and is a module (hooked as it loads).
 */
static void check_number_reused(struct __test_metadata *const _metadata,
				FIXTURE_DATA(drift) *self,
				const FIXTURE_VARIANT(drift) *variant,
				const char *fstype, unsigned int size)
{
	char img[PATH_MAX], mnt[PATH_MAX], x[PATH_MAX], y[PATH_MAX + 16];
	char cmd[3 * PATH_MAX], dev[64];
	struct stat sx, sy;
	bool reused = false;
	int lfd, i;

	join(img, self->dir, "reuse.img");
	join(mnt, self->dir, "reuse");
	join(x, mnt, "x");
	snprintf(cmd, sizeof(cmd), "rm -f '%s' && truncate -s %u '%s'", img,
		 size, img);
	ASSERT_EQ(0, system(cmd));
	snprintf(cmd, sizeof(cmd), "mkfs.%s -q '%s' >/dev/null 2>&1", fstype,
		 img);
	if (system(cmd))
		SKIP(return, "mkfs.%s failed", fstype);
	lfd = loop_attach(img, dev, sizeof(dev));
	if (lfd < 0)
		SKIP(return, "no loop device: %s", strerror(errno));
	if (access(mnt, F_OK))
		ASSERT_EQ(0, mkdir(mnt, 0755));
	ASSERT_EQ(0, mount(dev, mnt, fstype, 0, NULL))
	{
		TH_LOG("mount %s (%s): %s", dev, fstype, strerror(errno));
	}
	drop(_metadata, self, variant, x);
	check_exec(_metadata, self, variant, OP_EXEC, x, x);
	ASSERT_EQ(0, stat(x, &sx));
	ASSERT_EQ(0, unlink(x));
	/* XFS frees a deleted inode in the background; a sync waits. */
	sync();
	for (i = 0; i < 8 && !reused; i++) {
		snprintf(y, sizeof(y), "%s/y%d", mnt, i);
		ASSERT_EQ(0, copy_file(self->helper, y));
		ASSERT_EQ(0, stat(y, &sy));
		reused = sy.st_ino == sx.st_ino;
	}
	if (reused)
		check_allowed(_metadata, self, variant, true, OP_EXEC, y);
	else
		TH_LOG("%s did not give inode %llu again", fstype,
		       (unsigned long long)sx.st_ino);
	EXPECT_EQ(0, umount2(mnt, 0));
	ioctl(lfd, LOOP_CLR_FD, 0);
	close(lfd);
	EXPECT_TRUE(reused);
}

/*
 * A btrfs image the host mounts on @mnt through a loop device, whose
 * descriptor it returns; -1 when this kernel or machine has no btrfs.
 */
static int btrfs_disk(struct __test_metadata *const _metadata,
		      FIXTURE_DATA(drift) *self, const char *name, char *mnt)
{
	char img[PATH_MAX], cmd[2 * PATH_MAX], dev[64];
	int lfd, fd;

	if (system("modprobe btrfs >/dev/null 2>&1; grep -qw btrfs /proc/filesystems"))
		return -1;
	join(img, self->dir, name);
	join(mnt, self->dir, "btrfs");
	fd = open(img, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, 128 << 20))
		return -1;
	close(fd);
	snprintf(cmd, sizeof(cmd), "mkfs.btrfs -q -f '%s' >/dev/null 2>&1", img);
	if (system(cmd))
		return -1;
	lfd = loop_attach(img, dev, sizeof(dev));
	if (lfd < 0)
		return -1;
	EXPECT_EQ(0, mkdir(mnt, 0755));
	EXPECT_EQ(0, mount(dev, mnt, "btrfs", 0, NULL))
	{
		TH_LOG("mount %s: %s", dev, strerror(errno));
		ioctl(lfd, LOOP_CLR_FD, 0);
		close(lfd);
		return -1;
	}
	return lfd;
}

/* Undoes btrfs_disk(). */
static void btrfs_disk_gone(struct __test_metadata *const _metadata,
			    const char *mnt, int lfd)
{
	EXPECT_EQ(0, umount2(mnt, 0));
	ioctl(lfd, LOOP_CLR_FD, 0);
	close(lfd);
}

/*
 * btrfs numbers inodes per subvolume, all on one superblock: a file of
 * another subvolume with a dropped file's number, which the container
 * wrote too, deleted, must not take the dropped file's mark with it.
 */
TEST_F(drift, btrfs_subvolume_twin_deleted)
{
	char mnt[PATH_MAX], x[PATH_MAX + 8], y[PATH_MAX + 16];
	char cmd[2 * PATH_MAX];
	struct stat sx, sy;
	bool twin = false;
	int lfd, i;

	lfd = btrfs_disk(_metadata, self, "twin.img", mnt);
	if (lfd < 0)
		SKIP(return, "no btrfs disk (is btrfs-progs installed?)");
	snprintf(x, sizeof(x), "%s/x", mnt);
	drop(_metadata, self, variant, x);
	ASSERT_EQ(0, stat(x, &sx));
	snprintf(cmd, sizeof(cmd),
		 "btrfs subvolume create '%s/sv' >/dev/null 2>&1", mnt);
	ASSERT_EQ(0, system(cmd));
	for (i = 0; i < 8 && !twin; i++) {
		snprintf(y, sizeof(y), "%s/sv/y%d", mnt, i);
		drop(_metadata, self, variant, y);
		ASSERT_EQ(0, stat(y, &sy));
		twin = sy.st_ino == sx.st_ino;
	}
	EXPECT_TRUE(twin)
	{
		TH_LOG("no file of the subvolume got inode %llu",
		       (unsigned long long)sx.st_ino);
	}
	if (twin) {
		ASSERT_EQ(0, unlink(y));
		check_exec(_metadata, self, variant, OP_EXEC, x, x);
	}
	btrfs_disk_gone(_metadata, mnt, lfd);
}

/*
 * A snapshot's copy of a dropped file has the file's inode number, in
 * another subvolume: deleting the original must not forget the copy.
 */
TEST_F(drift, btrfs_snapshot_original_deleted)
{
	char mnt[PATH_MAX], x[PATH_MAX + 16], copy[PATH_MAX + 16];
	char cmd[3 * PATH_MAX];
	int lfd;

	lfd = btrfs_disk(_metadata, self, "snap.img", mnt);
	if (lfd < 0)
		SKIP(return, "no btrfs disk (is btrfs-progs installed?)");
	snprintf(x, sizeof(x), "%s/s1/x", mnt);
	snprintf(copy, sizeof(copy), "%s/s2/x", mnt);
	snprintf(cmd, sizeof(cmd),
		 "btrfs subvolume create '%s/s1' >/dev/null 2>&1", mnt);
	ASSERT_EQ(0, system(cmd));
	drop(_metadata, self, variant, x);
	snprintf(cmd, sizeof(cmd),
		 "btrfs subvolume snapshot '%s/s1' '%s/s2' >/dev/null 2>&1",
		 mnt, mnt);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(0, unlink(x));
	/* The original's inode is evicted with its last link. */
	sync();
	check_exec(_metadata, self, variant, OP_EXEC, copy, copy);
	btrfs_disk_gone(_metadata, mnt, lfd);
}

/*
 * vfat gives an inode a new number each time it reads it into the
 * cache, and a new inode may be read while the old one is still being
 * evicted: no mark by number can follow its files.  A file a container
 * writes there drifts the whole filesystem at once: its own file, after
 * it left the cache and came back, and a file the host wrote there,
 * which ran before.
 */
TEST_F(drift, vfat_written_by_container)
{
	char img[PATH_MAX], mnt[PATH_MAX], x[PATH_MAX], h[PATH_MAX];
	char cmd[2 * PATH_MAX], dev[64];
	struct stat before, after;
	int lfd, fd, i;

	if (system("modprobe vfat >/dev/null 2>&1; grep -qw vfat /proc/filesystems"))
		SKIP(return, "no vfat in this kernel");
	join(img, self->dir, "fat.img");
	join(mnt, self->dir, "fat");
	join(x, mnt, "x");
	join(h, mnt, "h");
	fd = open(img, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 16 << 20));
	close(fd);
	snprintf(cmd, sizeof(cmd), "mkfs.vfat '%s' >/dev/null 2>&1", img);
	if (system(cmd))
		SKIP(return, "mkfs.vfat failed (is dosfstools installed?)");
	lfd = loop_attach(img, dev, sizeof(dev));
	if (lfd < 0)
		SKIP(return, "no loop device: %s", strerror(errno));
	ASSERT_EQ(0, mkdir(mnt, 0755));
	ASSERT_EQ(0, mount(dev, mnt, "vfat", 0, "fmask=0022"));
	ASSERT_EQ(0, copy_file(self->helper, h));
	check_allowed(_metadata, self, variant, true, OP_EXEC, h);
	drop(_metadata, self, variant, x);
	check_exec(_metadata, self, variant, OP_EXEC, h, h);
	ASSERT_EQ(0, stat(x, &before));
	/*
	 * Out of the dentry and inode caches, then read again: a cache
	 * entry used lately survives its first pass.
	 */
	sync();
	for (i = 0; i < 3; i++)
		ASSERT_EQ(2, write_file("/proc/sys/vm/drop_caches", 0, "3\n", 2));
	ASSERT_EQ(0, stat(x, &after));
	/* Kept when the kernel would not evict it: judged all the same. */
	if (before.st_ino == after.st_ino)
		TH_LOG("%s kept inode %llu", x,
		       (unsigned long long)after.st_ino);
	check_exec(_metadata, self, variant, OP_EXEC, x, x);
	/* The host's own runs are not judged. */
	check_allowed(_metadata, self, variant, false, OP_EXEC, h);
	EXPECT_EQ(0, umount2(mnt, 0));
	ioctl(lfd, LOOP_CLR_FD, 0);
	close(lfd);
}

/*
 * A FUSE volume the host mounted and a container may write to, whose
 * server numbers a file anew at each lookup.  The program it serves
 * runs in the container until the container opens a file there for
 * writing; from then on the whole volume is drifted, that file too once
 * it left the cache and came back under another number.
 */
TEST_F(drift, fuse_volume_written_by_container)
{
	char mnt[PATH_MAX], victim[PATH_MAX];
	struct fuse_file f = { .renumber = true };
	struct stat before, after, st;
	pid_t server;
	int fd, status, i;

	system("modprobe -q fuse");
	if (access("/dev/fuse", R_OK | W_OK))
		SKIP(return, "no /dev/fuse");
	ASSERT_EQ(0, stat(self->helper, &st));
	f.size = st.st_size;
	f.data = malloc(f.size);
	ASSERT_NE(NULL, f.data);
	fd = open(self->helper, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)f.size, read(fd, f.data, f.size));
	close(fd);
	join(mnt, self->dir, "fuse");
	join(victim, mnt, "victim");
	ASSERT_EQ(0, mkdir(mnt, 0755));
	fd = fuse_mount(mnt, "bulwark-drift");
	ASSERT_LE(0, fd)
	{
		TH_LOG("mount fuse: %s", strerror(errno));
	}
	fflush(NULL);
	server = fork();
	ASSERT_LE(0, server);
	if (!server)
		_exit(fuse_serve(fd, &f));
	close(fd);

	check_allowed(_metadata, self, variant, true, OP_EXEC, victim);
	ASSERT_EQ(0, run(self, variant, true, OP_OPENW, victim, NULL));
	ASSERT_EQ(0, stat(victim, &before));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(2, write_file("/proc/sys/vm/drop_caches", 0, "3\n", 2));
	ASSERT_EQ(0, stat(victim, &after));
	EXPECT_NE(before.st_ino, after.st_ino);
	check_exec(_metadata, self, variant, OP_EXEC, victim, victim);
	check_allowed(_metadata, self, variant, false, OP_EXEC, victim);

	EXPECT_EQ(0, umount2(mnt, MNT_DETACH));
	kill(server, SIGKILL);
	waitpid(server, &status, 0);
	free(f.data);
}

/*
 * jffs2 on a flash device names no block device, and its files were not
 * written through a mount the container makes: a flash filesystem the
 * container mounts is drifted whole, like a disk image.
 */
TEST_F(drift, flash_image_mounted_by_container)
{
	char mnt[PATH_MAX], prog[PATH_MAX], line[256], mtd[32] = "";
	unsigned long long blocked, audited;
	int status;
	FILE *p;

	if (system("modprobe mtdram total_size=4096 erase_size=64 >/dev/null 2>&1 && modprobe jffs2 >/dev/null 2>&1"))
		SKIP(return, "no mtdram or jffs2 module");
	p = fopen("/proc/mtd", "r");
	ASSERT_NE(NULL, p);
	while (fgets(line, sizeof(line), p))
		if (strstr(line, "mtdram test device"))
			sscanf(line, "%31[^:]", mtd);
	fclose(p);
	ASSERT_NE(0, mtd[0]);
	/* The host writes the program there, then lets the flash go. */
	join(mnt, self->dir, "mnt");
	join(prog, mnt, "prog");
	ASSERT_TRUE(!mkdir(mnt, 0755) || errno == EEXIST);
	ASSERT_EQ(0, mount(mtd, mnt, "jffs2", 0, NULL))
	{
		TH_LOG("mount %s: %s", mtd, strerror(errno));
	}
	ASSERT_EQ(0, copy_file(self->helper, prog));
	ASSERT_EQ(0, umount2(mnt, 0));

	usleep(LOG_PACE_US);
	blocked = counter(_metadata, COUNTER("drift_blocked"));
	audited = counter(_metadata, COUNTER("drift_audited"));
	status = run_own_mount(_metadata, self, variant, mtd, "jffs2", false);
	check_outcome(_metadata, variant, status, EXEC_FAILED, blocked,
		      audited);
	if (variant->mode == 2) {
		EXPECT_EQ(-1, self->j->ret);
		EXPECT_EQ(EPERM, self->j->err);
	}
}

TEST_F(drift, number_reused_after_delete)
{
	check_number_reused(_metadata, self, variant, "ext4", 16 << 20);
	if (system("modprobe xfs >/dev/null 2>&1; grep -qw xfs /proc/filesystems"))
		SKIP(return, "no xfs in this kernel");
	check_number_reused(_metadata, self, variant, "xfs", 320 << 20);
	/* xfs unloaded and loaded again: hooked again. */
	if (system("modprobe -r xfs >/dev/null 2>&1"))
		TH_LOG("xfs stays loaded");
	check_number_reused(_metadata, self, variant, "xfs", 320 << 20);
}

TEST_F(drift, host_binary_allowed)
{
	check_allowed(_metadata, self, variant, true, OP_EXEC, "/bin/true");
	check_allowed(_metadata, self, variant, true, OP_EXEC, self->helper);
}

TEST_F(drift, host_written_file_allowed)
{
	char x[PATH_MAX];

	join(x, self->dir, "x");
	ASSERT_EQ(0, copy_file(self->helper, x));
	check_allowed(_metadata, self, variant, true, OP_EXEC, x);
	check_allowed(_metadata, self, variant, true, OP_MMAP, x);
	check_allowed(_metadata, self, variant, true, OP_LDSO, x);
}

TEST_F(drift, host_runs_dropped_file)
{
	char x[PATH_MAX];

	join(x, self->dir, "x");
	drop(_metadata, self, variant, x);
	check_allowed(_metadata, self, variant, false, OP_EXEC, x);
	check_allowed(_metadata, self, variant, false, OP_MMAP, x);
}

TEST_F(drift, contained_read_of_dropped_file)
{
	char x[PATH_MAX];

	join(x, self->dir, "x");
	drop(_metadata, self, variant, x);
	check_allowed(_metadata, self, variant, true, OP_READ, x);
}

TEST_F(drift, recreated_by_host)
{
	char x[PATH_MAX];

	join(x, self->dir, "x");
	drop(_metadata, self, variant, x);
	ASSERT_EQ(0, unlink(x));
	ASSERT_EQ(0, copy_file(self->helper, x));
	check_allowed(_metadata, self, variant, true, OP_EXEC, x);
}

/* --- drift_mode: bad values and contained writers --------------------- */

FIXTURE(knob)
{
	char cgroup[PATH_MAX];
	bool made_docker;
};

FIXTURE_SETUP(knob)
{
	const char *why = module_unavailable(false);

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	if (access(SYSCTL_DIR "/drift_mode", F_OK))
		SKIP(return, "this bulwark has no drift rule");
}

FIXTURE_TEARDOWN_PARENT(knob)
{
	if (module_loaded())
		EXPECT_LT(0, write_knob("drift_mode", "1"));
	if (self->cgroup[0])
		EXPECT_EQ(0, rmdir(self->cgroup));
	if (self->made_docker)
		rmdir(CGROOT "/docker");
}

TEST_F(knob, out_of_range)
{
	static const char *const bad[] = { "3\n", "-1\n", "x\n", "3" };
	unsigned int i, m;

	for (m = 0; m <= 2; m++) {
		set_knob(_metadata, "drift_mode", m);
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			EXPECT_EQ(-1, write_knob("drift_mode", bad[i]));
			EXPECT_EQ(EINVAL, errno)
			{
				TH_LOG("writing \"%s\": %s", bad[i],
				       strerror(errno));
			}
			EXPECT_EQ(m, get_knob(_metadata, "drift_mode"));
		}
	}
}

TEST_F(knob, contained_writer)
{
	struct job *j = shared_alloc(sizeof(*j));

	ASSERT_NE(NULL, j);
	set_knob(_metadata, "drift_mode", 1);
	j->op = OP_WRITE_KNOB;
	strcpy(j->src, "0\n");
	ASSERT_EQ(0, run_in_context(CTX_PIDNS, do_job, j));
	EXPECT_EQ(-1, j->ret);
	EXPECT_EQ(EPERM, j->err);
	EXPECT_EQ(1ULL, get_knob(_metadata, "drift_mode"));

	self->made_docker = !mkdir(CGROOT "/docker", 0755);
	snprintf(self->cgroup, sizeof(self->cgroup),
		 CGROOT "/docker/" CONTAINER_ID);
	ASSERT_TRUE(!mkdir(self->cgroup, 0755) || errno == EEXIST);
	j->ret = 0;
	j->err = 0;
	join(j->procs, self->cgroup, "cgroup.procs");
	ASSERT_EQ(0, run_in_context(CTX_HOST, do_job, j));
	EXPECT_EQ(-1, j->ret);
	EXPECT_EQ(EPERM, j->err);
	EXPECT_EQ(1ULL, get_knob(_metadata, "drift_mode"));
}

TEST_HARNESS_MAIN
