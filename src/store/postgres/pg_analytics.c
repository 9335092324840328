/* SPDX-License-Identifier: Apache-2.0 */
/* pg_analytics.c: the PostgreSQL side of store/analytics.h: firm
 * calendars, stop reasons, workers, assignments, the shift rollups and stop
 * events, with the results, error codes, scope rules and ordering of
 * sqlite/sqlite_analytics.c. The adds of the shift rollups are upserts that
 * add (ON CONFLICT ... DO UPDATE), one row per call as the API has it; the
 * settings' writes run under a savepoint inside a transaction (a refused
 * one leaves it usable, as in SQLite). SQLite builds the WHERE clause of a
 * filter at run time so that it leads with the indexed predicate; here
 * each filtered query is three statements of fixed text, one per shape
 * (one machine, one firm, the cluster), with the optional workshop and
 * shift as parameters that a 0 or -1 turns off. Texts are ordered with
 * COLLATE "C", SQLite's byte order, whatever the database's locale. */
#include "store/postgres/pg_int.h"
#include "util/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- firm settings ---- */

/* A text column into a malloc'd copy at *(char **)dst. */
static int strdup_row(const PGresult *r, int row, void *dst)
{
	char **json = dst;
	*json = strdup(PQgetvalue(r, row, 0));
	return *json ? GLOVED_OK : GLOVED_ENOMEM;
}

static int pa_calendar_get(store *s, int64_t enterprise_id, char **json)
{
	*json = NULL;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	return pg__one((pgc *)s, "SELECT body FROM calendar WHERE enterprise_id = $1", &p, json,
		       strdup_row);
}

static int pa_calendar_put(store *s, store_scope sc, int64_t enterprise_id, const char *json)
{
	if (!pg__scope_ok(sc, enterprise_id))
		return GLOVED_EPERM;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	pg__p_text(&p, json);
	return pg__run((pgc *)s,
		       "INSERT INTO calendar(enterprise_id, body) VALUES($1, $2)"
		       " ON CONFLICT(enterprise_id) DO UPDATE SET body = excluded.body",
		       &p, 1, NULL);
}

static int stop_reason_row(const PGresult *r, int row, void *dst)
{
	store_stop_reason *x = dst;
	x->enterprise_id = pg__i64(r, row, 0);
	TEXT(1, x->code);
	TEXT(2, x->name_zh);
	TEXT(3, x->name_en);
	return GLOVED_OK;
}

static int pa_stop_reason_list(store *s, store_scope sc, int64_t enterprise_id,
			       store_stop_reason **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_i64(&p, enterprise_id);
	return pg__rows((pgc *)s,
			"SELECT enterprise_id, code, name_zh, name_en FROM stop_reason"
			" WHERE ($1::bigint = 0 OR enterprise_id = $1) AND"
			" ($2::bigint = 0 OR enterprise_id = $2)"
			" ORDER BY enterprise_id, code COLLATE \"C\"",
			&p, sizeof **out, stop_reason_row, (void **)out, n);
}

static int pa_stop_reason_put(store *s, store_scope sc, const store_stop_reason *x)
{
	if (!pg__scope_ok(sc, x->enterprise_id))
		return GLOVED_EPERM;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_text(&p, x->code);
	pg__p_text(&p, x->name_zh);
	pg__p_text(&p, x->name_en);
	return pg__run((pgc *)s,
		       "INSERT INTO stop_reason(enterprise_id, code, name_zh, name_en)"
		       " VALUES($1, $2, $3, $4) ON CONFLICT(enterprise_id, code) DO UPDATE SET"
		       " name_zh = excluded.name_zh, name_en = excluded.name_en",
		       &p, 1, NULL);
}

#define WORKER_COLS "enterprise_id, code, name, card"

static int worker_row(const PGresult *r, int row, void *dst)
{
	store_worker *w = dst;
	w->enterprise_id = pg__i64(r, row, 0);
	TEXT(1, w->code);
	TEXT(2, w->name);
	TEXT(3, w->card);
	return GLOVED_OK;
}

