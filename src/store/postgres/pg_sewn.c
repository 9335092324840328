/* SPDX-License-Identifier: Apache-2.0 */
/* pg_sewn.c: the PostgreSQL side of store/sewn.h, with the results, error
 * codes, scope rules and order of sqlite/sqlite_sewn.c. Every write that
 * SQLite does as several statements (a style and its routing, an order and
 * its lines, a scan and its three rollups, a machine's assignment closing
 * the one before) is one statement here (data-modifying WITH), so it is
 * atomic by itself, and runs guarded (pg__run, pg__insert_id): a refused
 * write changes nothing and leaves the caller's transaction usable (an
 * update of numbers only, which nothing refuses, runs unguarded). A
 * routing's operations and an order's lines go in as one multi-row insert
 * of unnested array parameters (pg__arr_*). Texts sort in byte order
 * (COLLATE "C", as SQLite's BINARY) whatever the database's collation, and
 * ties SQLite leaves to its scan order are broken by id. */
#include "store/postgres/pg_int.h"
#include "util/err.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

static int i64_row(const PGresult *r, int row, void *dst)
{
	*(int64_t *)dst = pg__i64(r, row, 0);
	return GLOVED_OK;
}

/* ---- styles ---- */

#define STYLE_COLS "id, enterprise_id, code, name, category, family, materials, sizes"

static int style_row(const PGresult *r, int row, void *dst)
{
	store_style *x = dst;
	x->id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	TEXT(2, x->code);
	TEXT(3, x->name);
	TEXT(4, x->category);
	TEXT(5, x->family);
	TEXT(6, x->materials);
	TEXT(7, x->sizes);
	return GLOVED_OK;
}

static int load_ops(pgc *q, store_style *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->id);
	int rc;
	PGresult *r = pg__exec(q,
			       "SELECT seq, code, name, smv_c, rate_y4 FROM style_op"
			       " WHERE style_id = $1 ORDER BY seq",
			       &p, &rc);
	x->n_ops = 0;
	if (!r)
		return rc;
	for (int row = 0; row < PQntuples(r) && x->n_ops < STORE_MAX_OPS; row++) {
		store_style_op *o = &x->ops[x->n_ops++];
		o->seq = pg__int(r, row, 0);
		TEXT(1, o->code);
		TEXT(2, o->name);
		o->smv_c = pg__i64(r, row, 3);
		o->rate_y4 = pg__i64(r, row, 4);
	}
	PQclear(r);
	return GLOVED_OK;
}

static int pg_style_add(store *s, store_scope sc, store_style *x)
{
	if (!pg__scope_ok(sc, x->enterprise_id))
		return GLOVED_EPERM;
	pg_arr seq = {0}, code = {0}, name = {0}, smv = {0}, rate = {0};
	for (int32_t i = 0; i < x->n_ops && i < STORE_MAX_OPS; i++) {
		store_style_op *o = &x->ops[i];
		o->seq = i + 1;
		pg__arr_i64(&seq, o->seq);
		pg__arr_text(&code, o->code);
		pg__arr_text(&name, o->name);
		pg__arr_i64(&smv, o->smv_c);
		pg__arr_i64(&rate, o->rate_y4);
	}
	int rc = GLOVED_ENOMEM;
	const char *a_seq = pg__arr_end(&seq), *a_code = pg__arr_end(&code),
		   *a_name = pg__arr_end(&name), *a_smv = pg__arr_end(&smv),
		   *a_rate = pg__arr_end(&rate);
	if (!a_seq || !a_code || !a_name || !a_smv || !a_rate)
		goto out;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_text(&p, x->code);
	pg__p_text(&p, x->name);
	pg__p_text(&p, x->category);
	pg__p_text(&p, x->family);
	pg__p_text(&p, x->materials);
	pg__p_text(&p, x->sizes);
	pg__p_text(&p, a_seq);
	pg__p_text(&p, a_code);
	pg__p_text(&p, a_name);
	pg__p_text(&p, a_smv);
	pg__p_text(&p, a_rate);
	rc = pg__insert_id(
	    (pgc *)s,
	    "WITH st AS (INSERT INTO style(enterprise_id, code, name, category, family, materials,"
	    " sizes) VALUES($1, $2, $3, $4, $5, $6, $7) RETURNING id),"
	    " op AS (INSERT INTO style_op(style_id, seq, code, name, smv_c, rate_y4)"
	    " SELECT st.id, u.seq, u.code, u.name, u.smv_c, u.rate_y4 FROM st,"
	    " unnest($8::bigint[], $9::text[], $10::text[], $11::bigint[], $12::bigint[])"
	    " AS u(seq, code, name, smv_c, rate_y4))"
	    " SELECT id FROM st",
	    &p, &x->id);
out:
	pg__arr_free(&seq);
	pg__arr_free(&code);
	pg__arr_free(&name);
	pg__arr_free(&smv);
	pg__arr_free(&rate);
	return rc;
}

