/* SPDX-License-Identifier: Apache-2.0 */
/* test_counter.c: counter reconciliation (core/counter.c). Hand-written
 * cases for duplicates, order, resets and wraps, and a property test: a
 * model machine produces pieces, resets and wraps at random; its reports
 * are shuffled within the reorder window and repeated; the pieces credited
 * must equal what the reports make knowable, exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/counter.h"

typedef struct totals {
	int64_t good, reject;
	int dup, late;
} totals;

static int feed(counter_track *t, const counter_params *p, int64_t ts, uint64_t c, uint64_t r,
		totals *tot)
{
	counter_change ch[2];
	int n = 0;
	int rc = counter_apply(t, p, ts, c, r, ch, &n);
	assert_true(rc >= 0);
	for (int i = 0; i < n; i++) {
		tot->good += ch[i].d_good;
		tot->reject += ch[i].d_reject;
	}
	if (rc == COUNTER_DUPLICATE)
		tot->dup++;
	if (rc == COUNTER_LATE)
		tot->late++;
	return rc;
}

static const counter_params P64 = {64, 600000, 0};

static void test_in_order(void **state)
{
	(void)state;
	counter_track t;
	counter_track_init(&t);
	totals tot = {0};
	feed(&t, &P64, 1000, 100, 5, &tot); /* baseline */
	feed(&t, &P64, 2000, 110, 6, &tot);
	feed(&t, &P64, 3000, 125, 6, &tot);
	assert_int_equal(tot.good, 25);
	assert_int_equal(tot.reject, 1);
	counter_track_free(&t);
}

static void test_duplicate_changes_nothing(void **state)
{
	(void)state;
	counter_track t;
	counter_track_init(&t);
	totals tot = {0};
	feed(&t, &P64, 1000, 0, 0, &tot);
	feed(&t, &P64, 2000, 10, 0, &tot);
	assert_int_equal(feed(&t, &P64, 2000, 10, 0, &tot), COUNTER_DUPLICATE);
	assert_int_equal(feed(&t, &P64, 1000, 0, 0, &tot), COUNTER_DUPLICATE);
	assert_int_equal(tot.good, 10);
	counter_track_free(&t);
}

static void test_out_of_order_same_total(void **state)
{
	(void)state;
	counter_track t;
	counter_track_init(&t);
	totals tot = {0};
	feed(&t, &P64, 1000, 0, 0, &tot);
	feed(&t, &P64, 3000, 30, 0, &tot);
	feed(&t, &P64, 2000, 12, 0, &tot); /* late but within the window */
	assert_int_equal(tot.good, 30);
	assert_int_equal(t.s[1].d_good, 12);
	assert_int_equal(t.s[2].d_good, 18);
	counter_track_free(&t);
}

static void test_earlier_report_becomes_baseline(void **state)
{
	(void)state;
	counter_track t;
	counter_track_init(&t);
	totals tot = {0};
	feed(&t, &P64, 5000, 50, 0, &tot);
	feed(&t, &P64, 4000, 40, 0, &tot); /* earlier than the first: new baseline */
	assert_int_equal(tot.good, 10);
	counter_track_free(&t);
}

static void test_reset(void **state)
{
	(void)state;
	counter_track t;
	counter_track_init(&t);
	totals tot = {0};
	feed(&t, &P64, 1000, 500, 0, &tot);
	feed(&t, &P64, 31000, 520, 0, &tot);
	feed(&t, &P64, 61000, 7, 0, &tot); /* power cycle: 7 made since */
	feed(&t, &P64, 91000, 20, 0, &tot);
	assert_int_equal(tot.good, 20 + 7 + 13);
	counter_track_free(&t);
}

static void test_late_report_reveals_reset(void **state)
{
	(void)state;
	counter_track t;
	counter_track_init(&t);
	totals tot = {0};
	feed(&t, &P64, 1000, 100, 0, &tot);
	feed(&t, &P64, 3000, 20, 0, &tot);  /* fell: reset, 20 */
	feed(&t, &P64, 2000, 150, 0, &tot); /* 50 before the reset become known */
	assert_int_equal(tot.good, 70);
	counter_track_free(&t);
}

static void test_wrap_16(void **state)
{
	(void)state;
	counter_params p = {16, 600000, 1000};
	counter_track t;
	counter_track_init(&t);
	totals tot = {0};
	feed(&t, &p, 0, 65530, 0, &tot);
	feed(&t, &p, 30000, 14, 0, &tot); /* 6 + 14 = 20 pieces in 30 s: a wrap */
	assert_int_equal(tot.good, 20);
	/* a fall from the middle of the range is a reset, not a wrap */
	feed(&t, &p, 60000, 30000, 0, &tot);
	feed(&t, &p, 90000, 3, 0, &tot);
	assert_int_equal(tot.good, 20 + 29986 + 3);
	counter_track_free(&t);
}

static void test_wrap_32(void **state)
{
	(void)state;
	counter_params p = {32, 600000, 0};
	counter_track t;
	counter_track_init(&t);
	totals tot = {0};
	feed(&t, &p, 0, 4294967290u, 0, &tot);
	feed(&t, &p, 10000, 4, 0, &tot);
	assert_int_equal(tot.good, 10);
	counter_track_free(&t);
}

