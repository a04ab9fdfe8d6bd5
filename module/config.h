/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - run-time settings: sysctls and module parameters
 */

#ifndef _BULWARK_CONFIG_H
#define _BULWARK_CONFIG_H

#include <linux/bits.h>
#include <linux/cache.h>
#include <linux/mutex.h>
#include <linux/types.h>

/* Values of miner_mode, keys_mode, persist_mode, escape_mode, drift_mode. */
#define BULWARK_MODE_OFF 0
#define BULWARK_MODE_AUDIT 1
#define BULWARK_MODE_ENFORCE 2

/* Values of scope. */
#define BULWARK_SCOPE_CGROUP 0
#define BULWARK_SCOPE_NS 1
#define BULWARK_SCOPE_ALL 2

/* Upper bound of hash_max_bytes: 1 TiB. */
#define BULWARK_HASH_MAX_LIMIT BIT_ULL(40)

/*
 * The knobs.  Written only under bulwark_config_mutex, with
 * WRITE_ONCE(); read anywhere with READ_ONCE().
 */
extern int bulwark_miner_mode;
extern int bulwark_keys_mode;
extern int bulwark_persist_mode;
extern int bulwark_escape_mode;
extern int bulwark_drift_mode;
extern int bulwark_scope;
extern unsigned long bulwark_hash_max_bytes;
extern int bulwark_locked;

/*
 * Serialises every change of configuration: the sysctls, and the
 * commit of a policy written through securityfs.  Whoever holds it and
 * sees bulwark_locked clear may change what it protects.
 */
extern struct mutex bulwark_config_mutex;

int bulwark_may_configure(void);
int bulwark_config_init(void);
void bulwark_config_start(void);
void bulwark_config_exit(void);

#endif /* _BULWARK_CONFIG_H */
