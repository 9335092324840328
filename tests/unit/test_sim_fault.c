/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the simulator's fault layer and its ground truth
 * (src/sim/sim_fault.c). The truth comes from the model's physical pieces;
 * these tests check it two ways: against the daemon's own counter logic
 * (core/counter.c) fed with exactly the reports the layer delivered, in
 * delivery order, and against a plain model (a run without faults and
 * resets is the pieces made between the first and the last report). They
 * also check each fault does what it says: drops, copies, holds within the
 * window, outages that replay in order, power cycles, wraps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/counter.h"
#include "sim/sim_fault.h"

#define HOUR_MS 3600000LL
/* 2025-11-29 00:00 in Asia/Shanghai. */
#define T0 1764345600000LL

#define MAXM 64

/* The receiving end: the daemon's counter tracks, fed in delivery order. */
typedef struct receiver {
	const sim_machine_def *defs;
	counter_track tr[MAXM];
	int64_t good[MAXM], reject[MAXM];
	int64_t newest[MAXM];
	int64_t last_ts[MAXM]; /* of the previous delivery */
	uint64_t n, out_of_order, beyond_window, late;
	int64_t window_ms;
	int lose_every; /* > 0: every nth deliver() says lost */
	uint64_t lost;
	size_t gw_of_outage; /* machine index to watch */
} receiver;

static int deliver(void *ctx, const sim_report *r)
{
	receiver *rc = ctx;
	size_t i = r->index;
	assert_true(i < MAXM);
	if (rc->lose_every > 0 && (rc->n + rc->lost + 1) % (uint64_t)rc->lose_every == 0) {
		rc->lost++;
		return -1;
	}
	rc->n++;
	if (rc->last_ts[i] && r->ts_ms < rc->last_ts[i])
		rc->out_of_order++;
	if (rc->newest[i] && r->ts_ms < rc->newest[i] - rc->window_ms)
		rc->beyond_window++;
	if (r->ts_ms > rc->newest[i])
		rc->newest[i] = r->ts_ms;
	rc->last_ts[i] = r->ts_ms;
	counter_params p = {rc->defs[i].counter_bits, rc->window_ms, rc->defs[i].cycle_ms};
	counter_change ch[2];
	int n = 0;
	int res = counter_apply(&rc->tr[i], &p, r->ts_ms, r->count, r->reject, ch, &n);
	assert_true(res >= 0);
	if (res == COUNTER_LATE)
		rc->late++;
	for (int k = 0; k < n; k++) {
		rc->good[i] += ch[k].d_good;
		rc->reject[i] += ch[k].d_reject;
	}
	return 0;
}

typedef struct run {
	sim *s;
	sim_fault *f;
	receiver rc;
	size_t n;
	sim_fault_counts c;
} run;

/* Runs hours of the cluster through the fault layer. */
static void run_faults(run *r, const sim_fault_spec *spec, int machines, double hours)
{
	memset(r, 0, sizeof(*r));
	sim_options o;
	sim_options_default(&o);
	o.machines = machines;
	o.counter_bits = spec ? spec->counter_bits : 0;
	r->s = sim_open(&o, T0);
	assert_non_null(r->s);
	r->n = sim_machines(r->s, &r->rc.defs);
	assert_true(r->n <= MAXM);
	r->rc.window_ms = spec && spec->window_ms ? spec->window_ms : 900000;
	for (size_t i = 0; i < r->n; i++)
		counter_track_init(&r->rc.tr[i]);
	r->f = sim_fault_open(r->s, spec, o.report_every_ms, deliver, &r->rc);
	assert_non_null(r->f);
	int64_t end = T0 + (int64_t)(hours * (double)HOUR_MS);
	for (int64_t t = T0; t < end;) {
		int64_t until = t + 10 * 60000 < end ? t + 10 * 60000 : end;
		assert_int_equal(sim_advance(r->s, until, sim_fault_emit, r->f), 0);
		assert_int_equal(sim_fault_tick(r->f, until), 0);
		t = until;
	}
	assert_int_equal(sim_fault_finish(r->f), 0);
	sim_fault_counts_get(r->f, &r->c);
}

static void run_free(run *r)
{
	for (size_t i = 0; i < r->n; i++)
		counter_track_free(&r->rc.tr[i]);
	sim_fault_close(r->f);
	sim_close(r->s);
}

