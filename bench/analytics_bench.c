/* SPDX-License-Identifier: Apache-2.0 */
/* analytics_bench.c: how fast the dashboard's analytics queries answer from
 * the rollups, set beside the same answers computed from raw samples in the
 * same run (issue 4). It generates the history of a cluster (F firms, M
 * machines, a report every 30 s each, a deterministic production pattern
 * per machine: runs, stops with reasons, idle, setup, power-off, offline
 * gaps, rejects) and runs every generated report through the daemon's own
 * rollup accumulator (app/acct.c) into a fresh database, so the rollups
 * are exactly those the writer would have written; only the last raw-days
 * of samples are stored, and minute rollups older than minute-days are
 * dropped as retention would. Then, on a read connection, it times the
 * dashboard's three views (the cluster's day, a firm's month OEE with its
 * stop Pareto, a machine's week trend) through app/analytics.c, and the
 * same answers replayed from the stored samples (store_samples_range into a
 * fresh accumulator in memory), and checks that both agree on every figure
 * they share. Prints p50/p99/max per query, the raw times and the ratio,
 * the generation speed and the database size per machine-year. A benchmark,
 * not a test: only a mismatch or an error makes it exit non-zero; see
 * docs/performance.md. */
#include "core/oee.h"
#include "core/state.h"
#include "app/acct.h"
#include "app/analytics.h"
#include "app/firmcal.h"
#include "app/registry.h"
#include "lib/bench_util.h"
#include "store/store.h"
#include "util/err.h"

#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DAY_MS      86400000LL
#define HOUR_MS     3600000LL
#define PERIOD_MS   30000LL
#define WRITE_EVERY 100000
#define ZONE        "Asia/Shanghai"

typedef struct opts {
	long firms, machines, days, minute_days, raw_days, queries, raw_reps;
	int minute_set, raw_set, keep, reuse;
	char db[512];
} opts;

/* ---- deterministic production pattern ---- */

enum { P_RUN, P_STOP, P_FAULT, P_IDLE, P_SETUP, P_OFF, P_GONE };

static const char *const stop_reasons[] = {"yarn_break", "needle_break", "style_change",
					   "wait_material", ""};
static const char *const fault_reasons[] = {"motor", "power", ""};

typedef struct gen_machine {
	uint64_t rng;
	int phase;
	const char *reason;
	long left; /* reports (or silent periods) left in the phase */
	uint64_t count, reject;
	int64_t carry_ms;
	int64_t offset_ms; /* where in the 30 s period it reports */
	int reported;      /* its first report is the counter's baseline */
	int64_t last_ts;
	int last_state;
	const char *last_reason;
	int64_t since_ts;
} gen_machine;

