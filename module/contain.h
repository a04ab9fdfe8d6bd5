/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - which tasks are contained
 */

#ifndef _BULWARK_CONTAIN_H
#define _BULWARK_CONTAIN_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/user_namespace.h>

#include "config.h"
#include "exempt.h"

/* Room for a container id: 64 hex digits, or a name, and a NUL. */
#define BULWARK_CONTAINER_ID_LEN 72

/* A cgroup of the task matches a container pattern. */
#define BULWARK_VERDICT_CONTAINER BIT(0)
/* A cgroup of the task lies under an exempt prefix. */
#define BULWARK_VERDICT_EXEMPT BIT(1)
/* A verdict is known for the task's cgroups. */
#define BULWARK_VERDICT_KNOWN BIT(31)

/**
 * struct bulwark_fast_verdict - the last verdict a CPU found for a task
 *
 * For the want tests, which every host task's call meets: a verdict
 * holds for as long as the css_set it was found for holds the same
 * cgroups and the exempt list has not changed.  The css_set is compared
 * by address only, and may have been freed and its memory reused since;
 * the serial number of its v2 cgroup, which is never reused, tells.
 * Only css_sets whose controllers are all on the v2 hierarchy are kept,
 * whose cgroups that serial number names whole.
 */
struct bulwark_fast_verdict {
	/**
	 * @cset: the css_set, by address.
	 */
	const struct css_set *cset;
	/**
	 * @serial: the serial number of its v2 cgroup.
	 */
	u64 serial;
	/**
	 * @epoch: bulwark_contain_epoch when the verdict was looked up.
	 */
	long epoch;
	/**
	 * @flags: the verdict, with BULWARK_VERDICT_KNOWN; 0 for none.
	 */
	u32 flags;
	/**
	 * @dfl_mask: the controllers on the v2 hierarchy, all of the
	 * css_set's then.
	 */
	unsigned int dfl_mask;
};

DECLARE_PER_CPU(struct bulwark_fast_verdict, bulwark_fast_verdict);

/* Changes whenever verdicts found before may no longer hold. */
extern atomic_long_t bulwark_contain_epoch;

/* The current task runs in a pid or user namespace of its own. */
static __always_inline bool bulwark_current_in_child_ns(void)
{
	return task_pid(current)->level != 0 ||
	       current_user_ns() != &init_user_ns;
}

/*
 * The current task's verdict as its CPU last found it, or 0: the want
 * tests' common case, inline, with no call.  It takes no
 * rcu_read_lock(): preemption off makes it an RCU reader (every flavour
 * of RCU is one), and the css_set and its cgroups are freed a grace
 * period after they are let go.
 *
 * The verdict may depend on v1 cgroups, which the key does not hold:
 * it is stored only for a css_set whose controllers were all on v2.
 * While the set of controllers on v2 is the same as then, no controller
 * can have been bound to a v1 hierarchy since (a controller is on one
 * hierarchy at a time), so that the css_set now at that address has all
 * its controllers on v2 too: one comparison instead of a walk of every
 * controller.
 */
static __always_inline u32 bulwark_fast_verdict_lookup(void)
{
	const struct css_set *cset;
	u32 flags = 0;

	preempt_disable_notrace();
	cset = task_css_set(current);
	if (__this_cpu_read(bulwark_fast_verdict.cset) == cset &&
	    __this_cpu_read(bulwark_fast_verdict.epoch) ==
	    atomic_long_read(&bulwark_contain_epoch) &&
	    __this_cpu_read(bulwark_fast_verdict.serial) ==
	    cset->dfl_cgrp->self.serial_nr &&
	    __this_cpu_read(bulwark_fast_verdict.dfl_mask) ==
	    READ_ONCE(cgrp_dfl_root.subsys_mask))
		flags = __this_cpu_read(bulwark_fast_verdict.flags);
	preempt_enable_notrace();
	return flags;
}

/**
 * bulwark_current_host_cached - is the current task one no rule judges?
 * @max_scope: the widest scope of the rules asking: BULWARK_SCOPE_ALL
 *	for the miner rule, BULWARK_SCOPE_NS for the others, which scope 2
 *	does not extend to host tasks
 *
 * The answer every host task's call gets, inline: a task of the
 * initial namespaces whose CPU last found its cgroups to be the host's,
 * and not exempt, costs a few loads and no call.  Holds in every mode.
 *
 * Return: true when the current task is certainly not contained; false
 * when only a closer look can tell.
 */
static __always_inline bool bulwark_current_host_cached(int max_scope)
{
	/*
	 * Not min(READ_ONCE(), ...): on 5.10 its temporary is volatile,
	 * kept on the stack and read again for each use.
	 */
	int scope = READ_ONCE(bulwark_scope);

	if (scope > max_scope)
		scope = max_scope;
	if (scope == BULWARK_SCOPE_ALL ||
	    (scope >= BULWARK_SCOPE_NS && bulwark_current_in_child_ns()))
		return false;
	return bulwark_fast_verdict_lookup() == BULWARK_VERDICT_KNOWN;
}

int bulwark_current_contained_cached_slow(int max_scope);

/**
 * bulwark_current_contained_cached - does a rule apply, as far as cached?
 * @max_scope: as for bulwark_current_host_cached()
 *
 * For the hooks' "want" tests, in atomic context: it only looks at
 * cached verdicts, and tells a task known to be contained from one
 * whose cgroups have no cached verdict yet.  A host task's answer is
 * bulwark_current_host_cached()'s, inline; any other case is left to
 * bulwark_current_contained_cached_slow().
 *
 * Return: 1 when the rule applies to the current task, 0 when it does
 * not, -1 when only bulwark_current_contained() can tell.
 */
static __always_inline int bulwark_current_contained_cached(int max_scope)
{
	if (bulwark_current_host_cached(max_scope))
		return 0;
	return bulwark_current_contained_cached_slow(max_scope);
}

/**
 * bulwark_current_maybe_contained - might a rule apply to the current task?
 * @max_scope: as for bulwark_current_contained_cached()
 *
 * As bulwark_current_contained_cached(), answering true when no verdict
 * is cached: the handler must then ask bulwark_current_contained().
 *
 * Return: false when the rule certainly does not apply to the task.
 */
static __always_inline bool bulwark_current_maybe_contained(int max_scope)
{
	return bulwark_current_contained_cached(max_scope) != 0;
}

bool bulwark_current_contained(int max_scope);
bool bulwark_current_contained_atomic(int max_scope);
bool bulwark_task_contained_atomic(struct task_struct *task);
struct cgroup *bulwark_container_root(struct cgroup *own,
				      struct cgroup *ns_root, char *buf);
void bulwark_container_id_atomic(char *buf, size_t len);
bool bulwark_cgroup_exempt(struct cgroup *cgrp, char *buf);
void bulwark_container_id(char *buf, size_t len);
bool bulwark_current_in_container(void);
void bulwark_contain_flush(void);
int bulwark_contain_init(void);
void bulwark_contain_exit(void);

#endif /* _BULWARK_CONTAIN_H */
