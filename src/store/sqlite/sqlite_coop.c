/* SPDX-License-Identifier: Apache-2.0 */
/* sqlite_coop.c: the SQLite side of store/coop.h. A part's weekly pairs are
 * one text column of comma-separated integers (always read and written
 * whole); a design file is a BLOB. Scopes filter in SQL: a firm sees the
 * cooperative orders it leads or has a part in, the aggregates-only
 * readers only the association's own orders (lead 0); designs of other
 * firms only with terms cluster or public. */
#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT(i, f) sqlite__text_col(st, i, f, sizeof f)

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* ---- profiles ---- */

static int profile_row(sqlite3_stmt *st, void *dst)
{
	store_coop_profile *x = dst;
	x->enterprise_id = sqlite3_column_int64(st, 0);
	TEXT(1, x->body);
	x->updated_ms = sqlite3_column_int64(st, 2);
	TEXT(3, x->by);
	return GLOVED_OK;
}

static int co_profile_get(store *s, int64_t enterprise_id, store_coop_profile *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT enterprise_id, body, updated_ms, by_user"
					     " FROM coop_profile WHERE enterprise_id = ?");
	if (st)
		sqlite3_bind_int64(st, 1, enterprise_id);
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, profile_row);
}

static int co_profile_put(store *s, const store_coop_profile *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT OR REPLACE INTO coop_profile(enterprise_id,"
					     " body, updated_ms, by_user) VALUES(?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	bind_text(st, 2, x->body);
	sqlite3_bind_int64(st, 3, x->updated_ms);
	bind_text(st, 4, x->by);
	return sqlite__run(q, st);
}

static int co_profile_list(store *s, store_coop_profile **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT p.enterprise_id, p.body, p.updated_ms, p.by_user FROM coop_profile p"
	       " JOIN share_setting h ON h.enterprise_id = p.enterprise_id AND h.capacity = 1"
	       " ORDER BY p.enterprise_id");
	return sqlite__rows(q, st, sizeof **out, profile_row, (void **)out, n);
}

/* ---- cooperative orders ---- */

#define ORDER_COLS                                                                                 \
	"o.id, o.code, o.lead_id, o.lead_order_id, o.buyer, o.need, o.style, o.design_id,"         \
	" o.pairs, o.due_day, o.price_fen, o.min_quality_pm, o.max_partners, o.status,"            \
	" o.created_ms, o.by_user"

/* ?1 firm, ?2 aggregates: who may see order o */
#define ORDER_SCOPE                                                                                \
	" (?2 != 0 AND o.lead_id = 0 OR ?2 = 0 AND (?1 = 0 OR o.lead_id = ?1 OR EXISTS("           \
	"SELECT 1 FROM coop_part p WHERE p.order_id = o.id AND p.enterprise_id = ?1)))"

static int order_row(sqlite3_stmt *st, void *dst)
{
	store_coop_order *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	TEXT(1, x->code);
	x->lead_id = sqlite3_column_int64(st, 2);
	x->lead_order_id = sqlite3_column_int64(st, 3);
	TEXT(4, x->buyer);
	TEXT(5, x->need);
	TEXT(6, x->style);
	x->design_id = sqlite3_column_int64(st, 7);
	x->pairs = sqlite3_column_int64(st, 8);
	x->due_day = sqlite3_column_int(st, 9);
	x->price_fen = sqlite3_column_int64(st, 10);
	x->min_quality_pm = sqlite3_column_int(st, 11);
	x->max_partners = sqlite3_column_int(st, 12);
	TEXT(13, x->status);
	x->created_ms = sqlite3_column_int64(st, 14);
	TEXT(15, x->by);
	return GLOVED_OK;
}

