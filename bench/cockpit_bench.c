/* SPDX-License-Identifier: Apache-2.0 */
/* cockpit_bench.c: how fast the bureau's cockpit answers at Jiaxiang's
 * scale (issue 12), beside the same figures computed from raw samples in
 * the same process. It makes a temporary database (store_open STORE_WRITE:
 * the schema and its indexes as the daemon has them) with F firms in three
 * towns, M machines spread evenly over them, and D days of rollups: a
 * rollup_day row per machine and day and a rollup_shift row per machine and
 * shift (the default calendar: 08:00-20:00 and 20:00-08:00), written with
 * prepared statements in one transaction on its own SQLite connection (the
 * store has no bulk rollup write). Only the last two days (yesterday and
 * today up to now = 16:00) have raw samples, a report every 30 s per
 * machine from a deterministic pattern (runs, stops, idle, power-off,
 * network gaps); the day and shift rollups of those two days are summed
 * from the very samples, so the rollups and the raw samples agree. Then, on
 * a read connection as the API uses:
 *   - store_cockpit_days() for today, N times (--queries, default 200);
 *   - cluster_cockpit() on a world of the registry, the live state (one
 *     entry per machine, from its last sample) and the firms' calendars, N
 *     times, without a plan and then with a plan of measured indicators;
 *   - the raw baseline, --raw-reps times (default 20): good pieces per firm
 *     today and yesterday by one GROUP BY over the samples of the two days
 *     joined with the machines (what an implementation without rollups
 *     would run per request), on a read-only connection, prepared once.
 * Both answers are checked against what was generated (MISMATCH, exit 1).
 * Prints p50/p99 per query and the ratio raw p50 / store_cockpit_days p50.
 * --quick: 30 firms, 500 machines, 30 days. See docs/performance.md. */
#include "app/cluster.h"
#include "app/firmcal.h"
#include "app/live.h"
#include "app/registry.h"
#include "core/shift.h"
#include "core/state.h"
#include "core/tz.h"
#include "lib/bench_util.h"
#include "store/store.h"
#include "util/err.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DAY_MS    86400000LL
#define HOUR_MS   3600000LL
#define PERIOD_MS 30000LL
#define ZONE      "Asia/Shanghai"
#define N_TOWNS   3
#define NOW_MIN   (16 * 60) /* now: 16:00 local, in the day shift */

static const char *const towns[N_TOWNS] = {"嘉祥街道", "纸坊镇", "梁宝寺镇"};

typedef struct opts {
	long firms, machines, days, queries, raw_reps;
	int keep;
} opts;

/* ---- deterministic production pattern ---- */

enum { P_RUN, P_STOP, P_FAULT, P_IDLE, P_SETUP, P_OFF, P_GONE };

static const char *const stop_reasons[] = {"yarn_break", "needle_break", "style_change",
					   "wait_material", ""};

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

/* Shift slots of the sampled window: yesterday's two, today's two. */
#define SLOTS 4

typedef struct shift_acc {
	int64_t good, reject;
	int64_t ms[STORE_STATES];
} shift_acc;

typedef struct gen_machine {
	uint64_t rng;
	int phase;
	const char *reason;
	long left; /* reports (or silent periods) left in the phase */
	int64_t cycle_ms, carry_ms, offset_ms;
	int64_t count, reject, pieces;
	int state;
	const char *last_reason;
	int64_t since_ts, last_ts;
	int64_t good_day[2], reject_day[2]; /* yesterday, today */
	shift_acc sh[SLOTS];
} gen_machine;

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
		g->reason = "motor";
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

static int phase_state(int phase)
{
	switch (phase) {
	case P_RUN:
		return MS_RUN;
	case P_STOP:
		return MS_STOP;
	case P_FAULT:
		return MS_FAULT;
	case P_IDLE:
		return MS_IDLE;
	case P_SETUP:
		return MS_SETUP;
	case P_OFF:
		return MS_OFF;
	default:
		return MS_OFFLINE;
	}
}

/* ---- statistics ---- */

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
	pct p = {.p50 = 0, .p99 = 0, .max = 0};
	if (!n)
		return p;
	qsort(v, n, sizeof *v, cmp_double);
	p.p50 = v[(n - 1) / 2];
	size_t i99 = (99 * n + 99) / 100; /* ceil(0.99 n) */
	p.p99 = v[i99 ? i99 - 1 : 0];
	p.max = v[n - 1];
	return p;
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : 0;
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

static int mismatches;

