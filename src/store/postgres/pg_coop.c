/* SPDX-License-Identifier: Apache-2.0 */
/* pg_coop.c: the PostgreSQL side of store/coop.h, with the queries, scope
 * rules, orderings and error codes of sqlite/sqlite_coop.c: capability
 * profiles, cooperative orders and their parts, the solver's proposals,
 * designs with their files (bytea, sent in binary, read back through
 * PQunescapeBytea), licences and uses, the styles made from a design,
 * buyers' enquiries and their routes, the towns' pages. A part's weekly
 * pairs are the same comma-separated text as on SQLite, so a copy between
 * the backends keeps them. SQLite's INSERT OR REPLACE is an INSERT ... ON
 * CONFLICT DO UPDATE of every column (none of these tables has a second
 * unique key); ids and a file's number come back with RETURNING; every
 * write runs guarded (pg__run), so a refused one leaves the caller's
 * transaction usable. A firm sees the cooperative orders it leads or has a
 * part in, the aggregates-only readers only the association's own (lead
 * 0); designs of other firms only with terms cluster or public. Text is
 * ordered COLLATE "C", the byte order of SQLite's BINARY. */
#include "store/postgres/pg_int.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- profiles ---- */

static int profile_row(const PGresult *r, int row, void *dst)
{
	store_coop_profile *x = dst;
	x->enterprise_id = pg__i64(r, row, 0);
	TEXT(1, x->body);
	x->updated_ms = pg__i64(r, row, 2);
	TEXT(3, x->by);
	return GLOVED_OK;
}

static int pg_profile_get(store *s, int64_t enterprise_id, store_coop_profile *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s,
		       "SELECT enterprise_id, body, updated_ms, by_user FROM coop_profile"
		       " WHERE enterprise_id = $1",
		       &p, out, profile_row);
}

static int pg_profile_put(store *s, const store_coop_profile *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_text(&p, x->body);
	pg__p_i64(&p, x->updated_ms);
	pg__p_text(&p, x->by);
	return pg__run((pgc *)s,
		       "INSERT INTO coop_profile(enterprise_id, body, updated_ms, by_user)"
		       " VALUES($1, $2, $3, $4) ON CONFLICT(enterprise_id) DO UPDATE SET"
		       " body = excluded.body, updated_ms = excluded.updated_ms,"
		       " by_user = excluded.by_user",
		       &p, 1, NULL);
}

static int pg_profile_list(store *s, store_coop_profile **out, size_t *n)
{
	return pg__rows(
	    (pgc *)s,
	    "SELECT p.enterprise_id, p.body, p.updated_ms, p.by_user FROM coop_profile p"
	    " JOIN share_setting h ON h.enterprise_id = p.enterprise_id AND h.capacity = 1"
	    " ORDER BY p.enterprise_id",
	    NULL, sizeof **out, profile_row, (void **)out, n);
}

/* ---- cooperative orders ---- */

#define ORDER_COLS                                                                                 \
	"o.id, o.code, o.lead_id, o.lead_order_id, o.buyer, o.need, o.style, o.design_id,"         \
	" o.pairs, o.due_day, o.price_fen, o.min_quality_pm, o.max_partners, o.status,"            \
	" o.created_ms, o.by_user"

/* $1 firm, $2 aggregates: who may see order o */
#define ORDER_SCOPE                                                                                \
	" ($2::bigint <> 0 AND o.lead_id = 0 OR $2 = 0 AND ($1::bigint = 0 OR o.lead_id = $1"      \
	" OR EXISTS(SELECT 1 FROM coop_part p WHERE p.order_id = o.id AND p.enterprise_id = $1)))"

