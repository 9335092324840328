/* SPDX-License-Identifier: Apache-2.0 */
/* test_partitions_store.c: the monthly partitions of samples and minute
 * rollups (PostgreSQL, docs/internals/store.md "Partitions") and the
 * retention that drops them. On both backends: rows of three months,
 * retention of everything before the middle of the second removes the
 * first month and the second's rows before the cut and keeps the rest, with
 * the same count; a narrower slice deletes only its rows. On PostgreSQL
 * also: the partitions made ahead exist (pg_inherits), two connections
 * making the same ones at once both succeed, a row of a month without a
 * partition lands in the default one, a month made after its rows arrived
 * takes them out of the default, retention drops whole months' partitions,
 * a time-range query plans only the partitions of its range, and a
 * database of schema 10 with rows migrates to partitions keeping every row.
 * SQLite answers GLOVED_ENOTSUP to store_partitions_ensure. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define STORE_RAW_TEST_NAME "partitions"
#include "store_raw_test.h"

/* UTC month starts, Unix ms */
#define JUN25 1748736000000LL /* 2025-06-01 */
#define JAN   1767225600000LL /* 2026-01-01 */
#define FEB   1769904000000LL
#define FEB15 1771113600000LL
#define MAR   1772323200000LL
#define APR   1775001600000LL
#define MAY   1777593600000LL
#define JUL   1782864000000LL
#define DAY   86400000LL

/* The first column of the first row of a query (PostgreSQL only). */
static int64_t raw_i64(const char *sql)
{
	PGconn *c = PQconnectdb(path);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "raw_i64: %s", PQerrorMessage(c));
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_true(PQntuples(r) >= 1);
	int64_t v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	PQfinish(c);
	return v;
}

/* Every line of a query's result (an EXPLAIN) in one text. */
static void raw_text(const char *sql, char *out, size_t n)
{
	PGconn *c = PQconnectdb(path);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "raw_text: %s", PQerrorMessage(c));
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < PQntuples(r); i++) {
		int k = snprintf(out + len, n - len, "%s\n", PQgetvalue(r, i, 0));
		assert_true(k >= 0 && (size_t)k < n - len);
		len += (size_t)k;
	}
	PQclear(r);
	PQfinish(c);
}

static int64_t partitions_of(const char *table)
{
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM pg_inherits WHERE inhparent = '%s'::regclass", table);
	return raw_i64(sql);
}

/* The partitions of rollup_minute that have the firm's index
 * (enterprise_id, bucket) of migration 13. */
static int64_t firm_indexed_minute_partitions(void)
{
	return raw_i64("SELECT count(*) FROM pg_inherits i JOIN pg_index x"
		       " ON x.indrelid = i.inhrelid"
		       " WHERE i.inhparent = 'rollup_minute'::regclass"
		       " AND pg_get_indexdef(x.indexrelid) LIKE '%(enterprise_id, bucket)'");
}

static int table_exists(const char *name)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT (to_regclass('%s') IS NOT NULL)::int", name);
	return raw_i64(sql) == 1;
}

static int count_cb(void *ctx, const store_sample *x)
{
	(void)x;
	(*(int64_t *)ctx)++;
	return 0;
}

static int64_t samples_in(store *db, int64_t from_ms, int64_t to_ms)
{
	int64_t n = 0;
	assert_int_equal(store_samples_range(db, from_ms, to_ms - 1, count_cb, &n), 0);
	return n;
}

/* The minute rollups' good pieces in [from, to). */
static int64_t minute_good(store *db, int64_t from_ms, int64_t to_ms)
{
	store_bucket *bk = NULL;
	size_t n = 0;
	assert_int_equal(
	    store_output(db, (store_scope){0}, STORE_MINUTE, 0, 0, 0, from_ms, to_ms, &bk, &n), 0);
	int64_t good = 0;
	for (size_t i = 0; i < n; i++)
		good += bk[i].good;
	free(bk);
	return good;
}

/* count samples of machine 1 from t0 every step ms, one rollup minute
 * (1 good piece) with each. */
static void put_rows(store *db, int64_t t0, int64_t step, int count)
{
	store_sample x[32];
	store_rollup_delta d[32];
	assert_true(count <= 32);
	for (int i = 0; i < count; i++) {
		x[i] = (store_sample){.ts_ms = t0 + step * i, .machine_id = 1, .d_good = 1};
		d[i] = (store_rollup_delta){t0 + step * i, 1, 1, 1, 1, 0};
	}
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_samples_insert(db, x, (size_t)count), 0);
	assert_int_equal(store_rollups_add(db, STORE_MINUTE, d, (size_t)count), 0);
	assert_int_equal(store_commit(db), 0);
}

