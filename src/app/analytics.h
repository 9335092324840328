/* SPDX-License-Identifier: Apache-2.0 */
/* analytics.h: the figures the dashboard, the API, the exports and the
 * benchmarks show, computed from the rollups (never from raw samples) on a
 * read connection: OEE with losses per machine, workshop, firm, day or
 * shift; the stop-reason Pareto; the output trend with its plan line;
 * pieces per worker per shift and piece-rate wages. OEE figures come out of
 * core/oee.c (oee_finish), wages out of core/wage.c, so every consumer
 * shows the same numbers. Planned time comes from each firm's calendar
 * (app/firmcal.h), clipped to `now` for shifts under way; the newest
 * report of each machine contributes its open state interval up to now. */
#ifndef GLOVED_APP_ANALYTICS_H
#define GLOVED_APP_ANALYTICS_H

#include "core/oee.h"
#include "core/wage.h"
#include "app/firmcal.h"
#include "app/registry.h"
#include "app/writer.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

typedef enum an_group {
	AN_MACHINE = 0,
	AN_WORKSHOP = 1,
	AN_ENTERPRISE = 2,
	AN_DAY = 3,
	AN_SHIFT = 4,
	AN_ALL = 5,
} an_group;

typedef struct an_query {
	store_scope sc;
	int64_t enterprise_id, workshop_id, machine_id; /* 0 = any */
	int32_t day0, day1; /* shift days (days since 1970-01-01), inclusive */
	int32_t shift;      /* -1: every shift */
	an_group group;
	int64_t now_ms;
} an_query;

typedef struct an_row {
	/* the group's key: the fields of its kind are set, others 0 */
	int64_t enterprise_id, workshop_id, machine_id;
	int32_t day, shift; /* AN_DAY: day; AN_SHIFT: day and shift */
	int64_t bucket;     /* AN_SHIFT: the instance start */
	oee_result r;
	int64_t last_mid; /* (internal: machines counted once) */
	int64_t last_cm;
} an_row;

typedef struct an_oee {
	an_row *rows; /* ordered by key */
	size_t n;
	oee_result total;
	store_reason_sum *reasons; /* Pareto of the total, most time first */
	size_t n_reasons;
} an_oee;

/* Computes OEE rows and the total. Returns GLOVED_OK, GLOVED_EINVAL for a
 * bad range (more than 400 days), or a store error. */
int analytics_oee(store *db, registry *reg, firmcal_cache *cals, const an_query *q, an_oee *out);
void analytics_oee_free(an_oee *o);

/* Output trend: buckets of an hour (level 1) or the firm's local day
 * (level 2) in [from_ms, to_ms) with good, reject and the plan (target
 * share of the ideal output of the planned time, machines with a known
 * cycle). */
typedef struct an_trend_bucket {
	int64_t ts_ms;
	int64_t good, reject;
	int64_t plan;
	/* level 2 (days) only: the local day (the calendar of q's firm, or the
	 * default one) and its OEE (analytics_oee grouped by day) */
	int32_t day;
	int oee_known; /* 0: no OEE that day (nothing planned) */
	int64_t oee_bp;
} an_trend_bucket;
int analytics_trend(store *db, registry *reg, firmcal_cache *cals, const an_query *q,
		    store_level level, int64_t from_ms, int64_t to_ms, an_trend_bucket **out,
		    size_t *n);

/* Pieces per worker per shift: a report's worker wins; the rest of a
 * machine's shift goes to the worker assigned to it ("" when nobody is). */
typedef struct an_worker_row {
	char worker[33];
	int64_t enterprise_id, machine_id;
	int32_t day, shift;
	int64_t good, reject;
} an_worker_row;
int analytics_worker_output(store *db, const an_query *q, an_worker_row **out, size_t *n);
/* The good and reject pieces of worker-output rows. */
void analytics_worker_total(const an_worker_row *v, size_t n, int64_t *good, int64_t *reject);

/* A rate card from its JSON (the API's shape); err names the field. */
int analytics_card_parse(const char *json, size_t len, wage_card *out, char *err, size_t errlen);
/* A rate card as JSON into b. */
int analytics_card_json(const wage_card *c, buf *b);
/* "0.0500" (yuan, up to 4 decimals) into 1/10000 yuan. Returns 0 or -1. */
int analytics_parse_y4(const char *s, int64_t *out);

/* Wages of every worker with output in [day0, day1] (a month, or a day):
 * one row per worker (workers of the firm's list without output too). */
typedef struct an_wage_row {
	char worker[33];
	char name[64];
	int has_card;
	unit rate_unit;
	wage_result pay;
} an_wage_row;
int analytics_wages(store *db, const an_query *q, an_wage_row **out, size_t *n);
/* The total of wage rows (pieces and money; paid_qty and remainder are per
 * worker and stay 0). */
void analytics_wages_total(const an_wage_row *v, size_t n, wage_result *tot);

/* A firm's stop reasons: the defaults (yarn_break, needle_break, ...,
 * other), overridden and extended by the firm's own (ent 0: the defaults).
 * *out is malloc'd (the caller frees). Returns GLOVED_OK or a store
 * error. */
int analytics_stop_reasons(store *db, store_scope sc, int64_t ent, store_stop_reason **out,
			   size_t *n);
/* The reason of a list by code, or NULL. */
const store_stop_reason *analytics_reason_find(const store_stop_reason *v, size_t n,
					       const char *code);

/* ---- the analytics writes as the API makes them, each run on the writer
 * thread (writer_call) ---- */

/* A firm's calendar (JSON as firmcal_json writes it). */
int analytics_calendar_put(writer *w, store_scope sc, int64_t ent, const char *json);
/* Adds or renames a firm's stop reason. */
int analytics_reason_put(writer *w, store_scope sc, const store_stop_reason *r);
/* Adds or changes a worker of a firm (its rate card as JSON). */
int analytics_worker_put(writer *w, store_scope sc, const store_worker *wk);
/* Sets n assignments of workers to machine shifts in one transaction. */
int analytics_assignments_put(writer *w, store_scope sc, const store_assignment *as, size_t n);

#endif
