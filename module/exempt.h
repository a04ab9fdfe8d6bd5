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

/* The list in force, NULL when empty; exempt.c publishes it. */
extern struct bulwark_exempt __rcu *bulwark_exempt_list;

/**
 * bulwark_exempt_current - the exempt list in force
 *
 * The caller holds rcu_read_lock(); the list stays valid until it drops
 * it.
 *
 * Return: the list, or NULL when no prefix is exempt.
 */
static inline const struct bulwark_exempt *bulwark_exempt_current(void)
{
	return rcu_dereference(bulwark_exempt_list);
}

/**
 * bulwark_exempt_any - is any prefix exempt?
 *
 * Only tests the pointer: no read-side section of RCU is needed.
 *
 * Return: true when an exempt list is in force.
 */
static inline bool bulwark_exempt_any(void)
{
	return rcu_access_pointer(bulwark_exempt_list);
}

bool bulwark_exempt_match(const struct bulwark_exempt *list, const char *path,
			  size_t len);
int bulwark_exempt_init(void);
void bulwark_exempt_exit(void);
void bulwark_exempt_free(void);

#endif /* _BULWARK_EXEMPT_H */
