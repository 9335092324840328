/* SPDX-License-Identifier: Apache-2.0 */
/* http_int.h: what the files of src/http/ share: the server struct, the
 * per-request context, reply helpers, auth and the route handlers. */
#ifndef GLOVED_HTTP_INT_H
#define GLOVED_HTTP_INT_H

#include "core/role.h"
#include "http/server.h"
#include "store/store.h"
#include "util/buf.h"

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <pthread.h>

#define POOL_MAX    32
#define LIMIT_SLOTS 256

typedef struct login_slot {
	char user[64];
	int fails;
	int64_t locked_until_ms;
	int64_t last_fail_ms;
} login_slot;

struct http_server {
	http_app app;
	struct MHD_Daemon *d;
	int port;
	pthread_mutex_t pool_mu;
	store *pool[POOL_MAX];
	int pool_n;
	pthread_mutex_t limit_mu;
	login_slot limits[LIMIT_SLOTS];
};

typedef struct http_req {
	http_server *srv;
	struct MHD_Connection *conn;
	const char *method;
	const char *url;
	buf body;
	int too_big;
	int done;
	/* who is asking: ROLE_NONE until authenticated (and for bad
	 * credentials), ROLE_GATEWAY for a gateway token, else the user's role */
	role role;
	store_user user;
	store_scope scope;
	int64_t gateway_enterprise;
	char gateway_name[64];
	uint8_t session_hash[32];
} http_req;

/* A read connection from the pool (opened on demand); NULL on failure. */
store *http__db_get(http_server *s);
void http__db_put(http_server *s, store *db);

/* Replies. All return an MHD_Result for the access handler. */
enum MHD_Result http__reply(http_req *r, unsigned status, const char *ctype, char *body, size_t len,
			    const char *set_cookie);
