/* SPDX-License-Identifier: Apache-2.0 */
/* analytics.h: the store's analytics capability (included by store.h):
 * firm calendars, stop reasons, workers and assignments, the shift-level
 * rollups and stop events. Same rules as the rest of store.h: scoped
 * reads, the writer's connection for writes. What the tables mean is in
 * docs/internals/analytics.md; the backend table at the end is what a
 * backend fills (docs/internals/store.md). */
#ifndef GLOVED_STORE_ANALYTICS_H
#define GLOVED_STORE_ANALYTICS_H

#include "store/store.h"

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
typedef struct store_shift_reason_delta {
	store_shift_key k;
	int state;
	char reason[33];
	int64_t ms;
} store_shift_reason_delta;
typedef struct store_shift_worker_delta {
	store_shift_key k;
	char worker[33];
	int64_t good, reject;
} store_shift_worker_delta;
/* Many rows at once, as the calls above add each (rows repeating a key
 * add up): one statement per call where the backend has them. */
int store_shift_add_rows(store *s, const store_shift_add *a, size_t n);
int store_shift_reasons_add(store *s, const store_shift_reason_delta *r, size_t n);
int store_shift_workers_add(store *s, const store_shift_worker_delta *w, size_t n);

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
/* Many stop events at once, as store_stop_put each (of one repeated
 * (machine, start), the last). */
int store_stops_put(store *s, const store_stop *x, size_t n);
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

/* ---- queries ---- */

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

/* ---- the backend table ----
 * Same rule as every capability: `version` first, new calls appended and
 * STORE_ANALYTICS_VERSION raised, wrappers refuse an older table. Version
 * 1: every call above but those of version 2, shift_add_rows,
 * shift_reasons_add, shift_workers_add and stops_put (many rows at once). */
#define STORE_ANALYTICS_VERSION 2

typedef struct store_analytics_ops {
	int version;
	int (*calendar_get)(store *s, int64_t enterprise_id, char **json);
	int (*calendar_put)(store *s, store_scope sc, int64_t enterprise_id, const char *json);
	int (*stop_reason_list)(store *s, store_scope sc, int64_t enterprise_id,
				store_stop_reason **out, size_t *n);
	int (*stop_reason_put)(store *s, store_scope sc, const store_stop_reason *r);
	int (*worker_list)(store *s, store_scope sc, int64_t enterprise_id, store_worker **out,
			   size_t *n);
	int (*worker_put)(store *s, store_scope sc, const store_worker *w);
	int (*worker_get)(store *s, int64_t enterprise_id, const char *code, store_worker *out);
	int (*assignment_list)(store *s, store_scope sc, int64_t enterprise_id, int32_t day0,
			       int32_t day1, store_assignment **out, size_t *n);
	int (*assignment_put)(store *s, store_scope sc, const store_assignment *a);
	int (*shift_add_row)(store *s, const store_shift_add *a);
	int (*shift_reason_add)(store *s, const store_shift_key *k, int state, const char *reason,
				int64_t ms);
	int (*shift_worker_add)(store *s, const store_shift_key *k, const char *worker,
				int64_t good, int64_t reject);
	int (*stop_put)(store *s, const store_stop *x);
	int (*stop_get)(store *s, store_scope sc, int64_t machine_id, int64_t start_ms,
			store_stop *out);
	int (*stop_set_reason)(store *s, int64_t machine_id, int64_t start_ms, const char *reason);
	int (*stop_list)(store *s, store_scope sc, int64_t enterprise_id, int64_t machine_id,
			 int64_t from_ms, int64_t to_ms, size_t limit, store_stop **out, size_t *n);
	int (*stop_recent)(store *s, int64_t since_ms, store_stop **out, size_t *n);
	int (*stop_supervised)(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			       store_stop **out, size_t *n);
	int (*shift_rows)(store *s, store_scope sc, const store_filter *f, store_shift_sum **out,
			  size_t *n);
	int (*shift_reason_sums)(store *s, store_scope sc, const store_filter *f,
				 store_reason_sum **out, size_t *n);
	int (*shift_worker_sums)(store *s, store_scope sc, const store_filter *f,
				 store_worker_sum **out, size_t *n);
	/* version 2 */
	int (*shift_add_rows)(store *s, const store_shift_add *a, size_t n);
	int (*shift_reasons_add)(store *s, const store_shift_reason_delta *r, size_t n);
	int (*shift_workers_add)(store *s, const store_shift_worker_delta *w, size_t n);
	int (*stops_put)(store *s, const store_stop *x, size_t n);
} store_analytics_ops;

#endif
