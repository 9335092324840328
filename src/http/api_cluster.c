/* SPDX-License-Identifier: Apache-2.0 */
/* api_cluster.c: the cluster's part of the API (docs/api.md, "Cluster"):
 * share settings and the audit log; the monthly statistics (the year's
 * form, a firm's report, the bureau's overview and its xlsx/CSV export);
 * the development plan with its review and export; the cockpit (JSON and
 * a live SSE feed); the upgrading programme; talent (courses, sessions,
 * enrolments, assessments, certificates with their PDF and public check,
 * the skill matrix, the firm's skill rules and flags). A handler parses
 * and checks, makes one app call (app/cluster.c, app/talent.c) or reads
 * the store in the caller's scope, and renders. Who may call what is in
 * the route table at the end; the store refuses a firm's private records
 * to the aggregates-only roles whatever a handler does. */
#include "app/cluster.h"
#include "app/talent.h"
#include "core/cluster.h"
#include "core/tz.h"
#include "http/http_int.h"
#include "util/num.h"
#include "util/cert_pdf.h"
#include "util/err.h"
#include "util/label_sign.h"
#include "util/log.h"
#include "util/ltime.h"
#include "util/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void http__actor(const http_req *r, struct cluster_actor *a)
{
	memset(a, 0, sizeof *a);
	snprintf(a->name, sizeof a->name, "%s", r->user.username);
	snprintf(a->role, sizeof a->role, "%s", role_name(r->role));
	a->now_ms = ltime_now_ms();
}

static void actor_of(const http_req *r, cluster_actor *a)
{
	http__actor(r, a);
}

void http__audit(http_req *r, int64_t enterprise_id, const char *action, const char *target,
		 const char *after)
{
	cluster_actor a;
	actor_of(r, &a);
	/* after the action's own transaction: a failure is logged, the action
	 * stands */
	int rc = cluster_audit(r->srv->app.w, &a, enterprise_id, action, target, "", after);
	if (rc)
		log_warn("audit log: cannot record %s %s: %s", action, target, gloved_strerror(rc));
}

static int32_t today_local(void)
{
	return http__today();
}

static cluster_world world_of(http_req *r)
{
	cluster_world w = {.reg = r->srv->app.reg,
			   .lv = r->srv->app.lv,
			   .cals = writer_cals(r->srv->app.w),
			   .now_ms = ltime_now_ms(),
			   .today = today_local()};
	return w;
}

static int lang_en(http_req *r)
{
	const char *l = http__arg(r, "lang");
	return l && strcmp(l, "en") == 0;
}

int http__month_parse(const char *s, int32_t *out)
{
	if (!s)
		return -1;
	size_t n = strlen(s);
	int y, m;
	char c;
	if (n == 7 && sscanf(s, "%4d-%2d%c", &y, &m, &c) == 2 && s[4] == '-')
		;
	else if (n == 6 && sscanf(s, "%4d%2d%c", &y, &m, &c) == 2)
		;
	else
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] >= '0' && s[i] <= '9') && !(i == 4 && s[i] == '-'))
			return -1;
	*out = y * 100 + m;
	return cluster_month_ok(*out) ? 0 : -1;
}

static void month_str(int32_t m, char out[8])
{
	unsigned y = (unsigned)(m / 100) % 10000u, mo = (unsigned)(m % 100) % 100u;
	snprintf(out, 8, "%04u-%02u", y, mo);
}

static int month_arg(http_req *r, const char *name, int32_t *out, enum MHD_Result *ret)
{
	const char *s = http__arg(r, name);
	if (!s || !*s) {
		tz_date d = tz_civil_from_days(today_local());
		*out = d.year * 100 + d.month;
		return 0;
	}
	if (http__month_parse(s, out)) {
		*ret = http__reply_error(r, 400, "bad_request", -1,
					 "parameter '%s' must be a month YYYY-MM (2000 to 2099)",
					 name);
		return -1;
	}
	return 0;
}

static int year_arg(http_req *r, int32_t *out, enum MHD_Result *ret)
{
	const char *s = http__arg(r, "year");
	if (!s || !*s) {
		*out = tz_civil_from_days(today_local()).year;
		return 0;
	}
	char *end = NULL;
	long y = strtol(s, &end, 10);
	if (!end || *end || strlen(s) != 4 || y < 2000 || y > 2099) {
		*ret = http__reply_error(r, 400, "bad_request", -1,
					 "parameter 'year' must be a year 2000 to 2099");
		return -1;
	}
	*out = (int32_t)y;
	return 0;
}

static int fmt_arg(http_req *r, int *csv, enum MHD_Result *ret)
{
	const char *f = http__arg(r, "format");
	*csv = f && strcmp(f, "csv") == 0;
	if (f && *f && strcmp(f, "csv") && strcmp(f, "xlsx")) {
		*ret = http__reply_error(r, 400, "bad_request", -1,
					 "parameter 'format' must be xlsx or csv");
		return -1;
	}
	return 0;
}

/* A fixed-point value as a JSON number (exact in a double up to 2^53). */
static void add_fixed(cJSON *o, const char *key, int64_t v, int decimals)
{
	char s[40];
	http__fixed_str(v, decimals, s, sizeof s);
	cJSON_AddRawToObject(o, key, s);
}

static enum MHD_Result store_error(http_req *r, int rc, const char *what)
{
	if (rc == GLOVED_EPERM)
		return http__reply_error(r, 403, "forbidden", -1,
					 "the %s is not shared with your role", what);
	return http__reply_status(r, rc, what, NULL);
}

/* ---- share settings ---- */

static enum MHD_Result h_share_get(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	http__refresh(r, db);
	if (http__firm_arg(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	store_share x = {.enterprise_id = ent};
	int rc = store_share_get(db, ent, &x);
	if (rc && rc != GLOVED_ENOTFOUND)
		return store_error(r, rc, "share settings");
	store_enterprise e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "enterprise", http__ent_code(r, ent, &e));
	cJSON *al = cJSON_AddObjectToObject(o, "always");
	cJSON_AddBoolToObject(al, "output", 1);
	cJSON_AddBoolToObject(al, "machines_online", 1);
	cJSON_AddBoolToObject(al, "oee", 1);
	cJSON_AddBoolToObject(al, "employees", 1);
	cJSON_AddBoolToObject(o, "capacity", x.capacity);
	cJSON_AddBoolToObject(o, "catalogue", x.catalogue);
	cJSON_AddBoolToObject(o, "cases", x.cases);
	cJSON *nv = cJSON_AddArrayToObject(o, "never");
	static const char *const never[] = {"orders", "buyers", "prices", "wages", "workers"};
	for (size_t i = 0; i < 5; i++)
		cJSON_AddItemToArray(nv, cJSON_CreateString(never[i]));
	if (x.updated_ms) {
		cJSON_AddNumberToObject(o, "updated_ms", (double)x.updated_ms);
		cJSON_AddStringToObject(o, "by", x.by);
	}
	return http__reply_json(r, 200, o);
}

static int bool_field(http_req *r, const cJSON *j, const char *key, int *out, enum MHD_Result *ret)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	if (!v)
		return 0;
	if (!cJSON_IsBool(v)) {
		*ret = http__reply_error(r, 400, "bad_request", -1,
					 "field '%s' must be true or false", key);
		return -1;
	}
	*out = cJSON_IsTrue(v);
	return 0;
}

