/* SPDX-License-Identifier: Apache-2.0 */
/* sewn.c: cuts, scans, dispatches and returns on the writer thread (see
 * sewn.h). */
#include "app/sewn.h"

#include "app/coop.h"
#include "core/sewn.h"
#include "core/ticket.h"
#include "app/pay.h"
#include "util/err.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS 86400000LL

int64_t sewn_order_pairs(const store_order *o)
{
	int64_t pairs = 0;
	for (int32_t i = 0; i < o->n_lines; i++)
		pairs += o->lines[i].pairs;
	return pairs;
}

int64_t sewn_style_smv(const store_style *st)
{
	int64_t smv = 0;
	for (int32_t i = 0; i < st->n_ops; i++)
		smv += st->ops[i].smv_c;
	return smv;
}

int sewn_firm_key(store *s, int64_t enterprise_id, int create, uint8_t *key, char order_check[12])
{
	int rc = store_firm_key_get(s, enterprise_id, key, order_check);
	if (rc != GLOVED_ENOTFOUND || !create)
		return rc;
	randombytes_buf(key, TICKET_KEY_LEN);
	snprintf(order_check, 12, "refuse");
	return store_firm_key_put(s, enterprise_id, key, order_check);
}

/* ---- cuts ---- */

int sewn_cut(store *s, const store_order *o, const sewn_cut_line *lines, size_t n,
	     int32_t bundle_size, int64_t now_ms, int64_t *cut_id, store_bundle **out,
	     size_t *n_out, char *msg, size_t len)
{
	*out = NULL;
	*n_out = 0;
	msg[0] = '\0';
	store_order_line cut[STORE_MAX_SIZES];
	int32_t ncut = 0;
	int rc = store_cut_pairs(s, o->id, cut, &ncut);
	if (rc)
		return rc;
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		const store_order_line *ol = NULL;
		for (int32_t k = 0; k < o->n_lines; k++)
			if (strcmp(o->lines[k].size, lines[i].size) == 0)
				ol = &o->lines[k];
		if (!ol) {
			snprintf(msg, len, "lines[%zu]: the order has no size '%s'", i,
				 lines[i].size);
			return GLOVED_EINVAL;
		}
		int64_t pairs = lines[i].plies * lines[i].pairs_per_ply, done = 0;
		for (int32_t k = 0; k < ncut; k++)
			if (strcmp(cut[k].size, lines[i].size) == 0)
				done = cut[k].pairs;
		/* cutting a little over the order is normal (spares); far over is a
		 * typing error */
		if (pairs < 1 || pairs > SEWN_MAX_CUT_PAIRS ||
		    (done + pairs) * 100 > ol->pairs * 105 + 100) {
			snprintf(
			    msg, len,
			    "lines[%zu]: %lld pairs of size %s would cut more than the order's "
			    "%lld (already cut %lld)",
			    i, (long long)pairs, lines[i].size, (long long)ol->pairs,
			    (long long)done);
			return GLOVED_EINVAL;
		}
		total += (size_t)((pairs + bundle_size - 1) / bundle_size);
	}
	if (total > 100000) {
		snprintf(msg, len, "a cut of more than 100000 bundles");
		return GLOVED_EINVAL;
	}
	store_bundle *v = calloc(total ? total : 1, sizeof *v);
	int64_t *bq = calloc(total ? total : 1, sizeof *bq);
	if (!v || !bq) {
		free(v);
		free(bq);
		return GLOVED_ENOMEM;
	}
	int32_t no = 1;
	size_t k = 0;
	if ((rc = store_begin(s))) {
		free(v);
		free(bq);
		return rc;
	}
	if (!(rc = store_cut_add(s, o->id, o->enterprise_id, bundle_size, now_ms, cut_id)))
		rc = store_bundle_next_no(s, o->id, &no);
	for (size_t i = 0; i < n && !rc; i++) {
		size_t nq = 0;
		if (sewn_split(lines[i].plies * lines[i].pairs_per_ply, bundle_size, bq, total - k,
			       &nq)) {
			rc = GLOVED_EINVAL;
			snprintf(msg, len, "lines[%zu]: cannot split", i);
			break;
		}
		for (size_t j = 0; j < nq && !rc; j++) {
			store_bundle *b = &v[k++];
			b->enterprise_id = o->enterprise_id;
			b->order_id = o->id;
			b->cut_id = *cut_id;
			b->no = no++;
			snprintf(b->size, sizeof b->size, "%s", lines[i].size);
			b->pairs = bq[j];
		}
	}
	free(bq);
	if (!rc) /* one write for the whole cut */
		rc = store_bundles_add(s, v, k);
	if (!rc) { /* the order's pairs cut, for WIP */
		int64_t pairs = 0;
		for (size_t i = 0; i < k; i++)
			pairs += v[i].pairs;
		rc = store_op_add(s, o->id, 0, o->enterprise_id, pairs, (int64_t)k);
	}
	if ((rc = store_end(s, rc))) {
		free(v);
		return rc;
	}
	*out = v;
	*n_out = k;
	return GLOVED_OK;
}

