/* SPDX-License-Identifier: Apache-2.0 */
/* test_modbus.c: the pure parts of the Modbus TCP poller
 * (ingest/modbus_decode.c): counters from 16-bit and 32-bit registers in
 * both word orders, state maps, which registers a poll reads, and the
 * reconnect backoff. No sockets: the poller itself is covered by
 * tests/integration/modbus.test.mjs against simulated servers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/state.h"
#include "ingest/modbus_decode.h"

static void test_counter_16(void **state)
{
	(void)state;
	uint16_t r[2] = {0xBEEF, 0x1234};
	assert_int_equal(mbus_counter_value(r, 1, MBUS_BIG), 0xBEEF);
	assert_int_equal(mbus_counter_value(r, 1, MBUS_LITTLE), 0xBEEF);
	uint16_t w[1] = {0};
	mbus_counter_words(65535, 1, MBUS_BIG, w);
	assert_int_equal(w[0], 65535);
	mbus_counter_words(65536 + 7, 1, MBUS_BIG, w); /* only the low 16 bits fit */
	assert_int_equal(w[0], 7);
}

static void test_counter_32_word_orders(void **state)
{
	(void)state;
	/* 0x0001E240 = 123456: high word 0x0001, low word 0xE240 */
	uint16_t big[2] = {0x0001, 0xE240}, little[2] = {0xE240, 0x0001};
	assert_int_equal(mbus_counter_value(big, 2, MBUS_BIG), 123456);
	assert_int_equal(mbus_counter_value(little, 2, MBUS_LITTLE), 123456);
	/* the wrong order gives a different number: the setting matters */
	assert_int_equal(mbus_counter_value(big, 2, MBUS_LITTLE), 0xE2400001u);
	uint16_t top[2] = {0xFFFF, 0xFFFF};
	assert_int_equal(mbus_counter_value(top, 2, MBUS_BIG), 4294967295u);
	/* round trips through both orders */
	const uint64_t vals[] = {0, 1, 65535, 65536, 123456789, 4294967295u};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		for (int o = 0; o < 2; o++) {
			uint16_t w[2];
			mbus_counter_words(vals[i], 2, (mbus_word_order)o, w);
			assert_int_equal(mbus_counter_value(w, 2, (mbus_word_order)o), vals[i]);
		}
	}
	uint16_t w[2];
	mbus_counter_words(123456, 2, MBUS_BIG, w);
	assert_int_equal(w[0], 0x0001);
	assert_int_equal(w[1], 0xE240);
	mbus_counter_words(123456, 2, MBUS_LITTLE, w);
	assert_int_equal(w[0], 0xE240);
	assert_int_equal(w[1], 0x0001);
}

static void test_word_order_parse(void **state)
{
	(void)state;
	assert_int_equal(mbus_word_order_parse("big"), MBUS_BIG);
	assert_int_equal(mbus_word_order_parse("little"), MBUS_LITTLE);
	assert_int_equal(mbus_word_order_parse("Big"), -1);
	assert_int_equal(mbus_word_order_parse(""), -1);
	assert_int_equal(mbus_word_order_parse(NULL), -1);
}

static void test_state_map_default(void **state)
{
	(void)state;
	mbus_state_map m;
	char err[160];
	assert_int_equal(
	    mbus_state_map_parse("0:off,1:run,2:idle,3:stop,4:fault,5:setup", &m, err, sizeof err),
	    0);
	assert_int_equal(m.n, 6);
	assert_int_equal(mbus_state_lookup(&m, 0), MS_OFF);
	assert_int_equal(mbus_state_lookup(&m, 1), MS_RUN);
	assert_int_equal(mbus_state_lookup(&m, 2), MS_IDLE);
	assert_int_equal(mbus_state_lookup(&m, 3), MS_STOP);
	assert_int_equal(mbus_state_lookup(&m, 4), MS_FAULT);
	assert_int_equal(mbus_state_lookup(&m, 5), MS_SETUP);
	assert_int_equal(mbus_state_lookup(&m, 6), -1);
	assert_int_equal(mbus_state_lookup(&m, 65535), -1);
}

static void test_state_map_custom_and_spaces(void **state)
{
	(void)state;
	mbus_state_map m;
	char err[160];
	assert_int_equal(
	    mbus_state_map_parse(" 10 : run , 20:stop,65535:fault ", &m, err, sizeof err), 0);
	assert_int_equal(m.n, 3);
	assert_int_equal(mbus_state_lookup(&m, 10), MS_RUN);
	assert_int_equal(mbus_state_lookup(&m, 20), MS_STOP);
	assert_int_equal(mbus_state_lookup(&m, 65535), MS_FAULT);
	assert_int_equal(mbus_state_lookup(&m, 0), -1);
	assert_int_equal(mbus_state_map_parse("7:idle", &m, err, sizeof err), 0);
	assert_int_equal(m.n, 1);
}