static enum MHD_Result h_share_put(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	char code[33];
	int64_t ent;
	http__refresh(r, db);
	if (http__field_text(r, j, "enterprise", 0, 1, code, sizeof code, &ret) ||
	    http__firm_arg(r, code, &ent, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	if (!http__can_manage(r, ent)) {
		cJSON_Delete(j);
		return http__reply_error(r, 403, "forbidden", -1,
					 "only the firm's admin sets what it shares");
	}
	store_share x = {.enterprise_id = ent};
	int rc = store_share_get(db, ent, &x);
	if (rc && rc != GLOVED_ENOTFOUND) {
		cJSON_Delete(j);
		return store_error(r, rc, "share settings");
	}
	if (bool_field(r, j, "capacity", &x.capacity, &ret) ||
	    bool_field(r, j, "catalogue", &x.catalogue, &ret) ||
	    bool_field(r, j, "cases", &x.cases, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	cluster_actor a;
	actor_of(r, &a);
	x.enterprise_id = ent;
	x.updated_ms = a.now_ms;
	snprintf(x.by, sizeof x.by, "%s", a.name);
	rc = cluster_share_put(r->srv->app.w, &a, &x);
	if (rc)
		return store_error(r, rc, "share settings");
	return h_share_get(r, db);
}

/* ---- the audit log ---- */

static enum MHD_Result h_audit(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	if (http__query_enterprise(r, db, &ent, &ret))
		return ret;
	store_scope sc = r->scope;
	if (ent)
		sc.enterprise_id = ent;
	int64_t before = 0, limit = 100;
	const char *b = http__arg(r, "before"), *l = http__arg(r, "limit");
	char *end = NULL;
	if (b && *b) {
		before = strtoll(b, &end, 10);
		if (!end || *end || before < 0)
			return http__reply_error(r, 400, "bad_request", -1,
						 "parameter 'before' must be an entry id");
	}
	if (l && *l) {
		limit = strtoll(l, &end, 10);
		if (!end || *end || limit < 1 || limit > 1000)
			return http__reply_error(r, 400, "bad_request", -1,
						 "parameter 'limit' must be 1 to 1000");
	}
	store_auditlog *v = NULL;
	size_t n = 0;
	int rc = store_auditlog_list(db, sc, before, (size_t)limit, &v, &n);
	if (rc)
		return store_error(r, rc, "audit log");
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "items");
	for (size_t i = 0; i < n; i++) {
		cJSON *e = cJSON_CreateObject();
		store_enterprise en;
		cJSON_AddNumberToObject(e, "id", (double)v[i].id);
		cJSON_AddNumberToObject(e, "ts_ms", (double)v[i].ts_ms);
		cJSON_AddStringToObject(e, "enterprise",
					http__ent_code(r, v[i].enterprise_id, &en));
		cJSON_AddStringToObject(e, "actor", v[i].actor);
		cJSON_AddStringToObject(e, "role", v[i].role);
		cJSON_AddStringToObject(e, "action", v[i].action);
		cJSON_AddStringToObject(e, "target", v[i].target);
		cJSON_AddStringToObject(e, "before", v[i].before);
		cJSON_AddStringToObject(e, "after", v[i].after);
		cJSON_AddItemToArray(arr, e);
	}
	free(v);
	return http__reply_json(r, 200, o);
}

/* ---- statistics: the form ---- */

static cJSON *form_json(const stat_field *f, size_t n)
{
	buf b;
	buf_init(&b, 1 << 20);
	cJSON *arr = NULL;
	if (!cluster_form_json(f, n, &b))
		arr = cJSON_ParseWithLength(b.data, b.len);
	buf_free(&b);
	return arr ? arr : cJSON_CreateArray();
}

static enum MHD_Result h_form_get(http_req *r, store *db)
{
	enum MHD_Result ret;
	int32_t year;
	if (year_arg(r, &year, &ret))
		return ret;
	int64_t ver = 0;
	const char *v = http__arg(r, "version");
	if (v && *v) {
		char *end = NULL;
		ver = strtoll(v, &end, 10);
		if (!end || *end || ver < 1 || ver > 100000)
			return http__reply_error(r, 400, "bad_request", -1,
						 "parameter 'version' must be a version number");
	}
	store_stat_form raw;
	stat_field f[STAT_FIELDS_MAX];
	size_t n = 0;
	int rc = cluster_form_load(r->srv->app.w, db, year, (int32_t)ver, &raw, f, &n);
	if (rc == GLOVED_ENOTFOUND)
		return http__reply_error(r, 404, "not_found", -1, "no version %lld of the %d form",
					 (long long)ver, year);
	if (rc)
		return store_error(r, rc, "form");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "year", year);
	cJSON_AddNumberToObject(o, "version", raw.version);
	cJSON_AddStringToObject(o, "by", raw.by);
	cJSON_AddNumberToObject(o, "created_ms", (double)raw.created_ms);
	cJSON_AddItemToObject(o, "fields", form_json(f, n));
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_form_put(http_req *r, store *db)
{
	(void)db;
	enum MHD_Result ret;
	int32_t year;
	if (year_arg(r, &year, &ret))
		return ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(j, "fields");
	char *text = fields ? cJSON_PrintUnformatted(fields) : NULL;
	cJSON_Delete(j);
	if (!text)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'fields' must be the array of the form's fields");
	stat_field f[STAT_FIELDS_MAX];
	size_t n = 0;
	char msg[200];
	int rc = cluster_form_parse(text, strlen(text), f, &n, msg, sizeof msg);
	free(text);
	if (rc)
		return http__reply_error(r, 400, "bad_request", -1, "%s", msg);
	cluster_actor a;
	actor_of(r, &a);
	int32_t version = 0;
	if ((rc = cluster_form_put(r->srv->app.w, &a, year, f, n, &version)))
		return store_error(r, rc, "form");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "year", year);
	cJSON_AddNumberToObject(o, "version", version);
	cJSON_AddItemToObject(o, "fields", form_json(f, n));
	return http__reply_json(r, 201, o);
}

/* ---- statistics: a firm's report ---- */

static cJSON *report_json(http_req *r, const store_stat_report *x, const stat_field *f, size_t n)
{
	cJSON *o = cJSON_CreateObject();
	store_enterprise e;
	char m[8];
	month_str(x->month, m);
	cJSON_AddStringToObject(o, "enterprise", http__ent_code(r, x->enterprise_id, &e));
	cJSON_AddStringToObject(o, "month", m);
	cJSON_AddStringToObject(o, "status", x->status);
	cJSON_AddNumberToObject(o, "form_version", x->form_version);
	cJSON_AddStringToObject(o, "size_class", x->size_class);
	if (x->filed_ms)
		cJSON_AddNumberToObject(o, "filed_ms", (double)x->filed_ms);
	if (x->by[0])
		cJSON_AddStringToObject(o, "by", x->by);
	char d[11];
	tz_day_format(cluster_report_due(x->month), d);
	cJSON_AddStringToObject(o, "due", d);
	cJSON *fa = cJSON_AddArrayToObject(o, "fields");
	for (size_t k = 0; k < n; k++) {
		cJSON *fo = cJSON_CreateObject();
		cJSON_AddStringToObject(fo, "key", f[k].key);
		cJSON_AddStringToObject(fo, "name_zh", f[k].name_zh);
		cJSON_AddStringToObject(fo, "name_en", f[k].name_en);
		cJSON_AddStringToObject(fo, "unit", f[k].unit);
		cJSON_AddNumberToObject(fo, "decimals", f[k].decimals);
		cJSON_AddBoolToObject(fo, "required", f[k].required);
		cJSON_AddBoolToObject(fo, "measured", f[k].measure != MEASURE_NONE);
		const store_stat_value *v = NULL;
		for (size_t i = 0; i < x->n_values; i++)
			if (strcmp(x->values[i].key, f[k].key) == 0)
				v = &x->values[i];
		if (v) {
			char s[40];
			http__fixed_str(v->value, f[k].decimals, s, sizeof s);
			cJSON_AddStringToObject(fo, "value", s);
		} else {
			cJSON_AddNullToObject(fo, "value");
		}
		cJSON_AddItemToArray(fa, fo);
	}
	return o;
}

static int firm_month(http_req *r, store *db, const cJSON *j, int64_t *ent, int32_t *month,
		      enum MHD_Result *ret)
{
	char code[33], m[16];
	http__refresh(r, db);
	if (j) {
		if (http__field_text(r, j, "enterprise", 0, 1, code, sizeof code, ret) ||
		    http__field_text(r, j, "month", 1, 0, m, sizeof m, ret))
			return -1;
		if (http__month_parse(m, month)) {
			*ret = http__reply_error(
			    r, 400, "bad_request", -1,
			    "field 'month' must be a month YYYY-MM (2000 to 2099)");
			return -1;
		}
		return http__firm_arg(r, code, ent, ret);
	}
	if (month_arg(r, "month", month, ret))
		return -1;
	return http__firm_arg(r, http__arg(r, "enterprise"), ent, ret);
}

static enum MHD_Result h_report_get(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	int32_t month;
	if (firm_month(r, db, NULL, &ent, &month, &ret))
		return ret;
	store_stat_report *x = malloc(sizeof *x);
	stat_field f[STAT_FIELDS_MAX];
	size_t n = 0;
	if (!x)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	int rc = cluster_report_load(r->srv->app.w, db, r->scope, ent, month, x, f, &n);
	if (rc) {
		free(x);
		return store_error(r, rc, "report");
	}
	cJSON *o = report_json(r, x, f, n);
	free(x);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_report_put(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	int64_t ent;
	int32_t month;
	if (firm_month(r, db, j, &ent, &month, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	if (!http__can_manage(r, ent)) {
		cJSON_Delete(j);
		return http__reply_error(r, 403, "forbidden", -1,
					 "only the firm's admin files its statistics");
	}
	int file = 0;
	if (bool_field(r, j, "file", &file, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	/* the values, checked against the month's form */
	store_stat_form raw;
	stat_field f[STAT_FIELDS_MAX];
	size_t nf = 0;
	int rc = cluster_form_load(r->srv->app.w, db, month / 100, 0, &raw, f, &nf);
	store_stat_report *cur = malloc(sizeof *cur);
	if (!rc && cur)
		rc = cluster_report_load(r->srv->app.w, db, r->scope, ent, month, cur, f, &nf);
	if (rc || !cur) {
		free(cur);
		cJSON_Delete(j);
		return store_error(r, rc ? rc : GLOVED_ENOMEM, "report");
	}
	free(cur);
	const cJSON *vals = cJSON_GetObjectItemCaseSensitive(j, "values");
	store_stat_value given[STAT_VALUES_MAX];
	size_t ng = 0;
	if (vals && !cJSON_IsObject(vals)) {
		cJSON_Delete(j);
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'values' must be an object of key: value");
	}
	for (const cJSON *v = vals ? vals->child : NULL; v; v = v->next) {
		const stat_field *fd = NULL;
		for (size_t k = 0; k < nf; k++)
			if (strcmp(f[k].key, v->string) == 0)
				fd = &f[k];
		if (!fd) {
			ret = http__reply_error(r, 400, "bad_request", -1,
						"values.%.40s: the form has no such field",
						v->string);
			cJSON_Delete(j);
			return ret;
		}
		if (cJSON_IsNull(v))
			continue;
		char tmp[48];
		const char *s = NULL;
		if (cJSON_IsString(v))
			s = v->valuestring;
		else if (cJSON_IsNumber(v) && num_whole(v->valuedouble, 0, 999999999999999, NULL)) {
			snprintf(tmp, sizeof tmp, "%lld", (long long)v->valuedouble);
			s = tmp;
		}
		int64_t val;
		if (!s || http__parse_fixed(s, fd->decimals, 1000000000000000LL, &val)) {
			ret = http__reply_error(
			    r, 400, "bad_request", -1,
			    "values.%s: must be a number 0 or more with at most %d "
			    "decimals, as text (\"12.5\") or a whole number",
			    fd->key, fd->decimals);
			cJSON_Delete(j);
			return ret;
		}
		if (ng >= STAT_VALUES_MAX)
			break;
		snprintf(given[ng].key, sizeof given[ng].key, "%s", fd->key);
		given[ng].value = val;
		given[ng].measured = 0;
		ng++;
	}
	cJSON_Delete(j);
	cluster_actor a;
	actor_of(r, &a);
	store_stat_report *x = malloc(sizeof *x);
	if (!x)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	char msg[200];
	rc = cluster_report_save(r->srv->app.w, db, r->scope, &a, ent, month, given, ng, file, x,
				 msg, sizeof msg);
	if (rc == GLOVED_EINVAL || rc == GLOVED_EEXIST) {
		free(x);
		return http__reply_error(r, rc == GLOVED_EEXIST ? 409 : 400,
					 rc == GLOVED_EEXIST ? "conflict" : "bad_request", -1, "%s",
					 msg);
	}
	if (rc) {
		free(x);
		return store_error(r, rc, "report");
	}
	rc = cluster_report_load(r->srv->app.w, db, r->scope, ent, month, x, f, &nf);
	cJSON *o = rc ? cJSON_CreateObject() : report_json(r, x, f, nf);
	free(x);
	return http__reply_json(r, file ? 201 : 200, o);
}

/* ---- statistics: the bureau's overview ---- */

static cJSON *group_json(const cluster_group *g, const stat_field *f, size_t n)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", g->name);
	cJSON_AddNumberToObject(o, "firms_filed", (double)g->firms_filed);
	cJSON *v = cJSON_AddObjectToObject(o, "values");
	cJSON *mom = cJSON_AddObjectToObject(o, "mom_bp");
	cJSON *yoy = cJSON_AddObjectToObject(o, "yoy_bp");
	for (size_t k = 0; k < n; k++) {
		add_fixed(v, f[k].key, g->v[k], f[k].decimals);
		if (g->has_prev[k] && g->prev[k])
			cJSON_AddNumberToObject(
			    mom, f[k].key, (double)((g->v[k] - g->prev[k]) * 10000 / g->prev[k]));
		else
			cJSON_AddNullToObject(mom, f[k].key);
		if (g->has_yago[k] && g->yago[k])
			cJSON_AddNumberToObject(
			    yoy, f[k].key, (double)((g->v[k] - g->yago[k]) * 10000 / g->yago[k]));
		else
			cJSON_AddNullToObject(yoy, f[k].key);
	}
	return o;
}

static enum MHD_Result h_overview(http_req *r, store *db)
{
	enum MHD_Result ret;
	int32_t month;
	if (month_arg(r, "month", &month, &ret))
		return ret;
	http__refresh(r, db);
	cluster_overview *o = malloc(sizeof *o);
	if (!o)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	int rc = cluster_overview_get(r->srv->app.w, db, r->srv->app.reg, r->scope, month,
				      today_local(), o);
	if (rc) {
		free(o);
		return store_error(r, rc, "statistics");
	}
	cJSON *j = cJSON_CreateObject();
	char m[8], d[11];
	month_str(month, m);
	tz_day_format(o->due_day, d);
	cJSON_AddStringToObject(j, "month", m);
	cJSON_AddStringToObject(j, "due", d);
	cJSON_AddItemToObject(j, "fields", form_json(o->fields, o->n_fields));
	cJSON *c = cJSON_AddObjectToObject(j, "counts");
	cJSON_AddNumberToObject(c, "firms", (double)o->n_firms);
	cJSON_AddNumberToObject(c, "filed", (double)o->filed);
	cJSON_AddNumberToObject(c, "drafts", (double)o->drafts);
	cJSON_AddNumberToObject(c, "missing", (double)o->missing);
	cJSON_AddNumberToObject(c, "late", (double)o->late);
	cJSON *fa = cJSON_AddArrayToObject(j, "firms");
	for (size_t i = 0; i < o->n_firms; i++) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "code", o->firms[i].code);
		cJSON_AddStringToObject(f, "name", o->firms[i].name);
		cJSON_AddStringToObject(f, "town", o->firms[i].town);
		cJSON_AddStringToObject(f, "status", o->firms[i].status);
		cJSON_AddBoolToObject(f, "late", o->firms[i].late);
		cJSON_AddStringToObject(f, "size_class", o->firms[i].size_class);
		if (o->firms[i].filed_ms)
			cJSON_AddNumberToObject(f, "filed_ms", (double)o->firms[i].filed_ms);
		cJSON_AddItemToArray(fa, f);
	}
	cJSON_AddItemToObject(j, "total", group_json(&o->total, o->fields, o->n_fields));
	cJSON *ta = cJSON_AddArrayToObject(j, "towns");
	for (size_t i = 0; i < o->n_towns; i++)
		cJSON_AddItemToArray(ta, group_json(&o->towns[i], o->fields, o->n_fields));
	cJSON *sa = cJSON_AddArrayToObject(j, "size_classes");
	for (size_t i = 0; i < 4; i++)
		cJSON_AddItemToArray(sa, group_json(&o->sizes[i], o->fields, o->n_fields));
	cluster_overview_free(o);
	free(o);
	return http__reply_json(r, 200, j);
}

/* The county's table of a month: a row per firm that filed, the totals
 * by town and size class after, the county's total last. */
static enum MHD_Result h_stats_export(http_req *r, store *db)
{
	enum MHD_Result ret;
	int32_t month;
	int csv;
	if (month_arg(r, "month", &month, &ret) || fmt_arg(r, &csv, &ret))
		return ret;
	int en = lang_en(r);
	http__refresh(r, db);
	cluster_overview *o = malloc(sizeof *o);
	if (!o)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	int rc = cluster_overview_get(r->srv->app.w, db, r->srv->app.reg, r->scope, month,
				      today_local(), o);
	if (rc) {
		free(o);
		return store_error(r, rc, "statistics");
	}
	store_stat_report *rs = NULL;
	size_t nr = 0;
	rc = store_stat_report_list(db, r->scope, month, month, &rs, &nr);
	size_t ncol = 5 + o->n_fields;
	table_col *cols = calloc(ncol, sizeof *cols);
	table_cell *cells = calloc(ncol, sizeof *cells);
	char(*texts)[48] = calloc(ncol, sizeof *texts);
	table *t = NULL;
	if (!rc && (!cols || !cells || !texts))
		rc = GLOVED_ENOMEM;
	if (!rc) {
		cols[0] = (table_col){"企业代码", "Firm", NULL, NULL, TABLE_TEXT};
		cols[1] = (table_col){"企业名称", "Name", NULL, NULL, TABLE_TEXT};
		cols[2] = (table_col){"乡镇", "Town", NULL, NULL, TABLE_TEXT};
		cols[3] = (table_col){"规模", "Size class", NULL, NULL, TABLE_TEXT};
		cols[4] = (table_col){"状态", "Status", NULL, NULL, TABLE_TEXT};
		for (size_t k = 0; k < o->n_fields; k++)
			cols[5 + k] = (table_col){o->fields[k].name_zh, o->fields[k].name_en,
						  o->fields[k].unit[0] ? o->fields[k].unit : NULL,
						  o->fields[k].unit[0] ? o->fields[k].unit : NULL,
						  TABLE_TEXT};
		rc = table_new(cols, ncol, &t);
	}
	for (size_t i = 0; !rc && i < o->n_firms; i++) {
		const cluster_firm_status *fs = &o->firms[i];
		const store_stat_report *x = NULL;
		for (size_t k = 0; k < nr; k++)
			if (rs[k].enterprise_id == fs->enterprise_id)
				x = &rs[k];
		memset(cells, 0, ncol * sizeof *cells);
		cells[0].s = fs->code;
		cells[1].s = fs->name;
		cells[2].s = fs->town;
		cells[3].s = fs->size_class;
		cells[4].s = fs->status;
		for (size_t k = 0; k < o->n_fields; k++) {
			cells[5 + k].null = 1;
			for (size_t v = 0; x && !strcmp(x->status, "filed") && v < x->n_values; v++)
				if (!strcmp(x->values[v].key, o->fields[k].key)) {
					http__fixed_str(x->values[v].value, o->fields[k].decimals,
							texts[5 + k], sizeof texts[5 + k]);
					cells[5 + k].null = 0;
					cells[5 + k].s = texts[5 + k];
				}
		}
		rc = table_add_row(t, cells);
	}
	/* the groups */
	const cluster_group *groups[OVERVIEW_GROUPS_MAX + 4];
	size_t ng = 0;
	for (size_t i = 0; i < o->n_towns; i++)
		groups[ng++] = &o->towns[i];
	for (size_t i = 0; i < 4; i++)
		groups[ng++] = &o->sizes[i];
	for (size_t g = 0; !rc && g < ng; g++) {
		memset(cells, 0, ncol * sizeof *cells);
		cells[0].s = g < o->n_towns ? (en ? "Town total" : "乡镇合计")
					    : (en ? "Size class total" : "规模合计");
		cells[1].s = "";
		cells[2].s = g < o->n_towns ? groups[g]->name : "";
		cells[3].s = g < o->n_towns ? "" : groups[g]->name;
		snprintf(texts[4], sizeof texts[4], "%lld", (long long)groups[g]->firms_filed);
		cells[4].s = texts[4];
		for (size_t k = 0; k < o->n_fields; k++) {
			http__fixed_str(groups[g]->v[k], o->fields[k].decimals, texts[5 + k],
					sizeof texts[5 + k]);
			cells[5 + k].s = texts[5 + k];
		}
		rc = table_add_row(t, cells);
	}
	if (!rc) {
		memset(cells, 0, ncol * sizeof *cells);
		cells[0].s = en ? "County total" : "全县合计";
		snprintf(texts[4], sizeof texts[4], "%lld", (long long)o->total.firms_filed);
		cells[4].s = texts[4];
		for (size_t k = 0; k < o->n_fields; k++) {
			http__fixed_str(o->total.v[k], o->fields[k].decimals, texts[5 + k],
					sizeof texts[5 + k]);
			cells[5 + k].s = texts[5 + k];
		}
		rc = table_set_total(t, cells);
	}
	free(rs);
	free(cells);
	free(texts);
	if (rc) {
		table_free(t);
		ret = store_error(r, rc, "statistics");
	} else {
		char m[8], fname[48];
		month_str(month, m);
		snprintf(fname, sizeof fname, "gloved-statistics-%s", m);
		/* the table points at the columns' names: free them after */
		ret = http__reply_table(r, t, csv, en, fname, en ? "Statistics" : "统计月报");
	}
	free(cols);
	cluster_overview_free(o);
	free(o);
	return ret;
}

/* ---- the plan ---- */

static cJSON *row_json(const plan_row *row, int decimals)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "year", row->year);
	if (row->has_target)
		add_fixed(o, "target", row->target, decimals);
	else
		cJSON_AddNullToObject(o, "target");
	if (row->has_actual)
		add_fixed(o, "actual", row->actual, decimals);
	else
		cJSON_AddNullToObject(o, "actual");
	if (row->has_target) {
		cJSON_AddStringToObject(o, "status", cluster_plan_status_name(row->eval.status));
		add_fixed(o, "expected", row->eval.expected, decimals);
		cJSON_AddNumberToObject(o, "progress_bp", (double)row->eval.progress_bp);
	}
	return o;
}

static cJSON *review_json(const plan_review *pr, int headline_only)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "title", pr->doc.title);
	cJSON_AddNumberToObject(o, "version", pr->version);
	cJSON_AddNumberToObject(o, "year0", pr->doc.year0);
	cJSON_AddNumberToObject(o, "year1", pr->doc.year1);
	cJSON_AddNumberToObject(o, "year", pr->year);
	cJSON_AddNumberToObject(o, "elapsed_bp", (double)pr->elapsed_bp);
	cJSON_AddNumberToObject(o, "off_track", (double)pr->off_track);
	cJSON *arr = cJSON_AddArrayToObject(o, "indicators");
	for (size_t i = 0; i < pr->n; i++) {
		const plan_review_item *it = &pr->items[i];
		const plan_indicator *x = it->ind;
		if (headline_only && !x->headline)
			continue;
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "key", x->key);
		cJSON_AddStringToObject(e, "name_zh", x->name_zh);
		cJSON_AddStringToObject(e, "name_en", x->name_en);
		cJSON_AddStringToObject(e, "unit", x->unit);
		cJSON_AddNumberToObject(e, "decimals", x->decimals);
		cJSON_AddBoolToObject(e, "flow", x->flow);
		cJSON_AddBoolToObject(e, "down", x->down);
		cJSON_AddBoolToObject(e, "headline", x->headline);
		cJSON_AddStringToObject(e, "source", x->source);
		cJSON_AddStringToObject(e, "metric", x->metric);
		cJSON_AddItemToObject(e, "now", row_json(&it->now, x->decimals));
		if (!headline_only) {
			cJSON *rows = cJSON_AddArrayToObject(e, "years");
			for (size_t k = 0; k < it->n_rows; k++)
				cJSON_AddItemToArray(rows, row_json(&it->rows[k], x->decimals));
		}
		cJSON_AddItemToArray(arr, e);
	}
	return o;
}

