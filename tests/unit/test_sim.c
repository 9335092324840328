/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the cluster simulator (src/sim/sim.c): the cluster it builds,
 * that a seed reproduces a run exactly however sim_advance() is called, that
 * reports come in timestamp order with cumulative counters that only fall on
 * a reset or a wrap and add up to the ground truth, and that a simulated day
 * of the default cluster looks like a day in the glove clusters of DOMAIN.md.
 * No broker is needed; sim_mqtt_run is tried by hand against a real one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

#define MIN_MS  60000LL
#define HOUR_MS 3600000LL
#define DAY_MS  86400000LL
/* 2025-11-29 00:00 in Asia/Shanghai. */
#define T0 1764345600000LL

/* ---- a digest of a report stream ---- */

typedef struct digest {
	uint64_t h;
	uint64_t n;
} digest;

static void fnv(digest *d, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		d->h ^= b[i];
		d->h *= UINT64_C(0x100000001B3);
	}
}

static int digest_report(void *ctx, const sim_report *r)
{
	digest *d = ctx;
	fnv(d, r->enterprise, strlen(r->enterprise) + 1);
	fnv(d, r->machine, strlen(r->machine) + 1);
	fnv(d, &r->ts_ms, sizeof(r->ts_ms));
	fnv(d, &r->count, sizeof(r->count));
	fnv(d, &r->reject, sizeof(r->reject));
	fnv(d, r->state, strlen(r->state) + 1);
	fnv(d, r->reason, strlen(r->reason) + 1);
	d->n++;
	return 0;
}

static digest run_digest(unsigned seed, int64_t start, int64_t end, int64_t step)
{
	sim_options o;
	sim_options_default(&o);
	o.seed = seed;
	sim *s = sim_open(&o, start);
	assert_non_null(s);
	digest d = {UINT64_C(0xCBF29CE484222325), 0};
	for (int64_t t = start; t < end;) {
		t = t + step < end ? t + step : end;
		assert_int_equal(sim_advance(s, t, digest_report, &d), 0);
	}
	sim_close(s);
	return d;
}

/* ---- the cluster ---- */

static int find_firm(const sim_firm *f, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].code, code) == 0)
			return (int)i;
	return -1;
}