/* ---- scans ---- */

static int refuse(sewn_scan_res *r, int status, const char *error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int refuse(sewn_scan_res *r, int status, const char *error, const char *fmt, ...)
{
	r->status = status;
	snprintf(r->error, sizeof r->error, "%s", error);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof r->message, fmt, ap);
	va_end(ap);
	return GLOVED_OK;
}

static int32_t local_day(firmcal_cache *cals, store *s, int64_t ent, int64_t ts)
{
	const firm_cal *fc = firmcal_get(cals, s, ent);
	if (!fc)
		return (int32_t)(ts / DAY_MS);
	return tz_day_of(&fc->zone, ts);
}

/* Fills the descriptive part of a result: the bundle, its order and style
 * and the operation. Returns GLOVED_OK or GLOVED_ENOTFOUND. */
static int describe(store *s, sewn_scan_res *r, int64_t bundle_id, int32_t seq, store_order *o,
		    store_style *st)
{
	store_scope all = {0};
	int rc = store_bundle_get(s, bundle_id, &r->bundle);
	if (!rc)
		rc = store_order_get(s, all, 0, NULL, r->bundle.order_id, o);
	if (!rc)
		rc = store_style_get(s, all, 0, NULL, o->style_id, st);
	if (rc)
		return rc;
	snprintf(r->style_code, sizeof r->style_code, "%s", st->code);
	snprintf(r->style_name, sizeof r->style_name, "%s", st->name);
	snprintf(r->order_code, sizeof r->order_code, "%s", o->code);
	if (seq < 1 || seq > st->n_ops)
		return GLOVED_ENOTFOUND;
	r->op = st->ops[seq - 1];
	return GLOVED_OK;
}

/* The firm's skill rule for the scanned operation (a certificate
 * required: core of the talent work, app/talent.h): a worker without one is
 * flagged (warning) or refused (*refused), and either is recorded. */
