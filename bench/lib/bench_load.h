/* SPDX-License-Identifier: Apache-2.0 */
/* bench_load.h: what the PostgreSQL benchmarks share (see bench_load.c):
 * generated machine reports and the HTTP requests that carry them, a load
 * of keep-alive senders spread over one or more daemons, starting and
 * stopping `gloved serve`, the day-rollup check after a load, and a private
 * PostgreSQL server (scripts/pg.sh) with databases made for a run. */
#ifndef GLOVED_BENCH_LOAD_H
#define GLOVED_BENCH_LOAD_H

#include "bench_util.h"

#include <libpq-fe.h>
#include <stdint.h>
#include <sys/types.h>

/* One generated report and the pieces the daemon must credit to it. */
typedef struct bench_rep {
	int64_t ts_ms;
	uint64_t count, reject;
	int64_t d_good, d_reject;
	long machine; /* 0-based; code bench_machine_code(machine) */
} bench_rep;

/* n reports of m machines, one every 30 s each, time-ordered from t0 (a
 * machine's first report is its baseline: no pieces). The pieces they
 * carry go to *good and *reject. Returns a malloc'd array (caller frees)
 * or NULL when out of memory. */
bench_rep *bench_make_reports(long m, long n, int64_t t0, int64_t *good, int64_t *reject);

/* The whole HTTP requests (POST /api/v1/reports, JSON arrays of batch
 * reports), built once before a load. */
typedef struct bench_plan {
	char **req;
	size_t *req_len;
	long *req_n; /* reports in each */
	long nreq;
	size_t max_body;
} bench_plan;

int bench_plan_build(bench_plan *p, const bench_rep *reps, long n, long batch, const char *token);
void bench_plan_free(bench_plan *p);

typedef struct bench_load_result {
	double secs; /* first request to the last answer */
	long requests, accepted, duplicates, late, failures;
	double bench_cpu_s; /* this program during the load */
	double other_cores; /* CPU of processes other than this one and pids[] */
} bench_load_result;

/* Sends the plan's requests over conns keep-alive connections, connection
 * i to ports[i % nports], each taking the next request when its previous
 * one is answered. Every answer must be 200 with accepted == its reports
 * (else counted in failures, the first few printed). pids (npids) are the
 * daemons (and database servers) whose CPU is not counted as other load.
 * Returns 0 when the load ran (even with failures), -1 when it could not. */
int bench_load_run(const bench_plan *p, const int *ports, int nports, long conns, const pid_t *pids,
		   int npids, bench_load_result *res);
/* The same with nplans plans: connection i takes the requests of plan
 * i % nplans, in order, to ports[i % nports] (plans of disjoint machines
 * pinned to instances, as a load balancer hashing by gateway does). */
int bench_load_run_plans(const bench_plan *plans, int nplans, const int *ports, int nports,
			 long conns, const pid_t *pids, int npids, bench_load_result *res);

/* Starts argv (a `gloved serve` command line with "--listen" followed by
 * a slot that this fills with 127.0.0.1:PORT) with its output to logpath,
 * on a free port (trying another when that one was taken), and waits for
 * /healthz. Returns the pid with *port set, or -1 when it did not come up
 * (refused is then set when its log says another gloved serves the
 * database). *tracked is set to the pid while it runs (for signal
 * handlers). */
pid_t bench_gloved_start(char **argv, const char *logpath, int *port, int *refused,
			 volatile pid_t *tracked);

/* Registers what bench_register_cluster does (bench_util.h), with the
 * enterprise, workshop and machines through the store API in one
 * transaction (one `gloved admin` per machine takes minutes on
 * PostgreSQL), the gateway token and the user with `gloved admin`. */
int bench_register_fast(const char *gloved, long machines, const char *db, char *token,
			size_t token_cap);

/* Prints a file to stderr, prefixed (a daemon's log after a failure). */
void bench_print_file(const char *path, const char *prefix);

/* Logs in as the bench user; the session token goes to session. */
int bench_login(int port, char *session, size_t cap);

/* Asks the day rollups from ltime_day_start(t0) on until they hold want_good
 * and want_reject (for at most 10 s: rollups may trail the commit);
 * *good and *reject are what they held last. */
int bench_day_totals(int port, int64_t t0, int64_t want_good, int64_t want_reject, int64_t *good,
		     int64_t *reject);

/* ---- PostgreSQL ---- */

/* A server for the run: the URI of $GLOVED_BENCH_PG or $GLOVED_TEST_PG
 * when set (uri_given = 1), else a private one started with scripts/pg.sh
 * (dir names it for bench_pg_stop). */
typedef struct bench_pg {
	char uri[1024];
	char dir[256];
	int uri_given;
	pid_t postmaster; /* its pid when known (for the CPU accounting), else 0 */
} bench_pg;

int bench_pg_start(bench_pg *pg);
void bench_pg_stop(bench_pg *pg);
/* Stops a private server from a signal handler (fork and exec only). */
void bench_pg_stop_from_signal(const bench_pg *pg);

/* The URI of database db on pg's server (its path replaced). */
int bench_pg_uri(const bench_pg *pg, const char *db, char *out, size_t cap);

/* Drops (when present) and creates database db (a fixed name of the
 * benchmark: letters, digits and '_'). */
int bench_pg_fresh_db(const bench_pg *pg, const char *db);
int bench_pg_drop_db(const bench_pg *pg, const char *db);

/* Runs one statement without parameters (DDL, BEGIN/COMMIT); prints the
 * error. */
int bench_pg_exec(PGconn *c, const char *sql);

/* CPU seconds of the server's processes (the postmaster and its children),
 * or -1 when the postmaster is unknown. */
double bench_pg_cpu_s(const bench_pg *pg);

/* The load of other processes, in cores, over a span: busy CPU of the
 * whole machine minus this program and the given processes. */
typedef struct bench_noise {
	double sys0, self0, wall0, mine0;
} bench_noise;
void bench_noise_start(bench_noise *n, double mine_cpu_s);
double bench_noise_end(const bench_noise *n, double mine_cpu_s);

#endif
