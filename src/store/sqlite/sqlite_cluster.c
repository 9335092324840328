/* SPDX-License-Identifier: Apache-2.0 */
/* sqlite_cluster.c: the SQLite side of store/cluster.h. A statistics
 * report is a header row and one row per value (stat_value), so the
 * bureau's sums are SQL over the values; a filed report is never written
 * again. The cockpit's reads are sums over the day and shift rollups of
 * one day (indexed by bucket and shift_day), never over samples. Firm and
 * town scopes filter in SQL. */
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

/* The town filter of a scope on an enterprise id column: "?T = '' OR
 * <col> IN (SELECT id FROM enterprise WHERE town = ?T)" with ?T bound by
 * bind_scope. */
static void bind_scope(sqlite3_stmt *st, int ent_i, int town_i, store_scope sc)
{
	sqlite3_bind_int64(st, ent_i, sc.enterprise_id);
	sqlite3_bind_text(st, town_i, sc.town, -1, SQLITE_TRANSIENT);
}

/* ---- share settings ---- */

static int share_row(sqlite3_stmt *st, void *dst)
{
	store_share *x = dst;
	x->enterprise_id = sqlite3_column_int64(st, 0);
	x->capacity = sqlite3_column_int(st, 1);
	x->catalogue = sqlite3_column_int(st, 2);
	x->cases = sqlite3_column_int(st, 3);
	x->updated_ms = sqlite3_column_int64(st, 4);
	TEXT(5, x->by);
	return GLOVED_OK;
}

static int sc_share_get(store *s, int64_t enterprise_id, store_share *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT enterprise_id, capacity, catalogue, cases,"
					     " updated_ms, by_user FROM share_setting"
					     " WHERE enterprise_id = ?");
	if (st)
		sqlite3_bind_int64(st, 1, enterprise_id);
	memset(out, 0, sizeof *out);
	out->enterprise_id = enterprise_id;
	int rc = sqlite__one(q, st, out, share_row);
	if (rc == GLOVED_ENOTFOUND)
		out->enterprise_id = enterprise_id;
	return rc;
}

static int sc_share_put(store *s, const store_share *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT OR REPLACE INTO share_setting(enterprise_id,"
					     " capacity, catalogue, cases, updated_ms, by_user)"
					     " VALUES(?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	sqlite3_bind_int(st, 2, x->capacity);
	sqlite3_bind_int(st, 3, x->catalogue);
	sqlite3_bind_int(st, 4, x->cases);
	sqlite3_bind_int64(st, 5, x->updated_ms);
	bind_text(st, 6, x->by);
	return sqlite__run(q, st);
}

/* ---- the audit log ---- */

static int sc_auditlog_add(store *s, store_auditlog *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT INTO audit_log(ts_ms, enterprise_id, actor,"
					     " role, action, target, before, after)"
					     " VALUES(?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->ts_ms);
	sqlite3_bind_int64(st, 2, x->enterprise_id);
	bind_text(st, 3, x->actor);
	bind_text(st, 4, x->role);
	bind_text(st, 5, x->action);
	bind_text(st, 6, x->target);
	bind_text(st, 7, x->before);
	bind_text(st, 8, x->after);
	int rc = sqlite__run(q, st);
	if (!rc)
		x->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int auditlog_row(sqlite3_stmt *st, void *dst)
{
	store_auditlog *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->ts_ms = sqlite3_column_int64(st, 1);
	x->enterprise_id = sqlite3_column_int64(st, 2);
	TEXT(3, x->actor);
	TEXT(4, x->role);
	TEXT(5, x->action);
	TEXT(6, x->target);
	TEXT(7, x->before);
	TEXT(8, x->after);
	return GLOVED_OK;
}

static int sc_auditlog_list(store *s, store_scope sc, int64_t before_id, size_t limit,
			    store_auditlog **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT id, ts_ms, enterprise_id, actor, role, action, target, before, after"
	       " FROM audit_log WHERE (?1 = 0 OR enterprise_id = ?1)"
	       " AND (?2 = '' OR enterprise_id IN (SELECT id FROM enterprise WHERE town = ?2))"
	       " AND (?3 = 0 OR id < ?3) ORDER BY id DESC LIMIT ?4");
	if (st) {
		bind_scope(st, 1, 2, sc);
		sqlite3_bind_int64(st, 3, before_id);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)limit);
	}
	return sqlite__rows(q, st, sizeof **out, auditlog_row, (void **)out, n);
}

/* ---- statistics forms ---- */

static int form_row(sqlite3_stmt *st, void *dst)
{
	store_stat_form *x = dst;
	x->year = sqlite3_column_int(st, 0);
	x->version = sqlite3_column_int(st, 1);
	TEXT(2, x->fields);
	x->created_ms = sqlite3_column_int64(st, 3);
	TEXT(4, x->by);
	return GLOVED_OK;
}