static int skill_check(store *s, const sewn_scan_req *q, sewn_scan_res *r, int64_t bundle_id,
		       int32_t seq, int *refused)
{
	store_scope all = {0};
	store_skill_rule *rules = NULL;
	size_t nr = 0;
	*refused = 0;
	int rc = store_skill_rule_list(s, all, q->enterprise_id, &rules, &nr);
	if (rc)
		return rc;
	const store_skill_rule *rule = NULL;
	for (size_t i = 0; i < nr; i++)
		if (strcmp(rules[i].operation, r->op.code) == 0)
			rule = &rules[i];
	int refuse_mode = rule && strcmp(rule->mode, "refuse") == 0;
	int has_rule = rule != NULL;
	free(rules);
	if (!has_rule || !q->worker[0])
		return 0;
	store_cert *cs = NULL;
	size_t nc = 0;
	if ((rc = store_cert_list(s, all, q->enterprise_id, q->worker, &cs, &nc)))
		return rc;
	int certified = 0;
	for (size_t i = 0; i < nc; i++)
		certified |= strcmp(cs[i].operation, r->op.code) == 0;
	free(cs);
	if (certified)
		return 0;
	store_skill_flag f = {.enterprise_id = q->enterprise_id,
			      .bundle_id = bundle_id,
			      .seq = seq,
			      .ts_ms = q->ts_ms,
			      .refused = refuse_mode};
	snprintf(f.worker, sizeof f.worker, "%s", q->worker);
	snprintf(f.operation, sizeof f.operation, "%s", r->op.code);
	if ((rc = store_skill_flag_add(s, &f)))
		return rc;
	*refused = refuse_mode;
	if (!refuse_mode && !r->warning[0])
		snprintf(r->warning, sizeof r->warning,
			 "%.32s holds no certificate for operation %.32s", q->worker, r->op.code);
	return 0;
}

