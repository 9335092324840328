/* SPDX-License-Identifier: Apache-2.0 */
/* pg_ingest_bench.c: durable HTTP ingest into gloved on PostgreSQL (issue
 * 14), beside PostgreSQL's own ceiling for the same rows on the same server
 * in the same run, and beside the same load on SQLite. It generates N
 * reports (M machines, one report every 30 s each, as ingest_bench) and
 * times:
 *   (1) COPY ceiling: the sample rows, `COPY sample FROM STDIN` into a
 *       table made by gloved's own schema code, one transaction of B rows
 *       per batch, on one libpq connection (fsync and synchronous_commit
 *       as the server has them: on by default);
 *   (2) COPY + rollups: the same, plus in each transaction every other
 *       write gloved makes for a report: the minute, hour and day rollup
 *       upserts (summed per batch, one INSERT ... SELECT FROM unnest(...)
 *       ON CONFLICT DO UPDATE per level) and the machine_live upsert;
 *   (2b) COPY + rollups as gloved writes them: the same, but a rollup row
 *       goes in once, when its machine leaves the bucket (gloved keeps the
 *       open buckets in memory across commits), the open ones at the end;
 *   (3) gloved serve on a fresh PostgreSQL database ([store] instances =
 *       one: it alone serves the database), fed JSON arrays of B reports
 *       over C keep-alive connections, timed from the first request to the
 *       last 200;
 *   (3b) with --instances N (N > 1): N daemons with instances = several on
 *       a fresh database on different ports, the connections spread over
 *       them, every request holding reports of every machine (one that is
 *       refused is reported and the run goes on with those that came up);
 *       with --instances 1 --several, one daemon in that mode (the cost of
 *       the mode itself);
 *   (3c) with --instances N (N > 1): the same, but each instance given the
 *       reports of its own machines (machine % N), as a load balancer that
 *       hashes by gateway sends them;
 *   (4) the same load on gloved serve on an SQLite file (--no-sqlite skips).
 * Every answer must be 200 with all reports accepted, and afterwards the day
 * rollups must hold exactly the pieces sent. Prints reports/s, the ratios
 * gloved / COPY of the same rows (2b: target >= 0.5) and of the samples
 * alone (1), the CPU of the daemons and of the database
 * server, and the load of other processes on the shared machine. The server
 * is $GLOVED_BENCH_PG (or $GLOVED_TEST_PG), else a private one from
 * scripts/pg.sh, stopped at the end. A benchmark, not a test: see
 * docs/performance.md. */
#include "lib/bench_load.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/ltime.h"

#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_INSTANCES 8
#define DB_COPY       "gloved_bench_copy"
#define DB_INGEST     "gloved_bench_ingest"

typedef struct opts {
	long machines, batch, conns, reports, instances;
	int no_sqlite, keep, several;
	char gloved[512];
} opts;

static char tmp_dir[256];
static bench_pg pg;
static volatile pid_t daemons[MAX_INSTANCES + 1];

static void on_signal(int sig)
{
	(void)sig;
	for (int i = 0; i <= MAX_INSTANCES; i++) {
		pid_t p = daemons[i];
		if (p > 0) {
			kill(p, SIGKILL);
			waitpid(p, NULL, 0);
		}
	}
	bench_pg_stop_from_signal(&pg);
	static const char msg[] = "pg_ingest_bench: interrupted\n";
	ssize_t w = write(2, msg, sizeof msg - 1);
	(void)w;
	_exit(130);
}

/* ---- (1) and (2): COPY ---- */

/* Per machine, per level: the rollup row summed in this transaction. */
typedef struct acc {
	int64_t bucket[3], good[3], reject[3];
	uint8_t pending[3], touched;
	int64_t last_ts, since_ts;
	uint64_t count, reject_cum;
} acc;

static const char *const roll_sql[3] = {
    "INSERT INTO rollup_minute AS t(bucket, machine_id, enterprise_id, workshop_id, good,"
    " reject) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],"
    " $5::bigint[], $6::bigint[]) ON CONFLICT(bucket, machine_id) DO UPDATE SET"
    " good = t.good + excluded.good, reject = t.reject + excluded.reject",
    "INSERT INTO rollup_hour AS t(bucket, machine_id, enterprise_id, workshop_id, good,"
    " reject) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],"
    " $5::bigint[], $6::bigint[]) ON CONFLICT(bucket, machine_id) DO UPDATE SET"
    " good = t.good + excluded.good, reject = t.reject + excluded.reject",
    "INSERT INTO rollup_day AS t(bucket, machine_id, enterprise_id, workshop_id, good,"
    " reject) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],"
    " $5::bigint[], $6::bigint[]) ON CONFLICT(bucket, machine_id) DO UPDATE SET"
    " good = t.good + excluded.good, reject = t.reject + excluded.reject",
};
static const char live_sql[] =
    "INSERT INTO machine_live(machine_id, last_ts, count, reject, state, reason, since_ts)"
    " SELECT m, l, c, r, 1, '', s FROM unnest($1::bigint[], $2::bigint[], $3::bigint[],"
    " $4::bigint[], $5::bigint[]) AS u(m, l, c, r, s) ON CONFLICT(machine_id) DO UPDATE SET"
    " last_ts = excluded.last_ts, count = excluded.count, reject = excluded.reject,"
    " state = excluded.state, reason = excluded.reason, since_ts = excluded.since_ts";

