// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the securityfs file "exempt"
 *
 * Tasks whose cgroup lies under one of these prefixes are not contained
 * (see contain.c); this is for key managers that run in containers.
 * One prefix per line, an absolute cgroup path as /proc/<pid>/cgroup
 * shows it, matched on whole components on every hierarchy: "/a/b"
 * exempts "/a/b" and "/a/b/c", not "/a/bc".  A trailing '/' is dropped;
 * the rest may not end in white space, which reading back would lose.
 * Blank lines and lines starting with '#' are ignored.
 *
 * Like the blocklist, a write session (open, write..., close) replaces
 * the list when it closes, or adds to it when opened with O_APPEND.
 * Lines may be split across write() calls; a last line without a
 * newline is taken at close.  An invalid line fails that write with
 * EINVAL, names its line number in the kernel log and poisons the
 * session: the list in force stays.  Reading gives the list in force.
 *
 * Lifetime: the list in force is an immutable struct bulwark_exempt
 * behind an RCU pointer, replaced under bulwark_config_mutex and freed
 * a grace period later.
 */

#include "common.h"

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "cgpath.h"
#include "config.h"
#include "contain.h"
#include "exempt.h"
#include "fs.h"
#include "policyfs.h"
#include "policyparse.h"

/* Longest line accepted, without its newline. */
#define LINE_MAX_LEN (PATH_MAX - 1)
/* Most prefixes on the list. */
#define MAX_PREFIXES 1024
/* Most bytes of prefixes on the list, NULs included. */
#define MAX_TEXT (64 * 1024)

/*
 * The list in force, NULL when empty; see the comment at the top.
 * exempt.h reads it.
 */
struct bulwark_exempt __rcu *bulwark_exempt_list;
/* Generation of the last list published; under bulwark_config_mutex. */
static u64 exempt_gen;

static struct dentry *exempt_file;

/**
 * struct session - one write session of the exempt file
 *
 * Owned by the open file, from open to release.
 */
struct session {
	/**
	 * @lines: the lines written; its lock serialises the writes, and
	 * thus the additions to @text.
	 */
	struct bulwark_policy_session lines;
	/**
	 * @text: the prefixes parsed so far, each NUL-terminated; MAX_TEXT
	 * bytes.
	 */
	char *text;
	/**
	 * @text_len: bytes used in @text.
	 */
	size_t text_len;
	/**
	 * @count: number of prefixes in @text.
	 */
	unsigned int count;
	/**
	 * @append: add to the list in force instead of replacing it.
	 */
	bool append;
};

/**
 * bulwark_exempt_match - is a cgroup path exempt?
 * @list: the list, from bulwark_exempt_current(); may be NULL
 * @path: the cgroup path, need not be NUL-terminated
 * @len: length of @path
 *
 * Safe in atomic context.
 *
 * Return: true when @path is one of the prefixes or lies beneath one.
 */
bool bulwark_exempt_match(const struct bulwark_exempt *list, const char *path,
			  size_t len)
{
	const char *p, *end;

	if (!list)
		return false;
	end = list->text + list->len;
	for (p = list->text; p < end; p += strlen(p) + 1)
		if (bulwark_cgpath_under(path, len, p, strlen(p)))
			return true;
	return false;
}

/* Take one line of the session; see bulwark_policy_line_t. */
static int take_line(void *priv, char *line, size_t len, const char **why)
{
	struct session *s = priv;
	int ret;

	ret = bulwark_parse_exempt_line(line, &len, why);
	if (ret <= 0)
		return ret;
	if (s->count == MAX_PREFIXES) {
		*why = "too many prefixes";
		return -EINVAL;
	}
	if (s->text_len + len + 1 > MAX_TEXT) {
		*why = "list too long";
		return -EINVAL;
	}
	memcpy(s->text + s->text_len, line, len);
	s->text[s->text_len + len] = '\0';
	s->text_len += len + 1;
	s->count++;
	return 0;
}

static ssize_t exempt_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct session *s = file->private_data;

	return bulwark_fs_write(&s->lines, ubuf, count);
}

/*
 * Publish the session's prefixes, after those in force if appending;
 * see bulwark_fs_commit().
 */
