// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - which tasks are contained
 *
 * The rules apply to contained tasks only.  A task is contained when
 * its cgroup on the v2 hierarchy or on any v1 hierarchy with controllers
 * is a container's (cgpath.c has the patterns) or, with scope >= 1, when
 * it runs in a pid or user namespace other than the initial one; scope
 * 2 takes in every task, for the miner rule only: each rule says how far
 * it reaches, and the others stop at scope 1.  In every scope, a task
 * whose cgroup on some hierarchy lies under a prefix of the "exempt"
 * file is not contained.
 *
 * A task's cgroups are those of its css_set: the v2 cgroup, and for
 * each controller bound to a v1 hierarchy its cgroup there.  Their
 * serial numbers, with the generation of the exempt list, key a verdict
 * cache; a task that moves gets another css_set and so another key, and
 * a changed exempt list another generation.  A lookup costs the same
 * however many containers there are.
 *
 * Two contexts ask.  The hooks' "want" tests run in the ftrace callback
 * with preemption off, where nothing may sleep; on PREEMPT_RT that rules
 * out spinlock_t and rwlock_t (they sleep there) and memory allocation.
 * They only look the verdict up (bulwark_current_maybe_contained(),
 * inline: first the record of the last verdict their CPU found, which
 * a host task's call meets, then the cache); on a miss they let the
 * call through to its handler, which asks again where it may sleep
 * (bulwark_current_contained()).  Only that second kind classifies: it
 * builds the cgroups' paths with kernfs_path_from_node(), which takes
 * kernfs's rename lock, into a buffer of its own, and adds the verdict
 * to the cache.
 *
 * Lifetime: a cgroup's serial number (cgroup->self.serial_nr) is unique
 * across all hierarchies and never reused, unlike its kernfs id, which a
 * v1 hierarchy mounted anew hands out again; only root cgroups share
 * serial number 0, and their path is always "/".  So a cached verdict
 * never goes wrong; it only becomes unreachable once its cgroups go
 * away.  The cache is therefore bounded: once it holds CACHE_MAX
 * verdicts, a work item replaces it with an empty one and frees the old
 * one after a grace period.  Lookups run under rcu_read_lock().
 *
 * Limits: v1 hierarchies without a controller, such as systemd's
 * "name=systemd", are not examined: a css_set links to them only
 * through a list that is freed without waiting for readers, and the
 * lock that guards it is not exported.  Container runtimes place their
 * containers in the controller hierarchies too.
 */

#include "common.h"

#include <linux/bits.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/kernfs.h>
#include <linux/limits.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/user_namespace.h>
#include <linux/workqueue.h>

#include "cgpath.h"
#include "config.h"
#include "contain.h"
#include "exempt.h"

/* Verdicts cached before the cache starts over. */
#define CACHE_MAX 4096
/* Hierarchies in a key: the v2 one, then one slot per controller. */
#define NR_HIER (1 + CGROUP_SUBSYS_COUNT)

#define VERDICT_CONTAINER BULWARK_VERDICT_CONTAINER
#define VERDICT_EXEMPT BULWARK_VERDICT_EXEMPT
#define VERDICT_KNOWN BULWARK_VERDICT_KNOWN

/**
 * struct verdict_key - what a verdict depends on
 *
 * Compared whole, so always zeroed before it is filled.
 */
struct verdict_key {
	/**
	 * @gen: generation of the exempt list, 0 for none.
	 */
	u64 gen;
	/**
	 * @serial: serial number of the v2 cgroup, then for each
	 * controller that of its cgroup if the controller is on a v1
	 * hierarchy, else 0.
	 */
	u64 serial[NR_HIER];
};

/**
 * struct verdict - the classification of one set of cgroups
 */
struct verdict {
	/**
	 * @node: link in the cache's table.
	 */
	struct rhash_head node;
	/**
	 * @key: the cgroups and exempt list classified.
	 */
	struct verdict_key key;
	/**
	 * @flags: VERDICT_CONTAINER, VERDICT_EXEMPT.
	 */
	u32 flags;
	/**
	 * @id: the container's id, empty without VERDICT_CONTAINER.
	 */
	char id[BULWARK_CONTAINER_ID_LEN];
};

/**
 * struct verdict_cache - cached verdicts
 *
 * Verdicts are added under RCU by tasks that may sleep, and never
 * removed one by one; the whole cache is freed a grace period after it was
 * replaced.
 */
struct verdict_cache {
	/**
	 * @table: the verdicts, by key.
	 */
	struct rhashtable table;
	/**
	 * @count: verdicts in @table, or about to be.
	 */
	atomic_t count;
	/**
	 * @seq: which cache this is, never reused (unlike its address).
	 */
	u64 seq;
};

static atomic64_t cache_seq = ATOMIC64_INIT(0);

static const struct rhashtable_params verdict_params = {
	.key_len = sizeof(struct verdict_key),
	.key_offset = offsetof(struct verdict, key),
	.head_offset = offsetof(struct verdict, node),
	.nelem_hint = 64,
};

/*
 * The cache in force: read under RCU, replaced under cache_mutex, NULL
 * once the module goes away.
 */
static struct verdict_cache __rcu *cache;
/* Serialises replacing the cache. */
static DEFINE_MUTEX(cache_mutex);

static void flush_cache(struct work_struct *work);
static DECLARE_WORK(cache_flush_work, flush_cache);

/*
 * @task runs in a pid or user namespace of its own.  Called under RCU
 * for a task other than the current one.
 */
static __always_inline bool in_child_namespace(struct task_struct *task)
{
	struct pid *pid;

	if (task == current)
		return bulwark_current_in_child_ns();
	/* A task already reaped has no pid left: it counts as a child's. */
	pid = task_pid(task);
	return !pid || pid->level != 0 ||
	       __task_cred(task)->user_ns != &init_user_ns;
}

static struct verdict_cache *cache_alloc(void)
{
	struct verdict_cache *c;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	if (rhashtable_init(&c->table, &verdict_params)) {
		kfree(c);
		return NULL;
	}
	c->seq = atomic64_inc_return(&cache_seq);
	return c;
}

static void free_verdict(void *ptr, void *arg)
{
	kfree(ptr);
}

static void cache_free(struct verdict_cache *c)
{
	if (!c)
		return;
	rhashtable_free_and_destroy(&c->table, free_verdict, NULL);
	kfree(c);
}

/* Replace a full or outdated cache by an empty one. */
static void flush_cache(struct work_struct *work)
{
	struct verdict_cache *old, *new;

	new = cache_alloc();
	if (!new)
		return;
	mutex_lock(&cache_mutex);
	old = rcu_dereference_protected(cache, lockdep_is_held(&cache_mutex));
	if (old)
		rcu_assign_pointer(cache, new);
	mutex_unlock(&cache_mutex);
	if (!old) {
		/* The module is going away. */
		cache_free(new);
		return;
	}
	synchronize_rcu();
	cache_free(old);
}

/*
 * The cgroups of @cset: [0] on the v2 hierarchy, [1 + ssid] the
 * controller's on a v1 hierarchy or NULL.  Called under RCU; the
 * cgroups stay valid until rcu_read_unlock().
 */
static void cset_cgroups(const struct css_set *cset, struct verdict_key *key,
			 struct cgroup **cgrp)
{
	int i;

	cgrp[0] = cset->dfl_cgrp;
	key->serial[0] = cgrp[0]->self.serial_nr;
	for (i = 0; i < CGROUP_SUBSYS_COUNT; i++) {
		struct cgroup_subsys_state *css = cset->subsys[i];
		struct cgroup *cg = css ? css->cgroup : NULL;

		if (!cg || cg->root == &cgrp_dfl_root) {
			cgrp[1 + i] = NULL;
			continue;
		}
		cgrp[1 + i] = cg;
		key->serial[1 + i] = cg->self.serial_nr;
	}
}

/*
 * Classify the cgroups @cgrp against the patterns and the list @ex,
 * with @buf (PATH_MAX bytes) to build their paths in.  Called under
 * RCU, where the task may be preempted but not sleep, except on
 * PREEMPT_RT, whose RCU readers may block on the rename lock.
 */
static void classify(struct cgroup *const *cgrp,
		     const struct bulwark_exempt *ex, struct verdict *v,
		     char *buf)
{
	bool truncated;
	char *slash;
	int i, j, len;

	v->flags = 0;
	v->id[0] = '\0';
	for (i = 0; i < NR_HIER; i++) {
		if (!cgrp[i])
			continue;
		/* Controllers mounted together share a hierarchy. */
		for (j = 1; j < i && cgrp[j] != cgrp[i]; j++)
			;
		if (j < i)
			continue;
		len = kernfs_path_from_node(cgrp[i]->kn, NULL, buf, PATH_MAX);
		if (len < 0)
			continue;
		/* Judge a path too long for the buffer by its whole names. */
		truncated = len >= PATH_MAX - 1;
		if (truncated) {
			slash = strrchr(buf, '/');
			len = slash ? slash - buf : 0;
		}
		if (!(v->flags & VERDICT_CONTAINER) &&
		    bulwark_cgpath_classify(buf, len, v->id, sizeof(v->id)))
			v->flags |= VERDICT_CONTAINER;
		if (!truncated && bulwark_exempt_match(ex, buf, len))
			v->flags |= VERDICT_EXEMPT;
	}
}

/*
 * Cache @v, which the cache then owns; best effort.  Called under RCU.
 * Return: true if the cache took @v.
 */
static bool cache_add(struct verdict_cache *c, struct verdict *v)
{
	if (atomic_inc_return(&c->count) > CACHE_MAX) {
		atomic_dec(&c->count);
		schedule_work(&cache_flush_work);
		return false;
	}
	if (rhashtable_lookup_insert_fast(&c->table, &v->node,
					  verdict_params)) {
		atomic_dec(&c->count);
		return false;
	}
	return true;
}

/*
 * The cached verdict on the cgroups of @cset: its flags with
 * VERDICT_KNOWN, or 0 when the cache has none.  Copies the container's
 * id to @id if @id is not NULL.  Called under RCU; safe in atomic
 * context on every kernel: no lock, no allocation.
 */
static u32 cset_cached_verdict(const struct css_set *cset, char *id,
			       size_t len)
{
	struct cgroup *cgrp[NR_HIER];
	const struct bulwark_exempt *ex;
	struct verdict_cache *c;
	struct verdict_key key;
	struct verdict *found;
	u32 flags = 0;

	memset(&key, 0, sizeof(key));
	ex = bulwark_exempt_current();
	key.gen = ex ? ex->gen : 0;
	cset_cgroups(cset, &key, cgrp);
	c = rcu_dereference(cache);
	found = c ? rhashtable_lookup(&c->table, &key, verdict_params) : NULL;
	if (found) {
		flags = found->flags | VERDICT_KNOWN;
		if (id)
			strscpy(id, found->id, len);
	}
	return flags;
}

/* As cset_cached_verdict(), for @task's css_set. */
static u32 task_cached_verdict(struct task_struct *task, char *id, size_t len)
{
	u32 flags;

	rcu_read_lock();
	flags = cset_cached_verdict(task_css_set(task), id, len);
	rcu_read_unlock();
	return flags;
}

DEFINE_PER_CPU(struct bulwark_fast_verdict, bulwark_fast_verdict);

/* Starts at 1: a CPU's record, zeroed, matches no epoch. */
atomic_long_t bulwark_contain_epoch = ATOMIC_LONG_INIT(1);

/* Every controller of @cset is on the v2 hierarchy (or on none). */
static bool cset_v2_only(const struct css_set *cset)
{
	int i;

	for (i = 0; i < CGROUP_SUBSYS_COUNT; i++) {
		const struct cgroup_subsys_state *css = cset->subsys[i];

		if (css && css->cgroup->root != &cgrp_dfl_root)
			return false;
	}
	return true;
}

/*
 * The current task's cached verdict, remembered by its CPU when the
 * task's css_set allows: cached_verdict() when the CPU has not found
 * the task's yet.
 */
static u32 slow_cached_verdict(void)
{
	const struct css_set *cset;
	unsigned int dfl_mask;
	u32 flags;
	long epoch;

	epoch = atomic_long_read(&bulwark_contain_epoch);
	dfl_mask = READ_ONCE(cgrp_dfl_root.subsys_mask);
	/*
	 * The epoch is read before the exempt list (the list is published
	 * before the epoch moves on), and the mask before the css_set's
	 * controllers, so that either changing meanwhile makes the record
	 * stale rather than wrong.
	 */
	smp_rmb();
	rcu_read_lock();
	cset = task_css_set(current);
	flags = cset_cached_verdict(cset, NULL, 0);
	if (flags && cset_v2_only(cset)) {
		preempt_disable();
		__this_cpu_write(bulwark_fast_verdict.cset, cset);
		__this_cpu_write(bulwark_fast_verdict.serial,
				 cset->dfl_cgrp->self.serial_nr);
		__this_cpu_write(bulwark_fast_verdict.epoch, epoch);
		__this_cpu_write(bulwark_fast_verdict.dfl_mask, dfl_mask);
		__this_cpu_write(bulwark_fast_verdict.flags, flags);
		preempt_enable();
	}
	rcu_read_unlock();
	return flags;
}

/*
 * The verdict on @task's cgroups, classifying them and caching the
 * verdict on a miss, with allocations of @gfp.  May sleep unless @gfp
 * is GFP_ATOMIC: kernfs_path_from_node() takes a spinning lock, with
 * interrupts off, everywhere but on PREEMPT_RT, where the atomic callers
 * hold sleeping spinlocks themselves.  If memory runs out, the task is
 * judged as @oom_flags say: a container's (VERDICT_CONTAINER) for the
 * task a rule applies to, so that the rule applies rather than lapses,
 * and the host's (0) for the task another one reaches for.
 */
static u32 task_verdict(struct task_struct *task, char *id, size_t len,
			gfp_t gfp, u32 oom_flags)
{
	struct cgroup *cgrp[NR_HIER];
	const struct bulwark_exempt *ex;
	struct verdict_cache *c;
	struct verdict *v;
	char *buf;
	u32 flags;

	flags = task_cached_verdict(task, id, len);
	if (flags)
		return flags;

	v = kzalloc(sizeof(*v), gfp);
	buf = kmalloc(PATH_MAX, gfp);
	if (!v || !buf) {
		kfree(buf);
		kfree(v);
		if (id)
			strscpy(id, "-", len);
		return oom_flags;
	}
	rcu_read_lock();
	ex = bulwark_exempt_current();
	v->key.gen = ex ? ex->gen : 0;
	cset_cgroups(task_css_set(task), &v->key, cgrp);
	classify(cgrp, ex, v, buf);
	flags = v->flags | VERDICT_KNOWN;
	if (id)
		strscpy(id, v->id, len);
	c = rcu_dereference(cache);
	if (c && cache_add(c, v))
		v = NULL;
	rcu_read_unlock();
	kfree(buf);
	kfree(v);
	return flags;
}

static u32 current_verdict(char *id, size_t len)
{
	might_sleep();
	return task_verdict(current, id, len, GFP_KERNEL, VERDICT_CONTAINER);
}

static u32 current_verdict_atomic(char *id, size_t len)
{
	return task_verdict(current, id, len, GFP_ATOMIC, VERDICT_CONTAINER);
}

/*
 * Whether a rule that reaches as far as @max_scope applies to the current
 * task, with @ask, current_verdict() or current_verdict_atomic(), for
 * the verdict when it is needed.  A verdict of 0 (none cached) counts
 * as contained.
 */
static __always_inline bool contained(u32 (*ask)(char *id, size_t len),
				      int max_scope)
{
	int scope = min(READ_ONCE(bulwark_scope), max_scope);
	u32 flags;

	if (scope == BULWARK_SCOPE_ALL ||
	    (scope >= BULWARK_SCOPE_NS && in_child_namespace(current))) {
		if (!bulwark_exempt_any())
			return true;
		flags = ask(NULL, 0);
		return !flags || !(flags & VERDICT_EXEMPT);
	}
	flags = ask(NULL, 0);
	return !flags || (flags & (VERDICT_CONTAINER | VERDICT_EXEMPT)) ==
			 VERDICT_CONTAINER;
}

/*
 * The current task's cached verdict (0 for none), first as its CPU last
 * found it.
 */
static u32 cached_verdict(void)
{
	u32 flags = bulwark_fast_verdict_lookup();

	return flags ? flags : slow_cached_verdict();
}

/**
 * bulwark_current_contained_cached_slow - the rest of
 *	bulwark_current_contained_cached()
 * @max_scope: as for bulwark_current_contained_cached()
 *
 * Out of line, for the cases its inline part does not answer.
 *
 * Return: as bulwark_current_contained_cached().
 */
int bulwark_current_contained_cached_slow(int max_scope)
{
	int scope = min(READ_ONCE(bulwark_scope), max_scope);
	u32 flags;

	if (scope == BULWARK_SCOPE_ALL ||
	    (scope >= BULWARK_SCOPE_NS && in_child_namespace(current))) {
		if (!bulwark_exempt_any())
			return 1;
		flags = cached_verdict();
		if (!flags)
			return -1;
		return !(flags & VERDICT_EXEMPT);
	}
	flags = cached_verdict();
	if (!flags)
		return -1;
	return (flags & (VERDICT_CONTAINER | VERDICT_EXEMPT)) ==
	       VERDICT_CONTAINER;
}

/**
 * bulwark_current_contained - does a rule apply to the current task?
 * @max_scope: as for bulwark_current_maybe_contained()
 *
 * Follows the scope setting, up to @max_scope, and the exempt list; the
 * cheapest tests come first.  May sleep: it classifies the task's
 * cgroups when no verdict is cached.
 *
 * Return: true when the current task is subject to the rule.
 */
bool bulwark_current_contained(int max_scope)
{
	might_sleep();
	return contained(current_verdict, max_scope);
}

/**
 * bulwark_current_contained_atomic - bulwark_current_contained(), atomic
 * @max_scope: as for bulwark_current_maybe_contained()
 *
 * For handlers that run under a spinlock: on a cache miss it classifies
 * with GFP_ATOMIC allocations, and judges the task contained if they
 * fail.
 *
 * Return: true when the current task is subject to the rule.
 */
bool bulwark_current_contained_atomic(int max_scope)
{
	return contained(current_verdict_atomic, max_scope);
}

/**
 * bulwark_task_contained_atomic - is another task subject to the rules?
 * @task: the task, alive for the call (its caller holds its task_lock()
 *	or a reference)
 *
 * As bulwark_current_contained_atomic() at scope 1 or below, for @task:
 * the test of who is the host when a contained task reaches for another
 * task.  Any context.
 *
 * Return: true when @task is contained.
 */
bool bulwark_task_contained_atomic(struct task_struct *task)
{
	int scope = min(READ_ONCE(bulwark_scope), BULWARK_SCOPE_NS);
	bool child_ns;
	u32 flags;

	rcu_read_lock();
	child_ns = in_child_namespace(task);
	rcu_read_unlock();
	if (scope >= BULWARK_SCOPE_NS && child_ns) {
		if (!bulwark_exempt_any())
			return true;
		flags = task_verdict(task, NULL, 0, GFP_ATOMIC,
				     VERDICT_EXEMPT | VERDICT_KNOWN);
		return !(flags & VERDICT_EXEMPT);
	}
	flags = task_verdict(task, NULL, 0, GFP_ATOMIC, 0);
	return (flags & (VERDICT_CONTAINER | VERDICT_EXEMPT)) ==
	       VERDICT_CONTAINER;
}

/**
 * bulwark_container_root - the cgroup that bounds a contained task's moves
 * @own: the current task's cgroup on some hierarchy
 * @ns_root: the root of the current task's cgroup namespace there
 * @buf: PATH_MAX bytes to build paths in
 *
 * The outermost cgroup, from @own up, whose path a container pattern
 * matches with the same container id as @own's.  A task in no
 * container's cgroup (contained by its namespaces) is bounded by the
 * root of its cgroup namespace when that is not the hierarchy's root,
 * and else not at all: every task it can name in its pid namespace
 * stays contained by that namespace wherever it moves, and cgroup
 * delegation keeps a task of a child user namespace to the subtree it
 * was given (rootless runtimes move their containers within it).
 * Called under rcu_read_lock(); takes kernfs's rename lock, as
 * classify() does.
 *
 * Return: @own or one of its ancestors, or NULL for no bound.
 */
struct cgroup *bulwark_container_root(struct cgroup *own,
				      struct cgroup *ns_root, char *buf)
{
	char id[BULWARK_CONTAINER_ID_LEN], up_id[BULWARK_CONTAINER_ID_LEN];
	struct cgroup *root = own, *up;
	int len;

	len = kernfs_path_from_node(own->kn, NULL, buf, PATH_MAX);
	/* A path too deep to name: no move out of its own subtree. */
	if (len < 0 || len >= PATH_MAX - 1)
		return own;
	if (!bulwark_cgpath_classify(buf, len, id, sizeof(id))) {
		if (cgroup_parent(ns_root))
			return ns_root;
		/*
		 * In a container's cgroup on another hierarchy (a v1
		 * hierarchy it mounted itself, say): bounded by its own.
		 */
		if (current_verdict_atomic(NULL, 0) & VERDICT_CONTAINER)
			return own;
		return NULL;
	}
	for (up = cgroup_parent(own); up; up = cgroup_parent(up)) {
		len = kernfs_path_from_node(up->kn, NULL, buf, PATH_MAX);
		if (len < 0 || len >= PATH_MAX - 1 ||
		    !bulwark_cgpath_classify(buf, len, up_id, sizeof(up_id)) ||
		    strcmp(id, up_id))
			break;
		root = up;
	}
	return root;
}

/**
 * bulwark_cgroup_exempt - does @cgrp lie under an exempt prefix?
 * @cgrp: a cgroup
 * @buf: PATH_MAX bytes to build its path in
 *
 * Called under rcu_read_lock().
 *
 * Return: true when a task there would be exempt.
 */
bool bulwark_cgroup_exempt(struct cgroup *cgrp, char *buf)
{
	const struct bulwark_exempt *ex = bulwark_exempt_current();
	int len;

	if (!ex)
		return false;
	len = kernfs_path_from_node(cgrp->kn, NULL, buf, PATH_MAX);
	return len >= 0 && len < PATH_MAX - 1 &&
	       bulwark_exempt_match(ex, buf, len);
}

/**
 * bulwark_container_id_atomic - bulwark_container_id(), for atomic context
 * @buf: where to write the id
 * @len: size of @buf, at least 2
 */
void bulwark_container_id_atomic(char *buf, size_t len)
{
	if (!(current_verdict_atomic(buf, len) & VERDICT_CONTAINER) || !buf[0])
		strscpy(buf, "-", len);
}

/**
 * bulwark_current_in_container - is the current task in a container?
 *
 * The test for who may configure bulwark.  It ignores scope and the
 * exempt list: a task in a child pid or user namespace, or in a
 * container's cgroup, is in a container even when scope 0 or an exempt
 * prefix keeps the rules off it, and scope 2 does not turn the host's
 * administrator into a container.
 *
 * May sleep.
 *
 * Return: true when the current task runs in a container.
 */
bool bulwark_current_in_container(void)
{
	return in_child_namespace(current) ||
	       (current_verdict(NULL, 0) & VERDICT_CONTAINER);
}

/**
 * bulwark_container_id - name the current task's container for reports
 * @buf: where to write the id
 * @len: size of @buf, at least 2
 *
 * Writes the container's id: 64 hex digits, or the name of an LXC or
 * nspawn container; the outermost container's when they nest.  Writes
 * "-" when no cgroup of the task is a container's.  May sleep.
 */
void bulwark_container_id(char *buf, size_t len)
{
	if (!(current_verdict(buf, len) & VERDICT_CONTAINER) || !buf[0])
		strscpy(buf, "-", len);
}

/**
 * bulwark_contain_flush - forget the cached verdicts
 *
 * Called once the exempt list changed: the CPUs' records of the last
 * verdict stop holding at once, and the cache, whose verdicts are keyed
 * by the list's generation and stay correct, gives its memory back a
 * little later.  Safe in any context.
 */
void bulwark_contain_flush(void)
{
	/* The list was published before: see slow_cached_verdict(). */
	smp_mb__before_atomic();
	atomic_long_inc(&bulwark_contain_epoch);
	schedule_work(&cache_flush_work);
}

/**
 * bulwark_contain_init - set up the verdict cache
 *
 * Return: 0 on success or -ENOMEM.
 */
int bulwark_contain_init(void)
{
	struct verdict_cache *c;

	c = cache_alloc();
	if (!c)
		return -ENOMEM;
	rcu_assign_pointer(cache, c);
	return 0;
}

/**
 * bulwark_contain_exit - free the verdict cache
 *
 * Runs last, once nothing can ask for a verdict any more.
 */
void bulwark_contain_exit(void)
{
	struct verdict_cache *c;

	mutex_lock(&cache_mutex);
	c = rcu_replace_pointer(cache, NULL, lockdep_is_held(&cache_mutex));
	mutex_unlock(&cache_mutex);
	/* No reader can schedule the work after this, and it does nothing. */
	synchronize_rcu();
	cancel_work_sync(&cache_flush_work);
	cache_free(c);
}
