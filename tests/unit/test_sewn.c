/* SPDX-License-Identifier: Apache-2.0 */
/* test_sewn.c: the pure rules of sewn-glove production: bundles split with
 * the remainder in the last one, the routing order a scan must keep, pay
 * for scanned pairs per rate through core/wage.c (rounded per rate, the
 * household factor rounded half up), and ticket codes: made, parsed in any
 * case and with look-alike letters, refused when malformed, and not
 * verifying when any part was changed or another firm's key is used; the
 * flow of work in progress (pairs waiting, the bottleneck) and the
 * projected completion of an order from its operations' pace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/sewn.h"
#include "core/ticket.h"

static void test_split(void **state)
{
	(void)state;
	int64_t q[16];
	size_t n;
	assert_int_equal(sewn_split(25, 12, q, 16, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(q[0], 12);
	assert_int_equal(q[1], 12);
	assert_int_equal(q[2], 1);
	assert_int_equal(sewn_split(24, 12, q, 16, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(q[1], 12);
	assert_int_equal(sewn_split(5, 12, q, 16, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(q[0], 5);
	/* every pair lands in exactly one bundle, for many sizes */
	for (int64_t pairs = 1; pairs <= 200; pairs++) {
		for (int32_t bs = 1; bs <= 30; bs++) {
			int64_t v[256];
			size_t k;
			assert_int_equal(sewn_split(pairs, bs, v, 256, &k), 0);
			int64_t sum = 0;
			for (size_t i = 0; i < k; i++) {
				assert_true(v[i] >= 1 && v[i] <= bs);
				if (i + 1 < k)
					assert_int_equal(v[i], bs);
				sum += v[i];
			}
			assert_int_equal(sum, pairs);
		}
	}
	assert_int_equal(sewn_split(0, 12, q, 16, &n), -1);
	assert_int_equal(sewn_split(10, 0, q, 16, &n), -1);
	assert_int_equal(sewn_split(10, SEWN_MAX_BUNDLE_PAIRS + 1, q, 16, &n), -1);
	assert_int_equal(sewn_split(200, 12, q, 16, &n), -1); /* 17 bundles, room for 16 */
	assert_int_equal(n, 0);
}

static void test_routing_order(void **state)
{
	(void)state;
	unsigned char done[5] = {1, 1, 0, 1, 0};
	int32_t missing = 0;
	assert_int_equal(sewn_order_check(1, 5, done, &missing), 0);
	assert_int_equal(sewn_order_check(3, 5, done, &missing), 0);
	assert_int_equal(sewn_order_check(4, 5, done, &missing), 1);
	assert_int_equal(missing, 3);
	assert_int_equal(sewn_order_check(5, 5, done, &missing), 1);
	assert_int_equal(missing, 3);
	assert_int_equal(sewn_order_check(0, 5, done, &missing), -1);
	assert_int_equal(sewn_order_check(6, 5, done, &missing), -1);
}

static void test_pay(void **state)
{
	(void)state;
	/* 10 pairs at 0.15 and 8 at 0.10: 1.50 + 0.80 */
	sewn_work w[] = {{1500, 10}, {1000, 8}};
	int64_t fen;
	assert_int_equal(sewn_pay_day(w, 2, &fen), 0);
	assert_int_equal(fen, 230);
	/* sub-fen rates round per rate, half up: 3 pairs at 0.0125 = 0.0375 -> 0.04 */
	sewn_work s[] = {{125, 3}};
	assert_int_equal(sewn_pay_day(s, 1, &fen), 0);
	assert_int_equal(fen, 4);
	assert_int_equal(sewn_pay_day(NULL, 0, &fen), 0);
	assert_int_equal(fen, 0);
	/* a household at 110%: 0.15 -> 0.165, 0.25 -> 0.275; 8 pairs of each */
	assert_int_equal(sewn_rate(1500, 110), 1650);
	assert_int_equal(sewn_rate(2500, 110), 2750);
	assert_int_equal(sewn_rate(1, 50), 1); /* 0.5 rounds up */
	sewn_work h[] = {{sewn_rate(1500, 110), 8}, {sewn_rate(2500, 110), 8}};
	assert_int_equal(sewn_pay_day(h, 2, &fen), 0);
	assert_int_equal(fen, 352);
}

