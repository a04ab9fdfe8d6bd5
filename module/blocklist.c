// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the blocklist of SHA-256 digests
 *
 * The list in force is an immutable sorted array of 36-byte entries with
 * a bucket index on the digests' leading bits, so a lookup is one index
 * read and a binary search over one or two entries, whatever the size of
 * the list.  Labels are kept once each in a string pool.
 *
 * A write session builds a struct bulwark_builder; its commit turns it
 * into a new list, swaps it in under bulwark_config_mutex and drops the
 * old one, which is freed after a grace period once its last reader
 * lets go.  Lookups take no lock and are never blocked by a load.
 */

#include "common.h"

#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stringhash.h>

#include "blocklist.h"
#include "compat.h"
#include "config.h"
#include "counters.h"

/* Most bits of bucket index: 2^20 buckets serve a million entries. */
#define INDEX_MAX_BITS 20
/* Buckets of the builder's label hash table. */
#define LABEL_INDEX_BITS 16

struct bulwark_blocklist __rcu *bulwark_blocklist_in_force;

/**
 * struct label_node - a label of the builder's pool, in its hash table
 */
struct label_node {
	/**
	 * @node: link in the hash table bucket.
	 */
	struct hlist_node node;
	/**
	 * @offset: where the label starts in the pool.
	 */
	u32 offset;
};