static int pg_style_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			int64_t id, store_style *out)
{
	static const char by_id[] = "SELECT " STYLE_COLS " FROM style WHERE id = $1";
	static const char by_code[] = "SELECT " STYLE_COLS " FROM style WHERE enterprise_id = $1"
				      " AND code = $2";
	pgc *q = (pgc *)s;
	int rc =
	    pg__get_by_id_or_code(q, sc, enterprise_id, code, id, by_id, by_code, out, sizeof *out,
				  offsetof(store_style, enterprise_id), style_row);
	return rc ? rc : load_ops(q, out);
}

static int pg_style_list(store *s, store_scope sc, int64_t enterprise_id, store_style **out,
			 size_t *n)
{
	static const char all[] = "SELECT " STYLE_COLS " FROM style"
				  " ORDER BY enterprise_id, code COLLATE \"C\"";
	static const char firm[] = "SELECT " STYLE_COLS " FROM style WHERE enterprise_id = $1"
				   " ORDER BY code COLLATE \"C\"";
	pgc *q = (pgc *)s;
	int rc = pg__firm_rows(q, sc, enterprise_id, all, firm, sizeof **out, style_row,
			       (void **)out, n);
	for (size_t i = 0; i < *n && !rc; i++)
		rc = load_ops(q, &(*out)[i]);
	return drop_on_error(rc, (void **)out, n);
}

/* ---- orders ---- */

#define ORDER_COLS "id, enterprise_id, style_id, code, buyer, unit, status, due_day, created_ms"

static int order_row(const PGresult *r, int row, void *dst)
{
	store_order *x = dst;
	x->id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	x->style_id = pg__i64(r, row, 2);
	TEXT(3, x->code);
	TEXT(4, x->buyer);
	TEXT(5, x->unit);
	TEXT(6, x->status);
	x->due_day = pg__int(r, row, 7);
	x->created_ms = pg__i64(r, row, 8);
	return GLOVED_OK;
}

/* SQLite's ORDER BY CAST(size AS INTEGER), size: the number a size starts
 * with (after blanks, with its sign; 0 for none), then the bytes. */
static int load_lines(pgc *q, store_order *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->id);
	int rc;
	PGresult *r = pg__exec(
	    q,
	    "SELECT size, pairs FROM order_line WHERE order_id = $1"
	    " ORDER BY coalesce(substring(size FROM '^[[:space:]]*([-+]?[0-9]{1,18})')::bigint, 0),"
	    " size COLLATE \"C\"",
	    &p, &rc);
	x->n_lines = 0;
	if (!r)
		return rc;
	for (int row = 0; row < PQntuples(r) && x->n_lines < STORE_MAX_SIZES; row++) {
		store_order_line *l = &x->lines[x->n_lines++];
		TEXT(0, l->size);
		l->pairs = pg__i64(r, row, 1);
	}
	PQclear(r);
	return GLOVED_OK;
}

static int pg_order_add(store *s, store_scope sc, store_order *x)
{
	if (!pg__scope_ok(sc, x->enterprise_id))
		return GLOVED_EPERM;
	pg_arr size = {0}, pairs = {0};
	for (int32_t i = 0; i < x->n_lines && i < STORE_MAX_SIZES; i++) {
		pg__arr_text(&size, x->lines[i].size);
		pg__arr_i64(&pairs, x->lines[i].pairs);
	}
	int rc = GLOVED_ENOMEM;
	const char *a_size = pg__arr_end(&size), *a_pairs = pg__arr_end(&pairs);
	if (!a_size || !a_pairs)
		goto out;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_text(&p, x->code);
	pg__p_text(&p, x->buyer);
	pg__p_i64(&p, x->style_id);
	pg__p_i64(&p, x->due_day);
	pg__p_text(&p, x->unit);
	pg__p_text(&p, x->status);
	pg__p_i64(&p, x->created_ms);
	pg__p_text(&p, a_size);
	pg__p_text(&p, a_pairs);
	rc = pg__insert_id((pgc *)s,
			   "WITH o AS (INSERT INTO prod_order(enterprise_id, code, buyer, style_id,"
			   " due_day, unit, status, created_ms) VALUES($1, $2, $3, $4, $5, $6, $7,"
			   " $8) RETURNING id),"
			   " l AS (INSERT INTO order_line(order_id, size, pairs)"
			   " SELECT o.id, u.size, u.pairs FROM o,"
			   " unnest($9::text[], $10::bigint[]) AS u(size, pairs))"
			   " SELECT id FROM o",
			   &p, &x->id);
out:
	pg__arr_free(&size);
	pg__arr_free(&pairs);
	return rc;
}

static int pg_order_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			int64_t id, store_order *out)
{
	static const char by_id[] = "SELECT " ORDER_COLS " FROM prod_order WHERE id = $1";
	static const char by_code[] = "SELECT " ORDER_COLS " FROM prod_order WHERE"
				      " enterprise_id = $1 AND code = $2";
	pgc *q = (pgc *)s;
	int rc =
	    pg__get_by_id_or_code(q, sc, enterprise_id, code, id, by_id, by_code, out, sizeof *out,
				  offsetof(store_order, enterprise_id), order_row);
	return rc ? rc : load_lines(q, out);
}

