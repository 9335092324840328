/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulator's fault layer (see sim_fault.h): per report, decides whether
 * it is lost, repeated, held back or buffered behind a gateway outage, and
 * keeps the ground truth of what was delivered. Held reports wait in a small
 * array sorted by due time; each firm's gateway buffers its reports while it
 * is down and replays them in order when it comes back. The truth keeps, per
 * machine, the delivered reports in time order within the daemon's reorder
 * window (plus one anchor) and folds finished intervals into totals, so its
 * memory stays bounded however long the run.
 */
#include "sim/sim_fault.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_REORDER_MAX_MS 120000
#define DEFAULT_DELAY_MAX_MS   600000
#define DEFAULT_OUTAGE_EVERY   3600000
#define DEFAULT_WINDOW_MS      900000
#define RESET_MARGIN           1024 /* see can_show_reset() */

/* A report with the physical truth behind it, taken when it was made. */
typedef struct item {
	sim_report r;
	uint64_t good, reject, resets; /* made since sim_open, resets so far */
	uint64_t raw_good, raw_reject; /* counters before masking */
	int64_t due_ms;                /* when held: release time */
	uint64_t seq;                  /* ties of due_ms in arrival order */
} item;

typedef struct item_vec {
	item *v;
	size_t n, cap;
} item_vec;

/* One machine's truth: the delivered samples from the anchor on. */
typedef struct mtruth {
	item *s;
	size_t n, cap;
	int anchored;
	uint64_t good, reject;
	uint64_t delivered, duplicates, late, ambiguous;
	uint64_t wraps; /* intervals in which the counter wrapped (no reset) */
	uint64_t last_resets;
} mtruth;

typedef struct gateway {
	char code[33];
	int64_t phase_ms;
	int down;
	item_vec buf;
} gateway;

struct sim_fault {
	sim *s;
	sim_fault_spec spec;
	int faults;
	int truth; /* keep the ground truth (memory: the window of every machine) */
	int64_t every_ms;
	sim_deliver_fn deliver;
	void *ctx;
	uint64_t rng;
	uint64_t seq;
	item_vec held; /* sorted by (due_ms, seq) */
	gateway *gw;
	size_t n_gw;
	size_t *gw_of; /* machine -> gateway */
	mtruth *mt;
	const sim_machine_def *defs;
	size_t n_machines;
	sim_fault_counts c;
};

/* ---- parsing ---- */

static int parse_num(const char *v, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double x = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(x) || x < lo || x > hi)
		return -1;
	*out = x;
	return 0;
}

int sim_fault_parse(const char *text, sim_fault_spec *out, char *err, size_t errcap)
{
	char buf[512];
	memset(out, 0, sizeof(*out));
	if (!text)
		return 0;
	size_t len = strlen(text);
	if (len >= sizeof(buf)) {
		snprintf(err, errcap, "fault list longer than %zu bytes", sizeof(buf) - 1);
		return -1;
	}
	memcpy(buf, text, len + 1);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		char *v = eq ? eq + 1 : NULL;
		if (eq)
			*eq = '\0';
		double x = 0, y = 0;
		int bad = 0;
		if (strcmp(tok, "wrap16") == 0 || strcmp(tok, "wrap32") == 0) {
			bad = v != NULL;
			out->counter_bits = tok[4] == '1' ? 16 : 32;
		} else if (!v) {
			bad = 1;
		} else if (strcmp(tok, "dup") == 0) {
			bad = parse_num(v, 0, 1, &out->dup);
		} else if (strcmp(tok, "reorder") == 0) {
			bad = parse_num(v, 0, 1, &out->reorder);
		} else if (strcmp(tok, "delay") == 0) {
			bad = parse_num(v, 0, 1, &out->delay);
		} else if (strcmp(tok, "drop") == 0) {
			bad = parse_num(v, 0, 1, &out->drop);
		} else if (strcmp(tok, "powercycle") == 0) {
			bad = parse_num(v, 0, 1, &out->powercycle);
		} else if (strcmp(tok, "reorder-max") == 0) {
			bad = parse_num(v, 0.001, 86400, &x);
			out->reorder_max_ms = (int64_t)(x * 1000.0);
		} else if (strcmp(tok, "delay-max") == 0) {
			bad = parse_num(v, 0.001, 86400, &x);
			out->delay_max_ms = (int64_t)(x * 1000.0);
		} else if (strcmp(tok, "window") == 0) {
			bad = parse_num(v, 1, 7 * 86400, &x);
			out->window_ms = (int64_t)(x * 1000.0);
		} else if (strcmp(tok, "seed") == 0) {
			bad = parse_num(v, 0, 4294967295.0, &x) || x != floor(x);
			out->seed = (unsigned)x;
		} else if (strcmp(tok, "outage") == 0) {
			char *slash = strchr(v, '/');
			if (slash)
				*slash = '\0';
			bad = parse_num(v, 0, 86400, &x);
			y = DEFAULT_OUTAGE_EVERY / 1000.0;
			if (!bad && slash)
				bad = parse_num(slash + 1, 1, 7 * 86400, &y);
			if (!bad && x >= y)
				bad = 1;
			out->outage_ms = (int64_t)(x * 1000.0);
			out->outage_every_ms = (int64_t)(y * 1000.0);
		} else {
			snprintf(err, errcap, "unknown fault '%s'", tok);
			return -1;
		}
		if (bad) {
			snprintf(err, errcap, "bad value for fault '%s'", tok);
			return -1;
		}
	}
	return 0;
}

