// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the drift rule: a container runs only what its image brought
 *
 * A file is drifted when a contained task may have put its content
 * there:
 *
 * - a contained task opened it for writing.  The open is seen on the
 *   filesystem that holds the data: on tmpfs, a bind-mounted host
 *   directory or the host's own files directly; under overlayfs, where
 *   the open of the overlay file comes before the copy-up, on the upper
 *   inode that overlayfs opens in turn for the task.  The inode is
 *   remembered by identity (device and number; not the generation,
 *   which ext4's FS_IOC_SETVERSION and EXT4_IOC_SWAP_BOOT let a file's
 *   owner change) in a bounded table, and forgotten when it is evicted
 *   with no link left, or when its filesystem is unmounted (see
 *   bulwark_drift_inode_gone()).  Files of filesystems that run nothing
 *   (procfs, sysfs and cgroupfs are SB_I_NOEXEC) are not remembered;
 * - it is a memfd (a file of a kernel-internal tmpfs or hugetlbfs
 *   mount), unless it is sealed against writes and holds exactly the
 *   program the task runs, itself not drifted: container runtimes (runc,
 *   crun) clone themselves so at start-up;
 * - it lives on a filesystem that a contained task mounted, or that was
 *   mounted from a user namespace: whoever mounted it chose its content.
 *
 * At the table's bound a write that cannot be remembered marks its
 * filesystem as overflowed from that second on: there, every file
 * changed since (its ctime) counts as drifted.  Never a silent allow.
 *
 * The rule is judged where code comes from a file: exec (the program and
 * each interpreter, so a "#!" script run by its path too), and PROT_EXEC
 * mappings, by mmap() (the dynamic loader's "ld.so ./x") or mprotect().
 */

#include "common.h"

#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/user_namespace.h>

#include "compat.h"
#include "config.h"
#include "counters.h"
#include "drift.h"
#include "exec.h"
#include "report.h"

#define BUCKET_BITS 15
/* Filesystems remembered as mounted by a contained task. */
#define MAX_CONTAINER_SBS 256
/* Superblocks made by contained tasks and not yet judged. */
#define MAX_PENDING_SBS 64
/* Hash bits of the devices that may hold marks. */
#define MARKDEV_BITS 10
/* Filesystems remembered as overflowed; beyond, all of them are. */
#define MAX_OVERFLOWED 16
/* Bytes compared at a time against the running program. */
#define COMPARE_CHUNK (64 * 1024)
#define SINCE_NEVER TIME64_MAX

/**
 * struct drift_mark - a file written by a contained task
 */
struct drift_mark {
	/**
	 * @node: in its bucket.
	 */
	struct hlist_node node;
	/**
	 * @rcu: freed after a grace period: readers hold none of the locks.
	 */
	struct rcu_head rcu;
	/**
	 * @ino: inode number.
	 */
	u64 ino;
	/**
	 * @dev: device of the filesystem.
	 */
	dev_t dev;
};

/**
 * struct overflowed - a filesystem where marks were lost
 */
struct overflowed {
	/**
	 * @sb: the filesystem, by identity only (never dereferenced); NULL
	 * for a slot never used.  Not its device number: a filesystem gives
	 * that back when it is shut down, before its superblock is freed,
	 * and the next one may get it meanwhile.
	 */
	const struct super_block *sb;
	/**
	 * @since: files changed from this second on are drifted;
	 * SINCE_NEVER once the filesystem is gone, and the slot free again.
	 */
	time64_t since;
};

static struct hlist_head *buckets __ro_after_init;
/* Serialises the writers of the buckets, of @sbs and of @overflow. */
static DEFINE_SPINLOCK(drift_lock);
static unsigned int nmarks;

static struct super_block *sbs[MAX_CONTAINER_SBS];
static unsigned int nsbs;

/*
 * Superblocks a contained task made, from their allocation until the
 * mount that made them has judged them (bulwark_drift_sb_mounted()), or
 * they are freed.  By identity only: a superblock leaves before it is
 * freed.
 */
static const struct super_block *pending[MAX_PENDING_SBS];
static unsigned int npending;

/*
 * Marks per device, by hash: a filesystem whose inodes are not all seen
 * evicted (bulwark_drift_sb_kill()) scans the table only if its device
 * may hold some.
 */
static unsigned int markdevs[1 << MARKDEV_BITS];

/* Called with drift_lock held: @m leaves the table. */
static void unmark_locked(struct drift_mark *m)
{
	hlist_del_rcu(&m->node);
	WRITE_ONCE(nmarks, nmarks - 1);
	markdevs[hash_32(m->dev, MARKDEV_BITS)]--;
	kfree_rcu(m, rcu);
}

/*
 * Inode numbers are unique in the superblock only per btrfs subvolume,
 * and a snapshot's copy of a file has the original's number: a deleted
 * file's number may still name a copy of it, in another subvolume.
 */
static bool per_subvolume(const struct super_block *sb)
{
	return sb->s_magic == BTRFS_SUPER_MAGIC;
}

/* In <linux/magic.h> from v5.7 on. */
#ifndef EXFAT_SUPER_MAGIC
#define EXFAT_SUPER_MAGIC 0x2011BAB0
#endif

/*
 * Filesystems whose files may come back under another number after
 * they leave the inode cache: FAT, exFAT and vboxsf always, SMB with
 * "noserverino" (an option the superblock does not show), FUSE whenever
 * its server numbers files per lookup (libfuse without "use_ino",
 * gcsfuse).  A mark by number cannot follow their files, nor can it be
 * dropped in time: eviction starts long before their evict_inode
 * operation runs, and a lookup meanwhile makes a new inode.  A file a
 * container writes there drifts the whole filesystem instead, at once.
 */
static bool unstable_numbers(const struct super_block *sb)
{
	switch (sb->s_magic) {
	case MSDOS_SUPER_MAGIC:
	case EXFAT_SUPER_MAGIC:
	case BULWARK_MAGIC_VBOXSF:
	case BULWARK_MAGIC_FUSE:
	case SMB_SUPER_MAGIC:
	case BULWARK_MAGIC_SMB2:
	case BULWARK_MAGIC_CIFS:
		return true;
	}
	return false;
}

static struct overflowed overflow[MAX_OVERFLOWED];
/*
 * Once @overflow is full, every filesystem overflowed from this second
 * minus one; 0 for never.
 */
static time64_t overflow_all;
static bool overflow_any;
/* The table was full, or memory short, once: said in the log. */
static bool full_warned;

/*
 * Being unmounted for good: its last active reference is gone.  tmpfs
 * evicts its inodes as soon as their dentries go, which unmounting does
 * before it clears SB_ACTIVE.
 */
static bool going_away(const struct super_block *sb)
{
	return !atomic_read(&sb->s_active) || !(sb->s_flags & SB_ACTIVE);
}

/* The current second, as the coarse clock that timestamps inodes has it. */
static time64_t coarse_seconds(void)
{
	struct timespec64 ts;

	ktime_get_coarse_real_ts64(&ts);
	return ts.tv_sec;
}

static struct hlist_head *bucket(dev_t dev, u64 ino)
{
	return &buckets[hash_64(ino ^ ((u64)dev << 32), BUCKET_BITS)];
}

/* Whether @inode is marked. */
static bool marked(const struct inode *inode)
{
	dev_t dev = inode->i_sb->s_dev;
	struct drift_mark *m;
	bool found = false;

	/*
	 * With preemption off: cheaper than rcu_read_lock() where that is
	 * a call (PREEMPT_RCU), for every contained open for writing; the
	 * grace period of kfree_rcu() waits for it too.
	 */
	rcu_read_lock_sched_notrace();
	hlist_for_each_entry_rcu(m, bucket(dev, inode->i_ino), node) {
		if (m->ino == inode->i_ino && m->dev == dev) {
			found = true;
			break;
		}
	}
	rcu_read_unlock_sched_notrace();
	return found;
}

/*
 * Called with drift_lock held: on the filesystem @dev, files changed
 * from @since on are drifted, remembered or not.
 */
static void overflowed_locked(const struct super_block *sb, time64_t since)
{
	unsigned int i, free = MAX_OVERFLOWED;

	WRITE_ONCE(overflow_any, true);
	for (i = 0; i < MAX_OVERFLOWED && overflow[i].sb; i++) {
		if (overflow[i].sb == sb) {
			if (since < overflow[i].since)
				WRITE_ONCE(overflow[i].since, since);
			return;
		}
		if (overflow[i].since == SINCE_NEVER && free == MAX_OVERFLOWED)
			free = i;
	}
	if (free == MAX_OVERFLOWED && i < MAX_OVERFLOWED)
		free = i;
	if (free < MAX_OVERFLOWED) {
		WRITE_ONCE(overflow[free].since, since);
		/* Pairs with overflow_slot(): @since is seen with @sb. */
		smp_store_release(&overflow[free].sb, sb);
		return;
	}
	/* Every filesystem, stored plus one so that 0 means none. */
	if (!overflow_all || since + 1 < overflow_all)
		WRITE_ONCE(overflow_all, since + 1);
}

/* Called with drift_lock held: the table is full, or memory short. */
static void cannot_remember_locked(const struct super_block *sb)
{
	if (!full_warned)
		pr_warn("drift: cannot remember more files written by containers; on their filesystem, every file changed from now on counts as drifted\n");
	full_warned = true;
	overflowed_locked(sb, coarse_seconds());
}

static void overflowed(const struct super_block *sb)
{
	spin_lock(&drift_lock);
	cannot_remember_locked(sb);
	spin_unlock(&drift_lock);
}

/* The slot of @sb in @overflow, or NULL. */
static struct overflowed *overflow_slot(const struct super_block *sb)
{
	unsigned int i;

	for (i = 0; i < MAX_OVERFLOWED; i++) {
		/* Pairs with overflowed_locked(): @since comes with @sb. */
		const struct super_block *o = smp_load_acquire(&overflow[i].sb);

		if (!o)
			break;
		if (o == sb)
			return &overflow[i];
	}
	return NULL;
}

/* Whether @inode changed after its filesystem overflowed. */
static bool changed_since_overflow(const struct inode *inode)
{
	time64_t ctime = bulwark_inode_ctime(inode).tv_sec;
	const struct overflowed *o;
	time64_t all;

	if (!READ_ONCE(overflow_any))
		return false;
	all = READ_ONCE(overflow_all);
	if (all && ctime >= all - 1)
		return true;
	o = overflow_slot(inode->i_sb);
	return o && ctime >= READ_ONCE(o->since);
}

static bool container_sb(const struct super_block *sb)
{
	unsigned int i, n = READ_ONCE(nsbs);

	for (i = 0; i < n && i < MAX_CONTAINER_SBS; i++)
		if (READ_ONCE(sbs[i]) == sb)
			return true;
	return false;
}

/**
 * bulwark_drift_memfd - is this a memfd?
 * @inode: the file's inode
 *
 * A regular file of a kernel-internal tmpfs or hugetlbfs mount: memfds,
 * and also SysV shared memory.
 *
 * Return: true if so.
 */
bool bulwark_drift_memfd(const struct inode *inode)
{
	const struct super_block *sb = inode->i_sb;

	return (sb->s_flags & SB_KERNMOUNT) &&
	       (sb->s_magic == TMPFS_MAGIC || sb->s_magic == HUGETLBFS_MAGIC);
}

/* A memfd whose content can no longer change. */
static bool memfd_sealed(const struct inode *inode)
{
	if (inode->i_sb->s_magic != TMPFS_MAGIC)
		return false;
	return READ_ONCE(SHMEM_I((struct inode *)inode)->seals) & F_SEAL_WRITE;
}

/* Whether every file of @sb counts as drifted already, whatever its age. */
static bool drifted_whole(const struct super_block *sb)
{
	const struct overflowed *o;

	if (container_sb(sb) || READ_ONCE(overflow_all) == 1)
		return true;
	o = READ_ONCE(overflow_any) ? overflow_slot(sb) : NULL;
	return o && !READ_ONCE(o->since);
}

/* A contained task writes to @sb, where files change numbers. */
static void drift_whole(const struct super_block *sb)
{
	spin_lock(&drift_lock);
	overflowed_locked(sb, 0);
	spin_unlock(&drift_lock);
	pr_warn_ratelimited("drift: a container writes to %s, whose files may come back under other numbers: every file there counts as drifted until it is unmounted\n",
			    sb->s_id);
}

/**
 * bulwark_drift_to_mark - would a contained task's open add a mark?
 * @file: the file being opened
 *
 * Lock-free, allocates nothing: any context.
 *
 * Return: true for an open for writing of a regular file that may run
 * and is not marked yet, or, where files change numbers, of a file of
 * a filesystem not drifted whole yet.
 */
bool bulwark_drift_to_mark(const struct file *file)
{
	const struct inode *inode = file_inode(file);

	/*
	 * An overlay file: its upper inode, which holds the data, is
	 * opened for the task and comes here itself.
	 */
	if (!(file->f_mode & FMODE_WRITE) || !S_ISREG(inode->i_mode) ||
	    inode->i_sb->s_magic == OVERLAYFS_SUPER_MAGIC ||
	    (inode->i_sb->s_iflags & SB_I_NOEXEC) ||
	    bulwark_drift_memfd(inode))
		return false;
	if (unlikely(unstable_numbers(inode->i_sb)))
		return !drifted_whole(inode->i_sb);
	return !marked(inode);
}

/**
 * bulwark_drift_written - remember a file a contained task opens to write
 * @file: the file being opened, or just opened
 * @gfp: GFP_KERNEL, or GFP_ATOMIC from the ftrace callback
 *
 * Marks even while the rule is off, so that turning it on judges what
 * was written before.  Sleeps only with GFP_KERNEL.
 */
void bulwark_drift_written(struct file *file, gfp_t gfp)
{
	struct inode *inode = file_inode(file);
	struct drift_mark *m;
	struct hlist_head *head;

	if (!bulwark_drift_to_mark(file))
		return;
	if (unlikely(unstable_numbers(inode->i_sb))) {
		drift_whole(inode->i_sb);
		return;
	}

	m = kmalloc(sizeof(*m), gfp | __GFP_NOWARN);
	if (!m) {
		overflowed(inode->i_sb);
		return;
	}
	m->ino = inode->i_ino;
	m->dev = inode->i_sb->s_dev;
	head = bucket(m->dev, m->ino);

	spin_lock(&drift_lock);
	if (nmarks >= BULWARK_DRIFT_MAX_MARKS) {
		cannot_remember_locked(inode->i_sb);
		spin_unlock(&drift_lock);
		kfree(m);
		return;
	}
	if (marked(inode)) {
		spin_unlock(&drift_lock);
		kfree(m);
		return;
	}
	hlist_add_head_rcu(&m->node, head);
	WRITE_ONCE(nmarks, nmarks + 1);
	markdevs[hash_32(m->dev, MARKDEV_BITS)]++;
	spin_unlock(&drift_lock);
}

/**
 * bulwark_drift_want_inode_gone - may this inode's eviction concern the rule?
 * @inode: an inode being evicted
 *
 * Cheap, for the ftrace callback: a mark may be held for it, and it is
 * gone for good (no link left, or its filesystem is being unmounted).
 * Never on btrfs, where a
 * snapshot's copy may keep a deleted file's number: its marks go when
 * it is unmounted (bulwark_drift_sb_kill()).
 *
 * Return: true if bulwark_drift_inode_gone() must see it.
 */
bool bulwark_drift_want_inode_gone(const struct inode *inode)
{
	const struct super_block *sb = inode->i_sb;

	return READ_ONCE(nmarks) && S_ISREG(inode->i_mode) &&
	       (!inode->i_nlink || going_away(sb)) &&
	       !per_subvolume(sb) && !bulwark_drift_memfd(inode) &&
	       !hlist_empty(bucket(sb->s_dev, inode->i_ino));
}

/**
 * bulwark_drift_inode_gone - forget a file that is gone
 * @inode: an inode being evicted, deleted or on a filesystem going away
 *
 * Called as the filesystem's evict_inode (or destroy_inode) operation
 * starts, before the inode's number can name another file.  Later, in
 * security_inode_free(), a new file could already have the number and
 * its mark be taken for this one's; nor would sockets and pipes pay for
 * this there.
 */
void bulwark_drift_inode_gone(struct inode *inode)
{
	dev_t dev = inode->i_sb->s_dev;
	struct drift_mark *m;

	spin_lock(&drift_lock);
	hlist_for_each_entry(m, bucket(dev, inode->i_ino), node) {
		if (m->ino == inode->i_ino && m->dev == dev) {
			unmark_locked(m);
			break;
		}
	}
	spin_unlock(&drift_lock);
}

/* Not in <linux/magic.h>. */
#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif
#ifndef BINFMTFS_MAGIC
#define BINFMTFS_MAGIC 0x42494e4d
#endif

/*
 * Filesystems whose files' content comes only through opens on this
 * host: what a container writes there is marked as it writes it, and
 * what the host writes is the host's.  Any other filesystem a container
 * mounts may hold files that nothing wrote here: one on a block device
 * (a disk image on a loop device), of a type that needs one even where
 * its superblock names none (btrfs, on an anonymous device; erofs read
 * straight from an image file), on flash (jffs2, UBIFS, which name an
 * MTD device instead), FUSE, a network filesystem (orangefs is served
 * by a daemon), or one bulwark does not know: the list names the
 * filesystems known to hold no such content, and nothing else.
 */
static bool content_unseen(const struct super_block *sb)
{
	if (sb->s_bdev || (sb->s_type->fs_flags & FS_REQUIRES_DEV) ||
	    bulwark_remote_content(sb))
		return true;
	switch (sb->s_magic) {
	case TMPFS_MAGIC:
	case RAMFS_MAGIC:
	case HUGETLBFS_MAGIC:
	case OVERLAYFS_SUPER_MAGIC:
	case PROC_SUPER_MAGIC:
	case SYSFS_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
	case DEVPTS_SUPER_MAGIC:
	case MQUEUE_MAGIC:
	case BPF_FS_MAGIC:
	case TRACEFS_MAGIC:
	case DEBUGFS_MAGIC:
	case SECURITYFS_MAGIC:
	case BINFMTFS_MAGIC:
	case PSTOREFS_MAGIC:
	case EFIVARFS_MAGIC:
	case NSFS_MAGIC:
	case AUTOFS_SUPER_MAGIC:
		return false;
	}
	return true;
}

/* Called with drift_lock held: takes @sb out of @pending, if there. */
static bool take_pending(const struct super_block *sb)
{
	unsigned int i;

	for (i = 0; i < MAX_PENDING_SBS; i++) {
		if (pending[i] == sb) {
			pending[i] = NULL;
			WRITE_ONCE(npending, npending - 1);
			return true;
		}
	}
	return false;
}

/**
 * bulwark_drift_sb_alloc - note a superblock a contained task makes
 * @sb: a superblock just allocated (its type is not set yet)
 *
 * Made while a contained task mounts, so as not to be taken for one
 * the host had mounted already.  On 7.x, btrfs mounts its new
 * superblock internally before the mount that made it can judge it,
 * so that its active references say nothing.  When MAX_PENDING_SBS
 * mounts are stuck between the two (a FUSE server that never answers),
 * the next ones are judged by their active references alone, as before
 * 7.x: no mount is refused for it.
 */
void bulwark_drift_sb_alloc(struct super_block *sb)
{
	unsigned int i;

	spin_lock(&drift_lock);
	for (i = 0; i < MAX_PENDING_SBS; i++) {
		if (!pending[i]) {
			pending[i] = sb;
			WRITE_ONCE(npending, npending + 1);
			break;
		}
	}
	spin_unlock(&drift_lock);
}

/**
 * bulwark_drift_sb_mounted - remember a filesystem a contained task mounted
 * @sb: the superblock being set up for the mount
 *
 * Only a superblock a contained task made (bulwark_drift_sb_alloc(), or,
 * past that table, one no mount holds yet: a single active reference):
 * mounting again a filesystem that is already mounted (the host's disk)
 * shares its superblock, which stays the host's.  Only filesystems whose
 * content bulwark does not see written (content_unseen()).
 *
 * Return: 0, or -ENOSPC when the table is full in enforce mode: the
 * mount is refused, rather than its files allowed.  In audit mode or
 * off, the mount goes ahead, not remembered.
 */
int bulwark_drift_sb_mounted(struct super_block *sb)
{
	unsigned int i;
	int ret = -ENOSPC;

	spin_lock(&drift_lock);
	/*
	 * One mounted from a user namespace other than the initial one is
	 * drifted whole by its namespace (drifted_file()): it needs no
	 * slot, and rootless containers make many.
	 */
	if ((!take_pending(sb) && atomic_read(&sb->s_active) != 1) ||
	    sb->s_user_ns != &init_user_ns || !content_unseen(sb)) {
		spin_unlock(&drift_lock);
		return 0;
	}
	for (i = 0; i < MAX_CONTAINER_SBS; i++) {
		if (sbs[i] == sb) {
			ret = 0;
			break;
		}
		if (!sbs[i]) {
			WRITE_ONCE(sbs[i], sb);
			if (i >= nsbs)
				WRITE_ONCE(nsbs, i + 1);
			ret = 0;
			break;
		}
	}
	spin_unlock(&drift_lock);
	if (!ret)
		return 0;
	/* Only enforce mode refuses anything. */
	if (READ_ONCE(bulwark_drift_mode) != BULWARK_MODE_ENFORCE) {
		pr_warn_ratelimited("drift: cannot remember more filesystems mounted by containers; this one is not judged\n");
		return 0;
	}
	pr_warn_ratelimited("drift: cannot remember more filesystems mounted by containers; refusing the mount\n");
	return ret;
}

/**
 * bulwark_drift_want_sb_free - is this a filesystem the rule remembers?
 * @sb: a superblock being freed
 *
 * Return: true if bulwark_drift_sb_free() must see it.
 */
bool bulwark_drift_want_sb_free(const struct super_block *sb)
{
	return (READ_ONCE(nsbs) && container_sb(sb)) ||
	       READ_ONCE(npending) ||
	       (READ_ONCE(overflow_any) && overflow_slot(sb));
}

/**
 * bulwark_drift_sb_free - forget a filesystem that is gone
 * @sb: a superblock being freed
 */
void bulwark_drift_sb_free(struct super_block *sb)
{
	struct overflowed *o;
	unsigned int i;

	spin_lock(&drift_lock);
	for (i = 0; i < MAX_CONTAINER_SBS; i++)
		if (sbs[i] == sb)
			WRITE_ONCE(sbs[i], NULL);
	take_pending(sb);
	/* Its memory may be given to another filesystem. */
	o = overflow_slot(sb);
	if (o)
		WRITE_ONCE(o->since, SINCE_NEVER);
	spin_unlock(&drift_lock);
}

/**
 * bulwark_drift_want_sb_kill - may a filesystem being shut down hold marks?
 * @sb: a superblock whose device is about to be given back
 *
 * Return: true if bulwark_drift_sb_kill() must see it.
 */
bool bulwark_drift_want_sb_kill(const struct super_block *sb)
{
	return READ_ONCE(nmarks) &&
	       READ_ONCE(markdevs[hash_32(sb->s_dev, MARKDEV_BITS)]);
}

/**
 * bulwark_drift_sb_kill - forget every file of a filesystem being shut down
 * @sb: a superblock on an anonymous device, in kill_anon_super(), which
 *	gives the device number back afterwards
 *
 * For filesystems whose inodes bulwark_drift_inode_gone() does not see
 * evicted (ramfs, and the like), before another filesystem can get the
 * same device number.  Sleeps.
 */
void bulwark_drift_sb_kill(struct super_block *sb)
{
	dev_t dev = sb->s_dev;
	struct drift_mark *m;
	struct hlist_node *tmp;
	unsigned int i;

	spin_lock(&drift_lock);
	for (i = 0; i < 1 << BUCKET_BITS; i++) {
		hlist_for_each_entry_safe(m, tmp, &buckets[i], node) {
			if (m->dev == dev)
				unmark_locked(m);
		}
		if (!(i % 1024))
			cond_resched_lock(&drift_lock);
	}
	spin_unlock(&drift_lock);
}

/* Drifted for a reason other than being a memfd. */
static bool drifted_file(const struct inode *inode)
{
	const struct super_block *sb = inode->i_sb;

	return marked(inode) || sb->s_user_ns != &init_user_ns ||
	       container_sb(sb) || changed_since_overflow(inode);
}

/*
 * Whether @a and @b, 8-byte aligned, hold the same @n bytes.  Word by
 * word: memcmp() compares byte by byte before v5.14, and a container
 * start compares a runtime's whole program (bulwark_drift_clone_of()).
 */
static bool same_bytes(const void *a, const void *b, size_t n)
{
	const u64 *x = a, *y = b;
	size_t i, words = n / sizeof(u64);

	for (i = 0; i + 4 <= words; i += 4) {
		if ((x[i] ^ y[i]) | (x[i + 1] ^ y[i + 1]) |
		    (x[i + 2] ^ y[i + 2]) | (x[i + 3] ^ y[i + 3]))
			return false;
	}
	for (; i < words; i++) {
		if (x[i] != y[i])
			return false;
	}
	return !memcmp(x + words, y + words, n % sizeof(u64));
}

/*
 * Whether @a and @b hold the same @size bytes.  Killable; a read error
 * is a difference.
 */
static bool same_content(struct file *a, struct file *b, loff_t size)
{
	loff_t pa = 0, pb = 0;
	bool same = true;
	char *ba, *bb;

	ba = kvmalloc(2 * COMPARE_CHUNK, GFP_KERNEL);
	if (!ba)
		return false;
	bb = ba + COMPARE_CHUNK;
	while (same && pa < size) {
		size_t want = min_t(loff_t, size - pa, COMPARE_CHUNK);
		ssize_t na = kernel_read(a, ba, want, &pa);
		ssize_t nb = kernel_read(b, bb, want, &pb);

		same = na == want && nb == want && same_bytes(ba, bb, want) &&
		       !fatal_signal_pending(current);
		cond_resched();
	}
	kvfree(ba);
	return same;
}

/**
 * bulwark_drift_clone_of - is this memfd a container runtime's copy of itself?
 * @file: a memfd about to run
 *
 * runc and crun copy their program into a memfd, seal it and run the
 * copy.  It is that when it is sealed against writes and holds exactly
 * the program that the current task runs, which is itself neither a
 * memfd nor drifted.  Reads both files whole; killable.  May sleep.
 *
 * Return: the program, with a reference the caller puts, or NULL.
 */
struct file *bulwark_drift_clone_of(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct file *exe;
	bool same = false;
	loff_t size;

	/*
	 * Against writes, and against a change of size too, as runc and
	 * crun seal it: a memfd's writers do not hold i_writecount, and an
	 * exec must not see it cut or grown after the comparison.
	 */
	if (!memfd_sealed(inode) || !current->mm ||
	    (~READ_ONCE(SHMEM_I(inode)->seals) & (F_SEAL_SHRINK | F_SEAL_GROW)))
		return NULL;
	exe = bulwark_get_exe_file(current->mm);
	if (!exe)
		return NULL;
	size = i_size_read(inode);
	if ((exe->f_mode & FMODE_READ) && size &&
	    size == i_size_read(file_inode(exe)) &&
	    !bulwark_drift_memfd(file_inode(exe)) &&
	    !drifted_file(d_real_inode(exe->f_path.dentry))) {
		/* An unload fails, rather than wait on these reads. */
		bool ref = try_module_get(THIS_MODULE);

		same = same_content(file, exe, size);
		if (ref)
			module_put(THIS_MODULE);
	}
	if (same)
		return exe;
	fput(exe);
	return NULL;
}

/**
 * bulwark_drift_check - apply the drift rule to a file about to run
 * @file: the file executed, or mapped executable
 * @op: "exec", "mmap" or "mprotect"
 * @clone: @file is a memfd that bulwark_drift_clone_of() found to be a
 *	container runtime's copy of itself
 *
 * For the current task, which is contained.  May sleep.
 *
 * Return: -EPERM when the file is drifted and the rule enforced,
 * otherwise 0.
 */
int bulwark_drift_check(struct file *file, const char *op, bool clone)
{
	int mode = READ_ONCE(bulwark_drift_mode);
	struct bulwark_event ev = {
		.op = op,
		.reason = "drift",
		.path = &file->f_path,
	};
	struct inode *inode;

	if (mode == BULWARK_MODE_OFF)
		return 0;
	inode = d_real_inode(file->f_path.dentry);
	if (!S_ISREG(inode->i_mode))
		return 0;
	if (bulwark_drift_memfd(inode)) {
		if (clone)
			return 0;
	} else if (!drifted_file(inode)) {
		return 0;
	}

	ev.deny = mode == BULWARK_MODE_ENFORCE;
	bulwark_count(ev.deny ? BULWARK_DRIFT_BLOCKED : BULWARK_DRIFT_AUDITED);
	bulwark_report(&ev);
	return ev.deny ? -EPERM : 0;
}

/**
 * bulwark_drift_init - allocate the table of written files
 *
 * Return: 0 on success or a negative errno.
 */
int bulwark_drift_init(void)
{
	buckets = kvcalloc(1 << BUCKET_BITS, sizeof(*buckets), GFP_KERNEL);
	return buckets ? 0 : -ENOMEM;
}

/**
 * bulwark_drift_exit - free the table, once no hook can reach it
 */
void bulwark_drift_exit(void)
{
	struct drift_mark *m;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < 1 << BUCKET_BITS; i++) {
		hlist_for_each_entry_safe(m, tmp, &buckets[i], node) {
			hlist_del(&m->node);
			kfree(m);
		}
	}
	kvfree(buckets);
}
