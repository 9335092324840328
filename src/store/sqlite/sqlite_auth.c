/* SPDX-License-Identifier: Apache-2.0 */
/* sqlite_auth.c: the SQLite side of store/auth.h: user accounts, login
 * sessions (expired ones are cleared as new ones come) and gateway
 * tokens. Tokens are looked up by their hash; lists never carry password
 * hashes. */
#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#define TEXT(i, f) sqlite__text_col(st, i, f, sizeof f)

/* ---- users ---- */

static int sq_user_add(store *s, store_scope sc, store_user *u)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, u->enterprise_id))
		return GLOVED_EPERM;
	sqlite3_stmt *st = sqlite__prep(q, "INSERT INTO user_account(username, pw_hash, role,"
					   " enterprise_id, worker, town, household)"
					   " VALUES(?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_text(st, 1, u->username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, u->pw_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, u->role, -1, SQLITE_STATIC);
	if (u->enterprise_id)
		sqlite3_bind_int64(st, 4, u->enterprise_id);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, u->worker, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, u->town, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, u->household, -1, SQLITE_STATIC);
	int rc = sqlite__run(q, st);
	if (!rc)
		u->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int user_row(sqlite3_stmt *st, void *dst)
{
	store_user *u = dst;
	u->id = sqlite3_column_int64(st, 0);
	TEXT(1, u->username);
	TEXT(2, u->pw_hash);
	TEXT(3, u->role);
	u->enterprise_id = sqlite3_column_int64(st, 4);
	TEXT(5, u->worker);
	TEXT(6, u->town);
	TEXT(7, u->household);
	return GLOVED_OK;
}

/* A user of a list: without the password hash. */
static int user_list_row(sqlite3_stmt *st, void *dst)
{
	store_user *u = dst;
	user_row(st, u);
	u->pw_hash[0] = '\0'; /* never hand hashes out of a list */
	return GLOVED_OK;
}

#define USER_COLS                                                                                  \
	"SELECT id, username, pw_hash, role, coalesce(enterprise_id, 0), worker, town,"            \
	" household FROM user_account"

static int sq_user_by_name(store *s, const char *username, store_user *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, USER_COLS " WHERE username = ?");
	if (st)
		sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	return sqlite__one(q, st, out, user_row);
}

static int sq_user_by_id(store *s, int64_t id, store_user *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, USER_COLS " WHERE id = ?");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	return sqlite__one(q, st, out, user_row);
}

static int sq_user_list(store *s, store_scope sc, store_user **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__prep(q, USER_COLS " WHERE (?1 = 0 OR enterprise_id = ?1) ORDER BY username");
	if (st)
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
	return sqlite__rows(q, st, sizeof **out, user_list_row, (void **)out, n);
}

/* ---- sessions ---- */

static int sq_session_add(store *s, const uint8_t *h, int64_t user_id, int64_t expires_ms)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__prep(q, "INSERT INTO session(token_hash, user_id, expires_ms) VALUES(?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_int64(st, 3, expires_ms);
	int rc = sqlite__run(q, st);
	/* expired sessions are cleared as new ones come */
	sqlite3_stmt *gc = sqlite__prep(q, "DELETE FROM session WHERE expires_ms < ?");
	if (gc) {
		sqlite3_bind_int64(gc, 1, expires_ms - (int64_t)366 * 86400000);
		sqlite__run(q, gc);
	}
	return rc;
}

static int user_id_row(sqlite3_stmt *st, void *dst)
{
	*(int64_t *)dst = sqlite3_column_int64(st, 0);
	return GLOVED_OK;
}

static int sq_session_get(store *s, const uint8_t *h, int64_t now_ms, int64_t *user_id)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__prep(q, "SELECT user_id FROM session WHERE token_hash = ? AND expires_ms > ?");
	if (st) {
		sqlite3_bind_blob(st, 1, h, 32, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, now_ms);
	}
	return sqlite__one(q, st, user_id, user_id_row);
}

static int sq_session_delete(store *s, const uint8_t *h)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "DELETE FROM session WHERE token_hash = ?");
	if (st)
		sqlite3_bind_blob(st, 1, h, 32, SQLITE_STATIC);
	return sqlite__run(q, st);
}

/* ---- gateways ---- */

static int sq_gateway_add(store *s, store_scope sc, store_gateway *g, const uint8_t *h)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, g->enterprise_id))
		return GLOVED_EPERM;
	sqlite3_stmt *st = sqlite__prep(q, "INSERT INTO gateway(enterprise_id, name, token_hash)"
					   " VALUES(?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, g->enterprise_id);
	sqlite3_bind_text(st, 2, g->name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, h, 32, SQLITE_STATIC);
	int rc = sqlite__run(q, st);
	if (!rc)
		g->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int gateway_row(sqlite3_stmt *st, void *dst)
{
	store_gateway *g = dst;
	g->id = sqlite3_column_int64(st, 0);
	g->enterprise_id = sqlite3_column_int64(st, 1);
	TEXT(2, g->name);
	return GLOVED_OK;
}

static int sq_gateway_by_token(store *s, const uint8_t *h, store_gateway *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "SELECT id, enterprise_id, name FROM gateway"
					   " WHERE token_hash = ? AND revoked = 0");
	if (st)
		sqlite3_bind_blob(st, 1, h, 32, SQLITE_STATIC);
	return sqlite__one(q, st, out, gateway_row);
}

static int sq_gateway_list(store *s, store_scope sc, store_gateway **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "SELECT id, enterprise_id, name FROM gateway"
					   " WHERE revoked = 0 AND (?1 = 0 OR enterprise_id = ?1)"
					   " ORDER BY enterprise_id, id");
	if (st)
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
	return sqlite__rows(q, st, sizeof **out, gateway_row, (void **)out, n);
}

const store_auth_ops sqlite__auth_ops = {
    .version = STORE_AUTH_VERSION,
    .user_add = sq_user_add,
    .user_by_name = sq_user_by_name,
    .user_by_id = sq_user_by_id,
    .user_list = sq_user_list,
    .session_add = sq_session_add,
    .session_get = sq_session_get,
    .session_delete = sq_session_delete,
    .gateway_add = sq_gateway_add,
    .gateway_by_token = sq_gateway_by_token,
    .gateway_list = sq_gateway_list,
};
