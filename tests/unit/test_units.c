/* SPDX-License-Identifier: Apache-2.0 */
/* test_units.c: pieces, pairs and dozens (core/units.c): the factors,
 * conversions both ways with remainders, parsing in English and Chinese,
 * overflow refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/units.h"

static void test_factors_and_names(void **state)
{
	(void)state;
	assert_int_equal(unit_pieces(UNIT_PIECE), 1);
	assert_int_equal(unit_pieces(UNIT_PAIR), 2);
	assert_int_equal(unit_pieces(UNIT_DOZEN), 24);
	assert_int_equal(unit_parse("dozen"), UNIT_DOZEN);
	assert_int_equal(unit_parse("打"), UNIT_DOZEN);
	assert_int_equal(unit_parse("双"), UNIT_PAIR);
	assert_int_equal(unit_parse("副"), UNIT_PAIR);
	assert_int_equal(unit_parse("只"), UNIT_PIECE);
	assert_int_equal(unit_parse("gross"), -1);
	assert_string_equal(unit_zh(UNIT_PAIR), "双");
	assert_string_equal(unit_name(UNIT_DOZEN), "dozen");
}

static void test_conversions(void **state)
{
	(void)state;
	int64_t whole, rest;
	/* 250 pieces = 125 pairs = 10 dozen and 10 pieces */
	assert_int_equal(qty_convert((qty){250, UNIT_PIECE}, UNIT_PAIR, &whole, &rest), 0);
	assert_int_equal(whole, 125);
	assert_int_equal(rest, 0);
	assert_int_equal(qty_convert((qty){250, UNIT_PIECE}, UNIT_DOZEN, &whole, &rest), 0);
	assert_int_equal(whole, 10);
	assert_int_equal(rest, 10);
	/* an odd glove is not a pair */
	assert_int_equal(qty_convert((qty){7, UNIT_PIECE}, UNIT_PAIR, &whole, &rest), 0);
	assert_int_equal(whole, 3);
	assert_int_equal(rest, 1);
	/* a correction of -7 pieces is -3 pairs and -1 piece */
	assert_int_equal(qty_convert((qty){-7, UNIT_PIECE}, UNIT_PAIR, &whole, &rest), 0);
	assert_int_equal(whole, -3);
	assert_int_equal(rest, -1);
	/* up: 3 dozen = 36 pairs = 72 pieces */
	assert_int_equal(qty_convert((qty){3, UNIT_DOZEN}, UNIT_PAIR, &whole, &rest), 0);
	assert_int_equal(whole, 36);
	assert_int_equal(qty_convert((qty){3, UNIT_DOZEN}, UNIT_PIECE, &whole, &rest), 0);
	assert_int_equal(whole, 72);
	/* round trip of every quantity 0..1000 through every unit */
	for (int64_t n = 0; n <= 1000; n++) {
		for (int from = 0; from <= UNIT_DOZEN; from++) {
			for (int to = 0; to <= UNIT_DOZEN; to++) {
				qty q = {n, (unit)from};
				assert_int_equal(qty_convert(q, (unit)to, &whole, &rest), 0);
				int64_t p = 0;
				assert_int_equal(qty_pieces(q, &p), 0);
				assert_int_equal(whole * unit_pieces((unit)to) + rest, p);
				assert_true(rest >= 0 && rest < unit_pieces((unit)to));
			}
		}
	}
}

static void test_overflow(void **state)
{
	(void)state;
	int64_t whole, rest;
	int64_t p;
	assert_int_equal(qty_pieces((qty){INT64_MAX / 2, UNIT_DOZEN}, &p), -1);
	assert_int_equal(qty_convert((qty){INT64_MAX / 2, UNIT_DOZEN}, UNIT_PIECE, &whole, &rest),
			 -1);
	assert_int_equal(qty_convert((qty){1, (unit)7}, UNIT_PIECE, &whole, &rest), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_factors_and_names),
	    cmocka_unit_test(test_conversions),
	    cmocka_unit_test(test_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
