/* SPDX-License-Identifier: Apache-2.0 */
/* test_analytics_store.c: the analytics capability of the store
 * (store/analytics.h) on both backends: a firm's calendar, stop reasons,
 * workers and assignments are upserts that stay in their firm (a write
 * outside the scope is refused, a refused one leaves the transaction
 * usable) and list in key order (texts in byte order); the shift rollups
 * add up on their key; every shape of a filter (one machine, one firm, the
 * cluster; with a workshop, a shift, exact instance bounds; a scope that
 * names another firm) reads the same rows, reason sums and worker sums in
 * the same order; a stop keeps a supervisor's reason, lists newest first
 * within its limit, and the newest stop of each machine resumes. Run
 * without arguments on a SQLite file in a temporary directory; with --pg
 * on the PostgreSQL database of $GLOVED_TEST_PG (store_pg_test.h), emptied
 * before and after each test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store.h"
#include "store_pg_test.h"
#include "util/err.h"

#define DAY   86400000LL
#define SHIFT 43200000LL

static char dir[64];
static char path[128];
/* firm A: workshops 1 and 2, machines a1 (in 1) and a2 (in 2); firm B:
 * machine b1 */
static int64_t ent_a, ent_b, ws_a1, ws_a2, ws_b, m_a1, m_a2, m_b1;

static void rm_db(void)
{
	static const char *const tails[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
		char p[160];
		snprintf(p, sizeof p, "%s%s", path, tails[i]);
		unlink(p);
	}
}

static int64_t add_firm(store *db, const char *code)
{
	store_enterprise e;
	memset(&e, 0, sizeof e);
	snprintf(e.code, sizeof e.code, "%s", code);
	snprintf(e.name, sizeof e.name, "firm %s", code);
	assert_int_equal(store_enterprise_add(db, (store_scope){0}, &e), GLOVED_OK);
	return e.id;
}

static int64_t add_workshop(store *db, int64_t ent, const char *code)
{
	store_workshop w;
	memset(&w, 0, sizeof w);
	w.enterprise_id = ent;
	snprintf(w.code, sizeof w.code, "%s", code);
	snprintf(w.name, sizeof w.name, "%s", code);
	assert_int_equal(store_workshop_add(db, (store_scope){0}, &w), GLOVED_OK);
	return w.id;
}

static int64_t add_machine(store *db, int64_t ent, int64_t ws, const char *code)
{
	store_machine m;
	memset(&m, 0, sizeof m);
	m.enterprise_id = ent;
	m.workshop_id = ws;
	snprintf(m.code, sizeof m.code, "%s", code);
	snprintf(m.kind, sizeof m.kind, "knitting");
	m.counter_bits = 64;
	m.cycle_ms = 1000;
	assert_int_equal(store_machine_add(db, (store_scope){0}, &m), GLOVED_OK);
	return m.id;
}

static int setup(void **state)
{
	store *db = NULL;
	store_options o = {0};
	if (pg_mode) {
		if (store__pg_reset(pg_uri) || store_open(pg_uri, STORE_WRITE, &o, &db))
			return -1;
	} else {
		snprintf(dir, sizeof dir, "/tmp/gloved-test-analytics-XXXXXX");
		if (!mkdtemp(dir))
			return -1;
		snprintf(path, sizeof path, "%s/a.db", dir);
		if (store_open(path, STORE_WRITE, &o, &db))
			return -1;
	}
	ent_a = add_firm(db, "AA");
	ent_b = add_firm(db, "AB");
	ws_a1 = add_workshop(db, ent_a, "W1");
	ws_a2 = add_workshop(db, ent_a, "W2");
	ws_b = add_workshop(db, ent_b, "W1");
	m_a1 = add_machine(db, ent_a, ws_a1, "K1");
	m_a2 = add_machine(db, ent_a, ws_a2, "K2");
	m_b1 = add_machine(db, ent_b, ws_b, "K1");
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	if (pg_mode)
		return store__pg_reset(pg_uri) ? -1 : 0;
	rm_db();
	rmdir(dir);
	return 0;
}

/* ---- firm settings ---- */