static int pg_order_list(store *s, store_scope sc, int64_t enterprise_id, const char *status,
			 store_order **out, size_t *n)
{
	static const char all[] = "SELECT " ORDER_COLS " FROM prod_order WHERE ($1::text IS NULL"
				  " OR status = $1) ORDER BY created_ms DESC, id DESC LIMIT 5000";
	static const char firm[] = "SELECT " ORDER_COLS " FROM prod_order WHERE enterprise_id = $1"
				   " AND ($2::text IS NULL OR status = $2)"
				   " ORDER BY created_ms DESC, id DESC LIMIT 5000";
	pgc *q = (pgc *)s;
	*out = NULL;
	*n = 0;
	int64_t ent = pg__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	pg_params p;
	pg__p_init(&p);
	if (ent)
		pg__p_i64(&p, ent);
	pg__p_text(&p, status && *status ? status : NULL);
	int rc = pg__rows(q, ent ? firm : all, &p, sizeof **out, order_row, (void **)out, n);
	for (size_t i = 0; i < *n && !rc; i++)
		rc = load_lines(q, &(*out)[i]);
	return drop_on_error(rc, (void **)out, n);
}

static int pg_order_set_status(store *s, int64_t order_id, const char *status)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, status);
	pg__p_i64(&p, order_id);
	return pg__run((pgc *)s, "UPDATE prod_order SET status = $1 WHERE id = $2", &p, 1, NULL);
}

/* ---- cuts and bundles ---- */

static int pg_cut_add(store *s, int64_t order_id, int64_t enterprise_id, int32_t bundle_size,
		      int64_t now_ms, int64_t *cut_id)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, order_id);
	pg__p_i64(&p, enterprise_id);
	pg__p_i64(&p, bundle_size);
	pg__p_i64(&p, now_ms);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO cut(order_id, enterprise_id, bundle_size, created_ms)"
			     " VALUES($1, $2, $3, $4) RETURNING id",
			     &p, cut_id);
}

/* SQLite groups by sorting: the sizes come in byte order. */
static int pg_cut_pairs(store *s, int64_t order_id, store_order_line *out, int32_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, order_id);
	int rc;
	*n = 0;
	PGresult *r = pg__exec((pgc *)s,
			       "SELECT size, sum(pairs) FROM bundle WHERE order_id = $1"
			       " GROUP BY size ORDER BY size COLLATE \"C\"",
			       &p, &rc);
	if (!r)
		return rc;
	for (int row = 0; row < PQntuples(r) && *n < STORE_MAX_SIZES; row++) {
		TEXT(0, out[*n].size);
		out[*n].pairs = pg__i64(r, row, 1);
		(*n)++;
	}
	PQclear(r);
	return GLOVED_OK;
}

static int pg_bundle_next_no(store *s, int64_t order_id, int32_t *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, order_id);
	int64_t no = 1;
	int rc =
	    pg__one((pgc *)s, "SELECT coalesce(max(no), 0) + 1 FROM bundle WHERE order_id = $1", &p,
		    &no, i64_row);
	*out = (int32_t)no;
	return rc;
}

static int pg_bundle_add(store *s, store_bundle *b)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, b->enterprise_id);
	pg__p_i64(&p, b->order_id);
	pg__p_i64(&p, b->cut_id);
	pg__p_i64(&p, b->no);
	pg__p_text(&p, b->size);
	pg__p_i64(&p, b->pairs);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO bundle(enterprise_id, order_id, cut_id, no, size, pairs)"
			     " VALUES($1, $2, $3, $4, $5, $6) RETURNING id",
			     &p, &b->id);
}

int pg__bundle_row(const PGresult *r, int row, void *dst)
{
	store_bundle *x = dst;
	x->id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	x->order_id = pg__i64(r, row, 2);
	x->cut_id = pg__i64(r, row, 3);
	x->no = pg__int(r, row, 4);
	TEXT(5, x->size);
	x->pairs = pg__i64(r, row, 6);
	x->household_id = pg__i64(r, row, 7);
	x->out_ms = pg__i64(r, row, 8);
	return GLOVED_OK;
}

#define BUNDLE_COLS PG_BUNDLE_COLS

static int pg_bundle_get(store *s, int64_t id, store_bundle *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, id);
	return pg__one((pgc *)s, "SELECT " BUNDLE_COLS " FROM bundle WHERE id = $1", &p, out,
		       pg__bundle_row);
}

/* LIMIT of a size_t: NULL (no limit) past what a bigint holds, as
 * SQLite's negative limit. */
static void p_limit(pg_params *p, size_t limit)
{
	if ((uint64_t)limit > (uint64_t)INT64_MAX)
		pg__p_null(p);
	else
		pg__p_i64(p, (int64_t)limit);
}

