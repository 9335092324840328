/* SPDX-License-Identifier: Apache-2.0 */
/* test_tz.c: time zones (app/tzfile.c reading the tz database, core/tz.c
 * doing the arithmetic): hand-checked DST transitions of Europe/Berlin and
 * America/New_York in 2026 and the fixed Asia/Shanghai, gap and overlap
 * rules, local days of 23 and 25 hours, POSIX TZ rules, bad names and bad
 * files refused, and our offsets and civil times against glibc's
 * localtime_r for tens of thousands of instants in several zones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/tz.h"
#include "util/err.h"
#include "app/tzfile.h"

static tz_zone *load(const char *name)
{
	char err[256] = "";
	tz_zone *z = malloc(sizeof(*z));
	assert_non_null(z);
	int rc = tzfile_load(NULL, name, z, err, sizeof(err));
	if (rc != 0)
		fail_msg("%s: %s", name, err);
	return z;
}

/* Unix ms of a UTC civil time. */
static int64_t utc_ms(int32_t y, int32_t mo, int32_t d, int32_t h, int32_t mi)
{
	return (tz_days_from_civil((tz_date){y, mo, d}) * 86400 + h * 3600 + mi * 60) * 1000;
}

static void test_civil_days(void **state)
{
	(void)state;
	assert_int_equal(tz_days_from_civil((tz_date){1970, 1, 1}), 0);
	assert_int_equal(tz_days_from_civil((tz_date){2000, 3, 1}), 11017);
	assert_int_equal(tz_days_from_civil((tz_date){1969, 12, 31}), -1);
	assert_int_equal(tz_weekday((tz_date){2026, 11, 29}), 0); /* a Sunday */
	assert_int_equal(tz_weekday((tz_date){1970, 1, 1}), 4);
	assert_int_equal(tz_weekday((tz_date){1969, 12, 31}), 3);
	for (int64_t n = -700000; n < 2900000; n += 7) {
		tz_date d = tz_civil_from_days(n);
		assert_true(tz_date_valid(d));
		assert_int_equal(tz_days_from_civil(d), n);
	}
	tz_date d = tz_date_add((tz_date){2028, 2, 28}, 1);
	assert_int_equal(d.month, 2);
	assert_int_equal(d.day, 29);
	assert_false(tz_date_valid((tz_date){2026, 2, 29}));
	assert_true(tz_date_cmp((tz_date){2026, 1, 31}, (tz_date){2026, 2, 1}) < 0);
}

static void test_shanghai(void **state)
{
	(void)state;
	tz_zone *z = load("Asia/Shanghai");
	assert_string_equal(z->name, "Asia/Shanghai");
	assert_int_equal(tz_offset_s(z, utc_ms(2026, 3, 29, 1, 0)), 8 * 3600);
	assert_int_equal(tz_offset_s(z, utc_ms(2026, 7, 1, 0, 0)), 8 * 3600);
	/* China had daylight saving 1986-1991: 1988-04-17 .. 1988-09-11 */
	assert_int_equal(tz_offset_s(z, utc_ms(1988, 7, 1, 0, 0)), 9 * 3600);
	/* after 2037 the footer rule "CST-8" answers */
	assert_int_equal(tz_offset_s(z, utc_ms(2090, 7, 1, 0, 0)), 8 * 3600);
	/* 2026-11-29 16:30 UTC is 2026-11-30 00:30 in Shanghai */
	tz_civil c = tz_civil_of(z, utc_ms(2026, 11, 29, 16, 30) + 1234);
	assert_int_equal(c.date.year, 2026);
	assert_int_equal(c.date.month, 11);
	assert_int_equal(c.date.day, 30);
	assert_int_equal(c.hour, 0);
	assert_int_equal(c.min, 30);
	assert_int_equal(c.sec, 1);
	assert_int_equal(c.ms, 234);
	assert_int_equal(c.wday, 1);
	assert_int_equal(tz_day_start_ms(z, utc_ms(2026, 11, 29, 16, 30)),
			 utc_ms(2026, 11, 29, 16, 0));
	assert_int_equal(tz_next_day_start_ms(z, utc_ms(2026, 11, 29, 16, 30)),
			 utc_ms(2026, 11, 30, 16, 0));
	assert_int_equal(tz_local_ms(z, (tz_date){2026, 11, 30}, 20 * 60),
			 utc_ms(2026, 11, 30, 12, 0));
	free(z);
}