static int one_scan(store *s, firmcal_cache *cals, const sewn_scan_req *q, sewn_scan_res *r,
		    store_order *o, store_style *st)
{
	memset(r, 0, sizeof *r);
	int rc;
	int64_t bundle_id;
	int32_t seq;
	char mac[TICKET_MAC_LEN + 1];
	store_scan prev;
	if (q->scan_id[0] &&
	    (rc = store_scan_by_id(s, q->enterprise_id, q->scan_id, &prev)) != GLOVED_ENOTFOUND) {
		if (rc)
			return rc;
		r->status = 200;
		r->repeat = 1;
		r->scan = prev;
		describe(s, r, prev.bundle_id, prev.seq, o, st);
		return pay_day_total(s, q->enterprise_id, prev.worker, 0,
				     local_day(cals, s, q->enterprise_id, prev.ts_ms),
				     &r->today_pairs, &r->today_pay_fen);
	}
	if (ticket_parse(q->code, &bundle_id, &seq, mac))
		return refuse(r, 404, "unknown_code", "'%.60s' is not a ticket code", q->code);
	rc = describe(s, r, bundle_id, seq, o, st);
	if (rc == GLOVED_ENOTFOUND)
		return refuse(r, 404, "unknown_code", "no bundle-operation %lld-%d",
			      (long long)bundle_id, (int)seq);
	if (rc)
		return rc;
	if (r->bundle.enterprise_id != q->enterprise_id)
		return refuse(r, 404, "other_firm", "the ticket belongs to another firm");
	uint8_t key[TICKET_KEY_LEN];
	char check[12] = "refuse";
	rc = sewn_firm_key(s, q->enterprise_id, 0, key, check);
	if (rc == GLOVED_ENOTFOUND || (!rc && !ticket_verify(key, bundle_id, seq, mac)))
		return refuse(r, 400, "forged_code", "the ticket code does not verify");
	if (rc)
		return rc;
	if (strcmp(o->status, "open") == 0)
		return refuse(r, 409, "not_released", "order %s is not released to production",
			      o->code);
	rc = store_scan_get(s, bundle_id, seq, &prev);
	if (rc != GLOVED_ENOTFOUND) {
		if (rc)
			return rc;
		r->by_ts = prev.ts_ms;
		snprintf(r->by_worker, sizeof r->by_worker, "%s", prev.worker);
		if (prev.household_id) {
			store_household h;
			store_scope all = {0};
			if (!store_household_get(s, all, 0, NULL, prev.household_id, &h))
				snprintf(r->by_household, sizeof r->by_household, "%s", h.name);
		}
		return refuse(r, 409, "duplicate",
			      "operation %d of bundle %d was scanned already by %s", (int)seq,
			      (int)r->bundle.no, prev.worker[0] ? prev.worker : r->by_household);
	}
	if (r->bundle.household_id) {
		store_household h;
		store_scope all = {0};
		if (!store_household_get(s, all, 0, NULL, r->bundle.household_id, &h))
			snprintf(r->by_household, sizeof r->by_household, "%s", h.name);
		return refuse(r, 409, "at_household", "bundle %d is out at household %s",
			      (int)r->bundle.no, r->by_household);
	}
	if (seq > 1) {
		/* every earlier operation of the routing must be done */
		store_scan *done = NULL;
		size_t nd = 0;
		store_scope all = {0};
		unsigned char flags[STORE_MAX_OPS] = {0};
		if ((rc = store_scan_list(s, all, 0, bundle_id, &done, &nd)))
			return rc;
		for (size_t k = 0; k < nd; k++)
			if (done[k].seq >= 1 && done[k].seq <= STORE_MAX_OPS)
				flags[done[k].seq - 1] = 1;
		free(done);
		int32_t missing = 0;
		if (sewn_order_check(seq, st->n_ops, flags, &missing) == 1) {
			r->missing_seq = missing;
			snprintf(r->missing_op, sizeof r->missing_op, "%s",
				 st->ops[missing - 1].name);
			if (strcmp(check, "warn") != 0)
				return refuse(r, 409, "out_of_order",
					      "operation %d (%s) of bundle %d is not done yet",
					      (int)missing, st->ops[missing - 1].name,
					      (int)r->bundle.no);
			snprintf(r->warning, sizeof r->warning,
				 "operation %d (%s) of bundle %d is not done yet", (int)missing,
				 st->ops[missing - 1].name, (int)r->bundle.no);
		}
	}
	int refused = 0;
	if ((rc = skill_check(s, q, r, bundle_id, seq, &refused)))
		return rc;
	if (refused)
		return refuse(r, 409, "uncertified",
			      "%.32s holds no certificate for operation %.32s (%.60s), which the "
			      "firm requires",
			      q->worker, r->op.code, r->op.name);
	store_scan x;
	memset(&x, 0, sizeof x);
	x.bundle_id = bundle_id;
	x.seq = seq;
	x.enterprise_id = q->enterprise_id;
	x.order_id = o->id;
	x.ts_ms = q->ts_ms;
	snprintf(x.worker, sizeof x.worker, "%s", q->worker);
	x.pairs = r->bundle.pairs;
	x.rate_y4 = r->op.rate_y4;
	snprintf(x.scan_id, sizeof x.scan_id, "%s", q->scan_id);
	int32_t day = local_day(cals, s, q->enterprise_id, q->ts_ms);
	if ((rc = store_scan_add(s, &x, day)))
		return rc;
	if (seq == st->n_ops) {
		/* the order is done when every ordered pair passed the last one */
		store_op_done *d = NULL;
		size_t nd = 0;
		store_scope all = {0};
		int64_t ordered = sewn_order_pairs(o), last = 0;
		if (!(rc = store_op_done_list(s, all, 0, o->id, &d, &nd))) {
			for (size_t i = 0; i < nd; i++)
				if (d[i].seq == seq)
					last = d[i].pairs;
			if (last >= ordered)
				rc = store_order_set_status(s, o->id, "done");
		}
		free(d);
		if (rc)
			return rc;
	}
	r->status = 200;
	r->scan = x;
	return pay_day_total(s, q->enterprise_id, x.worker, 0, day, &r->today_pairs,
			     &r->today_pay_fen);
}

/* A firm that keeps a worker list gets scans only for its workers (a
 * supervisor's typo must not pay someone who does not exist). Checked in
 * the scans' transaction, so the list is the one the write sees. Returns
 * GLOVED_EINVAL with the refused scan's result filled, or a store error. */
