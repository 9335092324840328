/* SPDX-License-Identifier: Apache-2.0 */
/* rebuild.h: recomputes a firm's rollups of some local days from the stored
 * samples, by replaying them through the same accumulator the writer runs
 * (app/acct.h), so the rows come out identical. Used by the writer for
 * crash recovery and for `gloved admin rebuild` requests, and by the admin
 * command itself when no daemon holds the database. Runs on the write
 * connection inside the caller's transaction. */
#ifndef GLOVED_APP_REBUILD_H
#define GLOVED_APP_REBUILD_H

#include "app/firmcal.h"
#include "app/registry.h"
#include "store/store.h"

#include <stdint.h>

typedef struct rebuild_stats {
	int64_t samples; /* samples replayed */
	int64_t from_ms, to_ms;
} rebuild_stats;

/* Firm `enterprise_id`, local days day0..day1 (days since 1970-01-01,
 * inclusive). fix_live: also bring machine_live up to the newest replayed
 * sample where it lags (crash recovery). */
int rebuild_days(store *s, registry *reg, firmcal_cache *cals, int64_t enterprise_id, int32_t day0,
		 int32_t day1, int fix_live, rebuild_stats *st);

/* The first local day whose rollup rows the samples of local day `day`
 * feed: `day` itself, or the day on which a shift running over its
 * midnight started (a night shift belongs to the day it starts, so the
 * samples of 00:00-08:00 count in the previous day's night shift row).
 * Repairing a day whose samples changed means rebuilding from this day. */
int32_t rebuild_first_fed_day(const firm_cal *fc, int32_t day);

/* Rebuilds firm enterprise_id (0: every firm in the registry) days
 * day0..day1 in one transaction of s. Days that start before now_ms -
 * raw_days (raw_days > 0) are refused with GLOVED_EINVAL: their samples are
 * gone. msg (len bytes) receives a line for the user either way. */
int rebuild_firms(store *s, registry *reg, firmcal_cache *cals, int64_t enterprise_id, int32_t day0,
		  int32_t day1, int64_t raw_days, int64_t now_ms, char *msg, size_t len);

#endif
