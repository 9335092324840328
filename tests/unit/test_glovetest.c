/* SPDX-License-Identifier: Apache-2.0 */
/* test_glovetest.c: core/glovetest.c against the standards' tables,
 * written out here: every EN 388 threshold at and just below its edge,
 * markings as glove makers print them (4X43C, 4121X, 3131XP...), the
 * blunting rule, impact, EN 511 with the EN 388 cap, EN ISO 374-1 types and
 * letters at the 10/30 minute edges, ANSI/ISEA 105 A1..A9 edges and
 * EN ISO 21420 sizes, dexterity and innocuousness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "core/glovetest.h"

#define NT GLOVETEST_NOT_TESTED

static void test_en388_edges(void **state)
{
	(void)state;
	static const struct {
		double v;
		char abr, coupe, tear, punct, tdm;
	} rows[] = {
	    {0, '0', '0', '0', '0', '0'},    {1.1, '0', '0', '0', '0', '0'},
	    {1.2, '0', '1', '0', '0', '0'},  {1.9, '0', '1', '0', '0', '0'},
	    {2, '0', '1', '0', '0', 'A'},    {2.4, '0', '1', '0', '0', 'A'},
	    {2.5, '0', '2', '0', '0', 'A'},  {4.9, '0', '2', '0', '0', 'A'},
	    {5, '0', '3', '0', '0', 'B'},    {9.9, '0', '3', '0', '0', 'B'},
	    {10, '0', '4', '1', '0', 'C'},   {14.9, '0', '4', '1', '0', 'C'},
	    {15, '0', '4', '1', '0', 'D'},   {19.9, '0', '4', '1', '0', 'D'},
	    {20, '0', '5', '1', '1', 'D'},   {21.9, '0', '5', '1', '1', 'D'},
	    {22, '0', '5', '1', '1', 'E'},   {24.9, '0', '5', '1', '1', 'E'},
	    {25, '0', '5', '2', '1', 'E'},   {29.9, '0', '5', '2', '1', 'E'},
	    {30, '0', '5', '2', '1', 'F'},   {49.9, '0', '5', '2', '1', 'F'},
	    {50, '0', '5', '3', '1', 'F'},   {59.9, '0', '5', '3', '1', 'F'},
	    {60, '0', '5', '3', '2', 'F'},   {74.9, '0', '5', '3', '2', 'F'},
	    {75, '0', '5', '4', '2', 'F'},   {99, '0', '5', '4', '2', 'F'},
	    {100, '1', '5', '4', '3', 'F'},  {149, '1', '5', '4', '3', 'F'},
	    {150, '1', '5', '4', '4', 'F'},  {499, '1', '5', '4', '4', 'F'},
	    {500, '2', '5', '4', '4', 'F'},  {1999, '2', '5', '4', '4', 'F'},
	    {2000, '3', '5', '4', '4', 'F'}, {7999, '3', '5', '4', '4', 'F'},
	    {8000, '4', '5', '4', '4', 'F'}, {NT, 'X', 'X', 'X', 'X', 'X'},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		assert_int_equal(en388_abrasion_level(rows[i].v), rows[i].abr);
		assert_int_equal(en388_coupe_level(rows[i].v), rows[i].coupe);
		assert_int_equal(en388_tear_level(rows[i].v), rows[i].tear);
		assert_int_equal(en388_puncture_level(rows[i].v), rows[i].punct);
		assert_int_equal(en388_tdm_level(rows[i].v), rows[i].tdm);
	}
}

static void mark(double abr, double coupe, int blunted, double tear, double punct, double tdm,
		 en388_impact imp, const char *want)
{
	en388_values v = {abr, coupe, blunted, tear, punct, tdm, imp};
	en388_marks m;
	char msg[200] = "";
	assert_int_equal(en388_mark(&v, &m, msg, sizeof msg), 0);
	assert_string_equal(m.marking, want);
}

static void test_en388_markings(void **state)
{
	(void)state;
	/* a cut-resistant HPPE knit with nitrile palm: the blade dulled */
	mark(8000, 3.1, 1, 80, 110, 12.5, EN388_IMPACT_NOT_TESTED, "4X43C");
	/* the same without the dulled blade: the coupe index counts */
	mark(8000, 3.1, 0, 80, 110, 12.5, EN388_IMPACT_NOT_TESTED, "4243C");
	/* a polyester knit with a PU palm, no TDM */
	mark(9000, 1.5, 0, 30, 25, NT, EN388_IMPACT_NOT_TESTED, "4121X");
	/* a leather rigger with impact protection passed */
	mark(2100, 1.3, 0, 60, 70, NT, EN388_IMPACT_PASS, "3132XP");
	/* impact failed prints nothing in sixth place */
	mark(2100, 1.3, 0, 60, 70, NT, EN388_IMPACT_FAIL, "3132X");
	/* nothing tested */
	mark(NT, NT, 0, NT, NT, NT, EN388_IMPACT_NOT_TESTED, "XXXXX");
	/* tested and below level 1 */
	mark(99, 1.1, 0, 9.9, 19.9, 1.9, EN388_IMPACT_NOT_TESTED, "00000");
	/* TDM alone, F and impact */
	mark(NT, NT, 0, NT, NT, 31, EN388_IMPACT_PASS, "XXXXFP");
}

