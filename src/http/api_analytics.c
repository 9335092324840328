/* SPDX-License-Identifier: Apache-2.0 */
/* api_analytics.c: the analytics part of the API (docs/api.md, "Analytics"):
 * firm calendars, OEE, stops and their reasons, workers, assignments,
 * worker output, wages, trends, and their CSV/xlsx exports. Figures come
 * from app/analytics.c; a table endpoint builds one list of rows and
 * renders it as JSON, or through util/table.c as CSV or xlsx, so every
 * format shows the same numbers. Writes are app/analytics.c's calls, which
 * run on the writer thread; the firm's stop reasons (the defaults and its
 * own) come from there too. */
#include "core/code.h"
#include "core/state.h"
#include "http/http_int.h"
#include "app/analytics.h"
#include "app/writer.h"
#include "util/err.h"
#include "util/ltime.h"
#include "util/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS    86400000LL
#define MAX_STOPS 2000
#define MAX_DAYS  400

/* ---- arguments ---- */

typedef enum fmt { FMT_JSON, FMT_CSV, FMT_XLSX } fmt;

typedef struct qargs {
	int64_t ent, ws, mid;
	const firm_cal *fc; /* the firm's, or the default for cluster queries */
	int32_t day0, day1, shift;
	fmt f;
	int en;
} qargs;

static firmcal_cache *cals(http_req *r)
{
	return writer_cals(r->srv->app.w);
}

/* Scope (?enterprise, ?workshop, ?machine), format, language. */
static int scope_args(http_req *r, store *db, qargs *a, enum MHD_Result *ret)
{
	memset(a, 0, sizeof *a);
	a->shift = -1;
	http__refresh(r, db);
	if (http__resolve_enterprise(r, http__arg(r, "enterprise"), &a->ent, ret))
		return -1;
	const char *wcode = http__arg(r, "workshop"), *mcode = http__arg(r, "machine");
	if (((wcode && *wcode) || (mcode && *mcode)) && !a->ent) {
		*ret = http__reply_error(r, 400, "bad_request", -1,
					 "workshop and machine need ?enterprise=");
		return -1;
	}
	if (wcode && *wcode) {
		store_workshop w;
		if (registry_workshop_by_code(r->srv->app.reg, a->ent, wcode, &w)) {
			*ret =
			    http__reply_error(r, 404, "not_found", -1, "no workshop '%s'", wcode);
			return -1;
		}
		a->ws = w.id;
	}
	if (mcode && *mcode) {
		store_machine m;
		if (registry_machine_by_code(r->srv->app.reg, a->ent, mcode, &m)) {
			*ret = http__reply_error(r, 404, "not_found", -1, "no machine '%s'", mcode);
			return -1;
		}
		a->mid = m.id;
	}
	a->fc = firmcal_get(cals(r), db, a->ent);
	if (!a->fc) {
		*ret = http__reply_error(r, 503, "unavailable", -1, "out of memory");
		return -1;
	}
	const char *f = http__arg(r, "format");
	if (!f || !*f || strcmp(f, "json") == 0)
		a->f = FMT_JSON;
	else if (strcmp(f, "csv") == 0)
		a->f = FMT_CSV;
	else if (strcmp(f, "xlsx") == 0)
		a->f = FMT_XLSX;
	else {
		*ret = http__reply_error(r, 400, "bad_request", -1,
					 "'format' must be json, csv or xlsx");
		return -1;
	}
	const char *lang = http__arg(r, "lang");
	a->en = lang && strcmp(lang, "en") == 0;
	return 0;
}

/* ?from=&to= local dates (default today), or ?shift=YYYY-MM-DD/N. */
static int day_args(http_req *r, qargs *a, enum MHD_Result *ret)
{
	int32_t today = tz_day_of(&a->fc->zone, ltime_now_ms());
	a->day0 = a->day1 = today;
	const char *sh = http__arg(r, "shift");
	if (sh && *sh) {
		char day[11];
		const char *slash = strchr(sh, '/');
		if (!slash || slash - sh != 10) {
			*ret = http__reply_error(r, 400, "bad_request", -1,
						 "'shift' must be YYYY-MM-DD/N");
			return -1;
		}
		memcpy(day, sh, 10);
		day[10] = '\0';
		char *end = NULL;
		long n = strtol(slash + 1, &end, 10);
		if (tz_day_parse(day, &a->day0) || !end || *end || end == slash + 1 || n < 0 ||
		    n >= a->fc->cal.n_shifts) {
			*ret =
			    http__reply_error(r, 400, "bad_request", -1,
					      "'shift' must be YYYY-MM-DD/N with N a shift of the "
					      "calendar (0..%d)",
					      (int)a->fc->cal.n_shifts - 1);
			return -1;
		}
		a->day1 = a->day0;
		a->shift = (int32_t)n;
		return 0;
	}
	const char *fs = http__arg(r, "from"), *ts = http__arg(r, "to");
	if (fs && *fs && tz_day_parse(fs, &a->day0)) {
		*ret = http__reply_error(r, 400, "bad_request", -1, "'from' must be YYYY-MM-DD");
		return -1;
	}
	if (ts && *ts && tz_day_parse(ts, &a->day1)) {
		*ret = http__reply_error(r, 400, "bad_request", -1, "'to' must be YYYY-MM-DD");
		return -1;
	}
	if (fs && *fs && !(ts && *ts) && a->day1 < a->day0)
		a->day1 = a->day0;
	if (a->day1 < a->day0) {
		*ret = http__reply_error(r, 400, "bad_request", -1, "'to' is before 'from'");
		return -1;
	}
	if (a->day1 - a->day0 >= MAX_DAYS) {
		*ret = http__reply_error(r, 400, "bad_request", -1, "at most %d days at once",
					 MAX_DAYS);
		return -1;
	}
	return 0;
}

static an_query query_of(http_req *r, const qargs *a, an_group g)
{
	an_query q = {r->scope, a->ent,   a->ws, a->mid,        a->day0,
		      a->day1,  a->shift, g,     ltime_now_ms()};
	return q;
}

/* Renders a table as CSV or xlsx and replies with it. */
static enum MHD_Result reply_table(http_req *r, table *t, const qargs *a, const char *name,
				   const char *sheet_zh, const char *sheet_en)
{
	buf b;
	buf_init(&b, 64u << 20);
	int rc = a->f == FMT_CSV ? table_csv(t, a->en, &b)
				 : table_xlsx(t, a->en, a->en ? sheet_en : sheet_zh, &b);
	table_free(t);
	if (rc) {
		buf_free(&b);
		return http__reply_error(r, 503, "unavailable", -1, "cannot write the file: %s",
					 gloved_strerror(rc));
	}
	char fname[96], d0[11], d1[11];
	tz_day_format(a->day0, d0);
	tz_day_format(a->day1, d1);
	snprintf(fname, sizeof fname, "gloved-%s-%s-%s.%s", name, d0, d1,
		 a->f == FMT_CSV ? "csv" : "xlsx");
	size_t len = b.len;
	char *body = buf_steal(&b);
	if (!body)
		body = calloc(1, 1);
	return http__reply_file(r,
				a->f == FMT_CSV ? "text/csv; charset=utf-8"
						: "application/vnd.openxmlformats-officedocument."
						  "spreadsheetml.sheet",
				body, len, fname);
}

