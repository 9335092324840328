/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the rate limit of rejection logs (src/ingest/reject_log.c),
 * the one the MQTT, Sparkplug and Modbus transports share: per key, the
 * first `burst` lines of an interval are written, the others counted, and
 * the next line written says how many were left out. The clock is a plain
 * number passed in, so an hour of traffic takes no time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ingest/reject_log.h"

#define MIN_MS 60000

static void test_first_line_then_one_a_minute(void **state)
{
	(void)state;
	reject_log *l = reject_log_open("mqtt", 64, MIN_MS, 1);
	assert_non_null(l);
	uint64_t left = 99;
	int64_t t0 = 1000000;
	assert_int_equal(reject_log_admit(l, "PY01", t0, &left), 1);
	assert_int_equal(left, 0);
	/* 500 more in the same minute: all left out */
	for (int i = 1; i <= 500; i++)
		assert_int_equal(reject_log_admit(l, "PY01", t0 + i * 100, NULL), 0);
	assert_int_equal(reject_log_admit(l, "PY01", t0 + MIN_MS - 1, NULL), 0);
	/* a minute after the first line: written, with the count */
	assert_int_equal(reject_log_admit(l, "PY01", t0 + MIN_MS, &left), 1);
	assert_int_equal(left, 501);
	/* the count starts again */
	assert_int_equal(reject_log_admit(l, "PY01", t0 + MIN_MS + 1, NULL), 0);
	assert_int_equal(reject_log_admit(l, "PY01", t0 + 5 * MIN_MS, &left), 1);
	assert_int_equal(left, 1);
	/* nothing left out since: no count */
	assert_int_equal(reject_log_admit(l, "PY01", t0 + 7 * MIN_MS, &left), 1);
	assert_int_equal(left, 0);
	reject_log_close(l);
}

static void test_burst_per_interval(void **state)
{
	(void)state;
	reject_log *l = reject_log_open("sparkplug", 8, MIN_MS, 3);
	assert_non_null(l);
	uint64_t left = 0;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(reject_log_admit(l, "G/E", i, &left), 1);
		assert_int_equal(left, 0);
	}
	for (int i = 3; i < 10; i++)
		assert_int_equal(reject_log_admit(l, "G/E", i, NULL), 0);
	/* the next interval: three more, the first of them with the count */
	assert_int_equal(reject_log_admit(l, "G/E", MIN_MS + 5, &left), 1);
	assert_int_equal(left, 7);
	assert_int_equal(reject_log_admit(l, "G/E", MIN_MS + 6, &left), 1);
	assert_int_equal(left, 0);
	assert_int_equal(reject_log_admit(l, "G/E", MIN_MS + 7, &left), 1);
	assert_int_equal(reject_log_admit(l, "G/E", MIN_MS + 8, NULL), 0);
	reject_log_close(l);
}

static void test_keys_apart(void **state)
{
	(void)state;
	/* enough slots that these two keys do not share one */
	reject_log *l = reject_log_open("mqtt", 4096, MIN_MS, 1);
	assert_non_null(l);
	uint64_t left = 0;
	assert_int_equal(reject_log_admit(l, "PY01", 0, NULL), 1);
	assert_int_equal(reject_log_admit(l, "PY01", 1, NULL), 0);
	/* another firm's first rejection is written despite PY01's */
	assert_int_equal(reject_log_admit(l, "GM02", 2, &left), 1);
	assert_int_equal(left, 0);
	assert_int_equal(reject_log_admit(l, "GM02", 3, NULL), 0);
	assert_int_equal(reject_log_admit(l, "GM02", 4, NULL), 0);
	assert_int_equal(reject_log_admit(l, "PY01", MIN_MS, &left), 1);
	assert_int_equal(left, 1);
	assert_int_equal(reject_log_admit(l, "GM02", MIN_MS + 2, &left), 1);
	assert_int_equal(left, 2);
	reject_log_close(l);
}

static void test_line_text(void **state)
{
	(void)state;
	reject_log *l = reject_log_open("modbus", 1, MIN_MS, 1);
	assert_non_null(l);
	char buf[128] = "untouched";
	assert_int_equal(
	    reject_log_line(l, "", 0, buf, sizeof buf, "%s: %s", "10.0.0.5:502/1", "timed out"), 1);
	assert_string_equal(buf, "modbus: 10.0.0.5:502/1: timed out");
	snprintf(buf, sizeof buf, "untouched");
	assert_int_equal(reject_log_line(l, "", 10, buf, sizeof buf, "%s", "again"), 0);
	assert_string_equal(buf, "untouched");
	assert_int_equal(reject_log_line(l, "", 11, buf, sizeof buf, "%s", "again"), 0);
	assert_int_equal(reject_log_line(l, "", MIN_MS, buf, sizeof buf, "%s", "still"), 1);
	assert_string_equal(buf, "modbus: still (and 2 earlier suppressed)");
	/* a small buffer is cut, never overrun */
	char small[12];
	assert_int_equal(
	    reject_log_line(l, "", 3 * MIN_MS, small, sizeof small, "%s", "a long reason"), 1);
	assert_string_equal(small, "modbus: a l");
	reject_log_close(l);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	assert_null(reject_log_open("x", 0, MIN_MS, 1));
	assert_null(reject_log_open("x", 1, 0, 1));
	assert_null(reject_log_open("x", 1, MIN_MS, 0));
	assert_null(reject_log_open(NULL, 1, MIN_MS, 1));
	reject_log_close(NULL);
	/* a limiter that could not be opened limits nothing */
	uint64_t left = 7;
	assert_int_equal(reject_log_admit(NULL, "k", 0, &left), 1);
	assert_int_equal(reject_log_admit(NULL, "k", 0, &left), 1);
	assert_int_equal(left, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_first_line_then_one_a_minute),
	    cmocka_unit_test(test_burst_per_interval),
	    cmocka_unit_test(test_keys_apart),
	    cmocka_unit_test(test_line_text),
	    cmocka_unit_test(test_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
