/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - the exec rule: no blocklisted binary runs in a container
 */

#ifndef _BULWARK_EXEC_H
#define _BULWARK_EXEC_H

#include <linux/fs.h>

/* Magic numbers that <uapi/linux/magic.h> lacks before v6.x. */
#define BULWARK_MAGIC_FUSE 0x65735546
#define BULWARK_MAGIC_CIFS 0xff534d42
#define BULWARK_MAGIC_SMB2 0xfe534d42
#define BULWARK_MAGIC_VBOXSF 0x786f4256
#define BULWARK_MAGIC_CEPH 0x00c36400

bool bulwark_remote_content(const struct super_block *sb);
int bulwark_exec_check(struct file *file, const char *op);
int bulwark_exec_init(void);
void bulwark_exec_exit(void);

#endif /* _BULWARK_EXEC_H */
