/* SPDX-License-Identifier: Apache-2.0 */
/* sqlite.c: the SQLite backend's connection core (store_int.h) and the
 * statement helpers its capability files share (sqlite_int.h). WAL mode
 * so readers run beside the one writer; hot statements (samples, rollups,
 * live state, shift rollups) are prepared once per connection, other fixed
 * statements are cached by their text. Tables are time-first (ts, machine)
 * WITHOUT ROWID so that appends touch the end of the B-trees. Schema
 * migrations live in migrations.c and run when a write connection opens.
 * The SQLite backend has every capability: open points the connection at
 * the tables of sqlite_registry.c, sqlite_auth.c, sqlite_samples.c,
 * sqlite_analytics.c, sqlite_sewn.c, sqlite_quality.c, sqlite_brand.c, sqlite_cluster.c and
 * sqlite_coop.c. */
#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const store_ops sqlite_ops;

int sqlite__fail(sq *q, int rc)
{
	snprintf(q->err, sizeof q->err, "%s", sqlite3_errmsg(q->db));
	if (rc == SQLITE_CONSTRAINT)
		return GLOVED_EEXIST;
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return GLOVED_EBUSY;
	if (rc == SQLITE_NOMEM)
		return GLOVED_ENOMEM;
	if (rc == SQLITE_IOERR || rc == SQLITE_FULL || rc == SQLITE_CANTOPEN)
		return GLOVED_EIO;
	return GLOVED_EDB;
}

int sqlite__exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return GLOVED_EDB;
	}
	return GLOVED_OK;
}

int sqlite__unit_begin(sq *q)
{
	return sqlite__exec(q->db, "SAVEPOINT gloved_unit", q->err, sizeof q->err);
}

int sqlite__unit_end(sq *q, int rc)
{
	if (!rc)
		return sqlite__exec(q->db, "RELEASE gloved_unit", q->err, sizeof q->err);
	char err[sizeof q->err], ignore[64];
	memcpy(err, q->err, sizeof err);
	sqlite__exec(q->db, "ROLLBACK TO gloved_unit; RELEASE gloved_unit", ignore, sizeof ignore);
	memcpy(q->err, err, sizeof err);
	return rc;
}

static void sq_close(store *s)
{
	sq *q = (sq *)s;
	for (int i = 0; i < SQ_HOT_COUNT; i++)
		sqlite3_finalize(q->hot[i]);
	for (int i = 0; i < SQ_CACHE; i++)
		sqlite3_finalize(q->cache_st[i]);
	sqlite3_close_v2(q->db);
	free(q);
}

static const char *sq_errmsg(store *s)
{
	return ((sq *)s)->err;
}

sqlite3_stmt *sqlite__prep(sq *q, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(q->err, sizeof q->err, "%s", sqlite3_errmsg(q->db));
		return NULL;
	}
	return st;
}

void sqlite__text_col(sqlite3_stmt *st, int col, char *dst, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t len = t ? strlen((const char *)t) : 0;
	if (len >= n)
		len = n - 1;
	if (len)
		memcpy(dst, t, len);
	dst[len] = '\0';
}

/* Once, before SQLite's first use in this process: no memory statistics.
 * They take a global mutex around every allocation SQLite makes (its page
 * cache, every statement), which the writer pays thousands of times per
 * commit; gloved never reads them (sqlite3_memory_used). */