static const char *const state_names[] = {"unknown", "run",   "idle", "stop",
					  "fault",   "setup", "off",  "offline"};

static const char *st_name(int st)
{
	return st >= 0 && st < 8 ? state_names[st] : "unknown";
}

/* ---- writes (app/analytics.c runs them on the writer thread) ---- */

static enum MHD_Result write_failed(http_req *r, int rc)
{
	return http__reply_status(r, rc, "change", NULL);
}

/* An enterprise the caller may manage (firm from ?enterprise or the body). */
static int managed_ent(http_req *r, const char *code, int64_t *ent, enum MHD_Result *ret)
{
	if (http__resolve_enterprise(r, code, ent, ret))
		return -1;
	if (!*ent) {
		*ret = http__reply_error(r, 400, "bad_request", -1, "name the enterprise");
		return -1;
	}
	if (!http__can_manage(r, *ent)) {
		*ret = http__reply_error(r, 403, "forbidden", -1,
					 "only the firm's enterprise_admin or a cluster_admin "
					 "may change this");
		return -1;
	}
	return 0;
}

/* ---- calendar ---- */

enum MHD_Result http__h_calendar_get(http_req *r, store *db)
{
	enum MHD_Result ret;
	qargs a;
	if (scope_args(r, db, &a, &ret))
		return ret;
	if (!a.ent)
		return http__reply_error(r, 400, "bad_request", -1, "name the ?enterprise=");
	store_enterprise e;
	buf b;
	buf_init(&b, 1 << 20);
	if (firmcal_json(a.fc, http__ent_code(r, a.ent, &e), &b)) {
		buf_free(&b);
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	}
	size_t len = b.len;
	return http__reply(r, 200, "application/json; charset=utf-8", buf_steal(&b), len, NULL);
}

