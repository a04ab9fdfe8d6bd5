/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - the lines of the policy files, parsed
 */

#ifndef _BULWARK_POLICYPARSE_H
#define _BULWARK_POLICYPARSE_H

#include <linux/types.h>

#include "common.h"

/* The longest label of a blocklist entry, without its NUL. */
#define BULWARK_LABEL_MAX 63

int bulwark_parse_digest_line(const char *line, size_t len, u8 *digest,
			      const char **label, size_t *label_len,
			      const char **why);
int bulwark_parse_exempt_line(const char *line, size_t *len,
			      const char **why);
const char *bulwark_check_key_dir(const char *path);
const char *bulwark_check_key_name(const char *name);
int bulwark_parse_key_line(char *line, size_t len, bool dir, char **entry,
			   const char **why);

#endif /* _BULWARK_POLICYPARSE_H */