/* Every machine's truth equals what the daemon's counters credit, except
 * where the layer itself says the counter rules cannot tell. */
static void assert_truth_is_credited(run *r, int allow_ambiguous)
{
	uint64_t total = 0;
	for (size_t i = 0; i < r->n; i++) {
		uint64_t g, rj;
		assert_int_equal(sim_fault_truth(r->f, i, &g, &rj), 0);
		total += g;
		if (allow_ambiguous && r->c.ambiguous)
			continue;
		if ((int64_t)g != r->rc.good[i] || (int64_t)rj != r->rc.reject[i])
			fail_msg("machine %s/%s: truth %llu/%llu, credited %lld/%lld",
				 r->rc.defs[i].enterprise, r->rc.defs[i].code,
				 (unsigned long long)g, (unsigned long long)rj,
				 (long long)r->rc.good[i], (long long)r->rc.reject[i]);
	}
	assert_true(total > 0);
}

static void test_parse(void **state)
{
	(void)state;
	sim_fault_spec s;
	char err[128];
	assert_int_equal(sim_fault_parse("dup=0.05,reorder=0.1,delay=0.02,drop=0.02,outage=900/"
					 "3600,powercycle=0.001,wrap16,reorder-max=60,seed=7",
					 &s, err, sizeof(err)),
			 0);
	assert_true(s.dup == 0.05 && s.reorder == 0.1 && s.delay == 0.02 && s.drop == 0.02);
	assert_int_equal(s.outage_ms, 900000);
	assert_int_equal(s.outage_every_ms, 3600000);
	assert_int_equal(s.counter_bits, 16);
	assert_int_equal(s.reorder_max_ms, 60000);
	assert_int_equal(s.seed, 7);
	assert_int_equal(sim_fault_parse("", &s, err, sizeof(err)), 0);
	assert_int_equal(s.counter_bits, 0);
	const char *bad[] = {"dup=2",    "drop",         "nope=1",         "outage=3600/600",
			     "wrap16=1", "dup=0.1,,x=1", "reorder-max=-1", "seed=1.5"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sim_fault_parse(bad[i], &s, err, sizeof(err)), -1);
}

/* No faults: every report delivered once, in order, and the truth is what
 * the daemon's counters credit. */
static void test_no_faults(void **state)
{
	(void)state;
	run r;
	run_faults(&r, NULL, 24, 8);
	assert_int_equal(r.c.delivered, r.c.reports);
	assert_int_equal(r.rc.out_of_order, 0);
	assert_int_equal(r.c.ambiguous, 0);
	assert_truth_is_credited(&r, 0);
	run_free(&r);
}

/* The plain model: for a machine never reset, the pieces made between its
 * first and its last report, read from the model at those reports. */
static uint64_t g_first[MAXM], g_last[MAXM], g_resets0[MAXM], g_resets1[MAXM];
static int g_seen[MAXM];
static sim *g_sim;

static int observe(void *ctx, const sim_report *r)
{
	(void)ctx;
	size_t i = r->index;
	if (!g_seen[i]) {
		g_seen[i] = 1;
		g_first[i] = sim_truth_good(g_sim, i);
		g_resets0[i] = sim_truth_resets(g_sim, i);
	}
	g_last[i] = sim_truth_good(g_sim, i);
	g_resets1[i] = sim_truth_resets(g_sim, i);
	return 0;
}

static void test_no_faults_exact(void **state)
{
	(void)state;
	run r;
	run_faults(&r, NULL, 30, 12);
	sim_options o;
	sim_options_default(&o);
	o.machines = 30;
	g_sim = sim_open(&o, T0);
	memset(g_seen, 0, sizeof(g_seen));
	assert_int_equal(sim_advance(g_sim, T0 + 12 * HOUR_MS, observe, NULL), 0);
	int checked = 0;
	for (size_t i = 0; i < r.n; i++) {
		if (g_resets0[i] != g_resets1[i])
			continue;
		uint64_t g, rj;
		sim_fault_truth(r.f, i, &g, &rj);
		assert_int_equal(g, g_last[i] - g_first[i]);
		checked++;
	}
	assert_true(checked >= 20);
	sim_close(g_sim);
	run_free(&r);
}

