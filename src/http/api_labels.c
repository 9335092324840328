/* SPDX-License-Identifier: Apache-2.0 */
/* api_labels.c: the regional brand's part of the API (docs/api.md,
 * "Labels and the regional brand"): licences with their conditions and
 * history, audits, the flags raised on labels scanned like copies, issuing
 * and printing a lot's labels (PDF, ZPL), and the public side: the
 * cluster's public key, the verification as JSON and the page /v/<serial>
 * (rate-limited per address, no login). The association and the cluster
 * admin run licences and audits; every reader sees them (a firm: its own);
 * a firm and the association see and resolve its flags; a firm's admins,
 * supervisors and inspectors print its labels. Writes (a scan is one) go
 * through app/brand.c on the writer thread. */
#include "core/code.h"
#include "core/tz.h"
#include "http/http_int.h"
#include "app/brand.h"
#include "app/registry.h"
#include "app/writer.h"
#include "util/err.h"
#include "util/label_pdf.h"
#include "util/label_sign.h"
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
	store_scope sc = {.enterprise_id = ent};
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
	http__audit(r, a.enterprise_id, "brand.licence", a.action, l.status);
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
	http__audit(r, a.enterprise_id, "brand.audit", a.passed ? "passed" : "failed", a.auditor);
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
	store_scope sc = {.enterprise_id = ent};
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

/* ---- labels ---- */

#define B64URL "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

static int may_print(const http_req *r, int64_t ent)
{
	return http__can_manage(r, ent) ||
	       ((r->role == ROLE_SUPERVISOR || r->role == ROLE_INSPECTOR) &&
		r->user.enterprise_id == ent);
}

/* The base of label URLs: [brand] public_base, else http://<Host of the
 * request> (checked: a host name or address and a port), else the listen
 * address. */
