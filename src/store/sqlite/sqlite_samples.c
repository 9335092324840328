/* SPDX-License-Identifier: Apache-2.0 */
/* sqlite_samples.c: the SQLite side of store/samples.h: samples and the
 * minute/hour/day rollups (hot statements prepared once per connection:
 * the ingest path), the persisted live state, the dirty days of deferred
 * rollups, the output queries, and the time series' life cycle: rebuild
 * deletes, retention and the rebuild request queue. The rollup adds are
 * upserts that add, so the writer never reads before it writes. */
#include "store/sqlite/sqlite_int.h"
#include "util/buf.h"
#include "util/err.h"

#include <stdio.h>

#define TEXT(i, f) sqlite__text_col(st, i, f, sizeof f)

static const char *const rollup_table[STORE_LEVELS] = {"rollup_minute", "rollup_hour",
						       "rollup_day"};

static int level_ok(store_level lvl)
{
	return (int)lvl >= 0 && (int)lvl < STORE_LEVELS;
}

/* ---- ingest (hot, prepared once) ---- */

static int sq_sample_insert(store *s, const store_sample *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__hot(
	    q, SQ_HOT_SAMPLE_INSERT,
	    "INSERT OR IGNORE INTO sample(ts, machine_id, count, reject, d_good, d_reject, state,"
	    " reason, worker, flags) VALUES(?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, x->ts_ms);
	sqlite3_bind_int64(st, 2, x->machine_id);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)x->count);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)x->reject);
	sqlite3_bind_int64(st, 5, x->d_good);
	sqlite3_bind_int64(st, 6, x->d_reject);
	sqlite3_bind_int(st, 7, x->state);
	if (x->reason[0])
		sqlite3_bind_text(st, 8, x->reason, -1, SQLITE_STATIC);
	if (x->worker[0])
		sqlite3_bind_text(st, 9, x->worker, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 10, x->flags);
	return sqlite__step_hot(q, st);
}

/* The text of a hot statement of SQ_RUN rows: head, SQ_RUN times the
 * row's placeholders (comma-separated), tail. */
static sqlite3_stmt *hot_run(sq *q, int i, const char *head, const char *row, const char *tail)
{
	if (q->hot[i])
		return q->hot[i];
	char sql[2048];
	size_t len = 0;
	int n = snprintf(sql, sizeof sql, "%s", head);
	for (int k = 0; n >= 0 && (size_t)n < sizeof sql - len && k <= SQ_RUN; k++) {
		len += (size_t)n;
		if (k == SQ_RUN)
			n = snprintf(sql + len, sizeof sql - len, "%s", tail);
		else
			n = snprintf(sql + len, sizeof sql - len, "%s%s", k ? "," : "", row);
	}
	if (n < 0 || (size_t)n >= sizeof sql - len)
		return NULL;
	return sqlite__hot(q, i, sql);
}

static void bind_sample(sqlite3_stmt *st, int b, const store_sample *x)
{
	sqlite3_bind_int64(st, b + 1, x->ts_ms);
	sqlite3_bind_int64(st, b + 2, x->machine_id);
	sqlite3_bind_int64(st, b + 3, (sqlite3_int64)x->count);
	sqlite3_bind_int64(st, b + 4, (sqlite3_int64)x->reject);
	sqlite3_bind_int64(st, b + 5, x->d_good);
	sqlite3_bind_int64(st, b + 6, x->d_reject);
	sqlite3_bind_int(st, b + 7, x->state);
	if (x->reason[0])
		sqlite3_bind_text(st, b + 8, x->reason, -1, SQLITE_STATIC);
	if (x->worker[0])
		sqlite3_bind_text(st, b + 9, x->worker, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, b + 10, x->flags);
}