static int co_order_add(store *s, store_coop_order *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "INSERT INTO coop_order(code, lead_id, lead_order_id, buyer, need, style,"
	       " design_id, pairs, due_day, price_fen, min_quality_pm, max_partners, status,"
	       " created_ms, by_user) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	bind_text(st, 1, x->code);
	sqlite3_bind_int64(st, 2, x->lead_id);
	sqlite3_bind_int64(st, 3, x->lead_order_id);
	bind_text(st, 4, x->buyer);
	bind_text(st, 5, x->need);
	bind_text(st, 6, x->style);
	sqlite3_bind_int64(st, 7, x->design_id);
	sqlite3_bind_int64(st, 8, x->pairs);
	sqlite3_bind_int(st, 9, x->due_day);
	sqlite3_bind_int64(st, 10, x->price_fen);
	sqlite3_bind_int(st, 11, x->min_quality_pm);
	sqlite3_bind_int(st, 12, x->max_partners);
	bind_text(st, 13, x->status);
	sqlite3_bind_int64(st, 14, x->created_ms);
	bind_text(st, 15, x->by);
	int rc = sqlite__run(q, st);
	if (!rc)
		x->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int co_order_get(store *s, store_scope sc, int64_t id, const char *code,
			store_coop_order *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " ORDER_COLS " FROM coop_order o WHERE"
					     " (?3 != 0 AND o.id = ?3 OR ?3 = 0 AND o.code = ?4)"
					     " AND" ORDER_SCOPE);
	if (st) {
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
		sqlite3_bind_int(st, 2, sc.aggregates);
		sqlite3_bind_int64(st, 3, id);
		bind_text(st, 4, code ? code : "");
	}
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, order_row);
}

static int co_order_list(store *s, store_scope sc, store_coop_order **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT " ORDER_COLS " FROM coop_order o WHERE" ORDER_SCOPE
			      " ORDER BY o.id DESC LIMIT 1000");
	if (st) {
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
		sqlite3_bind_int(st, 2, sc.aggregates);
	}
	return sqlite__rows(q, st, sizeof **out, order_row, (void **)out, n);
}

static int co_order_set_status(store *s, int64_t id, const char *status)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "UPDATE coop_order SET status = ? WHERE id = ?");
	if (!st)
		return GLOVED_EDB;
	bind_text(st, 1, status);
	sqlite3_bind_int64(st, 2, id);
	return sqlite__run(q, st);
}

static int co_open_count(store *s, store_scope sc, int64_t *orders, int64_t *pairs)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT COUNT(*), COALESCE(SUM(o.pairs), 0) FROM coop_order o"
	       " WHERE o.status NOT IN ('done', 'cancelled') AND (?1 = ''"
	       " OR o.lead_id IN (SELECT id FROM enterprise WHERE town = ?1)"
	       " OR EXISTS(SELECT 1 FROM coop_part p JOIN enterprise e ON e.id = p.enterprise_id"
	       " WHERE p.order_id = o.id AND e.town = ?1))"
	       " AND (?2 = 0 OR o.lead_id = ?2 OR EXISTS(SELECT 1 FROM coop_part p"
	       " WHERE p.order_id = o.id AND p.enterprise_id = ?2))");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_text(st, 1, sc.town, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, sc.enterprise_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*orders = sqlite3_column_int64(st, 0);
		*pairs = sqlite3_column_int64(st, 1);
	}
	sqlite__release(q, st);
	return rc == SQLITE_ROW ? GLOVED_OK : sqlite__fail(q, rc);
}

/* ---- parts ---- */

#define PART_COLS                                                                                  \
	"order_id, enterprise_id, pairs, weeks, week0_day, status, prod_order_id, shipped,"        \
	" reason, updated_ms, by_user"

static int part_row(sqlite3_stmt *st, void *dst)
{
	store_coop_part *x = dst;
	x->order_id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	x->pairs = sqlite3_column_int64(st, 2);
	const char *w = (const char *)sqlite3_column_text(st, 3);
	for (int k = 0; w && *w && k < COOP_PART_WEEKS; k++) {
		char *end = NULL;
		x->weeks[k] = strtoll(w, &end, 10);
		if (end == w)
			break;
		w = *end == ',' ? end + 1 : end;
	}
	x->week0_day = sqlite3_column_int(st, 4);
	TEXT(5, x->status);
	x->prod_order_id = sqlite3_column_int64(st, 6);
	x->shipped = sqlite3_column_int64(st, 7);
	TEXT(8, x->reason);
	x->updated_ms = sqlite3_column_int64(st, 9);
	TEXT(10, x->by);
	return GLOVED_OK;
}

