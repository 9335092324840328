/* SPDX-License-Identifier: Apache-2.0 */
/* server.c: libmicrohttpd plumbing: the access handler (bodies read into
 * capped buffers, then dispatched), replies with security headers, the
 * read-connection pool, /healthz, /metrics and the static dashboard. */
#include "http/gate.h"
#include "http/http_int.h"
#include "util/err.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/utf8.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- read-connection pool ---- */

store *http__db_get(http_server *s)
{
	store *db = NULL;
	pthread_mutex_lock(&s->pool_mu);
	if (s->pool_n > 0)
		db = s->pool[--s->pool_n];
	pthread_mutex_unlock(&s->pool_mu);
	if (!db) {
		store_options o = {0};
		if (store_open(s->app.cfg->db_path, STORE_READ, &o, &db))
			return NULL;
	}
	return db;
}

void http__db_put(http_server *s, store *db)
{
	if (!db)
		return;
	pthread_mutex_lock(&s->pool_mu);
	if (s->pool_n < POOL_MAX) {
		s->pool[s->pool_n++] = db;
		db = NULL;
	}
	pthread_mutex_unlock(&s->pool_mu);
	store_close(db);
}

/* ---- replies ---- */

static void common_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; style-src 'self' "
				"'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'");
}

enum MHD_Result http__reply(http_req *r, unsigned status, const char *ctype, char *body, size_t len,
			    const char *set_cookie)
{
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	common_headers(resp);
	if (ctype)
		MHD_add_response_header(resp, "Content-Type", ctype);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (set_cookie)
		MHD_add_response_header(resp, "Set-Cookie", set_cookie);
	if (r->retry_after_s > 0) {
		char ra[24];
		snprintf(ra, sizeof ra, "%lld", (long long)r->retry_after_s);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	enum MHD_Result ret = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	r->done = 1;
	return ret;
}

enum MHD_Result http__reply_file(http_req *r, const char *ctype, char *body, size_t len,
				 const char *filename)
{
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	common_headers(resp);
	MHD_add_response_header(resp, "Content-Type", ctype);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	/* the name is ASCII by construction (table name, codes, dates) */
	char cd[200];
	/* a PDF opens in the browser (to print); tables download */
	snprintf(cd, sizeof cd, "%s; filename=\"%s\"",
		 strcmp(ctype, "application/pdf") == 0 ? "inline" : "attachment", filename);
	MHD_add_response_header(resp, "Content-Disposition", cd);
	enum MHD_Result ret = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	r->done = 1;
	return ret;
}

enum MHD_Result http__reply_json(http_req *r, unsigned status, cJSON *json)
{
	char *text = json ? cJSON_PrintUnformatted(json) : NULL;
	cJSON_Delete(json);
	if (!text) {
		char *oom =
		    strdup("{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}");
		return http__reply(r, 500, "application/json", oom, oom ? strlen(oom) : 0, NULL);
	}
	return http__reply(r, status, "application/json; charset=utf-8", text, strlen(text), NULL);
}

/* An error message may quote what a caller sent: every byte that is not
 * part of strict UTF-8, and every control character, becomes '?', so the
 * JSON never carries invalid text (a message cut by its buffer inside a
 * character included). */
static void text_make_valid(char *s)
{
	unsigned char *p = (unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t n = utf8_next(p, &cp);
		if (!n || cp < 0x20 || cp == 0x7f) {
			*p++ = '?';
			continue;
		}
		p += n;
	}
}

enum MHD_Result http__reply_error(http_req *r, unsigned status, const char *code, long record,
				  const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	text_make_valid(msg);
	cJSON *root = cJSON_CreateObject();
	cJSON *err = cJSON_AddObjectToObject(root, "error");
	cJSON_AddStringToObject(err, "code", code);
	cJSON_AddStringToObject(err, "message", msg);
	if (record >= 0)
		cJSON_AddNumberToObject(err, "record", (double)record);
	return http__reply_json(r, status, root);
}

const char *http__arg(http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* ---- health, metrics, static files ---- */

void http__add_links(cJSON *o, const http_app *app, int detail)
{
	struct {
		const char *name;
		int enabled, up;
		int64_t since;
		uint64_t losses;
	} l[2] = {{"mqtt", app->mqtt != NULL, 0, 0, 0}, {"sparkplug", app->spb != NULL, 0, 0, 0}};
	l[0].up = mqtt_ingest_link(app->mqtt, &l[0].since, &l[0].losses);
	l[1].up = sparkplug_link(app->spb, &l[1].since, &l[1].losses);
	cJSON *arr = detail ? cJSON_AddArrayToObject(o, "brokers") : NULL;
	for (int i = 0; i < 2; i++) {
		const char *state = !l[i].enabled ? "disabled"
				    : l[i].up     ? "connected"
						  : "disconnected";
		if (!detail) {
			char key[32];
			cJSON_AddStringToObject(o, l[i].name, state);
			snprintf(key, sizeof key, "%s_since", l[i].name);
			if (l[i].enabled)
				cJSON_AddNumberToObject(o, key, (double)l[i].since);
			continue;
		}
		if (!arr || !l[i].enabled)
			continue;
		cJSON *b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "client", l[i].name);
		cJSON_AddStringToObject(b, "state", state);
		cJSON_AddNumberToObject(b, "since", (double)l[i].since);
		cJSON_AddNumberToObject(b, "losses", (double)l[i].losses);
		cJSON_AddItemToArray(arr, b);
	}
}

static enum MHD_Result serve_health(http_req *r)
{
	store *db = http__db_get(r->srv);
	int v = 0;
	int ok = db && store_schema_version(db, &v) == GLOVED_OK && v > 0;
	http__db_put(r->srv, db);
	/* the writer too: after the database was unreachable it writes again
	 * only once it has reloaded its state (writer.h) */
	int writing = !writer_stale(r->srv->app.w);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", ok && writing ? "ok" : "degraded");
	cJSON_AddStringToObject(o, "db", ok ? "ok" : "unavailable");
	cJSON_AddStringToObject(o, "writer", !writing ? "waiting" : "ok");
	ok = ok && writing;
	http__add_links(o, &r->srv->app, 0);
	return http__reply_json(r, ok ? 200 : 503, o);
}

static enum MHD_Result serve_metrics(http_req *r)
{
	buf b;
	buf_init(&b, 0);
	if (metrics_render(&b)) {
		buf_free(&b);
		return http__reply_error(r, 500, "internal", -1, "metrics unavailable");
	}
	size_t len = b.len;
	char *text = buf_steal(&b);
	return http__reply(r, 200, "text/plain; version=0.0.4", text, len, NULL);
}

static const struct {
	const char *ext;
	const char *type;
} mime[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".webmanifest", "application/manifest+json"},
    {".woff2", "font/woff2"},
};

