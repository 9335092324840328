/* SPDX-License-Identifier: Apache-2.0 */
/* store.c: the thin wrappers that dispatch store.h calls to the backend
 * of the connection (store_int.h); the one place to add logging or fault
 * injection around storage. */
#include "store/store_int.h"
#include "util/err.h"

#include <string.h>

int store_open(const char *uri, store_mode mode, const store_options *opt, store **out)
{
	*out = NULL;
	if (!uri || !*uri)
		return GLOVED_EINVAL;
	if (strncmp(uri, "postgres", 8) == 0)
		return GLOVED_EINVAL; /* not built yet */
	return store__sqlite_open(uri, mode, opt, out);
}

void store_close(store *s)
{
	if (s)
		s->ops->close(s);
}

const char *store_errmsg(store *s)
{
	return s->ops->errmsg(s);
}

int store_schema_version(store *s, int *out)
{
	return s->ops->schema_version(s, out);
}

int store_begin(store *s)
{
	return s->ops->begin(s);
}

int store_commit(store *s)
{
	return s->ops->commit(s);
}

int store_rollback(store *s)
{
	return s->ops->rollback(s);
}

int store_enterprise_add(store *s, store_scope sc, store_enterprise *e)
{
	return s->ops->enterprise_add(s, sc, e);
}

int store_enterprise_list(store *s, store_scope sc, store_enterprise **out, size_t *n)
{
	return s->ops->enterprise_list(s, sc, out, n);
}

int store_enterprise_by_code(store *s, store_scope sc, const char *code, store_enterprise *out)
{
	return s->ops->enterprise_by_code(s, sc, code, out);
}

int store_workshop_add(store *s, store_scope sc, store_workshop *w)
{
	return s->ops->workshop_add(s, sc, w);
}

int store_workshop_list(store *s, store_scope sc, int64_t enterprise_id, store_workshop **out,
			size_t *n)
{
	return s->ops->workshop_list(s, sc, enterprise_id, out, n);
}

int store_machine_add(store *s, store_scope sc, store_machine *m)
{
	return s->ops->machine_add(s, sc, m);
}

int store_machine_list(store *s, store_scope sc, store_machine **out, size_t *n)
{
	return s->ops->machine_list(s, sc, out, n);
}

int store_registry_rev(store *s, int64_t *out)
{
	return s->ops->registry_rev(s, out);
}

int store_modbus_device_add(store *s, store_scope sc, store_modbus_device *d)
{
	return s->ops->modbus_device_add(s, sc, d);
}

int store_modbus_device_list(store *s, store_scope sc, store_modbus_device **out, size_t *n)
{
	return s->ops->modbus_device_list(s, sc, out, n);
}

int store_sparkplug_map_get(store *s, int64_t enterprise_id, const char *edge_node,
			    store_sparkplug_map *out)
{
	return s->ops->sparkplug_map_get(s, enterprise_id, edge_node, out);
}

int store_sparkplug_map_put(store *s, store_scope sc, const store_sparkplug_map *m)
{
	return s->ops->sparkplug_map_put(s, sc, m);
}

int store_user_add(store *s, store_scope sc, store_user *u)
{
	return s->ops->user_add(s, sc, u);
}

int store_user_by_name(store *s, const char *username, store_user *out)
{
	return s->ops->user_by_name(s, username, out);
}

int store_user_by_id(store *s, int64_t id, store_user *out)
{
	return s->ops->user_by_id(s, id, out);
}

int store_user_list(store *s, store_scope sc, store_user **out, size_t *n)
{
	return s->ops->user_list(s, sc, out, n);
}

int store_session_add(store *s, const uint8_t *token_hash, int64_t user_id, int64_t expires_ms)
{
	return s->ops->session_add(s, token_hash, user_id, expires_ms);
}

int store_session_get(store *s, const uint8_t *token_hash, int64_t now_ms, int64_t *user_id)
{
	return s->ops->session_get(s, token_hash, now_ms, user_id);
}

int store_session_delete(store *s, const uint8_t *token_hash)
{
	return s->ops->session_delete(s, token_hash);
}

int store_gateway_add(store *s, store_scope sc, store_gateway *g, const uint8_t *token_hash)
{
	return s->ops->gateway_add(s, sc, g, token_hash);
}

int store_gateway_by_token(store *s, const uint8_t *token_hash, store_gateway *out)
{
	return s->ops->gateway_by_token(s, token_hash, out);
}

int store_gateway_list(store *s, store_scope sc, store_gateway **out, size_t *n)
{
	return s->ops->gateway_list(s, sc, out, n);
}

int store_sample_insert(store *s, const store_sample *x)
{
	return s->ops->sample_insert(s, x);
}