static int pa_worker_list(store *s, store_scope sc, int64_t enterprise_id, store_worker **out,
			  size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_i64(&p, enterprise_id);
	return pg__rows((pgc *)s,
			"SELECT " WORKER_COLS " FROM worker"
			" WHERE ($1::bigint = 0 OR enterprise_id = $1) AND"
			" ($2::bigint = 0 OR enterprise_id = $2)"
			" ORDER BY enterprise_id, code COLLATE \"C\"",
			&p, sizeof **out, worker_row, (void **)out, n);
}

static int pa_worker_put(store *s, store_scope sc, const store_worker *w)
{
	if (!pg__scope_ok(sc, w->enterprise_id))
		return GLOVED_EPERM;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, w->enterprise_id);
	pg__p_text(&p, w->code);
	pg__p_text(&p, w->name);
	pg__p_text(&p, w->card);
	return pg__run((pgc *)s,
		       "INSERT INTO worker(" WORKER_COLS ") VALUES($1, $2, $3, $4)"
		       " ON CONFLICT(enterprise_id, code) DO UPDATE"
		       " SET name = excluded.name, card = excluded.card",
		       &p, 1, NULL);
}

static int pa_worker_get(store *s, int64_t enterprise_id, const char *code, store_worker *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	pg__p_text(&p, code);
	return pg__one((pgc *)s,
		       "SELECT " WORKER_COLS " FROM worker WHERE enterprise_id = $1 AND code = $2",
		       &p, out, worker_row);
}

static int assignment_row(const PGresult *r, int row, void *dst)
{
	store_assignment *a = dst;
	a->machine_id = pg__i64(r, row, 0);
	a->enterprise_id = pg__i64(r, row, 1);
	a->shift_day = pg__int(r, row, 2);
	a->shift = pg__int(r, row, 3);
	TEXT(4, a->worker);
	return GLOVED_OK;
}

static int pa_assignment_list(store *s, store_scope sc, int64_t enterprise_id, int32_t day0,
			      int32_t day1, store_assignment **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_i64(&p, enterprise_id);
	pg__p_i64(&p, day0);
	pg__p_i64(&p, day1);
	return pg__rows((pgc *)s,
			"SELECT machine_id, enterprise_id, shift_day, shift, worker FROM assignment"
			" WHERE ($1::bigint = 0 OR enterprise_id = $1) AND"
			" ($2::bigint = 0 OR enterprise_id = $2) AND shift_day >= $3"
			" AND shift_day <= $4 ORDER BY shift_day, machine_id, shift",
			&p, sizeof **out, assignment_row, (void **)out, n);
}

static int pa_assignment_put(store *s, store_scope sc, const store_assignment *a)
{
	if (!pg__scope_ok(sc, a->enterprise_id))
		return GLOVED_EPERM;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, a->machine_id);
	pg__p_i64(&p, a->shift_day);
	pg__p_i64(&p, a->shift);
	if (!a->worker[0])
		return pg__run((pgc *)s,
			       "DELETE FROM assignment WHERE machine_id = $1 AND shift_day = $2"
			       " AND shift = $3",
			       &p, 1, NULL);
	pg__p_i64(&p, a->enterprise_id);
	pg__p_text(&p, a->worker);
	return pg__run((pgc *)s,
		       "INSERT INTO assignment(machine_id, shift_day, shift, enterprise_id, worker)"
		       " VALUES($1, $2, $3, $4, $5) ON CONFLICT(machine_id, shift_day, shift)"
		       " DO UPDATE SET worker = excluded.worker",
		       &p, 1, NULL);
}

/* ---- shift rollups ---- */

static void param_key(pg_params *p, const store_shift_key *k)
{
	pg__p_i64(p, k->bucket);
	pg__p_i64(p, k->machine_id);
	pg__p_i64(p, k->enterprise_id);
	pg__p_i64(p, k->workshop_id);
	pg__p_i64(p, k->shift_day);
	pg__p_i64(p, k->shift);
}

