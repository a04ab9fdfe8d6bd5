/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - every kernel-version difference, in one place
 *
 * Features are tested directly where the kernel gives a way to; each
 * LINUX_VERSION_CODE test names the upstream change it stands for.
 */

#ifndef _BULWARK_COMPAT_H
#define _BULWARK_COMPAT_H

#include <linux/ftrace.h>
#include <linux/sysctl.h>
#include <linux/version.h>

/*
 * Where the architecture passes the argument registers in struct
 * ftrace_regs (HAVE_DYNAMIC_FTRACE_WITH_ARGS, x86 since v5.11), an
 * IPMODIFY ops may leave out SAVE_REGS, which makes the trampoline much
 * cheaper; livepatch makes the same choice.
 */
#ifdef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
#define BULWARK_FTRACE_OPS_FLAGS FTRACE_OPS_FL_IPMODIFY
#else
#define BULWARK_FTRACE_OPS_FLAGS \
	(FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_SAVE_REGS)
#endif

/*
 * The n-th argument of the traced function, read in an ftrace callback.
 * ftrace_regs_get_argument() is generic from v6.x on; before it, x86's
 * struct ftrace_regs wraps a pt_regs whose argument registers are valid.
 */
#ifdef ftrace_regs_get_argument
#define bulwark_fregs_arg(fregs, n) ftrace_regs_get_argument(fregs, n)
#elif defined(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS)
#define bulwark_fregs_arg(fregs, n) \
	regs_get_kernel_argument(&(fregs)->regs, n)
#else
#define bulwark_fregs_arg(fregs, n) \
	regs_get_kernel_argument(ftrace_get_regs(fregs), n)
#endif

/*
 * ftrace_instruction_pointer_set() was renamed
 * ftrace_regs_set_instruction_pointer() in v6.7; test for the macro.
 */
#ifdef ftrace_regs_set_instruction_pointer
#define bulwark_fregs_set_ip(fregs, ip) \
	ftrace_regs_set_instruction_pointer(fregs, ip)
#else
#define bulwark_fregs_set_ip(fregs, ip) \
	ftrace_instruction_pointer_set(fregs, ip)
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

#endif /* _BULWARK_COMPAT_H */