static pthread_once_t sq_once = PTHREAD_ONCE_INIT;
static void sq_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int store__sqlite_open(const char *path, store_mode mode, const store_options *opt, store **out)
{
	pthread_once(&sq_once, sq_configure);
	int rc = GLOVED_EDB;
	sq *q = calloc(1, sizeof *q);
	if (!q)
		return GLOVED_ENOMEM;
	q->base.ops = &sqlite_ops;
	q->base.registry = &sqlite__registry_ops;
	q->base.auth = &sqlite__auth_ops;
	q->base.samples = &sqlite__samples_ops;
	q->base.analytics = &sqlite__analytics_ops;
	q->base.sewn = &sqlite__sewn_ops;
	q->base.quality = &sqlite__quality_ops;
	q->base.brand = &sqlite__brand_ops;
	q->base.cluster = &sqlite__cluster_ops;
	q->base.coop = &sqlite__coop_ops;
	q->base.bulk = &sqlite__bulk_ops;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	if (mode == STORE_WRITE)
		flags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &q->db, flags, NULL) != SQLITE_OK) {
		rc = GLOVED_EIO;
		goto out;
	}
	sqlite3_busy_timeout(q->db, 10000);
	sqlite3_extended_result_codes(q->db, 0);
	char err[200];
	if (sqlite__exec(q->db, "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;", err,
			 sizeof err))
		goto out;
	if (mode == STORE_WRITE) {
		/* an 8 MiB page cache: it holds the pages the writer revisits
		 * (the ends of the sample and rollup keys, one leaf per firm in
		 * rollup_minute's firm index: about 600 pages for 300 firms),
		 * and the operating system's page cache holds the rest of the
		 * file. A bigger one (64 MiB until issue 15) made ingest slower:
		 * every page SQLite caches for the first time is a fresh
		 * allocation and a page fault, and a large cache's pages are
		 * cold in the processor's caches (docs/performance.md) */
		if (sqlite__exec(q->db, "PRAGMA journal_mode = WAL; PRAGMA cache_size = -8192;",
				 err, sizeof err))
			goto out;
		if (sqlite__exec(q->db,
				 opt && !opt->sync_full ? "PRAGMA synchronous = NORMAL;"
							: "PRAGMA synchronous = FULL;",
				 err, sizeof err))
			goto out;
		if (sqlite__migrate(q->db, err, sizeof err)) {
			snprintf(q->err, sizeof q->err, "migration failed: %s", err);
			rc = GLOVED_EDB;
			goto out;
		}
	} else {
		int v = 0;
		if (sqlite__user_version(q->db, &v) || v == 0) {
			rc = GLOVED_ENOTFOUND; /* no schema: the database was never created */
			goto out;
		}
	}
	rc = GLOVED_OK;
out:
	if (rc) {
		if (q->db)
			fprintf(stderr, "store: %s: %s\n", path,
				q->err[0] ? q->err : sqlite3_errmsg(q->db));
		sq_close(&q->base);
		return rc;
	}
	*out = &q->base;
	return GLOVED_OK;
}

static int sq_schema_version(store *s, int *out)
{
	return sqlite__user_version(((sq *)s)->db, out);
}

