/* SPDX-License-Identifier: Apache-2.0 */
/* sqlite_quality.c: the SQLite side of store/quality.h. A lot and its
 * bundles, machines and materials are written by one call in the caller's
 * transaction (a bundle's primary key in lot_bundle keeps it in one lot);
 * an inspection with its classes and defects likewise. Each runs under a
 * savepoint (sqlite__unit_begin): a refused one changes nothing, as on
 * PostgreSQL. Reads filter by the scope's enterprise in SQL; the rows of a
 * lot (bundles, machines, materials) are read by lot id after the caller
 * got the lot in scope. */
#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define TEXT(i, f) sqlite__text_col(st, i, f, sizeof f)

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* ---- material lots ---- */

#define MAT_COLS                                                                                   \
	"id, enterprise_id, code, kind, supplier, batch, qty_milli, unit, received_day, "          \
	"created_ms"

static int mat_row(sqlite3_stmt *st, void *dst)
{
	store_material_lot *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	TEXT(2, x->code);
	TEXT(3, x->kind);
	TEXT(4, x->supplier);
	TEXT(5, x->batch);
	x->qty_milli = sqlite3_column_int64(st, 6);
	TEXT(7, x->unit);
	x->received_day = sqlite3_column_int(st, 8);
	x->created_ms = sqlite3_column_int64(st, 9);
	return GLOVED_OK;
}

static int sq_material_lot_add(store *s, store_scope sc, store_material_lot *m)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, m->enterprise_id))
		return GLOVED_EPERM;
	sqlite3_stmt *st = sqlite__cached(
	    q, "INSERT INTO material_lot(enterprise_id, code, kind, supplier, batch, qty_milli,"
	       " unit, received_day, created_ms) VALUES(?,?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, m->enterprise_id);
	bind_text(st, 2, m->code);
	bind_text(st, 3, m->kind);
	bind_text(st, 4, m->supplier);
	bind_text(st, 5, m->batch);
	sqlite3_bind_int64(st, 6, m->qty_milli);
	bind_text(st, 7, m->unit);
	sqlite3_bind_int(st, 8, m->received_day);
	sqlite3_bind_int64(st, 9, m->created_ms);
	int rc = sqlite__run(q, st);
	if (!rc)
		m->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int sq_material_lot_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			       int64_t id, store_material_lot *out)
{
	static const char by_id[] = "SELECT " MAT_COLS " FROM material_lot WHERE id = ?1";
	static const char by_code[] = "SELECT " MAT_COLS " FROM material_lot"
				      " WHERE enterprise_id = ?2 AND code = ?3";
	return sqlite__get_by_id_or_code((sq *)s, sc, enterprise_id, code, id, by_id, by_code, out,
					 sizeof *out, offsetof(store_material_lot, enterprise_id),
					 mat_row);
}

static int sq_material_lot_list(store *s, store_scope sc, int64_t enterprise_id,
				store_material_lot **out, size_t *n)
{
	static const char all[] = "SELECT " MAT_COLS " FROM material_lot ORDER BY id DESC";
	static const char firm[] = "SELECT " MAT_COLS " FROM material_lot WHERE enterprise_id = ?1"
				   " ORDER BY id DESC";
	return sqlite__firm_rows((sq *)s, sc, enterprise_id, all, firm, sizeof **out, mat_row,
				 (void **)out, n);
}

/* ---- lots ---- */

#define LOT_COLS                                                                                   \
	"id, enterprise_id, style_id, order_id, code, size, source, status, result, pieces,"       \
	" from_day, to_day, created_ms, inspected_ms"

static int lot_row(sqlite3_stmt *st, void *dst)
{
	store_lot *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	x->style_id = sqlite3_column_int64(st, 2);
	x->order_id = sqlite3_column_int64(st, 3);
	TEXT(4, x->code);
	TEXT(5, x->size);
	TEXT(6, x->source);
	TEXT(7, x->status);
	TEXT(8, x->result);
	x->pieces = sqlite3_column_int64(st, 9);
	x->from_day = sqlite3_column_int(st, 10);
	x->to_day = sqlite3_column_int(st, 11);
	x->created_ms = sqlite3_column_int64(st, 12);
	x->inspected_ms = sqlite3_column_int64(st, 13);
	return GLOVED_OK;
}

