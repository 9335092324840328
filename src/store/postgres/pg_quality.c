/* SPDX-License-Identifier: Apache-2.0 */
/* pg_quality.c: the PostgreSQL side of store/quality.h, with the results,
 * error codes, scope rules and order of sqlite/sqlite_quality.c. A lot
 * with its bundles, machines and material lots, and an inspection with
 * its classes and defects, are each one statement (data-modifying WITH,
 * the child rows one multi-row insert of unnested array parameters), run
 * guarded: a refused lot (a bundle already in a lot, a code in use) leaves
 * nothing and the caller's transaction usable. Reads filter by the
 * scope's enterprise in SQL; the rows of a lot are read by lot id after
 * the caller got the lot in scope. A test report's PDF is bytea, sent in
 * binary format. Texts sort in byte order (COLLATE "C", as SQLite's
 * BINARY). */
#include "store/postgres/pg_int.h"
#include "util/err.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int i64_row(const PGresult *r, int row, void *dst)
{
	*(int64_t *)dst = pg__i64(r, row, 0);
	return GLOVED_OK;
}

/* A LIMIT where 0 means all (SQLite's -1): NULL. */
static void p_limit_all(pg_params *p, size_t limit)
{
	if (limit == 0 || (uint64_t)limit > (uint64_t)INT64_MAX)
		pg__p_null(p);
	else
		pg__p_i64(p, (int64_t)limit);
}

/* ---- material lots ---- */

#define MAT_COLS                                                                                   \
	"id, enterprise_id, code, kind, supplier, batch, qty_milli, unit, received_day, "          \
	"created_ms"

static int mat_row(const PGresult *r, int row, void *dst)
{
	store_material_lot *x = dst;
	x->id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	TEXT(2, x->code);
	TEXT(3, x->kind);
	TEXT(4, x->supplier);
	TEXT(5, x->batch);
	x->qty_milli = pg__i64(r, row, 6);
	TEXT(7, x->unit);
	x->received_day = pg__int(r, row, 8);
	x->created_ms = pg__i64(r, row, 9);
	return GLOVED_OK;
}

static int pg_material_lot_add(store *s, store_scope sc, store_material_lot *m)
{
	if (!pg__scope_ok(sc, m->enterprise_id))
		return GLOVED_EPERM;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, m->enterprise_id);
	pg__p_text(&p, m->code);
	pg__p_text(&p, m->kind);
	pg__p_text(&p, m->supplier);
	pg__p_text(&p, m->batch);
	pg__p_i64(&p, m->qty_milli);
	pg__p_text(&p, m->unit);
	pg__p_i64(&p, m->received_day);
	pg__p_i64(&p, m->created_ms);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO material_lot(enterprise_id, code, kind, supplier, batch,"
			     " qty_milli, unit, received_day, created_ms)"
			     " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
			     &p, &m->id);
}

static int pg_material_lot_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			       int64_t id, store_material_lot *out)
{
	static const char by_id[] = "SELECT " MAT_COLS " FROM material_lot WHERE id = $1";
	static const char by_code[] = "SELECT " MAT_COLS " FROM material_lot"
				      " WHERE enterprise_id = $1 AND code = $2";
	return pg__get_by_id_or_code((pgc *)s, sc, enterprise_id, code, id, by_id, by_code, out,
				     sizeof *out, offsetof(store_material_lot, enterprise_id),
				     mat_row);
}

static int pg_material_lot_list(store *s, store_scope sc, int64_t enterprise_id,
				store_material_lot **out, size_t *n)
{
	static const char all[] = "SELECT " MAT_COLS " FROM material_lot ORDER BY id DESC";
	static const char firm[] = "SELECT " MAT_COLS " FROM material_lot WHERE enterprise_id = $1"
				   " ORDER BY id DESC";
	return pg__firm_rows((pgc *)s, sc, enterprise_id, all, firm, sizeof **out, mat_row,
			     (void **)out, n);
}

/* ---- lots ---- */

#define LOT_COLS                                                                                   \
	"id, enterprise_id, style_id, order_id, code, size, source, status, result, pieces,"       \
	" from_day, to_day, created_ms, inspected_ms"

static int lot_row(const PGresult *r, int row, void *dst)
{
	store_lot *x = dst;
	x->id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	x->style_id = pg__i64(r, row, 2);
	x->order_id = pg__i64(r, row, 3);
	TEXT(4, x->code);
	TEXT(5, x->size);
	TEXT(6, x->source);
	TEXT(7, x->status);
	TEXT(8, x->result);
	x->pieces = pg__i64(r, row, 9);
	x->from_day = pg__int(r, row, 10);
	x->to_day = pg__int(r, row, 11);
	x->created_ms = pg__i64(r, row, 12);
	x->inspected_ms = pg__i64(r, row, 13);
	return GLOVED_OK;
}