static void test_calendar(void **state)
{
	store *db = *state;
	store_scope all = {0}, b = {.enterprise_id = ent_b};
	char *json = (char *)1;
	assert_int_equal(store_calendar_get(db, ent_a, &json), GLOVED_ENOTFOUND);
	assert_null(json);
	int64_t rev0 = 0, rev1 = 0;
	assert_int_equal(store_registry_rev(db, &rev0), GLOVED_OK);
	assert_int_equal(store_calendar_put(db, b, ent_a, "{}"), GLOVED_EPERM);
	assert_int_equal(store_calendar_put(db, all, ent_a, "{\"tz\":\"Asia/Shanghai\"}"),
			 GLOVED_OK);
	assert_int_equal(store_calendar_get(db, ent_a, &json), GLOVED_OK);
	assert_string_equal(json, "{\"tz\":\"Asia/Shanghai\"}");
	free(json);
	assert_int_equal(store_registry_rev(db, &rev1), GLOVED_OK);
	assert_true(rev1 > rev0); /* the readers reload the firm's rules */
	/* replaced, in the firm's own scope; a firm that does not exist is
	 * refused and the transaction goes on */
	store_scope a = {.enterprise_id = ent_a};
	assert_int_equal(store_begin(db), GLOVED_OK);
	assert_int_equal(store_calendar_put(db, all, ent_b + 1000, "{}"), GLOVED_EEXIST);
	assert_int_equal(store_calendar_put(db, a, ent_a, "{\"tz\":\"America/New_York\"}"),
			 GLOVED_OK);
	assert_int_equal(store_commit(db), GLOVED_OK);
	assert_int_equal(store_calendar_get(db, ent_a, &json), GLOVED_OK);
	assert_string_equal(json, "{\"tz\":\"America/New_York\"}");
	free(json);
	assert_int_equal(store_registry_rev(db, &rev0), GLOVED_OK);
	assert_true(rev0 > rev1);
	assert_int_equal(store_calendar_get(db, ent_b, &json), GLOVED_ENOTFOUND);
}

