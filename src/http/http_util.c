/* SPDX-License-Identifier: Apache-2.0 */
/* http_util.c: what every handler of src/http/ shares to read a request and
 * answer it: the JSON body and its typed fields (size-capped, strict UTF-8,
 * codes from core/code.h), the enterprise a request is about within the
 * caller's scope, and the one mapping of GLOVED_* errors to HTTP statuses
 * (docs/api.md, "Errors"). */
#include "core/code.h"
#include "core/tz.h"
#include "http/http_int.h"
#include "util/num.h"
#include "util/table.h"
#include "util/err.h"
#include "util/ltime.h"
#include "util/utf8.h"
#include "util/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cJSON *http__parse_body(http_req *r, enum MHD_Result *ret)
{
	cJSON *j = NULL;
	if (r->body.len)
		j = json_parse_all(r->body.data, r->body.len);
	if (!j || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		*ret =
		    http__reply_error(r, 400, "bad_request", -1, "the body must be a JSON object");
		return NULL;
	}
	return j;
}

/* 1 when s is strict UTF-8 (util/utf8.c) without control characters (DEL
 * is one, as for query parameters: router.c). */
static int text_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t n = utf8_next(p, &cp);
		if (!n || cp < 0x20 || cp == 0x7f)
			return 0;
		p += n;
	}
	return 1;
}

int http__field_text(http_req *r, const cJSON *j, const char *key, int required, int code,
		     char *dst, size_t cap, enum MHD_Result *ret)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	dst[0] = '\0';
	if (!v || cJSON_IsNull(v)) {
		if (!required)
			return 0;
		*ret = http__reply_error(r, 400, "bad_request", -1, "field '%s' is missing", key);
		return -1;
	}
	if (!cJSON_IsString(v) || strlen(v->valuestring) >= cap ||
	    (code && !code_valid(v->valuestring)) || !text_valid(v->valuestring) ||
	    (required && !v->valuestring[0])) {
		if (code)
			*ret = http__reply_error(r, 400, "bad_request", -1,
						 "field '%s' must be 1-32 characters of A-Z a-z "
						 "0-9 _ -",
						 key);
		else
			*ret = http__reply_error(
			    r, 400, "bad_request", -1,
			    "field '%s' must be UTF-8 text of at most %zu bytes", key, cap - 1);
		return -1;
	}
	memcpy(dst, v->valuestring, strlen(v->valuestring) + 1);
	return 0;
}

int http__field_int(http_req *r, const cJSON *j, const char *key, int64_t lo, int64_t hi,
		    int64_t dflt, int64_t *out, enum MHD_Result *ret)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	if (!v || cJSON_IsNull(v)) {
		*out = dflt;
		return 0;
	}
	if (!cJSON_IsNumber(v) || !num_whole(v->valuedouble, lo, hi, NULL)) {
		*ret = http__reply_error(r, 400, "bad_request", -1,
					 "field '%s' must be an integer in %lld..%lld", key,
					 (long long)lo, (long long)hi);
		return -1;
	}
	*out = (int64_t)v->valuedouble;
	return 0;
}

int http__parse_fixed(const char *s, int places, int64_t max, int64_t *out)
{
	int64_t v = 0;
	int frac = -1;
	if (!s || !*s)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p == '.' && frac < 0 && p != s && p[1]) {
			frac = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || (frac >= 0 && ++frac > places))
			return -1;
		/* compared before it is computed: v * 10 + d may not fit (max
		 * INT64_MAX / 10 and 19 digits) */
		if (v > (max - (*p - '0')) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	for (int i = frac < 0 ? 0 : frac; i < places; i++) {
		if (v > max / 10)
			return -1;
		v *= 10;
	}
	*out = v;
	return 0;
}

void http__fixed_str(int64_t v, int places, char *out, size_t len)
{
	if (places > 18)
		places = 18;
	unsigned long long p = 1;
	for (int i = 0; i < places; i++)
		p *= 10;
	/* the sign once, before the whole part ("-0.05", not "0.-5"); no
	 * point for places 0 ("1000") */
	const char *sign = v < 0 ? "-" : "";
	unsigned long long a = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	if (places <= 0)
		snprintf(out, len, "%s%llu", sign, a);
	else
		snprintf(out, len, "%s%llu.%0*llu", sign, a / p, places & 31, a % p);
}

int http__firm_arg(http_req *r, const char *code, int64_t *ent, enum MHD_Result *ret)
{
	if (http__resolve_enterprise(r, code, ent, ret))
		return -1;
	if (!*ent) {
		*ret = http__reply_error(r, 400, "bad_request", -1, "name the enterprise");
		return -1;
	}
	return 0;
}

