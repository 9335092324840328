/* SPDX-License-Identifier: Apache-2.0 */
/* store_samples.c: the wrappers of store/samples.h (samples, rollups, live
 * state, retention and rebuilds). Each checks that the connection has the
 * samples table at the version that brought the call (STORE__OPS,
 * store_int.h) and dispatches to it, else answers GLOVED_ENOTSUP. A new
 * call appends its wrapper here. */
#include "store/store_int.h"
#include "util/err.h"

#include <string.h>

int store_sample_insert(store *s, const store_sample *x)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, sample_insert);
	return ops ? ops->sample_insert(s, x) : store__enotsup(s);
}

int store_samples_insert(store *s, const store_sample *x, size_t n)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 2, samples_insert);
	return ops ? ops->samples_insert(s, x, n) : store__enotsup(s);
}

int store_sample_update_delta(store *s, int64_t machine_id, int64_t ts_ms, int64_t d_good,
			      int64_t d_reject)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, sample_update_delta);
	return ops ? ops->sample_update_delta(s, machine_id, ts_ms, d_good, d_reject)
		   : store__enotsup(s);
}

int store_sample_get(store *s, int64_t machine_id, int64_t ts_ms, store_sample *out)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, sample_get);
	return ops ? ops->sample_get(s, machine_id, ts_ms, out) : store__enotsup(s);
}

int store_sample_mark(store *s, const store_sample *x)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, sample_mark);
	return ops ? ops->sample_mark(s, x) : store__enotsup(s);
}

int store_rollup_add(store *s, store_level lvl, int64_t bucket_ms, int64_t machine_id,
		     int64_t enterprise_id, int64_t workshop_id, int64_t d_good, int64_t d_reject)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, rollup_add);
	return ops ? ops->rollup_add(s, lvl, bucket_ms, machine_id, enterprise_id, workshop_id,
				     d_good, d_reject)
		   : store__enotsup(s);
}

int store_rollups_add(store *s, store_level lvl, const store_rollup_delta *rows, size_t n)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 2, rollups_add);
	return ops ? ops->rollups_add(s, lvl, rows, n) : store__enotsup(s);
}

int store_live_put(store *s, const store_live *l)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, live_put);
	return ops ? ops->live_put(s, l) : store__enotsup(s);
}

int store_live_list(store *s, store_live **out, size_t *n)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, live_list);
	return ops ? ops->live_list(s, out, n) : store__enotsup_list(s, (void **)out, n);
}

int store_samples_range(store *s, int64_t from_ms, int64_t to_ms,
			int (*cb)(void *ctx, const store_sample *x), void *ctx)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, samples_range);
	return ops ? ops->samples_range(s, from_ms, to_ms, cb, ctx) : store__enotsup(s);
}

int store_samples_newest(store *s, int64_t *out)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, samples_newest);
	return ops ? ops->samples_newest(s, out) : store__enotsup(s);
}

int store_samples_oldest(store *s, int64_t *out)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, samples_oldest);
	return ops ? ops->samples_oldest(s, out) : store__enotsup(s);
}

int store_dirty_day_mark(store *s, int64_t enterprise_id, int64_t day_ms, int64_t next_day_ms)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, dirty_day_mark);
	return ops ? ops->dirty_day_mark(s, enterprise_id, day_ms, next_day_ms) : store__enotsup(s);
}

int store_dirty_day_clear_all(store *s)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, dirty_day_clear_all);
	return ops ? ops->dirty_day_clear_all(s) : store__enotsup(s);
}

int store_dirty_day_list(store *s, store_dirty_day **out, size_t *n)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, dirty_day_list);
	return ops ? ops->dirty_day_list(s, out, n) : store__enotsup_list(s, (void **)out, n);
}

int store_output(store *s, store_scope sc, store_level lvl, int64_t enterprise_id,
		 int64_t workshop_id, int64_t machine_id, int64_t from_ms, int64_t to_ms,
		 store_bucket **out, size_t *n)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, output);
	return ops ? ops->output(s, sc, lvl, enterprise_id, workshop_id, machine_id, from_ms, to_ms,
				 out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_machine_totals(store *s, store_scope sc, store_level lvl, int64_t from_ms, int64_t to_ms,
			 store_machine_total **out, size_t *n)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, machine_totals);
	return ops ? ops->machine_totals(s, sc, lvl, from_ms, to_ms, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_rollup_delete(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			int64_t hour_from, int64_t hour_to)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, rollup_delete);
	return ops ? ops->rollup_delete(s, enterprise_id, from_ms, to_ms, hour_from, hour_to)
		   : store__enotsup(s);
}

int store_retention_delete(store *s, store_retain what, int64_t before_ms, int64_t slice_ms,
			   int64_t *deleted)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, retention_delete);
	return ops ? ops->retention_delete(s, what, before_ms, slice_ms, deleted)
		   : store__enotsup(s);
}

int store_partitions_ensure(store *s, int64_t now_ms)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 3, partitions_ensure);
	return ops ? ops->partitions_ensure(s, now_ms) : store__enotsup(s);
}

int store_rebuild_add(store *s, store_rebuild *r)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, rebuild_add);
	return ops ? ops->rebuild_add(s, r) : store__enotsup(s);
}

int store_rebuild_next(store *s, store_rebuild *out)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, rebuild_next);
	return ops ? ops->rebuild_next(s, out) : store__enotsup(s);
}

int store_rebuild_get(store *s, int64_t id, store_rebuild *out)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, rebuild_get);
	return ops ? ops->rebuild_get(s, id, out) : store__enotsup(s);
}

int store_rebuild_done(store *s, int64_t id, int64_t done_ms, const char *result)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 1, rebuild_done);
	return ops ? ops->rebuild_done(s, id, done_ms, result) : store__enotsup(s);
}

int store_machines_lock(store *s, const int64_t *ids, size_t n, int64_t *revs)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 3, machines_lock);
	return ops ? ops->machines_lock(s, ids, n, revs) : store__enotsup(s);
}

int store_machines_state(store *s, const int64_t *ids, const int64_t *day_from,
			 const int64_t *day_to, size_t n, store_machine_state *out)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 3, machines_state);
	if (n)
		memset(out, 0, n * sizeof *out);
	return ops ? ops->machines_state(s, ids, day_from, day_to, n, out) : store__enotsup(s);
}

int store_notify(store *s, const char *payload)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 3, notify);
	if (ops && strlen(payload) > STORE_NOTIFY_MAX)
		return GLOVED_EINVAL;
	return ops ? ops->notify(s, payload) : store__enotsup(s);
}

int store_samples_range_of(store *s, int64_t from_ms, int64_t to_ms, const int64_t *ids, size_t n,
			   int (*cb)(void *ctx, const store_sample *x), void *ctx)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 4, samples_range_of);
	if (!ops)
		return store__enotsup(s);
	return n ? ops->samples_range_of(s, from_ms, to_ms, ids, n, cb, ctx) : GLOVED_OK;
}

int store_lives_put(store *s, const store_live *l, size_t n)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 4, lives_put);
	if (!ops)
		return store__enotsup(s);
	return n ? ops->lives_put(s, l, n) : GLOVED_OK;
}

int store_sample_before(store *s, int64_t machine_id, int64_t ts_ms, store_sample *out)
{
	const store_samples_ops *ops = STORE__OPS(s, samples, 3, sample_before);
	return ops ? ops->sample_before(s, machine_id, ts_ms, out) : store__enotsup(s);
}
