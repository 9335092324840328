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

/* One client address of the public pages' rate limit: requests in the
 * window that started at window_ms. */
/* A client address's password checks in flight (http__hash_enter). */
typedef struct hash_slot {
	char addr[64];
	int n;
} hash_slot;

typedef struct public_slot {
	char addr[48];
	int64_t window_ms;
	int64_t count;
} public_slot;

struct http_server {
	http_app app;
	struct MHD_Daemon *d;
	struct gate *gate; /* the listening socket and connections awaiting a head */
	int port;
	pthread_mutex_t pool_mu;
	store *pool[POOL_MAX];
	int pool_n;
	pthread_mutex_t limit_mu;
	login_slot limits[LIMIT_SLOTS];
	hash_slot hashing[LIMIT_SLOTS];
	pthread_cond_t hash_cv; /* with limit_mu: a password check ended */
	pthread_mutex_t public_mu;
	public_slot publics[LIMIT_SLOTS];
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
	/* the store failed while checking the credentials (the database
	 * unreachable): the caller gets 503, not 401 */
	int auth_rc;
	/* seconds for a Retry-After header on the reply (0: none): a 429
	 * of a rate limit says when to come back */
	int64_t retry_after_s;
} http_req;

/* A read connection from the pool (opened on demand); NULL on failure. */
store *http__db_get(http_server *s);
void http__db_put(http_server *s, store *db);

/* Replies. All return an MHD_Result for the access handler. */
enum MHD_Result http__reply(http_req *r, unsigned status, const char *ctype, char *body, size_t len,
			    const char *set_cookie);
enum MHD_Result http__reply_json(http_req *r, unsigned status, cJSON *json);
/* The broker links of the MQTT clients (ingest/mqtt.h, ingest/sparkplug.h)
 * into o. detail 0 (/healthz): "mqtt" and "sparkplug" as "connected",
 * "disconnected" or "disabled", with "mqtt_since"/"sparkplug_since" (Unix
 * ms of the last change) for an enabled client. detail 1 (the fleet):
 * "brokers": [{"client", "state", "since", "losses"}] of the enabled
 * clients. */
