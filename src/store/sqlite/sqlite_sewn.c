/* SPDX-License-Identifier: Apache-2.0 */
/* sqlite_sewn.c: the SQLite side of store/sewn.h. A scan and its rollups
 * (pairs per order and operation, per operation and day, per worker or
 * household, day and rate) are written by one call in the caller's
 * transaction, so they never disagree. A style and its routing, an order
 * and its lines, a machine's assignment and the closing of the one before
 * are each written under a savepoint (sqlite__unit_begin), so a refused
 * call changes nothing, as on PostgreSQL. Reads filter by the scope's
 * enterprise in SQL. */
#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT(i, f) sqlite__text_col(st, i, f, sizeof f)

/* Frees a list whose per-element loading failed (rc != 0). */
static int drop_on_error(int rc, void **out, size_t *n)
{
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- styles ---- */

static int style_row(sqlite3_stmt *st, void *dst)
{
	store_style *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	TEXT(2, x->code);
	TEXT(3, x->name);
	TEXT(4, x->category);
	TEXT(5, x->family);
	TEXT(6, x->materials);
	TEXT(7, x->sizes);
	return GLOVED_OK;
}

static int load_ops(sq *q, store_style *x)
{
	sqlite3_stmt *st = sqlite__cached(q, "SELECT seq, code, name, smv_c, rate_y4 FROM style_op"
					     " WHERE style_id = ? ORDER BY seq");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->id);
	int rc;
	x->n_ops = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && x->n_ops < STORE_MAX_OPS) {
		store_style_op *o = &x->ops[x->n_ops++];
		o->seq = sqlite3_column_int(st, 0);
		TEXT(1, o->code);
		TEXT(2, o->name);
		o->smv_c = sqlite3_column_int64(st, 3);
		o->rate_y4 = sqlite3_column_int64(st, 4);
	}
	sqlite__release(q, st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? GLOVED_OK : sqlite__fail(q, rc);
}

#define STYLE_COLS "id, enterprise_id, code, name, category, family, materials, sizes"

static int sn_style_add_one(store *s, store_scope sc, store_style *x)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, x->enterprise_id))
		return GLOVED_EPERM;
	sqlite3_stmt *st =
	    sqlite__cached(q, "INSERT INTO style(enterprise_id, code, name, category,"
			      " family, materials, sizes) VALUES(?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	sqlite3_bind_text(st, 2, x->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, x->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, x->category, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, x->family, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, x->materials, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, x->sizes, -1, SQLITE_STATIC);
	int rc = sqlite__run(q, st);
	if (rc)
		return rc;
	x->id = sqlite3_last_insert_rowid(q->db);
	for (int32_t i = 0; i < x->n_ops && !rc; i++) {
		store_style_op *o = &x->ops[i];
		o->seq = i + 1;
		st = sqlite__cached(
		    q, "INSERT INTO style_op(style_id, seq, code, name, smv_c, rate_y4)"
		       " VALUES(?,?,?,?,?,?)");
		if (!st)
			return GLOVED_EDB;
		sqlite3_bind_int64(st, 1, x->id);
		sqlite3_bind_int(st, 2, o->seq);
		sqlite3_bind_text(st, 3, o->code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, o->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, o->smv_c);
		sqlite3_bind_int64(st, 6, o->rate_y4);
		rc = sqlite__run(q, st);
	}
	return rc;
}

/* The style and its routing, or (refused) neither. */
static int sn_style_add(store *s, store_scope sc, store_style *x)
{
	sq *q = (sq *)s;
	int rc = sqlite__unit_begin(q);
	return rc ? rc : sqlite__unit_end(q, sn_style_add_one(s, sc, x));
}

static int sn_style_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			int64_t id, store_style *out)
{
	static const char by_id[] = "SELECT " STYLE_COLS " FROM style WHERE id = ?1";
	static const char by_code[] = "SELECT " STYLE_COLS " FROM style WHERE enterprise_id = ?2"
				      " AND code = ?3";
	sq *q = (sq *)s;
	int rc =
	    sqlite__get_by_id_or_code(q, sc, enterprise_id, code, id, by_id, by_code, out,
				      sizeof *out, offsetof(store_style, enterprise_id), style_row);
	return rc ? rc : load_ops(q, out);
}

