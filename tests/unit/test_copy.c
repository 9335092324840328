/* SPDX-License-Identifier: Apache-2.0 */
/* test_copy.c: the catalogue calls (store/bulk.h) and store_copy
 * (store/copy.h). An SQLite file gets rows with what a copy can get wrong:
 * texts with tabs, newlines, backslashes, quotes and Chinese, a NULL, bytes
 * with zero bytes, the largest and negative integers, ids with a gap. On
 * SQLite alone: the catalogue lists every table with its columns, the
 * rowid alias as identity and the foreign keys; the rows come back as
 * written; SQLite is no target (GLOVED_ENOTSUP, nothing written). With
 * --pg (store_pg_test.h) on $GLOVED_TEST_PG: the copy comes back byte for
 * byte, new ids follow the copied ones, and the copy refuses a target that
 * holds data, schemas that differ (a table or column more, another
 * version) and a load that changed a value or lost a row (the target's
 * bulk table swapped for one that does), rolling everything back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/postgres/pg_int.h"
#include "store/sqlite/sqlite_int.h"
#include "store/store.h"
#include "store_pg_test.h"
#include "util/err.h"

static char dir[64];
static char src_path[128], dst_path[128];

/* The reason text of the first sample: what COPY's text format would
 * have to escape, and more than ASCII. */
#define ODD_TEXT "tab\tnl\nbs\\q\"'手套"

static const char fill_sql[] =
    "INSERT INTO enterprise VALUES(1, 'E1', '平邑甲厂', '平邑');"
    "INSERT INTO enterprise VALUES(5, 'E5', 'five', '');"
    "INSERT INTO workshop VALUES(1, 1, 'W1', 'w');"
    "INSERT INTO machine(id, enterprise_id, workshop_id, code, kind) VALUES(1, 1, 1, 'M1', "
    "'knitting');"
    "INSERT INTO machine(id, enterprise_id, workshop_id, code, kind) VALUES(7, 5, 1, 'M7', "
    "'sewing');"
    "INSERT INTO gateway(id, enterprise_id, name, token_hash) VALUES(1, 1, 'gw', "
    "X'00FF0010');"
    "INSERT INTO sample(ts, machine_id, count, reject, d_good, d_reject, state, reason, worker)"
    " VALUES(1000, 1, -5, 0, 5, 1, 1, 'tab' || char(9) || 'nl' || char(10) || 'bs\\q\"''手套',"
    " NULL);"
    "INSERT INTO sample(ts, machine_id, count, reject, d_good, d_reject, state, reason, worker)"
    " VALUES(9223372036854775807, 7, 7, 0, 7, 0, 1, '', 'W001');"
    "INSERT INTO rollup_minute VALUES(960, 1, 1, 1, 5, 1);"
    "INSERT INTO rollup_minute VALUES(960, 7, 5, 1, 7, 0);"
    "INSERT INTO stop_event VALUES(1, 100, 200, 1, 1, 3, 'jam', 0);";

typedef struct fx {
	store *src, *dst;
} fx;

static void rm_db(const char *p)
{
	static const char *const tails[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
		char f[160];
		snprintf(f, sizeof f, "%s%s", p, tails[i]);
		unlink(f);
	}
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	*state = f;
	snprintf(dir, sizeof dir, "/tmp/gloved-test-copy-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(src_path, sizeof src_path, "%s/src.db", dir);
	snprintf(dst_path, sizeof dst_path, "%s/dst.db", dir);
	store_options o = {0};
	store *w = NULL;
	if (store_open(src_path, STORE_WRITE, &o, &w))
		return -1;
	char err[200];
	int rc = sqlite__exec(((sq *)w)->db, fill_sql, err, sizeof err);
	store_close(w);
	if (rc) {
		fprintf(stderr, "fill: %s\n", err);
		return -1;
	}
	if (store_open(src_path, STORE_READ, &o, &f->src))
		return -1;
	if (pg_mode)
		return store__pg_reset(pg_uri) || store_open(pg_uri, STORE_WRITE, &o, &f->dst) ? -1
											       : 0;
	return store_open(dst_path, STORE_WRITE, &o, &f->dst) ? -1 : 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	store_close(f->src);
	store_close(f->dst);
	free(f);
	rm_db(src_path);
	rm_db(dst_path);
	rmdir(dir);
	return pg_mode && store__pg_reset(pg_uri) ? -1 : 0;
}

static const store_bulk_table *table(const store_bulk_table *ts, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ts[i].name, name) == 0)
			return &ts[i];
	return NULL;
}