static int order_row(const PGresult *r, int row, void *dst)
{
	store_coop_order *x = dst;
	x->id = pg__i64(r, row, 0);
	TEXT(1, x->code);
	x->lead_id = pg__i64(r, row, 2);
	x->lead_order_id = pg__i64(r, row, 3);
	TEXT(4, x->buyer);
	TEXT(5, x->need);
	TEXT(6, x->style);
	x->design_id = pg__i64(r, row, 7);
	x->pairs = pg__i64(r, row, 8);
	x->due_day = pg__int(r, row, 9);
	x->price_fen = pg__i64(r, row, 10);
	x->min_quality_pm = pg__int(r, row, 11);
	x->max_partners = pg__int(r, row, 12);
	TEXT(13, x->status);
	x->created_ms = pg__i64(r, row, 14);
	TEXT(15, x->by);
	return GLOVED_OK;
}

static int pg_order_add(store *s, store_coop_order *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, x->code);
	pg__p_i64(&p, x->lead_id);
	pg__p_i64(&p, x->lead_order_id);
	pg__p_text(&p, x->buyer);
	pg__p_text(&p, x->need);
	pg__p_text(&p, x->style);
	pg__p_i64(&p, x->design_id);
	pg__p_i64(&p, x->pairs);
	pg__p_i64(&p, x->due_day);
	pg__p_i64(&p, x->price_fen);
	pg__p_i64(&p, x->min_quality_pm);
	pg__p_i64(&p, x->max_partners);
	pg__p_text(&p, x->status);
	pg__p_i64(&p, x->created_ms);
	pg__p_text(&p, x->by);
	return pg__insert_id(
	    (pgc *)s,
	    "INSERT INTO coop_order(code, lead_id, lead_order_id, buyer, need, style, design_id,"
	    " pairs, due_day, price_fen, min_quality_pm, max_partners, status, created_ms,"
	    " by_user) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
	    " RETURNING id",
	    &p, &x->id);
}

static int pg_order_get(store *s, store_scope sc, int64_t id, const char *code,
			store_coop_order *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_i64(&p, sc.aggregates);
	pg__p_i64(&p, id);
	pg__p_text(&p, code ? code : "");
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s,
		       "SELECT " ORDER_COLS " FROM coop_order o WHERE"
		       " ($3::bigint <> 0 AND o.id = $3 OR $3 = 0 AND o.code = $4) AND" ORDER_SCOPE,
		       &p, out, order_row);
}

static int pg_order_list(store *s, store_scope sc, store_coop_order **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_i64(&p, sc.aggregates);
	return pg__rows((pgc *)s,
			"SELECT " ORDER_COLS " FROM coop_order o WHERE" ORDER_SCOPE
			" ORDER BY o.id DESC LIMIT 1000",
			&p, sizeof **out, order_row, (void **)out, n);
}

static int pg_order_set_status(store *s, int64_t id, const char *status)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, status);
	pg__p_i64(&p, id);
	return pg__run((pgc *)s, "UPDATE coop_order SET status = $1 WHERE id = $2", &p, 1, NULL);
}

static int two_row(const PGresult *r, int row, void *dst)
{
	int64_t *v = dst;
	v[0] = pg__i64(r, row, 0);
	v[1] = pg__i64(r, row, 1);
	return GLOVED_OK;
}

static int pg_open_count(store *s, store_scope sc, int64_t *orders, int64_t *pairs)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, sc.town);
	pg__p_i64(&p, sc.enterprise_id);
	int64_t v[2] = {0, 0};
	int rc = pg__one(
	    (pgc *)s,
	    "SELECT count(*), coalesce(sum(o.pairs), 0) FROM coop_order o"
	    " WHERE o.status NOT IN ('done', 'cancelled') AND ($1::text = ''"
	    " OR o.lead_id IN (SELECT id FROM enterprise WHERE town = $1)"
	    " OR EXISTS(SELECT 1 FROM coop_part p JOIN enterprise e ON e.id = p.enterprise_id"
	    " WHERE p.order_id = o.id AND e.town = $1))"
	    " AND ($2::bigint = 0 OR o.lead_id = $2 OR EXISTS(SELECT 1 FROM coop_part p"
	    " WHERE p.order_id = o.id AND p.enterprise_id = $2))",
	    &p, v, two_row);
	if (!rc) {
		*orders = v[0];
		*pairs = v[1];
	}
	return rc;
}

/* ---- parts ---- */