enum MHD_Result http__h_calendar_put(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	int64_t ent;
	if (managed_ent(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	firm_cal *fc = malloc(sizeof *fc);
	if (!fc)
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	char err[200];
	if (firmcal_parse(r->body.data ? r->body.data : "", r->body.len, NULL, fc, err,
			  sizeof err)) {
		free(fc);
		return http__reply_error(r, 400, "bad_request", -1, "%s", err);
	}
	store_enterprise e;
	buf b;
	buf_init(&b, 1 << 20);
	int rc = firmcal_json(fc, http__ent_code(r, ent, &e), &b);
	free(fc);
	if (rc) {
		buf_free(&b);
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	}
	rc = analytics_calendar_put(r->srv->app.w, r->scope, ent, b.data);
	buf_free(&b);
	if (rc)
		return write_failed(r, rc);
	firmcal_forget(cals(r), ent);
	/* and the other instances' caches, where several serve the database */
	char note[40];
	snprintf(note, sizeof note, "C %lld", (long long)ent);
	store_notify(db, note);
	return http__h_calendar_get(r, db);
}

/* ---- OEE ---- */

static void oee_json(cJSON *o, const oee_result *x)
{
	cJSON_AddNumberToObject(o, "machines", (double)x->machines);
	cJSON_AddNumberToObject(o, "planned_ms", (double)x->planned_ms);
	cJSON_AddNumberToObject(o, "run_ms", (double)x->run_ms);
	cJSON_AddNumberToObject(o, "idle_ms", (double)x->idle_ms);
	cJSON_AddNumberToObject(o, "stop_ms", (double)x->stop_ms);
	cJSON_AddNumberToObject(o, "fault_ms", (double)x->fault_ms);
	cJSON_AddNumberToObject(o, "setup_ms", (double)x->setup_ms);
	cJSON_AddNumberToObject(o, "off_ms", (double)x->off_ms);
	cJSON_AddNumberToObject(o, "offline_ms", (double)x->offline_ms);
	cJSON_AddNumberToObject(o, "unknown_ms", (double)x->unknown_ms);
	cJSON_AddNumberToObject(o, "good", (double)x->good);
	cJSON_AddNumberToObject(o, "reject", (double)x->reject);
	cJSON_AddStringToObject(o, "unit", "piece");
	cJSON_AddNumberToObject(o, "ideal_ms", (double)x->ideal_ms);
	cJSON_AddNumberToObject(o, "speed_loss_ms", (double)x->speed_loss_ms);
	cJSON_AddNumberToObject(o, "reject_loss_ms", (double)x->reject_loss_ms);
	const oee_ratio *rs[] = {&x->availability, &x->performance, &x->quality, &x->oee};
	static const char *const names[] = {"availability_bp", "performance_bp", "quality_bp",
					    "oee_bp"};
	for (int i = 0; i < 4; i++) {
		int64_t bp;
		if (oee_ratio_bp(*rs[i], &bp) == 0)
			cJSON_AddNumberToObject(o, names[i], (double)bp);
		else
			cJSON_AddNullToObject(o, names[i]);
	}
}

static void row_label(http_req *r, store *db, const firm_cal *fc, an_group g, const an_row *x,
		      char *key, char *label, size_t len)
{
	store_enterprise e;
	store_workshop w;
	store_machine m;
	registry *reg = r->srv->app.reg;
	char day[11];
	key[0] = label[0] = '\0';
	switch (g) {
	case AN_MACHINE:
		if (!registry_machine(reg, x->machine_id, &m)) {
			snprintf(label, len, "%s", m.code);
			snprintf(key, len, "%s/%s", http__ent_code(r, x->enterprise_id, &e),
				 m.code);
		}
		break;
	case AN_WORKSHOP:
		if (!registry_workshop(reg, x->workshop_id, &w)) {
			snprintf(label, len, "%s", w.name);
			snprintf(key, len, "%s/%s", http__ent_code(r, x->enterprise_id, &e),
				 w.code);
		}
		break;
	case AN_ENTERPRISE:
		if (!registry_enterprise(reg, x->enterprise_id, &e)) {
			snprintf(label, len, "%s", e.name);
			snprintf(key, len, "%s", e.code);
		}
		break;
	case AN_DAY:
		tz_day_format(x->day, day);
		snprintf(label, len, "%s", day);
		snprintf(key, len, "%s", day);
		break;
	case AN_SHIFT: {
		const firm_cal *c = firmcal_get(writer_cals(r->srv->app.w), db, x->enterprise_id);
		if (!c)
			c = fc;
		tz_day_format(x->day, day);
		const char *sn =
		    x->shift >= 0 && x->shift < c->cal.n_shifts ? c->cal.shifts[x->shift].name : "";
		snprintf(label, len, "%s %s", day, sn);
		snprintf(key, len, "%s/%d", day, (int)x->shift);
		break;
	}
	case AN_ALL:
		snprintf(label, len, "%s", "");
		break;
	}
}

static const table_col oee_cols[] = {
    {"对象", "Scope", NULL, NULL, TABLE_TEXT},
    {"设备数", "Machines", "台", "units", TABLE_INT},
    {"计划时间", "Planned time", "分钟", "min", TABLE_MINUTES},
    {"运行", "Run", "分钟", "min", TABLE_MINUTES},
    {"待机", "Idle", "分钟", "min", TABLE_MINUTES},
    {"停机", "Stop", "分钟", "min", TABLE_MINUTES},
    {"故障", "Fault", "分钟", "min", TABLE_MINUTES},
    {"换款调机", "Setup", "分钟", "min", TABLE_MINUTES},
    {"关机", "Off", "分钟", "min", TABLE_MINUTES},
    {"离线", "Offline", "分钟", "min", TABLE_MINUTES},
    {"良品", "Good", "只", "piece", TABLE_INT},
    {"次品", "Reject", "只", "piece", TABLE_INT},
    {"时间开动率", "Availability", "%", "%", TABLE_BP},
    {"性能开动率", "Performance", "%", "%", TABLE_BP},
    {"合格品率", "Quality", "%", "%", TABLE_BP},
    {"设备综合效率", "OEE", "%", "%", TABLE_BP},
};
#define N_OEE_COLS (sizeof oee_cols / sizeof oee_cols[0])

static void oee_cells(table_cell *c, const char *label, const oee_result *x)
{
	memset(c, 0, N_OEE_COLS * sizeof *c);
	c[0].s = label;
	c[1].i = x->machines;
	c[2].i = x->planned_ms;
	c[3].i = x->run_ms;
	c[4].i = x->idle_ms;
	c[5].i = x->stop_ms;
	c[6].i = x->fault_ms;
	c[7].i = x->setup_ms;
	c[8].i = x->off_ms;
	c[9].i = x->offline_ms + x->unknown_ms;
	c[10].i = x->good;
	c[11].i = x->reject;
	const oee_ratio *rs[] = {&x->availability, &x->performance, &x->quality, &x->oee};
	for (int i = 0; i < 4; i++)
		c[12 + i].null = oee_ratio_bp(*rs[i], &c[12 + i].i) != 0;
}

static int parse_group(const char *g, an_group *out)
{
	static const char *const names[] = {"machine", "workshop", "enterprise", "day", "shift"};
	if (!g || !*g) {
		*out = AN_MACHINE;
		return 0;
	}
	for (int i = 0; i < 5; i++) {
		if (strcmp(g, names[i]) == 0) {
			*out = (an_group)i;
			return 0;
		}
	}
	return -1;
}

enum MHD_Result http__h_oee(http_req *r, store *db)
{
	enum MHD_Result ret;
	qargs a;
	if (scope_args(r, db, &a, &ret) || day_args(r, &a, &ret))
		return ret;
	an_group g;
	if (parse_group(http__arg(r, "group"), &g))
		return http__reply_error(r, 400, "bad_request", -1,
					 "'group' must be machine, workshop, enterprise, day or "
					 "shift");
	an_query q = query_of(r, &a, g);
	an_oee o;
	int rc = analytics_oee(db, r->srv->app.reg, cals(r), &q, &o);
	if (rc)
		return http__reply_error(r, 503, "unavailable", -1, "cannot compute OEE: %s",
					 gloved_strerror(rc));
	store_stop_reason *rl = NULL;
	size_t nrl = 0;
	analytics_stop_reasons(db, r->scope, a.ent, &rl, &nrl);
	char key[160], label[160], d0[11], d1[11];
	tz_day_format(a.day0, d0);
	tz_day_format(a.day1, d1);
	if (a.f != FMT_JSON) {
		table *t = NULL;
		table_cell cells[N_OEE_COLS];
		rc = table_new(oee_cols, N_OEE_COLS, &t);
		for (size_t i = 0; i < o.n && !rc; i++) {
			row_label(r, db, a.fc, g, &o.rows[i], key, label, sizeof label);
			oee_cells(cells, label, &o.rows[i].r);
			rc = table_add_row(t, cells);
		}
		if (!rc) {
			oee_cells(cells, a.en ? "Total" : "合计", &o.total);
			rc = table_set_total(t, cells);
		}
		analytics_oee_free(&o);
		free(rl);
		if (rc) {
			table_free(t);
			return http__reply_error(r, 503, "unavailable", -1, "cannot build table");
		}
		return reply_table(r, t, &a, "oee", "设备综合效率", "OEE");
	}
	static const char *const gnames[] = {"machine", "workshop", "enterprise", "day", "shift"};
	cJSON *out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "from", d0);
	cJSON_AddStringToObject(out, "to", d1);
	cJSON_AddStringToObject(out, "group", gnames[g]);
	cJSON_AddStringToObject(out, "timezone", a.fc->zone.name);
	cJSON *rows = cJSON_AddArrayToObject(out, "rows");
	for (size_t i = 0; i < o.n; i++) {
		cJSON *x = cJSON_CreateObject();
		row_label(r, db, a.fc, g, &o.rows[i], key, label, sizeof label);
		cJSON_AddStringToObject(x, "key", key);
		cJSON_AddStringToObject(x, "label", label);
		if (g == AN_SHIFT)
			cJSON_AddNumberToObject(x, "start", (double)o.rows[i].bucket);
		oee_json(x, &o.rows[i].r);
		cJSON_AddItemToArray(rows, x);
	}
	cJSON *tot = cJSON_AddObjectToObject(out, "total");
	oee_json(tot, &o.total);
	cJSON_AddNumberToObject(tot, "unexplained_ms", (double)o.total.unexplained_ms);
	cJSON *reasons = cJSON_AddArrayToObject(out, "reasons");
	for (size_t i = 0; i < o.n_reasons; i++) {
		cJSON *x = cJSON_CreateObject();
		const store_stop_reason *sr = analytics_reason_find(rl, nrl, o.reasons[i].reason);
		cJSON_AddStringToObject(x, "state", st_name(o.reasons[i].state));
		cJSON_AddStringToObject(x, "reason", o.reasons[i].reason);
		cJSON_AddStringToObject(x, "name_zh", sr ? sr->name_zh : o.reasons[i].reason);
		cJSON_AddStringToObject(x, "name_en", sr ? sr->name_en : o.reasons[i].reason);
		cJSON_AddNumberToObject(x, "ms", (double)o.reasons[i].ms);
		cJSON_AddItemToArray(reasons, x);
	}
	analytics_oee_free(&o);
	free(rl);
	return http__reply_json(r, 200, out);
}

/* ---- stops ---- */

static const table_col stop_cols[] = {
    {"设备", "Machine", NULL, NULL, TABLE_TEXT}, {"开始", "Start", NULL, NULL, TABLE_DATE},
    {"结束", "End", NULL, NULL, TABLE_DATE},     {"时长", "Duration", "分钟", "min", TABLE_MINUTES},
    {"状态", "State", NULL, NULL, TABLE_TEXT},   {"原因", "Reason", NULL, NULL, TABLE_TEXT},
    {"来源", "Source", NULL, NULL, TABLE_TEXT},
};

/* A stop still lasts when it is the machine's state now. */
static int stop_open(http_req *r, const store_stop *x)
{
	store_machine m = {0};
	m.id = x->machine_id;
	m.enterprise_id = x->enterprise_id;
	live_view v;
	live_machine_view(r->srv->app.lv, cals(r), NULL, &m, ltime_now_ms(), &v);
	const live_machine lm = v.m;
	return lm.state == x->state && x->end_ms >= lm.last_ts && lm.since_ts <= x->end_ms &&
	       v.state != MS_OFFLINE;
}

enum MHD_Result http__h_stops(http_req *r, store *db)
{
	enum MHD_Result ret;
	qargs a;
	if (scope_args(r, db, &a, &ret) || day_args(r, &a, &ret))
		return ret;
	int64_t from = tz_midnight_ms(&a.fc->zone, tz_civil_from_days(a.day0));
	int64_t to = tz_midnight_ms(&a.fc->zone, tz_civil_from_days((int64_t)a.day1 + 1));
	store_stop *v = NULL;
	size_t n = 0;
	int rc = store_stop_list(db, r->scope, a.ent, a.mid, from, to, MAX_STOPS, &v, &n);
	if (rc)
		return http__reply_error(r, 503, "unavailable", -1, "cannot read stops");
	store_stop_reason *rl = NULL;
	size_t nrl = 0;
	analytics_stop_reasons(db, r->scope, a.ent, &rl, &nrl);
	int64_t now = ltime_now_ms();
	table *t = NULL;
	cJSON *out = NULL, *arr = NULL;
	if (a.f == FMT_JSON) {
		out = cJSON_CreateObject();
		cJSON_AddStringToObject(out, "timezone", a.fc->zone.name);
		arr = cJSON_AddArrayToObject(out, "stops");
	} else {
		rc = table_new(stop_cols, sizeof stop_cols / sizeof stop_cols[0], &t);
	}
	for (size_t i = 0; i < n && !rc; i++) {
		store_stop *x = &v[i];
		if (a.ws && x->workshop_id != a.ws)
			continue;
		store_machine m;
		store_enterprise e;
		if (registry_machine(r->srv->app.reg, x->machine_id, &m))
			continue;
		int open = stop_open(r, x);
		int64_t end = open ? now : x->end_ms;
		const store_stop_reason *sr = analytics_reason_find(rl, nrl, x->reason);
		if (out) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "enterprise",
						http__ent_code(r, x->enterprise_id, &e));
			cJSON_AddStringToObject(o, "machine", m.code);
			cJSON_AddNumberToObject(o, "start", (double)x->start_ms);
			if (open)
				cJSON_AddNullToObject(o, "end");
			else
				cJSON_AddNumberToObject(o, "end", (double)x->end_ms);
			cJSON_AddNumberToObject(o, "duration_ms", (double)(end - x->start_ms));
			cJSON_AddStringToObject(o, "state", st_name(x->state));
			cJSON_AddStringToObject(o, "reason", x->reason);
			cJSON_AddStringToObject(o, "name_zh", sr ? sr->name_zh : x->reason);
			cJSON_AddStringToObject(o, "name_en", sr ? sr->name_en : x->reason);
			cJSON_AddStringToObject(o, "source",
						x->supervisor ? "supervisor" : "machine");
			cJSON_AddItemToArray(arr, o);
		} else {
			char s0[20], s1[20];
			tz_minute_format(&a.fc->zone, x->start_ms, s0);
			tz_minute_format(&a.fc->zone, end, s1);
			table_cell c[7];
			memset(c, 0, sizeof c);
			c[0].s = m.code;
			c[1].s = s0;
			c[2].s = s1;
			c[2].null = open;
			c[3].i = end - x->start_ms;
			c[4].s = st_name(x->state);
			c[5].s = sr ? (a.en ? sr->name_en : sr->name_zh) : x->reason;
			c[6].s = x->supervisor ? (a.en ? "supervisor" : "主管")
					       : (a.en ? "machine" : "设备");
			rc = table_add_row(t, c);
		}
	}
	free(v);
	free(rl);
	if (out)
		return http__reply_json(r, 200, out);
	if (rc) {
		table_free(t);
		return http__reply_error(r, 503, "unavailable", -1, "cannot build table");
	}
	return reply_table(r, t, &a, "stops", "停机记录", "Stops");
}

