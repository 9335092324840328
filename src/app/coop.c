/* SPDX-License-Identifier: Apache-2.0 */
/* coop.c: firms working together on stored rows (coop.h). Reads run on
 * the caller's read connection; every write runs on the writer thread in
 * one transaction with its audit entry (run_tx). */
#include "app/coop.h"

#include "app/analytics.h"
#include "app/sewn.h"
#include "app/wip.h"
#include "core/code.h"
#include "core/shift.h"
#include "core/tz.h"
#include "util/num.h"
#include "util/err.h"
#include "util/ltime.h"
#include "util/utf8.h"
#include "util/json.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const coop_exclusion_names[COOP_X_COUNT] = {
    [COOP_X_NOT_SHARED] = "not_shared",
    [COOP_X_NO_PROFILE] = "no_profile",
    [COOP_X_FAMILY] = "family",
    [COOP_X_GAUGE] = "gauge",
    [COOP_X_COMPOUND] = "compound",
    [COOP_X_OPERATIONS] = "operations",
    [COOP_X_CERTIFICATIONS] = "certifications",
    [COOP_X_LICENCE] = "licence",
    [COOP_X_QUALITY] = "quality",
    [COOP_X_PRICE] = "price",
    [COOP_X_DECLINED] = "declined",
    [COOP_X_NO_CAPACITY] = "no_capacity",
};

static const char *const families[] = {"sewn", "knitted", "dipped"};
static const char *const compounds[] = {"nitrile", "latex", "pu", "pvc", "neoprene"};

static int one_of(const char *v, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v, list[i]) == 0)
			return 1;
	return 0;
}

/* Strict UTF-8 without control characters (a newline is fine in a note). */
static int text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t k = utf8_next(p, &cp);
		if (!k || (cp < 0x20 && cp != '\n') || cp == 0x7f)
			return 0;
		p += k;
	}
	return 1;
}

static int bad(char *msg, size_t mlen, const char *field, const char *what)
{
	snprintf(msg, mlen, "%s: %s", field, what);
	return GLOVED_EINVAL;
}

/* An optional array of codes (or of names from list) into out. */
static int code_list(const cJSON *j, const char *key, const char *const *list, size_t nlist,
		     char (*out)[33], size_t cap, size_t width, size_t *n, char *msg, size_t mlen)
{
	*n = 0;
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, key);
	if (!a || cJSON_IsNull(a))
		return 0;
	if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) > cap) {
		char w[64];
		snprintf(w, sizeof w, "must be an array of at most %zu", cap);
		return bad(msg, mlen, key, w);
	}
	const cJSON *x;
	cJSON_ArrayForEach(x, a)
	{
		if (!cJSON_IsString(x) || strlen(x->valuestring) >= width ||
		    (list ? !one_of(x->valuestring, list, nlist) : !code_valid(x->valuestring))) {
			char f[48];
			snprintf(f, sizeof f, "%s[%zu]", key, *n);
			return bad(msg, mlen, f,
				   list ? "is not one of the names allowed"
					: "must be a code (letters, digits, - _ .; up to 32)");
		}
		for (size_t k = 0; k < *n; k++)
			if (strcmp(out[k], x->valuestring) == 0) {
				char f[48];
				snprintf(f, sizeof f, "%s[%zu]", key, *n);
				return bad(msg, mlen, f, "appears twice");
			}
		snprintf(out[*n], width, "%s", x->valuestring);
		(*n)++;
	}
	return 0;
}

static int int_field(const cJSON *j, const char *key, int64_t lo, int64_t hi, int64_t *out,
		     char *msg, size_t mlen)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, key);
	if (!x || cJSON_IsNull(x))
		return 0;
	if (!cJSON_IsNumber(x) || !num_whole(x->valuedouble, lo, hi, out)) {
		char w[96];
		snprintf(w, sizeof w, "must be a whole number %lld to %lld", (long long)lo,
			 (long long)hi);
		return bad(msg, mlen, key, w);
	}
	return 0;
}

int coop_profile_parse(const char *json, size_t len, coop_profile *out, char *msg, size_t mlen)
{
	memset(out, 0, sizeof *out);
	cJSON *j = json_parse_all(json, len);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return bad(msg, mlen, "body", "must be a JSON object");
	}
	int rc = 0;
	char fam[3][33];
	size_t nf = 0;
	rc = code_list(j, "families", families, 3, fam, 3, 33, &nf, msg, mlen);
	if (!rc && !nf)
		rc = bad(msg, mlen, "families", "name at least one of sewn, knitted, dipped");
	for (size_t i = 0; !rc && i < nf; i++) {
		out->sewn |= strcmp(fam[i], "sewn") == 0;
		out->knitted |= strcmp(fam[i], "knitted") == 0;
		out->dipped |= strcmp(fam[i], "dipped") == 0;
	}
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(j, "gauges");
	if (!rc && g && !cJSON_IsNull(g)) {
		if (!cJSON_IsArray(g) || cJSON_GetArraySize(g) > COOP_LIST_MAX)
			rc = bad(msg, mlen, "gauges", "must be an array of at most 16 gauges");
		const cJSON *x;
		cJSON_ArrayForEach(x, g)
		{
			if (rc)
				break;
			int64_t gv = 0;
			if (!cJSON_IsNumber(x) || !num_whole(x->valuedouble, 5, 21, &gv)) {
				char f[24];
				snprintf(f, sizeof f, "gauges[%zu]", out->n_gauges);
				rc = bad(msg, mlen, f, "must be a knitting gauge 5 to 21");
				break;
			}
			out->gauges[out->n_gauges++] = (int32_t)gv;
		}
	}
	if (!rc)
		rc = code_list(j, "compounds", compounds, 5, out->compounds, COOP_LIST_MAX, 16,
			       &out->n_compounds, msg, mlen);
	if (!rc)
		rc = code_list(j, "operations", NULL, 0, out->operations, COOP_LIST_MAX, 33,
			       &out->n_operations, msg, mlen);
	if (!rc)
		rc = code_list(j, "certifications", NULL, 0, out->certifications, COOP_LIST_MAX, 33,
			       &out->n_certifications, msg, mlen);
	int64_t eff = 0, smv = 0;
	if (!rc)
		rc =
		    int_field(j, "min_order_pairs", 0, 100000000, &out->min_order_pairs, msg, mlen);
	if (!rc)
		rc = int_field(j, "price_fen", 0, 100000000, &out->price_fen, msg, mlen);
	if (!rc)
		rc = int_field(j, "operators", 0, 100000, &out->operators, msg, mlen);
	if (!rc)
		rc = int_field(j, "efficiency_pm", 0, 1000, &eff, msg, mlen);
	if (!rc)
		rc = int_field(j, "smv_c", 0, 100000, &smv, msg, mlen);
	out->efficiency_pm = (int32_t)eff;
	out->smv_c = smv;
	const cJSON *note = cJSON_GetObjectItemCaseSensitive(j, "note");
	if (!rc && note && !cJSON_IsNull(note)) {
		if (!cJSON_IsString(note) || strlen(note->valuestring) >= sizeof out->note ||
		    !text_ok(note->valuestring))
			rc = bad(msg, mlen, "note", "must be text of at most 255 bytes");
		else
			snprintf(out->note, sizeof out->note, "%s", note->valuestring);
	}
	if (!rc && out->n_gauges && !out->knitted)
		rc = bad(msg, mlen, "gauges", "only a firm that knits has gauges");
	if (!rc && out->n_compounds && !out->dipped)
		rc = bad(msg, mlen, "compounds", "only a firm that dips has compounds");
	cJSON_Delete(j);
	return rc;
}

static int print_into(cJSON *o, char *out, size_t n)
{
	char *t = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!t)
		return GLOVED_ENOMEM;
	size_t len = strlen(t);
	int rc = len < n ? GLOVED_OK : GLOVED_ETOOBIG;
	if (!rc)
		memcpy(out, t, len + 1);
	free(t);
	return rc;
}

static void add_strings(cJSON *o, const char *key, const char (*v)[33], size_t n)
{
	cJSON *a = cJSON_AddArrayToObject(o, key);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
}

int coop_profile_json(const coop_profile *p, char *out, size_t n)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *f = cJSON_AddArrayToObject(o, "families");
	if (p->sewn)
		cJSON_AddItemToArray(f, cJSON_CreateString("sewn"));
	if (p->knitted)
		cJSON_AddItemToArray(f, cJSON_CreateString("knitted"));
	if (p->dipped)
		cJSON_AddItemToArray(f, cJSON_CreateString("dipped"));
	cJSON *g = cJSON_AddArrayToObject(o, "gauges");
	for (size_t i = 0; i < p->n_gauges; i++)
		cJSON_AddItemToArray(g, cJSON_CreateNumber(p->gauges[i]));
	cJSON *c = cJSON_AddArrayToObject(o, "compounds");
	for (size_t i = 0; i < p->n_compounds; i++)
		cJSON_AddItemToArray(c, cJSON_CreateString(p->compounds[i]));
	add_strings(o, "operations", p->operations, p->n_operations);
	add_strings(o, "certifications", p->certifications, p->n_certifications);
	cJSON_AddNumberToObject(o, "min_order_pairs", (double)p->min_order_pairs);
	cJSON_AddNumberToObject(o, "price_fen", (double)p->price_fen);
	cJSON_AddNumberToObject(o, "operators", (double)p->operators);
	cJSON_AddNumberToObject(o, "efficiency_pm", p->efficiency_pm);
	cJSON_AddNumberToObject(o, "smv_c", (double)p->smv_c);
	cJSON_AddStringToObject(o, "note", p->note);
	return print_into(o, out, n);
}

