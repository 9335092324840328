/* SPDX-License-Identifier: Apache-2.0 */
/* api.c: the REST/JSON API under /api/v1/ (docs/api.md). A table maps
 * method and path to a handler and who may call it; handlers validate
 * their input, answer 4xx with a JSON error naming what is wrong, and read
 * through the registry, the live state or a pooled read connection. Writes
 * of the registry go through the writer thread (one owner of the write
 * connection); reports go to the writer and are answered after commit. */
#include "core/code.h"
#include "core/state.h"
#include "http/http_int.h"
#include "ingest/modbus_decode.h"
#include "ingest/report.h"
#include "util/err.h"
#include "util/log.h"
#include "util/ltime.h"
#include "util/metrics.h"
#include "util/secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum need { PUBLIC, USER, GATEWAY } need;

/* Counts a refused ingest request; returns 1 to sit inside a condition. */
static int metrics_inc_rejected(void)
{
	metrics_add(M_REPORTS_REJECTED, 1);
	return 1;
}

typedef struct route {
	const char *method;
	const char *path;
	need who;
	enum MHD_Result (*fn)(http_req *r, store *db);
} route;

/* ---- small helpers ---- */

static cJSON *parse_body(http_req *r, enum MHD_Result *ret)
{
	cJSON *j = NULL;
	if (r->body.len)
		j = cJSON_ParseWithLength(r->body.data, r->body.len);
	if (!j || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		*ret =
		    http__reply_error(r, 400, "bad_request", -1, "the body must be a JSON object");
		return NULL;
	}
	return j;
}

static int valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = *p < 0x80             ? 0
			: (*p & 0xE0) == 0xC0 ? 1
			: (*p & 0xF0) == 0xE0 ? 2
			: (*p & 0xF8) == 0xF0 ? 3
					      : -1;
		if (n < 0 || (n == 1 && *p < 0xC2))
			return 0;
		if (n == 0 && *p < 0x20)
			return 0;
		p++;
		for (int i = 0; i < n; i++, p++)
			if ((*p & 0xC0) != 0x80)
				return 0;
	}
	return 1;
}

/* Reads string field key into dst; on a problem replies 400 and returns -1. */
static int field_text(http_req *r, const cJSON *j, const char *key, int required, int code,
		      char *dst, size_t cap, enum MHD_Result *ret)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	dst[0] = '\0';
	if (!v || cJSON_IsNull(v)) {
		if (!required)
			return 0;
		*ret = http__reply_error(r, 400, "bad_request", -1, "field '%s' is missing", key);
		return -1;
	}
	if (!cJSON_IsString(v) || strlen(v->valuestring) >= cap ||
	    (code && !code_valid(v->valuestring)) || !valid_utf8(v->valuestring) ||
	    (required && !v->valuestring[0])) {
		if (code)
			*ret = http__reply_error(r, 400, "bad_request", -1,
						 "field '%s' must be 1-32 characters of A-Z a-z "
						 "0-9 _ -",
						 key);
		else
			*ret = http__reply_error(
			    r, 400, "bad_request", -1,
			    "field '%s' must be UTF-8 text of at most %zu bytes", key, cap - 1);
		return -1;
	}
	memcpy(dst, v->valuestring, strlen(v->valuestring) + 1);
	return 0;
}

static int field_int(http_req *r, const cJSON *j, const char *key, int64_t lo, int64_t hi,
		     int64_t dflt, int64_t *out, enum MHD_Result *ret)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	if (!v || cJSON_IsNull(v)) {
		*out = dflt;
		return 0;
	}
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int64_t)v->valuedouble ||
	    v->valuedouble < (double)lo || v->valuedouble > (double)hi) {
		*ret = http__reply_error(r, 400, "bad_request", -1,
					 "field '%s' must be an integer in %lld..%lld", key,
					 (long long)lo, (long long)hi);
		return -1;
	}
	*out = (int64_t)v->valuedouble;
	return 0;
}

/* The enterprise a request is about: ?enterprise= or the body field, within
 * the caller's scope. code may be NULL: the caller's own firm, or all (0)
 * for cluster roles. Replies 404 and returns -1 when out of scope. */
static int resolve_enterprise(http_req *r, const char *code, int64_t *id, enum MHD_Result *ret)
{
	registry *reg = r->srv->app.reg;
	if (!code || !*code) {
		*id = r->scope.enterprise_id;
		return 0;
	}
	store_enterprise e;
	if (registry_enterprise_by_code(reg, code, &e) ||
	    (r->scope.enterprise_id && e.id != r->scope.enterprise_id)) {
		*ret = http__reply_error(r, 404, "not_found", -1, "no enterprise '%s'", code);
		return -1;
	}
	*id = e.id;
	return 0;
}

static void refresh(http_req *r, store *db)
{
	registry_refresh(r->srv->app.reg, db, 0);
}

/* The helpers above for api_analytics.c. */
cJSON *http__parse_body(http_req *r, enum MHD_Result *ret)
{
	return parse_body(r, ret);
}
int http__field_text(http_req *r, const cJSON *j, const char *key, int required, int code,
		     char *dst, size_t cap, enum MHD_Result *ret)
{
	return field_text(r, j, key, required, code, dst, cap, ret);
}
int http__field_int(http_req *r, const cJSON *j, const char *key, int64_t lo, int64_t hi,
		    int64_t dflt, int64_t *out, enum MHD_Result *ret)
{
	return field_int(r, j, key, lo, hi, dflt, out, ret);
}
int http__resolve_enterprise(http_req *r, const char *code, int64_t *id, enum MHD_Result *ret)
{
	return resolve_enterprise(r, code, id, ret);
}
void http__refresh(http_req *r, store *db)
{
	refresh(r, db);
}
const char *http__ent_code(http_req *r, int64_t ent, store_enterprise *e)
{
	if (ent && registry_enterprise(r->srv->app.reg, ent, e) == GLOVED_OK)
		return e->code;
	return "";
}

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

