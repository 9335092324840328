/* SPDX-License-Identifier: Apache-2.0 */
/* analytics.c: OEE, trend, worker output and wages from the rollups (see
 * analytics.h). Planned time: every machine in the filter is planned for
 * every shift instance of its firm whose shift day is in range (rest days
 * skipped), the instance's planned spans clipped to `now`. Stored shift
 * rows add their state time, pieces and ideal time; the newest report of
 * each machine adds its open interval (up to offline_after, up to now).
 * Planned time no report covered is offline. */
#include "app/analytics.h"
#include "core/state.h"
#include "util/num.h"
#include "util/err.h"
#include "util/json.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DAYS 400

/* ---- a small open-addressing map from a 64-bit key to a row index ---- */

typedef struct imap {
	uint64_t *keys;
	size_t *vals;
	size_t cap; /* power of two */
	size_t n;
} imap;

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

static int imap_grow(imap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 256;
	uint64_t *k = malloc(cap * sizeof *k);
	size_t *v = malloc(cap * sizeof *v);
	if (!k || !v) {
		free(k);
		free(v);
		return GLOVED_ENOMEM;
	}
	for (size_t i = 0; i < cap; i++)
		v[i] = (size_t)-1;
	for (size_t i = 0; i < m->cap; i++) {
		if (m->vals[i] == (size_t)-1)
			continue;
		size_t h = mix(m->keys[i]) & (cap - 1);
		while (v[h] != (size_t)-1)
			h = (h + 1) & (cap - 1);
		k[h] = m->keys[i];
		v[h] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = k;
	m->vals = v;
	m->cap = cap;
	return GLOVED_OK;
}

/* The value of key, or (size_t)-1. */
static size_t imap_get(const imap *m, uint64_t key)
{
	if (!m->cap)
		return (size_t)-1;
	size_t h = mix(key) & (m->cap - 1);
	while (m->vals[h] != (size_t)-1) {
		if (m->keys[h] == key)
			return m->vals[h];
		h = (h + 1) & (m->cap - 1);
	}
	return (size_t)-1;
}

static int imap_put(imap *m, uint64_t key, size_t val)
{
	if ((m->n + 1) * 2 > m->cap && imap_grow(m))
		return GLOVED_ENOMEM;
	size_t h = mix(key) & (m->cap - 1);
	while (m->vals[h] != (size_t)-1 && m->keys[h] != key)
		h = (h + 1) & (m->cap - 1);
	if (m->vals[h] == (size_t)-1)
		m->n++;
	m->keys[h] = key;
	m->vals[h] = val;
	return GLOVED_OK;
}

static void imap_free(imap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* ---- shift instances of the firms in a query ---- */

typedef struct inst {
	shift_instance in;
	shift_span spans[SHIFT_MAX_SPANS];
	int n_spans;
	int64_t planned_ms; /* up to now */
} inst;

typedef struct firm_insts {
	int64_t enterprise_id;
	int day_before; /* a trend: also the day before (its night shift plans the first
			 * hours) and instances not begun yet */
	const firm_cal *fc;
	inst *v;
	size_t n;
} firm_insts;

static int64_t clip_planned(const inst *x, int64_t now)
{
	return shift_spans_overlap_ms(x->spans, x->n_spans, x->in.start_ms,
				      x->in.end_ms < now ? x->in.end_ms : now);
}

static int load_insts(firm_insts *fi, store *db, firmcal_cache *cals, const an_query *q)
{
	fi->fc = firmcal_get(cals, db, fi->enterprise_id);
	if (!fi->fc)
		return GLOVED_ENOMEM;
	const firm_cal *fc = fi->fc;
	size_t cap = (size_t)(q->day1 - q->day0 + 1 + fi->day_before) *
		     (size_t)(fc->cal.n_shifts ? fc->cal.n_shifts : 1);
	fi->v = calloc(cap ? cap : 1, sizeof *fi->v);
	if (!fi->v)
		return GLOVED_ENOMEM;
	for (int32_t d = q->day0 - fi->day_before; d <= q->day1; d++) {
		tz_date day = tz_civil_from_days(d);
		if (shift_is_rest_day(&fc->cal, day))
			continue;
		for (int32_t s = 0; s < fc->cal.n_shifts; s++) {
			if ((q->shift >= 0 && s != q->shift) || fi->n >= cap)
				continue;
			inst *x = &fi->v[fi->n];
			shift_instance_of(&fc->zone, &fc->cal, s, day, &x->in);
			if (x->in.start_ms >= q->now_ms && !fi->day_before)
				continue; /* not begun: nothing planned yet (a trend plans ahead) */
			x->n_spans = shift_planned_spans(&fc->zone, &fc->cal, &x->in, x->spans);
			x->planned_ms = clip_planned(x, q->now_ms);
			fi->n++;
		}
	}
	return GLOVED_OK;
}

/* The firm's entry; f is sorted by enterprise id once loaded (qctx_load),
 * unsorted while it is being filled (nf small then). */
static firm_insts *firm_of(firm_insts *f, size_t nf, int64_t ent)
{
	size_t lo = 0, hi = nf;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (f[mid].enterprise_id < ent)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nf && f[lo].enterprise_id == ent ? &f[lo] : NULL;
}

static int cmp_firm(const void *a, const void *b)
{
	const firm_insts *x = a, *y = b;
	return (x->enterprise_id > y->enterprise_id) - (x->enterprise_id < y->enterprise_id);
}

static const inst *inst_of(const firm_insts *fi, int64_t bucket)
{
	size_t lo = 0, hi = fi->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (fi->v[mid].in.start_ms < bucket)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < fi->n && fi->v[lo].in.start_ms == bucket ? &fi->v[lo] : NULL;
}

static int cmp_inst(const void *a, const void *b)
{
	const inst *x = a, *y = b;
	return (x->in.start_ms > y->in.start_ms) - (x->in.start_ms < y->in.start_ms);
}

/* The machines of the query, and the instances of their firms. */
typedef struct qctx {
	store_machine *ms;
	size_t nm;
	firm_insts *firms;
	size_t nf;
} qctx;

static void qctx_free(qctx *c)
{
	for (size_t i = 0; i < c->nf; i++)
		free(c->firms[i].v);
	free(c->firms);
	free(c->ms);
	memset(c, 0, sizeof *c);
}

static int qctx_load(qctx *c, store *db, registry *reg, firmcal_cache *cals, const an_query *q,
		     int day_before)
{
	memset(c, 0, sizeof *c);
	if (q->day1 < q->day0 || q->day1 - q->day0 >= MAX_DAYS)
		return GLOVED_EINVAL;
	store_machine *all = NULL;
	size_t na = 0;
	int rc = registry_machines(reg, q->sc, &all, &na);
	if (rc)
		return rc;
	c->ms = calloc(na ? na : 1, sizeof *c->ms);
	c->firms = calloc(na ? na : 1, sizeof *c->firms);
	if (!c->ms || !c->firms) {
		free(all);
		qctx_free(c);
		return GLOVED_ENOMEM;
	}
	for (size_t i = 0; i < na; i++) {
		const store_machine *m = &all[i];
		if ((q->enterprise_id && m->enterprise_id != q->enterprise_id) ||
		    (q->workshop_id && m->workshop_id != q->workshop_id) ||
		    (q->machine_id && m->id != q->machine_id))
			continue;
		c->ms[c->nm++] = *m;
		/* machines come by firm: a new firm is a different id than the last */
		if (!c->nf || c->firms[c->nf - 1].enterprise_id != m->enterprise_id)
			c->firms[c->nf++].enterprise_id = m->enterprise_id;
	}
	free(all);
	if (c->nf)
		qsort(c->firms, c->nf, sizeof *c->firms, cmp_firm);
	/* a firm listed twice (machines not grouped by firm) once */
	size_t k = 0;
	for (size_t i = 0; i < c->nf; i++)
		if (!k || c->firms[k - 1].enterprise_id != c->firms[i].enterprise_id)
			c->firms[k++] = c->firms[i];
	c->nf = k;
	for (size_t i = 0; i < c->nf; i++) {
		c->firms[i].day_before = day_before;
		if ((rc = load_insts(&c->firms[i], db, cals, q))) {
			qctx_free(c);
			return rc;
		}
		qsort(c->firms[i].v, c->firms[i].n, sizeof *c->firms[i].v, cmp_inst);
	}
	return GLOVED_OK;
}

/* ---- OEE ---- */

static uint64_t group_key(an_group g, const store_machine *m, const inst *x)
{
	switch (g) {
	case AN_MACHINE:
		return (uint64_t)m->id;
	case AN_WORKSHOP:
		return (uint64_t)m->workshop_id;
	case AN_ENTERPRISE:
		return (uint64_t)m->enterprise_id;
	case AN_DAY:
		return (uint64_t)tz_days_from_civil(x->in.day);
	case AN_SHIFT:
		/* an instance is one firm's: its start and firm make it unique */
		return mix((uint64_t)x->in.start_ms) ^ (uint64_t)m->enterprise_id;
	case AN_ALL:
		break;
	}
	return 0;
}

typedef struct oee_acc {
	an_row *rows;
	size_t n, cap;
	imap map;
	an_group g;
} oee_acc;

static an_row *row_for(oee_acc *a, const store_machine *m, const inst *x)
{
	uint64_t k = group_key(a->g, m, x);
	size_t i = imap_get(&a->map, k);
	if (i != (size_t)-1)
		return &a->rows[i];
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		an_row *p = realloc(a->rows, cap * sizeof *p);
		if (!p)
			return NULL;
		a->rows = p;
		a->cap = cap;
	}
	an_row *r = &a->rows[a->n];
	memset(r, 0, sizeof *r);
	r->last_mid = -1;
	r->last_cm = -1;
	switch (a->g) {
	case AN_MACHINE:
		r->machine_id = m->id;
		r->workshop_id = m->workshop_id;
		r->enterprise_id = m->enterprise_id;
		break;
	case AN_WORKSHOP:
		r->workshop_id = m->workshop_id;
		r->enterprise_id = m->enterprise_id;
		break;
	case AN_ENTERPRISE:
		r->enterprise_id = m->enterprise_id;
		break;
	case AN_DAY:
		r->day = (int32_t)tz_days_from_civil(x->in.day);
		break;
	case AN_SHIFT:
		r->enterprise_id = m->enterprise_id;
		r->day = (int32_t)tz_days_from_civil(x->in.day);
		r->shift = x->in.shift;
		r->bucket = x->in.start_ms;
		break;
	case AN_ALL:
		break;
	}
	if (imap_put(&a->map, k, a->n))
		return NULL;
	a->n++;
	return r;
}

static int cmp_row(const void *a, const void *b)
{
	const an_row *x = a, *y = b;
#define CMP(f)                                                                                     \
	if (x->f != y->f)                                                                          \
	return x->f < y->f ? -1 : 1
	CMP(enterprise_id);
	CMP(workshop_id);
	CMP(machine_id);
	CMP(day);
	CMP(bucket);
	CMP(shift);
#undef CMP
	return 0;
}

static int cmp_reason(const void *a, const void *b)
{
	const store_reason_sum *x = a, *y = b;
	if (x->ms != y->ms)
		return x->ms > y->ms ? -1 : 1;
	if (x->state != y->state)
		return x->state < y->state ? -1 : 1;
	return strcmp(x->reason, y->reason);
}

static int add_reason(an_oee *o, size_t *cap, int state, const char *reason, int64_t ms)
{
	for (size_t i = 0; i < o->n_reasons; i++) {
		if (o->reasons[i].state == state && strcmp(o->reasons[i].reason, reason) == 0) {
			o->reasons[i].ms += ms;
			return GLOVED_OK;
		}
	}
	if (o->n_reasons == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		store_reason_sum *p = realloc(o->reasons, c * sizeof *p);
		if (!p)
			return GLOVED_ENOMEM;
		o->reasons = p;
		*cap = c;
	}
	store_reason_sum *r = &o->reasons[o->n_reasons++];
	memset(r, 0, sizeof *r);
	r->state = state;
	snprintf(r->reason, sizeof r->reason, "%s", reason);
	r->ms = ms;
	return GLOVED_OK;
}

static const store_machine *machine_in(const qctx *c, int64_t id)
{
	size_t lo = 0, hi = c->nm;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->ms[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nm && c->ms[lo].id == id ? &c->ms[lo] : NULL;
}

static int cmp_machine(const void *a, const void *b)
{
	const store_machine *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static store_filter filter_of(const an_query *q)
{
	store_filter f = {
	    q->enterprise_id, q->workshop_id, q->machine_id, q->day0, q->day1, q->shift, 0, 0};
	return f;
}

/* The filter with the exact range of instance starts of the firms loaded
 * (so a cluster query reads only the shift rows of its days). */
static store_filter filter_exact(const an_query *q, const qctx *c)
{
	store_filter f = filter_of(q);
	for (size_t i = 0; i < c->nf; i++) {
		for (size_t k = 0; k < c->firms[i].n; k++) {
			int64_t st = c->firms[i].v[k].in.start_ms;
			if (!f.bucket_from || st < f.bucket_from)
				f.bucket_from = st;
			if (st + 1 > f.bucket_to)
				f.bucket_to = st + 1;
		}
	}
	if (!f.bucket_from) /* no instance: nothing to read */
		f.bucket_from = 1, f.bucket_to = 2;
	return f;
}

int analytics_oee(store *db, registry *reg, firmcal_cache *cals, const an_query *q, an_oee *out)
{
	memset(out, 0, sizeof *out);
	qctx c;
	int rc = qctx_load(&c, db, reg, cals, q, 0);
	if (rc)
		return rc;
	qsort(c.ms, c.nm, sizeof *c.ms, cmp_machine);
	oee_acc a = {0};
	a.g = q->group;
	store_shift_sum *rows = NULL;
	store_reason_sum *rs = NULL;
	store_live *lives = NULL;
	size_t nrows = 0, nrs = 0, nl = 0, rcap = 0;
	/* planned time: every machine for every instance of its firm */
	for (size_t i = 0; i < c.nm && !rc; i++) {
		const store_machine *m = &c.ms[i];
		const firm_insts *fi = firm_of(c.firms, c.nf, m->enterprise_id);
		for (size_t k = 0; k < fi->n; k++) {
			an_row *r = row_for(&a, m, &fi->v[k]);
			if (!r) {
				rc = GLOVED_ENOMEM;
				break;
			}
			r->r.planned_ms += fi->v[k].planned_ms;
			if (r->last_mid != m->id) {
				r->last_mid = m->id;
				r->r.machines++;
			}
		}
	}
	store_filter f = filter_exact(q, &c);
	int snap = !rc && store_read_begin(db) == GLOVED_OK;
	if (!rc)
		rc = store_shift_rows(db, q->sc, &f, &rows, &nrows);
	if (!rc)
		rc = store_shift_reason_sums(db, q->sc, &f, &rs, &nrs);
	if (!rc)
		rc = store_live_list(db, &lives, &nl);
	if (snap)
		store_read_end(db);
	/* stored shift rows */
	for (size_t i = 0; i < nrows && !rc; i++) {
		const store_shift_sum *s = &rows[i];
		const store_machine *m = machine_in(&c, s->k.machine_id);
		if (!m)
			continue;
		const firm_insts *fi = firm_of(c.firms, c.nf, m->enterprise_id);
		const inst *x = inst_of(fi, s->k.bucket);
		if (!x)
			continue; /* the calendar changed since: not a planned instance now */
		an_row *r = row_for(&a, m, x);
		if (!r) {
			rc = GLOVED_ENOMEM;
			break;
		}
		for (int st = 0; st < STORE_STATES; st++)
			*oee_state_ms(&r->r, st) += s->ms[st];
		r->r.good += s->good;
		r->r.reject += s->reject;
		r->r.ideal_ms += s->ideal_ms;
		r->r.reject_loss_ms += s->ideal_reject_ms;
		if (m->cycle_ms == 0 && (s->good || s->reject) && r->last_cm != m->id) {
			r->last_cm = m->id;
			r->r.cycle_missing++;
		}
	}
	for (size_t i = 0; i < nrs && !rc; i++)
		if (rs[i].ms)
			rc = add_reason(out, &rcap, rs[i].state, rs[i].reason, rs[i].ms);
	/* the open interval of each machine's newest report */
	for (size_t i = 0; i < nl && !rc; i++) {
		const store_live *l = &lives[i];
		const store_machine *m = machine_in(&c, l->machine_id);
		if (!m || !l->st_ts)
			continue;
		const firm_insts *fi = firm_of(c.firms, c.nf, m->enterprise_id);
		int64_t from = l->st_ts;
		int64_t to = l->st_ts + fi->fc->offline_after_ms;
		if (to > q->now_ms)
			to = q->now_ms;
		for (size_t k = 0; k < fi->n && from < to; k++) {
			const inst *x = &fi->v[k];
			if (x->in.end_ms <= from || x->in.start_ms >= to)
				continue;
			int64_t ms = shift_spans_overlap_ms(x->spans, x->n_spans, from, to);
			if (ms <= 0)
				continue;
			an_row *r = row_for(&a, m, x);
			if (!r) {
				rc = GLOVED_ENOMEM;
				break;
			}
			*oee_state_ms(&r->r, l->st_state) += ms;
			if (l->st_state == MS_STOP || l->st_state == MS_FAULT)
				rc = add_reason(out, &rcap, l->st_state, l->st_reason, ms);
		}
	}
	/* what no report covered is offline; then the fractions */
	int64_t machines_total = (int64_t)c.nm;
	for (size_t i = 0; i < a.n && !rc; i++) {
		oee_result *r = &a.rows[i].r;
		int64_t known = r->run_ms + r->idle_ms + r->stop_ms + r->fault_ms + r->setup_ms +
				r->off_ms + r->offline_ms + r->unknown_ms;
		if (r->planned_ms > known)
			r->offline_ms += r->planned_ms - known;
		if (oee_finish(r))
			rc = GLOVED_ETOOBIG;
	}
	if (!rc) {
		if (a.n)
			qsort(a.rows, a.n, sizeof *a.rows, cmp_row);
		int64_t cm = 0;
		for (size_t i = 0; i < a.n && !rc; i++) {
			oee_result r = a.rows[i].r;
			r.n_reasons = 0;
			if (oee_merge(&out->total, &r))
				rc = GLOVED_ETOOBIG;
			cm += a.rows[i].r.cycle_missing;
		}
		/* machines are counted once in the total, whatever the grouping */
		out->total.machines = machines_total;
		out->total.cycle_missing = cm > 0 ? (cm < machines_total ? cm : machines_total) : 0;
		out->total.unexplained_ms = 0;
		for (size_t i = 0; i < out->n_reasons; i++)
			if (!out->reasons[i].reason[0])
				out->total.unexplained_ms += out->reasons[i].ms;
		if (oee_finish(&out->total))
			rc = GLOVED_ETOOBIG;
		if (out->n_reasons)
			qsort(out->reasons, out->n_reasons, sizeof *out->reasons, cmp_reason);
		while (out->n_reasons && out->reasons[out->n_reasons - 1].ms <= 0)
			out->n_reasons--; /* reasons whose time all moved elsewhere */
	}
	free(rows);
	free(rs);
	free(lives);
	imap_free(&a.map);
	qctx_free(&c);
	if (rc) {
		free(a.rows);
		analytics_oee_free(out);
		return rc;
	}
	out->rows = a.rows;
	out->n = a.n;
	return GLOVED_OK;
}

void analytics_oee_free(an_oee *o)
{
	free(o->rows);
	free(o->reasons);
	memset(o, 0, sizeof *o);
}

/* ---- trend ---- */

/* Day buckets: their local day and its OEE. */
static int trend_oee(store *db, registry *reg, firmcal_cache *cals, const an_query *q,
		     an_trend_bucket *v, size_t n)
{
	const firm_cal *fc = firmcal_get(cals, db, q->enterprise_id);
	if (!fc)
		return GLOVED_ENOMEM;
	an_query dq = *q;
	dq.group = AN_DAY;
	an_oee o;
	int rc = analytics_oee(db, reg, cals, &dq, &o);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		v[i].day = tz_day_of(&fc->zone, v[i].ts_ms);
		for (size_t k = 0; k < o.n; k++)
			if (o.rows[k].day == v[i].day)
				v[i].oee_known = oee_ratio_bp(o.rows[k].r.oee, &v[i].oee_bp) == 0;
	}
	analytics_oee_free(&o);
	return GLOVED_OK;
}

int analytics_trend(store *db, registry *reg, firmcal_cache *cals, const an_query *q,
		    store_level level, int64_t from_ms, int64_t to_ms, an_trend_bucket **out,
		    size_t *n)
{
	*out = NULL;
	*n = 0;
	if (level != STORE_HOUR && level != STORE_DAY)
		return GLOVED_EINVAL;
	qctx c;
	/* a night shift of the day before plans the first hours */
	int rc = qctx_load(&c, db, reg, cals, q, 1);
	if (rc)
		return rc;
	store_bucket *b = NULL;
	size_t nb = 0;
	rc = store_output(db, q->sc, level, q->enterprise_id, q->workshop_id, q->machine_id,
			  from_ms, to_ms, &b, &nb);
	/* ideal pieces per planned ms of each firm's machines with a cycle */
	double *per_ms = calloc(c.nf ? c.nf : 1, sizeof *per_ms);
	if (!per_ms)
		rc = GLOVED_ENOMEM;
	for (size_t i = 0; i < c.nm && !rc; i++) {
		for (size_t fi = 0; fi < c.nf; fi++)
			if (c.firms[fi].enterprise_id == c.ms[i].enterprise_id &&
			    c.ms[i].cycle_ms > 0)
				per_ms[fi] += 1.0 / (double)c.ms[i].cycle_ms;
	}
	/* the buckets: every hour, or every local day of the first firm */
	size_t cap = 0;
	an_trend_bucket *v = NULL;
	const tz_zone *z = c.nf ? &c.firms[0].fc->zone : NULL;
	int64_t t = level == STORE_HOUR ? from_ms - (from_ms % 3600000)
		    : z                 ? tz_day_start_ms(z, from_ms)
					: from_ms;
	while (!rc && t < to_ms) {
		int64_t next = level == STORE_HOUR ? t + 3600000
			       : z                 ? tz_next_day_start_ms(z, t)
						   : t + 86400000;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			an_trend_bucket *p = realloc(v, cap * sizeof *p);
			if (!p) {
				rc = GLOVED_ENOMEM;
				break;
			}
			v = p;
		}
		an_trend_bucket *x = &v[(*n)++];
		memset(x, 0, sizeof *x);
		x->ts_ms = t;
		/* plan: target share of the ideal output of planned time */
		double plan = 0;
		for (size_t fi = 0; fi < c.nf; fi++) {
			const firm_insts *f = &c.firms[fi];
			int64_t planned = 0;
			for (size_t k = 0; k < f->n; k++) {
				const inst *in = &f->v[k];
				if (in->in.end_ms <= t || in->in.start_ms >= next)
					continue;
				planned += shift_spans_overlap_ms(in->spans, in->n_spans, t, next);
			}
			if (!planned)
				continue;
			plan += (double)planned * per_ms[fi] * f->fc->target_pct / 100.0;
		}
		x->plan = (int64_t)(plan + 0.5);
		t = next;
	}
	/* output into the buckets */
	size_t k = 0;
	for (size_t i = 0; i < nb && !rc; i++) {
		while (k + 1 < *n && v[k + 1].ts_ms <= b[i].ts_ms)
			k++;
		if (*n && b[i].ts_ms >= v[k].ts_ms) {
			v[k].good += b[i].good;
			v[k].reject += b[i].reject;
		}
	}
	free(b);
	free(per_ms);
	qctx_free(&c);
	if (!rc && level == STORE_DAY)
		rc = trend_oee(db, reg, cals, q, v, *n);
	if (rc) {
		free(v);
		*n = 0;
		return rc;
	}
	*out = v;
	return GLOVED_OK;
}

/* ---- workers ---- */

static int push_worker(an_worker_row **v, size_t *n, size_t *cap, const an_worker_row *w)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		an_worker_row *p = realloc(*v, c * sizeof *p);
		if (!p)
			return GLOVED_ENOMEM;
		*v = p;
		*cap = c;
	}
	(*v)[(*n)++] = *w;
	return GLOVED_OK;
}

