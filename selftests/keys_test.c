// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark selftests - the host keys rule
 *
 * A host-like tree lives on a real ext4 filesystem (an image on a loop
 * device, so that chattr works), made and mounted once by main() in a
 * private mount namespace of this program.  Each test builds a fresh
 * case directory in it:
 *
 *   case.<pid>/root/                        on keys_dirs
 *   case.<pid>/root/.ssh/authorized_keys    the host's key file
 *   case.<pid>/root/.ssh/{known_hosts,staged}
 *   case.<pid>/root/empty/.ssh/             an empty .ssh
 *   case.<pid>/root/newuser/                a home without .ssh
 *   case.<pid>/outside/{evil,dir/}          same filesystem, not protected
 *   case.<pid>/container/root/.ssh/authorized_keys
 *                                           a container's own keys
 *
 * Every way to change the key file is tried by a host task, and by
 * contained tasks: pid 1 of a new pid namespace (still root in the
 * initial user namespace, so only bulwark can refuse it anything), and
 * pid 1 of new user, pid and mount namespaces that reach the tree
 * through a bind mount at another path.  A contained task is refused
 * with EPERM in enforce mode, the file's bytes and mode unchanged, and
 * keys_blocked counts exactly one decision; in audit mode and off, and
 * for the host, the operation succeeds, which also proves that each
 * denial comes from bulwark and not from a missing capability.  The
 * same holds through a chroot, /proc/<pid>/root and a second mount of
 * the same filesystem.  Reads, the container's own keys, other files
 * in .ssh and an exempt cgroup stay allowed.  The keys_dirs and
 * keys_names files are checked for their format and for who may write.
 */

#include <ftw.h>
#include <sys/ioctl.h>
#include <sys/xattr.h>
#include <time.h>

#include <linux/fs.h>
#include <linux/loop.h>

#include "common.h"

#define KEYS_DIRS SECURITYFS_DIR "/keys_dirs"
#define KEYS_NAMES SECURITYFS_DIR "/keys_names"
#define EXEMPT SECURITYFS_DIR "/exempt"
#define COUNTER(name) SYSFS_DIR "/counters/" name
#define CGROOT "/sys/fs/cgroup"

#define KEY_TEXT "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey root@host\n"
#define EVIL_TEXT "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEvilKey evil@box\n"
#define KEY_MODE 0600U

/* Exit code of a child whose own preparation (not the operation) failed. */
#define PREP_FAILED 126
/* The report lines' rate limit: 10 every 5 seconds. */
#define RATELIMIT_WAIT 6

/* --- The filesystem, set up once by main(). --- */

static struct {
	/* Why the ext4 tree is unavailable, or "" when it is ready. */
	char unavailable[512];
	char top[PATH_MAX];
	/* Mount point of the ext4 filesystem. */
	char fs[PATH_MAX];
	/* Where a test mounts it a second time. */
	char second[PATH_MAX];
	/* Where contained tasks bind-mount it. */
	char bind[PATH_MAX];
	char loopdev[64];
} g;

/* How a contained task reaches the tree. */
enum route {
	ROUTE_DIRECT,
	/* Its own mount namespace, the filesystem bind-mounted elsewhere. */
	ROUTE_BIND,
	ROUTE_CHROOT,
	ROUTE_PROC_ROOT,
	ROUTE_SECOND_MOUNT,
};

/* What is tried on the tree. */
enum op {
	OP_OPEN_WRITE,
	OP_OPEN_APPEND,
	OP_OPEN_RDWR,
	OP_OPEN_TRUNC,
	OP_CREATE,
	OP_MKNOD_REG,
	OP_MKNOD_FIFO,
	OP_TRUNCATE,
	OP_FTRUNCATE_INHERITED,
	OP_RENAME_ONTO,
	OP_RENAME_AWAY,
	OP_EXCHANGE,
	OP_LINK_ONTO,
	OP_LINK_AWAY,
	OP_SYMLINK,
	OP_UNLINK,
	OP_CHMOD,
	OP_CHOWN,
	OP_UTIMES,
	OP_SETFLAGS,
	OP_FSSETXATTR,
	OP_FILE_SETATTR_IMMUTABLE,
	OP_FILE_SETATTR_NOAPPEND,
	OP_FILE_SETATTR_PROJID,
	OP_SETXATTR,
	OP_SET_ACL,
	OP_RENAME_SSH,
	OP_RMDIR_SSH,
	OP_SYMLINK_SSH,
	OP_MOVE_DIR_IN,
	OP_MOVE_DIR_OUT,
	OP_RENAME_KEYS_DIR,
	/* Allowed to everyone. */
	OP_READ,
	OP_GETFLAGS,
	OP_REMOVEXATTR,
	OP_WRITE_KNOWN_HOSTS,
	OP_RENAME_KNOWN_HOSTS,
	OP_MKDIR_SSH,
	OP_RENAME_HOME,
	OP_OWN_KEYS_APPEND,
	OP_OWN_KEYS_CREATE,
	OP_OWN_KEYS_UNLINK,
};

/**
 * struct op_info - what an operation must leave alone when denied
 */
struct op_info {
	const char *name;
	/* The operation changes the host's keys: refused when contained. */
	bool protected;
	/* A path of the case directory that a denial leaves absent. */
	const char *absent;
	/* A path of the case directory that a denial leaves present. */
	const char *present;
};