int coop_profile_has_family(const coop_profile *p, const char *family)
{
	return (p->sewn && strcmp(family, "sewn") == 0) ||
	       (p->knitted && strcmp(family, "knitted") == 0) ||
	       (p->dipped && strcmp(family, "dipped") == 0);
}

int coop_need_parse(const char *json, size_t len, coop_need *out, char *msg, size_t mlen)
{
	memset(out, 0, sizeof *out);
	cJSON *j = json_parse_all(json, len);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return bad(msg, mlen, "need", "must be a JSON object");
	}
	int rc = 0;
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(j, "family");
	if (!cJSON_IsString(f) || !one_of(f->valuestring, families, 3))
		rc = bad(msg, mlen, "need.family", "must be sewn, knitted or dipped");
	else
		snprintf(out->family, sizeof out->family, "%s", f->valuestring);
	int64_t gauge = 0;
	if (!rc && int_field(j, "gauge", 0, 21, &gauge, msg, mlen))
		rc = bad(msg, mlen, "need.gauge", "must be a knitting gauge 5 to 21");
	out->gauge = (int32_t)gauge;
	if (!rc && gauge && strcmp(out->family, "knitted"))
		rc = bad(msg, mlen, "need.gauge", "only a knitted order has a gauge");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "compound");
	if (!rc && c && !cJSON_IsNull(c) && !(cJSON_IsString(c) && !c->valuestring[0])) {
		if (!cJSON_IsString(c) || !one_of(c->valuestring, compounds, 5))
			rc = bad(msg, mlen, "need.compound",
				 "must be nitrile, latex, pu, pvc or neoprene");
		else if (strcmp(out->family, "dipped"))
			rc = bad(msg, mlen, "need.compound", "only a dipped order has a compound");
		else
			snprintf(out->compound, sizeof out->compound, "%s", c->valuestring);
	}
	char m2[200];
	if (!rc && code_list(j, "operations", NULL, 0, out->operations, COOP_LIST_MAX, 33,
			     &out->n_operations, m2, sizeof m2))
		rc = bad(msg, mlen, "need", m2);
	if (!rc && code_list(j, "certifications", NULL, 0, out->certifications, COOP_LIST_MAX, 33,
			     &out->n_certifications, m2, sizeof m2))
		rc = bad(msg, mlen, "need", m2);
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(j, "licensed");
	if (!rc && l && !cJSON_IsNull(l)) {
		if (!cJSON_IsBool(l))
			rc = bad(msg, mlen, "need.licensed", "must be true or false");
		out->licensed = cJSON_IsTrue(l);
	}
	cJSON_Delete(j);
	return rc;
}

int coop_need_json(const coop_need *x, char *out, size_t n)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "family", x->family);
	if (x->gauge)
		cJSON_AddNumberToObject(o, "gauge", x->gauge);
	if (x->compound[0])
		cJSON_AddStringToObject(o, "compound", x->compound);
	add_strings(o, "operations", x->operations, x->n_operations);
	add_strings(o, "certifications", x->certifications, x->n_certifications);
	cJSON_AddBoolToObject(o, "licensed", x->licensed);
	return print_into(o, out, n);
}

/* ---- record and capacity ---- */

static const store_scope all = {0};

int coop_quality_get(store *db, int64_t enterprise_id, coop_quality *out)
{
	memset(out, 0, sizeof *out);
	out->pm = -1;
	store_lot *v = NULL;
	size_t n = 0;
	int rc = store_lot_list(db, all, enterprise_id, "inspected", &v, &n);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && out->lots < COOP_QUALITY_LOTS; i++) {
		out->lots++;
		out->accepted += strcmp(v[i].result, "accepted") == 0;
	}
	free(v);
	if (out->lots)
		out->pm = (int32_t)(out->accepted * 1000 / out->lots);
	return 0;
}

/* The planned time of the firm's calendar in local days [d0, d0 + days):
 * a week of a machine, or a day of one worker. */
static int64_t planned_ms(const firm_cal *fc, int32_t d0, int32_t days)
{
	int64_t from = tz_midnight_ms(&fc->zone, tz_civil_from_days(d0));
	int64_t to = tz_midnight_ms(&fc->zone, tz_civil_from_days(d0 + days));
	shift_iter it;
	shift_instance in;
	int64_t sum = 0;
	shift_iter_init(&it, &fc->zone, &fc->cal, from, to);
	while (shift_iter_next(&it, &in)) {
		shift_span sp[SHIFT_MAX_SPANS];
		int k = shift_planned_spans(&fc->zone, &fc->cal, &in, sp);
		sum += shift_spans_overlap_ms(sp, k, from, to);
	}
	return sum;
}

static int machine_counts(const store_machine *m, const char *family, int32_t gauge)
{
	if (strcmp(family, "knitted") == 0)
		return strcmp(m->kind, "knitting") == 0 && (!gauge || m->gauge == gauge);
	if (strcmp(family, "dipped") == 0)
		return strcmp(m->kind, "dipping") == 0;
	return 0;
}

/* The measured rate (per mille) of the firm's machines that count over
 * the 28 days before today: the ideal time of their good pieces over the
 * time they were seen (planned time minus offline and unknown), i.e. their
 * OEE while reporting; -1 when they were seen for less than 8 hours. */
#define COOP_MIN_SEEN_MS (8 * 3600000LL)
static int32_t measured_oee(store *db, registry *reg, firmcal_cache *cals, int64_t ent,
			    const store_machine *ms, size_t n, const char *family, int32_t gauge,
			    int32_t today, int64_t now_ms)
{
	an_query q = {.sc = all,
		      .enterprise_id = ent,
		      .day0 = today - 28,
		      .day1 = today - 1,
		      .shift = -1,
		      .group = AN_MACHINE,
		      .now_ms = now_ms};
	an_oee o;
	memset(&o, 0, sizeof o);
	if (analytics_oee(db, reg, cals, &q, &o))
		return -1;
	int64_t good_ideal = 0, seen = 0;
	for (size_t i = 0; i < o.n; i++) {
		const store_machine *m = NULL;
		for (size_t k = 0; k < n && !m; k++)
			if (ms[k].id == o.rows[i].machine_id)
				m = &ms[k];
		const oee_result *x = &o.rows[i].r;
		int64_t s = x->planned_ms - x->offline_ms - x->unknown_ms;
		if (!m || !machine_counts(m, family, gauge) || s <= 0)
			continue;
		good_ideal += x->ideal_ms - x->reject_loss_ms;
		seen += s;
	}
	analytics_oee_free(&o);
	if (seen < COOP_MIN_SEEN_MS)
		return -1;
	int64_t pm = good_ideal * 1000 / seen;
	return pm > COOP_MAX_OEE_PM ? COOP_MAX_OEE_PM : pm < 0 ? 0 : (int32_t)pm;
}

typedef struct worker_day {
	int32_t day;
	char worker[33];
} worker_day;

static int by_worker_day(const void *a, const void *b)
{
	const worker_day *x = a, *y = b;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return strcmp(x->worker, y->worker);
}

/* The sewing efficiency (per mille) measured from firm ent's operation
 * scans of the 28 days before today (coop_measured_eff_pm): the standard
 * minutes its workers earned in the shop (household work left out: its
 * time is not attended) over the planned time of each worker on each day
 * the worker scanned; -1 when too little was attended. */
static int32_t measured_eff(store *db, const firm_cal *fc, int64_t ent, int32_t today)
{
	static const char *const st[] = {"released", "done"};
	store_scope sc = {.enterprise_id = ent};
	int64_t from = tz_midnight_ms(&fc->zone, tz_civil_from_days(today - 28));
	int64_t to = tz_midnight_ms(&fc->zone, tz_civil_from_days(today));
	int64_t earned = 0;
	worker_day *wd = NULL;
	size_t nwd = 0, cap = 0;
	int32_t res = -1;
	store_style *style = malloc(sizeof *style);
	if (!style)
		return -1;
	for (size_t k = 0; k < 2; k++) {
		store_order *v = NULL;
		size_t n = 0;
		if (store_order_list(db, sc, ent, st[k], &v, &n))
			goto out;
		for (size_t i = 0; i < n; i++) {
			store_scan *sv = NULL;
			size_t ns = 0;
			if (store_style_get(db, all, ent, NULL, v[i].style_id, style) ||
			    strcmp(style->family, "sewn") ||
			    store_scan_list(db, sc, v[i].id, 0, &sv, &ns))
				continue;
			for (size_t j = 0; j < ns; j++) {
				const store_scan *x = &sv[j];
				if (x->ts_ms < from || x->ts_ms >= to || x->household_id ||
				    !x->worker[0] || x->seq < 1 || x->seq > style->n_ops)
					continue;
				earned += x->pairs * style->ops[x->seq - 1].smv_c;
				if (nwd == cap) {
					size_t nc = cap ? cap * 2 : 64;
					worker_day *t = realloc(wd, nc * sizeof *wd);
					if (!t) {
						free(sv);
						free(v);
						goto out;
					}
					wd = t;
					cap = nc;
				}
				wd[nwd].day = tz_day_of(&fc->zone, x->ts_ms);
				snprintf(wd[nwd].worker, sizeof wd[nwd].worker, "%s", x->worker);
				nwd++;
			}
			free(sv);
		}
		free(v);
	}
	if (nwd)
		qsort(wd, nwd, sizeof *wd, by_worker_day);
	int64_t attended = 0;
	for (size_t i = 0; i < nwd; i++)
		if (i == 0 || by_worker_day(&wd[i - 1], &wd[i]))
			attended += planned_ms(fc, wd[i].day, 1);
	res = coop_measured_eff_pm(earned, attended);
out:
	free(wd);
	free(style);
	return res;
}