/* ---- small helpers ---- */

static uint64_t rnd(sim_fault *f)
{
	uint64_t z = (f->rng += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static int chance(sim_fault *f, double p)
{
	if (p <= 0.0)
		return 0;
	return (double)(rnd(f) >> 11) * (1.0 / 9007199254740992.0) < p;
}

/* Uniform in [1, max]. */
static int64_t upto(sim_fault *f, int64_t max)
{
	return max <= 1 ? 1 : 1 + (int64_t)(rnd(f) % (uint64_t)max);
}

static int vec_push(item_vec *v, const item *it)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		item *p = realloc(v->v, cap * sizeof(*p));
		if (!p)
			return -1;
		v->v = p;
		v->cap = cap;
	}
	v->v[v->n++] = *it;
	return 0;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	int64_t m = a % b;
	return m < 0 ? m + b : m;
}

/* ---- truth ---- */

/* Pieces the documented counter rules credit for prev -> cur (the daemon's
 * contract, docs/internals/ingest.md), to notice where they cannot tell
 * what happened. */
static uint64_t rule_delta(uint64_t prev, uint64_t cur, int64_t el, int bits, int64_t cycle_ms)
{
	if (cur >= prev)
		return cur - prev;
	if (bits < 64) {
		uint64_t range = UINT64_C(1) << bits;
		uint64_t e = el > 0 ? (uint64_t)el : 0;
		uint64_t cap = (cycle_ms > 0 ? e * 4 / (uint64_t)cycle_ms : e * 20 / 1000) + 16;
		if (prev < range && range - prev + cur <= cap)
			return range - prev + cur;
	}
	return cur;
}

/* Adds the pieces knowable between consecutive delivered reports p, c. */
static void fold(sim_fault *f, size_t mi, const item *p, const item *c)
{
	mtruth *t = &f->mt[mi];
	uint64_t g, rj;
	if (c->resets == p->resets) {
		g = c->good - p->good;
		rj = c->reject - p->reject;
		if (c->r.count < p->r.count || c->r.reject < p->r.reject) {
			t->wraps++;
			f->c.wraps++;
		}
	} else {
		/* Only what the counter holds since its last reset was ever reported. */
		g = c->raw_good;
		rj = c->raw_reject;
	}
	int bits = f->defs[mi].counter_bits;
	int64_t el = c->r.ts_ms - p->r.ts_ms;
	if (rule_delta(p->r.count, c->r.count, el, bits, f->defs[mi].cycle_ms) != g ||
	    rule_delta(p->r.reject, c->r.reject, el, bits, f->defs[mi].cycle_ms) != rj) {
		t->ambiguous++;
		f->c.ambiguous++;
	}
	t->good += g;
	t->reject += rj;
}