static enum MHD_Result h_plan_get(http_req *r, store *db)
{
	http__refresh(r, db);
	plan_review *pr = malloc(sizeof *pr);
	if (!pr)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	cluster_world wd = world_of(r);
	int rc = cluster_plan_review(db, &wd, pr);
	if (rc == GLOVED_ENOTFOUND) {
		free(pr);
		return http__reply_error(r, 404, "not_found", -1,
					 "no plan yet: the bureau enters it (PUT /api/v1/plan)");
	}
	if (rc) {
		free(pr);
		return store_error(r, rc, "plan");
	}
	cJSON *o = review_json(pr, 0);
	store_plan *p = malloc(sizeof *p);
	if (p && !store_plan_get(db, 0, p)) {
		cJSON *body = cJSON_Parse(p->body);
		if (body)
			cJSON_AddItemToObject(o, "body", body);
		cJSON_AddStringToObject(o, "by", p->by);
		cJSON_AddNumberToObject(o, "created_ms", (double)p->created_ms);
	}
	free(p);
	free(pr);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_plan_put(http_req *r, store *db)
{
	(void)db;
	if (!r->body.len)
		return http__reply_error(r, 400, "bad_request", -1,
					 "the body must be a plan object");
	cluster_actor a;
	actor_of(r, &a);
	int32_t version = 0;
	char msg[200] = "";
	int rc = cluster_plan_put(r->srv->app.w, &a, r->body.data, r->body.len, &version, msg,
				  sizeof msg);
	if (rc == GLOVED_EINVAL || rc == GLOVED_ETOOBIG)
		return http__reply_error(r, rc == GLOVED_EINVAL ? 400 : 413,
					 rc == GLOVED_EINVAL ? "bad_request" : "too_large", -1,
					 "%s", msg);
	if (rc)
		return store_error(r, rc, "plan");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "version", version);
	return http__reply_json(r, 201, o);
}