/* The lot and its bundles, machines and materials in one statement: the
 * child rows are inserted from the lot's RETURNING, each list one
 * multi-row insert of unnested arrays. */
static int pg_lot_add(store *s, store_scope sc, store_lot *l, const int64_t *bundles, size_t nb,
		      const store_lot_machine *machines, size_t nm, const store_lot_material *mats,
		      size_t nmat)
{
	if (!pg__scope_ok(sc, l->enterprise_id))
		return GLOVED_EPERM;
	enum { B_ID, M_ID, M_FROM, M_TO, M_PIECES, T_ID, T_QTY, ARRS };
	pg_arr a[ARRS];
	memset(a, 0, sizeof a);
	for (size_t i = 0; i < nb; i++)
		pg__arr_i64(&a[B_ID], bundles[i]);
	for (size_t i = 0; i < nm; i++) {
		pg__arr_i64(&a[M_ID], machines[i].machine_id);
		pg__arr_i64(&a[M_FROM], machines[i].from_day);
		pg__arr_i64(&a[M_TO], machines[i].to_day);
		pg__arr_i64(&a[M_PIECES], machines[i].pieces);
	}
	for (size_t i = 0; i < nmat; i++) {
		pg__arr_i64(&a[T_ID], mats[i].material_lot_id);
		pg__arr_i64(&a[T_QTY], mats[i].qty_milli);
	}
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, l->enterprise_id);
	pg__p_text(&p, l->code);
	pg__p_i64(&p, l->style_id);
	pg__p_i64(&p, l->order_id);
	pg__p_text(&p, l->size);
	pg__p_text(&p, l->source);
	pg__p_text(&p, l->status);
	pg__p_text(&p, l->result);
	pg__p_i64(&p, l->pieces);
	pg__p_i64(&p, l->from_day);
	pg__p_i64(&p, l->to_day);
	pg__p_i64(&p, l->created_ms);
	pg__p_i64(&p, l->inspected_ms);
	int rc = pg__p_arrays(&p, a, ARRS);
	if (!rc)
		rc = pg__insert_id(
		    (pgc *)s,
		    "WITH l AS (INSERT INTO lot(enterprise_id, code, style_id, order_id, size,"
		    " source, status, result, pieces, from_day, to_day, created_ms, inspected_ms)"
		    " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id),"
		    " b AS (INSERT INTO lot_bundle(bundle_id, lot_id) SELECT u.bundle_id, l.id"
		    " FROM l, unnest($14::bigint[]) AS u(bundle_id)),"
		    " m AS (INSERT INTO lot_machine(lot_id, machine_id, from_day, to_day, pieces)"
		    " SELECT l.id, u.machine_id, u.from_day, u.to_day, u.pieces FROM l,"
		    " unnest($15::bigint[], $16::bigint[], $17::bigint[], $18::bigint[])"
		    " AS u(machine_id, from_day, to_day, pieces)),"
		    " t AS (INSERT INTO lot_material(lot_id, material_lot_id, qty_milli)"
		    " SELECT l.id, u.material_lot_id, u.qty_milli FROM l,"
		    " unnest($19::bigint[], $20::bigint[]) AS u(material_lot_id, qty_milli))"
		    " SELECT id FROM l",
		    &p, &l->id);
	for (int i = 0; i < ARRS; i++)
		pg__arr_free(&a[i]);
	return rc;
}

static int pg_lot_get(store *s, store_scope sc, int64_t enterprise_id, const char *code, int64_t id,
		      store_lot *out)
{
	static const char by_id[] = "SELECT " LOT_COLS " FROM lot WHERE id = $1";
	static const char by_code[] = "SELECT " LOT_COLS " FROM lot WHERE enterprise_id = $1"
				      " AND code = $2";
	return pg__get_by_id_or_code((pgc *)s, sc, enterprise_id, code, id, by_id, by_code, out,
				     sizeof *out, offsetof(store_lot, enterprise_id), lot_row);
}