/* A worker's card adds its day steps to the operations' rates; a month
 * card adds nothing to a day; no card: the base. */
static void test_worker_day(void **state)
{
	(void)state;
	sewn_work w[] = {{1500, 6}, {1000, 4}}; /* 0.90 + 0.40 */
	wage_card card = {0};
	card.rate_unit = UNIT_PAIR;
	card.rate_y4 = 99999; /* the card's own rate is not used for scans */
	card.step_period = WAGE_PERIOD_DAY;
	card.n_steps = 1;
	card.steps[0] = (wage_step){WAGE_STEP_FLAT, 10, 10000}; /* 1.00 at 10 pairs */
	wage_result r;
	assert_int_equal(sewn_pay_worker_day(w, 2, &card, &r), 0);
	assert_int_equal(r.base_fen, 130);
	assert_int_equal(r.bonus_fen, 100);
	assert_int_equal(r.total_fen, 230);
	card.steps[0].threshold = 11; /* not reached */
	assert_int_equal(sewn_pay_worker_day(w, 2, &card, &r), 0);
	assert_int_equal(r.total_fen, 130);
	card.steps[0] = (wage_step){WAGE_STEP_PER_UNIT, 8, 500}; /* 0.05 a pair above 8 */
	assert_int_equal(sewn_pay_worker_day(w, 2, &card, &r), 0);
	assert_int_equal(r.bonus_fen, 10);
	card.step_period = WAGE_PERIOD_MONTH;
	assert_int_equal(sewn_pay_worker_day(w, 2, &card, &r), 0);
	assert_int_equal(r.bonus_fen, 0);
	assert_int_equal(sewn_pay_worker_day(w, 2, NULL, &r), 0);
	assert_int_equal(r.total_fen, 130);
	assert_int_equal(r.good_pieces, 20);
}

