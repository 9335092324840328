/* SPDX-License-Identifier: Apache-2.0 */
/* store_registry.c: the wrappers of store/registry.h (enterprises,
 * workshops, machines, Modbus devices and Sparkplug maps). Each checks that
 * the connection has the registry table at the version that brought the
 * call (STORE__OPS, store_int.h) and dispatches to it, else answers
 * GLOVED_ENOTSUP. A new call appends its wrapper here. */
#include "store/store_int.h"

int store_enterprise_add(store *s, store_scope sc, store_enterprise *e)
{
	const store_registry_ops *ops = STORE__OPS(s, registry, 1, enterprise_add);
	return ops ? ops->enterprise_add(s, sc, e) : store__enotsup(s);
}

int store_enterprise_list(store *s, store_scope sc, store_enterprise **out, size_t *n)
{
	const store_registry_ops *ops = STORE__OPS(s, registry, 1, enterprise_list);
	return ops ? ops->enterprise_list(s, sc, out, n) : store__enotsup_list(s, (void **)out, n);
}

int store_enterprise_by_code(store *s, store_scope sc, const char *code, store_enterprise *out)
{
	const store_registry_ops *ops = STORE__OPS(s, registry, 1, enterprise_by_code);
	return ops ? ops->enterprise_by_code(s, sc, code, out) : store__enotsup(s);
}

int store_workshop_add(store *s, store_scope sc, store_workshop *w)
{
	const store_registry_ops *ops = STORE__OPS(s, registry, 1, workshop_add);
	return ops ? ops->workshop_add(s, sc, w) : store__enotsup(s);
}

int store_workshop_list(store *s, store_scope sc, int64_t enterprise_id, store_workshop **out,
			size_t *n)
{
	const store_registry_ops *ops = STORE__OPS(s, registry, 1, workshop_list);
	return ops ? ops->workshop_list(s, sc, enterprise_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_machine_add(store *s, store_scope sc, store_machine *m)
{
	const store_registry_ops *ops = STORE__OPS(s, registry, 1, machine_add);
	return ops ? ops->machine_add(s, sc, m) : store__enotsup(s);
}

int store_machine_list(store *s, store_scope sc, store_machine **out, size_t *n)
{
	const store_registry_ops *ops = STORE__OPS(s, registry, 1, machine_list);
	return ops ? ops->machine_list(s, sc, out, n) : store__enotsup_list(s, (void **)out, n);
}

int store_registry_rev(store *s, int64_t *out)
{
	const store_registry_ops *ops = STORE__OPS(s, registry, 1, registry_rev);
	return ops ? ops->registry_rev(s, out) : store__enotsup(s);
}

int store_modbus_device_add(store *s, store_scope sc, store_modbus_device *d)
{
	const store_registry_ops *ops = STORE__OPS(s, registry, 1, modbus_device_add);
	return ops ? ops->modbus_device_add(s, sc, d) : store__enotsup(s);
}

int store_modbus_device_list(store *s, store_scope sc, store_modbus_device **out, size_t *n)
{
	const store_registry_ops *ops = STORE__OPS(s, registry, 1, modbus_device_list);
	return ops ? ops->modbus_device_list(s, sc, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_sparkplug_map_get(store *s, int64_t enterprise_id, const char *edge_node,
			    store_sparkplug_map *out)
{
	const store_registry_ops *ops = STORE__OPS(s, registry, 1, sparkplug_map_get);
	return ops ? ops->sparkplug_map_get(s, enterprise_id, edge_node, out) : store__enotsup(s);
}

int store_sparkplug_map_put(store *s, store_scope sc, const store_sparkplug_map *m)
{
	const store_registry_ops *ops = STORE__OPS(s, registry, 1, sparkplug_map_put);
	return ops ? ops->sparkplug_map_put(s, sc, m) : store__enotsup(s);
}