static void test_berlin_2026(void **state)
{
	(void)state;
	tz_zone *z = load("Europe/Berlin");
	/* spring forward 2026-03-29 01:00 UTC: 02:00 CET -> 03:00 CEST */
	assert_int_equal(tz_offset_s(z, utc_ms(2026, 3, 29, 1, 0) - 1), 3600);
	assert_int_equal(tz_offset_s(z, utc_ms(2026, 3, 29, 1, 0)), 7200);
	/* fall back 2026-10-25 01:00 UTC: 03:00 CEST -> 02:00 CET */
	assert_int_equal(tz_offset_s(z, utc_ms(2026, 10, 25, 1, 0) - 1), 7200);
	assert_int_equal(tz_offset_s(z, utc_ms(2026, 10, 25, 1, 0)), 3600);
	/* the footer rule carries on after the table (2037) */
	assert_int_equal(tz_offset_s(z, utc_ms(2050, 3, 27, 1, 0) - 1), 3600);
	assert_int_equal(tz_offset_s(z, utc_ms(2050, 3, 27, 1, 0)), 7200);
	assert_int_equal(tz_offset_s(z, utc_ms(2050, 10, 30, 1, 0) - 1), 7200);
	assert_int_equal(tz_offset_s(z, utc_ms(2050, 10, 30, 1, 0)), 3600);

	/* a 23 h day and a 25 h day */
	int64_t mar29 = tz_midnight_ms(z, (tz_date){2026, 3, 29});
	int64_t mar30 = tz_midnight_ms(z, (tz_date){2026, 3, 30});
	assert_int_equal(mar29, utc_ms(2026, 3, 28, 23, 0));
	assert_int_equal(mar30 - mar29, 23 * 3600000LL);
	int64_t oct25 = tz_midnight_ms(z, (tz_date){2026, 10, 25});
	int64_t oct26 = tz_midnight_ms(z, (tz_date){2026, 10, 26});
	assert_int_equal(oct25, utc_ms(2026, 10, 24, 22, 0));
	assert_int_equal(oct26 - oct25, 25 * 3600000LL);
	assert_int_equal(tz_day_start_ms(z, utc_ms(2026, 10, 25, 12, 0)), oct25);
	assert_int_equal(tz_next_day_start_ms(z, utc_ms(2026, 10, 25, 12, 0)), oct26);
	assert_int_equal(tz_day_start_ms(z, oct26 - 1), oct25);
	assert_int_equal(tz_day_start_ms(z, oct26), oct26);

	/* 02:30 does not exist on 2026-03-29: moved forward to 03:30 CEST */
	assert_int_equal(tz_local_ms(z, (tz_date){2026, 3, 29}, 150), utc_ms(2026, 3, 29, 1, 30));
	/* 02:00 exactly is the start of the gap: 03:00 CEST */
	assert_int_equal(tz_local_ms(z, (tz_date){2026, 3, 29}, 120), utc_ms(2026, 3, 29, 1, 0));
	assert_int_equal(tz_local_ms(z, (tz_date){2026, 3, 29}, 180), utc_ms(2026, 3, 29, 1, 0));
	/* 02:30 happens twice on 2026-10-25: the first, CEST */
	assert_int_equal(tz_local_ms(z, (tz_date){2026, 10, 25}, 150), utc_ms(2026, 10, 25, 0, 30));
	assert_int_equal(tz_local_ms(z, (tz_date){2026, 10, 25}, 180), utc_ms(2026, 10, 25, 2, 0));
	/* minutes past 24 h run into the next day */
	assert_int_equal(tz_local_ms(z, (tz_date){2026, 10, 24}, 1440 + 480),
			 utc_ms(2026, 10, 25, 7, 0));
	tz_civil c = tz_civil_of(z, utc_ms(2026, 10, 25, 1, 30));
	assert_int_equal(c.hour, 2);
	assert_int_equal(c.min, 30);
	assert_int_equal(c.utc_off_s, 3600);
	free(z);
}

