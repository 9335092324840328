/* SPDX-License-Identifier: Apache-2.0 */
/* test_writer.c: the writer thread on a real SQLite file: concurrent
 * submitters share group commits and each gets its own result; a late
 * report moves pieces between minute buckets in the stored rollups; the
 * live state follows the newest report; after closing and reopening on the
 * same database the counting continues exactly where it stopped; a
 * database that goes away refuses groups until the writer could reload. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/state.h"
#include "core/tz.h"
#include "app/live.h"
#include "app/registry.h"
#include "app/writer.h"
#include "store/store.h"
#include "store/store_int.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/ltime.h"

static char path[64];
static int64_t machine_id, ent_id;

static void rm_db(void)
{
	char p[80];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

typedef struct rig {
	registry *reg;
	live *lv;
	writer *w;
	store *rdb;
} rig;

/* What a test holds when an assert jumps out of it: the teardown of every
 * test frees it (the rig is closed, buffers are freed). */
static rig held_rig; /* a copy of the open rig (tests keep theirs on the stack) */
static int held_open;
static char *held_before, *held_after;
static ingest_record *held_recs;

static void rig_open(rig *r)
{
	store_options o = {0};
	store *wdb = NULL;
	assert_int_equal(store_open(path, STORE_WRITE, &o, &wdb), 0);
	r->reg = registry_new();
	r->lv = live_new();
	r->w = NULL;
	r->rdb = NULL;
	writer_options wo = {900000, 20000, 1, 0, 1000, 0, 5, NULL, 0, 0, 0, 0, 0, 0, 0};
	int rc = writer_open(&wo, wdb, r->reg, r->lv, &r->w);
	if (!rc)
		rc = store_open(path, STORE_READ, &o, &r->rdb);
	held_rig = *r;
	held_open = 1;
	assert_int_equal(rc, 0);
}

static void rig_close(rig *r)
{
	writer_close(r->w);
	store_close(r->rdb);
	live_free(r->lv);
	registry_free(r->reg);
	memset(r, 0, sizeof *r);
	held_open = 0;
}

