/* SPDX-License-Identifier: Apache-2.0 */
/* api_quality.c: the quality part of the API (docs/api.md, "Quality"):
 * material lots, lots formed from finished production, cartons, AQL
 * inspection plans and inspections with the switching state, test
 * reports with their PDF, the trace of a lot (backward) and of a material
 * lot (forward, the recall list), and the exports. A handler parses and
 * checks the request, makes one app call (app/quality.c: each write on
 * the writer thread) or reads the store in scope, and renders. Writes are
 * for the firm's admins, supervisors and inspectors (and the cluster
 * admin); every reader of the firm sees. */
#include "core/aql.h"
#include "core/code.h"
#include "core/defect.h"
#include "core/tz.h"
#include "core/units.h"
#include "http/http_int.h"
#include "app/quality.h"
#include "app/writer.h"
#include "util/num.h"
#include "util/err.h"
#include "util/ltime.h"
#include "util/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const class_names[3] = {"critical", "major", "minor"};
static const char *const mat_kinds[] = {"yarn", "leather", "lining", "coating", "thread", "other"};
static const char *const mat_units[] = {"kg", "m", "m2", "pcs", "l"};

#define QUALITY_ONLY "only the firm's admins, supervisors and inspectors may do this"

/* The firm's admins, supervisors and inspectors, and the cluster admin. */
static int may_record(const http_req *r, int64_t ent)
{
	return http__can_manage(r, ent) ||
	       ((r->role == ROLE_SUPERVISOR || r->role == ROLE_INSPECTOR) &&
		r->user.enterprise_id == ent);
}

static enum MHD_Result forbidden(http_req *r)
{
	return http__reply_error(r, 403, "forbidden", -1, QUALITY_ONLY);
}

/* The firm of a query (?enterprise=, refreshed registry), required. */
static int query_firm(http_req *r, store *db, int64_t *ent, enum MHD_Result *ret)
{
	http__refresh(r, db);
	return http__firm_arg(r, http__arg(r, "enterprise"), ent, ret);
}

static void day_str(int32_t day, char out[11])
{
	tz_day_format(day, out);
}

/* Pairs and dozens of a number of pieces: {pieces, pairs, dozens:{whole,
 * rest_pairs}} added to o (a lot's pieces are whole pairs by
 * construction; an odd piece shows as pieces beyond pairs x 2). */
static void add_quantity(cJSON *o, int64_t pieces)
{
	int64_t pairs = pieces / 2, dz = pairs / 12;
	cJSON_AddNumberToObject(o, "pieces", (double)pieces);
	cJSON_AddNumberToObject(o, "pairs", (double)pairs);
	cJSON *d = cJSON_AddObjectToObject(o, "dozens");
	cJSON_AddNumberToObject(d, "whole", (double)dz);
	cJSON_AddNumberToObject(d, "rest_pairs", (double)(pairs - dz * 12));
}

/* An AQL value as the table writes it ("0" for zero acceptance). */
static void aql_str(int32_t milli, char *out, size_t n)
{
	if (milli == 0 || aql_value_format(milli, out, n))
		snprintf(out, n, "0");
}

/* Parses an AQL given as text or number: the table's values, or "0" (zero
 * acceptance) when zero_ok. 0 ok, -1. */
static int aql_arg(const cJSON *v, const char *s, int zero_ok, int32_t *milli)
{
	char tmp[32];
	if (v && cJSON_IsNumber(v)) {
		snprintf(tmp, sizeof tmp, "%.3f", v->valuedouble);
		/* 2.500 -> 2.5 for the parser: drop the trailing zeros */
		size_t n = strlen(tmp);
		while (n > 1 && tmp[n - 1] == '0')
			tmp[--n] = '\0';
		if (n > 1 && tmp[n - 1] == '.')
			tmp[--n] = '\0';
		s = tmp;
	} else if (v && cJSON_IsString(v))
		s = v->valuestring;
	else if (v)
		return -1;
	if (!s || !*s)
		return -1;
	if (zero_ok && (strcmp(s, "0") == 0 || strcmp(s, "0.0") == 0)) {
		*milli = 0;
		return 0;
	}
	return aql_value_parse(s, milli);
}

static int bad(http_req *r, enum MHD_Result *ret, const char *field, const char *what)
{
	*ret = http__reply_error(r, 400, "bad_request", -1, "field '%s' %s", field, what);
	return -1;
}

/* A quantity with up to 3 decimals, as a string ("12.5") or an integer
 * number, into thousandths. */
static int milli_field(http_req *r, const cJSON *j, const char *key, int required, int64_t *out,
		       enum MHD_Result *ret)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	*out = 0;
	if (!v || cJSON_IsNull(v))
		return required ? bad(r, ret, key, "is missing") : 0;
	if (cJSON_IsNumber(v) && num_whole(v->valuedouble, 0, 1000000000000, NULL)) {
		*out = (int64_t)v->valuedouble * 1000;
		return 0;
	}
	if (cJSON_IsString(v) && !http__parse_fixed(v->valuestring, 3, 1000000000000000LL, out))
		return 0;
	return bad(
	    r, ret, key,
	    "must be a quantity with up to 3 decimals, as text (\"12.5\") or a whole number");
}

static int day_field(http_req *r, const cJSON *j, const char *key, int required, int32_t *out,
		     enum MHD_Result *ret)
{
	char t[16];
	if (http__field_text(r, j, key, required, 0, t, sizeof t, ret))
		return -1;
	if (!t[0]) {
		*out = 0;
		return 0;
	}
	if (tz_day_parse(t, out))
		return bad(r, ret, key, "must be a date YYYY-MM-DD");
	return 0;
}

/* Replies with a table as CSV (fmt 1) or xlsx (fmt 2); frees t. */
static enum MHD_Result reply_table(http_req *r, table *t, int rc, int fmt, int lang_en,
				   const char *sheet_zh, const char *sheet_en, const char *name)
{
	buf b;
	buf_init(&b, 64u << 20);
	if (!rc)
		rc = fmt == 1 ? table_csv(t, lang_en, &b)
			      : table_xlsx(t, lang_en, lang_en ? sheet_en : sheet_zh, &b);
	table_free(t);
	if (rc) {
		buf_free(&b);
		return http__reply_error(r, 503, "unavailable", -1, "cannot write the file");
	}
	char fname[96];
	snprintf(fname, sizeof fname, "%s.%s", name, fmt == 1 ? "csv" : "xlsx");
	size_t len = b.len;
	return http__reply_file(
	    r,
	    fmt == 1 ? "text/csv; charset=utf-8"
		     : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	    buf_steal(&b), len, fname);
}

/* ?format=json|csv|xlsx: 0, 1, 2, or -1 (replied 400). */
static int format_arg(http_req *r, enum MHD_Result *ret)
{
	const char *f = http__arg(r, "format");
	int fmt = !f || !*f || strcmp(f, "json") == 0 ? 0
		  : strcmp(f, "csv") == 0             ? 1
		  : strcmp(f, "xlsx") == 0            ? 2
						      : -1;
	if (fmt < 0)
		*ret = http__reply_error(r, 400, "bad_request", -1,
					 "'format' must be json, csv or xlsx");
	return fmt;
}

static int lang_en(http_req *r)
{
	const char *l = http__arg(r, "lang");
	return l && strcmp(l, "en") == 0;
}

/* ---- material lots ---- */

static cJSON *material_json(const store_material_lot *m)
{
	cJSON *o = cJSON_CreateObject();
	char q[40], d[11];
	http__fixed_str(m->qty_milli, 3, q, sizeof q);
	day_str(m->received_day, d);
	cJSON_AddStringToObject(o, "code", m->code);
	cJSON_AddStringToObject(o, "kind", m->kind);
	cJSON_AddStringToObject(o, "supplier", m->supplier);
	cJSON_AddStringToObject(o, "batch", m->batch);
	cJSON_AddStringToObject(o, "quantity", q);
	cJSON_AddStringToObject(o, "unit", m->unit);
	cJSON_AddStringToObject(o, "received", d);
	return o;
}

