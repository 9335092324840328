/* SPDX-License-Identifier: Apache-2.0 */
/* retention_pg_bench.c: what monthly partitions buy retention on
 * PostgreSQL (issue 14): the time of store_retention_delete removing one
 * month of samples by dropping its partition (detach, count, drop) set
 * beside a DELETE of the same rows (the statement retention ran before the
 * tables were partitioned), and the VACUUM that a DELETE needs afterwards
 * to make the space reusable (a dropped partition gives its files back at
 * once). Each round empties the test database, makes the month's
 * partition, loads --rows samples into it on the server (generate_series),
 * checkpoints, and times one way; --rounds rounds of each, medians and
 * their ratio printed. It runs on the test database of $GLOVED_TEST_PG
 * only (scripts/pg.sh), which it empties: without it it says so and exits
 * 0. A benchmark, not a test: only an error or a wrong count makes it exit
 * non-zero; see docs/performance.md. */
#include "lib/bench_util.h"
#include "store/store.h"
#include "store/store_int.h"
#include "util/err.h"

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MONTH0     978307200000LL /* 2001-01-01 UTC: the month removed */
#define MONTH1     980985600000LL /* 2001-02-01 UTC */
#define ROUNDS_MAX 9

static int sql_ok(PGconn *c, const char *sql, int64_t *rows)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType t = PQresultStatus(r);
	int ok = t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "%s: %s: %s", bench_prog, sql, PQerrorMessage(c));
	if (ok && rows) {
		const char *n = PQcmdTuples(r);
		*rows = n && *n ? strtoll(n, NULL, 10) : 0;
	}
	PQclear(r);
	return ok;
}

/* An empty database with month 0's partition and rows samples in it. */
static int load(const char *uri, long rows, store **db)
{
	store_options o = {0};
	*db = NULL;
	if (store__pg_reset(uri) || store_open(uri, STORE_WRITE, &o, db) ||
	    store_partitions_ensure(*db, MONTH0)) {
		fprintf(stderr, "%s: cannot prepare the database\n", bench_prog);
		return -1;
	}
	PGconn *c = PQconnectdb(uri);
	char sql[512];
	/* rows spread over the month, 40 machines */
	snprintf(sql, sizeof sql,
		 "INSERT INTO sample(ts, machine_id, count, reject, d_good, d_reject, state, flags)"
		 " SELECT %lld + (i / 40) * (%lld / (%ld / 40 + 1)), 1 + i %% 40, i, 0, 1, 0, 1, 0"
		 " FROM generate_series(0::bigint, %ld) i",
		 (long long)MONTH0, (long long)(MONTH1 - MONTH0), rows, rows - 1);
	int ok = PQstatus(c) == CONNECTION_OK && sql_ok(c, sql, NULL) &&
		 sql_ok(c, "VACUUM ANALYZE sample", NULL) && sql_ok(c, "CHECKPOINT", NULL);
	PQfinish(c);
	return ok ? 0 : -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	bench_prog = "retention_pg_bench";
	long rows = 2000000, rounds = 3;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			rows = 200000;
			rounds = 1;
		} else if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc) {
			if (bench_parse_long(argv[++i], 1000, 100000000, &rows))
				return 2;
		} else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
			if (bench_parse_long(argv[++i], 1, ROUNDS_MAX, &rounds))
				return 2;
		} else {
			fprintf(stderr,
				"usage: %s [--quick] [--rows N] [--rounds R]\n"
				"  on the test database of $GLOVED_TEST_PG (emptied)\n",
				bench_prog);
			return 2;
		}
	}
	const char *uri = getenv("GLOVED_TEST_PG");
	if (!uri || !*uri) {
		printf("%s: skipped, GLOVED_TEST_PG is not set (scripts/pg.sh run ...)\n",
		       bench_prog);
		return 0;
	}
	double drop_s[ROUNDS_MAX], del_s[ROUNDS_MAX], vac_s[ROUNDS_MAX];
	for (long r = 0; r < rounds; r++) {
		store *db = NULL;
		/* dropping the month's partition */
		if (load(uri, rows, &db))
			return 1;
		int64_t deleted = 0;
		double t0 = bench_now_s();
		int rc = store_retention_delete(db, STORE_RETAIN_SAMPLES, MONTH1, MONTH1, &deleted);
		drop_s[r] = bench_now_s() - t0;
		store_close(db);
		if (rc || deleted != rows) {
			fprintf(stderr, "%s: retention: %s, %lld rows of %ld\n", bench_prog,
				gloved_strerror(rc), (long long)deleted, rows);
			return 1;
		}
		/* a DELETE of the same rows, then the VACUUM it needs */
		if (load(uri, rows, &db))
			return 1;
		store_close(db);
		PGconn *c = PQconnectdb(uri);
		char sql[256];
		snprintf(sql, sizeof sql, "DELETE FROM sample WHERE ts >= %lld AND ts < %lld",
			 (long long)MONTH0, (long long)MONTH1);
		t0 = bench_now_s();
		int ok = PQstatus(c) == CONNECTION_OK && sql_ok(c, sql, &deleted);
		del_s[r] = bench_now_s() - t0;
		t0 = bench_now_s();
		ok = ok && sql_ok(c, "VACUUM sample", NULL);
		vac_s[r] = bench_now_s() - t0;
		PQfinish(c);
		if (!ok || deleted != rows) {
			fprintf(stderr, "%s: DELETE removed %lld rows of %ld\n", bench_prog,
				(long long)deleted, rows);
			return 1;
		}
		printf("round %ld: drop %.3f s, DELETE %.3f s, VACUUM after it %.3f s\n", r + 1,
		       drop_s[r], del_s[r], vac_s[r]);
	}
	double d = median(drop_s, (int)rounds), x = median(del_s, (int)rounds),
	       v = median(vac_s, (int)rounds);
	printf("%ld samples of one month, median of %ld: drop %.3f s, DELETE %.3f s"
	       " (+ VACUUM %.3f s)\n",
	       rows, rounds, d, x, v);
	printf("ratio DELETE / drop: %.0f; DELETE + VACUUM / drop: %.0f\n", d > 0 ? x / d : 0.0,
	       d > 0 ? (x + v) / d : 0.0);
	store__pg_reset(uri);
	return 0;
}