void http__public_base(http_req *r, char *out, size_t n)
{
	const char *cfgb = r->srv->app.cfg->public_base;
	if (cfgb[0]) {
		snprintf(out, n, "%s", cfgb);
		return;
	}
	const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host");
	int ok = h && *h && strlen(h) < 200;
	for (const char *p = h; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		     (*p >= '0' && *p <= '9') || strchr(".-:[]", *p);
	snprintf(out, n, "http://%s", ok ? h : r->srv->app.cfg->listen);
}

static cJSON *label_json(http_req *r, const store_label *l, const char *lot, const char *base)
{
	cJSON *o = cJSON_CreateObject();
	char url[LABEL_URL_MAX], d[16];
	cJSON_AddStringToObject(o, "serial", l->serial);
	cJSON_AddStringToObject(o, "kind", l->kind);
	cJSON_AddBoolToObject(o, "brand", l->brand);
	cJSON_AddStringToObject(o, "lot", lot);
	cJSON_AddNumberToObject(o, "pairs", (double)l->pairs);
	ltime_format_day(l->created_ms, d, sizeof d);
	cJSON_AddStringToObject(o, "issued", d);
	cJSON_AddNumberToObject(o, "scans", (double)l->scans);
	cJSON_AddNumberToObject(o, "networks", l->networks);
	cJSON_AddBoolToObject(o, "flagged", l->flagged);
	cJSON_AddStringToObject(o, "payload", l->payload);
	cJSON_AddStringToObject(o, "signature", l->sig);
	if (!label_url(base, l->serial, l->payload, l->sig, url, sizeof url))
		cJSON_AddStringToObject(o, "url", url);
	(void)r;
	return o;
}

static int label_lot(http_req *r, store *db, int64_t *ent, store_lot *l, enum MHD_Result *ret)
{
	http__refresh(r, db);
	if (http__firm_arg(r, http__arg(r, "enterprise"), ent, ret))
		return -1;
	const char *code = http__arg(r, "lot");
	if (!code || !code_valid(code)) {
		*ret = http__reply_error(r, 400, "bad_request", -1, "'lot' must be a lot code");
		return -1;
	}
	int rc = store_lot_get(db, r->scope, *ent, code, 0, l);
	if (rc) {
		*ret = http__reply_status(r, rc, "lot", code);
		return -1;
	}
	return 0;
}

static enum MHD_Result h_label_issue(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	brand_issue_req q;
	memset(&q, 0, sizeof q);
	char ecode[40];
	int64_t count = 0, per = 1;
	int bad_in = http__field_text(r, j, "enterprise", 0, 1, ecode, sizeof ecode, &ret) ||
		     http__firm_arg(r, ecode, &q.enterprise_id, &ret) ||
		     http__field_text(r, j, "lot", 1, 1, q.lot, sizeof q.lot, &ret) ||
		     http__field_text(r, j, "kind", 1, 0, q.kind, sizeof q.kind, &ret) ||
		     http__field_int(r, j, "count", 0, BRAND_MAX_LABELS, 0, &count, &ret) ||
		     http__field_int(r, j, "pairs_per_bag", 1, 100000, 1, &per, &ret);
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(j, "brand");
	if (!bad_in && b && !cJSON_IsBool(b)) {
		ret = http__reply_error(r, 400, "bad_request", -1,
					"field 'brand' must be true or false");
		bad_in = 1;
	}
	q.brand = cJSON_IsTrue(b);
	cJSON_Delete(j);
	if (bad_in)
		return ret;
	if (strcmp(q.kind, "carton") != 0 && strcmp(q.kind, "bag") != 0)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'kind' must be carton or bag");
	if (!may_print(r, q.enterprise_id))
		return http__reply_error(r, 403, "forbidden", -1,
					 "only the firm's admins, supervisors and inspectors print "
					 "labels");
	if (!r->srv->app.key)
		return http__reply_error(r, 503, "unavailable", -1, "no brand key is loaded");
	q.count = (int32_t)count;
	q.pairs_per_bag = per;
	q.now_ms = ltime_now_ms();
	q.key = r->srv->app.key;
	q.cals = writer_cals(r->srv->app.w);
	store_label *v = NULL;
	size_t n = 0;
	char msg[256];
	int rc = brand_issue_labels(r->srv->app.w, &q, &v, &n, msg, sizeof msg);
	if (rc == GLOVED_EBUSY)
		return http__reply_error(r, 409,
					 !strncmp(msg, "licence:", 8) ? "not_licensed"
					 : !strncmp(msg, "lot:", 4)   ? "lot_not_accepted"
								      : "conflict",
					 -1, "%s", msg);
	if (rc == GLOVED_EEXIST)
		return http__reply_error(r, 409, "conflict", -1, "%s", msg);
	if (rc == GLOVED_EINVAL)
		return http__reply_error(r, 400, "bad_request", -1, "%s", msg);
	if (rc)
		return http__reply_status(r, rc, "lot", q.lot);
	char base[300];
	http__public_base(r, base, sizeof base);
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "items");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, label_json(r, &v[i], q.lot, base));
	free(v);
	return http__reply_json(r, 201, out);
}

static enum MHD_Result h_labels(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	store_lot l;
	if (label_lot(r, db, &ent, &l, &ret))
		return ret;
	store_label *v = NULL;
	size_t n = 0;
	if (store_label_list(db, r->scope, ent, l.id, &v, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read labels");
	char base[300];
	http__public_base(r, base, sizeof base);
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "items");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, label_json(r, &v[i], l.code, base));
	free(v);
	return http__reply_json(r, 200, out);
}

/* GET /api/v1/labels/pdf and /zpl: the labels of a lot of one kind
 * (carton default), to print. */
