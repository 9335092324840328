/* SPDX-License-Identifier: Apache-2.0 */
/* api_sewn.c: the sewn-glove part of the API (docs/api.md, "Sewn gloves"):
 * styles and routings, orders, cuts and bundles, ticket PDFs, scans,
 * households with dispatch and return, work in progress and scanned output
 * with pay. A handler parses and checks the request, makes one app call
 * and renders: writes are app/sewn.c's (each run on the writer thread, so
 * a scan's checks, the worker list among them, and its write see one state
 * of the database), WIP is app/wip.c's, scanned output and pay app/pay.c's. */
#include "core/code.h"
#include "core/sewn.h"
#include "core/ticket.h"
#include "http/http_int.h"
#include "app/pay.h"
#include "app/sewn.h"
#include "app/wip.h"
#include "app/writer.h"
#include "util/num.h"
#include "util/err.h"
#include "util/ltime.h"
#include "util/table.h"
#include "util/ticket_pdf.h"
#include "util/utf8.h"
#include "util/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SCANS      500
#define MIN_SCAN_TS_MS 978307200000LL /* 2001-01-01 */
#define MAX_BUNDLES    100000

static const char *const categories[] = {"ski", "sports", "work", "fashion", "other"};
static const char *const families[] = {"sewn", "knitted", "dipped"};

static firmcal_cache *cals(http_req *r)
{
	return writer_cals(r->srv->app.w);
}

static int may_manage(http_req *r, int64_t ent)
{
	return http__can_manage(r, ent) ||
	       (r->role == ROLE_SUPERVISOR && r->user.enterprise_id == ent);
}

static enum MHD_Result forbidden(http_req *r)
{
	return http__reply_error(r, 403, "forbidden", -1,
				 "only the firm's admins and supervisors may do this");
}

static enum MHD_Result store_failed(http_req *r, int rc, const char *what, const char *code)
{
	return http__reply_status(r, rc, what, code);
}

/* ---- styles ---- */

static cJSON *style_json(http_req *r, const store_style *st)
{
	store_enterprise e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "enterprise", http__ent_code(r, st->enterprise_id, &e));
	cJSON_AddStringToObject(o, "code", st->code);
	cJSON_AddStringToObject(o, "name", st->name);
	cJSON_AddStringToObject(o, "category", st->category);
	cJSON_AddStringToObject(o, "family", st->family);
	cJSON_AddStringToObject(o, "materials", st->materials);
	cJSON *sz = cJSON_AddArrayToObject(o, "sizes");
	char sizes[sizeof st->sizes];
	memcpy(sizes, st->sizes, sizeof sizes);
	for (char *tok = strtok(sizes, ","); tok; tok = strtok(NULL, ","))
		cJSON_AddItemToArray(sz, cJSON_CreateString(tok));
	cJSON *rt = cJSON_AddArrayToObject(o, "routing");
	for (int32_t i = 0; i < st->n_ops; i++) {
		const store_style_op *op = &st->ops[i];
		char a[32], b[32];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "seq", op->seq);
		cJSON_AddStringToObject(x, "code", op->code);
		cJSON_AddStringToObject(x, "name", op->name);
		http__fixed_str(op->smv_c, 2, a, sizeof a);
		http__fixed_str(op->rate_y4, 4, b, sizeof b);
		cJSON_AddStringToObject(x, "smv", a);
		cJSON_AddStringToObject(x, "rate", b);
		cJSON_AddItemToArray(rt, x);
	}
	char t[32];
	http__fixed_str(sewn_style_smv(st), 2, t, sizeof t);
	cJSON_AddStringToObject(o, "smv_total", t);
	return o;
}

