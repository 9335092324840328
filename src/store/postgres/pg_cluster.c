/* SPDX-License-Identifier: Apache-2.0 */
/* pg_cluster.c: the PostgreSQL side of store/cluster.h, with the queries,
 * scope rules, orderings and error codes of sqlite/sqlite_cluster.c: share
 * settings, the audit log, the statistics forms and reports (a header row
 * and one row per value), the plan and its actuals, the programme,
 * courses, sessions, enrolments, certificates, skill rules and flags, and
 * the cockpit's sums over the day and shift rollups. SQLite's INSERT OR
 * REPLACE is an INSERT ... ON CONFLICT DO UPDATE of every column (none of
 * these tables has a second unique key); every write runs guarded
 * (pg__run), so a refused one leaves the caller's transaction usable. A
 * report is written as one unit (its own transaction, or a savepoint in
 * the caller's): the header only while the month is not filed, then its
 * values in one multi-row insert, so a refused report changes nothing.
 * Text is ordered COLLATE "C", the byte order of SQLite's BINARY. The plan's
 * version is the newest + 1, as SQLite's rowid, not a sequence (which
 * would leave gaps after a rollback). */
#include "store/postgres/pg_int.h"
#include "util/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A LIMIT bound: a size_t too large for bigint is no limit (SQLite reads
 * it as a negative LIMIT, which is none). */
static void p_limit(pg_params *p, size_t limit)
{
	if (limit > (size_t)INT64_MAX)
		pg__p_null(p);
	else
		pg__p_i64(p, (int64_t)limit);
}

/* The firm a read is about: enterprise_id, else the scope's; -1 when
 * they name different firms (nothing to see). */
static int64_t read_ent(store_scope sc, int64_t enterprise_id)
{
	if (sc.enterprise_id && enterprise_id && sc.enterprise_id != enterprise_id)
		return -1;
	return enterprise_id ? enterprise_id : sc.enterprise_id;
}

/* ---- share settings ---- */

static int share_row(const PGresult *r, int row, void *dst)
{
	store_share *x = dst;
	x->enterprise_id = pg__i64(r, row, 0);
	x->capacity = pg__int(r, row, 1);
	x->catalogue = pg__int(r, row, 2);
	x->cases = pg__int(r, row, 3);
	x->updated_ms = pg__i64(r, row, 4);
	TEXT(5, x->by);
	return GLOVED_OK;
}

static int pg_share_get(store *s, int64_t enterprise_id, store_share *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	memset(out, 0, sizeof *out);
	out->enterprise_id = enterprise_id;
	return pg__one((pgc *)s,
		       "SELECT enterprise_id, capacity, catalogue, cases, updated_ms, by_user"
		       " FROM share_setting WHERE enterprise_id = $1",
		       &p, out, share_row);
}

static int pg_share_put(store *s, const store_share *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_i64(&p, x->capacity);
	pg__p_i64(&p, x->catalogue);
	pg__p_i64(&p, x->cases);
	pg__p_i64(&p, x->updated_ms);
	pg__p_text(&p, x->by);
	return pg__run((pgc *)s,
		       "INSERT INTO share_setting(enterprise_id, capacity, catalogue, cases,"
		       " updated_ms, by_user) VALUES($1, $2, $3, $4, $5, $6)"
		       " ON CONFLICT(enterprise_id) DO UPDATE SET capacity = excluded.capacity,"
		       " catalogue = excluded.catalogue, cases = excluded.cases,"
		       " updated_ms = excluded.updated_ms, by_user = excluded.by_user",
		       &p, 1, NULL);
}

/* ---- the audit log ---- */

static int pg_auditlog_add(store *s, store_auditlog *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->ts_ms);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_text(&p, x->actor);
	pg__p_text(&p, x->role);
	pg__p_text(&p, x->action);
	pg__p_text(&p, x->target);
	pg__p_text(&p, x->before);
	pg__p_text(&p, x->after);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO audit_log(ts_ms, enterprise_id, actor, role, action,"
			     " target, before, after) VALUES($1, $2, $3, $4, $5, $6, $7, $8)"
			     " RETURNING id",
			     &p, &x->id);
}

static int auditlog_row(const PGresult *r, int row, void *dst)
{
	store_auditlog *x = dst;
	x->id = pg__i64(r, row, 0);
	x->ts_ms = pg__i64(r, row, 1);
	x->enterprise_id = pg__i64(r, row, 2);
	TEXT(3, x->actor);
	TEXT(4, x->role);
	TEXT(5, x->action);
	TEXT(6, x->target);
	TEXT(7, x->before);
	TEXT(8, x->after);
	return GLOVED_OK;
}

static int pg_auditlog_list(store *s, store_scope sc, int64_t before_id, size_t limit,
			    store_auditlog **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_text(&p, sc.town);
	pg__p_i64(&p, before_id);
	p_limit(&p, limit);
	return pg__rows(
	    (pgc *)s,
	    "SELECT id, ts_ms, enterprise_id, actor, role, action, target, before, after"
	    " FROM audit_log WHERE ($1::bigint = 0 OR enterprise_id = $1)"
	    " AND ($2::text = '' OR enterprise_id IN (SELECT id FROM enterprise WHERE town = $2))"
	    " AND ($3::bigint = 0 OR id < $3) ORDER BY id DESC LIMIT $4",
	    &p, sizeof **out, auditlog_row, (void **)out, n);
}

