/* SPDX-License-Identifier: Apache-2.0 */
/* test_acct.c: the rollup accumulator (app/acct.c) on hand-worked days:
 * state time lands in the planned spans of the right shift instance, split
 * exactly where a state spans a shift end or a break; a night shift across
 * the Berlin fall-back night holds 13 h; report gaps longer than
 * offline_after leave planned time uncovered; a run of stop samples makes
 * one stop event with the credited end; pieces go to minute, hour, local
 * day and shift rows and to the worker; rebuild filters keep only the
 * rebuilt days; firm calendars and rate cards parse and name bad fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/state.h"
#include "app/acct.h"
#include "app/analytics.h"
#include "app/firmcal.h"
#include "util/err.h"

#define H_MS 3600000LL
#define M_MS 60000LL

static firm_cal *calendar(const char *json)
{
	firm_cal *c = malloc(sizeof *c);
	char err[200] = "";
	assert_non_null(c);
	if (firmcal_parse(json, strlen(json), NULL, c, err, sizeof err) != 0)
		fail_msg("calendar: %s", err);
	return c;
}

static const store_machine machine = {7, 1, 2, "K1", "knitting", 13, 30000, 64};

/* The sum of ms of state st over the shift rows of a buffer (open rows
 * closed first), restricted to instance start `bucket` (0 = any). */
static int64_t shift_ms(acct_buf *b, acct_machine *am, int64_t bucket, int st)
{
	assert_int_equal(acct_machine_close(am, b), 0);
	int64_t ms = 0;
	for (size_t i = 0; i < b->n_rows; i++) {
		const acct_row *r = &b->rows[i];
		if (r->level == ACCT_SHIFT && (!bucket || r->a.k.bucket == bucket))
			ms += r->a.ms[st];
	}
	return ms;
}

static int64_t level_sum(acct_buf *b, acct_machine *am, int level, int64_t bucket)
{
	assert_int_equal(acct_machine_close(am, b), 0);
	int64_t good = 0;
	if (level < ACCT_SHIFT) { /* closed minute/hour/day rows: the small deltas */
		for (size_t i = 0; i < b->n_small[level]; i++)
			if (!bucket || b->small[level][i].bucket_ms == bucket)
				good += b->small[level][i].good;
		return good;
	}
	for (size_t i = 0; i < b->n_rows; i++)
		if (b->rows[i].level == level && (!bucket || b->rows[i].a.k.bucket == bucket))
			good += b->rows[i].a.good;
	return good;
}

static const char *shanghai = "{\"tz\":\"Asia/Shanghai\",\"shifts\":["
			      "{\"name\":\"白班\",\"start\":\"08:00\",\"end\":\"20:00\","
			      "\"breaks\":[{\"start\":\"12:00\",\"end\":\"13:00\"}]},"
			      "{\"name\":\"夜班\",\"start\":\"20:00\",\"end\":\"08:00\"}],"
			      "\"offline_after_s\":120}";

/* 2026-11-27 00:00 in Shanghai (UTC+8) */
static const int64_t D = 1795737600000LL - 8 * H_MS;

/* A stop from 19:30 to 20:30 reported every minute: 30 min in each shift,
 * one stop event [19:30, 20:30) with the machine's reason. */