int sqlite__simple(sq *q, const char *sql)
{
	int rc = sqlite3_exec(q->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? GLOVED_OK : sqlite__fail(q, rc);
}

static int sq_begin(store *s)
{
	return sqlite__simple((sq *)s, "BEGIN IMMEDIATE");
}

static int sq_commit(store *s)
{
	return sqlite__simple((sq *)s, "COMMIT");
}

static int sq_rollback(store *s)
{
	return sqlite__simple((sq *)s, "ROLLBACK");
}

static int sq_read_begin(store *s)
{
	return sqlite__simple((sq *)s, "BEGIN");
}

static int sq_read_end(store *s)
{
	return sqlite__simple((sq *)s, "COMMIT");
}

/* ---- statement helpers (sqlite_int.h) ---- */

sqlite3_stmt *sqlite__cached(sq *q, const char *sql)
{
	int free_slot = -1;
	for (int i = 0; i < SQ_CACHE; i++) {
		if (q->cache_sql[i] == sql)
			return q->cache_st[i];
		if (!q->cache_sql[i] && free_slot < 0)
			free_slot = i;
	}
	sqlite3_stmt *st = sqlite__prep(q, sql);
	if (st && free_slot >= 0) {
		q->cache_sql[free_slot] = sql;
		q->cache_st[free_slot] = st;
	}
	return st;
}

void sqlite__release(sq *q, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (int i = 0; i < SQ_CACHE; i++) {
		if (q->cache_st[i] == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	}
	sqlite3_finalize(st);
}

sqlite3_stmt *sqlite__hot(sq *q, int i, const char *sql)
{
	if (!q->hot[i])
		q->hot[i] = sqlite__prep(q, sql);
	return q->hot[i];
}

int sqlite__run(sq *q, sqlite3_stmt *st)
{
	if (!st)
		return GLOVED_EDB;
	int rc = sqlite3_step(st);
	int r = rc == SQLITE_DONE || rc == SQLITE_ROW ? GLOVED_OK : sqlite__fail(q, rc);
	sqlite__release(q, st);
	return r;
}

int sqlite__step_hot(sq *q, sqlite3_stmt *st)
{
	if (!st)
		return GLOVED_EDB;
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? GLOVED_OK : sqlite__fail(q, rc);
}

int sqlite__rows(sq *q, sqlite3_stmt *st, size_t elem, sqlite__row_fn row, void **out, size_t *n)
{
	void *arr = NULL;
	size_t len = 0, cap = 0;
	int rc = GLOVED_EDB, step;
	*out = NULL;
	*n = 0;
	if (!st)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		void *dst = store__grow(&arr, &len, &cap, elem);
		if (!dst) {
			rc = GLOVED_ENOMEM;
			goto out;
		}
		if ((rc = row(st, dst)) != GLOVED_OK)
			goto out;
	}
	if (step != SQLITE_DONE) {
		rc = sqlite__fail(q, step);
		goto out;
	}
	*out = arr;
	*n = len;
	arr = NULL;
	rc = GLOVED_OK;
out:
	sqlite__release(q, st);
	free(arr);
	return rc;
}

int sqlite__one(sq *q, sqlite3_stmt *st, void *dst, sqlite__row_fn row)
{
	if (!st)
		return GLOVED_EDB;
	int rc = sqlite3_step(st), r = GLOVED_ENOTFOUND;
	if (rc == SQLITE_ROW)
		r = row(st, dst);
	else if (rc != SQLITE_DONE)
		r = sqlite__fail(q, rc);
	sqlite__release(q, st);
	return r;
}

int sqlite__scope_ok(store_scope sc, int64_t enterprise_id)
{
	return sc.enterprise_id == 0 || sc.enterprise_id == enterprise_id;
}

int64_t sqlite__read_ent(store_scope sc, int64_t enterprise_id)
{
	if (sc.enterprise_id && enterprise_id && sc.enterprise_id != enterprise_id)
		return -1;
	return enterprise_id ? enterprise_id : sc.enterprise_id;
}

/* A row of a firm's table by id (by_id binds it as ?1) or by the firm
 * and code (by_code binds ?2, ?3), into out (`size` bytes, zeroed first)
 * through row(). GLOVED_ENOTFOUND when there is none, nothing to look up
 * by, or the row belongs to another firm than the one asked for (its
 * enterprise_id is at offset ent_off of out). */
int sqlite__get_by_id_or_code(sq *q, store_scope sc, int64_t enterprise_id, const char *code,
			      int64_t id, const char *by_id, const char *by_code, void *out,
			      size_t size, size_t ent_off, sqlite__row_fn row)
{
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0 || (!id && (!ent || !code)))
		return GLOVED_ENOTFOUND;
	sqlite3_stmt *st = sqlite__cached(q, id ? by_id : by_code);
	if (st && id)
		sqlite3_bind_int64(st, 1, id);
	else if (st) {
		sqlite3_bind_int64(st, 2, ent);
		sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
	}
	memset(out, 0, size);
	int rc = sqlite__one(q, st, out, row);
	int64_t row_ent;
	memcpy(&row_ent, (const char *)out + ent_off, sizeof row_ent);
	if (!rc && ent && row_ent != ent)
		rc = GLOVED_ENOTFOUND;
	return rc;
}

/* The rows of one firm's table (firm binds the firm as ?1) or, for the
 * cluster, of every firm (all). */
int sqlite__firm_rows(sq *q, store_scope sc, int64_t enterprise_id, const char *all,
		      const char *firm, size_t elem, sqlite__row_fn row, void **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	sqlite3_stmt *st = sqlite__cached(q, ent ? firm : all);
	if (st && ent)
		sqlite3_bind_int64(st, 1, ent);
	return sqlite__rows(q, st, elem, row, out, n);
}

static const store_ops sqlite_ops = {
    .version = STORE_CORE_VERSION,
    .name = "sqlite",
    .close = sq_close,
    .errmsg = sq_errmsg,
    .schema_version = sq_schema_version,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .read_begin = sq_read_begin,
    .read_end = sq_read_end,
};