static int pg_bundle_list(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
			  int64_t cut_id, int64_t bundle_id, size_t limit, store_bundle **out,
			  size_t *n)
{
	/* each by its key: the bundle, the cut's index, the order's (order, no);
	 * $1 the firm, $2 the order, then the cut and the bundle when given,
	 * the limit last */
	static const char by_id[] = "SELECT " BUNDLE_COLS " FROM bundle WHERE id = $4"
				    " AND ($2::bigint = 0 OR order_id = $2)"
				    " AND ($3::bigint = 0 OR cut_id = $3)"
				    " AND ($1::bigint = 0 OR enterprise_id = $1) LIMIT $5";
	static const char by_cut[] = "SELECT " BUNDLE_COLS " FROM bundle WHERE cut_id = $3"
				     " AND ($2::bigint = 0 OR order_id = $2)"
				     " AND ($1::bigint = 0 OR enterprise_id = $1)"
				     " ORDER BY order_id, no LIMIT $4";
	static const char by_order[] = "SELECT " BUNDLE_COLS " FROM bundle WHERE order_id = $2"
				       " AND ($1::bigint = 0 OR enterprise_id = $1)"
				       " ORDER BY no LIMIT $3";
	*out = NULL;
	*n = 0;
	int64_t ent = pg__read_ent(sc, enterprise_id);
	if (ent < 0 || (!bundle_id && !cut_id && !order_id))
		return GLOVED_OK;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, ent);
	pg__p_i64(&p, order_id);
	if (bundle_id || cut_id)
		pg__p_i64(&p, cut_id);
	if (bundle_id)
		pg__p_i64(&p, bundle_id);
	p_limit(&p, limit);
	return pg__rows((pgc *)s,
			bundle_id ? by_id
			: cut_id  ? by_cut
				  : by_order,
			&p, sizeof **out, pg__bundle_row, (void **)out, n);
}

static int pg_bundle_set_out(store *s, int64_t bundle_id, int64_t household_id, int64_t out_ms)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, household_id);
	pg__p_i64(&p, out_ms);
	pg__p_i64(&p, bundle_id);
	return pg__run((pgc *)s, "UPDATE bundle SET household_id = $1, out_ms = $2 WHERE id = $3",
		       &p, 0, NULL);
}

static int pg_bundle_set_pairs(store *s, int64_t bundle_id, int64_t pairs)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, pairs);
	pg__p_i64(&p, bundle_id);
	return pg__run((pgc *)s, "UPDATE bundle SET pairs = $1 WHERE id = $2", &p, 0, NULL);
}

static int pg_bundles_out(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
			  store_bundle **out, size_t *n)
{
	static const char all[] = "SELECT " BUNDLE_COLS " FROM bundle WHERE household_id > 0"
				  " ORDER BY out_ms, id";
	static const char firm[] = "SELECT " BUNDLE_COLS " FROM bundle WHERE enterprise_id = $1"
				   " AND household_id > 0 ORDER BY out_ms, id";
	static const char order[] =
	    "SELECT " BUNDLE_COLS " FROM bundle WHERE order_id = $2"
	    " AND household_id > 0 AND ($1::bigint = 0 OR enterprise_id = $1)"
	    " ORDER BY out_ms, id";
	*out = NULL;
	*n = 0;
	int64_t ent = pg__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	pg_params p;
	pg__p_init(&p);
	if (order_id || ent)
		pg__p_i64(&p, ent);
	if (order_id)
		pg__p_i64(&p, order_id);
	return pg__rows((pgc *)s,
			order_id ? order
			: ent    ? firm
				 : all,
			&p, sizeof **out, pg__bundle_row, (void **)out, n);
}

/* ---- households and dispatches ---- */

#define HOUSEHOLD_COLS "id, enterprise_id, code, name, village, phone, rate_pct"

static int household_row(const PGresult *r, int row, void *dst)
{
	store_household *x = dst;
	x->id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	TEXT(2, x->code);
	TEXT(3, x->name);
	TEXT(4, x->village);
	TEXT(5, x->phone);
	x->rate_pct = pg__int(r, row, 6);
	return GLOVED_OK;
}

static int pg_household_add(store *s, store_scope sc, store_household *h)
{
	if (!pg__scope_ok(sc, h->enterprise_id))
		return GLOVED_EPERM;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, h->enterprise_id);
	pg__p_text(&p, h->code);
	pg__p_text(&p, h->name);
	pg__p_text(&p, h->village);
	pg__p_text(&p, h->phone);
	pg__p_i64(&p, h->rate_pct);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO household(enterprise_id, code, name, village, phone,"
			     " rate_pct) VALUES($1, $2, $3, $4, $5, $6) RETURNING id",
			     &p, &h->id);
}

static int pg_household_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			    int64_t id, store_household *out)
{
	static const char by_id[] = "SELECT " HOUSEHOLD_COLS " FROM household WHERE id = $1";
	static const char by_code[] = "SELECT " HOUSEHOLD_COLS " FROM household WHERE"
				      " enterprise_id = $1 AND code = $2";
	return pg__get_by_id_or_code((pgc *)s, sc, enterprise_id, code, id, by_id, by_code, out,
				     sizeof *out, offsetof(store_household, enterprise_id),
				     household_row);
}