static int pa_shift_add_row(store *s, const store_shift_add *a)
{
	pg_params p;
	pg__p_init(&p);
	param_key(&p, &a->k);
	pg__p_i64(&p, a->good);
	pg__p_i64(&p, a->reject);
	pg__p_i64(&p, a->ideal_ms);
	pg__p_i64(&p, a->ideal_reject_ms);
	for (int i = 0; i < STORE_STATES; i++)
		pg__p_i64(&p, a->ms[i]);
	return pg__run(
	    (pgc *)s,
	    "INSERT INTO rollup_shift AS t(bucket, machine_id, enterprise_id, workshop_id,"
	    " shift_day, shift, good, reject, ideal_ms, ideal_reject_ms, unknown_ms, run_ms,"
	    " idle_ms, stop_ms, fault_ms, setup_ms, off_ms, offline_ms) VALUES($1, $2, $3, $4, $5,"
	    " $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
	    " ON CONFLICT(bucket, machine_id) DO UPDATE SET good = t.good + excluded.good,"
	    " reject = t.reject + excluded.reject, ideal_ms = t.ideal_ms + excluded.ideal_ms,"
	    " ideal_reject_ms = t.ideal_reject_ms + excluded.ideal_reject_ms,"
	    " unknown_ms = t.unknown_ms + excluded.unknown_ms, run_ms = t.run_ms + excluded.run_ms,"
	    " idle_ms = t.idle_ms + excluded.idle_ms, stop_ms = t.stop_ms + excluded.stop_ms,"
	    " fault_ms = t.fault_ms + excluded.fault_ms, setup_ms = t.setup_ms + excluded.setup_ms,"
	    " off_ms = t.off_ms + excluded.off_ms, offline_ms = t.offline_ms + excluded.offline_ms",
	    &p, 0, NULL);
}

static int pa_shift_reason_add(store *s, const store_shift_key *k, int state, const char *reason,
			       int64_t ms)
{
	pg_params p;
	pg__p_init(&p);
	param_key(&p, k);
	pg__p_i64(&p, state);
	pg__p_text(&p, reason);
	pg__p_i64(&p, ms);
	return pg__run((pgc *)s,
		       "INSERT INTO rollup_shift_reason AS t(bucket, machine_id, enterprise_id,"
		       " workshop_id, shift_day, shift, state, reason, ms) VALUES($1, $2, $3, $4,"
		       " $5, $6, $7, $8, $9) ON CONFLICT(bucket, machine_id, state, reason)"
		       " DO UPDATE SET ms = t.ms + excluded.ms",
		       &p, 0, NULL);
}

static int pa_shift_worker_add(store *s, const store_shift_key *k, const char *worker, int64_t good,
			       int64_t reject)
{
	pg_params p;
	pg__p_init(&p);
	param_key(&p, k);
	pg__p_text(&p, worker);
	pg__p_i64(&p, good);
	pg__p_i64(&p, reject);
	return pg__run(
	    (pgc *)s,
	    "INSERT INTO rollup_shift_worker AS t(bucket, machine_id, enterprise_id,"
	    " workshop_id, shift_day, shift, worker, good, reject) VALUES($1, $2, $3,"
	    " $4, $5, $6, $7, $8, $9) ON CONFLICT(bucket, machine_id, worker)"
	    " DO UPDATE SET good = t.good + excluded.good, reject = t.reject + excluded.reject",
	    &p, 0, NULL);
}

/* ---- many rows in one statement: each column one array parameter,
 * unnested; rows repeating a key are summed first (an INSERT ... ON
 * CONFLICT may touch a row once per statement) ---- */

static void arr_key(pg_arr *a, const store_shift_key *k)
{
	pg__arr_i64(&a[0], k->bucket);
	pg__arr_i64(&a[1], k->machine_id);
	pg__arr_i64(&a[2], k->enterprise_id);
	pg__arr_i64(&a[3], k->workshop_id);
	pg__arr_i64(&a[4], k->shift_day);
	pg__arr_i64(&a[5], k->shift);
}

#define KEY_UNNEST                                                                                 \
	"$1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[]"

