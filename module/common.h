/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bulwark - common definitions
 *
 * Every bulwark source file includes this header first, so that pr_fmt()
 * is defined before any kernel header that uses it.
 */

#ifndef _BULWARK_COMMON_H
#define _BULWARK_COMMON_H

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#define BULWARK_NAME "bulwark"
#define BULWARK_VERSION "0.1.0"

/* A SHA-256 digest, and its text form without the NUL. */
#define BULWARK_SHA256_SIZE 32
#define BULWARK_SHA256_HEX_LEN (2 * BULWARK_SHA256_SIZE)

#endif /* _BULWARK_COMMON_H */
