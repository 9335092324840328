/* SPDX-License-Identifier: Apache-2.0 */
/* pay.h: the pay of scanned (sewn) work as a worker or household sees it:
 * one worker day under the worker's rate card, a day's pairs and pay (the
 * scan answer's "today"), and the scanned output table of a range of days
 * per day or per worker (GET /api/v1/scan-output as JSON, CSV and xlsx).
 * Every figure comes from the scan rollups (rollup_scan_day) and
 * core/sewn.c's sewn_pay_worker_day (through core/wage.c), so the scan
 * answer, the table and its exports agree. docs/internals/sewn.md, "Pay". */
#ifndef GLOVED_APP_PAY_H
#define GLOVED_APP_PAY_H

#include "core/sewn.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* One day of scanned work w[0..n): each operation's rate, plus the day
 * steps of the rate card of wk (the worker's row of the firm's list; NULL
 * for a household or a worker not on the list, or a card that does not
 * parse: the rates alone). Returns GLOVED_OK or an error of core/wage.c. */
int pay_worker_day(const sewn_work *w, size_t n, const store_worker *wk, wage_result *out);

/* A worker's (or a household's: worker NULL) pairs and pay in fen on the
 * firm's local day `day`. Returns GLOVED_OK or a store error. */
int pay_day_total(store *s, int64_t enterprise_id, const char *worker, int64_t household_id,
		  int32_t day, int64_t *pairs, int64_t *pay_fen);

typedef struct pay_row {
	int32_t day;   /* the day (per worker: the person's last day in the range) */
	int64_t days;  /* days worked: 1 per day, the range's per worker */
	int household; /* who is a household's code, not a worker's */
	char who[40];
	char name[64];
	int64_t pairs, bonus_fen, pay_fen;
} pay_row;

typedef struct pay_output {
	pay_row *rows; /* by worker, household, day */
	size_t n;
	int64_t pairs, bonus_fen, pay_fen; /* the total */
} pay_output;

/* Scanned pairs and pay of firm ent on days [day0, day1], a row per worker
 * or household and day, or (per_worker) per worker or household over the
 * range: the sum of its days, each paid by its own day's rules. Returns
 * GLOVED_OK with *out filled (free with pay_output_free) or a store error. */
int pay_scan_output(store *db, store_scope sc, int64_t ent, int32_t day0, int32_t day1,
		    int per_worker, pay_output *out);
/* Frees what pay_scan_output filled; NULL is fine. */
void pay_output_free(pay_output *o);

#endif