static uint64_t wkey(int64_t machine_id, int32_t day, int32_t shift)
{
	return ((uint64_t)machine_id << 24) ^ ((uint64_t)(uint32_t)day << 4) ^
	       (uint64_t)(shift & 15);
}

int analytics_worker_output(store *db, const an_query *q, an_worker_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	store_filter f = filter_of(q);
	store_shift_sum *rows = NULL;
	store_worker_sum *ws = NULL;
	store_assignment *as = NULL;
	size_t nrows = 0, nws = 0, nas = 0, cap = 0;
	imap rmap = {0}, amap = {0};
	int snap = store_read_begin(db) == GLOVED_OK;
	int rc = store_shift_rows(db, q->sc, &f, &rows, &nrows);
	if (!rc)
		rc = store_shift_worker_sums(db, q->sc, &f, &ws, &nws);
	if (!rc)
		rc =
		    store_assignment_list(db, q->sc, q->enterprise_id, q->day0, q->day1, &as, &nas);
	if (snap)
		store_read_end(db);
	for (size_t k = 0; k < nrows && !rc; k++)
		rc = imap_put(&rmap,
			      wkey(rows[k].k.machine_id, rows[k].k.shift_day, rows[k].k.shift), k);
	for (size_t k = 0; k < nas && !rc; k++)
		rc = imap_put(&amap, wkey(as[k].machine_id, as[k].shift_day, as[k].shift), k);
	an_worker_row *v = NULL;
	/* the explicit workers, taken off their shift row's total; each shift
	 * row's remainder goes to its assigned worker */
	for (size_t i = 0; i < nws && !rc; i++) {
		an_worker_row w = {0};
		memcpy(w.worker, ws[i].worker, sizeof w.worker);
		w.machine_id = ws[i].machine_id;
		w.day = ws[i].shift_day;
		w.shift = ws[i].shift;
		w.good = ws[i].good;
		w.reject = ws[i].reject;
		size_t k = imap_get(&rmap, wkey(w.machine_id, w.day, w.shift));
		if (k != (size_t)-1) {
			w.enterprise_id = rows[k].k.enterprise_id;
			rows[k].good -= w.good;
			rows[k].reject -= w.reject;
		}
		rc = push_worker(&v, n, &cap, &w);
	}
	for (size_t k = 0; k < nrows && !rc; k++) {
		const store_shift_sum *s = &rows[k];
		if (s->good == 0 && s->reject == 0)
			continue;
		an_worker_row w = {0};
		size_t a = imap_get(&amap, wkey(s->k.machine_id, s->k.shift_day, s->k.shift));
		if (a != (size_t)-1)
			memcpy(w.worker, as[a].worker, sizeof w.worker);
		w.enterprise_id = s->k.enterprise_id;
		w.machine_id = s->k.machine_id;
		w.day = s->k.shift_day;
		w.shift = s->k.shift;
		w.good = s->good;
		w.reject = s->reject;
		rc = push_worker(&v, n, &cap, &w);
	}
	imap_free(&rmap);
	imap_free(&amap);
	free(rows);
	free(ws);
	free(as);
	if (rc) {
		free(v);
		*n = 0;
		return rc;
	}
	*out = v;
	return GLOVED_OK;
}

