/* SPDX-License-Identifier: Apache-2.0 */
/* quality.c: lots, cartons, AQL inspections with the switching rules,
 * test reports and a lot's facts for its labels (app/quality.h). Each
 * write is one transaction on the writer thread; its checks read the same
 * connection inside it. Lots of sewn orders take finished bundles (their
 * last routing operation scanned, not at a household, in no other lot);
 * lots of knitted or dipped orders take the good pieces of the machines
 * assigned to the order on whole local days of the firm's calendar, from
 * the day rollups, a machine-day in one lot at most. */
#include "app/quality.h"

#include "core/defect.h"
#include "core/tz.h"
#include "core/units.h"
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const class_names[3] = {"critical", "major", "minor"};

/* Writes the message of a refused input into msg; GLOVED_EINVAL. */
static int bad(char *msg, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return GLOVED_EINVAL;
}

/* ---- lots ---- */

typedef struct lot_call {
	const quality_lot_req *req;
	firmcal_cache *cals;
	store_lot *out;
	char *msg;
	size_t len;
} lot_call;

/* The bundles of a sewn lot: each of the order, finished, in the factory and
 * in no lot; the production days are the firm's local days of their last
 * operation's scans. */
static int lot_bundles(store *s, const firm_cal *fc, const quality_lot_req *r, const store_order *o,
		       const store_style *st, int64_t *ids, store_lot *l, char *msg, size_t len)
{
	store_scope all = {0};
	store_bundle *b = NULL;
	size_t n = 0;
	int rc = store_bundle_list(s, all, o->enterprise_id, o->id, 0, 0, 1000000, &b, &n);
	for (size_t i = 0; i < r->nb && !rc; i++) {
		for (size_t k = 0; k < i && !rc; k++)
			if (r->bundles[k] == r->bundles[i])
				rc = bad(msg, len, "bundles[%zu]: bundle %d is named twice", i,
					 (int)r->bundles[i]);
		const store_bundle *one = NULL;
		for (size_t k = 0; k < n; k++)
			if (b[k].no == r->bundles[i])
				one = &b[k];
		if (rc)
			break;
		if (!one) {
			rc = bad(msg, len, "bundles[%zu]: order %s has no bundle %d", i, o->code,
				 (int)r->bundles[i]);
			break;
		}
		if (one->household_id) {
			rc = bad(msg, len, "bundles[%zu]: bundle %d is out at a household", i,
				 (int)one->no);
			break;
		}
		store_scan last;
		rc = store_scan_get(s, one->id, st->n_ops, &last);
		if (rc == GLOVED_ENOTFOUND)
			rc = bad(msg, len,
				 "bundles[%zu]: bundle %d is not finished (its last operation is "
				 "not scanned)",
				 i, (int)one->no);
		int64_t other = 0;
		if (!rc) {
			rc = store_bundle_lot(s, one->id, &other);
			if (!rc)
				rc = bad(msg, len, "bundles[%zu]: bundle %d is in a lot already", i,
					 (int)one->no);
			else if (rc == GLOVED_ENOTFOUND)
				rc = GLOVED_OK;
		}
		if (!rc && r->size[0] && strcmp(one->size, r->size) != 0)
			rc = bad(msg, len, "bundles[%zu]: bundle %d is of size %s, the lot of %s",
				 i, (int)one->no, one->size, r->size);
		if (rc)
			break;
		if (i == 0)
			memcpy(l->size, one->size, sizeof l->size);
		else if (strcmp(l->size, one->size) != 0)
			l->size[0] = '\0'; /* mixed sizes */
		ids[i] = one->id;
		l->pieces += one->pairs * 2;
		int32_t day = tz_day_of(&fc->zone, last.ts_ms);
		if (i == 0 || day < l->from_day)
			l->from_day = day;
		if (i == 0 || day > l->to_day)
			l->to_day = day;
	}
	free(b);
	if (!rc && r->size[0])
		memcpy(l->size, r->size, sizeof l->size);
	return rc;
}