/* A delivered report reaches the daemon: duplicate, late or placed. */
static int truth_place(sim_fault *f, const item *it)
{
	size_t mi = it->r.index;
	mtruth *t = &f->mt[mi];
	size_t lo = 0, hi = t->n;
	t->delivered++;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->s[mid].r.ts_ms < it->r.ts_ms)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->n && t->s[lo].r.ts_ms == it->r.ts_ms) {
		t->duplicates++;
		return 0;
	}
	if (lo == 0 && t->n > 0 && t->anchored) {
		t->late++;
		return 0;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		item *p = realloc(t->s, cap * sizeof(*p));
		if (!p)
			return -1;
		t->s = p;
		t->cap = cap;
	}
	memmove(t->s + lo + 1, t->s + lo, (t->n - lo) * sizeof(*t->s));
	t->s[lo] = *it;
	t->n++;
	if (it->resets > t->last_resets)
		t->last_resets = it->resets;
	/* Samples older than the window leave, but for the newest of them (the
	 * anchor): the intervals up to the anchor can no longer change. */
	int64_t horizon = t->s[t->n - 1].r.ts_ms - f->spec.window_ms;
	size_t i = 0;
	while (i < t->n && t->s[i].r.ts_ms < horizon)
		i++;
	if (i > 0) {
		size_t drop = i - 1;
		for (size_t k = 0; k < drop; k++)
			fold(f, mi, &t->s[k], &t->s[k + 1]);
		memmove(t->s, t->s + drop, (t->n - drop) * sizeof(*t->s));
		t->n -= drop;
		t->anchored = 1;
	}
	return 0;
}

/* ---- delivery ---- */

static int send_item(sim_fault *f, const item *it)
{
	int rc = f->deliver(f->ctx, &it->r);
	if (rc > 0)
		return rc;
	if (rc < 0) {
		f->c.lost++;
		return 0;
	}
	f->c.delivered++;
	if (!f->truth)
		return 0;
	return truth_place(f, it) == 0 ? 0 : 1;
}

static int hold(sim_fault *f, const item *it, int64_t due_ms)
{
	item h = *it;
	h.due_ms = due_ms;
	h.seq = f->seq++;
	if (vec_push(&f->held, &h))
		return -1;
	size_t i = f->held.n - 1;
	while (i > 0 && f->held.v[i - 1].due_ms > due_ms) {
		f->held.v[i] = f->held.v[i - 1];
		i--;
	}
	f->held.v[i] = h;
	return 0;
}

static int release_due(sim_fault *f, int64_t now_ms, int all)
{
	size_t k = 0;
	int rc = 0;
	while (k < f->held.n && (all || f->held.v[k].due_ms <= now_ms)) {
		rc = send_item(f, &f->held.v[k]);
		k++;
		if (rc)
			break;
	}
	if (k == 0)
		return rc;
	memmove(f->held.v, f->held.v + k, (f->held.n - k) * sizeof(*f->held.v));
	f->held.n -= k;
	return rc;
}

/* A report leaves its gateway (live or replayed): repeated, held back or
 * sent now. Replayed history keeps its order (only duplicated). */
static int dispatch(sim_fault *f, const item *it, int64_t now_ms, int replay)
{
	if (chance(f, f->spec.dup)) {
		f->c.duplicated++;
		if (replay) {
			/* a batch of history sent again: right behind the first copy */
			int rc = send_item(f, it);
			if (rc)
				return rc;
		} else if (hold(f, it, now_ms + upto(f, f->spec.reorder_max_ms))) {
			return 1;
		}
	}
	if (!replay && chance(f, f->spec.reorder)) {
		f->c.held++;
		return hold(f, it, now_ms + upto(f, f->spec.reorder_max_ms)) ? 1 : 0;
	}
	if (!replay && chance(f, f->spec.delay)) {
		f->c.held++;
		return hold(f, it, now_ms + upto(f, f->spec.delay_max_ms)) ? 1 : 0;
	}
	return send_item(f, it);
}

static int gateway_down(const sim_fault *f, const gateway *g, int64_t t)
{
	if (f->spec.outage_ms <= 0)
		return 0;
	return floor_mod(t - g->phase_ms, f->spec.outage_every_ms) < f->spec.outage_ms;
}

/* Gateway g is back: its buffer goes out oldest first. */
static int replay(sim_fault *f, gateway *g, int64_t now_ms)
{
	int rc = 0;
	size_t k = 0;
	for (; k < g->buf.n && rc == 0; k++)
		rc = dispatch(f, &g->buf.v[k], now_ms, 1);
	if (k > 0) {
		memmove(g->buf.v, g->buf.v + k, (g->buf.n - k) * sizeof(*g->buf.v));
		g->buf.n -= k;
	}
	g->down = g->buf.n > 0;
	return rc;
}

