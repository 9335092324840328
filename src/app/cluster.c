/* SPDX-License-Identifier: Apache-2.0 */
/* cluster.c: the audit log, share settings, the monthly statistics, the
 * development plan, the cockpit and the programme (cluster.h). */
#include "app/cluster.h"

#include "core/code.h"
#include "core/oee.h"
#include "core/state.h"
#include "core/tz.h"
#include "util/num.h"
#include "util/err.h"
#include "util/json.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- audit ---- */

static void copy_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

int cluster_audit_tx(store *s, const cluster_actor *a, int64_t enterprise_id, const char *action,
		     const char *target, const char *before, const char *after)
{
	store_auditlog e = {.ts_ms = a->now_ms, .enterprise_id = enterprise_id};
	copy_str(e.actor, sizeof e.actor, a->name);
	copy_str(e.role, sizeof e.role, a->role);
	copy_str(e.action, sizeof e.action, action);
	copy_str(e.target, sizeof e.target, target);
	copy_str(e.before, sizeof e.before, before);
	copy_str(e.after, sizeof e.after, after);
	return store_auditlog_add(s, &e);
}

typedef struct audit_ctx {
	const cluster_actor *a;
	int64_t ent;
	const char *action, *target, *before, *after;
} audit_ctx;

static int do_audit(store *s, void *ctx)
{
	audit_ctx *c = ctx;
	int rc = store_begin(s);
	return rc ? rc
		  : store_end(s, cluster_audit_tx(s, c->a, c->ent, c->action, c->target, c->before,
						  c->after));
}

int cluster_audit(writer *w, const cluster_actor *a, int64_t enterprise_id, const char *action,
		  const char *target, const char *before, const char *after)
{
	audit_ctx c = {a, enterprise_id, action, target, before, after};
	return writer_call(w, do_audit, &c);
}

/* ---- share settings ---- */

void cluster_share_json(const store_share *x, char *out, size_t n)
{
	snprintf(out, n, "{\"capacity\":%s,\"catalogue\":%s,\"cases\":%s}",
		 x->capacity ? "true" : "false", x->catalogue ? "true" : "false",
		 x->cases ? "true" : "false");
}

typedef struct share_ctx {
	const cluster_actor *a;
	const store_share *x;
} share_ctx;

static int share_tx(store *s, share_ctx *c)
{
	store_share old = {.enterprise_id = c->x->enterprise_id};
	int rc = store_share_get(s, c->x->enterprise_id, &old);
	if (rc && rc != GLOVED_ENOTFOUND)
		return rc;
	char before[128] = "", after[128];
	if (!rc)
		cluster_share_json(&old, before, sizeof before);
	cluster_share_json(c->x, after, sizeof after);
	if ((rc = store_share_put(s, c->x)))
		return rc;
	return cluster_audit_tx(s, c->a, c->x->enterprise_id, "share.update", "share", before,
				after);
}

static int do_share(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, share_tx(s, ctx));
}

int cluster_share_put(writer *w, const cluster_actor *a, const store_share *x)
{
	share_ctx c = {a, x};
	return writer_call(w, do_share, &c);
}

/* ---- the form ---- */

int cluster_form_json(const stat_field *f, size_t n, buf *out)
{
	cJSON *arr = cJSON_CreateArray();
	if (!arr)
		return GLOVED_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		if (!o) {
			cJSON_Delete(arr);
			return GLOVED_ENOMEM;
		}
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "key", f[i].key);
		cJSON_AddStringToObject(o, "name_zh", f[i].name_zh);
		cJSON_AddStringToObject(o, "name_en", f[i].name_en);
		cJSON_AddStringToObject(o, "unit", f[i].unit);
		cJSON_AddNumberToObject(o, "decimals", f[i].decimals);
		cJSON_AddBoolToObject(o, "required", f[i].required);
		cJSON_AddStringToObject(o, "measure", cluster_measure_name(f[i].measure));
		cJSON_AddStringToObject(o, "role",
					f[i].role == STAT_ROLE_REVENUE     ? "revenue"
					: f[i].role == STAT_ROLE_EMPLOYEES ? "employees"
									   : "");
	}
	char *s = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	if (!s)
		return GLOVED_ENOMEM;
	int rc = buf_append(out, s, strlen(s));
	free(s);
	return rc;
}

static int form_err(char *msg, size_t mlen, size_t i, const char *field, const char *why)
{
	snprintf(msg, mlen, "fields[%zu].%s: %s", i, field, why);
	return GLOVED_EINVAL;
}

static int text_of(const cJSON *o, const char *k, char *dst, size_t cap, int required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!v || cJSON_IsNull(v)) {
		dst[0] = '\0';
		return required ? -1 : 0;
	}
	if (!cJSON_IsString(v) || strlen(v->valuestring) >= cap ||
	    strlen(v->valuestring) != strnlen(v->valuestring, cap))
		return -1;
	for (const unsigned char *p = (const unsigned char *)v->valuestring; *p; p++)
		if (*p < 0x20)
			return -1;
	copy_str(dst, cap, v->valuestring);
	return 0;
}

int cluster_form_parse(const char *json, size_t len, stat_field *f, size_t *n, char *msg,
		       size_t mlen)
{
	*n = 0;
	cJSON *arr = json_parse_all(json, len);
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(arr);
		snprintf(msg, mlen, "fields: must be an array of fields");
		return GLOVED_EINVAL;
	}
	int count = cJSON_GetArraySize(arr);
	if (count < 1 || count > STAT_FIELDS_MAX) {
		cJSON_Delete(arr);
		snprintf(msg, mlen, "fields: 1 to %d fields", STAT_FIELDS_MAX);
		return GLOVED_EINVAL;
	}
	int rc = 0;
	size_t i = 0;
	for (const cJSON *o = arr->child; o && !rc; o = o->next, i++) {
		stat_field *x = &f[i];
		memset(x, 0, sizeof *x);
		char measure[24], role[16];
		if (!cJSON_IsObject(o))
			rc = form_err(msg, mlen, i, "", "must be an object");
		else if (text_of(o, "key", x->key, sizeof x->key, 1))
			rc = form_err(msg, mlen, i, "key", "must be a code of 1 to 32 characters");
		else if (text_of(o, "name_zh", x->name_zh, sizeof x->name_zh, 1) || !x->name_zh[0])
			rc = form_err(msg, mlen, i, "name_zh", "must be a name of 1 to 63 bytes");
		else if (text_of(o, "name_en", x->name_en, sizeof x->name_en, 0))
			rc = form_err(msg, mlen, i, "name_en", "must be a name up to 63 bytes");
		else if (text_of(o, "unit", x->unit, sizeof x->unit, 0))
			rc = form_err(msg, mlen, i, "unit", "must be a unit up to 15 bytes");
		else if (text_of(o, "measure", measure, sizeof measure, 0) ||
			 cluster_measure_parse(measure) < 0)
			rc = form_err(msg, mlen, i, "measure",
				      "must be \"\", pieces, pairs, machine_hours, oee_pct or "
				      "machines");
		else if (text_of(o, "role", role, sizeof role, 0) ||
			 (role[0] && strcmp(role, "revenue") && strcmp(role, "employees")))
			rc = form_err(msg, mlen, i, "role", "must be \"\", revenue or employees");
		if (rc)
			break;
		if (!x->name_en[0])
			copy_str(x->name_en, sizeof x->name_en, x->key);
		x->measure = (stat_measure)cluster_measure_parse(measure);
		x->role = !strcmp(role, "revenue")     ? STAT_ROLE_REVENUE
			  : !strcmp(role, "employees") ? STAT_ROLE_EMPLOYEES
						       : STAT_ROLE_NONE;
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "decimals");
		if (d && !(cJSON_IsNumber(d) && d->valuedouble >= 0 && d->valuedouble <= 4 &&
			   d->valuedouble == (double)(int)d->valuedouble))
			rc = form_err(msg, mlen, i, "decimals", "must be a whole number 0 to 4");
		else
			x->decimals = d ? (int)d->valuedouble : 0;
		const cJSON *req = cJSON_GetObjectItemCaseSensitive(o, "required");
		if (!rc && req && !cJSON_IsBool(req))
			rc = form_err(msg, mlen, i, "required", "must be true or false");
		else if (!rc)
			x->required = cJSON_IsTrue(req);
	}
	cJSON_Delete(arr);
	if (rc)
		return rc;
	size_t bad = 0;
	char why[128];
	if (cluster_form_check(f, (size_t)count, &bad, why, sizeof why))
		return form_err(msg, mlen, bad, "key", why);
	*n = (size_t)count;
	return 0;
}