/* The machines of a knitted or dipped lot: each assigned to the order, in
 * no other lot on those days; their good pieces of those local days. */
static int lot_machines(store *s, const firm_cal *fc, const quality_lot_req *r,
			const store_order *o, store_lot_machine *ms, store_lot *l, char *msg,
			size_t len)
{
	store_scope all = {0};
	int64_t from_ms = tz_midnight_ms(&fc->zone, tz_civil_from_days(r->from_day));
	int64_t to_ms = tz_midnight_ms(&fc->zone, tz_civil_from_days((int64_t)r->to_day + 1));
	store_order_machine *om = NULL;
	store_machine *fm = NULL;
	size_t nom = 0, nfm = 0;
	store_scope firm = {.enterprise_id = o->enterprise_id};
	int rc = store_order_machine_list(s, o->id, &om, &nom);
	if (!rc)
		rc = store_machine_list(s, firm, &fm, &nfm);
	for (size_t i = 0; i < r->nm && !rc; i++) {
		const store_machine *mp = NULL;
		for (size_t k = 0; k < nfm; k++)
			if (strcmp(fm[k].code, r->machines[i]) == 0)
				mp = &fm[k];
		if (!mp) {
			snprintf(msg, len, "machines[%zu]: no machine %s in this firm", i,
				 r->machines[i]);
			rc = GLOVED_EINVAL;
			break;
		}
		const store_machine m = *mp;
		int assigned = 0;
		for (size_t k = 0; k < nom; k++)
			if (om[k].machine_id == m.id && om[k].from_ms < to_ms &&
			    (!om[k].to_ms || om[k].to_ms > from_ms))
				assigned = 1;
		if (!assigned) {
			snprintf(msg, len, "machines[%zu]: machine %s is not assigned to order %s",
				 i, m.code, o->code);
			rc = GLOVED_EINVAL;
			break;
		}
		for (size_t k = 0; k < i; k++)
			if (ms[k].machine_id == m.id) {
				snprintf(msg, len, "machines[%zu]: machine %s is named twice", i,
					 m.code);
				rc = GLOVED_EINVAL;
			}
		if (rc)
			break;
		int64_t other;
		rc = store_machine_lot(s, m.id, r->from_day, r->to_day, &other);
		if (!rc) {
			store_lot ol;
			if (store_lot_get(s, all, 0, NULL, other, &ol))
				ol.code[0] = '\0';
			snprintf(msg, len,
				 "machines[%zu]: machine %s is in lot %s on one of these days", i,
				 m.code, ol.code);
			rc = GLOVED_EINVAL;
			break;
		}
		if (rc != GLOVED_ENOTFOUND)
			break;
		store_bucket *b = NULL;
		size_t nb = 0;
		rc = store_output(s, all, STORE_DAY, o->enterprise_id, 0, m.id, from_ms, to_ms, &b,
				  &nb);
		ms[i].machine_id = m.id;
		ms[i].from_day = r->from_day;
		ms[i].to_day = r->to_day;
		ms[i].pieces = 0;
		for (size_t k = 0; k < nb; k++)
			ms[i].pieces += b[k].good;
		free(b);
		l->pieces += ms[i].pieces;
	}
	free(om);
	free(fm);
	l->from_day = r->from_day;
	l->to_day = r->to_day;
	memcpy(l->size, r->size, sizeof l->size);
	return rc;
}

