/* SPDX-License-Identifier: Apache-2.0 */
/* pg_samples.c: the PostgreSQL side of store/samples.h: samples and the
 * minute/hour/day rollups (the ingest path: up to PG_MANY rows in one
 * statement, each column one array parameter), the persisted live state,
 * the dirty days of deferred rollups, the output queries, rebuild deletes,
 * retention and the rebuild request queue, with the semantics of
 * sqlite/sqlite_samples.c. Two differences: an INSERT ... ON CONFLICT DO
 * UPDATE may not touch one key twice, so rollup rows are summed by key
 * in the statement before the upsert; and a range of samples is read in
 * pages of PG_PAGE rows by key (never the whole range in memory).
 *
 * Samples and minute rollups are partitioned by RANGE on their time, one
 * partition per UTC calendar month (<table>_pYYYYMM) and a default one
 * (pg_migrations.c step 11): store_partitions_ensure makes the current
 * month's and the next ones ahead of the rows, retention drops whole
 * months (detach, count, drop) and deletes the rest of its slice. That DDL
 * is the only SQL text built at run time; its identifiers and bounds are
 * formatted here from integers (a year and a month), never from input. */
#include "core/tz.h"
#include "store/postgres/pg_int.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows of one page of store_samples_range. */
#define PG_PAGE 10000

static int level_ok(store_level lvl)
{
	return (int)lvl >= 0 && (int)lvl < STORE_LEVELS;
}

/* ---- ingest ---- */

#define SAMPLE_INSERT                                                                              \
	"INSERT INTO sample(ts, machine_id, count, reject, d_good, d_reject, state, reason,"       \
	" worker, flags) VALUES"
#define SAMPLE_ROW_PARAMS 10

static void param_sample(pg_params *p, const store_sample *x)
{
	pg__p_i64(p, x->ts_ms);
	pg__p_i64(p, x->machine_id);
	pg__p_i64(p, (int64_t)x->count);
	pg__p_i64(p, (int64_t)x->reject);
	pg__p_i64(p, x->d_good);
	pg__p_i64(p, x->d_reject);
	pg__p_i64(p, x->state);
	pg__p_text(p, x->reason[0] ? x->reason : NULL);
	pg__p_text(p, x->worker[0] ? x->worker : NULL);
	pg__p_i64(p, x->flags);
}

static int pg_sample_insert(store *s, const store_sample *x)
{
	pg_params p;
	pg__p_init(&p);
	param_sample(&p, x);
	return pg__run((pgc *)s,
		       SAMPLE_INSERT "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
				     " ON CONFLICT(ts, machine_id) DO NOTHING",
		       &p, 0, NULL);
}

/* Up to PG_MANY samples in one statement: each column one array
 * parameter, unnested in order, so of a repeated (ts, machine) the first
 * is kept as one insert after another keeps it. */
static int pg_samples_insert(store *s, const store_sample *x, size_t n)
{
	pgc *q = (pgc *)s;
	if (n == 1)
		return pg_sample_insert(s, x);
	int rc = GLOVED_OK;
	for (size_t at = 0; at < n && !rc; at += PG_MANY) {
		size_t m = n - at < PG_MANY ? n - at : PG_MANY;
		pg_arr a[SAMPLE_ROW_PARAMS];
		memset(a, 0, sizeof a);
		for (size_t i = 0; i < m; i++) {
			const store_sample *y = &x[at + i];
			pg__arr_i64(&a[0], y->ts_ms);
			pg__arr_i64(&a[1], y->machine_id);
			pg__arr_i64(&a[2], (int64_t)y->count);
			pg__arr_i64(&a[3], (int64_t)y->reject);
			pg__arr_i64(&a[4], y->d_good);
			pg__arr_i64(&a[5], y->d_reject);
			pg__arr_i64(&a[6], y->state);
			pg__arr_text(&a[7], y->reason);
			pg__arr_text(&a[8], y->worker);
			pg__arr_i64(&a[9], y->flags);
		}
		rc = pg__run_arrays(
		    q,
		    "INSERT INTO sample(ts, machine_id, count, reject, d_good, d_reject,"
		    " state, reason, worker, flags)"
		    " SELECT ts, m, c, r, dg, dr, st, nullif(rs, ''), nullif(wk, ''), f"
		    " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],"
		    " $5::bigint[], $6::bigint[], $7::bigint[], $8::text[], $9::text[],"
		    " $10::bigint[]) WITH ORDINALITY"
		    " AS u(ts, m, c, r, dg, dr, st, rs, wk, f, k) ORDER BY k"
		    " ON CONFLICT(ts, machine_id) DO NOTHING",
		    a, SAMPLE_ROW_PARAMS);
	}
	return rc;
}

static int pg_sample_update_delta(store *s, int64_t machine_id, int64_t ts_ms, int64_t d_good,
				  int64_t d_reject)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, d_good);
	pg__p_i64(&p, d_reject);
	pg__p_i64(&p, ts_ms);
	pg__p_i64(&p, machine_id);
	return pg__run(
	    (pgc *)s,
	    "UPDATE sample SET d_good = $1, d_reject = $2 WHERE ts = $3 AND machine_id = $4", &p, 0,
	    NULL);
}

#define ROLLUP_COLS " (bucket, machine_id, enterprise_id, workshop_id, good, reject) VALUES"
#define ROLLUP_ADD                                                                                 \
	" ON CONFLICT(bucket, machine_id) DO UPDATE SET good = t.good + excluded.good,"            \
	" reject = t.reject + excluded.reject"

static const char *const rollup_add_sql[STORE_LEVELS] = {
    "INSERT INTO rollup_minute AS t" ROLLUP_COLS "($1, $2, $3, $4, $5, $6)" ROLLUP_ADD,
    "INSERT INTO rollup_hour AS t" ROLLUP_COLS "($1, $2, $3, $4, $5, $6)" ROLLUP_ADD,
    "INSERT INTO rollup_day AS t" ROLLUP_COLS "($1, $2, $3, $4, $5, $6)" ROLLUP_ADD,
};

