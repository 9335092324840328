/* SPDX-License-Identifier: Apache-2.0 */
/* pay.c: pay of scanned work from the scan rollups (see pay.h). */
#include "app/pay.h"
#include "app/analytics.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pay_worker_day(const sewn_work *w, size_t n, const store_worker *wk, wage_result *out)
{
	/* a worker's rate card adds its day steps (core/wage.c, as for machine
	 * work); households are paid by the operations' rates */
	wage_card card;
	const wage_card *cp = NULL;
	char err[160];
	if (wk &&
	    analytics_card_parse(wk->card, strlen(wk->card), &card, err, sizeof err) == GLOVED_OK)
		cp = &card;
	return sewn_pay_worker_day(w, n, cp, out);
}

int pay_day_total(store *s, int64_t enterprise_id, const char *worker, int64_t household_id,
		  int32_t day, int64_t *pairs, int64_t *pay_fen)
{
	store_scope all = {0};
	store_scan_day *v = NULL;
	sewn_work *w = NULL;
	size_t n = 0, nw = 0;
	*pairs = 0;
	*pay_fen = 0;
	int rc = store_scan_days(s, all, enterprise_id, day, day, worker ? worker : "", &v, &n);
	if (rc)
		goto out;
	w = calloc(n ? n : 1, sizeof *w);
	if (!w) {
		rc = GLOVED_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].household_id != household_id)
			continue;
		w[nw++] = (sewn_work){v[i].rate_y4, v[i].pairs};
		*pairs += v[i].pairs;
	}
	store_worker wk;
	const store_worker *wp = NULL;
	if (worker && worker[0] && !household_id &&
	    store_worker_get(s, enterprise_id, worker, &wk) == GLOVED_OK)
		wp = &wk;
	wage_result pay;
	rc = pay_worker_day(w, nw, wp, &pay);
	*pay_fen = pay.total_fen;
out:
	free(w);
	free(v);
	return rc;
}

void pay_output_free(pay_output *o)
{
	if (!o)
		return;
	free(o->rows);
	memset(o, 0, sizeof *o);
}

/* Who a run of scan-day rows belongs to: a household's code and name, or
 * the worker's code and (from the list) name. */
static void who_of(const store_scan_day *x, const store_household *hs, size_t nh,
		   const store_worker *ws, size_t nw, pay_row *row)
{
	row->household = x->household_id != 0;
	if (x->household_id) {
		for (size_t q = 0; q < nh; q++)
			if (hs[q].id == x->household_id) {
				snprintf(row->who, sizeof row->who, "%s", hs[q].code);
				snprintf(row->name, sizeof row->name, "%s", hs[q].name);
			}
		return;
	}
	snprintf(row->who, sizeof row->who, "%s", x->worker);
	for (size_t q = 0; q < nw; q++)
		if (strcmp(ws[q].code, x->worker) == 0)
			snprintf(row->name, sizeof row->name, "%s", ws[q].name);
}

static int same_person(const store_scan_day *a, const store_scan_day *b)
{
	return a->household_id == b->household_id && strcmp(a->worker, b->worker) == 0;
}

int pay_scan_output(store *db, store_scope sc, int64_t ent, int32_t day0, int32_t day1,
		    int per_worker, pay_output *out)
{
	memset(out, 0, sizeof *out);
	store_scan_day *v = NULL;
	store_household *hs = NULL;
	store_worker *ws = NULL;
	sewn_work *w = NULL;
	size_t n = 0, nh = 0, nw = 0;
	int rc = store_scan_days(db, sc, ent, day0, day1, NULL, &v, &n);
	if (!rc)
		rc = store_household_list(db, sc, ent, &hs, &nh);
	if (!rc)
		rc = store_worker_list(db, sc, ent, &ws, &nw);
	if (rc)
		goto out;
	w = calloc(n ? n : 1, sizeof *w);
	out->rows = calloc(n ? n : 1, sizeof *out->rows);
	if (!w || !out->rows) {
		rc = GLOVED_ENOMEM;
		goto out;
	}
	/* rows come by worker, household, day: a run of rows is one person's
	 * day, paid by that day's rules */
	pay_row *cur = NULL;
	for (size_t i = 0; i < n && !rc;) {
		size_t k = i, nwk = 0;
		int64_t pairs = 0;
		while (k < n && v[k].day == v[i].day && same_person(&v[k], &v[i])) {
			w[nwk++] = (sewn_work){v[k].rate_y4, v[k].pairs};
			pairs += v[k].pairs;
			k++;
		}
		const store_worker *wk = NULL;
		for (size_t q = 0; q < nw && !v[i].household_id; q++)
			if (strcmp(ws[q].code, v[i].worker) == 0)
				wk = &ws[q];
		wage_result pay;
		if ((rc = pay_worker_day(w, nwk, wk, &pay)))
			break;
		if (!cur || !per_worker) {
			cur = &out->rows[out->n++];
			who_of(&v[i], hs, nh, ws, nw, cur);
		}
		cur->day = v[i].day;
		cur->days++;
		cur->pairs += pairs;
		cur->bonus_fen += pay.bonus_fen;
		cur->pay_fen += pay.total_fen;
		out->pairs += pairs;
		out->bonus_fen += pay.bonus_fen;
		out->pay_fen += pay.total_fen;
		if (k >= n || !same_person(&v[k], &v[i]))
			cur = NULL; /* the person's last day */
		i = k;
	}
out:
	free(w);
	free(v);
	free(hs);
	free(ws);
	if (rc)
		pay_output_free(out);
	return rc;
}