static void test_stop_reasons_workers_assignments(void **state)
{
	store *db = *state;
	store_scope all = {0}, a = {.enterprise_id = ent_a}, b = {.enterprise_id = ent_b};
	/* byte order: upper case, then '_', then lower case */
	static const char *const codes[] = {"zeta", "Alpha", "beta", "_idle"};
	for (size_t i = 0; i < 4; i++) {
		store_stop_reason r;
		memset(&r, 0, sizeof r);
		r.enterprise_id = ent_a;
		snprintf(r.code, sizeof r.code, "%s", codes[i]);
		snprintf(r.name_zh, sizeof r.name_zh, "原因%zu", i);
		snprintf(r.name_en, sizeof r.name_en, "reason %zu", i);
		assert_int_equal(store_stop_reason_put(db, a, &r), GLOVED_OK);
	}
	store_stop_reason rb = {ent_b, "dye_wait", "等染色", "Waiting for dyeing"};
	assert_int_equal(store_stop_reason_put(db, a, &rb), GLOVED_EPERM);
	assert_int_equal(store_stop_reason_put(db, all, &rb), GLOVED_OK);
	store_stop_reason ren = {ent_a, "beta", "乙", "Beta renamed"};
	assert_int_equal(store_stop_reason_put(db, all, &ren), GLOVED_OK);
	store_stop_reason *rv = NULL;
	size_t n = 0;
	assert_int_equal(store_stop_reason_list(db, all, 0, &rv, &n), GLOVED_OK);
	assert_int_equal(n, 5);
	static const char *const want[] = {"Alpha", "_idle", "beta", "zeta"};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(rv[i].enterprise_id, ent_a);
		assert_string_equal(rv[i].code, want[i]);
	}
	assert_string_equal(rv[2].name_zh, "乙");
	assert_string_equal(rv[2].name_en, "Beta renamed");
	assert_string_equal(rv[4].code, "dye_wait");
	assert_string_equal(rv[4].name_zh, "等染色");
	free(rv);
	assert_int_equal(store_stop_reason_list(db, b, 0, &rv, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	free(rv);
	assert_int_equal(store_stop_reason_list(db, all, ent_b, &rv, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	free(rv);
	assert_int_equal(store_stop_reason_list(db, b, ent_a, &rv, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(rv);

	/* workers */
	store_worker w;
	memset(&w, 0, sizeof w);
	w.enterprise_id = ent_a;
	static const char *const wcodes[] = {"w10", "W2", "w1"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(w.code, sizeof w.code, "%s", wcodes[i]);
		snprintf(w.name, sizeof w.name, "王%zu", i);
		snprintf(w.card, sizeof w.card, "{\"piece_fen\":%zu}", i + 1);
		assert_int_equal(store_worker_put(db, a, &w), GLOVED_OK);
	}
	w.enterprise_id = ent_b;
	snprintf(w.code, sizeof w.code, "w1");
	assert_int_equal(store_worker_put(db, a, &w), GLOVED_EPERM);
	assert_int_equal(store_worker_put(db, b, &w), GLOVED_OK);
	w.enterprise_id = ent_a;
	snprintf(w.code, sizeof w.code, "w10");
	snprintf(w.name, sizeof w.name, "李");
	snprintf(w.card, sizeof w.card, "{\"piece_fen\":9}");
	assert_int_equal(store_worker_put(db, a, &w), GLOVED_OK);
	store_worker *wv = NULL;
	assert_int_equal(store_worker_list(db, a, 0, &wv, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	assert_string_equal(wv[0].code, "W2");
	assert_string_equal(wv[1].code, "w1");
	assert_string_equal(wv[2].code, "w10");
	assert_string_equal(wv[2].name, "李");
	assert_string_equal(wv[2].card, "{\"piece_fen\":9}");
	free(wv);
	assert_int_equal(store_worker_list(db, all, 0, &wv, &n), GLOVED_OK);
	assert_int_equal(n, 4);
	assert_int_equal(wv[3].enterprise_id, ent_b);
	free(wv);
	assert_int_equal(store_worker_list(db, b, ent_a, &wv, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(wv);
	store_scope agg = {.aggregates = 1};
	wv = (store_worker *)1;
	assert_int_equal(store_worker_list(db, agg, 0, &wv, &n), GLOVED_EPERM);
	assert_null(wv);
	store_worker got;
	memset(&got, 0, sizeof got);
	assert_int_equal(store_worker_get(db, ent_a, "w1", &got), GLOVED_OK);
	assert_string_equal(got.name, "王2");
	assert_string_equal(got.card, "{\"piece_fen\":3}");
	assert_int_equal(store_worker_get(db, ent_a, "W1", &got), GLOVED_ENOTFOUND);
	assert_int_equal(store_worker_get(db, ent_b, "w10", &got), GLOVED_ENOTFOUND);

	/* assignments: set, replace, clear; by day, machine, shift */
	store_assignment as[] = {
	    {m_a2, ent_a, 101, 0, "w1"}, {m_a1, ent_a, 101, 1, "w10"}, {m_a1, ent_a, 101, 0, "W2"},
	    {m_a1, ent_a, 100, 0, "w1"}, {m_b1, ent_b, 100, 0, "w1"},  {m_a1, ent_a, 102, 0, "w1"},
	};
	for (size_t i = 0; i < sizeof as / sizeof as[0]; i++)
		assert_int_equal(
		    store_assignment_put(db, as[i].enterprise_id == ent_a ? a : b, &as[i]),
		    GLOVED_OK);
	store_assignment cross = {m_b1, ent_b, 100, 1, "w1"};
	assert_int_equal(store_assignment_put(db, a, &cross), GLOVED_EPERM);
	store_assignment re = {m_a1, ent_a, 101, 0, "w1"};
	assert_int_equal(store_assignment_put(db, a, &re), GLOVED_OK);
	store_assignment clear = {m_a1, ent_a, 102, 0, ""};
	assert_int_equal(store_assignment_put(db, a, &clear), GLOVED_OK);
	assert_int_equal(store_assignment_put(db, a, &clear), GLOVED_OK); /* none: still ok */
	store_assignment *av = NULL;
	assert_int_equal(store_assignment_list(db, a, 0, 100, 102, &av, &n), GLOVED_OK);
	assert_int_equal(n, 4);
	assert_int_equal(av[0].shift_day, 100);
	assert_int_equal(av[0].machine_id, m_a1);
	assert_int_equal(av[1].shift_day, 101);
	assert_int_equal(av[1].machine_id, m_a1);
	assert_int_equal(av[1].shift, 0);
	assert_string_equal(av[1].worker, "w1"); /* replaced */
	assert_int_equal(av[2].machine_id, m_a1);
	assert_int_equal(av[2].shift, 1);
	assert_string_equal(av[2].worker, "w10");
	assert_int_equal(av[3].machine_id, m_a2);
	assert_int_equal(av[3].enterprise_id, ent_a);
	free(av);
	assert_int_equal(store_assignment_list(db, all, 0, 100, 100, &av, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_int_equal(av[0].machine_id, m_a1);
	assert_int_equal(av[1].machine_id, m_b1);
	free(av);
	assert_int_equal(store_assignment_list(db, b, ent_a, 0, 1000, &av, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(av);
	av = (store_assignment *)1;
	assert_int_equal(store_assignment_list(db, agg, 0, 0, 1000, &av, &n), GLOVED_EPERM);
	assert_null(av);
}

/* ---- shift rollups ---- */

static store_shift_key key(int64_t m, int32_t day, int32_t shift)
{
	store_shift_key k = {0};
	k.bucket = (int64_t)day * DAY + shift * SHIFT;
	k.machine_id = m;
	k.enterprise_id = m == m_b1 ? ent_b : ent_a;
	k.workshop_id = m == m_a1 ? ws_a1 : m == m_a2 ? ws_a2 : ws_b;
	k.shift_day = day;
	k.shift = shift;
	return k;
}

static void add_row(store *db, int64_t m, int32_t day, int32_t shift, int64_t good)
{
	store_shift_add x;
	memset(&x, 0, sizeof x);
	x.k = key(m, day, shift);
	x.good = good;
	x.reject = good / 10;
	x.ideal_ms = good * 1000;
	x.ideal_reject_ms = good * 100;
	for (int i = 0; i < STORE_STATES; i++)
		x.ms[i] = good + i;
	if (good % 2 == 0) {
		assert_int_equal(store_shift_add_row(db, &x), GLOVED_OK);
		return;
	}
	/* odd: as two rows of one key in one call, which add up */
	store_shift_add two[2] = {x, x};
	two[1].good = 1;
	two[1].reject = 1;
	two[1].ideal_ms = two[1].ideal_reject_ms = 1;
	two[0].good -= 1;
	two[0].reject -= 1;
	two[0].ideal_ms -= 1;
	two[0].ideal_reject_ms -= 1;
	for (int i = 0; i < STORE_STATES; i++) {
		two[1].ms[i] = 1;
		two[0].ms[i] -= 1;
	}
	assert_int_equal(store_shift_add_rows(db, two, 2), GLOVED_OK);
}

/* The rows of f in scope sc: their machines and shift days in order. */
static size_t rows_of(store *db, store_scope sc, store_filter f, int64_t *m, int32_t *d)
{
	store_shift_sum *v = (store_shift_sum *)1;
	size_t n = 99;
	assert_int_equal(store_shift_rows(db, sc, &f, &v, &n), GLOVED_OK);
	for (size_t i = 0; i < n && i < 16; i++) {
		m[i] = v[i].k.machine_id;
		d[i] = v[i].k.shift_day;
	}
	if (!n)
		assert_null(v);
	free(v);
	return n;
}

static void test_shift_rows_every_shape(void **state)
{
	store *db = *state;
	store_scope all = {0}, a = {.enterprise_id = ent_a}, b = {.enterprise_id = ent_b};
	assert_int_equal(store_begin(db), GLOVED_OK);
	add_row(db, m_a1, 100, 0, 100);
	add_row(db, m_a1, 100, 0, 50); /* adds to the same row */
	add_row(db, m_a1, 100, 1, 10);
	add_row(db, m_a1, 101, 0, 20);
	add_row(db, m_a2, 100, 0, 30);
	add_row(db, m_a2, 102, 1, 40);
	add_row(db, m_b1, 100, 0, 60);
	add_row(db, m_b1, 101, 1, 70);
	assert_int_equal(store_commit(db), GLOVED_OK);

	/* the added row, every column */
	store_filter f = {.machine_id = m_a1, .day0 = 100, .day1 = 100, .shift = 0};
	store_shift_sum *v = NULL;
	size_t n = 0;
	assert_int_equal(store_shift_rows(db, all, &f, &v, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].k.bucket, 100 * DAY);
	assert_int_equal(v[0].k.machine_id, m_a1);
	assert_int_equal(v[0].k.enterprise_id, ent_a);
	assert_int_equal(v[0].k.workshop_id, ws_a1);
	assert_int_equal(v[0].k.shift_day, 100);
	assert_int_equal(v[0].k.shift, 0);
	assert_int_equal(v[0].good, 150);
	assert_int_equal(v[0].reject, 15);
	assert_int_equal(v[0].ideal_ms, 150000);
	assert_int_equal(v[0].ideal_reject_ms, 15000);
	for (int i = 0; i < STORE_STATES; i++)
		assert_int_equal(v[0].ms[i], 150 + 2 * i);
	free(v);

	int64_t m[16];
	int32_t d[16];
	/* one machine, every shift, by bucket */
	f = (store_filter){.machine_id = m_a1, .day0 = 100, .day1 = 101, .shift = -1};
	assert_int_equal(rows_of(db, all, f, m, d), 3);
	assert_int_equal(d[0], 100);
	assert_int_equal(d[2], 101);
	/* in the machine's firm's scope, not in another's */
	assert_int_equal(rows_of(db, a, f, m, d), 3);
	assert_int_equal(rows_of(db, b, f, m, d), 0);
	f.enterprise_id = ent_b;
	assert_int_equal(rows_of(db, all, f, m, d), 0);
	f.enterprise_id = ent_a;
	assert_int_equal(rows_of(db, b, f, m, d), 0);
	/* one machine within exact instance bounds */
	f = (store_filter){.machine_id = m_a1,
			   .day0 = 100,
			   .day1 = 101,
			   .shift = -1,
			   .bucket_from = 100 * DAY + SHIFT,
			   .bucket_to = 101 * DAY + 1};
	assert_int_equal(rows_of(db, all, f, m, d), 2);
	assert_int_equal(d[0], 100);
	assert_int_equal(d[1], 101);
	/* one firm: by machine, then bucket */
	f = (store_filter){.enterprise_id = ent_a, .day0 = 100, .day1 = 102, .shift = -1};
	assert_int_equal(rows_of(db, all, f, m, d), 5);
	assert_int_equal(m[0], m_a1);
	assert_int_equal(m[2], m_a1);
	assert_int_equal(m[3], m_a2);
	assert_int_equal(d[4], 102);
	assert_int_equal(rows_of(db, b, f, m, d), 0);
	/* the firm of the scope when the filter names none */
	f.enterprise_id = 0;
	assert_int_equal(rows_of(db, a, f, m, d), 5);
	assert_int_equal(rows_of(db, b, f, m, d), 2);
	/* a workshop, a shift, a day range */
	f = (store_filter){
	    .enterprise_id = ent_a, .workshop_id = ws_a2, .day0 = 0, .day1 = 1000, .shift = -1};
	assert_int_equal(rows_of(db, all, f, m, d), 2);
	assert_int_equal(m[0], m_a2);
	f.workshop_id = 0;
	f.shift = 1;
	assert_int_equal(rows_of(db, a, f, m, d), 2);
	assert_int_equal(m[0], m_a1);
	assert_int_equal(m[1], m_a2);
	f.shift = -1;
	f.day0 = f.day1 = 101;
	assert_int_equal(rows_of(db, all, f, m, d), 1);
	/* the cluster: every firm, within the days' instance bounds */
	f = (store_filter){.day0 = 100, .day1 = 100, .shift = -1};
	assert_int_equal(rows_of(db, all, f, m, d), 4);
	assert_int_equal(m[0], m_a1);
	assert_int_equal(m[1], m_a1);
	assert_int_equal(m[2], m_a2);
	assert_int_equal(m[3], m_b1);
	f.shift = 0;
	assert_int_equal(rows_of(db, all, f, m, d), 3);
	f.workshop_id = ws_b;
	assert_int_equal(rows_of(db, all, f, m, d), 1);
	assert_int_equal(m[0], m_b1);
	f = (store_filter){.day0 = 100,
			   .day1 = 102,
			   .shift = -1,
			   .bucket_from = 101 * DAY,
			   .bucket_to = 102 * DAY};
	assert_int_equal(rows_of(db, all, f, m, d), 2);
	assert_int_equal(m[0], m_a1);
	assert_int_equal(m[1], m_b1);
	f = (store_filter){.day0 = 200, .day1 = 300, .shift = -1};
	assert_int_equal(rows_of(db, all, f, m, d), 0);
}

static void test_reason_and_worker_sums(void **state)
{
	store *db = *state;
	store_scope all = {0}, a = {.enterprise_id = ent_a}, b = {.enterprise_id = ent_b};
	store_shift_key k1 = key(m_a1, 100, 0), k2 = key(m_a2, 100, 0), k3 = key(m_b1, 100, 0);
	store_shift_key k4 = key(m_a1, 101, 1);
	assert_int_equal(store_begin(db), GLOVED_OK);
	assert_int_equal(store_shift_reason_add(db, &k1, 3, "needle_break", 1000), GLOVED_OK);
	/* the rest in one call, a key twice in it (added up) */
	const store_shift_reason_delta rest[] = {
	    {k1, 3, "needle_break", 250},
	    {k1, 3, "needle_break", 250},
	    {k2, 3, "needle_break", 500},
	    {k1, 4, "", 2000},
	    /* equal time: by state, then reason in byte order */
	    {k2, 3, "yarn", 700},
	    {k2, 3, "Oil", 700},
	    {k1, 2, "zz", 700},
	    {k3, 3, "needle_break", 9000},
	    {k4, 5, "setup", 50}};
	assert_int_equal(store_shift_reasons_add(db, rest, sizeof rest / sizeof rest[0]),
			 GLOVED_OK);
	assert_int_equal(store_commit(db), GLOVED_OK);
	store_filter f = {.enterprise_id = ent_a, .day0 = 100, .day1 = 100, .shift = -1};
	store_reason_sum *rs = NULL;
	size_t n = 0;
	assert_int_equal(store_shift_reason_sums(db, all, &f, &rs, &n), GLOVED_OK);
	assert_int_equal(n, 5);
	assert_int_equal(rs[0].state, 3);
	assert_string_equal(rs[0].reason, "needle_break");
	assert_int_equal(rs[0].ms, 2000);
	assert_int_equal(rs[1].state, 4);
	assert_string_equal(rs[1].reason, "");
	assert_int_equal(rs[1].ms, 2000);
	assert_int_equal(rs[2].state, 2);
	assert_string_equal(rs[2].reason, "zz");
	assert_string_equal(rs[3].reason, "Oil");
	assert_string_equal(rs[4].reason, "yarn");
	assert_int_equal(rs[4].ms, 700);
	free(rs);
	/* one machine; the cluster; a scope of another firm */
	f = (store_filter){.machine_id = m_a2, .day0 = 100, .day1 = 101, .shift = -1};
	assert_int_equal(store_shift_reason_sums(db, all, &f, &rs, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	assert_string_equal(rs[0].reason, "Oil");
	assert_string_equal(rs[2].reason, "needle_break");
	free(rs);
	f = (store_filter){.day0 = 100, .day1 = 101, .shift = -1};
	assert_int_equal(store_shift_reason_sums(db, all, &f, &rs, &n), GLOVED_OK);
	assert_int_equal(n, 6);
	assert_string_equal(rs[0].reason, "needle_break");
	assert_int_equal(rs[0].ms, 11000);
	assert_string_equal(rs[5].reason, "setup");
	free(rs);
	f.shift = 1;
	assert_int_equal(store_shift_reason_sums(db, a, &f, &rs, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rs[0].state, 5);
	free(rs);
	f = (store_filter){.enterprise_id = ent_a, .day0 = 100, .day1 = 101, .shift = -1};
	rs = (store_reason_sum *)1;
	assert_int_equal(store_shift_reason_sums(db, b, &f, &rs, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	assert_null(rs);

	/* workers: summed per machine, day, shift and worker across instances */
	store_shift_key k1b = k1;
	k1b.bucket += 3600000; /* a second instance of the same shift */
	assert_int_equal(store_shift_worker_add(db, &k1, "w1", 10, 1), GLOVED_OK);
	const store_shift_worker_delta wrest[] = {
	    {k1, "w1", 2, 0},  {k1, "w1", 3, 0}, {k1b, "w1", 7, 2}, {k1, "Zed", 3, 0},
	    {k2, "amy", 4, 0}, {k4, "w1", 8, 0}, {k3, "w1", 9, 0}};
	assert_int_equal(store_shift_workers_add(db, wrest, sizeof wrest / sizeof wrest[0]),
			 GLOVED_OK);
	f = (store_filter){.enterprise_id = ent_a, .day0 = 100, .day1 = 101, .shift = -1};
	store_worker_sum *ws = NULL;
	assert_int_equal(store_shift_worker_sums(db, all, &f, &ws, &n), GLOVED_OK);
	assert_int_equal(n, 4);
	assert_int_equal(ws[0].machine_id, m_a1);
	assert_string_equal(ws[0].worker, "Zed");
	assert_int_equal(ws[1].machine_id, m_a1);
	assert_string_equal(ws[1].worker, "w1");
	assert_int_equal(ws[1].shift_day, 100);
	assert_int_equal(ws[1].shift, 0);
	assert_int_equal(ws[1].good, 22);
	assert_int_equal(ws[1].reject, 3);
	assert_int_equal(ws[2].machine_id, m_a2);
	assert_string_equal(ws[2].worker, "amy");
	assert_int_equal(ws[3].shift_day, 101);
	assert_int_equal(ws[3].good, 8);
	free(ws);
	f = (store_filter){.day0 = 100, .day1 = 100, .shift = 0};
	assert_int_equal(store_shift_worker_sums(db, all, &f, &ws, &n), GLOVED_OK);
	assert_int_equal(n, 4);
	assert_int_equal(ws[3].machine_id, m_b1);
	free(ws);
	f = (store_filter){.machine_id = m_a1, .day0 = 101, .day1 = 101, .shift = -1};
	assert_int_equal(store_shift_worker_sums(db, a, &f, &ws, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ws[0].good, 8);
	free(ws);
	ws = (store_worker_sum *)1;
	assert_int_equal(store_shift_worker_sums(db, b, &f, &ws, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	assert_null(ws);
}

/* ---- stops ---- */

static store_stop stop_of(int64_t m, int64_t start, int64_t end, int state, const char *reason)
{
	store_stop x;
	memset(&x, 0, sizeof x);
	x.machine_id = m;
	x.enterprise_id = m == m_b1 ? ent_b : ent_a;
	x.workshop_id = m == m_a1 ? ws_a1 : m == m_a2 ? ws_a2 : ws_b;
	x.start_ms = start;
	x.end_ms = end;
	x.state = state;
	snprintf(x.reason, sizeof x.reason, "%s", reason);
	return x;
}

static void test_stops(void **state)
{
	store *db = *state;
	store_scope all = {0}, a = {.enterprise_id = ent_a}, b = {.enterprise_id = ent_b};
	const int64_t t = 100 * DAY;
	store_stop x = stop_of(m_a1, t, t + 1000, 3, "");
	assert_int_equal(store_stop_put(db, &x), GLOVED_OK);
	x.end_ms = t + 5000;
	x.state = 4;
	snprintf(x.reason, sizeof x.reason, "needle_break");
	assert_int_equal(store_stop_put(db, &x), GLOVED_OK); /* the same stop, updated */
	store_stop got;
	assert_int_equal(store_stop_get(db, a, m_a1, t, &got), GLOVED_OK);
	assert_int_equal(got.machine_id, m_a1);
	assert_int_equal(got.enterprise_id, ent_a);
	assert_int_equal(got.workshop_id, ws_a1);
	assert_int_equal(got.start_ms, t);
	assert_int_equal(got.end_ms, t + 5000);
	assert_int_equal(got.state, 4);
	assert_string_equal(got.reason, "needle_break");
	assert_int_equal(got.supervisor, 0);
	assert_int_equal(store_stop_get(db, b, m_a1, t, &got), GLOVED_ENOTFOUND);
	assert_int_equal(store_stop_get(db, all, m_a1, t + 1, &got), GLOVED_ENOTFOUND);
	/* a supervisor's reason stays through later updates */
	assert_int_equal(store_stop_set_reason(db, m_a1, t, "yarn_break"), GLOVED_OK);
	assert_int_equal(store_stop_set_reason(db, m_a1, t + 1, "x"), GLOVED_ENOTFOUND);
	x.end_ms = t + 9000;
	snprintf(x.reason, sizeof x.reason, "needle_break");
	assert_int_equal(store_stop_put(db, &x), GLOVED_OK);
	assert_int_equal(store_stop_get(db, all, m_a1, t, &got), GLOVED_OK);
	assert_string_equal(got.reason, "yarn_break");
	assert_int_equal(got.supervisor, 1);
	assert_int_equal(got.end_ms, t + 9000);
	/* a put that says supervisor sets the reason of a new stop */
	store_stop s2 = stop_of(m_a2, t + 2000, t + 3000, 3, "oil");
	s2.supervisor = 1;
	assert_int_equal(store_stop_put(db, &s2), GLOVED_OK);
	store_stop more[] = {
	    stop_of(m_b1, t + 2000, t + 2200, 3, "x"), /* the same stop again below: the last wins
							*/
	    stop_of(m_b1, t + 2000, t + 2500, 5, "setup"),
	    stop_of(m_a1, t + 20000, t + 30000, 3, ""),
	    stop_of(m_a2, t - 8 * DAY, t + 100, 7, ""), /* began more than a week before */
	    stop_of(m_b1, t - 4000, t - 3000, 3, ""),   /* ended before */
	};
	assert_int_equal(store_stops_put(db, more, sizeof more / sizeof more[0]), GLOVED_OK);

	/* overlapping [t, t + 25000): newest first, then by machine */
	store_stop *v = NULL;
	size_t n = 0;
	assert_int_equal(store_stop_list(db, all, 0, 0, t, t + 25000, 100, &v, &n), GLOVED_OK);
	assert_int_equal(n, 4);
	assert_int_equal(v[0].start_ms, t + 20000);
	assert_int_equal(v[1].start_ms, t + 2000);
	assert_int_equal(v[1].machine_id, m_a2 < m_b1 ? m_a2 : m_b1);
	assert_int_equal(v[2].start_ms, t + 2000);
	assert_int_equal(v[3].start_ms, t);
	free(v);
	assert_int_equal(store_stop_list(db, all, 0, 0, t, t + 25000, 2, &v, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	free(v);
	assert_int_equal(store_stop_list(db, all, 0, 0, t, t + 25000, SIZE_MAX, &v, &n), GLOVED_OK);
	assert_int_equal(n, 4);
	free(v);
	assert_int_equal(store_stop_list(db, all, 0, 0, t, t + 25000, 0, &v, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(store_stop_list(db, a, 0, 0, t, t + 25000, 100, &v, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	free(v);
	assert_int_equal(store_stop_list(db, all, ent_b, 0, t - DAY, t + 25000, 100, &v, &n),
			 GLOVED_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].start_ms, t + 2000);
	assert_int_equal(v[1].start_ms, t - 4000);
	free(v);
	assert_int_equal(store_stop_list(db, all, 0, m_a1, t, t + 25000, 100, &v, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].reason, "yarn_break");
	assert_int_equal(v[1].supervisor, 1);
	free(v);
	assert_int_equal(store_stop_list(db, b, ent_a, 0, t, t + 25000, 100, &v, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(v);

	/* the newest stop of each machine that ended at or after since */
	assert_int_equal(store_stop_recent(db, t + 2500, &v, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	for (size_t i = 1; i < n; i++)
		assert_true(v[i].machine_id > v[i - 1].machine_id);
	for (size_t i = 0; i < n; i++) {
		if (v[i].machine_id == m_a1)
			assert_int_equal(v[i].start_ms, t + 20000);
		else if (v[i].machine_id == m_a2)
			assert_int_equal(v[i].start_ms, t + 2000);
		else
			assert_int_equal(v[i].start_ms, t + 2000);
	}
	free(v);
	assert_int_equal(store_stop_recent(db, t + 2600, &v, &n), GLOVED_OK);
	assert_int_equal(n, 2); /* b1's newest ended before */
	free(v);

	/* supervisor reasons of a firm's stops starting in [from, to) */
	assert_int_equal(store_stop_supervised(db, ent_a, t - 10 * DAY, t + DAY, &v, &n),
			 GLOVED_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].machine_id, m_a1);
	assert_string_equal(v[0].reason, "yarn_break");
	assert_int_equal(v[1].machine_id, m_a2);
	assert_string_equal(v[1].reason, "oil");
	free(v);
	assert_int_equal(store_stop_supervised(db, ent_a, t + 1, t + DAY, &v, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	free(v);
	assert_int_equal(store_stop_supervised(db, ent_b, t - 10 * DAY, t + DAY, &v, &n),
			 GLOVED_OK);
	assert_int_equal(n, 0);
	free(v);
}

int main(int argc, char **argv)
{
	store_pg_test_mode(argc, argv);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_calendar, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stop_reasons_workers_assignments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_shift_rows_every_shape, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reason_and_worker_sums, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stops, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