static void param_delta(pg_params *p, const store_rollup_delta *d)
{
	pg__p_i64(p, d->bucket_ms);
	pg__p_i64(p, d->machine_id);
	pg__p_i64(p, d->enterprise_id);
	pg__p_i64(p, d->workshop_id);
	pg__p_i64(p, d->good);
	pg__p_i64(p, d->reject);
}

static int pg_rollup_add(store *s, store_level lvl, int64_t bucket_ms, int64_t machine_id,
			 int64_t enterprise_id, int64_t workshop_id, int64_t d_good,
			 int64_t d_reject)
{
	if (!level_ok(lvl))
		return GLOVED_EINVAL;
	store_rollup_delta d = {bucket_ms,   machine_id, enterprise_id,
				workshop_id, d_good,     d_reject};
	pg_params p;
	pg__p_init(&p);
	param_delta(&p, &d);
	return pg__run((pgc *)s, rollup_add_sql[lvl], &p, 0, NULL);
}

/* Up to PG_MANY rows in one statement, unnested and summed by key first
 * (an upsert may touch a row once per statement). */
static int pg_rollups_add(store *s, store_level lvl, const store_rollup_delta *rows, size_t n)
{
	static const char *const sql[STORE_LEVELS] = {
#define ROLLUPS_SQL(table)                                                                         \
	"INSERT INTO " table " AS t(bucket, machine_id, enterprise_id, workshop_id, good, reject)" \
	" SELECT b, m, min(e), min(w), sum(g), sum(r) FROM unnest($1::bigint[], $2::bigint[],"     \
	" $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[]) AS u(b, m, e, w, g, r)"          \
	" GROUP BY b, m" ROLLUP_ADD
	    ROLLUPS_SQL("rollup_minute"),
	    ROLLUPS_SQL("rollup_hour"),
	    ROLLUPS_SQL("rollup_day"),
#undef ROLLUPS_SQL
	};
	if (!level_ok(lvl))
		return GLOVED_EINVAL;
	if (n == 1)
		return pg_rollup_add(s, lvl, rows->bucket_ms, rows->machine_id, rows->enterprise_id,
				     rows->workshop_id, rows->good, rows->reject);
	int rc = GLOVED_OK;
	for (size_t at = 0; at < n && !rc; at += PG_MANY) {
		size_t m = n - at < PG_MANY ? n - at : PG_MANY;
		pg_arr a[6];
		memset(a, 0, sizeof a);
		for (size_t i = 0; i < m; i++) {
			const store_rollup_delta *r = &rows[at + i];
			pg__arr_i64(&a[0], r->bucket_ms);
			pg__arr_i64(&a[1], r->machine_id);
			pg__arr_i64(&a[2], r->enterprise_id);
			pg__arr_i64(&a[3], r->workshop_id);
			pg__arr_i64(&a[4], r->good);
			pg__arr_i64(&a[5], r->reject);
		}
		rc = pg__run_arrays((pgc *)s, sql[lvl], a, 6);
	}
	return rc;
}

static int pg_live_put(store *s, const store_live *l)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, l->machine_id);
	pg__p_i64(&p, l->last_ts);
	pg__p_i64(&p, (int64_t)l->count);
	pg__p_i64(&p, (int64_t)l->reject);
	pg__p_i64(&p, l->state);
	pg__p_text(&p, l->reason);
	pg__p_i64(&p, l->since_ts);
	pg__p_i64(&p, l->st_ts);
	pg__p_i64(&p, l->st_state);
	pg__p_text(&p, l->st_reason);
	return pg__run(
	    (pgc *)s,
	    "INSERT INTO machine_live(machine_id, last_ts, count, reject, state, reason, since_ts,"
	    " st_ts, st_state, st_reason) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
	    " ON CONFLICT(machine_id) DO UPDATE SET last_ts = excluded.last_ts,"
	    " count = excluded.count, reject = excluded.reject, state = excluded.state,"
	    " reason = excluded.reason, since_ts = excluded.since_ts, st_ts = excluded.st_ts,"
	    " st_state = excluded.st_state, st_reason = excluded.st_reason",
	    &p, 0, NULL);
}

/* Many live rows in one statement (each column one array; of a repeated
 * machine the last). */
static int pg_lives_put(store *s, const store_live *l, size_t n)
{
	int rc = GLOVED_OK;
	for (size_t at = 0; at < n && !rc; at += PG_MANY) {
		size_t m = n - at < PG_MANY ? n - at : PG_MANY;
		pg_arr a[10];
		memset(a, 0, sizeof a);
		for (size_t i = 0; i < m; i++) {
			const store_live *x = &l[at + i];
			pg__arr_i64(&a[0], x->machine_id);
			pg__arr_i64(&a[1], x->last_ts);
			pg__arr_i64(&a[2], (int64_t)x->count);
			pg__arr_i64(&a[3], (int64_t)x->reject);
			pg__arr_i64(&a[4], x->state);
			pg__arr_text(&a[5], x->reason);
			pg__arr_i64(&a[6], x->since_ts);
			pg__arr_i64(&a[7], x->st_ts);
			pg__arr_i64(&a[8], x->st_state);
			pg__arr_text(&a[9], x->st_reason);
		}
		rc = pg__run_arrays(
		    (pgc *)s,
		    "INSERT INTO machine_live(machine_id, last_ts, count, reject, state,"
		    " reason, since_ts, st_ts, st_state, st_reason)"
		    " SELECT DISTINCT ON (m) m, lt, c, r, s, rs, si, stt, sts, str"
		    " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[],"
		    " $4::bigint[], $5::bigint[], $6::text[], $7::bigint[],"
		    " $8::bigint[], $9::bigint[], $10::text[]) WITH ORDINALITY"
		    " AS u(m, lt, c, r, s, rs, si, stt, sts, str, k) ORDER BY m, k DESC"
		    " ON CONFLICT(machine_id) DO UPDATE SET last_ts = excluded.last_ts,"
		    " count = excluded.count, reject = excluded.reject,"
		    " state = excluded.state, reason = excluded.reason,"
		    " since_ts = excluded.since_ts, st_ts = excluded.st_ts,"
		    " st_state = excluded.st_state, st_reason = excluded.st_reason",
		    a, 10);
	}
	return rc;
}

