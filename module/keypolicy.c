// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the policies of protected host files in force, and the
 * questions the keys and persist rules ask of them
 *
 * One engine serves both rules: lists of directories held by identity,
 * and a walk from a file up its filesystem's tree that compares each
 * level with them.
 *
 * - keys: a file is a host key file when its name is on keys_names and
 *   its dentry lies beneath the dentry of a directory on keys_dirs.
 * - persist: a dentry is protected when it or one of its ancestors is a
 *   directory of persist_paths (a tree), a name of persist_paths in its
 *   directory (a file, or a name yet to be made: held as directory and
 *   name, so that replacing the file by rename keeps it protected), or
 *   a wildcard's name in any directory directly beneath the wildcard's.
 *
 * The directories are held by identity, not by path: a directory's
 * dentry is the same object whatever path reaches it (a bind mount,
 * /proc/<pid>/root, a chroot, a second mount of the same filesystem),
 * while a path string means nothing in another mount namespace.  The
 * walk from a file up to its filesystem's root does not cross mounts:
 * a filesystem mounted beneath a protected directory needs an entry of
 * its own.  A file reached through a handle (open_by_handle_at()) may
 * have no place to walk from: see bulwark_keys_disconnected().
 *
 * Locking and lifetimes: the lists are published through __rcu
 * pointers.  The lookups run under rcu_read_lock() and take no lock
 * but the short d_lock of a dentry whose name they compare, and the
 * rename_lock seqlock, as a reader, while walking up d_parent.  A
 * commit swaps a new list in under bulwark_config_mutex and frees the
 * old one after synchronize_rcu(), since dropping its directories may
 * sleep.  An entry's path reference keeps its dentry from being freed
 * and reused for another directory while a lookup compares against it.
 * Holding that reference also keeps the directory's filesystem from
 * being unmounted (EBUSY) while it is on a list.
 */

#include "common.h"

#include <linux/dcache.h>
#include <linux/hash.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/path.h>
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

/*
 * persist_paths by default: those whose directory exists when the
 * module loads.  "/bin", "/sbin" and "/lib" are entries only where
 * they are directories, not the symbolic links of a merged /usr.
 */
static const char * const default_persist[] = {
	/* accounts */
	"/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow",
	"/etc/subuid", "/etc/subgid",
	/* privilege */
	"/etc/sudoers", "/etc/sudoers.d", "/etc/doas.conf", "/etc/pam.d",
	"/etc/security",
	/* scheduled and started code */
	"/etc/crontab", "/etc/cron.d", "/etc/cron.hourly", "/etc/cron.daily",
	"/etc/cron.weekly", "/etc/cron.monthly", "/etc/anacrontab",
	"/var/spool/cron", "/etc/systemd/system", "/usr/lib/systemd/system",
	"/etc/init.d", "/etc/rc.local", "/etc/kubernetes/manifests",
	/* loader and shells */
	"/etc/ld.so.preload", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
	"/etc/profile", "/etc/profile.d", "/etc/bash.bashrc",
	"/etc/environment", "/etc/rc0.d", "/etc/rc1.d", "/etc/rc2.d",
	"/etc/rc3.d", "/etc/rc4.d", "/etc/rc5.d", "/etc/rc6.d", "/etc/rcS.d",
	"/root", "/home/*/.bashrc", "/home/*/.bash_profile",
	"/home/*/.bash_login", "/home/*/.bash_logout", "/home/*/.profile",
	"/home/*/.shrc", "/home/*/.zshrc", "/home/*/.zprofile",
	"/home/*/.zshenv", "/home/*/.zlogin",
	/* sshd and kernel start-up */
	"/etc/ssh", "/etc/modules", "/etc/modules-load.d", "/etc/modprobe.d",
	"/etc/udev/rules.d",
	/* host code */
	"/usr/bin", "/usr/sbin", "/usr/lib", "/usr/libexec", "/boot",
};

/* Where a merged /usr makes these symbolic links, /usr's entries serve. */
static const char * const default_persist_dirs[] = { "/bin", "/sbin", "/lib" };

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
	enum name_kind kind;

	if (bulwark_keys_disconnected(dentry))
		return bulwark_keys_on_sb(dentry);
	kind = name_kind(dentry);
	if (kind == NAME_OTHER || (kind == NAME_SSH && !ssh))
		return NULL;
	return bulwark_keys_dir_above(dentry);
}

