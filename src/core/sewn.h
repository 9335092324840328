/* SPDX-License-Identifier: Apache-2.0 */
/* sewn.h: the pure rules of sewn-glove production: splitting a cut into
 * bundles, the routing order a scan must respect, the pay for scanned
 * work (through core/wage.c, the one wage implementation), and the flow of
 * work in progress along a routing (pairs waiting, the bottleneck, the
 * projected completion). No I/O. */
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

/* Work in progress along one order's routing of n_ops operations: done[k]
 * pairs done at operation k + 1, cut the pairs cut. waiting[k] receives the
 * pairs done at the previous operation (or cut, for the first) and not yet
 * here, never negative. Returns the bottleneck, the operation (seq) with
 * most pairs waiting (the first of equals), or 0 when nothing waits. */
int32_t sewn_wip_flow(int64_t cut, const int64_t *done, int32_t n_ops, int64_t *waiting);

typedef struct sewn_projection {
	int known;   /* 0: no operation has a pace to project from */
	int32_t day; /* the projected day of completion (known) */
	int late;    /* the projected day, or (unknown) today, is after the due day */
} sewn_projection;

/* The projected completion of an order of `ordered` pairs of which
 * `finished` are through: each operation k + 1 not through with the order
 * (done[k] < ordered) finishes the rest at its pace of the last 3 days
 * (recent3[k] pairs), rounded up to whole days; the order is done when the
 * slowest is (at most 100000 days ahead). A finished order is projected on
 * its due day and is not late. n_ops 0 (no routing to pace, as for knitted
 * orders): known only when finished. */
void sewn_wip_project(int64_t ordered, int64_t finished, const int64_t *done,
		      const int64_t *recent3, int32_t n_ops, int32_t today, int32_t due_day,
		      sewn_projection *out);

#endif
