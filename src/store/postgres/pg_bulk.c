/* SPDX-License-Identifier: Apache-2.0 */
/* pg_bulk.c: the catalogue and whole tables of a PostgreSQL database
 * (store/bulk.h), the target side of `gloved admin copy`. The catalogue
 * (tables, columns, identities, foreign keys) comes from pg_class,
 * pg_attribute and pg_constraint of the connection's schema, two fixed
 * statements prepared once as every other. Rows are loaded with COPY ...
 * FROM STDIN in binary format (PQputCopyData: no value is ever SQL text or
 * escaped) and read back in single-row mode with binary results. COPY, a
 * table's SELECT, count and DELETE name the table and its columns in their
 * text, so they are built per table and run unprepared: the names come
 * from this catalogue, are checked (store_bulk_name_ok) and quoted as
 * identifiers. */
#include "store/postgres/pg_int.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char cols_sql[] =
    "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod),"
    " (a.attidentity <> '')::int"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
    " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
    " AND c.relname <> 'schema_version'"
    " ORDER BY c.relname::text COLLATE \"C\", a.attnum";
static const char refs_sql[] =
    "SELECT DISTINCT c.relname::text, p.relname::text FROM pg_constraint k"
    " JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE k.contype = 'f' AND n.nspname = current_schema()";
static const char ids_sql[] =
    "SELECT setval(pg_get_serial_sequence(quote_ident($1), $2), GREATEST($3::bigint, 1),"
    " $3::bigint > 0) IS NOT NULL";

/* The size of the buffer a load sends in one PQputCopyData. */
#define PG_LOAD_CHUNK (256 * 1024)

struct pg_load {
	int n_cols;
	store_col_kind kind[STORE_BULK_COLS];
	char *buf;
	size_t len, cap;
	int failed; /* a PQputCopyData failed: the load is abandoned at its end */
};

void pg__load_free(pgc *q)
{
	if (!q->load)
		return;
	free(q->load->buf);
	free(q->load);
	q->load = NULL;
}

static store_col_kind kind_of(const char *type)
{
	if (strcmp(type, "bigint") == 0)
		return STORE_COL_INT;
	if (strcmp(type, "text") == 0)
		return STORE_COL_TEXT;
	if (strcmp(type, "bytea") == 0)
		return STORE_COL_BLOB;
	return STORE_COL_OTHER;
}

static int bad_name(pgc *q, const char *what, const char *name)
{
	snprintf(q->err, sizeof q->err, "%s name '%.64s' is not one the copy can quote", what,
		 name);
	return GLOVED_EINVAL;
}

static int add_refs(pgc *q, store_bulk_table *ts, size_t n)
{
	int rc;
	PGresult *r = pg__exec(q, refs_sql, NULL, &rc);
	if (!r)
		return rc;
	for (int row = 0; row < PQntuples(r) && !rc; row++) {
		const char *child = PQgetvalue(r, row, 0);
		for (size_t i = 0; i < n; i++) {
			if (strcmp(ts[i].name, child) != 0)
				continue;
			if (ts[i].n_refs >= STORE_BULK_REFS) {
				snprintf(q->err, sizeof q->err,
					 "table %s names more than %d tables", ts[i].name,
					 STORE_BULK_REFS);
				rc = GLOVED_EINVAL;
				break;
			}
			pg__text(r, row, 1, ts[i].refs[ts[i].n_refs], STORE_BULK_NAME);
			ts[i].n_refs++;
		}
	}
	PQclear(r);
	return rc;
}