static uint64_t rnd(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static long rnd_range(uint64_t *s, long lo, long hi)
{
	return lo + (long)(rnd(s) % (uint64_t)(hi - lo + 1));
}

/* Picks the next phase after a run (and a run after anything else). */
static void next_phase(gen_machine *g)
{
	if (g->phase != P_RUN) {
		g->phase = P_RUN;
		g->reason = "";
		g->left = rnd_range(&g->rng, 20, 240); /* 10 min .. 2 h */
		return;
	}
	long p = (long)(rnd(&g->rng) % 100);
	g->reason = "";
	if (p < 55) {
		g->phase = P_STOP;
		g->reason = stop_reasons[rnd(&g->rng) % 5];
		g->left = rnd_range(&g->rng, 2, 30);
	} else if (p < 65) {
		g->phase = P_FAULT;
		g->reason = fault_reasons[rnd(&g->rng) % 3];
		g->left = rnd_range(&g->rng, 4, 60);
	} else if (p < 82) {
		g->phase = P_IDLE;
		g->left = rnd_range(&g->rng, 4, 40);
	} else if (p < 90) {
		g->phase = P_SETUP;
		g->left = rnd_range(&g->rng, 10, 60);
	} else if (p < 95) {
		g->phase = P_OFF;
		g->left = rnd_range(&g->rng, 20, 200);
	} else {
		g->phase = P_GONE; /* the network is down: no reports */
		g->left = rnd_range(&g->rng, 6, 120);
	}
}

static const int phase_state[] = {MS_RUN, MS_STOP, MS_FAULT, MS_IDLE, MS_SETUP, MS_OFF, 0};

/* The machine's report of this period into x (pieces as the counter would
 * credit them); 0 when it sends none. */
static int gen_report(gen_machine *g, int64_t cycle_ms, int64_t ts, store_sample *x)
{
	while (g->left <= 0)
		next_phase(g);
	g->left--;
	if (g->phase == P_GONE)
		return 0;
	int64_t d_good = 0, d_reject = 0;
	if (g->phase == P_RUN) {
		g->carry_ms += 25500 + (int64_t)(rnd(&g->rng) % 4500); /* 85-100 % speed */
		int64_t n = g->carry_ms / cycle_ms;
		g->carry_ms %= cycle_ms;
		for (int64_t i = 0; i < n; i++) {
			if (rnd(&g->rng) % 80 == 0)
				d_reject++;
			else
				d_good++;
		}
	}
	if (!g->reported) {
		g->reported = 1;
		d_good = d_reject = 0; /* the baseline */
	}
	g->count += (uint64_t)d_good;
	g->reject += (uint64_t)d_reject;
	memset(x, 0, sizeof *x);
	x->ts_ms = ts;
	x->count = g->count;
	x->reject = g->reject;
	x->d_good = d_good;
	x->d_reject = d_reject;
	x->state = phase_state[g->phase];
	size_t len = strlen(g->reason);
	memcpy(x->reason, g->reason, len + 1);
	if (x->state != g->last_state || g->reason != g->last_reason || !g->since_ts)
		g->since_ts = ts;
	g->last_ts = ts;
	g->last_state = x->state;
	g->last_reason = g->reason;
	return 1;
}

/* ---- the time frame ---- */

/* Local days (days since 1970-01-01 in ZONE): history covers [E - days, E)
 * completely, plus E until 08:10 ("now"), so every shift of day E - 1 is
 * finished and the open interval of each machine's newest report falls on
 * day E, which no query asks about. */
typedef struct frame {
	const tz_zone *z;
	int64_t e;     /* today's day number */
	int64_t start; /* midnight of E - days */
	int64_t now;   /* 08:10 of E: generation ends, queries' now */
	int64_t raw_from, minute_from;
} frame;

static int64_t midnight(const frame *f, int64_t day)
{
	return tz_midnight_ms(f->z, tz_civil_from_days(day));
}

/* ---- small helpers ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

typedef struct pct {
	double p50, p99, max;
} pct;

static pct percentiles(double *v, size_t n)
{
	pct p = {0, 0, 0};
	if (!n)
		return p;
	qsort(v, n, sizeof *v, cmp_double);
	p.p50 = v[(n - 1) / 2];
	size_t i99 = (size_t)ceil(0.99 * (double)n);
	p.p99 = v[i99 ? i99 - 1 : 0];
	p.max = v[n - 1];
	return p;
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static void fmt_bytes(double b, char *out, size_t n)
{
	if (b >= 1024.0 * 1024 * 1024)
		snprintf(out, n, "%.2f GiB", b / (1024.0 * 1024 * 1024));
	else if (b >= 1024.0 * 1024)
		snprintf(out, n, "%.1f MiB", b / (1024.0 * 1024));
	else
		snprintf(out, n, "%.1f KiB", b / 1024.0);
}

static int mismatches;

static void mismatch(const char *what, const char *key, int64_t rollup, int64_t raw)
{
	mismatches++;
	if (mismatches <= 20)
		printf("MISMATCH %s %s: rollups %lld, raw samples %lld\n", what, key,
		       (long long)rollup, (long long)raw);
}

/* ---- generation ---- */

typedef struct gen_stats {
	int64_t reports, stored, rows_written;
	double secs;
} gen_stats;

/* Drops minute rows that retention would delete before they are written
 * (the same end state as writing them and running store_retention_delete,
 * without the work). */
static void drop_old_minutes(acct_buf *b, int64_t minute_from)
{
	size_t k = 0;
	for (size_t i = 0; i < b->n_rows; i++) {
		if (b->rows[i].level == ACCT_MINUTE && b->rows[i].a.k.bucket < minute_from)
			continue;
		if (k != i)
			b->rows[k] = b->rows[i];
		k++;
	}
	b->n_rows = k;
}

static int flush_rows(acct_buf *b, store *db, const frame *f, gen_stats *gs)
{
	drop_old_minutes(b, f->minute_from);
	gs->rows_written += (int64_t)acct_buf_pending(b);
	return acct_buf_write(b, db);
}

static int generate(const opts *o, const frame *f, store *db, firmcal_cache *cals, gen_stats *gs)
{
	int rc = GLOVED_EINVAL, in_tx = 0;
	store_machine *ms = calloc((size_t)o->machines, sizeof *ms);
	gen_machine *gm = calloc((size_t)o->machines, sizeof *gm);
	acct_machine *am = calloc((size_t)o->machines, sizeof *am);
	const firm_cal **fcs = calloc((size_t)o->machines, sizeof *fcs);
	acct_buf b;
	acct_buf_init(&b);
	if (!ms || !gm || !am || !fcs) {
		rc = GLOVED_ENOMEM;
		goto out;
	}
	double t0 = bench_now_s();
	/* the registry: firms F001.., one workshop each, machines spread evenly */
	if ((rc = store_begin(db)))
		goto out;
	int64_t *ws = calloc((size_t)o->firms, sizeof *ws);
	int64_t *ents = calloc((size_t)o->firms, sizeof *ents);
	if (!ws || !ents) {
		free(ws);
		free(ents);
		rc = GLOVED_ENOMEM;
		goto out;
	}
	store_scope all = {0};
	for (long i = 0; i < o->firms && !rc; i++) {
		store_enterprise e;
		memset(&e, 0, sizeof e);
		snprintf(e.code, sizeof e.code, "F%03ld", i + 1);
		snprintf(e.name, sizeof e.name, "Firm %ld", i + 1);
		snprintf(e.town, sizeof e.town, "Jiaxiang");
		if ((rc = store_enterprise_add(db, all, &e)))
			break;
		ents[i] = e.id;
		store_workshop w;
		memset(&w, 0, sizeof w);
		w.enterprise_id = e.id;
		snprintf(w.code, sizeof w.code, "W1");
		snprintf(w.name, sizeof w.name, "Workshop 1");
		rc = store_workshop_add(db, all, &w);
		ws[i] = w.id;
	}
	for (long j = 0; j < o->machines && !rc; j++) {
		long fi = j * o->firms / o->machines;
		store_machine *m = &ms[j];
		memset(m, 0, sizeof *m);
		m->enterprise_id = ents[fi];
		m->workshop_id = ws[fi];
		bench_machine_code(j, m->code, sizeof m->code);
		snprintf(m->kind, sizeof m->kind, "glove");
		m->gauge = 13;
		m->cycle_ms = 15000 + (j * 45000) / (o->machines > 1 ? o->machines - 1 : 1);
		m->counter_bits = 32;
		rc = store_machine_add(db, all, m);
	}
	free(ws);
	free(ents);
	if (rc || (rc = store_commit(db)))
		goto out;
	for (long j = 0; j < o->machines; j++) {
		gen_machine *g = &gm[j];
		g->rng = 0x5eed0000ULL + (uint64_t)ms[j].id * 7919ULL;
		g->offset_ms = (int64_t)(rnd(&g->rng) % PERIOD_MS);
		g->count = rnd(&g->rng) % 1000000;
		g->phase = P_IDLE; /* the first phase is a run */
		g->reason = "";
		g->last_reason = "";
		acct_machine_init(&am[j]);
		if (!(fcs[j] = firmcal_get(cals, db, ms[j].enterprise_id))) {
			rc = GLOVED_ENOMEM;
			goto out;
		}
	}
	double treg = bench_now_s();
	printf("registry: %ld firms, %ld machines (%.1f s)\n", o->firms, o->machines, treg - t0);
	fflush(stdout);
	/* reports in time order, one transaction per day of them */
	int64_t ticks_per_day = DAY_MS / PERIOD_MS, tick = 0;
	for (int64_t t = f->start; t < f->now; t += PERIOD_MS, tick++) {
		if (!in_tx) {
			if ((rc = store_begin(db)))
				goto out;
			in_tx = 1;
		}
		for (long j = 0; j < o->machines; j++) {
			store_sample x;
			int64_t ts = t + gm[j].offset_ms;
			if (ts >= f->now || !gen_report(&gm[j], ms[j].cycle_ms, ts, &x))
				continue;
			x.machine_id = ms[j].id;
			gs->reports++;
			if ((rc = acct_pieces(&b, &am[j], fcs[j], &ms[j], ts, x.d_good, x.d_reject,
					      "")))
				goto out;
			if ((rc = acct_state(&b, &am[j], fcs[j], &ms[j], ts, x.state, x.reason)) <
			    0)
				goto out;
			b.n_dirty = 0; /* the writer's crash marks: not needed here */
			if (ts >= f->raw_from) {
				if ((rc = store_sample_insert(db, &x)))
					goto out;
				gs->stored++;
			}
		}
		if (acct_buf_pending(&b) >= WRITE_EVERY && (rc = flush_rows(&b, db, f, gs)))
			goto out;
		if ((tick + 1) % ticks_per_day == 0) {
			if ((rc = store_commit(db)))
				goto out;
			in_tx = 0;
			double now = bench_now_s();
			if ((tick + 1) / ticks_per_day % 10 == 0 || t + PERIOD_MS >= f->raw_from) {
				fprintf(stderr,
					"\r  generated %lld of %lld days, %.0f reports/s      ",
					(long long)((tick + 1) / ticks_per_day),
					(long long)((f->now - f->start) / DAY_MS),
					(double)gs->reports / (now - treg));
			}
		}
	}
	if (!in_tx && (rc = store_begin(db)))
		goto out;
	in_tx = 1;
	for (long j = 0; j < o->machines; j++)
		if ((rc = acct_machine_close(&am[j], &b)))
			goto out;
	if ((rc = flush_rows(&b, db, f, gs)))
		goto out;
	/* the live rows: where each machine's open interval starts */
	for (long j = 0; j < o->machines && !rc; j++) {
		const gen_machine *g = &gm[j];
		if (!g->reported)
			continue;
		store_live l;
		memset(&l, 0, sizeof l);
		l.machine_id = ms[j].id;
		l.last_ts = g->last_ts;
		l.count = g->count;
		l.reject = g->reject;
		l.state = g->last_state;
		snprintf(l.reason, sizeof l.reason, "%s", g->last_reason);
		l.since_ts = g->since_ts;
		l.st_ts = am[j].st_ts;
		l.st_state = am[j].st_state;
		memcpy(l.st_reason, am[j].st_reason, sizeof l.st_reason);
		rc = store_live_put(db, &l);
	}
	if (rc || (rc = store_commit(db)))
		goto out;
	in_tx = 0;
	/* retention as the writer runs it (nothing is left to delete: minute rows
	 * older than minute-days were never written) */
	int64_t deleted = 0;
	if ((rc = store_begin(db)) ||
	    (rc = store_retention_delete(db, STORE_RETAIN_MINUTE, f->minute_from,
					 f->minute_from - f->start + DAY_MS, &deleted)) ||
	    (rc = store_commit(db)))
		goto out;
	gs->secs = bench_now_s() - treg;
	fprintf(stderr, "\n");
out:
	if (rc && in_tx)
		store_rollback(db);
	if (rc)
		fprintf(stderr, "analytics_bench: generation failed: %s (%s)\n",
			gloved_strerror(rc), store_errmsg(db));
	acct_buf_free(&b);
	free(ms);
	free(gm);
	free(am);
	free(fcs);
	return rc;
}

/* ---- the raw computation ---- */

typedef struct raw_grp {
	int64_t good, reject, ideal_ms, ideal_reject_ms;
	int64_t ms[STORE_STATES];
	int64_t sf_good, sf_reject; /* by plain summation of the samples */
	int64_t planned_ms;
} raw_grp;

typedef struct raw_reason {
	int state;
	char reason[33];
	int64_t ms;
} raw_reason;

/* One raw computation: the answers of one dashboard view from samples. */
typedef struct rawq {
	/* what */
	int64_t ent, mach;        /* 0 = any */
	int32_t day0, day1;       /* shift days */
	int64_t tot_from, tot_to; /* local-day totals per machine (0/0: none) */
	int64_t hr_from, hr_to;   /* hour trend (0/0: none) */
	/* context */
	store *db;
	firmcal_cache *cals;
	const frame *f;
	store_machine *mach_by_id; /* indexed by id */
	size_t n_ids;
	int64_t n_ent;
	/* working state */
	acct_buf b;
	acct_machine *am;
	int64_t *day_start; /* start of the first instance of day0 + i, i <= ndays */
	int32_t ndays;
	/* results */
	raw_grp *by_ent, *by_mach, *by_day;
	raw_reason *reasons;
	size_t n_reasons, cap_reasons;
	int64_t *tot_good, *tot_reject; /* per machine id */
	int64_t *hr_good, *hr_reject;   /* per hour of [hr_from, hr_to) */
	int64_t samples;
} rawq;

static void grp_add_row(raw_grp *g, const store_shift_add *a)
{
	g->good += a->good;
	g->reject += a->reject;
	g->ideal_ms += a->ideal_ms;
	g->ideal_reject_ms += a->ideal_reject_ms;
	for (int s = 0; s < STORE_STATES; s++)
		g->ms[s] += a->ms[s];
}

static int raw_drain(rawq *r)
{
	for (size_t i = 0; i < r->b.n_rows; i++) {
		const acct_row *row = &r->b.rows[i];
		if (row->level != ACCT_SHIFT)
			continue;
		const store_shift_key *k = &row->a.k;
		if (k->shift_day < r->day0 || k->shift_day > r->day1)
			continue;
		grp_add_row(&r->by_ent[k->enterprise_id], &row->a);
		grp_add_row(&r->by_mach[k->machine_id], &row->a);
		grp_add_row(&r->by_day[k->shift_day - r->day0], &row->a);
	}
	for (size_t i = 0; i < r->b.n_reasons; i++) {
		const acct_reason_row *x = &r->b.reasons[i];
		if (x->k.shift_day < r->day0 || x->k.shift_day > r->day1)
			continue;
		size_t j = 0;
		while (j < r->n_reasons &&
		       (r->reasons[j].state != x->state || strcmp(r->reasons[j].reason, x->reason)))
			j++;
		if (j == r->n_reasons) {
			if (r->n_reasons == r->cap_reasons) {
				size_t nc = r->cap_reasons ? r->cap_reasons * 2 : 16;
				raw_reason *p = realloc(r->reasons, nc * sizeof *p);
				if (!p)
					return GLOVED_ENOMEM;
				r->reasons = p;
				r->cap_reasons = nc;
			}
			memset(&r->reasons[j], 0, sizeof r->reasons[j]);
			r->reasons[j].state = x->state;
			memcpy(r->reasons[j].reason, x->reason, sizeof x->reason);
			r->n_reasons++;
		}
		r->reasons[j].ms += x->ms;
	}
	acct_buf_clear(&r->b);
	return GLOVED_OK;
}

static int raw_on_sample(void *ctx, const store_sample *x)
{
	rawq *r = ctx;
	if (r->mach && x->machine_id != r->mach)
		return GLOVED_OK;
	if (x->machine_id <= 0 || (size_t)x->machine_id >= r->n_ids)
		return GLOVED_OK;
	const store_machine *m = &r->mach_by_id[x->machine_id];
	if (!m->id || (r->ent && m->enterprise_id != r->ent))
		return GLOVED_OK;
	const firm_cal *fc = firmcal_get(r->cals, r->db, m->enterprise_id);
	if (!fc)
		return GLOVED_ENOMEM;
	acct_machine *am = &r->am[x->machine_id];
	int rc;
	r->samples++;
	if (!(x->flags & STORE_SAMPLE_MARK) &&
	    (rc = acct_pieces(&r->b, am, fc, m, x->ts_ms, x->d_good, x->d_reject, x->worker)))
		return rc;
	if (!(x->flags & STORE_SAMPLE_LATE) &&
	    (rc = acct_state(&r->b, am, fc, m, x->ts_ms, x->state, x->reason)) < 0)
		return rc;
	r->b.n_dirty = 0;
	/* the same pieces by plain summation, for the cross-check */
	if (x->d_good || x->d_reject) {
		if (x->ts_ms >= r->day_start[0] && x->ts_ms < r->day_start[r->ndays]) {
			int32_t d = 0;
			while (x->ts_ms >= r->day_start[d + 1])
				d++;
			raw_grp *gs[3] = {&r->by_ent[m->enterprise_id], &r->by_mach[m->id],
					  &r->by_day[d]};
			for (int i = 0; i < 3; i++) {
				gs[i]->sf_good += x->d_good;
				gs[i]->sf_reject += x->d_reject;
			}
		}
		if (x->ts_ms >= r->tot_from && x->ts_ms < r->tot_to) {
			r->tot_good[m->id] += x->d_good;
			r->tot_reject[m->id] += x->d_reject;
		}
		if (x->ts_ms >= r->hr_from && x->ts_ms < r->hr_to) {
			size_t h = (size_t)((x->ts_ms - r->hr_from) / HOUR_MS);
			r->hr_good[h] += x->d_good;
			r->hr_reject[h] += x->d_reject;
		}
	}
	if (acct_buf_pending(&r->b) >= WRITE_EVERY)
		return raw_drain(r);
	return GLOVED_OK;
}

static void rawq_free(rawq *r)
{
	acct_buf_free(&r->b);
	free(r->am);
	free(r->day_start);
	free(r->by_ent);
	free(r->by_mach);
	free(r->by_day);
	free(r->reasons);
	free(r->tot_good);
	free(r->tot_reject);
	free(r->hr_good);
	free(r->hr_reject);
	r->am = NULL;
	r->day_start = NULL;
	r->by_ent = r->by_mach = r->by_day = NULL;
	r->reasons = NULL;
	r->tot_good = r->tot_reject = r->hr_good = r->hr_reject = NULL;
}

/* Runs one raw computation (everything from the samples: the scan, the
 * replay, the grouping and the OEE figures). */
static int rawq_run(rawq *r)
{
	int rc = GLOVED_ENOMEM;
	const frame *f = r->f;
	const firm_cal *fc0 = firmcal_get(r->cals, r->db, r->mach_by_id[1].enterprise_id);
	if (!fc0)
		return GLOVED_ENOMEM;
	acct_buf_init(&r->b);
	r->ndays = r->day1 - r->day0 + 1;
	size_t nh = r->hr_to > r->hr_from ? (size_t)((r->hr_to - r->hr_from) / HOUR_MS) : 0;
	r->am = calloc(r->n_ids, sizeof *r->am);
	r->day_start = calloc((size_t)r->ndays + 1, sizeof *r->day_start);
	r->by_ent = calloc((size_t)r->n_ent + 1, sizeof *r->by_ent);
	r->by_mach = calloc(r->n_ids, sizeof *r->by_mach);
	r->by_day = calloc((size_t)r->ndays, sizeof *r->by_day);
	r->tot_good = calloc(r->n_ids, sizeof *r->tot_good);
	r->tot_reject = calloc(r->n_ids, sizeof *r->tot_reject);
	r->hr_good = calloc(nh + 1, sizeof *r->hr_good);
	r->hr_reject = calloc(nh + 1, sizeof *r->hr_reject);
	r->n_reasons = 0;
	r->samples = 0;
	if (!r->am || !r->day_start || !r->by_ent || !r->by_mach || !r->by_day || !r->tot_good ||
	    !r->tot_reject || !r->hr_good || !r->hr_reject)
		goto out;
	/* shift days [day0, day1]: instances starting in [midnight(day0),
	 * midnight(day1 + 1)); with the default calendar they tile time, so a
	 * piece's shift day is found from the first instance of each day */
	for (int32_t i = 0; i <= r->ndays; i++) {
		shift_instance in;
		if (shift_instance_of(f->z, &fc0->cal, 0, tz_civil_from_days(r->day0 + i), &in)) {
			rc = GLOVED_EINVAL;
			goto out;
		}
		r->day_start[i] = in.start_ms;
	}
	r->b.from = midnight(f, r->day0);
	r->b.to = midnight(f, (int64_t)r->day1 + 1);
	r->b.hour_from = r->b.hour_to = 1; /* no minute or hour rows */
	int64_t lo = r->b.from, hi = r->day_start[r->ndays];
	if (r->tot_to && r->tot_from < lo)
		lo = r->tot_from;
	if (r->tot_to > hi)
		hi = r->tot_to;
	if (r->hr_to && r->hr_from < lo)
		lo = r->hr_from;
	if (r->hr_to > hi)
		hi = r->hr_to;
	if ((rc = store_samples_range(r->db, lo - fc0->offline_after_ms, hi + fc0->offline_after_ms,
				      raw_on_sample, r)))
		goto out;
	/* the newest sample read of each machine covers up to offline_after
	 * (or to now) */
	for (size_t id = 1; id < r->n_ids; id++) {
		acct_machine *am = &r->am[id];
		const store_machine *m = &r->mach_by_id[id];
		if (!am->st_ts || !m->id)
			continue;
		const firm_cal *fc = firmcal_get(r->cals, r->db, m->enterprise_id);
		int64_t to = am->st_ts + fc->offline_after_ms;
		if (to > f->now)
			to = f->now;
		if ((rc = acct_credit(&r->b, am, fc, m, am->st_ts, to, am->st_state, am->st_reason,
				      1)))
			goto out;
		if ((rc = acct_machine_close(am, &r->b)))
			goto out;
	}
	if ((rc = raw_drain(r)))
		goto out;
	/* planned time of each machine's instances (clipped to now) */
	for (size_t id = 1; id < r->n_ids; id++) {
		const store_machine *m = &r->mach_by_id[id];
		if (!m->id || (r->ent && m->enterprise_id != r->ent) ||
		    (r->mach && m->id != r->mach))
			continue;
		const firm_cal *fc = firmcal_get(r->cals, r->db, m->enterprise_id);
		shift_iter it;
		shift_instance in;
		shift_iter_init(&it, &fc->zone, &fc->cal, midnight(f, r->day0),
				midnight(f, (int64_t)r->day1 + 1) + 2 * DAY_MS);
		while (shift_iter_next(&it, &in)) {
			int32_t d = (int32_t)tz_days_from_civil(in.day);
			if (d < r->day0 || d > r->day1 || in.start_ms >= f->now)
				continue;
			shift_span sp[SHIFT_MAX_SPANS];
			int n = shift_planned_spans(&fc->zone, &fc->cal, &in, sp);
			int64_t p = shift_spans_overlap_ms(sp, n, in.start_ms,
							   in.end_ms < f->now ? in.end_ms : f->now);
			r->by_ent[m->enterprise_id].planned_ms += p;
			r->by_mach[id].planned_ms += p;
			r->by_day[d - r->day0].planned_ms += p;
		}
	}
	/* the OEE figures of every group, as the dashboard would show them */
	raw_grp *sets[3] = {r->by_ent, r->by_mach, r->by_day};
	size_t ns[3] = {(size_t)r->n_ent + 1, r->n_ids, (size_t)r->ndays};
	for (int s = 0; s < 3; s++) {
		for (size_t i = 0; i < ns[s]; i++) {
			raw_grp *g = &sets[s][i];
			if (!g->planned_ms && !g->good && !g->reject)
				continue;
			oee_result res;
			memset(&res, 0, sizeof res);
			res.planned_ms = g->planned_ms;
			res.run_ms = g->ms[MS_RUN];
			res.idle_ms = g->ms[MS_IDLE];
			res.stop_ms = g->ms[MS_STOP];
			res.fault_ms = g->ms[MS_FAULT];
			res.setup_ms = g->ms[MS_SETUP];
			res.off_ms = g->ms[MS_OFF];
			int64_t covered = 0;
			for (int k = 0; k < STORE_STATES; k++)
				covered += g->ms[k];
			res.offline_ms = g->ms[MS_OFFLINE] + (g->planned_ms - covered);
			res.unknown_ms = g->ms[MS_UNKNOWN];
			res.good = g->good;
			res.reject = g->reject;
			res.ideal_ms = g->ideal_ms;
			res.reject_loss_ms = g->ideal_reject_ms;
			res.machines = 1;
			oee_finish(&res);
		}
	}
	rc = GLOVED_OK;
out:
	return rc;
}

/* ---- the queries ---- */

typedef struct ctx {
	const opts *o;
	frame f;
	store *rd;
	registry *reg;
	firmcal_cache *cals;
	store_machine *mach_by_id;
	size_t n_ids;
	int64_t n_ent;
	int64_t firm;    /* the firm of the month view */
	int64_t machine; /* the machine of the week view */
} ctx;

typedef struct view {
	const char *name;
	int32_t day0, day1;         /* shift days asked */
	int32_t raw_day0, raw_day1; /* of which raw samples exist */
	double *t;                  /* rollup times, ms */
	pct p;
	double raw_ms[8];
	int raw_n;
	double raw_med;
	int64_t raw_samples;
} view;

static void rawq_setup(const ctx *c, rawq *r)
{
	memset(r, 0, sizeof *r);
	r->db = c->rd;
	r->cals = c->cals;
	r->f = &c->f;
	r->mach_by_id = c->mach_by_id;
	r->n_ids = c->n_ids;
	r->n_ent = c->n_ent;
}

static char keybuf[64];
static const char *key_id(const char *kind, int64_t id)
{
	snprintf(keybuf, sizeof keybuf, "%s %lld", kind, (long long)id);
	return keybuf;
}

/* (a) the cluster's day: OEE per firm for shift day d, and the per-machine
 * totals of local day d. */
static int q_day(const ctx *c, int32_t d, an_oee *o, store_machine_total **mt, size_t *nmt)
{
	an_query q;
	memset(&q, 0, sizeof q);
	q.day0 = q.day1 = d;
	q.shift = -1;
	q.group = AN_ENTERPRISE;
	q.now_ms = c->f.now;
	int rc = analytics_oee(c->rd, c->reg, c->cals, &q, o);
	if (rc)
		return rc;
	store_scope sc = {0};
	return store_machine_totals(c->rd, sc, STORE_DAY, midnight(&c->f, d),
				    midnight(&c->f, (int64_t)d + 1), mt, nmt);
}

static int q_month(const ctx *c, int32_t d0, int32_t d1, an_oee *o)
{
	an_query q;
	memset(&q, 0, sizeof q);
	q.enterprise_id = c->firm;
	q.day0 = d0;
	q.day1 = d1;
	q.shift = -1;
	q.group = AN_MACHINE;
	q.now_ms = c->f.now;
	return analytics_oee(c->rd, c->reg, c->cals, &q, o);
}

static int q_week(const ctx *c, int32_t d0, int32_t d1, an_trend_bucket **tb, size_t *ntb,
		  an_oee *o)
{
	an_query q;
	memset(&q, 0, sizeof q);
	q.machine_id = c->machine;
	q.day0 = d0;
	q.day1 = d1;
	q.shift = -1;
	q.group = AN_DAY;
	q.now_ms = c->f.now;
	int rc = analytics_trend(c->rd, c->reg, c->cals, &q, STORE_HOUR, midnight(&c->f, d0),
				 midnight(&c->f, (int64_t)d1 + 1), tb, ntb);
	if (rc)
		return rc;
	return analytics_oee(c->rd, c->reg, c->cals, &q, o);
}

static void cmp_grp(const char *what, const char *key, const oee_result *a, const raw_grp *g,
		    int states)
{
	if (a->good != g->good)
		mismatch(what, key, a->good, g->good);
	if (a->reject != g->reject)
		mismatch(what, key, a->reject, g->reject);
	if (g->sf_good != g->good)
		mismatch("replay vs summed good", key, g->good, g->sf_good);
	if (g->sf_reject != g->reject)
		mismatch("replay vs summed reject", key, g->reject, g->sf_reject);
	if (!states)
		return;
	const int64_t rs[6] = {a->run_ms,   a->idle_ms,  a->stop_ms,
			       a->fault_ms, a->setup_ms, a->off_ms};
	const int st[6] = {MS_RUN, MS_IDLE, MS_STOP, MS_FAULT, MS_SETUP, MS_OFF};
	for (int i = 0; i < 6; i++) {
		if (rs[i] != g->ms[st[i]]) {
			char k2[96];
			snprintf(k2, sizeof k2, "%s %s_ms", key, state_name(st[i]));
			mismatch(what, k2, rs[i], g->ms[st[i]]);
		}
	}
	if (a->planned_ms != g->planned_ms)
		mismatch(what, "planned_ms", a->planned_ms, g->planned_ms);
}

static void check_day(const ctx *c, const an_oee *o, const store_machine_total *mt, size_t nmt,
		      const rawq *r)
{
	int64_t seen_good = 0;
	for (size_t i = 0; i < o->n; i++) {
		const an_row *row = &o->rows[i];
		cmp_grp("day view firm", key_id("firm", row->enterprise_id), &row->r,
			&r->by_ent[row->enterprise_id], 1);
		seen_good += r->by_ent[row->enterprise_id].good;
	}
	int64_t all = 0;
	for (int64_t e = 1; e <= c->n_ent; e++)
		all += r->by_ent[e].good;
	if (all != seen_good)
		mismatch("day view", "firms missing from the rollup answer", seen_good, all);
	int64_t mt_good = 0;
	for (size_t i = 0; i < nmt; i++) {
		int64_t id = mt[i].machine_id;
		if (mt[i].good != r->tot_good[id])
			mismatch("day totals good", key_id("machine", id), mt[i].good,
				 r->tot_good[id]);
		if (mt[i].reject != r->tot_reject[id])
			mismatch("day totals reject", key_id("machine", id), mt[i].reject,
				 r->tot_reject[id]);
		mt_good += mt[i].good;
	}
	int64_t raw_tot = 0;
	for (size_t id = 0; id < c->n_ids; id++)
		raw_tot += r->tot_good[id];
	if (mt_good != raw_tot)
		mismatch("day totals", "sum of good", mt_good, raw_tot);
}

static void check_month(const an_oee *o, const rawq *r)
{
	for (size_t i = 0; i < o->n; i++) {
		const an_row *row = &o->rows[i];
		cmp_grp("month view machine", key_id("machine", row->machine_id), &row->r,
			&r->by_mach[row->machine_id], 1);
	}
	/* the Pareto */
	for (size_t i = 0; i < r->n_reasons; i++) {
		const raw_reason *x = &r->reasons[i];
		if (!x->ms)
			continue;
		int64_t got = -1;
		for (size_t j = 0; j < o->n_reasons; j++)
			if (o->reasons[j].state == x->state &&
			    strcmp(o->reasons[j].reason, x->reason) == 0)
				got = o->reasons[j].ms;
		char k[80];
		snprintf(k, sizeof k, "%s/'%s'", state_name(x->state), x->reason);
		if (got != x->ms)
			mismatch("month view reason ms", k, got, x->ms);
	}
	for (size_t j = 1; j < o->n_reasons; j++)
		if (o->reasons[j].ms > o->reasons[j - 1].ms)
			mismatch("month view", "Pareto not in descending order", o->reasons[j].ms,
				 o->reasons[j - 1].ms);
}

static void check_week(const ctx *c, int32_t d0, const an_trend_bucket *tb, size_t ntb,
		       const an_oee *o, const rawq *r)
{
	int64_t from = midnight(&c->f, d0);
	size_t nh = (size_t)((r->hr_to - r->hr_from) / HOUR_MS);
	int64_t tg = 0, rg = 0;
	for (size_t i = 0; i < ntb; i++) {
		int64_t h = (tb[i].ts_ms - from) / HOUR_MS;
		if (h < 0 || (size_t)h >= nh) {
			mismatch("week trend", "bucket outside the range", tb[i].ts_ms, from);
			continue;
		}
		if (tb[i].good != r->hr_good[h])
			mismatch("week trend good", key_id("hour", h), tb[i].good, r->hr_good[h]);
		if (tb[i].reject != r->hr_reject[h])
			mismatch("week trend reject", key_id("hour", h), tb[i].reject,
				 r->hr_reject[h]);
		tg += tb[i].good;
	}
	for (size_t h = 0; h < nh; h++)
		rg += r->hr_good[h];
	if (tg != rg)
		mismatch("week trend", "sum of good", tg, rg);
	for (size_t i = 0; i < o->n; i++) {
		const an_row *row = &o->rows[i];
		if (row->day < r->day0 || row->day > r->day1) {
			mismatch("week days", "day outside the range", row->day, r->day0);
			continue;
		}
		cmp_grp("week view day", key_id("day", row->day), &row->r,
			&r->by_day[row->day - r->day0], 1);
	}
}

static double ms_since(double t0)
{
	return (bench_now_s() - t0) * 1000.0;
}

static int run_queries(ctx *c, view *v)
{
	const opts *o = c->o;
	int rc = GLOVED_OK;
	int32_t e = (int32_t)c->f.e;
	int32_t first = (int32_t)(e - o->days);
	int32_t raw_first = (int32_t)(e - o->raw_days);
	/* (a) day view: the last complete day */
	v[0].name = "cluster day view";
	v[0].day0 = v[0].day1 = e - 1;
	/* (b) month: 30 days (or all there are) */
	v[1].name = "firm month OEE";
	v[1].day0 = e - 30 < first ? first : e - 30;
	v[1].day1 = e - 1;
	/* (c) week */
	v[2].name = "machine week trend";
	v[2].day0 = e - 7 < first ? first : e - 7;
	v[2].day1 = e - 1;
	for (int i = 0; i < 3; i++) {
		v[i].raw_day0 = v[i].day0 < raw_first ? raw_first : v[i].day0;
		v[i].raw_day1 = v[i].day1;
		v[i].t = calloc((size_t)o->queries, sizeof(double));
		if (!v[i].t)
			return GLOVED_ENOMEM;
	}
	/* rollup queries, interleaved so that they share the cache conditions */
	for (long k = 0; k < o->queries && !rc; k++) {
		an_oee a;
		store_machine_total *mt = NULL;
		size_t nmt = 0;
		an_trend_bucket *tb = NULL;
		size_t ntb = 0;
		double t0 = bench_now_s();
		memset(&a, 0, sizeof a);
		if ((rc = q_day(c, v[0].day0, &a, &mt, &nmt)))
			break;
		v[0].t[k] = ms_since(t0);
		analytics_oee_free(&a);
		free(mt);
		t0 = bench_now_s();
		memset(&a, 0, sizeof a);
		if ((rc = q_month(c, v[1].day0, v[1].day1, &a)))
			break;
		v[1].t[k] = ms_since(t0);
		analytics_oee_free(&a);
		t0 = bench_now_s();
		memset(&a, 0, sizeof a);
		if ((rc = q_week(c, v[2].day0, v[2].day1, &tb, &ntb, &a)))
			break;
		v[2].t[k] = ms_since(t0);
		analytics_oee_free(&a);
		free(tb);
	}
	if (rc) {
		fprintf(stderr, "analytics_bench: query failed: %s (%s)\n", gloved_strerror(rc),
			store_errmsg(c->rd));
		return rc;
	}
	for (int i = 0; i < 3; i++)
		v[i].p = percentiles(v[i].t, (size_t)o->queries);
	/* raw: the same answers over the days raw samples exist, checked
	 * against the rollup answers for exactly those days */
	for (int i = 0; i < 3 && !rc; i++) {
		if (v[i].raw_day0 > v[i].raw_day1)
			continue;
		for (long rep = 0; rep < o->raw_reps && !rc; rep++) {
			rawq r;
			rawq_setup(c, &r);
			r.day0 = v[i].raw_day0;
			r.day1 = v[i].raw_day1;
			if (i == 0) {
				r.tot_from = midnight(&c->f, r.day0);
				r.tot_to = midnight(&c->f, (int64_t)r.day0 + 1);
			} else if (i == 1) {
				r.ent = c->firm;
			} else {
				r.mach = c->machine;
				r.hr_from = midnight(&c->f, r.day0);
				r.hr_to = midnight(&c->f, (int64_t)r.day1 + 1);
			}
			double t0 = bench_now_s();
			rc = rawq_run(&r);
			v[i].raw_ms[v[i].raw_n++] = ms_since(t0);
			v[i].raw_samples = r.samples;
			if (!rc && rep == 0) {
				an_oee a;
				memset(&a, 0, sizeof a);
				if (i == 0) {
					store_machine_total *mt = NULL;
					size_t nmt = 0;
					if (!(rc = q_day(c, r.day0, &a, &mt, &nmt)))
						check_day(c, &a, mt, nmt, &r);
					free(mt);
				} else if (i == 1) {
					if (!(rc = q_month(c, r.day0, r.day1, &a)))
						check_month(&a, &r);
				} else {
					an_trend_bucket *tb = NULL;
					size_t ntb = 0;
					if (!(rc = q_week(c, r.day0, r.day1, &tb, &ntb, &a)))
						check_week(c, r.day0, tb, ntb, &a, &r);
					free(tb);
				}
				analytics_oee_free(&a);
			}
			rawq_free(&r);
		}
		double tmp[8];
		memcpy(tmp, v[i].raw_ms, sizeof tmp);
		v[i].raw_med = percentiles(tmp, (size_t)v[i].raw_n).p50;
	}
	if (rc)
		fprintf(stderr, "analytics_bench: raw computation failed: %s (%s)\n",
			gloved_strerror(rc), store_errmsg(c->rd));
	return rc;
}

/* ---- sizes ---- */

typedef struct tbl {
	const char *name;
	int kind; /* 0 rollup kept for ever, 1 minute rollup, 2 raw samples */
	long long bytes, rows;
} tbl;

static int measure_sizes(const opts *o, const char *path, const frame *f)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fprintf(stderr, "analytics_bench: %s: %s\n", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	long long before = file_size(path), wal_before = 0;
	char walp[600];
	snprintf(walp, sizeof walp, "%s-wal", path);
	wal_before = file_size(walp);
	sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	long long after = file_size(path);
	char b1[32], b2[32];
	fmt_bytes((double)before, b1, sizeof b1);
	fmt_bytes((double)wal_before, b2, sizeof b2);
	printf("\ndatabase: %s + wal %s after generation; ", b1, b2);
	fmt_bytes((double)after, b1, sizeof b1);
	printf("%s after a checkpoint\n", b1);
	tbl t[] = {{"rollup_hour", 0, 0, 0},   {"rollup_day", 0, 0, 0},
		   {"rollup_shift", 0, 0, 0},  {"rollup_shift_reason", 0, 0, 0},
		   {"stop_event", 0, 0, 0},    {"rollup_shift_worker", 0, 0, 0},
		   {"rollup_minute", 1, 0, 0}, {"sample", 2, 0, 0}};
	size_t nt = sizeof t / sizeof t[0];
	/* pages per table and its indexes (the dbstat virtual table) */
	sqlite3_stmt *st = NULL;
	int have_dbstat =
	    sqlite3_prepare_v2(db,
			       "SELECT coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat d"
			       " LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY 1",
			       -1, &st, NULL) == SQLITE_OK;
	if (have_dbstat) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *n = (const char *)sqlite3_column_text(st, 0);
			for (size_t i = 0; i < nt; i++)
				if (n && strcmp(n, t[i].name) == 0)
					t[i].bytes = sqlite3_column_int64(st, 1);
		}
	} else {
		printf("(no dbstat in this SQLite: per-table sizes unknown)\n");
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < nt; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", t[i].name);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			t[i].rows = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	/* per machine and day of history each kind covers, then per
	 * machine-year at the daemon's default retention (rollups a year,
	 * minute rollups 90 days, raw samples 30 days) */
	double mach = (double)o->machines;
	double today_part = (double)(f->now - midnight(f, f->e)) / DAY_MS; /* 00:00-08:10 */
	double cover[3] = {(double)(f->now - f->start) / DAY_MS,
			   (double)o->minute_days + today_part, (double)o->raw_days + today_part};
	double keep[3] = {365, 90, 30};
	double per_year[3] = {0, 0, 0};
	printf("\n%-20s %12s %12s %9s %14s %18s\n", "table", "rows", "bytes", "B/row",
	       "B/machine-day", "per machine-year");
	for (size_t i = 0; i < nt; i++) {
		double days = cover[t[i].kind];
		double per_day = days > 0 ? (double)t[i].bytes / mach / days : 0;
		double py = per_day * keep[t[i].kind];
		per_year[t[i].kind] += py;
		fmt_bytes((double)t[i].bytes, b1, sizeof b1);
		fmt_bytes(py, b2, sizeof b2);
		printf("%-20s %12lld %12s %9.1f %14.0f %18s\n", t[i].name, t[i].rows, b1,
		       t[i].rows ? (double)t[i].bytes / (double)t[i].rows : 0.0, per_day, b2);
	}
	printf("\nper machine-year at the default retention (measured bytes per machine-day x "
	       "days kept):\n");
	const char *kn[3] = {"hour/day/shift rollups, reasons, stops (365 days)",
			     "minute rollups (90 days)", "raw samples (30 days)"};
	for (int k = 0; k < 3; k++) {
		fmt_bytes(per_year[k], b1, sizeof b1);
		printf("  %-52s %s\n", kn[k], b1);
	}
	fmt_bytes(per_year[0] + per_year[1] + per_year[2], b1, sizeof b1);
	printf("  %-52s %s\n", "total", b1);
	fmt_bytes((double)after / mach / cover[0] * 365, b2, sizeof b2);
	printf("  (this database, file size / machines / %.1f days x 365: %s)\n", cover[0], b2);
	char bx[32];
	fmt_bytes((per_year[0] + per_year[1] + per_year[2]) * 5000, bx, sizeof bx);
	printf("  a 5,000-machine cluster: %s\n", bx);
	return 0;
}