int store_sample_update_delta(store *s, int64_t machine_id, int64_t ts_ms, int64_t d_good,
			      int64_t d_reject)
{
	return s->ops->sample_update_delta(s, machine_id, ts_ms, d_good, d_reject);
}

int store_rollup_add(store *s, store_level lvl, int64_t bucket_ms, int64_t machine_id,
		     int64_t enterprise_id, int64_t workshop_id, int64_t d_good, int64_t d_reject)
{
	return s->ops->rollup_add(s, lvl, bucket_ms, machine_id, enterprise_id, workshop_id, d_good,
				  d_reject);
}

int store_live_put(store *s, const store_live *l)
{
	return s->ops->live_put(s, l);
}

int store_live_list(store *s, store_live **out, size_t *n)
{
	return s->ops->live_list(s, out, n);
}

int store_samples_range(store *s, int64_t from_ms, int64_t to_ms,
			int (*cb)(void *ctx, const store_sample *x), void *ctx)
{
	return s->ops->samples_range(s, from_ms, to_ms, cb, ctx);
}

int store_samples_newest(store *s, int64_t *out)
{
	return s->ops->samples_newest(s, out);
}

int store_output(store *s, store_scope sc, store_level lvl, int64_t enterprise_id,
		 int64_t workshop_id, int64_t machine_id, int64_t from_ms, int64_t to_ms,
		 store_bucket **out, size_t *n)
{
	return s->ops->output(s, sc, lvl, enterprise_id, workshop_id, machine_id, from_ms, to_ms,
			      out, n);
}

int store_machine_totals(store *s, store_scope sc, store_level lvl, int64_t from_ms, int64_t to_ms,
			 store_machine_total **out, size_t *n)
{
	return s->ops->machine_totals(s, sc, lvl, from_ms, to_ms, out, n);
}

int store_dirty_day_mark(store *s, int64_t enterprise_id, int64_t day_ms, int64_t next_day_ms)
{
	return s->ops->dirty_day_mark(s, enterprise_id, day_ms, next_day_ms);
}

int store_dirty_day_clear_all(store *s)
{
	return s->ops->dirty_day_clear_all(s);
}

int store_dirty_day_list(store *s, store_dirty_day **out, size_t *n)
{
	return s->ops->dirty_day_list(s, out, n);
}

/* ---- analytics.h ---- */

int store_calendar_get(store *s, int64_t enterprise_id, char **json)
{
	return s->ops->calendar_get(s, enterprise_id, json);
}

int store_calendar_put(store *s, store_scope sc, int64_t enterprise_id, const char *json)
{
	return s->ops->calendar_put(s, sc, enterprise_id, json);
}

int store_stop_reason_list(store *s, store_scope sc, int64_t enterprise_id, store_stop_reason **out,
			   size_t *n)
{
	return s->ops->stop_reason_list(s, sc, enterprise_id, out, n);
}

int store_stop_reason_put(store *s, store_scope sc, const store_stop_reason *r)
{
	return s->ops->stop_reason_put(s, sc, r);
}

int store_worker_list(store *s, store_scope sc, int64_t enterprise_id, store_worker **out,
		      size_t *n)
{
	return s->ops->worker_list(s, sc, enterprise_id, out, n);
}

int store_worker_put(store *s, store_scope sc, const store_worker *w)
{
	return s->ops->worker_put(s, sc, w);
}

int store_assignment_list(store *s, store_scope sc, int64_t enterprise_id, int32_t day0,
			  int32_t day1, store_assignment **out, size_t *n)
{
	return s->ops->assignment_list(s, sc, enterprise_id, day0, day1, out, n);
}

int store_assignment_put(store *s, store_scope sc, const store_assignment *a)
{
	return s->ops->assignment_put(s, sc, a);
}

int store_shift_add_row(store *s, const store_shift_add *a)
{
	return s->ops->shift_add_row(s, a);
}

int store_shift_reason_add(store *s, const store_shift_key *k, int state, const char *reason,
			   int64_t ms)
{
	return s->ops->shift_reason_add(s, k, state, reason, ms);
}

int store_shift_worker_add(store *s, const store_shift_key *k, const char *worker, int64_t good,
			   int64_t reject)
{
	return s->ops->shift_worker_add(s, k, worker, good, reject);
}

int store_stop_put(store *s, const store_stop *x)
{
	return s->ops->stop_put(s, x);
}

int store_stop_get(store *s, store_scope sc, int64_t machine_id, int64_t start_ms, store_stop *out)
{
	return s->ops->stop_get(s, sc, machine_id, start_ms, out);
}

int store_stop_set_reason(store *s, int64_t machine_id, int64_t start_ms, const char *reason)
{
	return s->ops->stop_set_reason(s, machine_id, start_ms, reason);
}