static int sc_stat_form_add(store *s, store_stat_form *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "INSERT INTO stat_form(year, version, fields, created_ms, by_user)"
			      " SELECT ?1, coalesce(max(version), 0) + 1, ?2, ?3, ?4 FROM stat_form"
			      " WHERE year = ?1 RETURNING version");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int(st, 1, x->year);
	bind_text(st, 2, x->fields);
	sqlite3_bind_int64(st, 3, x->created_ms);
	bind_text(st, 4, x->by);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		x->version = sqlite3_column_int(st, 0);
		rc = sqlite3_step(st);
	}
	int out = rc == SQLITE_DONE ? GLOVED_OK : sqlite__fail(q, rc);
	sqlite__release(q, st);
	return out;
}

static int sc_stat_form_get(store *s, int32_t year, int32_t version, store_stat_form *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT year, version, fields, created_ms, by_user"
					     " FROM stat_form WHERE year = ?1"
					     " AND (?2 = 0 OR version = ?2)"
					     " ORDER BY version DESC LIMIT 1");
	if (st) {
		sqlite3_bind_int(st, 1, year);
		sqlite3_bind_int(st, 2, version);
	}
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, form_row);
}

/* ---- statistics reports ---- */

#define REPORT_COLS                                                                                \
	"r.enterprise_id, r.month, r.form_version, r.status, r.size_class, r.filed_ms,"            \
	" r.updated_ms, r.by_user"

static int report_row(sqlite3_stmt *st, void *dst)
{
	store_stat_report *x = dst;
	x->enterprise_id = sqlite3_column_int64(st, 0);
	x->month = sqlite3_column_int(st, 1);
	x->form_version = sqlite3_column_int(st, 2);
	TEXT(3, x->status);
	TEXT(4, x->size_class);
	x->filed_ms = sqlite3_column_int64(st, 5);
	x->updated_ms = sqlite3_column_int64(st, 6);
	TEXT(7, x->by);
	return GLOVED_OK;
}

/* Fills the values of reports r[0..n) (in their order). */
static int load_values(sq *q, store_stat_report *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = sqlite__cached(q, "SELECT key, value, measured FROM stat_value"
						     " WHERE enterprise_id = ? AND month = ?"
						     " ORDER BY key");
		if (!st)
			return GLOVED_EDB;
		sqlite3_bind_int64(st, 1, r[i].enterprise_id);
		sqlite3_bind_int(st, 2, r[i].month);
		int rc;
		r[i].n_values = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (r[i].n_values >= STAT_VALUES_MAX)
				continue;
			store_stat_value *v = &r[i].values[r[i].n_values++];
			TEXT(0, v->key);
			v->value = sqlite3_column_int64(st, 1);
			v->measured = sqlite3_column_int(st, 2);
		}
		sqlite__release(q, st);
		if (rc != SQLITE_DONE)
			return sqlite__fail(q, rc);
	}
	return GLOVED_OK;
}

static int sc_stat_report_get(store *s, store_scope sc, int64_t enterprise_id, int32_t month,
			      store_stat_report *out)
{
	sq *q = (sq *)s;
	memset(out, 0, sizeof *out);
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent <= 0)
		return GLOVED_ENOTFOUND;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT " REPORT_COLS " FROM stat_report r JOIN enterprise e ON e.id ="
	       " r.enterprise_id WHERE r.enterprise_id = ?1 AND r.month = ?2"
	       " AND (?3 = '' OR e.town = ?3)");
	if (st) {
		sqlite3_bind_int64(st, 1, ent);
		sqlite3_bind_int(st, 2, month);
		sqlite3_bind_text(st, 3, sc.town, -1, SQLITE_TRANSIENT);
	}
	int rc = sqlite__one(q, st, out, report_row);
	return rc ? rc : load_values(q, out, 1);
}