/* ---- rate cards ---- */

int analytics_parse_y4(const char *s, int64_t *out)
{
	if (!s || !*s)
		return -1;
	if (*s == '-')
		return -1; /* rates, bonuses and deductions are never negative */
	int64_t whole = 0, frac = 0;
	int nfrac = 0, ndig = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++, ndig++) {
		if (whole > 100000000)
			return -1;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++, nfrac++) {
			if (nfrac >= 4)
				return -1;
			frac = frac * 10 + (*p - '0');
		}
		if (nfrac == 0)
			return -1;
	}
	if (*p || ndig == 0)
		return -1;
	for (int i = nfrac; i < 4; i++)
		frac *= 10;
	*out = whole * 10000 + frac;
	return 0;
}

static int cerr(char *err, size_t errlen, const char *field, const char *msg)
{
	snprintf(err, errlen, "%s: %s", field, msg);
	return GLOVED_EINVAL;
}

/* A money field `key` of o; errors name it `field` (NULL: key). */
static int money_f(const cJSON *o, const char *key, const char *field, int required, int64_t *out,
		   char *err, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!field)
		field = key;
	if (!v || cJSON_IsNull(v)) {
		*out = 0;
		return required ? cerr(err, errlen, field, "is missing") : GLOVED_OK;
	}
	if (!cJSON_IsString(v) || analytics_parse_y4(v->valuestring, out))
		return cerr(err, errlen, field,
			    "must be a yuan amount as a string with up to 4 decimals (\"0.0500\")");
	return GLOVED_OK;
}