static int pg_household_list(store *s, store_scope sc, int64_t enterprise_id, store_household **out,
			     size_t *n)
{
	static const char all[] = "SELECT " HOUSEHOLD_COLS " FROM household"
				  " ORDER BY enterprise_id, code COLLATE \"C\"";
	static const char firm[] = "SELECT " HOUSEHOLD_COLS " FROM household WHERE"
				   " enterprise_id = $1 ORDER BY code COLLATE \"C\"";
	return pg__firm_rows((pgc *)s, sc, enterprise_id, all, firm, sizeof **out, household_row,
			     (void **)out, n);
}

static int pg_dispatch_add(store *s, store_dispatch *d)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, d->bundle_id);
	pg__p_i64(&p, d->household_id);
	pg__p_i64(&p, d->enterprise_id);
	pg__p_text(&p, d->ops);
	pg__p_i64(&p, d->out_ms);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO dispatch(bundle_id, household_id, enterprise_id, ops,"
			     " out_ms) VALUES($1, $2, $3, $4, $5) RETURNING id",
			     &p, &d->id);
}

static int dispatch_row(const PGresult *r, int row, void *dst)
{
	store_dispatch *d = dst;
	d->id = pg__i64(r, row, 0);
	d->bundle_id = pg__i64(r, row, 1);
	d->household_id = pg__i64(r, row, 2);
	d->enterprise_id = pg__i64(r, row, 3);
	TEXT(4, d->ops);
	d->out_ms = pg__i64(r, row, 5);
	d->back_ms = pg__i64(r, row, 6);
	d->returned = pg__i64(r, row, 7);
	d->missing = pg__i64(r, row, 8);
	d->damaged = pg__i64(r, row, 9);
	return GLOVED_OK;
}

static int pg_dispatch_open(store *s, int64_t bundle_id, store_dispatch *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, bundle_id);
	return pg__one((pgc *)s,
		       "SELECT id, bundle_id, household_id, enterprise_id, ops, out_ms, back_ms,"
		       " returned, missing, damaged FROM dispatch WHERE bundle_id = $1"
		       " AND back_ms = 0 ORDER BY id DESC LIMIT 1",
		       &p, out, dispatch_row);
}

static int pg_dispatch_close(store *s, const store_dispatch *d)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, d->back_ms);
	pg__p_i64(&p, d->returned);
	pg__p_i64(&p, d->missing);
	pg__p_i64(&p, d->damaged);
	pg__p_i64(&p, d->id);
	return pg__run((pgc *)s,
		       "UPDATE dispatch SET back_ms = $1, returned = $2, missing = $3,"
		       " damaged = $4 WHERE id = $5",
		       &p, 0, NULL);
}

/* ---- scans ---- */

static int scan_row(const PGresult *r, int row, void *dst)
{
	store_scan *x = dst;
	x->bundle_id = pg__i64(r, row, 0);
	x->seq = pg__int(r, row, 1);
	x->enterprise_id = pg__i64(r, row, 2);
	x->order_id = pg__i64(r, row, 3);
	x->ts_ms = pg__i64(r, row, 4);
	TEXT(5, x->worker);
	x->household_id = pg__i64(r, row, 6);
	x->pairs = pg__i64(r, row, 7);
	x->rate_y4 = pg__i64(r, row, 8);
	TEXT(9, x->scan_id);
	return GLOVED_OK;
}

#define SCAN_COLS                                                                                  \
	"bundle_id, seq, enterprise_id, order_id, ts, worker, household_id, pairs, rate_y4,"       \
	" coalesce(scan_id, '')"

static int pg_scan_get(store *s, int64_t bundle_id, int32_t seq, store_scan *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, bundle_id);
	pg__p_i64(&p, seq);
	return pg__one((pgc *)s, "SELECT " SCAN_COLS " FROM scan WHERE bundle_id = $1 AND seq = $2",
		       &p, out, scan_row);
}

static int pg_scan_by_id(store *s, int64_t enterprise_id, const char *scan_id, store_scan *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	pg__p_text(&p, scan_id);
	return pg__one((pgc *)s,
		       "SELECT " SCAN_COLS " FROM scan WHERE enterprise_id = $1 AND scan_id = $2",
		       &p, out, scan_row);
}

/* The scan and its three rollups in one statement: each rollup row is
 * inserted from the scan's RETURNING, so a refused scan (a duplicate)
 * adds to none of them. */
