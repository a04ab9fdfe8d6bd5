// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the policy files in securityfs
 *
 * /sys/kernel/security/bulwark/ holds the policy files; every file in it
 * has mode 0600.  Their mode, owner and times change only for those who
 * may change the policy (bulwark_may_configure()): securityfs would
 * otherwise let any task with CAP_FOWNER, a privileged container's
 * included, chmod them, even once bulwark is locked.
 */

#include "common.h"

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/security.h>

#include "compat.h"
#include "config.h"
#include "counters.h"
#include "fs.h"
#include "policyfs.h"

/* The directory; its files are removed before it. */
struct dentry *bulwark_fs_dir;

static int hook_setattr(BULWARK_SETATTR_IDMAP struct dentry *dentry,
			struct iattr *attr)
{
	int err = bulwark_may_configure();

	if (err)
		return err;
	return simple_setattr(BULWARK_SETATTR_IDMAP_ARG dentry, attr);
}

static const struct inode_operations file_iops = {
	.setattr = hook_setattr,
};

/* securityfs's directories use simple_dir_inode_operations. */
static const struct inode_operations dir_iops = {
	.lookup = simple_lookup,
	.setattr = hook_setattr,
};

/**
 * bulwark_fs_create_file - create a policy file in the directory
 * @file: set to the file's dentry, or to NULL on error
 * @name: the file's name
 * @fops: its file operations
 * @data: its inode's i_private
 *
 * Return: 0 on success or a negative errno, which is logged.
 */
int bulwark_fs_create_file(struct dentry **file, const char *name,
			   const struct file_operations *fops, void *data)
{
	struct dentry *d;

	d = securityfs_create_file(name, 0600, bulwark_fs_dir, data, fops);
	if (IS_ERR(d)) {
		*file = NULL;
		pr_err("cannot create securityfs file %s: error %ld\n", name,
		       PTR_ERR(d));
		return PTR_ERR(d);
	}
	d_inode(d)->i_op = &file_iops;
	*file = d;
	return 0;
}

/**
 * bulwark_fs_remove_file - remove a policy file
 * @file: its dentry from bulwark_fs_create_file(), or NULL; set to NULL
 *
 * securityfs_remove() leaves the dentry hashed while a path walk or an
 * open in flight still holds it, and the directory's removal would then
 * fail as not empty, so that the next load could not create it again.
 * Unhashing it makes the file unreachable at once.
 */
void bulwark_fs_remove_file(struct dentry **file)
{
	struct dentry *d = *file;

	*file = NULL;
	if (!d)
		return;
	dget(d);
	securityfs_remove(d);
	d_invalidate(d);
	dput(d);
}

/**
 * bulwark_fs_write - write to a policy file's session
 * @s: the session
 * @ubuf: the data
 * @count: its length
 *
 * The writer is checked again: a file opened by the administrator may
 * have been handed to a task that may not configure, and bulwark may
 * have been locked since the open.  Such a write fails with -EPERM and
 * spoils the session, so that its close changes nothing either.
 *
 * Return: @count, or a negative errno.
 */
ssize_t bulwark_fs_write(struct bulwark_policy_session *s,
			 const char __user *ubuf, size_t count)
{
	int err = bulwark_may_configure();

	if (err)
		return bulwark_policy_abort(s, err, "write refused");
	return bulwark_policy_write(s, ubuf, count);
}

/**
 * bulwark_fs_finish - end a policy file's session at close
 * @s: the session
 *
 * A writer killed by a signal may have been stopped anywhere in its
 * list: nothing it wrote is taken.  Its files are closed as it exits,
 * with PF_SIGNALED set.
 *
 * Return: 0, or the session's error; close() returns it.
 */
int bulwark_fs_finish(struct bulwark_policy_session *s)
{
	if (current->flags & PF_SIGNALED)
		return bulwark_policy_abort(s, -EINTR,
					    "the writer was killed");
	return bulwark_policy_finish(s);
}

/**
 * bulwark_fs_commit - end a list file's write session at release
 * @s: the session
 * @commit: puts the list written in force; 0 or a negative errno
 * @priv: passed to @commit
 *
 * The outcome can only be logged and counted: a session spoilt earlier
 * counted its reject already, and the list in force stays on error.
 */
void bulwark_fs_commit(struct bulwark_policy_session *s,
		       int (*commit)(void *priv), void *priv)
{
	int err;

	err = bulwark_fs_finish(s);
	if (!err)
		err = commit(priv);
	if (err) {
		if (!s->error)
			bulwark_count(BULWARK_POLICY_REJECTS);
		pr_warn("%s: not loaded (error %d); the list in force stays\n",
			s->name, err);
		return;
	}
	bulwark_count(BULWARK_POLICY_LOADS);
}

/**
 * bulwark_fs_init - create /sys/kernel/security/bulwark/
 *
 * Return: 0 on success or a negative errno.
 */
int bulwark_fs_init(void)
{
	bulwark_fs_dir = securityfs_create_dir(BULWARK_NAME, NULL);
	if (IS_ERR(bulwark_fs_dir)) {
		int err = PTR_ERR(bulwark_fs_dir);

		pr_err("cannot create securityfs directory: error %d\n", err);
		bulwark_fs_dir = NULL;
		return err;
	}
	d_inode(bulwark_fs_dir)->i_op = &dir_iops;
	return 0;
}

/**
 * bulwark_fs_exit - remove /sys/kernel/security/bulwark/ and its files
 */
void bulwark_fs_exit(void)
{
	securityfs_remove(bulwark_fs_dir);
}
