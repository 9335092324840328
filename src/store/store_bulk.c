/* SPDX-License-Identifier: Apache-2.0 */
/* store_bulk.c: the wrappers of store/bulk.h (the schema's catalogue,
 * whole tables, bulk loads). Each checks that the connection has the bulk
 * table at the version that brought the call (STORE__OPS, store_int.h) and
 * dispatches to it, else answers GLOVED_ENOTSUP. A new call appends its
 * wrapper here. */
#include "store/store_int.h"

#include <stdio.h>
#include <string.h>

int store_bulk_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n >= STORE_BULK_NAME || (name[0] >= '0' && name[0] <= '9'))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return 0;
	}
	return 1;
}

int store_bulk_tables(store *s, store_bulk_table **out, size_t *n)
{
	const store_bulk_ops *ops = STORE__OPS(s, bulk, 1, tables);
	return ops ? ops->tables(s, out, n) : store__enotsup_list(s, (void **)out, n);
}

int store_bulk_rows(store *s, const store_bulk_table *t, store_bulk_row_fn fn, void *arg)
{
	const store_bulk_ops *ops = STORE__OPS(s, bulk, 1, rows);
	return ops ? ops->rows(s, t, fn, arg) : store__enotsup(s);
}

int store_bulk_count(store *s, const char *table, int64_t *n)
{
	const store_bulk_ops *ops = STORE__OPS(s, bulk, 1, count);
	return ops ? ops->count(s, table, n) : store__enotsup(s);
}

int store_bulk_load_begin(store *s, const store_bulk_table *t)
{
	const store_bulk_ops *ops = STORE__OPS(s, bulk, 1, load_begin);
	return ops ? ops->load_begin(s, t) : store__enotsup(s);
}

int store_bulk_load_row(store *s, const store_value *v, int n)
{
	const store_bulk_ops *ops = STORE__OPS(s, bulk, 1, load_row);
	return ops ? ops->load_row(s, v, n) : store__enotsup(s);
}

int store_bulk_load_end(store *s, int ok)
{
	const store_bulk_ops *ops = STORE__OPS(s, bulk, 1, load_end);
	return ops ? ops->load_end(s, ok) : store__enotsup(s);
}

int store_bulk_clear(store *s, const char *table)
{
	const store_bulk_ops *ops = STORE__OPS(s, bulk, 1, clear);
	return ops ? ops->clear(s, table) : store__enotsup(s);
}

int store_bulk_ids_set(store *s, const char *table, const char *column, int64_t max)
{
	const store_bulk_ops *ops = STORE__OPS(s, bulk, 1, ids_set);
	return ops ? ops->ids_set(s, table, column, max) : store__enotsup(s);
}

int store__bulk_cols(const store_bulk_table *t, char *dst, size_t cap, size_t *len)
{
	if (!store_bulk_name_ok(t->name) || t->n_cols < 1 || t->n_cols > STORE_BULK_COLS)
		return -1;
	for (int i = 0; i < t->n_cols; i++) {
		if (!store_bulk_name_ok(t->col[i].name) || *len >= cap)
			return -1;
		int k = snprintf(dst + *len, cap - *len, "%s\"%s\"", i ? ", " : "", t->col[i].name);
		if (k < 0 || (size_t)k >= cap - *len)
			return -1;
		*len += (size_t)k;
	}
	return 0;
}
