// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - ftrace redirection of kernel functions
 *
 * A loadable module cannot register an LSM, so bulwark redirects the
 * kernel's security_*() functions with ftrace, the way livepatch does:
 * an IPMODIFY ftrace_ops on the function's __fentry__ site changes the
 * address the trampoline returns to, so that bulwark's handler runs
 * instead.  The handler calls the original past its __fentry__ site, so
 * that the call meets no hook again.  Were it to (a caller of the
 * original lying inside this module), it would be left alone; but a
 * tracer that hooks returns (a kretprobe, function_graph) rewrites that
 * caller's address on the stack, so that this test alone could not be
 * trusted.
 *
 * Calling the original: on IBT kernels, objtool seals the ENDBR of every
 * function whose address the kernel never takes, which includes most
 * security_*() functions, so an indirect call to their start would fault
 * on CPUs that enforce IBT.  Handlers therefore call a gate: a function
 * of this module (an ordinary indirect-call target), whose own __fentry__
 * site an ftrace_ops redirects to the original's first instruction past
 * its __fentry__ site.  ftrace leaves its trampoline with a return,
 * which IBT does not check, and the original then returns straight to
 * the handler.  Addresses are found
 * with kprobes, for the same reason: kallsyms_lookup_name() is neither
 * exported nor safe to call indirectly.
 *
 * Direct calls: the most frequent hooks of all pay for ftrace's
 * trampoline, which saves and restores the argument registers and calls
 * the callback, on every call, a host task's included.  Where the
 * kernel has direct calls, such a hook instead names a trampoline of
 * this module, which the function's __fentry__ site calls itself.  The
 * trampoline starts with its hook's cheapest test, in a few
 * instructions; a call it keeps goes through bulwark_hook_direct(),
 * and is redirected by writing the handler's address over the return
 * address to the function's body.  The handler then returns straight
 * to the function's caller, as with IPMODIFY.
 *
 * Lifetime: a call is "in flight" from the moment the callback decides
 * to redirect it until its handler calls bulwark_hook_leave().  A
 * percpu_ref counts those calls.  Removal kills the ref, so that no new
 * call is redirected, and waits for the calls in flight, which may
 * sleep, to leave; their gates keep working meanwhile.  It then
 * unregisters the ftrace_ops.  A task may still be on the last
 * instructions of a handler after it dropped its reference, so removal
 * ends with synchronize_rcu_tasks(): every task has then passed a
 * voluntary context switch, which the tail of a handler never makes.
 */

#include "common.h"

#include <linux/completion.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu-refcount.h>
#include <linux/rcupdate.h>

#include "compat.h"
#include "hook.h"
#include "lsm.h"

/* Calls redirected to a handler that have not left it yet. */
static struct percpu_ref inflight;
/* Completed when @inflight drops to zero after it was killed. */
static DECLARE_COMPLETION(inflight_done);

/*
 * The table being served, set before @hook_ops is registered and
 * cleared after it is unregistered.
 */
static struct bulwark_hook *table;
static size_t table_len;

/*
 * The hooks of the kernel proper by the address of their __fentry__
 * site (the function's start, or past its ENDBR: both are entered), in
 * an open-addressed table filled at installation, before the hooks are
 * registered, and emptied after: the callback finds any of them in a
 * few instructions.  Hooks in modules, which come and go, are looked up
 * in @table.
 */
#define SITE_BITS 8
struct site {
	unsigned long ip;
	struct bulwark_hook *hook;
};

static struct site sites[1 << SITE_BITS];

static void site_add(unsigned long ip, struct bulwark_hook *hook)
{
	unsigned long h = hash_long(ip, SITE_BITS);

	while (sites[h].ip && sites[h].ip != ip)
		h = (h + 1) & ((1 << SITE_BITS) - 1);
	sites[h].ip = ip;
	sites[h].hook = hook;
}

static struct bulwark_hook *site_find(unsigned long ip)
{
	unsigned long h = hash_long(ip, SITE_BITS);

