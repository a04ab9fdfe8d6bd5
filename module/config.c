// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - run-time settings: sysctls and module parameters
 *
 * Each knob lives in /proc/sys/kernel/bulwark/ and is also a module
 * parameter of the same name, so /etc/modprobe.d can set the values in
 * force from load time.  Parameters are read-only once loaded: every
 * later change goes through the sysctl, which checks who writes and
 * honours the one-way "locked".
 */

#include "common.h"

#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sysctl.h>

#include "compat.h"
#include "config.h"
#include "contain.h"

int bulwark_miner_mode __read_mostly = BULWARK_MODE_ENFORCE;
int bulwark_keys_mode __read_mostly = BULWARK_MODE_ENFORCE;
int bulwark_persist_mode __read_mostly = BULWARK_MODE_ENFORCE;
int bulwark_escape_mode __read_mostly = BULWARK_MODE_ENFORCE;
int bulwark_drift_mode __read_mostly = BULWARK_MODE_AUDIT;
int bulwark_scope __read_mostly = BULWARK_SCOPE_NS;
unsigned long bulwark_hash_max_bytes __read_mostly = 128UL << 20;
int bulwark_locked __read_mostly;

/* Serialises changes of the knobs and policy commits; see config.h. */
DEFINE_MUTEX(bulwark_config_mutex);

static int int_zero;
static int int_one = 1;
static int int_two = 2;
static unsigned long ulong_zero;
static unsigned long ulong_limit = BULWARK_HASH_MAX_LIMIT;

static struct ctl_table_header *sysctl_header;

/**
 * bulwark_may_configure - may the current task change bulwark's settings?
 *
 * Only a task with CAP_SYS_ADMIN in the initial user namespace that is
 * not in a container may, and nobody once bulwark is locked.  Callers
 * that change something check again under bulwark_config_mutex.
 *
 * Return: 0 if it may, -EPERM if not.
 */
int bulwark_may_configure(void)
{
	if (READ_ONCE(bulwark_locked))
		return -EPERM;
	if (!capable(CAP_SYS_ADMIN) || bulwark_current_in_container())
		return -EPERM;
	return 0;
}

/* Locking is one-way: the module pins itself so it cannot be unloaded. */
static void lock_down(void)
{
	__module_get(THIS_MODULE);
	WRITE_ONCE(bulwark_locked, 1);
	pr_info("locked: settings and policy are read-only until reboot\n");
}

/* Whether the text of a write starts, after blanks, with a minus sign. */
static bool negative(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len && isspace(text[i]))
		i++;
	return i < len && text[i] == '-';
}

/*
 * Writes parse into a copy of the value, Yama-style, and only a valid
 * value replaces the knob, under bulwark_config_mutex.
 *
 * A write holds exactly one value, with optional blanks around it, fits
 * in a page and starts at offset 0.  The proc_do*vec helpers would take
 * the first value of "1 2" and report a short write; read only the
 * first page of a longer write and report it all consumed; and, with
 * sysctl_writes_strict, silently ignore a write at a later offset (the
 * rest of a value split across write() calls).  On v5.10,
 * proc_doulongvec_minmax() also skipped a negative value and reported
 * the write done.  Each of these fails here with EINVAL and changes
 * nothing.
 */
static int knob_handler(BULWARK_CTL_TABLE *table, int write, void *buffer,
			size_t *lenp, loff_t *ppos)
{
	struct ctl_table copy;
	unsigned long ulval;
	size_t len = *lenp;
	int ival;
	int err;

	if (!write) {
		if (table->maxlen == sizeof(unsigned long))
			return proc_doulongvec_minmax(table, write, buffer,
						      lenp, ppos);
		return proc_dointvec_minmax(table, write, buffer, lenp, ppos);
	}

	err = bulwark_may_configure();
	if (err)
		return err;

	if (*ppos || len >= PAGE_SIZE)
		return -EINVAL;
	if (table->maxlen == sizeof(unsigned long) && negative(buffer, len))
		return -EINVAL;

	copy = *table;
	mutex_lock(&bulwark_config_mutex);
	if (bulwark_locked) {
		err = -EPERM;
		goto out_unlock;
	}
	if (table->maxlen == sizeof(unsigned long)) {
		ulval = READ_ONCE(*(unsigned long *)table->data);
		copy.data = &ulval;
		err = proc_doulongvec_minmax(&copy, write, buffer, lenp, ppos);
		if (!err && *lenp != len)
			err = -EINVAL;
		if (!err)
			WRITE_ONCE(*(unsigned long *)table->data, ulval);
		goto out_unlock;
	}
	ival = READ_ONCE(*(int *)table->data);
	copy.data = &ival;
	err = proc_dointvec_minmax(&copy, write, buffer, lenp, ppos);
	if (!err && *lenp != len)
		err = -EINVAL;
	if (err)
		goto out_unlock;
	if (table->data == &bulwark_locked) {
		if (ival)
			lock_down();
	} else {
		WRITE_ONCE(*(int *)table->data, ival);
	}
out_unlock:
	mutex_unlock(&bulwark_config_mutex);
	return err;
}

#define INT_KNOB(_name, _data, _max)				\
	{							\
		.procname	= _name,			\
		.data		= _data,			\
		.maxlen		= sizeof(int),			\
		.mode		= 0644,				\
		.proc_handler	= knob_handler,			\
		.extra1		= &int_zero,			\
		.extra2		= _max,				\
	}