static void *ensure_thread(void *arg)
{
	store *db = NULL;
	store_options o = {0};
	int *rc = arg;
	*rc = store_open(path, STORE_WRITE, &o, &db);
	if (!*rc)
		*rc = store_partitions_ensure(db, MAY + DAY);
	store_close(db);
	return NULL;
}

static void test_partitions_and_retention(void **state)
{
	store *db = *state;
	if (!pg_mode) {
		assert_int_equal(store_partitions_ensure(db, JAN), GLOVED_ENOTSUP);
	} else {
		/* a new database: the default partitions only */
		assert_int_equal(partitions_of("sample"), 1);
		assert_int_equal(partitions_of("rollup_minute"), 1);
		/* January's daemon: January and the two months after */
		assert_int_equal(store_partitions_ensure(db, JAN + 9 * DAY), 0);
		assert_int_equal(store_partitions_ensure(db, JAN + 9 * DAY), 0);
		assert_int_equal(partitions_of("sample"), 4);
		assert_int_equal(partitions_of("rollup_minute"), 4);
		assert_true(table_exists("sample_p202601"));
		assert_true(table_exists("sample_p202603"));
		assert_true(table_exists("rollup_minute_p202602"));
		assert_false(table_exists("sample_p202604"));
		/* inside a transaction no DDL is run */
		assert_int_equal(store_begin(db), 0);
		assert_int_equal(store_partitions_ensure(db, APR), GLOVED_EINVAL);
		assert_int_equal(store_rollback(db), 0);
	}
	/* ten rows in each of three months, a late one of June 2025 */
	put_rows(db, JAN + DAY, DAY, 10);
	put_rows(db, FEB + 4 * DAY, 2 * DAY, 10); /* 5 before the 15th */
	put_rows(db, MAR + DAY, DAY, 10);
	put_rows(db, JUN25 + 9 * DAY, DAY, 1);
	assert_int_equal(samples_in(db, JAN, APR), 30);
	store_sample got;
	assert_int_equal(store_sample_get(db, 1, JUN25 + 9 * DAY, &got), 0);
	if (pg_mode) {
		/* June 2025 has no partition: the default one holds it */
		assert_int_equal(raw_i64("SELECT count(*) FROM sample_default"), 1);
		assert_int_equal(raw_i64("SELECT count(*) FROM rollup_minute_default"), 1);
		assert_int_equal(raw_i64("SELECT count(*) FROM sample_p202602"), 10);
		/* a row of July before its partition; May's daemon makes May to
		 * July, July's takes the row out of the default; two instances
		 * doing it at once both succeed */
		put_rows(db, JUL + DAY, DAY, 1);
		assert_int_equal(raw_i64("SELECT count(*) FROM sample_default"), 2);
		pthread_t t[2];
		int rc[2] = {-1, -1};
		for (int i = 0; i < 2; i++)
			assert_int_equal(pthread_create(&t[i], NULL, ensure_thread, &rc[i]), 0);
		for (int i = 0; i < 2; i++)
			assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(rc[0], 0);
		assert_int_equal(rc[1], 0);
		assert_int_equal(partitions_of("sample"), 7);
		assert_int_equal(partitions_of("rollup_minute"), 7);
		/* the firm's index on each, the default, those made ahead and
		 * the month made after its rows arrived */
		assert_int_equal(firm_indexed_minute_partitions(), 7);
		assert_int_equal(raw_i64("SELECT count(*) FROM sample_default"), 1);
		assert_int_equal(raw_i64("SELECT count(*) FROM sample_p202607"), 1);
		assert_int_equal(raw_i64("SELECT count(*) FROM rollup_minute_p202607"), 1);
		assert_int_equal(store_sample_get(db, 1, JUL + DAY, &got), 0);
		assert_int_equal(samples_in(db, JUL, JUL + 31 * DAY), 1);

		/* a time range plans only its months' partitions */
		char plan[8192];
		raw_text("EXPLAIN SELECT * FROM sample WHERE ts >= 1769990400000"
			 " AND ts < 1772409600000",
			 plan, sizeof plan);
		assert_non_null(strstr(plan, "sample_p202602"));
		assert_non_null(strstr(plan, "sample_p202603"));
		assert_null(strstr(plan, "sample_p202601"));
		assert_null(strstr(plan, "sample_p202604"));
		assert_null(strstr(plan, "sample_default"));
		/* and so does a prepared statement's generic plan, at run time */
		raw_text("SET plan_cache_mode = force_generic_plan;"
			 " PREPARE q(bigint, bigint) AS SELECT * FROM sample WHERE ts >= $1"
			 " AND ts < $2;"
			 " EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)"
			 " EXECUTE q(1769990400000, 1770076800000)",
			 plan, sizeof plan);
		assert_non_null(strstr(plan, "sample_p202602"));
		assert_null(strstr(plan, "sample_p202601"));
		assert_null(strstr(plan, "sample_p202603"));
		assert_non_null(strstr(plan, "Subplans Removed"));
	}

	/* retention before 2026-02-15: January whole (and June 2025), the
	 * five February rows before the cut */
	int64_t deleted = 0;
	assert_int_equal(store_retention_delete(db, STORE_RETAIN_SAMPLES, FEB15, FEB15, &deleted),
			 0);
	assert_int_equal(deleted, 10 + 1 + 5);
	assert_int_equal(store_retention_delete(db, STORE_RETAIN_MINUTE, FEB15, FEB15, &deleted),
			 0);
	assert_int_equal(deleted, 10 + 1 + 5);
	assert_int_equal(samples_in(db, 0, FEB15), 0);
	assert_int_equal(samples_in(db, FEB15, MAR), 5);
	assert_int_equal(samples_in(db, MAR, APR), 10);
	assert_int_equal(minute_good(db, 0, FEB15), 0);
	assert_int_equal(minute_good(db, FEB15, APR), 15);
	assert_int_equal(store_sample_get(db, 1, JUN25 + 9 * DAY, &got), GLOVED_ENOTFOUND);
	if (pg_mode) {
		assert_false(table_exists("sample_p202601"));
		assert_false(table_exists("rollup_minute_p202601"));
		assert_true(table_exists("sample_p202602"));
		assert_true(table_exists("rollup_minute_p202602"));
		assert_int_equal(partitions_of("sample"), 6);
		assert_int_equal(partitions_of("rollup_minute"), 6);
		assert_int_equal(raw_i64("SELECT count(*) FROM sample_p202602"), 5);
		assert_int_equal(raw_i64("SELECT count(*) FROM sample_default"), 0);
	}
	/* again: nothing left to remove */
	assert_int_equal(store_retention_delete(db, STORE_RETAIN_SAMPLES, FEB15, FEB15, &deleted),
			 0);
	assert_int_equal(deleted, 0);

	/* a slice of ten days before April: March is not wholly in it, its
	 * rows in the slice go (March 22 to 31: the rows of days 22..) */
	assert_int_equal(store_retention_delete(db, STORE_RETAIN_SAMPLES, APR, 10 * DAY, &deleted),
			 0);
	assert_int_equal(deleted, 0); /* March's rows are on days 2..11 */
	assert_int_equal(
	    store_retention_delete(db, STORE_RETAIN_SAMPLES, MAR + 6 * DAY, 3 * DAY, &deleted), 0);
	assert_int_equal(deleted, 3); /* days 4, 5, 6 */
	assert_int_equal(samples_in(db, MAR, APR), 7);
	if (pg_mode)
		assert_true(table_exists("sample_p202603"));
	/* everything before August: every month wholly in it is dropped */
	assert_int_equal(store_retention_delete(db, STORE_RETAIN_SAMPLES, JUL + 31 * DAY,
						JUL + 31 * DAY, &deleted),
			 0);
	assert_int_equal(deleted, pg_mode ? 5 + 7 + 1 : 5 + 7);
	if (pg_mode) {
		assert_int_equal(partitions_of("sample"), 1);
		assert_int_equal(partitions_of("rollup_minute"), 6);
		/* a row of a month without a partition still goes in */
		put_rows(db, APR + DAY, DAY, 2);
		assert_int_equal(raw_i64("SELECT count(*) FROM sample_default"), 2);
	} else {
		put_rows(db, APR + DAY, DAY, 2);
	}
	assert_int_equal(samples_in(db, APR, MAY), 2);
}