void http__add_links(cJSON *o, const http_app *app, int detail);
enum MHD_Result http__reply_error(http_req *r, unsigned status, const char *code, long record,
				  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Query parameter or NULL. */
const char *http__arg(http_req *r, const char *name);

/* Authenticates from the cookie or bearer token; fills r->role etc., and
 * r->auth_rc when the store could not check them (not "no such token"). */
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
/* One client address takes at most [http] password_hashes - 1 (at least 1)
 * turns at the password checks at once, so a flood from one address
 * always leaves a turn for the others: _enter waits for the address's
 * turn up to [http] password_wait_ms and returns 1 (then _leave after), or
 * 0 when none came. */
int http__hash_enter(http_server *s, const char *addr);
void http__hash_leave(http_server *s, const char *addr);
void http__login_result(http_server *s, const char *key, int ok, int64_t now_ms);
/* The public pages' rate limit ([brand] public_rate requests a minute per
 * client address; 0 = none): 1 when the request may go on, else 0 after
 * replying 429 into *ret. */
int http__public_allow(http_req *r, enum MHD_Result *ret);
/* The client's address as text ("?" when unknown) into out (>= 48 bytes). */
void http__client_addr(http_req *r, char *out, size_t n);
/* The client's network: out[0] = 4 and the /24 of an IPv4 address (an
 * IPv4-mapped IPv6 address counts as IPv4), or 6 and the /48 of an IPv6
 * one, the rest zero. 0, or -1 when the address is unknown. */
int http__client_net(http_req *r, uint8_t out[17]);

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
extern const http_route http__routes_quality[];
extern const size_t http__routes_quality_n;
extern const http_route http__routes_labels[];
extern const size_t http__routes_labels_n;
extern const http_route http__routes_cluster[];
extern const size_t http__routes_cluster_n;
extern const http_route http__routes_coop[];
extern const size_t http__routes_coop_n;
extern const http_route http__routes_standards[];
extern const size_t http__routes_standards_n;

/* Routes an /api/ request (router.c) and the live feed (sse.c). */
enum MHD_Result http__route_api(http_req *r);
enum MHD_Result http__serve_events(http_req *r);
/* Who acts, for the app's audit entries (app/cluster.h). */
struct cluster_actor;
void http__actor(const http_req *r, struct cluster_actor *a);
/* Records an administrative action of the caller in the audit log. */
void http__audit(http_req *r, int64_t enterprise_id, const char *action, const char *target,
		 const char *after);
/* The base of public links: [brand] public_base, else http://<Host>. */
void http__public_base(http_req *r, char *out, size_t n);

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
/* The same, but a firm is required: replies 400 "name the enterprise" when
 * the request names none and the caller has no firm of its own. */
int http__firm_arg(http_req *r, const char *code, int64_t *ent, enum MHD_Result *ret);
/* 1 when v is one of the n strings of list. */
int http__one_of(const char *v, const char *const *list, size_t n);
/* A decimal string with up to `places` decimals as an integer scaled by
 * 10^places ("1.2" with 2 places is 120), at most max. Returns 0 or -1. */
int http__parse_fixed(const char *s, int places, int64_t max, int64_t *out);
/* v / 10^places as a decimal with exactly `places` decimals. */
void http__fixed_str(int64_t v, int places, char *out, size_t len);
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
/* A table (taken: freed here) as a download, CSV (csv 1) or xlsx with the
 * sheet `sheet`, headers in English (en 1) or Chinese, named fname.csv or
 * fname.xlsx; 503 when it cannot be written. */
typedef struct table table;
enum MHD_Result http__reply_table(http_req *r, table *t, int csv, int en, const char *fname,
				  const char *sheet);
/* A download: body (malloc'd, taken) with a Content-Disposition file name. */
enum MHD_Result http__reply_file(http_req *r, const char *ctype, char *body, size_t len,
				 const char *filename);
/* The daemon's local day now (days since 1970-01-01). */
int32_t http__today(void);
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
/* Reads a test report's values object j (EN 388, GB 24541, EN 511, EN ISO
 * 374-1, ANSI/ISEA 105, EN ISO 21420; api_standards.c) into *markings (the
 * caller owns it) and the EN 388 marking into en388 ("" when not tested).
 * 0, or -1 with the 400 reply in *ret. */
int http__test_values(http_req *r, const cJSON *j, cJSON **markings, char *en388, size_t en388_len,
		      enum MHD_Result *ret);
/* Appends s HTML-escaped (& < > " '). */
void http__html_esc(buf *b, const char *s);
/* The label verification page of v into b (public_page.c): lang_en for
 * English, self_query the query string that brought it (the language link
 * keeps it). 0, or -1 when b is full. */
typedef struct brand_verify brand_verify;
int http__verify_page(const brand_verify *v, int lang_en, const char *self_query, buf *b);
/* GET /v/<serial>?p=&s=[&lang=en]: the public verification page
 * (api_labels.c); rate-limited per address, the scan logged. */
enum MHD_Result http__serve_verify_page(http_req *r);
/* Buyers' enquiries (api_coop.c), shared with the portal's form: checks
 * the fields (msg names the one wrong), stores and routes (token: the
 * buyer's secret to see answers), and the answers of ref with its token
 * (a JSON array). */
typedef struct store_enquiry store_enquiry;
int http__enquiry_check(const store_enquiry *q, char *msg, size_t mlen);
int http__enquiry_create(http_req *r, store *db, store_enquiry *q, char *token, size_t tlen,
			 size_t *routed);
int http__enquiry_answers(http_req *r, store *db, const char *ref, const char *token,
			  store_enquiry *q, cJSON **answers);
/* The public portal of the cluster (portal.c): /portal..., /sitemap.xml,
 * /robots.txt: _is_portal is 1 for the URLs it serves. */
int http__is_portal(const char *url);
enum MHD_Result http__serve_portal(http_req *r);
/* JSON object of one machine with its live state (api_live.c). */
cJSON *http__machine_json(http_server *s, const store_machine *m, int64_t now_ms);

/* The parsers of what a URL and a form bring, shared with their fuzz
 * target (fuzz/fuzz_http.c). _param_text_ok: 1 when the n bytes at s
 * (s[n] is a NUL) are strict UTF-8 without NUL or other control
 * characters, as every query parameter must be (router.c). _json_has_nul:
 * 1 when a JSON text holds a NUL byte or the escape \u0000 in a string
 * (router.c). _month_parse: "2026-03" or "202603" into 202603 (months
 * 2000-01 to 2099-12), 0 or -1 (api_cluster.c). _form_parse: decodes n
 * bytes of x-www-form-urlencoded text into at most max fields (named ones;
 * an empty name is dropped), *nf of them; -1 for a bad escape, a NUL, a
 * key or value too long, or text that is not UTF-8 without control
 * characters other than newlines (portal.c). */
typedef struct http_form_field {
	char key[24];
	char val[1100];
} http_form_field;
int http__param_text_ok(const char *s, size_t n);
int http__json_has_nul(const char *s, size_t n);
int http__month_parse(const char *s, int32_t *out);
int http__form_parse(const char *s, size_t n, http_form_field *f, size_t max, size_t *nf);

#endif
