/* SPDX-License-Identifier: Apache-2.0 */
/* api_labels.c: the regional brand's part of the API (docs/api.md,
 * "Regional brand"): licences with their conditions and history, audits,
 * the flags raised on labels scanned like copies. The association and the
 * cluster admin run licences and audits; every reader sees them (a firm:
 * its own); a firm and the association see and resolve its flags. Writes
 * go through app/brand.c on the writer thread. */
#include "core/code.h"
#include "core/tz.h"
#include "http/http_int.h"
#include "app/brand.h"
#include "app/registry.h"
#include "app/writer.h"
#include "util/err.h"
#include "util/ltime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BRAND_ONLY "only the association and the cluster admin run the brand"

static cJSON *licence_json(http_req *r, store *db, const store_enterprise *e)
{
	cJSON *o = cJSON_CreateObject();
	store_licence l;
	int has = store_licence_get(db, e->id, &l) == GLOVED_OK;
	cJSON_AddStringToObject(o, "enterprise", e->code);
	cJSON_AddStringToObject(o, "name", e->name);
	cJSON_AddStringToObject(o, "town", e->town);
	cJSON_AddStringToObject(o, "status", has ? l.status : "none");
	cJSON_AddNumberToObject(o, "since", has ? (double)l.since_ms : 0);
	cJSON *c = cJSON_AddObjectToObject(o, "conditions");
	cJSON_AddNumberToObject(c, "audits_passed", has ? l.audits_passed : 0);
	cJSON_AddNumberToObject(c, "last_lots", has ? l.last_lots : 0);
	cJSON_AddNumberToObject(c, "min_accept_pct", has ? l.min_accept_pct : 0);
	cJSON *h = cJSON_AddArrayToObject(o, "history");
	store_licence_event *ev = NULL;
	size_t n = 0;
	if (has && !store_licence_events(db, e->id, &ev, &n))
		for (size_t i = 0; i < n; i++) {
			cJSON *y = cJSON_CreateObject();
			cJSON_AddNumberToObject(y, "ts", (double)ev[i].ts_ms);
			cJSON_AddStringToObject(y, "action", ev[i].action);
			cJSON_AddStringToObject(y, "status", ev[i].status);
			cJSON_AddStringToObject(y, "by", ev[i].by);
			cJSON_AddStringToObject(y, "reason", ev[i].reason);
			cJSON_AddItemToArray(h, y);
		}
	free(ev);
	(void)r;
	return o;
}