int store_stop_list(store *s, store_scope sc, int64_t enterprise_id, int64_t machine_id,
		    int64_t from_ms, int64_t to_ms, size_t limit, store_stop **out, size_t *n)
{
	return s->ops->stop_list(s, sc, enterprise_id, machine_id, from_ms, to_ms, limit, out, n);
}

int store_stop_recent(store *s, int64_t since_ms, store_stop **out, size_t *n)
{
	return s->ops->stop_recent(s, since_ms, out, n);
}

int store_stop_supervised(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			  store_stop **out, size_t *n)
{
	return s->ops->stop_supervised(s, enterprise_id, from_ms, to_ms, out, n);
}

int store_sample_get(store *s, int64_t machine_id, int64_t ts_ms, store_sample *out)
{
	return s->ops->sample_get(s, machine_id, ts_ms, out);
}

int store_sample_mark(store *s, const store_sample *x)
{
	return s->ops->sample_mark(s, x);
}

int store_rollup_delete(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			int64_t hour_from, int64_t hour_to)
{
	return s->ops->rollup_delete(s, enterprise_id, from_ms, to_ms, hour_from, hour_to);
}

int store_retention_delete(store *s, store_retain what, int64_t before_ms, int64_t slice_ms,
			   int64_t *deleted)
{
	return s->ops->retention_delete(s, what, before_ms, slice_ms, deleted);
}

int store_samples_oldest(store *s, int64_t *out)
{
	return s->ops->samples_oldest(s, out);
}

int store_rebuild_add(store *s, store_rebuild *r)
{
	return s->ops->rebuild_add(s, r);
}

int store_rebuild_next(store *s, store_rebuild *out)
{
	return s->ops->rebuild_next(s, out);
}

int store_rebuild_get(store *s, int64_t id, store_rebuild *out)
{
	return s->ops->rebuild_get(s, id, out);
}

int store_rebuild_done(store *s, int64_t id, int64_t done_ms, const char *result)
{
	return s->ops->rebuild_done(s, id, done_ms, result);
}

int store_read_begin(store *s)
{
	return s->ops->read_begin(s);
}

int store_read_end(store *s)
{
	return s->ops->read_end(s);
}

int store_shift_rows(store *s, store_scope sc, const store_filter *f, store_shift_sum **out,
		     size_t *n)
{
	return s->ops->shift_rows(s, sc, f, out, n);
}

int store_shift_reason_sums(store *s, store_scope sc, const store_filter *f, store_reason_sum **out,
			    size_t *n)
{
	return s->ops->shift_reason_sums(s, sc, f, out, n);
}

int store_shift_worker_sums(store *s, store_scope sc, const store_filter *f, store_worker_sum **out,
			    size_t *n)
{
	return s->ops->shift_worker_sums(s, sc, f, out, n);
}

/* ---- sewn.h ---- */

int store_style_add(store *s, store_scope sc, store_style *st)
{
	return s->ops->style_add(s, sc, st);
}

int store_style_get(store *s, store_scope sc, int64_t enterprise_id, const char *code, int64_t id,
		    store_style *out)
{
	return s->ops->style_get(s, sc, enterprise_id, code, id, out);
}

int store_style_list(store *s, store_scope sc, int64_t enterprise_id, store_style **out, size_t *n)
{
	return s->ops->style_list(s, sc, enterprise_id, out, n);
}

int store_order_add(store *s, store_scope sc, store_order *o)
{
	return s->ops->order_add(s, sc, o);
}

int store_order_get(store *s, store_scope sc, int64_t enterprise_id, const char *code, int64_t id,
		    store_order *out)
{
	return s->ops->order_get(s, sc, enterprise_id, code, id, out);
}

int store_order_list(store *s, store_scope sc, int64_t enterprise_id, const char *status,
		     store_order **out, size_t *n)
{
	return s->ops->order_list(s, sc, enterprise_id, status, out, n);
}

int store_order_set_status(store *s, int64_t order_id, const char *status)
{
	return s->ops->order_set_status(s, order_id, status);
}

int store_cut_add(store *s, int64_t order_id, int64_t enterprise_id, int32_t bundle_size,
		  int64_t now_ms, int64_t *cut_id)
{
	return s->ops->cut_add(s, order_id, enterprise_id, bundle_size, now_ms, cut_id);
}

int store_cut_pairs(store *s, int64_t order_id, store_order_line *out, int32_t *n)
{
	return s->ops->cut_pairs(s, order_id, out, n);
}

int store_bundle_next_no(store *s, int64_t order_id, int32_t *out)
{
	return s->ops->bundle_next_no(s, order_id, out);
}