static void test_default_cluster(void **state)
{
	(void)state;
	sim *s = sim_open(NULL, T0);
	assert_non_null(s);
	const sim_firm *f;
	const sim_workshop *w;
	const sim_machine_def *m;
	size_t nf = sim_firms(s, &f), nw = sim_workshops(s, &w), nm = sim_machines(s, &m);

	assert_int_equal(nf, 3);
	assert_int_equal(nm, 60);
	assert_string_equal(f[0].code, "PY01");
	assert_string_equal(f[0].town, "平邑");
	assert_non_null(strstr(f[0].name, "平邑县"));
	assert_string_equal(f[1].code, "GM01");
	assert_string_equal(f[1].town, "高密");
	assert_string_equal(f[2].code, "JX01");
	assert_string_equal(f[2].town, "嘉祥");
	for (size_t i = 0; i < nf; i++)
		assert_non_null(strstr(f[i].name, "有限公司"));

	int shops[3] = {0, 0, 0};
	for (size_t i = 0; i < nw; i++) {
		int fi = find_firm(f, nf, w[i].enterprise);
		assert_true(fi >= 0);
		shops[fi]++;
		assert_non_null(strstr(w[i].name, "车间"));
	}
	for (int i = 0; i < 3; i++)
		assert_true(shops[i] >= 1 && shops[i] <= 2);

	int kinds[3][4] = {{0}};
	int bits16 = 0;
	for (size_t i = 0; i < nm; i++) {
		int fi = find_firm(f, nf, m[i].enterprise);
		assert_true(fi >= 0);
		int shop_found = 0;
		for (size_t k = 0; k < nw; k++)
			shop_found |= strcmp(w[k].enterprise, m[i].enterprise) == 0 &&
				      strcmp(w[k].code, m[i].workshop) == 0;
		assert_true(shop_found);
		for (size_t j = 0; j < i; j++)
			assert_false(strcmp(m[j].enterprise, m[i].enterprise) == 0 &&
				     strcmp(m[j].code, m[i].code) == 0);
		assert_true(m[i].counter_bits == 16 || m[i].counter_bits == 32);
		bits16 += m[i].counter_bits == 16;
		int64_t c = m[i].cycle_ms;
		if (strcmp(m[i].kind, "knitting") == 0) {
			kinds[fi][0]++;
			assert_int_equal(m[i].code[0], 'K');
			switch (m[i].gauge) {
			case 7:
			case 10:
				assert_true(c >= 60000 && c <= 100000);
				break;
			case 13:
				assert_true(c >= 90000 && c <= 150000);
				break;
			case 15:
			case 18:
				assert_true(c > 120000 && c <= 240000);
				break;
			default:
				fail_msg("gauge %d", m[i].gauge);
			}
		} else if (strcmp(m[i].kind, "overlock") == 0) {
			kinds[fi][1]++;
			assert_int_equal(m[i].code[0], 'O');
			assert_true(c >= 8000 && c <= 15000);
		} else if (strcmp(m[i].kind, "dipping") == 0) {
			kinds[fi][2]++;
			assert_int_equal(m[i].code[0], 'D');
			assert_true(c >= 500 && c <= 1000);
		} else {
			assert_string_equal(m[i].kind, "sewing");
			kinds[fi][3]++;
			assert_int_equal(m[i].code[0], 'S');
			assert_true(c >= 60000 && c <= 120000);
		}
	}
	/* Pingyi knits, Gaomi knits and dips, Jiaxiang sews. */
	assert_true(kinds[0][0] > 10 && kinds[0][2] == 0 && kinds[0][3] == 0);
	assert_true(kinds[1][0] > 5 && kinds[1][2] >= 1 && kinds[1][3] == 0);
	assert_true(kinds[2][3] > 5 && kinds[2][0] == 0);
	assert_true(bits16 >= 1 && bits16 <= 10);
	sim_close(s);
}

static void test_options(void **state)
{
	(void)state;
	sim_options o;
	const sim_machine_def *m;
	const sim_firm *f;

	sim_options_default(&o);
	assert_int_equal(o.firms, 3);
	assert_int_equal(o.machines, 60);
	assert_int_equal(o.report_every_ms, 30000);

	memset(&o, 0, sizeof(o)); /* zeros take the defaults */
	sim *s = sim_open(&o, T0);
	assert_non_null(s);
	assert_int_equal(sim_machines(s, &m), 60);
	assert_int_equal(sim_truth_good(s, 60), 0);
	assert_int_equal(sim_truth_resets(s, 1000), 0);
	sim_close(s);
	sim_close(NULL);

	o.machines = -1;
	assert_null(sim_open(&o, T0));
	o.machines = SIM_MAX_MACHINES + 1;
	assert_null(sim_open(&o, T0));
	o.machines = 0;
	o.firms = -2;
	assert_null(sim_open(&o, T0));
	o.firms = 0;
	o.report_every_ms = -5;
	assert_null(sim_open(&o, T0));

	/* Odd sizes: more firms than machines, many firms per town. */
	int sizes[][2] = {{1, 1}, {5, 2}, {7, 101}, {30, 500}};
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		sim_options_default(&o);
		o.firms = sizes[k][0];
		o.machines = sizes[k][1];
		s = sim_open(&o, T0);
		assert_non_null(s);
		size_t nf = sim_firms(s, &f);
		size_t nm = sim_machines(s, &m);
		assert_int_equal(nf, (size_t)sizes[k][0]);
		assert_int_equal(nm, (size_t)sizes[k][1]);
		for (size_t i = 0; i < nf; i++)
			for (size_t j = 0; j < i; j++) {
				assert_string_not_equal(f[i].code, f[j].code);
				assert_string_not_equal(f[i].name, f[j].name);
			}
		for (size_t i = 0; i < nm; i++) {
			assert_true(find_firm(f, nf, m[i].enterprise) >= 0);
			for (size_t j = 0; j < i; j++)
				assert_false(strcmp(m[j].enterprise, m[i].enterprise) == 0 &&
					     strcmp(m[j].code, m[i].code) == 0);
		}
		digest d = {0, 0};
		assert_int_equal(sim_advance(s, T0 + HOUR_MS, digest_report, &d), 0);
		assert_int_equal(d.n, nm * 120);
		sim_close(s);
	}
}