static int co_part_put(store *s, const store_coop_part *x)
{
	sq *q = (sq *)s;
	char weeks[COOP_PART_WEEKS * 21 + 1];
	size_t off = 0;
	for (int k = 0; k < COOP_PART_WEEKS; k++) {
		int m = snprintf(weeks + off, sizeof weeks - off, "%s%lld", k ? "," : "",
				 (long long)x->weeks[k]);
		if (m < 0 || (size_t)m >= sizeof weeks - off)
			return GLOVED_EINVAL;
		off += (size_t)m;
	}
	sqlite3_stmt *st = sqlite__cached(q, "INSERT OR REPLACE INTO coop_part(" PART_COLS
					     ") VALUES(?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->order_id);
	sqlite3_bind_int64(st, 2, x->enterprise_id);
	sqlite3_bind_int64(st, 3, x->pairs);
	sqlite3_bind_text(st, 4, weeks, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, x->week0_day);
	bind_text(st, 6, x->status);
	sqlite3_bind_int64(st, 7, x->prod_order_id);
	sqlite3_bind_int64(st, 8, x->shipped);
	bind_text(st, 9, x->reason);
	sqlite3_bind_int64(st, 10, x->updated_ms);
	bind_text(st, 11, x->by);
	return sqlite__run(q, st);
}

static int co_part_get(store *s, int64_t order_id, int64_t enterprise_id, store_coop_part *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " PART_COLS " FROM coop_part"
					     " WHERE order_id = ? AND enterprise_id = ?");
	if (st) {
		sqlite3_bind_int64(st, 1, order_id);
		sqlite3_bind_int64(st, 2, enterprise_id);
	}
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, part_row);
}

static int co_part_list(store *s, int64_t order_id, int64_t enterprise_id, store_coop_part **out,
			size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " PART_COLS " FROM coop_part"
					     " WHERE (?1 = 0 OR order_id = ?1)"
					     " AND (?2 = 0 OR enterprise_id = ?2)"
					     " AND (?1 != 0 OR ?2 != 0)"
					     " ORDER BY order_id DESC, enterprise_id");
	if (st) {
		sqlite3_bind_int64(st, 1, order_id);
		sqlite3_bind_int64(st, 2, enterprise_id);
	}
	return sqlite__rows(q, st, sizeof **out, part_row, (void **)out, n);
}

static int co_part_clear(store *s, int64_t order_id, const char *status)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "DELETE FROM coop_part WHERE order_id = ? AND status = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	bind_text(st, 2, status);
	return sqlite__run(q, st);
}

static int co_part_of_prod(store *s, int64_t prod_order_id, store_coop_part *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " PART_COLS " FROM coop_part"
					     " WHERE prod_order_id = ? AND prod_order_id != 0");
	if (st)
		sqlite3_bind_int64(st, 1, prod_order_id);
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, part_row);
}

static int proposal_row(sqlite3_stmt *st, void *dst)
{
	store_coop_proposal *x = dst;
	x->order_id = sqlite3_column_int64(st, 0);
	TEXT(1, x->body);
	x->created_ms = sqlite3_column_int64(st, 2);
	return GLOVED_OK;
}

static int co_proposal_put(store *s, const store_coop_proposal *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT OR REPLACE INTO coop_proposal(order_id, body,"
					     " created_ms) VALUES(?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->order_id);
	bind_text(st, 2, x->body);
	sqlite3_bind_int64(st, 3, x->created_ms);
	return sqlite__run(q, st);
}

static int co_proposal_get(store *s, int64_t order_id, store_coop_proposal *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT order_id, body, created_ms FROM coop_proposal WHERE order_id = ?");
	if (st)
		sqlite3_bind_int64(st, 1, order_id);
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, proposal_row);
}

