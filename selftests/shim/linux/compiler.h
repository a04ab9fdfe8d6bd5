/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in for <linux/compiler.h>; see types.h. */
#ifndef BULWARK_SHIM_LINUX_COMPILER_H
#define BULWARK_SHIM_LINUX_COMPILER_H

/* User pointers are plain pointers here. */
#define __user

#endif
