// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the host keys rule
 *
 * A contained task may not change the host's SSH authorized_keys: the
 * files whose name is on keys_names beneath a directory on keys_dirs
 * (keypolicy.c says how that is told).
 *
 * The rule decides at the inode-level security functions, which see
 * the dentries a change really applies to: the same calls reached
 * through a stacked filesystem (overlayfs writing its upper layer)
 * are judged on the real files.  For a contained task, it denies:
 *
 * - opening a key file for writing or with O_TRUNC;
 * - creating a key file: open(O_CREAT), mknod, or a link, symlink or
 *   rename whose new name is a key file's;
 * - unlink, rmdir or rename of a key file (renaming it away, or
 *   exchanging it with RENAME_EXCHANGE);
 * - hard-linking a key file elsewhere, which would give it a name that
 *   is not protected;
 * - setattr of a key file: chmod, chown, utimes and truncate; and
 *   setting its extended attributes or POSIX ACL, which can grant
 *   access as chmod does (reported as "setattr");
 * - the chattr ioctls on a key file, and from v6.17 file_setattr(2);
 * - for directories: removing or renaming away a directory named
 *   ".ssh" beneath a keys_dirs directory, or a keys_dirs directory or
 *   one of its ancestors; creating a symlink named ".ssh" beneath a
 *   keys_dirs directory, or renaming anything to that name there; and
 *   moving a directory into or out of a keys_dirs directory's tree,
 *   which could bring in key files made outside it or take the host's
 *   out to be changed.  mkdir of ".ssh" stays allowed, and so does a
 *   rename of a directory within one tree, such as a home directory
 *   within /home.
 *
 * Each decision that concerns the host's keys is counted and reported
 * once.  The report names the file through the mount of the keys_dirs
 * entry that protects it, so that it shows the host's path, not the
 * container's; the decision takes a reference to that mount before it
 * leaves the RCU section in which it found the entry.
 */

#include "common.h"

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "compat.h"
#include "config.h"
#include "counters.h"
#include "keys.h"
#include "report.h"

/* The two rules of protected host files. */
enum bulwark_rule {
	RULE_KEYS,
	RULE_PERSIST,
};

/**
 * struct verdict - what a decision found
 */
struct verdict {
	/**
	 * @op: the operation, as reported.
	 */
	const char *op;
	/**
	 * @keys_mode: keys_mode, read once for the decision.
	 */
	int keys_mode;
	/**
	 * @persist_mode: persist_mode, read once for the decision.
	 */
	int persist_mode;
	/**
	 * @rule: the rule that found the operation its business.
	 */
	enum bulwark_rule rule;
	/**
	 * @path: the file or directory concerned, named through the mount
	 * of the keys_dirs entry that protects it, so that the report
	 * shows the host's path; @path.mnt is held, NULL when the
	 * operation is not the rule's business.
	 */
	struct path path;
	/**
	 * @enforced_only: the operation is judged again later, where an
	 * audit record belongs: only a denial is recorded here.
	 */
	bool enforced_only;
	/**
	 * @name: for a name about to be made, @path is its directory and
	 * @name the name, kept stable by the caller's lock on the
	 * directory; NULL otherwise.
	 */
	const char *name;
};

/*
 * Record what @entry protects; called under rcu_read_lock().  A
 * negative dentry may not be hashed yet (open(O_CREAT) asks before its
 * lookup), and d_path() would call it deleted: name its directory.
 */
static bool found(struct verdict *vd, enum bulwark_rule rule,
		  const struct bulwark_keys_entry *entry, struct dentry *dentry)
{
	if (!entry)
		return false;
	vd->rule = rule;
	vd->path.mnt = mntget(entry->path.mnt);
	vd->path.dentry = dentry;
	if (d_is_negative(dentry)) {
		vd->path.dentry = dentry->d_parent;
		vd->name = dentry->d_name.name;
	}
	return true;
}

/* Start a decision: false when both rules are off. */
static bool begin(struct verdict *vd, const char *op)
{
	vd->op = op;
	vd->keys_mode = READ_ONCE(bulwark_keys_mode);
	vd->persist_mode = READ_ONCE(bulwark_persist_mode);
	return vd->keys_mode != BULWARK_MODE_OFF ||
	       vd->persist_mode != BULWARK_MODE_OFF;
}

/*
 * A protected name of the keys rule (bulwark_keys_name_protected()),
 * else a place persist_paths protects; under RCU.  A key file is the
 * keys rule's alone: with keys_mode off, the persist rule lets it be.
 * A file with no known place goes to whichever rule has a directory on
 * its filesystem, keys first.  Returns true once a rule has found the
 * operation its business.
 */
