/* SPDX-License-Identifier: Apache-2.0 */
/* sqlite_analytics.c: the SQLite side of store/analytics.h: firm
 * calendars, stop reasons, workers, assignments, the shift rollups and stop
 * events. The adds of the shift rollups are upserts that add, like the
 * minute/hour/day rollups, and are prepared once per connection (hot
 * statements). Every read filters by the scope's enterprise in SQL. */
#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT(i, f) sqlite__text_col(st, i, f, sizeof f)

/* The hot statements of this file, SQ_HOT_SHIFT .. SQ_HOT_STOP in order. */
enum { AHOT_SHIFT, AHOT_REASON, AHOT_WORKER, AHOT_STOP, AHOT_COUNT };
static const char *const ahot_sql[AHOT_COUNT] = {
    "INSERT INTO rollup_shift(bucket, machine_id, enterprise_id, workshop_id, shift_day, shift,"
    " good, reject, ideal_ms, ideal_reject_ms, unknown_ms, run_ms, idle_ms, stop_ms, fault_ms,"
    " setup_ms, off_ms, offline_ms) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
    "?16,?17,?18) ON CONFLICT(bucket, machine_id) DO UPDATE SET good = good + excluded.good,"
    " reject = reject + excluded.reject, ideal_ms = ideal_ms + excluded.ideal_ms,"
    " ideal_reject_ms = ideal_reject_ms + excluded.ideal_reject_ms,"
    " unknown_ms = unknown_ms + excluded.unknown_ms, run_ms = run_ms + excluded.run_ms,"
    " idle_ms = idle_ms + excluded.idle_ms, stop_ms = stop_ms + excluded.stop_ms,"
    " fault_ms = fault_ms + excluded.fault_ms, setup_ms = setup_ms + excluded.setup_ms,"
    " off_ms = off_ms + excluded.off_ms, offline_ms = offline_ms + excluded.offline_ms",
    "INSERT INTO rollup_shift_reason(bucket, machine_id, state, reason, enterprise_id,"
    " workshop_id, shift_day, shift, ms) VALUES(?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT(bucket, machine_id, state, reason) DO UPDATE SET ms = ms + excluded.ms",
    "INSERT INTO rollup_shift_worker(bucket, machine_id, worker, enterprise_id, workshop_id,"
    " shift_day, shift, good, reject) VALUES(?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT(bucket, machine_id, worker) DO UPDATE SET good = good + excluded.good,"
    " reject = reject + excluded.reject",
    "INSERT INTO stop_event(machine_id, start, end, enterprise_id, workshop_id, state, reason,"
    " supervisor) VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(machine_id, start) DO UPDATE SET"
    " end = excluded.end, state = excluded.state, reason = CASE WHEN supervisor"
    " THEN reason ELSE excluded.reason END, supervisor = max(supervisor, excluded.supervisor)",
};

static sqlite3_stmt *hot(sq *q, int i)
{
	return sqlite__hot(q, SQ_HOT_SHIFT + i, ahot_sql[i]);
}

/* ---- firm settings ---- */

/* A text column into a malloc'd copy at *(char **)dst. */
static int strdup_row(sqlite3_stmt *st, void *dst)
{
	const char *t = (const char *)sqlite3_column_text(st, 0);
	char **json = dst;
	*json = strdup(t ? t : "");
	return *json ? GLOVED_OK : GLOVED_ENOMEM;
}

static int sa_calendar_get(store *s, int64_t enterprise_id, char **json)
{
	sq *q = (sq *)s;
	*json = NULL;
	sqlite3_stmt *st = sqlite__prep(q, "SELECT body FROM calendar WHERE enterprise_id = ?");
	if (st)
		sqlite3_bind_int64(st, 1, enterprise_id);
	return sqlite__one(q, st, json, strdup_row);
}

