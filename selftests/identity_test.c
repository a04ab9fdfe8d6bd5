// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark selftests - protected host files are judged by identity, however
 * a contained task reaches or covers them
 *
 * SPEC "What is denied", keys and persist: "a protected file is judged by
 * its identity however it is reached, including through open_by_handle_at
 * (a disconnected dentry)", and "a contained task may not mount anything
 * on or over a protected directory or a key file's directory (mount,
 * mount --bind, move_mount, fsmount), in any mount namespace, since a
 * mount made with shared propagation appears on the host."
 *
 * The program works in a private mount namespace on an ext4 image: its
 * home/u/.ssh/authorized_keys is a host key file (keys_dirs holds home),
 * its etc/cron.d and etc/passwd are on persist_paths, other/ is neither.
 * The ext4 mount is shared, and a contained task gets a mount namespace of
 * its own whose copy of it is a peer: what it mounts there, the test
 * would see.  Contained means pid 1 of a new pid namespace, root with
 * every capability, as a privileged container's root is.
 */

#include "common.h"

#define COUNTER(name) SYSFS_DIR "/counters/" name

#define KEY_TEXT "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey root@host\n"
#define JOB_TEXT "17 * * * * root run-parts /etc/cron.hourly\n"
#define PASSWD_TEXT "root:x:0:0:root:/root:/bin/sh\n"
#define EVIL_TEXT "evil\n"

/* Child exit codes: the operation failed with EPERM, succeeded, or else. */
#define RES_EPERM 0
#define RES_DONE 1
#define RES_OTHER 2
#define RES_PREP 3

static struct {
	char unavailable[256];
	char top[64];
	char fs[96];
} g;

static void path_of(char *buf, const char *rel)
{
	snprintf(buf, PATH_MAX, "%s/%s", g.fs, rel);
}

/* What a contained child does: the operation and its target(s). */
struct op {
	enum {
		OP_HANDLE_WRITE,
		OP_HANDLE_READ,
		OP_MOUNT_TMPFS,
		OP_MOUNT_BIND,
		OP_MOUNT_PROPAGATION,
		OP_MOVE_MOUNT,
	} kind;
	/* For handles: the file's handle, and the filesystem's root. */
	union {
		struct file_handle fh;
		char fh_buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	};
	int mount_fd;
	/* For mounts: where, and for a bind what. */
	char target[PATH_MAX];
	char source[PATH_MAX];
	/* Unmount again when the mount was made (audit mode). */
	bool undo;
};

static int result_of(int ret)
{
	if (!ret)
		return RES_DONE;
	return errno == EPERM ? RES_EPERM : RES_OTHER;
}

static int do_op(void *arg)
{
	struct op *op = arg;
	char buf[256];
	int fd, fsfd, mfd, ret;

	switch (op->kind) {
	case OP_HANDLE_WRITE:
		fd = open_by_handle_at(op->mount_fd, &op->fh, O_WRONLY | O_APPEND);
		if (fd < 0)
			return result_of(-1);
		ret = write(fd, EVIL_TEXT, strlen(EVIL_TEXT));
		close(fd);
		return ret == (int)strlen(EVIL_TEXT) ? RES_DONE : RES_OTHER;
	case OP_HANDLE_READ:
		fd = open_by_handle_at(op->mount_fd, &op->fh, O_RDONLY);
		if (fd < 0)
			return result_of(-1);
		ret = read(fd, buf, sizeof(buf));
		close(fd);
		return ret > 0 ? RES_DONE : RES_OTHER;
	default:
		break;
	}

	/* A mount namespace of its own, whose mounts are peers of ours. */
	if (unshare(CLONE_NEWNS))
		return RES_PREP;
	switch (op->kind) {
	case OP_MOUNT_TMPFS:
		ret = mount("tmpfs", op->target, "tmpfs", 0, "size=1m");
		break;
	case OP_MOUNT_BIND:
		ret = mount(op->source, op->target, NULL, MS_BIND, NULL);
		break;
	case OP_MOUNT_PROPAGATION:
		return result_of(mount(NULL, op->target, NULL,
				       MS_REC | MS_PRIVATE, NULL));
	case OP_MOVE_MOUNT:
		fsfd = fsopen("tmpfs", FSOPEN_CLOEXEC);
		if (fsfd < 0)
			return errno == ENOSYS ? RES_PREP : RES_OTHER;
		if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
			return RES_OTHER;
		mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
		if (mfd < 0)
			return RES_OTHER;
		ret = move_mount(mfd, "", AT_FDCWD, op->target,
				 MOVE_MOUNT_F_EMPTY_PATH);
		break;
	default:
		return RES_PREP;
	}
	if (!ret && op->undo && umount2(op->target, 0))
		return RES_OTHER;
	return result_of(ret);
}