/* ---- statistics forms ---- */

static int form_row(const PGresult *r, int row, void *dst)
{
	store_stat_form *x = dst;
	x->year = pg__int(r, row, 0);
	x->version = pg__int(r, row, 1);
	TEXT(2, x->fields);
	x->created_ms = pg__i64(r, row, 3);
	TEXT(4, x->by);
	return GLOVED_OK;
}

static int pg_stat_form_add(store *s, store_stat_form *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->year);
	pg__p_text(&p, x->fields);
	pg__p_i64(&p, x->created_ms);
	pg__p_text(&p, x->by);
	int64_t version = 0;
	int rc =
	    pg__insert_id((pgc *)s,
			  "INSERT INTO stat_form(year, version, fields, created_ms, by_user)"
			  " SELECT $1::bigint, coalesce(max(version), 0) + 1, $2::text, $3::bigint,"
			  " $4::text FROM stat_form"
			  " WHERE year = $1 RETURNING version",
			  &p, &version);
	if (!rc)
		x->version = (int32_t)version;
	return rc;
}

static int pg_stat_form_get(store *s, int32_t year, int32_t version, store_stat_form *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, year);
	pg__p_i64(&p, version);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s,
		       "SELECT year, version, fields, created_ms, by_user FROM stat_form"
		       " WHERE year = $1 AND ($2::bigint = 0 OR version = $2)"
		       " ORDER BY version DESC LIMIT 1",
		       &p, out, form_row);
}

/* ---- statistics reports ---- */

#define REPORT_COLS                                                                                \
	"r.enterprise_id, r.month, r.form_version, r.status, r.size_class, r.filed_ms,"            \
	" r.updated_ms, r.by_user"

static int report_row(const PGresult *r, int row, void *dst)
{
	store_stat_report *x = dst;
	x->enterprise_id = pg__i64(r, row, 0);
	x->month = pg__int(r, row, 1);
	x->form_version = pg__int(r, row, 2);
	TEXT(3, x->status);
	TEXT(4, x->size_class);
	x->filed_ms = pg__i64(r, row, 5);
	x->updated_ms = pg__i64(r, row, 6);
	TEXT(7, x->by);
	return GLOVED_OK;
}

/* Fills the values of reports rep[0..n) (in their order), at most
 * STAT_VALUES_MAX each, by key. */
static int load_values(pgc *q, store_stat_report *rep, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pg_params p;
		pg__p_init(&p);
		pg__p_i64(&p, rep[i].enterprise_id);
		pg__p_i64(&p, rep[i].month);
		int rc;
		PGresult *r = pg__exec(q,
				       "SELECT key, value, measured FROM stat_value"
				       " WHERE enterprise_id = $1 AND month = $2"
				       " ORDER BY key COLLATE \"C\"",
				       &p, &rc);
		if (!r)
			return rc;
		int rows = PQntuples(r);
		rep[i].n_values = 0;
		for (int row = 0; row < rows && rep[i].n_values < STAT_VALUES_MAX; row++) {
			store_stat_value *v = &rep[i].values[rep[i].n_values++];
			TEXT(0, v->key);
			v->value = pg__i64(r, row, 1);
			v->measured = pg__int(r, row, 2);
		}
		PQclear(r);
	}
	return GLOVED_OK;
}

static int pg_stat_report_get(store *s, store_scope sc, int64_t enterprise_id, int32_t month,
			      store_stat_report *out)
{
	pgc *q = (pgc *)s;
	memset(out, 0, sizeof *out);
	int64_t ent = read_ent(sc, enterprise_id);
	if (ent <= 0)
		return GLOVED_ENOTFOUND;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, ent);
	pg__p_i64(&p, month);
	pg__p_text(&p, sc.town);
	int rc = pg__one(q,
			 "SELECT " REPORT_COLS " FROM stat_report r JOIN enterprise e"
			 " ON e.id = r.enterprise_id WHERE r.enterprise_id = $1 AND r.month = $2"
			 " AND ($3::text = '' OR e.town = $3)",
			 &p, out, report_row);
	return rc ? rc : load_values(q, out, 1);
}