static int pg_scan_add(store *s, const store_scan *x, int32_t day)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->bundle_id);
	pg__p_i64(&p, x->seq);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_i64(&p, x->order_id);
	pg__p_i64(&p, x->ts_ms);
	pg__p_text(&p, x->worker);
	pg__p_i64(&p, x->household_id);
	pg__p_i64(&p, x->pairs);
	pg__p_i64(&p, x->rate_y4);
	pg__p_text(&p, x->scan_id[0] ? x->scan_id : NULL);
	pg__p_i64(&p, day);
	return pg__run(
	    (pgc *)s,
	    "WITH sc AS (INSERT INTO scan(bundle_id, seq, enterprise_id, order_id, ts, worker,"
	    " household_id, pairs, rate_y4, scan_id) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9,"
	    " $10) RETURNING order_id, seq, enterprise_id, worker, household_id, pairs, rate_y4),"
	    " op AS (INSERT INTO rollup_op AS t(order_id, seq, enterprise_id, pairs, bundles)"
	    " SELECT order_id, seq, enterprise_id, pairs, 1 FROM sc ON CONFLICT(order_id, seq)"
	    " DO UPDATE SET pairs = t.pairs + excluded.pairs, bundles = t.bundles + 1),"
	    " od AS (INSERT INTO rollup_op_day AS t(order_id, seq, day, pairs)"
	    " SELECT order_id, seq, $11::bigint, pairs FROM sc ON CONFLICT(order_id, seq, day)"
	    " DO UPDATE SET pairs = t.pairs + excluded.pairs)"
	    " INSERT INTO rollup_scan_day AS t(enterprise_id, day, worker, household_id, rate_y4,"
	    " pairs) SELECT enterprise_id, $11::bigint, worker, household_id, rate_y4, pairs"
	    " FROM sc ON CONFLICT(enterprise_id, day, worker, household_id, rate_y4)"
	    " DO UPDATE SET pairs = t.pairs + excluded.pairs",
	    &p, 1, NULL);
}

static int pg_scan_list(store *s, store_scope sc, int64_t order_id, int64_t bundle_id,
			store_scan **out, size_t *n)
{
	static const char by_bundle[] = "SELECT " SCAN_COLS " FROM scan WHERE bundle_id = $2"
					" AND ($1::bigint = 0 OR enterprise_id = $1) ORDER BY seq";
	static const char by_order[] =
	    "SELECT " SCAN_COLS " FROM scan WHERE order_id = $2"
	    " AND ($1::bigint = 0 OR enterprise_id = $1) ORDER BY bundle_id, seq";
	*out = NULL;
	*n = 0;
	if (!order_id && !bundle_id)
		return GLOVED_OK;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_i64(&p, bundle_id ? bundle_id : order_id);
	return pg__rows((pgc *)s, bundle_id ? by_bundle : by_order, &p, sizeof **out, scan_row,
			(void **)out, n);
}

static int op_done_row(const PGresult *r, int row, void *dst)
{
	store_op_done *x = dst;
	x->order_id = pg__i64(r, row, 0);
	x->seq = pg__int(r, row, 1);
	x->pairs = pg__i64(r, row, 2);
	x->bundles = pg__i64(r, row, 3);
	return GLOVED_OK;
}

static int pg_op_done_list(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
			   store_op_done **out, size_t *n)
{
	static const char by_order[] =
	    "SELECT order_id, seq, pairs, bundles FROM rollup_op WHERE"
	    " order_id = $2 AND ($1::bigint = 0 OR enterprise_id = $1) ORDER BY seq";
	static const char by_firm[] = "SELECT order_id, seq, pairs, bundles FROM rollup_op WHERE"
				      " enterprise_id = $1 ORDER BY order_id, seq";
	*out = NULL;
	*n = 0;
	int64_t ent = pg__read_ent(sc, enterprise_id);
	if (ent < 0 || (!order_id && !ent))
		return GLOVED_OK;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, ent);
	if (order_id)
		pg__p_i64(&p, order_id);
	return pg__rows((pgc *)s, order_id ? by_order : by_firm, &p, sizeof **out, op_done_row,
			(void **)out, n);
}

static int pg_op_day_pairs(store *s, int64_t order_id, int32_t seq, int32_t day0, int32_t day1,
			   int64_t *pairs)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, order_id);
	pg__p_i64(&p, seq);
	pg__p_i64(&p, day0);
	pg__p_i64(&p, day1);
	*pairs = 0;
	int rc = pg__one((pgc *)s,
			 "SELECT coalesce(sum(pairs), 0) FROM rollup_op_day WHERE order_id = $1"
			 " AND seq = $2 AND day >= $3 AND day <= $4",
			 &p, pairs, i64_row);
	if (rc)
		*pairs = 0;
	return rc;
}

static int pg_op_day_sums(store *s, int64_t enterprise_id, int64_t order_id, int32_t day0,
			  int32_t day1, store_op_done **out, size_t *n)
{
	/* $1 the order or the firm, $2 and $3 the days */
	static const char by_order[] = "SELECT order_id, seq, sum(pairs), 0 FROM rollup_op_day"
				       " WHERE order_id = $1 AND day >= $2 AND day <= $3"
				       " GROUP BY order_id, seq ORDER BY seq";
	static const char by_firm[] = "SELECT d.order_id, d.seq, sum(d.pairs), 0 FROM prod_order o"
				      " JOIN rollup_op_day d ON d.order_id = o.id WHERE"
				      " o.enterprise_id = $1 AND o.status = 'released' AND"
				      " d.day >= $2 AND d.day <= $3 GROUP BY d.order_id, d.seq"
				      " ORDER BY d.order_id, d.seq";
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, order_id ? order_id : enterprise_id);
	pg__p_i64(&p, day0);
	pg__p_i64(&p, day1);
	return pg__rows((pgc *)s, order_id ? by_order : by_firm, &p, sizeof **out, op_done_row,
			(void **)out, n);
}