static int sa_calendar_put(store *s, store_scope sc, int64_t enterprise_id, const char *json)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, enterprise_id))
		return GLOVED_EPERM;
	sqlite3_stmt *st =
	    sqlite__prep(q, "INSERT INTO calendar(enterprise_id, body) VALUES(?,?)"
			    " ON CONFLICT(enterprise_id) DO UPDATE SET body = excluded.body");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, enterprise_id);
	sqlite3_bind_text(st, 2, json, -1, SQLITE_STATIC);
	return sqlite__run(q, st);
}

static int stop_reason_row(sqlite3_stmt *st, void *dst)
{
	store_stop_reason *r = dst;
	r->enterprise_id = sqlite3_column_int64(st, 0);
	TEXT(1, r->code);
	TEXT(2, r->name_zh);
	TEXT(3, r->name_en);
	return GLOVED_OK;
}

static int sa_stop_reason_list(store *s, store_scope sc, int64_t enterprise_id,
			       store_stop_reason **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__prep(q, "SELECT enterprise_id, code, name_zh, name_en FROM"
			    " stop_reason WHERE (?1 = 0 OR enterprise_id = ?1) AND"
			    " (?2 = 0 OR enterprise_id = ?2) ORDER BY enterprise_id, code");
	if (st) {
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
		sqlite3_bind_int64(st, 2, enterprise_id);
	}
	return sqlite__rows(q, st, sizeof **out, stop_reason_row, (void **)out, n);
}

static int sa_stop_reason_put(store *s, store_scope sc, const store_stop_reason *r)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, r->enterprise_id))
		return GLOVED_EPERM;
	sqlite3_stmt *st =
	    sqlite__prep(q, "INSERT INTO stop_reason(enterprise_id, code, name_zh, name_en)"
			    " VALUES(?,?,?,?) ON CONFLICT(enterprise_id, code) DO UPDATE SET"
			    " name_zh = excluded.name_zh, name_en = excluded.name_en");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, r->enterprise_id);
	sqlite3_bind_text(st, 2, r->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->name_zh, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->name_en, -1, SQLITE_STATIC);
	return sqlite__run(q, st);
}

static int worker_row(sqlite3_stmt *st, void *dst)
{
	store_worker *w = dst;
	w->enterprise_id = sqlite3_column_int64(st, 0);
	TEXT(1, w->code);
	TEXT(2, w->name);
	TEXT(3, w->card);
	return GLOVED_OK;
}

static int sa_worker_list(store *s, store_scope sc, int64_t enterprise_id, store_worker **out,
			  size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__prep(q, "SELECT enterprise_id, code, name, card FROM worker"
			    " WHERE (?1 = 0 OR enterprise_id = ?1) AND"
			    " (?2 = 0 OR enterprise_id = ?2) ORDER BY enterprise_id, code");
	if (st) {
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
		sqlite3_bind_int64(st, 2, enterprise_id);
	}
	return sqlite__rows(q, st, sizeof **out, worker_row, (void **)out, n);
}

static int sa_worker_put(store *s, store_scope sc, const store_worker *w)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, w->enterprise_id))
		return GLOVED_EPERM;
	sqlite3_stmt *st =
	    sqlite__prep(q, "INSERT INTO worker(enterprise_id, code, name, card)"
			    " VALUES(?,?,?,?) ON CONFLICT(enterprise_id, code) DO UPDATE"
			    " SET name = excluded.name, card = excluded.card");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, w->enterprise_id);
	sqlite3_bind_text(st, 2, w->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, w->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, w->card, -1, SQLITE_STATIC);
	return sqlite__run(q, st);
}

static int sa_worker_get(store *s, int64_t enterprise_id, const char *code, store_worker *out)
{
	static const char sql[] = "SELECT enterprise_id, code, name, card FROM worker"
				  " WHERE enterprise_id = ? AND code = ?";
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, sql);
	if (st) {
		sqlite3_bind_int64(st, 1, enterprise_id);
		sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	}
	return sqlite__one(q, st, out, worker_row);
}