static int pg_lot_list(store *s, store_scope sc, int64_t enterprise_id, const char *status,
		       store_lot **out, size_t *n)
{
	static const char all[] = "SELECT " LOT_COLS " FROM lot WHERE ($1::text = ''"
				  " OR status = $1) ORDER BY id DESC";
	static const char firm[] = "SELECT " LOT_COLS " FROM lot WHERE enterprise_id = $1"
				   " AND ($2::text = '' OR status = $2) ORDER BY id DESC";
	*out = NULL;
	*n = 0;
	int64_t ent = pg__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	pg_params p;
	pg__p_init(&p);
	if (ent)
		pg__p_i64(&p, ent);
	pg__p_text(&p, status ? status : "");
	return pg__rows((pgc *)s, ent ? firm : all, &p, sizeof **out, lot_row, (void **)out, n);
}

static int pg_lot_set_result(store *s, int64_t lot_id, const char *status, const char *result,
			     int64_t inspected_ms)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, status);
	pg__p_text(&p, result);
	pg__p_i64(&p, inspected_ms);
	pg__p_i64(&p, lot_id);
	int64_t changed = 0;
	int rc = pg__run((pgc *)s,
			 "UPDATE lot SET status = $1, result = $2, inspected_ms = $3 WHERE id = $4",
			 &p, 1, &changed);
	if (!rc && changed == 0)
		rc = GLOVED_ENOTFOUND;
	return rc;
}

static int pg_lot_bundles(store *s, int64_t lot_id, store_bundle **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, lot_id);
	return pg__rows((pgc *)s,
			"SELECT b.id, b.enterprise_id, b.order_id, b.cut_id, b.no, b.size, b.pairs,"
			" b.household_id, b.out_ms FROM lot_bundle lb"
			" JOIN bundle b ON b.id = lb.bundle_id WHERE lb.lot_id = $1"
			" ORDER BY b.order_id, b.no",
			&p, sizeof **out, pg__bundle_row, (void **)out, n);
}

static int lot_machine_row(const PGresult *r, int row, void *dst)
{
	store_lot_machine *x = dst;
	x->machine_id = pg__i64(r, row, 0);
	x->from_day = pg__int(r, row, 1);
	x->to_day = pg__int(r, row, 2);
	x->pieces = pg__i64(r, row, 3);
	return GLOVED_OK;
}

static int pg_lot_machines(store *s, int64_t lot_id, store_lot_machine **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, lot_id);
	return pg__rows((pgc *)s,
			"SELECT machine_id, from_day, to_day, pieces FROM lot_machine"
			" WHERE lot_id = $1 ORDER BY machine_id",
			&p, sizeof **out, lot_machine_row, (void **)out, n);
}

static int lot_material_row(const PGresult *r, int row, void *dst)
{
	store_lot_material *x = dst;
	x->material_lot_id = pg__i64(r, row, 0);
	x->qty_milli = pg__i64(r, row, 1);
	TEXT(2, x->code);
	TEXT(3, x->kind);
	TEXT(4, x->supplier);
	TEXT(5, x->batch);
	TEXT(6, x->unit);
	return GLOVED_OK;
}

static int pg_lot_materials(store *s, int64_t lot_id, store_lot_material **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, lot_id);
	return pg__rows((pgc *)s,
			"SELECT lm.material_lot_id, lm.qty_milli, m.code, m.kind, m.supplier,"
			" m.batch, m.unit FROM lot_material lm"
			" JOIN material_lot m ON m.id = lm.material_lot_id WHERE lm.lot_id = $1"
			" ORDER BY m.code COLLATE \"C\", lm.material_lot_id",
			&p, sizeof **out, lot_material_row, (void **)out, n);
}

static int pg_bundle_lot(store *s, int64_t bundle_id, int64_t *lot_id)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, bundle_id);
	return pg__one((pgc *)s, "SELECT lot_id FROM lot_bundle WHERE bundle_id = $1", &p, lot_id,
		       i64_row);
}

static int pg_machine_lot(store *s, int64_t machine_id, int32_t from_day, int32_t to_day,
			  int64_t *lot_id)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, machine_id);
	pg__p_i64(&p, from_day);
	pg__p_i64(&p, to_day);
	return pg__one((pgc *)s,
		       "SELECT lot_id FROM lot_machine WHERE machine_id = $1 AND from_day <= $3"
		       " AND to_day >= $2 ORDER BY lot_id LIMIT 1",
		       &p, lot_id, i64_row);
}

static int pg_material_lot_uses(store *s, store_scope sc, int64_t material_lot_id, store_lot **out,
				size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, material_lot_id);
	pg__p_i64(&p, sc.enterprise_id);
	return pg__rows((pgc *)s,
			"SELECT l.id, l.enterprise_id, l.style_id, l.order_id, l.code, l.size,"
			" l.source, l.status, l.result, l.pieces, l.from_day, l.to_day,"
			" l.created_ms, l.inspected_ms FROM lot_material lm"
			" JOIN lot l ON l.id = lm.lot_id WHERE lm.material_lot_id = $1"
			" AND ($2::bigint = 0 OR l.enterprise_id = $2) ORDER BY l.id",
			&p, sizeof **out, lot_row, (void **)out, n);
}

