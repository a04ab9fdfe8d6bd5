// SPDX-License-Identifier: GPL-2.0
/*
 * selfclone [write|nowrite|writeonly][,join=PROCS]: what runc does at
 * start-up.  Copies its own /proc/self/exe into a memfd, seals it (with
 * F_SEAL_SEAL, F_SEAL_SHRINK and F_SEAL_GROW, and F_SEAL_WRITE unless
 * told "nowrite"; with F_SEAL_WRITE alone when told "writeonly", which
 * leaves its size free) and executes the memfd with the argument
 * "child", which makes the copy exit 0 at once.  With "join=PROCS" it
 * writes its pid to the cgroup.procs file PROCS between the copy and the
 * exec, as "runc init" may join the container's cgroup after it cloned
 * itself.  Exits with the errno of a failed exec
 * (EPERM when refused), or 100 when the memfd cannot be made.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SETUP_FAILED 100

int main(int argc, char **argv)
{
	char *child_argv[] = { argv[0], "child", NULL };
	char *const envp[] = { NULL };
	int seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW;
	const char *join = argc > 1 ? strstr(argv[1], "join=") : NULL;
	struct stat st;
	int in, fd, procs;

	if (argc > 1 && !strcmp(argv[1], "child"))
		return 0;
	if (argc > 1 && !strncmp(argv[1], "writeonly", 9))
		seals = F_SEAL_WRITE;
	else if (argc < 2 || strncmp(argv[1], "nowrite", 7))
		seals |= F_SEAL_WRITE;
	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	fd = memfd_create("runc_cloned:/proc/self/exe",
			  MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (in < 0 || fd < 0 || fstat(in, &st) ||
	    sendfile(fd, in, NULL, st.st_size) != st.st_size ||
	    fcntl(fd, F_ADD_SEALS, seals))
		return SETUP_FAILED;
	close(in);
	if (join) {
		procs = open(join + 5, O_WRONLY | O_CLOEXEC);
		if (procs < 0 || write(procs, "0", 1) != 1)
			return SETUP_FAILED;
		close(procs);
	}
	syscall(__NR_execveat, fd, "", child_argv, envp, AT_EMPTY_PATH);
	return errno;
}