static int live_row(const PGresult *r, int row, void *dst)
{
	store_live *l = dst;
	l->machine_id = pg__i64(r, row, 0);
	l->last_ts = pg__i64(r, row, 1);
	l->count = (uint64_t)pg__i64(r, row, 2);
	l->reject = (uint64_t)pg__i64(r, row, 3);
	l->state = pg__int(r, row, 4);
	TEXT(5, l->reason);
	l->since_ts = pg__i64(r, row, 6);
	l->st_ts = pg__i64(r, row, 7);
	l->st_state = pg__int(r, row, 8);
	TEXT(9, l->st_reason);
	return GLOVED_OK;
}

static int pg_live_list(store *s, store_live **out, size_t *n)
{
	return pg__rows((pgc *)s,
			"SELECT machine_id, last_ts, count, reject, state, reason, since_ts, st_ts,"
			" st_state, st_reason FROM machine_live ORDER BY machine_id",
			NULL, sizeof **out, live_row, (void **)out, n);
}

/* ---- samples ---- */

#define SAMPLE_COLS                                                                                \
	"ts, machine_id, count, reject, d_good, d_reject, state, coalesce(reason, ''),"            \
	" coalesce(worker, ''), flags"

static int sample_row(const PGresult *r, int row, void *dst)
{
	store_sample *x = dst;
	x->ts_ms = pg__i64(r, row, 0);
	x->machine_id = pg__i64(r, row, 1);
	x->count = (uint64_t)pg__i64(r, row, 2);
	x->reject = (uint64_t)pg__i64(r, row, 3);
	x->d_good = pg__i64(r, row, 4);
	x->d_reject = pg__i64(r, row, 5);
	x->state = pg__int(r, row, 6);
	TEXT(7, x->reason);
	TEXT(8, x->worker);
	x->flags = pg__int(r, row, 9);
	return GLOVED_OK;
}

/* Stays a callback: a range can hold millions of samples, folded one by
 * one; read in pages of PG_PAGE by the key (ts, machine_id). */
static int pg_samples_range(store *s, int64_t from_ms, int64_t to_ms,
			    int (*cb)(void *ctx, const store_sample *x), void *ctx)
{
	pgc *q = (pgc *)s;
	int64_t after_ts = from_ms, after_m = INT64_MIN;
	for (;;) {
		pg_params p;
		pg__p_init(&p);
		pg__p_i64(&p, after_ts);
		pg__p_i64(&p, after_m);
		pg__p_i64(&p, to_ms);
		pg__p_i64(&p, PG_PAGE);
		int rc;
		PGresult *r = pg__exec(q,
				       "SELECT " SAMPLE_COLS " FROM sample WHERE ts >= $1 AND"
				       " (ts, machine_id) > ($1, $2) AND ts <= $3"
				       " ORDER BY ts, machine_id LIMIT $4",
				       &p, &rc);
		if (!r)
			return rc;
		int rows = PQntuples(r);
		for (int i = 0; i < rows; i++) {
			store_sample x = {0};
			sample_row(r, i, &x);
			after_ts = x.ts_ms;
			after_m = x.machine_id;
			if ((rc = cb(ctx, &x)) != 0) {
				PQclear(r);
				return rc;
			}
		}
		PQclear(r);
		if (rows < PG_PAGE)
			return GLOVED_OK;
	}
}

static int pg_samples_range_of(store *s, int64_t from_ms, int64_t to_ms, const int64_t *ids,
			       size_t n, int (*cb)(void *ctx, const store_sample *x), void *ctx)
{
	pgc *q = (pgc *)s;
	pg_arr a = {0};
	for (size_t i = 0; i < n; i++)
		pg__arr_i64(&a, ids[i]);
	const char *arr = pg__arr_end(&a);
	if (!arr) {
		pg__arr_free(&a);
		return GLOVED_ENOMEM;
	}
	int64_t after_ts = from_ms, after_m = INT64_MIN;
	int rc = GLOVED_OK;
	for (;;) {
		pg_params p;
		pg__p_init(&p);
		pg__p_i64(&p, after_ts);
		pg__p_i64(&p, after_m);
		pg__p_i64(&p, to_ms);
		pg__p_i64(&p, PG_PAGE);
		pg__p_text(&p, arr);
		PGresult *r = pg__exec(q,
				       "SELECT " SAMPLE_COLS " FROM sample WHERE ts >= $1 AND"
				       " (ts, machine_id) > ($1, $2) AND ts <= $3"
				       " AND machine_id = ANY($5::bigint[])"
				       " ORDER BY ts, machine_id LIMIT $4",
				       &p, &rc);
		if (!r)
			break;
		int rows = PQntuples(r);
		for (int i = 0; i < rows && !rc; i++) {
			store_sample x = {0};
			sample_row(r, i, &x);
			after_ts = x.ts_ms;
			after_m = x.machine_id;
			rc = cb(ctx, &x);
		}
		PQclear(r);
		if (rc || rows < PG_PAGE)
			break;
	}
	pg__arr_free(&a);
	return rc;
}

static int pg_sample_get(store *s, int64_t machine_id, int64_t ts_ms, store_sample *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, ts_ms);
	pg__p_i64(&p, machine_id);
	return pg__one((pgc *)s,
		       "SELECT " SAMPLE_COLS " FROM sample WHERE ts = $1 AND machine_id = $2", &p,
		       out, sample_row);
}

