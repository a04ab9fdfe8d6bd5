// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the write session shared by the policy files of securityfs
 *
 * blocklist, exempt, keys_dirs and keys_names are all written the same
 * way: one entry per line, lines split across write() calls as the
 * writer likes, a last line without a newline taken when the writer is
 * done.  This file cuts the bytes written into lines and hands each to
 * the file's own parser; the first line refused, or longer than the
 * file allows, fails that write (or the finish) with the parser's
 * errno, names its line number in the kernel log, is counted once in
 * policy_rejects, and spoils the session: later writes fail with the
 * same errno, and the caller commits nothing.
 *
 * The bytes are copied from user space straight into the line buffer,
 * which holds one line and its newline at most.  Lifetime and locking:
 * see struct bulwark_policy_session.  No other kernel state is used:
 * this file builds in user space as well, for the fuzzers of fuzz/.
 */

#include "common.h"

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/uaccess.h>

#include "counters.h"
#include "policyfs.h"

/**
 * bulwark_policy_init - start a write session
 * @s: the session
 * @name: the file's name, for the kernel log; must outlive @s
 * @max_len: the longest line accepted, without its newline
 * @take: called with every complete line
 * @priv: passed to @take
 *
 * Return: 0, or -ENOMEM; nothing is left to undo on error.
 */
int bulwark_policy_init(struct bulwark_policy_session *s, const char *name,
			size_t max_len, bulwark_policy_line_t take, void *priv)
{
	s->buf = kmalloc(max_len + 1, GFP_KERNEL);
	if (!s->buf)
		return -ENOMEM;
	mutex_init(&s->lock);
	s->name = name;
	s->max_len = max_len;
	s->take = take;
	s->priv = priv;
	s->len = 0;
	s->line = 1;
	s->error = 0;
	return 0;
}

/**
 * bulwark_policy_destroy - free what a session holds
 * @s: the session, which nobody uses any more; or a zeroed one that
 *	bulwark_policy_init() never set up, or failed to
 */
void bulwark_policy_destroy(struct bulwark_policy_session *s)
{
	if (!s->buf)
		return;
	kfree(s->buf);
	s->buf = NULL;
	mutex_destroy(&s->lock);
}

/* Spoil the session; the first error is the one that counts. */
static int fail(struct bulwark_policy_session *s, int err)
{
	if (!s->error) {
		s->error = err;
		bulwark_count(BULWARK_POLICY_REJECTS);
	}
	return s->error;
}

/* Hand @line (NUL-terminated at @len) to the parser. */
static int take(struct bulwark_policy_session *s, char *line, size_t len)
{
	const char *why = NULL;
	int err;

	err = s->take(s->priv, line, len, &why);
	if (err) {
		pr_warn("%s: line %u: %s\n", s->name, s->line,
			why ?: "cannot store the entry");
		return err;
	}
	s->line++;
	return 0;
}

/* Take every complete line out of @s->buf; keep the rest. */
static int take_lines(struct bulwark_policy_session *s)
{
	char *start = s->buf, *end = s->buf + s->len, *nl;
	int err;

	while ((nl = memchr(start, '\n', end - start))) {
		*nl = '\0';
		err = take(s, start, nl - start);
		if (err)
			return err;
		start = nl + 1;
	}
	s->len = end - start;
	if (s->len > s->max_len) {
		pr_warn("%s: line %u: longer than %zu bytes\n", s->name,
			s->line, s->max_len);
		return -EINVAL;
	}
	memmove(s->buf, start, s->len);
	return 0;
}

/**
 * bulwark_policy_write - take the bytes of one write()
 * @s: the session
 * @ubuf: the bytes, in user space
 * @count: how many
 *
 * May sleep.
 *
 * Return: @count, or the session's error: that of this write, or that
 * of an earlier one.
 */
ssize_t bulwark_policy_write(struct bulwark_policy_session *s,
			     const char __user *ubuf, size_t count)
{
	size_t done = 0;
	int err;

	mutex_lock(&s->lock);
	err = s->error;
	while (!err && done < count) {
		/* Room for one line and its newline, no more. */
		size_t n = min(count - done, s->max_len + 1 - s->len);

		if (copy_from_user(s->buf + s->len, ubuf + done, n)) {
			err = -EFAULT;
			break;
		}
		s->len += n;
		done += n;
		err = take_lines(s);
	}
	if (err)
		err = fail(s, err);
	mutex_unlock(&s->lock);
	return err ? err : count;
}

/**
 * bulwark_policy_abort - spoil a session from outside
 * @s: the session
 * @err: the error, negative
 * @why: what happened, for the kernel log
 *
 * Logs @why and counts a reject, unless the session was spoilt already.
 *
 * Return: the session's first error.
 */
int bulwark_policy_abort(struct bulwark_policy_session *s, int err,
			 const char *why)
{
	mutex_lock(&s->lock);
	if (!s->error)
		pr_warn("%s: %s; nothing changes\n", s->name, why);
	err = fail(s, err);
	mutex_unlock(&s->lock);
	return err;
}

/**
 * bulwark_policy_finish - take the last line, even without a newline
 * @s: the session
 *
 * Called when a descriptor of the session is closed; a session may be
 * finished more than once, and written to in between.  May sleep.
 *
 * Return: 0, or the session's error.
 */
int bulwark_policy_finish(struct bulwark_policy_session *s)
{
	size_t len;
	int err;

	mutex_lock(&s->lock);
	err = s->error;
	if (!err && s->len) {
		len = s->len;
		s->len = 0;
		s->buf[len] = '\0';
		err = take(s, s->buf, len);
		if (err)
			err = fail(s, err);
	}
	mutex_unlock(&s->lock);
	return err;
}
