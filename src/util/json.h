/* SPDX-License-Identifier: Apache-2.0 */
/* json.h: the one way gloved parses JSON text it is given (request bodies,
 * forms, plans, rate cards, calendars): cJSON on exactly `len` bytes, and
 * the text must be one JSON value with nothing but JSON whitespace after
 * it. cJSON alone parses a prefix and ignores the rest, so `{"a":1} junk`
 * or `{"a":1}{"a":2}` were taken for {"a":1}. */
#ifndef GLOVED_UTIL_JSON_H
#define GLOVED_UTIL_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The parsed value, or NULL when s[0..len) is not exactly one JSON value
 * (empty, invalid, or followed by anything but spaces, tabs, CR, LF). The
 * caller frees it with cJSON_Delete. */
cJSON *json_parse_all(const char *s, size_t len);

#endif