static bool name_hit(struct verdict *vd, struct dentry *dentry, bool ssh)
{
	bool keys_on = vd->keys_mode != BULWARK_MODE_OFF;

	if (keys_on &&
	    found(vd, RULE_KEYS, bulwark_keys_name_protected(dentry, ssh),
		  dentry))
		return true;
	if (vd->persist_mode == BULWARK_MODE_OFF)
		return false;
	if (!keys_on && !bulwark_keys_disconnected(dentry) &&
	    bulwark_keys_name_protected(dentry, false))
		return false;
	return found(vd, RULE_PERSIST, bulwark_persist_protected(dentry),
		     dentry);
}

/*
 * A keys_dirs directory or one of its ancestors, or a directory that
 * holds a place persist_paths protects; under RCU.
 */
static bool anchor_hit(struct verdict *vd, struct dentry *dentry)
{
	if (vd->keys_mode != BULWARK_MODE_OFF &&
	    found(vd, RULE_KEYS, bulwark_keys_dir_below(dentry), dentry))
		return true;
	return vd->persist_mode != BULWARK_MODE_OFF &&
	       found(vd, RULE_PERSIST, bulwark_persist_holds(dentry), dentry);
}

/* Count, report and answer; drops the verdict's mount. */
static int judge(struct verdict *vd)
{
	bool keys = vd->rule == RULE_KEYS;
	struct bulwark_event ev = {
		.op = vd->op,
		.reason = keys ? "host_keys" : "host_persist",
		.path = &vd->path,
		.name = vd->name,
	};

	if (!vd->path.mnt)
		return 0;
	ev.deny = (keys ? vd->keys_mode : vd->persist_mode) ==
		  BULWARK_MODE_ENFORCE;
	if (!ev.deny && vd->enforced_only) {
		mntput(vd->path.mnt);
		return 0;
	}
	if (keys)
		bulwark_count(ev.deny ? BULWARK_KEYS_BLOCKED :
					BULWARK_KEYS_AUDITED);
	else
		bulwark_count(ev.deny ? BULWARK_PERSIST_BLOCKED :
					BULWARK_PERSIST_AUDITED);
	bulwark_report(&ev);
	mntput(vd->path.mnt);
	return ev.deny ? -EPERM : 0;
}

/* The common case: the name of @dentry alone decides. */
static int judge_name_as(const char *op, struct dentry *dentry, bool ssh,
			 bool enforced_only)
{
	struct verdict vd = { .enforced_only = enforced_only };

	if (!begin(&vd, op))
		return 0;
	rcu_read_lock();
	name_hit(&vd, dentry, ssh);
	rcu_read_unlock();
	return judge(&vd);
}

static int judge_name(const char *op, struct dentry *dentry, bool ssh)
{
	return judge_name_as(op, dentry, ssh, false);
}

/**
 * bulwark_keys_open - may a contained task open this file?
 * @file: the file being opened
 *
 * Return: 0, or -EPERM for a key file opened to be changed in enforce
 * mode.
 */
int bulwark_keys_open(const struct file *file)
{
	if (!bulwark_keys_open_modifies(file))
		return 0;
	/*
	 * Before v6.6, overlayfs opens its real file under the overlay's
	 * path (open_with_fake_path()): that open was judged already, as
	 * the overlay's.
	 */
	if (file_inode(file) != d_inode(file->f_path.dentry))
		return 0;
	return judge_name("open", file->f_path.dentry, false);
}

/**
 * bulwark_keys_ioctl - may a contained task issue this ioctl?
 * @file: the file the ioctl is issued on
 * @cmd: the command
 *
 * Return: 0, or -EPERM for a chattr ioctl on a key file in enforce
 * mode.
 */
int bulwark_keys_ioctl(const struct file *file, unsigned int cmd)
{
	if (!bulwark_keys_ioctl_modifies(cmd))
		return 0;
#ifdef BULWARK_HAVE_INODE_FILE_SETATTR
	/*
	 * vfs_fileattr_set() checks CAP_LINUX_IMMUTABLE before it calls
	 * security_inode_file_setattr(): a denial is made here, first, as
	 * on older kernels, whatever the task's capabilities; an audit
	 * record is left to bulwark_keys_fileattr(), which sees only the
	 * changes the kernel would make, so that it is written once.
	 */
	if (d_inode(file->f_path.dentry)->i_op->fileattr_set)
		return judge_name_as("ioctl", file->f_path.dentry, false,
				     true);
#endif
	return judge_name("ioctl", file->f_path.dentry, false);
}