enum MHD_Result http__reply_json(http_req *r, unsigned status, cJSON *json);
enum MHD_Result http__reply_error(http_req *r, unsigned status, const char *code, long record,
				  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Query parameter or NULL. */
const char *http__arg(http_req *r, const char *name);

/* Authenticates from the cookie or bearer token; fills r->role etc. */
void http__authenticate(http_req *r, store *db);
/* Tenant checks: a cluster admin, or an admin (may_supervise: or a
 * supervisor) of enterprise_id. */
int http__is_cluster_admin(const http_req *r);
int http__can_manage(const http_req *r, int64_t enterprise_id);
/* Login rate limits, by user name (5 failures in 5 minutes lock the name
 * for 5 minutes) and by client address (key "@<address>": [http]
 * address_fails failures in 5 minutes lock the address; 0 = no limit).
 * _locked: 1 when the key is locked now. _result: counts a failure (ok 0)
 * or clears the key's count (ok 1; callers clear only user names, so one
 * good login does not reset an address). */
int http__login_locked(http_server *s, const char *key, int64_t now_ms);
void http__login_result(http_server *s, const char *key, int ok, int64_t now_ms);
/* The client's address as text ("?" when unknown) into out (>= 48 bytes). */
void http__client_addr(http_req *r, char *out, size_t n);

/* A route: method and path, the roles it admits (core/role.h: the router
 * answers 401/403 to any other, explaining with deny when the caller's
 * role has no message of its own) and its handler. Each api_<resource>.c
 * exports a table of them; router.c is the only reader. */
typedef enum MHD_Result (*http_handler)(http_req *r, store *db);
typedef struct http_route {
	const char *method;
	const char *path;
	role_mask roles;
	http_handler fn;
	const char *deny; /* NULL: a message from the caller's role */
} http_route;

extern const http_route http__routes_auth[];
extern const size_t http__routes_auth_n;
extern const http_route http__routes_registry[];
extern const size_t http__routes_registry_n;
extern const http_route http__routes_ingest[];
extern const size_t http__routes_ingest_n;
extern const http_route http__routes_live[];
extern const size_t http__routes_live_n;
extern const http_route http__routes_analytics[];
extern const size_t http__routes_analytics_n;
extern const http_route http__routes_sewn[];
extern const size_t http__routes_sewn_n;

/* Routes an /api/ request (router.c) and the live feed (sse.c). */
enum MHD_Result http__route_api(http_req *r);
enum MHD_Result http__serve_events(http_req *r);

/* Request parsing shared by the handlers (http_util.c). Each replies 400 (or
 * 404 for an enterprise out of scope) into *ret and returns NULL / -1 on a
 * problem. */
cJSON *http__parse_body(http_req *r, enum MHD_Result *ret);
/* A string field into dst (cap bytes): strict UTF-8 without control
 * characters, or a code (core/code.h) when code is set. */
int http__field_text(http_req *r, const cJSON *j, const char *key, int required, int code,
		     char *dst, size_t cap, enum MHD_Result *ret);
int http__field_int(http_req *r, const cJSON *j, const char *key, int64_t lo, int64_t hi,
		    int64_t dflt, int64_t *out, enum MHD_Result *ret);
/* The enterprise a request is about: code (?enterprise= or a body field)
 * within the caller's scope; NULL or "": the caller's own firm, or all (0)
 * for cluster roles. */
int http__resolve_enterprise(http_req *r, const char *code, int64_t *id, enum MHD_Result *ret);
void http__refresh(http_req *r, store *db);
/* The registry refreshed, then the enterprise of ?enterprise= as
 * http__resolve_enterprise. */
int http__query_enterprise(http_req *r, store *db, int64_t *id, enum MHD_Result *ret);
/* The code of enterprise ent into e ("" when none). */
const char *http__ent_code(http_req *r, int64_t ent, store_enterprise *e);
/* The one mapping of a GLOVED_* error to an HTTP answer (docs/api.md,
 * "Errors"): ENOTFOUND 404 not_found, EEXIST 409 conflict, EINVAL 400
 * bad_request, EPERM 403 forbidden, ETOOBIG 413 too_large, anything else 503
 * unavailable; the message names the thing (what, and code unless NULL or
 * ""). */
enum MHD_Result http__reply_status(http_req *r, int rc, const char *what, const char *code);
/* The error code name of an HTTP status ("bad_request" for an unknown 4xx). */
const char *http__status_code(unsigned status);
/* After a directory write: refreshes the registry, then 201 with body on
 * GLOVED_OK or the error of rc (body freed). */
enum MHD_Result http__reply_created(http_req *r, store *db, int rc, const char *what,
				    const char *code, cJSON *body);
/* A download: body (malloc'd, taken) with a Content-Disposition file name. */
enum MHD_Result http__reply_file(http_req *r, const char *ctype, char *body, size_t len,
				 const char *filename);
/* Analytics routes (api_analytics.c). */
enum MHD_Result http__h_calendar_get(http_req *r, store *db);
enum MHD_Result http__h_calendar_put(http_req *r, store *db);
enum MHD_Result http__h_oee(http_req *r, store *db);
enum MHD_Result http__h_stops(http_req *r, store *db);
enum MHD_Result http__h_stop_reason(http_req *r, store *db);
enum MHD_Result http__h_stop_reasons(http_req *r, store *db);
enum MHD_Result http__h_stop_reason_add(http_req *r, store *db);
enum MHD_Result http__h_workers(http_req *r, store *db);
enum MHD_Result http__h_worker_add(http_req *r, store *db);
enum MHD_Result http__h_assignments(http_req *r, store *db);
enum MHD_Result http__h_assignments_put(http_req *r, store *db);
enum MHD_Result http__h_worker_output(http_req *r, store *db);
enum MHD_Result http__h_wages(http_req *r, store *db);
enum MHD_Result http__h_trend(http_req *r, store *db);
enum MHD_Result http__h_output_table(http_req *r, store *db);
enum MHD_Result http__h_rebuild(http_req *r, store *db);
/* Sewn-glove routes (api_sewn.c). */
enum MHD_Result http__h_styles(http_req *r, store *db);
enum MHD_Result http__h_style_add(http_req *r, store *db);
enum MHD_Result http__h_style_copy(http_req *r, store *db);
enum MHD_Result http__h_orders(http_req *r, store *db);
enum MHD_Result http__h_order_add(http_req *r, store *db);
enum MHD_Result http__h_order_release(http_req *r, store *db);
enum MHD_Result http__h_order_machine(http_req *r, store *db);
enum MHD_Result http__h_cut(http_req *r, store *db);
enum MHD_Result http__h_bundles(http_req *r, store *db);
enum MHD_Result http__h_tickets(http_req *r, store *db);
enum MHD_Result http__h_scans(http_req *r, store *db);
enum MHD_Result http__h_households(http_req *r, store *db);
enum MHD_Result http__h_household_add(http_req *r, store *db);
enum MHD_Result http__h_dispatch(http_req *r, store *db);
enum MHD_Result http__h_return(http_req *r, store *db);
enum MHD_Result http__h_wip(http_req *r, store *db);
enum MHD_Result http__h_scan_output(http_req *r, store *db);
enum MHD_Result http__h_sewn_settings(http_req *r, store *db);
/* JSON object of one machine with its live state (api_live.c). */
cJSON *http__machine_json(http_server *s, const store_machine *m, int64_t now_ms);

#endif
