/* SPDX-License-Identifier: Apache-2.0 */
/* coop_bench.c: the capacity exchange's solver at a cluster's scale (issue
 * 13): F firms (default 300) and O cooperative orders (default 50) posted
 * at once, each split in turn by app/alloc.c (CBC, lateness then cost)
 * over what the orders before it left free, beside the greedy split
 * (core/coop.c) of the same problem in the same process. The firms are
 * drawn from a fixed seed: free pairs per week (500..5,000, some weeks
 * taken by committed work), a price per dozen (24.00..36.00 yuan), a
 * minimum order (0, 500 or 1,000 pairs); an order needs 20,000..150,000
 * pairs, due in week 4..10, from one of three process families (a firm
 * runs one or two), with 4..10 partners at most. For each order it prints
 * nothing; at the end: the solver's time per proposal (p50, p99, max) and
 * the greedy's, their ratio; the gap of each proposal's cost to the LP
 * relaxation's bound (mean, max) and to the solver's own bound; lateness
 * and cost summed over the orders, solver beside greedy. Every split is
 * checked (feasible, pairs add up, never worse than greedy): a failure
 * exits 1. --quick: 100 firms, 10 orders. --seconds S: the solver's limit
 * per phase (default 5). See docs/performance.md. */
#include "app/alloc.h"
#include "core/coop.h"
#include "lib/bench_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static long pick(long lo, long hi)
{
	return lo + (long)(next() % (uint64_t)(hi - lo + 1));
}

