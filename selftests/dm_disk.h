/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bulwark selftests - a small ext4 disk whose sectors can be made to fail
 *
 * An image file on a loop device, under a device-mapper table that is
 * linear at first: dm_disk_fail() then swaps in a table where the sectors
 * that hold some bytes of a file return read errors.  The exec rules'
 * tests use it for a read error in the middle of a hash (fault_test.c,
 * exechard_test.c).  Needs dmsetup, losetup and mkfs.ext4.
 *
 * These helpers return -1 and say why in the disk's @err; they never
 * ASSERT, so the tests decide.
 */

#ifndef BULWARK_SELFTESTS_DM_DISK_H
#define BULWARK_SELFTESTS_DM_DISK_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/fiemap.h>
#include <linux/fs.h>

#include "common.h"

#define DM_DISK_MB 64

/**
 * struct dm_disk - the disk, and what dm_disk_remove() must undo
 */
struct dm_disk {
	/**
	 * @mnt: where its filesystem is mounted.
	 */
	char mnt[128];
	/**
	 * @loop: the loop device under the table.
	 */
	char loop[64];
	/**
	 * @name: the device-mapper device's name.
	 */
	char name[64];
	/**
	 * @mounted: @mnt is mounted.
	 */
	bool mounted;
	/**
	 * @dm: the device-mapper device exists.
	 */
	bool dm;
	/**
	 * @err: why the last call failed.
	 */
	char err[256];
};

/* Why no such disk can be made here, or NULL; loads the modules. */
static const char *__maybe_unused dm_disk_unavailable(void)
{
	if (run_cmd("command -v dmsetup losetup mkfs.ext4 >/dev/null"))
		return "dmsetup, losetup or mkfs.ext4 is missing";
	run_cmd("modprobe -q dm-mod; modprobe -q loop; modprobe -q ext4");
	if (access("/dev/mapper/control", F_OK))
		return "no device-mapper (modprobe dm-mod failed)";
	if (run_cmd("grep -qw ext4 /proc/filesystems"))
		return "no ext4 in this kernel";
	return NULL;
}

static int dm_disk_fail_with(struct dm_disk *d, const char *what)
{
	snprintf(d->err, sizeof(d->err), "%.200s: %.50s", what,
		 errno ? strerror(errno) : "failed");
	return -1;
}

/* Reads the first word of @cmd's output into @buf (64 bytes); 0 or -1. */
static int dm_disk_word(const char *cmd, char *buf)
{
	FILE *p = popen(cmd, "r");
	int ok;

	if (!p)
		return -1;
	ok = fscanf(p, "%63s", buf) == 1;
	return pclose(p) == 0 && ok ? 0 : -1;
}

/*
 * Makes the disk: an image in the directory @dir, the device-mapper
 * device @name, its filesystem mounted at @dir/mnt.  0 or -1.
 */
static int __maybe_unused dm_disk_make(struct dm_disk *d, const char *dir,
				       const char *name)
{
	char img[256], buf[512], dev[64];
	int fd;

	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(img, sizeof(img), "%s/img", dir);
	errno = 0;
	fd = open(img, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, DM_DISK_MB << 20)) {
		if (fd >= 0)
			close(fd);
		return dm_disk_fail_with(d, img);
	}
	close(fd);
	if (run_cmd("mkfs.ext4 -q -F -b 4096 -O ^has_journal '%s'", img))
		return dm_disk_fail_with(d, "mkfs.ext4");
	snprintf(buf, sizeof(buf), "losetup --find --show '%s'", img);
	if (dm_disk_word(buf, d->loop)) {
		d->loop[0] = '\0';
		return dm_disk_fail_with(d, "losetup");
	}
	if (run_cmd("dmsetup create %s --table '0 %llu linear %s 0'", d->name,
		    DM_DISK_MB * 2048ULL, d->loop))
		return dm_disk_fail_with(d, "dmsetup create");
	d->dm = true;
	snprintf(d->mnt, sizeof(d->mnt), "%s/mnt", dir);
	if (mkdir(d->mnt, 0755))
		return dm_disk_fail_with(d, d->mnt);
	/* Without udev, /dev/mapper/ may lack it: devtmpfs has dm-N. */
	snprintf(buf, sizeof(buf),
		 "dmsetup info -c --noheadings -o blkdevname %s", d->name);
	if (dm_disk_word(buf, dev))
		return dm_disk_fail_with(d, "dmsetup info");
	snprintf(buf, sizeof(buf), "/dev/%s", dev);
	if (mount(buf, d->mnt, "ext4", 0, NULL))
		return dm_disk_fail_with(d, buf);
	d->mounted = true;
	return 0;
}

