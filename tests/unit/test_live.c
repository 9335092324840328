/* SPDX-License-Identifier: Apache-2.0 */
/* test_live.c: what a reader shows of a machine (live_machine_view), by
 * its firm's rules and not the daemon's: the pieces today of a firm in
 * America/New_York on a daemon in Asia/Shanghai (the writer counts them by
 * the firm's midnight, the view reads them by the same one), and the one
 * offline rule, the firm's calendar offline_after, with the configured
 * [ingest] offline_after as the default of firms that set none. Runs the
 * real writer on a SQLite file; times come from the clock (the unit-clock
 * runs move it). With --pg (store_pg_test.h) the same on the PostgreSQL
 * database of $GLOVED_TEST_PG, emptied before and after. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "app/firmcal.h"
#include "app/live.h"
#include "app/registry.h"
#include "app/writer.h"
#include "core/state.h"
#include "core/tz.h"
#include "store/analytics.h"
#include "store/store.h"
#include "store_pg_test.h"
#include "util/buf.h"
#include "util/ltime.h"

#define S_MS 1000LL

static char path[512];
static int64_t ny_ent, sh_ent, dflt_ent;
static store_machine ny_m, sh_m, dflt_m;

/* the open rig, closed by the teardown when an assert jumps out */
typedef struct rig {
	registry *reg;
	live *lv;
	writer *w;
	store *rdb;
	int open;
} rig;
static rig rg;

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

static void rig_close(void)
{
	if (!rg.open)
		return;
	writer_close(rg.w);
	store_close(rg.rdb);
	live_free(rg.lv);
	registry_free(rg.reg);
	memset(&rg, 0, sizeof rg);
}

/* The daemon: [ingest] offline_after = 300 s. */
static void rig_open(void)
{
	store_options o = {0};
	store *wdb = NULL;
	assert_int_equal(store_open(path, STORE_WRITE, &o, &wdb), 0);
	rg.reg = registry_new();
	rg.lv = live_new();
	rg.open = 1;
	writer_options wo = {900000, 20000, 1, 0, 1000, 0,          5,        NULL,
			     0,      0,     0, 0, 0,    300 * S_MS, pg_shared};
	int rc = writer_open(&wo, wdb, rg.reg, rg.lv, &rg.w);
	if (!rc)
		rc = store_open(path, STORE_READ, &o, &rg.rdb);
	assert_int_equal(rc, 0);
	assert_int_equal(registry_refresh(rg.reg, rg.rdb, 1), 0);
}

static int64_t add_firm(store *db, const char *code, const char *calendar, store_machine *m)
{
	store_scope all = {0};
	store_enterprise e = {0, "", "firm", ""};
	snprintf(e.code, sizeof e.code, "%s", code);
	assert_int_equal(store_enterprise_add(db, all, &e), 0);
	store_workshop w = {0, e.id, "W1", "w"};
	assert_int_equal(store_workshop_add(db, all, &w), 0);
	*m = (store_machine){0, e.id, w.id, "K001", "knitting", 13, 1000, 64};
	assert_int_equal(store_machine_add(db, all, m), 0);
	if (calendar)
		assert_int_equal(store_calendar_put(db, all, e.id, calendar), 0);
	return e.id;
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(ltime_set_zone("Asia/Shanghai"), 0); /* the daemon's zone */
	if (pg_mode)
		snprintf(path, sizeof path, "%s", pg_uri);
	else
		snprintf(path, sizeof path, "/tmp/gloved-test-live-%d.db", (int)getpid());
	rm_db();
	store_options o = {0};
	store *db = NULL;
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	ny_ent = add_firm(db, "NY01",
			  "{\"tz\":\"America/New_York\",\"shifts\":[{\"name\":\"day\",\"start\":"
			  "\"08:00\",\"end\":\"20:00\"}],\"offline_after_s\":600}",
			  &ny_m);
	sh_ent = add_firm(db, "SH01",
			  "{\"tz\":\"Asia/Shanghai\",\"shifts\":[{\"name\":\"day\",\"start\":"
			  "\"08:00\",\"end\":\"20:00\"}]}",
			  &sh_m);
	dflt_ent = add_firm(db, "PY01", NULL, &dflt_m);
	store_close(db);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rm_db();
	return 0;
}

static int close_rig(void **state)
{
	(void)state;
	rig_close();
	return 0;
}

/* The first column of a query's first row (PostgreSQL), -1 on an error. */
static int64_t pg_count(const char *sql)
{
	PGconn *c = PQconnectdb(path);
	PGresult *r = PQexec(c, sql);
	int64_t n = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
			? strtoll(PQgetvalue(r, 0, 0), NULL, 10)
			: -1;
	PQclear(r);
	PQfinish(c);
	return n;
}

static ingest_record rec(int64_t mid, int64_t ts, uint64_t count, int st)
{
	ingest_record r;
	memset(&r, 0, sizeof r);
	r.machine_id = mid;
	r.ts_ms = ts;
	r.count = count;
	r.state = st;
	return r;
}

/* A firm in New York on a daemon in Shanghai: the pieces it made since
 * its own midnight are its pieces today. (The wall used to read them by
 * the daemon's day start, which never equals New York's, and showed 0.) */
