/* SPDX-License-Identifier: Apache-2.0 */
/* json.c: see json.h. */
#include "util/json.h"

cJSON *json_parse_all(const char *s, size_t len)
{
	if (!s || !len)
		return NULL;
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(s, len, &end, 0);
	if (!j)
		return NULL;
	for (const char *p = end; p && p < s + len; p++) {
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
			cJSON_Delete(j);
			return NULL;
		}
	}
	return j;
}
