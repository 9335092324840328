/* SPDX-License-Identifier: Apache-2.0 */
/* bulk.h: the schema's own catalogue and whole tables, for moving a
 * database to another backend (store/copy.h, `gloved admin copy`). A backend
 * lists its tables with their columns (a kind each: integer, text, bytes),
 * identity columns and the tables their foreign keys name, reads every row
 * of a table as plain values, counts a table's rows, and (a backend that
 * can be a copy's target) loads rows in bulk, empties a table and sets an
 * identity's next value. Everything is driven by the catalogue: a table
 * added by a later migration is listed, read and loaded without a change
 * here. Table and column names come from the catalogue only, are checked
 * (store_bulk_name_ok) and quoted as identifiers; values are never SQL
 * text. */
#ifndef GLOVED_STORE_BULK_H
#define GLOVED_STORE_BULK_H

#include <stddef.h>
#include <stdint.h>

typedef struct store store;

#define STORE_BULK_NAME 64 /* a table's or column's name, with its NUL */
#define STORE_BULK_COLS 64 /* columns of one table */
#define STORE_BULK_REFS 16 /* tables one table's foreign keys name */

/* What a column holds, from its declared type: INTEGER / bigint, TEXT /
 * text, BLOB / bytea; anything else is STORE_COL_OTHER (a copy refuses
 * it rather than guess). */
typedef enum store_col_kind {
	STORE_COL_OTHER = 0,
	STORE_COL_INT,
	STORE_COL_TEXT,
	STORE_COL_BLOB
} store_col_kind;

typedef struct store_bulk_column {
	char name[STORE_BULK_NAME];
	char type[32]; /* the declared type, for messages */
	store_col_kind kind;
	int identity; /* 1: the table's generated id (SQLite's rowid alias) */
} store_bulk_column;

typedef struct store_bulk_table {
	char name[STORE_BULK_NAME];
	int n_cols;
	store_bulk_column col[STORE_BULK_COLS];
	int n_refs; /* distinct tables its foreign keys name (itself included) */
	char refs[STORE_BULK_REFS][STORE_BULK_NAME];
} store_bulk_table;

/* One value of a row. Texts and bytes point into the backend's buffers,
 * valid during the row callback only. */
typedef enum store_val_type {
	STORE_VAL_NULL = 0,
	STORE_VAL_INT,
	STORE_VAL_TEXT,
	STORE_VAL_BLOB
} store_val_type;

typedef struct store_value {
	store_val_type type;
	int64_t i;     /* STORE_VAL_INT */
	const void *p; /* STORE_VAL_TEXT, STORE_VAL_BLOB: len bytes (a text is not ended) */
	size_t len;
} store_value;

/* Called once per row with its n values in the order of the table's
 * columns; a non-zero return stops the read and is what the read returns. */
typedef int (*store_bulk_row_fn)(void *arg, const store_value *v, int n);

/* 1 when name may be a table's or column's name here: 1..63 of a-z A-Z
 * 0-9 _, not starting with a digit (what the schema uses; a name outside
 * that is refused rather than quoted cleverly). */
int store_bulk_name_ok(const char *name);

/* The tables of the gloved schema on s, ordered by name, into a malloc'd
 * array the caller frees; the backend's own bookkeeping (SQLite's
 * sqlite_* tables, PostgreSQL's schema_version) is left out. GLOVED_EINVAL
 * (with the reason in store_errmsg) for a table the limits above cannot
 * describe. On error *out is NULL and *n 0. */
int store_bulk_tables(store *s, store_bulk_table **out, size_t *n);
/* Every row of table t, the columns t lists (by name, in that order), in
 * no particular order, through fn(arg, ...). A value the kinds above
 * cannot carry (SQLite's REAL) is GLOVED_EINVAL. Returns GLOVED_OK, fn's
 * non-zero return, or the error. */
int store_bulk_rows(store *s, const store_bulk_table *t, store_bulk_row_fn fn, void *arg);
/* The number of rows of table `table` into *n. */
int store_bulk_count(store *s, const char *table, int64_t *n);

/* ---- the target's side (PostgreSQL), inside the caller's transaction ---- */

/* Starts a bulk load of rows into the columns t lists (in that order);
 * one load at a time per connection. */
int store_bulk_load_begin(store *s, const store_bulk_table *t);
/* One row of n values, each already of its column's kind (or NULL). */
int store_bulk_load_row(store *s, const store_value *v, int n);
/* Ends the load: ok 1 sends it (the server's refusal, a foreign key or a
 * text that is not UTF-8, comes back here), 0 abandons it. */
int store_bulk_load_end(store *s, int ok);
/* Deletes every row of table `table` (a table the target's own migrations
 * seed, replaced by the source's rows). */
int store_bulk_clear(store *s, const char *table);
/* Sets the identity of table.column so that the next generated id is
 * max + 1 (1 when max is 0: an empty table). */
int store_bulk_ids_set(store *s, const char *table, const char *column, int64_t max);

/* ---- the backend table ----
 * Same rule as every capability: `version` first, new calls appended and
 * STORE_BULK_VERSION raised, wrappers refuse an older table. Version 1:
 * every call above. A backend that cannot be a target leaves the load
 * calls NULL (GLOVED_ENOTSUP). */
#define STORE_BULK_VERSION 1

typedef struct store_bulk_ops {
	int version;
	int (*tables)(store *s, store_bulk_table **out, size_t *n);
	int (*rows)(store *s, const store_bulk_table *t, store_bulk_row_fn fn, void *arg);
	int (*count)(store *s, const char *table, int64_t *n);
	int (*load_begin)(store *s, const store_bulk_table *t);
	int (*load_row)(store *s, const store_value *v, int n);
	int (*load_end)(store *s, int ok);
	int (*clear)(store *s, const char *table);
	int (*ids_set)(store *s, const char *table, const char *column, int64_t max);
} store_bulk_ops;

#endif