static int assignment_row(sqlite3_stmt *st, void *dst)
{
	store_assignment *a = dst;
	a->machine_id = sqlite3_column_int64(st, 0);
	a->enterprise_id = sqlite3_column_int64(st, 1);
	a->shift_day = sqlite3_column_int(st, 2);
	a->shift = sqlite3_column_int(st, 3);
	TEXT(4, a->worker);
	return GLOVED_OK;
}

static int sa_assignment_list(store *s, store_scope sc, int64_t enterprise_id, int32_t day0,
			      int32_t day1, store_assignment **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(
	    q, "SELECT machine_id, enterprise_id, shift_day, shift, worker FROM assignment"
	       " WHERE (?1 = 0 OR enterprise_id = ?1) AND (?2 = 0 OR enterprise_id = ?2)"
	       " AND shift_day >= ?3 AND shift_day <= ?4 ORDER BY shift_day, machine_id, shift");
	if (st) {
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
		sqlite3_bind_int64(st, 2, enterprise_id);
		sqlite3_bind_int(st, 3, day0);
		sqlite3_bind_int(st, 4, day1);
	}
	return sqlite__rows(q, st, sizeof **out, assignment_row, (void **)out, n);
}

static int sa_assignment_put(store *s, store_scope sc, const store_assignment *a)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, a->enterprise_id))
		return GLOVED_EPERM;
	sqlite3_stmt *st;
	if (a->worker[0]) {
		st = sqlite__prep(
		    q, "INSERT INTO assignment(machine_id, shift_day, shift,"
		       " enterprise_id, worker) VALUES(?,?,?,?,?) ON CONFLICT(machine_id,"
		       " shift_day, shift) DO UPDATE SET worker = excluded.worker");
		if (!st)
			return GLOVED_EDB;
		sqlite3_bind_text(st, 5, a->worker, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, a->enterprise_id);
	} else {
		st = sqlite__prep(q, "DELETE FROM assignment WHERE machine_id = ? AND shift_day = ?"
				     " AND shift = ?");
		if (!st)
			return GLOVED_EDB;
	}
	sqlite3_bind_int64(st, 1, a->machine_id);
	sqlite3_bind_int(st, 2, a->shift_day);
	sqlite3_bind_int(st, 3, a->shift);
	return sqlite__run(q, st);
}

/* ---- shift rollups ---- */

static void bind_key(sqlite3_stmt *st, const store_shift_key *k)
{
	sqlite3_bind_int64(st, 1, k->bucket);
	sqlite3_bind_int64(st, 2, k->machine_id);
	sqlite3_bind_int64(st, 3, k->enterprise_id);
	sqlite3_bind_int64(st, 4, k->workshop_id);
	sqlite3_bind_int(st, 5, k->shift_day);
	sqlite3_bind_int(st, 6, k->shift);
}

static int sa_shift_add_row(store *s, const store_shift_add *a)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = hot(q, AHOT_SHIFT);
	if (!st)
		return GLOVED_EDB;
	bind_key(st, &a->k);
	sqlite3_bind_int64(st, 7, a->good);
	sqlite3_bind_int64(st, 8, a->reject);
	sqlite3_bind_int64(st, 9, a->ideal_ms);
	sqlite3_bind_int64(st, 10, a->ideal_reject_ms);
	for (int i = 0; i < STORE_STATES; i++)
		sqlite3_bind_int64(st, 11 + i, a->ms[i]);
	return sqlite__step_hot(q, st);
}

static int sa_shift_reason_add(store *s, const store_shift_key *k, int state, const char *reason,
			       int64_t ms)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = hot(q, AHOT_REASON);
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, k->bucket);
	sqlite3_bind_int64(st, 2, k->machine_id);
	sqlite3_bind_int(st, 3, state);
	sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, k->enterprise_id);
	sqlite3_bind_int64(st, 6, k->workshop_id);
	sqlite3_bind_int(st, 7, k->shift_day);
	sqlite3_bind_int(st, 8, k->shift);
	sqlite3_bind_int64(st, 9, ms);
	return sqlite__step_hot(q, st);
}