/* Runs @op in a contained child (or a host one): its result code. */
static int run_op(enum context ctx, struct op *op)
{
	return run_in_context(ctx, do_op, op);
}

static int write_text(const char *path, const char *text)
{
	return write_file(path, O_CREAT | O_TRUNC, text, strlen(text)) ==
	       (ssize_t)strlen(text) ? 0 : -1;
}

static bool has_text(const char *path, const char *text)
{
	char buf[512];
	ssize_t n = read_file(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return false;
	buf[n] = '\0';
	return !strcmp(buf, text);
}

/* Whether @path is still what @before describes (no mount covers it). */
static bool same_file(const char *path, const struct stat *before)
{
	struct stat st;

	return !stat(path, &st) && st.st_dev == before->st_dev &&
	       st.st_ino == before->st_ino;
}

FIXTURE(identity)
{
	char keys_dirs[4096];
	char persist[8192];
	unsigned long long keys_mode, persist_mode;
	char key[PATH_MAX], job[PATH_MAX], passwd[PATH_MAX];
	struct op op;
};

FIXTURE_SETUP(identity)
{
	char dir[PATH_MAX], list[3 * PATH_MAX];
	const char *const dirs[] = {
		"home", "home/u", "home/u/.ssh", "etc", "etc/cron.d", "other",
		"other/dir",
	};
	char file[PATH_MAX];
	ssize_t n;
	size_t i;

	if (g.unavailable[0])
		SKIP(return, "%s", g.unavailable);
	ensure_loaded(_metadata);
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		path_of(dir, dirs[i]);
		ASSERT_TRUE(!mkdir(dir, 0755) || errno == EEXIST);
	}
	path_of(self->key, "home/u/.ssh/authorized_keys");
	path_of(self->job, "etc/cron.d/job");
	path_of(self->passwd, "etc/passwd");
	ASSERT_EQ(0, write_text(self->key, KEY_TEXT));
	ASSERT_EQ(0, write_text(self->job, JOB_TEXT));
	ASSERT_EQ(0, write_text(self->passwd, PASSWD_TEXT));
	path_of(file, "other/file");
	ASSERT_EQ(0, write_text(file, EVIL_TEXT));

	self->keys_mode = get_knob(_metadata, "keys_mode");
	self->persist_mode = get_knob(_metadata, "persist_mode");
	n = read_file(SECURITYFS_DIR "/keys_dirs", self->keys_dirs,
		      sizeof(self->keys_dirs) - 1);
	ASSERT_LE(0, n);
	self->keys_dirs[n] = '\0';
	n = read_file(SECURITYFS_DIR "/persist_paths", self->persist,
		      sizeof(self->persist) - 1);
	ASSERT_LE(0, n);
	self->persist[n] = '\0';

	set_knob(_metadata, "keys_mode", 2);
	set_knob(_metadata, "persist_mode", 2);
	snprintf(list, sizeof(list), "%s/home\n", g.fs);
	ASSERT_EQ((ssize_t)strlen(list),
		  policy_write(SECURITYFS_DIR "/keys_dirs", list, 0));
	snprintf(list, sizeof(list), "%s/etc/cron.d\n%s/etc/passwd\n", g.fs,
		 g.fs);
	ASSERT_EQ((ssize_t)strlen(list),
		  policy_write(SECURITYFS_DIR "/persist_paths", list, O_APPEND));
	memset(&self->op, 0, sizeof(self->op));
	self->op.mount_fd = -1;
}

