/* SPDX-License-Identifier: Apache-2.0 */
/* test_livenote.c: the live notes between instances (app/livenote.h): an
 * entry survives the trip (any reason bytes, the largest counters), a note
 * that does not fit is refused whole, malformed notes are refused, and
 * live_update keeps the entry of the higher revision whichever comes
 * last. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/live.h"
#include "app/livenote.h"
#include "util/err.h"

static live_machine entry(int64_t id, int64_t rev, const char *reason)
{
	live_machine m;
	memset(&m, 0, sizeof m);
	m.machine_id = id;
	m.rev = rev;
	m.state = 3;
	snprintf(m.reason, sizeof m.reason, "%s", reason);
	m.since_ts = 1700000000000LL;
	m.last_ts = 1700000005000LL;
	m.count = UINT64_MAX;
	m.reject = 7;
	m.good_today = 123456;
	m.reject_today = -2; /* a re-credit may take back */
	m.today_start = 1699977600000LL;
	return m;
}

static void test_round_trip(void **state)
{
	(void)state;
	char note[512];
	int head = snprintf(note, sizeof note, "L inst01 ");
	live_machine a = entry(5, 9, "断纱;,\"x"), b = entry(6, 1, "");
	size_t k = livenote_put(note + head, sizeof note - (size_t)head, &a);
	assert_true(k > 0);
	k = livenote_put(note + head + k, sizeof note - (size_t)head - k, &b);
	assert_true(k > 0);
	char sender[16];
	live_machine *out = NULL;
	size_t n = 0;
	assert_int_equal(livenote_parse(note, sender, &out, &n), GLOVED_OK);
	assert_string_equal(sender, "inst01");
	assert_int_equal(n, 2);
	assert_int_equal(out[0].machine_id, 5);
	assert_int_equal(out[0].rev, 9);
	assert_int_equal(out[0].state, 3);
	assert_string_equal(out[0].reason, "断纱;,\"x");
	assert_true(out[0].count == UINT64_MAX);
	assert_int_equal(out[0].reject, 7);
	assert_int_equal(out[0].good_today, 123456);
	assert_int_equal(out[0].reject_today, -2);
	assert_int_equal(out[0].today_start, 1699977600000LL);
	assert_int_equal(out[0].since_ts, 1700000000000LL);
	assert_int_equal(out[0].last_ts, 1700000005000LL);
	assert_string_equal(out[1].reason, "");
	free(out);
}

static void test_no_room(void **state)
{
	(void)state;
	char note[40] = "L x ";
	live_machine a = entry(5, 9, "a long reason of the stop");
	assert_int_equal(livenote_put(note + 4, sizeof note - 4, &a), 0);
	assert_string_equal(note, "L x "); /* unchanged */
}

static void test_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",
	    "C 12",
	    "L ",
	    "L nospace",
	    "L a 1,2,3;",                                    /* too few fields */
	    "L a 1,2,3,4,5,6,7,8,9,10,zz;",                  /* not hex */
	    "L a 1,2,3,4,5,6,7,8,9,10,6",                    /* no end */
	    "L a 0,2,3,4,5,6,7,8,9,10,;",                    /* no machine */
	    "L a 1,2,3,4,5,-6,7,8,9,10,;",                   /* a negative count */
	    "L a 1,2,3,4,5,99999999999999999999,7,8,9,10,;", /* too big */
	    "L a 1,2,3,4,5,6,7,8,9,10,61626;",               /* half a byte */
	    "L 0123456789abcdefg 1,2,3,4,5,6,7,8,9,10,;",    /* a long sender */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char sender[16];
		live_machine *out = (live_machine *)1;
		size_t n = 5;
		assert_int_equal(livenote_parse(bad[i], sender, &out, &n), GLOVED_EINVAL);
		assert_null(out);
		assert_int_equal(n, 0);
	}
}

static void test_update_keeps_newer(void **state)
{
	(void)state;
	live *l = live_new();
	assert_non_null(l);
	live_machine newer = entry(3, 8, "new"), older = entry(3, 7, "old"),
		     plain = entry(3, 0, "x");
	assert_int_equal(live_update(l, &newer, 1), 0);
	assert_int_equal(live_update(l, &older, 1), 0); /* came late: left out */
	live_machine got;
	live_get(l, 3, &got);
	assert_string_equal(got.reason, "new");
	assert_int_equal(got.rev, 8);
	newer.rev = 9;
	snprintf(newer.reason, sizeof newer.reason, "newer");
	assert_int_equal(live_update(l, &newer, 1), 0);
	live_get(l, 3, &got);
	assert_string_equal(got.reason, "newer");
	assert_int_equal(live_update(l, &plain, 1), 0); /* unordered (one writer): taken */
	live_get(l, 3, &got);
	assert_string_equal(got.reason, "x");
	live_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_no_room),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_update_keeps_newer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
