/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - reporting decisions
 */

#ifndef _BULWARK_REPORT_H
#define _BULWARK_REPORT_H

#include <linux/path.h>
#include <linux/types.h>

/**
 * struct bulwark_event - one decision, as reported
 */
struct bulwark_event {
	/**
	 * @deny: the operation is denied; false for audit mode.
	 */
	bool deny;
	/**
	 * @op: the operation: "exec", "open", "truncate", "rename",
	 * "link", "symlink", "unlink", "setattr" or "ioctl".
	 */
	const char *op;
	/**
	 * @reason: the rule: "miner_hash" or "host_keys".
	 */
	const char *reason;
	/**
	 * @path: the file concerned, or NULL when unknown.
	 */
	const struct path *path;
	/**
	 * @name: when not NULL, @path is a directory and @name the name
	 * in it of the file concerned, which does not exist yet.
	 */
	const char *name;
	/**
	 * @sha256: the file's digest (32 bytes) for the exec rule, or NULL.
	 */
	const u8 *sha256;
	/**
	 * @label: the blocklist entry's label, or NULL.
	 */
	const char *label;
};

void bulwark_report(const struct bulwark_event *event);
void bulwark_report_skip(const struct path *path, int err);

#endif /* _BULWARK_REPORT_H */
