/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - the exec rule: no blocklisted binary runs in a container
 */

#ifndef _BULWARK_EXEC_H
#define _BULWARK_EXEC_H

#include <linux/fs.h>

bool bulwark_remote_content(const struct super_block *sb);
int bulwark_exec_check(struct file *file, const char *op);
int bulwark_exec_init(void);
void bulwark_exec_exit(void);

#endif /* _BULWARK_EXEC_H */
