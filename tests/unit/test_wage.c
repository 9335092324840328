/* SPDX-License-Identifier: Apache-2.0 */
/* test_wage.c: piece-rate wages (core/wage.c): hand-worked days per pair,
 * per piece and per dozen, the odd glove carried, flat and per-unit steps,
 * day steps against month steps, reject deductions and their cap, half-up
 * rounding at the fen, overflow refused, fen formatting. Every expected
 * figure is worked by hand in the comment above it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/wage.h"
#include "util/err.h"

/* 0.35 yuan a pair; above 200 pairs a day +0.05 yuan a pair; 0.02 yuan off
 * per rejected glove. */
static wage_card pair_card(void)
{
	wage_card c;
	memset(&c, 0, sizeof c);
	c.rate_unit = UNIT_PAIR;
	c.rate_y4 = 3500;
	c.step_period = WAGE_PERIOD_DAY;
	c.n_steps = 1;
	c.steps[0] = (wage_step){WAGE_STEP_PER_UNIT, 200, 500};
	c.reject_deduct_y4 = 200;
	return c;
}

static void test_day_per_pair(void **state)
{
	(void)state;
	wage_card c = pair_card();
	wage_result r;
	/* 431 good pieces = 215 pairs and 1 odd glove (not paid, carried).
	 * base  215 x 0.35             = 75.25 yuan = 7525 fen
	 * bonus (215 - 200) x 0.05     =  0.75 yuan =   75 fen
	 * deduct 7 rejects x 0.02      =  0.14 yuan =   14 fen
	 * total 7525 + 75 - 14         = 7586 fen   = 75.86 yuan */
	assert_int_equal(wage_pay_day(&c, 431, 7, 0, &r), GLOVED_OK);
	assert_int_equal(r.good_pieces, 431);
	assert_int_equal(r.reject_pieces, 7);
	assert_int_equal(r.paid_qty, 215);
	assert_int_equal(r.remainder_pieces, 1);
	assert_int_equal(r.base_fen, 7525);
	assert_int_equal(r.bonus_fen, 75);
	assert_int_equal(r.deduct_fen, 14);
	assert_int_equal(r.total_fen, 7586);

	/* the next day: 3 pieces + the carried glove = 4 pieces = 2 pairs,
	 * nothing left; 2 x 0.35 = 0.70 yuan, below the step */
	assert_int_equal(wage_pay_day(&c, 3, 0, r.remainder_pieces, &r), GLOVED_OK);
	assert_int_equal(r.good_pieces, 4);
	assert_int_equal(r.paid_qty, 2);
	assert_int_equal(r.remainder_pieces, 0);
	assert_int_equal(r.bonus_fen, 0);
	assert_int_equal(r.total_fen, 70);

	/* exactly 200 pairs (400 pieces) is not above the step: 200 x 0.35 = 70.00 */
	assert_int_equal(wage_pay_day(&c, 400, 0, 0, &r), GLOVED_OK);
	assert_int_equal(r.bonus_fen, 0);
	assert_int_equal(r.total_fen, 7000);
	/* 201 pairs: 70.35 + 0.05 = 70.40 */
	assert_int_equal(wage_pay_day(&c, 402, 0, 0, &r), GLOVED_OK);
	assert_int_equal(r.bonus_fen, 5);
	assert_int_equal(r.total_fen, 7040);
}

static void test_day_per_dozen(void **state)
{
	(void)state;
	wage_card c;
	wage_result r;
	memset(&c, 0, sizeof c);
	/* 4.20 yuan a dozen (打 = 24 gloves); 50 yuan flat when 20 dozen are reached */
	c.rate_unit = UNIT_DOZEN;
	c.rate_y4 = 42000;
	c.n_steps = 1;
	c.steps[0] = (wage_step){WAGE_STEP_FLAT, 20, 500000};
	/* 250 pieces = 10 dozen and 10 pieces; 10 x 4.20 = 42.00 yuan */
	assert_int_equal(wage_pay_day(&c, 250, 0, 0, &r), GLOVED_OK);
	assert_int_equal(r.paid_qty, 10);
	assert_int_equal(r.remainder_pieces, 10);
	assert_int_equal(r.total_fen, 4200);
	/* 479 pieces = 19 dozen and 23 pieces: not yet the target; 79.80 yuan */
	assert_int_equal(wage_pay_day(&c, 479, 0, 0, &r), GLOVED_OK);
	assert_int_equal(r.paid_qty, 19);
	assert_int_equal(r.remainder_pieces, 23);
	assert_int_equal(r.bonus_fen, 0);
	assert_int_equal(r.total_fen, 7980);
	/* 480 pieces = 20 dozen, target reached: 84.00 + 50.00 = 134.00 */
	assert_int_equal(wage_pay_day(&c, 480, 0, 0, &r), GLOVED_OK);
	assert_int_equal(r.bonus_fen, 5000);
	assert_int_equal(r.total_fen, 13400);
	/* 479 pieces and 1 carried glove also make the 20 dozen */
	assert_int_equal(wage_pay_day(&c, 479, 0, 1, &r), GLOVED_OK);
	assert_int_equal(r.paid_qty, 20);
	assert_int_equal(r.total_fen, 13400);
}

