// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the securityfs file "exempt"
 *
 * Tasks whose cgroup lies under one of these prefixes are not contained
 * (see contain.c); this is for key managers that run in containers.
 * One prefix per line, an absolute cgroup path as /proc/<pid>/cgroup
 * shows it, matched on whole components on every hierarchy: "/a/b"
 * exempts "/a/b" and "/a/b/c", not "/a/bc".  A trailing '/' is dropped.
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
#include <linux/uaccess.h>

#include "cgpath.h"
#include "config.h"
#include "contain.h"
#include "counters.h"
#include "exempt.h"
#include "fs.h"

/* Longest line accepted, without its newline. */
#define LINE_MAX_LEN (PATH_MAX - 1)
/* Most prefixes on the list. */
#define MAX_PREFIXES 1024
/* Most bytes of prefixes on the list, NULs included. */
#define MAX_TEXT (64 * 1024)
/* Bytes copied from user space at a time. */
#define CHUNK_LEN 4096

/* The list in force, NULL when empty; see the comment at the top. */
static struct bulwark_exempt __rcu *exempt_list;
/* Generation of the last list published; under bulwark_config_mutex. */
static u64 exempt_gen;

static struct dentry *exempt_file;

/**
 * struct session - one write session of the exempt file
 *
 * Owned by the open file; write() calls through it are serialised by
 * @lock.
 */
struct session {
	/**
	 * @lock: serialises writes through this open file.
	 */
	struct mutex lock;
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
	 * @error: the first error; once set, nothing is committed.
	 */
	int error;
	/**
	 * @append: add to the list in force instead of replacing it.
	 */
	bool append;
	/**
	 * @line: number of the line being read, from 1.
	 */
	unsigned int line;
	/**
	 * @len: bytes of the current line in @buf.
	 */
	size_t len;
	/**
	 * @buf: the current line, not yet complete.
	 */
	char buf[LINE_MAX_LEN];
};

/**
 * bulwark_exempt_current - the exempt list in force
 *
 * The caller holds rcu_read_lock(); the list stays valid until it drops
 * it.
 *
 * Return: the list, or NULL when no prefix is exempt.
 */
const struct bulwark_exempt *bulwark_exempt_current(void)
{
	return rcu_dereference(exempt_list);
}

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

/* Checks one prefix; returns NULL or what is wrong with it. */
static const char *check_prefix(const char *p, size_t len)
{
	size_t i, start;

	if (p[0] != '/')
		return "does not start with '/'";
	for (i = 0; i < len; i++)
		if ((u8)p[i] < 0x20 || p[i] == 0x7f)
			return "control character";
	/* Every component but a trailing empty one is a real name. */
	for (start = 1; start < len; start = i + 1) {
		for (i = start; i < len && p[i] != '/'; i++)
			;
		if (i == start && i < len)
			return "empty path component";
		if ((i - start == 1 && p[start] == '.') ||
		    (i - start == 2 && p[start] == '.' && p[start + 1] == '.'))
			return "'.' or '..' path component";
	}
	return NULL;
}

/* Parse the line in @s->buf; return NULL or what is wrong with it. */
static const char *parse_line(struct session *s)
{
	char *p = s->buf;
	size_t len = s->len;
	const char *why;

	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' ||
		       p[len - 1] == '\r'))
		len--;
	if (!len || p[0] == '#')
		return NULL;
	why = check_prefix(p, len);
	if (why)
		return why;
	while (len > 1 && p[len - 1] == '/')
		len--;
	if (s->count == MAX_PREFIXES)
		return "too many prefixes";
	if (s->text_len + len + 1 > MAX_TEXT)
		return "list too long";
	memcpy(s->text + s->text_len, p, len);
	s->text[s->text_len + len] = '\0';
	s->text_len += len + 1;
	s->count++;
	return NULL;
}

/* Take the line in @s->buf; returns 0 or -EINVAL. */
static int end_line(struct session *s)
{
	const char *why = parse_line(s);

	if (why) {
		pr_warn("exempt: line %u: %s\n", s->line, why);
		return -EINVAL;
	}
	s->len = 0;
	s->line++;
	return 0;
}

