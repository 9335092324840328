/* SPDX-License-Identifier: Apache-2.0 */
/* store_auth.c: the wrappers of store/auth.h (users, sessions and gateway
 * tokens). Each checks that the connection has the auth table at the
 * version that brought the call (STORE__OPS, store_int.h) and dispatches to
 * it, else answers GLOVED_ENOTSUP. A new call appends its wrapper here. */
#include "store/store_int.h"
#include "util/err.h"

int store_user_add(store *s, store_scope sc, store_user *u)
{
	const store_auth_ops *ops = STORE__OPS(s, auth, 1, user_add);
	return ops ? ops->user_add(s, sc, u) : store__enotsup(s);
}

int store_user_by_name(store *s, const char *username, store_user *out)
{
	const store_auth_ops *ops = STORE__OPS(s, auth, 1, user_by_name);
	return ops ? ops->user_by_name(s, username, out) : store__enotsup(s);
}

int store_user_by_id(store *s, int64_t id, store_user *out)
{
	const store_auth_ops *ops = STORE__OPS(s, auth, 1, user_by_id);
	return ops ? ops->user_by_id(s, id, out) : store__enotsup(s);
}

int store_user_list(store *s, store_scope sc, store_user **out, size_t *n)
{
	if (STORE__PRIVATE(sc))
		return store__private_list(s, (void **)out, n);
	const store_auth_ops *ops = STORE__OPS(s, auth, 1, user_list);
	return ops ? ops->user_list(s, sc, out, n) : store__enotsup_list(s, (void **)out, n);
}

int store_session_add(store *s, const uint8_t *token_hash, int64_t user_id, int64_t expires_ms)
{
	const store_auth_ops *ops = STORE__OPS(s, auth, 1, session_add);
	return ops ? ops->session_add(s, token_hash, user_id, expires_ms) : store__enotsup(s);
}

int store_session_get(store *s, const uint8_t *token_hash, int64_t now_ms, int64_t *user_id)
{
	const store_auth_ops *ops = STORE__OPS(s, auth, 1, session_get);
	return ops ? ops->session_get(s, token_hash, now_ms, user_id) : store__enotsup(s);
}

int store_session_delete(store *s, const uint8_t *token_hash)
{
	const store_auth_ops *ops = STORE__OPS(s, auth, 1, session_delete);
	return ops ? ops->session_delete(s, token_hash) : store__enotsup(s);
}

int store_gateway_add(store *s, store_scope sc, store_gateway *g, const uint8_t *token_hash)
{
	const store_auth_ops *ops = STORE__OPS(s, auth, 1, gateway_add);
	return ops ? ops->gateway_add(s, sc, g, token_hash) : store__enotsup(s);
}

int store_gateway_by_token(store *s, const uint8_t *token_hash, store_gateway *out)
{
	const store_auth_ops *ops = STORE__OPS(s, auth, 1, gateway_by_token);
	return ops ? ops->gateway_by_token(s, token_hash, out) : store__enotsup(s);
}

int store_gateway_list(store *s, store_scope sc, store_gateway **out, size_t *n)
{
	const store_auth_ops *ops = STORE__OPS(s, auth, 1, gateway_list);
	return ops ? ops->gateway_list(s, sc, out, n) : store__enotsup_list(s, (void **)out, n);
}