static void test_several_steps(void **state)
{
	(void)state;
	wage_card c = pair_card();
	wage_result r;
	/* steps add up: above 200 pairs +0.05, above 300 another +0.03, 10.00
	 * yuan flat at 300, 20.00 more at 350 */
	c.n_steps = 4;
	c.steps[1] = (wage_step){WAGE_STEP_PER_UNIT, 300, 300};
	c.steps[2] = (wage_step){WAGE_STEP_FLAT, 300, 100000};
	c.steps[3] = (wage_step){WAGE_STEP_FLAT, 350, 200000};
	/* 320 pairs (640 pieces): base 320 x 0.35 = 112.00;
	 * bonus 120 x 0.05 + 20 x 0.03 + 10.00 = 6.00 + 0.60 + 10.00 = 16.60;
	 * total 128.60 */
	assert_int_equal(wage_pay_day(&c, 640, 0, 0, &r), GLOVED_OK);
	assert_int_equal(r.base_fen, 11200);
	assert_int_equal(r.bonus_fen, 1660);
	assert_int_equal(r.total_fen, 12860);
	/* 350 pairs: 122.50 + (7.50 + 1.50 + 10.00 + 20.00) = 122.50 + 39.00 */
	assert_int_equal(wage_pay_day(&c, 700, 0, 0, &r), GLOVED_OK);
	assert_int_equal(r.bonus_fen, 3900);
	assert_int_equal(r.total_fen, 16150);
}

static void test_month_day_steps_vs_month_steps(void **state)
{
	(void)state;
	wage_card c = pair_card();
	wage_result r;
	/* day 1: 501 good pieces (250 pairs + 1 glove), 0 rejects;
	 * day 2: 299 good pieces, 5 rejects; carried glove makes 300 = 150 pairs */
	wage_day days[] = {{501, 0}, {299, 5}};
	c.reject_deduct_y4 = 0;

	/* day steps: day 1 250 x 0.35 = 87.50 + 50 x 0.05 = 2.50 -> 90.00;
	 * day 2 150 x 0.35 = 52.50, below the step; month 142.50 */
	assert_int_equal(wage_pay_month(&c, days, 2, 0, &r), GLOVED_OK);
	assert_int_equal(r.good_pieces, 800);
	assert_int_equal(r.reject_pieces, 5);
	assert_int_equal(r.paid_qty, 400);
	assert_int_equal(r.remainder_pieces, 0);
	assert_int_equal(r.base_fen, 14000);
	assert_int_equal(r.bonus_fen, 250);
	assert_int_equal(r.total_fen, 14250);

	/* the same card with month steps: 800 pieces = 400 pairs;
	 * 140.00 + (400 - 200) x 0.05 = 140.00 + 10.00 = 150.00 */
	c.step_period = WAGE_PERIOD_MONTH;
	assert_int_equal(wage_pay_month(&c, days, 2, 0, &r), GLOVED_OK);
	assert_int_equal(r.paid_qty, 400);
	assert_int_equal(r.bonus_fen, 1000);
	assert_int_equal(r.total_fen, 15000);
	/* and a day of a month-step card carries no bonus: 87.50 */
	assert_int_equal(wage_pay_day(&c, 501, 0, 0, &r), GLOVED_OK);
	assert_int_equal(r.bonus_fen, 0);
	assert_int_equal(r.total_fen, 8750);

	/* remainder at the month end, with a carry from last month:
	 * 1 + 3 + 4 = 8 pieces = 4 pairs with day steps (1+3 = 2 pairs, then 2)
	 * but 1 + 3 + 5 = 9 leaves 1 glove either way */
	wage_day odd[] = {{3, 0}, {5, 0}};
	c.step_period = WAGE_PERIOD_DAY;
	assert_int_equal(wage_pay_month(&c, odd, 2, 1, &r), GLOVED_OK);
	assert_int_equal(r.good_pieces, 9);
	assert_int_equal(r.paid_qty, 4);
	assert_int_equal(r.remainder_pieces, 1);
	assert_int_equal(r.total_fen, 140);
	c.step_period = WAGE_PERIOD_MONTH;
	assert_int_equal(wage_pay_month(&c, odd, 2, 1, &r), GLOVED_OK);
	assert_int_equal(r.paid_qty, 4);
	assert_int_equal(r.remainder_pieces, 1);
	assert_int_equal(r.total_fen, 140);

	/* an empty month pays nothing and keeps the carry */
	assert_int_equal(wage_pay_month(&c, NULL, 0, 1, &r), GLOVED_OK);
	assert_int_equal(r.total_fen, 0);
	assert_int_equal(r.remainder_pieces, 1);
}

