// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the securityfs files keys_dirs, keys_names and persist_paths
 *
 * Reading either file gives the list in force, in canonical form, one
 * entry a line, as it was when the file was opened.
 *
 * Writing is a session: from open to the last close, the lines written
 * build a new list, which replaces the one in force when the file is
 * released.  Opening with O_APPEND starts from a copy of the list in
 * force instead of an empty one.  A session that writes nothing
 * changes nothing, unless the file was opened with O_TRUNC, which
 * stands for an empty list.  Each line is checked, and for keys_dirs
 * resolved, as soon as it is complete, in the writer's context; a line
 * still open when a descriptor of the session is closed is taken as
 * complete.  Blank lines and lines starting with '#' are ignored, as
 * is white space around an entry.  The first invalid line makes that
 * write() (or close()) fail with EINVAL, names the line in the kernel
 * log, and spoils the session: its later writes fail too, and it
 * changes nothing.
 *
 * Only a task that bulwark_may_configure() allows may open a file for
 * writing; the commit checks bulwark_locked again.
 */

#include "common.h"

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/mutex.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "config.h"
#include "counters.h"
#include "fs.h"
#include "keys.h"
#include "policyfs.h"
#include "policyparse.h"

/* The longest line, without its newline. */
#define LINE_MAX_LEN (PATH_MAX - 1)

static const char * const file_names[BULWARK_KEYS_KINDS] = {
	[BULWARK_KEYS_DIRS] = "keys_dirs",
	[BULWARK_KEYS_NAMES] = "keys_names",
	[BULWARK_PERSIST_PATHS] = "persist_paths",
};

static struct dentry *files[BULWARK_KEYS_KINDS];

/**
 * struct session - one open file
 *
 * Lives from open to release.
 */
struct session {
	/**
	 * @kind: which list the file holds.
	 */
	enum bulwark_keys_kind kind;
	/**
	 * @text: for reading, the list in force at open, NULL when the
	 * file was not opened for reading; set at open, then only read.
	 */
	char *text;
	/**
	 * @text_len: strlen(@text).
	 */
	size_t text_len;
	/**
	 * @lines: for writing, the lines written; its lock serialises the
	 * writes, flushes and the release, so that threads sharing the
	 * file see whole lines, and protects @list and @replace.
	 */
	struct bulwark_policy_session lines;
	/**
	 * @list: for writing, the list being built, NULL when the file
	 * was not opened for writing.
	 */
	struct bulwark_keys_list *list;
	/**
	 * @replace: the list in force is to be replaced at release.
	 */
	bool replace;
	/**
	 * @append: opened with O_APPEND: @list holds only the entries
	 * written, added at release to the list then in force.
	 */
	bool append;
};

static void session_free(struct session *s)
{
	bulwark_policy_destroy(&s->lines);
	bulwark_keys_list_free(s->list);
	kfree(s->text);
	kfree(s);
}

/* Take one line of the session; see bulwark_policy_line_t. */
static int take_line(void *priv, char *line, size_t len, const char **why)
{
	struct session *s = priv;
	char *entry;
	int ret;

	ret = bulwark_parse_key_line(line, len, s->kind != BULWARK_KEYS_NAMES,
				     &entry, why);
	if (ret <= 0)
		return ret;
	ret = bulwark_keys_list_add(s->list, entry, why);
	if (ret && !*why)
		*why = "out of memory";
	return ret;
}

static int keys_open(struct inode *inode, struct file *file)
{
	struct session *s;
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->kind = (uintptr_t)inode->i_private;

	if (file->f_mode & FMODE_WRITE) {
		err = bulwark_may_configure();
		if (err)
			goto out_free;
		s->append = file->f_flags & O_APPEND;
		s->list = bulwark_keys_list_alloc(s->kind);
		err = -ENOMEM;
		if (!s->list)
			goto out_free;
		err = bulwark_policy_init(&s->lines, file_names[s->kind],
					  LINE_MAX_LEN, take_line, s);
		if (err)
			goto out_free;
		s->replace = file->f_flags & O_TRUNC;
	}
	if (file->f_mode & FMODE_READ) {
		s->text = bulwark_keys_current_text(s->kind, &s->text_len);
		if (!s->text) {
			err = -ENOMEM;
			goto out_free;
		}
	}
	file->private_data = s;
	return nonseekable_open(inode, file);

out_free:
	session_free(s);
	return err;
}