/* ---- cartons ---- */

#define CARTON_COLS "id, enterprise_id, lot_id, code, pairs, created_ms"

static int carton_row(const PGresult *r, int row, void *dst)
{
	store_carton *x = dst;
	x->id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	x->lot_id = pg__i64(r, row, 2);
	TEXT(3, x->code);
	x->pairs = pg__i64(r, row, 4);
	x->created_ms = pg__i64(r, row, 5);
	return GLOVED_OK;
}

static int pg_carton_add(store *s, store_carton *c)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, c->enterprise_id);
	pg__p_i64(&p, c->lot_id);
	pg__p_text(&p, c->code);
	pg__p_i64(&p, c->pairs);
	pg__p_i64(&p, c->created_ms);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO carton(enterprise_id, lot_id, code, pairs, created_ms)"
			     " VALUES($1, $2, $3, $4, $5) RETURNING id",
			     &p, &c->id);
}

/* A carton's key (firm, code) and its position in the input. */
typedef struct carton_key {
	int64_t enterprise_id;
	const char *code;
	size_t i;
} carton_key;

/* Byte order, as COLLATE "C" answers them. */
static int by_firm_code(const void *x, const void *y)
{
	const carton_key *a = x, *b = y;
	if (a->enterprise_id != b->enterprise_id)
		return a->enterprise_id < b->enterprise_id ? -1 : 1;
	return strcmp(a->code, b->code);
}

/* All n cartons in one multi-row insert of unnested arrays; the ids come
 * back by (firm, code), which is unique, and go to the cartons in that
 * order. */
static int pg_cartons_add(store *s, store_carton *c, size_t n)
{
	if (n == 0)
		return GLOVED_OK;
	if (n > INT32_MAX || n > SIZE_MAX / sizeof(carton_key))
		return GLOVED_EINVAL;
	enum { ENT, LOT, CODE, PAIRS, CREATED, ARRS };
	pg_arr a[ARRS];
	memset(a, 0, sizeof a);
	carton_key *key = malloc(n * sizeof *key);
	int rc = GLOVED_ENOMEM;
	PGresult *r = NULL;
	if (!key)
		goto out;
	for (size_t i = 0; i < n; i++) {
		key[i] = (carton_key){c[i].enterprise_id, c[i].code, i};
		pg__arr_i64(&a[ENT], c[i].enterprise_id);
		pg__arr_i64(&a[LOT], c[i].lot_id);
		pg__arr_text(&a[CODE], c[i].code);
		pg__arr_i64(&a[PAIRS], c[i].pairs);
		pg__arr_i64(&a[CREATED], c[i].created_ms);
	}
	pg_params p;
	pg__p_init(&p);
	if (pg__p_arrays(&p, a, ARRS))
		goto out;
	r = pg__exec_guarded((pgc *)s,
			     "WITH ins AS (INSERT INTO carton(enterprise_id, lot_id, code, pairs,"
			     " created_ms) SELECT * FROM unnest($1::bigint[], $2::bigint[],"
			     " $3::text[], $4::bigint[], $5::bigint[])"
			     " RETURNING id, enterprise_id, code)"
			     " SELECT id, enterprise_id, code FROM ins"
			     " ORDER BY enterprise_id, code COLLATE \"C\"",
			     &p, &rc);
	if (!r)
		goto out;
	rc = GLOVED_EDB;
	if ((size_t)PQntuples(r) != n)
		goto out;
	qsort(key, n, sizeof *key, by_firm_code);
	for (size_t i = 0; i < n; i++) {
		store_carton *x = &c[key[i].i];
		if (pg__i64(r, (int)i, 1) != x->enterprise_id ||
		    strcmp(PQgetvalue(r, (int)i, 2), x->code) != 0)
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

static int pg_carton_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			 store_carton *out)
{
	static const char by_id[] = "SELECT " CARTON_COLS " FROM carton WHERE id = $1";
	static const char by_code[] = "SELECT " CARTON_COLS " FROM carton WHERE enterprise_id = $1"
				      " AND code = $2";
	return pg__get_by_id_or_code((pgc *)s, sc, enterprise_id, code, 0, by_id, by_code, out,
				     sizeof *out, offsetof(store_carton, enterprise_id),
				     carton_row);
}

static int pg_carton_list(store *s, store_scope sc, int64_t enterprise_id, int64_t lot_id,
			  store_carton **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int64_t ent = pg__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, ent);
	pg__p_i64(&p, lot_id);
	return pg__rows((pgc *)s,
			"SELECT " CARTON_COLS " FROM carton WHERE ($1::bigint = 0 OR"
			" enterprise_id = $1) AND ($2::bigint = 0 OR lot_id = $2)"
			" ORDER BY lot_id, code COLLATE \"C\"",
			&p, sizeof **out, carton_row, (void **)out, n);
}