static int pg_sample_before(store *s, int64_t machine_id, int64_t ts_ms, store_sample *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, ts_ms);
	pg__p_i64(&p, machine_id);
	return pg__one((pgc *)s,
		       "SELECT " SAMPLE_COLS " FROM sample WHERE ts < $1 AND machine_id = $2"
		       " AND flags & 1 = 0 ORDER BY ts DESC LIMIT 1",
		       &p, out, sample_row);
}

static int pg_sample_mark(store *s, const store_sample *x)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, x->ts_ms);
	pg__p_i64(&p, x->machine_id);
	pg__p_i64(&p, x->state);
	pg__p_text(&p, x->reason[0] ? x->reason : NULL);
	pg__p_i64(&p, x->flags | STORE_SAMPLE_MARK);
	return pg__run((pgc *)s,
		       SAMPLE_INSERT "($1, $2, 0, 0, 0, 0, $3, $4, NULL, $5)"
				     " ON CONFLICT(ts, machine_id) DO NOTHING",
		       &p, 0, NULL);
}

static int int64_row(const PGresult *r, int row, void *dst)
{
	*(int64_t *)dst = pg__i64(r, row, 0);
	return GLOVED_OK;
}

static int pg_samples_newest(store *s, int64_t *out)
{
	*out = 0;
	return pg__one((pgc *)s, "SELECT coalesce(max(ts), 0) FROM sample", NULL, out, int64_row);
}

static int pg_samples_oldest(store *s, int64_t *out)
{
	*out = 0;
	return pg__one((pgc *)s, "SELECT coalesce(min(ts), 0) FROM sample", NULL, out, int64_row);
}

/* ---- deferred rollups ---- */

static int pg_dirty_day_mark(store *s, int64_t enterprise_id, int64_t day_ms, int64_t next_day_ms)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	pg__p_i64(&p, day_ms);
	pg__p_i64(&p, next_day_ms);
	return pg__run((pgc *)s,
		       "INSERT INTO rollup_dirty_day(enterprise_id, day, next_day)"
		       " VALUES($1, $2, $3) ON CONFLICT DO NOTHING",
		       &p, 0, NULL);
}

static int pg_dirty_day_clear_all(store *s)
{
	return pg__run((pgc *)s, "DELETE FROM rollup_dirty_day", NULL, 0, NULL);
}

static int dirty_day_row(const PGresult *r, int row, void *dst)
{
	store_dirty_day *d = dst;
	d->enterprise_id = pg__i64(r, row, 0);
	d->day_ms = pg__i64(r, row, 1);
	d->next_day_ms = pg__i64(r, row, 2);
	return GLOVED_OK;
}

static int pg_dirty_day_list(store *s, store_dirty_day **out, size_t *n)
{
	return pg__rows((pgc *)s,
			"SELECT enterprise_id, day, next_day FROM rollup_dirty_day"
			" ORDER BY enterprise_id, day",
			NULL, sizeof **out, dirty_day_row, (void **)out, n);
}

/* ---- queries ---- */

static int bucket_row(const PGresult *r, int row, void *dst)
{
	store_bucket *b = dst;
	b->ts_ms = pg__i64(r, row, 0);
	b->good = pg__i64(r, row, 1);
	b->reject = pg__i64(r, row, 2);
	return GLOVED_OK;
}

/* $1 from, $2 to, $3 firm, $4 workshop, $5 machine (0: any). */
#define OUTPUT_SQL(table)                                                                          \
	"SELECT bucket, sum(good), sum(reject) FROM " table " WHERE bucket >= $1 AND bucket < $2"  \
	" AND ($3::bigint = 0 OR enterprise_id = $3) AND ($4::bigint = 0 OR workshop_id = $4)"     \
	" AND ($5::bigint = 0 OR machine_id = $5) GROUP BY bucket"                                 \
	" HAVING sum(good) != 0 OR sum(reject) != 0 ORDER BY bucket"
/* The same for one firm ($3 not 0), led by the predicates of the
 * (enterprise_id, bucket) index every rollup level has (migration 13 for
 * rollup_minute): without `$3 = 0 OR` in front of it a generic plan can use
 * the index as well as a custom one. */
#define OUTPUT_FIRM_SQL(table)                                                                     \
	"SELECT bucket, sum(good), sum(reject) FROM " table " WHERE enterprise_id = $3"            \
	" AND bucket >= $1 AND bucket < $2 AND ($4::bigint = 0 OR workshop_id = $4)"               \
	" AND ($5::bigint = 0 OR machine_id = $5) GROUP BY bucket"                                 \
	" HAVING sum(good) != 0 OR sum(reject) != 0 ORDER BY bucket"

static int pg_output(store *s, store_scope sc, store_level lvl, int64_t enterprise_id,
		     int64_t workshop_id, int64_t machine_id, int64_t from_ms, int64_t to_ms,
		     store_bucket **out, size_t *n)
{
	static const char *const sql[STORE_LEVELS] = {
	    OUTPUT_SQL("rollup_minute"), OUTPUT_SQL("rollup_hour"), OUTPUT_SQL("rollup_day")};
	static const char *const firm_sql[STORE_LEVELS] = {OUTPUT_FIRM_SQL("rollup_minute"),
							   OUTPUT_FIRM_SQL("rollup_hour"),
							   OUTPUT_FIRM_SQL("rollup_day")};
	*out = NULL;
	*n = 0;
	if (!level_ok(lvl))
		return GLOVED_EINVAL;
	/* the firm the read is about: a different one than the scope's sees
	 * nothing */
	if (sc.enterprise_id && enterprise_id && sc.enterprise_id != enterprise_id)
		return GLOVED_OK;
	int64_t ent = enterprise_id ? enterprise_id : sc.enterprise_id;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, from_ms);
	pg__p_i64(&p, to_ms);
	pg__p_i64(&p, ent);
	pg__p_i64(&p, workshop_id);
	pg__p_i64(&p, machine_id);
	/* one machine keeps the general text: its rows are found by the
	 * bucket (minute) or the (machine_id, bucket) index (hour, day) */
	const char *text = ent && !machine_id ? firm_sql[lvl] : sql[lvl];
	return pg__rows((pgc *)s, text, &p, sizeof **out, bucket_row, (void **)out, n);
}

