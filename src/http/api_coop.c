/* SPDX-License-Identifier: Apache-2.0 */
/* api_coop.c: firms working together (docs/api.md, "Cooperation"): each
 * firm's capability profile, quality record and free capacity; the
 * capacity exchange (cooperative orders, the solver's proposal, the lead's
 * adjustments, the offer, each partner's answer and shipments, progress
 * rolled up to the lead, the export); the design library (designs with
 * terms and files, licences, adoption as a style, royalties per month);
 * buyers' enquiries routed to firms, and the towns' portal pages. A
 * handler parses and checks, makes one app call (app/coop.c) and renders.
 * What a firm sees of another: only what that firm shares (its profile and
 * capacity when it shares capacity), never a partner's workers or wages. */
#include "app/coop.h"
#include "core/tz.h"
#include "http/http_int.h"
#include "util/num.h"
#include "util/err.h"
#include "util/ltime.h"
#include "util/secret.h"
#include "util/table.h"

#include <sodium.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum MHD_Result bad_request(http_req *r, const char *msg)
{
	return http__reply_error(r, 400, "bad_request", -1, "%s", msg);
}

static void add_day(cJSON *o, const char *key, int32_t day)
{
	char s[16];
	tz_day_format(day, s);
	cJSON_AddStringToObject(o, key, s);
}

static void add_yuan(cJSON *o, const char *key, int64_t fen)
{
	char s[40];
	http__fixed_str(fen, 2, s, sizeof s);
	cJSON_AddStringToObject(o, key, s);
}

static const char *ent_code(http_req *r, int64_t id)
{
	static __thread store_enterprise e;
	if (!id)
		return "";
	return http__ent_code(r, id, &e);
}

static int may_see_firm(http_req *r, store *db, int64_t ent)
{
	if (http__is_cluster_admin(r) || (r->scope.enterprise_id && r->scope.enterprise_id == ent))
		return 1;
	store_enterprise e;
	if (r->scope.town[0] &&
	    (registry_enterprise(r->srv->app.reg, ent, &e) || strcmp(e.town, r->scope.town)))
		return 0;
	store_share sh = {.enterprise_id = ent};
	return !store_share_get(db, ent, &sh) && sh.capacity;
}

/* The enterprise named by ?enterprise= (or the caller's own), which the
 * caller may see: its own, or one that shares its capacity. */
static int firm_of_query(http_req *r, store *db, int64_t *ent, enum MHD_Result *ret)
{
	http__refresh(r, db);
	const char *code = http__arg(r, "enterprise");
	store_enterprise e;
	if (!code || !*code) {
		*ent = r->scope.enterprise_id;
		if (!*ent) {
			*ret = bad_request(r, "name the enterprise (?enterprise=)");
			return -1;
		}
		return 0;
	}
	if (registry_enterprise_by_code(r->srv->app.reg, code, &e) || !may_see_firm(r, db, e.id)) {
		*ret = http__reply_error(r, 404, "not_found", -1,
					 "no enterprise '%s' that shares its capacity", code);
		return -1;
	}
	*ent = e.id;
	return 0;
}

/* ---- profile, record and capacity ---- */

static cJSON *capacity_json(const coop_capacity *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "family", c->family);
	cJSON_AddStringToObject(o, "basis", c->basis);
	cJSON_AddNumberToObject(o, "units", (double)c->units);
	cJSON_AddNumberToObject(o, "rate_pm", c->rate_pm);
	cJSON_AddBoolToObject(o, "measured", c->measured);
	if (!strcmp(c->family, "sewn")) {
		cJSON_AddNumberToObject(o, "smv_c", (double)c->smv_c);
		cJSON_AddStringToObject(o, "smv_from", c->smv_from);
	}
	add_day(o, "week0", c->week0_day);
	cJSON_AddNumberToObject(o, "committed", (double)c->committed);
	cJSON_AddNumberToObject(o, "overflow", (double)c->overflow);
	int64_t gross = 0, fr = 0;
	cJSON *a = cJSON_AddArrayToObject(o, "weeks");
	for (int w = 0; w < COOP_WEEKS; w++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "week", w);
		add_day(x, "from", c->week0_day + 7 * w);
		cJSON_AddNumberToObject(x, "planned_h", (double)c->planned_ms[w] / 3600000.0);
		cJSON_AddNumberToObject(x, "gross", (double)c->gross[w]);
		cJSON_AddNumberToObject(x, "free", (double)c->free[w]);
		cJSON_AddItemToArray(a, x);
		gross += c->gross[w];
		fr += c->free[w];
	}
	cJSON_AddNumberToObject(o, "gross_total", (double)gross);
	cJSON_AddNumberToObject(o, "free_total", (double)fr);
	return o;
}

static void quality_json(cJSON *o, const coop_quality *q)
{
	cJSON *x = cJSON_AddObjectToObject(o, "quality");
	cJSON_AddNumberToObject(x, "lots", (double)q->lots);
	cJSON_AddNumberToObject(x, "accepted", (double)q->accepted);
	if (q->pm >= 0)
		cJSON_AddNumberToObject(x, "accepted_pm", q->pm);
	else
		cJSON_AddNullToObject(x, "accepted_pm");
}

/* A firm's card: profile, share, licence, record and its capacity per
 * family it runs. */
static int firm_card(http_req *r, store *db, int64_t ent, int with_capacity, cJSON **out)
{
	store_enterprise e;
	int rc = registry_enterprise(r->srv->app.reg, ent, &e);
	if (rc)
		return rc;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "enterprise", e.code);
	cJSON_AddStringToObject(o, "name", e.name);
	cJSON_AddStringToObject(o, "town", e.town);
	store_share sh = {.enterprise_id = ent};
	rc = store_share_get(db, ent, &sh);
	cJSON_AddBoolToObject(o, "shares_capacity", !rc && sh.capacity);
	store_licence l;
	cJSON_AddBoolToObject(o, "brand_licensed",
			      !store_licence_get(db, ent, &l) && !strcmp(l.status, "active"));
	coop_quality q;
	if (coop_quality_get(db, ent, &q)) {
		cJSON_Delete(o);
		return GLOVED_EIO;
	}
	quality_json(o, &q);
	store_coop_profile sp;
	coop_profile prof;
	char msg[8];
	int has = !store_coop_profile_get(db, ent, &sp) &&
		  !coop_profile_parse(sp.body, strlen(sp.body), &prof, msg, sizeof msg);
	if (has) {
		cJSON_AddItemToObject(o, "profile", cJSON_Parse(sp.body));
		cJSON_AddNumberToObject(o, "profile_updated_ms", (double)sp.updated_ms);
	} else {
		cJSON_AddNullToObject(o, "profile");
	}
	if (with_capacity) {
		cJSON *caps = cJSON_AddArrayToObject(o, "capacity");
		static const char *const fams[] = {"knitted", "dipped", "sewn"};
		for (size_t i = 0; i < 3; i++) {
			if (has ? !coop_profile_has_family(&prof, fams[i]) : i == 2)
				continue;
			coop_capacity c;
			rc = coop_capacity_get(db, r->srv->app.reg, writer_cals(r->srv->app.w), ent,
					       has ? &prof : NULL, fams[i], 0, NULL, http__today(),
					       0, ltime_now_ms(), &c);
			if (rc) {
				cJSON_Delete(o);
				return rc;
			}
			if (!has && !c.units)
				continue;
			cJSON_AddItemToArray(caps, capacity_json(&c));
		}
	}
	*out = o;
	return 0;
}

static enum MHD_Result h_profile_get(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	if (firm_of_query(r, db, &ent, &ret))
		return ret;
	cJSON *o = NULL;
	int rc = firm_card(r, db, ent, 1, &o);
	if (rc)
		return http__reply_status(r, rc, "enterprise", NULL);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_profile_put(http_req *r, store *db)
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
					 "only the firm's admin publishes its capabilities");
	}
	cJSON_DeleteItemFromObjectCaseSensitive(j, "enterprise");
	char *text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (!text)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	coop_profile p;
	char msg[200];
	int rc = coop_profile_parse(text, strlen(text), &p, msg, sizeof msg);
	free(text);
	if (rc)
		return bad_request(r, msg);
	store_coop_profile sp = {.enterprise_id = ent};
	if (coop_profile_json(&p, sp.body, sizeof sp.body))
		return http__reply_error(r, 413, "too_large", -1, "the profile is over 4 KiB");
	cluster_actor a;
	http__actor(r, &a);
	sp.updated_ms = a.now_ms;
	snprintf(sp.by, sizeof sp.by, "%s", a.name);
	rc = coop_profile_put(r->srv->app.w, &a, &sp);
	if (rc)
		return http__reply_status(r, rc, "profile", NULL);
	cJSON *o = NULL;
	rc = firm_card(r, db, ent, 1, &o);
	if (rc)
		return http__reply_status(r, rc, "enterprise", NULL);
	return http__reply_json(r, 200, o);
}

/* The exchange's directory: every firm sharing its capacity, its card and
 * its free capacity (the caller's own firm too). */
static enum MHD_Result h_firms(http_req *r, store *db)
{
	http__refresh(r, db);
	store_enterprise *es = NULL;
	size_t n = 0;
	store_scope sc = {0};
	snprintf(sc.town, sizeof sc.town, "%s", r->scope.town);
	int rc = registry_enterprises(r->srv->app.reg, sc, &es, &n);
	if (rc)
		return http__reply_status(r, rc, "enterprises", NULL);
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "items");
	for (size_t i = 0; i < n && !rc; i++) {
		store_share sh = {.enterprise_id = es[i].id};
		int own = r->scope.enterprise_id == es[i].id;
		if (!own && (store_share_get(db, es[i].id, &sh) || !sh.capacity))
			continue;
		cJSON *x = NULL;
		if (!(rc = firm_card(r, db, es[i].id, 1, &x)))
			cJSON_AddItemToArray(arr, x);
	}
	free(es);
	if (rc) {
		cJSON_Delete(o);
		return http__reply_status(r, rc, "enterprises", NULL);
	}
	return http__reply_json(r, 200, o);
}

/* ---- cooperative orders ---- */

/* 1 when the caller leads order o (the lead firm's admin, the association
 * for its own, the cluster admin). */
static int is_lead(const http_req *r, const store_coop_order *o)
{
	if (http__is_cluster_admin(r))
		return 1;
	if (!o->lead_id)
		return r->role == ROLE_ASSOCIATION;
	return r->role == ROLE_ENTERPRISE_ADMIN && r->user.enterprise_id == o->lead_id;
}

/* 1 when the caller sees every part of o (the lead's people, the cluster
 * admin and the association). */