static enum MHD_Result h_plan_actual(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	store_plan_actual x = {.year = 0};
	int64_t year = 0, value = 0;
	if (http__field_text(r, j, "indicator", 1, 1, x.indicator, sizeof x.indicator, &ret) ||
	    http__field_int(r, j, "year", 2000, 2099, -1, &year, &ret) ||
	    http__field_int(r, j, "value", -1000000000000000LL, 1000000000000000LL, 0, &value,
			    &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (year < 2000)
		return http__reply_error(r, 400, "bad_request", -1, "field 'year' is missing");
	store_plan *p = malloc(sizeof *p);
	plan_doc *doc = malloc(sizeof *doc);
	char msg[160];
	int rc = p && doc ? store_plan_get(db, 0, p) : GLOVED_ENOMEM;
	int known = 0;
	if (!rc && !cluster_plan_parse(p->body, strlen(p->body), doc, msg, sizeof msg))
		for (size_t i = 0; i < doc->n; i++)
			known |= strcmp(doc->ind[i].key, x.indicator) == 0;
	free(p);
	free(doc);
	if (rc == GLOVED_ENOTFOUND)
		return http__reply_error(r, 404, "not_found", -1, "no plan yet");
	if (rc)
		return store_error(r, rc, "plan");
	if (!known)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'indicator': the plan has no indicator '%s'",
					 x.indicator);
	cluster_actor a;
	actor_of(r, &a);
	x.year = (int32_t)year;
	x.value = value;
	x.updated_ms = a.now_ms;
	snprintf(x.by, sizeof x.by, "%s", a.name);
	if ((rc = cluster_plan_actual_put(r->srv->app.w, &a, &x)))
		return store_error(r, rc, "actual");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "indicator", x.indicator);
	cJSON_AddNumberToObject(o, "year", x.year);
	cJSON_AddNumberToObject(o, "value", (double)x.value);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_plan_export(http_req *r, store *db)
{
	enum MHD_Result ret;
	int csv;
	if (fmt_arg(r, &csv, &ret))
		return ret;
	int en = lang_en(r);
	http__refresh(r, db);
	plan_review *pr = malloc(sizeof *pr);
	if (!pr)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	cluster_world wd = world_of(r);
	int rc = cluster_plan_review(db, &wd, pr);
	if (rc) {
		free(pr);
		return store_error(r, rc, "plan");
	}
	static const table_col cols[] = {
	    {"指标", "Indicator", NULL, NULL, TABLE_TEXT},
	    {"单位", "Unit", NULL, NULL, TABLE_TEXT},
	    {"来源", "Source", NULL, NULL, TABLE_TEXT},
	    {"年份", "Year", NULL, NULL, TABLE_INT},
	    {"目标", "Target", NULL, NULL, TABLE_TEXT},
	    {"实际", "Actual", NULL, NULL, TABLE_TEXT},
	    {"应达", "Expected", NULL, NULL, TABLE_TEXT},
	    {"完成度", "Progress", NULL, NULL, TABLE_BP},
	    {"状态", "Status", NULL, NULL, TABLE_TEXT},
	};
	table *t = NULL;
	rc = table_new(cols, sizeof cols / sizeof cols[0], &t);
	static const char *const status_zh[] = {"无数据", "已完成", "正常", "滞后"};
	for (size_t i = 0; !rc && i < pr->n; i++) {
		const plan_review_item *it = &pr->items[i];
		for (size_t k = 0; !rc && k < it->n_rows; k++) {
			const plan_row *row = &it->rows[k];
			char tg[40] = "", ac[40] = "", ex[40] = "";
			if (row->has_target) {
				http__fixed_str(row->target, it->ind->decimals, tg, sizeof tg);
				http__fixed_str(row->eval.expected, it->ind->decimals, ex,
						sizeof ex);
			}
			if (row->has_actual)
				http__fixed_str(row->actual, it->ind->decimals, ac, sizeof ac);
			table_cell c[9] = {{.s = en ? it->ind->name_en : it->ind->name_zh},
					   {.s = it->ind->unit},
					   {.s = it->ind->source},
					   {.i = row->year},
					   {.s = tg, .null = !row->has_target},
					   {.s = ac, .null = !row->has_actual},
					   {.s = ex, .null = !row->has_target},
					   {.i = row->eval.progress_bp,
					    .null = !row->has_target || !row->has_actual},
					   {.s = !row->has_target ? ""
						 : en ? cluster_plan_status_name(row->eval.status)
						      : status_zh[row->eval.status]}};
			rc = table_add_row(t, c);
		}
	}
	free(pr);
	if (rc) {
		table_free(t);
		return store_error(r, rc, "plan");
	}
	return http__reply_table(r, t, csv, en, "gloved-plan-review",
				 en ? "Plan review" : "规划评估");
}

/* ---- the cockpit ---- */

static cJSON *town_json(const cockpit_town *t)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "town", t->town);
	cJSON_AddNumberToObject(o, "firms", (double)t->firms);
	cJSON_AddNumberToObject(o, "firms_online", (double)t->firms_online);
	cJSON_AddNumberToObject(o, "machines", (double)t->machines);
	cJSON_AddNumberToObject(o, "machines_online", (double)t->machines_online);
	cJSON_AddNumberToObject(o, "machines_running", (double)t->machines_running);
	cJSON_AddNumberToObject(o, "good_today", (double)t->good_today);
	cJSON_AddNumberToObject(o, "pairs_today", (double)(t->good_today / 2));
	cJSON_AddNumberToObject(o, "good_yesterday", (double)t->good_yesterday);
	cJSON_AddNumberToObject(o, "pairs_yesterday", (double)(t->good_yesterday / 2));
	if (t->oee_bp >= 0)
		cJSON_AddNumberToObject(o, "oee_bp", (double)t->oee_bp);
	else
		cJSON_AddNullToObject(o, "oee_bp");
	return o;
}

