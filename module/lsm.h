/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - the security hooks
 */

#ifndef _BULWARK_LSM_H
#define _BULWARK_LSM_H

int bulwark_lsm_init(void);
void bulwark_lsm_exit(void);

#endif /* _BULWARK_LSM_H */
