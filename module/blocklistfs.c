// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the securityfs file "blocklist"
 *
 * One entry per line: 64 hex digits, then optionally blanks and a label
 * of at most 63 printable bytes.  Blank lines and lines starting with
 * '#' are ignored.  A write session (open, write..., close) replaces the
 * list when it closes, or adds to it when opened with O_APPEND.  Lines
 * may be split across write() calls; a last line without a newline is
 * taken at close.  Any invalid line fails that write with EINVAL, names
 * its line number in the kernel log, and poisons the session: nothing of
 * it is committed.  Reading gives the list in canonical form.
 */

#include "common.h"

#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "blocklist.h"
#include "blocklistfs.h"
#include "config.h"
#include "counters.h"
#include "fs.h"

/* Longest line accepted, blanks included. */
#define LINE_MAX_LEN 256
/* Bytes copied from user space at a time. */
#define CHUNK_LEN 4096

static struct dentry *blocklist_file;

/**
 * struct session - one write session of the blocklist file
 *
 * Owned by the open file; write() calls on one file are serialised by
 * @lock.
 */
struct session {
	/**
	 * @lock: serialises writes through this open file.
	 */
	struct mutex lock;
	/**
	 * @builder: the entries parsed so far.
	 */
	struct bulwark_builder builder;
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

static const char *skip_blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* Parse one line; return NULL or what is wrong with it. */
static const char *parse_line(struct session *s, int *err)
{
	const char *p = s->buf, *end = s->buf + s->len, *label;
	u8 digest[BULWARK_SHA256_SIZE];

	*err = -EINVAL;
	while (end > p && isspace(end[-1]))
		end--;
	p = skip_blanks(p, end);
	if (p == end || *p == '#')
		return NULL;
	if (end - p < BULWARK_SHA256_HEX_LEN ||
	    hex2bin(digest, p, BULWARK_SHA256_SIZE))
		return "expected 64 hex digits";
	p += BULWARK_SHA256_HEX_LEN;
	if (p < end && *p != ' ' && *p != '\t')
		return "expected a blank after the 64 hex digits";
	label = skip_blanks(p, end);
	if (end - label > BULWARK_LABEL_MAX)
		return "label longer than 63 bytes";
	for (p = label; p < end; p++)
		if ((u8)*p < 0x20 || *p == 0x7f)
			return "control character in label";
	*err = bulwark_builder_add(&s->builder, digest, label, end - label);
	return *err ? "cannot store entry" : NULL;
}

/* Take the line in @s->buf; returns 0 or a negative errno. */
static int end_line(struct session *s)
{
	const char *why;
	int err = 0;

	why = parse_line(s, &err);
	if (why) {
		pr_warn("blocklist: line %u: %s\n", s->line, why);
		return err;
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
			pr_warn("blocklist: line %u: longer than %d bytes\n",
				s->line, LINE_MAX_LEN);
			return -EINVAL;
		}
		s->buf[s->len++] = data[i];
	}
	return 0;
}

static ssize_t blocklist_write(struct file *file, const char __user *ubuf,
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

static void *seq_start(struct seq_file *m, loff_t *pos)
{
	const struct bulwark_blocklist *bl = m->private;

	if (!bl || *pos >= bl->count)
		return NULL;
	return &bl->entries[*pos];
}

static void *seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return seq_start(m, pos);
}

static void seq_stop(struct seq_file *m, void *v)
{
}

static int seq_show(struct seq_file *m, void *v)
{
	const struct bulwark_blocklist *bl = m->private;
	const struct bulwark_entry *e = v;

	seq_printf(m, "%*phN", BULWARK_SHA256_SIZE, e->digest);
	if (e->label != BULWARK_NO_LABEL)
		seq_printf(m, " %s", bl->labels + e->label);
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations blocklist_seq_ops = {
	.start = seq_start,
	.next = seq_next,
	.stop = seq_stop,
	.show = seq_show,
};

static int blocklist_open(struct inode *inode, struct file *file)
{
	struct session *s;
	int err;

	if ((file->f_mode & FMODE_READ) && (file->f_mode & FMODE_WRITE))
		return -EINVAL;
	if (file->f_mode & FMODE_READ) {
		err = seq_open(file, &blocklist_seq_ops);
		if (err)
			return err;
		((struct seq_file *)file->private_data)->private =
			bulwark_blocklist_get();
		return 0;
	}
	err = bulwark_may_configure();
	if (err)
		return err;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	mutex_init(&s->lock);
	s->append = file->f_flags & O_APPEND;
	s->line = 1;
	file->private_data = s;
	return 0;
}

/* Commit a write session; its errors can only be logged and counted. */
static void session_commit(struct session *s)
{
	int err = s->error;

	if (!err && s->len)
		err = end_line(s);
	if (!err)
		err = bulwark_blocklist_commit(&s->builder, s->append);
	if (err) {
		if (!s->error)
			bulwark_count(BULWARK_POLICY_REJECTS);
		pr_warn("blocklist: not loaded (error %d); the list in force stays\n",
			err);
		return;
	}
	bulwark_count(BULWARK_POLICY_LOADS);
}

static int blocklist_release(struct inode *inode, struct file *file)
{
	struct session *s;

	if (file->f_mode & FMODE_READ) {
		struct seq_file *m = file->private_data;

		bulwark_blocklist_put(m->private);
		return seq_release(inode, file);
	}
	s = file->private_data;
	session_commit(s);
	bulwark_builder_free(&s->builder);
	kfree(s);
	return 0;
}

static const struct file_operations blocklist_fops = {
	.open = blocklist_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.write = blocklist_write,
	.release = blocklist_release,
};

/**
 * bulwark_blocklistfs_init - create the blocklist file
 *
 * Return: 0 on success or a negative errno.
 */
int bulwark_blocklistfs_init(void)
{
	blocklist_file = securityfs_create_file("blocklist", 0600,
						bulwark_fs_dir, NULL,
						&blocklist_fops);
	if (IS_ERR(blocklist_file)) {
		int err = PTR_ERR(blocklist_file);

		blocklist_file = NULL;
		return err;
	}
	return 0;
}

/**
 * bulwark_blocklistfs_exit - remove the blocklist file
 */
void bulwark_blocklistfs_exit(void)
{
	securityfs_remove(blocklist_file);
}