static int sc_stat_report_list(store *s, store_scope sc, int32_t month0, int32_t month1,
			       store_stat_report **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT " REPORT_COLS " FROM stat_report r JOIN enterprise e ON e.id ="
	       " r.enterprise_id WHERE r.month BETWEEN ?3 AND ?4 AND (?1 = 0 OR"
	       " r.enterprise_id = ?1) AND (?2 = '' OR e.town = ?2)"
	       " ORDER BY r.month, e.code");
	if (st) {
		bind_scope(st, 1, 2, sc);
		sqlite3_bind_int(st, 3, month0);
		sqlite3_bind_int(st, 4, month1);
	}
	int rc = sqlite__rows(q, st, sizeof **out, report_row, (void **)out, n);
	if (!rc && (rc = load_values(q, *out, *n))) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* The header and the values of a report (sc_stat_report_put's unit). */
static int report_write(sq *q, const store_stat_report *x)
{
	int rc;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT OR REPLACE INTO stat_report(enterprise_id,"
					     " month, form_version, status, size_class, filed_ms,"
					     " updated_ms, by_user) VALUES(?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	sqlite3_bind_int(st, 2, x->month);
	sqlite3_bind_int(st, 3, x->form_version);
	bind_text(st, 4, x->status);
	bind_text(st, 5, x->size_class);
	sqlite3_bind_int64(st, 6, x->filed_ms);
	sqlite3_bind_int64(st, 7, x->updated_ms);
	bind_text(st, 8, x->by);
	if ((rc = sqlite__run(q, st)))
		return rc;
	st = sqlite__cached(q, "DELETE FROM stat_value WHERE enterprise_id = ? AND month = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	sqlite3_bind_int(st, 2, x->month);
	if ((rc = sqlite__run(q, st)))
		return rc;
	for (size_t i = 0; i < x->n_values && i < STAT_VALUES_MAX; i++) {
		st = sqlite__cached(q, "INSERT INTO stat_value(enterprise_id, month, key, value,"
				       " measured) VALUES(?,?,?,?,?)");
		if (!st)
			return GLOVED_EDB;
		sqlite3_bind_int64(st, 1, x->enterprise_id);
		sqlite3_bind_int(st, 2, x->month);
		bind_text(st, 3, x->values[i].key);
		sqlite3_bind_int64(st, 4, x->values[i].value);
		sqlite3_bind_int(st, 5, x->values[i].measured);
		if ((rc = sqlite__run(q, st)))
			return rc;
	}
	return GLOVED_OK;
}

/* A report is written whole or not at all (a refused value leaves the
 * header and the old values as they were): a savepoint, which outside a
 * transaction is one. */
static int sc_stat_report_put(store *s, store_scope sc, const store_stat_report *x)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, x->enterprise_id))
		return GLOVED_EPERM;
	store_stat_report old;
	int rc = sc_stat_report_get(s, (store_scope){0}, x->enterprise_id, x->month, &old);
	if (rc == GLOVED_OK && strcmp(old.status, "filed") == 0)
		return GLOVED_EEXIST;
	if (rc && rc != GLOVED_ENOTFOUND)
		return rc;
	if ((rc = sqlite__simple(q, "SAVEPOINT stat_report")))
		return rc;
	rc = report_write(q, x);
	if (rc) {
		char err[sizeof q->err];
		memcpy(err, q->err, sizeof err);
		sqlite__simple(q, "ROLLBACK TO stat_report");
		sqlite__simple(q, "RELEASE stat_report");
		memcpy(q->err, err, sizeof err);
		return rc;
	}
	return sqlite__simple(q, "RELEASE stat_report");
}

/* ---- the plan ---- */

static int plan_row(sqlite3_stmt *st, void *dst)
{
	store_plan *x = dst;
	x->version = sqlite3_column_int(st, 0);
	TEXT(1, x->body);
	x->created_ms = sqlite3_column_int64(st, 2);
	TEXT(3, x->by);
	return GLOVED_OK;
}

static int sc_plan_add(store *s, store_plan *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "INSERT INTO plan(body, created_ms, by_user) VALUES(?,?,?)");
	if (!st)
		return GLOVED_EDB;
	bind_text(st, 1, x->body);
	sqlite3_bind_int64(st, 2, x->created_ms);
	bind_text(st, 3, x->by);
	int rc = sqlite__run(q, st);
	if (!rc)
		x->version = (int32_t)sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int sc_plan_get(store *s, int32_t version, store_plan *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT version, body, created_ms, by_user FROM plan"
					     " WHERE ?1 = 0 OR version = ?1"
					     " ORDER BY version DESC LIMIT 1");
	if (st)
		sqlite3_bind_int(st, 1, version);
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, plan_row);
}

static int sc_plan_actual_put(store *s, const store_plan_actual *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT OR REPLACE INTO plan_actual(indicator, year,"
					     " value, updated_ms, by_user) VALUES(?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	bind_text(st, 1, x->indicator);
	sqlite3_bind_int(st, 2, x->year);
	sqlite3_bind_int64(st, 3, x->value);
	sqlite3_bind_int64(st, 4, x->updated_ms);
	bind_text(st, 5, x->by);
	return sqlite__run(q, st);
}

static int actual_row(sqlite3_stmt *st, void *dst)
{
	store_plan_actual *x = dst;
	TEXT(0, x->indicator);
	x->year = sqlite3_column_int(st, 1);
	x->value = sqlite3_column_int64(st, 2);
	x->updated_ms = sqlite3_column_int64(st, 3);
	TEXT(4, x->by);
	return GLOVED_OK;
}

static int sc_plan_actual_list(store *s, store_plan_actual **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT indicator, year, value, updated_ms, by_user"
					     " FROM plan_actual ORDER BY indicator, year");
	return sqlite__rows(q, st, sizeof **out, actual_row, (void **)out, n);
}

