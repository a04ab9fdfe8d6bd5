/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - the securityfs file "blocklist"
 */

#ifndef _BULWARK_BLOCKLISTFS_H
#define _BULWARK_BLOCKLISTFS_H

int bulwark_blocklistfs_init(void);
void bulwark_blocklistfs_exit(void);

#endif /* _BULWARK_BLOCKLISTFS_H */