enum MHD_Result http__h_stop_reason(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	char ecode[40], mcode[40], reason[33];
	int64_t start;
	int64_t ent;
	if (http__field_text(r, j, "enterprise", 1, 1, ecode, sizeof ecode, &ret) ||
	    http__field_text(r, j, "machine", 1, 1, mcode, sizeof mcode, &ret) ||
	    http__field_text(r, j, "reason", 1, 1, reason, sizeof reason, &ret) ||
	    http__field_int(r, j, "start", 1, INT64_MAX / 2, 0, &start, &ret) ||
	    http__resolve_enterprise(r, ecode, &ent, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (!start)
		return http__reply_error(r, 400, "bad_request", -1, "field 'start' is missing");
	if (!http__can_manage(r, ent) &&
	    !(r->role == ROLE_SUPERVISOR && r->user.enterprise_id == ent))
		return http__reply_error(r, 403, "forbidden", -1,
					 "only the firm's supervisors and admins set reasons");
	store_machine m;
	if (registry_machine_by_code(r->srv->app.reg, ent, mcode, &m))
		return http__reply_error(r, 404, "not_found", -1, "no machine '%s'", mcode);
	store_stop_reason *rl = NULL;
	size_t nrl = 0;
	if (analytics_stop_reasons(db, r->scope, ent, &rl, &nrl))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read reasons");
	const store_stop_reason *sr = analytics_reason_find(rl, nrl, reason);
	free(rl);
	if (!sr)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'reason': '%s' is not in the firm's list of stop "
					 "reasons (GET /api/v1/stop-reasons)",
					 reason);
	int rc = writer_set_stop_reason(r->srv->app.w, m.id, start, reason);
	if (rc == GLOVED_ENOTFOUND)
		return http__reply_error(r, 404, "not_found", -1,
					 "machine '%s' has no stop starting at %lld", mcode,
					 (long long)start);
	if (rc == GLOVED_EEXIST)
		return http__reply_error(r, 409, "conflict", -1,
					 "the machine reported a reason for this stop itself");
	if (rc)
		return write_failed(r, rc);
	store_stop x;
	if (store_stop_get(db, r->scope, m.id, start, &x))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read the stop");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "enterprise", ecode);
	cJSON_AddStringToObject(o, "machine", m.code);
	cJSON_AddNumberToObject(o, "start", (double)x.start_ms);
	cJSON_AddNumberToObject(o, "end", (double)x.end_ms);
	cJSON_AddStringToObject(o, "state", st_name(x.state));
	cJSON_AddStringToObject(o, "reason", x.reason);
	cJSON_AddStringToObject(o, "source", x.supervisor ? "supervisor" : "machine");
	return http__reply_json(r, 200, o);
}

enum MHD_Result http__h_stop_reasons(http_req *r, store *db)
{
	enum MHD_Result ret;
	qargs a;
	if (scope_args(r, db, &a, &ret))
		return ret;
	store_stop_reason *rl = NULL;
	size_t nrl = 0;
	if (analytics_stop_reasons(db, r->scope, a.ent, &rl, &nrl))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read reasons");
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "reasons");
	for (size_t i = 0; i < nrl; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "code", rl[i].code);
		cJSON_AddStringToObject(x, "name_zh", rl[i].name_zh);
		cJSON_AddStringToObject(x, "name_en", rl[i].name_en);
		cJSON_AddItemToArray(arr, x);
	}
	free(rl);
	return http__reply_json(r, 200, out);
}