/* ---- designs ---- */

#define DESIGN_COLS                                                                                \
	"id, enterprise_id, code, name, category, family, body, terms, fee_kind, fee_fen,"         \
	" created_ms, updated_ms, by_user"

static int design_row(sqlite3_stmt *st, void *dst)
{
	store_design *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	TEXT(2, x->code);
	TEXT(3, x->name);
	TEXT(4, x->category);
	TEXT(5, x->family);
	TEXT(6, x->body);
	TEXT(7, x->terms);
	TEXT(8, x->fee_kind);
	x->fee_fen = sqlite3_column_int64(st, 9);
	x->created_ms = sqlite3_column_int64(st, 10);
	x->updated_ms = sqlite3_column_int64(st, 11);
	TEXT(12, x->by);
	return GLOVED_OK;
}

static int co_design_add(store *s, store_design *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT INTO design(enterprise_id, code, name,"
					     " category, family, body, terms, fee_kind, fee_fen,"
					     " created_ms, updated_ms, by_user)"
					     " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	bind_text(st, 2, x->code);
	bind_text(st, 3, x->name);
	bind_text(st, 4, x->category);
	bind_text(st, 5, x->family);
	bind_text(st, 6, x->body);
	bind_text(st, 7, x->terms);
	bind_text(st, 8, x->fee_kind);
	sqlite3_bind_int64(st, 9, x->fee_fen);
	sqlite3_bind_int64(st, 10, x->created_ms);
	sqlite3_bind_int64(st, 11, x->updated_ms);
	bind_text(st, 12, x->by);
	int rc = sqlite__run(q, st);
	if (!rc)
		x->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int co_design_update(store *s, const store_design *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "UPDATE design SET name = ?, body = ?, terms = ?,"
					     " fee_kind = ?, fee_fen = ?, updated_ms = ?,"
					     " by_user = ? WHERE id = ?");
	if (!st)
		return GLOVED_EDB;
	bind_text(st, 1, x->name);
	bind_text(st, 2, x->body);
	bind_text(st, 3, x->terms);
	bind_text(st, 4, x->fee_kind);
	sqlite3_bind_int64(st, 5, x->fee_fen);
	sqlite3_bind_int64(st, 6, x->updated_ms);
	bind_text(st, 7, x->by);
	sqlite3_bind_int64(st, 8, x->id);
	return sqlite__run(q, st);
}

static int co_design_get(store *s, int64_t id, store_design *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " DESIGN_COLS " FROM design WHERE id = ?");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, design_row);
}

static int co_design_list(store *s, store_scope sc, int public_only, store_design **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT " DESIGN_COLS " FROM design WHERE CASE WHEN ?3 != 0 THEN terms = 'public'"
	       " WHEN ?1 != 0 THEN enterprise_id = ?1 OR terms IN ('cluster', 'public')"
	       " WHEN ?2 != 0 THEN terms IN ('cluster', 'public') ELSE 1 END"
	       " ORDER BY enterprise_id, code LIMIT 5000");
	if (st) {
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
		sqlite3_bind_int(st, 2, sc.aggregates);
		sqlite3_bind_int(st, 3, public_only);
	}
	return sqlite__rows(q, st, sizeof **out, design_row, (void **)out, n);
}

static int co_design_file_add(store *s, store_design_file *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q,
	    "INSERT INTO design_file(design_id, no, kind, name, mime, data)"
	    " VALUES(?1, (SELECT COALESCE(MAX(no), 0) + 1 FROM design_file WHERE design_id = ?1),"
	    " ?2, ?3, ?4, ?5)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->design_id);
	bind_text(st, 2, x->kind);
	bind_text(st, 3, x->name);
	bind_text(st, 4, x->mime);
	sqlite3_bind_blob(st, 5, x->data, (int)x->size, SQLITE_STATIC);
	int rc = sqlite__run(q, st);
	if (rc)
		return rc;
	sqlite3_stmt *g = sqlite__cached(q, "SELECT MAX(no) FROM design_file WHERE design_id = ?");
	if (!g)
		return GLOVED_EDB;
	sqlite3_bind_int64(g, 1, x->design_id);
	rc = sqlite3_step(g);
	if (rc == SQLITE_ROW)
		x->no = sqlite3_column_int(g, 0);
	sqlite__release(q, g);
	return rc == SQLITE_ROW ? GLOVED_OK : sqlite__fail(q, rc);
}

