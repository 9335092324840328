/* SPDX-License-Identifier: Apache-2.0 */
/* pg_auth.c: the PostgreSQL side of store/auth.h: user accounts, login
 * sessions (expired ones are cleared as new ones come) and gateway tokens,
 * with the queries and scope rules of sqlite/sqlite_auth.c. Token hashes
 * are bound as bytea in binary format; lists never carry password
 * hashes. */
#include "store/postgres/pg_int.h"
#include "util/err.h"

/* ---- users ---- */

static int pg_user_add(store *s, store_scope sc, store_user *u)
{
	if (!pg__scope_ok(sc, u->enterprise_id))
		return GLOVED_EPERM;
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, u->username);
	pg__p_text(&p, u->pw_hash);
	pg__p_text(&p, u->role);
	if (u->enterprise_id)
		pg__p_i64(&p, u->enterprise_id);
	else
		pg__p_null(&p);
	pg__p_text(&p, u->worker);
	pg__p_text(&p, u->town);
	pg__p_text(&p, u->household);
	return pg__insert_id(
	    (pgc *)s,
	    "INSERT INTO user_account(username, pw_hash, role, enterprise_id, worker,"
	    " town, household) VALUES($1, $2, $3, $4, $5, $6, $7) RETURNING id",
	    &p, &u->id);
}

static int user_row(const PGresult *r, int row, void *dst)
{
	store_user *u = dst;
	u->id = pg__i64(r, row, 0);
	TEXT(1, u->username);
	TEXT(2, u->pw_hash);
	TEXT(3, u->role);
	u->enterprise_id = pg__i64(r, row, 4);
	TEXT(5, u->worker);
	TEXT(6, u->town);
	TEXT(7, u->household);
	return GLOVED_OK;
}

/* A user of a list: without the password hash. */
static int user_list_row(const PGresult *r, int row, void *dst)
{
	store_user *u = dst;
	user_row(r, row, u);
	u->pw_hash[0] = '\0'; /* never hand hashes out of a list */
	return GLOVED_OK;
}

#define USER_COLS                                                                                  \
	"SELECT id, username, pw_hash, role, coalesce(enterprise_id, 0), worker, town,"            \
	" household FROM user_account"

static int pg_user_by_name(store *s, const char *username, store_user *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, username);
	return pg__one((pgc *)s, USER_COLS " WHERE username = $1", &p, out, user_row);
}

static int pg_user_by_id(store *s, int64_t id, store_user *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, id);
	return pg__one((pgc *)s, USER_COLS " WHERE id = $1", &p, out, user_row);
}

static int pg_user_list(store *s, store_scope sc, store_user **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	return pg__rows((pgc *)s,
			USER_COLS " WHERE ($1::bigint = 0 OR enterprise_id = $1) ORDER BY username",
			&p, sizeof **out, user_list_row, (void **)out, n);
}

/* ---- sessions ---- */

static int pg_session_add(store *s, const uint8_t *h, int64_t user_id, int64_t expires_ms)
{
	pgc *q = (pgc *)s;
	pg_params p;
	pg__p_init(&p);
	pg__p_bin(&p, h, 32);
	pg__p_i64(&p, user_id);
	pg__p_i64(&p, expires_ms);
	int rc =
	    pg__run(q, "INSERT INTO session(token_hash, user_id, expires_ms) VALUES($1, $2, $3)",
		    &p, 1, NULL);
	if (rc)
		return rc;
	/* expired sessions are cleared as new ones come */
	pg__p_init(&p);
	pg__p_i64(&p, expires_ms - (int64_t)366 * 86400000);
	pg__run(q, "DELETE FROM session WHERE expires_ms < $1", &p, 1, NULL);
	return GLOVED_OK;
}

static int user_id_row(const PGresult *r, int row, void *dst)
{
	*(int64_t *)dst = pg__i64(r, row, 0);
	return GLOVED_OK;
}

static int pg_session_get(store *s, const uint8_t *h, int64_t now_ms, int64_t *user_id)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_bin(&p, h, 32);
	pg__p_i64(&p, now_ms);
	return pg__one((pgc *)s,
		       "SELECT user_id FROM session WHERE token_hash = $1 AND expires_ms > $2", &p,
		       user_id, user_id_row);
}

static int pg_session_delete(store *s, const uint8_t *h)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_bin(&p, h, 32);
	return pg__run((pgc *)s, "DELETE FROM session WHERE token_hash = $1", &p, 0, NULL);
}

/* ---- gateways ---- */

static int pg_gateway_add(store *s, store_scope sc, store_gateway *g, const uint8_t *h)
{
	if (!pg__scope_ok(sc, g->enterprise_id))
		return GLOVED_EPERM;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, g->enterprise_id);
	pg__p_text(&p, g->name);
	pg__p_bin(&p, h, 32);
	return pg__insert_id(
	    (pgc *)s,
	    "INSERT INTO gateway(enterprise_id, name, token_hash) VALUES($1, $2, $3)"
	    " RETURNING id",
	    &p, &g->id);
}

static int gateway_row(const PGresult *r, int row, void *dst)
{
	store_gateway *g = dst;
	g->id = pg__i64(r, row, 0);
	g->enterprise_id = pg__i64(r, row, 1);
	TEXT(2, g->name);
	return GLOVED_OK;
}

static int pg_gateway_by_token(store *s, const uint8_t *h, store_gateway *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_bin(&p, h, 32);
	return pg__one((pgc *)s,
		       "SELECT id, enterprise_id, name FROM gateway"
		       " WHERE token_hash = $1 AND revoked = 0",
		       &p, out, gateway_row);
}

static int pg_gateway_list(store *s, store_scope sc, store_gateway **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	return pg__rows((pgc *)s,
			"SELECT id, enterprise_id, name FROM gateway"
			" WHERE revoked = 0 AND ($1::bigint = 0 OR enterprise_id = $1)"
			" ORDER BY enterprise_id, id",
			&p, sizeof **out, gateway_row, (void **)out, n);
}

const store_auth_ops pg__auth_ops = {
    .version = STORE_AUTH_VERSION,
    .user_add = pg_user_add,
    .user_by_name = pg_user_by_name,
    .user_by_id = pg_user_by_id,
    .user_list = pg_user_list,
    .session_add = pg_session_add,
    .session_get = pg_session_get,
    .session_delete = pg_session_delete,
    .gateway_add = pg_gateway_add,
    .gateway_by_token = pg_gateway_by_token,
    .gateway_list = pg_gateway_list,
};