	for (; sites[h].ip; h = (h + 1) & ((1 << SITE_BITS) - 1))
		if (sites[h].ip == ip)
			return sites[h].hook;
	return NULL;
}

static void inflight_release(struct percpu_ref *ref)
{
	complete(&inflight_done);
}

/**
 * bulwark_hook_leave - end a redirected call
 *
 * Every handler calls it once, last, after it has called the original:
 * never as a tail call, which would leave the handler before the
 * original has run.
 */
void bulwark_hook_leave(void)
{
	percpu_ref_put(&inflight);
}

/*
 * Redirects a call that @hook's want test kept (hook_ftrace()), unless
 * it comes from this module: a handler calling the original is let
 * through.  Only then is ftrace's recursion lock taken.  Out of line, so
 * that the callback's common case saves no register for it.
 */
static noinline void notrace hook_redirect(struct bulwark_hook *hook,
					   unsigned long ip,
					   unsigned long parent_ip,
					   struct bulwark_ftrace_regs *fregs)
{
	int bit;

	if (within_module(parent_ip, THIS_MODULE))
		return;
	bit = bulwark_recursion_trylock(ip, parent_ip);
	if (bit < 0)
		return;
	if (percpu_ref_tryget_live(&inflight))
		bulwark_fregs_set_ip(fregs, (unsigned long)hook->handler);
	bulwark_recursion_unlock(bit);
}

/**
 * bulwark_hook_direct - redirect a call kept by a direct trampoline
 * @hook: the trampoline's hook
 * @parent_ip: the address the function returns to
 *
 * What hook_redirect() does for the ftrace callback: a handler calling
 * the original is let through.  Preemptible context.
 *
 * Return: the handler's address, for the trampoline to return to in
 * place of the function's body, or 0 to run the original.
 */
unsigned long notrace bulwark_hook_direct(struct bulwark_hook *hook,
					  unsigned long parent_ip)
{
	if (within_module(parent_ip, THIS_MODULE) ||
	    !percpu_ref_tryget_live(&inflight))
		return 0;
	return (unsigned long)hook->handler;
}

/* hook_ftrace() for the first hook, past its inline test. */
static noinline void notrace hook_first(unsigned long ip,
					unsigned long parent_ip,
					struct bulwark_ftrace_regs *fregs)
{
	if (bulwark_want_first(fregs))
		hook_redirect(&table[0], ip, parent_ip, fregs);
}

/* hook_ftrace() for any hook but the first. */
static noinline void notrace hook_other(unsigned long ip,
					unsigned long parent_ip,
					struct bulwark_ftrace_regs *fregs)
{
	struct bulwark_hook *hook = site_find(ip);
	size_t i;

	for (i = 1; !hook && i < table_len; i++) {
		if (table[i].module &&
		    ip - READ_ONCE(table[i].addr) <= BULWARK_ENDBR_SIZE)
			hook = &table[i];
	}
	if (!hook || (hook->want && !hook->want(fregs)))
		return;
	hook_redirect(hook, ip, parent_ip, fregs);
}

/*
 * One ftrace_ops serves every hooked function, so that there is one
 * trampoline and one grace period for them at unload; @ip, the
 * function's __fentry__ site, names the hook: it is the function's
 * start, or follows its ENDBR.
 *
 * The hook's "want" test comes first: it is what turns away the common
 * case (a host task, a rule that is off) at the least cost.  The first
 * hook is the most frequent (security_file_open()): the start of its
 * want test is inline here, the rest is called directly, without an
 * indirect call's retpoline.
 */
static void notrace hook_ftrace(unsigned long ip, unsigned long parent_ip,
				struct ftrace_ops *ops,
				struct bulwark_ftrace_regs *fregs)
{
	if (ip - table[0].addr > BULWARK_ENDBR_SIZE)
		hook_other(ip, parent_ip, fregs);
	else if (bulwark_want_first_quick(fregs))
		hook_first(ip, parent_ip, fregs);
}

/*
 * At a gate, a handler wants its original: send it past the original's
 * __fentry__ site, always.  The gates' ftrace_ops is registered before,
 * and unregistered after, the ones that send calls to the handlers.
 */
