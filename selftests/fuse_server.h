/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bulwark selftests - a minimal FUSE server for the exec rules' tests
 *
 * It serves one regular file, "victim", at the root of the mount, from a
 * buffer in memory.  The tests use it for what a hostile server can do to
 * a hash in progress: vanish in the middle of a read (fault_test.c), or
 * hold a read until the test lets it go (exechard_test.c).  It speaks the
 * protocol straight over /dev/fuse, without libfuse.
 */

#ifndef BULWARK_SELFTESTS_FUSE_SERVER_H
#define BULWARK_SELFTESTS_FUSE_SERVER_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/fuse.h>

#define FUSE_FILE_INO 2

/**
 * struct fuse_file - what the server serves, and how it misbehaves
 */
struct fuse_file {
	/**
	 * @data: the file's bytes.
	 */
	unsigned char *data;
	/**
	 * @size: the file's length.
	 */
	size_t size;
	/**
	 * @die_at: if not 0, the server exits on a read at or past this
	 * offset, and the file goes with it.
	 */
	size_t die_at;
	/**
	 * @stall_at: if not 0, the first read at or past this offset waits
	 * for a byte (or EOF) on @release, after setting *@stalled.
	 */
	size_t stall_at;
	/**
	 * @release: the read end of the pipe that lets a stalled read go.
	 */
	int release;
	/**
	 * @stalled: set (in shared memory) while a read waits.
	 */
	int *stalled;
	/**
	 * @renumber: each lookup gives the file a new node and inode
	 * number, as servers that number per lookup do.
	 */
	bool renumber;
};

static int fuse_reply(int fd, __u64 unique, int error, const void *arg,
		      size_t len)
{
	struct fuse_out_header h = {
		.len = sizeof(h) + (error ? 0 : len),
		.error = error,
		.unique = unique,
	};
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)arg, .iov_len = error ? 0 : len },
	};

	return writev(fd, iov, 2) == (ssize_t)h.len ? 0 : -1;
}

static void fuse_fill_attr(const struct fuse_file *f, __u64 ino,
			   struct fuse_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->nlink = 1;
	a->blksize = 4096;
	if (ino == FUSE_ROOT_ID) {
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
	} else {
		a->mode = S_IFREG | 0755;
		a->size = f->size;
		a->blocks = (f->size + 511) / 512;
	}
}

/* Answers a FUSE_READ; 1 when the server must stop, 0 to go on. */
static int fuse_read(int fd, const struct fuse_file *f, __u64 unique,
		     const struct fuse_read_in *ri, bool *released)
{
	size_t len = ri->size;
	char c;

	if (f->die_at && ri->offset >= f->die_at)
		return 1;
	if (f->stall_at && ri->offset >= f->stall_at && !*released) {
		__atomic_store_n(f->stalled, 1, __ATOMIC_RELEASE);
		/* A byte, or EOF when the test is gone. */
		if (read(f->release, &c, 1) < 0)
			return 1;
		*released = true;
	}
	if (ri->offset >= f->size)
		len = 0;
	else if (len > f->size - ri->offset)
		len = f->size - ri->offset;
	fuse_reply(fd, unique, 0, f->data + ri->offset, len);
	return 0;
}

/*
 * The server's loop on the connection @fd: returns 0 when unmounted or
 * told to die (@f->die_at), 1 when it cannot go on.
 */
static int __maybe_unused fuse_serve(int fd, const struct fuse_file *f)
{
	static unsigned char in[(128 << 10) + 4096];
	__u64 next = FUSE_FILE_INO;
	bool released = false;

	for (;;) {
		const struct fuse_in_header *h = (void *)in;
		const void *arg = in + sizeof(*h);
		ssize_t n = read(fd, in, sizeof(in));

		if (n < 0 && (errno == EINTR || errno == ENOENT))
			continue;
		if (n < (ssize_t)sizeof(*h))
			return 0;
		switch (h->opcode) {
		case FUSE_INIT: {
			const struct fuse_init_in *ii = arg;
			struct fuse_init_out io = {
				.major = FUSE_KERNEL_VERSION,
				.minor = FUSE_KERNEL_MINOR_VERSION,
				.max_readahead = ii->max_readahead,
				.max_write = 4096,
			};

			fuse_reply(fd, h->unique, 0, &io, sizeof(io));
			break;
		}
		case FUSE_LOOKUP: {
			struct fuse_entry_out eo = {
				.nodeid = f->renumber ? next++ : FUSE_FILE_INO,
				.generation = 1,
				.entry_valid = 60,
				.attr_valid = 60,
			};

			if (h->nodeid != FUSE_ROOT_ID ||
			    strcmp(arg, "victim")) {
				fuse_reply(fd, h->unique, -ENOENT, NULL, 0);
				break;
			}
			fuse_fill_attr(f, eo.nodeid, &eo.attr);
			fuse_reply(fd, h->unique, 0, &eo, sizeof(eo));
			break;
		}
		case FUSE_GETATTR: {
			struct fuse_attr_out ao = { .attr_valid = 60 };

			fuse_fill_attr(f, h->nodeid, &ao.attr);
			fuse_reply(fd, h->unique, 0, &ao, sizeof(ao));
			break;
		}
		case FUSE_OPEN: {
			struct fuse_open_out oo = { .fh = 1 };

			fuse_reply(fd, h->unique, 0, &oo, sizeof(oo));
			break;
		}
		case FUSE_READ:
			if (fuse_read(fd, f, h->unique, arg, &released))
				return f->die_at ? 0 : 1;
			break;
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
			break;
		case FUSE_RELEASE:
		case FUSE_FLUSH:
		case FUSE_ACCESS:
			fuse_reply(fd, h->unique, 0, NULL, 0);
			break;
		case FUSE_DESTROY:
			fuse_reply(fd, h->unique, 0, NULL, 0);
			return 0;
		default:
			fuse_reply(fd, h->unique, -ENOSYS, NULL, 0);
			break;
		}
	}
}

/*
 * Opens /dev/fuse and mounts a FUSE file system named @name on @mnt
 * (root only, nosuid, nodev).  Return: the connection's descriptor, or
 * -1 with errno set.
 */
static int __maybe_unused fuse_mount(const char *mnt, const char *name)
{
	char opts[128];
	int fd, err;

	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	snprintf(opts, sizeof(opts),
		 "fd=%d,rootmode=40000,user_id=0,group_id=0", fd);
	if (mount(name, mnt, "fuse", MS_NOSUID | MS_NODEV, opts)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

#endif /* BULWARK_SELFTESTS_FUSE_SERVER_H */
