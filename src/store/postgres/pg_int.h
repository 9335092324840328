/* SPDX-License-Identifier: Apache-2.0 */
/* pg_int.h: shared between the PostgreSQL backend's files: the connection
 * struct, the parameter list every statement binds, the statement helpers
 * (prepared once per connection by name, run, one row, a list of rows) and
 * the capability tables each file defines. pg.c is the connection core,
 * pg_migrations.c the schema; pg_registry.c, pg_auth.c, pg_samples.c,
 * pg_analytics.c, pg_sewn.c, pg_quality.c, pg_brand.c, pg_cluster.c and pg_coop.c each fill one
 * capability table (store/<cap>.h), the next files port the others. Capabilities not ported yet
 * stay NULL in the connection, so their calls answer GLOVED_ENOTSUP. */
#ifndef GLOVED_STORE_PG_INT_H
#define GLOVED_STORE_PG_INT_H

#include "store/store_int.h"

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

/* Statements of fixed text prepared once per connection (pg__stmt): the
 * slot of a text (keyed by its address, a string literal) names it
 * "g<slot>" on the server. Room for every statement of every capability
 * (registry to coop already use about 160; past the last slot one runs
 * unnamed, prepared on every use). */
#define PG_STMTS 512

/* Parameters of one statement: at most PG_PARAMS (many rows go in as
 * arrays, one parameter per column: pg__arr_*). Integers are sent as decimal text
 * kept in num[]; texts point at the caller's strings (they must live until
 * the statement ran); binary values (bytea) go in binary format. */
#define PG_PARAMS 200
#define PG_NUM    24

typedef struct pg_params {
	int n;
	int overflow; /* a value did not fit: the statement is not run */
	const char *val[PG_PARAMS];
	int len[PG_PARAMS];
	int fmt[PG_PARAMS];
	char num[PG_PARAMS][PG_NUM];
} pg_params;

/* Reconnecting a lost connection (pg__reconnect): the first attempt at
 * once, then after PG_BACKOFF_MIN_MS doubling to PG_BACKOFF_MAX_MS between
 * failed attempts; a call in between answers GLOVED_EIO at once. */
#define PG_BACKOFF_MIN_MS 100
#define PG_BACKOFF_MAX_MS 5000

/* The connection. One thread uses it at a time (the writer's, or a reader
 * taken from a pool), so its reconnect state needs no lock and a reconnect
 * blocks only its own thread. */
enum { PG_CLAIM_NONE = 0, PG_CLAIM_EXCLUSIVE = 1, PG_CLAIM_SHARED = 2 };

typedef struct pgc {
	store base;
	PGconn *conn;
	const char *stmt_sql[PG_STMTS]; /* prepared on conn: forgotten when it is lost */
	int64_t parts_month;            /* the month (year * 12 + month - 1) whose
					 * partitions were last made sure of, 0 none */
	struct pg_load *load;           /* a bulk load under way (pg_bulk.c), freed by close */
	char err[256];
	int claimed;    /* PG_CLAIM_*: store_claim or store_claim_shared took the session
			 * lock: taken again on reconnect */
	int claim_pid;  /* the server process of the session that holds it */
	int claim_lost; /* someone else holds it now: every call answers GLOVED_ECLAIMED */
	int down;       /* the connection was lost and is not re-established yet */
	int tx_lost;    /* a transaction went with it: only its end is accepted */
	int lost_now;   /* the statement being run found the connection lost */
	int setting_up; /* session_setup runs: a lost connection is not retried in it */
	PGTransactionStatusType was; /* the transaction state before that statement */
	int64_t retry_ms;            /* monotonic time of the next reconnect attempt */
	int64_t backoff_ms;          /* the wait after the next failed attempt */
} pgc;

/* The capability tables (one per file). */
extern const store_registry_ops pg__registry_ops;
extern const store_auth_ops pg__auth_ops;
extern const store_samples_ops pg__samples_ops;
extern const store_cluster_ops pg__cluster_ops;
extern const store_coop_ops pg__coop_ops;
extern const store_analytics_ops pg__analytics_ops;
extern const store_brand_ops pg__brand_ops;
extern const store_sewn_ops pg__sewn_ops;
extern const store_quality_ops pg__quality_ops;
extern const store_bulk_ops pg__bulk_ops;