static int sq_lot_add_one(store *s, store_scope sc, store_lot *l, const int64_t *bundles, size_t nb,
			  const store_lot_machine *machines, size_t nm,
			  const store_lot_material *mats, size_t nmat)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, l->enterprise_id))
		return GLOVED_EPERM;
	sqlite3_stmt *st = sqlite__cached(
	    q, "INSERT INTO lot(enterprise_id, code, style_id, order_id, size, source, status,"
	       " result, pieces, from_day, to_day, created_ms, inspected_ms)"
	       " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, l->enterprise_id);
	bind_text(st, 2, l->code);
	sqlite3_bind_int64(st, 3, l->style_id);
	sqlite3_bind_int64(st, 4, l->order_id);
	bind_text(st, 5, l->size);
	bind_text(st, 6, l->source);
	bind_text(st, 7, l->status);
	bind_text(st, 8, l->result);
	sqlite3_bind_int64(st, 9, l->pieces);
	sqlite3_bind_int(st, 10, l->from_day);
	sqlite3_bind_int(st, 11, l->to_day);
	sqlite3_bind_int64(st, 12, l->created_ms);
	sqlite3_bind_int64(st, 13, l->inspected_ms);
	int rc = sqlite__run(q, st);
	if (rc)
		return rc;
	l->id = sqlite3_last_insert_rowid(q->db);
	for (size_t i = 0; i < nb && !rc; i++) {
		st = sqlite__cached(q, "INSERT INTO lot_bundle(bundle_id, lot_id) VALUES(?,?)");
		if (!st)
			return GLOVED_EDB;
		sqlite3_bind_int64(st, 1, bundles[i]);
		sqlite3_bind_int64(st, 2, l->id);
		rc = sqlite__run(q, st);
	}
	for (size_t i = 0; i < nm && !rc; i++) {
		st = sqlite__cached(q, "INSERT INTO lot_machine(lot_id, machine_id, from_day,"
				       " to_day, pieces) VALUES(?,?,?,?,?)");
		if (!st)
			return GLOVED_EDB;
		sqlite3_bind_int64(st, 1, l->id);
		sqlite3_bind_int64(st, 2, machines[i].machine_id);
		sqlite3_bind_int(st, 3, machines[i].from_day);
		sqlite3_bind_int(st, 4, machines[i].to_day);
		sqlite3_bind_int64(st, 5, machines[i].pieces);
		rc = sqlite__run(q, st);
	}
	for (size_t i = 0; i < nmat && !rc; i++) {
		st = sqlite__cached(q, "INSERT INTO lot_material(lot_id, material_lot_id,"
				       " qty_milli) VALUES(?,?,?)");
		if (!st)
			return GLOVED_EDB;
		sqlite3_bind_int64(st, 1, l->id);
		sqlite3_bind_int64(st, 2, mats[i].material_lot_id);
		sqlite3_bind_int64(st, 3, mats[i].qty_milli);
		rc = sqlite__run(q, st);
	}
	return rc;
}

/* The lot and its bundles, machines and materials, or (refused, as a bundle in
 * another lot) none of them. */
static int sq_lot_add(store *s, store_scope sc, store_lot *l, const int64_t *bundles, size_t nb,
		      const store_lot_machine *machines, size_t nm, const store_lot_material *mats,
		      size_t nmat)
{
	sq *q = (sq *)s;
	int rc = sqlite__unit_begin(q);
	if (!rc)
		rc = sqlite__unit_end(
		    q, sq_lot_add_one(s, sc, l, bundles, nb, machines, nm, mats, nmat));
	return rc;
}

static int sq_lot_get(store *s, store_scope sc, int64_t enterprise_id, const char *code, int64_t id,
		      store_lot *out)
{
	static const char by_id[] = "SELECT " LOT_COLS " FROM lot WHERE id = ?1";
	static const char by_code[] = "SELECT " LOT_COLS " FROM lot WHERE enterprise_id = ?2"
				      " AND code = ?3";
	return sqlite__get_by_id_or_code((sq *)s, sc, enterprise_id, code, id, by_id, by_code, out,
					 sizeof *out, offsetof(store_lot, enterprise_id), lot_row);
}