/* ---- inspections ---- */

/* The inspection with its classes (at most 3) and defects (at most
 * STORE_MAX_DEFECTS, numbered from 0) in one statement. */
static int pg_inspection_add(store *s, store_inspection *x)
{
	enum {
		C_CLS,
		C_MILLI,
		C_LETTER,
		C_SAMPLE,
		C_AC,
		C_RE,
		C_FOUND,
		D_SEQ,
		D_TYPE,
		D_CLS,
		D_COUNT,
		ARRS
	};
	pg_arr a[ARRS];
	memset(a, 0, sizeof a);
	for (int32_t i = 0; i < x->n_classes && i < 3; i++) {
		const store_insp_class *c = &x->classes[i];
		char letter[2] = {c->letter, 0};
		pg__arr_text(&a[C_CLS], c->cls);
		pg__arr_i64(&a[C_MILLI], c->milli);
		pg__arr_text(&a[C_LETTER], letter);
		pg__arr_i64(&a[C_SAMPLE], c->sample);
		pg__arr_i64(&a[C_AC], c->ac);
		pg__arr_i64(&a[C_RE], c->re);
		pg__arr_i64(&a[C_FOUND], c->found);
	}
	for (int32_t i = 0; i < x->n_defects && i < STORE_MAX_DEFECTS; i++) {
		const store_insp_defect *d = &x->defects[i];
		pg__arr_i64(&a[D_SEQ], i);
		pg__arr_text(&a[D_TYPE], d->type);
		pg__arr_text(&a[D_CLS], d->cls);
		pg__arr_i64(&a[D_COUNT], d->count);
	}
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_i64(&p, x->lot_id);
	pg__p_i64(&p, x->style_id);
	pg__p_i64(&p, x->ts_ms);
	pg__p_text(&p, x->inspector);
	pg__p_text(&p, x->level);
	pg__p_text(&p, x->severity);
	pg__p_text(&p, x->result);
	pg__p_i64(&p, x->resubmitted);
	pg__p_i64(&p, x->lot_pieces);
	pg__p_text(&p, x->note);
	int rc = pg__p_arrays(&p, a, ARRS);
	if (!rc)
		rc = pg__insert_id(
		    (pgc *)s,
		    "WITH i AS (INSERT INTO inspection(enterprise_id, lot_id, style_id, ts_ms,"
		    " inspector, level, severity, result, resubmitted, lot_pieces, note)"
		    " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id),"
		    " c AS (INSERT INTO inspection_class(inspection_id, cls, milli, letter, sample,"
		    " ac, re, found) SELECT i.id, u.cls, u.milli, u.letter, u.sample, u.ac, u.re,"
		    " u.found FROM i, unnest($12::text[], $13::bigint[], $14::text[],"
		    " $15::bigint[], $16::bigint[], $17::bigint[], $18::bigint[])"
		    " AS u(cls, milli, letter, sample, ac, re, found)),"
		    " d AS (INSERT INTO inspection_defect(inspection_id, seq, type, cls, count)"
		    " SELECT i.id, u.seq, u.type, u.cls, u.count FROM i, unnest($19::bigint[],"
		    " $20::text[], $21::text[], $22::bigint[]) AS u(seq, type, cls, count))"
		    " SELECT id FROM i",
		    &p, &x->id);
	for (int i = 0; i < ARRS; i++)
		pg__arr_free(&a[i]);
	return rc;
}

static int insp_row(const PGresult *r, int row, void *dst)
{
	store_inspection *x = dst;
	x->id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	x->lot_id = pg__i64(r, row, 2);
	x->style_id = pg__i64(r, row, 3);
	x->ts_ms = pg__i64(r, row, 4);
	TEXT(5, x->inspector);
	TEXT(6, x->level);
	TEXT(7, x->severity);
	TEXT(8, x->result);
	x->resubmitted = pg__int(r, row, 9);
	x->lot_pieces = pg__i64(r, row, 10);
	TEXT(11, x->note);
	return GLOVED_OK;
}

