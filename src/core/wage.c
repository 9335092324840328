/* SPDX-License-Identifier: Apache-2.0 */
/* wage.c: see wage.h and docs/internals/wage.md. All quantities and amounts
 * are non-negative int64; every sum and product is checked before it is
 * made, so a large count gives GLOVED_ETOOBIG rather than a wrong wage. */
#include "core/wage.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"

/* a + b for a, b >= 0; 0 on success, -1 on overflow. */
static int add_nn(int64_t a, int64_t b, int64_t *r)
{
	if (a > INT64_MAX - b)
		return -1;
	*r = a + b;
	return 0;
}

/* a * b for a, b >= 0; 0 on success, -1 on overflow. */
static int mul_nn(int64_t a, int64_t b, int64_t *r)
{
	if (b != 0 && a > INT64_MAX / b)
		return -1;
	*r = a * b;
	return 0;
}

/* 1/10000 yuan to fen, half up (y4 >= 0): 0.0050 yuan is 1 fen, 0.0049 is
 * 0. The one rounding of the module. */
static int64_t y4_to_fen(int64_t y4)
{
	return y4 / WAGE_Y4_PER_FEN + (y4 % WAGE_Y4_PER_FEN >= WAGE_Y4_PER_FEN / 2 ? 1 : 0);
}

int wage_card_check(const wage_card *card)
{
	if (!card || unit_pieces(card->rate_unit) == 0 || card->rate_y4 < 0 ||
	    card->reject_deduct_y4 < 0 || card->n_steps > WAGE_MAX_STEPS ||
	    (card->step_period != WAGE_PERIOD_DAY && card->step_period != WAGE_PERIOD_MONTH))
		return GLOVED_EINVAL;
	for (size_t i = 0; i < card->n_steps; i++) {
		const wage_step *s = &card->steps[i];
		if ((s->kind != WAGE_STEP_PER_UNIT && s->kind != WAGE_STEP_FLAT) ||
		    s->threshold < 0 || s->bonus_y4 < 0)
			return GLOVED_EINVAL;
	}
	return GLOVED_OK;
}

/* Bonus in 1/10000 yuan for paid whole units; the steps add up. */
static int step_bonus_y4(const wage_card *card, int64_t paid_qty, int64_t *out)
{
	int64_t sum = 0, b;
	for (size_t i = 0; i < card->n_steps; i++) {
		const wage_step *s = &card->steps[i];
		if (s->kind == WAGE_STEP_PER_UNIT) {
			if (paid_qty <= s->threshold)
				continue;
			if (mul_nn(paid_qty - s->threshold, s->bonus_y4, &b))
				return -1;
		} else {
			if (paid_qty < s->threshold)
				continue;
			b = s->bonus_y4;
		}
		if (add_nn(sum, b, &sum))
			return -1;
	}
	*out = sum;
	return 0;
}

/* Pays good + reject pieces (carry already added into good) as one period;
 * with_steps says whether the card's steps apply to this period. */
static int pay_period(const wage_card *card, int64_t good_pieces, int64_t reject_pieces,
		      int with_steps, wage_result *out)
{
	int rc = GLOVED_ETOOBIG;
	int64_t whole, rest, base_y4, bonus_y4 = 0, deduct_y4, earned;
	wage_result r;

	memset(&r, 0, sizeof r);
	if (qty_convert((qty){good_pieces, UNIT_PIECE}, card->rate_unit, &whole, &rest))
		goto out;
	if (mul_nn(whole, card->rate_y4, &base_y4))
		goto out;
	if (with_steps && step_bonus_y4(card, whole, &bonus_y4))
		goto out;
	if (mul_nn(reject_pieces, card->reject_deduct_y4, &deduct_y4))
		goto out;
	r.good_pieces = good_pieces;
	r.reject_pieces = reject_pieces;
	r.paid_qty = whole;
	r.remainder_pieces = rest;
	r.base_fen = y4_to_fen(base_y4);
	r.bonus_fen = y4_to_fen(bonus_y4);
	r.deduct_fen = y4_to_fen(deduct_y4);
	if (add_nn(r.base_fen, r.bonus_fen, &earned))
		goto out;
	if (!card->allow_negative && r.deduct_fen > earned)
		r.deduct_fen = earned;
	r.total_fen = earned - r.deduct_fen;
	*out = r;
	rc = GLOVED_OK;
out:
	if (rc != GLOVED_OK)
		memset(out, 0, sizeof *out);
	return rc;
}