static void test_state_map_errors(void **state)
{
	(void)state;
	mbus_state_map m;
	char err[160];
	static const struct {
		const char *text, *needle;
	} bad[] = {
	    {"", "empty"},
	    {"   ", "empty"},
	    {"1", "item 1"},
	    {"run:1", "item 1"},
	    {"0:off,1:running", "'running'"},
	    {"0:off,1:offline", "'offline'"},
	    {"0:off,,1:run", "item 2"},
	    {"0:off,1:run,", "item 3"},
	    {"65536:run", "0..65535"},
	    {"-1:run", "item 1"},
	    {"0:off,0:run", "given twice"},
	    {"0:off;1:run", "item 1"},
	    {"1:", "item 1"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_int_equal(mbus_state_map_parse(bad[i].text, &m, err, sizeof err), -1);
		if (!strstr(err, bad[i].needle))
			fail_msg("'%s': error '%s' does not mention '%s'", bad[i].text, err,
				 bad[i].needle);
	}
	/* at most MBUS_MAP_MAX items */
	char big[1024] = "";
	size_t len = 0;
	for (int i = 0; i <= MBUS_MAP_MAX; i++)
		len += (size_t)snprintf(big + len, sizeof big - len, "%s%d:run", i ? "," : "", i);
	assert_int_equal(mbus_state_map_parse(big, &m, err, sizeof err), -1);
	assert_non_null(strstr(err, "more than"));
}

static void test_plan_one_read(void **state)
{
	(void)state;
	mbus_plan p;
	/* the simulator's layout: counter 0-1, reject 2-3, state 4 */
	assert_int_equal(mbus_plan_reads(0, 2, 2, 4, &p), 0);
	assert_int_equal(p.n_reads, 1);
	assert_int_equal(p.read[0].start, 0);
	assert_int_equal(p.read[0].count, 5);
	assert_int_equal(p.counter_at, 0);
	assert_int_equal(p.reject_at, 2);
	assert_int_equal(p.state_at, 4);
	/* state below the counter, no reject */
	assert_int_equal(mbus_plan_reads(100, 1, -1, 90, &p), 0);
	assert_int_equal(p.n_reads, 1);
	assert_int_equal(p.read[0].start, 90);
	assert_int_equal(p.read[0].count, 11);
	assert_int_equal(p.counter_at, 10);
	assert_int_equal(p.reject_at, -1);
	assert_int_equal(p.state_at, 0);
	/* the counter alone */
	assert_int_equal(mbus_plan_reads(65534, 2, -1, -1, &p), 0);
	assert_int_equal(p.n_reads, 1);
	assert_int_equal(p.read[0].count, 2);
}

static void test_plan_split_and_limits(void **state)
{
	(void)state;
	mbus_plan p;
	/* 125 registers apart still fit one request, 126 do not */
	assert_int_equal(mbus_plan_reads(0, 1, -1, 124, &p), 0);
	assert_int_equal(p.n_reads, 1);
	assert_int_equal(mbus_plan_reads(0, 1, -1, 125, &p), 0);
	assert_int_equal(p.n_reads, 2);
	assert_int_equal(mbus_plan_reads(1000, 2, 40000, 3, &p), 0);
	assert_int_equal(p.n_reads, 3);
	assert_int_equal(p.read[0].start, 1000);
	assert_int_equal(p.read[0].count, 2);
	assert_int_equal(p.read[1].start, 40000);
	assert_int_equal(p.read[1].count, 2);
	assert_int_equal(p.read[2].start, 3);
	assert_int_equal(p.read[2].count, 1);
	assert_int_equal(p.counter_at, 0);
	assert_int_equal(p.reject_at, 2);
	assert_int_equal(p.state_at, 4);
	/* out of range */
	assert_int_equal(mbus_plan_reads(65535, 2, -1, -1, &p), -1);
	assert_int_equal(mbus_plan_reads(0, 2, 65535, -1, &p), -1);
	assert_int_equal(mbus_plan_reads(0, 3, -1, -1, &p), -1);
	assert_int_equal(mbus_plan_reads(0, 0, -1, -1, &p), -1);
	assert_int_equal(mbus_plan_reads(-1, 1, -1, -1, &p), -1);
	assert_int_equal(mbus_plan_reads(0, 1, -1, 65536, &p), -1);
}

static void test_backoff_schedule(void **state)
{
	(void)state;
	assert_int_equal(mbus_backoff_ms(0), 0);
	assert_int_equal(mbus_backoff_ms(-3), 0);
	const int64_t want[] = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
	for (int i = 0; i < 8; i++)
		assert_int_equal(mbus_backoff_ms(i + 1), want[i]);
	assert_int_equal(mbus_backoff_ms(1000), 60000);
	assert_int_equal(mbus_backoff_ms(2147483647), 60000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counter_16),
	    cmocka_unit_test(test_counter_32_word_orders),
	    cmocka_unit_test(test_word_order_parse),
	    cmocka_unit_test(test_state_map_default),
	    cmocka_unit_test(test_state_map_custom_and_spaces),
	    cmocka_unit_test(test_state_map_errors),
	    cmocka_unit_test(test_plan_one_read),
	    cmocka_unit_test(test_plan_split_and_limits),
	    cmocka_unit_test(test_backoff_schedule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