static int order_family(store *db, const store_order *o, char *family, size_t n)
{
	store_style *st = malloc(sizeof *st);
	if (!st)
		return GLOVED_ENOMEM;
	int rc = store_style_get(db, all, o->enterprise_id, NULL, o->style_id, st);
	if (!rc)
		snprintf(family, n, "%s", st->family);
	free(st);
	return rc;
}

/* Pairs firm ent's open and released orders of family still need. */
static int committed_orders(store *db, const firm_cal *fc, int64_t ent, const char *family,
			    int64_t now_ms, int64_t *out)
{
	static const char *const st[] = {"open", "released"};
	wip_result wr;
	memset(&wr, 0, sizeof wr);
	store_scope sc = {.enterprise_id = ent};
	int rc = wip_get(db, fc, sc, ent, 0, now_ms, &wr);
	if (rc)
		return rc;
	for (size_t k = 0; k < 2 && !rc; k++) {
		store_order *v = NULL;
		size_t n = 0;
		if ((rc = store_order_list(db, sc, ent, st[k], &v, &n)))
			break;
		for (size_t i = 0; i < n && !rc; i++) {
			char fam[16] = "";
			if ((rc = order_family(db, &v[i], fam, sizeof fam)) == GLOVED_ENOTFOUND)
				rc = 0;
			if (rc || strcmp(fam, family))
				continue;
			int64_t left = sewn_order_pairs(&v[i]);
			for (size_t w = 0; w < wr.n; w++)
				if (strcmp(wr.orders[w].order, v[i].code) == 0)
					left -= wr.orders[w].finished_pairs;
			*out += left > 0 ? left : 0;
		}
		free(v);
	}
	wip_free(&wr);
	return rc;
}

/* Pairs of parts offered to firm ent (not yet answered) of family, other
 * than order skip's. */
static int committed_offers(store *db, int64_t ent, const char *family, int64_t skip, int64_t *out)
{
	store_coop_part *v = NULL;
	size_t n = 0;
	int rc = store_coop_part_list(db, 0, ent, &v, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		if (strcmp(v[i].status, "offered") || v[i].order_id == skip)
			continue;
		store_coop_order o;
		coop_need need;
		char m[8];
		if (store_coop_order_get(db, all, v[i].order_id, NULL, &o) ||
		    !strcmp(o.status, "cancelled") || !strcmp(o.status, "done"))
			continue; /* a cancelled order's offers bind nobody */
		if (!coop_need_parse(o.need, strlen(o.need), &need, m, sizeof m) &&
		    strcmp(need.family, family) == 0)
			*out += v[i].pairs;
	}
	free(v);
	return rc;
}

int coop_capacity_get(store *db, registry *reg, firmcal_cache *cals, int64_t ent,
		      const coop_profile *prof, const char *family, int32_t gauge,
		      const char *style, int32_t week0_day, int64_t skip_order, int64_t now_ms,
		      coop_capacity *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->family, sizeof out->family, "%s", family);
	out->week0_day = week0_day;
	const firm_cal *fc = firmcal_get(cals, db, ent);
	if (!fc)
		return GLOVED_ENOMEM;
	for (int w = 0; w < COOP_WEEKS; w++)
		out->planned_ms[w] = planned_ms(fc, week0_day + 7 * w, 7);
	if (strcmp(family, "sewn") == 0) {
		out->units = prof ? prof->operators : 0;
		int32_t eff = out->units ? measured_eff(db, fc, ent, week0_day) : -1;
		out->measured = eff >= 0;
		out->rate_pm = eff >= 0                      ? eff
			       : prof && prof->efficiency_pm ? prof->efficiency_pm
							     : COOP_DEFAULT_EFF_PM;
		out->smv_c = prof && prof->smv_c ? prof->smv_c : COOP_DEFAULT_SMV_C;
		snprintf(out->smv_from, sizeof out->smv_from, "%s",
			 prof && prof->smv_c ? "profile" : "default");
		store_style *st = style && *style ? malloc(sizeof *st) : NULL;
		if (st && !store_style_get(db, all, ent, style, 0, st) &&
		    strcmp(st->family, "sewn") == 0 && sewn_style_smv(st) > 0) {
			out->smv_c = sewn_style_smv(st);
			snprintf(out->smv_from, sizeof out->smv_from, "style");
		}
		free(st);
		snprintf(out->basis, sizeof out->basis, "%s", out->units ? "operators" : "none");
		for (int w = 0; w < COOP_WEEKS; w++)
			out->gross[w] = coop_operator_pairs(out->units, out->planned_ms[w],
							    out->rate_pm, out->smv_c);
	} else {
		store_machine *ms = NULL;
		size_t n = 0;
		store_scope sc = {.enterprise_id = ent};
		int rc = registry_machines(reg, sc, &ms, &n);
		if (rc)
			return rc;
		int64_t *cyc = calloc(n ? n : 1, sizeof *cyc);
		if (!cyc) {
			free(ms);
			return GLOVED_ENOMEM;
		}
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (ms[i].enterprise_id == ent && machine_counts(&ms[i], family, gauge))
				cyc[k++] = ms[i].cycle_ms;
		out->units = (int64_t)k;
		int32_t oee =
		    k ? measured_oee(db, reg, cals, ent, ms, n, family, gauge, week0_day, now_ms)
		      : -1;
		out->measured = oee >= 0;
		out->rate_pm = oee >= 0 ? oee : COOP_DEFAULT_OEE_PM;
		snprintf(out->basis, sizeof out->basis, "%s", k ? "machines" : "none");
		for (int w = 0; w < COOP_WEEKS; w++)
			out->gross[w] =
			    coop_machine_pairs(cyc, k, out->planned_ms[w], out->rate_pm);
		free(cyc);
		free(ms);
	}
	int rc = committed_orders(db, fc, ent, family, now_ms, &out->committed);
	if (!rc)
		rc = committed_offers(db, ent, family, skip_order, &out->committed);
	if (rc)
		return rc;
	out->overflow = coop_free(out->gross, COOP_WEEKS, out->committed, out->free);
	return 0;
}

/* ---- the pool ---- */

static int has_all(const char (*have)[33], size_t nh, const char (*want)[33], size_t nw)
{
	for (size_t i = 0; i < nw; i++) {
		int found = 0;
		for (size_t k = 0; k < nh && !found; k++)
			found = strcmp(have[k], want[i]) == 0;
		if (!found)
			return 0;
	}
	return 1;
}

/* Why firm c cannot take part in order o (-1: it can). */
static int exclusion(store *db, const store_coop_order *o, const coop_need *need, coop_candidate *c)
{
	store_share sh = {.enterprise_id = c->e.id};
	if (store_share_get(db, c->e.id, &sh) || !sh.capacity)
		return COOP_X_NOT_SHARED;
	store_coop_profile sp;
	char m[8];
	if (store_coop_profile_get(db, c->e.id, &sp) ||
	    coop_profile_parse(sp.body, strlen(sp.body), &c->prof, m, sizeof m))
		return COOP_X_NO_PROFILE;
	if (!coop_profile_has_family(&c->prof, need->family))
		return COOP_X_FAMILY;
	if (need->gauge) {
		int ok = 0;
		for (size_t i = 0; i < c->prof.n_gauges; i++)
			ok |= c->prof.gauges[i] == need->gauge;
		if (!ok)
			return COOP_X_GAUGE;
	}
	if (need->compound[0]) {
		int ok = 0;
		for (size_t i = 0; i < c->prof.n_compounds; i++)
			ok |= strcmp(c->prof.compounds[i], need->compound) == 0;
		if (!ok)
			return COOP_X_COMPOUND;
	}
	if (!has_all(c->prof.operations, c->prof.n_operations, need->operations,
		     need->n_operations))
		return COOP_X_OPERATIONS;
	if (!has_all(c->prof.certifications, c->prof.n_certifications, need->certifications,
		     need->n_certifications))
		return COOP_X_CERTIFICATIONS;
	if (need->licensed) {
		store_licence l;
		if (store_licence_get(db, c->e.id, &l) || strcmp(l.status, "active"))
			return COOP_X_LICENCE;
	}
	if (coop_quality_get(db, c->e.id, &c->q))
		c->q.pm = -1;
	if (o->min_quality_pm > 0 && c->q.pm < o->min_quality_pm)
		return COOP_X_QUALITY;
	if (o->price_fen > 0 && c->prof.price_fen > o->price_fen)
		return COOP_X_PRICE;
	store_coop_part p;
	if (o->id && !store_coop_part_get(db, o->id, c->e.id, &p) &&
	    strcmp(p.status, "declined") == 0)
		return COOP_X_DECLINED;
	return -1;
}