static int free_held(void **state)
{
	(void)state;
	if (held_open)
		rig_close(&held_rig);
	free(held_before);
	free(held_after);
	free(held_recs);
	held_before = held_after = NULL;
	held_recs = NULL;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	/* the firms' zone (no calendars: the daemon's); the clock-time runs of
	 * CMakeLists.txt set another through GLOVED_TEST_ZONE */
	const char *zone = getenv("GLOVED_TEST_ZONE");
	assert_int_equal(ltime_set_zone(zone && zone[0] ? zone : "Asia/Shanghai"), 0);
	snprintf(path, sizeof path, "/tmp/gloved-test-writer-%d.db", (int)getpid());
	rm_db();
	store_options o = {0};
	store *db = NULL;
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	store_scope all = {0};
	store_enterprise e = {0, "PY01", "A", ""};
	assert_int_equal(store_enterprise_add(db, all, &e), 0);
	store_workshop w = {0, e.id, "W1", "w"};
	assert_int_equal(store_workshop_add(db, all, &w), 0);
	for (int i = 0; i < 14; i++) {
		store_machine m = {0, e.id, w.id, "", "knitting", 13, 1000, 64};
		snprintf(m.code, sizeof m.code, "K%03d", i);
		assert_int_equal(store_machine_add(db, all, &m), 0);
		if (i == 0)
			machine_id = m.id;
	}
	ent_id = e.id;
	store_close(db);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rm_db();
	return 0;
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

static int64_t total_of(rig *r, int64_t mid, store_level lvl, int64_t from, int64_t to)
{
	store_bucket *b = NULL;
	size_t n = 0;
	store_scope all = {0};
	assert_int_equal(store_output(r->rdb, all, lvl, 0, 0, mid, from, to, &b, &n), 0);
	int64_t t = 0;
	for (size_t i = 0; i < n; i++)
		t += b[i].good;
	free(b);
	return t;
}

static int64_t total(rig *r, store_level lvl, int64_t from, int64_t to)
{
	return total_of(r, 0, lvl, from, to);
}

typedef struct sub_arg {
	writer *w;
	int64_t mid;
	int64_t t0;
	writer_result res;
	int rc;
} sub_arg;

static void *submitter(void *p)
{
	sub_arg *a = p;
	ingest_record rs[50];
	for (int i = 0; i < 50; i++)
		rs[i] = rec(a->mid, a->t0 + (int64_t)i * 1000, (uint64_t)i * 2, MS_RUN);
	a->rc = writer_submit(a->w, rs, 50, &a->res);
	return NULL;
}

static void test_concurrent_group_commit(void **state)
{
	(void)state;
	rig r;
	rig_open(&r);
	int64_t t0 = ltime_now_ms() - 600000;
	pthread_t th[6];
	sub_arg args[6];
	for (int i = 0; i < 6; i++) {
		args[i] = (sub_arg){r.w, machine_id + 1 + i, t0, {0}, -1};
		pthread_create(&th[i], NULL, submitter, &args[i]);
	}
	for (int i = 0; i < 6; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(args[i].rc, 0);
		assert_int_equal(args[i].res.accepted, 50);
		assert_int_equal(args[i].res.duplicates, 0);
	}
	/* 6 machines x 49 intervals x 2 pieces */
	assert_int_equal(total(&r, STORE_MINUTE, 0, INT64_MAX), 6 * 98);
	assert_int_equal(total(&r, STORE_HOUR, 0, INT64_MAX), 6 * 98);
	assert_int_equal(total(&r, STORE_DAY, 0, INT64_MAX), 6 * 98);
	/* the same again: all duplicates, nothing changes */
	args[0].res = (writer_result){0};
	submitter(&args[0]);
	assert_int_equal(args[0].res.duplicates, 50);
	assert_int_equal(total(&r, STORE_MINUTE, 0, INT64_MAX), 6 * 98);
	rig_close(&r);
}

static void test_late_report_moves_pieces(void **state)
{
	(void)state;
	rig r;
	rig_open(&r);
	int64_t base = ltime_now_ms() - 400000;
	base -= base % 60000; /* a minute boundary */
	ingest_record a[2] = {rec(machine_id, base + 1000, 100, MS_RUN),
			      rec(machine_id, base + 121000, 160, MS_STOP)};
	writer_result res;
	assert_int_equal(writer_submit(r.w, a, 2, &res), 0);
	/* all 60 pieces sit in the minute of the second report */
	assert_int_equal(total_of(&r, machine_id, STORE_MINUTE, base, base + 60000), 0);
	assert_int_equal(total_of(&r, machine_id, STORE_MINUTE, base + 120000, base + 180000), 60);
	/* a late report in the middle minute moves 25 pieces there */
	ingest_record late = rec(machine_id, base + 61000, 125, MS_RUN);
	assert_int_equal(writer_submit(r.w, &late, 1, &res), 0);
	assert_int_equal(res.late, 0);
	assert_int_equal(total_of(&r, machine_id, STORE_MINUTE, base + 60000, base + 120000), 25);
	assert_int_equal(total_of(&r, machine_id, STORE_MINUTE, base + 120000, base + 180000), 35);
	assert_int_equal(total_of(&r, machine_id, STORE_MINUTE, 0, INT64_MAX), 60);
	/* the live state stays with the newest report */
	live_machine lm;
	live_get(r.lv, machine_id, &lm);
	assert_int_equal(lm.state, MS_STOP);
	assert_int_equal(lm.count, 160);
	assert_int_equal(lm.last_ts, base + 121000);
	rig_close(&r);

	/* reopen: counting continues from the stored state */
	rig_open(&r);
	live_get(r.lv, machine_id, &lm);
	assert_int_equal(lm.state, MS_STOP);
	assert_int_equal(lm.count, 160);
	ingest_record next = rec(machine_id, base + 181000, 170, MS_RUN);
	assert_int_equal(writer_submit(r.w, &next, 1, &res), 0);
	assert_int_equal(total_of(&r, machine_id, STORE_MINUTE, 0, INT64_MAX), 70);
	/* a duplicate of a report stored before the restart changes nothing */
	assert_int_equal(writer_submit(r.w, &late, 1, &res), 0);
	assert_int_equal(res.duplicates + res.late, 1);
	assert_int_equal(total_of(&r, machine_id, STORE_MINUTE, 0, INT64_MAX), 70);
	rig_close(&r);
}

static void test_unknown_machine_fails_whole_group(void **state)
{
	(void)state;
	rig r;
	rig_open(&r);
	int64_t t = ltime_now_ms() - 1000;
	int64_t before = total(&r, STORE_MINUTE, 0, INT64_MAX);
	ingest_record rs[2] = {rec(machine_id + 2, t, 999999, MS_RUN), rec(424242, t, 5, MS_RUN)};
	writer_result res;
	assert_int_not_equal(writer_submit(r.w, rs, 2, &res), 0);
	assert_int_equal(total(&r, STORE_MINUTE, 0, INT64_MAX), before);
	/* the writer recovered and still works */
	ingest_record ok = rec(machine_id + 7, t, 1, MS_RUN);
	assert_int_equal(writer_submit(r.w, &ok, 1, &res), 0);
	assert_int_equal(res.accepted, 1);
	rig_close(&r);
}

/* A database that goes away: the write connection's tables swapped for
 * copies whose commit fails (the transaction lost with the connection) and
 * whose reads of the registry revision fail (reload cannot run) while
 * db_away is set. */
static int db_away;
static store_ops away_ops;
static store_registry_ops away_registry;
static const store_ops *real_ops;
static const store_registry_ops *real_registry;

static int away_commit(store *s)
{
	if (!db_away)
		return real_ops->commit(s);
	real_ops->rollback(s);
	return GLOVED_EIO;
}

static int away_registry_rev(store *s, int64_t *out)
{
	return db_away ? GLOVED_EIO : real_registry->registry_rev(s, out);
}

/* The writer while its database is away: the group whose commit failed is
 * answered with the error, its reload fails too, and until a reload
 * succeeds every group is refused before anything is written (the state
 * in memory is not the store's); once the database is back the next group
 * reloads first and is stored, and the pieces are exact. */
static void test_database_away_and_back(void **state)
{
	(void)state;
	store_options o = {0};
	store *wdb = NULL;
	assert_int_equal(store_open(path, STORE_WRITE, &o, &wdb), 0);
	real_ops = wdb->ops;
	real_registry = wdb->registry;
	away_ops = *real_ops;
	away_ops.commit = away_commit;
	away_registry = *real_registry;
	away_registry.registry_rev = away_registry_rev;
	wdb->ops = &away_ops;
	wdb->registry = &away_registry;
	db_away = 0;
	rig r = {registry_new(), live_new(), NULL, NULL};
	writer_options wo = {900000, 20000, 1, 0, 1000, 0, 5, NULL, 0, 0, 0, 0, 0, 0, 0};
	int rc = writer_open(&wo, wdb, r.reg, r.lv, &r.w);
	if (!rc)
		rc = store_open(path, STORE_READ, &o, &r.rdb);
	held_rig = r;
	held_open = 1;
	assert_int_equal(rc, 0);

	int64_t t = ltime_now_ms() - 300000;
	int64_t mid = machine_id + 3;
	writer_result res;
	ingest_record a = rec(mid, t, 100, MS_RUN);
	assert_int_equal(writer_submit(r.w, &a, 1, &res), 0);
	assert_int_equal(writer_stale(r.w), 0);
	db_away = 1;
	ingest_record b = rec(mid, t + 60000, 130, MS_RUN);
	assert_int_equal(writer_submit(r.w, &b, 1, &res), GLOVED_EIO);
	assert_int_equal(writer_stale(r.w), 1);
	ingest_record c = rec(mid, t + 120000, 150, MS_RUN);
	assert_int_equal(writer_submit(r.w, &c, 1, &res), GLOVED_EIO);
	assert_int_equal(writer_stale(r.w), 1);
	assert_int_equal(writer_fatal(r.w), GLOVED_OK); /* unreachable is not fatal */
	assert_int_equal(total_of(&r, mid, STORE_MINUTE, 0, INT64_MAX), 100); /* a's */
	db_away = 0;
	/* the gateway sends again what was refused */
	assert_int_equal(writer_submit(r.w, &b, 1, &res), 0);
	assert_int_equal(res.duplicates, 0);
	assert_int_equal(writer_stale(r.w), 0);
	assert_int_equal(writer_submit(r.w, &c, 1, &res), 0);
	assert_int_equal(writer_submit(r.w, &a, 1, &res), 0);
	assert_int_equal(res.duplicates, 1);
	assert_int_equal(total_of(&r, mid, STORE_MINUTE, 0, INT64_MAX), 150);
	assert_int_equal(total_of(&r, mid, STORE_MINUTE, t + 60000 - (t + 60000) % 60000,
				  t + 120000 - (t + 120000) % 60000),
			 30);
	rig_close(&r);
}

/* What a crash between a sample commit and the rollup flush leaves: samples
 * and a dirty day, no rollups, a stale live row. Opening the writer must
 * rebuild that day's rollups and live state from the samples. */
static void test_recovery_rebuilds_dirty_days(void **state)
{
	(void)state;
	int64_t mid = machine_id + 8; /* no other test uses it */
	int64_t now = ltime_now_ms();
	int64_t t = now - 300000;
	int64_t day = ltime_day_start(t), next = ltime_next_day_start(t);
	store_options o = {0};
	store *db = NULL;
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	assert_int_equal(store_begin(db), 0);
	store_sample s1 = {t, mid, 100, 1, 0, 0, MS_RUN, "", "", 0};
	store_sample s2 = {t + 60000, mid, 105, 1, 5, 0, MS_RUN, "", "", 0};
	store_sample s3 = {t + 120000, mid, 112, 2, 7, 1, MS_STOP, "yarn_break", "", 0};
	assert_int_equal(store_sample_insert(db, &s1), 0);
	assert_int_equal(store_sample_insert(db, &s2), 0);
	assert_int_equal(store_sample_insert(db, &s3), 0);
	assert_int_equal(store_dirty_day_mark(db, 1, day, next), 0);
	assert_int_equal(store_commit(db), 0);
	store_close(db);

	rig r;
	rig_open(&r);
	assert_int_equal(total_of(&r, mid, STORE_MINUTE, 0, INT64_MAX), 12);
	assert_int_equal(total_of(&r, mid, STORE_HOUR, 0, INT64_MAX), 12);
	assert_int_equal(total_of(&r, mid, STORE_DAY, 0, INT64_MAX), 12);
	store_dirty_day *days = NULL;
	size_t n = 9;
	assert_int_equal(store_dirty_day_list(r.rdb, &days, &n), 0);
	assert_int_equal(n, 0);
	free(days);
	live_machine lm;
	live_get(r.lv, mid, &lm);
	assert_int_equal(lm.last_ts, t + 120000);
	assert_int_equal(lm.state, MS_STOP);
	assert_string_equal(lm.reason, "yarn_break");
	/* and counting goes on from the recovered state */
	ingest_record nx = rec(mid, t + 180000, 120, MS_RUN);
	nx.reject = 2;
	writer_result res;
	assert_int_equal(writer_submit(r.w, &nx, 1, &res), 0);
	assert_int_equal(total_of(&r, mid, STORE_DAY, 0, INT64_MAX), 20);
	rig_close(&r);
}

/* Every derived row, in order, as text (rows of zeros left out: a late
 * report that moves a piece to an earlier minute leaves the later minute's
 * row at 0, which a rebuild never writes; queries skip such rows). */
static char *dump_rollups(void)
{
	static const char *const q[] = {
	    "SELECT 'm', * FROM rollup_minute WHERE good OR reject ORDER BY 2, 3",
	    "SELECT 'h', * FROM rollup_hour WHERE good OR reject ORDER BY 2, 3",
	    "SELECT 'd', * FROM rollup_day WHERE good OR reject ORDER BY 2, 3",
	    "SELECT 's', * FROM rollup_shift WHERE good OR reject OR run_ms OR idle_ms OR stop_ms"
	    " OR fault_ms OR setup_ms OR off_ms OR offline_ms OR unknown_ms ORDER BY 2, 3",
	    "SELECT 'r', * FROM rollup_shift_reason WHERE ms != 0 ORDER BY 2, 3, 4, 5",
	    "SELECT 'w', * FROM rollup_shift_worker WHERE good OR reject ORDER BY 2, 3, 4",
	    "SELECT 'e', * FROM stop_event ORDER BY 2, 3",
	};
	sqlite3 *db = NULL;
	buf b;
	buf_init(&b, 0);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(db, q[i], -1, &st, NULL) != SQLITE_OK)
			goto fail;
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				const unsigned char *t = sqlite3_column_text(st, c);
				buf_printf(&b, "%s%s", c ? "|" : "", t ? (const char *)t : "");
			}
			buf_puts(&b, "\n");
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return buf_steal(&b);
fail:
	sqlite3_close(db);
	buf_free(&b);
	return NULL;
}

