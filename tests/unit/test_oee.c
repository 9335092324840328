/* SPDX-License-Identifier: Apache-2.0 */
/* test_oee.c: OEE (core/oee.c) against hand-worked examples: a shift with a
 * break, stops of two reasons, setup and offline time; states that span the
 * shift boundary; a partial bucket; the zero cases; performance above 100%;
 * a workshop merged from two machines with different ideal cycles; the one
 * rounding rule. Every figure is worked out in the comment above its
 * assertions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/oee.h"
#include "core/state.h"

#define MIN  (60 * 1000LL)
#define HOUR (60 * MIN)
/* 2026-11-23 00:00 UTC; the shift times below are offsets from it. */
#define T0 1795392000000LL

static void assert_ratio(oee_ratio r, int64_t num, int64_t den)
{
	assert_int_equal(r.num, num);
	assert_int_equal(r.den, den);
}

static int64_t bp_of(oee_ratio r)
{
	int64_t bp = -1;
	assert_int_equal(oee_ratio_bp(r, &bp), 0);
	return bp;
}

static void assert_times_add_up(const oee_result *r)
{
	assert_int_equal(r->run_ms + r->idle_ms + r->stop_ms + r->fault_ms + r->setup_ms +
			     r->off_ms + r->offline_ms + r->unknown_ms,
			 r->planned_ms);
	int64_t by_reason = r->unexplained_ms + r->other_ms;
	for (size_t i = 0; i < r->n_reasons; i++)
		by_reason += r->reasons[i].ms;
	assert_int_equal(by_reason, r->stop_ms + r->fault_ms);
}

/* A 12 h day shift 08:00-20:00 with a 1 h break 12:00-13:00:
 *   planned = 11 h = 660 min = 39,600,000 ms.
 * Inside it: stop reason 3 (yarn break) 25 min, stop reason 7 (no material)
 * 15 min (40 min of stops), setup 20 min, offline 15 min, and the rest run:
 *   run = 660 - 40 - 20 - 15 = 585 min = 35,100,000 ms.
 * The machine also ran through the break (not planned: not counted).
 * 500 good + 10 rejects = 510 pieces at an ideal cycle of 75 s:
 *   ideal = 510 x 75 s = 38,250 s = 38,250,000 ms (637.5 min > 585 min run)
 *   availability = 585 / 660 = 39/44 = 88.6363..% -> 8864 bp
 *   performance  = 38,250,000 / 35,100,000 = 85/78 = 108.974..% -> 10897 bp
 *                  (above 100%: the ideal cycle is too slow; reported as is)
 *   quality      = 500 / 510 = 50/51 = 98.0392..% -> 9804 bp
 *   OEE = 39/44 x 85/78 x 50/51 = (39/78)(85/51)(50/44) = 1/2 x 5/3 x 25/22
 *       = 125/132 = 94.6969..% -> 9470 bp
 *   speed loss  = 35,100,000 - 38,250,000 = -3,150,000 ms (negative: faster)
 *   reject loss = 10 x 75,000 = 750,000 ms
 * Offline (15 min) is its own category: not in stop_ms, not a reason. */
static const oee_span day_shift[] = {
    {T0 + 8 * HOUR, T0 + 12 * HOUR},
    {T0 + 13 * HOUR, T0 + 20 * HOUR},
};
static const oee_interval day_states[] = {
    {T0 + 8 * HOUR, T0 + 9 * HOUR, MS_RUN, 0},
    {T0 + 9 * HOUR, T0 + 9 * HOUR + 25 * MIN, MS_STOP, 3},
    {T0 + 9 * HOUR + 25 * MIN, T0 + 11 * HOUR, MS_RUN, 0},
    {T0 + 11 * HOUR, T0 + 11 * HOUR + 20 * MIN, MS_SETUP, 0},
    {T0 + 11 * HOUR + 20 * MIN, T0 + 14 * HOUR, MS_RUN, 0}, /* through the break */
    {T0 + 14 * HOUR, T0 + 14 * HOUR + 15 * MIN, MS_OFFLINE, 0},
    {T0 + 14 * HOUR + 15 * MIN, T0 + 17 * HOUR, MS_RUN, 0},
    {T0 + 17 * HOUR, T0 + 17 * HOUR + 15 * MIN, MS_STOP, 7},
    {T0 + 17 * HOUR + 15 * MIN, T0 + 20 * HOUR, MS_RUN, 0},
};