static const struct op_info ops[] = {
	[OP_OPEN_WRITE] = { .name = "open O_WRONLY", .protected = true },
	[OP_OPEN_APPEND] = { .name = "open O_APPEND", .protected = true },
	[OP_OPEN_RDWR] = { .name = "open O_RDWR", .protected = true },
	[OP_OPEN_TRUNC] = {
		.name = "open O_RDONLY|O_TRUNC",
		.protected = true,
	},
	[OP_CREATE] = {
		.name = "open O_CREAT",
		.protected = true,
		.absent = "root/.ssh/authorized_keys2",
	},
	[OP_MKNOD_REG] = {
		.name = "mknod S_IFREG",
		.protected = true,
		.absent = "root/.ssh/authorized_keys2",
	},
	[OP_MKNOD_FIFO] = {
		.name = "mknod S_IFIFO",
		.protected = true,
		.absent = "root/.ssh/authorized_keys2",
	},
	[OP_TRUNCATE] = { .name = "truncate", .protected = true },
	[OP_FTRUNCATE_INHERITED] = {
		.name = "ftruncate on an inherited fd",
		.protected = true,
	},
	[OP_RENAME_ONTO] = {
		.name = "rename onto",
		.protected = true,
		.present = "root/.ssh/staged",
	},
	[OP_RENAME_AWAY] = {
		.name = "rename away",
		.protected = true,
		.absent = "root/.ssh/old",
	},
	[OP_EXCHANGE] = {
		.name = "RENAME_EXCHANGE",
		.protected = true,
		.present = "root/.ssh/staged",
	},
	[OP_LINK_ONTO] = {
		.name = "link onto",
		.protected = true,
		.absent = "root/.ssh/authorized_keys2",
	},
	[OP_LINK_AWAY] = {
		.name = "link away",
		.protected = true,
		.absent = "outside/keys-link",
	},
	[OP_SYMLINK] = {
		.name = "symlink",
		.protected = true,
		.absent = "root/.ssh/authorized_keys2",
	},
	[OP_UNLINK] = { .name = "unlink", .protected = true },
	[OP_CHMOD] = { .name = "chmod", .protected = true },
	[OP_CHOWN] = { .name = "chown", .protected = true },
	[OP_UTIMES] = { .name = "utimes", .protected = true },
	[OP_SETFLAGS] = { .name = "FS_IOC_SETFLAGS", .protected = true },
	[OP_FSSETXATTR] = { .name = "FS_IOC_FSSETXATTR", .protected = true },
	[OP_FILE_SETATTR_IMMUTABLE] = {
		.name = "file_setattr +i",
		.protected = true,
	},
	[OP_FILE_SETATTR_NOAPPEND] = {
		.name = "file_setattr -a",
		.protected = true,
	},
	[OP_FILE_SETATTR_PROJID] = {
		.name = "file_setattr project id",
		.protected = true,
	},
	[OP_SETXATTR] = { .name = "setxattr", .protected = true },
	[OP_SET_ACL] = { .name = "setfacl", .protected = true },
	[OP_RENAME_SSH] = {
		.name = "rename .ssh",
		.protected = true,
		.absent = "root/.ssh-old",
		.present = "root/.ssh",
	},
	[OP_RMDIR_SSH] = {
		.name = "rmdir .ssh",
		.protected = true,
		.present = "root/empty/.ssh",
	},
	[OP_SYMLINK_SSH] = {
		.name = "symlink .ssh",
		.protected = true,
		.absent = "root/newuser/.ssh",
	},
	[OP_MOVE_DIR_IN] = {
		.name = "move a directory in",
		.protected = true,
		.absent = "root/newuser/dir",
		.present = "outside/dir",
	},
	[OP_MOVE_DIR_OUT] = {
		.name = "move a directory out",
		.protected = true,
		.absent = "outside/newuser",
		.present = "root/newuser",
	},
	[OP_RENAME_KEYS_DIR] = {
		.name = "rename the keys_dirs directory",
		.protected = true,
		.absent = "root-old",
		.present = "root",
	},
	[OP_READ] = { .name = "read" },
	[OP_GETFLAGS] = { .name = "FS_IOC_GETFLAGS" },
	[OP_REMOVEXATTR] = { .name = "removexattr" },
	[OP_WRITE_KNOWN_HOSTS] = { .name = "write known_hosts" },
	[OP_RENAME_KNOWN_HOSTS] = { .name = "rename known_hosts" },
	[OP_MKDIR_SSH] = { .name = "mkdir .ssh" },
	[OP_RENAME_HOME] = { .name = "rename a home within /home" },
	[OP_OWN_KEYS_APPEND] = { .name = "append to the container's own keys" },
	[OP_OWN_KEYS_CREATE] = { .name = "create the container's own keys" },
	[OP_OWN_KEYS_UNLINK] = { .name = "unlink the container's own keys" },
};

/**
 * struct job - one operation, set up by the test, done by a child
 */
struct job {
	enum op op;
	enum route route;
	/* The case directory, as the test sees it. */
	char base[PATH_MAX];
	/* Its name in the filesystem's root directory. */
	char name[64];
	/* The test's pid, for ROUTE_PROC_ROOT. */
	pid_t test_pid;
	/* For OP_FTRUNCATE_INHERITED: the key file, open for writing. */
	int fd;
	/* A cgroup.procs file to join first, or "". */
	char procs[PATH_MAX];
	/* The child runs in a user namespace of its own. */
	bool userns;
};

/* @a/@b into @buf, which has room for PATH_MAX bytes. */
static void join(char *buf, const char *a, const char *b)
{
	/* The paths here are short: a longer one is a bug of the test. */
	if (snprintf(buf, PATH_MAX, "%s/%s", a, b) >= PATH_MAX)
		abort();
}

/* Writes @text to a new file @path with mode @mode; 0 or -1. */
static int make_file(const char *path, const char *text, mode_t mode)
{
	ssize_t len = strlen(text);
	int fd, ret = -1;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	if (write(fd, text, len) == len && !fchmod(fd, mode))
		ret = 0;
	close(fd);
	return ret;
}

/* Appends @text to @path; 0 or errno. */
static int append_to(const char *path, int flags)
{
	ssize_t len = strlen(EVIL_TEXT);
	int fd, err = 0;

	fd = open(path, flags | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno;
	if (write(fd, EVIL_TEXT, len) != len)
		err = errno ?: EIO;
	close(fd);
	return err;
}

/* FS_IOC_SETFLAGS or FS_IOC_FSSETXATTR adding "no atime"; 0 or errno. */
static int set_noatime(const char *path, bool fsx)
{
	struct fsxattr xa;
	int fd, err = 0;
	long flags;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (fsx) {
		if (ioctl(fd, FS_IOC_FSGETXATTR, &xa))
			err = PREP_FAILED;
		xa.fsx_xflags |= FS_XFLAG_NOATIME;
		if (!err && ioctl(fd, FS_IOC_FSSETXATTR, &xa))
			err = errno;
	} else {
		if (ioctl(fd, FS_IOC_GETFLAGS, &flags))
			err = PREP_FAILED;
		flags |= FS_NOATIME_FL;
		if (!err && ioctl(fd, FS_IOC_SETFLAGS, &flags))
			err = errno;
	}
	close(fd);
	return err;
}

/*
 * file_setattr(2), new in v6.17, and its struct file_attr: this C
 * library's headers may predate them.  The size of the first version
 * of the structure is part of the ABI.
 */
#define NR_FILE_SETATTR 469

struct file_attr_v0 {
	__u64 fa_xflags;
	__u32 fa_extsize;
	__u32 fa_nextents;
	__u32 fa_projid;
	__u32 fa_cowextsize;
};

/* The project id the tests set, and the flags they take away again. */
#define TEST_PROJID 4242
#define STICKY_XFLAGS (FS_XFLAG_IMMUTABLE | FS_XFLAG_APPEND)

/* FS_IOC_FSGETXATTR or FS_IOC_FSSETXATTR on @path; 0 or -1. */
static int fsx_ioctl(const char *path, unsigned long cmd, struct fsxattr *xa)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = ioctl(fd, cmd, xa);
	close(fd);
	return ret;
}

#define get_fsx(path, xa) fsx_ioctl(path, FS_IOC_FSGETXATTR, xa)
#define set_fsx(path, xa) fsx_ioctl(path, FS_IOC_FSSETXATTR, xa)

