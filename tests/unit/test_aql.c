/* SPDX-License-Identifier: Apache-2.0 */
/* test_aql.c: ISO 2859-1:1999 single sampling (core/aql.c) against the
 * published tables, written out here independently of aql.c's encoding:
 * Table I at every lot-size boundary for every level, cells of Tables
 * II-A, II-B and II-C (plain cells and cells reached through arrows, with
 * the letter and sample of the row the arrow points to), 100 % inspection
 * of small lots, the 26 AQL values' spellings, and the clause 9 switching
 * rules with the switching score. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "core/aql.h"

/* ---- Table I ---- */

static void test_code_letters(void **state)
{
	(void)state;
	static const struct {
		int64_t lo, hi;
		const char *letters; /* S-1 S-2 S-3 S-4 I II III */
	} rows[] = {
	    {2, 8, "AAAAAAB"},          {9, 15, "AAAAABC"},          {16, 25, "AABBBCD"},
	    {26, 50, "ABBCCDE"},        {51, 90, "BBCCCEF"},         {91, 150, "BBCDDFG"},
	    {151, 280, "BCDEEGH"},      {281, 500, "BCDEFHJ"},       {501, 1200, "CCEFGJK"},
	    {1201, 3200, "CDEGHKL"},    {3201, 10000, "CDFGJLM"},    {10001, 35000, "CDFHKMN"},
	    {35001, 150000, "DEGJLNP"}, {150001, 500000, "DEGJMPQ"}, {500001, 0, "DEHKNQR"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		for (int l = 0; l < AQL_LEVEL_COUNT; l++) {
			char want = rows[i].letters[l];
			assert_int_equal(aql_code_letter(rows[i].lo, (aql_level)l), want);
			int64_t hi = rows[i].hi ? rows[i].hi : INT64_C(4000000000);
			assert_int_equal(aql_code_letter(hi, (aql_level)l), want);
		}
	assert_int_equal(aql_code_letter(1, AQL_II), 0);
	assert_int_equal(aql_code_letter(0, AQL_II), 0);
	assert_int_equal(aql_code_letter(-5, AQL_II), 0);
	assert_int_equal(aql_code_letter(100, AQL_LEVEL_COUNT), 0);
}

/* ---- Tables II-A, II-B, II-C ---- */

/* A lot size that gives each letter at level II (and a big lot at III for R). */
static int64_t lot_for(char letter, aql_level *lv)
{
	static const char l2[] = "ABCDEFGHJKLMNPQ";
	static const int64_t lots[] = {8,    15,   25,    50,    90,     150,    280,   500,
				       1200, 3200, 10000, 35000, 150000, 500000, 900000};
	*lv = AQL_II;
	if (letter == 'R') {
		*lv = AQL_III;
		return 900000;
	}
	const char *p = strchr(l2, letter);
	assert_non_null(p);
	return lots[p - l2];
}

typedef struct cell {
	char letter; /* Table I letter of the lot */
	const char *aql;
	char got_letter; /* the row the table (and its arrows) lead to */
	int32_t sample, ac, re;
} cell;

static void check_cells(aql_severity s, const cell *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		aql_level lv;
		int64_t lot = lot_for(c[i].letter, &lv);
		/* a lot big enough that 100 % inspection does not apply */
		if (c[i].sample > lot)
			lot = c[i].sample, lv = AQL_II;
		int32_t m;
		assert_int_equal(aql_value_parse(c[i].aql, &m), 0);
		aql_plan p;
		if (lot == c[i].sample && aql_code_letter(lot, lv) != c[i].letter) {
			/* find a level giving the letter for this lot size */
			int found = 0;
			for (int l = 0; l < AQL_LEVEL_COUNT && !found; l++)
				for (int64_t k = 2; k < 2000000 && !found; k = k * 2 + 1)
					if (k >= c[i].sample &&
					    aql_code_letter(k, (aql_level)l) == c[i].letter)
						lot = k, lv = (aql_level)l, found = 1;
			assert_true(found);
		}
		assert_int_equal(aql_plan_get(lot, lv, s, m, &p), 0);
		if (p.letter != c[i].got_letter || p.sample != c[i].sample || p.ac != c[i].ac ||
		    p.re != c[i].re)
			fail_msg("%s %c %s: got %c %d %d/%d, want %c %d %d/%d",
				 aql_severity_name(s), c[i].letter, c[i].aql, p.letter, p.sample,
				 p.ac, p.re, c[i].got_letter, c[i].sample, c[i].ac, c[i].re);
	}
}

static void test_normal(void **state)
{
	(void)state;
	static const cell c[] = {
	    {'J', "1.0", 'J', 80, 2, 3},      {'K', "0.65", 'K', 125, 2, 3},
	    {'J', "2.5", 'J', 80, 5, 6},      {'K', "2.5", 'K', 125, 7, 8},
	    {'L', "2.5", 'L', 200, 10, 11},   {'M', "2.5", 'M', 315, 14, 15},
	    {'N', "2.5", 'N', 500, 21, 22},   {'P', "2.5", 'N', 500, 21, 22},
	    {'H', "4.0", 'H', 50, 5, 6},      {'H', "0.25", 'H', 50, 0, 1},
	    {'H', "0.40", 'G', 32, 0, 1},     {'H', "0.65", 'J', 80, 1, 2},
	    {'G', "1.0", 'H', 50, 1, 2},      {'G', "1.5", 'G', 32, 1, 2},
	    {'E', "1.0", 'E', 13, 0, 1},      {'D', "1.0", 'E', 13, 0, 1},
	    {'A', "6.5", 'A', 2, 0, 1},       {'B', "6.5", 'A', 2, 0, 1},
	    {'B', "10", 'C', 5, 1, 2},        {'C', "10", 'C', 5, 1, 2},
	    {'A', "25", 'A', 2, 1, 2},        {'A', "40", 'A', 2, 2, 3},
	    {'A', "65", 'A', 2, 3, 4},        {'A', "100", 'A', 2, 5, 6},
	    {'A', "150", 'A', 2, 7, 8},       {'A', "250", 'A', 2, 10, 11},
	    {'A', "400", 'A', 2, 14, 15},     {'A', "650", 'A', 2, 21, 22},
	    {'A', "1000", 'A', 2, 30, 31},    {'B', "1000", 'B', 3, 44, 45},
	    {'C', "1000", 'B', 3, 44, 45},    {'E', "250", 'E', 13, 44, 45},
	    {'F', "100", 'E', 13, 21, 22},    {'F', "65", 'F', 20, 21, 22},
	    {'L', "10", 'K', 125, 21, 22},    {'K', "10", 'K', 125, 21, 22},
	    {'Q', "0.010", 'Q', 1250, 0, 1},  {'R', "0.010", 'Q', 1250, 0, 1},
	    {'P', "0.010", 'Q', 1250, 0, 1},  {'R', "0.025", 'R', 2000, 1, 2},
	    {'R', "0.65", 'R', 2000, 21, 22}, {'R', "1.0", 'Q', 1250, 21, 22},
	    {'J', "0.15", 'J', 80, 0, 1},     {'J', "0.40", 'K', 125, 1, 2},
	    {'M', "1.0", 'M', 315, 7, 8},
	};
	check_cells(AQL_NORMAL, c, sizeof c / sizeof c[0]);
}

static void test_tightened(void **state)
{
	(void)state;
	static const cell c[] = {
	    {'J', "1.0", 'J', 80, 1, 2},     {'J', "2.5", 'J', 80, 3, 4},
	    {'K', "2.5", 'K', 125, 5, 6},    {'L', "2.5", 'L', 200, 8, 9},
	    {'M', "2.5", 'M', 315, 12, 13},  {'N', "2.5", 'N', 500, 18, 19},
	    {'P', "2.5", 'N', 500, 18, 19},  {'J', "0.25", 'J', 80, 0, 1},
	    {'J', "0.40", 'H', 50, 0, 1},    {'J', "0.65", 'K', 125, 1, 2},
	    {'K', "0.65", 'K', 125, 1, 2},   {'G', "0.65", 'G', 32, 0, 1},
	    {'B', "6.5", 'B', 3, 0, 1},      {'A', "10", 'A', 2, 0, 1},
	    {'A', "1000", 'A', 2, 27, 28},   {'B', "1000", 'B', 3, 41, 42},
	    {'Q', "0.010", 'R', 2000, 0, 1}, {'R', "0.010", 'R', 2000, 0, 1},
	    {'R', "0.025", 'S', 3150, 1, 2}, {'Q', "0.025", 'P', 800, 0, 1},
	    {'R', "0.040", 'R', 2000, 1, 2}, {'K', "15", 'J', 80, 18, 19},
	    {'L', "10", 'K', 125, 18, 19},   {'H', "10", 'H', 50, 8, 9},
	};
	check_cells(AQL_TIGHTENED, c, sizeof c / sizeof c[0]);
}

static void test_reduced(void **state)
{
	(void)state;
	static const cell c[] = {
	    {'J', "1.0", 'J', 32, 2, 3},    {'K', "2.5", 'K', 50, 7, 8},
	    {'A', "6.5", 'A', 2, 0, 1},     {'B', "4.0", 'B', 2, 0, 1},
	    {'C', "2.5", 'C', 2, 0, 1},     {'D', "1.5", 'D', 3, 0, 1},
	    {'H', "0.40", 'G', 13, 0, 1},   {'H', "0.65", 'J', 32, 1, 2},
	    {'Q', "0.010", 'Q', 500, 0, 1}, {'R', "0.025", 'R', 800, 1, 2},
	    {'L', "10", 'K', 50, 21, 22},   {'A', "1000", 'A', 2, 30, 31},
	};
	check_cells(AQL_REDUCED, c, sizeof c / sizeof c[0]);
}

static void test_hundred_percent_and_bad_args(void **state)
{
	(void)state;
	aql_plan p;
	int32_t m;
	assert_int_equal(aql_value_parse("1.0", &m), 0);
	/* lot 8 at level II is A; AQL 1.0 points down to E (13) >= 8: all 8 */
	assert_int_equal(aql_plan_get(8, AQL_II, AQL_NORMAL, m, &p), 0);
	assert_int_equal(p.letter, 'E');
	assert_int_equal(p.sample, 8);
	assert_int_equal(p.ac, 0);
	assert_int_equal(p.re, 1);
	/* lot 40 at S-1 is A, leading to E: 13 of 40 */
	assert_int_equal(aql_plan_get(40, AQL_S1, AQL_NORMAL, m, &p), 0);
	assert_int_equal(p.letter, 'E');
	assert_int_equal(p.sample, 13);
	assert_int_equal(aql_plan_get(500, AQL_II, AQL_NORMAL, m, &p), 0);
	assert_int_equal(p.letter, 'H');
	assert_int_equal(p.sample, 50);
	assert_int_equal(p.ac, 1);
	assert_int_equal(aql_plan_get(1, AQL_II, AQL_NORMAL, m, &p), -1);
	assert_int_equal(aql_plan_get(100, AQL_II, AQL_NORMAL, 1234, &p), -1);
	assert_int_equal(aql_plan_get(100, AQL_LEVEL_COUNT, AQL_NORMAL, m, &p), -1);
	assert_int_equal(aql_plan_get(100, AQL_II, AQL_SEVERITY_COUNT, m, &p), -1);
}

/* Every cell of every table gives a plan (no arrow leads off a table). */
static void test_every_cell_resolves(void **state)
{
	(void)state;
	static const int64_t lots[] = {8,    15,   25,    50,    90,     150,    280,   500,
				       1200, 3200, 10000, 35000, 150000, 500000, 900000};
	static const char *const v[] = {"0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15",
					"0.25",  "0.40",  "0.65",  "1.0",   "1.5",   "2.5",  "4.0",
					"6.5",   "10",    "15",    "25",    "40",    "65",   "100",
					"150",   "250",   "400",   "650",   "1000"};
	for (int s = 0; s < AQL_SEVERITY_COUNT; s++)
		for (int l = 0; l < AQL_LEVEL_COUNT; l++)
			for (size_t i = 0; i < 15; i++)
				for (size_t j = 0; j < 26; j++) {
					int32_t m;
					aql_plan p;
					assert_int_equal(aql_value_parse(v[j], &m), 0);
					assert_int_equal(aql_plan_get(lots[i], (aql_level)l,
								      (aql_severity)s, m, &p),
							 0);
					assert_int_equal(p.re, p.ac + 1);
					assert_true(p.sample >= 2 && p.sample <= lots[i]);
				}
}

/* ---- names and values ---- */

static void test_names(void **state)
{
	(void)state;
	static const char *const lv[] = {"S-1", "S-2", "S-3", "S-4", "I", "II", "III"};
	for (int i = 0; i < 7; i++) {
		aql_level l;
		assert_int_equal(aql_level_parse(lv[i], &l), 0);
		assert_int_equal(l, i);
		assert_string_equal(aql_level_name(l), lv[i]);
	}
	aql_level l;
	assert_int_equal(aql_level_parse("IV", &l), -1);
	assert_int_equal(aql_level_parse("s-1", &l), -1);
	assert_int_equal(aql_level_parse(NULL, &l), -1);
	static const char *const sv[] = {"normal", "tightened", "reduced"};
	for (int i = 0; i < 3; i++) {
		aql_severity s;
		assert_int_equal(aql_severity_parse(sv[i], &s), 0);
		assert_int_equal(s, i);
		assert_string_equal(aql_severity_name(s), sv[i]);
	}
	aql_severity s;
	assert_int_equal(aql_severity_parse("strict", &s), -1);
	assert_string_equal(aql_event_name(AQL_EV_NONE), "none");
	assert_string_equal(aql_event_name(AQL_EV_TO_TIGHTENED), "to_tightened");
	assert_string_equal(aql_event_name(AQL_EV_TO_NORMAL), "to_normal");
	assert_string_equal(aql_event_name(AQL_EV_TO_REDUCED), "to_reduced");
	assert_string_equal(aql_event_name(AQL_EV_STOPPED), "stopped");
}

static void test_values(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int32_t m;
	} v[] = {{"0.010", 10},   {"0.015", 15},    {"0.025", 25},   {"0.040", 40},
		 {"0.065", 65},   {"0.10", 100},    {"0.15", 150},   {"0.25", 250},
		 {"0.40", 400},   {"0.65", 650},    {"1.0", 1000},   {"1.5", 1500},
		 {"2.5", 2500},   {"4.0", 4000},    {"6.5", 6500},   {"10", 10000},
		 {"15", 15000},   {"25", 25000},    {"40", 40000},   {"65", 65000},
		 {"100", 100000}, {"150", 150000},  {"250", 250000}, {"400", 400000},
		 {"650", 650000}, {"1000", 1000000}};
	for (int i = 0; i < 26; i++) {
		int32_t m = 0;
		char b[16];
		assert_int_equal(aql_value_parse(v[i].s, &m), 0);
		assert_int_equal(m, v[i].m);
		assert_int_equal(aql_value_index(m), i);
		assert_int_equal(aql_value_format(m, b, sizeof b), 0);
		assert_string_equal(b, v[i].s);
	}
	static const struct {
		const char *s;
		int32_t m;
	} eq[] = {{"1", 1000},     {"0.01", 10},          {"0.1", 100},   {"4", 4000},
		  {"10.0", 10000}, {"1000.000", 1000000}, {"0.650", 650}, {"2.50000", 2500}};
	for (size_t i = 0; i < sizeof eq / sizeof eq[0]; i++) {
		int32_t m = 0;
		assert_int_equal(aql_value_parse(eq[i].s, &m), 0);
		assert_int_equal(m, eq[i].m);
	}
	static const char *const bad[] = {"",     "0",      "0.011", "-1",         "1e3",
					  "abc",  "2000",   " 1.0",  "1.",         ".5",
					  "1.0x", "0.0101", "3",     "99999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int32_t m = 42;
		assert_int_equal(aql_value_parse(bad[i], &m), -1);
		assert_int_equal(m, 42);
	}
	assert_int_equal(aql_value_parse(NULL, &(int32_t){0}), -1);
	char b[4];
	assert_int_equal(aql_value_format(10, b, sizeof b), -1); /* "0.010" does not fit */
	assert_int_equal(aql_value_format(1234, b, sizeof b), -1);
	assert_int_equal(aql_value_index(0), -1);
}