/* Array literals being built, one per parameter. */
typedef struct arrays {
	buf a[6];
	int n;
} arrays;

static void arrays_reset(arrays *x, int n)
{
	x->n = n;
	for (int i = 0; i < n; i++) {
		buf_reset(&x->a[i]);
		buf_puts(&x->a[i], "{");
	}
}

static int arrays_add(arrays *x, const int64_t *v)
{
	int rc = 0;
	for (int i = 0; i < x->n && !rc; i++)
		rc = buf_printf(&x->a[i], "%s%lld", x->a[i].len > 1 ? "," : "", (long long)v[i]);
	return rc;
}

static int arrays_run(PGconn *c, const char *name, arrays *x)
{
	const char *vals[6];
	for (int i = 0; i < x->n; i++) {
		if (buf_puts(&x->a[i], "}"))
			return -1;
		vals[i] = x->a[i].data;
	}
	PGresult *r = PQexecPrepared(c, name, x->n, vals, NULL, NULL, 0);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
	if (rc)
		fprintf(stderr, "pg_ingest_bench: %s: %s", name, PQerrorMessage(c));
	PQclear(r);
	return rc;
}

typedef struct copy_result {
	double secs, server_cpu_s, other_cores;
	long commits;
} copy_result;

/* What copy_run writes beside the samples. */
enum { FULL_NONE, FULL_BATCH, FULL_AS_GLOVED };

static int copy_run(const opts *o, const bench_rep *reps, const char *uri, int full,
		    copy_result *res)
{
	int rc = -1;
	acc *a = calloc((size_t)o->machines, sizeof *a);
	arrays ar;
	for (int i = 0; i < 6; i++)
		buf_init(&ar.a[i], 0);
	buf line;
	buf_init(&line, 0);
	memset(res, 0, sizeof *res);
	PGconn *c = PQconnectdb(uri);
	if (!a || PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "pg_ingest_bench: %s", PQerrorMessage(c));
		goto out;
	}
	if (bench_pg_exec(c, "TRUNCATE sample, rollup_minute, rollup_hour, rollup_day,"
			     " machine_live"))
		goto out;
	for (int l = 0; l < 3; l++) {
		char name[16];
		snprintf(name, sizeof name, "roll%d", l);
		PGresult *r = PQprepare(c, name, roll_sql[l], 6, NULL);
		int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (!ok)
			goto out;
	}
	PGresult *pr = PQprepare(c, "live", live_sql, 5, NULL);
	int ok = PQresultStatus(pr) == PGRES_COMMAND_OK;
	PQclear(pr);
	if (!ok)
		goto out;
	int64_t day_start = 0, day_next = 0;
	bench_noise nz;
	double cpu0 = bench_pg_cpu_s(&pg);
	bench_noise_start(&nz, cpu0);
	double t = bench_now_s();
	for (long i = 0; i < o->reports; i += o->batch) {
		long end = i + o->batch < o->reports ? i + o->batch : o->reports;
		if (bench_pg_exec(c, "BEGIN"))
			goto out;
		PGresult *r = PQexec(c, "COPY sample(ts, machine_id, count, reject, d_good,"
					" d_reject, state, reason, worker) FROM STDIN");
		ok = PQresultStatus(r) == PGRES_COPY_IN;
		PQclear(r);
		if (!ok) {
			fprintf(stderr, "pg_ingest_bench: COPY: %s", PQerrorMessage(c));
			goto out;
		}
		buf_reset(&line);
		for (long k = i; k < end; k++) {
			const bench_rep *x = &reps[k];
			if (buf_printf(&line, "%lld\t%ld\t%llu\t%llu\t%lld\t%lld\t1\t\\N\t\\N\n",
				       (long long)x->ts_ms, x->machine + 1,
				       (unsigned long long)x->count, (unsigned long long)x->reject,
				       (long long)x->d_good, (long long)x->d_reject))
				goto out;
		}
		if (PQputCopyData(c, line.data, (int)line.len) != 1 || PQputCopyEnd(c, NULL) != 1)
			goto out;
		r = PQgetResult(c);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		while ((r = PQgetResult(c)) != NULL)
			PQclear(r);
		if (!ok) {
			fprintf(stderr, "pg_ingest_bench: COPY: %s", PQerrorMessage(c));
			goto out;
		}
		if (full) {
			/* per level, one row per (bucket, machine): a machine's
			 * reports are time-ordered, so a bucket it left does not
			 * come back within the batch and no key repeats */
			for (int l = 0; l < 3; l++) {
				arrays_reset(&ar, 6);
				int n = 0;
				for (long k = i; k < end; k++) {
					const bench_rep *x = &reps[k];
					acc *m = &a[x->machine];
					if (l == 0) {
						if (!m->touched && !m->since_ts)
							m->since_ts = x->ts_ms;
						m->touched = 1;
						m->last_ts = x->ts_ms;
						m->count = x->count;
						m->reject_cum = x->reject;
					}
					if (x->d_good == 0 && x->d_reject == 0)
						continue; /* as the daemon: nothing to credit */
					if (x->ts_ms < day_start || x->ts_ms >= day_next) {
						day_start = ltime_day_start(x->ts_ms);
						day_next = ltime_next_day_start(x->ts_ms);
					}
					int64_t b = l == 0   ? x->ts_ms - x->ts_ms % 60000
						    : l == 1 ? x->ts_ms - x->ts_ms % 3600000
							     : day_start;
					if (m->pending[l] && m->bucket[l] != b) {
						int64_t v[6] = {m->bucket[l], x->machine + 1, 1, 1,
								m->good[l],   m->reject[l]};
						if (arrays_add(&ar, v))
							goto out;
						n++;
						m->pending[l] = 0;
					}
					if (!m->pending[l]) {
						m->pending[l] = 1;
						m->bucket[l] = b;
						m->good[l] = m->reject[l] = 0;
					}
					m->good[l] += x->d_good;
					m->reject[l] += x->d_reject;
				}
				/* FULL_BATCH: every open row at the end of each batch;
				 * FULL_AS_GLOVED: only at the end of the run (a row goes
				 * in once, when its machine leaves the bucket) */
				for (long j = 0;
				     (full == FULL_BATCH || end == o->reports) && j < o->machines;
				     j++) {
					acc *m = &a[j];
					if (!m->pending[l])
						continue;
					int64_t v[6] = {m->bucket[l], j + 1,       1, 1,
							m->good[l],   m->reject[l]};
					if (arrays_add(&ar, v))
						goto out;
					n++;
					m->pending[l] = 0;
				}
				char name[16];
				snprintf(name, sizeof name, "roll%d", l);
				if (n && arrays_run(c, name, &ar))
					goto out;
			}
			arrays_reset(&ar, 5);
			int n = 0;
			for (long j = 0; j < o->machines; j++) {
				acc *m = &a[j];
				if (!m->touched)
					continue;
				int64_t v[5] = {j + 1, m->last_ts, (int64_t)m->count,
						(int64_t)m->reject_cum, m->since_ts};
				if (arrays_add(&ar, v))
					goto out;
				m->touched = 0;
				n++;
			}
			if (n && arrays_run(c, "live", &ar))
				goto out;
		}
		if (bench_pg_exec(c, "COMMIT"))
			goto out;
		res->commits++;
	}
	res->secs = bench_now_s() - t;
	double cpu1 = bench_pg_cpu_s(&pg);
	res->server_cpu_s = cpu0 >= 0 ? cpu1 - cpu0 : -1;
	res->other_cores = bench_noise_end(&nz, cpu1);
	rc = 0;
