/* SPDX-License-Identifier: Apache-2.0 */
/* firmcal.c: firm calendars from JSON, to JSON, and the shared cache (see
 * firmcal.h). */
#include "app/firmcal.h"
#include "util/err.h"
#include "app/tzfile.h"
#include "util/json.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_OFFLINE_MS 120000
#define DEFAULT_TARGET     85

static void set_default_shifts(shift_calendar *cal)
{
	memset(cal, 0, sizeof *cal);
	cal->n_shifts = 2;
	snprintf(cal->shifts[0].name, sizeof cal->shifts[0].name, "%s", "白班");
	cal->shifts[0].start_min = 8 * 60;
	cal->shifts[0].end_min = 20 * 60;
	snprintf(cal->shifts[1].name, sizeof cal->shifts[1].name, "%s", "夜班");
	cal->shifts[1].start_min = 20 * 60;
	cal->shifts[1].end_min = 8 * 60;
}

void firmcal_default(firm_cal *out, const char *iana, const char *tzdir)
{
	memset(out, 0, sizeof *out);
	if (!iana || tzfile_load(tzdir, iana, &out->zone, NULL, 0) != GLOVED_OK)
		tz_zone_fixed(&out->zone, "Asia/Shanghai", 8 * 3600);
	set_default_shifts(&out->cal);
	out->offline_after_ms = DEFAULT_OFFLINE_MS;
	out->target_pct = DEFAULT_TARGET;
	out->is_default = 1;
}

static int bad(char *err, size_t errlen, const char *field, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", field, msg);
	return GLOVED_EINVAL;
}

static int hhmm(const cJSON *o, const char *name, int16_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	int m = cJSON_IsString(v) ? shift_parse_hhmm(v->valuestring) : -1;
	if (m < 0)
		return -1;
	*out = (int16_t)m;
	return 0;
}

