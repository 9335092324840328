/* SPDX-License-Identifier: Apache-2.0 */
/* tz.c: time zone arithmetic on tz_zone values (see tz.h): civil dates
 * from day numbers (the days-from-civil algorithm, valid for all int32
 * years), POSIX TZ rules, offsets by binary search over the transitions,
 * and local time back to UTC with a fixed rule for gaps and overlaps. */
#include "core/tz.h"

#include <stdio.h>
#include "util/err.h"

#include <string.h>

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t tz_days_from_civil(tz_date d)
{
	int64_t y = (int64_t)d.year - (d.month <= 2 ? 1 : 0);
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t mp = (d.month + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

tz_date tz_civil_from_days(int64_t days)
{
	int64_t z = days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t day = doy - (153 * mp + 2) / 5 + 1;
	int64_t month = mp < 10 ? mp + 3 : mp - 9;
	int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
	return (tz_date){(int32_t)year, (int32_t)month, (int32_t)day};
}

int tz_weekday(tz_date d)
{
	/* 1970-01-01 was a Thursday (4) */
	return (int)(floor_div(tz_days_from_civil(d) + 4, 7) * -7 + tz_days_from_civil(d) + 4);
}

tz_date tz_date_add(tz_date d, int64_t n)
{
	return tz_civil_from_days(tz_days_from_civil(d) + n);
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
	static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : md[m - 1];
}

int tz_date_valid(tz_date d)
{
	return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
	       d.day <= month_days(d.year, d.month);
}

int tz_date_parse(const char *s, tz_date *d)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	tz_date t = {(s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'),
		     (s[5] - '0') * 10 + (s[6] - '0'), (s[8] - '0') * 10 + (s[9] - '0')};
	if (!tz_date_valid(t))
		return -1;
	*d = t;
	return 0;
}

void tz_date_format(tz_date d, char *out)
{
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d.year % 10000u, (unsigned)d.month % 100u,
		 (unsigned)d.day % 100u);
}

int tz_date_cmp(tz_date a, tz_date b)
{
	if (a.year != b.year)
		return a.year < b.year ? -1 : 1;
	if (a.month != b.month)
		return a.month < b.month ? -1 : 1;
	if (a.day != b.day)
		return a.day < b.day ? -1 : 1;
	return 0;
}

int tz_day_parse(const char *s, int32_t *day)
{
	tz_date d;
	if (tz_date_parse(s, &d))
		return -1;
	*day = (int32_t)tz_days_from_civil(d);
	return 0;
}

void tz_day_format(int32_t day, char *out)
{
	tz_date_format(tz_civil_from_days(day), out);
}

/* ---- POSIX TZ rules ---- */

static int parse_num(const char **p, int max, int *out)
{
	const char *s = *p;
	int v = 0, n = 0;
	while (*s >= '0' && *s <= '9' && n < 4) {
		v = v * 10 + (*s - '0');
		s++;
		n++;
	}
	if (n == 0 || v > max)
		return -1;
	*p = s;
	*out = v;
	return 0;
}

/* [+-]hh[:mm[:ss]] into seconds; max_h 24 for offsets, 167 for times. */
static int parse_hms(const char **p, int max_h, int32_t *out)
{
	int sign = 1, h = 0, m = 0, sec = 0;
	if (**p == '+' || **p == '-') {
		sign = **p == '-' ? -1 : 1;
		(*p)++;
	}
	if (parse_num(p, max_h, &h) != 0)
		return -1;
	if (**p == ':') {
		(*p)++;
		if (parse_num(p, 59, &m) != 0)
			return -1;
		if (**p == ':') {
			(*p)++;
			if (parse_num(p, 59, &sec) != 0)
				return -1;
		}
	}
	*out = sign * (h * 3600 + m * 60 + sec);
	return 0;
}

static int parse_name(const char **p)
{
	const char *s = *p;
	size_t n = 0;
	if (*s == '<') {
		s++;
		while (*s && *s != '>') {
			if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
			      (*s >= '0' && *s <= '9') || *s == '+' || *s == '-'))
				return -1;
			s++;
			n++;
		}
		if (*s != '>' || n < 3)
			return -1;
		*p = s + 1;
		return 0;
	}
	while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) {
		s++;
		n++;
	}
	if (n < 3)
		return -1;
	*p = s;
	return 0;
}