static int pa_shift_add_rows(store *s, const store_shift_add *rows, size_t n)
{
	int rc = GLOVED_OK;
	for (size_t at = 0; at < n && !rc; at += PG_MANY) {
		size_t m = n - at < PG_MANY ? n - at : PG_MANY;
		pg_arr a[18];
		memset(a, 0, sizeof a);
		for (size_t i = 0; i < m; i++) {
			const store_shift_add *r = &rows[at + i];
			arr_key(a, &r->k);
			pg__arr_i64(&a[6], r->good);
			pg__arr_i64(&a[7], r->reject);
			pg__arr_i64(&a[8], r->ideal_ms);
			pg__arr_i64(&a[9], r->ideal_reject_ms);
			for (int k = 0; k < STORE_STATES; k++)
				pg__arr_i64(&a[10 + k], r->ms[k]);
		}
		rc = pg__run_arrays(
		    (pgc *)s,
		    "INSERT INTO rollup_shift AS t(bucket, machine_id, enterprise_id, workshop_id,"
		    " shift_day, shift, good, reject, ideal_ms, ideal_reject_ms, unknown_ms, "
		    "run_ms,"
		    " idle_ms, stop_ms, fault_ms, setup_ms, off_ms, offline_ms)"
		    " SELECT b, m, min(e), min(w), min(d), min(h), sum(g), sum(r), sum(i), sum(ir),"
		    " sum(s0), sum(s1), sum(s2), sum(s3), sum(s4), sum(s5), sum(s6), sum(s7)"
		    " FROM unnest(" KEY_UNNEST ", $7::bigint[], $8::bigint[], $9::bigint[],"
		    " $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[],"
		    " $15::bigint[], $16::bigint[], $17::bigint[], $18::bigint[])"
		    " AS u(b, m, e, w, d, h, g, r, i, ir, s0, s1, s2, s3, s4, s5, s6, s7)"
		    " GROUP BY b, m"
		    " ON CONFLICT(bucket, machine_id) DO UPDATE SET good = t.good + excluded.good,"
		    " reject = t.reject + excluded.reject, ideal_ms = t.ideal_ms + "
		    "excluded.ideal_ms,"
		    " ideal_reject_ms = t.ideal_reject_ms + excluded.ideal_reject_ms,"
		    " unknown_ms = t.unknown_ms + excluded.unknown_ms,"
		    " run_ms = t.run_ms + excluded.run_ms, idle_ms = t.idle_ms + excluded.idle_ms,"
		    " stop_ms = t.stop_ms + excluded.stop_ms,"
		    " fault_ms = t.fault_ms + excluded.fault_ms,"
		    " setup_ms = t.setup_ms + excluded.setup_ms, off_ms = t.off_ms + "
		    "excluded.off_ms,"
		    " offline_ms = t.offline_ms + excluded.offline_ms",
		    a, 18);
	}
	return rc;
}

static int pa_shift_reasons_add(store *s, const store_shift_reason_delta *rows, size_t n)
{
	int rc = GLOVED_OK;
	for (size_t at = 0; at < n && !rc; at += PG_MANY) {
		size_t m = n - at < PG_MANY ? n - at : PG_MANY;
		pg_arr a[9];
		memset(a, 0, sizeof a);
		for (size_t i = 0; i < m; i++) {
			const store_shift_reason_delta *r = &rows[at + i];
			arr_key(a, &r->k);
			pg__arr_i64(&a[6], r->state);
			pg__arr_text(&a[7], r->reason);
			pg__arr_i64(&a[8], r->ms);
		}
		rc = pg__run_arrays(
		    (pgc *)s,
		    "INSERT INTO rollup_shift_reason AS t(bucket, machine_id,"
		    " enterprise_id, workshop_id, shift_day, shift, state, reason, ms)"
		    " SELECT b, m, min(e), min(w), min(d), min(h), st, rs, sum(ms)"
		    " FROM unnest(" KEY_UNNEST ", $7::bigint[], $8::text[], $9::bigint[])"
		    " AS u(b, m, e, w, d, h, st, rs, ms) GROUP BY b, m, st, rs"
		    " ON CONFLICT(bucket, machine_id, state, reason)"
		    " DO UPDATE SET ms = t.ms + excluded.ms",
		    a, 9);
	}
	return rc;
}

