/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - the escape rule
 */

#ifndef _BULWARK_ESCAPE_H
#define _BULWARK_ESCAPE_H

#include <linux/blkpg.h>
#include <linux/fs.h>
#include <linux/kernel_read_file.h>
#include <linux/magic.h>
#include <linux/security.h>
#include <linux/termios.h>
#include <linux/types.h>

struct cgroup;
struct ns_common;
struct sock;
struct task_struct;

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef BINFMTFS_MAGIC
#define BINFMTFS_MAGIC 0x42494e4d
#endif

/*
 * configfs (fs/configfs/mount.c), where kernel targets are set up: the
 * NVMe target serves any block device named by its path, which the
 * kernel opens for it without claiming it and without a hook.
 */
#define BULWARK_CONFIGFS_MAGIC 0x62656570

/*
 * /dev/mapper/control: maps any disk's sectors to a new, unheld device,
 * or reloads a held device's table.
 */
#define BULWARK_DM_CONTROL_MAJOR 10
#define BULWARK_DM_CONTROL_MINOR 236

/*
 * /dev/snapshot: takes a hibernation image of the running kernel, and
 * restores one (SNAPSHOT_ATOMIC_RESTORE) that its opener may have
 * edited.  Its read-only open takes the image.
 */
#define BULWARK_SNAPSHOT_MINOR 231

/**
 * bulwark_escape_open_concerns - might the escape rule judge this open?
 * @file: the file being opened
 *
 * For the want test, in atomic context: an open for writing of a device,
 * or of a file of procfs, sysfs, binfmt_misc, a cgroup filesystem or
 * configfs;
 * and any open of /dev/mapper/control or /dev/snapshot, whose ioctls
 * need no write access.  The handler looks closer
 * (bulwark_escape_open()).
 *
 * Return: true when the open may be an escape.
 */
static inline bool bulwark_escape_open_concerns(const struct file *file)
{
	const struct inode *inode = file_inode(file);
	unsigned long magic;

	if (!(file->f_mode & FMODE_WRITE))
		return unlikely(S_ISCHR(inode->i_mode)) &&
		       (inode->i_rdev == MKDEV(BULWARK_DM_CONTROL_MAJOR,
					       BULWARK_DM_CONTROL_MINOR) ||
			inode->i_rdev == MKDEV(BULWARK_DM_CONTROL_MAJOR,
					       BULWARK_SNAPSHOT_MINOR));
	if (S_ISBLK(inode->i_mode) || S_ISCHR(inode->i_mode))
		return true;
	magic = inode->i_sb->s_magic;
	return magic == PROC_SUPER_MAGIC || magic == SYSFS_MAGIC ||
	       magic == BINFMTFS_MAGIC || magic == CGROUP_SUPER_MAGIC ||
	       magic == CGROUP2_SUPER_MAGIC || magic == BULWARK_CONFIGFS_MAGIC;
}

/**
 * bulwark_escape_ioctl_concerns - might the escape rule judge this ioctl?
 * @cmd: the ioctl's command
 *
 * For the want test, in atomic context: a command of the loop driver
 * that changes a device (its backing file, its offset or size, or
 * detaching it), or BLKPG, which changes a disk's partitions; the
 * handler judges them on held devices only (bulwark_escape_ioctl()).
 * And the terminal commands that type into a terminal's input:
 * TIOCSTI, and TIOCLINUX (its selection paste).  Every other command goes
 * through.
 *
 * Return: true when the ioctl may be an escape.
 */
static inline bool bulwark_escape_ioctl_concerns(unsigned int cmd)
{
	/* LOOP_SET_FD (0x4C00) to LOOP_CONFIGURE (0x4C0A), the getters aside. */
	return (cmd >= 0x4C00 && cmd <= 0x4C0A && cmd != 0x4C03 &&
		cmd != 0x4C05) || cmd == BLKPG || cmd == TIOCSTI ||
	       cmd == TIOCLINUX;
}

bool bulwark_escape_read_concerns(enum kernel_read_file_id id);
int bulwark_escape_open(const struct file *file);
int bulwark_escape_ioctl(const struct file *file, unsigned int cmd);
int bulwark_escape_read_file(const struct file *file,
			     enum kernel_read_file_id id);
int bulwark_escape_load_data(enum kernel_load_data_id id);
int bulwark_escape_unload(const char *name);
int bulwark_escape_attach(struct cgroup *src, struct cgroup *dst);
int bulwark_escape_rename(struct dentry *old_dentry);
int bulwark_escape_setns(struct ns_common *ns);
bool bulwark_escape_service_socket(const struct sock *other);
int bulwark_escape_connect(struct sock *other);
int bulwark_escape_ptrace(struct task_struct *child);
bool bulwark_escape_lockdown_concerns(enum lockdown_reason what);
int bulwark_escape_lockdown(enum lockdown_reason what);
int bulwark_escape_init(void);
void bulwark_escape_exit(void);

#endif /* _BULWARK_ESCAPE_H */