static int session_write(http_req *r, int add, const uint8_t *h, int64_t user_id,
			 int64_t expires_ms);

static enum MHD_Result h_login(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = parse_body(r, &ret);
	if (!j)
		return ret;
	char user[64], pass[256];
	if (field_text(r, j, "username", 1, 0, user, sizeof user, &ret) ||
	    field_text(r, j, "password", 1, 0, pass, sizeof pass, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	int64_t now = ltime_now_ms();
	if (http__login_locked(r->srv, user, now))
		return http__reply_error(r, 429, "too_many_requests", -1,
					 "too many failed logins for '%s'; try again in 5 minutes",
					 user);
	store_user u;
	int found = store_user_by_name(db, user, &u) == GLOVED_OK;
	int ok = found && secret_password_verify(u.pw_hash, pass);
	if (!found) /* spend the same time as a real check */
		secret_password_verify(dummy_hash(), pass);
	http__login_result(r->srv, user, ok, now);
	memset(pass, 0, sizeof pass);
	if (!ok)
		return http__reply_error(r, 401, "unauthorized", -1, "wrong user name or password");
	char token[SECRET_TOKEN_MAX];
	uint8_t h[SECRET_HASH_LEN];
	if (secret_token_new("s_", token, sizeof token))
		return http__reply_error(r, 500, "internal", -1, "cannot make a session");
	secret_token_hash(token, h);
	int64_t ttl = r->srv->app.cfg->session_hours * 3600000;
	if (session_write(r, 1, h, u.id, now + ttl))
		return http__reply_error(r, 503, "unavailable", -1, "cannot store the session");
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
	session_write(r, 0, r->session_hash, 0, 0);
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

/* ---- registry ---- */

static enum MHD_Result h_enterprises(http_req *r, store *db)
{
	refresh(r, db);
	store_enterprise *es = NULL;
	size_t n = 0;
	if (registry_enterprises(r->srv->app.reg, r->scope, &es, &n))
		return http__reply_error(r, 500, "internal", -1, "out of memory");
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "enterprises");
	for (size_t i = 0; i < n; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "code", es[i].code);
		cJSON_AddStringToObject(e, "name", es[i].name);
		cJSON_AddStringToObject(e, "town", es[i].town);
		cJSON_AddItemToArray(arr, e);
	}
	free(es);
	return http__reply_json(r, 200, o);
}

typedef struct add_ctx {
	store_scope scope;
	int kind;
	store_enterprise e;
	store_workshop w;
	store_machine m;
	store_user u;
	store_gateway g;
	store_modbus_device md;
	uint8_t hash[SECRET_HASH_LEN];
	int64_t expires_ms;
} add_ctx;

enum { ADD_ENT, ADD_WS, ADD_MACHINE, ADD_USER, ADD_GATEWAY, ADD_SESSION, DEL_SESSION, ADD_MODBUS };

static int do_add(store *s, void *ctx)
{
	add_ctx *a = ctx;
	switch (a->kind) {
	case ADD_ENT:
		return store_enterprise_add(s, a->scope, &a->e);
	case ADD_WS:
		return store_workshop_add(s, a->scope, &a->w);
	case ADD_MACHINE:
		return store_machine_add(s, a->scope, &a->m);
	case ADD_USER:
		return store_user_add(s, a->scope, &a->u);
	case ADD_GATEWAY:
		return store_gateway_add(s, a->scope, &a->g, a->hash);
	case ADD_SESSION:
		return store_session_add(s, a->hash, a->u.id, a->expires_ms);
	case DEL_SESSION:
		return store_session_delete(s, a->hash);
	case ADD_MODBUS:
		return store_modbus_device_add(s, a->scope, &a->md);
	}
	return GLOVED_EINVAL;
}

static int session_write(http_req *r, int add, const uint8_t *h, int64_t user_id,
			 int64_t expires_ms)
{
	add_ctx a = {0};
	a.kind = add ? ADD_SESSION : DEL_SESSION;
	memcpy(a.hash, h, SECRET_HASH_LEN);
	a.u.id = user_id;
	a.expires_ms = expires_ms;
	return writer_call(r->srv->app.w, do_add, &a);
}

static enum MHD_Result add_reply(http_req *r, store *db, add_ctx *a, const char *what,
				 const char *code, cJSON *ok_body)
{
	int rc = writer_call(r->srv->app.w, do_add, a);
	refresh(r, db);
	if (rc == GLOVED_EEXIST) {
		cJSON_Delete(ok_body);
		return http__reply_error(r, 409, "conflict", -1, "%s '%s' already exists", what,
					 code);
	}
	if (rc == GLOVED_EPERM) {
		cJSON_Delete(ok_body);
		return http__reply_error(r, 403, "forbidden", -1, "not allowed");
	}
	if (rc == GLOVED_ENOTFOUND) {
		cJSON_Delete(ok_body);
		return http__reply_error(r, 404, "not_found", -1, "the %s's parent does not exist",
					 what);
	}
	if (rc) {
		cJSON_Delete(ok_body);
		return http__reply_error(r, 503, "unavailable", -1, "cannot store the %s: %s", what,
					 gloved_strerror(rc));
	}
	return http__reply_json(r, 201, ok_body);
}

static enum MHD_Result h_enterprise_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	if (!http__is_cluster_admin(r))
		return http__reply_error(r, 403, "forbidden", -1,
					 "only a cluster admin registers enterprises");
	cJSON *j = parse_body(r, &ret);
	if (!j)
		return ret;
	add_ctx a = {0};
	a.kind = ADD_ENT;
	a.scope = r->scope;
	if (field_text(r, j, "code", 1, 1, a.e.code, sizeof a.e.code, &ret) ||
	    field_text(r, j, "name", 1, 0, a.e.name, sizeof a.e.name, &ret) ||
	    field_text(r, j, "town", 0, 0, a.e.town, sizeof a.e.town, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", a.e.code);
	cJSON_AddStringToObject(o, "name", a.e.name);
	cJSON_AddStringToObject(o, "town", a.e.town);
	return add_reply(r, db, &a, "enterprise", a.e.code, o);
}

static enum MHD_Result h_workshops(http_req *r, store *db)
{
	enum MHD_Result ret;
	refresh(r, db);
	int64_t ent;
	if (resolve_enterprise(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	store_workshop *ws = NULL;
	size_t n = 0;
	store_scope sc = {ent};
	if (registry_workshops(r->srv->app.reg, sc, &ws, &n))
		return http__reply_error(r, 500, "internal", -1, "out of memory");
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "workshops");
	for (size_t i = 0; i < n; i++) {
		store_enterprise e;
		if (registry_enterprise(r->srv->app.reg, ws[i].enterprise_id, &e))
			continue;
		cJSON *w = cJSON_CreateObject();
		cJSON_AddStringToObject(w, "enterprise", e.code);
		cJSON_AddStringToObject(w, "code", ws[i].code);
		cJSON_AddStringToObject(w, "name", ws[i].name);
		cJSON_AddItemToArray(arr, w);
	}
	free(ws);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_workshop_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	refresh(r, db);
	cJSON *j = parse_body(r, &ret);
	if (!j)
		return ret;
	add_ctx a = {0};
	a.kind = ADD_WS;
	a.scope = r->scope;
	char ent[40];
	if (field_text(r, j, "enterprise", 1, 1, ent, sizeof ent, &ret) ||
	    field_text(r, j, "code", 1, 1, a.w.code, sizeof a.w.code, &ret) ||
	    field_text(r, j, "name", 1, 0, a.w.name, sizeof a.w.name, &ret) ||
	    resolve_enterprise(r, ent, &a.w.enterprise_id, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (!http__can_manage(r, a.w.enterprise_id))
		return http__reply_error(r, 403, "forbidden", -1,
					 "only an admin of %s adds its workshops", ent);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "enterprise", ent);
	cJSON_AddStringToObject(o, "code", a.w.code);
	cJSON_AddStringToObject(o, "name", a.w.name);
	return add_reply(r, db, &a, "workshop", a.w.code, o);
}

cJSON *http__machine_json(http_server *s, const store_machine *m, int64_t now_ms)
{
	registry *reg = s->app.reg;
	store_enterprise e;
	store_workshop w;
	if (registry_enterprise(reg, m->enterprise_id, &e))
		snprintf(e.code, sizeof e.code, "?");
	if (registry_workshop(reg, m->workshop_id, &w))
		snprintf(w.code, sizeof w.code, "?");
	live_view v;
	live_machine_view(s->app.lv, writer_cals(s->app.w), NULL, m, now_ms, &v);
	const live_machine lm = v.m;
	int64_t good = v.good_today, reject = v.reject_today;
	int eff = v.state;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "enterprise", e.code);
	cJSON_AddStringToObject(o, "workshop", w.code);
	cJSON_AddStringToObject(o, "code", m->code);
	cJSON_AddStringToObject(o, "kind", m->kind);
	cJSON_AddNumberToObject(o, "gauge", m->gauge);
	cJSON_AddNumberToObject(o, "cycle_ms", (double)m->cycle_ms);
	cJSON_AddNumberToObject(o, "counter_bits", m->counter_bits);
	cJSON_AddStringToObject(o, "state", state_name(eff));
	cJSON_AddStringToObject(o, "reason", lm.reason);
	cJSON_AddNumberToObject(o, "since", (double)lm.since_ts);
	cJSON_AddNumberToObject(o, "last_seen", (double)lm.last_ts);
	cJSON_AddNumberToObject(o, "good_today", (double)good);
	cJSON_AddNumberToObject(o, "reject_today", (double)reject);
	cJSON_AddStringToObject(o, "unit", "piece");
	return o;
}

/* Machines in scope, narrowed by ?enterprise= and ?workshop=. */
static int scoped_machines(http_req *r, store_machine **out, size_t *n, enum MHD_Result *ret)
{
	int64_t ent;
	if (resolve_enterprise(r, http__arg(r, "enterprise"), &ent, ret))
		return -1;
	const char *wcode = http__arg(r, "workshop");
	int64_t ws = 0;
	if (wcode && *wcode) {
		store_workshop w;
		if (!ent || registry_workshop_by_code(r->srv->app.reg, ent, wcode, &w)) {
			*ret = http__reply_error(
			    r, 404, "not_found", -1,
			    ent ? "no workshop '%s'" : "workshop '%s' needs ?enterprise=", wcode);
			return -1;
		}
		ws = w.id;
	}
	store_scope sc = {ent};
	if (registry_machines(r->srv->app.reg, sc, out, n)) {
		*ret = http__reply_error(r, 500, "internal", -1, "out of memory");
		return -1;
	}
	if (ws) {
		size_t k = 0;
		for (size_t i = 0; i < *n; i++)
			if ((*out)[i].workshop_id == ws)
				(*out)[k++] = (*out)[i];
		*n = k;
	}
	return 0;
}

static enum MHD_Result h_machines(http_req *r, store *db)
{
	enum MHD_Result ret;
	refresh(r, db);
	store_machine *ms = NULL;
	size_t n = 0;
	if (scoped_machines(r, &ms, &n, &ret))
		return ret;
	int64_t now = ltime_now_ms();
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "machines");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, http__machine_json(r->srv, &ms[i], now));
	free(ms);
	return http__reply_json(r, 200, o);
}

static const char *const kinds[] = {"knitting", "overlock", "dipping", "sewing",
				    "cutting",  "ironing",  "packing", "other"};

static enum MHD_Result h_machine_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	refresh(r, db);
	cJSON *j = parse_body(r, &ret);
	if (!j)
		return ret;
	add_ctx a = {0};
	a.kind = ADD_MACHINE;
	a.scope = r->scope;
	char ent[40], wcode[40];
	int64_t gauge, cycle, bits;
	if (field_text(r, j, "enterprise", 1, 1, ent, sizeof ent, &ret) ||
	    field_text(r, j, "workshop", 1, 1, wcode, sizeof wcode, &ret) ||
	    field_text(r, j, "code", 1, 1, a.m.code, sizeof a.m.code, &ret) ||
	    field_text(r, j, "kind", 0, 0, a.m.kind, sizeof a.m.kind, &ret) ||
	    field_int(r, j, "gauge", 0, 40, 0, &gauge, &ret) ||
	    field_int(r, j, "cycle_ms", 0, 86400000, 0, &cycle, &ret) ||
	    field_int(r, j, "counter_bits", 16, 64, 64, &bits, &ret) ||
	    resolve_enterprise(r, ent, &a.m.enterprise_id, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (bits != 16 && bits != 32 && bits != 64)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'counter_bits' must be 16, 32 or 64");
	if (!a.m.kind[0])
		snprintf(a.m.kind, sizeof a.m.kind, "knitting");
	int kind_ok = 0;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		kind_ok |= strcmp(kinds[i], a.m.kind) == 0;
	if (!kind_ok)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'kind' must be one of knitting, overlock, dipping, "
					 "sewing, cutting, ironing, packing, other");
	if (!http__can_manage(r, a.m.enterprise_id))
		return http__reply_error(r, 403, "forbidden", -1,
					 "only an admin of %s adds its machines", ent);
	store_workshop w;
	if (registry_workshop_by_code(r->srv->app.reg, a.m.enterprise_id, wcode, &w))
		return http__reply_error(r, 404, "not_found", -1, "no workshop '%s' in %s", wcode,
					 ent);
	a.m.workshop_id = w.id;
	a.m.gauge = (int)gauge;
	a.m.cycle_ms = cycle;
	a.m.counter_bits = (int)bits;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "enterprise", ent);
	cJSON_AddStringToObject(o, "workshop", wcode);
	cJSON_AddStringToObject(o, "code", a.m.code);
	cJSON_AddStringToObject(o, "kind", a.m.kind);
	cJSON_AddNumberToObject(o, "gauge", (double)gauge);
	cJSON_AddNumberToObject(o, "cycle_ms", (double)cycle);
	cJSON_AddNumberToObject(o, "counter_bits", (double)bits);
	return add_reply(r, db, &a, "machine", a.m.code, o);
}