/* ---- the programme ---- */

#define PROG_COLS "id, kind, line, year, title, body, updated_ms, by_user"

static int prog_row(sqlite3_stmt *st, void *dst)
{
	store_prog_item *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	TEXT(1, x->kind);
	TEXT(2, x->line);
	x->year = sqlite3_column_int(st, 3);
	TEXT(4, x->title);
	TEXT(5, x->body);
	x->updated_ms = sqlite3_column_int64(st, 6);
	TEXT(7, x->by);
	return GLOVED_OK;
}

static int sc_prog_put(store *s, store_prog_item *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    x->id ? sqlite__cached(q, "UPDATE prog_item SET kind = ?1, line = ?2, year = ?3,"
				      " title = ?4, body = ?5, updated_ms = ?6, by_user = ?7"
				      " WHERE id = ?8")
		  : sqlite__cached(q, "INSERT INTO prog_item(kind, line, year, title, body,"
				      " updated_ms, by_user) VALUES(?1,?2,?3,?4,?5,?6,?7)");
	if (!st)
		return GLOVED_EDB;
	bind_text(st, 1, x->kind);
	bind_text(st, 2, x->line);
	sqlite3_bind_int(st, 3, x->year);
	bind_text(st, 4, x->title);
	bind_text(st, 5, x->body);
	sqlite3_bind_int64(st, 6, x->updated_ms);
	bind_text(st, 7, x->by);
	if (x->id)
		sqlite3_bind_int64(st, 8, x->id);
	int rc = sqlite__run(q, st);
	if (rc)
		return rc;
	if (x->id)
		return sqlite3_changes(q->db) ? GLOVED_OK : GLOVED_ENOTFOUND;
	x->id = sqlite3_last_insert_rowid(q->db);
	return GLOVED_OK;
}

static int sc_prog_get(store *s, int64_t id, store_prog_item *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " PROG_COLS " FROM prog_item WHERE id = ?");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, prog_row);
}

static int sc_prog_list(store *s, const char *kind, store_prog_item **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " PROG_COLS " FROM prog_item"
					     " WHERE ?1 = '' OR kind = ?1 ORDER BY line, id");
	if (st)
		sqlite3_bind_text(st, 1, kind ? kind : "", -1, SQLITE_TRANSIENT);
	return sqlite__rows(q, st, sizeof **out, prog_row, (void **)out, n);
}

/* ---- courses and sessions ---- */

#define COURSE_COLS "id, code, name_zh, name_en, category, operation, hours"

static int course_row(sqlite3_stmt *st, void *dst)
{
	store_course *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	TEXT(1, x->code);
	TEXT(2, x->name_zh);
	TEXT(3, x->name_en);
	TEXT(4, x->category);
	TEXT(5, x->operation);
	x->hours = sqlite3_column_int(st, 6);
	return GLOVED_OK;
}

static int sc_course_add(store *s, store_course *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT INTO course(code, name_zh, name_en, category,"
					     " operation, hours) VALUES(?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	bind_text(st, 1, x->code);
	bind_text(st, 2, x->name_zh);
	bind_text(st, 3, x->name_en);
	bind_text(st, 4, x->category);
	bind_text(st, 5, x->operation);
	sqlite3_bind_int(st, 6, x->hours);
	int rc = sqlite__run(q, st);
	if (!rc)
		x->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int sc_course_get(store *s, int64_t id, const char *code, store_course *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " COURSE_COLS " FROM course"
					     " WHERE id = ?1 OR (?1 = 0 AND code = ?2)");
	if (st) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, code ? code : "", -1, SQLITE_TRANSIENT);
	}
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, course_row);
}

static int sc_course_list(store *s, store_course **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " COURSE_COLS " FROM course ORDER BY code");
	return sqlite__rows(q, st, sizeof **out, course_row, (void **)out, n);
}

#define SESSION_COLS                                                                               \
	"s.id, s.course_id, s.day0, s.day1, s.trainer, s.place, s.capacity,"                       \
	" (SELECT count(*) FROM enrolment e WHERE e.session_id = s.id)"

static int session_row(sqlite3_stmt *st, void *dst)
{
	store_course_session *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->course_id = sqlite3_column_int64(st, 1);
	x->day0 = sqlite3_column_int(st, 2);
	x->day1 = sqlite3_column_int(st, 3);
	TEXT(4, x->trainer);
	TEXT(5, x->place);
	x->capacity = sqlite3_column_int(st, 6);
	x->enrolled = sqlite3_column_int(st, 7);
	return GLOVED_OK;
}

