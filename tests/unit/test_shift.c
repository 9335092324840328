/* SPDX-License-Identifier: Apache-2.0 */
/* test_shift.c: shift calendars (core/shift.c) on real zones: the night
 * shift 20:00-08:00 belongs to the day it starts, breaks are subtracted
 * from planned time, rest days (weekdays and dates) have no shifts, shifts
 * across the 2026 Berlin DST changes last 11 h and 13 h, iteration over a
 * range yields each instance once, and bad calendars are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/shift.h"
#include "util/err.h"
#include "app/tzfile.h"

#define H_MS 3600000LL
#define M_MS 60000LL

static tz_zone *load(const char *name)
{
	char err[256] = "";
	tz_zone *z = malloc(sizeof(*z));
	assert_non_null(z);
	if (tzfile_load(NULL, name, z, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	return z;
}

static int64_t utc_ms(int32_t y, int32_t mo, int32_t d, int32_t h, int32_t mi)
{
	return (tz_days_from_civil((tz_date){y, mo, d}) * 86400 + h * 3600 + mi * 60) * 1000;
}

/* Day 08:00-20:00 with lunch 12:00-13:00; night 20:00-08:00 with breaks
 * 00:00-00:30 and 04:00-04:15; Sundays and 2026-10-01 off. */
static void two_shifts(shift_calendar *cal)
{
	memset(cal, 0, sizeof(*cal));
	cal->n_shifts = 2;
	snprintf(cal->shifts[0].name, sizeof(cal->shifts[0].name), "day");
	cal->shifts[0].start_min = 8 * 60;
	cal->shifts[0].end_min = 20 * 60;
	cal->shifts[0].n_breaks = 1;
	cal->shifts[0].breaks[0] = (shift_break){12 * 60, 13 * 60};
	snprintf(cal->shifts[1].name, sizeof(cal->shifts[1].name), "night");
	cal->shifts[1].start_min = 20 * 60;
	cal->shifts[1].end_min = 8 * 60;
	cal->shifts[1].n_breaks = 2;
	cal->shifts[1].breaks[0] = (shift_break){0, 30};
	cal->shifts[1].breaks[1] = (shift_break){4 * 60, 4 * 60 + 15};
	cal->rest_wdays = 1u << 0;
	cal->n_rest_dates = 1;
	cal->rest_dates[0] = (tz_date){2026, 10, 1};
	assert_int_equal(shift_cal_validate(cal, NULL), 0);
}

static void assert_day(tz_date d, int32_t y, int32_t m, int32_t day)
{
	assert_int_equal(d.year, y);
	assert_int_equal(d.month, m);
	assert_int_equal(d.day, day);
}

static void test_parse_hhmm(void **state)
{
	(void)state;
	assert_int_equal(shift_parse_hhmm("08:00"), 480);
	assert_int_equal(shift_parse_hhmm("23:59"), 1439);
	assert_int_equal(shift_parse_hhmm("00:00"), 0);
	assert_int_equal(shift_parse_hhmm("24:00"), -1);
	assert_int_equal(shift_parse_hhmm("8:00"), -1);
	assert_int_equal(shift_parse_hhmm("08:60"), -1);
	assert_int_equal(shift_parse_hhmm("08-00"), -1);
	assert_int_equal(shift_parse_hhmm(NULL), -1);
}

static void test_night_shift_shanghai(void **state)
{
	(void)state;
	tz_zone *z = load("Asia/Shanghai");
	shift_calendar cal;
	shift_instance in;
	two_shifts(&cal);
	/* Monday 2026-11-30 23:00 local = 15:00 UTC: Monday's night shift */
	assert_int_equal(shift_at(z, &cal, utc_ms(2026, 11, 30, 15, 0), &in), 1);
	assert_int_equal(in.shift, 1);
	assert_day(in.day, 2026, 11, 30);
	assert_int_equal(in.start_ms, utc_ms(2026, 11, 30, 12, 0));
	assert_int_equal(in.end_ms, utc_ms(2026, 12, 1, 0, 0));
	/* Tuesday 03:00 local: still Monday's night shift */
	assert_int_equal(shift_at(z, &cal, utc_ms(2026, 11, 30, 19, 0), &in), 1);
	assert_int_equal(in.shift, 1);
	assert_day(in.day, 2026, 11, 30);
	/* Tuesday 08:00 local sharp: the day shift of Tuesday */
	assert_int_equal(shift_at(z, &cal, utc_ms(2026, 12, 1, 0, 0), &in), 1);
	assert_int_equal(in.shift, 0);
	assert_day(in.day, 2026, 12, 1);
	/* in a break is still in the shift */
	assert_int_equal(shift_at(z, &cal, utc_ms(2026, 12, 1, 4, 30), &in), 1);
	assert_int_equal(in.shift, 0);
	/* planned: 12 h - 1 h; 12 h - 45 min */
	assert_int_equal(shift_instance_of(z, &cal, 0, (tz_date){2026, 12, 1}, &in), 0);
	assert_int_equal(shift_planned_ms(z, &cal, &in), 11 * H_MS);
	assert_int_equal(shift_instance_of(z, &cal, 1, (tz_date){2026, 12, 1}, &in), 0);
	assert_int_equal(in.end_ms - in.start_ms, 12 * H_MS);
	assert_int_equal(shift_planned_ms(z, &cal, &in), 12 * H_MS - 45 * M_MS);
	assert_int_equal(shift_instance_of(z, &cal, 2, (tz_date){2026, 12, 1}, &in), GLOVED_EINVAL);
	free(z);
}

