/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - every kernel-version difference, in one place
 *
 * Features are tested directly where the kernel gives a way to; each
 * LINUX_VERSION_CODE test names the upstream change it stands for.
 */

#ifndef _BULWARK_COMPAT_H
#define _BULWARK_COMPAT_H

/*
 * The hex helpers (hex2bin(), bin2hex(), hex_to_bin()) moved from
 * <linux/kernel.h> to <linux/hex.h>, which <linux/kernel.h> included
 * until v7.2 (v6.19 still did); v6.1 has no <linux/hex.h> at all.
 * Kbuild defines BULWARK_HAVE_LINUX_HEX_H where the header exists.
 *
 * This part alone serves the user-space builds of the policy parsers
 * (selftests/shim stands in for the kernel headers there); the rest of
 * this file is the kernel's.
 */
#ifdef BULWARK_HAVE_LINUX_HEX_H
#include <linux/hex.h>
#else
#include <linux/kernel.h>
#endif

#ifdef __KERNEL__

#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/mm_types.h>
#include <linux/rcupdate.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <linux/version.h>

/*
 * The register state an ftrace callback is handed.  v5.11 ("ftrace:
 * Have the callbacks receive a struct ftrace_regs instead of pt_regs")
 * wrapped it in struct ftrace_regs; v5.10 passes the struct pt_regs
 * itself, filled in only with FTRACE_OPS_FL_SAVE_REGS.  Callbacks take
 * a struct bulwark_ftrace_regs and reach it only through the helpers
 * below.
 */
#if KERNEL_VERSION(5, 11, 0) <= LINUX_VERSION_CODE
#define bulwark_ftrace_regs ftrace_regs
#else
#define bulwark_ftrace_regs pt_regs
#endif

/*
 * Where the architecture passes the argument registers in struct
 * ftrace_regs (HAVE_DYNAMIC_FTRACE_WITH_ARGS, x86 since v5.11), an
 * IPMODIFY ops may leave out SAVE_REGS, which makes the trampoline much
 * cheaper; livepatch makes the same choice.  FTRACE_OPS_FL_PERMANENT
 * (v5.5), as livepatch has too: while bulwark's ops are registered,
 * writing 0 to kernel.ftrace_enabled fails with EBUSY, for everyone,
 * instead of turning every rule off at once.
 */
#ifdef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
#define BULWARK_FTRACE_OPS_FLAGS \
	(FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT)
#else
#define BULWARK_FTRACE_OPS_FLAGS \
	(FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_SAVE_REGS | \
	 FTRACE_OPS_FL_PERMANENT)
#endif

/*
 * The n-th argument of the traced function, read in an ftrace callback.
 * ftrace_regs_get_argument() is generic from v6.x on; before it, x86's
 * struct ftrace_regs wraps a pt_regs whose argument registers are valid,
 * and v5.10 hands the pt_regs over directly.
 */
#if KERNEL_VERSION(5, 11, 0) > LINUX_VERSION_CODE
#define bulwark_fregs_arg(regs, n) regs_get_kernel_argument(regs, n)
#elif defined(ftrace_regs_get_argument)
#define bulwark_fregs_arg(fregs, n) ftrace_regs_get_argument(fregs, n)
#elif defined(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS)
#define bulwark_fregs_arg(fregs, n) \
	regs_get_kernel_argument(&(fregs)->regs, n)
#else
#define bulwark_fregs_arg(fregs, n) \
	regs_get_kernel_argument(ftrace_get_regs(fregs), n)
#endif

/*
 * Where the callback returns to.  ftrace_instruction_pointer_set() came
 * with struct ftrace_regs in v5.11 and was renamed
 * ftrace_regs_set_instruction_pointer() in v6.7; test for the macro.
 */
#if KERNEL_VERSION(5, 11, 0) > LINUX_VERSION_CODE
#define bulwark_fregs_set_ip(regs, ip) instruction_pointer_set(regs, ip)
#elif defined(ftrace_regs_set_instruction_pointer)
#define bulwark_fregs_set_ip(fregs, ip) \
	ftrace_regs_set_instruction_pointer(fregs, ip)
#else
#define bulwark_fregs_set_ip(fregs, ip) \
	ftrace_instruction_pointer_set(fregs, ip)
#endif

/*
 * Recursion: from v5.11 ("ftrace: Add recording of functions that
 * caused recursion", <linux/trace_recursion.h>) a callback guards
 * itself with ftrace_test_recursion_trylock(), and ftrace wraps only
 * the ops that ask for it (FTRACE_OPS_FL_RECURSION).  In v5.10 the
 * helpers are private to ftrace, which instead wraps every ops without
 * FTRACE_OPS_FL_RECURSION_SAFE in its own recursion guard, as it does
 * ours: nothing is left to take.
 */
#if KERNEL_VERSION(5, 11, 0) <= LINUX_VERSION_CODE
#include <linux/trace_recursion.h>
#define bulwark_recursion_trylock(ip, parent_ip) \
	ftrace_test_recursion_trylock(ip, parent_ip)