static int sa_shift_worker_add(store *s, const store_shift_key *k, const char *worker, int64_t good,
			       int64_t reject)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = hot(q, AHOT_WORKER);
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, k->bucket);
	sqlite3_bind_int64(st, 2, k->machine_id);
	sqlite3_bind_text(st, 3, worker, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, k->enterprise_id);
	sqlite3_bind_int64(st, 5, k->workshop_id);
	sqlite3_bind_int(st, 6, k->shift_day);
	sqlite3_bind_int(st, 7, k->shift);
	sqlite3_bind_int64(st, 8, good);
	sqlite3_bind_int64(st, 9, reject);
	return sqlite__step_hot(q, st);
}

static int sa_stop_put(store *s, const store_stop *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = hot(q, AHOT_STOP);
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->machine_id);
	sqlite3_bind_int64(st, 2, x->start_ms);
	sqlite3_bind_int64(st, 3, x->end_ms);
	sqlite3_bind_int64(st, 4, x->enterprise_id);
	sqlite3_bind_int64(st, 5, x->workshop_id);
	sqlite3_bind_int(st, 6, x->state);
	sqlite3_bind_text(st, 7, x->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, x->supervisor ? 1 : 0);
	return sqlite__step_hot(q, st);
}

/* Many rows: the same cached statements, one step each (in-process, an
 * SQLite step costs no round trip). */
static int sa_shift_add_rows(store *s, const store_shift_add *a, size_t n)
{
	int rc = GLOVED_OK;
	for (size_t i = 0; i < n && !rc; i++)
		rc = sa_shift_add_row(s, &a[i]);
	return rc;
}

static int sa_shift_reasons_add(store *s, const store_shift_reason_delta *r, size_t n)
{
	int rc = GLOVED_OK;
	for (size_t i = 0; i < n && !rc; i++)
		rc = sa_shift_reason_add(s, &r[i].k, r[i].state, r[i].reason, r[i].ms);
	return rc;
}

static int sa_shift_workers_add(store *s, const store_shift_worker_delta *w, size_t n)
{
	int rc = GLOVED_OK;
	for (size_t i = 0; i < n && !rc; i++)
		rc = sa_shift_worker_add(s, &w[i].k, w[i].worker, w[i].good, w[i].reject);
	return rc;
}

static int sa_stops_put(store *s, const store_stop *x, size_t n)
{
	int rc = GLOVED_OK;
	for (size_t i = 0; i < n && !rc; i++)
		rc = sa_stop_put(s, &x[i]);
	return rc;
}

#define STOP_COLS "machine_id, enterprise_id, workshop_id, start, end, state, reason, supervisor"

static int stop_row(sqlite3_stmt *st, void *dst)
{
	store_stop *x = dst;
	x->machine_id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	x->workshop_id = sqlite3_column_int64(st, 2);
	x->start_ms = sqlite3_column_int64(st, 3);
	x->end_ms = sqlite3_column_int64(st, 4);
	x->state = sqlite3_column_int(st, 5);
	TEXT(6, x->reason);
	x->supervisor = sqlite3_column_int(st, 7);
	return GLOVED_OK;
}

static int sa_stop_get(store *s, store_scope sc, int64_t machine_id, int64_t start_ms,
		       store_stop *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "SELECT " STOP_COLS " FROM stop_event WHERE"
					   " machine_id = ?1 AND start = ?2 AND (?3 = 0 OR"
					   " enterprise_id = ?3)");
	if (st) {
		sqlite3_bind_int64(st, 1, machine_id);
		sqlite3_bind_int64(st, 2, start_ms);
		sqlite3_bind_int64(st, 3, sc.enterprise_id);
	}
	return sqlite__one(q, st, out, stop_row);
}