int firmcal_parse(const char *json, size_t len, const char *tzdir, firm_cal *out, char *err,
		  size_t errlen)
{
	char field[64];
	if (len > FIRMCAL_MAX_JSON)
		return bad(err, errlen, "body", "larger than 16 KiB");
	cJSON *j = json_parse_all(json, len);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return bad(err, errlen, "body", "not a JSON object");
	}
	int rc = GLOVED_EINVAL;
	firm_cal *c = calloc(1, sizeof *c);
	if (!c) {
		cJSON_Delete(j);
		return GLOVED_ENOMEM;
	}
	c->offline_after_ms = DEFAULT_OFFLINE_MS;
	c->target_pct = DEFAULT_TARGET;
	const cJSON *tz = cJSON_GetObjectItemCaseSensitive(j, "tz");
	if (!cJSON_IsString(tz) || !tzfile_name_ok(tz->valuestring)) {
		bad(err, errlen, "tz", "must be an IANA time zone such as Asia/Shanghai");
		goto out;
	}
	char tzerr[128];
	if (tzfile_load(tzdir, tz->valuestring, &c->zone, tzerr, sizeof tzerr) != GLOVED_OK) {
		bad(err, errlen, "tz", "unknown time zone");
		goto out;
	}
	const cJSON *shifts = cJSON_GetObjectItemCaseSensitive(j, "shifts");
	if (!cJSON_IsArray(shifts) || cJSON_GetArraySize(shifts) < 1 ||
	    cJSON_GetArraySize(shifts) > SHIFT_MAX) {
		bad(err, errlen, "shifts", "must be an array of 1 to 8 shifts");
		goto out;
	}
	int si = 0;
	const cJSON *sh;
	cJSON_ArrayForEach(sh, shifts)
	{
		shift_def *d = &c->cal.shifts[si];
		snprintf(field, sizeof field, "shifts[%d]", si);
		if (!cJSON_IsObject(sh)) {
			bad(err, errlen, field, "must be an object");
			goto out;
		}
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(sh, "name");
		if (!cJSON_IsString(name) || !name->valuestring[0] ||
		    strlen(name->valuestring) >= sizeof d->name) {
			snprintf(field, sizeof field, "shifts[%d].name", si);
			bad(err, errlen, field, "must be 1 to 31 bytes");
			goto out;
		}
		memcpy(d->name, name->valuestring, strlen(name->valuestring) + 1);
		if (hhmm(sh, "start", &d->start_min)) {
			snprintf(field, sizeof field, "shifts[%d].start", si);
			bad(err, errlen, field, "must be HH:MM");
			goto out;
		}
		if (hhmm(sh, "end", &d->end_min)) {
			snprintf(field, sizeof field, "shifts[%d].end", si);
			bad(err, errlen, field, "must be HH:MM");
			goto out;
		}
		const cJSON *brs = cJSON_GetObjectItemCaseSensitive(sh, "breaks");
		if (brs && !cJSON_IsNull(brs)) {
			if (!cJSON_IsArray(brs) || cJSON_GetArraySize(brs) > SHIFT_MAX_BREAKS) {
				snprintf(field, sizeof field, "shifts[%d].breaks", si);
				bad(err, errlen, field, "must be an array of at most 8 breaks");
				goto out;
			}
			int bi = 0;
			const cJSON *b;
			cJSON_ArrayForEach(b, brs)
			{
				if (!cJSON_IsObject(b) ||
				    hhmm(b, "start", &d->breaks[bi].start_min)) {
					snprintf(field, sizeof field, "shifts[%d].breaks[%d].start",
						 si, bi);
					bad(err, errlen, field, "must be HH:MM");
					goto out;
				}
				if (hhmm(b, "end", &d->breaks[bi].end_min)) {
					snprintf(field, sizeof field, "shifts[%d].breaks[%d].end",
						 si, bi);
					bad(err, errlen, field, "must be HH:MM");
					goto out;
				}
				bi++;
			}
			d->n_breaks = bi;
		}
		si++;
	}
	c->cal.n_shifts = si;
	const cJSON *rw = cJSON_GetObjectItemCaseSensitive(j, "rest_weekdays");
	if (rw && !cJSON_IsNull(rw)) {
		const cJSON *v;
		if (!cJSON_IsArray(rw)) {
			bad(err, errlen, "rest_weekdays", "must be an array of weekdays 0-6");
			goto out;
		}
		cJSON_ArrayForEach(v, rw)
		{
			if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 6 ||
			    v->valuedouble != (double)v->valueint) {
				bad(err, errlen, "rest_weekdays", "weekdays are 0 (Sunday) to 6");
				goto out;
			}
			c->cal.rest_wdays |= (uint8_t)(1u << v->valueint);
		}
	}
	const cJSON *rd = cJSON_GetObjectItemCaseSensitive(j, "rest_dates");
	if (rd && !cJSON_IsNull(rd)) {
		const cJSON *v;
		if (!cJSON_IsArray(rd) || cJSON_GetArraySize(rd) > SHIFT_MAX_REST_DATES) {
			bad(err, errlen, "rest_dates", "must be an array of at most 128 dates");
			goto out;
		}
		int di = 0;
		cJSON_ArrayForEach(v, rd)
		{
			if (!cJSON_IsString(v) ||
			    tz_date_parse(v->valuestring, &c->cal.rest_dates[di])) {
				snprintf(field, sizeof field, "rest_dates[%d]", di);
				bad(err, errlen, field, "must be a date YYYY-MM-DD");
				goto out;
			}
			di++;
		}
		c->cal.n_rest_dates = di;
	}
	const cJSON *oa = cJSON_GetObjectItemCaseSensitive(j, "offline_after_s");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "offline_after_default")))
		oa = NULL; /* firmcal_json's default: not the firm's own */
	if (oa && !cJSON_IsNull(oa)) {
		if (!cJSON_IsNumber(oa) || oa->valuedouble < 10 || oa->valuedouble > 86400 ||
		    oa->valuedouble != (double)oa->valueint) {
			bad(err, errlen, "offline_after_s", "must be a whole number 10..86400");
			goto out;
		}
		c->offline_after_ms = (int64_t)oa->valueint * 1000;
		c->own_offline_after = 1;
	}
	const cJSON *tp = cJSON_GetObjectItemCaseSensitive(j, "target_pct");
	if (tp && !cJSON_IsNull(tp)) {
		if (!cJSON_IsNumber(tp) || tp->valuedouble < 1 || tp->valuedouble > 100 ||
		    tp->valuedouble != (double)tp->valueint) {
			bad(err, errlen, "target_pct", "must be a whole number 1..100");
			goto out;
		}
		c->target_pct = tp->valueint;
	}
	int32_t bad_shift = -1;
	if (shift_cal_validate(&c->cal, &bad_shift) != GLOVED_OK) {
		snprintf(field, sizeof field, "shifts[%d]", bad_shift < 0 ? 0 : (int)bad_shift);
		bad(err, errlen, field, "breaks must lie inside the shift, in order, not empty");
		goto out;
	}
	*out = *c;
	rc = GLOVED_OK;