static int form_lot(store *s, const quality_lot_req *r, firmcal_cache *cals, store_lot *l,
		    char *msg, size_t len)
{
	store_scope all = {0};
	store_order *o = calloc(1, sizeof *o);
	store_style *st = calloc(1, sizeof *st);
	int64_t *ids = calloc(r->nb ? r->nb : 1, sizeof *ids);
	store_lot_machine *ms = calloc(r->nm ? r->nm : 1, sizeof *ms);
	store_lot_material mats[QUALITY_MAX_LOT_MATS];
	int rc = o && st && ids && ms ? GLOVED_OK : GLOVED_ENOMEM;
	memset(l, 0, sizeof *l);
	memset(mats, 0, sizeof mats);
	if (!rc) {
		rc = store_order_get(s, all, r->enterprise_id, r->order, 0, o);
		if (rc == GLOVED_ENOTFOUND)
			rc = bad(msg, len, "order: no order %s in this firm", r->order);
	}
	if (!rc)
		rc = store_style_get(s, all, 0, NULL, o->style_id, st);
	if (!rc) {
		int knit = strcmp(st->family, "sewn") != 0;
		if (knit && !r->by_machines)
			rc = bad(msg, len,
				 "source: order %s is of a %s style; its lots come from machines",
				 r->order, st->family);
		if (!knit && r->by_machines)
			rc = bad(msg, len, "source: order %s is sewn; its lots come from bundles",
				 r->order);
	}
	l->enterprise_id = r->enterprise_id;
	l->style_id = st ? st->id : 0;
	l->order_id = o ? o->id : 0;
	memcpy(l->code, r->code, sizeof l->code);
	snprintf(l->source, sizeof l->source, "%s", r->by_machines ? "machines" : "bundles");
	snprintf(l->status, sizeof l->status, "formed");
	l->created_ms = r->now_ms;
	const firm_cal *fc = rc ? NULL : firmcal_get(cals, s, r->enterprise_id);
	if (!rc && !fc)
		rc = GLOVED_ENOMEM;
	if (!rc && !r->by_machines)
		rc = lot_bundles(s, fc, r, o, st, ids, l, msg, len);
	else if (!rc)
		rc = lot_machines(s, fc, r, o, ms, l, msg, len);
	for (size_t i = 0; i < r->nmat && !rc; i++) {
		store_material_lot m;
		rc = store_material_lot_get(s, all, r->enterprise_id, r->mat_code[i], 0, &m);
		if (rc == GLOVED_ENOTFOUND) {
			snprintf(msg, len, "materials[%zu]: no material lot %s in this firm", i,
				 r->mat_code[i]);
			rc = GLOVED_EINVAL;
			break;
		}
		for (size_t k = 0; k < i && !rc; k++)
			if (mats[k].material_lot_id == m.id) {
				snprintf(msg, len, "materials[%zu]: material lot %s is named twice",
					 i, m.code);
				rc = GLOVED_EINVAL;
			}
		mats[i].material_lot_id = m.id;
		mats[i].qty_milli = r->mat_qty_milli[i];
	}
	if (!rc && l->pieces < 2) {
		snprintf(msg, len, "the lot has no finished pair%s",
			 r->by_machines ? " (no good pieces on those days)" : "");
		rc = GLOVED_EINVAL;
	}
	if (!rc) {
		rc = store_lot_add(s, all, l, ids, r->by_machines ? 0 : r->nb, ms,
				   r->by_machines ? r->nm : 0, mats, r->nmat);
		if (rc == GLOVED_EEXIST)
			snprintf(msg, len, "a lot %s exists already", r->code);
	}
	free(o);
	free(st);
	free(ids);
	free(ms);
	return rc;
}

int quality_form_lot_tx(store *s, firmcal_cache *cals, const quality_lot_req *req, store_lot *out,
			char *msg, size_t len)
{
	msg[0] = '\0';
	int rc = store_begin(s);
	return rc ? rc : store_end(s, form_lot(s, req, cals, out, msg, len));
}

static int do_form(store *s, void *ctx)
{
	lot_call *c = ctx;
	return quality_form_lot_tx(s, c->cals, c->req, c->out, c->msg, c->len);
}

int quality_form_lot(writer *w, const quality_lot_req *req, store_lot *out, char *msg, size_t len)
{
	msg[0] = '\0';
	lot_call c = {.req = req, .cals = writer_cals(w), .out = out, .msg = msg, .len = len};
	return writer_call(w, do_form, &c);
}