static int feed(struct session *s, const char *data, size_t len)
{
	size_t i;
	int err;

	for (i = 0; i < len; i++) {
		if (data[i] == '\n') {
			err = end_line(s);
			if (err)
				return err;
			continue;
		}
		if (s->len == LINE_MAX_LEN) {
			pr_warn("exempt: line %u: longer than %d bytes\n",
				s->line, LINE_MAX_LEN);
			return -EINVAL;
		}
		s->buf[s->len++] = data[i];
	}
	return 0;
}

static ssize_t exempt_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct session *s = file->private_data;
	size_t done = 0;
	char *chunk;
	int err;

	chunk = kmalloc(CHUNK_LEN, GFP_KERNEL);
	if (!chunk)
		return -ENOMEM;
	mutex_lock(&s->lock);
	err = s->error;
	while (!err && done < count) {
		size_t n = min_t(size_t, count - done, CHUNK_LEN);

		if (copy_from_user(chunk, ubuf + done, n)) {
			err = -EFAULT;
			break;
		}
		err = feed(s, chunk, n);
		done += n;
	}
	if (err && !s->error) {
		s->error = err;
		bulwark_count(BULWARK_POLICY_REJECTS);
	}
	mutex_unlock(&s->lock);
	kfree(chunk);
	return err ? err : count;
}

/* Publish the session's prefixes, after those in force if appending. */
static int commit(struct session *s)
{
	struct bulwark_exempt *old, *new = NULL;
	u32 old_len = 0, old_count = 0;
	int err = 0;

	mutex_lock(&bulwark_config_mutex);
	if (bulwark_locked) {
		err = -EPERM;
		goto out_unlock;
	}
	old = rcu_dereference_protected(exempt_list,
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
	old = rcu_replace_pointer(exempt_list, new,
				  lockdep_is_held(&bulwark_config_mutex));
	if (old)
		kvfree_rcu(old, rcu);
out_unlock:
	mutex_unlock(&bulwark_config_mutex);
	/* Verdicts of the old list are unreachable now; reclaim them. */
	if (!err)
		bulwark_contain_flush();
	return err;
}

/* Commit a write session; its errors can only be logged and counted. */
static void session_commit(struct session *s)
{
	int err = s->error;

	if (!err && s->len)
		err = end_line(s);
	if (!err)
		err = commit(s);
	if (err) {
		if (!s->error)
			bulwark_count(BULWARK_POLICY_REJECTS);
		pr_warn("exempt: not loaded (error %d); the list in force stays\n",
			err);
		return;
	}
	bulwark_count(BULWARK_POLICY_LOADS);
}

static int exempt_show(struct seq_file *m, void *v)
{
	const struct bulwark_exempt *list;
	const char *p, *end;

	rcu_read_lock();
	list = rcu_dereference(exempt_list);
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
	s = kvzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->text = kvmalloc(MAX_TEXT, GFP_KERNEL);
	if (!s->text) {
		kvfree(s);
		return -ENOMEM;
	}
	mutex_init(&s->lock);
	s->append = file->f_flags & O_APPEND;
	s->line = 1;
	file->private_data = s;
	return 0;
}

static int exempt_release(struct inode *inode, struct file *file)
{
	struct session *s;

	if (file->f_mode & FMODE_READ)
		return single_release(inode, file);
	s = file->private_data;
	session_commit(s);
	kvfree(s->text);
	kvfree(s);
	return 0;
}

static const struct file_operations exempt_fops = {
	.open = exempt_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.write = exempt_write,
	.release = exempt_release,
};

/**
 * bulwark_exempt_init - create the exempt file
 *
 * Return: 0 on success or a negative errno.
 */
int bulwark_exempt_init(void)
{
	exempt_file = securityfs_create_file("exempt", 0600, bulwark_fs_dir,
					     NULL, &exempt_fops);
	if (IS_ERR(exempt_file)) {
		int err = PTR_ERR(exempt_file);

		pr_err("cannot create securityfs file exempt: error %d\n", err);
		exempt_file = NULL;
		return err;
	}
	return 0;
}

/**
 * bulwark_exempt_exit - remove the exempt file and free the list
 *
 * Runs once no hook and no file operation can use the list any more.
 */
void bulwark_exempt_exit(void)
{
	struct bulwark_exempt *list;

	securityfs_remove(exempt_file);
	list = rcu_replace_pointer(exempt_list, NULL, true);
	if (list)
		kvfree_rcu(list, rcu);
}