int coop_pool_get(store *db, registry *reg, firmcal_cache *cals, const store_coop_order *o,
		  int32_t week0_day, int64_t now_ms, coop_pool *out)
{
	memset(out, 0, sizeof *out);
	coop_need need;
	char m[200];
	if (coop_need_parse(o->need, strlen(o->need), &need, m, sizeof m))
		return GLOVED_EINVAL;
	store_enterprise *es = NULL;
	size_t n = 0;
	int rc = registry_enterprises(reg, all, &es, &n);
	if (rc)
		return rc;
	out->c = calloc(n ? n : 1, sizeof *out->c);
	if (!out->c) {
		free(es);
		return GLOVED_ENOMEM;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		coop_candidate *c = &out->c[out->n];
		memset(c, 0, sizeof *c);
		c->e = es[i];
		int why = exclusion(db, o, &need, c);
		if (why >= 0) {
			out->excluded[why]++;
			continue;
		}
		rc = coop_capacity_get(db, reg, cals, c->e.id, &c->prof, need.family, need.gauge,
				       o->style, week0_day, o->id, now_ms, &c->cap);
		if (rc)
			break;
		int64_t sum = 0;
		for (int w = 0; w < COOP_WEEKS; w++)
			sum += c->cap.free[w];
		if (sum <= 0 || sum < c->prof.min_order_pairs) {
			out->excluded[COOP_X_NO_CAPACITY]++;
			continue;
		}
		out->n++;
	}
	free(es);
	if (rc)
		coop_pool_free(out);
	return rc;
}

void coop_pool_free(coop_pool *p)
{
	free(p->c);
	p->c = NULL;
	p->n = 0;
}

/* ---- transactions on the writer thread ---- */

typedef struct tx_call {
	int (*fn)(store *s, void *ctx);
	void *ctx;
} tx_call;

static int do_tx(store *s, void *ctx)
{
	tx_call *t = ctx;
	int rc = store_begin(s);
	return rc ? rc : store_end(s, t->fn(s, t->ctx));
}

static int run_tx(writer *w, int (*fn)(store *s, void *ctx), void *ctx)
{
	tx_call t = {fn, ctx};
	return writer_call(w, do_tx, &t);
}

typedef struct profile_ctx {
	const cluster_actor *a;
	const store_coop_profile *x;
} profile_ctx;

static int profile_tx(store *s, void *ctx)
{
	profile_ctx *c = ctx;
	int rc = store_coop_profile_put(s, c->x);
	return rc ? rc
		  : cluster_audit_tx(s, c->a, c->x->enterprise_id, "coop.profile", "profile", "",
				     c->x->body);
}

int coop_profile_put(writer *w, const cluster_actor *a, const store_coop_profile *x)
{
	profile_ctx c = {a, x};
	return run_tx(w, profile_tx, &c);
}

/* ---- the proposal ---- */

typedef struct propose_ctx {
	const cluster_actor *a;
	const store_coop_order *o;
	const store_coop_part *parts;
	size_t n;
	const char *body;
	const char *action;
} propose_ctx;

static int propose_tx(store *s, void *ctx)
{
	propose_ctx *c = ctx;
	int rc = store_coop_part_clear(s, c->o->id, "proposed");
	for (size_t i = 0; !rc && i < c->n; i++) {
		/* never over a part offered, accepted or declined: the
		 * store writes a part whole (its status and production order
		 * with it), so a firm's answer would be lost */
		store_coop_part old;
		if (!store_coop_part_get(s, c->o->id, c->parts[i].enterprise_id, &old) &&
		    strcmp(old.status, "proposed") != 0)
			rc = GLOVED_EEXIST;
		else
			rc = store_coop_part_put(s, &c->parts[i]);
	}
	if (!rc && c->body) {
		store_coop_proposal p = {.order_id = c->o->id, .created_ms = c->a->now_ms};
		snprintf(p.body, sizeof p.body, "%s", c->body);
		rc = store_coop_proposal_put(s, &p);
	}
	char after[160];
	int64_t sum = 0;
	for (size_t i = 0; i < c->n; i++)
		sum += c->parts[i].pairs;
	snprintf(after, sizeof after, "%zu firms, %lld pairs", c->n, (long long)sum);
	return rc ? rc : cluster_audit_tx(s, c->a, c->o->lead_id, c->action, c->o->code, "", after);
}

int coop_held_parts(store *db, int64_t order_id, int64_t *pairs, int *firms)
{
	store_coop_part *v = NULL;
	size_t n = 0;
	int rc = store_coop_part_list(db, order_id, 0, &v, &n);
	*pairs = 0;
	*firms = 0;
	for (size_t i = 0; !rc && i < n; i++)
		if (strcmp(v[i].status, "offered") == 0 || strcmp(v[i].status, "accepted") == 0) {
			*pairs += v[i].pairs;
			(*firms)++;
		}
	free(v);
	return rc;
}

static int64_t div_round(int64_t a, int64_t b)
{
	return b ? (a + b / 2) / b : 0;
}

static void proposal_body(const coop_proposal_res *p, int64_t remaining, char *out, size_t n)
{
	const alloc_result *r = &p->res;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", alloc_status_name(r->status));
	cJSON_AddStringToObject(o, "binding", r->binding);
	cJSON_AddStringToObject(o, "why", r->why);
	cJSON_AddNumberToObject(o, "week0_day", p->week0_day);
	cJSON_AddNumberToObject(o, "due_week", p->due_week);
	cJSON_AddNumberToObject(o, "pairs", (double)remaining);
	cJSON_AddNumberToObject(o, "lateness", (double)r->ev.lateness);
	cJSON_AddNumberToObject(o, "late_pairs", (double)r->ev.late_pairs);
	cJSON_AddNumberToObject(o, "cost_fen", (double)div_round(r->ev.cost12, 12));
	cJSON_AddNumberToObject(o, "partners", r->ev.partners);
	cJSON_AddNumberToObject(o, "last_week", r->ev.last_week);
	cJSON_AddNumberToObject(o, "bound_lateness", r->bound_lateness);
	cJSON_AddNumberToObject(o, "bound_cost_fen", r->bound_cost12 / 12.0);
	cJSON_AddNumberToObject(o, "gap", r->gap);
	cJSON_AddBoolToObject(o, "from_greedy", r->from_greedy);
	cJSON *g = cJSON_AddObjectToObject(o, "greedy");
	cJSON_AddBoolToObject(g, "ok", r->greedy.ok);
	cJSON_AddNumberToObject(g, "lateness", (double)r->greedy.lateness);
	cJSON_AddNumberToObject(g, "cost_fen", (double)div_round(r->greedy.cost12, 12));
	cJSON_AddNumberToObject(g, "partners", r->greedy.partners);
	cJSON_AddNumberToObject(o, "seconds", r->seconds);
	cJSON_AddNumberToObject(o, "nodes", (double)r->nodes);
	cJSON_AddNumberToObject(o, "willing", (double)p->pool.n);
	cJSON *x = cJSON_AddObjectToObject(o, "excluded");
	for (int i = 0; i < COOP_X_COUNT; i++)
		cJSON_AddNumberToObject(x, coop_exclusion_names[i], (double)p->pool.excluded[i]);
	if (print_into(o, out, n))
		snprintf(out, n, "{\"status\":\"%s\"}", alloc_status_name(r->status));
}

static void join_codes(const char (*v)[33], size_t n, char *out, size_t len)
{
	size_t k = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && k < len; i++)
		k += (size_t)snprintf(out + k, len - k, "%s%s", i ? "/" : "", v[i]);
}

/* The why of a "no_firm" answer: which constraints left the firms out,
 * with the order's figures (holding: willing firms left out because they
 * hold a part already). */
static void no_firm_why(const store_coop_order *o, const coop_pool *pool, int64_t holding,
			char *why, size_t n)
{
	coop_need need;
	char m[8], codes[96];
	if (coop_need_parse(o->need, strlen(o->need), &need, m, sizeof m))
		memset(&need, 0, sizeof need);
	coop_reason r[COOP_X_COUNT + 1];
	memset(r, 0, sizeof r);
	for (int i = 0; i < COOP_X_COUNT; i++) {
		r[i].firms = pool->excluded[i];
		char *w = r[i].what;
		size_t wl = sizeof r[i].what;
		switch (i) {
		case COOP_X_NOT_SHARED:
			snprintf(w, wl, "not sharing capacity");
			break;
		case COOP_X_NO_PROFILE:
			snprintf(w, wl, "without a capability profile");
			break;
		case COOP_X_FAMILY:
			snprintf(w, wl, "not making %s gloves", need.family);
			break;
		case COOP_X_GAUGE:
			snprintf(w, wl, "without gauge %d", (int)need.gauge);
			break;
		case COOP_X_COMPOUND:
			snprintf(w, wl, "not dipping %s", need.compound);
			break;
		case COOP_X_OPERATIONS:
			join_codes(need.operations, need.n_operations, codes, sizeof codes);
			snprintf(w, wl, "without operation%s %s", need.n_operations == 1 ? "" : "s",
				 codes);
			break;
		case COOP_X_CERTIFICATIONS:
			join_codes(need.certifications, need.n_certifications, codes, sizeof codes);
			snprintf(w, wl, "without certification%s %s",
				 need.n_certifications == 1 ? "" : "s", codes);
			break;
		case COOP_X_LICENCE:
			snprintf(w, wl, "without an active licence of the regional brand");
			break;
		case COOP_X_QUALITY:
			if (o->min_quality_pm % 10)
				snprintf(w, wl, "with a quality record below %d.%d %% (or none)",
					 (int)(o->min_quality_pm / 10),
					 (int)(o->min_quality_pm % 10));
			else
				snprintf(w, wl, "with a quality record below %d %% (or none)",
					 (int)(o->min_quality_pm / 10));
			break;
		case COOP_X_PRICE:
			snprintf(w, wl, "asking more than %lld.%02lld a dozen",
				 (long long)(o->price_fen / 100), (long long)(o->price_fen % 100));
			break;
		case COOP_X_DECLINED:
			snprintf(w, wl, "having declined this order");
			break;
		case COOP_X_NO_CAPACITY:
			snprintf(w, wl,
				 "without free capacity (or less than their minimum order) in the "
				 "next %d weeks",
				 COOP_WEEKS);
			break;
		default:
			break;
		}
	}
	r[COOP_X_COUNT].firms = holding;
	snprintf(r[COOP_X_COUNT].what, sizeof r[COOP_X_COUNT].what,
		 "holding a part of this order already");
	coop_no_firm_why(r, COOP_X_COUNT + 1, 3, why, n);
}