static int sn_style_list(store *s, store_scope sc, int64_t enterprise_id, store_style **out,
			 size_t *n)
{
	static const char all[] = "SELECT " STYLE_COLS " FROM style ORDER BY enterprise_id, code";
	static const char firm[] = "SELECT " STYLE_COLS " FROM style WHERE enterprise_id = ?1"
				   " ORDER BY code";
	sq *q = (sq *)s;
	int rc = sqlite__firm_rows(q, sc, enterprise_id, all, firm, sizeof **out, style_row,
				   (void **)out, n);
	for (size_t i = 0; i < *n && !rc; i++)
		rc = load_ops(q, &(*out)[i]);
	return drop_on_error(rc, (void **)out, n);
}

/* ---- orders ---- */

static int order_row(sqlite3_stmt *st, void *dst)
{
	store_order *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	x->style_id = sqlite3_column_int64(st, 2);
	TEXT(3, x->code);
	TEXT(4, x->buyer);
	TEXT(5, x->unit);
	TEXT(6, x->status);
	x->due_day = sqlite3_column_int(st, 7);
	x->created_ms = sqlite3_column_int64(st, 8);
	return GLOVED_OK;
}

static int load_lines(sq *q, store_order *x)
{
	sqlite3_stmt *st = sqlite__cached(q, "SELECT size, pairs FROM order_line WHERE order_id = ?"
					     " ORDER BY CAST(size AS INTEGER), size");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->id);
	int rc;
	x->n_lines = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && x->n_lines < STORE_MAX_SIZES) {
		store_order_line *l = &x->lines[x->n_lines++];
		TEXT(0, l->size);
		l->pairs = sqlite3_column_int64(st, 1);
	}
	sqlite__release(q, st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? GLOVED_OK : sqlite__fail(q, rc);
}

#define ORDER_COLS "id, enterprise_id, style_id, code, buyer, unit, status, due_day, created_ms"

static int sn_order_add_one(store *s, store_scope sc, store_order *x)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, x->enterprise_id))
		return GLOVED_EPERM;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT INTO prod_order(enterprise_id, code, buyer,"
					     " style_id, due_day, unit, status, created_ms)"
					     " VALUES(?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	sqlite3_bind_text(st, 2, x->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, x->buyer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, x->style_id);
	sqlite3_bind_int(st, 5, x->due_day);
	sqlite3_bind_text(st, 6, x->unit, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, x->status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, x->created_ms);
	int rc = sqlite__run(q, st);
	if (rc)
		return rc;
	x->id = sqlite3_last_insert_rowid(q->db);
	for (int32_t i = 0; i < x->n_lines && !rc; i++) {
		st = sqlite__cached(q,
				    "INSERT INTO order_line(order_id, size, pairs) VALUES(?,?,?)");
		if (!st)
			return GLOVED_EDB;
		sqlite3_bind_int64(st, 1, x->id);
		sqlite3_bind_text(st, 2, x->lines[i].size, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, x->lines[i].pairs);
		rc = sqlite__run(q, st);
	}
	return rc;
}

/* The order and its lines, or (refused, as a size given twice) neither. */
static int sn_order_add(store *s, store_scope sc, store_order *x)
{
	sq *q = (sq *)s;
	int rc = sqlite__unit_begin(q);
	return rc ? rc : sqlite__unit_end(q, sn_order_add_one(s, sc, x));
}

static int sn_order_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			int64_t id, store_order *out)
{
	static const char by_id[] = "SELECT " ORDER_COLS " FROM prod_order WHERE id = ?1";
	static const char by_code[] = "SELECT " ORDER_COLS " FROM prod_order WHERE"
				      " enterprise_id = ?2 AND code = ?3";
	sq *q = (sq *)s;
	int rc =
	    sqlite__get_by_id_or_code(q, sc, enterprise_id, code, id, by_id, by_code, out,
				      sizeof *out, offsetof(store_order, enterprise_id), order_row);
	return rc ? rc : load_lines(q, out);
}

static int sn_order_list(store *s, store_scope sc, int64_t enterprise_id, const char *status,
			 store_order **out, size_t *n)
{
	static const char all[] = "SELECT " ORDER_COLS " FROM prod_order WHERE (?3 IS NULL OR"
				  " status = ?3) ORDER BY created_ms DESC, id DESC LIMIT 5000";
	static const char firm[] = "SELECT " ORDER_COLS " FROM prod_order WHERE enterprise_id = ?1"
				   " AND (?3 IS NULL OR status = ?3)"
				   " ORDER BY created_ms DESC, id DESC LIMIT 5000";
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	sqlite3_stmt *st = sqlite__cached(q, ent ? firm : all);
	if (st) {
		if (ent)
			sqlite3_bind_int64(st, 1, ent);
		if (status && *status)
			sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
	}
	int rc = sqlite__rows(q, st, sizeof **out, order_row, (void **)out, n);
	for (size_t i = 0; i < *n && !rc; i++)
		rc = load_lines(q, &(*out)[i]);
	return drop_on_error(rc, (void **)out, n);
}