static int money(const cJSON *o, const char *key, int required, int64_t *out, char *err,
		 size_t errlen)
{
	return money_f(o, key, NULL, required, out, err, errlen);
}

int analytics_card_parse(const char *json, size_t len, wage_card *out, char *err, size_t errlen)
{
	cJSON *j = json_parse_all(json, len);
	int rc = GLOVED_OK;
	wage_card c;
	memset(&c, 0, sizeof c);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return cerr(err, errlen, "card", "not a JSON object");
	}
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(j, "rate_unit");
	int un = cJSON_IsString(u) ? unit_parse(u->valuestring) : -1;
	if (un < 0) {
		rc = cerr(err, errlen, "rate_unit", "must be piece, pair or dozen");
		goto out;
	}
	c.rate_unit = (unit)un;
	if ((rc = money(j, "rate", 1, &c.rate_y4, err, errlen)) ||
	    (rc = money(j, "reject_deduct", 0, &c.reject_deduct_y4, err, errlen)))
		goto out;
	const cJSON *sp = cJSON_GetObjectItemCaseSensitive(j, "step_period");
	if (sp && !cJSON_IsNull(sp)) {
		if (cJSON_IsString(sp) && strcmp(sp->valuestring, "month") == 0)
			c.step_period = WAGE_PERIOD_MONTH;
		else if (!cJSON_IsString(sp) || strcmp(sp->valuestring, "day") != 0) {
			rc = cerr(err, errlen, "step_period", "must be day or month");
			goto out;
		}
	}
	const cJSON *steps = cJSON_GetObjectItemCaseSensitive(j, "steps");
	if (steps && !cJSON_IsNull(steps)) {
		if (!cJSON_IsArray(steps) || cJSON_GetArraySize(steps) > WAGE_MAX_STEPS) {
			rc = cerr(err, errlen, "steps", "must be an array of at most 8 steps");
			goto out;
		}
		const cJSON *s;
		cJSON_ArrayForEach(s, steps)
		{
			char field[32];
			snprintf(field, sizeof field, "steps[%zu]", c.n_steps);
			wage_step *w = &c.steps[c.n_steps];
			const cJSON *k = cJSON_GetObjectItemCaseSensitive(s, "kind");
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(s, "threshold");
			if (!cJSON_IsString(k) || (strcmp(k->valuestring, "per_unit") != 0 &&
						   strcmp(k->valuestring, "flat") != 0)) {
				rc = cerr(err, errlen, field, "kind must be per_unit or flat");
				goto out;
			}
			w->kind = strcmp(k->valuestring, "flat") == 0 ? WAGE_STEP_FLAT
								      : WAGE_STEP_PER_UNIT;
			if (!cJSON_IsNumber(t) || !num_whole(t->valuedouble, 0, 1000000000, NULL)) {
				rc = cerr(err, errlen, field,
					  "threshold must be a whole number >= 0");
				goto out;
			}
			w->threshold = (int64_t)t->valuedouble;
			char bf[40];
			snprintf(bf, sizeof bf, "%s.bonus", field);
			if ((rc = money_f(s, "bonus", bf, 1, &w->bonus_y4, err, errlen)))
				goto out;
			c.n_steps++;
		}
	}
	const cJSON *an = cJSON_GetObjectItemCaseSensitive(j, "allow_negative");
	c.allow_negative = cJSON_IsTrue(an);
	if (wage_card_check(&c) != GLOVED_OK) {
		rc = cerr(err, errlen, "card", "invalid rate card");
		goto out;
	}
	*out = c;