static int sc_course_session_add(store *s, store_course_session *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT INTO course_session(course_id, day0, day1,"
					     " trainer, place, capacity) VALUES(?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->course_id);
	sqlite3_bind_int(st, 2, x->day0);
	sqlite3_bind_int(st, 3, x->day1);
	bind_text(st, 4, x->trainer);
	bind_text(st, 5, x->place);
	sqlite3_bind_int(st, 6, x->capacity);
	int rc = sqlite__run(q, st);
	if (!rc)
		x->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int sc_course_session_get(store *s, int64_t id, store_course_session *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT " SESSION_COLS " FROM course_session s WHERE s.id = ?");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, session_row);
}

static int sc_course_session_list(store *s, int64_t course_id, store_course_session **out,
				  size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " SESSION_COLS " FROM course_session s"
					     " WHERE ?1 = 0 OR s.course_id = ?1"
					     " ORDER BY s.day0, s.id");
	if (st)
		sqlite3_bind_int64(st, 1, course_id);
	return sqlite__rows(q, st, sizeof **out, session_row, (void **)out, n);
}

/* ---- enrolments ---- */

#define ENROL_COLS                                                                                 \
	"session_id, enterprise_id, worker, worker_name, attended_hours, score, passed,"           \
	" cert_serial"

static int enrol_row(sqlite3_stmt *st, void *dst)
{
	store_enrolment *x = dst;
	x->session_id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	TEXT(2, x->worker);
	TEXT(3, x->worker_name);
	x->attended_hours = sqlite3_column_int(st, 4);
	x->score = sqlite3_column_int(st, 5);
	x->passed = sqlite3_column_int(st, 6);
	TEXT(7, x->cert_serial);
	return GLOVED_OK;
}

static int sc_enrolment_add(store *s, store_scope sc, const store_enrolment *x)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, x->enterprise_id))
		return GLOVED_EPERM;
	store_course_session ses;
	int rc = sc_course_session_get(s, x->session_id, &ses);
	if (rc)
		return rc;
	if (ses.enrolled >= ses.capacity)
		return GLOVED_EBUSY;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT INTO enrolment(session_id, enterprise_id,"
					     " worker, worker_name) VALUES(?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->session_id);
	sqlite3_bind_int64(st, 2, x->enterprise_id);
	bind_text(st, 3, x->worker);
	bind_text(st, 4, x->worker_name);
	return sqlite__run(q, st);
}

static int sc_enrolment_put(store *s, store_scope sc, const store_enrolment *x)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, x->enterprise_id))
		return GLOVED_EPERM;
	sqlite3_stmt *st = sqlite__cached(q, "UPDATE enrolment SET attended_hours = ?4, score = ?5,"
					     " passed = ?6, cert_serial = ?7 WHERE session_id = ?1"
					     " AND enterprise_id = ?2 AND worker = ?3");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->session_id);
	sqlite3_bind_int64(st, 2, x->enterprise_id);
	bind_text(st, 3, x->worker);
	sqlite3_bind_int(st, 4, x->attended_hours);
	sqlite3_bind_int(st, 5, x->score);
	sqlite3_bind_int(st, 6, x->passed);
	bind_text(st, 7, x->cert_serial);
	int rc = sqlite__run(q, st);
	return rc ? rc : sqlite3_changes(q->db) ? GLOVED_OK : GLOVED_ENOTFOUND;
}

static int sc_enrolment_get(store *s, store_scope sc, int64_t session_id, int64_t enterprise_id,
			    const char *worker, store_enrolment *out)
{
	sq *q = (sq *)s;
	memset(out, 0, sizeof *out);
	if (!sqlite__scope_ok(sc, enterprise_id))
		return GLOVED_ENOTFOUND;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " ENROL_COLS " FROM enrolment"
					     " WHERE session_id = ? AND enterprise_id = ?"
					     " AND worker = ?");
	if (st) {
		sqlite3_bind_int64(st, 1, session_id);
		sqlite3_bind_int64(st, 2, enterprise_id);
		sqlite3_bind_text(st, 3, worker, -1, SQLITE_TRANSIENT);
	}
	return sqlite__one(q, st, out, enrol_row);
}

static int sc_enrolment_list(store *s, store_scope sc, int64_t session_id, store_enrolment **out,
			     size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT " ENROL_COLS " FROM enrolment WHERE (?1 = 0 OR enterprise_id = ?1)"
	       " AND (?2 = '' OR enterprise_id IN (SELECT id FROM enterprise WHERE town = ?2))"
	       " AND (?3 = 0 OR session_id = ?3) ORDER BY session_id, enterprise_id, worker");
	if (st) {
		bind_scope(st, 1, 2, sc);
		sqlite3_bind_int64(st, 3, session_id);
	}
	return sqlite__rows(q, st, sizeof **out, enrol_row, (void **)out, n);
}

/* ---- certificates ---- */

#define CERT_COLS                                                                                  \
	"serial, enterprise_id, worker, worker_name, course_id, operation, level, day, payload,"   \
	" sig, created_ms"

