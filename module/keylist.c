// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - building the lists of the host keys rule
 *
 * A list is built whole, in the writer's context, before anyone else
 * sees it: each entry is checked and, for keys_dirs, resolved to the
 * directory it names, as the writer sees it (its mount namespace and
 * root).  Entries that name what the list already holds are dropped,
 * so the list reads back in canonical form.  Nothing here locks: a
 * list under construction has one owner, and a published list is
 * never changed.
 */

#include "common.h"

#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/limits.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "keys.h"
#include "policyparse.h"

/**
 * bulwark_keys_list_alloc - allocate an empty list
 * @kind: which list it is to be
 *
 * Return: the list, or NULL when out of memory.
 */
struct bulwark_keys_list *bulwark_keys_list_alloc(enum bulwark_keys_kind kind)
{
	struct bulwark_keys_list *list;

	list = kzalloc(sizeof(*list), GFP_KERNEL);
	if (list)
		list->kind = kind;
	return list;
}

/**
 * bulwark_keys_list_free - free a list and drop what it holds
 * @list: the list, or NULL; no reader may see it any more
 *
 * May sleep.
 */
void bulwark_keys_list_free(struct bulwark_keys_list *list)
{
	unsigned int i;

	if (!list)
		return;
	for (i = 0; i < list->count; i++) {
		path_put(&list->entries[i].path);
		kfree(list->entries[i].text);
	}
	kfree(list->entries);
	kfree(list->index);
	kfree(list);
}

/* Make room for one more entry. */
static int grow(struct bulwark_keys_list *list)
{
	struct bulwark_keys_entry *entries;
	unsigned int size;

	if (list->count < list->size)
		return 0;
	size = list->size ? 2 * list->size : 4;
	entries = bulwark_krealloc_array(list->entries, size,
					 sizeof(*entries), GFP_KERNEL);
	if (!entries)
		return -ENOMEM;
	list->entries = entries;
	list->size = size;
	return 0;
}

/*
 * Take @path and @text (both owned by the caller until success), an
 * entry of @shape whose name, if any, starts at @name_off in @text.
 */
static int append_shaped(struct bulwark_keys_list *list,
			 const struct path *path, char *text,
			 enum bulwark_prot_shape shape, unsigned int name_off,
			 const char **why)
{
	struct bulwark_keys_entry *entry;
	int err;

	if (list->count >= BULWARK_KEYS_MAX_ENTRIES) {
		*why = "too many entries";
		return -EINVAL;
	}
	err = grow(list);
	if (err)
		return err;
	entry = &list->entries[list->count++];
	entry->path = *path;
	entry->text = text;
	entry->len = strlen(text);
	entry->shape = shape;
	entry->name_off = name_off;
	return 0;
}

static int append(struct bulwark_keys_list *list, const struct path *path,
		  char *text, const char **why)
{
	return append_shaped(list, path, text, BULWARK_PROT_TREE, 0, why);
}

static bool has_name(const struct bulwark_keys_list *list, const char *name)
{
	unsigned int i;

	for (i = 0; i < list->count; i++)
		if (!strcmp(list->entries[i].text, name))
			return true;
	return false;
}

static bool has_dir(const struct bulwark_keys_list *list,
		    const struct dentry *dentry)
{
	unsigned int i;

	for (i = 0; i < list->count; i++)
		if (list->entries[i].path.dentry == dentry)
			return true;
	return false;
}

/* The same place as @e: the same directory, shape and name. */
static bool has_place(const struct bulwark_keys_list *list,
		      const struct dentry *dentry, enum bulwark_prot_shape shape,
		      const char *name)
{
	unsigned int i;

	for (i = 0; i < list->count; i++) {
		const struct bulwark_keys_entry *e = &list->entries[i];

		if (e->path.dentry == dentry && e->shape == shape &&
		    (shape == BULWARK_PROT_TREE ||
		     !strcmp(e->text + e->name_off, name)))
			return true;
	}
	return false;
}

