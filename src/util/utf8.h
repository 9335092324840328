/* SPDX-License-Identifier: Apache-2.0 */
/* utf8.h: strict UTF-8 decoding, the one copy for every module that checks
 * or measures text it writes into files (CSV/xlsx tables, ticket PDFs). */
#ifndef GLOVED_UTIL_UTF8_H
#define GLOVED_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point of strict UTF-8 (no overlongs, no surrogates, at
 * most U+10FFFF) at s into *cp; returns its length in bytes, 0 if invalid
 * (a NUL byte inside a sequence is invalid; a NUL first decodes as U+0000
 * of length 1). */
size_t utf8_next(const unsigned char *s, uint32_t *cp);

#endif
