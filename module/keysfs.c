// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the securityfs files keys_dirs and keys_names
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

#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/mutex.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "config.h"
#include "counters.h"
#include "fs.h"
#include "keys.h"

/* The longest line, with its newline. */
#define LINE_MAX_LEN PATH_MAX

static const char * const file_names[BULWARK_KEYS_KINDS] = {
	[BULWARK_KEYS_DIRS] = "keys_dirs",
	[BULWARK_KEYS_NAMES] = "keys_names",
};

static struct dentry *files[BULWARK_KEYS_KINDS];

/**
 * struct session - one open file
 *
 * Lives from open to release; @lock serialises the writes, flushes
 * and the release of one open file, so that threads sharing it see
 * whole lines.
 */
struct session {
	/**
	 * @lock: protects every field below but @text and @text_len,
	 * which are set at open and then only read.
	 */
	struct mutex lock;
	/**
	 * @kind: which list the file holds.
	 */
	enum bulwark_keys_kind kind;
	/**
	 * @text: for reading, the list in force at open, NULL when the
	 * file was not opened for reading.
	 */
	char *text;
	/**
	 * @text_len: strlen(@text).
	 */
	size_t text_len;
	/**
	 * @list: for writing, the list being built, NULL when the file
	 * was not opened for writing.
	 */
	struct bulwark_keys_list *list;
	/**
	 * @line: the part of a line written so far, @line_len bytes.
	 */
	char *line;
	/**
	 * @line_len: bytes in @line.
	 */
	size_t line_len;
	/**
	 * @lineno: lines read so far, to name the one in error.
	 */
	unsigned int lineno;
	/**
	 * @err: the session's first error; a spoilt session commits
	 * nothing.
	 */
	int err;
	/**
	 * @replace: the list in force is to be replaced at release.
	 */
	bool replace;
};

static void session_free(struct session *s)
{
	bulwark_keys_list_free(s->list);
	kfree(s->line);
	kfree(s->text);
	mutex_destroy(&s->lock);
	kfree(s);
}

/* Spoil the session with @err; the first failure counts as a reject. */
static int session_fail(struct session *s, int err, const char *why)
{
	if (why)
		pr_warn("%s: line %u: %s\n", file_names[s->kind], s->lineno,
			why);
	if (!s->err)
		bulwark_count(BULWARK_POLICY_REJECTS);
	s->err = err;
	return err;
}

/* One complete line of @len bytes, NUL-terminated in place. */
static int session_line(struct session *s, char *line, size_t len)
{
	const char *why = NULL;
	char *entry;
	int err;

	s->lineno++;
	if (strlen(line) != len)
		return session_fail(s, -EINVAL, "contains a NUL byte");
	entry = strim(line);
	if (!*entry || *entry == '#')
		return 0;
	err = bulwark_keys_list_add(s->list, entry, &why);
	if (err)
		return session_fail(s, err, why ?: "out of memory");
	return 0;
}

/* Take every complete line out of s->line. */
static int session_lines(struct session *s)
{
	char *start = s->line, *end = s->line + s->line_len, *nl;
	int err = 0;

	while (!err && (nl = memchr(start, '\n', end - start))) {
		*nl = '\0';
		err = session_line(s, start, nl - start);
		start = nl + 1;
	}
	s->line_len = end - start;
	memmove(s->line, start, s->line_len);
	return err;
}

/* Take the line still open as complete. */
static int session_finish(struct session *s)
{
	size_t len = s->line_len;

	if (s->err || !len)
		return s->err;
	s->line_len = 0;
	s->line[len] = '\0';
	return session_line(s, s->line, len);
}

static int keys_open(struct inode *inode, struct file *file)
{
	struct session *s;
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	mutex_init(&s->lock);
	s->kind = (uintptr_t)inode->i_private;

	if (file->f_mode & FMODE_WRITE) {
		err = bulwark_may_configure();
		if (err)
			goto out_free;
		err = -ENOMEM;
		/* One byte more, to terminate the last line. */
		s->line = kmalloc(LINE_MAX_LEN + 1, GFP_KERNEL);
		if (!s->line)
			goto out_free;
		if (file->f_flags & O_APPEND)
			s->list = bulwark_keys_current_copy(s->kind);
		else
			s->list = bulwark_keys_list_alloc(s->kind);
		if (!s->list)
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
	size_t done = 0;
	int err;

	mutex_lock(&s->lock);
	err = s->err;
	while (!err && done < len) {
		size_t n = min(len - done, LINE_MAX_LEN - s->line_len);

		if (!n) {
			err = session_fail(s, -EINVAL, "line too long");
			break;
		}
		if (copy_from_user(s->line + s->line_len, buf + done, n)) {
			err = -EFAULT;
			break;
		}
		s->line_len += n;
		done += n;
		s->replace = true;
		err = session_lines(s);
	}
	mutex_unlock(&s->lock);
	if (err)
		return err;
	*ppos += done;
	return done;
}

static int keys_flush(struct file *file, fl_owner_t id)
{
	struct session *s = file->private_data;
	int err;

	if (!s->list)
		return 0;
	mutex_lock(&s->lock);
	err = session_finish(s);
	mutex_unlock(&s->lock);
	return err;
}

static int keys_release(struct inode *inode, struct file *file)
{
	struct session *s = file->private_data;
	const char *name = file_names[s->kind];
	unsigned int count;
	int err;

	if (!s->list || !s->replace)
		goto out_free;
	mutex_lock(&s->lock);
	err = session_finish(s);
	mutex_unlock(&s->lock);
	if (err)
		goto out_free;

	count = s->list->count;
	err = bulwark_keys_commit(s->list);
	s->list = NULL;
	if (err) {
		pr_warn("%s: not changed: bulwark is locked\n", name);
		bulwark_count(BULWARK_POLICY_REJECTS);
		goto out_free;
	}
	bulwark_count(BULWARK_POLICY_LOADS);
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
 * bulwark_keysfs_init - create keys_dirs and keys_names in securityfs
 *
 * Return: 0 on success or a negative errno; nothing is created on
 * error.
 */
int bulwark_keysfs_init(void)
{
	int kind, err;

	for (kind = 0; kind < BULWARK_KEYS_KINDS; kind++) {
		files[kind] = securityfs_create_file(file_names[kind], 0600,
						     bulwark_fs_dir,
						     (void *)(uintptr_t)kind,
						     &keys_fops);
		if (IS_ERR(files[kind])) {
			err = PTR_ERR(files[kind]);
			pr_err("cannot create securityfs file %s: error %d\n",
			       file_names[kind], err);
			files[kind] = NULL;
			goto out_remove;
		}
	}
	return 0;

out_remove:
	bulwark_keysfs_exit();
	return err;
}

/**
 * bulwark_keysfs_exit - remove keys_dirs and keys_names
 *
 * An open file holds a reference to the module, so none is open now.
 */
void bulwark_keysfs_exit(void)
{
	int kind;

	for (kind = BULWARK_KEYS_KINDS - 1; kind >= 0; kind--) {
		securityfs_remove(files[kind]);
		files[kind] = NULL;
	}
}