typedef struct form_ctx {
	const cluster_actor *a;
	store_stat_form *x;
	int create_only; /* the default: only when the year has none */
} form_ctx;

static int form_tx(store *s, form_ctx *c)
{
	store_stat_form old;
	int rc = store_stat_form_get(s, c->x->year, 0, &old);
	if (c->create_only && rc == 0) {
		*c->x = old;
		return 0;
	}
	if (rc && rc != GLOVED_ENOTFOUND)
		return rc;
	if ((rc = store_stat_form_add(s, c->x)))
		return rc;
	if (!c->a)
		return 0;
	char target[48];
	snprintf(target, sizeof target, "form %d v%d", c->x->year, c->x->version);
	return cluster_audit_tx(s, c->a, 0, "stats.form", target, "", c->x->fields);
}

static int do_form(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, form_tx(s, ctx));
}

static int form_decode(const store_stat_form *raw, stat_field *f, size_t *n)
{
	char msg[128];
	return cluster_form_parse(raw->fields, strlen(raw->fields), f, n, msg, sizeof msg)
		   ? GLOVED_EDB
		   : 0;
}

int cluster_form_load(writer *w, store *s, int32_t year, int32_t version, store_stat_form *raw,
		      stat_field *f, size_t *n)
{
	int rc = store_stat_form_get(s, year, version, raw);
	if (rc == GLOVED_ENOTFOUND && version <= 1) {
		/* a year starts with the default form */
		stat_field def[STAT_FIELDS_MAX];
		size_t k = cluster_form_default(def);
		buf b;
		buf_init(&b, sizeof raw->fields - 1);
		if ((rc = cluster_form_json(def, k, &b))) {
			buf_free(&b);
			return rc;
		}
		memset(raw, 0, sizeof *raw);
		raw->year = year;
		copy_str(raw->fields, sizeof raw->fields, b.data);
		buf_free(&b);
		copy_str(raw->by, sizeof raw->by, "gloved");
		form_ctx c = {NULL, raw, 1};
		if ((rc = writer_call(w, do_form, &c)))
			return rc;
	} else if (rc) {
		return rc;
	}
	return form_decode(raw, f, n);
}

int cluster_form_put(writer *w, const cluster_actor *a, int32_t year, const stat_field *f, size_t n,
		     int32_t *version)
{
	size_t bad;
	char why[128];
	if (cluster_form_check(f, n, &bad, why, sizeof why))
		return GLOVED_EINVAL;
	store_stat_form *x = calloc(1, sizeof *x);
	if (!x)
		return GLOVED_ENOMEM;
	buf b;
	buf_init(&b, sizeof x->fields - 1);
	int rc = cluster_form_json(f, n, &b);
	if (!rc) {
		x->year = year;
		copy_str(x->fields, sizeof x->fields, b.data);
		x->created_ms = a->now_ms;
		copy_str(x->by, sizeof x->by, a->name);
		form_ctx c = {a, x, 0};
		rc = writer_call(w, do_form, &c);
		if (!rc)
			*version = x->version;
	}
	buf_free(&b);
	free(x);
	return rc;
}

/* ---- months ---- */

int cluster_month_ok(int32_t month)
{
	int32_t y = month / 100, m = month % 100;
	return y >= 2000 && y <= 2099 && m >= 1 && m <= 12;
}

int32_t cluster_month_add(int32_t month, int k)
{
	int32_t idx = (month / 100) * 12 + (month % 100 - 1) + k;
	return (idx / 12) * 100 + idx % 12 + 1;
}

int32_t cluster_report_due(int32_t month)
{
	int32_t next = cluster_month_add(month, 1);
	tz_date d = {next / 100, next % 100, 10};
	return (int32_t)tz_days_from_civil(d);
}

/* ---- measured values ---- */

/* 10^k */
static int64_t p10(int k)
{
	int64_t v = 1;
	while (k-- > 0)
		v *= 10;
	return v;
}

int cluster_measure(store *s, firmcal_cache *cals, int64_t enterprise_id, int32_t month,
		    const stat_field *f, size_t n, store_stat_value *out, size_t *nout)
{
	*nout = 0;
	const firm_cal *fc = firmcal_get(cals, s, enterprise_id);
	tz_date d0 = {month / 100, month % 100, 1};
	int32_t m1 = cluster_month_add(month, 1);
	tz_date d1 = {m1 / 100, m1 % 100, 1};
	int64_t from = tz_midnight_ms(&fc->zone, d0), to = tz_midnight_ms(&fc->zone, d1);
	int32_t sd0 = (int32_t)tz_days_from_civil(d0), sd1 = (int32_t)tz_days_from_civil(d1) - 1;
	store_firm_month fm;
	int rc = store_firm_month_get(s, enterprise_id, from, to, sd0, sd1, &fm);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (f[i].measure == MEASURE_NONE)
			continue;
		store_stat_value *v = &out[(*nout)++];
		memset(v, 0, sizeof *v);
		copy_str(v->key, sizeof v->key, f[i].key);
		v->measured = 1;
		int64_t sc = p10(f[i].decimals);
		switch (f[i].measure) {
		case MEASURE_PIECES:
			v->value = fm.good * sc;
			break;
		case MEASURE_PAIRS:
			v->value = fm.good / 2 * sc;
			break;
		case MEASURE_MACHINE_HOURS:
			/* rounded to the field's decimals, halves up */
			v->value = (fm.run_ms * sc + 1800000) / 3600000;
			break;
		case MEASURE_OEE_PCT: {
			oee_result r = {.planned_ms = fm.planned_ms,
					.run_ms = fm.run_ms,
					.ideal_ms = fm.ideal_ms,
					.good = fm.good_shift,
					.reject = fm.reject_shift,
					.stop_ms = fm.stop_ms,
					.fault_ms = fm.fault_ms,
					.idle_ms = fm.idle_ms,
					.setup_ms = fm.setup_ms,
					.off_ms = fm.off_ms,
					.offline_ms = fm.offline_ms,
					.unknown_ms = fm.unknown_ms};
			int64_t bp = 0;
			if (oee_finish(&r) || oee_ratio_bp(r.oee, &bp))
				bp = 0;
			/* bp is the percent with 2 decimals */
			v->value = f[i].decimals >= 2
				       ? bp * p10(f[i].decimals - 2)
				       : (bp + p10(2 - f[i].decimals) / 2) / p10(2 - f[i].decimals);
			break;
		}
		case MEASURE_MACHINES:
			v->value = fm.machines * sc;
			break;
		default:
			v->value = 0;
		}
	}
	return 0;
}