static void test_new_york_2026(void **state)
{
	(void)state;
	tz_zone *z = load("America/New_York");
	assert_int_equal(tz_offset_s(z, utc_ms(2026, 3, 8, 7, 0) - 1), -5 * 3600);
	assert_int_equal(tz_offset_s(z, utc_ms(2026, 3, 8, 7, 0)), -4 * 3600);
	assert_int_equal(tz_offset_s(z, utc_ms(2026, 11, 1, 6, 0) - 1), -4 * 3600);
	assert_int_equal(tz_offset_s(z, utc_ms(2026, 11, 1, 6, 0)), -5 * 3600);
	/* 01:30 on 2026-11-01 is ambiguous: the first, EDT = 05:30 UTC */
	assert_int_equal(tz_local_ms(z, (tz_date){2026, 11, 1}, 90), utc_ms(2026, 11, 1, 5, 30));
	/* 23:30 of the previous day, UTC before the Unix day changes */
	tz_civil c = tz_civil_of(z, utc_ms(2026, 11, 1, 3, 30));
	assert_int_equal(c.date.day, 31);
	assert_int_equal(c.hour, 23);
	free(z);
}

static void test_rule_parse(void **state)
{
	(void)state;
	tz_rule r;
	size_t at = 0;
	assert_int_equal(tz_rule_parse("CST-8", &r, &at), 0);
	assert_int_equal(r.std_off_s, 8 * 3600);
	assert_false(r.has_dst);
	assert_int_equal(tz_rule_parse("CET-1CEST,M3.5.0,M10.5.0/3", &r, &at), 0);
	assert_int_equal(r.std_off_s, 3600);
	assert_int_equal(r.dst_off_s, 7200);
	assert_true(r.has_dst);
	assert_int_equal(r.start.kind, TZ_RULE_MWD);
	assert_int_equal(r.start.month, 3);
	assert_int_equal(r.start.week, 5);
	assert_int_equal(r.start.time_s, 7200);
	assert_int_equal(r.end.month, 10);
	assert_int_equal(r.end.time_s, 3 * 3600);
	assert_int_equal(tz_rule_parse("<+0330>-3:30", &r, &at), 0);
	assert_int_equal(r.std_off_s, 3 * 3600 + 1800);
	assert_int_equal(tz_rule_parse("<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", &r, &at), 0);
	assert_int_equal(r.std_off_s, -3 * 3600);
	assert_int_equal(r.dst_off_s, -2 * 3600);
	assert_int_equal(r.start.time_s, -2 * 3600);
	assert_int_equal(tz_rule_parse("EST5EDT,J60/2,300", &r, &at), 0);
	assert_int_equal(r.start.kind, TZ_RULE_JULIAN1);
	assert_int_equal(r.end.kind, TZ_RULE_JULIAN0);
	assert_int_equal(r.end.day, 300);

	assert_int_equal(tz_rule_parse("", &r, &at), GLOVED_EINVAL);
	assert_int_equal(tz_rule_parse("C-1", &r, &at), GLOVED_EINVAL);
	assert_int_equal(tz_rule_parse("CET-1CEST,M13.5.0,M10.5.0", &r, &at), GLOVED_EINVAL);
	assert_int_equal(tz_rule_parse("CET-1CEST,M3.5.0", &r, &at), GLOVED_EINVAL);
	assert_int_equal(at, 16);
	assert_int_equal(tz_rule_parse("CET-1CEST,M3.5.0,M10.5.0/3x", &r, &at), GLOVED_EINVAL);
	assert_int_equal(tz_rule_parse("CET-25", &r, &at), GLOVED_EINVAL);
}