/* Parameters: pg__p_init empties p; the others append one value. */
void pg__p_init(pg_params *p);
void pg__p_i64(pg_params *p, int64_t v);
/* s is not copied; NULL binds SQL NULL. */
void pg__p_text(pg_params *p, const char *s);
void pg__p_bin(pg_params *p, const void *data, size_t len);
void pg__p_null(pg_params *p);

/* Keeps the text of r (or of the connection) as the connection's error and
 * maps its SQLSTATE to a gloved_err: unique or check violation
 * GLOVED_EEXIST, foreign key GLOVED_ENOTFOUND... (`fk_notfound` 0: a foreign
 * key violation is GLOVED_EEXIST too, as SQLite answers), serialization
 * failure or deadlock GLOVED_EBUSY, a lost connection GLOVED_EIO, else
 * GLOVED_EDB. A lost connection (CONNECTION_BAD, SQLSTATE class 08, 57P01,
 * 57P02, 57P03) is also marked down: its prepared statements are forgotten,
 * a transaction open on it is lost (q->tx_lost), and the next call
 * reconnects (pg__reconnect). Clears r. */
int pg__fail(pgc *q, PGresult *r, int fk_notfound);
/* Re-establishes a lost connection (PQreset) and re-runs the session setup
 * every connection had: its settings and, when store_claim took it, the
 * claim. Backs off between failed attempts (PG_BACKOFF_MIN_MS..MAX_MS): a
 * call before the next attempt is due answers GLOVED_EIO without trying.
 * GLOVED_ECLAIMED when another session took the claim meanwhile: the
 * connection is then closed for good. */
int pg__reconnect(pgc *q);

/* Runs statement sql (a string literal: prepared on its first use on this
 * connection, by name, then executed by name) with parameters p. Returns
 * the result (PGRES_TUPLES_OK or PGRES_COMMAND_OK) for the caller to
 * PQclear, or NULL with *rc set (pg__fail) on any error. */
PGresult *pg__exec(pgc *q, const char *sql, const pg_params *p, int *rc);
/* As pg__exec for a statement whose result is not read: GLOVED_OK or the
 * error. `guard` 1: inside a transaction the statement runs under a
 * savepoint, so that a refused write (a duplicate) leaves the transaction
 * usable, as in SQLite. *affected (may be NULL) gets the rows changed. */
int pg__run(pgc *q, const char *sql, const pg_params *p, int guard, int64_t *affected);
/* An INSERT ... RETURNING id, guarded as pg__run: the id into *id. */
int pg__insert_id(pgc *q, const char *sql, const pg_params *p, int64_t *id);
/* pg__exec guarded as pg__run (a write whose RETURNING rows are read):
 * the result for the caller to PQclear, or NULL with *rc set. */
PGresult *pg__exec_guarded(pgc *q, const char *sql, const pg_params *p, int *rc);
/* Runs fixed text without parameters (transaction control, the schema). */
int pg__simple(pgc *q, const char *sql);

/* Column accessors of row `row` of r. */
int64_t pg__i64(const PGresult *r, int row, int col);
int pg__int(const PGresult *r, int row, int col);
/* Copies the text into dst (n bytes, truncated, always ended). */
void pg__text(const PGresult *r, int row, int col, char *dst, size_t n);
/* Inside a row reader (r, row in scope): column i into the char array f. */
#define TEXT(i, f) pg__text(r, row, i, f, sizeof f)

/* A row decoder: fills one zeroed result element dst from row `row` of r. */
typedef int (*pg__row_fn)(const PGresult *r, int row, void *dst);
/* Every row of the statement into a malloc'd array of `elem`-byte
 * elements through row(), in row order, growing geometrically
 * (store__realloc). On any error frees what it allocated and leaves *out
 * NULL and *n 0. The caller frees *out. */
int pg__rows(pgc *q, const char *sql, const pg_params *p, size_t elem, pg__row_fn row, void **out,
	     size_t *n);
