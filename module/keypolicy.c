// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the host keys policy in force, and the questions the rule
 * asks of it
 *
 * A file is a host key file when its name is on keys_names and its
 * dentry lies beneath the dentry of a directory on keys_dirs.  The
 * directories are held by identity, not by path: a directory's dentry
 * is the same object whatever path reaches it (a bind mount,
 * /proc/<pid>/root, a chroot, a second mount of the same filesystem),
 * while a path string means nothing in another mount namespace.  The
 * walk from a file up to its filesystem's root does not cross mounts:
 * a filesystem mounted beneath a directory of keys_dirs needs an entry
 * of its own.
 *
 * Locking and lifetimes: the two lists are published through __rcu
 * pointers.  The lookups run under rcu_read_lock() and take no lock
 * but the short d_lock of a dentry whose name they compare, and the
 * rename_lock seqlock, as a reader, while walking up d_parent.  A
 * commit swaps a new list in under bulwark_config_mutex and frees the
 * old one after synchronize_rcu(), since dropping its directories may
 * sleep.  An entry's path reference keeps its dentry from being freed
 * and reused for another directory while a lookup compares against it.
 * Holding that reference also keeps the directory's filesystem from
 * being unmounted (EBUSY) while it is on keys_dirs.
 */

#include "common.h"

#include <linux/dcache.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/seqlock.h>
#include <linux/string.h>

#include "config.h"
#include "keys.h"

/* The lists in force; replaced under bulwark_config_mutex. */
static struct bulwark_keys_list __rcu *lists[BULWARK_KEYS_KINDS];

static const char * const default_dirs[] = { "/root", "/home", "/etc/ssh" };
static const char * const default_names[] = {
	"authorized_keys", "authorized_keys2",
};

static const char ssh_dir[] = ".ssh";

/* What a dentry's name is to the rule. */
enum name_kind {
	NAME_OTHER,
	NAME_KEY,
	NAME_SSH,
};

static enum name_kind name_kind(struct dentry *dentry)
{
	const struct bulwark_keys_list *names;
	enum name_kind kind = NAME_OTHER;
	const struct qstr *name;
	unsigned int i;

	names = rcu_dereference(lists[BULWARK_KEYS_NAMES]);
	/* d_lock keeps the name from changing under a concurrent rename. */
	spin_lock(&dentry->d_lock);
	name = &dentry->d_name;
	for (i = 0; i < names->count; i++) {
		const struct bulwark_keys_entry *entry = &names->entries[i];

		if (entry->len == name->len &&
		    !memcmp(entry->text, name->name, name->len)) {
			kind = NAME_KEY;
			goto out_unlock;
		}
	}
	if (name->len == sizeof(ssh_dir) - 1 &&
	    !memcmp(ssh_dir, name->name, name->len))
		kind = NAME_SSH;
out_unlock:
	spin_unlock(&dentry->d_lock);
	return kind;
}

/* The entry of @dirs that is @dentry or one of its ancestors, or NULL. */
static const struct bulwark_keys_entry *
walk_up(const struct bulwark_keys_list *dirs, struct dentry *dentry)
{
	struct dentry *parent;
	unsigned int i;

	for (;; dentry = parent) {
		for (i = 0; i < dirs->count; i++)
			if (dirs->entries[i].path.dentry == dentry)
				return &dirs->entries[i];
		parent = READ_ONCE(dentry->d_parent);
		if (parent == dentry)
			return NULL;
	}
}

/**
 * bulwark_keys_dir_above - the keys_dirs directory @dentry lies in
 * @dentry: a dentry, positive or negative, held by the caller
 *
 * Caller holds rcu_read_lock(), and the entry returned is valid until
 * it drops it.
 *
 * Return: the keys_dirs entry that is @dentry or one of its ancestors,
 * or NULL.
 */
