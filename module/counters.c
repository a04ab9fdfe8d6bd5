// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - counters, published in /sys/kernel/bulwark/
 *
 * /sys/kernel/bulwark/version holds the module's version and
 * /sys/kernel/bulwark/counters/ one file per counter, each a single
 * unsigned 64-bit decimal, as node_exporter's textfile collector and
 * scrapers expect.
 */

#include "common.h"

#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "counters.h"

DEFINE_PER_CPU(struct bulwark_counters, bulwark_counters);

/* Entries on the blocklist now; written under the policy's mutex. */
static u64 blocklist_entries;

static struct kobject *bulwark_kobj;

/**
 * bulwark_gauge_set_entries - publish the size of the blocklist
 * @entries: number of hashes on the blocklist in force
 */
void bulwark_gauge_set_entries(u64 entries)
{
	WRITE_ONCE(blocklist_entries, entries);
}

static u64 counter_sum(enum bulwark_counter counter)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(bulwark_counters, cpu).val[counter]);
	return sum;
}

/**
 * struct counter_attribute - a sysfs file showing one counter
 */
struct counter_attribute {
	/**
	 * @attr: the sysfs attribute.
	 */
	struct kobj_attribute attr;
	/**
	 * @counter: the counter it shows.
	 */
	enum bulwark_counter counter;
};

static ssize_t counter_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct counter_attribute *ca =
		container_of(attr, struct counter_attribute, attr);

	return sysfs_emit(buf, "%llu\n", counter_sum(ca->counter));
}

#define COUNTER_ATTR(_name, _counter)					\
	static struct counter_attribute _name##_attr = {		\
		.attr = __ATTR(_name, 0444, counter_show, NULL),	\
		.counter = _counter,					\
	}

COUNTER_ATTR(exec_checked, BULWARK_EXEC_CHECKED);
COUNTER_ATTR(exec_hashed, BULWARK_EXEC_HASHED);
COUNTER_ATTR(exec_hash_bytes, BULWARK_EXEC_HASH_BYTES);
COUNTER_ATTR(exec_cache_hits, BULWARK_EXEC_CACHE_HITS);
COUNTER_ATTR(exec_blocked, BULWARK_EXEC_BLOCKED);
COUNTER_ATTR(exec_audited, BULWARK_EXEC_AUDITED);
COUNTER_ATTR(exec_skipped, BULWARK_EXEC_SKIPPED);
COUNTER_ATTR(keys_blocked, BULWARK_KEYS_BLOCKED);
COUNTER_ATTR(keys_audited, BULWARK_KEYS_AUDITED);
COUNTER_ATTR(persist_blocked, BULWARK_PERSIST_BLOCKED);
COUNTER_ATTR(persist_audited, BULWARK_PERSIST_AUDITED);
COUNTER_ATTR(escape_blocked, BULWARK_ESCAPE_BLOCKED);
COUNTER_ATTR(escape_audited, BULWARK_ESCAPE_AUDITED);
COUNTER_ATTR(drift_blocked, BULWARK_DRIFT_BLOCKED);
COUNTER_ATTR(drift_audited, BULWARK_DRIFT_AUDITED);
COUNTER_ATTR(policy_loads, BULWARK_POLICY_LOADS);
COUNTER_ATTR(policy_rejects, BULWARK_POLICY_REJECTS);

static ssize_t blocklist_entries_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(blocklist_entries));
}

static struct kobj_attribute blocklist_entries_attr =
	__ATTR_RO(blocklist_entries);

static struct attribute *counter_attrs[] = {
	&exec_checked_attr.attr.attr,
	&exec_hashed_attr.attr.attr,
	&exec_hash_bytes_attr.attr.attr,
	&exec_cache_hits_attr.attr.attr,
	&exec_blocked_attr.attr.attr,
	&exec_audited_attr.attr.attr,
	&exec_skipped_attr.attr.attr,
	&keys_blocked_attr.attr.attr,
	&keys_audited_attr.attr.attr,
	&persist_blocked_attr.attr.attr,
	&persist_audited_attr.attr.attr,
	&escape_blocked_attr.attr.attr,
	&escape_audited_attr.attr.attr,
	&drift_blocked_attr.attr.attr,
	&drift_audited_attr.attr.attr,
	&policy_loads_attr.attr.attr,
	&policy_rejects_attr.attr.attr,
	&blocklist_entries_attr.attr,
	NULL,
};

static const struct attribute_group counter_group = {
	.name = "counters",
	.attrs = counter_attrs,
};

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", BULWARK_VERSION);
}

static struct kobj_attribute version_attr = __ATTR_RO(version);

/**
 * bulwark_sysfs_init - create /sys/kernel/bulwark/
 *
 * Return: 0 on success or a negative errno.
 */
int bulwark_sysfs_init(void)
{
	int err;

	bulwark_kobj = kobject_create_and_add(BULWARK_NAME, kernel_kobj);
	if (!bulwark_kobj)
		return -ENOMEM;
	err = sysfs_create_file(bulwark_kobj, &version_attr.attr);
	if (err)
		goto out_put_kobj;
	err = sysfs_create_group(bulwark_kobj, &counter_group);
	if (err)
		goto out_put_kobj;
	return 0;

out_put_kobj:
	kobject_put(bulwark_kobj);
	return err;
}

/**
 * bulwark_sysfs_exit - remove /sys/kernel/bulwark/
 */
void bulwark_sysfs_exit(void)
{
	kobject_put(bulwark_kobj);
}
