/* SPDX-License-Identifier: Apache-2.0 */
/* test_num.c: util/num.c, a JSON number as a whole number in a range. */
#include "util/num.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void test_whole(void **state)
{
	(void)state;
	int64_t v = -1;
	assert_int_equal(num_whole(12, 0, 100, &v), 1);
	assert_int_equal(v, 12);
	assert_int_equal(num_whole(0, 0, 0, &v), 1);
	assert_int_equal(num_whole(-5, -10, 10, &v), 1);
	assert_int_equal(v, -5);
	v = 7;
	assert_int_equal(num_whole(1.5, 0, 100, &v), 0);
	assert_int_equal(v, 7); /* untouched on failure */
	assert_int_equal(num_whole(101, 0, 100, NULL), 0);
	assert_int_equal(num_whole(-1, 0, 100, NULL), 0);
	assert_int_equal(num_whole(NAN, 0, 100, NULL), 0);
	assert_int_equal(num_whole(INFINITY, 0, INT64_MAX, NULL), 0);
	assert_int_equal(num_whole(-INFINITY, INT64_MIN, 0, NULL), 0);
	/* beyond int64: refused without a cast */
	assert_int_equal(num_whole(9111666661111111111100.0, 0, INT64_MAX, NULL), 0);
	assert_int_equal(num_whole(9223372036854775808.0, 0, INT64_MAX, NULL), 0);
	assert_int_equal(num_whole(-9223372036854775808.0, INT64_MIN, 0, NULL), 0);
	assert_int_equal(num_whole(9007199254740992.0, 0, INT64_MAX, &v), 1);
	assert_int_equal(v, 9007199254740992LL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_whole)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