static enum MHD_Result h_gateway_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	refresh(r, db);
	cJSON *j = parse_body(r, &ret);
	if (!j)
		return ret;
	add_ctx a = {0};
	a.kind = ADD_GATEWAY;
	a.scope = r->scope;
	char ent[40];
	if (field_text(r, j, "enterprise", 1, 1, ent, sizeof ent, &ret) ||
	    field_text(r, j, "name", 0, 0, a.g.name, sizeof a.g.name, &ret) ||
	    resolve_enterprise(r, ent, &a.g.enterprise_id, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (!http__can_manage(r, a.g.enterprise_id))
		return http__reply_error(r, 403, "forbidden", -1,
					 "only an admin of %s creates its gateway tokens", ent);
	if (!a.g.name[0])
		snprintf(a.g.name, sizeof a.g.name, "gateway");
	char token[SECRET_TOKEN_MAX];
	if (secret_token_new("gw_", token, sizeof token))
		return http__reply_error(r, 500, "internal", -1, "cannot make a token");
	secret_token_hash(token, a.hash);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "enterprise", ent);
	cJSON_AddStringToObject(o, "name", a.g.name);
	cJSON_AddStringToObject(o, "token", token);
	return add_reply(r, db, &a, "gateway", a.g.name, o);
}

static enum MHD_Result h_users(http_req *r, store *db)
{
	if (!http__is_cluster_admin(r) && strcmp(r->user.role, "enterprise_admin") != 0)
		return http__reply_error(r, 403, "forbidden", -1, "only admins list users");
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
	refresh(r, db);
	cJSON *j = parse_body(r, &ret);
	if (!j)
		return ret;
	add_ctx a = {0};
	a.kind = ADD_USER;
	a.scope = r->scope;
	char ent[40], pass[256];
	if (field_text(r, j, "username", 1, 1, a.u.username, sizeof a.u.username, &ret) ||
	    field_text(r, j, "role", 1, 0, a.u.role, sizeof a.u.role, &ret) ||
	    field_text(r, j, "password", 1, 0, pass, sizeof pass, &ret) ||
	    field_text(r, j, "enterprise", 0, 1, ent, sizeof ent, &ret) ||
	    (strcmp(a.u.role, "worker") == 0 &&
	     field_text(r, j, "worker", 1, 1, a.u.worker, sizeof a.u.worker, &ret))) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	int cluster_role =
	    strcmp(a.u.role, "cluster_admin") == 0 || strcmp(a.u.role, "bureau") == 0;
	int firm_role = strcmp(a.u.role, "enterprise_admin") == 0 ||
			strcmp(a.u.role, "supervisor") == 0 || strcmp(a.u.role, "worker") == 0;
	if (!cluster_role && !firm_role)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'role' must be cluster_admin, bureau, "
					 "enterprise_admin, supervisor or worker");
	if (strlen(pass) < 8)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'password' must have at least 8 characters");
	if (firm_role) {
		if (!ent[0])
			return http__reply_error(r, 400, "bad_request", -1,
						 "a %s needs field 'enterprise'", a.u.role);
		if (resolve_enterprise(r, ent, &a.u.enterprise_id, &ret))
			return ret;
	} else if (ent[0]) {
		return http__reply_error(r, 400, "bad_request", -1, "a %s belongs to no enterprise",
					 a.u.role);
	}
	if (cluster_role ? !http__is_cluster_admin(r) : !http__can_manage(r, a.u.enterprise_id))
		return http__reply_error(r, 403, "forbidden", -1, "not allowed to add this user");
	if (secret_password_hash(pass, a.u.pw_hash, sizeof a.u.pw_hash))
		return http__reply_error(r, 500, "internal", -1, "cannot hash the password");
	memset(pass, 0, sizeof pass);
	cJSON *o = user_json(&a.u, r->srv->app.reg);
	return add_reply(r, db, &a, "user", a.u.username, o);
}

