/* SPDX-License-Identifier: Apache-2.0 */
/* cluster.c: size classes, the statistics form's rules, plan indicator
 * evaluation and certificate payloads (cluster.h). Integer arithmetic
 * throughout, so the dashboard, the API and the exports show one figure. */
#include "core/cluster.h"

#include <stdio.h>
#include <string.h>

/* ---- size classes ---- */

static const struct {
	size_class c;
	int64_t employees, revenue_wan;
} classes[] = {
    {SIZE_LARGE, 1000, 40000},
    {SIZE_MEDIUM, 300, 2000},
    {SIZE_SMALL, 20, 300},
};

size_class cluster_size_class(int64_t employees, int64_t revenue_wan)
{
	for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
		if (employees >= classes[i].employees && revenue_wan >= classes[i].revenue_wan)
			return classes[i].c;
	return SIZE_MICRO;
}

static const char *const size_names[] = {"micro", "small", "medium", "large"};

const char *cluster_size_name(size_class c)
{
	return (unsigned)c < 4 ? size_names[c] : "?";
}

int cluster_size_parse(const char *s)
{
	for (int i = 0; s && i < 4; i++)
		if (strcmp(s, size_names[i]) == 0)
			return i;
	return -1;
}

int cluster_above_size(int64_t revenue_wan)
{
	return revenue_wan >= 2000;
}

/* ---- the form ---- */

static const char *const measure_names[MEASURE_COUNT] = {
    [MEASURE_NONE] = "",           [MEASURE_PIECES] = "pieces",
    [MEASURE_PAIRS] = "pairs",     [MEASURE_MACHINE_HOURS] = "machine_hours",
    [MEASURE_OEE_PCT] = "oee_pct", [MEASURE_MACHINES] = "machines",
};

const char *cluster_measure_name(stat_measure m)
{
	return (unsigned)m < MEASURE_COUNT ? measure_names[m] : "";
}

int cluster_measure_parse(const char *s)
{
	if (!s || !*s)
		return MEASURE_NONE;
	for (int i = 1; i < MEASURE_COUNT; i++)
		if (strcmp(s, measure_names[i]) == 0)
			return i;
	return -1;
}