/* A database an older gloved left at schema 10, with rows in sample and
 * rollup_minute over three months (and rows outside 1970..9999), migrates
 * to the partitioned tables keeping every row. */
static void test_partitions_migration(void **state)
{
	store *db = *state;
	if (!pg_mode) {
		int v = 0;
		assert_int_equal(store_schema_version(db, &v), 0);
		assert_int_equal(v, 13); /* step 12 is a no-op on SQLite */
		return;
	}
	store_close(db);
	*state = NULL;
	rm_db();
	assert_int_equal(store__pg_migrate_to(path, 11), 0);
	raw_exec(
	    "INSERT INTO sample(ts, machine_id, count, reject, d_good, d_reject, state,"
	    " reason, worker, flags)"
	    " SELECT 1767225600000 + i * 3600000, 1 + i % 3, i, i % 7, i % 5, i % 2, 1,"
	    " CASE WHEN i % 4 = 0 THEN 'r' || i END, 'w' || i, i % 3"
	    " FROM generate_series(0::bigint, 2159) i;" /* 90 days from 2026-01-01 */
	    "INSERT INTO sample(ts, machine_id, count, reject, d_good, d_reject, state, flags)"
	    " VALUES (-5000, 1, 1, 0, 1, 0, 1, 0), (5, 1, 1, 0, 1, 0, 1, 0),"
	    " (300000000000000, 1, 1, 0, 1, 0, 1, 0);"
	    "INSERT INTO rollup_minute SELECT 1767225600000 + i * 60000, 1 + i % 2, 1, 1,"
	    " i % 9, i % 2 FROM generate_series(0::bigint, 129599) i;"); /* 90 days of minutes */
	int64_t sum_before =
	    raw_i64("SELECT sum(ts % 1000003 + machine_id * 7 + count + reject * 3 + d_good * 5"
		    " + d_reject * 11 + state + flags * 13 + length(coalesce(reason, ''))"
		    " + length(coalesce(worker, ''))) FROM sample");
	int64_t rsum_before = raw_i64("SELECT sum(bucket % 1000003 + machine_id + enterprise_id"
				      " + workshop_id + good * 3 + reject * 5) FROM rollup_minute");
	store_options o = {0};
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	*state = db;
	int v = 0;
	assert_int_equal(store_schema_version(db, &v), 0);
	assert_int_equal(v, 13);
	assert_int_equal(raw_i64("SELECT count(*) FROM sample"), 2160 + 3);
	assert_int_equal(raw_i64("SELECT count(*) FROM rollup_minute"), 129600);
	assert_int_equal(
	    raw_i64("SELECT sum(ts % 1000003 + machine_id * 7 + count + reject * 3 + d_good * 5"
		    " + d_reject * 11 + state + flags * 13 + length(coalesce(reason, ''))"
		    " + length(coalesce(worker, ''))) FROM sample"),
	    sum_before);
	assert_int_equal(raw_i64("SELECT sum(bucket % 1000003 + machine_id + enterprise_id"
				 " + workshop_id + good * 3 + reject * 5) FROM rollup_minute"),
			 rsum_before);
	/* partitioned, with the months that have rows */
	assert_int_equal(raw_i64("SELECT count(*) FROM pg_class WHERE relkind = 'p'"
				 " AND relname IN ('sample', 'rollup_minute')"),
			 2);
	assert_int_equal(partitions_of("sample"), 1 + 3 + 1); /* + 1970-01 */
	assert_int_equal(partitions_of("rollup_minute"), 1 + 3);
	assert_int_equal(firm_indexed_minute_partitions(), 1 + 3); /* step 13 after 12 */
	assert_int_equal(raw_i64("SELECT count(*) FROM sample_p202601"), 31 * 24);
	assert_int_equal(raw_i64("SELECT count(*) FROM sample_p202602"), 28 * 24);
	assert_int_equal(raw_i64("SELECT count(*) FROM sample_p202603"), 31 * 24);
	assert_int_equal(raw_i64("SELECT count(*) FROM sample_p197001"), 1);
	assert_int_equal(raw_i64("SELECT count(*) FROM sample_default"), 2);
	assert_int_equal(raw_i64("SELECT count(*) FROM rollup_minute_p202602"), 28 * 1440);
	assert_false(table_exists("sample_unparted"));
	/* the store reads them as before, and the key still refuses a twin */
	assert_int_equal(samples_in(db, JAN, APR), 2160);
	store_sample got;
	assert_int_equal(store_sample_get(db, 2, JAN + 3600000, &got), 0);
	assert_int_equal(got.count, 1);
	assert_string_equal(got.worker, "w1");
	assert_int_equal(minute_good(db, JAN, APR), raw_i64("SELECT sum(i % 9) FROM"
							    " generate_series(0, 129599) i"));
	store_sample twin = {.ts_ms = JAN + 3600000, .machine_id = 2, .count = 99};
	assert_int_equal(store_sample_insert(db, &twin), 0); /* ON CONFLICT DO NOTHING */
	assert_int_equal(store_sample_get(db, 2, JAN + 3600000, &got), 0);
	assert_int_equal(got.count, 1);
	/* retention drops the migrated months too */
	int64_t deleted = 0;
	assert_int_equal(store_retention_delete(db, STORE_RETAIN_SAMPLES, MAR, MAR, &deleted), 0);
	assert_int_equal(deleted, 1 + 31 * 24 + 28 * 24); /* 1970-01 and the two months */
	assert_false(table_exists("sample_p202601"));
	assert_false(table_exists("sample_p197001"));
}

int main(int argc, char **argv)
{
	store_pg_test_mode(argc, argv);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_partitions_and_retention, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_partitions_migration, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