/* The classes and defects of inspection x. */
static int load_insp(pgc *q, store_inspection *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->id);
	int rc;
	PGresult *r =
	    pg__exec(q,
		     "SELECT cls, milli, letter, sample, ac, re, found FROM inspection_class"
		     " WHERE inspection_id = $1 ORDER BY CASE cls WHEN 'critical' THEN 0"
		     " WHEN 'major' THEN 1 ELSE 2 END, cls COLLATE \"C\"",
		     &p, &rc);
	x->n_classes = 0;
	x->n_defects = 0;
	if (!r)
		return rc;
	for (int row = 0; row < PQntuples(r) && x->n_classes < 3; row++) {
		store_insp_class *c = &x->classes[x->n_classes++];
		char letter[2];
		TEXT(0, c->cls);
		c->milli = pg__int(r, row, 1);
		TEXT(2, letter);
		c->letter = letter[0];
		c->sample = pg__int(r, row, 3);
		c->ac = pg__int(r, row, 4);
		c->re = pg__int(r, row, 5);
		c->found = pg__int(r, row, 6);
	}
	PQclear(r);
	r = pg__exec(q,
		     "SELECT type, cls, count FROM inspection_defect WHERE inspection_id = $1"
		     " ORDER BY seq",
		     &p, &rc);
	if (!r)
		return rc;
	for (int row = 0; row < PQntuples(r) && x->n_defects < STORE_MAX_DEFECTS; row++) {
		store_insp_defect *d = &x->defects[x->n_defects++];
		TEXT(0, d->type);
		TEXT(1, d->cls);
		d->count = pg__int(r, row, 2);
	}
	PQclear(r);
	return GLOVED_OK;
}

static int pg_inspection_list(store *s, store_scope sc, int64_t enterprise_id, int64_t lot_id,
			      int64_t style_id, size_t limit, store_inspection **out, size_t *n)
{
	pgc *q = (pgc *)s;
	*out = NULL;
	*n = 0;
	int64_t ent = pg__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, ent);
	pg__p_i64(&p, lot_id);
	pg__p_i64(&p, style_id);
	p_limit_all(&p, limit);
	int rc =
	    pg__rows(q,
		     "SELECT id, enterprise_id, lot_id, style_id, ts_ms, inspector, level,"
		     " severity, result, resubmitted, lot_pieces, note FROM inspection"
		     " WHERE ($1::bigint = 0 OR enterprise_id = $1)"
		     " AND ($2::bigint = 0 OR lot_id = $2) AND ($3::bigint = 0 OR style_id = $3)"
		     " ORDER BY ts_ms DESC, id DESC LIMIT $4",
		     &p, sizeof **out, insp_row, (void **)out, n);
	for (size_t i = 0; i < *n && !rc; i++)
		rc = load_insp(q, &(*out)[i]);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- switching ---- */

static int state_row(const PGresult *r, int row, void *dst)
{
	store_aql_state *x = dst;
	x->enterprise_id = pg__i64(r, row, 0);
	x->style_id = pg__i64(r, row, 1);
	TEXT(2, x->severity);
	x->stopped = pg__int(r, row, 3);
	x->score = pg__int(r, row, 4);
	x->recent = (uint32_t)pg__i64(r, row, 5);
	x->n_recent = pg__int(r, row, 6);
	x->accepted_run = pg__int(r, row, 7);
	x->rejected_tight = pg__int(r, row, 8);
	x->reduced_allowed = pg__int(r, row, 9);
	x->updated_ms = pg__i64(r, row, 10);
	return GLOVED_OK;
}

static int pg_aql_state_get(store *s, int64_t enterprise_id, int64_t style_id, store_aql_state *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	pg__p_i64(&p, style_id);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s,
		       "SELECT enterprise_id, style_id, severity, stopped, score, recent, n_recent,"
		       " accepted_run, rejected_tight, reduced_allowed, updated_ms FROM aql_state"
		       " WHERE enterprise_id = $1 AND style_id = $2",
		       &p, out, state_row);
}

/* SQLite's INSERT OR REPLACE: aql_state has no trigger and nothing refers
 * to it, so replacing the row is updating every column. */
