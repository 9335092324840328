/* SPDX-License-Identifier: Apache-2.0 */
/* sqlite_int.h: shared between the SQLite backend's files: the connection
 * struct, the statement helpers every file uses (prepare, cache, step,
 * errors, one row, a list of rows) and the capability tables each file
 * defines. sqlite.c is the connection core, migrations.c the schema;
 * sqlite_registry.c, sqlite_auth.c, sqlite_samples.c, sqlite_analytics.c
 * and sqlite_sewn.c each fill one capability table (store/<cap>.h). */
#ifndef GLOVED_STORE_SQLITE_INT_H
#define GLOVED_STORE_SQLITE_INT_H

#include "store/store_int.h"

#include <sqlite3.h>
#include <stddef.h>

/* Hot statements: prepared once per connection on first use and kept
 * (sqlite__hot); the ingest path and the shift rollups. */
enum {
	SQ_HOT_SAMPLE_INSERT,
	SQ_HOT_SAMPLE_UPDATE,
	SQ_HOT_ROLLUP_MIN,
	SQ_HOT_ROLLUP_HOUR,
	SQ_HOT_ROLLUP_DAY,
	SQ_HOT_LIVE_PUT,
	SQ_HOT_SHIFT,
	SQ_HOT_SHIFT_REASON,
	SQ_HOT_SHIFT_WORKER,
	SQ_HOT_STOP,
	SQ_HOT_SAMPLE_INSERT_RUN, /* SQ_RUN rows in one statement */
	SQ_HOT_ROLLUP_MIN_RUN,
	SQ_HOT_ROLLUP_HOUR_RUN,
	SQ_HOT_ROLLUP_DAY_RUN,
	SQ_HOT_COUNT
};

/* Rows per multi-row statement of the ingest path: a statement's own cost
 * (step, halt, reset) then counts once per run instead of once per row. */
#define SQ_RUN 16

/* Statements of fixed text prepared once (sqlite__cached). */
#define SQ_CACHE 192

/* The connection. */
typedef struct sq {
	store base;
	sqlite3 *db;
	sqlite3_stmt *hot[SQ_HOT_COUNT];
	/* keyed by the text's address (string literals) */
	const char *cache_sql[SQ_CACHE];
	sqlite3_stmt *cache_st[SQ_CACHE];
	char err[256];
} sq;

/* The capability tables (one per file). */
extern const store_registry_ops sqlite__registry_ops;
extern const store_auth_ops sqlite__auth_ops;
extern const store_samples_ops sqlite__samples_ops;
extern const store_analytics_ops sqlite__analytics_ops;
extern const store_sewn_ops sqlite__sewn_ops;
extern const store_quality_ops sqlite__quality_ops;
extern const store_brand_ops sqlite__brand_ops;
extern const store_cluster_ops sqlite__cluster_ops;
extern const store_coop_ops sqlite__coop_ops;
extern const store_bulk_ops sqlite__bulk_ops;

/* Runs sql; on error writes the message to err. */
int sqlite__exec(sqlite3 *db, const char *sql, char *err, size_t errlen);
/* Several statements that a refusal must leave unchanged, as one (a style
 * and its routing, a lot and its bundles): under a savepoint, inside the
 * caller's transaction or (outside one) as a transaction of their own.
 * sqlite__unit_end(q, rc) releases it when rc is GLOVED_OK, else rolls it
 * back keeping the error text, and returns rc or the release's error. The
 * PostgreSQL backend writes these as one statement (docs/internals/store.md). */
int sqlite__unit_begin(sq *q);
int sqlite__unit_end(sq *q, int rc);
/* Brings the schema to the newest version, one transaction per step. */
int sqlite__migrate(sqlite3 *db, char *err, size_t errlen);
int sqlite__user_version(sqlite3 *db, int *out);

/* Keeps the connection's error text and maps an SQLite result code to a
 * gloved_err (constraint: GLOVED_EEXIST, busy: GLOVED_EBUSY, ...). */