static int sn_order_set_status(store *s, int64_t order_id, const char *status)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "UPDATE prod_order SET status = ? WHERE id = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, order_id);
	return sqlite__run(q, st);
}

/* ---- cuts and bundles ---- */

static int sn_cut_add(store *s, int64_t order_id, int64_t enterprise_id, int32_t bundle_size,
		      int64_t now_ms, int64_t *cut_id)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT INTO cut(order_id, enterprise_id, bundle_size,"
					     " created_ms) VALUES(?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	sqlite3_bind_int64(st, 2, enterprise_id);
	sqlite3_bind_int(st, 3, bundle_size);
	sqlite3_bind_int64(st, 4, now_ms);
	int rc = sqlite__run(q, st);
	if (!rc)
		*cut_id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int sn_cut_pairs(store *s, int64_t order_id, store_order_line *out, int32_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT size, sum(pairs) FROM bundle WHERE order_id = ?"
			      " GROUP BY size");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	int rc;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < STORE_MAX_SIZES) {
		TEXT(0, out[*n].size);
		out[*n].pairs = sqlite3_column_int64(st, 1);
		(*n)++;
	}
	sqlite__release(q, st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? GLOVED_OK : sqlite__fail(q, rc);
}

static int sn_bundle_next_no(store *s, int64_t order_id, int32_t *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT coalesce(max(no), 0) + 1 FROM bundle WHERE order_id = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 1;
	sqlite__release(q, st);
	return rc == SQLITE_ROW ? GLOVED_OK : sqlite__fail(q, rc);
}

static int sn_bundle_add(store *s, store_bundle *b)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "INSERT INTO bundle(enterprise_id, order_id, cut_id, no,"
			      " size, pairs) VALUES(?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, b->enterprise_id);
	sqlite3_bind_int64(st, 2, b->order_id);
	sqlite3_bind_int64(st, 3, b->cut_id);
	sqlite3_bind_int(st, 4, b->no);
	sqlite3_bind_text(st, 5, b->size, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, b->pairs);
	int rc = sqlite__run(q, st);
	if (!rc)
		b->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

int sqlite__bundle_row(sqlite3_stmt *st, void *dst)
{
	store_bundle *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	x->order_id = sqlite3_column_int64(st, 2);
	x->cut_id = sqlite3_column_int64(st, 3);
	x->no = sqlite3_column_int(st, 4);
	TEXT(5, x->size);
	x->pairs = sqlite3_column_int64(st, 6);
	x->household_id = sqlite3_column_int64(st, 7);
	x->out_ms = sqlite3_column_int64(st, 8);
	return GLOVED_OK;
}

#define BUNDLE_COLS SQLITE_BUNDLE_COLS

static int sn_bundle_get(store *s, int64_t id, store_bundle *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " BUNDLE_COLS " FROM bundle WHERE id = ?");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	return sqlite__one(q, st, out, sqlite__bundle_row);
}

static int sn_bundle_list(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
			  int64_t cut_id, int64_t bundle_id, size_t limit, store_bundle **out,
			  size_t *n)
{
	/* each by its key: the bundle, the cut's index, the order's (order, no) */
	static const char by_id[] = "SELECT " BUNDLE_COLS " FROM bundle WHERE id = ?5"
				    " AND (?3 = 0 OR order_id = ?3) AND (?4 = 0 OR cut_id = ?4)"
				    " AND (?1 = 0 OR enterprise_id = ?1) LIMIT ?6";
	static const char by_cut[] =
	    "SELECT " BUNDLE_COLS " FROM bundle WHERE cut_id = ?4"
	    " AND (?3 = 0 OR order_id = ?3) AND (?1 = 0 OR enterprise_id = ?1)"
	    " ORDER BY order_id, no LIMIT ?6";
	static const char by_order[] = "SELECT " BUNDLE_COLS " FROM bundle WHERE order_id = ?3"
				       " AND (?1 = 0 OR enterprise_id = ?1) ORDER BY no LIMIT ?6";
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0 || (!bundle_id && !cut_id && !order_id))
		return GLOVED_OK;
	sqlite3_stmt *st = sqlite__cached(q, bundle_id ? by_id : cut_id ? by_cut : by_order);
	if (st) {
		sqlite3_bind_int64(st, 1, ent);
		sqlite3_bind_int64(st, 3, order_id);
		sqlite3_bind_int64(st, 4, cut_id);
		sqlite3_bind_int64(st, 5, bundle_id);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)limit);
	}
	return sqlite__rows(q, st, sizeof **out, sqlite__bundle_row, (void **)out, n);
}

