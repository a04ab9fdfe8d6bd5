/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - which tasks are contained
 */

#ifndef _BULWARK_CONTAIN_H
#define _BULWARK_CONTAIN_H

#include <linux/types.h>

bool bulwark_current_contained(void);
bool bulwark_current_in_container(void);

#endif /* _BULWARK_CONTAIN_H */
