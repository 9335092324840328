/* SPDX-License-Identifier: Apache-2.0 */
/* test_store_caps.c: the store's capability tables and the SQLite list
 * helper. A list comes back whole and in order however many times its
 * array grows; when the row decoder fails at row k, SQLite fails at row k
 * or an allocation fails, the call answers that error with *out NULL, *n 0,
 * its statement given back and nothing left allocated (LeakSanitizer in
 * the sanitizer build); a connection whose capability table is missing,
 * older than a call or without the call answers GLOVED_ENOTSUP from the
 * wrapper and never crashes. Real SQLite files in a temporary directory,
 * removed at the end. With --pg (store_pg_test.h) the same for the
 * PostgreSQL backend on $GLOVED_TEST_PG: its list helper (pg__rows) and a
 * real connection whose unported capabilities answer GLOVED_ENOTSUP. */
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
static char path[128];

static void rm_db(void)
{
	static const char *const tails[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
		char p[160];
		snprintf(p, sizeof p, "%s%s", path, tails[i]);
		unlink(p);
	}
}

static int setup(void **state)
{
	if (pg_mode) {
		store *pdb = NULL;
		store_options po = {0};
		if (store__pg_reset(pg_uri) || store_open(pg_uri, STORE_WRITE, &po, &pdb))
			return -1;
		*state = pdb;
		return 0;
	}
	snprintf(dir, sizeof dir, "/tmp/gloved-test-store-caps-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/store.db", dir);
	store *db = NULL;
	store_options o = {0};
	if (store_open(path, STORE_WRITE, &o, &db))
		return -1;
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	store__fail_alloc_after(-1);
	store_close(*state);
	if (pg_mode)
		return store__pg_reset(pg_uri) ? -1 : 0;
	rm_db();
	rmdir(dir);
	return 0;
}

/* ---- the list helper ---- */

/* The numbers 1..?1, one a row, in order. */
static const char count_sql[] = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
				" WHERE x < ?1) SELECT x FROM c";

static sqlite3_stmt *counting(sq *q, int64_t rows)
{
	sqlite3_stmt *st = sqlite__prep(q, count_sql);
	assert_non_null(st);
	sqlite3_bind_int64(st, 1, rows);
	return st;
}

/* The row at which the decoder fails (0: never) and the rows seen. */
static int64_t fail_at, seen;

static int x_row(sqlite3_stmt *st, void *dst)
{
	seen++;
	if (fail_at && seen == fail_at)
		return GLOVED_EINVAL;
	*(int64_t *)dst = sqlite3_column_int64(st, 0);
	return GLOVED_OK;
}

/* No statement of the connection is left open (prepared and not given
 * back). */
static void no_statement_left(sq *q)
{
	assert_null(sqlite3_next_stmt(q->db, NULL));
}

static void test_rows_every_row_in_order(void **state)
{
	sq *q = *state;
	/* around each growth of the array (16, 32, 64 ...) */
	static const int64_t sizes[] = {0, 1, 15, 16, 17, 31, 32, 33, 64, 65, 1000};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		int64_t *out = (int64_t *)1;
		size_t n = 99;
		fail_at = 0;
		seen = 0;
		assert_int_equal(
		    sqlite__rows(q, counting(q, sizes[i]), sizeof *out, x_row, (void **)&out, &n),
		    GLOVED_OK);
		/* the recursive query yields its first row even for 0 */
		size_t want = sizes[i] ? (size_t)sizes[i] : 1;
		assert_int_equal(n, want);
		for (size_t k = 0; k < n; k++)
			assert_int_equal(out[k], (int64_t)k + 1);
		free(out);
		no_statement_left(q);
	}
}

static void test_rows_decoder_fails_at_row_k(void **state)
{
	sq *q = *state;
	static const int64_t ks[] = {1, 2, 16, 17, 33, 100};
	for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
		int64_t *out = (int64_t *)1;
		size_t n = 99;
		fail_at = ks[i];
		seen = 0;
		assert_int_equal(
		    sqlite__rows(q, counting(q, 100), sizeof *out, x_row, (void **)&out, &n),
		    GLOVED_EINVAL);
		assert_null(out);
		assert_int_equal(n, 0);
		assert_int_equal(seen, ks[i]); /* stopped at the failing row */
		no_statement_left(q);
	}
	fail_at = 0;
}

