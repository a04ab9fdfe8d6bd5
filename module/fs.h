/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - the policy files in securityfs
 */

#ifndef _BULWARK_FS_H
#define _BULWARK_FS_H

#include <linux/dcache.h>
#include <linux/fs.h>

extern struct dentry *bulwark_fs_dir;

struct dentry *bulwark_fs_create_file(const char *name,
				      const struct file_operations *fops,
				      void *data);
void bulwark_fs_remove_file(struct dentry *d);
int bulwark_fs_init(void);
void bulwark_fs_exit(void);

#endif /* _BULWARK_FS_H */