static int pg_stat_report_list(store *s, store_scope sc, int32_t month0, int32_t month1,
			       store_stat_report **out, size_t *n)
{
	pgc *q = (pgc *)s;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_text(&p, sc.town);
	pg__p_i64(&p, month0);
	pg__p_i64(&p, month1);
	int rc =
	    pg__rows(q,
		     "SELECT " REPORT_COLS " FROM stat_report r JOIN enterprise e"
		     " ON e.id = r.enterprise_id WHERE r.month BETWEEN $3 AND $4"
		     " AND ($1::bigint = 0 OR r.enterprise_id = $1)"
		     " AND ($2::text = '' OR e.town = $2) ORDER BY r.month, e.code COLLATE \"C\"",
		     &p, sizeof **out, report_row, (void **)out, n);
	if (!rc && (rc = load_values(q, *out, *n))) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* A unit of several statements that either all happen or none: its own
 * transaction outside one (*own 1), else a savepoint in the caller's. */
static int unit_begin(pgc *q, int *own)
{
	*own = PQtransactionStatus(q->conn) == PQTRANS_IDLE;
	return pg__simple(q, *own ? "BEGIN" : "SAVEPOINT gloved_unit");
}

/* Ends the unit: kept when rc is GLOVED_OK, else undone (the error text of
 * rc kept). Returns rc, or the error of keeping it. */
static int unit_end(pgc *q, int own, int rc)
{
	if (!rc)
		return pg__simple(q, own ? "COMMIT" : "RELEASE SAVEPOINT gloved_unit");
	char err[sizeof q->err];
	memcpy(err, q->err, sizeof err);
	if (own) {
		pg__simple(q, "ROLLBACK");
	} else {
		pg__simple(q, "ROLLBACK TO SAVEPOINT gloved_unit");
		pg__simple(q, "RELEASE SAVEPOINT gloved_unit");
	}
	memcpy(q->err, err, sizeof err);
	return rc;
}

/* One row of the values' insert: key, value, measured ($a, $b, $c). */
#define SV(a, b, c) ", ($" #a ", $" #b ", $" #c ")"

/* Every value of a report in one statement: STAT_VALUES_MAX rows of
 * (key, value, measured) after $1 the firm and $2 the month; unused rows
 * have a NULL key and are skipped. */
/* clang-format off */
static const char stat_values_sql[] =
    "INSERT INTO stat_value(enterprise_id, month, key, value, measured)"
    " SELECT $1::bigint, $2::bigint, v.k, v.v, v.m FROM (VALUES"
    " ($3::text, $4::bigint, $5::bigint)"
    SV(6, 7, 8)    SV(9, 10, 11)  SV(12, 13, 14) SV(15, 16, 17) SV(18, 19, 20) SV(21, 22, 23)
    SV(24, 25, 26) SV(27, 28, 29) SV(30, 31, 32) SV(33, 34, 35) SV(36, 37, 38) SV(39, 40, 41)
    SV(42, 43, 44) SV(45, 46, 47) SV(48, 49, 50) SV(51, 52, 53) SV(54, 55, 56) SV(57, 58, 59)
    SV(60, 61, 62) SV(63, 64, 65) SV(66, 67, 68) SV(69, 70, 71) SV(72, 73, 74) SV(75, 76, 77)
    SV(78, 79, 80) SV(81, 82, 83) SV(84, 85, 86) SV(87, 88, 89) SV(90, 91, 92) SV(93, 94, 95)
    SV(96, 97, 98)
    ") AS v(k, v, m) WHERE v.k IS NOT NULL";
/* clang-format on */

_Static_assert(STAT_VALUES_MAX == 32, "stat_values_sql has STAT_VALUES_MAX rows");

static int pg_stat_report_put(store *s, store_scope sc, const store_stat_report *x)
{
	pgc *q = (pgc *)s;
	if (!pg__scope_ok(sc, x->enterprise_id))
		return GLOVED_EPERM;
	int own = 0;
	int rc = unit_begin(q, &own);
	if (rc)
		return rc;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_i64(&p, x->month);
	pg__p_i64(&p, x->form_version);
	pg__p_text(&p, x->status);
	pg__p_text(&p, x->size_class);
	pg__p_i64(&p, x->filed_ms);
	pg__p_i64(&p, x->updated_ms);
	pg__p_text(&p, x->by);
	/* a filed month is never written again: no row changes */
	int64_t changed = 0;
	rc =
	    pg__run(q,
		    "INSERT INTO stat_report AS t(enterprise_id, month, form_version, status,"
		    " size_class, filed_ms, updated_ms, by_user)"
		    " VALUES($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT(enterprise_id, month)"
		    " DO UPDATE SET form_version = excluded.form_version, status = excluded.status,"
		    " size_class = excluded.size_class, filed_ms = excluded.filed_ms,"
		    " updated_ms = excluded.updated_ms, by_user = excluded.by_user"
		    " WHERE t.status <> 'filed'",
		    &p, 0, &changed);
	if (!rc && changed == 0)
		rc = GLOVED_EEXIST;
	if (rc)
		goto out;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_i64(&p, x->month);
	if ((rc = pg__run(q, "DELETE FROM stat_value WHERE enterprise_id = $1 AND month = $2", &p,
			  0, NULL)))
		goto out;
	if (x->n_values == 0)
		goto out;
	for (size_t i = 0; i < STAT_VALUES_MAX; i++) {
		if (i < x->n_values) {
			pg__p_text(&p, x->values[i].key);
			pg__p_i64(&p, x->values[i].value);
			pg__p_i64(&p, x->values[i].measured);
		} else {
			pg__p_null(&p);
			pg__p_null(&p);
			pg__p_null(&p);
		}
	}
	rc = pg__run(q, stat_values_sql, &p, 0, NULL);
out:
	return unit_end(q, own, rc);
}

/* ---- the plan ---- */

static int plan_row(const PGresult *r, int row, void *dst)
{
	store_plan *x = dst;
	x->version = pg__int(r, row, 0);
	TEXT(1, x->body);
	x->created_ms = pg__i64(r, row, 2);
	TEXT(3, x->by);
	return GLOVED_OK;
}

static int pg_plan_add(store *s, store_plan *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, x->body);
	pg__p_i64(&p, x->created_ms);
	pg__p_text(&p, x->by);
	int64_t version = 0;
	int rc =
	    pg__insert_id((pgc *)s,
			  "INSERT INTO plan(version, body, created_ms, by_user)"
			  " SELECT coalesce(max(version), 0) + 1, $1::text, $2::bigint, $3::text"
			  " FROM plan"
			  " RETURNING version",
			  &p, &version);
	if (!rc)
		x->version = (int32_t)version;
	return rc;
}