/* ---- reproducibility ---- */

static void test_same_seed_same_reports(void **state)
{
	(void)state;
	int64_t end = T0 + 12 * HOUR_MS;
	digest a = run_digest(7, T0, end, 12 * HOUR_MS);
	digest b = run_digest(7, T0, end, 12 * HOUR_MS);
	assert_int_equal(a.n, 60 * 12 * 120);
	assert_int_equal(a.h, b.h);

	/* However the time is cut into sim_advance() calls. */
	digest c = run_digest(7, T0, end, 997);
	assert_int_equal(c.n, a.n);
	assert_int_equal(c.h, a.h);
	digest c1 = run_digest(7, T0, T0 + 10 * MIN_MS, 1);
	digest c2 = run_digest(7, T0, T0 + 10 * MIN_MS, 10 * MIN_MS);
	assert_int_equal(c1.n, 60 * 20);
	assert_int_equal(c1.h, c2.h);
	digest d = run_digest(7, T0, end, 43201);
	assert_int_equal(d.h, a.h);
	digest e = run_digest(7, T0, end, 7 * MIN_MS + 13);
	assert_int_equal(e.h, a.h);

	digest other = run_digest(8, T0, end, 12 * HOUR_MS);
	assert_int_not_equal(other.h, a.h);

	/* The cluster depends on the seed, not on the start time. */
	sim_options o;
	sim_options_default(&o);
	o.seed = 7;
	sim *s1 = sim_open(&o, T0);
	sim *s2 = sim_open(&o, T0 + 1234567);
	const sim_machine_def *m1, *m2;
	const sim_firm *f1, *f2;
	size_t n = sim_machines(s1, &m1);
	assert_int_equal(sim_machines(s2, &m2), n);
	assert_memory_equal(m1, m2, n * sizeof(*m1));
	n = sim_firms(s1, &f1);
	assert_int_equal(sim_firms(s2, &f2), n);
	assert_memory_equal(f1, f2, n * sizeof(*f1));
	sim_close(s1);
	sim_close(s2);
}

typedef struct stopper {
	digest d;
	int every;
	int n;
} stopper;

static int stop_now_and_then(void *ctx, const sim_report *r)
{
	stopper *st = ctx;
	digest_report(&st->d, r);
	return ++st->n % st->every == 0 ? 7 : 0;
}

static void test_emit_stop(void **state)
{
	(void)state;
	int64_t end = T0 + 2 * HOUR_MS;
	digest whole = run_digest(3, T0, end, end - T0);

	sim_options o;
	sim_options_default(&o);
	o.seed = 3;
	sim *s = sim_open(&o, T0);
	stopper st = {{UINT64_C(0xCBF29CE484222325), 0}, 97, 0};
	int stops = 0, rc;
	while ((rc = sim_advance(s, end, stop_now_and_then, &st)) != 0) {
		assert_int_equal(rc, 7);
		stops++;
	}
	assert_int_equal(stops, (int)(whole.n / 97));
	assert_int_equal(st.d.n, whole.n);
	assert_int_equal(st.d.h, whole.h);
	assert_true(sim_next_report_ms(s) > end);
	sim_close(s);
}

/* ---- order and counters over a day ---- */

typedef struct mstat {
	int64_t last_ts;
	uint64_t count, reject;            /* last reported */
	uint64_t truth_good, truth_reject; /* truth at the last report */
	uint64_t resets;                   /* truth resets at the last report */
	uint64_t seen_good;                /* sum of deltas over intervals without reset */
	uint64_t truth_good_no_reset;      /* truth over the same intervals */
	uint64_t seen_good_all;            /* deltas, a reset taken as "count since 0" */
	uint64_t first_truth;              /* truth at the first report */
	int n;
	char reason[40];
	int was_off;  /* reported off at some time of the day */
	int last_off; /* the last report said off */
} mstat;