#define bulwark_recursion_unlock(bit) ftrace_test_recursion_unlock(bit)
#else
static inline int bulwark_recursion_trylock(unsigned long ip,
					    unsigned long parent_ip)
{
	return 0;
}

static inline void bulwark_recursion_unlock(int bit)
{
}
#endif

/*
 * ftrace_free_filter() is exported from v6.2 ("ftrace: Export
 * ftrace_free_filter() to modules"), and in v6.1 through its stable
 * backport; before, a module removes its filter entries one by one.
 */
#if KERNEL_VERSION(6, 1, 0) <= LINUX_VERSION_CODE
#define BULWARK_HAVE_FTRACE_FREE_FILTER
#endif

/*
 * krealloc_array() is new in v5.12 ("mm: add krealloc_array()").
 */
#if KERNEL_VERSION(5, 12, 0) <= LINUX_VERSION_CODE
#define bulwark_krealloc_array(p, n, size, gfp) krealloc_array(p, n, size, gfp)
#else
static inline void *bulwark_krealloc_array(void *p, size_t n, size_t size,
					   gfp_t gfp)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return krealloc(p, bytes, gfp);
}
#endif

/*
 * sysctl proc handlers take a const table since v6.11 ("sysctl:
 * treewide: constify the ctl_table argument of proc_handlers").
 */
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
#define BULWARK_CTL_TABLE const struct ctl_table
#else
#define BULWARK_CTL_TABLE struct ctl_table
#endif

/*
 * register_sysctl() became a macro that passes the table's size in v6.6
 * (the series that removed sysctl sentinels); from then on a table
 * needs no empty sentinel entry, and from v6.11 it must not have one.
 */
#ifdef register_sysctl
#define BULWARK_SYSCTL_SENTINEL
#else
#define BULWARK_SYSCTL_SENTINEL {}
#endif

/*
 * security_inode_setattr() takes the mount's idmap since v6.3 ("fs:
 * port ->setattr() to pass mnt_idmap"), and the mount's user namespace
 * in v6.0 to v6.2 (idmapped-mount support in the setattr path).
 */
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
#define BULWARK_SETATTR_IDMAP struct mnt_idmap *idmap,
#define BULWARK_SETATTR_IDMAP_ARG idmap,
#elif KERNEL_VERSION(6, 0, 0) <= LINUX_VERSION_CODE
#define BULWARK_SETATTR_IDMAP struct user_namespace *mnt_userns,
#define BULWARK_SETATTR_IDMAP_ARG mnt_userns,
#else
#define BULWARK_SETATTR_IDMAP
#define BULWARK_SETATTR_IDMAP_ARG
#endif

/*
 * security_inode_setxattr() and security_inode_removexattr() take the
 * mount's idmap since v6.3 ("fs: port xattr to mnt_idmap"), and the
 * mount's user namespace from v5.12 ("commoncap: handle idmapped
 * mounts") to v6.2; security_inode_set_acl() and _remove_acl(), new in
 * v6.2, follow the same change.
 */
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
#define BULWARK_XATTR_IDMAP struct mnt_idmap *idmap,
#define BULWARK_XATTR_IDMAP_ARG idmap,
#elif KERNEL_VERSION(5, 12, 0) <= LINUX_VERSION_CODE
#define BULWARK_XATTR_IDMAP struct user_namespace *mnt_userns,
#define BULWARK_XATTR_IDMAP_ARG mnt_userns,
#else
#define BULWARK_XATTR_IDMAP
#define BULWARK_XATTR_IDMAP_ARG
#endif

/*
 * v6.17 added file_setattr(2) and security_inode_file_setattr(), which
 * vfs_fileattr_set() calls for it and for the chattr ioctls alike
 * ("fs: introduce file_getattr and file_setattr syscalls", "lsm:
 * introduce new hooks for setting/getting inode fsxattr").
 */
#if KERNEL_VERSION(6, 17, 0) <= LINUX_VERSION_CODE
#define BULWARK_HAVE_INODE_FILE_SETATTR
#endif

/*
 * inode->i_ctime became private behind inode_get_ctime() in v6.6 ("fs:
 * add ctime accessors infrastructure").
 */
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
#define bulwark_inode_ctime(inode) inode_get_ctime(inode)
#else
#define bulwark_inode_ctime(inode) ((inode)->i_ctime)
#endif

/*
 * v6.12 moved <asm/unaligned.h> to <linux/unaligned.h> ("move
 * asm/unaligned.h to linux/unaligned.h").  sparse has no __has_include.
 */
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * With x86 IBT (v5.18, "x86/ibt: Base IBT bits") a kprobe placed at a
 * symbol lands past the function's ENDBR instruction; the function's
 * own start is that many bytes before.
 */
#ifdef CONFIG_X86_KERNEL_IBT
#define BULWARK_ENDBR_SIZE 4
#else
#define BULWARK_ENDBR_SIZE 0
#endif