static void test_rows_sqlite_error_at_row_k(void **state)
{
	sq *q = *state;
	/* abs() of the smallest integer is an overflow error, raised when
	 * row 40 is stepped: 39 rows are already in the array */
	sqlite3_stmt *st = sqlite__prep(
	    q, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100)"
	       " SELECT CASE WHEN x = 40 THEN abs(-9223372036854775807 - 1) ELSE x END FROM c");
	assert_non_null(st);
	int64_t *out = (int64_t *)1;
	size_t n = 99;
	fail_at = 0;
	seen = 0;
	int rc = sqlite__rows(q, st, sizeof *out, x_row, (void **)&out, &n);
	assert_int_not_equal(rc, GLOVED_OK);
	assert_null(out);
	assert_int_equal(n, 0);
	assert_int_equal(seen, 39);
	assert_true(strlen(store_errmsg(&q->base)) > 0);
	no_statement_left(q);
}

static void test_rows_allocation_fails(void **state)
{
	sq *q = *state;
	/* 100 rows take four allocations (16, 32, 64, 128 elements); fail
	 * each of them in turn */
	for (long k = 0; k < 4; k++) {
		int64_t *out = (int64_t *)1;
		size_t n = 99;
		fail_at = 0;
		store__fail_alloc_after(k);
		assert_int_equal(
		    sqlite__rows(q, counting(q, 100), sizeof *out, x_row, (void **)&out, &n),
		    GLOVED_ENOMEM);
		assert_null(out);
		assert_int_equal(n, 0);
		no_statement_left(q);
	}
	/* a fifth allocation is never asked for: the list comes back whole */
	int64_t *out = NULL;
	size_t n = 0;
	store__fail_alloc_after(4);
	assert_int_equal(sqlite__rows(q, counting(q, 100), sizeof *out, x_row, (void **)&out, &n),
			 GLOVED_OK);
	assert_int_equal(n, 100);
	assert_int_equal(out[99], 100);
	free(out);
	store__fail_alloc_after(-1);
}

static void test_rows_no_statement(void **state)
{
	sq *q = *state;
	int64_t *out = (int64_t *)1;
	size_t n = 99;
	assert_int_equal(sqlite__rows(q, NULL, sizeof *out, x_row, (void **)&out, &n), GLOVED_EDB);
	assert_null(out);
	assert_int_equal(n, 0);
}

/* Through a real call: 40 firms (the array grows twice) in code order,
 * and none when an allocation fails. */
static void test_enterprise_list_grows_and_fails_cleanly(void **state)
{
	store *db = *state;
	store_scope all = {0};
	for (int i = 39; i >= 0; i--) {
		store_enterprise e = {0};
		snprintf(e.code, sizeof e.code, "F%02d", i);
		snprintf(e.name, sizeof e.name, "firm %d", i);
		assert_int_equal(store_enterprise_add(db, all, &e), GLOVED_OK);
	}
	store_enterprise *es = NULL;
	size_t n = 0;
	assert_int_equal(store_enterprise_list(db, all, &es, &n), GLOVED_OK);
	assert_int_equal(n, 40);
	for (size_t i = 0; i < n; i++) {
		char want[24];
		snprintf(want, sizeof want, "F%02zu", i);
		assert_string_equal(es[i].code, want);
	}
	free(es);
	store__fail_alloc_after(1); /* the growth from 16 to 32 */
	es = (store_enterprise *)1;
	n = 99;
	assert_int_equal(store_enterprise_list(db, all, &es, &n), GLOVED_ENOMEM);
	assert_null(es);
	assert_int_equal(n, 0);
	store__fail_alloc_after(-1);
}

/* ---- capability tables ---- */

/* Every capability's calls answer GLOVED_ENOTSUP while its table is
 * missing, and clear a list's out pointers. */
