/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - which tasks are contained
 */

#ifndef _BULWARK_CONTAIN_H
#define _BULWARK_CONTAIN_H

#include <linux/types.h>

struct cgroup;
struct task_struct;

/* Room for a container id: 64 hex digits, or a name, and a NUL. */
#define BULWARK_CONTAINER_ID_LEN 72

bool bulwark_current_maybe_contained(int max_scope);
int bulwark_current_contained_cached(int max_scope);
bool bulwark_current_contained(int max_scope);
bool bulwark_current_contained_atomic(int max_scope);
bool bulwark_task_contained_atomic(struct task_struct *task);
struct cgroup *bulwark_container_root(struct cgroup *own,
				      struct cgroup *ns_root, char *buf);
void bulwark_container_id_atomic(char *buf, size_t len);
bool bulwark_cgroup_exempt(struct cgroup *cgrp, char *buf);
void bulwark_container_id(char *buf, size_t len);
bool bulwark_current_in_container(void);
void bulwark_contain_flush(void);
int bulwark_contain_init(void);
void bulwark_contain_exit(void);

#endif /* _BULWARK_CONTAIN_H */
