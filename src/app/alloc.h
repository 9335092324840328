/* SPDX-License-Identifier: Apache-2.0 */
/* alloc.h: the optimal split of a cooperative order (core/coop.h's
 * coop_problem) across firms, as a mixed-integer programme solved by COIN-OR
 * CBC (the Debian package coinor-libcbc-dev, EPL-2.0; docs/design.md says
 * why CBC and not GLPK). Variables: the integer pairs x[i][w] firm i makes
 * in week w (at most its free capacity that week) and a binary y[i] per
 * firm (it takes part). Constraints: the pairs add up to the order;
 * x[i][w] <= cap[i][w] y[i]; a firm that takes part makes at least its
 * minimum order; at most max_partners firms. Lexicographic objective, two
 * solves: the least lateness (pair-weeks after the due week), then the
 * least cost (pairs x each firm's price) among splits that late. The
 * greedy split (coop_greedy) is the solver's starting point and the floor:
 * the answer is never worse than it. One solve at a time (a mutex): CBC is
 * not documented as thread-safe. docs/internals/coop.md. */
#ifndef GLOVED_APP_ALLOC_H
#define GLOVED_APP_ALLOC_H

#include "core/coop.h"

#include <stddef.h>
#include <stdint.h>

typedef enum alloc_status {
	ALLOC_OPTIMAL = 0,    /* proven optimal (within the gap tolerance) */
	ALLOC_FEASIBLE = 1,   /* a split, the time limit reached before the proof */
	ALLOC_INFEASIBLE = 2, /* no split exists: binding and why say why */
	ALLOC_NO_SPLIT = 3,   /* none found in the time, none proven impossible */
} alloc_status;

typedef struct alloc_opts {
	double seconds_per_phase; /* the solver's time limit per solve (0: 10 s) */
	double rel_gap;           /* relative gap tolerance (0: 1e-4) */
	int lp_bound;             /* also solve the LP relaxation of the cost phase */
} alloc_opts;

typedef struct alloc_result {
	alloc_status status;
	char binding[24]; /* coop_binding's name when ALLOC_INFEASIBLE */
	char why[320];
	coop_eval ev;          /* the split's measures (x filled by alloc_solve) */
	coop_eval greedy;      /* the greedy split's (ok 0 when it found none) */
	int from_greedy;       /* 1 when the greedy split was kept (the solver did no better) */
	double bound_lateness; /* the solver's best bound on lateness */
	double bound_cost12;   /* its best bound on the cost at that lateness */
	double gap;            /* (cost12 - bound_cost12) / cost12, 0 when proven */
	double lp_cost12;      /* the LP relaxation's cost (opts.lp_bound), else 0 */
	double seconds;        /* wall time of the solves */
	int64_t nodes;         /* branch-and-bound nodes of both solves */
} alloc_result;

/* Solves p into x (p->n x COOP_WEEKS pairs, caller's). Returns GLOVED_OK
 * with res filled (status says whether x holds a split), or
 * GLOVED_ENOMEM. opts NULL: the defaults. */
int alloc_solve(const coop_problem *p, const alloc_opts *opts, int64_t *x, alloc_result *res);
/* "optimal", "feasible", "infeasible", "no_split". */
const char *alloc_status_name(alloc_status s);

#endif
