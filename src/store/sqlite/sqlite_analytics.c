/* SPDX-License-Identifier: Apache-2.0 */
/* sqlite_analytics.c: the SQLite side of store/analytics.h: firm
 * calendars, stop reasons, workers, assignments, the shift rollups and stop
 * events, rebuild deletes, retention and rebuild requests. The adds of the
 * shift rollups are upserts that add, like the minute/hour/day rollups, and
 * are prepared once per write connection. Every read filters by the scope's
 * enterprise in SQL. */
#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ahot_sql[SQ_AHOT_COUNT] = {
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

void sqlite__analytics_close(sqlite3_stmt **ahot)
{
	for (int i = 0; i < SQ_AHOT_COUNT; i++) {
		sqlite3_finalize(ahot[i]);
		ahot[i] = NULL;
	}
}

static sqlite3_stmt *hot(sq *q, int i)
{
	sqlite3_stmt **a = sqlite__ahot(q);
	if (!a[i])
		a[i] = sqlite__prep(q, ahot_sql[i]);
	return a[i];
}

static int step_reset(sq *q, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? GLOVED_OK : sqlite__fail(q, rc);
}

static int scope_ok(store_scope sc, int64_t enterprise_id)
{
	return sc.enterprise_id == 0 || sc.enterprise_id == enterprise_id;
}

/* ---- firm settings ---- */

int sa_calendar_get(store *s, int64_t enterprise_id, char **json)
{
	sq *q = (sq *)s;
	*json = NULL;
	sqlite3_stmt *st = sqlite__prep(q, "SELECT body FROM calendar WHERE enterprise_id = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, enterprise_id);
	int rc = sqlite3_step(st), r = GLOVED_ENOTFOUND;
	if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		*json = strdup(t ? t : "");
		r = *json ? GLOVED_OK : GLOVED_ENOMEM;
	} else if (rc != SQLITE_DONE) {
		r = sqlite__fail(q, rc);
	}
	sqlite3_finalize(st);
	return r;
}

int sa_calendar_put(store *s, store_scope sc, int64_t enterprise_id, const char *json)
{
	sq *q = (sq *)s;
	if (!scope_ok(sc, enterprise_id))
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

int sa_stop_reason_list(store *s, store_scope sc, int64_t enterprise_id, store_stop_reason **out,
			size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st =
	    sqlite__prep(q, "SELECT enterprise_id, code, name_zh, name_en FROM"
			    " stop_reason WHERE (?1 = 0 OR enterprise_id = ?1) AND"
			    " (?2 = 0 OR enterprise_id = ?2) ORDER BY enterprise_id, code");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, sc.enterprise_id);
	sqlite3_bind_int64(st, 2, enterprise_id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_stop_reason *r = sqlite__grow((void **)out, n, &cap, sizeof **out);
		if (!r) {
			sqlite3_finalize(st);
			return GLOVED_ENOMEM;
		}
		r->enterprise_id = sqlite3_column_int64(st, 0);
		sqlite__text_col(st, 1, r->code, sizeof r->code);
		sqlite__text_col(st, 2, r->name_zh, sizeof r->name_zh);
		sqlite__text_col(st, 3, r->name_en, sizeof r->name_en);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? GLOVED_OK : sqlite__fail(q, rc);
}

int sa_stop_reason_put(store *s, store_scope sc, const store_stop_reason *r)
{
	sq *q = (sq *)s;
	if (!scope_ok(sc, r->enterprise_id))
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

int sa_worker_list(store *s, store_scope sc, int64_t enterprise_id, store_worker **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st =
	    sqlite__prep(q, "SELECT enterprise_id, code, name, card FROM worker"
			    " WHERE (?1 = 0 OR enterprise_id = ?1) AND"
			    " (?2 = 0 OR enterprise_id = ?2) ORDER BY enterprise_id, code");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, sc.enterprise_id);
	sqlite3_bind_int64(st, 2, enterprise_id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_worker *w = sqlite__grow((void **)out, n, &cap, sizeof **out);
		if (!w) {
			sqlite3_finalize(st);
			return GLOVED_ENOMEM;
		}
		w->enterprise_id = sqlite3_column_int64(st, 0);
		sqlite__text_col(st, 1, w->code, sizeof w->code);
		sqlite__text_col(st, 2, w->name, sizeof w->name);
		sqlite__text_col(st, 3, w->card, sizeof w->card);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? GLOVED_OK : sqlite__fail(q, rc);
}

int sa_worker_put(store *s, store_scope sc, const store_worker *w)
{
	sq *q = (sq *)s;
	if (!scope_ok(sc, w->enterprise_id))
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

int sa_worker_get(store *s, int64_t enterprise_id, const char *code, store_worker *out)
{
	static const char sql[] = "SELECT enterprise_id, code, name, card FROM worker"
				  " WHERE enterprise_id = ? AND code = ?";
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, sql);
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, enterprise_id);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st), r = GLOVED_ENOTFOUND;
	if (rc == SQLITE_ROW) {
		out->enterprise_id = sqlite3_column_int64(st, 0);
		sqlite__text_col(st, 1, out->code, sizeof out->code);
		sqlite__text_col(st, 2, out->name, sizeof out->name);
		sqlite__text_col(st, 3, out->card, sizeof out->card);
		r = GLOVED_OK;
	} else if (rc != SQLITE_DONE) {
		r = sqlite__fail(q, rc);
	}
	sqlite__release(q, st);
	return r;
}