/* ---- reports ---- */

static store_stat_value *value_of(store_stat_report *r, const char *key)
{
	for (size_t i = 0; i < r->n_values; i++)
		if (strcmp(r->values[i].key, key) == 0)
			return &r->values[i];
	return NULL;
}

/* Replaces the measured values of a draft by what gloved measures now. */
static int refresh_measured(store *s, firmcal_cache *cals, store_stat_report *r,
			    const stat_field *f, size_t n)
{
	store_stat_value m[STAT_FIELDS_MAX];
	size_t k;
	int rc = cluster_measure(s, cals, r->enterprise_id, r->month, f, n, m, &k);
	if (rc)
		return rc;
	size_t j = 0;
	for (size_t i = 0; i < r->n_values; i++)
		if (!r->values[i].measured)
			r->values[j++] = r->values[i];
	r->n_values = j;
	for (size_t i = 0; i < k && r->n_values < STAT_VALUES_MAX; i++)
		r->values[r->n_values++] = m[i];
	return 0;
}

int cluster_report_load(writer *w, store *s, store_scope sc, int64_t enterprise_id, int32_t month,
			store_stat_report *out, stat_field *f, size_t *n)
{
	store_stat_form raw;
	int rc = store_stat_report_get(s, sc, enterprise_id, month, out);
	if (rc == 0) {
		if ((rc = cluster_form_load(w, s, month / 100, out->form_version, &raw, f, n)))
			return rc;
	} else if (rc == GLOVED_ENOTFOUND) {
		if ((rc = cluster_form_load(w, s, month / 100, 0, &raw, f, n)))
			return rc;
		memset(out, 0, sizeof *out);
		out->enterprise_id = enterprise_id;
		out->month = month;
		out->form_version = raw.version;
		copy_str(out->status, sizeof out->status, "new");
	} else {
		return rc;
	}
	if (strcmp(out->status, "filed") == 0)
		return 0;
	return refresh_measured(s, writer_cals(w), out, f, *n);
}

typedef struct report_ctx {
	store_scope sc;
	const cluster_actor *a;
	store_stat_report *r;
	const char *before;
} report_ctx;

static int report_tx(store *s, report_ctx *c)
{
	int rc = store_stat_report_put(s, c->sc, c->r);
	if (rc)
		return rc;
	char target[32], after[64];
	snprintf(target, sizeof target, "report %d", c->r->month);
	snprintf(after, sizeof after, "{\"status\":\"%s\",\"form_version\":%d}", c->r->status,
		 c->r->form_version);
	return cluster_audit_tx(s, c->a, c->r->enterprise_id,
				strcmp(c->r->status, "filed") == 0 ? "stats.file" : "stats.save",
				target, c->before, after);
}

static int do_report(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, report_tx(s, ctx));
}

int cluster_report_save(writer *w, store *s, store_scope sc, const cluster_actor *a,
			int64_t enterprise_id, int32_t month, const store_stat_value *given,
			size_t n_given, int file, store_stat_report *out, char *msg, size_t mlen)
{
	stat_field f[STAT_FIELDS_MAX];
	size_t n = 0;
	msg[0] = '\0';
	int rc = cluster_report_load(w, s, sc, enterprise_id, month, out, f, &n);
	if (rc)
		return rc;
	if (strcmp(out->status, "filed") == 0) {
		snprintf(msg, mlen, "the report of %d is filed already", month);
		return GLOVED_EEXIST;
	}
	char before[64] = "";
	if (strcmp(out->status, "new") != 0)
		snprintf(before, sizeof before, "{\"status\":\"%s\"}", out->status);
	for (size_t i = 0; i < n_given; i++) {
		const stat_field *fd = NULL;
		for (size_t k = 0; k < n; k++)
			if (strcmp(f[k].key, given[i].key) == 0)
				fd = &f[k];
		if (!fd) {
			snprintf(msg, mlen, "values.%s: the form of %d has no such field",
				 given[i].key, month / 100);
			return GLOVED_EINVAL;
		}
		if (fd->measure != MEASURE_NONE) {
			snprintf(msg, mlen, "values.%s: measured by gloved, not entered", fd->key);
			return GLOVED_EINVAL;
		}
		store_stat_value *v = value_of(out, fd->key);
		if (!v) {
			if (out->n_values >= STAT_VALUES_MAX)
				return GLOVED_EINVAL;
			v = &out->values[out->n_values++];
			memset(v, 0, sizeof *v);
			copy_str(v->key, sizeof v->key, fd->key);
		}
		v->value = given[i].value;
		v->measured = 0;
	}
	int64_t revenue = -1, employees = -1;
	for (size_t k = 0; k < n; k++) {
		store_stat_value *v = value_of(out, f[k].key);
		if (file && f[k].required && !v) {
			snprintf(msg, mlen, "values.%s: required to file (%s)", f[k].key,
				 f[k].name_zh);
			return GLOVED_EINVAL;
		}
		if (v && f[k].role == STAT_ROLE_REVENUE)
			revenue = v->value * 12 / p10(f[k].decimals);
		if (v && f[k].role == STAT_ROLE_EMPLOYEES)
			employees = v->value / p10(f[k].decimals);
	}
	out->size_class[0] = '\0';
	if (revenue >= 0 && employees >= 0)
		copy_str(out->size_class, sizeof out->size_class,
			 cluster_size_name(cluster_size_class(employees, revenue)));
	copy_str(out->status, sizeof out->status, file ? "filed" : "draft");
	out->updated_ms = a->now_ms;
	out->filed_ms = file ? a->now_ms : 0;
	copy_str(out->by, sizeof out->by, a->name);
	report_ctx c = {sc, a, out, before};
	rc = writer_call(w, do_report, &c);
	if (rc == GLOVED_EEXIST)
		snprintf(msg, mlen, "the report of %d is filed already", month);
	return rc;
}

