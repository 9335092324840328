/* SPDX-License-Identifier: Apache-2.0 */
/* opt.c: the parsers of command-line option values that serve, demo and the
 * admin commands share: a bounded integer and a bounded string. They print
 * nothing; each caller words its own message (see cli_int.h). */
#include "cli/cli_int.h"

#include <stdlib.h>
#include <string.h>

int cli__long(const char *v, long lo, long hi, long *out)
{
	if (!v || !*v)
		return -1;
	char *end = NULL;
	long x = strtol(v, &end, 10);
	if (*end || x < lo || x > hi)
		return -1;
	*out = x;
	return 0;
}

int cli__copy(char *dst, size_t cap, const char *v)
{
	if (!v || !*v)
		return -1;
	size_t n = strlen(v);
	if (n >= cap)
		return -2;
	memcpy(dst, v, n + 1);
	return 0;
}