/* Runs of SQ_RUN samples in one statement, the rest one by one. */
static int sq_samples_insert(store *s, const store_sample *x, size_t n)
{
	sq *q = (sq *)s;
	size_t i = 0;
	if (n >= SQ_RUN) {
		sqlite3_stmt *st =
		    hot_run(q, SQ_HOT_SAMPLE_INSERT_RUN,
			    "INSERT OR IGNORE INTO sample(ts, machine_id, count, reject, d_good,"
			    " d_reject, state, reason, worker, flags) VALUES",
			    "(?,?,?,?,?,?,?,?,?,?)", "");
		if (!st)
			return GLOVED_EDB;
		for (; i + SQ_RUN <= n; i += SQ_RUN) {
			for (int k = 0; k < SQ_RUN; k++)
				bind_sample(st, k * 10, &x[i + (size_t)k]);
			int rc = sqlite__step_hot(q, st);
			if (rc)
				return rc;
		}
	}
	for (; i < n; i++) {
		int rc = sq_sample_insert(s, &x[i]);
		if (rc)
			return rc;
	}
	return GLOVED_OK;
}

static int sq_sample_update_delta(store *s, int64_t machine_id, int64_t ts_ms, int64_t d_good,
				  int64_t d_reject)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__hot(
	    q, SQ_HOT_SAMPLE_UPDATE,
	    "UPDATE sample SET d_good = ?, d_reject = ? WHERE ts = ? AND machine_id = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, d_good);
	sqlite3_bind_int64(st, 2, d_reject);
	sqlite3_bind_int64(st, 3, ts_ms);
	sqlite3_bind_int64(st, 4, machine_id);
	return sqlite__step_hot(q, st);
}

static int sq_rollup_add(store *s, store_level lvl, int64_t bucket_ms, int64_t machine_id,
			 int64_t enterprise_id, int64_t workshop_id, int64_t d_good,
			 int64_t d_reject)
{
	static const char *const sql[STORE_LEVELS] = {
	    "INSERT INTO rollup_minute(bucket, machine_id, enterprise_id, workshop_id, good, "
	    "reject)"
	    " VALUES(?,?,?,?,?,?) ON CONFLICT(bucket, machine_id) DO UPDATE SET"
	    " good = good + excluded.good, reject = reject + excluded.reject",
	    "INSERT INTO rollup_hour(bucket, machine_id, enterprise_id, workshop_id, good, reject)"
	    " VALUES(?,?,?,?,?,?) ON CONFLICT(bucket, machine_id) DO UPDATE SET"
	    " good = good + excluded.good, reject = reject + excluded.reject",
	    "INSERT INTO rollup_day(bucket, machine_id, enterprise_id, workshop_id, good, reject)"
	    " VALUES(?,?,?,?,?,?) ON CONFLICT(bucket, machine_id) DO UPDATE SET"
	    " good = good + excluded.good, reject = reject + excluded.reject",
	};
	sq *q = (sq *)s;
	if (!level_ok(lvl))
		return GLOVED_EINVAL;
	sqlite3_stmt *st = sqlite__hot(q, SQ_HOT_ROLLUP_MIN + (int)lvl, sql[lvl]);
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, bucket_ms);
	sqlite3_bind_int64(st, 2, machine_id);
	sqlite3_bind_int64(st, 3, enterprise_id);
	sqlite3_bind_int64(st, 4, workshop_id);
	sqlite3_bind_int64(st, 5, d_good);
	sqlite3_bind_int64(st, 6, d_reject);
	return sqlite__step_hot(q, st);
}

