// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark selftests - the persist rule
 *
 * The host's own files are the targets: /etc/passwd, /etc/cron.d,
 * /usr/bin and the others of the default list.  In the test VM the root
 * is the host's / read-only under a tmpfs overlay, so a host task may
 * change them, and nothing reaches the machine that runs the VM.  Each
 * fixture makes, as the host, what a default path needs and the guest
 * lacks (/etc/sudoers.d, /etc/kubernetes/manifests, a home under /home),
 * and the files and directories of its own that the tests work on (their
 * names hold the test's pid); then it writes persist_paths with the
 * default entries of every class, empties keys_dirs (so that no mount
 * or ancestor concerns the keys rule) and sets persist_mode 2.  Its
 * teardown puts back persist_paths, keys_dirs, keys_names, exempt,
 * persist_mode, keys_mode and scope, and removes what it made.
 *
 * A contained task is root in a new pid namespace (only bulwark can
 * refuse it anything), root of new user and pid namespaces, or a host
 * task in a Docker container's cgroup.  It reaches the host's root as
 * "docker run -v /:/mnt" gives it, a recursive bind mount of / in a
 * mount namespace of its own, then works through that path or after a
 * chroot into it, as "chroot /mnt" does.
 *
 * Every denial is checked the same way: the call returns -1 with errno
 * EPERM, persist_blocked went up by exactly one (and no other rule
 * counted), and the target, its directory's listing, and any second path
 * of the call are as they were, byte for byte, with their modes, owners,
 * times and extended attributes.  Should a call that must be denied
 * succeed, the host puts things back before the next one.
 *
 * The other side: host tasks edit the same files; contained tasks read
 * them, change their own root filesystem (a tmpfs, an overlay) and paths
 * that are not on the list; an exempt cgroup writes; audit and off modes
 * allow.  persist_paths is checked for its format and limits, and for who
 * may write it; a key file beneath /root is the keys rule's.
 */

#include <dirent.h>
#include <ftw.h>
#include <libgen.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <time.h>

#include <linux/fs.h>

#include "common.h"

#define PERSIST_PATHS SECURITYFS_DIR "/persist_paths"
#define KEYS_DIRS SECURITYFS_DIR "/keys_dirs"
#define KEYS_NAMES SECURITYFS_DIR "/keys_names"
#define EXEMPT SECURITYFS_DIR "/exempt"
#define COUNTER(name) SYSFS_DIR "/counters/" name
#define CGROOT "/sys/fs/cgroup"
#define CGROUP2_MAGIC 0x63677270
#define CONTAINER_ID \
	"5e51575e51575e51575e51575e51575e51575e51575e51575e51575e51575e50"

#define EVIL_LINE "bulwark-evil:x:0:0::/root:/bin/sh\n"
#define HOST_LINE "# written by the host for persist_test\n"
#define KEY_TEXT "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey root@host\n"
/* The extended attributes OP_SETXATTR sets. */
#define USER_XATTR "user.bulwark"
#define TRUSTED_XATTR "trusted.bulwark"

/* Exit code of a child whose own preparation (not the operation) failed. */
#define PREP_FAILED 126
/* The report lines' rate limit: 10 every 5 seconds. */
#define RATELIMIT_WAIT 6
/* Room for a policy file's text, as saved and as written. */
#define SAVE_MAX 65536
/* Paths a fixture may make. */
#define MAX_MADE 48
/* The most entries persist_paths takes. */
#define MAX_ENTRIES 256

/* --- Set up once by main(). --- */

static struct {
	/* Why the tests cannot run, or "" when they can. */
	char unavailable[256];
	/* A private tmpfs of this program's mount namespace. */
	char top[PATH_MAX];
	/* Where contained tasks bind-mount the host's /. */
	char bind[PATH_MAX];
	/* A directory to bind-mount, one to move a mount from. */
	char src[PATH_MAX];
	char move[PATH_MAX];
	/* A container's own root: a mount point, and an image for overlayfs. */
	char own[PATH_MAX];
	char lower[PATH_MAX];
	char rw[PATH_MAX];
	/* The output of useradd. */
	char log[PATH_MAX];
} g;

/* How a contained task reaches the host's files. */
enum route {
	/* At their own paths, in a mount namespace of its own. */
	ROUTE_DIRECT,
	/* Through / bind-mounted (recursively) on g.bind. */
	ROUTE_BIND,
	/* The same, then chroot into it. */
	ROUTE_CHROOT,
};

static const char *const route_names[] = {
	[ROUTE_DIRECT] = "its own paths",
	[ROUTE_BIND] = "a bind mount of /",
	[ROUTE_CHROOT] = "a chroot into a bind mount of /",
};

/* What is tried: one system call, unless said otherwise. */
enum op {
	OP_APPEND,
	OP_OPEN_WRONLY,
	OP_OPEN_TRUNC,
	OP_CREATE,
	OP_TRUNCATE,
	OP_RENAME,
	OP_EXCHANGE,
	OP_LINK,
	OP_SYMLINK,
	OP_MKDIR,
	OP_MKNOD_REG,
	OP_MKNOD_FIFO,
	OP_UNLINK,
	OP_RMDIR,
	OP_CHMOD,
	OP_CHOWN,
	OP_UTIMES,
	OP_SETXATTR,
	OP_SET_ACL,
	OP_SETFLAGS,
	OP_FSSETXATTR,
	OP_MOUNT_TMPFS,
	OP_MOUNT_BIND,
	OP_MOUNT_MOVE,
	OP_FSMOUNT,
	OP_OPEN_TREE,
	OP_READ,
	OP_LIST,
	/* Several calls: see their functions. */
	OP_USERADD,
	OP_OWN_TMPFS_ROOT,
	OP_OWN_OVERLAY_ROOT,
};

/**
 * struct op_info - how an operation shows
 */
struct op_info {
	const char *name;
	/* Its second path names a file, not a symbolic link's text. */
	bool b_is_path;
	/* When allowed, it changes the host's files. */
	bool changes;
};

static const struct op_info ops[] = {
	[OP_APPEND] = { "open O_APPEND and write", false, true },
	[OP_OPEN_WRONLY] = { "open O_WRONLY", false, false },
	[OP_OPEN_TRUNC] = { "open O_WRONLY|O_TRUNC", false, true },
	[OP_CREATE] = { "open O_CREAT and write", false, true },
	[OP_TRUNCATE] = { "truncate", false, true },
	[OP_RENAME] = { "rename", true, true },
	[OP_EXCHANGE] = { "RENAME_EXCHANGE", true, true },
	[OP_LINK] = { "link", true, true },
	[OP_SYMLINK] = { "symlink", false, true },
	[OP_MKDIR] = { "mkdir", false, true },
	[OP_MKNOD_REG] = { "mknod S_IFREG", false, true },
	[OP_MKNOD_FIFO] = { "mknod S_IFIFO", false, true },
	[OP_UNLINK] = { "unlink", false, true },
	[OP_RMDIR] = { "rmdir", false, true },
	[OP_CHMOD] = { "chmod", false, true },
	[OP_CHOWN] = { "chown", false, true },
	[OP_UTIMES] = { "utimes", false, true },
	[OP_SETXATTR] = { "setxattr", false, true },
	[OP_SET_ACL] = { "setfacl", false, true },
	[OP_SETFLAGS] = { "FS_IOC_SETFLAGS", false, true },
	[OP_FSSETXATTR] = { "FS_IOC_FSSETXATTR", false, true },
	[OP_MOUNT_TMPFS] = { "mount tmpfs", false, false },
	[OP_MOUNT_BIND] = { "mount --bind", true, false },
	[OP_MOUNT_MOVE] = { "mount --move", true, false },
	[OP_FSMOUNT] = { "fsmount + move_mount", false, false },
	[OP_OPEN_TREE] = { "open_tree + move_mount", true, false },
	[OP_READ] = { "read", false, false },
	[OP_LIST] = { "readdir", false, false },
	[OP_USERADD] = { "useradd", true, true },
	[OP_OWN_TMPFS_ROOT] = { "its own tmpfs root", false, false },
	[OP_OWN_OVERLAY_ROOT] = { "its own overlay root", false, false },
};

/**
 * struct job - one operation, set up by the test, done by a child; in
 * memory shared with the test
 */
struct job {
	enum route route;
	enum op op;
	/* The host's paths; for OP_SYMLINK, @b is the link's text. */
	char a[PATH_MAX];
	char b[PATH_MAX];
	/* A cgroup.procs file to join first, or "". */
	char procs[PATH_MAX];
	/* The child is in a user namespace of its own. */
	bool userns;
	/* Results: the call's return value and errno. */
	long ret;
	int err;
	/* The call does not exist on this kernel. */
	bool unsupported;
	/* Which preparation, or step of several, failed. */
	char what[160];
};

static struct job *J;

/**
 * struct who - who tries an operation, and by which route
 */
struct who {
	enum context ctx;
	enum route route;
	/* It is in the fixture's Docker container cgroup. */
	bool cgroup;
};

/* What must come of an operation; counters are increments. */
struct want {
	/* 0: it succeeds; else it fails with -1 and this errno. */
	int err;
	int blocked;
	int audited;
	int keys_blocked;
	int keys_audited;
};

static const struct want deny = { .err = EPERM, .blocked = 1 };
static const struct want allow = { 0 };
static const struct want audit = { .audited = 1 };
static const struct want keys_deny = { .err = EPERM, .keys_blocked = 1 };
static const struct want keys_audit = { .keys_audited = 1 };

static const struct who host_task = { .ctx = CTX_HOST };
static const struct who in_bind = { .ctx = CTX_PIDNS, .route = ROUTE_BIND };
static const struct who in_pidns = { .ctx = CTX_PIDNS };
static const struct who in_chroot = {
	.ctx = CTX_PIDNS, .route = ROUTE_CHROOT,
};

/* --- Plain helpers: no harness state, errno on failure. --- */

/* @a/@b into @buf, which has room for PATH_MAX bytes. */
static void join(char *buf, const char *a, const char *b)
{
	/* The paths here are short: a longer one is a bug of the test. */
	if (snprintf(buf, PATH_MAX, "%s/%s", a, b) >= PATH_MAX)
		abort();
}

/* @fmt with the test's tag for "%s" into @buf (PATH_MAX bytes). */
static const char *tagged(char *buf, const char *fmt, const char *tag)
{
	if (snprintf(buf, PATH_MAX, fmt, tag) >= PATH_MAX)
		abort();
	return buf;
}

/* Reads all of @path into @buf (NUL-terminated); its length or -1. */
static ssize_t read_all(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	err = errno;
	close(fd);
	buf[len] = '\0';
	if (n < 0) {
		errno = err;
		return -1;
	}
	return len;
}

/* Writes @text to a new file @path with @mode; 0 or -1. */
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

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	if (type == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

/* rm -rf @path, without crossing mounts; 0 or -1. */
static int rm_rf(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* --- Snapshots: what a denial must leave as it was. --- */

/**
 * struct snap - a path's state: its file's bytes, its directory's
 * sorted listing or its link's text, and its attributes
 */
struct snap {
	char path[PATH_MAX];
	bool exists;
	struct stat st;
	char *data;
	size_t len;
	bool xattr;
	bool acl;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in @path, sorted, one per line; malloc()ed, or NULL. */
static char *listing(const char *path, size_t *len)
{
	size_t n = 0, cap = 64, i, size = 1;
	struct dirent *de;
	char **names, *text = NULL;
	DIR *dir;

	dir = opendir(path);
	names = malloc(cap * sizeof(*names));
	if (!dir || !names)
		goto out;
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			char **more = realloc(names, 2 * cap * sizeof(*names));

			if (!more)
				goto out;
			names = more;
			cap *= 2;
		}
		names[n] = strdup(de->d_name);
		if (!names[n])
			goto out;
		size += strlen(names[n++]) + 1;
	}
	qsort(names, n, sizeof(*names), cmp_names);
	text = malloc(size);
	if (!text)
		goto out;
	*len = 0;
	for (i = 0; i < n; i++)
		*len += sprintf(text + *len, "%s\n", names[i]);
	text[*len] = '\0';
out:
	if (dir)
		closedir(dir);
	for (i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	return text;
}

/* The bytes of @path (at most 64 MiB); malloc()ed, or NULL. */
static char *contents(const char *path, size_t *len)
{
	size_t cap = 4096;
	char *buf = malloc(cap), *more;
	ssize_t n = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	*len = 0;
	while (fd >= 0 && buf && (n = read(fd, buf + *len, cap - *len)) > 0) {
		*len += n;
		if (*len < cap)
			continue;
		more = cap < (64 << 20) ? realloc(buf, 2 * cap) : NULL;
		if (!more) {
			n = -1;
			break;
		}
		buf = more;
		cap *= 2;
	}
	if (fd >= 0)
		close(fd);
	if (fd < 0 || n < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void snap_take(struct snap *s, const char *path)
{
	ssize_t n;

	memset(s, 0, sizeof(*s));
	strcpy(s->path, path);
	if (lstat(path, &s->st))
		return;
	s->exists = true;
	if (S_ISDIR(s->st.st_mode)) {
		s->data = listing(path, &s->len);
	} else if (S_ISREG(s->st.st_mode)) {
		s->data = contents(path, &s->len);
	} else if (S_ISLNK(s->st.st_mode)) {
		s->data = malloc(PATH_MAX);
		n = s->data ? readlink(path, s->data, PATH_MAX - 1) : -1;
		s->len = n < 0 ? 0 : n;
	}
	s->xattr = lgetxattr(path, USER_XATTR, NULL, 0) >= 0 ||
		   lgetxattr(path, TRUSTED_XATTR, NULL, 0) >= 0;
	s->acl = lgetxattr(path, "system.posix_acl_access", NULL, 0) >= 0;
}

static void snap_free(struct snap *s)
{
	free(s->data);
	s->data = NULL;
}

/* What differs between @old and @now, or NULL. */
static const char *snap_diff(const struct snap *old, const struct snap *now)
{
	if (old->exists != now->exists)
		return old->exists ? "went away" : "appeared";
	if (!old->exists)
		return NULL;
	if ((old->st.st_mode ^ now->st.st_mode) & S_IFMT)
		return "changed type";
	if (old->st.st_ino != now->st.st_ino && !S_ISREG(old->st.st_mode))
		return "is another inode";
	if (old->st.st_mode != now->st.st_mode)
		return "changed mode";
	if (old->st.st_uid != now->st.st_uid ||
	    old->st.st_gid != now->st.st_gid)
		return "changed owner";
	if (old->st.st_mtim.tv_sec != now->st.st_mtim.tv_sec ||
	    old->st.st_mtim.tv_nsec != now->st.st_mtim.tv_nsec)
		return "changed mtime";
	if (!old->data || !now->data)
		return "could not be read";
	if (old->len != now->len || memcmp(old->data, now->data, old->len))
		return S_ISDIR(old->st.st_mode) ? "changed listing" :
						  "changed bytes";
	if (old->xattr != now->xattr)
		return "changed xattrs";
	if (old->acl != now->acl)
		return "changed ACL";
	return NULL;
}

/* Removes the names of directory @path that @old did not list. */
static void remove_new_names(const struct snap *old)
{
	char *now, *name, *save = NULL, line[NAME_MAX + 3], p[PATH_MAX];
	size_t len;

	if (!old->data)
		return;
	now = listing(old->path, &len);
	if (!now)
		return;
	for (name = strtok_r(now, "\n", &save); name;
	     name = strtok_r(NULL, "\n", &save)) {
		snprintf(line, sizeof(line), "\n%s\n", name);
		if (!strncmp(old->data, line + 1, strlen(line + 1)) ||
		    strstr(old->data, line))
			continue;
		join(p, old->path, name);
		umount2(p, MNT_DETACH);
		rm_rf(p);
	}
	free(now);
}

/* As the host: puts @old's path back as it was, as far as it can. */
static void snap_undo(const struct snap *old)
{
	struct timespec times[2];
	struct stat st;
	int fd;

	if (!old->exists) {
		rm_rf(old->path);
		return;
	}
	if (lstat(old->path, &st)) {
		if (S_ISREG(old->st.st_mode)) {
			fd = open(old->path, O_WRONLY | O_CREAT | O_CLOEXEC,
				  0600);
			if (fd >= 0 && write(fd, old->data, old->len) < 0)
				perror(old->path);
			if (fd >= 0)
				close(fd);
		} else if (S_ISDIR(old->st.st_mode)) {
			mkdir(old->path, 0700);
		} else if (S_ISLNK(old->st.st_mode) && old->data) {
			char text[PATH_MAX];

			snprintf(text, sizeof(text), "%.*s", (int)old->len,
				 old->data);
			if (symlink(text, old->path))
				perror(old->path);
		}
	} else if (S_ISREG(st.st_mode) && old->data) {
		size_t len;
		char *now = contents(old->path, &len);

		if (!now || len != old->len || memcmp(now, old->data, len)) {
			fd = open(old->path, O_WRONLY | O_TRUNC | O_CLOEXEC);
			if (fd >= 0 && write(fd, old->data, old->len) < 0)
				perror(old->path);
			if (fd >= 0)
				close(fd);
		}
		free(now);
	} else if (S_ISDIR(st.st_mode) && old->data) {
		remove_new_names(old);
	}
	if (!old->xattr) {
		lremovexattr(old->path, USER_XATTR);
		lremovexattr(old->path, TRUSTED_XATTR);
	}
	if (!old->acl)
		lremovexattr(old->path, "system.posix_acl_access");
	if (lchown(old->path, old->st.st_uid, old->st.st_gid))
		perror(old->path);
	if (!S_ISLNK(old->st.st_mode))
		chmod(old->path, old->st.st_mode & 07777);
	times[0] = old->st.st_atim;
	times[1] = old->st.st_mtim;
	utimensat(AT_FDCWD, old->path, times, AT_SYMLINK_NOFOLLOW);
}

/* --- In the child: the operations. --- */

static int prep_fail(struct job *j, const char *what)
{
	snprintf(j->what, sizeof(j->what), "%s: %s", what, strerror(errno));
	return PREP_FAILED;
}

/* Opens @path with @flags and writes EVIL_LINE when @write; 0 or -1. */
static long open_write(const char *path, int flags, bool write_line)
{
	ssize_t len = strlen(EVIL_LINE);
	int fd, err = 0;

	fd = open(path, flags | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write_line && write(fd, EVIL_LINE, len) != len)
		err = errno ?: EIO;
	close(fd);
	errno = err;
	return err ? -1 : 0;
}

/* setfacl -m u:0:r: an ACL as the system.posix_acl_access xattr. */
static long set_acl(const char *path)
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
			{ 0x01, 7, -1U },	/* ACL_USER_OBJ rwx */
			{ 0x02, 4, 0 },		/* ACL_USER 0 r */
			{ 0x04, 5, -1U },	/* ACL_GROUP_OBJ r-x */
			{ 0x10, 5, -1U },	/* ACL_MASK r-x */
			{ 0x20, 5, -1U },	/* ACL_OTHER r-x */
		},
	};

	return setxattr(path, "system.posix_acl_access", &acl, sizeof(acl), 0);
}

/* FS_IOC_SETFLAGS or FS_IOC_FSSETXATTR setting "no atime"; 0 or -1. */
static long set_noatime(const char *path, bool fsx)
{
	struct fsxattr xa = { .fsx_xflags = FS_XFLAG_NOATIME };
	int flags = FS_NOATIME_FL;
	long ret;
	int fd, err;

	/* Read-only: the ioctl alone changes the file. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = fsx ? ioctl(fd, FS_IOC_FSSETXATTR, &xa) :
		    ioctl(fd, FS_IOC_SETFLAGS, &flags);
	err = errno;
	close(fd);
	errno = err;
	return ret;
}

#ifndef __NR_open_tree
#define __NR_open_tree 428
#endif
#ifndef __NR_move_mount
#define __NR_move_mount 429
#endif
#ifndef __NR_fsopen
#define __NR_fsopen 430
#endif
#ifndef __NR_fsconfig
#define __NR_fsconfig 431
#endif
#ifndef __NR_fsmount
#define __NR_fsmount 432
#endif
/* The new mount API's constants (v5.2), whatever the C library has. */
#define BW_OPEN_TREE_CLONE 1
#define BW_MOVE_MOUNT_F_EMPTY_PATH 0x4
#define BW_FSCONFIG_CMD_CREATE 6
#define BW_FSOPEN_CLOEXEC 1
#define BW_FSMOUNT_CLOEXEC 1

/* move_mount(2) of the detached mount @mfd onto @to; 0 or -1. */
static long attach(int mfd, const char *to)
{
	long ret;
	int err;

	ret = syscall(__NR_move_mount, mfd, "", AT_FDCWD, to,
		      BW_MOVE_MOUNT_F_EMPTY_PATH);
	err = errno;
	close(mfd);
	errno = err;
	return ret;
}

/* fsopen/fsconfig/fsmount a tmpfs, then move_mount it onto @to. */
static long fsmount_onto(struct job *j, const char *to)
{
	int fsfd, mfd;

	fsfd = syscall(__NR_fsopen, "tmpfs", BW_FSOPEN_CLOEXEC);
	if (fsfd < 0 && errno == ENOSYS)
		j->unsupported = true;
	if (fsfd < 0)
		return -1;
	if (syscall(__NR_fsconfig, fsfd, BW_FSCONFIG_CMD_CREATE, NULL, NULL,
		    0)) {
		close(fsfd);
		return -1;
	}
	mfd = syscall(__NR_fsmount, fsfd, BW_FSMOUNT_CLOEXEC, 0);
	close(fsfd);
	if (mfd < 0)
		return -1;
	return attach(mfd, to);
}

/* open_tree(OPEN_TREE_CLONE) of @from, then move_mount it onto @to. */
static long open_tree_onto(struct job *j, const char *from, const char *to)
{
	int tfd;

	tfd = syscall(__NR_open_tree, AT_FDCWD, from,
		      BW_OPEN_TREE_CLONE | O_CLOEXEC);
	if (tfd < 0 && errno == ENOSYS)
		j->unsupported = true;
	if (tfd < 0)
		return -1;
	return attach(tfd, to);
}

/* Reads all of @path; its size, or -1. */
static long read_through(const char *path)
{
	char buf[4096];
	long total = 0;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	err = errno;
	close(fd);
	errno = err;
	return n < 0 ? -1 : total;
}

/* The number of names in directory @path, or -1. */
static long list_dir(const char *path)
{
	long n = 0;
	DIR *dir;

	dir = opendir(path);
	if (!dir)
		return -1;
	while (readdir(dir))
		n++;
	closedir(dir);
	return n;
}

/*
 * In the chroot: runs "useradd -M bulwark-evil" with its output in @log;
 * its exit status, or -1.
 */
static long run_useradd(const char *log)
{
	char *const argv[] = { "useradd", "-M", "bulwark-evil", NULL };
	char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	int status, fd;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		execve("/usr/sbin/useradd", argv, envp);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return wait_status_code(status);
}

/*
 * In a root of its own, everything that the rule refuses on the host's:
 * returns 0, or -1 with j->what naming the step that failed.
 */
static long own_root_steps(struct job *j)
{
	static const char *const steps[] = {
		"append to /etc/passwd",
		"create /etc/cron.d/evil",
		"rename /etc/passwd+ onto /etc/passwd",
		"mkdir /etc/systemd/system/evil.service.d",
		"create /etc/ld.so.preload",
		"replace /usr/bin/tool",
		"mount a tmpfs on /etc/cron.d",
		"rename /etc/systemd/system/evil.service.d",
		"chmod /etc/shadow",
	};
	unsigned int i;
	long ret = 0;

	for (i = 0; i < ARRAY_SIZE(steps) && !ret; i++) {
		switch (i) {
		case 0:
			ret = open_write("/etc/passwd", O_WRONLY | O_APPEND,
					 true);
			break;
		case 1:
			ret = open_write("/etc/cron.d/evil",
					 O_WRONLY | O_CREAT | O_EXCL, true);
			break;
		case 2:
			ret = open_write("/etc/passwd+",
					 O_WRONLY | O_CREAT | O_EXCL, true);
			if (!ret)
				ret = rename("/etc/passwd+", "/etc/passwd");
			break;
		case 3:
			ret = mkdir("/etc/systemd/system/evil.service.d", 0755);
			break;
		case 4:
			ret = open_write("/etc/ld.so.preload",
					 O_WRONLY | O_CREAT | O_EXCL, true);
			break;
		case 5:
			ret = open_write("/usr/bin/tool", O_WRONLY | O_TRUNC,
					 true);
			break;
		case 6:
			ret = mount("tmpfs", "/etc/cron.d", "tmpfs", 0,
				    "size=1m");
			break;
		case 7:
			/* Made above: overlayfs moves it without redirects. */
			ret = rename("/etc/systemd/system/evil.service.d",
				     "/etc/systemd/system/evil.d");
			break;
		case 8:
			ret = chmod("/etc/shadow", 0644);
			break;
		}
		if (ret)
			snprintf(j->what, sizeof(j->what), "%s", steps[i]);
	}
	return ret;
}

/* Makes the image of a container's root in @root; 0 or -1. */
static int make_image(const char *root)
{
	static const char *const dirs[] = {
		"etc", "etc/cron.d", "etc/systemd", "etc/systemd/system",
		"usr", "usr/bin",
	};
	char p[PATH_MAX];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		join(p, root, dirs[i]);
		if (mkdir(p, 0755) && errno != EEXIST)
			return -1;
	}
	join(p, root, "etc/passwd");
	if (make_file(p, "root:x:0:0::/root:/bin/sh\n", 0644))
		return -1;
	join(p, root, "etc/shadow");
	if (make_file(p, "root:*:19000:0:99999:7:::\n", 0640))
		return -1;
	join(p, root, "usr/bin/tool");
	return make_file(p, "#!/bin/sh\n", 0755);
}

/*
 * In the child: a root of its own, then own_root_steps() in it; -2 when
 * making the root failed.
 */
static long own_root(struct job *j)
{
	char upper[PATH_MAX], work[PATH_MAX], opts[4 * PATH_MAX];

	if (j->op == OP_OWN_TMPFS_ROOT) {
		if (mount("tmpfs", g.own, "tmpfs", 0, "size=8m,mode=0755") ||
		    make_image(g.own)) {
			prep_fail(j, "making a tmpfs root");
			return -2;
		}
	} else {
		join(upper, g.rw, "upper");
		join(work, g.rw, "work");
		snprintf(opts, sizeof(opts),
			 "lowerdir=%s,upperdir=%s,workdir=%s", g.lower, upper,
			 work);
		if (mount("tmpfs", g.rw, "tmpfs", 0, "size=8m") ||
		    mkdir(upper, 0755) || mkdir(work, 0755) ||
		    mount("overlay", g.own, "overlay", 0, opts)) {
			prep_fail(j, "mounting an overlay root");
			return -2;
		}
	}
	if (chroot(g.own) || chdir("/")) {
		prep_fail(j, "chroot into its root");
		return -2;
	}
	return own_root_steps(j);
}

/* In a child that joined j->procs before its namespaces. */
static bool joined;

/* In the child: reaches the host's root by j->route, then does j->op. */
static int do_job(void *arg)
{
	struct job *j = arg;
	char a[2 * PATH_MAX], b[2 * PATH_MAX];
	const char *pre;
	long ret;

	if (j->procs[0] && !joined && write_file(j->procs, 0, "0", 1) != 1)
		return prep_fail(j, "joining the container's cgroup");
	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return prep_fail(j, "a mount namespace of its own");
	if (j->route != ROUTE_DIRECT &&
	    mount("/", g.bind, NULL, MS_BIND | MS_REC, NULL))
		return prep_fail(j, "bind-mounting / (-v /:/mnt)");
	/* Before any chroot: where the route shows the host's root. */
	pre = j->route == ROUTE_DIRECT ? "" : g.bind;
	if (j->op == OP_MOUNT_MOVE) {
		snprintf(b, sizeof(b), "%s%s", pre, j->b);
		if (mount("tmpfs", b, "tmpfs", 0, "size=1m"))
			return prep_fail(j, "a tmpfs to move");
	}
	if (j->route == ROUTE_CHROOT && (chroot(g.bind) || chdir("/")))
		return prep_fail(j, "chroot into the bind mount");
	if (j->route != ROUTE_BIND)
		pre = "";
	snprintf(a, sizeof(a), "%s%s", pre, j->a);
	if (ops[j->op].b_is_path)
		snprintf(b, sizeof(b), "%s%s", pre, j->b);
	else
		snprintf(b, sizeof(b), "%s", j->b);

	errno = 0;
	switch (j->op) {
	case OP_APPEND:
		ret = open_write(a, O_WRONLY | O_APPEND, true);
		break;
	case OP_OPEN_WRONLY:
		ret = open_write(a, O_WRONLY, false);
		break;
	case OP_OPEN_TRUNC:
		ret = open_write(a, O_WRONLY | O_TRUNC, false);
		break;
	case OP_CREATE:
		ret = open_write(a, O_WRONLY | O_CREAT | O_EXCL, true);
		break;
	case OP_TRUNCATE:
		ret = truncate(a, 0);
		break;
	case OP_RENAME:
		ret = rename(a, b);
		break;
	case OP_EXCHANGE:
		ret = renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
		break;
	case OP_LINK:
		ret = link(a, b);
		break;
	case OP_SYMLINK:
		ret = symlink(b, a);
		break;
	case OP_MKDIR:
		ret = mkdir(a, 0755);
		break;
	case OP_MKNOD_REG:
		ret = mknod(a, S_IFREG | 0644, 0);
		break;
	case OP_MKNOD_FIFO:
		ret = mknod(a, S_IFIFO | 0644, 0);
		break;
	case OP_UNLINK:
		ret = unlink(a);
		break;
	case OP_RMDIR:
		ret = rmdir(a);
		break;
	case OP_CHMOD:
		ret = chmod(a, 0666);
		break;
	case OP_CHOWN:
		/* Ids a user namespace of one id can name. */
		ret = j->userns ? chown(a, 0, 0) : chown(a, 1, 1);
		break;
	case OP_UTIMES:
		ret = utimensat(AT_FDCWD, a, NULL, 0);
		break;
	case OP_SETXATTR:
		/*
		 * tmpfs (the guest's upper layer) has user xattrs from
		 * v6.6 only; trusted ones need privilege that a user
		 * namespace does not give.
		 */
		ret = setxattr(a, j->userns ? USER_XATTR : TRUSTED_XATTR,
			       "evil", 4, 0);
		break;
	case OP_SET_ACL:
		ret = set_acl(a);
		break;
	case OP_SETFLAGS:
		ret = set_noatime(a, false);
		break;
	case OP_FSSETXATTR:
		ret = set_noatime(a, true);
		break;
	case OP_MOUNT_TMPFS:
		ret = mount("tmpfs", a, "tmpfs", 0, "size=1m");
		break;
	case OP_MOUNT_BIND:
		ret = mount(b, a, NULL, MS_BIND, NULL);
		break;
	case OP_MOUNT_MOVE:
		ret = mount(b, a, NULL, MS_MOVE, NULL);
		break;
	case OP_FSMOUNT:
		ret = fsmount_onto(j, a);
		break;
	case OP_OPEN_TREE:
		ret = open_tree_onto(j, b, a);
		break;
	case OP_READ:
		ret = read_through(a);
		break;
	case OP_LIST:
		ret = list_dir(a);
		break;
	case OP_USERADD:
		ret = run_useradd(b);
		break;
	case OP_OWN_TMPFS_ROOT:
	case OP_OWN_OVERLAY_ROOT:
		ret = own_root(j);
		if (ret == -2)
			return PREP_FAILED;
		break;
	default:
		return prep_fail(j, "unknown operation");
	}
	j->ret = ret;
	j->err = ret < 0 ? errno : 0;
	return 0;
}

/* --- The fixtures' environment. --- */

/**
 * struct env - what a fixture changed, to put back; in the fixture's
 * data, which the harness shares with the process that tears down
 */
struct env {
	/* The test's pid: part of the names of what it makes. */
	char tag[16];
	/* The policy before the test. */
	bool saved;
	char paths[SAVE_MAX];
	char dirs[8192];
	char names[4096];
	bool exempt_saved;
	char exempt[8192];
	unsigned long long persist_mode, keys_mode, scope;
	/* What the fixture made, removed in the reverse order. */
	char made[MAX_MADE][PATH_MAX];
	int nmade;
	/* The Docker container's cgroup, and its cgroup.procs. */
	char cgroup[PATH_MAX];
	char procs[PATH_MAX];
	bool made_docker;
	/* Whether /etc/ld.so.preload existed before the test. */
	bool preload_existed;
};

/* The default list's entries of each class, as written by the fixture. */
static const char env_list[] =
	"/etc/passwd\n/etc/shadow\n/etc/group\n/etc/gshadow\n"
	"/etc/subuid\n/etc/subgid\n"
	"/etc/sudoers.d\n"
	"/etc/cron.d\n/etc/crontab\n"
	"/etc/systemd/system\n"
	"/etc/ld.so.preload\n"
	"/etc/profile.d\n/home/*/.bashrc\n"
	"/etc/pam.d\n"
	"/etc/ssh\n"
	"/etc/modprobe.d\n"
	"/usr/bin\n"
	"/etc/kubernetes/manifests\n"
	/* A name entry whose parent the tests may try to remove or move. */
	"/etc/bulwark-anc.%s/sub/conf\n";

/* Directories that the default list names, made when missing. */
static const char *const env_dirs[] = {
	"/etc/sudoers.d", "/etc/cron.d", "/etc/systemd",
	"/etc/systemd/system", "/etc/profile.d", "/etc/pam.d", "/etc/ssh",
	"/etc/modprobe.d", "/etc/kubernetes", "/etc/kubernetes/manifests",
	"/home", "/etc/cni", "/opt", "/usr/local", "/var/lib",
};

/* The fixture's own directories, then its own files. */
static const char *const env_own_dirs[] = {
	"/home/bulwark-u1.%s", "/home/bulwark-u2.%s", "/etc/bulwark-dir.%s",
	"/etc/cron.d/bulwark-hostdir.%s", "/etc/bulwark-anc.%s",
	"/etc/bulwark-anc.%s/sub",
};

static const char *const env_own_files[] = {
	"/etc/sudoers.d/bulwark-host.%s", "/etc/cron.d/bulwark-host.%s",
	"/etc/pam.d/bulwark-host.%s",
	"/etc/systemd/system/bulwark-host.%s.service",
	"/home/bulwark-u1.%s/.bashrc", "/etc/bulwark-src.%s",
};

static int env_register(struct env *e, const char *path)
{
	if (e->nmade == MAX_MADE) {
		errno = ENOSPC;
		return -1;
	}
	strcpy(e->made[e->nmade++], path);
	return 0;
}

/* mkdir @path unless it is there, and remember to remove it; 0 or -1. */
static int env_mkdir(struct env *e, const char *path, mode_t mode)
{
	struct stat st;

	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		return 0;
	if (mkdir(path, mode))
		return -1;
	return env_register(e, path);
}

/* Makes file @path unless it is there, and remembers it; 0 or -1. */
static int env_file(struct env *e, const char *path, const char *text,
		    mode_t mode)
{
	if (!access(path, F_OK))
		return 0;
	if (make_file(path, text, mode))
		return -1;
	return env_register(e, path);
}

/* A copy of @from with EVIL_LINE appended, at @to; 0 or -1. */
static int env_staged(struct env *e, const char *from, const char *to)
{
	struct stat st;
	char *text, *more;
	size_t len;
	int ret;

	text = contents(from, &len);
	if (!text || stat(from, &st)) {
		free(text);
		return -1;
	}
	more = realloc(text, len + sizeof(EVIL_LINE));
	if (!more) {
		free(text);
		return -1;
	}
	text = more;
	strcpy(text + len, EVIL_LINE);
	ret = make_file(to, text, st.st_mode & 07777) ||
	      chown(to, st.st_uid, st.st_gid) || env_register(e, to);
	free(text);
	return ret ? -1 : 0;
}

/* The fixture's Docker container cgroup; 0 or -1. */
static int env_cgroup(struct env *e)
{
	if (e->cgroup[0])
		return 0;
	e->made_docker = !mkdir(CGROOT "/docker", 0755);
	if (!e->made_docker && errno != EEXIST)
		return -1;
	snprintf(e->cgroup, sizeof(e->cgroup), CGROOT "/docker/%s",
		 CONTAINER_ID);
	/* One left by a test that was killed is as good. */
	if (mkdir(e->cgroup, 0755) && errno != EEXIST) {
		e->cgroup[0] = '\0';
		return -1;
	}
	join(e->procs, e->cgroup, "cgroup.procs");
	return 0;
}

static void env_teardown(struct __test_metadata *const _metadata,
			 struct env *e)
{
	int i;

	if (e->saved && module_loaded()) {
		/* The lists first: they hold what the test made. */
		EXPECT_EQ((ssize_t)strlen(e->paths),
			  policy_write(PERSIST_PATHS, e->paths, O_TRUNC));
		EXPECT_EQ((ssize_t)strlen(e->dirs),
			  policy_write(KEYS_DIRS, e->dirs, O_TRUNC));
		EXPECT_EQ((ssize_t)strlen(e->names),
			  policy_write(KEYS_NAMES, e->names, O_TRUNC));
		if (e->exempt_saved)
			EXPECT_EQ((ssize_t)strlen(e->exempt),
				  policy_write(EXEMPT, e->exempt, O_TRUNC));
		restore_knob(_metadata, "persist_mode", e->persist_mode);
		restore_knob(_metadata, "keys_mode", e->keys_mode);
		restore_knob(_metadata, "scope", e->scope);
		e->saved = false;
	}
	for (i = e->nmade - 1; i >= 0; i--) {
		if (rm_rf(e->made[i]))
			TH_LOG("cannot remove %s: %s", e->made[i],
			       strerror(errno));
	}
	e->nmade = 0;
	if (e->cgroup[0])
		EXPECT_EQ(0, rmdir(e->cgroup));
	if (e->made_docker)
		rmdir(CGROOT "/docker");
	e->cgroup[0] = '\0';
}

/* Saves the policy, makes the tree, writes the fixture's policy; or why not. */
static const char *env_make(struct env *e, bool cgroup)
{
	char p[PATH_MAX], q[PATH_MAX], text[2 * sizeof(env_list)];
	unsigned int i;

	snprintf(e->tag, sizeof(e->tag), "%d", getpid());
	if (read_all(PERSIST_PATHS, e->paths, sizeof(e->paths)) < 0 ||
	    read_all(KEYS_DIRS, e->dirs, sizeof(e->dirs)) < 0 ||
	    read_all(KEYS_NAMES, e->names, sizeof(e->names)) < 0 ||
	    read_knob("persist_mode", &e->persist_mode) ||
	    read_knob("keys_mode", &e->keys_mode) ||
	    read_knob("scope", &e->scope))
		return "saving the policy";
	e->saved = true;
	e->preload_existed = !access("/etc/ld.so.preload", F_OK);

	for (i = 0; i < ARRAY_SIZE(env_dirs); i++)
		if (env_mkdir(e, env_dirs[i], 0755))
			return env_dirs[i];
	if (env_file(e, "/etc/crontab", HOST_LINE, 0644))
		return "/etc/crontab";
	if (env_file(e, "/etc/ssh/sshd_config", HOST_LINE, 0644))
		return "/etc/ssh/sshd_config";
	for (i = 0; i < ARRAY_SIZE(env_own_dirs); i++)
		if (env_mkdir(e, tagged(p, env_own_dirs[i], e->tag), 0755))
			return env_own_dirs[i];
	for (i = 0; i < ARRAY_SIZE(env_own_files); i++) {
		tagged(p, env_own_files[i], e->tag);
		rm_rf(p);
		if (env_file(e, p, HOST_LINE, 0644))
			return env_own_files[i];
	}
	tagged(p, "/usr/bin/bulwark-host.%s", e->tag);
	if (env_file(e, p, "#!/bin/sh\n", 0755))
		return "/usr/bin/bulwark-host";
	/* What useradd and chpasswd would rename into place. */
	if (env_staged(e, "/etc/passwd",
		       tagged(p, "/etc/bulwark-passwd.%s", e->tag)) ||
	    env_staged(e, "/etc/shadow",
		       tagged(q, "/etc/bulwark-shadow.%s", e->tag)))
		return "staging /etc/passwd and /etc/shadow";
	if (cgroup && env_cgroup(e))
		return "creating a Docker container cgroup";

	snprintf(text, sizeof(text), env_list, e->tag);
	if (policy_write(PERSIST_PATHS, text, O_TRUNC) != (ssize_t)strlen(text))
		return "writing persist_paths";
	if (policy_write(KEYS_DIRS, "", O_TRUNC))
		return "emptying keys_dirs";
	if (write_knob("persist_mode", "2") < 0 ||
	    write_knob("keys_mode", "2") < 0 || write_knob("scope", "1") < 0)
		return "setting the modes";
	return NULL;
}

/*
 * A fixture's setup: skips when the rule is missing, else makes its
 * environment, undoing it again should that fail (the harness does not
 * tear down a fixture whose setup failed).
 */
static bool env_setup(struct __test_metadata *const _metadata,
		      struct env *e, bool cgroup)
{
	const char *why = module_unavailable(false);
	struct statfs sfs;

	if (why)
		SKIP(return false, "%s", why);
	if (g.unavailable[0])
		SKIP(return false, "%s", g.unavailable);
	ensure_loaded(_metadata);
	if (access(PERSIST_PATHS, F_OK))
		SKIP(return false, "this bulwark has no %s", PERSIST_PATHS);
	if (cgroup && (statfs(CGROOT, &sfs) || sfs.f_type != CGROUP2_MAGIC))
		SKIP(return false, "no cgroup2 hierarchy on " CGROOT);
	why = env_make(e, cgroup);
	if (why) {
		const int err = errno;

		env_teardown(_metadata, e);
		ASSERT_EQ(NULL, why)
		{
			TH_LOG("preparing the tree: %s: %s", why,
			       strerror(err));
		}
	}
	return true;
}

/* --- The check. --- */

/*
 * In a host child: joins j->procs, then does the job as pid 1 of a new
 * pid namespace, in the order a runtime starts a container.  The other
 * order is refused by the escape rule once the cgroup is exempt: a task
 * that its namespace contains may not make itself exempt.
 */
static int join_then_pidns(void *arg)
{
	struct job *j = arg;

	if (write_file(j->procs, 0, "0", 1) != 1)
		return prep_fail(j, "joining the container's cgroup");
	joined = true;
	run_as_pid1(do_job, arg);
}

/* Has a child of @w's context do @j, in @w's cgroup if it has one. */
static int run_who(const struct who *w, struct job *j)
{
	if (j->procs[0] && w->ctx == CTX_PIDNS)
		return run_in_context(CTX_HOST, join_then_pidns, j);
	return run_in_context(w->ctx, do_job, j);
}

/*
 * Has @w do @op on the paths @a_fmt and @b_fmt (with the tag for "%s";
 * @b_fmt may be NULL) and checks the outcome, the counters and, for a
 * denial, that nothing changed.  Puts back whatever changed.  Returns
 * false when it skipped the test.
 */
static bool check(struct __test_metadata *const _metadata, struct env *e,
		  const struct who *w, enum op op, const char *a_fmt,
		  const char *b_fmt, const struct want *want)
{
	static const char *const names[] = {
		COUNTER("persist_blocked"), COUNTER("persist_audited"),
		COUNTER("keys_blocked"), COUNTER("keys_audited"),
	};
	const int inc[] = {
		want->blocked, want->audited, want->keys_blocked,
		want->keys_audited,
	};
	const struct op_info *info = &ops[op];
	unsigned long long before[4], now;
	struct snap s[4], after;
	const char *why;
	char p[PATH_MAX];
	bool changed = false;
	int n = 0, i, status;

	memset(J, 0, sizeof(*J));
	J->op = op;
	J->route = w->route;
	J->userns = w->ctx == CTX_USERNS || w->ctx == CTX_USERNS_PIDNS;
	tagged(J->a, a_fmt, e->tag);
	if (b_fmt)
		tagged(J->b, b_fmt, e->tag);
	else if (op == OP_MOUNT_BIND || op == OP_OPEN_TREE)
		strcpy(J->b, g.src);
	else if (op == OP_MOUNT_MOVE)
		strcpy(J->b, g.move);
	if (w->cgroup)
		strcpy(J->procs, e->procs);

	/* The paths, their directories: what a denial leaves as it was. */
	snap_take(&s[n++], J->a);
	strcpy(p, J->a);
	snap_take(&s[n++], dirname(p));
	if (b_fmt && info->b_is_path && op != OP_USERADD) {
		snap_take(&s[n++], J->b);
		strcpy(p, J->b);
		snap_take(&s[n++], dirname(p));
	}
	for (i = 0; i < 4; i++)
		before[i] = counter(_metadata, names[i]);

	status = run_who(w, J);
	if (status == CTX_SETUP_FAILED || J->unsupported) {
		for (i = 0; i < n; i++)
			snap_free(&s[i]);
		if (J->unsupported)
			SKIP(return false, "%s: not on this kernel",
			     info->name);
		SKIP(return false, "cannot enter the %s context",
		     context_name(w->ctx));
	}
	EXPECT_EQ(0, status)
	{
		TH_LOG("%s %s: %s", info->name, J->a,
		       status == PREP_FAILED ? J->what : "child failed");
	}
	if (!status && want->err) {
		EXPECT_EQ(-1, J->ret)
		{
			TH_LOG("%s %s %s by a task of the %s context through %s: allowed",
			       info->name, J->a, J->b, context_name(w->ctx),
			       route_names[w->route]);
		}
		EXPECT_EQ(want->err, J->err)
		{
			TH_LOG("%s %s %s: %s", info->name, J->a, J->b,
			       strerror(J->err));
		}
	} else if (!status) {
		EXPECT_LE(0, J->ret)
		{
			TH_LOG("%s %s %s by a task of the %s context through %s: %s%s%s",
			       info->name, J->a, J->b, context_name(w->ctx),
			       route_names[w->route], strerror(J->err),
			       J->what[0] ? ", at " : "", J->what);
		}
	}
	for (i = 0; i < 4; i++) {
		now = counter(_metadata, names[i]);
		EXPECT_EQ(before[i] + inc[i], now)
		{
			TH_LOG("%s %s: %s went from %llu to %llu", info->name,
			       J->a, names[i] + strlen(COUNTER("")),
			       before[i], now);
		}
	}

	for (i = 0; i < n; i++) {
		snap_take(&after, s[i].path);
		why = snap_diff(&s[i], &after);
		snap_free(&after);
		if (why)
			changed = true;
		if (!want->err)
			continue;
		EXPECT_EQ(NULL, why)
		{
			TH_LOG("%s %s: %s %s", info->name, J->a, s[i].path,
			       why);
		}
	}
	if (!want->err && !status && J->ret >= 0 && info->changes) {
		EXPECT_TRUE(changed)
		{
			TH_LOG("%s %s succeeded and changed nothing",
			       info->name, J->a);
		}
	}
	if (changed) {
		/* A directory renamed away comes back, as the same one. */
		if (n > 2 && s[0].exists && S_ISDIR(s[0].st.st_mode) &&
		    access(s[0].path, F_OK) && !access(s[2].path, F_OK))
			rename(s[2].path, s[0].path);
		for (i = 0; i < n; i++)
			snap_undo(&s[i]);
	}
	for (i = 0; i < n; i++)
		snap_free(&s[i]);
	return true;
}

/* Tries each of @n operations on (a, b): each must be denied. */
struct attack {
	enum op op;
	const char *a;
	const char *b;
};

static void deny_all(struct __test_metadata *const _metadata, struct env *e,
		     const struct who *w, const struct attack *at, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!check(_metadata, e, w, at[i].op, at[i].a, at[i].b, &deny))
			return;
}

/* --- Each class of the default list, and each operation. --- */

FIXTURE(persist)
{
	struct env env;
};

FIXTURE_VARIANT(persist)
{
	struct who w;
};

/* docker run -v /:/mnt, then /mnt/etc/... */
FIXTURE_VARIANT_ADD(persist, bind)
{
	.w = { .ctx = CTX_PIDNS, .route = ROUTE_BIND },
};

/* docker run -v /:/mnt, then chroot /mnt */
FIXTURE_VARIANT_ADD(persist, chroot)
{
	.w = { .ctx = CTX_PIDNS, .route = ROUTE_CHROOT },
};

/* Contained by its cgroup alone: a Docker container's. */
FIXTURE_VARIANT_ADD(persist, cgroup_chroot)
{
	.w = { .ctx = CTX_HOST, .route = ROUTE_CHROOT, .cgroup = true },
};

/* Root of a user namespace of its own (a rootless container). */
FIXTURE_VARIANT_ADD(persist, userns_bind)
{
	.w = { .ctx = CTX_USERNS_PIDNS, .route = ROUTE_BIND },
};

FIXTURE_SETUP(persist)
{
	env_setup(_metadata, &self->env, variant->w.cgroup);
}

FIXTURE_TEARDOWN_PARENT(persist)
{
	env_teardown(_metadata, &self->env);
}

#define ATTACKS(_name, ...)						\
	TEST_F(persist, _name)						\
	{								\
		static const struct attack at[] = { __VA_ARGS__ };	\
									\
		deny_all(_metadata, &self->env, &variant->w, at,	\
			 ARRAY_SIZE(at));				\
	}

ATTACKS(accounts,
	{ OP_APPEND, "/etc/passwd", NULL },
	{ OP_OPEN_TRUNC, "/etc/shadow", NULL },
	{ OP_OPEN_WRONLY, "/etc/group", NULL },
	{ OP_TRUNCATE, "/etc/passwd", NULL })
ATTACKS(sudo,
	{ OP_CREATE, "/etc/sudoers.d/bulwark-evil.%s", NULL },
	{ OP_APPEND, "/etc/sudoers.d/bulwark-host.%s", NULL })
ATTACKS(cron,
	{ OP_CREATE, "/etc/cron.d/bulwark-evil.%s", NULL },
	{ OP_APPEND, "/etc/cron.d/bulwark-host.%s", NULL },
	{ OP_APPEND, "/etc/crontab", NULL })
ATTACKS(systemd,
	{ OP_CREATE, "/etc/systemd/system/bulwark-evil.%s.service", NULL },
	{ OP_APPEND, "/etc/systemd/system/bulwark-host.%s.service", NULL },
	{ OP_SYMLINK, "/etc/systemd/system/bulwark-evil.%s.timer",
	  "/tmp/evil.timer" })
ATTACKS(shell_startup,
	{ OP_CREATE, "/etc/profile.d/bulwark-evil.%s.sh", NULL },
	{ OP_APPEND, "/home/bulwark-u1.%s/.bashrc", NULL },
	/* A home without one: the name is protected before it exists. */
	{ OP_CREATE, "/home/bulwark-u2.%s/.bashrc", NULL },
	{ OP_SYMLINK, "/home/bulwark-u2.%s/.bashrc", "/tmp/evil.sh" })
ATTACKS(pam,
	{ OP_CREATE, "/etc/pam.d/bulwark-evil.%s", NULL },
	{ OP_APPEND, "/etc/pam.d/bulwark-host.%s", NULL })
ATTACKS(sshd,
	{ OP_APPEND, "/etc/ssh/sshd_config", NULL },
	{ OP_OPEN_TRUNC, "/etc/ssh/sshd_config", NULL },
	{ OP_CREATE, "/etc/ssh/bulwark-evil.%s", NULL })
ATTACKS(modules,
	{ OP_CREATE, "/etc/modprobe.d/bulwark-evil.%s.conf", NULL })
ATTACKS(host_binaries,
	{ OP_OPEN_WRONLY, "/usr/bin/env", NULL },
	{ OP_OPEN_TRUNC, "/usr/bin/bulwark-host.%s", NULL },
	{ OP_CREATE, "/usr/bin/bulwark-evil.%s", NULL },
	{ OP_UNLINK, "/usr/bin/bulwark-host.%s", NULL })
ATTACKS(kubernetes_static_pods,
	{ OP_CREATE, "/etc/kubernetes/manifests/bulwark-evil.%s.yaml", NULL })

/* A missing file: creating it is refused (appending, if the host has one). */
TEST_F(persist, loader_preload)
{
	const struct attack at[] = {
		self->env.preload_existed ?
			(struct attack){ OP_APPEND, "/etc/ld.so.preload", NULL } :
			(struct attack){ OP_CREATE, "/etc/ld.so.preload", NULL },
		{ OP_MKNOD_REG, "/etc/ld.so.preload", NULL },
		{ OP_SYMLINK, "/etc/ld.so.preload", "/tmp/evil.so" },
	};

	if (self->env.preload_existed)
		TH_LOG("/etc/ld.so.preload exists here: appending instead");
	deny_all(_metadata, &self->env, &variant->w, at,
		 self->env.preload_existed ? 1 : ARRAY_SIZE(at));
}

/* useradd and chpasswd write a new file, then rename it into place. */
ATTACKS(replace_passwd_by_rename,
	{ OP_RENAME, "/etc/bulwark-passwd.%s", "/etc/passwd" },
	{ OP_RENAME, "/etc/bulwark-shadow.%s", "/etc/shadow" })
ATTACKS(rename_exchange,
	{ OP_EXCHANGE, "/etc/bulwark-passwd.%s", "/etc/passwd" })
ATTACKS(rename_away,
	{ OP_RENAME, "/etc/shadow", "/etc/bulwark-evil.%s" },
	{ OP_RENAME, "/etc/cron.d/bulwark-host.%s",
	  "/etc/bulwark-evil.%s" })
ATTACKS(rename_protected_dir,
	{ OP_RENAME, "/etc/cron.d", "/etc/bulwark-evil.%s" },
	{ OP_RENAME, "/etc/cron.d/bulwark-hostdir.%s",
	  "/etc/bulwark-evil.%s" })
/* Renaming a directory that holds an entry, or a name entry's parent. */
ATTACKS(rename_ancestor,
	{ OP_RENAME, "/etc/systemd", "/etc/bulwark-evil.%s" },
	{ OP_RENAME, "/etc/kubernetes", "/etc/bulwark-evil.%s" },
	{ OP_RENAME, "/etc/bulwark-anc.%s", "/etc/bulwark-evil.%s" },
	{ OP_RENAME, "/etc/bulwark-anc.%s/sub",
	  "/etc/bulwark-anc.%s/evil" })
ATTACKS(move_dir_in,
	{ OP_RENAME, "/etc/bulwark-dir.%s", "/etc/cron.d/bulwark-evil.%s" })
ATTACKS(mkdir_in_tree,
	{ OP_MKDIR, "/etc/cron.d/bulwark-evil.%s", NULL },
	{ OP_MKDIR, "/etc/systemd/system/bulwark-evil.%s.service.d", NULL })
ATTACKS(mknod_in_tree,
	{ OP_MKNOD_FIFO, "/etc/systemd/system/bulwark-evil.%s", NULL },
	{ OP_MKNOD_REG, "/etc/cron.d/bulwark-evil.%s", NULL })
ATTACKS(symlink_in_tree,
	{ OP_SYMLINK, "/etc/profile.d/bulwark-evil.%s.sh", "/tmp/evil.sh" })
ATTACKS(link,
	/* An unprotected file into a tree... */
	{ OP_LINK, "/etc/bulwark-src.%s", "/etc/cron.d/bulwark-evil.%s" },
	/* ...and a protected one out of it, to an unprotected name. */
	{ OP_LINK, "/etc/shadow", "/etc/bulwark-evil.%s" })
ATTACKS(unlink,
	{ OP_UNLINK, "/etc/cron.d/bulwark-host.%s", NULL },
	{ OP_UNLINK, "/etc/crontab", NULL })
ATTACKS(rmdir,
	{ OP_RMDIR, "/etc/cron.d/bulwark-hostdir.%s", NULL },
	/* Empty, but the parent of a name entry. */
	{ OP_RMDIR, "/etc/bulwark-anc.%s/sub", NULL })
ATTACKS(truncate,
	{ OP_TRUNCATE, "/etc/crontab", NULL },
	{ OP_TRUNCATE, "/etc/cron.d/bulwark-host.%s", NULL })
ATTACKS(chmod,
	{ OP_CHMOD, "/etc/shadow", NULL },
	{ OP_CHMOD, "/etc/cron.d", NULL },
	{ OP_CHMOD, "/etc/sudoers.d/bulwark-host.%s", NULL })
ATTACKS(chown,
	{ OP_CHOWN, "/etc/passwd", NULL },
	{ OP_CHOWN, "/etc/sudoers.d/bulwark-host.%s", NULL })
ATTACKS(utimes,
	{ OP_UTIMES, "/etc/crontab", NULL },
	{ OP_UTIMES, "/etc/cron.d/bulwark-host.%s", NULL })
ATTACKS(setxattr,
	{ OP_SETXATTR, "/etc/passwd", NULL },
	{ OP_SETXATTR, "/etc/cron.d/bulwark-host.%s", NULL })
ATTACKS(setfacl,
	{ OP_SET_ACL, "/etc/shadow", NULL },
	{ OP_SET_ACL, "/etc/cron.d", NULL })
ATTACKS(chattr,
	{ OP_SETFLAGS, "/etc/passwd", NULL },
	{ OP_SETFLAGS, "/etc/cron.d/bulwark-host.%s", NULL },
	{ OP_FSSETXATTR, "/etc/pam.d/bulwark-host.%s", NULL })
ATTACKS(mount_on_protected_dir,
	{ OP_MOUNT_TMPFS, "/etc/cron.d", NULL },
	{ OP_MOUNT_BIND, "/etc/systemd/system", NULL },
	{ OP_MOUNT_TMPFS, "/etc/ssh", NULL })
/* A directory above an entry: over /etc, the whole of cron.d is new. */
ATTACKS(mount_on_ancestor,
	{ OP_MOUNT_TMPFS, "/etc", NULL },
	{ OP_MOUNT_TMPFS, "/etc/systemd", NULL },
	{ OP_MOUNT_TMPFS, "/home/bulwark-u1.%s", NULL },
	{ OP_MOUNT_TMPFS, "/etc/bulwark-anc.%s/sub", NULL },
	{ OP_MOUNT_TMPFS, "/", NULL })
ATTACKS(mount_move,
	{ OP_MOUNT_MOVE, "/etc/pam.d", NULL })
ATTACKS(move_mount_fsmount,
	{ OP_FSMOUNT, "/etc/modprobe.d", NULL },
	{ OP_FSMOUNT, "/usr", NULL })
ATTACKS(move_mount_open_tree,
	{ OP_OPEN_TREE, "/etc/kubernetes/manifests", NULL },
	{ OP_OPEN_TREE, "/etc/kubernetes", NULL })

/*
 * "useradd" itself, run in the chroot: it fails, and the accounts are
 * untouched.  It may try several files before it gives up.
 */
TEST_F_TIMEOUT(persist, useradd, 60)
{
	static const char *const files[] = {
		"/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow",
		"/etc/subuid", "/etc/subgid",
	};
	struct snap s[ARRAY_SIZE(files)], etc, after;
	unsigned long long blocked;
	char out[4096];
	const char *why;
	unsigned int i;
	int status;

	if (variant->w.route != ROUTE_CHROOT)
		SKIP(return, "useradd runs in a chroot of the host's root");
	if (access("/usr/sbin/useradd", X_OK))
		SKIP(return, "no /usr/sbin/useradd");
	for (i = 0; i < ARRAY_SIZE(files); i++)
		snap_take(&s[i], files[i]);
	snap_take(&etc, "/etc");
	blocked = counter(_metadata, COUNTER("persist_blocked"));

	memset(J, 0, sizeof(*J));
	J->op = OP_USERADD;
	J->route = variant->w.route;
	strcpy(J->b, g.log);
	if (variant->w.cgroup)
		strcpy(J->procs, self->env.procs);
	status = run_who(&variant->w, J);
	if (status == CTX_SETUP_FAILED)
		SKIP(return, "cannot enter the %s context",
		     context_name(variant->w.ctx));
	ASSERT_EQ(0, status)
	{
		TH_LOG("%s", J->what);
	}
	read_all(g.log, out, sizeof(out));
	TH_LOG("useradd exited with %ld: %s", J->ret, out);
	EXPECT_NE(0, J->ret);
	EXPECT_NE(127, J->ret);
	EXPECT_LT(blocked, counter(_metadata, COUNTER("persist_blocked")));
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snap_take(&after, files[i]);
		why = snap_diff(&s[i], &after);
		EXPECT_EQ(NULL, why)
		{
			TH_LOG("%s %s", files[i], why);
		}
		if (why)
			snap_undo(&s[i]);
		snap_free(&after);
		snap_free(&s[i]);
	}
	/* Its lock and temporary files are not protected: they go. */
	remove_new_names(&etc);
	snap_free(&etc);
}

