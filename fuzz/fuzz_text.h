/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_text.h: the input layout of the text targets (fuzz_cluster,
 * fuzz_http, fuzz_input, fuzz_label, fuzz_quality): the first byte picks
 * the mode, the rest is the input. */
#ifndef GLOVED_FUZZ_TEXT_H
#define GLOVED_FUZZ_TEXT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Takes the mode byte off *data (*mode: it modulo modes) and returns a
 * NUL-terminated copy of the rest, now *data and *size (free it). NULL when
 * the input is empty or over max bytes, or out of memory. */
static inline char *fuzz_split(const uint8_t **data, size_t *size, size_t max, unsigned modes,
			       unsigned *mode)
{
	if (*size < 1 || *size > max)
		return NULL;
	*mode = (*data)[0] % modes;
	(*data)++;
	(*size)--;
	char *s = malloc(*size + 1);
	if (!s)
		return NULL;
	memcpy(s, *data, *size);
	s[*size] = '\0';
	return s;
}

#endif