static int sees_all_parts(const http_req *r, const store_coop_order *o)
{
	if (http__is_cluster_admin(r) || r->role == ROLE_ASSOCIATION)
		return 1;
	return o->lead_id && r->scope.enterprise_id == o->lead_id;
}

static int order_arg(http_req *r, store *db, const char *code, store_coop_order *o,
		     enum MHD_Result *ret)
{
	if (!code || !*code) {
		*ret = bad_request(r, "name the cooperative order (code)");
		return -1;
	}
	int rc = store_coop_order_get(db, r->scope, 0, code, o);
	if (rc) {
		*ret = http__reply_status(r, rc, "cooperative order", code);
		return -1;
	}
	return 0;
}

static cJSON *order_head_json(http_req *r, const store_coop_order *o)
{
	cJSON *x = cJSON_CreateObject();
	cJSON_AddStringToObject(x, "code", o->code);
	cJSON_AddStringToObject(x, "lead", o->lead_id ? ent_code(r, o->lead_id) : "");
	cJSON_AddBoolToObject(x, "by_association", !o->lead_id);
	cJSON_AddStringToObject(x, "buyer", o->buyer);
	cJSON_AddItemToObject(x, "need", cJSON_Parse(o->need));
	cJSON_AddStringToObject(x, "style", o->style);
	cJSON_AddNumberToObject(x, "pairs", (double)o->pairs);
	cJSON_AddNumberToObject(x, "dozens", (double)o->pairs / 12.0);
	add_day(x, "due", o->due_day);
	cJSON_AddNumberToObject(x, "price_fen", (double)o->price_fen);
	add_yuan(x, "price_yuan_per_dozen", o->price_fen);
	cJSON_AddNumberToObject(x, "min_quality_pm", o->min_quality_pm);
	cJSON_AddNumberToObject(x, "max_partners", o->max_partners);
	cJSON_AddStringToObject(x, "status", o->status);
	cJSON_AddNumberToObject(x, "created_ms", (double)o->created_ms);
	cJSON_AddStringToObject(x, "by", o->by);
	return x;
}

static cJSON *part_json(http_req *r, store *db, const store_coop_part *p)
{
	cJSON *x = cJSON_CreateObject();
	store_enterprise e;
	int known = !registry_enterprise(r->srv->app.reg, p->enterprise_id, &e);
	cJSON_AddStringToObject(x, "enterprise", known ? e.code : "");
	cJSON_AddStringToObject(x, "name", known ? e.name : "");
	cJSON_AddStringToObject(x, "town", known ? e.town : "");
	cJSON_AddNumberToObject(x, "pairs", (double)p->pairs);
	add_day(x, "week0", p->week0_day);
	cJSON *w = cJSON_AddArrayToObject(x, "weeks");
	for (int i = 0; i < COOP_WEEKS; i++)
		cJSON_AddItemToArray(w, cJSON_CreateNumber((double)p->weeks[i]));
	int last = -1;
	for (int i = 0; i < COOP_WEEKS; i++)
		if (p->weeks[i])
			last = i;
	if (last >= 0)
		add_day(x, "ready_by", p->week0_day + 7 * last + 6);
	cJSON_AddStringToObject(x, "status", p->status);
	cJSON_AddStringToObject(x, "reason", p->reason);
	cJSON_AddNumberToObject(x, "shipped", (double)p->shipped);
	coop_progress pg;
	if (!coop_progress_get(db, writer_cals(r->srv->app.w), p, ltime_now_ms(), &pg)) {
		cJSON *g = cJSON_AddObjectToObject(x, "progress");
		cJSON_AddStringToObject(g, "production_order", pg.prod_order);
		cJSON_AddNumberToObject(g, "produced", (double)pg.produced);
		cJSON_AddNumberToObject(g, "inspected", (double)pg.inspected);
		cJSON_AddNumberToObject(g, "lots", (double)pg.lots);
		cJSON_AddNumberToObject(g, "lots_accepted", (double)pg.lots_accepted);
		cJSON_AddNumberToObject(g, "shipped", (double)p->shipped);
		cJSON *ls = cJSON_AddArrayToObject(g, "lot_list");
		for (size_t i = 0; i < pg.n_lot; i++) {
			cJSON *y = cJSON_CreateObject();
			cJSON_AddStringToObject(y, "lot", pg.lot[i].code);
			cJSON_AddStringToObject(y, "result", pg.lot[i].result);
			cJSON_AddNumberToObject(y, "pairs", (double)pg.lot[i].pairs);
			cJSON_AddItemToArray(ls, y);
		}
	}
	cJSON_AddNumberToObject(x, "updated_ms", (double)p->updated_ms);
	return x;
}

static enum MHD_Result order_view(http_req *r, store *db, const store_coop_order *o,
				  unsigned status, const coop_proposal_res *pr)
{
	store_coop_order cur;
	if (store_coop_order_get(db, r->scope, o->id, NULL, &cur))
		cur = *o;
	cJSON *x = order_head_json(r, &cur);
	int all = sees_all_parts(r, &cur);
	cJSON_AddBoolToObject(x, "lead_view", all);
	store_coop_part *v = NULL;
	size_t n = 0;
	int rc = store_coop_part_list(db, cur.id, 0, &v, &n);
	if (rc) {
		cJSON_Delete(x);
		return http__reply_status(r, rc, "parts", NULL);
	}
	cJSON *arr = cJSON_AddArrayToObject(x, "parts");
	int64_t sum[4] = {0}; /* placed, produced, inspected, shipped */
	for (size_t i = 0; i < n; i++) {
		if (!all && v[i].enterprise_id != r->scope.enterprise_id &&
		    !http__is_cluster_admin(r))
			continue;
		cJSON *p = part_json(r, db, &v[i]);
		cJSON_AddItemToArray(arr, p);
		if (strcmp(v[i].status, "accepted") == 0) {
			sum[0] += v[i].pairs;
			cJSON *g = cJSON_GetObjectItemCaseSensitive(p, "progress");
			sum[1] += (int64_t)cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(g, "produced"));
			sum[2] += (int64_t)cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(g, "inspected"));
			sum[3] += v[i].shipped;
		}
	}
	free(v);
	if (all) {
		cJSON *t = cJSON_AddObjectToObject(x, "progress");
		cJSON_AddNumberToObject(t, "placed", (double)sum[0]);
		cJSON_AddNumberToObject(t, "produced", (double)sum[1]);
		cJSON_AddNumberToObject(t, "inspected", (double)sum[2]);
		cJSON_AddNumberToObject(t, "shipped", (double)sum[3]);
		store_coop_proposal pp;
		if (!store_coop_proposal_get(db, cur.id, &pp))
			cJSON_AddItemToObject(x, "proposal", cJSON_Parse(pp.body));
	}
	if (pr && all) {
		cJSON *c = cJSON_AddArrayToObject(x, "candidates");
		for (size_t i = 0; i < pr->pool.n; i++) {
			const coop_candidate *k = &pr->pool.c[i];
			cJSON *y = cJSON_CreateObject();
			cJSON_AddStringToObject(y, "enterprise", k->e.code);
			cJSON_AddStringToObject(y, "name", k->e.name);
			int64_t fr = 0;
			cJSON *fw = cJSON_AddArrayToObject(y, "free");
			for (int w = 0; w < COOP_WEEKS; w++) {
				fr += k->cap.free[w];
				cJSON_AddItemToArray(fw,
						     cJSON_CreateNumber((double)k->cap.free[w]));
			}
			cJSON_AddNumberToObject(y, "free_total", (double)fr);
			cJSON_AddNumberToObject(y, "rate_pm", k->cap.rate_pm);
			cJSON_AddBoolToObject(y, "measured", k->cap.measured);
			if (!strcmp(k->cap.family, "sewn")) {
				cJSON_AddNumberToObject(y, "smv_c", (double)k->cap.smv_c);
				cJSON_AddStringToObject(y, "smv_from", k->cap.smv_from);
			}
			cJSON_AddNumberToObject(y, "price_fen", (double)k->prof.price_fen);
			cJSON_AddNumberToObject(y, "min_order_pairs",
						(double)k->prof.min_order_pairs);
			if (k->q.pm >= 0)
				cJSON_AddNumberToObject(y, "quality_pm", k->q.pm);
			cJSON_AddItemToArray(c, y);
		}
	}
	return http__reply_json(r, status, x);
}

static enum MHD_Result h_orders(http_req *r, store *db)
{
	http__refresh(r, db);
	store_coop_order *v = NULL;
	size_t n = 0;
	int rc = store_coop_order_list(db, r->scope, &v, &n);
	if (rc)
		return http__reply_status(r, rc, "cooperative orders", NULL);
	const char *st = http__arg(r, "status");
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "items");
	for (size_t i = 0; i < n; i++) {
		if (st && *st && strcmp(st, v[i].status))
			continue;
		cJSON *x = order_head_json(r, &v[i]);
		store_coop_part p;
		if (r->scope.enterprise_id && r->scope.enterprise_id != v[i].lead_id &&
		    !store_coop_part_get(db, v[i].id, r->scope.enterprise_id, &p)) {
			cJSON_AddStringToObject(x, "my_part", p.status);
			cJSON_AddNumberToObject(x, "my_pairs", (double)p.pairs);
		}
		cJSON_AddItemToArray(arr, x);
	}
	free(v);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_order_get(http_req *r, store *db)
{
	enum MHD_Result ret;
	store_coop_order o;
	http__refresh(r, db);
	if (order_arg(r, db, http__arg(r, "code"), &o, &ret))
		return ret;
	return order_view(r, db, &o, 200, NULL);
}