/* ---- cartons ---- */

typedef struct pack_call {
	int64_t enterprise_id, lot_id, per, now_ms;
	store_carton **out;
	size_t *n;
	char *msg;
	size_t len;
} pack_call;

static int pack(store *s, pack_call *c)
{
	store_scope all = {0};
	store_lot l;
	int rc = store_lot_get(s, all, c->enterprise_id, NULL, c->lot_id, &l);
	if (rc)
		return rc;
	store_carton *have = NULL;
	size_t nh = 0;
	rc = store_carton_list(s, all, c->enterprise_id, l.id, &have, &nh);
	free(have);
	if (rc)
		return rc;
	if (nh) {
		snprintf(c->msg, c->len, "lot %s is packed already (%zu cartons)", l.code, nh);
		return GLOVED_EEXIST;
	}
	int64_t pairs = l.pieces / 2;
	int64_t count = (pairs + c->per - 1) / c->per;
	if (pairs < 1 || count > QUALITY_MAX_CARTONS) {
		snprintf(c->msg, c->len, "lot %s of %lld pairs would make %lld cartons (1 to %d)",
			 l.code, (long long)pairs, (long long)count, QUALITY_MAX_CARTONS);
		return GLOVED_EINVAL;
	}
	store_carton *v = calloc((size_t)count, sizeof *v);
	if (!v)
		return GLOVED_ENOMEM;
	for (int64_t i = 0; i < count; i++) {
		store_carton *x = &v[i];
		x->enterprise_id = l.enterprise_id;
		x->lot_id = l.id;
		x->pairs = i + 1 < count ? c->per : pairs - c->per * (count - 1);
		x->created_ms = c->now_ms;
		snprintf(x->code, sizeof x->code, "%s-C%03lld", l.code, (long long)(i + 1));
	}
	rc = store_cartons_add(s, v, (size_t)count); /* one write for the lot */
	for (int64_t i = 0; rc == GLOVED_EEXIST && i < count; i++) {
		store_carton found;
		if (store_carton_get(s, all, l.enterprise_id, v[i].code, &found) == GLOVED_OK) {
			snprintf(c->msg, c->len, "a carton %s exists already", v[i].code);
			break;
		}
	}
	if (rc) {
		free(v);
		return rc;
	}
	*c->out = v;
	*c->n = (size_t)count;
	return GLOVED_OK;
}

static int do_pack(store *s, void *ctx)
{
	pack_call *c = ctx;
	int rc = store_begin(s);
	rc = rc ? rc : store_end(s, pack(s, c));
	if (rc) {
		free(*c->out);
		*c->out = NULL;
		*c->n = 0;
	}
	return rc;
}

int quality_pack_tx(store *s, int64_t enterprise_id, int64_t lot_id, int64_t pairs_per_carton,
		    int64_t now_ms, store_carton **out, size_t *n, char *msg, size_t len)
{
	*out = NULL;
	*n = 0;
	msg[0] = '\0';
	if (pairs_per_carton < 1)
		return GLOVED_EINVAL;
	pack_call c = {enterprise_id, lot_id, pairs_per_carton, now_ms, out, n, msg, len};
	return do_pack(s, &c);
}

static int do_pack_call(store *s, void *ctx)
{
	pack_call *c = ctx;
	return quality_pack_tx(s, c->enterprise_id, c->lot_id, c->per, c->now_ms, c->out, c->n,
			       c->msg, c->len);
}

int quality_pack(writer *w, int64_t enterprise_id, int64_t lot_id, int64_t pairs_per_carton,
		 int64_t now_ms, store_carton **out, size_t *n, char *msg, size_t len)
{
	pack_call c = {enterprise_id, lot_id, pairs_per_carton, now_ms, out, n, msg, len};
	*out = NULL;
	*n = 0;
	return writer_call(w, do_pack_call, &c);
}

