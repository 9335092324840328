/* SPDX-License-Identifier: Apache-2.0 */
/* sqlite_brand.c: the SQLite side of store/brand.h. A public scan is one
 * call in the caller's transaction: the scan row, the label's network set
 * (label_net, so distinct networks are counted without a scan of the log)
 * and the label's counters. Firm scopes filter in SQL. */
#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#include <stddef.h>
#include <string.h>

#define TEXT(i, f) sqlite__text_col(st, i, f, sizeof f)

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* ---- licences ---- */

#define LIC_COLS                                                                                   \
	"enterprise_id, status, since_ms, audits_passed, last_lots, min_accept_pct, updated_ms"

static int lic_row(sqlite3_stmt *st, void *dst)
{
	store_licence *x = dst;
	x->enterprise_id = sqlite3_column_int64(st, 0);
	TEXT(1, x->status);
	x->since_ms = sqlite3_column_int64(st, 2);
	x->audits_passed = sqlite3_column_int(st, 3);
	x->last_lots = sqlite3_column_int(st, 4);
	x->min_accept_pct = sqlite3_column_int(st, 5);
	x->updated_ms = sqlite3_column_int64(st, 6);
	return GLOVED_OK;
}

static int sb_licence_get(store *s, int64_t enterprise_id, store_licence *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT " LIC_COLS " FROM brand_licence WHERE enterprise_id = ?");
	if (st)
		sqlite3_bind_int64(st, 1, enterprise_id);
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, lic_row);
}

static int sb_licence_list(store *s, store_scope sc, store_licence **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " LIC_COLS " FROM brand_licence"
					     " WHERE ?1 = 0 OR enterprise_id = ?1"
					     " ORDER BY enterprise_id");
	if (st)
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
	return sqlite__rows(q, st, sizeof **out, lic_row, (void **)out, n);
}

static int sb_licence_put(store *s, const store_licence *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT OR REPLACE INTO brand_licence(" LIC_COLS
					     ") VALUES(?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	bind_text(st, 2, x->status);
	sqlite3_bind_int64(st, 3, x->since_ms);
	sqlite3_bind_int(st, 4, x->audits_passed);
	sqlite3_bind_int(st, 5, x->last_lots);
	sqlite3_bind_int(st, 6, x->min_accept_pct);
	sqlite3_bind_int64(st, 7, x->updated_ms);
	return sqlite__run(q, st);
}

static int sb_licence_event_add(store *s, const store_licence_event *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "INSERT INTO brand_licence_event(enterprise_id, ts_ms,"
			      " action, by_user, reason, status) VALUES(?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	sqlite3_bind_int64(st, 2, x->ts_ms);
	bind_text(st, 3, x->action);
	bind_text(st, 4, x->by);
	bind_text(st, 5, x->reason);
	bind_text(st, 6, x->status);
	return sqlite__run(q, st);
}

static int event_row(sqlite3_stmt *st, void *dst)
{
	store_licence_event *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	x->ts_ms = sqlite3_column_int64(st, 2);
	TEXT(3, x->action);
	TEXT(4, x->by);
	TEXT(5, x->reason);
	TEXT(6, x->status);
	return GLOVED_OK;
}

static int sb_licence_events(store *s, int64_t enterprise_id, store_licence_event **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT id, enterprise_id, ts_ms, action, by_user,"
					     " reason, status FROM brand_licence_event"
					     " WHERE enterprise_id = ? ORDER BY id");
	if (st)
		sqlite3_bind_int64(st, 1, enterprise_id);
	return sqlite__rows(q, st, sizeof **out, event_row, (void **)out, n);
}

/* ---- audits ---- */