static void test_day_shift_with_break(void **state)
{
	(void)state;
	oee_input in = {day_shift, 2, day_states, 9, 500, 10, 75000};
	oee_result r;
	assert_int_equal(oee_compute(&in, &r), 0);
	assert_int_equal(r.planned_ms, 39600000);
	assert_int_equal(r.run_ms, 35100000);
	assert_int_equal(r.stop_ms, 40 * MIN);
	assert_int_equal(r.setup_ms, 20 * MIN);
	assert_int_equal(r.offline_ms, 15 * MIN);
	assert_int_equal(r.idle_ms + r.fault_ms + r.off_ms + r.unknown_ms, 0);
	assert_int_equal(r.n_reasons, 2);
	assert_int_equal(r.reasons[0].state, MS_STOP);
	assert_int_equal(r.reasons[0].reason, 3);
	assert_int_equal(r.reasons[0].ms, 25 * MIN);
	assert_int_equal(r.reasons[1].reason, 7);
	assert_int_equal(r.reasons[1].ms, 15 * MIN);
	assert_int_equal(r.unexplained_ms, 0);
	assert_int_equal(r.ideal_ms, 38250000);
	assert_int_equal(r.speed_loss_ms, -3150000);
	assert_int_equal(r.reject_loss_ms, 750000);
	assert_ratio(r.availability, 39, 44);
	assert_ratio(r.performance, 85, 78);
	assert_ratio(r.quality, 50, 51);
	assert_ratio(r.oee, 125, 132);
	assert_int_equal(bp_of(r.availability), 8864);
	assert_int_equal(bp_of(r.performance), 10897);
	assert_int_equal(bp_of(r.quality), 9804);
	assert_int_equal(bp_of(r.oee), 9470);
	assert_times_add_up(&r);
}

/* A night shift 20:00-04:00 (8 h = 480 min) whose states cross both ends:
 *   run     18:00-21:00  (2 h before the shift) -> counts 20:00-21:00 = 60 min
 *   idle    21:00-21:30                          -> 30 min
 *   (no state 21:30-21:40)                       -> unknown 10 min
 *   off     21:40-22:00                          -> 20 min (planned time stays)
 *   fault   22:00-22:30, no reason               -> 30 min, unexplained
 *   run     22:30-06:00  (2 h after the shift)   -> counts to 04:00 = 330 min
 *   run = 390 min; 60 + 30 + 10 + 20 + 30 + 330 = 480.
 * 1150 good + 50 rejects at 18 s: ideal = 1200 x 18 s = 21,600 s = 360 min.
 *   availability = 390/480 = 13/16 = 81.25% -> 8125 bp
 *   performance  = 360/390 = 12/13 = 92.307..% -> 9231 bp
 *   quality      = 1150/1200 = 23/24 = 95.833..% -> 9583 bp
 *   OEE = 13/16 x 12/13 x 23/24 = 276/384 = 23/32 = 71.875% -> 7188 bp (half up)
 *   speed loss  = 390 - 360 = 30 min = 1,800,000 ms
 *   reject loss = 50 x 18 s = 900,000 ms */