/* ---- the overview ---- */

static void group_add(cluster_group *g, const store_stat_report *r, const stat_field *f, size_t n,
		      int which)
{
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < r->n_values; i++) {
			if (strcmp(r->values[i].key, f[k].key) != 0)
				continue;
			if (which == 0) {
				g->v[k] += r->values[i].value;
			} else if (which == 1) {
				g->prev[k] += r->values[i].value;
				g->has_prev[k] = 1;
			} else {
				g->yago[k] += r->values[i].value;
				g->has_yago[k] = 1;
			}
		}
	if (which == 0)
		g->firms_filed++;
}

static cluster_group *town_group(cluster_overview *o, const char *town)
{
	for (size_t i = 0; i < o->n_towns; i++)
		if (strcmp(o->towns[i].name, town) == 0)
			return &o->towns[i];
	if (o->n_towns >= OVERVIEW_GROUPS_MAX)
		return NULL;
	cluster_group *g = &o->towns[o->n_towns++];
	memset(g, 0, sizeof *g);
	copy_str(g->name, sizeof g->name, town);
	return g;
}

static const store_enterprise *find_ent(const store_enterprise *e, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (e[i].id == id)
			return &e[i];
	return NULL;
}

int cluster_overview_get(writer *w, store *s, registry *reg, store_scope sc, int32_t month,
			 int32_t today, cluster_overview *out)
{
	memset(out, 0, sizeof *out);
	out->month = month;
	out->due_day = cluster_report_due(month);
	store_stat_form raw;
	int rc = cluster_form_load(w, s, month / 100, 0, &raw, out->fields, &out->n_fields);
	if (rc)
		return rc;
	store_enterprise *ents = NULL;
	size_t ne = 0;
	if ((rc = registry_enterprises(reg, sc, &ents, &ne)))
		return rc;
	out->firms = calloc(ne ? ne : 1, sizeof *out->firms);
	if (!out->firms) {
		free(ents);
		return GLOVED_ENOMEM;
	}
	for (size_t i = 0; i < ne; i++) {
		cluster_firm_status *f = &out->firms[i];
		f->enterprise_id = ents[i].id;
		copy_str(f->code, sizeof f->code, ents[i].code);
		copy_str(f->name, sizeof f->name, ents[i].name);
		copy_str(f->town, sizeof f->town, ents[i].town);
		copy_str(f->status, sizeof f->status, "missing");
		town_group(out, ents[i].town);
	}
	out->n_firms = ne;
	static const char *const sizes[4] = {"micro", "small", "medium", "large"};
	for (int k = 0; k < 4; k++)
		copy_str(out->sizes[k].name, sizeof out->sizes[k].name, sizes[k]);
	copy_str(out->total.name, sizeof out->total.name, "total");
	const int32_t months[3] = {month, cluster_month_add(month, -1),
				   cluster_month_add(month, -12)};
	for (int which = 0; which < 3 && !rc; which++) {
		store_stat_report *rs = NULL;
		size_t nr = 0;
		if ((rc = store_stat_report_list(s, sc, months[which], months[which], &rs, &nr)))
			break;
		for (size_t i = 0; i < nr; i++) {
			const store_enterprise *e = find_ent(ents, ne, rs[i].enterprise_id);
			if (!e)
				continue;
			if (which == 0)
				for (size_t k = 0; k < ne; k++)
					if (out->firms[k].enterprise_id == e->id) {
						copy_str(out->firms[k].status,
							 sizeof out->firms[k].status, rs[i].status);
						copy_str(out->firms[k].size_class,
							 sizeof out->firms[k].size_class,
							 rs[i].size_class);
						out->firms[k].filed_ms = rs[i].filed_ms;
					}
			if (strcmp(rs[i].status, "filed") != 0)
				continue;
			group_add(&out->total, &rs[i], out->fields, out->n_fields, which);
			cluster_group *g = town_group(out, e->town);
			if (g)
				group_add(g, &rs[i], out->fields, out->n_fields, which);
			int szc = cluster_size_parse(rs[i].size_class);
			if (szc >= 0)
				group_add(&out->sizes[szc], &rs[i], out->fields, out->n_fields,
					  which);
		}
		free(rs);
	}
	free(ents);
	for (size_t k = 0; k < out->n_firms; k++) {
		cluster_firm_status *f = &out->firms[k];
		if (strcmp(f->status, "filed") == 0)
			out->filed++;
		else if (strcmp(f->status, "draft") == 0)
			out->drafts++;
		else
			out->missing++;
		f->late = strcmp(f->status, "filed") != 0 && today > out->due_day;
		out->late += (size_t)f->late;
	}
	if (rc)
		cluster_overview_free(out);
	return rc;
}

void cluster_overview_free(cluster_overview *o)
{
	if (!o)
		return;
	free(o->firms);
	o->firms = NULL;
	o->n_firms = 0;
}

/* ---- the plan ---- */

const char *const cluster_metrics[] = {"firms_online",   "machines_connected", "digitisation_bp",
				       "licensed_firms", "certified_workers",  NULL};

/* Figures derived from the statistics (besides a form field's key). */
static const char *const stat_derived[] = {"above_size_firms", "exports_share_bp",
					   "energy_per_10k_pairs", NULL};

static int in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

static int plan_err(char *msg, size_t mlen, size_t i, const char *field, const char *why)
{
	if (i == (size_t)-1)
		snprintf(msg, mlen, "%s: %s", field, why);
	else
		snprintf(msg, mlen, "indicators[%zu].%s: %s", i, field, why);
	return GLOVED_EINVAL;
}

static int int_of(const cJSON *o, const char *k, int64_t lo, int64_t hi, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!cJSON_IsNumber(v) || !num_whole(v->valuedouble, lo, hi, out))
		return -1;
	return 0;
}

static int bool_of(const cJSON *o, const char *k, int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!v) {
		*out = 0;
		return 0;
	}
	if (!cJSON_IsBool(v))
		return -1;
	*out = cJSON_IsTrue(v);
	return 0;
}

#define PLAN_VALUE_MAX 1000000000000000LL