out:
	free(c);
	cJSON_Delete(j);
	return rc;
}

static int put_hhmm(buf *b, const char *key, int m)
{
	return buf_printf(b, "\"%s\":\"%02d:%02d\"", key, m / 60, m % 60) < 0 ? GLOVED_ENOMEM
									      : GLOVED_OK;
}

static int put_str(buf *b, const char *s)
{
	/* names are validated UTF-8 from cJSON; escape what JSON needs */
	if (buf_puts(b, "\""))
		return GLOVED_ENOMEM;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int rc;
		if (*p == '"' || *p == '\\')
			rc = buf_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			rc = buf_printf(b, "\\u%04x", *p);
		else
			rc = buf_append(b, p, 1);
		if (rc)
			return GLOVED_ENOMEM;
	}
	return buf_puts(b, "\"") ? GLOVED_ENOMEM : GLOVED_OK;
}

int firmcal_json(const firm_cal *c, const char *enterprise_code, buf *out)
{
	int rc = 0;
	rc |= buf_puts(out, "{\"enterprise\":");
	rc |= put_str(out, enterprise_code ? enterprise_code : "");
	rc |= buf_puts(out, ",\"tz\":");
	rc |= put_str(out, c->zone.name);
	rc |= buf_puts(out, ",\"shifts\":[");
	for (int32_t i = 0; i < c->cal.n_shifts; i++) {
		const shift_def *d = &c->cal.shifts[i];
		rc |= buf_puts(out, i ? ",{\"name\":" : "{\"name\":");
		rc |= put_str(out, d->name);
		rc |= buf_puts(out, ",");
		rc |= put_hhmm(out, "start", d->start_min);
		rc |= buf_puts(out, ",");
		rc |= put_hhmm(out, "end", d->end_min);
		rc |= buf_puts(out, ",\"breaks\":[");
		for (int32_t k = 0; k < d->n_breaks; k++) {
			rc |= buf_puts(out, k ? ",{" : "{");
			rc |= put_hhmm(out, "start", d->breaks[k].start_min);
			rc |= buf_puts(out, ",");
			rc |= put_hhmm(out, "end", d->breaks[k].end_min);
			rc |= buf_puts(out, "}");
		}
		rc |= buf_puts(out, "]}");
	}
	rc |= buf_puts(out, "],\"rest_weekdays\":[");
	int first = 1;
	for (int w = 0; w < 7; w++) {
		if ((c->cal.rest_wdays >> w) & 1) {
			rc |= buf_printf(out, first ? "%d" : ",%d", w);
			first = 0;
		}
	}
	rc |= buf_puts(out, "],\"rest_dates\":[");
	for (int32_t i = 0; i < c->cal.n_rest_dates; i++) {
		char day[11];
		tz_date_format(c->cal.rest_dates[i], day);
		rc |= buf_printf(out, "%s\"%s\"", i ? "," : "", day);
	}
	rc |= buf_printf(
	    out,
	    "],\"offline_after_s\":%lld,\"offline_after_default\":%s,\"target_pct\":%d,"
	    "\"default\":%s}",
	    (long long)(c->offline_after_ms / 1000), c->own_offline_after ? "false" : "true",
	    (int)c->target_pct, c->is_default ? "true" : "false");
	return rc ? GLOVED_ETOOBIG : GLOVED_OK;
}

/* ---- the cache ---- */

typedef struct entry {
	int64_t enterprise_id;
	firm_cal *cal;
} entry;

struct firmcal_cache {
	pthread_mutex_t mu;
	char default_zone[TZ_NAME_MAX];
	char tzdir[256];
	entry *e;
	size_t n, cap;
	firm_cal **retired; /* replaced entries, freed with the cache */
	size_t nr, rcap;
	int64_t rev;
	int64_t offline_after_ms; /* of firms without their own */
	firm_cal *dflt;           /* for firms not cached when no store is given */
};

firmcal_cache *firmcal_cache_new(const char *default_zone, const char *tzdir)
{
	firmcal_cache *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	pthread_mutex_init(&c->mu, NULL);
	snprintf(c->default_zone, sizeof c->default_zone, "%s",
		 default_zone && *default_zone ? default_zone : "Asia/Shanghai");
	snprintf(c->tzdir, sizeof c->tzdir, "%s", tzdir ? tzdir : "");
	c->offline_after_ms = DEFAULT_OFFLINE_MS;
	return c;
}

