/* SPDX-License-Identifier: Apache-2.0 */
/* store_int.h: the backend method table behind store.h; only src/store/
 * includes this. A backend fills one `store_ops` and embeds `store` as the
 * first member of its connection struct. */
#ifndef GLOVED_STORE_INT_H
#define GLOVED_STORE_INT_H

#include "store/store.h"

typedef struct store_ops {
	const char *name;
	void (*close)(store *s);
	const char *(*errmsg)(store *s);
	int (*schema_version)(store *s, int *out);
	int (*begin)(store *s);
	int (*commit)(store *s);
	int (*rollback)(store *s);
	int (*enterprise_add)(store *s, store_scope sc, store_enterprise *e);
	int (*enterprise_list)(store *s, store_scope sc, store_enterprise **out, size_t *n);
	int (*enterprise_by_code)(store *s, store_scope sc, const char *code,
				  store_enterprise *out);
	int (*workshop_add)(store *s, store_scope sc, store_workshop *w);
	int (*workshop_list)(store *s, store_scope sc, int64_t enterprise_id, store_workshop **out,
			     size_t *n);
	int (*machine_add)(store *s, store_scope sc, store_machine *m);
	int (*machine_list)(store *s, store_scope sc, store_machine **out, size_t *n);
	int (*registry_rev)(store *s, int64_t *out);
	int (*modbus_device_add)(store *s, store_scope sc, store_modbus_device *d);
	int (*modbus_device_list)(store *s, store_scope sc, store_modbus_device **out, size_t *n);
	int (*sparkplug_map_get)(store *s, int64_t enterprise_id, const char *edge_node,
				 store_sparkplug_map *out);
	int (*sparkplug_map_put)(store *s, store_scope sc, const store_sparkplug_map *m);
	int (*user_add)(store *s, store_scope sc, store_user *u);
	int (*user_by_name)(store *s, const char *username, store_user *out);
	int (*user_by_id)(store *s, int64_t id, store_user *out);
	int (*user_list)(store *s, store_scope sc, store_user **out, size_t *n);
	int (*session_add)(store *s, const uint8_t *h, int64_t user_id, int64_t expires_ms);
	int (*session_get)(store *s, const uint8_t *h, int64_t now_ms, int64_t *user_id);
	int (*session_delete)(store *s, const uint8_t *h);
	int (*gateway_add)(store *s, store_scope sc, store_gateway *g, const uint8_t *h);
	int (*gateway_by_token)(store *s, const uint8_t *h, store_gateway *out);
	int (*gateway_list)(store *s, store_scope sc, store_gateway **out, size_t *n);
	int (*sample_insert)(store *s, const store_sample *x);
	int (*sample_update_delta)(store *s, int64_t machine_id, int64_t ts_ms, int64_t d_good,
				   int64_t d_reject);
	int (*rollup_add)(store *s, store_level lvl, int64_t bucket_ms, int64_t machine_id,
			  int64_t enterprise_id, int64_t workshop_id, int64_t d_good,
			  int64_t d_reject);
	int (*live_put)(store *s, const store_live *l);
	int (*live_list)(store *s, store_live **out, size_t *n);
	int (*samples_range)(store *s, int64_t from_ms, int64_t to_ms,
			     int (*cb)(void *ctx, const store_sample *x), void *ctx);
	int (*samples_newest)(store *s, int64_t *out);
	int (*dirty_day_mark)(store *s, int64_t enterprise_id, int64_t day_ms, int64_t next_day_ms);
	int (*dirty_day_clear_all)(store *s);
	int (*dirty_day_list)(store *s, store_dirty_day **out, size_t *n);
	int (*output)(store *s, store_scope sc, store_level lvl, int64_t enterprise_id,
		      int64_t workshop_id, int64_t machine_id, int64_t from_ms, int64_t to_ms,
		      store_bucket **out, size_t *n);
	int (*machine_totals)(store *s, store_scope sc, store_level lvl, int64_t from_ms,
			      int64_t to_ms, store_machine_total **out, size_t *n);
	/* analytics.h */
	int (*calendar_get)(store *s, int64_t enterprise_id, char **json);
	int (*calendar_put)(store *s, store_scope sc, int64_t enterprise_id, const char *json);
	int (*stop_reason_list)(store *s, store_scope sc, int64_t enterprise_id,
				store_stop_reason **out, size_t *n);
	int (*stop_reason_put)(store *s, store_scope sc, const store_stop_reason *r);
	int (*worker_list)(store *s, store_scope sc, int64_t enterprise_id, store_worker **out,
			   size_t *n);
	int (*worker_put)(store *s, store_scope sc, const store_worker *w);
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
	int (*sample_get)(store *s, int64_t machine_id, int64_t ts_ms, store_sample *out);
	int (*sample_mark)(store *s, const store_sample *x);
	int (*rollup_delete)(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			     int64_t hour_from, int64_t hour_to);
	int (*retention_delete)(store *s, store_retain what, int64_t before_ms, int64_t slice_ms,
				int64_t *deleted);
	int (*samples_oldest)(store *s, int64_t *out);
	int (*rebuild_add)(store *s, store_rebuild *r);
	int (*rebuild_next)(store *s, store_rebuild *out);
	int (*rebuild_get)(store *s, int64_t id, store_rebuild *out);
	int (*rebuild_done)(store *s, int64_t id, int64_t done_ms, const char *result);
	int (*read_begin)(store *s);
	int (*read_end)(store *s);
	int (*shift_rows)(store *s, store_scope sc, const store_filter *f, store_shift_sum **out,
			  size_t *n);
	int (*shift_reason_sums)(store *s, store_scope sc, const store_filter *f,
				 store_reason_sum **out, size_t *n);
	int (*shift_worker_sums)(store *s, store_scope sc, const store_filter *f,
				 store_worker_sum **out, size_t *n);
	/* sewn.h */
	int (*style_add)(store *s, store_scope sc, store_style *st);
	int (*style_get)(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			 int64_t id, store_style *out);
	int (*style_list)(store *s, store_scope sc, int64_t enterprise_id, store_style **out,
			  size_t *n);
	int (*order_add)(store *s, store_scope sc, store_order *o);
	int (*order_get)(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			 int64_t id, store_order *out);
	int (*order_list)(store *s, store_scope sc, int64_t enterprise_id, const char *status,
			  store_order **out, size_t *n);
	int (*order_set_status)(store *s, int64_t order_id, const char *status);
	int (*cut_add)(store *s, int64_t order_id, int64_t enterprise_id, int32_t bundle_size,
		       int64_t now_ms, int64_t *cut_id);
	int (*cut_pairs)(store *s, int64_t order_id, store_order_line *out, int32_t *n);
	int (*bundle_next_no)(store *s, int64_t order_id, int32_t *out);
	int (*bundle_add)(store *s, store_bundle *b);
	int (*bundle_get)(store *s, int64_t id, store_bundle *out);
	int (*bundle_list)(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
			   int64_t cut_id, int64_t bundle_id, size_t limit, store_bundle **out,
			   size_t *n);
	int (*bundle_set_out)(store *s, int64_t bundle_id, int64_t household_id, int64_t out_ms);
	int (*bundles_out)(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
			   store_bundle **out, size_t *n);
	int (*household_add)(store *s, store_scope sc, store_household *h);
	int (*household_get)(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			     int64_t id, store_household *out);
	int (*household_list)(store *s, store_scope sc, int64_t enterprise_id,
			      store_household **out, size_t *n);
	int (*dispatch_add)(store *s, store_dispatch *d);
	int (*dispatch_open)(store *s, int64_t bundle_id, store_dispatch *out);
	int (*dispatch_close)(store *s, const store_dispatch *d);
	int (*scan_get)(store *s, int64_t bundle_id, int32_t seq, store_scan *out);
	int (*scan_by_id)(store *s, int64_t enterprise_id, const char *scan_id, store_scan *out);
	int (*scan_add)(store *s, const store_scan *x, int32_t day);
	int (*scan_list)(store *s, store_scope sc, int64_t order_id, int64_t bundle_id,
			 store_scan **out, size_t *n);
	int (*op_done_list)(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
			    store_op_done **out, size_t *n);
	int (*op_day_pairs)(store *s, int64_t order_id, int32_t seq, int32_t day0, int32_t day1,
			    int64_t *pairs);
	int (*scan_days)(store *s, store_scope sc, int64_t enterprise_id, int32_t day0,
			 int32_t day1, const char *worker, store_scan_day **out, size_t *n);
	int (*firm_key_get)(store *s, int64_t enterprise_id, uint8_t *key, char *order_check);
	int (*firm_key_put)(store *s, int64_t enterprise_id, const uint8_t *key,
			    const char *order_check);
	int (*order_machine_add)(store *s, const store_order_machine *m);
	int (*order_machine_list)(store *s, int64_t order_id, store_order_machine **out, size_t *n);
	int (*bundle_set_pairs)(store *s, int64_t bundle_id, int64_t pairs);
	int (*op_day_sums)(store *s, int64_t enterprise_id, int64_t order_id, int32_t day0,
			   int32_t day1, store_op_done **out, size_t *n);
	int (*op_add)(store *s, int64_t order_id, int32_t seq, int64_t enterprise_id, int64_t pairs,
		      int64_t bundles);
	int (*worker_get)(store *s, int64_t enterprise_id, const char *code, store_worker *out);
} store_ops;

struct store {
	const store_ops *ops;
};

/* The SQLite backend's open. */
int store__sqlite_open(const char *path, store_mode mode, const store_options *opt, store **out);

#endif
