// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark selftests - the container patterns, in user space
 *
 * module/cgpath.c is pure string code.  The Makefile builds it with the
 * stand-in headers of shim/ and links it here, so that the patterns of
 * SPEC "Who is contained" are checked without a kernel: every form of
 * cgroup_forms.h, positive and negative, with its container id; the
 * prefix test of the exempt list; and random paths, which must never
 * make the matcher read out of bounds or write an id that does not
 * print as one token.  contain_test.c runs the same forms through the
 * loaded module.
 */

#include <ctype.h>

#include "common.h"

#include "../module/cgpath.h"
#include "cgroup_forms.h"

/* As BULWARK_CONTAINER_ID_LEN in module/contain.h. */
#define ID_LEN 72

/* clang-format off */
FIXTURE(classify) {};
/* clang-format on */

FIXTURE_VARIANT(classify)
{
	const char *path;
	bool contained;
	const char *id;
};

#define FORM(_name, _path, _contained, _id)				\
	FIXTURE_VARIANT_ADD(classify, _name) {				\
		.path = _path,						\
		.contained = _contained,				\
		.id = _id,						\
	};
CGROUP_FORMS(FORM)
#undef FORM

FIXTURE_SETUP(classify)
{
}

FIXTURE_TEARDOWN(classify)
{
}

TEST_F(classify, verdict_and_id)
{
	char id[ID_LEN];
	size_t len = strlen(variant->path);
	char *copy;

	memset(id, 'x', sizeof(id));
	EXPECT_EQ(variant->contained,
		  bulwark_cgpath_classify(variant->path, len, id, sizeof(id)))
	{
		TH_LOG("%s", variant->path);
	}
	EXPECT_STREQ(variant->id, id);

	/* Not NUL-terminated: a copy without its NUL, on the heap. */
	copy = malloc(len ? len : 1);
	ASSERT_NE(NULL, copy);
	memcpy(copy, variant->path, len);
	EXPECT_EQ(variant->contained,
		  bulwark_cgpath_classify(copy, len, id, sizeof(id)));
	EXPECT_STREQ(variant->id, id);
	free(copy);

	/* Without room for the id, only the verdict. */
	EXPECT_EQ(variant->contained,
		  bulwark_cgpath_classify(variant->path, len, NULL, 0));
}

/* A trailing '/' or a doubled one changes nothing. */
TEST_F(classify, extra_slashes)
{
	char path[4096], id[ID_LEN];
	const char *p;
	size_t n = 0;

	for (p = variant->path; *p && n + 2 < sizeof(path); p++) {
		path[n++] = *p;
		if (*p == '/')
			path[n++] = '/';
	}
	path[n++] = '/';
	path[n] = '\0';
	EXPECT_EQ(variant->contained,
		  bulwark_cgpath_classify(path, n, id, sizeof(id)))
	{
		TH_LOG("%s", path);
	}
	EXPECT_STREQ(variant->id, id);
}

/* Ids are truncated to their buffer, and always terminated. */
TEST(id_truncated)
{
	const char *path = "/docker/" ID_A;
	char id[8];

	ASSERT_TRUE(bulwark_cgpath_classify(path, strlen(path), id,
					    sizeof(id)));
	EXPECT_STREQ("de5f74c", id);
	ASSERT_TRUE(bulwark_cgpath_classify(path, strlen(path), id, 1));
	EXPECT_STREQ("", id);
}

/* The length bounds the path, not the NUL. */
TEST(length_bounds_path)
{
	const char *path = "/docker/" ID_A;

	EXPECT_FALSE(bulwark_cgpath_classify(path, strlen(path) - 1, NULL, 0));
	EXPECT_FALSE(bulwark_cgpath_classify(path, 0, NULL, 0));
}

/* The exempt prefixes compare whole components. */

/* clang-format off */
FIXTURE(under) {};
/* clang-format on */

FIXTURE_VARIANT(under)
{
	const char *path;
	const char *prefix;
	bool under;
};

#define UNDER(_name, _path, _prefix, _under)				\
	FIXTURE_VARIANT_ADD(under, _name) {				\
		.path = _path,						\
		.prefix = _prefix,					\
		.under = _under,					\
	};
UNDER(same, "/a/b", "/a/b", true)
UNDER(child, "/a/b/c", "/a/b", true)
UNDER(grandchild, "/a/b/c/d", "/a", true)
UNDER(root, "/a/b", "/", true)
UNDER(root_itself, "/", "/", true)
UNDER(sibling_prefix, "/a/bc", "/a/b", false)
UNDER(parent, "/a", "/a/b", false)
UNDER(other, "/x/b", "/a/b", false)
UNDER(docker_scope, "/system.slice/docker-" ID_A ".scope/init.scope",
      "/system.slice/docker-" ID_A ".scope", true)
UNDER(docker_scope_longer, "/system.slice/docker-" ID_A ".scopex",
      "/system.slice/docker-" ID_A ".scope", false)
#undef UNDER

FIXTURE_SETUP(under)
{
}

FIXTURE_TEARDOWN(under)
{
}

TEST_F(under, components)
{
	EXPECT_EQ(variant->under,
		  bulwark_cgpath_under(variant->path, strlen(variant->path),
				       variant->prefix,
				       strlen(variant->prefix)))
	{
		TH_LOG("\"%s\" under \"%s\"", variant->path, variant->prefix);
	}
}

/* An id prints as one token of a report: no blank, quote, '=' or control. */
static bool id_is_token(const char *id)
{
	for (; *id; id++)
		if (!isalnum((unsigned char)*id) && !strchr("-_.:@+", *id))
			return false;
	return true;
}

/*
 * Random paths built from the pieces of the patterns: the verdict must
 * come with an id iff contained, the id must be a token, and nothing may
 * be read past the path (the heap copy has no NUL, for the sanitizers).
 */
TEST(random_paths)
{
	static const char *const pieces[] = {
		"/", "docker", "docker-", ".scope", "kubepods", "kubepods.slice",
		"-kubepods.slice", "pod", "-pod", ".slice", "cri-containerd-",
		":cri-containerd:", "crio-", "crio-conmon-", "libpod-",
		"libpod-conmon-", "lxc", "lxc.payload.", "lxc.monitor.",
		"lxc.monitor", "machine-", "qemu\\x2d", "\\x2", "\\x", "payload",
		"supervisor", "systemd-nspawn@", ".service", ID_A, "abc", " ",
		"=", "\"", "\n", "\\", "\xff",
	};
	char id[ID_LEN], path[1024];
	unsigned int seed = 1;
	int i;

	for (i = 0; i < 200000; i++) {
		size_t n = 0;
		char *copy;
		bool c;

		while (n < 300 && rand_r(&seed) % 8) {
			const char *p = pieces[rand_r(&seed) %
					       (sizeof(pieces) / sizeof(*pieces))];
			size_t k = strlen(p);

			memcpy(path + n, p, k);
			n += k;
		}
		copy = malloc(n ? n : 1);
		ASSERT_NE(NULL, copy);
		memcpy(copy, path, n);
		c = bulwark_cgpath_classify(copy, n, id, sizeof(id));
		free(copy);
		ASSERT_EQ(c, id[0] != '\0')
		{
			TH_LOG("\"%.*s\" gave \"%s\"", (int)n, path, id);
		}
		ASSERT_TRUE(id_is_token(id))
		{
			TH_LOG("\"%.*s\" gave \"%s\"", (int)n, path, id);
		}
	}
}

TEST_HARNESS_MAIN