static int machine_total_row(const PGresult *r, int row, void *dst)
{
	store_machine_total *t = dst;
	t->machine_id = pg__i64(r, row, 0);
	t->good = pg__i64(r, row, 1);
	t->reject = pg__i64(r, row, 2);
	return GLOVED_OK;
}

#define TOTALS_SQL(table)                                                                          \
	"SELECT machine_id, sum(good), sum(reject) FROM " table                                    \
	" WHERE bucket >= $1 AND bucket < $2 AND ($3::bigint = 0 OR enterprise_id = $3)"           \
	" GROUP BY machine_id"
/* One firm's ($3 not 0), led by the (enterprise_id, bucket) index. */
#define TOTALS_FIRM_SQL(table)                                                                     \
	"SELECT machine_id, sum(good), sum(reject) FROM " table                                    \
	" WHERE enterprise_id = $3 AND bucket >= $1 AND bucket < $2 GROUP BY machine_id"

static int pg_machine_totals(store *s, store_scope sc, store_level lvl, int64_t from_ms,
			     int64_t to_ms, store_machine_total **out, size_t *n)
{
	static const char *const sql[STORE_LEVELS] = {
	    TOTALS_SQL("rollup_minute"), TOTALS_SQL("rollup_hour"), TOTALS_SQL("rollup_day")};
	static const char *const firm_sql[STORE_LEVELS] = {TOTALS_FIRM_SQL("rollup_minute"),
							   TOTALS_FIRM_SQL("rollup_hour"),
							   TOTALS_FIRM_SQL("rollup_day")};
	*out = NULL;
	*n = 0;
	if (!level_ok(lvl))
		return GLOVED_EINVAL;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, from_ms);
	pg__p_i64(&p, to_ms);
	pg__p_i64(&p, sc.enterprise_id);
	return pg__rows((pgc *)s, sc.enterprise_id ? firm_sql[lvl] : sql[lvl], &p, sizeof **out,
			machine_total_row, (void **)out, n);
}

/* ---- rebuild and retention ---- */

static int pg_rollup_delete(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			    int64_t hour_from, int64_t hour_to)
{
	/* each: $1 from, $2 to, $3 the firm; hourly = minute and hour rows */
	static const struct {
		int hourly;
		const char *sql;
	} del[] = {
	    {1, "DELETE FROM rollup_minute WHERE bucket >= $1 AND bucket < $2"
		" AND enterprise_id = $3"},
	    {1, "DELETE FROM rollup_hour WHERE bucket >= $1 AND bucket < $2"
		" AND enterprise_id = $3"},
	    {0, "DELETE FROM rollup_day WHERE bucket >= $1 AND bucket < $2 AND enterprise_id = $3"},
	    {0, "DELETE FROM rollup_shift WHERE bucket >= $1 AND bucket < $2"
		" AND enterprise_id = $3"},
	    {0, "DELETE FROM rollup_shift_reason WHERE bucket >= $1 AND bucket < $2"
		" AND enterprise_id = $3"},
	    {0, "DELETE FROM rollup_shift_worker WHERE bucket >= $1 AND bucket < $2"
		" AND enterprise_id = $3"},
	    {0, "DELETE FROM stop_event WHERE start >= $1 AND start < $2 AND enterprise_id = $3"},
	};
	for (size_t i = 0; i < sizeof del / sizeof del[0]; i++) {
		pg_params p;
		pg__p_init(&p);
		pg__p_i64(&p, del[i].hourly ? hour_from : from_ms);
		pg__p_i64(&p, del[i].hourly ? hour_to : to_ms);
		pg__p_i64(&p, enterprise_id);
		int rc = pg__run((pgc *)s, del[i].sql, &p, 0, NULL);
		if (rc)
			return rc;
	}
	return GLOVED_OK;
}

/* ---- monthly partitions ---- */

/* The partitioned tables and their partition key, by store_retain. */
static const struct {
	const char *table, *key;
} part_tables[] = {{"sample", "ts"}, {"rollup_minute", "bucket"}};
#define PART_TABLES ((int)(sizeof part_tables / sizeof part_tables[0]))

/* Months are numbered year * 12 + month - 1 (UTC). */
static int64_t month_of(int64_t ts_ms)
{
	int64_t days = ts_ms / 86400000 - (ts_ms % 86400000 < 0);
	tz_date d = tz_civil_from_days(days);
	return (int64_t)d.year * 12 + d.month - 1;
}

static int64_t month_start_ms(int64_t m)
{
	tz_date d = {(int32_t)(m / 12), (int32_t)(m % 12) + 1, 1};
	return tz_days_from_civil(d) * 86400000;
}

/* The years a partition may be of: the names have four digits. */
static int month_ok(int64_t m)
{
	return m >= 1970 * 12 && m < 10000 * 12;
}

/* <table>_pYYYYMM into name (64 bytes). */
static void part_name(char *name, size_t n, int t, int64_t m)
{
	snprintf(name, n, "%s_p%04d%02d", part_tables[t].table, (int)(m / 12), (int)(m % 12) + 1);
}

static const char *sqlstate(const PGresult *r)
{
	const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	return st ? st : "";
}

/* Runs text built here (DDL); the SQLSTATE of a failure into state (6
 * bytes) before pg__fail keeps the message. */
static int ddl(pgc *q, const char *sql, char *state)
{
	PGresult *r = PQexec(q->conn, sql);
	ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	state[0] = '\0';
	if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK) {
		PQclear(r);
		return GLOVED_OK;
	}
	snprintf(state, 6, "%s", sqlstate(r));
	return pg__fail(q, r, 0);
}

/* Another instance made the same table first: CREATE ... IF NOT EXISTS
 * still fails when both check before either commits. */
static int dup_state(const char *state)
{
	return strcmp(state, "42P07") == 0 || strcmp(state, "23505") == 0;
}

