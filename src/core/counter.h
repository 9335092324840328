/* SPDX-License-Identifier: Apache-2.0 */
/* counter.h: turns a machine's cumulative counter reports into pieces,
 * exactly. Pure logic, no I/O.
 *
 * A machine reports cumulative good and reject counters. Each accepted
 * report (a "sample") is credited with the pieces made since the sample
 * before it in time order (its delta). A track keeps one machine's recent
 * samples sorted by time: every sample within the reorder window of the
 * newest, plus one older "anchor". A report is then:
 *   - a duplicate when a sample with the same timestamp exists: ignored;
 *   - late when it is older than the anchor: ignored (it cannot be placed);
 *   - otherwise inserted in order: it gets the delta from its predecessor,
 *     and its successor's delta is recomputed from it.
 * A counter that falls is a reset (the machine restarted from 0: the delta
 * is the new value) unless the counter has a width below 64 bits and
 * wrapping past 2^bits explains the fall with a plausible number of pieces
 * for the elapsed time, which makes it a wrap. The first sample of a
 * machine is its baseline (delta 0).
 * Because every delta depends only on the sample and its predecessor, the
 * credited total is the same whatever the order and repetition of the
 * reports within the window. */
#ifndef GLOVED_CORE_COUNTER_H
#define GLOVED_CORE_COUNTER_H

#include <stdint.h>

typedef struct counter_sample {
	int64_t ts_ms;
	uint64_t count;   /* cumulative good pieces as reported */
	uint64_t reject;  /* cumulative rejected pieces as reported */
	int64_t d_good;   /* pieces credited to this sample */
	int64_t d_reject; /* rejects credited to this sample */
} counter_sample;

typedef struct counter_track {
	counter_sample *s; /* sorted by ts_ms; owned by the track */
	uint32_t n, cap;
	uint8_t has_anchor; /* s[0] is older than the window: nothing goes before it */
} counter_track;

typedef struct counter_params {
	int bits;          /* counter width: 16, 32 or 64 (64 never wraps) */
	int64_t window_ms; /* reorder window */
	int64_t cycle_ms;  /* ideal cycle time, 0 if unknown (bounds a plausible wrap) */
} counter_params;

typedef enum counter_result {
	COUNTER_NEW = 0,       /* the report was placed; see the changes */
	COUNTER_DUPLICATE = 1, /* same timestamp seen before: nothing changes */
	COUNTER_LATE = 2,      /* older than the anchor: nothing changes */
} counter_result;

/* One effect of a placed report: a sample inserted (inserted=1, the new
 * report) or an existing sample whose delta changed (inserted=0). d_good
 * and d_reject are the change to credit at ts_ms (may be negative for an
 * updated sample); new_good/new_reject are the sample's delta afterwards. */
typedef struct counter_change {
	int64_t ts_ms;
	uint64_t count, reject;
	int64_t d_good, d_reject;
	int64_t new_good, new_reject;
	int inserted;
} counter_change;

void counter_track_init(counter_track *t);
/* Frees the track's samples; t may be reused after counter_track_init. */
void counter_track_free(counter_track *t);

/* Places a report. out receives up to two changes (*n_out of them): the
 * inserted sample and, when the report landed before an existing sample,
 * that sample's new delta. Returns a counter_result, or GLOVED_ENOMEM (the
 * track is then unchanged). */
int counter_apply(counter_track *t, const counter_params *p, int64_t ts_ms, uint64_t count,
		  uint64_t reject, counter_change out[2], int *n_out);

/* Adds a sample as it was stored (for reloading a track on start-up);
 * samples must come in time order. Marks the track anchored so that nothing
 * is placed before what was loaded. Returns GLOVED_OK or GLOVED_ENOMEM. */
int counter_track_load(counter_track *t, const counter_sample *s);

/* Pieces between two cumulative readings prev -> cur taken elapsed_ms
 * apart, with the wrap/reset rule above. Exposed for tests. */
uint64_t counter_delta(uint64_t prev, uint64_t cur, int64_t elapsed_ms, const counter_params *p);

/* The newest sample, or NULL when the track is empty. */
const counter_sample *counter_newest(const counter_track *t);

#endif
