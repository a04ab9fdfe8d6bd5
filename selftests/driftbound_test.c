// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark selftests - the drift rule at its memory bound
 *
 * The rule remembers at most BOUND files written by contained tasks.  A
 * contained task (pid 1 of a pid namespace) writes more files than that
 * on a tmpfs the host mounted; the test measures what the marks cost in
 * unreclaimable slab memory against the same number of files written by
 * a host task, and checks that reaching the bound allows nothing: the
 * first file and the last one, written past the bound, are both refused
 * in enforce mode, and the kernel log says the bound was reached.  Once
 * that tmpfs is unmounted, a new one (which may get the same device
 * number) starts clean.
 */

#include <sched.h>
#include <sys/mount.h>

#include "common.h"

/* BULWARK_DRIFT_MAX_MARKS in module/drift.h. */
#define BOUND (1U << 17)
#define EXTRA 2048
#define BASE "/tmp/bulwark-driftbound"
#define COUNTER(name) SYSFS_DIR "/counters/" name
#define EXEC_FAILED 100
#define STACK_SIZE (256 * 1024)

struct fill {
	const char *dir;
	const char *helper;
	unsigned int count;
	/* Copies of the helper written before and after the fill, or NULL. */
	const char *first, *last;
	/* The files run then, or NULL; and the errno of each run. */
	const char *run[2];
	int err[2];
};

/* Unreclaimable slab memory, in kB, or -1. */
static long sunreclaim_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SUnreclaim: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Runs @path in a child; 0 if it ran, else the errno of execve(). */
static int run(const char *path)
{
	char *const argv[] = { (char *)path, NULL };
	char *const envp[] = { NULL };
	int status, *err;
	pid_t pid;

	err = shared_alloc(sizeof(*err));
	if (!err)
		return -1;
	*err = 0;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		execve(path, argv, envp);
		*err = errno;
		_exit(EXEC_FAILED);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	if (WEXITSTATUS(status) == EXEC_FAILED)
		return *err;
	return WEXITSTATUS(status) ? -1 : 0;
}

/* Writes f->count empty files into f->dir, then runs f->run[]. */
static int do_fill(void *arg)
{
	struct fill *f = arg;
	char name[32];
	unsigned int i;
	int dfd, fd;

	dfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 1;
	if (f->first && copy_file(f->helper, f->first))
		return 2;
	for (i = 0; i < f->count; i++) {
		snprintf(name, sizeof(name), "f%u", i);
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			    0644);
		if (fd < 0)
			return 3;
		close(fd);
	}
	if (f->last && copy_file(f->helper, f->last))
		return 4;
	for (i = 0; i < 2; i++)
		if (f->run[i])
			f->err[i] = run(f->run[i]);
	close(dfd);
	return 0;
}

/* Runs do_fill(@f), in a new pid namespace if @contained; its status. */
static int fill(struct fill *f, bool contained)
{
	char *stack = malloc(STACK_SIZE);
	int status;
	pid_t pid;

	if (!stack)
		return -1;
	pid = clone(do_fill, stack + STACK_SIZE,
		    (contained ? CLONE_NEWPID : 0) | SIGCHLD, f);
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		free(stack);
		return -1;
	}
	free(stack);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

FIXTURE(bound)
{
	char helper[PATH_MAX];
	bool mounted;
	unsigned long long mode;
};

FIXTURE_SETUP(bound)
{
	const char *why = module_unavailable(true);

	if (why)
		SKIP(return, "%s", why);
	ensure_loaded(_metadata);
	ASSERT_EQ(0, helper_path(self->helper, sizeof(self->helper)));
	self->mode = get_knob(_metadata, "drift_mode");
	set_knob(_metadata, "drift_mode", 2);
	ASSERT_TRUE(!mkdir(BASE, 0755) || errno == EEXIST);
	ASSERT_EQ(0, mount("tmpfs", BASE, "tmpfs", 0, "mode=0755,nr_inodes=0"));
	self->mounted = true;
	ASSERT_EQ(0, mkdir(BASE "/host", 0755));
	ASSERT_EQ(0, mkdir(BASE "/ctr", 0777));
}

