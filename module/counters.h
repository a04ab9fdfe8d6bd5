/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - counters, published in /sys/kernel/bulwark/counters/
 */

#ifndef _BULWARK_COUNTERS_H
#define _BULWARK_COUNTERS_H

#include <linux/percpu.h>
#include <linux/types.h>

/* Monotonic event counters; the order is that of the sysfs files. */
enum bulwark_counter {
	BULWARK_EXEC_CHECKED,
	BULWARK_EXEC_HASHED,
	BULWARK_EXEC_HASH_BYTES,
	BULWARK_EXEC_CACHE_HITS,
	BULWARK_EXEC_BLOCKED,
	BULWARK_EXEC_AUDITED,
	BULWARK_EXEC_SKIPPED,
	BULWARK_KEYS_BLOCKED,
	BULWARK_KEYS_AUDITED,
	BULWARK_PERSIST_BLOCKED,
	BULWARK_PERSIST_AUDITED,
	BULWARK_ESCAPE_BLOCKED,
	BULWARK_ESCAPE_AUDITED,
	BULWARK_DRIFT_BLOCKED,
	BULWARK_DRIFT_AUDITED,
	BULWARK_POLICY_LOADS,
	BULWARK_POLICY_REJECTS,
	BULWARK_COUNTER_NR,
};

/**
 * struct bulwark_counters - one CPU's share of every counter
 *
 * Each CPU adds to its own copy with this_cpu_add(); a reader sums the
 * copies of all possible CPUs.  64-bit loads and stores do not tear on
 * the 64-bit architectures that bulwark supports.
 */
struct bulwark_counters {
	/**
	 * @val: the counts, indexed by enum bulwark_counter.
	 */
	u64 val[BULWARK_COUNTER_NR];
};

DECLARE_PER_CPU(struct bulwark_counters, bulwark_counters);

/**
 * bulwark_count_add - add to a counter
 * @counter: which counter
 * @n: how much
 */
static inline void bulwark_count_add(enum bulwark_counter counter, u64 n)
{
	this_cpu_add(bulwark_counters.val[counter], n);
}

/**
 * bulwark_count - count one event
 * @counter: which counter
 */
static inline void bulwark_count(enum bulwark_counter counter)
{
	this_cpu_inc(bulwark_counters.val[counter]);
}

void bulwark_gauge_set_entries(u64 entries);
int bulwark_sysfs_init(void);
void bulwark_sysfs_exit(void);

#endif /* _BULWARK_COUNTERS_H */