static int pa_shift_workers_add(store *s, const store_shift_worker_delta *rows, size_t n)
{
	int rc = GLOVED_OK;
	for (size_t at = 0; at < n && !rc; at += PG_MANY) {
		size_t m = n - at < PG_MANY ? n - at : PG_MANY;
		pg_arr a[9];
		memset(a, 0, sizeof a);
		for (size_t i = 0; i < m; i++) {
			const store_shift_worker_delta *r = &rows[at + i];
			arr_key(a, &r->k);
			pg__arr_text(&a[6], r->worker);
			pg__arr_i64(&a[7], r->good);
			pg__arr_i64(&a[8], r->reject);
		}
		rc = pg__run_arrays(
		    (pgc *)s,
		    "INSERT INTO rollup_shift_worker AS t(bucket, machine_id,"
		    " enterprise_id, workshop_id, shift_day, shift, worker, good, reject)"
		    " SELECT b, m, min(e), min(w), min(d), min(h), wk, sum(g), sum(r)"
		    " FROM unnest(" KEY_UNNEST ", $7::text[], $8::bigint[], $9::bigint[])"
		    " AS u(b, m, e, w, d, h, wk, g, r) GROUP BY b, m, wk"
		    " ON CONFLICT(bucket, machine_id, worker) DO UPDATE SET"
		    " good = t.good + excluded.good, reject = t.reject + excluded.reject",
		    a, 9);
	}
	return rc;
}

static int pa_stops_put(store *s, const store_stop *rows, size_t n)
{
	int rc = GLOVED_OK;
	for (size_t at = 0; at < n && !rc; at += PG_MANY) {
		size_t m = n - at < PG_MANY ? n - at : PG_MANY;
		pg_arr a[8];
		memset(a, 0, sizeof a);
		for (size_t i = 0; i < m; i++) {
			const store_stop *x = &rows[at + i];
			pg__arr_i64(&a[0], x->machine_id);
			pg__arr_i64(&a[1], x->start_ms);
			pg__arr_i64(&a[2], x->end_ms);
			pg__arr_i64(&a[3], x->enterprise_id);
			pg__arr_i64(&a[4], x->workshop_id);
			pg__arr_i64(&a[5], x->state);
			pg__arr_text(&a[6], x->reason);
			pg__arr_i64(&a[7], x->supervisor ? 1 : 0);
		}
		/* of a repeated (machine, start) the last, as one put after
		 * another; a supervisor's reason stays, supervisor only goes up */
		rc = pg__run_arrays(
		    (pgc *)s,
		    "INSERT INTO stop_event AS t(machine_id, start, \"end\", enterprise_id,"
		    " workshop_id, state, reason, supervisor)"
		    " SELECT DISTINCT ON (m, st) m, st, en, e, w, s, rs, sup"
		    " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],"
		    " $5::bigint[], $6::bigint[], $7::text[], $8::bigint[]) WITH ORDINALITY"
		    " AS u(m, st, en, e, w, s, rs, sup, k) ORDER BY m, st, k DESC"
		    " ON CONFLICT(machine_id, start) DO UPDATE SET \"end\" = excluded.\"end\","
		    " state = excluded.state, reason = CASE WHEN t.supervisor <> 0 THEN t.reason"
		    " ELSE excluded.reason END,"
		    " supervisor = greatest(t.supervisor, excluded.supervisor)",
		    a, 8);
	}
	return rc;
}

/* A supervisor's reason stays; supervisor only ever goes from 0 to 1. */
static int pa_stop_put(store *s, const store_stop *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->machine_id);
	pg__p_i64(&p, x->start_ms);
	pg__p_i64(&p, x->end_ms);
	pg__p_i64(&p, x->enterprise_id);
	pg__p_i64(&p, x->workshop_id);
	pg__p_i64(&p, x->state);
	pg__p_text(&p, x->reason);
	pg__p_i64(&p, x->supervisor ? 1 : 0);
	return pg__run(
	    (pgc *)s,
	    "INSERT INTO stop_event AS t(machine_id, start, \"end\", enterprise_id,"
	    " workshop_id, state, reason, supervisor) VALUES($1, $2, $3, $4, $5, $6, $7,"
	    " $8) ON CONFLICT(machine_id, start) DO UPDATE SET \"end\" = excluded.\"end\","
	    " state = excluded.state, reason = CASE WHEN t.supervisor <> 0 THEN t.reason"
	    " ELSE excluded.reason END,"
	    " supervisor = greatest(t.supervisor, excluded.supervisor)",
	    &p, 0, NULL);
}

#define STOP_COLS PG_STOP_COLS