int sim_fault_tick(sim_fault *f, int64_t now_ms)
{
	int rc = release_due(f, now_ms, 0);
	for (size_t i = 0; i < f->n_gw && rc == 0; i++)
		if (f->gw[i].down && !gateway_down(f, &f->gw[i], now_ms))
			rc = replay(f, &f->gw[i], now_ms);
	return rc;
}

/* Whether a reset after r would show as one in the next reports: a counter
 * near 0 that resets and climbs back above its old value looks like
 * production, one near the top that resets looks like a wrap, to anyone
 * (docs/internals/ingest.md). The fault mode power-cycles only where the
 * reports can tell; the model's own resets are counted as ambiguous when
 * they cannot. */
static int can_show_reset(const sim_fault *f, const sim_report *r)
{
	int bits = f->defs[r->index].counter_bits;
	uint64_t top = bits < 64 ? (UINT64_C(1) << bits) - 1 : UINT64_MAX;
	return r->count >= RESET_MARGIN && r->reject >= RESET_MARGIN &&
	       top - r->count >= 4 * RESET_MARGIN && top - r->reject >= 4 * RESET_MARGIN;
}

int sim_fault_emit(void *ctx, const sim_report *r)
{
	sim_fault *f = ctx;
	item it;
	memset(&it, 0, sizeof(it));
	it.r = *r;
	if (r->index >= f->n_machines)
		return 0;
	it.good = sim_truth_good(f->s, r->index);
	it.reject = sim_truth_reject(f->s, r->index);
	it.resets = sim_truth_resets(f->s, r->index);
	sim_truth_counters(f->s, r->index, &it.raw_good, &it.raw_reject);
	f->c.reports++;

	int rc = sim_fault_tick(f, r->ts_ms);
	if (rc)
		return rc;
	gateway *g = &f->gw[f->gw_of[r->index]];
	if (gateway_down(f, g, r->ts_ms)) {
		g->down = 1;
		f->c.buffered++;
		if (vec_push(&g->buf, &it))
			return 1;
	} else if (chance(f, f->spec.drop)) {
		f->c.dropped++;
	} else {
		rc = dispatch(f, &it, r->ts_ms, 0);
		if (rc)
			return rc;
	}
	if (chance(f, f->spec.powercycle) && can_show_reset(f, r)) {
		f->c.powercycles++;
		sim_power_cycle(f->s, r->index, r->ts_ms + upto(f, f->every_ms - 1));
	}
	return 0;
}

int sim_fault_finish(sim_fault *f)
{
	int rc = 0;
	for (size_t i = 0; i < f->n_gw && rc == 0; i++)
		if (f->gw[i].buf.n)
			rc = replay(f, &f->gw[i], INT64_MAX / 2);
	if (rc == 0)
		rc = release_due(f, 0, 1);
	if (rc)
		return rc;
	for (size_t mi = 0; mi < f->n_machines; mi++) {
		mtruth *t = &f->mt[mi];
		for (size_t k = 0; k + 1 < t->n; k++)
			fold(f, mi, &t->s[k], &t->s[k + 1]);
		if (t->n > 1) {
			t->s[0] = t->s[t->n - 1];
			t->n = 1;
			t->anchored = 1;
		}
	}
	return 0;
}

/* ---- open, close, read ---- */

sim_fault *sim_fault_open(sim *s, const sim_fault_spec *spec, int64_t report_every_ms,
			  sim_deliver_fn deliver, void *ctx)
{
	sim_fault *f = calloc(1, sizeof(*f));
	const sim_firm *firms;
	if (!f)
		return NULL;
	f->s = s;
	if (spec) {
		f->spec = *spec;
		f->faults = 1;
	}
	if (f->spec.reorder_max_ms <= 0)
		f->spec.reorder_max_ms = DEFAULT_REORDER_MAX_MS;
	if (f->spec.delay_max_ms <= 0)
		f->spec.delay_max_ms = DEFAULT_DELAY_MAX_MS;
	if (f->spec.outage_every_ms <= 0)
		f->spec.outage_every_ms = DEFAULT_OUTAGE_EVERY;
	if (f->spec.window_ms <= 0)
		f->spec.window_ms = DEFAULT_WINDOW_MS;
	f->every_ms = report_every_ms > 1 ? report_every_ms : 30000;
	f->deliver = deliver;
	f->ctx = ctx;
	f->truth = 1;
	f->rng = (uint64_t)(f->spec.seed ? f->spec.seed : 1) * UINT64_C(0xA24BAED4963EE407);
	f->n_machines = sim_machines(s, &f->defs);
	f->n_gw = sim_firms(s, &firms);
	f->gw = calloc(f->n_gw ? f->n_gw : 1, sizeof(*f->gw));
	f->gw_of = calloc(f->n_machines ? f->n_machines : 1, sizeof(*f->gw_of));
	f->mt = calloc(f->n_machines ? f->n_machines : 1, sizeof(*f->mt));
	if (!f->gw || !f->gw_of || !f->mt) {
		sim_fault_close(f);
		return NULL;
	}
	for (size_t i = 0; i < f->n_gw; i++) {
		memcpy(f->gw[i].code, firms[i].code, sizeof(f->gw[i].code));
		f->gw[i].phase_ms = (int64_t)(rnd(f) % (uint64_t)f->spec.outage_every_ms);
	}
	for (size_t m = 0; m < f->n_machines; m++)
		for (size_t i = 0; i < f->n_gw; i++)
			if (strcmp(f->defs[m].enterprise, f->gw[i].code) == 0)
				f->gw_of[m] = i;
	return f;
}