static int sn_bundle_set_out(store *s, int64_t bundle_id, int64_t household_id, int64_t out_ms)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "UPDATE bundle SET household_id = ?, out_ms = ? WHERE id = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, household_id);
	sqlite3_bind_int64(st, 2, out_ms);
	sqlite3_bind_int64(st, 3, bundle_id);
	return sqlite__run(q, st);
}

static int sn_bundle_set_pairs(store *s, int64_t bundle_id, int64_t pairs)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "UPDATE bundle SET pairs = ? WHERE id = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, pairs);
	sqlite3_bind_int64(st, 2, bundle_id);
	return sqlite__run(q, st);
}

static int sn_bundles_out(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
			  store_bundle **out, size_t *n)
{
	static const char all[] = "SELECT " BUNDLE_COLS " FROM bundle WHERE household_id > 0"
				  " ORDER BY out_ms";
	static const char firm[] = "SELECT " BUNDLE_COLS " FROM bundle WHERE enterprise_id = ?1"
				   " AND household_id > 0 ORDER BY out_ms";
	static const char order[] = "SELECT " BUNDLE_COLS " FROM bundle WHERE order_id = ?2"
				    " AND household_id > 0 AND (?1 = 0 OR enterprise_id = ?1)"
				    " ORDER BY out_ms";
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	sqlite3_stmt *st = sqlite__cached(q, order_id ? order : ent ? firm : all);
	if (st) {
		sqlite3_bind_int64(st, 1, ent);
		sqlite3_bind_int64(st, 2, order_id);
	}
	return sqlite__rows(q, st, sizeof **out, sqlite__bundle_row, (void **)out, n);
}

/* ---- households and dispatches ---- */

static int household_row(sqlite3_stmt *st, void *dst)
{
	store_household *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	TEXT(2, x->code);
	TEXT(3, x->name);
	TEXT(4, x->village);
	TEXT(5, x->phone);
	x->rate_pct = sqlite3_column_int(st, 6);
	return GLOVED_OK;
}

#define HOUSEHOLD_COLS "id, enterprise_id, code, name, village, phone, rate_pct"

static int sn_household_add(store *s, store_scope sc, store_household *h)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, h->enterprise_id))
		return GLOVED_EPERM;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT INTO household(enterprise_id, code, name,"
					     " village, phone, rate_pct) VALUES(?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, h->enterprise_id);
	sqlite3_bind_text(st, 2, h->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, h->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, h->village, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, h->phone, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, h->rate_pct);
	int rc = sqlite__run(q, st);
	if (!rc)
		h->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int sn_household_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			    int64_t id, store_household *out)
{
	static const char by_id[] = "SELECT " HOUSEHOLD_COLS " FROM household WHERE id = ?1";
	static const char by_code[] = "SELECT " HOUSEHOLD_COLS " FROM household WHERE"
				      " enterprise_id = ?2 AND code = ?3";
	return sqlite__get_by_id_or_code((sq *)s, sc, enterprise_id, code, id, by_id, by_code, out,
					 sizeof *out, offsetof(store_household, enterprise_id),
					 household_row);
}

static int sn_household_list(store *s, store_scope sc, int64_t enterprise_id, store_household **out,
			     size_t *n)
{
	static const char all[] = "SELECT " HOUSEHOLD_COLS " FROM household"
				  " ORDER BY enterprise_id, code";
	static const char firm[] = "SELECT " HOUSEHOLD_COLS " FROM household WHERE"
				   " enterprise_id = ?1 ORDER BY code";
	return sqlite__firm_rows((sq *)s, sc, enterprise_id, all, firm, sizeof **out, household_row,
				 (void **)out, n);
}