static int sq_rollups_add(store *s, store_level lvl, const store_rollup_delta *rows, size_t n)
{
	static const char *const head[STORE_LEVELS] = {
	    "INSERT INTO rollup_minute(bucket, machine_id, enterprise_id, workshop_id, good, "
	    "reject) VALUES",
	    "INSERT INTO rollup_hour(bucket, machine_id, enterprise_id, workshop_id, good, reject)"
	    " VALUES",
	    "INSERT INTO rollup_day(bucket, machine_id, enterprise_id, workshop_id, good, reject)"
	    " VALUES",
	};
	sq *q = (sq *)s;
	if (!level_ok(lvl))
		return GLOVED_EINVAL;
	size_t i = 0;
	if (n >= SQ_RUN) {
		/* rows of one key in one run: the later ones take the ON CONFLICT
		 * branch against the row the earlier one just inserted */
		sqlite3_stmt *st =
		    hot_run(q, SQ_HOT_ROLLUP_MIN_RUN + (int)lvl, head[lvl], "(?,?,?,?,?,?)",
			    " ON CONFLICT(bucket, machine_id) DO UPDATE SET"
			    " good = good + excluded.good, reject = reject + excluded.reject");
		if (!st)
			return GLOVED_EDB;
		for (; i + SQ_RUN <= n; i += SQ_RUN) {
			for (int k = 0; k < SQ_RUN; k++) {
				const store_rollup_delta *r = &rows[i + (size_t)k];
				int b = k * 6;
				sqlite3_bind_int64(st, b + 1, r->bucket_ms);
				sqlite3_bind_int64(st, b + 2, r->machine_id);
				sqlite3_bind_int64(st, b + 3, r->enterprise_id);
				sqlite3_bind_int64(st, b + 4, r->workshop_id);
				sqlite3_bind_int64(st, b + 5, r->good);
				sqlite3_bind_int64(st, b + 6, r->reject);
			}
			int rc = sqlite__step_hot(q, st);
			if (rc)
				return rc;
		}
	}
	for (; i < n; i++) {
		const store_rollup_delta *r = &rows[i];
		int rc = sq_rollup_add(s, lvl, r->bucket_ms, r->machine_id, r->enterprise_id,
				       r->workshop_id, r->good, r->reject);
		if (rc)
			return rc;
	}
	return GLOVED_OK;
}

static int sq_live_put(store *s, const store_live *l)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__hot(
	    q, SQ_HOT_LIVE_PUT,
	    "INSERT INTO machine_live(machine_id, last_ts, count, reject, state, reason, since_ts,"
	    " st_ts, st_state, st_reason)"
	    " VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(machine_id) DO UPDATE SET"
	    " last_ts = excluded.last_ts,"
	    " count = excluded.count, reject = excluded.reject, state = excluded.state,"
	    " reason = excluded.reason, since_ts = excluded.since_ts, st_ts = excluded.st_ts,"
	    " st_state = excluded.st_state, st_reason = excluded.st_reason");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, l->machine_id);
	sqlite3_bind_int64(st, 2, l->last_ts);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)l->count);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)l->reject);
	sqlite3_bind_int(st, 5, l->state);
	sqlite3_bind_text(st, 6, l->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, l->since_ts);
	sqlite3_bind_int64(st, 8, l->st_ts);
	sqlite3_bind_int(st, 9, l->st_state);
	sqlite3_bind_text(st, 10, l->st_reason, -1, SQLITE_STATIC);
	return sqlite__step_hot(q, st);
}

static int sq_lives_put(store *s, const store_live *l, size_t n)
{
	int rc = GLOVED_OK;
	for (size_t i = 0; i < n && !rc; i++)
		rc = sq_live_put(s, &l[i]);
	return rc;
}

static int live_row(sqlite3_stmt *st, void *dst)
{
	store_live *l = dst;
	l->machine_id = sqlite3_column_int64(st, 0);
	l->last_ts = sqlite3_column_int64(st, 1);
	l->count = (uint64_t)sqlite3_column_int64(st, 2);
	l->reject = (uint64_t)sqlite3_column_int64(st, 3);
	l->state = sqlite3_column_int(st, 4);
	TEXT(5, l->reason);
	l->since_ts = sqlite3_column_int64(st, 6);
	l->st_ts = sqlite3_column_int64(st, 7);
	l->st_state = sqlite3_column_int(st, 8);
	TEXT(9, l->st_reason);
	return GLOVED_OK;
}

static int sq_live_list(store *s, store_live **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__prep(q, "SELECT machine_id, last_ts, count, reject, state, reason,"
			    " since_ts, st_ts, st_state, st_reason FROM machine_live");
	return sqlite__rows(q, st, sizeof **out, live_row, (void **)out, n);
}

/* ---- samples ---- */

/* A sample of columns ts, machine_id, count, reject, d_good, d_reject,
 * state, reason, worker, flags. */
static int sample_row(sqlite3_stmt *st, void *dst)
{
	store_sample *x = dst;
	x->ts_ms = sqlite3_column_int64(st, 0);
	x->machine_id = sqlite3_column_int64(st, 1);
	x->count = (uint64_t)sqlite3_column_int64(st, 2);
	x->reject = (uint64_t)sqlite3_column_int64(st, 3);
	x->d_good = sqlite3_column_int64(st, 4);
	x->d_reject = sqlite3_column_int64(st, 5);
	x->state = sqlite3_column_int(st, 6);
	TEXT(7, x->reason);
	TEXT(8, x->worker);
	x->flags = sqlite3_column_int(st, 9);
	return GLOVED_OK;
}