/* Drops, copies, reorders, delays: nothing is held beyond the window, the
 * counts add up, and the truth is what the daemon's counters credit. */
static void test_network_faults(void **state)
{
	(void)state;
	sim_fault_spec spec;
	char err[128];
	assert_int_equal(
	    sim_fault_parse("dup=0.1,reorder=0.15,delay=0.05,drop=0.05,seed=3", &spec, err, 128),
	    0);
	run r;
	run_faults(&r, &spec, 24, 10);
	assert_true(r.c.dropped > 0 && r.c.duplicated > 0 && r.c.held > 0);
	assert_int_equal(r.c.delivered, r.c.reports - r.c.dropped + r.c.duplicated);
	assert_int_equal(r.c.delivered, r.rc.n);
	assert_true(r.rc.out_of_order > 100);
	assert_int_equal(r.rc.beyond_window, 0);
	assert_int_equal(r.rc.late, 0);
	assert_truth_is_credited(&r, 0);
	run_free(&r);
}

/* A deliver() that loses reports: they do not count in the truth. */
static void test_lost_by_transport(void **state)
{
	(void)state;
	sim_fault_spec spec;
	memset(&spec, 0, sizeof(spec));
	sim_options o;
	sim_options_default(&o);
	o.machines = 12;
	sim *s = sim_open(&o, T0);
	receiver rc;
	memset(&rc, 0, sizeof(rc));
	rc.window_ms = 900000;
	rc.lose_every = 7;
	size_t n = sim_machines(s, &rc.defs);
	sim_fault *f = sim_fault_open(s, &spec, o.report_every_ms, deliver, &rc);
	assert_int_equal(sim_advance(s, T0 + 6 * HOUR_MS, sim_fault_emit, f), 0);
	assert_int_equal(sim_fault_finish(f), 0);
	sim_fault_counts c;
	sim_fault_counts_get(f, &c);
	assert_true(c.lost > 0);
	assert_int_equal(c.lost, rc.lost);
	assert_int_equal(c.delivered + c.lost, c.reports);
	for (size_t i = 0; i < n; i++) {
		uint64_t g, rj;
		sim_fault_truth(f, i, &g, &rj);
		assert_int_equal((int64_t)g, rc.good[i]);
		assert_int_equal((int64_t)rj, rc.reject[i]);
		counter_track_free(&rc.tr[i]);
	}
	sim_fault_close(f);
	sim_close(s);
}

/* Outages: while a firm's gateway is down nothing of it arrives; then its
 * history arrives oldest first. Longer than the reorder window, and still
 * exact. */
typedef struct outage_watch {
	receiver rc;
	const char *firm;
	int64_t prev_ts;
	int64_t max_gap_ms; /* between consecutive deliveries of the firm, in report time */
	uint64_t backwards;
} outage_watch;

static int deliver_watch(void *ctx, const sim_report *r)
{
	outage_watch *w = ctx;
	if (strcmp(r->enterprise, w->firm) == 0) {
		if (w->prev_ts && r->ts_ms - w->prev_ts > w->max_gap_ms)
			w->max_gap_ms = r->ts_ms - w->prev_ts;
		if (w->prev_ts && r->ts_ms < w->prev_ts)
			w->backwards++;
		w->prev_ts = r->ts_ms;
	}
	return deliver(&w->rc, r);
}