static enum MHD_Result h_materials(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	if (query_firm(r, db, &ent, &ret))
		return ret;
	store_material_lot *v = NULL;
	size_t n = 0;
	if (store_material_lot_list(db, r->scope, ent, &v, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read material lots");
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "items");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, material_json(&v[i]));
	free(v);
	return http__reply_json(r, 200, out);
}

static enum MHD_Result h_material_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	store_material_lot m;
	memset(&m, 0, sizeof m);
	char ecode[40];
	int bad_in =
	    http__field_text(r, j, "enterprise", 0, 1, ecode, sizeof ecode, &ret) ||
	    http__firm_arg(r, ecode, &m.enterprise_id, &ret) ||
	    http__field_text(r, j, "code", 1, 1, m.code, sizeof m.code, &ret) ||
	    http__field_text(r, j, "kind", 1, 0, m.kind, sizeof m.kind, &ret) ||
	    http__field_text(r, j, "supplier", 1, 0, m.supplier, sizeof m.supplier, &ret) ||
	    http__field_text(r, j, "batch", 1, 0, m.batch, sizeof m.batch, &ret) ||
	    milli_field(r, j, "quantity", 1, &m.qty_milli, &ret) ||
	    http__field_text(r, j, "unit", 1, 0, m.unit, sizeof m.unit, &ret) ||
	    day_field(r, j, "received", 1, &m.received_day, &ret);
	if (!bad_in && !http__one_of(m.kind, mat_kinds, 6))
		bad_in =
		    bad(r, &ret, "kind", "must be yarn, leather, lining, coating, thread or other");
	if (!bad_in && !http__one_of(m.unit, mat_units, 5))
		bad_in = bad(r, &ret, "unit", "must be kg, m, m2, pcs or l");
	cJSON_Delete(j);
	if (bad_in)
		return ret;
	if (!may_record(r, m.enterprise_id))
		return forbidden(r);
	m.created_ms = ltime_now_ms();
	int rc = quality_add_material(r->srv->app.w, r->scope, &m);
	if (rc)
		return http__reply_status(r, rc, "material lot", m.code);
	return http__reply_json(r, 201, material_json(&m));
}

/* ---- lots ---- */

static cJSON *lot_json(http_req *r, store *db, const store_lot *l)
{
	cJSON *o = cJSON_CreateObject();
	store_enterprise e;
	store_style *st = malloc(sizeof *st);
	store_order *od = malloc(sizeof *od);
	store_scope all = {0};
	char a[11], b[11];
	cJSON_AddStringToObject(o, "enterprise", http__ent_code(r, l->enterprise_id, &e));
	cJSON_AddStringToObject(o, "code", l->code);
	cJSON_AddStringToObject(
	    o, "style", st && !store_style_get(db, all, 0, NULL, l->style_id, st) ? st->code : "");
	cJSON_AddStringToObject(
	    o, "order", od && !store_order_get(db, all, 0, NULL, l->order_id, od) ? od->code : "");
	cJSON_AddStringToObject(o, "size", l->size);
	cJSON_AddStringToObject(o, "source", l->source);
	add_quantity(o, l->pieces);
	day_str(l->from_day, a);
	day_str(l->to_day, b);
	cJSON_AddStringToObject(o, "produced_from", a);
	cJSON_AddStringToObject(o, "produced_to", b);
	cJSON_AddStringToObject(o, "status", l->status);
	cJSON_AddStringToObject(o, "result", l->result);
	free(st);
	free(od);
	return o;
}

static enum MHD_Result h_lots(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	http__refresh(r, db);
	if (http__resolve_enterprise(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	const char *status = http__arg(r, "status");
	if (status && *status && strcmp(status, "formed") != 0 && strcmp(status, "inspected") != 0)
		return http__reply_error(r, 400, "bad_request", -1,
					 "'status' must be formed or inspected");
	int fmt = format_arg(r, &ret);
	if (fmt < 0)
		return ret;
	store_lot *v = NULL;
	size_t n = 0;
	if (store_lot_list(db, r->scope, ent, status, &v, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read lots");
	if (fmt) {
		static const table_col cols[] = {
		    {"企业", "Enterprise", NULL, NULL, TABLE_TEXT},
		    {"批号", "Lot", NULL, NULL, TABLE_TEXT},
		    {"款号", "Style", NULL, NULL, TABLE_TEXT},
		    {"订单", "Order", NULL, NULL, TABLE_TEXT},
		    {"尺码", "Size", NULL, NULL, TABLE_TEXT},
		    {"数量", "Quantity", "双", "pair", TABLE_INT},
		    {"生产开始", "Produced from", NULL, NULL, TABLE_DATE},
		    {"生产结束", "Produced to", NULL, NULL, TABLE_DATE},
		    {"检验结果", "Result", NULL, NULL, TABLE_TEXT},
		};
		table *t = NULL;
		int rc = table_new(cols, 9, &t);
		for (size_t i = 0; i < n && !rc; i++) {
			cJSON *x = lot_json(r, db, &v[i]);
			table_cell c[9] = {
			    {0, 0, cJSON_GetObjectItem(x, "enterprise")->valuestring},
			    {0, 0, v[i].code},
			    {0, 0, cJSON_GetObjectItem(x, "style")->valuestring},
			    {0, 0, cJSON_GetObjectItem(x, "order")->valuestring},
			    {0, 0, v[i].size},
			    {0, v[i].pieces / 2, NULL},
			    {0, 0, cJSON_GetObjectItem(x, "produced_from")->valuestring},
			    {0, 0, cJSON_GetObjectItem(x, "produced_to")->valuestring},
			    {0, 0, v[i].result}};
			rc = table_add_row(t, c);
			cJSON_Delete(x);
		}
		free(v);
		return reply_table(r, t, rc, fmt, lang_en(r), "批次", "Lots", "gloved-lots");
	}
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "items");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, lot_json(r, db, &v[i]));
	free(v);
	return http__reply_json(r, 200, out);
}

static enum MHD_Result h_lot_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	quality_lot_req *q = calloc(1, sizeof *q);
	if (!q) {
		cJSON_Delete(j);
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	}
	char ecode[40], source[16];
	int bad_in = http__field_text(r, j, "enterprise", 0, 1, ecode, sizeof ecode, &ret) ||
		     http__firm_arg(r, ecode, &q->enterprise_id, &ret) ||
		     http__field_text(r, j, "code", 1, 1, q->code, sizeof q->code, &ret) ||
		     http__field_text(r, j, "order", 1, 1, q->order, sizeof q->order, &ret) ||
		     http__field_text(r, j, "size", 0, 1, q->size, sizeof q->size, &ret) ||
		     http__field_text(r, j, "source", 1, 0, source, sizeof source, &ret);
	if (!bad_in) {
		q->by_machines = strcmp(source, "machines") == 0;
		if (!q->by_machines && strcmp(source, "bundles") != 0)
			bad_in = bad(r, &ret, "source", "must be bundles or machines");
	}
	const cJSON *v;
	if (!bad_in && !q->by_machines) {
		const cJSON *bs = cJSON_GetObjectItemCaseSensitive(j, "bundles");
		if (!cJSON_IsArray(bs) || cJSON_GetArraySize(bs) < 1 ||
		    cJSON_GetArraySize(bs) > QUALITY_MAX_LOT_BUNDLES)
			bad_in = bad(r, &ret, "bundles",
				     "must be an array of 1 to 2000 bundle numbers of the order");
		cJSON_ArrayForEach(v, bs)
		{
			if (bad_in)
				break;
			if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 1e9 ||
			    v->valuedouble != (double)(int32_t)v->valuedouble) {
				ret = http__reply_error(r, 400, "bad_request", -1,
							"bundles[%zu] must be a bundle number",
							q->nb);
				bad_in = 1;
				break;
			}
			q->bundles[q->nb++] = (int32_t)v->valuedouble;
		}
	} else if (!bad_in) {
		const cJSON *ms = cJSON_GetObjectItemCaseSensitive(j, "machines");
		if (!cJSON_IsArray(ms) || cJSON_GetArraySize(ms) < 1 ||
		    cJSON_GetArraySize(ms) > QUALITY_MAX_LOT_MACHINES)
			bad_in =
			    bad(r, &ret, "machines", "must be an array of 1 to 200 machine codes");
		cJSON_ArrayForEach(v, ms)
		{
			if (bad_in)
				break;
			if (!cJSON_IsString(v) || !code_valid(v->valuestring)) {
				ret = http__reply_error(r, 400, "bad_request", -1,
							"machines[%zu] must be a machine code",
							q->nm);
				bad_in = 1;
				break;
			}
			snprintf(q->machines[q->nm++], 33, "%s", v->valuestring);
		}
		if (!bad_in)
			bad_in = day_field(r, j, "from", 1, &q->from_day, &ret) ||
				 day_field(r, j, "to", 1, &q->to_day, &ret);
		if (!bad_in && (q->to_day < q->from_day || q->to_day - q->from_day > 62))
			bad_in =
			    bad(r, &ret, "to", "must be on or after 'from', at most 62 days later");
	}
	const cJSON *mats = cJSON_GetObjectItemCaseSensitive(j, "materials");
	if (!bad_in && mats && !cJSON_IsNull(mats) &&
	    (!cJSON_IsArray(mats) || cJSON_GetArraySize(mats) > QUALITY_MAX_LOT_MATS))
		bad_in = bad(r, &ret, "materials",
			     "must be an array of at most 32 {material_lot, quantity}");
	if (!bad_in && cJSON_IsArray(mats)) {
		cJSON_ArrayForEach(v, mats)
		{
			char f[40];
			snprintf(f, sizeof f, "materials[%zu]", q->nmat);
			if (!cJSON_IsObject(v)) {
				bad_in = bad(r, &ret, f, "must be an object");
				break;
			}
			if (http__field_text(r, v, "material_lot", 1, 1, q->mat_code[q->nmat], 33,
					     &ret) ||
			    milli_field(r, v, "quantity", 0, &q->mat_qty_milli[q->nmat], &ret)) {
				bad_in = 1;
				break;
			}
			q->nmat++;
		}
	}
	cJSON_Delete(j);
	if (bad_in) {
		free(q);
		return ret;
	}
	if (!may_record(r, q->enterprise_id)) {
		free(q);
		return forbidden(r);
	}
	q->now_ms = ltime_now_ms();
	store_lot l;
	char msg[256];
	int rc = quality_form_lot(r->srv->app.w, q, &l, msg, sizeof msg);
	free(q);
	if (rc == GLOVED_EINVAL)
		return http__reply_error(r, 400, "bad_request", -1, "%s", msg);
	if (rc == GLOVED_EEXIST)
		return http__reply_error(r, 409, "conflict", -1, "%s", msg);
	if (rc)
		return http__reply_status(r, rc, "lot", l.code);
	return http__reply_json(r, 201, lot_json(r, db, &l));
}