enum MHD_Result http__h_stop_reason_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	char ecode[40];
	store_stop_reason sr = {0};
	if (http__field_text(r, j, "enterprise", 1, 1, ecode, sizeof ecode, &ret) ||
	    http__field_text(r, j, "code", 1, 1, sr.code, sizeof sr.code, &ret) ||
	    http__field_text(r, j, "name_zh", 1, 0, sr.name_zh, sizeof sr.name_zh, &ret) ||
	    http__field_text(r, j, "name_en", 1, 0, sr.name_en, sizeof sr.name_en, &ret) ||
	    managed_ent(r, ecode, &sr.enterprise_id, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	int rc = analytics_reason_put(r->srv->app.w, r->scope, &sr);
	if (rc)
		return write_failed(r, rc);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", sr.code);
	cJSON_AddStringToObject(o, "name_zh", sr.name_zh);
	cJSON_AddStringToObject(o, "name_en", sr.name_en);
	return http__reply_json(r, 201, o);
}

/* ---- workers and assignments ---- */

enum MHD_Result http__h_workers(http_req *r, store *db)
{
	enum MHD_Result ret;
	qargs a;
	if (scope_args(r, db, &a, &ret))
		return ret;
	store_worker *v = NULL;
	size_t n = 0;
	if (store_worker_list(db, r->scope, a.ent, &v, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read workers");
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "workers");
	for (size_t i = 0; i < n; i++) {
		cJSON *card = cJSON_Parse(v[i].card);
		cJSON *x = cJSON_IsObject(card) ? card : cJSON_CreateObject();
		if (x != card)
			cJSON_Delete(card);
		store_enterprise e;
		cJSON_AddStringToObject(x, "enterprise", http__ent_code(r, v[i].enterprise_id, &e));
		cJSON_AddStringToObject(x, "code", v[i].code);
		cJSON_AddStringToObject(x, "name", v[i].name);
		cJSON_AddItemToArray(arr, x);
	}
	free(v);
	return http__reply_json(r, 200, out);
}

enum MHD_Result http__h_worker_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	char ecode[40];
	store_worker wk = {0};
	if (http__field_text(r, j, "enterprise", 1, 1, ecode, sizeof ecode, &ret) ||
	    http__field_text(r, j, "code", 1, 1, wk.code, sizeof wk.code, &ret) ||
	    http__field_text(r, j, "name", 1, 0, wk.name, sizeof wk.name, &ret) ||
	    managed_ent(r, ecode, &wk.enterprise_id, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	wage_card card;
	char err[160];
	if (analytics_card_parse(r->body.data, r->body.len, &card, err, sizeof err)) {
		cJSON_Delete(j);
		return http__reply_error(r, 400, "bad_request", -1, "%s", err);
	}
	cJSON_Delete(j);
	buf b;
	buf_init(&b, sizeof wk.card);
	if (analytics_card_json(&card, &b) || b.len >= sizeof wk.card) {
		buf_free(&b);
		return http__reply_error(r, 400, "bad_request", -1, "rate card too large");
	}
	memcpy(wk.card, b.data, b.len + 1);
	buf_free(&b);
	int rc = analytics_worker_put(r->srv->app.w, r->scope, &wk);
	if (rc)
		return write_failed(r, rc);
	cJSON *o = cJSON_Parse(wk.card);
	cJSON_AddStringToObject(o, "enterprise", ecode);
	cJSON_AddStringToObject(o, "code", wk.code);
	cJSON_AddStringToObject(o, "name", wk.name);
	return http__reply_json(r, 201, o);
}

static enum MHD_Result assignments_of(http_req *r, store *db, int64_t ent, int32_t day)
{
	store_assignment *v = NULL;
	size_t n = 0;
	if (store_assignment_list(db, r->scope, ent, day, day, &v, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read assignments");
	char d[11];
	tz_day_format(day, d);
	cJSON *out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "day", d);
	cJSON *arr = cJSON_AddArrayToObject(out, "assignments");
	for (size_t i = 0; i < n; i++) {
		store_machine m;
		if (registry_machine(r->srv->app.reg, v[i].machine_id, &m))
			continue;
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "machine", m.code);
		cJSON_AddNumberToObject(x, "shift", v[i].shift);
		cJSON_AddStringToObject(x, "worker", v[i].worker);
		cJSON_AddItemToArray(arr, x);
	}
	free(v);
	return http__reply_json(r, 200, out);
}

enum MHD_Result http__h_assignments(http_req *r, store *db)
{
	enum MHD_Result ret;
	qargs a;
	if (scope_args(r, db, &a, &ret))
		return ret;
	if (!a.ent)
		return http__reply_error(r, 400, "bad_request", -1, "name the ?enterprise=");
	int32_t day = tz_day_of(&a.fc->zone, ltime_now_ms());
	const char *ds = http__arg(r, "day");
	if (ds && *ds && tz_day_parse(ds, &day))
		return http__reply_error(r, 400, "bad_request", -1, "'day' must be YYYY-MM-DD");
	return assignments_of(r, db, a.ent, day);
}

enum MHD_Result http__h_assignments_put(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	int64_t ent;
	if (http__resolve_enterprise(r, http__arg(r, "enterprise"), &ent, &ret))
		return ret;
	if (!ent)
		return http__reply_error(r, 400, "bad_request", -1, "name the ?enterprise=");
	if (!http__can_manage(r, ent) &&
	    !(r->role == ROLE_SUPERVISOR && r->user.enterprise_id == ent))
		return http__reply_error(r, 403, "forbidden", -1,
					 "only the firm's supervisors and admins assign workers");
	const firm_cal *fc = firmcal_get(cals(r), db, ent);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	const cJSON *dv = cJSON_GetObjectItemCaseSensitive(j, "day");
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "assignments");
	int32_t day;
	if (!cJSON_IsString(dv) || tz_day_parse(dv->valuestring, &day)) {
		cJSON_Delete(j);
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'day' must be YYYY-MM-DD");
	}
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > 5000) {
		cJSON_Delete(j);
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'assignments' must be an array of at most 5000");
	}
	size_t n = (size_t)cJSON_GetArraySize(arr);
	store_assignment *as_v = calloc(n ? n : 1, sizeof *as_v);
	size_t nas = 0;
	if (!as_v) {
		cJSON_Delete(j);
		return http__reply_error(r, 503, "unavailable", -1, "out of memory");
	}
	const cJSON *x;
	cJSON_ArrayForEach(x, arr)
	{
		store_assignment *as = &as_v[nas];
		char mcode[40];
		int64_t sh;
		char field[40];
		snprintf(field, sizeof field, "assignments[%zu]", nas);
		if (!cJSON_IsObject(x) ||
		    http__field_text(r, x, "machine", 1, 1, mcode, sizeof mcode, &ret) ||
		    http__field_int(r, x, "shift", 0, fc->cal.n_shifts - 1, -1, &sh, &ret) ||
		    http__field_text(r, x, "worker", 0, 0, as->worker, sizeof as->worker, &ret)) {
			if (!cJSON_IsObject(x))
				ret = http__reply_error(r, 400, "bad_request", -1,
							"%s must be an object", field);
			free(as_v);
			cJSON_Delete(j);
			return ret;
		}
		if (as->worker[0] && !code_valid(as->worker)) {
			free(as_v);
			cJSON_Delete(j);
			return http__reply_error(
			    r, 400, "bad_request", -1,
			    "%s: field 'worker' must be a worker code (A-Z a-z 0-9 _ -) "
			    "or \"\" to clear",
			    field);
		}
		store_machine m;
		if (sh < 0 || registry_machine_by_code(r->srv->app.reg, ent, mcode, &m)) {
			free(as_v);
			cJSON_Delete(j);
			return http__reply_error(
			    r, sh < 0 ? 400 : 404, sh < 0 ? "bad_request" : "not_found", -1,
			    sh < 0 ? "%s: field 'shift' is missing" : "%s: no machine", field);
		}
		as->machine_id = m.id;
		as->enterprise_id = ent;
		as->shift_day = day;
		as->shift = (int32_t)sh;
		nas++;
	}
	cJSON_Delete(j);
	int rc = analytics_assignments_put(r->srv->app.w, r->scope, as_v, nas);
	free(as_v);
	if (rc)
		return write_failed(r, rc);
	return assignments_of(r, db, ent, day);
}

/* ---- worker output and wages ---- */

static const table_col wo_cols[] = {
    {"工号", "Worker", NULL, NULL, TABLE_TEXT},   {"姓名", "Name", NULL, NULL, TABLE_TEXT},
    {"日期", "Day", NULL, NULL, TABLE_DATE},      {"班次", "Shift", NULL, NULL, TABLE_TEXT},
    {"设备", "Machine", NULL, NULL, TABLE_TEXT},  {"良品", "Good", "只", "piece", TABLE_INT},
    {"次品", "Reject", "只", "piece", TABLE_INT},
};

static const char *worker_name(const store_worker *wk, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(wk[i].code, code) == 0)
			return wk[i].name;
	return "";
}

