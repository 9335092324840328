/* SPDX-License-Identifier: Apache-2.0 */
/* api_standards.c: the glove standards as a service (docs/api.md,
 * "Standards"): the defect catalogue, the ISO 2859-1 plan of a lot size,
 * the EN 388 marking of raw test values, all without storing anything;
 * and http__test_values, which reads a test report's values (EN 388,
 * GB 24541, EN 511, EN ISO 374-1, ANSI/ISEA 105, EN ISO 21420) into the
 * markings POST /api/v1/tests stores. The rules are core/glovetest.c's and
 * core/aql.c's; this file only reads JSON strictly (unknown keys, wrong
 * types and out-of-range values get a 400 naming the field) and writes it. */
#include "core/aql.h"
#include "core/defect.h"
#include "core/glovetest.h"
#include "http/http_int.h"
#include "util/err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad(http_req *r, enum MHD_Result *ret, const char *fmt, const char *a, const char *b)
{
	*ret = http__reply_error(r, 400, "bad_request", -1, fmt, a, b);
	return -1;
}

/* Every key of obj is in keys (NULL-terminated); else 400 naming it. */
static int only_keys(http_req *r, const cJSON *obj, const char *where, const char *const *keys,
		     enum MHD_Result *ret)
{
	const cJSON *v;
	cJSON_ArrayForEach(v, obj)
	{
		int ok = 0;
		for (size_t i = 0; keys[i]; i++)
			if (v->string && strcmp(v->string, keys[i]) == 0)
				ok = 1;
		if (!ok)
			return bad(r, ret, "%s%s is not a field of this object", where,
				   v->string ? v->string : "?");
	}
	return 0;
}

/* A measured value: absent or null -> not tested; a finite number >= 0. */
static int value(http_req *r, const cJSON *obj, const char *where, const char *key, double *out,
		 enum MHD_Result *ret)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	*out = GLOVETEST_NOT_TESTED;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
		return bad(r, ret, "%s%s must be a number >= 0, or null when not tested", where,
			   key);
	*out = v->valuedouble;
	return 0;
}

/* "pass" / "fail" / absent or null: 1 / 0 / -1. */
static int pass_fail(http_req *r, const cJSON *obj, const char *where, const char *key, int *out,
		     enum MHD_Result *ret)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	*out = -1;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v) && strcmp(v->valuestring, "pass") == 0)
		*out = 1;
	else if (cJSON_IsString(v) && strcmp(v->valuestring, "fail") == 0)
		*out = 0;
	else
		return bad(r, ret, "%s%s must be \"pass\", \"fail\" or null when not tested", where,
			   key);
	return 0;
}

static const char *const en388_keys[] = {"abrasion_cycles", "coupe_index", "coupe_blunted",
					 "tear_n",          "puncture_n",  "tdm_n",
					 "impact",          NULL};

static int read_en388(http_req *r, const cJSON *o, const char *where, en388_values *v,
		      enum MHD_Result *ret)
{
	int imp;
	if (!cJSON_IsObject(o))
		return bad(r, ret, "%s%s must be an object of raw EN 388 values", where, "");
	if (only_keys(r, o, where, en388_keys, ret) ||
	    value(r, o, where, "abrasion_cycles", &v->abrasion_cycles, ret) ||
	    value(r, o, where, "coupe_index", &v->coupe_index, ret) ||
	    value(r, o, where, "tear_n", &v->tear_n, ret) ||
	    value(r, o, where, "puncture_n", &v->puncture_n, ret) ||
	    value(r, o, where, "tdm_n", &v->tdm_n, ret) ||
	    pass_fail(r, o, where, "impact", &imp, ret))
		return -1;
	const cJSON *bl = cJSON_GetObjectItemCaseSensitive(o, "coupe_blunted");
	if (bl && !cJSON_IsBool(bl) && !cJSON_IsNull(bl))
		return bad(r, ret, "%s%s must be true or false", where, "coupe_blunted");
	v->coupe_blunted = cJSON_IsTrue(bl);
	v->impact = imp < 0 ? EN388_IMPACT_NOT_TESTED : imp ? EN388_IMPACT_PASS : EN388_IMPACT_FAIL;
	return 0;
}