/* Rolls back after a failed statement of a transaction built here,
 * keeping the statement's message. */
static void ddl_rollback(pgc *q)
{
	char err[sizeof q->err];
	memcpy(err, q->err, sizeof err);
	pg__simple(q, "ROLLBACK");
	memcpy(q->err, err, sizeof err);
}

/* Month m of table t when the default partition holds rows of it (a row
 * that came before its month's partition): the partition is made apart,
 * the rows moved out of the default into it, and it is attached, in one
 * transaction (ATTACH scans the default for rows of the month). */
static int part_move_in(pgc *q, int t, int64_t m)
{
	char name[64], sql[1024], state[6];
	part_name(name, sizeof name, t, m);
	const char *tb = part_tables[t].table, *k = part_tables[t].key;
	long long lo = (long long)month_start_ms(m), hi = (long long)month_start_ms(m + 1);
	int n = snprintf(sql, sizeof sql,
			 "BEGIN; SET LOCAL lock_timeout = '10s';"
			 " CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS);"
			 " WITH moved AS (DELETE FROM %s_default WHERE %s >= %lld AND %s < %lld"
			 " RETURNING *) INSERT INTO %s SELECT * FROM moved;"
			 " ALTER TABLE %s ATTACH PARTITION %s FOR VALUES FROM (%lld) TO (%lld);"
			 " COMMIT",
			 name, tb, tb, k, lo, k, hi, name, tb, name, lo, hi);
	if (n < 0 || (size_t)n >= sizeof sql)
		return GLOVED_EINVAL;
	int rc = ddl(q, sql, state);
	if (rc && PQtransactionStatus(q->conn) != PQTRANS_IDLE)
		ddl_rollback(q);
	return rc && dup_state(state) ? GLOVED_OK : rc;
}

/* Makes month m's partition of table t when it is missing. */
static int part_make(pgc *q, int t, int64_t m)
{
	char name[64], sql[512], state[6];
	part_name(name, sizeof name, t, m);
	int n = snprintf(sql, sizeof sql,
			 "CREATE TABLE IF NOT EXISTS %s PARTITION OF %s FOR VALUES FROM (%lld) TO "
			 "(%lld)",
			 name, part_tables[t].table, (long long)month_start_ms(m),
			 (long long)month_start_ms(m + 1));
	if (n < 0 || (size_t)n >= sizeof sql)
		return GLOVED_EINVAL;
	int rc = ddl(q, sql, state);
	if (rc && dup_state(state))
		return GLOVED_OK;
	/* 23514: the default partition has rows of the month */
	if (rc && strcmp(state, "23514") == 0)
		return part_move_in(q, t, m);
	return rc;
}

static int pg_partitions_ensure(store *s, int64_t now_ms)
{
	pgc *q = (pgc *)s;
	int64_t cur = month_of(now_ms);
	if (!month_ok(cur) || !month_ok(cur + STORE_PARTITIONS_AHEAD)) {
		snprintf(q->err, sizeof q->err, "no partitions for a time outside 1970..9999");
		return GLOVED_EINVAL;
	}
	if (q->parts_month == cur)
		return GLOVED_OK;
	if (PQtransactionStatus(q->conn) != PQTRANS_IDLE) {
		snprintf(q->err, sizeof q->err, "partitions are made outside a transaction");
		return GLOVED_EINVAL;
	}
	for (int t = 0; t < PART_TABLES; t++)
		for (int64_t m = cur; m <= cur + STORE_PARTITIONS_AHEAD; m++) {
			int rc = part_make(q, t, m);
			if (rc)
				return rc;
		}
	q->parts_month = cur;
	return GLOVED_OK;
}

/* A table named as a partition, attached or not. */
typedef struct part_table_row {
	char name[64];
	int attached;
} part_table_row;

static int part_row(const PGresult *r, int row, void *dst)
{
	part_table_row *x = dst;
	TEXT(0, x->name);
	x->attached = PQgetvalue(r, row, 1)[0] == 't';
	return GLOVED_OK;
}

/* The month of a name <table>_pYYYYMM, -1 for any other name. */
static int64_t part_month(int t, const char *name)
{
	size_t tl = strlen(part_tables[t].table);
	if (strncmp(name, part_tables[t].table, tl) != 0 || strncmp(name + tl, "_p", 2) != 0)
		return -1;
	const char *d = name + tl + 2;
	int64_t v = 0;
	for (int i = 0; i < 6; i++) {
		if (d[i] < '0' || d[i] > '9')
			return -1;
		v = v * 10 + (d[i] - '0');
	}
	if (d[6] != '\0' || v % 100 < 1 || v % 100 > 12)
		return -1;
	int64_t m = (v / 100) * 12 + v % 100 - 1;
	return month_ok(m) ? m : -1;
}

/* Drops the partitions of table t that lie wholly in [from_ms, before_ms):
 * each is detached (a short lock of the parent, given up after 5 s outside
 * a caller's transaction), its rows counted into *deleted, and dropped.
 * A table of that name left detached (a crash between the steps) is
 * counted and dropped as well. */