enum MHD_Result http__h_worker_output(http_req *r, store *db)
{
	enum MHD_Result ret;
	qargs a;
	if (scope_args(r, db, &a, &ret) || day_args(r, &a, &ret))
		return ret;
	an_query q = query_of(r, &a, AN_MACHINE);
	an_worker_row *v = NULL;
	store_worker *wk = NULL;
	size_t n = 0, nwk = 0;
	if (analytics_worker_output(db, &q, &v, &n) ||
	    store_worker_list(db, r->scope, a.ent, &wk, &nwk)) {
		free(v);
		return http__reply_error(r, 503, "unavailable", -1, "cannot read worker output");
	}
	table *t = NULL;
	cJSON *out = NULL, *arr = NULL;
	int rc = 0;
	if (a.f == FMT_JSON) {
		out = cJSON_CreateObject();
		arr = cJSON_AddArrayToObject(out, "rows");
	} else {
		rc = table_new(wo_cols, sizeof wo_cols / sizeof wo_cols[0], &t);
	}
	int64_t tg, tr;
	analytics_worker_total(v, n, &tg, &tr);
	for (size_t i = 0; i < n && !rc; i++) {
		store_machine m;
		if (registry_machine(r->srv->app.reg, v[i].machine_id, &m))
			continue;
		const firm_cal *fc = firmcal_get(cals(r), db, m.enterprise_id);
		const char *sn =
		    fc && v[i].shift < fc->cal.n_shifts ? fc->cal.shifts[v[i].shift].name : "";
		char d[11];
		tz_day_format(v[i].day, d);
		if (out) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "worker", v[i].worker);
			cJSON_AddStringToObject(x, "name", worker_name(wk, nwk, v[i].worker));
			cJSON_AddStringToObject(x, "day", d);
			cJSON_AddNumberToObject(x, "shift", v[i].shift);
			cJSON_AddStringToObject(x, "shift_name", sn);
			cJSON_AddStringToObject(x, "machine", m.code);
			cJSON_AddNumberToObject(x, "good", (double)v[i].good);
			cJSON_AddNumberToObject(x, "reject", (double)v[i].reject);
			cJSON_AddStringToObject(x, "unit", "piece");
			cJSON_AddItemToArray(arr, x);
		} else {
			table_cell c[7];
			memset(c, 0, sizeof c);
			c[0].s = v[i].worker;
			c[1].s = worker_name(wk, nwk, v[i].worker);
			c[2].s = d;
			c[3].s = sn;
			c[4].s = m.code;
			c[5].i = v[i].good;
			c[6].i = v[i].reject;
			rc = table_add_row(t, c);
		}
	}
	free(v);
	free(wk);
	if (out) {
		cJSON *tot = cJSON_AddObjectToObject(out, "total");
		cJSON_AddNumberToObject(tot, "good", (double)tg);
		cJSON_AddNumberToObject(tot, "reject", (double)tr);
		return http__reply_json(r, 200, out);
	}
	if (!rc) {
		table_cell c[7];
		memset(c, 0, sizeof c);
		c[0].s = a.en ? "Total" : "合计";
		c[5].i = tg;
		c[6].i = tr;
		rc = table_set_total(t, c);
	}
	if (rc) {
		table_free(t);
		return http__reply_error(r, 503, "unavailable", -1, "cannot build table");
	}
	return reply_table(r, t, &a, "worker-output", "计件产量", "Worker output");
}

static const table_col wage_cols[] = {
    {"工号", "Worker", NULL, NULL, TABLE_TEXT},
    {"姓名", "Name", NULL, NULL, TABLE_TEXT},
    {"良品", "Good", "只", "piece", TABLE_INT},
    {"次品", "Reject", "只", "piece", TABLE_INT},
    {"计件数量", "Paid quantity", NULL, NULL, TABLE_INT},
    {"计件单位", "Rate unit", NULL, NULL, TABLE_TEXT},
    {"计件工资", "Base pay", "元", "yuan", TABLE_FEN},
    {"奖励", "Bonus", "元", "yuan", TABLE_FEN},
    {"扣款", "Deductions", "元", "yuan", TABLE_FEN},
    {"应发工资", "Total pay", "元", "yuan", TABLE_FEN},
};
#define N_WAGE_COLS (sizeof wage_cols / sizeof wage_cols[0])

static void wage_cells(table_cell *c, const char *code, const char *name, const char *unit_s,
		       const wage_result *p, int has_card)
{
	memset(c, 0, N_WAGE_COLS * sizeof *c);
	c[0].s = code;
	c[1].s = name;
	c[2].i = p->good_pieces;
	c[3].i = p->reject_pieces;
	c[4].i = p->paid_qty;
	c[4].null = !has_card;
	c[5].s = unit_s;
	c[6].i = p->base_fen;
	c[7].i = p->bonus_fen;
	c[8].i = p->deduct_fen;
	c[9].i = p->total_fen;
}

static void money_json(cJSON *o, const char *key, int64_t fen)
{
	char m[32];
	wage_fen_format(fen, m, sizeof m);
	cJSON_AddStringToObject(o, key, m);
}

