// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark selftests - who is contained, by the loaded module
 *
 * SPEC "Who is contained", "scope" and "exempt", observed from outside:
 *
 *  - every form of cgroup_forms.h is made a real cgroup on the guest's
 *    cgroup2 hierarchy and a child is moved into it.  With scope 0 and
 *    miner_mode 1 (audit), the child's exec of the blocklisted "miner"
 *    is counted in exec_audited, and logged with container=<id>, if and
 *    only if the form is a container's; and a container's task may not
 *    write a sysctl (EPERM), a host task may;
 *  - a container seen only on a v1 hierarchy (hybrid hosts), a task
 *    that moves between cgroups, namespaces with scope 1 and 2;
 *  - the "exempt" file: component prefixes, replace and append,
 *    invalid lines, who may write it, and that verdicts follow it.
 */

#include <sys/statfs.h>

#include "common.h"
#include "cgroup_forms.h"

#define CGROUP2_MAGIC 0x63677270
#define CGROOT "/sys/fs/cgroup"
#define EXEMPT SECURITYFS_DIR "/exempt"
#define BLOCKLIST SECURITYFS_DIR "/blocklist"
#define COUNTER(name) SYSFS_DIR "/counters/" name
/* Longest cgroup path of the forms. */
#define CG_PATH_MAX 1024
/* Room for a hierarchy's mount point, a cgroup path and a file name. */
#define CG_BUF (PATH_MAX + CG_PATH_MAX + 32)
/* Most directories one test creates. */
#define MADE_MAX 16
/* The report lines' rate limit: 10 every 5 seconds. */
#define RATELIMIT_WAIT 6

/* What a child does once in its cgroups. */
enum op {
	OP_EXEC,
	OP_SYSCTL,
	/* Write the sysctl in, out of and back in the first cgroup. */
	OP_MOVE,
	/* Open the exempt file for writing. */
	OP_EXEMPT,
};

/**
 * struct job - one child's work, set up by the test
 */
struct job {
	enum op op;
	/* cgroup.procs files to join, in order; NULL-terminated. */
	const char *procs[3];
	/* For OP_MOVE: the cgroup.procs of a host cgroup. */
	const char *away;
	char miner[PATH_MAX];
};

/**
 * struct cgroups - the cgroup directories a test made
 */
struct cgroups {
	int n;
	char dir[MADE_MAX][CG_BUF];
};

/* Writes "0" (the writer itself) to @procs; 0 or -1. */
static int join_cgroup(const char *procs)
{
	return write_file(procs, 0, "0", 1) == 1 ? 0 : -1;
}

/* In a child that joined the job's cgroups before its namespaces. */
static bool joined;