static void test_deductions_capped(void **state)
{
	(void)state;
	wage_card c = pair_card();
	wage_result r;
	/* 10 pairs (20 pieces) = 3.50 yuan; 300 rejects x 0.02 = 6.00 yuan:
	 * the deduction is capped at 3.50, total 0.00 */
	assert_int_equal(wage_pay_day(&c, 20, 300, 0, &r), GLOVED_OK);
	assert_int_equal(r.base_fen, 350);
	assert_int_equal(r.deduct_fen, 350);
	assert_int_equal(r.total_fen, 0);
	/* configured to allow it: 3.50 - 6.00 = -2.50 */
	c.allow_negative = 1;
	assert_int_equal(wage_pay_day(&c, 20, 300, 0, &r), GLOVED_OK);
	assert_int_equal(r.deduct_fen, 600);
	assert_int_equal(r.total_fen, -250);
	/* month with day steps and negatives allowed: -2.50 + 3.50 = 1.00 */
	wage_day days[] = {{20, 300}, {20, 0}};
	assert_int_equal(wage_pay_month(&c, days, 2, 0, &r), GLOVED_OK);
	assert_int_equal(r.total_fen, 100);
	/* not allowed: capped on each day, 0.00 + 3.50 */
	c.allow_negative = 0;
	assert_int_equal(wage_pay_month(&c, days, 2, 0, &r), GLOVED_OK);
	assert_int_equal(r.deduct_fen, 350);
	assert_int_equal(r.total_fen, 350);
	/* with month steps the cap is on the month: 7.00 - 6.00 = 1.00 */
	c.step_period = WAGE_PERIOD_MONTH;
	assert_int_equal(wage_pay_month(&c, days, 2, 0, &r), GLOVED_OK);
	assert_int_equal(r.deduct_fen, 600);
	assert_int_equal(r.total_fen, 100);
	/* no deduction configured: rejects are just unpaid */
	c.reject_deduct_y4 = 0;
	assert_int_equal(wage_pay_day(&c, 20, 300, 0, &r), GLOVED_OK);
	assert_int_equal(r.deduct_fen, 0);
	assert_int_equal(r.total_fen, 350);
}

static void test_rounding_half_up(void **state)
{
	(void)state;
	wage_card c;
	wage_result r;
	memset(&c, 0, sizeof c);
	/* 0.0125 yuan a piece */
	c.rate_unit = UNIT_PIECE;
	c.rate_y4 = 125;
	/* 1 piece 0.0125 -> 0.01; 2 pieces 0.0250 -> 0.03 (half up);
	 * 3 pieces 0.0375 -> 0.04; 4 pieces 0.0500 -> 0.05 */
	static const int64_t want[] = {0, 1, 3, 4, 5};
	for (int64_t n = 0; n <= 4; n++) {
		assert_int_equal(wage_pay_day(&c, n, 0, 0, &r), GLOVED_OK);
		assert_int_equal(r.remainder_pieces, 0);
		assert_int_equal(r.total_fen, want[n]);
	}
	/* 0.0049 rounds down, 0.0050 up */
	c.rate_y4 = 49;
	assert_int_equal(wage_pay_day(&c, 1, 0, 0, &r), GLOVED_OK);
	assert_int_equal(r.total_fen, 0);
	c.rate_y4 = 50;
	assert_int_equal(wage_pay_day(&c, 1, 0, 0, &r), GLOVED_OK);
	assert_int_equal(r.total_fen, 1);
	/* the bonus rounds the same way: 0.0050 yuan a pair above 0 pairs,
	 * 1 pair (2 pieces) pays 0.0125 x 2 = 0.0250 -> 0.03 base and
	 * 0.0050 -> 0.01 bonus */
	c.rate_unit = UNIT_PAIR;
	c.n_steps = 1;
	c.steps[0] = (wage_step){WAGE_STEP_PER_UNIT, 0, 50};
	c.rate_y4 = 250;
	assert_int_equal(wage_pay_day(&c, 2, 0, 0, &r), GLOVED_OK);
	assert_int_equal(r.base_fen, 3);
	assert_int_equal(r.bonus_fen, 1);
	assert_int_equal(r.total_fen, 4);
	/* and the deduction: 0.0050 per reject, 1 reject -> 0.01 */
	c.reject_deduct_y4 = 50;
	assert_int_equal(wage_pay_day(&c, 2, 1, 0, &r), GLOVED_OK);
	assert_int_equal(r.deduct_fen, 1);
	assert_int_equal(r.total_fen, 3);
	memset(&c, 0, sizeof c);
	c.rate_unit = UNIT_PIECE;
	/* a month of day steps rounds each day: 2 days of 2 pieces at 0.0125
	 * are 0.03 + 0.03 = 0.06, not 0.05 (documented in wage.md) */
	c.rate_y4 = 125;
	wage_day days[] = {{2, 0}, {2, 0}};
	assert_int_equal(wage_pay_month(&c, days, 2, 0, &r), GLOVED_OK);
	assert_int_equal(r.total_fen, 6);
	c.step_period = WAGE_PERIOD_MONTH;
	assert_int_equal(wage_pay_month(&c, days, 2, 0, &r), GLOVED_OK);
	assert_int_equal(r.total_fen, 5);
}