out:
	PQfinish(c);
	free(a);
	for (int i = 0; i < 6; i++)
		buf_free(&ar.a[i]);
	buf_free(&line);
	return rc;
}

/* ---- (3) and (4): gloved ---- */

typedef struct daemon_result {
	double xacts;     /* PostgreSQL: transactions committed in the database during the load */
	double bytes;     /* the database's size after the load (PostgreSQL: pg_database_size) */
	char tables[600]; /* PostgreSQL: the tables written most, with their scans */
	int instances;    /* that came up */
	int refused;      /* instances refused: another gloved serves the database */
	bench_load_result load;
	double daemon_cpu_s, server_cpu_s, commits, avg_commit;
	long peak_rss_kb;
	int64_t good, reject;
	int ok;
} daemon_result;

/* Transactions committed in the database so far (pg_stat_database). The
 * statistics reach the view within a second of a backend going idle. */
static double db_xacts(const char *uri)
{
	PGconn *c = PQconnectdb(uri);
	double v = 0;
	nanosleep(&(struct timespec){1, 100000000L}, NULL);
	PGresult *r = PQexec(c, "SELECT xact_commit FROM pg_stat_database"
				" WHERE datname = current_database()");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = strtod(PQgetvalue(r, 0, 0), NULL);
	PQclear(r);
	PQfinish(c);
	return v;
}

/* The tables written most: rows inserted and updated, sequential and index
 * scans (where the time of gloved's writes goes). */
static void db_tables(const char *uri, char *out, size_t cap, double *bytes)
{
	PGconn *c = PQconnectdb(uri);
	PGresult *sz = PQexec(c, "SELECT pg_database_size(current_database())");
	*bytes = PQresultStatus(sz) == PGRES_TUPLES_OK && PQntuples(sz) == 1
		     ? strtod(PQgetvalue(sz, 0, 0), NULL)
		     : 0;
	PQclear(sz);
	PGresult *r = PQexec(c, "SELECT relname, n_tup_ins, n_tup_upd, seq_scan, idx_scan"
				" FROM pg_stat_user_tables ORDER BY n_tup_ins + n_tup_upd DESC"
				" LIMIT 5");
	size_t k = 0;
	out[0] = '\0';
	for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r) && k < cap; i++) {
		int n = snprintf(out + k, cap - k, "%s%s ins %s upd %s seq %s idx %s",
				 i ? "; " : "", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
				 PQgetvalue(r, i, 2), PQgetvalue(r, i, 3), PQgetvalue(r, i, 4));
		if (n < 0)
			break;
		k += (size_t)n;
	}
	PQclear(r);
	PQfinish(c);
}

/* The load with each instance given the reports of its own machines
 * (machine % n), in batches of B, over its share of the connections (a
 * load balancer that hashes by gateway). */