static int due_week_of(int32_t due_day, int32_t week0_day)
{
	int32_t d = due_day - week0_day;
	return d >= 0 ? d / 7 : -((-d + 6) / 7);
}

int coop_propose_solve(store *db, registry *reg, firmcal_cache *cals, const cluster_actor *a,
		       const store_coop_order *o, int32_t today, const alloc_opts *opts,
		       coop_proposal_res *out)
{
	memset(out, 0, sizeof *out);
	if (strcmp(o->status, "open") && strcmp(o->status, "offered"))
		return GLOVED_EINVAL;
	int64_t held = 0;
	int firms = 0;
	int rc = coop_held_parts(db, o->id, &held, &firms);
	if (rc)
		return rc;
	int64_t remaining = o->pairs - held;
	if (remaining <= 0 || firms >= o->max_partners)
		return GLOVED_EINVAL;
	out->week0_day = today;
	out->due_week = due_week_of(o->due_day, today);
	if ((rc = coop_pool_get(db, reg, cals, o, today, a->now_ms, &out->pool)))
		return rc;
	/* firms already holding a part are not proposed again */
	size_t k = 0, n_pool = out->pool.n;
	for (size_t i = 0; i < out->pool.n; i++) {
		store_coop_part p;
		if (!store_coop_part_get(db, o->id, out->pool.c[i].e.id, &p) &&
		    (strcmp(p.status, "offered") == 0 || strcmp(p.status, "accepted") == 0))
			continue;
		out->pool.c[k++] = out->pool.c[i];
	}
	out->pool.n = k;
	coop_firm_in *in = calloc(k ? k : 1, sizeof *in);
	out->x = calloc((k ? k : 1) * COOP_WEEKS, sizeof *out->x);
	if (!in || !out->x) {
		free(in);
		coop_proposal_free(out);
		return GLOVED_ENOMEM;
	}
	for (size_t i = 0; i < k; i++) {
		in[i].id = out->pool.c[i].e.id;
		memcpy(in[i].cap, out->pool.c[i].cap.free, sizeof in[i].cap);
		in[i].min_pairs = out->pool.c[i].prof.min_order_pairs;
		in[i].price_fen = out->pool.c[i].prof.price_fen;
	}
	coop_problem pb = {.pairs = remaining,
			   .due_week = out->due_week,
			   .max_partners = o->max_partners - firms,
			   .n = k,
			   .firms = in};
	rc = alloc_solve(&pb, opts, out->x, &out->res);
	free(in);
	if (rc) {
		coop_proposal_free(out);
		return rc;
	}
	if (out->res.status == ALLOC_INFEASIBLE && strcmp(out->res.binding, "no_firm") == 0)
		no_firm_why(o, &out->pool, (int64_t)(n_pool - k), out->res.why,
			    sizeof out->res.why);
	proposal_body(out, remaining, out->body, sizeof out->body);
	int have = out->res.status == ALLOC_OPTIMAL || out->res.status == ALLOC_FEASIBLE;
	store_coop_part *parts = calloc(k ? k : 1, sizeof *parts);
	if (!parts) {
		coop_proposal_free(out);
		return GLOVED_ENOMEM;
	}
	out->parts = parts;
	size_t np = 0;
	for (size_t i = 0; have && i < k; i++) {
		store_coop_part *p = &parts[np];
		for (int wk = 0; wk < COOP_WEEKS; wk++) {
			p->weeks[wk] = out->x[i * COOP_WEEKS + (size_t)wk];
			p->pairs += p->weeks[wk];
		}
		if (!p->pairs)
			continue;
		p->order_id = o->id;
		p->enterprise_id = out->pool.c[i].e.id;
		p->week0_day = today;
		snprintf(p->status, sizeof p->status, "proposed");
		p->updated_ms = a->now_ms;
		snprintf(p->by, sizeof p->by, "%s", a->name);
		np++;
	}
	out->n_parts = np;
	return 0;
}

int coop_propose_tx(store *s, const cluster_actor *a, const store_coop_order *o,
		    const coop_proposal_res *p)
{
	propose_ctx c = {a, o, p->parts, p->n_parts, p->body, "coop.propose"};
	return propose_tx(s, &c);
}

int coop_propose(writer *w, store *db, registry *reg, firmcal_cache *cals, const cluster_actor *a,
		 const store_coop_order *o, int32_t today, const alloc_opts *opts,
		 coop_proposal_res *out)
{
	int rc = coop_propose_solve(db, reg, cals, a, o, today, opts, out);
	if (rc)
		return rc;
	propose_ctx c = {a, o, out->parts, out->n_parts, out->body, "coop.propose"};
	rc = run_tx(w, propose_tx, &c);
	if (rc)
		coop_proposal_free(out);
	return rc;
}

void coop_proposal_free(coop_proposal_res *p)
{
	coop_pool_free(&p->pool);
	free(p->x);
	p->x = NULL;
	free(p->parts);
	p->parts = NULL;
	p->n_parts = 0;
}

/* ---- the exchange's actions ---- */

typedef struct order_ctx {
	const cluster_actor *a;
	store_coop_order *o;
	const char *status; /* set_status */
	const char *action;
} order_ctx;

static int post_tx(store *s, void *ctx)
{
	order_ctx *c = ctx;
	int rc = store_coop_order_add(s, c->o);
	char after[96];
	snprintf(after, sizeof after, "%lld pairs", (long long)c->o->pairs);
	return rc ? rc
		  : cluster_audit_tx(s, c->a, c->o->lead_id, "coop.post", c->o->code, "", after);
}

int coop_order_post(writer *w, const cluster_actor *a, store_coop_order *o)
{
	order_ctx c = {.a = a, .o = o};
	return run_tx(w, post_tx, &c);
}

int coop_parts_adjust(writer *w, const cluster_actor *a, const store_coop_order *o,
		      const store_coop_part *parts, size_t n)
{
	propose_ctx c = {a, o, parts, n, NULL, "coop.adjust"};
	return run_tx(w, propose_tx, &c);
}

int coop_check_parts(const store_coop_order *o, const coop_pool *pool, int held_firms,
		     const store_coop_part *parts, size_t n, char *msg, size_t mlen)
{
	int partners = 0;
	for (size_t i = 0; i < n; i++)
		partners += parts[i].pairs > 0;
	if (partners + held_firms > o->max_partners) {
		snprintf(msg, mlen,
			 "parts: %d partners with the %d already offered or accepted, over the "
			 "order's max_partners of %d (room for %d more)",
			 partners, held_firms, (int)o->max_partners,
			 o->max_partners > held_firms ? (int)o->max_partners - held_firms : 0);
		return GLOVED_EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		const coop_candidate *c = NULL;
		for (size_t k = 0; k < pool->n && !c; k++)
			if (pool->c[k].e.id == parts[i].enterprise_id)
				c = &pool->c[k];
		if (!c) {
			snprintf(msg, mlen,
				 "parts[%zu]: the firm is not among the firms able and willing "
				 "to take this order",
				 i);
			return GLOVED_EINVAL;
		}
		for (size_t k = 0; k < i; k++)
			if (parts[k].enterprise_id == parts[i].enterprise_id) {
				snprintf(msg, mlen, "parts[%zu]: %s appears twice", i, c->e.code);
				return GLOVED_EINVAL;
			}
		for (int w = 0; w < COOP_WEEKS; w++)
			if (parts[i].weeks[w] > c->cap.free[w]) {
				snprintf(msg, mlen,
					 "parts[%zu].weeks[%d]: %lld pairs are over %s's free "
					 "capacity of %lld that week",
					 i, w, (long long)parts[i].weeks[w], c->e.code,
					 (long long)c->cap.free[w]);
				return GLOVED_EINVAL;
			}
		if (parts[i].pairs < c->prof.min_order_pairs) {
			snprintf(msg, mlen, "parts[%zu]: %s takes at least %lld pairs", i,
				 c->e.code, (long long)c->prof.min_order_pairs);
			return GLOVED_EINVAL;
		}
	}
	return 0;
}

typedef struct answer_ctx {
	const cluster_actor *a;
	const store_coop_order *o;
	int64_t ent;
	int accept;
	const store_style *style;
	const char *reason;
	int64_t shipped;
	int64_t prod_id;
	firmcal_cache *cals; /* the firms' zones (NULL: the daemon's) */
	char *msg;
	size_t mlen;
} answer_ctx;

static int offer_tx(store *s, void *ctx)
{
	answer_ctx *c = ctx;
	store_coop_part *v = NULL;
	size_t n = 0;
	int rc = store_coop_part_list(s, c->o->id, 0, &v, &n);
	size_t offered = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		if (strcmp(v[i].status, "proposed"))
			continue;
		snprintf(v[i].status, sizeof v[i].status, "offered");
		v[i].updated_ms = c->a->now_ms;
		snprintf(v[i].by, sizeof v[i].by, "%s", c->a->name);
		rc = store_coop_part_put(s, &v[i]);
		offered++;
	}
	free(v);
	if (!rc && !offered) {
		snprintf(c->msg, c->mlen, "the order has no proposed parts to offer");
		return GLOVED_EINVAL;
	}
	if (!rc)
		rc = store_coop_order_set_status(s, c->o->id, "offered");
	char after[64];
	snprintf(after, sizeof after, "%zu parts offered", offered);
	return rc ? rc
		  : cluster_audit_tx(s, c->a, c->o->lead_id, "coop.offer", c->o->code, "", after);
}

