// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the exec rule: no blocklisted binary runs in a container
 *
 * At exec (security_bprm_check, once for the file and once for each
 * interpreter) and at PROT_EXEC file mappings (security_mmap_file, which
 * catches "ld.so /tmp/miner"), a contained task's file is hashed with
 * SHA-256 and looked up on the blocklist.
 *
 * Digests are cached by the identity of the real inode (the upper or
 * lower inode under overlayfs) together with what changes when its
 * content can have changed: i_version where the filesystem keeps it,
 * ctime and size always.  Without i_version a digest is cached only once
 * the file's ctime is more than a second old, so that a rewrite within
 * the timestamp's granularity cannot go unnoticed.
 *
 * A digest is cached only when the file's content cannot have changed
 * unseen while it was read.  Nobody had the file open for writing, nor
 * mapped shared and writable, when hashing began: a writable mapping set
 * up earlier changes the content without touching ctime, and a memfd's
 * writable descriptors do not count in i_writecount.  And the file's key
 * is the same after hashing as before: a write, a truncation or any
 * change of size or ctime during hashing shows there.  Otherwise the
 * digest still decides this one check, since it is the digest of what
 * was read (and during an exec nobody can write the file), but it is
 * not kept.  Nothing is cached either for files whose content can change
 * without this kernel seeing it: on FUSE, on network filesystems, or on
 * a filesystem mounted from a user namespace, whose owner controls what
 * the device holds.
 *
 * A file the rule cannot hash is never silently allowed.  A file larger
 * than hash_max_bytes is allowed, counted as skipped, and reported as
 * "miner_unhashed" each time.  A read error, or a file that changed
 * while it was read, is refused in enforce mode, as is a memfd that is
 * not sealed against writes: it could be rewritten once checked, so it
 * is not hashed at all.  Hashing stops on a fatal signal, and holds a
 * reference on the module meanwhile: an unload fails rather than wait
 * on a read that does not return.
 *
 * The cache is a fixed array of slots, direct-mapped by identity, so its
 * memory is bounded and a new digest evicts whatever shared its slot.
 * Readers take no lock: each slot has a seqcount, and its writers are
 * serialised by cache_lock.
 */

#include "common.h"

#include <crypto/hash.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/iversion.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/seqlock.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/user_namespace.h>

#include "blocklist.h"
#include "compat.h"
#include "config.h"
#include "counters.h"
#include "drift.h"
#include "exec.h"
#include "report.h"

/* Slots in the digest cache: about 400 KiB. */
#define CACHE_BITS 12

/* Bytes read from the file at a time while hashing. */
#define HASH_CHUNK (256 * 1024)

/**
 * struct file_key - a file's identity and the state of its content
 *
 * Compared whole with memcmp(), so always zeroed before it is filled.
 */
struct file_key {
	/**
	 * @ino: inode number.
	 */
	u64 ino;
	/**
	 * @version: i_version, or 0 where the filesystem has none.
	 */
	u64 version;
	/**
	 * @size: file size.
	 */
	s64 size;
	/**
	 * @ctime_sec: change time, seconds.
	 */
	s64 ctime_sec;
	/**
	 * @ctime_nsec: change time, nanoseconds.
	 */
	u32 ctime_nsec;
	/**
	 * @generation: inode generation.
	 */
	u32 generation;
	/**
	 * @dev: device of the filesystem.
	 */
	u32 dev;
	/**
	 * @pad: zero.
	 */
	u32 pad;
};

/**
 * struct cache_slot - one cached digest
 */
struct cache_slot {
	/**
	 * @seq: readers retry while a writer changes the slot.
	 */
	seqcount_spinlock_t seq;
	/**
	 * @key: whose digest it is; all zero while the slot is empty.
	 */
	struct file_key key;
	/**
	 * @digest: the SHA-256 of the file's content.
	 */
	u8 digest[BULWARK_SHA256_SIZE];
};

static struct crypto_shash *sha256_tfm __ro_after_init;
static struct cache_slot *cache __ro_after_init;
/* Serialises writers of the cache slots. */
static DEFINE_SPINLOCK(cache_lock);

static void file_key(struct inode *inode, struct file_key *key)
{
	struct timespec64 ctime = bulwark_inode_ctime(inode);

	memset(key, 0, sizeof(*key));
	key->ino = inode->i_ino;
	key->generation = inode->i_generation;
	key->dev = inode->i_sb->s_dev;
	key->size = i_size_read(inode);
	key->ctime_sec = ctime.tv_sec;
	key->ctime_nsec = ctime.tv_nsec;
	if (IS_I_VERSION(inode))
		key->version = inode_query_iversion(inode);
}