/*
 * file_setattr(2) on @path, making the change @op names: set the
 * immutable flag, clear the append-only flag (which the test set
 * first), or change the project id; 0 or errno.  All three need
 * privilege in the initial user namespace, which a task in a user
 * namespace of its own does not have whatever bulwark says: there the
 * change is "no atime", which ownership alone allows.
 */
static int file_setattr_change(const char *path, enum op op, bool userns)
{
	struct file_attr_v0 fa;
	struct fsxattr xa;

	if (get_fsx(path, &xa))
		return PREP_FAILED;
	fa = (struct file_attr_v0){
		.fa_xflags = xa.fsx_xflags,
		.fa_extsize = xa.fsx_extsize,
		.fa_projid = xa.fsx_projid,
		.fa_cowextsize = xa.fsx_cowextsize,
	};
	if (userns)
		fa.fa_xflags |= FS_XFLAG_NOATIME;
	else if (op == OP_FILE_SETATTR_IMMUTABLE)
		fa.fa_xflags |= FS_XFLAG_IMMUTABLE;
	else if (op == OP_FILE_SETATTR_NOAPPEND)
		fa.fa_xflags &= ~(__u64)FS_XFLAG_APPEND;
	else
		fa.fa_projid = TEST_PROJID;
	if (syscall(NR_FILE_SETATTR, AT_FDCWD, path, &fa, sizeof(fa), 0))
		return errno;
	return 0;
}

static bool is_file_setattr(enum op op)
{
	return op == OP_FILE_SETATTR_IMMUTABLE ||
	       op == OP_FILE_SETATTR_NOAPPEND || op == OP_FILE_SETATTR_PROJID;
}

/* The xattr the fixture sets on the key file. */
#define XATTR_NAME "user.bulwark"

/* setfacl -m u:0:r: an ACL as the system.posix_acl_access xattr. */
static int set_acl(const char *path)
{
	struct {
		unsigned int version;
		struct {
			unsigned short tag, perm;
			unsigned int id;
		} e[5];
	} acl = {
		.version = 2,
		.e = {
			{ 0x01, 6, -1U },	/* ACL_USER_OBJ rw */
			{ 0x02, 4, 0 },		/* ACL_USER 0 r */
			{ 0x04, 0, -1U },	/* ACL_GROUP_OBJ */
			{ 0x10, 4, -1U },	/* ACL_MASK r */
			{ 0x20, 0, -1U },	/* ACL_OTHER */
		},
	};

	return setxattr(path, "system.posix_acl_access", &acl, sizeof(acl),
			0) ? errno : 0;
}

/* Reads the key file and checks its bytes; 0 or errno. */
static int read_key(const char *path)
{
	char buf[256];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return errno;
	buf[n] = '\0';
	return strcmp(buf, KEY_TEXT) ? PREP_FAILED : 0;
}

/* #define'd so that every case below reads as one line. */
#define P(rel) (join(p, b, rel), p)
#define Q(rel) (join(q, b, rel), q)
#define RET(expr) ((expr) ? errno : 0)

/* In a child that joined j->procs before its namespaces. */
static bool joined;

