/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - the securityfs file "exempt": cgroups whose tasks are not
 * contained
 */

#ifndef _BULWARK_EXEMPT_H
#define _BULWARK_EXEMPT_H

#include <linux/rcupdate.h>
#include <linux/types.h>

/**
 * struct bulwark_exempt - an immutable list of exempt cgroup prefixes
 *
 * Built whole by a write session, published through an RCU pointer
 * under bulwark_config_mutex and never changed afterwards; readers use
 * it under rcu_read_lock() and it is freed a grace period after it was
 * replaced.
 */
struct bulwark_exempt {
	/**
	 * @rcu: frees the list after a grace period.
	 */
	struct rcu_head rcu;
	/**
	 * @gen: generation, different for every list ever published, so
	 * that verdicts computed with an older list are never used again.
	 */
	u64 gen;
	/**
	 * @count: number of prefixes.
	 */
	u32 count;
	/**
	 * @len: bytes used in @text.
	 */
	u32 len;
	/**
	 * @text: the prefixes, each NUL-terminated, in the order written.
	 * They start with '/' and end without one, except "/" itself.
	 */
	char text[];
};

const struct bulwark_exempt *bulwark_exempt_current(void);
bool bulwark_exempt_any(void);
bool bulwark_exempt_match(const struct bulwark_exempt *list, const char *path,
			  size_t len);
int bulwark_exempt_init(void);
void bulwark_exempt_exit(void);
void bulwark_exempt_free(void);

#endif /* _BULWARK_EXEMPT_H */
