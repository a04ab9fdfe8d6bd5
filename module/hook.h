/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - ftrace redirection of kernel functions
 */

#ifndef _BULWARK_HOOK_H
#define _BULWARK_HOOK_H

#include <linux/ftrace.h>
#include <linux/types.h>

/**
 * struct bulwark_hook - one kernel function redirected to a handler
 *
 * The table of hooks is static and lives as long as the module.  @addr
 * and @gate are owned by the hook layer and written only while the
 * hooks are installed (module init).
 */
struct bulwark_hook {
	/**
	 * @name: symbol of the kernel function to redirect.
	 */
	const char *name;
	/**
	 * @handler: bulwark's replacement; it has the function's exact
	 * prototype, calls the original through @orig unless it denies,
	 * and ends with bulwark_hook_leave().
	 */
	void *handler;
	/**
	 * @orig: what @handler calls to run the original function.  The
	 * hook layer stores there a gate of its own: a module function
	 * whose __fentry__ ftrace sends past the original's own
	 * __fentry__ site (@body; see hook.c).
	 */
	void **orig;
	/**
	 * @want: cheap test run in the ftrace callback (atomic context,
	 * preemption off) that decides whether this call is redirected at
	 * all; a false answer leaves the original to run untouched.
	 */
	bool (*want)(struct bulwark_ftrace_regs *fregs);
	/**
	 * @direct: where the kernel has direct calls, a trampoline of this
	 * module that the function's __fentry__ site calls instead of
	 * ftrace's own trampoline and @want (see hook.c); NULL for a hook
	 * served by the ftrace callback.  Not for a function of a module.
	 */
	void *direct;
	/**
	 * @optional: the function does not exist on every supported
	 * kernel; its absence is not an error.
	 */
	bool optional;
	/**
	 * @module: for a function of a module (an optional hook), that
	 * module's name: the function is hooked when the module is loaded
	 * and released when it is unloaded, as long as the hooks are
	 * installed.  NULL for a function of the kernel proper.
	 */
	const char *module;
	/**
	 * @addr: resolved address of the function, 0 when absent.
	 */
	unsigned long addr;
	/**
	 * @body: the first instruction past the function's __fentry__
	 * site, 0 when absent: where a gate sends a handler's call to the
	 * original, which thus meets no hook a second time.
	 */
	unsigned long body;
	/**
	 * @gate: address of the gate stored in @orig.
	 */
	unsigned long gate;
};

/* The most hooks one table may have: there is one gate for each. */
#define BULWARK_MAX_HOOKS 64

/*
 * The want test of the first hook of every table, which the callback
 * calls directly; lsm.c defines it.  The first hook is
 * security_file_open(), and bulwark_want_first_quick() (lsm.h), inline
 * in the callback, turns away most opens before it is called.
 */
bool bulwark_want_first(struct bulwark_ftrace_regs *fregs);

int bulwark_hooks_install(struct bulwark_hook *hooks, size_t count);
void bulwark_hooks_remove(struct bulwark_hook *hooks, size_t count);
void bulwark_hook_leave(void);
unsigned long bulwark_hook_direct(struct bulwark_hook *hook,
				  unsigned long parent_ip);

#endif /* _BULWARK_HOOK_H */