static int pg_op_add(store *s, int64_t order_id, int32_t seq, int64_t enterprise_id, int64_t pairs,
		     int64_t bundles)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, order_id);
	pg__p_i64(&p, seq);
	pg__p_i64(&p, enterprise_id);
	pg__p_i64(&p, pairs);
	pg__p_i64(&p, bundles);
	return pg__run((pgc *)s,
		       "INSERT INTO rollup_op AS t(order_id, seq, enterprise_id, pairs, bundles)"
		       " VALUES($1, $2, $3, $4, $5) ON CONFLICT(order_id, seq) DO UPDATE SET"
		       " pairs = t.pairs + excluded.pairs, bundles = t.bundles + excluded.bundles",
		       &p, 1, NULL);
}

static int scan_day_row(const PGresult *r, int row, void *dst)
{
	store_scan_day *x = dst;
	x->day = pg__int(r, row, 0);
	TEXT(1, x->worker);
	x->household_id = pg__i64(r, row, 2);
	x->rate_y4 = pg__i64(r, row, 3);
	x->pairs = pg__i64(r, row, 4);
	return GLOVED_OK;
}

static int pg_scan_days(store *s, store_scope sc, int64_t enterprise_id, int32_t day0, int32_t day1,
			const char *worker, store_scan_day **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int64_t ent = pg__read_ent(sc, enterprise_id);
	if (ent <= 0)
		return GLOVED_OK; /* scans are always read per firm */
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, ent);
	pg__p_i64(&p, day0);
	pg__p_i64(&p, day1);
	pg__p_text(&p, worker);
	return pg__rows((pgc *)s,
			"SELECT day, worker, household_id, rate_y4, pairs FROM rollup_scan_day"
			" WHERE enterprise_id = $1 AND day >= $2 AND day <= $3"
			" AND ($4::text IS NULL OR worker = $4)"
			" ORDER BY worker COLLATE \"C\", household_id, day, rate_y4",
			&p, sizeof **out, scan_day_row, (void **)out, n);
}

/* ---- firm keys, knitted orders ---- */

typedef struct firm_key_out {
	uint8_t *key;
	char *order_check;
} firm_key_out;

/* A key of exactly 32 bytes, as SQLite's; another length is no key. */
static int firm_key_row(const PGresult *r, int row, void *dst)
{
	firm_key_out *o = dst;
	size_t len = 0;
	unsigned char *key = PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, 0), &len);
	if (!key)
		return GLOVED_ENOMEM;
	int rc = GLOVED_ENOTFOUND;
	if (len == 32) {
		memcpy(o->key, key, 32);
		pg__text(r, row, 1, o->order_check, 12);
		rc = GLOVED_OK;
	}
	PQfreemem(key);
	return rc;
}

static int pg_firm_key_get(store *s, int64_t enterprise_id, uint8_t *key, char *order_check)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	firm_key_out o = {key, order_check};
	return pg__one((pgc *)s, "SELECT key, order_check FROM firm_key WHERE enterprise_id = $1",
		       &p, &o, firm_key_row);
}

static int pg_firm_key_put(store *s, int64_t enterprise_id, const uint8_t *key,
			   const char *order_check)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	pg__p_bin(&p, key, 32);
	pg__p_text(&p, order_check);
	return pg__run(
	    (pgc *)s,
	    "INSERT INTO firm_key(enterprise_id, key, order_check) VALUES($1, $2, $3)"
	    " ON CONFLICT(enterprise_id) DO UPDATE SET order_check = excluded.order_check",
	    &p, 1, NULL);
}

/* A machine works one order at a time: the statement closes what it
 * worked before and inserts the new assignment, or (refused) neither. */
static int pg_order_machine_add(store *s, const store_order_machine *m)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, m->order_id);
	pg__p_i64(&p, m->machine_id);
	pg__p_i64(&p, m->from_ms);
	pg__p_i64(&p, m->to_ms);
	return pg__run((pgc *)s,
		       "WITH closed AS (UPDATE order_machine SET to_ms = $3 WHERE machine_id = $2"
		       " AND to_ms = 0) INSERT INTO order_machine(order_id, machine_id, from_ms,"
		       " to_ms) VALUES($1, $2, $3, $4)",
		       &p, 1, NULL);
}

static int order_machine_row(const PGresult *r, int row, void *dst)
{
	store_order_machine *x = dst;
	x->order_id = pg__i64(r, row, 0);
	x->machine_id = pg__i64(r, row, 1);
	x->from_ms = pg__i64(r, row, 2);
	x->to_ms = pg__i64(r, row, 3);
	return GLOVED_OK;
}