/* ---- ingest ---- */

static enum MHD_Result h_reports(http_req *r, store *db)
{
	store_enterprise e;
	if (registry_enterprise(r->srv->app.reg, r->gateway_enterprise, &e)) {
		refresh(r, db);
		if (registry_enterprise(r->srv->app.reg, r->gateway_enterprise, &e))
			return http__reply_error(r, 403, "forbidden", -1,
						 "the token's enterprise is gone");
	}
	const gloved_config *cfg = r->srv->app.cfg;
	report_ctx ctx = {r->srv->app.reg,          db,  e.id, e.code, ltime_now_ms(),
			  cfg->max_future_s * 1000, NULL};
	ingest_record *recs = NULL;
	size_t n = 0;
	report_error err;
	fleet *fl = r->srv->app.fleet;
	if (report_parse_body(&ctx, r->body.data ? r->body.data : "", r->body.len,
			      (size_t)cfg->max_records, &recs, &n, &err)) {
		metrics_add(M_REPORTS_REJECTED, 1);
		if (fl)
			fleet_error(fl, e.id, FLEET_HTTP, r->gateway_name, err.message, ctx.now_ms);
		const char *code = err.status == 404   ? "not_found"
				   : err.status == 413 ? "too_large"
				   : err.status == 500 ? "internal"
						       : "bad_request";
		return http__reply_error(r, (unsigned)err.status, code, err.record, "%s",
					 err.message);
	}
	/* the read connection is not needed while waiting for the commit */
	if (fl) {
		int64_t last = -1;
		for (size_t i = 0; i < n; i++) {
			if (recs[i].machine_id == last)
				continue;
			last = recs[i].machine_id;
			fleet_seen(fl, e.id, FLEET_HTTP, r->gateway_name, last, ctx.now_ms);
		}
	}
	writer_result res = {0};
	int rc = writer_submit(r->srv->app.w, recs, n, &res);
	free(recs);
	if (rc)
		return http__reply_error(r, 503, "unavailable", -1,
					 "the reports were not stored (%s); nothing was written, "
					 "send them again",
					 gloved_strerror(rc));
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "accepted", (double)res.accepted);
	cJSON_AddNumberToObject(o, "duplicates", (double)res.duplicates);
	cJSON_AddNumberToObject(o, "late", (double)res.late);
	return http__reply_json(r, 200, o);
}