static int workers_check(store *s, const sewn_scan_req *req, size_t n, sewn_scan_res *res)
{
	store_scope all = {0};
	store_worker *wl = NULL;
	size_t nwl = 0;
	int64_t ent = 0;
	int rc = GLOVED_OK;
	for (size_t i = 0; i < n && !rc; i++) {
		if (!i || req[i].enterprise_id != ent) {
			free(wl);
			wl = NULL;
			nwl = 0;
			ent = req[i].enterprise_id;
			if ((rc = store_worker_list(s, all, ent, &wl, &nwl)))
				break;
		}
		size_t k = 0;
		while (k < nwl && strcmp(wl[k].code, req[i].worker) != 0)
			k++;
		if (nwl && k == nwl) {
			memset(&res[i], 0, sizeof res[i]);
			refuse(
			    &res[i], 400, "unknown_worker",
			    "scan %zu: '%.32s' is not a worker of the firm (GET /api/v1/workers)",
			    i, req[i].worker);
			rc = GLOVED_EINVAL;
		}
	}
	free(wl);
	return rc;
}

int sewn_scan(store *s, firmcal_cache *cals, const sewn_scan_req *req, size_t n, sewn_scan_res *res)
{
	store_order *o = malloc(sizeof *o);
	store_style *st = malloc(sizeof *st);
	if (!o || !st) {
		free(o);
		free(st);
		return GLOVED_ENOMEM;
	}
	int rc = store_begin(s);
	if (rc) {
		free(o);
		free(st);
		return rc;
	}
	rc = workers_check(s, req, n, res);
	for (size_t i = 0; i < n && !rc; i++)
		rc = one_scan(s, cals, &req[i], &res[i], o, st);
	free(o);
	free(st);
	return store_end(s, rc);
}

/* ---- households ---- */

static int ops_has(const char *ops, int32_t seq)
{
	const char *p = ops;
	while (*p) {
		long v = strtol(p, (char **)&p, 10);
		if (v == seq)
			return 1;
		if (*p == ',')
			p++;
		else if (*p)
			return 0;
	}
	return 0;
}

int sewn_dispatch(store *s, int64_t enterprise_id, int64_t household_id, const int64_t *bundles,
		  size_t nb, const int32_t *ops, size_t nops, int64_t now_ms, char *msg, size_t len)
{
	msg[0] = '\0';
	store_order *o = malloc(sizeof *o);
	store_style *st = malloc(sizeof *st);
	if (!o || !st) {
		free(o);
		free(st);
		return GLOVED_ENOMEM;
	}
	store_scope all = {0};
	int rc = store_begin(s);
	for (size_t i = 0; i < nb && !rc; i++) {
		store_bundle b;
		store_scan prev;
		rc = store_bundle_get(s, bundles[i], &b);
		if (rc == GLOVED_ENOTFOUND || (!rc && b.enterprise_id != enterprise_id)) {
			snprintf(msg, len, "bundles[%zu]: no bundle %lld in this firm", i,
				 (long long)bundles[i]);
			rc = GLOVED_EINVAL;
			break;
		}
		if (!rc && b.household_id) {
			snprintf(msg, len, "bundles[%zu]: bundle %d is out at a household already",
				 i, (int)b.no);
			rc = GLOVED_EINVAL;
			break;
		}
		if (!rc)
			rc = store_order_get(s, all, 0, NULL, b.order_id, o);
		if (!rc && strcmp(o->status, "released") != 0) {
			snprintf(msg, len, "bundles[%zu]: order %s is %s", i, o->code, o->status);
			rc = GLOVED_EINVAL;
			break;
		}
		if (!rc)
			rc = store_style_get(s, all, 0, NULL, o->style_id, st);
		store_dispatch d;
		memset(&d, 0, sizeof d);
		size_t used = 0;
		for (size_t k = 0; k < nops && !rc; k++) {
			if (ops[k] < 1 || ops[k] > st->n_ops) {
				snprintf(msg, len, "ops[%zu]: the routing has no operation %d", k,
					 (int)ops[k]);
				rc = GLOVED_EINVAL;
				break;
			}
			rc = store_scan_get(s, b.id, ops[k], &prev);
			if (rc == GLOVED_OK) {
				snprintf(msg, len,
					 "bundles[%zu]: operation %d of bundle %d is done", i,
					 (int)ops[k], (int)b.no);
				rc = GLOVED_EINVAL;
				break;
			}
			if (rc != GLOVED_ENOTFOUND)
				break;
			rc = GLOVED_OK;
			int w = snprintf(d.ops + used, sizeof d.ops - used, "%s%d", k ? "," : "",
					 (int)ops[k]);
			if (w < 0 || (size_t)w >= sizeof d.ops - used) {
				rc = GLOVED_EINVAL;
				snprintf(msg, len, "too many operations");
				break;
			}
			used += (size_t)w;
		}
		if (rc)
			break;
		d.bundle_id = b.id;
		d.household_id = household_id;
		d.enterprise_id = enterprise_id;
		d.out_ms = now_ms;
		if (!(rc = store_dispatch_add(s, &d)))
			rc = store_bundle_set_out(s, b.id, household_id, now_ms);
	}
	free(o);
	free(st);
	return store_end(s, rc);
}