/* ---- plain writes ---- */

typedef struct add_call {
	store_scope sc;
	store_material_lot *m;
	store_test *t;
	int64_t id;
	const void *pdf;
	size_t len;
} add_call;

static int do_material(store *s, void *ctx)
{
	add_call *c = ctx;
	int rc = store_begin(s);
	return rc ? rc : store_end(s, store_material_lot_add(s, c->sc, c->m));
}

int quality_add_material(writer *w, store_scope sc, store_material_lot *m)
{
	add_call c = {.sc = sc, .m = m};
	return writer_call(w, do_material, &c);
}

static int do_test(store *s, void *ctx)
{
	add_call *c = ctx;
	int rc = store_begin(s);
	return rc ? rc : store_end(s, store_test_add(s, c->sc, c->t));
}

int quality_add_test(writer *w, store_scope sc, store_test *t)
{
	add_call c = {.sc = sc, .t = t};
	return writer_call(w, do_test, &c);
}

static int do_pdf(store *s, void *ctx)
{
	add_call *c = ctx;
	int rc = store_begin(s);
	return rc ? rc : store_end(s, store_test_pdf_put(s, c->id, c->pdf, c->len));
}

int quality_put_test_pdf(writer *w, int64_t id, const void *pdf, size_t len)
{
	add_call c = {.id = id, .pdf = pdf, .len = len};
	return writer_call(w, do_pdf, &c);
}

/* ---- plans and the switching state ---- */

int quality_plans(int64_t lot_pairs, aql_level level, aql_severity sev, const quality_aql *aql,
		  aql_plan plans[3], char *msg, size_t len)
{
	int any = 0;
	memset(plans, 0, 3 * sizeof *plans);
	if (lot_pairs < 2) {
		snprintf(msg, len, "a lot of %lld pairs cannot be sampled", (long long)lot_pairs);
		return -1;
	}
	for (int c = 0; c < 3; c++) {
		if (!aql->has[c])
			continue;
		any = 1;
		int rc = aql->milli[c] == 0
			     ? aql_plan_zero(lot_pairs, level, sev, &plans[c])
			     : aql_plan_get(lot_pairs, level, sev, aql->milli[c], &plans[c]);
		if (rc) {
			snprintf(msg, len, "aql.%s: not a value of the ISO 2859-1 tables",
				 class_names[c]);
			return -1;
		}
	}
	if (!any) {
		snprintf(msg, len,
			 "aql: give the AQL of at least one class (critical, major, minor)");
		return -1;
	}
	return 0;
}

int quality_state(store *s, int64_t enterprise_id, int64_t style_id, store_aql_state *out,
		  aql_severity *sev)
{
	int rc = store_aql_state_get(s, enterprise_id, style_id, out);
	if (rc == GLOVED_ENOTFOUND) {
		memset(out, 0, sizeof *out);
		out->enterprise_id = enterprise_id;
		out->style_id = style_id;
		snprintf(out->severity, sizeof out->severity, "normal");
		rc = GLOVED_OK;
	}
	if (!rc && aql_severity_parse(out->severity, sev))
		*sev = AQL_NORMAL;
	return rc;
}

static void state_to_switch(const store_aql_state *x, aql_severity sev, aql_switch *sw)
{
	aql_switch_init(sw);
	sw->severity = sev;
	sw->stopped = x->stopped;
	sw->score = x->score;
	sw->recent = x->recent;
	sw->n_recent = x->n_recent;
	sw->accepted_run = x->accepted_run;
	sw->rejected_tight = x->rejected_tight;
}

static void switch_to_state(const aql_switch *sw, store_aql_state *x)
{
	snprintf(x->severity, sizeof x->severity, "%s", aql_severity_name(sw->severity));
	x->stopped = sw->stopped;
	x->score = sw->score;
	x->recent = sw->recent;
	x->n_recent = sw->n_recent;
	x->accepted_run = sw->accepted_run;
	x->rejected_tight = sw->rejected_tight;
}