static void notrace gate_ftrace(unsigned long ip, unsigned long parent_ip,
				struct ftrace_ops *ops,
				struct bulwark_ftrace_regs *fregs)
{
	unsigned long addr;
	size_t i;

	for (i = 0; i < table_len; i++) {
		if (ip - table[i].gate <= BULWARK_ENDBR_SIZE) {
			/* A module's function, gone: the gate refuses. */
			addr = READ_ONCE(table[i].body);
			if (addr)
				bulwark_fregs_set_ip(fregs, addr);
			return;
		}
	}
}

static struct ftrace_ops hook_ops = {
	.func = hook_ftrace,
	.flags = BULWARK_FTRACE_OPS_FLAGS,
};

static struct ftrace_ops gate_ops = {
	.func = gate_ftrace,
	.flags = BULWARK_FTRACE_OPS_FLAGS,
};

#ifdef BULWARK_HAVE_DIRECT_CALLS
/* The hooks served by direct calls, and an ftrace_ops for each. */
#define MAX_DIRECT 2
static struct bulwark_hook *direct_hooks[MAX_DIRECT];
static struct ftrace_ops direct_ops[MAX_DIRECT];
static size_t direct_len;
#endif

/* Whether @hook is served by a direct call on this kernel. */
static bool is_direct(const struct bulwark_hook *hook)
{
#ifdef BULWARK_HAVE_DIRECT_CALLS
	return hook->direct;
#else
	return false;
#endif
}

/*
 * Start the direct calls of a table.  After the gates, before the other
 * hooks' ftrace_ops is registered: a function that another direct call
 * holds (a BPF trampoline) is served by that ops instead, as every other
 * hook (its site is in @sites already), and registering the ops then
 * has ftrace ask the BPF trampoline to share the function with an
 * IPMODIFY ops, which a filter added to a registered ops would skip.
 * On error, the direct calls started so far are left to the caller.
 */
static int direct_register(struct bulwark_hook *hooks, size_t count)
{
#ifdef BULWARK_HAVE_DIRECT_CALLS
	size_t i;
	int err;

	for (i = 0; i < count; i++) {
		if (!is_direct(&hooks[i]) || !hooks[i].addr)
			continue;
		if (WARN_ON_ONCE(direct_len == MAX_DIRECT))
			return -E2BIG;
		if (WARN_ON_ONCE(hooks[i].module ||
				 ((unsigned long)hooks[i].direct & 1)))
			return -EINVAL;
		err = bulwark_direct_register(&direct_ops[direct_len],
					      hooks[i].addr,
					      (unsigned long)hooks[i].direct);
		if (!err) {
			direct_hooks[direct_len++] = &hooks[i];
			continue;
		}
		pr_info("%s: no direct call (error %d), hooked as the others\n",
			hooks[i].name, err);
		err = ftrace_set_filter_ip(&hook_ops, hooks[i].addr, 0, 0);
		if (err) {
			pr_err("cannot hook %s: ftrace_set_filter_ip error %d\n",
			       hooks[i].name, err);
			return err;
		}
	}
#endif
	return 0;
}

/* Whether a direct call serves @hook now. */
static bool direct_holds(const struct bulwark_hook *hook)
{
#ifdef BULWARK_HAVE_DIRECT_CALLS
	size_t i;

	for (i = 0; i < direct_len; i++)
		if (direct_hooks[i] == hook)
			return true;
#endif
	return false;
}

/* Stop the direct calls; their tails are left to the caller. */
static void direct_unregister(void)
{
#ifdef BULWARK_HAVE_DIRECT_CALLS
	int err;

	while (direct_len--) {
		err = bulwark_direct_unregister(&direct_ops[direct_len],
						direct_hooks[direct_len]->addr,
						(unsigned long)direct_hooks[direct_len]->direct);
		/*
		 * Cannot fail: the ops is registered, on that one address.
		 * Were it to, the site would go on calling this module.
		 */
		if (WARN_ON_ONCE(err))
			pr_err("cannot unregister the direct call of %s: error %d\n",
			       direct_hooks[direct_len]->name, err);
	}
	direct_len = 0;
#endif
}