/* In the child: reaches the tree by j->route, then does j->op. */
static int do_op(void *arg)
{
	const struct job *j = arg;
	char b[PATH_MAX], p[PATH_MAX], q[PATH_MAX];
	const char *key = "root/.ssh/authorized_keys";
	int fd;

	if (j->procs[0] && !joined && write_file(j->procs, 0, "0", 1) != 1)
		return PREP_FAILED;

	switch (j->route) {
	case ROUTE_DIRECT:
		strcpy(b, j->base);
		break;
	case ROUTE_BIND:
		if (unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount(g.fs, g.bind, NULL, MS_BIND, NULL))
			return PREP_FAILED;
		join(b, g.bind, j->name);
		break;
	case ROUTE_CHROOT:
		if (chroot(g.fs) || chdir("/"))
			return PREP_FAILED;
		snprintf(b, sizeof(b), "/%s", j->name);
		break;
	case ROUTE_PROC_ROOT:
		if (snprintf(b, sizeof(b), "/proc/%d/root%s", j->test_pid,
			     j->base) >= (int)sizeof(b))
			return PREP_FAILED;
		break;
	case ROUTE_SECOND_MOUNT:
		join(b, g.second, j->name);
		break;
	}

	switch (j->op) {
	case OP_OPEN_WRITE:
		return append_to(P(key), O_WRONLY);
	case OP_OPEN_APPEND:
		return append_to(P(key), O_WRONLY | O_APPEND);
	case OP_OPEN_RDWR:
		return append_to(P(key), O_RDWR);
	case OP_OPEN_TRUNC:
		fd = open(P(key), O_RDONLY | O_TRUNC | O_CLOEXEC);
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	case OP_CREATE:
		return append_to(P("root/.ssh/authorized_keys2"),
				 O_WRONLY | O_CREAT | O_EXCL);
	case OP_MKNOD_REG:
		return RET(mknod(P("root/.ssh/authorized_keys2"),
				 S_IFREG | 0600, 0));
	case OP_MKNOD_FIFO:
		return RET(mknod(P("root/.ssh/authorized_keys2"),
				 S_IFIFO | 0600, 0));
	case OP_TRUNCATE:
		return RET(truncate(P(key), 0));
	case OP_FTRUNCATE_INHERITED:
		return RET(ftruncate(j->fd, 0));
	case OP_RENAME_ONTO:
		return RET(rename(P("root/.ssh/staged"), Q(key)));
	case OP_RENAME_AWAY:
		return RET(rename(P(key), Q("root/.ssh/old")));
	case OP_EXCHANGE:
		return RET(renameat2(AT_FDCWD, P("root/.ssh/staged"),
				     AT_FDCWD, Q(key), RENAME_EXCHANGE));
	case OP_LINK_ONTO:
		return RET(link(P("outside/evil"),
				Q("root/.ssh/authorized_keys2")));
	case OP_LINK_AWAY:
		return RET(link(P(key), Q("outside/keys-link")));
	case OP_SYMLINK:
		return RET(symlink(P("outside/evil"),
				   Q("root/.ssh/authorized_keys2")));
	case OP_UNLINK:
		return RET(unlink(P(key)));
	case OP_CHMOD:
		return RET(chmod(P(key), 0644));
	case OP_CHOWN:
		return RET(chown(P(key), 0, 0));
	case OP_UTIMES:
		return RET(utimensat(AT_FDCWD, P(key), NULL, 0));
	case OP_SETFLAGS:
		return set_noatime(P(key), false);
	case OP_FSSETXATTR:
		return set_noatime(P(key), true);
	case OP_FILE_SETATTR_IMMUTABLE:
	case OP_FILE_SETATTR_NOAPPEND:
	case OP_FILE_SETATTR_PROJID:
		return file_setattr_change(P(key), j->op, j->userns);
	case OP_SETXATTR:
		return RET(setxattr(P(key), XATTR_NAME, "evil", 4, 0));
	case OP_REMOVEXATTR:
		return RET(removexattr(P(key), XATTR_NAME));
	case OP_SET_ACL:
		return set_acl(P(key));
	case OP_RENAME_SSH:
		return RET(rename(P("root/.ssh"), Q("root/.ssh-old")));
	case OP_RMDIR_SSH:
		return RET(rmdir(P("root/empty/.ssh")));
	case OP_SYMLINK_SSH:
		return RET(symlink(P("outside"), Q("root/newuser/.ssh")));
	case OP_MOVE_DIR_IN:
		return RET(rename(P("outside/dir"), Q("root/newuser/dir")));
	case OP_MOVE_DIR_OUT:
		return RET(rename(P("root/newuser"), Q("outside/newuser")));
	case OP_RENAME_KEYS_DIR:
		return RET(rename(P("root"), Q("root-old")));
	case OP_READ:
		return read_key(P(key));
	case OP_GETFLAGS:
		fd = open(P(key), O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return errno;
		return RET(ioctl(fd, FS_IOC_GETFLAGS, &(long){ 0 }));
	case OP_WRITE_KNOWN_HOSTS:
		return append_to(P("root/.ssh/known_hosts"),
				 O_WRONLY | O_APPEND);
	case OP_RENAME_KNOWN_HOSTS:
		return RET(rename(P("root/.ssh/known_hosts"),
				  Q("root/.ssh/known_hosts.old")));
	case OP_MKDIR_SSH:
		return RET(mkdir(P("root/newuser/.ssh"), 0700));
	case OP_RENAME_HOME:
		return RET(rename(P("root/newuser"), Q("root/newuser2")));
	case OP_OWN_KEYS_APPEND:
		return append_to(P("container/root/.ssh/authorized_keys"),
				 O_WRONLY | O_APPEND);
	case OP_OWN_KEYS_CREATE:
		return append_to(P("container/root/.ssh/authorized_keys2"),
				 O_WRONLY | O_CREAT | O_EXCL);
	case OP_OWN_KEYS_UNLINK:
		return RET(unlink(P("container/root/.ssh/authorized_keys")));
	}
	return PREP_FAILED;
}

/* --- Policy files. --- */

/* One session writing all of @text; true when write() and close() took it. */
static bool put_policy(const char *path, const char *text, int flags)
{
	return policy_write(path, text, flags) == (ssize_t)strlen(text);
}


static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/**
 * struct tree - a case directory and the policy it replaced
 */
struct tree {
	char base[PATH_MAX];
	char name[64];
	/* keys_dirs and keys_names as they were before the test. */
	char saved_dirs[4096];
	char saved_names[4096];
	bool saved;
	/* The keys_mode the test sets. */
	int mode;
};

/* Builds the case directory and puts its root/ on keys_dirs. */
static void tree_setup(struct __test_metadata *const _metadata,
		       struct tree *t, int mode)
{
	static const char *const dirs[] = {
		"root", "root/.ssh", "root/empty", "root/empty/.ssh",
		"root/newuser", "outside", "outside/dir", "container",
		"container/root", "container/root/.ssh",
	};
	char p[PATH_MAX], line[PATH_MAX + 8];
	size_t i;

	if (g.unavailable[0])
		SKIP(return, "%.512s", g.unavailable);
	ensure_loaded(_metadata);

	snprintf(t->name, sizeof(t->name), "case.%d", getpid());
	join(t->base, g.fs, t->name);
	ASSERT_EQ(0, mkdir(t->base, 0755));
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		join(p, t->base, dirs[i]);
		ASSERT_EQ(0, mkdir(p, 0755));
	}
	join(p, t->base, "root/.ssh/authorized_keys");
	ASSERT_EQ(0, make_file(p, KEY_TEXT, KEY_MODE));
	ASSERT_EQ(0, setxattr(p, XATTR_NAME, "host", 4, 0));
	join(p, t->base, "root/.ssh/known_hosts");
	ASSERT_EQ(0, make_file(p, "host ssh-ed25519 AAAA\n", 0644));
	join(p, t->base, "root/.ssh/staged");
	ASSERT_EQ(0, make_file(p, EVIL_TEXT, KEY_MODE));
	join(p, t->base, "outside/evil");
	ASSERT_EQ(0, make_file(p, EVIL_TEXT, KEY_MODE));
	join(p, t->base, "container/root/.ssh/authorized_keys");
	ASSERT_EQ(0, make_file(p, KEY_TEXT, KEY_MODE));

	ASSERT_LE(0, read_file(KEYS_DIRS, t->saved_dirs,
			       sizeof(t->saved_dirs)));
	ASSERT_LE(0, read_file(KEYS_NAMES, t->saved_names,
			       sizeof(t->saved_names)));
	t->saved = true;
	snprintf(line, sizeof(line), "%s/root\n", t->base);
	ASSERT_TRUE(put_policy(KEYS_DIRS, line, 0));
	ASSERT_TRUE(put_policy(KEYS_NAMES,
			       "authorized_keys\nauthorized_keys2\n", 0));
	t->mode = mode;
	set_knob(_metadata, "keys_mode", mode);
}

/* For either process of the harness: puts everything back. */
static void tree_teardown(struct __test_metadata *const _metadata,
			  struct tree *t)
{
	EXPECT_LT(0, write_knob("keys_mode", "2"));
	if (t->saved) {
		/* The old lists first: they hold the directory. */
		EXPECT_EQ((ssize_t)strlen(t->saved_dirs),
			  policy_write(KEYS_DIRS, t->saved_dirs, O_TRUNC));
		EXPECT_EQ((ssize_t)strlen(t->saved_names),
			  policy_write(KEYS_NAMES, t->saved_names, O_TRUNC));
		t->saved = false;
	}
	if (t->base[0] && !access(t->base, F_OK)) {
		char p[PATH_MAX];
		struct fsxattr xa;

		/* A test may have left +i or +a on the key file. */
		join(p, t->base, "root/.ssh/authorized_keys");
		if (!get_fsx(p, &xa) && (xa.fsx_xflags & STICKY_XFLAGS)) {
			xa.fsx_xflags &= ~STICKY_XFLAGS;
			EXPECT_EQ(0, set_fsx(p, &xa));
		}
		EXPECT_EQ(0, nftw(t->base, remove_one, 16,
				  FTW_DEPTH | FTW_PHYS));
	}
	t->base[0] = '\0';
}

/**
 * struct expect - who runs an operation, and what must come of it
 */
struct expect {
	enum context ctx;
	enum route route;
	int mode;
	/* Protected operations are refused with EPERM. */
	bool deny;
	/* Protected operations are counted in keys_audited. */
	bool audit;
};

