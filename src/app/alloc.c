/* SPDX-License-Identifier: Apache-2.0 */
/* alloc.c: the cooperative split as a MIP for CBC (alloc.h). Only cells
 * with free capacity get a column; the model is loaded column-wise
 * (Cbc_loadProblem) and solved twice, lateness then cost. */
#include "app/alloc.h"
#include "util/err.h"

#include <Cbc_C_Interface.h>

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t solver_mu = PTHREAD_MUTEX_INITIALIZER;

const char *alloc_status_name(alloc_status s)
{
	switch (s) {
	case ALLOC_OPTIMAL:
		return "optimal";
	case ALLOC_FEASIBLE:
		return "feasible";
	case ALLOC_INFEASIBLE:
		return "infeasible";
	case ALLOC_NO_SPLIT:
		return "no_split";
	}
	return "?";
}

/* The model's shape: cell k is firm cell_i[k], week cell_w[k]; firm i's
 * binary is column ncell + i. */
typedef struct model {
	const coop_problem *p;
	size_t ncell, ncol, nrow;
	size_t *cell_i;
	int *cell_w;
	/* column-wise matrix */
	int *start, *index;
	double *value;
	double *collb, *colub, *obj, *rowlb, *rowub;
	char *isint;
} model;

static void model_free(model *m)
{
	free(m->cell_i);
	free(m->cell_w);
	free(m->start);
	free(m->index);
	free(m->value);
	free(m->collb);
	free(m->colub);
	free(m->obj);
	free(m->rowlb);
	free(m->rowub);
	free(m->isint);
}

/* Rows: 0 the quantity; 1 the partners; 2 the lateness cap; then one link
 * row per cell (x - cap y <= 0); then one minimum row per firm with a
 * minimum (x sum - min y >= 0). */
static int model_build(model *m, const coop_problem *p)
{
	memset(m, 0, sizeof *m);
	m->p = p;
	size_t n = p->n, cells = 0, mins = 0;
	for (size_t i = 0; i < n; i++) {
		for (int w = 0; w < COOP_WEEKS; w++)
			cells += p->firms[i].cap[w] > 0;
		mins += p->firms[i].min_pairs > 0;
	}
	m->ncell = cells;
	m->ncol = cells + n;
	m->nrow = 3 + cells + mins;
	size_t nz = cells * 5 + n + mins; /* x: 3-4 rows, y: its cells, partners, minimum */
	m->cell_i = calloc(cells + 1, sizeof *m->cell_i);
	m->cell_w = calloc(cells + 1, sizeof *m->cell_w);
	m->start = calloc(m->ncol + 1, sizeof *m->start);
	m->index = calloc(nz + 1, sizeof *m->index);
	m->value = calloc(nz + 1, sizeof *m->value);
	m->collb = calloc(m->ncol + 1, sizeof(double));
	m->colub = calloc(m->ncol + 1, sizeof(double));
	m->obj = calloc(m->ncol + 1, sizeof(double));
	m->rowlb = calloc(m->nrow, sizeof(double));
	m->rowub = calloc(m->nrow, sizeof(double));
	m->isint = calloc(m->ncol + 1, 1);
	if (!m->cell_i || !m->cell_w || !m->start || !m->index || !m->value || !m->collb ||
	    !m->colub || !m->obj || !m->rowlb || !m->rowub || !m->isint) {
		model_free(m);
		return GLOVED_ENOMEM;
	}
	/* the minimum row of each firm, -1 for none */
	size_t *minrow = calloc(n + 1, sizeof *minrow);
	if (!minrow) {
		model_free(m);
		return GLOVED_ENOMEM;
	}
	size_t r = 3 + cells;
	for (size_t i = 0; i < n; i++)
		minrow[i] = p->firms[i].min_pairs > 0 ? r++ : (size_t)-1;
	size_t k = 0, e = 0;
	for (size_t i = 0; i < n; i++)
		for (int w = 0; w < COOP_WEEKS; w++) {
			if (p->firms[i].cap[w] <= 0)
				continue;
			m->cell_i[k] = i;
			m->cell_w[k] = w;
			m->start[k] = (int)e;
			m->collb[k] = 0;
			m->colub[k] = (double)p->firms[i].cap[w];
			m->isint[k] = 1;
			m->index[e] = 0; /* quantity */
			m->value[e++] = 1;
			m->index[e] = 2; /* lateness */
			m->value[e++] = (double)coop_late_weight(p->due_week, w);
			m->index[e] = (int)(3 + k); /* link */
			m->value[e++] = 1;
			if (minrow[i] != (size_t)-1) {
				m->index[e] = (int)minrow[i];
				m->value[e++] = 1;
			}
			k++;
		}
	size_t first = 0; /* the first cell of firm i */
	for (size_t i = 0; i < n; i++) {
		size_t col = cells + i;
		m->start[col] = (int)e;
		m->collb[col] = 0;
		m->colub[col] = 1;
		m->isint[col] = 1;
		m->index[e] = 1; /* partners */
		m->value[e++] = 1;
		for (; first < cells && m->cell_i[first] == i;
		     first++) { /* firm i's cells, in order */
			m->index[e] = (int)(3 + first);
			m->value[e++] = -(double)p->firms[i].cap[m->cell_w[first]];
		}
		if (minrow[i] != (size_t)-1) {
			m->index[e] = (int)minrow[i];
			m->value[e++] = -(double)p->firms[i].min_pairs;
		}
	}
	m->start[m->ncol] = (int)e;
	free(minrow);
	m->rowlb[0] = m->rowub[0] = (double)p->pairs;
	m->rowlb[1] = -DBL_MAX;
	m->rowub[1] = p->max_partners;
	m->rowlb[2] = -DBL_MAX;
	m->rowub[2] = DBL_MAX;
	for (size_t c = 0; c < cells; c++) {
		m->rowlb[3 + c] = -DBL_MAX;
		m->rowub[3 + c] = 0;
	}
	for (size_t q = 3 + cells; q < m->nrow; q++) {
		m->rowlb[q] = 0;
		m->rowub[q] = DBL_MAX;
	}
	return GLOVED_OK;
}