#define SAMPLE_COLS                                                                                \
	"ts, machine_id, count, reject, d_good, d_reject, state, coalesce(reason, ''),"            \
	" coalesce(worker, ''), flags"

/* Stays a callback (not sqlite__rows): a range can hold millions of
 * samples, which the caller folds one by one. */
static int sq_samples_range(store *s, int64_t from_ms, int64_t to_ms,
			    int (*cb)(void *ctx, const store_sample *x), void *ctx)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "SELECT " SAMPLE_COLS " FROM sample"
					   " WHERE ts >= ? AND ts <= ? ORDER BY ts, machine_id");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, from_ms);
	sqlite3_bind_int64(st, 2, to_ms);
	int rc, r = GLOVED_OK;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_sample x = {0};
		sample_row(st, &x);
		if ((r = cb(ctx, &x)) != 0)
			break;
	}
	if (!r && rc != SQLITE_DONE)
		r = sqlite__fail(q, rc);
	sqlite3_finalize(st);
	return r;
}

/* The machines go in as one JSON array bound as text (json_each): a
 * statement of one shape whatever their number. */
static int sq_samples_range_of(store *s, int64_t from_ms, int64_t to_ms, const int64_t *ids,
			       size_t n, int (*cb)(void *ctx, const store_sample *x), void *ctx)
{
	sq *q = (sq *)s;
	buf ids_json;
	buf_init(&ids_json, 0);
	int r = buf_puts(&ids_json, "[");
	for (size_t i = 0; i < n && !r; i++)
		r = buf_printf(&ids_json, i ? ",%lld" : "%lld", (long long)ids[i]);
	if (r || (r = buf_puts(&ids_json, "]"))) {
		buf_free(&ids_json);
		return GLOVED_ENOMEM;
	}
	sqlite3_stmt *st =
	    sqlite__prep(q, "SELECT " SAMPLE_COLS " FROM sample"
			    " WHERE ts >= ? AND ts <= ? AND machine_id IN"
			    " (SELECT value FROM json_each(?)) ORDER BY ts, machine_id");
	if (!st) {
		buf_free(&ids_json);
		return GLOVED_EDB;
	}
	sqlite3_bind_int64(st, 1, from_ms);
	sqlite3_bind_int64(st, 2, to_ms);
	sqlite3_bind_text(st, 3, ids_json.data, (int)ids_json.len, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_sample x = {0};
		sample_row(st, &x);
		if ((r = cb(ctx, &x)) != 0)
			break;
	}
	if (!r && rc != SQLITE_DONE)
		r = sqlite__fail(q, rc);
	sqlite3_finalize(st);
	buf_free(&ids_json);
	return r;
}

static int sq_sample_get(store *s, int64_t machine_id, int64_t ts_ms, store_sample *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " SAMPLE_COLS " FROM sample"
					     " WHERE ts = ? AND machine_id = ?");
	if (st) {
		sqlite3_bind_int64(st, 1, ts_ms);
		sqlite3_bind_int64(st, 2, machine_id);
	}
	return sqlite__one(q, st, out, sample_row);
}

static int sq_sample_before(store *s, int64_t machine_id, int64_t ts_ms, store_sample *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__cached(q, "SELECT " SAMPLE_COLS " FROM sample"
					     " WHERE ts < ? AND machine_id = ? AND flags & 1 = 0"
					     " ORDER BY ts DESC LIMIT 1");
	if (st) {
		sqlite3_bind_int64(st, 1, ts_ms);
		sqlite3_bind_int64(st, 2, machine_id);
	}
	return sqlite__one(q, st, out, sample_row);
}

