/* SPDX-License-Identifier: Apache-2.0 */
/* coop.c: free capacity, the check and measure of a split, the greedy
 * split, the binding constraint and royalties (coop.h). Integer
 * arithmetic throughout: pairs, milliseconds and fen. */
#include "core/coop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t coop_machine_pairs(const int64_t *cycle_ms, size_t n_machines, int64_t planned_ms,
			   int32_t oee_pm)
{
	if (planned_ms <= 0 || oee_pm <= 0)
		return 0;
	/* pieces x 1000 first, one division at the end, so many machines
	 * do not each lose their fraction */
	int64_t pieces_pm = 0;
	for (size_t i = 0; i < n_machines; i++) {
		int64_t c = cycle_ms[i] > 0 ? cycle_ms[i] : COOP_DEFAULT_CYCLE_MS;
		pieces_pm += planned_ms * 1000 / c;
	}
	return pieces_pm * oee_pm / 1000000 / 2;
}

int64_t coop_operator_pairs(int64_t operators, int64_t planned_ms, int32_t eff_pm, int64_t smv_c)
{
	if (operators <= 0 || planned_ms <= 0 || eff_pm <= 0 || smv_c <= 0)
		return 0;
	/* minutes x 100 of work available / (minutes x 100 per pair) */
	int64_t minutes_c = planned_ms / 600; /* planned minutes x 100 */
	return operators * minutes_c * eff_pm / 1000 / smv_c;
}

int32_t coop_measured_eff_pm(int64_t earned_c, int64_t attended_ms)
{
	if (attended_ms < COOP_MIN_ATTENDED_MS || earned_c < 0)
		return -1;
	/* minutes x 100 -> ms: x 600 */
	int64_t pm = earned_c * 600 * 1000 / attended_ms;
	return pm > COOP_MAX_EFF_PM ? COOP_MAX_EFF_PM : (int32_t)pm;
}

int64_t coop_free(const int64_t *gross, int weeks, int64_t committed, int64_t *free_out)
{
	int64_t left = committed > 0 ? committed : 0;
	for (int w = 0; w < weeks; w++) {
		int64_t g = gross[w] > 0 ? gross[w] : 0;
		int64_t take = left < g ? left : g;
		free_out[w] = g - take;
		left -= take;
	}
	return left;
}

int64_t coop_late_weight(int due_week, int w)
{
	return w > due_week ? (int64_t)(w - due_week) : 0;
}

void coop_evaluate(const coop_problem *p, const int64_t *x, coop_eval *out)
{
	memset(out, 0, sizeof *out);
	out->ok = 1;
	out->last_week = -1;
	for (size_t i = 0; i < p->n; i++) {
		const coop_firm_in *f = &p->firms[i];
		int64_t total = 0;
		for (int w = 0; w < COOP_WEEKS; w++) {
			int64_t v = x[i * COOP_WEEKS + (size_t)w];
			if (v < 0 || v > f->cap[w]) {
				if (out->ok)
					snprintf(out->why, sizeof out->why,
						 "firm %lld week %d: %lld pairs against a free "
						 "capacity of %lld",
						 (long long)f->id, w, (long long)v,
						 (long long)f->cap[w]);
				out->ok = 0;
			}
			if (v <= 0)
				continue;
			total += v;
			int64_t lw = coop_late_weight(p->due_week, w);
			out->lateness += lw * v;
			if (lw)
				out->late_pairs += v;
			if (w > out->last_week)
				out->last_week = w;
		}
		if (total > 0) {
			out->partners++;
			out->cost12 += total * f->price_fen;
			if (total < f->min_pairs) {
				if (out->ok)
					snprintf(out->why, sizeof out->why,
						 "firm %lld: %lld pairs, under its minimum order "
						 "of %lld",
						 (long long)f->id, (long long)total,
						 (long long)f->min_pairs);
				out->ok = 0;
			}
		}
		out->made += total;
	}
	if (out->ok && out->partners > p->max_partners) {
		snprintf(out->why, sizeof out->why, "%d partners, more than the %d allowed",
			 out->partners, p->max_partners);
		out->ok = 0;
	}
	if (out->ok && out->made != p->pairs) {
		snprintf(out->why, sizeof out->why, "%lld pairs split, the order is for %lld",
			 (long long)out->made, (long long)p->pairs);
		out->ok = 0;
	}
}