static int commit(void *priv)
{
	struct session *s = priv;
	struct bulwark_exempt *old, *new = NULL;
	u32 old_len = 0, old_count = 0;
	int err = 0;

	mutex_lock(&bulwark_config_mutex);
	if (bulwark_locked) {
		err = -EPERM;
		goto out_unlock;
	}
	old = rcu_dereference_protected(bulwark_exempt_list,
					lockdep_is_held(&bulwark_config_mutex));
	if (s->append && old) {
		old_len = old->len;
		old_count = old->count;
	}
	if (old_count + s->count > MAX_PREFIXES ||
	    old_len + s->text_len > MAX_TEXT) {
		pr_warn("exempt: more than %d prefixes or %d bytes\n",
			MAX_PREFIXES, MAX_TEXT);
		err = -EINVAL;
		goto out_unlock;
	}
	if (old_count + s->count) {
		new = kvmalloc(struct_size(new, text, old_len + s->text_len),
			       GFP_KERNEL);
		if (!new) {
			err = -ENOMEM;
			goto out_unlock;
		}
		new->gen = ++exempt_gen;
		new->count = old_count + s->count;
		new->len = old_len + s->text_len;
		if (old_len)
			memcpy(new->text, old->text, old_len);
		memcpy(new->text + old_len, s->text, s->text_len);
	}
	old = rcu_replace_pointer(bulwark_exempt_list, new,
				  lockdep_is_held(&bulwark_config_mutex));
	if (old)
		kvfree_rcu(old, rcu);
	/*
	 * Before the lock goes: no write that follows finds verdicts of
	 * the old list in a CPU's record.  The cache's are unreachable
	 * now; their memory comes back a little later.
	 */
	bulwark_contain_flush();
out_unlock:
	mutex_unlock(&bulwark_config_mutex);
	return err;
}

static int exempt_show(struct seq_file *m, void *v)
{
	const struct bulwark_exempt *list;
	const char *p, *end;

	rcu_read_lock();
	list = rcu_dereference(bulwark_exempt_list);
	if (list) {
		end = list->text + list->len;
		for (p = list->text; p < end; p += strlen(p) + 1)
			seq_printf(m, "%s\n", p);
	}
	rcu_read_unlock();
	return 0;
}

static int exempt_open(struct inode *inode, struct file *file)
{
	struct session *s;
	int err;

	if ((file->f_mode & FMODE_READ) && (file->f_mode & FMODE_WRITE))
		return -EINVAL;
	if (file->f_mode & FMODE_READ)
		return single_open(file, exempt_show, NULL);

	err = bulwark_may_configure();
	if (err)
		return err;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	err = -ENOMEM;
	s->text = kvmalloc(MAX_TEXT, GFP_KERNEL);
	if (!s->text)
		goto out_free_session;
	err = bulwark_policy_init(&s->lines, "exempt", LINE_MAX_LEN,
				  take_line, s);
	if (err)
		goto out_free_text;
	s->append = file->f_flags & O_APPEND;
	file->private_data = s;
	return 0;

out_free_text:
	kvfree(s->text);
out_free_session:
	kfree(s);
	return err;
}

/*
 * close(): a last line without a newline is taken here, so that an
 * invalid one fails close() with its error; the commit waits for the
 * release.
 */
static int exempt_flush(struct file *file, fl_owner_t id)
{
	struct session *s = file->private_data;

	if (!(file->f_mode & FMODE_WRITE))
		return 0;
	return bulwark_fs_finish(&s->lines);
}

static int exempt_release(struct inode *inode, struct file *file)
{
	struct session *s;

	if (file->f_mode & FMODE_READ)
		return single_release(inode, file);
	s = file->private_data;
	bulwark_fs_commit(&s->lines, commit, s);
	bulwark_policy_destroy(&s->lines);
	kvfree(s->text);
	kfree(s);
	return 0;
}

static const struct file_operations exempt_fops = {
	.owner = THIS_MODULE,
	.open = exempt_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.write = exempt_write,
	.flush = exempt_flush,
	.release = exempt_release,
};

/**
 * bulwark_exempt_init - create the exempt file
 *
 * Return: 0 on success or a negative errno.
 */
int bulwark_exempt_init(void)
{
	return bulwark_fs_create_file(&exempt_file, "exempt", &exempt_fops,
				      NULL);
}

/**
 * bulwark_exempt_exit - remove the exempt file
 *
 * The list stays in force for the hooks until bulwark_exempt_free().
 */
void bulwark_exempt_exit(void)
{
	bulwark_fs_remove_file(&exempt_file);
}

/**
 * bulwark_exempt_free - free the exempt list
 *
 * Runs once no hook and no file operation can use the list any more.
 */
void bulwark_exempt_free(void)
{
	struct bulwark_exempt *list;

	list = rcu_replace_pointer(bulwark_exempt_list, NULL, true);
	if (list)
		kvfree_rcu(list, rcu);
}