static enum MHD_Result serve_static(http_req *r)
{
	const char *url = r->url;
	const char *root = r->srv->app.cfg->web_root;
	char rel[256];
	if (strncmp(url, "/vendor/", 8) == 0) {
		root = r->srv->app.cfg->vendor_dir;
		url += 7;
	}
	if (strcmp(url, "/") == 0)
		url = "/index.html";
	size_t n = strlen(url);
	if (n >= sizeof rel || strstr(url, "..") || strstr(url, "//") ||
	    strspn(url, "/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
		return http__reply_error(r, 404, "not_found", -1, "no such page");
	memcpy(rel, url, n + 1);
	char path[1024];
	snprintf(path, sizeof path, "%s%s", root, rel);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return http__reply_error(r, 404, "not_found", -1, "no such page: %s", rel);
	}
	const char *type = "application/octet-stream";
	const char *dot = strrchr(rel, '.');
	for (size_t i = 0; dot && i < sizeof mime / sizeof mime[0]; i++)
		if (strcmp(dot, mime[i].ext) == 0)
			type = mime[i].type;
	struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	if (!resp) {
		close(fd);
		return MHD_NO;
	}
	common_headers(resp);
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	enum MHD_Result ret = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	r->done = 1;
	return ret;
}

/* ---- the access handler ---- */

static enum MHD_Result dispatch(http_req *r)
{
	metrics_add(M_HTTP_REQUESTS, 1);
	if (r->too_big) {
		if (strcmp(r->url, "/api/v1/reports") == 0)
			metrics_add(M_REPORTS_REJECTED, 1);
		return http__reply_error(r, 413, "too_large", -1,
					 "request body over the %lld-byte limit",
					 (long long)r->srv->app.cfg->max_body);
	}
	if (strcmp(r->url, "/healthz") == 0)
		return serve_health(r);
	if (strcmp(r->url, "/metrics") == 0)
		return serve_metrics(r);
	if (strncmp(r->url, "/api/", 5) == 0)
		return http__route_api(r);
	if (strncmp(r->url, "/v/", 3) == 0)
		return http__serve_verify_page(r);
	if (http__is_portal(r->url))
		return http__serve_portal(r);
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
		return http__reply_error(r, 405, "bad_request", -1, "method not allowed");
	return serve_static(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_size, void **con_cls)
{
	(void)version;
	http_server *s = cls;
	http_req *r = *con_cls;
	if (!r) {
		r = calloc(1, sizeof *r);
		if (!r)
			return MHD_NO;
		r->srv = s;
		r->conn = conn;
		r->url = url;
		r->method = method;
		buf_init(&r->body, (size_t)s->app.cfg->max_body);
		*con_cls = r;
		const char *cl =
		    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (cl) {
			char *end = NULL;
			long long len = strtoll(cl, &end, 10);
			if (*end == '\0' && len > s->app.cfg->max_body) {
				r->too_big = 1;
				return dispatch(r);
			}
		}
		return MHD_YES;
	}
	if (r->done) {
		*upload_size = 0; /* a reply is queued: discard the rest */
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->too_big && buf_append(&r->body, upload_data, *upload_size))
			r->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	return dispatch(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	http_req *r = *con_cls;
	if (!r)
		return;
	buf_free(&r->body);
	free(r);
	*con_cls = NULL;
}

int http_start(const http_app *app, http_server **out)
{
	*out = NULL;
	http_server *s = calloc(1, sizeof *s);
	if (!s)
		return GLOVED_ENOMEM;
	s->app = *app;
	pthread_mutex_init(&s->pool_mu, NULL);
	pthread_mutex_init(&s->limit_mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->hash_cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&s->public_mu, NULL);
	char host[128];
	const char *colon = strrchr(app->cfg->listen, ':');
	size_t hl = (size_t)(colon - app->cfg->listen);
	if (hl >= sizeof host)
		hl = sizeof host - 1;
	memcpy(host, app->cfg->listen, hl);
	host[hl] = '\0';
	long port = strtol(colon + 1, NULL, 10);
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	/* a thread for each connection being served; gate.c listens, hands
	 * over only connections whose request head is in, and holds them to
	 * [http] connections (the limit here is a backstop above it: a closed
	 * connection leaves libmicrohttpd's count a little after gate.c's) */
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_ERROR_LOG | MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC;
	socklen_t sl;
	char h6[128];
	if (host[0] == '[' && hl > 2) {
		memcpy(h6, host + 1, hl - 2);
		h6[hl - 2] = '\0';
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	if (host[0] == '\0' || strcmp(host, "0.0.0.0") == 0 || strcmp(host, "*") == 0) {
		a4->sin_family = AF_INET;
		a4->sin_addr.s_addr = htonl(INADDR_ANY);
		a4->sin_port = htons((uint16_t)port);
		sl = sizeof *a4;
	} else if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		sl = sizeof *a4;
	} else if (host[0] == '[' && inet_pton(AF_INET6, h6, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		sl = sizeof *a6;
	} else {
		log_error("http: listen address '%s' must be an IP address and port",
			  app->cfg->listen);
		free(s);
		return GLOVED_EINVAL;
	}
	s->d = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_NOTIFY_CONNECTION, gate_notify, &s->gate, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)(app->cfg->http_threads + 64), MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)app->cfg->http_idle_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)(4 * GATE_HEAD_MAX), MHD_OPTION_END);
	gate_limits lim = {.header_timeout_ms = app->cfg->http_header_timeout * 1000,
			   .pending = app->cfg->http_pending,
			   .served = app->cfg->http_threads,
			   .per_address = app->cfg->http_per_address};
	gate *g = NULL;
	if (!s->d || gate_start((struct sockaddr *)&ss, sl, s->d, &lim, &g) != 0) {
		log_error("http: cannot listen on %s", app->cfg->listen);
		if (s->d)
			MHD_stop_daemon(s->d);
		free(s);
		return GLOVED_EIO;
	}
	s->gate = g;
	s->port = gate_port(g);
	*out = s;
	return GLOVED_OK;
}

int http_port(http_server *s)
{
	return s->port;
}

void http_stop(http_server *s)
{
	if (!s)
		return;
	live_shutdown(s->app.lv);
	gate_stop(s->gate);
	MHD_stop_daemon(s->d);
	gate_destroy(s->gate);
	for (int i = 0; i < s->pool_n; i++)
		store_close(s->pool[i]);
	pthread_mutex_destroy(&s->pool_mu);
	pthread_mutex_destroy(&s->limit_mu);
	pthread_cond_destroy(&s->hash_cv);
	pthread_mutex_destroy(&s->public_mu);
	free(s);
}