static enum MHD_Result print_labels(http_req *r, store *db, int zpl)
{
	enum MHD_Result ret;
	int64_t ent;
	store_lot l;
	if (label_lot(r, db, &ent, &l, &ret))
		return ret;
	const char *kind = http__arg(r, "kind");
	if (!kind || !*kind)
		kind = "carton";
	if (strcmp(kind, "carton") != 0 && strcmp(kind, "bag") != 0)
		return http__reply_error(r, 400, "bad_request", -1, "'kind' must be carton or bag");
	store_label *v = NULL;
	store_carton *c = NULL;
	size_t n = 0, nc = 0, k = 0;
	if (store_label_list(db, r->scope, ent, l.id, &v, &n) ||
	    store_carton_list(db, r->scope, ent, l.id, &c, &nc)) {
		free(v);
		free(c);
		return http__reply_error(r, 503, "unavailable", -1, "cannot read labels");
	}
	label_print *p = calloc(n ? n : 1, sizeof *p);
	char(*urls)[LABEL_URL_MAX] = calloc(n ? n : 1, sizeof *urls);
	label_fields *f = calloc(n ? n : 1, sizeof *f);
	char(*styles)[200] = calloc(n ? n : 1, sizeof *styles);
	char base[300];
	http__public_base(r, base, sizeof base);
	store_style *st = malloc(sizeof *st);
	int have_style = st && !store_style_get(db, r->scope, ent, NULL, l.style_id, st);
	for (size_t i = 0; p && urls && f && styles && i < n; i++) {
		if (strcmp(v[i].kind, kind) != 0 || label_payload_parse(v[i].payload, &f[k]) ||
		    label_url(base, v[i].serial, v[i].payload, v[i].sig, urls[k], sizeof urls[k]))
			continue;
		const char *carton = "";
		for (size_t x = 0; x < nc; x++)
			if (c[x].id == v[i].carton_id)
				carton = c[x].code;
		snprintf(styles[k], sizeof styles[k], "%s %s", f[k].style,
			 have_style ? st->name : "");
		p[k] = (label_print){f[k].firm_name, styles[k],  f[k].size,   f[k].lot,
				     f[k].day,       f[k].en388, f[k].serial, urls[k],
				     carton,         f[k].pairs, f[k].brand};
		if (!carton[0] && !strcmp(kind, "carton"))
			p[k].carton = "-";
		k++;
	}
	free(st);
	buf out;
	buf_init(&out, 64u << 20);
	int rc = !p || !urls || !f || !styles ? GLOVED_ENOMEM
		 : !k                         ? GLOVED_ENOTFOUND
		 : zpl                        ? label_zpl(p, k, &out)
					      : label_pdf(p, k, &out);
	free(p);
	free(urls);
	free(f);
	free(styles);
	free(v);
	free(c);
	if (rc == GLOVED_ENOTFOUND) {
		buf_free(&out);
		return http__reply_error(r, 404, "not_found", -1,
					 "lot %s has no %s labels: issue them first (POST "
					 "/api/v1/labels)",
					 l.code, kind);
	}
	if (rc) {
		buf_free(&out);
		return http__reply_error(r, 503, "unavailable", -1, "cannot make the labels: %s",
					 gloved_strerror(rc));
	}
	char name[96];
	snprintf(name, sizeof name, "labels-%s-%s.%s", l.code, kind, zpl ? "zpl" : "pdf");
	size_t len = out.len;
	return http__reply_file(r, zpl ? "text/plain; charset=utf-8" : "application/pdf",
				buf_steal(&out), len, name);
}

static enum MHD_Result h_labels_pdf(http_req *r, store *db)
{
	return print_labels(r, db, 0);
}

static enum MHD_Result h_labels_zpl(http_req *r, store *db)
{
	return print_labels(r, db, 1);
}

/* GET /api/v1/public/brand/key: the cluster's public key and how to check
 * a label with it offline. */
