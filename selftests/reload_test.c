// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark tests - unloading and reloading under load
 *
 * Installing and removing the ftrace hooks must never make a hooked
 * operation fail, nor a load or an unload: workers on the host and in
 * containers open files, make a page of a program executable and execute
 * it without a pause while the module comes and goes.
 *
 * And the host's root unloads it only the plain way: a forced unload
 * (rmmod -f) of bulwark is refused even while it is not locked, as it
 * would free the code of policy files still open.
 */

#include "common.h"

#define RELOADS 12

/* Longest wait, in milliseconds, for every worker to make progress. */
#define PROGRESS_TIMEOUT_MS 60000

static const enum context worker_contexts[] = {
	CTX_HOST,
	CTX_PIDNS,
	CTX_USERNS,
};

#define WORKERS ARRAY_SIZE(worker_contexts)

struct worker {
	/* Inputs. */
	const int *stop;
	char file[PATH_MAX];
	char helper[PATH_MAX];
	/* Outputs. */
	unsigned long loops;
	unsigned long failures;
	char first_failure[128];
};

/* Shared between the test and its workers. */
struct reload_shared {
	int stop;
	struct worker worker[WORKERS];
};

static void worker_failed(struct worker *w, const char *what, int err)
{
	if (!w->failures++)
		snprintf(w->first_failure, sizeof(w->first_failure),
			 "%s: %s (loop %lu)", what, strerror(err), w->loops);
}

/* Maps a page of the program and makes it executable (a direct hook). */
static void worker_mprotect(struct worker *w)
{
	void *p;
	int fd;

	fd = open(w->helper, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		worker_failed(w, "open the program", errno);
		return;
	}
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		worker_failed(w, "mmap", errno);
	} else {
		if (mprotect(p, 4096, PROT_READ | PROT_EXEC))
			worker_failed(w, "mprotect", errno);
		munmap(p, 4096);
	}
	close(fd);
}

