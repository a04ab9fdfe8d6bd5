// SPDX-License-Identifier: GPL-2.0
/*
 * The demo's stand-in for a cryptominer: a static program that says what
 * a miner would do, and does nothing.  Its SHA-256 goes on the blocklist.
 */
#include <stdio.h>

int main(void)
{
	puts("[xmrig] mining for pool.invalid:3333 (a stand-in: it mines nothing)");
	return 0;
}
