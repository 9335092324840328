/* SPDX-License-Identifier: Apache-2.0 */
/* oee.c: see oee.h and docs/internals/oee.md. Sums first, fractions last:
 * oee_compute() and oee_merge() both end in finish(), so a machine, a
 * workshop and a firm get their figures from the same arithmetic. */
#include "core/oee.h"

#include <string.h>

#include "core/state.h"

typedef unsigned __int128 u128;

static u128 gcd128(u128 a, u128 b)
{
	while (b != 0) {
		u128 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* num/den reduced; den must be > 0. When the reduced fraction does not fit
 * in int64 (only with products of firm-wide sums) both are halved until it
 * does: the error is far below one basis point. */
static oee_ratio ratio_make(u128 num, u128 den)
{
	u128 g = gcd128(num, den);
	if (g > 1) {
		num /= g;
		den /= g;
	}
	while (num > (u128)INT64_MAX || den > (u128)INT64_MAX) {
		num >>= 1;
		den >>= 1;
	}
	if (den == 0)
		den = 1;
	return (oee_ratio){(int64_t)num, (int64_t)den};
}

static const oee_ratio na = {0, 0};
static const oee_ratio zero = {0, 1};

/* The fractions from the sums (the rules are in docs/internals/oee.md). */
static void finish(oee_result *r)
{
	int64_t total = r->good + r->reject;
	r->speed_loss_ms = r->run_ms - r->ideal_ms;
	r->availability = na;
	r->performance = na;
	r->quality = na;
	r->oee = na;
	if (total > 0)
		r->quality = ratio_make((u128)r->good, (u128)total);
	if (r->planned_ms == 0)
		return;
	r->availability = ratio_make((u128)r->run_ms, (u128)r->planned_ms);
	if (r->run_ms == 0) {
		r->oee = zero;
		return;
	}
	if (r->cycle_missing > 0)
		return;
	r->performance = ratio_make((u128)r->ideal_ms, (u128)r->run_ms);
	if (total == 0) {
		r->oee = zero;
		return;
	}
	/* (run / planned) x (ideal / run) x (good / total) */
	r->oee = ratio_make((u128)r->ideal_ms * (u128)r->good, (u128)r->planned_ms * (u128)total);
}

int64_t *oee_state_ms(oee_result *r, int st)
{
	switch (st) {
	case MS_RUN:
		return &r->run_ms;
	case MS_IDLE:
		return &r->idle_ms;
	case MS_STOP:
		return &r->stop_ms;
	case MS_FAULT:
		return &r->fault_ms;
	case MS_SETUP:
		return &r->setup_ms;
	case MS_OFF:
		return &r->off_ms;
	case MS_OFFLINE:
		return &r->offline_ms;
	default:
		return &r->unknown_ms;
	}
}

/* Adds ms to the (state, reason) entry of r; 0 on success, -1 on overflow. */
static int reason_add(oee_result *r, int st, int32_t reason, int64_t ms)
{
	int64_t *slot = NULL;
	if (reason == 0) {
		slot = &r->unexplained_ms;
	} else {
		for (size_t i = 0; i < r->n_reasons; i++)
			if (r->reasons[i].state == st && r->reasons[i].reason == reason)
				slot = &r->reasons[i].ms;
		if (slot == NULL && r->n_reasons < OEE_REASONS_MAX) {
			r->reasons[r->n_reasons] = (oee_reason_ms){st, reason, 0};
			slot = &r->reasons[r->n_reasons].ms;
			r->n_reasons++;
		}
		if (slot == NULL)
			slot = &r->other_ms;
	}
	return __builtin_add_overflow(*slot, ms, slot) ? -1 : 0;
}

static int valid_input(const oee_input *in)
{
	if (in->good < 0 || in->reject < 0 || in->cycle_ms < 0)
		return 0;
	if ((in->n_planned > 0 && in->planned == NULL) || (in->n_states > 0 && in->states == NULL))
		return 0;
	for (size_t i = 0; i < in->n_planned; i++) {
		if (in->planned[i].to_ms < in->planned[i].from_ms)
			return 0;
		if (i > 0 && in->planned[i].from_ms < in->planned[i - 1].to_ms)
			return 0;
	}
	for (size_t i = 0; i < in->n_states; i++) {
		const oee_interval *iv = &in->states[i];
		if (iv->end_ms < iv->start_ms || iv->state < MS_UNKNOWN || iv->state > MS_OFFLINE)
			return 0;
		if (i > 0 && iv->start_ms < in->states[i - 1].end_ms)
			return 0;
	}
	return 1;
}

int oee_compute(const oee_input *in, oee_result *out)
{
	int rc = -1;
	oee_result r;
	memset(&r, 0, sizeof r);
	if (in == NULL || out == NULL || !valid_input(in))
		goto out;
	r.machines = 1;
	for (size_t i = 0; i < in->n_planned; i++) {
		const oee_span *sp = &in->planned[i];
		int64_t len, covered = 0;
		if (__builtin_sub_overflow(sp->to_ms, sp->from_ms, &len) ||
		    __builtin_add_overflow(r.planned_ms, len, &r.planned_ms))
			goto out;
		for (size_t j = 0; j < in->n_states; j++) {
			const oee_interval *iv = &in->states[j];
			int64_t lo = iv->start_ms > sp->from_ms ? iv->start_ms : sp->from_ms;
			int64_t hi = iv->end_ms < sp->to_ms ? iv->end_ms : sp->to_ms;
			if (hi <= lo)
				continue;
			int64_t ms = hi - lo; /* <= len: no overflow */
			int64_t *b = oee_state_ms(&r, iv->state);
			*b += ms;
			covered += ms;
			if ((iv->state == MS_STOP || iv->state == MS_FAULT) &&
			    reason_add(&r, iv->state, iv->reason, ms) != 0)
				goto out;
		}
		r.unknown_ms += len - covered;
	}
	r.good = in->good;
	r.reject = in->reject;
	int64_t total;
	if (__builtin_add_overflow(in->good, in->reject, &total) ||
	    __builtin_mul_overflow(in->cycle_ms, total, &r.ideal_ms) ||
	    __builtin_mul_overflow(in->cycle_ms, in->reject, &r.reject_loss_ms))
		goto out;
	r.cycle_missing = (in->cycle_ms == 0 && total > 0) ? 1 : 0;
	finish(&r);
	rc = 0;
out:
	if (rc != 0)
		memset(&r, 0, sizeof r);
	if (out != NULL)
		*out = r;
	return rc;
}

static int add64(int64_t *a, int64_t b)
{
	return __builtin_add_overflow(*a, b, a) ? -1 : 0;
}

int oee_merge(oee_result *a, const oee_result *b)
{
	oee_result m = *a;
	int bad = 0;
	bad |= add64(&m.planned_ms, b->planned_ms);
	bad |= add64(&m.run_ms, b->run_ms);
	bad |= add64(&m.idle_ms, b->idle_ms);
	bad |= add64(&m.stop_ms, b->stop_ms);
	bad |= add64(&m.fault_ms, b->fault_ms);
	bad |= add64(&m.setup_ms, b->setup_ms);
	bad |= add64(&m.off_ms, b->off_ms);
	bad |= add64(&m.offline_ms, b->offline_ms);
	bad |= add64(&m.unknown_ms, b->unknown_ms);
	bad |= add64(&m.unexplained_ms, b->unexplained_ms);
	bad |= add64(&m.other_ms, b->other_ms);
	for (size_t i = 0; i < b->n_reasons && i < OEE_REASONS_MAX; i++)
		bad |= reason_add(&m, b->reasons[i].state, b->reasons[i].reason, b->reasons[i].ms);
	bad |= add64(&m.good, b->good);
	bad |= add64(&m.reject, b->reject);
	bad |= add64(&m.ideal_ms, b->ideal_ms);
	bad |= add64(&m.reject_loss_ms, b->reject_loss_ms);
	bad |= add64(&m.machines, b->machines);
	bad |= add64(&m.cycle_missing, b->cycle_missing);
	int64_t total;
	bad |= __builtin_add_overflow(m.good, m.reject, &total) ? -1 : 0;
	if (bad)
		return -1;
	finish(&m);
	*a = m;
	return 0;
}

int oee_finish(oee_result *r)
{
	int64_t total;
	if (r->planned_ms < 0 || r->run_ms < 0 || r->good < 0 || r->reject < 0 || r->ideal_ms < 0 ||
	    r->cycle_missing < 0 || __builtin_add_overflow(r->good, r->reject, &total))
		return -1;
	finish(r);
	return 0;
}

int oee_ratio_double(oee_ratio r, double *out)
{
	if (r.den <= 0 || r.num < 0)
		return -1;
	*out = (double)r.num / (double)r.den;
	return 0;
}

int oee_ratio_bp(oee_ratio r, int64_t *bp)
{
	if (r.den <= 0 || r.num < 0)
		return -1;
	/* floor((num x 10000 + den / 2) / den), done as (2 num 10000 + den) / 2 den
	 * so that an odd den rounds exactly too */
	u128 q = ((u128)r.num * 20000u + (u128)r.den) / ((u128)r.den * 2u);
	if (q > (u128)INT64_MAX)
		return -1;
	*bp = (int64_t)q;
	return 0;
}