static int sn_dispatch_add(store *s, store_dispatch *d)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT INTO dispatch(bundle_id, household_id,"
					     " enterprise_id, ops, out_ms) VALUES(?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, d->bundle_id);
	sqlite3_bind_int64(st, 2, d->household_id);
	sqlite3_bind_int64(st, 3, d->enterprise_id);
	sqlite3_bind_text(st, 4, d->ops, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, d->out_ms);
	int rc = sqlite__run(q, st);
	if (!rc)
		d->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int dispatch_row(sqlite3_stmt *st, void *dst)
{
	store_dispatch *d = dst;
	d->id = sqlite3_column_int64(st, 0);
	d->bundle_id = sqlite3_column_int64(st, 1);
	d->household_id = sqlite3_column_int64(st, 2);
	d->enterprise_id = sqlite3_column_int64(st, 3);
	TEXT(4, d->ops);
	d->out_ms = sqlite3_column_int64(st, 5);
	d->back_ms = sqlite3_column_int64(st, 6);
	d->returned = sqlite3_column_int64(st, 7);
	d->missing = sqlite3_column_int64(st, 8);
	d->damaged = sqlite3_column_int64(st, 9);
	return GLOVED_OK;
}

static int sn_dispatch_open(store *s, int64_t bundle_id, store_dispatch *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT id, bundle_id, household_id, enterprise_id, ops,"
			      " out_ms, back_ms, returned, missing, damaged FROM dispatch"
			      " WHERE bundle_id = ? AND back_ms = 0 ORDER BY id DESC"
			      " LIMIT 1");
	if (st)
		sqlite3_bind_int64(st, 1, bundle_id);
	return sqlite__one(q, st, out, dispatch_row);
}

static int sn_dispatch_close(store *s, const store_dispatch *d)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "UPDATE dispatch SET back_ms = ?, returned = ?,"
					     " missing = ?, damaged = ? WHERE id = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, d->back_ms);
	sqlite3_bind_int64(st, 2, d->returned);
	sqlite3_bind_int64(st, 3, d->missing);
	sqlite3_bind_int64(st, 4, d->damaged);
	sqlite3_bind_int64(st, 5, d->id);
	return sqlite__run(q, st);
}

/* ---- scans ---- */

static int scan_row(sqlite3_stmt *st, void *dst)
{
	store_scan *x = dst;
	x->bundle_id = sqlite3_column_int64(st, 0);
	x->seq = sqlite3_column_int(st, 1);
	x->enterprise_id = sqlite3_column_int64(st, 2);
	x->order_id = sqlite3_column_int64(st, 3);
	x->ts_ms = sqlite3_column_int64(st, 4);
	TEXT(5, x->worker);
	x->household_id = sqlite3_column_int64(st, 6);
	x->pairs = sqlite3_column_int64(st, 7);
	x->rate_y4 = sqlite3_column_int64(st, 8);
	TEXT(9, x->scan_id);
	return GLOVED_OK;
}

#define SCAN_COLS                                                                                  \
	"bundle_id, seq, enterprise_id, order_id, ts, worker, household_id, pairs, rate_y4,"       \
	" coalesce(scan_id, '')"

static int sn_scan_get(store *s, int64_t bundle_id, int32_t seq, store_scan *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT " SCAN_COLS " FROM scan WHERE bundle_id = ? AND seq = ?");
	if (st) {
		sqlite3_bind_int64(st, 1, bundle_id);
		sqlite3_bind_int(st, 2, seq);
	}
	return sqlite__one(q, st, out, scan_row);
}

static int sn_scan_by_id(store *s, int64_t enterprise_id, const char *scan_id, store_scan *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT " SCAN_COLS " FROM scan WHERE enterprise_id = ?"
			      " AND scan_id = ?");
	if (st) {
		sqlite3_bind_int64(st, 1, enterprise_id);
		sqlite3_bind_text(st, 2, scan_id, -1, SQLITE_STATIC);
	}
	return sqlite__one(q, st, out, scan_row);
}