int coop_compare(const coop_eval *a, const coop_eval *b)
{
	if (a->ok != b->ok)
		return a->ok ? -1 : 1;
	if (a->lateness != b->lateness)
		return a->lateness < b->lateness ? -1 : 1;
	if (a->cost12 != b->cost12)
		return a->cost12 < b->cost12 ? -1 : 1;
	return 0;
}

/* ---- greedy ---- */

typedef struct cand {
	size_t i;
	int64_t early, total, price, id;
} cand;

static int cand_cmp(const void *pa, const void *pb)
{
	const cand *a = pa, *b = pb;
	if (a->early != b->early)
		return a->early > b->early ? -1 : 1;
	if (a->price != b->price)
		return a->price < b->price ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

static int by_price(const void *pa, const void *pb)
{
	const cand *a = pa, *b = pb;
	if (a->price != b->price)
		return a->price < b->price ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

int coop_greedy(const coop_problem *p, int64_t *x)
{
	int rc = -1;
	size_t n = p->n;
	memset(x, 0, n * COOP_WEEKS * sizeof *x);
	if (n == 0 || p->pairs <= 0 || p->max_partners < 1)
		return -1;
	cand *c = calloc(n, sizeof *c);
	cand *chosen = calloc(n, sizeof *chosen);
	unsigned char *dropped = calloc(n, 1);
	if (!c || !chosen || !dropped)
		goto out;
	int last_early = p->due_week < COOP_WEEKS ? p->due_week : COOP_WEEKS - 1;
	for (size_t i = 0; i < n; i++) {
		c[i].i = i;
		c[i].id = p->firms[i].id;
		c[i].price = p->firms[i].price_fen;
		for (int w = 0; w < COOP_WEEKS; w++) {
			c[i].total += p->firms[i].cap[w];
			if (w <= last_early)
				c[i].early += p->firms[i].cap[w];
		}
	}
	qsort(c, n, sizeof *c, cand_cmp);
	for (size_t round = 0; round <= n; round++) {
		size_t k = 0;
		int64_t sum = 0;
		for (size_t j = 0; j < n && k < (size_t)p->max_partners && sum < p->pairs; j++) {
			if (dropped[c[j].i] || c[j].total <= 0)
				continue;
			chosen[k++] = c[j];
			sum += c[j].total;
		}
		if (sum < p->pairs)
			goto out; /* nothing left to choose from */
		qsort(chosen, k, sizeof *chosen, by_price);
		memset(x, 0, n * COOP_WEEKS * sizeof *x);
		int64_t left = p->pairs;
		for (int w = 0; w < COOP_WEEKS && left > 0; w++)
			for (size_t j = 0; j < k && left > 0; j++) {
				int64_t cap = p->firms[chosen[j].i].cap[w];
				int64_t take = cap < left ? cap : left;
				x[chosen[j].i * COOP_WEEKS + (size_t)w] = take;
				left -= take;
			}
		/* a chosen firm under its minimum: drop the one with the
		 * largest shortfall and choose again */
		size_t worst = n;
		int64_t worst_gap = 0;
		for (size_t j = 0; j < k; j++) {
			int64_t t = 0;
			for (int w = 0; w < COOP_WEEKS; w++)
				t += x[chosen[j].i * COOP_WEEKS + (size_t)w];
			int64_t gap = p->firms[chosen[j].i].min_pairs - t;
			if (t > 0 && gap > worst_gap) {
				worst_gap = gap;
				worst = chosen[j].i;
			}
		}
		if (worst == n) {
			rc = 0;
			goto out;
		}
		dropped[worst] = 1;
	}
out:
	if (rc)
		memset(x, 0, n * COOP_WEEKS * sizeof *x);
	free(c);
	free(chosen);
	free(dropped);
	return rc;
}

/* ---- the binding constraint ---- */

static int cmp_desc(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
	return (a < b) - (a > b);
}

const char *coop_binding(const coop_problem *p, char *why, size_t whylen)
{
	if (p->n == 0) {
		snprintf(why, whylen,
			 "no firm that shares its capacity has the capability, quality record and "
			 "price the order asks for");
		return "no_firm";
	}
	int64_t *tot = calloc(p->n, sizeof *tot);
	int64_t all = 0;
	for (size_t i = 0; i < p->n; i++) {
		int64_t t = 0;
		for (int w = 0; w < COOP_WEEKS; w++)
			t += p->firms[i].cap[w];
		if (tot)
			tot[i] = t;
		all += t;
	}
	if (all < p->pairs) {
		free(tot);
		snprintf(why, whylen,
			 "the %zu able firm%s %lld pair%s of free capacity in the next %d weeks; "
			 "the order needs %lld",
			 p->n, p->n == 1 ? " has" : "s have", (long long)all, all == 1 ? "" : "s",
			 COOP_WEEKS, (long long)p->pairs);
		return "capacity";
	}
	if (tot) {
		qsort(tot, p->n, sizeof *tot, cmp_desc);
		int64_t top = 0;
		for (size_t i = 0; i < p->n && i < (size_t)p->max_partners; i++)
			top += tot[i];
		free(tot);
		if (top < p->pairs) {
			if (p->max_partners == 1)
				snprintf(why, whylen,
					 "the largest able firm has %lld pairs of free capacity; "
					 "the order needs %lld: allow more partners",
					 (long long)top, (long long)p->pairs);
			else
				snprintf(why, whylen,
					 "the %d largest able firms together have %lld pairs of "
					 "free capacity; the order needs %lld: allow more partners",
					 p->max_partners, (long long)top, (long long)p->pairs);
			return "max_partners";
		}
	}
	snprintf(why, whylen,
		 "capacity and partners would do, but the firms' minimum orders cannot all be "
		 "met with at most %d partner%s",
		 p->max_partners, p->max_partners == 1 ? "" : "s");
	return "minimum_order";
}

void coop_no_firm_why(const coop_reason *reasons, size_t n, size_t most, char *why, size_t whylen)
{
	if (!whylen)
		return;
	why[0] = '\0';
	unsigned char used[64] = {0};
	size_t len = 0, named = 0;
	int64_t total = 0, shown = 0;
	for (size_t i = 0; i < n && i < sizeof used; i++)
		total += reasons[i].firms > 0 ? reasons[i].firms : 0;
	if (total == 0) {
		snprintf(why, whylen,
			 "no firm in the cluster shares its capacity and has the "
			 "capability the order asks for");
		return;
	}
	len = (size_t)snprintf(why, whylen, "no willing firm qualifies:");
	while (named < most && len < whylen) {
		size_t best = n;
		for (size_t i = 0; i < n && i < sizeof used; i++)
			if (!used[i] && reasons[i].firms > 0 &&
			    (best == n || reasons[i].firms > reasons[best].firms))
				best = i;
		if (best == n)
			break;
		used[best] = 1;
		shown += reasons[best].firms;
		len += (size_t)snprintf(why + len, whylen - len, "%s %lld firm%s %s",
					named ? "," : "", (long long)reasons[best].firms,
					reasons[best].firms == 1 ? "" : "s", reasons[best].what);
		named++;
	}
	if (total > shown && len < whylen)
		snprintf(why + len, whylen - len, ", and %lld more for other reasons",
			 (long long)(total - shown));
}

int64_t coop_royalty(const char *kind, int64_t fee_fen, int64_t pairs, int first)
{
	if (!kind || !strcmp(kind, "none") || !*kind)
		return 0;
	if (!strcmp(kind, "per_dozen"))
		return (pairs * fee_fen * 2 + 12) / 24;
	if (!strcmp(kind, "flat"))
		return first ? fee_fen : 0;
	return -1;
}

int32_t coop_royalty_month(const tz_zone *firm_zone, int64_t ts_ms)
{
	tz_date d = tz_date_of(firm_zone, ts_ms);
	return d.year * 100 + d.month;
}