static enum MHD_Result h_order_post(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	store_coop_order o;
	memset(&o, 0, sizeof o);
	char lead[33], due[16];
	int64_t pairs, price, minq, maxp;
	if (http__field_text(r, j, "code", 1, 1, o.code, sizeof o.code, &ret) ||
	    http__field_text(r, j, "lead", 0, 1, lead, sizeof lead, &ret) ||
	    http__field_text(r, j, "buyer", 0, 0, o.buyer, sizeof o.buyer, &ret) ||
	    http__field_text(r, j, "style", 0, 1, o.style, sizeof o.style, &ret) ||
	    http__field_text(r, j, "due", 1, 0, due, sizeof due, &ret) ||
	    http__field_int(r, j, "pairs", 1, 100000000, 0, &pairs, &ret) ||
	    http__field_int(r, j, "price_fen", 0, 100000000, 0, &price, &ret) ||
	    http__field_int(r, j, "min_quality_pm", 0, 1000, 0, &minq, &ret) ||
	    http__field_int(r, j, "max_partners", 1, 50, 5, &maxp, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	if (!pairs) {
		cJSON_Delete(j);
		return bad_request(r, "field 'pairs' is missing");
	}
	/* the lead: a firm's admin leads for its firm; the association and
	 * the cluster admin post for a buyer (or, the admin, for a firm) */
	if (r->role == ROLE_ENTERPRISE_ADMIN) {
		o.lead_id = r->user.enterprise_id;
		store_enterprise e;
		if (lead[0] &&
		    (registry_enterprise_by_code(r->srv->app.reg, lead, &e) || e.id != o.lead_id)) {
			cJSON_Delete(j);
			return http__reply_error(r, 403, "forbidden", -1,
						 "a firm's admin posts orders its own firm leads");
		}
	} else if (lead[0]) {
		store_enterprise e;
		if (r->role != ROLE_CLUSTER_ADMIN ||
		    registry_enterprise_by_code(r->srv->app.reg, lead, &e)) {
			cJSON_Delete(j);
			return http__reply_error(r, 404, "not_found", -1, "no enterprise '%s'",
						 lead);
		}
		o.lead_id = e.id;
	}
	if (!o.lead_id && !o.buyer[0]) {
		cJSON_Delete(j);
		return bad_request(r, "field 'buyer' is missing: the association posts an order "
				      "for a buyer");
	}
	const cJSON *need = cJSON_GetObjectItemCaseSensitive(j, "need");
	char *nt = cJSON_IsObject(need) ? cJSON_PrintUnformatted(need) : NULL;
	cJSON_Delete(j);
	if (!nt)
		return bad_request(r, "field 'need' must be an object (family, gauge, compound, "
				      "operations, certifications, licensed)");
	coop_need nd;
	char msg[200];
	int rc = coop_need_parse(nt, strlen(nt), &nd, msg, sizeof msg);
	free(nt);
	if (rc)
		return bad_request(r, msg);
	if (coop_need_json(&nd, o.need, sizeof o.need))
		return http__reply_error(r, 413, "too_large", -1, "field 'need' is over 1 KiB");
	if (tz_day_parse(due, &o.due_day))
		return bad_request(r, "field 'due' must be YYYY-MM-DD");
	if (o.due_day < http__today())
		return bad_request(r, "field 'due' is in the past");
	o.pairs = pairs;
	o.price_fen = price;
	o.min_quality_pm = (int32_t)minq;
	o.max_partners = (int32_t)maxp;
	snprintf(o.status, sizeof o.status, "open");
	cluster_actor a;
	http__actor(r, &a);
	o.created_ms = a.now_ms;
	snprintf(o.by, sizeof o.by, "%s", a.name);
	rc = coop_order_post(r->srv->app.w, &a, &o);
	if (rc)
		return http__reply_status(r, rc, "cooperative order", o.code);
	return order_view(r, db, &o, 201, NULL);
}

/* The order of a lead's action (body field "code"), refused to others. */
static int lead_order(http_req *r, store *db, const cJSON *j, store_coop_order *o,
		      enum MHD_Result *ret)
{
	char code[33];
	if (http__field_text(r, j, "code", 1, 1, code, sizeof code, ret) ||
	    order_arg(r, db, code, o, ret))
		return -1;
	if (!is_lead(r, o)) {
		*ret = http__reply_error(r, 403, "forbidden", -1,
					 "only the lead of order %s may do this", o->code);
		return -1;
	}
	if (strcmp(o->status, "open") && strcmp(o->status, "offered")) {
		*ret =
		    http__reply_error(r, 409, "conflict", -1, "order %s is %s", o->code, o->status);
		return -1;
	}
	return 0;
}

/* A lead's action whose body names only the order: the order (refused to
 * others) and who acts. */
static int lead_request(http_req *r, store *db, store_coop_order *o, cluster_actor *a,
			enum MHD_Result *ret)
{
	cJSON *j = http__parse_body(r, ret);
	if (!j)
		return -1;
	http__refresh(r, db);
	int bad = lead_order(r, db, j, o, ret);
	cJSON_Delete(j);
	if (bad)
		return -1;
	http__actor(r, a);
	return 0;
}

static enum MHD_Result h_propose(http_req *r, store *db)
{
	enum MHD_Result ret;
	store_coop_order o;
	cluster_actor a;
	if (lead_request(r, db, &o, &a, &ret))
		return ret;
	coop_proposal_res pr;
	alloc_opts opts = {.seconds_per_phase = 10, .lp_bound = 1};
	int rc = coop_propose(r->srv->app.w, db, r->srv->app.reg, writer_cals(r->srv->app.w), &a,
			      &o, http__today(), &opts, &pr);
	if (rc == GLOVED_EINVAL)
		return http__reply_error(r, 409, "conflict", -1,
					 "order %s has no pairs left to place: every pair or "
					 "partner is offered or accepted",
					 o.code);
	if (rc)
		return http__reply_status(r, rc, "proposal", o.code);
	enum MHD_Result res = order_view(r, db, &o, 200, &pr);
	coop_proposal_free(&pr);
	return res;
}

/* PUT parts: the lead's adjusted split, [{enterprise, weeks: [12]}]. */
static enum MHD_Result h_parts_put(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	store_coop_order o;
	if (lead_order(r, db, j, &o, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	const cJSON *parts = cJSON_GetObjectItemCaseSensitive(j, "parts");
	int np = cJSON_IsArray(parts) ? cJSON_GetArraySize(parts) : -1;
	if (np < 1 || np > o.max_partners) {
		cJSON_Delete(j);
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'parts' must be an array of 1 to %d parts (the "
					 "order's max_partners)",
					 (int)o.max_partners);
	}
	store_coop_part *v = calloc((size_t)np, sizeof *v);
	if (!v) {
		cJSON_Delete(j);
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	}
	int32_t today = http__today();
	int64_t held = 0, sum = 0;
	int held_firms = 0;
	store_coop_part *cur = NULL;
	size_t nc = 0;
	if (coop_held_parts(db, o.id, &held, &held_firms) ||
	    store_coop_part_list(db, o.id, 0, &cur, &nc)) {
		free(v);
		cJSON_Delete(j);
		free(cur);
		return http__reply_error(r, 503, "unavailable", -1, "cannot read the parts");
	}
	cluster_actor a;
	http__actor(r, &a);
	const cJSON *p;
	int i = 0;
	cJSON_ArrayForEach(p, parts)
	{
		char code[33], f[48];
		snprintf(f, sizeof f, "parts[%d]", i);
		store_enterprise e;
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(p, "weeks");
		if (!cJSON_IsObject(p) ||
		    http__field_text(r, p, "enterprise", 1, 1, code, sizeof code, &ret)) {
			if (!cJSON_IsObject(p))
				ret = http__reply_error(r, 400, "bad_request", -1,
							"%s must be an object", f);
			free(v);
			free(cur);
			cJSON_Delete(j);
			return ret;
		}
		if (registry_enterprise_by_code(r->srv->app.reg, code, &e)) {
			free(v);
			free(cur);
			cJSON_Delete(j);
			return http__reply_error(r, 400, "bad_request", -1,
						 "%s.enterprise: no enterprise '%s'", f, code);
		}
		/* an adjustment changes proposed parts only: a part offered,
		 * accepted or declined is the firm's answer */
		for (size_t c = 0; c < nc; c++)
			if (cur[c].enterprise_id == e.id && strcmp(cur[c].status, "proposed")) {
				char st[12];
				snprintf(st, sizeof st, "%s", cur[c].status);
				free(v);
				free(cur);
				cJSON_Delete(j);
				return http__reply_error(
				    r, 409, "conflict", -1,
				    "%s: %s already holds a part of order %s that is %s; only "
				    "proposed parts can be adjusted",
				    f, code, o.code, st);
			}
		if (!cJSON_IsArray(w) || cJSON_GetArraySize(w) > COOP_WEEKS) {
			free(v);
			free(cur);
			cJSON_Delete(j);
			return http__reply_error(r, 400, "bad_request", -1,
						 "%s.weeks must be an array of at most 12 pairs "
						 "per week",
						 f);
		}
		const cJSON *x;
		int k = 0;
		cJSON_ArrayForEach(x, w)
		{
			if (!cJSON_IsNumber(x) || !num_whole(x->valuedouble, 0, 100000000, NULL)) {
				free(v);
				free(cur);
				cJSON_Delete(j);
				return http__reply_error(r, 400, "bad_request", -1,
							 "%s.weeks[%d] must be whole pairs, 0 "
							 "or more",
							 f, k);
			}
			v[i].weeks[k] = (int64_t)x->valuedouble;
			v[i].pairs += v[i].weeks[k];
			k++;
		}
		v[i].order_id = o.id;
		v[i].enterprise_id = e.id;
		v[i].week0_day = today;
		snprintf(v[i].status, sizeof v[i].status, "proposed");
		v[i].updated_ms = a.now_ms;
		snprintf(v[i].by, sizeof v[i].by, "%s", a.name);
		sum += v[i].pairs;
		i++;
	}
	cJSON_Delete(j);
	free(cur);
	if (sum + held != o.pairs) {
		free(v);
		return http__reply_error(r, 400, "bad_request", -1,
					 "parts: %lld pairs with the %lld offered or accepted; "
					 "the order is %lld",
					 (long long)(sum + held), (long long)held,
					 (long long)o.pairs);
	}
	coop_pool pool;
	int rc = coop_pool_get(db, r->srv->app.reg, writer_cals(r->srv->app.w), &o, today, a.now_ms,
			       &pool);
	char msg[256];
	if (!rc && coop_check_parts(&o, &pool, held_firms, v, (size_t)np, msg, sizeof msg)) {
		coop_pool_free(&pool);
		free(v);
		return bad_request(r, msg);
	}
	coop_pool_free(&pool);
	if (!rc)
		rc = coop_parts_adjust(r->srv->app.w, &a, &o, v, (size_t)np);
	free(v);
	if (rc == GLOVED_EEXIST)
		return http__reply_error(
		    r, 409, "conflict", -1,
		    "order %s: a firm of these parts holds an offered, accepted "
		    "or declined part; only proposed parts can be adjusted",
		    o.code);
	if (rc)
		return http__reply_status(r, rc, "parts", o.code);
	return order_view(r, db, &o, 200, NULL);
}

static enum MHD_Result h_offer(http_req *r, store *db)
{
	enum MHD_Result ret;
	store_coop_order o;
	cluster_actor a;
	if (lead_request(r, db, &o, &a, &ret))
		return ret;
	int rc = coop_offer(r->srv->app.w, &a, &o);
	if (rc == GLOVED_EINVAL)
		return http__reply_error(r, 409, "conflict", -1,
					 "order %s has no proposed parts: propose first", o.code);
	if (rc)
		return http__reply_status(r, rc, "cooperative order", o.code);
	return order_view(r, db, &o, 200, NULL);
}

static enum MHD_Result h_cancel(http_req *r, store *db)
{
	enum MHD_Result ret;
	store_coop_order o;
	cluster_actor a;
	if (lead_request(r, db, &o, &a, &ret))
		return ret;
	int rc = coop_cancel(r->srv->app.w, &a, &o);
	if (rc)
		return http__reply_status(r, rc, "cooperative order", o.code);
	return order_view(r, db, &o, 200, NULL);
}

/* A partner's part: body code and enterprise (the caller's own firm by
 * default), the caller its admin. */
static int partner_arg(http_req *r, store *db, const cJSON *j, store_coop_order *o, int64_t *ent,
		       enum MHD_Result *ret)
{
	char code[33], ecode[33];
	if (http__field_text(r, j, "code", 1, 1, code, sizeof code, ret) ||
	    http__field_text(r, j, "enterprise", 0, 1, ecode, sizeof ecode, ret) ||
	    http__firm_arg(r, ecode, ent, ret) || order_arg(r, db, code, o, ret))
		return -1;
	if (!http__can_manage(r, *ent)) {
		*ret = http__reply_error(r, 403, "forbidden", -1,
					 "only the partner firm's admin answers for its part");
		return -1;
	}
	return 0;
}

static enum MHD_Result h_answer(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	store_coop_order o;
	int64_t ent;
	char style[33], reason[256];
	if (partner_arg(r, db, j, &o, &ent, &ret) ||
	    http__field_text(r, j, "style", 0, 1, style, sizeof style, &ret) ||
	    http__field_text(r, j, "reason", 0, 0, reason, sizeof reason, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	const cJSON *acc = cJSON_GetObjectItemCaseSensitive(j, "accept");
	if (!cJSON_IsBool(acc)) {
		cJSON_Delete(j);
		return bad_request(r, "field 'accept' must be true or false");
	}
	int accept = cJSON_IsTrue(acc);
	cJSON_Delete(j);
	store_style *st = calloc(1, sizeof *st);
	if (!st)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	store_scope sc = {.enterprise_id = ent};
	if (accept) {
		if (!style[0] && o.style[0])
			snprintf(style, sizeof style, "%s", o.style);
		if (!style[0] || store_style_get(db, sc, ent, style, 0, st)) {
			free(st);
			return style[0] ? http__reply_error(r, 404, "not_found", -1,
							    "the firm has no style '%s'", style)
					: bad_request(r, "field 'style' is missing: the firm's "
							 "style its production order makes");
		}
	} else if (!reason[0]) {
		free(st);
		return bad_request(r, "field 'reason' is missing: say why the part is declined");
	}
	if (strcmp(o.status, "offered") && strcmp(o.status, "placed")) {
		free(st);
		return http__reply_error(r, 409, "conflict", -1, "order %s is %s", o.code,
					 o.status);
	}
	cluster_actor a;
	http__actor(r, &a);
	char msg[200] = "";
	int64_t prod = 0;
	int rc =
	    coop_answer(r->srv->app.w, &a, &o, ent, accept, st, reason, &prod, msg, sizeof msg);
	free(st);
	if (rc == GLOVED_EINVAL)
		return http__reply_error(r, 409, "conflict", -1, "%s", msg);
	if (rc == GLOVED_EPERM)
		return http__reply_error(r, 403, "forbidden", -1,
					 "the style's design licence is no longer granted");
	if (rc)
		return http__reply_status(r, rc, "part", o.code);
	return order_view(r, db, &o, 200, NULL);
}

static enum MHD_Result h_ship(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	store_coop_order o;
	int64_t ent, shipped;
	if (partner_arg(r, db, j, &o, &ent, &ret) ||
	    http__field_int(r, j, "shipped", 0, 100000000, -1, &shipped, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (shipped < 0)
		return bad_request(r, "field 'shipped' is missing: the pairs shipped so far");
	/* never more than the partner has produced (the lead's progress:
	 * finished pairs of its production order) */
	store_coop_part part;
	coop_progress pg;
	if (!store_coop_part_get(db, o.id, ent, &part) && strcmp(part.status, "accepted") == 0 &&
	    shipped > part.shipped && shipped <= part.pairs &&
	    !coop_progress_get(db, writer_cals(r->srv->app.w), &part, ltime_now_ms(), &pg) &&
	    shipped > pg.produced) {
		store_enterprise e;
		return http__reply_error(r, 409, "conflict", -1,
					 "shipped: %lld pairs, more than the %lld %s has produced "
					 "of its part of %lld",
					 (long long)shipped, (long long)pg.produced,
					 http__ent_code(r, ent, &e), (long long)part.pairs);
	}
	cluster_actor a;
	http__actor(r, &a);
	char msg[200] = "";
	int rc = coop_ship(r->srv->app.w, &a, &o, ent, shipped, msg, sizeof msg);
	if (rc == GLOVED_EINVAL)
		return bad_request(r, msg);
	if (rc)
		return http__reply_status(r, rc, "part", o.code);
	return order_view(r, db, &o, 200, NULL);
}

static const table_col export_cols[] = {
    {"协作订单", "Order", NULL, NULL, TABLE_TEXT},
    {"牵头", "Lead", NULL, NULL, TABLE_TEXT},
    {"状态", "Status", NULL, NULL, TABLE_TEXT},
    {"交期", "Due", NULL, NULL, TABLE_DATE},
    {"企业", "Firm", NULL, NULL, TABLE_TEXT},
    {"份额", "Share", "双", "pair", TABLE_INT},
    {"份额状态", "Part status", NULL, NULL, TABLE_TEXT},
    {"已完成", "Produced", "双", "pair", TABLE_INT},
    {"已检验合格", "Inspected", "双", "pair", TABLE_INT},
    {"已发货", "Shipped", "双", "pair", TABLE_INT},
};

static enum MHD_Result h_export(http_req *r, store *db)
{
	http__refresh(r, db);
	const char *f = http__arg(r, "format");
	int csv = f && strcmp(f, "csv") == 0;
	if (f && *f && strcmp(f, "csv") && strcmp(f, "xlsx"))
		return bad_request(r, "parameter 'format' must be xlsx or csv");
	const char *l = http__arg(r, "lang");
	int en = l && strcmp(l, "en") == 0;
	store_coop_order *v = NULL;
	size_t n = 0;
	int rc = store_coop_order_list(db, r->scope, &v, &n);
	if (rc)
		return http__reply_status(r, rc, "cooperative orders", NULL);
	table *t = NULL;
	if ((rc = table_new(export_cols, sizeof export_cols / sizeof export_cols[0], &t))) {
		free(v);
		return http__reply_status(r, rc, "export", NULL);
	}
	for (size_t i = 0; i < n && !rc; i++) {
		store_coop_part *p = NULL;
		size_t np = 0;
		if ((rc = store_coop_part_list(db, v[i].id, 0, &p, &np)))
			break;
		int all = sees_all_parts(r, &v[i]);
		char due[16], lead[33];
		tz_day_format(v[i].due_day, due);
		snprintf(lead, sizeof lead, "%s", v[i].lead_id ? ent_code(r, v[i].lead_id) : "");
		for (size_t k = 0; k < np && !rc; k++) {
			if (!all && p[k].enterprise_id != r->scope.enterprise_id)
				continue;
			coop_progress pg;
			if (coop_progress_get(db, writer_cals(r->srv->app.w), &p[k], ltime_now_ms(),
					      &pg))
				memset(&pg, 0, sizeof pg);
			char firm[33];
			snprintf(firm, sizeof firm, "%s", ent_code(r, p[k].enterprise_id));
			table_cell c[] = {{.s = v[i].code},    {.s = lead},
					  {.s = v[i].status},  {.s = due},
					  {.s = firm},         {.i = p[k].pairs},
					  {.s = p[k].status},  {.i = pg.produced},
					  {.i = pg.inspected}, {.i = p[k].shipped}};
			rc = table_add_row(t, c);
		}
		free(p);
	}
	free(v);
	if (rc) {
		table_free(t);
		return http__reply_status(r, rc, "export", NULL);
	}
	return http__reply_table(r, t, csv, en, "coop-orders", "coop");
}

/* ---- the design library ---- */

static const char *const terms_v[] = {"private", "cluster", "public"};
static const char *const fee_v[] = {"none", "per_dozen", "flat"};
static const char *const cat_v[] = {"ski", "sports", "work", "fashion", "other"};
static const char *const fam_v[] = {"sewn", "knitted", "dipped"};

/* 1 when the caller may see design d (its owner's people, or any user
 * when the terms are cluster or public). */
static int may_see_design(const http_req *r, const store_design *d)
{
	return http__is_cluster_admin(r) || strcmp(d->terms, "private") ||
	       r->scope.enterprise_id == d->enterprise_id;
}

static cJSON *design_json(http_req *r, store *db, const store_design *d)
{
	cJSON *x = cJSON_CreateObject();
	cJSON_AddNumberToObject(x, "id", (double)d->id);
	cJSON_AddStringToObject(x, "owner", ent_code(r, d->enterprise_id));
	cJSON_AddStringToObject(x, "code", d->code);
	cJSON_AddStringToObject(x, "name", d->name);
	cJSON_AddStringToObject(x, "category", d->category);
	cJSON_AddStringToObject(x, "family", d->family);
	cJSON_AddItemToObject(x, "body", cJSON_Parse(d->body));
	cJSON_AddStringToObject(x, "terms", d->terms);
	cJSON_AddStringToObject(x, "fee_kind", d->fee_kind);
	cJSON_AddNumberToObject(x, "fee_fen", (double)d->fee_fen);
	add_yuan(x, "fee_yuan", d->fee_fen);
	cJSON_AddNumberToObject(x, "updated_ms", (double)d->updated_ms);
	store_design_file *f = NULL;
	size_t n = 0;
	cJSON *fs = cJSON_AddArrayToObject(x, "files");
	if (!store_design_file_list(db, d->id, &f, &n)) {
		for (size_t i = 0; i < n; i++) {
			cJSON *y = cJSON_CreateObject();
			cJSON_AddNumberToObject(y, "no", f[i].no);
			cJSON_AddStringToObject(y, "kind", f[i].kind);
			cJSON_AddStringToObject(y, "name", f[i].name);
			cJSON_AddStringToObject(y, "mime", f[i].mime);
			cJSON_AddNumberToObject(y, "size", (double)f[i].size);
			cJSON_AddItemToArray(fs, y);
		}
		free(f);
	}
	if (r->scope.enterprise_id && r->scope.enterprise_id != d->enterprise_id) {
		store_design_licence l;
		cJSON_AddStringToObject(
		    x, "my_licence",
		    store_design_licence_get(db, 0, d->id, r->scope.enterprise_id, &l) ? ""
										       : l.status);
	}
	return x;
}

static enum MHD_Result h_designs(http_req *r, store *db)
{
	http__refresh(r, db);
	store_design *v = NULL;
	size_t n = 0;
	int rc = store_design_list(db, r->scope, 0, &v, &n);
	if (rc)
		return http__reply_status(r, rc, "designs", NULL);
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "items");
	for (size_t i = 0; i < n; i++)
		if (may_see_design(r, &v[i]))
			cJSON_AddItemToArray(arr, design_json(r, db, &v[i]));
	free(v);
	return http__reply_json(r, 200, o);
}

/* The terms, fee and descriptive fields of a design body j into d. */
static int design_fields(http_req *r, const cJSON *j, store_design *d, int adding,
			 enum MHD_Result *ret)
{
	char fee[24] = "";
	if (http__field_text(r, j, "name", adding, 0, d->name, sizeof d->name, ret) ||
	    http__field_text(r, j, "category", adding, 0, d->category, sizeof d->category, ret) ||
	    http__field_text(r, j, "family", adding, 0, d->family, sizeof d->family, ret) ||
	    http__field_text(r, j, "terms", adding, 0, d->terms, sizeof d->terms, ret) ||
	    http__field_text(r, j, "fee_kind", 0, 0, d->fee_kind, sizeof d->fee_kind, ret) ||
	    http__field_text(r, j, "fee", 0, 0, fee, sizeof fee, ret))
		return -1;
	if (!http__one_of(d->category, cat_v, 5)) {
		*ret =
		    bad_request(r, "field 'category' must be ski, sports, work, fashion or other");
		return -1;
	}
	if (!http__one_of(d->family, fam_v, 3)) {
		*ret = bad_request(r, "field 'family' must be sewn, knitted or dipped");
		return -1;
	}
	if (!http__one_of(d->terms, terms_v, 3)) {
		*ret = bad_request(r, "field 'terms' must be private, cluster or public");
		return -1;
	}
	if (!d->fee_kind[0])
		snprintf(d->fee_kind, sizeof d->fee_kind, "none");
	if (!http__one_of(d->fee_kind, fee_v, 3)) {
		*ret = bad_request(r, "field 'fee_kind' must be none, per_dozen or flat");
		return -1;
	}
	if (fee[0] && http__parse_fixed(fee, 2, 100000000, &d->fee_fen)) {
		*ret =
		    bad_request(r, "field 'fee' must be yuan with up to 2 decimals, e.g. \"1.50\"");
		return -1;
	}
	if (strcmp(d->terms, "cluster")) {
		snprintf(d->fee_kind, sizeof d->fee_kind, "none");
		d->fee_fen = 0;
	} else if (strcmp(d->fee_kind, "none") && d->fee_fen <= 0) {
		*ret = bad_request(r, "field 'fee' is missing: a per_dozen or flat fee needs one");
		return -1;
	}
	if (!strcmp(d->fee_kind, "none"))
		d->fee_fen = 0;
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(j, "body");
	if (b || adding) {
		char *t = cJSON_IsObject(b) ? cJSON_PrintUnformatted(b) : NULL;
		if (!t) {
			*ret = bad_request(r, "field 'body' must be an object (description, sizes, "
					      "materials, ops)");
			return -1;
		}
		const cJSON *sz = cJSON_GetObjectItemCaseSensitive(b, "sizes");
		if (!cJSON_IsString(sz) || !sz->valuestring[0] || strlen(sz->valuestring) > 120) {
			free(t);
			*ret = bad_request(r, "field 'body.sizes' must name the sizes, e.g. "
					      "\"S,M,L,XL\"");
			return -1;
		}
		if (strlen(t) >= sizeof d->body) {
			free(t);
			*ret = http__reply_error(r, 413, "too_large", -1,
						 "field 'body' is over 8 KiB");
			return -1;
		}
		memcpy(d->body, t, strlen(t) + 1);
		free(t);
	}
	return 0;
}

static enum MHD_Result h_design_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	store_design *d = calloc(1, sizeof *d);
	char ecode[33];
	if (!d) {
		cJSON_Delete(j);
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	}
	if (http__field_text(r, j, "enterprise", 0, 1, ecode, sizeof ecode, &ret) ||
	    http__firm_arg(r, ecode, &d->enterprise_id, &ret) ||
	    http__field_text(r, j, "code", 1, 1, d->code, sizeof d->code, &ret) ||
	    design_fields(r, j, d, 1, &ret)) {
		cJSON_Delete(j);
		free(d);
		return ret;
	}
	cJSON_Delete(j);
	if (!http__can_manage(r, d->enterprise_id)) {
		free(d);
		return http__reply_error(r, 403, "forbidden", -1,
					 "only the firm's admin publishes its designs");
	}
	cluster_actor a;
	http__actor(r, &a);
	d->created_ms = d->updated_ms = a.now_ms;
	snprintf(d->by, sizeof d->by, "%s", a.name);
	int rc = coop_design_add(r->srv->app.w, &a, d);
	if (rc) {
		enum MHD_Result e = http__reply_status(r, rc, "design", d->code);
		free(d);
		return e;
	}
	cJSON *o = design_json(r, db, d);
	free(d);
	return http__reply_json(r, 201, o);
}

static int design_arg(http_req *r, store *db, int64_t id, store_design *d, enum MHD_Result *ret)
{
	if (id <= 0 || store_design_get(db, id, d) || !may_see_design(r, d)) {
		*ret = http__reply_error(r, 404, "not_found", -1, "no design %lld", (long long)id);
		return -1;
	}
	return 0;
}

static enum MHD_Result h_design_put(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	store_design *d = calloc(1, sizeof *d);
	int64_t id;
	if (!d) {
		cJSON_Delete(j);
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	}
	if (http__field_int(r, j, "id", 1, INT64_MAX, 0, &id, &ret) ||
	    design_arg(r, db, id, d, &ret)) {
		cJSON_Delete(j);
		free(d);
		return ret;
	}
	if (!http__can_manage(r, d->enterprise_id)) {
		cJSON_Delete(j);
		free(d);
		return http__reply_error(r, 403, "forbidden", -1,
					 "only the owner firm's admin changes a design");
	}
	store_design keep = *d;
	if (!cJSON_GetObjectItemCaseSensitive(j, "name") ||
	    !cJSON_GetObjectItemCaseSensitive(j, "category") ||
	    !cJSON_GetObjectItemCaseSensitive(j, "family") ||
	    !cJSON_GetObjectItemCaseSensitive(j, "terms")) {
		/* a partial change keeps what it does not name */
		if (!cJSON_GetObjectItemCaseSensitive(j, "name"))
			cJSON_AddStringToObject(j, "name", keep.name);
		if (!cJSON_GetObjectItemCaseSensitive(j, "category"))
			cJSON_AddStringToObject(j, "category", keep.category);
		if (!cJSON_GetObjectItemCaseSensitive(j, "family"))
			cJSON_AddStringToObject(j, "family", keep.family);
		if (!cJSON_GetObjectItemCaseSensitive(j, "terms"))
			cJSON_AddStringToObject(j, "terms", keep.terms);
	}
	if (!cJSON_GetObjectItemCaseSensitive(j, "fee_kind"))
		cJSON_AddStringToObject(j, "fee_kind", keep.fee_kind);
	if (!cJSON_GetObjectItemCaseSensitive(j, "fee")) {
		char fee[40];
		http__fixed_str(keep.fee_fen, 2, fee, sizeof fee);
		cJSON_AddStringToObject(j, "fee", fee);
	}
	if (design_fields(r, j, d, 0, &ret)) {
		cJSON_Delete(j);
		free(d);
		return ret;
	}
	cJSON_Delete(j);
	cluster_actor a;
	http__actor(r, &a);
	d->updated_ms = a.now_ms;
	snprintf(d->by, sizeof d->by, "%s", a.name);
	int rc = coop_design_update(r->srv->app.w, &a, d);
	if (rc) {
		enum MHD_Result e = http__reply_status(r, rc, "design", d->code);
		free(d);
		return e;
	}
	cJSON *o = design_json(r, db, d);
	free(d);
	return http__reply_json(r, 200, o);
}

static int64_t int_arg(http_req *r, const char *name)
{
	const char *s = http__arg(r, name);
	char *end = NULL;
	if (!s || !*s)
		return 0;
	long long v = strtoll(s, &end, 10);
	return end && !*end && v > 0 ? (int64_t)v : -1;
}

/* POST /designs/files?design=&kind=&name=: the body is the file (PNG,
 * JPEG or PDF, the Content-Type saying which). */
static enum MHD_Result h_design_file_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	store_design *d = calloc(1, sizeof *d);
	if (!d)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	if (design_arg(r, db, int_arg(r, "design"), d, &ret)) {
		free(d);
		return ret;
	}
	int64_t owner = d->enterprise_id;
	free(d);
	if (!http__can_manage(r, owner))
		return http__reply_error(r, 403, "forbidden", -1,
					 "only the owner firm's admin adds a design's files");
	const char *kind = http__arg(r, "kind"), *name = http__arg(r, "name");
	const char *ctype = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
	static const char *const kinds[] = {"image", "techpack"};
	if (!kind || !http__one_of(kind, kinds, 2))
		return bad_request(r, "parameter 'kind' must be image or techpack");
	if (!name || !*name || strlen(name) >= 96)
		return bad_request(r, "parameter 'name' must be the file's name (up to 95 bytes)");
	const char *mime = NULL;
	const unsigned char *b = (const unsigned char *)r->body.data;
	size_t n = r->body.len;
	if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
		mime = "image/png";
	else if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		mime = "image/jpeg";
	else if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
		mime = "image/webp";
	else if (n >= 5 && memcmp(b, "%PDF-", 5) == 0)
		mime = "application/pdf";
	if (!mime || (ctype && *ctype && strncmp(ctype, mime, strlen(mime))))
		return http__reply_error(r, 415, "unsupported_media_type", -1,
					 "the file must be a PNG, JPEG, WebP or PDF, sent with its "
					 "Content-Type");
	if (strcmp(kind, "techpack") == 0 && strcmp(mime, "application/pdf"))
		return bad_request(r, "a tech pack is a PDF");
	if (strcmp(kind, "image") == 0 && strncmp(mime, "image/", 6))
		return bad_request(r, "an image is a PNG, JPEG or WebP file (this one is a PDF: "
				      "send it as kind=techpack)");
	store_design_file f = {
	    .design_id = int_arg(r, "design"), .data = (unsigned char *)b, .size = n};
	snprintf(f.kind, sizeof f.kind, "%s", kind);
	snprintf(f.name, sizeof f.name, "%s", name);
	snprintf(f.mime, sizeof f.mime, "%s", mime);
	cluster_actor a;
	http__actor(r, &a);
	int rc = coop_design_file_add(r->srv->app.w, &a, &f);
	if (rc)
		return http__reply_status(r, rc, "design file", NULL);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "design", (double)f.design_id);
	cJSON_AddNumberToObject(o, "no", f.no);
	cJSON_AddStringToObject(o, "kind", f.kind);
	cJSON_AddStringToObject(o, "mime", f.mime);
	cJSON_AddNumberToObject(o, "size", (double)f.size);
	return http__reply_json(r, 201, o);
}

/* 1 when the caller may download design d's tech pack: anyone who sees a
 * public design; for the others (licensable in the cluster, private) only
 * the owner firm, a firm holding a granted licence of it, the association
 * and the cluster admin. A design's images go to whoever sees it. */
static int may_get_techpack(const http_req *r, store *db, const store_design *d)
{
	if (strcmp(d->terms, "public") == 0 || http__is_cluster_admin(r) ||
	    r->role == ROLE_ASSOCIATION)
		return 1;
	int64_t e = r->scope.enterprise_id;
	if (e <= 0)
		return 0;
	if (e == d->enterprise_id)
		return 1;
	store_design_licence l;
	return store_design_licence_get(db, 0, d->id, e, &l) == 0 &&
	       strcmp(l.status, "granted") == 0;
}

static enum MHD_Result h_design_file(http_req *r, store *db)
{
	enum MHD_Result ret;
	store_design *d = calloc(1, sizeof *d);
	if (!d)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	if (design_arg(r, db, int_arg(r, "design"), d, &ret)) {
		free(d);
		return ret;
	}
	store_design_file f;
	int64_t no = int_arg(r, "no");
	if (no <= 0 || store_design_file_get(db, d->id, (int32_t)no, &f)) {
		free(d);
		return http__reply_error(r, 404, "not_found", -1, "no such file of the design");
	}
	if (strcmp(f.kind, "image") && !may_get_techpack(r, db, d)) {
		char code[sizeof d->code];
		snprintf(code, sizeof code, "%s", d->code);
		free(d);
		free(f.data);
		return http__reply_error(r, 403, "forbidden", -1,
					 "the tech pack of design %s is for its owner, the firms "
					 "holding a granted licence and the association: request a "
					 "licence",
					 code);
	}
	free(d);
	return http__reply_file(r, f.mime, (char *)f.data, f.size, f.name);
}

static cJSON *licence_json(http_req *r, store *db, const store_design_licence *l)
{
	cJSON *x = cJSON_CreateObject();
	store_design *d = calloc(1, sizeof *d);
	cJSON_AddNumberToObject(x, "id", (double)l->id);
	cJSON_AddNumberToObject(x, "design", (double)l->design_id);
	if (d && !store_design_get(db, l->design_id, d)) {
		cJSON_AddStringToObject(x, "design_code", d->code);
		cJSON_AddStringToObject(x, "design_name", d->name);
		cJSON_AddStringToObject(x, "owner", ent_code(r, d->enterprise_id));
	}
	free(d);
	cJSON_AddStringToObject(x, "licensee", ent_code(r, l->enterprise_id));
	cJSON_AddStringToObject(x, "status", l->status);
	cJSON_AddStringToObject(x, "fee_kind", l->fee_kind);
	cJSON_AddNumberToObject(x, "fee_fen", (double)l->fee_fen);
	cJSON_AddStringToObject(x, "note", l->note);
	cJSON_AddNumberToObject(x, "requested_ms", (double)l->requested_ms);
	cJSON_AddNumberToObject(x, "decided_ms", (double)l->decided_ms);
	return x;
}

static enum MHD_Result h_licences(http_req *r, store *db)
{
	http__refresh(r, db);
	int64_t ent = r->scope.enterprise_id;
	store_design_licence *v = NULL;
	size_t n = 0;
	int rc = store_design_licence_list(db, ent, &v, &n);
	if (rc)
		return http__reply_status(r, rc, "licences", NULL);
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "items");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, licence_json(r, db, &v[i]));
	free(v);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_licence_request(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	int64_t id, ent;
	char ecode[33], note[256];
	store_design *d = calloc(1, sizeof *d);
	if (!d) {
		cJSON_Delete(j);
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	}
	if (http__field_int(r, j, "design", 1, INT64_MAX, 0, &id, &ret) ||
	    http__field_text(r, j, "enterprise", 0, 1, ecode, sizeof ecode, &ret) ||
	    http__field_text(r, j, "note", 0, 0, note, sizeof note, &ret) ||
	    http__firm_arg(r, ecode, &ent, &ret) || design_arg(r, db, id, d, &ret)) {
		cJSON_Delete(j);
		free(d);
		return ret;
	}
	cJSON_Delete(j);
	if (!http__can_manage(r, ent)) {
		free(d);
		return http__reply_error(r, 403, "forbidden", -1,
					 "only the firm's admin asks for a licence");
	}
	cluster_actor a;
	http__actor(r, &a);
	store_design_licence l;
	char msg[200] = "";
	int rc = coop_licence_request(r->srv->app.w, &a, d, ent, note, &l, msg, sizeof msg);
	free(d);
	if (rc == GLOVED_EINVAL)
		return http__reply_error(r, 409, "conflict", -1, "%s", msg);
	if (rc)
		return http__reply_status(r, rc, "licence", NULL);
	return http__reply_json(r, 201, licence_json(r, db, &l));
}

static enum MHD_Result h_licence_decide(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	int64_t id;
	char status[12], note[256];
	if (http__field_int(r, j, "id", 1, INT64_MAX, 0, &id, &ret) ||
	    http__field_text(r, j, "status", 1, 0, status, sizeof status, &ret) ||
	    http__field_text(r, j, "note", 0, 0, note, sizeof note, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	static const char *const st[] = {"granted", "refused", "revoked"};
	if (!http__one_of(status, st, 3))
		return bad_request(r, "field 'status' must be granted, refused or revoked");
	store_design_licence l;
	store_design *d = calloc(1, sizeof *d);
	if (!d)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	if (store_design_licence_get(db, id, 0, 0, &l) || store_design_get(db, l.design_id, d) ||
	    !http__can_manage(r, d->enterprise_id)) {
		free(d);
		return http__reply_error(r, 404, "not_found", -1,
					 "no licence %lld of a design of your firm", (long long)id);
	}
	free(d);
	cluster_actor a;
	http__actor(r, &a);
	char msg[200] = "";
	int rc = coop_licence_decide(r->srv->app.w, &a, &l, status, note, msg, sizeof msg);
	if (rc == GLOVED_EINVAL)
		return http__reply_error(r, 409, "conflict", -1, "%s", msg);
	if (rc)
		return http__reply_status(r, rc, "licence", NULL);
	return http__reply_json(r, 200, licence_json(r, db, &l));
}

static enum MHD_Result h_adopt(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	int64_t id, ent;
	char ecode[33];
	store_design *d = calloc(1, sizeof *d);
	store_style *st = calloc(1, sizeof *st);
	if (!d || !st) {
		free(d);
		free(st);
		cJSON_Delete(j);
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	}
	if (http__field_int(r, j, "design", 1, INT64_MAX, 0, &id, &ret) ||
	    http__field_text(r, j, "enterprise", 0, 1, ecode, sizeof ecode, &ret) ||
	    http__field_text(r, j, "style", 0, 1, st->code, sizeof st->code, &ret) ||
	    http__field_text(r, j, "name", 0, 0, st->name, sizeof st->name, &ret) ||
	    http__firm_arg(r, ecode, &ent, &ret) || design_arg(r, db, id, d, &ret)) {
		cJSON_Delete(j);
		free(d);
		free(st);
		return ret;
	}
	cJSON_Delete(j);
	if (!http__can_manage(r, ent)) {
		free(d);
		free(st);
		return http__reply_error(r, 403, "forbidden", -1,
					 "only the firm's admin makes a style of a design");
	}
	cluster_actor a;
	http__actor(r, &a);
	char msg[200] = "";
	int rc = coop_design_adopt(r->srv->app.w, &a, d, ent, st, msg, sizeof msg);
	free(d);
	enum MHD_Result res;
	if (rc == GLOVED_EPERM || rc == GLOVED_EEXIST || rc == GLOVED_EINVAL)
		res = http__reply_error(r,
					rc == GLOVED_EPERM    ? 403
					: rc == GLOVED_EEXIST ? 409
							      : 400,
					http__status_code(rc == GLOVED_EPERM    ? 403
							  : rc == GLOVED_EEXIST ? 409
										: 400),
					-1, "%s", msg);
	else if (rc)
		res = http__reply_status(r, rc, "style", st->code);
	else {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "style", st->code);
		cJSON_AddStringToObject(o, "name", st->name);
		cJSON_AddStringToObject(o, "sizes", st->sizes);
		cJSON_AddNumberToObject(o, "design", (double)id);
		res = http__reply_json(r, 201, o);
	}
	free(st);
	return res;
}

/* Royalties per month: ?as=owner (what the caller's designs earned) or
 * ?as=user (what it owes), ?from=YYYY-MM&to=YYYY-MM, ?format=csv|xlsx. */
static int month_of(const char *s, int32_t *out)
{
	if (!s || strlen(s) != 7 || s[4] != '-')
		return -1;
	char y[5], m[3];
	memcpy(y, s, 4);
	y[4] = 0;
	memcpy(m, s + 5, 2);
	m[2] = 0;
	char *e1 = NULL, *e2 = NULL;
	long yy = strtol(y, &e1, 10), mm = strtol(m, &e2, 10);
	if (*e1 || *e2 || yy < 2000 || yy > 2099 || mm < 1 || mm > 12)
		return -1;
	*out = (int32_t)(yy * 100 + mm);
	return 0;
}

static const table_col roy_cols[] = {
    {"月份", "Month", NULL, NULL, TABLE_TEXT},      {"设计", "Design", NULL, NULL, TABLE_TEXT},
    {"设计方", "Owner", NULL, NULL, TABLE_TEXT},    {"使用方", "User", NULL, NULL, TABLE_TEXT},
    {"生产订单", "Order", NULL, NULL, TABLE_TEXT},  {"数量", "Quantity", "双", "pair", TABLE_INT},
    {"版权费", "Royalty", "元", "yuan", TABLE_FEN},
};

static enum MHD_Result h_royalties(http_req *r, store *db)
{
	http__refresh(r, db);
	const char *as = http__arg(r, "as");
	int owner = !as || !*as || strcmp(as, "owner") == 0;
	if (as && *as && strcmp(as, "owner") && strcmp(as, "user"))
		return bad_request(r, "parameter 'as' must be owner or user");
	tz_date today = tz_civil_from_days(http__today());
	int32_t m0 = today.year * 100 + today.month, m1 = m0;
	const char *f = http__arg(r, "from"), *t = http__arg(r, "to");
	if ((f && *f && month_of(f, &m0)) || (t && *t && month_of(t, &m1)))
		return bad_request(r, "parameters 'from' and 'to' must be months YYYY-MM");
	if (!(f && *f) && t && *t)
		m0 = m1;
	int64_t ent = r->scope.enterprise_id;
	store_design_use *v = NULL;
	size_t n = 0;
	int rc = store_design_use_list(db, owner ? ent : 0, owner ? 0 : ent, m0, m1, &v, &n);
	if (rc)
		return http__reply_status(r, rc, "royalties", NULL);
	const char *fmt = http__arg(r, "format");
	if (fmt && *fmt) {
		int csv = strcmp(fmt, "csv") == 0;
		if (!csv && strcmp(fmt, "xlsx")) {
			free(v);
			return bad_request(r, "parameter 'format' must be xlsx or csv");
		}
		const char *l = http__arg(r, "lang");
		table *tb = NULL;
		if ((rc = table_new(roy_cols, 7, &tb))) {
			free(v);
			return http__reply_status(r, rc, "export", NULL);
		}
		int64_t total = 0;
		for (size_t i = 0; i < n && !rc; i++) {
			char mon[16], dc[33] = "", ow[33] = "", us[33], oc[33] = "";
			snprintf(mon, sizeof mon, "%04d-%02d", (int)(v[i].month / 100) % 10000,
				 (int)(v[i].month % 100));
			store_design dd;
			if (!store_design_get(db, v[i].design_id, &dd)) {
				snprintf(dc, sizeof dc, "%s", dd.code);
				snprintf(ow, sizeof ow, "%s", ent_code(r, dd.enterprise_id));
			}
			snprintf(us, sizeof us, "%s", ent_code(r, v[i].enterprise_id));
			store_order o;
			store_scope sc = {0};
			if (!store_order_get(db, sc, v[i].enterprise_id, NULL, v[i].order_id, &o))
				snprintf(oc, sizeof oc, "%s", o.code);
			table_cell c[] = {{.s = mon},
					  {.s = dc},
					  {.s = ow},
					  {.s = us},
					  {.s = oc},
					  {.i = v[i].pairs},
					  {.i = v[i].royalty_fen}};
			rc = table_add_row(tb, c);
			total += v[i].royalty_fen;
		}
		table_cell tot[] = {{.s = "合计"}, {.null = 1}, {.null = 1}, {.null = 1},
				    {.null = 1},   {.null = 1}, {.i = total}};
		if (!rc)
			rc = table_set_total(tb, tot);
		free(v);
		if (rc) {
			table_free(tb);
			return http__reply_status(r, rc, "export", NULL);
		}
		return http__reply_table(r, tb, csv, l && !strcmp(l, "en"), "royalties",
					 "royalties");
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "as", owner ? "owner" : "user");
	cJSON *months = cJSON_AddArrayToObject(o, "months");
	cJSON *arr = cJSON_AddArrayToObject(o, "items");
	int64_t total = 0, mtotal = 0;
	int32_t cur = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].month != cur) {
			if (cur) {
				cJSON *m = cJSON_CreateObject();
				cJSON_AddNumberToObject(m, "month", cur);
				cJSON_AddNumberToObject(m, "royalty_fen", (double)mtotal);
				cJSON_AddItemToArray(months, m);
			}
			cur = v[i].month;
			mtotal = 0;
		}
		mtotal += v[i].royalty_fen;
		total += v[i].royalty_fen;
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "month", v[i].month);
		cJSON_AddNumberToObject(x, "design", (double)v[i].design_id);
		store_design dd;
		if (!store_design_get(db, v[i].design_id, &dd)) {
			cJSON_AddStringToObject(x, "design_code", dd.code);
			cJSON_AddStringToObject(x, "owner", ent_code(r, dd.enterprise_id));
		}
		cJSON_AddStringToObject(x, "user", ent_code(r, v[i].enterprise_id));
		cJSON_AddNumberToObject(x, "licence", (double)v[i].licence_id);
		cJSON_AddNumberToObject(x, "pairs", (double)v[i].pairs);
		cJSON_AddNumberToObject(x, "royalty_fen", (double)v[i].royalty_fen);
		add_yuan(x, "royalty_yuan", v[i].royalty_fen);
		cJSON_AddItemToArray(arr, x);
	}
	if (cur) {
		cJSON *m = cJSON_CreateObject();
		cJSON_AddNumberToObject(m, "month", cur);
		cJSON_AddNumberToObject(m, "royalty_fen", (double)mtotal);
		cJSON_AddItemToArray(months, m);
	}
	cJSON_AddNumberToObject(o, "total_fen", (double)total);
	add_yuan(o, "total_yuan", total);
	free(v);
	return http__reply_json(r, 200, o);
}