static int sn_scan_add(store *s, const store_scan *x, int32_t day)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT INTO scan(bundle_id, seq, enterprise_id,"
					     " order_id, ts, worker, household_id, pairs, rate_y4,"
					     " scan_id) VALUES(?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->bundle_id);
	sqlite3_bind_int(st, 2, x->seq);
	sqlite3_bind_int64(st, 3, x->enterprise_id);
	sqlite3_bind_int64(st, 4, x->order_id);
	sqlite3_bind_int64(st, 5, x->ts_ms);
	sqlite3_bind_text(st, 6, x->worker, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, x->household_id);
	sqlite3_bind_int64(st, 8, x->pairs);
	sqlite3_bind_int64(st, 9, x->rate_y4);
	if (x->scan_id[0])
		sqlite3_bind_text(st, 10, x->scan_id, -1, SQLITE_STATIC);
	int rc = sqlite__run(q, st);
	if (rc)
		return rc;
	static const char *const up[] = {
	    "INSERT INTO rollup_op(order_id, seq, enterprise_id, pairs, bundles)"
	    " VALUES(?1, ?2, ?3, ?4, 1) ON CONFLICT(order_id, seq) DO UPDATE SET"
	    " pairs = pairs + excluded.pairs, bundles = bundles + 1",
	    "INSERT INTO rollup_op_day(order_id, seq, day, pairs) VALUES(?1, ?2, ?5, ?4)"
	    " ON CONFLICT(order_id, seq, day) DO UPDATE SET pairs = pairs + excluded.pairs",
	    "INSERT INTO rollup_scan_day(enterprise_id, day, worker, household_id, rate_y4, pairs)"
	    " VALUES(?3, ?5, ?6, ?7, ?8, ?4) ON CONFLICT(enterprise_id, day, worker, household_id,"
	    " rate_y4) DO UPDATE SET pairs = pairs + excluded.pairs",
	};
	for (size_t i = 0; i < sizeof up / sizeof up[0] && !rc; i++) {
		st = sqlite__cached(q, up[i]);
		if (!st)
			return GLOVED_EDB;
		int np = sqlite3_bind_parameter_count(st);
		for (int p = 1; p <= np; p++) {
			const char *nm = sqlite3_bind_parameter_name(st, p);
			int k = nm ? nm[1] - '0' : 0;
			switch (k) {
			case 1:
				sqlite3_bind_int64(st, p, x->order_id);
				break;
			case 2:
				sqlite3_bind_int(st, p, x->seq);
				break;
			case 3:
				sqlite3_bind_int64(st, p, x->enterprise_id);
				break;
			case 4:
				sqlite3_bind_int64(st, p, x->pairs);
				break;
			case 5:
				sqlite3_bind_int(st, p, day);
				break;
			case 6:
				sqlite3_bind_text(st, p, x->worker, -1, SQLITE_STATIC);
				break;
			case 7:
				sqlite3_bind_int64(st, p, x->household_id);
				break;
			case 8:
				sqlite3_bind_int64(st, p, x->rate_y4);
				break;
			default:
				break;
			}
		}
		rc = sqlite__run(q, st);
	}
	return rc;
}

static int sn_scan_list(store *s, store_scope sc, int64_t order_id, int64_t bundle_id,
			store_scan **out, size_t *n)
{
	static const char by_bundle[] = "SELECT " SCAN_COLS " FROM scan WHERE bundle_id = ?3"
					" AND (?1 = 0 OR enterprise_id = ?1) ORDER BY seq";
	static const char by_order[] =
	    "SELECT " SCAN_COLS " FROM scan WHERE order_id = ?2"
	    " AND (?1 = 0 OR enterprise_id = ?1) ORDER BY bundle_id, seq";
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	if (!order_id && !bundle_id)
		return GLOVED_OK;
	sqlite3_stmt *st = sqlite__cached(q, bundle_id ? by_bundle : by_order);
	if (st) {
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
		sqlite3_bind_int64(st, 2, order_id);
		sqlite3_bind_int64(st, 3, bundle_id);
	}
	return sqlite__rows(q, st, sizeof **out, scan_row, (void **)out, n);
}

static int op_done_row(sqlite3_stmt *st, void *dst)
{
	store_op_done *x = dst;
	x->order_id = sqlite3_column_int64(st, 0);
	x->seq = sqlite3_column_int(st, 1);
	x->pairs = sqlite3_column_int64(st, 2);
	x->bundles = sqlite3_column_int64(st, 3);
	return GLOVED_OK;
}

static int sn_op_done_list(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
			   store_op_done **out, size_t *n)
{
	static const char by_order[] =
	    "SELECT order_id, seq, pairs, bundles FROM rollup_op WHERE"
	    " order_id = ?3 AND (?1 = 0 OR enterprise_id = ?1) ORDER BY seq";
	static const char by_firm[] = "SELECT order_id, seq, pairs, bundles FROM rollup_op WHERE"
				      " enterprise_id = ?1 ORDER BY order_id, seq";
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0 || (!order_id && !ent))
		return GLOVED_OK;
	sqlite3_stmt *st = sqlite__cached(q, order_id ? by_order : by_firm);
	if (st) {
		sqlite3_bind_int64(st, 1, ent);
		sqlite3_bind_int64(st, 3, order_id);
	}
	return sqlite__rows(q, st, sizeof **out, op_done_row, (void **)out, n);
}