static int part_drop_old(pgc *q, int t, int64_t from_ms, int64_t before_ms, int64_t *deleted)
{
	part_table_row *names = NULL;
	size_t n = 0;
	char pattern[64];
	snprintf(pattern, sizeof pattern, "^%s_p[0-9]{6}$", part_tables[t].table);
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, pattern);
	int rc = pg__rows(q,
			  "SELECT relname, relispartition FROM pg_class WHERE relkind = 'r'"
			  " AND relnamespace = current_schema()::regnamespace AND relname ~ $1"
			  " ORDER BY relname",
			  &p, sizeof *names, part_row, (void **)&names, &n);
	if (rc)
		return rc;
	int own_tx = PQtransactionStatus(q->conn) == PQTRANS_IDLE;
	for (size_t i = 0; i < n && !rc; i++) {
		int64_t m = part_month(t, names[i].name);
		if (m < 0 || month_start_ms(m) < from_ms || month_start_ms(m + 1) > before_ms)
			continue;
		char name[64], sql[512], state[6];
		part_name(name, sizeof name, t, m); /* formatted again from the integers */
		int64_t rows = 0;
		if (names[i].attached) {
			snprintf(sql, sizeof sql, "%sALTER TABLE %s DETACH PARTITION %s%s",
				 own_tx ? "BEGIN; SET LOCAL lock_timeout = '5s'; " : "",
				 part_tables[t].table, name, own_tx ? "; COMMIT" : "");
			if ((rc = ddl(q, sql, state)) != GLOVED_OK) {
				if (own_tx && PQtransactionStatus(q->conn) != PQTRANS_IDLE)
					ddl_rollback(q);
				break;
			}
		}
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", name);
		PGresult *r = PQexec(q->conn, sql);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			rc = pg__fail(q, r, 0);
			break;
		}
		rows = pg__i64(r, 0, 0);
		PQclear(r);
		snprintf(sql, sizeof sql, "DROP TABLE %s", name);
		if ((rc = ddl(q, sql, state)) == GLOVED_OK)
			*deleted += rows;
	}
	free(names);
	return rc;
}

static int pg_retention_delete(store *s, store_retain what, int64_t before_ms, int64_t slice_ms,
			       int64_t *deleted)
{
	static const char *const sql[][4] = {
	    {"DELETE FROM sample WHERE ts >= $1 AND ts < $2"},
	    {"DELETE FROM rollup_minute WHERE bucket >= $1 AND bucket < $2"},
	    {"DELETE FROM rollup_hour WHERE bucket >= $1 AND bucket < $2"},
	    {"DELETE FROM rollup_day WHERE bucket >= $1 AND bucket < $2"},
	    {"DELETE FROM rollup_shift WHERE bucket >= $1 AND bucket < $2",
	     "DELETE FROM rollup_shift_reason WHERE bucket >= $1 AND bucket < $2",
	     "DELETE FROM rollup_shift_worker WHERE bucket >= $1 AND bucket < $2",
	     "DELETE FROM stop_event WHERE start >= $1 AND start < $2"},
	};
	*deleted = 0;
	if ((int)what < 0 || (int)what > STORE_RETAIN_SHIFT)
		return GLOVED_EINVAL;
	int rc = GLOVED_OK;
	if ((int)what < PART_TABLES)
		rc = part_drop_old((pgc *)s, (int)what, before_ms - slice_ms, before_ms, deleted);
	/* the rest of the slice: the month at the boundary, the default */
	for (int i = 0; i < 4 && sql[what][i] && !rc; i++) {
		pg_params p;
		pg__p_init(&p);
		pg__p_i64(&p, before_ms - slice_ms);
		pg__p_i64(&p, before_ms);
		int64_t k = 0;
		rc = pg__run((pgc *)s, sql[what][i], &p, 0, &k);
		if (!rc)
			*deleted += k;
	}
	return rc;
}

static int pg_rebuild_add(store *s, store_rebuild *r)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, r->enterprise_id);
	pg__p_i64(&p, r->day0);
	pg__p_i64(&p, r->day1);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO rebuild_request(enterprise_id, day0, day1, requested_ms)"
			     " VALUES($1, $2, $3, (extract(epoch FROM now()) * 1000)::bigint)"
			     " RETURNING id",
			     &p, &r->id);
}

static int rebuild_row(const PGresult *r, int row, void *dst)
{
	store_rebuild *b = dst;
	b->id = pg__i64(r, row, 0);
	b->enterprise_id = pg__i64(r, row, 1);
	b->day0 = pg__int(r, row, 2);
	b->day1 = pg__int(r, row, 3);
	b->done_ms = pg__i64(r, row, 4);
	pg__text(r, row, 5, b->result, sizeof b->result);
	return GLOVED_OK;
}

static int pg_rebuild_next(store *s, store_rebuild *out)
{
	return pg__one((pgc *)s,
		       "SELECT id, enterprise_id, day0, day1, done_ms, result FROM rebuild_request"
		       " WHERE done_ms = 0 ORDER BY id LIMIT 1",
		       NULL, out, rebuild_row);
}

static int pg_rebuild_get(store *s, int64_t id, store_rebuild *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, id);
	return pg__one((pgc *)s,
		       "SELECT id, enterprise_id, day0, day1, done_ms, result FROM rebuild_request"
		       " WHERE id = $1",
		       &p, out, rebuild_row);
}

static int pg_rebuild_done(store *s, int64_t id, int64_t done_ms, const char *result)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, done_ms);
	pg__p_text(&p, result);
	pg__p_i64(&p, id);
	return pg__run((pgc *)s,
		       "UPDATE rebuild_request SET done_ms = $1, result = $2 WHERE id = $3", &p, 0,
		       NULL);
}

/* ---- several writers (samples.h) ---- */

/* The position of id in the ascending ids[0..n-1], or n. */
static size_t id_at(const int64_t *ids, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids[mid] < id)
			lo = mid + 1;
		else if (ids[mid] > id)
			hi = mid;
		else
			return mid;
	}
	return n;
}

/* One statement: the rows are taken in id order (the array is ascending
 * and the insert reads it in that order), a machine new to the table is
 * inserted at revision 1, an existing one is locked and bumped; two
 * writers whose groups share machines so wait for each other instead of
 * deadlocking. */
