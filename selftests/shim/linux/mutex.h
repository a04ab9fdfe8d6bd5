/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for <linux/mutex.h>; see types.h.  The programs
 * that use it are single-threaded, so a mutex only checks that it is
 * taken and released in pairs: taking it twice, or releasing it when
 * free, aborts.
 */
#ifndef BULWARK_SHIM_LINUX_MUTEX_H
#define BULWARK_SHIM_LINUX_MUTEX_H

#include <stdlib.h>

struct mutex {
	int held;
};

static inline void mutex_init(struct mutex *m)
{
	m->held = 0;
}

static inline void mutex_lock(struct mutex *m)
{
	if (m->held)
		abort();
	m->held = 1;
}

static inline void mutex_unlock(struct mutex *m)
{
	if (!m->held)
		abort();
	m->held = 0;
}

static inline void mutex_destroy(struct mutex *m)
{
	if (m->held)
		abort();
}

#endif