#define PART_COLS                                                                                  \
	"order_id, enterprise_id, pairs, weeks, week0_day, status, prod_order_id, shipped,"        \
	" reason, updated_ms, by_user"

static int part_row(const PGresult *r, int row, void *dst)
{
	store_coop_part *x = dst;
	x->order_id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	x->pairs = pg__i64(r, row, 2);
	const char *w = PQgetisnull(r, row, 3) ? NULL : PQgetvalue(r, row, 3);
	for (int k = 0; w && *w && k < COOP_PART_WEEKS; k++) {
		char *end = NULL;
		x->weeks[k] = strtoll(w, &end, 10);
		if (end == w)
			break;
		w = *end == ',' ? end + 1 : end;
	}
	x->week0_day = pg__int(r, row, 4);
	TEXT(5, x->status);
	x->prod_order_id = pg__i64(r, row, 6);
	x->shipped = pg__i64(r, row, 7);
	TEXT(8, x->reason);
	x->updated_ms = pg__i64(r, row, 9);
	TEXT(10, x->by);
	return GLOVED_OK;
}

static int pg_part_put(store *s, const store_coop_part *x)
{
	char weeks[COOP_PART_WEEKS * 21 + 1];
	size_t off = 0;
	for (int k = 0; k < COOP_PART_WEEKS; k++) {
		int m = snprintf(weeks + off, sizeof weeks - off, "%s%lld", k ? "," : "",
				 (long long)x->weeks[k]);
		if (m < 0 || (size_t)m >= sizeof weeks - off)
			return GLOVED_EINVAL;
		off += (size_t)m;
	}
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->order_id);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_i64(&p, x->pairs);
	pg__p_text(&p, weeks);
	pg__p_i64(&p, x->week0_day);
	pg__p_text(&p, x->status);
	pg__p_i64(&p, x->prod_order_id);
	pg__p_i64(&p, x->shipped);
	pg__p_text(&p, x->reason);
	pg__p_i64(&p, x->updated_ms);
	pg__p_text(&p, x->by);
	return pg__run((pgc *)s,
		       "INSERT INTO coop_part(" PART_COLS ") VALUES($1, $2, $3, $4, $5, $6, $7,"
		       " $8, $9, $10, $11) ON CONFLICT(order_id, enterprise_id) DO UPDATE SET"
		       " pairs = excluded.pairs, weeks = excluded.weeks,"
		       " week0_day = excluded.week0_day, status = excluded.status,"
		       " prod_order_id = excluded.prod_order_id, shipped = excluded.shipped,"
		       " reason = excluded.reason, updated_ms = excluded.updated_ms,"
		       " by_user = excluded.by_user",
		       &p, 1, NULL);
}

static int pg_part_get(store *s, int64_t order_id, int64_t enterprise_id, store_coop_part *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, order_id);
	pg__p_i64(&p, enterprise_id);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s,
		       "SELECT " PART_COLS " FROM coop_part WHERE order_id = $1"
		       " AND enterprise_id = $2",
		       &p, out, part_row);
}

static int pg_part_list(store *s, int64_t order_id, int64_t enterprise_id, store_coop_part **out,
			size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, order_id);
	pg__p_i64(&p, enterprise_id);
	return pg__rows((pgc *)s,
			"SELECT " PART_COLS
			" FROM coop_part WHERE ($1::bigint = 0 OR order_id = $1)"
			" AND ($2::bigint = 0 OR enterprise_id = $2) AND ($1 <> 0 OR $2 <> 0)"
			" ORDER BY order_id DESC, enterprise_id",
			&p, sizeof **out, part_row, (void **)out, n);
}

static int pg_part_clear(store *s, int64_t order_id, const char *status)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, order_id);
	pg__p_text(&p, status);
	return pg__run((pgc *)s, "DELETE FROM coop_part WHERE order_id = $1 AND status = $2", &p, 1,
		       NULL);
}

static int pg_part_of_prod(store *s, int64_t prod_order_id, store_coop_part *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, prod_order_id);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s,
		       "SELECT " PART_COLS " FROM coop_part WHERE prod_order_id = $1"
		       " AND prod_order_id <> 0",
		       &p, out, part_row);
}