static int cert_row(sqlite3_stmt *st, void *dst)
{
	store_cert *x = dst;
	TEXT(0, x->serial);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	TEXT(2, x->worker);
	TEXT(3, x->worker_name);
	x->course_id = sqlite3_column_int64(st, 4);
	TEXT(5, x->operation);
	x->level = sqlite3_column_int(st, 6);
	x->day = sqlite3_column_int(st, 7);
	TEXT(8, x->payload);
	TEXT(9, x->sig);
	x->created_ms = sqlite3_column_int64(st, 10);
	return GLOVED_OK;
}

static int sc_cert_add(store *s, const store_cert *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT INTO certificate(" CERT_COLS
					     ") VALUES(?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	bind_text(st, 1, x->serial);
	sqlite3_bind_int64(st, 2, x->enterprise_id);
	bind_text(st, 3, x->worker);
	bind_text(st, 4, x->worker_name);
	sqlite3_bind_int64(st, 5, x->course_id);
	bind_text(st, 6, x->operation);
	sqlite3_bind_int(st, 7, x->level);
	sqlite3_bind_int(st, 8, x->day);
	bind_text(st, 9, x->payload);
	bind_text(st, 10, x->sig);
	sqlite3_bind_int64(st, 11, x->created_ms);
	return sqlite__run(q, st);
}

static int sc_cert_by_serial(store *s, const char *serial, store_cert *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT " CERT_COLS " FROM certificate WHERE serial = ?");
	if (st)
		sqlite3_bind_text(st, 1, serial, -1, SQLITE_TRANSIENT);
	memset(out, 0, sizeof *out);
	return sqlite__one(q, st, out, cert_row);
}

static int sc_cert_list(store *s, store_scope sc, int64_t enterprise_id, const char *worker,
			store_cert **out, size_t *n)
{
	sq *q = (sq *)s;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0) {
		*out = NULL;
		*n = 0;
		return GLOVED_OK;
	}
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT " CERT_COLS " FROM certificate WHERE (?1 = 0 OR enterprise_id = ?1)"
	       " AND (?2 = '' OR enterprise_id IN (SELECT id FROM enterprise WHERE town = ?2))"
	       " AND (?3 = '' OR worker = ?3) ORDER BY enterprise_id, worker, day");
	if (st) {
		sqlite3_bind_int64(st, 1, ent);
		sqlite3_bind_text(st, 2, sc.town, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, worker ? worker : "", -1, SQLITE_TRANSIENT);
	}
	return sqlite__rows(q, st, sizeof **out, cert_row, (void **)out, n);
}

/* ---- skill rules and flags ---- */

static int sc_skill_rule_put(store *s, store_scope sc, const store_skill_rule *x)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, x->enterprise_id))
		return GLOVED_EPERM;
	sqlite3_stmt *st =
	    x->mode[0] ? sqlite__cached(q, "INSERT OR REPLACE INTO skill_rule(enterprise_id,"
					   " operation, mode) VALUES(?1,?2,?3)")
		       : sqlite__cached(q, "DELETE FROM skill_rule WHERE enterprise_id = ?1"
					   " AND operation = ?2");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	bind_text(st, 2, x->operation);
	if (x->mode[0])
		bind_text(st, 3, x->mode);
	return sqlite__run(q, st);
}

static int rule_row(sqlite3_stmt *st, void *dst)
{
	store_skill_rule *x = dst;
	x->enterprise_id = sqlite3_column_int64(st, 0);
	TEXT(1, x->operation);
	TEXT(2, x->mode);
	return GLOVED_OK;
}

static int sc_skill_rule_list(store *s, store_scope sc, int64_t enterprise_id,
			      store_skill_rule **out, size_t *n)
{
	sq *q = (sq *)s;
	return sqlite__firm_rows(q, sc, enterprise_id,
				 "SELECT enterprise_id, operation, mode FROM skill_rule"
				 " ORDER BY enterprise_id, operation",
				 "SELECT enterprise_id, operation, mode FROM skill_rule"
				 " WHERE enterprise_id = ?1 ORDER BY operation",
				 sizeof **out, rule_row, (void **)out, n);
}

