/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for <linux/ctype.h>; see types.h.  The kernel's
 * classes are those of the C locale, whatever the test's locale is.
 */
#ifndef BULWARK_SHIM_LINUX_CTYPE_H
#define BULWARK_SHIM_LINUX_CTYPE_H

static inline int shim_isdigit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline int shim_isalnum(unsigned char c)
{
	return shim_isdigit(c) || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static inline int shim_isxdigit(unsigned char c)
{
	return shim_isdigit(c) || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/*
 * As lib/ctype.c's table: the C locale's white space, and the Latin-1
 * no-break space, 0xa0.
 */
static inline int shim_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

#define isdigit(c) shim_isdigit(c)
#define isalnum(c) shim_isalnum(c)
#define isxdigit(c) shim_isxdigit(c)
#define isspace(c) shim_isspace(c)

#endif
