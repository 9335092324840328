/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_quality.c: libFuzzer target for the parsers of the quality issue:
 * a test report's values as POST /api/v1/tests brings them (JSON: EN 388,
 * GB 24541, EN 511, EN ISO 374-1, ANSI/ISEA 105, EN ISO 21420), read into
 * the markings by http__test_values (src/http/api_standards.c, the rules
 * of core/glovetest.c); the AQL plan's parameters (core/aql.c: inspection
 * level, severity, AQL value, the plan for a lot size) and a defect's class
 * and family (core/defect.c). The first input byte picks the mode; the
 * rest is the JSON values object, or the text of a parameter, a NUL and
 * 5 bytes: the lot size (4, big-endian), level and severity (1). Checks
 * besides the sanitizers: a refused report is answered and has no
 * markings; an accepted one has a markings object that prints and parses
 * again to the same JSON, and an EN 388 marking of 5 or 6 characters of
 * the levels' alphabet (or none when not tested); a parsed level,
 * severity, class or family is named back as the same text; an AQL value
 * parses only to a table value, is written in the table's spelling, and
 * that spelling parses to the same value; a plan has its letter, a sample
 * of at least 1 and at most the lot, and Re = Ac + 1. See
 * docs/fuzzing.md. */
#include "fuzz_text.h"
#include "core/aql.h"
#include "core/defect.h"
#include "http/http_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void values(const char *s, size_t n)
{
	cJSON *j = cJSON_ParseWithLength(s, n);
	if (!j)
		return;
	http_req r;
	memset(&r, 0, sizeof r);
	enum MHD_Result ret = MHD_YES;
	cJSON *markings = NULL;
	char en388[16];
	memset(en388, 'x', sizeof en388);
	if (http__test_values(&r, j, &markings, en388, sizeof en388, &ret)) {
		if (!r.done || markings)
			abort();
		goto out;
	}
	if (r.done || !markings || !cJSON_IsObject(markings) || !memchr(en388, '\0', sizeof en388))
		abort();
	size_t len = strlen(en388);
	if (len && (len < 5 || len > 6 || strspn(en388, "012345ABCDEFXP") != len))
		abort();
	const cJSON *o388 = cJSON_GetObjectItemCaseSensitive(j, "en388");
	if ((o388 && !cJSON_IsNull(o388)) != (len != 0))
		abort(); /* a marking exactly when EN 388 was tested */
	char *text = cJSON_PrintUnformatted(markings);
	if (!text)
		abort();
	cJSON *again = cJSON_Parse(text);
	char *text2 = again ? cJSON_PrintUnformatted(again) : NULL;
	if (!text2 || strcmp(text, text2) != 0)
		abort();
	free(text);
	free(text2);
	cJSON_Delete(again);
out:
	cJSON_Delete(markings);
	cJSON_Delete(j);
}

static void params(const char *s, const uint8_t *d, size_t n)
{
	aql_level l;
	if (aql_level_parse(s, &l) == 0 &&
	    (l >= AQL_LEVEL_COUNT || strcmp(aql_level_name(l), s) != 0))
		abort();
	aql_severity sv;
	if (aql_severity_parse(s, &sv) == 0 &&
	    (sv >= AQL_SEVERITY_COUNT || strcmp(aql_severity_name(sv), s) != 0))
		abort();
	defect_class c;
	if (defect_class_parse(s, &c) == 0 && strcmp(defect_class_name(c), s) != 0)
		abort();
	unsigned fam = defect_family_parse(s);
	if (fam & ~(unsigned)DEFECT_ANY)
		abort();
	int32_t milli = -1;
	if (aql_value_parse(s, &milli) == 0) {
		char t[16], t2[16];
		int32_t m2 = -1;
		if (aql_value_index(milli) < 0 || aql_value_format(milli, t, sizeof t) ||
		    aql_value_parse(t, &m2) || m2 != milli || aql_value_format(m2, t2, sizeof t2) ||
		    strcmp(t, t2) != 0)
			abort();
		/* a plan for a lot size and level from the input's first bytes */
		if (n >= 5) {
			int64_t lot = (int64_t)((uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 |
						(uint32_t)d[2] << 8 | d[3]);
			aql_level lv = (aql_level)(d[4] % AQL_LEVEL_COUNT);
			aql_severity se = (aql_severity)((d[4] >> 3) % AQL_SEVERITY_COUNT);
			aql_plan p;
			int rc = aql_plan_get(lot, lv, se, milli, &p);
			if ((lot < 2) != (rc != 0))
				abort();
			if (!rc && (p.letter < 'A' || p.letter > 'R' || p.sample < 1 ||
				    p.sample > lot || p.ac < 0 || p.re != p.ac + 1))
				abort();
			rc = aql_plan_zero(lot, lv, se, &p);
			if ((lot < 2) != (rc != 0))
				abort();
			if (!rc && (p.sample < 1 || p.sample > lot || p.ac != 0 || p.re != 1))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned mode;
	char *s = fuzz_split(&data, &size, 16384, 2, &mode);
	if (!s)
		return 0;
	if (mode == 0)
		values(s, size);
	else {
		/* the text up to a NUL, then the lot size and level bytes */
		size_t k = strlen(s);
		params(s, data + (k < size ? k + 1 : size), k < size ? size - k - 1 : 0);
	}
	free(s);
	return 0;
}