static int pg_machines_lock(store *s, const int64_t *ids, size_t n, int64_t *revs)
{
	if (n == 0)
		return GLOVED_OK;
	pg_arr a = {0};
	for (size_t i = 0; i < n; i++) {
		if (i && ids[i] <= ids[i - 1]) {
			pg__arr_free(&a);
			return GLOVED_EINVAL;
		}
		pg__arr_i64(&a, ids[i]);
		revs[i] = 0;
	}
	pg_params p;
	pg__p_init(&p);
	int rc = pg__p_arrays(&p, &a, 1);
	PGresult *r = NULL;
	if (!rc)
		r = pg__exec((pgc *)s,
			     "INSERT INTO machine_rev AS m(machine_id, rev)"
			     " SELECT u.id, 1 FROM unnest($1::bigint[]) WITH ORDINALITY AS u(id, k)"
			     " ORDER BY u.k"
			     " ON CONFLICT(machine_id) DO UPDATE SET rev = m.rev + 1"
			     " RETURNING m.machine_id, m.rev",
			     &p, &rc);
	pg__arr_free(&a);
	if (!r)
		return rc ? rc : GLOVED_EDB;
	int nr = PQntuples(r);
	for (int i = 0; i < nr; i++) {
		size_t k = id_at(ids, n, pg__i64(r, i, 0));
		if (k < n)
			revs[k] = pg__i64(r, i, 1);
	}
	PQclear(r);
	for (size_t i = 0; i < n; i++)
		if (revs[i] <= 0)
			return GLOVED_EDB;
	return GLOVED_OK;
}

typedef struct state_ctx {
	const int64_t *ids;
	size_t n;
	store_machine_state *out;
} state_ctx;

static store_machine_state *state_of(const state_ctx *c, int64_t id)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->ids[i] == id)
			return &c->out[i];
	return NULL;
}

static int pg_machines_state(store *s, const int64_t *ids, const int64_t *day_from,
			     const int64_t *day_to, size_t n, store_machine_state *out)
{
	pgc *q = (pgc *)s;
	if (n == 0)
		return GLOVED_OK;
	state_ctx c = {ids, n, out};
	for (size_t i = 0; i < n; i++)
		out[i].machine_id = ids[i];
	pg_arr a[3] = {{0}, {0}, {0}};
	for (size_t i = 0; i < n; i++) {
		pg__arr_i64(&a[0], ids[i]);
		pg__arr_i64(&a[1], day_from[i]);
		pg__arr_i64(&a[2], day_to[i]);
	}
	pg_params p;
	pg__p_init(&p);
	int rc = pg__p_arrays(&p, a, 3);
	pg_params one; /* the ids alone */
	pg__p_init(&one);
	if (!rc)
		pg__p_text(&one, p.val[0]);
	store_live *lv = NULL;
	store_stop *st = NULL;
	size_t nl = 0, ns = 0;
	PGresult *r = NULL;
	if (!rc)
		rc = pg__rows(q,
			      "SELECT machine_id, last_ts, count, reject, state, reason, since_ts,"
			      " st_ts, st_state, st_reason FROM machine_live"
			      " WHERE machine_id = ANY($1::bigint[])",
			      &one, sizeof *lv, live_row, (void **)&lv, &nl);
	if (!rc)
		rc = pg__rows(q,
			      /* the newest of each by its key, not every stop a machine had */
			      "SELECT x.* FROM unnest($1::bigint[]) AS u(id) CROSS JOIN LATERAL"
			      " (SELECT " PG_STOP_COLS " FROM stop_event WHERE machine_id = u.id"
			      " ORDER BY start DESC LIMIT 1) x",
			      &one, sizeof *st, pg__stop_row, (void **)&st, &ns);
	if (!rc)
		r = pg__exec(q,
			     "SELECT u.id, sum(d.good), sum(d.reject)"
			     " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS u(id, f, t)"
			     " JOIN rollup_day d ON d.machine_id = u.id AND d.bucket >= u.f"
			     " AND d.bucket < u.t GROUP BY u.id",
			     &p, &rc);
	for (size_t i = 0; !rc && i < nl; i++) {
		store_machine_state *m = state_of(&c, lv[i].machine_id);
		if (m) {
			m->has_live = 1;
			m->live = lv[i];
		}
	}
	for (size_t i = 0; !rc && i < ns; i++) {
		store_machine_state *m = state_of(&c, st[i].machine_id);
		if (m) {
			m->has_stop = 1;
			m->stop = st[i];
		}
	}
	for (int i = 0; r && i < PQntuples(r); i++) {
		store_machine_state *m = state_of(&c, pg__i64(r, i, 0));
		if (m) {
			m->good = pg__i64(r, i, 1);
			m->reject = pg__i64(r, i, 2);
		}
	}
	PQclear(r);
	free(lv);
	free(st);
	for (int i = 0; i < 3; i++)
		pg__arr_free(&a[i]);
	return rc;
}

static int pg_notify(store *s, const char *payload)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, payload);
	return pg__run((pgc *)s, "SELECT pg_notify('gloved_live', $1)", &p, 0, NULL);
}

const store_samples_ops pg__samples_ops = {
    .version = STORE_SAMPLES_VERSION,
    .sample_insert = pg_sample_insert,
    .sample_update_delta = pg_sample_update_delta,
    .sample_get = pg_sample_get,
    .sample_mark = pg_sample_mark,
    .rollup_add = pg_rollup_add,
    .live_put = pg_live_put,
    .live_list = pg_live_list,
    .samples_range = pg_samples_range,
    .samples_newest = pg_samples_newest,
    .samples_oldest = pg_samples_oldest,
    .dirty_day_mark = pg_dirty_day_mark,
    .dirty_day_clear_all = pg_dirty_day_clear_all,
    .dirty_day_list = pg_dirty_day_list,
    .output = pg_output,
    .machine_totals = pg_machine_totals,
    .rollup_delete = pg_rollup_delete,
    .retention_delete = pg_retention_delete,
    .rebuild_add = pg_rebuild_add,
    .rebuild_next = pg_rebuild_next,
    .rebuild_get = pg_rebuild_get,
    .rebuild_done = pg_rebuild_done,
    .samples_insert = pg_samples_insert,
    .rollups_add = pg_rollups_add,
    .machines_lock = pg_machines_lock,
    .machines_state = pg_machines_state,
    .notify = pg_notify,
    .sample_before = pg_sample_before,
    .partitions_ensure = pg_partitions_ensure,
    .samples_range_of = pg_samples_range_of,
    .lives_put = pg_lives_put,
};
