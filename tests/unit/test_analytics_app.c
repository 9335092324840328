/* SPDX-License-Identifier: Apache-2.0 */
/* test_analytics_app.c: figures of app/analytics.c that the API, CSV and
 * xlsx share, with plain values and a real SQLite file: a firm's stop
 * reasons are the defaults, renamed and extended by its own (and another
 * firm's do not show); the wage total and the worker-output total add up
 * their rows. With --pg (store_pg_test.h) the stop reasons on the
 * PostgreSQL database of $GLOVED_TEST_PG, emptied before and after. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/analytics.h"
#include "store/store.h"
#include "store_pg_test.h"
#include "util/err.h"

static char path[512];

static void rm_db(void)
{
	if (pg_mode) {
		assert_int_equal(store__pg_reset(path), 0);
		return;
	}
	char p[600];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static void test_stop_reasons(void **state)
{
	(void)state;
	if (pg_mode)
		snprintf(path, sizeof path, "%s", pg_uri);
	else
		snprintf(path, sizeof path, "/tmp/gloved-test-analytics-app-%d.db", (int)getpid());
	rm_db();
	store_options o = {0};
	store *db = NULL;
	store_scope all = {0};
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	store_enterprise a = {0, "PY01", "A", ""}, b = {0, "PY02", "B", ""};
	assert_int_equal(store_enterprise_add(db, all, &a), 0);
	assert_int_equal(store_enterprise_add(db, all, &b), 0);
	store_stop_reason *v = NULL;
	size_t n = 0;
	assert_int_equal(analytics_stop_reasons(db, all, a.id, &v, &n), 0);
	assert_int_equal(n, 16);
	const store_stop_reason *r = analytics_reason_find(v, n, "needle_break");
	assert_non_null(r);
	assert_string_equal(r->name_zh, "断针");
	assert_null(analytics_reason_find(v, n, "dye_wait"));
	free(v);
	/* firm A renames one and adds one; firm B keeps the defaults */
	store_stop_reason ren = {a.id, "needle_break", "断针(换针)", "Needle change"};
	store_stop_reason add = {a.id, "dye_wait", "等染色", "Waiting for dyeing"};
	assert_int_equal(store_stop_reason_put(db, all, &ren), 0);
	assert_int_equal(store_stop_reason_put(db, all, &add), 0);
	assert_int_equal(analytics_stop_reasons(db, all, a.id, &v, &n), 0);
	assert_int_equal(n, 17);
	assert_string_equal(analytics_reason_find(v, n, "needle_break")->name_en, "Needle change");
	assert_string_equal(analytics_reason_find(v, n, "dye_wait")->name_zh, "等染色");
	free(v);
	assert_int_equal(analytics_stop_reasons(db, all, b.id, &v, &n), 0);
	assert_int_equal(n, 16);
	assert_string_equal(analytics_reason_find(v, n, "needle_break")->name_en, "Needle break");
	free(v);
	store_close(db);
	rm_db();
}

static void test_totals(void **state)
{
	(void)state;
	an_wage_row w[2];
	memset(w, 0, sizeof w);
	w[0].pay = (wage_result){.good_pieces = 1200,
				 .reject_pieces = 10,
				 .paid_qty = 50,
				 .base_fen = 3000,
				 .bonus_fen = 500,
				 .deduct_fen = 20,
				 .total_fen = 3480};
	w[1].pay = (wage_result){.good_pieces = 240,
				 .reject_pieces = 0,
				 .paid_qty = 10,
				 .base_fen = 600,
				 .total_fen = 600};
	wage_result t;
	analytics_wages_total(w, 2, &t);
	assert_int_equal(t.good_pieces, 1440);
	assert_int_equal(t.reject_pieces, 10);
	assert_int_equal(t.base_fen, 3600);
	assert_int_equal(t.bonus_fen, 500);
	assert_int_equal(t.deduct_fen, 20);
	assert_int_equal(t.total_fen, 4080);
	assert_int_equal(t.paid_qty, 0); /* units differ per worker: no total */
	an_worker_row o[3];
	memset(o, 0, sizeof o);
	o[0].good = 100;
	o[0].reject = 3;
	o[1].good = 50;
	o[2].reject = 1;
	int64_t good, reject;
	analytics_worker_total(o, 3, &good, &reject);
	assert_int_equal(good, 150);
	assert_int_equal(reject, 4);
	analytics_worker_total(o, 0, &good, &reject);
	assert_int_equal(good, 0);
}

int main(int argc, char **argv)
{
	store_pg_test_mode(argc, argv);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stop_reasons),
	    cmocka_unit_test(test_totals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
