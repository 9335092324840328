/* SPDX-License-Identifier: Apache-2.0 */
/* firmcal.h: each firm's calendar, the settings its analytics are cut by:
 * its time zone, its shift calendar (core/shift.h), how long one report
 * covers state time (offline_after) and the plan line's target. Stored as
 * JSON per firm (table calendar); without a row a firm has the default
 * (the daemon's zone, 白班 08:00-20:00 and 夜班 20:00-08:00). The cache is
 * shared by the writer and the API threads: entries are immutable once
 * made and a change replaces them (old ones are kept until the cache is
 * freed, so a pointer handed out stays valid). The JSON format is in
 * docs/internals/analytics.md. */
#ifndef GLOVED_APP_FIRMCAL_H
#define GLOVED_APP_FIRMCAL_H

#include "core/shift.h"
#include "core/tz.h"
#include "store/store.h"
#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>

#define FIRMCAL_MAX_JSON 16384

typedef struct firm_cal {
	tz_zone zone;
	shift_calendar cal;
	int64_t offline_after_ms; /* the firm's rule for "offline" (wall and OEE alike) */
	int32_t target_pct;
	int is_default;        /* no stored row */
	int own_offline_after; /* offline_after_s set by the calendar; else the
				* cache's default ([ingest] offline_after) */
} firm_cal;

/* Parses and validates a calendar body. Without offline_after_s (or with
 * "offline_after_default": true, what firmcal_json writes for such a
 * calendar) the calendar has no own offline rule: offline_after_ms is 120 s
 * here and the cache's default in firmcal_get. On error returns GLOVED_EINVAL
 * and err names the field ("shifts[1].breaks[0].end: ..."). tzdir NULL:
 * the system's tz database. */
int firmcal_parse(const char *json, size_t len, const char *tzdir, firm_cal *out, char *err,
		  size_t errlen);
/* The calendar as JSON (the API's shape, enterprise code included):
 * offline_after_s is the effective value, "offline_after_default" says
 * whether it is the default rather than the firm's own. */
int firmcal_json(const firm_cal *c, const char *enterprise_code, buf *out);
/* The default calendar in zone `iana` (falls back to UTC+8 when the zone
 * cannot be loaded). */
void firmcal_default(firm_cal *out, const char *iana, const char *tzdir);

typedef struct firmcal_cache firmcal_cache;
/* default_zone: the zone of firms without a calendar (e.g. ltime_zone()). */
firmcal_cache *firmcal_cache_new(const char *default_zone, const char *tzdir);
void firmcal_cache_free(firmcal_cache *c);
/* The offline_after of firms whose calendar sets none (no calendar or no
 * offline_after_s): the daemon's [ingest] offline_after; 120 s until set.
 * Call before the first firmcal_get (entries made earlier keep theirs). */
void firmcal_cache_set_offline_after(firmcal_cache *c, int64_t offline_after_ms);
/* The calendar of a firm, loaded through s on first use. Never NULL
 * unless out of memory. s may be NULL (a thread without a connection,
 * such as the live feed): then a firm not cached yet gets the cache's
 * default calendar, made once and not cached for the firm (the writer
 * loads every firm's calendar at start and after a change). */
const firm_cal *firmcal_get(firmcal_cache *c, store *s, int64_t enterprise_id);
/* Drops a firm's entry (after its calendar changed). */
void firmcal_forget(firmcal_cache *c, int64_t enterprise_id);
/* A number that grows with every firmcal_forget (writers recheck caches). */
int64_t firmcal_rev(firmcal_cache *c);

#endif