#ifdef BULWARK_HAVE_INODE_FILE_SETATTR
/* Whether the current task is in file_setattr(2) rather than ioctl(2). */
static bool in_file_setattr(void)
{
	long nr = syscall_get_nr(current, task_pt_regs(current));

	return (nr & ~__X32_SYSCALL_BIT) == __NR_file_setattr;
}

/**
 * bulwark_keys_fileattr - may a contained task change these inode flags?
 * @dentry: the file
 *
 * From v6.17 on, security_inode_file_setattr() sees every change of the
 * inode flags and fsxattr fields (chattr +i or -a, the project id):
 * those of file_setattr(2), reported as "setattr", and those of the
 * chattr ioctls on filesystems with ->fileattr_set(), reported as
 * "ioctl".  It runs after the kernel's own checks: an ioctl was
 * refused at security_file_ioctl() already in enforce mode (see
 * bulwark_keys_ioctl()), and its audit record is written here.
 *
 * Return: 0, or -EPERM for a key file in enforce mode.
 */
int bulwark_keys_fileattr(struct dentry *dentry)
{
	return judge_name(in_file_setattr() ? "setattr" : "ioctl", dentry,
			  false);
}
#endif

/**
 * bulwark_keys_setattr - may a contained task change these attributes?
 * @dentry: the file
 * @attr: the change
 *
 * The truncation of open(O_TRUNC) (ATTR_OPEN) was judged when the file
 * was opened.
 *
 * Return: 0, or -EPERM for a key file in enforce mode.
 */
int bulwark_keys_setattr(struct dentry *dentry, const struct iattr *attr)
{
	if (attr->ia_valid & ATTR_OPEN)
		return 0;
	return judge_name(attr->ia_valid & ATTR_SIZE ? "truncate" : "setattr",
			  dentry, false);
}

/**
 * bulwark_keys_setxattr - may a contained task set this file's xattrs?
 * @dentry: the file
 *
 * Serves setxattr and, from v6.2 on, setting a POSIX ACL.
 *
 * Return: 0, or -EPERM for a key file in enforce mode.
 */
int bulwark_keys_setxattr(struct dentry *dentry)
{
	return judge_name("setattr", dentry, false);
}

/**
 * bulwark_keys_create - may a contained task create this file?
 * @dentry: the negative dentry of the new file
 * @op: "open" for open(O_CREAT), "mknod" for mknod
 *
 * Return: 0, or -EPERM in enforce mode for a key file's name or a
 * place persist_paths protects.
 */
int bulwark_keys_create(struct dentry *dentry, const char *op)
{
	return judge_name(op, dentry, false);
}

/**
 * bulwark_keys_mkdir - may a contained task make this directory?
 * @dentry: the negative dentry of the new directory
 *
 * The keys rule lets ".ssh" be made; persist refuses any directory in
 * a protected tree.
 *
 * Return: 0, or -EPERM in enforce mode for a place persist_paths
 * protects.
 */
int bulwark_keys_mkdir(struct dentry *dentry)
{
	return judge_name("mkdir", dentry, false);
}

/**
 * bulwark_keys_symlink - may a contained task create this symlink?
 * @dentry: the negative dentry of the new link
 *
 * Return: 0, or -EPERM in enforce mode for a key file's name or ".ssh"
 * beneath a keys_dirs directory.
 */
int bulwark_keys_symlink(struct dentry *dentry)
{
	return judge_name("symlink", dentry, true);
}

/**
 * bulwark_keys_unlink - may a contained task unlink this file?
 * @dentry: the file
 *
 * Return: 0, or -EPERM in enforce mode for a key file, or for a
 * non-directory named ".ssh" beneath a keys_dirs directory.
 */
int bulwark_keys_unlink(struct dentry *dentry)
{
	return judge_name("unlink", dentry, true);
}

/**
 * bulwark_keys_link - may a contained task make this hard link?
 * @old_dentry: the existing file
 * @new_dentry: the negative dentry of the new name
 *
 * Return: 0, or -EPERM in enforce mode when the new name is a key
 * file's or ".ssh" beneath a keys_dirs directory, or the existing file
 * is a key file.
 */
int bulwark_keys_link(struct dentry *old_dentry, struct dentry *new_dentry)
{
	struct verdict vd = {};

	if (!begin(&vd, "link"))
		return 0;
	rcu_read_lock();
	if (!name_hit(&vd, new_dentry, true))
		name_hit(&vd, old_dentry, false);
	rcu_read_unlock();
	return judge(&vd);
}