int store_bundle_add(store *s, store_bundle *b)
{
	return s->ops->bundle_add(s, b);
}

int store_bundle_get(store *s, int64_t id, store_bundle *out)
{
	return s->ops->bundle_get(s, id, out);
}

int store_bundle_list(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
		      int64_t cut_id, int64_t bundle_id, size_t limit, store_bundle **out,
		      size_t *n)
{
	return s->ops->bundle_list(s, sc, enterprise_id, order_id, cut_id, bundle_id, limit, out,
				   n);
}

int store_bundle_set_out(store *s, int64_t bundle_id, int64_t household_id, int64_t out_ms)
{
	return s->ops->bundle_set_out(s, bundle_id, household_id, out_ms);
}

int store_bundles_out(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
		      store_bundle **out, size_t *n)
{
	return s->ops->bundles_out(s, sc, enterprise_id, order_id, out, n);
}

int store_household_add(store *s, store_scope sc, store_household *h)
{
	return s->ops->household_add(s, sc, h);
}

int store_household_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			int64_t id, store_household *out)
{
	return s->ops->household_get(s, sc, enterprise_id, code, id, out);
}

int store_household_list(store *s, store_scope sc, int64_t enterprise_id, store_household **out,
			 size_t *n)
{
	return s->ops->household_list(s, sc, enterprise_id, out, n);
}

int store_dispatch_add(store *s, store_dispatch *d)
{
	return s->ops->dispatch_add(s, d);
}

int store_dispatch_open(store *s, int64_t bundle_id, store_dispatch *out)
{
	return s->ops->dispatch_open(s, bundle_id, out);
}

int store_dispatch_close(store *s, const store_dispatch *d)
{
	return s->ops->dispatch_close(s, d);
}

int store_scan_get(store *s, int64_t bundle_id, int32_t seq, store_scan *out)
{
	return s->ops->scan_get(s, bundle_id, seq, out);
}

int store_scan_by_id(store *s, int64_t enterprise_id, const char *scan_id, store_scan *out)
{
	return s->ops->scan_by_id(s, enterprise_id, scan_id, out);
}

int store_scan_add(store *s, const store_scan *x, int32_t day)
{
	return s->ops->scan_add(s, x, day);
}

int store_scan_list(store *s, store_scope sc, int64_t order_id, int64_t bundle_id, store_scan **out,
		    size_t *n)
{
	return s->ops->scan_list(s, sc, order_id, bundle_id, out, n);
}

int store_op_done_list(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
		       store_op_done **out, size_t *n)
{
	return s->ops->op_done_list(s, sc, enterprise_id, order_id, out, n);
}

int store_op_day_pairs(store *s, int64_t order_id, int32_t seq, int32_t day0, int32_t day1,
		       int64_t *pairs)
{
	return s->ops->op_day_pairs(s, order_id, seq, day0, day1, pairs);
}

int store_scan_days(store *s, store_scope sc, int64_t enterprise_id, int32_t day0, int32_t day1,
		    const char *worker, store_scan_day **out, size_t *n)
{
	return s->ops->scan_days(s, sc, enterprise_id, day0, day1, worker, out, n);
}

int store_firm_key_get(store *s, int64_t enterprise_id, uint8_t *key, char *order_check)
{
	return s->ops->firm_key_get(s, enterprise_id, key, order_check);
}

int store_firm_key_put(store *s, int64_t enterprise_id, const uint8_t *key, const char *order_check)
{
	return s->ops->firm_key_put(s, enterprise_id, key, order_check);
}

int store_order_machine_add(store *s, const store_order_machine *m)
{
	return s->ops->order_machine_add(s, m);
}

int store_order_machine_list(store *s, int64_t order_id, store_order_machine **out, size_t *n)
{
	return s->ops->order_machine_list(s, order_id, out, n);
}

int store_bundle_set_pairs(store *s, int64_t bundle_id, int64_t pairs)
{
	return s->ops->bundle_set_pairs(s, bundle_id, pairs);
}

int store_op_day_sums(store *s, int64_t enterprise_id, int64_t order_id, int32_t day0, int32_t day1,
		      store_op_done **out, size_t *n)
{
	return s->ops->op_day_sums(s, enterprise_id, order_id, day0, day1, out, n);
}

int store_op_add(store *s, int64_t order_id, int32_t seq, int64_t enterprise_id, int64_t pairs,
		 int64_t bundles)
{
	return s->ops->op_add(s, order_id, seq, enterprise_id, pairs, bundles);
}

int store_worker_get(store *s, int64_t enterprise_id, const char *code, store_worker *out)
{
	return s->ops->worker_get(s, enterprise_id, code, out);
}