int pg__stop_row(const PGresult *r, int row, void *dst)
{
	store_stop *x = dst;
	x->machine_id = pg__i64(r, row, 0);
	x->enterprise_id = pg__i64(r, row, 1);
	x->workshop_id = pg__i64(r, row, 2);
	x->start_ms = pg__i64(r, row, 3);
	x->end_ms = pg__i64(r, row, 4);
	x->state = pg__int(r, row, 5);
	TEXT(6, x->reason);
	x->supervisor = pg__int(r, row, 7);
	return GLOVED_OK;
}

static int pa_stop_get(store *s, store_scope sc, int64_t machine_id, int64_t start_ms,
		       store_stop *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, machine_id);
	pg__p_i64(&p, start_ms);
	pg__p_i64(&p, sc.enterprise_id);
	return pg__one((pgc *)s,
		       "SELECT " STOP_COLS " FROM stop_event WHERE machine_id = $1 AND start = $2"
		       " AND ($3::bigint = 0 OR enterprise_id = $3)",
		       &p, out, pg__stop_row);
}

static int pa_stop_set_reason(store *s, int64_t machine_id, int64_t start_ms, const char *reason)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, reason);
	pg__p_i64(&p, machine_id);
	pg__p_i64(&p, start_ms);
	int64_t changed = 0;
	int rc = pg__run((pgc *)s,
			 "UPDATE stop_event SET reason = $1, supervisor = 1"
			 " WHERE machine_id = $2 AND start = $3",
			 &p, 0, &changed);
	if (!rc && changed == 0)
		return GLOVED_ENOTFOUND;
	return rc;
}

static int pa_stop_list(store *s, store_scope sc, int64_t enterprise_id, int64_t machine_id,
			int64_t from_ms, int64_t to_ms, size_t limit, store_stop **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_i64(&p, enterprise_id);
	pg__p_i64(&p, machine_id);
	pg__p_i64(&p, from_ms);
	pg__p_i64(&p, to_ms);
	/* SQLite reads a limit beyond INT64_MAX (negative there) as none */
	if (limit > INT64_MAX)
		pg__p_null(&p);
	else
		pg__p_i64(&p, (int64_t)limit);
	/* as in SQLite: overlapping [from, to), starting at most a week before
	 * `from` (bounds the index range) */
	return pg__rows((pgc *)s,
			"SELECT " STOP_COLS " FROM stop_event WHERE ($1::bigint = 0 OR"
			" enterprise_id = $1) AND ($2::bigint = 0 OR enterprise_id = $2) AND"
			" ($3::bigint = 0 OR machine_id = $3) AND start < $5"
			" AND start >= $4::bigint - 604800000 AND \"end\" >= $4"
			" ORDER BY start DESC, machine_id LIMIT $6",
			&p, sizeof **out, pg__stop_row, (void **)out, n);
}

/* One row per machine: SQLite answers them in key order without an ORDER
 * BY (a scan of the primary key), here it is written out. */
static int pa_stop_recent(store *s, int64_t since_ms, store_stop **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, since_ms);
	return pg__rows((pgc *)s,
			"SELECT " STOP_COLS " FROM stop_event e WHERE \"end\" >= $1 AND start ="
			" (SELECT max(start) FROM stop_event f WHERE f.machine_id = e.machine_id)"
			" ORDER BY machine_id, start",
			&p, sizeof **out, pg__stop_row, (void **)out, n);
}

static int pa_stop_supervised(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			      store_stop **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	pg__p_i64(&p, from_ms);
	pg__p_i64(&p, to_ms);
	return pg__rows((pgc *)s,
			"SELECT " STOP_COLS " FROM stop_event WHERE enterprise_id = $1 AND"
			" start >= $2 AND start < $3 AND supervisor = 1 ORDER BY machine_id, start",
			&p, sizeof **out, pg__stop_row, (void **)out, n);
}

/* ---- queries ---- */

/* The shapes of a filter over a shift table, each led by the predicate of
 * an index as SQLite's filter_where() writes it: one machine by
 * (machine_id, bucket), one firm by (enterprise_id, shift_day) (no bucket
 * bounds, as in SQLite), the cluster by the bucket (the primary key). The
 * workshop (0: any) and the shift (-1: any) are parameters in every shape,
 * so are the firm of a machine's rows (0: any). Shift instances of shift
 * days [day0, day1] start between the local midnights of day0 and day1 +
 * 1, which lie within UTC-14..UTC+12 of the UTC midnights. */