static void test_outage_replays_in_order(void **state)
{
	(void)state;
	sim_fault_spec spec;
	char err[128];
	assert_int_equal(sim_fault_parse("outage=1800/7200,seed=5", &spec, err, 128), 0);
	sim_options o;
	sim_options_default(&o);
	o.machines = 20;
	sim *s = sim_open(&o, T0);
	outage_watch w;
	memset(&w, 0, sizeof(w));
	w.rc.window_ms = 900000;
	w.firm = "PY01";
	size_t n = sim_machines(s, &w.rc.defs);
	sim_fault *f = sim_fault_open(s, &spec, o.report_every_ms, deliver_watch, &w);
	/* The deliveries' report times never jump: the history is all there. */
	for (int64_t t = T0; t < T0 + 8 * HOUR_MS; t += 60000) {
		assert_int_equal(sim_advance(s, t + 60000, sim_fault_emit, f), 0);
		assert_int_equal(sim_fault_tick(f, t + 60000), 0);
	}
	assert_int_equal(sim_fault_finish(f), 0);
	sim_fault_counts c;
	sim_fault_counts_get(f, &c);
	assert_true(c.buffered > 0);
	assert_int_equal(c.delivered, c.reports);
	assert_int_equal(w.backwards, 0);   /* a replay keeps the order */
	assert_true(w.max_gap_ms <= 60000); /* nothing of the firm is missing */
	assert_int_equal(w.rc.late, 0);
	for (size_t i = 0; i < n; i++) {
		uint64_t g, rj;
		sim_fault_truth(f, i, &g, &rj);
		assert_int_equal((int64_t)g, w.rc.good[i]);
		assert_int_equal((int64_t)rj, w.rc.reject[i]);
		counter_track_free(&w.rc.tr[i]);
	}
	sim_fault_close(f);
	sim_close(s);
}

/* Power cycles reset counters between reports: the pieces since the last
 * report are lost to everyone, so the truth is below what was made, and
 * still exactly what the counters credit. */
static void test_powercycle(void **state)
{
	(void)state;
	sim_fault_spec spec;
	char err[128];
	assert_int_equal(sim_fault_parse("powercycle=0.002,dup=0.05,reorder=0.05,drop=0.02,seed=9",
					 &spec, err, 128),
			 0);
	run r;
	run_faults(&r, &spec, 24, 10);
	assert_true(r.c.powercycles > 5);
	uint64_t lost = 0;
	for (size_t i = 0; i < r.n; i++) {
		uint64_t g, rj;
		sim_fault_truth(r.f, i, &g, &rj);
		lost += sim_truth_resets(r.s, i);
	}
	assert_true(lost >= r.c.powercycles);
	assert_int_equal(r.c.ambiguous, 0);
	assert_truth_is_credited(&r, 0);
	run_free(&r);
}

/* Forced 16-bit counters start just below the top and wrap within hours;
 * with network faults on top the truth is still what the counters credit. */
static void test_wrap16(void **state)
{
	(void)state;
	sim_fault_spec spec;
	char err[128];
	assert_int_equal(
	    sim_fault_parse("wrap16,dup=0.05,reorder=0.1,drop=0.05,outage=600/3600,seed=4", &spec,
			    err, 128),
	    0);
	run r;
	run_faults(&r, &spec, 24, 6);
	for (size_t i = 0; i < r.n; i++)
		assert_int_equal(r.rc.defs[i].counter_bits, 16);
	assert_true(r.c.wraps >= r.n / 2);
	assert_int_equal(r.c.ambiguous, 0);
	assert_truth_is_credited(&r, 0);
	run_free(&r);
}

/* Delays beyond the window make late reports; the truth knows them. */
static void test_late_beyond_window(void **state)
{
	(void)state;
	sim_fault_spec spec;
	char err[128];
	assert_int_equal(
	    sim_fault_parse("delay=0.05,delay-max=3000,window=900,seed=11", &spec, err, 128), 0);
	run r;
	run_faults(&r, &spec, 12, 8);
	assert_true(r.rc.late > 0);
	assert_truth_is_credited(&r, 0);
	run_free(&r);
}

/* The truth file: one object per enterprise/machine with good and reject. */
static void test_truth_json(void **state)
{
	(void)state;
	run r;
	run_faults(&r, NULL, 6, 2);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_non_null(m);
	assert_int_equal(sim_fault_write_truth(r.f, m), 0);
	fclose(m);
	assert_non_null(strstr(buf, "\"PY01/K001\""));
	assert_non_null(strstr(buf, "\"good\""));
	assert_non_null(strstr(buf, "\"reject\""));
	free(buf);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_no_faults),
	    cmocka_unit_test(test_no_faults_exact),
	    cmocka_unit_test(test_network_faults),
	    cmocka_unit_test(test_lost_by_transport),
	    cmocka_unit_test(test_outage_replays_in_order),
	    cmocka_unit_test(test_powercycle),
	    cmocka_unit_test(test_wrap16),
	    cmocka_unit_test(test_late_beyond_window),
	    cmocka_unit_test(test_truth_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