static int parse_rule_date(const char **p, tz_rule_date *d)
{
	int a = 0, b = 0, c = 0;
	memset(d, 0, sizeof(*d));
	d->time_s = 7200; /* 02:00 unless given */
	if (**p == 'J') {
		(*p)++;
		if (parse_num(p, 365, &a) != 0 || a < 1)
			return -1;
		d->kind = TZ_RULE_JULIAN1;
		d->day = (int16_t)a;
	} else if (**p == 'M') {
		(*p)++;
		if (parse_num(p, 12, &a) != 0 || a < 1 || **p != '.')
			return -1;
		(*p)++;
		if (parse_num(p, 5, &b) != 0 || b < 1 || **p != '.')
			return -1;
		(*p)++;
		if (parse_num(p, 6, &c) != 0)
			return -1;
		d->kind = TZ_RULE_MWD;
		d->month = (int8_t)a;
		d->week = (int8_t)b;
		d->wday = (int8_t)c;
	} else {
		if (parse_num(p, 365, &a) != 0)
			return -1;
		d->kind = TZ_RULE_JULIAN0;
		d->day = (int16_t)a;
	}
	if (**p == '/') {
		(*p)++;
		if (parse_hms(p, 167, &d->time_s) != 0)
			return -1;
	}
	return 0;
}

int tz_rule_parse(const char *s, tz_rule *out, size_t *err_at)
{
	int rc = GLOVED_EINVAL;
	const char *p = s;
	int32_t off = 0;
	tz_rule r;
	memset(&r, 0, sizeof(r));
	if (s == NULL || out == NULL)
		goto out;
	if (parse_name(&p) != 0 || parse_hms(&p, 24, &off) != 0)
		goto out;
	r.std_off_s = -off;
	r.dst_off_s = r.std_off_s;
	if (*p == '\0') {
		rc = GLOVED_OK;
		goto out;
	}
	if (parse_name(&p) != 0)
		goto out;
	r.has_dst = 1;
	r.dst_off_s = r.std_off_s + 3600;
	if (*p != ',' && *p != '\0') {
		if (parse_hms(&p, 24, &off) != 0)
			goto out;
		r.dst_off_s = -off;
	}
	if (*p == '\0') {
		/* no rule given: the US rule, as glibc does */
		r.start = (tz_rule_date){TZ_RULE_MWD, 0, 3, 2, 0, 7200};
		r.end = (tz_rule_date){TZ_RULE_MWD, 0, 11, 1, 0, 7200};
		rc = GLOVED_OK;
		goto out;
	}
	if (*p != ',')
		goto out;
	p++;
	if (parse_rule_date(&p, &r.start) != 0 || *p != ',')
		goto out;
	p++;
	if (parse_rule_date(&p, &r.end) != 0 || *p != '\0')
		goto out;
	rc = GLOVED_OK;
out:
	if (rc == GLOVED_OK)
		*out = r;
	else if (err_at != NULL)
		*err_at = s != NULL ? (size_t)(p - s) : 0;
	return rc;
}

/* Day number (since 1970) of a rule date in year y. */
static int64_t rule_day(const tz_rule_date *d, int32_t y)
{
	int64_t jan1 = tz_days_from_civil((tz_date){y, 1, 1});
	if (d->kind == TZ_RULE_JULIAN1)
		return jan1 + d->day - 1 + (is_leap(y) && d->day >= 60 ? 1 : 0);
	if (d->kind == TZ_RULE_JULIAN0)
		return jan1 + d->day;
	tz_date first = {y, d->month, 1};
	int wd1 = tz_weekday(first);
	int day = 1 + (d->wday - wd1 + 7) % 7 + (d->week - 1) * 7;
	while (day > month_days(y, d->month))
		day -= 7;
	return tz_days_from_civil(first) + day - 1;
}

int32_t tz_rule_offset_s(const tz_rule *r, int64_t t_s)
{
	if (!r->has_dst)
		return r->std_off_s;
	int32_t y = tz_civil_from_days(floor_div(t_s + r->std_off_s, 86400)).year;
	/* the start is given in standard time, the end in daylight time */
	int64_t start = rule_day(&r->start, y) * 86400 + r->start.time_s - r->std_off_s;
	int64_t end = rule_day(&r->end, y) * 86400 + r->end.time_s - r->dst_off_s;
	int dst;
	if (start < end)
		dst = t_s >= start && t_s < end;
	else /* southern hemisphere: DST over the new year */
		dst = !(t_s >= end && t_s < start);
	return dst ? r->dst_off_s : r->std_off_s;
}

