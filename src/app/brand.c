/* SPDX-License-Identifier: Apache-2.0 */
/* brand.c: licences, audits and flags of the regional brand (app/brand.h).
 * A licence moves none/revoked -grant-> active -suspend-> suspended
 * -reinstate-> active, and active or suspended -revoke-> revoked; every
 * action is an entry of the firm's history. Grant and reinstate check the
 * conditions against the firm's audits and its last inspected lots
 * (original inspections, all styles) in the same transaction. */
#include "app/brand.h"
#include "app/quality.h"
#include "core/tz.h"

#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int brand_check_conditions(store *s, int64_t enterprise_id, int32_t audits_passed,
			   int32_t last_lots, int32_t min_accept_pct, char *msg, size_t len)
{
	store_scope firm = {.enterprise_id = enterprise_id};
	if (audits_passed > 0) {
		store_audit *a = NULL;
		size_t n = 0;
		int rc = store_audit_list(s, firm, enterprise_id, &a, &n);
		if (rc)
			return rc;
		int32_t passed = 0;
		for (size_t i = 0; i < n; i++)
			passed += a[i].passed != 0;
		int latest_failed = n > 0 && !a[0].passed;
		free(a);
		if (passed < audits_passed) {
			snprintf(msg, len,
				 "condition audits_passed: %d passed audit(s), %d required",
				 (int)passed, (int)audits_passed);
			return GLOVED_EBUSY;
		}
		if (latest_failed) {
			snprintf(msg, len, "condition audits_passed: the latest audit was failed");
			return GLOVED_EBUSY;
		}
	}
	if (last_lots > 0) {
		store_inspection *x = NULL;
		size_t n = 0;
		/* newest first; resubmissions are not the firm's record */
		int rc = store_inspection_list(s, firm, enterprise_id, 0, 0, 0, &x, &n);
		if (rc)
			return rc;
		int32_t seen = 0, accepted = 0;
		for (size_t i = 0; i < n && seen < last_lots; i++) {
			if (x[i].resubmitted)
				continue;
			seen++;
			accepted += strcmp(x[i].result, "accepted") == 0;
		}
		free(x);
		if (seen < last_lots) {
			snprintf(msg, len, "condition last_lots: %d lot(s) inspected, %d required",
				 (int)seen, (int)last_lots);
			return GLOVED_EBUSY;
		}
		if (accepted * 100 < min_accept_pct * seen) {
			snprintf(
			    msg, len,
			    "condition min_accept_pct: %d of the last %d lots accepted (%d%%), "
			    "%d%% required",
			    (int)accepted, (int)seen, (int)(accepted * 100 / seen),
			    (int)min_accept_pct);
			return GLOVED_EBUSY;
		}
	}
	return GLOVED_OK;
}

typedef struct action_call {
	const brand_action *a;
	store_licence *out;
	char *msg;
	size_t len;
} action_call;

