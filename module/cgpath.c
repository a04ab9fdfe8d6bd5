// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - container patterns in cgroup paths
 *
 * A cgroup path, as /proc/<pid>/cgroup shows it for one hierarchy, is
 * read component by component from the root down.
 *
 * A container component names one container:
 *
 * =============================== =========================================
 * docker-<id>.scope               Docker with the systemd driver, rootless
 *                                 Docker under user@<uid>.service too
 * docker/<id>                     Docker with the cgroupfs driver
 * cri-containerd-<id>.scope       containerd's CRI plugin (Kubernetes)
 * <slice>:cri-containerd:<id>     the same, when a systemd-style
 *                                 cgroupsPath reached the cgroupfs driver
 *                                 (also :crio:, :docker: and :libpod:)
 * crio-<id>.scope, crio-<id>      CRI-O
 * libpod-<id>.scope, libpod-<id>  Podman, rootless Podman too
 * <id> anywhere                    Docker's cgroupfs driver (/docker/<id>,
 *                                 or any --cgroup-parent), Kubernetes
 *                                 with the cgroupfs driver
 * lxc/<name>, lxc.payload.<name>  LXC and LXD (also lxc.payload/<name>)
 * machine-<name>.scope            systemd-nspawn, with or without the
 * systemd-nspawn@<name>.service   "payload" subgroup
 * =============================== =========================================
 *
 * where <id> is 64 hex digits.  A pod component ("kubepods",
 * "kubepods.slice", "*-kubepods.slice") says that what lies beneath
 * belongs to Kubernetes pods.  A helper component holds a runtime's
 * host-side process: crio-conmon-*, libpod-conmon-*, lxc.monitor and
 * lxc.monitor.*, and the "supervisor" subgroup of an nspawn machine.
 * libvirt's QEMU machines (machine-qemu\x2d*.scope) are virtual
 * machines whose processes run on the host; they match nothing.
 *
 * A path lies in a container when it has a container component, or a
 * pod component without a helper component beneath it.  Nesting
 * (Docker-in-Docker, kind) gives several container components: the
 * outermost one names the container, because that is the one the
 * host's runtime lists ("docker ps" on the host shows the kind node,
 * not the pods inside it).  A pod without a container component is
 * named by its "pod<uid>" part, or "kubepods".
 *
 * Ids are the 64 hex digits, or the name for LXC and nspawn with
 * systemd's \xNN escapes undone.  Reports print the id unquoted, so any
 * byte of a name other than a letter, a digit or one of "-_.:@+"
 * becomes '_'.
 *
 * No locks, no allocation, no kernel state: this file builds in user
 * space as well, for selftests/cgpath_test.c.
 */

#include "common.h"

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

#include "cgpath.h"
#include "compat.h"

/* Hex digits of a container id. */
#define HEX_ID_LEN 64

/**
 * struct comp - one component of a cgroup path, not NUL-terminated
 */
struct comp {
	/**
	 * @s: its first byte.
	 */
	const char *s;
	/**
	 * @len: its length; 0 past the last component.
	 */
	size_t len;
};

enum comp_kind {
	COMP_OTHER,
	COMP_CONTAINER,
	COMP_PODS,
	COMP_HELPER,
};

/* Container components of the form <prefix><64 hex digits><suffix>. */
static const struct {
	const char *prefix;
	const char *suffix;
} hex_forms[] = {
	{ "docker-", ".scope" },
	{ "cri-containerd-", ".scope" },
	{ "crio-", ".scope" },
	{ "crio-", "" },
	{ "libpod-", ".scope" },
	{ "libpod-", "" },
};

/* Container components of the form <slice><infix><64 hex digits>. */
static const char *const colon_forms[] = {
	":cri-containerd:",
	":crio:",
	":docker:",
	":libpod:",
};

/* Helper components: a runtime's own process on the host. */
static const char *const helper_prefixes[] = {
	"crio-conmon-",
	"libpod-conmon-",
	"lxc.monitor.",
};

