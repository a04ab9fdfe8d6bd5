/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in for <linux/slab.h>; see types.h. */
#ifndef BULWARK_SHIM_LINUX_SLAB_H
#define BULWARK_SHIM_LINUX_SLAB_H

#include <stdlib.h>

#define GFP_KERNEL 0

static inline void *kmalloc(size_t size, int gfp)
{
	(void)gfp;
	return malloc(size);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

#endif