/* In the child: joins the cgroups and does the job; returns 0 or errno. */
static int do_job(void *arg)
{
	const struct job *j = arg;
	char *const argv[] = { (char *)j->miner, NULL };
	char *const envp[] = { NULL };
	int i, fd, first;

	for (i = 0; !joined && j->procs[i]; i++)
		if (join_cgroup(j->procs[i]))
			return CTX_SETUP_FAILED;
	switch (j->op) {
	case OP_EXEC:
		execve(j->miner, argv, envp);
		return errno;
	case OP_SYSCTL:
		return write_knob("scope", "0") < 0 ? errno : 0;
	case OP_MOVE:
		/* EPERM inside, 0 outside, EPERM inside again: 0. */
		first = write_knob("scope", "0") < 0 ? errno : 0;
		if (first != EPERM)
			return 100 + first;
		if (join_cgroup(j->away))
			return CTX_SETUP_FAILED;
		if (write_knob("scope", "0") < 0)
			return 200 + errno;
		if (join_cgroup(j->procs[0]))
			return CTX_SETUP_FAILED;
		if (write_knob("scope", "0") >= 0)
			return 99;
		return errno == EPERM ? 0 : 100 + errno;
	case OP_EXEMPT:
		fd = open(EXEMPT, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	}
	return CTX_SETUP_FAILED;
}

/*
 * In a host child: joins the job's cgroups, then does the job as pid 1 of
 * a new pid namespace, in the order a runtime starts a container.  The
 * other order is refused by the escape rule when the cgroup is exempt: a
 * task that its namespace contains may not make itself exempt.
 */
static int join_then_pidns(void *arg)
{
	const struct job *j = arg;
	int i;

	for (i = 0; j->procs[i]; i++)
		if (join_cgroup(j->procs[i]))
			return CTX_SETUP_FAILED;
	joined = true;
	run_as_pid1(do_job, arg);
}

/* Creates the cgroup @rel (e.g. "/docker/<id>") under @root, parents too. */
static void make_cgroup(struct __test_metadata *const _metadata,
			struct cgroups *made, const char *root,
			const char *rel)
{
	char path[CG_BUF];
	size_t n = strlen(root);
	const char *p;

	ASSERT_GT((size_t)CG_PATH_MAX, strlen(rel));
	strcpy(path, root);
	for (p = rel; *p; p++) {
		if (*p == '/' && n > strlen(root) && path[n - 1] != '/') {
			path[n] = '\0';
			if (!mkdir(path, 0755)) {
				ASSERT_GT(MADE_MAX, made->n);
				strcpy(made->dir[made->n++], path);
			} else {
				ASSERT_EQ(EEXIST, errno);
			}
		}
		path[n++] = *p;
	}
	path[n] = '\0';
	if (n > strlen(root) && path[n - 1] != '/') {
		if (!mkdir(path, 0755)) {
			ASSERT_GT(MADE_MAX, made->n);
			strcpy(made->dir[made->n++], path);
		} else {
			ASSERT_EQ(EEXIST, errno);
		}
	}
}

/* Removes what make_cgroup() made, children first. */
static void remove_cgroups(struct __test_metadata *const _metadata,
			   struct cgroups *made)
{
	while (made->n > 0) {
		const char *dir = made->dir[--made->n];

		EXPECT_EQ(0, rmdir(dir))
		{
			TH_LOG("rmdir %s: %s", dir, strerror(errno));
		}
	}
}

/* "<root><rel>/cgroup.procs" into @buf of CG_BUF bytes. */
static void procs_of(char *buf, const char *root, const char *rel)
{
	snprintf(buf, CG_BUF, "%s%s%scgroup.procs", root, rel,
		 rel[strlen(rel) - 1] == '/' ? "" : "/");
}


/*
 * Finds a record written since kmsg_mark() that holds @a and @b and
 * copies its "container=" value to @id (64 bytes at least).
 */
static bool kmsg_find(int fd, const char *a, const char *b, char *id,
		      size_t size)
{
	char rec[8192];
	ssize_t n;

	for (;;) {
		char *c;

		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			return false;
		rec[n] = '\0';
		if (!strstr(rec, a) || !strstr(rec, b))
			continue;
		c = strstr(rec, " container=");
		if (!c)
			continue;
		c += strlen(" container=");
		snprintf(id, size, "%.*s", (int)strcspn(c, " \n"), c);
		return true;
	}
}

/* Writes @text to the exempt file in one session; write()'s result. */
static ssize_t load_exempt(const char *text, int flags)
{
	return write_file(EXEMPT, flags, text, strlen(text));
}

static ssize_t load_blocklist(const char *text)
{
	return write_file(BLOCKLIST, 0, text, strlen(text));
}


/* What every fixture here shares: the miner on the blocklist. */
struct env {
	char dir[PATH_MAX];
	struct cgroups made;
	struct job job;
};

static void env_setup(struct __test_metadata *const _metadata,
		      struct env *env)
{
	char helper[PATH_MAX], cmd[PATH_MAX + 32], hex[65], line[80];
	const char *why = module_unavailable(false);
	struct statfs sfs;
	FILE *p;

	if (why)
		SKIP(return, "%s", why);
	if (statfs(CGROOT, &sfs) || sfs.f_type != CGROUP2_MAGIC)
		SKIP(return, "no cgroup2 hierarchy on " CGROOT);
	ensure_loaded(_metadata);
	prepare_tmpfs(_metadata, env->dir);
	ASSERT_EQ(0, helper_path(helper, sizeof(helper)));
	strcpy(strrchr(helper, '/') + 1, "miner");
	snprintf(env->job.miner, sizeof(env->job.miner), "%s/miner",
		 env->dir);
	ASSERT_EQ(0, copy_file(helper, env->job.miner));
	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", env->job.miner);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	ASSERT_EQ(1, fscanf(p, "%64s", hex));
	pclose(p);
	snprintf(line, sizeof(line), "%s contain-test\n", hex);
	ASSERT_EQ((ssize_t)strlen(line), load_blocklist(line));
	ASSERT_EQ(0, load_exempt("", 0));
	set_knob(_metadata, "scope", 0);
	set_knob(_metadata, "miner_mode", 1);
}

static void env_teardown(struct __test_metadata *const _metadata,
			 struct env *env)
{
	EXPECT_LT(0, write_knob("scope", "1"));
	EXPECT_LT(0, write_knob("miner_mode", "2"));
	EXPECT_EQ(0, load_exempt("", 0));
	EXPECT_EQ(0, load_blocklist(""));
	remove_cgroups(_metadata, &env->made);
	if (env->dir[0])
		cleanup_tmpfs(_metadata, env->dir);
}

/*
 * Runs the job's exec of the miner in audit mode (miner_mode 1) and
 * checks that it is audited, and logged with container=@id, exactly
 * when @contained.  A log line lost to the rate limit is tried again
 * once the limit's window has passed.
 */
static void check_audit(struct __test_metadata *const _metadata,
			struct env *env, enum context ctx, bool contained,
			const char *id)
{
	char pid_str[32], got[128];
	unsigned long long audited;
	int attempt, fd, status;
	bool found = false;
	pid_t pid;

	env->job.op = OP_EXEC;
	for (attempt = 0; attempt < 2 && !found; attempt++) {
		if (attempt)
			sleep(RATELIMIT_WAIT);
		fd = kmsg_mark();
		ASSERT_LE(0, fd);
		audited = counter(_metadata, COUNTER("exec_audited"));
		if (ctx == CTX_PIDNS && env->job.procs[0])
			pid = spawn_in_context(CTX_HOST, join_then_pidns,
					       &env->job);
		else
			pid = spawn_in_context(ctx, do_job, &env->job);
		status = wait_context(pid);
		if (status == CTX_SETUP_FAILED) {
			close(fd);
			SKIP(return, "cannot join the cgroups or the %s context",
			     context_name(ctx));
		}
		EXPECT_EQ(0, status)
		{
			TH_LOG("exec in audit mode: %s", strerror(status));
		}
		/* The exec, and the mapping of its text: once or twice. */
		if (!attempt && contained)
			EXPECT_LT(audited,
				  counter(_metadata, COUNTER("exec_audited")));
		if (!attempt && !contained)
			EXPECT_EQ(audited,
				  counter(_metadata, COUNTER("exec_audited")));
		/* In a pid namespace the log names the child's child. */
		snprintf(pid_str, sizeof(pid_str), " pid=%d ", pid);
		found = kmsg_find(fd, ctx == CTX_HOST ? pid_str : " op=exec ",
				  env->job.miner, got, sizeof(got));
		close(fd);
		if (!contained) {
			EXPECT_FALSE(found)
			{
				TH_LOG("logged, with container=%s", got);
			}
			return;
		}
	}
	ASSERT_TRUE(found)
	{
		TH_LOG("no report of the exec in the kernel log");
	}
	EXPECT_STREQ(id, got);
}

/* Runs the job's sysctl write; checks EPERM exactly when @in_container. */
static void check_sysctl(struct __test_metadata *const _metadata,
			 struct env *env, bool in_container)
{
	int status;

	env->job.op = OP_SYSCTL;
	status = run_in_context(CTX_HOST, do_job, &env->job);
	ASSERT_NE(CTX_SETUP_FAILED, status);
	EXPECT_EQ(in_container ? EPERM : 0, status);
}

/* --- Every form, as a real cgroup. --- */

FIXTURE(forms)
{
	struct env env;
	char procs[CG_BUF];
};

FIXTURE_VARIANT(forms)
{
	const char *path;
	bool contained;
	const char *id;
};

#define FORM(_name, _path, _contained, _id)				\
	FIXTURE_VARIANT_ADD(forms, _name) {				\
		.path = _path,						\
		.contained = _contained,				\
		.id = _id,						\
	};
CGROUP_FORMS(FORM)
#undef FORM

FIXTURE_SETUP(forms)
{
	memset(&self->env, 0, sizeof(self->env));
	env_setup(_metadata, &self->env);
	if (_metadata->exit_code)
		return;
	make_cgroup(_metadata, &self->env.made, CGROOT, variant->path);
	procs_of(self->procs, CGROOT, variant->path);
	self->env.job.procs[0] = self->procs;
}

FIXTURE_TEARDOWN(forms)
{
	env_teardown(_metadata, &self->env);
}

TEST_F(forms, audited_with_id)
{
	check_audit(_metadata, &self->env, CTX_HOST, variant->contained,
		    variant->id);
}

TEST_F(forms, may_not_configure)
{
	check_sysctl(_metadata, &self->env, variant->contained);
}

/* --- Hybrid hosts, moves, namespaces, exempt. --- */

FIXTURE(contain)
{
	struct env env;
	char v1[PATH_MAX + 8];
	char procs[3][CG_BUF];
	/* escape_mode before a test changed it, for the teardown. */
	unsigned long long escape_mode;
	bool escape_changed;
};

FIXTURE_SETUP(contain)
{
	memset(self, 0, sizeof(*self));
	env_setup(_metadata, &self->env);
}

FIXTURE_TEARDOWN(contain)
{
	if (self->escape_changed)
		restore_knob(_metadata, "escape_mode", self->escape_mode);
	remove_cgroups(_metadata, &self->env.made);
	if (self->v1[0]) {
		EXPECT_EQ(0, umount(self->v1));
		EXPECT_EQ(0, rmdir(self->v1));
	}
	env_teardown(_metadata, &self->env);
}

/*
 * A hybrid host: the v2 line says containerd.service, the container
 * shows on a v1 hierarchy only (here net_cls, which nothing on the
 * guest's v2 hierarchy uses).
 */
TEST_F(contain, v1_hierarchy)
{
	const char *v2 = "/system.slice/containerd.service";
	const char *v1 = "/docker/" ID_A;

	snprintf(self->v1, sizeof(self->v1), "%s/v1", self->env.dir);
	ASSERT_EQ(0, mkdir(self->v1, 0755));
	if (mount("cgroup", self->v1, "cgroup", 0, "net_cls")) {
		int err = errno;

		rmdir(self->v1);
		self->v1[0] = '\0';
		SKIP(return, "cannot mount a v1 net_cls hierarchy: %s",
		     strerror(err));
	}
	make_cgroup(_metadata, &self->env.made, CGROOT, v2);
	make_cgroup(_metadata, &self->env.made, self->v1, v1);
	procs_of(self->procs[0], CGROOT, v2);
	procs_of(self->procs[1], self->v1, v1);
	self->env.job.procs[0] = self->procs[0];

	/* In containerd.service on v2 only: the host. */
	check_audit(_metadata, &self->env, CTX_HOST, false, "");
	/* And in the container on v1. */
	self->env.job.procs[1] = self->procs[1];
	check_audit(_metadata, &self->env, CTX_HOST, true, ID_A);
	check_sysctl(_metadata, &self->env, true);
}

/*
 * A v1 hierarchy mounted anew hands out the same kernfs ids again: the
 * verdict cached for a container's cgroup of the old mount must not be
 * taken for a host cgroup of the new one that got the same id.
 */
/*
 * The same depth as "/docker/<id>", so that its ids come out the same,
 * but a host's cgroup: not a 64-hex id, which is a container's under
 * any parent.
 */
#define V1_HOST "/host/web-frontend"

TEST_F(contain, v1_remount)
{
	const char *v2 = "/system.slice/containerd.service";
	struct cgroups v1made = { 0 };
	struct stat st;
	ino_t ino;
	int tries;

	snprintf(self->v1, sizeof(self->v1), "%s/v1", self->env.dir);
	ASSERT_EQ(0, mkdir(self->v1, 0755));
	if (mount("cgroup", self->v1, "cgroup", 0, "net_cls")) {
		int err = errno;

		rmdir(self->v1);
		self->v1[0] = '\0';
		SKIP(return, "cannot mount a v1 net_cls hierarchy: %s",
		     strerror(err));
	}
	make_cgroup(_metadata, &self->env.made, CGROOT, v2);
	procs_of(self->procs[0], CGROOT, v2);
	self->env.job.procs[0] = self->procs[0];
	self->env.job.procs[1] = self->procs[1];

	make_cgroup(_metadata, &v1made, self->v1, "/docker/" ID_A);
	procs_of(self->procs[1], self->v1, "/docker/" ID_A);
	check_audit(_metadata, &self->env, CTX_HOST, true, ID_A);

	ASSERT_EQ(0, stat(v1made.dir[v1made.n - 1], &st));
	ino = st.st_ino;

	/*
	 * The same shape of cgroups in a new mount of the hierarchy.  The
	 * old one is destroyed at umount, and its ids free again, only if
	 * its removed cgroups are released by then: try until the new
	 * cgroup has the old one's id (its inode number).
	 */
	for (tries = 0; tries < 10; tries++) {
		remove_cgroups(_metadata, &v1made);
		sleep(1);
		ASSERT_EQ(0, umount(self->v1));
		ASSERT_EQ(0, mount("cgroup", self->v1, "cgroup", 0, "net_cls"));
		make_cgroup(_metadata, &v1made, self->v1, V1_HOST);
		ASSERT_EQ(0, stat(v1made.dir[v1made.n - 1], &st));
		if (st.st_ino == ino)
			break;
	}
	if (st.st_ino != ino)
		TH_LOG("the new mount did not give out the same id again");
	procs_of(self->procs[1], self->v1, V1_HOST);
	check_audit(_metadata, &self->env, CTX_HOST, false, "");
	remove_cgroups(_metadata, &v1made);
}

/*
 * The verdict follows a task that moves, there and back: the verdict
 * cached for its container's cgroup must not be taken once it is in a
 * host cgroup.  The task leaves its container by itself, which the
 * escape rule refuses (escape_test.c checks that): escape_mode 0 lets
 * the move happen, for this test only, so that what is tested here is
 * the verdict, not the refusal.
 */
TEST_F(contain, task_moves)
{
	const char *box = "/docker/" ID_A;

	make_cgroup(_metadata, &self->env.made, CGROOT, box);
	procs_of(self->procs[0], CGROOT, box);
	procs_of(self->procs[1], CGROOT, "/");
	self->env.job.procs[0] = self->procs[0];
	self->env.job.away = self->procs[1];
	self->env.job.op = OP_MOVE;
	self->escape_mode = get_knob(_metadata, "escape_mode");
	self->escape_changed = true;
	set_knob(_metadata, "escape_mode", 0);
	EXPECT_EQ(0, run_in_context(CTX_HOST, do_job, &self->env.job));
	set_knob(_metadata, "escape_mode", self->escape_mode);
	self->escape_changed = false;
}

/* Enforce mode, and a sub-cgroup the container made for itself. */
TEST_F(contain, enforce_in_subgroup)
{
	const char *box = "/system.slice/docker-" ID_A ".scope/inner/deeper";

	make_cgroup(_metadata, &self->env.made, CGROOT, box);
	procs_of(self->procs[0], CGROOT, box);
	self->env.job.procs[0] = self->procs[0];
	self->env.job.op = OP_EXEC;
	set_knob(_metadata, "miner_mode", 2);
	EXPECT_EQ(EPERM, run_in_context(CTX_HOST, do_job, &self->env.job));
	set_knob(_metadata, "miner_mode", 0);
	EXPECT_EQ(0, run_in_context(CTX_HOST, do_job, &self->env.job));
}

/* scope 0 ignores namespaces, scope 1 counts them, scope 2 all tasks. */
TEST_F(contain, scope)
{
	check_audit(_metadata, &self->env, CTX_PIDNS, false, "");
	set_knob(_metadata, "scope", 1);
	check_audit(_metadata, &self->env, CTX_PIDNS, true, "-");
	check_audit(_metadata, &self->env, CTX_USERNS_PIDNS, true, "-");
	check_audit(_metadata, &self->env, CTX_HOST, false, "");
	set_knob(_metadata, "scope", 2);
	check_audit(_metadata, &self->env, CTX_HOST, true, "-");
}

/* An exempt container is not contained, but still is a container. */
TEST_F(contain, exempt_container)
{
	const char *box = "/system.slice/docker-" ID_A ".scope";
	const char *line = "/system.slice/docker-" ID_A ".scope/\n";

	make_cgroup(_metadata, &self->env.made, CGROOT, box);
	procs_of(self->procs[0], CGROOT, box);
	self->env.job.procs[0] = self->procs[0];

	/* The verdict is cached before the list changes. */
	check_audit(_metadata, &self->env, CTX_HOST, true, ID_A);
	ASSERT_EQ((ssize_t)strlen(line), load_exempt(line, 0));
	check_audit(_metadata, &self->env, CTX_HOST, false, "");
	check_sysctl(_metadata, &self->env, true);
	/* Exempt from the namespace rule too. */
	set_knob(_metadata, "scope", 1);
	check_audit(_metadata, &self->env, CTX_PIDNS, false, "");
	/* And back. */
	ASSERT_EQ(0, load_exempt("", 0));
	check_audit(_metadata, &self->env, CTX_HOST, true, ID_A);
}

/* Prefixes match whole components: "/a/b" does not exempt "/a/bc". */
TEST_F(contain, exempt_components)
{
	const char *box = "/system.slice/docker-" ID_A ".scope";
	const char *line = "/system.slice/docker-" ID_A "\n";

	make_cgroup(_metadata, &self->env.made, CGROOT, box);
	procs_of(self->procs[0], CGROOT, box);
	self->env.job.procs[0] = self->procs[0];
	ASSERT_EQ((ssize_t)strlen(line), load_exempt(line, 0));
	check_audit(_metadata, &self->env, CTX_HOST, true, ID_A);
	/* A parent exempts its children. */
	ASSERT_EQ(14, load_exempt("/system.slice\n", 0));
	check_audit(_metadata, &self->env, CTX_HOST, false, "");
}

/* A key manager in the host's cgroup tree, but in its own namespaces. */
TEST_F(contain, exempt_namespaced_host_cgroup)
{
	const char *cg = "/keymgr.service";

	make_cgroup(_metadata, &self->env.made, CGROOT, cg);
	procs_of(self->procs[0], CGROOT, cg);
	self->env.job.procs[0] = self->procs[0];
	set_knob(_metadata, "scope", 1);
	check_audit(_metadata, &self->env, CTX_PIDNS, true, "-");
	ASSERT_EQ(16, load_exempt("/keymgr.service\n", 0));
	check_audit(_metadata, &self->env, CTX_PIDNS, false, "");
	set_knob(_metadata, "scope", 2);
	check_audit(_metadata, &self->env, CTX_HOST, false, "");
}

static void expect_exempt(struct __test_metadata *const _metadata,
			  const char *text)
{
	char buf[4096];

	ASSERT_LE(0, read_file(EXEMPT, buf, sizeof(buf)));
	EXPECT_STREQ(text, buf);
}

TEST_F(contain, exempt_file)
{
	static const char text[] = "# key managers\n\n/a/b/\n/c \n/\n/d";
	unsigned long long loads, rejects;
	struct stat st;
	int fd;

	ASSERT_EQ(0, stat(EXEMPT, &st));
	EXPECT_EQ(0600U, st.st_mode & 07777);

	loads = counter(_metadata, COUNTER("policy_loads"));
	ASSERT_EQ((ssize_t)sizeof(text) - 1, load_exempt(text, 0));
	EXPECT_EQ(loads + 1, counter(_metadata, COUNTER("policy_loads")));
	expect_exempt(_metadata, "/a/b\n/c\n/\n/d\n");

	/* O_APPEND adds, a plain session replaces. */
	ASSERT_EQ(3, load_exempt("/e\n", O_APPEND));
	expect_exempt(_metadata, "/a/b\n/c\n/\n/d\n/e\n");
	ASSERT_EQ(3, load_exempt("/f\n", 0));
	expect_exempt(_metadata, "/f\n");

	/* Lines may be split across writes. */
	fd = open(EXEMPT, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(3, write(fd, "/gh", 3));
	ASSERT_EQ(4, write(fd, "/i\n/", 4));
	ASSERT_EQ(1, write(fd, "j", 1));
	close(fd);
	expect_exempt(_metadata, "/gh/i\n/j\n");

	/* Opening for reading and writing at once is refused. */
	ASSERT_EQ(-1, open(EXEMPT, O_RDWR | O_CLOEXEC));
	EXPECT_EQ(EINVAL, errno);

	rejects = counter(_metadata, COUNTER("policy_rejects"));
	ASSERT_EQ(-1, load_exempt("/ok\nrelative\n", 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(rejects + 1, counter(_metadata, COUNTER("policy_rejects")));
	expect_exempt(_metadata, "/gh/i\n/j\n");
}

TEST_F(contain, exempt_invalid_lines)
{
	static const char *const bad[] = {
		"relative\n",
		" /leading-blank\n",
		"/a//b\n",
		"/a/./b\n",
		"/a/../b\n",
		"/ctl\001char\n",
		"/a   /\n",
	};
	char too_long[PATH_MAX + 8], rec[256];
	bool named = false;
	ssize_t n;
	size_t i;
	int fd;

	ASSERT_EQ(6, load_exempt("/keep\n", 0));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-1, load_exempt(bad[i], 0))
		{
			TH_LOG("accepted \"%s\"", bad[i]);
		}
		EXPECT_EQ(EINVAL, errno);
	}
	memset(too_long, 'x', sizeof(too_long));
	too_long[0] = '/';
	too_long[sizeof(too_long) - 1] = '\0';
	EXPECT_EQ(-1, load_exempt(too_long, 0));
	EXPECT_EQ(EINVAL, errno);
	expect_exempt(_metadata, "/keep\n");

	/* The kernel log names the line. */
	fd = kmsg_mark();
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, load_exempt("/one\n# two\n\nfour\n", 0));
	while (!named && (n = read(fd, rec, sizeof(rec) - 1)) > 0) {
		rec[n] = '\0';
		named = strstr(rec, "exempt: line 4:");
	}
	close(fd);
	EXPECT_TRUE(named);
}

/* Only the host's administrator may write it, as the other policies. */
TEST_F(contain, exempt_writers)
{
	const char *box = "/docker/" ID_A;
	static const enum context denied[] = {
		CTX_PIDNS, CTX_USERNS, CTX_NO_SYS_ADMIN, CTX_UNPRIV,
	};
	size_t i;
	int status;

	self->env.job.op = OP_EXEMPT;
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		status = run_in_context(denied[i], do_job, &self->env.job);
		if (status == CTX_SETUP_FAILED)
			continue;
		/* Without DAC override, the 0600 mode refuses first. */
		EXPECT_TRUE(status == EPERM || status == EACCES)
		{
			TH_LOG("%s: %s", context_name(denied[i]),
			       strerror(status));
		}
	}
	EXPECT_EQ(0, run_in_context(CTX_HOST, do_job, &self->env.job));

	/* Nor a privileged container: root in a container cgroup. */
	make_cgroup(_metadata, &self->env.made, CGROOT, box);
	procs_of(self->procs[0], CGROOT, box);
	self->env.job.procs[0] = self->procs[0];
	EXPECT_EQ(EPERM, run_in_context(CTX_HOST, do_job, &self->env.job));
}

TEST_HARNESS_MAIN