/* The knobs' indexes in knobs[], for the module parameters. */
enum {
	KNOB_MINER,
	KNOB_KEYS,
	KNOB_PERSIST,
	KNOB_ESCAPE,
	KNOB_DRIFT,
	KNOB_SCOPE,
	KNOB_HASH_MAX,
	KNOB_LOCKED,
};

static struct ctl_table knobs[] = {
	[KNOB_MINER] = INT_KNOB("miner_mode", &bulwark_miner_mode, &int_two),
	[KNOB_KEYS] = INT_KNOB("keys_mode", &bulwark_keys_mode, &int_two),
	[KNOB_PERSIST] = INT_KNOB("persist_mode", &bulwark_persist_mode,
				  &int_two),
	[KNOB_ESCAPE] = INT_KNOB("escape_mode", &bulwark_escape_mode,
				 &int_two),
	[KNOB_DRIFT] = INT_KNOB("drift_mode", &bulwark_drift_mode, &int_two),
	[KNOB_SCOPE] = INT_KNOB("scope", &bulwark_scope, &int_two),
	[KNOB_HASH_MAX] = {
		.procname	= "hash_max_bytes",
		.data		= &bulwark_hash_max_bytes,
		.maxlen		= sizeof(unsigned long),
		.mode		= 0644,
		.proc_handler	= knob_handler,
		.extra1		= &ulong_zero,
		.extra2		= &ulong_limit,
	},
	[KNOB_LOCKED] = INT_KNOB("locked", &bulwark_locked, &int_one),
	BULWARK_SYSCTL_SENTINEL
};

/*
 * Module parameters.  kp->arg points at the knob's ctl_table entry,
 * which carries the value's address and range.
 */
static int param_set_knob(const char *val, const struct kernel_param *kp)
{
	const struct ctl_table *knob = kp->arg;
	unsigned long ul;

	/* Out of range is out of range, however far: EINVAL, not ERANGE. */
	if (kstrtoul(val, 0, &ul))
		return -EINVAL;
	if (knob->maxlen == sizeof(unsigned long)) {
		if (ul < *(unsigned long *)knob->extra1 ||
		    ul > *(unsigned long *)knob->extra2)
			return -EINVAL;
		WRITE_ONCE(*(unsigned long *)knob->data, ul);
		return 0;
	}
	if (ul < (unsigned long)*(int *)knob->extra1 ||
	    ul > (unsigned long)*(int *)knob->extra2)
		return -EINVAL;
	WRITE_ONCE(*(int *)knob->data, (int)ul);
	return 0;
}

static int param_get_knob(char *buffer, const struct kernel_param *kp)
{
	const struct ctl_table *knob = kp->arg;

	if (knob->maxlen == sizeof(unsigned long))
		return sysfs_emit(buffer, "%lu\n",
				  READ_ONCE(*(unsigned long *)knob->data));
	return sysfs_emit(buffer, "%d\n", READ_ONCE(*(int *)knob->data));
}

static const struct kernel_param_ops knob_param_ops = {
	.set = param_set_knob,
	.get = param_get_knob,
};

module_param_cb(miner_mode, &knob_param_ops, &knobs[KNOB_MINER], 0444);
MODULE_PARM_DESC(miner_mode, "exec blocklist: 0 off, 1 audit, 2 enforce");
module_param_cb(keys_mode, &knob_param_ops, &knobs[KNOB_KEYS], 0444);
MODULE_PARM_DESC(keys_mode, "host authorized_keys: 0 off, 1 audit, 2 enforce");
module_param_cb(persist_mode, &knob_param_ops, &knobs[KNOB_PERSIST], 0444);
MODULE_PARM_DESC(persist_mode,
		 "host persistence files: 0 off, 1 audit, 2 enforce");
module_param_cb(escape_mode, &knob_param_ops, &knobs[KNOB_ESCAPE], 0444);
MODULE_PARM_DESC(escape_mode,
		 "module loads, kernel knobs, cgroup moves, setns: 0 off, 1 audit, 2 enforce");
module_param_cb(drift_mode, &knob_param_ops, &knobs[KNOB_DRIFT], 0444);
MODULE_PARM_DESC(drift_mode,
		 "running what a container wrote: 0 off, 1 audit, 2 enforce");
module_param_cb(scope, &knob_param_ops, &knobs[KNOB_SCOPE], 0444);
MODULE_PARM_DESC(scope,
		 "0 container cgroups, 1 also child pid/user namespaces, 2 all tasks");
module_param_cb(hash_max_bytes, &knob_param_ops, &knobs[KNOB_HASH_MAX], 0444);
MODULE_PARM_DESC(hash_max_bytes, "larger files are not hashed");
module_param_cb(locked, &knob_param_ops, &knobs[KNOB_LOCKED], 0444);
MODULE_PARM_DESC(locked, "1 makes settings read-only until reboot");

/**
 * bulwark_config_init - publish the sysctls
 *
 * Return: 0 on success or a negative errno.
 */
int bulwark_config_init(void)
{
	sysctl_header = register_sysctl("kernel/" BULWARK_NAME, knobs);
	if (!sysctl_header) {
		pr_err("cannot register sysctls\n");
		return -ENOMEM;
	}
	return 0;
}

/**
 * bulwark_config_start - apply a "locked" given as module parameter
 *
 * Called last in module init, once nothing can fail any more.
 */
void bulwark_config_start(void)
{
	if (bulwark_locked)
		lock_down();
}

/**
 * bulwark_config_exit - remove the sysctls
 */
void bulwark_config_exit(void)
{
	unregister_sysctl_table(sysctl_header);
}