enum MHD_Result http__h_wages(http_req *r, store *db)
{
	enum MHD_Result ret;
	qargs a;
	if (scope_args(r, db, &a, &ret))
		return ret;
	if (!a.ent)
		return http__reply_error(r, 400, "bad_request", -1, "name the ?enterprise=");
	tz_date today = tz_date_of(&a.fc->zone, ltime_now_ms());
	const char *ms = http__arg(r, "month"), *ds = http__arg(r, "day");
	if (ds && *ds) {
		if (tz_day_parse(ds, &a.day0))
			return http__reply_error(r, 400, "bad_request", -1,
						 "'day' must be YYYY-MM-DD");
		a.day1 = a.day0;
	} else {
		tz_date m0 = {today.year, today.month, 1};
		if (ms && *ms) {
			char d[11];
			if (strlen(ms) != 7) {
				return http__reply_error(r, 400, "bad_request", -1,
							 "'month' must be YYYY-MM");
			}
			snprintf(d, sizeof d, "%s-01", ms);
			if (tz_day_parse(d, &a.day0))
				return http__reply_error(r, 400, "bad_request", -1,
							 "'month' must be YYYY-MM");
			m0 = tz_civil_from_days(a.day0);
		}
		tz_date m1 = m0.month == 12 ? (tz_date){m0.year + 1, 1, 1}
					    : (tz_date){m0.year, m0.month + 1, 1};
		a.day0 = (int32_t)tz_days_from_civil(m0);
		a.day1 = (int32_t)tz_days_from_civil(m1) - 1;
	}
	an_query q = query_of(r, &a, AN_MACHINE);
	an_wage_row *v = NULL;
	size_t n = 0;
	if (analytics_wages(db, &q, &v, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot compute wages");
	wage_result tot;
	analytics_wages_total(v, n, &tot);
	char d0[11], d1[11];
	tz_day_format(a.day0, d0);
	tz_day_format(a.day1, d1);
	if (a.f != FMT_JSON) {
		table *t = NULL;
		table_cell c[N_WAGE_COLS];
		int rc = table_new(wage_cols, N_WAGE_COLS, &t);
		for (size_t i = 0; i < n && !rc; i++) {
			const char *un = !v[i].has_card ? ""
					 : a.en         ? unit_name(v[i].rate_unit)
							: unit_zh(v[i].rate_unit);
			wage_cells(c, v[i].worker, v[i].name, un, &v[i].pay, v[i].has_card);
			rc = table_add_row(t, c);
		}
		if (!rc) {
			wage_cells(c, a.en ? "Total" : "合计", "", "", &tot, 0);
			rc = table_set_total(t, c);
		}
		free(v);
		if (rc) {
			table_free(t);
			return http__reply_error(r, 503, "unavailable", -1, "cannot build table");
		}
		return reply_table(r, t, &a, "wages", "计件工资", "Wages");
	}
	cJSON *out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "from", d0);
	cJSON_AddStringToObject(out, "to", d1);
	cJSON *arr = cJSON_AddArrayToObject(out, "rows");
	for (size_t i = 0; i < n; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "worker", v[i].worker);
		cJSON_AddStringToObject(x, "name", v[i].name);
		cJSON_AddBoolToObject(x, "has_card", v[i].has_card);
		cJSON_AddNumberToObject(x, "good_pieces", (double)v[i].pay.good_pieces);
		cJSON_AddNumberToObject(x, "reject_pieces", (double)v[i].pay.reject_pieces);
		cJSON_AddNumberToObject(x, "paid_qty", (double)v[i].pay.paid_qty);
		cJSON_AddStringToObject(x, "rate_unit",
					v[i].has_card ? unit_name(v[i].rate_unit) : "");
		cJSON_AddNumberToObject(x, "remainder_pieces", (double)v[i].pay.remainder_pieces);
		money_json(x, "base", v[i].pay.base_fen);
		money_json(x, "bonus", v[i].pay.bonus_fen);
		money_json(x, "deduct", v[i].pay.deduct_fen);
		money_json(x, "total", v[i].pay.total_fen);
		cJSON_AddItemToArray(arr, x);
	}
	free(v);
	cJSON *t = cJSON_AddObjectToObject(out, "total");
	cJSON_AddNumberToObject(t, "good_pieces", (double)tot.good_pieces);
	cJSON_AddNumberToObject(t, "reject_pieces", (double)tot.reject_pieces);
	money_json(t, "base", tot.base_fen);
	money_json(t, "bonus", tot.bonus_fen);
	money_json(t, "deduct", tot.deduct_fen);
	money_json(t, "total", tot.total_fen);
	return http__reply_json(r, 200, out);
}

/* ---- trend and output table ---- */