int sa_assignment_list(store *s, store_scope sc, int64_t enterprise_id, int32_t day0, int32_t day1,
		       store_assignment **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = sqlite__prep(
	    q, "SELECT machine_id, enterprise_id, shift_day, shift, worker FROM assignment"
	       " WHERE (?1 = 0 OR enterprise_id = ?1) AND (?2 = 0 OR enterprise_id = ?2)"
	       " AND shift_day >= ?3 AND shift_day <= ?4 ORDER BY shift_day, machine_id, shift");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, sc.enterprise_id);
	sqlite3_bind_int64(st, 2, enterprise_id);
	sqlite3_bind_int(st, 3, day0);
	sqlite3_bind_int(st, 4, day1);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_assignment *a = sqlite__grow((void **)out, n, &cap, sizeof **out);
		if (!a) {
			sqlite3_finalize(st);
			return GLOVED_ENOMEM;
		}
		a->machine_id = sqlite3_column_int64(st, 0);
		a->enterprise_id = sqlite3_column_int64(st, 1);
		a->shift_day = sqlite3_column_int(st, 2);
		a->shift = sqlite3_column_int(st, 3);
		sqlite__text_col(st, 4, a->worker, sizeof a->worker);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? GLOVED_OK : sqlite__fail(q, rc);
}

int sa_assignment_put(store *s, store_scope sc, const store_assignment *a)
{
	sq *q = (sq *)s;
	if (!scope_ok(sc, a->enterprise_id))
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

int sa_shift_add_row(store *s, const store_shift_add *a)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = hot(q, SQ_AHOT_SHIFT);
	if (!st)
		return GLOVED_EDB;
	bind_key(st, &a->k);
	sqlite3_bind_int64(st, 7, a->good);
	sqlite3_bind_int64(st, 8, a->reject);
	sqlite3_bind_int64(st, 9, a->ideal_ms);
	sqlite3_bind_int64(st, 10, a->ideal_reject_ms);
	for (int i = 0; i < STORE_STATES; i++)
		sqlite3_bind_int64(st, 11 + i, a->ms[i]);
	return step_reset(q, st);
}

int sa_shift_reason_add(store *s, const store_shift_key *k, int state, const char *reason,
			int64_t ms)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = hot(q, SQ_AHOT_REASON);
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
	return step_reset(q, st);
}

int sa_shift_worker_add(store *s, const store_shift_key *k, const char *worker, int64_t good,
			int64_t reject)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = hot(q, SQ_AHOT_WORKER);
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
	return step_reset(q, st);
}

int sa_stop_put(store *s, const store_stop *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = hot(q, SQ_AHOT_STOP);
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
	return step_reset(q, st);
}

#define STOP_COLS "machine_id, enterprise_id, workshop_id, start, end, state, reason, supervisor"

static void stop_row(sqlite3_stmt *st, store_stop *x)
{
	x->machine_id = sqlite3_column_int64(st, 0);
	x->enterprise_id = sqlite3_column_int64(st, 1);
	x->workshop_id = sqlite3_column_int64(st, 2);
	x->start_ms = sqlite3_column_int64(st, 3);
	x->end_ms = sqlite3_column_int64(st, 4);
	x->state = sqlite3_column_int(st, 5);
	sqlite__text_col(st, 6, x->reason, sizeof x->reason);
	x->supervisor = sqlite3_column_int(st, 7);
}

static int stop_rows(sq *q, sqlite3_stmt *st, store_stop **out, size_t *n)
{
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_stop *x = sqlite__grow((void **)out, n, &cap, sizeof **out);
		if (!x) {
			sqlite3_finalize(st);
			free(*out);
			*out = NULL;
			*n = 0;
			return GLOVED_ENOMEM;
		}
		stop_row(st, x);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return sqlite__fail(q, rc);
	}
	return GLOVED_OK;
}

