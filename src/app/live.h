/* SPDX-License-Identifier: Apache-2.0 */
/* live.h: the live state of every machine (state, reason, last report,
 * today's pieces), kept in memory by the writer after each commit and read
 * by the API and the live feed. Each update bumps a version; readers wait
 * for a newer version instead of polling. Thread-safe. */
#ifndef GLOVED_APP_LIVE_H
#define GLOVED_APP_LIVE_H

#include "app/firmcal.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

typedef struct live_machine {
	int64_t machine_id;
	int state; /* machine_state as last reported */
	char reason[33];
	int64_t since_ts; /* when the current state began */
	int64_t last_ts;  /* newest report */
	uint64_t count, reject;
	int64_t good_today, reject_today;
	int64_t today_start; /* local day the *_today figures belong to */
	/* several instances: the machine's revision this entry shows (0: not
	 * ordered); live_update keeps an entry of a higher one */
	int64_t rev;
	uint64_t version;
} live_machine;

typedef struct live live;

live *live_new(void);
void live_free(live *l);
/* Stores n entries (keyed by machine_id) and wakes waiting readers; an
 * entry older than the stored one by rev (both non-zero) is left out. */
int live_update(live *l, const live_machine *entries, size_t n);
/* Copies one machine's entry; an unknown machine gets a zeroed entry with
 * state MS_UNKNOWN. */
void live_get(live *l, int64_t machine_id, live_machine *out);
uint64_t live_version(live *l);
/* Waits until the version exceeds since or timeout_ms passes; returns the
 * current version. Returns early when live_shutdown was called. */
uint64_t live_wait(live *l, uint64_t since, int timeout_ms);
/* Wakes every waiter for good (shutdown). */
void live_shutdown(live *l);
int live_is_shutdown(live *l);
/* good/reject today as of now_ms (0 when the entry is from another day). */
void live_today(const live_machine *m, int64_t today_start, int64_t *good, int64_t *reject);

/* What a reader shows of a machine now, by its firm's rules. */
typedef struct live_view {
	live_machine m;                   /* the writer's entry (live_get) */
	int state;                        /* effective: MS_OFFLINE when the source said so or the
					   * machine was silent longer than its firm's offline_after */
	int64_t good_today, reject_today; /* pieces in the firm's local day of now_ms */
	int64_t today_start;              /* that day's start (Unix ms) */
	int64_t offline_after_ms;         /* the firm's rule */
} live_view;

/* The live view of machine m at now_ms: its entry, its effective state by
 * its firm's offline_after and its pieces today in its firm's local day
 * (the day the writer counts them by, not the daemon's zone), both from
 * the firm's calendar in cals (loaded through s; s may be NULL, see
 * firmcal_get). The one place these rules live for the API, the live feed
 * and the wall. */
void live_machine_view(live *l, firmcal_cache *cals, store *s, const store_machine *m,
		       int64_t now_ms, live_view *out);

#endif