int sewn_return(store *s, firmcal_cache *cals, int64_t enterprise_id, int64_t bundle_id,
		int64_t returned, int64_t missing, int64_t damaged, int64_t now_ms,
		int64_t *pay_fen, char *msg, size_t len)
{
	msg[0] = '\0';
	*pay_fen = 0;
	store_bundle b;
	store_dispatch d;
	store_household h;
	store_scope all = {0};
	int rc = store_bundle_get(s, bundle_id, &b);
	if (rc == GLOVED_ENOTFOUND || (!rc && b.enterprise_id != enterprise_id)) {
		snprintf(msg, len, "no bundle %lld in this firm", (long long)bundle_id);
		return GLOVED_ENOTFOUND;
	}
	if (rc)
		return rc;
	rc = store_dispatch_open(s, bundle_id, &d);
	if (rc == GLOVED_ENOTFOUND) {
		snprintf(msg, len, "bundle %d is not out at a household", (int)b.no);
		return GLOVED_EINVAL;
	}
	if (rc)
		return rc;
	if (returned < 0 || missing < 0 || damaged < 0 || damaged > returned ||
	    returned + missing != b.pairs) {
		snprintf(
		    msg, len,
		    "returned (%lld) + missing (%lld) must be the bundle's %lld pairs, damaged "
		    "(%lld) at most the returned",
		    (long long)returned, (long long)missing, (long long)b.pairs,
		    (long long)damaged);
		return GLOVED_EINVAL;
	}
	if ((rc = store_household_get(s, all, 0, NULL, d.household_id, &h)))
		return rc;
	store_order *o = malloc(sizeof *o);
	store_style *st = malloc(sizeof *st);
	if (!o || !st) {
		free(o);
		free(st);
		return GLOVED_ENOMEM;
	}
	int64_t good = returned - damaged;
	int32_t day = local_day(cals, s, enterprise_id, now_ms);
	if (!(rc = store_order_get(s, all, 0, NULL, b.order_id, o)))
		rc = store_style_get(s, all, 0, NULL, o->style_id, st);
	if (!rc)
		rc = store_begin(s);
	sewn_work w[STORE_MAX_OPS];
	size_t nw = 0;
	for (int32_t seq = 1; seq <= st->n_ops && !rc && good > 0; seq++) {
		if (!ops_has(d.ops, seq))
			continue;
		store_scan x;
		memset(&x, 0, sizeof x);
		x.bundle_id = b.id;
		x.seq = seq;
		x.enterprise_id = enterprise_id;
		x.order_id = o->id;
		x.ts_ms = now_ms;
		x.household_id = h.id;
		x.pairs = good;
		x.rate_y4 = sewn_rate(st->ops[seq - 1].rate_y4, h.rate_pct);
		w[nw].rate_y4 = x.rate_y4;
		w[nw++].pairs = good;
		rc = store_scan_add(s, &x, day);
	}
	d.back_ms = now_ms;
	d.returned = returned;
	d.missing = missing;
	d.damaged = damaged;
	if (!rc)
		rc = store_dispatch_close(s, &d);
	if (!rc)
		rc = store_bundle_set_out(s, b.id, 0, 0);
	if (!rc && good != b.pairs)
		rc = store_bundle_set_pairs(s, b.id, good);
	if (!rc && good != b.pairs) /* the pairs lost leave the order's cut */
		rc = store_op_add(s, b.order_id, 0, enterprise_id, good - b.pairs, 0);
	if (!rc)
		rc = sewn_pay_day(w, nw, pay_fen);
	free(o);
	free(st);
	return store_end(s, rc);
}