static void mismatch(const char *what, int64_t ent, int64_t got, int64_t want)
{
	mismatches++;
	if (mismatches <= 20)
		printf("MISMATCH %s firm %lld: %lld, generated %lld\n", what, (long long)ent,
		       (long long)got, (long long)want);
}

/* ---- the frame ---- */

typedef struct frame {
	tz_zone zone;
	shift_calendar cal;
	int32_t today;     /* local day number */
	int64_t day_from;  /* today's start (ms) */
	int64_t day_to;    /* tomorrow's start */
	int64_t yday_from; /* yesterday's start: the raw samples begin here */
	int64_t now;       /* today 16:00 */
	int64_t first_day; /* the oldest day of rollups */
	int64_t slot_start[SLOTS];
} frame;

/* ---- the registry, through the store ---- */

typedef struct world_data {
	int64_t *ent_ids; /* by firm index, ascending */
	store_machine *ms;
	gen_machine *gm;
	int64_t *exp_today, *exp_yday; /* by firm index */
} world_data;

static int seed_registry(const opts *o, store *db, world_data *w)
{
	store_scope all = {.enterprise_id = 0};
	int64_t *ws = calloc((size_t)o->firms, sizeof *ws);
	if (!ws)
		return GLOVED_ENOMEM;
	int rc = store_begin(db);
	for (long i = 0; !rc && i < o->firms; i++) {
		store_enterprise e;
		memset(&e, 0, sizeof e);
		snprintf(e.code, sizeof e.code, "JX%03ld", i + 1);
		snprintf(e.name, sizeof e.name, "嘉祥手套厂 %03ld", i + 1);
		snprintf(e.town, sizeof e.town, "%s", towns[i % N_TOWNS]);
		if ((rc = store_enterprise_add(db, all, &e)))
			break;
		w->ent_ids[i] = e.id;
		store_workshop wk;
		memset(&wk, 0, sizeof wk);
		wk.enterprise_id = e.id;
		snprintf(wk.code, sizeof wk.code, "W1");
		snprintf(wk.name, sizeof wk.name, "Workshop 1");
		rc = store_workshop_add(db, all, &wk);
		ws[i] = wk.id;
	}
	for (long j = 0; !rc && j < o->machines; j++) {
		long fi = j * o->firms / o->machines;
		store_machine *m = &w->ms[j];
		memset(m, 0, sizeof *m);
		m->enterprise_id = w->ent_ids[fi];
		m->workshop_id = ws[fi];
		bench_machine_code(j, m->code, sizeof m->code);
		snprintf(m->kind, sizeof m->kind, "glove");
		m->gauge = 13;
		m->cycle_ms = 15000 + (j * 45000) / (o->machines > 1 ? o->machines - 1 : 1);
		m->counter_bits = 32;
		rc = store_machine_add(db, all, m);
	}
	free(ws);
	return store_end(db, rc);
}