static int pg_plan_get(store *s, int32_t version, store_plan *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, version);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s,
		       "SELECT version, body, created_ms, by_user FROM plan"
		       " WHERE $1::bigint = 0 OR version = $1 ORDER BY version DESC LIMIT 1",
		       &p, out, plan_row);
}

static int pg_plan_actual_put(store *s, const store_plan_actual *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, x->indicator);
	pg__p_i64(&p, x->year);
	pg__p_i64(&p, x->value);
	pg__p_i64(&p, x->updated_ms);
	pg__p_text(&p, x->by);
	return pg__run((pgc *)s,
		       "INSERT INTO plan_actual(indicator, year, value, updated_ms, by_user)"
		       " VALUES($1, $2, $3, $4, $5) ON CONFLICT(indicator, year) DO UPDATE SET"
		       " value = excluded.value, updated_ms = excluded.updated_ms,"
		       " by_user = excluded.by_user",
		       &p, 1, NULL);
}

static int actual_row(const PGresult *r, int row, void *dst)
{
	store_plan_actual *x = dst;
	TEXT(0, x->indicator);
	x->year = pg__int(r, row, 1);
	x->value = pg__i64(r, row, 2);
	x->updated_ms = pg__i64(r, row, 3);
	TEXT(4, x->by);
	return GLOVED_OK;
}

static int pg_plan_actual_list(store *s, store_plan_actual **out, size_t *n)
{
	return pg__rows((pgc *)s,
			"SELECT indicator, year, value, updated_ms, by_user FROM plan_actual"
			" ORDER BY indicator COLLATE \"C\", year",
			NULL, sizeof **out, actual_row, (void **)out, n);
}

/* ---- the programme ---- */

#define PROG_COLS "id, kind, line, year, title, body, updated_ms, by_user"

static int prog_row(const PGresult *r, int row, void *dst)
{
	store_prog_item *x = dst;
	x->id = pg__i64(r, row, 0);
	TEXT(1, x->kind);
	TEXT(2, x->line);
	x->year = pg__int(r, row, 3);
	TEXT(4, x->title);
	TEXT(5, x->body);
	x->updated_ms = pg__i64(r, row, 6);
	TEXT(7, x->by);
	return GLOVED_OK;
}

static int pg_prog_put(store *s, store_prog_item *x)
{
	pgc *q = (pgc *)s;
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, x->kind);
	pg__p_text(&p, x->line);
	pg__p_i64(&p, x->year);
	pg__p_text(&p, x->title);
	pg__p_text(&p, x->body);
	pg__p_i64(&p, x->updated_ms);
	pg__p_text(&p, x->by);
	if (!x->id)
		return pg__insert_id(q,
				     "INSERT INTO prog_item(kind, line, year, title, body,"
				     " updated_ms, by_user) VALUES($1, $2, $3, $4, $5, $6, $7)"
				     " RETURNING id",
				     &p, &x->id);
	pg__p_i64(&p, x->id);
	int64_t changed = 0;
	int rc = pg__run(q,
			 "UPDATE prog_item SET kind = $1, line = $2, year = $3, title = $4,"
			 " body = $5, updated_ms = $6, by_user = $7 WHERE id = $8",
			 &p, 1, &changed);
	return rc ? rc : changed ? GLOVED_OK : GLOVED_ENOTFOUND;
}

static int pg_prog_get(store *s, int64_t id, store_prog_item *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, id);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s, "SELECT " PROG_COLS " FROM prog_item WHERE id = $1", &p, out,
		       prog_row);
}

static int pg_prog_list(store *s, const char *kind, store_prog_item **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, kind ? kind : "");
	return pg__rows((pgc *)s,
			"SELECT " PROG_COLS " FROM prog_item WHERE $1::text = '' OR kind = $1"
			" ORDER BY line COLLATE \"C\", id",
			&p, sizeof **out, prog_row, (void **)out, n);
}

/* ---- courses and sessions ---- */

#define COURSE_COLS "id, code, name_zh, name_en, category, operation, hours"

static int course_row(const PGresult *r, int row, void *dst)
{
	store_course *x = dst;
	x->id = pg__i64(r, row, 0);
	TEXT(1, x->code);
	TEXT(2, x->name_zh);
	TEXT(3, x->name_en);
	TEXT(4, x->category);
	TEXT(5, x->operation);
	x->hours = pg__int(r, row, 6);
	return GLOVED_OK;
}

static int pg_course_add(store *s, store_course *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, x->code);
	pg__p_text(&p, x->name_zh);
	pg__p_text(&p, x->name_en);
	pg__p_text(&p, x->category);
	pg__p_text(&p, x->operation);
	pg__p_i64(&p, x->hours);
	return pg__insert_id(
	    (pgc *)s,
	    "INSERT INTO course(code, name_zh, name_en, category, operation, hours)"
	    " VALUES($1, $2, $3, $4, $5, $6) RETURNING id",
	    &p, &x->id);
}