typedef struct day {
	sim *s;
	const sim_machine_def *m;
	mstat *ms;
	int64_t start, every, last_ts;
	int wraps, resets, power_on_resets, out_of_order, bad_spacing, bad_counter;
	/* stop episodes and minutes by reason, knitting machines only */
	struct {
		char reason[40];
		int episodes;
		int64_t ms;
	} rs[32];
	int n_rs;
	int off_at_3, run_at_10_sewing, sewing;
	int64_t knit_run_ms, knit_on_ms;
} day;

static int reason_slot(day *d, const char *reason)
{
	for (int i = 0; i < d->n_rs; i++)
		if (strcmp(d->rs[i].reason, reason) == 0)
			return i;
	assert_true(d->n_rs < 32);
	snprintf(d->rs[d->n_rs].reason, sizeof(d->rs[0].reason), "%s", reason);
	return d->n_rs++;
}

static int check_report(void *ctx, const sim_report *r)
{
	day *d = ctx;
	const sim_machine_def *def = &d->m[r->index];
	mstat *ms = &d->ms[r->index];
	uint64_t mask = (UINT64_C(1) << def->counter_bits) - 1;
	uint64_t good = sim_truth_good(d->s, r->index);
	uint64_t rej = sim_truth_reject(d->s, r->index);
	uint64_t resets = sim_truth_resets(d->s, r->index);

	assert_ptr_equal(r->machine, def->code);
	assert_ptr_equal(r->enterprise, def->enterprise);
	if (r->ts_ms < d->last_ts)
		d->out_of_order++;
	d->last_ts = r->ts_ms;
	assert_true(r->count <= mask && r->reject <= mask);

	if (ms->n == 0) {
		if (r->ts_ms <= d->start || r->ts_ms > d->start + d->every)
			d->bad_spacing++;
		ms->first_truth = good;
	} else {
		if (r->ts_ms - ms->last_ts != d->every)
			d->bad_spacing++;
		uint64_t dg = good - ms->truth_good, dr = rej - ms->truth_reject;
		if (resets == ms->resets) {
			/* No reset: the counter moved by exactly the pieces made,
			 * modulo its width; it fell only by wrapping. */
			if (r->count != ((ms->count + dg) & mask) ||
			    r->reject != ((ms->reject + dr) & mask))
				d->bad_counter++;
			if (r->count < ms->count) {
				if (ms->count + dg <= mask)
					d->bad_counter++;
				d->wraps++;
			}
			uint64_t seen = (r->count - ms->count) & mask; /* wrap-aware delta */
			ms->seen_good += seen;
			ms->seen_good_all += seen;
			ms->truth_good_no_reset += dg;
		} else {
			/* Reset: the counter restarted from 0, so it shows at most
			 * the pieces made in the interval. */
			d->resets += (int)(resets - ms->resets);
			d->power_on_resets += ms->last_off;
			if (r->count > dg || r->reject > dr)
				d->bad_counter++;
			ms->seen_good_all += r->count;
		}
	}
	ms->last_ts = r->ts_ms;
	ms->count = r->count;
	ms->reject = r->reject;
	ms->truth_good = good;
	ms->truth_reject = rej;
	ms->resets = resets;
	ms->n++;

	/* Shop-floor figures. */
	int64_t local_h = ((r->ts_ms - T0) % DAY_MS) / HOUR_MS;
	int knit = strcmp(def->kind, "knitting") == 0;
	ms->last_off = strcmp(r->state, "off") == 0;
	if (ms->last_off) {
		ms->was_off = 1;
		if (local_h == 3)
			d->off_at_3++;
	}
	if (strcmp(def->kind, "sewing") == 0 && local_h == 10) {
		d->sewing++;
		d->run_at_10_sewing += strcmp(r->state, "run") == 0;
	}
	if (knit) {
		if (strcmp(r->state, "off") != 0)
			d->knit_on_ms += d->every;
		if (strcmp(r->state, "run") == 0)
			d->knit_run_ms += d->every;
		if (r->reason[0]) {
			int k = reason_slot(d, r->reason);
			d->rs[k].ms += d->every;
			if (strcmp(ms->reason, r->reason) != 0)
				d->rs[k].episodes++;
		}
	}
	snprintf(ms->reason, sizeof(ms->reason), "%s", r->reason);
	return 0;
}