/*
 * Gates: distinct bodies (ICF must not merge them), never run while the
 * hooks are installed; if one ever did, the call is refused.
 */
#define GATE(n)								\
	static noinline int gate_##n(void)				\
	{								\
		WARN_ONCE(1, "gate %d ran unredirected\n", n);		\
		return -EPERM;						\
	}

GATE(0) GATE(1) GATE(2) GATE(3) GATE(4) GATE(5) GATE(6) GATE(7)
GATE(8) GATE(9) GATE(10) GATE(11) GATE(12) GATE(13) GATE(14) GATE(15)
GATE(16) GATE(17) GATE(18) GATE(19) GATE(20) GATE(21) GATE(22) GATE(23)
GATE(24) GATE(25) GATE(26) GATE(27) GATE(28) GATE(29) GATE(30) GATE(31)
GATE(32) GATE(33) GATE(34) GATE(35) GATE(36) GATE(37) GATE(38) GATE(39)
GATE(40) GATE(41) GATE(42) GATE(43) GATE(44) GATE(45) GATE(46) GATE(47)
GATE(48) GATE(49) GATE(50) GATE(51) GATE(52) GATE(53) GATE(54) GATE(55)
GATE(56) GATE(57) GATE(58) GATE(59) GATE(60) GATE(61) GATE(62) GATE(63)

static int (*const gates[BULWARK_MAX_HOOKS])(void) = {
	gate_0, gate_1, gate_2, gate_3, gate_4, gate_5, gate_6, gate_7,
	gate_8, gate_9, gate_10, gate_11, gate_12, gate_13, gate_14, gate_15,
	gate_16, gate_17, gate_18, gate_19, gate_20, gate_21, gate_22, gate_23,
	gate_24, gate_25, gate_26, gate_27, gate_28, gate_29, gate_30, gate_31,
	gate_32, gate_33, gate_34, gate_35, gate_36, gate_37, gate_38, gate_39,
	gate_40, gate_41, gate_42, gate_43, gate_44, gate_45, gate_46, gate_47,
	gate_48, gate_49, gate_50, gate_51, gate_52, gate_53, gate_54, gate_55,
	gate_56, gate_57, gate_58, gate_59, gate_60, gate_61, gate_62, gate_63,
};

/*
 * find_function - the address of a kernel function
 * @name: the function's name
 * @body: where the function's body starts past its __fentry__ site, or
 *	0 when the function has none (ftrace cannot hook it either)
 *
 * Found with a kprobe, which lands on the __fentry__ site when there is
 * one (KPROBE_FLAG_FTRACE).  On IBT kernels that is past an ENDBR;
 * kallsyms must then name the address one ENDBR before as the start of
 * @name.  Sleeps.
 *
 * Return: the function's start, or 0 when it is not found.
 */
static unsigned long find_function(const char *name, unsigned long *body)
{
	struct kprobe kp = { .symbol_name = name };
	char sym[KSYM_SYMBOL_LEN];
	size_t len = strlen(name);
	unsigned long addr;

	if (register_kprobe(&kp))
		return 0;
	addr = (unsigned long)kp.addr;
	*body = kp.flags & KPROBE_FLAG_FTRACE ? addr + MCOUNT_INSN_SIZE : 0;
	unregister_kprobe(&kp);

	sprint_symbol(sym, addr);
	if (strncmp(sym, name, len) || strncmp(sym + len, "+0x0/", 5)) {
		addr -= BULWARK_ENDBR_SIZE;
		sprint_symbol(sym, addr);
	}
	if (strncmp(sym, name, len) || strncmp(sym + len, "+0x0/", 5)) {
		pr_err("cannot locate the start of %s (%s)\n", name, sym);
		return 0;
	}
	return addr;
}

/*
 * Every hook gets its gate, found or not: a function of a module may
 * come later (module_event()).
 */
