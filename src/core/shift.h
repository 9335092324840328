/* SPDX-License-Identifier: Apache-2.0 */
/* shift.h: a firm's shift calendar and the shift instances it makes in
 * real time. Shifts are given in the firm's local wall-clock time (start and
 * end HH:MM; an end at or before the start means the shift crosses
 * midnight, an end equal to the start a 24 h shift), with planned breaks
 * and rest days. A shift instance belongs to its "shift day", the local
 * date it starts on: the 20:00-08:00 shift starting on Monday evening is
 * Monday's night shift. Instances are turned into UTC with core/tz, so
 * their lengths are real: across a spring-forward night the 20:00-08:00
 * shift lasts 11 h, across a fall-back night 13 h. Pure logic: no I/O, no
 * allocation; a calendar is a plain table the caller fills and validates
 * once (shift_cal_validate) before use. */
#ifndef GLOVED_CORE_SHIFT_H
#define GLOVED_CORE_SHIFT_H

#include <stdint.h>

#include "core/tz.h"

#define SHIFT_MAX            8   /* shifts per calendar */
#define SHIFT_MAX_BREAKS     8   /* planned breaks per shift */
#define SHIFT_MAX_REST_DATES 128 /* specific rest dates (holidays) per calendar */
#define SHIFT_NAME_MAX       32  /* incl. the NUL */

/* Minutes after local midnight, 0..1439 (so 20:00 is 1200). */
typedef struct shift_break {
	int16_t start_min, end_min;
} shift_break;

typedef struct shift_def {
	char name[SHIFT_NAME_MAX];
	int16_t start_min, end_min; /* end <= start: crosses midnight */
	int32_t n_breaks;
	shift_break breaks[SHIFT_MAX_BREAKS]; /* wall-clock times inside the shift, in order */
} shift_def;

typedef struct shift_calendar {
	int32_t n_shifts;
	shift_def shifts[SHIFT_MAX];
	uint8_t rest_wdays; /* bit w set: weekday w (0 = Sunday) is a rest day */
	int32_t n_rest_dates;
	tz_date rest_dates[SHIFT_MAX_REST_DATES];
} shift_calendar;

/* One shift on one shift day, in UTC. */
typedef struct shift_instance {
	int32_t shift;    /* index into the calendar's shifts */
	tz_date day;      /* the shift day: the local date the shift starts */
	int64_t start_ms; /* [start_ms, end_ms) */
	int64_t end_ms;
} shift_instance;

/* Parses "HH:MM" (00:00..23:59, exactly five characters) into minutes.
 * Returns the minutes or -1. */
int shift_parse_hhmm(const char *s);

/* Checks a calendar: counts within limits, times in 0..1439, names
 * non-empty and NUL-terminated, each break non-empty, inside its shift and
 * after the previous break, rest dates valid. Returns 0 or GLOVED_EINVAL;
 * *bad_shift (may be NULL) receives the index of the offending shift, or
 * -1 for the calendar itself. */
int shift_cal_validate(const shift_calendar *cal, int32_t *bad_shift);

/* 1 when local date `day` is a rest day (by weekday or by date), else 0. */
int shift_is_rest_day(const shift_calendar *cal, tz_date day);

/* Fills *out with shift s (index) on shift day `day`, rest days or not.
 * Returns 0, or GLOVED_EINVAL for a bad index. */
int shift_instance_of(const tz_zone *z, const shift_calendar *cal, int32_t s, tz_date day,
		      shift_instance *out);

/* Which shift ts_ms falls in: returns 1 and fills *out, or 0 when it falls
 * in no shift (or only in shifts of rest days). Breaks do not count: an
 * instant in a break is still in its shift. When shifts overlap, one of
 * the previous shift day wins over one of the same day, then the first in
 * the table. */
int shift_at(const tz_zone *z, const shift_calendar *cal, int64_t ts_ms, shift_instance *out);

/* Planned time of an instance in ms: its real length minus its breaks (each
 * break turned into UTC on the right date and clipped to the instance). */
int64_t shift_planned_ms(const tz_zone *z, const shift_calendar *cal, const shift_instance *in);

/* A planned span [from_ms, to_ms) of an instance (the instance minus its
 * breaks is up to SHIFT_MAX_BREAKS + 1 of them). */
typedef struct shift_span {
	int64_t from_ms, to_ms;
} shift_span;
#define SHIFT_MAX_SPANS (SHIFT_MAX_BREAKS + 1)
/* Fills out[0..n) (room for SHIFT_MAX_SPANS) with the planned spans of an
 * instance in time order and returns n; they add up to shift_planned_ms. */
int shift_planned_spans(const tz_zone *z, const shift_calendar *cal, const shift_instance *in,
			shift_span *out);
/* How much of [a, b) lies inside the spans. */
int64_t shift_spans_overlap_ms(const shift_span *sp, int n, int64_t a, int64_t b);
/* Iterates the instances (rest days skipped) that overlap the UTC range
 * [from_ms, to_ms), by shift day and then table order. Usage:
 *   shift_iter it; shift_instance in;
 *   shift_iter_init(&it, z, cal, from, to);
 *   while (shift_iter_next(&it, &in)) ...
 * The iterator holds the pointers; z and cal must outlive it. */
typedef struct shift_iter {
	const tz_zone *z;
	const shift_calendar *cal;
	int64_t from_ms, to_ms;
	tz_date day;
	int32_t next_shift;
} shift_iter;

void shift_iter_init(shift_iter *it, const tz_zone *z, const shift_calendar *cal, int64_t from_ms,
		     int64_t to_ms);
/* Returns 1 and fills *out with the next instance, or 0 when done. */
int shift_iter_next(shift_iter *it, shift_instance *out);

#endif