out:
	cJSON_Delete(j);
	return rc;
}

static int put_y4(buf *b, const char *key, int64_t y4)
{
	return buf_printf(b, "\"%s\":\"%lld.%04lld\"", key, (long long)(y4 / 10000),
			  (long long)(y4 % 10000));
}

int analytics_card_json(const wage_card *c, buf *b)
{
	int rc = buf_printf(b, "{\"rate_unit\":\"%s\",", unit_name(c->rate_unit));
	rc |= put_y4(b, "rate", c->rate_y4);
	rc |= buf_printf(b, ",\"step_period\":\"%s\",\"steps\":[",
			 c->step_period == WAGE_PERIOD_MONTH ? "month" : "day");
	for (size_t i = 0; i < c->n_steps; i++) {
		rc |= buf_printf(b, "%s{\"kind\":\"%s\",\"threshold\":%lld,", i ? "," : "",
				 c->steps[i].kind == WAGE_STEP_FLAT ? "flat" : "per_unit",
				 (long long)c->steps[i].threshold);
		rc |= put_y4(b, "bonus", c->steps[i].bonus_y4);
		rc |= buf_puts(b, "}");
	}
	rc |= buf_puts(b, "],");
	rc |= put_y4(b, "reject_deduct", c->reject_deduct_y4);
	rc |= buf_printf(b, ",\"allow_negative\":%s}", c->allow_negative ? "true" : "false");
	return rc ? GLOVED_ETOOBIG : GLOVED_OK;
}

