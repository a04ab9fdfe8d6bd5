/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - the security hooks
 */

#ifndef _BULWARK_LSM_H
#define _BULWARK_LSM_H

#include <linux/fcntl.h>
#include <linux/fs.h>

#include "compat.h"

/**
 * bulwark_want_first_quick - might an open concern a rule?
 * @fregs: the registers of a call to security_file_open()
 *
 * The beginning of lsm.c's want test for opens, inlined in the ftrace
 * callback (hook.c) for the most frequent call of all: an open for
 * reading, without O_TRUNC, of anything but a character device (the
 * escape rule judges device-mapper's control device in any mode) can
 * concern no rule and returns false here, in a few instructions.  Any
 * other open is left to bulwark_want_first().
 *
 * Return: false when no rule can want the open.
 */
static __always_inline bool
bulwark_want_first_quick(struct bulwark_ftrace_regs *fregs)
{
	const struct file *file = (void *)bulwark_fregs_arg(fregs, 0);

	return (file->f_mode & FMODE_WRITE) || (file->f_flags & O_TRUNC) ||
	       S_ISCHR(file_inode(file)->i_mode);
}

#ifdef BULWARK_HAVE_DIRECT_CALLS
struct vm_area_struct;

/* security_file_mprotect()'s direct trampoline, and what it calls. */
void bulwark_mprotect_direct(void);
unsigned long bulwark_mprotect_want(struct vm_area_struct *vma,
				    unsigned long reqprot, unsigned long prot,
				    unsigned long parent_ip);
#endif

int bulwark_lsm_init(void);
void bulwark_lsm_exit(void);

#endif /* _BULWARK_LSM_H */