/* ---- zones ---- */

void tz_zone_fixed(tz_zone *z, const char *name, int32_t off_s)
{
	z->n_trans = 0;
	z->off_before_s = off_s;
	z->has_rule = 0;
	memset(&z->rule, 0, sizeof(z->rule));
	z->name[0] = '\0';
	if (name != NULL) {
		size_t n = strlen(name);
		if (n >= sizeof(z->name))
			n = sizeof(z->name) - 1;
		memcpy(z->name, name, n);
		z->name[n] = '\0';
	}
}

static int32_t offset_at_s(const tz_zone *z, int64_t t_s)
{
	if (z->n_trans == 0)
		return z->has_rule ? tz_rule_offset_s(&z->rule, t_s) : z->off_before_s;
	if (t_s < z->trans_s[0])
		return z->off_before_s;
	if (t_s >= z->trans_s[z->n_trans - 1])
		return z->has_rule ? tz_rule_offset_s(&z->rule, t_s) : z->off_s[z->n_trans - 1];
	/* the last i with trans_s[i] <= t_s */
	int32_t lo = 0, hi = z->n_trans - 1;
	while (hi - lo > 1) {
		int32_t mid = lo + (hi - lo) / 2;
		if (z->trans_s[mid] <= t_s)
			lo = mid;
		else
			hi = mid;
	}
	return z->off_s[lo];
}

int32_t tz_offset_s(const tz_zone *z, int64_t ts_ms)
{
	return offset_at_s(z, floor_div(ts_ms, 1000));
}

tz_civil tz_civil_of(const tz_zone *z, int64_t ts_ms)
{
	tz_civil c;
	int32_t off = tz_offset_s(z, ts_ms);
	int64_t local_ms = ts_ms + (int64_t)off * 1000;
	int64_t days = floor_div(local_ms, 86400000);
	int64_t in_day = local_ms - days * 86400000;
	c.date = tz_civil_from_days(days);
	c.hour = (int32_t)(in_day / 3600000);
	c.min = (int32_t)(in_day / 60000 % 60);
	c.sec = (int32_t)(in_day / 1000 % 60);
	c.ms = (int32_t)(in_day % 1000);
	c.wday = (int32_t)(floor_div(days + 4, 7) * -7 + days + 4);
	c.utc_off_s = off;
	return c;
}

tz_date tz_date_of(const tz_zone *z, int64_t ts_ms)
{
	return tz_civil_of(z, ts_ms).date;
}

int32_t tz_day_of(const tz_zone *z, int64_t ts_ms)
{
	return (int32_t)tz_days_from_civil(tz_date_of(z, ts_ms));
}

void tz_minute_format(const tz_zone *z, int64_t ts_ms, char *out)
{
	tz_civil c = tz_civil_of(z, ts_ms);
	snprintf(out, 20, "%04u-%02u-%02u %02u:%02u", (unsigned)c.date.year % 10000u,
		 (unsigned)c.date.month % 100u, (unsigned)c.date.day % 100u,
		 (unsigned)c.hour % 100u, (unsigned)c.min % 100u);
}

int64_t tz_local_ms(const tz_zone *z, tz_date d, int32_t min_of_day)
{
	/* local wall time as if it were UTC, seconds */
	int64_t l = tz_days_from_civil(d) * 86400 + (int64_t)min_of_day * 60;
	int32_t oa = offset_at_s(z, l - 86400); /* the offset before any nearby change */
	int32_t ob = offset_at_s(z, l + 86400); /* and after it */
	int64_t ta = l - oa, tb = l - ob;
	int va = offset_at_s(z, ta) == oa;
	int vb = offset_at_s(z, tb) == ob;
	int64_t t;
	if (va && vb)
		t = ta < tb ? ta : tb; /* ambiguous: the first */
	else if (va)
		t = ta;
	else if (vb)
		t = tb;
	else
		t = ta; /* in a gap: the old offset, i.e. forward by the gap */
	return t * 1000;
}

int64_t tz_midnight_ms(const tz_zone *z, tz_date d)
{
	return tz_local_ms(z, d, 0);
}

int64_t tz_day_start_ms(const tz_zone *z, int64_t ts_ms)
{
	return tz_midnight_ms(z, tz_date_of(z, ts_ms));
}

int64_t tz_next_day_start_ms(const tz_zone *z, int64_t ts_ms)
{
	return tz_midnight_ms(z, tz_date_add(tz_date_of(z, ts_ms), 1));
}