static cJSON *cockpit_json(http_server *srv, store *db, store_scope sc, int *err)
{
	cockpit *c = malloc(sizeof *c);
	if (!c) {
		*err = GLOVED_ENOMEM;
		return NULL;
	}
	cluster_world wd = {.reg = srv->app.reg,
			    .lv = srv->app.lv,
			    .cals = writer_cals(srv->app.w),
			    .now_ms = ltime_now_ms(),
			    .today = today_local()};
	registry_refresh(srv->app.reg, db, 0);
	int rc = cluster_cockpit(db, sc, &wd, c);
	if (rc) {
		free(c);
		*err = rc;
		return NULL;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "now_ms", (double)c->now_ms);
	cJSON_AddStringToObject(o, "town", sc.town);
	cJSON_AddItemToObject(o, "total", town_json(&c->total));
	cJSON *ta = cJSON_AddArrayToObject(o, "towns");
	for (size_t i = 0; i < c->n_towns; i++)
		cJSON_AddItemToArray(ta, town_json(&c->towns[i]));
	cJSON *b = cJSON_AddObjectToObject(o, "brand");
	cJSON_AddNumberToObject(b, "licensed_firms", (double)c->licensed_firms);
	cJSON_AddNumberToObject(b, "labels_issued", (double)c->labels_issued);
	cJSON_AddNumberToObject(b, "label_scans", (double)c->label_scans);
	cJSON_AddNumberToObject(b, "labels_issued_today", (double)c->labels_issued_today);
	cJSON_AddNumberToObject(b, "label_scans_today", (double)c->label_scans_today);
	cJSON *co = cJSON_AddObjectToObject(o, "cooperation");
	cJSON_AddNumberToObject(co, "open_orders", (double)c->coop_orders);
	cJSON_AddNumberToObject(co, "open_pairs", (double)c->coop_pairs);
	if (c->plan.n)
		cJSON_AddItemToObject(o, "plan", review_json(&c->plan, 1));
	else
		cJSON_AddNullToObject(o, "plan");
	free(c);
	return o;
}

static enum MHD_Result h_cockpit(http_req *r, store *db)
{
	int rc = 0;
	cJSON *o = cockpit_json(r->srv, db, r->scope, &rc);
	if (!o)
		return store_error(r, rc, "cockpit");
	return http__reply_json(r, 200, o);
}

/* The live cockpit: the figures again when machines change (at most every
 * 2 s) or every 10 s, sent only when they differ. */
typedef struct cockpit_feed {
	http_server *srv;
	store_scope scope;
	buf out;
	size_t off;
	char *last;
	int64_t last_calc_ms, last_write_ms;
	int started;
} cockpit_feed;

static int feed_collect(cockpit_feed *c)
{
	store *db = http__db_get(c->srv);
	if (!db)
		return GLOVED_EIO;
	int rc = 0;
	cJSON *o = cockpit_json(c->srv, db, c->scope, &rc);
	http__db_put(c->srv, db);
	if (!o)
		return rc;
	/* now_ms changes every time: compare without it */
	cJSON_DeleteItemFromObject(o, "now_ms");
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!text)
		return GLOVED_ENOMEM;
	if (c->last && strcmp(c->last, text) == 0) {
		free(text);
		return 0;
	}
	rc = buf_printf(&c->out, "event: cockpit\ndata: %s\n\n", text);
	free(c->last);
	c->last = text;
	return rc;
}

static ssize_t feed_reader(void *cls, uint64_t pos, char *dst, size_t max)
{
	(void)pos;
	cockpit_feed *c = cls;
	live *lv = c->srv->app.lv;
	while (c->off >= c->out.len) {
		buf_reset(&c->out);
		c->off = 0;
		if (live_is_shutdown(lv))
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (!c->started) {
			c->started = 1;
			if (buf_puts(&c->out, "retry: 3000\n\n") || feed_collect(c))
				return MHD_CONTENT_READER_END_WITH_ERROR;
			c->last_calc_ms = ltime_mono_ms();
		} else {
			uint64_t before = live_version(lv);
			live_wait(lv, before, 2000);
			if (live_is_shutdown(lv))
				return MHD_CONTENT_READER_END_OF_STREAM;
			int64_t now = ltime_mono_ms();
			int changed = live_version(lv) != before;
			if ((changed && now - c->last_calc_ms >= 2000) ||
			    now - c->last_calc_ms >= 10000) {
				if (feed_collect(c))
					return MHD_CONTENT_READER_END_WITH_ERROR;
				c->last_calc_ms = now;
			}
		}
		int64_t now = ltime_mono_ms();
		if (c->out.len == 0 && now - c->last_write_ms >= 15000)
			buf_puts(&c->out, ": keep-alive\n\n");
		if (c->out.len)
			c->last_write_ms = now;
	}
	size_t n = c->out.len - c->off;
	if (n > max)
		n = max;
	memcpy(dst, c->out.data + c->off, n);
	c->off += n;
	return (ssize_t)n;
}

static void feed_release(void *cls)
{
	cockpit_feed *c = cls;
	buf_free(&c->out);
	free(c->last);
	free(c);
}

static enum MHD_Result h_cockpit_events(http_req *r, store *db)
{
	(void)db;
	cockpit_feed *c = calloc(1, sizeof *c);
	if (!c)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	c->srv = r->srv;
	c->scope = r->scope;
	buf_init(&c->out, 4 << 20);
	c->last_write_ms = ltime_mono_ms();
	struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384,
								      feed_reader, c, feed_release);
	if (!resp) {
		feed_release(c);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	enum MHD_Result ret = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	r->done = 1;
	return ret;
}

/* ---- the programme ---- */

static cJSON *prog_json(const store_prog_item *x)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)x->id);
	cJSON_AddStringToObject(o, "kind", x->kind);
	cJSON_AddStringToObject(o, "line", x->line);
	cJSON_AddNumberToObject(o, "year", x->year);
	cJSON_AddStringToObject(o, "title", x->title);
	cJSON *b = cJSON_Parse(x->body);
	cJSON_AddItemToObject(o, "body", b ? b : cJSON_CreateObject());
	cJSON_AddNumberToObject(o, "updated_ms", (double)x->updated_ms);
	cJSON_AddStringToObject(o, "by", x->by);
	return o;
}

static enum MHD_Result h_prog_list(http_req *r, store *db)
{
	const char *kind = http__arg(r, "kind");
	if (kind && *kind && strcmp(kind, "project") && strcmp(kind, "event") &&
	    strcmp(kind, "case"))
		return http__reply_error(r, 400, "bad_request", -1,
					 "parameter 'kind' must be project, event or case");
	store_prog_item *v = NULL;
	size_t n = 0;
	int rc = store_prog_list(db, kind ? kind : "", &v, &n);
	if (rc)
		return store_error(r, rc, "programme");
	cJSON *o = cJSON_CreateObject();
	cJSON *lines = cJSON_AddArrayToObject(o, "lines");
	for (size_t i = 0; i < 6; i++)
		cJSON_AddItemToArray(lines, cJSON_CreateString(cluster_lines[i]));
	cJSON *arr = cJSON_AddArrayToObject(o, "items");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, prog_json(&v[i]));
	free(v);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_prog_put(http_req *r, store *db)
{
	(void)db;
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	store_prog_item *x = calloc(1, sizeof *x);
	if (!x) {
		cJSON_Delete(j);
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	}
	int64_t id = 0, year = 0;
	if (http__field_int(r, j, "id", 0, INT64_MAX, 0, &id, &ret) ||
	    http__field_text(r, j, "kind", 1, 0, x->kind, sizeof x->kind, &ret) ||
	    http__field_text(r, j, "line", 1, 0, x->line, sizeof x->line, &ret) ||
	    http__field_int(r, j, "year", 2000, 2099, 0, &year, &ret) ||
	    http__field_text(r, j, "title", 1, 0, x->title, sizeof x->title, &ret)) {
		free(x);
		cJSON_Delete(j);
		return ret;
	}
	const cJSON *body = cJSON_GetObjectItemCaseSensitive(j, "body");
	char *bt = body ? cJSON_PrintUnformatted(body) : NULL;
	cJSON_Delete(j);
	if (bt && strlen(bt) >= sizeof x->body) {
		free(bt);
		free(x);
		return http__reply_error(r, 413, "too_large", -1, "field 'body' is over %zu bytes",
					 sizeof x->body - 1);
	}
	snprintf(x->body, sizeof x->body, "%s", bt ? bt : "{}");
	free(bt);
	x->id = id;
	x->year = (int32_t)year;
	char msg[160];
	if (cluster_prog_check(x, msg, sizeof msg)) {
		free(x);
		return http__reply_error(r, 400, "bad_request", -1, "%s", msg);
	}
	cluster_actor a;
	actor_of(r, &a);
	x->updated_ms = a.now_ms;
	snprintf(x->by, sizeof x->by, "%s", a.name);
	int rc = cluster_prog_put(r->srv->app.w, &a, x);
	if (rc) {
		free(x);
		return store_error(r, rc, "programme item");
	}
	cJSON *o = prog_json(x);
	free(x);
	return http__reply_json(r, id ? 200 : 201, o);
}