enum { SHAPE_MACHINE, SHAPE_FIRM, SHAPE_CLUSTER, SHAPES };

#define WHERE_MACHINE                                                                              \
	" WHERE machine_id = $1 AND bucket >= $2 AND bucket < $3 AND shift_day >= $4"              \
	" AND shift_day <= $5 AND ($6::bigint = 0 OR enterprise_id = $6)"                          \
	" AND ($7::bigint = 0 OR workshop_id = $7) AND ($8::bigint < 0 OR shift = $8)"
#define WHERE_FIRM                                                                                 \
	" WHERE enterprise_id = $1 AND shift_day >= $2 AND shift_day <= $3"                        \
	" AND ($4::bigint = 0 OR workshop_id = $4) AND ($5::bigint < 0 OR shift = $5)"
#define WHERE_CLUSTER                                                                              \
	" WHERE bucket >= $1 AND bucket < $2 AND shift_day >= $3 AND shift_day <= $4"              \
	" AND ($5::bigint = 0 OR workshop_id = $5) AND ($6::bigint < 0 OR shift = $6)"

/* The three statements of one query: head, each shape's WHERE, tail. */
#define SHAPED(head, tail)                                                                         \
	{                                                                                          \
		head WHERE_MACHINE tail, head WHERE_FIRM tail, head WHERE_CLUSTER tail             \
	}

/* The shape of filter f in scope sc and its parameters into p; -1 when
 * the scope and the filter name different firms (no rows). */
static int filter_params(store_scope sc, const store_filter *f, pg_params *p)
{
	if (sc.enterprise_id && f->enterprise_id && sc.enterprise_id != f->enterprise_id)
		return -1;
	int64_t ent = f->enterprise_id ? f->enterprise_id : sc.enterprise_id;
	int exact = f->bucket_to > f->bucket_from;
	int64_t b0 = exact ? f->bucket_from : (int64_t)f->day0 * 86400000 - 14 * 3600000LL;
	int64_t b1 = exact ? f->bucket_to : ((int64_t)f->day1 + 1) * 86400000 + 12 * 3600000LL;
	int shape = f->machine_id ? SHAPE_MACHINE : ent ? SHAPE_FIRM : SHAPE_CLUSTER;
	pg__p_init(p);
	if (shape == SHAPE_MACHINE) {
		pg__p_i64(p, f->machine_id);
		pg__p_i64(p, b0);
		pg__p_i64(p, b1);
	} else if (shape == SHAPE_FIRM) {
		pg__p_i64(p, ent);
	} else {
		pg__p_i64(p, b0);
		pg__p_i64(p, b1);
	}
	pg__p_i64(p, f->day0);
	pg__p_i64(p, f->day1);
	if (shape == SHAPE_MACHINE)
		pg__p_i64(p, ent);
	pg__p_i64(p, f->workshop_id);
	pg__p_i64(p, f->shift < 0 ? -1 : f->shift);
	return shape;
}

static int shift_sum_row(const PGresult *r, int row, void *dst)
{
	store_shift_sum *x = dst;
	x->k.bucket = pg__i64(r, row, 0);
	x->k.machine_id = pg__i64(r, row, 1);
	x->k.enterprise_id = pg__i64(r, row, 2);
	x->k.workshop_id = pg__i64(r, row, 3);
	x->k.shift_day = pg__int(r, row, 4);
	x->k.shift = pg__int(r, row, 5);
	x->good = pg__i64(r, row, 6);
	x->reject = pg__i64(r, row, 7);
	x->ideal_ms = pg__i64(r, row, 8);
	x->ideal_reject_ms = pg__i64(r, row, 9);
	for (int i = 0; i < STORE_STATES; i++)
		x->ms[i] = pg__i64(r, row, 10 + i);
	return GLOVED_OK;
}