static bool starts_with(const struct comp *c, const char *prefix)
{
	size_t n = strlen(prefix);

	return c->len >= n && !memcmp(c->s, prefix, n);
}

static bool ends_with(const struct comp *c, const char *suffix)
{
	size_t n = strlen(suffix);

	return c->len >= n && !memcmp(c->s + c->len - n, suffix, n);
}

static bool comp_is(const struct comp *c, const char *str)
{
	return c->len == strlen(str) && !memcmp(c->s, str, c->len);
}

static bool is_hex_id(const char *s, size_t len)
{
	size_t i;

	if (len != HEX_ID_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!isxdigit(s[i]))
			return false;
	return true;
}

/* The part of @c between @prefix and @suffix, if there is one. */
static bool strip(const struct comp *c, const char *prefix,
		  const char *suffix, struct comp *rest)
{
	size_t np = strlen(prefix), ns = strlen(suffix);

	if (c->len <= np + ns || !starts_with(c, prefix) ||
	    !ends_with(c, suffix))
		return false;
	rest->s = c->s + np;
	rest->len = c->len - np - ns;
	return true;
}

/* Moves *@p past the next component, which it stores in @c. */
static void next_comp(const char **p, const char *end, struct comp *c)
{
	const char *s = *p;

	while (s < end && *s == '/')
		s++;
	c->s = s;
	while (s < end && *s != '/')
		s++;
	c->len = s - c->s;
	*p = s;
}

/* A Kubernetes pod's component: "pod<uid>" or "kubepods-*pod<uid>.slice". */
static bool pod_uid(const struct comp *c, struct comp *uid)
{
	size_t i;

	if (starts_with(c, "pod")) {
		*uid = *c;
		return true;
	}
	if (!ends_with(c, ".slice"))
		return false;
	for (i = 0; i + 4 < c->len - 6; i++) {
		if (!memcmp(c->s + i, "-pod", 4)) {
			uid->s = c->s + i + 1;
			uid->len = c->len - 6 - i - 1;
			return true;
		}
	}
	return false;
}

/* An nspawn machine: machine-<name>.scope or systemd-nspawn@<name>.service. */
static bool nspawn_name(const struct comp *c, struct comp *name)
{
	if (strip(c, "machine-", ".scope", name))
		return !starts_with(name, "qemu\\x2d");
	return strip(c, "systemd-nspawn@", ".service", name);
}

/*
 * What @c is, given its parent @prev and its child @next (empty at the
 * ends).  For a container, *@id is the id's text and *@escaped says
 * whether it uses systemd's escapes.
 */
static enum comp_kind comp_kind(const struct comp *prev, const struct comp *c,
				const struct comp *next,
				struct comp *id, bool *escaped)
{
	size_t i;

	*escaped = false;
	for (i = 0; i < ARRAY_SIZE(helper_prefixes); i++)
		if (starts_with(c, helper_prefixes[i]))
			return COMP_HELPER;
	if (comp_is(c, "lxc.monitor"))
		return COMP_HELPER;

	for (i = 0; i < ARRAY_SIZE(hex_forms); i++)
		if (strip(c, hex_forms[i].prefix, hex_forms[i].suffix, id) &&
		    is_hex_id(id->s, id->len))
			return COMP_CONTAINER;
	for (i = 0; i < ARRAY_SIZE(colon_forms); i++) {
		size_t n = strlen(colon_forms[i]);

		if (c->len > n + HEX_ID_LEN &&
		    is_hex_id(c->s + c->len - HEX_ID_LEN, HEX_ID_LEN) &&
		    !memcmp(c->s + c->len - HEX_ID_LEN - n, colon_forms[i], n)) {
			id->s = c->s + c->len - HEX_ID_LEN;
			id->len = HEX_ID_LEN;
			return COMP_CONTAINER;
		}
	}
	/*
	 * A bare id, whatever the parent: Docker's "docker" parent,
	 * containerd's under kubepods, and Docker's cgroupfs driver with
	 * --cgroup-parent anywhere.
	 */
	if (is_hex_id(c->s, c->len)) {
		*id = *c;
		return COMP_CONTAINER;
	}