/* ---- main ---- */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: analytics_bench [options]\n\n"
		"Times the dashboard's analytics queries on generated history against the same\n"
		"answers computed from raw samples.\n\n"
		"  --firms N         firms (default 10)\n"
		"  --machines N      machines in all, spread evenly over the firms (default 100)\n"
		"  --days N          days of hour/day/shift history (default 14)\n"
		"  --minute-days N   days of minute rollups (default min(days, 90))\n"
		"  --raw-days N      days of raw samples (default min(days, 3))\n"
		"  --queries N       repetitions of each dashboard query (default 200)\n"
		"  --raw-reps N      repetitions of each raw computation (default 3, at most 8)\n"
		"  --db PATH         the database (default a temporary folder, removed after)\n"
		"  --reuse           query an existing --db made by an earlier run (same options)\n"
		"  --keep            keep the database\n"
		"  --quick           --days 7 --queries 50 --raw-reps 1\n\n"
		"Full scale (issue 4): --firms 300 --machines 5000 --days 365 --minute-days 90 "
		"--raw-days 30\n");
}

static int parse_args(int argc, char **argv, opts *o)
{
	o->firms = 10;
	o->machines = 100;
	o->days = 14;
	o->queries = 200;
	o->raw_reps = 3;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long *target = NULL, lo = 1, hi = 0;
		if (strcmp(a, "--firms") == 0) {
			target = &o->firms;
			hi = 999;
		} else if (strcmp(a, "--machines") == 0) {
			target = &o->machines;
			hi = 99999;
		} else if (strcmp(a, "--days") == 0) {
			target = &o->days;
			hi = 400;
		} else if (strcmp(a, "--minute-days") == 0) {
			target = &o->minute_days;
			lo = 0;
			hi = 400;
			o->minute_set = 1;
		} else if (strcmp(a, "--raw-days") == 0) {
			target = &o->raw_days;
			lo = 0;
			hi = 400;
			o->raw_set = 1;
		} else if (strcmp(a, "--queries") == 0) {
			target = &o->queries;
			hi = 1000000;
		} else if (strcmp(a, "--raw-reps") == 0) {
			target = &o->raw_reps;
			hi = 8;
		} else if (strcmp(a, "--db") == 0 && v) {
			snprintf(o->db, sizeof o->db, "%s", v);
			i++;
			continue;
		} else if (strcmp(a, "--reuse") == 0) {
			o->reuse = 1;
			continue;
		} else if (strcmp(a, "--keep") == 0) {
			o->keep = 1;
			continue;
		} else if (strcmp(a, "--quick") == 0) {
			o->days = 7;
			o->queries = 50;
			o->raw_reps = 1;
			continue;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 1;
		} else {
			/* bench/run.sh passes its arguments to every benchmark: an
			 * option meant for another one is skipped with its value */
			if (v && v[0] != '-')
				i++;
			continue;
		}
		if (bench_parse_long(v, lo, hi, target)) {
			fprintf(stderr, "analytics_bench: %s needs an integer in %ld..%ld\n", a, lo,
				hi);
			return -1;
		}
		i++;
	}
	if (!o->minute_set)
		o->minute_days = o->days < 90 ? o->days : 90;
	if (!o->raw_set)
		o->raw_days = o->days < 3 ? o->days : 3;
	if (o->minute_days > o->days || o->raw_days > o->days) {
		fprintf(stderr, "analytics_bench: --minute-days and --raw-days must not exceed "
				"--days\n");
		return -1;
	}
	if (o->machines < o->firms) {
		fprintf(stderr, "analytics_bench: fewer machines than firms\n");
		return -1;
	}
	if (o->reuse && !o->db[0]) {
		fprintf(stderr, "analytics_bench: --reuse needs --db\n");
		return -1;
	}
	return 0;
}