FIXTURE_TEARDOWN_PARENT(identity)
{
	if (g.unavailable[0])
		return;
	/* self->op's descriptor is the test process's: it goes with it. */
	policy_write(SECURITYFS_DIR "/keys_dirs", self->keys_dirs, O_TRUNC);
	policy_write(SECURITYFS_DIR "/persist_paths", self->persist, O_TRUNC);
	write_knob_u64("keys_mode", self->keys_mode);
	write_knob_u64("persist_mode", self->persist_mode);
}

/*
 * The handle of @path, and the filesystem's root to open it through; then
 * the dentries are dropped, so that open_by_handle_at() makes a
 * disconnected one.
 */
static void take_handle(struct __test_metadata *const _metadata,
			struct op *op, const char *path)
{
	int mount_id;

	op->fh.handle_bytes = MAX_HANDLE_SZ;
	ASSERT_EQ(0, name_to_handle_at(AT_FDCWD, path, &op->fh, &mount_id, 0));
	op->mount_fd = open(g.fs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, op->mount_fd);
	sync();
	ASSERT_EQ(1, write_file("/proc/sys/vm/drop_caches", 0, "2", 1));
}

/* @op by a contained task is refused, counter @name goes up by one. */
static void expect_denied(struct __test_metadata *const _metadata,
			  struct op *op, const char *name)
{
	unsigned long long before = counter(_metadata, name);

	EXPECT_EQ(RES_EPERM, run_op(CTX_PIDNS, op));
	EXPECT_EQ(before + 1, counter(_metadata, name));
}

TEST_F(identity, handle_write_key_file)
{
	take_handle(_metadata, &self->op, self->key);
	self->op.kind = OP_HANDLE_WRITE;
	expect_denied(_metadata, &self->op, COUNTER("keys_blocked"));
	EXPECT_TRUE(has_text(self->key, KEY_TEXT));
}

/* The keys rule alone: persist's entries must not be what finds it. */
TEST_F(identity, handle_write_key_file_persist_off)
{
	take_handle(_metadata, &self->op, self->key);
	set_knob(_metadata, "persist_mode", 0);
	self->op.kind = OP_HANDLE_WRITE;
	expect_denied(_metadata, &self->op, COUNTER("keys_blocked"));
	EXPECT_TRUE(has_text(self->key, KEY_TEXT));
}

TEST_F(identity, handle_write_persist_file)
{
	take_handle(_metadata, &self->op, self->job);
	self->op.kind = OP_HANDLE_WRITE;
	/* keys_dirs has a directory on this filesystem: keys judges it. */
	ASSERT_EQ(0, policy_write(SECURITYFS_DIR "/keys_dirs", "", O_TRUNC));
	expect_denied(_metadata, &self->op, COUNTER("persist_blocked"));
	EXPECT_TRUE(has_text(self->job, JOB_TEXT));
}

TEST_F(identity, handle_read_allowed)
{
	unsigned long long blocked;

	take_handle(_metadata, &self->op, self->key);
	blocked = counter(_metadata, COUNTER("keys_blocked"));
	self->op.kind = OP_HANDLE_READ;
	EXPECT_EQ(RES_DONE, run_op(CTX_PIDNS, &self->op));
	EXPECT_EQ(blocked, counter(_metadata, COUNTER("keys_blocked")));
}