/* ---- wages ---- */

typedef struct wday {
	char worker[33];
	int32_t day;
	int64_t good, reject;
} wday;

static int cmp_wday(const void *a, const void *b)
{
	const wday *x = a, *y = b;
	int c = strcmp(x->worker, y->worker);
	if (c)
		return c;
	return (x->day > y->day) - (x->day < y->day);
}

int analytics_wages(store *db, const an_query *q, an_wage_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	an_worker_row *wo = NULL;
	store_worker *wk = NULL;
	size_t nwo = 0, nwk = 0;
	int rc = analytics_worker_output(db, q, &wo, &nwo);
	if (!rc)
		rc = store_worker_list(db, q->sc, q->enterprise_id, &wk, &nwk);
	wday *d = calloc(nwo ? nwo : 1, sizeof *d);
	an_wage_row *v = calloc(nwo + nwk + 1, sizeof *v);
	wage_day *days = calloc(nwo ? nwo : 1, sizeof *days);
	if (!rc && (!d || !v || !days))
		rc = GLOVED_ENOMEM;
	size_t nd = 0;
	/* pieces per worker per day (shifts of a day added up); unassigned
	 * output is no one's pay */
	for (size_t i = 0; i < nwo && !rc; i++) {
		if (!wo[i].worker[0])
			continue;
		memcpy(d[nd].worker, wo[i].worker, sizeof d[nd].worker);
		d[nd].day = wo[i].day;
		d[nd].good = wo[i].good;
		d[nd].reject = wo[i].reject;
		nd++;
	}
	if (!rc)
		qsort(d, nd, sizeof *d, cmp_wday);
	size_t nv = 0;
	for (size_t i = 0; i < nd && !rc;) {
		size_t j = i, ndays = 0;
		while (j < nd && strcmp(d[j].worker, d[i].worker) == 0) {
			if (ndays && d[j].day == d[j - 1].day) {
				days[ndays - 1].good_pieces += d[j].good;
				days[ndays - 1].reject_pieces += d[j].reject;
			} else {
				days[ndays].good_pieces = d[j].good;
				days[ndays].reject_pieces = d[j].reject;
				ndays++;
			}
			j++;
		}
		an_wage_row *r = &v[nv++];
		memcpy(r->worker, d[i].worker, sizeof r->worker);
		for (size_t k = 0; k < nwk; k++) {
			if (strcmp(wk[k].code, r->worker) != 0)
				continue;
			memcpy(r->name, wk[k].name, sizeof r->name);
			wage_card card;
			char err[128];
			if (analytics_card_parse(wk[k].card, strlen(wk[k].card), &card, err,
						 sizeof err) == GLOVED_OK) {
				r->has_card = 1;
				r->rate_unit = card.rate_unit;
				int64_t good = 0, rej = 0;
				for (size_t x = 0; x < ndays; x++) {
					good += days[x].good_pieces;
					rej += days[x].reject_pieces;
				}
				if (wage_pay_month(&card, days, ndays, 0, &r->pay) != GLOVED_OK) {
					memset(&r->pay, 0, sizeof r->pay);
					r->has_card = 0;
				}
				if (!r->has_card) {
					r->pay.good_pieces = good;
					r->pay.reject_pieces = rej;
				}
			}
			break;
		}
		if (!r->has_card) {
			for (size_t x = 0; x < ndays; x++) {
				r->pay.good_pieces += days[x].good_pieces;
				r->pay.reject_pieces += days[x].reject_pieces;
			}
		}
		i = j;
	}
	/* workers of the list without output this period */
	for (size_t k = 0; k < nwk && !rc; k++) {
		int seen = 0;
		for (size_t i = 0; i < nv && !seen; i++)
			seen = strcmp(v[i].worker, wk[k].code) == 0;
		if (seen)
			continue;
		an_wage_row *r = &v[nv++];
		memcpy(r->worker, wk[k].code, sizeof r->worker);
		memcpy(r->name, wk[k].name, sizeof r->name);
		wage_card card;
		char err[128];
		if (analytics_card_parse(wk[k].card, strlen(wk[k].card), &card, err, sizeof err) ==
		    GLOVED_OK) {
			r->has_card = 1;
			r->rate_unit = card.rate_unit;
		}
	}
	free(wo);
	free(wk);
	free(d);
	free(days);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = nv;
	return GLOVED_OK;
}