/* ---- on the writer thread ---- */

typedef struct add_call {
	store_scope sc;
	store_style *st;
	store_order *o;
	store_household *h;
	const store_order_machine *om;
	int64_t id;
	const char *text;
	uint8_t key[TICKET_KEY_LEN];
	char check[12];
	firmcal_cache *cals; /* orders: the firm's zone for a royalty's month */
} add_call;

static int do_style(store *s, void *ctx)
{
	add_call *c = ctx;
	int rc = store_begin(s);
	return rc ? rc : store_end(s, store_style_add(s, c->sc, c->st));
}

int sewn_add_style(writer *w, store_scope sc, store_style *st)
{
	add_call c = {.sc = sc, .st = st};
	return writer_call(w, do_style, &c);
}

/* The order and, for a style made from another firm's design, its use
 * and the royalty due (app/coop.c). */
static int order_tx(store *s, add_call *c)
{
	int rc = store_order_add(s, c->sc, c->o);
	return rc ? rc : coop_order_royalty_tx(s, c->cals, c->o, c->o->created_ms);
}

static int do_order(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, order_tx(s, ctx));
}

int sewn_add_order(writer *w, store_scope sc, store_order *o)
{
	add_call c = {.sc = sc, .o = o, .cals = writer_cals(w)};
	return writer_call(w, do_order, &c);
}

static int do_status(store *s, void *ctx)
{
	add_call *c = ctx;
	return store_order_set_status(s, c->id, c->text);
}

int sewn_set_order_status(writer *w, int64_t order_id, const char *status)
{
	add_call c = {.id = order_id, .text = status};
	return writer_call(w, do_status, &c);
}

static int do_household(store *s, void *ctx)
{
	add_call *c = ctx;
	return store_household_add(s, c->sc, c->h);
}

int sewn_add_household(writer *w, store_scope sc, store_household *h)
{
	add_call c = {.sc = sc, .h = h};
	return writer_call(w, do_household, &c);
}

static int do_assign(store *s, void *ctx)
{
	add_call *c = ctx;
	return store_order_machine_add(s, c->om);
}

int sewn_assign_machine(writer *w, const store_order_machine *om)
{
	add_call c = {.om = om};
	return writer_call(w, do_assign, &c);
}

static int do_key(store *s, void *ctx)
{
	add_call *c = ctx;
	return sewn_firm_key(s, c->id, 1, c->key, c->check);
}

int sewn_ticket_key(writer *w, store *rdb, int64_t enterprise_id, uint8_t *key)
{
	add_call c = {.id = enterprise_id};
	int rc = sewn_firm_key(rdb, enterprise_id, 0, c.key, c.check);
	if (rc)
		rc = writer_call(w, do_key, &c);
	if (!rc)
		memcpy(key, c.key, TICKET_KEY_LEN);
	sodium_memzero(c.key, sizeof c.key);
	return rc;
}

static int do_check(store *s, void *ctx)
{
	add_call *c = ctx;
	char old[12];
	int rc = sewn_firm_key(s, c->id, 1, c->key, old);
	return rc ? rc : store_firm_key_put(s, c->id, c->key, c->text);
}