static void worker_loop(struct worker *w)
{
	int fd, ret;

	fd = open(w->file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		worker_failed(w, "open for write", errno);
	else if (write(fd, "x", 1) != 1)
		worker_failed(w, "write", errno);
	if (fd >= 0 && close(fd))
		worker_failed(w, "close", errno);

	fd = open(w->file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		worker_failed(w, "open for read", errno);
	else if (close(fd))
		worker_failed(w, "close", errno);

	worker_mprotect(w);

	errno = 0;
	ret = run_program(w->helper);
	if (ret)
		worker_failed(w, "fork and execve", ret < 0 ? errno : ECHILD);

	__atomic_add_fetch(&w->loops, 1, __ATOMIC_RELEASE);
}

static int worker_main(void *arg)
{
	struct worker *w = arg;

	while (!__atomic_load_n(w->stop, __ATOMIC_ACQUIRE))
		worker_loop(w);
	return 0;
}

/* Shared with the workers, and with the harness's parent for teardown. */
FIXTURE(reload)
{
	char dir[PATH_MAX];
	struct reload_shared sh;
	pid_t pid[WORKERS];
};

FIXTURE_SETUP(reload)
{
	const char *why = module_unavailable(true);
	char helper[PATH_MAX];
	unsigned int i;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, helper_path(helper, sizeof(helper)));
	if (access(helper, X_OK))
		SKIP(return, "%.200s is missing", helper);
	ensure_loaded(_metadata);
	prepare_tmpfs(_metadata, self->dir);

	for (i = 0; i < WORKERS; i++) {
		struct worker *w = &self->sh.worker[i];

		w->stop = &self->sh.stop;
		ASSERT_GT(sizeof(w->file),
			  (size_t)snprintf(w->file, sizeof(w->file),
					   "%s/worker%u", self->dir, i));
		strcpy(w->helper, helper);
	}
}

FIXTURE_TEARDOWN_PARENT(reload)
{
	unsigned int i;

	__atomic_store_n(&self->sh.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < WORKERS; i++) {
		if (self->pid[i] > 0)
			stop_child(self->pid[i], 100);
	}
	restore_module(_metadata);
	cleanup_tmpfs(_metadata, self->dir);
}

static unsigned long loops(const struct worker *w)
{
	return __atomic_load_n(&w->loops, __ATOMIC_ACQUIRE);
}

/* Waits until every worker has gone through its loop once more. */
static void wait_progress(struct __test_metadata *const _metadata,
			  FIXTURE_DATA(reload) *self, const char *phase)
{
	unsigned long start[WORKERS];
	unsigned int i, ms;
	int status;

	for (i = 0; i < WORKERS; i++)
		start[i] = loops(&self->sh.worker[i]);
	for (i = 0; i < WORKERS; i++) {
		for (ms = 0; loops(&self->sh.worker[i]) <= start[i]; ms++) {
			ASSERT_EQ(0, waitpid(self->pid[i], &status, WNOHANG))
			{
				TH_LOG("%s worker ended (%d) %s",
				       context_name(worker_contexts[i]),
				       wait_status_code(status), phase);
				self->pid[i] = 0;
			}
			ASSERT_GT(PROGRESS_TIMEOUT_MS, (int)ms)
			{
				TH_LOG("%s worker stalled %s",
				       context_name(worker_contexts[i]), phase);
			}
			usleep(1000);
		}
	}
}

TEST_F_TIMEOUT(reload, while_busy, 900)
{
	char phase[64];
	unsigned int i;
	int ret;

	for (i = 0; i < WORKERS; i++) {
		self->pid[i] = spawn_in_context(worker_contexts[i], worker_main,
						&self->sh.worker[i]);
		ASSERT_LT(0, self->pid[i]);
	}
	wait_progress(_metadata, self, "before the first unload");

	for (i = 0; i < RELOADS; i++) {
		ASSERT_EQ(0, unload_module())
		{
			TH_LOG("unload %u: %s", i, strerror(errno));
		}
		snprintf(phase, sizeof(phase), "after unload %u", i);
		wait_progress(_metadata, self, phase);

		/* Every other time, the host's tasks go through the rules too. */
		ASSERT_EQ(0, load_module(i % 2 ? "" : "scope=2"))
		{
			TH_LOG("load %u: %s", i, strerror(errno));
		}
		snprintf(phase, sizeof(phase), "after load %u", i);
		wait_progress(_metadata, self, phase);
	}

	__atomic_store_n(&self->sh.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < WORKERS; i++) {
		const struct worker *w = &self->sh.worker[i];

		ret = wait_context(self->pid[i]);
		self->pid[i] = 0;
		EXPECT_EQ(0, ret);
		EXPECT_EQ(0UL, w->failures)
		{
			TH_LOG("%s worker: %lu of %lu loops failed, first %s",
			       context_name(worker_contexts[i]), w->failures,
			       w->loops, w->first_failure);
		}
		TH_LOG("%s worker: %lu loops", context_name(worker_contexts[i]),
		       w->loops);
	}
}

/* A module name that no kernel has. */
#define NO_SUCH_MODULE "bulwark_no_such_module"

FIXTURE(forced_unload)
{
	unsigned long long escape_mode;
};

FIXTURE_SETUP(forced_unload)
{
	const char *why = module_unavailable(true);

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	ASSERT_EQ(0ULL, get_knob(_metadata, knobs[KNOB_LOCKED].name))
	{
		TH_LOG("bulwark is locked: run this before locked_test");
	}
	self->escape_mode = get_knob(_metadata, knobs[KNOB_ESCAPE_MODE].name);
}

FIXTURE_TEARDOWN_PARENT(forced_unload)
{
	if (!module_loaded()) {
		restore_module(_metadata);
		return;
	}
	restore_knob(_metadata, knobs[KNOB_ESCAPE_MODE].name,
		     self->escape_mode);
}

/* Refuses delete_module(bulwark, @flags) with EPERM; bulwark stays. */
static void forced_refused(struct __test_metadata *const _metadata,
			   unsigned int flags)
{
	ASSERT_EQ(-1, sys_delete_module(MODULE_NAME, flags))
	{
		TH_LOG("unloaded by force (flags %#x) while unlocked", flags);
	}
	ASSERT_EQ(EPERM, errno)
	{
		TH_LOG("flags %#x: %s", flags, strerror(errno));
	}
	ASSERT_TRUE(module_loaded());
}

TEST_F_TIMEOUT(forced_unload, refused_unlocked, MODULE_TIMEOUT)
{
	forced_refused(_metadata, O_NONBLOCK | O_TRUNC);
	forced_refused(_metadata, O_TRUNC);
	/* Not the escape rule: the host is not contained, whatever the mode. */
	set_knob(_metadata, knobs[KNOB_ESCAPE_MODE].name, 0);
	forced_refused(_metadata, O_NONBLOCK | O_TRUNC);
	ASSERT_EQ(0ULL, get_knob(_metadata, knobs[KNOB_LOCKED].name));

	/* Unlocked, another module's forced unload is the kernel's affair. */
	ASSERT_EQ(-1, sys_delete_module(NO_SUCH_MODULE, O_NONBLOCK | O_TRUNC));
	ASSERT_EQ(ENOENT, errno);

	/* The plain unload still works, and the module loads again. */
	ASSERT_EQ(0, unload_module())
	{
		TH_LOG("plain unload: %s", strerror(errno));
	}
	ASSERT_FALSE(module_loaded());
	ASSERT_EQ(0, load_module(""))
	{
		TH_LOG("load: %s", strerror(errno));
	}
	ASSERT_EQ(knobs[KNOB_ESCAPE_MODE].def,
		  get_knob(_metadata, knobs[KNOB_ESCAPE_MODE].name));
}

TEST_HARNESS_MAIN
