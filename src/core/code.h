/* SPDX-License-Identifier: Apache-2.0 */
/* code.h: the one alphabet of gloved's codes. Every code a user or a
 * machine names a thing by (firm, workshop, machine, gateway, worker,
 * household, style, order, stop reason) is 1 to CODE_MAX characters of
 * A-Z a-z 0-9 '_' and '-': safe in an MQTT topic level, a URL query, a
 * file name and a Sparkplug group id, and the same in every transport.
 * Documented in docs/api.md ("Codes"). */
#ifndef GLOVED_CORE_CODE_H
#define GLOVED_CORE_CODE_H

#include <stddef.h>

#define CODE_MAX 32 /* bytes, without the terminating NUL */

/* 1 when the NUL-terminated s is a code, else 0 (NULL is not). */
int code_valid(const char *s);
/* 1 when the len bytes at s are a code (no NUL needed), else 0. */
int code_valid_n(const char *s, size_t len);

#endif