/**
 * bulwark_keys_disconnected - is @dentry a file with no known place?
 * @dentry: a dentry held by the caller
 *
 * open_by_handle_at() of a file whose dentry is no longer cached gives
 * a disconnected dentry: its own root, with no parent to walk up nor a
 * name to compare.  (Directories are always reconnected.)
 *
 * Return: true for a non-directory that is its own parent without
 * being its filesystem's root.
 */
bool bulwark_keys_disconnected(struct dentry *dentry)
{
	return !d_is_dir(dentry) && IS_ROOT(dentry) &&
	       dentry != dentry->d_sb->s_root;
}

/* The first entry of @list on the filesystem of @dentry, or NULL. */
static const struct bulwark_keys_entry *
first_on_sb(const struct bulwark_keys_list *list, struct dentry *dentry)
{
	unsigned int i;

	for (i = 0; i < list->count; i++)
		if (list->entries[i].path.dentry->d_sb == dentry->d_sb)
			return &list->entries[i];
	return NULL;
}

/**
 * bulwark_keys_on_sb - a keys_dirs directory on @dentry's filesystem
 * @dentry: a dentry held by the caller
 *
 * Caller holds rcu_read_lock(), and the entry returned is valid until
 * it drops it.
 *
 * Return: the first keys_dirs entry on that filesystem, or NULL.
 */
const struct bulwark_keys_entry *bulwark_keys_on_sb(struct dentry *dentry)
{
	return first_on_sb(rcu_dereference(lists[BULWARK_KEYS_DIRS]), dentry);
}

/* Whether the name of @dentry is that of @e; takes @dentry's d_lock. */
static bool name_is(struct dentry *dentry, const struct bulwark_keys_entry *e)
{
	unsigned int len = e->len - e->name_off;
	bool same;

	spin_lock(&dentry->d_lock);
	same = dentry->d_name.len == len &&
	       !memcmp(dentry->d_name.name, e->text + e->name_off, len);
	spin_unlock(&dentry->d_lock);
	return same;
}

/* Whether @e protects @dentry itself, whose parents are given. */
static bool protects(const struct bulwark_keys_entry *e, struct dentry *dentry,
		     struct dentry *parent, struct dentry *grand)
{
	struct dentry *dir = e->path.dentry;

	switch (e->shape) {
	case BULWARK_PROT_TREE:
		return dir == dentry;
	case BULWARK_PROT_NAME:
		return dir == parent && parent != dentry && name_is(dentry, e);
	case BULWARK_PROT_WILD:
		return dir == grand && grand != parent && parent != dentry &&
		       name_is(dentry, e);
	}
	return false;
}

/* Whether @dentry is the directory of an entry of @list. */
static bool indexed(const struct bulwark_keys_list *list,
		    const struct dentry *dentry)
{
	struct dentry * const *index = list->index;
	unsigned int mask = (1U << list->index_bits) - 1;
	unsigned int i = hash_ptr(dentry, list->index_bits);
	const struct dentry *slot;

	for (; (slot = index[i]); i = (i + 1) & mask)
		if (slot == dentry)
			return true;
	return false;
}

/* Whether @list may have an entry on the filesystem of @dentry. */
static bool maybe_on_sb(const struct bulwark_keys_list *list,
			const struct dentry *dentry)
{
	unsigned int i;

	if (list->many_sbs)
		return true;
	for (i = 0; i < BULWARK_KEYS_MAX_SBS && list->sbs[i]; i++)
		if (list->sbs[i] == dentry->d_sb)
			return true;
	return false;
}

/* The entry of persist_paths that covers @dentry or an ancestor, or NULL. */
static const struct bulwark_keys_entry *
persist_walk(const struct bulwark_keys_list *list, struct dentry *dentry)
{
	struct dentry *parent, *grand;
	unsigned int i;

	for (;; dentry = parent) {
		parent = READ_ONCE(dentry->d_parent);
		grand = READ_ONCE(parent->d_parent);
		/* Most levels are no entry's directory, nor their parents. */
		if (indexed(list, dentry) || indexed(list, parent) ||
		    indexed(list, grand))
			for (i = 0; i < list->count; i++)
				if (protects(&list->entries[i], dentry, parent,
					     grand))
					return &list->entries[i];
		if (parent == dentry)
			return NULL;
	}
}

/**
 * bulwark_persist_protected - does persist_paths protect @dentry?
 * @dentry: a dentry, positive or negative (a name about to be made),
 *	held by the caller
 *
 * @dentry is protected when it, or one of its ancestors, is a directory
 * of the list, a name of the list in its directory, or a wildcard's
 * name in a directory directly beneath the wildcard's.  A file with no
 * known place (bulwark_keys_disconnected()) on a filesystem that holds
 * an entry is protected too: nothing tells it is not.  Caller holds
 * rcu_read_lock(), and the entry returned is valid until it drops it.
 *
 * Return: the entry that protects @dentry, or NULL.
 */