static int pa_shift_rows(store *s, store_scope sc, const store_filter *f, store_shift_sum **out,
			 size_t *n)
{
	static const char *const sql[SHAPES] =
	    SHAPED("SELECT bucket, machine_id, enterprise_id, workshop_id, shift_day, shift, good,"
		   " reject, ideal_ms, ideal_reject_ms, unknown_ms, run_ms, idle_ms, stop_ms,"
		   " fault_ms, setup_ms, off_ms, offline_ms FROM rollup_shift",
		   " ORDER BY machine_id, bucket");
	*out = NULL;
	*n = 0;
	pg_params p;
	int shape = filter_params(sc, f, &p);
	if (shape < 0)
		return GLOVED_OK;
	return pg__rows((pgc *)s, sql[shape], &p, sizeof **out, shift_sum_row, (void **)out, n);
}

static int reason_sum_row(const PGresult *r, int row, void *dst)
{
	store_reason_sum *x = dst;
	x->state = pg__int(r, row, 0);
	TEXT(1, x->reason);
	x->ms = pg__i64(r, row, 2);
	return GLOVED_OK;
}

/* SQLite folds the rows in C (its GROUP BY over text sorts every row);
 * here the server groups them, in the same order: the most time first,
 * then by state and reason. */
static int pa_shift_reason_sums(store *s, store_scope sc, const store_filter *f,
				store_reason_sum **out, size_t *n)
{
	static const char *const sql[SHAPES] =
	    SHAPED("SELECT state, reason, sum(ms) FROM rollup_shift_reason",
		   " GROUP BY state, reason ORDER BY sum(ms) DESC, state, reason COLLATE \"C\"");
	*out = NULL;
	*n = 0;
	pg_params p;
	int shape = filter_params(sc, f, &p);
	if (shape < 0)
		return GLOVED_OK;
	return pg__rows((pgc *)s, sql[shape], &p, sizeof **out, reason_sum_row, (void **)out, n);
}

static int worker_sum_row(const PGresult *r, int row, void *dst)
{
	store_worker_sum *x = dst;
	x->machine_id = pg__i64(r, row, 0);
	x->shift_day = pg__int(r, row, 1);
	x->shift = pg__int(r, row, 2);
	TEXT(3, x->worker);
	x->good = pg__i64(r, row, 4);
	x->reject = pg__i64(r, row, 5);
	return GLOVED_OK;
}

static int pa_shift_worker_sums(store *s, store_scope sc, const store_filter *f,
				store_worker_sum **out, size_t *n)
{
	static const char *const sql[SHAPES] =
	    SHAPED("SELECT machine_id, shift_day, shift, worker, sum(good), sum(reject)"
		   " FROM rollup_shift_worker",
		   " GROUP BY machine_id, shift_day, shift, worker"
		   " ORDER BY shift_day, shift, machine_id, worker COLLATE \"C\"");
	*out = NULL;
	*n = 0;
	pg_params p;
	int shape = filter_params(sc, f, &p);
	if (shape < 0)
		return GLOVED_OK;
	return pg__rows((pgc *)s, sql[shape], &p, sizeof **out, worker_sum_row, (void **)out, n);
}

const store_analytics_ops pg__analytics_ops = {
    .version = STORE_ANALYTICS_VERSION,
    .calendar_get = pa_calendar_get,
    .calendar_put = pa_calendar_put,
    .stop_reason_list = pa_stop_reason_list,
    .stop_reason_put = pa_stop_reason_put,
    .worker_list = pa_worker_list,
    .worker_put = pa_worker_put,
    .worker_get = pa_worker_get,
    .assignment_list = pa_assignment_list,
    .assignment_put = pa_assignment_put,
    .shift_add_row = pa_shift_add_row,
    .shift_reason_add = pa_shift_reason_add,
    .shift_worker_add = pa_shift_worker_add,
    .stop_put = pa_stop_put,
    .shift_add_rows = pa_shift_add_rows,
    .shift_reasons_add = pa_shift_reasons_add,
    .shift_workers_add = pa_shift_workers_add,
    .stops_put = pa_stops_put,
    .stop_get = pa_stop_get,
    .stop_set_reason = pa_stop_set_reason,
    .stop_list = pa_stop_list,
    .stop_recent = pa_stop_recent,
    .stop_supervised = pa_stop_supervised,
    .shift_rows = pa_shift_rows,
    .shift_reason_sums = pa_shift_reason_sums,
    .shift_worker_sums = pa_shift_worker_sums,
};