static const oee_span night_shift[] = {{T0 + 20 * HOUR, T0 + 28 * HOUR}};
static const oee_interval night_states[] = {
    {T0 + 18 * HOUR, T0 + 21 * HOUR, MS_RUN, 0},
    {T0 + 21 * HOUR, T0 + 21 * HOUR + 30 * MIN, MS_IDLE, 0},
    {T0 + 21 * HOUR + 40 * MIN, T0 + 22 * HOUR, MS_OFF, 0},
    {T0 + 22 * HOUR, T0 + 22 * HOUR + 30 * MIN, MS_FAULT, 0},
    {T0 + 22 * HOUR + 30 * MIN, T0 + 30 * HOUR, MS_RUN, 0},
};

static void test_states_span_shift_boundary(void **state)
{
	(void)state;
	oee_input in = {night_shift, 1, night_states, 5, 1150, 50, 18000};
	oee_result r;
	assert_int_equal(oee_compute(&in, &r), 0);
	assert_int_equal(r.planned_ms, 480 * MIN);
	assert_int_equal(r.run_ms, 390 * MIN);
	assert_int_equal(r.idle_ms, 30 * MIN);
	assert_int_equal(r.unknown_ms, 10 * MIN);
	assert_int_equal(r.off_ms, 20 * MIN);
	assert_int_equal(r.fault_ms, 30 * MIN);
	assert_int_equal(r.unexplained_ms, 30 * MIN);
	assert_int_equal(r.n_reasons, 0);
	assert_int_equal(r.ideal_ms, 360 * MIN);
	assert_int_equal(r.speed_loss_ms, 1800000);
	assert_int_equal(r.reject_loss_ms, 900000);
	assert_ratio(r.availability, 13, 16);
	assert_ratio(r.performance, 12, 13);
	assert_ratio(r.quality, 23, 24);
	assert_ratio(r.oee, 23, 32);
	assert_int_equal(bp_of(r.availability), 8125);
	assert_int_equal(bp_of(r.performance), 9231);
	assert_int_equal(bp_of(r.quality), 9583);
	assert_int_equal(bp_of(r.oee), 7188);
	assert_times_add_up(&r);
}

/* A partial bucket: the same night shift seen at 21:30, the window
 * [20:00, 21:30) = 90 min: run 60 (the 18:00 run clipped at both ends of its
 * overlap), idle 30. 180 good at 18 s: ideal = 3,240 s = 54 min.
 *   availability = 60/90 = 2/3 = 66.66..% -> 6667 bp
 *   performance  = 54/60 = 9/10 -> 9000 bp
 *   quality      = 180/180 = 1 -> 10000 bp
 *   OEE = 2/3 x 9/10 x 1 = 3/5 -> 6000 bp */
static void test_partial_window(void **state)
{
	(void)state;
	oee_span now[] = {{T0 + 20 * HOUR, T0 + 21 * HOUR + 30 * MIN}};
	oee_input in = {now, 1, night_states, 5, 180, 0, 18000};
	oee_result r;
	assert_int_equal(oee_compute(&in, &r), 0);
	assert_int_equal(r.planned_ms, 90 * MIN);
	assert_int_equal(r.run_ms, 60 * MIN);
	assert_int_equal(r.idle_ms, 30 * MIN);
	assert_ratio(r.availability, 2, 3);
	assert_ratio(r.performance, 9, 10);
	assert_ratio(r.quality, 1, 1);
	assert_ratio(r.oee, 3, 5);
	assert_int_equal(bp_of(r.availability), 6667);
	assert_int_equal(bp_of(r.oee), 6000);
	assert_times_add_up(&r);
}