static int add_name(struct bulwark_keys_list *list, const char *name,
		    const char **why)
{
	struct path none = {};
	char *text;
	int err;

	*why = bulwark_check_key_name(name);
	if (*why)
		return -EINVAL;
	if (has_name(list, name))
		return 0;
	text = kstrdup(name, GFP_KERNEL);
	if (!text)
		return -ENOMEM;
	err = append(list, &none, text, why);
	if (err)
		kfree(text);
	return err;
}

static const char *lookup_error(int err)
{
	switch (err) {
	case -ENOENT:
		return "no such directory";
	case -ENOTDIR:
		return "not a directory";
	case -EACCES:
		return "permission denied";
	case -ENAMETOOLONG:
		return "path too long";
	case -ELOOP:
		return "too many symbolic links";
	default:
		return "cannot resolve the path";
	}
}

static int add_dir(struct bulwark_keys_list *list, const char *name,
		   const char **why)
{
	struct path path;
	char *buf, *canon, *text;
	int err;

	*why = bulwark_check_key_dir(name);
	if (*why)
		return -EINVAL;
	err = kern_path(name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &path);
	if (err == -ENOMEM)
		return err;
	if (err) {
		*why = lookup_error(err);
		return -EINVAL;
	}
	if (!d_is_dir(path.dentry)) {
		*why = "not a directory";
		err = -EINVAL;
		goto out_put_path;
	}
	if (has_dir(list, path.dentry)) {
		err = 0;
		goto out_put_path;
	}

	buf = __getname();
	if (!buf) {
		err = -ENOMEM;
		goto out_put_path;
	}
	canon = d_path(&path, buf, PATH_MAX);
	if (IS_ERR(canon)) {
		*why = "the directory has no path";
		err = -EINVAL;
		goto out_putname;
	}
	text = kstrdup(canon, GFP_KERNEL);
	if (!text) {
		err = -ENOMEM;
		goto out_putname;
	}
	err = append(list, &path, text, why);
	if (err)
		goto out_free_text;
	__putname(buf);
	return 0;

out_free_text:
	kfree(text);
out_putname:
	__putname(buf);
out_put_path:
	path_put(&path);
	return err;
}

/*
 * Resolve @dir (a directory, following symbolic links), check it is one
 * and give its path as d_path() names it, in @buf.
 */
static int resolve_dir(const char *dir, struct path *path, char *buf,
		       char **canon, const char **why)
{
	int err;

	err = kern_path(dir, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, path);
	if (err == -ENOMEM)
		return err;
	if (err) {
		*why = lookup_error(err);
		return -EINVAL;
	}
	if (!d_is_dir(path->dentry)) {
		*why = "not a directory";
		path_put(path);
		return -EINVAL;
	}
	*canon = d_path(path, buf, PATH_MAX);
	if (IS_ERR(*canon)) {
		*why = "the directory has no path";
		path_put(path);
		return -EINVAL;
	}
	return 0;
}

/* Split @text at its last '/': @text becomes the parent, the name is returned. */
static char *split_last(char *text)
{
	char *slash = strrchr(text, '/');

	*slash = '\0';
	if (slash == text)
		text[0] = '/';
	return slash + 1;
}

/*
 * One entry of persist_paths, @whole, of which @text is a copy the
 * function may cut up:
 * a directory (a tree), a file or a name yet to be made in an existing
 * directory, or "DIR/" '*' "/NAME".
 */