static void test_state_spans_shift_end(void **state)
{
	(void)state;
	firm_cal *fc = calendar(shanghai);
	acct_buf b;
	acct_machine am;
	acct_buf_init(&b);
	acct_machine_init(&am);
	for (int64_t t = D + 19 * H_MS; t <= D + 21 * H_MS; t += M_MS) {
		int st = t >= D + 19 * H_MS + 30 * M_MS && t < D + 20 * H_MS + 30 * M_MS ? MS_STOP
											 : MS_RUN;
		assert_int_equal(
		    acct_state(&b, &am, fc, &machine, t, st, st == MS_STOP ? "yarn" : ""), 1);
	}
	int64_t day = D + 8 * H_MS, night = D + 20 * H_MS;
	assert_int_equal(shift_ms(&b, &am, day, MS_STOP), 30 * M_MS);
	assert_int_equal(shift_ms(&b, &am, night, MS_STOP), 30 * M_MS);
	assert_int_equal(shift_ms(&b, &am, day, MS_RUN), 30 * M_MS);
	/* the newest sample (21:00) is still open: 20:30-21:00 credited */
	assert_int_equal(shift_ms(&b, &am, night, MS_RUN), 30 * M_MS);
	int64_t yarn = 0;
	for (size_t i = 0; i < b.n_reasons; i++) {
		assert_string_equal(b.reasons[i].reason, "yarn");
		yarn += b.reasons[i].ms;
	}
	assert_int_equal(yarn, 60 * M_MS);
	assert_int_equal(b.n_stops > 0, 1);
	const store_stop *ev = &b.stops[b.n_stops - 1];
	assert_int_equal(ev->start_ms, D + 19 * H_MS + 30 * M_MS);
	assert_int_equal(ev->end_ms, D + 20 * H_MS + 30 * M_MS);
	assert_string_equal(ev->reason, "yarn");
	for (size_t i = 0; i < b.n_stops; i++)
		assert_int_equal(b.stops[i].start_ms, ev->start_ms);
	acct_buf_free(&b);
	free(fc);
}

/* Breaks are not planned; a gap longer than offline_after is not covered;
 * a repeated or older sample changes nothing. */
static void test_breaks_and_gaps(void **state)
{
	(void)state;
	firm_cal *fc = calendar(shanghai);
	acct_buf b;
	acct_machine am;
	acct_buf_init(&b);
	acct_machine_init(&am);
	/* 11:30 - 13:30 running, one report a minute, none 12:40 - 13:19 */
	for (int64_t t = D + 11 * H_MS + 30 * M_MS; t <= D + 13 * H_MS + 30 * M_MS; t += M_MS) {
		if (t > D + 12 * H_MS + 40 * M_MS && t < D + 13 * H_MS + 20 * M_MS)
			continue;
		assert_int_equal(acct_state(&b, &am, fc, &machine, t, MS_RUN, ""), 1);
	}
	assert_int_equal(acct_state(&b, &am, fc, &machine, D + 13 * H_MS, MS_STOP, ""), 0);
	/* planned run: 11:30-12:00 and 13:20-13:30 (13:00-13:20 uncovered) */
	assert_int_equal(shift_ms(&b, &am, 0, MS_RUN), 40 * M_MS);
	acct_buf_free(&b);
	free(fc);
}

/* The Berlin night shift of 2026-10-24 lasts 13 h (clocks go back at
 * 03:00): a machine running all night fills all of it; the spring-forward
 * night of 2026-03-28 has 11 h. */
static void test_dst_nights(void **state)
{
	(void)state;
	firm_cal *fc = calendar("{\"tz\":\"Europe/Berlin\",\"shifts\":["
				"{\"name\":\"Tag\",\"start\":\"08:00\",\"end\":\"20:00\"},"
				"{\"name\":\"Nacht\",\"start\":\"20:00\",\"end\":\"08:00\"}]}");
	struct {
		int64_t start; /* 20:00 local in UTC */
		int64_t hours;
	} nights[] = {
	    {1792800000000LL + 18 * H_MS, 13}, /* 2026-10-24 20:00 CEST */
	    {1774656000000LL + 19 * H_MS, 11}, /* 2026-03-28 20:00 CET */
	};
	for (size_t n = 0; n < 2; n++) {
		acct_buf b;
		acct_machine am;
		acct_buf_init(&b);
		acct_machine_init(&am);
		int64_t s = nights[n].start;
		for (int64_t t = s - H_MS; t <= s + 15 * H_MS; t += M_MS)
			assert_int_equal(acct_state(&b, &am, fc, &machine, t, MS_RUN, ""), 1);
		assert_int_equal(shift_ms(&b, &am, s, MS_RUN), nights[n].hours * H_MS);
		acct_buf_free(&b);
	}
	free(fc);
}

/* Pieces: minute, hour, the firm's local day, the shift and the worker;
 * pieces at 21:00 belong to the night shift that started on the same day,
 * pieces at 03:00 the next morning too. */
