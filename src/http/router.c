/* SPDX-License-Identifier: Apache-2.0 */
/* router.c: the API's routes are data. Each api_<resource>.c exports a
 * table of {method, path, roles, handler} rows; this file puts the tables
 * together, finds a request's row (404 for an unknown path, 405 for a known
 * path with another method), authenticates the caller unless the route is
 * public, and lets it through only when the row's role mask has the caller's
 * role: else 401 (no login, or a gateway where a person is needed) or 403,
 * with a JSON error saying why. What a firm role may see of which firm is
 * the handlers' business (http__can_manage, scoped store reads). The same
 * tables are written as JSON for `gloved routes` and the tenant matrix test
 * (tests/integration/tenant_matrix.test.mjs). Before any of that, the
 * request's query parameters and JSON body are checked once for what no
 * handler can see after parsing: a NUL inside a value (a C string would be
 * cut at it), invalid UTF-8 and control characters in a parameter. */
#include "http/http_int.h"
#include "util/err.h"
#include "util/metrics.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const http_route *rows;
	const size_t *n;
} tables[] = {
    {http__routes_auth, &http__routes_auth_n},
    {http__routes_registry, &http__routes_registry_n},
    {http__routes_live, &http__routes_live_n},
    {http__routes_ingest, &http__routes_ingest_n},
    {http__routes_analytics, &http__routes_analytics_n},
    {http__routes_sewn, &http__routes_sewn_n},
    {http__routes_quality, &http__routes_quality_n},
    {http__routes_labels, &http__routes_labels_n},
    {http__routes_cluster, &http__routes_cluster_n},
    {http__routes_standards, &http__routes_standards_n},
    {http__routes_coop, &http__routes_coop_n},
};
#define N_TABLES (sizeof tables / sizeof tables[0])

/* Why a caller of role r is refused, when its role says it all. */
static const struct {
	unsigned status;
	const char *code;
	const char *message;
} refusals[ROLE_COUNT] = {
    [ROLE_NONE] = {401, "unauthorized", "log in first (POST /api/v1/login)"},
    [ROLE_GATEWAY] = {401, "unauthorized", "a gateway token may only send reports"},
    [ROLE_WORKER] = {403, "forbidden", "a worker login may only scan"},
    [ROLE_HOUSEHOLD] = {403, "forbidden", "a household login sees only its own bundles and pay"},
};

static enum MHD_Result refuse(http_req *r, const http_route *rt)
{
	if (rt->roles == ROLE_BIT(ROLE_GATEWAY)) {
		metrics_add(M_REPORTS_REJECTED, 1);
		return http__reply_error(r, 401, "unauthorized", -1,
					 "send a gateway token: Authorization: Bearer gw_...");
	}
	if (refusals[r->role].message)
		return http__reply_error(r, refusals[r->role].status, refusals[r->role].code, -1,
					 "%s", refusals[r->role].message);
	if (r->role == ROLE_BUREAU && strcmp(r->method, "GET") != 0)
		return http__reply_error(r, 403, "forbidden", -1,
					 "the bureau role writes only the statistics and the plan");
	if (r->role == ROLE_ASSOCIATION && strcmp(r->method, "GET") != 0)
		return http__reply_error(
		    r, 403, "forbidden", -1,
		    "the association role writes only the brand, the programme and training");
	if (rt->deny)
		return http__reply_error(r, 403, "forbidden", -1, "%s", rt->deny);
	return http__reply_error(r, 403, "forbidden", -1, "the %s role may not %s %s",
				 role_name(r->role), r->method, rt->path);
}

/* 1 when the n bytes at s are strict UTF-8 without NUL or other control
 * characters (a tab is a control character too: no parameter needs one). */
int http__param_text_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + n;
	if (memchr(s, '\0', n))
		return 0;
	while (p < end) {
		uint32_t cp;
		size_t k = utf8_next(p, &cp);
		if (!k || cp < 0x20 || cp == 0x7f || k > (size_t)(end - p))
			return 0;
		p += k;
	}
	return 1;
}

typedef struct bad_param {
	int bad;
	char name[40]; /* the parameter's name when it is printable, else "" */
} bad_param;

static enum MHD_Result check_param(void *cls, enum MHD_ValueKind kind, const char *key,
				   size_t key_size, const char *value, size_t value_size)
{
	(void)kind;
	bad_param *b = cls;
	int key_ok = key && http__param_text_ok(key, key_size);
	if (key_ok && (!value || http__param_text_ok(value, value_size)))
		return MHD_YES;
	b->bad = 1;
	if (key_ok && key_size < sizeof b->name)
		memcpy(b->name, key, key_size + 1);
	return MHD_NO;
}