int sa_stop_get(store *s, store_scope sc, int64_t machine_id, int64_t start_ms, store_stop *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "SELECT " STOP_COLS " FROM stop_event WHERE"
					   " machine_id = ?1 AND start = ?2 AND (?3 = 0 OR"
					   " enterprise_id = ?3)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, machine_id);
	sqlite3_bind_int64(st, 2, start_ms);
	sqlite3_bind_int64(st, 3, sc.enterprise_id);
	int rc = sqlite3_step(st), r = GLOVED_ENOTFOUND;
	if (rc == SQLITE_ROW) {
		stop_row(st, out);
		r = GLOVED_OK;
	} else if (rc != SQLITE_DONE) {
		r = sqlite__fail(q, rc);
	}
	sqlite3_finalize(st);
	return r;
}

int sa_stop_set_reason(store *s, int64_t machine_id, int64_t start_ms, const char *reason)
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
	if (!rc && sqlite3_changes(sqlite__db(q)) == 0)
		return GLOVED_ENOTFOUND;
	return rc;
}

int sa_stop_list(store *s, store_scope sc, int64_t enterprise_id, int64_t machine_id,
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
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, sc.enterprise_id);
	sqlite3_bind_int64(st, 2, enterprise_id);
	sqlite3_bind_int64(st, 3, machine_id);
	sqlite3_bind_int64(st, 4, from_ms);
	sqlite3_bind_int64(st, 5, to_ms);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)limit);
	return stop_rows(q, st, out, n);
}

int sa_stop_recent(store *s, int64_t since_ms, store_stop **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(
	    q, "SELECT " STOP_COLS " FROM stop_event e WHERE end >= ?1 AND start = (SELECT"
	       " max(start) FROM stop_event f WHERE f.machine_id = e.machine_id)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, since_ms);
	return stop_rows(q, st, out, n);
}

int sa_stop_supervised(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
		       store_stop **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "SELECT " STOP_COLS " FROM stop_event WHERE"
					   " enterprise_id = ? AND start >= ? AND start < ? AND"
					   " supervisor = 1 ORDER BY machine_id, start");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, enterprise_id);
	sqlite3_bind_int64(st, 2, from_ms);
	sqlite3_bind_int64(st, 3, to_ms);
	return stop_rows(q, st, out, n);
}