/* ---- switching ---- */

/* A one-class lot at level II normal J (80), AQL 1.0: Ac 2 Re 3. */
static aql_lot_outcome lot(int accepted, int32_t defects)
{
	aql_lot_outcome o;
	memset(&o, 0, sizeof o);
	o.accepted = accepted;
	o.n_classes = 1;
	o.cls[0].milli = 1000;
	assert_int_equal(aql_plan_get(1000, AQL_II, AQL_NORMAL, 1000, &o.cls[0].plan), 0);
	o.cls[0].defects = defects;
	return o;
}

static void test_normal_to_tightened(void **state)
{
	(void)state;
	aql_switch sw;
	aql_switch_init(&sw);
	assert_int_equal(sw.severity, AQL_NORMAL);
	aql_lot_outcome ok = lot(1, 0), bad = lot(0, 3);
	/* 2 not accepted of 5 consecutive: R A A A R */
	assert_int_equal(aql_switch_apply(&sw, &bad, 0), AQL_EV_NONE);
	for (int i = 0; i < 3; i++)
		assert_int_equal(aql_switch_apply(&sw, &ok, 0), AQL_EV_NONE);
	assert_int_equal(aql_switch_apply(&sw, &bad, 0), AQL_EV_TO_TIGHTENED);
	assert_int_equal(sw.severity, AQL_TIGHTENED);

	/* 6 apart: R A A A A R stays normal */
	aql_switch_init(&sw);
	assert_int_equal(aql_switch_apply(&sw, &bad, 0), AQL_EV_NONE);
	for (int i = 0; i < 4; i++)
		assert_int_equal(aql_switch_apply(&sw, &ok, 0), AQL_EV_NONE);
	assert_int_equal(aql_switch_apply(&sw, &bad, 0), AQL_EV_NONE);
	assert_int_equal(sw.severity, AQL_NORMAL);
	/* two in a row */
	assert_int_equal(aql_switch_apply(&sw, &bad, 0), AQL_EV_TO_TIGHTENED);
}

