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

/* Take @path and @text (both owned by the caller until success). */
static int append(struct bulwark_keys_list *list, const struct path *path,
		  char *text, const char **why)
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
	return 0;
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
		if (dst->kind == BULWARK_KEYS_DIRS ?
		    has_dir(dst, e->path.dentry) : has_name(dst, e->text))
			continue;
		text = kstrdup(e->text, GFP_KERNEL);
		if (!text)
			return -ENOMEM;
		path = e->path;
		path_get(&path);
		err = append(dst, &path, text, why);
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
