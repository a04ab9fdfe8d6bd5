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
	 * @op: the operation: "exec", "mmap", "mprotect", "open",
	 * "truncate", "rename", "link", "symlink", "unlink", "setattr",
	 * "ioctl", or an escape op: "module_load", "module_unload", "kexec", "knob", "rawdev",
	 * "cgroup_move", "setns", "connect", "ptrace".
	 */
	const char *op;
	/**
	 * @reason: the rule: "miner_hash", "miner_unhashed", "host_keys",
	 * "host_persist", "host_escape" or "drift".
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
	/**
	 * @text: what the decision is about when it is not a file of
	 * @path (a namespace, a cgroup), printed as the path; NULL for
	 * "-" when @path is NULL too.
	 */
	const char *text;
	/**
	 * @target: the pid, in the initial pid namespace, of the task
	 * acted on (ptrace), or 0.
	 */
	pid_t target;
	/**
	 * @module: the kernel module's name, or NULL.
	 */
	const char *module;
	/**
	 * @error: why a file was not hashed (reason "miner_unhashed"): a
	 * negative errno; 0 for none.
	 */
	int error;
	/**
	 * @atomic: the caller holds a spinning lock; reporting must not
	 * sleep.
	 */
	bool atomic;
};

void bulwark_report(const struct bulwark_event *event);

#endif /* _BULWARK_REPORT_H */
