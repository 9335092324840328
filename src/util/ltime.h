/* SPDX-License-Identifier: Apache-2.0 */
/* ltime.h: clocks and local time. Local time is the process time zone,
 * set once from the configuration (ltime_set_zone) before any thread
 * starts; after that every function here is thread-safe. Timestamps are
 * Unix milliseconds (int64_t ts_ms) everywhere in gloved. */
#ifndef GLOVED_UTIL_LTIME_H
#define GLOVED_UTIL_LTIME_H

#include <stddef.h>
#include <stdint.h>

/* Wall clock now, Unix ms. */
int64_t ltime_now_ms(void);
/* Monotonic clock, ms, for intervals. */
int64_t ltime_mono_ms(void);
/* Sets the local zone (IANA name such as "Asia/Shanghai"). Returns 0, or
 * GLOVED_EINVAL when the zone is not in the tz database. Not thread-safe:
 * call before starting threads. */
int ltime_set_zone(const char *iana);
const char *ltime_zone(void);
/* Start of the local day that contains ts_ms (Unix ms). */
int64_t ltime_day_start(int64_t ts_ms);
/* Start of the next local day after the one containing ts_ms (days are
 * 23-25 h long where the zone has daylight saving). */
int64_t ltime_next_day_start(int64_t ts_ms);
/* Writes the local date of ts_ms as YYYY-MM-DD into out (>= 11 bytes). */
void ltime_format_day(int64_t ts_ms, char *out, size_t n);
/* Parses a time given as Unix ms ("1764400000000"), a local date
 * ("2026-11-29", its local midnight) or RFC 3339 ("2026-11-29T08:00:00+08:00",
 * "...Z", or without offset = local). Returns 0 or GLOVED_EINVAL. */
int ltime_parse(const char *s, int64_t *out_ms);

#endif
