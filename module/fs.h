/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - the policy files in securityfs
 */

#ifndef _BULWARK_FS_H
#define _BULWARK_FS_H

#include <linux/dcache.h>
#include <linux/fs.h>

extern struct dentry *bulwark_fs_dir;

int bulwark_fs_create_file(struct dentry **file, const char *name,
			   const struct file_operations *fops, void *data);
void bulwark_fs_remove_file(struct dentry **file);
struct bulwark_policy_session;
ssize_t bulwark_fs_write(struct bulwark_policy_session *s,
			 const char __user *ubuf, size_t count);
int bulwark_fs_finish(struct bulwark_policy_session *s);
void bulwark_fs_commit(struct bulwark_policy_session *s,
		       int (*commit)(void *priv), void *priv);
int bulwark_fs_init(void);
void bulwark_fs_exit(void);

#endif /* _BULWARK_FS_H */