static int pg_course_get(store *s, int64_t id, const char *code, store_course *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, id);
	pg__p_text(&p, code ? code : "");
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s,
		       "SELECT " COURSE_COLS " FROM course"
		       " WHERE id = $1 OR ($1 = 0 AND code = $2)",
		       &p, out, course_row);
}

static int pg_course_list(store *s, store_course **out, size_t *n)
{
	return pg__rows((pgc *)s, "SELECT " COURSE_COLS " FROM course ORDER BY code COLLATE \"C\"",
			NULL, sizeof **out, course_row, (void **)out, n);
}

#define SESSION_COLS                                                                               \
	"s.id, s.course_id, s.day0, s.day1, s.trainer, s.place, s.capacity,"                       \
	" (SELECT count(*) FROM enrolment e WHERE e.session_id = s.id)"

static int session_row(const PGresult *r, int row, void *dst)
{
	store_course_session *x = dst;
	x->id = pg__i64(r, row, 0);
	x->course_id = pg__i64(r, row, 1);
	x->day0 = pg__int(r, row, 2);
	x->day1 = pg__int(r, row, 3);
	TEXT(4, x->trainer);
	TEXT(5, x->place);
	x->capacity = pg__int(r, row, 6);
	x->enrolled = pg__int(r, row, 7);
	return GLOVED_OK;
}

static int pg_course_session_add(store *s, store_course_session *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->course_id);
	pg__p_i64(&p, x->day0);
	pg__p_i64(&p, x->day1);
	pg__p_text(&p, x->trainer);
	pg__p_text(&p, x->place);
	pg__p_i64(&p, x->capacity);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO course_session(course_id, day0, day1, trainer, place,"
			     " capacity) VALUES($1, $2, $3, $4, $5, $6) RETURNING id",
			     &p, &x->id);
}

static int pg_course_session_get(store *s, int64_t id, store_course_session *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, id);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s, "SELECT " SESSION_COLS " FROM course_session s WHERE s.id = $1",
		       &p, out, session_row);
}

static int pg_course_session_list(store *s, int64_t course_id, store_course_session **out,
				  size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, course_id);
	return pg__rows((pgc *)s,
			"SELECT " SESSION_COLS " FROM course_session s"
			" WHERE $1::bigint = 0 OR s.course_id = $1 ORDER BY s.day0, s.id",
			&p, sizeof **out, session_row, (void **)out, n);
}

/* ---- enrolments ---- */

#define ENROL_COLS                                                                                 \
	"session_id, enterprise_id, worker, worker_name, attended_hours, score, passed,"           \
	" cert_serial"

static int enrol_row(const PGresult *r, int row, void *dst)
{
	store_enrolment *x = dst;
	x->session_id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	TEXT(2, x->worker);
	TEXT(3, x->worker_name);
	x->attended_hours = pg__int(r, row, 4);
	x->score = pg__int(r, row, 5);
	x->passed = pg__int(r, row, 6);
	TEXT(7, x->cert_serial);
	return GLOVED_OK;
}

static int lock_row(const PGresult *r, int row, void *dst)
{
	(void)r;
	(void)row;
	(void)dst;
	return GLOVED_OK;
}

/* The capacity check and the insert as one unit, the session's row locked
 * first: two instances enrolling at once into the last seat take turns,
 * and the second counts the first's enrolment (each statement of a read
 * committed transaction sees what committed before it), as SQLite's one
 * writer does. A refusal changes nothing. */
static int pg_enrolment_add(store *s, store_scope sc, const store_enrolment *x)
{
	pgc *q = (pgc *)s;
	if (!pg__scope_ok(sc, x->enterprise_id))
		return GLOVED_EPERM;
	int own = 0;
	int rc = unit_begin(q, &own);
	if (rc)
		return rc;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->session_id);
	if ((rc = pg__one(q, "SELECT 1 FROM course_session WHERE id = $1 FOR UPDATE", &p, NULL,
			  lock_row)))
		goto out;
	store_course_session ses;
	if ((rc = pg_course_session_get(s, x->session_id, &ses)))
		goto out;
	if (ses.enrolled >= ses.capacity) {
		rc = GLOVED_EBUSY;
		goto out;
	}
	pg__p_init(&p);
	pg__p_i64(&p, x->session_id);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_text(&p, x->worker);
	pg__p_text(&p, x->worker_name);
	rc = pg__run(q,
		     "INSERT INTO enrolment(session_id, enterprise_id, worker, worker_name)"
		     " VALUES($1, $2, $3, $4)",
		     &p, 0, NULL);
out:
	return unit_end(q, own, rc);
}

static int pg_enrolment_put(store *s, store_scope sc, const store_enrolment *x)
{
	if (!pg__scope_ok(sc, x->enterprise_id))
		return GLOVED_EPERM;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->session_id);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_text(&p, x->worker);
	pg__p_i64(&p, x->attended_hours);
	pg__p_i64(&p, x->score);
	pg__p_i64(&p, x->passed);
	pg__p_text(&p, x->cert_serial);
	int64_t changed = 0;
	int rc = pg__run((pgc *)s,
			 "UPDATE enrolment SET attended_hours = $4, score = $5, passed = $6,"
			 " cert_serial = $7 WHERE session_id = $1 AND enterprise_id = $2"
			 " AND worker = $3",
			 &p, 1, &changed);
	return rc ? rc : changed ? GLOVED_OK : GLOVED_ENOTFOUND;
}