/* ---- buyers' enquiries ---- */

int http__enquiry_create(http_req *r, store *db, store_enquiry *q, char *token, size_t tlen,
			 size_t *routed)
{
	http__refresh(r, db);
	if (secret_token_new("eq_", token, tlen))
		return GLOVED_EIO;
	secret_token_hash(token, q->token_hash);
	unsigned char rnd[5];
	randombytes_buf(rnd, sizeof rnd);
	static const char al[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	snprintf(q->ref, sizeof q->ref, "Q");
	for (size_t i = 0; i < sizeof rnd * 2 && i + 2 < sizeof q->ref; i++)
		q->ref[i + 1] = al[(i & 1 ? rnd[i / 2] >> 4 : rnd[i / 2]) & 31];
	q->ref[11] = '\0';
	cluster_actor a;
	http__actor(r, &a);
	snprintf(a.name, sizeof a.name, "buyer");
	snprintf(a.role, sizeof a.role, "none");
	q->created_ms = a.now_ms;
	return coop_enquiry_add(r->srv->app.w, db, r->srv->app.reg, writer_cals(r->srv->app.w), &a,
				q, http__today(), routed);
}

int http__enquiry_check(const store_enquiry *q, char *msg, size_t mlen)
{
	if (!q->buyer[0] || !q->contact[0] || !q->product[0]) {
		snprintf(msg, mlen, "%s: is missing",
			 !q->buyer[0]     ? "buyer"
			 : !q->contact[0] ? "contact"
					  : "product");
		return -1;
	}
	if (q->family[0] && strcmp(q->family, "sewn") && strcmp(q->family, "knitted") &&
	    strcmp(q->family, "dipped")) {
		snprintf(msg, mlen, "family: must be sewn, knitted or dipped");
		return -1;
	}
	if (q->pairs < 1 || q->pairs > 100000000) {
		snprintf(msg, mlen, "pairs: must be 1 to 100000000");
		return -1;
	}
	if (q->due_day < http__today()) {
		snprintf(msg, mlen, "due: must be a day from today on (YYYY-MM-DD)");
		return -1;
	}
	return 0;
}

static enum MHD_Result h_enquiry_post(http_req *r, store *db)
{
	enum MHD_Result ret;
	if (!http__public_allow(r, &ret))
		return ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	store_enquiry q;
	memset(&q, 0, sizeof q);
	char due[16];
	if (http__field_text(r, j, "buyer", 1, 0, q.buyer, sizeof q.buyer, &ret) ||
	    http__field_text(r, j, "contact", 1, 0, q.contact, sizeof q.contact, &ret) ||
	    http__field_text(r, j, "product", 1, 0, q.product, sizeof q.product, &ret) ||
	    http__field_text(r, j, "family", 0, 0, q.family, sizeof q.family, &ret) ||
	    http__field_int(r, j, "pairs", 1, 100000000, 0, &q.pairs, &ret) ||
	    http__field_text(r, j, "due", 1, 0, due, sizeof due, &ret) ||
	    http__field_text(r, j, "message", 0, 0, q.message, sizeof q.message, &ret) ||
	    http__field_text(r, j, "lang", 0, 0, q.lang, sizeof q.lang, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	char msg[120];
	if (tz_day_parse(due, &q.due_day))
		return bad_request(r, "field 'due' must be YYYY-MM-DD");
	if (http__enquiry_check(&q, msg, sizeof msg))
		return bad_request(r, msg);
	char token[SECRET_TOKEN_MAX];
	size_t routed = 0;
	int rc = http__enquiry_create(r, db, &q, token, sizeof token, &routed);
	if (rc)
		return http__reply_status(r, rc, "enquiry", NULL);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ref", q.ref);
	cJSON_AddStringToObject(o, "token", token);
	cJSON_AddNumberToObject(o, "routed", (double)routed);
	return http__reply_json(r, 201, o);
}

/* The answers a buyer sees with its reference and token. */
int http__enquiry_answers(http_req *r, store *db, const char *ref, const char *token,
			  store_enquiry *q, cJSON **answers)
{
	uint8_t h[SECRET_HASH_LEN];
	if (!ref || !token || store_enquiry_get(db, 0, ref, q))
		return GLOVED_ENOTFOUND;
	secret_token_hash(token, h);
	if (sodium_memcmp(h, q->token_hash, sizeof h) != 0)
		return GLOVED_ENOTFOUND;
	store_enquiry_route *v = NULL;
	size_t n = 0;
	int rc = store_enquiry_route_list(db, q->id, 0, &v, &n);
	if (rc)
		return rc;
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].status, "quoted"))
			continue;
		store_enterprise e;
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "enterprise", http__ent_code(r, v[i].enterprise_id, &e));
		cJSON_AddStringToObject(x, "name", e.name);
		cJSON_AddStringToObject(x, "town", e.town);
		cJSON_AddNumberToObject(x, "price_fen", (double)v[i].price_fen);
		add_yuan(x, "price_yuan_per_dozen", v[i].price_fen);
		cJSON_AddStringToObject(x, "answer", v[i].answer);
		cJSON_AddNumberToObject(x, "answered_ms", (double)v[i].answered_ms);
		cJSON_AddItemToArray(arr, x);
	}
	free(v);
	*answers = arr;
	return 0;
}