/* ---- inspections ---- */

typedef struct insp_call {
	const quality_insp_req *req;
	quality_insp_res *res;
	char *msg;
	size_t len;
} insp_call;

static int class_of(const char *name)
{
	defect_class c;
	return defect_class_parse(name, &c) == 0 ? (int)c : -1;
}

static int inspect(store *s, const quality_insp_req *r, quality_insp_res *res, char *msg,
		   size_t len)
{
	store_scope all = {0};
	store_lot l;
	memset(res, 0, sizeof *res);
	int rc = store_lot_get(s, all, r->enterprise_id, NULL, r->lot_id, &l);
	if (rc)
		return rc;
	if (l.result[0] && !(r->resubmitted && strcmp(l.result, "rejected") == 0)) {
		snprintf(
		    msg, len,
		    strcmp(l.result, "rejected") == 0
			? "lot %s was rejected: inspect it again as resubmitted (after screening)"
			: "lot %s is inspected already (%s)",
		    l.code, l.result);
		return GLOVED_EEXIST;
	}
	if (r->resubmitted && !l.result[0]) {
		snprintf(msg, len, "lot %s has not been inspected: it cannot be resubmitted",
			 l.code);
		return GLOVED_EINVAL;
	}
	store_aql_state *st = &res->state;
	aql_severity sev;
	if ((rc = quality_state(s, l.enterprise_id, l.style_id, st, &sev)))
		return rc;
	if (st->stopped) {
		snprintf(msg, len,
			 "inspection of this style is stopped (5 lots not accepted under tightened "
			 "inspection, ISO 2859-1 9.4): resume it after the supplier's corrective "
			 "action");
		return GLOVED_EBUSY;
	}
	aql_plan plans[3];
	if (quality_plans(l.pieces / 2, r->level, sev, &r->aql, plans, msg, len))
		return GLOVED_EINVAL;
	store_inspection *x = &res->insp;
	x->enterprise_id = l.enterprise_id;
	x->lot_id = l.id;
	x->style_id = l.style_id;
	x->ts_ms = r->now_ms;
	x->resubmitted = r->resubmitted;
	x->lot_pieces = l.pieces;
	snprintf(x->inspector, sizeof x->inspector, "%s", r->inspector);
	snprintf(x->level, sizeof x->level, "%s", aql_level_name(r->level));
	snprintf(x->severity, sizeof x->severity, "%s", aql_severity_name(sev));
	snprintf(x->note, sizeof x->note, "%s", r->note);
	int32_t found[3] = {0, 0, 0};
	for (size_t i = 0; i < r->nd; i++) {
		const quality_defect_req *d = &r->defects[i];
		const defect_type *t = defect_find(d->type);
		if (!t) {
			snprintf(msg, len, "defects[%zu].type: %s is not in the defect catalogue",
				 i, d->type);
			return GLOVED_EINVAL;
		}
		int c = d->cls[0] ? class_of(d->cls) : (int)t->cls;
		if (c < 0) {
			snprintf(msg, len, "defects[%zu].class must be critical, major or minor",
				 i);
			return GLOVED_EINVAL;
		}
		if (!r->aql.has[c]) {
			snprintf(msg, len,
				 "defects[%zu]: %s is a %s defect and no AQL was given for %s", i,
				 d->type, class_names[c], class_names[c]);
			return GLOVED_EINVAL;
		}
		if (d->count < 1 || d->count > plans[c].sample ||
		    found[c] + d->count > plans[c].sample) {
			snprintf(
			    msg, len,
			    "defects[%zu].count: the %s defects found (%lld) exceed the sample "
			    "of %d",
			    i, class_names[c], (long long)found[c] + d->count,
			    (int)plans[c].sample);
			return GLOVED_EINVAL;
		}
		found[c] += d->count;
		store_insp_defect *xd = &x->defects[x->n_defects++];
		snprintf(xd->type, sizeof xd->type, "%s", t->code);
		snprintf(xd->cls, sizeof xd->cls, "%s", class_names[c]);
		xd->count = d->count;
	}
	int accepted = 1;
	aql_lot_outcome o;
	memset(&o, 0, sizeof o);
	for (int c = 0; c < 3; c++) {
		if (!r->aql.has[c])
			continue;
		store_insp_class *xc = &x->classes[x->n_classes++];
		snprintf(xc->cls, sizeof xc->cls, "%s", class_names[c]);
		xc->milli = r->aql.milli[c];
		xc->letter = plans[c].letter;
		xc->sample = plans[c].sample;
		xc->ac = plans[c].ac;
		xc->re = plans[c].re;
		xc->found = found[c];
		if (found[c] > plans[c].ac)
			accepted = 0;
		o.cls[o.n_classes].plan = plans[c];
		o.cls[o.n_classes].milli = r->aql.milli[c];
		o.cls[o.n_classes].defects = found[c];
		o.n_classes++;
	}
	o.accepted = accepted;
	snprintf(x->result, sizeof x->result, "%s", accepted ? "accepted" : "rejected");
	if ((rc = store_inspection_add(s, x)))
		return rc;
	if ((rc = store_lot_set_result(s, l.id, "inspected", x->result, r->now_ms)))
		return rc;
	snprintf(res->event, sizeof res->event, "none");
	if (r->resubmitted)
		return GLOVED_OK; /* the switching rules count original inspections only */
	aql_switch sw;
	state_to_switch(st, sev, &sw);
	int ev = aql_switch_apply(&sw, &o, st->reduced_allowed);
	switch_to_state(&sw, st);
	st->updated_ms = r->now_ms;
	snprintf(res->event, sizeof res->event, "%s", aql_event_name(ev));
	if ((rc = store_aql_state_put(s, st)))
		return rc;
	store_aql_event e;
	memset(&e, 0, sizeof e);
	e.enterprise_id = l.enterprise_id;
	e.style_id = l.style_id;
	e.lot_id = l.id;
	e.ts_ms = r->now_ms;
	e.score = st->score;
	snprintf(e.result, sizeof e.result, "%s", x->result);
	snprintf(e.event, sizeof e.event, "%s", res->event);
	snprintf(e.severity, sizeof e.severity, "%s", st->severity);
	snprintf(e.by, sizeof e.by, "%s", r->by);
	return store_aql_event_add(s, &e);
}