static int parse_indicator(const cJSON *o, size_t i, const plan_doc *doc, plan_indicator *x,
			   char *msg, size_t mlen)
{
	memset(x, 0, sizeof *x);
	int64_t v;
	if (!cJSON_IsObject(o))
		return plan_err(msg, mlen, i, "", "must be an object");
	if (text_of(o, "key", x->key, sizeof x->key, 1) || !code_valid(x->key))
		return plan_err(msg, mlen, i, "key", "must be a code of 1 to 32 characters");
	if (text_of(o, "name_zh", x->name_zh, sizeof x->name_zh, 1) || !x->name_zh[0])
		return plan_err(msg, mlen, i, "name_zh", "must be a name of 1 to 63 bytes");
	if (text_of(o, "name_en", x->name_en, sizeof x->name_en, 0))
		return plan_err(msg, mlen, i, "name_en", "must be a name up to 63 bytes");
	if (text_of(o, "unit", x->unit, sizeof x->unit, 0))
		return plan_err(msg, mlen, i, "unit", "must be a unit up to 15 bytes");
	if (!x->name_en[0])
		copy_str(x->name_en, sizeof x->name_en, x->key);
	if (cJSON_GetObjectItemCaseSensitive(o, "decimals")) {
		if (int_of(o, "decimals", 0, 4, &v))
			return plan_err(msg, mlen, i, "decimals", "must be a whole number 0 to 4");
		x->decimals = (int)v;
	}
	if (bool_of(o, "flow", &x->flow))
		return plan_err(msg, mlen, i, "flow", "must be true or false");
	if (bool_of(o, "down", &x->down))
		return plan_err(msg, mlen, i, "down", "must be true or false");
	if (bool_of(o, "headline", &x->headline))
		return plan_err(msg, mlen, i, "headline", "must be true or false");
	if (text_of(o, "source", x->source, sizeof x->source, 1) ||
	    (strcmp(x->source, "measured") && strcmp(x->source, "statistics") &&
	     strcmp(x->source, "entered")))
		return plan_err(msg, mlen, i, "source", "must be measured, statistics or entered");
	if (text_of(o, "metric", x->metric, sizeof x->metric, strcmp(x->source, "entered") != 0))
		return plan_err(msg, mlen, i, "metric", "is missing");
	if (!strcmp(x->source, "measured") && !in_list(cluster_metrics, x->metric))
		return plan_err(msg, mlen, i, "metric",
				"must be firms_online, machines_connected, digitisation_bp, "
				"licensed_firms or certified_workers");
	if (!strcmp(x->source, "statistics") && !in_list(stat_derived, x->metric) &&
	    !code_valid(x->metric))
		return plan_err(msg, mlen, i, "metric",
				"must be a field of the statistics form or above_size_firms, "
				"exports_share_bp, energy_per_10k_pairs");
	const cJSON *base = cJSON_GetObjectItemCaseSensitive(o, "base");
	if (base) {
		if (!cJSON_IsObject(base) || int_of(base, "year", 2000, 2099, &v))
			return plan_err(msg, mlen, i, "base.year", "must be a year 2000 to 2099");
		x->base_year = (int32_t)v;
		if (int_of(base, "value", -PLAN_VALUE_MAX, PLAN_VALUE_MAX, &x->base))
			return plan_err(msg, mlen, i, "base.value",
					"must be a whole number in the indicator's scale");
	}
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "targets");
	if (!cJSON_IsObject(t) || !t->child)
		return plan_err(msg, mlen, i, "targets",
				"must be an object of year: target ({\"2026\": 120})");
	for (const cJSON *e = t->child; e; e = e->next) {
		char *end = NULL;
		long y = strtol(e->string, &end, 10);
		if (!end || *end || strlen(e->string) != 4 || y < doc->year0 || y > doc->year1)
			return plan_err(msg, mlen, i, "targets",
					"each key must be a year of the plan's period");
		if (!cJSON_IsNumber(e) ||
		    !num_whole(e->valuedouble, -PLAN_VALUE_MAX, PLAN_VALUE_MAX, NULL))
			return plan_err(msg, mlen, i, "targets",
					"each target must be a whole number in the indicator's "
					"scale");
		for (size_t k = 0; k < x->n_years; k++)
			if (x->years[k] == (int32_t)y)
				return plan_err(msg, mlen, i, "targets", "a year given twice");
		x->years[x->n_years] = (int32_t)y;
		x->targets[x->n_years] = (int64_t)e->valuedouble;
		x->n_years++;
	}
	/* years in order */
	for (size_t a = 1; a < x->n_years; a++)
		for (size_t b = a; b > 0 && x->years[b - 1] > x->years[b]; b--) {
			int32_t ty = x->years[b];
			x->years[b] = x->years[b - 1];
			x->years[b - 1] = ty;
			int64_t tv = x->targets[b];
			x->targets[b] = x->targets[b - 1];
			x->targets[b - 1] = tv;
		}
	for (size_t k = 0; k < i; k++)
		if (strcmp(doc->ind[k].key, x->key) == 0)
			return plan_err(msg, mlen, i, "key", "used twice");
	return 0;
}

int cluster_plan_parse(const char *json, size_t len, plan_doc *out, char *msg, size_t mlen)
{
	memset(out, 0, sizeof *out);
	cJSON *j = json_parse_all(json, len);
	int rc = 0;
	int64_t v;
	if (!cJSON_IsObject(j))
		rc = plan_err(msg, mlen, (size_t)-1, "body", "must be a plan object");
	else if (text_of(j, "title", out->title, sizeof out->title, 1) || !out->title[0])
		rc = plan_err(msg, mlen, (size_t)-1, "title", "must be a title of 1 to 127 bytes");
	else if (int_of(j, "year0", 2000, 2099, &v))
		rc = plan_err(msg, mlen, (size_t)-1, "year0", "must be a year 2000 to 2099");
	else if ((out->year0 = (int32_t)v, int_of(j, "year1", out->year0, out->year0 + 11, &v)))
		rc = plan_err(msg, mlen, (size_t)-1, "year1",
			      "must be a year from year0 to year0 + 11");
	if (!rc) {
		out->year1 = (int32_t)v;
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "indicators");
		int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : -1;
		if (n < 1 || n > PLAN_INDICATORS_MAX) {
			rc = plan_err(msg, mlen, (size_t)-1, "indicators", "1 to 32 indicators");
		} else {
			size_t i = 0;
			for (const cJSON *o = arr->child; o && !rc; o = o->next, i++)
				rc = parse_indicator(o, i, out, &out->ind[i], msg, mlen);
			out->n = i;
		}
	}
	cJSON_Delete(j);
	return rc;
}

typedef struct plan_ctx {
	const cluster_actor *a;
	store_plan *p;
} plan_ctx;

static int plan_tx(store *s, plan_ctx *c)
{
	int rc = store_plan_add(s, c->p);
	if (rc)
		return rc;
	char target[24];
	snprintf(target, sizeof target, "plan v%d", c->p->version);
	/* the body is long: the log keeps its first bytes, the store keeps it whole */
	return cluster_audit_tx(s, c->a, 0, "plan.put", target, "", c->p->body);
}

static int do_plan(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, plan_tx(s, ctx));
}

int cluster_plan_put(writer *w, const cluster_actor *a, const char *json, size_t len,
		     int32_t *version, char *msg, size_t mlen)
{
	plan_doc *doc = malloc(sizeof *doc);
	store_plan *p = calloc(1, sizeof *p);
	int rc = doc && p ? 0 : GLOVED_ENOMEM;
	if (!rc && len >= sizeof p->body) {
		snprintf(msg, mlen, "body: the plan is over %zu bytes", sizeof p->body - 1);
		rc = GLOVED_ETOOBIG;
	}
	if (!rc)
		rc = cluster_plan_parse(json, len, doc, msg, mlen);
	if (!rc) {
		memcpy(p->body, json, len);
		p->body[len] = '\0';
		p->created_ms = a->now_ms;
		copy_str(p->by, sizeof p->by, a->name);
		plan_ctx c = {a, p};
		rc = writer_call(w, do_plan, &c);
		if (!rc)
			*version = p->version;
	}
	free(doc);
	free(p);
	return rc;
}

