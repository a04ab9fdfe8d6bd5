/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bulwark selftests - contexts: who runs an operation
 *
 * spawn_in_context() forks a child that first becomes a host task, pid 1 of
 * a new pid namespace, root of a new user namespace, root without
 * CAP_SYS_ADMIN, or an unprivileged user, then runs a function.  A child
 * reports through its exit code and through memory shared with the test
 * (shared_alloc(), or the fixture data with FIXTURE_TEARDOWN_PARENT()), never
 * with ASSERT (see common.h).
 *
 * Included by common.h.
 */

#ifndef BULWARK_SELFTESTS_CONTEXT_H
#define BULWARK_SELFTESTS_CONTEXT_H

/* Exit code of a context child whose namespace or credential setup failed. */
#define CTX_SETUP_FAILED 125

/* An unprivileged identity for the "reads are allowed to all" checks. */
#define NOBODY_ID 65534

enum context {
	/* A plain child of the test: host root with every capability. */
	CTX_HOST,
	/* Pid 1 of a new pid namespace, still root in the initial userns. */
	CTX_PIDNS,
	/* A new user namespace where uid 0 and gid 0 map to 0 and 0. */
	CTX_USERNS,
	/* Both: pid 1 of a pid namespace owned by a new user namespace. */
	CTX_USERNS_PIDNS,
	/* Host uid 0 without CAP_SYS_ADMIN (nor a way to get it back). */
	CTX_NO_SYS_ADMIN,
	/* uid and gid NOBODY_ID, no capabilities. */
	CTX_UNPRIV,
};

static __maybe_unused const char *context_name(enum context ctx)
{
	switch (ctx) {
	case CTX_HOST:
		return "host";
	case CTX_PIDNS:
		return "pid namespace";
	case CTX_USERNS:
		return "user namespace";
	case CTX_USERNS_PIDNS:
		return "user and pid namespaces";
	case CTX_NO_SYS_ADMIN:
		return "uid 0 without CAP_SYS_ADMIN";
	case CTX_UNPRIV:
		return "unprivileged user";
	}
	return "?";
}

static int enter_userns(void)
{
	if (unshare(CLONE_NEWUSER))
		return -1;
	/* Without CAP_SETGID in the parent, gid_map needs setgroups denied. */
	if (write_file("/proc/self/setgroups", 0, "deny", 4) != 4 ||
	    write_file("/proc/self/gid_map", 0, "0 0 1", 5) != 5 ||
	    write_file("/proc/self/uid_map", 0, "0 0 1", 5) != 5)
		return -1;
	return 0;
}

/* Removes @cap from the bounding, inheritable, permitted, effective sets. */
static int drop_capability(unsigned int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	const unsigned int i = CAP_TO_INDEX(cap);

	if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
		return -1;
	if (syscall(__NR_capget, &hdr, data))
		return -1;
	data[i].effective &= ~CAP_TO_MASK(cap);
	data[i].permitted &= ~CAP_TO_MASK(cap);
	data[i].inheritable &= ~CAP_TO_MASK(cap);
	return syscall(__NR_capset, &hdr, data);
}

/* Changing every uid from 0 to non-zero clears all capability sets. */
static int become_unprivileged(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY_ID, NOBODY_ID, NOBODY_ID) ||
	    setresuid(NOBODY_ID, NOBODY_ID, NOBODY_ID))
		return -1;
	return 0;
}

static int wait_status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

/* Forks, then runs @fn in a new pid namespace, as its pid 1. */
static void __attribute__((noreturn))
run_as_pid1(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	if (unshare(CLONE_NEWPID))
		_exit(CTX_SETUP_FAILED);
	pid = fork();
	if (pid < 0)
		_exit(CTX_SETUP_FAILED);
	if (pid == 0) {
		/* Dies with the intermediate process, e.g. on teardown. */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid)
		_exit(CTX_SETUP_FAILED);
	_exit(wait_status_code(status));
}

/*
 * Starts @fn(@arg) in a child process that first enters @ctx.  The child's
 * exit code is @fn's return value, or CTX_SETUP_FAILED when entering @ctx
 * failed.  Returns the pid for wait_context(), or -1.
 */
static pid_t __maybe_unused spawn_in_context(enum context ctx,
					     int (*fn)(void *), void *arg)
{
	pid_t pid;
	int ret = 0;

	fflush(NULL);
	pid = fork();
	if (pid != 0)
		return pid;

	switch (ctx) {
	case CTX_HOST:
		break;
	case CTX_PIDNS:
		run_as_pid1(fn, arg); /* Does not return. */
	case CTX_USERNS:
		ret = enter_userns();
		break;
	case CTX_USERNS_PIDNS:
		if (enter_userns())
			_exit(CTX_SETUP_FAILED);
		run_as_pid1(fn, arg); /* Does not return. */
	case CTX_NO_SYS_ADMIN:
		ret = drop_capability(CAP_SYS_ADMIN);
		break;
	case CTX_UNPRIV:
		ret = become_unprivileged();
		break;
	}
	if (ret)
		_exit(CTX_SETUP_FAILED);
	_exit(fn(arg));
}

/* Waits for a spawn_in_context() child: its exit code, 128 + signal, or -1. */
static int __maybe_unused wait_context(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return wait_status_code(status);
}

static int __maybe_unused run_in_context(enum context ctx, int (*fn)(void *),
					 void *arg)
{
	return wait_context(spawn_in_context(ctx, fn, arg));
}

/* Runs @path without arguments: its exit code, 128 + signal, or -1. */
static int __maybe_unused run_program(const char *path)
{
	char *const argv[] = { (char *)path, NULL };
	char *const envp[] = { NULL };
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		execve(path, argv, envp);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return wait_status_code(status);
}

/* What a context child did with the knobs, in memory shared with the test. */
struct access_report {
	bool write;
	unsigned long long attempt[KNOB_COUNT];
	struct {
		ssize_t write_ret;
		int write_errno;
		int read_ret;
		int read_errno;
		unsigned long long value;
	} knob[KNOB_COUNT];
};

/* In the child: writes each knob if asked to, then reads it. */
static int access_knobs(void *arg)
{
	struct access_report *const r = arg;
	int i;

	for (i = 0; i < KNOB_COUNT; i++) {
		if (r->write) {
			errno = 0;
			r->knob[i].write_ret =
				write_knob_u64(knobs[i].name, r->attempt[i]);
			r->knob[i].write_errno = errno;
		}
		errno = 0;
		r->knob[i].read_ret =
			read_knob(knobs[i].name, &r->knob[i].value);
		r->knob[i].read_errno = errno;
	}
	return 0;
}

/*
 * Has a child in @ctx write @attempt[i] to each knob (or only read them when
 * @attempt is NULL).  Returns the report, or NULL after SKIP() when @ctx
 * cannot be entered.
 */
static __maybe_unused struct access_report *
run_access(struct __test_metadata *const _metadata, const enum context ctx,
	   const unsigned long long *attempt)
{
	struct access_report *r = shared_alloc(sizeof(*r));
	int ret;

	ASSERT_NE(NULL, r);
	if (attempt) {
		r->write = true;
		memcpy(r->attempt, attempt, sizeof(r->attempt));
	}
	ret = run_in_context(ctx, access_knobs, r);
	if (ret == CTX_SETUP_FAILED)
		SKIP(return NULL, "cannot enter the %s context",
		     context_name(ctx));
	ASSERT_EQ(0, ret);
	return r;
}

#endif /* BULWARK_SELFTESTS_CONTEXT_H */