static void test_names_and_bad_files(void **state)
{
	(void)state;
	char err[256];
	tz_zone *z = malloc(sizeof(*z));
	assert_non_null(z);
	assert_false(tzfile_name_ok("../etc/passwd"));
	assert_false(tzfile_name_ok("/etc/passwd"));
	assert_false(tzfile_name_ok("Europe/../../etc/passwd"));
	assert_false(tzfile_name_ok(""));
	assert_false(tzfile_name_ok("Asia/Shang hai"));
	assert_true(tzfile_name_ok("America/Argentina/Buenos_Aires"));
	assert_true(tzfile_name_ok("Etc/GMT+8"));
	assert_int_equal(tzfile_load(NULL, "../etc/passwd", z, err, sizeof(err)), GLOVED_EINVAL);
	assert_int_equal(tzfile_load(NULL, "Nowhere/City", z, err, sizeof(err)), GLOVED_ENOTFOUND);
	assert_non_null(strstr(err, "Nowhere/City"));
	/* a zone without transitions: its footer rule alone */
	assert_int_equal(tzfile_load(NULL, "Etc/UTC", z, err, sizeof(err)), 0);
	assert_int_equal(z->n_trans, 0);
	assert_int_equal(tz_offset_s(z, utc_ms(2026, 7, 1, 0, 0)), 0);
	assert_int_equal(tzfile_load(NULL, "Etc/GMT-8", z, err, sizeof(err)), 0);
	assert_int_equal(tz_offset_s(z, utc_ms(2026, 7, 1, 0, 0)), 8 * 3600);

	/* a truncated copy of a real file and a file that is not TZif */
	FILE *f = fopen(TZFILE_DIR "/Europe/Berlin", "rb");
	assert_non_null(f);
	static unsigned char buf[TZFILE_MAX_BYTES];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_true(n > 100);
	assert_int_equal(tzfile_parse(buf, n, "Europe/Berlin", z, err, sizeof(err)), 0);
	for (size_t cut = 0; cut < n - 1; cut += 37)
		assert_int_equal(tzfile_parse(buf, cut, "cut", z, err, sizeof(err)), GLOVED_EINVAL);
	assert_non_null(strstr(err, "cut"));
	assert_int_equal(
	    tzfile_parse((const unsigned char *)"TZjunk", 6, "junk", z, err, sizeof(err)),
	    GLOVED_EINVAL);
	/* v1 only: the same file cut to its 32-bit block still loads */
	buf[4] = 0;
	assert_int_equal(tzfile_parse(buf, n, "v1", z, err, sizeof(err)), 0);
	assert_false(z->has_rule);
	assert_int_equal(tz_offset_s(z, utc_ms(2026, 7, 1, 0, 0)), 7200);
	free(z);
}

/* Our offsets and civil times against glibc's for one zone; also checks
 * that local time maps back to the instant (or the first of an overlap)
 * and that each instant lies in its local day. */
static void compare_with_glibc(const tz_zone *z, int64_t from_s, int64_t to_s, int64_t step_s)
{
	char tzenv[80];
	snprintf(tzenv, sizeof(tzenv), ":%s", z->name);
	assert_int_equal(setenv("TZ", tzenv, 1), 0);
	tzset();
	long n = 0;
	for (int64_t t = from_s; t < to_s; t += step_s, n++) {
		time_t tt = (time_t)t;
		struct tm tm;
		assert_non_null(localtime_r(&tt, &tm));
		int64_t ms = t * 1000;
		tz_civil c = tz_civil_of(z, ms);
		if (c.utc_off_s != tm.tm_gmtoff)
			fail_msg("%s at %lld: ours %d, glibc %ld", z->name, (long long)t,
				 c.utc_off_s, (long)tm.tm_gmtoff);
		assert_int_equal(c.date.year, tm.tm_year + 1900);
		assert_int_equal(c.date.month, tm.tm_mon + 1);
		assert_int_equal(c.date.day, tm.tm_mday);
		assert_int_equal(c.hour, tm.tm_hour);
		assert_int_equal(c.min, tm.tm_min);
		assert_int_equal(c.sec, tm.tm_sec);
		assert_int_equal(c.wday, tm.tm_wday);
		/* back from local time: the same instant, or an earlier one with
		 * the same wall clock (the first of an overlap) */
		int64_t back = tz_local_ms(z, c.date, c.hour * 60 + c.min) + c.sec * 1000;
		assert_true(back <= ms);
		if (back != ms) {
			tz_civil cb = tz_civil_of(z, back);
			assert_int_equal(cb.hour, c.hour);
			assert_int_equal(cb.min, c.min);
		}
		int64_t ds = tz_day_start_ms(z, ms), de = tz_next_day_start_ms(z, ms);
		assert_true(ds <= ms && ms < de);
		assert_true(de - ds >= 22 * 3600000LL && de - ds <= 26 * 3600000LL);
		assert_int_equal(tz_date_cmp(tz_date_of(z, ds), c.date), 0);
	}
	assert_true(n > 1000);
}