/* --- Audit and off. --- */

FIXTURE(mode)
{
	struct env env;
};

FIXTURE_VARIANT(mode)
{
	int mode;
	const struct want *want;
};

FIXTURE_VARIANT_ADD(mode, off)
{
	.mode = 0,
	.want = &allow,
};

FIXTURE_VARIANT_ADD(mode, audit)
{
	.mode = 1,
	.want = &audit,
};

FIXTURE_SETUP(mode)
{
	if (env_setup(_metadata, &self->env, false))
		set_knob(_metadata, "persist_mode", variant->mode);
}

FIXTURE_TEARDOWN_PARENT(mode)
{
	env_teardown(_metadata, &self->env);
}

/* Each is allowed, counted in audit mode only, and undone by the host. */
#define MODE_TEST(_name, _op, _a, _b)					\
	TEST_F(mode, _name)						\
	{								\
		check(_metadata, &self->env, &in_chroot, _op, _a, _b,	\
		      variant->want);					\
	}

MODE_TEST(append, OP_APPEND, "/etc/cron.d/bulwark-host.%s", NULL)
MODE_TEST(create, OP_CREATE, "/etc/cron.d/bulwark-evil.%s", NULL)
MODE_TEST(mkdir, OP_MKDIR, "/etc/systemd/system/bulwark-evil.%s.d", NULL)
MODE_TEST(symlink, OP_SYMLINK, "/etc/profile.d/bulwark-evil.%s.sh",
	  "/tmp/evil.sh")