static int sq_lot_list(store *s, store_scope sc, int64_t enterprise_id, const char *status,
		       store_lot **out, size_t *n)
{
	static const char all[] = "SELECT " LOT_COLS " FROM lot WHERE (?2 = '' OR status = ?2)"
				  " ORDER BY id DESC";
	static const char firm[] = "SELECT " LOT_COLS " FROM lot WHERE enterprise_id = ?1"
				   " AND (?2 = '' OR status = ?2) ORDER BY id DESC";
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	sqlite3_stmt *st = sqlite__cached(q, ent ? firm : all);
	if (st) {
		sqlite3_bind_int64(st, 1, ent);
		bind_text(st, 2, status ? status : "");
	}
	return sqlite__rows(q, st, sizeof **out, lot_row, (void **)out, n);
}

static int sq_lot_set_result(store *s, int64_t lot_id, const char *status, const char *result,
			     int64_t inspected_ms)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "UPDATE lot SET status = ?, result = ?, inspected_ms = ? WHERE id = ?");
	if (!st)
		return GLOVED_EDB;
	bind_text(st, 1, status);
	bind_text(st, 2, result);
	sqlite3_bind_int64(st, 3, inspected_ms);
	sqlite3_bind_int64(st, 4, lot_id);
	int rc = sqlite__run(q, st);
	if (!rc && sqlite3_changes(q->db) == 0)
		rc = GLOVED_ENOTFOUND;
	return rc;
}

static int sq_lot_bundles(store *s, int64_t lot_id, store_bundle **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT b.id, b.enterprise_id, b.order_id, b.cut_id, b.no, b.size, b.pairs,"
	       " b.household_id, b.out_ms FROM lot_bundle lb JOIN bundle b ON b.id = lb.bundle_id"
	       " WHERE lb.lot_id = ? ORDER BY b.order_id, b.no");
	if (st)
		sqlite3_bind_int64(st, 1, lot_id);
	return sqlite__rows(q, st, sizeof **out, sqlite__bundle_row, (void **)out, n);
}

static int lot_machine_row(sqlite3_stmt *st, void *dst)
{
	store_lot_machine *x = dst;
	x->machine_id = sqlite3_column_int64(st, 0);
	x->from_day = sqlite3_column_int(st, 1);
	x->to_day = sqlite3_column_int(st, 2);
	x->pieces = sqlite3_column_int64(st, 3);
	return GLOVED_OK;
}

static int sq_lot_machines(store *s, int64_t lot_id, store_lot_machine **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT machine_id, from_day, to_day, pieces"
			      " FROM lot_machine WHERE lot_id = ? ORDER BY machine_id");
	if (st)
		sqlite3_bind_int64(st, 1, lot_id);
	return sqlite__rows(q, st, sizeof **out, lot_machine_row, (void **)out, n);
}

static int lot_material_row(sqlite3_stmt *st, void *dst)
{
	store_lot_material *x = dst;
	x->material_lot_id = sqlite3_column_int64(st, 0);
	x->qty_milli = sqlite3_column_int64(st, 1);
	TEXT(2, x->code);
	TEXT(3, x->kind);
	TEXT(4, x->supplier);
	TEXT(5, x->batch);
	TEXT(6, x->unit);
	return GLOVED_OK;
}

static int sq_lot_materials(store *s, int64_t lot_id, store_lot_material **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT lm.material_lot_id, lm.qty_milli, m.code, m.kind, m.supplier, m.batch,"
	       " m.unit FROM lot_material lm JOIN material_lot m ON m.id = lm.material_lot_id"
	       " WHERE lm.lot_id = ? ORDER BY m.code");
	if (st)
		sqlite3_bind_int64(st, 1, lot_id);
	return sqlite__rows(q, st, sizeof **out, lot_material_row, (void **)out, n);
}

static int id_row(sqlite3_stmt *st, void *dst)
{
	*(int64_t *)dst = sqlite3_column_int64(st, 0);
	return GLOVED_OK;
}

