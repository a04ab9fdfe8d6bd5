/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for <linux/percpu.h>; see types.h.  One CPU: a
 * per-CPU variable is a plain one, defined by the program.
 */
#ifndef BULWARK_SHIM_LINUX_PERCPU_H
#define BULWARK_SHIM_LINUX_PERCPU_H

#define DECLARE_PER_CPU(type, name) extern __typeof__(type) name
#define this_cpu_add(var, n) ((var) += (n))
#define this_cpu_inc(var) ((var)++)

#endif