/* 1 when the JSON text holds the escape \u0000 in a string (cJSON would
 * decode it and the value end there) or a raw NUL byte. */
int http__json_has_nul(const char *s, size_t n)
{
	if (memchr(s, '\0', n))
		return 1;
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] != '\\')
			continue;
		if (s[i + 1] == 'u' && i + 5 < n && memcmp(s + i + 2, "0000", 4) == 0)
			return 1;
		i++; /* the escaped character: "\\u0000" is a backslash and text */
	}
	return 0;
}

/* The one input check before a route runs (a body that says it is not
 * JSON, an upload, is the route's to check); MHD_YES with *replied = 0 when
 * the request may go on. */
static enum MHD_Result check_input(http_req *r, int *replied)
{
	bad_param b = {0};
	*replied = 1;
	MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND, check_param, &b);
	if (b.bad)
		return b.name[0] ? http__reply_error(r, 400, "bad_request", -1,
						     "query parameter '%s' must be UTF-8 text "
						     "without NUL or control characters",
						     b.name)
				 : http__reply_error(r, 400, "bad_request", -1,
						     "a query parameter's name must be UTF-8 text "
						     "without NUL or control characters");
	const char *ctype = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
	int json = !ctype || !ctype[0] || strstr(ctype, "json") != NULL;
	if (json && r->body.len && http__json_has_nul(r->body.data, r->body.len))
		return http__reply_error(r, 400, "bad_request", -1,
					 "the body holds a NUL character (\\u0000 or a zero "
					 "byte); no field may contain one");
	*replied = 0;
	return MHD_YES;
}

enum MHD_Result http__route_api(http_req *r)
{
	int replied = 0;
	enum MHD_Result in = check_input(r, &replied);
	if (replied)
		return in;
	const http_route *rt = NULL;
	int path_known = 0;
	for (size_t t = 0; t < N_TABLES && !rt; t++)
		for (size_t i = 0; i < *tables[t].n; i++) {
			const http_route *x = &tables[t].rows[i];
			if (strcmp(x->path, r->url) != 0)
				continue;
			path_known = 1;
			if (strcmp(x->method, r->method) == 0)
				rt = x;
		}
	if (!rt)
		return path_known
			   ? http__reply_error(r, 405, "bad_request", -1,
					       "method %s not allowed on %s", r->method, r->url)
			   : http__reply_error(r, 404, "not_found", -1, "no API %s", r->url);
	store *db = http__db_get(r->srv);
	if (!db)
		return http__reply_error(r, 503, "unavailable", -1, "database unavailable");
	if (!role_allowed(rt->roles, ROLE_NONE))
		http__authenticate(r, db);
	enum MHD_Result ret;
	if (role_allowed(rt->roles, r->role))
		ret = rt->fn(r, db);
	else if (r->auth_rc)
		ret = http__reply_error(r, 503, "unavailable", -1,
					"cannot check the credentials: %s; try again",
					gloved_strerror(r->auth_rc));
	else
		ret = refuse(r, rt);
	http__db_put(r->srv, db);
	return ret;
}

int http_routes_json(FILE *out)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *roles = cJSON_AddArrayToObject(o, "roles");
	for (int ro = 0; ro < ROLE_COUNT; ro++)
		cJSON_AddItemToArray(roles, cJSON_CreateString(role_name((role)ro)));
	cJSON *arr = cJSON_AddArrayToObject(o, "routes");
	for (size_t t = 0; t < N_TABLES; t++)
		for (size_t i = 0; i < *tables[t].n; i++) {
			const http_route *x = &tables[t].rows[i];
			cJSON *e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "method", x->method);
			cJSON_AddStringToObject(e, "path", x->path);
			cJSON *rs = cJSON_AddArrayToObject(e, "roles");
			for (int ro = 0; ro < ROLE_COUNT; ro++)
				if (role_allowed(x->roles, (role)ro))
					cJSON_AddItemToArray(
					    rs, cJSON_CreateString(role_name((role)ro)));
			cJSON_AddItemToArray(arr, e);
		}
	char *text = cJSON_Print(o);
	cJSON_Delete(o);
	if (!text)
		return GLOVED_ENOMEM;
	int rc = fputs(text, out) < 0 || fputc('\n', out) == EOF ? GLOVED_EIO : GLOVED_OK;
	free(text);
	return rc;
}