static int sq_bundle_lot(store *s, int64_t bundle_id, int64_t *lot_id)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT lot_id FROM lot_bundle WHERE bundle_id = ?");
	if (st)
		sqlite3_bind_int64(st, 1, bundle_id);
	return sqlite__one(q, st, lot_id, id_row);
}

static int sq_machine_lot(store *s, int64_t machine_id, int32_t from_day, int32_t to_day,
			  int64_t *lot_id)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT lot_id FROM lot_machine WHERE machine_id = ?1"
			      " AND from_day <= ?3 AND to_day >= ?2 ORDER BY lot_id LIMIT 1");
	if (st) {
		sqlite3_bind_int64(st, 1, machine_id);
		sqlite3_bind_int(st, 2, from_day);
		sqlite3_bind_int(st, 3, to_day);
	}
	return sqlite__one(q, st, lot_id, id_row);
}

static int sq_material_lot_uses(store *s, store_scope sc, int64_t material_lot_id, store_lot **out,
				size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT l.id, l.enterprise_id, l.style_id, l.order_id, l.code, l.size, l.source,"
	       " l.status, l.result, l.pieces, l.from_day, l.to_day, l.created_ms,"
	       " l.inspected_ms FROM lot_material lm JOIN lot l ON l.id = lm.lot_id"
	       " WHERE lm.material_lot_id = ?1 AND (?2 = 0 OR l.enterprise_id = ?2)"
	       " ORDER BY l.id");
	if (st) {
		sqlite3_bind_int64(st, 1, material_lot_id);
		sqlite3_bind_int64(st, 2, sc.enterprise_id);
	}
	return sqlite__rows(q, st, sizeof **out, lot_row, (void **)out, n);
}

/* ---- cartons ---- */

#define CARTON_COLS "id, enterprise_id, lot_id, code, pairs, created_ms"

static int carton_row(sqlite3_stmt *st, void *dst)
{
	store_carton *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	x->lot_id = sqlite3_column_int64(st, 2);
	TEXT(3, x->code);
	x->pairs = sqlite3_column_int64(st, 4);
	x->created_ms = sqlite3_column_int64(st, 5);
	return GLOVED_OK;
}

static int sq_carton_add(store *s, store_carton *c)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "INSERT INTO carton(enterprise_id, lot_id, code, pairs,"
			      " created_ms) VALUES(?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, c->enterprise_id);
	sqlite3_bind_int64(st, 2, c->lot_id);
	bind_text(st, 3, c->code);
	sqlite3_bind_int64(st, 4, c->pairs);
	sqlite3_bind_int64(st, 5, c->created_ms);
	int rc = sqlite__run(q, st);
	if (!rc)
		c->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int sq_carton_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			 store_carton *out)
{
	static const char by_id[] = "SELECT " CARTON_COLS " FROM carton WHERE id = ?1";
	static const char by_code[] = "SELECT " CARTON_COLS " FROM carton WHERE enterprise_id = ?2"
				      " AND code = ?3";
	return sqlite__get_by_id_or_code((sq *)s, sc, enterprise_id, code, 0, by_id, by_code, out,
					 sizeof *out, offsetof(store_carton, enterprise_id),
					 carton_row);
}

static int sq_carton_list(store *s, store_scope sc, int64_t enterprise_id, int64_t lot_id,
			  store_carton **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT " CARTON_COLS " FROM carton WHERE (?1 = 0 OR enterprise_id"
			      " = ?1) AND (?2 = 0 OR lot_id = ?2) ORDER BY lot_id, code");
	if (st) {
		sqlite3_bind_int64(st, 1, ent);
		sqlite3_bind_int64(st, 2, lot_id);
	}
	return sqlite__rows(q, st, sizeof **out, carton_row, (void **)out, n);
}

/* ---- inspections ---- */