/* Checks that the host's keys are as the fixture made them. */
static void assert_untouched(struct __test_metadata *const _metadata,
			     const struct tree *t, const struct op_info *info)
{
	char p[PATH_MAX], buf[256];
	struct stat st;

	join(p, t->base, "root/.ssh/authorized_keys");
	ASSERT_LE(0, read_file(p, buf, sizeof(buf)))
	{
		TH_LOG("%s: the key file is gone: %s", info->name,
		       strerror(errno));
	}
	EXPECT_STREQ(KEY_TEXT, buf);
	EXPECT_EQ(4, getxattr(p, XATTR_NAME, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "host", 4));
	EXPECT_EQ(-1, getxattr(p, "system.posix_acl_access", buf,
			       sizeof(buf)));
	ASSERT_EQ(0, lstat(p, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(KEY_MODE, st.st_mode & 07777);
	if (info->absent) {
		join(p, t->base, info->absent);
		EXPECT_EQ(-1, lstat(p, &st))
		{
			TH_LOG("%s: %s appeared", info->name, p);
		}
	}
	if (info->present) {
		join(p, t->base, info->present);
		EXPECT_EQ(0, lstat(p, &st))
		{
			TH_LOG("%s: %s went away", info->name, p);
		}
	}
}

/* Runs @op as @e says and checks the outcome, the counters, the tree. */
static void check_op(struct __test_metadata *const _metadata,
		     const struct tree *t, const struct expect *e,
		     enum op op)
{
	const struct op_info *info = &ops[op];
	unsigned long long blocked, audited;
	bool denied = info->protected && e->deny;
	struct job j = {
		.op = op,
		.route = e->route,
		.test_pid = getpid(),
		.fd = -1,
	};
	char key[PATH_MAX];
	struct fsxattr before, after;
	int status;

	strcpy(j.base, t->base);
	strcpy(j.name, t->name);
	j.userns = e->ctx == CTX_USERNS || e->ctx == CTX_USERNS_PIDNS;
	join(key, t->base, "root/.ssh/authorized_keys");
	if (op == OP_FTRUNCATE_INHERITED) {
		j.fd = open(key, O_WRONLY | O_CLOEXEC);
		ASSERT_LE(0, j.fd);
	}
	if (op == OP_FILE_SETATTR_NOAPPEND && !j.userns) {
		/* The host made its key file append-only. */
		ASSERT_EQ(0, get_fsx(key, &before));
		before.fsx_xflags |= FS_XFLAG_APPEND;
		ASSERT_EQ(0, set_fsx(key, &before));
	}
	ASSERT_EQ(0, get_fsx(key, &before));
	blocked = counter(_metadata, COUNTER("keys_blocked"));
	audited = counter(_metadata, COUNTER("keys_audited"));

	status = run_in_context(e->ctx, do_op, &j);
	if (j.fd >= 0)
		close(j.fd);
	if (status == CTX_SETUP_FAILED)
		SKIP(return, "cannot enter the %s context",
		     context_name(e->ctx));
	ASSERT_NE(PREP_FAILED, status)
	{
		TH_LOG("%s: the child's preparation failed", info->name);
	}
	if (is_file_setattr(op) && status == ENOSYS)
		SKIP(return, "no file_setattr(2) before v6.17");

	if (denied) {
		EXPECT_EQ(EPERM, status)
		{
			TH_LOG("%s by a contained task: %s", info->name,
			       status ? strerror(status) : "allowed");
		}
		EXPECT_EQ(blocked + 1,
			  counter(_metadata, COUNTER("keys_blocked")));
		assert_untouched(_metadata, t, info);
		/* Inode flags and project id: as the host left them. */
		ASSERT_EQ(0, get_fsx(key, &after));
		EXPECT_EQ(before.fsx_xflags, after.fsx_xflags);
		EXPECT_EQ(before.fsx_projid, after.fsx_projid);
	} else {
		EXPECT_EQ(0, status)
		{
			TH_LOG("%s in the %s context, keys_mode %d: %s",
			       info->name, context_name(e->ctx), e->mode,
			       strerror(status));
		}
		EXPECT_EQ(blocked, counter(_metadata, COUNTER("keys_blocked")));
	}
	EXPECT_EQ(audited + (info->protected && e->audit),
		  counter(_metadata, COUNTER("keys_audited")));
}

/* --- Every operation, by every kind of task. --- */

FIXTURE(keys)
{
	struct tree t;
};

FIXTURE_VARIANT(keys)
{
	struct expect e;
};

FIXTURE_VARIANT_ADD(keys, host_enforce)
{
	.e = { .ctx = CTX_HOST, .mode = 2 },
};

FIXTURE_VARIANT_ADD(keys, pidns_off)
{
	.e = { .ctx = CTX_PIDNS, .mode = 0 },
};

FIXTURE_VARIANT_ADD(keys, pidns_audit)
{
	.e = { .ctx = CTX_PIDNS, .mode = 1, .audit = true },
};

FIXTURE_VARIANT_ADD(keys, pidns_enforce)
{
	.e = { .ctx = CTX_PIDNS, .mode = 2, .deny = true },
};

FIXTURE_VARIANT_ADD(keys, userns_bind_off)
{
	.e = { .ctx = CTX_USERNS_PIDNS, .route = ROUTE_BIND, .mode = 0 },
};

FIXTURE_VARIANT_ADD(keys, userns_bind_enforce)
{
	.e = { .ctx = CTX_USERNS_PIDNS, .route = ROUTE_BIND, .mode = 2,
	       .deny = true },
};

FIXTURE_SETUP(keys)
{
	tree_setup(_metadata, &self->t, variant->e.mode);
}

FIXTURE_TEARDOWN_PARENT(keys)
{
	tree_teardown(_metadata, &self->t);
}

#define KEYS_TEST(_name, _op)						\
	TEST_F(keys, _name)						\
	{								\
		check_op(_metadata, &self->t, &variant->e, _op);	\
	}

KEYS_TEST(open_write, OP_OPEN_WRITE)
KEYS_TEST(open_append, OP_OPEN_APPEND)
KEYS_TEST(open_rdwr, OP_OPEN_RDWR)
KEYS_TEST(open_trunc, OP_OPEN_TRUNC)
KEYS_TEST(create, OP_CREATE)
KEYS_TEST(mknod_reg, OP_MKNOD_REG)
KEYS_TEST(mknod_fifo, OP_MKNOD_FIFO)
KEYS_TEST(truncate, OP_TRUNCATE)
KEYS_TEST(ftruncate_inherited_fd, OP_FTRUNCATE_INHERITED)
KEYS_TEST(rename_onto, OP_RENAME_ONTO)
KEYS_TEST(rename_away, OP_RENAME_AWAY)
KEYS_TEST(rename_exchange, OP_EXCHANGE)
KEYS_TEST(link_onto, OP_LINK_ONTO)
KEYS_TEST(link_away, OP_LINK_AWAY)
KEYS_TEST(symlink, OP_SYMLINK)
KEYS_TEST(unlink, OP_UNLINK)
KEYS_TEST(chmod, OP_CHMOD)
KEYS_TEST(chown, OP_CHOWN)
KEYS_TEST(utimes, OP_UTIMES)
KEYS_TEST(chattr_setflags, OP_SETFLAGS)
KEYS_TEST(chattr_fssetxattr, OP_FSSETXATTR)
KEYS_TEST(file_setattr_immutable, OP_FILE_SETATTR_IMMUTABLE)
KEYS_TEST(file_setattr_noappend, OP_FILE_SETATTR_NOAPPEND)
KEYS_TEST(file_setattr_projid, OP_FILE_SETATTR_PROJID)
KEYS_TEST(setxattr, OP_SETXATTR)
KEYS_TEST(setfacl, OP_SET_ACL)
KEYS_TEST(rename_ssh_dir, OP_RENAME_SSH)
KEYS_TEST(rmdir_ssh_dir, OP_RMDIR_SSH)
KEYS_TEST(symlink_ssh_dir, OP_SYMLINK_SSH)
KEYS_TEST(move_dir_in, OP_MOVE_DIR_IN)
KEYS_TEST(move_dir_out, OP_MOVE_DIR_OUT)
KEYS_TEST(rename_keys_dir, OP_RENAME_KEYS_DIR)
KEYS_TEST(read, OP_READ)
KEYS_TEST(removexattr, OP_REMOVEXATTR)
KEYS_TEST(getflags, OP_GETFLAGS)
KEYS_TEST(write_known_hosts, OP_WRITE_KNOWN_HOSTS)
KEYS_TEST(rename_known_hosts, OP_RENAME_KNOWN_HOSTS)
KEYS_TEST(mkdir_ssh_dir, OP_MKDIR_SSH)
KEYS_TEST(rename_home_within, OP_RENAME_HOME)
KEYS_TEST(own_keys_append, OP_OWN_KEYS_APPEND)
KEYS_TEST(own_keys_create, OP_OWN_KEYS_CREATE)
KEYS_TEST(own_keys_unlink, OP_OWN_KEYS_UNLINK)

/* --- Other paths to the same directories. --- */

FIXTURE(route)
{
	struct tree t;
	bool second_mounted;
};

FIXTURE_VARIANT(route)
{
	struct expect e;
};

FIXTURE_VARIANT_ADD(route, bind_mount)
{
	.e = { .ctx = CTX_PIDNS, .route = ROUTE_BIND, .mode = 2,
	       .deny = true },
};

FIXTURE_VARIANT_ADD(route, chroot)
{
	.e = { .ctx = CTX_PIDNS, .route = ROUTE_CHROOT, .mode = 2,
	       .deny = true },
};

FIXTURE_VARIANT_ADD(route, proc_pid_root)
{
	.e = { .ctx = CTX_PIDNS, .route = ROUTE_PROC_ROOT, .mode = 2,
	       .deny = true },
};

FIXTURE_VARIANT_ADD(route, second_mount)
{
	.e = { .ctx = CTX_PIDNS, .route = ROUTE_SECOND_MOUNT, .mode = 2,
	       .deny = true },
};

FIXTURE_VARIANT_ADD(route, second_mount_userns)
{
	.e = { .ctx = CTX_USERNS_PIDNS, .route = ROUTE_SECOND_MOUNT,
	       .mode = 2, .deny = true },
};

FIXTURE_SETUP(route)
{
	tree_setup(_metadata, &self->t, variant->e.mode);
	if (g.unavailable[0])
		return;
	if (variant->e.route == ROUTE_SECOND_MOUNT) {
		/* The same block device: the same superblock and dentries. */
		ASSERT_EQ(0, mount(g.loopdev, g.second, "ext4", 0, NULL))
		{
			TH_LOG("mount %s on %s: %s", g.loopdev, g.second,
			       strerror(errno));
		}
		self->second_mounted = true;
	}
}

FIXTURE_TEARDOWN_PARENT(route)
{
	tree_teardown(_metadata, &self->t);
	if (self->second_mounted)
		umount2(g.second, MNT_DETACH);
}

#define ROUTE_TEST(_name, _op)						\
	TEST_F(route, _name)						\
	{								\
		check_op(_metadata, &self->t, &variant->e, _op);	\
	}

ROUTE_TEST(open_append, OP_OPEN_APPEND)
ROUTE_TEST(create, OP_CREATE)
ROUTE_TEST(rename_onto, OP_RENAME_ONTO)
ROUTE_TEST(unlink, OP_UNLINK)
ROUTE_TEST(chmod, OP_CHMOD)
ROUTE_TEST(chattr, OP_SETFLAGS)
ROUTE_TEST(file_setattr, OP_FILE_SETATTR_IMMUTABLE)
ROUTE_TEST(rename_ssh_dir, OP_RENAME_SSH)
ROUTE_TEST(read, OP_READ)
ROUTE_TEST(own_keys_append, OP_OWN_KEYS_APPEND)
ROUTE_TEST(own_keys_create, OP_OWN_KEYS_CREATE)

/* --- Policy, identity, exempt cgroups, the log. --- */

FIXTURE(policy)
{
	struct tree t;
	char cgroup[PATH_MAX];
	char saved_exempt[4096];
	bool exempt_saved;
};

FIXTURE_SETUP(policy)
{
	tree_setup(_metadata, &self->t, 2);
}

FIXTURE_TEARDOWN_PARENT(policy)
{
	if (self->exempt_saved)
		EXPECT_EQ((ssize_t)strlen(self->saved_exempt),
			  policy_write(EXEMPT, self->saved_exempt, O_TRUNC));
	if (self->cgroup[0])
		rmdir(self->cgroup);
	tree_teardown(_metadata, &self->t);
}

static const struct expect contained = {
	.ctx = CTX_PIDNS, .mode = 2, .deny = true,
};

/* Has a contained task try @op; returns its exit code. */
static int contained_op(const struct tree *t, enum op op)
{
	struct job j = { .op = op, .fd = -1 };

	strcpy(j.base, t->base);
	strcpy(j.name, t->name);
	return run_in_context(CTX_PIDNS, do_op, &j);
}

/* Reads a policy file and compares it with @want. */
static void expect_policy(struct __test_metadata *const _metadata,
			  const char *path, const char *want)
{
	char buf[4096];

	ASSERT_LE(0, read_file(path, buf, sizeof(buf)));
	EXPECT_STREQ(want, buf);
}

TEST_F(policy, files_mode_0600)
{
	struct stat st;

	ASSERT_EQ(0, stat(KEYS_DIRS, &st));
	EXPECT_EQ(0600U, st.st_mode & 07777);
	ASSERT_EQ(0, stat(KEYS_NAMES, &st));
	EXPECT_EQ(0600U, st.st_mode & 07777);
}

TEST_F(policy, dirs_canonical)
{
	char text[4 * PATH_MAX], want[PATH_MAX + 8];
	unsigned long long loads = counter(_metadata, COUNTER("policy_loads"));

	/* Blanks, comments, white space, a trailing '/', "..", repeats. */
	snprintf(text, sizeof(text),
		 "# host homes\n\n  %s/root/  \n%s/outside/../root\n\t\n",
		 self->t.base, self->t.base);
	ASSERT_TRUE(put_policy(KEYS_DIRS, text, 0));
	snprintf(want, sizeof(want), "%s/root\n", self->t.base);
	expect_policy(_metadata, KEYS_DIRS, want);
	EXPECT_EQ(loads + 1, counter(_metadata, COUNTER("policy_loads")));
	check_op(_metadata, &self->t, &contained, OP_OPEN_APPEND);
}

TEST_F(policy, dirs_append)
{
	char line[PATH_MAX + 16], want[2 * PATH_MAX + 16];

	snprintf(line, sizeof(line), "%s/container\n", self->t.base);
	ASSERT_TRUE(put_policy(KEYS_DIRS, line, O_APPEND));
	snprintf(want, sizeof(want), "%s/root\n%s/container\n", self->t.base,
		 self->t.base);
	expect_policy(_metadata, KEYS_DIRS, want);
	/* That "container" is now a host directory too. */
	EXPECT_EQ(EPERM, contained_op(&self->t, OP_OWN_KEYS_APPEND));
}

TEST_F(policy, dirs_invalid)
{
	static const char *const bad[] = {
		"root\n",			/* relative */
		"%s/missing\n",			/* does not exist */
		"%s/root/.ssh/authorized_keys\n", /* not a directory */
		"%s/root\nrelative\n",		/* a good line, a bad one */
		"relative",			/* checked at close */
	};
	char before[4096], text[2 * PATH_MAX];
	unsigned long long rejects;
	size_t i;

	ASSERT_LE(0, read_file(KEYS_DIRS, before, sizeof(before)));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		rejects = counter(_metadata, COUNTER("policy_rejects"));
		snprintf(text, sizeof(text), bad[i], self->t.base);
		EXPECT_EQ(-1, policy_write(KEYS_DIRS, text, 0));
		EXPECT_EQ(EINVAL, errno)
		{
			TH_LOG("\"%s\": %s", text, strerror(errno));
		}
		expect_policy(_metadata, KEYS_DIRS, before);
		EXPECT_EQ(rejects + 1,
			  counter(_metadata, COUNTER("policy_rejects")));
	}
	check_op(_metadata, &self->t, &contained, OP_UNLINK);
}

TEST_F(policy, names_format)
{
	static const char *const bad[] = {
		".ssh/authorized_keys\n", "..\n", "authorized_keys\n/\n",
	};
	char long_name[300];
	size_t i;

	ASSERT_TRUE(put_policy(KEYS_NAMES,
			       "\n# names\n  authorized_keys \n\nstaged", 0));
	expect_policy(_metadata, KEYS_NAMES, "authorized_keys\nstaged\n");
	/* "staged" is a key file now: it may not be renamed away. */
	EXPECT_EQ(EPERM, contained_op(&self->t, OP_RENAME_ONTO));

	memset(long_name, 'k', 256);
	strcpy(long_name + 256, "\n");
	EXPECT_EQ(-1, policy_write(KEYS_NAMES, long_name, 0));
	EXPECT_EQ(EINVAL, errno);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-1, policy_write(KEYS_NAMES, bad[i], 0));
		EXPECT_EQ(EINVAL, errno);
	}
	expect_policy(_metadata, KEYS_NAMES, "authorized_keys\nstaged\n");
	/* 255 bytes is a valid name. */
	strcpy(long_name + 255, "\n");
	EXPECT_TRUE(put_policy(KEYS_NAMES, long_name, O_APPEND));
}