static int resolve(struct bulwark_hook *hook, size_t index)
{
	int err;

	hook->gate = (unsigned long)gates[index];
	*hook->orig = gates[index];
	err = ftrace_set_filter_ip(&gate_ops, hook->gate, 0, 0);
	if (err) {
		pr_err("cannot gate %s: ftrace_set_filter_ip error %d\n",
		       hook->name, err);
		return err;
	}
	hook->addr = find_function(hook->name, &hook->body);
	if (!hook->addr) {
		if (hook->optional)
			return 0;
		pr_err("cannot hook %s: symbol not found\n", hook->name);
		return -ENOENT;
	}
	if (!hook->body) {
		pr_err("cannot hook %s: not at an ftrace site\n", hook->name);
		return -ENOENT;
	}
	if (is_direct(hook))
		return 0;
	err = ftrace_set_filter_ip(&hook_ops, hook->addr, 0, 0);
	if (err)
		pr_err("cannot hook %s: ftrace_set_filter_ip error %d\n",
		       hook->name, err);
	return err;
}

/*
 * Serialises module_event() with the installation and the removal of
 * the hooks.  The module notifier is registered before it is taken and
 * unregistered after it is released: register_module_notifier() waits
 * for the notifiers in progress, which may wait for it.
 */
static DEFINE_MUTEX(modules_lock);

/*
 * A module coming or going: hook its functions that the table names,
 * or release them before its text goes, so that no filter entry of
 * @hook_ops is left on an address the next module may get.  Process
 * context.
 */