MODE_TEST(rename_in_tree, OP_RENAME, "/etc/cron.d/bulwark-host.%s",
	  "/etc/cron.d/bulwark-evil.%s")
MODE_TEST(move_dir_in, OP_RENAME, "/etc/bulwark-dir.%s",
	  "/etc/sudoers.d/bulwark-evil.%s")
MODE_TEST(unlink, OP_UNLINK, "/etc/pam.d/bulwark-host.%s", NULL)
MODE_TEST(chmod, OP_CHMOD, "/etc/pam.d/bulwark-host.%s", NULL)
MODE_TEST(setxattr, OP_SETXATTR, "/etc/sudoers.d/bulwark-host.%s", NULL)
MODE_TEST(mount_tmpfs, OP_MOUNT_TMPFS, "/etc/cron.d", NULL)

/* --- What stays allowed. --- */

FIXTURE(allowed)
{
	struct env env;
};

FIXTURE_SETUP(allowed)
{
	env_setup(_metadata, &self->env, false);
}

FIXTURE_TEARDOWN_PARENT(allowed)
{
	env_teardown(_metadata, &self->env);
}

/* The host's administrator: everything, nothing counted. */
TEST_F(allowed, host_edits)
{
	static const struct attack at[] = {
		{ OP_APPEND, "/etc/passwd", NULL },
		{ OP_RENAME, "/etc/bulwark-shadow.%s", "/etc/shadow" },
		{ OP_APPEND, "/etc/crontab", NULL },
		{ OP_CREATE, "/etc/cron.d/bulwark-evil.%s", NULL },
		{ OP_MKDIR, "/etc/systemd/system/bulwark-evil.%s.d", NULL },
		{ OP_CREATE, "/home/bulwark-u2.%s/.bashrc", NULL },
		{ OP_CHMOD, "/etc/crontab", NULL },
		{ OP_TRUNCATE, "/etc/cron.d/bulwark-host.%s", NULL },
		{ OP_UNLINK, "/usr/bin/bulwark-host.%s", NULL },
		{ OP_SETXATTR, "/etc/pam.d/bulwark-host.%s", NULL },
		{ OP_RENAME, "/etc/bulwark-anc.%s", "/etc/bulwark-evil.%s" },
		{ OP_MOUNT_TMPFS, "/etc/cron.d", NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(at); i++)
		if (!check(_metadata, &self->env, &host_task, at[i].op,
			   at[i].a, at[i].b, &allow))
			return;
}

/*
 * Scope 2 widens the miner rule alone: the host's administrator keeps
 * every right over the protected files, and a container stays refused.
 */
TEST_F(allowed, host_edits_at_scope_2)
{
	static const struct attack at[] = {
		{ OP_APPEND, "/etc/passwd", NULL },
		{ OP_CREATE, "/etc/cron.d/bulwark-evil.%s", NULL },
		{ OP_CHMOD, "/etc/crontab", NULL },
		{ OP_UNLINK, "/usr/bin/bulwark-host.%s", NULL },
		{ OP_MOUNT_TMPFS, "/etc/cron.d", NULL },
	};
	size_t i;

	set_knob(_metadata, "scope", 2);
	for (i = 0; i < ARRAY_SIZE(at); i++)
		if (!check(_metadata, &self->env, &host_task, at[i].op,
			   at[i].a, at[i].b, &allow))
			return;
	check(_metadata, &self->env, &in_chroot, OP_APPEND, "/etc/crontab",
	      NULL, &deny);
}

/* Reading is harmless, from a container too. */
TEST_F(allowed, contained_reads)
{
	static const struct attack at[] = {
		{ OP_READ, "/etc/shadow", NULL },
		{ OP_READ, "/etc/passwd", NULL },
		{ OP_READ, "/etc/crontab", NULL },
		{ OP_READ, "/home/bulwark-u1.%s/.bashrc", NULL },
		{ OP_READ, "/usr/bin/bulwark-host.%s", NULL },
		{ OP_LIST, "/etc/cron.d", NULL },
		{ OP_LIST, "/etc/systemd/system", NULL },
		{ OP_LIST, "/usr/bin", NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(at); i++)
		if (!check(_metadata, &self->env, &in_chroot, at[i].op,
			   at[i].a, at[i].b, &allow))
			return;
}

/* A container's own /etc/passwd, cron.d, usr/bin: in its own root. */
TEST_F(allowed, own_tmpfs_root)
{
	check(_metadata, &self->env, &in_pidns, OP_OWN_TMPFS_ROOT, "/", NULL,
	      &allow);
}

TEST_F(allowed, own_overlay_root)
{
	check(_metadata, &self->env, &in_pidns, OP_OWN_OVERLAY_ROOT, "/",
	      NULL, &allow);
}

/* Paths not on the list, left to node agents on purpose. */
TEST_F(allowed, unlisted_paths)
{
	static const struct attack at[] = {
		{ OP_CREATE, "/etc/cni/bulwark-evil.%s.conflist", NULL },
		{ OP_MKDIR, "/etc/cni/bulwark-evil.%s.d", NULL },
		{ OP_CREATE, "/opt/bulwark-evil.%s", NULL },
		{ OP_CREATE, "/usr/local/bulwark-evil.%s", NULL },
		{ OP_MKDIR, "/var/lib/bulwark-evil.%s", NULL },
		/* /etc itself is not listed, nor the rest of a home. */
		{ OP_CREATE, "/etc/bulwark-evil.%s", NULL },
		{ OP_APPEND, "/etc/bulwark-src.%s", NULL },
		{ OP_CREATE, "/home/bulwark-u1.%s/notes", NULL },
		{ OP_MOUNT_TMPFS, "/opt", NULL },
		{ OP_MOUNT_TMPFS, "/etc/bulwark-dir.%s", NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(at); i++)
		if (!check(_metadata, &self->env, &in_chroot, at[i].op,
			   at[i].a, at[i].b, &allow))
			return;
}

/* A task in a container's cgroup, then the same cgroup made exempt. */
TEST_F(allowed, exempt_cgroup)
{
	const struct who in_cgroup = {
		.ctx = CTX_HOST, .route = ROUTE_CHROOT, .cgroup = true,
	};
	const struct who in_cgroup_pidns = {
		.ctx = CTX_PIDNS, .route = ROUTE_CHROOT, .cgroup = true,
	};
	struct env *e = &self->env;
	char line[256];

	if (access(EXEMPT, F_OK))
		SKIP(return, "no %s", EXEMPT);
	ASSERT_LE(0, read_all(EXEMPT, e->exempt, sizeof(e->exempt)));
	e->exempt_saved = true;
	if (env_cgroup(e))
		SKIP(return, "cannot create a cgroup: %s", strerror(errno));
	if (!check(_metadata, e, &in_cgroup, OP_APPEND,
		   "/etc/cron.d/bulwark-host.%s", NULL, &deny))
		return;
	snprintf(line, sizeof(line), "/docker/%s\n", CONTAINER_ID);
	ASSERT_EQ((ssize_t)strlen(line), policy_write(EXEMPT, line, 0));
	check(_metadata, e, &in_cgroup, OP_APPEND,
	      "/etc/cron.d/bulwark-host.%s", NULL, &allow);
	/* The exemption holds in the container's own namespaces too. */
	check(_metadata, e, &in_cgroup_pidns, OP_CREATE,
	      "/etc/cron.d/bulwark-evil.%s", NULL, &allow);
}

/* --- persist_paths. --- */

FIXTURE(paths)
{
	struct env env;
};

FIXTURE_SETUP(paths)
{
	env_setup(_metadata, &self->env, false);
}

FIXTURE_TEARDOWN_PARENT(paths)
{
	env_teardown(_metadata, &self->env);
}

/* Reads persist_paths and compares it with @want. */
static void expect_paths(struct __test_metadata *const _metadata,
			 const char *want)
{
	static char buf[SAVE_MAX];

	ASSERT_LE(0, read_all(PERSIST_PATHS, buf, sizeof(buf)));
	EXPECT_STREQ(want, buf);
}

/* One session writing all of @text; true when write() and close() took it. */
static bool put_paths(const char *text, int flags)
{
	return policy_write(PERSIST_PATHS, text, flags) == (ssize_t)strlen(text);
}

TEST_F(paths, file_mode_0600)
{
	struct stat st;

	ASSERT_EQ(0, stat(PERSIST_PATHS, &st));
	EXPECT_EQ(0600U, st.st_mode & 07777);
}

TEST_F(paths, canonical)
{
	const char *t = self->env.tag;
	char text[4096], want[4096], p[PATH_MAX], q[PATH_MAX];
	unsigned long long loads = counter(_metadata, COUNTER("policy_loads"));

	/* A symbolic link: followed inside the path, not as its last name. */
	tagged(p, "/etc/bulwark-lnk.%s", t);
	ASSERT_EQ(0, symlink(tagged(q, "bulwark-dir.%s", t), p));
	ASSERT_EQ(0, env_register(&self->env, p));

	/* Blanks, comments, white space, trailing '/', "..", repeats. */
	snprintf(text, sizeof(text),
		 "# host files\n\n  /etc/cron.d/  \n/etc/../etc/passwd\n"
		 "\t\n/etc/ld.so.preload\n/home/*/.bashrc\n/etc/cron.d\n"
		 "/etc/bulwark-lnk.%s/conf\n/etc/bulwark-lnk.%s\n", t, t);
	ASSERT_TRUE(put_paths(text, 0));
	snprintf(want, sizeof(want),
		 "/etc/cron.d\n/etc/passwd\n/etc/ld.so.preload\n"
		 "/home/*/.bashrc\n/etc/bulwark-dir.%s/conf\n"
		 "/etc/bulwark-lnk.%s\n", t, t);
	expect_paths(_metadata, want);
	EXPECT_EQ(loads + 1, counter(_metadata, COUNTER("policy_loads")));
	check(_metadata, &self->env, &in_chroot, OP_CREATE,
	      "/etc/bulwark-dir.%s/conf", NULL, &deny);
	/* The link is protected as a name, not what it points to. */
	check(_metadata, &self->env, &in_chroot, OP_UNLINK,
	      "/etc/bulwark-lnk.%s", NULL, &deny);
	check(_metadata, &self->env, &in_chroot, OP_CREATE,
	      "/etc/bulwark-dir.%s/other", NULL, &allow);
}

TEST_F(paths, append_and_empty)
{
	char line[PATH_MAX], want[SAVE_MAX];

	ASSERT_LE(0, read_all(PERSIST_PATHS, want, sizeof(want) - PATH_MAX));
	tagged(line, "/etc/bulwark-dir.%s\n", self->env.tag);
	ASSERT_TRUE(put_paths(line, O_APPEND));
	strcat(want, line);
	expect_paths(_metadata, want);
	check(_metadata, &self->env, &in_chroot, OP_CREATE,
	      "/etc/bulwark-dir.%s/evil", NULL, &deny);

	/* O_TRUNC and nothing written: nothing is protected. */
	ASSERT_EQ(0, policy_write(PERSIST_PATHS, "", O_TRUNC));
	expect_paths(_metadata, "");
	check(_metadata, &self->env, &in_chroot, OP_CREATE,
	      "/etc/cron.d/bulwark-evil.%s", NULL, &allow);
	check(_metadata, &self->env, &in_chroot, OP_MOUNT_TMPFS, "/etc", NULL,
	      &allow);
}

TEST_F(paths, invalid)
{
	static const char *const bad[] = {
		"etc/passwd\n",			/* relative */
		"/etc/bulwark-missing.%s/conf\n", /* no parent */
		"/home/*\n",			/* '*' last */
		"/*/bulwark/.bashrc\n",		/* '*' not next-to-last */
		"/home/*/*/.bashrc\n",		/* two '*' */
		"/home/bulwark-u1.%s*/.bashrc\n", /* '*' in a name */
		"/etc/.\n",			/* last component "." */
		"/etc/..\n",			/* last component ".." */
		"/\n",				/* everything */
		"/etc/cron.d\nrelative\n",	/* a good line, a bad one */
		"relative",			/* checked at close */
	};
	static char before[SAVE_MAX], text[8192];
	unsigned long long rejects, loads;
	size_t i;

	ASSERT_LE(0, read_all(PERSIST_PATHS, before, sizeof(before)));
	for (i = 0; i <= ARRAY_SIZE(bad); i++) {
		if (i < ARRAY_SIZE(bad)) {
			snprintf(text, sizeof(text), bad[i], self->env.tag);
		} else {
			/* Last: a line of 4096 bytes or more. */
			text[0] = '/';
			memset(text + 1, 'a', 5000);
			strcpy(text + 5001, "\n");
		}
		rejects = counter(_metadata, COUNTER("policy_rejects"));
		loads = counter(_metadata, COUNTER("policy_loads"));
		errno = 0;
		EXPECT_EQ(-1, policy_write(PERSIST_PATHS, text, 0))
		{
			TH_LOG("accepted \"%.60s\"", text);
		}
		EXPECT_EQ(EINVAL, errno)
		{
			TH_LOG("\"%.60s\": %s", text, strerror(errno));
		}
		expect_paths(_metadata, before);
		EXPECT_EQ(rejects + 1,
			  counter(_metadata, COUNTER("policy_rejects")));
		EXPECT_EQ(loads, counter(_metadata, COUNTER("policy_loads")));
	}
	check(_metadata, &self->env, &in_chroot, OP_APPEND, "/etc/crontab",
	      NULL, &deny);
}

TEST_F(paths, at_most_256_entries)
{
	static char text[MAX_ENTRIES * 64 + 64], got[SAVE_MAX];
	unsigned long long rejects;
	size_t len = 0;
	int i;

	/* Names that do not exist, in an existing directory: all distinct. */
	for (i = 0; i < MAX_ENTRIES; i++)
		len += sprintf(text + len, "/etc/bulwark-n.%s.%03d\n",
			       self->env.tag, i);
	ASSERT_TRUE(put_paths(text, 0));
	expect_paths(_metadata, text);

	rejects = counter(_metadata, COUNTER("policy_rejects"));
	sprintf(text + len, "/etc/bulwark-n.%s.%03d\n", self->env.tag, i);
	errno = 0;
	EXPECT_EQ(-1, policy_write(PERSIST_PATHS, text, 0));
	EXPECT_EQ(EINVAL, errno);
	text[len] = '\0';
	expect_paths(_metadata, text);
	EXPECT_EQ(rejects + 1, counter(_metadata, COUNTER("policy_rejects")));

	/*
	 * Nor may an append make it 257, and the writer must be told
	 * (write() or close() fails), not only the kernel log.
	 */
	errno = 0;
	EXPECT_EQ(-1, policy_write(PERSIST_PATHS, "/etc/passwd\n", O_APPEND))
	{
		TH_LOG("an O_APPEND session adding a 257th entry succeeded");
	}
	EXPECT_EQ(EINVAL, errno);
	ASSERT_LE(0, read_all(PERSIST_PATHS, got, sizeof(got)));
	EXPECT_STREQ(text, got);
	EXPECT_EQ(rejects + 2, counter(_metadata, COUNTER("policy_rejects")));
}

/* In the child: opens persist_paths for writing; 0 or errno. */
static int open_paths(void *arg)
{
	int fd = open(PERSIST_PATHS, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* In the child: reads persist_paths; 0 or errno. */
static int read_paths(void *arg)
{
	char buf[4096];

	return read_file(PERSIST_PATHS, buf, sizeof(buf)) < 0 ? errno : 0;
}

/* In the child: joins the cgroup @arg, then opens persist_paths. */
static int open_paths_in_cgroup(void *arg)
{
	if (write_file(arg, 0, "0", 1) != 1)
		return CTX_SETUP_FAILED;
	return open_paths(NULL);
}

TEST_F(paths, who_may_write)
{
	static const enum context refused[] = {
		CTX_PIDNS, CTX_USERNS_PIDNS, CTX_NO_SYS_ADMIN,
	};
	static char before[SAVE_MAX];
	size_t i;
	int ret;

	ASSERT_LE(0, read_all(PERSIST_PATHS, before, sizeof(before)));
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		ret = run_in_context(refused[i], open_paths, NULL);
		if (ret == CTX_SETUP_FAILED)
			continue;
		EXPECT_EQ(EPERM, ret)
		{
			TH_LOG("opened for writing in the %s context",
			       context_name(refused[i]));
		}
	}
	if (!env_cgroup(&self->env)) {
		ret = run_in_context(CTX_HOST, open_paths_in_cgroup,
				     self->env.procs);
		EXPECT_EQ(EPERM, ret)
		{
			TH_LOG("opened for writing from a container's cgroup");
		}
	}
	/* Reading is harmless, even from a container. */
	EXPECT_EQ(0, run_in_context(CTX_PIDNS, read_paths, NULL));
	expect_paths(_metadata, before);
}

/* A name entry protects the name: the host's replacement too. */
TEST_F(paths, name_survives_replacement)
{
	char line[PATH_MAX], p[PATH_MAX], q[PATH_MAX];

	tagged(line, "/etc/bulwark-src.%s\n", self->env.tag);
	ASSERT_TRUE(put_paths(line, O_APPEND));
	check(_metadata, &self->env, &in_chroot, OP_APPEND,
	      "/etc/bulwark-src.%s", NULL, &deny);
	/* The host replaces it, as useradd replaces /etc/passwd. */
	tagged(p, "/etc/bulwark-new.%s", self->env.tag);
	ASSERT_EQ(0, make_file(p, HOST_LINE, 0644));
	ASSERT_EQ(0, rename(p, tagged(q, "/etc/bulwark-src.%s",
				      self->env.tag)));
	check(_metadata, &self->env, &in_chroot, OP_APPEND,
	      "/etc/bulwark-src.%s", NULL, &deny);
	/* And it may remove it: the name stays protected while missing. */
	ASSERT_EQ(0, unlink(q));
	check(_metadata, &self->env, &in_chroot, OP_CREATE,
	      "/etc/bulwark-src.%s", NULL, &deny);
}

/* A directory entry follows the directory, not its path. */
TEST_F(paths, directory_held_by_identity)
{
	char line[PATH_MAX], p[PATH_MAX], q[PATH_MAX];

	tagged(line, "/etc/bulwark-dir.%s\n", self->env.tag);
	ASSERT_TRUE(put_paths(line, O_APPEND));
	tagged(p, "/etc/bulwark-dir.%s", self->env.tag);
	tagged(q, "/etc/bulwark-moved.%s", self->env.tag);
	ASSERT_EQ(0, env_register(&self->env, q));
	ASSERT_EQ(0, rename(p, q));
	check(_metadata, &self->env, &in_chroot, OP_CREATE,
	      "/etc/bulwark-moved.%s/evil", NULL, &deny);
	/* A new directory at the old path is another one. */
	ASSERT_EQ(0, mkdir(p, 0755));
	check(_metadata, &self->env, &in_chroot, OP_CREATE,
	      "/etc/bulwark-dir.%s/evil", NULL, &allow);
}

/* "<dir>/\*\/<name>" covers directories made later, one level down. */
TEST_F(paths, wildcard)
{
	char line[PATH_MAX], p[PATH_MAX];

	tagged(line, "/etc/bulwark-dir.%s/*/conf\n", self->env.tag);
	ASSERT_TRUE(put_paths(line, O_APPEND));
	ASSERT_EQ(0, mkdir(tagged(p, "/etc/bulwark-dir.%s/late",
				  self->env.tag), 0755));
	ASSERT_EQ(0, mkdir(tagged(p, "/etc/bulwark-dir.%s/late/sub",
				  self->env.tag), 0755));
	check(_metadata, &self->env, &in_chroot, OP_CREATE,
	      "/etc/bulwark-dir.%s/late/conf", NULL, &deny);
	check(_metadata, &self->env, &in_chroot, OP_CREATE,
	      "/etc/bulwark-dir.%s/late/other", NULL, &allow);
	check(_metadata, &self->env, &in_chroot, OP_CREATE,
	      "/etc/bulwark-dir.%s/late/sub/conf", NULL, &allow);
	check(_metadata, &self->env, &in_chroot, OP_CREATE,
	      "/etc/bulwark-dir.%s/conf", NULL, &allow);
}

/* SPEC's default list, as the module puts it in force when it loads. */
static const char *const defaults[] = {
	"/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow",
	"/etc/subuid", "/etc/subgid", "/etc/sudoers", "/etc/sudoers.d",
	"/etc/doas.conf", "/etc/pam.d", "/etc/security", "/etc/crontab",
	"/etc/cron.d", "/etc/cron.hourly", "/etc/cron.daily",
	"/etc/cron.weekly", "/etc/cron.monthly", "/etc/anacrontab",
	"/var/spool/cron", "/etc/systemd/system", "/usr/lib/systemd/system",
	"/etc/init.d", "/etc/rc.local", "/etc/kubernetes/manifests",
	"/etc/ld.so.preload", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
	"/etc/profile", "/etc/profile.d", "/etc/bash.bashrc",
	"/etc/environment", "/etc/rc0.d", "/etc/rc1.d", "/etc/rc2.d",
	"/etc/rc3.d", "/etc/rc4.d", "/etc/rc5.d", "/etc/rc6.d", "/etc/rcS.d",
	"/root", "/etc/ssh", "/etc/modules", "/etc/modules-load.d",
	"/etc/modprobe.d", "/etc/udev/rules.d", "/usr/bin", "/usr/sbin",
	"/usr/lib", "/usr/libexec", "/boot", "/bin", "/sbin", "/lib",
};

static const char *const startup_files[] = {
	".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile",
	".shrc", ".zshrc", ".zprofile", ".zshenv", ".zlogin",
};

/* /bin, /sbin and /lib: listed only where they are directories. */
static bool usr_link(const char *path)
{
	return !strcmp(path, "/bin") || !strcmp(path, "/sbin") ||
	       !strcmp(path, "/lib");
}

/* Whether the list @text holds the line @entry. */
static bool listed(const char *text, const char *entry)
{
	size_t len = strlen(entry);
	const char *p;

	for (p = text; (p = strstr(p, entry)); p += len)
		if ((p == text || p[-1] == '\n') && p[len] == '\n')
			return true;
	return false;
}

/*
 * After a load, with what the fixture made on the host: each default
 * entry that exists or whose parent does, and no other.
 */
TEST_F_TIMEOUT(paths, defaults_after_load, MODULE_TIMEOUT)
{
	static const struct attack at[] = {
		{ OP_APPEND, "/etc/passwd", NULL },
		{ OP_APPEND, "/etc/crontab", NULL },
		{ OP_CREATE, "/etc/sudoers.d/bulwark-evil.%s", NULL },
		{ OP_CREATE, "/etc/systemd/system/bulwark-evil.%s.service", NULL },
		{ OP_CREATE, "/etc/profile.d/bulwark-evil.%s.sh", NULL },
		{ OP_CREATE, "/home/bulwark-u2.%s/.profile", NULL },
		{ OP_CREATE, "/etc/pam.d/bulwark-evil.%s", NULL },
		{ OP_APPEND, "/etc/ssh/sshd_config", NULL },
		{ OP_CREATE, "/etc/modprobe.d/bulwark-evil.%s.conf", NULL },
		{ OP_CREATE, "/usr/bin/bulwark-evil.%s", NULL },
		{ OP_CREATE, "/etc/kubernetes/manifests/bulwark-evil.%s.yaml", NULL },
		{ OP_CREATE, "/root/bulwark-evil.%s", NULL },
		{ OP_MOUNT_TMPFS, "/etc/cron.d", NULL },
	};
	static char text[SAVE_MAX];
	const char *why = module_unavailable(true);
	char parent[PATH_MAX], entry[PATH_MAX];
	bool want, home;
	struct stat st;
	size_t i, j, n = 0, lines = 0;

	if (why)
		SKIP(return, "%s", why);
	reload_module(_metadata, "");
	ASSERT_EQ(2ULL, get_knob(_metadata, "persist_mode"));
	ASSERT_LE(0, read_all(PERSIST_PATHS, text, sizeof(text)));
	for (i = 0; text[i]; i++)
		lines += text[i] == '\n';

	for (i = 0; i < ARRAY_SIZE(defaults); i++) {
		strcpy(parent, defaults[i]);
		dirname(parent);
		if (!lstat(defaults[i], &st))
			/* Merged /usr: /bin is a link, /usr/bin is listed. */
			want = !S_ISLNK(st.st_mode) || !usr_link(defaults[i]);
		else
			want = !stat(parent, &st) && S_ISDIR(st.st_mode);
		n += want;
		EXPECT_EQ(want, listed(text, defaults[i]))
		{
			TH_LOG("%s is %s", defaults[i],
			       want ? "missing" : "listed");
		}
	}
	home = !stat("/home", &st) && S_ISDIR(st.st_mode);
	for (j = 0; j < ARRAY_SIZE(startup_files); j++) {
		snprintf(entry, sizeof(entry), "/home/*/%s", startup_files[j]);
		n += home;
		EXPECT_EQ(home, listed(text, entry))
		{
			TH_LOG("%s is %s", entry, home ? "missing" : "listed");
		}
	}
	EXPECT_EQ(n, lines)
	{
		TH_LOG("the default list here:\n%s", text);
	}
	deny_all(_metadata, &self->env, &in_chroot, at, ARRAY_SIZE(at));
	/*
	 * /etc is above /etc/ssh, on the default keys_dirs too: the keys
	 * rule is concerned, and it is its refusal.
	 */
	check(_metadata, &self->env, &in_chroot, OP_MOUNT_TMPFS, "/etc", NULL,
	      &keys_deny);
}

/* --- The keys rule judges key files beneath /root. --- */

FIXTURE(root_keys)
{
	struct env env;
};

FIXTURE_SETUP(root_keys)
{
	struct env *e = &self->env;
	char p[PATH_MAX];
	const char *why = NULL;

	if (access("/root", F_OK))
		SKIP(return, "no /root");
	if (!env_setup(_metadata, e, false))
		return;
	if (env_mkdir(e, "/root/.ssh", 0700))
		why = "/root/.ssh";
	else if (env_file(e, "/root/.ssh/authorized_keys", KEY_TEXT, 0600))
		why = "/root/.ssh/authorized_keys";
	else if (env_file(e, tagged(p, "/root/bulwark-host.%s", e->tag),
			  HOST_LINE, 0644))
		why = "/root/bulwark-host";
	else if (policy_write(KEYS_DIRS, "/root\n", 0) != 6 ||
		 policy_write(KEYS_NAMES, "authorized_keys\n", 0) != 16)
		why = "writing keys_dirs and keys_names";
	else if (policy_write(PERSIST_PATHS, "/root\n", O_APPEND) != 6)
		why = "appending /root to persist_paths";
	if (why) {
		const int err = errno;

		env_teardown(_metadata, e);
		ASSERT_EQ(NULL, why)
		{
			TH_LOG("%s: %s", why, strerror(err));
		}
	}
}

FIXTURE_TEARDOWN_PARENT(root_keys)
{
	env_teardown(_metadata, &self->env);
}

TEST_F(root_keys, key_file_denied_by_keys)
{
	check(_metadata, &self->env, &in_chroot, OP_APPEND,
	      "/root/.ssh/authorized_keys", NULL, &keys_deny);
	check(_metadata, &self->env, &in_bind, OP_UNLINK,
	      "/root/.ssh/authorized_keys", NULL, &keys_deny);
}

TEST_F(root_keys, key_file_audited_by_keys)
{
	set_knob(_metadata, "keys_mode", 1);
	check(_metadata, &self->env, &in_chroot, OP_APPEND,
	      "/root/.ssh/authorized_keys", NULL, &keys_audit);
}

/* Scope 2 does not take the host's own keys from its administrator. */
TEST_F(root_keys, key_file_host_at_scope_2)
{
	set_knob(_metadata, "scope", 2);
	check(_metadata, &self->env, &host_task, OP_APPEND,
	      "/root/.ssh/authorized_keys", NULL, &allow);
	check(_metadata, &self->env, &host_task, OP_CHMOD,
	      "/root/.ssh/authorized_keys", NULL, &allow);
	check(_metadata, &self->env, &in_chroot, OP_APPEND,
	      "/root/.ssh/authorized_keys", NULL, &keys_deny);
}

/* keys_mode alone decides: off, it may change, persist_mode 2 or not. */
TEST_F(root_keys, key_file_keys_off)
{
	set_knob(_metadata, "keys_mode", 0);
	check(_metadata, &self->env, &in_chroot, OP_APPEND,
	      "/root/.ssh/authorized_keys", NULL, &allow);
}

/* Everything else in /root is the persist rule's. */
TEST_F(root_keys, other_files_denied_by_persist)
{
	check(_metadata, &self->env, &in_chroot, OP_APPEND,
	      "/root/bulwark-host.%s", NULL, &deny);
	check(_metadata, &self->env, &in_chroot, OP_CREATE,
	      "/root/.ssh/bulwark-evil.%s", NULL, &deny);
	check(_metadata, &self->env, &in_chroot, OP_CREATE,
	      "/root/.bulwark-evil.%s", NULL, &deny);
}

/* --- The log. --- */

FIXTURE(report)
{
	struct env env;
};

FIXTURE_SETUP(report)
{
	env_setup(_metadata, &self->env, false);
}

FIXTURE_TEARDOWN_PARENT(report)
{
	env_teardown(_metadata, &self->env);
}

TEST_F_TIMEOUT(report, log_lines, 60)
{
	const char *t = self->env.tag;
	char path[PATH_MAX + 16], p[PATH_MAX];
	int fd;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		SKIP(return, "cannot read /dev/kmsg: %s", strerror(errno));
	ASSERT_LE(0, lseek(fd, 0, SEEK_END));
	/* Let the report's rate limit recover from earlier tests. */
	sleep(RATELIMIT_WAIT);

	/* Reached through the bind mount: the log names the host's path. */
	check(_metadata, &self->env, &in_bind, OP_APPEND, "/etc/crontab",
	      NULL, &deny);
	EXPECT_TRUE(kmsg_find_both(fd, "action=deny op=open reason=host_persist pid=",
			      "path=\"/etc/crontab\""));
	check(_metadata, &self->env, &in_bind, OP_MKDIR,
	      "/etc/cron.d/bulwark-evil.%s", NULL, &deny);
	snprintf(path, sizeof(path), "path=\"%s\"",
		 tagged(p, "/etc/cron.d/bulwark-evil.%s", t));
	EXPECT_TRUE(kmsg_find_both(fd, "action=deny op=mkdir reason=host_persist ",
			      path));
	check(_metadata, &self->env, &in_chroot, OP_MOUNT_TMPFS,
	      "/etc/cron.d", NULL, &deny);
	EXPECT_TRUE(kmsg_find_both(fd, "action=deny op=mount reason=host_persist ",
			      "path=\"/etc/cron.d\""));
	check(_metadata, &self->env, &in_chroot, OP_RENAME,
	      "/etc/bulwark-passwd.%s", "/etc/passwd", &deny);
	EXPECT_TRUE(kmsg_find_both(fd, "action=deny op=rename reason=host_persist ",
			      "path=\"/etc/passwd\""));

	set_knob(_metadata, "persist_mode", 1);
	check(_metadata, &self->env, &in_chroot, OP_CHMOD,
	      "/etc/pam.d/bulwark-host.%s", NULL, &audit);
	snprintf(path, sizeof(path), "path=\"%s\"",
		 tagged(p, "/etc/pam.d/bulwark-host.%s", t));
	EXPECT_TRUE(kmsg_find_both(fd, "action=audit op=setattr reason=host_persist ",
			      path));
	close(fd);
}

/* --- What all tests share. --- */

#define FAIL_SETUP(...)							\
	do {								\
		snprintf(g.unavailable, sizeof(g.unavailable),		\
			 __VA_ARGS__);					\
		return;							\
	} while (0)

/*
 * A private mount namespace for the whole program and a tmpfs in it, with
 * the directories the children use; on failure, g.unavailable says why
 * and every test skips.
 */
static void setup_top(void)
{
	char p[PATH_MAX];

	J = shared_alloc(sizeof(*J));
	if (!J)
		FAIL_SETUP("mmap: %s", strerror(errno));
	if (geteuid())
		FAIL_SETUP("must run as root");
	strcpy(g.top, "/tmp/bulwark-persist.XXXXXX");
	if (!mkdtemp(g.top))
		FAIL_SETUP("mkdtemp: %s", strerror(errno));
	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", g.top, "tmpfs", 0, "size=64m,mode=0755"))
		FAIL_SETUP("private tmpfs: %s", strerror(errno));
	join(g.bind, g.top, "bind");
	join(g.src, g.top, "src");
	join(g.move, g.top, "move");
	join(g.own, g.top, "own");
	join(g.lower, g.top, "lower");
	join(g.rw, g.top, "rw");
	join(g.log, g.top, "useradd.log");
	if (mkdir(g.bind, 0755) || mkdir(g.src, 0755) ||
	    mkdir(g.move, 0755) || mkdir(g.own, 0755) ||
	    mkdir(g.lower, 0755) || mkdir(g.rw, 0755) || make_image(g.lower))
		FAIL_SETUP("mkdir: %s", strerror(errno));
	join(p, g.src, "evil");
	if (make_file(p, EVIL_LINE, 0644))
		FAIL_SETUP("%.128s: %s", p, strerror(errno));
}

int main(int argc, char **argv)
{
	int ret;

	setup_top();
	ret = test_harness_run(argc, argv);
	if (g.top[0]) {
		umount2(g.top, MNT_DETACH);
		rmdir(g.top);
	}
	return ret;
}
