/* SPDX-License-Identifier: Apache-2.0 */
/* tz.h: time zones as plain values, for the analytics that cut time into
 * local days and shifts. A tz_zone is the content of one tz database zone
 * (the sorted UTC transitions with the UTC offset in force after each, and
 * the POSIX TZ rule that continues them after the last one); app/tzfile.c
 * fills it from /usr/share/zoneinfo, tests may fill it by hand. Everything
 * here is pure logic: no I/O, no allocation, no process time zone, so any
 * number of firms in different zones can be served at once. Instants are
 * Unix milliseconds (ts_ms); local dates are proleptic Gregorian. */
#ifndef GLOVED_CORE_TZ_H
#define GLOVED_CORE_TZ_H

#include <stddef.h>
#include <stdint.h>

#define TZ_MAX_TRANS 2048 /* transitions kept per zone (the fattest zone has < 400) */
#define TZ_NAME_MAX  64   /* IANA name incl. the NUL */

/* One end of daylight saving time in a POSIX TZ rule. */
typedef enum tz_rule_kind {
	TZ_RULE_JULIAN1 = 0, /* Jn: day n of the year, 1..365, Feb 29 never counted */
	TZ_RULE_JULIAN0 = 1, /* n: day n of the year, 0..365, Feb 29 counted */
	TZ_RULE_MWD = 2,     /* Mm.w.d: weekday d (0 = Sunday) of week w (5 = last) of month m */
} tz_rule_kind;

typedef struct tz_rule_date {
	tz_rule_kind kind;
	int16_t day;              /* JULIAN1 / JULIAN0 */
	int8_t month, week, wday; /* MWD */
	int32_t time_s; /* local time of the change, seconds (may be negative or > 24 h) */
} tz_rule_date;

/* A POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3" or "CST-8".
 * Offsets here are UTC offsets, east positive (the string's sign is the
 * opposite). */
typedef struct tz_rule {
	int32_t std_off_s;
	int32_t dst_off_s;
	int has_dst;
	tz_rule_date start, end; /* when has_dst: DST starts / ends */
} tz_rule;

/* A zone. off_s[i] is in force from trans_s[i] (inclusive) until the next
 * transition; before trans_s[0] off_before_s is; after the last transition
 * the rule is, when has_rule (else off_s[n_trans - 1] stays). About 24 KB:
 * keep it in a firm's long-lived state, not on a small stack. */
typedef struct tz_zone {
	char name[TZ_NAME_MAX];
	int32_t n_trans;
	int32_t off_before_s;
	int has_rule;
	tz_rule rule;
	int64_t trans_s[TZ_MAX_TRANS];
	int32_t off_s[TZ_MAX_TRANS];
} tz_zone;

typedef struct tz_date {
	int32_t year;
	int32_t month; /* 1..12 */
	int32_t day;   /* 1..31 */
} tz_date;

typedef struct tz_civil {
	tz_date date;
	int32_t hour, min, sec, ms;
	int32_t wday;      /* 0 = Sunday */
	int32_t utc_off_s; /* the offset in force, east positive */
} tz_civil;

/* Days since 1970-01-01 of a date (negative before). No range check. */
int64_t tz_days_from_civil(tz_date d);
/* The date of a day number (inverse of tz_days_from_civil). */
tz_date tz_civil_from_days(int64_t days);
/* Weekday of a date, 0 = Sunday. */
int tz_weekday(tz_date d);
/* d plus n days. */
tz_date tz_date_add(tz_date d, int64_t n);
/* 1 when d is a real calendar date (years 1..9999), else 0. */
int tz_date_valid(tz_date d);
/* Parses exactly "YYYY-MM-DD" (digits, a real date) into *d; 0 or -1. */
int tz_date_parse(const char *s, tz_date *d);
/* Writes d as "YYYY-MM-DD" into out (at least 11 bytes). */
void tz_date_format(tz_date d, char *out);
/* <0, 0, >0 like strcmp. */
int tz_date_cmp(tz_date a, tz_date b);
/* A day number (days since 1970-01-01) from exactly "YYYY-MM-DD"; 0 or -1. */
int tz_day_parse(const char *s, int32_t *day);
/* Writes day number `day` as "YYYY-MM-DD" into out (at least 11 bytes). */
void tz_day_format(int32_t day, char *out);

/* Parses a POSIX TZ string (the TZif v2+ footer) into *out. Returns 0 or
 * GLOVED_EINVAL; on error *err_at (may be NULL) receives the byte offset
 * where parsing failed. Accepts "<+08>-8" style quoted names, offsets and
 * times [+-]hh[:mm[:ss]] (times up to 167 h, as TZif v3 allows); a DST name
 * without a rule gets the US rule M3.2.0,M11.1.0. */
int tz_rule_parse(const char *s, tz_rule *out, size_t *err_at);
/* The UTC offset (seconds, east positive) the rule gives at a UTC instant. */
int32_t tz_rule_offset_s(const tz_rule *r, int64_t t_s);

/* Makes *z a fixed-offset zone (no transitions), e.g. for tests or "UTC". */
void tz_zone_fixed(tz_zone *z, const char *name, int32_t off_s);

/* The UTC offset (seconds, east positive) in force at ts_ms. */
int32_t tz_offset_s(const tz_zone *z, int64_t ts_ms);
/* The local civil time of ts_ms. */
tz_civil tz_civil_of(const tz_zone *z, int64_t ts_ms);
/* The local date of ts_ms. */
tz_date tz_date_of(const tz_zone *z, int64_t ts_ms);
/* The local day number (days since 1970-01-01) of ts_ms. */
int32_t tz_day_of(const tz_zone *z, int64_t ts_ms);
/* Writes the local time of ts_ms as "YYYY-MM-DD HH:MM" into out (at least
 * 20 bytes). */
void tz_minute_format(const tz_zone *z, int64_t ts_ms, char *out);

/* The UTC instant of local time `min_of_day` minutes after the nominal
 * midnight of local date d (min_of_day may exceed 1440: 1500 is 01:00 the
 * next day). A local time that does not exist (in a spring-forward gap) is
 * moved forward by the length of the gap (Berlin 2026-03-29 02:30 is 03:30
 * CEST); an ambiguous one (in a fall-back overlap) is the first of the two
 * (Berlin 2026-10-25 02:30 is 02:30 CEST = 00:30 UTC). Assumes transitions
 * of one zone are more than a day apart. */
int64_t tz_local_ms(const tz_zone *z, tz_date d, int32_t min_of_day);
/* The UTC instant local date d starts (its local midnight, by the rules
 * above: a midnight in a gap is the end of the gap). */
int64_t tz_midnight_ms(const tz_zone *z, tz_date d);
/* Start of the local day that contains ts_ms. */
int64_t tz_day_start_ms(const tz_zone *z, int64_t ts_ms);
/* Start of the local day after the one containing ts_ms (23-25 h later
 * where the zone has daylight saving). */
int64_t tz_next_day_start_ms(const tz_zone *z, int64_t ts_ms);

#endif
