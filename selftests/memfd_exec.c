// SPDX-License-Identifier: GPL-2.0
/*
 * memfd-exec FILE ARGV0 [ARG...]: copies FILE into a memfd and executes
 * the memfd with the arguments ARGV0 ARG..., as fileless malware does.
 * Statically linked, so that it runs in a busybox container
 * (docker_e2e.sh).  Exits 126 with a message when the exec fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	struct stat st;
	int in, fd;

	if (argc < 3) {
		fprintf(stderr, "usage: memfd-exec FILE ARGV0 [ARG...]\n");
		return 2;
	}
	in = open(argv[1], O_RDONLY | O_CLOEXEC);
	fd = memfd_create("payload", MFD_CLOEXEC);
	if (in < 0 || fd < 0 || fstat(in, &st) ||
	    sendfile(fd, in, NULL, st.st_size) != st.st_size) {
		fprintf(stderr, "memfd-exec: cannot copy %s: %s\n", argv[1],
			strerror(errno));
		return 2;
	}
	close(in);
	fexecve(fd, argv + 2, environ);
	fprintf(stderr, "memfd-exec: exec: %s\n", strerror(errno));
	return 126;
}
