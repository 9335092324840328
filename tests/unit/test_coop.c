/* SPDX-License-Identifier: Apache-2.0 */
/* test_coop.c: the rules of cooperation (core/coop.h) and the optimal
 * split (app/alloc.h, CBC): free capacity worked by hand for machines and
 * for sewing operators, committed pairs taken from the earliest weeks;
 * small splits solved by hand (the cheapest on-time pair of firms, the
 * least late single firm), the infeasible ones with the constraint that
 * binds (capacity, partners, minimum order, no firm); random problems
 * whose answer is always a valid split and never worse than the greedy
 * one; royalties per dozen and flat. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/alloc.h"
#include "core/coop.h"

static void fill(coop_firm_in *f, int64_t id, int64_t per_week, int64_t min, int64_t price)
{
	memset(f, 0, sizeof *f);
	f->id = id;
	for (int w = 0; w < COOP_WEEKS; w++)
		f->cap[w] = per_week;
	f->min_pairs = min;
	f->price_fen = price;
}

static int64_t firm_total(const int64_t *x, size_t i)
{
	int64_t t = 0;
	for (int w = 0; w < COOP_WEEKS; w++)
		t += x[i * COOP_WEEKS + (size_t)w];
	return t;
}

static void test_capacity(void **state)
{
	(void)state;
	/* two knitting machines at 60 s a glove, one 8-hour shift seven
	 * days a week (56 h), nothing measured (OEE 65 %):
	 * 2 x 56 h x 60 gloves/h = 6720 gloves x 0.65 = 4368 = 2184 pairs */
	int64_t cyc[2] = {60000, 60000};
	int64_t planned = 56LL * 3600 * 1000;
	assert_int_equal(coop_machine_pairs(cyc, 2, planned, COOP_DEFAULT_OEE_PM), 2184);
	/* a machine without a cycle takes the default 120 s: half */
	int64_t none[1] = {0};
	assert_int_equal(coop_machine_pairs(none, 1, planned, 1000), 56 * 30 / 2);
	/* 20 operators x 48 h x 55 % / 30 min a pair = 1056 pairs */
	assert_int_equal(coop_operator_pairs(20, 48LL * 3600 * 1000, 550, 3000), 1056);
	assert_int_equal(coop_operator_pairs(20, 48LL * 3600 * 1000, 550, 0), 0);
	/* measured sewing efficiency: 6 worker-days of 8 h (2880 min) that
	 * earned 2400 pairs of a 0.90-minute operation and 600 of a 1.20 one
	 * = 2160 + 720 = 2880 standard minutes of 2880 attended: 1000 per
	 * mille; half the pairs: 500; under 5 worker-days: not measured;
	 * twice the standard: cut at 1500 */
	int64_t day8 = 8 * 3600000LL;
	assert_int_equal(coop_measured_eff_pm(2400 * 90 + 600 * 120, 6 * day8), 1000);
	assert_int_equal(coop_measured_eff_pm((2400 * 90 + 600 * 120) / 2, 6 * day8), 500);
	assert_int_equal(coop_measured_eff_pm(1200 * 90, 4 * day8), -1);
	assert_int_equal(coop_measured_eff_pm(2 * 288000, 6 * day8), 1500);
	/* 20 operators x 48 h at the measured 720 per mille, a style of
	 * 24.00 min: 20 x 2880 x 0.72 / 24 = 1728 pairs */
	assert_int_equal(coop_measured_eff_pm(5 * 2880 * 72, 5 * 48 * 3600000LL), 720);
	assert_int_equal(coop_operator_pairs(20, 48LL * 3600 * 1000, 720, 2400), 1728);
	/* a committed order of 3000 pairs takes week 0 and 816 of week 1 */
	int64_t gross[COOP_WEEKS], fr[COOP_WEEKS];
	for (int w = 0; w < COOP_WEEKS; w++)
		gross[w] = 2184;
	assert_int_equal(coop_free(gross, COOP_WEEKS, 3000, fr), 0);
	assert_int_equal(fr[0], 0);
	assert_int_equal(fr[1], 1368);
	assert_int_equal(fr[2], 2184);
	assert_int_equal(fr[11], 2184);
	/* more committed than the horizon holds: the rest is reported */
	assert_int_equal(coop_free(gross, COOP_WEEKS, 30000, fr), 30000 - 12 * 2184);
	assert_int_equal(fr[11], 0);
}