/* ---- talent ---- */

static cJSON *course_json(const store_course *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)c->id);
	cJSON_AddStringToObject(o, "code", c->code);
	cJSON_AddStringToObject(o, "name_zh", c->name_zh);
	cJSON_AddStringToObject(o, "name_en", c->name_en);
	cJSON_AddStringToObject(o, "category", c->category);
	cJSON_AddStringToObject(o, "operation", c->operation);
	cJSON_AddNumberToObject(o, "hours", c->hours);
	return o;
}

static enum MHD_Result h_courses(http_req *r, store *db)
{
	store_course *v = NULL;
	size_t n = 0;
	int rc = store_course_list(db, &v, &n);
	if (rc)
		return store_error(r, rc, "courses");
	store_course_session *ss = NULL;
	size_t ns = 0;
	if ((rc = store_course_session_list(db, 0, &ss, &ns))) {
		free(v);
		return store_error(r, rc, "sessions");
	}
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "items");
	for (size_t i = 0; i < n; i++) {
		cJSON *c = course_json(&v[i]);
		cJSON *sa = cJSON_AddArrayToObject(c, "sessions");
		for (size_t k = 0; k < ns; k++) {
			if (ss[k].course_id != v[i].id)
				continue;
			cJSON *s = cJSON_CreateObject();
			char d0[11], d1[11];
			tz_day_format(ss[k].day0, d0);
			tz_day_format(ss[k].day1, d1);
			cJSON_AddNumberToObject(s, "id", (double)ss[k].id);
			cJSON_AddStringToObject(s, "from", d0);
			cJSON_AddStringToObject(s, "to", d1);
			cJSON_AddStringToObject(s, "trainer", ss[k].trainer);
			cJSON_AddStringToObject(s, "place", ss[k].place);
			cJSON_AddNumberToObject(s, "capacity", ss[k].capacity);
			cJSON_AddNumberToObject(s, "enrolled", ss[k].enrolled);
			cJSON_AddItemToArray(sa, s);
		}
		cJSON_AddItemToArray(arr, c);
	}
	free(v);
	free(ss);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_course_add(http_req *r, store *db)
{
	(void)db;
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	store_course c = {.id = 0};
	int64_t hours = 0;
	if (http__field_text(r, j, "code", 1, 1, c.code, sizeof c.code, &ret) ||
	    http__field_text(r, j, "name_zh", 1, 0, c.name_zh, sizeof c.name_zh, &ret) ||
	    http__field_text(r, j, "name_en", 0, 0, c.name_en, sizeof c.name_en, &ret) ||
	    http__field_text(r, j, "category", 1, 0, c.category, sizeof c.category, &ret) ||
	    http__field_text(r, j, "operation", 0, 1, c.operation, sizeof c.operation, &ret) ||
	    http__field_int(r, j, "hours", 1, 10000, 8, &hours, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (!http__one_of(c.category, talent_categories, 4))
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'category' must be sewing, maintenance, quality or "
					 "ecommerce");
	c.hours = (int32_t)hours;
	cluster_actor a;
	actor_of(r, &a);
	int rc = talent_course_add(r->srv->app.w, &a, &c);
	if (rc)
		return http__reply_status(r, rc, "course", c.code);
	return http__reply_json(r, 201, course_json(&c));
}

static int day_text(http_req *r, const cJSON *j, const char *key, int32_t *out,
		    enum MHD_Result *ret)
{
	char t[16];
	if (http__field_text(r, j, key, 1, 0, t, sizeof t, ret))
		return -1;
	if (tz_day_parse(t, out)) {
		*ret = http__reply_error(r, 400, "bad_request", -1,
					 "field '%s' must be a date YYYY-MM-DD", key);
		return -1;
	}
	return 0;
}

static enum MHD_Result h_session_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	store_course_session x = {.id = 0};
	char course[33];
	int64_t cap = 0;
	if (http__field_text(r, j, "course", 1, 1, course, sizeof course, &ret) ||
	    day_text(r, j, "from", &x.day0, &ret) || day_text(r, j, "to", &x.day1, &ret) ||
	    http__field_text(r, j, "trainer", 1, 0, x.trainer, sizeof x.trainer, &ret) ||
	    http__field_text(r, j, "place", 0, 0, x.place, sizeof x.place, &ret) ||
	    http__field_int(r, j, "capacity", 1, 10000, 30, &cap, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (x.day1 < x.day0)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'to' must not be before 'from'");
	store_course c;
	int rc = store_course_get(db, 0, course, &c);
	if (rc == GLOVED_ENOTFOUND)
		return http__reply_error(r, 404, "not_found", -1, "no course '%s'", course);
	if (rc)
		return store_error(r, rc, "course");
	x.course_id = c.id;
	x.capacity = (int32_t)cap;
	cluster_actor a;
	actor_of(r, &a);
	if ((rc = talent_session_add(r->srv->app.w, &a, &x)))
		return http__reply_status(r, rc, "session", NULL);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)x.id);
	cJSON_AddStringToObject(o, "course", c.code);
	cJSON_AddNumberToObject(o, "capacity", x.capacity);
	return http__reply_json(r, 201, o);
}

static cJSON *enrol_json(http_req *r, const store_enrolment *e)
{
	cJSON *o = cJSON_CreateObject();
	store_enterprise en;
	cJSON_AddNumberToObject(o, "session", (double)e->session_id);
	cJSON_AddStringToObject(o, "enterprise", http__ent_code(r, e->enterprise_id, &en));
	cJSON_AddStringToObject(o, "worker", e->worker);
	cJSON_AddStringToObject(o, "worker_name", e->worker_name);
	cJSON_AddNumberToObject(o, "attended_hours", e->attended_hours);
	if (e->score >= 0)
		cJSON_AddNumberToObject(o, "score", e->score);
	else
		cJSON_AddNullToObject(o, "score");
	cJSON_AddBoolToObject(o, "passed", e->passed);
	cJSON_AddStringToObject(o, "certificate", e->cert_serial);
	return o;
}

static enum MHD_Result h_enrolments(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	if (http__query_enterprise(r, db, &ent, &ret))
		return ret;
	int64_t ses = 0;
	const char *s = http__arg(r, "session");
	if (s && *s) {
		char *end = NULL;
		ses = strtoll(s, &end, 10);
		if (!end || *end || ses < 1)
			return http__reply_error(r, 400, "bad_request", -1,
						 "parameter 'session' must be a session id");
	}
	store_scope sc = r->scope;
	if (ent)
		sc.enterprise_id = ent;
	store_enrolment *v = NULL;
	size_t n = 0;
	int rc = store_enrolment_list(db, sc, ses, &v, &n);
	if (rc)
		return store_error(r, rc, "enrolments");
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "items");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, enrol_json(r, &v[i]));
	free(v);
	return http__reply_json(r, 200, o);
}

/* The worker of a firm's list (the name for the certificate). */
static int firm_worker(store *db, int64_t ent, const char *code, store_worker *out)
{
	store_scope one = {.enterprise_id = ent};
	store_worker *v = NULL;
	size_t n = 0;
	int rc = store_worker_list(db, one, ent, &v, &n);
	if (rc)
		return rc;
	rc = GLOVED_ENOTFOUND;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].code, code) == 0) {
			*out = v[i];
			rc = 0;
		}
	free(v);
	return rc;
}

