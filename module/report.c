// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - reporting decisions
 *
 * Every decision is one kernel log line of key=value pairs, with the
 * strings that users control quoted and escaped, rate-limited as a
 * whole; and, when the audit subsystem is enabled, one
 * AUDIT_KERNEL_OTHER record with the same fields.  Counting is the
 * callers' business and never rate-limited.
 *
 * bulwark does not rate-limit audit records: the audit trail is meant
 * to hold every decision, and the administrator bounds it with the
 * audit subsystem's own rate limit and backlog (auditctl -r, -b).  Nor
 * does it wait for the audit backlog to drain: several hooks run with
 * the parent directory's i_rwsem held (and renames with the
 * filesystem's rename mutex), so a contained task made to sleep there
 * for audit_backlog_wait_time would stall the host's own tasks on that
 * directory.  When the backlog is full the record is dropped and the
 * audit subsystem counts it as lost, as it does for SELinux's.  The
 * record joins the task's audit context, so the audit subsystem adds
 * its SYSCALL and PATH records at syscall exit, and those may wait for
 * the backlog: by then no lock is held, and only the task that caused
 * them waits.
 *
 * Files that the exec rule cannot hash are reported on their own line,
 * under a rate limit of their own, so that a flood of denials cannot
 * hide them.
 */

#include "common.h"

#include <linux/audit.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string_helpers.h>

#include "compat.h"
#include "contain.h"
#include "report.h"

/* At most 10 lines every 5 seconds, as printk_ratelimit() allows. */
static DEFINE_RATELIMIT_STATE(report_ratelimit, 5 * HZ, 10);

/**
 * struct report_strings - the text of one report
 *
 * The strings are escaped where users control them and live as long as
 * the report.
 */
struct report_strings {
	/**
	 * @comm: the task's command name, quotable.
	 */
	char *comm;
	/**
	 * @path: the file's path, quotable.
	 */
	char *path;
	/**
	 * @label: the blocklist entry's label, quotable.
	 */
	char *label;
	/**
	 * @container: the container's id, or "-".
	 */
	char container[BULWARK_CONTAINER_ID_LEN];
	/**
	 * @sha256: the digest in hex.
	 */
	char sha256[BULWARK_SHA256_HEX_LEN + 1];
	/**
	 * @extra: " error=<n>", " target=<pid>" and " module=\"<name>\"", or "".
	 */
	char extra[32 + 4 * MODULE_NAME_LEN];
};

/*
 * @path's name, and @child's after it when @child is not NULL, with
 * allocations of @gfp.
 */
static char *quotable_path_gfp(const struct path *path, const char *child,
			       gfp_t gfp)
{
	char *buf, *name, *joined = NULL, *quoted = NULL;

	if (!path)
		return NULL;
	buf = kmalloc(PATH_MAX, gfp);
	if (!buf)
		return NULL;
	name = d_path(path, buf, PATH_MAX);
	if (IS_ERR(name))
		goto out_putname;
	if (child) {
		/* The root's name is "/" already. */
		joined = kasprintf(gfp, "%s/%s", name[1] ? name : "", child);
		if (!joined)
			goto out_putname;
		name = joined;
	}
	quoted = kstrdup_quotable(name, gfp);
	kfree(joined);
out_putname:
	kfree(buf);
	return quoted;
}

static void report_log(const struct bulwark_event *ev,
		       const struct report_strings *s)
{
	if (ev->sha256)
		pr_notice("action=%s op=%s reason=%s pid=%d comm=\"%s\" container=%s path=\"%s\" sha256=%s label=\"%s\"\n",
			  ev->deny ? "deny" : "audit", ev->op, ev->reason,
			  task_pid_nr(current), s->comm ?: "?", s->container,
			  s->path ?: "?", s->sha256, s->label ?: "");
	else
		pr_notice("action=%s op=%s reason=%s pid=%d comm=\"%s\" container=%s path=\"%s\"%s\n",
			  ev->deny ? "deny" : "audit", ev->op, ev->reason,
			  task_pid_nr(current), s->comm ?: "?", s->container,
			  s->path ?: "?", s->extra);
}

static void report_audit(const struct bulwark_event *ev,
			 const struct report_strings *s)
{
	struct audit_buffer *ab;

	/* Never waits for the backlog: see the top of this file. */
	ab = audit_log_start(audit_context(), GFP_NOWAIT | __GFP_NOWARN,
			     AUDIT_KERNEL_OTHER);
	if (!ab)
		return;
	audit_log_format(ab, "bulwark action=%s op=%s reason=%s pid=%d",
			 ev->deny ? "deny" : "audit", ev->op, ev->reason,
			 task_pid_nr(current));
	audit_log_format(ab, " comm=\"%s\" container=%s path=\"%s\"%s",
			 s->comm ?: "?", s->container, s->path ?: "?", s->extra);
	if (ev->sha256)
		audit_log_format(ab, " sha256=%s label=\"%s\"", s->sha256,
				 s->label ?: "");
	audit_log_end(ab);
}

/**
 * bulwark_report - log and audit one decision
 * @ev: the decision
 *
 * May sleep, but not for the audit backlog.  The log line is
 * rate-limited, the audit record is not; strings are escaped the same
 * way in both.
 */
void bulwark_report(const struct bulwark_event *ev)
{
	struct report_strings s = {};
	char comm[TASK_COMM_LEN];
	bool log = __ratelimit(&report_ratelimit);

	gfp_t gfp = ev->atomic ? GFP_ATOMIC : GFP_KERNEL;
	char *module = NULL;

	if (!log && !audit_enabled)
		return;

	if (ev->atomic)
		bulwark_container_id_atomic(s.container, sizeof(s.container));
	else
		bulwark_container_id(s.container, sizeof(s.container));
	if (ev->sha256)
		bin2hex(s.sha256, ev->sha256, BULWARK_SHA256_SIZE);
	if (ev->path)
		s.path = quotable_path_gfp(ev->path, ev->name, gfp);
	else
		s.path = kstrdup_quotable(ev->text ?: "-", gfp);

	/* Not get_task_comm(): an atomic caller may hold another task_lock(). */
	strscpy_pad(comm, current->comm, sizeof(comm));
	s.comm = kstrdup_quotable(comm, gfp);
	if (ev->label)
		s.label = kstrdup_quotable(ev->label, gfp);
	if (ev->module)
		module = kstrdup_quotable(ev->module, gfp);
	if (ev->error)
		snprintf(s.extra, sizeof(s.extra), " error=%d", ev->error);
	if (ev->target)
		snprintf(s.extra + strlen(s.extra),
			 sizeof(s.extra) - strlen(s.extra), " target=%d",
			 ev->target);
	if (ev->module)
		snprintf(s.extra + strlen(s.extra),
			 sizeof(s.extra) - strlen(s.extra), " module=\"%s\"",
			 module ?: "?");

	if (log)
		report_log(ev, &s);
	if (audit_enabled)
		report_audit(ev, &s);

	kfree(module);
	kfree(s.label);
	kfree(s.comm);
	kfree(s.path);
}