TEST_F(policy, empty_lists_protect_nothing)
{
	ASSERT_EQ(0, policy_write(KEYS_NAMES, "", O_TRUNC));
	expect_policy(_metadata, KEYS_NAMES, "");
	EXPECT_EQ(0, contained_op(&self->t, OP_OPEN_APPEND));
	ASSERT_TRUE(put_policy(KEYS_NAMES, "authorized_keys\n", 0));
	ASSERT_EQ(0, policy_write(KEYS_DIRS, "", O_TRUNC));
	expect_policy(_metadata, KEYS_DIRS, "");
	EXPECT_EQ(0, contained_op(&self->t, OP_UNLINK));
}

/* In the child: opens a policy file for writing; 0 or errno. */
static int open_policy(void *arg)
{
	int fd = open(arg, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* In the child: reads a policy file; 0 or errno. */
static int read_policy(void *arg)
{
	char buf[4096];

	return read_file(arg, buf, sizeof(buf)) < 0 ? errno : 0;
}

TEST_F(policy, who_may_write)
{
	static const enum context refused[] = {
		CTX_PIDNS, CTX_USERNS_PIDNS, CTX_NO_SYS_ADMIN,
	};
	static const char *const files[] = { KEYS_DIRS, KEYS_NAMES };
	char before[4096];
	size_t i, f;
	int ret;

	for (f = 0; f < ARRAY_SIZE(files); f++) {
		ASSERT_LE(0, read_file(files[f], before, sizeof(before)));
		for (i = 0; i < ARRAY_SIZE(refused); i++) {
			ret = run_in_context(refused[i], open_policy,
					     (void *)files[f]);
			if (ret == CTX_SETUP_FAILED)
				continue;
			EXPECT_EQ(EPERM, ret)
			{
				TH_LOG("%s opened for writing in the %s context",
				       files[f], context_name(refused[i]));
			}
		}
		/* Reading is harmless, even from a container. */
		EXPECT_EQ(0, run_in_context(CTX_PIDNS, read_policy,
					    (void *)files[f]));
		expect_policy(_metadata, files[f], before);
	}
}

/* Protection follows the directory, not the path it had. */
TEST_F(policy, follows_a_renamed_directory)
{
	char root[PATH_MAX], moved[PATH_MAX], p[PATH_MAX];

	join(root, self->t.base, "root");
	join(moved, self->t.base, "moved");
	/* The host may rename it. */
	ASSERT_EQ(0, rename(root, moved));
	ASSERT_EQ(0, symlink("moved", root));
	check_op(_metadata, &self->t, &contained, OP_OPEN_APPEND);

	/* A new directory at the old path is not the one on keys_dirs. */
	ASSERT_EQ(0, unlink(root));
	ASSERT_EQ(0, mkdir(root, 0755));
	join(p, root, ".ssh");
	ASSERT_EQ(0, mkdir(p, 0700));
	join(p, root, ".ssh/authorized_keys");
	ASSERT_EQ(0, make_file(p, KEY_TEXT, KEY_MODE));
	EXPECT_EQ(0, contained_op(&self->t, OP_OPEN_APPEND));
}

/*
 * In a host child: joins j->procs, then does the job as pid 1 of a new
 * pid namespace, in the order a runtime starts a container.  The other
 * order is refused by the escape rule once the cgroup is exempt: a task
 * that its namespace contains may not make itself exempt.
 */
static int join_then_pidns(void *arg)
{
	const struct job *j = arg;

	if (write_file(j->procs, 0, "0", 1) != 1)
		return PREP_FAILED;
	joined = true;
	run_as_pid1(do_op, arg);
}

/* A task in a container's cgroup, then the same cgroup made exempt. */
TEST_F(policy, exempt_cgroup)
{
	static const char id[] =
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct job j = { .op = OP_OPEN_APPEND, .fd = -1 };
	char line[256];

	if (access(EXEMPT, F_OK))
		SKIP(return, "no %s", EXEMPT);
	if (access(CGROOT "/cgroup.procs", F_OK))
		SKIP(return, "no cgroup2 hierarchy on " CGROOT);
	ASSERT_LE(0, read_file(EXEMPT, self->saved_exempt,
			       sizeof(self->saved_exempt)));
	self->exempt_saved = true;
	if (mkdir(CGROOT "/docker", 0755) && errno != EEXIST)
		SKIP(return, "cannot create a cgroup: %s", strerror(errno));
	snprintf(self->cgroup, sizeof(self->cgroup), CGROOT "/docker/%s", id);
	ASSERT_EQ(0, mkdir(self->cgroup, 0755));
	join(j.procs, self->cgroup, "cgroup.procs");
	strcpy(j.base, self->t.base);
	strcpy(j.name, self->t.name);

	/* Host namespaces, but a Docker container's cgroup. */
	EXPECT_EQ(EPERM, run_in_context(CTX_HOST, do_op, &j));
	snprintf(line, sizeof(line), "/docker/%s\n", id);
	ASSERT_TRUE(put_policy(EXEMPT, line, 0));
	EXPECT_EQ(0, run_in_context(CTX_HOST, do_op, &j));
	/* The exemption holds in the container's own namespaces too. */
	EXPECT_EQ(0, run_in_context(CTX_HOST, join_then_pidns, &j));
}

TEST_F_TIMEOUT(policy, log_line, 60)
{
	const struct expect in_bind = {
		.ctx = CTX_USERNS_PIDNS, .route = ROUTE_BIND, .mode = 2,
		.deny = true,
	};
	char path[PATH_MAX + 16];
	int fd;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		SKIP(return, "cannot read /dev/kmsg: %s", strerror(errno));
	ASSERT_LE(0, lseek(fd, 0, SEEK_END));
	/* Let the report's rate limit recover from earlier tests. */
	sleep(RATELIMIT_WAIT);

	/* The container reaches it by another path; the log names the host's. */
	check_op(_metadata, &self->t, &in_bind, OP_OPEN_APPEND);
	snprintf(path, sizeof(path), "path=\"%s/root/.ssh/authorized_keys\"",
		 self->t.base);
	EXPECT_TRUE(kmsg_find_both(fd, "action=deny op=open reason=host_keys pid=",
			      path));

	check_op(_metadata, &self->t, &contained, OP_RENAME_ONTO);
	EXPECT_TRUE(kmsg_find_both(fd, "action=deny op=rename reason=host_keys ",
			      path));

	/* A name not made yet is not "(deleted)". */
	check_op(_metadata, &self->t, &contained, OP_CREATE);
	snprintf(path, sizeof(path), "path=\"%s/root/.ssh/authorized_keys2\"\n",
		 self->t.base);
	EXPECT_TRUE(kmsg_find_both(fd, "action=deny op=open reason=host_keys ",
			      path));

	set_knob(_metadata, "keys_mode", 1);
	EXPECT_EQ(0, contained_op(&self->t, OP_CHMOD));
	snprintf(path, sizeof(path), "path=\"%s/root/.ssh/authorized_keys\"",
		 self->t.base);
	EXPECT_TRUE(kmsg_find_both(fd, "action=audit op=setattr reason=host_keys ",
			      path));
	close(fd);
}

/* --- The filesystem all tests share. --- */

#define FAIL_SETUP(...)							\
	do {								\
		snprintf(g.unavailable, sizeof(g.unavailable),		\
			 __VA_ARGS__);					\
		return;							\
	} while (0)

/*
 * A private mount namespace for the whole program, a tmpfs, an ext4
 * image on a loop device mounted in it; on failure, g.unavailable says
 * why and every test skips.
 */
static void setup_fs(void)
{
	struct loop_info64 info = { .lo_flags = LO_FLAGS_AUTOCLEAR };
	char img[PATH_MAX], cmd[2 * PATH_MAX];
	int fd, dev;

	if (geteuid())
		FAIL_SETUP("must run as root");
	strcpy(g.top, "/tmp/bulwark-keys.XXXXXX");
	if (!mkdtemp(g.top))
		FAIL_SETUP("mkdtemp: %s", strerror(errno));
	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", g.top, "tmpfs", 0, "size=64m,mode=0755"))
		FAIL_SETUP("private tmpfs: %s", strerror(errno));
	join(img, g.top, "ext4.img");
	join(g.fs, g.top, "fs");
	join(g.second, g.top, "second");
	join(g.bind, g.top, "bind");
	if (mkdir(g.fs, 0755) || mkdir(g.second, 0755) ||
	    mkdir(g.bind, 0755))
		FAIL_SETUP("mkdir: %s", strerror(errno));
	fd = open(img, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, 16 << 20))
		FAIL_SETUP("cannot create the image: %s", strerror(errno));
	close(fd);

	/* Harmless when built in or loaded already. */
	if (system("modprobe -q loop 2>/dev/null; modprobe -q ext4 2>/dev/null")) {
		/* Not fatal: both may be built in. */
	}
	/* Project ids (file_setattr) need the project feature. */
	snprintf(cmd, sizeof(cmd),
		 "mkfs.ext4 -q -F -I 256 -O quota,project '%s' >/dev/null 2>&1",
		 img);
	if (system(cmd))
		FAIL_SETUP("mkfs.ext4 failed: is e2fsprogs installed?");
	/* Detached again on its last close. */
	dev = loop_attach(img, g.loopdev, sizeof(g.loopdev));
	if (dev < 0)
		FAIL_SETUP("no loop device: %s", strerror(errno));
	if (ioctl(dev, LOOP_SET_STATUS64, &info)) {
		close(dev);
		FAIL_SETUP("loop autoclear: %s", strerror(errno));
	}
	if (mount(g.loopdev, g.fs, "ext4", 0, NULL)) {
		close(dev);
		FAIL_SETUP("mount ext4: %s", strerror(errno));
	}
	close(dev);
}

static void cleanup_fs(void)
{
	if (!g.top[0])
		return;
	umount2(g.second, MNT_DETACH);
	umount2(g.fs, MNT_DETACH);
	umount2(g.top, MNT_DETACH);
	rmdir(g.top);
}

int main(int argc, char **argv)
{
	int ret;

	setup_fs();
	ret = test_harness_run(argc, argv);
	cleanup_fs();
	return ret;
}