const struct bulwark_keys_entry *bulwark_keys_dir_above(struct dentry *dentry)
{
	const struct bulwark_keys_list *dirs;
	const struct bulwark_keys_entry *found;
	unsigned int i, seq;

	dirs = rcu_dereference(lists[BULWARK_KEYS_DIRS]);
	/* The cheap test first: no directory on this filesystem. */
	for (i = 0; i < dirs->count; i++)
		if (dirs->entries[i].path.dentry->d_sb == dentry->d_sb)
			break;
	if (i == dirs->count)
		return NULL;

	/* As is_subdir(): lockless once, then with rename_lock held. */
	seq = read_seqbegin(&rename_lock);
	found = walk_up(dirs, dentry);
	if (read_seqretry(&rename_lock, seq)) {
		read_seqlock_excl(&rename_lock);
		found = walk_up(dirs, dentry);
		read_sequnlock_excl(&rename_lock);
	}
	return found;
}

/**
 * bulwark_keys_dir_below - the keys_dirs directory beneath @dentry
 * @dentry: a directory held by the caller
 *
 * Caller holds rcu_read_lock(), and the entry returned is valid until
 * it drops it.
 *
 * Return: the keys_dirs entry that is @dentry or lies beneath it, or
 * NULL.
 */
const struct bulwark_keys_entry *bulwark_keys_dir_below(struct dentry *dentry)
{
	const struct bulwark_keys_list *dirs;
	unsigned int i;

	dirs = rcu_dereference(lists[BULWARK_KEYS_DIRS]);
	for (i = 0; i < dirs->count; i++) {
		struct dentry *dir = dirs->entries[i].path.dentry;

		if (dir->d_sb == dentry->d_sb && is_subdir(dir, dentry))
			return &dirs->entries[i];
	}
	return NULL;
}

/**
 * bulwark_keys_name_protected - is @dentry's name a protected one?
 * @dentry: a dentry, positive or negative (a name about to be made),
 *	held by the caller
 * @ssh: ".ssh" counts too
 *
 * A protected name is a key file's name, or with @ssh also ".ssh",
 * beneath a keys_dirs directory.  Only a directory can be on keys_dirs,
 * and one with such a name is protected anyway, so the walk may start
 * at @dentry itself.  Caller holds rcu_read_lock(), and the entry
 * returned is valid until it drops it.
 *
 * Return: the keys_dirs entry that protects the name, or NULL.
 */
const struct bulwark_keys_entry *
bulwark_keys_name_protected(struct dentry *dentry, bool ssh)
{
	enum name_kind kind = name_kind(dentry);

	if (kind == NAME_OTHER || (kind == NAME_SSH && !ssh))
		return NULL;
	return bulwark_keys_dir_above(dentry);
}

/**
 * bulwark_keys_commit - put a new list in force
 * @list: the complete list; the policy owns it from now on, whatever
 *	the outcome
 *
 * Fails once bulwark is locked, checked under bulwark_config_mutex.
 * The list it replaces is freed after a grace period.  May sleep.
 *
 * Return: 0 on success or -EPERM.
 */
int bulwark_keys_commit(struct bulwark_keys_list *list)
{
	struct bulwark_keys_list *old;

	mutex_lock(&bulwark_config_mutex);
	if (bulwark_locked) {
		mutex_unlock(&bulwark_config_mutex);
		bulwark_keys_list_free(list);
		return -EPERM;
	}
	old = rcu_replace_pointer(lists[list->kind], list,
				  lockdep_is_held(&bulwark_config_mutex));
	mutex_unlock(&bulwark_config_mutex);

	synchronize_rcu();
	bulwark_keys_list_free(old);
	return 0;
}

/* A list in force, for a reader that holds bulwark_config_mutex. */
static struct bulwark_keys_list *in_force(enum bulwark_keys_kind kind)
{
	return rcu_dereference_protected(lists[kind],
					 lockdep_is_held(&bulwark_config_mutex));
}

