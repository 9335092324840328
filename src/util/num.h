/* SPDX-License-Identifier: Apache-2.0 */
/* num.h: a JSON number as a whole number, checked without undefined
 * behaviour: the range first (NaN and infinities fail it), the cast to an
 * integer only then. Every parser of a count or an amount uses it. */
#ifndef GLOVED_UTIL_NUM_H
#define GLOVED_UTIL_NUM_H

#include <stdint.h>

/* 1 when v is a whole number in [lo, hi] (and *out, may be NULL, is it),
 * else 0. */
int num_whole(double v, int64_t lo, int64_t hi, int64_t *out);

#endif
