/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - container patterns in cgroup paths
 *
 * Pure string code, also built in user space by the unit test
 * selftests/cgpath_test.c.
 */

#ifndef _BULWARK_CGPATH_H
#define _BULWARK_CGPATH_H

#include <linux/types.h>

bool bulwark_cgpath_classify(const char *path, size_t len, char *id,
			     size_t id_size);
bool bulwark_cgpath_under(const char *path, size_t len, const char *prefix,
			  size_t prefix_len);

#endif /* _BULWARK_CGPATH_H */