static int sq_sample_mark(store *s, const store_sample *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__cached(q, "INSERT OR IGNORE INTO sample(ts, machine_id, count,"
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

static int int64_row(sqlite3_stmt *st, void *dst)
{
	*(int64_t *)dst = sqlite3_column_int64(st, 0);
	return GLOVED_OK;
}

/* The one value of an aggregate query without parameters into *out. */
static int scalar(sq *q, const char *sql, int64_t *out)
{
	*out = 0;
	return sqlite__one(q, sqlite__prep(q, sql), out, int64_row);
}

static int sq_samples_newest(store *s, int64_t *out)
{
	return scalar((sq *)s, "SELECT coalesce(max(ts), 0) FROM sample", out);
}

static int sq_samples_oldest(store *s, int64_t *out)
{
	return scalar((sq *)s, "SELECT coalesce(min(ts), 0) FROM sample", out);
}

/* ---- deferred rollups ---- */

static int sq_dirty_day_mark(store *s, int64_t enterprise_id, int64_t day_ms, int64_t next_day_ms)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "INSERT OR IGNORE INTO rollup_dirty_day(enterprise_id,"
					   " day, next_day) VALUES(?,?,?)");
	if (st) {
		sqlite3_bind_int64(st, 1, enterprise_id);
		sqlite3_bind_int64(st, 2, day_ms);
		sqlite3_bind_int64(st, 3, next_day_ms);
	}
	return sqlite__run(q, st);
}

static int sq_dirty_day_clear_all(store *s)
{
	return sqlite__simple((sq *)s, "DELETE FROM rollup_dirty_day");
}

static int dirty_day_row(sqlite3_stmt *st, void *dst)
{
	store_dirty_day *p = dst;
	p->enterprise_id = sqlite3_column_int64(st, 0);
	p->day_ms = sqlite3_column_int64(st, 1);
	p->next_day_ms = sqlite3_column_int64(st, 2);
	return GLOVED_OK;
}

static int sq_dirty_day_list(store *s, store_dirty_day **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "SELECT enterprise_id, day, next_day FROM"
					   " rollup_dirty_day ORDER BY enterprise_id, day");
	return sqlite__rows(q, st, sizeof **out, dirty_day_row, (void **)out, n);
}

/* ---- queries ---- */

/* The rows of a rollup query through row(): sql uses ?1 (from) and ?2
 * (to) and, as it needs them, ?3 (firm), ?4 (workshop), ?5 (machine),
 * bound from v. */
static int rollup_rows(sq *q, const char *sql, const int64_t v[5], size_t elem, sqlite__row_fn row,
		       void **out, size_t *n)
{
	sqlite3_stmt *st = sqlite__prep(q, sql);
	int np = st ? sqlite3_bind_parameter_count(st) : 0;
	for (int i = 0; i < np && i < 5; i++)
		sqlite3_bind_int64(st, i + 1, v[i]);
	return sqlite__rows(q, st, elem, row, out, n);
}

static int bucket_row(sqlite3_stmt *st, void *dst)
{
	store_bucket *b = dst;
	b->ts_ms = sqlite3_column_int64(st, 0);
	b->good = sqlite3_column_int64(st, 1);
	b->reject = sqlite3_column_int64(st, 2);
	return GLOVED_OK;
}

static int sq_output(store *s, store_scope sc, store_level lvl, int64_t enterprise_id,
		     int64_t workshop_id, int64_t machine_id, int64_t from_ms, int64_t to_ms,
		     store_bucket **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	if (!level_ok(lvl))
		return GLOVED_EINVAL;
	char sql[512];
	/* only the predicates an index serves lead: one machine (machine_id,
	 * bucket), one firm (enterprise_id, bucket), else the bucket */
	int64_t ent = sqlite__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	snprintf(sql, sizeof sql,
		 "SELECT bucket, sum(good), sum(reject) FROM %s WHERE %s bucket >= ?1 AND"
		 " bucket < ?2%s%s GROUP BY bucket HAVING sum(good) != 0 OR sum(reject) != 0"
		 " ORDER BY bucket",
		 rollup_table[lvl],
		 machine_id ? "machine_id = ?5 AND"
		 : ent      ? "enterprise_id = ?3 AND"
			    : "",
		 machine_id && ent ? " AND enterprise_id = ?3" : "",
		 workshop_id ? " AND workshop_id = ?4" : "");
	const int64_t v[] = {from_ms, to_ms, ent, workshop_id, machine_id};
	return rollup_rows(q, sql, v, sizeof **out, bucket_row, (void **)out, n);
}