static void expect_enotsup_all(store *db, int registry, int auth, int samples, int analytics,
			       int sewn, int quality)
{
	store_scope all = {0};
	if (registry) {
		store_enterprise *es = (store_enterprise *)1;
		size_t n = 99;
		assert_int_equal(store_enterprise_list(db, all, &es, &n), GLOVED_ENOTSUP);
		assert_null(es);
		assert_int_equal(n, 0);
		int64_t rev = 0;
		assert_int_equal(store_registry_rev(db, &rev), GLOVED_ENOTSUP);
	}
	if (auth) {
		store_user u;
		assert_int_equal(store_user_by_name(db, "boss", &u), GLOVED_ENOTSUP);
		store_gateway *gs = (store_gateway *)1;
		size_t n = 99;
		assert_int_equal(store_gateway_list(db, all, &gs, &n), GLOVED_ENOTSUP);
		assert_null(gs);
		assert_int_equal(n, 0);
	}
	if (samples) {
		store_sample x = {1000, 1, 10, 0, 0, 0, 1, "", "", 0};
		assert_int_equal(store_sample_insert(db, &x), GLOVED_ENOTSUP);
		assert_int_equal(store_samples_insert(db, &x, 1), GLOVED_ENOTSUP);
		store_rollup_delta d = {60000, 1, 1, 1, 1, 0};
		assert_int_equal(store_rollups_add(db, STORE_MINUTE, &d, 1), GLOVED_ENOTSUP);
		store_live *ls = (store_live *)1;
		size_t n = 99;
		assert_int_equal(store_live_list(db, &ls, &n), GLOVED_ENOTSUP);
		assert_null(ls);
		assert_int_equal(n, 0);
		store_rebuild r;
		assert_int_equal(store_rebuild_next(db, &r), GLOVED_ENOTSUP);
	}
	if (analytics) {
		char *json = (char *)1;
		assert_int_equal(store_calendar_get(db, 1, &json), GLOVED_ENOTSUP);
		assert_null(json);
		store_filter f = {0};
		store_shift_sum *rows = (store_shift_sum *)1;
		size_t n = 99;
		assert_int_equal(store_shift_rows(db, all, &f, &rows, &n), GLOVED_ENOTSUP);
		assert_null(rows);
		assert_int_equal(n, 0);
	}
	if (sewn) {
		store_style *ss = (store_style *)1;
		size_t n = 99;
		assert_int_equal(store_style_list(db, all, 0, &ss, &n), GLOVED_ENOTSUP);
		assert_null(ss);
		assert_int_equal(n, 0);
		uint8_t key[32];
		char check[12];
		assert_int_equal(store_firm_key_get(db, 1, key, check), GLOVED_ENOTSUP);
		store_bundle b = {0};
		assert_int_equal(store_bundles_add(db, &b, 1), GLOVED_ENOTSUP);
	}
	if (quality) {
		store_lot *ls = (store_lot *)1;
		size_t n = 99;
		assert_int_equal(store_lot_list(db, all, 0, NULL, &ls, &n), GLOVED_ENOTSUP);
		assert_null(ls);
		assert_int_equal(n, 0);
		void *pdf = (void *)1;
		assert_int_equal(store_test_pdf_get(db, all, 1, 1, &pdf, &n), GLOVED_ENOTSUP);
		assert_null(pdf);
		store_aql_state st;
		assert_int_equal(store_aql_state_get(db, 1, 1, &st), GLOVED_ENOTSUP);
	}
}