static void test_pieces(void **state)
{
	(void)state;
	firm_cal *fc = calendar(shanghai);
	acct_buf b;
	acct_machine am;
	acct_buf_init(&b);
	acct_machine_init(&am);
	assert_int_equal(acct_pieces(&b, &am, fc, &machine, D + 9 * H_MS + 30 * M_MS, 5, 1, "W1"),
			 0);
	assert_int_equal(acct_pieces(&b, &am, fc, &machine, D + 21 * H_MS, 7, 0, ""), 0);
	assert_int_equal(acct_pieces(&b, &am, fc, &machine, D + 27 * H_MS, 11, 0, "W2"), 0);
	assert_int_equal(level_sum(&b, &am, ACCT_DAY, D), 12);
	assert_int_equal(level_sum(&b, &am, ACCT_DAY, D + 24 * H_MS), 11);
	assert_int_equal(level_sum(&b, &am, ACCT_SHIFT, D + 20 * H_MS), 18);
	assert_int_equal(level_sum(&b, &am, ACCT_HOUR, D + 9 * H_MS), 5);
	assert_int_equal(level_sum(&b, &am, ACCT_MINUTE, D + 9 * H_MS + 30 * M_MS), 5);
	int64_t ideal = 0;
	for (size_t i = 0; i < b.n_rows; i++)
		if (b.rows[i].level == ACCT_SHIFT && b.rows[i].a.k.bucket == D + 8 * H_MS)
			ideal += b.rows[i].a.ideal_ms;
	assert_int_equal(ideal, 6 * 30000);
	assert_int_equal(b.n_workers, 2);
	assert_string_equal(b.workers[0].worker, "W1");
	assert_int_equal(b.workers[0].good, 5);
	assert_string_equal(b.workers[1].worker, "W2");
	assert_int_equal(b.workers[1].k.bucket, D + 20 * H_MS);
	/* the days touched are marked for crash recovery */
	assert_int_equal(b.n_dirty, 2);
	assert_int_equal(b.dirty[0].day_ms, D);
	assert_int_equal(b.dirty[1].day_ms, D + 24 * H_MS);
	acct_buf_free(&b);
	free(fc);
}

/* A rebuild of one day keeps only that day's rows. */
static void test_rebuild_filter(void **state)
{
	(void)state;
	firm_cal *fc = calendar(shanghai);
	acct_buf b;
	acct_machine am;
	acct_buf_init(&b);
	acct_machine_init(&am);
	b.from = D;
	b.to = D + 24 * H_MS;
	b.hour_from = D;
	b.hour_to = D + 24 * H_MS;
	assert_int_equal(acct_pieces(&b, &am, fc, &machine, D - 3 * H_MS, 1, 0, ""), 0);
	assert_int_equal(acct_pieces(&b, &am, fc, &machine, D + 3 * H_MS, 2, 0, ""), 0);
	assert_int_equal(acct_pieces(&b, &am, fc, &machine, D + 25 * H_MS, 4, 0, ""), 0);
	assert_int_equal(level_sum(&b, &am, ACCT_DAY, 0), 2);
	assert_int_equal(level_sum(&b, &am, ACCT_HOUR, 0), 2);
	/* 03:00 on D belongs to the night shift of the day before: not kept;
	 * 01:00 on D+1 to the night shift of D: kept */
	assert_int_equal(level_sum(&b, &am, ACCT_SHIFT, 0), 4);
	acct_buf_free(&b);
	free(fc);
}