/* Physical byte offset on the device of the file's byte @off, or -1. */
static long long dm_disk_physical(int fd, off_t off, off_t len)
{
	struct {
		struct fiemap fm;
		struct fiemap_extent fe[64];
	} m = {};
	unsigned int i;

	m.fm.fm_length = FIEMAP_MAX_OFFSET;
	m.fm.fm_flags = FIEMAP_FLAG_SYNC;
	m.fm.fm_extent_count = 64;
	if (ioctl(fd, FS_IOC_FIEMAP, &m.fm))
		return -1;
	for (i = 0; i < m.fm.fm_mapped_extents; i++) {
		const struct fiemap_extent *e = &m.fm.fm_extents[i];

		if (e->fe_logical <= (__u64)off &&
		    (__u64)(off + len) <= e->fe_logical + e->fe_length)
			return e->fe_physical + (off - e->fe_logical);
	}
	return -1;
}

/*
 * From now on, reads of the bytes [@off, @off + @len) of the file @path
 * on the disk fail (both multiples of 512), and nothing of the file is
 * in the page cache.  Checks that a read of them fails with EIO.  0 or -1.
 */
static int __maybe_unused dm_disk_fail(struct dm_disk *d, const char *path,
				       off_t off, off_t len)
{
	const unsigned long long sectors = DM_DISK_MB * 2048ULL;
	unsigned long long s_err, n_err;
	char buf[4096];
	long long phys;
	FILE *p;
	int fd;

	errno = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return dm_disk_fail_with(d, path);
	phys = dm_disk_physical(fd, off, len);
	close(fd);
	if (phys < 0 || phys % 512) {
		snprintf(d->err, sizeof(d->err),
			 "no single extent holds bytes %lld+%lld of %.150s",
			 (long long)off, (long long)len, path);
		return -1;
	}
	s_err = phys / 512;
	n_err = len / 512;
	snprintf(buf, sizeof(buf), "dmsetup reload %s", d->name);
	p = popen(buf, "w");
	if (!p)
		return dm_disk_fail_with(d, "dmsetup reload");
	fprintf(p, "0 %llu linear %s 0\n", s_err, d->loop);
	fprintf(p, "%llu %llu error\n", s_err, n_err);
	fprintf(p, "%llu %llu linear %s %llu\n", s_err + n_err,
		sectors - s_err - n_err, d->loop, s_err + n_err);
	if (pclose(p))
		return dm_disk_fail_with(d, "dmsetup reload");
	if (run_cmd("dmsetup resume %s", d->name))
		return dm_disk_fail_with(d, "dmsetup resume");
	sync();
	if (write_file("/proc/sys/vm/drop_caches", 0, "3", 1) != 1)
		return dm_disk_fail_with(d, "drop_caches");

	/* The fault is real: a read of those bytes fails. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return dm_disk_fail_with(d, path);
	errno = 0;
	if (pread(fd, buf, sizeof(buf), off + len / 2) != -1 ||
	    errno != EIO) {
		close(fd);
		snprintf(d->err, sizeof(d->err),
			 "a read of the failed sectors did not fail with EIO");
		return -1;
	}
	/* ... and drop what readahead brought in, around the bad block. */
	errno = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
	return errno ? dm_disk_fail_with(d, "posix_fadvise") : 0;
}

/* Undoes dm_disk_make(), as far as it went; 0 or -1. */
static int __maybe_unused dm_disk_remove(struct dm_disk *d)
{
	int ret = 0;

	if (d->mounted && umount(d->mnt)) {
		ret = dm_disk_fail_with(d, "umount");
	} else {
		d->mounted = false;
		if (d->dm && run_cmd("dmsetup remove --retry %s", d->name))
			ret = dm_disk_fail_with(d, "dmsetup remove");
		else
			d->dm = false;
	}
	if (!d->dm && d->loop[0] && run_cmd("losetup -d %s", d->loop))
		ret = dm_disk_fail_with(d, "losetup -d");
	return ret;
}

#endif /* BULWARK_SELFTESTS_DM_DISK_H */