TEST_F(identity, handle_write_by_host_allowed)
{
	char text[sizeof(KEY_TEXT) + sizeof(EVIL_TEXT)];

	take_handle(_metadata, &self->op, self->key);
	self->op.kind = OP_HANDLE_WRITE;
	EXPECT_EQ(RES_DONE, run_op(CTX_HOST, &self->op));
	snprintf(text, sizeof(text), "%s%s", KEY_TEXT, EVIL_TEXT);
	EXPECT_TRUE(has_text(self->key, text));
}

TEST_F(identity, handle_write_keys_off)
{
	take_handle(_metadata, &self->op, self->key);
	set_knob(_metadata, "keys_mode", 0);
	set_knob(_metadata, "persist_mode", 0);
	self->op.kind = OP_HANDLE_WRITE;
	EXPECT_EQ(RES_DONE, run_op(CTX_PIDNS, &self->op));
}

/*
 * A mount on @rel (of other/dir, or other/file on a file, for a bind) by a
 * contained task is refused; nothing covers @rel here.
 */
static void mount_denied(struct __test_metadata *const _metadata,
			 struct op *op, int kind, const char *rel,
			 const char *name)
{
	struct stat before;

	op->kind = kind;
	path_of(op->target, rel);
	ASSERT_EQ(0, stat(op->target, &before));
	path_of(op->source, S_ISDIR(before.st_mode) ? "other/dir" :
						      "other/file");
	expect_denied(_metadata, op, name);
	EXPECT_TRUE(same_file(op->target, &before));
}

TEST_F(identity, mount_tmpfs_on_ssh_dir)
{
	mount_denied(_metadata, &self->op, OP_MOUNT_TMPFS, "home/u/.ssh",
		     COUNTER("keys_blocked"));
	EXPECT_TRUE(has_text(self->key, KEY_TEXT));
}

TEST_F(identity, bind_on_ssh_dir)
{
	mount_denied(_metadata, &self->op, OP_MOUNT_BIND, "home/u/.ssh",
		     COUNTER("keys_blocked"));
}

TEST_F(identity, bind_on_key_file)
{
	mount_denied(_metadata, &self->op, OP_MOUNT_BIND,
		     "home/u/.ssh/authorized_keys", COUNTER("keys_blocked"));
}

TEST_F(identity, mount_on_keys_dir)
{
	mount_denied(_metadata, &self->op, OP_MOUNT_TMPFS, "home",
		     COUNTER("keys_blocked"));
}

TEST_F(identity, mount_on_ancestor)
{
	mount_denied(_metadata, &self->op, OP_MOUNT_TMPFS, ".",
		     COUNTER("keys_blocked"));
}

TEST_F(identity, move_mount_on_ssh_dir)
{
	struct stat before;
	int res;

	self->op.kind = OP_MOVE_MOUNT;
	path_of(self->op.target, "home/u/.ssh");
	ASSERT_EQ(0, stat(self->op.target, &before));
	res = run_op(CTX_PIDNS, &self->op);
	if (res == RES_PREP)
		SKIP(return, "no fsopen(2) here");
	EXPECT_EQ(RES_EPERM, res);
	EXPECT_TRUE(same_file(self->op.target, &before));
}

TEST_F(identity, mount_on_cron_dir)
{
	mount_denied(_metadata, &self->op, OP_MOUNT_TMPFS, "etc/cron.d",
		     COUNTER("persist_blocked"));
	EXPECT_TRUE(has_text(self->job, JOB_TEXT));
}

TEST_F(identity, bind_on_passwd)
{
	mount_denied(_metadata, &self->op, OP_MOUNT_BIND, "etc/passwd",
		     COUNTER("persist_blocked"));
	EXPECT_TRUE(has_text(self->passwd, PASSWD_TEXT));
}