static void test_tightened_to_normal_and_stop(void **state)
{
	(void)state;
	aql_switch sw;
	aql_switch_init(&sw);
	aql_lot_outcome ok = lot(1, 0), bad = lot(0, 3);
	aql_switch_apply(&sw, &bad, 0);
	assert_int_equal(aql_switch_apply(&sw, &bad, 0), AQL_EV_TO_TIGHTENED);
	/* 4 accepted, a rejection breaks the run, then 5 accepted */
	for (int i = 0; i < 4; i++)
		assert_int_equal(aql_switch_apply(&sw, &ok, 0), AQL_EV_NONE);
	assert_int_equal(aql_switch_apply(&sw, &bad, 0), AQL_EV_NONE);
	for (int i = 0; i < 4; i++)
		assert_int_equal(aql_switch_apply(&sw, &ok, 0), AQL_EV_NONE);
	assert_int_equal(aql_switch_apply(&sw, &ok, 0), AQL_EV_TO_NORMAL);
	assert_int_equal(sw.severity, AQL_NORMAL);
	assert_int_equal(sw.score, 0);
	assert_int_equal(sw.n_recent, 0);

	/* tightened again; 5 not accepted (with accepted lots between) stop */
	aql_switch_apply(&sw, &bad, 0);
	assert_int_equal(aql_switch_apply(&sw, &bad, 0), AQL_EV_TO_TIGHTENED);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(aql_switch_apply(&sw, &bad, 0), AQL_EV_NONE);
		assert_int_equal(aql_switch_apply(&sw, &ok, 0), AQL_EV_NONE);
	}
	assert_int_equal(aql_switch_apply(&sw, &bad, 0), AQL_EV_STOPPED);
	assert_int_equal(sw.stopped, 1);
	/* stopped: lots change nothing */
	assert_int_equal(aql_switch_apply(&sw, &ok, 0), AQL_EV_NONE);
	assert_int_equal(sw.stopped, 1);
	/* resume: tightened, counters cleared */
	aql_switch_resume(&sw);
	assert_int_equal(sw.stopped, 0);
	assert_int_equal(sw.severity, AQL_TIGHTENED);
	assert_int_equal(sw.rejected_tight, 0);
	assert_int_equal(sw.accepted_run, 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(aql_switch_apply(&sw, &ok, 0), AQL_EV_NONE);
	assert_int_equal(aql_switch_apply(&sw, &ok, 0), AQL_EV_TO_NORMAL);
}

