// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark benchmark driver: times one operation in a loop and prints the
 * mean time per operation in nanoseconds.  Under QEMU's -icount the
 * guest's clock counts instructions, so the figures repeat.
 *
 *   bench [-c] open PATH N       open(O_RDONLY) + close
 *   bench [-c] openw PATH N      open(O_WRONLY) + close
 *   bench [-c] openc PATH N      open(O_WRONLY | O_CREAT) + close
 *   bench [-c] exec PATH N       fork + execve + wait
 *   bench [-c] touchexec PATH N  change PATH's ctime, then fork + execve
 *   bench [-c] mprotect PATH N   mprotect() of a page of PATH mapped once,
 *                                PROT_READ and PROT_READ | PROT_EXEC in turn
 *   bench [-c] mprotecta - N     the same on an anonymous page (a JIT's
 *                                pattern); PATH is not used
 *   bench [-c] connect PATH N    connect to a listening AF_UNIX socket bound
 *                                at PATH, accept, close both
 *   bench genlist N              print N made-up blocklist entries
 *
 * -c runs the loop in a contained task: pid 1 of a new pid namespace.
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int run_once(const char *path)
{
	char *const argv[] = { (char *)path, NULL };
	char *const envp[] = { NULL };
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execve(path, argv, envp);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

/* A listening socket bound at @path, and its address in @sa. */
static int listener(const char *path, struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "%s", path);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)sa, sizeof(*sa)) ||
	    listen(fd, 4)) {
		perror(path);
		return -1;
	}
	return fd;
}

static int connect_once(int lfd, const struct sockaddr_un *sa)
{
	int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int a;

	if (c < 0 || connect(c, (const struct sockaddr *)sa, sizeof(*sa)))
		return -1;
	a = accept(lfd, NULL, NULL);
	if (a < 0)
		return -1;
	close(a);
	close(c);
	return 0;
}

static int mprotect_once(void *page, long i)
{
	return mprotect(page, 4096, i & 1 ? PROT_READ : PROT_READ | PROT_EXEC);
}

static int loop(const char *op, const char *path, long n)
{
	struct sockaddr_un sa;
	void *page = MAP_FAILED;
	int fd = -1, lfd = -1;
	double t0, t1;
	long i;

	if (!strcmp(op, "connect")) {
		lfd = listener(path, &sa);
		if (lfd < 0)
			return 1;
	} else if (!strcmp(op, "mprotect")) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
		if (page == MAP_FAILED) {
			perror(path);
			return 1;
		}
	} else if (!strcmp(op, "mprotecta")) {
		page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
		if (page == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
	}
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if (!strcmp(op, "open") || !strcmp(op, "openw") ||
		    !strcmp(op, "openc")) {
			fd = open(path, !op[4] ? O_RDONLY :
				  op[4] == 'w' ? O_WRONLY : O_WRONLY | O_CREAT,
				  0644);
			if (fd < 0) {
				perror(path);
				return 1;
			}
			close(fd);
		} else if (!strcmp(op, "exec")) {
			if (run_once(path)) {
				fprintf(stderr, "%s did not run\n", path);
				return 1;
			}
		} else if (!strcmp(op, "touchexec")) {
			/* A new ctime: the digest cache cannot answer. */
			if (chmod(path, i & 1 ? 0755 : 0775) ||
			    run_once(path)) {
				fprintf(stderr, "%s did not run\n", path);
				return 1;
			}
		} else if (!strcmp(op, "mprotect") ||
			   !strcmp(op, "mprotecta")) {
			if (mprotect_once(page, i)) {
				perror("mprotect");
				return 1;
			}
		} else if (!strcmp(op, "connect")) {
			if (connect_once(lfd, &sa)) {
				perror("connect");
				return 1;
			}
		} else {
			fprintf(stderr, "unknown operation %s\n", op);
			return 2;
		}
	}
	t1 = now_ns();
	if (lfd >= 0) {
		close(lfd);
		unlink(path);
	}
	if (page != MAP_FAILED)
		munmap(page, 4096);
	if (fd >= 0)
		close(fd);
	printf("%.1f\n", (t1 - t0) / n);
	fflush(stdout);
	return 0;
}

int main(int argc, char *argv[])
{
	int contained = argc > 1 && !strcmp(argv[1], "-c");
	int status;
	pid_t pid;

	argv += contained;
	argc -= contained;
	if (argc == 3 && !strcmp(argv[1], "genlist")) {
		unsigned long long x = 0x9e3779b97f4a7c15ull;
		long i, n = atol(argv[2]);
		int k;

		for (i = 0; i < n; i++) {
			for (k = 0; k < 4; k++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				printf("%016llx", x);
			}
			printf(" bench-%ld\n", i % 8);
		}
		return 0;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: bench [-c] open|openw|openc|exec|touchexec|mprotect|mprotecta|connect PATH N\n");
		return 2;
	}
	if (!contained)
		return loop(argv[1], argv[2], atol(argv[3]));
	if (unshare(CLONE_NEWPID)) {
		perror("unshare");
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(loop(argv[1], argv[2], atol(argv[3])));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