/*
 * Direct calls from a function's __fentry__ site to a trampoline of
 * this module (hook.c), where the kernel has them
 * (DYNAMIC_FTRACE_WITH_DIRECT_CALLS, x86-64 only here).  v6.6 ("ftrace:
 * Rename _ftrace_direct_multi APIs to _ftrace_direct APIs") made the
 * ftrace_ops-based interface the only one; before, a direct call was
 * registered on one address.  Both take the function's start, even past
 * an ENDBR.
 */
#if defined(CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS) && defined(CONFIG_X86_64)
#define BULWARK_HAVE_DIRECT_CALLS
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
static inline int bulwark_direct_register(struct ftrace_ops *ops,
					  unsigned long ip, unsigned long addr)
{
	int err = ftrace_set_filter_ip(ops, ip, 0, 0);

	if (err)
		return err;
	err = register_ftrace_direct(ops, addr);
	if (err)
		ftrace_free_filter(ops);
	return err;
}

static inline int bulwark_direct_unregister(struct ftrace_ops *ops,
					    unsigned long ip,
					    unsigned long addr)
{
	return unregister_ftrace_direct(ops, addr, true);
}
#else
static inline int bulwark_direct_register(struct ftrace_ops *ops,
					  unsigned long ip, unsigned long addr)
{
	return register_ftrace_direct(ip, addr);
}

static inline int bulwark_direct_unregister(struct ftrace_ops *ops,
					    unsigned long ip,
					    unsigned long addr)
{
	return unregister_ftrace_direct(ip, addr);
}
#endif

/*
 * What a direct trampoline must do at its start and end: v5.18 ("x86/ibt:
 * Base IBT bits") added ASM_ENDBR, v6.2 ("x86/ftrace: Make it call depth
 * tracking aware") CALL_DEPTH_ACCOUNT; ASM_RET is the return thunk's.
 */
#include <asm/linkage.h>
#include <asm/nospec-branch.h>
#if KERNEL_VERSION(5, 18, 0) <= LINUX_VERSION_CODE
#include <asm/ibt.h>
#endif
#ifndef ASM_ENDBR
#define ASM_ENDBR
#endif
#ifndef CALL_DEPTH_ACCOUNT
#define CALL_DEPTH_ACCOUNT ""
#endif
#endif /* CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS && CONFIG_X86_64 */

/*
 * Opening a block device by number: blkdev_get_by_dev() returned the
 * block_device until v6.8; v6.9 replaced it with bdev_file_open_by_dev(),
 * which returns a struct file ("block: remove bdev_handle completely").
 * v6.5 ("block: use the holder as indication for exclusive opens") gave
 * blkdev_get_by_dev() and blkdev_put() their last form.  bulwark opens
 * read-only, without a holder, only to look at the device.
 */
#if KERNEL_VERSION(6, 9, 0) <= LINUX_VERSION_CODE
#define BULWARK_BDEV_FILE
#elif KERNEL_VERSION(6, 5, 0) <= LINUX_VERSION_CODE
#define BULWARK_BDEV_HOLDER_ARG
#endif

/*
 * cgroup v2 checks a move in cgroup_attach_permissions(), which takes
 * the cgroup namespace of the file's opener since v5.16 ("cgroup: Use
 * open-time cgroup namespace for process migration perm checks");
 * before, the check that knows the destination is
 * cgroup_procs_write_permission(), whose callers the compiler inlines
 * it into on no supported kernel.  The same fix, backported to v5.10.y
 * (v5.10.9x, for CVE-2021-4197), gave that function the namespace too:
 * bulwark supports v5.10 from that stable series on.
 */
#if KERNEL_VERSION(5, 16, 0) <= LINUX_VERSION_CODE
#define BULWARK_ATTACH_PERMISSIONS_NS
#endif

/*
 * v7.2 gave the compressed module file its own kernel_read_file id
 * (READING_MODULE_COMPRESSED), read before it is decompressed.
 */
#if KERNEL_VERSION(7, 2, 0) <= LINUX_VERSION_CODE
#define BULWARK_READING_MODULE_COMPRESSED
#endif

/*
 * The file a task's mm runs, with a reference.  v6.7 made
 * get_file_rcu() take the __rcu pointer itself ("fs: rework
 * get_file_rcu()"); get_mm_exe_file() is not exported everywhere.
 */
static inline struct file *bulwark_get_exe_file(struct mm_struct *mm)
{
	struct file *file;

	rcu_read_lock();
#if KERNEL_VERSION(6, 7, 0) <= LINUX_VERSION_CODE
	file = get_file_rcu(&mm->exe_file);
#else
	file = rcu_dereference(mm->exe_file);
	if (file && !get_file_rcu(file))
		file = NULL;
#endif
	rcu_read_unlock();
	return file;
}

#endif /* __KERNEL__ */

#endif /* _BULWARK_COMPAT_H */