/**
 * bulwark_keys_commit_append - add entries to a list in force
 * @list: the entries to add, a list that no one else uses; freed here
 * @why: set to what is wrong when it fails with -EINVAL
 *
 * The list in force is copied, @list merged into the copy and the copy
 * put in force, all under bulwark_config_mutex, so that sessions opened
 * with O_APPEND at the same time all see their entries added.  Fails
 * once bulwark is locked.  May sleep.
 *
 * Return: 0, -EPERM, -EINVAL (too many entries) or -ENOMEM; on error
 * the list in force stays.
 */
int bulwark_keys_commit_append(struct bulwark_keys_list *list,
			       const char **why)
{
	struct bulwark_keys_list *merged, *old = NULL;
	int err = -EPERM;

	mutex_lock(&bulwark_config_mutex);
	if (bulwark_locked)
		goto out_unlock;
	err = -ENOMEM;
	merged = bulwark_keys_list_copy(in_force(list->kind));
	if (!merged)
		goto out_unlock;
	err = bulwark_keys_list_merge(merged, list, why);
	if (err) {
		bulwark_keys_list_free(merged);
		goto out_unlock;
	}
	old = rcu_replace_pointer(lists[list->kind], merged,
				  lockdep_is_held(&bulwark_config_mutex));
out_unlock:
	mutex_unlock(&bulwark_config_mutex);
	bulwark_keys_list_free(list);
	if (old) {
		synchronize_rcu();
		bulwark_keys_list_free(old);
	}
	return err;
}

/**
 * bulwark_keys_current_text - a list in force, in canonical form
 * @kind: which list
 * @len: set to the length of the text
 *
 * Return: the text, to be freed with kfree(), or NULL when out of
 * memory.
 */
char *bulwark_keys_current_text(enum bulwark_keys_kind kind, size_t *len)
{
	char *text;

	mutex_lock(&bulwark_config_mutex);
	text = bulwark_keys_list_text(in_force(kind), len);
	mutex_unlock(&bulwark_config_mutex);
	return text;
}

static struct bulwark_keys_list *
default_list(enum bulwark_keys_kind kind, const char * const *texts,
	     size_t count)
{
	struct bulwark_keys_list *list;
	const char *why;
	size_t i;

	list = bulwark_keys_list_alloc(kind);
	if (!list)
		return NULL;
	for (i = 0; i < count; i++) {
		/* A default directory that does not exist is left out. */
		if (bulwark_keys_list_add(list, texts[i], &why) == -ENOMEM) {
			bulwark_keys_list_free(list);
			return NULL;
		}
	}
	return list;
}

/**
 * bulwark_keys_init - put the default lists in force
 *
 * The default directories are resolved in the mount namespace of the
 * task that loads the module; those that do not exist are left out.
 *
 * Return: 0 on success or -ENOMEM.
 */
int bulwark_keys_init(void)
{
	struct bulwark_keys_list *dirs, *names;

	dirs = default_list(BULWARK_KEYS_DIRS, default_dirs,
			    ARRAY_SIZE(default_dirs));
	if (!dirs)
		return -ENOMEM;
	names = default_list(BULWARK_KEYS_NAMES, default_names,
			     ARRAY_SIZE(default_names));
	if (!names) {
		bulwark_keys_list_free(dirs);
		return -ENOMEM;
	}
	RCU_INIT_POINTER(lists[BULWARK_KEYS_DIRS], dirs);
	RCU_INIT_POINTER(lists[BULWARK_KEYS_NAMES], names);
	return 0;
}

/**
 * bulwark_keys_exit - free the lists in force
 *
 * Called once no hook and no securityfs file can use them any more.
 */
void bulwark_keys_exit(void)
{
	int kind;

	for (kind = BULWARK_KEYS_KINDS - 1; kind >= 0; kind--) {
		bulwark_keys_list_free(rcu_dereference_protected(lists[kind],
								 true));
		RCU_INIT_POINTER(lists[kind], NULL);
	}
}