void firmcal_cache_set_offline_after(firmcal_cache *c, int64_t offline_after_ms)
{
	pthread_mutex_lock(&c->mu);
	if (offline_after_ms > 0)
		c->offline_after_ms = offline_after_ms;
	pthread_mutex_unlock(&c->mu);
}

void firmcal_cache_free(firmcal_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->e[i].cal);
	for (size_t i = 0; i < c->nr; i++)
		free(c->retired[i]);
	free(c->e);
	free(c->retired);
	free(c->dflt);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static entry *find(firmcal_cache *c, int64_t id)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i].enterprise_id == id)
			return &c->e[i];
	return NULL;
}

const firm_cal *firmcal_get(firmcal_cache *c, store *s, int64_t enterprise_id)
{
	pthread_mutex_lock(&c->mu);
	entry *e = find(c, enterprise_id);
	if (e) {
		const firm_cal *r = e->cal;
		pthread_mutex_unlock(&c->mu);
		return r;
	}
	if (!s) {
		/* nothing to read the firm's row with: the default, made once */
		if (!c->dflt && (c->dflt = malloc(sizeof *c->dflt)) != NULL) {
			firmcal_default(c->dflt, c->default_zone, c->tzdir[0] ? c->tzdir : NULL);
			c->dflt->offline_after_ms = c->offline_after_ms;
		}
		const firm_cal *r = c->dflt;
		pthread_mutex_unlock(&c->mu);
		return r;
	}
	int64_t dflt_offline_ms = c->offline_after_ms;
	pthread_mutex_unlock(&c->mu);
	/* load outside the lock (file and database reads) */
	const char *dir = c->tzdir[0] ? c->tzdir : NULL;
	firm_cal *fc = malloc(sizeof *fc);
	if (!fc)
		return NULL;
	char *json = NULL;
	char err[160];
	int rc = store_calendar_get(s, enterprise_id, &json);
	if (rc != GLOVED_OK ||
	    firmcal_parse(json, strlen(json), dir, fc, err, sizeof err) != GLOVED_OK)
		firmcal_default(fc, c->default_zone, dir);
	free(json);
	if (!fc->own_offline_after)
		fc->offline_after_ms = dflt_offline_ms;
	pthread_mutex_lock(&c->mu);
	if (rc != GLOVED_OK && rc != GLOVED_ENOTFOUND) {
		/* could not read it (busy, no connection): the default this once,
		 * kept alive with the retired entries but not cached */
		firm_cal **p = c->nr == c->rcap
				   ? realloc(c->retired, (c->rcap ? c->rcap * 2 : 8) * sizeof *p)
				   : c->retired;
		if (!p) {
			pthread_mutex_unlock(&c->mu);
			free(fc);
			return NULL;
		}
		if (c->nr == c->rcap)
			c->rcap = c->rcap ? c->rcap * 2 : 8;
		c->retired = p;
		c->retired[c->nr++] = fc;
		pthread_mutex_unlock(&c->mu);
		return fc;
	}
	e = find(c, enterprise_id);
	if (e) { /* another thread was faster */
		const firm_cal *r = e->cal;
		pthread_mutex_unlock(&c->mu);
		free(fc);
		return r;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		entry *p = realloc(c->e, cap * sizeof *p);
		if (!p) {
			pthread_mutex_unlock(&c->mu);
			free(fc);
			return NULL;
		}
		c->e = p;
		c->cap = cap;
	}
	c->e[c->n++] = (entry){enterprise_id, fc};
	pthread_mutex_unlock(&c->mu);
	return fc;
}

void firmcal_forget(firmcal_cache *c, int64_t enterprise_id)
{
	pthread_mutex_lock(&c->mu);
	entry *e = find(c, enterprise_id);
	if (e) {
		if (c->nr == c->rcap) {
			size_t cap = c->rcap ? c->rcap * 2 : 8;
			firm_cal **p = realloc(c->retired, cap * sizeof *p);
			if (!p) {
				/* keep the entry rather than free memory in use */
				pthread_mutex_unlock(&c->mu);
				return;
			}
			c->retired = p;
			c->rcap = cap;
		}
		c->retired[c->nr++] = e->cal;
		*e = c->e[--c->n];
	}
	c->rev++;
	pthread_mutex_unlock(&c->mu);
}

int64_t firmcal_rev(firmcal_cache *c)
{
	pthread_mutex_lock(&c->mu);
	int64_t r = c->rev;
	pthread_mutex_unlock(&c->mu);
	return r;
}