void sim_fault_close(sim_fault *f)
{
	if (!f)
		return;
	free(f->held.v);
	if (f->gw)
		for (size_t i = 0; i < f->n_gw; i++)
			free(f->gw[i].buf.v);
	if (f->mt)
		for (size_t i = 0; i < f->n_machines; i++)
			free(f->mt[i].s);
	free(f->gw);
	free(f->gw_of);
	free(f->mt);
	free(f);
}

void sim_fault_keep_truth(sim_fault *f, int on)
{
	f->truth = on != 0;
}

void sim_fault_counts_get(const sim_fault *f, sim_fault_counts *out)
{
	*out = f->c;
}

int sim_fault_truth(const sim_fault *f, size_t i, uint64_t *good, uint64_t *reject)
{
	if (i >= f->n_machines)
		return -1;
	*good = f->mt[i].good;
	*reject = f->mt[i].reject;
	return 0;
}

int sim_fault_write_truth(sim_fault *f, FILE *out)
{
	int rc = -1;
	char *text = NULL;
	cJSON *root = cJSON_CreateObject();
	if (!root)
		goto out;
	for (size_t i = 0; i < f->n_machines; i++) {
		const mtruth *t = &f->mt[i];
		char k[80];
		snprintf(k, sizeof(k), "%s/%s", f->defs[i].enterprise, f->defs[i].code);
		cJSON *o = cJSON_AddObjectToObject(root, k);
		if (!o || !cJSON_AddNumberToObject(o, "good", (double)t->good) ||
		    !cJSON_AddNumberToObject(o, "reject", (double)t->reject) ||
		    !cJSON_AddNumberToObject(o, "delivered", (double)t->delivered) ||
		    !cJSON_AddNumberToObject(o, "duplicates", (double)t->duplicates) ||
		    !cJSON_AddNumberToObject(o, "late", (double)t->late) ||
		    !cJSON_AddNumberToObject(o, "resets", (double)t->last_resets) ||
		    !cJSON_AddNumberToObject(o, "wraps", (double)t->wraps) ||
		    !cJSON_AddNumberToObject(o, "ambiguous", (double)t->ambiguous))
			goto out;
	}
	text = cJSON_Print(root);
	if (!text || fputs(text, out) == EOF || fputc('\n', out) == EOF || fflush(out) != 0)
		goto out;
	rc = 0;
out:
	cJSON_free(text);
	cJSON_Delete(root);
	return rc;
}

/* ---- the driver ---- */

