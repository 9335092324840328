/* SPDX-License-Identifier: Apache-2.0 */
/* pg_brand.c: the PostgreSQL side of store/brand.h: licences and their
 * history, audits, labels, public scans and flags, with the results, error
 * codes, scope rules and ordering of sqlite/sqlite_brand.c. A public scan
 * is one call in the caller's transaction: the scan row (the network's
 * hash as bytea), the label's network set (label_net, so distinct networks
 * are counted without a scan of the log) and the label's counters. The
 * writes that can be refused (an unknown firm or label, a serial in use)
 * run under a savepoint inside a transaction, so the refusal leaves it
 * usable as in SQLite. Firm scopes filter in SQL. */
#include "store/postgres/pg_int.h"
#include "util/err.h"

#include <stddef.h>
#include <string.h>

/* The firm a read is about: enterprise_id, else the scope's; -1 when they
 * name different firms (nothing to see), as sqlite__read_ent. */
static int64_t read_ent(store_scope sc, int64_t enterprise_id)
{
	if (sc.enterprise_id && enterprise_id && sc.enterprise_id != enterprise_id)
		return -1;
	return enterprise_id ? enterprise_id : sc.enterprise_id;
}

/* ---- licences ---- */

#define LIC_COLS                                                                                   \
	"enterprise_id, status, since_ms, audits_passed, last_lots, min_accept_pct, updated_ms"

static int lic_row(const PGresult *r, int row, void *dst)
{
	store_licence *x = dst;
	x->enterprise_id = pg__i64(r, row, 0);
	TEXT(1, x->status);
	x->since_ms = pg__i64(r, row, 2);
	x->audits_passed = pg__int(r, row, 3);
	x->last_lots = pg__int(r, row, 4);
	x->min_accept_pct = pg__int(r, row, 5);
	x->updated_ms = pg__i64(r, row, 6);
	return GLOVED_OK;
}

static int pb_licence_get(store *s, int64_t enterprise_id, store_licence *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s, "SELECT " LIC_COLS " FROM brand_licence WHERE enterprise_id = $1",
		       &p, out, lic_row);
}

static int pb_licence_list(store *s, store_scope sc, store_licence **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	return pg__rows((pgc *)s,
			"SELECT " LIC_COLS " FROM brand_licence WHERE $1::bigint = 0"
			" OR enterprise_id = $1 ORDER BY enterprise_id",
			&p, sizeof **out, lic_row, (void **)out, n);
}

/* SQLite's INSERT OR REPLACE: the firm's one row, every column new. */
static int pb_licence_put(store *s, const store_licence *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_text(&p, x->status);
	pg__p_i64(&p, x->since_ms);
	pg__p_i64(&p, x->audits_passed);
	pg__p_i64(&p, x->last_lots);
	pg__p_i64(&p, x->min_accept_pct);
	pg__p_i64(&p, x->updated_ms);
	return pg__run((pgc *)s,
		       "INSERT INTO brand_licence(" LIC_COLS ") VALUES($1, $2, $3, $4, $5, $6, $7)"
		       " ON CONFLICT(enterprise_id) DO UPDATE SET status = excluded.status,"
		       " since_ms = excluded.since_ms, audits_passed = excluded.audits_passed,"
		       " last_lots = excluded.last_lots, min_accept_pct = excluded.min_accept_pct,"
		       " updated_ms = excluded.updated_ms",
		       &p, 1, NULL);
}

static int pb_licence_event_add(store *s, const store_licence_event *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_i64(&p, x->ts_ms);
	pg__p_text(&p, x->action);
	pg__p_text(&p, x->by);
	pg__p_text(&p, x->reason);
	pg__p_text(&p, x->status);
	return pg__run((pgc *)s,
		       "INSERT INTO brand_licence_event(enterprise_id, ts_ms, action, by_user,"
		       " reason, status) VALUES($1, $2, $3, $4, $5, $6)",
		       &p, 1, NULL);
}

static int event_row(const PGresult *r, int row, void *dst)
{
	store_licence_event *x = dst;
	x->id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	x->ts_ms = pg__i64(r, row, 2);
	TEXT(3, x->action);
	TEXT(4, x->by);
	TEXT(5, x->reason);
	TEXT(6, x->status);
	return GLOVED_OK;
}

static int pb_licence_events(store *s, int64_t enterprise_id, store_licence_event **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	return pg__rows((pgc *)s,
			"SELECT id, enterprise_id, ts_ms, action, by_user, reason, status"
			" FROM brand_licence_event WHERE enterprise_id = $1 ORDER BY id",
			&p, sizeof **out, event_row, (void **)out, n);
}