static int pinned_load(const opts *o, const bench_rep *reps, const char *token, const int *ports,
		       int n, const pid_t *pids, bench_load_result *res)
{
	bench_plan pins[MAX_INSTANCES];
	memset(pins, 0, sizeof pins);
	bench_rep *part = malloc((size_t)o->reports * sizeof *part);
	int rc = part ? 0 : -1, built = 0;
	for (; built < n && !rc; built++) {
		long np = 0;
		for (long i = 0; i < o->reports; i++)
			if (reps[i].machine % n == built)
				part[np++] = reps[i];
		rc = bench_plan_build(&pins[built], part, np, o->batch, token);
	}
	if (rc)
		fprintf(stderr, "pg_ingest_bench: cannot build the pinned plans\n");
	else
		rc = bench_load_run_plans(pins, n, ports, n, o->conns, pids, n, res);
	for (int k = 0; k < built; k++)
		bench_plan_free(&pins[k]);
	free(part);
	return rc;
}

static int daemon_run(const opts *o, const bench_rep *reps, int64_t t0, int64_t want_good,
		      int64_t want_reject, const char *db, int want_instances, int several,
		      int pinned, daemon_result *res)
{
	int rc = -1, is_pg = store_is_uri(db);
	pid_t pids[MAX_INSTANCES + 1];
	int ports[MAX_INSTANCES], n_up = 0;
	bench_plan plan;
	memset(&plan, 0, sizeof plan);
	memset(res, 0, sizeof *res);
	res->good = res->reject = -1;
	char token[256] = "", keyp[400], logp[400], maxrec[32], maxbody[32];
	snprintf(keyp, sizeof keyp, "%s/brand.key", tmp_dir);
	unlink(keyp);

	double t = bench_now_s();
	if (bench_register_fast(o->gloved, o->machines, db, token, sizeof token)) {
		fprintf(stderr, "pg_ingest_bench: registering the bench cluster failed\n");
		goto out;
	}
	fprintf(stderr, "pg_ingest_bench: registered %ld machines on %s in %.1f s\n", o->machines,
		is_pg ? "PostgreSQL" : "SQLite", bench_now_s() - t);
	if (bench_plan_build(&plan, reps, o->reports, o->batch, token))
		goto out;
	snprintf(maxrec, sizeof maxrec, "%ld", o->batch > 10000 ? o->batch : 10000);
	snprintf(maxbody, sizeof maxbody, "%zu",
		 plan.max_body + 1024 > ((size_t)4 << 20) ? plan.max_body + 1024
							  : ((size_t)4 << 20));
	/* C requests in flight span C*B/M report periods of machine time: a
	 * reorder window wide enough that none is ignored as late */
	char window[32];
	double spread_s =
	    (double)o->conns * (double)o->batch / (double)o->machines * (REPORT_PERIOD_MS / 1000.0);
	double w = spread_s * 2 > 900 ? spread_s * 2 : 900;
	snprintf(window, sizeof window, "%.0f", w < 604800 ? w : 604800);
	for (int i = 0; i < want_instances; i++) {
		char *argv[] = {(char *)o->gloved,
				"serve",
				"--db",
				(char *)db,
				"--listen",
				"PORT", /* filled by bench_gloved_start */
				"--no-mqtt",
				"--max-records",
				maxrec,
				"--max-body",
				maxbody,
				"--reorder-window",
				window,
				"--brand-key-file",
				keyp,
				"--log-level",
				"warn",
				several ? "--instances" : NULL,
				"several",
				NULL};
		snprintf(logp, sizeof logp, "%s/gloved-%s-%d.log", tmp_dir, is_pg ? "pg" : "sqlite",
			 i);
		int refused = 0;
		pid_t p = bench_gloved_start(argv, logp, &ports[n_up], &refused, &daemons[i]);
		if (p < 0) {
			if (refused && i > 0) {
				res->refused++;
				printf("  instance %d of %d refused (another gloved holds the "
				       "database): going on with %d\n",
				       i + 1, want_instances, n_up);
				continue;
			}
			fprintf(stderr,
				"pg_ingest_bench: gloved serve did not come up; its log:\n");
			bench_print_file(logp, "  ");
			goto out;
		}
		pids[n_up++] = p;
	}
	res->instances = n_up;
	int npids = n_up;
	if (is_pg && pg.postmaster > 0)
		pids[npids++] = pg.postmaster;
	double x0 = is_pg ? db_xacts(db) : 0;
	double cpu0 = 0, scpu0 = bench_pg_cpu_s(&pg);
	for (int i = 0; i < n_up; i++)
		cpu0 += bench_proc_cpu_s(pids[i]);
	int lrc = pinned && n_up > 1
		      ? pinned_load(o, reps, token, ports, n_up, pids, &res->load)
		      : bench_load_run(&plan, ports, n_up, o->conns, pids, n_up, &res->load);
	if (lrc)
		goto out;
	/* the server's CPU is ours too, not other load: bench_load_run knows
	 * only the postmaster, whose backends are its children */
	double scpu1 = bench_pg_cpu_s(&pg);
	if (is_pg && scpu0 >= 0) {
		res->server_cpu_s = scpu1 - scpu0;
		res->load.other_cores -=
		    res->server_cpu_s / (res->load.secs > 0 ? res->load.secs : 1);
		if (res->load.other_cores < 0)
			res->load.other_cores = 0;
	}
	if (is_pg) {
		res->xacts = db_xacts(db) - x0;
		db_tables(db, res->tables, sizeof res->tables, &res->bytes);
	} else {
		struct stat st;
		char wal[450];
		snprintf(wal, sizeof wal, "%s-wal", db);
		res->bytes = stat(db, &st) == 0 ? (double)st.st_size : 0;
		res->bytes += stat(wal, &st) == 0 ? (double)st.st_size : 0;
	}
	for (int i = 0; i < n_up; i++) {
		res->daemon_cpu_s += bench_proc_cpu_s(pids[i]);
		long kb = bench_proc_status_kb(pids[i], "VmHWM");
		res->peak_rss_kb = kb > res->peak_rss_kb ? kb : res->peak_rss_kb;
	}
	res->daemon_cpu_s -= cpu0;
	for (int i = 0; i < n_up; i++) {
		buf out;
		buf_init(&out, 0);
		int status = 0;
		if (bench_http_once(ports[i], "GET", "/metrics", NULL, NULL, &status, &out) == 0 &&
		    status == 200) {
			double c = bench_metric(out.data, "gloved_commits_total");
			double sum = bench_metric(out.data, "gloved_commit_batch_size_sum");
			double cnt = bench_metric(out.data, "gloved_commit_batch_size_count");
			res->commits += c > 0 ? c : 0;
			if (cnt > 0)
				res->avg_commit = sum / cnt;
		}
		buf_free(&out);
	}
	if (bench_day_totals(ports[0], t0, want_good, want_reject, &res->good, &res->reject))
		goto out;
	res->ok = res->load.failures == 0 && res->good == want_good && res->reject == want_reject;
	rc = 0;
out:
	for (int i = 0; i < n_up; i++)
		if (bench_stop_daemon(pids[i], &daemons[i])) {
			fprintf(stderr, "pg_ingest_bench: gloved serve did not stop cleanly\n");
			rc = -1;
		}
	bench_plan_free(&plan);
	return rc;
}