static void run_day(day *d, unsigned seed)
{
	sim_options o;
	sim_options_default(&o);
	o.seed = seed;
	memset(d, 0, sizeof(*d));
	d->s = sim_open(&o, T0);
	assert_non_null(d->s);
	size_t n = sim_machines(d->s, &d->m);
	d->ms = calloc(n, sizeof(*d->ms));
	assert_non_null(d->ms);
	d->start = T0;
	d->every = o.report_every_ms;
	d->last_ts = T0;
	/* In pieces of an hour, as a caller in real time would. */
	for (int h = 1; h <= 24; h++)
		assert_int_equal(sim_advance(d->s, T0 + h * HOUR_MS, check_report, d), 0);
}

static void end_day(day *d)
{
	free(d->ms);
	sim_close(d->s);
}

static const int *find_reason(const day *d, const char *reason, int64_t *ms)
{
	for (int i = 0; i < d->n_rs; i++)
		if (strcmp(d->rs[i].reason, reason) == 0) {
			*ms = d->rs[i].ms;
			return &d->rs[i].episodes;
		}
	*ms = 0;
	return NULL;
}

static void test_counters_over_a_day(void **state)
{
	(void)state;
	day d;
	run_day(&d, 1);
	size_t n = sim_machines(d.s, &d.m);

	assert_int_equal(d.out_of_order, 0);
	assert_int_equal(d.bad_spacing, 0);
	assert_int_equal(d.bad_counter, 0);
	for (size_t i = 0; i < n; i++) {
		mstat *ms = &d.ms[i];
		assert_int_equal(ms->n, DAY_MS / d.every);
		/* Wherever it is knowable, the deltas add up to the truth ... */
		assert_int_equal(ms->seen_good, ms->truth_good_no_reset);
		/* ... and across resets they miss only what was made between the
		 * last report and the reset. */
		assert_true(ms->seen_good_all <= ms->truth_good - ms->first_truth);
		if (sim_truth_resets(d.s, i) == 0)
			assert_int_equal(ms->seen_good_all, ms->truth_good - ms->first_truth);
		/* After the last report of the day the machine went on to 24:00. */
		assert_true(sim_truth_good(d.s, i) >= ms->truth_good);
	}
	/* Seed 1 has a 16-bit dipping line (about 150,000 pieces a day) and
	 * day-shift machines whose counters forget at power-off, so both paths
	 * are exercised. */
	print_message("day, seed 1: %d wraps, %d resets (%d at power-on)\n", d.wraps, d.resets,
		      d.power_on_resets);
	assert_true(d.wraps >= 1);
	assert_true(d.resets >= 1);
	assert_true(d.power_on_resets >= 1);
	end_day(&d);
}