FIXTURE_TEARDOWN(bound)
{
	if (self->mounted)
		umount2(BASE, MNT_DETACH);
	if (module_loaded())
		write_knob_u64("drift_mode", self->mode);
}

TEST_F_TIMEOUT(bound, past_the_bound, 1800)
{
	struct fill *f = shared_alloc(sizeof(*f));
	unsigned long long blocked0, blocked1;
	long s0, s1, s2, host_kb, ctr_kb;
	struct stat st0, st1;
	double per_mark;
	int kmsg;

	ASSERT_NE(NULL, f);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, kmsg);
	ASSERT_LE(0, lseek(kmsg, 0, SEEK_END));

	/* The same number of files, first by a host task. */
	s0 = sunreclaim_kb();
	*f = (struct fill){ .dir = BASE "/host", .helper = self->helper,
			    .count = BOUND + EXTRA };
	ASSERT_EQ(0, fill(f, false));
	s1 = sunreclaim_kb();

	/* Then by a contained one, past the bound. */
	blocked0 = counter(_metadata, COUNTER("drift_blocked"));
	*f = (struct fill){ .dir = BASE "/ctr", .helper = self->helper,
			    .count = BOUND + EXTRA,
			    .first = BASE "/ctr/first", .last = BASE "/ctr/last",
			    .run = { BASE "/ctr/first", BASE "/ctr/last" } };
	ASSERT_EQ(0, fill(f, true));
	s2 = sunreclaim_kb();
	blocked1 = counter(_metadata, COUNTER("drift_blocked"));

	ASSERT_LT(0, s0);
	host_kb = s1 - s0;
	ctr_kb = s2 - s1;
	per_mark = (double)(ctr_kb - host_kb) * 1024 / BOUND;
	TH_LOG("%u files each: host writer +%ld kB, contained writer +%ld kB of unreclaimable slab: %.1f bytes per mark, %.1f MiB at the bound",
	       BOUND + EXTRA, host_kb, ctr_kb, per_mark,
	       per_mark * BOUND / (1024 * 1024));
	/* A mark is one 64-byte allocation; the bound holds it to that. */
	EXPECT_LT(40.0, per_mark);
	EXPECT_GT(96.0, per_mark);

	/* The first file was remembered; the last one is past the bound. */
	EXPECT_EQ(EPERM, f->err[0]);
	EXPECT_EQ(EPERM, f->err[1]);
	EXPECT_EQ(blocked0 + 2, blocked1);
	EXPECT_TRUE(kmsg_find_both(kmsg, "bulwark: drift:",
				   "cannot remember more files"));
	/* The host keeps its rights. */
	EXPECT_EQ(0, run(BASE "/ctr/last"));

	/* A new tmpfs, perhaps with the same device number, starts clean. */
	ASSERT_EQ(0, stat(BASE, &st0));
	ASSERT_EQ(0, umount2(BASE, 0));
	self->mounted = false;
	ASSERT_EQ(0, mount("tmpfs", BASE, "tmpfs", 0, "mode=0755"));
	self->mounted = true;
	ASSERT_EQ(0, stat(BASE, &st1));
	TH_LOG("device %s after the unmount",
	       st0.st_dev == st1.st_dev ? "reused" : "not reused");
	ASSERT_EQ(0, copy_file(self->helper, BASE "/hostfile"));
	blocked0 = counter(_metadata, COUNTER("drift_blocked"));
	*f = (struct fill){ .dir = BASE, .helper = self->helper,
			    .last = BASE "/dropped",
			    .run = { BASE "/hostfile", BASE "/dropped" } };
	ASSERT_EQ(0, fill(f, true));
	EXPECT_EQ(0, f->err[0]);
	EXPECT_EQ(EPERM, f->err[1]);
	EXPECT_EQ(blocked0 + 1, counter(_metadata, COUNTER("drift_blocked")));
	close(kmsg);
}

TEST_HARNESS_MAIN