static int sb_audit_add(store *s, store_audit *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT INTO brand_audit(enterprise_id, day, auditor,"
					     " passed, note, created_ms) VALUES(?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	sqlite3_bind_int(st, 2, x->day);
	bind_text(st, 3, x->auditor);
	sqlite3_bind_int(st, 4, x->passed);
	bind_text(st, 5, x->note);
	sqlite3_bind_int64(st, 6, x->created_ms);
	int rc = sqlite__run(q, st);
	if (!rc)
		x->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int audit_row(sqlite3_stmt *st, void *dst)
{
	store_audit *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	x->day = sqlite3_column_int(st, 2);
	TEXT(3, x->auditor);
	x->passed = sqlite3_column_int(st, 4);
	TEXT(5, x->note);
	x->created_ms = sqlite3_column_int64(st, 6);
	return GLOVED_OK;
}

static int sb_audit_list(store *s, store_scope sc, int64_t enterprise_id, store_audit **out,
			 size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT id, enterprise_id, day, auditor, passed,"
					     " note, created_ms FROM brand_audit WHERE ?1 = 0"
					     " OR enterprise_id = ?1 ORDER BY day DESC, id DESC");
	if (st)
		sqlite3_bind_int64(st, 1, ent);
	return sqlite__rows(q, st, sizeof **out, audit_row, (void **)out, n);
}

/* ---- labels ---- */

#define LABEL_COLS                                                                                 \
	"id, enterprise_id, lot_id, carton_id, serial, kind, brand, pairs, payload, sig,"          \
	" created_ms, scans, first_scan_ms, last_scan_ms, networks, flagged"

static int label_row(sqlite3_stmt *st, void *dst)
{
	store_label *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	x->lot_id = sqlite3_column_int64(st, 2);
	x->carton_id = sqlite3_column_int64(st, 3);
	TEXT(4, x->serial);
	TEXT(5, x->kind);
	x->brand = sqlite3_column_int(st, 6);
	x->pairs = sqlite3_column_int64(st, 7);
	TEXT(8, x->payload);
	TEXT(9, x->sig);
	x->created_ms = sqlite3_column_int64(st, 10);
	x->scans = sqlite3_column_int64(st, 11);
	x->first_scan_ms = sqlite3_column_int64(st, 12);
	x->last_scan_ms = sqlite3_column_int64(st, 13);
	x->networks = sqlite3_column_int(st, 14);
	x->flagged = sqlite3_column_int(st, 15);
	return GLOVED_OK;
}

static int sb_label_add(store *s, store_label *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "INSERT INTO label(enterprise_id, lot_id, carton_id, serial, kind,"
	       " brand, pairs, payload, sig, created_ms) VALUES(?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	sqlite3_bind_int64(st, 2, x->lot_id);
	sqlite3_bind_int64(st, 3, x->carton_id);
	bind_text(st, 4, x->serial);
	bind_text(st, 5, x->kind);
	sqlite3_bind_int(st, 6, x->brand);
	sqlite3_bind_int64(st, 7, x->pairs);
	bind_text(st, 8, x->payload);
	bind_text(st, 9, x->sig);
	sqlite3_bind_int64(st, 10, x->created_ms);
	int rc = sqlite__run(q, st);
	if (!rc)
		x->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int sb_label_by_serial(store *s, const char *serial, store_label *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " LABEL_COLS " FROM label WHERE serial = ?");
	if (st)
		bind_text(st, 1, serial);
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, label_row);
}

static int sb_label_list(store *s, store_scope sc, int64_t enterprise_id, int64_t lot_id,
			 store_label **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT " LABEL_COLS " FROM label WHERE (?1 = 0 OR enterprise_id"
			      " = ?1) AND (?2 = 0 OR lot_id = ?2) ORDER BY id");
	if (st) {
		sqlite3_bind_int64(st, 1, ent);
		sqlite3_bind_int64(st, 2, lot_id);
	}
	return sqlite__rows(q, st, sizeof **out, label_row, (void **)out, n);
}

static int sb_label_scan(store *s, int64_t label_id, const uint8_t *net, int64_t ts_ms,
			 store_label *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "INSERT INTO label_scan(label_id, ts_ms, net) VALUES(?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, label_id);
	sqlite3_bind_int64(st, 2, ts_ms);
	sqlite3_bind_blob(st, 3, net, 32, SQLITE_STATIC);
	int rc = sqlite__run(q, st);
	if (rc)
		return rc;
	st = sqlite__cached(q, "INSERT OR IGNORE INTO label_net(label_id, net) VALUES(?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, label_id);
	sqlite3_bind_blob(st, 2, net, 32, SQLITE_STATIC);
	if ((rc = sqlite__run(q, st)))
		return rc;
	int added = sqlite3_changes(q->db) > 0;
	st = sqlite__cached(q, "UPDATE label SET scans = scans + 1, first_scan_ms ="
			       " CASE WHEN first_scan_ms = 0 THEN ?2 ELSE first_scan_ms END,"
			       " last_scan_ms = ?2, networks = networks + ?3 WHERE id = ?1");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, label_id);
	sqlite3_bind_int64(st, 2, ts_ms);
	sqlite3_bind_int(st, 3, added);
	if ((rc = sqlite__run(q, st)))
		return rc;
	st = sqlite__cached(q, "SELECT " LABEL_COLS " FROM label WHERE id = ?");
	if (st)
		sqlite3_bind_int64(st, 1, label_id);
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, label_row);
}

