/* SPDX-License-Identifier: Apache-2.0 */
/* store_sewn.c: the wrappers of store/sewn.h (styles, orders, bundles,
 * households and scans). Each checks that the connection has the sewn table
 * at the version that brought the call (STORE__OPS, store_int.h) and
 * dispatches to it, else answers GLOVED_ENOTSUP. A new call appends its
 * wrapper here. */
#include "store/store_int.h"
#include "util/err.h"

int store_style_add(store *s, store_scope sc, store_style *st)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, style_add);
	return ops ? ops->style_add(s, sc, st) : store__enotsup(s);
}

int store_style_get(store *s, store_scope sc, int64_t enterprise_id, const char *code, int64_t id,
		    store_style *out)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, style_get);
	return ops ? ops->style_get(s, sc, enterprise_id, code, id, out) : store__enotsup(s);
}

int store_style_list(store *s, store_scope sc, int64_t enterprise_id, store_style **out, size_t *n)
{
	if (STORE__PRIVATE(sc))
		return store__private_list(s, (void **)out, n);
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, style_list);
	return ops ? ops->style_list(s, sc, enterprise_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_order_add(store *s, store_scope sc, store_order *o)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, order_add);
	return ops ? ops->order_add(s, sc, o) : store__enotsup(s);
}

int store_order_get(store *s, store_scope sc, int64_t enterprise_id, const char *code, int64_t id,
		    store_order *out)
{
	if (STORE__PRIVATE(sc))
		return GLOVED_EPERM;
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, order_get);
	return ops ? ops->order_get(s, sc, enterprise_id, code, id, out) : store__enotsup(s);
}

int store_order_list(store *s, store_scope sc, int64_t enterprise_id, const char *status,
		     store_order **out, size_t *n)
{
	if (STORE__PRIVATE(sc))
		return store__private_list(s, (void **)out, n);
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, order_list);
	return ops ? ops->order_list(s, sc, enterprise_id, status, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_order_set_status(store *s, int64_t order_id, const char *status)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, order_set_status);
	return ops ? ops->order_set_status(s, order_id, status) : store__enotsup(s);
}

int store_cut_add(store *s, int64_t order_id, int64_t enterprise_id, int32_t bundle_size,
		  int64_t now_ms, int64_t *cut_id)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, cut_add);
	return ops ? ops->cut_add(s, order_id, enterprise_id, bundle_size, now_ms, cut_id)
		   : store__enotsup(s);
}

int store_cut_pairs(store *s, int64_t order_id, store_order_line *out, int32_t *n)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, cut_pairs);
	return ops ? ops->cut_pairs(s, order_id, out, n) : store__enotsup(s);
}

int store_bundle_next_no(store *s, int64_t order_id, int32_t *out)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, bundle_next_no);
	return ops ? ops->bundle_next_no(s, order_id, out) : store__enotsup(s);
}

int store_bundle_add(store *s, store_bundle *b)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, bundle_add);
	return ops ? ops->bundle_add(s, b) : store__enotsup(s);
}

int store_bundle_get(store *s, int64_t id, store_bundle *out)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, bundle_get);
	return ops ? ops->bundle_get(s, id, out) : store__enotsup(s);
}

int store_bundle_list(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
		      int64_t cut_id, int64_t bundle_id, size_t limit, store_bundle **out,
		      size_t *n)
{
	if (STORE__PRIVATE(sc))
		return store__private_list(s, (void **)out, n);
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, bundle_list);
	return ops ? ops->bundle_list(s, sc, enterprise_id, order_id, cut_id, bundle_id, limit, out,
				      n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_bundle_set_out(store *s, int64_t bundle_id, int64_t household_id, int64_t out_ms)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, bundle_set_out);
	return ops ? ops->bundle_set_out(s, bundle_id, household_id, out_ms) : store__enotsup(s);
}

int store_bundle_set_pairs(store *s, int64_t bundle_id, int64_t pairs)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, bundle_set_pairs);
	return ops ? ops->bundle_set_pairs(s, bundle_id, pairs) : store__enotsup(s);
}

int store_bundles_out(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
		      store_bundle **out, size_t *n)
{
	if (STORE__PRIVATE(sc))
		return store__private_list(s, (void **)out, n);
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, bundles_out);
	return ops ? ops->bundles_out(s, sc, enterprise_id, order_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_household_add(store *s, store_scope sc, store_household *h)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, household_add);
	return ops ? ops->household_add(s, sc, h) : store__enotsup(s);
}