/* Zero cases: nothing divides by zero; N/A is den == 0. */
static void test_zero_cases(void **state)
{
	(void)state;
	oee_result r;
	int64_t bp;
	double d;

	/* no planned time (a day off): all N/A, even with states and pieces
	 * outside it; quality depends on pieces only */
	oee_input none = {NULL, 0, night_states, 5, 0, 0, 18000};
	assert_int_equal(oee_compute(&none, &r), 0);
	assert_int_equal(r.planned_ms, 0);
	assert_int_equal(r.run_ms, 0);
	assert_int_equal(r.availability.den, 0);
	assert_int_equal(r.performance.den, 0);
	assert_int_equal(r.quality.den, 0);
	assert_int_equal(r.oee.den, 0);
	assert_int_equal(oee_ratio_bp(r.oee, &bp), -1);
	assert_int_equal(oee_ratio_double(r.oee, &d), -1);

	/* an empty span [t, t) is zero planned time too */
	oee_span empty[] = {{T0, T0}};
	oee_input e = {empty, 1, night_states, 5, 0, 0, 18000};
	assert_int_equal(oee_compute(&e, &r), 0);
	assert_int_equal(r.oee.den, 0);

	/* planned 30 min, all idle: availability 0/60 = 0, performance N/A (no
	 * run time), OEE 0 (nothing made in planned time) */
	oee_span halfhour[] = {{T0 + 21 * HOUR, T0 + 21 * HOUR + 30 * MIN}};
	oee_input idle = {halfhour, 1, night_states, 5, 0, 0, 18000};
	assert_int_equal(oee_compute(&idle, &r), 0);
	assert_ratio(r.availability, 0, 1);
	assert_int_equal(r.performance.den, 0);
	assert_int_equal(r.quality.den, 0);
	assert_ratio(r.oee, 0, 1);
	assert_int_equal(bp_of(r.oee), 0);

	/* ran 60 min, made nothing: performance 0, quality N/A, OEE 0 */
	oee_span ran[] = {{T0 + 20 * HOUR, T0 + 21 * HOUR}};
	oee_input nothing = {ran, 1, night_states, 5, 0, 0, 18000};
	assert_int_equal(oee_compute(&nothing, &r), 0);
	assert_ratio(r.availability, 1, 1);
	assert_ratio(r.performance, 0, 1);
	assert_int_equal(r.quality.den, 0);
	assert_ratio(r.oee, 0, 1);
	assert_int_equal(r.speed_loss_ms, 60 * MIN);

	/* pieces but no ideal cycle known: performance and OEE N/A */
	oee_input nocycle = {ran, 1, night_states, 5, 100, 0, 0};
	assert_int_equal(oee_compute(&nocycle, &r), 0);
	assert_int_equal(r.cycle_missing, 1);
	assert_ratio(r.availability, 1, 1);
	assert_int_equal(r.performance.den, 0);
	assert_ratio(r.quality, 1, 1);
	assert_int_equal(r.oee.den, 0);

	/* no state at all: the whole planned time is unknown */
	oee_input blind = {ran, 1, NULL, 0, 0, 0, 18000};
	assert_int_equal(oee_compute(&blind, &r), 0);
	assert_int_equal(r.unknown_ms, 60 * MIN);
	assert_ratio(r.availability, 0, 1);
	assert_ratio(r.oee, 0, 1);
}

/* Offline is not a stop: a 60 min window, 30 min run, 30 min offline. The
 * offline time stays in planned time (availability 1/2) and shows as
 * offline_ms, never in stop_ms, fault_ms or the reasons. */
static void test_offline_is_not_a_stop(void **state)
{
	(void)state;
	oee_span w[] = {{T0, T0 + HOUR}};
	oee_interval s[] = {
	    {T0, T0 + 30 * MIN, MS_RUN, 0},
	    {T0 + 30 * MIN, T0 + HOUR, MS_OFFLINE, 9},
	};
	oee_input in = {w, 1, s, 2, 100, 0, 18000};
	oee_result r;
	assert_int_equal(oee_compute(&in, &r), 0);
	assert_int_equal(r.offline_ms, 30 * MIN);
	assert_int_equal(r.stop_ms + r.fault_ms + r.unexplained_ms + r.other_ms, 0);
	assert_int_equal(r.n_reasons, 0);
	assert_ratio(r.availability, 1, 2);
	/* 100 x 18 s = 30 min ideal in 30 min run: performance 1; OEE 1/2 */
	assert_ratio(r.performance, 1, 1);
	assert_ratio(r.oee, 1, 2);
}