static int act(store *s, action_call *c)
{
	const brand_action *a = c->a;
	store_licence *l = c->out;
	int rc = store_licence_get(s, a->enterprise_id, l);
	if (rc == GLOVED_ENOTFOUND) {
		memset(l, 0, sizeof *l);
		l->enterprise_id = a->enterprise_id;
		snprintf(l->status, sizeof l->status, "none");
		rc = GLOVED_OK;
	}
	if (rc)
		return rc;
	const char *from = l->status, *to;
	int check = 0;
	if (strcmp(a->action, "grant") == 0) {
		if (strcmp(from, "active") == 0 || strcmp(from, "suspended") == 0) {
			snprintf(c->msg, c->len,
				 "the licence is %s: grant is for a firm without one (reinstate a "
				 "suspended licence)",
				 from);
			return GLOVED_EEXIST;
		}
		if (a->audits_passed >= 0)
			l->audits_passed = a->audits_passed;
		if (a->last_lots >= 0)
			l->last_lots = a->last_lots;
		if (a->min_accept_pct >= 0)
			l->min_accept_pct = a->min_accept_pct;
		l->since_ms = a->now_ms;
		to = "active";
		check = 1;
	} else if (strcmp(a->action, "suspend") == 0) {
		if (strcmp(from, "active") != 0) {
			snprintf(c->msg, c->len, "only an active licence is suspended (it is %s)",
				 from);
			return GLOVED_EEXIST;
		}
		to = "suspended";
	} else if (strcmp(a->action, "reinstate") == 0) {
		if (strcmp(from, "suspended") != 0) {
			snprintf(c->msg, c->len,
				 "only a suspended licence is reinstated (it is %s)", from);
			return GLOVED_EEXIST;
		}
		to = "active";
		check = 1;
	} else if (strcmp(a->action, "revoke") == 0) {
		if (strcmp(from, "active") != 0 && strcmp(from, "suspended") != 0) {
			snprintf(c->msg, c->len, "there is no licence to revoke (it is %s)", from);
			return GLOVED_EEXIST;
		}
		to = "revoked";
	} else {
		snprintf(c->msg, c->len,
			 "field 'action' must be grant, suspend, revoke or reinstate");
		return GLOVED_EINVAL;
	}
	if (check && (rc = brand_check_conditions(s, a->enterprise_id, l->audits_passed,
						  l->last_lots, l->min_accept_pct, c->msg, c->len)))
		return rc;
	snprintf(l->status, sizeof l->status, "%s", to);
	l->updated_ms = a->now_ms;
	if ((rc = store_licence_put(s, l)))
		return rc;
	store_licence_event e;
	memset(&e, 0, sizeof e);
	e.enterprise_id = a->enterprise_id;
	e.ts_ms = a->now_ms;
	snprintf(e.action, sizeof e.action, "%s", a->action);
	snprintf(e.by, sizeof e.by, "%s", a->by);
	snprintf(e.reason, sizeof e.reason, "%s", a->reason);
	snprintf(e.status, sizeof e.status, "%s", to);
	return store_licence_event_add(s, &e);
}

static int do_act(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, act(s, ctx));
}

int brand_licence_action_tx(store *s, const brand_action *a, store_licence *out, char *msg,
			    size_t len)
{
	msg[0] = '\0';
	action_call c = {a, out, msg, len};
	return do_act(s, &c);
}

int brand_licence_action(writer *w, const brand_action *a, store_licence *out, char *msg,
			 size_t len)
{
	msg[0] = '\0';
	action_call c = {a, out, msg, len};
	return writer_call(w, do_act, &c);
}

typedef struct small_call {
	store_audit *audit;
	store_scope sc;
	int64_t id, now_ms;
	const char *by, *note;
} small_call;

static int do_audit(store *s, void *ctx)
{
	small_call *c = ctx;
	int rc = store_begin(s);
	return rc ? rc : store_end(s, store_audit_add(s, c->audit));
}

int brand_add_audit(writer *w, store_audit *a)
{
	small_call c = {.audit = a};
	return writer_call(w, do_audit, &c);
}

static int do_resolve(store *s, void *ctx)
{
	small_call *c = ctx;
	int rc = store_begin(s);
	return rc ? rc
		  : store_end(s, store_flag_resolve(s, c->sc, c->id, c->by, c->note, c->now_ms));
}

int brand_resolve_flag(writer *w, store_scope sc, int64_t id, const char *by, const char *note,
		       int64_t now_ms)
{
	small_call c = {.sc = sc, .id = id, .by = by, .note = note, .now_ms = now_ms};
	return writer_call(w, do_resolve, &c);
}

/* ---- labels ---- */

typedef struct issue_call {
	const brand_issue_req *r;
	store_label **out;
	size_t *n;
	char *msg;
	size_t len;
} issue_call;

static int firm_of(store *s, int64_t ent, store_enterprise *e)
{
	store_scope sc = {.enterprise_id = ent};
	store_enterprise *v = NULL;
	size_t n = 0;
	int rc = store_enterprise_list(s, sc, &v, &n);
	if (rc)
		return rc;
	rc = GLOVED_ENOTFOUND;
	for (size_t i = 0; i < n; i++)
		if (v[i].id == ent) {
			*e = v[i];
			rc = GLOVED_OK;
		}
	free(v);
	return rc;
}

