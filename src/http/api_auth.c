/* SPDX-License-Identifier: Apache-2.0 */
/* api_auth.c: the people of the API: logging in and out (a session token in
 * an HttpOnly SameSite=Strict cookie or as a bearer token, its hash kept
 * through app/directory.c), who am I, and the users of the cluster and of
 * each firm. Who may do what is the route table at the end (docs/api.md,
 * "Roles"); the firm a firm admin may add users to is checked here. */
#include "app/directory.h"
#include "http/http_int.h"
#include "util/err.h"
#include "util/ltime.h"
#include "util/secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *user_json(const store_user *u, registry *reg)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "username", u->username);
	cJSON_AddStringToObject(o, "role", u->role);
	store_enterprise e;
	if (u->enterprise_id && registry_enterprise(reg, u->enterprise_id, &e) == GLOVED_OK)
		cJSON_AddStringToObject(o, "enterprise", e.code);
	else
		cJSON_AddNullToObject(o, "enterprise");
	if (u->worker[0])
		cJSON_AddStringToObject(o, "worker", u->worker);
	if (u->town[0])
		cJSON_AddStringToObject(o, "town", u->town);
	if (u->household[0])
		cJSON_AddStringToObject(o, "household", u->household);
	return o;
}

/* ---- login ---- */

static char dummy[128];
static void make_dummy(void)
{
	char pw[32];
	secret_token_new("x", pw, sizeof pw);
	secret_password_hash(pw, dummy, sizeof dummy);
}

/* A real argon2id hash of a random password, so that a login for an
 * unknown user name costs the same time as one for a known name. */
static const char *dummy_hash(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, make_dummy);
	return dummy;
}

static enum MHD_Result h_login(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	char user[64], pass[256];
	if (http__field_text(r, j, "username", 1, 0, user, sizeof user, &ret) ||
	    http__field_text(r, j, "password", 1, 0, pass, sizeof pass, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	int64_t now = ltime_now_ms();
	char addr[64] = "@";
	http__client_addr(r, addr + 1, sizeof addr - 1);
	if (http__login_locked(r->srv, user, now))
		return http__reply_error(r, 429, "too_many_requests", -1,
					 "too many failed logins for '%s'; try again in 5 minutes",
					 user);
	if (http__login_locked(r->srv, addr, now))
		return http__reply_error(r, 429, "too_many_requests", -1,
					 "too many failed logins from this address; try again in "
					 "5 minutes");
	if (!http__hash_enter(r->srv, addr)) {
		memset(pass, 0, sizeof pass);
		return http__reply_error(
		    r, 503, "unavailable", -1,
		    "too many logins from this address at once; try again in a "
		    "few seconds");
	}
	store_user u;
	int found = store_user_by_name(db, user, &u) == GLOVED_OK;
	/* an unknown name spends the same time as a real check */
	int ok = secret_password_verify(found ? u.pw_hash : dummy_hash(), pass);
	http__hash_leave(r->srv, addr);
	memset(pass, 0, sizeof pass);
	if (ok < 0) /* no turn at the password hashes: not a failed login */
		return http__reply_error(r, 503, "unavailable", -1,
					 "too many logins at once; try again in a few seconds");
	ok = ok && found;
	http__login_result(r->srv, user, ok, now);
	if (!ok)
		http__login_result(r->srv, addr, 0, now);
	if (!ok)
		return http__reply_error(r, 401, "unauthorized", -1, "wrong user name or password");
	char token[SECRET_TOKEN_MAX];
	uint8_t h[SECRET_HASH_LEN];
	if (secret_token_new("s_", token, sizeof token))
		return http__reply_error(r, 500, "internal", -1, "cannot make a session");
	secret_token_hash(token, h);
	int64_t ttl = r->srv->app.cfg->session_hours * 3600000;
	int rc = app_session_add(r->srv->app.w, h, u.id, now + ttl);
	if (rc)
		return http__reply_status(r, rc, "session", NULL);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "token", token);
	cJSON_AddItemToObject(o, "user", user_json(&u, r->srv->app.reg));
	char cookie[200];
	snprintf(cookie, sizeof cookie,
		 "gloved_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld", token,
		 (long long)(ttl / 1000));
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!text)
		return MHD_NO;
	return http__reply(r, 200, "application/json; charset=utf-8", text, strlen(text), cookie);
}