static int proposal_row(const PGresult *r, int row, void *dst)
{
	store_coop_proposal *x = dst;
	x->order_id = pg__i64(r, row, 0);
	TEXT(1, x->body);
	x->created_ms = pg__i64(r, row, 2);
	return GLOVED_OK;
}

static int pg_proposal_put(store *s, const store_coop_proposal *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->order_id);
	pg__p_text(&p, x->body);
	pg__p_i64(&p, x->created_ms);
	return pg__run((pgc *)s,
		       "INSERT INTO coop_proposal(order_id, body, created_ms) VALUES($1, $2, $3)"
		       " ON CONFLICT(order_id) DO UPDATE SET body = excluded.body,"
		       " created_ms = excluded.created_ms",
		       &p, 1, NULL);
}

static int pg_proposal_get(store *s, int64_t order_id, store_coop_proposal *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, order_id);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s,
		       "SELECT order_id, body, created_ms FROM coop_proposal WHERE order_id = $1",
		       &p, out, proposal_row);
}

/* ---- designs ---- */

#define DESIGN_COLS                                                                                \
	"id, enterprise_id, code, name, category, family, body, terms, fee_kind, fee_fen,"         \
	" created_ms, updated_ms, by_user"

static int design_row(const PGresult *r, int row, void *dst)
{
	store_design *x = dst;
	x->id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	TEXT(2, x->code);
	TEXT(3, x->name);
	TEXT(4, x->category);
	TEXT(5, x->family);
	TEXT(6, x->body);
	TEXT(7, x->terms);
	TEXT(8, x->fee_kind);
	x->fee_fen = pg__i64(r, row, 9);
	x->created_ms = pg__i64(r, row, 10);
	x->updated_ms = pg__i64(r, row, 11);
	TEXT(12, x->by);
	return GLOVED_OK;
}

static int pg_design_add(store *s, store_design *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_text(&p, x->code);
	pg__p_text(&p, x->name);
	pg__p_text(&p, x->category);
	pg__p_text(&p, x->family);
	pg__p_text(&p, x->body);
	pg__p_text(&p, x->terms);
	pg__p_text(&p, x->fee_kind);
	pg__p_i64(&p, x->fee_fen);
	pg__p_i64(&p, x->created_ms);
	pg__p_i64(&p, x->updated_ms);
	pg__p_text(&p, x->by);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO design(enterprise_id, code, name, category, family, body,"
			     " terms, fee_kind, fee_fen, created_ms, updated_ms, by_user)"
			     " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
			     " RETURNING id",
			     &p, &x->id);
}

static int pg_design_update(store *s, const store_design *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, x->name);
	pg__p_text(&p, x->body);
	pg__p_text(&p, x->terms);
	pg__p_text(&p, x->fee_kind);
	pg__p_i64(&p, x->fee_fen);
	pg__p_i64(&p, x->updated_ms);
	pg__p_text(&p, x->by);
	pg__p_i64(&p, x->id);
	return pg__run((pgc *)s,
		       "UPDATE design SET name = $1, body = $2, terms = $3, fee_kind = $4,"
		       " fee_fen = $5, updated_ms = $6, by_user = $7 WHERE id = $8",
		       &p, 1, NULL);
}

static int pg_design_get(store *s, int64_t id, store_design *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, id);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s, "SELECT " DESIGN_COLS " FROM design WHERE id = $1", &p, out,
		       design_row);
}

static int pg_design_list(store *s, store_scope sc, int public_only, store_design **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_i64(&p, sc.aggregates);
	pg__p_i64(&p, public_only);
	return pg__rows((pgc *)s,
			"SELECT " DESIGN_COLS " FROM design WHERE CASE WHEN $3::bigint <> 0"
			" THEN terms = 'public' WHEN $1::bigint <> 0 THEN enterprise_id = $1"
			" OR terms IN ('cluster', 'public') WHEN $2::bigint <> 0"
			" THEN terms IN ('cluster', 'public') ELSE true END"
			" ORDER BY enterprise_id, code COLLATE \"C\" LIMIT 5000",
			&p, sizeof **out, design_row, (void **)out, n);
}