/* The first row into dst through row(): GLOVED_ENOTFOUND when there is none. */
int pg__one(pgc *q, const char *sql, const pg_params *p, void *dst, pg__row_fn row);

/* Whether a write for enterprise_id is inside scope sc. */
int pg__scope_ok(store_scope sc, int64_t enterprise_id);

/* ---- shared by the sewn and quality files (as sqlite_int.h's) ---- */

/* The firm a read is about: enterprise_id, else the scope's; -1 when the
 * scope is another firm's (the read sees nothing). */
int64_t pg__read_ent(store_scope sc, int64_t enterprise_id);
/* A firm's row by id (by_id binds $1 = id) or by the firm and code
 * (by_code binds $1 = firm, $2 = code) into out (`size` bytes, zeroed
 * first) through row(). GLOVED_ENOTFOUND when there is none, nothing to
 * look up by, or the row is another firm's than the one asked for (its
 * enterprise_id at offset ent_off of out). */
int pg__get_by_id_or_code(pgc *q, store_scope sc, int64_t enterprise_id, const char *code,
			  int64_t id, const char *by_id, const char *by_code, void *out,
			  size_t size, size_t ent_off, pg__row_fn row);
/* The rows of one firm (firm binds $1 = the firm) or, for the cluster, of
 * every firm (all, no parameters); nothing for another firm's scope. */
int pg__firm_rows(pgc *q, store_scope sc, int64_t enterprise_id, const char *all, const char *firm,
		  size_t elem, pg__row_fn row, void **out, size_t *n);

/* A store_bundle's columns and their row decoder (pg_sewn.c; the quality
 * file reads a lot's bundles through it). */
#define PG_BUNDLE_COLS "id, enterprise_id, order_id, cut_id, no, size, pairs, household_id, out_ms"
int pg__bundle_row(const PGresult *r, int row, void *dst);

/* A store_stop's columns and their row decoder (pg_analytics.c; the
 * writer's machine state reads stops through it, pg_samples.c). */
#define PG_STOP_COLS                                                                               \
	"machine_id, enterprise_id, workshop_id, start, \"end\", state, reason, supervisor"
int pg__stop_row(const PGresult *r, int row, void *dst);

/* An array value in PostgreSQL's text form ({1,2} or {"a","b"}), bound
 * as ONE parameter ($n::bigint[], $n::text[]) of a fixed statement that
 * unnests it: a multi-row insert of any number of rows in one statement.
 * Texts are quoted and their quotes and backslashes escaped; nothing of it
 * is ever SQL text. An array starts zeroed (pg_arr a = {0}); each value
 * appends one element; pg__arr_end closes it and returns the text (owned by
 * a, valid until pg__arr_free), NULL when memory ran out. */
typedef struct pg_arr {
	char *buf;
	size_t len, cap;
	int n, oom;
} pg_arr;
void pg__arr_i64(pg_arr *a, int64_t v);
void pg__arr_text(pg_arr *a, const char *s);
const char *pg__arr_end(pg_arr *a);
void pg__arr_free(pg_arr *a);
/* Ends the n arrays a[0..n-1] and appends each to p as one text parameter
 * (NULL for one that ran out of memory): GLOVED_OK, or GLOVED_ENOMEM when
 * any did. */
int pg__p_arrays(pg_params *p, pg_arr *a, int n);
/* Runs sql with the na arrays a[] as its parameters $1..$na (nothing
 * else), then frees them: one statement of many rows. */
int pg__run_arrays(pgc *q, const char *sql, pg_arr *a, int na);
/* Rows per such statement on the ingest path. */
#define PG_MANY 1000

/* Frees a bulk load left under way (pg_bulk.c; close calls it). */
void pg__load_free(pgc *q);

/* Brings the schema to the newest version (pg_migrations.c): each step in
 * its own transaction under an advisory lock; refuses a database newer
 * than this binary. */
int pg__migrate(pgc *q);
/* As pg__migrate, stopping at version upto (tests: a database as an older
 * gloved left it). */
int pg__migrate_to(pgc *q, int upto);
/* The schema version of the database (0: none). */
int pg__schema_version(pgc *q, int *out);

#endif