static int sa_stop_set_reason(store *s, int64_t machine_id, int64_t start_ms, const char *reason)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "UPDATE stop_event SET reason = ?, supervisor = 1"
					   " WHERE machine_id = ? AND start = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_text(st, 1, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, machine_id);
	sqlite3_bind_int64(st, 3, start_ms);
	int rc = sqlite__run(q, st);
	if (!rc && sqlite3_changes(q->db) == 0)
		return GLOVED_ENOTFOUND;
	return rc;
}

static int sa_stop_list(store *s, store_scope sc, int64_t enterprise_id, int64_t machine_id,
			int64_t from_ms, int64_t to_ms, size_t limit, store_stop **out, size_t *n)
{
	sq *q = (sq *)s;
	/* a stop overlaps [from, to) when it starts before `to` and ends after
	 * `from`; stops are short, so starting within a day of `from` bounds the
	 * index range */
	sqlite3_stmt *st = sqlite__prep(
	    q,
	    "SELECT " STOP_COLS " FROM stop_event WHERE (?1 = 0 OR enterprise_id = ?1) AND"
	    " (?2 = 0 OR enterprise_id = ?2) AND (?3 = 0 OR machine_id = ?3) AND start < ?5"
	    " AND start >= ?4 - 604800000 AND end >= ?4 ORDER BY start DESC, machine_id LIMIT ?6");
	if (st) {
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
		sqlite3_bind_int64(st, 2, enterprise_id);
		sqlite3_bind_int64(st, 3, machine_id);
		sqlite3_bind_int64(st, 4, from_ms);
		sqlite3_bind_int64(st, 5, to_ms);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)limit);
	}
	return sqlite__rows(q, st, sizeof **out, stop_row, (void **)out, n);
}

static int sa_stop_recent(store *s, int64_t since_ms, store_stop **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(
	    q, "SELECT " STOP_COLS " FROM stop_event e WHERE end >= ?1 AND start = (SELECT"
	       " max(start) FROM stop_event f WHERE f.machine_id = e.machine_id)");
	if (st) {
		sqlite3_bind_int64(st, 1, since_ms);
	}
	return sqlite__rows(q, st, sizeof **out, stop_row, (void **)out, n);
}

static int sa_stop_supervised(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			      store_stop **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "SELECT " STOP_COLS " FROM stop_event WHERE"
					   " enterprise_id = ? AND start >= ? AND start < ? AND"
					   " supervisor = 1 ORDER BY machine_id, start");
	if (st) {
		sqlite3_bind_int64(st, 1, enterprise_id);
		sqlite3_bind_int64(st, 2, from_ms);
		sqlite3_bind_int64(st, 3, to_ms);
	}
	return sqlite__rows(q, st, sizeof **out, stop_row, (void **)out, n);
}

/* ---- queries ---- */

/* The WHERE clause of a filter over a shift table, written so that SQLite
 * can use an index: one machine by (machine_id, bucket), one firm by
 * (enterprise_id, shift_day), the cluster by the bucket (the primary key).
 * Shift instances of shift days [day0, day1] start between the local
 * midnights of day0 and day1 + 1, which lie within UTC-14..UTC+12 of the
 * UTC midnights. The values are bound by name (bind_filter). Returns 0, or
 * -1 when the scope and the filter name different firms (no rows). */
static int filter_where(char *out, size_t len, store_scope sc, const store_filter *f)
{
	int64_t ent = sqlite__read_ent(sc, f->enterprise_id);
	if (ent < 0)
		return -1;
	const char *lead = f->machine_id ? "machine_id = :m AND bucket >= :b0 AND bucket < :b1"
			   : ent ? "enterprise_id = :e AND shift_day >= :d0 AND shift_day <= :d1"
				 : "bucket >= :b0 AND bucket < :b1";
	snprintf(out, len, " WHERE %s AND shift_day >= :d0 AND shift_day <= :d1%s%s%s", lead,
		 ent && f->machine_id ? " AND enterprise_id = :e" : "",
		 f->workshop_id ? " AND workshop_id = :w" : "",
		 f->shift >= 0 ? " AND shift = :s" : "");
	return 0;
}