int sewn_set_order_check(writer *w, int64_t enterprise_id, const char *order_check)
{
	add_call c = {.id = enterprise_id, .text = order_check};
	int rc = writer_call(w, do_check, &c);
	sodium_memzero(c.key, sizeof c.key);
	return rc;
}

typedef struct run_call {
	const store_order *o;
	const sewn_cut_line *lines;
	size_t n;
	int32_t bundle_size;
	int64_t now_ms, *cut_id;
	store_bundle **bundles;
	size_t *nb;
	firmcal_cache *cals;
	const sewn_scan_req *req;
	sewn_scan_res *res;
	int64_t ent, household_id, bundle_id, returned, missing, damaged, *pay_fen;
	const int64_t *ids;
	const int32_t *ops;
	size_t nops;
	char *msg;
	size_t len;
} run_call;

static int do_cut(store *s, void *ctx)
{
	run_call *c = ctx;
	return sewn_cut(s, c->o, c->lines, c->n, c->bundle_size, c->now_ms, c->cut_id, c->bundles,
			c->nb, c->msg, c->len);
}

int sewn_run_cut(writer *w, const store_order *o, const sewn_cut_line *lines, size_t n,
		 int32_t bundle_size, int64_t now_ms, int64_t *cut_id, store_bundle **out,
		 size_t *n_out, char *msg, size_t len)
{
	run_call c = {.o = o,
		      .lines = lines,
		      .n = n,
		      .bundle_size = bundle_size,
		      .now_ms = now_ms,
		      .cut_id = cut_id,
		      .bundles = out,
		      .nb = n_out,
		      .msg = msg,
		      .len = len};
	*out = NULL;
	*n_out = 0;
	msg[0] = '\0';
	return writer_call(w, do_cut, &c);
}

static int do_scan(store *s, void *ctx)
{
	run_call *c = ctx;
	return sewn_scan(s, c->cals, c->req, c->n, c->res);
}

int sewn_run_scan(writer *w, const sewn_scan_req *req, size_t n, sewn_scan_res *res)
{
	run_call c = {.cals = writer_cals(w), .req = req, .n = n, .res = res};
	return writer_call(w, do_scan, &c);
}

static int do_dispatch(store *s, void *ctx)
{
	run_call *c = ctx;
	return sewn_dispatch(s, c->ent, c->household_id, c->ids, c->n, c->ops, c->nops, c->now_ms,
			     c->msg, c->len);
}

int sewn_run_dispatch(writer *w, int64_t enterprise_id, int64_t household_id,
		      const int64_t *bundles, size_t nb, const int32_t *ops, size_t nops,
		      int64_t now_ms, char *msg, size_t len)
{
	run_call c = {.ent = enterprise_id,
		      .household_id = household_id,
		      .ids = bundles,
		      .n = nb,
		      .ops = ops,
		      .nops = nops,
		      .now_ms = now_ms,
		      .msg = msg,
		      .len = len};
	msg[0] = '\0';
	return writer_call(w, do_dispatch, &c);
}

static int do_return(store *s, void *ctx)
{
	run_call *c = ctx;
	return sewn_return(s, c->cals, c->ent, c->bundle_id, c->returned, c->missing, c->damaged,
			   c->now_ms, c->pay_fen, c->msg, c->len);
}

int sewn_run_return(writer *w, int64_t enterprise_id, int64_t bundle_id, int64_t returned,
		    int64_t missing, int64_t damaged, int64_t now_ms, int64_t *pay_fen, char *msg,
		    size_t len)
{
	run_call c = {.cals = writer_cals(w),
		      .ent = enterprise_id,
		      .bundle_id = bundle_id,
		      .returned = returned,
		      .missing = missing,
		      .damaged = damaged,
		      .now_ms = now_ms,
		      .pay_fen = pay_fen,
		      .msg = msg,
		      .len = len};
	*pay_fen = 0;
	msg[0] = '\0';
	return writer_call(w, do_return, &c);
}