static void test_against_glibc(void **state)
{
	(void)state;
	static const char *zones[] = {
	    "Asia/Shanghai",    "Europe/Berlin",       "America/New_York",
	    "Australia/Sydney", "Australia/Lord_Howe", "Asia/Kolkata",
	    "America/Santiago", "Europe/London",       "America/Sao_Paulo",
	};
	int64_t y2020 = utc_ms(2020, 1, 1, 0, 0) / 1000, y2031 = utc_ms(2031, 1, 1, 0, 0) / 1000;
	int64_t y2038 = utc_ms(2038, 1, 1, 0, 0) / 1000, y2046 = utc_ms(2046, 1, 1, 0, 0) / 1000;
	const char *old_tz = getenv("TZ");
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		tz_zone *z = load(zones[i]);
		/* an odd step visits every hour and minute over the years */
		compare_with_glibc(z, y2020, y2031, 7919);
		/* past the table: the footer rule */
		compare_with_glibc(z, y2038, y2046, 15013);
		/* each 2026 transition to the second */
		compare_with_glibc(z, utc_ms(2026, 3, 1, 0, 0) / 1000,
				   utc_ms(2026, 3, 31, 0, 0) / 1000, 599);
		compare_with_glibc(z, utc_ms(2026, 10, 1, 0, 0) / 1000,
				   utc_ms(2026, 11, 3, 0, 0) / 1000, 599);
		free(z);
	}
	/* zones made of a rule alone, against glibc given the same rule */
	static const char *rules[] = {
	    "AEST-10AEDT,M10.1.0,M4.1.0/3", "EST5EDT,J60/2,300", "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1",
	    "CET-1CEST,M3.5.0,M10.5.0/3",   "<+0330>-3:30",      "XST3XDT2:30,M9.5.6/26,M4.1.0/0",
	};
	tz_zone *z = malloc(sizeof(*z));
	assert_non_null(z);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		tz_zone_fixed(z, rules[i], 0);
		assert_int_equal(tz_rule_parse(rules[i], &z->rule, NULL), 0);
		z->has_rule = 1;
		assert_int_equal(setenv("TZ", rules[i], 1), 0);
		tzset();
		for (int64_t t = y2020; t < y2031; t += 3607) {
			time_t tt = (time_t)t;
			struct tm tm;
			assert_non_null(localtime_r(&tt, &tm));
			if (tz_offset_s(z, t * 1000) != tm.tm_gmtoff)
				fail_msg("%s at %lld: ours %d, glibc %ld", rules[i], (long long)t,
					 tz_offset_s(z, t * 1000), (long)tm.tm_gmtoff);
		}
	}
	free(z);
	if (old_tz != NULL)
		setenv("TZ", old_tz, 1);
	else
		unsetenv("TZ");
	tzset();
}

static void test_day_numbers(void **state)
{
	(void)state;
	/* the API's day strings and local days: 2026-03-01 is day 20513; at
	 * 2026-02-28 17:30 UTC it is already 01:30 on 2026-03-01 at +08 */
	int32_t day = 0;
	char s[20];
	assert_int_equal(tz_day_parse("2026-03-01", &day), 0);
	assert_int_equal(day, 20513);
	tz_day_format(day, s);
	assert_string_equal(s, "2026-03-01");
	assert_int_equal(tz_day_parse("2026-02-29", &day), -1);
	assert_int_equal(tz_day_parse("2026-3-01", &day), -1);
	assert_int_equal(day, 20513);
	tz_zone z;
	tz_zone_fixed(&z, "CST", 8 * 3600);
	int64_t ts = 1772299800000LL; /* 2026-02-28 17:30 UTC */
	assert_int_equal(tz_day_of(&z, ts), 20513);
	tz_minute_format(&z, ts, s);
	assert_string_equal(s, "2026-03-01 01:30");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_civil_days),    cmocka_unit_test(test_shanghai),
	    cmocka_unit_test(test_berlin_2026),   cmocka_unit_test(test_new_york_2026),
	    cmocka_unit_test(test_rule_parse),    cmocka_unit_test(test_names_and_bad_files),
	    cmocka_unit_test(test_against_glibc), cmocka_unit_test(test_day_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
