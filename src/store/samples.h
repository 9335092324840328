/* SPDX-License-Identifier: Apache-2.0 */
/* samples.h: the store's samples capability (included by store.h): the
 * machines' stored reports (samples), the minute/hour/day rollups the
 * writer keeps beside them, the persisted live state, the days whose
 * rollups may lag, the output queries over the rollups, and the life cycle
 * of this time series: retention and rebuilds (the rebuild deletes and the
 * rebuild request queue). Retention and rebuilds sit here, not with
 * analytics, because both are about samples: retention ages samples and
 * every rollup derived from them in one pass, and a rebuild recomputes the
 * rollups from the samples, so a backend that stores samples must offer
 * them and one without samples has nothing to rebuild. The writes run on
 * the writer's connection inside store_begin/commit. The backend table at
 * the end is what a backend fills (docs/internals/store.md). */
#ifndef GLOVED_STORE_SAMPLES_H
#define GLOVED_STORE_SAMPLES_H

#include "store/analytics.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* sample.flags */
#define STORE_SAMPLE_MARK 1 /* a state-only mark: no pieces, not a counter reading */
#define STORE_SAMPLE_LATE                                                                          \
	2 /* came after a newer report of its machine: not in the state timeline */

/* A stored report of one machine with the pieces credited to it. */
typedef struct store_sample {
	int64_t ts_ms;
	int64_t machine_id;
	uint64_t count, reject;
	int64_t d_good, d_reject;
	int state; /* core/state.h machine_state */
	char reason[33];
	char worker[33];
	int flags; /* STORE_SAMPLE_* */
} store_sample;

/* What the writer persists of a machine's live state. */
typedef struct store_live {
	int64_t machine_id;
	int64_t last_ts;
	uint64_t count, reject;
	int state;
	char reason[33];
	int64_t since_ts;
	/* the newest sample of the state timeline (see docs/internals/analytics.md) */
	int64_t st_ts;
	int st_state;
	char st_reason[33];
} store_live;

typedef enum store_level { STORE_MINUTE = 0, STORE_HOUR = 1, STORE_DAY = 2 } store_level;
#define STORE_LEVELS 3

typedef struct store_bucket {
	int64_t ts_ms;
	int64_t good, reject;
} store_bucket;

/* A rollup row of one machine (for totals per machine). */
typedef struct store_machine_total {
	int64_t machine_id;
	int64_t good, reject;
} store_machine_total;

/* ---- ingest (the writer's connection, inside store_begin/commit) ---- */

int store_sample_insert(store *s, const store_sample *x);
/* Inserts n samples as store_sample_insert does each (a sample whose
 * instant is stored already is ignored), in as few statements as the
 * backend can: the writer's group commit hands its samples over in runs. */
int store_samples_insert(store *s, const store_sample *x, size_t n);
int store_sample_update_delta(store *s, int64_t machine_id, int64_t ts_ms, int64_t d_good,
			      int64_t d_reject);
/* The reason and worker of one stored sample (GLOVED_ENOTFOUND). */
int store_sample_get(store *s, int64_t machine_id, int64_t ts_ms, store_sample *out);
/* Inserts a state-only mark (ignored when a sample has that instant). */
int store_sample_mark(store *s, const store_sample *x);
int store_rollup_add(store *s, store_level lvl, int64_t bucket_ms, int64_t machine_id,
		     int64_t enterprise_id, int64_t workshop_id, int64_t d_good, int64_t d_reject);
/* One row of rollup additions (store_rollups_add). */
typedef struct store_rollup_delta {
	int64_t bucket_ms, machine_id, enterprise_id, workshop_id;
	int64_t good, reject;
} store_rollup_delta;
/* Adds n rows to level lvl's rollups as store_rollup_add does each. */
int store_rollups_add(store *s, store_level lvl, const store_rollup_delta *rows, size_t n);
int store_live_put(store *s, const store_live *l);
/* Many at once, as store_live_put each (of a repeated machine, the last). */
int store_lives_put(store *s, const store_live *l, size_t n);
int store_live_list(store *s, store_live **out, size_t *n);
/* Samples with from_ms <= ts_ms <= to_ms in time order, for reloading
 * counter tracks; cb returning nonzero stops the scan with that value. */
int store_samples_range(store *s, int64_t from_ms, int64_t to_ms,
			int (*cb)(void *ctx, const store_sample *x), void *ctx);
/* The same, of machines ids[0..n-1] (any order) only: the windows of the
 * counter tracks a writer reads again (one scan for all of them). */
int store_samples_range_of(store *s, int64_t from_ms, int64_t to_ms, const int64_t *ids, size_t n,
			   int (*cb)(void *ctx, const store_sample *x), void *ctx);
/* Newest sample timestamp of all machines (0 if none). */
int store_samples_newest(store *s, int64_t *out);
/* The oldest sample time (0 when none). */
int store_samples_oldest(store *s, int64_t *out);

