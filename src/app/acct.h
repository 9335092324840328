/* SPDX-License-Identifier: Apache-2.0 */
/* acct.h: the one accumulator that turns a machine's samples into rollup
 * rows: pieces into minute, hour, firm-local day and shift rows (and per
 * worker), state time into the planned spans of shift rows (and by stop
 * reason), and runs of stop samples into stop events. The writer feeds it
 * as reports arrive; a rebuild feeds it the stored samples in time order;
 * both end in the same rows because both run this code (see
 * docs/internals/analytics.md for the rules).
 *
 * Rows are gathered in an acct_buf: each machine keeps its open row per
 * level (consecutive credits to the same bucket merge), closed rows go to
 * the buffer's pending list, and acct_buf_write() upserts everything (the
 * store adds to what is there). */
#ifndef GLOVED_APP_ACCT_H
#define GLOVED_APP_ACCT_H

#include "app/firmcal.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

enum { ACCT_MINUTE = 0, ACCT_HOUR = 1, ACCT_DAY = 2, ACCT_SHIFT = 3, ACCT_LEVELS = 4 };

typedef struct acct_row {
	int used;
	int level;
	store_shift_add a; /* levels below ACCT_SHIFT use k.bucket/ids, good, reject */
} acct_row;

typedef struct acct_reason_row {
	store_shift_key k;
	int state;
	char reason[33];
	int64_t ms;
} acct_reason_row;

typedef struct acct_worker_row {
	store_shift_key k;
	char worker[33];
	int64_t good, reject;
} acct_worker_row;

typedef struct acct_dirty {
	int64_t enterprise_id, day_ms, next_ms;
} acct_dirty;

/* Supervisor reason of the stop starting at start_ms (rebuilds); returns 1
 * and fills out, or 0. */
typedef int (*acct_sup_fn)(void *ctx, int64_t machine_id, int64_t start_ms, char out[33]);

typedef struct acct_buf {
	/* closed shift rows; closed minute, hour and day rows are kept as the
	 * store's 48-byte deltas instead (a third of the memory), one array per
	 * level, in the order they closed */
	acct_row *rows;
	size_t n_rows, cap_rows;
	store_rollup_delta *small[ACCT_SHIFT];
	size_t n_small[ACCT_SHIFT], cap_small[ACCT_SHIFT];
	acct_reason_row *reasons;
	size_t n_reasons, cap_reasons;
	acct_worker_row *workers;
	size_t n_workers, cap_workers;
	store_stop *stops;
	size_t n_stops, cap_stops;
	acct_dirty *dirty; /* (firm, local day) pairs touched since the last clear */
	size_t n_dirty, cap_dirty;
	int64_t last_dirty_ent, last_dirty_from, last_dirty_to; /* the newest mark */
	/* Keep only rows of these buckets (rebuilds; 0/0 = everything):
	 * minute/hour buckets in [hour_from, hour_to), day and shift buckets and
	 * stop starts in [from, to). */
	int64_t from, to, hour_from, hour_to;
	acct_sup_fn sup;
	void *sup_ctx;
} acct_buf;

/* One machine's accumulator state. */
typedef struct acct_machine {
	acct_row open[ACCT_LEVELS];
	int open_used;
	/* the state timeline: its newest sample (st_ts 0: none yet) */
	int64_t st_ts;
	int st_state;
	char st_reason[33];
	/* the open stop event */
	int ev_open;
	store_stop ev;
	char ev_mreason[33]; /* the machine's reason of the event */
	/* caches */
	const firm_cal *day_cal;
	int64_t day_start, day_next;
	const firm_cal *inst_cal;
	shift_instance inst;
	shift_span spans[SHIFT_MAX_SPANS];
	int n_spans;
} acct_machine;

void acct_buf_init(acct_buf *b);
void acct_buf_free(acct_buf *b);
/* Forgets every pending row and dirty day (after a write or a rollback). */
void acct_buf_clear(acct_buf *b);
/* Pending rows (for deciding when to write). */
size_t acct_buf_pending(const acct_buf *b);

/* Resets a machine (no open rows, no timeline). */
void acct_machine_init(acct_machine *am);
/* Forgets the machine's open rows (after a rollback). */
void acct_machine_drop_open(acct_machine *am);
/* Moves the machine's open rows into b. */
int acct_machine_close(acct_machine *am, acct_buf *b);

/* Pieces of one counter change at ts (a report's own or a re-credit of an
 * older sample): minute, hour, local day, shift and, when worker is not
 * empty, the worker's shift row. */
int acct_pieces(acct_buf *b, acct_machine *am, const firm_cal *fc, const store_machine *m,
		int64_t ts, int64_t d_good, int64_t d_reject, const char *worker);

/* The next sample of the machine's state timeline (ts after the newest):
 * credits the newest sample's state time up to ts, extends, closes or
 * opens the stop event. Samples at or before the newest are ignored
 * (returns 0 and does nothing). Returns 1 when it took the sample. */
int acct_state(acct_buf *b, acct_machine *am, const firm_cal *fc, const store_machine *m,
	       int64_t ts, int state, const char *reason);

/* Credits [from, to) of state/reason to the shift rows it overlaps (inside
 * planned spans): the building block of acct_state, also used to move a
 * stop's time to a supervisor's reason (ms negative through `sign`). */
int acct_credit(acct_buf *b, acct_machine *am, const firm_cal *fc, const store_machine *m,
		int64_t from, int64_t to, int state, const char *reason, int sign);

/* Upserts every pending row through s (inside the caller's transaction)
 * and clears them; dirty days are left for the caller. */
int acct_buf_write(acct_buf *b, store *s);

/* The shift key of an instance for machine m. */
store_shift_key acct_shift_key(const shift_instance *in, const store_machine *m);

#endif
