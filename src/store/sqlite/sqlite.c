/* SPDX-License-Identifier: Apache-2.0 */
/* sqlite.c: the SQLite backend of the store (store_int.h). WAL mode so
 * readers run beside the one writer; hot statements (samples, rollups,
 * live state) are prepared once per connection. Tables are time-first
 * (ts, machine) WITHOUT ROWID so that appends touch the end of the B-trees.
 * Schema migrations live in migrations.c and run when a write connection
 * opens. Every read takes a store_scope and filters by enterprise in SQL. */
#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	ST_SAMPLE_INSERT,
	ST_SAMPLE_UPDATE,
	ST_ROLLUP_MIN,
	ST_ROLLUP_HOUR,
	ST_ROLLUP_DAY,
	ST_LIVE_PUT,
	ST_COUNT
};

static const char *const hot_sql[ST_COUNT] = {
    "INSERT OR IGNORE INTO sample(ts, machine_id, count, reject, d_good, d_reject, state,"
    " reason, worker, flags) VALUES(?,?,?,?,?,?,?,?,?,?)",
    "UPDATE sample SET d_good = ?, d_reject = ? WHERE ts = ? AND machine_id = ?",
    "INSERT INTO rollup_minute(bucket, machine_id, enterprise_id, workshop_id, good, reject)"
    " VALUES(?,?,?,?,?,?) ON CONFLICT(bucket, machine_id) DO UPDATE SET"
    " good = good + excluded.good, reject = reject + excluded.reject",
    "INSERT INTO rollup_hour(bucket, machine_id, enterprise_id, workshop_id, good, reject)"
    " VALUES(?,?,?,?,?,?) ON CONFLICT(bucket, machine_id) DO UPDATE SET"
    " good = good + excluded.good, reject = reject + excluded.reject",
    "INSERT INTO rollup_day(bucket, machine_id, enterprise_id, workshop_id, good, reject)"
    " VALUES(?,?,?,?,?,?) ON CONFLICT(bucket, machine_id) DO UPDATE SET"
    " good = good + excluded.good, reject = reject + excluded.reject",
    "INSERT INTO machine_live(machine_id, last_ts, count, reject, state, reason, since_ts,"
    " st_ts, st_state, st_reason)"
    " VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(machine_id) DO UPDATE SET"
    " last_ts = excluded.last_ts,"
    " count = excluded.count, reject = excluded.reject, state = excluded.state,"
    " reason = excluded.reason, since_ts = excluded.since_ts, st_ts = excluded.st_ts,"
    " st_state = excluded.st_state, st_reason = excluded.st_reason",
};

struct sq {
	store base;
	sqlite3 *db;
	sqlite3_stmt *hot[ST_COUNT];
	sqlite3_stmt *ahot[SQ_AHOT_COUNT]; /* sqlite_analytics.c */
	/* statements of fixed text prepared once (sqlite__cached), keyed by the
	 * text's address (string literals) */
	const char *cache_sql[SQ_CACHE];
	sqlite3_stmt *cache_st[SQ_CACHE];
	char err[256];
};

static const store_ops sqlite_ops;

static int fail(sq *q, int rc)
{
	snprintf(q->err, sizeof q->err, "%s", sqlite3_errmsg(q->db));
	if (rc == SQLITE_CONSTRAINT)
		return GLOVED_EEXIST;
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return GLOVED_EBUSY;
	if (rc == SQLITE_NOMEM)
		return GLOVED_ENOMEM;
	if (rc == SQLITE_IOERR || rc == SQLITE_FULL || rc == SQLITE_CANTOPEN)
		return GLOVED_EIO;
	return GLOVED_EDB;
}

int sqlite__exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return GLOVED_EDB;
	}
	return GLOVED_OK;
}

static void sq_close(store *s)
{
	sq *q = (sq *)s;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(q->hot[i]);
	sqlite__analytics_close(q->ahot);
	for (int i = 0; i < SQ_CACHE; i++)
		sqlite3_finalize(q->cache_st[i]);
	sqlite3_close_v2(q->db);
	free(q);
}

static const char *sq_errmsg(store *s)
{
	return ((sq *)s)->err;
}

static sqlite3_stmt *prep(sq *q, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(q->err, sizeof q->err, "%s", sqlite3_errmsg(q->db));
		return NULL;
	}
	return st;
}

static void text_col(sqlite3_stmt *st, int col, char *dst, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t len = t ? strlen((const char *)t) : 0;
	if (len >= n)
		len = n - 1;
	if (len)
		memcpy(dst, t, len);
	dst[len] = '\0';
}