/* ---- audits ---- */

static int pb_audit_add(store *s, store_audit *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_i64(&p, x->day);
	pg__p_text(&p, x->auditor);
	pg__p_i64(&p, x->passed);
	pg__p_text(&p, x->note);
	pg__p_i64(&p, x->created_ms);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO brand_audit(enterprise_id, day, auditor, passed, note,"
			     " created_ms) VALUES($1, $2, $3, $4, $5, $6) RETURNING id",
			     &p, &x->id);
}

static int audit_row(const PGresult *r, int row, void *dst)
{
	store_audit *x = dst;
	x->id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	x->day = pg__int(r, row, 2);
	TEXT(3, x->auditor);
	x->passed = pg__int(r, row, 4);
	TEXT(5, x->note);
	x->created_ms = pg__i64(r, row, 6);
	return GLOVED_OK;
}

static int pb_audit_list(store *s, store_scope sc, int64_t enterprise_id, store_audit **out,
			 size_t *n)
{
	*out = NULL;
	*n = 0;
	int64_t ent = read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, ent);
	return pg__rows((pgc *)s,
			"SELECT id, enterprise_id, day, auditor, passed, note, created_ms"
			" FROM brand_audit WHERE $1::bigint = 0 OR enterprise_id = $1"
			" ORDER BY day DESC, id DESC",
			&p, sizeof **out, audit_row, (void **)out, n);
}

/* ---- labels ---- */

#define LABEL_COLS                                                                                 \
	"id, enterprise_id, lot_id, carton_id, serial, kind, brand, pairs, payload, sig,"          \
	" created_ms, scans, first_scan_ms, last_scan_ms, networks, flagged"

static int label_row(const PGresult *r, int row, void *dst)
{
	store_label *x = dst;
	x->id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	x->lot_id = pg__i64(r, row, 2);
	x->carton_id = pg__i64(r, row, 3);
	TEXT(4, x->serial);
	TEXT(5, x->kind);
	x->brand = pg__int(r, row, 6);
	x->pairs = pg__i64(r, row, 7);
	TEXT(8, x->payload);
	TEXT(9, x->sig);
	x->created_ms = pg__i64(r, row, 10);
	x->scans = pg__i64(r, row, 11);
	x->first_scan_ms = pg__i64(r, row, 12);
	x->last_scan_ms = pg__i64(r, row, 13);
	x->networks = pg__int(r, row, 14);
	x->flagged = pg__int(r, row, 15);
	return GLOVED_OK;
}

static int pb_label_add(store *s, store_label *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_i64(&p, x->lot_id);
	pg__p_i64(&p, x->carton_id);
	pg__p_text(&p, x->serial);
	pg__p_text(&p, x->kind);
	pg__p_i64(&p, x->brand);
	pg__p_i64(&p, x->pairs);
	pg__p_text(&p, x->payload);
	pg__p_text(&p, x->sig);
	pg__p_i64(&p, x->created_ms);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO label(enterprise_id, lot_id, carton_id, serial, kind,"
			     " brand, pairs, payload, sig, created_ms) VALUES($1, $2, $3, $4, $5,"
			     " $6, $7, $8, $9, $10) RETURNING id",
			     &p, &x->id);
}

static const char label_by_id_sql[] = "SELECT " LABEL_COLS " FROM label WHERE id = $1";

static int pb_label_by_serial(store *s, const char *serial, store_label *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, serial);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s, "SELECT " LABEL_COLS " FROM label WHERE serial = $1", &p, out,
		       label_row);
}

static int pb_label_list(store *s, store_scope sc, int64_t enterprise_id, int64_t lot_id,
			 store_label **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int64_t ent = read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, ent);
	pg__p_i64(&p, lot_id);
	return pg__rows((pgc *)s,
			"SELECT " LABEL_COLS " FROM label WHERE ($1::bigint = 0 OR"
			" enterprise_id = $1) AND ($2::bigint = 0 OR lot_id = $2) ORDER BY id",
			&p, sizeof **out, label_row, (void **)out, n);
}