int store_household_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			int64_t id, store_household *out)
{
	if (STORE__PRIVATE(sc))
		return GLOVED_EPERM;
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, household_get);
	return ops ? ops->household_get(s, sc, enterprise_id, code, id, out) : store__enotsup(s);
}

int store_household_list(store *s, store_scope sc, int64_t enterprise_id, store_household **out,
			 size_t *n)
{
	if (STORE__PRIVATE(sc))
		return store__private_list(s, (void **)out, n);
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, household_list);
	return ops ? ops->household_list(s, sc, enterprise_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_dispatch_add(store *s, store_dispatch *d)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, dispatch_add);
	return ops ? ops->dispatch_add(s, d) : store__enotsup(s);
}

int store_dispatch_open(store *s, int64_t bundle_id, store_dispatch *out)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, dispatch_open);
	return ops ? ops->dispatch_open(s, bundle_id, out) : store__enotsup(s);
}

int store_dispatch_close(store *s, const store_dispatch *d)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, dispatch_close);
	return ops ? ops->dispatch_close(s, d) : store__enotsup(s);
}

int store_scan_get(store *s, int64_t bundle_id, int32_t seq, store_scan *out)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, scan_get);
	return ops ? ops->scan_get(s, bundle_id, seq, out) : store__enotsup(s);
}

int store_scan_by_id(store *s, int64_t enterprise_id, const char *scan_id, store_scan *out)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, scan_by_id);
	return ops ? ops->scan_by_id(s, enterprise_id, scan_id, out) : store__enotsup(s);
}

int store_scan_add(store *s, const store_scan *x, int32_t day)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, scan_add);
	return ops ? ops->scan_add(s, x, day) : store__enotsup(s);
}

int store_scan_list(store *s, store_scope sc, int64_t order_id, int64_t bundle_id, store_scan **out,
		    size_t *n)
{
	if (STORE__PRIVATE(sc))
		return store__private_list(s, (void **)out, n);
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, scan_list);
	return ops ? ops->scan_list(s, sc, order_id, bundle_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_op_done_list(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
		       store_op_done **out, size_t *n)
{
	if (STORE__PRIVATE(sc))
		return store__private_list(s, (void **)out, n);
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, op_done_list);
	return ops ? ops->op_done_list(s, sc, enterprise_id, order_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_op_day_pairs(store *s, int64_t order_id, int32_t seq, int32_t day0, int32_t day1,
		       int64_t *pairs)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, op_day_pairs);
	return ops ? ops->op_day_pairs(s, order_id, seq, day0, day1, pairs) : store__enotsup(s);
}

int store_op_day_sums(store *s, int64_t enterprise_id, int64_t order_id, int32_t day0, int32_t day1,
		      store_op_done **out, size_t *n)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, op_day_sums);
	return ops ? ops->op_day_sums(s, enterprise_id, order_id, day0, day1, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_op_add(store *s, int64_t order_id, int32_t seq, int64_t enterprise_id, int64_t pairs,
		 int64_t bundles)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, op_add);
	return ops ? ops->op_add(s, order_id, seq, enterprise_id, pairs, bundles)
		   : store__enotsup(s);
}

int store_scan_days(store *s, store_scope sc, int64_t enterprise_id, int32_t day0, int32_t day1,
		    const char *worker, store_scan_day **out, size_t *n)
{
	if (STORE__PRIVATE(sc))
		return store__private_list(s, (void **)out, n);
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, scan_days);
	return ops ? ops->scan_days(s, sc, enterprise_id, day0, day1, worker, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_firm_key_get(store *s, int64_t enterprise_id, uint8_t *key, char *order_check)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, firm_key_get);
	return ops ? ops->firm_key_get(s, enterprise_id, key, order_check) : store__enotsup(s);
}

int store_firm_key_put(store *s, int64_t enterprise_id, const uint8_t *key, const char *order_check)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, firm_key_put);
	return ops ? ops->firm_key_put(s, enterprise_id, key, order_check) : store__enotsup(s);
}

int store_order_machine_add(store *s, const store_order_machine *m)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, order_machine_add);
	return ops ? ops->order_machine_add(s, m) : store__enotsup(s);
}

int store_order_machine_list(store *s, int64_t order_id, store_order_machine **out, size_t *n)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 1, order_machine_list);
	return ops ? ops->order_machine_list(s, order_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_bundles_add(store *s, store_bundle *b, size_t n)
{
	const store_sewn_ops *ops = STORE__OPS(s, sewn, 2, bundles_add);
	return ops ? ops->bundles_add(s, b, n) : store__enotsup(s);
}