static void test_pieces_today_by_the_firms_day(void **state)
{
	(void)state;
	rig_open();
	firmcal_cache *cals = writer_cals(rg.w);
	const firm_cal *fc = firmcal_get(cals, rg.rdb, ny_ent);
	assert_non_null(fc);
	assert_string_equal(fc->zone.name, "America/New_York");
	int64_t now = ltime_now_ms();
	int64_t ny_today = tz_day_start_ms(&fc->zone, now);
	assert_true(ny_today != ltime_day_start(now)); /* the zones' days differ */
	/* a report before New York's midnight, two after it (up to now) */
	int64_t t1 = ny_today + (now - ny_today) / 2, t2 = now;
	ingest_record rs[3] = {rec(ny_m.id, ny_today - 60 * S_MS, 1000, MS_RUN),
			       rec(ny_m.id, t1, 1030, MS_RUN), rec(ny_m.id, t2, 1042, MS_RUN)};
	rs[2].reject = 3;
	writer_result res;
	assert_int_equal(writer_submit(rg.w, rs, 3, &res), 0);
	assert_int_equal(res.accepted, 3);
	if (pg_mode) {
		/* the writer made this month's partitions and the next two at its
		 * start: the report of now is in this month's; the earlier ones
		 * there too, or (on the 1st, when New York's day began last month
		 * in UTC) in the default one */
		tz_date d = tz_civil_from_days(now / 86400000);
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM sample_p%04d%02d", (int)d.year,
			 (int)d.month);
		int64_t here = pg_count(sql);
		assert_true(here >= 1);
		assert_int_equal(here + pg_count("SELECT count(*) FROM sample_default"), 3);
		assert_int_equal(
		    pg_count(
			"SELECT count(*) FROM pg_inherits WHERE inhparent = 'sample'::regclass"),
		    1 + 1 + STORE_PARTITIONS_AHEAD);
	}
	live_view v;
	live_machine_view(rg.lv, cals, rg.rdb, &ny_m, ltime_now_ms(), &v);
	assert_int_equal(v.today_start, ny_today);
	assert_int_equal(v.good_today, 42);
	assert_int_equal(v.reject_today, 3);
	assert_int_equal(v.state, MS_RUN);
	/* (by the daemon's day start, the old reading, they were not there) */
	int64_t g_old, r_old;
	live_today(&v.m, ltime_day_start(now), &g_old, &r_old);
	assert_int_equal(g_old, 0);
	/* without a store (the live feed) the cached calendar gives the same */
	live_view v2;
	live_machine_view(rg.lv, cals, NULL, &ny_m, ltime_now_ms(), &v2);
	assert_int_equal(v2.good_today, 42);
	assert_int_equal(v2.today_start, ny_today);
	/* tomorrow (New York) they are yesterday's */
	live_machine_view(rg.lv, cals, rg.rdb, &ny_m, tz_next_day_start_ms(&fc->zone, now), &v);
	assert_int_equal(v.good_today, 0);
	rig_close();
}

/* One offline rule, the firm's: 600 s for NY01 (its calendar), the
 * daemon's 300 s ([ingest] offline_after) for SH01 (a calendar without
 * offline_after_s) and PY01 (no calendar); OEE reads the same value. */
static void test_offline_after_is_the_firms(void **state)
{
	(void)state;
	rig_open();
	firmcal_cache *cals = writer_cals(rg.w);
	int64_t now = ltime_now_ms();
	int64_t t = now - 400 * S_MS; /* silent for 400 s */
	ingest_record rs[3] = {rec(ny_m.id, t, 5000, MS_RUN), rec(sh_m.id, t, 5000, MS_RUN),
			       rec(dflt_m.id, t, 5000, MS_RUN)};
	writer_result res;
	assert_int_equal(writer_submit(rg.w, rs, 3, &res), 0);
	const firm_cal *ny = firmcal_get(cals, rg.rdb, ny_ent);
	const firm_cal *sh = firmcal_get(cals, rg.rdb, sh_ent);
	const firm_cal *py = firmcal_get(cals, rg.rdb, dflt_ent);
	assert_int_equal(ny->offline_after_ms, 600 * S_MS);
	assert_int_equal(sh->offline_after_ms, 300 * S_MS);
	assert_int_equal(py->offline_after_ms, 300 * S_MS);
	live_view v;
	live_machine_view(rg.lv, cals, rg.rdb, &ny_m, now, &v);
	assert_int_equal(v.offline_after_ms, 600 * S_MS);
	assert_int_equal(v.state, MS_RUN);
	live_machine_view(rg.lv, cals, rg.rdb, &sh_m, now, &v);
	assert_int_equal(v.state, MS_OFFLINE);
	live_machine_view(rg.lv, cals, rg.rdb, &dflt_m, now, &v);
	assert_int_equal(v.state, MS_OFFLINE);
	/* 200 s after its report PY01's machine is still on */
	live_machine_view(rg.lv, cals, rg.rdb, &dflt_m, t + 200 * S_MS, &v);
	assert_int_equal(v.state, MS_RUN);
	/* the calendar's JSON says which value is the firm's own, and keeps
	 * saying so when it is stored and read again */
	buf b;
	buf_init(&b, 0);
	assert_int_equal(firmcal_json(sh, "SH01", &b), 0);
	assert_non_null(strstr(b.data, "\"offline_after_s\":300,\"offline_after_default\":true"));
	firm_cal *again = malloc(sizeof *again);
	char err[200];
	int rc = again ? firmcal_parse(b.data, b.len, NULL, again, err, sizeof err) : -1;
	int own = again ? again->own_offline_after : -1;
	free(again);
	buf_free(&b);
	assert_int_equal(rc, 0);
	assert_int_equal(own, 0);
	buf_init(&b, 0);
	assert_int_equal(firmcal_json(ny, "NY01", &b), 0);
	int ny_own = strstr(b.data, "\"offline_after_s\":600,\"offline_after_default\":false") != 0;
	buf_free(&b);
	assert_true(ny_own);
	rig_close();
}

int main(int argc, char **argv)
{
	store_pg_test_mode(argc, argv);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_pieces_today_by_the_firms_day, close_rig),
	    cmocka_unit_test_teardown(test_offline_after_is_the_firms, close_rig),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