const struct bulwark_keys_entry *bulwark_persist_protected(struct dentry *dentry)
{
	const struct bulwark_keys_list *list;
	const struct bulwark_keys_entry *found;
	unsigned int seq;

	list = rcu_dereference(lists[BULWARK_PERSIST_PATHS]);
	/* The cheap test first: no entry on this filesystem. */
	if (!maybe_on_sb(list, dentry))
		return NULL;
	if (bulwark_keys_disconnected(dentry))
		return first_on_sb(list, dentry);

	seq = read_seqbegin(&rename_lock);
	found = persist_walk(list, dentry);
	if (read_seqretry(&rename_lock, seq)) {
		read_seqlock_excl(&rename_lock);
		found = persist_walk(list, dentry);
		read_sequnlock_excl(&rename_lock);
	}
	return found;
}

/* Whether @dentry's name may be a key file's: its length is one's. */
static bool may_be_key_name(struct dentry *dentry)
{
	const struct bulwark_keys_list *names;
	unsigned int len = READ_ONCE(dentry->d_name.len);
	unsigned int i;

	names = rcu_dereference_sched(lists[BULWARK_KEYS_NAMES]);
	for (i = 0; i < names->count; i++)
		if (names->entries[i].len == len)
			return true;
	return false;
}

/**
 * bulwark_keys_want_dentry - might a rule judge a change of @dentry?
 * @dentry: the file about to be changed or made, positive or negative,
 *	held by the caller
 *
 * The want test of the hooks called most often (open for writing,
 * create), in the ftrace callback, before the call is sent to its
 * handler: a contained task's write to a file no rule protects then
 * costs a walk up its path, one probe of each list's index per level,
 * with no lock and no reference, rather than a redirect.  A false
 * answer is final: no entry of either list can protect @dentry (a key
 * file's name has none of the lengths of keys_names, or no keys_dirs
 * directory lies above it; no persist_paths directory is @dentry or
 * lies above it).  A true answer sends the call to the handler, which
 * decides: a directory of an entry above @dentry, a file with no known
 * place, or a rename anywhere during the walk all answer true.  Never
 * sleeps, even on PREEMPT_RT.
 *
 * Return: false when no rule can be concerned.
 */
bool bulwark_keys_want_dentry(struct dentry *dentry)
{
	/*
	 * The plain counter inside rename_lock: raw_read_seqcount() of the
	 * seqlock's own seqcount would, on PREEMPT_RT, wait for a writer
	 * by taking its sleeping lock, and this must not sleep.
	 */
	seqcount_t *renames = &rename_lock.seqcount.seqcount;
	const struct bulwark_keys_list *dirs = NULL, *paths = NULL;
	struct dentry *parent;
	unsigned int seq;
	bool want = true;

	/* A file with no known place: the handler decides by filesystem. */
	if (bulwark_keys_disconnected(dentry))
		return true;
	/*
	 * A read-side section of RCU, cheaper than rcu_read_lock() where
	 * that is a call (PREEMPT_RCU): the lists are freed after
	 * synchronize_rcu(), which waits for it too.
	 */
	preempt_disable_notrace();
	seq = raw_read_seqcount(renames);
	if (seq & 1)
		goto out;
	if (READ_ONCE(bulwark_keys_mode) != BULWARK_MODE_OFF) {
		dirs = rcu_dereference_sched(lists[BULWARK_KEYS_DIRS]);
		if (!maybe_on_sb(dirs, dentry) || !may_be_key_name(dentry))
			dirs = NULL;
	}
	if (READ_ONCE(bulwark_persist_mode) != BULWARK_MODE_OFF) {
		paths = rcu_dereference_sched(lists[BULWARK_PERSIST_PATHS]);
		if (!maybe_on_sb(paths, dentry))
			paths = NULL;
	}
	if (!dirs && !paths) {
		want = false;
		goto out;
	}
	/* One walk for both lists: is @dentry or an ancestor indexed? */
	if (!dirs)
		dirs = paths;
	else if (!paths)
		paths = dirs;
	for (parent = dentry;; dentry = parent) {
		if (indexed(paths, dentry) ||
		    (dirs != paths && indexed(dirs, dentry)))
			goto out;
		parent = READ_ONCE(dentry->d_parent);
		if (parent == dentry)
			break;
	}
	want = read_seqcount_retry(renames, seq);
out:
	preempt_enable_notrace();
	return want;
}