static int sq_inspection_add_one(store *s, store_inspection *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "INSERT INTO inspection(enterprise_id, lot_id, style_id, ts_ms, inspector, level,"
	       " severity, result, resubmitted, lot_pieces, note) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	sqlite3_bind_int64(st, 2, x->lot_id);
	sqlite3_bind_int64(st, 3, x->style_id);
	sqlite3_bind_int64(st, 4, x->ts_ms);
	bind_text(st, 5, x->inspector);
	bind_text(st, 6, x->level);
	bind_text(st, 7, x->severity);
	bind_text(st, 8, x->result);
	sqlite3_bind_int(st, 9, x->resubmitted);
	sqlite3_bind_int64(st, 10, x->lot_pieces);
	bind_text(st, 11, x->note);
	int rc = sqlite__run(q, st);
	if (rc)
		return rc;
	x->id = sqlite3_last_insert_rowid(q->db);
	for (int32_t i = 0; i < x->n_classes && i < 3 && !rc; i++) {
		const store_insp_class *c = &x->classes[i];
		char letter[2] = {c->letter, 0};
		st = sqlite__cached(q, "INSERT INTO inspection_class(inspection_id, cls, milli,"
				       " letter, sample, ac, re, found) VALUES(?,?,?,?,?,?,?,?)");
		if (!st)
			return GLOVED_EDB;
		sqlite3_bind_int64(st, 1, x->id);
		bind_text(st, 2, c->cls);
		sqlite3_bind_int(st, 3, c->milli);
		sqlite3_bind_text(st, 4, letter, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 5, c->sample);
		sqlite3_bind_int(st, 6, c->ac);
		sqlite3_bind_int(st, 7, c->re);
		sqlite3_bind_int(st, 8, c->found);
		rc = sqlite__run(q, st);
	}
	for (int32_t i = 0; i < x->n_defects && i < STORE_MAX_DEFECTS && !rc; i++) {
		const store_insp_defect *d = &x->defects[i];
		st =
		    sqlite__cached(q, "INSERT INTO inspection_defect(inspection_id, seq, type, cls,"
				      " count) VALUES(?,?,?,?,?)");
		if (!st)
			return GLOVED_EDB;
		sqlite3_bind_int64(st, 1, x->id);
		sqlite3_bind_int(st, 2, i);
		bind_text(st, 3, d->type);
		bind_text(st, 4, d->cls);
		sqlite3_bind_int(st, 5, d->count);
		rc = sqlite__run(q, st);
	}
	return rc;
}

/* The inspection and its classes and defects, or (refused) none of them. */
static int sq_inspection_add(store *s, store_inspection *x)
{
	sq *q = (sq *)s;
	int rc = sqlite__unit_begin(q);
	return rc ? rc : sqlite__unit_end(q, sq_inspection_add_one(s, x));
}

static int insp_row(sqlite3_stmt *st, void *dst)
{
	store_inspection *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	x->lot_id = sqlite3_column_int64(st, 2);
	x->style_id = sqlite3_column_int64(st, 3);
	x->ts_ms = sqlite3_column_int64(st, 4);
	TEXT(5, x->inspector);
	TEXT(6, x->level);
	TEXT(7, x->severity);
	TEXT(8, x->result);
	x->resubmitted = sqlite3_column_int(st, 9);
	x->lot_pieces = sqlite3_column_int64(st, 10);
	TEXT(11, x->note);
	return GLOVED_OK;
}

/* The classes and defects of inspection x. */
static int load_insp(sq *q, store_inspection *x)
{
	sqlite3_stmt *st = sqlite__cached(q, "SELECT cls, milli, letter, sample, ac, re, found"
					     " FROM inspection_class WHERE inspection_id = ?"
					     " ORDER BY CASE cls WHEN 'critical' THEN 0"
					     " WHEN 'major' THEN 1 ELSE 2 END");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->id);
	int rc;
	x->n_classes = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && x->n_classes < 3) {
		store_insp_class *c = &x->classes[x->n_classes++];
		char letter[2];
		TEXT(0, c->cls);
		c->milli = sqlite3_column_int(st, 1);
		TEXT(2, letter);
		c->letter = letter[0];
		c->sample = sqlite3_column_int(st, 3);
		c->ac = sqlite3_column_int(st, 4);
		c->re = sqlite3_column_int(st, 5);
		c->found = sqlite3_column_int(st, 6);
	}
	sqlite__release(q, st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sqlite__fail(q, rc);
	st = sqlite__cached(q, "SELECT type, cls, count FROM inspection_defect"
			       " WHERE inspection_id = ? ORDER BY seq");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->id);
	x->n_defects = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && x->n_defects < STORE_MAX_DEFECTS) {
		store_insp_defect *d = &x->defects[x->n_defects++];
		TEXT(0, d->type);
		TEXT(1, d->cls);
		d->count = sqlite3_column_int(st, 2);
	}
	sqlite__release(q, st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? GLOVED_OK : sqlite__fail(q, rc);
}