static void test_rest_days(void **state)
{
	(void)state;
	tz_zone *z = load("Asia/Shanghai");
	shift_calendar cal;
	shift_instance in;
	two_shifts(&cal);
	assert_true(shift_is_rest_day(&cal, (tz_date){2026, 11, 29}));  /* Sunday */
	assert_true(shift_is_rest_day(&cal, (tz_date){2026, 10, 1}));   /* a Thursday, by date */
	assert_false(shift_is_rest_day(&cal, (tz_date){2026, 11, 28})); /* Saturday */
	/* Sunday 03:00 local: Saturday's night shift still runs */
	assert_int_equal(shift_at(z, &cal, utc_ms(2026, 11, 28, 19, 0), &in), 1);
	assert_day(in.day, 2026, 11, 28);
	/* Sunday 10:00 and 22:00, Monday 03:00 local: no shift */
	assert_int_equal(shift_at(z, &cal, utc_ms(2026, 11, 29, 2, 0), &in), 0);
	assert_int_equal(shift_at(z, &cal, utc_ms(2026, 11, 29, 14, 0), &in), 0);
	assert_int_equal(shift_at(z, &cal, utc_ms(2026, 11, 29, 19, 0), &in), 0);
	/* National Day 10:00 local: no shift; the night after it neither */
	assert_int_equal(shift_at(z, &cal, utc_ms(2026, 10, 1, 2, 0), &in), 0);
	assert_int_equal(shift_at(z, &cal, utc_ms(2026, 10, 1, 18, 0), &in), 0);
	/* but 2026-09-30's night shift runs into the morning of the 1st */
	assert_int_equal(shift_at(z, &cal, utc_ms(2026, 9, 30, 22, 0), &in), 1);
	assert_day(in.day, 2026, 9, 30);
	free(z);
}

static void test_iterate(void **state)
{
	(void)state;
	tz_zone *z = load("Asia/Shanghai");
	shift_calendar cal;
	shift_iter it;
	shift_instance in;
	two_shifts(&cal);
	/* Friday 2026-11-27 00:00 .. Tuesday 2026-12-01 00:00 local */
	int64_t from = tz_midnight_ms(z, (tz_date){2026, 11, 27});
	int64_t to = tz_midnight_ms(z, (tz_date){2026, 12, 1});
	static const struct {
		int32_t shift, day;
	} want[] = {{1, 26}, {0, 27}, {1, 27}, {0, 28}, {1, 28}, {0, 30}, {1, 30}};
	size_t n = 0;
	int64_t planned = 0;
	shift_iter_init(&it, z, &cal, from, to);
	while (shift_iter_next(&it, &in)) {
		assert_true(n < sizeof(want) / sizeof(want[0]));
		assert_int_equal(in.shift, want[n].shift);
		assert_int_equal(in.day.day, want[n].day);
		planned += shift_planned_ms(z, &cal, &in);
		n++;
	}
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	assert_int_equal(planned, 3 * 11 * H_MS + 4 * (12 * H_MS - 45 * M_MS));
	/* an empty range yields nothing */
	shift_iter_init(&it, z, &cal, from, from);
	assert_int_equal(shift_iter_next(&it, &in), 0);

	/* over a year: instances are disjoint, each starts in its shift and
	 * shift_at agrees; 52 Sundays and one holiday off */
	from = tz_midnight_ms(z, (tz_date){2026, 1, 1});
	to = tz_midnight_ms(z, (tz_date){2027, 1, 1});
	int64_t prev_end = 0;
	n = 0;
	shift_iter_init(&it, z, &cal, from, to);
	while (shift_iter_next(&it, &in)) {
		shift_instance at;
		assert_true(in.start_ms >= prev_end);
		assert_int_equal(shift_at(z, &cal, in.start_ms, &at), 1);
		assert_int_equal(at.start_ms, in.start_ms);
		assert_int_equal(shift_at(z, &cal, in.end_ms - 1, &at), 1);
		assert_int_equal(at.end_ms, in.end_ms);
		prev_end = in.end_ms;
		n++;
	}
	/* 365 days - 52 Sundays - 1 holiday = 312 shift days, + 2025-12-31's night */
	assert_int_equal(n, 312 * 2 + 1);
	free(z);
}

