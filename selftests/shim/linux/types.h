/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for <linux/types.h>, for building the module's pure
 * code (module/cgpath.c into a selftest; module/policyfs.c and
 * module/policyparse.c into the fuzzers of fuzz/).  Only that code
 * includes the headers of this directory.
 */
#ifndef BULWARK_SHIM_LINUX_TYPES_H
#define BULWARK_SHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;

#endif