static enum MHD_Result h_logout(http_req *r, store *db)
{
	(void)db;
	app_session_delete(r->srv->app.w, r->session_hash);
	char *empty = strdup("");
	return http__reply(r, 204, NULL, empty, 0,
			   "gloved_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

static enum MHD_Result h_me(http_req *r, store *db)
{
	(void)db;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "user", user_json(&r->user, r->srv->app.reg));
	cJSON_AddStringToObject(o, "timezone", ltime_zone());
	return http__reply_json(r, 200, o);
}

/* ---- users ---- */

static enum MHD_Result h_users(http_req *r, store *db)
{
	store_user *us = NULL;
	size_t n = 0;
	if (store_user_list(db, r->scope, &us, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read users");
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "users");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, user_json(&us[i], r->srv->app.reg));
	free(us);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_user_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	store_user u = {0};
	char ent[40], pass[256];
	if (http__field_text(r, j, "username", 1, 1, u.username, sizeof u.username, &ret) ||
	    http__field_text(r, j, "role", 1, 0, u.role, sizeof u.role, &ret) ||
	    http__field_text(r, j, "password", 1, 0, pass, sizeof pass, &ret) ||
	    http__field_text(r, j, "enterprise", 0, 1, ent, sizeof ent, &ret) ||
	    (role_from_name(u.role) == ROLE_WORKER &&
	     http__field_text(r, j, "worker", 1, 1, u.worker, sizeof u.worker, &ret)) ||
	    (role_from_name(u.role) == ROLE_TOWN_OFFICER &&
	     http__field_text(r, j, "town", 1, 0, u.town, sizeof u.town, &ret)) ||
	    (role_from_name(u.role) == ROLE_HOUSEHOLD &&
	     http__field_text(r, j, "household", 1, 1, u.household, sizeof u.household, &ret))) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	int ro = role_from_name(u.role);
	if (ro < 0)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'role' must be cluster_admin, bureau, association, "
					 "town_officer, enterprise_admin, supervisor, inspector, "
					 "worker or household");
	if (strlen(pass) < 8)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'password' must have at least 8 characters");
	int cluster_role = role_is_cluster((role)ro);
	if (!cluster_role) {
		if (!ent[0])
			return http__reply_error(r, 400, "bad_request", -1,
						 "a %s needs field 'enterprise'", u.role);
		if (http__resolve_enterprise(r, ent, &u.enterprise_id, &ret))
			return ret;
	} else if (ent[0]) {
		return http__reply_error(r, 400, "bad_request", -1, "a %s belongs to no enterprise",
					 u.role);
	}
	if (cluster_role ? !http__is_cluster_admin(r) : !http__can_manage(r, u.enterprise_id))
		return http__reply_error(r, 403, "forbidden", -1, "not allowed to add this user");
	int hrc = secret_password_hash(pass, u.pw_hash, sizeof u.pw_hash);
	if (hrc == GLOVED_EBUSY)
		return http__reply_error(
		    r, 503, "unavailable", -1,
		    "too many password hashes at once; try again in a few seconds");
	if (hrc)
		return http__reply_error(r, 500, "internal", -1, "cannot hash the password");
	memset(pass, 0, sizeof pass);
	int rc = app_user_add(r->srv->app.w, r->scope, &u);
	if (!rc) {
		char after[64];
		snprintf(after, sizeof after, "{\"role\":\"%s\"}", u.role);
		http__audit(r, u.enterprise_id, "user.add", u.username, after);
	}
	return http__reply_created(r, db, rc, "user", u.username, user_json(&u, r->srv->app.reg));
}

const http_route http__routes_auth[] = {
    {"POST", "/api/v1/login", ROLES_PUBLIC, h_login, NULL},
    {"POST", "/api/v1/logout", ROLES_ANY_USER, h_logout, NULL},
    {"GET", "/api/v1/me", ROLES_ANY_USER, h_me, NULL},
    {"GET", "/api/v1/users", ROLES_ADMINS, h_users, "only admins list users"},
    {"POST", "/api/v1/users", ROLES_ADMINS, h_user_add, "not allowed to add this user"},
};
const size_t http__routes_auth_n = sizeof http__routes_auth / sizeof http__routes_auth[0];