int quality_inspect_tx(store *s, const quality_insp_req *req, quality_insp_res *res, char *msg,
		       size_t len)
{
	msg[0] = '\0';
	int rc = store_begin(s);
	return rc ? rc : store_end(s, inspect(s, req, res, msg, len));
}

static int do_inspect(store *s, void *ctx)
{
	insp_call *c = ctx;
	return quality_inspect_tx(s, c->req, c->res, c->msg, c->len);
}

int quality_inspect(writer *w, const quality_insp_req *req, quality_insp_res *res, char *msg,
		    size_t len)
{
	msg[0] = '\0';
	insp_call c = {req, res, msg, len};
	return writer_call(w, do_inspect, &c);
}

/* ---- switching settings ---- */

typedef struct set_call {
	int64_t enterprise_id, style_id;
	int reduced_allowed, resume;
	const char *by;
	int64_t now_ms;
	store_aql_state *out;
} set_call;

static int set_switching(store *s, set_call *c)
{
	aql_severity sev;
	int rc = quality_state(s, c->enterprise_id, c->style_id, c->out, &sev);
	if (rc)
		return rc;
	store_aql_state *st = c->out;
	store_aql_event e;
	memset(&e, 0, sizeof e);
	snprintf(e.event, sizeof e.event, "setting");
	if (c->reduced_allowed >= 0)
		st->reduced_allowed = c->reduced_allowed;
	if (c->resume && st->stopped) {
		aql_switch sw;
		state_to_switch(st, sev, &sw);
		aql_switch_resume(&sw);
		switch_to_state(&sw, st);
		snprintf(e.event, sizeof e.event, "resumed");
	}
	st->updated_ms = c->now_ms;
	if ((rc = store_aql_state_put(s, st)))
		return rc;
	e.enterprise_id = c->enterprise_id;
	e.style_id = c->style_id;
	e.ts_ms = c->now_ms;
	e.score = st->score;
	snprintf(e.severity, sizeof e.severity, "%s", st->severity);
	snprintf(e.by, sizeof e.by, "%s", c->by);
	return store_aql_event_add(s, &e);
}

