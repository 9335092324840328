/* SPDX-License-Identifier: Apache-2.0 */
/* sqlite_int.h: shared between the SQLite backend's files. */
#ifndef GLOVED_STORE_SQLITE_INT_H
#define GLOVED_STORE_SQLITE_INT_H

#include "store/store_int.h"

#include <sqlite3.h>
#include <stddef.h>

/* Runs sql; on error writes the message to err. */
int sqlite__exec(sqlite3 *db, const char *sql, char *err, size_t errlen);
/* Brings the schema to the newest version, one transaction per step. */
int sqlite__migrate(sqlite3 *db, char *err, size_t errlen);
int sqlite__user_version(sqlite3 *db, int *out);

/* The connection (sqlite.c). */
typedef struct sq sq;
enum { SQ_AHOT_SHIFT, SQ_AHOT_REASON, SQ_AHOT_WORKER, SQ_AHOT_STOP, SQ_AHOT_COUNT };
sqlite3_stmt *sqlite__prep(sq *q, const char *sql);
/* Steps a one-shot statement once and finalizes it. */
int sqlite__run(sq *q, sqlite3_stmt *st);
void *sqlite__grow(void **arr, size_t *n, size_t *cap, size_t elem);
int sqlite__fail(sq *q, int rc);
void sqlite__text_col(sqlite3_stmt *st, int col, char *dst, size_t n);
sqlite3 *sqlite__db(sq *q);
sqlite3_stmt **sqlite__ahot(sq *q);
/* A statement of fixed text (a string literal: cached by its address),
 * prepared on first use; give it back with sqlite__release, which resets a
 * cached statement and finalizes any other. */
#define SQ_CACHE 64
sqlite3_stmt *sqlite__cached(sq *q, const char *sql);
void sqlite__release(sq *q, sqlite3_stmt *st);
/* Finalizes the analytics statements of a connection (sq_close). */
void sqlite__analytics_close(sqlite3_stmt **ahot);
/* sqlite_analytics.c: the analytics.h functions */
int sa_calendar_get(store *s, int64_t enterprise_id, char **json);
int sa_calendar_put(store *s, store_scope sc, int64_t enterprise_id, const char *json);
int sa_stop_reason_list(store *s, store_scope sc, int64_t enterprise_id, store_stop_reason **out,
			size_t *n);
int sa_stop_reason_put(store *s, store_scope sc, const store_stop_reason *r);
int sa_worker_list(store *s, store_scope sc, int64_t enterprise_id, store_worker **out, size_t *n);
int sa_worker_put(store *s, store_scope sc, const store_worker *w);
int sa_assignment_list(store *s, store_scope sc, int64_t enterprise_id, int32_t day0, int32_t day1,
		       store_assignment **out, size_t *n);
int sa_assignment_put(store *s, store_scope sc, const store_assignment *a);
int sa_shift_add_row(store *s, const store_shift_add *a);
int sa_shift_reason_add(store *s, const store_shift_key *k, int state, const char *reason,
			int64_t ms);
int sa_shift_worker_add(store *s, const store_shift_key *k, const char *worker, int64_t good,
			int64_t reject);
int sa_stop_put(store *s, const store_stop *x);
int sa_stop_get(store *s, store_scope sc, int64_t machine_id, int64_t start_ms, store_stop *out);
int sa_stop_set_reason(store *s, int64_t machine_id, int64_t start_ms, const char *reason);
int sa_stop_list(store *s, store_scope sc, int64_t enterprise_id, int64_t machine_id,
		 int64_t from_ms, int64_t to_ms, size_t limit, store_stop **out, size_t *n);
int sa_stop_recent(store *s, int64_t since_ms, store_stop **out, size_t *n);
int sa_stop_supervised(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
		       store_stop **out, size_t *n);
int sa_sample_get(store *s, int64_t machine_id, int64_t ts_ms, store_sample *out);
int sa_sample_mark(store *s, const store_sample *x);
int sa_rollup_delete(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
		     int64_t hour_from, int64_t hour_to);
int sa_retention_delete(store *s, store_retain what, int64_t before_ms, int64_t slice_ms,
			int64_t *deleted);