static int file_row(sqlite3_stmt *st, void *dst)
{
	store_design_file *x = dst;
	x->design_id = sqlite3_column_int64(st, 0);
	x->no = sqlite3_column_int(st, 1);
	TEXT(2, x->kind);
	TEXT(3, x->name);
	TEXT(4, x->mime);
	x->size = (size_t)sqlite3_column_int64(st, 5);
	return GLOVED_OK;
}

static int co_design_file_get(store *s, int64_t design_id, int32_t no, store_design_file *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT design_id, no, kind, name, mime, length(data),"
			      " data FROM design_file WHERE design_id = ? AND no = ?");
	memset(out, 0, sizeof *out);
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, design_id);
	sqlite3_bind_int(st, 2, no);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		file_row(st, out);
		const void *b = sqlite3_column_blob(st, 6);
		out->data = malloc(out->size ? out->size : 1);
		if (!out->data) {
			sqlite__release(q, st);
			return GLOVED_ENOMEM;
		}
		if (out->size)
			memcpy(out->data, b, out->size);
		sqlite__release(q, st);
		return GLOVED_OK;
	}
	sqlite__release(q, st);
	return rc == SQLITE_DONE ? GLOVED_ENOTFOUND : sqlite__fail(q, rc);
}

static int co_design_file_list(store *s, int64_t design_id, store_design_file **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT design_id, no, kind, name, mime, length(data)"
					     " FROM design_file WHERE design_id = ? ORDER BY no");
	if (st)
		sqlite3_bind_int64(st, 1, design_id);
	return sqlite__rows(q, st, sizeof **out, file_row, (void **)out, n);
}

/* ---- licences and uses ---- */

#define LICENCE_COLS                                                                               \
	"id, design_id, enterprise_id, status, fee_kind, fee_fen, note, requested_ms,"             \
	" decided_ms, by_user"

static int licence_row(sqlite3_stmt *st, void *dst)
{
	store_design_licence *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->design_id = sqlite3_column_int64(st, 1);
	x->enterprise_id = sqlite3_column_int64(st, 2);
	TEXT(3, x->status);
	TEXT(4, x->fee_kind);
	x->fee_fen = sqlite3_column_int64(st, 5);
	TEXT(6, x->note);
	x->requested_ms = sqlite3_column_int64(st, 7);
	x->decided_ms = sqlite3_column_int64(st, 8);
	TEXT(9, x->by);
	return GLOVED_OK;
}

static int co_licence_put(store *s, store_design_licence *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "INSERT INTO design_licence(design_id, enterprise_id, status, fee_kind, fee_fen,"
	       " note, requested_ms, decided_ms, by_user) VALUES(?,?,?,?,?,?,?,?,?)"
	       " ON CONFLICT(design_id, enterprise_id) DO UPDATE SET status = excluded.status,"
	       " fee_kind = excluded.fee_kind, fee_fen = excluded.fee_fen, note = excluded.note,"
	       " requested_ms = excluded.requested_ms, decided_ms = excluded.decided_ms,"
	       " by_user = excluded.by_user");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->design_id);
	sqlite3_bind_int64(st, 2, x->enterprise_id);
	bind_text(st, 3, x->status);
	bind_text(st, 4, x->fee_kind);
	sqlite3_bind_int64(st, 5, x->fee_fen);
	bind_text(st, 6, x->note);
	sqlite3_bind_int64(st, 7, x->requested_ms);
	sqlite3_bind_int64(st, 8, x->decided_ms);
	bind_text(st, 9, x->by);
	int rc = sqlite__run(q, st);
	if (rc)
		return rc;
	store_design_licence got;
	sqlite3_stmt *g = sqlite__cached(q, "SELECT " LICENCE_COLS " FROM design_licence"
					    " WHERE design_id = ? AND enterprise_id = ?");
	if (g) {
		sqlite3_bind_int64(g, 1, x->design_id);
		sqlite3_bind_int64(g, 2, x->enterprise_id);
	}
	memset(&got, 0, sizeof got);
	rc = sqlite__one(q, g, &got, licence_row);
	if (!rc)
		x->id = got.id;
	return rc;
}