static void bind_name(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i > 0)
		sqlite3_bind_int64(st, i, v);
}

static void bind_filter(sqlite3_stmt *st, store_scope sc, const store_filter *f)
{
	bind_name(st, ":e", f->enterprise_id ? f->enterprise_id : sc.enterprise_id);
	bind_name(st, ":w", f->workshop_id);
	bind_name(st, ":m", f->machine_id);
	bind_name(st, ":d0", f->day0);
	bind_name(st, ":d1", f->day1);
	bind_name(st, ":s", f->shift);
	int exact = f->bucket_to > f->bucket_from;
	bind_name(st, ":b0", exact ? f->bucket_from : (int64_t)f->day0 * 86400000 - 14 * 3600000LL);
	bind_name(st, ":b1",
		  exact ? f->bucket_to : ((int64_t)f->day1 + 1) * 86400000 + 12 * 3600000LL);
}

/* Prepares `head` + the filter's WHERE + `tail`; NULL when nothing can
 * match (*none set) or on error. */
static sqlite3_stmt *filtered(sq *q, store_scope sc, const store_filter *f, const char *head,
			      const char *tail, int *none)
{
	char where[256], sql[1024];
	*none = filter_where(where, sizeof where, sc, f) != 0;
	if (*none)
		return NULL;
	snprintf(sql, sizeof sql, "%s%s%s", head, where, tail);
	sqlite3_stmt *st = sqlite__prep(q, sql);
	if (st)
		bind_filter(st, sc, f);
	return st;
}

static int shift_sum_row(sqlite3_stmt *st, void *dst)
{
	store_shift_sum *r = dst;
	r->k.bucket = sqlite3_column_int64(st, 0);
	r->k.machine_id = sqlite3_column_int64(st, 1);
	r->k.enterprise_id = sqlite3_column_int64(st, 2);
	r->k.workshop_id = sqlite3_column_int64(st, 3);
	r->k.shift_day = sqlite3_column_int(st, 4);
	r->k.shift = sqlite3_column_int(st, 5);
	r->good = sqlite3_column_int64(st, 6);
	r->reject = sqlite3_column_int64(st, 7);
	r->ideal_ms = sqlite3_column_int64(st, 8);
	r->ideal_reject_ms = sqlite3_column_int64(st, 9);
	for (int i = 0; i < STORE_STATES; i++)
		r->ms[i] = sqlite3_column_int64(st, 10 + i);
	return GLOVED_OK;
}

static int sa_shift_rows(store *s, store_scope sc, const store_filter *f, store_shift_sum **out,
			 size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	int none;
	sqlite3_stmt *st = filtered(
	    q, sc, f,
	    "SELECT bucket, machine_id, enterprise_id, workshop_id, shift_day, shift, good,"
	    " reject, ideal_ms, ideal_reject_ms, unknown_ms, run_ms, idle_ms, stop_ms, fault_ms,"
	    " setup_ms, off_ms, offline_ms FROM rollup_shift",
	    " ORDER BY machine_id, bucket", &none);
	if (none)
		return GLOVED_OK;
	return sqlite__rows(q, st, sizeof **out, shift_sum_row, (void **)out, n);
}

static int cmp_reason_sum(const void *a, const void *b)
{
	const store_reason_sum *x = a, *y = b;
	if (x->ms != y->ms)
		return x->ms > y->ms ? -1 : 1;
	if (x->state != y->state)
		return x->state < y->state ? -1 : 1;
	return strcmp(x->reason, y->reason);
}

/* Summed in C: the distinct reasons are few, and SQLite's GROUP BY over
 * text sorts every row (a cluster day has some 40,000; 4x faster so). Not
 * sqlite__rows: many rows fold into one element. */
