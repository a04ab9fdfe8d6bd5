// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - module initialisation
 *
 * The settings come first, so that the hooks find them in place, and
 * the securityfs files last: exit removes them first, before the long
 * wait for the hooks to drain.  A file opened after delete_module()
 * marked the module as going, and before its removal, makes
 * do_dentry_open() warn (fops_get() fails), so that window must stay
 * short.  Exit undoes init in exactly the reverse order.
 */

#include "common.h"

#include <linux/init.h>
#include <linux/module.h>

#include "blocklist.h"
#include "blocklistfs.h"
#include "config.h"
#include "contain.h"
#include "counters.h"
#include "exec.h"
#include "exempt.h"
#include "drift.h"
#include "escape.h"
#include "fs.h"
#include "keys.h"
#include "lsm.h"

static int __init bulwark_init(void)
{
	int err;

	err = bulwark_contain_init();
	if (err)
		return err;
	err = bulwark_config_init();
	if (err)
		goto out_contain;
	err = bulwark_sysfs_init();
	if (err)
		goto out_config;
	err = bulwark_exec_init();
	if (err)
		goto out_sysfs;
	err = bulwark_keys_init();
	if (err)
		goto out_exec;
	err = bulwark_escape_init();
	if (err)
		goto out_keys;
	err = bulwark_drift_init();
	if (err)
		goto out_escape;
	err = bulwark_lsm_init();
	if (err)
		goto out_drift;
	err = bulwark_fs_init();
	if (err)
		goto out_lsm;
	err = bulwark_blocklistfs_init();
	if (err)
		goto out_fs;
	err = bulwark_exempt_init();
	if (err)
		goto out_blocklistfs;
	err = bulwark_keysfs_init();
	if (err)
		goto out_exempt;

	bulwark_config_start();
	pr_info("version %s loaded\n", BULWARK_VERSION);
	return 0;

out_exempt:
	bulwark_exempt_exit();
out_blocklistfs:
	bulwark_blocklistfs_exit();
out_fs:
	bulwark_fs_exit();
out_lsm:
	bulwark_lsm_exit();
	bulwark_exempt_free();
	bulwark_blocklist_exit();
out_drift:
	bulwark_drift_exit();
out_escape:
	bulwark_escape_exit();
out_keys:
	bulwark_keys_exit();
out_exec:
	bulwark_exec_exit();
out_sysfs:
	bulwark_sysfs_exit();
out_config:
	bulwark_config_exit();
out_contain:
	bulwark_contain_exit();
	return err;
}

static void __exit bulwark_exit(void)
{
	bulwark_keysfs_exit();
	bulwark_exempt_exit();
	bulwark_blocklistfs_exit();
	bulwark_fs_exit();
	bulwark_lsm_exit();
	bulwark_exempt_free();
	bulwark_blocklist_exit();
	bulwark_drift_exit();
	bulwark_escape_exit();
	bulwark_keys_exit();
	bulwark_exec_exit();
	bulwark_sysfs_exit();
	bulwark_config_exit();
	bulwark_contain_exit();
	pr_info("unloaded\n");
}

module_init(bulwark_init);
module_exit(bulwark_exit);

MODULE_DESCRIPTION("Keeps containers from mining, planting keys and persistence, and escaping");
MODULE_AUTHOR("bulwark developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(BULWARK_VERSION);