static int pg_design_file_add(store *s, store_design_file *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->design_id);
	pg__p_text(&p, x->kind);
	pg__p_text(&p, x->name);
	pg__p_text(&p, x->mime);
	if (x->data)
		pg__p_bin(&p, x->data, x->size);
	else
		pg__p_null(&p); /* as SQLite binds a NULL blob: the column refuses it */
	int64_t no = 0;
	int rc = pg__insert_id(
	    (pgc *)s,
	    "INSERT INTO design_file(design_id, no, kind, name, mime, data)"
	    " VALUES($1, (SELECT coalesce(max(no), 0) + 1 FROM design_file WHERE design_id = $1),"
	    " $2, $3, $4, $5) RETURNING no",
	    &p, &no);
	if (!rc)
		x->no = (int32_t)no;
	return rc;
}

static int file_row(const PGresult *r, int row, void *dst)
{
	store_design_file *x = dst;
	x->design_id = pg__i64(r, row, 0);
	x->no = pg__int(r, row, 1);
	TEXT(2, x->kind);
	TEXT(3, x->name);
	TEXT(4, x->mime);
	x->size = (size_t)pg__i64(r, row, 5);
	return GLOVED_OK;
}

/* The row with the file's data (column 6, bytea in text form) copied into
 * a malloc'd buffer. */
static int file_data_row(const PGresult *r, int row, void *dst)
{
	store_design_file *x = dst;
	file_row(r, row, x);
	size_t len = 0;
	unsigned char *b = PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, 6), &len);
	if (!b)
		return GLOVED_ENOMEM;
	x->size = len;
	x->data = malloc(len ? len : 1);
	if (x->data && len)
		memcpy(x->data, b, len);
	PQfreemem(b);
	return x->data ? GLOVED_OK : GLOVED_ENOMEM;
}

static int pg_design_file_get(store *s, int64_t design_id, int32_t no, store_design_file *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, design_id);
	pg__p_i64(&p, no);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s,
		       "SELECT design_id, no, kind, name, mime, length(data), data"
		       " FROM design_file WHERE design_id = $1 AND no = $2",
		       &p, out, file_data_row);
}

static int pg_design_file_list(store *s, int64_t design_id, store_design_file **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, design_id);
	return pg__rows((pgc *)s,
			"SELECT design_id, no, kind, name, mime, length(data) FROM design_file"
			" WHERE design_id = $1 ORDER BY no",
			&p, sizeof **out, file_row, (void **)out, n);
}

/* ---- licences and uses ---- */

#define LICENCE_COLS                                                                               \
	"id, design_id, enterprise_id, status, fee_kind, fee_fen, note, requested_ms,"             \
	" decided_ms, by_user"

static int licence_row(const PGresult *r, int row, void *dst)
{
	store_design_licence *x = dst;
	x->id = pg__i64(r, row, 0);
	x->design_id = pg__i64(r, row, 1);
	x->enterprise_id = pg__i64(r, row, 2);
	TEXT(3, x->status);
	TEXT(4, x->fee_kind);
	x->fee_fen = pg__i64(r, row, 5);
	TEXT(6, x->note);
	x->requested_ms = pg__i64(r, row, 7);
	x->decided_ms = pg__i64(r, row, 8);
	TEXT(9, x->by);
	return GLOVED_OK;
}

