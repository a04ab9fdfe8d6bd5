// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - ftrace redirection of kernel functions
 *
 * A loadable module cannot register an LSM, so bulwark redirects the
 * kernel's security_*() functions with ftrace, the way livepatch does:
 * an IPMODIFY ftrace_ops on the function's __fentry__ site changes the
 * return address of the trampoline to bulwark's handler, which then
 * calls the original function through its own start.  That second
 * call passes through the same ftrace site again; it is recognised by
 * its caller lying inside this module and left alone.
 *
 * Lifetime: a call is "in flight" from the moment the callback decides
 * to redirect it until its handler calls bulwark_hook_leave().  A
 * percpu_ref counts those calls; removal unregisters every ftrace_ops
 * (no new redirect can start), kills the ref and waits for the calls in
 * flight, which may sleep, to leave.  A task may still be on the last
 * instructions of a handler after it dropped its reference, so removal
 * ends with synchronize_rcu_tasks(): every task has then passed a
 * voluntary context switch, which the tail of a handler never makes.
 */

#include "common.h"

#include <linux/completion.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/percpu-refcount.h>
#include <linux/rcupdate.h>
#include <linux/trace_recursion.h>

#include "compat.h"
#include "hook.h"

/* Calls redirected to a handler that have not left it yet. */
static struct percpu_ref inflight;
/* Completed when @inflight drops to zero after it was killed. */
static DECLARE_COMPLETION(inflight_done);

/*
 * The table being served, set before @hook_ops is registered and
 * cleared after it is unregistered.  Most frequently called first.
 */
static struct bulwark_hook *table;
static size_t table_len;

static void inflight_release(struct percpu_ref *ref)
{
	complete(&inflight_done);
}

/**
 * bulwark_hook_leave - end a redirected call
 *
 * Every handler calls it once, last, after it has called the original.
 * A handler must not tail-call the original either: the original's
 * caller would then not lie in this module and the call would be
 * redirected again.
 */
void bulwark_hook_leave(void)
{
	percpu_ref_put(&inflight);
}

/*
 * One ftrace_ops serves every function, so that there is one trampoline
 * and one grace period at unload; @ip, the function's __fentry__ site,
 * names the hook: it is the function's start, or follows its ENDBR.
 *
 * The hook's "want" test comes first: it is what turns away the common
 * case (a host task, a rule that is off) at the least cost.  A call that
 * comes from this module is a handler calling the original: it is let
 * through.  Only then is ftrace's recursion lock taken for the redirect.
 */
static void notrace hook_ftrace(unsigned long ip, unsigned long parent_ip,
				struct ftrace_ops *ops,
				struct ftrace_regs *fregs)
{
	struct bulwark_hook *hook = NULL;
	size_t i;
	int bit;

	for (i = 0; i < table_len; i++) {
		if (ip - table[i].addr <= BULWARK_ENDBR_SIZE) {
			hook = &table[i];
			break;
		}
	}
	if (!hook || (hook->want && !hook->want(fregs)))
		return;
	if (within_module(parent_ip, THIS_MODULE))
		return;

	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0)
		return;
	if (percpu_ref_tryget_live(&inflight))
		bulwark_fregs_set_ip(fregs, (unsigned long)hook->handler);
	ftrace_test_recursion_unlock(bit);
}

static struct ftrace_ops hook_ops = {
	.func = hook_ftrace,
	.flags = BULWARK_FTRACE_OPS_FLAGS,
};

/*
 * kallsyms_lookup_name() is not exported; find it once with a kprobe.
 * On IBT kernels the kprobe lands past the ENDBR, so step back to the
 * function's start and check that kallsyms names that address as the
 * start of kallsyms_lookup_name.
 */
static unsigned long (*lookup_name)(const char *name);