static int co_licence_get(store *s, int64_t id, int64_t design_id, int64_t enterprise_id,
			  store_design_licence *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " LICENCE_COLS " FROM design_licence WHERE"
					     " (?1 != 0 AND id = ?1) OR (?1 = 0 AND design_id = ?2"
					     " AND enterprise_id = ?3)");
	if (st) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, design_id);
		sqlite3_bind_int64(st, 3, enterprise_id);
	}
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, licence_row);
}

static int co_licence_list(store *s, int64_t enterprise_id, store_design_licence **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT " LICENCE_COLS " FROM design_licence WHERE ?1 = 0 OR enterprise_id = ?1"
	       " OR design_id IN (SELECT id FROM design WHERE enterprise_id = ?1)"
	       " ORDER BY id DESC LIMIT 2000");
	if (st)
		sqlite3_bind_int64(st, 1, enterprise_id);
	return sqlite__rows(q, st, sizeof **out, licence_row, (void **)out, n);
}

static int co_use_add(store *s, store_design_use *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT INTO design_use(design_id, licence_id,"
					     " enterprise_id, order_id, pairs, royalty_fen, month,"
					     " ts_ms) VALUES(?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->design_id);
	sqlite3_bind_int64(st, 2, x->licence_id);
	sqlite3_bind_int64(st, 3, x->enterprise_id);
	sqlite3_bind_int64(st, 4, x->order_id);
	sqlite3_bind_int64(st, 5, x->pairs);
	sqlite3_bind_int64(st, 6, x->royalty_fen);
	sqlite3_bind_int(st, 7, x->month);
	sqlite3_bind_int64(st, 8, x->ts_ms);
	int rc = sqlite__run(q, st);
	if (!rc)
		x->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int co_use_count(store *s, int64_t licence_id, int64_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT COUNT(*) FROM design_use WHERE licence_id = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, licence_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite__release(q, st);
	return rc == SQLITE_ROW ? GLOVED_OK : sqlite__fail(q, rc);
}

static int use_row(sqlite3_stmt *st, void *dst)
{
	store_design_use *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->design_id = sqlite3_column_int64(st, 1);
	x->licence_id = sqlite3_column_int64(st, 2);
	x->enterprise_id = sqlite3_column_int64(st, 3);
	x->order_id = sqlite3_column_int64(st, 4);
	x->pairs = sqlite3_column_int64(st, 5);
	x->royalty_fen = sqlite3_column_int64(st, 6);
	x->month = sqlite3_column_int(st, 7);
	x->ts_ms = sqlite3_column_int64(st, 8);
	return GLOVED_OK;
}

static int co_use_list(store *s, int64_t owner_id, int64_t user_id, int32_t m0, int32_t m1,
		       store_design_use **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT u.id, u.design_id, u.licence_id, u.enterprise_id, u.order_id, u.pairs,"
	       " u.royalty_fen, u.month, u.ts_ms FROM design_use u JOIN design d ON d.id ="
	       " u.design_id WHERE u.month BETWEEN ?3 AND ?4 AND (?1 = 0 OR d.enterprise_id = ?1)"
	       " AND (?2 = 0 OR u.enterprise_id = ?2) ORDER BY u.month, u.design_id, u.id"
	       " LIMIT 100000");
	if (st) {
		sqlite3_bind_int64(st, 1, owner_id);
		sqlite3_bind_int64(st, 2, user_id);
		sqlite3_bind_int(st, 3, m0);
		sqlite3_bind_int(st, 4, m1);
	}
	return sqlite__rows(q, st, sizeof **out, use_row, (void **)out, n);
}

static int co_style_design_put(store *s, int64_t style_id, int64_t design_id, int64_t licence_id)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT OR REPLACE INTO style_design(style_id,"
					     " design_id, licence_id) VALUES(?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, style_id);
	sqlite3_bind_int64(st, 2, design_id);
	sqlite3_bind_int64(st, 3, licence_id);
	return sqlite__run(q, st);
}

static int co_style_design_get(store *s, int64_t style_id, int64_t *design_id, int64_t *licence_id)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT design_id, licence_id FROM style_design WHERE style_id = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, style_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*design_id = sqlite3_column_int64(st, 0);
		*licence_id = sqlite3_column_int64(st, 1);
	}
	sqlite__release(q, st);
	return rc == SQLITE_ROW    ? GLOVED_OK
	       : rc == SQLITE_DONE ? GLOVED_ENOTFOUND
				   : sqlite__fail(q, rc);
}

