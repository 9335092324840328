/* SPDX-License-Identifier: Apache-2.0 */
/* oee.h: overall equipment effectiveness (OEE) of a machine over planned
 * time, and of a workshop or firm as the merge of its machines. One function
 * computes every figure the UI, the API and the Excel export show: the times
 * per state, lost time by stop reason, speed and reject loss, and
 * availability, performance, quality and OEE as exact fractions, with one
 * rounding rule to percentages. Pure logic: no I/O, no allocation. The
 * definitions and choices (offline, off, zero cases, aggregation) are in
 * docs/internals/oee.md. */
#ifndef GLOVED_CORE_OEE_H
#define GLOVED_CORE_OEE_H

#include <stddef.h>
#include <stdint.h>

/* Distinct (state, reason) pairs of unplanned stops kept per result; more go
 * to oee_result.other_ms. */
#define OEE_REASONS_MAX 16

/* One planned interval [from_ms, to_ms), UTC ms (a shift minus its breaks is
 * several). */
typedef struct oee_span {
	int64_t from_ms;
	int64_t to_ms;
} oee_span;

/* One machine state interval [start_ms, end_ms), UTC ms; state is a
 * machine_state (core/state.h); reason is the stop or fault reason code, 0
 * when none was given. May extend beyond the planned time: only the part
 * inside counts. */
typedef struct oee_interval {
	int64_t start_ms;
	int64_t end_ms;
	int state;
	int32_t reason;
} oee_interval;

typedef struct oee_input {
	const oee_span *planned; /* sorted, non-overlapping */
	size_t n_planned;
	const oee_interval *states; /* sorted, non-overlapping; gaps are unknown */
	size_t n_states;
	int64_t good;     /* pieces made and passed in the planned time */
	int64_t reject;   /* pieces rejected in the planned time */
	int64_t cycle_ms; /* ideal cycle time per piece; 0: not known */
} oee_input;

/* An exact non-negative fraction; den == 0 means "not applicable" (N/A). */
typedef struct oee_ratio {
	int64_t num;
	int64_t den;
} oee_ratio;

/* Lost time of one unplanned stop reason: state is MS_STOP or MS_FAULT. */
typedef struct oee_reason_ms {
	int state;
	int32_t reason;
	int64_t ms;
} oee_reason_ms;

typedef struct oee_result {
	/* Times inside the planned time; they add up to planned_ms. */
	int64_t planned_ms;
	int64_t run_ms;
	int64_t idle_ms;
	int64_t stop_ms;  /* unplanned stop (MS_STOP) */
	int64_t fault_ms; /* unplanned stop (MS_FAULT) */
	int64_t setup_ms;
	int64_t off_ms;
	int64_t offline_ms; /* its own category, not a stop */
	int64_t unknown_ms; /* MS_UNKNOWN or no state interval */
	/* stop_ms + fault_ms by reason: reasons[0..n_reasons) in order of first
	 * appearance, reason 0 in unexplained_ms, overflow in other_ms. */
	oee_reason_ms reasons[OEE_REASONS_MAX];
	size_t n_reasons;
	int64_t unexplained_ms;
	int64_t other_ms;
	/* Pieces and ideal time. */
	int64_t good;
	int64_t reject;
	int64_t ideal_ms;       /* ideal cycle x (good + reject), summed per machine */
	int64_t speed_loss_ms;  /* run_ms - ideal_ms; negative when performance > 100% */
	int64_t reject_loss_ms; /* ideal cycle x reject, summed per machine */
	int64_t machines;       /* results merged into this one (1 from oee_compute) */
	int64_t cycle_missing;  /* of these, machines with pieces but no ideal cycle */
	/* Reduced fractions; den == 0 when N/A (see docs/internals/oee.md). */
	oee_ratio availability; /* run / planned */
	oee_ratio performance;  /* ideal / run */
	oee_ratio quality;      /* good / (good + reject) */
	oee_ratio oee;          /* availability x performance x quality */
} oee_result;

/* Computes the OEE of one machine: clips the state intervals to the planned
 * spans and fills *out (overwritten entirely). Returns 0, or -1 when the
 * input is invalid (spans or intervals unsorted, overlapping or reversed, a
 * state out of range, negative pieces or cycle, or an overflow); *out is
 * then zeroed. */
int oee_compute(const oee_input *in, oee_result *out);

/* Merges b into a (a workshop from its machines, a firm from its
 * workshops): times, pieces, ideal time and reasons are summed, the
 * fractions recomputed from the sums (never an average of percentages). A
 * zeroed oee_result is the identity. Returns 0, or -1 on overflow (a is
 * then unchanged). */
int oee_merge(oee_result *a, const oee_result *b);

/* The time field of r that state st (a machine_state) counts in: run_ms ..
 * offline_ms, unknown_ms for MS_UNKNOWN and anything else. */
int64_t *oee_state_ms(oee_result *r, int st);
/* Recomputes the derived fields of *r (speed_loss_ms and the four
 * fractions) from its times, pieces and ideal times, the way oee_compute
 * and oee_merge do: for results added up from stored rollups. Returns 0,
 * or -1 when a figure is negative or the times overflow. */
int oee_finish(oee_result *r);
/* r as a double in *out (1.0 is 100%). Returns 0, or -1 when r is N/A. */
int oee_ratio_double(oee_ratio r, double *out);

/* r in basis points (hundredths of a percent: 8864 shows as 88.64%) into
 * *bp, rounded to the nearest, halves up (71.875% -> 7188). The one rounding
 * rule for every display. Returns 0, or -1 when r is N/A or the result does
 * not fit. */
int oee_ratio_bp(oee_ratio r, int64_t *bp);

#endif