/* The local day of ts as days since 1970-01-01. */
static int32_t local_days(int64_t ts)
{
	char d[16];
	tz_date td;
	ltime_format_day(ts, d, sizeof d);
	assert_int_equal(tz_date_parse(d, &td), 0);
	return (int32_t)tz_days_from_civil(td);
}

/* Reports of three machines over two past days arrive shuffled (within
 * the reorder window), with duplicates, stops with and without reasons,
 * workers, gaps and offline marks; rebuilding those days from the samples
 * gives exactly the rows the writer kept up as they arrived. */
static void test_rebuild_is_identical(void **state)
{
	(void)state;
	rig r;
	rig_open(&r);
	int64_t now = ltime_now_ms();
	int64_t today = ltime_day_start(now);
	int64_t t0 = today - 2 * 86400000LL + 6 * 3600000LL; /* 06:00 two days ago */
	int64_t t1 = today - 86400000LL + 12 * 3600000LL;    /* noon yesterday */
	uint64_t seed = 12345;
	size_t cap = 0, n = 0;
	ingest_record *v = NULL;
	for (int k = 0; k < 3; k++) {
		int64_t mid = machine_id + 10 + k; /* no other test uses 10-12 */
		uint64_t count = 0, reject = 0;
		int st = MS_RUN;
		for (int64_t t = t0; t < t1; t += 20000 + (int64_t)(seed % 30000)) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			unsigned x = (unsigned)(seed >> 33);
			if (x % 500 == 0)
				t += 3600000; /* a network gap */
			if (x % 40 == 0)
				st = (int)(1 + (x / 40) % 6); /* run idle stop fault setup off */
			if (n + 2 > cap) {
				cap = cap ? cap * 2 : 4096;
				ingest_record *nv = realloc(v, cap * sizeof *v);
				if (!nv)
					free(v);
				held_recs = v = nv;
				assert_non_null(v);
			}
			if (st == MS_RUN)
				count += 1 + x % 3;
			if (st == MS_RUN && x % 17 == 0)
				reject++;
			ingest_record rr = rec(mid, t, count, st);
			rr.reject = reject;
			if ((st == MS_STOP || st == MS_FAULT) && x % 3)
				snprintf(rr.reason, sizeof rr.reason, "r%u", x % 4);
			if (x % 5 < 2)
				snprintf(rr.worker, sizeof rr.worker, "W%u", (x / 5) % 3);
			if (k == 2 && x % 97 == 0) {
				rr.state_only = 1;
				rr.state = MS_OFFLINE;
				rr.count = 0;
			}
			v[n++] = rr;
			if (x % 11 == 0)
				v[n++] = rr; /* a duplicate */
		}
	}
	/* shuffle in blocks of 30 (at most a few minutes apart) */
	for (size_t i = 0; i < n; i += 30) {
		size_t m = n - i < 30 ? n - i : 30;
		for (size_t j = m; j > 1; j--) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			size_t k = (size_t)(seed >> 33) % j;
			ingest_record tmp = v[i + j - 1];
			v[i + j - 1] = v[i + k];
			v[i + k] = tmp;
		}
	}
	/* time order of the blocks across machines, as gateways would send */
	writer_result res;
	for (size_t i = 0; i < n; i += 200) {
		size_t m = n - i < 200 ? n - i : 200;
		assert_int_equal(writer_submit(r.w, v + i, m, &res), 0);
	}
	/* (a waited-for commit on an empty queue writes its rollups) */
	char msg[200];
	char *before = held_before = dump_rollups();
	assert_non_null(before);
	int32_t day0 = local_days(t0);
	assert_int_equal(writer_rebuild(r.w, 0, day0, day0 + 1, msg, sizeof msg), 0);
	char *after = held_after = dump_rollups();
	assert_non_null(after);
	assert_non_null(strstr(msg, "from "));
	assert_true(atol(strstr(msg, "from ") + 5) > 7000); /* every sample replayed */
	assert_true(strlen(before) > 100000);
	if (strcmp(before, after) != 0) {
		FILE *f1 = fopen("/tmp/gloved-rebuild-before.txt", "w");
		FILE *f2 = fopen("/tmp/gloved-rebuild-after.txt", "w");
		if (f1 && f2) {
			fputs(before, f1);
			fputs(after, f2);
		}
		if (f1)
			fclose(f1);
		if (f2)
			fclose(f2);
		/* show the first difference */
		size_t i = 0;
		while (before[i] && before[i] == after[i])
			i++;
		size_t s0 = i;
		while (s0 > 0 && before[s0 - 1] != '\n')
			s0--;
		if (s0 > 60)
			s0 -= 60;
		fail_msg("rebuild differs at byte %zu:\nbefore: %.400s\nafter:  %.400s", i,
			 before + s0, after + s0);
	}
	rig_close(&r);
}