static int pg_aql_state_put(store *s, const store_aql_state *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_i64(&p, x->style_id);
	pg__p_text(&p, x->severity);
	pg__p_i64(&p, x->stopped);
	pg__p_i64(&p, x->score);
	pg__p_i64(&p, (int64_t)x->recent);
	pg__p_i64(&p, x->n_recent);
	pg__p_i64(&p, x->accepted_run);
	pg__p_i64(&p, x->rejected_tight);
	pg__p_i64(&p, x->reduced_allowed);
	pg__p_i64(&p, x->updated_ms);
	return pg__run(
	    (pgc *)s,
	    "INSERT INTO aql_state(enterprise_id, style_id, severity, stopped, score, recent,"
	    " n_recent, accepted_run, rejected_tight, reduced_allowed, updated_ms)"
	    " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
	    " ON CONFLICT(enterprise_id, style_id) DO UPDATE SET severity = excluded.severity,"
	    " stopped = excluded.stopped, score = excluded.score, recent = excluded.recent,"
	    " n_recent = excluded.n_recent, accepted_run = excluded.accepted_run,"
	    " rejected_tight = excluded.rejected_tight, reduced_allowed = excluded.reduced_allowed,"
	    " updated_ms = excluded.updated_ms",
	    &p, 1, NULL);
}

static int pg_aql_event_add(store *s, const store_aql_event *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_i64(&p, x->style_id);
	pg__p_i64(&p, x->lot_id);
	pg__p_i64(&p, x->ts_ms);
	pg__p_text(&p, x->result);
	pg__p_text(&p, x->event);
	pg__p_text(&p, x->severity);
	pg__p_i64(&p, x->score);
	pg__p_text(&p, x->by);
	return pg__run(
	    (pgc *)s,
	    "INSERT INTO aql_event(enterprise_id, style_id, lot_id, ts_ms, result, event,"
	    " severity, score, by_user) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)",
	    &p, 1, NULL);
}

static int event_row(const PGresult *r, int row, void *dst)
{
	store_aql_event *x = dst;
	x->id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	x->style_id = pg__i64(r, row, 2);
	x->lot_id = pg__i64(r, row, 3);
	x->ts_ms = pg__i64(r, row, 4);
	TEXT(5, x->result);
	TEXT(6, x->event);
	TEXT(7, x->severity);
	x->score = pg__int(r, row, 8);
	TEXT(9, x->by);
	TEXT(10, x->lot);
	return GLOVED_OK;
}

static int pg_aql_event_list(store *s, store_scope sc, int64_t enterprise_id, int64_t style_id,
			     size_t limit, store_aql_event **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int64_t ent = pg__read_ent(sc, enterprise_id);
	if (ent <= 0)
		return ent < 0 ? GLOVED_OK : GLOVED_EINVAL;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, ent);
	pg__p_i64(&p, style_id);
	p_limit_all(&p, limit);
	return pg__rows((pgc *)s,
			"SELECT e.id, e.enterprise_id, e.style_id, e.lot_id, e.ts_ms, e.result,"
			" e.event, e.severity, e.score, e.by_user, coalesce(l.code, '')"
			" FROM aql_event e LEFT JOIN lot l ON l.id = e.lot_id"
			" WHERE e.enterprise_id = $1 AND e.style_id = $2 ORDER BY e.id DESC"
			" LIMIT $3",
			&p, sizeof **out, event_row, (void **)out, n);
}

/* ---- test reports ---- */

#define TEST_COLS                                                                                  \
	"id, enterprise_id, style_id, material_lot_id, report_no, lab, day, en388, markings, raw," \
	" coalesce(length(pdf), 0), created_ms"

static int test_row(const PGresult *r, int row, void *dst)
{
	store_test *x = dst;
	x->id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	x->style_id = pg__i64(r, row, 2);
	x->material_lot_id = pg__i64(r, row, 3);
	TEXT(4, x->report_no);
	TEXT(5, x->lab);
	x->day = pg__int(r, row, 6);
	TEXT(7, x->en388);
	TEXT(8, x->markings);
	TEXT(9, x->raw);
	x->pdf_bytes = pg__i64(r, row, 10);
	x->created_ms = pg__i64(r, row, 11);
	return GLOVED_OK;
}

static int pg_test_add(store *s, store_scope sc, store_test *t)
{
	if (!pg__scope_ok(sc, t->enterprise_id))
		return GLOVED_EPERM;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, t->enterprise_id);
	pg__p_i64(&p, t->style_id);
	pg__p_i64(&p, t->material_lot_id);
	pg__p_text(&p, t->report_no);
	pg__p_text(&p, t->lab);
	pg__p_i64(&p, t->day);
	pg__p_text(&p, t->en388);
	pg__p_text(&p, t->markings);
	pg__p_text(&p, t->raw);
	pg__p_i64(&p, t->created_ms);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO test_report(enterprise_id, style_id, material_lot_id,"
			     " report_no, lab, day, en388, markings, raw, created_ms)"
			     " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
			     &p, &t->id);
}