static int add_persist(struct bulwark_keys_list *list, const char *whole,
		       char *text, const char **why)
{
	enum bulwark_prot_shape shape = BULWARK_PROT_NAME;
	char *buf, *canon, *name, *entry, *star;
	struct path path, here;
	size_t len;
	int err;

	*why = bulwark_check_key_dir(text);
	if (*why)
		return -EINVAL;
	/* "/etc/cron.d/" is "/etc/cron.d"; "/" stays. */
	len = strlen(text);
	while (len > 1 && text[len - 1] == '/')
		text[--len] = '\0';
	if (len == 1) {
		*why = "the root directory protects everything";
		return -EINVAL;
	}
	name = split_last(text);
	*why = bulwark_check_key_name(name);
	if (*why || !strcmp(name, "*")) {
		*why = "the last component is not a file name";
		return -EINVAL;
	}
	/* The parent "DIR/" '*' stands for any directory in DIR. */
	star = strrchr(text, '/');
	if (!strcmp(star + 1, "*")) {
		shape = BULWARK_PROT_WILD;
		split_last(text);
	}
	if (strstr(text, "/*/") || !strcmp(strrchr(text, '/'), "/*")) {
		*why = "'*' stands only for the directory above the last component";
		return -EINVAL;
	}

	buf = __getname();
	if (!buf)
		return -ENOMEM;
	err = resolve_dir(text, &path, buf, &canon, why);
	if (err)
		goto out_putname;
	/* An existing directory, not a symbolic link, is a tree. */
	if (shape == BULWARK_PROT_NAME) {
		err = kern_path(whole, 0, &here);
		if (!err) {
			if (d_is_dir(here.dentry)) {
				path_put(&path);
				path = here;
				shape = BULWARK_PROT_TREE;
				canon = d_path(&path, buf, PATH_MAX);
			} else {
				path_put(&here);
			}
		} else if (err == -ENOMEM) {
			goto out_put_path;
		}
		err = 0;
		if (IS_ERR(canon)) {
			*why = "the directory has no path";
			err = -EINVAL;
			goto out_put_path;
		}
	}
	if (has_place(list, path.dentry, shape, name))
		goto out_put_path;

	if (shape == BULWARK_PROT_TREE)
		entry = kstrdup(canon, GFP_KERNEL);
	else
		entry = kasprintf(GFP_KERNEL, "%s%s%s%s", canon,
				  strcmp(canon, "/") ? "/" : "",
				  shape == BULWARK_PROT_WILD ? "*/" : "", name);
	err = -ENOMEM;
	if (!entry)
		goto out_put_path;
	err = append_shaped(list, &path, entry, shape,
			    shape == BULWARK_PROT_TREE ? 0 :
			    strlen(entry) - strlen(name), why);
	if (err) {
		kfree(entry);
		goto out_put_path;
	}
	__putname(buf);
	return 0;

out_put_path:
	path_put(&path);
out_putname:
	__putname(buf);
	return err;
}