static struct cache_slot *cache_slot(const struct file_key *key)
{
	u32 h = hash_64(key->ino ^ ((u64)key->dev << 32) ^ key->generation,
			CACHE_BITS);

	return &cache[h];
}

static bool cache_lookup(const struct file_key *key, u8 *digest)
{
	struct cache_slot *slot = cache_slot(key);
	unsigned int seq;
	bool hit;

	do {
		seq = read_seqcount_begin(&slot->seq);
		hit = !memcmp(&slot->key, key, sizeof(*key));
		if (hit)
			memcpy(digest, slot->digest, BULWARK_SHA256_SIZE);
	} while (read_seqcount_retry(&slot->seq, seq));
	return hit;
}

/**
 * bulwark_remote_content - may this filesystem's content change unseen?
 * @sb: the filesystem
 *
 * FUSE, network filesystems, and filesystems mounted from a user
 * namespace: their content may change without this kernel seeing it.
 *
 * Return: true if so.
 */
bool bulwark_remote_content(const struct super_block *sb)
{
	switch (sb->s_magic) {
	case BULWARK_MAGIC_FUSE:
	case NFS_SUPER_MAGIC:
	case SMB_SUPER_MAGIC:
	case BULWARK_MAGIC_SMB2:
	case BULWARK_MAGIC_CIFS:
	case V9FS_MAGIC:
	case BULWARK_MAGIC_CEPH:
	case AFS_FS_MAGIC:
	case AFS_SUPER_MAGIC:
	case CODA_SUPER_MAGIC:
		return true;
	}
	return sb->s_user_ns != &init_user_ns;
}

/* Whether a digest of the content @key describes may be cached. */
static bool cacheable(const struct inode *inode, const struct file_key *key)
{
	struct timespec64 now;

	if (bulwark_remote_content(inode->i_sb))
		return false;
	if (IS_I_VERSION(inode))
		return true;
	ktime_get_coarse_real_ts64(&now);
	return now.tv_sec - key->ctime_sec > 1;
}

static void cache_store(const struct file_key *key, const u8 *digest)
{
	struct cache_slot *slot = cache_slot(key);

	spin_lock(&cache_lock);
	write_seqcount_begin(&slot->seq);
	slot->key = *key;
	memcpy(slot->digest, digest, BULWARK_SHA256_SIZE);
	write_seqcount_end(&slot->seq);
	spin_unlock(&cache_lock);
}