int store__sqlite_open(const char *path, store_mode mode, const store_options *opt, store **out)
{
	int rc = GLOVED_EDB;
	sq *q = calloc(1, sizeof *q);
	if (!q)
		return GLOVED_ENOMEM;
	q->base.ops = &sqlite_ops;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	if (mode == STORE_WRITE)
		flags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &q->db, flags, NULL) != SQLITE_OK) {
		rc = GLOVED_EIO;
		goto out;
	}
	sqlite3_busy_timeout(q->db, 10000);
	sqlite3_extended_result_codes(q->db, 0);
	char err[200];
	if (sqlite__exec(q->db, "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;", err,
			 sizeof err))
		goto out;
	if (mode == STORE_WRITE) {
		/* a 64 MiB page cache keeps the rollup and index pages the writer
		 * revisits in memory */
		if (sqlite__exec(q->db, "PRAGMA journal_mode = WAL; PRAGMA cache_size = -65536;",
				 err, sizeof err))
			goto out;
		if (sqlite__exec(q->db,
				 opt && !opt->sync_full ? "PRAGMA synchronous = NORMAL;"
							: "PRAGMA synchronous = FULL;",
				 err, sizeof err))
			goto out;
		if (sqlite__migrate(q->db, err, sizeof err)) {
			snprintf(q->err, sizeof q->err, "migration failed: %s", err);
			rc = GLOVED_EDB;
			goto out;
		}
		for (int i = 0; i < ST_COUNT; i++) {
			if (!(q->hot[i] = prep(q, hot_sql[i])))
				goto out;
		}
	} else {
		int v = 0;
		if (sqlite__user_version(q->db, &v) || v == 0) {
			rc = GLOVED_ENOTFOUND; /* no schema: the database was never created */
			goto out;
		}
	}
	rc = GLOVED_OK;
out:
	if (rc) {
		if (q->db)
			fprintf(stderr, "store: %s: %s\n", path,
				q->err[0] ? q->err : sqlite3_errmsg(q->db));
		sq_close(&q->base);
		return rc;
	}
	*out = &q->base;
	return GLOVED_OK;
}

static int sq_schema_version(store *s, int *out)
{
	return sqlite__user_version(((sq *)s)->db, out);
}

static int simple(store *s, const char *sql)
{
	sq *q = (sq *)s;
	int rc = sqlite3_exec(q->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? GLOVED_OK : fail(q, rc);
}

static int sq_begin(store *s)
{
	return simple(s, "BEGIN IMMEDIATE");
}
static int sq_commit(store *s)
{
	return simple(s, "COMMIT");
}
static int sq_rollback(store *s)
{
	return simple(s, "ROLLBACK");
}

/* Runs a prepared one-shot statement to completion and finalizes it. */
static int run(sq *q, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	int r = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? GLOVED_OK : fail(q, rc);
	sqlite3_finalize(st);
	return r;
}

/* Grows a malloc'd array by one element. */
static void *grow(void **arr, size_t *n, size_t *cap, size_t elem)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		void *p = realloc(*arr, nc * elem);
		if (!p)
			return NULL;
		*arr = p;
		*cap = nc;
	}
	return (char *)*arr + (*n)++ * elem;
}

/* The helpers above for sqlite_analytics.c. */
sqlite3_stmt *sqlite__prep(sq *q, const char *sql)
{
	return prep(q, sql);
}
int sqlite__run(sq *q, sqlite3_stmt *st)
{
	return run(q, st);
}
void *sqlite__grow(void **arr, size_t *n, size_t *cap, size_t elem)
{
	return grow(arr, n, cap, elem);
}
int sqlite__fail(sq *q, int rc)
{
	return fail(q, rc);
}
void sqlite__text_col(sqlite3_stmt *st, int col, char *dst, size_t n)
{
	text_col(st, col, dst, n);
}
sqlite3 *sqlite__db(sq *q)
{
	return q->db;
}
sqlite3_stmt **sqlite__ahot(sq *q)
{
	return q->ahot;
}

sqlite3_stmt *sqlite__cached(sq *q, const char *sql)
{
	int free_slot = -1;
	for (int i = 0; i < SQ_CACHE; i++) {
		if (q->cache_sql[i] == sql)
			return q->cache_st[i];
		if (!q->cache_sql[i] && free_slot < 0)
			free_slot = i;
	}
	sqlite3_stmt *st = prep(q, sql);
	if (st && free_slot >= 0) {
		q->cache_sql[free_slot] = sql;
		q->cache_st[free_slot] = st;
	}
	return st;
}

