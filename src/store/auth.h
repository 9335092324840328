/* SPDX-License-Identifier: Apache-2.0 */
/* auth.h: the store's auth capability (included by store.h): user
 * accounts, login sessions and gateway tokens. Tokens are stored only as
 * their 32-byte hashes (http/auth.c hashes them). The backend table at the
 * end is what a backend fills (store_int.h, docs/internals/store.md). */
#ifndef GLOVED_STORE_AUTH_H
#define GLOVED_STORE_AUTH_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

typedef struct store_user {
	int64_t id;
	char username[64];
	char pw_hash[128]; /* argon2id encoded string */
	char role[24];
	int64_t enterprise_id; /* 0 for cluster roles */
	char worker[33];       /* role "worker": the firm's worker code it scans for */
	char town[64];         /* role "town_officer": the town it sees */
	char household[33];    /* role "household": the firm's household code it is */
} store_user;

typedef struct store_gateway {
	int64_t id;
	int64_t enterprise_id;
	char name[64];
} store_gateway;

/* Users (GLOVED_EEXIST for a name in use, GLOVED_EPERM outside the scope;
 * the list leaves pw_hash empty). */
int store_user_add(store *s, store_scope sc, store_user *u);
int store_user_by_name(store *s, const char *username, store_user *out);
int store_user_by_id(store *s, int64_t id, store_user *out);
int store_user_list(store *s, store_scope sc, store_user **out, size_t *n);
/* Sessions; token_hash: 32 bytes. Get answers GLOVED_ENOTFOUND for an
 * unknown or expired session. */
int store_session_add(store *s, const uint8_t *token_hash, int64_t user_id, int64_t expires_ms);
int store_session_get(store *s, const uint8_t *token_hash, int64_t now_ms, int64_t *user_id);
int store_session_delete(store *s, const uint8_t *token_hash);
int store_gateway_add(store *s, store_scope sc, store_gateway *g, const uint8_t *token_hash);
int store_gateway_by_token(store *s, const uint8_t *token_hash, store_gateway *out);
/* The gateways (tokens not revoked) in scope, by enterprise and id; the
 * caller frees *out. */
int store_gateway_list(store *s, store_scope sc, store_gateway **out, size_t *n);

/* ---- the backend table ----
 * Same rule as every capability: `version` first, new calls appended and
 * STORE_AUTH_VERSION raised, wrappers refuse an older table. Version 1:
 * every call above. */
#define STORE_AUTH_VERSION 1

typedef struct store_auth_ops {
	int version;
	int (*user_add)(store *s, store_scope sc, store_user *u);
	int (*user_by_name)(store *s, const char *username, store_user *out);
	int (*user_by_id)(store *s, int64_t id, store_user *out);
	int (*user_list)(store *s, store_scope sc, store_user **out, size_t *n);
	int (*session_add)(store *s, const uint8_t *h, int64_t user_id, int64_t expires_ms);
	int (*session_get)(store *s, const uint8_t *h, int64_t now_ms, int64_t *user_id);
	int (*session_delete)(store *s, const uint8_t *h);
	int (*gateway_add)(store *s, store_scope sc, store_gateway *g, const uint8_t *h);
	int (*gateway_by_token)(store *s, const uint8_t *h, store_gateway *out);
	int (*gateway_list)(store *s, store_scope sc, store_gateway **out, size_t *n);
} store_auth_ops;

#endif