static int add_persist_text(struct bulwark_keys_list *list, const char *text,
			    const char **why)
{
	char *copy;
	int err;

	if (strlen(text) >= PATH_MAX) {
		*why = "path too long";
		return -EINVAL;
	}
	copy = kstrdup(text, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	err = add_persist(list, text, copy, why);
	kfree(copy);
	return err;
}

/**
 * bulwark_keys_list_add - add one entry, given as text, to a list
 * @list: a list under construction
 * @text: a directory's absolute path (keys_dirs) or a file name
 *	(keys_names), without surrounding white space
 * @why: set to the reason when @text is refused
 *
 * @text is checked as bulwark_check_key_dir() or
 * bulwark_check_key_name() do.  A directory is resolved now, in the current task's mount namespace,
 * following symbolic links.  An entry that repeats one already on the
 * list (the same name, or the same directory by another path) is
 * dropped.  May sleep.
 *
 * Return: 0 on success (added or dropped), -EINVAL with @why set when
 * @text is invalid, or -ENOMEM.
 */
int bulwark_keys_list_add(struct bulwark_keys_list *list, const char *text,
			  const char **why)
{
	if (list->kind == BULWARK_KEYS_DIRS)
		return add_dir(list, text, why);
	if (list->kind == BULWARK_PERSIST_PATHS)
		return add_persist_text(list, text, why);
	return add_name(list, text, why);
}

/**
 * bulwark_keys_list_merge - add the entries of one list to another
 * @dst: the list to add to, of the same kind as @src
 * @src: the entries to add; those @dst has already are dropped
 * @why: set to what is wrong when it fails with -EINVAL
 *
 * @dst takes references of its own.  On failure, @dst holds the entries
 * added before it.
 *
 * Return: 0, -EINVAL (too many entries) or -ENOMEM.
 */
int bulwark_keys_list_merge(struct bulwark_keys_list *dst,
			    const struct bulwark_keys_list *src,
			    const char **why)
{
	const struct bulwark_keys_entry *e;
	struct path path;
	unsigned int i;
	char *text;
	int err;

	for (i = 0; i < src->count; i++) {
		e = &src->entries[i];
		if (dst->kind == BULWARK_KEYS_NAMES ?
		    has_name(dst, e->text) :
		    has_place(dst, e->path.dentry, e->shape,
			      e->text + e->name_off))
			continue;
		text = kstrdup(e->text, GFP_KERNEL);
		if (!text)
			return -ENOMEM;
		path = e->path;
		path_get(&path);
		err = append_shaped(dst, &path, text, e->shape, e->name_off,
				    why);
		if (err) {
			path_put(&path);
			kfree(text);
			return err;
		}
	}
	return 0;
}

/**
 * bulwark_keys_list_copy - copy a list, with references of its own
 * @list: the list to copy
 *
 * Return: the copy, or NULL when out of memory.
 */
struct bulwark_keys_list *
bulwark_keys_list_copy(const struct bulwark_keys_list *list)
{
	struct bulwark_keys_list *copy;
	unsigned int i;

	copy = bulwark_keys_list_alloc(list->kind);
	if (!copy)
		return NULL;
	copy->entries = kcalloc(max(list->count, 1U), sizeof(*copy->entries),
				GFP_KERNEL);
	if (!copy->entries)
		goto out_free_copy;
	copy->size = max(list->count, 1U);
	for (i = 0; i < list->count; i++) {
		struct bulwark_keys_entry *entry = &copy->entries[i];

		entry->text = kstrdup(list->entries[i].text, GFP_KERNEL);
		if (!entry->text)
			goto out_free_copy;
		entry->len = list->entries[i].len;
		entry->shape = list->entries[i].shape;
		entry->name_off = list->entries[i].name_off;
		entry->path = list->entries[i].path;
		path_get(&entry->path);
		copy->count++;
	}
	return copy;

out_free_copy:
	bulwark_keys_list_free(copy);
	return NULL;
}

/**
 * bulwark_keys_list_text - a list in canonical form, one entry a line
 * @list: the list
 * @len: set to the length of the text
 *
 * Return: the text, to be freed with kfree(), or NULL when out of
 * memory.
 */
char *bulwark_keys_list_text(const struct bulwark_keys_list *list,
			     size_t *len)
{
	size_t size = 1;
	unsigned int i;
	char *text, *p;

	for (i = 0; i < list->count; i++)
		size += list->entries[i].len + 1;
	text = kmalloc(size, GFP_KERNEL);
	if (!text)
		return NULL;
	p = text;
	for (i = 0; i < list->count; i++) {
		memcpy(p, list->entries[i].text, list->entries[i].len);
		p += list->entries[i].len;
		*p++ = '\n';
	}
	*p = '\0';
	*len = p - text;
	return text;
}

/**
 * bulwark_keys_list_index - index a list's directories before it is used
 * @list: a complete list that no reader sees yet
 *
 * Fills @list->index and @list->sbs from the entries' directories.
 *
 * Return: 0, or -ENOMEM.
 */
int bulwark_keys_list_index(struct bulwark_keys_list *list)
{
	unsigned int bits = 1, i, j, n = 0;
	struct dentry **index;

	while ((1U << bits) < 2 * list->count)
		bits++;
	index = kcalloc(1U << bits, sizeof(*index), GFP_KERNEL);
	if (!index)
		return -ENOMEM;
	for (i = 0; i < list->count; i++) {
		struct dentry *dir = list->entries[i].path.dentry;
		struct super_block *sb;

		if (!dir)
			continue;
		for (j = hash_ptr(dir, bits); index[j] && index[j] != dir;
		     j = (j + 1) & ((1U << bits) - 1))
			;
		index[j] = dir;

		sb = dir->d_sb;
		for (j = 0; j < n && list->sbs[j] != sb; j++)
			;
		if (j < n)
			continue;
		if (n == BULWARK_KEYS_MAX_SBS)
			list->many_sbs = true;
		else
			list->sbs[n++] = sb;
	}
	kfree(list->index);
	list->index = index;
	list->index_bits = bits;
	return 0;
}