static int machine_total_row(sqlite3_stmt *st, void *dst)
{
	store_machine_total *t = dst;
	t->machine_id = sqlite3_column_int64(st, 0);
	t->good = sqlite3_column_int64(st, 1);
	t->reject = sqlite3_column_int64(st, 2);
	return GLOVED_OK;
}

static int sq_machine_totals(store *s, store_scope sc, store_level lvl, int64_t from_ms,
			     int64_t to_ms, store_machine_total **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	if (!level_ok(lvl))
		return GLOVED_EINVAL;
	char sql[384];
	snprintf(sql, sizeof sql,
		 "SELECT machine_id, sum(good), sum(reject) FROM %s WHERE %s bucket >= ?1 AND"
		 " bucket < ?2 GROUP BY machine_id",
		 rollup_table[lvl], sc.enterprise_id ? "enterprise_id = ?3 AND" : "");
	const int64_t v[] = {from_ms, to_ms, sc.enterprise_id, 0, 0};
	return rollup_rows(q, sql, v, sizeof **out, machine_total_row, (void **)out, n);
}

/* ---- rebuild and retention ---- */

static int sq_rollup_delete(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
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

static int sq_retention_delete(store *s, store_retain what, int64_t before_ms, int64_t slice_ms,
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
			*deleted += sqlite3_changes(q->db);
	}
	return rc;
}

static int sq_rebuild_add(store *s, store_rebuild *r)
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
		r->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int rebuild_row(sqlite3_stmt *st, void *dst)
{
	store_rebuild *r = dst;
	r->id = sqlite3_column_int64(st, 0);
	r->enterprise_id = sqlite3_column_int64(st, 1);
	r->day0 = sqlite3_column_int(st, 2);
	r->day1 = sqlite3_column_int(st, 3);
	r->done_ms = sqlite3_column_int64(st, 4);
	TEXT(5, r->result);
	return GLOVED_OK;
}

static int sq_rebuild_next(store *s, store_rebuild *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__prep(q, "SELECT id, enterprise_id, day0, day1, done_ms, result"
			    " FROM rebuild_request WHERE done_ms = 0 ORDER BY id LIMIT 1");
	return sqlite__one(q, st, out, rebuild_row);
}

static int sq_rebuild_get(store *s, int64_t id, store_rebuild *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "SELECT id, enterprise_id, day0, day1, done_ms, result"
					   " FROM rebuild_request WHERE id = ?");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	return sqlite__one(q, st, out, rebuild_row);
}

static int sq_rebuild_done(store *s, int64_t id, int64_t done_ms, const char *result)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__prep(q, "UPDATE rebuild_request SET done_ms = ?, result = ? WHERE id = ?");
	if (st) {
		sqlite3_bind_int64(st, 1, done_ms);
		sqlite3_bind_text(st, 2, result, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, id);
	}
	return sqlite__run(q, st);
}

const store_samples_ops sqlite__samples_ops = {
    .version = STORE_SAMPLES_VERSION,
    .sample_insert = sq_sample_insert,
    .sample_update_delta = sq_sample_update_delta,
    .sample_get = sq_sample_get,
    .sample_mark = sq_sample_mark,
    .rollup_add = sq_rollup_add,
    .live_put = sq_live_put,
    .live_list = sq_live_list,
    .samples_range = sq_samples_range,
    .samples_newest = sq_samples_newest,
    .samples_oldest = sq_samples_oldest,
    .dirty_day_mark = sq_dirty_day_mark,
    .dirty_day_clear_all = sq_dirty_day_clear_all,
    .dirty_day_list = sq_dirty_day_list,
    .output = sq_output,
    .machine_totals = sq_machine_totals,
    .rollup_delete = sq_rollup_delete,
    .retention_delete = sq_retention_delete,
    .rebuild_add = sq_rebuild_add,
    .rebuild_next = sq_rebuild_next,
    .rebuild_get = sq_rebuild_get,
    .rebuild_done = sq_rebuild_done,
    .samples_insert = sq_samples_insert,
    .rollups_add = sq_rollups_add,
    .sample_before = sq_sample_before,
    .samples_range_of = sq_samples_range_of,
    .lives_put = sq_lives_put,
};