int coop_offer_tx(store *s, const cluster_actor *a, const store_coop_order *o)
{
	char msg[8];
	answer_ctx c = {.a = a, .o = o, .msg = msg, .mlen = sizeof msg};
	return offer_tx(s, &c);
}

int coop_offer(writer *w, const cluster_actor *a, const store_coop_order *o)
{
	char msg[8];
	answer_ctx c = {.a = a, .o = o, .msg = msg, .mlen = sizeof msg};
	return run_tx(w, offer_tx, &c);
}

/* Placed when the accepted parts make the whole order; done when every
 * accepted part is shipped and the order is placed. */
static int settle_status(store *s, const store_coop_order *o)
{
	store_coop_part *v = NULL;
	size_t n = 0;
	int rc = store_coop_part_list(s, o->id, 0, &v, &n);
	if (rc)
		return rc;
	int64_t accepted = 0, shipped = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].status, "accepted") == 0) {
			accepted += v[i].pairs;
			shipped += v[i].shipped < v[i].pairs ? v[i].shipped : v[i].pairs;
		}
	free(v);
	const char *st = NULL;
	if (accepted >= o->pairs)
		st = shipped >= o->pairs ? "done" : "placed";
	return st ? store_coop_order_set_status(s, o->id, st) : 0;
}

static int answer_tx(store *s, void *ctx)
{
	answer_ctx *c = ctx;
	store_coop_part p;
	int rc = store_coop_part_get(s, c->o->id, c->ent, &p);
	if (rc == GLOVED_ENOTFOUND || (!rc && strcmp(p.status, "offered"))) {
		if (rc)
			snprintf(c->msg, c->mlen, "the firm has no part in this order");
		else
			snprintf(c->msg, c->mlen, "the part is not offered (it is %s)", p.status);
		return GLOVED_EINVAL;
	}
	if (rc)
		return rc;
	if (c->accept) {
		store_order po;
		memset(&po, 0, sizeof po);
		po.enterprise_id = c->ent;
		po.style_id = c->style->id;
		snprintf(po.code, sizeof po.code, "%s", c->o->code);
		char lead[64] = "";
		if (c->o->lead_id) {
			store_scope ls = {.enterprise_id = c->o->lead_id};
			store_enterprise *ev = NULL;
			size_t ne = 0;
			if ((rc = store_enterprise_list(s, ls, &ev, &ne)))
				return rc;
			for (size_t i = 0; i < ne; i++)
				if (ev[i].id == c->o->lead_id)
					snprintf(lead, sizeof lead, "%s", ev[i].code);
			free(ev);
		}
		/* the buyer the partner sees: the lead firm (or the association) */
		snprintf(po.buyer, sizeof po.buyer, "协作 %s", c->o->lead_id ? lead : "联合会");
		snprintf(po.unit, sizeof po.unit, "pair");
		snprintf(po.status, sizeof po.status, "open");
		po.due_day = c->o->due_day;
		po.created_ms = c->a->now_ms;
		/* the pairs over the style's sizes, evenly, the rest on the first */
		char sizes[sizeof c->style->sizes];
		snprintf(sizes, sizeof sizes, "%s", c->style->sizes);
		char *save = NULL;
		for (char *t = strtok_r(sizes, ",", &save); t && po.n_lines < STORE_MAX_SIZES;
		     t = strtok_r(NULL, ",", &save))
			snprintf(po.lines[po.n_lines++].size, sizeof po.lines[0].size, "%s", t);
		if (!po.n_lines) {
			snprintf(c->msg, c->mlen, "style %s has no sizes", c->style->code);
			return GLOVED_EINVAL;
		}
		for (int32_t i = 0; i < po.n_lines; i++)
			po.lines[i].pairs = p.pairs / po.n_lines;
		po.lines[0].pairs += p.pairs % po.n_lines;
		store_scope sc = {.enterprise_id = c->ent};
		rc = store_order_add(s, sc, &po);
		if (rc == GLOVED_EEXIST) {
			snprintf(c->msg, c->mlen,
				 "the firm has a production order %s already: the part's order "
				 "takes the cooperative order's code",
				 po.code);
			return GLOVED_EINVAL;
		}
		if (!rc)
			rc = coop_order_royalty_tx(s, c->cals, &po, c->a->now_ms);
		if (rc)
			return rc;
		c->prod_id = po.id;
		p.prod_order_id = po.id;
		snprintf(p.status, sizeof p.status, "accepted");
		p.reason[0] = '\0';
	} else {
		snprintf(p.status, sizeof p.status, "declined");
		snprintf(p.reason, sizeof p.reason, "%s", c->reason ? c->reason : "");
	}
	p.updated_ms = c->a->now_ms;
	snprintf(p.by, sizeof p.by, "%s", c->a->name);
	if ((rc = store_coop_part_put(s, &p)) || (rc = settle_status(s, c->o)))
		return rc;
	char after[300];
	snprintf(after, sizeof after, "%s %lld pairs%s%s", p.status, (long long)p.pairs,
		 c->accept ? "" : ": ", c->accept ? "" : p.reason);
	return cluster_audit_tx(s, c->a, c->ent, c->accept ? "coop.accept" : "coop.decline",
				c->o->code, "offered", after);
}

int coop_answer_tx(store *s, const cluster_actor *a, const store_coop_order *o, int64_t ent,
		   int accept, const store_style *style, const char *reason, char *msg, size_t mlen)
{
	answer_ctx c = {.a = a,
			.o = o,
			.ent = ent,
			.accept = accept,
			.style = style,
			.reason = reason,
			.msg = msg,
			.mlen = mlen};
	return answer_tx(s, &c);
}

int coop_answer(writer *w, const cluster_actor *a, const store_coop_order *o, int64_t ent,
		int accept, const store_style *style, const char *reason, int64_t *prod_order_id,
		char *msg, size_t mlen)
{
	answer_ctx c = {.a = a,
			.o = o,
			.ent = ent,
			.accept = accept,
			.style = style,
			.reason = reason,
			.cals = writer_cals(w),
			.msg = msg,
			.mlen = mlen};
	int rc = run_tx(w, answer_tx, &c);
	if (!rc && prod_order_id)
		*prod_order_id = c.prod_id;
	return rc;
}

static int ship_tx(store *s, void *ctx)
{
	answer_ctx *c = ctx;
	store_coop_part p;
	int rc = store_coop_part_get(s, c->o->id, c->ent, &p);
	if (rc == GLOVED_ENOTFOUND || (!rc && strcmp(p.status, "accepted"))) {
		snprintf(c->msg, c->mlen, "only an accepted part ships");
		return GLOVED_EINVAL;
	}
	if (rc)
		return rc;
	if (c->shipped < p.shipped || c->shipped > p.pairs) {
		snprintf(c->msg, c->mlen,
			 "shipped: the pairs shipped so far, %lld to the part's %lld",
			 (long long)p.shipped, (long long)p.pairs);
		return GLOVED_EINVAL;
	}
	char before[32], after[32];
	snprintf(before, sizeof before, "%lld", (long long)p.shipped);
	snprintf(after, sizeof after, "%lld", (long long)c->shipped);
	p.shipped = c->shipped;
	p.updated_ms = c->a->now_ms;
	snprintf(p.by, sizeof p.by, "%s", c->a->name);
	if ((rc = store_coop_part_put(s, &p)) || (rc = settle_status(s, c->o)))
		return rc;
	return cluster_audit_tx(s, c->a, c->ent, "coop.ship", c->o->code, before, after);
}

int coop_ship(writer *w, const cluster_actor *a, const store_coop_order *o, int64_t ent,
	      int64_t shipped, char *msg, size_t mlen)
{
	answer_ctx c = {.a = a, .o = o, .ent = ent, .shipped = shipped, .msg = msg, .mlen = mlen};
	return run_tx(w, ship_tx, &c);
}

static int cancel_tx(store *s, void *ctx)
{
	order_ctx *c = ctx;
	int rc = store_coop_part_clear(s, c->o->id, "proposed");
	if (!rc)
		rc = store_coop_order_set_status(s, c->o->id, "cancelled");
	return rc ? rc
		  : cluster_audit_tx(s, c->a, c->o->lead_id, "coop.cancel", c->o->code,
				     c->o->status, "cancelled");
}

int coop_cancel(writer *w, const cluster_actor *a, const store_coop_order *o)
{
	order_ctx c = {.a = a, .o = (store_coop_order *)o};
	return run_tx(w, cancel_tx, &c);
}