int http__one_of(const char *v, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v, list[i]) == 0)
			return 1;
	return 0;
}

int http__resolve_enterprise(http_req *r, const char *code, int64_t *id, enum MHD_Result *ret)
{
	if (!code || !*code) {
		*id = r->scope.enterprise_id;
		return 0;
	}
	store_enterprise e;
	if (registry_enterprise_by_code(r->srv->app.reg, code, &e) ||
	    (r->scope.enterprise_id && e.id != r->scope.enterprise_id) ||
	    (r->scope.town[0] && strcmp(e.town, r->scope.town) != 0)) {
		*ret = http__reply_error(r, 404, "not_found", -1, "no enterprise '%s'", code);
		return -1;
	}
	*id = e.id;
	return 0;
}

void http__refresh(http_req *r, store *db)
{
	registry_refresh(r->srv->app.reg, db, 0);
}

int http__query_enterprise(http_req *r, store *db, int64_t *id, enum MHD_Result *ret)
{
	http__refresh(r, db);
	return http__resolve_enterprise(r, http__arg(r, "enterprise"), id, ret);
}

const char *http__ent_code(http_req *r, int64_t ent, store_enterprise *e)
{
	if (ent && registry_enterprise(r->srv->app.reg, ent, e) == GLOVED_OK)
		return e->code;
	return "";
}

/* ---- errors ---- */

static const struct {
	int rc;
	unsigned status;
	const char *code;
	const char *fmt; /* %s: what, then " 'code'" or "" */
} statuses[] = {
    {GLOVED_ENOTFOUND, 404, "not_found", "the %s%s or what it belongs to does not exist"},
    {GLOVED_EEXIST, 409, "conflict", "%s%s already exists"},
    {GLOVED_EINVAL, 400, "bad_request", "invalid %s%s"},
    {GLOVED_EPERM, 403, "forbidden", "not allowed to change the %s%s"},
    {GLOVED_ETOOBIG, 413, "too_large", "the %s%s is too large"},
};

enum MHD_Result http__reply_status(http_req *r, int rc, const char *what, const char *code)
{
	char named[48] = "";
	if (code && *code)
		snprintf(named, sizeof named, " '%.40s'", code);
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (statuses[i].rc == rc)
			return http__reply_error(r, statuses[i].status, statuses[i].code, -1,
						 statuses[i].fmt, what, named);
	return http__reply_error(r, 503, "unavailable", -1, "cannot store the %s%s: %s", what,
				 named, gloved_strerror(rc));
}

const char *http__status_code(unsigned status)
{
	static const struct {
		unsigned status;
		const char *code;
	} names[] = {
	    {401, "unauthorized"}, {403, "forbidden"},   {404, "not_found"},
	    {409, "conflict"},     {413, "too_large"},   {429, "too_many_requests"},
	    {500, "internal"},     {503, "unavailable"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].status == status)
			return names[i].code;
	return status >= 500 ? "internal" : "bad_request";
}

enum MHD_Result http__reply_created(http_req *r, store *db, int rc, const char *what,
				    const char *code, cJSON *body)
{
	http__refresh(r, db);
	if (rc) {
		cJSON_Delete(body);
		return http__reply_status(r, rc, what, code);
	}
	return http__reply_json(r, 201, body);
}

int32_t http__today(void)
{
	tz_date d;
	char s[16];
	ltime_format_day(ltime_now_ms(), s, sizeof s);
	if (tz_date_parse(s, &d))
		return 0;
	return (int32_t)tz_days_from_civil(d);
}

enum MHD_Result http__reply_table(http_req *r, table *t, int csv, int en, const char *fname,
				  const char *sheet)
{
	buf b;
	buf_init(&b, 64u << 20);
	int rc = csv ? table_csv(t, en, &b) : table_xlsx(t, en, sheet, &b);
	table_free(t);
	if (rc) {
		buf_free(&b);
		return http__reply_error(r, 503, "unavailable", -1, "cannot write the file: %s",
					 gloved_strerror(rc));
	}
	char name[96];
	snprintf(name, sizeof name, "%s.%s", fname, csv ? "csv" : "xlsx");
	size_t len = b.len;
	char *body = buf_steal(&b);
	if (!body)
		body = calloc(1, 1);
	return http__reply_file(r,
				csv ? "text/csv; charset=utf-8"
				    : "application/vnd.openxmlformats-officedocument."
				      "spreadsheetml.sheet",
				body, len, name);
}