static void test_calendar_errors(void **state)
{
	(void)state;
	static const struct {
		const char *json;
		const char *field;
	} bad[] = {
	    {"[]", "body"},
	    {"{\"shifts\":[]}", "tz"},
	    {"{\"tz\":\"Nowhere/City\",\"shifts\":[]}", "tz"},
	    {"{\"tz\":\"UTC\",\"shifts\":[]}", "shifts"},
	    {"{\"tz\":\"UTC\",\"shifts\":[{\"name\":\"a\",\"start\":\"24:00\",\"end\":\"08:00\"}]}",
	     "shifts[0].start"},
	    {"{\"tz\":\"UTC\",\"shifts\":[{\"name\":\"a\",\"start\":\"08:00\",\"end\":\"16:00\","
	     "\"breaks\":[{\"start\":\"17:00\",\"end\":\"17:30\"}]}]}",
	     "shifts[0]"},
	    {"{\"tz\":\"UTC\",\"shifts\":[{\"name\":\"a\",\"start\":\"08:00\",\"end\":\"16:00\"}],"
	     "\"rest_weekdays\":[7]}",
	     "rest_weekdays"},
	    {"{\"tz\":\"UTC\",\"shifts\":[{\"name\":\"a\",\"start\":\"08:00\",\"end\":\"16:00\"}],"
	     "\"offline_after_s\":5}",
	     "offline_after_s"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		firm_cal *c = malloc(sizeof *c);
		char err[200] = "";
		assert_int_equal(
		    firmcal_parse(bad[i].json, strlen(bad[i].json), NULL, c, err, sizeof err),
		    GLOVED_EINVAL);
		if (strncmp(err, bad[i].field, strlen(bad[i].field)) != 0)
			fail_msg("%s: error '%s' does not name %s", bad[i].json, err, bad[i].field);
		free(c);
	}
	/* round trip */
	firm_cal *c = calendar(shanghai);
	buf j;
	buf_init(&j, 0);
	assert_int_equal(firmcal_json(c, "PY01", &j), 0);
	firm_cal *c2 = calendar(j.data);
	assert_int_equal(c2->cal.n_shifts, 2);
	assert_int_equal(c2->cal.shifts[0].breaks[0].start_min, 12 * 60);
	assert_int_equal(c2->offline_after_ms, 120000);
	assert_string_equal(c2->zone.name, "Asia/Shanghai");
	buf_free(&j);
	free(c);
	free(c2);
}

static void test_rate_cards(void **state)
{
	(void)state;
	int64_t y4;
	assert_int_equal(analytics_parse_y4("0.0125", &y4), 0);
	assert_int_equal(y4, 125);
	assert_int_equal(analytics_parse_y4("12", &y4), 0);
	assert_int_equal(y4, 120000);
	assert_int_equal(analytics_parse_y4("1.5", &y4), 0);
	assert_int_equal(y4, 15000);
	const char *bad[] = {"", "-1", "1.", ".5", "0.00001", "1e3", "abc", "1,5"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(analytics_parse_y4(bad[i], &y4), -1);
	const char *card =
	    "{\"rate_unit\":\"dozen\",\"rate\":\"0.6000\",\"step_period\":\"month\","
	    "\"steps\":[{\"kind\":\"per_unit\",\"threshold\":100,\"bonus\":\"0.05\"}],"
	    "\"reject_deduct\":\"0.01\"}";
	wage_card c;
	char err[160];
	assert_int_equal(analytics_card_parse(card, strlen(card), &c, err, sizeof err), 0);
	assert_int_equal(c.rate_unit, UNIT_DOZEN);
	assert_int_equal(c.rate_y4, 6000);
	assert_int_equal(c.step_period, WAGE_PERIOD_MONTH);
	assert_int_equal(c.n_steps, 1);
	assert_int_equal(c.steps[0].bonus_y4, 500);
	buf j;
	buf_init(&j, 0);
	assert_int_equal(analytics_card_json(&c, &j), 0);
	wage_card c2;
	assert_int_equal(analytics_card_parse(j.data, j.len, &c2, err, sizeof err), 0);
	assert_memory_equal(&c, &c2, sizeof c);
	buf_free(&j);
	const char *badcard = "{\"rate_unit\":\"box\",\"rate\":\"1\"}";
	assert_int_equal(analytics_card_parse(badcard, strlen(badcard), &c, err, sizeof err),
			 GLOVED_EINVAL);
	assert_non_null(strstr(err, "rate_unit"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_state_spans_shift_end),
	    cmocka_unit_test(test_breaks_and_gaps),
	    cmocka_unit_test(test_dst_nights),
	    cmocka_unit_test(test_pieces),
	    cmocka_unit_test(test_rebuild_filter),
	    cmocka_unit_test(test_calendar_errors),
	    cmocka_unit_test(test_rate_cards),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