/* Signs one label of facts f into x (pairs, carton set by the caller). */
static int sign_one(store *s, const brand_issue_req *r, const store_enterprise *e,
		    const quality_lot_facts *f, store_label *x)
{
	label_fields lf;
	memset(&lf, 0, sizeof lf);
	snprintf(lf.firm_code, sizeof lf.firm_code, "%s", e->code);
	snprintf(lf.firm_name, sizeof lf.firm_name, "%s", e->name);
	snprintf(lf.style, sizeof lf.style, "%s", f->style);
	snprintf(lf.size, sizeof lf.size, "%s", f->size);
	snprintf(lf.lot, sizeof lf.lot, "%s", f->lot);
	snprintf(lf.en388, sizeof lf.en388, "%s", f->en388);
	tz_day_format(f->produced_day, lf.day);
	lf.pairs = x->pairs;
	lf.brand = r->brand;
	x->enterprise_id = r->enterprise_id;
	x->lot_id = f->lot_id;
	x->brand = r->brand;
	x->created_ms = r->now_ms;
	snprintf(x->kind, sizeof x->kind, "%s", r->kind);
	for (int attempt = 0; attempt < 4; attempt++) {
		label_serial_new(lf.serial);
		snprintf(x->serial, sizeof x->serial, "%s", lf.serial);
		if (label_payload_make(&lf, x->payload, sizeof x->payload) ||
		    brand_key_sign(r->key, x->payload, x->sig, sizeof x->sig))
			return GLOVED_EINVAL;
		int rc = store_label_add(s, x);
		if (rc != GLOVED_EEXIST)
			return rc;
	}
	return GLOVED_EEXIST;
}

static int issue(store *s, issue_call *c)
{
	const brand_issue_req *r = c->r;
	store_scope firm = {.enterprise_id = r->enterprise_id};
	quality_lot_facts f;
	store_enterprise e;
	store_carton *cartons = NULL;
	store_label *prev = NULL, *v = NULL;
	size_t nc = 0, np = 0, n = 0;
	int rc = quality_lot_facts_get(s, r->cals, firm, r->enterprise_id, r->lot, &f);
	if (!rc)
		rc = firm_of(s, r->enterprise_id, &e);
	if (rc)
		goto out;
	if (r->brand) {
		store_licence l;
		int lrc = store_licence_get(s, r->enterprise_id, &l);
		if (lrc && lrc != GLOVED_ENOTFOUND) {
			rc = lrc;
			goto out;
		}
		if (lrc || strcmp(l.status, "active") != 0) {
			snprintf(
			    c->msg, c->len,
			    "licence: %s has %s brand licence; only a licensed firm's lots get "
			    "brand labels",
			    e.code,
			    lrc                                  ? "no"
			    : strcmp(l.status, "suspended") == 0 ? "a suspended"
								 : "a revoked");
			rc = GLOVED_EBUSY;
			goto out;
		}
		if (strcmp(f.result, "accepted") != 0) {
			snprintf(c->msg, c->len,
				 "lot: %s is %s; only an accepted lot gets brand labels", f.lot,
				 f.result[0] ? f.result : "not inspected yet");
			rc = GLOVED_EBUSY;
			goto out;
		}
	}
	if ((rc = store_label_list(s, firm, r->enterprise_id, f.lot_id, &prev, &np)))
		goto out;
	int64_t bagged = 0;
	int cartons_done = 0;
	for (size_t i = 0; i < np; i++) {
		if (strcmp(prev[i].kind, "bag") == 0)
			bagged += prev[i].pairs;
		else
			cartons_done = 1;
	}
	if (strcmp(r->kind, "carton") == 0) {
		if (cartons_done) {
			snprintf(c->msg, c->len, "the cartons of lot %s have their labels already",
				 f.lot);
			rc = GLOVED_EEXIST;
			goto out;
		}
		if ((rc = store_carton_list(s, firm, r->enterprise_id, f.lot_id, &cartons, &nc)))
			goto out;
		if (!nc) {
			snprintf(c->msg, c->len, "lot %s has no cartons: pack it first", f.lot);
			rc = GLOVED_EBUSY;
			goto out;
		}
		n = nc;
	} else if (strcmp(r->kind, "bag") == 0) {
		int64_t left = f.pairs - bagged;
		if (r->pairs_per_bag < 1 || r->pairs_per_bag > f.pairs) {
			snprintf(c->msg, c->len, "pairs_per_bag must be 1 .. %lld (the lot)",
				 (long long)f.pairs);
			rc = GLOVED_EINVAL;
			goto out;
		}
		n = r->count > 0 ? (size_t)r->count : (size_t)(left / r->pairs_per_bag);
		if (n == 0 || (int64_t)n * r->pairs_per_bag > left) {
			snprintf(
			    c->msg, c->len,
			    "only %lld pairs of lot %s have no bag label: that is %lld bags of "
			    "%lld",
			    (long long)left, f.lot, (long long)(left / r->pairs_per_bag),
			    (long long)r->pairs_per_bag);
			rc = GLOVED_EEXIST;
			goto out;
		}
	} else {
		snprintf(c->msg, c->len, "kind must be carton or bag");
		rc = GLOVED_EINVAL;
		goto out;
	}
	if (n > BRAND_MAX_LABELS) {
		snprintf(c->msg, c->len, "at most %d labels at once", BRAND_MAX_LABELS);
		rc = GLOVED_EINVAL;
		goto out;
	}
	v = calloc(n, sizeof *v);
	if (!v) {
		rc = GLOVED_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		v[i].pairs = nc ? cartons[i].pairs : r->pairs_per_bag;
		v[i].carton_id = nc ? cartons[i].id : 0;
		rc = sign_one(s, r, &e, &f, &v[i]);
	}
	if (!rc) {
		*c->out = v;
		*c->n = n;
		v = NULL;
	}
out:
	free(cartons);
	free(prev);
	free(v);
	return rc;
}