/* The lot of ?lot= (or ?code=) of the firm; replies 400/404. */
static int lot_arg(http_req *r, store *db, int64_t ent, const char *key, store_lot *l,
		   enum MHD_Result *ret)
{
	const char *code = http__arg(r, key);
	if (!code || !code_valid(code)) {
		*ret = http__reply_error(r, 400, "bad_request", -1, "'%s' must be a lot code", key);
		return -1;
	}
	int rc = store_lot_get(db, r->scope, ent, code, 0, l);
	if (rc) {
		*ret = http__reply_status(r, rc, "lot", code);
		return -1;
	}
	return 0;
}

static cJSON *insp_json(const store_inspection *x, const char *lot_code)
{
	cJSON *o = cJSON_CreateObject();
	char ts[24], a[16];
	ltime_format_day(x->ts_ms, ts, sizeof ts);
	cJSON_AddNumberToObject(o, "id", (double)x->id);
	cJSON_AddStringToObject(o, "lot", lot_code);
	cJSON_AddNumberToObject(o, "ts", (double)x->ts_ms);
	cJSON_AddStringToObject(o, "inspector", x->inspector);
	cJSON_AddStringToObject(o, "level", x->level);
	cJSON_AddStringToObject(o, "severity", x->severity);
	cJSON_AddStringToObject(o, "result", x->result);
	cJSON_AddBoolToObject(o, "resubmitted", x->resubmitted);
	cJSON_AddNumberToObject(o, "lot_pairs", (double)(x->lot_pieces / 2));
	cJSON_AddStringToObject(o, "note", x->note);
	cJSON *cl = cJSON_AddObjectToObject(o, "classes");
	for (int32_t i = 0; i < x->n_classes; i++) {
		const store_insp_class *c = &x->classes[i];
		cJSON *y = cJSON_AddObjectToObject(cl, c->cls);
		char letter[2] = {c->letter, 0};
		aql_str(c->milli, a, sizeof a);
		cJSON_AddStringToObject(y, "aql", a);
		cJSON_AddStringToObject(y, "letter", letter);
		cJSON_AddNumberToObject(y, "sample", c->sample);
		cJSON_AddNumberToObject(y, "ac", c->ac);
		cJSON_AddNumberToObject(y, "re", c->re);
		cJSON_AddNumberToObject(y, "found", c->found);
		cJSON_AddStringToObject(y, "result", c->found <= c->ac ? "accepted" : "rejected");
	}
	cJSON *df = cJSON_AddArrayToObject(o, "defects");
	for (int32_t i = 0; i < x->n_defects; i++) {
		const store_insp_defect *d = &x->defects[i];
		const defect_type *t = defect_find(d->type);
		cJSON *y = cJSON_CreateObject();
		cJSON_AddStringToObject(y, "type", d->type);
		cJSON_AddStringToObject(y, "zh", t ? t->zh : d->type);
		cJSON_AddStringToObject(y, "en", t ? t->en : d->type);
		cJSON_AddStringToObject(y, "class", d->cls);
		cJSON_AddNumberToObject(y, "count", d->count);
		cJSON_AddItemToArray(df, y);
	}
	return o;
}

static cJSON *carton_json(const store_carton *c, const char *lot)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", c->code);
	cJSON_AddStringToObject(o, "lot", lot);
	cJSON_AddNumberToObject(o, "pairs", (double)c->pairs);
	return o;
}

static cJSON *test_json(http_req *r, store *db, const store_test *t);

/* A lot with what it is made of, how it was inspected and packed and the
 * tests of its style and materials. */
static cJSON *lot_detail(http_req *r, store *db, const store_lot *l)
{
	cJSON *o = lot_json(r, db, l);
	store_scope firm = {.enterprise_id = l->enterprise_id};
	store_lot_material *m = NULL;
	size_t nm = 0;
	cJSON *arr = cJSON_AddArrayToObject(o, "materials");
	if (!store_lot_materials(db, l->id, &m, &nm))
		for (size_t i = 0; i < nm; i++) {
			cJSON *y = cJSON_CreateObject();
			char q[40];
			http__fixed_str(m[i].qty_milli, 3, q, sizeof q);
			cJSON_AddStringToObject(y, "material_lot", m[i].code);
			cJSON_AddStringToObject(y, "kind", m[i].kind);
			cJSON_AddStringToObject(y, "supplier", m[i].supplier);
			cJSON_AddStringToObject(y, "batch", m[i].batch);
			cJSON_AddStringToObject(y, "quantity", q);
			cJSON_AddStringToObject(y, "unit", m[i].unit);
			cJSON_AddItemToArray(arr, y);
		}
	arr = cJSON_AddArrayToObject(o, "tests");
	for (size_t i = 0; i <= nm; i++) {
		store_test *t = NULL;
		size_t nt = 0;
		if (i == 0 ? store_test_list(db, firm, l->enterprise_id, l->style_id, 0, &t, &nt)
			   : store_test_list(db, firm, l->enterprise_id, 0,
					     m[i - 1].material_lot_id, &t, &nt))
			continue;
		for (size_t k = 0; k < nt; k++)
			cJSON_AddItemToArray(arr, test_json(r, db, &t[k]));
		free(t);
	}
	free(m);
	if (!strcmp(l->source, "bundles")) {
		store_bundle *b = NULL;
		size_t nb = 0;
		arr = cJSON_AddArrayToObject(o, "bundles");
		if (!store_lot_bundles(db, l->id, &b, &nb))
			for (size_t i = 0; i < nb; i++) {
				cJSON *y = cJSON_CreateObject();
				cJSON_AddNumberToObject(y, "no", b[i].no);
				cJSON_AddStringToObject(y, "size", b[i].size);
				cJSON_AddNumberToObject(y, "pairs", (double)b[i].pairs);
				cJSON_AddItemToArray(arr, y);
			}
		free(b);
	} else {
		store_lot_machine *lm = NULL;
		size_t n = 0;
		store_machine *fm = NULL;
		size_t nf = 0;
		arr = cJSON_AddArrayToObject(o, "machines");
		if (store_machine_list(db, firm, &fm, &nf))
			nf = 0;
		if (!store_lot_machines(db, l->id, &lm, &n))
			for (size_t i = 0; i < n; i++) {
				cJSON *y = cJSON_CreateObject();
				const char *code = "";
				for (size_t k = 0; k < nf; k++)
					if (fm[k].id == lm[i].machine_id)
						code = fm[k].code;
				cJSON_AddStringToObject(y, "machine", code);
				cJSON_AddNumberToObject(y, "pieces", (double)lm[i].pieces);
				cJSON_AddItemToArray(arr, y);
			}
		free(lm);
		free(fm);
	}
	store_inspection *x = NULL;
	size_t nx = 0;
	arr = cJSON_AddArrayToObject(o, "inspections");
	if (!store_inspection_list(db, firm, l->enterprise_id, l->id, 0, 0, &x, &nx))
		for (size_t i = 0; i < nx; i++)
			cJSON_AddItemToArray(arr, insp_json(&x[i], l->code));
	free(x);
	store_carton *c = NULL;
	size_t nc = 0;
	arr = cJSON_AddArrayToObject(o, "cartons");
	if (!store_carton_list(db, firm, l->enterprise_id, l->id, &c, &nc))
		for (size_t i = 0; i < nc; i++)
			cJSON_AddItemToArray(arr, carton_json(&c[i], l->code));
	free(c);
	return o;
}