static int64_t count_rows(const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t n = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* A crash leaves a dirty mark on the local day of the samples only; the
 * samples of 03:00 belong to the night shift that started at 20:00 the
 * day before (a night shift belongs to the day it starts). Recovery must
 * repair that shift's row too, whatever the time of day now. */
static void test_recovery_repairs_previous_night_shift(void **state)
{
	(void)state;
	int64_t mid = machine_id + 13; /* no other test uses it */
	int64_t today = ltime_day_start(ltime_now_ms());
	int64_t yday = ltime_day_start(today - 1);
	int64_t t = yday + 3 * 3600000LL; /* 3 h after yesterday's midnight */
	store_options o = {0};
	store *db = NULL;
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	assert_int_equal(store_begin(db), 0);
	store_sample s1 = {t, mid, 100, 1, 0, 0, MS_RUN, "", "", 0};
	store_sample s2 = {t + 60000, mid, 109, 1, 9, 0, MS_RUN, "", "", 0};
	store_sample s3 = {t + 120000, mid, 113, 3, 4, 2, MS_RUN, "", "", 0};
	assert_int_equal(store_sample_insert(db, &s1), 0);
	assert_int_equal(store_sample_insert(db, &s2), 0);
	assert_int_equal(store_sample_insert(db, &s3), 0);
	assert_int_equal(store_dirty_day_mark(db, ent_id, yday, today), 0);
	assert_int_equal(store_commit(db), 0);
	store_close(db);

	rig r;
	rig_open(&r);
	rig_close(&r);
	char q[200];
	snprintf(q, sizeof q,
		 "SELECT sum(good) * 1000 + sum(reject) FROM rollup_shift WHERE machine_id = %lld"
		 " AND bucket = %lld AND shift = 1",
		 (long long)mid, (long long)(yday - 4 * 3600000LL));
	assert_int_equal(count_rows(q), 13 * 1000 + 2); /* 夜班 of the day before */
	snprintf(q, sizeof q, "SELECT sum(good) FROM rollup_day WHERE machine_id = %lld",
		 (long long)mid);
	assert_int_equal(count_rows(q), 13); /* and the day's row of yesterday */
}

/* Retention: samples older than raw_days, minute rollups older than
 * minute_days and shift rows older than shift_days go; hour rollups stay
 * (hour_days 0). */
static void test_retention(void **state)
{
	(void)state;
	int64_t mid = machine_id + 9; /* no other test uses it */
	int64_t old = ltime_now_ms() - 5 * 86400000LL;
	store_options o = {0};
	store *db = NULL;
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	assert_int_equal(store_begin(db), 0);
	for (int i = 0; i < 10; i++) {
		store_sample x = {old + i * 60000, mid, (uint64_t)i, 0, 1, 0, MS_RUN, "", "", 0};
		assert_int_equal(store_sample_insert(db, &x), 0);
		assert_int_equal(
		    store_rollup_add(db, STORE_MINUTE, old + i * 60000, mid, ent_id, 1, 1, 0), 0);
	}
	assert_int_equal(
	    store_rollup_add(db, STORE_HOUR, old - old % 3600000, mid, ent_id, 1, 10, 0), 0);
	store_shift_add sa = {{old - old % 3600000, mid, ent_id, 1, 1, 0}, 10, 0, 0, 0, {0}};
	assert_int_equal(store_shift_add_row(db, &sa), 0);
	assert_int_equal(store_commit(db), 0);
	store_close(db);
	char q[200];
	snprintf(q, sizeof q, "SELECT count(*) FROM sample WHERE machine_id = %lld",
		 (long long)mid);
	assert_int_equal(count_rows(q), 10);

	store *wdb = NULL;
	assert_int_equal(store_open(path, STORE_WRITE, &o, &wdb), 0);
	registry *reg = registry_new();
	live *lv = live_new();
	writer *w = NULL;
	writer_options wo = {900000, 20000, 1, 0, 1000, 0, 5, NULL, 3, 4, 0, 0, 4, 0, 0};
	assert_int_equal(writer_open(&wo, wdb, reg, lv, &w), 0);
	/* the writer runs retention when it first goes idle (samples first,
	 * shift rows last) */
	char both[300];
	snprintf(both, sizeof both,
		 "SELECT (SELECT count(*) FROM sample WHERE machine_id = %lld) + (SELECT count(*)"
		 " FROM rollup_shift WHERE machine_id = %lld)",
		 (long long)mid, (long long)mid);
	for (int i = 0; i < 100 && count_rows(both) != 0; i++)
		usleep(50000);
	writer_close(w);
	live_free(lv);
	registry_free(reg);
	assert_int_equal(count_rows(q), 0);
	snprintf(q, sizeof q, "SELECT count(*) FROM rollup_minute WHERE machine_id = %lld",
		 (long long)mid);
	assert_int_equal(count_rows(q), 0);
	snprintf(q, sizeof q, "SELECT sum(good) FROM rollup_hour WHERE machine_id = %lld",
		 (long long)mid);
	assert_int_equal(count_rows(q), 10); /* hour_days 0: kept */
	snprintf(q, sizeof q, "SELECT count(*) FROM rollup_shift WHERE machine_id = %lld",
		 (long long)mid);
	assert_int_equal(count_rows(q), 0); /* shift_days 4 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_concurrent_group_commit, free_held),
	    cmocka_unit_test_teardown(test_late_report_moves_pieces, free_held),
	    cmocka_unit_test_teardown(test_unknown_machine_fails_whole_group, free_held),
	    cmocka_unit_test_teardown(test_database_away_and_back, free_held),
	    cmocka_unit_test_teardown(test_recovery_rebuilds_dirty_days, free_held),
	    cmocka_unit_test_teardown(test_rebuild_is_identical, free_held),
	    cmocka_unit_test_teardown(test_recovery_repairs_previous_night_shift, free_held),
	    cmocka_unit_test_teardown(test_retention, free_held),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
