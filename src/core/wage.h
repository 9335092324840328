/* SPDX-License-Identifier: Apache-2.0 */
/* wage.h: piece-rate wages for machine operators, sewing workers and
 * household outworkers, the one implementation the analytics and the
 * sewn-glove modules share. A rate card says what one unit of good work pays
 * (per piece 只, pair 双 or dozen 打), which stepped bonuses apply per day or
 * per month, and what a reject costs; the functions turn counted pieces into
 * pay. Money is integer: rate-card amounts in 1/10000 yuan (suffix _y4, so
 * sub-fen piece rates such as 0.0125 yuan a piece are exact), results in fen
 * (1/100 yuan), rounded half up at the fen. Never floating point. Pure logic,
 * no I/O, no allocation; the rules are in docs/internals/wage.md. */
#ifndef GLOVED_CORE_WAGE_H
#define GLOVED_CORE_WAGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/units.h"

/* Most bonus steps one rate card holds. */
#define WAGE_MAX_STEPS 8

/* 1/10000 yuan in one fen. */
#define WAGE_Y4_PER_FEN 100

typedef enum wage_step_kind {
	/* bonus_y4 for every paid unit strictly above threshold */
	WAGE_STEP_PER_UNIT = 0,
	/* bonus_y4 once when the paid quantity reaches threshold (>=) */
	WAGE_STEP_FLAT = 1,
} wage_step_kind;

typedef enum wage_period {
	WAGE_PERIOD_DAY = 0,   /* steps apply to each day's quantity */
	WAGE_PERIOD_MONTH = 1, /* steps apply to the month's total */
} wage_period;

typedef struct wage_step {
	wage_step_kind kind;
	int64_t threshold; /* in the card's unit, >= 0 */
	int64_t bonus_y4;  /* per unit above (PER_UNIT) or once (FLAT), >= 0 */
} wage_step;

typedef struct wage_card {
	unit rate_unit;          /* the unit the rate is set in */
	int64_t rate_y4;         /* pay for one good rate_unit, >= 0 */
	wage_period step_period; /* which period the steps count over */
	size_t n_steps;          /* <= WAGE_MAX_STEPS; steps add up */
	wage_step steps[WAGE_MAX_STEPS];
	int64_t reject_deduct_y4; /* deducted per rejected piece (0: rejects just unpaid) */
	int allow_negative;       /* nonzero: deductions may take the total below zero */
} wage_card;

/* One day's counts, in pieces as counted (只). */
typedef struct wage_day {
	int64_t good_pieces;
	int64_t reject_pieces;
} wage_day;

typedef struct wage_result {
	int64_t good_pieces;      /* good pieces counted, including the carry in */
	int64_t reject_pieces;    /* rejected pieces */
	int64_t paid_qty;         /* whole units of rate_unit paid */
	int64_t remainder_pieces; /* pieces short of a whole unit: not paid, carried */
	int64_t base_fen;         /* paid_qty x rate */
	int64_t bonus_fen;        /* stepped bonuses (0 on a day of a month-step card) */
	int64_t deduct_fen;       /* reject deductions actually applied (after the cap) */
	int64_t total_fen;        /* base_fen + bonus_fen - deduct_fen */
} wage_result;

/* Checks a rate card: a known unit, no negative amount or threshold, at most
 * WAGE_MAX_STEPS steps of known kinds. Returns GLOVED_OK or GLOVED_EINVAL. */
int wage_card_check(const wage_card *card);

/* Pay for one day. good_pieces and reject_pieces are the day's counts in
 * pieces; carry_in_pieces is the previous day's remainder (0 to start a
 * month). The good pieces plus the carry are converted to whole rate units
 * with core/units.h; what does not make a whole unit (an odd glove on a
 * per-pair rate) is not paid and comes back in out->remainder_pieces, to be
 * passed as the next day's carry. Steps apply when the card's step_period is
 * WAGE_PERIOD_DAY; on a month-step card the day shows no bonus (see
 * wage_pay_month). Returns GLOVED_OK and fills *out; GLOVED_EINVAL for a bad
 * card or a negative count; GLOVED_ETOOBIG when an amount would overflow
 * int64 (out is then zeroed). */
int wage_pay_day(const wage_card *card, int64_t good_pieces, int64_t reject_pieces,
		 int64_t carry_in_pieces, wage_result *out);

/* Pay for a month of n_days days (days may be NULL when n_days is 0). With
 * day steps the month is the sum of the days, each computed by wage_pay_day
 * with the previous day's remainder carried in (each day rounded and capped
 * on its own). With month steps the month's good and reject pieces are
 * summed first and paid, stepped and capped once, as one period.
 * carry_in_pieces is the remainder from the previous month (0 if it is not
 * carried over months); out->remainder_pieces is what is left at the end.
 * Returns as wage_pay_day. */
int wage_pay_month(const wage_card *card, const wage_day *days, size_t n_days,
		   int64_t carry_in_pieces, wage_result *out);

/* Writes fen as yuan with two decimals ("123.45", "-0.05", "0.00") into buf
 * of size len (snprintf: always terminated when len > 0). Returns the
 * length written, or -1 if it did not fit (buf then holds a truncated
 * string). */
int wage_fen_format(int64_t fen, char *buf, size_t len);

#endif