static int sa_shift_reason_sums(store *s, store_scope sc, const store_filter *f,
				store_reason_sum **out, size_t *n)
{
	sq *q = (sq *)s;
	store_reason_sum *sums = NULL;
	size_t len = 0, cap = 0, last = 0;
	int rc = GLOVED_EDB, step, none;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st =
	    filtered(q, sc, f, "SELECT state, reason, ms FROM rollup_shift_reason", "", &none);
	if (none)
		return GLOVED_OK;
	if (!st)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int state = sqlite3_column_int(st, 0);
		const char *reason = (const char *)sqlite3_column_text(st, 1);
		int64_t ms = sqlite3_column_int64(st, 2);
		if (!reason)
			reason = "";
		/* consecutive rows mostly repeat a reason: try the last one first */
		size_t k = len;
		if (last < len && sums[last].state == state &&
		    strcmp(sums[last].reason, reason) == 0)
			k = last;
		for (size_t i = 0; k == len && i < len; i++)
			if (sums[i].state == state && strcmp(sums[i].reason, reason) == 0)
				k = i;
		if (k == len) {
			store_reason_sum *r = store__grow((void **)&sums, &len, &cap, sizeof *sums);
			if (!r) {
				rc = GLOVED_ENOMEM;
				goto out;
			}
			r->state = state;
			snprintf(r->reason, sizeof r->reason, "%s", reason);
		}
		sums[k].ms += ms;
		last = k;
	}
	if (step != SQLITE_DONE) {
		rc = sqlite__fail(q, step);
		goto out;
	}
	if (len)
		qsort(sums, len, sizeof *sums, cmp_reason_sum);
	*out = sums;
	*n = len;
	sums = NULL;
	rc = GLOVED_OK;
out:
	sqlite__release(q, st);
	free(sums);
	return rc;
}

static int worker_sum_row(sqlite3_stmt *st, void *dst)
{
	store_worker_sum *r = dst;
	r->machine_id = sqlite3_column_int64(st, 0);
	r->shift_day = sqlite3_column_int(st, 1);
	r->shift = sqlite3_column_int(st, 2);
	TEXT(3, r->worker);
	r->good = sqlite3_column_int64(st, 4);
	r->reject = sqlite3_column_int64(st, 5);
	return GLOVED_OK;
}

static int sa_shift_worker_sums(store *s, store_scope sc, const store_filter *f,
				store_worker_sum **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	int none;
	sqlite3_stmt *st = filtered(q, sc, f,
				    "SELECT machine_id, shift_day, shift, worker, sum(good),"
				    " sum(reject) FROM rollup_shift_worker",
				    " GROUP BY machine_id, shift_day, shift, worker"
				    " ORDER BY shift_day, shift, machine_id, worker",
				    &none);
	if (none)
		return GLOVED_OK;
	return sqlite__rows(q, st, sizeof **out, worker_sum_row, (void **)out, n);
}

const store_analytics_ops sqlite__analytics_ops = {
    .version = STORE_ANALYTICS_VERSION,
    .calendar_get = sa_calendar_get,
    .calendar_put = sa_calendar_put,
    .stop_reason_list = sa_stop_reason_list,
    .stop_reason_put = sa_stop_reason_put,
    .worker_list = sa_worker_list,
    .worker_put = sa_worker_put,
    .worker_get = sa_worker_get,
    .assignment_list = sa_assignment_list,
    .assignment_put = sa_assignment_put,
    .shift_add_row = sa_shift_add_row,
    .shift_reason_add = sa_shift_reason_add,
    .shift_worker_add = sa_shift_worker_add,
    .stop_put = sa_stop_put,
    .shift_add_rows = sa_shift_add_rows,
    .shift_reasons_add = sa_shift_reasons_add,
    .shift_workers_add = sa_shift_workers_add,
    .stops_put = sa_stops_put,
    .stop_get = sa_stop_get,
    .stop_set_reason = sa_stop_set_reason,
    .stop_list = sa_stop_list,
    .stop_recent = sa_stop_recent,
    .stop_supervised = sa_stop_supervised,
    .shift_rows = sa_shift_rows,
    .shift_reason_sums = sa_shift_reason_sums,
    .shift_worker_sums = sa_shift_worker_sums,
};