static enum MHD_Result h_lot(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	store_lot l;
	if (query_firm(r, db, &ent, &ret) || lot_arg(r, db, ent, "code", &l, &ret))
		return ret;
	return http__reply_json(r, 200, lot_detail(r, db, &l));
}

/* ---- cartons ---- */

static enum MHD_Result h_carton_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	int64_t ent, per;
	char ecode[40], lot[40];
	int bad_in = http__field_text(r, j, "enterprise", 0, 1, ecode, sizeof ecode, &ret) ||
		     http__firm_arg(r, ecode, &ent, &ret) ||
		     http__field_text(r, j, "lot", 1, 1, lot, sizeof lot, &ret) ||
		     http__field_int(r, j, "pairs_per_carton", 1, 100000, 0, &per, &ret);
	if (!bad_in && per == 0)
		bad_in = bad(r, &ret, "pairs_per_carton", "is missing");
	cJSON_Delete(j);
	if (bad_in)
		return ret;
	if (!may_record(r, ent))
		return forbidden(r);
	store_lot l;
	int rc = store_lot_get(db, r->scope, ent, lot, 0, &l);
	if (rc)
		return http__reply_status(r, rc, "lot", lot);
	store_carton *v = NULL;
	size_t n = 0;
	char msg[200];
	rc = quality_pack(r->srv->app.w, ent, l.id, per, ltime_now_ms(), &v, &n, msg, sizeof msg);
	if (rc == GLOVED_EINVAL || rc == GLOVED_EEXIST)
		return http__reply_error(r, rc == GLOVED_EINVAL ? 400 : 409,
					 rc == GLOVED_EINVAL ? "bad_request" : "conflict", -1, "%s",
					 msg);
	if (rc)
		return http__reply_status(r, rc, "lot", lot);
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "items");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, carton_json(&v[i], l.code));
	free(v);
	return http__reply_json(r, 201, out);
}

static enum MHD_Result h_cartons(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	store_lot l;
	if (query_firm(r, db, &ent, &ret) || lot_arg(r, db, ent, "lot", &l, &ret))
		return ret;
	store_carton *v = NULL;
	size_t n = 0;
	if (store_carton_list(db, r->scope, ent, l.id, &v, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read cartons");
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "items");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, carton_json(&v[i], l.code));
	free(v);
	return http__reply_json(r, 200, out);
}

/* ---- plans, inspections, switching ---- */

static cJSON *state_json(const store_aql_state *st)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "severity", st->severity);
	cJSON_AddBoolToObject(o, "stopped", st->stopped);
	cJSON_AddNumberToObject(o, "score", st->score);
	cJSON_AddBoolToObject(o, "reduced_allowed", st->reduced_allowed);
	cJSON_AddNumberToObject(o, "accepted_in_a_row_tightened", st->accepted_run);
	cJSON_AddNumberToObject(o, "not_accepted_tightened", st->rejected_tight);
	int rej = 0;
	for (int32_t i = 0; i < st->n_recent; i++)
		rej += (st->recent >> i) & 1u;
	cJSON_AddNumberToObject(o, "recent_lots", st->n_recent);
	cJSON_AddNumberToObject(o, "recent_rejected", rej);
	return o;
}

/* The level (default II) and the AQL per class from the query
 * (critical=&major=&minor=) or a body's "aql" object. */
static int plan_args(http_req *r, const cJSON *aqlobj, const char *level_s, aql_level *level,
		     quality_aql *aql, enum MHD_Result *ret)
{
	memset(aql, 0, sizeof *aql);
	if (!level_s || !*level_s)
		level_s = "II";
	if (aql_level_parse(level_s, level)) {
		*ret = http__reply_error(r, 400, "bad_request", -1,
					 "'level' must be S-1, S-2, S-3, S-4, I, II or III");
		return -1;
	}
	for (int c = 0; c < 3; c++) {
		const cJSON *v =
		    aqlobj ? cJSON_GetObjectItemCaseSensitive(aqlobj, class_names[c]) : NULL;
		const char *s = aqlobj ? NULL : http__arg(r, class_names[c]);
		if ((aqlobj && (!v || cJSON_IsNull(v))) || (!aqlobj && (!s || !*s)))
			continue;
		if (aql_arg(v, s, 1, &aql->milli[c])) {
			*ret = http__reply_error(r, 400, "bad_request", -1,
						 "aql.%s must be an AQL of the ISO 2859-1 tables "
						 "(0.010 ... 1000) or 0",
						 class_names[c]);
			return -1;
		}
		aql->has[c] = 1;
	}
	if (!aql->has[0] && !aql->has[1] && !aql->has[2]) {
		*ret = http__reply_error(
		    r, 400, "bad_request", -1,
		    "give the AQL of at least one class (critical, major, minor)");
		return -1;
	}
	return 0;
}

static void add_plans(cJSON *o, const quality_aql *aql, const aql_plan plans[3])
{
	cJSON *cl = cJSON_AddObjectToObject(o, "classes");
	for (int c = 0; c < 3; c++) {
		if (!aql->has[c])
			continue;
		char a[16], letter[2] = {plans[c].letter, 0};
		aql_str(aql->milli[c], a, sizeof a);
		cJSON *y = cJSON_AddObjectToObject(cl, class_names[c]);
		cJSON_AddStringToObject(y, "aql", a);
		cJSON_AddStringToObject(y, "letter", letter);
		cJSON_AddNumberToObject(y, "sample", plans[c].sample);
		cJSON_AddNumberToObject(y, "ac", plans[c].ac);
		cJSON_AddNumberToObject(y, "re", plans[c].re);
	}
}

static enum MHD_Result h_insp_plan(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	store_lot l;
	aql_level level;
	quality_aql aql;
	if (query_firm(r, db, &ent, &ret) || lot_arg(r, db, ent, "lot", &l, &ret) ||
	    plan_args(r, NULL, http__arg(r, "level"), &level, &aql, &ret))
		return ret;
	store_aql_state st;
	aql_severity sev;
	if (quality_state(db, l.enterprise_id, l.style_id, &st, &sev))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read the switching");
	aql_plan plans[3];
	char msg[160];
	if (quality_plans(l.pieces / 2, level, sev, &aql, plans, msg, sizeof msg))
		return http__reply_error(r, 400, "bad_request", -1, "%s", msg);
	cJSON *out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "lot", l.code);
	cJSON_AddNumberToObject(out, "lot_pairs", (double)(l.pieces / 2));
	cJSON_AddStringToObject(out, "level", aql_level_name(level));
	cJSON_AddStringToObject(out, "severity", st.severity);
	cJSON_AddBoolToObject(out, "stopped", st.stopped);
	int32_t draw = 0;
	for (int c = 0; c < 3; c++)
		if (aql.has[c] && plans[c].sample > draw)
			draw = plans[c].sample;
	cJSON_AddNumberToObject(out, "draw", draw);
	add_plans(out, &aql, plans);
	return http__reply_json(r, 200, out);
}