typedef struct firm {
	int64_t free[COOP_WEEKS];
	int64_t price_fen, min_pairs;
	int families; /* bits 0..2 */
} firm;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long nf = 300, no = 50;
	double seconds = 5;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			nf = 100;
			no = 10;
		} else if (strcmp(argv[i], "--firms") == 0 && i + 1 < argc) {
			if (bench_parse_long(argv[++i], 2, 5000, &nf))
				return 2;
		} else if (strcmp(argv[i], "--orders") == 0 && i + 1 < argc) {
			if (bench_parse_long(argv[++i], 1, 1000, &no))
				return 2;
		} else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			long s;
			if (bench_parse_long(argv[++i], 1, 600, &s))
				return 2;
			seconds = (double)s;
		} else {
			fprintf(
			    stderr,
			    "usage: coop_bench [--quick] [--firms N] [--orders N] [--seconds S]\n");
			return 2;
		}
	}
	firm *fs = calloc((size_t)nf, sizeof *fs);
	coop_firm_in *in = calloc((size_t)nf, sizeof *in);
	int64_t *x = calloc((size_t)nf * COOP_WEEKS, sizeof *x);
	int64_t *g = calloc((size_t)nf * COOP_WEEKS, sizeof *g);
	size_t *idx = calloc((size_t)nf, sizeof *idx);
	double *t_solve = calloc((size_t)no, sizeof *t_solve);
	double *t_greedy = calloc((size_t)no, sizeof *t_greedy);
	double *gaps = calloc((size_t)no, sizeof *gaps);
	if (!fs || !in || !x || !g || !idx || !t_solve || !t_greedy || !gaps) {
		fprintf(stderr, "coop_bench: out of memory\n");
		return 1;
	}
	for (long i = 0; i < nf; i++) {
		firm *f = &fs[i];
		long base = pick(500, 5000);
		for (int w = 0; w < COOP_WEEKS; w++)
			f->free[w] = pick(0, 9) < 2 ? 0 : base + pick(-base / 5, base / 5);
		f->price_fen = pick(2400, 3600);
		static const int64_t mins[] = {0, 500, 1000};
		f->min_pairs = mins[pick(0, 2)];
		f->families = 1 << pick(0, 2);
		if (pick(0, 3) == 0)
			f->families |= 1 << pick(0, 2);
	}
	printf("coop_bench: %ld firms, %ld orders, CBC %.0f s a phase at most\n", nf, no, seconds);
	alloc_opts opts = {.seconds_per_phase = seconds, .lp_bound = 1};
	int bad = 0;
	long solved = 0, infeasible = 0, optimal = 0, from_greedy = 0, greedy_none = 0;
	int64_t late_s = 0, late_g = 0, cost_s = 0, cost_g = 0, pairs_all = 0;
	int64_t late_sc = 0, cost_sc = 0; /* the solver's, over the orders greedy split too */
	long n_gap = 0;
	double bound_gap_max = 0;
	for (long o = 0; o < no; o++) {
		int fam = (int)pick(0, 2);
		size_t n = 0;
		for (long i = 0; i < nf; i++)
			if (fs[i].families & (1 << fam)) {
				idx[n] = (size_t)i;
				in[n].id = i;
				memcpy(in[n].cap, fs[i].free, sizeof in[n].cap);
				in[n].min_pairs = fs[i].min_pairs;
				in[n].price_fen = fs[i].price_fen;
				n++;
			}
		coop_problem p = {.pairs = pick(20000, 150000),
				  .due_week = (int)pick(4, 10),
				  .max_partners = (int)pick(4, 10),
				  .n = n,
				  .firms = in};
		double t0 = bench_now_s();
		int grc = coop_greedy(&p, g);
		t_greedy[o] = bench_now_s() - t0;
		coop_eval ge;
		coop_evaluate(&p, g, &ge);
		alloc_result res;
		t0 = bench_now_s();
		if (alloc_solve(&p, &opts, x, &res)) {
			fprintf(stderr, "coop_bench: order %ld: out of memory\n", o);
			return 1;
		}
		t_solve[o] = bench_now_s() - t0;
		if (res.status == ALLOC_INFEASIBLE || res.status == ALLOC_NO_SPLIT) {
			infeasible++;
			if (grc == 0) {
				fprintf(stderr,
					"coop_bench: order %ld: no split, yet greedy found one\n",
					o);
				bad = 1;
			}
			continue;
		}
		coop_eval ev;
		coop_evaluate(&p, x, &ev);
		if (!ev.ok || ev.made != p.pairs) {
			fprintf(stderr, "coop_bench: order %ld: the split is not feasible: %s\n", o,
				ev.why);
			bad = 1;
			continue;
		}
		if (grc == 0 && coop_compare(&ev, &ge) > 0) {
			fprintf(stderr, "coop_bench: order %ld: worse than greedy\n", o);
			bad = 1;
		}
		solved++;
		optimal += res.status == ALLOC_OPTIMAL;
		from_greedy += res.from_greedy;
		pairs_all += p.pairs;
		late_s += ev.lateness;
		cost_s += ev.cost12;
		if (grc == 0) {
			late_g += ge.lateness;
			cost_g += ge.cost12;
			late_sc += ev.lateness;
			cost_sc += ev.cost12;
		} else {
			greedy_none++;
		}
		if (res.lp_cost12 > 0 && ev.lateness == 0) {
			double gp = ((double)ev.cost12 - res.lp_cost12) / (double)ev.cost12;
			gaps[n_gap++] = gp > 0 ? gp : 0;
		}
		if (res.gap > bound_gap_max)
			bound_gap_max = res.gap;
		/* what the order took is no longer free */
		for (size_t i = 0; i < n; i++)
			for (int w = 0; w < COOP_WEEKS; w++)
				fs[idx[i]].free[w] -= x[i * COOP_WEEKS + (size_t)w];
	}
	qsort(t_solve, (size_t)no, sizeof *t_solve, cmp_double);
	qsort(t_greedy, (size_t)no, sizeof *t_greedy, cmp_double);
	qsort(gaps, (size_t)n_gap, sizeof *gaps, cmp_double);
	double sum_s = 0, sum_g = 0, gap_sum = 0;
	for (long o = 0; o < no; o++) {
		sum_s += t_solve[o];
		sum_g += t_greedy[o];
	}
	for (long i = 0; i < n_gap; i++)
		gap_sum += gaps[i];
	long p99 = (long)((double)no * 0.99);
	if (p99 >= no)
		p99 = no - 1;
	printf("  proposals: %ld split (%ld proven optimal, %ld kept the greedy split), %ld with "
	       "no split\n",
	       solved, optimal, from_greedy, infeasible);
	printf("  solver time per proposal: p50 %.3f s, p99 %.3f s, max %.3f s, all %.1f s\n",
	       t_solve[no / 2], t_solve[p99], t_solve[no - 1], sum_s);
	printf(
	    "  greedy time per split:    p50 %.6f s, max %.6f s; solver / greedy (sums): %.0fx\n",
	    t_greedy[no / 2], t_greedy[no - 1], sum_g > 0 ? sum_s / sum_g : 0.0);
	if (n_gap)
		printf("  gap to the LP bound (orders on time, %ld): mean %.4f%%, max %.4f%%; "
		       "solver's own bound gap max %.4f%%\n",
		       n_gap, 100 * gap_sum / (double)n_gap, 100 * gaps[n_gap - 1],
		       100 * bound_gap_max);
	printf("  all %ld split orders: lateness %lld pair-weeks, cost %.2f yuan, %lld pairs\n",
	       solved, (long long)late_s, (double)cost_s / 1200.0, (long long)pairs_all);
	printf("  the %ld the greedy split too: lateness solver %lld, greedy %lld pair-weeks; cost "
	       "solver %.2f, greedy %.2f yuan (greedy / solver %.4f)\n",
	       solved - greedy_none, (long long)late_sc, (long long)late_g,
	       (double)cost_sc / 1200.0, (double)cost_g / 1200.0,
	       cost_sc ? (double)cost_g / (double)cost_sc : 0.0);
	free(fs);
	free(in);
	free(x);
	free(g);
	free(idx);
	free(t_solve);
	free(t_greedy);
	free(gaps);
	if (bad)
		printf("coop_bench: FAILED (see above)\n");
	return bad;
}