static void test_ticket_codes(void **state)
{
	(void)state;
	uint8_t key[TICKET_KEY_LEN], other[TICKET_KEY_LEN];
	memset(key, 7, sizeof key);
	memset(other, 9, sizeof other);
	char code[TICKET_CODE_BUF];
	assert_int_equal(ticket_code(key, 104523, 7, code, sizeof code), 0);
	assert_int_equal(strncmp(code, "104523-7-", 9), 0);
	assert_int_equal(strlen(code), 9 + TICKET_MAC_LEN);
	int64_t b;
	int32_t seq;
	char mac[TICKET_MAC_LEN + 1];
	assert_int_equal(ticket_parse(code, &b, &seq, mac), 0);
	assert_int_equal(b, 104523);
	assert_int_equal(seq, 7);
	assert_true(ticket_verify(key, b, seq, mac));
	assert_false(ticket_verify(other, b, seq, mac));
	assert_false(ticket_verify(key, b + 1, seq, mac));
	assert_false(ticket_verify(key, b, seq + 1, mac));
	/* typed: lower case, spaces, look-alikes (O for 0, I or L for 1) */
	char typed[64];
	snprintf(typed, sizeof typed, "  %s \n", code);
	for (char *p = typed; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	for (char *p = typed + 11; *p; p++) { /* in the MAC only */
		if (*p == '0')
			*p = 'o';
		else if (*p == '1')
			*p = 'l';
	}
	char mac2[TICKET_MAC_LEN + 1];
	assert_int_equal(ticket_parse(typed, &b, &seq, mac2), 0);
	assert_string_equal(mac2, mac);
	/* any changed MAC character fails */
	for (int i = 0; i < TICKET_MAC_LEN; i++) {
		char m[TICKET_MAC_LEN + 1];
		memcpy(m, mac, sizeof m);
		m[i] = m[i] == 'Z' ? 'Y' : 'Z';
		assert_false(ticket_verify(key, 104523, 7, m));
	}
	const char *bad[] = {"",
			     "104523-7",
			     "104523-7-ABCDE",
			     "104523-7-ABCDEFG",
			     "-7-ABCDEF",
			     "104523--ABCDEF",
			     "104523-0-ABCDEF",
			     "0-7-ABCDEF",
			     "104523-7-ABCDEU",
			     "104523-1000-ABCDEF",
			     "10452a-7-ABCDEF",
			     "104523-7-ABC EF",
			     "1234567890123456-7-ABCDEF"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(ticket_parse(bad[i], &b, &seq, mac), -1);
	assert_int_equal(ticket_code(key, 0, 1, code, sizeof code), -1);
	assert_int_equal(ticket_code(key, 1, 1, code, 8), -1);
}

static void test_wip_flow(void **state)
{
	(void)state;
	/* cut 100; done 70, 30, 10: waiting 30, 40, 20, the bottleneck op 2 */
	int64_t done[] = {70, 30, 10}, waiting[3];
	assert_int_equal(sewn_wip_flow(100, done, 3, waiting), 2);
	assert_int_equal(waiting[0], 30);
	assert_int_equal(waiting[1], 40);
	assert_int_equal(waiting[2], 20);
	/* equal queues: the first; more done than arrived waits 0, not less */
	int64_t even[] = {50, 0, 10};
	assert_int_equal(sewn_wip_flow(100, even, 3, waiting), 1);
	assert_int_equal(waiting[1], 50);
	assert_int_equal(waiting[2], 0);
	/* everything through: no bottleneck */
	int64_t all[] = {100, 100, 100};
	assert_int_equal(sewn_wip_flow(100, all, 3, waiting), 0);
	assert_int_equal(sewn_wip_flow(0, NULL, 0, waiting), 0);
}

static void test_wip_projection(void **state)
{
	(void)state;
	sewn_projection p;
	/* 100 ordered, 10 finished; paces of 70, 30 and 10 pairs in 3 days:
	 * 2, 7 and 27 days to go, the slowest decides */
	int64_t done[] = {70, 30, 10}, recent[] = {70, 30, 10};
	sewn_wip_project(100, 10, done, recent, 3, 20000, 20010, &p);
	assert_true(p.known);
	assert_int_equal(p.day, 20027);
	assert_true(p.late);
	sewn_wip_project(100, 10, done, recent, 3, 20000, 20027, &p);
	assert_false(p.late); /* done on the due day is on time */
	/* an operation with no pace gives nothing; one through is not waited for */
	int64_t idle[] = {100, 30, 10}, pace[] = {0, 30, 0};
	sewn_wip_project(100, 10, idle, pace, 3, 20000, 20010, &p);
	assert_true(p.known);
	assert_int_equal(p.day, 20007);
	/* no pace at all: unknown, late once the due day is past */
	int64_t none[] = {0, 0, 0};
	sewn_wip_project(100, 10, done, none, 3, 20000, 20010, &p);
	assert_false(p.known);
	assert_false(p.late);
	sewn_wip_project(100, 10, done, none, 3, 20011, 20010, &p);
	assert_true(p.late);
	/* finished: on the due day, not late; a crawl is capped */
	sewn_wip_project(100, 100, done, recent, 3, 20011, 20010, &p);
	assert_true(p.known);
	assert_int_equal(p.day, 20010);
	assert_false(p.late);
	int64_t slow[] = {1, 0, 0}, crawl[] = {1, 0, 0};
	sewn_wip_project(1000000, 0, none, crawl, 3, 20000, 20010, &p);
	assert_int_equal(p.day, 20000 + 100000);
	/* no routing to pace (a knitted order): known only when finished */
	sewn_wip_project(100, 40, slow, crawl, 0, 20000, 20010, &p);
	assert_false(p.known);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_routing_order),
	    cmocka_unit_test(test_pay),
	    cmocka_unit_test(test_worker_day),
	    cmocka_unit_test(test_ticket_codes),
	    cmocka_unit_test(test_wip_flow),
	    cmocka_unit_test(test_wip_projection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
