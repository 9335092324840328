/* SPDX-License-Identifier: Apache-2.0 */
/* store_analytics.c: the wrappers of store/analytics.h (calendars, workers,
 * shift rollups and stops). Each checks that the connection has the
 * analytics table at the version that brought the call (STORE__OPS,
 * store_int.h) and dispatches to it, else answers GLOVED_ENOTSUP. A new
 * call appends its wrapper here. */
#include "store/store_int.h"
#include "util/err.h"

int store_calendar_get(store *s, int64_t enterprise_id, char **json)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, calendar_get);
	return ops ? ops->calendar_get(s, enterprise_id, json)
		   : store__enotsup_list(s, (void **)json, NULL);
}

int store_calendar_put(store *s, store_scope sc, int64_t enterprise_id, const char *json)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, calendar_put);
	return ops ? ops->calendar_put(s, sc, enterprise_id, json) : store__enotsup(s);
}

int store_stop_reason_list(store *s, store_scope sc, int64_t enterprise_id, store_stop_reason **out,
			   size_t *n)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, stop_reason_list);
	return ops ? ops->stop_reason_list(s, sc, enterprise_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_stop_reason_put(store *s, store_scope sc, const store_stop_reason *r)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, stop_reason_put);
	return ops ? ops->stop_reason_put(s, sc, r) : store__enotsup(s);
}

int store_worker_list(store *s, store_scope sc, int64_t enterprise_id, store_worker **out,
		      size_t *n)
{
	if (STORE__PRIVATE(sc))
		return store__private_list(s, (void **)out, n);
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, worker_list);
	return ops ? ops->worker_list(s, sc, enterprise_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_worker_put(store *s, store_scope sc, const store_worker *w)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, worker_put);
	return ops ? ops->worker_put(s, sc, w) : store__enotsup(s);
}

int store_worker_get(store *s, int64_t enterprise_id, const char *code, store_worker *out)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, worker_get);
	return ops ? ops->worker_get(s, enterprise_id, code, out) : store__enotsup(s);
}

int store_assignment_list(store *s, store_scope sc, int64_t enterprise_id, int32_t day0,
			  int32_t day1, store_assignment **out, size_t *n)
{
	if (STORE__PRIVATE(sc))
		return store__private_list(s, (void **)out, n);
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, assignment_list);
	return ops ? ops->assignment_list(s, sc, enterprise_id, day0, day1, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_assignment_put(store *s, store_scope sc, const store_assignment *a)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, assignment_put);
	return ops ? ops->assignment_put(s, sc, a) : store__enotsup(s);
}

int store_shift_add_row(store *s, const store_shift_add *a)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, shift_add_row);
	return ops ? ops->shift_add_row(s, a) : store__enotsup(s);
}

int store_shift_reason_add(store *s, const store_shift_key *k, int state, const char *reason,
			   int64_t ms)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, shift_reason_add);
	return ops ? ops->shift_reason_add(s, k, state, reason, ms) : store__enotsup(s);
}

int store_shift_worker_add(store *s, const store_shift_key *k, const char *worker, int64_t good,
			   int64_t reject)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, shift_worker_add);
	return ops ? ops->shift_worker_add(s, k, worker, good, reject) : store__enotsup(s);
}

int store_shift_add_rows(store *s, const store_shift_add *a, size_t n)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 2, shift_add_rows);
	if (!ops)
		return store__enotsup(s);
	return n ? ops->shift_add_rows(s, a, n) : GLOVED_OK;
}

int store_shift_reasons_add(store *s, const store_shift_reason_delta *r, size_t n)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 2, shift_reasons_add);
	if (!ops)
		return store__enotsup(s);
	return n ? ops->shift_reasons_add(s, r, n) : GLOVED_OK;
}

int store_shift_workers_add(store *s, const store_shift_worker_delta *w, size_t n)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 2, shift_workers_add);
	if (!ops)
		return store__enotsup(s);
	return n ? ops->shift_workers_add(s, w, n) : GLOVED_OK;
}

int store_stops_put(store *s, const store_stop *x, size_t n)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 2, stops_put);
	if (!ops)
		return store__enotsup(s);
	return n ? ops->stops_put(s, x, n) : GLOVED_OK;
}

int store_stop_put(store *s, const store_stop *x)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, stop_put);
	return ops ? ops->stop_put(s, x) : store__enotsup(s);
}

int store_stop_get(store *s, store_scope sc, int64_t machine_id, int64_t start_ms, store_stop *out)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, stop_get);
	return ops ? ops->stop_get(s, sc, machine_id, start_ms, out) : store__enotsup(s);
}

int store_stop_set_reason(store *s, int64_t machine_id, int64_t start_ms, const char *reason)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, stop_set_reason);
	return ops ? ops->stop_set_reason(s, machine_id, start_ms, reason) : store__enotsup(s);
}

int store_stop_list(store *s, store_scope sc, int64_t enterprise_id, int64_t machine_id,
		    int64_t from_ms, int64_t to_ms, size_t limit, store_stop **out, size_t *n)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, stop_list);
	return ops ? ops->stop_list(s, sc, enterprise_id, machine_id, from_ms, to_ms, limit, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_stop_recent(store *s, int64_t since_ms, store_stop **out, size_t *n)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, stop_recent);
	return ops ? ops->stop_recent(s, since_ms, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_stop_supervised(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			  store_stop **out, size_t *n)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, stop_supervised);
	return ops ? ops->stop_supervised(s, enterprise_id, from_ms, to_ms, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_shift_rows(store *s, store_scope sc, const store_filter *f, store_shift_sum **out,
		     size_t *n)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, shift_rows);
	return ops ? ops->shift_rows(s, sc, f, out, n) : store__enotsup_list(s, (void **)out, n);
}

int store_shift_reason_sums(store *s, store_scope sc, const store_filter *f, store_reason_sum **out,
			    size_t *n)
{
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, shift_reason_sums);
	return ops ? ops->shift_reason_sums(s, sc, f, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_shift_worker_sums(store *s, store_scope sc, const store_filter *f, store_worker_sum **out,
			    size_t *n)
{
	if (STORE__PRIVATE(sc))
		return store__private_list(s, (void **)out, n);
	const store_analytics_ops *ops = STORE__OPS(s, analytics, 1, shift_worker_sums);
	return ops ? ops->shift_worker_sums(s, sc, f, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}