int sa_samples_oldest(store *s, int64_t *out);
int sa_rebuild_add(store *s, store_rebuild *r);
int sa_rebuild_next(store *s, store_rebuild *out);
int sa_rebuild_get(store *s, int64_t id, store_rebuild *out);
int sa_rebuild_done(store *s, int64_t id, int64_t done_ms, const char *result);
int sa_read_begin(store *s);
int sa_read_end(store *s);
int sa_shift_rows(store *s, store_scope sc, const store_filter *f, store_shift_sum **out,
		  size_t *n);
int sa_shift_reason_sums(store *s, store_scope sc, const store_filter *f, store_reason_sum **out,
			 size_t *n);
int sa_shift_worker_sums(store *s, store_scope sc, const store_filter *f, store_worker_sum **out,
			 size_t *n);
/* sqlite_sewn.c: the sewn.h functions */
int sn_style_add(store *s, store_scope sc, store_style *st);
int sn_style_get(store *s, store_scope sc, int64_t enterprise_id, const char *code, int64_t id,
		 store_style *out);
int sn_style_list(store *s, store_scope sc, int64_t enterprise_id, store_style **out, size_t *n);
int sn_order_add(store *s, store_scope sc, store_order *o);
int sn_order_get(store *s, store_scope sc, int64_t enterprise_id, const char *code, int64_t id,
		 store_order *out);
int sn_order_list(store *s, store_scope sc, int64_t enterprise_id, const char *status,
		  store_order **out, size_t *n);
int sn_order_set_status(store *s, int64_t order_id, const char *status);
int sn_cut_add(store *s, int64_t order_id, int64_t enterprise_id, int32_t bundle_size,
	       int64_t now_ms, int64_t *cut_id);
int sn_cut_pairs(store *s, int64_t order_id, store_order_line *out, int32_t *n);
int sn_bundle_next_no(store *s, int64_t order_id, int32_t *out);
int sn_bundle_add(store *s, store_bundle *b);
int sn_bundle_get(store *s, int64_t id, store_bundle *out);
int sn_bundle_list(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
		   int64_t cut_id, int64_t bundle_id, size_t limit, store_bundle **out, size_t *n);
int sn_bundle_set_out(store *s, int64_t bundle_id, int64_t household_id, int64_t out_ms);
int sn_bundles_out(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
		   store_bundle **out, size_t *n);
int sn_household_add(store *s, store_scope sc, store_household *h);
int sn_household_get(store *s, store_scope sc, int64_t enterprise_id, const char *code, int64_t id,
		     store_household *out);
int sn_household_list(store *s, store_scope sc, int64_t enterprise_id, store_household **out,
		      size_t *n);
int sn_dispatch_add(store *s, store_dispatch *d);
int sn_dispatch_open(store *s, int64_t bundle_id, store_dispatch *out);
int sn_dispatch_close(store *s, const store_dispatch *d);
int sn_scan_get(store *s, int64_t bundle_id, int32_t seq, store_scan *out);
int sn_scan_by_id(store *s, int64_t enterprise_id, const char *scan_id, store_scan *out);
int sn_scan_add(store *s, const store_scan *x, int32_t day);
int sn_scan_list(store *s, store_scope sc, int64_t order_id, int64_t bundle_id, store_scan **out,
		 size_t *n);
int sn_op_done_list(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
		    store_op_done **out, size_t *n);
int sn_op_day_pairs(store *s, int64_t order_id, int32_t seq, int32_t day0, int32_t day1,
		    int64_t *pairs);
int sn_scan_days(store *s, store_scope sc, int64_t enterprise_id, int32_t day0, int32_t day1,
		 const char *worker, store_scan_day **out, size_t *n);
int sn_firm_key_get(store *s, int64_t enterprise_id, uint8_t *key, char *order_check);
int sn_firm_key_put(store *s, int64_t enterprise_id, const uint8_t *key, const char *order_check);
int sn_order_machine_add(store *s, const store_order_machine *m);
int sn_order_machine_list(store *s, int64_t order_id, store_order_machine **out, size_t *n);
int sn_bundle_set_pairs(store *s, int64_t bundle_id, int64_t pairs);
int sn_op_day_sums(store *s, int64_t enterprise_id, int64_t order_id, int32_t day0, int32_t day1,
		   store_op_done **out, size_t *n);
int sn_op_add(store *s, int64_t order_id, int32_t seq, int64_t enterprise_id, int64_t pairs,
	      int64_t bundles);
int sa_worker_get(store *s, int64_t enterprise_id, const char *code, store_worker *out);
#endif