int coop_progress_get(store *db, firmcal_cache *cals, const store_coop_part *p, int64_t now_ms,
		      coop_progress *out)
{
	memset(out, 0, sizeof *out);
	if (!p->prod_order_id)
		return 0;
	store_scope sc = {.enterprise_id = p->enterprise_id};
	store_order o;
	int rc = store_order_get(db, sc, p->enterprise_id, NULL, p->prod_order_id, &o);
	if (rc)
		return rc == GLOVED_ENOTFOUND ? 0 : rc;
	snprintf(out->prod_order, sizeof out->prod_order, "%s", o.code);
	const firm_cal *fc = firmcal_get(cals, db, p->enterprise_id);
	if (!fc)
		return GLOVED_ENOMEM;
	wip_result wr;
	memset(&wr, 0, sizeof wr);
	if (!strcmp(o.status, "done"))
		out->produced = sewn_order_pairs(&o);
	else if (!(rc = wip_get(db, fc, sc, p->enterprise_id, o.id, now_ms, &wr))) {
		for (size_t i = 0; i < wr.n; i++)
			out->produced += wr.orders[i].finished_pairs;
		wip_free(&wr);
	}
	if (rc)
		return rc;
	store_lot *v = NULL;
	size_t n = 0;
	if ((rc = store_lot_list(db, sc, p->enterprise_id, "inspected", &v, &n)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (v[i].order_id != o.id)
			continue;
		out->lots++;
		if (out->n_lot < sizeof out->lot / sizeof out->lot[0]) {
			snprintf(out->lot[out->n_lot].code, sizeof out->lot[0].code, "%s",
				 v[i].code);
			snprintf(out->lot[out->n_lot].result, sizeof out->lot[0].result, "%s",
				 v[i].result);
			out->lot[out->n_lot++].pairs = v[i].pieces / 2;
		}
		if (strcmp(v[i].result, "accepted") == 0) {
			out->lots_accepted++;
			out->inspected += v[i].pieces / 2;
		}
	}
	free(v);
	return 0;
}

/* ---- the design library ---- */

typedef struct design_ctx {
	const cluster_actor *a;
	store_design *d;
	const store_design *cd;
	store_design_file *f;
	store_design_licence *l;
	const char *status, *note;
	store_style *st;
	int64_t ent;
	char *msg;
	size_t mlen;
} design_ctx;

static int design_add_tx(store *s, void *ctx)
{
	design_ctx *c = ctx;
	int rc = store_design_add(s, c->d);
	char after[64];
	snprintf(after, sizeof after, "%s %s", c->d->terms, c->d->fee_kind);
	return rc ? rc
		  : cluster_audit_tx(s, c->a, c->d->enterprise_id, "design.add", c->d->code, "",
				     after);
}

int coop_design_add(writer *w, const cluster_actor *a, store_design *d)
{
	design_ctx c = {.a = a, .d = d};
	return run_tx(w, design_add_tx, &c);
}

static int design_update_tx(store *s, void *ctx)
{
	design_ctx *c = ctx;
	store_design old;
	int rc = store_design_get(s, c->cd->id, &old);
	if (!rc)
		rc = store_design_update(s, c->cd);
	if (rc)
		return rc;
	char before[64], after[64];
	snprintf(before, sizeof before, "%s %s %lld", old.terms, old.fee_kind,
		 (long long)old.fee_fen);
	snprintf(after, sizeof after, "%s %s %lld", c->cd->terms, c->cd->fee_kind,
		 (long long)c->cd->fee_fen);
	return cluster_audit_tx(s, c->a, c->cd->enterprise_id, "design.update", c->cd->code, before,
				after);
}

int coop_design_update(writer *w, const cluster_actor *a, const store_design *d)
{
	design_ctx c = {.a = a, .cd = d};
	return run_tx(w, design_update_tx, &c);
}

static int file_tx(store *s, void *ctx)
{
	design_ctx *c = ctx;
	store_design d;
	int rc = store_design_get(s, c->f->design_id, &d);
	if (!rc)
		rc = store_design_file_add(s, c->f);
	char after[160];
	snprintf(after, sizeof after, "%s %s %zu bytes", c->f->kind, c->f->name, c->f->size);
	return rc ? rc
		  : cluster_audit_tx(s, c->a, d.enterprise_id, "design.file", d.code, "", after);
}

int coop_design_file_add(writer *w, const cluster_actor *a, store_design_file *f)
{
	design_ctx c = {.a = a, .f = f};
	return run_tx(w, file_tx, &c);
}

static int request_tx(store *s, void *ctx)
{
	design_ctx *c = ctx;
	store_design_licence old;
	int rc = store_design_licence_get(s, 0, c->cd->id, c->ent, &old);
	if (!rc && (strcmp(old.status, "requested") == 0 || strcmp(old.status, "granted") == 0)) {
		snprintf(c->msg, c->mlen, "the firm's licence of this design is %s already",
			 old.status);
		return GLOVED_EINVAL;
	}
	if (rc && rc != GLOVED_ENOTFOUND)
		return rc;
	store_design_licence *l = c->l;
	memset(l, 0, sizeof *l);
	l->design_id = c->cd->id;
	l->enterprise_id = c->ent;
	snprintf(l->status, sizeof l->status, "requested");
	snprintf(l->fee_kind, sizeof l->fee_kind, "%s", c->cd->fee_kind);
	l->fee_fen = c->cd->fee_fen;
	snprintf(l->note, sizeof l->note, "%s", c->note ? c->note : "");
	l->requested_ms = c->a->now_ms;
	snprintf(l->by, sizeof l->by, "%s", c->a->name);
	if ((rc = store_design_licence_put(s, l)))
		return rc;
	return cluster_audit_tx(s, c->a, c->ent, "design.licence.request", c->cd->code, "",
				"requested");
}

int coop_licence_request(writer *w, const cluster_actor *a, const store_design *d, int64_t ent,
			 const char *note, store_design_licence *out, char *msg, size_t mlen)
{
	if (d->enterprise_id == ent) {
		snprintf(msg, mlen, "a firm needs no licence of its own design");
		return GLOVED_EINVAL;
	}
	if (strcmp(d->terms, "cluster")) {
		snprintf(msg, mlen, "%s",
			 strcmp(d->terms, "public") == 0
			     ? "a public design needs no licence: adopt it"
			     : "the design is private: its owner does not license it");
		return GLOVED_EINVAL;
	}
	design_ctx c = {
	    .a = a, .cd = d, .ent = ent, .l = out, .note = note, .msg = msg, .mlen = mlen};
	return run_tx(w, request_tx, &c);
}

static int decide_tx(store *s, void *ctx)
{
	design_ctx *c = ctx;
	store_design_licence *l = c->l;
	const char *from = l->status;
	int ok = (strcmp(from, "requested") == 0 &&
		  (strcmp(c->status, "granted") == 0 || strcmp(c->status, "refused") == 0)) ||
		 (strcmp(from, "granted") == 0 && strcmp(c->status, "revoked") == 0);
	if (!ok) {
		snprintf(c->msg, c->mlen, "a %s licence cannot be %s", from, c->status);
		return GLOVED_EINVAL;
	}
	char before[12];
	snprintf(before, sizeof before, "%s", from);
	store_design d;
	int rc = store_design_get(s, l->design_id, &d);
	if (rc)
		return rc;
	snprintf(l->status, sizeof l->status, "%s", c->status);
	if (c->note && c->note[0])
		snprintf(l->note, sizeof l->note, "%s", c->note);
	l->decided_ms = c->a->now_ms;
	snprintf(l->by, sizeof l->by, "%s", c->a->name);
	if ((rc = store_design_licence_put(s, l)))
		return rc;
	return cluster_audit_tx(s, c->a, d.enterprise_id, "design.licence.decide", d.code, before,
				c->status);
}

int coop_licence_decide(writer *w, const cluster_actor *a, store_design_licence *l,
			const char *status, const char *note, char *msg, size_t mlen)
{
	design_ctx c = {.a = a, .l = l, .status = status, .note = note, .msg = msg, .mlen = mlen};
	return run_tx(w, decide_tx, &c);
}

/* The style of a design's body: sizes, materials and the routing. */
static int style_of_design(const store_design *d, store_style *st, char *msg, size_t mlen)
{
	cJSON *j = cJSON_Parse(d->body);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return bad(msg, mlen, "design", "its body is not an object");
	}
	const cJSON *sz = cJSON_GetObjectItemCaseSensitive(j, "sizes");
	const cJSON *mat = cJSON_GetObjectItemCaseSensitive(j, "materials");
	const cJSON *ops = cJSON_GetObjectItemCaseSensitive(j, "ops");
	if (cJSON_IsString(sz))
		snprintf(st->sizes, sizeof st->sizes, "%s", sz->valuestring);
	if (cJSON_IsString(mat))
		snprintf(st->materials, sizeof st->materials, "%s", mat->valuestring);
	const cJSON *op;
	cJSON_ArrayForEach(op, ops)
	{
		if (st->n_ops >= STORE_MAX_OPS)
			break;
		store_style_op *o = &st->ops[st->n_ops];
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(op, "code");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(op, "name");
		const cJSON *smv = cJSON_GetObjectItemCaseSensitive(op, "smv_c");
		int64_t smv_c = 0;
		if (!cJSON_IsString(code) || !cJSON_IsString(name) || !cJSON_IsNumber(smv) ||
		    !num_whole(smv->valuedouble, 0, 100000, &smv_c))
			continue;
		o->seq = st->n_ops + 1;
		snprintf(o->code, sizeof o->code, "%s", code->valuestring);
		snprintf(o->name, sizeof o->name, "%s", name->valuestring);
		o->smv_c = smv_c;
		st->n_ops++;
	}
	cJSON_Delete(j);
	if (!st->sizes[0])
		return bad(msg, mlen, "design", "names no sizes");
	return 0;
}

