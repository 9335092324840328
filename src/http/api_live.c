/* SPDX-License-Identifier: Apache-2.0 */
/* api_live.c: what the shop floor looks like now and today: the machines
 * with their live state (app/live.c), pieces per minute/hour/day from the
 * rollups, the summary per firm and workshop, and the live feed (sse.c).
 * Every firm role sees its own firm; cluster roles see all, narrowed with
 * ?enterprise=. */
#include "core/state.h"
#include "http/http_int.h"
#include "util/err.h"
#include "util/ltime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
static int scoped_machines(http_req *r, store *db, store_machine **out, size_t *n,
			   enum MHD_Result *ret)
{
	int64_t ent;
	if (http__query_enterprise(r, db, &ent, ret))
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
	store_scope sc = {.enterprise_id = ent};
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
	store_machine *ms = NULL;
	size_t n = 0;
	if (scoped_machines(r, db, &ms, &n, &ret))
		return ret;
	int64_t now = ltime_now_ms();
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "machines");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, http__machine_json(r->srv, &ms[i], now));
	free(ms);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_events(http_req *r, store *db)
{
	http__refresh(r, db);
	return http__serve_events(r);
}

static enum MHD_Result h_output(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	if (http__query_enterprise(r, db, &ent, &ret))
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

/* Today's pieces of a group of machines (a firm, a workshop) and how many
 * machines are in each shown state. */
typedef struct today_sum {
	int64_t good, reject, machines;
	int states[MS_OFFLINE + 1];
} today_sum;

static void today_add(http_req *r, store *db, const store_machine *m, int64_t now_ms, today_sum *t)
{
	live_view v;
	live_machine_view(r->srv->app.lv, writer_cals(r->srv->app.w), db, m, now_ms, &v);
	t->good += v.good_today;
	t->reject += v.reject_today;
	t->machines++;
	t->states[v.state]++;
}

static void today_json(cJSON *o, const today_sum *t)
{
	cJSON_AddNumberToObject(o, "good", (double)t->good);
	cJSON_AddNumberToObject(o, "reject", (double)t->reject);
	cJSON_AddNumberToObject(o, "machines", (double)t->machines);
}

static enum MHD_Result h_summary(http_req *r, store *db)
{
	enum MHD_Result ret;
	store_machine *ms = NULL;
	size_t n = 0;
	if (scoped_machines(r, db, &ms, &n, &ret))
		return ret;
	registry *reg = r->srv->app.reg;
	int64_t now = ltime_now_ms();
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
		today_sum t = {0};
		for (size_t k = 0; k < n; k++)
			if (ms[k].enterprise_id == es[i].id)
				today_add(r, db, &ms[k], now, &t);
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "code", es[i].code);
		cJSON_AddStringToObject(e, "name", es[i].name);
		today_json(e, &t);
		cJSON *so = cJSON_AddObjectToObject(e, "states");
		for (int s = 0; s <= MS_OFFLINE; s++)
			if (t.states[s])
				cJSON_AddNumberToObject(so, state_name(s), t.states[s]);
		cJSON_AddItemToArray(ea, e);
	}
	for (size_t i = 0; i < nw; i++) {
		today_sum t = {0};
		for (size_t k = 0; k < n; k++)
			if (ms[k].workshop_id == ws[i].id)
				today_add(r, db, &ms[k], now, &t);
		store_enterprise e;
		if (registry_enterprise(reg, ws[i].enterprise_id, &e))
			continue;
		cJSON *w = cJSON_CreateObject();
		cJSON_AddStringToObject(w, "enterprise", e.code);
		cJSON_AddStringToObject(w, "code", ws[i].code);
		cJSON_AddStringToObject(w, "name", ws[i].name);
		today_json(w, &t);
		cJSON_AddItemToArray(wa, w);
	}
	free(ms);
	free(es);
	free(ws);
	return http__reply_json(r, 200, o);
}

const http_route http__routes_live[] = {
    {"GET", "/api/v1/machines", ROLES_READERS, h_machines, NULL},
    {"GET", "/api/v1/output", ROLES_READERS, h_output, NULL},
    {"GET", "/api/v1/summary", ROLES_READERS, h_summary, NULL},
    {"GET", "/api/v1/events", ROLES_READERS, h_events, NULL},
};
const size_t http__routes_live_n = sizeof http__routes_live / sizeof http__routes_live[0];