static void test_missing_table_is_enotsup(void **state)
{
	store *db = *state;
	store saved = *db;
	db->registry = NULL;
	expect_enotsup_all(db, 1, 0, 0, 0, 0, 0);
	db->auth = NULL;
	db->samples = NULL;
	db->analytics = NULL;
	db->sewn = NULL;
	db->quality = NULL;
	expect_enotsup_all(db, 1, 1, 1, 1, 1, 1);
	/* the connection core still works without any capability */
	assert_int_equal(store_begin(db), GLOVED_OK);
	assert_int_equal(store_commit(db), GLOVED_OK);
	*db = saved;
	/* and with its tables back every call answers again */
	store_enterprise *es = NULL;
	size_t n = 99;
	assert_int_equal(store_enterprise_list(db, (store_scope){0}, &es, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(es);
	char *json = NULL;
	assert_int_equal(store_calendar_get(db, 1, &json), GLOVED_ENOTFOUND);
}

static void test_older_table_is_enotsup(void **state)
{
	store *db = *state;
	store saved = *db;
	/* tables of a backend written before version 1 of each */
	store_registry_ops reg = *db->registry;
	store_auth_ops auth = *db->auth;
	store_samples_ops smp = *db->samples;
	store_analytics_ops an = *db->analytics;
	store_sewn_ops sewn = *db->sewn;
	store_quality_ops qual = *db->quality;
	reg.version = STORE_REGISTRY_VERSION - 1;
	auth.version = STORE_AUTH_VERSION - 1;
	smp.version = 0;
	an.version = 0;
	sewn.version = 0;
	qual.version = 0;
	db->registry = &reg;
	db->auth = &auth;
	db->samples = &smp;
	db->analytics = &an;
	db->sewn = &sewn;
	db->quality = &qual;
	expect_enotsup_all(db, 1, 1, 1, 1, 1, 1);
	/* a samples table of version 1: the calls of version 2 are refused, the
	 * older ones answer */
	smp.version = 1;
	store_sample x = {1000, 1, 10, 0, 0, 0, 1, "", "", 0};
	assert_int_equal(store_samples_insert(db, &x, 1), GLOVED_ENOTSUP);
	store_rollup_delta d = {60000, 1, 1, 1, 1, 0};
	assert_int_equal(store_rollups_add(db, STORE_MINUTE, &d, 1), GLOVED_ENOTSUP);
	int64_t newest = -1;
	assert_int_equal(store_samples_newest(db, &newest), GLOVED_OK);
	/* of version 3: the calls of version 4 are refused */
	smp.version = 3;
	store_live lv = {0};
	assert_int_equal(store_lives_put(db, &lv, 1), GLOVED_ENOTSUP);
	int64_t one = 1;
	assert_int_equal(store_samples_range_of(db, 0, 1, &one, 1, NULL, NULL), GLOVED_ENOTSUP);
	/* an analytics table of version 1: many shift rows in one write is
	 * refused, one row answers */
	an.version = 1;
	store_shift_add sa = {0};
	assert_int_equal(store_shift_add_rows(db, &sa, 1), GLOVED_ENOTSUP);
	store_stop st = {0};
	assert_int_equal(store_stops_put(db, &st, 1), GLOVED_ENOTSUP);
	char *cal = NULL;
	assert_int_not_equal(store_calendar_get(db, 1, &cal), GLOVED_ENOTSUP);
	free(cal);
	/* a sewn table of version 1: a cut's bundles in one write is refused,
	 * one bundle answers */
	sewn.version = 1;
	store_bundle b = {0};
	assert_int_equal(store_bundles_add(db, &b, 1), GLOVED_ENOTSUP);
	assert_int_not_equal(store_bundle_add(db, &b), GLOVED_ENOTSUP);
	/* a quality table of version 1 likewise: a lot's cartons in one write */
	qual.version = 1;
	store_carton ct = {0};
	assert_int_equal(store_cartons_add(db, &ct, 1), GLOVED_ENOTSUP);
	store_lot *lots = NULL;
	size_t nl = 0;
	assert_int_equal(store_lot_list(db, (store_scope){0}, 0, NULL, &lots, &nl), GLOVED_OK);
	free(lots);
	/* the current version but a call left out */
	reg.version = STORE_REGISTRY_VERSION;
	reg.enterprise_list = NULL;
	store_enterprise *es = (store_enterprise *)1;
	size_t n = 99;
	assert_int_equal(store_enterprise_list(db, (store_scope){0}, &es, &n), GLOVED_ENOTSUP);
	assert_null(es);
	assert_int_equal(n, 0);
	int64_t rev = 0;
	assert_int_equal(store_registry_rev(db, &rev), GLOVED_OK); /* the others answer */
	assert_true(rev > 0);
	*db = saved;
}

static void test_enotsup_has_a_message(void **state)
{
	(void)state;
	assert_string_equal(gloved_strerror(GLOVED_ENOTSUP), "not supported by this store backend");
}

/* ---- the PostgreSQL backend ---- */

/* The numbers 1..$1, one a row, in order; fails with a division by zero
 * when $2 is one of them. */
static const char pg_count_sql[] = "SELECT 1 / (x - $2::bigint) * 0 + x"
				   " FROM generate_series(1, $1::bigint) x";

static int pg_x_row(const PGresult *r, int row, void *dst)
{
	seen++;
	if (fail_at && seen == fail_at)
		return GLOVED_EINVAL;
	*(int64_t *)dst = pg__i64(r, row, 0);
	return GLOVED_OK;
}

static int pg_count(store *db, int64_t rows, int64_t fail_row, int64_t **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, rows);
	pg__p_i64(&p, fail_row ? fail_row : -10);
	return pg__rows((pgc *)db, pg_count_sql, &p, sizeof **out, pg_x_row, (void **)out, n);
}

static void test_pg_rows(void **state)
{
	store *db = *state;
	static const int64_t sizes[] = {0, 1, 16, 17, 100};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		int64_t *out = NULL;
		size_t n = 99;
		fail_at = 0;
		seen = 0;
		assert_int_equal(pg_count(db, sizes[k], 0, &out, &n), GLOVED_OK);
		assert_int_equal(n, sizes[k]);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(out[i], (int64_t)i + 1);
		free(out);
	}
	/* the decoder fails at row k, the server fails, an allocation fails:
	 * nothing comes back and nothing is left allocated */
	static const int64_t at[] = {1, 16, 17, 40};
	for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
		int64_t *out = (int64_t *)1;
		size_t n = 99;
		fail_at = at[k];
		seen = 0;
		assert_int_equal(pg_count(db, 50, 0, &out, &n), GLOVED_EINVAL);
		assert_null(out);
		assert_int_equal(n, 0);
		fail_at = 0;
		out = (int64_t *)1;
		n = 99;
		assert_int_equal(pg_count(db, 50, at[k], &out, &n), GLOVED_EDB);
		assert_null(out);
		assert_int_equal(n, 0);
		assert_non_null(strstr(store_errmsg(db), "division by zero"));
	}
	for (long k = 0; k < 3; k++) {
		int64_t *out = (int64_t *)1;
		size_t n = 99;
		store__fail_alloc_after(k);
		assert_int_equal(pg_count(db, 100, 0, &out, &n), GLOVED_ENOMEM);
		assert_null(out);
		assert_int_equal(n, 0);
		store__fail_alloc_after(-1);
	}
	/* too many parameters: refused before anything is sent */
	pg_params p;
	pg__p_init(&p);
	for (int i = 0; i <= PG_PARAMS; i++)
		pg__p_i64(&p, i);
	int64_t *out = (int64_t *)1;
	size_t n = 99;
	assert_int_equal(
	    pg__rows((pgc *)db, pg_count_sql, &p, sizeof *out, pg_x_row, (void **)&out, &n),
	    GLOVED_EINVAL);
	assert_null(out);
	assert_int_equal(n, 0);
}