static enum MHD_Result h_enrol(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	store_enrolment e = {.score = -1};
	char code[33];
	int64_t ses = 0, ent;
	http__refresh(r, db);
	if (http__field_int(r, j, "session", 1, INT64_MAX, 0, &ses, &ret) ||
	    http__field_text(r, j, "enterprise", 0, 1, code, sizeof code, &ret) ||
	    http__field_text(r, j, "worker", 1, 1, e.worker, sizeof e.worker, &ret) ||
	    http__firm_arg(r, code, &ent, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (r->role != ROLE_ASSOCIATION && r->role != ROLE_SUPERVISOR && !http__can_manage(r, ent))
		return http__reply_error(r, 403, "forbidden", -1,
					 "a firm's admins and supervisors enrol its workers");
	if (r->role == ROLE_SUPERVISOR && r->user.enterprise_id != ent)
		return http__reply_error(r, 404, "not_found", -1, "no enterprise '%s'", code);
	/* the firm's own store read: the association names a worker the firm
	 * sent, it does not browse the firm's list */
	store_worker w;
	int rc = firm_worker(db, ent, e.worker, &w);
	if (rc == GLOVED_ENOTFOUND)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'worker': '%s' is not a worker of the firm",
					 e.worker);
	if (rc)
		return store_error(r, rc, "worker");
	snprintf(e.worker_name, sizeof e.worker_name, "%s", w.name);
	e.session_id = ses;
	e.enterprise_id = ent;
	cluster_actor a;
	actor_of(r, &a);
	store_scope sc = {.enterprise_id = ent};
	rc = talent_enrol(r->srv->app.w, &a, sc, &e);
	if (rc == GLOVED_EBUSY)
		return http__reply_error(r, 409, "full", -1, "session %lld is full",
					 (long long)ses);
	if (rc == GLOVED_EEXIST)
		return http__reply_error(r, 409, "conflict", -1, "%s is enrolled already",
					 e.worker);
	if (rc == GLOVED_ENOTFOUND)
		return http__reply_error(r, 404, "not_found", -1, "no session %lld",
					 (long long)ses);
	if (rc)
		return store_error(r, rc, "enrolment");
	return http__reply_json(r, 201, enrol_json(r, &e));
}

static cJSON *cert_json(http_req *r, store *db, const store_cert *c)
{
	cJSON *o = cJSON_CreateObject();
	store_enterprise en;
	char d[11];
	tz_day_format(c->day, d);
	cJSON_AddStringToObject(o, "serial", c->serial);
	cJSON_AddStringToObject(o, "enterprise", http__ent_code(r, c->enterprise_id, &en));
	cJSON_AddStringToObject(o, "worker", c->worker);
	cJSON_AddStringToObject(o, "worker_name", c->worker_name);
	store_course co;
	if (!store_course_get(db, c->course_id, NULL, &co)) {
		cJSON_AddStringToObject(o, "course", co.code);
		cJSON_AddStringToObject(o, "course_zh", co.name_zh);
		cJSON_AddStringToObject(o, "course_en", co.name_en);
	}
	cJSON_AddStringToObject(o, "operation", c->operation);
	cJSON_AddNumberToObject(o, "level", c->level);
	cJSON_AddStringToObject(o, "day", d);
	return o;
}

static enum MHD_Result h_assess(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	talent_assess_req q = {.level = 1};
	char code[33], day[16] = "";
	int64_t ses = 0, hours = 0, score = 0, level = 1;
	http__refresh(r, db);
	if (http__field_int(r, j, "session", 1, INT64_MAX, 0, &ses, &ret) ||
	    http__field_text(r, j, "enterprise", 1, 1, code, sizeof code, &ret) ||
	    http__field_text(r, j, "worker", 1, 1, q.worker, sizeof q.worker, &ret) ||
	    http__field_int(r, j, "attended_hours", 0, 10000, 0, &hours, &ret) ||
	    http__field_int(r, j, "score", 0, 100, -1, &score, &ret) ||
	    http__field_int(r, j, "level", 1, 5, 1, &level, &ret) ||
	    http__field_text(r, j, "day", 0, 0, day, sizeof day, &ret) ||
	    http__firm_arg(r, code, &q.enterprise_id, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (score < 0)
		return http__reply_error(r, 400, "bad_request", -1, "field 'score' is missing");
	q.day = today_local();
	if (day[0] && tz_day_parse(day, &q.day))
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'day' must be a date YYYY-MM-DD");
	q.session_id = ses;
	q.attended_hours = (int32_t)hours;
	q.score = (int32_t)score;
	q.level = (int32_t)level;
	cluster_actor a;
	actor_of(r, &a);
	store_enrolment e;
	store_cert c;
	char msg[200];
	store_scope sc = {.enterprise_id = q.enterprise_id};
	int rc = talent_assess(r->srv->app.w, &a, sc, r->srv->app.key, &q, &e, &c, msg, sizeof msg);
	if (rc == GLOVED_ENOTFOUND || rc == GLOVED_EEXIST || rc == GLOVED_EINVAL)
		return http__reply_error(r,
					 rc == GLOVED_ENOTFOUND ? 404
					 : rc == GLOVED_EEXIST  ? 409
								: 400,
					 rc == GLOVED_ENOTFOUND ? "not_found"
					 : rc == GLOVED_EEXIST  ? "conflict"
								: "bad_request",
					 -1, "%s", msg);
	if (rc)
		return store_error(r, rc, "assessment");
	cJSON *o = enrol_json(r, &e);
	if (c.serial[0])
		cJSON_AddItemToObject(o, "certificate_issued", cert_json(r, db, &c));
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_certs(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	if (http__query_enterprise(r, db, &ent, &ret))
		return ret;
	const char *w = http__arg(r, "worker");
	store_cert *v = NULL;
	size_t n = 0;
	int rc = store_cert_list(db, r->scope, ent, w && *w ? w : NULL, &v, &n);
	if (rc)
		return store_error(r, rc, "certificates");
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "items");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cert_json(r, db, &v[i]));
	free(v);
	return http__reply_json(r, 200, o);
}

static void verify_url(http_req *r, const char *serial, char *out, size_t n)
{
	char base[300];
	http__public_base(r, base, sizeof base);
	snprintf(out, n, "%s/api/v1/public/certificates/verify?serial=%s&format=html", base,
		 serial);
}

static enum MHD_Result h_cert_pdf(http_req *r, store *db)
{
	const char *serial = http__arg(r, "serial");
	if (!serial || !*serial || strlen(serial) > 23)
		return http__reply_error(r, 400, "bad_request", -1,
					 "parameter 'serial' names the certificate");
	store_cert c;
	int rc = store_cert_by_serial(db, serial, &c);
	/* a firm's reader gets its own firm's certificates only */
	if (!rc && r->scope.enterprise_id && c.enterprise_id != r->scope.enterprise_id)
		rc = GLOVED_ENOTFOUND;
	if (rc == GLOVED_ENOTFOUND)
		return http__reply_error(r, 404, "not_found", -1, "no certificate '%s'", serial);
	if (rc)
		return store_error(r, rc, "certificate");
	store_course co = {.id = 0};
	store_course_get(db, c.course_id, NULL, &co);
	store_enterprise en = {.id = 0};
	registry_enterprise(r->srv->app.reg, c.enterprise_id, &en);
	char d[11], url[512], lv[4];
	tz_day_format(c.day, d);
	verify_url(r, c.serial, url, sizeof url);
	snprintf(lv, sizeof lv, "%d", c.level);
	cert_print p = {.serial = c.serial,
			.worker_name = c.worker_name,
			.worker = c.worker,
			.firm_name = en.name,
			.course_zh = co.name_zh,
			.course_en = co.name_en,
			.operation = c.operation,
			.day = d,
			.url = url,
			.issuer = "产业集群人才培训 Cluster training",
			.level = c.level};
	buf b;
	buf_init(&b, 8u << 20);
	if ((rc = cert_pdf(&p, &b))) {
		buf_free(&b);
		return http__reply_error(r, 503, "unavailable", -1, "cannot make the PDF: %s",
					 gloved_strerror(rc));
	}
	char fname[64];
	snprintf(fname, sizeof fname, "certificate-%s.pdf", c.serial);
	size_t len = b.len;
	return http__reply_file(r, "application/pdf", buf_steal(&b), len, fname);
}

static enum MHD_Result h_cert_verify(http_req *r, store *db)
{
	enum MHD_Result ret;
	if (!http__public_allow(r, &ret))
		return ret;
	const char *serial = http__arg(r, "serial");
	const char *fmt = http__arg(r, "format");
	int html = fmt && strcmp(fmt, "html") == 0;
	if (!serial || !*serial || strlen(serial) > 23)
		return http__reply_error(r, 400, "bad_request", -1,
					 "parameter 'serial' names the certificate (C and 11 "
					 "characters)");
	for (const char *p = serial; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z')))
			return http__reply_error(
			    r, 400, "bad_request", -1,
			    "parameter 'serial' holds letters and digits only");
	store_cert c;
	int v = talent_verify(db, r->srv->app.key, serial, &c);
	if (v < 0 && v != GLOVED_ENOTFOUND)
		return store_error(r, v, "certificate");
	const char *state = v == 1 ? "genuine" : v == 0 ? "forged" : "unknown";
	store_course co = {.id = 0};
	store_enterprise en = {.id = 0};
	char d[11] = "";
	if (v == 1) {
		store_course_get(db, c.course_id, NULL, &co);
		registry_enterprise(r->srv->app.reg, c.enterprise_id, &en);
		tz_day_format(c.day, d);
	}
	if (html) {
		buf b;
		buf_init(&b, 1 << 20);
		int ok = v == 1;
		buf_printf(&b,
			   "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
			   "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
			   "<title>证书验证 Certificate check</title><style>body{font:16px "
			   "sans-serif;margin:1.5em;max-width:36em}.ok{color:#17693a}.bad{color:"
			   "#b00020}td{padding:.2em .6em}</style></head><body>"
			   "<h1 class=\"%s\">%s</h1><table>",
			   ok ? "ok" : "bad",
			   ok       ? "证书真实有效 Genuine certificate"
			   : v == 0 ? "证书无效 The certificate does not verify"
				    : "未找到证书 No such certificate");
		buf_printf(&b, "<tr><td>证书编号 Serial</td><td>%s</td></tr>", serial);
		if (ok) {
			/* names are checked text (no markup characters pass the API's
			 * text rule except & < > which we escape) */
			const char *vals[5] = {c.worker_name, en.name, co.name_zh, c.operation, d};
			static const char *const labels[5] = {
			    "姓名 Name", "企业 Firm", "课程 Course", "工序 Operation", "日期 Date"};
			for (int i = 0; i < 5; i++) {
				buf_printf(&b, "<tr><td>%s</td><td>", labels[i]);
				for (const char *p = vals[i]; *p; p++) {
					if (*p == '<')
						buf_puts(&b, "&lt;");
					else if (*p == '>')
						buf_puts(&b, "&gt;");
					else if (*p == '&')
						buf_puts(&b, "&amp;");
					else if (*p == '"')
						buf_puts(&b, "&quot;");
					else
						buf_append(&b, p, 1);
				}
				buf_puts(&b, "</td></tr>");
			}
			buf_printf(&b, "<tr><td>等级 Level</td><td>%d</td></tr>", c.level);
		}
		buf_puts(&b, "</table></body></html>");
		size_t len = b.len;
		return http__reply(r, 200, "text/html; charset=utf-8", buf_steal(&b), len, NULL);
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "state", state);
	cJSON_AddStringToObject(o, "serial", serial);
	if (v == 1) {
		cJSON_AddStringToObject(o, "worker_name", c.worker_name);
		cJSON_AddStringToObject(o, "firm", en.code);
		cJSON_AddStringToObject(o, "firm_name", en.name);
		cJSON_AddStringToObject(o, "course", co.code);
		cJSON_AddStringToObject(o, "course_zh", co.name_zh);
		cJSON_AddStringToObject(o, "course_en", co.name_en);
		cJSON_AddStringToObject(o, "operation", c.operation);
		cJSON_AddNumberToObject(o, "level", c.level);
		cJSON_AddStringToObject(o, "day", d);
	}
	return http__reply_json(r, 200, o);
}

/* The skill matrix: each worker of the firm and the operations their
 * certificates cover, with the level and date; the firm's rules. */
static enum MHD_Result h_skills(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	http__refresh(r, db);
	if (http__firm_arg(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	store_scope sc = r->scope;
	sc.enterprise_id = ent;
	store_worker *ws = NULL;
	store_cert *cs = NULL;
	store_skill_rule *rules = NULL;
	size_t nw = 0, nc = 0, nr = 0;
	int rc = store_worker_list(db, sc, ent, &ws, &nw);
	if (!rc)
		rc = store_cert_list(db, sc, ent, NULL, &cs, &nc);
	if (!rc)
		rc = store_skill_rule_list(db, sc, ent, &rules, &nr);
	if (rc) {
		free(ws);
		free(cs);
		free(rules);
		return store_error(r, rc, "skill matrix");
	}
	cJSON *o = cJSON_CreateObject();
	cJSON *ra = cJSON_AddArrayToObject(o, "rules");
	for (size_t i = 0; i < nr; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "operation", rules[i].operation);
		cJSON_AddStringToObject(x, "mode", rules[i].mode);
		cJSON_AddItemToArray(ra, x);
	}
	cJSON *wa = cJSON_AddArrayToObject(o, "workers");
	for (size_t i = 0; i < nw; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "worker", ws[i].code);
		cJSON_AddStringToObject(x, "name", ws[i].name);
		cJSON *sk = cJSON_AddArrayToObject(x, "skills");
		for (size_t k = 0; k < nc; k++) {
			if (strcmp(cs[k].worker, ws[i].code) != 0)
				continue;
			cJSON *s = cJSON_CreateObject();
			char d[11];
			tz_day_format(cs[k].day, d);
			cJSON_AddStringToObject(s, "operation", cs[k].operation);
			cJSON_AddNumberToObject(s, "level", cs[k].level);
			cJSON_AddStringToObject(s, "day", d);
			cJSON_AddStringToObject(s, "certificate", cs[k].serial);
			cJSON_AddItemToArray(sk, s);
		}
		cJSON_AddItemToArray(wa, x);
	}
	free(ws);
	free(cs);
	free(rules);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_rule_put(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	store_skill_rule x = {.enterprise_id = 0};
	char code[33];
	http__refresh(r, db);
	if (http__field_text(r, j, "enterprise", 0, 1, code, sizeof code, &ret) ||
	    http__field_text(r, j, "operation", 1, 1, x.operation, sizeof x.operation, &ret) ||
	    http__field_text(r, j, "mode", 0, 0, x.mode, sizeof x.mode, &ret) ||
	    http__firm_arg(r, code, &x.enterprise_id, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (x.mode[0] && strcmp(x.mode, "flag") && strcmp(x.mode, "refuse"))
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'mode' must be flag, refuse or \"\" (no rule)");
	if (!http__can_manage(r, x.enterprise_id) &&
	    !(r->role == ROLE_SUPERVISOR && r->user.enterprise_id == x.enterprise_id))
		return http__reply_error(r, 403, "forbidden", -1,
					 "a firm's admins and supervisors set its skill rules");
	cluster_actor a;
	actor_of(r, &a);
	int rc = talent_rule_put(r->srv->app.w, &a, r->scope, &x);
	if (rc)
		return store_error(r, rc, "skill rule");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "operation", x.operation);
	cJSON_AddStringToObject(o, "mode", x.mode);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_flags(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	http__refresh(r, db);
	if (http__firm_arg(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	store_skill_flag *v = NULL;
	size_t n = 0;
	int rc = store_skill_flag_list(db, r->scope, ent, 500, &v, &n);
	if (rc)
		return store_error(r, rc, "skill flags");
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "items");
	for (size_t i = 0; i < n; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "id", (double)v[i].id);
		cJSON_AddNumberToObject(x, "bundle", (double)v[i].bundle_id);
		cJSON_AddNumberToObject(x, "seq", v[i].seq);
		cJSON_AddStringToObject(x, "worker", v[i].worker);
		cJSON_AddStringToObject(x, "operation", v[i].operation);
		cJSON_AddNumberToObject(x, "ts_ms", (double)v[i].ts_ms);
		cJSON_AddBoolToObject(x, "refused", v[i].refused);
		cJSON_AddItemToArray(arr, x);
	}
	free(v);
	return http__reply_json(r, 200, o);
}

/* Every logged-in reader of the cluster's views: all but workers and
 * households. */
#define ROLES_VIEW (ROLES_READERS | ROLE_BIT(ROLE_TOWN_OFFICER))
/* A firm's admin (its own) or the cluster admin. */
#define FIRM_ADMIN_ONLY "only the firm's admin may do this"
#define BUREAU_ONLY     "only the bureau and the cluster admin may do this"
#define PROGRAMME_ONLY  "only the bureau, the association and the cluster admin may do this"
#define CLUSTER_ONLY    "the cluster's views are for the bureau, the association and the towns"

const http_route http__routes_cluster[] = {
    {"GET", "/api/v1/cluster/share", ROLES_VIEW, h_share_get, NULL},
    {"PUT", "/api/v1/cluster/share", ROLES_ADMINS, h_share_put, FIRM_ADMIN_ONLY},
    {"GET", "/api/v1/cluster/audit-log", ROLES_ADMINS | ROLES_AGGREGATES, h_audit, NULL},
    {"GET", "/api/v1/stats/form", ROLES_VIEW, h_form_get, NULL},
    {"PUT", "/api/v1/stats/form", ROLES_BUREAU_WRITE, h_form_put, BUREAU_ONLY},
    {"GET", "/api/v1/stats/report", ROLES_VIEW, h_report_get, NULL},
    {"PUT", "/api/v1/stats/report", ROLES_ADMINS, h_report_put, FIRM_ADMIN_ONLY},
    {"GET", "/api/v1/stats/overview", ROLES_CLUSTER_VIEW, h_overview, CLUSTER_ONLY},
    {"GET", "/api/v1/stats/export", ROLES_CLUSTER_VIEW, h_stats_export, CLUSTER_ONLY},
    {"GET", "/api/v1/plan", ROLES_CLUSTER_VIEW, h_plan_get, CLUSTER_ONLY},
    {"PUT", "/api/v1/plan", ROLES_BUREAU_WRITE, h_plan_put, BUREAU_ONLY},
    {"PUT", "/api/v1/plan/actuals", ROLES_BUREAU_WRITE, h_plan_actual, BUREAU_ONLY},
    {"GET", "/api/v1/plan/export", ROLES_CLUSTER_VIEW, h_plan_export, CLUSTER_ONLY},
    {"GET", "/api/v1/cockpit", ROLES_CLUSTER_VIEW, h_cockpit, CLUSTER_ONLY},
    {"GET", "/api/v1/cockpit/events", ROLES_CLUSTER_VIEW, h_cockpit_events, CLUSTER_ONLY},
    {"GET", "/api/v1/programme", ROLES_VIEW, h_prog_list, NULL},
    {"POST", "/api/v1/programme", ROLES_PROGRAMME, h_prog_put, PROGRAMME_ONLY},
    {"GET", "/api/v1/talent/courses", ROLES_VIEW, h_courses, NULL},
    {"POST", "/api/v1/talent/courses", ROLES_PROGRAMME, h_course_add, PROGRAMME_ONLY},
    {"POST", "/api/v1/talent/sessions", ROLES_PROGRAMME, h_session_add, PROGRAMME_ONLY},
    {"GET", "/api/v1/talent/enrolments", ROLES_FIRM_PRIVATE | ROLE_BIT(ROLE_ASSOCIATION),
     h_enrolments, NULL},
    {"POST", "/api/v1/talent/enrolments",
     ROLES_ADMINS | ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ASSOCIATION), h_enrol,
     "a firm's admins and supervisors, or the association, enrol workers"},
    {"POST", "/api/v1/talent/assessments",
     ROLE_BIT(ROLE_CLUSTER_ADMIN) | ROLE_BIT(ROLE_ASSOCIATION), h_assess,
     "the association (the trainer) records assessments"},
    {"GET", "/api/v1/talent/certificates", ROLES_FIRM_PRIVATE | ROLE_BIT(ROLE_ASSOCIATION), h_certs,
     NULL},
    {"GET", "/api/v1/talent/certificate.pdf", ROLES_FIRM_PRIVATE | ROLE_BIT(ROLE_ASSOCIATION),
     h_cert_pdf, NULL},
    {"GET", "/api/v1/talent/skills", ROLES_FIRM_PRIVATE, h_skills, NULL},
    {"PUT", "/api/v1/talent/skill-rules", ROLES_ADMINS | ROLE_BIT(ROLE_SUPERVISOR), h_rule_put,
     "a firm's admins and supervisors set its skill rules"},
    {"GET", "/api/v1/talent/skill-flags", ROLES_FIRM_PRIVATE, h_flags, NULL},
    {"GET", "/api/v1/public/certificates/verify", ROLES_PUBLIC, h_cert_verify, NULL},
};
const size_t http__routes_cluster_n = sizeof http__routes_cluster / sizeof http__routes_cluster[0];