static void test_cheapest_on_time(void **state)
{
	(void)state;
	/* 1000 pairs due in week 1, at most 2 partners. A: 300 a week at
	 * 12.00/dozen, B: 500 at 15.00, C: 200 at 10.00. On time needs
	 * 1000 pairs in weeks 0-1: A+C make exactly 600+400 for
	 * 600x1200 + 400x1000 = 1,120,000 (A+B: 1,320,000; B+C: 1,300,000;
	 * B alone 1,500,000). */
	coop_firm_in f[3];
	fill(&f[0], 1, 300, 0, 1200);
	fill(&f[1], 2, 500, 0, 1500);
	fill(&f[2], 3, 200, 0, 1000);
	coop_problem p = {.pairs = 1000, .due_week = 1, .max_partners = 2, .n = 3, .firms = f};
	int64_t x[3 * COOP_WEEKS];
	alloc_result r;
	assert_int_equal(alloc_solve(&p, NULL, x, &r), 0);
	assert_int_equal(r.status, ALLOC_OPTIMAL);
	assert_true(r.ev.ok);
	assert_int_equal(r.ev.lateness, 0);
	assert_int_equal(r.ev.cost12, 1120000);
	assert_int_equal(firm_total(x, 0), 600);
	assert_int_equal(firm_total(x, 1), 0);
	assert_int_equal(firm_total(x, 2), 400);
	assert_int_equal(r.ev.partners, 2);
	/* the greedy split takes B alone: on time but dearer */
	assert_true(r.greedy.ok);
	assert_int_equal(r.greedy.lateness, 0);
	assert_int_equal(r.greedy.cost12, 1500000);
	assert_false(r.from_greedy);
}

static void test_least_late(void **state)
{
	(void)state;
	/* 1000 pairs due in week 0, one partner. A: 400 a week (cheap) ends
	 * 400 late by one week and 200 by two = 800 pair-weeks; B: 600 a
	 * week, 400 late by one = 400. B wins whatever it costs. */
	coop_firm_in f[2];
	fill(&f[0], 1, 400, 0, 1000);
	fill(&f[1], 2, 600, 0, 2000);
	coop_problem p = {.pairs = 1000, .due_week = 0, .max_partners = 1, .n = 2, .firms = f};
	int64_t x[2 * COOP_WEEKS];
	alloc_result r;
	assert_int_equal(alloc_solve(&p, NULL, x, &r), 0);
	assert_true(r.ev.ok);
	assert_int_equal(r.ev.lateness, 400);
	assert_int_equal(r.ev.late_pairs, 400);
	assert_int_equal(r.ev.last_week, 1);
	assert_int_equal(firm_total(x, 1), 1000);
	assert_int_equal(x[1 * COOP_WEEKS + 0], 600);
	assert_int_equal(r.ev.cost12, 2000000);
}