static ssize_t keys_read(struct file *file, char __user *buf, size_t len,
			 loff_t *ppos)
{
	struct session *s = file->private_data;

	return simple_read_from_buffer(buf, len, ppos, s->text, s->text_len);
}

static ssize_t keys_write(struct file *file, const char __user *buf,
			  size_t len, loff_t *ppos)
{
	struct session *s = file->private_data;
	ssize_t ret;

	if (len) {
		mutex_lock(&s->lines.lock);
		s->replace = true;
		mutex_unlock(&s->lines.lock);
	}
	ret = bulwark_fs_write(&s->lines, buf, len);
	if (ret > 0)
		*ppos += ret;
	return ret;
}

/*
 * close() reports what the release will find, as far as it can be told
 * now: an invalid last line, or entries added with O_APPEND that would
 * take the list in force past its limit.  The release checks again.
 */
static int keys_flush(struct file *file, fl_owner_t id)
{
	struct session *s = file->private_data;
	const char *why = NULL;
	int err;

	if (!s->list)
		return 0;
	err = bulwark_fs_finish(&s->lines);
	if (err || !s->append || !s->replace)
		return err;
	mutex_lock(&s->lines.lock);
	err = bulwark_keys_append_fits(s->list, &why);
	mutex_unlock(&s->lines.lock);
	if (err == -EINVAL)
		pr_warn("%s: not changed: %s\n", file_names[s->kind], why);
	return err;
}

static int keys_release(struct inode *inode, struct file *file)
{
	struct session *s = file->private_data;
	const char *name = file_names[s->kind];
	const char *why = NULL;
	unsigned int count;
	int err;

	if (!s->list || !s->replace)
		goto out_free;
	err = bulwark_fs_finish(&s->lines);
	if (err)
		goto out_free;

	count = s->list->count;
	if (s->append)
		err = bulwark_keys_commit_append(s->list, &why);
	else
		err = bulwark_keys_commit(s->list);
	s->list = NULL;
	if (err) {
		pr_warn("%s: not changed: %s\n", name,
			err == -EPERM ? "bulwark is locked" :
			why ?: "out of memory");
		bulwark_count(BULWARK_POLICY_REJECTS);
		goto out_free;
	}
	bulwark_count(BULWARK_POLICY_LOADS);
	if (s->append)
		pr_info("%s: %u entries added\n", name, count);
	else
		pr_info("%s: %u entries in force\n", name, count);
out_free:
	session_free(s);
	return 0;
}

static const struct file_operations keys_fops = {
	.owner = THIS_MODULE,
	.open = keys_open,
	.read = keys_read,
	.write = keys_write,
	.flush = keys_flush,
	.release = keys_release,
};

/**
 * bulwark_keysfs_init - create keys_dirs, keys_names and persist_paths
 *
 * Return: 0 on success or a negative errno; nothing is created on
 * error.
 */
int bulwark_keysfs_init(void)
{
	int kind, err;

	for (kind = 0; kind < BULWARK_KEYS_KINDS; kind++) {
		err = bulwark_fs_create_file(&files[kind], file_names[kind],
					     &keys_fops,
					     (void *)(uintptr_t)kind);
		if (err)
			goto out_remove;
	}
	return 0;

out_remove:
	bulwark_keysfs_exit();
	return err;
}

/**
 * bulwark_keysfs_exit - remove keys_dirs, keys_names and persist_paths
 *
 * An open file holds a reference to the module, so none is open now.
 */
void bulwark_keysfs_exit(void)
{
	int kind;

	for (kind = BULWARK_KEYS_KINDS - 1; kind >= 0; kind--)
		bulwark_fs_remove_file(&files[kind]);
}
