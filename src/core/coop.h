/* SPDX-License-Identifier: Apache-2.0 */
/* coop.h: the rules of firms working together, as pure functions. A firm's
 * free capacity per week (machines or operators x planned hours x rate,
 * minus what its committed orders take, earliest weeks first); a split of
 * a cooperative order across firms, checked against every constraint
 * (each firm's free capacity per week, its minimum order, the number of
 * partners, the quantity) and measured by lateness (pair-weeks after the
 * due week) and then cost (each firm's price per dozen); the greedy split
 * that is the baseline and the solver's starting point; which constraint
 * binds when no split exists; and the royalty a design's licence earns.
 * app/alloc.c solves the mixed-integer programme over these rules,
 * app/coop.c feeds them stored rows; no I/O here. docs/internals/coop.md
 * explains each. */
#ifndef GLOVED_CORE_COOP_H
#define GLOVED_CORE_COOP_H

#include "core/tz.h"

#include <stddef.h>
#include <stdint.h>

/* The horizon: capacity and splits run over 12 weeks from the day an
 * order is proposed (week 0 = that day and the six after it). */
#define COOP_WEEKS 12

/* ---- free capacity ---- */

/* Gross capacity of one week in pairs from machine time: the sum over
 * machines of planned_ms / cycle_ms pieces, in pairs (2 pieces), times
 * oee_pm / 1000, rounded down. cycle_ms 0 takes COOP_DEFAULT_CYCLE_MS. */
#define COOP_DEFAULT_CYCLE_MS 120000 /* about 120 pairs a machine per 8 h */
#define COOP_DEFAULT_OEE_PM   650    /* knitting, when nothing was measured */
#define COOP_DEFAULT_EFF_PM   550    /* sewing line efficiency, declared default */
int64_t coop_machine_pairs(const int64_t *cycle_ms, size_t n_machines, int64_t planned_ms,
			   int32_t oee_pm);
/* Gross capacity of one week in pairs from sewing operators: operators x
 * planned minutes x eff_pm / 1000 / smv_c x 100 (smv_c: standard minutes
 * of one pair x 100), rounded down; 0 when smv_c <= 0. */
int64_t coop_operator_pairs(int64_t operators, int64_t planned_ms, int32_t eff_pm, int64_t smv_c);
/* Sewing line efficiency measured from operation scans, per mille: the
 * standard minutes earned (each scanned operation's pairs x its SMV;
 * earned_c = minutes x 100) over the minutes attended (attended_ms: each
 * worker's planned time on the days the worker scanned). -1 when fewer
 * than COOP_MIN_ATTENDED_MS were attended (too few scans to trust: five
 * 8-hour worker-days); at most COOP_MAX_EFF_PM (a line above 150 % of
 * standard points at a wrong SMV, not at a faster line). */
#define COOP_MIN_ATTENDED_MS (5 * 8 * 3600000LL)
#define COOP_MAX_EFF_PM      1500
int32_t coop_measured_eff_pm(int64_t earned_c, int64_t attended_ms);
/* A measured OEE (machines) is used as measured up to this (per mille):
 * above 1000 the machines make more good pieces than their declared cycle
 * allows, and the capacity is their measured good-piece rate; above 2000
 * the declared cycle is wrong and the figure is not trusted further. */
#define COOP_MAX_OEE_PM 2000
/* Takes committed pairs out of weekly capacities gross[0..weeks-1],
 * earliest week first (a firm works what it has before what it takes on),
 * into free; returns the committed pairs that did not fit (0 when all
 * did). */
int64_t coop_free(const int64_t *gross, int weeks, int64_t committed, int64_t *free_out);

/* ---- a split ---- */

typedef struct coop_firm_in {
	int64_t id;              /* the caller's (an enterprise id) */
	int64_t cap[COOP_WEEKS]; /* free pairs per week */
	int64_t min_pairs;       /* its minimum order: 0 or at least this much */
	int64_t price_fen;       /* its price, fen per dozen */
} coop_firm_in;

typedef struct coop_problem {
	int64_t pairs;    /* to make, > 0 */
	int due_week;     /* the week the order is due in (may be < 0 or >= COOP_WEEKS) */
	int max_partners; /* >= 1 */
	size_t n;
	const coop_firm_in *firms;
} coop_problem;

/* A split is x[i * COOP_WEEKS + w]: pairs firm i makes in week w. */
typedef struct coop_eval {
	int ok;             /* every constraint holds */
	char why[160];      /* the first that does not (ok 0) */
	int64_t made;       /* pairs in the split */
	int64_t lateness;   /* sum of pairs x weeks after the due week */
	int64_t late_pairs; /* pairs made after the due week */
	int64_t cost12;     /* sum of pairs x price_fen (cost in fen x 12) */
	int partners;       /* firms with pairs */
	int last_week;      /* the last week with pairs, -1 for none */
} coop_eval;

/* The weight of week w: weeks after the due week (0 on or before it). */
int64_t coop_late_weight(int due_week, int w);
/* Checks and measures split x. */
void coop_evaluate(const coop_problem *p, const int64_t *x, coop_eval *out);
/* -1 when a is better than b (less lateness, then less cost), 1 when worse,
 * 0 when equal; an infeasible split is worse than any feasible one. */
int coop_compare(const coop_eval *a, const coop_eval *b);

/* The greedy split: firms by their capacity up to the due week (then by
 * price) until the partners or the quantity are reached, each week filled
 * earliest first from the cheapest chosen firm; a chosen firm left under
 * its minimum is dropped for the next and the fill redone. x: n x
 * COOP_WEEKS. Returns 0 with a feasible x, or -1 when it found none. */
int coop_greedy(const coop_problem *p, int64_t *x);

/* Which constraint keeps any split from existing, checked in this order:
 * "no_firm" (no willing, able firm), "capacity" (all free capacity over the
 * horizon is short of the quantity), "max_partners" (the largest
 * max_partners firms together are short), "minimum_order" (left when the
 * three hold: the firms' minimum orders). why: a sentence for the user
 * with the figures. Returns the name (static storage). */
const char *coop_binding(const coop_problem *p, char *why, size_t whylen);

/* Why no willing firm qualifies (the why of "no_firm" when firms were
 * left out): reasons[i] is how many firms one constraint left out and
 * what it is, as it reads after the count ("without certification
 * SA8000", "with a quality record below 95 %"). Names the `most` largest
 * (ties in the given order) with their figures, then how many more firms
 * other reasons left out: "no willing firm qualifies: 4 firms without
 * certification SA8000, 2 firms with a quality record below 95 %". With
 * no firm left out by any reason: there is no firm in the cluster. */
typedef struct coop_reason {
	int64_t firms;
	char what[120];
} coop_reason;
void coop_no_firm_why(const coop_reason *reasons, size_t n, size_t most, char *why, size_t whylen);

/* ---- design royalties ---- */
/* The royalty of using a design in an order of `pairs`: per_dozen: pairs x
 * fee / 12 fen, rounded half up; flat: the fee on the licence's first use
 * (first 1), 0 after; none: 0. Returns -1 for an unknown kind. */
int64_t coop_royalty(const char *kind, int64_t fee_fen, int64_t pairs, int first);
/* The month a use at ts_ms is reported in, YYYYMM: the local month in the
 * using firm's zone (its calendar's), so an order a firm in UTC+8 adds on
 * the 1st at 01:00 counts in that month, not in the one before. */
int32_t coop_royalty_month(const tz_zone *firm_zone, int64_t ts_ms);

#endif