/* Deferred rollups (see app/writer.c): the local days of a firm whose
 * rollups may lag the samples. A day is marked in the transaction that
 * commits its samples and cleared in the one that writes its rollups, so
 * after a crash the marked days are exactly those to rebuild. */
typedef struct store_dirty_day {
	int64_t enterprise_id;
	int64_t day_ms, next_day_ms;
} store_dirty_day;
int store_dirty_day_mark(store *s, int64_t enterprise_id, int64_t day_ms, int64_t next_day_ms);
int store_dirty_day_clear_all(store *s);
int store_dirty_day_list(store *s, store_dirty_day **out, size_t *n);

/* ---- queries ---- */

/* machine_id / workshop_id / enterprise_id of 0 mean "any"; the scope
 * narrows further. Buckets with data in [from_ms, to_ms), in order. */
int store_output(store *s, store_scope sc, store_level lvl, int64_t enterprise_id,
		 int64_t workshop_id, int64_t machine_id, int64_t from_ms, int64_t to_ms,
		 store_bucket **out, size_t *n);
/* Per-machine totals of one rollup bucket range (e.g. today). */
int store_machine_totals(store *s, store_scope sc, store_level lvl, int64_t from_ms, int64_t to_ms,
			 store_machine_total **out, size_t *n);

/* ---- rebuild and retention ---- */

/* Deletes the derived rows of one firm for its local days [from, to):
 * minute and hour rows with bucket in [hour_from, hour_to), day and shift
 * rows (and shift reasons and workers) with bucket in [from, to), stop
 * events starting in [from, to) (supervisor reasons are read first by the
 * caller, store_stop_supervised). */
int store_rollup_delete(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			int64_t hour_from, int64_t hour_to);

typedef enum store_retain {
	STORE_RETAIN_SAMPLES = 0,
	STORE_RETAIN_MINUTE = 1,
	STORE_RETAIN_HOUR = 2,
	STORE_RETAIN_DAY = 3,
	STORE_RETAIN_SHIFT = 4, /* shift rows, their reasons and workers, stop events */
} store_retain;
/* Deletes rows of that kind older than before_ms, at most those in the
 * time slice [before_ms - slice_ms, before_ms); *deleted receives the count.
 * On PostgreSQL, samples and minute rollups drop the monthly partitions
 * that lie wholly inside the slice (their rows counted first) and delete
 * the rest of the slice's rows (the month at the boundary, the default
 * partition); a drop that waits too long for its lock answers GLOVED_EBUSY
 * and the next call tries again. */
int store_retention_delete(store *s, store_retain what, int64_t before_ms, int64_t slice_ms,
			   int64_t *deleted);

/* The time-partitioned tables (PostgreSQL: sample and rollup_minute, one
 * partition per UTC calendar month, docs/internals/store.md) get the
 * partitions of now_ms's month and of the STORE_PARTITIONS_AHEAD months
 * after it, made when missing (a row of another month lands in the
 * default partition). Runs DDL: call it on the write connection outside a
 * transaction (GLOVED_EINVAL inside one). Safe when two instances make the
 * same partition at once. Cheap when called often: the connection
 * remembers the month it last made sure of and does nothing until it
 * changes. GLOVED_ENOTSUP on a backend without partitions (SQLite). */
#define STORE_PARTITIONS_AHEAD 2
int store_partitions_ensure(store *s, int64_t now_ms);

typedef struct store_rebuild {
	int64_t id;
	int64_t enterprise_id; /* 0: every firm */
	int32_t day0, day1;    /* local days, inclusive (days since 1970-01-01) */
	int64_t done_ms;
	char result[128];
} store_rebuild;
int store_rebuild_add(store *s, store_rebuild *r);
/* The oldest request not done (GLOVED_ENOTFOUND). */
int store_rebuild_next(store *s, store_rebuild *out);
int store_rebuild_get(store *s, int64_t id, store_rebuild *out);
int store_rebuild_done(store *s, int64_t id, int64_t done_ms, const char *result);

/* ---- several writers on one database (docs/design.md, "Several
 * instances") ----
 * Where several daemons write one database (PostgreSQL), every writer
 * transaction that changes a machine first locks the machine's revision
 * row and bumps it; a writer whose remembered revision is not the one
 * before its bump reloads the machine (store_machines_state) before it
 * applies reports. SQLite has one daemon per file and answers
 * GLOVED_ENOTSUP. */

/* Inside the writer's transaction: locks machines ids[0..n-1] (ascending,
 * distinct) until the transaction ends, taking them in id order, and bumps
 * each one's revision (a machine new to the table starts at 1); revs[i]
 * receives ids[i]'s revision after the bump. */
int store_machines_lock(store *s, const int64_t *ids, size_t n, int64_t *revs);