static int do_issue(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, issue(s, ctx));
}

int brand_issue_labels_tx(store *s, const brand_issue_req *r, store_label **out, size_t *n,
			  char *msg, size_t len)
{
	msg[0] = '\0';
	*out = NULL;
	*n = 0;
	issue_call c = {r, out, n, msg, len};
	return do_issue(s, &c);
}

int brand_issue_labels(writer *w, const brand_issue_req *r, store_label **out, size_t *n, char *msg,
		       size_t len)
{
	msg[0] = '\0';
	*out = NULL;
	*n = 0;
	issue_call c = {r, out, n, msg, len};
	return writer_call(w, do_issue, &c);
}

typedef struct verify_call {
	const brand_verify_req *q;
	brand_verify *out;
} verify_call;

static void take_fields(brand_verify *o, const label_fields *f)
{
	snprintf(o->serial, sizeof o->serial, "%s", f->serial);
	snprintf(o->firm_code, sizeof o->firm_code, "%s", f->firm_code);
	snprintf(o->firm_name, sizeof o->firm_name, "%s", f->firm_name);
	snprintf(o->style, sizeof o->style, "%s", f->style);
	snprintf(o->size, sizeof o->size, "%s", f->size);
	snprintf(o->lot, sizeof o->lot, "%s", f->lot);
	snprintf(o->day, sizeof o->day, "%s", f->day);
	snprintf(o->en388, sizeof o->en388, "%s", f->en388);
	o->pairs = f->pairs;
	o->brand = f->brand;
}

