/* SPDX-License-Identifier: Apache-2.0 */
/* store_coop.c: the wrappers of store/coop.h (profiles, cooperative orders
 * and parts, designs, licences and uses, enquiries, town pages). Each checks
 * that the connection has the coop table at the version that brought the
 * call (STORE__OPS, store_int.h) and dispatches to it, else answers
 * GLOVED_ENOTSUP. A new call appends its wrapper here. */
#include "store/store_int.h"

int store_coop_profile_get(store *s, int64_t enterprise_id, store_coop_profile *out)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, profile_get);
	return ops ? ops->profile_get(s, enterprise_id, out) : store__enotsup(s);
}

int store_coop_profile_put(store *s, const store_coop_profile *x)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, profile_put);
	return ops ? ops->profile_put(s, x) : store__enotsup(s);
}

int store_coop_profile_list(store *s, store_coop_profile **out, size_t *n)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, profile_list);
	return ops ? ops->profile_list(s, out, n) : store__enotsup_list(s, (void **)out, n);
}

int store_coop_order_add(store *s, store_coop_order *x)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, order_add);
	return ops ? ops->order_add(s, x) : store__enotsup(s);
}

int store_coop_order_get(store *s, store_scope sc, int64_t id, const char *code,
			 store_coop_order *out)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, order_get);
	return ops ? ops->order_get(s, sc, id, code, out) : store__enotsup(s);
}

int store_coop_order_list(store *s, store_scope sc, store_coop_order **out, size_t *n)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, order_list);
	return ops ? ops->order_list(s, sc, out, n) : store__enotsup_list(s, (void **)out, n);
}

int store_coop_order_set_status(store *s, int64_t id, const char *status)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, order_set_status);
	return ops ? ops->order_set_status(s, id, status) : store__enotsup(s);
}

int store_coop_open_count(store *s, store_scope sc, int64_t *orders, int64_t *pairs)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, open_count);
	return ops ? ops->open_count(s, sc, orders, pairs) : store__enotsup(s);
}

int store_coop_part_put(store *s, const store_coop_part *x)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, part_put);
	return ops ? ops->part_put(s, x) : store__enotsup(s);
}

int store_coop_part_get(store *s, int64_t order_id, int64_t enterprise_id, store_coop_part *out)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, part_get);
	return ops ? ops->part_get(s, order_id, enterprise_id, out) : store__enotsup(s);
}

int store_coop_part_list(store *s, int64_t order_id, int64_t enterprise_id, store_coop_part **out,
			 size_t *n)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, part_list);
	return ops ? ops->part_list(s, order_id, enterprise_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_coop_part_clear(store *s, int64_t order_id, const char *status)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, part_clear);
	return ops ? ops->part_clear(s, order_id, status) : store__enotsup(s);
}

int store_coop_part_of_prod(store *s, int64_t prod_order_id, store_coop_part *out)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, part_of_prod);
	return ops ? ops->part_of_prod(s, prod_order_id, out) : store__enotsup(s);
}

int store_coop_proposal_put(store *s, const store_coop_proposal *x)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, proposal_put);
	return ops ? ops->proposal_put(s, x) : store__enotsup(s);
}

int store_coop_proposal_get(store *s, int64_t order_id, store_coop_proposal *out)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, proposal_get);
	return ops ? ops->proposal_get(s, order_id, out) : store__enotsup(s);
}

int store_design_add(store *s, store_design *x)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, design_add);
	return ops ? ops->design_add(s, x) : store__enotsup(s);
}

int store_design_update(store *s, const store_design *x)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, design_update);
	return ops ? ops->design_update(s, x) : store__enotsup(s);
}

int store_design_get(store *s, int64_t id, store_design *out)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, design_get);
	return ops ? ops->design_get(s, id, out) : store__enotsup(s);
}

int store_design_list(store *s, store_scope sc, int public_only, store_design **out, size_t *n)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, design_list);
	return ops ? ops->design_list(s, sc, public_only, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_design_file_add(store *s, store_design_file *x)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, design_file_add);
	return ops ? ops->design_file_add(s, x) : store__enotsup(s);
}

int store_design_file_get(store *s, int64_t design_id, int32_t no, store_design_file *out)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, design_file_get);
	return ops ? ops->design_file_get(s, design_id, no, out) : store__enotsup(s);
}

int store_design_file_list(store *s, int64_t design_id, store_design_file **out, size_t *n)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, design_file_list);
	return ops ? ops->design_file_list(s, design_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_design_licence_put(store *s, store_design_licence *x)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, licence_put);
	return ops ? ops->licence_put(s, x) : store__enotsup(s);
}

int store_design_licence_get(store *s, int64_t id, int64_t design_id, int64_t enterprise_id,
			     store_design_licence *out)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, licence_get);
	return ops ? ops->licence_get(s, id, design_id, enterprise_id, out) : store__enotsup(s);
}

int store_design_licence_list(store *s, int64_t enterprise_id, store_design_licence **out,
			      size_t *n)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, licence_list);
	return ops ? ops->licence_list(s, enterprise_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_design_use_add(store *s, store_design_use *x)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, use_add);
	return ops ? ops->use_add(s, x) : store__enotsup(s);
}

int store_design_use_count(store *s, int64_t licence_id, int64_t *n)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, use_count);
	return ops ? ops->use_count(s, licence_id, n) : store__enotsup(s);
}

int store_design_use_list(store *s, int64_t owner_id, int64_t user_id, int32_t m0, int32_t m1,
			  store_design_use **out, size_t *n)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, use_list);
	return ops ? ops->use_list(s, owner_id, user_id, m0, m1, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_style_design_put(store *s, int64_t style_id, int64_t design_id, int64_t licence_id)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, style_design_put);
	return ops ? ops->style_design_put(s, style_id, design_id, licence_id) : store__enotsup(s);
}

int store_style_design_get(store *s, int64_t style_id, int64_t *design_id, int64_t *licence_id)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, style_design_get);
	return ops ? ops->style_design_get(s, style_id, design_id, licence_id) : store__enotsup(s);
}

int store_enquiry_add(store *s, store_enquiry *x)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, enquiry_add);
	return ops ? ops->enquiry_add(s, x) : store__enotsup(s);
}

int store_enquiry_get(store *s, int64_t id, const char *ref, store_enquiry *out)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, enquiry_get);
	return ops ? ops->enquiry_get(s, id, ref, out) : store__enotsup(s);
}

int store_enquiry_route_put(store *s, const store_enquiry_route *x)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, route_put);
	return ops ? ops->route_put(s, x) : store__enotsup(s);
}

int store_enquiry_route_get(store *s, int64_t enquiry_id, int64_t enterprise_id,
			    store_enquiry_route *out)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, route_get);
	return ops ? ops->route_get(s, enquiry_id, enterprise_id, out) : store__enotsup(s);
}

int store_enquiry_route_list(store *s, int64_t enquiry_id, int64_t enterprise_id,
			     store_enquiry_route **out, size_t *n)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, route_list);
	return ops ? ops->route_list(s, enquiry_id, enterprise_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_town_page_put(store *s, const store_town_page *x)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, town_page_put);
	return ops ? ops->town_page_put(s, x) : store__enotsup(s);
}

int store_town_page_get(store *s, const char *town, store_town_page *out)
{
	const store_coop_ops *ops = STORE__OPS(s, coop, 1, town_page_get);
	return ops ? ops->town_page_get(s, town, out) : store__enotsup(s);
}