void sqlite__release(sq *q, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (int i = 0; i < SQ_CACHE; i++) {
		if (q->cache_st[i] == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	}
	sqlite3_finalize(st);
}

/* ---- registry ---- */

static int sq_enterprise_add(store *s, store_scope sc, store_enterprise *e)
{
	sq *q = (sq *)s;
	if (sc.enterprise_id)
		return GLOVED_EPERM;
	sqlite3_stmt *st = prep(q, "INSERT INTO enterprise(code, name, town) VALUES(?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_text(st, 1, e->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->town, -1, SQLITE_STATIC);
	int rc = run(q, st);
	if (!rc)
		e->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static void row_enterprise(sqlite3_stmt *st, store_enterprise *e)
{
	e->id = sqlite3_column_int64(st, 0);
	text_col(st, 1, e->code, sizeof e->code);
	text_col(st, 2, e->name, sizeof e->name);
	text_col(st, 3, e->town, sizeof e->town);
}

static int sq_enterprise_list(store *s, store_scope sc, store_enterprise **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = prep(q, "SELECT id, code, name, town FROM enterprise"
				   " WHERE (?1 = 0 OR id = ?1) ORDER BY code");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, sc.enterprise_id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_enterprise *e = grow((void **)out, n, &cap, sizeof **out);
		if (!e) {
			sqlite3_finalize(st);
			return GLOVED_ENOMEM;
		}
		row_enterprise(st, e);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? GLOVED_OK : fail(q, rc);
}

static int sq_enterprise_by_code(store *s, store_scope sc, const char *code, store_enterprise *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = prep(q, "SELECT id, code, name, town FROM enterprise"
				   " WHERE code = ?2 AND (?1 = 0 OR id = ?1)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, sc.enterprise_id);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int r = GLOVED_ENOTFOUND;
	if (rc == SQLITE_ROW) {
		row_enterprise(st, out);
		r = GLOVED_OK;
	} else if (rc != SQLITE_DONE) {
		r = fail(q, rc);
	}
	sqlite3_finalize(st);
	return r;
}

static int sq_workshop_add(store *s, store_scope sc, store_workshop *w)
{
	sq *q = (sq *)s;
	if (sc.enterprise_id && sc.enterprise_id != w->enterprise_id)
		return GLOVED_EPERM;
	sqlite3_stmt *st = prep(q, "INSERT INTO workshop(enterprise_id, code, name) VALUES(?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, w->enterprise_id);
	sqlite3_bind_text(st, 2, w->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, w->name, -1, SQLITE_STATIC);
	int rc = run(q, st);
	if (!rc)
		w->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int sq_workshop_list(store *s, store_scope sc, int64_t enterprise_id, store_workshop **out,
			    size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = prep(q, "SELECT id, enterprise_id, code, name FROM workshop"
				   " WHERE (?1 = 0 OR enterprise_id = ?1) AND"
				   " (?2 = 0 OR enterprise_id = ?2) ORDER BY enterprise_id, code");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, sc.enterprise_id);
	sqlite3_bind_int64(st, 2, enterprise_id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_workshop *w = grow((void **)out, n, &cap, sizeof **out);
		if (!w) {
			sqlite3_finalize(st);
			return GLOVED_ENOMEM;
		}
		w->id = sqlite3_column_int64(st, 0);
		w->enterprise_id = sqlite3_column_int64(st, 1);
		text_col(st, 2, w->code, sizeof w->code);
		text_col(st, 3, w->name, sizeof w->name);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? GLOVED_OK : fail(q, rc);
}

static int sq_machine_add(store *s, store_scope sc, store_machine *m)
{
	sq *q = (sq *)s;
	if (sc.enterprise_id && sc.enterprise_id != m->enterprise_id)
		return GLOVED_EPERM;
	/* the workshop must belong to the machine's enterprise */
	sqlite3_stmt *chk = prep(q, "SELECT 1 FROM workshop WHERE id = ? AND enterprise_id = ?");
	if (!chk)
		return GLOVED_EDB;
	sqlite3_bind_int64(chk, 1, m->workshop_id);
	sqlite3_bind_int64(chk, 2, m->enterprise_id);
	int found = sqlite3_step(chk) == SQLITE_ROW;
	sqlite3_finalize(chk);
	if (!found)
		return GLOVED_ENOTFOUND;
	sqlite3_stmt *st = prep(q, "INSERT INTO machine(enterprise_id, workshop_id, code, kind,"
				   " gauge, cycle_ms, counter_bits) VALUES(?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, m->enterprise_id);
	sqlite3_bind_int64(st, 2, m->workshop_id);
	sqlite3_bind_text(st, 3, m->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, m->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, m->gauge);
	sqlite3_bind_int64(st, 6, m->cycle_ms);
	sqlite3_bind_int(st, 7, m->counter_bits);
	int rc = run(q, st);
	if (!rc)
		m->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int sq_machine_list(store *s, store_scope sc, store_machine **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st =
	    prep(q, "SELECT id, enterprise_id, workshop_id, code, kind, gauge, cycle_ms,"
		    " counter_bits FROM machine WHERE (?1 = 0 OR enterprise_id = ?1)"
		    " ORDER BY enterprise_id, workshop_id, code");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, sc.enterprise_id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_machine *m = grow((void **)out, n, &cap, sizeof **out);
		if (!m) {
			sqlite3_finalize(st);
			return GLOVED_ENOMEM;
		}
		m->id = sqlite3_column_int64(st, 0);
		m->enterprise_id = sqlite3_column_int64(st, 1);
		m->workshop_id = sqlite3_column_int64(st, 2);
		text_col(st, 3, m->code, sizeof m->code);
		text_col(st, 4, m->kind, sizeof m->kind);
		m->gauge = sqlite3_column_int(st, 5);
		m->cycle_ms = sqlite3_column_int64(st, 6);
		m->counter_bits = sqlite3_column_int(st, 7);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? GLOVED_OK : fail(q, rc);
}

static int sq_registry_rev(store *s, int64_t *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = prep(q, "SELECT value FROM meta WHERE key = 'registry_rev'");
	if (!st)
		return GLOVED_EDB;
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? GLOVED_OK : fail(q, rc);
}

/* ---- Sparkplug B metric mapping ---- */

static int sq_sparkplug_map_get(store *s, int64_t enterprise_id, const char *edge_node,
				store_sparkplug_map *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = prep(q, "SELECT count_metric, reject_metric, state_metric, reason_metric"
				   " FROM sparkplug_map WHERE enterprise_id = ? AND edge_node = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, enterprise_id);
	sqlite3_bind_text(st, 2, edge_node, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int r = GLOVED_ENOTFOUND;
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->enterprise_id = enterprise_id;
		snprintf(out->edge_node, sizeof out->edge_node, "%s", edge_node);
		text_col(st, 0, out->count_metric, sizeof out->count_metric);
		text_col(st, 1, out->reject_metric, sizeof out->reject_metric);
		text_col(st, 2, out->state_metric, sizeof out->state_metric);
		text_col(st, 3, out->reason_metric, sizeof out->reason_metric);
		r = GLOVED_OK;
	} else if (rc != SQLITE_DONE) {
		r = fail(q, rc);
	}
	sqlite3_finalize(st);
	return r;
}

static int sq_sparkplug_map_put(store *s, store_scope sc, const store_sparkplug_map *m)
{
	sq *q = (sq *)s;
	if (sc.enterprise_id && sc.enterprise_id != m->enterprise_id)
		return GLOVED_EPERM;
	sqlite3_stmt *st = prep(q, "INSERT OR REPLACE INTO sparkplug_map(enterprise_id, edge_node,"
				   " count_metric, reject_metric, state_metric, reason_metric)"
				   " VALUES (?, ?, ?, ?, ?, ?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, m->enterprise_id);
	sqlite3_bind_text(st, 2, m->edge_node, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, m->count_metric, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, m->reject_metric, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, m->state_metric, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, m->reason_metric, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT)
		return GLOVED_ENOTFOUND;
	return rc == SQLITE_DONE ? GLOVED_OK : fail(q, rc);
}

/* ---- Modbus devices ---- */

static int sq_modbus_device_add(store *s, store_scope sc, store_modbus_device *d)
{
	sq *q = (sq *)s;
	sqlite3_stmt *chk = prep(q, "SELECT enterprise_id FROM machine WHERE id = ?");
	if (!chk)
		return GLOVED_EDB;
	sqlite3_bind_int64(chk, 1, d->machine_id);
	int found = sqlite3_step(chk) == SQLITE_ROW;
	int64_t ent = found ? sqlite3_column_int64(chk, 0) : 0;
	sqlite3_finalize(chk);
	if (!found)
		return GLOVED_ENOTFOUND;
	if (sc.enterprise_id && sc.enterprise_id != ent)
		return GLOVED_EPERM;
	d->enterprise_id = ent;
	sqlite3_stmt *st =
	    prep(q, "INSERT INTO modbus_device(machine_id, host, port, unit_id, counter_reg,"
		    " counter_words, word_order, reject_reg, state_reg, state_map, poll_ms,"
		    " timeout_ms, enabled) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, d->machine_id);
	sqlite3_bind_text(st, 2, d->host, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, d->port);
	sqlite3_bind_int(st, 4, d->unit_id);
	sqlite3_bind_int(st, 5, d->counter_reg);
	sqlite3_bind_int(st, 6, d->counter_words);
	sqlite3_bind_text(st, 7, d->word_order, -1, SQLITE_STATIC);
	if (d->reject_reg >= 0)
		sqlite3_bind_int(st, 8, d->reject_reg);
	else
		sqlite3_bind_null(st, 8);
	if (d->state_reg >= 0)
		sqlite3_bind_int(st, 9, d->state_reg);
	else
		sqlite3_bind_null(st, 9);
	sqlite3_bind_text(st, 10, d->state_map, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, d->poll_ms);
	sqlite3_bind_int64(st, 12, d->timeout_ms);
	sqlite3_bind_int(st, 13, d->enabled ? 1 : 0);
	return run(q, st);
}

static int sq_modbus_device_list(store *s, store_scope sc, store_modbus_device **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = prep(
	    q, "SELECT d.machine_id, m.enterprise_id, e.code, m.code, d.host, d.port, d.unit_id,"
	       " d.counter_reg, d.counter_words, d.word_order, coalesce(d.reject_reg, -1),"
	       " coalesce(d.state_reg, -1), d.state_map, d.poll_ms, d.timeout_ms, d.enabled"
	       " FROM modbus_device d JOIN machine m ON m.id = d.machine_id"
	       " JOIN enterprise e ON e.id = m.enterprise_id"
	       " WHERE (?1 = 0 OR m.enterprise_id = ?1) ORDER BY e.code, m.code");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, sc.enterprise_id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_modbus_device *d = grow((void **)out, n, &cap, sizeof **out);
		if (!d) {
			sqlite3_finalize(st);
			return GLOVED_ENOMEM;
		}
		memset(d, 0, sizeof *d);
		d->machine_id = sqlite3_column_int64(st, 0);
		d->enterprise_id = sqlite3_column_int64(st, 1);
		text_col(st, 2, d->enterprise_code, sizeof d->enterprise_code);
		text_col(st, 3, d->machine_code, sizeof d->machine_code);
		text_col(st, 4, d->host, sizeof d->host);
		d->port = sqlite3_column_int(st, 5);
		d->unit_id = sqlite3_column_int(st, 6);
		d->counter_reg = sqlite3_column_int(st, 7);
		d->counter_words = sqlite3_column_int(st, 8);
		text_col(st, 9, d->word_order, sizeof d->word_order);
		d->reject_reg = sqlite3_column_int(st, 10);
		d->state_reg = sqlite3_column_int(st, 11);
		text_col(st, 12, d->state_map, sizeof d->state_map);
		d->poll_ms = sqlite3_column_int64(st, 13);
		d->timeout_ms = sqlite3_column_int64(st, 14);
		d->enabled = sqlite3_column_int(st, 15);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? GLOVED_OK : fail(q, rc);
}

/* ---- users, sessions, gateways ---- */

static int sq_user_add(store *s, store_scope sc, store_user *u)
{
	sq *q = (sq *)s;
	if (sc.enterprise_id && sc.enterprise_id != u->enterprise_id)
		return GLOVED_EPERM;
	sqlite3_stmt *st = prep(q, "INSERT INTO user_account(username, pw_hash, role,"
				   " enterprise_id, worker) VALUES(?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_text(st, 1, u->username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, u->pw_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, u->role, -1, SQLITE_STATIC);
	if (u->enterprise_id)
		sqlite3_bind_int64(st, 4, u->enterprise_id);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, u->worker, -1, SQLITE_STATIC);
	int rc = run(q, st);
	if (!rc)
		u->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int user_query(sq *q, sqlite3_stmt *st, store_user *out)
{
	if (!st)
		return GLOVED_EDB;
	int rc = sqlite3_step(st);
	int r = GLOVED_ENOTFOUND;
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		text_col(st, 1, out->username, sizeof out->username);
		text_col(st, 2, out->pw_hash, sizeof out->pw_hash);
		text_col(st, 3, out->role, sizeof out->role);
		out->enterprise_id = sqlite3_column_int64(st, 4);
		text_col(st, 5, out->worker, sizeof out->worker);
		r = GLOVED_OK;
	} else if (rc != SQLITE_DONE) {
		r = fail(q, rc);
	}
	sqlite3_finalize(st);
	return r;
}

#define USER_COLS                                                                                  \
	"SELECT id, username, pw_hash, role, coalesce(enterprise_id, 0), worker FROM user_account"

static int sq_user_by_name(store *s, const char *username, store_user *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = prep(q, USER_COLS " WHERE username = ?");
	if (st)
		sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	return user_query(q, st, out);
}

static int sq_user_by_id(store *s, int64_t id, store_user *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = prep(q, USER_COLS " WHERE id = ?");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	return user_query(q, st, out);
}

static int sq_user_list(store *s, store_scope sc, store_user **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st =
	    prep(q, USER_COLS " WHERE (?1 = 0 OR enterprise_id = ?1) ORDER BY username");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, sc.enterprise_id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_user *u = grow((void **)out, n, &cap, sizeof **out);
		if (!u) {
			sqlite3_finalize(st);
			return GLOVED_ENOMEM;
		}
		u->id = sqlite3_column_int64(st, 0);
		text_col(st, 1, u->username, sizeof u->username);
		u->pw_hash[0] = '\0'; /* never hand hashes out of a list */
		text_col(st, 3, u->role, sizeof u->role);
		u->enterprise_id = sqlite3_column_int64(st, 4);
		text_col(st, 5, u->worker, sizeof u->worker);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? GLOVED_OK : fail(q, rc);
}

static int sq_session_add(store *s, const uint8_t *h, int64_t user_id, int64_t expires_ms)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    prep(q, "INSERT INTO session(token_hash, user_id, expires_ms) VALUES(?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_int64(st, 3, expires_ms);
	int rc = run(q, st);
	/* expired sessions are cleared as new ones come */
	sqlite3_stmt *gc = prep(q, "DELETE FROM session WHERE expires_ms < ?");
	if (gc) {
		sqlite3_bind_int64(gc, 1, expires_ms - (int64_t)366 * 86400000);
		run(q, gc);
	}
	return rc;
}

static int sq_session_get(store *s, const uint8_t *h, int64_t now_ms, int64_t *user_id)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    prep(q, "SELECT user_id FROM session WHERE token_hash = ? AND expires_ms > ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	int rc = sqlite3_step(st);
	int r = GLOVED_ENOTFOUND;
	if (rc == SQLITE_ROW) {
		*user_id = sqlite3_column_int64(st, 0);
		r = GLOVED_OK;
	} else if (rc != SQLITE_DONE) {
		r = fail(q, rc);
	}
	sqlite3_finalize(st);
	return r;
}

static int sq_session_delete(store *s, const uint8_t *h)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = prep(q, "DELETE FROM session WHERE token_hash = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_STATIC);
	return run(q, st);
}

static int sq_gateway_add(store *s, store_scope sc, store_gateway *g, const uint8_t *h)
{
	sq *q = (sq *)s;
	if (sc.enterprise_id && sc.enterprise_id != g->enterprise_id)
		return GLOVED_EPERM;
	sqlite3_stmt *st = prep(q, "INSERT INTO gateway(enterprise_id, name, token_hash)"
				   " VALUES(?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, g->enterprise_id);
	sqlite3_bind_text(st, 2, g->name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, h, 32, SQLITE_STATIC);
	int rc = run(q, st);
	if (!rc)
		g->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int sq_gateway_by_token(store *s, const uint8_t *h, store_gateway *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = prep(q, "SELECT id, enterprise_id, name FROM gateway"
				   " WHERE token_hash = ? AND revoked = 0");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int r = GLOVED_ENOTFOUND;
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->enterprise_id = sqlite3_column_int64(st, 1);
		text_col(st, 2, out->name, sizeof out->name);
		r = GLOVED_OK;
	} else if (rc != SQLITE_DONE) {
		r = fail(q, rc);
	}
	sqlite3_finalize(st);
	return r;
}

static int sq_gateway_list(store *s, store_scope sc, store_gateway **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = prep(q, "SELECT id, enterprise_id, name FROM gateway"
				   " WHERE revoked = 0 AND (?1 = 0 OR enterprise_id = ?1)"
				   " ORDER BY enterprise_id, id");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, sc.enterprise_id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_gateway *g = grow((void **)out, n, &cap, sizeof **out);
		if (!g) {
			sqlite3_finalize(st);
			return GLOVED_ENOMEM;
		}
		g->id = sqlite3_column_int64(st, 0);
		g->enterprise_id = sqlite3_column_int64(st, 1);
		text_col(st, 2, g->name, sizeof g->name);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? GLOVED_OK : fail(q, rc);
}

/* ---- ingest (hot, prepared once) ---- */

static int step_hot(sq *q, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? GLOVED_OK : fail(q, rc);
}

static int sq_sample_insert(store *s, const store_sample *x)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = q->hot[ST_SAMPLE_INSERT];
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
	return step_hot(q, st);
}

static int sq_sample_update_delta(store *s, int64_t machine_id, int64_t ts_ms, int64_t d_good,
				  int64_t d_reject)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = q->hot[ST_SAMPLE_UPDATE];
	sqlite3_bind_int64(st, 1, d_good);
	sqlite3_bind_int64(st, 2, d_reject);
	sqlite3_bind_int64(st, 3, ts_ms);
	sqlite3_bind_int64(st, 4, machine_id);
	return step_hot(q, st);
}

static int sq_rollup_add(store *s, store_level lvl, int64_t bucket_ms, int64_t machine_id,
			 int64_t enterprise_id, int64_t workshop_id, int64_t d_good,
			 int64_t d_reject)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = q->hot[ST_ROLLUP_MIN + (int)lvl];
	sqlite3_bind_int64(st, 1, bucket_ms);
	sqlite3_bind_int64(st, 2, machine_id);
	sqlite3_bind_int64(st, 3, enterprise_id);
	sqlite3_bind_int64(st, 4, workshop_id);
	sqlite3_bind_int64(st, 5, d_good);
	sqlite3_bind_int64(st, 6, d_reject);
	return step_hot(q, st);
}

static int sq_live_put(store *s, const store_live *l)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = q->hot[ST_LIVE_PUT];
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
	return step_hot(q, st);
}

static int sq_live_list(store *s, store_live **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = prep(q, "SELECT machine_id, last_ts, count, reject, state, reason,"
				   " since_ts, st_ts, st_state, st_reason FROM machine_live");
	if (!st)
		return GLOVED_EDB;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_live *l = grow((void **)out, n, &cap, sizeof **out);
		if (!l) {
			sqlite3_finalize(st);
			return GLOVED_ENOMEM;
		}
		l->machine_id = sqlite3_column_int64(st, 0);
		l->last_ts = sqlite3_column_int64(st, 1);
		l->count = (uint64_t)sqlite3_column_int64(st, 2);
		l->reject = (uint64_t)sqlite3_column_int64(st, 3);
		l->state = sqlite3_column_int(st, 4);
		text_col(st, 5, l->reason, sizeof l->reason);
		l->since_ts = sqlite3_column_int64(st, 6);
		l->st_ts = sqlite3_column_int64(st, 7);
		l->st_state = sqlite3_column_int(st, 8);
		text_col(st, 9, l->st_reason, sizeof l->st_reason);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? GLOVED_OK : fail(q, rc);
}

static int sq_samples_range(store *s, int64_t from_ms, int64_t to_ms,
			    int (*cb)(void *ctx, const store_sample *x), void *ctx)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = prep(q, "SELECT ts, machine_id, count, reject, d_good, d_reject, state,"
				   " coalesce(reason, ''), coalesce(worker, ''), flags FROM sample"
				   " WHERE ts >= ? AND ts <= ? ORDER BY ts, machine_id");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, from_ms);
	sqlite3_bind_int64(st, 2, to_ms);
	int rc, r = GLOVED_OK;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_sample x;
		x.ts_ms = sqlite3_column_int64(st, 0);
		x.machine_id = sqlite3_column_int64(st, 1);
		x.count = (uint64_t)sqlite3_column_int64(st, 2);
		x.reject = (uint64_t)sqlite3_column_int64(st, 3);
		x.d_good = sqlite3_column_int64(st, 4);
		x.d_reject = sqlite3_column_int64(st, 5);
		x.state = sqlite3_column_int(st, 6);
		text_col(st, 7, x.reason, sizeof x.reason);
		text_col(st, 8, x.worker, sizeof x.worker);
		x.flags = sqlite3_column_int(st, 9);
		if ((r = cb(ctx, &x)) != 0)
			break;
	}
	if (!r && rc != SQLITE_DONE)
		r = fail(q, rc);
	sqlite3_finalize(st);
	return r;
}

static int sq_samples_newest(store *s, int64_t *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = prep(q, "SELECT coalesce(max(ts), 0) FROM sample");
	if (!st)
		return GLOVED_EDB;
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? GLOVED_OK : fail(q, rc);
}

/* ---- deferred rollups ---- */

static int sq_dirty_day_mark(store *s, int64_t enterprise_id, int64_t day_ms, int64_t next_day_ms)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = prep(q, "INSERT OR IGNORE INTO rollup_dirty_day(enterprise_id, day,"
				   " next_day) VALUES(?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, enterprise_id);
	sqlite3_bind_int64(st, 2, day_ms);
	sqlite3_bind_int64(st, 3, next_day_ms);
	return run(q, st);
}

static int sq_dirty_day_clear_all(store *s)
{
	return simple(s, "DELETE FROM rollup_dirty_day");
}

static int sq_dirty_day_list(store *s, store_dirty_day **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = prep(q, "SELECT enterprise_id, day, next_day FROM rollup_dirty_day"
				   " ORDER BY enterprise_id, day");
	if (!st)
		return GLOVED_EDB;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_dirty_day *p = grow((void **)out, n, &cap, sizeof **out);
		if (!p) {
			sqlite3_finalize(st);
			return GLOVED_ENOMEM;
		}
		p->enterprise_id = sqlite3_column_int64(st, 0);
		p->day_ms = sqlite3_column_int64(st, 1);
		p->next_day_ms = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? GLOVED_OK : fail(q, rc);
}

/* ---- queries ---- */

static const char *const rollup_table[STORE_LEVELS] = {"rollup_minute", "rollup_hour",
						       "rollup_day"};

static int sq_output(store *s, store_scope sc, store_level lvl, int64_t enterprise_id,
		     int64_t workshop_id, int64_t machine_id, int64_t from_ms, int64_t to_ms,
		     store_bucket **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	char sql[512];
	/* only the predicates an index serves lead: one machine (machine_id,
	 * bucket), one firm (enterprise_id, bucket), else the bucket */
	int64_t ent = enterprise_id ? enterprise_id : sc.enterprise_id;
	if (sc.enterprise_id && enterprise_id && sc.enterprise_id != enterprise_id)
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
	sqlite3_stmt *st = prep(q, sql);
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, from_ms);
	sqlite3_bind_int64(st, 2, to_ms);
	sqlite3_bind_int64(st, 3, ent);
	sqlite3_bind_int64(st, 4, workshop_id);
	sqlite3_bind_int64(st, 5, machine_id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_bucket *b = grow((void **)out, n, &cap, sizeof **out);
		if (!b) {
			sqlite3_finalize(st);
			return GLOVED_ENOMEM;
		}
		b->ts_ms = sqlite3_column_int64(st, 0);
		b->good = sqlite3_column_int64(st, 1);
		b->reject = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? GLOVED_OK : fail(q, rc);
}

static int sq_machine_totals(store *s, store_scope sc, store_level lvl, int64_t from_ms,
			     int64_t to_ms, store_machine_total **out, size_t *n)
{
	sq *q = (sq *)s;
	*out = NULL;
	*n = 0;
	char sql[384];
	snprintf(sql, sizeof sql,
		 "SELECT machine_id, sum(good), sum(reject) FROM %s WHERE %s bucket >= ?1 AND"
		 " bucket < ?2 GROUP BY machine_id",
		 rollup_table[lvl], sc.enterprise_id ? "enterprise_id = ?3 AND" : "");
	sqlite3_stmt *st = prep(q, sql);
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, from_ms);
	sqlite3_bind_int64(st, 2, to_ms);
	sqlite3_bind_int64(st, 3, sc.enterprise_id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_machine_total *t = grow((void **)out, n, &cap, sizeof **out);
		if (!t) {
			sqlite3_finalize(st);
			return GLOVED_ENOMEM;
		}
		t->machine_id = sqlite3_column_int64(st, 0);
		t->good = sqlite3_column_int64(st, 1);
		t->reject = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? GLOVED_OK : fail(q, rc);
}

static const store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sq_close,
    .errmsg = sq_errmsg,
    .schema_version = sq_schema_version,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .enterprise_add = sq_enterprise_add,
    .enterprise_list = sq_enterprise_list,
    .enterprise_by_code = sq_enterprise_by_code,
    .workshop_add = sq_workshop_add,
    .workshop_list = sq_workshop_list,
    .machine_add = sq_machine_add,
    .machine_list = sq_machine_list,
    .registry_rev = sq_registry_rev,
    .modbus_device_add = sq_modbus_device_add,
    .modbus_device_list = sq_modbus_device_list,
    .sparkplug_map_get = sq_sparkplug_map_get,
    .sparkplug_map_put = sq_sparkplug_map_put,
    .user_add = sq_user_add,
    .user_by_name = sq_user_by_name,
    .user_by_id = sq_user_by_id,
    .user_list = sq_user_list,
    .session_add = sq_session_add,
    .session_get = sq_session_get,
    .session_delete = sq_session_delete,
    .gateway_add = sq_gateway_add,
    .gateway_by_token = sq_gateway_by_token,
    .gateway_list = sq_gateway_list,
    .sample_insert = sq_sample_insert,
    .sample_update_delta = sq_sample_update_delta,
    .rollup_add = sq_rollup_add,
    .live_put = sq_live_put,
    .live_list = sq_live_list,
    .samples_range = sq_samples_range,
    .samples_newest = sq_samples_newest,
    .dirty_day_mark = sq_dirty_day_mark,
    .dirty_day_clear_all = sq_dirty_day_clear_all,
    .dirty_day_list = sq_dirty_day_list,
    .output = sq_output,
    .machine_totals = sq_machine_totals,
    .calendar_get = sa_calendar_get,
    .calendar_put = sa_calendar_put,
    .stop_reason_list = sa_stop_reason_list,
    .stop_reason_put = sa_stop_reason_put,
    .worker_list = sa_worker_list,
    .worker_put = sa_worker_put,
    .assignment_list = sa_assignment_list,
    .assignment_put = sa_assignment_put,
    .shift_add_row = sa_shift_add_row,
    .shift_reason_add = sa_shift_reason_add,
    .shift_worker_add = sa_shift_worker_add,
    .stop_put = sa_stop_put,
    .stop_get = sa_stop_get,
    .stop_set_reason = sa_stop_set_reason,
    .stop_list = sa_stop_list,
    .stop_recent = sa_stop_recent,
    .stop_supervised = sa_stop_supervised,
    .sample_get = sa_sample_get,
    .sample_mark = sa_sample_mark,
    .rollup_delete = sa_rollup_delete,
    .retention_delete = sa_retention_delete,
    .samples_oldest = sa_samples_oldest,
    .rebuild_add = sa_rebuild_add,
    .rebuild_next = sa_rebuild_next,
    .rebuild_get = sa_rebuild_get,
    .rebuild_done = sa_rebuild_done,
    .read_begin = sa_read_begin,
    .read_end = sa_read_end,
    .shift_rows = sa_shift_rows,
    .shift_reason_sums = sa_shift_reason_sums,
    .shift_worker_sums = sa_shift_worker_sums,
    .style_add = sn_style_add,
    .style_get = sn_style_get,
    .style_list = sn_style_list,
    .order_add = sn_order_add,
    .order_get = sn_order_get,
    .order_list = sn_order_list,
    .order_set_status = sn_order_set_status,
    .cut_add = sn_cut_add,
    .cut_pairs = sn_cut_pairs,
    .bundle_next_no = sn_bundle_next_no,
    .bundle_add = sn_bundle_add,
    .bundle_get = sn_bundle_get,
    .bundle_list = sn_bundle_list,
    .bundle_set_out = sn_bundle_set_out,
    .bundles_out = sn_bundles_out,
    .household_add = sn_household_add,
    .household_get = sn_household_get,
    .household_list = sn_household_list,
    .dispatch_add = sn_dispatch_add,
    .dispatch_open = sn_dispatch_open,
    .dispatch_close = sn_dispatch_close,
    .scan_get = sn_scan_get,
    .scan_by_id = sn_scan_by_id,
    .scan_add = sn_scan_add,
    .scan_list = sn_scan_list,
    .op_done_list = sn_op_done_list,
    .op_day_pairs = sn_op_day_pairs,
    .scan_days = sn_scan_days,
    .firm_key_get = sn_firm_key_get,
    .firm_key_put = sn_firm_key_put,
    .order_machine_add = sn_order_machine_add,
    .order_machine_list = sn_order_machine_list,
    .bundle_set_pairs = sn_bundle_set_pairs,
    .op_day_sums = sn_op_day_sums,
    .op_add = sn_op_add,
    .worker_get = sa_worker_get,
};
