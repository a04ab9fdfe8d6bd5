/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - protected host files: the keys rule (no contained task
 * changes the host's authorized_keys) and the persist rule (nor the
 * host's accounts, cron, units, loader, shells, sshd or binaries), two
 * policies of one engine
 */

#ifndef _BULWARK_KEYS_H
#define _BULWARK_KEYS_H

#include <linux/fs.h>
#include <linux/path.h>
#include <linux/types.h>

/* The lists of the two rules, and the securityfs files that show them. */
enum bulwark_keys_kind {
	BULWARK_KEYS_DIRS,
	BULWARK_KEYS_NAMES,
	BULWARK_PERSIST_PATHS,
	BULWARK_KEYS_KINDS,
};

/**
 * enum bulwark_prot_shape - what an entry of a directory list protects
 * @BULWARK_PROT_TREE: the directory and everything beneath it on its
 *	filesystem (keys_dirs, whose entries then narrow it to the names
 *	of keys_names; a directory of persist_paths)
 * @BULWARK_PROT_NAME: the entry's name in the directory, and everything
 *	beneath that name should it be a directory (a file, or a name yet
 *	to be made, of persist_paths)
 * @BULWARK_PROT_WILD: the entry's name in any directory directly
 *	beneath the directory (an entry of persist_paths whose
 *	next-to-last component is '*')
 */
enum bulwark_prot_shape {
	BULWARK_PROT_TREE,
	BULWARK_PROT_NAME,
	BULWARK_PROT_WILD,
};

/* Most entries a list may hold: the lists are scanned linearly. */
#define BULWARK_KEYS_MAX_ENTRIES 256

/* The filesystems a list notes for its cheap test (see @sbs). */
#define BULWARK_KEYS_MAX_SBS 4

/**
 * struct bulwark_keys_entry - one entry of keys_dirs, keys_names or
 * persist_paths
 */
struct bulwark_keys_entry {
	/**
	 * @path: for keys_dirs and persist_paths, the directory, resolved
	 * in the writer's mount namespace and held (path_get()) as long as
	 * the entry lives, so that its dentry stays that directory's;
	 * empty for keys_names.
	 */
	struct path path;
	/**
	 * @text: the entry in canonical form: the directory's path as
	 * d_path() gave it to the writer, followed for a name of
	 * persist_paths by "/NAME", or by "/", '*', "/NAME" for the
	 * wildcard; or the file name.
	 */
	char *text;
	/**
	 * @len: strlen(@text).
	 */
	unsigned int len;
	/**
	 * @shape: what the entry protects.
	 */
	enum bulwark_prot_shape shape;
	/**
	 * @name_off: for %BULWARK_PROT_NAME and %BULWARK_PROT_WILD, where
	 * the name starts in @text; it runs to its end.
	 */
	unsigned int name_off;
};

/**
 * struct bulwark_keys_list - a complete keys_dirs or keys_names list
 *
 * A writer builds a list whole, then publishes it with
 * bulwark_keys_commit(); from then on nobody changes it, and it is
 * freed one grace period after the next commit replaced it.
 */
struct bulwark_keys_list {
	/**
	 * @kind: which list this is.
	 */
	enum bulwark_keys_kind kind;
	/**
	 * @count: entries in use.
	 */
	unsigned int count;
	/**
	 * @size: entries allocated.
	 */
	unsigned int size;
	/**
	 * @entries: the entries, in the order they were written.
	 */
	struct bulwark_keys_entry *entries;
	/**
	 * @index: for persist_paths in force, the entries' directories as
	 * an open-addressing hash set of 2^@index_bits slots, at least
	 * twice as many as entries, so that a lookup walking up a path
	 * asks it a few questions instead of comparing every entry at
	 * every level; NULL until bulwark_keys_list_index().
	 */
	struct dentry **index;
	/**
	 * @index_bits: log2 of the slots of @index.
	 */
	unsigned int index_bits;
	/**
	 * @sbs: the filesystems of the entries' directories, so that a
	 * file on another one is told at once; unused slots are NULL.
	 */
	struct super_block *sbs[BULWARK_KEYS_MAX_SBS];
	/**
	 * @many_sbs: the entries lie on more filesystems than @sbs holds.
	 */
	bool many_sbs;
};

/**
 * bulwark_keys_open_modifies - may opening @file change its contents?
 * @file: a file being opened
 *
 * A file created by this open is left out: its creation was the
 * decision (security_inode_create()).
 *
 * Return: true for an open for writing or truncating an existing file.
 */
static inline bool bulwark_keys_open_modifies(const struct file *file)
{
	return ((file->f_mode & FMODE_WRITE) || (file->f_flags & O_TRUNC)) &&
	       !(file->f_mode & FMODE_CREATED);
}

/**
 * bulwark_keys_ioctl_modifies - is @cmd one of the chattr ioctls?
 * @cmd: an ioctl command, native or 32-bit compat
 *
 * Return: true for the commands that set inode flags (immutable,
 * append-only) or fsxattr flags.
 */
static inline bool bulwark_keys_ioctl_modifies(unsigned int cmd)
{
	return cmd == FS_IOC_SETFLAGS || cmd == FS_IOC32_SETFLAGS ||
	       cmd == FS_IOC_FSSETXATTR;
}

/*
 * The decisions of both rules, for contained tasks; process context,
 * may sleep (keys.c).
 */
int bulwark_keys_open(const struct file *file);
bool bulwark_keys_want_dentry(struct dentry *dentry);
int bulwark_keys_ioctl(const struct file *file, unsigned int cmd);
int bulwark_keys_setattr(struct dentry *dentry, const struct iattr *attr);
int bulwark_keys_setxattr(struct dentry *dentry);
int bulwark_keys_fileattr(struct dentry *dentry);
int bulwark_keys_create(struct dentry *dentry, const char *op);
int bulwark_keys_mkdir(struct dentry *dentry);
int bulwark_keys_link(struct dentry *old_dentry, struct dentry *new_dentry);
int bulwark_keys_symlink(struct dentry *dentry);
int bulwark_keys_unlink(struct dentry *dentry);
int bulwark_keys_rmdir(struct dentry *dentry);
int bulwark_keys_rename(struct dentry *old_dentry, struct dentry *new_dentry,
			unsigned int flags);
int bulwark_keys_mount(const struct path *to);

/* The lists in force and the lookups, under rcu_read_lock() (keypolicy.c). */
const struct bulwark_keys_entry *bulwark_keys_dir_above(struct dentry *dentry);
const struct bulwark_keys_entry *bulwark_keys_dir_below(struct dentry *dentry);
const struct bulwark_keys_entry *
bulwark_keys_name_protected(struct dentry *dentry, bool ssh);
const struct bulwark_keys_entry *bulwark_keys_on_sb(struct dentry *dentry);
const struct bulwark_keys_entry *bulwark_persist_protected(struct dentry *dentry);
const struct bulwark_keys_entry *bulwark_persist_holds(struct dentry *dentry);
bool bulwark_keys_disconnected(struct dentry *dentry);
int bulwark_keys_commit(struct bulwark_keys_list *list);
int bulwark_keys_commit_append(struct bulwark_keys_list *list,
			       const char **why);
int bulwark_keys_append_fits(const struct bulwark_keys_list *list,
			     const char **why);
char *bulwark_keys_current_text(enum bulwark_keys_kind kind, size_t *len);
int bulwark_keys_init(void);
void bulwark_keys_exit(void);

/* Building lists (keylist.c). */
struct bulwark_keys_list *bulwark_keys_list_alloc(enum bulwark_keys_kind kind);
void bulwark_keys_list_free(struct bulwark_keys_list *list);
int bulwark_keys_list_add(struct bulwark_keys_list *list, const char *text,
			  const char **why);
struct bulwark_keys_list *
bulwark_keys_list_copy(const struct bulwark_keys_list *list);
int bulwark_keys_list_merge(struct bulwark_keys_list *dst,
			    const struct bulwark_keys_list *src,
			    const char **why);
char *bulwark_keys_list_text(const struct bulwark_keys_list *list,
			     size_t *len);
int bulwark_keys_list_index(struct bulwark_keys_list *list);

/* The securityfs files (keysfs.c). */
int bulwark_keysfs_init(void);
void bulwark_keysfs_exit(void);

#endif /* _BULWARK_KEYS_H */
