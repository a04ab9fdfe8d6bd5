// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the policy files in securityfs
 *
 * /sys/kernel/security/bulwark/ holds the policy files; every file in it
 * has mode 0600.
 */

#include "common.h"

#include <linux/err.h>
#include <linux/security.h>

#include "fs.h"

/* The directory; its files are removed before it. */
struct dentry *bulwark_fs_dir;

/**
 * bulwark_fs_init - create /sys/kernel/security/bulwark/
 *
 * Return: 0 on success or a negative errno.
 */
int bulwark_fs_init(void)
{
	bulwark_fs_dir = securityfs_create_dir(BULWARK_NAME, NULL);
	if (IS_ERR(bulwark_fs_dir)) {
		int err = PTR_ERR(bulwark_fs_dir);

		pr_err("cannot create securityfs directory: error %d\n", err);
		bulwark_fs_dir = NULL;
		return err;
	}
	return 0;
}

/**
 * bulwark_fs_exit - remove /sys/kernel/security/bulwark/ and its files
 */
void bulwark_fs_exit(void)
{
	securityfs_remove(bulwark_fs_dir);
}