static enum MHD_Result h_licences(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	http__refresh(r, db);
	if (http__resolve_enterprise(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	store_enterprise *es = NULL;
	size_t n = 0;
	store_scope sc = {ent};
	if (registry_enterprises(r->srv->app.reg, sc, &es, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read firms");
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "items");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, licence_json(r, db, &es[i]));
	free(es);
	return http__reply_json(r, 200, out);
}

/* A condition of a grant: absent -1 (the licence's own, 0 for a new one). */
static int cond_field(http_req *r, const cJSON *c, const char *key, int64_t hi, int32_t *out,
		      enum MHD_Result *ret)
{
	int64_t v;
	if (http__field_int(r, c, key, 0, hi, -1, &v, ret))
		return -1;
	*out = (int32_t)v;
	return 0;
}

static enum MHD_Result h_licence_action(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	brand_action a;
	memset(&a, 0, sizeof a);
	a.audits_passed = a.last_lots = a.min_accept_pct = -1;
	char ecode[40];
	int bad_in = http__field_text(r, j, "enterprise", 1, 1, ecode, sizeof ecode, &ret) ||
		     http__resolve_enterprise(r, ecode, &a.enterprise_id, &ret) ||
		     http__field_text(r, j, "action", 1, 0, a.action, sizeof a.action, &ret) ||
		     http__field_text(r, j, "reason", 0, 0, a.reason, sizeof a.reason, &ret);
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "conditions");
	if (!bad_in && c && !cJSON_IsNull(c)) {
		if (!cJSON_IsObject(c)) {
			ret = http__reply_error(
			    r, 400, "bad_request", -1,
			    "field 'conditions' must be an object {audits_passed, "
			    "last_lots, min_accept_pct}");
			bad_in = 1;
		} else
			bad_in = cond_field(r, c, "audits_passed", 100, &a.audits_passed, &ret) ||
				 cond_field(r, c, "last_lots", 1000, &a.last_lots, &ret) ||
				 cond_field(r, c, "min_accept_pct", 100, &a.min_accept_pct, &ret);
	}
	cJSON_Delete(j);
	if (bad_in)
		return ret;
	if (!a.enterprise_id)
		return http__reply_error(r, 400, "bad_request", -1, "name the enterprise");
	if ((strcmp(a.action, "suspend") == 0 || strcmp(a.action, "revoke") == 0) && !a.reason[0])
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'reason' is required to %s a licence", a.action);
	snprintf(a.by, sizeof a.by, "%s", r->user.username);
	a.now_ms = ltime_now_ms();
	store_licence l;
	char msg[240];
	int rc = brand_licence_action(r->srv->app.w, &a, &l, msg, sizeof msg);
	if (rc == GLOVED_EINVAL)
		return http__reply_error(r, 400, "bad_request", -1, "%s", msg);
	if (rc == GLOVED_EEXIST || rc == GLOVED_EBUSY)
		return http__reply_error(
		    r, 409, rc == GLOVED_EBUSY ? "condition_not_met" : "conflict", -1, "%s", msg);
	if (rc)
		return http__reply_status(r, rc, "enterprise", ecode);
	store_enterprise e;
	if (registry_enterprise(r->srv->app.reg, a.enterprise_id, &e))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read the firm");
	return http__reply_json(r, 200, licence_json(r, db, &e));
}

static cJSON *audit_json(http_req *r, const store_audit *a)
{
	cJSON *o = cJSON_CreateObject();
	store_enterprise e;
	char d[11];
	tz_day_format(a->day, d);
	cJSON_AddNumberToObject(o, "id", (double)a->id);
	cJSON_AddStringToObject(o, "enterprise", http__ent_code(r, a->enterprise_id, &e));
	cJSON_AddStringToObject(o, "day", d);
	cJSON_AddStringToObject(o, "auditor", a->auditor);
	cJSON_AddBoolToObject(o, "passed", a->passed);
	cJSON_AddStringToObject(o, "note", a->note);
	return o;
}

static enum MHD_Result h_audits(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	http__refresh(r, db);
	if (http__resolve_enterprise(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	store_audit *v = NULL;
	size_t n = 0;
	if (store_audit_list(db, r->scope, ent, &v, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read audits");
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "items");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, audit_json(r, &v[i]));
	free(v);
	return http__reply_json(r, 200, out);
}

static enum MHD_Result h_audit_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	store_audit a;
	memset(&a, 0, sizeof a);
	char ecode[40], day[16];
	int bad_in = http__field_text(r, j, "enterprise", 1, 1, ecode, sizeof ecode, &ret) ||
		     http__resolve_enterprise(r, ecode, &a.enterprise_id, &ret) ||
		     http__field_text(r, j, "day", 1, 0, day, sizeof day, &ret) ||
		     http__field_text(r, j, "auditor", 1, 0, a.auditor, sizeof a.auditor, &ret) ||
		     http__field_text(r, j, "note", 0, 0, a.note, sizeof a.note, &ret);
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "passed");
	if (!bad_in && tz_day_parse(day, &a.day)) {
		ret = http__reply_error(r, 400, "bad_request", -1,
					"field 'day' must be a date YYYY-MM-DD");
		bad_in = 1;
	}
	if (!bad_in && !cJSON_IsBool(p)) {
		ret = http__reply_error(r, 400, "bad_request", -1,
					"field 'passed' must be true or false");
		bad_in = 1;
	}
	a.passed = cJSON_IsTrue(p);
	cJSON_Delete(j);
	if (bad_in)
		return ret;
	a.created_ms = ltime_now_ms();
	int rc = brand_add_audit(r->srv->app.w, &a);
	if (rc)
		return http__reply_status(r, rc, "enterprise", ecode);
	return http__reply_json(r, 201, audit_json(r, &a));
}

static cJSON *flag_json(http_req *r, const store_flag *f)
{
	cJSON *o = cJSON_CreateObject();
	store_enterprise e;
	cJSON_AddNumberToObject(o, "id", (double)f->id);
	cJSON_AddStringToObject(o, "enterprise", http__ent_code(r, f->enterprise_id, &e));
	cJSON_AddStringToObject(o, "serial", f->serial);
	cJSON_AddNumberToObject(o, "ts", (double)f->ts_ms);
	cJSON_AddStringToObject(o, "reason", f->reason);
	cJSON_AddNumberToObject(o, "scans", (double)f->scans);
	cJSON_AddNumberToObject(o, "networks", f->networks);
	cJSON_AddBoolToObject(o, "resolved", f->resolved_ms != 0);
	cJSON_AddNumberToObject(o, "resolved_ts", (double)f->resolved_ms);
	cJSON_AddStringToObject(o, "resolved_by", f->resolved_by);
	cJSON_AddStringToObject(o, "note", f->note);
	return o;
}

static enum MHD_Result h_flags(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	http__refresh(r, db);
	if (http__resolve_enterprise(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	const char *open = http__arg(r, "open");
	store_flag *v = NULL;
	size_t n = 0;
	store_scope sc = {ent};
	if (store_flag_list(db, sc, open && strcmp(open, "1") == 0, &v, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read flags");
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "items");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, flag_json(r, &v[i]));
	free(v);
	return http__reply_json(r, 200, out);
}

static enum MHD_Result h_flag_resolve(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	int64_t id;
	char note[256];
	int bad_in = http__field_int(r, j, "id", 1, INT64_MAX / 2, 0, &id, &ret) ||
		     http__field_text(r, j, "note", 1, 0, note, sizeof note, &ret);
	cJSON_Delete(j);
	if (bad_in)
		return ret;
	if (!id)
		return http__reply_error(r, 400, "bad_request", -1, "field 'id' is missing");
	/* a firm's admin resolves its own firm's flags: the store's scope */
	int rc =
	    brand_resolve_flag(r->srv->app.w, r->scope, id, r->user.username, note, ltime_now_ms());
	if (rc == GLOVED_ENOTFOUND)
		return http__reply_error(r, 404, "not_found", -1, "no open flag %lld",
					 (long long)id);
	if (rc)
		return http__reply_status(r, rc, "flag", NULL);
	cJSON *out = cJSON_CreateObject();
	cJSON_AddNumberToObject(out, "id", (double)id);
	cJSON_AddBoolToObject(out, "resolved", 1);
	return http__reply_json(r, 200, out);
}

const http_route http__routes_labels[] = {
    {"GET", "/api/v1/brand/licences", ROLES_READERS, h_licences, NULL},
    {"POST", "/api/v1/brand/licences", ROLES_BRAND, h_licence_action, BRAND_ONLY},
    {"GET", "/api/v1/brand/audits", ROLES_READERS, h_audits, NULL},
    {"POST", "/api/v1/brand/audits", ROLES_BRAND, h_audit_add, BRAND_ONLY},
    {"GET", "/api/v1/brand/flags", ROLES_READERS, h_flags, NULL},
    {"POST", "/api/v1/brand/flags/resolve", ROLES_BRAND | ROLE_BIT(ROLE_ENTERPRISE_ADMIN),
     h_flag_resolve, "the association and the firm's admin resolve flags"},
};
const size_t http__routes_labels_n = sizeof http__routes_labels / sizeof http__routes_labels[0];