static void test_en388_errors(void **state)
{
	(void)state;
	en388_values v = {8000, 3, 1, 80, 110, NT, EN388_IMPACT_NOT_TESTED};
	en388_marks m;
	char msg[200] = "";
	/* blunted without TDM: refused, naming tdm_n */
	assert_int_equal(en388_mark(&v, &m, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "tdm_n"));
	v.tdm_n = 10;
	v.tear_n = -5;
	assert_int_equal(en388_mark(&v, &m, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "tear_n"));
	v.tear_n = 80;
	v.abrasion_cycles = 2e6;
	assert_int_equal(en388_mark(&v, &m, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "abrasion_cycles"));
	v.abrasion_cycles = 8000;
	v.puncture_n = 1.0 / 0.0;
	assert_int_equal(en388_mark(&v, &m, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "puncture_n"));
}

static void test_en511(void **state)
{
	(void)state;
	static const struct {
		double itr, r;
		int water;
		char abr, tear;
		const char *want;
		int capped;
	} rows[] = {
	    {0.099, 0.0249, 0, '4', '4', "000", 0}, {0.10, 0.025, 1, '4', '4', "111", 0},
	    {0.149, 0.049, 1, '4', '4', "111", 0},  {0.15, 0.050, 1, '4', '4', "221", 0},
	    {0.219, 0.099, 0, '4', '4', "220", 0},  {0.22, 0.100, 0, '4', '4', "330", 0},
	    {0.299, 0.149, 0, '4', '4', "330", 0},  {0.30, 0.150, 1, '4', '4', "441", 0},
	    {NT, 0.06, -1, '3', '2', "X2X", 0},     {0.35, 0.2, 1, '0', '4', "111", 1},
	    {0.35, 0.2, 1, '4', '0', "111", 1},     {0.12, 0.03, 1, '0', '0', "111", 0},
	    {0.35, 0.2, 1, 'X', 'X', "441", 0},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		en511_values v = {rows[i].itr, rows[i].r, rows[i].water, rows[i].abr, rows[i].tear};
		en511_marks m;
		char msg[200];
		assert_int_equal(en511_mark(&v, &m, msg, sizeof msg), 0);
		assert_string_equal(m.marking, rows[i].want);
		assert_int_equal(m.capped, rows[i].capped);
	}
	en511_values bad = {-3, 0.1, 0, 'X', 'X'};
	en511_marks m;
	char msg[200];
	assert_int_equal(en511_mark(&bad, &m, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "convective_itr"));
	en511_values badw = {0.1, 0.1, 2, 'X', 'X'};
	assert_int_equal(en511_mark(&badw, &m, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "water"));
}

