/* SPDX-License-Identifier: Apache-2.0 */
/* sse.c: the live feed, GET /api/v1/events, as server-sent events. The
 * connection's thread waits on the live state's version (no polling of the
 * database); when machines change, or once a second to notice machines
 * going offline by silence, it sends a `machine` event for each machine in
 * the caller's scope whose shown state, reason or count changed, and a
 * `link` event when a broker link of the MQTT clients goes down or up
 * (the snapshot has them as "links"). A comment
 * every 15 s keeps proxies and the browser from closing the stream. */
#include "core/state.h"
#include "http/http_int.h"
#include "util/err.h"
#include "util/ltime.h"
#include "util/metrics.h"

#include <stdlib.h>
#include <string.h>

typedef struct seen {
	int64_t machine_id;
	uint64_t version;
	int state;
} seen;

typedef struct sse {
	http_server *srv;
	store_scope scope;
	int64_t reg_rev;
	store_machine *ms;
	size_t n;
	seen *seen; /* parallel to ms */
	buf out;    /* bytes not yet handed to MHD */
	size_t off;
	int started;
	int64_t last_write_ms;
	char links[384]; /* the broker links last sent (their JSON) */
} sse;

static int load_machines(sse *c)
{
	registry *reg = c->srv->app.reg;
	int64_t rev = registry_rev(reg);
	if (c->ms && rev == c->reg_rev)
		return GLOVED_OK;
	store_machine *ms = NULL;
	size_t n = 0;
	if (registry_machines(reg, c->scope, &ms, &n))
		return GLOVED_ENOMEM;
	seen *sn = calloc(n ? n : 1, sizeof *sn);
	if (!sn) {
		free(ms);
		return GLOVED_ENOMEM;
	}
	/* keep what was sent for machines still there */
	for (size_t i = 0; i < n; i++) {
		sn[i].machine_id = ms[i].id;
		sn[i].state = -1;
		for (size_t k = 0; k < c->n; k++)
			if (c->seen[k].machine_id == ms[i].id)
				sn[i] = c->seen[k];
	}
	free(c->ms);
	free(c->seen);
	c->ms = ms;
	c->seen = sn;
	c->n = n;
	c->reg_rev = rev;
	return GLOVED_OK;
}

static int emit(sse *c, const char *event, cJSON *data)
{
	char *text = cJSON_PrintUnformatted(data);
	cJSON_Delete(data);
	if (!text)
		return GLOVED_ENOMEM;
	int rc = buf_printf(&c->out, "event: %s\ndata: %s\n\n", event, text);
	free(text);
	return rc;
}

/* The broker links (http__add_links) as an object {"now", "brokers"};
 * *changed 1 when they differ from what this stream sent last. */
static cJSON *links_json(sse *c, int64_t now, int *changed)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	http__add_links(o, &c->srv->app, 1);
	char sig[sizeof c->links];
	*changed = 0;
	if (!cJSON_PrintPreallocated(cJSON_GetObjectItem(o, "brokers"), sig, (int)sizeof sig, 0))
		sig[0] = '\0'; /* longer than the signature: sent each time it is asked */
	if (!sig[0] || strcmp(sig, c->links) != 0) {
		*changed = 1;
		memcpy(c->links, sig, sizeof sig);
	}
	cJSON_AddNumberToObject(o, "now", (double)now);
	return o;
}

/* Appends events for what changed; the first call sends a snapshot. A
 * change of the broker links is a `link` event (the fleet page shows it;
 * the snapshot carries them too). */
static int collect(sse *c)
{
	int rc = load_machines(c);
	if (rc)
		return rc;
	int64_t now = ltime_now_ms();
	cJSON *snap = NULL, *arr = NULL;
	if (!c->started) {
		snap = cJSON_CreateObject();
		arr = cJSON_AddArrayToObject(snap, "machines");
	}
	for (size_t i = 0; i < c->n; i++) {
		live_view v;
		live_machine_view(c->srv->app.lv, writer_cals(c->srv->app.w), NULL, &c->ms[i], now,
				  &v);
		const live_machine lm = v.m;
		int eff = v.state;
		if (c->started && lm.version == c->seen[i].version && eff == c->seen[i].state)
			continue;
		c->seen[i].version = lm.version;
		c->seen[i].state = eff;
		cJSON *m = http__machine_json(c->srv, &c->ms[i], now);
		if (arr) {
			cJSON_AddItemToArray(arr, m);
		} else if ((rc = emit(c, "machine", m))) {
			return rc;
		}
	}
	int changed = 0;
	cJSON *links = links_json(c, now, &changed);
	if (!links) {
		cJSON_Delete(snap);
		return GLOVED_ENOMEM;
	}
	if (snap) {
		c->started = 1;
		cJSON_AddItemToObject(snap, "links", links);
		return emit(c, "snapshot", snap);
	}
	if (changed)
		return emit(c, "link", links);
	cJSON_Delete(links);
	return GLOVED_OK;
}

static ssize_t reader(void *cls, uint64_t pos, char *dst, size_t max)
{
	(void)pos;
	sse *c = cls;
	live *lv = c->srv->app.lv;
	while (c->off >= c->out.len) {
		buf_reset(&c->out);
		c->off = 0;
		if (live_is_shutdown(lv))
			return MHD_CONTENT_READER_END_OF_STREAM;
		uint64_t before = live_version(lv);
		if (!c->started) {
			if (buf_puts(&c->out, "retry: 3000\n\n") || collect(c))
				return MHD_CONTENT_READER_END_WITH_ERROR;
		} else {
			live_wait(lv, before, 1000);
			if (live_is_shutdown(lv))
				return MHD_CONTENT_READER_END_OF_STREAM;
			if (collect(c))
				return MHD_CONTENT_READER_END_WITH_ERROR;
		}
		int64_t now = ltime_mono_ms();
		if (c->out.len == 0 && now - c->last_write_ms >= 15000)
			buf_puts(&c->out, ": keep-alive\n\n");
		if (c->out.len)
			c->last_write_ms = now;
	}
	size_t n = c->out.len - c->off;
	if (n > max)
		n = max;
	memcpy(dst, c->out.data + c->off, n);
	c->off += n;
	return (ssize_t)n;
}

static void release(void *cls)
{
	sse *c = cls;
	free(c->ms);
	free(c->seen);
	buf_free(&c->out);
	free(c);
	metrics_add(M_SSE_CLIENTS, -1);
}

enum MHD_Result http__serve_events(http_req *r)
{
	sse *c = calloc(1, sizeof *c);
	if (!c)
		return http__reply_error(r, 500, "internal", -1, "out of memory");
	c->srv = r->srv;
	c->scope = r->scope;
	buf_init(&c->out, 16 << 20);
	c->last_write_ms = ltime_mono_ms();
	metrics_add(M_SSE_CLIENTS, 1);
	struct MHD_Response *resp =
	    MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, reader, c, release);
	if (!resp) {
		release(c);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	enum MHD_Result ret = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	r->done = 1;
	return ret;
}
