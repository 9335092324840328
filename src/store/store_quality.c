/* SPDX-License-Identifier: Apache-2.0 */
/* store_quality.c: the wrappers of store/quality.h (material lots, lots,
 * cartons, inspections, switching states, test reports). Each checks that
 * the connection has the quality table at the version that brought the call
 * (STORE__OPS, store_int.h) and dispatches to it, else answers
 * GLOVED_ENOTSUP. A new call appends its wrapper here. */
#include "store/store_int.h"
#include "util/err.h"

int store_material_lot_add(store *s, store_scope sc, store_material_lot *m)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, material_lot_add);
	return ops ? ops->material_lot_add(s, sc, m) : store__enotsup(s);
}

int store_material_lot_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			   int64_t id, store_material_lot *out)
{
	if (STORE__PRIVATE(sc))
		return GLOVED_EPERM;
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, material_lot_get);
	return ops ? ops->material_lot_get(s, sc, enterprise_id, code, id, out) : store__enotsup(s);
}

int store_material_lot_list(store *s, store_scope sc, int64_t enterprise_id,
			    store_material_lot **out, size_t *n)
{
	if (STORE__PRIVATE(sc))
		return store__private_list(s, (void **)out, n);
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, material_lot_list);
	return ops ? ops->material_lot_list(s, sc, enterprise_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_lot_add(store *s, store_scope sc, store_lot *l, const int64_t *bundles, size_t nb,
		  const store_lot_machine *machines, size_t nm, const store_lot_material *mats,
		  size_t nmat)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, lot_add);
	return ops ? ops->lot_add(s, sc, l, bundles, nb, machines, nm, mats, nmat)
		   : store__enotsup(s);
}

int store_lot_get(store *s, store_scope sc, int64_t enterprise_id, const char *code, int64_t id,
		  store_lot *out)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, lot_get);
	return ops ? ops->lot_get(s, sc, enterprise_id, code, id, out) : store__enotsup(s);
}

int store_lot_list(store *s, store_scope sc, int64_t enterprise_id, const char *status,
		   store_lot **out, size_t *n)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, lot_list);
	return ops ? ops->lot_list(s, sc, enterprise_id, status, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_lot_set_result(store *s, int64_t lot_id, const char *status, const char *result,
			 int64_t inspected_ms)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, lot_set_result);
	return ops ? ops->lot_set_result(s, lot_id, status, result, inspected_ms)
		   : store__enotsup(s);
}

int store_lot_bundles(store *s, int64_t lot_id, store_bundle **out, size_t *n)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, lot_bundles);
	return ops ? ops->lot_bundles(s, lot_id, out, n) : store__enotsup_list(s, (void **)out, n);
}

int store_lot_machines(store *s, int64_t lot_id, store_lot_machine **out, size_t *n)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, lot_machines);
	return ops ? ops->lot_machines(s, lot_id, out, n) : store__enotsup_list(s, (void **)out, n);
}

int store_lot_materials(store *s, int64_t lot_id, store_lot_material **out, size_t *n)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, lot_materials);
	return ops ? ops->lot_materials(s, lot_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_bundle_lot(store *s, int64_t bundle_id, int64_t *lot_id)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, bundle_lot);
	return ops ? ops->bundle_lot(s, bundle_id, lot_id) : store__enotsup(s);
}

int store_machine_lot(store *s, int64_t machine_id, int32_t from_day, int32_t to_day,
		      int64_t *lot_id)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, machine_lot);
	return ops ? ops->machine_lot(s, machine_id, from_day, to_day, lot_id) : store__enotsup(s);
}

int store_material_lot_uses(store *s, store_scope sc, int64_t material_lot_id, store_lot **out,
			    size_t *n)
{
	if (STORE__PRIVATE(sc))
		return store__private_list(s, (void **)out, n);
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, material_lot_uses);
	return ops ? ops->material_lot_uses(s, sc, material_lot_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_carton_add(store *s, store_carton *c)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, carton_add);
	return ops ? ops->carton_add(s, c) : store__enotsup(s);
}

int store_carton_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
		     store_carton *out)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, carton_get);
	return ops ? ops->carton_get(s, sc, enterprise_id, code, out) : store__enotsup(s);
}

int store_carton_list(store *s, store_scope sc, int64_t enterprise_id, int64_t lot_id,
		      store_carton **out, size_t *n)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, carton_list);
	return ops ? ops->carton_list(s, sc, enterprise_id, lot_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_inspection_add(store *s, store_inspection *x)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, inspection_add);
	return ops ? ops->inspection_add(s, x) : store__enotsup(s);
}

int store_inspection_list(store *s, store_scope sc, int64_t enterprise_id, int64_t lot_id,
			  int64_t style_id, size_t limit, store_inspection **out, size_t *n)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, inspection_list);
	return ops ? ops->inspection_list(s, sc, enterprise_id, lot_id, style_id, limit, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_aql_state_get(store *s, int64_t enterprise_id, int64_t style_id, store_aql_state *out)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, aql_state_get);
	return ops ? ops->aql_state_get(s, enterprise_id, style_id, out) : store__enotsup(s);
}

int store_aql_state_put(store *s, const store_aql_state *x)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, aql_state_put);
	return ops ? ops->aql_state_put(s, x) : store__enotsup(s);
}

int store_aql_event_add(store *s, const store_aql_event *x)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, aql_event_add);
	return ops ? ops->aql_event_add(s, x) : store__enotsup(s);
}

int store_aql_event_list(store *s, store_scope sc, int64_t enterprise_id, int64_t style_id,
			 size_t limit, store_aql_event **out, size_t *n)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, aql_event_list);
	return ops ? ops->aql_event_list(s, sc, enterprise_id, style_id, limit, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_test_add(store *s, store_scope sc, store_test *t)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, test_add);
	return ops ? ops->test_add(s, sc, t) : store__enotsup(s);
}

int store_test_get(store *s, store_scope sc, int64_t enterprise_id, int64_t id, store_test *out)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, test_get);
	return ops ? ops->test_get(s, sc, enterprise_id, id, out) : store__enotsup(s);
}

int store_test_list(store *s, store_scope sc, int64_t enterprise_id, int64_t style_id,
		    int64_t material_lot_id, store_test **out, size_t *n)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, test_list);
	return ops ? ops->test_list(s, sc, enterprise_id, style_id, material_lot_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_test_pdf_put(store *s, int64_t id, const void *pdf, size_t len)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, test_pdf_put);
	return ops ? ops->test_pdf_put(s, id, pdf, len) : store__enotsup(s);
}

int store_test_pdf_get(store *s, store_scope sc, int64_t enterprise_id, int64_t id, void **pdf,
		       size_t *len)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 1, test_pdf_get);
	return ops ? ops->test_pdf_get(s, sc, enterprise_id, id, pdf, len)
		   : store__enotsup_list(s, pdf, len);
}

int store_cartons_add(store *s, store_carton *c, size_t n)
{
	const store_quality_ops *ops = STORE__OPS(s, quality, 2, cartons_add);
	return ops ? ops->cartons_add(s, c, n) : store__enotsup(s);
}