#define STEP_MS     (10 * 60000) /* simulated time per replay step */
#define MAX_WAIT_MS 200

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void idle(const sim_transport *tp, int ms)
{
	if (tp->wait) {
		tp->wait(tp->ctx, ms);
	} else if (ms > 0) {
		struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
}

static int write_truth_file(sim_fault *f, const char *path)
{
	FILE *out = fopen(path, "w");
	if (!out) {
		fprintf(stderr, "sim: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	int rc = sim_fault_write_truth(f, out);
	if (fclose(out) != 0)
		rc = -1;
	if (rc)
		fprintf(stderr, "sim: cannot write %s\n", path);
	return rc;
}

int sim_drive(const sim_options *opt, int64_t backfill_from_ms, const sim_run_opts *ro,
	      const sim_transport *tp, volatile int *stop)
{
	int ret = -1, rc = 0;
	sim *s = NULL;
	sim_fault *f = NULL;
	sim_options o;
	sim_run_opts none = {NULL, 0, NULL};

	if (!tp || !tp->deliver || !stop)
		return -1;
	if (!ro)
		ro = &none;
	sim_options_default(&o);
	if (opt)
		o = *opt;
	if (ro->faults && ro->faults->counter_bits)
		o.counter_bits = ro->faults->counter_bits;
	double speed = o.speed > 0.0 ? o.speed : 1.0;
	int64_t end = ro->end_ms > 0 ? ro->end_ms : INT64_MAX;

	int64_t now = wall_ms();
	int64_t simt = backfill_from_ms > 0 && backfill_from_ms < now ? backfill_from_ms : now;
	s = sim_open(&o, simt);
	if (!s) {
		fprintf(stderr, "sim: cannot build the cluster (bad options or out of memory)\n");
		goto out;
	}
	f = sim_fault_open(s, ro->faults, o.report_every_ms, tp->deliver, tp->ctx);
	if (!f) {
		fprintf(stderr, "sim: out of memory\n");
		goto out;
	}
	sim_fault_keep_truth(f, ro->truth_path != NULL);

	if (simt < now && simt < end) {
		int64_t t0 = wall_ms();
		fprintf(stderr, "sim: replaying %.1f h of history\n",
			(double)((now < end ? now : end) - simt) / 3600000.0);
		if (tp->replay)
			tp->replay(tp->ctx, 1);
		while (!*stop && rc == 0) {
			int64_t target = wall_ms();
			if (target > end)
				target = end;
			int64_t until = simt + STEP_MS < target ? simt + STEP_MS : target;
			rc = sim_advance(s, until, sim_fault_emit, f);
			if (rc == 0)
				rc = sim_fault_tick(f, until);
			if (rc == 0 && tp->step)
				rc = tp->step(tp->ctx);
			simt = until;
			if (simt >= target)
				break;
		}
		if (tp->replay)
			tp->replay(tp->ctx, 0);
		fprintf(stderr, "sim: history %s in %.1f s\n", *stop || rc ? "stopped" : "replayed",
			(double)(wall_ms() - t0) / 1000.0);
	}

	int64_t wall0 = wall_ms();
	int64_t sim0 = simt > wall0 ? simt : wall0;
	while (!*stop && rc == 0 && simt < end) {
		int64_t target = sim0 + (int64_t)((double)(wall_ms() - wall0) * speed);
		if (target > end)
			target = end;
		rc = sim_advance(s, target, sim_fault_emit, f);
		if (rc == 0)
			rc = sim_fault_tick(f, target);
		if (rc == 0 && tp->step)
			rc = tp->step(tp->ctx);
		simt = target;
		double wait = (double)(sim_next_report_ms(s) - target) / speed;
		if (simt < end)
			idle(tp, wait <= 0.0 ? 0 : wait >= MAX_WAIT_MS ? MAX_WAIT_MS : (int)wait);
	}

	/* What is held or buffered still goes out, as a gateway would send it. */
	if (tp->replay)
		tp->replay(tp->ctx, 1);
	if (rc == 0 && !*stop)
		rc = sim_fault_finish(f);
	if (rc == 0 && tp->step)
		rc = tp->step(tp->ctx);
	if (tp->drain && tp->drain(tp->ctx) != 0 && !*stop)
		rc = -1; /* not everything acknowledged (a stopped run does not care) */
	sim_fault_counts c;
	sim_fault_counts_get(f, &c);
	fprintf(stderr,
		"sim: %llu reports: %llu delivered, %llu lost, %llu dropped, %llu duplicated, "
		"%llu held back, %llu buffered in outages, %llu power cycles, %llu ambiguous\n",
		(unsigned long long)c.reports, (unsigned long long)c.delivered,
		(unsigned long long)c.lost, (unsigned long long)c.dropped,
		(unsigned long long)c.duplicated, (unsigned long long)c.held,
		(unsigned long long)c.buffered, (unsigned long long)c.powercycles,
		(unsigned long long)c.ambiguous);
	if (ro->truth_path && write_truth_file(f, ro->truth_path) != 0)
		goto out;
	ret = rc == 0 || (*stop && rc > 0) ? 0 : -1;
out:
	sim_fault_close(f);
	sim_close(s);
	return ret;
}