	if (comp_is(prev, "lxc") || comp_is(prev, "lxc.payload")) {
		*id = *c;
		return COMP_CONTAINER;
	}
	if (strip(c, "lxc.payload.", "", id))
		return COMP_CONTAINER;

	if (nspawn_name(c, id)) {
		*escaped = true;
		return comp_is(next, "supervisor") ? COMP_HELPER :
						     COMP_CONTAINER;
	}

	if (comp_is(c, "kubepods") || comp_is(c, "kubepods.slice") ||
	    ends_with(c, "-kubepods.slice"))
		return COMP_PODS;
	return COMP_OTHER;
}

/* Stores an id in @buf, unescaped if @escaped, and safe to print. */
static void set_id(char *buf, size_t size, const struct comp *id,
		   bool escaped)
{
	size_t i = 0, o = 0;

	if (!buf || !size)
		return;
	while (i < id->len && o + 1 < size) {
		unsigned char ch = id->s[i++];

		if (escaped && ch == '\\' && i + 3 <= id->len &&
		    id->s[i] == 'x' && hex_to_bin(id->s[i + 1]) >= 0 &&
		    hex_to_bin(id->s[i + 2]) >= 0) {
			ch = hex_to_bin(id->s[i + 1]) << 4 |
			     hex_to_bin(id->s[i + 2]);
			i += 3;
		}
		if (!isalnum(ch) && (ch == '\0' || !strchr("-_.:@+", ch)))
			ch = '_';
		buf[o++] = ch;
	}
	buf[o] = '\0';
}

/**
 * bulwark_cgpath_classify - does a cgroup path lie in a container?
 * @path: the cgroup's path from the root of its hierarchy, as
 *	/proc/<pid>/cgroup shows it, such as "/docker/<id>"; need not be
 *	NUL-terminated
 * @len: length of @path
 * @id: where to store the container's id, NUL-terminated and truncated
 *	to fit; may be NULL
 * @id_size: size of @id
 *
 * Safe in any context: it only reads @path.
 *
 * Return: true when @path is a container's cgroup or lies beneath one,
 * with its id in @id; false with an empty @id otherwise.
 */
bool bulwark_cgpath_classify(const char *path, size_t len, char *id,
			     size_t id_size)
{
	const char *p = path, *end = path + len;
	struct comp prev = { path, 0 }, cur, next, found, pod = { "", 0 };
	bool in_pods = false, pod_helper = false, escaped;

	if (id && id_size)
		id[0] = '\0';
	next_comp(&p, end, &cur);
	while (cur.len) {
		next_comp(&p, end, &next);
		switch (comp_kind(&prev, &cur, &next, &found,
				  &escaped)) {
		case COMP_CONTAINER:
			set_id(id, id_size, &found, escaped);
			return true;
		case COMP_PODS:
			in_pods = true;
			break;
		case COMP_HELPER:
			pod_helper = in_pods;
			break;
		case COMP_OTHER:
			if (in_pods && !pod.len)
				pod_uid(&cur, &pod);
			break;
		}
		prev = cur;
		cur = next;
	}
	if (!in_pods || pod_helper)
		return false;
	if (!pod.len) {
		pod.s = "kubepods";
		pod.len = strlen(pod.s);
	}
	set_id(id, id_size, &pod, false);
	return true;
}

/**
 * bulwark_cgpath_under - does a cgroup path lie under a prefix?
 * @path: a cgroup path, need not be NUL-terminated
 * @len: length of @path
 * @prefix: a path without a trailing '/', or "/"
 * @prefix_len: length of @prefix
 *
 * Compares whole components: "/a/b" is under "/a", "/ab" is not.
 *
 * Return: true when @path is @prefix or lies beneath it.
 */
bool bulwark_cgpath_under(const char *path, size_t len, const char *prefix,
			  size_t prefix_len)
{
	if (prefix_len == 1 && prefix[0] == '/')
		return len && path[0] == '/';
	return len >= prefix_len && !memcmp(path, prefix, prefix_len) &&
	       (len == prefix_len || path[prefix_len] == '/');
}
