// SPDX-License-Identifier: GPL-2.0
/*
 * The selftests' stand-in for a cryptominer: a harmless program whose
 * SHA-256 the tests put on the blocklist.  Its text differs from true.c
 * so that the two never share a digest.
 */
static const char tag[] = "bulwark selftest miner: not a real miner";

int main(void)
{
	return tag[0] == 'b' ? 0 : 1;
}