static int sq_inspection_list(store *s, store_scope sc, int64_t enterprise_id, int64_t lot_id,
			      int64_t style_id, size_t limit, store_inspection **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT id, enterprise_id, lot_id, style_id, ts_ms, inspector, level, severity,"
	       " result, resubmitted, lot_pieces, note FROM inspection"
	       " WHERE (?1 = 0 OR enterprise_id = ?1) AND (?2 = 0 OR lot_id = ?2)"
	       " AND (?3 = 0 OR style_id = ?3) ORDER BY ts_ms DESC, id DESC LIMIT ?4");
	if (st) {
		sqlite3_bind_int64(st, 1, ent);
		sqlite3_bind_int64(st, 2, lot_id);
		sqlite3_bind_int64(st, 3, style_id);
		sqlite3_bind_int64(st, 4, limit ? (int64_t)limit : -1);
	}
	int rc = sqlite__rows(q, st, sizeof **out, insp_row, (void **)out, n);
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

static int state_row(sqlite3_stmt *st, void *dst)
{
	store_aql_state *x = dst;
	x->enterprise_id = sqlite3_column_int64(st, 0);
	x->style_id = sqlite3_column_int64(st, 1);
	TEXT(2, x->severity);
	x->stopped = sqlite3_column_int(st, 3);
	x->score = sqlite3_column_int(st, 4);
	x->recent = (uint32_t)sqlite3_column_int64(st, 5);
	x->n_recent = sqlite3_column_int(st, 6);
	x->accepted_run = sqlite3_column_int(st, 7);
	x->rejected_tight = sqlite3_column_int(st, 8);
	x->reduced_allowed = sqlite3_column_int(st, 9);
	x->updated_ms = sqlite3_column_int64(st, 10);
	return GLOVED_OK;
}

static int sq_aql_state_get(store *s, int64_t enterprise_id, int64_t style_id, store_aql_state *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT enterprise_id, style_id, severity, stopped, score, recent, n_recent,"
	       " accepted_run, rejected_tight, reduced_allowed, updated_ms FROM aql_state"
	       " WHERE enterprise_id = ? AND style_id = ?");
	if (st) {
		sqlite3_bind_int64(st, 1, enterprise_id);
		sqlite3_bind_int64(st, 2, style_id);
	}
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, state_row);
}

static int sq_aql_state_put(store *s, const store_aql_state *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "INSERT OR REPLACE INTO aql_state(enterprise_id, style_id, severity, stopped, score,"
	       " recent, n_recent, accepted_run, rejected_tight, reduced_allowed, updated_ms)"
	       " VALUES(?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	sqlite3_bind_int64(st, 2, x->style_id);
	bind_text(st, 3, x->severity);
	sqlite3_bind_int(st, 4, x->stopped);
	sqlite3_bind_int(st, 5, x->score);
	sqlite3_bind_int64(st, 6, (int64_t)x->recent);
	sqlite3_bind_int(st, 7, x->n_recent);
	sqlite3_bind_int(st, 8, x->accepted_run);
	sqlite3_bind_int(st, 9, x->rejected_tight);
	sqlite3_bind_int(st, 10, x->reduced_allowed);
	sqlite3_bind_int64(st, 11, x->updated_ms);
	return sqlite__run(q, st);
}