static int pg_test_get(store *s, store_scope sc, int64_t enterprise_id, int64_t id, store_test *out)
{
	int64_t ent = pg__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_ENOTFOUND;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, id);
	pg__p_i64(&p, ent);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s,
		       "SELECT " TEST_COLS " FROM test_report WHERE id = $1"
		       " AND ($2::bigint = 0 OR enterprise_id = $2)",
		       &p, out, test_row);
}

static int pg_test_list(store *s, store_scope sc, int64_t enterprise_id, int64_t style_id,
			int64_t material_lot_id, store_test **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int64_t ent = pg__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, ent);
	pg__p_i64(&p, style_id);
	pg__p_i64(&p, material_lot_id);
	return pg__rows((pgc *)s,
			"SELECT " TEST_COLS " FROM test_report WHERE ($1::bigint = 0"
			" OR enterprise_id = $1) AND (($2::bigint = 0 AND $3::bigint = 0)"
			" OR ($2 <> 0 AND style_id = $2) OR ($3 <> 0 AND material_lot_id = $3))"
			" ORDER BY day DESC, id DESC",
			&p, sizeof **out, test_row, (void **)out, n);
}

static int pg_test_pdf_put(store *s, int64_t id, const void *pdf, size_t len)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_bin(&p, pdf, len);
	pg__p_i64(&p, id);
	int64_t changed = 0;
	int rc =
	    pg__run((pgc *)s, "UPDATE test_report SET pdf = $1 WHERE id = $2", &p, 1, &changed);
	if (!rc && changed == 0)
		rc = GLOVED_ENOTFOUND;
	return rc;
}

typedef struct pdf_out {
	void *pdf;
	size_t len;
} pdf_out;

/* The bytea (text form) into a buffer of store__realloc, as SQLite's. */
static int pdf_row(const PGresult *r, int row, void *dst)
{
	pdf_out *o = dst;
	size_t len = 0;
	unsigned char *b = PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, 0), &len);
	if (!b)
		return GLOVED_ENOMEM;
	void *copy = store__realloc(NULL, len > 0 ? len : 1);
	if (copy && len > 0)
		memcpy(copy, b, len);
	PQfreemem(b);
	if (!copy)
		return GLOVED_ENOMEM;
	o->pdf = copy;
	o->len = len;
	return GLOVED_OK;
}

static int pg_test_pdf_get(store *s, store_scope sc, int64_t enterprise_id, int64_t id, void **pdf,
			   size_t *len)
{
	*pdf = NULL;
	*len = 0;
	int64_t ent = pg__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_ENOTFOUND;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, id);
	pg__p_i64(&p, ent);
	pdf_out o = {0};
	int rc = pg__one((pgc *)s,
			 "SELECT pdf FROM test_report WHERE id = $1"
			 " AND ($2::bigint = 0 OR enterprise_id = $2) AND pdf IS NOT NULL",
			 &p, &o, pdf_row);
	if (!rc) {
		*pdf = o.pdf;
		*len = o.len;
	}
	return rc;
}

const store_quality_ops pg__quality_ops = {
    .version = STORE_QUALITY_VERSION,
    .material_lot_add = pg_material_lot_add,
    .material_lot_get = pg_material_lot_get,
    .material_lot_list = pg_material_lot_list,
    .lot_add = pg_lot_add,
    .lot_get = pg_lot_get,
    .lot_list = pg_lot_list,
    .lot_set_result = pg_lot_set_result,
    .lot_bundles = pg_lot_bundles,
    .lot_machines = pg_lot_machines,
    .lot_materials = pg_lot_materials,
    .bundle_lot = pg_bundle_lot,
    .machine_lot = pg_machine_lot,
    .material_lot_uses = pg_material_lot_uses,
    .carton_add = pg_carton_add,
    .carton_get = pg_carton_get,
    .carton_list = pg_carton_list,
    .inspection_add = pg_inspection_add,
    .inspection_list = pg_inspection_list,
    .aql_state_get = pg_aql_state_get,
    .aql_state_put = pg_aql_state_put,
    .aql_event_add = pg_aql_event_add,
    .aql_event_list = pg_aql_event_list,
    .test_add = pg_test_add,
    .test_get = pg_test_get,
    .test_list = pg_test_list,
    .test_pdf_put = pg_test_pdf_put,
    .test_pdf_get = pg_test_pdf_get,
    .cartons_add = pg_cartons_add,
};