static int pg_bulk_tables(store *s, store_bulk_table **out, size_t *n)
{
	pgc *q = (pgc *)s;
	*out = NULL;
	*n = 0;
	store_bulk_table *ts = NULL, *t = NULL;
	size_t cnt = 0, cap = 0;
	int rc;
	PGresult *r = pg__exec(q, cols_sql, NULL, &rc);
	if (!r)
		return rc;
	for (int row = 0; row < PQntuples(r) && !rc; row++) {
		const char *table = PQgetvalue(r, row, 0), *col = PQgetvalue(r, row, 1);
		if (!store_bulk_name_ok(table)) {
			rc = bad_name(q, "a table", table);
			break;
		}
		if (!store_bulk_name_ok(col)) {
			rc = bad_name(q, "a column", col);
			break;
		}
		if (!t || strcmp(t->name, table) != 0) {
			if (!(t = store__grow((void **)&ts, &cnt, &cap, sizeof *ts))) {
				rc = GLOVED_ENOMEM;
				break;
			}
			snprintf(t->name, sizeof t->name, "%s", table);
		}
		if (t->n_cols >= STORE_BULK_COLS) {
			snprintf(q->err, sizeof q->err, "table %s has more than %d columns", table,
				 STORE_BULK_COLS);
			rc = GLOVED_EINVAL;
			break;
		}
		store_bulk_column *c = &t->col[t->n_cols++];
		snprintf(c->name, sizeof c->name, "%s", col);
		pg__text(r, row, 2, c->type, sizeof c->type);
		c->kind = kind_of(c->type);
		c->identity = pg__int(r, row, 3) != 0;
	}
	PQclear(r);
	if (!rc)
		rc = add_refs(q, ts, cnt);
	if (rc) {
		free(ts);
		return rc;
	}
	*out = ts;
	*n = cnt;
	return GLOVED_OK;
}

static int64_t be64(const char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | (unsigned char)p[i];
	return (int64_t)v;
}

/* One row of a binary result into v; GLOVED_EINVAL for an integer that is
 * not 8 bytes (a column that is not bigint). */
static int decode_row(pgc *q, const store_bulk_table *t, const PGresult *r, store_value *v)
{
	for (int i = 0; i < t->n_cols; i++) {
		memset(&v[i], 0, sizeof v[i]);
		if (PQgetisnull(r, 0, i))
			continue;
		const char *p = PQgetvalue(r, 0, i);
		size_t len = (size_t)PQgetlength(r, 0, i);
		if (t->col[i].kind == STORE_COL_INT) {
			if (len != 8) {
				snprintf(q->err, sizeof q->err, "table %s, column %s: not a bigint",
					 t->name, t->col[i].name);
				return GLOVED_EINVAL;
			}
			v[i].type = STORE_VAL_INT;
			v[i].i = be64(p);
		} else {
			v[i].type =
			    t->col[i].kind == STORE_COL_TEXT ? STORE_VAL_TEXT : STORE_VAL_BLOB;
			v[i].p = p;
			v[i].len = len;
		}
	}
	return GLOVED_OK;
}

static int pg_bulk_rows(store *s, const store_bulk_table *t, store_bulk_row_fn fn, void *arg)
{
	pgc *q = (pgc *)s;
	char *sql = malloc(STORE__BULK_SQL);
	store_value *v = calloc(STORE_BULK_COLS, sizeof *v);
	size_t len = 0;
	int rc = GLOVED_ENOMEM;
	if (!sql || !v)
		goto out;
	len = (size_t)snprintf(sql, STORE__BULK_SQL, "SELECT ");
	if (store__bulk_cols(t, sql, STORE__BULK_SQL, &len) ||
	    (size_t)snprintf(sql + len, STORE__BULK_SQL - len, " FROM \"%s\"", t->name) >=
		STORE__BULK_SQL - len) {
		rc = bad_name(q, "a table's or column", t->name);
		goto out;
	}
	if (!PQsendQueryParams(q->conn, sql, 0, NULL, NULL, NULL, NULL, 1)) {
		rc = pg__fail(q, NULL, 0);
		goto out;
	}
	PQsetSingleRowMode(q->conn);
	rc = GLOVED_OK;
	PGresult *r;
	/* every result is taken, also after an error, so that the connection
	 * is ready for the next statement */
	while ((r = PQgetResult(q->conn))) {
		ExecStatusType st = PQresultStatus(r);
		if (st == PGRES_SINGLE_TUPLE) {
			if (!rc && !(rc = decode_row(q, t, r, v)))
				rc = fn(arg, v, t->n_cols);
			PQclear(r);
		} else if (st == PGRES_TUPLES_OK) {
			PQclear(r);
		} else if (!rc) {
			rc = pg__fail(q, r, 0);
		} else {
			PQclear(r);
		}
	}
out:
	free(sql);
	free(v);
	return rc;
}

