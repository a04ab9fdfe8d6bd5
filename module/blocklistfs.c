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

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "blocklist.h"
#include "blocklistfs.h"
#include "config.h"
#include "fs.h"
#include "policyfs.h"
#include "policyparse.h"

/* Longest line accepted, blanks included, without its newline. */
#define LINE_MAX_LEN 256

static struct dentry *blocklist_file;

/**
 * struct session - one write session of the blocklist file
 *
 * Owned by the open file, from open to release.
 */
struct session {
	/**
	 * @lines: the lines written; its lock serialises the writes, and
	 * thus the additions to @builder.
	 */
	struct bulwark_policy_session lines;
	/**
	 * @builder: the entries parsed so far.
	 */
	struct bulwark_builder builder;
	/**
	 * @append: add to the list in force instead of replacing it.
	 */
	bool append;
};

/* Take one line of the session; see bulwark_policy_line_t. */
static int take_line(void *priv, char *line, size_t len, const char **why)
{
	struct session *s = priv;
	u8 digest[BULWARK_SHA256_SIZE];
	const char *label = NULL;
	size_t label_len = 0;
	int ret;

	ret = bulwark_parse_digest_line(line, len, digest, &label, &label_len,
					why);
	if (ret <= 0)
		return ret;
	ret = bulwark_builder_add(&s->builder, digest, label, label_len);
	if (ret)
		*why = "cannot store entry";
	return ret;
}

static ssize_t blocklist_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct session *s = file->private_data;

	return bulwark_fs_write(&s->lines, ubuf, count);
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
	err = bulwark_policy_init(&s->lines, "blocklist", LINE_MAX_LEN,
				  take_line, s);
	if (err) {
		kfree(s);
		return err;
	}
	s->append = file->f_flags & O_APPEND;
	file->private_data = s;
	return 0;
}

/* Put the list of a write session in force; see bulwark_fs_commit(). */
static int session_commit(void *priv)
{
	struct session *s = priv;

	return bulwark_blocklist_commit(&s->builder, s->append);
}

/*
 * close(): a last line without a newline is taken here, so that an
 * invalid one fails close() with its error; the commit waits for the
 * release.
 */
static int blocklist_flush(struct file *file, fl_owner_t id)
{
	struct session *s = file->private_data;

	if (!(file->f_mode & FMODE_WRITE))
		return 0;
	return bulwark_fs_finish(&s->lines);
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
	bulwark_fs_commit(&s->lines, session_commit, s);
	bulwark_policy_destroy(&s->lines);
	bulwark_builder_free(&s->builder);
	kfree(s);
	return 0;
}

static const struct file_operations blocklist_fops = {
	.owner = THIS_MODULE,
	.open = blocklist_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.write = blocklist_write,
	.flush = blocklist_flush,
	.release = blocklist_release,
};

/**
 * bulwark_blocklistfs_init - create the blocklist file
 *
 * Return: 0 on success or a negative errno.
 */
int bulwark_blocklistfs_init(void)
{
	return bulwark_fs_create_file(&blocklist_file, "blocklist",
				      &blocklist_fops, NULL);
}

/**
 * bulwark_blocklistfs_exit - remove the blocklist file
 */
void bulwark_blocklistfs_exit(void)
{
	bulwark_fs_remove_file(&blocklist_file);
}