int wage_pay_day(const wage_card *card, int64_t good_pieces, int64_t reject_pieces,
		 int64_t carry_in_pieces, wage_result *out)
{
	int64_t good;
	if (!out)
		return GLOVED_EINVAL;
	memset(out, 0, sizeof *out);
	if (wage_card_check(card) || good_pieces < 0 || reject_pieces < 0 || carry_in_pieces < 0)
		return GLOVED_EINVAL;
	if (add_nn(good_pieces, carry_in_pieces, &good))
		return GLOVED_ETOOBIG;
	return pay_period(card, good, reject_pieces, card->step_period == WAGE_PERIOD_DAY, out);
}

/* Month of a day-step card: the days one by one, remainder carried. */
static int month_by_days(const wage_card *card, const wage_day *days, size_t n_days, int64_t carry,
			 wage_result *out)
{
	wage_result m, d;
	int rc;

	memset(&m, 0, sizeof m);
	m.good_pieces = carry;
	m.remainder_pieces = carry;
	for (size_t i = 0; i < n_days; i++) {
		rc = wage_pay_day(card, days[i].good_pieces, days[i].reject_pieces,
				  m.remainder_pieces, &d);
		if (rc != GLOVED_OK)
			return rc;
		if (add_nn(m.good_pieces, days[i].good_pieces, &m.good_pieces) ||
		    add_nn(m.reject_pieces, d.reject_pieces, &m.reject_pieces) ||
		    add_nn(m.paid_qty, d.paid_qty, &m.paid_qty) ||
		    add_nn(m.base_fen, d.base_fen, &m.base_fen) ||
		    add_nn(m.bonus_fen, d.bonus_fen, &m.bonus_fen) ||
		    add_nn(m.deduct_fen, d.deduct_fen, &m.deduct_fen))
			return GLOVED_ETOOBIG;
		/* a day's total is negative only when the card allows it */
		if (d.total_fen >= 0 ? m.total_fen > INT64_MAX - d.total_fen
				     : m.total_fen < INT64_MIN - d.total_fen)
			return GLOVED_ETOOBIG;
		m.total_fen += d.total_fen;
		m.remainder_pieces = d.remainder_pieces;
	}
	*out = m;
	return GLOVED_OK;
}

int wage_pay_month(const wage_card *card, const wage_day *days, size_t n_days,
		   int64_t carry_in_pieces, wage_result *out)
{
	int rc = GLOVED_EINVAL;
	int64_t good = carry_in_pieces, reject = 0;

	if (!out)
		return GLOVED_EINVAL;
	memset(out, 0, sizeof *out);
	if (wage_card_check(card) || carry_in_pieces < 0 || (n_days > 0 && !days))
		goto out;
	for (size_t i = 0; i < n_days; i++)
		if (days[i].good_pieces < 0 || days[i].reject_pieces < 0)
			goto out;
	if (card->step_period == WAGE_PERIOD_DAY) {
		rc = month_by_days(card, days, n_days, carry_in_pieces, out);
		goto out;
	}
	rc = GLOVED_ETOOBIG;
	for (size_t i = 0; i < n_days; i++)
		if (add_nn(good, days[i].good_pieces, &good) ||
		    add_nn(reject, days[i].reject_pieces, &reject))
			goto out;
	rc = pay_period(card, good, reject, 1, out);
out:
	if (rc != GLOVED_OK)
		memset(out, 0, sizeof *out);
	return rc;
}

int wage_fen_format(int64_t fen, char *buf, size_t len)
{
	/* magnitude in unsigned so INT64_MIN has one */
	uint64_t mag = fen < 0 ? 0u - (uint64_t)fen : (uint64_t)fen;
	int n = snprintf(buf, len, "%s%llu.%02u", fen < 0 ? "-" : "",
			 (unsigned long long)(mag / 100u), (unsigned)(mag % 100u));
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}