static enum MHD_Result h_enquiry_status(http_req *r, store *db)
{
	enum MHD_Result ret;
	if (!http__public_allow(r, &ret))
		return ret;
	http__refresh(r, db);
	store_enquiry q;
	cJSON *ans = NULL;
	int rc = http__enquiry_answers(r, db, http__arg(r, "ref"), http__arg(r, "token"), &q, &ans);
	if (rc)
		return http__reply_error(r, 404, "not_found", -1,
					 "no enquiry with that reference and token");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ref", q.ref);
	cJSON_AddStringToObject(o, "product", q.product);
	cJSON_AddNumberToObject(o, "pairs", (double)q.pairs);
	add_day(o, "due", q.due_day);
	cJSON_AddItemToObject(o, "answers", ans);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_enquiries(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	if (http__query_enterprise(r, db, &ent, &ret))
		return ret;
	if (!ent)
		return bad_request(r, "name the enterprise (?enterprise=)");
	store_enquiry_route *v = NULL;
	size_t n = 0;
	int rc = store_enquiry_route_list(db, 0, ent, &v, &n);
	if (rc)
		return http__reply_status(r, rc, "enquiries", NULL);
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "items");
	for (size_t i = 0; i < n; i++) {
		store_enquiry q;
		if (store_enquiry_get(db, v[i].enquiry_id, NULL, &q))
			continue;
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "ref", q.ref);
		cJSON_AddStringToObject(x, "buyer", q.buyer);
		cJSON_AddStringToObject(x, "contact", q.contact);
		cJSON_AddStringToObject(x, "product", q.product);
		cJSON_AddStringToObject(x, "family", q.family);
		cJSON_AddNumberToObject(x, "pairs", (double)q.pairs);
		add_day(x, "due", q.due_day);
		cJSON_AddStringToObject(x, "message", q.message);
		cJSON_AddNumberToObject(x, "created_ms", (double)q.created_ms);
		cJSON_AddStringToObject(x, "status", v[i].status);
		cJSON_AddNumberToObject(x, "price_fen", (double)v[i].price_fen);
		cJSON_AddStringToObject(x, "answer", v[i].answer);
		cJSON_AddItemToArray(arr, x);
	}
	free(v);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_enquiry_answer(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	http__refresh(r, db);
	char ref[16], ecode[33], price[24];
	store_enquiry_route x;
	memset(&x, 0, sizeof x);
	int64_t ent;
	if (http__field_text(r, j, "ref", 1, 1, ref, sizeof ref, &ret) ||
	    http__field_text(r, j, "enterprise", 0, 1, ecode, sizeof ecode, &ret) ||
	    http__field_text(r, j, "status", 1, 0, x.status, sizeof x.status, &ret) ||
	    http__field_text(r, j, "price", 0, 0, price, sizeof price, &ret) ||
	    http__field_text(r, j, "answer", 0, 0, x.answer, sizeof x.answer, &ret) ||
	    http__firm_arg(r, ecode, &ent, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (!http__can_manage(r, ent))
		return http__reply_error(r, 403, "forbidden", -1,
					 "only the firm's admin answers an enquiry");
	if (strcmp(x.status, "quoted") && strcmp(x.status, "declined"))
		return bad_request(r, "field 'status' must be quoted or declined");
	if (!strcmp(x.status, "quoted") &&
	    (!price[0] || http__parse_fixed(price, 2, 100000000, &x.price_fen) || x.price_fen <= 0))
		return bad_request(r, "field 'price' must be the price in yuan per dozen, e.g. "
				      "\"36.00\"");
	store_enquiry q;
	store_enquiry_route old;
	if (store_enquiry_get(db, 0, ref, &q) || store_enquiry_route_get(db, q.id, ent, &old))
		return http__reply_error(r, 404, "not_found", -1,
					 "no enquiry %s routed to your firm", ref);
	x.enquiry_id = q.id;
	x.enterprise_id = ent;
	cluster_actor a;
	http__actor(r, &a);
	x.answered_ms = a.now_ms;
	snprintf(x.by, sizeof x.by, "%s", a.name);
	int rc = coop_enquiry_answer(r->srv->app.w, &a, &x);
	if (rc)
		return http__reply_status(r, rc, "enquiry", ref);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ref", ref);
	cJSON_AddStringToObject(o, "status", x.status);
	cJSON_AddNumberToObject(o, "price_fen", (double)x.price_fen);
	return http__reply_json(r, 200, o);
}

/* ---- the towns' portal pages ---- */

static enum MHD_Result h_town_put(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	(void)db;
	store_town_page p;
	memset(&p, 0, sizeof p);
	char iz[1024], ie[1024], pz[512], pe[512];
	if (http__field_text(r, j, "town", 1, 0, p.town, sizeof p.town, &ret) ||
	    http__field_text(r, j, "intro_zh", 0, 0, iz, sizeof iz, &ret) ||
	    http__field_text(r, j, "intro_en", 0, 0, ie, sizeof ie, &ret) ||
	    http__field_text(r, j, "products_zh", 0, 0, pz, sizeof pz, &ret) ||
	    http__field_text(r, j, "products_en", 0, 0, pe, sizeof pe, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (r->role == ROLE_TOWN_OFFICER && strcmp(r->scope.town, p.town))
		return http__reply_error(r, 403, "forbidden", -1,
					 "a town officer writes only the page of %s",
					 r->scope.town);
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "intro_zh", iz);
	cJSON_AddStringToObject(b, "intro_en", ie);
	cJSON_AddStringToObject(b, "products_zh", pz);
	cJSON_AddStringToObject(b, "products_en", pe);
	char *t = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	if (!t || strlen(t) >= sizeof p.body) {
		free(t);
		return http__reply_error(r, 413, "too_large", -1, "the town page is over 4 KiB");
	}
	memcpy(p.body, t, strlen(t) + 1);
	free(t);
	cluster_actor a;
	http__actor(r, &a);
	p.updated_ms = a.now_ms;
	snprintf(p.by, sizeof p.by, "%s", a.name);
	int rc = coop_town_page_put(r->srv->app.w, &a, &p);
	if (rc)
		return http__reply_status(r, rc, "town page", NULL);
	cJSON *o = cJSON_Parse(p.body);
	cJSON_AddStringToObject(o, "town", p.town);
	return http__reply_json(r, 200, o);
}

#define ROLES_VIEW  (ROLES_READERS | ROLE_BIT(ROLE_TOWN_OFFICER))
#define ROLES_LEADS (ROLES_ADMINS | ROLE_BIT(ROLE_ASSOCIATION))
#define LEADS_ONLY                                                                                 \
	"a lead firm's admin, the association (for a buyer) or the cluster admin runs a "          \
	"cooperative order"
#define ROYALTIES_ONLY "design licences and royalties are the firms' and the association's"
#define FIRM_ADMIN     "only a firm's admin (or the cluster admin) may do this"

const http_route http__routes_coop[] = {
    {"GET", "/api/v1/coop/profile", ROLES_VIEW, h_profile_get, NULL},
    {"PUT", "/api/v1/coop/profile", ROLES_ADMINS, h_profile_put, FIRM_ADMIN},
    {"GET", "/api/v1/coop/firms", ROLES_VIEW, h_firms, NULL},
    {"GET", "/api/v1/coop/orders", ROLES_VIEW, h_orders, NULL},
    {"POST", "/api/v1/coop/orders", ROLES_LEADS, h_order_post, LEADS_ONLY},
    {"GET", "/api/v1/coop/order", ROLES_VIEW, h_order_get, NULL},
    {"POST", "/api/v1/coop/order/propose", ROLES_LEADS, h_propose, LEADS_ONLY},
    {"PUT", "/api/v1/coop/order/parts", ROLES_LEADS, h_parts_put, LEADS_ONLY},
    {"POST", "/api/v1/coop/order/offer", ROLES_LEADS, h_offer, LEADS_ONLY},
    {"POST", "/api/v1/coop/order/cancel", ROLES_LEADS, h_cancel, LEADS_ONLY},
    {"POST", "/api/v1/coop/order/answer", ROLES_ADMINS, h_answer, FIRM_ADMIN},
    {"POST", "/api/v1/coop/order/ship", ROLES_ADMINS, h_ship, FIRM_ADMIN},
    {"GET", "/api/v1/coop/export", ROLES_VIEW, h_export, NULL},
    {"GET", "/api/v1/designs", ROLES_VIEW, h_designs, NULL},
    {"POST", "/api/v1/designs", ROLES_ADMINS, h_design_add, FIRM_ADMIN},
    {"PUT", "/api/v1/designs", ROLES_ADMINS, h_design_put, FIRM_ADMIN},
    {"POST", "/api/v1/designs/files", ROLES_ADMINS, h_design_file_add, FIRM_ADMIN},
    {"GET", "/api/v1/designs/file", ROLES_VIEW, h_design_file, NULL},
    {"GET", "/api/v1/designs/licences", ROLES_FIRM_PRIVATE | ROLE_BIT(ROLE_ASSOCIATION), h_licences,
     ROYALTIES_ONLY},
    {"POST", "/api/v1/designs/licences", ROLES_ADMINS, h_licence_request, FIRM_ADMIN},
    {"PUT", "/api/v1/designs/licences", ROLES_ADMINS, h_licence_decide, FIRM_ADMIN},
    {"POST", "/api/v1/designs/adopt", ROLES_ADMINS, h_adopt, FIRM_ADMIN},
    {"GET", "/api/v1/designs/royalties", ROLES_FIRM_PRIVATE | ROLE_BIT(ROLE_ASSOCIATION),
     h_royalties, ROYALTIES_ONLY},
    {"GET", "/api/v1/enquiries", ROLES_FIRM_PRIVATE, h_enquiries, NULL},
    {"PUT", "/api/v1/enquiries", ROLES_ADMINS, h_enquiry_answer, FIRM_ADMIN},
    {"POST", "/api/v1/public/enquiries", ROLES_PUBLIC, h_enquiry_post, NULL},
    {"GET", "/api/v1/public/enquiry", ROLES_PUBLIC, h_enquiry_status, NULL},
    {"PUT", "/api/v1/portal/towns", ROLES_BRAND | ROLE_BIT(ROLE_TOWN_OFFICER), h_town_put,
     "the association, a town's officer or the cluster admin writes a town's page"},
};
const size_t http__routes_coop_n = sizeof http__routes_coop / sizeof http__routes_coop[0];