/**
 * bulwark_keys_rmdir - may a contained task remove this directory?
 * @dentry: the directory
 *
 * Return: 0, or -EPERM in enforce mode for a directory named ".ssh" (or
 * a key file's name) beneath a keys_dirs directory, or a keys_dirs
 * directory or one of its ancestors.
 */
int bulwark_keys_rmdir(struct dentry *dentry)
{
	struct verdict vd = {};

	if (!begin(&vd, "unlink"))
		return 0;
	rcu_read_lock();
	if (!name_hit(&vd, dentry, true))
		anchor_hit(&vd, dentry);
	rcu_read_unlock();
	/* The keys rule has always called it "unlink". */
	if (vd.rule == RULE_PERSIST)
		vd.op = "rmdir";
	return judge(&vd);
}

/*
 * A directory moving between @from and @to (the old and new parents)
 * enters or leaves a keys_dirs directory's tree.
 */
static bool crosses(struct verdict *vd, struct dentry *dir,
		    struct dentry *from, struct dentry *to)
{
	const struct bulwark_keys_entry *in_from, *in_to;

	if (vd->keys_mode == BULWARK_MODE_OFF)
		return false;
	in_from = bulwark_keys_dir_above(from);
	in_to = bulwark_keys_dir_above(to);
	if (!in_from == !in_to)
		return false;
	return found(vd, RULE_KEYS, in_from ?: in_to, dir);
}

/**
 * bulwark_keys_rename - may a contained task rename this?
 * @old_dentry: what is renamed
 * @new_dentry: the new name, positive when it replaces a file or, with
 *	RENAME_EXCHANGE, swaps with it
 * @flags: the rename flags
 *
 * Both names are protected names, either way round: renaming onto a
 * key file's name or ".ssh", or away from one.  A directory that would
 * leave its place is judged as by rmdir, and a directory may not move
 * into or out of a keys_dirs directory's tree.
 *
 * Return: 0, or -EPERM when that is the host's keys in enforce mode.
 */
int bulwark_keys_rename(struct dentry *old_dentry, struct dentry *new_dentry,
			unsigned int flags)
{
	struct dentry *old_parent, *new_parent;
	struct verdict vd = {};

	if (!begin(&vd, "rename"))
		return 0;
	/* The caller holds both parents locked: lock_rename(). */
	old_parent = old_dentry->d_parent;
	new_parent = new_dentry->d_parent;

	rcu_read_lock();
	if (name_hit(&vd, old_dentry, true) || name_hit(&vd, new_dentry, true))
		goto out_unlock;
	if (d_is_dir(old_dentry) &&
	    (anchor_hit(&vd, old_dentry) ||
	     crosses(&vd, old_dentry, old_parent, new_parent)))
		goto out_unlock;
	/* A directory becoming one a wildcard of persist_paths stands for. */
	if (d_is_dir(old_dentry) && vd.persist_mode != BULWARK_MODE_OFF &&
	    found(&vd, RULE_PERSIST, bulwark_persist_holds(new_dentry),
		  new_dentry))
		goto out_unlock;
	/* Replaced, or with RENAME_EXCHANGE moved to the old place. */
	if (d_is_dir(new_dentry) && !anchor_hit(&vd, new_dentry) &&
	    (flags & RENAME_EXCHANGE))
		crosses(&vd, new_dentry, new_parent, old_parent);
out_unlock:
	rcu_read_unlock();
	return judge(&vd);
}

/**
 * bulwark_keys_mount - may a contained task mount something here?
 * @to: where the mount would go: mount(2)'s target, new or bind or
 *	moved, or move_mount(2)'s (which attaches what fsmount(2) and
 *	open_tree(2) made)
 *
 * A mount on a protected directory, on one beneath it or on one of its
 * ancestors would hide the host's files behind the caller's, and with
 * shared propagation (-v /:/mnt:rshared) the host would see them: it
 * is judged as a change of what is hidden, in any mount namespace.
 *
 * Return: 0, or -EPERM in enforce mode.
 */
int bulwark_keys_mount(const struct path *to)
{
	struct dentry *dentry = to->dentry;
	struct verdict vd = {};

	if (!begin(&vd, "mount"))
		return 0;
	rcu_read_lock();
	if (vd.keys_mode == BULWARK_MODE_OFF ||
	    !found(&vd, RULE_KEYS, bulwark_keys_dir_above(dentry), dentry))
		if (!anchor_hit(&vd, dentry) &&
		    vd.persist_mode != BULWARK_MODE_OFF)
			found(&vd, RULE_PERSIST,
			      bulwark_persist_protected(dentry), dentry);
	rcu_read_unlock();
	return judge(&vd);
}