/* ---- main ---- */

static void usage(FILE *f)
{
	fprintf(f, "usage: pg_ingest_bench [options]\n\n"
		   "Times HTTP batch ingest into gloved on PostgreSQL against COPY of the same\n"
		   "rows, and the same load on SQLite. The server: $GLOVED_BENCH_PG (or\n"
		   "$GLOVED_TEST_PG), else a private one from scripts/pg.sh.\n\n"
		   "  -m, --machines M      machines, each reporting every 30 s (default 1000)\n"
		   "  -b, --batch B         reports per request and per COPY transaction "
		   "(default 1000)\n"
		   "  -c, --connections C   concurrent keep-alive connections (default 4)\n"
		   "  -n, --reports N       reports in all (default 200000; --quick 30000)\n"
		   "      --instances N     also N gloved daemons with instances = several on one\n"
		   "                        PostgreSQL database (default 1: not run)\n"
		   "      --several         with --instances 1: run one daemon in that mode\n"
		   "      --no-sqlite       skip the SQLite run\n"
		   "      --gloved PATH     the daemon binary (default: next to this program)\n"
		   "      --keep            keep the temporary folder and the databases\n");
}

static int parse_args(int argc, char **argv, opts *o)
{
	o->machines = 1000;
	o->batch = 1000;
	o->conns = 4;
	o->reports = 200000;
	o->instances = 1;
	char self[400];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash)
			*slash = '\0';
		snprintf(o->gloved, sizeof o->gloved, "%s/gloved", self);
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long *target = NULL, lo = 1, hi = 0;
		if (strcmp(a, "-m") == 0 || strcmp(a, "--machines") == 0) {
			target = &o->machines;
			hi = 99999;
		} else if (strcmp(a, "-b") == 0 || strcmp(a, "--batch") == 0) {
			target = &o->batch;
			hi = 100000;
		} else if (strcmp(a, "-c") == 0 || strcmp(a, "--connections") == 0) {
			target = &o->conns;
			hi = 256;
		} else if (strcmp(a, "-n") == 0 || strcmp(a, "--reports") == 0) {
			target = &o->reports;
			hi = 20000000;
		} else if (strcmp(a, "--instances") == 0) {
			target = &o->instances;
			hi = MAX_INSTANCES;
		} else if (strcmp(a, "--quick") == 0) {
			o->reports = 30000;
			continue;
		} else if (strcmp(a, "--several") == 0) {
			o->several = 1;
			continue;
		} else if (strcmp(a, "--no-sqlite") == 0) {
			o->no_sqlite = 1;
			continue;
		} else if (strcmp(a, "--keep") == 0) {
			o->keep = 1;
			continue;
		} else if (strcmp(a, "--gloved") == 0 && v) {
			snprintf(o->gloved, sizeof o->gloved, "%s", v);
			i++;
			continue;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 1;
		} else {
			/* bench/run.sh passes its arguments to every benchmark: an
			 * option meant for another one is skipped with its value */
			if (v && v[0] != '-')
				i++;
			continue;
		}
		if (bench_parse_long(v, lo, hi, target)) {
			fprintf(stderr, "pg_ingest_bench: %s needs an integer in %ld..%ld\n", a, lo,
				hi);
			return -1;
		}
		i++;
	}
	if (access(o->gloved, X_OK) != 0) {
		fprintf(stderr,
			"pg_ingest_bench: no daemon binary at %s (build it or use --gloved)\n",
			o->gloved);
		return -1;
	}
	return 0;
}

