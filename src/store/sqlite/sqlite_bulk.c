/* SPDX-License-Identifier: Apache-2.0 */
/* sqlite_bulk.c: the catalogue and whole tables of an SQLite database
 * (store/bulk.h), the source side of `gloved admin copy`. The catalogue
 * comes from sqlite_master and the table-valued pragmas (table_info,
 * foreign_key_list), with the table's name bound as a parameter. Reading a
 * table's rows and counting them needs its name in the SQL text: the names
 * come from that catalogue, are checked (store_bulk_name_ok) and quoted as
 * identifiers; no value is ever part of a statement. SQLite is not a
 * target (the load calls are left out: GLOVED_ENOTSUP). */
#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char tables_sql[] = "SELECT name FROM sqlite_master WHERE type = 'table'"
				 " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
static const char cols_sql[] = "SELECT name, type, pk FROM pragma_table_info(?1) ORDER BY cid";
static const char pks_sql[] = "SELECT count(*) FROM pragma_table_info(?1) WHERE pk > 0";
static const char has_col_sql[] = "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2";
static const char refs_sql[] =
    "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1) ORDER BY 1";

static store_col_kind kind_of(const char *type)
{
	if (sqlite3_stricmp(type, "INTEGER") == 0)
		return STORE_COL_INT;
	if (sqlite3_stricmp(type, "TEXT") == 0)
		return STORE_COL_TEXT;
	if (sqlite3_stricmp(type, "BLOB") == 0)
		return STORE_COL_BLOB;
	return STORE_COL_OTHER;
}

static int bad_name(sq *q, const char *what, const char *name)
{
	snprintf(q->err, sizeof q->err, "%s name '%.64s' is not one the copy can quote", what,
		 name);
	return GLOVED_EINVAL;
}

/* The columns and foreign keys of table t->name. */
static int describe(sq *q, store_bulk_table *t)
{
	int rc = GLOVED_OK, npk = 0;
	sqlite3_stmt *st = sqlite__cached(q, pks_sql);
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		npk = sqlite3_column_int(st, 0);
	sqlite__release(q, st);
	if (!(st = sqlite__cached(q, cols_sql)))
		return GLOVED_EDB;
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (t->n_cols >= STORE_BULK_COLS) {
			snprintf(q->err, sizeof q->err, "table %s has more than %d columns",
				 t->name, STORE_BULK_COLS);
			rc = GLOVED_EINVAL;
		} else if (!store_bulk_name_ok(name)) {
			rc = bad_name(q, "a column", name ? name : "");
		} else {
			store_bulk_column *c = &t->col[t->n_cols++];
			snprintf(c->name, sizeof c->name, "%s", name);
			sqlite__text_col(st, 1, c->type, sizeof c->type);
			c->kind = kind_of(c->type);
			/* the rowid alias: the one key column, declared INTEGER */
			c->identity =
			    npk == 1 && sqlite3_column_int(st, 2) == 1 && c->kind == STORE_COL_INT;
		}
	}
	if (!rc && s != SQLITE_DONE)
		rc = sqlite__fail(q, s);
	sqlite__release(q, st);
	if (rc)
		return rc;
	if (!(st = sqlite__cached(q, refs_sql)))
		return GLOVED_EDB;
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (t->n_refs >= STORE_BULK_REFS) {
			snprintf(q->err, sizeof q->err, "table %s names more than %d tables",
				 t->name, STORE_BULK_REFS);
			rc = GLOVED_EINVAL;
		} else {
			sqlite__text_col(st, 0, t->refs[t->n_refs], STORE_BULK_NAME);
			t->n_refs++;
		}
	}
	if (!rc && s != SQLITE_DONE)
		rc = sqlite__fail(q, s);
	sqlite__release(q, st);
	return rc;
}