static int adopt_tx(store *s, void *ctx)
{
	design_ctx *c = ctx;
	const store_design *d = c->cd;
	int64_t licence_id = 0;
	if (d->enterprise_id != c->ent && strcmp(d->terms, "public")) {
		store_design_licence l;
		int rc = store_design_licence_get(s, 0, d->id, c->ent, &l);
		if (rc == GLOVED_ENOTFOUND || (!rc && strcmp(l.status, "granted"))) {
			snprintf(c->msg, c->mlen,
				 "the firm holds no granted licence of design %s: request one",
				 d->code);
			return GLOVED_EPERM;
		}
		if (rc)
			return rc;
		licence_id = l.id;
	}
	store_scope sc = {.enterprise_id = c->ent};
	int rc = store_style_add(s, sc, c->st);
	if (rc == GLOVED_EEXIST) {
		snprintf(c->msg, c->mlen, "the firm has a style %s already", c->st->code);
		return rc;
	}
	if (!rc)
		rc = store_style_design_put(s, c->st->id, d->id, licence_id);
	return rc ? rc
		  : cluster_audit_tx(s, c->a, c->ent, "design.adopt", d->code, "", c->st->code);
}

int coop_design_adopt(writer *w, const cluster_actor *a, const store_design *d, int64_t ent,
		      store_style *st, char *msg, size_t mlen)
{
	int rc = style_of_design(d, st, msg, mlen);
	if (rc)
		return rc;
	st->enterprise_id = ent;
	if (!st->code[0])
		snprintf(st->code, sizeof st->code, "%s", d->code);
	if (!st->name[0])
		snprintf(st->name, sizeof st->name, "%s", d->name);
	snprintf(st->category, sizeof st->category, "%s", d->category);
	snprintf(st->family, sizeof st->family, "%s", d->family);
	design_ctx c = {.a = a, .cd = d, .ent = ent, .st = st, .msg = msg, .mlen = mlen};
	return run_tx(w, adopt_tx, &c);
}

int coop_order_royalty_tx(store *s, firmcal_cache *cals, const store_order *o, int64_t now_ms)
{
	int64_t design_id = 0, licence_id = 0;
	int rc = store_style_design_get(s, o->style_id, &design_id, &licence_id);
	if (rc == GLOVED_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	store_design d;
	if ((rc = store_design_get(s, design_id, &d)))
		return rc == GLOVED_ENOTFOUND ? 0 : rc;
	if (d.enterprise_id == o->enterprise_id)
		return 0; /* its own design */
	store_design_use u = {.design_id = design_id,
			      .licence_id = licence_id,
			      .enterprise_id = o->enterprise_id,
			      .order_id = o->id,
			      .pairs = sewn_order_pairs(o),
			      .ts_ms = now_ms};
	if (licence_id) {
		store_design_licence l;
		if ((rc = store_design_licence_get(s, licence_id, 0, 0, &l)))
			return rc;
		if (strcmp(l.status, "granted"))
			return GLOVED_EPERM;
		int64_t uses = 0;
		if ((rc = store_design_use_count(s, licence_id, &uses)))
			return rc;
		u.royalty_fen = coop_royalty(l.fee_kind, l.fee_fen, u.pairs, uses == 0);
		if (u.royalty_fen < 0)
			u.royalty_fen = 0;
	}
	const firm_cal *fc = cals ? firmcal_get(cals, s, o->enterprise_id) : NULL;
	if (fc) {
		u.month = coop_royalty_month(&fc->zone, now_ms);
	} else {
		char day[16];
		tz_date dt;
		ltime_format_day(now_ms, day, sizeof day);
		u.month = tz_date_parse(day, &dt) ? 0 : dt.year * 100 + dt.month;
	}
	return store_design_use_add(s, &u);
}

/* ---- enquiries and town pages ---- */

typedef struct enq_ctx {
	const cluster_actor *a;
	store_enquiry *q;
	const int64_t *firms;
	size_t n;
	const store_enquiry_route *route;
	const store_town_page *page;
} enq_ctx;

static int enquiry_tx(store *s, void *ctx)
{
	enq_ctx *c = ctx;
	int rc = store_enquiry_add(s, c->q);
	for (size_t i = 0; !rc && i < c->n; i++) {
		store_enquiry_route r = {.enquiry_id = c->q->id, .enterprise_id = c->firms[i]};
		snprintf(r.status, sizeof r.status, "new");
		rc = store_enquiry_route_put(s, &r);
	}
	char after[200];
	snprintf(after, sizeof after, "%lld pairs of %.120s, routed to %zu firms",
		 (long long)c->q->pairs, c->q->product, c->n);
	return rc ? rc : cluster_audit_tx(s, c->a, 0, "enquiry.add", c->q->ref, "", after);
}

typedef struct ranked {
	int64_t id, free;
} ranked;

static int by_free(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	return x->free > y->free ? -1 : x->free < y->free ? 1 : (x->id > y->id) - (x->id < y->id);
}

/* A firm's free pairs from today up to the enquiry's due week (weeks 0 to
 * the due week, as a split on time counts them; the whole horizon without
 * a due day or one beyond it). */
static int64_t enquiry_free(const coop_capacity *cap, const store_enquiry *q, int32_t today)
{
	int last = q->due_day > 0 ? due_week_of(q->due_day, today) : COOP_WEEKS - 1;
	if (last >= COOP_WEEKS)
		last = COOP_WEEKS - 1;
	int64_t sum = 0;
	for (int wk = 0; wk <= last; wk++)
		sum += cap->free[wk];
	return sum;
}

/* The least a routed firm's free pairs by the due day must cover: its
 * minimum order, and at least an even share of the enquiry across
 * COOP_ROUTE_MAX firms (pairs / COOP_ROUTE_MAX rounded up, at least 1). */
static int64_t enquiry_share(const coop_profile *prof, const store_enquiry *q)
{
	int64_t share = (q->pairs + COOP_ROUTE_MAX - 1) / COOP_ROUTE_MAX;
	if (share < 1)
		share = 1;
	return prof->min_order_pairs > share ? prof->min_order_pairs : share;
}

int coop_enquiry_add(writer *w, store *db, registry *reg, firmcal_cache *cals,
		     const cluster_actor *a, store_enquiry *q, int32_t today, size_t *routed)
{
	store_enterprise *es = NULL;
	size_t n = 0;
	int rc = registry_enterprises(reg, all, &es, &n);
	if (rc)
		return rc;
	ranked *rk = calloc(n ? n : 1, sizeof *rk);
	if (!rk) {
		free(es);
		return GLOVED_ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		store_share sh = {.enterprise_id = es[i].id};
		if (store_share_get(db, es[i].id, &sh) || !(sh.capacity || sh.catalogue))
			continue;
		store_coop_profile sp;
		coop_profile prof;
		char m[8];
		if (store_coop_profile_get(db, es[i].id, &sp) ||
		    coop_profile_parse(sp.body, strlen(sp.body), &prof, m, sizeof m))
			continue;
		const char *fam = q->family[0]   ? q->family
				  : prof.sewn    ? "sewn"
				  : prof.knitted ? "knitted"
						 : "dipped";
		if (!coop_profile_has_family(&prof, fam))
			continue;
		if (prof.min_order_pairs > q->pairs)
			continue; /* the enquiry is under its minimum order */
		coop_capacity cap;
		rc = coop_capacity_get(db, reg, cals, es[i].id, &prof, fam, 0, NULL, today, 0,
				       a->now_ms, &cap);
		if (rc)
			break;
		int64_t sum = enquiry_free(&cap, q, today);
		if (sum < enquiry_share(&prof, q))
			continue;
		rk[k].id = es[i].id;
		rk[k].free = sum;
		k++;
	}
	free(es);
	if (rc) {
		free(rk);
		return rc;
	}
	qsort(rk, k, sizeof *rk, by_free);
	if (k > COOP_ROUTE_MAX)
		k = COOP_ROUTE_MAX;
	int64_t firms[COOP_ROUTE_MAX];
	for (size_t i = 0; i < k; i++)
		firms[i] = rk[i].id;
	free(rk);
	enq_ctx c = {.a = a, .q = q, .firms = firms, .n = k};
	rc = run_tx(w, enquiry_tx, &c);
	if (!rc && routed)
		*routed = k;
	return rc;
}

static int answer_route_tx(store *s, void *ctx)
{
	enq_ctx *c = ctx;
	store_enquiry_route old;
	int rc = store_enquiry_route_get(s, c->route->enquiry_id, c->route->enterprise_id, &old);
	store_enquiry q;
	if (!rc)
		rc = store_enquiry_get(s, c->route->enquiry_id, NULL, &q);
	if (!rc)
		rc = store_enquiry_route_put(s, c->route);
	char after[64];
	snprintf(after, sizeof after, "%s %lld fen/dozen", c->route->status,
		 (long long)c->route->price_fen);
	return rc ? rc
		  : cluster_audit_tx(s, c->a, c->route->enterprise_id, "enquiry.answer", q.ref,
				     old.status, after);
}

int coop_enquiry_answer(writer *w, const cluster_actor *a, const store_enquiry_route *x)
{
	enq_ctx c = {.a = a, .route = x};
	return run_tx(w, answer_route_tx, &c);
}

static int town_tx(store *s, void *ctx)
{
	enq_ctx *c = ctx;
	int rc = store_town_page_put(s, c->page);
	return rc ? rc : cluster_audit_tx(s, c->a, 0, "town.page", c->page->town, "", "updated");
}

int coop_town_page_put(writer *w, const cluster_actor *a, const store_town_page *x)
{
	enq_ctx c = {.a = a, .page = x};
	return run_tx(w, town_tx, &c);
}

int coop_audit(writer *w, const cluster_actor *a, int64_t ent, const char *action,
	       const char *target, const char *after)
{
	return cluster_audit(w, a, ent, action, target, "", after);
}