/* ---- output and summary ---- */

static enum MHD_Result h_output(http_req *r, store *db)
{
	enum MHD_Result ret;
	refresh(r, db);
	int64_t ent;
	if (resolve_enterprise(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	int64_t ws = 0, mid = 0;
	const char *wcode = http__arg(r, "workshop"), *mcode = http__arg(r, "machine");
	if ((wcode && *wcode) || (mcode && *mcode)) {
		if (!ent)
			return http__reply_error(r, 400, "bad_request", -1,
						 "workshop and machine need ?enterprise=");
	}
	if (wcode && *wcode) {
		store_workshop w;
		if (registry_workshop_by_code(r->srv->app.reg, ent, wcode, &w))
			return http__reply_error(r, 404, "not_found", -1, "no workshop '%s'",
						 wcode);
		ws = w.id;
	}
	if (mcode && *mcode) {
		store_machine m;
		if (registry_machine_by_code(r->srv->app.reg, ent, mcode, &m))
			return http__reply_error(r, 404, "not_found", -1, "no machine '%s'", mcode);
		mid = m.id;
	}
	int64_t now = ltime_now_ms();
	int64_t from = ltime_day_start(now), to = now + 1;
	const char *fs = http__arg(r, "from"), *ts = http__arg(r, "to");
	if (fs && ltime_parse(fs, &from))
		return http__reply_error(r, 400, "bad_request", -1,
					 "'from' must be Unix ms, YYYY-MM-DD or RFC 3339");
	if (ts && ltime_parse(ts, &to))
		return http__reply_error(r, 400, "bad_request", -1,
					 "'to' must be Unix ms, YYYY-MM-DD or RFC 3339");
	if (to <= from)
		return http__reply_error(r, 400, "bad_request", -1, "'to' must be after 'from'");
	const char *bs = http__arg(r, "bucket");
	store_level lvl = STORE_HOUR;
	static const int64_t max_span[STORE_LEVELS] = {31LL * 86400000, 400LL * 86400000,
						       20LL * 366 * 86400000};
	if (bs && strcmp(bs, "minute") == 0)
		lvl = STORE_MINUTE;
	else if (bs && strcmp(bs, "day") == 0)
		lvl = STORE_DAY;
	else if (bs && strcmp(bs, "hour") != 0)
		return http__reply_error(r, 400, "bad_request", -1,
					 "'bucket' must be minute, hour or day");
	if (to - from > max_span[lvl])
		return http__reply_error(r, 400, "bad_request", -1,
					 "range too long for %s buckets (at most %lld days)",
					 bs ? bs : "hour", (long long)(max_span[lvl] / 86400000));
	/* buckets are aligned: widen from to the start of its bucket */
	int64_t qfrom = lvl == STORE_DAY    ? ltime_day_start(from)
			: lvl == STORE_HOUR ? from - (from % 3600000)
					    : from - (from % 60000);
	store_bucket *b = NULL;
	size_t n = 0;
	if (store_output(db, r->scope, lvl, ent, ws, mid, qfrom, to, &b, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read output");
	static const char *const names[] = {"minute", "hour", "day"};
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "bucket", names[lvl]);
	cJSON_AddNumberToObject(o, "from", (double)qfrom);
	cJSON_AddNumberToObject(o, "to", (double)to);
	cJSON_AddStringToObject(o, "unit", "piece");
	cJSON_AddStringToObject(o, "timezone", ltime_zone());
	cJSON *arr = cJSON_AddArrayToObject(o, "series");
	int64_t tg = 0, tr = 0;
	for (size_t i = 0; i < n; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "ts", (double)b[i].ts_ms);
		cJSON_AddNumberToObject(e, "good", (double)b[i].good);
		cJSON_AddNumberToObject(e, "reject", (double)b[i].reject);
		cJSON_AddItemToArray(arr, e);
		tg += b[i].good;
		tr += b[i].reject;
	}
	free(b);
	cJSON *t = cJSON_AddObjectToObject(o, "total");
	cJSON_AddNumberToObject(t, "good", (double)tg);
	cJSON_AddNumberToObject(t, "reject", (double)tr);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_summary(http_req *r, store *db)
{
	enum MHD_Result ret;
	refresh(r, db);
	store_machine *ms = NULL;
	size_t n = 0;
	if (scoped_machines(r, &ms, &n, &ret))
		return ret;
	registry *reg = r->srv->app.reg;
	int64_t now = ltime_now_ms();
	firmcal_cache *cals = writer_cals(r->srv->app.w);
	store_enterprise *es = NULL;
	store_workshop *ws = NULL;
	size_t ne = 0, nw = 0;
	registry_enterprises(reg, r->scope, &es, &ne);
	registry_workshops(reg, r->scope, &ws, &nw);
	cJSON *o = cJSON_CreateObject();
	char day[16];
	ltime_format_day(now, day, sizeof day);
	cJSON_AddStringToObject(o, "day", day);
	cJSON_AddStringToObject(o, "timezone", ltime_zone());
	cJSON_AddStringToObject(o, "unit", "piece");
	cJSON *ea = cJSON_AddArrayToObject(o, "enterprises");
	cJSON *wa = cJSON_AddArrayToObject(o, "workshops");
	for (size_t i = 0; i < ne; i++) {
		int64_t g = 0, rj = 0, cnt = 0;
		int states[MS_OFFLINE + 1] = {0};
		for (size_t k = 0; k < n; k++) {
			if (ms[k].enterprise_id != es[i].id)
				continue;
			live_view v;
			live_machine_view(r->srv->app.lv, cals, db, &ms[k], now, &v);
			g += v.good_today;
			rj += v.reject_today;
			cnt++;
			states[v.state]++;
		}
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "code", es[i].code);
		cJSON_AddStringToObject(e, "name", es[i].name);
		cJSON_AddNumberToObject(e, "good", (double)g);
		cJSON_AddNumberToObject(e, "reject", (double)rj);
		cJSON_AddNumberToObject(e, "machines", (double)cnt);
		cJSON *so = cJSON_AddObjectToObject(e, "states");
		for (int s = 0; s <= MS_OFFLINE; s++)
			if (states[s])
				cJSON_AddNumberToObject(so, state_name(s), states[s]);
		cJSON_AddItemToArray(ea, e);
	}
	for (size_t i = 0; i < nw; i++) {
		int64_t g = 0, rj = 0, cnt = 0;
		for (size_t k = 0; k < n; k++) {
			if (ms[k].workshop_id != ws[i].id)
				continue;
			live_view v;
			live_machine_view(r->srv->app.lv, cals, db, &ms[k], now, &v);
			g += v.good_today;
			rj += v.reject_today;
			cnt++;
		}
		store_enterprise e;
		if (registry_enterprise(reg, ws[i].enterprise_id, &e))
			continue;
		cJSON *w = cJSON_CreateObject();
		cJSON_AddStringToObject(w, "enterprise", e.code);
		cJSON_AddStringToObject(w, "code", ws[i].code);
		cJSON_AddStringToObject(w, "name", ws[i].name);
		cJSON_AddNumberToObject(w, "good", (double)g);
		cJSON_AddNumberToObject(w, "reject", (double)rj);
		cJSON_AddNumberToObject(w, "machines", (double)cnt);
		cJSON_AddItemToArray(wa, w);
	}
	free(ms);
	free(es);
	free(ws);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_gateways(http_req *r, store *db)
{
	enum MHD_Result ret;
	refresh(r, db);
	int64_t ent;
	if (resolve_enterprise(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	fleet_entry *fe = NULL;
	size_t n = 0;
	int64_t now = ltime_now_ms();
	store_scope sc = {ent};
	if (!r->srv->app.fleet || fleet_list(r->srv->app.fleet, sc, now, &fe, &n))
		return http__reply_error(r, 500, "internal", -1, "out of memory");
	int64_t offline_ms = r->srv->app.cfg->offline_after_s * 1000;
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "gateways");
	for (size_t i = 0; i < n; i++) {
		store_enterprise e;
		if (registry_enterprise(r->srv->app.reg, fe[i].enterprise_id, &e))
			continue;
		cJSON *g = cJSON_CreateObject();
		cJSON_AddStringToObject(g, "enterprise", e.code);
		cJSON_AddStringToObject(g, "protocol", fleet_proto_name(fe[i].proto));
		cJSON_AddStringToObject(g, "name", fe[i].name);
		int online =
		    fe[i].online >= 0 ? fe[i].online : now - fe[i].last_seen_ms <= offline_ms;
		cJSON_AddBoolToObject(g, "online", online);
		cJSON_AddNumberToObject(g, "first_seen", (double)fe[i].first_seen_ms);
		cJSON_AddNumberToObject(g, "last_seen", (double)fe[i].last_seen_ms);
		cJSON_AddNumberToObject(g, "messages", (double)fe[i].messages);
		cJSON_AddNumberToObject(g, "messages_per_minute", (double)fe[i].msgs_per_min);
		cJSON_AddNumberToObject(g, "errors", (double)fe[i].errors);
		cJSON_AddStringToObject(g, "last_error", fe[i].last_error);
		cJSON_AddNumberToObject(g, "last_error_at", (double)fe[i].last_error_ms);
		cJSON *ms = cJSON_AddArrayToObject(g, "machines");
		for (size_t k = 0; k < fe[i].n_machines; k++) {
			store_machine m;
			if (registry_machine(r->srv->app.reg, fe[i].machines[k], &m) == GLOVED_OK)
				cJSON_AddItemToArray(ms, cJSON_CreateString(m.code));
		}
		cJSON_AddItemToArray(arr, g);
	}
	free(fe);
	return http__reply_json(r, 200, o);
}

/* ---- Modbus devices (docs/internals/modbus.md) ---- */

static cJSON *modbus_device_json(const store_modbus_device *d)
{
	cJSON *o = cJSON_CreateObject();
	char name[200];
	snprintf(name, sizeof name, "%s:%d/%d", d->host, d->port, d->unit_id);
	cJSON_AddStringToObject(o, "enterprise", d->enterprise_code);
	cJSON_AddStringToObject(o, "machine", d->machine_code);
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "host", d->host);
	cJSON_AddNumberToObject(o, "port", d->port);
	cJSON_AddNumberToObject(o, "unit", d->unit_id);
	cJSON_AddNumberToObject(o, "counter_reg", d->counter_reg);
	cJSON_AddNumberToObject(o, "counter_words", d->counter_words);
	cJSON_AddStringToObject(o, "word_order", d->word_order);
	if (d->reject_reg >= 0)
		cJSON_AddNumberToObject(o, "reject_reg", d->reject_reg);
	else
		cJSON_AddNullToObject(o, "reject_reg");
	if (d->state_reg >= 0)
		cJSON_AddNumberToObject(o, "state_reg", d->state_reg);
	else
		cJSON_AddNullToObject(o, "state_reg");
	cJSON_AddStringToObject(o, "state_map", d->state_map);
	cJSON_AddNumberToObject(o, "poll_ms", (double)d->poll_ms);
	cJSON_AddNumberToObject(o, "timeout_ms", (double)d->timeout_ms);
	cJSON_AddBoolToObject(o, "enabled", d->enabled);
	return o;
}

static enum MHD_Result h_modbus_devices(http_req *r, store *db)
{
	enum MHD_Result ret;
	refresh(r, db);
	int64_t ent;
	if (resolve_enterprise(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	store_modbus_device *ds = NULL;
	size_t n = 0;
	store_scope sc = {ent};
	if (store_modbus_device_list(db, sc, &ds, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read the devices");
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "modbus_devices");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, modbus_device_json(&ds[i]));
	free(ds);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_modbus_device_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	refresh(r, db);
	cJSON *j = parse_body(r, &ret);
	if (!j)
		return ret;
	add_ctx a = {0};
	a.kind = ADD_MODBUS;
	a.scope = r->scope;
	store_modbus_device *d = &a.md;
	char ent[40], mcode[40];
	int64_t port, unit, creg, words, rreg, sreg, poll, tmo;
	if (field_text(r, j, "enterprise", 1, 1, ent, sizeof ent, &ret) ||
	    field_text(r, j, "machine", 1, 1, mcode, sizeof mcode, &ret) ||
	    field_text(r, j, "host", 1, 0, d->host, 49, &ret) ||
	    field_int(r, j, "port", 1, 65535, 502, &port, &ret) ||
	    field_int(r, j, "unit", 0, 255, 1, &unit, &ret) ||
	    field_int(r, j, "counter_reg", 0, 65535, -1, &creg, &ret) ||
	    field_int(r, j, "counter_words", 1, 2, 2, &words, &ret) ||
	    field_text(r, j, "word_order", 0, 0, d->word_order, sizeof d->word_order, &ret) ||
	    field_int(r, j, "reject_reg", 0, 65535, -1, &rreg, &ret) ||
	    field_int(r, j, "state_reg", 0, 65535, -1, &sreg, &ret) ||
	    field_text(r, j, "state_map", 0, 0, d->state_map, sizeof d->state_map, &ret) ||
	    field_int(r, j, "poll_ms", 100, 3600000, 5000, &poll, &ret) ||
	    field_int(r, j, "timeout_ms", 100, 30000, 2000, &tmo, &ret) ||
	    resolve_enterprise(r, ent, &d->enterprise_id, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (creg < 0)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'counter_reg' is missing");
	if (!d->word_order[0])
		snprintf(d->word_order, sizeof d->word_order, "big");
	if (!d->state_map[0])
		snprintf(d->state_map, sizeof d->state_map,
			 "0:off,1:run,2:idle,3:stop,4:fault,5:setup");
	if (!http__can_manage(r, d->enterprise_id))
		return http__reply_error(r, 403, "forbidden", -1,
					 "only an admin of %s adds its Modbus devices", ent);
	store_machine m;
	if (registry_machine_by_code(r->srv->app.reg, d->enterprise_id, mcode, &m))
		return http__reply_error(r, 404, "not_found", -1, "no machine '%s' in %s", mcode,
					 ent);
	d->machine_id = m.id;
	d->port = (int)port;
	d->unit_id = (int)unit;
	d->counter_reg = (int)creg;
	d->counter_words = (int)words;
	d->reject_reg = (int)rreg;
	d->state_reg = (int)sreg;
	d->poll_ms = poll;
	d->timeout_ms = tmo;
	d->enabled = 1;
	char err[240];
	if (mbus_device_check(d, m.counter_bits, err, sizeof err))
		return http__reply_error(r, 400, "bad_request", -1, "%s", err);
	snprintf(d->enterprise_code, sizeof d->enterprise_code, "%.32s", ent);
	snprintf(d->machine_code, sizeof d->machine_code, "%s", m.code);
	return add_reply(r, db, &a, "Modbus device of machine", m.code, modbus_device_json(d));
}

static enum MHD_Result h_events(http_req *r, store *db)
{
	refresh(r, db);
	return http__serve_events(r);
}

static const route routes[] = {
    {"POST", "/api/v1/login", PUBLIC, h_login},
    {"POST", "/api/v1/logout", USER, h_logout},
    {"GET", "/api/v1/me", USER, h_me},
    {"GET", "/api/v1/enterprises", USER, h_enterprises},
    {"POST", "/api/v1/enterprises", USER, h_enterprise_add},
    {"GET", "/api/v1/workshops", USER, h_workshops},
    {"POST", "/api/v1/workshops", USER, h_workshop_add},
    {"GET", "/api/v1/machines", USER, h_machines},
    {"POST", "/api/v1/machines", USER, h_machine_add},
    {"POST", "/api/v1/gateway-tokens", USER, h_gateway_add},
    {"GET", "/api/v1/users", USER, h_users},
    {"POST", "/api/v1/users", USER, h_user_add},
    {"POST", "/api/v1/reports", GATEWAY, h_reports},
    {"GET", "/api/v1/output", USER, h_output},
    {"GET", "/api/v1/summary", USER, h_summary},
    {"GET", "/api/v1/events", USER, h_events},
    {"GET", "/api/v1/gateways", USER, h_gateways},
    {"GET", "/api/v1/modbus-devices", USER, h_modbus_devices},
    {"POST", "/api/v1/modbus-devices", USER, h_modbus_device_add},
    {"GET", "/api/v1/calendar", USER, http__h_calendar_get},
    {"PUT", "/api/v1/calendar", USER, http__h_calendar_put},
    {"GET", "/api/v1/oee", USER, http__h_oee},
    {"GET", "/api/v1/stops", USER, http__h_stops},
    {"POST", "/api/v1/stops/reason", USER, http__h_stop_reason},
    {"GET", "/api/v1/stop-reasons", USER, http__h_stop_reasons},
    {"POST", "/api/v1/stop-reasons", USER, http__h_stop_reason_add},
    {"GET", "/api/v1/workers", USER, http__h_workers},
    {"POST", "/api/v1/workers", USER, http__h_worker_add},
    {"GET", "/api/v1/assignments", USER, http__h_assignments},
    {"PUT", "/api/v1/assignments", USER, http__h_assignments_put},
    {"GET", "/api/v1/worker-output", USER, http__h_worker_output},
    {"GET", "/api/v1/wages", USER, http__h_wages},
    {"GET", "/api/v1/trend", USER, http__h_trend},
    {"GET", "/api/v1/output-table", USER, http__h_output_table},
    {"POST", "/api/v1/rebuild", USER, http__h_rebuild},
    {"GET", "/api/v1/styles", USER, http__h_styles},
    {"POST", "/api/v1/styles", USER, http__h_style_add},
    {"POST", "/api/v1/styles/copy", USER, http__h_style_copy},
    {"GET", "/api/v1/orders", USER, http__h_orders},
    {"POST", "/api/v1/orders", USER, http__h_order_add},
    {"POST", "/api/v1/orders/release", USER, http__h_order_release},
    {"POST", "/api/v1/orders/machines", USER, http__h_order_machine},
    {"POST", "/api/v1/cuts", USER, http__h_cut},
    {"GET", "/api/v1/bundles", USER, http__h_bundles},
    {"GET", "/api/v1/tickets", USER, http__h_tickets},
    {"POST", "/api/v1/scans", USER, http__h_scans},
    {"GET", "/api/v1/households", USER, http__h_households},
    {"POST", "/api/v1/households", USER, http__h_household_add},
    {"POST", "/api/v1/dispatches", USER, http__h_dispatch},
    {"POST", "/api/v1/returns", USER, http__h_return},
    {"GET", "/api/v1/wip", USER, http__h_wip},
    {"GET", "/api/v1/scan-output", USER, http__h_scan_output},
    {"POST", "/api/v1/sewn-settings", USER, http__h_sewn_settings},
};

enum MHD_Result http__route_api(http_req *r)
{
	const route *rt = NULL;
	int path_known = 0;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (strcmp(routes[i].path, r->url) != 0)
			continue;
		path_known = 1;
		if (strcmp(routes[i].method, r->method) == 0)
			rt = &routes[i];
	}
	if (!rt)
		return path_known
			   ? http__reply_error(r, 405, "bad_request", -1,
					       "method %s not allowed on %s", r->method, r->url)
			   : http__reply_error(r, 404, "not_found", -1, "no API %s", r->url);
	store *db = http__db_get(r->srv);
	if (!db)
		return http__reply_error(r, 503, "unavailable", -1, "database unavailable");
	if (rt->who != PUBLIC)
		http__authenticate(r, db);
	enum MHD_Result ret;
	if (rt->who == USER && r->auth != AUTH_USER)
		ret = http__reply_error(r, 401, "unauthorized", -1,
					r->auth == AUTH_GATEWAY
					    ? "a gateway token may only send reports"
					    : "log in first (POST /api/v1/login)");
	else if (rt->who == GATEWAY && r->auth != AUTH_GATEWAY && metrics_inc_rejected())
		ret = http__reply_error(r, 401, "unauthorized", -1,
					"send a gateway token: Authorization: Bearer gw_...");
	else if (rt->who == USER && strcmp(r->user.role, "worker") == 0 && rt->fn != h_logout &&
		 rt->fn != h_me && rt->fn != http__h_scans)
		ret = http__reply_error(r, 403, "forbidden", -1, "a worker login may only scan");
	else if (rt->who == USER && strcmp(r->method, "GET") != 0 &&
		 strcmp(r->user.role, "bureau") == 0 && rt->fn != h_logout)
		ret = http__reply_error(r, 403, "forbidden", -1, "the bureau role reads only");
	else
		ret = rt->fn(r, db);
	http__db_put(r->srv, db);
	return ret;
}