int sqlite__fail(sq *q, int rc);
/* Prepares sql (NULL on error, the text kept in q->err). */
sqlite3_stmt *sqlite__prep(sq *q, const char *sql);
/* A statement of fixed text (a string literal: cached by its address),
 * prepared on first use; give it back with sqlite__release, which resets a
 * cached statement and finalizes any other (NULL is fine). */
sqlite3_stmt *sqlite__cached(sq *q, const char *sql);
void sqlite__release(sq *q, sqlite3_stmt *st);
/* Hot statement i of text sql, prepared on the first call (NULL on error). */
sqlite3_stmt *sqlite__hot(sq *q, int i, const char *sql);
/* Steps st once and gives it back (sqlite__release); NULL st is
 * GLOVED_EDB (its prepare failed). */
int sqlite__run(sq *q, sqlite3_stmt *st);
/* Steps a hot statement once to completion, resets it and clears its
 * bindings. */
int sqlite__step_hot(sq *q, sqlite3_stmt *st);
/* Runs sql without parameters on the connection. */
int sqlite__simple(sq *q, const char *sql);
/* Copies text column col into dst (n bytes, truncated, always ended). */
void sqlite__text_col(sqlite3_stmt *st, int col, char *dst, size_t n);

/* A row decoder: fills one result element dst (zeroed before the call)
 * from the statement's current row; GLOVED_OK or an error that stops the
 * read. */
typedef int (*sqlite__row_fn)(sqlite3_stmt *st, void *dst);
/* Steps st over all its rows into a malloc'd array of `elem`-byte
 * elements, one decoded by row() each, in row order; the array grows
 * geometrically. Gives st back (sqlite__release) in every case. On any
 * error (NULL st: GLOVED_EDB, an SQLite error, an error of row(),
 * GLOVED_ENOMEM, a size that would overflow) frees what it allocated and
 * leaves *out NULL and *n 0. The caller frees *out. */
int sqlite__rows(sq *q, sqlite3_stmt *st, size_t elem, sqlite__row_fn row, void **out, size_t *n);
/* The first row of st into dst through row(): GLOVED_ENOTFOUND when there
 * is none. Gives st back; NULL st is GLOVED_EDB. */
int sqlite__one(sq *q, sqlite3_stmt *st, void *dst, sqlite__row_fn row);

/* Whether a write for enterprise_id is inside scope sc. */
int sqlite__scope_ok(store_scope sc, int64_t enterprise_id);
/* The firm a read is about: enterprise_id, else the scope's; -1 when
 * they name different firms (nothing to see). */
int64_t sqlite__read_ent(store_scope sc, int64_t enterprise_id);

/* A row of a firm's table by id (by_id binds it as ?1) or by the firm and
 * code (by_code binds ?2, ?3), into out (`size` bytes, zeroed first)
 * through row(). GLOVED_ENOTFOUND when there is none, nothing to look up
 * by, or the row belongs to another firm than the one asked for (its
 * enterprise_id is at offset ent_off of out). */
int sqlite__get_by_id_or_code(sq *q, store_scope sc, int64_t enterprise_id, const char *code,
			      int64_t id, const char *by_id, const char *by_code, void *out,
			      size_t size, size_t ent_off, sqlite__row_fn row);
/* The rows of one firm's table (firm binds the firm as ?1) or, for the
 * cluster, of every firm (all), into a list as sqlite__rows. */
int sqlite__firm_rows(sq *q, store_scope sc, int64_t enterprise_id, const char *all,
		      const char *firm, size_t elem, sqlite__row_fn row, void **out, size_t *n);

/* The row decoder of a store_bundle from the columns of SQLITE_BUNDLE_COLS
 * (sqlite_sewn.c; the quality file reads a lot's bundles with it). */
#define SQLITE_BUNDLE_COLS                                                                         \
	"id, enterprise_id, order_id, cut_id, no, size, pairs, household_id, out_ms"
int sqlite__bundle_row(sqlite3_stmt *st, void *dst);

#endif