static int pg_enrolment_get(store *s, store_scope sc, int64_t session_id, int64_t enterprise_id,
			    const char *worker, store_enrolment *out)
{
	memset(out, 0, sizeof *out);
	if (!pg__scope_ok(sc, enterprise_id))
		return GLOVED_ENOTFOUND;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, session_id);
	pg__p_i64(&p, enterprise_id);
	pg__p_text(&p, worker);
	return pg__one((pgc *)s,
		       "SELECT " ENROL_COLS " FROM enrolment WHERE session_id = $1"
		       " AND enterprise_id = $2 AND worker = $3",
		       &p, out, enrol_row);
}

static int pg_enrolment_list(store *s, store_scope sc, int64_t session_id, store_enrolment **out,
			     size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_text(&p, sc.town);
	pg__p_i64(&p, session_id);
	return pg__rows(
	    (pgc *)s,
	    "SELECT " ENROL_COLS " FROM enrolment WHERE ($1::bigint = 0 OR enterprise_id = $1)"
	    " AND ($2::text = '' OR enterprise_id IN (SELECT id FROM enterprise WHERE town = $2))"
	    " AND ($3::bigint = 0 OR session_id = $3)"
	    " ORDER BY session_id, enterprise_id, worker COLLATE \"C\"",
	    &p, sizeof **out, enrol_row, (void **)out, n);
}

/* ---- certificates ---- */

#define CERT_COLS                                                                                  \
	"serial, enterprise_id, worker, worker_name, course_id, operation, level, day, payload,"   \
	" sig, created_ms"

static int cert_row(const PGresult *r, int row, void *dst)
{
	store_cert *x = dst;
	TEXT(0, x->serial);
	x->enterprise_id = pg__i64(r, row, 1);
	TEXT(2, x->worker);
	TEXT(3, x->worker_name);
	x->course_id = pg__i64(r, row, 4);
	TEXT(5, x->operation);
	x->level = pg__int(r, row, 6);
	x->day = pg__int(r, row, 7);
	TEXT(8, x->payload);
	TEXT(9, x->sig);
	x->created_ms = pg__i64(r, row, 10);
	return GLOVED_OK;
}

static int pg_cert_add(store *s, const store_cert *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, x->serial);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_text(&p, x->worker);
	pg__p_text(&p, x->worker_name);
	pg__p_i64(&p, x->course_id);
	pg__p_text(&p, x->operation);
	pg__p_i64(&p, x->level);
	pg__p_i64(&p, x->day);
	pg__p_text(&p, x->payload);
	pg__p_text(&p, x->sig);
	pg__p_i64(&p, x->created_ms);
	return pg__run((pgc *)s,
		       "INSERT INTO certificate(" CERT_COLS ") VALUES($1, $2, $3, $4, $5, $6, $7,"
		       " $8, $9, $10, $11)",
		       &p, 1, NULL);
}

static int pg_cert_by_serial(store *s, const char *serial, store_cert *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, serial);
	memset(out, 0, sizeof *out);
	return pg__one((pgc *)s, "SELECT " CERT_COLS " FROM certificate WHERE serial = $1", &p, out,
		       cert_row);
}

static int pg_cert_list(store *s, store_scope sc, int64_t enterprise_id, const char *worker,
			store_cert **out, size_t *n)
{
	int64_t ent = read_ent(sc, enterprise_id);
	if (ent < 0) {
		*out = NULL;
		*n = 0;
		return GLOVED_OK;
	}
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, ent);
	pg__p_text(&p, sc.town);
	pg__p_text(&p, worker ? worker : "");
	return pg__rows(
	    (pgc *)s,
	    "SELECT " CERT_COLS " FROM certificate WHERE ($1::bigint = 0 OR enterprise_id = $1)"
	    " AND ($2::text = '' OR enterprise_id IN (SELECT id FROM enterprise WHERE town = $2))"
	    " AND ($3::text = '' OR worker = $3) ORDER BY enterprise_id, worker COLLATE \"C\", day",
	    &p, sizeof **out, cert_row, (void **)out, n);
}

/* ---- skill rules and flags ---- */

static int pg_skill_rule_put(store *s, store_scope sc, const store_skill_rule *x)
{
	if (!pg__scope_ok(sc, x->enterprise_id))
		return GLOVED_EPERM;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_text(&p, x->operation);
	if (!x->mode[0])
		return pg__run((pgc *)s,
			       "DELETE FROM skill_rule WHERE enterprise_id = $1 AND operation = $2",
			       &p, 1, NULL);
	pg__p_text(&p, x->mode);
	return pg__run((pgc *)s,
		       "INSERT INTO skill_rule(enterprise_id, operation, mode) VALUES($1, $2, $3)"
		       " ON CONFLICT(enterprise_id, operation) DO UPDATE SET mode = excluded.mode",
		       &p, 1, NULL);
}