static enum MHD_Result h_inspect(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	quality_insp_req *q = calloc(1, sizeof *q);
	quality_insp_res *res = calloc(1, sizeof *res);
	if (!q || !res) {
		free(q);
		free(res);
		cJSON_Delete(j);
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	}
	char ecode[40], lot[40], level[8];
	store_lot l;
	int bad_in =
	    http__field_text(r, j, "enterprise", 0, 1, ecode, sizeof ecode, &ret) ||
	    http__firm_arg(r, ecode, &q->enterprise_id, &ret) ||
	    http__field_text(r, j, "lot", 1, 1, lot, sizeof lot, &ret) ||
	    http__field_text(r, j, "level", 0, 0, level, sizeof level, &ret) ||
	    http__field_text(r, j, "inspector", 1, 0, q->inspector, sizeof q->inspector, &ret) ||
	    http__field_text(r, j, "note", 0, 0, q->note, sizeof q->note, &ret);
	const cJSON *aqlobj = cJSON_GetObjectItemCaseSensitive(j, "aql");
	if (!bad_in && !cJSON_IsObject(aqlobj))
		bad_in = bad(r, &ret, "aql", "must be an object {critical, major, minor}");
	if (!bad_in)
		bad_in = plan_args(r, aqlobj, level, &q->level, &q->aql, &ret);
	const cJSON *rs = cJSON_GetObjectItemCaseSensitive(j, "resubmitted");
	if (!bad_in && rs && !cJSON_IsBool(rs) && !cJSON_IsNull(rs))
		bad_in = bad(r, &ret, "resubmitted", "must be true or false");
	q->resubmitted = cJSON_IsTrue(rs);
	const cJSON *ds = cJSON_GetObjectItemCaseSensitive(j, "defects");
	if (!bad_in && ds && !cJSON_IsNull(ds) &&
	    (!cJSON_IsArray(ds) || cJSON_GetArraySize(ds) > STORE_MAX_DEFECTS))
		bad_in = bad(r, &ret, "defects", "must be an array of at most 32 {type, count}");
	const cJSON *v;
	if (!bad_in && cJSON_IsArray(ds)) {
		cJSON_ArrayForEach(v, ds)
		{
			quality_defect_req *d = &q->defects[q->nd];
			int64_t count;
			char f[32];
			snprintf(f, sizeof f, "defects[%zu]", q->nd);
			if (!cJSON_IsObject(v)) {
				bad_in = bad(r, &ret, f, "must be an object {type, count}");
				break;
			}
			if (http__field_text(r, v, "type", 1, 0, d->type, sizeof d->type, &ret) ||
			    http__field_text(r, v, "class", 0, 0, d->cls, sizeof d->cls, &ret) ||
			    http__field_int(r, v, "count", 1, 100000, 0, &count, &ret)) {
				bad_in = 1;
				break;
			}
			if (!count) {
				ret = http__reply_error(r, 400, "bad_request", -1,
							"defects[%zu].count is missing", q->nd);
				bad_in = 1;
				break;
			}
			d->count = (int32_t)count;
			q->nd++;
		}
	}
	cJSON_Delete(j);
	if (!bad_in && !may_record(r, q->enterprise_id))
		bad_in = 1, ret = forbidden(r);
	if (!bad_in) {
		int rc = store_lot_get(db, r->scope, q->enterprise_id, lot, 0, &l);
		if (rc)
			bad_in = 1, ret = http__reply_status(r, rc, "lot", lot);
	}
	if (bad_in) {
		free(q);
		free(res);
		return ret;
	}
	q->lot_id = l.id;
	q->now_ms = ltime_now_ms();
	snprintf(q->by, sizeof q->by, "%s", r->user.username);
	char msg[300];
	int rc = quality_inspect(r->srv->app.w, q, res, msg, sizeof msg);
	free(q);
	if (rc) {
		free(res);
		if (rc == GLOVED_EINVAL)
			return http__reply_error(r, 400, "bad_request", -1, "%s", msg);
		if (rc == GLOVED_EEXIST)
			return http__reply_error(r, 409, "conflict", -1, "%s", msg);
		if (rc == GLOVED_EBUSY)
			return http__reply_error(r, 409, "stopped", -1, "%s", msg);
		return http__reply_status(r, rc, "lot", lot);
	}
	cJSON *out = insp_json(&res->insp, l.code);
	cJSON *sw = state_json(&res->state);
	cJSON_AddStringToObject(sw, "event", res->event);
	cJSON_AddItemToObject(out, "switching", sw);
	free(res);
	return http__reply_json(r, 201, out);
}