static int sq_aql_event_add(store *s, const store_aql_event *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "INSERT INTO aql_event(enterprise_id, style_id, lot_id, ts_ms, result, event,"
	       " severity, score, by_user) VALUES(?,?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	sqlite3_bind_int64(st, 2, x->style_id);
	sqlite3_bind_int64(st, 3, x->lot_id);
	sqlite3_bind_int64(st, 4, x->ts_ms);
	bind_text(st, 5, x->result);
	bind_text(st, 6, x->event);
	bind_text(st, 7, x->severity);
	sqlite3_bind_int(st, 8, x->score);
	bind_text(st, 9, x->by);
	return sqlite__run(q, st);
}

static int event_row(sqlite3_stmt *st, void *dst)
{
	store_aql_event *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	x->style_id = sqlite3_column_int64(st, 2);
	x->lot_id = sqlite3_column_int64(st, 3);
	x->ts_ms = sqlite3_column_int64(st, 4);
	TEXT(5, x->result);
	TEXT(6, x->event);
	TEXT(7, x->severity);
	x->score = sqlite3_column_int(st, 8);
	TEXT(9, x->by);
	TEXT(10, x->lot);
	return GLOVED_OK;
}

static int sq_aql_event_list(store *s, store_scope sc, int64_t enterprise_id, int64_t style_id,
			     size_t limit, store_aql_event **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent <= 0)
		return ent < 0 ? GLOVED_OK : GLOVED_EINVAL;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT e.id, e.enterprise_id, e.style_id, e.lot_id, e.ts_ms, e.result, e.event,"
	       " e.severity, e.score, e.by_user, COALESCE(l.code, '') FROM aql_event e"
	       " LEFT JOIN lot l ON l.id = e.lot_id WHERE e.enterprise_id = ?1"
	       " AND e.style_id = ?2 ORDER BY e.id DESC LIMIT ?3");
	if (st) {
		sqlite3_bind_int64(st, 1, ent);
		sqlite3_bind_int64(st, 2, style_id);
		sqlite3_bind_int64(st, 3, limit ? (int64_t)limit : -1);
	}
	return sqlite__rows(q, st, sizeof **out, event_row, (void **)out, n);
}

/* ---- test reports ---- */

#define TEST_COLS                                                                                  \
	"id, enterprise_id, style_id, material_lot_id, report_no, lab, day, en388, markings, raw," \
	" COALESCE(length(pdf), 0), created_ms"

static int test_row(sqlite3_stmt *st, void *dst)
{
	store_test *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	x->style_id = sqlite3_column_int64(st, 2);
	x->material_lot_id = sqlite3_column_int64(st, 3);
	TEXT(4, x->report_no);
	TEXT(5, x->lab);
	x->day = sqlite3_column_int(st, 6);
	TEXT(7, x->en388);
	TEXT(8, x->markings);
	TEXT(9, x->raw);
	x->pdf_bytes = sqlite3_column_int64(st, 10);
	x->created_ms = sqlite3_column_int64(st, 11);
	return GLOVED_OK;
}

static int sq_test_add(store *s, store_scope sc, store_test *t)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, t->enterprise_id))
		return GLOVED_EPERM;
	sqlite3_stmt *st = sqlite__cached(
	    q, "INSERT INTO test_report(enterprise_id, style_id, material_lot_id, report_no, lab,"
	       " day, en388, markings, raw, created_ms) VALUES(?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, t->enterprise_id);
	sqlite3_bind_int64(st, 2, t->style_id);
	sqlite3_bind_int64(st, 3, t->material_lot_id);
	bind_text(st, 4, t->report_no);
	bind_text(st, 5, t->lab);
	sqlite3_bind_int(st, 6, t->day);
	bind_text(st, 7, t->en388);
	bind_text(st, 8, t->markings);
	bind_text(st, 9, t->raw);
	sqlite3_bind_int64(st, 10, t->created_ms);
	int rc = sqlite__run(q, st);
	if (!rc)
		t->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int sq_test_get(store *s, store_scope sc, int64_t enterprise_id, int64_t id, store_test *out)
{
	sq *q = (sq *)s;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_ENOTFOUND;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " TEST_COLS " FROM test_report WHERE id = ?1"
					     " AND (?2 = 0 OR enterprise_id = ?2)");
	if (st) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, ent);
	}
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, test_row);
}