/* A workshop of the night-shift machine above (A) and a second machine B on
 * the same 8 h shift: run 360 min, stop reason 3 for 120 min, 700 good + 20
 * rejects at 25 s: ideal = 720 x 25 s = 18,000 s = 300 min.
 *   B alone: availability 360/480 = 3/4, performance 300/360 = 5/6,
 *            quality 700/720 = 35/36, OEE = 3/4 x 5/6 x 35/36 = 175/288.
 * Merged (sums, ideal time summed per machine with its own cycle):
 *   planned 960, run 390 + 360 = 750, ideal 360 + 300 = 660 min,
 *   good 1850, pieces 1920.
 *   availability = 750/960 = 25/32 = 78.125% -> 7813 bp
 *   performance  = 660/750 = 22/25 = 88% -> 8800 bp
 *   quality      = 1850/1920 = 185/192 = 96.354..% -> 9635 bp
 *   OEE = 25/32 x 22/25 x 185/192 = 4070/6144 = 2035/3072 = 66.243..% -> 6624 bp
 * (the mean of the two OEE would be (71.875 + 60.763) / 2 = 66.319%: not it)
 *   speed loss = 750 - 660 = 90 min; reject loss = 50 x 18 s + 20 x 25 s
 *   = 900 + 500 s = 1,400,000 ms. */
static void test_merge_two_machines(void **state)
{
	(void)state;
	oee_interval b_states[] = {
	    {T0 + 20 * HOUR, T0 + 24 * HOUR, MS_RUN, 0},
	    {T0 + 24 * HOUR, T0 + 26 * HOUR, MS_STOP, 3},
	    {T0 + 26 * HOUR, T0 + 28 * HOUR, MS_RUN, 0},
	};
	oee_input ia = {night_shift, 1, night_states, 5, 1150, 50, 18000};
	oee_input ib = {night_shift, 1, b_states, 3, 700, 20, 25000};
	oee_result a, b, ab, ba, ws;
	assert_int_equal(oee_compute(&ia, &a), 0);
	assert_int_equal(oee_compute(&ib, &b), 0);
	assert_ratio(b.oee, 175, 288);

	ab = a;
	assert_int_equal(oee_merge(&ab, &b), 0);
	assert_int_equal(ab.machines, 2);
	assert_int_equal(ab.planned_ms, 960 * MIN);
	assert_int_equal(ab.run_ms, 750 * MIN);
	assert_int_equal(ab.ideal_ms, 660 * MIN);
	assert_int_equal(ab.good, 1850);
	assert_int_equal(ab.reject, 70);
	assert_int_equal(ab.speed_loss_ms, 90 * MIN);
	assert_int_equal(ab.reject_loss_ms, 1400000);
	assert_int_equal(ab.unexplained_ms, 30 * MIN);
	assert_int_equal(ab.n_reasons, 1);
	assert_int_equal(ab.reasons[0].reason, 3);
	assert_int_equal(ab.reasons[0].ms, 120 * MIN);
	assert_ratio(ab.availability, 25, 32);
	assert_ratio(ab.performance, 22, 25);
	assert_ratio(ab.quality, 185, 192);
	assert_ratio(ab.oee, 2035, 3072);
	assert_int_equal(bp_of(ab.availability), 7813);
	assert_int_equal(bp_of(ab.performance), 8800);
	assert_int_equal(bp_of(ab.quality), 9635);
	assert_int_equal(bp_of(ab.oee), 6624);
	assert_times_add_up(&ab);

	/* order does not matter, and a zeroed result is the identity (a firm
	 * starts from zero and merges its workshops) */
	ba = b;
	assert_int_equal(oee_merge(&ba, &a), 0);
	assert_ratio(ba.oee, 2035, 3072);
	memset(&ws, 0, sizeof ws);
	assert_int_equal(oee_merge(&ws, &a), 0);
	assert_int_equal(oee_merge(&ws, &b), 0);
	assert_int_equal(memcmp(&ws.oee, &ab.oee, sizeof ws.oee), 0);
	assert_int_equal(ws.run_ms, ab.run_ms);

	/* a machine without an ideal cycle makes the workshop's performance
	 * N/A rather than silently too high */
	oee_input ic = {night_shift, 1, b_states, 3, 10, 0, 0};
	oee_result c;
	assert_int_equal(oee_compute(&ic, &c), 0);
	assert_int_equal(oee_merge(&ws, &c), 0);
	assert_int_equal(ws.cycle_missing, 1);
	assert_int_equal(ws.performance.den, 0);
	assert_int_equal(ws.oee.den, 0);
	assert_ratio(ws.availability, 37, 48); /* (750 + 360) / 1440 */
}