static long firm_index(const world_data *w, long n, int64_t ent)
{
	long lo = 0, hi = n - 1;
	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		if (w->ent_ids[mid] == ent)
			return mid;
		if (w->ent_ids[mid] < ent)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* ---- the rollups and samples, on a connection of their own ---- */

typedef struct seed_stats {
	int64_t samples, day_rows, shift_rows;
	double secs;
} seed_stats;

static int step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* A synthetic shift of the history (before the sampled window). */
static void synth_shift(const store_machine *m, int64_t day, int32_t shift, int64_t len_ms,
			shift_acc *a)
{
	uint64_t r = (uint64_t)m->id * 1000003ULL + (uint64_t)day * 7ULL + (uint64_t)shift;
	memset(a, 0, sizeof *a);
	int64_t run = len_ms * (650 + (int64_t)(rnd(&r) % 250)) / 1000;
	int64_t rest = len_ms - run;
	a->ms[MS_RUN] = run;
	a->ms[MS_IDLE] = rest * 20 / 100;
	a->ms[MS_STOP] = rest * 35 / 100;
	a->ms[MS_FAULT] = rest * 10 / 100;
	a->ms[MS_SETUP] = rest * 10 / 100;
	a->ms[MS_OFF] = rest * 15 / 100;
	a->ms[MS_OFFLINE] = rest * 8 / 100;
	a->ms[MS_UNKNOWN] = rest - a->ms[MS_IDLE] - a->ms[MS_STOP] - a->ms[MS_FAULT] -
			    a->ms[MS_SETUP] - a->ms[MS_OFF] - a->ms[MS_OFFLINE];
	int64_t pieces = run / m->cycle_ms;
	a->reject = pieces / 40;
	a->good = pieces - a->reject;
}

static int bind_shift(sqlite3_stmt *st, int64_t bucket, const store_machine *m, int64_t day,
		      int32_t shift, const shift_acc *a)
{
	sqlite3_bind_int64(st, 1, bucket);
	sqlite3_bind_int64(st, 2, m->id);
	sqlite3_bind_int64(st, 3, m->enterprise_id);
	sqlite3_bind_int64(st, 4, m->workshop_id);
	sqlite3_bind_int64(st, 5, day);
	sqlite3_bind_int(st, 6, shift);
	sqlite3_bind_int64(st, 7, a->good);
	sqlite3_bind_int64(st, 8, a->reject);
	sqlite3_bind_int64(st, 9, a->good * m->cycle_ms);
	sqlite3_bind_int64(st, 10, a->reject * m->cycle_ms);
	for (int s = 0; s < STORE_STATES; s++)
		sqlite3_bind_int64(st, 11 + s, a->ms[s]);
	return step_reset(st);
}

static int bind_day(sqlite3_stmt *st, int64_t bucket, const store_machine *m, int64_t good,
		    int64_t reject)
{
	sqlite3_bind_int64(st, 1, bucket);
	sqlite3_bind_int64(st, 2, m->id);
	sqlite3_bind_int64(st, 3, m->enterprise_id);
	sqlite3_bind_int64(st, 4, m->workshop_id);
	sqlite3_bind_int64(st, 5, good);
	sqlite3_bind_int64(st, 6, reject);
	return step_reset(st);
}

/* One report period of one machine: a sample row or a silent period. */
static int gen_report(gen_machine *g, const store_machine *m, int64_t ts, int day_slot, int slot,
		      sqlite3_stmt *st, seed_stats *ss)
{
	while (g->left <= 0)
		next_phase(g);
	g->left--;
	int state = phase_state(g->phase);
	shift_acc *a = slot >= 0 ? &g->sh[slot] : NULL;
	if (a)
		a->ms[state] += PERIOD_MS;
	if (g->phase == P_GONE)
		return 0;
	int64_t d_good = 0, d_reject = 0;
	if (g->phase == P_RUN) {
		g->carry_ms += PERIOD_MS;
		while (g->carry_ms >= g->cycle_ms) {
			g->carry_ms -= g->cycle_ms;
			if (++g->pieces % 40 == 0)
				d_reject++;
			else
				d_good++;
		}
	}
	g->count += d_good + d_reject;
	g->reject += d_reject;
	g->good_day[day_slot] += d_good;
	g->reject_day[day_slot] += d_reject;
	if (a) {
		a->good += d_good;
		a->reject += d_reject;
	}
	if (state != g->state || strcmp(g->reason, g->last_reason) != 0)
		g->since_ts = ts;
	g->state = state;
	g->last_reason = g->reason;
	g->last_ts = ts;
	sqlite3_bind_int64(st, 1, ts);
	sqlite3_bind_int64(st, 2, m->id);
	sqlite3_bind_int64(st, 3, g->count);
	sqlite3_bind_int64(st, 4, g->reject);
	sqlite3_bind_int64(st, 5, d_good);
	sqlite3_bind_int64(st, 6, d_reject);
	sqlite3_bind_int(st, 7, state);
	if (g->reason[0])
		sqlite3_bind_text(st, 8, g->reason, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 8);
	sqlite3_bind_null(st, 9);
	ss->samples++;
	return step_reset(st);
}

static int seed_rollups(const opts *o, const char *path, frame *f, world_data *w, seed_stats *ss)
{
	double t0 = bench_now_s();
	sqlite3 *db = NULL;
	sqlite3_stmt *ins_sample = NULL, *ins_day = NULL, *ins_shift = NULL;
	int rc = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		goto out;
	/* a bulk load: no journal, no syncs, a 1 GiB page cache; WAL again after */
	if (sqlite3_exec(db,
			 "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
			 " PRAGMA cache_size = -1048576; BEGIN",
			 NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO sample(ts, machine_id, count, reject, d_good,"
			       " d_reject, state, reason, worker) VALUES(?,?,?,?,?,?,?,?,?)",
			       -1, &ins_sample, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO rollup_day(bucket, machine_id, enterprise_id,"
			       " workshop_id, good, reject) VALUES(?,?,?,?,?,?)",
			       -1, &ins_day, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO rollup_shift(bucket, machine_id, enterprise_id,"
			       " workshop_id, shift_day, shift, good, reject, ideal_ms,"
			       " ideal_reject_ms, unknown_ms, run_ms, idle_ms, stop_ms, fault_ms,"
			       " setup_ms, off_ms, offline_ms)"
			       " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &ins_shift, NULL) != SQLITE_OK)
		goto out;
	size_t nm = (size_t)o->machines;

	/* the raw samples of yesterday and today up to now, in key order */
	for (size_t j = 0; j < nm; j++) {
		gen_machine *g = &w->gm[j];
		memset(g, 0, sizeof *g);
		g->rng = 0x5eed0000ULL + (uint64_t)w->ms[j].id * 7919ULL;
		g->offset_ms = (int64_t)j * PERIOD_MS / (int64_t)nm;
		g->cycle_ms = w->ms[j].cycle_ms;
		g->count = (int64_t)(rnd(&g->rng) % 1000000);
		g->phase = P_IDLE; /* the first phase is a run */
		g->reason = "";
		g->last_reason = "";
		g->state = MS_UNKNOWN;
	}
	int64_t yday = f->today - 1;
	for (int64_t p = f->yday_from; p < f->now; p += PERIOD_MS) {
		/* shift boundaries are whole hours: the period is in one instance */
		shift_instance in;
		int slot = -1;
		if (shift_at(&f->zone, &f->cal, p, &in)) {
			int64_t k = (tz_days_from_civil(in.day) - yday) * 2 + in.shift;
			if (k >= 0 && k < SLOTS && in.shift < 2) {
				slot = (int)k;
				f->slot_start[slot] = in.start_ms;
			}
		}
		int day_slot = p >= f->day_from;
		for (size_t j = 0; j < nm; j++) {
			int64_t ts = p + w->gm[j].offset_ms;
			if (ts >= f->now)
				break;
			if (gen_report(&w->gm[j], &w->ms[j], ts, day_slot, slot, ins_sample, ss))
				goto out;
		}
	}

	/* the history's shifts and days (synthetic), then the sampled window's */
	for (int64_t d = f->first_day; d <= f->today; d++) {
		tz_date date = tz_civil_from_days(d);
		int sampled = d >= yday;
		for (int32_t s = 0; s < 2; s++) {
			shift_instance in;
			if (shift_instance_of(&f->zone, &f->cal, s, date, &in))
				goto out;
			int slot = (int)((d - yday) * 2 + s);
			if (sampled && (slot >= SLOTS || !f->slot_start[slot]))
				continue; /* not begun by now */
			for (size_t j = 0; j < nm; j++) {
				shift_acc a;
				if (sampled)
					a = w->gm[j].sh[slot];
				else
					synth_shift(&w->ms[j], d, s, in.end_ms - in.start_ms, &a);
				if (bind_shift(ins_shift, in.start_ms, &w->ms[j], d, s, &a))
					goto out;
				ss->shift_rows++;
			}
		}
		int64_t bucket = tz_midnight_ms(&f->zone, date);
		for (size_t j = 0; j < nm; j++) {
			int64_t good = 0, reject = 0;
			if (sampled) {
				good = w->gm[j].good_day[d - yday];
				reject = w->gm[j].reject_day[d - yday];
			} else {
				for (int32_t s = 0; s < 2; s++) {
					shift_acc a;
					synth_shift(&w->ms[j], d, s, 12 * HOUR_MS, &a);
					good += a.good;
					reject += a.reject;
				}
			}
			if (bind_day(ins_day, bucket, &w->ms[j], good, reject))
				goto out;
			ss->day_rows++;
		}
	}
	sqlite3_finalize(ins_sample);
	sqlite3_finalize(ins_day);
	sqlite3_finalize(ins_shift);
	ins_sample = ins_day = ins_shift = NULL;
	if (sqlite3_exec(db, "COMMIT; PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "cockpit_bench: seeding %s: %s\n", path,
			db ? sqlite3_errmsg(db) : "cannot open");
	sqlite3_finalize(ins_sample);
	sqlite3_finalize(ins_day);
	sqlite3_finalize(ins_shift);
	sqlite3_close(db);
	ss->secs = bench_now_s() - t0;
	return rc;
}

/* ---- the raw baseline ---- */

static const char raw_sql[] =
    "SELECT m.enterprise_id, sum(CASE WHEN s.ts >= ?2 THEN s.d_good ELSE 0 END),"
    " sum(CASE WHEN s.ts < ?2 THEN s.d_good ELSE 0 END)"
    " FROM sample s JOIN machine m ON m.id = s.machine_id"
    " WHERE s.ts >= ?1 AND s.ts < ?3 GROUP BY m.enterprise_id ORDER BY m.enterprise_id";

static void print_plan(sqlite3 *db, const char *sql)
{
	char q[1024];
	snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW)
		printf("  raw plan: %s\n", (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
}

/* ---- main ---- */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: cockpit_bench [options]\n\n"
		"Times the cockpit's figures from the rollups (store_cockpit_days and\n"
		"cluster_cockpit) against good pieces per firm computed from raw samples.\n\n"
		"  --firms N      firms, in 3 towns (default 300)\n"
		"  --machines N   machines, spread evenly over the firms (default 5000)\n"
		"  --days N       days of day and shift rollups, today included (default 365)\n"
		"  --queries N    repetitions of each rollup query (default 200)\n"
		"  --raw-reps N   repetitions of the raw query (default 20)\n"
		"  --keep         keep the database (its path is printed)\n"
		"  --quick        --firms 30 --machines 500 --days 30\n");
}

static int parse_args(int argc, char **argv, opts *o)
{
	o->firms = 300;
	o->machines = 5000;
	o->days = 365;
	o->queries = 200;
	o->raw_reps = 20;
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
			lo = 2;
			hi = 1000;
		} else if (strcmp(a, "--queries") == 0) {
			target = &o->queries;
			hi = 1000000;
		} else if (strcmp(a, "--raw-reps") == 0) {
			target = &o->raw_reps;
			hi = 10000;
		} else if (strcmp(a, "--keep") == 0) {
			o->keep = 1;
			continue;
		} else if (strcmp(a, "--quick") == 0) {
			o->firms = 30;
			o->machines = 500;
			o->days = 30;
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
			fprintf(stderr, "cockpit_bench: %s needs an integer in %ld..%ld\n", a, lo,
				hi);
			return -1;
		}
		i++;
	}
	if (o->machines < o->firms) {
		fprintf(stderr, "cockpit_bench: fewer machines than firms\n");
		return -1;
	}
	return 0;
}

static void check_days(const world_data *w, long nf, const store_firm_day *d, size_t n)
{
	if (n != (size_t)nf) {
		printf("MISMATCH store_cockpit_days: %zu firms, generated %ld\n", n, nf);
		mismatches++;
	}
	for (size_t i = 0; i < n; i++) {
		long fi = firm_index(w, nf, d[i].enterprise_id);
		if (fi < 0) {
			mismatch("unknown firm", d[i].enterprise_id, 0, 0);
			continue;
		}
		if (d[i].good_today != w->exp_today[fi])
			mismatch("rollup good_today", d[i].enterprise_id, d[i].good_today,
				 w->exp_today[fi]);
		if (d[i].good_yesterday != w->exp_yday[fi])
			mismatch("rollup good_yesterday", d[i].enterprise_id, d[i].good_yesterday,
				 w->exp_yday[fi]);
	}
}

/* Times fn n times; t receives the ms of each. */
typedef int (*timed_fn)(void *ctx);

static int time_n(timed_fn fn, void *ctx, long n, double *t)
{
	if (fn(ctx)) /* once untimed: statements prepared, pages cached */
		return -1;
	for (long i = 0; i < n; i++) {
		double t0 = bench_now_s();
		if (fn(ctx))
			return -1;
		t[i] = (bench_now_s() - t0) * 1000.0;
	}
	return 0;
}

typedef struct run_ctx {
	store *rd;
	const frame *f;
	const cluster_world *wd;
	cockpit *ck;
	store_firm_day *days;
	size_t n_days;
	sqlite3_stmt *raw;
	int64_t *raw_today, *raw_yday;
	const world_data *w;
	long nf;
} run_ctx;

static int run_days(void *p)
{
	run_ctx *c = p;
	store_scope all = {.enterprise_id = 0};
	free(c->days);
	c->days = NULL;
	return store_cockpit_days(c->rd, all, c->f->day_from, c->f->day_to, c->f->today, &c->days,
				  &c->n_days);
}

static int run_cockpit(void *p)
{
	run_ctx *c = p;
	store_scope all = {.enterprise_id = 0};
	return cluster_cockpit(c->rd, all, c->wd, c->ck);
}

static int run_raw(void *p)
{
	run_ctx *c = p;
	sqlite3_stmt *st = c->raw;
	sqlite3_bind_int64(st, 1, c->f->yday_from);
	sqlite3_bind_int64(st, 2, c->f->day_from);
	sqlite3_bind_int64(st, 3, c->f->day_to);
	memset(c->raw_today, 0, (size_t)c->nf * sizeof *c->raw_today);
	memset(c->raw_yday, 0, (size_t)c->nf * sizeof *c->raw_yday);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long fi = firm_index(c->w, c->nf, sqlite3_column_int64(st, 0));
		if (fi >= 0) {
			c->raw_today[fi] = sqlite3_column_int64(st, 1);
			c->raw_yday[fi] = sqlite3_column_int64(st, 2);
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int add_plan(const char *path, const frame *f)
{
	store *wr = NULL;
	if (store_open(path, STORE_WRITE, NULL, &wr))
		return -1;
	store_plan *p = calloc(1, sizeof *p);
	int rc = p ? 0 : -1;
	if (p) {
		int y = tz_civil_from_days(f->today).year;
		snprintf(p->body, sizeof p->body,
			 "{\"title\":\"bench plan\",\"year0\":%d,\"year1\":%d,\"indicators\":["
			 "{\"key\":\"online\",\"name_zh\":\"联网企业\",\"unit\":\"家\","
			 "\"source\":\"measured\",\"metric\":\"firms_online\",\"headline\":true,"
			 "\"targets\":{\"%d\":300}},"
			 "{\"key\":\"machines\",\"name_zh\":\"联网设备\",\"unit\":\"台\","
			 "\"source\":\"measured\",\"metric\":\"machines_connected\","
			 "\"headline\":true,\"targets\":{\"%d\":5000}},"
			 "{\"key\":\"digitisation\",\"name_zh\":\"数字化率\",\"unit\":\"%%\","
			 "\"decimals\":2,\"source\":\"measured\",\"metric\":\"digitisation_bp\","
			 "\"headline\":true,\"targets\":{\"%d\":9000}},"
			 "{\"key\":\"licensed\",\"name_zh\":\"品牌授权企业\",\"unit\":\"家\","
			 "\"source\":\"measured\",\"metric\":\"licensed_firms\",\"headline\":true,"
			 "\"targets\":{\"%d\":10}}]}",
			 y - 1, y + 4, y, y, y, y);
		p->created_ms = f->now;
		snprintf(p->by, sizeof p->by, "bench");
		rc = store_plan_add(wr, p);
	}
	free(p);
	store_close(wr);
	return rc;
}

static void print_pct(const char *name, const pct *p)
{
	printf("%s p50 %.2f ms p99 %.2f ms (max %.2f)\n", name, p->p50, p->p99, p->max);
}

int main(int argc, char **argv)
{
	bench_prog = "cockpit_bench";
	opts o;
	memset(&o, 0, sizeof o);
	int pa = parse_args(argc, argv, &o);
	if (pa)
		return pa > 0 ? 0 : 2;
	int fail = 1;
	char tmpdir[256], path[512];
	snprintf(tmpdir, sizeof tmpdir, "/tmp/gloved-bench-cockpit-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("cockpit_bench: mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/cockpit.db", tmpdir);

	size_t nm = (size_t)o.machines, nf = (size_t)o.firms, nq = (size_t)o.queries;
	world_data w = {
	    .ent_ids = calloc(nf, sizeof(int64_t)),
	    .ms = calloc(nm, sizeof(store_machine)),
	    .gm = calloc(nm, sizeof(gen_machine)),
	    .exp_today = calloc(nf, sizeof(int64_t)),
	    .exp_yday = calloc(nf, sizeof(int64_t)),
	};
	double *t_days = calloc(nq, sizeof(double)), *t_ck = calloc(nq, sizeof(double));
	double *t_ckp = calloc(nq, sizeof(double));
	double *t_raw = calloc((size_t)o.raw_reps, sizeof(double));
	live_machine *lm = calloc(nm, sizeof *lm);
	cockpit *ck = malloc(sizeof *ck);
	run_ctx c = {.nf = o.firms, .w = &w, .ck = ck};
	c.raw_today = calloc(nf, sizeof(int64_t));
	c.raw_yday = calloc(nf, sizeof(int64_t));
	store *wr = NULL;
	sqlite3 *rawdb = NULL;
	registry *reg = registry_new();
	live *lv = live_new();
	firmcal_cache *cals = firmcal_cache_new(ZONE, NULL);
	if (!w.ent_ids || !w.ms || !w.gm || !w.exp_today || !w.exp_yday || !t_days || !t_ck ||
	    !t_ckp || !t_raw || !lm || !ck || !c.raw_today || !c.raw_yday || !reg || !lv || !cals) {
		fprintf(stderr, "cockpit_bench: out of memory\n");
		goto out;
	}

	/* the frame: today 16:00 in the firms' zone (the default calendar) */
	static frame f;
	firm_cal dflt;
	firmcal_default(&dflt, ZONE, NULL);
	f.zone = dflt.zone;
	f.cal = dflt.cal;
	f.today = tz_day_of(&f.zone, (int64_t)time(NULL) * 1000);
	tz_date td = tz_civil_from_days(f.today);
	f.day_from = tz_midnight_ms(&f.zone, td);
	f.day_to = tz_next_day_start_ms(&f.zone, f.day_from);
	f.yday_from = tz_midnight_ms(&f.zone, tz_civil_from_days(f.today - 1));
	f.now = tz_local_ms(&f.zone, td, NOW_MIN);
	f.first_day = f.today - o.days + 1;
	tz_date d0 = tz_civil_from_days(f.first_day);
	printf("cockpit_bench: %ld firms in %d towns, %ld machines; %ld days (%04d-%02d-%02d.."
	       "%04d-%02d-%02d) of day and shift rollups, raw samples (a report every 30 s) "
	       "for yesterday and today; now = 16:00 %s\n",
	       o.firms, N_TOWNS, o.machines, o.days, d0.year, d0.month, d0.day, td.year, td.month,
	       td.day, ZONE);
	printf("database: %s\n", path);
	fflush(stdout);

	/* the registry through the store (schema, migrations, registry rows) */
	store_options so = {.sync_full = 0};
	if (store_open(path, STORE_WRITE, &so, &wr) || seed_registry(&o, wr, &w)) {
		fprintf(stderr, "cockpit_bench: cannot make %s\n", path);
		goto out;
	}
	store_close(wr);
	wr = NULL;
	seed_stats ss = {.samples = 0};
	if (seed_rollups(&o, path, &f, &w, &ss))
		goto out;
	printf("seeded in %.1f s: %lld samples, %lld rollup_day rows, %lld rollup_shift rows; "
	       "file %.0f MiB\n",
	       ss.secs, (long long)ss.samples, (long long)ss.day_rows, (long long)ss.shift_rows,
	       (double)file_size(path) / (1024.0 * 1024.0));
	for (size_t j = 0; j < nm; j++) {
		long fi = firm_index(&w, o.firms, w.ms[j].enterprise_id);
		w.exp_yday[fi] += w.gm[j].good_day[0];
		w.exp_today[fi] += w.gm[j].good_day[1];
	}

	/* the world of cluster_cockpit: registry, live state, calendars */
	if (store_open(path, STORE_READ, NULL, &c.rd) || registry_refresh(reg, c.rd, 1)) {
		fprintf(stderr, "cockpit_bench: cannot read %s\n", path);
		goto out;
	}
	size_t online = 0;
	for (size_t j = 0; j < nm; j++) {
		const gen_machine *g = &w.gm[j];
		live_machine *m = &lm[j];
		m->machine_id = w.ms[j].id;
		m->state = g->state;
		snprintf(m->reason, sizeof m->reason, "%s", g->last_reason);
		m->since_ts = g->since_ts;
		m->last_ts = g->last_ts;
		m->count = (uint64_t)g->count;
		m->reject = (uint64_t)g->reject;
		m->good_today = g->good_day[1];
		m->reject_today = g->reject_day[1];
		m->today_start = f.day_from;
		online += g->last_ts > f.now - 120000;
	}
	if (live_update(lv, lm, nm))
		goto out;
	cluster_world wd = {.reg = reg, .lv = lv, .cals = cals, .now_ms = f.now, .today = f.today};
	c.f = &f;
	c.wd = &wd;
	printf("live: %zu of %zu machines reported in the last 2 minutes\n", online, nm);

	/* the rollup queries */
	if (time_n(run_days, &c, o.queries, t_days)) {
		fprintf(stderr, "cockpit_bench: store_cockpit_days: %s\n", store_errmsg(c.rd));
		goto out;
	}
	check_days(&w, o.firms, c.days, c.n_days);
	if (time_n(run_cockpit, &c, o.queries, t_ck)) {
		fprintf(stderr, "cockpit_bench: cluster_cockpit: %s\n", store_errmsg(c.rd));
		goto out;
	}
	int64_t sum_today = 0, sum_yday = 0;
	for (size_t i = 0; i < nf; i++) {
		sum_today += w.exp_today[i];
		sum_yday += w.exp_yday[i];
	}
	if (ck->total.good_today != sum_today)
		mismatch("cluster_cockpit good_today (all)", 0, ck->total.good_today, sum_today);
	if (ck->total.good_yesterday != sum_yday)
		mismatch("cluster_cockpit good_yesterday (all)", 0, ck->total.good_yesterday,
			 sum_yday);
	printf("cockpit: %lld firms (%lld online), %lld machines (%lld online, %lld running), "
	       "%zu towns, good today %lld, yesterday %lld, OEE %.1f %%\n",
	       (long long)ck->total.firms, (long long)ck->total.firms_online,
	       (long long)ck->total.machines, (long long)ck->total.machines_online,
	       (long long)ck->total.machines_running, ck->n_towns, (long long)ck->total.good_today,
	       (long long)ck->total.good_yesterday,
	       ck->total.oee_bp >= 0 ? (double)ck->total.oee_bp / 100.0 : -1.0);

	/* with a plan of measured indicators (the cockpit shows its headlines) */
	if (add_plan(path, &f)) {
		fprintf(stderr, "cockpit_bench: cannot add the plan\n");
		goto out;
	}
	if (time_n(run_cockpit, &c, o.queries, t_ckp)) {
		fprintf(stderr, "cockpit_bench: cluster_cockpit with a plan: %s\n",
			store_errmsg(c.rd));
		goto out;
	}
	if (ck->plan.n != 4)
		printf("note: the plan review has %zu indicators, 4 expected\n", ck->plan.n);

	/* the raw baseline on a read-only connection, prepared once */
	if (sqlite3_open_v2(path, &rawdb, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(rawdb, raw_sql, -1, &c.raw, NULL) != SQLITE_OK) {
		fprintf(stderr, "cockpit_bench: raw query: %s\n", sqlite3_errmsg(rawdb));
		goto out;
	}
	print_plan(rawdb, raw_sql);
	if (time_n(run_raw, &c, o.raw_reps, t_raw)) {
		fprintf(stderr, "cockpit_bench: raw query: %s\n", sqlite3_errmsg(rawdb));
		goto out;
	}
	for (size_t i = 0; i < nf; i++) {
		if (c.raw_today[i] != w.exp_today[i])
			mismatch("raw good_today", w.ent_ids[i], c.raw_today[i], w.exp_today[i]);
		if (c.raw_yday[i] != w.exp_yday[i])
			mismatch("raw good_yesterday", w.ent_ids[i], c.raw_yday[i], w.exp_yday[i]);
	}

	pct pd = percentiles(t_days, nq), pc = percentiles(t_ck, nq), pp = percentiles(t_ckp, nq),
	    pr = percentiles(t_raw, (size_t)o.raw_reps);
	printf("\n");
	print_pct("cockpit_days", &pd);
	print_pct("cluster_cockpit", &pc);
	print_pct("cluster_cockpit+plan", &pp);
	print_pct("raw_samples", &pr);
	printf("ratio raw/rollup %.1fx\n", pd.p50 > 0 ? pr.p50 / pd.p50 : 0);
	printf("ratio raw/cockpit %.1fx\n", pc.p50 > 0 ? pr.p50 / pc.p50 : 0);
	printf("(%ld repetitions of each rollup query, %ld of the raw query, each after one "
	       "untimed run; raw: %lld samples of 2 days; ratio: raw p50 / cockpit_days p50)\n",
	       o.queries, o.raw_reps, (long long)ss.samples);
	if (mismatches) {
		printf("MISMATCH: %d figures differ from what was generated\n", mismatches);
		goto out;
	}
	printf("rollups, raw samples and the generator agree on good pieces per firm\n");
	printf("RESULT firms=%ld machines=%ld days=%ld days_p50_ms=%.2f days_p99_ms=%.2f "
	       "cockpit_p50_ms=%.2f cockpit_p99_ms=%.2f raw_p50_ms=%.1f ratio=%.1f\n",
	       o.firms, o.machines, o.days, pd.p50, pd.p99, pc.p50, pc.p99, pr.p50,
	       pd.p50 > 0 ? pr.p50 / pd.p50 : 0);
	fail = 0;
out:
	sqlite3_finalize(c.raw);
	sqlite3_close(rawdb);
	store_close(wr);
	store_close(c.rd);
	registry_free(reg);
	live_free(lv);
	firmcal_cache_free(cals);
	free(c.days);
	free(c.raw_today);
	free(c.raw_yday);
	free(w.ent_ids);
	free(w.ms);
	free(w.gm);
	free(w.exp_today);
	free(w.exp_yday);
	free(t_days);
	free(t_ck);
	free(t_ckp);
	free(t_raw);
	free(lm);
	free(ck);
	if (!o.keep) {
		remove_db(path);
		rmdir(tmpdir);
	} else {
		printf("kept %s\n", path);
	}
	return fail;
}