static int sc_skill_flag_add(store *s, store_skill_flag *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "INSERT INTO skill_flag(enterprise_id, bundle_id, seq,"
					     " worker, operation, ts_ms, refused)"
					     " VALUES(?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->enterprise_id);
	sqlite3_bind_int64(st, 2, x->bundle_id);
	sqlite3_bind_int(st, 3, x->seq);
	bind_text(st, 4, x->worker);
	bind_text(st, 5, x->operation);
	sqlite3_bind_int64(st, 6, x->ts_ms);
	sqlite3_bind_int(st, 7, x->refused);
	int rc = sqlite__run(q, st);
	if (!rc)
		x->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int flag_row(sqlite3_stmt *st, void *dst)
{
	store_skill_flag *x = dst;
	x->id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	x->bundle_id = sqlite3_column_int64(st, 2);
	x->seq = sqlite3_column_int(st, 3);
	TEXT(4, x->worker);
	TEXT(5, x->operation);
	x->ts_ms = sqlite3_column_int64(st, 6);
	x->refused = sqlite3_column_int(st, 7);
	return GLOVED_OK;
}

static int sc_skill_flag_list(store *s, store_scope sc, int64_t enterprise_id, size_t limit,
			      store_skill_flag **out, size_t *n)
{
	sq *q = (sq *)s;
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0) {
		*out = NULL;
		*n = 0;
		return GLOVED_OK;
	}
	sqlite3_stmt *st = sqlite__cached(q, "SELECT id, enterprise_id, bundle_id, seq, worker,"
					     " operation, ts_ms, refused FROM skill_flag"
					     " WHERE ?1 = 0 OR enterprise_id = ?1"
					     " ORDER BY id DESC LIMIT ?2");
	if (st) {
		sqlite3_bind_int64(st, 1, ent);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
	}
	return sqlite__rows(q, st, sizeof **out, flag_row, (void **)out, n);
}

/* ---- the cockpit's aggregates ---- */

static int firm_day_row(sqlite3_stmt *st, void *dst)
{
	store_firm_day *x = dst;
	x->enterprise_id = sqlite3_column_int64(st, 0);
	x->good_today = sqlite3_column_int64(st, 1);
	x->good_yesterday = sqlite3_column_int64(st, 2);
	x->reject_today = sqlite3_column_int64(st, 3);
	/* column 4 is the shift sums' firm (NULL without shift rows) */
	int64_t *f[] = {&x->planned_ms,   &x->run_ms,  &x->ideal_ms,   &x->good_shift,
			&x->reject_shift, &x->stop_ms, &x->fault_ms,   &x->idle_ms,
			&x->setup_ms,     &x->off_ms,  &x->offline_ms, &x->unknown_ms};
	for (int i = 0; i < 12; i++)
		*f[i] = sqlite3_column_int64(st, 5 + i);
	return GLOVED_OK;
}

/* The shift rollup columns summed, as the OEE input wants them (planned:
 * every state time within the planned shifts). */
#define SHIFT_SUMS                                                                                 \
	"sum(run_ms + idle_ms + stop_ms + fault_ms + setup_ms + off_ms + offline_ms +"             \
	" unknown_ms), sum(run_ms), sum(ideal_ms), sum(good), sum(reject), sum(stop_ms),"          \
	" sum(fault_ms), sum(idle_ms), sum(setup_ms), sum(off_ms), sum(offline_ms),"               \
	" sum(unknown_ms)"

static int sc_cockpit_days(store *s, store_scope sc, int64_t day_from, int64_t day_to,
			   int32_t shift_day, store_firm_day **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(
	    q, "WITH d AS (SELECT enterprise_id,"
	       "  sum(CASE WHEN bucket >= ?3 THEN good ELSE 0 END) AS g,"
	       "  sum(CASE WHEN bucket < ?3 THEN good ELSE 0 END) AS gy,"
	       "  sum(CASE WHEN bucket >= ?3 THEN reject ELSE 0 END) AS r"
	       "  FROM rollup_day WHERE bucket >= ?3 - 86400000 AND bucket < ?4"
	       "  GROUP BY enterprise_id),"
	       " sh AS (SELECT enterprise_id AS sh_ent, " SHIFT_SUMS " FROM rollup_shift"
	       "  WHERE shift_day = ?5 GROUP BY enterprise_id)"
	       " SELECT e.id, coalesce(d.g, 0), coalesce(d.gy, 0), coalesce(d.r, 0), sh.*"
	       " FROM enterprise e LEFT JOIN d ON d.enterprise_id = e.id"
	       "  LEFT JOIN sh ON sh.sh_ent = e.id"
	       " WHERE (?1 = 0 OR e.id = ?1) AND (?2 = '' OR e.town = ?2)"
	       "  AND (d.enterprise_id IS NOT NULL OR sh.sh_ent IS NOT NULL)"
	       " ORDER BY e.id");
	if (st) {
		bind_scope(st, 1, 2, sc);
		sqlite3_bind_int64(st, 3, day_from);
		sqlite3_bind_int64(st, 4, day_to);
		sqlite3_bind_int(st, 5, shift_day);
	}
	return sqlite__rows(q, st, sizeof **out, firm_day_row, (void **)out, n);
}

