/* SPDX-License-Identifier: Apache-2.0 */
/* store.c: opening a connection (the URI picks the backend), the wrappers
 * of the connection core (store.h), the answer to a call a backend lacks,
 * and the result-array allocator with its test hook. The wrappers of each
 * capability are in store_<capability>.c; all of them check the table and
 * its version (STORE__OPS) and are the one place to add logging or fault
 * injection around storage. */
#include "store/store_int.h"
#include "util/err.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int store_is_uri(const char *uri)
{
	return uri &&
	       (strncmp(uri, "postgresql://", 13) == 0 || strncmp(uri, "postgres://", 11) == 0);
}

const char *store_uri_shown(const char *uri, char *out, size_t n)
{
	if (!n)
		return out;
	int cut = snprintf(out, n, "%s", uri ? uri : "") >= (int)n;
	if (!store_is_uri(out))
		return out;
	if (cut) { /* too long to tell where a password ends: show none of it */
		snprintf(strstr(out, "//") + 2, n - (size_t)(strstr(out, "//") + 2 - out), "***");
		return out;
	}
	/* scheme://user:password@host...: the password runs from the first ':'
	 * after "//" to the last '@' before the path */
	char *auth = strstr(out, "//") + 2;
	char *end = auth + strcspn(auth, "/?#");
	char *at = NULL;
	for (char *c = auth; c < end; c++)
		if (*c == '@')
			at = c;
	char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (!colon)
		return out;
	char rest[1024];
	snprintf(rest, sizeof rest, "%s", at);
	size_t keep = (size_t)(colon + 1 - out);
	snprintf(out + keep, n - keep, "***%s", rest);
	return out;
}

int store_open(const char *uri, store_mode mode, const store_options *opt, store **out)
{
	*out = NULL;
	if (!uri || !*uri)
		return GLOVED_EINVAL;
	if (store_is_uri(uri))
		return store__pg_open(uri, mode, opt, out);
	return store__sqlite_open(uri, mode, opt, out);
}

int store__enotsup(store *s)
{
	(void)s;
	return GLOVED_ENOTSUP;
}

int store__enotsup_list(store *s, void **out, size_t *n)
{
	if (out)
		*out = NULL;
	if (n)
		*n = 0;
	return store__enotsup(s);
}

int store__private_list(store *s, void **out, size_t *n)
{
	(void)s;
	if (out)
		*out = NULL;
	if (n)
		*n = 0;
	return GLOVED_EPERM;
}

static _Atomic long fail_after = -1;

void store__fail_alloc_after(long k)
{
	atomic_store(&fail_after, k < 0 ? -1 : k);
}

void *store__realloc(void *p, size_t size)
{
	long k = atomic_load(&fail_after);
	while (k >= 0 && !atomic_compare_exchange_weak(&fail_after, &k, k - 1))
		;
	if (k == 0)
		return NULL;
	return realloc(p, size);
}

void *store__grow(void **arr, size_t *n, size_t *cap, size_t elem)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		if (elem == 0 || nc < *cap || nc > SIZE_MAX / elem)
			return NULL;
		void *p = store__realloc(*arr, nc * elem);
		if (!p)
			return NULL;
		*arr = p;
		*cap = nc;
	}
	void *dst = (char *)*arr + (*n)++ * elem;
	memset(dst, 0, elem);
	return dst;
}

/* ---- the connection core ---- */

void store_close(store *s)
{
	if (s && s->ops && s->ops->close)
		s->ops->close(s);
}

const char *store_errmsg(store *s)
{
	const store_ops *ops = STORE__OPS(s, ops, 1, errmsg);
	return ops ? ops->errmsg(s) : "not supported by this store backend";
}

int store_schema_version(store *s, int *out)
{
	const store_ops *ops = STORE__OPS(s, ops, 1, schema_version);
	return ops ? ops->schema_version(s, out) : store__enotsup(s);
}

int store_begin(store *s)
{
	const store_ops *ops = STORE__OPS(s, ops, 1, begin);
	return ops ? ops->begin(s) : store__enotsup(s);
}

int store_commit(store *s)
{
	const store_ops *ops = STORE__OPS(s, ops, 1, commit);
	return ops ? ops->commit(s) : store__enotsup(s);
}

int store_rollback(store *s)
{
	const store_ops *ops = STORE__OPS(s, ops, 1, rollback);
	return ops ? ops->rollback(s) : store__enotsup(s);
}

int store_claim(store *s)
{
	const store_ops *ops = STORE__OPS(s, ops, 2, claim);
	return ops ? ops->claim(s) : store__enotsup(s);
}

int store_claim_shared(store *s)
{
	const store_ops *ops = STORE__OPS(s, ops, 3, claim_shared);
	return ops ? ops->claim_shared(s) : store__enotsup(s);
}

int store_listen(store *s)
{
	const store_ops *ops = STORE__OPS(s, ops, 3, listen);
	return ops ? ops->listen(s) : store__enotsup(s);
}

int store_wait_notify(store *s, int timeout_ms, int (*cb)(void *ctx, const char *payload),
		      void *ctx)
{
	const store_ops *ops = STORE__OPS(s, ops, 3, wait_notify);
	return ops ? ops->wait_notify(s, timeout_ms, cb, ctx) : store__enotsup(s);
}

int store_end(store *s, int rc)
{
	if (rc) {
		store_rollback(s);
		return rc;
	}
	rc = store_commit(s);
	if (rc)
		store_rollback(s);
	return rc;
}

int store_read_begin(store *s)
{
	const store_ops *ops = STORE__OPS(s, ops, 1, read_begin);
	return ops ? ops->read_begin(s) : store__enotsup(s);
}

int store_read_end(store *s)
{
	const store_ops *ops = STORE__OPS(s, ops, 1, read_end);
	return ops ? ops->read_end(s) : store__enotsup(s);
}
