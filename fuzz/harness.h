/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bulwark fuzzers: what every target shares (harness.c).
 *
 * A target is one policy file.  Its fuzzer feeds the input, cut into
 * several write()s, through the module's own write session
 * (module/policyfs.c) and line parser (module/policyparse.c), built for
 * user space with the stand-in kernel headers of selftests/shim/, and
 * checks what came out against an oracle written here from the
 * grammar, independently of the module's code.
 */
#ifndef BULWARK_FUZZ_HARNESS_H
#define BULWARK_FUZZ_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growing byte string. */
struct text {
	char *buf;
	size_t len;
	size_t cap;
};

void text_add(struct text *t, const void *p, size_t len);
void text_addc(struct text *t, char c);
void text_free(struct text *t);

/**
 * struct target - one policy file, as the fuzzers see it
 * @name: the file's name, as the module logs it
 * @max_len: the longest line the module accepts, without its newline
 * @parse: the module's parser for one line (NUL-terminated at @len, may
 *	be changed): returns 1 and appends the entry in canonical form,
 *	with its newline, to @out; or returns 0 for a line that holds
 *	nothing; or returns a negative errno with @why set
 * @oracle: the same decision, reached independently of the module
 */
struct target {
	const char *name;
	size_t max_len;
	int (*parse)(char *line, size_t len, struct text *out,
		     const char **why);
	int (*oracle)(const char *line, size_t len, struct text *out);
};

/* Aborts with a message when @cond is false. */
#define CHECK(cond, ...)						\
	do {								\
		if (!(cond))						\
			check_failed(__FILE__, __LINE__, #cond,	\
				     __VA_ARGS__);			\
	} while (0)

void check_failed(const char *file, int line, const char *cond,
		  const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5)));

int fuzz_one(const struct target *t, const uint8_t *data, size_t size);

/* The kernel's isspace(), from lib/ctype.c's table. */
static inline bool kernel_isspace(unsigned char c)
{
	return c == ' ' || (c >= 9 && c <= 13) || c == 0xa0;
}

#endif