static void remove_db(const char *path)
{
	const char *sfx[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		char p[600];
		snprintf(p, sizeof p, "%s%s", path, sfx[i]);
		unlink(p);
	}
}

int main(int argc, char **argv)
{
	bench_prog = "analytics_bench";
	opts o;
	memset(&o, 0, sizeof o);
	int pa = parse_args(argc, argv, &o);
	if (pa)
		return pa > 0 ? 0 : 2;
	int fail = 1;
	char tmpdir[256] = "";
	if (!o.db[0]) {
		snprintf(tmpdir, sizeof tmpdir, "/tmp/gloved-bench-analytics-XXXXXX");
		if (!mkdtemp(tmpdir)) {
			perror("analytics_bench: mkdtemp");
			return 1;
		}
		snprintf(o.db, sizeof o.db, "%s/analytics.db", tmpdir);
	} else if (!o.reuse) {
		remove_db(o.db);
	}
	store *wr = NULL;
	ctx c;
	memset(&c, 0, sizeof c);
	c.o = &o;
	firmcal_cache *wcals = firmcal_cache_new(ZONE, NULL);
	c.cals = firmcal_cache_new(ZONE, NULL);
	c.reg = registry_new();
	view v[3];
	memset(v, 0, sizeof v);
	if (!wcals || !c.cals || !c.reg)
		goto out;

	store_options so = {0}; /* synchronous=NORMAL: a bulk load */
	if (store_open(o.db, STORE_WRITE, &so, &wr)) {
		fprintf(stderr, "analytics_bench: cannot open %s\n", o.db);
		goto out;
	}
	/* the time frame in the firms' zone (the default calendar) */
	firm_cal dflt;
	firmcal_default(&dflt, ZONE, NULL);
	static tz_zone zone;
	zone = dflt.zone;
	c.f.z = &zone;
	int64_t real_now = (int64_t)time(NULL) * 1000;
	if (o.reuse) {
		/* the frame of the run that made the database: its newest report */
		int64_t newest = 0;
		if (store_samples_newest(wr, &newest) || !newest) {
			fprintf(stderr, "analytics_bench: --reuse: no samples in %s\n", o.db);
			goto out;
		}
		real_now = newest;
	}
	int64_t today = tz_days_from_civil(tz_date_of(&zone, real_now));
	if (tz_local_ms(&zone, tz_civil_from_days(today), 8 * 60) > real_now)
		today--;
	c.f.e = today;
	c.f.now = tz_local_ms(&zone, tz_civil_from_days(today), 8 * 60 + 10);
	c.f.start = midnight(&c.f, today - o.days);
	c.f.raw_from = midnight(&c.f, today - o.raw_days);
	c.f.minute_from = midnight(&c.f, today - o.minute_days);
	char d0[16], d1[16];
	tz_date a = tz_civil_from_days(today - o.days), b = tz_civil_from_days(today - 1);
	snprintf(d0, sizeof d0, "%04d-%02d-%02d", a.year, a.month, a.day);
	snprintf(d1, sizeof d1, "%04d-%02d-%02d", b.year, b.month, b.day);
	printf("analytics_bench: %ld firms, %ld machines, a report every 30 s; days %s..%s "
	       "(%ld) of hour/day/shift rollups, %ld of minute rollups, %ld of raw samples; now "
	       "= 08:10 %s\n",
	       o.firms, o.machines, d0, d1, o.days, o.minute_days, o.raw_days, ZONE);
	printf("database: %s\n", o.db);
	fflush(stdout);

	if (!o.reuse) {
		gen_stats gs;
		memset(&gs, 0, sizeof gs);
		if (generate(&o, &c.f, wr, wcals, &gs))
			goto out;
		printf("generated %lld reports through the accumulator in %.1f s: %.0f reports/s; "
		       "stored %lld samples, wrote %lld rollup rows (%.0f rows/s)\n",
		       (long long)gs.reports, gs.secs, (double)gs.reports / gs.secs,
		       (long long)gs.stored, (long long)gs.rows_written,
		       (double)(gs.stored + gs.rows_written) / gs.secs);
	}
	store_close(wr);
	wr = NULL;
	if (measure_sizes(&o, o.db, &c.f))
		goto out;

	/* the queries, through a read connection as the API runs them */
	if (store_open(o.db, STORE_READ, NULL, &c.rd) || registry_refresh(c.reg, c.rd, 1)) {
		fprintf(stderr, "analytics_bench: cannot open %s for reading\n", o.db);
		goto out;
	}
	c.n_ids = (size_t)registry_max_machine_id(c.reg) + 1;
	c.mach_by_id = calloc(c.n_ids, sizeof *c.mach_by_id);
	store_machine *ml = NULL;
	size_t nm = 0;
	store_scope all = {0};
	if (!c.mach_by_id || registry_machines(c.reg, all, &ml, &nm))
		goto out;
	for (size_t i = 0; i < nm; i++) {
		c.mach_by_id[ml[i].id] = ml[i];
		if (ml[i].enterprise_id > c.n_ent)
			c.n_ent = ml[i].enterprise_id;
	}
	free(ml);
	c.firm = c.n_ent / 2 + 1;
	for (size_t id = 1; id < c.n_ids && !c.machine; id++)
		if (c.mach_by_id[id].enterprise_id == c.firm)
			c.machine = (int64_t)id;
	if (run_queries(&c, v))
		goto out;

	printf("\n%-20s %-26s %9s %9s %9s | %-24s %10s %10s\n", "query", "days", "p50 ms", "p99 ms",
	       "max ms", "raw over days", "raw ms", "raw/p50");
	for (int i = 0; i < 3; i++) {
		char dd[40], rd[40];
		snprintf(dd, sizeof dd, "%d (%s)", v[i].day1 - v[i].day0 + 1,
			 i == 0   ? "1 day, all firms"
			 : i == 1 ? "1 firm"
				  : "1 machine");
		if (v[i].raw_n)
			snprintf(rd, sizeof rd, "%d (%lld samples)",
				 v[i].raw_day1 - v[i].raw_day0 + 1, (long long)v[i].raw_samples);
		else
			snprintf(rd, sizeof rd, "none (no raw samples)");
		printf("%-20s %-26s %9.2f %9.2f %9.2f | %-24s %10.1f %10.0f\n", v[i].name, dd,
		       v[i].p.p50, v[i].p.p99, v[i].p.max, rd, v[i].raw_med,
		       v[i].raw_n && v[i].p.p50 > 0 ? v[i].raw_med / v[i].p.p50 : 0);
	}
	for (int i = 0; i < 3; i++) {
		int asked = v[i].day1 - v[i].day0 + 1, raw = v[i].raw_day1 - v[i].raw_day0 + 1;
		if (v[i].raw_n && raw < asked)
			printf("note: %s asks %d days, raw samples cover %d: raw scaled x %d/%d = "
			       "%.0f ms, ratio to p50 %.0f (extrapolated)\n",
			       v[i].name, asked, raw, asked, raw, v[i].raw_med * asked / raw,
			       v[i].raw_med * asked / raw / v[i].p.p50);
	}
	printf("(ratios: raw median / rollup p50; %ld rollup repetitions, %d raw each; targets "
	       "at full scale: p99 < 50 ms, ratio >= 100)\n",
	       o.queries, v[0].raw_n);
	if (mismatches) {
		printf("MISMATCH: %d figures differ between the rollups and the raw samples\n",
		       mismatches);
		goto out;
	}
	printf("rollups and raw samples agree on every figure compared\n");
	printf("RESULT firms=%ld machines=%ld days=%ld day_p99_ms=%.2f month_p99_ms=%.2f "
	       "week_p99_ms=%.2f day_ratio=%.0f month_ratio=%.0f week_ratio=%.0f\n",
	       o.firms, o.machines, o.days, v[0].p.p99, v[1].p.p99, v[2].p.p99,
	       v[0].raw_n ? v[0].raw_med / v[0].p.p50 : 0,
	       v[1].raw_n ? v[1].raw_med / v[1].p.p50 : 0,
	       v[2].raw_n ? v[2].raw_med / v[2].p.p50 : 0);
	fail = 0;
out:
	store_close(wr);
	store_close(c.rd);
	registry_free(c.reg);
	firmcal_cache_free(wcals);
	firmcal_cache_free(c.cals);
	free(c.mach_by_id);
	for (int i = 0; i < 3; i++)
		free(v[i].t);
	if (tmpdir[0] && !o.keep) {
		remove_db(o.db);
		rmdir(tmpdir);
	} else if (tmpdir[0]) {
		printf("kept %s\n", o.db);
	}
	return fail;
}