typedef struct actual_ctx {
	const cluster_actor *a;
	const store_plan_actual *x;
} actual_ctx;

static int actual_tx(store *s, actual_ctx *c)
{
	int rc = store_plan_actual_put(s, c->x);
	if (rc)
		return rc;
	char target[64], after[48];
	snprintf(target, sizeof target, "actual %s %d", c->x->indicator, c->x->year);
	snprintf(after, sizeof after, "%lld", (long long)c->x->value);
	return cluster_audit_tx(s, c->a, 0, "plan.actual", target, "", after);
}

static int do_actual(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, actual_tx(s, ctx));
}

int cluster_plan_actual_put(writer *w, const cluster_actor *a, const store_plan_actual *x)
{
	actual_ctx c = {a, x};
	return writer_call(w, do_actual, &c);
}

/* The figures the plan's measured metrics read now. */
typedef struct now_figures {
	int64_t firms, firms_online, machines_connected, licensed, certified;
} now_figures;

static int measure_now(store *s, const cluster_world *wd, int32_t year, now_figures *nf)
{
	memset(nf, 0, sizeof *nf);
	store_scope all = {.enterprise_id = 0};
	store_enterprise *ents = NULL;
	store_machine *ms = NULL;
	size_t ne = 0, nm = 0;
	int rc = registry_enterprises(wd->reg, all, &ents, &ne);
	if (!rc)
		rc = registry_machines(wd->reg, all, &ms, &nm);
	tz_date y0 = {year, 1, 1};
	int64_t year_start = 0;
	if (!rc) {
		nf->firms = (int64_t)ne;
		unsigned char *on = calloc(ne ? ne : 1, 1);
		if (!on)
			rc = GLOVED_ENOMEM;
		for (size_t i = 0; !rc && i < nm; i++) {
			live_view v;
			live_machine_view(wd->lv, wd->cals, NULL, &ms[i], wd->now_ms, &v);
			if (!year_start) {
				const firm_cal *fc =
				    firmcal_get(wd->cals, NULL, ms[i].enterprise_id);
				year_start = tz_midnight_ms(&fc->zone, y0);
			}
			if (v.m.last_ts >= year_start && v.m.last_ts > 0)
				nf->machines_connected++;
			if (v.state != MS_OFFLINE && v.state != MS_UNKNOWN)
				for (size_t k = 0; k < ne; k++)
					if (ents[k].id == ms[i].enterprise_id)
						on[k] = 1;
		}
		for (size_t k = 0; on && k < ne; k++)
			nf->firms_online += on[k];
		free(on);
	}
	free(ents);
	free(ms);
	store_licence *ls = NULL;
	size_t nl = 0;
	if (!rc && !(rc = store_licence_list(s, all, &ls, &nl)))
		for (size_t i = 0; i < nl; i++)
			nf->licensed += strcmp(ls[i].status, "active") == 0;
	free(ls);
	store_cert *cs = NULL;
	size_t nc = 0;
	if (!rc && !(rc = store_cert_list(s, all, 0, NULL, &cs, &nc))) {
		int32_t d0 = (int32_t)tz_days_from_civil(y0);
		tz_date y1 = {year + 1, 1, 1};
		int32_t d1 = (int32_t)tz_days_from_civil(y1);
		for (size_t i = 0; i < nc; i++)
			nf->certified += cs[i].day >= d0 && cs[i].day < d1;
	}
	free(cs);
	return rc;
}

/* The statistics of a year, summed by field over the filed reports: the
 * year's sums (flows) and the newest month's sums (levels). */
typedef struct year_stats {
	int32_t year;
	int has;
	int32_t last_month;
	stat_field f[STAT_FIELDS_MAX];
	size_t n;
	int64_t sum[STAT_FIELDS_MAX], last[STAT_FIELDS_MAX];
	int64_t above_size; /* firms whose year's sales reach 2000万 (annualised) */
} year_stats;

static int stats_of_year(store *s, int32_t year, year_stats *ys)
{
	memset(ys, 0, sizeof *ys);
	ys->year = year;
	store_stat_form raw;
	int rc = store_stat_form_get(s, year, 0, &raw);
	if (rc == GLOVED_ENOTFOUND)
		return 0;
	if (rc || (rc = form_decode(&raw, ys->f, &ys->n)))
		return rc;
	store_stat_report *rs = NULL;
	size_t nr = 0;
	store_scope all = {.enterprise_id = 0};
	if ((rc = store_stat_report_list(s, all, year * 100 + 1, year * 100 + 12, &rs, &nr)))
		return rc;
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(rs[i].status, "filed") && rs[i].month > ys->last_month)
			ys->last_month = rs[i].month;
	/* per firm: the year's sales so far and the months filed, for the
	 * annualised revenue */
	int64_t *sales = calloc(nr ? nr : 1, sizeof *sales);
	int64_t *ids = calloc(nr ? nr : 1, sizeof *ids);
	int *months = calloc(nr ? nr : 1, sizeof *months);
	size_t nfirm = 0;
	if (!sales || !ids || !months)
		rc = GLOVED_ENOMEM;
	for (size_t i = 0; !rc && i < nr; i++) {
		if (strcmp(rs[i].status, "filed") != 0)
			continue;
		ys->has = 1;
		size_t fi = 0;
		while (fi < nfirm && ids[fi] != rs[i].enterprise_id)
			fi++;
		if (fi == nfirm)
			ids[nfirm++] = rs[i].enterprise_id;
		months[fi]++;
		for (size_t k = 0; k < ys->n; k++) {
			store_stat_value *v = value_of(&rs[i], ys->f[k].key);
			if (!v)
				continue;
			ys->sum[k] += v->value;
			if (rs[i].month == ys->last_month)
				ys->last[k] += v->value;
			if (ys->f[k].role == STAT_ROLE_REVENUE)
				sales[fi] += v->value / p10(ys->f[k].decimals);
		}
	}
	for (size_t fi = 0; !rc && fi < nfirm; fi++)
		ys->above_size += months[fi] && cluster_above_size(sales[fi] * 12 / months[fi]);
	free(sales);
	free(ids);
	free(months);
	free(rs);
	return rc;
}

static int field_index(const year_stats *ys, const char *key)
{
	for (size_t k = 0; k < ys->n; k++)
		if (strcmp(ys->f[k].key, key) == 0)
			return (int)k;
	return -1;
}

static int measure_index(const year_stats *ys, stat_measure m)
{
	for (size_t k = 0; k < ys->n; k++)
		if (ys->f[k].measure == m)
			return (int)k;
	return -1;
}

/* An indicator's actual from a year's statistics (in the indicator's
 * scale: a field's sum is rescaled from the field's decimals). */
