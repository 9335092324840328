/* SPDX-License-Identifier: Apache-2.0 */
/* shift.c: shift calendars in real time (see shift.h). Every wall-clock
 * time of a shift is placed as "minutes after the nominal midnight of the
 * shift day" (0..2880) and only then turned into UTC by tz_local_ms, so a
 * DST change inside a shift lengthens or shortens it by exactly the change,
 * and a break is always taken on the date it really falls on. */
#include "core/shift.h"
#include "util/err.h"

#include <string.h>

#define DAY_MIN 1440

int shift_parse_hhmm(const char *s)
{
	if (s == NULL || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

/* Nominal length of a shift in minutes, 1..1440. */
static int32_t nominal_min(const shift_def *d)
{
	int32_t len = ((int32_t)d->end_min - d->start_min + DAY_MIN) % DAY_MIN;
	return len == 0 ? DAY_MIN : len;
}

/* A wall-clock time inside shift d as minutes after the shift day's
 * midnight (start_min .. start_min + 1440). `is_end`: an end equal to the
 * shift start means the end of the shift, not its start. */
static int32_t rel_min(const shift_def *d, int16_t wall_min, int is_end)
{
	int32_t off = ((int32_t)wall_min - d->start_min + DAY_MIN) % DAY_MIN;
	if (is_end && off == 0)
		off = DAY_MIN;
	return d->start_min + off;
}

static int64_t at(const tz_zone *z, tz_date day, int32_t min)
{
	return tz_local_ms(z, tz_date_add(day, min / DAY_MIN), min % DAY_MIN);
}

static int time_ok(int16_t m)
{
	return m >= 0 && m < DAY_MIN;
}

int shift_cal_validate(const shift_calendar *cal, int32_t *bad_shift)
{
	int32_t bad = -1;
	int rc = GLOVED_EINVAL;
	if (cal == NULL || cal->n_shifts < 0 || cal->n_shifts > SHIFT_MAX ||
	    cal->n_rest_dates < 0 || cal->n_rest_dates > SHIFT_MAX_REST_DATES ||
	    (cal->rest_wdays & 0x80) != 0)
		goto out;
	for (int32_t i = 0; i < cal->n_rest_dates; i++)
		if (!tz_date_valid(cal->rest_dates[i]))
			goto out;
	for (int32_t s = 0; s < cal->n_shifts; s++) {
		const shift_def *d = &cal->shifts[s];
		int32_t prev_end, len;
		bad = s;
		if (d->name[0] == '\0' || memchr(d->name, '\0', sizeof(d->name)) == NULL ||
		    !time_ok(d->start_min) || !time_ok(d->end_min) || d->n_breaks < 0 ||
		    d->n_breaks > SHIFT_MAX_BREAKS)
			goto out;
		prev_end = d->start_min;
		len = nominal_min(d);
		for (int32_t b = 0; b < d->n_breaks; b++) {
			const shift_break *br = &d->breaks[b];
			if (!time_ok(br->start_min) || !time_ok(br->end_min))
				goto out;
			int32_t bs = rel_min(d, br->start_min, 0);
			int32_t be = rel_min(d, br->end_min, 1);
			if (bs < prev_end || be <= bs || be > d->start_min + len)
				goto out;
			prev_end = be;
		}
	}
	bad = -1;
	rc = GLOVED_OK;
out:
	if (bad_shift != NULL)
		*bad_shift = bad;
	return rc;
}

int shift_is_rest_day(const shift_calendar *cal, tz_date day)
{
	if ((cal->rest_wdays >> tz_weekday(day)) & 1)
		return 1;
	for (int32_t i = 0; i < cal->n_rest_dates; i++)
		if (tz_date_cmp(cal->rest_dates[i], day) == 0)
			return 1;
	return 0;
}

int shift_instance_of(const tz_zone *z, const shift_calendar *cal, int32_t s, tz_date day,
		      shift_instance *out)
{
	if (s < 0 || s >= cal->n_shifts)
		return GLOVED_EINVAL;
	const shift_def *d = &cal->shifts[s];
	out->shift = s;
	out->day = day;
	out->start_ms = at(z, day, d->start_min);
	out->end_ms = at(z, day, d->start_min + nominal_min(d));
	return GLOVED_OK;
}

int shift_at(const tz_zone *z, const shift_calendar *cal, int64_t ts_ms, shift_instance *out)
{
	tz_date today = tz_date_of(z, ts_ms);
	/* yesterday's shifts first: one still running started before today's */
	for (int64_t back = 1; back >= 0; back--) {
		tz_date day = tz_date_add(today, -back);
		if (shift_is_rest_day(cal, day))
			continue;
		for (int32_t s = 0; s < cal->n_shifts; s++) {
			shift_instance in;
			shift_instance_of(z, cal, s, day, &in);
			if (ts_ms >= in.start_ms && ts_ms < in.end_ms) {
				*out = in;
				return 1;
			}
		}
	}
	return 0;
}

int64_t shift_planned_ms(const tz_zone *z, const shift_calendar *cal, const shift_instance *in)
{
	const shift_def *d = &cal->shifts[in->shift];
	int64_t planned = in->end_ms - in->start_ms;
	for (int32_t b = 0; b < d->n_breaks; b++) {
		int64_t bs = at(z, in->day, rel_min(d, d->breaks[b].start_min, 0));
		int64_t be = at(z, in->day, rel_min(d, d->breaks[b].end_min, 1));
		if (bs < in->start_ms)
			bs = in->start_ms;
		if (be > in->end_ms)
			be = in->end_ms;
		if (be > bs)
			planned -= be - bs;
	}
	return planned;
}

int shift_planned_spans(const tz_zone *z, const shift_calendar *cal, const shift_instance *in,
			shift_span *out)
{
	const shift_def *d = &cal->shifts[in->shift];
	int n = 0;
	int64_t cur = in->start_ms;
	/* breaks are in order inside the shift (shift_cal_validate) */
	for (int32_t b = 0; b < d->n_breaks; b++) {
		int64_t bs = at(z, in->day, rel_min(d, d->breaks[b].start_min, 0));
		int64_t be = at(z, in->day, rel_min(d, d->breaks[b].end_min, 1));
		if (bs < cur)
			bs = cur;
		if (be > in->end_ms)
			be = in->end_ms;
		if (be <= bs)
			continue;
		if (bs > cur)
			out[n++] = (shift_span){cur, bs};
		cur = be;
	}
	if (in->end_ms > cur)
		out[n++] = (shift_span){cur, in->end_ms};
	return n;
}

int64_t shift_spans_overlap_ms(const shift_span *sp, int n, int64_t a, int64_t b)
{
	int64_t ms = 0;
	for (int i = 0; i < n; i++) {
		int64_t lo = a > sp[i].from_ms ? a : sp[i].from_ms;
		int64_t hi = b < sp[i].to_ms ? b : sp[i].to_ms;
		if (hi > lo)
			ms += hi - lo;
	}
	return ms;
}

void shift_iter_init(shift_iter *it, const tz_zone *z, const shift_calendar *cal, int64_t from_ms,
		     int64_t to_ms)
{
	it->z = z;
	it->cal = cal;
	it->from_ms = from_ms;
	it->to_ms = to_ms;
	it->day = tz_date_add(tz_date_of(z, from_ms), -1);
	it->next_shift = 0;
}

int shift_iter_next(shift_iter *it, shift_instance *out)
{
	if (it->to_ms <= it->from_ms)
		return 0;
	for (;;) {
		if (it->next_shift >= it->cal->n_shifts) {
			it->day = tz_date_add(it->day, 1);
			it->next_shift = 0;
		}
		if (it->next_shift == 0) {
			/* every shift of a day starts at or after its midnight */
			if (tz_midnight_ms(it->z, it->day) >= it->to_ms)
				return 0;
			if (it->cal->n_shifts == 0 || shift_is_rest_day(it->cal, it->day)) {
				it->next_shift = it->cal->n_shifts > 0 ? it->cal->n_shifts : 1;
				continue;
			}
		}
		shift_instance in;
		shift_instance_of(it->z, it->cal, it->next_shift, it->day, &in);
		it->next_shift++;
		if (in.end_ms > it->from_ms && in.start_ms < it->to_ms) {
			*out = in;
			return 1;
		}
	}
}
