/* SPDX-License-Identifier: Apache-2.0 */
/* num.c: see num.h. */
#include "util/num.h"

int num_whole(double v, int64_t lo, int64_t hi, int64_t *out)
{
	/* 2^63 is exact in a double: anything below it casts safely */
	if (!(v >= (double)lo && v <= (double)hi && v > -9223372036854775808.0 &&
	      v < 9223372036854775808.0))
		return 0;
	int64_t i = (int64_t)v;
	if ((double)i != v || i < lo || i > hi)
		return 0;
	if (out)
		*out = i;
	return 1;
}