/* The rounding rule and the double. */
static void test_rounding(void **state)
{
	(void)state;
	double d;
	assert_int_equal(bp_of((oee_ratio){23, 32}), 7188); /* 71.875 -> 71.88 */
	assert_int_equal(bp_of((oee_ratio){1, 3}), 3333);   /* 33.333.. */
	assert_int_equal(bp_of((oee_ratio){2, 3}), 6667);   /* 66.666.. */
	assert_int_equal(bp_of((oee_ratio){1, 20000}), 1);  /* exactly half a bp: up */
	assert_int_equal(bp_of((oee_ratio){1, 20001}), 0);  /* just below half: down */
	assert_int_equal(bp_of((oee_ratio){0, 1}), 0);
	int64_t bp;
	assert_int_equal(oee_ratio_bp((oee_ratio){INT64_MAX, 1}, &bp), -1); /* does not fit */
	assert_int_equal(oee_ratio_bp((oee_ratio){1, -1}, &bp), -1);
	assert_int_equal(oee_ratio_double((oee_ratio){23, 32}, &d), 0);
	assert_true(d == 0.71875);
}

/* Bad input is refused, not half-counted. */
static void test_invalid_input(void **state)
{
	(void)state;
	oee_result r;
	oee_span reversed[] = {{T0 + HOUR, T0}};
	oee_span overlap[] = {{T0, T0 + 2 * HOUR}, {T0 + HOUR, T0 + 3 * HOUR}};
	oee_interval s_overlap[] = {{T0, T0 + 2 * HOUR, MS_RUN, 0},
				    {T0 + HOUR, T0 + 3 * HOUR, MS_IDLE, 0}};
	oee_interval s_bad[] = {{T0, T0 + HOUR, 8, 0}};
	oee_input in;

	in = (oee_input){reversed, 1, NULL, 0, 0, 0, 1000};
	assert_int_equal(oee_compute(&in, &r), -1);
	in = (oee_input){overlap, 2, NULL, 0, 0, 0, 1000};
	assert_int_equal(oee_compute(&in, &r), -1);
	in = (oee_input){night_shift, 1, s_overlap, 2, 0, 0, 1000};
	assert_int_equal(oee_compute(&in, &r), -1);
	in = (oee_input){night_shift, 1, s_bad, 1, 0, 0, 1000};
	assert_int_equal(oee_compute(&in, &r), -1);
	in = (oee_input){night_shift, 1, NULL, 0, -1, 0, 1000};
	assert_int_equal(oee_compute(&in, &r), -1);
	in = (oee_input){night_shift, 1, NULL, 0, INT64_MAX / 2, 0, 1000};
	assert_int_equal(oee_compute(&in, &r), -1);
	assert_int_equal(r.planned_ms, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_day_shift_with_break),
	    cmocka_unit_test(test_states_span_shift_boundary),
	    cmocka_unit_test(test_partial_window),
	    cmocka_unit_test(test_zero_cases),
	    cmocka_unit_test(test_offline_is_not_a_stop),
	    cmocka_unit_test(test_merge_two_machines),
	    cmocka_unit_test(test_rounding),
	    cmocka_unit_test(test_invalid_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