/* An array parameter (pg__arr_*) comes back element for element: texts
 * with quotes, backslashes, commas, braces, blanks and the word NULL, and
 * the extreme integers; an empty array unnests to no row. */
static const char pg_arr_sql[] = "SELECT t, i FROM unnest($1::text[], $2::bigint[])"
				 " WITH ORDINALITY AS u(t, i, k) ORDER BY k";

static void test_pg_arr(void **state)
{
	store *db = *state;
	static const char *const texts[] = {"",     "a,b",  "\"q\"", "\\",    "{x}",
					    "NULL", " sp ", "手套",  "\\\"\\"};
	static const int64_t ints[] = {0, -1, INT64_MIN, INT64_MAX, 42, 7, 8, 9, 10};
	pg_arr t = {0}, i = {0};
	for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
		pg__arr_text(&t, texts[k]);
		pg__arr_i64(&i, ints[k]);
	}
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, pg__arr_end(&t));
	pg__p_text(&p, pg__arr_end(&i));
	int rc;
	PGresult *r = pg__exec((pgc *)db, pg_arr_sql, &p, &rc);
	assert_non_null(r);
	assert_int_equal(PQntuples(r), (int)(sizeof texts / sizeof texts[0]));
	for (int k = 0; k < PQntuples(r); k++) {
		assert_false(PQgetisnull(r, k, 0));
		assert_string_equal(PQgetvalue(r, k, 0), texts[k]);
		assert_int_equal(pg__i64(r, k, 1), ints[k]);
	}
	PQclear(r);
	pg__arr_free(&t);
	pg__arr_free(&i);
	pg_arr e1 = {0}, e2 = {0};
	pg__p_init(&p);
	pg__p_text(&p, pg__arr_end(&e1));
	pg__p_text(&p, pg__arr_end(&e2));
	r = pg__exec((pgc *)db, pg_arr_sql, &p, &rc);
	assert_non_null(r);
	assert_int_equal(PQntuples(r), 0);
	PQclear(r);
	pg__arr_free(&e1);
	pg__arr_free(&e2);
}