static cJSON *en388_json(const en388_values *v, const en388_marks *m, const char *standard)
{
	cJSON *o = cJSON_CreateObject();
	char s[2] = {0, 0};
	cJSON_AddStringToObject(o, "standard", standard);
	cJSON_AddStringToObject(o, "marking", m->marking);
	cJSON *l = cJSON_AddObjectToObject(o, "levels");
	s[0] = m->abrasion;
	cJSON_AddStringToObject(l, "abrasion", s);
	s[0] = m->coupe;
	cJSON_AddStringToObject(l, "coupe", s);
	s[0] = m->tear;
	cJSON_AddStringToObject(l, "tear", s);
	s[0] = m->puncture;
	cJSON_AddStringToObject(l, "puncture", s);
	s[0] = m->tdm;
	cJSON_AddStringToObject(l, "tdm", s);
	cJSON_AddStringToObject(l, "impact",
				v->impact == EN388_IMPACT_PASS   ? "P"
				: v->impact == EN388_IMPACT_FAIL ? "fail"
								 : "X");
	cJSON *notes = cJSON_AddArrayToObject(o, "notes");
	if (v->coupe_blunted)
		cJSON_AddItemToArray(
		    notes, cJSON_CreateString("the blade dulled in the coupe test: the coupe "
					      "result is not used (X) and the TDM cut decides"));
	if (v->impact == EN388_IMPACT_FAIL)
		cJSON_AddItemToArray(notes,
				     cJSON_CreateString("impact failed: no P in sixth place"));
	return o;
}