/* ---- enquiries ---- */

#define ENQ_COLS                                                                                   \
	"id, ref, token_hash, buyer, contact, product, family, pairs, due_day, message, lang,"     \
	" created_ms"

static int enquiry_row(sqlite3_stmt *st, void *dst)
{
	store_enquiry *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	TEXT(1, x->ref);
	const void *h = sqlite3_column_blob(st, 2);
	if (h && sqlite3_column_bytes(st, 2) == 32)
		memcpy(x->token_hash, h, 32);
	TEXT(3, x->buyer);
	TEXT(4, x->contact);
	TEXT(5, x->product);
	TEXT(6, x->family);
	x->pairs = sqlite3_column_int64(st, 7);
	x->due_day = sqlite3_column_int(st, 8);
	TEXT(9, x->message);
	TEXT(10, x->lang);
	x->created_ms = sqlite3_column_int64(st, 11);
	return GLOVED_OK;
}

static int co_enquiry_add(store *s, store_enquiry *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT INTO enquiry(ref, token_hash, buyer, contact,"
					     " product, family, pairs, due_day, message, lang,"
					     " created_ms) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	bind_text(st, 1, x->ref);
	sqlite3_bind_blob(st, 2, x->token_hash, 32, SQLITE_STATIC);
	bind_text(st, 3, x->buyer);
	bind_text(st, 4, x->contact);
	bind_text(st, 5, x->product);
	bind_text(st, 6, x->family);
	sqlite3_bind_int64(st, 7, x->pairs);
	sqlite3_bind_int(st, 8, x->due_day);
	bind_text(st, 9, x->message);
	bind_text(st, 10, x->lang);
	sqlite3_bind_int64(st, 11, x->created_ms);
	int rc = sqlite__run(q, st);
	if (!rc)
		x->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int co_enquiry_get(store *s, int64_t id, const char *ref, store_enquiry *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " ENQ_COLS " FROM enquiry WHERE"
					     " (?1 != 0 AND id = ?1) OR (?1 = 0 AND ref = ?2)");
	if (st) {
		sqlite3_bind_int64(st, 1, id);
		bind_text(st, 2, ref ? ref : "");
	}
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, enquiry_row);
}

#define ROUTE_COLS "enquiry_id, enterprise_id, status, price_fen, answer, answered_ms, by_user"

static int route_row(sqlite3_stmt *st, void *dst)
{
	store_enquiry_route *x = dst;
	x->enquiry_id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	TEXT(2, x->status);
	x->price_fen = sqlite3_column_int64(st, 3);
	TEXT(4, x->answer);
	x->answered_ms = sqlite3_column_int64(st, 5);
	TEXT(6, x->by);
	return GLOVED_OK;
}

