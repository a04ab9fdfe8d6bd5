// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzers of the lines of keys_dirs and keys_names:
 * bulwark_parse_key_line() behind the shared write session.  Built
 * twice, with KEYS_DIRS 1 and 0.  See harness.c.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "harness.h"

#include "../module/policyparse.h"

/* Longest line, as module/keysfs.c has it. */
#define LINE_MAX_LEN (PATH_MAX - 1)

static int parse(char *line, size_t len, struct text *out, const char **why)
{
	char *entry = NULL;
	size_t n;
	int ret;

	ret = bulwark_parse_key_line(line, len, KEYS_DIRS, &entry, why);
	if (ret <= 0)
		return ret;
	CHECK(entry >= line && entry < line + len, "the entry lies outside");
	n = strlen(entry);
	CHECK(n && entry + n <= line + len, "an entry of %zu bytes", n);
	CHECK(!kernel_isspace(entry[0]) && !kernel_isspace(entry[n - 1]),
	      "white space around an entry");
	CHECK(entry[0] != '#', "a comment taken as an entry");
	if (KEYS_DIRS) {
		CHECK(entry[0] == '/', "a relative directory");
		CHECK(!bulwark_check_key_dir(entry), "a dir fails its check");
	} else {
		CHECK(n <= NAME_MAX && !strchr(entry, '/') &&
		      strcmp(entry, ".") && strcmp(entry, ".."),
		      "\"%s\" is no file name", entry);
		CHECK(!bulwark_check_key_name(entry), "a name fails its check");
	}
	text_add(out, entry, n);
	text_addc(out, '\n');
	return 1;
}

/* From the grammar: white space, an entry, white space. */
static int oracle(const char *line, size_t len, struct text *out)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t b = 0, e = len, n;

	if (memchr(line, '\0', len))
		return -EINVAL;
	while (e > 0 && kernel_isspace(s[e - 1]))
		e--;
	while (b < e && kernel_isspace(s[b]))
		b++;
	if (b == e || s[b] == '#')
		return 0;
	n = e - b;
	if (KEYS_DIRS) {
		if (s[b] != '/' || n >= PATH_MAX)
			return -EINVAL;
	} else {
		if (n > NAME_MAX || memchr(s + b, '/', n) ||
		    (n == 1 && s[b] == '.') ||
		    (n == 2 && s[b] == '.' && s[b + 1] == '.'))
			return -EINVAL;
	}
	text_add(out, line + b, n);
	text_addc(out, '\n');
	return 1;
}

static const struct target keys = {
	.name = KEYS_DIRS ? "keys_dirs" : "keys_names",
	.max_len = LINE_MAX_LEN,
	.parse = parse,
	.oracle = oracle,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_one(&keys, data, size);
}
