/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_cluster.c: libFuzzer target for the parsers of the cluster and
 * analytics issues: the year's statistics form (src/app/cluster.c
 * cluster_form_parse, core/cluster.c cluster_form_check), the development
 * plan (cluster_plan_parse), a size class and a measure name
 * (cluster_size_parse, cluster_measure_parse), a training certificate's
 * QR payload (cert_payload_parse), a firm's piece-rate card
 * (src/app/analytics.c analytics_card_parse) and a firm's shift calendar
 * (src/app/firmcal.c firmcal_parse, with the system's tz database). The
 * first input byte picks the mode; the rest is the JSON or the text.
 * Checks besides the sanitizers: a refusal has a NUL-terminated message
 * naming something; a parsed form passes cluster_form_check, is written
 * (cluster_form_json) and parses to the very same fields; a plan stays
 * within its bounds (indicators, years, NUL-terminated texts, years inside
 * the plan's span); a name parses to the value whose name it is; a
 * certificate payload made again from its fields is the same text; a rate
 * card and a calendar written back parse to the same card and the same
 * JSON. See docs/fuzzing.md. */
#include "fuzz_text.h"
#include "app/analytics.h"
#include "app/cluster.h"
#include "app/firmcal.h"
#include "core/cluster.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

static void refused(const char *msg, size_t n)
{
	if (!memchr(msg, '\0', n) || !msg[0])
		abort();
}

static void form(const char *s, size_t n)
{
	stat_field f[STAT_FIELDS_MAX], g[STAT_FIELDS_MAX];
	size_t nf = 0, ng = 0, bad = 0;
	char msg[256] = "";
	if (cluster_form_parse(s, n, f, &nf, msg, sizeof msg)) {
		refused(msg, sizeof msg);
		return;
	}
	if (nf < 1 || nf > STAT_FIELDS_MAX || cluster_form_check(f, nf, &bad, msg, sizeof msg))
		abort();
	for (size_t i = 0; i < nf; i++)
		if (!TERMINATED(f[i].key) || !TERMINATED(f[i].name_zh) ||
		    !TERMINATED(f[i].name_en) || !TERMINATED(f[i].unit))
			abort();
	buf b;
	buf_init(&b, 1u << 20);
	if (cluster_form_json(f, nf, &b) ||
	    cluster_form_parse(b.data, b.len, g, &ng, msg, sizeof msg) || ng != nf)
		abort();
	for (size_t i = 0; i < nf; i++)
		if (strcmp(f[i].key, g[i].key) || strcmp(f[i].name_zh, g[i].name_zh) ||
		    strcmp(f[i].name_en, g[i].name_en) || strcmp(f[i].unit, g[i].unit) ||
		    f[i].decimals != g[i].decimals || f[i].required != g[i].required ||
		    f[i].measure != g[i].measure || f[i].role != g[i].role)
			abort();
	buf_free(&b);
}

static void plan(const char *s, size_t n)
{
	plan_doc *p = calloc(1, sizeof *p);
	char msg[256] = "";
	if (!p)
		return;
	if (cluster_plan_parse(s, n, p, msg, sizeof msg)) {
		refused(msg, sizeof msg);
		goto out;
	}
	if (!TERMINATED(p->title) || p->n > PLAN_INDICATORS_MAX || p->year0 > p->year1)
		abort();
	for (size_t i = 0; i < p->n; i++) {
		const plan_indicator *x = &p->ind[i];
		if (!x->key[0] || !TERMINATED(x->key) || !TERMINATED(x->name_zh) ||
		    !TERMINATED(x->name_en) || !TERMINATED(x->unit) || !TERMINATED(x->source) ||
		    !TERMINATED(x->metric) || x->n_years > PLAN_YEARS_MAX || x->decimals < 0 ||
		    x->decimals > 4)
			abort();
		for (size_t k = 0; k < x->n_years; k++)
			if (x->years[k] < p->year0 || x->years[k] > p->year1)
				abort();
		for (size_t k = 0; k < i; k++)
			if (strcmp(p->ind[k].key, x->key) == 0)
				abort(); /* keys are distinct */
	}
out:
	free(p);
}

static void names(const char *s)
{
	int c = cluster_size_parse(s);
	if (c >= 0 && strcmp(cluster_size_name((size_class)c), s) != 0)
		abort();
	int m = cluster_measure_parse(s);
	if (m >= 0 && strcmp(cluster_measure_name((stat_measure)m), s) != 0)
		abort();
	cert_fields f;
	if (cert_payload_parse(s, &f) == 0) {
		char again[512];
		if (!TERMINATED(f.serial) || !TERMINATED(f.firm) || !TERMINATED(f.worker) ||
		    !TERMINATED(f.worker_name) || !TERMINATED(f.course) ||
		    !TERMINATED(f.operation) || !TERMINATED(f.day) || f.level < 1 || f.level > 5 ||
		    cert_payload_make(&f, again, sizeof again) || strcmp(again, s) != 0)
			abort();
	}
}

static void card(const char *s, size_t n)
{
	wage_card c, d;
	char err[256] = "";
	if (analytics_card_parse(s, n, &c, err, sizeof err)) {
		refused(err, sizeof err);
		return;
	}
	if (c.n_steps > WAGE_MAX_STEPS || c.rate_y4 < 0)
		abort();
	buf b, b2;
	buf_init(&b, 1u << 20);
	buf_init(&b2, 1u << 20);
	if (analytics_card_json(&c, &b) ||
	    analytics_card_parse(b.data, b.len, &d, err, sizeof err) ||
	    analytics_card_json(&d, &b2) || b.len != b2.len || memcmp(b.data, b2.data, b.len))
		abort();
	buf_free(&b);
	buf_free(&b2);
}

static void calendar(const char *s, size_t n)
{
	firm_cal *c = calloc(1, sizeof *c), *d = calloc(1, sizeof *d);
	char err[256] = "";
	buf b, b2;
	buf_init(&b, 1u << 20);
	buf_init(&b2, 1u << 20);
	if (!c || !d)
		goto out;
	if (firmcal_parse(s, n, NULL, c, err, sizeof err)) {
		refused(err, sizeof err);
		goto out;
	}
	if (firmcal_json(c, "F1", &b) || firmcal_parse(b.data, b.len, NULL, d, err, sizeof err) ||
	    firmcal_json(d, "F1", &b2) || b.len != b2.len || memcmp(b.data, b2.data, b.len))
		abort();
out:
	buf_free(&b);
	buf_free(&b2);
	free(c);
	free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned mode;
	char *s = fuzz_split(&data, &size, 16384, 5, &mode);
	if (!s)
		return 0;
	switch (mode) {
	case 0:
		form(s, size);
		break;
	case 1:
		plan(s, size);
		break;
	case 2:
		names(s);
		break;
	case 3:
		card(s, size);
		break;
	default:
		calendar(s, size);
		break;
	}
	free(s);
	return 0;
}
