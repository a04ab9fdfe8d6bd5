// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzer of the exempt file's lines: bulwark_parse_exempt_line() behind
 * the shared write session.  See harness.c.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "harness.h"

#include "../module/policyparse.h"

/* Longest line, as module/exempt.c has it. */
#define LINE_MAX_LEN (PATH_MAX - 1)

static int parse(char *line, size_t len, struct text *out, const char **why)
{
	size_t n = len, i;
	int ret;

	ret = bulwark_parse_exempt_line(line, &n, why);
	if (ret <= 0)
		return ret;
	CHECK(n >= 1 && n <= len, "a prefix of %zu bytes from %zu", n, len);
	CHECK(line[0] == '/', "a relative prefix");
	CHECK(n == 1 || line[n - 1] != '/', "a trailing '/'");
	for (i = 0; i < n; i++)
		CHECK((unsigned char)line[i] >= 0x20 && line[i] != 0x7f,
		      "a control character");
	CHECK(!memmem(line, n, "//", 2), "an empty component");
	text_add(out, line, n);
	text_addc(out, '\n');
	return 1;
}

/*
 * From the grammar: "/" or ("/" name)+ ["/"], then blanks or CRs; the
 * last name does not end in a blank or CR.
 */
static int oracle(const char *line, size_t len, struct text *out)
{
	size_t e = len, i, start;

	while (e && (line[e - 1] == ' ' || line[e - 1] == '\t' ||
		     line[e - 1] == '\r'))
		e--;
	if (!e || line[0] == '#')
		return 0;
	if (line[0] != '/')
		return -EINVAL;
	for (i = 0; i < e; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			return -EINVAL;
	if (e == 1)
		goto out;
	if (line[e - 1] == '/')
		e--;
	if (e < 2 || line[e - 1] == ' ' || line[e - 1] == '\t' ||
	    line[e - 1] == '\r')
		return -EINVAL;
	/* Now every component between slashes is a name. */
	for (start = 1; start <= e; start = i + 1) {
		const char *c = line + start;
		size_t n;

		for (i = start; i < e && line[i] != '/'; i++)
			;
		n = i - start;
		if (!n || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return -EINVAL;
	}
out:
	text_add(out, line, e);
	text_addc(out, '\n');
	return 1;
}

static const struct target exempt = {
	.name = "exempt",
	.max_len = LINE_MAX_LEN,
	.parse = parse,
	.oracle = oracle,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_one(&exempt, data, size);
}