static int hash_file(struct file *file, loff_t size, u8 *digest)
{
	SHASH_DESC_ON_STACK(desc, sha256_tfm);
	loff_t pos = 0;
	void *buf;
	int err;

	buf = kvmalloc(HASH_CHUNK, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	desc->tfm = sha256_tfm;
	err = crypto_shash_init(desc);
	while (!err && pos < size) {
		ssize_t n = kernel_read(file, buf,
					min_t(loff_t, size - pos, HASH_CHUNK),
					&pos);

		if (n <= 0) {
			/* A read error, or the file shrank under us. */
			err = n ? n : -ENODATA;
			break;
		}
		err = crypto_shash_update(desc, buf, n);
		if (!err && fatal_signal_pending(current))
			err = -EINTR;
		cond_resched();
	}
	if (!err)
		err = crypto_shash_final(desc, digest);
	shash_desc_zero(desc);
	kvfree(buf);
	return err;
}

/* The digest of @file, from the cache or computed; 0 or -errno. */
static int file_digest(struct file *file, u8 *digest)
{
	struct inode *inode = d_real_inode(file->f_path.dentry);
	struct file_key key, after;
	bool writers, ref;
	int err;

	file_key(inode, &key);
	if (cache_lookup(&key, digest)) {
		bulwark_count(BULWARK_EXEC_CACHE_HITS);
		return 0;
	}
	if (key.size > READ_ONCE(bulwark_hash_max_bytes))
		return -EFBIG;
	writers = inode_is_open_for_write(inode) ||
		  mapping_writably_mapped(inode->i_mapping);
	ref = try_module_get(THIS_MODULE);
	err = hash_file(file, key.size, digest);
	if (ref)
		module_put(THIS_MODULE);
	if (err)
		return err;
	bulwark_count(BULWARK_EXEC_HASHED);
	bulwark_count_add(BULWARK_EXEC_HASH_BYTES, key.size);
	/* See the top of this file. */
	file_key(inode, &after);
	if (memcmp(&key, &after, sizeof(key)))
		return -ESTALE;
	if (!writers && cacheable(inode, &key))
		cache_store(&key, digest);
	return 0;
}

/*
 * A file the rule could not hash: allowed when too large, as configured;
 * otherwise refused in enforce mode.  Reported each time.
 */
static int unhashed(struct file *file, const char *op, int mode, int err)
{
	struct bulwark_event ev = {
		.op = op,
		.reason = "miner_unhashed",
		.path = &file->f_path,
		.error = err,
	};

	bulwark_count(BULWARK_EXEC_SKIPPED);
	/* A dying task: nothing will run. */
	if (err == -EINTR)
		return -EINTR;
	if (err != -EFBIG) {
		ev.deny = mode == BULWARK_MODE_ENFORCE;
		bulwark_count(ev.deny ? BULWARK_EXEC_BLOCKED :
					BULWARK_EXEC_AUDITED);
	}
	bulwark_report(&ev);
	return ev.deny ? -EPERM : 0;
}

/**
 * bulwark_exec_check - apply the exec rule to a file about to run
 * @file: the file being executed or mapped executable
 * @op: "exec", "mmap" or "mprotect"
 *
 * For the current task, which is subject to the rule.  A file that
 * cannot be hashed is reported; see the top of this file.  May sleep.
 *
 * Return: -EPERM when the file is blocklisted, or unhashable but for its
 * size, and the rule enforced; -EINTR for a dying task; otherwise 0.
 */
int bulwark_exec_check(struct file *file, const char *op)
{
	int mode = READ_ONCE(bulwark_miner_mode);
	u8 digest[BULWARK_SHA256_SIZE];
	char label[BULWARK_LABEL_MAX + 1];
	struct bulwark_event ev = {
		.op = op,
		.reason = "miner_hash",
		.path = &file->f_path,
		.sha256 = digest,
		.label = label,
	};
	struct inode *inode = file_inode(file);
	int err;

	/*
	 * Without FMODE_READ the file cannot be read, and do_mmap() refuses
	 * to map it: nothing will run from it.
	 */
	if (mode == BULWARK_MODE_OFF || !S_ISREG(inode->i_mode) ||
	    !(file->f_mode & FMODE_READ) || bulwark_blocklist_empty())
		return 0;
	bulwark_count(BULWARK_EXEC_CHECKED);
	if (bulwark_drift_memfd(inode) &&
	    !(inode->i_sb->s_magic == TMPFS_MAGIC &&
	      (READ_ONCE(SHMEM_I(inode)->seals) & F_SEAL_WRITE)))
		return unhashed(file, op, mode, -ETXTBSY);
	err = file_digest(file, digest);
	if (err)
		return unhashed(file, op, mode, err);
	if (!bulwark_blocklist_find(digest, label, sizeof(label)))
		return 0;

	ev.deny = mode == BULWARK_MODE_ENFORCE;
	bulwark_count(ev.deny ? BULWARK_EXEC_BLOCKED : BULWARK_EXEC_AUDITED);
	bulwark_report(&ev);
	return ev.deny ? -EPERM : 0;
}

/**
 * bulwark_exec_init - allocate the hash and the digest cache
 *
 * Return: 0 on success or a negative errno.
 */
int bulwark_exec_init(void)
{
	int i;

	sha256_tfm = crypto_alloc_shash("sha256", 0, 0);
	if (IS_ERR(sha256_tfm)) {
		int err = PTR_ERR(sha256_tfm);

		pr_err("cannot allocate sha256: error %d\n", err);
		return err;
	}
	cache = kvcalloc(1 << CACHE_BITS, sizeof(*cache), GFP_KERNEL);
	if (!cache) {
		crypto_free_shash(sha256_tfm);
		return -ENOMEM;
	}
	for (i = 0; i < 1 << CACHE_BITS; i++)
		seqcount_spinlock_init(&cache[i].seq, &cache_lock);
	pr_info("hashing with %s\n", crypto_shash_driver_name(sha256_tfm));
	return 0;
}

/**
 * bulwark_exec_exit - free the hash and the digest cache
 */
void bulwark_exec_exit(void)
{
	kvfree(cache);
	crypto_free_shash(sha256_tfm);
}
