/* SPDX-License-Identifier: Apache-2.0 */
/* wip.c: work in progress of released orders from the scan rollups (see
 * wip.h): the reads, then core/sewn.c's flow and projection per order. */
#include "app/wip.h"
#include "app/sewn.h"
#include "core/sewn.h"
#include "core/units.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

#define DAY_MS  86400000LL
#define HOUR_MS 3600000LL

int wip_knitted_pairs(store *db, store_scope sc, const store_order *o, int64_t now_ms,
		      int64_t *pairs)
{
	store_order_machine *v = NULL;
	size_t n = 0;
	int64_t pieces = 0, rest;
	*pairs = 0;
	int rc = store_order_machine_list(db, o->id, &v, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		store_bucket *b = NULL;
		size_t nb = 0;
		int64_t from = v[i].from_ms - (v[i].from_ms % HOUR_MS);
		int64_t to = v[i].to_ms ? v[i].to_ms : now_ms + 1;
		rc = store_output(db, sc, STORE_HOUR, o->enterprise_id, 0, v[i].machine_id, from,
				  to, &b, &nb);
		for (size_t k = 0; k < nb && !rc; k++)
			pieces += b[k].good;
		free(b);
	}
	free(v);
	if (!rc && qty_convert((qty){pieces, UNIT_PIECE}, UNIT_PAIR, pairs, &rest))
		rc = GLOVED_EINVAL;
	return rc;
}

int wip_households(store *db, store_scope sc, int64_t ent, wip_household **out, size_t *n)
{
	store_household *v = NULL;
	store_bundle *b = NULL;
	size_t nh = 0, nb = 0;
	*out = NULL;
	*n = 0;
	int rc = store_household_list(db, sc, ent, &v, &nh);
	if (!rc)
		rc = store_bundles_out(db, sc, ent, 0, &b, &nb);
	wip_household *w = rc ? NULL : calloc(nh ? nh : 1, sizeof *w);
	if (!rc && !w)
		rc = GLOVED_ENOMEM;
	for (size_t i = 0; i < nh && !rc; i++) {
		w[i].h = v[i];
		for (size_t k = 0; k < nb; k++) {
			if (b[k].household_id == v[i].id) {
				w[i].bundles_out++;
				w[i].pairs_out += b[k].pairs;
			}
		}
	}
	free(v);
	free(b);
	if (rc) {
		free(w);
		return rc;
	}
	*out = w;
	*n = nh;
	return GLOVED_OK;
}

void wip_free(wip_result *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++) {
		free(w->orders[i].ops);
		free(w->orders[i].out);
	}
	free(w->orders);
	memset(w, 0, sizeof *w);
}

typedef struct wip_reads {
	store_op_done *done, *pace; /* ordered by order, seq */
	store_bundle *outb;
	store_household *hs;
	size_t nd, np, nout, nh;
} wip_reads;