static int rule_row(const PGresult *r, int row, void *dst)
{
	store_skill_rule *x = dst;
	x->enterprise_id = pg__i64(r, row, 0);
	TEXT(1, x->operation);
	TEXT(2, x->mode);
	return GLOVED_OK;
}

static int pg_skill_rule_list(store *s, store_scope sc, int64_t enterprise_id,
			      store_skill_rule **out, size_t *n)
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
			"SELECT enterprise_id, operation, mode FROM skill_rule"
			" WHERE $1::bigint = 0 OR enterprise_id = $1"
			" ORDER BY enterprise_id, operation COLLATE \"C\"",
			&p, sizeof **out, rule_row, (void **)out, n);
}

static int pg_skill_flag_add(store *s, store_skill_flag *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_i64(&p, x->bundle_id);
	pg__p_i64(&p, x->seq);
	pg__p_text(&p, x->worker);
	pg__p_text(&p, x->operation);
	pg__p_i64(&p, x->ts_ms);
	pg__p_i64(&p, x->refused);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO skill_flag(enterprise_id, bundle_id, seq, worker,"
			     " operation, ts_ms, refused) VALUES($1, $2, $3, $4, $5, $6, $7)"
			     " RETURNING id",
			     &p, &x->id);
}

static int flag_row(const PGresult *r, int row, void *dst)
{
	store_skill_flag *x = dst;
	x->id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	x->bundle_id = pg__i64(r, row, 2);
	x->seq = pg__int(r, row, 3);
	TEXT(4, x->worker);
	TEXT(5, x->operation);
	x->ts_ms = pg__i64(r, row, 6);
	x->refused = pg__int(r, row, 7);
	return GLOVED_OK;
}

static int pg_skill_flag_list(store *s, store_scope sc, int64_t enterprise_id, size_t limit,
			      store_skill_flag **out, size_t *n)
{
	int64_t ent = read_ent(sc, enterprise_id);
	if (ent < 0) {
		*out = NULL;
		*n = 0;
		return GLOVED_OK;
	}
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, ent);
	p_limit(&p, limit);
	return pg__rows((pgc *)s,
			"SELECT id, enterprise_id, bundle_id, seq, worker, operation, ts_ms,"
			" refused FROM skill_flag WHERE $1::bigint = 0 OR enterprise_id = $1"
			" ORDER BY id DESC LIMIT $2",
			&p, sizeof **out, flag_row, (void **)out, n);
}

/* ---- the cockpit's aggregates ---- */

static int firm_day_row(const PGresult *r, int row, void *dst)
{
	store_firm_day *x = dst;
	x->enterprise_id = pg__i64(r, row, 0);
	x->good_today = pg__i64(r, row, 1);
	x->good_yesterday = pg__i64(r, row, 2);
	x->reject_today = pg__i64(r, row, 3);
	/* column 4 is the shift sums' firm (NULL without shift rows) */
	int64_t *f[] = {&x->planned_ms,   &x->run_ms,  &x->ideal_ms,   &x->good_shift,
			&x->reject_shift, &x->stop_ms, &x->fault_ms,   &x->idle_ms,
			&x->setup_ms,     &x->off_ms,  &x->offline_ms, &x->unknown_ms};
	for (int i = 0; i < 12; i++)
		*f[i] = pg__i64(r, row, 5 + i);
	return GLOVED_OK;
}

/* The shift rollup columns summed, as the OEE input wants them (planned:
 * every state time within the planned shifts). */
#define SHIFT_SUMS                                                                                 \
	"sum(run_ms + idle_ms + stop_ms + fault_ms + setup_ms + off_ms + offline_ms +"             \
	" unknown_ms), sum(run_ms), sum(ideal_ms), sum(good), sum(reject), sum(stop_ms),"          \
	" sum(fault_ms), sum(idle_ms), sum(setup_ms), sum(off_ms), sum(offline_ms),"               \
	" sum(unknown_ms)"

static int pg_cockpit_days(store *s, store_scope sc, int64_t day_from, int64_t day_to,
			   int32_t shift_day, store_firm_day **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_text(&p, sc.town);
	pg__p_i64(&p, day_from);
	pg__p_i64(&p, day_to);
	pg__p_i64(&p, shift_day);
	return pg__rows((pgc *)s,
			"WITH d AS (SELECT enterprise_id,"
			"  sum(CASE WHEN bucket >= $3 THEN good ELSE 0 END) AS g,"
			"  sum(CASE WHEN bucket < $3 THEN good ELSE 0 END) AS gy,"
			"  sum(CASE WHEN bucket >= $3 THEN reject ELSE 0 END) AS r"
			"  FROM rollup_day WHERE bucket >= $3::bigint - 86400000 AND bucket < $4"
			"  GROUP BY enterprise_id),"
			" sh AS (SELECT enterprise_id AS sh_ent, " SHIFT_SUMS " FROM rollup_shift"
			"  WHERE shift_day = $5 GROUP BY enterprise_id)"
			" SELECT e.id, coalesce(d.g, 0), coalesce(d.gy, 0), coalesce(d.r, 0), sh.*"
			" FROM enterprise e LEFT JOIN d ON d.enterprise_id = e.id"
			"  LEFT JOIN sh ON sh.sh_ent = e.id"
			" WHERE ($1::bigint = 0 OR e.id = $1) AND ($2::text = '' OR e.town = $2)"
			"  AND (d.enterprise_id IS NOT NULL OR sh.sh_ent IS NOT NULL)"
			" ORDER BY e.id",
			&p, sizeof **out, firm_day_row, (void **)out, n);
}