static void test_score_and_reduced(void **state)
{
	(void)state;
	aql_switch sw;
	aql_switch_init(&sw);
	/* Ac 2 (J, 1.0); one step tighter (0.65) J has Ac 1: 0 or 1 defects +3 */
	aql_lot_outcome ok0 = lot(1, 0), ok1 = lot(1, 1), ok2 = lot(1, 2), bad = lot(0, 3);
	for (int i = 0; i < 9; i++)
		assert_int_equal(aql_switch_apply(&sw, i % 2 ? &ok1 : &ok0, 1), AQL_EV_NONE);
	assert_int_equal(sw.score, 27);
	/* accepted with 2 defects, not at 0.65: reset */
	assert_int_equal(aql_switch_apply(&sw, &ok2, 1), AQL_EV_NONE);
	assert_int_equal(sw.score, 0);
	for (int i = 0; i < 9; i++)
		aql_switch_apply(&sw, &ok0, 0);
	assert_int_equal(sw.score, 27);
	/* 30 reached, but reduced not allowed: stays normal, score keeps counting */
	assert_int_equal(aql_switch_apply(&sw, &ok0, 0), AQL_EV_NONE);
	assert_int_equal(sw.score, 30);
	assert_int_equal(sw.severity, AQL_NORMAL);
	assert_int_equal(aql_switch_apply(&sw, &ok0, 1), AQL_EV_TO_REDUCED);
	assert_int_equal(sw.severity, AQL_REDUCED);
	/* reduced: accepted lots stay; a rejection goes back to normal */
	assert_int_equal(aql_switch_apply(&sw, &ok0, 1), AQL_EV_NONE);
	assert_int_equal(aql_switch_apply(&sw, &bad, 1), AQL_EV_TO_NORMAL);
	assert_int_equal(sw.severity, AQL_NORMAL);
	assert_int_equal(sw.score, 0);

	/* Ac 0/1: +2 per accepted lot; K (125) 0.10 is Ac 0 */
	aql_lot_outcome small;
	memset(&small, 0, sizeof small);
	small.accepted = 1;
	small.n_classes = 1;
	small.cls[0].milli = 100;
	assert_int_equal(aql_plan_get(2000, AQL_II, AQL_NORMAL, 100, &small.cls[0].plan), 0);
	assert_int_equal(small.cls[0].plan.ac, 0);
	aql_switch_init(&sw);
	for (int i = 0; i < 14; i++)
		assert_int_equal(aql_switch_apply(&sw, &small, 1), AQL_EV_NONE);
	assert_int_equal(sw.score, 28);
	assert_int_equal(aql_switch_apply(&sw, &small, 1), AQL_EV_TO_REDUCED);
	/* a rejected lot under normal resets the score */
	aql_switch_init(&sw);
	aql_switch_apply(&sw, &small, 1);
	aql_switch_apply(&sw, &small, 1);
	assert_int_equal(sw.score, 4);
	aql_switch_apply(&sw, &bad, 1);
	assert_int_equal(sw.score, 0);
	assert_int_equal(sw.severity, AQL_NORMAL);

	/* two classes: Ac 2 qualifying and Ac 0 accepted: the lot adds 2 */
	aql_lot_outcome two = lot(1, 0);
	two.n_classes = 2;
	two.cls[1] = small.cls[0];
	aql_switch_init(&sw);
	aql_switch_apply(&sw, &two, 0);
	assert_int_equal(sw.score, 2);
	two.cls[0].defects = 2; /* the Ac 2 class not accepted one step tighter */
	aql_switch_apply(&sw, &two, 0);
	assert_int_equal(sw.score, 0);
}