static int co_route_put(store *s, const store_enquiry_route *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT OR REPLACE INTO enquiry_route(" ROUTE_COLS
					     ") VALUES(?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enquiry_id);
	sqlite3_bind_int64(st, 2, x->enterprise_id);
	bind_text(st, 3, x->status);
	sqlite3_bind_int64(st, 4, x->price_fen);
	bind_text(st, 5, x->answer);
	sqlite3_bind_int64(st, 6, x->answered_ms);
	bind_text(st, 7, x->by);
	return sqlite__run(q, st);
}

static int co_route_get(store *s, int64_t enquiry_id, int64_t enterprise_id,
			store_enquiry_route *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " ROUTE_COLS " FROM enquiry_route"
					     " WHERE enquiry_id = ? AND enterprise_id = ?");
	if (st) {
		sqlite3_bind_int64(st, 1, enquiry_id);
		sqlite3_bind_int64(st, 2, enterprise_id);
	}
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, route_row);
}

static int co_route_list(store *s, int64_t enquiry_id, int64_t enterprise_id,
			 store_enquiry_route **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " ROUTE_COLS " FROM enquiry_route"
					     " WHERE (?1 = 0 OR enquiry_id = ?1)"
					     " AND (?2 = 0 OR enterprise_id = ?2)"
					     " AND (?1 != 0 OR ?2 != 0)"
					     " ORDER BY enquiry_id DESC, enterprise_id LIMIT 1000");
	if (st) {
		sqlite3_bind_int64(st, 1, enquiry_id);
		sqlite3_bind_int64(st, 2, enterprise_id);
	}
	return sqlite__rows(q, st, sizeof **out, route_row, (void **)out, n);
}

/* ---- town pages ---- */

static int town_row(sqlite3_stmt *st, void *dst)
{
	store_town_page *x = dst;
	TEXT(0, x->town);
	TEXT(1, x->body);
	x->updated_ms = sqlite3_column_int64(st, 2);
	TEXT(3, x->by);
	return GLOVED_OK;
}

static int co_town_page_put(store *s, const store_town_page *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT OR REPLACE INTO town_page(town, body,"
					     " updated_ms, by_user) VALUES(?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	bind_text(st, 1, x->town);
	bind_text(st, 2, x->body);
	sqlite3_bind_int64(st, 3, x->updated_ms);
	bind_text(st, 4, x->by);
	return sqlite__run(q, st);
}

static int co_town_page_get(store *s, const char *town, store_town_page *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT town, body, updated_ms, by_user FROM town_page WHERE town = ?");
	if (st)
		bind_text(st, 1, town);
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, town_row);
}

const store_coop_ops sqlite__coop_ops = {
    .version = STORE_COOP_VERSION,
    .profile_get = co_profile_get,
    .profile_put = co_profile_put,
    .profile_list = co_profile_list,
    .order_add = co_order_add,
    .order_get = co_order_get,
    .order_list = co_order_list,
    .order_set_status = co_order_set_status,
    .open_count = co_open_count,
    .part_put = co_part_put,
    .part_get = co_part_get,
    .part_list = co_part_list,
    .part_clear = co_part_clear,
    .part_of_prod = co_part_of_prod,
    .proposal_put = co_proposal_put,
    .proposal_get = co_proposal_get,
    .design_add = co_design_add,
    .design_update = co_design_update,
    .design_get = co_design_get,
    .design_list = co_design_list,
    .design_file_add = co_design_file_add,
    .design_file_get = co_design_file_get,
    .design_file_list = co_design_file_list,
    .licence_put = co_licence_put,
    .licence_get = co_licence_get,
    .licence_list = co_licence_list,
    .use_add = co_use_add,
    .use_count = co_use_count,
    .use_list = co_use_list,
    .style_design_put = co_style_design_put,
    .style_design_get = co_style_design_get,
    .enquiry_add = co_enquiry_add,
    .enquiry_get = co_enquiry_get,
    .route_put = co_route_put,
    .route_get = co_route_get,
    .route_list = co_route_list,
    .town_page_put = co_town_page_put,
    .town_page_get = co_town_page_get,
};