static int pg_order_machine_list(store *s, int64_t order_id, store_order_machine **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, order_id);
	return pg__rows((pgc *)s,
			"SELECT order_id, machine_id, from_ms, to_ms FROM order_machine"
			" WHERE order_id = $1 ORDER BY from_ms, machine_id",
			&p, sizeof **out, order_machine_row, (void **)out, n);
}

/* A bundle's key (order, number) and its position in the input. */
typedef struct bundle_key {
	int64_t order_id;
	int32_t no;
	size_t i;
} bundle_key;

static int by_order_no(const void *x, const void *y)
{
	const bundle_key *a = x, *b = y;
	if (a->order_id != b->order_id)
		return a->order_id < b->order_id ? -1 : 1;
	return a->no < b->no ? -1 : a->no > b->no;
}

/* All n bundles in one multi-row insert of unnested arrays; the ids come
 * back by (order, number), which is unique, and go to the bundles in
 * that order. */
static int pg_bundles_add(store *s, store_bundle *b, size_t n)
{
	if (n == 0)
		return GLOVED_OK;
	if (n > INT32_MAX || n > SIZE_MAX / sizeof(bundle_key))
		return GLOVED_EINVAL;
	enum { ENT, ORDER, CUT, NO, SIZE, PAIRS, ARRS };
	pg_arr a[ARRS];
	memset(a, 0, sizeof a);
	bundle_key *key = malloc(n * sizeof *key);
	int rc = GLOVED_ENOMEM;
	PGresult *r = NULL;
	if (!key)
		goto out;
	for (size_t i = 0; i < n; i++) {
		key[i] = (bundle_key){b[i].order_id, b[i].no, i};
		pg__arr_i64(&a[ENT], b[i].enterprise_id);
		pg__arr_i64(&a[ORDER], b[i].order_id);
		pg__arr_i64(&a[CUT], b[i].cut_id);
		pg__arr_i64(&a[NO], b[i].no);
		pg__arr_text(&a[SIZE], b[i].size);
		pg__arr_i64(&a[PAIRS], b[i].pairs);
	}
	pg_params p;
	pg__p_init(&p);
	if (pg__p_arrays(&p, a, ARRS))
		goto out;
	r = pg__exec_guarded(
	    (pgc *)s,
	    "WITH ins AS (INSERT INTO bundle(enterprise_id, order_id, cut_id, no, size, pairs)"
	    " SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],"
	    " $5::text[], $6::bigint[]) RETURNING id, order_id, no)"
	    " SELECT id, order_id, no FROM ins ORDER BY order_id, no",
	    &p, &rc);
	if (!r)
		goto out;
	rc = GLOVED_EDB;
	if ((size_t)PQntuples(r) != n)
		goto out;
	qsort(key, n, sizeof *key, by_order_no);
	for (size_t i = 0; i < n; i++) {
		store_bundle *x = &b[key[i].i];
		if (pg__i64(r, (int)i, 1) != x->order_id || pg__int(r, (int)i, 2) != x->no)
			goto out;
		x->id = pg__i64(r, (int)i, 0);
	}
	rc = GLOVED_OK;
out:
	PQclear(r);
	free(key);
	for (int i = 0; i < ARRS; i++)
		pg__arr_free(&a[i]);
	return rc;
}

const store_sewn_ops pg__sewn_ops = {
    .version = STORE_SEWN_VERSION,
    .style_add = pg_style_add,
    .style_get = pg_style_get,
    .style_list = pg_style_list,
    .order_add = pg_order_add,
    .order_get = pg_order_get,
    .order_list = pg_order_list,
    .order_set_status = pg_order_set_status,
    .cut_add = pg_cut_add,
    .cut_pairs = pg_cut_pairs,
    .bundle_next_no = pg_bundle_next_no,
    .bundle_add = pg_bundle_add,
    .bundle_get = pg_bundle_get,
    .bundle_list = pg_bundle_list,
    .bundle_set_out = pg_bundle_set_out,
    .bundle_set_pairs = pg_bundle_set_pairs,
    .bundles_out = pg_bundles_out,
    .household_add = pg_household_add,
    .household_get = pg_household_get,
    .household_list = pg_household_list,
    .dispatch_add = pg_dispatch_add,
    .dispatch_open = pg_dispatch_open,
    .dispatch_close = pg_dispatch_close,
    .scan_get = pg_scan_get,
    .scan_by_id = pg_scan_by_id,
    .scan_add = pg_scan_add,
    .scan_list = pg_scan_list,
    .op_done_list = pg_op_done_list,
    .op_day_pairs = pg_op_day_pairs,
    .op_day_sums = pg_op_day_sums,
    .op_add = pg_op_add,
    .scan_days = pg_scan_days,
    .firm_key_get = pg_firm_key_get,
    .firm_key_put = pg_firm_key_put,
    .order_machine_add = pg_order_machine_add,
    .order_machine_list = pg_order_machine_list,
    .bundles_add = pg_bundles_add,
};