static void test_large_counts_and_overflow(void **state)
{
	(void)state;
	wage_card c = pair_card();
	wage_result r;
	/* 10^12 pieces = 5 x 10^11 pairs: base 5e11 x 3500 = 1.75e15 y4
	 * = 1.75e13 fen; bonus (5e11 - 200) x 500 y4 = 2.5e14 - 100000 y4
	 * = 2.5e12 - 1000 fen; total 2.0e13 - 1000 fen */
	assert_int_equal(wage_pay_day(&c, 1000000000000, 0, 0, &r), GLOVED_OK);
	assert_int_equal(r.paid_qty, 500000000000);
	assert_int_equal(r.base_fen, 17500000000000);
	assert_int_equal(r.bonus_fen, 2500000000000 - 1000);
	assert_int_equal(r.total_fen, 20000000000000 - 1000);

	/* INT64_MAX pieces x 0.35 a pair overflows: refused, result zeroed */
	r.total_fen = 99;
	assert_int_equal(wage_pay_day(&c, INT64_MAX, 0, 0, &r), GLOVED_ETOOBIG);
	assert_int_equal(r.total_fen, 0);
	assert_int_equal(r.paid_qty, 0);
	/* the count plus the carry overflows */
	assert_int_equal(wage_pay_day(&c, INT64_MAX, 0, 1, &r), GLOVED_ETOOBIG);
	/* rejects x deduction overflows */
	assert_int_equal(wage_pay_day(&c, 0, INT64_MAX, 0, &r), GLOVED_ETOOBIG);
	/* a month whose summed pieces overflow */
	wage_day days[] = {{INT64_MAX / 2 + 1, 0}, {INT64_MAX / 2 + 1, 0}};
	c.step_period = WAGE_PERIOD_MONTH;
	c.rate_y4 = 0;
	c.n_steps = 0;
	assert_int_equal(wage_pay_month(&c, days, 2, 0, &r), GLOVED_ETOOBIG);
	/* a per-unit bonus that overflows on its own (2 pairs x INT64_MAX):
	 * in the month it applies to, not on a day of a month-step card */
	c.n_steps = 1;
	c.steps[0] = (wage_step){WAGE_STEP_PER_UNIT, 0, INT64_MAX};
	wage_day four[] = {{4, 0}};
	assert_int_equal(wage_pay_month(&c, four, 1, 0, &r), GLOVED_ETOOBIG);
	assert_int_equal(wage_pay_day(&c, 4, 0, 0, &r), GLOVED_OK);
	c.step_period = WAGE_PERIOD_DAY;
	assert_int_equal(wage_pay_day(&c, 4, 0, 0, &r), GLOVED_ETOOBIG);
	/* 1 pair x INT64_MAX fits; the fen half-up of it does not overflow */
	assert_int_equal(wage_pay_day(&c, 2, 0, 0, &r), GLOVED_OK);
	/* ...807 y4 is ...8.07 fen: rounds down */
	assert_int_equal(r.bonus_fen, INT64_MAX / 100);
	/* a month of day steps whose summed fen overflow: each day pays one
	 * pair at INT64_MAX y4 = INT64_MAX / 100 fen, 101 days do not fit */
	wage_day many[101];
	for (size_t i = 0; i < 101; i++)
		many[i] = (wage_day){2, 0};
	c.n_steps = 0;
	c.rate_y4 = INT64_MAX;
	assert_int_equal(wage_pay_month(&c, many, 100, 0, &r), GLOVED_OK);
	assert_int_equal(r.total_fen, (INT64_MAX / 100) * 100);
	assert_int_equal(wage_pay_month(&c, many, 101, 0, &r), GLOVED_ETOOBIG);
	c.rate_y4 = 0;
	/* a rate of 0 with huge counts is fine: nothing to pay */
	c.n_steps = 0;
	assert_int_equal(wage_pay_day(&c, INT64_MAX - 1, 0, 1, &r), GLOVED_OK);
	assert_int_equal(r.paid_qty, INT64_MAX / 2);
	assert_int_equal(r.remainder_pieces, 1);
	assert_int_equal(r.total_fen, 0);
}