static int sn_op_day_pairs(store *s, int64_t order_id, int32_t seq, int32_t day0, int32_t day1,
			   int64_t *pairs)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT coalesce(sum(pairs), 0) FROM rollup_op_day"
			      " WHERE order_id = ? AND seq = ? AND day >= ? AND day <= ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	sqlite3_bind_int(st, 2, seq);
	sqlite3_bind_int(st, 3, day0);
	sqlite3_bind_int(st, 4, day1);
	int rc = sqlite3_step(st);
	*pairs = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite__release(q, st);
	return rc == SQLITE_ROW ? GLOVED_OK : sqlite__fail(q, rc);
}

static int sn_op_day_sums(store *s, int64_t enterprise_id, int64_t order_id, int32_t day0,
			  int32_t day1, store_op_done **out, size_t *n)
{
	static const char by_order[] = "SELECT order_id, seq, sum(pairs), 0 FROM rollup_op_day"
				       " WHERE order_id = ?2 AND day >= ?3 AND day <= ?4"
				       " GROUP BY seq ORDER BY seq";
	static const char by_firm[] = "SELECT d.order_id, d.seq, sum(d.pairs), 0 FROM prod_order o"
				      " JOIN rollup_op_day d ON d.order_id = o.id WHERE"
				      " o.enterprise_id = ?1 AND o.status = 'released' AND"
				      " d.day >= ?3 AND d.day <= ?4 GROUP BY d.order_id, d.seq"
				      " ORDER BY d.order_id, d.seq";
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, order_id ? by_order : by_firm);
	if (st) {
		sqlite3_bind_int64(st, 1, enterprise_id);
		sqlite3_bind_int64(st, 2, order_id);
		sqlite3_bind_int(st, 3, day0);
		sqlite3_bind_int(st, 4, day1);
	}
	return sqlite__rows(q, st, sizeof **out, op_done_row, (void **)out, n);
}

static int sn_op_add(store *s, int64_t order_id, int32_t seq, int64_t enterprise_id, int64_t pairs,
		     int64_t bundles)
{
	static const char sql[] = "INSERT INTO rollup_op(order_id, seq, enterprise_id, pairs,"
				  " bundles) VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(order_id, seq)"
				  " DO UPDATE SET pairs = pairs + excluded.pairs,"
				  " bundles = bundles + excluded.bundles";
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, sql);
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	sqlite3_bind_int(st, 2, seq);
	sqlite3_bind_int64(st, 3, enterprise_id);
	sqlite3_bind_int64(st, 4, pairs);
	sqlite3_bind_int64(st, 5, bundles);
	return sqlite__run(q, st);
}

static int scan_day_row(sqlite3_stmt *st, void *dst)
{
	store_scan_day *x = dst;
	x->day = sqlite3_column_int(st, 0);
	TEXT(1, x->worker);
	x->household_id = sqlite3_column_int64(st, 2);
	x->rate_y4 = sqlite3_column_int64(st, 3);
	x->pairs = sqlite3_column_int64(st, 4);
	return GLOVED_OK;
}

static int sn_scan_days(store *s, store_scope sc, int64_t enterprise_id, int32_t day0, int32_t day1,
			const char *worker, store_scan_day **out, size_t *n)
{
	static const char firm[] = "SELECT day, worker, household_id, rate_y4, pairs FROM"
				   " rollup_scan_day WHERE enterprise_id = ?1 AND day >= ?3 AND"
				   " day <= ?4 AND (?5 IS NULL OR worker = ?5)"
				   " ORDER BY worker, household_id, day, rate_y4";
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent <= 0)
		return GLOVED_OK; /* scans are always read per firm */
	sqlite3_stmt *st = sqlite__cached(q, firm);
	if (st) {
		sqlite3_bind_int64(st, 1, ent);
		sqlite3_bind_int(st, 3, day0);
		sqlite3_bind_int(st, 4, day1);
		if (worker)
			sqlite3_bind_text(st, 5, worker, -1, SQLITE_STATIC);
	}
	return sqlite__rows(q, st, sizeof **out, scan_day_row, (void **)out, n);
}

/* ---- firm keys, knitted orders ---- */

static int sn_firm_key_get(store *s, int64_t enterprise_id, uint8_t *key, char *order_check)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT key, order_check FROM firm_key WHERE enterprise_id = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, enterprise_id);
	int rc = sqlite3_step(st), r = GLOVED_ENOTFOUND;
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
		memcpy(key, sqlite3_column_blob(st, 0), 32);
		sqlite__text_col(st, 1, order_check, 12);
		r = GLOVED_OK;
	} else if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		r = sqlite__fail(q, rc);
	}
	sqlite__release(q, st);
	return r;
}