/* Runs the text of one table's statement (built here from checked names),
 * unprepared: its result, or NULL with *rc set. */
static PGresult *run_text(pgc *q, const char *sql, ExecStatusType want, int *rc)
{
	PGresult *r = PQexec(q->conn, sql);
	if (!r || PQresultStatus(r) != want) {
		*rc = pg__fail(q, r, 0);
		return NULL;
	}
	*rc = GLOVED_OK;
	return r;
}

static int pg_bulk_count(store *s, const char *table, int64_t *n)
{
	pgc *q = (pgc *)s;
	*n = 0;
	if (!store_bulk_name_ok(table))
		return bad_name(q, "a table", table ? table : "");
	char sql[32 + STORE_BULK_NAME];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
	int rc;
	PGresult *r = run_text(q, sql, PGRES_TUPLES_OK, &rc);
	if (!r)
		return rc;
	*n = pg__i64(r, 0, 0);
	PQclear(r);
	return GLOVED_OK;
}

static int pg_bulk_clear(store *s, const char *table)
{
	pgc *q = (pgc *)s;
	if (!store_bulk_name_ok(table))
		return bad_name(q, "a table", table ? table : "");
	char sql[32 + STORE_BULK_NAME];
	snprintf(sql, sizeof sql, "DELETE FROM \"%s\"", table);
	int rc;
	PGresult *r = run_text(q, sql, PGRES_COMMAND_OK, &rc);
	PQclear(r);
	return rc;
}

/* Makes room for `more` bytes in the load's buffer. */
static int load_room(struct pg_load *l, size_t more)
{
	if (l->len + more <= l->cap)
		return 0;
	size_t cap = l->cap ? l->cap : PG_LOAD_CHUNK;
	while (cap < l->len + more) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	char *b = realloc(l->buf, cap);
	if (!b)
		return -1;
	l->buf = b;
	l->cap = cap;
	return 0;
}

static void put_be(struct pg_load *l, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--)
		l->buf[l->len++] = (char)(v >> (8 * i));
}

static int load_flush(pgc *q, struct pg_load *l)
{
	if (l->len && !l->failed && PQputCopyData(q->conn, l->buf, (int)l->len) != 1) {
		l->failed = 1;
		snprintf(q->err, sizeof q->err, "%s", PQerrorMessage(q->conn));
	}
	l->len = 0;
	return l->failed ? GLOVED_EIO : GLOVED_OK;
}

static int pg_bulk_load_begin(store *s, const store_bulk_table *t)
{
	pgc *q = (pgc *)s;
	if (q->load) {
		snprintf(q->err, sizeof q->err, "a bulk load is already under way");
		return GLOVED_EINVAL;
	}
	char *sql = malloc(STORE__BULK_SQL);
	struct pg_load *l = calloc(1, sizeof *l);
	int rc = GLOVED_ENOMEM;
	if (!sql || !l || load_room(l, 19))
		goto out;
	size_t len = (size_t)snprintf(sql, STORE__BULK_SQL, "COPY \"%s\" (", t->name);
	if (!store_bulk_name_ok(t->name) || store__bulk_cols(t, sql, STORE__BULK_SQL, &len) ||
	    (size_t)snprintf(sql + len, STORE__BULK_SQL - len, ") FROM STDIN (FORMAT binary)") >=
		STORE__BULK_SQL - len) {
		rc = bad_name(q, "a table's or column", t->name);
		goto out;
	}
	PGresult *r = run_text(q, sql, PGRES_COPY_IN, &rc);
	if (!r)
		goto out;
	PQclear(r);
	l->n_cols = t->n_cols;
	for (int i = 0; i < t->n_cols; i++)
		l->kind[i] = t->col[i].kind;
	/* the binary format's header: signature, flags, extension length */
	memcpy(l->buf, "PGCOPY\n\377\r\n\0", 11);
	l->len = 11;
	put_be(l, 0, 4);
	put_be(l, 0, 4);
	q->load = l;
	l = NULL;
	rc = GLOVED_OK;
out:
	if (l) {
		free(l->buf);
		free(l);
	}
	free(sql);
	return rc;
}