static enum MHD_Result h_public_key(http_req *r, store *db)
{
	(void)db;
	const brand_key *k = r->srv->app.key;
	if (!k)
		return http__reply_error(r, 503, "unavailable", -1, "no brand key is loaded");
	char b64[64], hex[65], id[17];
	label_b64_encode(brand_key_public(k), LABEL_PK_BYTES, b64, sizeof b64);
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < LABEL_PK_BYTES; i++) {
		hex[2 * i] = digits[brand_key_public(k)[i] >> 4];
		hex[2 * i + 1] = digits[brand_key_public(k)[i] & 15];
	}
	hex[64] = '\0';
	brand_key_id(k, id);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "algorithm", "Ed25519");
	cJSON_AddStringToObject(o, "key_id", id);
	cJSON_AddStringToObject(o, "public_key", b64);
	cJSON_AddStringToObject(o, "public_key_hex", hex);
	cJSON_AddStringToObject(o, "encoding", "base64url without padding (RFC 4648 section 5)");
	cJSON_AddStringToObject(
	    o, "payload",
	    "gloved-label-1|serial|firm code|firm name|style|size|pairs|lot|YYYY-MM-DD|EN 388|B "
	    "(brand) or -");
	cJSON_AddStringToObject(o, "qr",
				"<base>/v/<serial>?p=<base64url payload>&s=<base64url "
				"signature of the payload's bytes>");
	return http__reply_json(r, 200, o);
}

/* The verification of the request's label, logged as a scan. */
static int verify_req(http_req *r, const char *serial, brand_verify *v, enum MHD_Result *ret)
{
	const brand_key *k = r->srv->app.key;
	if (!k) {
		*ret = http__reply_error(r, 503, "unavailable", -1, "no brand key is loaded");
		return -1;
	}
	uint8_t net[17];
	int nn = http__client_net(r, net);
	brand_verify_req q = {serial,
			      http__arg(r, "p"),
			      http__arg(r, "s"),
			      net,
			      (size_t)(nn > 0 ? nn : 0),
			      ltime_now_ms(),
			      r->srv->app.cfg->clone_scans,
			      r->srv->app.cfg->clone_networks,
			      k};
	int rc = brand_verify_label(r->srv->app.w, &q, v);
	if (rc) {
		*ret = http__reply_error(r, 503, "unavailable", -1, "cannot verify now: %s",
					 gloved_strerror(rc));
		return -1;
	}
	return 0;
}

static enum MHD_Result h_public_verify(http_req *r, store *db)
{
	(void)db;
	enum MHD_Result ret;
	if (!http__public_allow(r, &ret))
		return ret;
	const char *serial = http__arg(r, "serial");
	brand_verify *v = malloc(sizeof *v);
	if (!v)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	if (verify_req(r, serial ? serial : "", v, &ret)) {
		free(v);
		return ret;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "state", v->state);
	cJSON_AddStringToObject(o, "serial", v->serial);
	if (!strcmp(v->state, "genuine")) {
		cJSON_AddStringToObject(o, "firm", v->firm_code);
		cJSON_AddStringToObject(o, "firm_name", v->firm_name);
		cJSON_AddStringToObject(o, "town", v->town);
		cJSON_AddStringToObject(o, "style", v->style);
		cJSON_AddStringToObject(o, "size", v->size);
		cJSON_AddNumberToObject(o, "pairs", (double)v->pairs);
		cJSON_AddStringToObject(o, "lot", v->lot);
		cJSON_AddStringToObject(o, "produced", v->day);
		cJSON_AddStringToObject(o, "en388", v->en388);
		cJSON_AddStringToObject(o, "result", v->result);
		cJSON_AddBoolToObject(o, "brand", v->brand);
		cJSON_AddNumberToObject(o, "scans_before", (double)v->scans_before);
		char d[16];
		if (v->first_scan_ms) {
			ltime_format_day(v->first_scan_ms, d, sizeof d);
			cJSON_AddStringToObject(o, "first_scan", d);
			ltime_format_day(v->last_scan_ms, d, sizeof d);
			cJSON_AddStringToObject(o, "last_scan", d);
		}
		cJSON_AddBoolToObject(o, "flagged", v->flagged);
		cJSON_AddStringToObject(o, "licence", v->has_licence ? v->licence.status : "none");
		cJSON *h = cJSON_AddArrayToObject(o, "licence_history");
		for (size_t i = 0; i < v->n_history; i++) {
			cJSON *y = cJSON_CreateObject();
			ltime_format_day(v->history[i].ts_ms, d, sizeof d);
			cJSON_AddStringToObject(y, "day", d);
			cJSON_AddStringToObject(y, "action", v->history[i].action);
			cJSON_AddStringToObject(y, "status", v->history[i].status);
			cJSON_AddItemToArray(h, y);
		}
	}
	free(v);
	return http__reply_json(r, 200, o);
}

