/* SPDX-License-Identifier: Apache-2.0 */
/* sewn.h: the pure rules of sewn-glove production: splitting a cut into
 * bundles, the routing order a scan must respect, and the pay for scanned
 * work (through core/wage.c, the one wage implementation). No I/O. */
#ifndef GLOVED_CORE_SEWN_H
#define GLOVED_CORE_SEWN_H

#include "core/wage.h"

#include <stddef.h>
#include <stdint.h>

#define SEWN_MAX_BUNDLE_PAIRS 1000
#define SEWN_MAX_CUT_PAIRS    1000000

/* Splits `pairs` of one size into bundles of bundle_size pairs, the last
 * taking the remainder (25 pairs by 12: 12, 12, 1). Writes at most max
 * quantities into out and their number into *n. Returns 0, or -1 for a bad
 * size or count (pairs 1..SEWN_MAX_CUT_PAIRS, bundle_size
 * 1..SEWN_MAX_BUNDLE_PAIRS) or when max is too small. */
int sewn_split(int64_t pairs, int32_t bundle_size, int64_t *out, size_t max, size_t *n);

/* Whether operation seq of a routing of n_ops operations may be scanned,
 * given done[i] (nonzero when operation i + 1 is done): returns 0 when it
 * may, 1 when its predecessor is not done (the first undone operation
 * before it in *missing), -1 when seq is not an operation of the routing. */
int sewn_order_check(int32_t seq, int32_t n_ops, const unsigned char *done, int32_t *missing);

/* A rate in 1/10000 yuan per pair scaled by a household's factor in
 * percent, rounded half up. */
int64_t sewn_rate(int64_t rate_y4, int32_t pct);

/* Pairs done at one rate (1/10000 yuan per pair). */
typedef struct sewn_work {
	int64_t rate_y4;
	int64_t pairs;
} sewn_work;
/* Pay in fen for a day's work: each rate's pairs paid by wage_pay_day with
 * a per-pair card at that rate (so rounding is the wage module's, per rate),
 * summed. Returns GLOVED_OK, or an error of wage_pay_day. */
int sewn_pay_day(const sewn_work *w, size_t n, int64_t *fen);

/* A worker's day of scanned work under their rate card: the base of
 * sewn_pay_day (each operation's own rate), plus the card's stepped
 * bonuses of a day-step card on the day's pairs (converted to the card's
 * unit by core/wage.c). card NULL, or a month-step card: no bonus here (a
 * month's bonus is the month's). out: base_fen, bonus_fen, total_fen,
 * good_pieces. Returns as sewn_pay_day. */
int sewn_pay_worker_day(const sewn_work *w, size_t n, const wage_card *card, wage_result *out);

#endif