typedef struct phase {
	int has_solution, proven, infeasible;
	double obj, bound;
	int64_t nodes;
} phase;

/* One solve: objective 0 lateness, 1 cost; late_cap < 0: no lateness cap.
 * start: a split (n x weeks) to start from, or NULL; integer 0: the LP
 * relaxation. x receives the solution when there is one. */
static int solve(const model *m, int objective, double late_cap, const int64_t *start,
		 const alloc_opts *o, int integer, int64_t *x, phase *ph)
{
	const coop_problem *p = m->p;
	memset(ph, 0, sizeof *ph);
	for (size_t c = 0; c < m->ncell; c++)
		m->obj[c] = objective == 0 ? (double)coop_late_weight(p->due_week, m->cell_w[c])
					   : (double)p->firms[m->cell_i[c]].price_fen;
	for (size_t i = 0; i < p->n; i++)
		m->obj[m->ncell + i] = 0;
	m->rowub[2] = late_cap < 0 ? DBL_MAX : late_cap;
	Cbc_Model *cm = Cbc_newModel();
	if (!cm)
		return GLOVED_ENOMEM;
	Cbc_loadProblem(cm, (int)m->ncol, (int)m->nrow, m->start, m->index, m->value, m->collb,
			m->colub, m->obj, m->rowlb, m->rowub);
	if (integer)
		for (size_t c = 0; c < m->ncol; c++)
			Cbc_setInteger(cm, (int)c);
	Cbc_setObjSense(cm, 1);
	Cbc_setLogLevel(cm, 0);
	Cbc_setMaximumSeconds(cm, o->seconds_per_phase);
	Cbc_setAllowableFractionGap(cm, o->rel_gap);
	if (integer && start) {
		int *idx = malloc(m->ncol * sizeof *idx);
		double *val = malloc(m->ncol * sizeof *val);
		if (idx && val) {
			for (size_t c = 0; c < m->ncell; c++) {
				idx[c] = (int)c;
				val[c] =
				    (double)start[m->cell_i[c] * COOP_WEEKS + (size_t)m->cell_w[c]];
			}
			for (size_t i = 0; i < p->n; i++) {
				int64_t t = 0;
				for (int w = 0; w < COOP_WEEKS; w++)
					t += start[i * COOP_WEEKS + (size_t)w];
				idx[m->ncell + i] = (int)(m->ncell + i);
				val[m->ncell + i] = t > 0 ? 1.0 : 0.0;
			}
			Cbc_setMIPStartI(cm, (int)m->ncol, idx, val);
		}
		free(idx);
		free(val);
	}
	Cbc_solve(cm);
	ph->infeasible = Cbc_isProvenInfeasible(cm);
	ph->proven = Cbc_isProvenOptimal(cm);
	ph->nodes = Cbc_getNodeCount(cm);
	const double *sol = integer ? Cbc_bestSolution(cm) : Cbc_getColSolution(cm);
	if (!ph->infeasible && sol && (integer ? 1 : ph->proven)) {
		ph->has_solution = 1;
		ph->obj = Cbc_getObjValue(cm);
		ph->bound = integer ? Cbc_getBestPossibleObjValue(cm) : ph->obj;
		if (x) {
			memset(x, 0, p->n * COOP_WEEKS * sizeof *x);
			for (size_t c = 0; c < m->ncell; c++)
				x[m->cell_i[c] * COOP_WEEKS + (size_t)m->cell_w[c]] =
				    (int64_t)llround(sol[c]);
		}
	}
	Cbc_deleteModel(cm);
	return GLOVED_OK;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int alloc_solve(const coop_problem *p, const alloc_opts *opts, int64_t *x, alloc_result *res)
{
	alloc_opts o = {.seconds_per_phase = 10, .rel_gap = 1e-4};
	if (opts) {
		o = *opts;
		if (o.seconds_per_phase <= 0)
			o.seconds_per_phase = 10;
		if (o.rel_gap <= 0)
			o.rel_gap = 1e-4;
	}
	memset(res, 0, sizeof *res);
	double t0 = now_s();
	size_t cells = p->n * COOP_WEEKS;
	memset(x, 0, (cells ? cells : 1) * sizeof *x);
	int64_t *g = calloc(cells + 1, sizeof *g);
	int64_t *y = calloc(cells + 1, sizeof *y);
	if (!g || !y) {
		free(g);
		free(y);
		return GLOVED_ENOMEM;
	}
	int rc = GLOVED_OK;
	int greedy_ok = p->n && coop_greedy(p, g) == 0;
	if (greedy_ok)
		coop_evaluate(p, g, &res->greedy);
	if (p->n == 0 || p->pairs <= 0 || p->max_partners < 1) {
		res->status = ALLOC_INFEASIBLE;
		const char *b = coop_binding(p, res->why, sizeof res->why);
		snprintf(res->binding, sizeof res->binding, "%s", b);
		goto out;
	}
	model m;
	if ((rc = model_build(&m, p)))
		goto out;
	pthread_mutex_lock(&solver_mu);
	phase ph1 = {0}, ph2 = {0}, lp = {0};
	double late_cap;
	if (greedy_ok && res->greedy.lateness == 0) {
		/* nothing can beat no lateness: only the cost phase */
		late_cap = 0;
		ph1.has_solution = ph1.proven = 1;
	} else {
		rc = solve(&m, 0, -1, greedy_ok ? g : NULL, &o, 1, y, &ph1);
		late_cap = ph1.has_solution ? floor(ph1.obj + 0.5) : -1;
		res->bound_lateness = ph1.bound;
	}
	if (!rc && ph1.has_solution) {
		/* start the cost phase from the better of the two splits */
		coop_eval e1;
		coop_evaluate(p, y, &e1);
		const int64_t *st = greedy_ok ? g : NULL;
		if (!(greedy_ok && res->greedy.lateness == 0) && e1.ok &&
		    (!greedy_ok || coop_compare(&e1, &res->greedy) <= 0))
			st = y;
		rc = solve(&m, 1, late_cap, st, &o, 1, x, &ph2);
		if (!rc && o.lp_bound)
			rc = solve(&m, 1, late_cap, NULL, &o, 0, NULL, &lp);
	}
	pthread_mutex_unlock(&solver_mu);
	model_free(&m);
	if (rc)
		goto out;
	res->nodes = ph1.nodes + ph2.nodes;
	res->lp_cost12 = lp.has_solution ? lp.obj : 0;
	if (ph2.has_solution) {
		coop_evaluate(p, x, &res->ev);
		res->bound_cost12 = ph2.bound;
		res->status = ph1.proven && ph2.proven ? ALLOC_OPTIMAL : ALLOC_FEASIBLE;
	}
	/* never worse than greedy (and never a split that fails a check
	 * after rounding) */
	if (greedy_ok && (!ph2.has_solution || coop_compare(&res->greedy, &res->ev) < 0)) {
		memcpy(x, g, cells * sizeof *x);
		res->ev = res->greedy;
		res->from_greedy = 1;
		if (!ph2.has_solution)
			res->status = ALLOC_FEASIBLE;
	}
	if (!res->ev.ok) {
		memset(x, 0, (cells ? cells : 1) * sizeof *x);
		if (ph1.infeasible || ph2.infeasible) {
			res->status = ALLOC_INFEASIBLE;
			const char *b = coop_binding(p, res->why, sizeof res->why);
			snprintf(res->binding, sizeof res->binding, "%s", b);
		} else {
			res->status = ALLOC_NO_SPLIT;
			snprintf(res->binding, sizeof res->binding, "time");
			snprintf(res->why, sizeof res->why,
				 "no split found within %.0f s and none proven impossible",
				 o.seconds_per_phase);
		}
	} else if (res->ev.cost12 > 0) {
		double gap = ((double)res->ev.cost12 - res->bound_cost12) / (double)res->ev.cost12;
		res->gap = gap > 0 ? gap : 0;
	}
out:
	res->seconds = now_s() - t0;
	free(g);
	free(y);
	return rc;
}