typedef struct store_machine_state {
	int64_t machine_id;
	int has_live;
	store_live live;
	int has_stop;
	store_stop stop;      /* the machine's newest stop event */
	int64_t good, reject; /* its day rollups with bucket in [day_from, day_to) */
} store_machine_state;
/* The stored state of machines ids[0..n-1] (any order): out[i] for ids[i],
 * zeroed where there is nothing. */
int store_machines_state(store *s, const int64_t *ids, const int64_t *day_from,
			 const int64_t *day_to, size_t n, store_machine_state *out);
/* The newest counter sample (not a mark) of machine_id before ts_ms:
 * the anchor of a counter track whose window is read again
 * (GLOVED_ENOTFOUND when there is none). */
int store_sample_before(store *s, int64_t machine_id, int64_t ts_ms, store_sample *out);
/* Sends payload (text, at most STORE_NOTIFY_MAX bytes) to every connection
 * that listens (store_listen) when the current transaction commits, in
 * commit order. */
#define STORE_NOTIFY_MAX 7900
int store_notify(store *s, const char *payload);

/* ---- the backend table ----
 * Same rule as every capability: `version` first, new calls appended and
 * STORE_SAMPLES_VERSION raised, wrappers refuse an older table. Version
 * 1: every call above but those of version 2, samples_insert and
 * rollups_add (many rows at once), and of version 3, machines_lock,
 * machines_state, sample_before and notify (several writers) and
 * partitions_ensure, and of version 4, samples_range_of and lives_put. */
#define STORE_SAMPLES_VERSION 4

typedef struct store_samples_ops {
	int version;
	int (*sample_insert)(store *s, const store_sample *x);
	int (*sample_update_delta)(store *s, int64_t machine_id, int64_t ts_ms, int64_t d_good,
				   int64_t d_reject);
	int (*sample_get)(store *s, int64_t machine_id, int64_t ts_ms, store_sample *out);
	int (*sample_mark)(store *s, const store_sample *x);
	int (*rollup_add)(store *s, store_level lvl, int64_t bucket_ms, int64_t machine_id,
			  int64_t enterprise_id, int64_t workshop_id, int64_t d_good,
			  int64_t d_reject);
	int (*live_put)(store *s, const store_live *l);
	int (*live_list)(store *s, store_live **out, size_t *n);
	int (*samples_range)(store *s, int64_t from_ms, int64_t to_ms,
			     int (*cb)(void *ctx, const store_sample *x), void *ctx);
	int (*samples_newest)(store *s, int64_t *out);
	int (*samples_oldest)(store *s, int64_t *out);
	int (*dirty_day_mark)(store *s, int64_t enterprise_id, int64_t day_ms, int64_t next_day_ms);
	int (*dirty_day_clear_all)(store *s);
	int (*dirty_day_list)(store *s, store_dirty_day **out, size_t *n);
	int (*output)(store *s, store_scope sc, store_level lvl, int64_t enterprise_id,
		      int64_t workshop_id, int64_t machine_id, int64_t from_ms, int64_t to_ms,
		      store_bucket **out, size_t *n);
	int (*machine_totals)(store *s, store_scope sc, store_level lvl, int64_t from_ms,
			      int64_t to_ms, store_machine_total **out, size_t *n);
	int (*rollup_delete)(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			     int64_t hour_from, int64_t hour_to);
	int (*retention_delete)(store *s, store_retain what, int64_t before_ms, int64_t slice_ms,
				int64_t *deleted);
	int (*rebuild_add)(store *s, store_rebuild *r);
	int (*rebuild_next)(store *s, store_rebuild *out);
	int (*rebuild_get)(store *s, int64_t id, store_rebuild *out);
	int (*rebuild_done)(store *s, int64_t id, int64_t done_ms, const char *result);
	/* version 2 */
	int (*samples_insert)(store *s, const store_sample *x, size_t n);
	int (*rollups_add)(store *s, store_level lvl, const store_rollup_delta *rows, size_t n);
	/* version 3 */
	int (*machines_lock)(store *s, const int64_t *ids, size_t n, int64_t *revs);
	int (*machines_state)(store *s, const int64_t *ids, const int64_t *day_from,
			      const int64_t *day_to, size_t n, store_machine_state *out);
	int (*notify)(store *s, const char *payload);
	int (*sample_before)(store *s, int64_t machine_id, int64_t ts_ms, store_sample *out);
	int (*partitions_ensure)(store *s, int64_t now_ms);
	/* version 4 */
	int (*samples_range_of)(store *s, int64_t from_ms, int64_t to_ms, const int64_t *ids,
				size_t n, int (*cb)(void *ctx, const store_sample *x), void *ctx);
	int (*lives_put)(store *s, const store_live *l, size_t n);
} store_samples_ops;

#endif