static int pb_label_scan(store *s, int64_t label_id, const uint8_t *net, int64_t ts_ms,
			 store_label *out)
{
	pgc *q = (pgc *)s;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, label_id);
	pg__p_i64(&p, ts_ms);
	pg__p_bin(&p, net, 32);
	/* an unknown label is refused here (its foreign key), before anything
	 * else is written */
	int rc = pg__run(q, "INSERT INTO label_scan(label_id, ts_ms, net) VALUES($1, $2, $3)", &p,
			 1, NULL);
	if (rc)
		return rc;
	pg__p_init(&p);
	pg__p_i64(&p, label_id);
	pg__p_bin(&p, net, 32);
	int64_t added = 0;
	rc =
	    pg__run(q, "INSERT INTO label_net(label_id, net) VALUES($1, $2) ON CONFLICT DO NOTHING",
		    &p, 0, &added);
	if (rc)
		return rc;
	pg__p_init(&p);
	pg__p_i64(&p, label_id);
	pg__p_i64(&p, ts_ms);
	pg__p_i64(&p, added > 0);
	rc = pg__run(q,
		     "UPDATE label SET scans = scans + 1, first_scan_ms = CASE WHEN"
		     " first_scan_ms = 0 THEN $2 ELSE first_scan_ms END, last_scan_ms = $2,"
		     " networks = networks + $3 WHERE id = $1",
		     &p, 0, NULL);
	if (rc)
		return rc;
	pg__p_init(&p);
	pg__p_i64(&p, label_id);
	memset(out, 0, sizeof *out);
	return pg__one(q, label_by_id_sql, &p, out, label_row);
}

/* ---- flags ---- */

static int pb_flag_add(store *s, store_flag *x)
{
	pgc *q = (pgc *)s;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_i64(&p, x->label_id);
	pg__p_i64(&p, x->ts_ms);
	pg__p_text(&p, x->reason);
	pg__p_i64(&p, x->scans);
	pg__p_i64(&p, x->networks);
	int rc =
	    pg__insert_id(q,
			  "INSERT INTO brand_flag(enterprise_id, label_id, ts_ms, reason, scans,"
			  " networks) VALUES($1, $2, $3, $4, $5, $6) RETURNING id",
			  &p, &x->id);
	if (rc)
		return rc;
	pg__p_init(&p);
	pg__p_i64(&p, x->label_id);
	return pg__run(q, "UPDATE label SET flagged = 1 WHERE id = $1", &p, 0, NULL);
}

static int flag_row(const PGresult *r, int row, void *dst)
{
	store_flag *x = dst;
	x->id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	x->label_id = pg__i64(r, row, 2);
	TEXT(3, x->serial);
	x->ts_ms = pg__i64(r, row, 4);
	TEXT(5, x->reason);
	x->scans = pg__i64(r, row, 6);
	x->networks = pg__int(r, row, 7);
	x->resolved_ms = pg__i64(r, row, 8);
	TEXT(9, x->resolved_by);
	TEXT(10, x->note);
	return GLOVED_OK;
}

static int pb_flag_list(store *s, store_scope sc, int open_only, store_flag **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_i64(&p, open_only);
	return pg__rows(
	    (pgc *)s,
	    "SELECT f.id, f.enterprise_id, f.label_id, l.serial, f.ts_ms, f.reason, f.scans,"
	    " f.networks, f.resolved_ms, f.resolved_by, f.note FROM brand_flag f"
	    " JOIN label l ON l.id = f.label_id WHERE ($1::bigint = 0 OR f.enterprise_id = $1)"
	    " AND ($2::bigint = 0 OR f.resolved_ms = 0) ORDER BY f.id DESC",
	    &p, sizeof **out, flag_row, (void **)out, n);
}

static int pb_flag_resolve(store *s, store_scope sc, int64_t id, const char *by, const char *note,
			   int64_t ts_ms)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, id);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_i64(&p, ts_ms);
	pg__p_text(&p, by);
	pg__p_text(&p, note);
	int64_t changed = 0;
	int rc = pg__run((pgc *)s,
			 "UPDATE brand_flag SET resolved_ms = $3, resolved_by = $4, note = $5"
			 " WHERE id = $1 AND ($2::bigint = 0 OR enterprise_id = $2)"
			 " AND resolved_ms = 0",
			 &p, 0, &changed);
	if (!rc && changed == 0)
		rc = GLOVED_ENOTFOUND;
	return rc;
}

const store_brand_ops pg__brand_ops = {
    .version = STORE_BRAND_VERSION,
    .licence_get = pb_licence_get,
    .licence_list = pb_licence_list,
    .licence_put = pb_licence_put,
    .licence_event_add = pb_licence_event_add,
    .licence_events = pb_licence_events,
    .audit_add = pb_audit_add,
    .audit_list = pb_audit_list,
    .label_add = pb_label_add,
    .label_by_serial = pb_label_by_serial,
    .label_list = pb_label_list,
    .label_scan = pb_label_scan,
    .flag_add = pb_flag_add,
    .flag_list = pb_flag_list,
    .flag_resolve = pb_flag_resolve,
};
