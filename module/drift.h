/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - the drift rule: a container runs only what its image brought
 */

#ifndef _BULWARK_DRIFT_H
#define _BULWARK_DRIFT_H

#include <linux/bits.h>
#include <linux/fs.h>
#include <linux/types.h>

/* Most files the rule remembers as written by contained tasks. */
#define BULWARK_DRIFT_MAX_MARKS BIT(17)

bool bulwark_drift_memfd(const struct inode *inode);
bool bulwark_drift_to_mark(const struct file *file);
void bulwark_drift_written(struct file *file, gfp_t gfp);
struct file *bulwark_drift_clone_of(struct file *file);
int bulwark_drift_check(struct file *file, const char *op, bool clone);
bool bulwark_drift_want_inode_gone(const struct inode *inode);
void bulwark_drift_inode_gone(struct inode *inode);
void bulwark_drift_sb_alloc(struct super_block *sb);
int bulwark_drift_sb_mounted(struct super_block *sb);
bool bulwark_drift_want_sb_kill(const struct super_block *sb);
void bulwark_drift_sb_kill(struct super_block *sb);
bool bulwark_drift_want_sb_free(const struct super_block *sb);
void bulwark_drift_sb_free(struct super_block *sb);
int bulwark_drift_init(void);
void bulwark_drift_exit(void);

#endif /* _BULWARK_DRIFT_H */