static void test_bad_input(void **state)
{
	(void)state;
	wage_card c = pair_card();
	wage_result r;
	assert_int_equal(wage_card_check(&c), GLOVED_OK);
	assert_int_equal(wage_pay_day(&c, -1, 0, 0, &r), GLOVED_EINVAL);
	assert_int_equal(wage_pay_day(&c, 0, -1, 0, &r), GLOVED_EINVAL);
	assert_int_equal(wage_pay_day(&c, 0, 0, -1, &r), GLOVED_EINVAL);
	assert_int_equal(wage_pay_day(NULL, 0, 0, 0, &r), GLOVED_EINVAL);
	assert_int_equal(wage_pay_day(&c, 0, 0, 0, NULL), GLOVED_EINVAL);
	assert_int_equal(wage_pay_month(&c, NULL, 1, 0, &r), GLOVED_EINVAL);
	wage_day neg[] = {{10, 0}, {-2, 0}};
	assert_int_equal(wage_pay_month(&c, neg, 2, 0, &r), GLOVED_EINVAL);

	wage_card b = c;
	b.rate_unit = (unit)7;
	assert_int_equal(wage_card_check(&b), GLOVED_EINVAL);
	b = c;
	b.rate_y4 = -1;
	assert_int_equal(wage_card_check(&b), GLOVED_EINVAL);
	b = c;
	b.n_steps = WAGE_MAX_STEPS + 1;
	assert_int_equal(wage_card_check(&b), GLOVED_EINVAL);
	b = c;
	b.steps[0].threshold = -5;
	assert_int_equal(wage_card_check(&b), GLOVED_EINVAL);
	b = c;
	b.steps[0].kind = (wage_step_kind)9;
	assert_int_equal(wage_card_check(&b), GLOVED_EINVAL);
	b = c;
	b.step_period = (wage_period)3;
	assert_int_equal(wage_card_check(&b), GLOVED_EINVAL);
	b = c;
	b.reject_deduct_y4 = -1;
	assert_int_equal(wage_pay_day(&b, 2, 0, 0, &r), GLOVED_EINVAL);
}

static void test_fen_format(void **state)
{
	(void)state;
	char buf[32];
	assert_int_equal(wage_fen_format(12345, buf, sizeof buf), 6);
	assert_string_equal(buf, "123.45");
	assert_int_equal(wage_fen_format(0, buf, sizeof buf), 4);
	assert_string_equal(buf, "0.00");
	wage_fen_format(7, buf, sizeof buf);
	assert_string_equal(buf, "0.07");
	wage_fen_format(-5, buf, sizeof buf);
	assert_string_equal(buf, "-0.05");
	wage_fen_format(-250, buf, sizeof buf);
	assert_string_equal(buf, "-2.50");
	wage_fen_format(INT64_MAX, buf, sizeof buf);
	assert_string_equal(buf, "92233720368547758.07");
	wage_fen_format(INT64_MIN, buf, sizeof buf);
	assert_string_equal(buf, "-92233720368547758.08");
	/* too small: -1 and still terminated */
	char small[5];
	assert_int_equal(wage_fen_format(12345, small, sizeof small), -1);
	assert_string_equal(small, "123.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_day_per_pair),
	    cmocka_unit_test(test_day_per_dozen),
	    cmocka_unit_test(test_several_steps),
	    cmocka_unit_test(test_month_day_steps_vs_month_steps),
	    cmocka_unit_test(test_deductions_capped),
	    cmocka_unit_test(test_rounding_half_up),
	    cmocka_unit_test(test_large_counts_and_overflow),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_fen_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