static int do_set(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, set_switching(s, ctx));
}

int quality_set_switching(writer *w, int64_t enterprise_id, int64_t style_id, int reduced_allowed,
			  int resume, const char *by, int64_t now_ms, store_aql_state *out)
{
	set_call c = {enterprise_id, style_id, reduced_allowed, resume, by, now_ms, out};
	return writer_call(w, do_set, &c);
}

/* ---- reads ---- */

int quality_lot_test(store *s, const store_lot *l, store_test *out)
{
	store_scope firm = {.enterprise_id = l->enterprise_id};
	store_lot_material *m = NULL;
	size_t nm = 0;
	int rc = store_lot_materials(s, l->id, &m, &nm);
	int found = 0;
	for (size_t i = 0; i <= nm && !rc; i++) {
		store_test *v = NULL;
		size_t n = 0;
		/* the style's reports first (i == 0), then each material's */
		rc = i == 0 ? store_test_list(s, firm, l->enterprise_id, l->style_id, 0, &v, &n)
			    : store_test_list(s, firm, l->enterprise_id, 0,
					      m[i - 1].material_lot_id, &v, &n);
		for (size_t k = 0; k < n && !rc; k++)
			if (v[k].en388[0] && (!found || v[k].day > out->day ||
					      (v[k].day == out->day && v[k].id > out->id))) {
				*out = v[k];
				found = 1;
			}
		free(v);
	}
	free(m);
	return rc ? rc : found ? GLOVED_OK : GLOVED_ENOTFOUND;
}

int quality_lot_facts_get(store *s, firmcal_cache *cals, store_scope sc, int64_t enterprise_id,
			  const char *lot_code, quality_lot_facts *out)
{
	store_lot l;
	store_style *st = malloc(sizeof *st);
	memset(out, 0, sizeof *out);
	if (!st)
		return GLOVED_ENOMEM;
	int rc = store_lot_get(s, sc, enterprise_id, lot_code, 0, &l);
	if (!rc)
		rc = store_style_get(s, sc, l.enterprise_id, NULL, l.style_id, st);
	if (!rc) {
		out->lot_id = l.id;
		out->enterprise_id = l.enterprise_id;
		snprintf(out->lot, sizeof out->lot, "%s", l.code);
		snprintf(out->style, sizeof out->style, "%s", st->code);
		snprintf(out->style_name, sizeof out->style_name, "%s", st->name);
		snprintf(out->size, sizeof out->size, "%s", l.size);
		snprintf(out->result, sizeof out->result, "%s", l.result);
		out->pairs = l.pieces / 2;
		out->produced_day = l.to_day;
		store_test t;
		int trc = quality_lot_test(s, &l, &t);
		if (!trc)
			snprintf(out->en388, sizeof out->en388, "%s", t.en388);
		else if (trc != GLOVED_ENOTFOUND)
			rc = trc;
		if (l.inspected_ms) {
			const firm_cal *fc = firmcal_get(cals, s, l.enterprise_id);
			if (fc)
				tz_day_format(tz_day_of(&fc->zone, l.inspected_ms),
					      out->inspected_day);
		}
	}
	free(st);
	return rc;
}