static int key_ok(const char *k)
{
	size_t n = strlen(k);
	if (n < 1 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return 0;
	return 1;
}

int cluster_form_check(const stat_field *f, size_t n, size_t *bad, char *msg, size_t len)
{
	*bad = 0;
	if (n < 1 || n > STAT_FIELDS_MAX) {
		snprintf(msg, len, "a form has 1 to %d fields", STAT_FIELDS_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		*bad = i;
		const char *why = NULL;
		if (!key_ok(f[i].key))
			why = "key must be 1 to 32 of a-z, 0-9 and _";
		else if (!f[i].name_zh[0] || !f[i].name_en[0])
			why = "name_zh and name_en are required";
		else if (f[i].decimals < 0 || f[i].decimals > 4)
			why = "decimals must be 0 to 4";
		else if ((unsigned)f[i].measure >= MEASURE_COUNT)
			why = "unknown measure";
		else if (f[i].measure != MEASURE_NONE && f[i].required)
			why = "a measured field is filled by gloved and cannot be required";
		else if (f[i].role < STAT_ROLE_NONE || f[i].role > STAT_ROLE_EMPLOYEES)
			why = "unknown role";
		else if (f[i].role != STAT_ROLE_NONE && f[i].measure != MEASURE_NONE)
			why = "a revenue or employees field is entered, not measured";
		for (size_t k = 0; !why && k < i; k++) {
			if (strcmp(f[k].key, f[i].key) == 0)
				why = "key used twice";
			else if (f[i].measure != MEASURE_NONE && f[k].measure == f[i].measure)
				why = "measure used twice";
			else if (f[i].role != STAT_ROLE_NONE && f[k].role == f[i].role)
				why = "role used twice";
		}
		if (why) {
			snprintf(msg, len, "%s", why);
			return -1;
		}
	}
	return 0;
}

static const stat_field default_form[] = {
    {"output_value", "工业总产值", "Gross output value", "万元", 1, 1, MEASURE_NONE,
     STAT_ROLE_NONE},
    {"sales", "营业收入", "Sales revenue", "万元", 1, 1, MEASURE_NONE, STAT_ROLE_REVENUE},
    {"exports", "出口交货值", "Export delivery value", "万元", 1, 1, MEASURE_NONE, STAT_ROLE_NONE},
    {"employees", "从业人员", "Employees", "人", 0, 1, MEASURE_NONE, STAT_ROLE_EMPLOYEES},
    {"energy", "综合能耗", "Energy use", "吨标准煤", 2, 0, MEASURE_NONE, STAT_ROLE_NONE},
    {"equipment_investment", "设备投资", "Investment in equipment", "万元", 1, 0, MEASURE_NONE,
     STAT_ROLE_NONE},
    {"pieces", "产量(只)", "Output (pieces)", "只", 0, 0, MEASURE_PIECES, STAT_ROLE_NONE},
    {"pairs", "产量(双)", "Output (pairs)", "双", 0, 0, MEASURE_PAIRS, STAT_ROLE_NONE},
    {"machine_hours", "设备运行台时", "Machine-hours run", "台时", 1, 0, MEASURE_MACHINE_HOURS,
     STAT_ROLE_NONE},
    {"oee_pct", "设备综合效率", "OEE", "%", 2, 0, MEASURE_OEE_PCT, STAT_ROLE_NONE},
    {"machines", "联网设备", "Machines online", "台", 0, 0, MEASURE_MACHINES, STAT_ROLE_NONE},
};

size_t cluster_form_default(stat_field *f)
{
	size_t n = sizeof default_form / sizeof default_form[0];
	memcpy(f, default_form, sizeof default_form);
	return n;
}

/* ---- plan indicators ---- */

/* a * b / c rounded toward zero, without overflow for the magnitudes of
 * plan figures (|a|, |b| < 2^62 / 10^4 are the callers'). */
static int64_t muldiv(int64_t a, int64_t b, int64_t c)
{
	if (c == 0)
		return 0;
	__int128 p = (__int128)a * b;
	return (int64_t)(p / c);
}

plan_eval cluster_plan_eval(int flow, int down, int64_t start, int64_t target, int64_t actual,
			    int has_actual, int64_t elapsed_bp)
{
	plan_eval e = {PLAN_NO_DATA, 0, 0};
	if (elapsed_bp < 0)
		elapsed_bp = 0;
	if (elapsed_bp > 10000)
		elapsed_bp = 10000;
	/* what this point of the year expects */
	if (flow)
		e.expected = muldiv(target, elapsed_bp, 10000);
	else
		e.expected = start + muldiv(target - start, elapsed_bp, 10000);
	if (!has_actual)
		return e;
	/* progress: a flow against its year's target; a level the way from
	 * start to target (down: less is better) */
	if (flow)
		e.progress_bp = target ? muldiv(actual, 10000, target) : 0;
	else if (target != start)
		e.progress_bp = muldiv(actual - start, 10000, target - start);
	else
		e.progress_bp = actual == target ? 10000 : 0;
	int met = down ? actual <= target : actual >= target;
	int ahead = down ? actual <= e.expected : actual >= e.expected;
	/* a flow that should stay small is met only when its year is over */
	if (flow && down && elapsed_bp < 10000)
		met = 0;
	e.status = met ? PLAN_MET : ahead ? PLAN_ON_TRACK : PLAN_OFF_TRACK;
	return e;
}

static const char *const plan_names[] = {"no_data", "met", "on_track", "off_track"};

const char *cluster_plan_status_name(plan_status s)
{
	return (unsigned)s < 4 ? plan_names[s] : "?";
}

/* ---- certificates ---- */

static int field_ok(const char *s, int may_be_empty)
{
	if (!*s)
		return may_be_empty;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p == '|' || *p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int day_ok(const char *d)
{
	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return 0;
	return 1;
}

int cert_payload_make(const cert_fields *f, char *out, size_t n)
{
	if (!field_ok(f->serial, 0) || !field_ok(f->firm, 0) || !field_ok(f->worker, 0) ||
	    !field_ok(f->worker_name, 0) || !field_ok(f->course, 0) || !field_ok(f->operation, 1) ||
	    f->level < 1 || f->level > 5 || !day_ok(f->day))
		return -1;
	int k = snprintf(out, n, "gloved-cert-1|%s|%s|%s|%s|%s|%s|%d|%s", f->serial, f->firm,
			 f->worker, f->worker_name, f->course, f->operation, f->level, f->day);
	return k < 0 || (size_t)k >= n ? -1 : 0;
}

/* Copies the next '|'-ended field of *p into dst (cap bytes). */
static int take(const char **p, char *dst, size_t cap, int last)
{
	const char *end = last ? *p + strlen(*p) : strchr(*p, '|');
	if (!end)
		return -1;
	size_t len = (size_t)(end - *p);
	if (len >= cap)
		return -1;
	memcpy(dst, *p, len);
	dst[len] = '\0';
	*p = last ? end : end + 1;
	return 0;
}

int cert_payload_parse(const char *payload, cert_fields *out)
{
	memset(out, 0, sizeof *out);
	static const char magic[] = "gloved-cert-1|";
	if (!payload || strncmp(payload, magic, sizeof magic - 1) != 0)
		return -1;
	const char *p = payload + sizeof magic - 1;
	char level[4];
	if (take(&p, out->serial, sizeof out->serial, 0) ||
	    take(&p, out->firm, sizeof out->firm, 0) ||
	    take(&p, out->worker, sizeof out->worker, 0) ||
	    take(&p, out->worker_name, sizeof out->worker_name, 0) ||
	    take(&p, out->course, sizeof out->course, 0) ||
	    take(&p, out->operation, sizeof out->operation, 0) ||
	    take(&p, level, sizeof level, 0) || take(&p, out->day, sizeof out->day, 1))
		return -1;
	if (strlen(level) != 1 || level[0] < '1' || level[0] > '5')
		return -1;
	out->level = level[0] - '0';
	char again[512];
	if (cert_payload_make(out, again, sizeof again) || strcmp(again, payload) != 0)
		return -1;
	return 0;
}
