/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - the blocklist of SHA-256 digests
 */

#ifndef _BULWARK_BLOCKLIST_H
#define _BULWARK_BLOCKLIST_H

#include <linux/kref.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "common.h"
#include "policyparse.h"

/* Label index of an entry without a label. */
#define BULWARK_NO_LABEL U32_MAX

/**
 * struct bulwark_entry - one digest on the blocklist
 *
 * 36 bytes, packed without padding: the blocklist's memory per entry is
 * this plus at most 4 bytes of index and its share of the labels.
 */
struct bulwark_entry {
	/**
	 * @digest: the SHA-256 digest.
	 */
	u8 digest[BULWARK_SHA256_SIZE];
	/**
	 * @label: offset of the entry's label in the list's label pool, or
	 * BULWARK_NO_LABEL.
	 */
	u32 label;
};

/**
 * struct bulwark_blocklist - an immutable, sorted blocklist
 *
 * Built whole by a policy write, published through an RCU pointer and
 * never changed afterwards.  Hooks look it up under rcu_read_lock()
 * without a reference; readers of the securityfs file hold a reference
 * across read() calls.  The last reference frees it after a grace
 * period.
 */
struct bulwark_blocklist {
	/**
	 * @ref: references: one for being in force, one per reader.
	 */
	struct kref ref;
	/**
	 * @count: number of entries.
	 */
	u32 count;
	/**
	 * @shift: the bucket of a digest is its first 32 bits shifted
	 * right by @shift.
	 */
	u32 shift;
	/**
	 * @buckets: index of the first entry of each bucket, one more
	 * than there are buckets; the entries of bucket b are
	 * [@buckets[b], @buckets[b + 1]).
	 */
	u32 *buckets;
	/**
	 * @entries: the entries, sorted by digest, without duplicates.
	 */
	struct bulwark_entry *entries;
	/**
	 * @labels: the label pool, NUL-terminated strings.
	 */
	char *labels;
	/**
	 * @labels_len: bytes used in @labels.
	 */
	size_t labels_len;
};

/**
 * struct bulwark_builder - a blocklist being parsed
 *
 * Owned by one write session; nothing in it is shared.
 */
struct bulwark_builder {
	/**
	 * @entries: the entries so far, in input order.
	 */
	struct bulwark_entry *entries;
	/**
	 * @count: number of entries.
	 */
	size_t count;
	/**
	 * @cap: room in @entries.
	 */
	size_t cap;
	/**
	 * @labels: label pool, as in struct bulwark_blocklist.
	 */
	char *labels;
	/**
	 * @labels_len: bytes used in @labels.
	 */
	size_t labels_len;
	/**
	 * @labels_cap: room in @labels.
	 */
	size_t labels_cap;
	/**
	 * @label_index: hash table of the labels in the pool, so that a
	 * repeated label is stored once; allocated with the first label.
	 */
	struct hlist_head *label_index;
};

int bulwark_builder_add(struct bulwark_builder *b, const u8 *digest,
			const char *label, size_t label_len);
void bulwark_builder_free(struct bulwark_builder *b);
int bulwark_blocklist_commit(struct bulwark_builder *b, bool append);

struct bulwark_blocklist *bulwark_blocklist_get(void);
void bulwark_blocklist_put(struct bulwark_blocklist *bl);

/* The list in force; NULL when empty.  Changed under the config mutex. */
extern struct bulwark_blocklist __rcu *bulwark_blocklist_in_force;

/**
 * bulwark_blocklist_empty - is no digest blocklisted?
 *
 * Only tests the pointer, inline: the exec hooks' want tests ask first.
 *
 * Return: true when the list in force is empty.
 */
static inline bool bulwark_blocklist_empty(void)
{
	return !rcu_access_pointer(bulwark_blocklist_in_force);
}

bool bulwark_blocklist_find(const u8 *digest, char *label, size_t len);
void bulwark_blocklist_exit(void);

#endif /* _BULWARK_BLOCKLIST_H */