static int find_lookup_name(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	char sym[KSYM_SYMBOL_LEN];
	unsigned long addr;
	int err;

	err = register_kprobe(&kp);
	if (err) {
		pr_err("cannot locate kallsyms_lookup_name: register_kprobe error %d\n",
		       err);
		return err;
	}
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);

	sprint_symbol(sym, addr);
	if (strncmp(sym, "kallsyms_lookup_name+0x0/", 25)) {
		addr -= BULWARK_ENDBR_SIZE;
		sprint_symbol(sym, addr);
	}
	if (strncmp(sym, "kallsyms_lookup_name+0x0/", 25)) {
		pr_err("cannot locate the start of kallsyms_lookup_name (%s)\n",
		       sym);
		return -ENOENT;
	}
	lookup_name = (void *)addr;
	return 0;
}

static int resolve(struct bulwark_hook *hook)
{
	int err;

	hook->addr = lookup_name(hook->name);
	if (!hook->addr) {
		if (hook->optional)
			return 0;
		pr_err("cannot hook %s: symbol not found\n", hook->name);
		return -ENOENT;
	}
	*hook->orig = (void *)hook->addr;
	err = ftrace_set_filter_ip(&hook_ops, hook->addr, 0, 0);
	if (err)
		pr_err("cannot hook %s: ftrace_set_filter_ip error %d\n",
		       hook->name, err);
	return err;
}

/*
 * Registering the shared ops failed: find and name the function(s) at
 * fault, typically one that another IPMODIFY user (a livepatch) owns.
 */
static void diagnose(struct bulwark_hook *hooks, size_t count, int err)
{
	struct ftrace_ops probe = { .flags = BULWARK_FTRACE_OPS_FLAGS };
	bool named = false;
	size_t i;
	int e;

	probe.func = hook_ftrace;
	for (i = 0; i < count; i++) {
		if (!hooks[i].addr)
			continue;
		e = ftrace_set_filter_ip(&probe, hooks[i].addr, 0, 1);
		if (!e) {
			e = register_ftrace_function(&probe);
			if (!e)
				unregister_ftrace_function(&probe);
		}
		if (e) {
			pr_err("cannot hook %s: error %d%s\n", hooks[i].name, e,
			       e == -EBUSY ?
			       " (another IPMODIFY user, such as a livepatch, owns it)" :
			       "");
			named = true;
		}
	}
	ftrace_free_filter(&probe);
	if (!named)
		pr_err("cannot register the ftrace hooks: error %d\n", err);
}

/* Wait until no task can be in, or about to return into, a handler. */
static void drain(void)
{
	percpu_ref_kill(&inflight);
	wait_for_completion(&inflight_done);
	synchronize_rcu_tasks();
	percpu_ref_exit(&inflight);
}

/**
 * bulwark_hooks_install - redirect every function of a table
 * @hooks: the table; it must outlive the installation
 * @count: number of entries in @hooks
 *
 * All or nothing: on failure, every function hooked so far is released
 * again before returning.
 *
 * Return: 0 on success, or a negative errno naming the first failure.
 */
int bulwark_hooks_install(struct bulwark_hook *hooks, size_t count)
{
	size_t i;
	int err;

	err = find_lookup_name();
	if (err)
		return err;

	reinit_completion(&inflight_done);
	err = percpu_ref_init(&inflight, inflight_release, 0, GFP_KERNEL);
	if (err)
		return err;

	for (i = 0; i < count; i++) {
		err = resolve(&hooks[i]);
		if (err)
			goto out_free_filter;
	}
	table = hooks;
	table_len = count;
	err = register_ftrace_function(&hook_ops);
	if (err) {
		diagnose(hooks, count, err);
		goto out_free_filter;
	}
	return 0;

out_free_filter:
	ftrace_free_filter(&hook_ops);
	table = NULL;
	table_len = 0;
	percpu_ref_exit(&inflight);
	return err;
}

/**
 * bulwark_hooks_remove - undo bulwark_hooks_install()
 * @hooks: the table given to bulwark_hooks_install()
 * @count: number of entries in @hooks
 *
 * Sleeps until every redirected call has left its handler.
 */
void bulwark_hooks_remove(struct bulwark_hook *hooks, size_t count)
{
	int err;

	err = unregister_ftrace_function(&hook_ops);
	if (WARN_ON_ONCE(err))
		pr_err("cannot unregister the ftrace hooks: error %d\n", err);
	ftrace_free_filter(&hook_ops);
	drain();
	table = NULL;
	table_len = 0;
}