/* Make room for @need elements of @size bytes in *@array. */
static int grow(void **array, size_t *cap, size_t need, size_t size)
{
	size_t new_cap = max3(*cap * 2, need, (size_t)64);
	void *p;

	if (need <= *cap)
		return 0;
	p = kvmalloc_array(new_cap, size, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	if (*array)
		memcpy(p, *array, *cap * size);
	kvfree(*array);
	*array = p;
	*cap = new_cap;
	return 0;
}

/* The pool offset of @label, added to the pool if it is new. */
static int intern_label(struct bulwark_builder *b, const char *label,
			size_t len, u32 *offset)
{
	u32 hash = hash_32(full_name_hash(NULL, label, len), LABEL_INDEX_BITS);
	struct label_node *ln;
	int err;

	if (!b->label_index) {
		b->label_index = kvcalloc(1 << LABEL_INDEX_BITS,
					  sizeof(*b->label_index), GFP_KERNEL);
		if (!b->label_index)
			return -ENOMEM;
	}
	hlist_for_each_entry(ln, &b->label_index[hash], node) {
		const char *s = b->labels + ln->offset;

		if (!strncmp(s, label, len) && !s[len]) {
			*offset = ln->offset;
			return 0;
		}
	}
	if (b->labels_len + len + 1 > U32_MAX)
		return -E2BIG;
	err = grow((void **)&b->labels, &b->labels_cap,
		   b->labels_len + len + 1, 1);
	if (err)
		return err;
	ln = kmalloc(sizeof(*ln), GFP_KERNEL);
	if (!ln)
		return -ENOMEM;
	ln->offset = b->labels_len;
	memcpy(b->labels + b->labels_len, label, len);
	b->labels[b->labels_len + len] = '\0';
	b->labels_len += len + 1;
	hlist_add_head(&ln->node, &b->label_index[hash]);
	*offset = ln->offset;
	return 0;
}

/**
 * bulwark_builder_add - add a digest to a blocklist being built
 * @b: the builder
 * @digest: the SHA-256 digest
 * @label: its label, not NUL-terminated
 * @label_len: length of @label, 0 for none
 *
 * Return: 0, or -ENOMEM or -E2BIG when the list cannot grow.
 */
int bulwark_builder_add(struct bulwark_builder *b, const u8 *digest,
			const char *label, size_t label_len)
{
	struct bulwark_entry *e;
	u32 offset = BULWARK_NO_LABEL;
	int err;

	if (b->count >= U32_MAX - 1)
		return -E2BIG;
	err = grow((void **)&b->entries, &b->cap, b->count + 1, sizeof(*e));
	if (err)
		return err;
	if (label_len) {
		err = intern_label(b, label, label_len, &offset);
		if (err)
			return err;
	}
	e = &b->entries[b->count++];
	memcpy(e->digest, digest, sizeof(e->digest));
	e->label = offset;
	return 0;
}

/**
 * bulwark_builder_free - free what a builder holds
 * @b: the builder; it is empty afterwards
 */
void bulwark_builder_free(struct bulwark_builder *b)
{
	struct label_node *ln;
	struct hlist_node *tmp;
	int i;

	if (b->label_index) {
		for (i = 0; i < 1 << LABEL_INDEX_BITS; i++)
			hlist_for_each_entry_safe(ln, tmp, &b->label_index[i],
						  node)
				kfree(ln);
		kvfree(b->label_index);
	}
	kvfree(b->entries);
	kvfree(b->labels);
	memset(b, 0, sizeof(*b));
}

static int cmp_entry(const void *a, const void *b)
{
	return memcmp(a, b, BULWARK_SHA256_SIZE);
}

static void blocklist_free(struct bulwark_blocklist *bl)
{
	kvfree(bl->buckets);
	kvfree(bl->entries);
	kvfree(bl->labels);
	kfree(bl);
}

static void blocklist_release(struct kref *ref)
{
	struct bulwark_blocklist *bl =
		container_of(ref, struct bulwark_blocklist, ref);

	/* Lookups run under RCU without a reference. */
	synchronize_rcu();
	blocklist_free(bl);
}

/* Copy sorted @src into @dst, skipping digests equal to the last kept. */
static u32 merge_run(struct bulwark_entry *dst, u32 n,
		     const struct bulwark_entry *src, u32 count, u32 shift)
{
	u32 i;

	for (i = 0; i < count; i++) {
		if (n && !memcmp(dst[n - 1].digest, src[i].digest,
				 BULWARK_SHA256_SIZE))
			continue;
		dst[n] = src[i];
		if (dst[n].label != BULWARK_NO_LABEL)
			dst[n].label += shift;
		n++;
	}
	return n;
}

/*
 * Merge the sorted lists @old (may be NULL) and @add into @bl's entries;
 * an entry of @old wins over an equal one of @add.
 */
static void merge(struct bulwark_blocklist *bl,
		  const struct bulwark_blocklist *old,
		  const struct bulwark_builder *add)
{
	u32 n_old = old ? old->count : 0, i = 0, j = 0, n = 0;
	u32 shift = old ? old->labels_len : 0;

	while (i < n_old && j < add->count) {
		int c = cmp_entry(&old->entries[i], &add->entries[j]);

		if (c <= 0) {
			n = merge_run(bl->entries, n, &old->entries[i++], 1, 0);
			j += !c;
		} else {
			n = merge_run(bl->entries, n, &add->entries[j++], 1,
				      shift);
		}
	}
	if (i < n_old)
		n = merge_run(bl->entries, n, &old->entries[i], n_old - i, 0);
	if (j < add->count)
		n = merge_run(bl->entries, n, &add->entries[j],
			      add->count - j, shift);
	bl->count = n;
}

static int build_index(struct bulwark_blocklist *bl)
{
	u32 bits = bl->count > 1 ? min(ilog2(bl->count), INDEX_MAX_BITS) : 0;
	u32 nbuckets = 1U << bits, b, i;

	bl->shift = 32 - bits;
	bl->buckets = kvcalloc(nbuckets + 1, sizeof(u32), GFP_KERNEL);
	if (!bl->buckets)
		return -ENOMEM;
	/* Count each bucket's entries, then turn counts into starts. */
	for (i = 0; i < bl->count; i++) {
		b = (u64)get_unaligned_be32(bl->entries[i].digest) >> bl->shift;
		bl->buckets[b + 1]++;
	}
	for (b = 0; b < nbuckets; b++)
		bl->buckets[b + 1] += bl->buckets[b];
	return 0;
}

/* Build the list that @add makes of @old; the caller frees @add. */
static struct bulwark_blocklist *
blocklist_build(const struct bulwark_blocklist *old,
		const struct bulwark_builder *add)
{
	size_t n = (old ? old->count : 0) + add->count;
	size_t old_labels = old ? old->labels_len : 0;
	struct bulwark_blocklist *bl;

	if (old_labels + add->labels_len > U32_MAX || n >= U32_MAX)
		return ERR_PTR(-E2BIG);
	bl = kzalloc(sizeof(*bl), GFP_KERNEL);
	if (!bl)
		return ERR_PTR(-ENOMEM);
	kref_init(&bl->ref);
	bl->entries = kvmalloc_array(max_t(size_t, n, 1), sizeof(*bl->entries),
				     GFP_KERNEL);
	bl->labels_len = old_labels + add->labels_len;
	bl->labels = kvmalloc(max_t(size_t, bl->labels_len, 1), GFP_KERNEL);
	if (!bl->entries || !bl->labels)
		goto out_free;
	if (old_labels)
		memcpy(bl->labels, old->labels, old_labels);
	if (add->labels_len)
		memcpy(bl->labels + old_labels, add->labels, add->labels_len);
	merge(bl, old, add);
	if (build_index(bl))
		goto out_free;
	return bl;

out_free:
	blocklist_free(bl);
	return ERR_PTR(-ENOMEM);
}

/**
 * bulwark_blocklist_commit - put a built blocklist in force
 * @b: the builder; its entries are sorted in place
 * @append: add to the list in force instead of replacing it
 *
 * The swap is atomic for lookups; on any error the list in force stays.
 *
 * Return: 0, -EPERM when bulwark is locked, or -ENOMEM/-E2BIG.
 */
int bulwark_blocklist_commit(struct bulwark_builder *b, bool append)
{
	struct bulwark_blocklist *old, *bl;
	int err = 0;

	sort(b->entries, b->count, sizeof(*b->entries), cmp_entry, NULL);

	mutex_lock(&bulwark_config_mutex);
	if (bulwark_locked) {
		err = -EPERM;
		goto out_unlock;
	}
	old = rcu_dereference_protected(bulwark_blocklist_in_force,
					lockdep_is_held(&bulwark_config_mutex));
	bl = blocklist_build(append ? old : NULL, b);
	if (IS_ERR(bl)) {
		err = PTR_ERR(bl);
		goto out_unlock;
	}
	bulwark_gauge_set_entries(bl->count);
	if (!bl->count) {
		blocklist_free(bl);
		bl = NULL;
	}
	rcu_assign_pointer(bulwark_blocklist_in_force, bl);
	mutex_unlock(&bulwark_config_mutex);

	if (old)
		kref_put(&old->ref, blocklist_release);
	return 0;

out_unlock:
	mutex_unlock(&bulwark_config_mutex);
	return err;
}

/**
 * bulwark_blocklist_get - take a reference to the list in force
 *
 * Return: the list, or NULL when it is empty.
 */
struct bulwark_blocklist *bulwark_blocklist_get(void)
{
	struct bulwark_blocklist *bl;

	/*
	 * A list whose last reference is going has been replaced already:
	 * read the pointer again, and get its successor.
	 */
	rcu_read_lock();
	do
		bl = rcu_dereference(bulwark_blocklist_in_force);
	while (bl && !kref_get_unless_zero(&bl->ref));
	rcu_read_unlock();
	return bl;
}

/**
 * bulwark_blocklist_put - drop a reference taken by bulwark_blocklist_get()
 * @bl: the list, or NULL
 *
 * May sleep.
 */
void bulwark_blocklist_put(struct bulwark_blocklist *bl)
{
	if (bl)
		kref_put(&bl->ref, blocklist_release);
}

/**
 * bulwark_blocklist_find - look a digest up
 * @digest: the SHA-256 digest
 * @label: where to copy the entry's label ("" without one)
 * @len: size of @label
 *
 * Lock-free; safe in any context.
 *
 * Return: true when @digest is on the list in force.
 */
bool bulwark_blocklist_find(const u8 *digest, char *label, size_t len)
{
	const struct bulwark_blocklist *bl;
	bool found = false;
	u32 lo, hi, b;

	rcu_read_lock();
	bl = rcu_dereference(bulwark_blocklist_in_force);
	if (!bl)
		goto out_unlock;
	b = (u64)get_unaligned_be32(digest) >> bl->shift;
	lo = bl->buckets[b];
	hi = bl->buckets[b + 1];
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		const struct bulwark_entry *e = &bl->entries[mid];
		int c = memcmp(digest, e->digest, BULWARK_SHA256_SIZE);

		if (!c) {
			strscpy(label, e->label == BULWARK_NO_LABEL ? "" :
				bl->labels + e->label, len);
			found = true;
			break;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
out_unlock:
	rcu_read_unlock();
	return found;
}

/**
 * bulwark_blocklist_exit - free the list in force at module exit
 *
 * Called once no hook can run and no file is open.
 */
void bulwark_blocklist_exit(void)
{
	struct bulwark_blocklist *bl;

	bl = rcu_replace_pointer(bulwark_blocklist_in_force, NULL, true);
	bulwark_blocklist_put(bl);
}