static int col(const store_bulk_table *t, const char *name)
{
	for (int i = 0; i < t->n_cols; i++)
		if (strcmp(t->col[i].name, name) == 0)
			return i;
	return -1;
}

/* ---- the catalogue, SQLite ---- */

static void test_name_ok(void **state)
{
	(void)state;
	assert_true(store_bulk_name_ok("rollup_minute"));
	assert_true(store_bulk_name_ok("end"));
	assert_true(store_bulk_name_ok("_x9"));
	assert_false(store_bulk_name_ok(""));
	assert_false(store_bulk_name_ok(NULL));
	assert_false(store_bulk_name_ok("9lives"));
	assert_false(store_bulk_name_ok("a\"b"));
	assert_false(store_bulk_name_ok("a b"));
	assert_false(store_bulk_name_ok("x;DROP"));
	char long_name[80];
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	assert_false(store_bulk_name_ok(long_name));
}

static void test_sqlite_catalogue(void **state)
{
	fx *f = *state;
	store_bulk_table *ts = NULL;
	size_t n = 0;
	assert_int_equal(store_bulk_tables(f->src, &ts, &n), GLOVED_OK);
	int64_t want = 0;
	sqlite3_stmt *st = NULL;
	assert_int_equal(
	    sqlite3_prepare_v2(((sq *)f->src)->db,
			       "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
			       " AND name NOT LIKE 'sqlite%'",
			       -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	want = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_int_equal(n, want);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(ts[i - 1].name, ts[i].name) < 0);
	const store_bulk_table *m = table(ts, n, "machine");
	assert_non_null(m);
	assert_string_equal(m->col[0].name, "id");
	assert_true(m->col[0].identity);
	assert_int_equal(m->col[0].kind, STORE_COL_INT);
	assert_int_equal(m->col[col(m, "code")].kind, STORE_COL_TEXT);
	assert_false(m->col[col(m, "code")].identity);
	assert_int_equal(m->n_refs, 2);
	assert_string_equal(m->refs[0], "enterprise");
	assert_string_equal(m->refs[1], "workshop");
	const store_bulk_table *g = table(ts, n, "gateway");
	assert_int_equal(g->col[col(g, "token_hash")].kind, STORE_COL_BLOB);
	/* a composite key is no identity; "end" is a column like another */
	const store_bulk_table *se = table(ts, n, "stop_event");
	assert_true(col(se, "end") >= 0);
	for (int i = 0; i < se->n_cols; i++)
		assert_false(se->col[i].identity);
	assert_null(table(ts, n, "schema_version"));
	assert_non_null(table(ts, n, "meta"));
	free(ts);
}

typedef struct rows_seen {
	int n;
	int64_t ts[4];
	char reason[4][64];
	int reason_null[4];
} rows_seen;

static int collect(void *arg, const store_value *v, int n)
{
	rows_seen *r = arg;
	assert_int_equal(n, 3);
	assert_int_equal(v[0].type, STORE_VAL_INT);
	r->ts[r->n] = v[0].i;
	r->reason_null[r->n] = v[1].type == STORE_VAL_NULL;
	if (v[1].type == STORE_VAL_TEXT) {
		assert_true(v[1].len < sizeof r->reason[0]);
		memcpy(r->reason[r->n], v[1].p, v[1].len);
	}
	assert_int_equal(v[2].type, v[2].type == STORE_VAL_NULL ? STORE_VAL_NULL : STORE_VAL_TEXT);
	r->n++;
	return r->n == 4 ? GLOVED_EINVAL : GLOVED_OK;
}

/* A table of three of sample's columns, in an order of our own. */
static store_bulk_table sample_view(void)
{
	store_bulk_table t;
	memset(&t, 0, sizeof t);
	snprintf(t.name, sizeof t.name, "sample");
	t.n_cols = 3;
	snprintf(t.col[0].name, sizeof t.col[0].name, "ts");
	t.col[0].kind = STORE_COL_INT;
	snprintf(t.col[1].name, sizeof t.col[1].name, "reason");
	t.col[1].kind = STORE_COL_TEXT;
	snprintf(t.col[2].name, sizeof t.col[2].name, "worker");
	t.col[2].kind = STORE_COL_TEXT;
	return t;
}

static void assert_samples(store *s)
{
	store_bulk_table t = sample_view();
	rows_seen r;
	memset(&r, 0, sizeof r);
	assert_int_equal(store_bulk_rows(s, &t, collect, &r), GLOVED_OK);
	assert_int_equal(r.n, 2);
	int k = r.ts[0] == 1000 ? 0 : 1;
	assert_int_equal(r.ts[k], 1000);
	assert_string_equal(r.reason[k], ODD_TEXT);
	assert_int_equal(r.ts[1 - k], INT64_MAX);
	assert_false(r.reason_null[1 - k]);
	assert_string_equal(r.reason[1 - k], "");
	int64_t n = 0;
	assert_int_equal(store_bulk_count(s, "sample", &n), GLOVED_OK);
	assert_int_equal(n, 2);
}

static void test_sqlite_rows(void **state)
{
	fx *f = *state;
	assert_samples(f->src);
	/* a name outside the catalogue's alphabet is refused, not quoted */
	int64_t n = 0;
	assert_int_equal(store_bulk_count(f->src, "sample\"; DROP TABLE sample; --", &n),
			 GLOVED_EINVAL);
	store_bulk_table t = sample_view();
	snprintf(t.col[1].name, sizeof t.col[1].name, "reason\"");
	rows_seen r;
	memset(&r, 0, sizeof r);
	assert_int_equal(store_bulk_rows(f->src, &t, collect, &r), GLOVED_EINVAL);
	assert_int_equal(r.n, 0);
	/* a column the table lacks is refused (SQLite would read "nope" as a
	 * string) */
	t = sample_view();
	snprintf(t.col[1].name, sizeof t.col[1].name, "nope");
	assert_int_equal(store_bulk_rows(f->src, &t, collect, &r), GLOVED_EINVAL);
	assert_string_equal(store_errmsg(f->src), "table sample has no column nope");
	assert_int_equal(r.n, 0);
}

static void test_sqlite_is_no_target(void **state)
{
	fx *f = *state;
	store_copy_report rep;
	assert_int_equal(store_copy(f->src, f->dst, &rep), GLOVED_ENOTSUP);
	assert_true(strstr(rep.err, "not supported") != NULL);
	assert_int_equal(store_bulk_load_begin(f->dst, &(store_bulk_table){.name = "x"}),
			 GLOVED_ENOTSUP);
	store_copy_report_free(&rep);
	int64_t n = -1;
	assert_int_equal(store_bulk_count(f->dst, "enterprise", &n), GLOVED_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_bulk_count(f->dst, "meta", &n), GLOVED_OK);
	assert_int_equal(n, 1);
}

/* ---- the copy, PostgreSQL ---- */

static char *pg_value(store *s, const char *sql)
{
	static char buf[256];
	PGresult *r = PQexec(((pgc *)s)->conn, sql);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_int_equal(PQntuples(r), 1);
	snprintf(buf, sizeof buf, "%s", PQgetisnull(r, 0, 0) ? "(null)" : PQgetvalue(r, 0, 0));
	PQclear(r);
	return buf;
}

static int64_t total(const store_copy_report *rep, const char *table, const char *column, int to)
{
	for (size_t j = 0; j < rep->n_totals; j++)
		if (strcmp(rep->totals[j].table, table) == 0 &&
		    strcmp(rep->totals[j].column, column) == 0)
			return to ? rep->totals[j].to : rep->totals[j].from;
	fail_msg("no total %s.%s", table, column);
	return -1;
}

static void test_pg_copy(void **state)
{
	fx *f = *state;
	store_copy_report rep;
	assert_int_equal(store_copy(f->src, f->dst, &rep), GLOVED_OK);
	assert_string_equal(rep.err, "");
	assert_false(rep.mismatch);
	store_bulk_table *ts = NULL;
	size_t n = 0;
	assert_int_equal(store_bulk_tables(f->src, &ts, &n), GLOVED_OK);
	assert_int_equal(rep.n_tables, n);
	free(ts);
	/* 2 firms, a workshop, 2 machines, a gateway, 2 samples, 2 minutes, a
	 * stop, meta */
	assert_int_equal(rep.rows, 12);
	assert_int_equal(total(&rep, "sample", "d_good", 0), 12);
	assert_int_equal(total(&rep, "sample", "d_good", 1), 12);
	assert_int_equal(total(&rep, "rollup_minute", "reject", 1), 1);
	/* parents before children, meta last */
	size_t at_ent = n, at_machine = n;
	for (size_t i = 0; i < rep.n_tables; i++) {
		if (strcmp(rep.tables[i].name, "enterprise") == 0)
			at_ent = i;
		if (strcmp(rep.tables[i].name, "machine") == 0)
			at_machine = i;
		assert_int_equal(rep.tables[i].rows_from, rep.tables[i].rows_to);
		assert_true(rep.tables[i].digest_from == rep.tables[i].digest_to);
	}
	assert_true(at_ent < at_machine && at_machine < n);
	assert_string_equal(rep.tables[rep.n_tables - 1].name, "meta");
	store_copy_report_free(&rep);

	assert_samples(f->dst);
	assert_string_equal(pg_value(f->dst, "SELECT reason FROM sample WHERE ts = 1000"),
			    ODD_TEXT);
	assert_string_equal(pg_value(f->dst, "SELECT worker FROM sample WHERE ts = 1000"),
			    "(null)");
	assert_string_equal(pg_value(f->dst, "SELECT count FROM sample WHERE ts = 1000"), "-5");
	assert_string_equal(pg_value(f->dst, "SELECT encode(token_hash, 'hex') FROM gateway"),
			    "00ff0010");
	assert_string_equal(pg_value(f->dst, "SELECT \"end\" FROM stop_event"), "200");
	assert_string_equal(pg_value(f->dst, "SELECT string_agg(id || code, ',' ORDER BY id)"
					     " FROM enterprise"),
			    "1E1,5E5");
	/* meta is the source's: the triggers of the copied rows changed nothing */
	sqlite3_stmt *st = NULL;
	assert_int_equal(
	    sqlite3_prepare_v2(((sq *)f->src)->db, "SELECT value FROM meta", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char rev[32];
	snprintf(rev, sizeof rev, "%lld", (long long)sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	assert_true(strcmp(rev, "1") != 0); /* the file's triggers counted its registry rows */
	assert_string_equal(pg_value(f->dst, "SELECT value FROM meta"), rev);
	/* the next ids follow the copied ones; an empty table starts at 1 */
	store_enterprise e = {0};
	snprintf(e.code, sizeof e.code, "E6");
	snprintf(e.name, sizeof e.name, "six");
	assert_int_equal(store_enterprise_add(f->dst, (store_scope){0}, &e), GLOVED_OK);
	assert_int_equal(e.id, 6);
	store_machine m = {0};
	m.enterprise_id = 1;
	m.workshop_id = 1;
	snprintf(m.code, sizeof m.code, "M8");
	snprintf(m.kind, sizeof m.kind, "knitting");
	m.counter_bits = 64;
	assert_int_equal(store_machine_add(f->dst, (store_scope){0}, &m), GLOVED_OK);
	assert_int_equal(m.id, 8);
	assert_string_equal(pg_value(f->dst, "SELECT nextval(pg_get_serial_sequence('style', "
					     "'id'))"),
			    "1");

	/* a second copy finds data there and changes nothing */
	assert_int_equal(store_copy(f->src, f->dst, &rep), GLOVED_EEXIST);
	assert_true(strstr(rep.err, "table enterprise is not empty: 3 rows") != NULL);
	store_copy_report_free(&rep);
	assert_string_equal(pg_value(f->dst, "SELECT count(*) FROM sample"), "2");
}

/* The target's bulk table with a load that changes d_good of the first
 * sample, or loses a row of rollup_minute. */
static store_bulk_ops tampered;
static int tamper_mode; /* 1: change a value, 2: lose a row */
static char loading[STORE_BULK_NAME];
static int loading_good = -1, lost;

static int tamper_begin(store *s, const store_bulk_table *t)
{
	snprintf(loading, sizeof loading, "%s", t->name);
	loading_good = col(t, "d_good");
	return pg__bulk_ops.load_begin(s, t);
}

static int tamper_row(store *s, const store_value *v, int n)
{
	if (tamper_mode == 1 && strcmp(loading, "sample") == 0 && v[loading_good].i == 5) {
		store_value w[STORE_BULK_COLS];
		memcpy(w, v, (size_t)n * sizeof *v);
		w[loading_good].i = 6;
		return pg__bulk_ops.load_row(s, w, n);
	}
	if (tamper_mode == 2 && strcmp(loading, "rollup_minute") == 0 && !lost) {
		lost = 1;
		return GLOVED_OK;
	}
	return pg__bulk_ops.load_row(s, v, n);
}

static void assert_target_empty(store *s)
{
	assert_string_equal(pg_value(s, "SELECT (SELECT count(*) FROM enterprise) + (SELECT "
					"count(*) FROM sample) + (SELECT count(*) FROM "
					"rollup_minute)"),
			    "0");
	assert_string_equal(pg_value(s, "SELECT count(*) FROM meta"), "1");
}

static void test_pg_mismatch_rolls_back(void **state)
{
	fx *f = *state;
	tampered = pg__bulk_ops;
	tampered.load_begin = tamper_begin;
	tampered.load_row = tamper_row;
	const store_bulk_ops *saved = f->dst->bulk;
	f->dst->bulk = &tampered;
	store_copy_report rep;

	tamper_mode = 1;
	assert_int_equal(store_copy(f->src, f->dst, &rep), GLOVED_EDB);
	assert_true(rep.mismatch);
	assert_true(strstr(rep.err, "differs") != NULL);
	assert_int_equal(total(&rep, "sample", "d_good", 0), 12);
	assert_int_equal(total(&rep, "sample", "d_good", 1), 13);
	for (size_t i = 0; i < rep.n_tables; i++) {
		const store_copy_table *t = &rep.tables[i];
		assert_int_equal(t->rows_to, t->rows_from); /* the same count... */
		if (strcmp(t->name, "sample") == 0)
			assert_true(t->digest_to != t->digest_from); /* ...other values */
		else
			assert_true(t->digest_to == t->digest_from);
	}
	store_copy_report_free(&rep);
	assert_target_empty(f->dst);

	tamper_mode = 2;
	lost = 0;
	assert_int_equal(store_copy(f->src, f->dst, &rep), GLOVED_EDB);
	assert_true(rep.mismatch);
	for (size_t i = 0; i < rep.n_tables; i++)
		if (strcmp(rep.tables[i].name, "rollup_minute") == 0)
			assert_true(rep.tables[i].rows_from == 2 && rep.tables[i].rows_to == 1 &&
				    rep.tables[i].read_to == 1);
	store_copy_report_free(&rep);
	assert_target_empty(f->dst);

	f->dst->bulk = saved;
	assert_int_equal(store_copy(f->src, f->dst, &rep), GLOVED_OK);
	store_copy_report_free(&rep);
}

static void test_pg_schemas_differ(void **state)
{
	fx *f = *state;
	sqlite3 *db = ((sq *)f->src)->db;
	char err[200];
	store_copy_report rep;
	assert_int_equal(sqlite__exec(db, "CREATE TABLE extra(x INTEGER)", err, sizeof err), 0);
	assert_int_equal(store_copy(f->src, f->dst, &rep), GLOVED_EINVAL);
	assert_string_equal(rep.err, "table extra is only in the source");
	store_copy_report_free(&rep);
	assert_int_equal(sqlite__exec(db,
				      "DROP TABLE extra;"
				      " ALTER TABLE workshop ADD COLUMN colour TEXT",
				      err, sizeof err),
			 0);
	assert_int_equal(store_copy(f->src, f->dst, &rep), GLOVED_EINVAL);
	assert_string_equal(rep.err, "table workshop: column colour is only in the source");
	store_copy_report_free(&rep);
	assert_int_equal(sqlite__exec(db, "PRAGMA user_version = 9", err, sizeof err), 0);
	assert_int_equal(store_copy(f->src, f->dst, &rep), GLOVED_EINVAL);
	assert_true(strstr(rep.err, "the source's schema is version 9") != NULL);
	store_copy_report_free(&rep);
	assert_target_empty(f->dst);
}

int main(int argc, char **argv)
{
	store_pg_test_mode(argc, argv);
	if (pg_mode) {
		const struct CMUnitTest pg_tests[] = {
		    cmocka_unit_test_setup_teardown(test_pg_copy, setup, teardown),
		    cmocka_unit_test_setup_teardown(test_pg_mismatch_rolls_back, setup, teardown),
		    cmocka_unit_test_setup_teardown(test_pg_schemas_differ, setup, teardown),
		};
		return cmocka_run_group_tests(pg_tests, NULL, NULL);
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_name_ok),
	    cmocka_unit_test_setup_teardown(test_sqlite_catalogue, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sqlite_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sqlite_is_no_target, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