static void test_berlin_dst(void **state)
{
	(void)state;
	tz_zone *z = load("Europe/Berlin");
	shift_calendar cal;
	shift_instance in;
	two_shifts(&cal);
	/* Saturday 2026-03-28 20:00 CET -> Sunday 08:00 CEST: 11 h */
	assert_int_equal(shift_instance_of(z, &cal, 1, (tz_date){2026, 3, 28}, &in), 0);
	assert_int_equal(in.start_ms, utc_ms(2026, 3, 28, 19, 0));
	assert_int_equal(in.end_ms, utc_ms(2026, 3, 29, 6, 0));
	assert_int_equal(shift_planned_ms(z, &cal, &in), 11 * H_MS - 45 * M_MS);
	/* 03:30 CEST on the Sunday is in Saturday's night shift */
	assert_int_equal(shift_at(z, &cal, utc_ms(2026, 3, 29, 1, 30), &in), 1);
	assert_int_equal(in.shift, 1);
	assert_day(in.day, 2026, 3, 28);
	/* Saturday 2026-10-24 20:00 CEST -> Sunday 08:00 CET: 13 h */
	assert_int_equal(shift_instance_of(z, &cal, 1, (tz_date){2026, 10, 24}, &in), 0);
	assert_int_equal(in.start_ms, utc_ms(2026, 10, 24, 18, 0));
	assert_int_equal(in.end_ms, utc_ms(2026, 10, 25, 7, 0));
	assert_int_equal(shift_planned_ms(z, &cal, &in), 13 * H_MS - 45 * M_MS);
	/* the day shift of either Sunday is untouched */
	assert_int_equal(shift_instance_of(z, &cal, 0, (tz_date){2026, 3, 29}, &in), 0);
	assert_int_equal(in.end_ms - in.start_ms, 12 * H_MS);

	/* a break in the repeated hour is taken once (the first 02:00-02:30) */
	cal.shifts[1].breaks[1] = (shift_break){2 * 60, 2 * 60 + 30};
	assert_int_equal(shift_cal_validate(&cal, NULL), 0);
	assert_int_equal(shift_instance_of(z, &cal, 1, (tz_date){2026, 10, 24}, &in), 0);
	assert_int_equal(shift_planned_ms(z, &cal, &in), 13 * H_MS - 60 * M_MS);
	/* a break in the skipped hour moves forward with it: still 30 min */
	assert_int_equal(shift_instance_of(z, &cal, 1, (tz_date){2026, 3, 28}, &in), 0);
	assert_int_equal(shift_planned_ms(z, &cal, &in), 11 * H_MS - 60 * M_MS);
	free(z);
}

static void test_validate(void **state)
{
	(void)state;
	shift_calendar cal;
	int32_t bad = 0;
	two_shifts(&cal);
	assert_int_equal(shift_cal_validate(&cal, &bad), 0);
	assert_int_equal(bad, -1);
	/* a lunch break outside the day shift */
	cal.shifts[0].breaks[0] = (shift_break){21 * 60, 21 * 60 + 30};
	assert_int_equal(shift_cal_validate(&cal, &bad), GLOVED_EINVAL);
	assert_int_equal(bad, 0);
	/* night breaks out of order */
	two_shifts(&cal);
	cal.shifts[1].breaks[0] = (shift_break){4 * 60, 4 * 60 + 30};
	cal.shifts[1].breaks[1] = (shift_break){0, 30};
	assert_int_equal(shift_cal_validate(&cal, &bad), GLOVED_EINVAL);
	assert_int_equal(bad, 1);
	/* an empty break, a time past 23:59, too many shifts, a bad date */
	two_shifts(&cal);
	cal.shifts[1].breaks[0] = (shift_break){30, 30};
	assert_int_equal(shift_cal_validate(&cal, &bad), GLOVED_EINVAL);
	two_shifts(&cal);
	cal.shifts[0].end_min = 1440;
	assert_int_equal(shift_cal_validate(&cal, &bad), GLOVED_EINVAL);
	two_shifts(&cal);
	cal.n_shifts = SHIFT_MAX + 1;
	assert_int_equal(shift_cal_validate(&cal, &bad), GLOVED_EINVAL);
	assert_int_equal(bad, -1);
	two_shifts(&cal);
	cal.rest_dates[0] = (tz_date){2026, 2, 30};
	assert_int_equal(shift_cal_validate(&cal, &bad), GLOVED_EINVAL);
	/* a 24 h shift 06:00-06:00 with a break ending at its end */
	two_shifts(&cal);
	cal.n_shifts = 1;
	cal.shifts[0].start_min = 6 * 60;
	cal.shifts[0].end_min = 6 * 60;
	cal.shifts[0].breaks[0] = (shift_break){5 * 60, 6 * 60};
	assert_int_equal(shift_cal_validate(&cal, &bad), 0);
	tz_zone z;
	shift_instance in;
	tz_zone_fixed(&z, "UTC", 0);
	assert_int_equal(shift_instance_of(&z, &cal, 0, (tz_date){2026, 5, 5}, &in), 0);
	assert_int_equal(in.end_ms - in.start_ms, 24 * H_MS);
	assert_int_equal(shift_planned_ms(&z, &cal, &in), 23 * H_MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_hhmm), cmocka_unit_test(test_night_shift_shanghai),
	    cmocka_unit_test(test_rest_days),  cmocka_unit_test(test_iterate),
	    cmocka_unit_test(test_berlin_dst), cmocka_unit_test(test_validate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