static double rate(double n, double secs)
{
	return secs > 0 ? n / secs : 0;
}

static void print_daemon(const char *what, const daemon_result *d, double n)
{
	printf("  %-46s %10.0f reports/s  (%.2f s", what, rate(n, d->load.secs), d->load.secs);
	if (d->instances > 1)
		printf(", %d instances", d->instances);
	printf(")\n");
}

int main(int argc, char **argv)
{
	bench_prog = "pg_ingest_bench";
	opts o;
	memset(&o, 0, sizeof o);
	int pa = parse_args(argc, argv, &o);
	if (pa)
		return pa > 0 ? 0 : 2;
	if (ltime_set_zone(TIMEZONE)) {
		fprintf(stderr, "pg_ingest_bench: no tz data for %s\n", TIMEZONE);
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	const char *tmp = getenv("TMPDIR");
	snprintf(tmp_dir, sizeof tmp_dir, "%s/gloved-pgbench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmp_dir)) {
		fprintf(stderr, "pg_ingest_bench: cannot create %s\n", tmp_dir);
		return 1;
	}
	int fail = 1;
	bench_rep *reps = NULL;
	if (bench_pg_start(&pg)) {
		/* not a failure of gloved: bench/run.sh goes on with the others */
		printf("%s: skipped: no PostgreSQL server (set GLOVED_BENCH_PG to a URI, or "
		       "install postgresql-15 for scripts/pg.sh)\n",
		       bench_prog);
		fail = 0;
		goto done;
	}
	char copy_uri[1100], ingest_uri[1100], shown[1100], sqlite_db[400];
	if (bench_pg_uri(&pg, DB_COPY, copy_uri, sizeof copy_uri) ||
	    bench_pg_uri(&pg, DB_INGEST, ingest_uri, sizeof ingest_uri)) {
		fprintf(stderr, "pg_ingest_bench: cannot make database URIs\n");
		goto done;
	}
	snprintf(sqlite_db, sizeof sqlite_db, "%s/gloved.db", tmp_dir);

	long ticks = (o.reports + o.machines - 1) / o.machines;
	int64_t t0 = ltime_now_ms() - 60000 - (int64_t)ticks * REPORT_PERIOD_MS;
	t0 -= t0 % 60000;
	int64_t good = 0, reject = 0;
	reps = bench_make_reports(o.machines, o.reports, t0, &good, &reject);
	if (!reps) {
		fprintf(stderr, "pg_ingest_bench: out of memory\n");
		goto done;
	}
	/* the server's version and durability settings, as they are */
	char ver[64] = "?", fsync_s[16] = "?", sync_s[16] = "?", sb[32] = "?", wal[32] = "?";
	PGconn *c = PQconnectdb(pg.uri);
	if (PQstatus(c) == CONNECTION_OK) {
		const char *keys[] = {"server_version", "fsync", "synchronous_commit",
				      "shared_buffers", "wal_level"};
		char *vals[] = {ver, fsync_s, sync_s, sb, wal};
		size_t caps[] = {sizeof ver, sizeof fsync_s, sizeof sync_s, sizeof sb, sizeof wal};
		for (int i = 0; i < 5; i++) {
			char q[80];
			snprintf(q, sizeof q, "SHOW %s", keys[i]);
			PGresult *r = PQexec(c, q);
			if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
				snprintf(vals[i], caps[i], "%s", PQgetvalue(r, 0, 0));
			PQclear(r);
		}
	}
	PQfinish(c);
	printf("gloved PostgreSQL ingest benchmark: %ld reports, %ld machines (one report / 30 s "
	       "each), %ld per request and per COPY transaction, %ld connection%s, %ld gloved "
	       "instance%s asked\n",
	       o.reports, o.machines, o.batch, o.conns, o.conns == 1 ? "" : "s", o.instances,
	       o.instances == 1 ? "" : "s");
	printf("PostgreSQL %s at %s (%s): fsync=%s synchronous_commit=%s shared_buffers=%s "
	       "wal_level=%s\n",
	       ver, store_uri_shown(pg.uri, shown, sizeof shown),
	       pg.uri_given ? "given" : "private, scripts/pg.sh", fsync_s, sync_s, sb, wal);
	printf("machine: %ld CPUs; temporary files in %s\n", sysconf(_SC_NPROCESSORS_ONLN),
	       tmp_dir);
	fflush(stdout);

	/* (1) and (2): the database made by gloved's own schema code */
	store *s = NULL;
	copy_result cp, cf, cg;
	if (bench_pg_fresh_db(&pg, DB_COPY) || store_open(copy_uri, STORE_WRITE, NULL, &s)) {
		fprintf(stderr, "pg_ingest_bench: cannot make database %s\n", DB_COPY);
		goto done;
	}
	store_close(s);
	if (copy_run(&o, reps, copy_uri, FULL_NONE, &cp) ||
	    copy_run(&o, reps, copy_uri, FULL_BATCH, &cf) ||
	    copy_run(&o, reps, copy_uri, FULL_AS_GLOVED, &cg))
		goto done;
	/* (3) */
	daemon_result dp, dm, ds;
	memset(&ds, 0, sizeof ds);
	memset(&dm, 0, sizeof dm);
	if (bench_pg_fresh_db(&pg, DB_INGEST) ||
	    daemon_run(&o, reps, t0, good, reject, ingest_uri, 1, 0, 0, &dp))
		goto done;
	/* (3b) */
	int multi = o.instances > 1 || o.several;
	if (multi &&
	    (bench_pg_fresh_db(&pg, DB_INGEST) ||
	     daemon_run(&o, reps, t0, good, reject, ingest_uri, (int)o.instances, 1, 0, &dm)))
		goto done;
	/* (3c) the same with each instance given its own machines */
	daemon_result dn;
	memset(&dn, 0, sizeof dn);
	int pin = o.instances > 1;
	if (pin &&
	    (bench_pg_fresh_db(&pg, DB_INGEST) ||
	     daemon_run(&o, reps, t0, good, reject, ingest_uri, (int)o.instances, 1, 1, &dn)))
		goto done;
	/* (4) */
	if (!o.no_sqlite && daemon_run(&o, reps, t0, good, reject, sqlite_db, 1, 0, 0, &ds))
		goto done;

	double n = (double)o.reports, rp = rate(n, dp.load.secs);
	printf("\n");
	printf("  %-46s %10.0f rows/s     (%.2f s, %ld commits)\n",
	       "PostgreSQL COPY ceiling (sample rows)", rate(n, cp.secs), cp.secs, cp.commits);
	printf("  %-46s %10.0f reports/s  (%.2f s)\n", "PostgreSQL COPY + per-batch rollups + live",
	       rate(n, cf.secs), cf.secs);
	printf("  %-46s %10.0f reports/s  (%.2f s)\n", "PostgreSQL COPY + rollups as gloved + live",
	       rate(n, cg.secs), cg.secs);
	print_daemon("gloved on PostgreSQL over HTTP (durable)", &dp, n);
	double rm = rate(n, dm.load.secs);
	if (multi) {
		char what[80];
		snprintf(what, sizeof what, "gloved PG, several (%d up), machines spread",
			 dm.instances);
		print_daemon(what, &dm, n);
	}
	double rn = rate(n, dn.load.secs);
	if (pin) {
		char what[80];
		snprintf(what, sizeof what, "gloved PG, several (%d up), machines pinned",
			 dn.instances);
		print_daemon(what, &dn, n);
	}
	if (!o.no_sqlite)
		print_daemon("gloved on SQLite over HTTP (durable, FULL)", &ds, n);
	double ratio = cp.secs > 0 ? rp / rate(n, cp.secs) : 0;
	double ratio_f = cf.secs > 0 ? rp / rate(n, cf.secs) : 0;
	/* the target compares with COPY of the same rows: every row gloved
	 * writes for the reports (samples, rollups as gloved writes them, the
	 * live rows), 2b; the samples alone, 1, are shown beside */
	double ratio_g = cg.secs > 0 ? rp / rate(n, cg.secs) : 0;
	printf("  %-46s %10.2f  (target >= 0.50: %s)\n",
	       "ratio gloved PG / COPY + rollups as gloved", ratio_g,
	       ratio_g >= 0.5 ? "met" : "NOT met");
	printf("  %-46s %10.2f  (the sample rows alone)\n", "ratio gloved PG / COPY", ratio);
	printf("  %-46s %10.2f\n", "ratio gloved PG / COPY + per-batch rollups", ratio_f);
	if (!o.no_sqlite && ds.load.secs > 0)
		printf("  %-46s %10.2f\n", "ratio gloved PG / gloved SQLite",
		       rp / rate(n, ds.load.secs));
	double ratio_m = cp.secs > 0 ? rm / rate(n, cp.secs) : 0;
	if (multi) {
		printf("  %-46s %10.2f\n", "ratio several / COPY", ratio_m);
		printf("  %-46s %10.2f\n", "ratio several / COPY + per-batch rollups",
		       cf.secs > 0 ? rm / rate(n, cf.secs) : 0);
		printf("  %-46s %10.2f\n", "ratio several / one instance", rp > 0 ? rm / rp : 0);
		printf("  %-46s %ld requests, %ld failed; good %lld, reject %lld: %s\n",
		       "several: answers and day rollups", dm.load.requests, dm.load.failures,
		       (long long)dm.good, (long long)dm.reject,
		       dm.ok ? "nothing lost" : "MISMATCH");
		printf("  %-46s %.0f commits, %.0f reports per commit, %.0f transactions\n",
		       "several: group commits", dm.commits, dm.avg_commit, dm.xacts);
		printf("  %-46s gloved %.2f us, PostgreSQL server %.2f us\n",
		       "CPU per report (several run)", dm.daemon_cpu_s * 1e6 / n,
		       dm.server_cpu_s * 1e6 / n);
		printf("  %-46s %s\n", "several: tables written most", dm.tables);
	}
	if (pin) {
		printf("  %-46s %10.2f\n", "ratio pinned / COPY",
		       cp.secs > 0 ? rn / rate(n, cp.secs) : 0);
		printf("  %-46s %10.2f\n", "ratio pinned / COPY + rollups as gloved",
		       cg.secs > 0 ? rn / rate(n, cg.secs) : 0);
		printf("  %-46s %10.2f\n", "ratio pinned / one instance", rp > 0 ? rn / rp : 0);
		printf("  %-46s %ld requests, %ld failed; good %lld, reject %lld: %s\n",
		       "pinned: answers and day rollups", dn.load.requests, dn.load.failures,
		       (long long)dn.good, (long long)dn.reject,
		       dn.ok ? "nothing lost" : "MISMATCH");
		printf("  %-46s gloved %.2f us, PostgreSQL server %.2f us\n",
		       "CPU per report (pinned run)", dn.daemon_cpu_s * 1e6 / n,
		       dn.server_cpu_s * 1e6 / n);
	}
	printf("  %-46s %ld requests, %ld failed, %ld accepted, %ld duplicates, %ld late\n",
	       "PG answers", dp.load.requests, dp.load.failures, dp.load.accepted,
	       dp.load.duplicates, dp.load.late);
	printf("  %-46s %.0f commits, %.0f reports per commit\n", "PG daemon group commits",
	       dp.commits, dp.avg_commit);
	printf("  %-46s %.0f (%.1f per request)\n", "PG transactions during the load", dp.xacts,
	       dp.load.requests ? dp.xacts / (double)dp.load.requests : 0);
	printf("  %-46s %s\n", "PG tables written most", dp.tables);
	printf("  %-46s PostgreSQL %.0f MiB, SQLite %.0f MiB per million reports (the registry "
	       "and empty tables included)\n",
	       "database size", dp.bytes / 1048576.0 * 1e6 / n, ds.bytes / 1048576.0 * 1e6 / n);
	printf("  %-46s good %lld of %lld, reject %lld of %lld: %s\n", "PG day rollups vs sent",
	       (long long)dp.good, (long long)good, (long long)dp.reject, (long long)reject,
	       dp.ok ? "nothing lost" : "MISMATCH");
	if (!o.no_sqlite)
		printf("  %-46s good %lld, reject %lld: %s\n", "SQLite day rollups vs sent",
		       (long long)ds.good, (long long)ds.reject,
		       ds.ok ? "nothing lost" : "MISMATCH");
	printf("  %-46s gloved %.2f us, PostgreSQL server %.2f us\n", "CPU per report (PG run)",
	       dp.daemon_cpu_s * 1e6 / n, dp.server_cpu_s * 1e6 / n);
	if (!o.no_sqlite)
		printf("  %-46s gloved %.2f us\n", "CPU per report (SQLite run)",
		       ds.daemon_cpu_s * 1e6 / n);
	printf("  %-46s COPY %.2f us, per-batch rollups %.2f us, as gloved %.2f us\n",
	       "server CPU per report (COPY runs)", cp.server_cpu_s * 1e6 / n,
	       cf.server_cpu_s * 1e6 / n, cg.server_cpu_s * 1e6 / n);
	double other = cp.other_cores;
	double ots[] = {cf.other_cores,      cg.other_cores,      dp.load.other_cores,
			ds.load.other_cores, dm.load.other_cores, dn.load.other_cores};
	for (int i = 0; i < 6; i++)
		other = ots[i] > other ? ots[i] : other;
	printf("  %-46s COPY %.2f, +rollups %.2f / %.2f, gloved PG %.2f, SQLite %.2f%s\n",
	       "other_cores (load of other processes)", cp.other_cores, cf.other_cores,
	       cg.other_cores, dp.load.other_cores, ds.load.other_cores,
	       other > 0.2 ? "  (a noisy machine: figures are low)" : "");
	printf(
	    "RESULT M=%ld B=%ld C=%ld N=%ld instances=%d copy_rows_s=%.0f copy_full_s=%.0f "
	    "copy_gloved_s=%.0f gloved_pg_s=%.0f gloved_sqlite_s=%.0f ratio=%.3f ratio_full=%.3f "
	    "ratio_as_gloved=%.3f "
	    "pg_cpu_us=%.2f server_cpu_us=%.2f several_s=%.0f several_up=%d ratio_several=%.3f "
	    "pinned_s=%.0f "
	    "other_cores=%.2f ok=%d\n",
	    o.machines, o.batch, o.conns, o.reports, dp.instances, rate(n, cp.secs),
	    rate(n, cf.secs), rate(n, cg.secs), rp, rate(n, ds.load.secs), ratio, ratio_f, ratio_g,
	    dp.daemon_cpu_s * 1e6 / n, dp.server_cpu_s * 1e6 / n, rm, dm.instances, ratio_m, rn,
	    other, dp.ok && (o.no_sqlite || ds.ok) && (!multi || dm.ok) && (!pin || dn.ok));
	fail = !dp.ok || (!o.no_sqlite && !ds.ok) || (multi && !dm.ok) || (pin && !dn.ok);
done:
	free(reps);
	if (!o.keep) {
		if (pg.uri[0]) {
			bench_pg_drop_db(&pg, DB_COPY);
			bench_pg_drop_db(&pg, DB_INGEST);
		}
		bench_remove_dir(tmp_dir);
	} else {
		fprintf(stderr, "pg_ingest_bench: kept %s and databases %s, %s\n", tmp_dir, DB_COPY,
			DB_INGEST);
	}
	bench_pg_stop(&pg);
	return fail;
}