void analytics_worker_total(const an_worker_row *v, size_t n, int64_t *good, int64_t *reject)
{
	*good = *reject = 0;
	for (size_t i = 0; i < n; i++) {
		*good += v[i].good;
		*reject += v[i].reject;
	}
}

void analytics_wages_total(const an_wage_row *v, size_t n, wage_result *tot)
{
	memset(tot, 0, sizeof *tot);
	for (size_t i = 0; i < n; i++) {
		tot->good_pieces += v[i].pay.good_pieces;
		tot->reject_pieces += v[i].pay.reject_pieces;
		tot->base_fen += v[i].pay.base_fen;
		tot->bonus_fen += v[i].pay.bonus_fen;
		tot->deduct_fen += v[i].pay.deduct_fen;
		tot->total_fen += v[i].pay.total_fen;
	}
}

/* ---- stop reasons (a firm's list, with defaults) ---- */

static const store_stop_reason default_reasons[] = {
    {0, "yarn_break", "断纱", "Yarn break"},
    {0, "yarn_out", "缺纱", "Out of yarn"},
    {0, "needle_break", "断针", "Needle break"},
    {0, "dropped_stitch", "漏针", "Dropped stitch"},
    {0, "thread_break", "断线", "Thread break"},
    {0, "style_change", "换款调机", "Style changeover"},
    {0, "no_material", "待料", "Waiting for material"},
    {0, "no_order", "无订单", "No order"},
    {0, "line_jam", "线体卡模", "Line jam"},
    {0, "former_clean", "清洗手模", "Former cleaning"},
    {0, "motor_fault", "电机故障", "Motor fault"},
    {0, "breakdown", "设备故障", "Machine breakdown"},
    {0, "maintenance", "保养", "Maintenance"},
    {0, "power_cut", "停电", "Power cut"},
    {0, "meal_break", "用餐", "Meal break"},
    {0, "other", "其他", "Other"},
};
#define N_DEFAULT_REASONS (sizeof default_reasons / sizeof default_reasons[0])