static int verify(store *s, verify_call *c)
{
	const brand_verify_req *q = c->q;
	brand_verify *o = c->out;
	char payload[LABEL_PAYLOAD_MAX];
	label_fields f;
	int has_p = q->p && q->p[0];
	snprintf(o->state, sizeof o->state, "malformed");
	if (!label_serial_valid(q->serial))
		return GLOVED_OK;
	snprintf(o->serial, sizeof o->serial, "%s", q->serial);
	if (has_p) {
		long n = label_b64_decode(q->p, payload, sizeof payload - 1);
		if (n <= 0)
			return GLOVED_OK;
		payload[n] = '\0';
		if (memchr(payload, 0, (size_t)n) || label_payload_parse(payload, &f) ||
		    strcmp(f.serial, q->serial) != 0)
			return GLOVED_OK;
		if (!q->s || !brand_key_verify(q->key, payload, q->s)) {
			snprintf(o->state, sizeof o->state, "forged");
			return GLOVED_OK;
		}
	}
	store_label l;
	int rc = store_label_by_serial(s, q->serial, &l);
	if (rc == GLOVED_ENOTFOUND) {
		snprintf(o->state, sizeof o->state, "unknown");
		return GLOVED_OK;
	}
	if (rc)
		return rc;
	if ((has_p && strcmp(payload, l.payload) != 0) || label_payload_parse(l.payload, &f) ||
	    !brand_key_verify(q->key, l.payload, l.sig)) {
		snprintf(o->state, sizeof o->state, "forged");
		return GLOVED_OK;
	}
	snprintf(o->state, sizeof o->state, "genuine");
	take_fields(o, &f);
	store_enterprise e;
	if (!firm_of(s, l.enterprise_id, &e))
		snprintf(o->town, sizeof o->town, "%s", e.town);
	store_scope firm = {.enterprise_id = l.enterprise_id};
	store_lot lot;
	if (!store_lot_get(s, firm, l.enterprise_id, f.lot, 0, &lot))
		snprintf(o->result, sizeof o->result, "%s", lot.result);
	store_style *st = malloc(sizeof *st);
	if (st && !store_style_get(s, firm, l.enterprise_id, f.style, 0, st))
		snprintf(o->style_name, sizeof o->style_name, "%s", st->name);
	free(st);
	o->scans_before = l.scans;
	o->first_scan_ms = l.first_scan_ms;
	o->last_scan_ms = l.last_scan_ms;
	uint8_t h[32];
	brand_key_net_hash(q->key, q->net, q->n_net, h);
	store_label after;
	if ((rc = store_label_scan(s, l.id, h, q->now_ms, &after)))
		return rc;
	o->flagged = after.flagged;
	if (!after.flagged &&
	    (after.scans > q->clone_scans || after.networks > q->clone_networks)) {
		store_flag fl;
		memset(&fl, 0, sizeof fl);
		fl.enterprise_id = l.enterprise_id;
		fl.label_id = l.id;
		snprintf(fl.serial, sizeof fl.serial, "%s", l.serial);
		fl.ts_ms = q->now_ms;
		snprintf(fl.reason, sizeof fl.reason, "%s",
			 after.scans > q->clone_scans ? "scans" : "networks");
		fl.scans = after.scans;
		fl.networks = after.networks;
		if ((rc = store_flag_add(s, &fl)))
			return rc;
		o->flagged = 1;
	}
	rc = store_licence_get(s, l.enterprise_id, &o->licence);
	if (rc && rc != GLOVED_ENOTFOUND)
		return rc;
	o->has_licence = rc == GLOVED_OK;
	store_licence_event *ev = NULL;
	size_t nev = 0;
	if ((rc = store_licence_events(s, l.enterprise_id, &ev, &nev)))
		return rc;
	size_t from = nev > 16 ? nev - 16 : 0;
	for (size_t i = from; i < nev; i++)
		o->history[o->n_history++] = ev[i];
	free(ev);
	return GLOVED_OK;
}

static int do_verify(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, verify(s, ctx));
}

int brand_verify_label_tx(store *s, const brand_verify_req *q, brand_verify *out)
{
	memset(out, 0, sizeof *out);
	verify_call c = {q, out};
	return do_verify(s, &c);
}

int brand_verify_label(writer *w, const brand_verify_req *q, brand_verify *out)
{
	memset(out, 0, sizeof *out);
	verify_call c = {q, out};
	return writer_call(w, do_verify, &c);
}