static int stat_actual(const plan_indicator *x, const year_stats *ys, int64_t *out)
{
	if (!ys->has)
		return 0;
	if (!strcmp(x->metric, "above_size_firms")) {
		*out = ys->above_size;
		return 1;
	}
	if (!strcmp(x->metric, "exports_share_bp")) {
		int e = field_index(ys, "exports"), sidx = -1;
		for (size_t k = 0; k < ys->n; k++)
			if (ys->f[k].role == STAT_ROLE_REVENUE)
				sidx = (int)k;
		if (e < 0 || sidx < 0 || ys->sum[sidx] == 0)
			return 0;
		int64_t ev = ys->sum[e] * p10(ys->f[sidx].decimals),
			sv = ys->sum[sidx] * p10(ys->f[e].decimals);
		*out = sv ? ev * 10000 / sv : 0;
		return 1;
	}
	if (!strcmp(x->metric, "energy_per_10k_pairs")) {
		int e = field_index(ys, "energy"), p = measure_index(ys, MEASURE_PAIRS);
		if (e < 0 || p < 0 || ys->sum[p] == 0)
			return 0;
		/* energy in its decimals per 10,000 pairs, rescaled to the indicator's */
		__int128 num =
		    (__int128)ys->sum[e] * 10000 * p10(x->decimals) * p10(ys->f[p].decimals);
		*out = (int64_t)(num / ((__int128)ys->sum[p] * p10(ys->f[e].decimals)));
		return 1;
	}
	int k = field_index(ys, x->metric);
	if (k < 0)
		return 0;
	int64_t v = x->flow ? ys->sum[k] : ys->last[k];
	int fd = ys->f[k].decimals;
	*out = x->decimals >= fd ? v * p10(x->decimals - fd) : v / p10(fd - x->decimals);
	return 1;
}

static int measured_actual(const plan_indicator *x, const now_figures *nf, int64_t *out)
{
	if (!strcmp(x->metric, "firms_online"))
		*out = nf->firms_online;
	else if (!strcmp(x->metric, "machines_connected"))
		*out = nf->machines_connected;
	else if (!strcmp(x->metric, "digitisation_bp"))
		*out = nf->firms ? nf->firms_online * 10000 / nf->firms : 0;
	else if (!strcmp(x->metric, "licensed_firms"))
		*out = nf->licensed;
	else if (!strcmp(x->metric, "certified_workers"))
		*out = nf->certified;
	else
		return 0;
	return 1;
}

int cluster_plan_review(store *s, const cluster_world *wd, plan_review *out)
{
	memset(out, 0, sizeof *out);
	store_plan *p = malloc(sizeof *p);
	if (!p)
		return GLOVED_ENOMEM;
	int rc = store_plan_get(s, 0, p);
	char msg[160];
	if (!rc && cluster_plan_parse(p->body, strlen(p->body), &out->doc, msg, sizeof msg))
		rc = GLOVED_EDB;
	out->version = p->version;
	free(p);
	if (rc)
		return rc;
	tz_date today = tz_civil_from_days(wd->today);
	out->year = today.year;
	tz_date y0 = {today.year, 1, 1}, y1 = {today.year + 1, 1, 1};
	int64_t d0 = tz_days_from_civil(y0), d1 = tz_days_from_civil(y1);
	out->elapsed_bp = (wd->today - d0) * 10000 / (d1 - d0);
	store_plan_actual *acts = NULL;
	size_t na = 0;
	if ((rc = store_plan_actual_list(s, &acts, &na)))
		return rc;
	now_figures nf;
	int need_now = 0;
	for (size_t i = 0; i < out->doc.n; i++)
		need_now |= !strcmp(out->doc.ind[i].source, "measured");
	if (need_now && (rc = measure_now(s, wd, today.year, &nf))) {
		free(acts);
		return rc;
	}
	int32_t years = out->doc.year1 - out->doc.year0 + 1;
	year_stats *ys = calloc((size_t)years, sizeof *ys);
	int *ys_done = calloc((size_t)years, sizeof *ys_done);
	if (!ys || !ys_done)
		rc = GLOVED_ENOMEM;
	for (size_t i = 0; !rc && i < out->doc.n; i++) {
		const plan_indicator *x = &out->doc.ind[i];
		plan_review_item *it = &out->items[out->n++];
		it->ind = x;
		int64_t start = x->base;
		int has_start = x->base_year != 0;
		for (int32_t y = out->doc.year0; !rc && y <= out->doc.year1; y++) {
			plan_row *row = &it->rows[it->n_rows++];
			row->year = y;
			for (size_t k = 0; k < x->n_years; k++)
				if (x->years[k] == y) {
					row->target = x->targets[k];
					row->has_target = 1;
				}
			/* entered actuals win for any source: the bureau's correction */
			for (size_t k = 0; k < na; k++)
				if (acts[k].year == y && !strcmp(acts[k].indicator, x->key)) {
					row->actual = acts[k].value;
					row->has_actual = 1;
				}
			if (!row->has_actual && !strcmp(x->source, "statistics") &&
			    y <= today.year) {
				int32_t yi = y - out->doc.year0;
				if (!ys_done[yi]) {
					rc = stats_of_year(s, y, &ys[yi]);
					ys_done[yi] = 1;
				}
				if (!rc)
					row->has_actual = stat_actual(x, &ys[yi], &row->actual);
			}
			if (!row->has_actual && !strcmp(x->source, "measured") && y == today.year)
				row->has_actual = measured_actual(x, &nf, &row->actual);
			int64_t elapsed = y < today.year    ? 10000
					  : y == today.year ? out->elapsed_bp
							    : 0;
			if (row->has_target)
				row->eval = cluster_plan_eval(
				    x->flow, x->down, has_start ? start : 0, row->target,
				    row->actual, row->has_actual && y <= today.year, elapsed);
			if (row->has_actual) {
				start = row->actual;
				has_start = 1;
			}
			if (y == today.year) {
				it->now = *row;
				out->off_track += row->eval.status == PLAN_OFF_TRACK;
			}
		}
	}
	free(ys);
	free(ys_done);
	free(acts);
	return rc;
}

/* ---- the cockpit ---- */

static cockpit_town *cockpit_town_of(cockpit *c, const char *town)
{
	for (size_t i = 0; i < c->n_towns; i++)
		if (strcmp(c->towns[i].town, town) == 0)
			return &c->towns[i];
	if (c->n_towns >= COCKPIT_TOWNS_MAX)
		return NULL;
	cockpit_town *t = &c->towns[c->n_towns++];
	memset(t, 0, sizeof *t);
	copy_str(t->town, sizeof t->town, town);
	return t;
}

static void town_add(cockpit_town *t, const store_firm_day *d)
{
	t->good_today += d->good_today;
	t->good_yesterday += d->good_yesterday;
	t->planned_ms += d->planned_ms;
	t->run_ms += d->run_ms;
	t->ideal_ms += d->ideal_ms;
	t->good_shift += d->good_shift;
	t->reject_shift += d->reject_shift;
}