int sa_sample_get(store *s, int64_t machine_id, int64_t ts_ms, store_sample *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(
	    q, "SELECT count, reject, d_good, d_reject, state, coalesce(reason, ''),"
	       " coalesce(worker, ''), flags FROM sample WHERE ts = ? AND machine_id = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, ts_ms);
	sqlite3_bind_int64(st, 2, machine_id);
	int rc = sqlite3_step(st), r = GLOVED_ENOTFOUND;
	if (rc == SQLITE_ROW) {
		out->ts_ms = ts_ms;
		out->machine_id = machine_id;
		out->count = (uint64_t)sqlite3_column_int64(st, 0);
		out->reject = (uint64_t)sqlite3_column_int64(st, 1);
		out->d_good = sqlite3_column_int64(st, 2);
		out->d_reject = sqlite3_column_int64(st, 3);
		out->state = sqlite3_column_int(st, 4);
		sqlite__text_col(st, 5, out->reason, sizeof out->reason);
		sqlite__text_col(st, 6, out->worker, sizeof out->worker);
		out->flags = sqlite3_column_int(st, 7);
		r = GLOVED_OK;
	} else if (rc != SQLITE_DONE) {
		r = sqlite__fail(q, rc);
	}
	sqlite3_finalize(st);
	return r;
}

int sa_sample_mark(store *s, const store_sample *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__prep(q, "INSERT OR IGNORE INTO sample(ts, machine_id, count,"
			    " reject, d_good, d_reject, state, reason, worker, flags)"
			    " VALUES(?,?,0,0,0,0,?,?,NULL,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->ts_ms);
	sqlite3_bind_int64(st, 2, x->machine_id);
	sqlite3_bind_int(st, 3, x->state);
	if (x->reason[0])
		sqlite3_bind_text(st, 4, x->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, x->flags | STORE_SAMPLE_MARK);
	return sqlite__run(q, st);
}

/* ---- rebuild and retention ---- */

int sa_rollup_delete(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
		     int64_t hour_from, int64_t hour_to)
{
	sq *q = (sq *)s;
	static const char *const sql[] = {
	    "DELETE FROM rollup_minute WHERE bucket >= ?3 AND bucket < ?4 AND enterprise_id = ?5",
	    "DELETE FROM rollup_hour WHERE bucket >= ?3 AND bucket < ?4 AND enterprise_id = ?5",
	    "DELETE FROM rollup_day WHERE bucket >= ?1 AND bucket < ?2 AND enterprise_id = ?5",
	    "DELETE FROM rollup_shift WHERE bucket >= ?1 AND bucket < ?2 AND enterprise_id = ?5",
	    "DELETE FROM rollup_shift_reason WHERE bucket >= ?1 AND bucket < ?2"
	    " AND enterprise_id = ?5",
	    "DELETE FROM rollup_shift_worker WHERE bucket >= ?1 AND bucket < ?2"
	    " AND enterprise_id = ?5",
	    "DELETE FROM stop_event WHERE start >= ?1 AND start < ?2 AND enterprise_id = ?5",
	};
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		sqlite3_stmt *st = sqlite__prep(q, sql[i]);
		if (!st)
			return GLOVED_EDB;
		int np = sqlite3_bind_parameter_count(st);
		int64_t v[5] = {from_ms, to_ms, hour_from, hour_to, enterprise_id};
		for (int p = 1; p <= np && p <= 5; p++) {
			const char *name = sqlite3_bind_parameter_name(st, p);
			if (name && name[0] == '?' && name[1] >= '1' && name[1] <= '5')
				sqlite3_bind_int64(st, p, v[name[1] - '1']);
		}
		int rc = sqlite__run(q, st);
		if (rc)
			return rc;
	}
	return GLOVED_OK;
}

int sa_retention_delete(store *s, store_retain what, int64_t before_ms, int64_t slice_ms,
			int64_t *deleted)
{
	static const char *const sql[][4] = {
	    {"DELETE FROM sample WHERE ts >= ? AND ts < ?"},
	    {"DELETE FROM rollup_minute WHERE bucket >= ? AND bucket < ?"},
	    {"DELETE FROM rollup_hour WHERE bucket >= ? AND bucket < ?"},
	    {"DELETE FROM rollup_day WHERE bucket >= ? AND bucket < ?"},
	    {"DELETE FROM rollup_shift WHERE bucket >= ? AND bucket < ?",
	     "DELETE FROM rollup_shift_reason WHERE bucket >= ? AND bucket < ?",
	     "DELETE FROM rollup_shift_worker WHERE bucket >= ? AND bucket < ?",
	     "DELETE FROM stop_event WHERE start >= ? AND start < ?"},
	};
	sq *q = (sq *)s;
	*deleted = 0;
	if ((int)what < 0 || (int)what > STORE_RETAIN_SHIFT)
		return GLOVED_EINVAL;
	int rc = GLOVED_OK;
	for (int i = 0; i < 4 && sql[what][i] && !rc; i++) {
		sqlite3_stmt *st = sqlite__prep(q, sql[what][i]);
		if (!st)
			return GLOVED_EDB;
		sqlite3_bind_int64(st, 1, before_ms - slice_ms);
		sqlite3_bind_int64(st, 2, before_ms);
		rc = sqlite__run(q, st);
		if (!rc)
			*deleted += sqlite3_changes(sqlite__db(q));
	}
	return rc;
}

int sa_samples_oldest(store *s, int64_t *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "SELECT coalesce(min(ts), 0) FROM sample");
	if (!st)
		return GLOVED_EDB;
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? GLOVED_OK : sqlite__fail(q, rc);
}

int sa_rebuild_add(store *s, store_rebuild *r)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__prep(q, "INSERT INTO rebuild_request(enterprise_id, day0, day1,"
			    " requested_ms) VALUES(?,?,?,strftime('%s','now')*1000)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, r->enterprise_id);
	sqlite3_bind_int(st, 2, r->day0);
	sqlite3_bind_int(st, 3, r->day1);
	int rc = sqlite__run(q, st);
	if (!rc)
		r->id = sqlite3_last_insert_rowid(sqlite__db(q));
	return rc;
}

static int rebuild_row(sq *q, sqlite3_stmt *st, store_rebuild *out)
{
	int rc = sqlite3_step(st), r = GLOVED_ENOTFOUND;
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->enterprise_id = sqlite3_column_int64(st, 1);
		out->day0 = sqlite3_column_int(st, 2);
		out->day1 = sqlite3_column_int(st, 3);
		out->done_ms = sqlite3_column_int64(st, 4);
		sqlite__text_col(st, 5, out->result, sizeof out->result);
		r = GLOVED_OK;
	} else if (rc != SQLITE_DONE) {
		r = sqlite__fail(q, rc);
	}
	sqlite3_finalize(st);
	return r;
}

