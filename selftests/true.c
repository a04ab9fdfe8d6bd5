// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark selftests - a program to execute
 *
 * Exits with the status given as its first argument (0 without one), so a
 * test can tell that this very program ran.
 */

#include <stdlib.h>

int main(int argc, char *argv[])
{
	return argc > 1 ? atoi(argv[1]) : 0;
}