/* One order's figures from the firm's reads. */
static int order_wip(store *db, store_scope sc, const store_order *o, const store_style *st,
		     const wip_reads *rd, int32_t today, int64_t now_ms, wip_order *x)
{
	int64_t done[STORE_MAX_OPS] = {0}, recent[STORE_MAX_OPS] = {0},
		waiting[STORE_MAX_OPS] = {0};
	int32_t n_ops = st->n_ops < STORE_MAX_OPS ? st->n_ops : STORE_MAX_OPS;
	memset(x, 0, sizeof *x);
	memcpy(x->order, o->code, sizeof x->order);
	memcpy(x->style, st->code, sizeof x->style);
	memcpy(x->family, st->family, sizeof x->family);
	memcpy(x->status, o->status, sizeof x->status);
	x->due_day = o->due_day;
	x->ordered_pairs = sewn_order_pairs(o);
	x->ops = calloc(n_ops ? (size_t)n_ops : 1, sizeof *x->ops);
	if (!x->ops)
		return GLOVED_ENOMEM;
	x->n_ops = (size_t)n_ops;
	for (size_t q = 0; q < rd->nd; q++) {
		const store_op_done *d = &rd->done[q];
		if (d->order_id != o->id)
			continue;
		if (d->seq == 0)
			x->cut_pairs = d->pairs;
		else if (d->seq <= n_ops) {
			done[d->seq - 1] = d->pairs;
			x->ops[d->seq - 1].bundles_done = d->bundles;
		}
	}
	for (size_t q = 0; q < rd->np; q++)
		if (rd->pace[q].order_id == o->id && rd->pace[q].seq >= 1 &&
		    rd->pace[q].seq <= n_ops)
			recent[rd->pace[q].seq - 1] = rd->pace[q].pairs;
	x->bottleneck = sewn_wip_flow(x->cut_pairs, done, n_ops, waiting);
	if (x->bottleneck)
		memcpy(x->bottleneck_name, st->ops[x->bottleneck - 1].name,
		       sizeof x->bottleneck_name);
	for (int32_t k = 0; k < n_ops; k++) {
		wip_op *y = &x->ops[k];
		y->seq = k + 1;
		memcpy(y->name, st->ops[k].name, sizeof y->name);
		y->done_pairs = done[k];
		y->waiting_pairs = waiting[k];
	}
	int knitted = strcmp(st->family, "knitted") == 0;
	x->finished_pairs = n_ops ? done[n_ops - 1] : 0;
	if (knitted) {
		int rc = wip_knitted_pairs(db, sc, o, now_ms, &x->finished_pairs);
		if (rc)
			return rc;
	}
	/* knitted orders are paced by their machines, not by a routing */
	sewn_projection p;
	sewn_wip_project(x->ordered_pairs, x->finished_pairs, done, recent, knitted ? 0 : n_ops,
			 today, o->due_day, &p);
	x->projected_known = p.known;
	x->projected_day = p.day;
	x->late = p.late;
	size_t nout = 0;
	for (size_t k = 0; k < rd->nout; k++)
		nout += rd->outb[k].order_id == o->id;
	x->out = calloc(nout ? nout : 1, sizeof *x->out);
	if (!x->out)
		return GLOVED_ENOMEM;
	for (size_t k = 0; k < rd->nout; k++) {
		const store_bundle *b = &rd->outb[k];
		if (b->order_id != o->id)
			continue;
		wip_out *y = &x->out[x->n_out++];
		y->bundle_no = b->no;
		y->pairs = b->pairs;
		y->since_ms = b->out_ms;
		y->days = (now_ms - b->out_ms) / DAY_MS;
		for (size_t q = 0; q < rd->nh; q++) {
			if (rd->hs[q].id == b->household_id) {
				memcpy(y->household, rd->hs[q].code, sizeof y->household);
				memcpy(y->name, rd->hs[q].name, sizeof y->name);
				break;
			}
		}
	}
	return GLOVED_OK;
}

int wip_get(store *db, const firm_cal *fc, store_scope sc, int64_t ent, int64_t order_id,
	    int64_t now_ms, wip_result *out)
{
	memset(out, 0, sizeof *out);
	store_order *orders = NULL;
	store_style *st = NULL;
	size_t no = 0;
	wip_reads rd;
	memset(&rd, 0, sizeof rd);
	int rc;
	if (order_id) {
		orders = malloc(sizeof *orders);
		rc = orders ? store_order_get(db, sc, ent, NULL, order_id, orders) : GLOVED_ENOMEM;
		no = rc ? 0 : 1;
	} else {
		rc = store_order_list(db, sc, ent, "released", &orders, &no);
	}
	if (rc)
		goto out;
	out->today = tz_day_of(&fc->zone, now_ms);
	store_read_begin(db);
	rc = store_op_done_list(db, sc, ent, order_id, &rd.done, &rd.nd);
	if (!rc)
		rc = store_bundles_out(db, sc, ent, order_id, &rd.outb, &rd.nout);
	if (!rc)
		rc = store_op_day_sums(db, ent, order_id, out->today - 2, out->today, &rd.pace,
				       &rd.np);
	if (!rc)
		rc = store_household_list(db, sc, ent, &rd.hs, &rd.nh);
	store_read_end(db);
	if (rc)
		goto out;
	st = malloc(sizeof *st);
	out->orders = calloc(no ? no : 1, sizeof *out->orders);
	if (!st || !out->orders) {
		rc = GLOVED_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < no && !rc; i++) {
		if (store_style_get(db, sc, 0, NULL, orders[i].style_id, st))
			continue;
		rc = order_wip(db, sc, &orders[i], st, &rd, out->today, now_ms,
			       &out->orders[out->n]);
		out->n++; /* counted even when it failed: wip_free frees its part */
	}
out:
	free(st);
	free(orders);
	free(rd.done);
	free(rd.pace);
	free(rd.outb);
	free(rd.hs);
	if (rc)
		wip_free(out);
	return rc;
}