int analytics_stop_reasons(store *db, store_scope sc, int64_t ent, store_stop_reason **out,
			   size_t *n)
{
	store_stop_reason *st = NULL;
	size_t ns = 0;
	*out = NULL;
	*n = 0;
	if (ent) {
		int rc = store_stop_reason_list(db, sc, ent, &st, &ns);
		if (rc)
			return rc;
	}
	store_stop_reason *v = calloc(N_DEFAULT_REASONS + ns + 1, sizeof *v);
	if (!v) {
		free(st);
		return GLOVED_ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; i < N_DEFAULT_REASONS; i++) {
		v[k] = default_reasons[i];
		v[k++].enterprise_id = ent;
	}
	for (size_t i = 0; i < ns; i++) {
		size_t j = 0;
		while (j < k && strcmp(v[j].code, st[i].code) != 0)
			j++;
		v[j] = st[i];
		if (j == k)
			k++;
	}
	free(st);
	*out = v;
	*n = k;
	return GLOVED_OK;
}

const store_stop_reason *analytics_reason_find(const store_stop_reason *v, size_t n,
					       const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].code, code) == 0)
			return &v[i];
	return NULL;
}

/* ---- writes on the writer thread ---- */

typedef struct put_call {
	store_scope sc;
	int64_t ent;
	const char *json;
	const store_stop_reason *reason;
	const store_worker *worker;
	const store_assignment *as;
	size_t nas;
} put_call;

static int do_calendar(store *s, void *ctx)
{
	put_call *c = ctx;
	return store_calendar_put(s, c->sc, c->ent, c->json);
}

int analytics_calendar_put(writer *w, store_scope sc, int64_t ent, const char *json)
{
	put_call c = {.sc = sc, .ent = ent, .json = json};
	return writer_call(w, do_calendar, &c);
}

static int do_reason(store *s, void *ctx)
{
	put_call *c = ctx;
	return store_stop_reason_put(s, c->sc, c->reason);
}

int analytics_reason_put(writer *w, store_scope sc, const store_stop_reason *r)
{
	put_call c = {.sc = sc, .reason = r};
	return writer_call(w, do_reason, &c);
}

static int do_worker(store *s, void *ctx)
{
	put_call *c = ctx;
	return store_worker_put(s, c->sc, c->worker);
}

int analytics_worker_put(writer *w, store_scope sc, const store_worker *wk)
{
	put_call c = {.sc = sc, .worker = wk};
	return writer_call(w, do_worker, &c);
}

static int do_assign(store *s, void *ctx)
{
	put_call *c = ctx;
	int rc = store_begin(s);
	if (rc)
		return rc;
	for (size_t i = 0; i < c->nas && !rc; i++)
		rc = store_assignment_put(s, c->sc, &c->as[i]);
	if (rc || (rc = store_commit(s)))
		store_rollback(s);
	return rc;
}

int analytics_assignments_put(writer *w, store_scope sc, const store_assignment *as, size_t n)
{
	put_call c = {.sc = sc, .as = as, .nas = n};
	return writer_call(w, do_assign, &c);
}