int sa_rebuild_next(store *s, store_rebuild *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__prep(q, "SELECT id, enterprise_id, day0, day1, done_ms, result"
			    " FROM rebuild_request WHERE done_ms = 0 ORDER BY id LIMIT 1");
	return st ? rebuild_row(q, st, out) : GLOVED_EDB;
}

int sa_rebuild_get(store *s, int64_t id, store_rebuild *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "SELECT id, enterprise_id, day0, day1, done_ms, result"
					   " FROM rebuild_request WHERE id = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, id);
	return rebuild_row(q, st, out);
}

int sa_rebuild_done(store *s, int64_t id, int64_t done_ms, const char *result)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__prep(q, "UPDATE rebuild_request SET done_ms = ?, result = ? WHERE id = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, done_ms);
	sqlite3_bind_text(st, 2, result, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	return sqlite__run(q, st);
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
	int64_t ent = f->enterprise_id ? f->enterprise_id : sc.enterprise_id;
	if (sc.enterprise_id && f->enterprise_id && sc.enterprise_id != f->enterprise_id)
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

int sa_shift_rows(store *s, store_scope sc, const store_filter *f, store_shift_sum **out, size_t *n)
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
	if (!st)
		return GLOVED_EDB;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_shift_sum *r = sqlite__grow((void **)out, n, &cap, sizeof **out);
		if (!r) {
			sqlite3_finalize(st);
			return GLOVED_ENOMEM;
		}
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
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? GLOVED_OK : sqlite__fail(q, rc);
}

int sa_read_begin(store *s)
{
	sq *q = (sq *)s;
	int rc = sqlite3_exec(sqlite__db(q), "BEGIN", NULL, NULL, NULL);
	return rc == SQLITE_OK ? GLOVED_OK : sqlite__fail(q, rc);
}

int sa_read_end(store *s)
{
	sq *q = (sq *)s;
	int rc = sqlite3_exec(sqlite__db(q), "COMMIT", NULL, NULL, NULL);
	return rc == SQLITE_OK ? GLOVED_OK : sqlite__fail(q, rc);
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
 * text sorts every row (a cluster day has some 40,000; 4x faster so). */
int sa_shift_reason_sums(store *s, store_scope sc, const store_filter *f, store_reason_sum **out,
			 size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	int none;
	sqlite3_stmt *st =
	    filtered(q, sc, f, "SELECT state, reason, ms FROM rollup_shift_reason", "", &none);
	if (none)
		return GLOVED_OK;
	if (!st)
		return GLOVED_EDB;
	size_t cap = 0, last = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int state = sqlite3_column_int(st, 0);
		const char *reason = (const char *)sqlite3_column_text(st, 1);
		int64_t ms = sqlite3_column_int64(st, 2);
		if (!reason)
			reason = "";
		/* consecutive rows mostly repeat a reason: try the last one first */
		size_t k = *n;
		if (last < *n && (*out)[last].state == state &&
		    strcmp((*out)[last].reason, reason) == 0)
			k = last;
		for (size_t i2 = 0; k == *n && i2 < *n; i2++)
			if ((*out)[i2].state == state && strcmp((*out)[i2].reason, reason) == 0)
				k = i2;
		if (k == *n) {
			store_reason_sum *r = sqlite__grow((void **)out, n, &cap, sizeof **out);
			if (!r) {
				sqlite3_finalize(st);
				free(*out);
				*out = NULL;
				*n = 0;
				return GLOVED_ENOMEM;
			}
			memset(r, 0, sizeof *r);
			r->state = state;
			snprintf(r->reason, sizeof r->reason, "%s", reason);
		}
		(*out)[k].ms += ms;
		last = k;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return sqlite__fail(q, rc);
	}
	if (*n)
		qsort(*out, *n, sizeof **out, cmp_reason_sum);
	return GLOVED_OK;
}

int sa_shift_worker_sums(store *s, store_scope sc, const store_filter *f, store_worker_sum **out,
			 size_t *n)
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
	if (!st)
		return GLOVED_EDB;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_worker_sum *r = sqlite__grow((void **)out, n, &cap, sizeof **out);
		if (!r) {
			sqlite3_finalize(st);
			return GLOVED_ENOMEM;
		}
		r->machine_id = sqlite3_column_int64(st, 0);
		r->shift_day = sqlite3_column_int(st, 1);
		r->shift = sqlite3_column_int(st, 2);
		sqlite__text_col(st, 3, r->worker, sizeof r->worker);
		r->good = sqlite3_column_int64(st, 4);
		r->reject = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? GLOVED_OK : sqlite__fail(q, rc);
}