static int sq_test_list(store *s, store_scope sc, int64_t enterprise_id, int64_t style_id,
			int64_t material_lot_id, store_test **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT " TEST_COLS " FROM test_report WHERE (?1 = 0 OR enterprise_id = ?1)"
	       " AND ((?2 = 0 AND ?3 = 0) OR (?2 <> 0 AND style_id = ?2)"
	       " OR (?3 <> 0 AND material_lot_id = ?3)) ORDER BY day DESC, id DESC");
	if (st) {
		sqlite3_bind_int64(st, 1, ent);
		sqlite3_bind_int64(st, 2, style_id);
		sqlite3_bind_int64(st, 3, material_lot_id);
	}
	return sqlite__rows(q, st, sizeof **out, test_row, (void **)out, n);
}

static int sq_test_pdf_put(store *s, int64_t id, const void *pdf, size_t len)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "UPDATE test_report SET pdf = ? WHERE id = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_blob64(st, 1, pdf, (sqlite3_uint64)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	int rc = sqlite__run(q, st);
	if (!rc && sqlite3_changes(q->db) == 0)
		rc = GLOVED_ENOTFOUND;
	return rc;
}

static int sq_test_pdf_get(store *s, store_scope sc, int64_t enterprise_id, int64_t id, void **pdf,
			   size_t *len)
{
	sq *q = (sq *)s;
	*pdf = NULL;
	*len = 0;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_ENOTFOUND;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT pdf FROM test_report WHERE id = ?1"
					     " AND (?2 = 0 OR enterprise_id = ?2)"
					     " AND pdf IS NOT NULL");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, ent);
	int rc = sqlite3_step(st);
	int ret = GLOVED_ENOTFOUND;
	if (rc == SQLITE_ROW) {
		int nb = sqlite3_column_bytes(st, 0);
		const void *b = sqlite3_column_blob(st, 0);
		void *copy = store__realloc(NULL, nb > 0 ? (size_t)nb : 1);
		if (!copy)
			ret = GLOVED_ENOMEM;
		else {
			if (nb > 0)
				memcpy(copy, b, (size_t)nb);
			*pdf = copy;
			*len = (size_t)nb;
			ret = GLOVED_OK;
		}
	} else if (rc != SQLITE_DONE)
		ret = sqlite__fail(q, rc);
	sqlite__release(q, st);
	return ret;
}

/* The cartons one by one (one prepared statement) under one savepoint. */
static int sq_cartons_add(store *s, store_carton *c, size_t n)
{
	sq *q = (sq *)s;
	int rc = sqlite__unit_begin(q);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !rc; i++)
		rc = sq_carton_add(s, &c[i]);
	return sqlite__unit_end(q, rc);
}

const store_quality_ops sqlite__quality_ops = {
    .version = STORE_QUALITY_VERSION,
    .material_lot_add = sq_material_lot_add,
    .material_lot_get = sq_material_lot_get,
    .material_lot_list = sq_material_lot_list,
    .lot_add = sq_lot_add,
    .lot_get = sq_lot_get,
    .lot_list = sq_lot_list,
    .lot_set_result = sq_lot_set_result,
    .lot_bundles = sq_lot_bundles,
    .lot_machines = sq_lot_machines,
    .lot_materials = sq_lot_materials,
    .bundle_lot = sq_bundle_lot,
    .machine_lot = sq_machine_lot,
    .material_lot_uses = sq_material_lot_uses,
    .carton_add = sq_carton_add,
    .carton_get = sq_carton_get,
    .carton_list = sq_carton_list,
    .inspection_add = sq_inspection_add,
    .inspection_list = sq_inspection_list,
    .aql_state_get = sq_aql_state_get,
    .aql_state_put = sq_aql_state_put,
    .aql_event_add = sq_aql_event_add,
    .aql_event_list = sq_aql_event_list,
    .test_add = sq_test_add,
    .test_get = sq_test_get,
    .test_list = sq_test_list,
    .test_pdf_put = sq_test_pdf_put,
    .test_pdf_get = sq_test_pdf_get,
    .cartons_add = sq_cartons_add,
};