enum MHD_Result http__h_trend(http_req *r, store *db)
{
	enum MHD_Result ret;
	qargs a;
	if (scope_args(r, db, &a, &ret) || day_args(r, &a, &ret))
		return ret;
	const char *lv = http__arg(r, "level");
	store_level level = STORE_HOUR;
	if (lv && strcmp(lv, "day") == 0)
		level = STORE_DAY;
	else if (lv && *lv && strcmp(lv, "hour") != 0)
		return http__reply_error(r, 400, "bad_request", -1, "'level' must be hour or day");
	if (level == STORE_HOUR && a.day1 - a.day0 > 31)
		return http__reply_error(r, 400, "bad_request", -1,
					 "at most 31 days of hourly buckets");
	int64_t from = tz_midnight_ms(&a.fc->zone, tz_civil_from_days(a.day0));
	int64_t to = tz_midnight_ms(&a.fc->zone, tz_civil_from_days((int64_t)a.day1 + 1));
	an_query q = query_of(r, &a, AN_DAY);
	an_trend_bucket *b = NULL;
	size_t n = 0;
	if (analytics_trend(db, r->srv->app.reg, cals(r), &q, level, from, to, &b, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot compute the trend");
	cJSON *out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "level", level == STORE_DAY ? "day" : "hour");
	cJSON_AddStringToObject(out, "unit", "piece");
	cJSON_AddStringToObject(out, "timezone", a.fc->zone.name);
	cJSON_AddNumberToObject(out, "target_pct", a.fc->target_pct);
	cJSON *arr = cJSON_AddArrayToObject(out, "buckets");
	for (size_t i = 0; i < n; i++) {
		cJSON *x = cJSON_CreateObject();
		char label[20];
		cJSON_AddNumberToObject(x, "ts", (double)b[i].ts_ms);
		if (level == STORE_DAY) {
			tz_day_format(b[i].day, label);
			cJSON_AddStringToObject(x, "label", label);
			if (b[i].oee_known)
				cJSON_AddNumberToObject(x, "oee_bp", (double)b[i].oee_bp);
			else
				cJSON_AddNullToObject(x, "oee_bp");
		} else {
			tz_minute_format(&a.fc->zone, b[i].ts_ms, label);
			cJSON_AddStringToObject(x, "label", label);
		}
		cJSON_AddNumberToObject(x, "good", (double)b[i].good);
		cJSON_AddNumberToObject(x, "reject", (double)b[i].reject);
		cJSON_AddNumberToObject(x, "plan", (double)b[i].plan);
		cJSON_AddItemToArray(arr, x);
	}
	free(b);
	return http__reply_json(r, 200, out);
}

static const table_col out_cols[] = {
    {"对象", "Scope", NULL, NULL, TABLE_TEXT},    {"良品", "Good", "只", "piece", TABLE_INT},
    {"良品", "Good", "双", "pair", TABLE_INT},    {"良品", "Good", "打", "dozen", TABLE_INT},
    {"次品", "Reject", "只", "piece", TABLE_INT},
};

enum MHD_Result http__h_output_table(http_req *r, store *db)
{
	enum MHD_Result ret;
	qargs a;
	if (scope_args(r, db, &a, &ret) || day_args(r, &a, &ret))
		return ret;
	an_group g;
	if (parse_group(http__arg(r, "group"), &g) || g == AN_SHIFT)
		return http__reply_error(r, 400, "bad_request", -1,
					 "'group' must be machine, workshop, enterprise or day");
	/* output by shift day from the shift rows, grouped like OEE */
	an_query q = query_of(r, &a, g);
	an_oee o;
	if (analytics_oee(db, r->srv->app.reg, cals(r), &q, &o))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read output");
	char key[160], label[160];
	table *t = NULL;
	cJSON *out = NULL, *arr = NULL;
	int rc = 0;
	if (a.f == FMT_JSON) {
		out = cJSON_CreateObject();
		arr = cJSON_AddArrayToObject(out, "rows");
	} else {
		rc = table_new(out_cols, sizeof out_cols / sizeof out_cols[0], &t);
	}
	for (size_t i = 0; i <= o.n && !rc; i++) {
		const oee_result *x = i < o.n ? &o.rows[i].r : &o.total;
		if (i < o.n)
			row_label(r, db, a.fc, g, &o.rows[i], key, label, sizeof label);
		else
			snprintf(label, sizeof label, "%s", a.en ? "Total" : "合计");
		int64_t pairs, dozens, rest;
		qty_convert((qty){x->good, UNIT_PIECE}, UNIT_PAIR, &pairs, &rest);
		qty_convert((qty){x->good, UNIT_PIECE}, UNIT_DOZEN, &dozens, &rest);
		if (out) {
			cJSON *e =
			    i < o.n ? cJSON_CreateObject() : cJSON_AddObjectToObject(out, "total");
			if (i < o.n) {
				cJSON_AddStringToObject(e, "key", key);
				cJSON_AddStringToObject(e, "label", label);
			}
			cJSON_AddNumberToObject(e, "good", (double)x->good);
			cJSON_AddNumberToObject(e, "reject", (double)x->reject);
			cJSON_AddStringToObject(e, "unit", "piece");
			cJSON_AddNumberToObject(e, "good_pairs", (double)pairs);
			cJSON_AddNumberToObject(e, "good_dozens", (double)dozens);
			if (i < o.n)
				cJSON_AddItemToArray(arr, e);
		} else {
			table_cell c[5];
			memset(c, 0, sizeof c);
			c[0].s = label;
			c[1].i = x->good;
			c[2].i = pairs;
			c[3].i = dozens;
			c[4].i = x->reject;
			rc = i < o.n ? table_add_row(t, c) : table_set_total(t, c);
		}
	}
	analytics_oee_free(&o);
	if (out)
		return http__reply_json(r, 200, out);
	if (rc) {
		table_free(t);
		return http__reply_error(r, 503, "unavailable", -1, "cannot build table");
	}
	return reply_table(r, t, &a, "output", "产量", "Output");
}

/* ---- rebuild ---- */

enum MHD_Result http__h_rebuild(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	char ecode[40], from[16], to[16];
	int64_t ent = 0;
	if (http__field_text(r, j, "enterprise", 0, 1, ecode, sizeof ecode, &ret) ||
	    http__field_text(r, j, "from", 1, 0, from, sizeof from, &ret) ||
	    http__field_text(r, j, "to", 1, 0, to, sizeof to, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (ecode[0] ? managed_ent(r, ecode, &ent, &ret) : !http__is_cluster_admin(r)) {
		if (!ecode[0])
			return http__reply_error(r, 403, "forbidden", -1,
						 "only a cluster_admin rebuilds every firm");
		return ret;
	}
	int32_t d0, d1;
	if (tz_day_parse(from, &d0) || tz_day_parse(to, &d1) || d1 < d0 || d1 - d0 >= MAX_DAYS)
		return http__reply_error(r, 400, "bad_request", -1,
					 "'from' and 'to' must be dates YYYY-MM-DD, in order, at "
					 "most %d days apart",
					 MAX_DAYS);
	char msg[160];
	int rc = writer_rebuild(r->srv->app.w, ent, d0, d1, msg, sizeof msg);
	if (rc == GLOVED_EINVAL)
		return http__reply_error(r, 400, "bad_request", -1, "%s", msg);
	if (rc)
		return http__reply_error(r, 503, "unavailable", -1, "%s",
					 msg[0] ? msg : gloved_strerror(rc));
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "result", msg);
	return http__reply_json(r, 200, o);
}

#define ONLY_ADMINS "only the firm's enterprise_admin or a cluster_admin may change this"

const http_route http__routes_analytics[] = {
    {"GET", "/api/v1/calendar", ROLES_READERS, http__h_calendar_get, NULL},
    {"PUT", "/api/v1/calendar", ROLES_ADMINS, http__h_calendar_put, ONLY_ADMINS},
    {"GET", "/api/v1/oee", ROLES_READERS, http__h_oee, NULL},
    {"GET", "/api/v1/stops", ROLES_READERS, http__h_stops, NULL},
    {"POST", "/api/v1/stops/reason", ROLES_WRITERS, http__h_stop_reason,
     "only the firm's supervisors and admins set reasons"},
    {"GET", "/api/v1/stop-reasons", ROLES_READERS, http__h_stop_reasons, NULL},
    {"POST", "/api/v1/stop-reasons", ROLES_ADMINS, http__h_stop_reason_add, ONLY_ADMINS},
    {"GET", "/api/v1/workers", ROLES_FIRM_PRIVATE, http__h_workers, NULL},
    {"POST", "/api/v1/workers", ROLES_ADMINS, http__h_worker_add, ONLY_ADMINS},
    {"GET", "/api/v1/assignments", ROLES_FIRM_PRIVATE, http__h_assignments, NULL},
    {"PUT", "/api/v1/assignments", ROLES_WRITERS, http__h_assignments_put,
     "only the firm's supervisors and admins assign workers"},
    {"GET", "/api/v1/worker-output", ROLES_FIRM_PRIVATE, http__h_worker_output, NULL},
    {"GET", "/api/v1/wages", ROLES_FIRM_PRIVATE, http__h_wages, NULL},
    {"GET", "/api/v1/trend", ROLES_READERS, http__h_trend, NULL},
    {"GET", "/api/v1/output-table", ROLES_READERS, http__h_output_table, NULL},
    {"POST", "/api/v1/rebuild", ROLES_ADMINS, http__h_rebuild, ONLY_ADMINS},
};
const size_t http__routes_analytics_n =
    sizeof http__routes_analytics / sizeof http__routes_analytics[0];