static void test_en374(void **state)
{
	(void)state;
	assert_int_equal(en374_level(0), 0);
	assert_int_equal(en374_level(10), 0);
	assert_int_equal(en374_level(10.5), 1);
	assert_int_equal(en374_level(30), 1);
	assert_int_equal(en374_level(31), 2);
	assert_int_equal(en374_level(60), 2);
	assert_int_equal(en374_level(61), 3);
	assert_int_equal(en374_level(121), 4);
	assert_int_equal(en374_level(241), 5);
	assert_int_equal(en374_level(480), 5);
	assert_int_equal(en374_level(481), 6);
	en374_marks m;
	char msg[200];
	/* a nitrile glove: six chemicals at level 2 or more -> Type A, letters in table order */
	en374_result a[] = {{'T', 300}, {'J', 480}, {'K', 481}, {'L', 35},
			    {'O', 100}, {'P', 240}, {'A', 12}};
	assert_int_equal(en374_mark(a, 7, 1, &m, msg, sizeof msg), 0);
	assert_int_equal(m.type, 'A');
	assert_string_equal(m.letters, "JKLOPT");
	assert_string_equal(m.marking, "Type A JKLOPT");
	assert_int_equal(m.levels[0], 1); /* A methanol 12 min */
	assert_int_equal(m.levels[1], -1);
	/* five at level 2 -> B */
	assert_int_equal(en374_mark(a, 5, 1, &m, msg, sizeof msg), 0);
	assert_int_equal(m.type, 'B');
	assert_string_equal(m.marking, "Type B JKLOT");
	/* three at level 2 is B, two is C */
	en374_result b[] = {{'K', 31}, {'L', 31}, {'M', 31}};
	assert_int_equal(en374_mark(b, 3, 1, &m, msg, sizeof msg), 0);
	assert_int_equal(m.type, 'B');
	assert_int_equal(en374_mark(b, 2, 1, &m, msg, sizeof msg), 0);
	assert_int_equal(m.type, 'C');
	assert_string_equal(m.marking, "Type C");
	assert_string_equal(m.letters, "");
	/* 30 min is level 1 only */
	en374_result c[] = {{'K', 30}, {'L', 30}, {'M', 30}};
	assert_int_equal(en374_mark(c, 3, 1, &m, msg, sizeof msg), 0);
	assert_int_equal(m.type, 'C');
	/* nothing above 10 minutes: not a chemical protective glove */
	en374_result d[] = {{'K', 10}};
	assert_int_equal(en374_mark(d, 1, 1, &m, msg, sizeof msg), 0);
	assert_int_equal(m.type, 0);
	assert_string_equal(m.marking, "");
	/* leaks: no type whatever the permeation */
	assert_int_equal(en374_mark(a, 7, 0, &m, msg, sizeof msg), 0);
	assert_int_equal(m.type, 0);
	/* unknown letter, duplicate, bad time */
	en374_result e[] = {{'Q', 100}};
	assert_int_equal(en374_mark(e, 1, 1, &m, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "chemicals[0].letter"));
	en374_result f[] = {{'K', 100}, {'K', 100}};
	assert_int_equal(en374_mark(f, 2, 1, &m, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "twice"));
	en374_result g[] = {{'K', -1}};
	assert_int_equal(en374_mark(g, 1, 1, &m, msg, sizeof msg), -1);
	assert_string_equal(en374_chemical('S'), "hydrofluoric acid 40 %");
	assert_null(en374_chemical('R'));
}

static void test_ansi(void **state)
{
	(void)state;
	static const struct {
		double g;
		int level;
	} rows[] = {{-1, 0},   {0, 0},    {199, 0},  {200, 1},  {499, 1},  {500, 2},  {999, 2},
		    {1000, 3}, {1499, 3}, {1500, 4}, {2199, 4}, {2200, 5}, {2999, 5}, {3000, 6},
		    {3999, 6}, {4000, 7}, {4999, 7}, {5000, 8}, {5999, 8}, {6000, 9}, {12000, 9}};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		assert_int_equal(ansi105_cut_level(rows[i].g), rows[i].level);
}

static void test_en21420(void **state)
{
	(void)state;
	assert_int_equal(en21420_min_length_mm(6), 220);
	assert_int_equal(en21420_min_length_mm(9), 250);
	assert_int_equal(en21420_min_length_mm(11), 270);
	assert_int_equal(en21420_min_length_mm(5), 0);
	assert_int_equal(en21420_min_length_mm(12), 0);
	assert_int_equal(en21420_size_of_hand(152), 6);
	assert_int_equal(en21420_size_of_hand(203), 8);
	assert_int_equal(en21420_size_of_hand(215), 8);
	assert_int_equal(en21420_size_of_hand(217), 9);
	assert_int_equal(en21420_size_of_hand(279), 11);
	assert_int_equal(en21420_size_of_hand(139), 0);
	assert_int_equal(en21420_size_of_hand(291), 0);
	assert_int_equal(en21420_dexterity(11.5), 0);
	assert_int_equal(en21420_dexterity(11.0), 1);
	assert_int_equal(en21420_dexterity(9.6), 1);
	assert_int_equal(en21420_dexterity(9.5), 2);
	assert_int_equal(en21420_dexterity(8.0), 3);
	assert_int_equal(en21420_dexterity(6.5), 4);
	assert_int_equal(en21420_dexterity(6.4), 4);
	assert_int_equal(en21420_dexterity(4.9), 5);
	assert_int_equal(en21420_dexterity(5.0), 5);
	assert_int_equal(en21420_dexterity(0), 0);
	assert_false(en21420_ph_ok(3.5));
	assert_true(en21420_ph_ok(3.6));
	assert_true(en21420_ph_ok(9.4));
	assert_false(en21420_ph_ok(9.5));
	assert_true(en21420_cr6_ok(2.9));
	assert_false(en21420_cr6_ok(3.0));
	assert_false(en21420_cr6_ok(-1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_en388_edges),  cmocka_unit_test(test_en388_markings),
	    cmocka_unit_test(test_en388_errors), cmocka_unit_test(test_en511),
	    cmocka_unit_test(test_en374),        cmocka_unit_test(test_ansi),
	    cmocka_unit_test(test_en21420),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