static int pg_licence_put(store *s, store_design_licence *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->design_id);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_text(&p, x->status);
	pg__p_text(&p, x->fee_kind);
	pg__p_i64(&p, x->fee_fen);
	pg__p_text(&p, x->note);
	pg__p_i64(&p, x->requested_ms);
	pg__p_i64(&p, x->decided_ms);
	pg__p_text(&p, x->by);
	/* a new row or the one asked for before: its id either way */
	return pg__insert_id(
	    (pgc *)s,
	    "INSERT INTO design_licence(design_id, enterprise_id, status, fee_kind, fee_fen,"
	    " note, requested_ms, decided_ms, by_user) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)"
	    " ON CONFLICT(design_id, enterprise_id) DO UPDATE SET status = excluded.status,"
	    " fee_kind = excluded.fee_kind, fee_fen = excluded.fee_fen, note = excluded.note,"
	    " requested_ms = excluded.requested_ms, decided_ms = excluded.decided_ms,"
	    " by_user = excluded.by_user RETURNING id",
	    &p, &x->id);
}

static int pg_licence_get(store *s, int64_t id, int64_t design_id, int64_t enterprise_id,
			  store_design_licence *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, id);
	pg__p_i64(&p, design_id);
	pg__p_i64(&p, enterprise_id);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s,
		       "SELECT " LICENCE_COLS " FROM design_licence WHERE ($1::bigint <> 0"
		       " AND id = $1) OR ($1 = 0 AND design_id = $2 AND enterprise_id = $3)",
		       &p, out, licence_row);
}

static int pg_licence_list(store *s, int64_t enterprise_id, store_design_licence **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	return pg__rows((pgc *)s,
			"SELECT " LICENCE_COLS " FROM design_licence WHERE $1::bigint = 0"
			" OR enterprise_id = $1 OR design_id IN (SELECT id FROM design WHERE "
			"enterprise_id = $1)"
			" ORDER BY id DESC LIMIT 2000",
			&p, sizeof **out, licence_row, (void **)out, n);
}

static int pg_use_add(store *s, store_design_use *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->design_id);
	pg__p_i64(&p, x->licence_id);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_i64(&p, x->order_id);
	pg__p_i64(&p, x->pairs);
	pg__p_i64(&p, x->royalty_fen);
	pg__p_i64(&p, x->month);
	pg__p_i64(&p, x->ts_ms);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO design_use(design_id, licence_id, enterprise_id,"
			     " order_id, pairs, royalty_fen, month, ts_ms)"
			     " VALUES($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
			     &p, &x->id);
}

static int count_row(const PGresult *r, int row, void *dst)
{
	*(int64_t *)dst = pg__i64(r, row, 0);
	return GLOVED_OK;
}

static int pg_use_count(store *s, int64_t licence_id, int64_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, licence_id);
	return pg__one((pgc *)s, "SELECT count(*) FROM design_use WHERE licence_id = $1", &p, n,
		       count_row);
}

static int use_row(const PGresult *r, int row, void *dst)
{
	store_design_use *x = dst;
	x->id = pg__i64(r, row, 0);
	x->design_id = pg__i64(r, row, 1);
	x->licence_id = pg__i64(r, row, 2);
	x->enterprise_id = pg__i64(r, row, 3);
	x->order_id = pg__i64(r, row, 4);
	x->pairs = pg__i64(r, row, 5);
	x->royalty_fen = pg__i64(r, row, 6);
	x->month = pg__int(r, row, 7);
	x->ts_ms = pg__i64(r, row, 8);
	return GLOVED_OK;
}

static int pg_use_list(store *s, int64_t owner_id, int64_t user_id, int32_t m0, int32_t m1,
		       store_design_use **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, owner_id);
	pg__p_i64(&p, user_id);
	pg__p_i64(&p, m0);
	pg__p_i64(&p, m1);
	return pg__rows(
	    (pgc *)s,
	    "SELECT u.id, u.design_id, u.licence_id, u.enterprise_id, u.order_id, u.pairs,"
	    " u.royalty_fen, u.month, u.ts_ms FROM design_use u JOIN design d ON d.id ="
	    " u.design_id WHERE u.month BETWEEN $3 AND $4 AND ($1::bigint = 0"
	    " OR d.enterprise_id = $1) AND ($2::bigint = 0 OR u.enterprise_id = $2)"
	    " ORDER BY u.month, u.design_id, u.id LIMIT 100000",
	    &p, sizeof **out, use_row, (void **)out, n);
}