static int sn_firm_key_put(store *s, int64_t enterprise_id, const uint8_t *key,
			   const char *order_check)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "INSERT INTO firm_key(enterprise_id, key, order_check)"
			      " VALUES(?,?,?) ON CONFLICT(enterprise_id) DO UPDATE SET"
			      " order_check = excluded.order_check");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, enterprise_id);
	sqlite3_bind_blob(st, 2, key, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, order_check, -1, SQLITE_STATIC);
	return sqlite__run(q, st);
}

static int sn_order_machine_add_one(store *s, const store_order_machine *m)
{
	sq *q = (sq *)s;
	/* a machine works one order at a time: close what it worked before */
	sqlite3_stmt *st =
	    sqlite__cached(q, "UPDATE order_machine SET to_ms = ? WHERE machine_id = ?"
			      " AND to_ms = 0");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, m->from_ms);
	sqlite3_bind_int64(st, 2, m->machine_id);
	int rc = sqlite__run(q, st);
	if (rc)
		return rc;
	st = sqlite__cached(q, "INSERT INTO order_machine(order_id, machine_id, from_ms, to_ms)"
			       " VALUES(?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, m->order_id);
	sqlite3_bind_int64(st, 2, m->machine_id);
	sqlite3_bind_int64(st, 3, m->from_ms);
	sqlite3_bind_int64(st, 4, m->to_ms);
	return sqlite__run(q, st);
}

/* The new assignment and the closing of the one before, or (refused) neither. */
static int sn_order_machine_add(store *s, const store_order_machine *m)
{
	sq *q = (sq *)s;
	int rc = sqlite__unit_begin(q);
	return rc ? rc : sqlite__unit_end(q, sn_order_machine_add_one(s, m));
}

static int order_machine_row(sqlite3_stmt *st, void *dst)
{
	store_order_machine *x = dst;
	x->order_id = sqlite3_column_int64(st, 0);
	x->machine_id = sqlite3_column_int64(st, 1);
	x->from_ms = sqlite3_column_int64(st, 2);
	x->to_ms = sqlite3_column_int64(st, 3);
	return GLOVED_OK;
}

static int sn_order_machine_list(store *s, int64_t order_id, store_order_machine **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT order_id, machine_id, from_ms, to_ms FROM"
					     " order_machine WHERE order_id = ? ORDER BY from_ms");
	if (st)
		sqlite3_bind_int64(st, 1, order_id);
	return sqlite__rows(q, st, sizeof **out, order_machine_row, (void **)out, n);
}

/* The bundles one by one (one prepared statement) under one savepoint. */
static int sn_bundles_add(store *s, store_bundle *b, size_t n)
{
	sq *q = (sq *)s;
	int rc = sqlite__unit_begin(q);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !rc; i++)
		rc = sn_bundle_add(s, &b[i]);
	return sqlite__unit_end(q, rc);
}

const store_sewn_ops sqlite__sewn_ops = {
    .version = STORE_SEWN_VERSION,
    .style_add = sn_style_add,
    .style_get = sn_style_get,
    .style_list = sn_style_list,
    .order_add = sn_order_add,
    .order_get = sn_order_get,
    .order_list = sn_order_list,
    .order_set_status = sn_order_set_status,
    .cut_add = sn_cut_add,
    .cut_pairs = sn_cut_pairs,
    .bundle_next_no = sn_bundle_next_no,
    .bundle_add = sn_bundle_add,
    .bundle_get = sn_bundle_get,
    .bundle_list = sn_bundle_list,
    .bundle_set_out = sn_bundle_set_out,
    .bundle_set_pairs = sn_bundle_set_pairs,
    .bundles_out = sn_bundles_out,
    .household_add = sn_household_add,
    .household_get = sn_household_get,
    .household_list = sn_household_list,
    .dispatch_add = sn_dispatch_add,
    .dispatch_open = sn_dispatch_open,
    .dispatch_close = sn_dispatch_close,
    .scan_get = sn_scan_get,
    .scan_by_id = sn_scan_by_id,
    .scan_add = sn_scan_add,
    .scan_list = sn_scan_list,
    .op_done_list = sn_op_done_list,
    .op_day_pairs = sn_op_day_pairs,
    .op_day_sums = sn_op_day_sums,
    .op_add = sn_op_add,
    .scan_days = sn_scan_days,
    .firm_key_get = sn_firm_key_get,
    .firm_key_put = sn_firm_key_put,
    .order_machine_add = sn_order_machine_add,
    .order_machine_list = sn_order_machine_list,
    .bundles_add = sn_bundles_add,
};
