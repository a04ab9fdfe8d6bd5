/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in for <linux/string.h>; see types.h. */
#ifndef BULWARK_SHIM_LINUX_STRING_H
#define BULWARK_SHIM_LINUX_STRING_H

#include <string.h>

#endif