static enum MHD_Result h_en388(http_req *r, store *db)
{
	(void)db;
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	en388_values v;
	en388_marks m;
	char msg[200];
	if (read_en388(r, j, "", &v, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (en388_mark(&v, &m, msg, sizeof msg))
		return http__reply_error(r, 400, "bad_request", -1, "%s", msg);
	return http__reply_json(r, 200, en388_json(&v, &m, "EN 388:2016+A1:2018"));
}

static const char *const en511_keys[] = {"convective_itr", "contact_r", "water", NULL};
static const char *const en374_keys[] = {"penetration", "chemicals", NULL};
static const char *const en21420_keys[] = {"size", "length_mm", "dexterity_pin_mm",
					   "ph",   "cr6_mg_kg", NULL};
static const char *const test_keys[] = {"en388",         "gb24541", "en511", "en374",
					"ansi105_cut_g", "en21420", NULL};

static int read_en374(http_req *r, const cJSON *o, cJSON *out, enum MHD_Result *ret)
{
	int pen;
	en374_result res[EN374_CHEMICALS];
	size_t n = 0;
	if (!cJSON_IsObject(o))
		return bad(r, ret, "%s%s must be an object {penetration, chemicals}", "en374", "");
	if (only_keys(r, o, "en374.", en374_keys, ret) ||
	    pass_fail(r, o, "en374.", "penetration", &pen, ret))
		return -1;
	if (pen < 0)
		return bad(r, ret, "%s%s: give the EN 374-2 leak test result, pass or fail",
			   "en374.", "penetration");
	const cJSON *ch = cJSON_GetObjectItemCaseSensitive(o, "chemicals");
	if (!cJSON_IsArray(ch) || cJSON_GetArraySize(ch) > EN374_CHEMICALS)
		return bad(r, ret, "%s%s must be an array of at most 18 {letter, minutes}",
			   "en374.", "chemicals");
	const cJSON *c;
	cJSON_ArrayForEach(c, ch)
	{
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(c, "letter");
		const cJSON *mi = cJSON_GetObjectItemCaseSensitive(c, "minutes");
		if (!cJSON_IsObject(c) || !cJSON_IsString(l) || strlen(l->valuestring) != 1 ||
		    !cJSON_IsNumber(mi) || cJSON_GetArraySize(c) != 2)
			return bad(r, ret,
				   "%s%s: each must be {\"letter\": one of A-P S T, \"minutes\": "
				   "breakthrough time}",
				   "en374.", "chemicals");
		res[n].letter = l->valuestring[0];
		res[n].minutes = mi->valuedouble;
		n++;
	}
	en374_marks m;
	char msg[200];
	if (en374_mark(res, n, pen, &m, msg, sizeof msg)) {
		*ret = http__reply_error(r, 400, "bad_request", -1, "en374.%s", msg);
		return -1;
	}
	cJSON *y = cJSON_AddObjectToObject(out, "en374");
	char t[2] = {m.type, 0};
	cJSON_AddStringToObject(y, "standard", "EN ISO 374-1:2016+A1:2018");
	cJSON_AddStringToObject(y, "type", t);
	cJSON_AddStringToObject(y, "letters", m.letters);
	cJSON_AddStringToObject(y, "marking", m.marking);
	cJSON *lv = cJSON_AddObjectToObject(y, "levels");
	for (size_t i = 0; i < n; i++) {
		char k[2] = {res[i].letter, 0};
		cJSON_AddNumberToObject(lv, k, en374_level(res[i].minutes));
	}
	return 0;
}

static int read_en21420(http_req *r, const cJSON *o, cJSON *out, enum MHD_Result *ret)
{
	double size, length, pin, ph, cr6;
	if (!cJSON_IsObject(o))
		return bad(r, ret, "%s%s must be an object {size, length_mm, ...}", "en21420", "");
	if (only_keys(r, o, "en21420.", en21420_keys, ret) ||
	    value(r, o, "en21420.", "size", &size, ret) ||
	    value(r, o, "en21420.", "length_mm", &length, ret) ||
	    value(r, o, "en21420.", "dexterity_pin_mm", &pin, ret) ||
	    value(r, o, "en21420.", "ph", &ph, ret) ||
	    value(r, o, "en21420.", "cr6_mg_kg", &cr6, ret))
		return -1;
	cJSON *y = cJSON_AddObjectToObject(out, "en21420");
	cJSON_AddStringToObject(y, "standard", "EN ISO 21420:2020");
	if (size >= 0) {
		int min = floor(size) == size && size <= 20 ? en21420_min_length_mm((int)size) : 0;
		if (!min)
			return bad(r, ret, "%s%s must be a hand size 6..11", "en21420.", "size");
		cJSON_AddNumberToObject(y, "size", size);
		cJSON_AddNumberToObject(y, "min_length_mm", min);
		if (length >= 0) {
			cJSON_AddNumberToObject(y, "length_mm", length);
			cJSON_AddBoolToObject(y, "length_ok", length >= min);
		}
	} else if (length >= 0)
		return bad(r, ret, "%s%s: give the size the length is measured for", "en21420.",
			   "length_mm");
	if (pin >= 0) {
		int d = en21420_dexterity(pin);
		cJSON_AddNumberToObject(y, "dexterity", d);
	}
	if (ph >= 0) {
		if (ph > 14)
			return bad(r, ret, "%s%s must be 0..14", "en21420.", "ph");
		cJSON_AddNumberToObject(y, "ph", ph);
		cJSON_AddBoolToObject(y, "ph_ok", en21420_ph_ok(ph));
	}
	if (cr6 >= 0) {
		cJSON_AddNumberToObject(y, "cr6_mg_kg", cr6);
		cJSON_AddBoolToObject(y, "cr6_ok", en21420_cr6_ok(cr6));
	}
	return 0;
}

int http__test_values(http_req *r, const cJSON *j, cJSON **markings, char *en388, size_t en388_len,
		      enum MHD_Result *ret)
{
	char msg[200];
	*markings = NULL;
	en388[0] = '\0';
	if (!cJSON_IsObject(j))
		return bad(r, ret, "%s%s must be an object of test values", "values", "");
	if (only_keys(r, j, "values.", test_keys, ret))
		return -1;
	cJSON *out = cJSON_CreateObject();
	if (!out) {
		*ret = http__reply_error(r, 503, "unavailable", -1, "out of memory");
		return -1;
	}
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(j, "en388");
	en388_values v388;
	en388_marks m388;
	int has388 = o && !cJSON_IsNull(o);
	if (has388) {
		if (read_en388(r, o, "en388.", &v388, ret))
			goto bad_out;
		if (en388_mark(&v388, &m388, msg, sizeof msg)) {
			*ret = http__reply_error(r, 400, "bad_request", -1, "en388.%s", msg);
			goto bad_out;
		}
		cJSON_AddItemToObject(out, "en388",
				      en388_json(&v388, &m388, "EN 388:2016+A1:2018"));
		snprintf(en388, en388_len, "%s", m388.marking);
	}
	const cJSON *gb = cJSON_GetObjectItemCaseSensitive(j, "gb24541");
	if (gb && !cJSON_IsBool(gb) && !cJSON_IsNull(gb)) {
		bad(r, ret, "%s%s must be true (mark the EN 388 values by GB 24541-2022 too)",
		    "values.", "gb24541");
		goto bad_out;
	}
	if (cJSON_IsTrue(gb)) {
		if (!has388) {
			bad(r, ret, "%s%s needs the en388 values (the same tests and levels)",
			    "values.", "gb24541");
			goto bad_out;
		}
		cJSON_AddItemToObject(out, "gb24541", en388_json(&v388, &m388, "GB 24541-2022"));
	}
	o = cJSON_GetObjectItemCaseSensitive(j, "en511");
	if (o && !cJSON_IsNull(o)) {
		en511_values v = {0};
		en511_marks m;
		if (!cJSON_IsObject(o)) {
			bad(r, ret, "%s%s must be an object {convective_itr, contact_r, water}",
			    "en511", "");
			goto bad_out;
		}
		if (only_keys(r, o, "en511.", en511_keys, ret) ||
		    value(r, o, "en511.", "convective_itr", &v.convective_itr, ret) ||
		    value(r, o, "en511.", "contact_r", &v.contact_r, ret) ||
		    pass_fail(r, o, "en511.", "water", &v.water, ret))
			goto bad_out;
		v.en388_abrasion = has388 ? m388.abrasion : 'X';
		v.en388_tear = has388 ? m388.tear : 'X';
		if (en511_mark(&v, &m, msg, sizeof msg)) {
			*ret = http__reply_error(r, 400, "bad_request", -1, "en511.%s", msg);
			goto bad_out;
		}
		cJSON *y = cJSON_AddObjectToObject(out, "en511");
		cJSON_AddStringToObject(y, "standard", "EN 511:2006");
		cJSON_AddStringToObject(y, "marking", m.marking);
		cJSON_AddBoolToObject(y, "capped_by_en388", m.capped);
	}
	o = cJSON_GetObjectItemCaseSensitive(j, "en374");
	if (o && !cJSON_IsNull(o) && read_en374(r, o, out, ret))
		goto bad_out;
	double g;
	if (value(r, j, "values.", "ansi105_cut_g", &g, ret))
		goto bad_out;
	if (g >= 0) {
		if (g > 100000) {
			bad(r, ret, "%s%s must be at most 100000 g", "values.", "ansi105_cut_g");
			goto bad_out;
		}
		int l = ansi105_cut_level(g);
		char s[4] = "";
		if (l)
			snprintf(s, sizeof s, "A%d", l);
		cJSON *y = cJSON_AddObjectToObject(out, "ansi105");
		cJSON_AddStringToObject(y, "standard", "ANSI/ISEA 105-2016");
		cJSON_AddNumberToObject(y, "grams", g);
		cJSON_AddStringToObject(y, "cut", s);
	}
	o = cJSON_GetObjectItemCaseSensitive(j, "en21420");
	if (o && !cJSON_IsNull(o) && read_en21420(r, o, out, ret))
		goto bad_out;
	*markings = out;
	return 0;
bad_out:
	cJSON_Delete(out);
	en388[0] = '\0';
	return -1;
}

static enum MHD_Result h_defects(http_req *r, store *db)
{
	(void)db;
	size_t n;
	const defect_type *c = defect_catalogue(&n);
	const char *fam = http__arg(r, "family");
	unsigned bit = DEFECT_ANY;
	if (fam && *fam && !(bit = defect_family_parse(fam)))
		return http__reply_error(r, 400, "bad_request", -1,
					 "'family' must be sewn, knitted, dipped or any");
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "items");
	static const char *const fams[] = {"sewn", "knitted", "dipped"};
	for (size_t i = 0; i < n; i++) {
		if (!(c[i].families & bit))
			continue;
		cJSON *y = cJSON_CreateObject();
		cJSON_AddStringToObject(y, "code", c[i].code);
		cJSON_AddStringToObject(y, "zh", c[i].zh);
		cJSON_AddStringToObject(y, "en", c[i].en);
		cJSON_AddStringToObject(y, "class", defect_class_name(c[i].cls));
		cJSON_AddStringToObject(y, "class_zh", defect_class_zh(c[i].cls));
		cJSON *f = cJSON_AddArrayToObject(y, "families");
		for (unsigned k = 0; k < 3; k++)
			if (c[i].families & (1u << k))
				cJSON_AddItemToArray(f, cJSON_CreateString(fams[k]));
		cJSON_AddItemToArray(arr, y);
	}
	return http__reply_json(r, 200, out);
}

/* GET /api/v1/aql/plan?lot=N&level=II&aql=1.0&severity=normal */
static enum MHD_Result h_aql_plan(http_req *r, store *db)
{
	(void)db;
	const char *lot = http__arg(r, "lot"), *level = http__arg(r, "level");
	const char *aql = http__arg(r, "aql"), *sev = http__arg(r, "severity");
	int64_t n = 0;
	aql_level l;
	aql_severity s = AQL_NORMAL;
	int32_t milli;
	if (!lot || http__parse_fixed(lot, 0, 1000000000, &n) || n < 2)
		return http__reply_error(r, 400, "bad_request", -1,
					 "'lot' must be the lot size, 2 .. 1000000000");
	if (aql_level_parse(level && *level ? level : "II", &l))
		return http__reply_error(r, 400, "bad_request", -1,
					 "'level' must be S-1, S-2, S-3, S-4, I, II or III");
	if (!aql || aql_value_parse(aql, &milli))
		return http__reply_error(r, 400, "bad_request", -1,
					 "'aql' must be an AQL of the ISO 2859-1 tables (0.010, "
					 "0.015, ... 1.0, 1.5, 2.5, 4.0, 6.5, 10 ... 1000)");
	if (sev && *sev && aql_severity_parse(sev, &s))
		return http__reply_error(r, 400, "bad_request", -1,
					 "'severity' must be normal, tightened or reduced");
	aql_plan p;
	if (aql_plan_get(n, l, s, milli, &p))
		return http__reply_error(r, 400, "bad_request", -1, "no plan for these values");
	char a[16], letter[2] = {p.letter, 0};
	aql_value_format(milli, a, sizeof a);
	cJSON *out = cJSON_CreateObject();
	cJSON_AddNumberToObject(out, "lot", (double)n);
	cJSON_AddStringToObject(out, "level", aql_level_name(l));
	cJSON_AddStringToObject(out, "severity", aql_severity_name(s));
	cJSON_AddStringToObject(out, "aql", a);
	cJSON_AddStringToObject(out, "letter", letter);
	cJSON_AddNumberToObject(out, "sample", p.sample);
	cJSON_AddNumberToObject(out, "ac", p.ac);
	cJSON_AddNumberToObject(out, "re", p.re);
	cJSON_AddBoolToObject(out, "hundred_percent", p.sample >= n);
	return http__reply_json(r, 200, out);
}

const http_route http__routes_standards[] = {
    {"GET", "/api/v1/defects", ROLES_ANY_USER, h_defects, NULL},
    {"GET", "/api/v1/aql/plan", ROLES_ANY_USER, h_aql_plan, NULL},
    {"POST", "/api/v1/tests/en388", ROLES_ANY_USER, h_en388, NULL},
};
const size_t http__routes_standards_n =
    sizeof http__routes_standards / sizeof http__routes_standards[0];