/**
 * bulwark_persist_holds - does directory @dentry hold a protected place?
 * @dentry: a directory held by the caller, about to be removed, renamed
 *	or mounted over
 *
 * Moving or covering @dentry would move or hide what persist_paths
 * protects when an entry's directory is @dentry or lies beneath it, or
 * when @dentry is one of the directories a wildcard stands for.
 * Caller holds rcu_read_lock(), and the entry returned is valid until
 * it drops it.
 *
 * Return: such an entry, or NULL.
 */
const struct bulwark_keys_entry *bulwark_persist_holds(struct dentry *dentry)
{
	const struct bulwark_keys_list *list;
	struct dentry *parent = READ_ONCE(dentry->d_parent);
	unsigned int i;

	list = rcu_dereference(lists[BULWARK_PERSIST_PATHS]);
	for (i = 0; i < list->count; i++) {
		const struct bulwark_keys_entry *e = &list->entries[i];
		struct dentry *dir = e->path.dentry;

		if (dir->d_sb != dentry->d_sb)
			continue;
		if (is_subdir(dir, dentry) ||
		    (e->shape == BULWARK_PROT_WILD && dir == parent &&
		     parent != dentry))
			return e;
	}
	return NULL;
}

/**
 * bulwark_keys_commit - put a new list in force
 * @list: the complete list; the policy owns it from now on, whatever
 *	the outcome
 *
 * Fails once bulwark is locked, checked under bulwark_config_mutex.
 * The list it replaces is freed after a grace period.  May sleep.
 *
 * Return: 0 on success, -EPERM or -ENOMEM.
 */
int bulwark_keys_commit(struct bulwark_keys_list *list)
{
	struct bulwark_keys_list *old;

	if (bulwark_keys_list_index(list)) {
		bulwark_keys_list_free(list);
		return -ENOMEM;
	}
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
	if (!err)
		err = bulwark_keys_list_index(merged);
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
 * bulwark_keys_append_fits - would these entries fit the list in force?
 * @list: entries to be added with bulwark_keys_commit_append()
 * @why: set to what is wrong when it fails with -EINVAL
 *
 * May sleep.
 *
 * Return: 0, -EINVAL (too many entries) or -ENOMEM.
 */
int bulwark_keys_append_fits(const struct bulwark_keys_list *list,
			     const char **why)
{
	struct bulwark_keys_list *merged;
	int err;

	mutex_lock(&bulwark_config_mutex);
	merged = bulwark_keys_list_copy(in_force(list->kind));
	err = merged ? bulwark_keys_list_merge(merged, list, why) : -ENOMEM;
	mutex_unlock(&bulwark_config_mutex);
	bulwark_keys_list_free(merged);
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

/* The default persist_paths, with "/bin" and the like where directories. */
static struct bulwark_keys_list *default_persist_list(void)
{
	struct bulwark_keys_list *list;
	struct path path;
	const char *why;
	size_t i;

	list = default_list(BULWARK_PERSIST_PATHS, default_persist,
			    ARRAY_SIZE(default_persist));
	if (!list)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(default_persist_dirs); i++) {
		if (kern_path(default_persist_dirs[i], 0, &path))
			continue;
		if (d_is_dir(path.dentry) &&
		    bulwark_keys_list_add(list, default_persist_dirs[i],
					  &why) == -ENOMEM) {
			path_put(&path);
			bulwark_keys_list_free(list);
			return NULL;
		}
		path_put(&path);
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
	struct bulwark_keys_list *dirs, *names, *persist;

	dirs = default_list(BULWARK_KEYS_DIRS, default_dirs,
			    ARRAY_SIZE(default_dirs));
	names = default_list(BULWARK_KEYS_NAMES, default_names,
			     ARRAY_SIZE(default_names));
	persist = default_persist_list();
	if (!dirs || !names || !persist || bulwark_keys_list_index(dirs) ||
	    bulwark_keys_list_index(names) || bulwark_keys_list_index(persist)) {
		bulwark_keys_list_free(persist);
		bulwark_keys_list_free(names);
		bulwark_keys_list_free(dirs);
		return -ENOMEM;
	}
	RCU_INIT_POINTER(lists[BULWARK_KEYS_DIRS], dirs);
	RCU_INIT_POINTER(lists[BULWARK_KEYS_NAMES], names);
	RCU_INIT_POINTER(lists[BULWARK_PERSIST_PATHS], persist);
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