/* A real PostgreSQL connection: every capability answers; without its
 * table a capability's calls answer GLOVED_ENOTSUP and clear the lists. */
static void test_pg_unported_are_enotsup(void **state)
{
	store *db = *state;
	assert_string_equal(db->ops->name, "postgres");
	assert_non_null(db->registry);
	assert_non_null(db->auth);
	assert_non_null(db->samples);
	assert_non_null(db->analytics);
	assert_non_null(db->brand);
	assert_non_null(db->sewn);
	assert_non_null(db->quality);
	assert_non_null(db->cluster);
	assert_non_null(db->coop);
	expect_enotsup_all(db, 0, 0, 0, 0, 0, 0);
	uint8_t key[32];
	char check[12];
	assert_int_equal(store_firm_key_get(db, 1, key, check), GLOVED_ENOTFOUND);
	store_lot *lots = (store_lot *)1;
	size_t nl = 99;
	assert_int_equal(store_lot_list(db, (store_scope){0}, 0, NULL, &lots, &nl), GLOVED_OK);
	assert_null(lots);
	assert_int_equal(nl, 0);
	store_licence l;
	assert_int_equal(store_licence_get(db, 1, &l), GLOVED_ENOTFOUND);
	char *json = (char *)1;
	assert_int_equal(store_calendar_get(db, 1, &json), GLOVED_ENOTFOUND);
	assert_null(json);
	int64_t rev = 0;
	assert_int_equal(store_registry_rev(db, &rev), GLOVED_OK);
	store_user u;
	assert_int_equal(store_user_by_name(db, "boss", &u), GLOVED_ENOTFOUND);
	store_rebuild r;
	assert_int_equal(store_rebuild_next(db, &r), GLOVED_ENOTFOUND);
	/* and without its tables they answer the same */
	store saved = *db;
	db->registry = NULL;
	db->samples = NULL;
	db->analytics = NULL;
	db->brand = NULL;
	db->sewn = NULL;
	db->quality = NULL;
	expect_enotsup_all(db, 1, 0, 1, 1, 1, 1);
	assert_int_equal(store_licence_get(db, 1, &l), GLOVED_ENOTSUP);
	*db = saved;
}

int main(int argc, char **argv)
{
	store_pg_test_mode(argc, argv);
	if (pg_mode) {
		const struct CMUnitTest pg_tests[] = {
		    cmocka_unit_test_setup_teardown(test_pg_rows, setup, teardown),
		    cmocka_unit_test_setup_teardown(test_enterprise_list_grows_and_fails_cleanly,
						    setup, teardown),
		    cmocka_unit_test_setup_teardown(test_pg_arr, setup, teardown),
		    cmocka_unit_test_setup_teardown(test_pg_unported_are_enotsup, setup, teardown),
		};
		return cmocka_run_group_tests(pg_tests, NULL, NULL);
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_rows_every_row_in_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rows_decoder_fails_at_row_k, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rows_sqlite_error_at_row_k, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rows_allocation_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rows_no_statement, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_enterprise_list_grows_and_fails_cleanly, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_missing_table_is_enotsup, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_older_table_is_enotsup, setup, teardown),
	    cmocka_unit_test(test_enotsup_has_a_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