static void test_older_than_window_is_late(void **state)
{
	(void)state;
	counter_params p = {64, 10000, 0};
	counter_track t;
	counter_track_init(&t);
	totals tot = {0};
	for (int i = 0; i <= 10; i++)
		feed(&t, &p, (int64_t)i * 5000, (uint64_t)i * 3, 0, &tot);
	/* the anchor is the newest sample older than 50000-10000 */
	assert_true(t.has_anchor);
	assert_int_equal(feed(&t, &p, 12000, 7, 0, &tot), COUNTER_LATE);
	assert_int_equal(tot.good, 30);
	/* between the anchor and the oldest in-window sample is still exact */
	assert_int_equal(t.s[0].ts_ms, 35000);
	assert_int_equal(feed(&t, &p, 37000, 21, 0, &tot), COUNTER_NEW);
	assert_int_equal(tot.good, 30);
	counter_track_free(&t);
}

static void test_reload_anchors(void **state)
{
	(void)state;
	counter_track t;
	counter_track_init(&t);
	counter_sample a = {1000, 10, 0, 0, 0}, b = {2000, 15, 0, 5, 0};
	assert_int_equal(counter_track_load(&t, &a), 0);
	assert_int_equal(counter_track_load(&t, &b), 0);
	totals tot = {0};
	assert_int_equal(feed(&t, &P64, 500, 1, 0, &tot), COUNTER_LATE);
	feed(&t, &P64, 3000, 19, 0, &tot);
	assert_int_equal(tot.good, 4);
	counter_track_free(&t);
}

/* ---- property test ---- */

static uint64_t rng_state;
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}
static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

typedef struct msg {
	int64_t ts;
	uint64_t count, reject;
	int64_t deliver; /* sort key of the delivery order */
} msg;

static int by_deliver(const void *a, const void *b)
{
	const msg *x = a, *y = b;
	return (x->deliver > y->deliver) - (x->deliver < y->deliver);
}

static void run_case(int bits, uint64_t seed)
{
	rng_state = seed;
	counter_params p = {bits, 600000, 2000};
	uint64_t range_mask = bits == 64 ? UINT64_MAX : (((uint64_t)1 << bits) - 1);
	int nrep = 50 + (int)below(300);
	msg *m = calloc((size_t)nrep * 3, sizeof *m);
	assert_non_null(m);
	/* the true machine */
	uint64_t c = bits == 64 ? below(1000000) : below(range_mask + 1), r = below(50);
	int64_t ts = 1764400000000 + (int64_t)below(100000);
	int64_t knowable_good = 0, knowable_reject = 0;
	uint64_t last_c = 0, last_r = 0;
	int n = 0;
	for (int i = 0; i < nrep; i++) {
		int64_t gap = 1000 + (int64_t)below(60000);
		uint64_t cap = (uint64_t)gap * 4 / 2000 + 16;
		int reset = i > 0 && below(10) == 0;
		uint64_t made = below(cap / 2 + 1);
		uint64_t made_r = below(made / 10 + 1);
		if (reset) {
			/* the reset must be distinguishable: the counter ends below where
			 * it was, and the fall must not look like a plausible wrap */
			uint64_t nc = made, nr = made_r;
			int ok = nc < last_c && nr <= last_r;
			if (bits < 64) {
				uint64_t range = range_mask + 1;
				if (range - last_c + nc <= cap)
					ok = 0;
				if (last_r > 0 && nr < last_r && range - last_r + nr <= cap)
					ok = 0;
			}
			if (nr < last_r) {
				/* a reject reset must be detectable too */
			} else if (nr == last_r && last_r != 0) {
				ok = 0;
			}
			if (!ok)
				reset = 0;
		}
		if (reset) {
			c = made;
			r = made_r;
			knowable_good += (int64_t)made;
			knowable_reject += (int64_t)made_r;
		} else {
			c = (c + made) & range_mask;
			r = (r + made_r) & range_mask;
			if (i > 0) {
				knowable_good += (int64_t)made;
				knowable_reject += (int64_t)made_r;
			}
		}
		ts += gap;
		last_c = c;
		last_r = r;
		/* delivered with a delay of up to 5 minutes (half the window) */
		m[n++] = (msg){ts, c, r, ts + (int64_t)below(300000)};
		if (below(5) == 0) /* a duplicate, delivered any time later */
			m[n++] = (msg){ts, c, r, ts + (int64_t)below(3000000)};
	}
	qsort(m, (size_t)n, sizeof *m, by_deliver);
	counter_track t;
	counter_track_init(&t);
	totals tot = {0};
	for (int i = 0; i < n; i++)
		feed(&t, &p, m[i].ts, m[i].count, m[i].reject, &tot);
	if (tot.good != knowable_good || tot.reject != knowable_reject)
		fail_msg("bits=%d seed=%llu: credited %lld/%lld, knowable %lld/%lld", bits,
			 (unsigned long long)seed, (long long)tot.good, (long long)tot.reject,
			 (long long)knowable_good, (long long)knowable_reject);
	/* the in-memory deltas agree with the changes handed out */
	counter_track_free(&t);
	free(m);
}

static void test_property_against_model(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 3000; seed++) {
		run_case(64, seed);
		run_case(32, seed * 7919);
		run_case(16, seed * 104729);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_in_order),
	    cmocka_unit_test(test_duplicate_changes_nothing),
	    cmocka_unit_test(test_out_of_order_same_total),
	    cmocka_unit_test(test_earlier_report_becomes_baseline),
	    cmocka_unit_test(test_reset),
	    cmocka_unit_test(test_late_report_reveals_reset),
	    cmocka_unit_test(test_wrap_16),
	    cmocka_unit_test(test_wrap_32),
	    cmocka_unit_test(test_older_than_window_is_late),
	    cmocka_unit_test(test_reload_anchors),
	    cmocka_unit_test(test_property_against_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