/* ---- flags ---- */

static int sb_flag_add(store *s, store_flag *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "INSERT INTO brand_flag(enterprise_id, label_id,"
			      " ts_ms, reason, scans, networks) VALUES(?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	sqlite3_bind_int64(st, 2, x->label_id);
	sqlite3_bind_int64(st, 3, x->ts_ms);
	bind_text(st, 4, x->reason);
	sqlite3_bind_int64(st, 5, x->scans);
	sqlite3_bind_int(st, 6, x->networks);
	int rc = sqlite__run(q, st);
	if (rc)
		return rc;
	x->id = sqlite3_last_insert_rowid(q->db);
	st = sqlite__cached(q, "UPDATE label SET flagged = 1 WHERE id = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->label_id);
	return sqlite__run(q, st);
}

static int flag_row(sqlite3_stmt *st, void *dst)
{
	store_flag *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	x->label_id = sqlite3_column_int64(st, 2);
	TEXT(3, x->serial);
	x->ts_ms = sqlite3_column_int64(st, 4);
	TEXT(5, x->reason);
	x->scans = sqlite3_column_int64(st, 6);
	x->networks = sqlite3_column_int(st, 7);
	x->resolved_ms = sqlite3_column_int64(st, 8);
	TEXT(9, x->resolved_by);
	TEXT(10, x->note);
	return GLOVED_OK;
}

static int sb_flag_list(store *s, store_scope sc, int open_only, store_flag **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT f.id, f.enterprise_id, f.label_id, l.serial, f.ts_ms, f.reason, f.scans,"
	       " f.networks, f.resolved_ms, f.resolved_by, f.note FROM brand_flag f"
	       " JOIN label l ON l.id = f.label_id WHERE (?1 = 0 OR f.enterprise_id = ?1)"
	       " AND (?2 = 0 OR f.resolved_ms = 0) ORDER BY f.id DESC");
	if (st) {
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
		sqlite3_bind_int(st, 2, open_only);
	}
	return sqlite__rows(q, st, sizeof **out, flag_row, (void **)out, n);
}

static int sb_flag_resolve(store *s, store_scope sc, int64_t id, const char *by, const char *note,
			   int64_t ts_ms)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "UPDATE brand_flag SET resolved_ms = ?3, resolved_by = ?4,"
			      " note = ?5 WHERE id = ?1 AND (?2 = 0 OR enterprise_id = ?2)"
			      " AND resolved_ms = 0");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, sc.enterprise_id);
	sqlite3_bind_int64(st, 3, ts_ms);
	bind_text(st, 4, by);
	bind_text(st, 5, note);
	int rc = sqlite__run(q, st);
	if (!rc && sqlite3_changes(q->db) == 0)
		rc = GLOVED_ENOTFOUND;
	return rc;
}

const store_brand_ops sqlite__brand_ops = {
    .version = STORE_BRAND_VERSION,
    .licence_get = sb_licence_get,
    .licence_list = sb_licence_list,
    .licence_put = sb_licence_put,
    .licence_event_add = sb_licence_event_add,
    .licence_events = sb_licence_events,
    .audit_add = sb_audit_add,
    .audit_list = sb_audit_list,
    .label_add = sb_label_add,
    .label_by_serial = sb_label_by_serial,
    .label_list = sb_label_list,
    .label_scan = sb_label_scan,
    .flag_add = sb_flag_add,
    .flag_list = sb_flag_list,
    .flag_resolve = sb_flag_resolve,
};
