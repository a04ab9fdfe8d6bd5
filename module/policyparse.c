// SPDX-License-Identifier: GPL-2.0-only
/*
 * bulwark - the lines of the policy files, parsed
 *
 * One function per file takes one line, as the write session of
 * policyfs.c hands it over (without its newline), and says whether it
 * holds an entry, nothing (a blank line or a comment), or is invalid,
 * and why.  Everything here is syntax: nothing is allocated, stored or
 * looked up, and no kernel state is used, so this file builds in user
 * space as well, for the fuzzers of fuzz/.
 *
 * The lines, in short (SPEC.md has the contract):
 *
 * =========== ==========================================================
 * blocklist   64 hex digits, then optionally blanks and a label of at
 *             most BULWARK_LABEL_MAX bytes without control characters
 * exempt      an absolute cgroup path whose components are names (no
 *             empty, "." or ".." one); a trailing '/' is dropped, and
 *             what remains does not end in white space
 * keys_dirs   an absolute path, resolved later by keylist.c
 * keys_names  a file name: no '/', not "." or "..", NAME_MAX bytes
 * =========== ==========================================================
 *
 * In every file a line that is blank, or whose first byte that is not
 * white space is '#', holds nothing.
 */

#include "common.h"

#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/string.h>
#include <linux/types.h>

#include "compat.h"
#include "policyparse.h"

static const char *skip_blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

static bool is_control(char c)
{
	return (u8)c < 0x20 || c == 0x7f;
}

/**
 * bulwark_parse_digest_line - parse one line of the blocklist
 * @line: the line, without its newline
 * @len: bytes in @line
 * @digest: set to the digest, BULWARK_SHA256_SIZE bytes, for an entry
 * @label: set to the label, inside @line, for an entry
 * @label_len: set to the label's length, 0 for none
 * @why: set to what is wrong with an invalid line
 *
 * Blanks before the digest and white space at the end are ignored.
 *
 * Return: 1 for an entry, 0 for a line that holds nothing, or -EINVAL.
 */
int bulwark_parse_digest_line(const char *line, size_t len, u8 *digest,
			      const char **label, size_t *label_len,
			      const char **why)
{
	const char *p, *end = line + len;

	while (end > line && isspace(end[-1]))
		end--;
	p = skip_blanks(line, end);
	if (p == end || *p == '#')
		return 0;
	if (end - p < BULWARK_SHA256_HEX_LEN ||
	    hex2bin(digest, p, BULWARK_SHA256_SIZE)) {
		*why = "expected 64 hex digits";
		return -EINVAL;
	}
	p += BULWARK_SHA256_HEX_LEN;
	if (p < end && *p != ' ' && *p != '\t') {
		*why = "expected a blank after the 64 hex digits";
		return -EINVAL;
	}
	p = skip_blanks(p, end);
	if (end - p > BULWARK_LABEL_MAX) {
		*why = "label longer than 63 bytes";
		return -EINVAL;
	}
	*label = p;
	*label_len = end - p;
	for (; p < end; p++) {
		if (is_control(*p)) {
			*why = "control character in label";
			return -EINVAL;
		}
	}
	return 1;
}

/* Checks an exempt prefix; returns NULL or what is wrong with it. */
static const char *check_prefix(const char *p, size_t len)
{
	size_t i, start;

	if (p[0] != '/')
		return "does not start with '/'";
	for (i = 0; i < len; i++)
		if (is_control(p[i]))
			return "control character";
	/* Every component but a trailing empty one is a real name. */
	for (start = 1; start < len; start = i + 1) {
		for (i = start; i < len && p[i] != '/'; i++)
			;
		if (i == start && i < len)
			return "empty path component";
		if ((i - start == 1 && p[start] == '.') ||
		    (i - start == 2 && p[start] == '.' && p[start + 1] == '.'))
			return "'.' or '..' path component";
	}
	return NULL;
}

/**
 * bulwark_parse_exempt_line - parse one line of the exempt file
 * @line: the line, without its newline
 * @len: bytes in @line; set to the length of the prefix for an entry
 * @why: set to what is wrong with an invalid line
 *
 * Blanks and carriage returns at the end are ignored, as is a trailing
 * '/' of a prefix other than "/"; blanks at the start are not, nor
 * before that '/': the prefix would not read back as itself.
 *
 * Return: 1 for a prefix, the first *@len bytes of @line; 0 for a line
 * that holds nothing; or -EINVAL.
 */
int bulwark_parse_exempt_line(const char *line, size_t *len,
			      const char **why)
{
	size_t n = *len;

	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' ||
		     line[n - 1] == '\r'))
		n--;
	if (!n || line[0] == '#')
		return 0;
	*why = check_prefix(line, n);
	if (*why)
		return -EINVAL;
	while (n > 1 && line[n - 1] == '/')
		n--;
	/* Read back, such a prefix would lose its blanks. */
	if (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r') {
		*why = "white space at the end of the prefix";
		return -EINVAL;
	}
	*len = n;
	return 1;
}

/**
 * bulwark_check_key_dir - check the syntax of a keys_dirs entry
 * @path: the entry, NUL-terminated
 *
 * Only the syntax: whether the path names a directory is for the
 * lookup to say.
 *
 * Return: NULL when @path may be looked up, or what is wrong with it.
 */
const char *bulwark_check_key_dir(const char *path)
{
	if (path[0] != '/')
		return "not an absolute path";
	if (strlen(path) >= PATH_MAX)
		return "path too long";
	return NULL;
}

/**
 * bulwark_check_key_name - check a keys_names entry
 * @name: the entry, NUL-terminated
 *
 * Return: NULL when @name is a file name, or what is wrong with it.
 */
const char *bulwark_check_key_name(const char *name)
{
	if (!name[0])
		return "not a file name";
	if (strlen(name) > NAME_MAX)
		return "name longer than NAME_MAX";
	if (strchr(name, '/'))
		return "a file name contains no '/'";
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "not a file name";
	return NULL;
}

/**
 * bulwark_parse_key_line - parse one line of keys_dirs or keys_names
 * @line: the line, without its newline, NUL-terminated at @len; white
 *	space after the entry is cut off in place
 * @len: bytes in @line
 * @dir: the line is one of keys_dirs, not of keys_names
 * @entry: set to the entry, inside @line, NUL-terminated
 * @why: set to what is wrong with an invalid line
 *
 * White space around the entry is ignored.
 *
 * Return: 1 for an entry, 0 for a line that holds nothing, or -EINVAL.
 */
int bulwark_parse_key_line(char *line, size_t len, bool dir, char **entry,
			   const char **why)
{
	char *p = line, *end = line + len;

	if (memchr(line, '\0', len)) {
		*why = "contains a NUL byte";
		return -EINVAL;
	}
	while (end > p && isspace(end[-1]))
		end--;
	*end = '\0';
	while (p < end && isspace(*p))
		p++;
	if (p == end || *p == '#')
		return 0;
	*why = dir ? bulwark_check_key_dir(p) : bulwark_check_key_name(p);
	if (*why)
		return -EINVAL;
	*entry = p;
	return 1;
}