static int module_event(struct notifier_block *nb, unsigned long state,
			void *data)
{
	struct module *mod = data;
	struct bulwark_hook *hook;
	unsigned long addr, body;
	size_t i;
	int err;

	if (state != MODULE_STATE_COMING && state != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	mutex_lock(&modules_lock);
	for (i = 0; table && i < table_len; i++) {
		hook = &table[i];
		if (!hook->module || strcmp(hook->module, mod->name))
			continue;
		if (state == MODULE_STATE_GOING && hook->addr) {
			addr = hook->addr;
			WRITE_ONCE(hook->addr, 0);
			WRITE_ONCE(hook->body, 0);
			err = ftrace_set_filter_ip(&hook_ops, addr, 1, 0);
			if (err)
				pr_err("cannot release %s in %s: error %d\n",
				       hook->name, mod->name, err);
		} else if (state == MODULE_STATE_COMING && !hook->addr) {
			/* Optional: this version of the module may lack it. */
			addr = find_function(hook->name, &body);
			if (!addr || !body)
				continue;
			/* The gate must work once a call can be redirected. */
			WRITE_ONCE(hook->body, body);
			err = ftrace_set_filter_ip(&hook_ops, addr, 0, 0);
			if (!err) {
				WRITE_ONCE(hook->addr, addr);
			} else {
				WRITE_ONCE(hook->body, 0);
				pr_warn("cannot hook %s in %s: error %d\n",
					hook->name, mod->name, err);
			}
		}
	}
	mutex_unlock(&modules_lock);
	return NOTIFY_DONE;
}

static struct notifier_block module_nb = {
	.notifier_call = module_event,
};

/*
 * Drop every filter entry of @ops; @gates says whether they are the
 * hooks' gates or the functions themselves.  Entries that were never
 * set are skipped or, removed one by one, refused harmlessly.
 */
static void free_filters(struct ftrace_ops *ops, struct bulwark_hook *hooks,
			 size_t count, bool gates)
{
#ifdef BULWARK_HAVE_FTRACE_FREE_FILTER
	ftrace_free_filter(ops);
#else
	size_t i;

	for (i = 0; i < count; i++) {
		unsigned long ip = gates ? hooks[i].gate : hooks[i].addr;

		if (ip)
			ftrace_set_filter_ip(ops, ip, 1, 0);
	}
#endif
}

/*
 * Registering the shared ops failed: find and name the function(s) at
 * fault, typically one that another IPMODIFY user (a livepatch) owns.
 */
static void notrace probe_ftrace(unsigned long ip, unsigned long parent_ip,
				 struct ftrace_ops *ops,
				 struct bulwark_ftrace_regs *fregs)
{
}

/* Registered alone on one function at a time, to see who owns it. */
static struct ftrace_ops probe = {
	.func = probe_ftrace,
	.flags = BULWARK_FTRACE_OPS_FLAGS,
};

static void diagnose(struct bulwark_hook *hooks, size_t count, int err)
{
	bool named = false;
	size_t i;
	int e;

	for (i = 0; i < count; i++) {
		/* A direct call is not why the ops failed. */
		if (!hooks[i].addr || direct_holds(&hooks[i]))
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
	free_filters(&probe, hooks, count, false);
	if (!named)
		pr_err("cannot register the ftrace hooks: error %d\n", err);
}

/*
 * Stop redirecting and wait for the calls in flight: their gates must
 * still work, so the ftrace_ops goes only once they have left.
 */
static void drain(void)
{
	percpu_ref_kill(&inflight);
	wait_for_completion(&inflight_done);
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

	if (WARN_ON_ONCE(count > BULWARK_MAX_HOOKS))
		return -E2BIG;

	err = register_module_notifier(&module_nb);
	if (err) {
		pr_err("cannot follow modules: error %d\n", err);
		return err;
	}
	mutex_lock(&modules_lock);
	reinit_completion(&inflight_done);
	err = percpu_ref_init(&inflight, inflight_release, 0, GFP_KERNEL);
	if (err)
		goto out_unlock;

	for (i = 0; i < count; i++) {
		err = resolve(&hooks[i], i);
		if (err)
			goto out_free_filters;
	}
	for (i = 0; i < count; i++) {
		if (hooks[i].addr && !hooks[i].module) {
			site_add(hooks[i].addr, &hooks[i]);
			site_add(hooks[i].addr + BULWARK_ENDBR_SIZE, &hooks[i]);
		}
	}
	table = hooks;
	table_len = count;
	err = register_ftrace_function(&gate_ops);
	if (err) {
		pr_err("cannot register the ftrace gates: error %d\n", err);
		goto out_free_filters;
	}
	err = direct_register(hooks, count);
	if (err)
		goto out_unregister_direct;
	err = register_ftrace_function(&hook_ops);
	if (err) {
		diagnose(hooks, count, err);
		goto out_unregister_direct;
	}
	mutex_unlock(&modules_lock);
	return 0;

out_unregister_direct:
	/*
	 * Handlers may have been entered through a direct call: as
	 * bulwark_hooks_remove().
	 */
	direct_unregister();
	mutex_unlock(&modules_lock);
	drain();
	mutex_lock(&modules_lock);
	unregister_ftrace_function(&gate_ops);
	synchronize_rcu_tasks();
out_free_filters:
	free_filters(&hook_ops, hooks, count, false);
	free_filters(&gate_ops, hooks, count, true);
	table = NULL;
	table_len = 0;
	memset(sites, 0, sizeof(sites));
	percpu_ref_exit(&inflight);
out_unlock:
	mutex_unlock(&modules_lock);
	unregister_module_notifier(&module_nb);
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

	/*
	 * Not under modules_lock: a handler may wait for a module to load
	 * (opening a block device loads its driver), whose notifier takes
	 * it.  Until the lock is taken, module_event() may still hook or
	 * release functions; nothing enters a handler any more.
	 */
	drain();
	mutex_lock(&modules_lock);
	direct_unregister();
	err = unregister_ftrace_function(&hook_ops);
	if (!WARN_ON_ONCE(err))
		err = unregister_ftrace_function(&gate_ops);
	if (WARN_ON_ONCE(err))
		pr_err("cannot unregister the ftrace hooks: error %d\n", err);
	free_filters(&hook_ops, hooks, count, false);
	free_filters(&gate_ops, hooks, count, true);
	/*
	 * The tails of the handlers, after bulwark_hook_leave(), and of
	 * the direct trampolines.
	 */
	synchronize_rcu_tasks();
	percpu_ref_exit(&inflight);
	table = NULL;
	table_len = 0;
	memset(sites, 0, sizeof(sites));
	mutex_unlock(&modules_lock);
	unregister_module_notifier(&module_nb);
}