static int pg_style_design_put(store *s, int64_t style_id, int64_t design_id, int64_t licence_id)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, style_id);
	pg__p_i64(&p, design_id);
	pg__p_i64(&p, licence_id);
	return pg__run((pgc *)s,
		       "INSERT INTO style_design(style_id, design_id, licence_id)"
		       " VALUES($1, $2, $3) ON CONFLICT(style_id) DO UPDATE SET"
		       " design_id = excluded.design_id, licence_id = excluded.licence_id",
		       &p, 1, NULL);
}

static int pg_style_design_get(store *s, int64_t style_id, int64_t *design_id, int64_t *licence_id)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, style_id);
	int64_t v[2] = {0, 0};
	int rc =
	    pg__one((pgc *)s, "SELECT design_id, licence_id FROM style_design WHERE style_id = $1",
		    &p, v, two_row);
	if (!rc) {
		*design_id = v[0];
		*licence_id = v[1];
	}
	return rc;
}

/* ---- enquiries ---- */

#define ENQ_COLS                                                                                   \
	"id, ref, token_hash, buyer, contact, product, family, pairs, due_day, message, lang,"     \
	" created_ms"

static int enquiry_row(const PGresult *r, int row, void *dst)
{
	store_enquiry *x = dst;
	x->id = pg__i64(r, row, 0);
	TEXT(1, x->ref);
	size_t len = 0;
	unsigned char *h = PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, 2), &len);
	if (!h)
		return GLOVED_ENOMEM;
	if (len == sizeof x->token_hash)
		memcpy(x->token_hash, h, len);
	PQfreemem(h);
	TEXT(3, x->buyer);
	TEXT(4, x->contact);
	TEXT(5, x->product);
	TEXT(6, x->family);
	x->pairs = pg__i64(r, row, 7);
	x->due_day = pg__int(r, row, 8);
	TEXT(9, x->message);
	TEXT(10, x->lang);
	x->created_ms = pg__i64(r, row, 11);
	return GLOVED_OK;
}

static int pg_enquiry_add(store *s, store_enquiry *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, x->ref);
	pg__p_bin(&p, x->token_hash, sizeof x->token_hash);
	pg__p_text(&p, x->buyer);
	pg__p_text(&p, x->contact);
	pg__p_text(&p, x->product);
	pg__p_text(&p, x->family);
	pg__p_i64(&p, x->pairs);
	pg__p_i64(&p, x->due_day);
	pg__p_text(&p, x->message);
	pg__p_text(&p, x->lang);
	pg__p_i64(&p, x->created_ms);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO enquiry(ref, token_hash, buyer, contact, product, family,"
			     " pairs, due_day, message, lang, created_ms)"
			     " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
			     &p, &x->id);
}

static int pg_enquiry_get(store *s, int64_t id, const char *ref, store_enquiry *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, id);
	pg__p_text(&p, ref ? ref : "");
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s,
		       "SELECT " ENQ_COLS " FROM enquiry WHERE ($1::bigint <> 0 AND id = $1)"
		       " OR ($1 = 0 AND ref = $2)",
		       &p, out, enquiry_row);
}

#define ROUTE_COLS "enquiry_id, enterprise_id, status, price_fen, answer, answered_ms, by_user"

static int route_row(const PGresult *r, int row, void *dst)
{
	store_enquiry_route *x = dst;
	x->enquiry_id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	TEXT(2, x->status);
	x->price_fen = pg__i64(r, row, 3);
	TEXT(4, x->answer);
	x->answered_ms = pg__i64(r, row, 5);
	TEXT(6, x->by);
	return GLOVED_OK;
}

static int pg_route_put(store *s, const store_enquiry_route *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enquiry_id);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_text(&p, x->status);
	pg__p_i64(&p, x->price_fen);
	pg__p_text(&p, x->answer);
	pg__p_i64(&p, x->answered_ms);
	pg__p_text(&p, x->by);
	return pg__run((pgc *)s,
		       "INSERT INTO enquiry_route(" ROUTE_COLS ") VALUES($1, $2, $3, $4, $5, $6,"
		       " $7) ON CONFLICT(enquiry_id, enterprise_id) DO UPDATE SET"
		       " status = excluded.status, price_fen = excluded.price_fen,"
		       " answer = excluded.answer, answered_ms = excluded.answered_ms,"
		       " by_user = excluded.by_user",
		       &p, 1, NULL);
}

