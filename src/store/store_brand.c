/* SPDX-License-Identifier: Apache-2.0 */
/* store_brand.c: the wrappers of store/brand.h (licences, audits, labels,
 * scans, flags). Each checks that the connection has the brand table at the
 * version that brought the call (STORE__OPS, store_int.h) and dispatches
 * to it, else answers GLOVED_ENOTSUP. A new call appends its wrapper here. */
#include "store/store_int.h"

int store_licence_get(store *s, int64_t enterprise_id, store_licence *out)
{
	const store_brand_ops *ops = STORE__OPS(s, brand, 1, licence_get);
	return ops ? ops->licence_get(s, enterprise_id, out) : store__enotsup(s);
}

int store_licence_list(store *s, store_scope sc, store_licence **out, size_t *n)
{
	const store_brand_ops *ops = STORE__OPS(s, brand, 1, licence_list);
	return ops ? ops->licence_list(s, sc, out, n) : store__enotsup_list(s, (void **)out, n);
}

int store_licence_put(store *s, const store_licence *x)
{
	const store_brand_ops *ops = STORE__OPS(s, brand, 1, licence_put);
	return ops ? ops->licence_put(s, x) : store__enotsup(s);
}

int store_licence_event_add(store *s, const store_licence_event *x)
{
	const store_brand_ops *ops = STORE__OPS(s, brand, 1, licence_event_add);
	return ops ? ops->licence_event_add(s, x) : store__enotsup(s);
}

int store_licence_events(store *s, int64_t enterprise_id, store_licence_event **out, size_t *n)
{
	const store_brand_ops *ops = STORE__OPS(s, brand, 1, licence_events);
	return ops ? ops->licence_events(s, enterprise_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_audit_add(store *s, store_audit *x)
{
	const store_brand_ops *ops = STORE__OPS(s, brand, 1, audit_add);
	return ops ? ops->audit_add(s, x) : store__enotsup(s);
}

int store_audit_list(store *s, store_scope sc, int64_t enterprise_id, store_audit **out, size_t *n)
{
	const store_brand_ops *ops = STORE__OPS(s, brand, 1, audit_list);
	return ops ? ops->audit_list(s, sc, enterprise_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_label_add(store *s, store_label *x)
{
	const store_brand_ops *ops = STORE__OPS(s, brand, 1, label_add);
	return ops ? ops->label_add(s, x) : store__enotsup(s);
}

int store_label_by_serial(store *s, const char *serial, store_label *out)
{
	const store_brand_ops *ops = STORE__OPS(s, brand, 1, label_by_serial);
	return ops ? ops->label_by_serial(s, serial, out) : store__enotsup(s);
}

int store_label_list(store *s, store_scope sc, int64_t enterprise_id, int64_t lot_id,
		     store_label **out, size_t *n)
{
	const store_brand_ops *ops = STORE__OPS(s, brand, 1, label_list);
	return ops ? ops->label_list(s, sc, enterprise_id, lot_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_label_scan(store *s, int64_t label_id, const uint8_t *net, int64_t ts_ms,
		     store_label *out)
{
	const store_brand_ops *ops = STORE__OPS(s, brand, 1, label_scan);
	return ops ? ops->label_scan(s, label_id, net, ts_ms, out) : store__enotsup(s);
}

int store_flag_add(store *s, store_flag *x)
{
	const store_brand_ops *ops = STORE__OPS(s, brand, 1, flag_add);
	return ops ? ops->flag_add(s, x) : store__enotsup(s);
}

int store_flag_list(store *s, store_scope sc, int open_only, store_flag **out, size_t *n)
{
	const store_brand_ops *ops = STORE__OPS(s, brand, 1, flag_list);
	return ops ? ops->flag_list(s, sc, open_only, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_flag_resolve(store *s, store_scope sc, int64_t id, const char *by, const char *note,
		       int64_t ts_ms)
{
	const store_brand_ops *ops = STORE__OPS(s, brand, 1, flag_resolve);
	return ops ? ops->flag_resolve(s, sc, id, by, note, ts_ms) : store__enotsup(s);
}
