/* SPDX-License-Identifier: Apache-2.0 */
/* analytics.h: the store's analytics part (included by store.h): firm
 * calendars, stop reasons, workers and assignments, the shift-level
 * rollups, stop events, retention and rebuild requests. Same rules as the
 * rest of store.h: scoped reads, the writer's connection for writes. What
 * the tables mean is in docs/internals/analytics.md. */
#ifndef GLOVED_STORE_ANALYTICS_H
#define GLOVED_STORE_ANALYTICS_H

#include <stddef.h>
#include <stdint.h>

/* ---- firm settings ---- */

/* The calendar JSON of a firm into *json (malloc'd, caller frees);
 * GLOVED_ENOTFOUND when the firm has none. */
int store_calendar_get(store *s, int64_t enterprise_id, char **json);
/* Inserts or replaces it (bumps the registry revision). */
int store_calendar_put(store *s, store_scope sc, int64_t enterprise_id, const char *json);

typedef struct store_stop_reason {
	int64_t enterprise_id;
	char code[33];
	char name_zh[64];
	char name_en[64];
} store_stop_reason;
int store_stop_reason_list(store *s, store_scope sc, int64_t enterprise_id, store_stop_reason **out,
			   size_t *n);
/* Adds or renames. */
int store_stop_reason_put(store *s, store_scope sc, const store_stop_reason *r);

typedef struct store_worker {
	int64_t enterprise_id;
	char code[33];
	char name[64];
	char card[1024]; /* the rate card as JSON (ingest/wagecard.c) */
} store_worker;
int store_worker_list(store *s, store_scope sc, int64_t enterprise_id, store_worker **out,
		      size_t *n);
int store_worker_put(store *s, store_scope sc, const store_worker *w);
/* One worker of a firm by code (GLOVED_ENOTFOUND). */
int store_worker_get(store *s, int64_t enterprise_id, const char *code, store_worker *out);

typedef struct store_assignment {
	int64_t machine_id;
	int64_t enterprise_id;
	int32_t shift_day; /* days since 1970-01-01 of the firm's local date */
	int32_t shift;
	char worker[33];
} store_assignment;
/* Assignments of a firm for shift days [day0, day1]. */
int store_assignment_list(store *s, store_scope sc, int64_t enterprise_id, int32_t day0,
			  int32_t day1, store_assignment **out, size_t *n);
/* Sets (worker non-empty) or clears (worker "") one assignment. */
int store_assignment_put(store *s, store_scope sc, const store_assignment *a);

/* ---- shift rollups (the writer's connection) ---- */

/* State slots of the shift rollup: index by machine_state (core/state.h),
 * 0 = unknown .. 7 = offline. */
#define STORE_STATES 8

typedef struct store_shift_key {
	int64_t bucket; /* shift instance start, UTC ms */
	int64_t machine_id, enterprise_id, workshop_id;
	int32_t shift_day, shift;
} store_shift_key;

typedef struct store_shift_add {
	store_shift_key k;
	int64_t good, reject, ideal_ms, ideal_reject_ms;
	int64_t ms[STORE_STATES];
} store_shift_add;
/* Adds to a machine's shift row (creates it). */
int store_shift_add_row(store *s, const store_shift_add *a);
int store_shift_reason_add(store *s, const store_shift_key *k, int state, const char *reason,
			   int64_t ms);
int store_shift_worker_add(store *s, const store_shift_key *k, const char *worker, int64_t good,
			   int64_t reject);

typedef struct store_stop {
	int64_t machine_id, enterprise_id, workshop_id;
	int64_t start_ms, end_ms;
	int state;
	char reason[33];
	int supervisor; /* 1: the reason was entered by a supervisor */
} store_stop;
/* Inserts or updates a stop event by (machine, start): end and state
 * always, the reason unless the stored row's reason is a supervisor's. */
int store_stop_put(store *s, const store_stop *x);
/* The stop of machine at start_ms (GLOVED_ENOTFOUND). */
int store_stop_get(store *s, store_scope sc, int64_t machine_id, int64_t start_ms, store_stop *out);
/* Sets a supervisor reason. */
int store_stop_set_reason(store *s, int64_t machine_id, int64_t start_ms, const char *reason);
/* Stops in scope (enterprise/machine 0 = any) that overlap [from, to),
 * newest first, at most `limit`. */
int store_stop_list(store *s, store_scope sc, int64_t enterprise_id, int64_t machine_id,
		    int64_t from_ms, int64_t to_ms, size_t limit, store_stop **out, size_t *n);
/* The newest stop of every machine whose end is at or after since_ms (to
 * resume open stops after a restart). */
int store_stop_recent(store *s, int64_t since_ms, store_stop **out, size_t *n);
/* Supervisor reasons of a firm's stops starting in [from, to). */
int store_stop_supervised(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			  store_stop **out, size_t *n);

/* The reason and worker of one stored sample (GLOVED_ENOTFOUND). */
int store_sample_get(store *s, int64_t machine_id, int64_t ts_ms, store_sample *out);
/* Inserts a state-only mark (ignored when a sample has that instant). */
int store_sample_mark(store *s, const store_sample *x);

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
 * time slice [before_ms - slice_ms, before_ms); *deleted receives the count. */
int store_retention_delete(store *s, store_retain what, int64_t before_ms, int64_t slice_ms,
			   int64_t *deleted);
/* The oldest sample time (0 when none). */
int store_samples_oldest(store *s, int64_t *out);

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

/* ---- queries ---- */

/* A read snapshot: reads between begin and end see one state of the
 * database (a deferred transaction on a read connection). */
int store_read_begin(store *s);
int store_read_end(store *s);

typedef struct store_filter {
	int64_t enterprise_id, workshop_id, machine_id; /* 0 = any */
	int32_t day0, day1;                             /* shift days, inclusive */
	int32_t shift;                                  /* -1 = any */
	/* optional: the instance starts are in [bucket_from, bucket_to) (0/0:
	 * derived from the days, a day wider on each side for every zone) */
	int64_t bucket_from, bucket_to;
} store_filter;

/* A machine's shift row (the finest level; callers group in C). */
typedef struct store_shift_sum {
	store_shift_key k;
	int64_t good, reject, ideal_ms, ideal_reject_ms;
	int64_t ms[STORE_STATES];
} store_shift_sum;
/* The shift rows in scope matching f, ordered by machine and bucket. */
int store_shift_rows(store *s, store_scope sc, const store_filter *f, store_shift_sum **out,
		     size_t *n);

typedef struct store_reason_sum {
	int state;
	char reason[33];
	int64_t ms;
} store_reason_sum;
int store_shift_reason_sums(store *s, store_scope sc, const store_filter *f, store_reason_sum **out,
			    size_t *n);

/* Worker rows (by machine, shift day, shift, worker). */
typedef struct store_worker_sum {
	int64_t machine_id;
	int32_t shift_day, shift;
	char worker[33];
	int64_t good, reject;
} store_worker_sum;
int store_shift_worker_sums(store *s, store_scope sc, const store_filter *f, store_worker_sum **out,
			    size_t *n);

#endif