static void test_infeasible(void **state)
{
	(void)state;
	coop_firm_in f[2];
	int64_t x[2 * COOP_WEEKS];
	alloc_result r;
	/* capacity: 2 x 12 x 400 = 9600 < 10000 */
	fill(&f[0], 1, 400, 0, 1000);
	fill(&f[1], 2, 400, 0, 1000);
	coop_problem p = {.pairs = 10000, .due_week = 5, .max_partners = 2, .n = 2, .firms = f};
	assert_int_equal(alloc_solve(&p, NULL, x, &r), 0);
	assert_int_equal(r.status, ALLOC_INFEASIBLE);
	assert_string_equal(r.binding, "capacity");
	assert_non_null(strstr(r.why, "9600"));
	/* partners: each has 4800, 9000 needs both, one allowed */
	p.pairs = 9000;
	p.max_partners = 1;
	assert_int_equal(alloc_solve(&p, NULL, x, &r), 0);
	assert_int_equal(r.status, ALLOC_INFEASIBLE);
	assert_string_equal(r.binding, "max_partners");
	assert_string_equal(r.why, "the largest able firm has 4800 pairs of free capacity; the "
				   "order needs 9000: allow more partners");
	/* one firm, short: singular */
	coop_problem one = {.pairs = 9000, .due_week = 5, .max_partners = 1, .n = 1, .firms = f};
	assert_int_equal(alloc_solve(&one, NULL, x, &r), 0);
	assert_string_equal(r.binding, "capacity");
	assert_string_equal(r.why, "the 1 able firm has 4800 pairs of free capacity in the next 12 "
				   "weeks; the order needs 9000");
	/* minimum order: A has 1200 in all, so B must help, but B takes
	 * nothing under 5000 and the order is 1500 */
	fill(&f[0], 1, 100, 0, 1000);
	fill(&f[1], 2, 1000, 5000, 1000);
	coop_problem q = {.pairs = 1500, .due_week = 3, .max_partners = 2, .n = 2, .firms = f};
	assert_int_equal(coop_greedy(&q, x), -1);
	assert_int_equal(alloc_solve(&q, NULL, x, &r), 0);
	assert_int_equal(r.status, ALLOC_INFEASIBLE);
	assert_string_equal(r.binding, "minimum_order");
	/* no firm at all */
	coop_problem z = {.pairs = 10, .due_week = 3, .max_partners = 2, .n = 0, .firms = f};
	assert_int_equal(alloc_solve(&z, NULL, x, &r), 0);
	assert_int_equal(r.status, ALLOC_INFEASIBLE);
	assert_string_equal(r.binding, "no_firm");
}

static void test_no_firm_why(void **state)
{
	(void)state;
	coop_reason r[4] = {
	    {1, "not sharing capacity"},
	    {2, "with a quality record below 95 %"},
	    {4, "without certification SA8000"},
	    {0, "asking more than 27.00 a dozen"},
	};
	char why[320];
	coop_no_firm_why(r, 4, 2, why, sizeof why);
	assert_string_equal(why, "no willing firm qualifies: 4 firms without certification SA8000, "
				 "2 firms with a quality record below 95 %, and 1 more for other "
				 "reasons");
	coop_no_firm_why(r, 4, 3, why, sizeof why);
	assert_string_equal(why, "no willing firm qualifies: 4 firms without certification SA8000, "
				 "2 firms with a quality record below 95 %, 1 firm not sharing "
				 "capacity");
	/* ties keep the given order */
	r[2].firms = 2;
	coop_no_firm_why(r, 4, 1, why, sizeof why);
	assert_string_equal(why, "no willing firm qualifies: 2 firms with a quality record below "
				 "95 %, and 3 more for other reasons");
	coop_reason none[2] = {{0, "a"}, {0, "b"}};
	coop_no_firm_why(none, 2, 3, why, sizeof why);
	assert_string_equal(why, "no firm in the cluster shares its capacity and has the "
				 "capability the order asks for");
	/* a short buffer is cut, never overrun */
	char small[20];
	coop_no_firm_why(r, 4, 3, small, sizeof small);
	assert_int_equal(strlen(small), sizeof small - 1);
}

static void test_minimum_respected(void **state)
{
	(void)state;
	/* B is cheapest (900 a week, at least 800 an order); 1000 pairs due
	 * in week 0 with two partners: B makes its 900, A the last 100 */
	coop_firm_in f[2];
	fill(&f[0], 1, 500, 0, 2000);
	fill(&f[1], 2, 900, 800, 1000);
	coop_problem p = {.pairs = 1000, .due_week = 0, .max_partners = 2, .n = 2, .firms = f};
	int64_t x[2 * COOP_WEEKS];
	alloc_result r;
	assert_int_equal(alloc_solve(&p, NULL, x, &r), 0);
	assert_true(r.ev.ok);
	assert_int_equal(r.ev.lateness, 0);
	assert_int_equal(firm_total(x, 1), 900);
	assert_int_equal(firm_total(x, 0), 100);
	assert_int_equal(r.ev.cost12, 900 * 1000 + 100 * 2000);
}

static uint64_t rng = 88172645463325252ULL;
static int64_t rnd(int64_t lo, int64_t hi)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return lo + (int64_t)(rng % (uint64_t)(hi - lo + 1));
}