static int month_day_row(const PGresult *r, int row, void *dst)
{
	store_firm_month *x = dst;
	x->good = pg__i64(r, row, 0);
	x->reject = pg__i64(r, row, 1);
	x->machines = pg__i64(r, row, 2);
	return GLOVED_OK;
}

static int month_shift_row(const PGresult *r, int row, void *dst)
{
	store_firm_month *x = dst;
	int64_t *f[] = {&x->planned_ms,   &x->run_ms,  &x->ideal_ms,   &x->good_shift,
			&x->reject_shift, &x->stop_ms, &x->fault_ms,   &x->idle_ms,
			&x->setup_ms,     &x->off_ms,  &x->offline_ms, &x->unknown_ms};
	for (int i = 0; i < 12; i++)
		*f[i] = pg__i64(r, row, i);
	return GLOVED_OK;
}

static int pg_firm_month(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			 int32_t shift_day0, int32_t shift_day1, store_firm_month *out)
{
	pgc *q = (pgc *)s;
	memset(out, 0, sizeof *out);
	out->enterprise_id = enterprise_id;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	pg__p_i64(&p, from_ms);
	pg__p_i64(&p, to_ms);
	int rc = pg__one(q,
			 "SELECT coalesce(sum(good), 0), coalesce(sum(reject), 0),"
			 " count(DISTINCT machine_id) FROM rollup_day"
			 " WHERE enterprise_id = $1 AND bucket >= $2 AND bucket < $3",
			 &p, out, month_day_row);
	if (rc)
		return rc;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	pg__p_i64(&p, shift_day0);
	pg__p_i64(&p, shift_day1);
	return pg__one(q,
		       "SELECT " SHIFT_SUMS " FROM rollup_shift WHERE enterprise_id = $1"
		       " AND shift_day BETWEEN $2 AND $3",
		       &p, out, month_shift_row);
}

static int counts_row(const PGresult *r, int row, void *dst)
{
	int64_t *v = dst;
	v[0] = pg__i64(r, row, 0);
	v[1] = pg__i64(r, row, 1);
	return GLOVED_OK;
}

static int pg_label_counts(store *s, store_scope sc, int64_t since_ms, int64_t *issued,
			   int64_t *scans)
{
	*issued = *scans = 0;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_text(&p, sc.town);
	pg__p_i64(&p, since_ms);
	int64_t v[2] = {0, 0};
	int rc = pg__one(
	    (pgc *)s,
	    "SELECT (SELECT count(*) FROM label l JOIN enterprise e ON e.id = l.enterprise_id"
	    "  WHERE l.created_ms >= $3 AND ($1::bigint = 0 OR e.id = $1)"
	    "  AND ($2::text = '' OR e.town = $2)),"
	    " (SELECT count(*) FROM label_scan sn JOIN label l ON l.id = sn.label_id"
	    "  JOIN enterprise e ON e.id = l.enterprise_id WHERE sn.ts_ms >= $3"
	    "  AND ($1 = 0 OR e.id = $1) AND ($2 = '' OR e.town = $2))",
	    &p, v, counts_row);
	if (!rc) {
		*issued = v[0];
		*scans = v[1];
	}
	return rc;
}

const store_cluster_ops pg__cluster_ops = {
    .version = STORE_CLUSTER_VERSION,
    .share_get = pg_share_get,
    .share_put = pg_share_put,
    .auditlog_add = pg_auditlog_add,
    .auditlog_list = pg_auditlog_list,
    .stat_form_add = pg_stat_form_add,
    .stat_form_get = pg_stat_form_get,
    .stat_report_put = pg_stat_report_put,
    .stat_report_get = pg_stat_report_get,
    .stat_report_list = pg_stat_report_list,
    .plan_add = pg_plan_add,
    .plan_get = pg_plan_get,
    .plan_actual_put = pg_plan_actual_put,
    .plan_actual_list = pg_plan_actual_list,
    .prog_put = pg_prog_put,
    .prog_get = pg_prog_get,
    .prog_list = pg_prog_list,
    .course_add = pg_course_add,
    .course_get = pg_course_get,
    .course_list = pg_course_list,
    .course_session_add = pg_course_session_add,
    .course_session_get = pg_course_session_get,
    .course_session_list = pg_course_session_list,
    .enrolment_add = pg_enrolment_add,
    .enrolment_put = pg_enrolment_put,
    .enrolment_get = pg_enrolment_get,
    .enrolment_list = pg_enrolment_list,
    .cert_add = pg_cert_add,
    .cert_by_serial = pg_cert_by_serial,
    .cert_list = pg_cert_list,
    .skill_rule_put = pg_skill_rule_put,
    .skill_rule_list = pg_skill_rule_list,
    .skill_flag_add = pg_skill_flag_add,
    .skill_flag_list = pg_skill_flag_list,
    .cockpit_days = pg_cockpit_days,
    .firm_month_get = pg_firm_month,
    .label_counts = pg_label_counts,
};
