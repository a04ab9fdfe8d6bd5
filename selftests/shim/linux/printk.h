/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for <linux/printk.h>; see types.h.  The program
 * that includes it defines shim_printk(), to keep or check the lines.
 */
#ifndef BULWARK_SHIM_LINUX_PRINTK_H
#define BULWARK_SHIM_LINUX_PRINTK_H

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

void shim_printk(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_err(fmt, ...) shim_printk("err", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) shim_printk("warn", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) shim_printk("info", pr_fmt(fmt), ##__VA_ARGS__)

#endif