static int pg_bulk_load_row(store *s, const store_value *v, int n)
{
	pgc *q = (pgc *)s;
	struct pg_load *l = q->load;
	if (!l || n != l->n_cols) {
		snprintf(q->err, sizeof q->err, "a row of %d values for a load of %d columns", n,
			 l ? l->n_cols : 0);
		return GLOVED_EINVAL;
	}
	size_t need = 2;
	for (int i = 0; i < n; i++) {
		int ok = v[i].type == STORE_VAL_NULL ||
			 (l->kind[i] == STORE_COL_INT && v[i].type == STORE_VAL_INT) ||
			 (l->kind[i] == STORE_COL_TEXT && v[i].type == STORE_VAL_TEXT) ||
			 (l->kind[i] == STORE_COL_BLOB && v[i].type == STORE_VAL_BLOB);
		if (!ok || (v[i].type >= STORE_VAL_TEXT && v[i].len > 0x3fffffff)) {
			snprintf(q->err, sizeof q->err,
				 "value %d of a row is not of its column's kind", i + 1);
			return GLOVED_EINVAL;
		}
		need += 4 + (v[i].type == STORE_VAL_INT ? 8 : v[i].type ? v[i].len : 0);
	}
	if (load_room(l, need)) {
		snprintf(q->err, sizeof q->err, "out of memory");
		return GLOVED_ENOMEM;
	}
	put_be(l, (uint64_t)n, 2);
	for (int i = 0; i < n; i++) {
		if (v[i].type == STORE_VAL_NULL) {
			put_be(l, 0xffffffffu, 4);
		} else if (v[i].type == STORE_VAL_INT) {
			put_be(l, 8, 4);
			put_be(l, (uint64_t)v[i].i, 8);
		} else {
			put_be(l, v[i].len, 4);
			if (v[i].len)
				memcpy(l->buf + l->len, v[i].p, v[i].len);
			l->len += v[i].len;
		}
	}
	return l->len >= PG_LOAD_CHUNK ? load_flush(q, l) : GLOVED_OK;
}

static int pg_bulk_load_end(store *s, int ok)
{
	pgc *q = (pgc *)s;
	struct pg_load *l = q->load;
	if (!l) {
		snprintf(q->err, sizeof q->err, "no bulk load under way");
		return GLOVED_EINVAL;
	}
	int rc = GLOVED_OK, send = ok && !l->failed;
	if (send) {
		if (load_room(l, 2)) {
			snprintf(q->err, sizeof q->err, "out of memory");
			rc = GLOVED_ENOMEM;
		} else {
			put_be(l, 0xffff, 2); /* the trailer */
			rc = load_flush(q, l);
		}
	}
	/* an abandoned load keeps the caller's reason as the error, not the
	 * server's echo of it */
	if (PQputCopyEnd(q->conn, send && !rc ? NULL : "the copy was abandoned") != 1 && send &&
	    !rc)
		rc = pg__fail(q, NULL, 0);
	PGresult *r;
	while ((r = PQgetResult(q->conn))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && send && !rc)
			rc = pg__fail(q, r, 0);
		else
			PQclear(r);
	}
	pg__load_free(q);
	return ok ? rc : GLOVED_OK;
}

static int pg_bulk_ids_set(store *s, const char *table, const char *column, int64_t max)
{
	pgc *q = (pgc *)s;
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, table);
	pg__p_text(&p, column);
	pg__p_i64(&p, max);
	int rc;
	PGresult *r = pg__exec(q, ids_sql, &p, &rc);
	if (!r)
		return rc;
	int set = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (!set) {
		snprintf(q->err, sizeof q->err, "%s.%s has no identity sequence", table, column);
		return GLOVED_ENOTFOUND;
	}
	return GLOVED_OK;
}

const store_bulk_ops pg__bulk_ops = {
    .version = STORE_BULK_VERSION,
    .tables = pg_bulk_tables,
    .rows = pg_bulk_rows,
    .count = pg_bulk_count,
    .load_begin = pg_bulk_load_begin,
    .load_row = pg_bulk_load_row,
    .load_end = pg_bulk_load_end,
    .clear = pg_bulk_clear,
    .ids_set = pg_bulk_ids_set,
};
