/* SPDX-License-Identifier: Apache-2.0 */
/* counter.c: see counter.h for the semantics. */
#include "core/counter.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

void counter_track_init(counter_track *t)
{
	memset(t, 0, sizeof *t);
}

void counter_track_free(counter_track *t)
{
	free(t->s);
	memset(t, 0, sizeof *t);
}

const counter_sample *counter_newest(const counter_track *t)
{
	return t->n ? &t->s[t->n - 1] : NULL;
}

/* Most pieces a machine can plausibly make in elapsed_ms: four times its
 * ideal rate, or 20 pieces a second when the cycle is unknown, plus a
 * little slack for clock jitter. */
static uint64_t plausible_pieces(int64_t elapsed_ms, const counter_params *p)
{
	if (elapsed_ms < 0)
		elapsed_ms = 0;
	uint64_t e = (uint64_t)elapsed_ms;
	uint64_t cap = p->cycle_ms > 0 ? e * 4 / (uint64_t)p->cycle_ms : e * 20 / 1000;
	return cap + 16;
}

uint64_t counter_delta(uint64_t prev, uint64_t cur, int64_t elapsed_ms, const counter_params *p)
{
	if (cur >= prev)
		return cur - prev;
	if (p->bits > 0 && p->bits < 64) {
		uint64_t range = (uint64_t)1 << p->bits;
		if (prev < range) {
			uint64_t wrapped = (range - prev) + cur;
			if (wrapped <= plausible_pieces(elapsed_ms, p))
				return wrapped;
		}
	}
	return cur; /* reset: counted up from 0 to cur */
}

static int reserve(counter_track *t)
{
	if (t->n < t->cap)
		return GLOVED_OK;
	uint32_t cap = t->cap ? t->cap * 2 : 8;
	counter_sample *s = realloc(t->s, (size_t)cap * sizeof *s);
	if (!s)
		return GLOVED_ENOMEM;
	t->s = s;
	t->cap = cap;
	return GLOVED_OK;
}

static void credit(counter_sample *cur, const counter_sample *prev, const counter_params *p)
{
	if (!prev) {
		cur->d_good = 0;
		cur->d_reject = 0;
		return;
	}
	int64_t el = cur->ts_ms - prev->ts_ms;
	cur->d_good = (int64_t)counter_delta(prev->count, cur->count, el, p);
	cur->d_reject = (int64_t)counter_delta(prev->reject, cur->reject, el, p);
}

/* Drops samples older than the window except the newest of them, which
 * stays as the anchor. */
static void evict(counter_track *t, int64_t window_ms)
{
	if (t->n == 0)
		return;
	int64_t horizon = t->s[t->n - 1].ts_ms - window_ms;
	uint32_t i = 0;
	while (i < t->n && t->s[i].ts_ms < horizon)
		i++;
	if (i == 0)
		return;
	uint32_t drop = i - 1; /* s[i-1] is the anchor */
	if (drop) {
		memmove(t->s, t->s + drop, (size_t)(t->n - drop) * sizeof *t->s);
		t->n -= drop;
	}
	t->has_anchor = 1;
}

int counter_apply(counter_track *t, const counter_params *p, int64_t ts_ms, uint64_t count,
		  uint64_t reject, counter_change out[2], int *n_out)
{
	*n_out = 0;
	/* binary search for the first sample with ts >= ts_ms */
	uint32_t lo = 0, hi = t->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (t->s[mid].ts_ms < ts_ms)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->n && t->s[lo].ts_ms == ts_ms)
		return COUNTER_DUPLICATE;
	if (lo == 0 && t->n > 0 && t->has_anchor)
		return COUNTER_LATE;
	if (reserve(t))
		return GLOVED_ENOMEM;
	memmove(t->s + lo + 1, t->s + lo, (size_t)(t->n - lo) * sizeof *t->s);
	t->n++;
	counter_sample *ns = &t->s[lo];
	ns->ts_ms = ts_ms;
	ns->count = count;
	ns->reject = reject;
	credit(ns, lo ? &t->s[lo - 1] : NULL, p);
	out[0] = (counter_change){ts_ms,        count,      reject,       ns->d_good,
				  ns->d_reject, ns->d_good, ns->d_reject, 1};
	*n_out = 1;
	if (lo + 1 < t->n) {
		counter_sample *next = &t->s[lo + 1];
		int64_t og = next->d_good, orj = next->d_reject;
		credit(next, ns, p);
		if (next->d_good != og || next->d_reject != orj) {
			out[1] = (counter_change){
			    next->ts_ms,          next->count,  next->reject,   next->d_good - og,
			    next->d_reject - orj, next->d_good, next->d_reject, 0};
			*n_out = 2;
		}
	}
	evict(t, p->window_ms);
	return COUNTER_NEW;
}

int counter_track_load(counter_track *t, const counter_sample *s)
{
	if (reserve(t))
		return GLOVED_ENOMEM;
	t->s[t->n++] = *s;
	t->has_anchor = 1;
	return GLOVED_OK;
}