static void test_day_is_plausible(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 3; seed++) {
		day d;
		run_day(&d, seed);
		size_t n = sim_machines(d.s, &d.m);
		uint64_t good = 0, rej = 0;
		double sum13 = 0.0;
		int n13 = 0, n_knit = 0;

		for (size_t i = 0; i < n; i++) {
			good += sim_truth_good(d.s, i);
			rej += sim_truth_reject(d.s, i);
			if (strcmp(d.m[i].kind, "knitting") != 0)
				continue;
			n_knit++;
			/* A 13G machine on both shifts: about 120 pairs (240 pieces) per
			 * 8 hours, less what its stops cost. */
			if (d.m[i].gauge == 13 && !d.ms[i].was_off) {
				double per8h = (double)sim_truth_good(d.s, i) / 3.0;
				assert_true(per8h >= 80.0 && per8h <= 330.0);
				sum13 += per8h;
				n13++;
			}
		}
		assert_true(n13 >= 3);
		double mean13 = sum13 / n13;
		double reject_rate = (double)rej / (double)(good + rej);
		double avail = (double)d.knit_run_ms / (double)d.knit_on_ms;
		print_message("seed %u: %.0f pieces per 8 h per 13G machine (%d machines), "
			      "reject %.2f%%, knitting runs %.1f%% of its powered time\n",
			      seed, mean13, n13, 100.0 * reject_rate, 100.0 * avail);
		assert_true(mean13 >= 160.0 && mean13 <= 270.0);
		assert_true(reject_rate >= 0.01 && reject_rate <= 0.035);
		assert_true(avail >= 0.82 && avail <= 0.97);

		/* Some stops of each main reason; yarn and needle breaks near the
		 * study's 7 and 6 min a day per knitting machine. */
		static const struct {
			const char *reason;
			int min_episodes;
		} want[] = {{"yarn_break", 30},  {"needle_break", 10}, {"yarn_out", 10},
			    {"style_change", 5}, {"maintenance", 1},   {"no_order", 1}};
		for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
			int64_t ms;
			const int *ep = find_reason(&d, want[k].reason, &ms);
			assert_non_null(ep);
			print_message("  %-13s %4d stops, %6.1f min per knitting machine\n",
				      want[k].reason, *ep, (double)ms / MIN_MS / n_knit);
			assert_true(*ep >= want[k].min_episodes);
			if (strcmp(want[k].reason, "yarn_break") == 0)
				assert_true(ms / MIN_MS >= 3 * n_knit &&
					    ms / MIN_MS <= 14 * n_knit);
			if (strcmp(want[k].reason, "needle_break") == 0)
				assert_true(ms / MIN_MS >= 2 * n_knit &&
					    ms / MIN_MS <= 12 * n_knit);
		}
		/* Night: some machines are off, most are not. Morning: sewing runs. */
		assert_true(d.off_at_3 > 0 && d.off_at_3 < (int)n * 120 / 2);
		assert_true(d.run_at_10_sewing > d.sewing / 2);
		end_day(&d);
	}
}

/* ---- JSON ---- */

static void test_report_json(void **state)
{
	(void)state;
	char buf[256];
	sim_report r = {"PY01", "K001", 1764400000000LL, 4294967295ULL,
			12,     "stop", "yarn_break",    0};
	int n = sim_report_json(&r, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(buf));
	cJSON *j = cJSON_Parse(buf);
	assert_non_null(j);
	assert_true(cJSON_GetObjectItem(j, "ts")->valuedouble == 1764400000000.0);
	assert_true(cJSON_GetObjectItem(j, "count")->valuedouble == 4294967295.0);
	assert_int_equal(cJSON_GetObjectItem(j, "reject")->valueint, 12);
	assert_string_equal(cJSON_GetObjectItem(j, "state")->valuestring, "stop");
	assert_string_equal(cJSON_GetObjectItem(j, "reason")->valuestring, "yarn_break");
	assert_null(cJSON_GetObjectItem(j, "machine"));
	cJSON_Delete(j);

	r.state = "run";
	r.reason = "";
	n = sim_report_json(&r, buf, sizeof(buf));
	assert_true(n > 0);
	j = cJSON_Parse(buf);
	assert_non_null(j);
	assert_null(cJSON_GetObjectItem(j, "reason"));
	assert_string_equal(cJSON_GetObjectItem(j, "state")->valuestring, "run");
	cJSON_Delete(j);

	assert_int_equal(sim_report_json(&r, buf, (size_t)n), -1); /* no room for the NUL */
	assert_int_equal(sim_report_json(&r, buf, (size_t)n + 1), n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_cluster),
	    cmocka_unit_test(test_options),
	    cmocka_unit_test(test_same_seed_same_reports),
	    cmocka_unit_test(test_emit_stop),
	    cmocka_unit_test(test_counters_over_a_day),
	    cmocka_unit_test(test_day_is_plausible),
	    cmocka_unit_test(test_report_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