TEST_F(identity, move_mount_on_cron_dir)
{
	unsigned long long before;
	int res;

	before = counter(_metadata, COUNTER("persist_blocked"));
	self->op.kind = OP_MOVE_MOUNT;
	path_of(self->op.target, "etc/cron.d");
	res = run_op(CTX_PIDNS, &self->op);
	if (res == RES_PREP)
		SKIP(return, "no fsopen(2) here");
	EXPECT_EQ(RES_EPERM, res);
	EXPECT_EQ(before + 1, counter(_metadata, COUNTER("persist_blocked")));
}

/* What must stay allowed. */

TEST_F(identity, mount_elsewhere_allowed)
{
	self->op.kind = OP_MOUNT_TMPFS;
	self->op.undo = true;
	path_of(self->op.target, "other/dir");
	EXPECT_EQ(RES_DONE, run_op(CTX_PIDNS, &self->op));
}

TEST_F(identity, propagation_change_allowed)
{
	self->op.kind = OP_MOUNT_PROPAGATION;
	snprintf(self->op.target, sizeof(self->op.target), "%s", g.fs);
	EXPECT_EQ(RES_DONE, run_op(CTX_PIDNS, &self->op));
}

TEST_F(identity, mount_by_host_allowed)
{
	self->op.kind = OP_MOUNT_TMPFS;
	self->op.undo = true;
	path_of(self->op.target, "home/u/.ssh");
	EXPECT_EQ(RES_DONE, run_op(CTX_HOST, &self->op));
	EXPECT_TRUE(has_text(self->key, KEY_TEXT));
}

TEST_F(identity, mount_audit_mode)
{
	unsigned long long audited;

	set_knob(_metadata, "keys_mode", 1);
	audited = counter(_metadata, COUNTER("keys_audited"));
	self->op.kind = OP_MOUNT_TMPFS;
	self->op.undo = true;
	path_of(self->op.target, "home/u/.ssh");
	EXPECT_EQ(RES_DONE, run_op(CTX_PIDNS, &self->op));
	EXPECT_EQ(audited + 1, counter(_metadata, COUNTER("keys_audited")));
	EXPECT_TRUE(has_text(self->key, KEY_TEXT));
}

/* A private mount namespace, a tmpfs, and an ext4 image mounted shared. */
static void setup_fs(void)
{
	char img[128], cmd[1024];

	if (geteuid()) {
		snprintf(g.unavailable, sizeof(g.unavailable), "not root");
		return;
	}
	strcpy(g.top, "/tmp/bulwark-identity.XXXXXX");
	if (!mkdtemp(g.top) || unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", g.top, "tmpfs", 0, "size=48m,mode=0755")) {
		snprintf(g.unavailable, sizeof(g.unavailable),
			 "private tmpfs: %s", strerror(errno));
		return;
	}
	snprintf(img, sizeof(img), "%s/ext4.img", g.top);
	snprintf(g.fs, sizeof(g.fs), "%s/fs", g.top);
	snprintf(cmd, sizeof(cmd),
		 "modprobe -q loop 2>/dev/null; modprobe -q ext4 2>/dev/null;"
		 "truncate -s 16M '%s' && mkfs.ext4 -q -F '%s' >/dev/null 2>&1 &&"
		 " mkdir '%s' && mount -o loop '%s' '%s'",
		 img, img, g.fs, img, g.fs);
	if (system(cmd)) {
		snprintf(g.unavailable, sizeof(g.unavailable),
			 "cannot mount an ext4 image (e2fsprogs, loop)");
		return;
	}
	/* What a contained task mounts in its own namespace, we see. */
	if (mount(NULL, g.fs, NULL, MS_SHARED, NULL))
		snprintf(g.unavailable, sizeof(g.unavailable),
			 "cannot make the mount shared: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	int ret;

	setup_fs();
	ret = test_harness_run(argc, argv);
	if (g.top[0]) {
		umount2(g.fs, MNT_DETACH);
		umount2(g.top, MNT_DETACH);
		rmdir(g.top);
	}
	return ret;
}
