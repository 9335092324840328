/* SPDX-License-Identifier: Apache-2.0 */
/* store_int.h: what sits behind store.h; only src/store/ (and the store's
 * unit tests) include this. A connection is a `struct store`: the backend's
 * connection core (open, close, transactions) and one pointer per
 * capability table (registry.h, auth.h, samples.h, analytics.h, sewn.h,
 * quality.h, brand.h, cluster.h, coop.h, bulk.h),
 * NULL when the backend lacks that capability. A backend embeds `store` as
 * the first member of its own connection struct and fills the pointers in
 * its open. The wrappers (store.c, store_<capability>.c) check a table and
 * its version before every call: see docs/internals/store.md. */
#ifndef GLOVED_STORE_INT_H
#define GLOVED_STORE_INT_H

#include "store/store.h"

#include <stddef.h>

/* The connection core; every backend has it. Same version rule as the
 * capability tables. */
#define STORE_CORE_VERSION 3 /* 2: claim; 3: claim_shared, listen, wait_notify */

typedef struct store_ops {
	int version;
	const char *name;
	void (*close)(store *s);
	const char *(*errmsg)(store *s);
	int (*schema_version)(store *s, int *out);
	int (*begin)(store *s);
	int (*commit)(store *s);
	int (*rollback)(store *s);
	int (*read_begin)(store *s);
	int (*read_end)(store *s);
	/* version 2 */
	int (*claim)(store *s);
	/* version 3 */
	int (*claim_shared)(store *s);
	int (*listen)(store *s);
	int (*wait_notify)(store *s, int timeout_ms, int (*cb)(void *ctx, const char *payload),
			   void *ctx);
} store_ops;

struct store {
	const store_ops *ops;
	const store_registry_ops *registry;
	const store_auth_ops *auth;
	const store_samples_ops *samples;
	const store_analytics_ops *analytics;
	const store_sewn_ops *sewn;
	const store_quality_ops *quality;
	const store_brand_ops *brand;
	const store_cluster_ops *cluster;
	const store_coop_ops *coop;
	const store_bulk_ops *bulk; /* the catalogue and whole tables (store/bulk.h) */
};

/* The table `cap` of connection s when it holds call `fn`, added in table
 * version `v`: NULL when the connection has no such table, the table is
 * older than v, or the backend left fn out. The version is read before
 * the member, so a shorter (older) table is never read past its end. */
#define STORE__OPS(s, cap, v, fn)                                                                  \
	((s) && (s)->cap && (s)->cap->version >= (v) && (s)->cap->fn ? (s)->cap : NULL)

/* What a wrapper returns for a call the connection's backend does not
 * have: GLOVED_ENOTSUP. The _list form also clears a list's *out and *n
 * (either may be NULL), so a caller that frees *out on error is safe. */
int store__enotsup(store *s);
int store__enotsup_list(store *s, void **out, size_t *n);
/* What a wrapper of a call that returns a firm's private records answers
 * an aggregates-only scope (store_scope.aggregates): GLOVED_EPERM, the
 * list form clearing *out and *n. The refusal of the sharing rules lives
 * here, below every caller. */
int store__private_list(store *s, void **out, size_t *n);
#define STORE__PRIVATE(sc) ((sc).aggregates != 0)

/* realloc for the backends' result arrays, with a hook for tests: after
 * store__fail_alloc_after(k), the k+1-th call from then on fails (returns
 * NULL, like an exhausted heap) and every later one succeeds again; k < 0
 * turns the hook off. Used by sqlite__rows; off by default. */
void *store__realloc(void *p, size_t size);
/* Appends one zeroed element to a malloc'd array of *n of *cap elements of
 * elem bytes, doubling it (from 16) through store__realloc when full;
 * returns the new element, or NULL (the array unchanged) when memory or
 * the size runs out. The backends' row lists use it. */
void *store__grow(void **arr, size_t *n, size_t *cap, size_t elem);
void store__fail_alloc_after(long k);

/* Room for a bulk statement's text (store/bulk.h): every column's quoted
 * name and the table's. */
#define STORE__BULK_SQL (128 + (STORE_BULK_COLS + 1) * (STORE_BULK_NAME + 4))
/* Writes the list `"c1", "c2", ...` of t's columns at dst + *len (cap bytes in all) and advances
 * *len: 0, or -1 when a table or column name is not store_bulk_name_ok or the text does not fit.
 * The names need no escaping once checked; quoting them keeps keywords (stop_event's "end") names.
 */
int store__bulk_cols(const store_bulk_table *t, char *dst, size_t cap, size_t *len);

/* The SQLite backend's open. */
int store__sqlite_open(const char *path, store_mode mode, const store_options *opt, store **out);
/* The PostgreSQL backend's open (postgres/pg.c): uri is a libpq connection
 * URI (postgresql://user@host:port/db). */
int store__pg_open(const char *uri, store_mode mode, const store_options *opt, store **out);
/* Tests only: empties the PostgreSQL database of uri (drops and recreates
 * its public schema), so that a test starts from nothing. */
int store__pg_reset(const char *uri);
/* Tests only: sets the schema version recorded in the PostgreSQL database
 * of uri (to try a database newer than the binary). */
int store__pg_set_version(const char *uri, int version);
/* Tests only: migrates the PostgreSQL database of uri up to schema
 * `version` and no further (a database as an older gloved left it). */
int store__pg_migrate_to(const char *uri, int version);

#endif