static int pg_route_get(store *s, int64_t enquiry_id, int64_t enterprise_id,
			store_enquiry_route *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enquiry_id);
	pg__p_i64(&p, enterprise_id);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s,
		       "SELECT " ROUTE_COLS " FROM enquiry_route WHERE enquiry_id = $1"
		       " AND enterprise_id = $2",
		       &p, out, route_row);
}

static int pg_route_list(store *s, int64_t enquiry_id, int64_t enterprise_id,
			 store_enquiry_route **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enquiry_id);
	pg__p_i64(&p, enterprise_id);
	return pg__rows((pgc *)s,
			"SELECT " ROUTE_COLS " FROM enquiry_route"
			" WHERE ($1::bigint = 0 OR enquiry_id = $1)"
			" AND ($2::bigint = 0 OR enterprise_id = $2) AND ($1 <> 0 OR $2 <> 0)"
			" ORDER BY enquiry_id DESC, enterprise_id LIMIT 1000",
			&p, sizeof **out, route_row, (void **)out, n);
}

/* ---- town pages ---- */

static int town_row(const PGresult *r, int row, void *dst)
{
	store_town_page *x = dst;
	TEXT(0, x->town);
	TEXT(1, x->body);
	x->updated_ms = pg__i64(r, row, 2);
	TEXT(3, x->by);
	return GLOVED_OK;
}

static int pg_town_page_put(store *s, const store_town_page *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, x->town);
	pg__p_text(&p, x->body);
	pg__p_i64(&p, x->updated_ms);
	pg__p_text(&p, x->by);
	return pg__run((pgc *)s,
		       "INSERT INTO town_page(town, body, updated_ms, by_user) VALUES($1, $2, $3,"
		       " $4) ON CONFLICT(town) DO UPDATE SET body = excluded.body,"
		       " updated_ms = excluded.updated_ms, by_user = excluded.by_user",
		       &p, 1, NULL);
}

static int pg_town_page_get(store *s, const char *town, store_town_page *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, town);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s,
		       "SELECT town, body, updated_ms, by_user FROM town_page WHERE town = $1", &p,
		       out, town_row);
}

const store_coop_ops pg__coop_ops = {
    .version = STORE_COOP_VERSION,
    .profile_get = pg_profile_get,
    .profile_put = pg_profile_put,
    .profile_list = pg_profile_list,
    .order_add = pg_order_add,
    .order_get = pg_order_get,
    .order_list = pg_order_list,
    .order_set_status = pg_order_set_status,
    .open_count = pg_open_count,
    .part_put = pg_part_put,
    .part_get = pg_part_get,
    .part_list = pg_part_list,
    .part_clear = pg_part_clear,
    .part_of_prod = pg_part_of_prod,
    .proposal_put = pg_proposal_put,
    .proposal_get = pg_proposal_get,
    .design_add = pg_design_add,
    .design_update = pg_design_update,
    .design_get = pg_design_get,
    .design_list = pg_design_list,
    .design_file_add = pg_design_file_add,
    .design_file_get = pg_design_file_get,
    .design_file_list = pg_design_file_list,
    .licence_put = pg_licence_put,
    .licence_get = pg_licence_get,
    .licence_list = pg_licence_list,
    .use_add = pg_use_add,
    .use_count = pg_use_count,
    .use_list = pg_use_list,
    .style_design_put = pg_style_design_put,
    .style_design_get = pg_style_design_get,
    .enquiry_add = pg_enquiry_add,
    .enquiry_get = pg_enquiry_get,
    .route_put = pg_route_put,
    .route_get = pg_route_get,
    .route_list = pg_route_list,
    .town_page_put = pg_town_page_put,
    .town_page_get = pg_town_page_get,
};