static int sc_firm_month(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			 int32_t shift_day0, int32_t shift_day1, store_firm_month *out)
{
	sq *q = (sq *)s;
	memset(out, 0, sizeof *out);
	out->enterprise_id = enterprise_id;
	sqlite3_stmt *st =
	    sqlite__cached(q, "SELECT coalesce(sum(good), 0), coalesce(sum(reject), 0),"
			      " count(DISTINCT machine_id) FROM rollup_day"
			      " WHERE enterprise_id = ?1 AND bucket >= ?2 AND bucket < ?3");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, enterprise_id);
	sqlite3_bind_int64(st, 2, from_ms);
	sqlite3_bind_int64(st, 3, to_ms);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->good = sqlite3_column_int64(st, 0);
		out->reject = sqlite3_column_int64(st, 1);
		out->machines = sqlite3_column_int64(st, 2);
	}
	sqlite__release(q, st);
	if (rc != SQLITE_ROW)
		return sqlite__fail(q, rc);
	st = sqlite__cached(q, "SELECT " SHIFT_SUMS " FROM rollup_shift WHERE enterprise_id = ?1"
			       " AND shift_day BETWEEN ?2 AND ?3");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, enterprise_id);
	sqlite3_bind_int(st, 2, shift_day0);
	sqlite3_bind_int(st, 3, shift_day1);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->planned_ms = sqlite3_column_int64(st, 0);
		out->run_ms = sqlite3_column_int64(st, 1);
		out->ideal_ms = sqlite3_column_int64(st, 2);
		out->good_shift = sqlite3_column_int64(st, 3);
		out->reject_shift = sqlite3_column_int64(st, 4);
		out->stop_ms = sqlite3_column_int64(st, 5);
		out->fault_ms = sqlite3_column_int64(st, 6);
		out->idle_ms = sqlite3_column_int64(st, 7);
		out->setup_ms = sqlite3_column_int64(st, 8);
		out->off_ms = sqlite3_column_int64(st, 9);
		out->offline_ms = sqlite3_column_int64(st, 10);
		out->unknown_ms = sqlite3_column_int64(st, 11);
	}
	sqlite__release(q, st);
	return rc == SQLITE_ROW ? GLOVED_OK : sqlite__fail(q, rc);
}

static int sc_label_counts(store *s, store_scope sc, int64_t since_ms, int64_t *issued,
			   int64_t *scans)
{
	sq *q = (sq *)s;
	*issued = *scans = 0;
	sqlite3_stmt *st = sqlite__cached(
	    q, "SELECT (SELECT count(*) FROM label l JOIN enterprise e ON e.id = l.enterprise_id"
	       "  WHERE l.created_ms >= ?3 AND (?1 = 0 OR e.id = ?1) AND (?2 = '' OR e.town = ?2)),"
	       " (SELECT count(*) FROM label_scan sn JOIN label l ON l.id = sn.label_id"
	       "  JOIN enterprise e ON e.id = l.enterprise_id WHERE sn.ts_ms >= ?3"
	       "  AND (?1 = 0 OR e.id = ?1) AND (?2 = '' OR e.town = ?2))");
	if (!st)
		return GLOVED_EDB;
	bind_scope(st, 1, 2, sc);
	sqlite3_bind_int64(st, 3, since_ms);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*issued = sqlite3_column_int64(st, 0);
		*scans = sqlite3_column_int64(st, 1);
	}
	sqlite__release(q, st);
	return rc == SQLITE_ROW ? GLOVED_OK : sqlite__fail(q, rc);
}

const store_cluster_ops sqlite__cluster_ops = {
    .version = STORE_CLUSTER_VERSION,
    .share_get = sc_share_get,
    .share_put = sc_share_put,
    .auditlog_add = sc_auditlog_add,
    .auditlog_list = sc_auditlog_list,
    .stat_form_add = sc_stat_form_add,
    .stat_form_get = sc_stat_form_get,
    .stat_report_put = sc_stat_report_put,
    .stat_report_get = sc_stat_report_get,
    .stat_report_list = sc_stat_report_list,
    .plan_add = sc_plan_add,
    .plan_get = sc_plan_get,
    .plan_actual_put = sc_plan_actual_put,
    .plan_actual_list = sc_plan_actual_list,
    .prog_put = sc_prog_put,
    .prog_get = sc_prog_get,
    .prog_list = sc_prog_list,
    .course_add = sc_course_add,
    .course_get = sc_course_get,
    .course_list = sc_course_list,
    .course_session_add = sc_course_session_add,
    .course_session_get = sc_course_session_get,
    .course_session_list = sc_course_session_list,
    .enrolment_add = sc_enrolment_add,
    .enrolment_put = sc_enrolment_put,
    .enrolment_get = sc_enrolment_get,
    .enrolment_list = sc_enrolment_list,
    .cert_add = sc_cert_add,
    .cert_by_serial = sc_cert_by_serial,
    .cert_list = sc_cert_list,
    .skill_rule_put = sc_skill_rule_put,
    .skill_rule_list = sc_skill_rule_list,
    .skill_flag_add = sc_skill_flag_add,
    .skill_flag_list = sc_skill_flag_list,
    .cockpit_days = sc_cockpit_days,
    .firm_month_get = sc_firm_month,
    .label_counts = sc_label_counts,
};