static void town_oee(cockpit_town *t)
{
	oee_result r = {.planned_ms = t->planned_ms,
			.run_ms = t->run_ms,
			.ideal_ms = t->ideal_ms,
			.good = t->good_shift,
			.reject = t->reject_shift};
	int64_t bp;
	t->oee_bp = !oee_finish(&r) && !oee_ratio_bp(r.oee, &bp) ? bp : -1;
}

int cluster_cockpit(store *s, store_scope sc, const cluster_world *wd, cockpit *out)
{
	memset(out, 0, sizeof *out);
	out->now_ms = wd->now_ms;
	copy_str(out->total.town, sizeof out->total.town, "");
	store_enterprise *ents = NULL;
	store_machine *ms = NULL;
	size_t ne = 0, nm = 0;
	int rc = registry_enterprises(wd->reg, sc, &ents, &ne);
	if (!rc)
		rc = registry_machines(wd->reg, sc, &ms, &nm);
	unsigned char *on = rc ? NULL : calloc(ne ? ne : 1, 1);
	if (!rc && !on)
		rc = GLOVED_ENOMEM;
	/* firms by id for the machines' towns (both sorted by id) */
	for (size_t i = 0; !rc && i < ne; i++) {
		cockpit_town *t = cockpit_town_of(out, ents[i].town);
		if (t)
			t->firms++;
		out->total.firms++;
	}
	size_t k = 0;
	for (size_t i = 0; !rc && i < nm; i++) {
		while (k < ne && ents[k].id < ms[i].enterprise_id)
			k++;
		if (k == ne || ents[k].id != ms[i].enterprise_id) {
			k = 0; /* not sorted: look it up */
			while (k < ne && ents[k].id != ms[i].enterprise_id)
				k++;
			if (k == ne) {
				k = 0;
				continue;
			}
		}
		live_view v;
		live_machine_view(wd->lv, wd->cals, NULL, &ms[i], wd->now_ms, &v);
		cockpit_town *t = cockpit_town_of(out, ents[k].town);
		int online = v.state != MS_OFFLINE && v.state != MS_UNKNOWN;
		int running = v.state == MS_RUN;
		out->total.machines++;
		out->total.machines_online += online;
		out->total.machines_running += running;
		if (t) {
			t->machines++;
			t->machines_online += online;
			t->machines_running += running;
		}
		if (online)
			on[k] = 1;
	}
	for (size_t i = 0; !rc && i < ne; i++) {
		if (!on[i])
			continue;
		out->total.firms_online++;
		cockpit_town *t = cockpit_town_of(out, ents[i].town);
		if (t)
			t->firms_online++;
	}
	/* output today and yesterday, OEE of today's shifts: the rollups */
	store_firm_day *days = NULL;
	size_t nd = 0;
	if (!rc) {
		const firm_cal *fc = firmcal_get(wd->cals, NULL, ne ? ents[0].id : 0);
		int64_t day_from = tz_day_start_ms(&fc->zone, wd->now_ms);
		int64_t day_to = tz_next_day_start_ms(&fc->zone, wd->now_ms);
		rc = store_cockpit_days(s, sc, day_from, day_to, wd->today, &days, &nd);
	}
	for (size_t i = 0; !rc && i < nd; i++) {
		const store_enterprise *e = find_ent(ents, ne, days[i].enterprise_id);
		if (!e)
			continue;
		town_add(&out->total, &days[i]);
		cockpit_town *t = cockpit_town_of(out, e->town);
		if (t)
			town_add(t, &days[i]);
	}
	free(days);
	free(on);
	free(ents);
	free(ms);
	town_oee(&out->total);
	for (size_t i = 0; i < out->n_towns; i++)
		town_oee(&out->towns[i]);
	if (!rc)
		rc = store_label_counts(s, sc, 0, &out->labels_issued, &out->label_scans);
	if (!rc) {
		const firm_cal *fc = firmcal_get(wd->cals, NULL, 0);
		rc = store_label_counts(s, sc, tz_day_start_ms(&fc->zone, wd->now_ms),
					&out->labels_issued_today, &out->label_scans_today);
	}
	store_licence *ls = NULL;
	size_t nl = 0;
	if (!rc && !(rc = store_licence_list(s, sc, &ls, &nl)))
		for (size_t i = 0; i < nl; i++)
			out->licensed_firms += strcmp(ls[i].status, "active") == 0;
	free(ls);
	if (!rc)
		rc = store_coop_open_count(s, sc, &out->coop_orders, &out->coop_pairs);
	if (!rc) {
		int prc = cluster_plan_review(s, wd, &out->plan);
		if (prc == GLOVED_ENOTFOUND)
			out->plan.n = 0;
		else
			rc = prc;
	}
	return rc;
}

/* ---- the programme ---- */

const char *const cluster_lines[6] = {"brand",  "smart_cluster", "design",
				      "talent", "cooperation",   "promotion"};

int cluster_prog_check(const store_prog_item *x, char *msg, size_t mlen)
{
	if (strcmp(x->kind, "project") && strcmp(x->kind, "event") && strcmp(x->kind, "case")) {
		snprintf(msg, mlen, "kind: must be project, event or case");
		return GLOVED_EINVAL;
	}
	int line_ok = 0;
	for (size_t i = 0; i < 6; i++)
		line_ok |= strcmp(x->line, cluster_lines[i]) == 0;
	if (!line_ok) {
		snprintf(msg, mlen,
			 "line: must be brand, smart_cluster, design, talent, cooperation or "
			 "promotion");
		return GLOVED_EINVAL;
	}
	if (x->year < 2000 || x->year > 2099) {
		snprintf(msg, mlen, "year: must be a year 2000 to 2099");
		return GLOVED_EINVAL;
	}
	if (!x->title[0]) {
		snprintf(msg, mlen, "title: is missing");
		return GLOVED_EINVAL;
	}
	cJSON *b = cJSON_Parse(x->body);
	int ok = cJSON_IsObject(b);
	cJSON_Delete(b);
	if (!ok) {
		snprintf(msg, mlen, "body: must be an object");
		return GLOVED_EINVAL;
	}
	return 0;
}

typedef struct prog_ctx {
	const cluster_actor *a;
	store_prog_item *x;
} prog_ctx;

static int prog_tx(store *s, prog_ctx *c)
{
	char before[64] = "";
	if (c->x->id)
		snprintf(before, sizeof before, "{\"id\":%lld}", (long long)c->x->id);
	int rc = store_prog_put(s, c->x);
	if (rc)
		return rc;
	char target[48];
	snprintf(target, sizeof target, "%s %lld", c->x->kind, (long long)c->x->id);
	return cluster_audit_tx(s, c->a, 0, "programme.put", target, before, c->x->title);
}

static int do_prog(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, prog_tx(s, ctx));
}

int cluster_prog_put(writer *w, const cluster_actor *a, store_prog_item *x)
{
	prog_ctx c = {a, x};
	return writer_call(w, do_prog, &c);
}