static enum MHD_Result h_inspections(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	http__refresh(r, db);
	if (http__resolve_enterprise(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	int fmt = format_arg(r, &ret);
	if (fmt < 0)
		return ret;
	store_lot l;
	memset(&l, 0, sizeof l);
	const char *lot = http__arg(r, "lot");
	if (lot && *lot && (!ent || lot_arg(r, db, ent, "lot", &l, &ret)))
		return ent ? ret
			   : http__reply_error(r, 400, "bad_request", -1,
					       "name the enterprise of the lot");
	store_inspection *x = NULL;
	size_t n = 0;
	if (store_inspection_list(db, r->scope, ent, l.id, 0, 0, &x, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read inspections");
	store_scope all = {0};
	if (fmt) {
		static const table_col cols[] = {
		    {"企业", "Enterprise", NULL, NULL, TABLE_TEXT},
		    {"批号", "Lot", NULL, NULL, TABLE_TEXT},
		    {"日期", "Date", NULL, NULL, TABLE_DATE},
		    {"检验员", "Inspector", NULL, NULL, TABLE_TEXT},
		    {"检验水平", "Level", NULL, NULL, TABLE_TEXT},
		    {"严格度", "Severity", NULL, NULL, TABLE_TEXT},
		    {"批量", "Lot size", "双", "pair", TABLE_INT},
		    {"致命缺陷", "Critical", NULL, NULL, TABLE_INT},
		    {"严重缺陷", "Major", NULL, NULL, TABLE_INT},
		    {"轻微缺陷", "Minor", NULL, NULL, TABLE_INT},
		    {"结果", "Result", NULL, NULL, TABLE_TEXT},
		};
		table *t = NULL;
		int rc = table_new(cols, 11, &t);
		for (size_t i = 0; i < n && !rc; i++) {
			store_lot xl;
			store_enterprise e;
			char day[24];
			if (store_lot_get(db, all, 0, NULL, x[i].lot_id, &xl))
				xl.code[0] = '\0';
			ltime_format_day(x[i].ts_ms, day, sizeof day);
			table_cell c[11] = {{0, 0, http__ent_code(r, x[i].enterprise_id, &e)},
					    {0, 0, xl.code},
					    {0, 0, day},
					    {0, 0, x[i].inspector},
					    {0, 0, x[i].level},
					    {0, 0, x[i].severity},
					    {0, x[i].lot_pieces / 2, NULL},
					    {1, 0, NULL},
					    {1, 0, NULL},
					    {1, 0, NULL},
					    {0, 0, x[i].result}};
			for (int32_t k = 0; k < x[i].n_classes; k++) {
				int col = strcmp(x[i].classes[k].cls, "critical") == 0 ? 7
					  : strcmp(x[i].classes[k].cls, "major") == 0  ? 8
										       : 9;
				c[col].null = 0;
				c[col].i = x[i].classes[k].found;
			}
			rc = table_add_row(t, c);
		}
		free(x);
		return reply_table(r, t, rc, fmt, lang_en(r), "检验记录", "Inspections",
				   "gloved-inspections");
	}
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "items");
	for (size_t i = 0; i < n; i++) {
		store_lot xl;
		if (store_lot_get(db, all, 0, NULL, x[i].lot_id, &xl))
			xl.code[0] = '\0';
		cJSON_AddItemToArray(arr, insp_json(&x[i], xl.code));
	}
	free(x);
	return http__reply_json(r, 200, out);
}

/* The style of ?style= (or a body's) of firm ent; replies 400/404. */
static int style_of(http_req *r, store *db, int64_t ent, const char *code, store_style *st,
		    enum MHD_Result *ret)
{
	if (!code || !code_valid(code)) {
		*ret = http__reply_error(r, 400, "bad_request", -1, "'style' must be a style code");
		return -1;
	}
	int rc = store_style_get(db, r->scope, ent, code, 0, st);
	if (rc) {
		*ret = http__reply_status(r, rc, "style", code);
		return -1;
	}
	return 0;
}

static enum MHD_Result h_switching(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	if (query_firm(r, db, &ent, &ret))
		return ret;
	store_style *st = malloc(sizeof *st);
	if (!st)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	if (style_of(r, db, ent, http__arg(r, "style"), st, &ret)) {
		free(st);
		return ret;
	}
	store_aql_state s;
	aql_severity sev;
	store_aql_event *ev = NULL;
	size_t n = 0;
	int64_t style_id = st->id;
	cJSON *out = NULL;
	if (!quality_state(db, ent, style_id, &s, &sev) &&
	    !store_aql_event_list(db, r->scope, ent, style_id, 200, &ev, &n)) {
		out = state_json(&s);
		cJSON_AddStringToObject(out, "style", st->code);
		cJSON *arr = cJSON_AddArrayToObject(out, "history");
		for (size_t i = 0; i < n; i++) {
			cJSON *y = cJSON_CreateObject();
			cJSON_AddNumberToObject(y, "ts", (double)ev[i].ts_ms);
			cJSON_AddStringToObject(y, "lot", ev[i].lot);
			cJSON_AddStringToObject(y, "result", ev[i].result);
			cJSON_AddStringToObject(y, "event", ev[i].event);
			cJSON_AddStringToObject(y, "severity", ev[i].severity);
			cJSON_AddNumberToObject(y, "score", ev[i].score);
			cJSON_AddStringToObject(y, "by", ev[i].by);
			cJSON_AddItemToArray(arr, y);
		}
	}
	free(ev);
	free(st);
	if (!out)
		return http__reply_error(r, 503, "unavailable", -1, "cannot read the switching");
	return http__reply_json(r, 200, out);
}

static enum MHD_Result h_switching_set(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	int64_t ent;
	char ecode[40], style[40];
	int bad_in = http__field_text(r, j, "enterprise", 0, 1, ecode, sizeof ecode, &ret) ||
		     http__firm_arg(r, ecode, &ent, &ret) ||
		     http__field_text(r, j, "style", 1, 1, style, sizeof style, &ret);
	const cJSON *ra = cJSON_GetObjectItemCaseSensitive(j, "reduced_allowed");
	const cJSON *rs = cJSON_GetObjectItemCaseSensitive(j, "resume");
	if (!bad_in && ra && !cJSON_IsBool(ra))
		bad_in = bad(r, &ret, "reduced_allowed", "must be true or false");
	if (!bad_in && rs && !cJSON_IsBool(rs))
		bad_in = bad(r, &ret, "resume", "must be true or false");
	if (!bad_in && !ra && !rs)
		bad_in = bad(r, &ret, "reduced_allowed", "or 'resume' must be given");
	int reduced = ra ? cJSON_IsTrue(ra) : -1, resume = cJSON_IsTrue(rs);
	cJSON_Delete(j);
	if (bad_in)
		return ret;
	if (!may_record(r, ent))
		return forbidden(r);
	store_style *st = malloc(sizeof *st);
	if (!st)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	if (style_of(r, db, ent, style, st, &ret)) {
		free(st);
		return ret;
	}
	int64_t style_id = st->id;
	free(st);
	store_aql_state s;
	int rc = quality_set_switching(r->srv->app.w, ent, style_id, reduced, resume,
				       r->user.username, ltime_now_ms(), &s);
	if (rc)
		return http__reply_status(r, rc, "style", style);
	cJSON *out = state_json(&s);
	cJSON_AddStringToObject(out, "style", style);
	return http__reply_json(r, 200, out);
}

/* ---- test reports (the markings: api_standards.c's parser) ---- */

static cJSON *test_json(http_req *r, store *db, const store_test *t)
{
	cJSON *o = cJSON_CreateObject();
	store_enterprise e;
	store_scope all = {0};
	char d[11];
	day_str(t->day, d);
	cJSON_AddNumberToObject(o, "id", (double)t->id);
	cJSON_AddStringToObject(o, "enterprise", http__ent_code(r, t->enterprise_id, &e));
	cJSON_AddStringToObject(o, "report_no", t->report_no);
	cJSON_AddStringToObject(o, "lab", t->lab);
	cJSON_AddStringToObject(o, "day", d);
	store_style *st = malloc(sizeof *st);
	cJSON_AddStringToObject(
	    o, "style",
	    t->style_id && st && !store_style_get(db, all, 0, NULL, t->style_id, st) ? st->code
										     : "");
	free(st);
	store_material_lot m;
	cJSON_AddStringToObject(
	    o, "material_lot",
	    t->material_lot_id && !store_material_lot_get(db, all, 0, NULL, t->material_lot_id, &m)
		? m.code
		: "");
	cJSON_AddStringToObject(o, "en388", t->en388);
	cJSON *mk = cJSON_Parse(t->markings);
	cJSON_AddItemToObject(o, "markings", mk ? mk : cJSON_CreateObject());
	cJSON *raw = cJSON_Parse(t->raw);
	cJSON_AddItemToObject(o, "values", raw ? raw : cJSON_CreateObject());
	cJSON_AddBoolToObject(o, "pdf", t->pdf_bytes > 0);
	cJSON_AddNumberToObject(o, "pdf_bytes", (double)t->pdf_bytes);
	return o;
}

static enum MHD_Result h_tests(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent, style_id = 0;
	if (query_firm(r, db, &ent, &ret))
		return ret;
	const char *style = http__arg(r, "style");
	if (style && *style) {
		store_style *st = malloc(sizeof *st);
		if (!st)
			return http__reply_error(r, 503, "unavailable", -1, "out of memory");
		int bad_style = style_of(r, db, ent, style, st, &ret);
		style_id = st->id;
		free(st);
		if (bad_style)
			return ret;
	}
	store_test *v = NULL;
	size_t n = 0;
	if (store_test_list(db, r->scope, ent, style_id, 0, &v, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read test reports");
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "items");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, test_json(r, db, &v[i]));
	free(v);
	return http__reply_json(r, 200, out);
}

/* POST /api/v1/tests: a lab's test report of a style or a material lot,
 * its markings computed from the values (api_standards.c) and stored with
 * them. */
static enum MHD_Result h_test_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	store_test *t = calloc(1, sizeof *t);
	store_style *st = malloc(sizeof *st);
	cJSON *mk = NULL;
	char ecode[40], style[40] = "", mat[40] = "";
	int bad_in = !t || !st;
	if (bad_in)
		ret = http__reply_error(r, 503, "unavailable", -1, "out of memory");
	if (!bad_in)
		bad_in = http__field_text(r, j, "enterprise", 0, 1, ecode, sizeof ecode, &ret) ||
			 http__firm_arg(r, ecode, &t->enterprise_id, &ret) ||
			 http__field_text(r, j, "report_no", 1, 0, t->report_no,
					  sizeof t->report_no, &ret) ||
			 http__field_text(r, j, "lab", 1, 0, t->lab, sizeof t->lab, &ret) ||
			 day_field(r, j, "day", 1, &t->day, &ret) ||
			 http__field_text(r, j, "style", 0, 1, style, sizeof style, &ret) ||
			 http__field_text(r, j, "material_lot", 0, 1, mat, sizeof mat, &ret);
	if (!bad_in && !style[0] && !mat[0])
		bad_in = bad(r, &ret, "style", "or 'material_lot': name what was tested");
	if (!bad_in && style[0]) {
		bad_in = style_of(r, db, t->enterprise_id, style, st, &ret);
		if (!bad_in)
			t->style_id = st->id;
	}
	if (!bad_in && mat[0]) {
		store_material_lot m;
		int rc = store_material_lot_get(db, r->scope, t->enterprise_id, mat, 0, &m);
		if (rc) {
			ret = http__reply_status(r, rc, "material lot", mat);
			bad_in = 1;
		} else
			t->material_lot_id = m.id;
	}
	const cJSON *vals = cJSON_GetObjectItemCaseSensitive(j, "values");
	if (!bad_in)
		bad_in = http__test_values(r, vals, &mk, t->en388, sizeof t->en388, &ret);
	if (!bad_in && !cJSON_GetArraySize(mk))
		bad_in = bad(r, &ret, "values", "holds no test result");
	if (!bad_in) {
		char *raw = cJSON_PrintUnformatted(vals), *m = cJSON_PrintUnformatted(mk);
		if (!raw || !m || strlen(raw) >= sizeof t->raw || strlen(m) >= sizeof t->markings)
			bad_in = bad(r, &ret, "values", "is too long");
		else {
			snprintf(t->raw, sizeof t->raw, "%s", raw);
			snprintf(t->markings, sizeof t->markings, "%s", m);
		}
		free(raw);
		free(m);
	}
	cJSON_Delete(j);
	cJSON_Delete(mk);
	free(st);
	if (bad_in) {
		free(t);
		return ret;
	}
	if (!may_record(r, t->enterprise_id)) {
		free(t);
		return forbidden(r);
	}
	t->created_ms = ltime_now_ms();
	int rc = quality_add_test(r->srv->app.w, r->scope, t);
	if (rc) {
		ret = http__reply_status(r, rc, "test report", t->report_no);
		free(t);
		return ret;
	}
	cJSON *out = test_json(r, db, t);
	free(t);
	return http__reply_json(r, 201, out);
}

/* The report of ?id= of the firm; replies 400/404. */
static int test_arg(http_req *r, store *db, int64_t ent, store_test *t, enum MHD_Result *ret)
{
	const char *s = http__arg(r, "id");
	int64_t id;
	if (!s || http__parse_fixed(s, 0, INT64_MAX / 10, &id) || id < 1) {
		*ret = http__reply_error(r, 400, "bad_request", -1, "'id' must be a report id");
		return -1;
	}
	int rc = store_test_get(db, r->scope, ent, id, t);
	if (rc) {
		*ret = http__reply_status(r, rc, "test report", s);
		return -1;
	}
	return 0;
}

static enum MHD_Result h_test_pdf_put(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	store_test *t = malloc(sizeof *t);
	if (!t)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	if (query_firm(r, db, &ent, &ret) || test_arg(r, db, ent, t, &ret)) {
		free(t);
		return ret;
	}
	int64_t id = t->id;
	free(t);
	if (!may_record(r, ent))
		return forbidden(r);
	if (r->body.len < 5 || memcmp(r->body.data, "%PDF-", 5) != 0)
		return http__reply_error(r, 400, "bad_request", -1,
					 "the body must be a PDF file (it starts with %%PDF-)");
	int rc = quality_put_test_pdf(r->srv->app.w, id, r->body.data, r->body.len);
	if (rc)
		return http__reply_status(r, rc, "test report", NULL);
	cJSON *out = cJSON_CreateObject();
	cJSON_AddNumberToObject(out, "id", (double)id);
	cJSON_AddNumberToObject(out, "pdf_bytes", (double)r->body.len);
	return http__reply_json(r, 200, out);
}

static enum MHD_Result h_test_pdf(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	store_test *t = malloc(sizeof *t);
	if (!t)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	if (query_firm(r, db, &ent, &ret) || test_arg(r, db, ent, t, &ret)) {
		free(t);
		return ret;
	}
	char name[96];
	snprintf(name, sizeof name, "test-%s.pdf", t->report_no);
	for (char *p = name; *p; p++)
		if (*p == '/' || *p == '"' || *p == '\\')
			*p = '_';
	void *pdf = NULL;
	size_t len = 0;
	int rc = store_test_pdf_get(db, r->scope, ent, t->id, &pdf, &len);
	free(t);
	if (rc == GLOVED_ENOTFOUND)
		return http__reply_error(r, 404, "not_found", -1, "the report has no PDF attached");
	if (rc)
		return http__reply_status(r, rc, "test report", NULL);
	return http__reply_file(r, "application/pdf", pdf, len, name);
}

/* ---- trace ---- */

/* Backward from a lot: its materials, machines or bundles with the workers
 * and households of each operation, its inspections and tests. */
static cJSON *trace_lot(http_req *r, store *db, const store_lot *l)
{
	cJSON *o = lot_detail(r, db, l);
	store_coop_part part;
	store_coop_order co;
	store_scope any = {0};
	if (l->order_id && !store_coop_part_of_prod(db, l->order_id, &part) &&
	    !store_coop_order_get(db, any, part.order_id, NULL, &co)) {
		/* made for a cooperative order: whose and which */
		store_enterprise e;
		cJSON *c = cJSON_AddObjectToObject(o, "coop");
		cJSON_AddStringToObject(c, "order", co.code);
		cJSON_AddStringToObject(c, "lead", http__ent_code(r, co.lead_id, &e));
		cJSON_AddStringToObject(c, "partner", http__ent_code(r, part.enterprise_id, &e));
	}
	if (strcmp(l->source, "bundles") != 0)
		return o;
	store_scope firm = {.enterprise_id = l->enterprise_id};
	store_style *st = malloc(sizeof *st);
	store_scan *sc = NULL;
	store_bundle *b = NULL;
	size_t ns = 0, nb = 0;
	if (!st || store_style_get(db, firm, l->enterprise_id, NULL, l->style_id, st) ||
	    store_lot_bundles(db, l->id, &b, &nb) ||
	    store_scan_list(db, firm, l->order_id, 0, &sc, &ns)) {
		free(st);
		free(b);
		return o;
	}
	/* the operations of the routing, each with who did it on the lot's
	 * bundles */
	cJSON *ops = cJSON_AddArrayToObject(o, "operations");
	cJSON *workers = cJSON_AddArrayToObject(o, "workers");
	for (int32_t k = 0; k < st->n_ops; k++) {
		cJSON *y = cJSON_CreateObject();
		cJSON_AddNumberToObject(y, "seq", st->ops[k].seq);
		cJSON_AddStringToObject(y, "code", st->ops[k].code);
		cJSON_AddStringToObject(y, "name", st->ops[k].name);
		cJSON *who = cJSON_AddArrayToObject(y, "by");
		int64_t pairs = 0;
		for (size_t i = 0; i < ns; i++) {
			if (sc[i].seq != st->ops[k].seq)
				continue;
			int in_lot = 0;
			for (size_t m = 0; m < nb && !in_lot; m++)
				in_lot = b[m].id == sc[i].bundle_id;
			if (!in_lot)
				continue;
			pairs += sc[i].pairs;
			char name[48];
			if (sc[i].household_id)
				snprintf(name, sizeof name, "household:%lld",
					 (long long)sc[i].household_id);
			else
				snprintf(name, sizeof name, "%s", sc[i].worker);
			int seen = 0;
			const cJSON *w;
			cJSON_ArrayForEach(w, who) seen |= strcmp(w->valuestring, name) == 0;
			if (!seen)
				cJSON_AddItemToArray(who, cJSON_CreateString(name));
			seen = 0;
			cJSON_ArrayForEach(w, workers) seen |= strcmp(w->valuestring, name) == 0;
			if (!seen)
				cJSON_AddItemToArray(workers, cJSON_CreateString(name));
		}
		cJSON_AddNumberToObject(y, "pairs", (double)pairs);
		cJSON_AddItemToArray(ops, y);
	}
	free(st);
	free(b);
	free(sc);
	return o;
}

static enum MHD_Result h_trace(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	if (query_firm(r, db, &ent, &ret))
		return ret;
	const char *lot = http__arg(r, "lot"), *carton = http__arg(r, "carton"),
		   *bundle = http__arg(r, "bundle"), *order = http__arg(r, "order"),
		   *label = http__arg(r, "label");
	store_lot l;
	int rc;
	const char *from;
	if (lot && *lot) {
		from = "lot";
		if (lot_arg(r, db, ent, "lot", &l, &ret))
			return ret;
	} else if (carton && *carton) {
		from = "carton";
		store_carton c;
		rc = store_carton_get(db, r->scope, ent, carton, &c);
		if (!rc)
			rc = store_lot_get(db, r->scope, ent, NULL, c.lot_id, &l);
		if (rc)
			return http__reply_status(r, rc, "carton", carton);
	} else if (label && *label) {
		from = "label";
		store_label lb;
		rc = store_label_by_serial(db, label, &lb);
		if (!rc && lb.enterprise_id != ent)
			rc = GLOVED_ENOTFOUND; /* another firm's label is not seen */
		if (!rc)
			rc = store_lot_get(db, r->scope, ent, NULL, lb.lot_id, &l);
		if (rc)
			return http__reply_status(r, rc, "label", label);
	} else if (bundle && *bundle) {
		from = "bundle";
		int64_t no, lot_id;
		store_order od;
		if (!order || !code_valid(order) || http__parse_fixed(bundle, 0, 1000000000, &no))
			return http__reply_error(r, 400, "bad_request", -1,
						 "a bundle is named by 'order' and 'bundle' (its "
						 "number)");
		rc = store_order_get(db, r->scope, ent, order, 0, &od);
		if (rc)
			return http__reply_status(r, rc, "order", order);
		store_bundle *b = NULL;
		size_t nb = 0;
		rc = store_bundle_list(db, r->scope, ent, od.id, 0, 0, 1000000, &b, &nb);
		int64_t bid = 0;
		for (size_t i = 0; i < nb; i++)
			if (b[i].no == no)
				bid = b[i].id;
		free(b);
		if (!rc && !bid)
			rc = GLOVED_ENOTFOUND;
		if (!rc)
			rc = store_bundle_lot(db, bid, &lot_id);
		if (rc == GLOVED_ENOTFOUND)
			return http__reply_error(r, 404, "not_found", -1,
						 "bundle %lld of order %s is in no lot",
						 (long long)no, order);
		if (!rc)
			rc = store_lot_get(db, r->scope, ent, NULL, lot_id, &l);
		if (rc)
			return http__reply_status(r, rc, "lot", NULL);
	} else
		return http__reply_error(
		    r, 400, "bad_request", -1,
		    "trace from a 'lot', a 'carton', a 'label' (its serial) or a "
		    "'bundle' (with its 'order')");
	cJSON *out = trace_lot(r, db, &l);
	cJSON_AddStringToObject(out, "traced_from", from);
	return http__reply_json(r, 200, out);
}

static enum MHD_Result h_recall(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	if (query_firm(r, db, &ent, &ret))
		return ret;
	int fmt = format_arg(r, &ret);
	if (fmt < 0)
		return ret;
	const char *code = http__arg(r, "material_lot");
	if (!code || !code_valid(code))
		return http__reply_error(r, 400, "bad_request", -1,
					 "'material_lot' must be a material lot code");
	store_material_lot m;
	int rc = store_material_lot_get(db, r->scope, ent, code, 0, &m);
	if (rc)
		return http__reply_status(r, rc, "material lot", code);
	store_lot *v = NULL;
	size_t n = 0;
	if (store_material_lot_uses(db, r->scope, m.id, &v, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read lots");
	if (fmt) {
		static const table_col cols[] = {
		    {"批号", "Lot", NULL, NULL, TABLE_TEXT},
		    {"款号", "Style", NULL, NULL, TABLE_TEXT},
		    {"尺码", "Size", NULL, NULL, TABLE_TEXT},
		    {"数量", "Quantity", "双", "pair", TABLE_INT},
		    {"检验结果", "Result", NULL, NULL, TABLE_TEXT},
		    {"箱号", "Cartons", NULL, NULL, TABLE_TEXT},
		};
		table *t = NULL;
		rc = table_new(cols, 6, &t);
		for (size_t i = 0; i < n && !rc; i++) {
			cJSON *x = lot_json(r, db, &v[i]);
			store_carton *c = NULL;
			size_t nc = 0;
			buf cs;
			buf_init(&cs, 1u << 20);
			if (!store_carton_list(db, r->scope, ent, v[i].id, &c, &nc))
				for (size_t k = 0; k < nc; k++) {
					if (k)
						buf_append(&cs, " ", 1);
					buf_append(&cs, c[k].code, strlen(c[k].code));
				}
			buf_append(&cs, "", 1);
			free(c);
			table_cell cl[6] = {{0, 0, v[i].code},
					    {0, 0, cJSON_GetObjectItem(x, "style")->valuestring},
					    {0, 0, v[i].size},
					    {0, v[i].pieces / 2, NULL},
					    {0, 0, v[i].result},
					    {0, 0, cs.data}};
			rc = table_add_row(t, cl);
			buf_free(&cs);
			cJSON_Delete(x);
		}
		free(v);
		char name[64];
		snprintf(name, sizeof name, "gloved-recall-%s", m.code);
		return reply_table(r, t, rc, fmt, lang_en(r), "召回清单", "Recall", name);
	}
	cJSON *out = cJSON_CreateObject();
	cJSON_AddItemToObject(out, "material_lot", material_json(&m));
	cJSON *arr = cJSON_AddArrayToObject(out, "items");
	for (size_t i = 0; i < n; i++) {
		cJSON *x = lot_json(r, db, &v[i]);
		store_carton *c = NULL;
		size_t nc = 0;
		cJSON *ca = cJSON_AddArrayToObject(x, "cartons");
		if (!store_carton_list(db, r->scope, ent, v[i].id, &c, &nc))
			for (size_t k = 0; k < nc; k++)
				cJSON_AddItemToArray(ca, cJSON_CreateString(c[k].code));
		free(c);
		cJSON_AddItemToArray(arr, x);
	}
	free(v);
	return http__reply_json(r, 200, out);
}

const http_route http__routes_quality[] = {
    {"GET", "/api/v1/material-lots", ROLES_FIRM_PRIVATE, h_materials, NULL},
    {"POST", "/api/v1/material-lots", ROLES_QUALITY, h_material_add, QUALITY_ONLY},
    {"GET", "/api/v1/lots", ROLES_READERS, h_lots, NULL},
    {"POST", "/api/v1/lots", ROLES_QUALITY, h_lot_add, QUALITY_ONLY},
    {"GET", "/api/v1/lot", ROLES_READERS, h_lot, NULL},
    {"GET", "/api/v1/cartons", ROLES_READERS, h_cartons, NULL},
    {"POST", "/api/v1/cartons", ROLES_QUALITY, h_carton_add, QUALITY_ONLY},
    {"GET", "/api/v1/inspections/plan", ROLES_READERS, h_insp_plan, NULL},
    {"GET", "/api/v1/inspections", ROLES_READERS, h_inspections, NULL},
    {"POST", "/api/v1/inspections", ROLES_QUALITY, h_inspect, QUALITY_ONLY},
    {"GET", "/api/v1/aql/switching", ROLES_READERS, h_switching, NULL},
    {"POST", "/api/v1/aql/switching", ROLES_QUALITY, h_switching_set, QUALITY_ONLY},
    {"GET", "/api/v1/tests", ROLES_READERS, h_tests, NULL},
    {"POST", "/api/v1/tests", ROLES_QUALITY, h_test_add, QUALITY_ONLY},
    {"GET", "/api/v1/tests/pdf", ROLES_READERS, h_test_pdf, NULL},
    {"PUT", "/api/v1/tests/pdf", ROLES_QUALITY, h_test_pdf_put, QUALITY_ONLY},
    {"GET", "/api/v1/trace", ROLES_FIRM_PRIVATE, h_trace, NULL},
    {"GET", "/api/v1/trace/recall", ROLES_FIRM_PRIVATE, h_recall, NULL},
};
const size_t http__routes_quality_n = sizeof http__routes_quality / sizeof http__routes_quality[0];