enum MHD_Result http__h_styles(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	http__refresh(r, db);
	if (http__resolve_enterprise(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	store_style *v = NULL;
	size_t n = 0;
	if (store_style_list(db, r->scope, ent, &v, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read styles");
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "styles");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, style_json(r, &v[i]));
	free(v);
	return http__reply_json(r, 200, out);
}

/* Reads a style body into *st; replies 400 naming the field on a problem. */
static int style_body(http_req *r, const cJSON *j, store_style *st, enum MHD_Result *ret)
{
	char ecode[40];
	if (http__field_text(r, j, "enterprise", 1, 1, ecode, sizeof ecode, ret) ||
	    http__firm_arg(r, ecode, &st->enterprise_id, ret) ||
	    http__field_text(r, j, "code", 1, 1, st->code, sizeof st->code, ret) ||
	    http__field_text(r, j, "name", 1, 0, st->name, sizeof st->name, ret) ||
	    http__field_text(r, j, "category", 1, 0, st->category, sizeof st->category, ret) ||
	    http__field_text(r, j, "family", 1, 0, st->family, sizeof st->family, ret) ||
	    http__field_text(r, j, "materials", 0, 0, st->materials, sizeof st->materials, ret))
		return -1;
	if (!http__one_of(st->category, categories, 5)) {
		*ret = http__reply_error(
		    r, 400, "bad_request", -1,
		    "field 'category' must be ski, sports, work, fashion or other");
		return -1;
	}
	if (!http__one_of(st->family, families, 3)) {
		*ret = http__reply_error(r, 400, "bad_request", -1,
					 "field 'family' must be sewn, knitted or dipped");
		return -1;
	}
	const cJSON *sizes = cJSON_GetObjectItemCaseSensitive(j, "sizes");
	if (!cJSON_IsArray(sizes) || cJSON_GetArraySize(sizes) < 1 ||
	    cJSON_GetArraySize(sizes) > STORE_MAX_SIZES) {
		*ret = http__reply_error(r, 400, "bad_request", -1,
					 "field 'sizes' must be an array of 1 to 16 sizes");
		return -1;
	}
	size_t used = 0;
	const cJSON *v;
	int i = 0;
	cJSON_ArrayForEach(v, sizes)
	{
		if (!cJSON_IsString(v) || !code_valid(v->valuestring) ||
		    strlen(v->valuestring) >= 8 || strchr(v->valuestring, ',')) {
			*ret = http__reply_error(r, 400, "bad_request", -1,
						 "sizes[%d] must be a size such as 8 or XL", i);
			return -1;
		}
		int w = snprintf(st->sizes + used, sizeof st->sizes - used, "%s%s", i ? "," : "",
				 v->valuestring);
		if (w < 0 || (size_t)w >= sizeof st->sizes - used) {
			*ret = http__reply_error(r, 400, "bad_request", -1, "too many sizes");
			return -1;
		}
		used += (size_t)w;
		i++;
	}
	const cJSON *rt = cJSON_GetObjectItemCaseSensitive(j, "routing");
	if (!cJSON_IsArray(rt) || cJSON_GetArraySize(rt) < 1 ||
	    cJSON_GetArraySize(rt) > STORE_MAX_OPS) {
		*ret = http__reply_error(r, 400, "bad_request", -1,
					 "field 'routing' must be an array of 1 to 64 operations");
		return -1;
	}
	st->n_ops = 0;
	cJSON_ArrayForEach(v, rt)
	{
		store_style_op *op = &st->ops[st->n_ops];
		char f[40], smv[24], rate[24];
		snprintf(f, sizeof f, "routing[%d]", (int)st->n_ops);
		if (!cJSON_IsObject(v)) {
			*ret =
			    http__reply_error(r, 400, "bad_request", -1, "%s must be an object", f);
			return -1;
		}
		static const char *const need[] = {"code", "name", "smv", "rate"};
		for (int k = 0; k < 4; k++) {
			const cJSON *fv = cJSON_GetObjectItemCaseSensitive(v, need[k]);
			if (!cJSON_IsString(fv) || !fv->valuestring[0]) {
				*ret =
				    http__reply_error(r, 400, "bad_request", -1,
						      "%s.%s is missing or not text", f, need[k]);
				return -1;
			}
		}
		if (http__field_text(r, v, "code", 1, 1, op->code, sizeof op->code, ret) ||
		    http__field_text(r, v, "name", 1, 0, op->name, sizeof op->name, ret) ||
		    http__field_text(r, v, "smv", 1, 0, smv, sizeof smv, ret) ||
		    http__field_text(r, v, "rate", 1, 0, rate, sizeof rate, ret))
			return -1;
		if (http__parse_fixed(smv, 2, 600000, &op->smv_c)) {
			*ret = http__reply_error(
			    r, 400, "bad_request", -1,
			    "%s.smv must be minutes with up to 2 decimals (\"1.20\")", f);
			return -1;
		}
		if (http__parse_fixed(rate, 4, 1000000000, &op->rate_y4)) {
			*ret = http__reply_error(
			    r, 400, "bad_request", -1,
			    "%s.rate must be yuan per pair with up to 4 decimals (\"0.1500\")", f);
			return -1;
		}
		for (int32_t k = 0; k < st->n_ops; k++) {
			if (strcmp(st->ops[k].code, op->code) == 0) {
				*ret = http__reply_error(r, 400, "bad_request", -1,
							 "%s.code '%s' appears twice", f, op->code);
				return -1;
			}
		}
		op->seq = ++st->n_ops;
	}
	return 0;
}

static enum MHD_Result add_style(http_req *r, store *db, store_style *st)
{
	if (!may_manage(r, st->enterprise_id)) {
		free(st);
		return forbidden(r);
	}
	int rc = sewn_add_style(r->srv->app.w, r->scope, st);
	if (rc) {
		enum MHD_Result ret = store_failed(r, rc, "style", st->code);
		free(st);
		return ret;
	}
	store_style *got = malloc(sizeof *got);
	cJSON *o = NULL;
	if (got && !store_style_get(db, r->scope, st->enterprise_id, st->code, 0, got))
		o = style_json(r, got);
	free(got);
	free(st);
	return o ? http__reply_json(r, 201, o)
		 : http__reply_error(r, 503, "unavailable", -1, "cannot read the style");
}

enum MHD_Result http__h_style_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	store_style *st = calloc(1, sizeof *st);
	if (!st) {
		cJSON_Delete(j);
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	}
	if (style_body(r, j, st, &ret)) {
		cJSON_Delete(j);
		free(st);
		return ret;
	}
	cJSON_Delete(j);
	return add_style(r, db, st);
}

enum MHD_Result http__h_style_copy(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	char ecode[40], from[40], code[33], name[128];
	int64_t ent;
	if (http__field_text(r, j, "enterprise", 1, 1, ecode, sizeof ecode, &ret) ||
	    http__field_text(r, j, "from", 1, 1, from, sizeof from, &ret) ||
	    http__field_text(r, j, "code", 1, 1, code, sizeof code, &ret) ||
	    http__field_text(r, j, "name", 1, 0, name, sizeof name, &ret) ||
	    http__firm_arg(r, ecode, &ent, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	store_style *st = malloc(sizeof *st);
	if (!st)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	if (store_style_get(db, r->scope, ent, from, 0, st)) {
		free(st);
		return http__reply_error(r, 404, "not_found", -1, "no style '%s'", from);
	}
	snprintf(st->code, sizeof st->code, "%s", code);
	snprintf(st->name, sizeof st->name, "%s", name);
	return add_style(r, db, st);
}

/* ---- orders ---- */

static cJSON *order_json(http_req *r, store *db, const store_order *o)
{
	store_enterprise e;
	store_style *st = malloc(sizeof *st);
	char due[11];
	cJSON *x = cJSON_CreateObject();
	cJSON_AddStringToObject(x, "enterprise", http__ent_code(r, o->enterprise_id, &e));
	cJSON_AddStringToObject(x, "code", o->code);
	cJSON_AddStringToObject(x, "buyer", o->buyer);
	if (st && !store_style_get(db, r->scope, 0, NULL, o->style_id, st)) {
		cJSON_AddStringToObject(x, "style", st->code);
		cJSON_AddStringToObject(x, "style_name", st->name);
		cJSON_AddStringToObject(x, "family", st->family);
	}
	free(st);
	tz_day_format(o->due_day, due);
	cJSON_AddStringToObject(x, "due", due);
	cJSON_AddStringToObject(x, "unit", o->unit);
	cJSON_AddStringToObject(x, "status", o->status);
	cJSON_AddNumberToObject(x, "created", (double)o->created_ms);
	cJSON *lines = cJSON_AddArrayToObject(x, "lines");
	for (int32_t i = 0; i < o->n_lines; i++) {
		cJSON *l = cJSON_CreateObject();
		cJSON_AddStringToObject(l, "size", o->lines[i].size);
		cJSON_AddNumberToObject(l, "pairs", (double)o->lines[i].pairs);
		cJSON_AddItemToArray(lines, l);
	}
	int64_t total = sewn_order_pairs(o);
	cJSON_AddNumberToObject(x, "pairs", (double)total);
	store_coop_part part;
	store_coop_order co;
	store_scope all = {0};
	if (!store_coop_part_of_prod(db, o->id, &part) &&
	    !store_coop_order_get(db, all, part.order_id, NULL, &co)) {
		/* a cooperative order's part: the lead's order it belongs to */
		cJSON *c = cJSON_AddObjectToObject(x, "coop");
		cJSON_AddStringToObject(c, "order", co.code);
		cJSON_AddStringToObject(c, "lead", http__ent_code(r, co.lead_id, &e));
		cJSON_AddNumberToObject(c, "pairs", (double)part.pairs);
	}
	int64_t dz, rest;
	qty_convert((qty){total * 2, UNIT_PIECE}, UNIT_DOZEN, &dz, &rest);
	cJSON_AddNumberToObject(x, "dozens", (double)dz);
	cJSON_AddNumberToObject(x, "dozens_rest_pieces", (double)rest);
	return x;
}

enum MHD_Result http__h_orders(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	http__refresh(r, db);
	if (http__resolve_enterprise(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	const char *status = http__arg(r, "status");
	store_order *v = NULL;
	size_t n = 0;
	if (store_order_list(db, r->scope, ent, status, &v, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read orders");
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "orders");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, order_json(r, db, &v[i]));
	free(v);
	return http__reply_json(r, 200, out);
}

enum MHD_Result http__h_order_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	store_order o;
	memset(&o, 0, sizeof o);
	char ecode[40], style[40], due[16];
	if (http__field_text(r, j, "enterprise", 1, 1, ecode, sizeof ecode, &ret) ||
	    http__firm_arg(r, ecode, &o.enterprise_id, &ret) ||
	    http__field_text(r, j, "code", 1, 1, o.code, sizeof o.code, &ret) ||
	    http__field_text(r, j, "buyer", 1, 0, o.buyer, sizeof o.buyer, &ret) ||
	    http__field_text(r, j, "style", 1, 1, style, sizeof style, &ret) ||
	    http__field_text(r, j, "due", 1, 0, due, sizeof due, &ret) ||
	    http__field_text(r, j, "unit", 0, 0, o.unit, sizeof o.unit, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	if (!may_manage(r, o.enterprise_id)) {
		cJSON_Delete(j);
		return forbidden(r);
	}
	if (!o.unit[0])
		snprintf(o.unit, sizeof o.unit, "pair");
	int u = unit_parse(o.unit);
	if (u != UNIT_PAIR && u != UNIT_DOZEN) {
		cJSON_Delete(j);
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'unit' must be pair or dozen");
	}
	snprintf(o.unit, sizeof o.unit, "%s", unit_name((unit)u));
	if (tz_day_parse(due, &o.due_day)) {
		cJSON_Delete(j);
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'due' must be YYYY-MM-DD");
	}
	store_style *st = malloc(sizeof *st);
	if (!st || store_style_get(db, r->scope, o.enterprise_id, style, 0, st)) {
		free(st);
		cJSON_Delete(j);
		return http__reply_error(r, 404, "not_found", -1, "no style '%s'", style);
	}
	const cJSON *lines = cJSON_GetObjectItemCaseSensitive(j, "lines");
	if (!cJSON_IsArray(lines) || cJSON_GetArraySize(lines) < 1 ||
	    cJSON_GetArraySize(lines) > STORE_MAX_SIZES) {
		free(st);
		cJSON_Delete(j);
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'lines' must be an array of 1 to 16 sizes");
	}
	const cJSON *l;
	cJSON_ArrayForEach(l, lines)
	{
		store_order_line *ol = &o.lines[o.n_lines];
		int64_t qn;
		char f[24];
		snprintf(f, sizeof f, "lines[%d]", (int)o.n_lines);
		if (!cJSON_IsObject(l) ||
		    http__field_text(r, l, "size", 1, 1, ol->size, sizeof ol->size, &ret) ||
		    http__field_int(r, l, "qty", 1, 10000000, 0, &qn, &ret)) {
			if (!cJSON_IsObject(l))
				ret = http__reply_error(r, 400, "bad_request", -1,
							"%s must be an object", f);
			free(st);
			cJSON_Delete(j);
			return ret;
		}
		char sizes[sizeof st->sizes + 2];
		char want[12];
		snprintf(sizes, sizeof sizes, ",%s,", st->sizes);
		snprintf(want, sizeof want, ",%s,", ol->size);
		if (!qn || !strstr(sizes, want)) {
			free(st);
			cJSON_Delete(j);
			return http__reply_error(r, 400, "bad_request", -1,
						 qn ? "%s: size '%s' is not a size of style %s"
						    : "%s: qty is missing",
						 f, ol->size, style);
		}
		for (int32_t k = 0; k < o.n_lines; k++) {
			if (strcmp(o.lines[k].size, ol->size) == 0) {
				free(st);
				cJSON_Delete(j);
				return http__reply_error(r, 400, "bad_request", -1,
							 "%s: size '%s' appears twice", f,
							 ol->size);
			}
		}
		int64_t pairs, rest;
		qty_convert((qty){qn, (unit)u}, UNIT_PAIR, &pairs, &rest);
		ol->pairs = pairs;
		o.n_lines++;
	}
	cJSON_Delete(j);
	o.style_id = st->id;
	free(st);
	snprintf(o.status, sizeof o.status, "open");
	o.created_ms = ltime_now_ms();
	int rc = sewn_add_order(r->srv->app.w, r->scope, &o);
	if (rc == GLOVED_EPERM) {
		/* the style comes from another firm's design whose licence is
		 * no longer granted (coop_order_royalty_tx): say so */
		int64_t design_id = 0, licence_id = 0;
		store_design *d = malloc(sizeof *d);
		store_design_licence lic;
		if (d && !store_style_design_get(db, o.style_id, &design_id, &licence_id) &&
		    licence_id && !store_design_get(db, design_id, d) &&
		    !store_design_licence_get(db, licence_id, 0, 0, &lic) &&
		    strcmp(lic.status, "granted")) {
			store_enterprise e;
			enum MHD_Result res = http__reply_error(
			    r, 403, "forbidden", -1,
			    "order %s: its style comes from design %s of %s, whose licence %lld "
			    "is %s; an order of it needs the licence granted again",
			    o.code, d->code, http__ent_code(r, d->enterprise_id, &e),
			    (long long)lic.id, lic.status);
			free(d);
			return res;
		}
		free(d);
	}
	if (rc)
		return store_failed(r, rc, "order", o.code);
	return http__reply_json(r, 201, order_json(r, db, &o));
}

/* The order of ?enterprise/?order or body fields; replies on failure. */
static int order_of(http_req *r, store *db, const char *ecode, const char *code, store_order *o,
		    enum MHD_Result *ret)
{
	int64_t ent;
	if (http__firm_arg(r, ecode, &ent, ret))
		return -1;
	if (!code || !*code || store_order_get(db, r->scope, ent, code, 0, o)) {
		*ret =
		    http__reply_error(r, 404, "not_found", -1, "no order '%s'", code ? code : "");
		return -1;
	}
	return 0;
}

enum MHD_Result http__h_order_release(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	char ecode[40], code[40];
	store_order o;
	if (http__field_text(r, j, "enterprise", 1, 1, ecode, sizeof ecode, &ret) ||
	    http__field_text(r, j, "order", 1, 1, code, sizeof code, &ret) ||
	    order_of(r, db, ecode, code, &o, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (!may_manage(r, o.enterprise_id))
		return forbidden(r);
	if (strcmp(o.status, "open") != 0)
		return http__reply_error(r, 409, "conflict", -1, "order %s is %s already", o.code,
					 o.status);
	int rc = sewn_set_order_status(r->srv->app.w, o.id, "released");
	if (rc)
		return store_failed(r, rc, "order", o.code);
	snprintf(o.status, sizeof o.status, "released");
	return http__reply_json(r, 200, order_json(r, db, &o));
}

enum MHD_Result http__h_order_machine(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	char ecode[40], code[40], mcode[40];
	store_order o;
	if (http__field_text(r, j, "enterprise", 1, 1, ecode, sizeof ecode, &ret) ||
	    http__field_text(r, j, "order", 1, 1, code, sizeof code, &ret) ||
	    http__field_text(r, j, "machine", 1, 1, mcode, sizeof mcode, &ret) ||
	    order_of(r, db, ecode, code, &o, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (!may_manage(r, o.enterprise_id))
		return forbidden(r);
	store_machine m;
	if (registry_machine_by_code(r->srv->app.reg, o.enterprise_id, mcode, &m))
		return http__reply_error(r, 404, "not_found", -1, "no machine '%s'", mcode);
	if (strcmp(o.status, "released") != 0)
		return http__reply_error(r, 409, "not_released", -1,
					 "order %s is %s: release it first", o.code, o.status);
	store_order_machine om = {o.id, m.id, ltime_now_ms(), 0};
	int rc = sewn_assign_machine(r->srv->app.w, &om);
	if (rc)
		return store_failed(r, rc, "assignment", mcode);
	cJSON *x = cJSON_CreateObject();
	cJSON_AddStringToObject(x, "order", o.code);
	cJSON_AddStringToObject(x, "machine", m.code);
	cJSON_AddNumberToObject(x, "from", (double)om.from_ms);
	return http__reply_json(r, 201, x);
}

/* ---- cuts, bundles, tickets ---- */

static cJSON *bundle_json(const store_bundle *b)
{
	cJSON *x = cJSON_CreateObject();
	cJSON_AddNumberToObject(x, "id", (double)b->id);
	cJSON_AddNumberToObject(x, "no", b->no);
	cJSON_AddStringToObject(x, "size", b->size);
	cJSON_AddNumberToObject(x, "qty", (double)b->pairs);
	cJSON_AddStringToObject(x, "unit", "pair");
	cJSON_AddNumberToObject(x, "cut", (double)b->cut_id);
	return x;
}

enum MHD_Result http__h_cut(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	char ecode[40], code[40];
	int64_t bs;
	store_order o;
	if (http__field_text(r, j, "enterprise", 1, 1, ecode, sizeof ecode, &ret) ||
	    http__field_text(r, j, "order", 1, 1, code, sizeof code, &ret) ||
	    http__field_int(r, j, "bundle_size", 1, SEWN_MAX_BUNDLE_PAIRS, 12, &bs, &ret) ||
	    order_of(r, db, ecode, code, &o, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	if (!may_manage(r, o.enterprise_id)) {
		cJSON_Delete(j);
		return forbidden(r);
	}
	if (strcmp(o.status, "released") != 0) {
		cJSON_Delete(j);
		return http__reply_error(r, 409, "not_released", -1,
					 "order %s is %s: only released orders are cut", o.code,
					 o.status);
	}
	const cJSON *lines = cJSON_GetObjectItemCaseSensitive(j, "lines");
	if (!cJSON_IsArray(lines) || cJSON_GetArraySize(lines) < 1 ||
	    cJSON_GetArraySize(lines) > STORE_MAX_SIZES) {
		cJSON_Delete(j);
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'lines' must be an array of 1 to 16 sizes");
	}
	sewn_cut_line cl[STORE_MAX_SIZES];
	size_t n = 0;
	const cJSON *l;
	cJSON_ArrayForEach(l, lines)
	{
		sewn_cut_line *x = &cl[n];
		char f[24];
		snprintf(f, sizeof f, "lines[%zu]", n);
		if (!cJSON_IsObject(l) ||
		    http__field_text(r, l, "size", 1, 1, x->size, sizeof x->size, &ret) ||
		    http__field_int(r, l, "plies", 1, SEWN_MAX_CUT_PAIRS, 0, &x->plies, &ret) ||
		    http__field_int(r, l, "pairs_per_ply", 1, 100, 1, &x->pairs_per_ply, &ret)) {
			if (!cJSON_IsObject(l))
				ret = http__reply_error(r, 400, "bad_request", -1,
							"%s must be an object", f);
			cJSON_Delete(j);
			return ret;
		}
		if (!x->plies) {
			cJSON_Delete(j);
			return http__reply_error(r, 400, "bad_request", -1,
						 "%s: field 'plies' is missing", f);
		}
		n++;
	}
	cJSON_Delete(j);
	int64_t cut_id = 0;
	store_bundle *bundles = NULL;
	size_t nb = 0;
	char msg[200];
	int rc = sewn_run_cut(r->srv->app.w, &o, cl, n, (int32_t)bs, ltime_now_ms(), &cut_id,
			      &bundles, &nb, msg, sizeof msg);
	if (rc == GLOVED_EINVAL)
		return http__reply_error(r, 400, "bad_request", -1, "%s", msg);
	if (rc)
		return store_failed(r, rc, "cut", o.code);
	cJSON *out = cJSON_CreateObject();
	cJSON_AddNumberToObject(out, "cut", (double)cut_id);
	cJSON_AddStringToObject(out, "order", o.code);
	cJSON *arr = cJSON_AddArrayToObject(out, "bundles");
	for (size_t i = 0; i < nb; i++)
		cJSON_AddItemToArray(arr, bundle_json(&bundles[i]));
	free(bundles);
	return http__reply_json(r, 201, out);
}

/* Bundles named by ?order= / ?cut= / ?bundle= of the caller's firm. */
static int bundles_arg(http_req *r, store *db, int64_t ent, store_bundle **out, size_t *n,
		       enum MHD_Result *ret)
{
	const char *oc = http__arg(r, "order"), *cs = http__arg(r, "cut"),
		   *bs = http__arg(r, "bundle");
	int64_t order_id = 0, cut_id = 0, bundle_id = 0;
	if (oc && *oc) {
		store_order o;
		if (store_order_get(db, r->scope, ent, oc, 0, &o)) {
			*ret = http__reply_error(r, 404, "not_found", -1, "no order '%s'", oc);
			return -1;
		}
		order_id = o.id;
	}
	char *end = NULL;
	if (cs && *cs && ((cut_id = strtoll(cs, &end, 10)) <= 0 || *end)) {
		*ret = http__reply_error(r, 400, "bad_request", -1, "'cut' must be a cut number");
		return -1;
	}
	if (bs && *bs && ((bundle_id = strtoll(bs, &end, 10)) <= 0 || *end)) {
		*ret = http__reply_error(r, 400, "bad_request", -1, "'bundle' must be a bundle id");
		return -1;
	}
	const char *ns = http__arg(r, "no");
	int64_t no = 0;
	if (ns && *ns && (!order_id || (no = strtoll(ns, &end, 10)) <= 0 || *end)) {
		*ret = http__reply_error(r, 400, "bad_request", -1,
					 "'no' is a bundle number of the ?order=");
		return -1;
	}
	if (!order_id && !cut_id && !bundle_id) {
		*ret =
		    http__reply_error(r, 400, "bad_request", -1, "name ?order=, ?cut= or ?bundle=");
		return -1;
	}
	if (store_bundle_list(db, r->scope, ent, order_id, cut_id, bundle_id, MAX_BUNDLES, out,
			      n)) {
		*ret = http__reply_error(r, 503, "unavailable", -1, "cannot read bundles");
		return -1;
	}
	if (no) { /* keep the one numbered so */
		size_t k = 0;
		for (size_t i = 0; i < *n; i++)
			if ((*out)[i].no == no)
				(*out)[k++] = (*out)[i];
		*n = k;
	}
	return 0;
}

enum MHD_Result http__h_bundles(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	http__refresh(r, db);
	if (http__firm_arg(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	store_bundle *v = NULL;
	size_t n = 0;
	if (bundles_arg(r, db, ent, &v, &n, &ret))
		return ret;
	uint8_t key[TICKET_KEY_LEN];
	int can_codes = may_manage(r, ent);
	if (can_codes && sewn_ticket_key(r->srv->app.w, db, ent, key)) {
		free(v);
		return http__reply_error(r, 503, "unavailable", -1, "cannot read the firm's key");
	}
	store_order *o = malloc(sizeof *o);
	store_style *st = malloc(sizeof *st);
	store_scan *sc = NULL;
	size_t ns = 0;
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "bundles");
	int64_t cur_order = 0;
	int ok = o && st;
	for (size_t i = 0; i < n && ok; i++) {
		if (v[i].order_id != cur_order) {
			free(sc);
			sc = NULL;
			ns = 0;
			ok = !store_order_get(db, r->scope, 0, NULL, v[i].order_id, o) &&
			     !store_style_get(db, r->scope, 0, NULL, o->style_id, st) &&
			     !store_scan_list(db, r->scope, v[i].order_id, 0, &sc, &ns);
			cur_order = v[i].order_id;
			if (!ok)
				break;
		}
		cJSON *x = bundle_json(&v[i]);
		cJSON_AddStringToObject(x, "order", o->code);
		cJSON_AddStringToObject(x, "style", st->code);
		if (v[i].household_id) {
			store_household h;
			if (!store_household_get(db, r->scope, 0, NULL, v[i].household_id, &h))
				cJSON_AddStringToObject(x, "household", h.code);
			cJSON_AddNumberToObject(x, "out_since", (double)v[i].out_ms);
		}
		cJSON *ops = cJSON_AddArrayToObject(x, "ops");
		for (int32_t k = 0; k < st->n_ops; k++) {
			cJSON *y = cJSON_CreateObject();
			cJSON_AddNumberToObject(y, "seq", st->ops[k].seq);
			cJSON_AddStringToObject(y, "name", st->ops[k].name);
			if (can_codes) {
				char code[TICKET_CODE_BUF];
				ticket_code(key, v[i].id, st->ops[k].seq, code, sizeof code);
				cJSON_AddStringToObject(y, "code", code);
			}
			const store_scan *done = NULL;
			/* scans are by bundle and seq: the bundle's first by bisection */
			size_t lo = 0, hi = ns;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (sc[mid].bundle_id < v[i].id ||
				    (sc[mid].bundle_id == v[i].id && sc[mid].seq < st->ops[k].seq))
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < ns && sc[lo].bundle_id == v[i].id && sc[lo].seq == st->ops[k].seq)
				done = &sc[lo];
			if (done) {
				cJSON_AddNumberToObject(y, "done", (double)done->ts_ms);
				cJSON_AddStringToObject(y, "by", done->worker);
			}
			cJSON_AddItemToArray(ops, y);
		}
		cJSON_AddItemToArray(arr, x);
	}
	free(sc);
	free(o);
	free(st);
	free(v);
	if (!ok) {
		cJSON_Delete(out);
		return http__reply_error(r, 503, "unavailable", -1, "cannot read bundles");
	}
	return http__reply_json(r, 200, out);
}

enum MHD_Result http__h_tickets(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	http__refresh(r, db);
	if (http__firm_arg(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	if (!may_manage(r, ent))
		return forbidden(r);
	store_bundle *v = NULL;
	size_t n = 0;
	if (bundles_arg(r, db, ent, &v, &n, &ret))
		return ret;
	if (n == 0) {
		free(v);
		return http__reply_error(r, 404, "not_found", -1, "no bundles");
	}
	if (n > TICKET_MAX_BUNDLES) {
		free(v);
		return http__reply_error(r, 400, "too_large", -1,
					 "at most %d bundles per ticket file: print by cut",
					 TICKET_MAX_BUNDLES);
	}
	uint8_t key[TICKET_KEY_LEN];
	if (sewn_ticket_key(r->srv->app.w, db, ent, key)) {
		free(v);
		return http__reply_error(r, 503, "unavailable", -1, "cannot read the firm's key");
	}
	store_enterprise e;
	registry_enterprise(r->srv->app.reg, ent, &e);
	/* strings for every bundle: orders and styles looked up once per order */
	size_t nops_total = 0;
	store_order *o = malloc(sizeof *o);
	store_style *st = malloc(sizeof *st);
	ticket_bundle *tb = calloc(n, sizeof *tb);
	ticket_op *ops = calloc(n * STORE_MAX_OPS, sizeof *ops);
	char(*codes)[TICKET_CODE_BUF] = calloc(n * STORE_MAX_OPS, TICKET_CODE_BUF);
	char(*names)[64] = calloc(n * STORE_MAX_OPS, 64);
	char(*orders)[33] = calloc(n, 33);
	char(*styles)[168] = calloc(n, 168);
	int rc = o && st && tb && ops && codes && names && orders && styles ? 0 : GLOVED_ENOMEM;
	int64_t cur = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (v[i].order_id != cur) {
			if (store_order_get(db, r->scope, 0, NULL, v[i].order_id, o) ||
			    store_style_get(db, r->scope, 0, NULL, o->style_id, st))
				rc = GLOVED_EDB;
			cur = v[i].order_id;
		}
		snprintf(orders[i], 33, "%s", o->code);
		snprintf(styles[i], 168, "%s %s", st->code, st->name);
		tb[i].firm = e.name;
		tb[i].order = orders[i];
		tb[i].style = styles[i];
		tb[i].size = v[i].size;
		tb[i].bundle_no = v[i].no;
		tb[i].qty = (int)v[i].pairs;
		tb[i].unit_zh = "双";
		tb[i].ops = &ops[i * STORE_MAX_OPS];
		tb[i].n_ops = (size_t)st->n_ops;
		for (int32_t k = 0; k < st->n_ops; k++) {
			size_t at = i * STORE_MAX_OPS + (size_t)k;
			ticket_code(key, v[i].id, st->ops[k].seq, codes[at], TICKET_CODE_BUF);
			snprintf(names[at], 64, "%s", st->ops[k].name);
			ops[at] = (ticket_op){st->ops[k].seq, names[at], codes[at]};
		}
		nops_total += (size_t)st->n_ops;
	}
	buf b;
	buf_init(&b, 64u << 20);
	if (!rc && nops_total > TICKET_MAX_CELLS)
		rc = GLOVED_ETOOBIG;
	if (!rc)
		rc = ticket_pdf(tb, n, &b);
	free(o);
	free(st);
	free(tb);
	free(ops);
	free(codes);
	free(names);
	free(orders);
	free(styles);
	free(v);
	if (rc) {
		buf_free(&b);
		return rc == GLOVED_ETOOBIG
			   ? http__reply_error(r, 400, "too_large", -1,
					       "too many tickets for one file: print by cut")
			   : http__reply_error(r, 503, "unavailable", -1,
					       "cannot make the ticket PDF: %s",
					       gloved_strerror(rc));
	}
	size_t len = b.len;
	return http__reply_file(r, "application/pdf", buf_steal(&b), len, "gloved-tickets.pdf");
}

enum MHD_Result http__h_sewn_settings(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	char ecode[40], check[12];
	int64_t ent;
	if (http__field_text(r, j, "enterprise", 1, 1, ecode, sizeof ecode, &ret) ||
	    http__firm_arg(r, ecode, &ent, &ret) ||
	    http__field_text(r, j, "order_check", 1, 0, check, sizeof check, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (!http__can_manage(r, ent))
		return forbidden(r);
	if (strcmp(check, "refuse") != 0 && strcmp(check, "warn") != 0)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'order_check' must be refuse or warn");
	int rc = sewn_set_order_check(r->srv->app.w, ent, check);
	if (rc)
		return store_failed(r, rc, "setting", ecode);
	cJSON *x = cJSON_CreateObject();
	cJSON_AddStringToObject(x, "enterprise", ecode);
	cJSON_AddStringToObject(x, "order_check", check);
	return http__reply_json(r, 200, x);
}

/* ---- scans ---- */

static cJSON *scan_json(const sewn_scan_res *x, const firm_cal *fc)
{
	cJSON *o = cJSON_CreateObject();
	if (x->status != 200) {
		cJSON *e = cJSON_AddObjectToObject(o, "error");
		cJSON_AddStringToObject(e, "code", x->error);
		cJSON_AddStringToObject(e, "message", x->message);
		if (x->by_worker[0])
			cJSON_AddStringToObject(e, "by", x->by_worker);
		if (x->by_household[0])
			cJSON_AddStringToObject(e, "household", x->by_household);
		if (x->missing_seq) {
			cJSON_AddNumberToObject(e, "seq", x->missing_seq);
			cJSON_AddStringToObject(e, "op", x->missing_op);
		}
		if (x->by_ts) {
			char when[20];
			tz_minute_format(&fc->zone, x->by_ts, when);
			cJSON_AddNumberToObject(e, "at", (double)x->by_ts);
			cJSON_AddStringToObject(e, "at_local", when);
		}
		return o;
	}
	cJSON_AddStringToObject(o, "style", x->style_code);
	cJSON_AddStringToObject(o, "style_name", x->style_name);
	cJSON_AddStringToObject(o, "order", x->order_code);
	cJSON_AddNumberToObject(o, "bundle", x->bundle.no);
	cJSON_AddStringToObject(o, "size", x->bundle.size);
	cJSON_AddNumberToObject(o, "seq", x->op.seq);
	cJSON_AddStringToObject(o, "op", x->op.name);
	cJSON_AddNumberToObject(o, "qty", (double)x->scan.pairs);
	cJSON_AddStringToObject(o, "unit", "pair");
	cJSON_AddStringToObject(o, "worker", x->scan.worker);
	cJSON_AddNumberToObject(o, "ts", (double)x->scan.ts_ms);
	cJSON_AddNumberToObject(o, "today_pairs", (double)x->today_pairs);
	char m[32];
	wage_fen_format(x->today_pay_fen, m, sizeof m);
	cJSON_AddStringToObject(o, "today_pay", m);
	if (x->repeat)
		cJSON_AddTrueToObject(o, "repeat");
	if (x->warning[0]) {
		cJSON_AddStringToObject(o, "warning", x->warning);
		cJSON_AddStringToObject(o, "warning_code", "out_of_order");
		cJSON_AddNumberToObject(o, "warning_seq", x->missing_seq);
		cJSON_AddStringToObject(o, "warning_op", x->missing_op);
	}
	return o;
}

/* A scan's text field into dst (cap bytes): strict UTF-8 without control
 * characters, or a code (core/code.h) when code is set; required: present
 * and not empty. 0, or -1 with why. The checks of http__field_text, made
 * here so that the error of a batch can name its scan. */
static int scan_text(const cJSON *j, const char *key, int required, int code, char *dst, size_t cap,
		     char *why, size_t wlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	dst[0] = '\0';
	if (!v || cJSON_IsNull(v)) {
		if (!required)
			return 0;
		snprintf(why, wlen, "field '%s' is missing", key);
		return -1;
	}
	const char *t = cJSON_IsString(v) ? v->valuestring : NULL;
	size_t n = t ? strlen(t) : 0;
	int ok = t && n < cap && (!required || n > 0);
	if (ok && code) {
		ok = code_valid(t);
	} else if (ok) {
		for (const unsigned char *p = (const unsigned char *)t; ok && *p;) {
			uint32_t cp;
			size_t k = utf8_next(p, &cp);
			ok = k > 0 && cp >= 0x20;
			p += k;
		}
	}
	if (!ok) {
		if (code)
			snprintf(why, wlen, "field '%s' must be 1-32 characters of A-Z a-z 0-9 _ -",
				 key);
		else
			snprintf(why, wlen, "field '%s' must be UTF-8 text of %s%zu bytes", key,
				 required ? "1-" : "at most ", cap - 1);
		return -1;
	}
	memcpy(dst, t, n + 1);
	return 0;
}

/* One scan object into q. 0, or -1 with why (the caller answers 400). */
static int scan_item(http_req *r, const cJSON *j, sewn_scan_req *q, int64_t now, char *why,
		     size_t wlen)
{
	static const char *const keys[] = {"code", "scan_id", "ts", "worker"};
	memset(q, 0, sizeof q[0]);
	q->enterprise_id = r->user.enterprise_id;
	if (!cJSON_IsObject(j)) {
		snprintf(why, wlen, "a scan must be an object");
		return -1;
	}
	/* cJSON reads the first of a repeated key, another reader the last;
	 * one pass, so a scan with many other keys costs no more than reading */
	int seen[sizeof keys / sizeof keys[0]] = {0};
	for (const cJSON *a = j->child; a; a = a->next)
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			if (a->string && !strcmp(a->string, keys[k]) && seen[k]++) {
				snprintf(why, wlen, "field '%s' appears twice", keys[k]);
				return -1;
			}
	if (scan_text(j, "code", 1, 0, q->code, sizeof q->code, why, wlen) ||
	    scan_text(j, "scan_id", 0, 0, q->scan_id, sizeof q->scan_id, why, wlen))
		return -1;
	const cJSON *ts = cJSON_GetObjectItemCaseSensitive(j, "ts");
	q->ts_ms = now;
	if (ts && !cJSON_IsNull(ts) &&
	    (!cJSON_IsNumber(ts) ||
	     !num_whole(ts->valuedouble, MIN_SCAN_TS_MS, now + 300000, &q->ts_ms))) {
		snprintf(why, wlen,
			 "field 'ts' must be Unix milliseconds, a whole number in %lld..%lld (now "
			 "+ 5 min)",
			 (long long)MIN_SCAN_TS_MS, (long long)(now + 300000));
		return -1;
	}
	if (r->role == ROLE_WORKER)
		snprintf(q->worker, sizeof q->worker, "%s", r->user.worker);
	else if (scan_text(j, "worker", 1, 1, q->worker, sizeof q->worker, why, wlen))
		return -1;
	return 0;
}

enum MHD_Result http__h_scans(http_req *r, store *db)
{
	http__refresh(r, db);
	int64_t ent = r->user.enterprise_id;
	if (!ent || (r->role != ROLE_WORKER && !may_manage(r, ent)))
		return http__reply_error(
		    r, 403, "forbidden", -1,
		    "scans come from a firm's workers, supervisors and admins");
	cJSON *j = json_parse_all(r->body.data, r->body.len);
	if (!cJSON_IsObject(j) && !cJSON_IsArray(j)) {
		cJSON_Delete(j);
		return http__reply_error(r, 400, "bad_request", -1,
					 "the body must be a scan object or an array of them");
	}
	int batch = cJSON_IsArray(j);
	size_t n = batch ? (size_t)cJSON_GetArraySize(j) : 1;
	if (n == 0 || n > MAX_SCANS) {
		cJSON_Delete(j);
		if (n == 0)
			return http__reply_error(r, 400, "bad_request", -1,
						 "no scans: 1 to %d scans per request", MAX_SCANS);
		return http__reply_error(r, 413, "too_large", -1,
					 "%zu scans: at most %d per request", n, MAX_SCANS);
	}
	sewn_scan_req *req = calloc(n, sizeof *req);
	sewn_scan_res *res = calloc(n, sizeof *res);
	if (!req || !res) {
		free(req);
		free(res);
		cJSON_Delete(j);
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	}
	int64_t now = ltime_now_ms();
	size_t i = 0;
	const cJSON *x = batch ? j->child : j;
	for (; x && i < n; x = batch ? x->next : NULL, i++) {
		char why[160];
		if (scan_item(r, x, &req[i], now, why, sizeof why)) {
			free(req);
			free(res);
			cJSON_Delete(j);
			/* nothing of a batch is scanned when one of its scans is malformed */
			if (batch)
				return http__reply_error(r, 400, "bad_request", (long)i,
							 "record %zu: %s", i, why);
			return http__reply_error(r, 400, "bad_request", -1, "%s", why);
		}
	}
	cJSON_Delete(j);
	int rc = sewn_run_scan(r->srv->app.w, req, n, res);
	free(req);
	/* a worker the firm's list does not have refuses the request */
	for (i = 0; rc == GLOVED_EINVAL && i < n; i++) {
		if (strcmp(res[i].error, "unknown_worker") == 0) {
			enum MHD_Result e =
			    http__reply_error(r, 400, res[i].error, -1, "%s", res[i].message);
			free(res);
			return e;
		}
	}
	if (rc) {
		free(res);
		return http__reply_error(r, 503, "unavailable", -1, "cannot record the scan: %s",
					 gloved_strerror(rc));
	}
	const firm_cal *fc = firmcal_get(cals(r), db, ent);
	cJSON *out;
	unsigned status = 200;
	if (!batch) {
		out = scan_json(&res[0], fc);
		status = (unsigned)res[0].status;
	} else {
		out = cJSON_CreateObject();
		cJSON *arr = cJSON_AddArrayToObject(out, "results");
		size_t ok = 0;
		for (i = 0; i < n; i++) {
			cJSON *y = scan_json(&res[i], fc);
			cJSON_AddNumberToObject(y, "status", res[i].status);
			cJSON_AddItemToArray(arr, y);
			ok += res[i].status == 200;
		}
		cJSON_AddNumberToObject(out, "accepted", (double)ok);
	}
	free(res);
	return http__reply_json(r, status, out);
}

/* ---- households ---- */

enum MHD_Result http__h_households(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	http__refresh(r, db);
	if (http__resolve_enterprise(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	wip_household *v = NULL;
	size_t n = 0;
	if (wip_households(db, r->scope, ent, &v, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read households");
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "households");
	for (size_t i = 0; i < n; i++) {
		const store_household *h = &v[i].h;
		store_enterprise e;
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "enterprise", http__ent_code(r, h->enterprise_id, &e));
		cJSON_AddStringToObject(x, "code", h->code);
		cJSON_AddStringToObject(x, "name", h->name);
		cJSON_AddStringToObject(x, "village", h->village);
		cJSON_AddStringToObject(x, "phone", h->phone);
		cJSON_AddNumberToObject(x, "rate_pct", h->rate_pct);
		cJSON_AddNumberToObject(x, "bundles_out", (double)v[i].bundles_out);
		cJSON_AddNumberToObject(x, "pairs_out", (double)v[i].pairs_out);
		cJSON_AddItemToArray(arr, x);
	}
	free(v);
	return http__reply_json(r, 200, out);
}

enum MHD_Result http__h_household_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	store_household h;
	memset(&h, 0, sizeof h);
	char ecode[40];
	int64_t pct;
	if (http__field_text(r, j, "enterprise", 1, 1, ecode, sizeof ecode, &ret) ||
	    http__firm_arg(r, ecode, &h.enterprise_id, &ret) ||
	    http__field_text(r, j, "code", 1, 1, h.code, sizeof h.code, &ret) ||
	    http__field_text(r, j, "name", 1, 0, h.name, sizeof h.name, &ret) ||
	    http__field_text(r, j, "village", 0, 0, h.village, sizeof h.village, &ret) ||
	    http__field_text(r, j, "phone", 0, 0, h.phone, sizeof h.phone, &ret) ||
	    http__field_int(r, j, "rate_pct", 1, 1000, 100, &pct, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (!may_manage(r, h.enterprise_id))
		return forbidden(r);
	h.rate_pct = (int32_t)pct;
	int rc = sewn_add_household(r->srv->app.w, r->scope, &h);
	if (rc)
		return store_failed(r, rc, "household", h.code);
	cJSON *x = cJSON_CreateObject();
	cJSON_AddStringToObject(x, "enterprise", ecode);
	cJSON_AddStringToObject(x, "code", h.code);
	cJSON_AddStringToObject(x, "name", h.name);
	cJSON_AddNumberToObject(x, "rate_pct", h.rate_pct);
	return http__reply_json(r, 201, x);
}

/* The parsed body of a dispatch or a return. */
typedef struct disp_args {
	int64_t ent;
	int64_t *bundles;
	size_t nb;
	int32_t *ops;
	size_t nops;
	int64_t bundle_id, returned, missing, damaged;
} disp_args;

enum MHD_Result http__h_dispatch(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	char ecode[40], hcode[40];
	disp_args c = {0};
	store_household h;
	if (http__field_text(r, j, "enterprise", 1, 1, ecode, sizeof ecode, &ret) ||
	    http__firm_arg(r, ecode, &c.ent, &ret) ||
	    http__field_text(r, j, "household", 1, 1, hcode, sizeof hcode, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	if (!may_manage(r, c.ent)) {
		cJSON_Delete(j);
		return forbidden(r);
	}
	if (store_household_get(db, r->scope, c.ent, hcode, 0, &h)) {
		cJSON_Delete(j);
		return http__reply_error(r, 404, "not_found", -1, "no household '%s'", hcode);
	}
	const cJSON *bs = cJSON_GetObjectItemCaseSensitive(j, "bundles");
	const cJSON *os = cJSON_GetObjectItemCaseSensitive(j, "ops");
	if (!cJSON_IsArray(bs) || cJSON_GetArraySize(bs) < 1 || cJSON_GetArraySize(bs) > 1000 ||
	    !cJSON_IsArray(os) || cJSON_GetArraySize(os) < 1 ||
	    cJSON_GetArraySize(os) > STORE_MAX_OPS) {
		cJSON_Delete(j);
		return http__reply_error(r, 400, "bad_request", -1,
					 "fields 'bundles' (1-1000 bundle ids) and 'ops' (1-64 "
					 "operation numbers) must be arrays");
	}
	c.bundles = calloc((size_t)cJSON_GetArraySize(bs), sizeof *c.bundles);
	c.ops = calloc((size_t)cJSON_GetArraySize(os), sizeof *c.ops);
	const cJSON *v;
	int bad = !c.bundles || !c.ops;
	cJSON_ArrayForEach(v, bs)
	{
		if (bad || !cJSON_IsNumber(v) || !num_whole(v->valuedouble, 1, INT64_MAX, NULL)) {
			bad = 1;
			break;
		}
		c.bundles[c.nb++] = (int64_t)v->valuedouble;
	}
	cJSON_ArrayForEach(v, os)
	{
		if (bad || !cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 999 ||
		    v->valuedouble != (double)(int)v->valuedouble) {
			bad = 1;
			break;
		}
		c.ops[c.nops++] = (int32_t)v->valuedouble;
	}
	cJSON_Delete(j);
	if (bad) {
		free(c.bundles);
		free(c.ops);
		return http__reply_error(r, 400, "bad_request", -1,
					 "bundles are bundle ids, ops operation numbers");
	}
	char msg[200];
	int rc = sewn_run_dispatch(r->srv->app.w, c.ent, h.id, c.bundles, c.nb, c.ops, c.nops,
				   ltime_now_ms(), msg, sizeof msg);
	free(c.bundles);
	free(c.ops);
	if (rc == GLOVED_EINVAL)
		return http__reply_error(r, 409, "conflict", -1, "%s", msg);
	if (rc)
		return store_failed(r, rc, "dispatch", hcode);
	cJSON *x = cJSON_CreateObject();
	cJSON_AddStringToObject(x, "household", h.code);
	cJSON_AddNumberToObject(x, "bundles", (double)c.nb);
	return http__reply_json(r, 201, x);
}

enum MHD_Result http__h_return(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	char ecode[40];
	disp_args c = {0};
	if (http__field_text(r, j, "enterprise", 1, 1, ecode, sizeof ecode, &ret) ||
	    http__firm_arg(r, ecode, &c.ent, &ret) ||
	    http__field_int(r, j, "bundle", 1, INT64_MAX / 2, 0, &c.bundle_id, &ret) ||
	    http__field_int(r, j, "returned", 0, SEWN_MAX_BUNDLE_PAIRS, -1, &c.returned, &ret) ||
	    http__field_int(r, j, "missing", 0, SEWN_MAX_BUNDLE_PAIRS, 0, &c.missing, &ret) ||
	    http__field_int(r, j, "damaged", 0, SEWN_MAX_BUNDLE_PAIRS, 0, &c.damaged, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (!may_manage(r, c.ent))
		return forbidden(r);
	if (!c.bundle_id || c.returned < 0)
		return http__reply_error(r, 400, "bad_request", -1,
					 "fields 'bundle' and 'returned' are required");
	char msg[200];
	int64_t pay_fen = 0;
	int rc = sewn_run_return(r->srv->app.w, c.ent, c.bundle_id, c.returned, c.missing,
				 c.damaged, ltime_now_ms(), &pay_fen, msg, sizeof msg);
	if (rc == GLOVED_EINVAL)
		return http__reply_error(r, 409, "conflict", -1, "%s", msg);
	if (rc == GLOVED_ENOTFOUND)
		return http__reply_error(r, 404, "not_found", -1, "%s", msg);
	if (rc)
		return store_failed(r, rc, "return", "");
	char m[32];
	wage_fen_format(pay_fen, m, sizeof m);
	cJSON *x = cJSON_CreateObject();
	cJSON_AddNumberToObject(x, "bundle", (double)c.bundle_id);
	cJSON_AddNumberToObject(x, "good", (double)(c.returned - c.damaged));
	cJSON_AddStringToObject(x, "unit", "pair");
	cJSON_AddStringToObject(x, "pay", m);
	return http__reply_json(r, 200, x);
}

/* ---- WIP ---- */

static cJSON *wip_json(const wip_order *o)
{
	cJSON *x = cJSON_CreateObject();
	char due[11];
	tz_day_format(o->due_day, due);
	cJSON_AddStringToObject(x, "order", o->order);
	cJSON_AddStringToObject(x, "style", o->style);
	cJSON_AddStringToObject(x, "family", o->family);
	cJSON_AddStringToObject(x, "status", o->status);
	cJSON_AddStringToObject(x, "due", due);
	cJSON_AddNumberToObject(x, "ordered", (double)o->ordered_pairs);
	cJSON_AddNumberToObject(x, "cut", (double)o->cut_pairs);
	cJSON_AddStringToObject(x, "unit", "pair");
	cJSON *ops = cJSON_AddArrayToObject(x, "ops");
	for (size_t k = 0; k < o->n_ops; k++) {
		cJSON *y = cJSON_CreateObject();
		cJSON_AddNumberToObject(y, "seq", o->ops[k].seq);
		cJSON_AddStringToObject(y, "name", o->ops[k].name);
		cJSON_AddNumberToObject(y, "done", (double)o->ops[k].done_pairs);
		cJSON_AddNumberToObject(y, "bundles_done", (double)o->ops[k].bundles_done);
		cJSON_AddNumberToObject(y, "waiting", (double)o->ops[k].waiting_pairs);
		cJSON_AddItemToArray(ops, y);
	}
	cJSON_AddNumberToObject(x, "finished", (double)o->finished_pairs);
	if (o->bottleneck) {
		cJSON_AddNumberToObject(x, "bottleneck", o->bottleneck);
		cJSON_AddStringToObject(x, "bottleneck_name", o->bottleneck_name);
	} else {
		cJSON_AddNullToObject(x, "bottleneck");
	}
	if (o->projected_known) {
		char pd[11];
		tz_day_format(o->projected_day, pd);
		cJSON_AddStringToObject(x, "projected", pd);
	} else {
		cJSON_AddNullToObject(x, "projected");
	}
	cJSON_AddBoolToObject(x, "late", o->late);
	cJSON *hh = cJSON_AddArrayToObject(x, "at_households");
	for (size_t k = 0; k < o->n_out; k++) {
		const wip_out *b = &o->out[k];
		cJSON *y = cJSON_CreateObject();
		cJSON_AddNumberToObject(y, "bundle", b->bundle_no);
		cJSON_AddNumberToObject(y, "pairs", (double)b->pairs);
		if (b->household[0]) {
			cJSON_AddStringToObject(y, "household", b->household);
			cJSON_AddStringToObject(y, "name", b->name);
		}
		cJSON_AddNumberToObject(y, "since", (double)b->since_ms);
		cJSON_AddNumberToObject(y, "days", (double)b->days);
		cJSON_AddItemToArray(hh, y);
	}
	return x;
}

enum MHD_Result http__h_wip(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent, order_id = 0;
	http__refresh(r, db);
	if (http__firm_arg(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	const char *oc = http__arg(r, "order");
	if (oc && *oc) {
		store_order o;
		if (store_order_get(db, r->scope, ent, oc, 0, &o))
			return http__reply_error(r, 404, "not_found", -1, "no order '%s'", oc);
		order_id = o.id;
	}
	const firm_cal *fc = firmcal_get(cals(r), db, ent);
	wip_result w;
	if (!fc || wip_get(db, fc, r->scope, ent, order_id, ltime_now_ms(), &w))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read WIP");
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "orders");
	for (size_t i = 0; i < w.n; i++)
		cJSON_AddItemToArray(arr, wip_json(&w.orders[i]));
	wip_free(&w);
	return http__reply_json(r, 200, out);
}

/* ---- scanned output and pay ---- */

static const table_col so_cols[] = {
    {"日期", "Day", NULL, NULL, TABLE_DATE},
    {"工号/加工户", "Worker/household", NULL, NULL, TABLE_TEXT},
    {"姓名", "Name", NULL, NULL, TABLE_TEXT},
    {"完成", "Done", "双", "pair", TABLE_INT},
    {"奖励", "Bonus", "元", "yuan", TABLE_FEN},
    {"计件工资", "Pay", "元", "yuan", TABLE_FEN},
};

/* group=worker: the range per worker, its first column the days worked */
static const table_col so_cols_w[] = {
    {"天数", "Days", NULL, NULL, TABLE_TEXT},
    {"工号/加工户", "Worker/household", NULL, NULL, TABLE_TEXT},
    {"姓名", "Name", NULL, NULL, TABLE_TEXT},
    {"完成", "Done", "双", "pair", TABLE_INT},
    {"奖励", "Bonus", "元", "yuan", TABLE_FEN},
    {"计件工资", "Pay", "元", "yuan", TABLE_FEN},
};

enum MHD_Result http__h_scan_output(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	http__refresh(r, db);
	if (http__firm_arg(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	const firm_cal *fc = firmcal_get(cals(r), db, ent);
	int32_t today = tz_day_of(&fc->zone, ltime_now_ms());
	int32_t d0 = today, d1 = today;
	const char *fs = http__arg(r, "from"), *ts = http__arg(r, "to"),
		   *f = http__arg(r, "format");
	if ((fs && *fs && tz_day_parse(fs, &d0)) || (ts && *ts && tz_day_parse(ts, &d1)) ||
	    d1 < d0 || d1 - d0 > 400)
		return http__reply_error(r, 400, "bad_request", -1,
					 "'from' and 'to' must be dates YYYY-MM-DD, in order, at "
					 "most 400 days apart");
	int fmt = !f || !*f || strcmp(f, "json") == 0 ? 0
		  : strcmp(f, "csv") == 0             ? 1
		  : strcmp(f, "xlsx") == 0            ? 2
						      : -1;
	if (fmt < 0)
		return http__reply_error(r, 400, "bad_request", -1,
					 "'format' must be json, csv or xlsx");
	const char *gs = http__arg(r, "group");
	int per_worker = gs && strcmp(gs, "worker") == 0;
	if (gs && *gs && !per_worker && strcmp(gs, "day") != 0)
		return http__reply_error(r, 400, "bad_request", -1,
					 "'group' must be day or worker");
	pay_output po;
	if (pay_scan_output(db, r->scope, ent, d0, d1, per_worker, &po))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read scans");
	int lang_en = http__arg(r, "lang") && strcmp(http__arg(r, "lang"), "en") == 0;
	cJSON *out = fmt ? NULL : cJSON_CreateObject();
	cJSON *arr = out ? cJSON_AddArrayToObject(out, "rows") : NULL;
	table *t = NULL;
	int rc = fmt ? table_new(per_worker ? so_cols_w : so_cols, 6, &t) : 0;
	for (size_t i = 0; i < po.n && !rc; i++) {
		const pay_row *x = &po.rows[i];
		char day[11], m[32], bm[32], days_s[24];
		tz_day_format(x->day, day);
		wage_fen_format(x->pay_fen, m, sizeof m);
		wage_fen_format(x->bonus_fen, bm, sizeof bm);
		snprintf(days_s, sizeof days_s, "%lld", (long long)x->days);
		if (out) {
			cJSON *y = cJSON_CreateObject();
			if (per_worker)
				cJSON_AddNumberToObject(y, "days", (double)x->days);
			else
				cJSON_AddStringToObject(y, "day", day);
			cJSON_AddStringToObject(y, x->household ? "household" : "worker", x->who);
			cJSON_AddStringToObject(y, "name", x->name);
			cJSON_AddNumberToObject(y, "pairs", (double)x->pairs);
			cJSON_AddStringToObject(y, "unit", "pair");
			cJSON_AddStringToObject(y, "bonus", bm);
			cJSON_AddStringToObject(y, "pay", m);
			cJSON_AddItemToArray(arr, y);
		} else {
			table_cell c[6] = {{0, 0, per_worker ? days_s : day},
					   {0, 0, x->who},
					   {0, 0, x->name},
					   {0, x->pairs, NULL},
					   {0, x->bonus_fen, NULL},
					   {0, x->pay_fen, NULL}};
			rc = table_add_row(t, c);
		}
	}
	int64_t tp = po.pairs, tb = po.bonus_fen, tf = po.pay_fen;
	pay_output_free(&po);
	if (fmt) {
		table_cell c[6] = {{0, 0, lang_en ? "Total" : "合计"},
				   {1, 0, NULL},
				   {1, 0, NULL},
				   {0, tp, NULL},
				   {0, tb, NULL},
				   {0, tf, NULL}};
		if (!rc)
			rc = table_set_total(t, c);
		buf b;
		buf_init(&b, 64u << 20);
		if (!rc)
			rc = fmt == 1
				 ? table_csv(t, lang_en, &b)
				 : table_xlsx(t, lang_en, lang_en ? "Piecework" : "计件产量", &b);
		table_free(t);
		if (rc) {
			buf_free(&b);
			return http__reply_error(r, 503, "unavailable", -1,
						 "cannot write the file");
		}
		size_t len = b.len;
		return http__reply_file(
		    r,
		    fmt == 1 ? "text/csv; charset=utf-8"
			     : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		    buf_steal(&b), len,
		    fmt == 1 ? "gloved-scan-output.csv" : "gloved-scan-output.xlsx");
	}
	char m[32];
	wage_fen_format(tf, m, sizeof m);
	cJSON *tot = cJSON_AddObjectToObject(out, "total");
	cJSON_AddNumberToObject(tot, "pairs", (double)tp);
	char tbm[32];
	wage_fen_format(tb, tbm, sizeof tbm);
	cJSON_AddStringToObject(tot, "bonus", tbm);
	cJSON_AddStringToObject(tot, "pay", m);
	return http__reply_json(r, 200, out);
}

#define MANAGERS_ONLY "only the firm's admins and supervisors may do this"

const http_route http__routes_sewn[] = {
    {"GET", "/api/v1/styles", ROLES_FIRM_PRIVATE, http__h_styles, NULL},
    {"POST", "/api/v1/styles", ROLES_WRITERS, http__h_style_add, MANAGERS_ONLY},
    {"POST", "/api/v1/styles/copy", ROLES_WRITERS, http__h_style_copy, MANAGERS_ONLY},
    {"GET", "/api/v1/orders", ROLES_FIRM_PRIVATE, http__h_orders, NULL},
    {"POST", "/api/v1/orders", ROLES_WRITERS, http__h_order_add, MANAGERS_ONLY},
    {"POST", "/api/v1/orders/release", ROLES_WRITERS, http__h_order_release, MANAGERS_ONLY},
    {"POST", "/api/v1/orders/machines", ROLES_WRITERS, http__h_order_machine, MANAGERS_ONLY},
    {"POST", "/api/v1/cuts", ROLES_WRITERS, http__h_cut, MANAGERS_ONLY},
    {"GET", "/api/v1/bundles", ROLES_FIRM_PRIVATE, http__h_bundles, NULL},
    {"GET", "/api/v1/tickets", ROLES_WRITERS, http__h_tickets, MANAGERS_ONLY},
    {"POST", "/api/v1/scans", ROLES_FIRM & ~(ROLE_BIT(ROLE_INSPECTOR) | ROLE_BIT(ROLE_HOUSEHOLD)),
     http__h_scans, "scans come from a firm's workers, supervisors and admins"},
    {"GET", "/api/v1/households", ROLES_FIRM_PRIVATE, http__h_households, NULL},
    {"POST", "/api/v1/households", ROLES_WRITERS, http__h_household_add, MANAGERS_ONLY},
    {"POST", "/api/v1/dispatches", ROLES_WRITERS, http__h_dispatch, MANAGERS_ONLY},
    {"POST", "/api/v1/returns", ROLES_WRITERS, http__h_return, MANAGERS_ONLY},
    {"GET", "/api/v1/wip", ROLES_FIRM_PRIVATE, http__h_wip, NULL},
    {"GET", "/api/v1/scan-output", ROLES_FIRM_PRIVATE, http__h_scan_output, NULL},
    {"POST", "/api/v1/sewn-settings", ROLES_ADMINS, http__h_sewn_settings, MANAGERS_ONLY},
};
const size_t http__routes_sewn_n = sizeof http__routes_sewn / sizeof http__routes_sewn[0];
