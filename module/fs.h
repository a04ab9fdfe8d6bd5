/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - the policy files in securityfs
 */

#ifndef _BULWARK_FS_H
#define _BULWARK_FS_H

#include <linux/dcache.h>

extern struct dentry *bulwark_fs_dir;

int bulwark_fs_init(void);
void bulwark_fs_exit(void);

#endif /* _BULWARK_FS_H */