static void test_random(void **state)
{
	(void)state;
	int solved = 0, better = 0, infeasible = 0;
	for (int t = 0; t < 40; t++) {
		size_t n = (size_t)rnd(2, 14);
		coop_firm_in f[14];
		int64_t all = 0;
		for (size_t i = 0; i < n; i++) {
			memset(&f[i], 0, sizeof f[i]);
			f[i].id = (int64_t)i + 1;
			for (int w = 0; w < COOP_WEEKS; w++) {
				f[i].cap[w] = rnd(0, 3) == 0 ? 0 : rnd(50, 900);
				all += f[i].cap[w];
			}
			f[i].min_pairs = rnd(0, 2) == 0 ? rnd(100, 2000) : 0;
			f[i].price_fen = rnd(800, 2400);
		}
		coop_problem p = {.pairs = rnd(500, all / 2 + 600),
				  .due_week = (int)rnd(-1, 13),
				  .max_partners = (int)rnd(1, 5),
				  .n = n,
				  .firms = f};
		int64_t x[14 * COOP_WEEKS], g[14 * COOP_WEEKS];
		alloc_opts o = {.seconds_per_phase = 5};
		alloc_result r;
		assert_int_equal(alloc_solve(&p, &o, x, &r), 0);
		int gok = coop_greedy(&p, g) == 0;
		coop_eval ge;
		if (gok) {
			coop_evaluate(&p, g, &ge);
			assert_true(ge.ok); /* a greedy split is always valid */
		}
		if (r.status == ALLOC_OPTIMAL || r.status == ALLOC_FEASIBLE) {
			coop_eval e;
			coop_evaluate(&p, x, &e);
			assert_true(e.ok);
			assert_int_equal(e.lateness, r.ev.lateness);
			assert_int_equal(e.cost12, r.ev.cost12);
			if (gok) {
				assert_true(coop_compare(&e, &ge) <= 0);
				better += coop_compare(&e, &ge) < 0;
			}
			solved++;
		} else {
			assert_int_equal(r.status, ALLOC_INFEASIBLE);
			assert_false(gok); /* greedy found none either */
			assert_true(r.binding[0] != '\0');
			infeasible++;
		}
	}
	print_message("random: %d solved (%d better than greedy), %d infeasible\n", solved, better,
		      infeasible);
	assert_true(solved > 10);
}

static void test_royalty(void **state)
{
	(void)state;
	assert_int_equal(coop_royalty("per_dozen", 150, 1200, 0), 15000);
	assert_int_equal(coop_royalty("per_dozen", 150, 1001, 1), 12513); /* 12512.5 up */
	assert_int_equal(coop_royalty("flat", 50000, 1001, 1), 50000);
	assert_int_equal(coop_royalty("flat", 50000, 1001, 0), 0);
	assert_int_equal(coop_royalty("none", 50000, 1001, 1), 0);
	assert_int_equal(coop_royalty("bogus", 1, 1, 1), -1);
	/* the month of a use is the firm's local one: 2026-11-30 17:00 UTC is
	 * 2026-12-01 01:00 in UTC+8, still November in UTC and in UTC-5 */
	tz_zone cn, utc, ny;
	tz_zone_fixed(&cn, "UTC+8", 8 * 3600);
	tz_zone_fixed(&utc, "UTC", 0);
	tz_zone_fixed(&ny, "UTC-5", -5 * 3600);
	int64_t t = (tz_days_from_civil((tz_date){2026, 11, 30}) * 86400LL + 17 * 3600) * 1000;
	assert_int_equal(coop_royalty_month(&cn, t), 202612);
	assert_int_equal(coop_royalty_month(&utc, t), 202611);
	assert_int_equal(coop_royalty_month(&ny, t), 202611);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_capacity),          cmocka_unit_test(test_cheapest_on_time),
	    cmocka_unit_test(test_least_late),        cmocka_unit_test(test_infeasible),
	    cmocka_unit_test(test_minimum_respected), cmocka_unit_test(test_random),
	    cmocka_unit_test(test_royalty),           cmocka_unit_test(test_no_firm_why),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
