// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzer of the blocklist file's lines: bulwark_parse_digest_line()
 * behind the shared write session.  See harness.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#include "../module/policyparse.h"

/* Longest line, as module/blocklistfs.c has it. */
#define LINE_MAX_LEN 256

static const char hex[] = "0123456789abcdef";

static void add_entry(struct text *out, const unsigned char *digest,
		      const char *label, size_t label_len)
{
	size_t i;

	for (i = 0; i < BULWARK_SHA256_SIZE; i++) {
		text_addc(out, hex[digest[i] >> 4]);
		text_addc(out, hex[digest[i] & 15]);
	}
	if (label_len) {
		text_addc(out, ' ');
		text_add(out, label, label_len);
	}
	text_addc(out, '\n');
}

static int parse(char *line, size_t len, struct text *out, const char **why)
{
	u8 digest[BULWARK_SHA256_SIZE];
	const char *label = NULL;
	size_t label_len = 0, i;
	int ret;

	ret = bulwark_parse_digest_line(line, len, digest, &label, &label_len,
					why);
	if (ret <= 0)
		return ret;
	CHECK(label >= line && label + label_len <= line + len,
	      "the label lies outside the line");
	CHECK(label_len <= BULWARK_LABEL_MAX, "a label of %zu bytes",
	      label_len);
	for (i = 0; i < label_len; i++)
		CHECK((unsigned char)label[i] >= 0x20 && label[i] != 0x7f,
		      "a control character in a label");
	CHECK(!label_len || (label[0] != ' ' && label[0] != '\t' &&
			     !kernel_isspace(label[label_len - 1])),
	      "white space around a label");
	add_entry(out, digest, label, label_len);
	return 1;
}

static int digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* From the grammar: "[blanks]<64 hex>[blanks label][white space]". */
static int oracle(const char *line, size_t len, struct text *out)
{
	const unsigned char *s = (const unsigned char *)line;
	unsigned char digest[BULWARK_SHA256_SIZE];
	size_t b = 0, e = len, i;

	while (e > 0 && kernel_isspace(s[e - 1]))
		e--;
	while (b < e && (s[b] == ' ' || s[b] == '\t'))
		b++;
	if (b == e || s[b] == '#')
		return 0;
	if (e - b < 2 * BULWARK_SHA256_SIZE)
		return -EINVAL;
	for (i = 0; i < BULWARK_SHA256_SIZE; i++) {
		int hi = digit(s[b + 2 * i]), lo = digit(s[b + 2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		digest[i] = (unsigned char)(hi * 16 + lo);
	}
	b += 2 * BULWARK_SHA256_SIZE;
	if (b < e && s[b] != ' ' && s[b] != '\t')
		return -EINVAL;
	while (b < e && (s[b] == ' ' || s[b] == '\t'))
		b++;
	if (e - b > 63)
		return -EINVAL;
	for (i = b; i < e; i++)
		if (s[i] < 0x20 || s[i] == 0x7f)
			return -EINVAL;
	add_entry(out, digest, line + b, e - b);
	return 1;
}

static const struct target blocklist = {
	.name = "blocklist",
	.max_len = LINE_MAX_LEN,
	.parse = parse,
	.oracle = oracle,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_one(&blocklist, data, size);
}