static int sq_bulk_tables(store *s, store_bulk_table **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	store_bulk_table *ts = NULL;
	size_t cnt = 0, cap = 0;
	int rc = GLOVED_OK, st_rc = SQLITE_DONE;
	sqlite3_stmt *st = sqlite__cached(q, tables_sql);
	if (!st)
		return GLOVED_EDB;
	while (!rc && (st_rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (!store_bulk_name_ok(name)) {
			rc = bad_name(q, "a table", name ? name : "");
			break;
		}
		store_bulk_table *t = store__grow((void **)&ts, &cnt, &cap, sizeof *ts);
		if (!t) {
			rc = GLOVED_ENOMEM;
			break;
		}
		snprintf(t->name, sizeof t->name, "%s", name);
	}
	if (!rc && st_rc != SQLITE_DONE)
		rc = sqlite__fail(q, st_rc);
	sqlite__release(q, st);
	for (size_t i = 0; i < cnt && !rc; i++)
		rc = describe(q, &ts[i]);
	if (rc) {
		free(ts);
		return rc;
	}
	*out = ts;
	*n = cnt;
	return GLOVED_OK;
}

/* 1 when table has the column: a double-quoted name SQLite cannot resolve
 * would otherwise be read as a string literal. */
static int has_column(sq *q, const char *table, const char *column)
{
	sqlite3_stmt *st = sqlite__cached(q, has_col_sql);
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
	int ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite__release(q, st);
	return ok;
}

static int sq_bulk_rows(store *s, const store_bulk_table *t, store_bulk_row_fn fn, void *arg)
{
	sq *q = (sq *)s;
	size_t cap = STORE__BULK_SQL, len = 0;
	char *sql = malloc(cap);
	store_value *v = calloc((size_t)(t->n_cols ? t->n_cols : 1), sizeof *v);
	sqlite3_stmt *st = NULL;
	int rc = GLOVED_ENOMEM;
	if (!sql || !v)
		goto out;
	rc = GLOVED_EINVAL;
	len = (size_t)snprintf(sql, cap, "SELECT ");
	if (store__bulk_cols(t, sql, cap, &len) ||
	    (size_t)snprintf(sql + len, cap - len, " FROM \"%s\"", t->name) >= cap - len) {
		bad_name(q, "a table's or column", t->name);
		goto out;
	}
	for (int i = 0; i < t->n_cols; i++) {
		if (!has_column(q, t->name, t->col[i].name)) {
			snprintf(q->err, sizeof q->err, "table %s has no column %s", t->name,
				 t->col[i].name);
			goto out;
		}
	}
	if (!(st = sqlite__prep(q, sql))) {
		rc = GLOVED_EDB;
		goto out;
	}
	int s_rc = SQLITE_DONE;
	rc = GLOVED_OK;
	while (!rc && (s_rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < t->n_cols; i++) {
			memset(&v[i], 0, sizeof v[i]);
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER:
				v[i].type = STORE_VAL_INT;
				v[i].i = sqlite3_column_int64(st, i);
				break;
			case SQLITE_TEXT:
				v[i].type = STORE_VAL_TEXT;
				v[i].p = sqlite3_column_text(st, i);
				v[i].len = (size_t)sqlite3_column_bytes(st, i);
				break;
			case SQLITE_BLOB:
				v[i].type = STORE_VAL_BLOB;
				v[i].p = sqlite3_column_blob(st, i);
				v[i].len = (size_t)sqlite3_column_bytes(st, i);
				if (!v[i].p)
					v[i].p = "";
				break;
			case SQLITE_NULL:
				break;
			default:
				snprintf(q->err, sizeof q->err,
					 "table %s, column %s: a real number, which the copy "
					 "does not carry",
					 t->name, t->col[i].name);
				rc = GLOVED_EINVAL;
			}
			if (rc)
				break;
		}
		if (!rc)
			rc = fn(arg, v, t->n_cols);
	}
	if (!rc && s_rc != SQLITE_DONE)
		rc = sqlite__fail(q, s_rc);
out:
	sqlite3_finalize(st);
	free(sql);
	free(v);
	return rc;
}

static int sq_bulk_count(store *s, const char *table, int64_t *n)
{
	sq *q = (sq *)s;
	*n = 0;
	if (!store_bulk_name_ok(table))
		return bad_name(q, "a table", table ? table : "");
	char sql[32 + STORE_BULK_NAME];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
	sqlite3_stmt *st = sqlite__prep(q, sql);
	if (!st)
		return GLOVED_EDB;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		rc = GLOVED_OK;
	} else {
		rc = sqlite__fail(q, rc);
	}
	sqlite3_finalize(st);
	return rc;
}

const store_bulk_ops sqlite__bulk_ops = {
    .version = STORE_BULK_VERSION,
    .tables = sq_bulk_tables,
    .rows = sq_bulk_rows,
    .count = sq_bulk_count,
    .load_begin = NULL,
    .load_row = NULL,
    .load_end = NULL,
    .clear = NULL,
    .ids_set = NULL,
};