/* AQL "0" (zero acceptance): the letter's own sample, Ac 0 Re 1, in each severity. */
static void test_plan_zero(void **state)
{
	(void)state;
	aql_plan p;
	/* 1,201..3,200 at II is K: 125 normal and tightened, 50 reduced */
	assert_int_equal(aql_plan_zero(2000, AQL_II, AQL_NORMAL, &p), 0);
	assert_int_equal(p.letter, 'K');
	assert_int_equal(p.sample, 125);
	assert_int_equal(p.ac, 0);
	assert_int_equal(p.re, 1);
	assert_int_equal(aql_plan_zero(2000, AQL_II, AQL_TIGHTENED, &p), 0);
	assert_int_equal(p.sample, 125);
	assert_int_equal(aql_plan_zero(2000, AQL_II, AQL_REDUCED, &p), 0);
	assert_int_equal(p.sample, 50);
	/* a lot of 10 at II is B (3); at III C (5); 100 % when the sample reaches the lot */
	assert_int_equal(aql_plan_zero(10, AQL_III, AQL_NORMAL, &p), 0);
	assert_int_equal(p.letter, 'C');
	assert_int_equal(p.sample, 5);
	assert_int_equal(aql_plan_zero(2, AQL_III, AQL_NORMAL, &p), 0);
	assert_int_equal(p.sample, 2);
	assert_int_equal(aql_plan_zero(1, AQL_II, AQL_NORMAL, &p), -1);
	assert_int_equal(aql_plan_zero(100, AQL_II, AQL_SEVERITY_COUNT, &p), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_code_letters),
	    cmocka_unit_test(test_normal),
	    cmocka_unit_test(test_tightened),
	    cmocka_unit_test(test_reduced),
	    cmocka_unit_test(test_hundred_percent_and_bad_args),
	    cmocka_unit_test(test_every_cell_resolves),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_plan_zero),
	    cmocka_unit_test(test_normal_to_tightened),
	    cmocka_unit_test(test_tightened_to_normal_and_stop),
	    cmocka_unit_test(test_score_and_reduced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
