/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - the escape rule
 */

#ifndef _BULWARK_ESCAPE_H
#define _BULWARK_ESCAPE_H

#include <linux/blkpg.h>
#include <linux/fs.h>
#include <linux/kd.h>
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

/* A virtual console's keymap writes (<linux/kd.h>). */
static inline bool bulwark_escape_keymap_ioctl(unsigned int cmd)
{
	return cmd == KDSKBENT || cmd == KDSKBSENT || cmd == KDSKBDIACR ||
	       cmd == KDSKBDIACRUC || cmd == KDSETKEYCODE;
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
 * TIOCSTI, TIOCLINUX (its selection paste), and a virtual console's
 * keymap writes, which bind a key (Enter) to a string of the caller's.
 * Every other command goes through.
 *
 * Return: true when the ioctl may be an escape.
 */
static inline bool bulwark_escape_ioctl_concerns(unsigned int cmd)
{
	/* LOOP_SET_FD (0x4C00) to LOOP_CONFIGURE (0x4C0A), the getters aside. */
	return (cmd >= 0x4C00 && cmd <= 0x4C0A && cmd != 0x4C03 &&
		cmd != 0x4C05) || cmd == BLKPG || cmd == TIOCSTI ||
	       cmd == TIOCLINUX || bulwark_escape_keymap_ioctl(cmd);
}

/**
 * bulwark_escape_lockdown_concerns - is @what judged by the escape rule?
 * @what: why the kernel asks whether it is locked down
 *
 * What a lockdown of the kernel's integrity refuses to everyone, the
 * escape rule refuses to contained tasks: each reaches the hardware or
 * the kernel's memory beneath every other rule (I/O ports, MSRs, PCI
 * configuration and BARs, ACPI tables, debugfs files, a serial port's
 * I/O base, unsafe module parameters, BPF writes to another process's
 * memory, EFI's test driver, mmiotrace, a kernel debugger's writes).
 * Listed one by one: a reason a later kernel adds is not judged before
 * it is read.  Not the reasons judged elsewhere already (/dev/mem and
 * /dev/port at their open, kexec at its load), not an unsigned module of
 * the host's tree, which the rule lets a container load, and not
 * hibernation, which the kernel asks about when anyone reads
 * /sys/power/state: /dev/snapshot and /sys/power/resume are judged at
 * their open.  Inline, for the want test that every call of
 * security_locked_down() meets; any context.
 *
 * Return: true when the handler judges @what.
 */
static inline bool bulwark_escape_lockdown_concerns(enum lockdown_reason what)
{
	switch (what) {
	case LOCKDOWN_EFI_TEST:
	case LOCKDOWN_PCI_ACCESS:
	case LOCKDOWN_IOPORT:
	case LOCKDOWN_MSR:
	case LOCKDOWN_ACPI_TABLES:
	case LOCKDOWN_PCMCIA_CIS:
	case LOCKDOWN_TIOCSSERIAL:
	case LOCKDOWN_MODULE_PARAMETERS:
	case LOCKDOWN_MMIOTRACE:
	case LOCKDOWN_DEBUGFS:
	case LOCKDOWN_BPF_WRITE_USER:
	case LOCKDOWN_DBG_WRITE_KERNEL:
		return true;
	default:
		return false;
	}
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
int bulwark_escape_lockdown(enum lockdown_reason what);
int bulwark_escape_init(void);
void bulwark_escape_exit(void);

#endif /* _BULWARK_ESCAPE_H */