enum MHD_Result http__serve_verify_page(http_req *r)
{
	enum MHD_Result ret;
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
		return http__reply_error(r, 405, "bad_request", -1, "method not allowed");
	const char *lang = http__arg(r, "lang");
	int en = lang && !strcmp(lang, "en");
	if (!http__public_allow(r, &ret))
		return ret;
	const char *serial = r->url + 3; /* after "/v/" */
	if (strlen(serial) > 32 || strchr(serial, '/'))
		serial = "";
	brand_verify *v = malloc(sizeof *v);
	if (!v)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	if (verify_req(r, serial, v, &ret)) {
		free(v);
		return ret;
	}
	/* the link to the other language keeps p and s (base64url: nothing
	 * to escape in a query; the page HTML-escapes it) */
	char q[LABEL_URL_MAX + 16] = "";
	const char *p = http__arg(r, "p"), *s = http__arg(r, "s");
	if (p && s && strlen(p) < 900 && strlen(s) < 100 && strspn(p, B64URL) == strlen(p) &&
	    strspn(s, B64URL) == strlen(s))
		snprintf(q, sizeof q, "p=%s&s=%s", p, s);
	buf b;
	buf_init(&b, 1u << 20);
	int rc = http__verify_page(v, en, q, &b);
	free(v);
	if (rc) {
		buf_free(&b);
		return http__reply_error(r, 503, "unavailable", -1, "cannot render the page");
	}
	size_t len = b.len;
	return http__reply(r, 200, "text/html; charset=utf-8", buf_steal(&b), len, NULL);
}

const http_route http__routes_labels[] = {
    {"GET", "/api/v1/brand/licences", ROLES_READERS, h_licences, NULL},
    {"POST", "/api/v1/brand/licences", ROLES_BRAND, h_licence_action, BRAND_ONLY},
    {"GET", "/api/v1/brand/audits", ROLES_READERS, h_audits, NULL},
    {"POST", "/api/v1/brand/audits", ROLES_BRAND, h_audit_add, BRAND_ONLY},
    {"GET", "/api/v1/brand/flags", ROLES_READERS, h_flags, NULL},
    {"POST", "/api/v1/brand/flags/resolve", ROLES_BRAND | ROLE_BIT(ROLE_ENTERPRISE_ADMIN),
     h_flag_resolve, "the association and the firm's admin resolve flags"},
    {"POST", "/api/v1/labels", ROLES_QUALITY, h_label_issue,
     "only the firm's admins, supervisors and inspectors print labels"},
    {"GET", "/api/v1/labels", ROLES_READERS, h_labels, NULL},
    {"GET", "/api/v1/labels/pdf", ROLES_READERS, h_labels_pdf, NULL},
    {"GET", "/api/v1/labels/zpl", ROLES_READERS, h_labels_zpl, NULL},
    {"GET", "/api/v1/public/brand/key", ROLES_PUBLIC, h_public_key, NULL},
    {"GET", "/api/v1/public/labels/verify", ROLES_PUBLIC, h_public_verify, NULL},
};
const size_t http__routes_labels_n = sizeof http__routes_labels / sizeof http__routes_labels[0];
