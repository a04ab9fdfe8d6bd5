/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - the write session shared by the policy files of securityfs
 */

#ifndef _BULWARK_POLICYFS_H
#define _BULWARK_POLICYFS_H

#include <linux/compiler.h>
#include <linux/mutex.h>
#include <linux/types.h>

/**
 * typedef bulwark_policy_line_t - takes one complete line of a session
 * @priv: the session's @priv
 * @line: the line without its newline, NUL-terminated at @len; it may
 *	hold NUL bytes of its own, and may be changed in place
 * @len: bytes in @line
 * @why: set to what is wrong with the line when it is refused
 *
 * Return: 0, or a negative errno; the session is then spoilt.
 */
typedef int (*bulwark_policy_line_t)(void *priv, char *line, size_t len,
				     const char **why);

/**
 * struct bulwark_policy_session - lines written to a policy file
 *
 * One per open file, from open to release.  Lines may be split across
 * write() calls; each is handed to @take as soon as it is complete, and
 * a last line without a newline when bulwark_policy_finish() is called.
 * The first error spoils the session: every later write fails with it,
 * and the caller commits nothing.
 */
struct bulwark_policy_session {
	/**
	 * @lock: serialises the writes and finishes of one open file and
	 * protects every field below; the first four are set at init and
	 * then only read.
	 */
	struct mutex lock;
	/**
	 * @name: the file's name, for the kernel log.
	 */
	const char *name;
	/**
	 * @max_len: the longest line accepted, without its newline.
	 */
	size_t max_len;
	/**
	 * @take: called with every complete line.
	 */
	bulwark_policy_line_t take;
	/**
	 * @priv: passed to @take.
	 */
	void *priv;
	/**
	 * @buf: the line not yet complete, @max_len + 1 bytes.
	 */
	char *buf;
	/**
	 * @len: bytes in @buf.
	 */
	size_t len;
	/**
	 * @line: number of the line in @buf, from 1.
	 */
	unsigned int line;
	/**
	 * @error: the first error, 0 while there is none.
	 */
	int error;
};

int bulwark_policy_init(struct bulwark_policy_session *s, const char *name,
			size_t max_len, bulwark_policy_line_t take, void *priv);
void bulwark_policy_destroy(struct bulwark_policy_session *s);
ssize_t bulwark_policy_write(struct bulwark_policy_session *s,
			     const char __user *ubuf, size_t count);
int bulwark_policy_abort(struct bulwark_policy_session *s, int err,
			 const char *why);
int bulwark_policy_finish(struct bulwark_policy_session *s);

#endif /* _BULWARK_POLICYFS_H */
