/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cluster model behind sim.h: builds the firms, workshops and machines
 * from a seed, then runs each machine as a small event-driven state machine
 * (run episodes that end in a stop drawn from the machine kind's stop table
 * or at a shift boundary, stops and rests that end in a new decision) and
 * hands out each machine's cumulative counters every report period, in
 * timestamp order across the cluster. Each machine has its own PRNG stream,
 * so a machine's history does not depend on how often sim_advance() is
 * called or on the other machines. Shifts are in Asia/Shanghai local time
 * (UTC+8, no daylight saving). Figures and reason codes are described in
 * docs/internals/sim.md.
 */
#include "sim/sim.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_MS          60000LL
#define HOUR_MS         3600000LL
#define DAY_MS          86400000LL
#define LOCAL_OFFSET_MS (8 * HOUR_MS) /* Asia/Shanghai */

/* ---- PRNG: splitmix64, one stream per machine and one for the cluster ---- */

typedef struct rng {
	uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double rng_unit(rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform integer in [lo, hi]. */
static int64_t rng_between(rng *r, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	uint64_t span = (uint64_t)(hi - lo) + 1;
	return lo + (int64_t)(rng_next(r) % span);
}

static double rng_uniform(rng *r, double lo, double hi)
{
	return lo + (hi - lo) * rng_unit(r);
}

static int rng_chance(rng *r, double p)
{
	return rng_unit(r) < p;
}

/* Exponential with the given mean. */
static double rng_exp(rng *r, double mean)
{
	return -mean * log(1.0 - rng_unit(r));
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---- machine states and stop tables ---- */

enum mstate { ST_RUN, ST_IDLE, ST_STOP, ST_FAULT, ST_SETUP, ST_OFF };

static const char *const state_names[] = {"run", "idle", "stop", "fault", "setup", "off"};

/* One kind of interruption of a run: how often it comes (per hour of
 * running), how long it lasts, and what it does to the machine. */
typedef struct stop_kind {
	const char *reason;
	enum mstate state;
	double per_run_hour;
	int64_t min_ms, max_ms;
	double reset_p;             /* chance the counter is reset when it ends */
	unsigned char spoils_piece; /* the piece on the machine becomes a reject */
	unsigned char new_style;    /* a new style: the pace changes afterwards */
} stop_kind;

/* Knitting: yarn breaks about 7 min a day, needle breaks about 6 (DOMAIN.md). */
static const stop_kind knitting_stops[] = {
    {"yarn_break", ST_STOP, 0.16, 1 * MIN_MS, 3 * MIN_MS, 0.0, 0, 0},
    {"needle_break", ST_STOP, 0.05, 3 * MIN_MS, 7 * MIN_MS, 0.0, 1, 0},
    {"dropped_stitch", ST_STOP, 0.04, 1 * MIN_MS, 3 * MIN_MS, 0.0, 1, 0},
    {"yarn_out", ST_STOP, 0.08, 3 * MIN_MS, 10 * MIN_MS, 0.0, 0, 0},
    {"style_change", ST_SETUP, 0.025, 10 * MIN_MS, 30 * MIN_MS, 0.0, 0, 1},
    {"maintenance", ST_STOP, 0.008, 20 * MIN_MS, 60 * MIN_MS, 0.1, 0, 0},
    {"no_order", ST_IDLE, 0.015, 1 * HOUR_MS, 6 * HOUR_MS, 0.0, 0, 0},
    {"motor_fault", ST_FAULT, 0.0015, 30 * MIN_MS, 3 * HOUR_MS, 0.3, 0, 0},
};

/* Overlock: manned, waits for knitted gloves often. */
static const stop_kind overlock_stops[] = {
    {"thread_break", ST_STOP, 0.3, 30000, 2 * MIN_MS, 0.0, 1, 0},
    {"needle_break", ST_STOP, 0.05, 2 * MIN_MS, 5 * MIN_MS, 0.0, 1, 0},
    {"no_material", ST_IDLE, 1.2, 3 * MIN_MS, 15 * MIN_MS, 0.0, 0, 0},
    {"maintenance", ST_STOP, 0.01, 20 * MIN_MS, 40 * MIN_MS, 0.1, 0, 0},
    {"motor_fault", ST_FAULT, 0.002, 30 * MIN_MS, 2 * HOUR_MS, 0.3, 0, 0},
};

/* Dipping line: runs round the clock; formers are cleaned about daily. */
static const stop_kind dipping_stops[] = {
    {"line_jam", ST_STOP, 0.15, 2 * MIN_MS, 10 * MIN_MS, 0.0, 1, 0},
    {"former_clean", ST_STOP, 0.04, 20 * MIN_MS, 40 * MIN_MS, 0.0, 0, 0},
    {"style_change", ST_SETUP, 0.01, 30 * MIN_MS, 90 * MIN_MS, 0.0, 0, 1},
    {"maintenance", ST_STOP, 0.006, 1 * HOUR_MS, 3 * HOUR_MS, 0.1, 0, 0},
    {"no_order", ST_IDLE, 0.003, 2 * HOUR_MS, 8 * HOUR_MS, 0.0, 0, 0},
    {"oven_fault", ST_FAULT, 0.002, 30 * MIN_MS, 2 * HOUR_MS, 0.3, 0, 0},
};

/* Sewing: an operator between bundles, thread breaks, style changes. */
static const stop_kind sewing_stops[] = {
    {"thread_break", ST_STOP, 0.4, 30000, 90000, 0.0, 0, 0},
    {"needle_break", ST_STOP, 0.05, 1 * MIN_MS, 3 * MIN_MS, 0.0, 1, 0},
    {"no_material", ST_IDLE, 0.8, 2 * MIN_MS, 10 * MIN_MS, 0.0, 0, 0},
    {"style_change", ST_SETUP, 0.02, 20 * MIN_MS, 60 * MIN_MS, 0.0, 0, 1},
    {"maintenance", ST_STOP, 0.005, 20 * MIN_MS, 40 * MIN_MS, 0.1, 0, 0},
    {"motor_fault", ST_FAULT, 0.002, 30 * MIN_MS, 90 * MIN_MS, 0.3, 0, 0},
};

enum kind { KIND_KNITTING, KIND_OVERLOCK, KIND_DIPPING, KIND_SEWING, KIND_COUNT };

/* What a machine kind is like: its name, code prefix, stops, how much slower
 * than its ideal cycle it really runs (pace) and how much a single piece
 * varies (jitter, a fraction either side). */
typedef struct kind_profile {
	const char *name;
	const char *prefix;
	const stop_kind *stops;
	size_t n_stops;
	double pace_lo, pace_hi;
	double jitter;
} kind_profile;

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const kind_profile profiles[KIND_COUNT] = {
    [KIND_KNITTING] = {"knitting", "K", knitting_stops, COUNT_OF(knitting_stops), 1.05, 1.16, 0.03},
    [KIND_OVERLOCK] = {"overlock", "O", overlock_stops, COUNT_OF(overlock_stops), 1.10, 1.40, 0.30},
    [KIND_DIPPING] = {"dipping", "D", dipping_stops, COUNT_OF(dipping_stops), 1.00, 1.05, 0.02},
    [KIND_SEWING] = {"sewing", "S", sewing_stops, COUNT_OF(sewing_stops), 1.15, 1.50, 0.35},
};

/* ---- shift schedules (local time) ---- */

enum seg_use { SEG_OFF, SEG_WORK, SEG_MEAL };

typedef struct seg {
	int from_min; /* minute of the local day the segment starts; the first is 0 */
	enum seg_use use;
} seg;

typedef struct schedule {
	const seg *segs;
	size_t n;
} schedule;

/* Two 12-hour shifts, 08:00-20:00 and 20:00-08:00. */
static const seg segs_24h[] = {{0, SEG_WORK}};
/* Day shift only, 08:00-20:00; the machine is switched off at night. */
static const seg segs_day[] = {{0, SEG_OFF}, {8 * 60, SEG_WORK}, {20 * 60, SEG_OFF}};
/* Sewing floor: 07:30-12:00, 13:00-17:30, 18:00-21:00 (overtime in season). */
static const seg segs_sewing[] = {
    {0, SEG_OFF},        {7 * 60 + 30, SEG_WORK},  {12 * 60, SEG_MEAL},
    {13 * 60, SEG_WORK}, {17 * 60 + 30, SEG_MEAL}, {18 * 60, SEG_WORK},
    {21 * 60, SEG_OFF}};

enum { SCHED_24H, SCHED_DAY, SCHED_SEWING };

static const schedule schedules[] = {
    [SCHED_24H] = {segs_24h, COUNT_OF(segs_24h)},
    [SCHED_DAY] = {segs_day, COUNT_OF(segs_day)},
    [SCHED_SEWING] = {segs_sewing, COUNT_OF(segs_sewing)},
};

/* The use of the segment in force at t; *end is when that segment ends. */
static enum seg_use seg_at(const schedule *sc, int64_t t, int64_t *end)
{
	int64_t local = t + LOCAL_OFFSET_MS;
	int64_t day0 = floor_div(local, DAY_MS) * DAY_MS;
	int64_t in_day = local - day0;
	size_t i = sc->n - 1;
	while (i > 0 && (int64_t)sc->segs[i].from_min * MIN_MS > in_day)
		i--;
	int64_t end_local =
	    i + 1 < sc->n ? day0 + (int64_t)sc->segs[i + 1].from_min * MIN_MS : day0 + DAY_MS;
	*end = end_local - LOCAL_OFFSET_MS;
	return sc->segs[i].use;
}

/* The first time at or after t that falls in a work segment. */
static int64_t next_work_start(const schedule *sc, int64_t t)
{
	int64_t end;
	/* Every schedule has work each day: two days of segments are enough. */
	for (size_t i = 0; i < 2 * sc->n + 2; i++) {
		if (seg_at(sc, t, &end) == SEG_WORK)
			return t;
		t = end;
	}
	return t;
}

/* ---- one machine ---- */

typedef struct machine {
	rng r;
	enum kind kind;
	const schedule *sched;
	int64_t cycle_ms;   /* ideal */
	double perf;        /* the machine's own pace factor */
	double pace;        /* perf times the current style's factor */
	double reject_p;    /* chance a piece is rejected */
	uint64_t mask;      /* 2^counter_bits - 1 */
	int volatile_count; /* the counter forgets when the machine is switched off */
	int64_t phase_ms;   /* reports at phase + k * every */

	enum mstate state;
	const char *reason;
	const stop_kind *next_stop; /* ends the current run; NULL: the shift ends it */
	const stop_kind *cur_stop;  /* the stop in progress */
	int64_t boundary_ms;        /* end of the work segment of the current run */
	int64_t t_ms;               /* the model has been advanced to here */
	int64_t until_ms;           /* the current episode ends here */
	int64_t piece_left_ms;      /* running time still needed for the piece on the machine */

	uint64_t good, reject, resets; /* truth since sim_open */
	uint64_t cnt_good, cnt_reject; /* counters before masking */
} machine;

static int64_t sample_cycle(machine *m)
{
	const kind_profile *kp = &profiles[m->kind];
	double f = 1.0 + kp->jitter * (2.0 * rng_unit(&m->r) - 1.0);
	int64_t v = (int64_t)llround((double)m->cycle_ms * m->pace * f);
	return v < 1 ? 1 : v;
}

static void make_piece(machine *m)
{
	if (rng_chance(&m->r, m->reject_p)) {
		m->reject++;
		m->cnt_reject++;
	} else {
		m->good++;
		m->cnt_good++;
	}
}

static void reset_counter(machine *m)
{
	m->cnt_good = 0;
	m->cnt_reject = 0;
	m->resets++;
}

static double stop_rate_per_hour(const kind_profile *kp)
{
	double sum = 0.0;
	for (size_t i = 0; i < kp->n_stops; i++)
		sum += kp->stops[i].per_run_hour;
	return sum;
}

static const stop_kind *pick_stop(machine *m)
{
	const kind_profile *kp = &profiles[m->kind];
	double x = rng_unit(&m->r) * stop_rate_per_hour(kp);
	for (size_t i = 0; i < kp->n_stops; i++) {
		if (x < kp->stops[i].per_run_hour)
			return &kp->stops[i];
		x -= kp->stops[i].per_run_hour;
	}
	return &kp->stops[kp->n_stops - 1];
}

/* Off or at a meal from now until work resumes; at is a time in the resting
 * segment (a shift may be left a little before it ends). */
static void enter_rest(machine *m, int64_t at)
{
	int64_t end;
	enum seg_use use = seg_at(m->sched, at, &end);
	int64_t back = next_work_start(m->sched, at);
	m->cur_stop = NULL;
	m->next_stop = NULL;
	if (use == SEG_MEAL) {
		m->state = ST_IDLE;
		m->reason = "meal_break";
		m->until_ms = back + rng_between(&m->r, 0, 5 * MIN_MS);
	} else {
		m->state = ST_OFF;
		m->reason = "";
		m->until_ms = back + rng_between(&m->r, 0, 15 * MIN_MS);
	}
}

/* Runs from t (a time in a work segment) to the next stop or the shift end. */
static void start_run(machine *m, int64_t t)
{
	int64_t seg_end, after;
	seg_at(m->sched, t, &seg_end);
	int64_t end = seg_end;
	if (seg_at(m->sched, seg_end, &after) != SEG_WORK)
		end -= rng_between(&m->r, 0, 10 * MIN_MS); /* people stop a little early */
	if (end < t)
		end = t;
	m->state = ST_RUN;
	m->reason = "";
	m->cur_stop = NULL;
	m->boundary_ms = seg_end;
	double gap = rng_exp(&m->r, (double)HOUR_MS / stop_rate_per_hour(&profiles[m->kind]));
	if (gap < (double)(end - t)) {
		int64_t g = (int64_t)gap;
		m->until_ms = t + (g < 1 ? 1 : g);
		m->next_stop = pick_stop(m);
	} else {
		m->until_ms = end;
		m->next_stop = NULL;
	}
}

/* What the machine does from t when nothing holds it: run in a work segment,
 * rest otherwise. */
static void decide(machine *m, int64_t t)
{
	int64_t end;
	if (seg_at(m->sched, t, &end) == SEG_WORK)
		start_run(m, t);
	else
		enter_rest(m, t);
}

static void begin_stop(machine *m, int64_t t, const stop_kind *sk)
{
	m->state = sk->state;
	m->reason = sk->reason;
	m->cur_stop = sk;
	m->next_stop = NULL;
	m->until_ms = t + rng_between(&m->r, sk->min_ms, sk->max_ms);
	if (sk->spoils_piece) {
		m->reject++;
		m->cnt_reject++;
		m->piece_left_ms = sample_cycle(m);
	}
}

static void end_episode(machine *m)
{
	int64_t t = m->until_ms;
	int64_t end;

	switch (m->state) {
	case ST_RUN:
		if (m->next_stop) {
			begin_stop(m, t, m->next_stop);
		} else if (seg_at(m->sched, m->boundary_ms, &end) == SEG_WORK) {
			start_run(m, t); /* midnight inside a round-the-clock schedule */
		} else {
			enter_rest(m, m->boundary_ms);
		}
		return;
	case ST_OFF:
		if (m->volatile_count)
			reset_counter(m); /* switched on: the counter starts from 0 */
		break;
	default:
		if (m->cur_stop) {
			const stop_kind *sk = m->cur_stop;
			if (sk->reset_p > 0.0 && rng_chance(&m->r, sk->reset_p))
				reset_counter(m);
			if (sk->new_style) {
				m->pace = m->perf * rng_uniform(&m->r, 0.95, 1.08);
				m->piece_left_ms = sample_cycle(m);
			}
		}
		break;
	}
	decide(m, t);
}

static void machine_advance(machine *m, int64_t to)
{
	while (m->t_ms < to) {
		int64_t lim = m->until_ms < to ? m->until_ms : to;
		if (m->state == ST_RUN) {
			while (m->piece_left_ms <= lim - m->t_ms) {
				m->t_ms += m->piece_left_ms;
				make_piece(m);
				m->piece_left_ms = sample_cycle(m);
			}
			m->piece_left_ms -= lim - m->t_ms;
		}
		m->t_ms = lim;
		if (m->t_ms >= m->until_ms)
			end_episode(m);
	}
}

/* ---- the cluster ---- */

struct sim {
	sim_options opt;
	sim_firm *firms;
	size_t n_firms;
	sim_workshop *workshops;
	size_t n_workshops;
	sim_machine_def *defs;
	machine *ms;
	size_t n_machines;
	size_t *order;    /* machine indices by report phase */
	int64_t round_ms; /* start of the current report round */
	size_t pos;       /* next position in order */
	int64_t now_ms;   /* time reached by sim_advance */
};

enum firm_type { FT_KNIT, FT_KNITDIP, FT_SEWN };

/* The three towns in the order firms are given to them. */
static const struct town {
	const char *code;
	const char *town;
	const char *county;
	const char *suffix;
	int64_t weight; /* share of the machines */
} towns[] = {
    [FT_KNIT] = {"PY", "平邑", "平邑县", "手套有限公司", 9},
    [FT_KNITDIP] = {"GM", "高密", "高密市", "劳保用品有限公司", 7},
    [FT_SEWN] = {"JX", "嘉祥", "嘉祥县", "手套有限公司", 4},
};

static const char *const name_stems[] = {
    "鑫达", "宏远", "金鼎", "恒泰", "永盛", "瑞丰", "华盛", "兴隆", "福源", "康达", "利民", "祥和",
    "盛源", "天成", "正大", "东升", "安泰", "德信", "聚福", "运达", "新宇", "嘉诚", "荣发", "益民",
};

typedef struct gauge_mix {
	int gauge;
	int pct;
} gauge_mix;

static const gauge_mix knit_gauges[] = {{7, 15}, {10, 20}, {13, 55}, {15, 10}};
static const gauge_mix dip_gauges[] = {{10, 10}, {13, 50}, {15, 25}, {18, 15}};

/* Ideal knitting cycle per glove by gauge, seconds (DOMAIN.md, est.). */
static const struct gauge_cycle {
	int gauge;
	int lo_s, hi_s;
} gauge_cycles[] = {{7, 60, 80}, {10, 70, 100}, {13, 90, 130}, {15, 130, 170}, {18, 160, 210}};

static int pick_gauge(rng *r, const gauge_mix *mix, size_t n)
{
	int64_t x = rng_between(r, 0, 99);
	for (size_t i = 0; i < n; i++) {
		if (x < mix[i].pct)
			return mix[i].gauge;
		x -= mix[i].pct;
	}
	return mix[n - 1].gauge;
}

static int64_t knit_cycle_ms(rng *r, int gauge)
{
	for (size_t i = 0; i < COUNT_OF(gauge_cycles); i++)
		if (gauge_cycles[i].gauge == gauge)
			return rng_between(r, gauge_cycles[i].lo_s, gauge_cycles[i].hi_s) * 1000;
	return 120000;
}

/* How many machines of each kind a firm of type ft with n machines has, and
 * whether they fill two workshops. */
typedef struct firm_plan {
	int64_t count[KIND_COUNT];
	int two_shops;
	const char *shop_name[2];
	int dip_shop; /* dipping lines get their own workshop (W2) */
} firm_plan;

static firm_plan plan_firm(enum firm_type ft, int64_t n)
{
	firm_plan p;
	memset(&p, 0, sizeof(p));
	switch (ft) {
	case FT_KNIT:
		p.count[KIND_OVERLOCK] = n >= 4 ? (n + 7) / 9 : 0;
		p.count[KIND_KNITTING] = n - p.count[KIND_OVERLOCK];
		p.two_shops = n > 14;
		p.shop_name[0] = p.two_shops ? "织造一车间" : "织造车间";
		p.shop_name[1] = "织造二车间";
		break;
	case FT_KNITDIP:
		p.count[KIND_DIPPING] = n >= 10 ? (n / 20 > 2 ? n / 20 : 2) : (n >= 4 ? 1 : 0);
		p.count[KIND_OVERLOCK] = n >= 6 ? (n + 9) / 10 : 0;
		p.count[KIND_KNITTING] = n - p.count[KIND_DIPPING] - p.count[KIND_OVERLOCK];
		p.dip_shop = p.count[KIND_DIPPING] > 0;
		p.shop_name[0] = "织造车间";
		p.shop_name[1] = "浸胶车间";
		break;
	case FT_SEWN:
		p.count[KIND_SEWING] = n;
		p.two_shops = n > 10;
		p.shop_name[0] = p.two_shops ? "缝制一车间" : "缝制车间";
		p.shop_name[1] = "缝制二车间";
		break;
	}
	return p;
}

/* Workshop (0 or 1) of the j-th machine of kind k. */
static int shop_of(const firm_plan *p, enum kind k, int64_t j)
{
	if (p->dip_shop)
		return k == KIND_DIPPING ? 1 : 0;
	if (p->two_shops)
		return j < (p->count[k] + 1) / 2 ? 0 : 1;
	return 0;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Sets up the attributes of machine m (index i) of kind k. */
static void make_machine(sim *s, rng *cr, size_t i, enum firm_type ft, enum kind k,
			 int first_of_kind)
{
	sim_machine_def *d = &s->defs[i];
	machine *m = &s->ms[i];
	const kind_profile *kp = &profiles[k];

	copy_str(d->kind, sizeof(d->kind), kp->name);
	m->kind = k;
	switch (k) {
	case KIND_KNITTING:
		d->gauge = ft == FT_KNITDIP ? pick_gauge(cr, dip_gauges, COUNT_OF(dip_gauges))
					    : pick_gauge(cr, knit_gauges, COUNT_OF(knit_gauges));
		d->cycle_ms = knit_cycle_ms(cr, d->gauge);
		m->sched =
		    &schedules[rng_chance(cr, ft == FT_KNIT ? 0.30 : 0.15) ? SCHED_DAY : SCHED_24H];
		break;
	case KIND_OVERLOCK:
		d->cycle_ms = rng_between(cr, 80, 150) * 100;
		m->sched = &schedules[rng_chance(cr, 0.5) ? SCHED_DAY : SCHED_24H];
		break;
	case KIND_DIPPING:
		d->cycle_ms = rng_between(cr, 50, 100) * 10;
		m->sched = &schedules[SCHED_24H];
		break;
	default:
		d->cycle_ms = rng_between(cr, 60, 120) * 1000;
		m->sched = &schedules[SCHED_SEWING];
		break;
	}
	/* Old PLC counters on the first dipping line of a firm and here and there. */
	d->counter_bits = (k == KIND_DIPPING && first_of_kind) || rng_chance(cr, 0.05) ? 16 : 32;
	m->mask = d->counter_bits >= 64 ? UINT64_MAX : (UINT64_C(1) << d->counter_bits) - 1;
	m->cycle_ms = d->cycle_ms;
	m->perf = rng_uniform(cr, kp->pace_lo, kp->pace_hi);
	m->pace = m->perf;
	m->reject_p = rng_uniform(cr, 0.01, 0.03);
	m->volatile_count = m->sched != &schedules[SCHED_24H] && rng_chance(cr, 0.2);
	m->phase_ms = rng_between(cr, 0, s->opt.report_every_ms - 1);

	uint64_t start;
	if (d->counter_bits == 16)
		start = (uint64_t)rng_between(cr, 0, 65535);
	else if (rng_chance(cr, 0.03)) /* close to the top: wraps soon */
		start = (UINT64_C(1) << 32) - (uint64_t)rng_between(cr, 1, 3000);
	else
		start = (uint64_t)rng_between(cr, 0, 20000000);
	if (s->opt.counter_bits == 16 || s->opt.counter_bits == 32) {
		/* Forced width (fault mode): every counter starts just below the top,
		 * without drawing from cr, so the cluster is otherwise the same. */
		d->counter_bits = s->opt.counter_bits;
		m->mask = (UINT64_C(1) << d->counter_bits) - 1;
		/* Below the top by 0.5-1.25 h of work, and by at least twice what the
		 * daemon takes for a plausible wrap between two reports, so that a
		 * reset near the start is still told from a wrap. */
		int64_t per_h = 3600000 / (d->cycle_ms > 0 ? d->cycle_ms : 1);
		int64_t gap = per_h * (2 + (int64_t)(i % 4)) / 4;
		int64_t cap =
		    2 * (4 * s->opt.report_every_ms / (d->cycle_ms > 0 ? d->cycle_ms : 1) + 16);
		start = m->mask - (uint64_t)(gap > cap ? gap : cap) - (uint64_t)((i * 7919u) % 40u);
	}
	m->cnt_good = start;
	m->cnt_reject = (uint64_t)((double)start * m->reject_p);
	m->r.s = s->opt.seed * UINT64_C(0xD1B54A32D192ED03) +
		 (uint64_t)i * UINT64_C(0x9E3779B97F4A7C15) + UINT64_C(0x632BE59BD9B4E019);
	rng_next(&m->r);
}

void sim_options_default(sim_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->seed = 1;
	opt->firms = 3;
	opt->machines = 60;
	opt->report_every_ms = 30000;
	opt->speed = 1.0;
}

static int normalise_options(const sim_options *in, sim_options *out)
{
	sim_options_default(out);
	if (!in)
		return 0;
	if (in->firms < 0 || in->firms > SIM_MAX_FIRMS || in->machines < 0 ||
	    in->machines > SIM_MAX_MACHINES || in->report_every_ms < 0 || in->speed < 0.0 ||
	    in->speed != in->speed)
		return -1;
	out->seed = in->seed;
	if (in->firms > 0)
		out->firms = in->firms;
	if (in->machines > 0)
		out->machines = in->machines;
	if (in->report_every_ms > 0)
		out->report_every_ms = in->report_every_ms;
	if (in->speed > 0.0)
		out->speed = in->speed;
	if (in->counter_bits != 0 && in->counter_bits != 16 && in->counter_bits != 32)
		return -1;
	out->counter_bits = in->counter_bits;
	return 0;
}

/* Shares machines among firms by town weight (largest remainder). */
static void share_machines(int64_t machines, size_t n_firms, int64_t *share)
{
	int64_t total_w = 0, given = 0;
	for (size_t f = 0; f < n_firms; f++)
		total_w += towns[f % 3].weight;
	for (size_t f = 0; f < n_firms; f++) {
		share[f] = machines * towns[f % 3].weight / total_w;
		given += share[f];
	}
	while (given < machines) {
		size_t best = 0;
		int64_t best_rem = -1;
		for (size_t f = 0; f < n_firms; f++) {
			int64_t exact = machines * towns[f % 3].weight;
			int64_t rem = exact - share[f] * total_w;
			if (rem > best_rem) {
				best_rem = rem;
				best = f;
			}
		}
		share[best]++;
		given++;
	}
}

typedef struct phase_idx {
	int64_t phase;
	size_t idx;
} phase_idx;

static int cmp_phase(const void *a, const void *b)
{
	const phase_idx *x = a, *y = b;
	if (x->phase != y->phase)
		return x->phase < y->phase ? -1 : 1;
	return x->idx < y->idx ? -1 : (x->idx > y->idx ? 1 : 0);
}

static void build_cluster(sim *s, const int64_t *share)
{
	rng cr = {s->opt.seed * UINT64_C(0x9E3779B97F4A7C15) ^ UINT64_C(0x5851F42D4C957F2D)};
	size_t stem0 = (size_t)(rng_next(&cr) % COUNT_OF(name_stems));
	size_t mi = 0;

	for (size_t f = 0; f < s->n_firms; f++) {
		enum firm_type ft = (enum firm_type)(f % 3);
		size_t nth = f / 3; /* nth firm of its town */
		sim_firm *fm = &s->firms[f];
		size_t stem = (stem0 + nth * 7 + (size_t)ft * 3) % COUNT_OF(name_stems);

		snprintf(fm->code, sizeof(fm->code), "%s%02zu", towns[ft].code, nth + 1);
		if (nth < COUNT_OF(name_stems))
			snprintf(fm->name, sizeof(fm->name), "%s%s%s", towns[ft].county,
				 name_stems[stem], towns[ft].suffix);
		else
			snprintf(fm->name, sizeof(fm->name), "%s%s%s(%zu)", towns[ft].county,
				 name_stems[stem], towns[ft].suffix, nth + 1);
		copy_str(fm->town, sizeof(fm->town), towns[ft].town);

		firm_plan p = plan_firm(ft, share[f]);
		int shops = p.two_shops || p.dip_shop ? 2 : 1;
		for (int w = 0; w < shops; w++) {
			sim_workshop *ws = &s->workshops[s->n_workshops++];
			copy_str(ws->enterprise, sizeof(ws->enterprise), fm->code);
			snprintf(ws->code, sizeof(ws->code), "W%d", w + 1);
			copy_str(ws->name, sizeof(ws->name), p.shop_name[w]);
		}
		for (int w = 0; w < shops; w++) {
			for (int k = 0; k < KIND_COUNT; k++) {
				for (int64_t j = 0; j < p.count[k]; j++) {
					if (shop_of(&p, (enum kind)k, j) != w)
						continue;
					sim_machine_def *d = &s->defs[mi];
					copy_str(d->enterprise, sizeof(d->enterprise), fm->code);
					snprintf(d->workshop, sizeof(d->workshop), "W%d", w + 1);
					snprintf(d->code, sizeof(d->code), "%s%03" PRId64,
						 profiles[k].prefix, j + 1);
					make_machine(s, &cr, mi, ft, (enum kind)k, j == 0);
					mi++;
				}
			}
		}
	}
}

sim *sim_open(const sim_options *opt, int64_t start_ms)
{
	sim *s = NULL;
	int64_t *share = NULL;
	phase_idx *pi = NULL;
	sim_options o;

	if (normalise_options(opt, &o) != 0)
		goto fail;
	s = calloc(1, sizeof(*s));
	if (!s)
		goto fail;
	s->opt = o;
	s->n_firms = (size_t)o.firms;
	s->n_machines = (size_t)o.machines;
	share = calloc(s->n_firms, sizeof(*share));
	s->firms = calloc(s->n_firms, sizeof(*s->firms));
	s->workshops = calloc(2 * s->n_firms, sizeof(*s->workshops));
	s->defs = calloc(s->n_machines, sizeof(*s->defs));
	s->ms = calloc(s->n_machines, sizeof(*s->ms));
	s->order = calloc(s->n_machines, sizeof(*s->order));
	pi = calloc(s->n_machines, sizeof(*pi));
	if (!share || !s->firms || !s->workshops || !s->defs || !s->ms || !s->order || !pi)
		goto fail;

	share_machines(o.machines, s->n_firms, share);
	build_cluster(s, share);

	for (size_t i = 0; i < s->n_machines; i++) {
		machine *m = &s->ms[i];
		m->t_ms = start_ms;
		m->piece_left_ms = rng_between(&m->r, 1, m->cycle_ms);
		decide(m, start_ms);
		pi[i].phase = m->phase_ms;
		pi[i].idx = i;
	}
	qsort(pi, s->n_machines, sizeof(*pi), cmp_phase);
	for (size_t i = 0; i < s->n_machines; i++)
		s->order[i] = pi[i].idx;

	/* First report strictly after start_ms. */
	s->now_ms = start_ms;
	s->round_ms = floor_div(start_ms, o.report_every_ms) * o.report_every_ms;
	while (s->pos < s->n_machines && s->round_ms + s->ms[s->order[s->pos]].phase_ms <= start_ms)
		s->pos++;
	if (s->pos == s->n_machines) {
		s->pos = 0;
		s->round_ms += o.report_every_ms;
	}
	free(share);
	free(pi);
	return s;
fail:
	free(share);
	free(pi);
	sim_close(s);
	return NULL;
}

void sim_close(sim *s)
{
	if (!s)
		return;
	free(s->firms);
	free(s->workshops);
	free(s->defs);
	free(s->ms);
	free(s->order);
	free(s);
}

size_t sim_firms(const sim *s, const sim_firm **out)
{
	*out = s->firms;
	return s->n_firms;
}

size_t sim_workshops(const sim *s, const sim_workshop **out)
{
	*out = s->workshops;
	return s->n_workshops;
}

size_t sim_machines(const sim *s, const sim_machine_def **out)
{
	*out = s->defs;
	return s->n_machines;
}

static void advance_all(sim *s, int64_t to)
{
	for (size_t i = 0; i < s->n_machines; i++)
		machine_advance(&s->ms[i], to);
}

int sim_advance(sim *s, int64_t until_ms, sim_emit_fn emit, void *ctx)
{
	if (until_ms <= s->now_ms)
		return 0;
	while (s->n_machines > 0) {
		size_t i = s->order[s->pos];
		machine *m = &s->ms[i];
		int64_t ts = s->round_ms + m->phase_ms;
		if (ts > until_ms)
			break;
		if (++s->pos == s->n_machines) {
			s->pos = 0;
			s->round_ms += s->opt.report_every_ms;
		}
		machine_advance(m, ts);
		if (!emit)
			continue;
		sim_report r = {
		    .enterprise = s->defs[i].enterprise,
		    .machine = s->defs[i].code,
		    .ts_ms = ts,
		    .count = m->cnt_good & m->mask,
		    .reject = m->cnt_reject & m->mask,
		    .state = state_names[m->state],
		    .reason = m->reason,
		    .index = i,
		};
		int rc = emit(ctx, &r);
		if (rc != 0) {
			advance_all(s, ts);
			s->now_ms = ts;
			return rc;
		}
	}
	advance_all(s, until_ms);
	s->now_ms = until_ms;
	return 0;
}

int64_t sim_next_report_ms(const sim *s)
{
	if (s->n_machines == 0)
		return INT64_MAX;
	return s->round_ms + s->ms[s->order[s->pos]].phase_ms;
}

uint64_t sim_truth_good(const sim *s, size_t machine_index)
{
	return machine_index < s->n_machines ? s->ms[machine_index].good : 0;
}

uint64_t sim_truth_reject(const sim *s, size_t machine_index)
{
	return machine_index < s->n_machines ? s->ms[machine_index].reject : 0;
}

uint64_t sim_truth_resets(const sim *s, size_t machine_index)
{
	return machine_index < s->n_machines ? s->ms[machine_index].resets : 0;
}

void sim_truth_counters(const sim *s, size_t machine_index, uint64_t *good, uint64_t *reject)
{
	const machine *m = machine_index < s->n_machines ? &s->ms[machine_index] : NULL;
	*good = m ? m->cnt_good : 0;
	*reject = m ? m->cnt_reject : 0;
}

void sim_power_cycle(sim *s, size_t machine_index, int64_t at_ms)
{
	if (machine_index >= s->n_machines)
		return;
	machine *m = &s->ms[machine_index];
	machine_advance(m, at_ms);
	reset_counter(m);
}

int sim_report_json(const sim_report *r, char *buf, size_t cap)
{
	int n;
	/* state and reason are the simulator's own codes: nothing to escape. */
	if (r->reason && r->reason[0])
		n = snprintf(buf, cap,
			     "{\"ts\":%" PRId64 ",\"count\":%" PRIu64 ",\"reject\":%" PRIu64
			     ",\"state\":\"%s\",\"reason\":\"%s\"}",
			     r->ts_ms, r->count, r->reject, r->state, r->reason);
	else
		n = snprintf(buf, cap,
			     "{\"ts\":%" PRId64 ",\"count\":%" PRIu64 ",\"reject\":%" PRIu64
			     ",\"state\":\"%s\"}",
			     r->ts_ms, r->count, r->reject, r->state);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	return n;
}
