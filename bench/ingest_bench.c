/* SPDX-License-Identifier: Apache-2.0 */
/* ingest_bench.c: how fast gloved takes machine reports over HTTP into
 * SQLite, set beside what SQLite itself does on the same machine in the
 * same run. It generates N reports (M machines, one report every 30 s each,
 * cumulative counters rising, time-ordered, in the recent past) and times
 * three ways of storing them: (1) the raw ceiling, a plain program that
 * inserts the rows the daemon stores into the daemon's own `sample` table
 * (WAL, the daemon's synchronous setting, one prepared statement, one
 * transaction per B rows); (2) the raw full-write ceiling, the same plus
 * every other write the daemon makes for a report (minute, hour and day
 * rollup upserts and the machine_live upsert), to show where the time goes;
 * (3) the real daemon: `gloved serve` on a temporary database, registered
 * with `gloved admin`, fed JSON arrays of B reports from C keep-alive
 * connections, timed from the first request to the last 200. Every answer
 * must be 200 with accepted == B, and afterwards the day rollups must hold
 * exactly the good and rejected pieces sent, so a run also proves that
 * nothing was lost. It prints rows/s, the ratio daemon/raw ceiling, the
 * daemon's peak RSS and CPU time, and the database size per million
 * reports. A benchmark, not a test: see docs/performance.md. */
#include "store/store.h"
#include "lib/bench_util.h"
#include "util/buf.h"
#include "util/ltime.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

typedef struct bench_opt {
	long machines;     /* M */
	long batch;        /* B: reports per request and per raw transaction */
	long conns;        /* C */
	long reports;      /* N */
	int sync_full;     /* 1: synchronous=FULL (the daemon's default), 0: NORMAL */
	int skip_raw;      /* only the daemon */
	int keep;          /* keep the temporary folder */
	char gloved[512];  /* the daemon binary */
	char **serve_args; /* extra `gloved serve` options (after --) */
	int n_serve_args;
} bench_opt;

/* One generated report and the pieces the daemon must credit to it. */
typedef struct rep {
	int64_t ts_ms;
	uint64_t count, reject;
	int64_t d_good, d_reject;
	long machine; /* 0-based; machine id j+1, code M%05ld */
} rep;

/* ---- small helpers ---- */

/* The temporary folder, the files we make in it and the daemon, so that a
 * signal can clean up (unlink and rmdir are async-signal-safe). */
static const char *const tmp_names[] = {
    "gloved.db",  "gloved.db-wal", "gloved.db-shm", "gloved.log",      "raw.db",
    "raw.db-wal", "raw.db-shm",    "raw-full.db",   "raw-full.db-wal", "raw-full.db-shm"};
#define N_TMP_NAMES (sizeof tmp_names / sizeof tmp_names[0])
static char tmp_dir[256];
static char tmp_files[N_TMP_NAMES][300];
static volatile sig_atomic_t keep_tmp;
static volatile pid_t daemon_pid;

static void on_signal(int sig)
{
	(void)sig;
	pid_t p = daemon_pid;
	if (p > 0) {
		kill(p, SIGKILL);
		waitpid(p, NULL, 0);
	}
	if (!keep_tmp && tmp_dir[0]) {
		for (size_t i = 0; i < N_TMP_NAMES; i++)
			unlink(tmp_files[i]);
		rmdir(tmp_dir);
	}
	static const char msg[] = "ingest_bench: interrupted\n";
	ssize_t w = write(2, msg, sizeof msg - 1);
	(void)w;
	_exit(130);
}

static int64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* Database file plus its WAL, bytes. */
static int64_t db_bytes(const char *path)
{
	char wal[600];
	snprintf(wal, sizeof wal, "%s-wal", path);
	return file_size(path) + file_size(wal);
}

/* ---- the reports ---- */

/* Report i is machine i % M at tick i / M: ts = t0 + tick * 30 s, plus a
 * per-machine offset so that machines do not all report on the same
 * millisecond. Counters start at a per-machine value (the first report of
 * a machine is its baseline: no pieces) and rise by 8..16 good and now and
 * then one reject per report. */
static rep *make_reports(const bench_opt *o, int64_t t0, int64_t *good, int64_t *reject)
{
	rep *r = malloc((size_t)o->reports * sizeof *r);
	uint64_t *cnt = calloc((size_t)o->machines, sizeof *cnt);
	uint64_t *rej = calloc((size_t)o->machines, sizeof *rej);
	if (!r || !cnt || !rej) {
		free(r);
		r = NULL;
		goto out;
	}
	*good = *reject = 0;
	for (long i = 0; i < o->reports; i++) {
		long k = i / o->machines, j = i % o->machines;
		rep *x = &r[i];
		x->machine = j;
		x->ts_ms = t0 + (int64_t)k * REPORT_PERIOD_MS +
			   (int64_t)j * REPORT_PERIOD_MS / o->machines;
		if (k == 0) {
			cnt[j] = (uint64_t)j * 1000u;
			rej[j] = (uint64_t)j % 10u;
			x->d_good = x->d_reject = 0;
		} else {
			uint64_t g = 8 + (uint64_t)((j * 7 + k * 13) % 9);
			uint64_t rj = (j + k) % 10 == 0;
			cnt[j] += g;
			rej[j] += rj;
			x->d_good = (int64_t)g;
			x->d_reject = (int64_t)rj;
		}
		x->count = cnt[j];
		x->reject = rej[j];
		*good += x->d_good;
		*reject += x->d_reject;
	}
out:
	free(cnt);
	free(rej);
	return r;
}

/* ---- (1) and (2): the raw SQLite ceilings ---- */

/* The daemon's own write statements (src/store/sqlite/sqlite.c), so that
 * the full-write ceiling costs what the daemon's writes cost. */
static const char *const sql_rollup[3] = {
    "INSERT INTO rollup_minute(bucket, machine_id, enterprise_id, workshop_id, good, reject)"
    " VALUES(?,?,?,?,?,?) ON CONFLICT(bucket, machine_id) DO UPDATE SET"
    " good = good + excluded.good, reject = reject + excluded.reject",
    "INSERT INTO rollup_hour(bucket, machine_id, enterprise_id, workshop_id, good, reject)"
    " VALUES(?,?,?,?,?,?) ON CONFLICT(bucket, machine_id) DO UPDATE SET"
    " good = good + excluded.good, reject = reject + excluded.reject",
    "INSERT INTO rollup_day(bucket, machine_id, enterprise_id, workshop_id, good, reject)"
    " VALUES(?,?,?,?,?,?) ON CONFLICT(bucket, machine_id) DO UPDATE SET"
    " good = good + excluded.good, reject = reject + excluded.reject",
};
static const char sql_live[] =
    "INSERT INTO machine_live(machine_id, last_ts, count, reject, state, reason, since_ts)"
    " VALUES(?,?,?,?,?,?,?) ON CONFLICT(machine_id) DO UPDATE SET last_ts = excluded.last_ts,"
    " count = excluded.count, reject = excluded.reject, state = excluded.state,"
    " reason = excluded.reason, since_ts = excluded.since_ts";
static const char sql_sample[] =
    "INSERT INTO sample(ts, machine_id, count, reject, d_good, d_reject, state, reason, worker)"
    " VALUES(?,?,?,?,?,?,?,?,?)";

/* Per machine, per level: the rollup row being added up in this transaction. */
typedef struct raw_acc {
	int64_t bucket[3], good[3], reject[3];
	uint8_t pending[3];
	uint8_t touched;
	int64_t last_ts, since_ts;
	uint64_t count, reject_cum;
} raw_acc;

typedef struct raw_result {
	double secs;
	long commits;
	int64_t bytes;
} raw_result;

static int step(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "ingest_bench: sqlite: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "ingest_bench: sqlite: %s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int rollup_put(sqlite3 *db, sqlite3_stmt *st, int64_t bucket, long machine, int64_t good,
		      int64_t reject)
{
	sqlite3_bind_int64(st, 1, bucket);
	sqlite3_bind_int64(st, 2, machine + 1);
	sqlite3_bind_int64(st, 3, 1);
	sqlite3_bind_int64(st, 4, 1);
	sqlite3_bind_int64(st, 5, good);
	sqlite3_bind_int64(st, 6, reject);
	return step(db, st);
}

/* Stores reps into a fresh database at path: samples only, or (full) every
 * write the daemon's writer makes, in transactions of o->batch reports. */
static int raw_run(const bench_opt *o, const rep *reps, const char *path, int full, raw_result *res)
{
	int rc = -1;
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL, *roll[3] = {NULL, NULL, NULL}, *live = NULL;
	raw_acc *acc = NULL;
	memset(res, 0, sizeof *res);

	/* the daemon's schema, created by the daemon's own store code */
	store_options so = {o->sync_full};
	store *s = NULL;
	if (store_open(path, STORE_WRITE, &so, &s)) {
		fprintf(stderr, "ingest_bench: cannot create %s\n", path);
		goto out;
	}
	store_close(s);

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK)
		goto out;
	if (exec(db, "PRAGMA journal_mode = WAL") ||
	    exec(db, o->sync_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"))
		goto out;
	if (sqlite3_prepare_v2(db, sql_sample, -1, &ins, NULL) != SQLITE_OK)
		goto out;
	if (full) {
		for (int l = 0; l < 3; l++)
			if (sqlite3_prepare_v2(db, sql_rollup[l], -1, &roll[l], NULL) != SQLITE_OK)
				goto out;
		if (sqlite3_prepare_v2(db, sql_live, -1, &live, NULL) != SQLITE_OK)
			goto out;
		acc = calloc((size_t)o->machines, sizeof *acc);
		if (!acc)
			goto out;
	}
	int64_t day_start = 0, day_next = 0;
	double t = bench_now_s();
	for (long i = 0; i < o->reports; i += o->batch) {
		long end = i + o->batch < o->reports ? i + o->batch : o->reports;
		if (exec(db, "BEGIN IMMEDIATE"))
			goto out;
		for (long k = i; k < end; k++) {
			const rep *x = &reps[k];
			sqlite3_bind_int64(ins, 1, x->ts_ms);
			sqlite3_bind_int64(ins, 2, x->machine + 1);
			sqlite3_bind_int64(ins, 3, (sqlite3_int64)x->count);
			sqlite3_bind_int64(ins, 4, (sqlite3_int64)x->reject);
			sqlite3_bind_int64(ins, 5, x->d_good);
			sqlite3_bind_int64(ins, 6, x->d_reject);
			sqlite3_bind_int(ins, 7, 1); /* run */
			if (step(db, ins))
				goto out;
			if (!full)
				continue;
			raw_acc *a = &acc[x->machine];
			if (!a->touched && !a->since_ts)
				a->since_ts = x->ts_ms;
			a->touched = 1;
			a->last_ts = x->ts_ms;
			a->count = x->count;
			a->reject_cum = x->reject;
			if (x->d_good == 0 && x->d_reject == 0)
				continue; /* as the daemon: nothing to credit */
			if (x->ts_ms < day_start || x->ts_ms >= day_next) {
				day_start = ltime_day_start(x->ts_ms);
				day_next = ltime_next_day_start(x->ts_ms);
			}
			int64_t b[3] = {x->ts_ms - x->ts_ms % 60000, x->ts_ms - x->ts_ms % 3600000,
					day_start};
			for (int l = 0; l < 3; l++) {
				if (a->pending[l] && a->bucket[l] != b[l]) {
					if (rollup_put(db, roll[l], a->bucket[l], x->machine,
						       a->good[l], a->reject[l]))
						goto out;
					a->pending[l] = 0;
				}
				if (!a->pending[l]) {
					a->pending[l] = 1;
					a->bucket[l] = b[l];
					a->good[l] = a->reject[l] = 0;
				}
				a->good[l] += x->d_good;
				a->reject[l] += x->d_reject;
			}
		}
		for (long j = 0; full && j < o->machines; j++) {
			raw_acc *a = &acc[j];
			for (int l = 0; l < 3; l++) {
				if (a->pending[l] && rollup_put(db, roll[l], a->bucket[l], j,
								a->good[l], a->reject[l]))
					goto out;
				a->pending[l] = 0;
			}
		}
		for (long j = 0; full && j < o->machines; j++) {
			raw_acc *a = &acc[j];
			if (!a->touched)
				continue;
			sqlite3_bind_int64(live, 1, j + 1);
			sqlite3_bind_int64(live, 2, a->last_ts);
			sqlite3_bind_int64(live, 3, (sqlite3_int64)a->count);
			sqlite3_bind_int64(live, 4, (sqlite3_int64)a->reject_cum);
			sqlite3_bind_int(live, 5, 1);
			sqlite3_bind_text(live, 6, "", 0, SQLITE_STATIC);
			sqlite3_bind_int64(live, 7, a->since_ts);
			if (step(db, live))
				goto out;
			a->touched = 0;
		}
		if (exec(db, "COMMIT"))
			goto out;
		res->commits++;
	}
	res->secs = bench_now_s() - t;
	rc = 0;
out:
	sqlite3_finalize(ins);
	for (int l = 0; l < 3; l++)
		sqlite3_finalize(roll[l]);
	sqlite3_finalize(live);
	if (db && rc)
		fprintf(stderr, "ingest_bench: raw run on %s failed: %s\n", path,
			sqlite3_errmsg(db));
	sqlite3_close_v2(db);
	res->bytes = db_bytes(path);
	free(acc);
	return rc;
}

/* ---- running gloved ---- */

/* ---- a minimal HTTP/1.1 client: keep-alive, Content-Length bodies ---- */

/* ---- (3) the daemon under load ---- */

typedef struct plan {
	char **req; /* whole HTTP requests, one per batch */
	size_t *req_len;
	long *req_n; /* reports in each */
	long nreq;
	atomic_long next;
	pthread_barrier_t go;
} plan;

typedef struct sender {
	pthread_t th;
	bench_conn c;
	plan *p;
	long requests, accepted, duplicates, late, failures;
	double end_s;
	char err[300];
} sender;

static long json_long(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? (long)v->valuedouble : -1;
}

static void *send_main(void *arg)
{
	sender *s = arg;
	plan *p = s->p;
	pthread_barrier_wait(&p->go);
	for (;;) {
		long k = atomic_fetch_add(&p->next, 1);
		if (k >= p->nreq)
			break;
		int status = 0;
		const char *body;
		size_t blen;
		if (bench_conn_send(&s->c, p->req[k], p->req_len[k]) ||
		    bench_conn_recv(&s->c, &status, &body, &blen)) {
			snprintf(s->err, sizeof s->err, "request %ld: connection failed: %s", k,
				 strerror(errno));
			s->failures++;
			break;
		}
		s->requests++;
		cJSON *o = cJSON_ParseWithLength(body, blen);
		long acc = o ? json_long(o, "accepted") : -1;
		if (status != 200 || acc != p->req_n[k]) {
			if (!s->err[0])
				snprintf(s->err, sizeof s->err,
					 "request %ld: HTTP %d, accepted %ld of %ld: %.*s", k,
					 status, acc, p->req_n[k], (int)(blen > 200 ? 200 : blen),
					 body);
			s->failures++;
		} else {
			s->accepted += acc;
			s->duplicates += json_long(o, "duplicates");
			s->late += json_long(o, "late");
		}
		cJSON_Delete(o);
	}
	s->end_s = bench_now_s();
	return NULL;
}

/* The JSON arrays of B reports, each wrapped in its whole HTTP request. */
static int build_plan(const bench_opt *o, const rep *reps, const char *token, plan *p,
		      size_t *max_body)
{
	memset(p, 0, sizeof *p);
	p->nreq = (o->reports + o->batch - 1) / o->batch;
	p->req = calloc((size_t)p->nreq, sizeof *p->req);
	p->req_len = calloc((size_t)p->nreq, sizeof *p->req_len);
	p->req_n = calloc((size_t)p->nreq, sizeof *p->req_n);
	if (!p->req || !p->req_len || !p->req_n)
		return -1;
	buf body, req;
	buf_init(&body, 0);
	buf_init(&req, 0);
	int rc = 0;
	*max_body = 0;
	for (long k = 0; k < p->nreq && !rc; k++) {
		long from = k * o->batch;
		long to = from + o->batch < o->reports ? from + o->batch : o->reports;
		buf_reset(&body);
		rc = buf_puts(&body, "[");
		for (long i = from; i < to && !rc; i++) {
			char code[24];
			bench_machine_code(reps[i].machine, code, sizeof code);
			rc = buf_printf(&body,
					"%s{\"machine\":\"%s\",\"ts\":%lld,\"count\":%llu,"
					"\"reject\":%llu,\"state\":\"run\"}",
					i > from ? "," : "", code, (long long)reps[i].ts_ms,
					(unsigned long long)reps[i].count,
					(unsigned long long)reps[i].reject);
		}
		if (!rc)
			rc = buf_puts(&body, "]");
		if (!rc)
			rc = bench_build_request(&req, "POST", "/api/v1/reports", token, body.data,
						 body.len);
		if (rc)
			break;
		if (body.len > *max_body)
			*max_body = body.len;
		p->req_len[k] = req.len;
		p->req_n[k] = to - from;
		p->req[k] = buf_steal(&req);
		buf_init(&req, 0);
	}
	buf_free(&body);
	buf_free(&req);
	return rc ? -1 : 0;
}

static void free_plan(plan *p)
{
	for (long k = 0; p->req && k < p->nreq; k++)
		free(p->req[k]);
	free(p->req);
	free(p->req_len);
	free(p->req_n);
}

typedef struct daemon_result {
	double secs;
	long requests, accepted, duplicates, late, failures;
	long peak_rss_kb;
	double cpu_s;
	double bench_cpu_s; /* this program's senders during the run */
	double other_cores; /* CPU used by other processes during the run, in cores */
	double commits, avg_commit, flushes;
	int64_t good, reject; /* from the day rollups */
	double verify_s;      /* until they matched what was sent */
	int64_t bytes;
} daemon_result;

static int daemon_run(const bench_opt *o, const rep *reps, int64_t t0, int64_t want_good,
		      int64_t want_reject, daemon_result *res)
{
	int rc = -1, log_fd = -1;
	pid_t pid = -1;
	sender *snd = NULL;
	plan p;
	int plan_built = 0, barrier = 0;
	buf out;
	buf_init(&out, 0);
	memset(res, 0, sizeof *res);
	char dbp[400], logp[400], token[256], listen[64], sync[16], maxrec[32], maxbody[32];
	snprintf(dbp, sizeof dbp, "%s/gloved.db", tmp_dir);
	snprintf(logp, sizeof logp, "%s/gloved.log", tmp_dir);

	double t = bench_now_s();
	if (bench_register_cluster(o->gloved, o->machines, dbp, token, sizeof token)) {
		fprintf(stderr, "ingest_bench: registering the bench cluster failed\n");
		goto out;
	}
	fprintf(stderr, "ingest_bench: registered %ld machines with gloved admin in %.1f s\n",
		o->machines, bench_now_s() - t);

	size_t max_body = 0;
	int planned = build_plan(o, reps, token, &p, &max_body);
	plan_built = 1;
	if (planned)
		goto out;

	int port = 0;
	snprintf(sync, sizeof sync, "%s", o->sync_full ? "full" : "normal");
	snprintf(maxrec, sizeof maxrec, "%ld", o->batch > 10000 ? o->batch : 10000);
	snprintf(maxbody, sizeof maxbody, "%zu",
		 max_body + 1024 > ((size_t)4 << 20) ? max_body + 1024 : ((size_t)4 << 20));
	char *fixed[] = {(char *)o->gloved,
			 "serve",
			 "--db",
			 dbp,
			 "--listen",
			 listen,
			 "--no-mqtt",
			 "--db-sync",
			 sync,
			 "--max-records",
			 maxrec,
			 "--max-body",
			 maxbody,
			 "--log-level",
			 "warn"};
	enum { N_FIXED = sizeof fixed / sizeof fixed[0] };
	char *argv[N_FIXED + 2 + 64 + 1];
	int argc = N_FIXED;
	memcpy(argv, fixed, sizeof fixed);
	/* C requests in flight span C*B/M report periods of machine time; the
	 * daemon ignores reports older than its reorder window (900 s by
	 * default) as late, so widen the window when the spread can reach it */
	char window[32];
	double spread_s =
	    (double)o->conns * (double)o->batch / (double)o->machines * (REPORT_PERIOD_MS / 1000.0);
	if (spread_s * 2 > 900) {
		double w = spread_s * 2 < 604800 ? spread_s * 2 : 604800;
		snprintf(window, sizeof window, "%.0f", w);
		argv[argc++] = "--reorder-window";
		argv[argc++] = window;
		fprintf(stderr,
			"ingest_bench: %ld requests of %ld reports over %ld machines span %.0f s: "
			"passing --reorder-window %s\n",
			o->conns, o->batch, o->machines, spread_s, window);
	}
	for (int i = 0; i < o->n_serve_args; i++)
		argv[argc++] = o->serve_args[i];
	argv[argc] = NULL;
	/* a free port can be taken by someone else before the daemon binds it:
	 * then the daemon exits, and we try another port */
	int status = 0, up = 0;
	for (int attempt = 0; attempt < 3 && !up; attempt++) {
		port = bench_free_port();
		if (port <= 0)
			goto out;
		snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
		if (log_fd >= 0)
			close(log_fd);
		log_fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (log_fd < 0)
			goto out;
		pid = bench_spawn(argv, log_fd, log_fd);
		if (pid < 0)
			goto out;
		daemon_pid = pid;
		for (int i = 0; i < 200 && !up && pid > 0; i++) {
			if (waitpid(pid, NULL, WNOHANG) == pid) {
				daemon_pid = pid = 0;
				break;
			}
			if (bench_http_once(port, "GET", "/healthz", NULL, NULL, &status, &out) ==
				0 &&
			    status == 200)
				up = 1;
			else
				nanosleep(&(struct timespec){0, 50000000L}, NULL);
		}
		/* the answer must have come from our daemon, which must still run */
		nanosleep(&(struct timespec){0, 200000000L}, NULL);
		if (pid > 0 && waitpid(pid, NULL, WNOHANG) == pid) {
			daemon_pid = pid = 0;
			up = 0;
		}
		if (!up && pid > 0) {
			bench_stop_daemon(pid, &daemon_pid);
			pid = 0;
		}
	}
	if (!up) {
		fprintf(stderr, "ingest_bench: gloved serve did not come up; its log:\n");
		FILE *lf = fopen(logp, "r");
		char line[512];
		while (lf && fgets(line, sizeof line, lf))
			fputs(line, stderr);
		if (lf)
			fclose(lf);
		goto out;
	}
	fprintf(stderr, "ingest_bench: gloved serve pid %d on %s", (int)pid, listen);
	for (int i = 0; i < o->n_serve_args; i++)
		fprintf(stderr, " %s", o->serve_args[i]);
	fprintf(stderr, "\n");

	snd = calloc((size_t)o->conns, sizeof *snd);
	if (!snd)
		goto out;
	for (long i = 0; i < o->conns; i++)
		snd[i].c.fd = -1;
	for (long i = 0; i < o->conns; i++) {
		if (bench_conn_open(&snd[i].c, port)) {
			fprintf(stderr, "ingest_bench: cannot connect to %s\n", listen);
			goto out;
		}
		snd[i].p = &p;
	}
	atomic_store(&p.next, 0);
	pthread_barrier_init(&p.go, NULL, (unsigned)o->conns + 1);
	barrier = 1;
	long started = 0;
	for (; started < o->conns; started++)
		if (pthread_create(&snd[started].th, NULL, send_main, &snd[started]))
			break;
	if (started < o->conns) {
		/* the barrier can never open: nothing sensible left to do */
		fprintf(stderr, "ingest_bench: cannot start sender threads\n");
		kill(pid, SIGKILL);
		_exit(1);
	}
	double sys0 = bench_system_busy_s(), self0 = bench_self_cpu_s(), d0 = bench_proc_cpu_s(pid);
	double start = bench_now_s();
	pthread_barrier_wait(&p.go);
	double end = start;
	for (long i = 0; i < o->conns; i++) {
		pthread_join(snd[i].th, NULL);
		if (snd[i].end_s > end)
			end = snd[i].end_s;
		res->requests += snd[i].requests;
		res->accepted += snd[i].accepted;
		res->duplicates += snd[i].duplicates;
		res->late += snd[i].late;
		res->failures += snd[i].failures;
		if (snd[i].err[0])
			fprintf(stderr, "ingest_bench: connection %ld: %s\n", i, snd[i].err);
	}
	res->secs = end - start;
	res->peak_rss_kb = bench_proc_status_kb(pid, "VmHWM");
	res->cpu_s = bench_proc_cpu_s(pid);
	res->bench_cpu_s = bench_self_cpu_s() - self0;
	double busy = bench_system_busy_s() - sys0, wall = bench_now_s() - start;
	res->other_cores = wall > 0 ? (busy - res->bench_cpu_s - (res->cpu_s - d0)) / wall : 0;

	/* what the daemon says about its commits */
	if (bench_http_once(port, "GET", "/metrics", NULL, NULL, &status, &out) == 0 &&
	    status == 200) {
		res->commits = bench_metric(out.data, "gloved_commits_total");
		res->flushes = bench_metric(out.data, "gloved_rollup_flushes_total");
		double sum = bench_metric(out.data, "gloved_commit_batch_size_sum");
		double cnt = bench_metric(out.data, "gloved_commit_batch_size_count");
		res->avg_commit = cnt > 0 ? sum / cnt : 0;
	}

	/* nothing lost: the day rollups hold every piece sent */
	res->good = res->reject = -1;
	if (bench_http_once(port, "POST", "/api/v1/login", NULL,
			    "{\"username\":\"" USERNAME "\",\"password\":\"" PASSWORD "\"}",
			    &status, &out) ||
	    status != 200) {
		fprintf(stderr, "ingest_bench: login failed (HTTP %d)\n", status);
		goto out;
	}
	cJSON *login = cJSON_Parse(out.data);
	const cJSON *tk = cJSON_GetObjectItemCaseSensitive(login, "token");
	char session[256] = "";
	if (cJSON_IsString(tk))
		snprintf(session, sizeof session, "%s", tk->valuestring);
	cJSON_Delete(login);
	/* rollups may trail the commit that acknowledged the reports: ask until
	 * they match, for at most 10 s */
	char path[200];
	snprintf(path, sizeof path, "/api/v1/output?bucket=day&from=%lld&to=%lld",
		 (long long)ltime_day_start(t0), (long long)(ltime_now_ms() + 86400000LL));
	double asked = bench_now_s();
	for (int tries = 0; tries < 100; tries++) {
		if (tries) {
			struct timespec ts = {0, 100000000L};
			nanosleep(&ts, NULL);
		}
		if (bench_http_once(port, "GET", path, session, NULL, &status, &out) ||
		    status != 200) {
			fprintf(stderr, "ingest_bench: GET %s failed (HTTP %d)\n", path, status);
			goto out;
		}
		cJSON *o_out = cJSON_Parse(out.data);
		const cJSON *total = cJSON_GetObjectItemCaseSensitive(o_out, "total");
		const cJSON *g = cJSON_GetObjectItemCaseSensitive(total, "good");
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(total, "reject");
		if (cJSON_IsNumber(g) && cJSON_IsNumber(r)) {
			res->good = (int64_t)g->valuedouble;
			res->reject = (int64_t)r->valuedouble;
		}
		cJSON_Delete(o_out);
		if (res->good == want_good && res->reject == want_reject)
			break;
	}
	res->verify_s = bench_now_s() - asked;
	rc = 0;
out:
	if (snd) {
		for (long i = 0; i < o->conns; i++)
			bench_conn_close(&snd[i].c);
		free(snd);
	}
	if (barrier)
		pthread_barrier_destroy(&p.go);
	if (pid > 0 && bench_stop_daemon(pid, &daemon_pid)) {
		fprintf(stderr, "ingest_bench: gloved serve did not stop cleanly\n");
		rc = -1;
	}
	if (log_fd >= 0)
		close(log_fd);
	res->bytes = db_bytes(dbp);
	if (plan_built)
		free_plan(&p);
	buf_free(&out);
	return rc;
}

/* ---- main ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ingest_bench [options] [-- gloved serve options]\n\n"
		"Times HTTP batch ingest into gloved against the raw SQLite insert ceiling.\n\n"
		"  -m, --machines M      machines, each reporting every 30 s (default 1000)\n"
		"  -b, --batch B         reports per HTTP request and per raw transaction "
		"(default 1000)\n"
		"  -c, --connections C   concurrent keep-alive connections (default 4)\n"
		"  -n, --reports N       reports in all (default 500000)\n"
		"      --quick           N = 50000\n"
		"      --sync full|normal  SQLite synchronous for the daemon and the raw runs "
		"(default full)\n"
		"      --gloved PATH     the daemon binary (default: gloved next to this program)\n"
		"      --daemon-only     skip the raw ceilings\n"
		"      --keep            keep the temporary folder (databases, daemon log)\n"
		"  -- OPTIONS...         pass the rest to `gloved serve` (e.g. -- --batch-wait-ms "
		"0)\n");
}

static int parse_args(int argc, char **argv, bench_opt *o)
{
	o->machines = 1000;
	o->batch = 1000;
	o->conns = 4;
	o->reports = 500000;
	o->sync_full = 1;
	/* gloved sits next to the benchmarks in the build folder */
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
		long *target = NULL;
		long lo = 1, hi = 0;
		if (strcmp(a, "-m") == 0 || strcmp(a, "--machines") == 0) {
			target = &o->machines;
			hi = 99999;
		} else if (strcmp(a, "-b") == 0 || strcmp(a, "--batch") == 0) {
			target = &o->batch;
			hi = 100000; /* 8 MB bodies */
		} else if (strcmp(a, "-c") == 0 || strcmp(a, "--connections") == 0) {
			target = &o->conns;
			hi = 256;
		} else if (strcmp(a, "-n") == 0 || strcmp(a, "--reports") == 0) {
			target = &o->reports;
			hi = 20000000; /* ~2.7 GB of reports and requests in memory */
		} else if (strcmp(a, "--quick") == 0) {
			o->reports = 50000;
			continue;
		} else if (strcmp(a, "--sync") == 0 && v &&
			   (strcmp(v, "full") == 0 || strcmp(v, "normal") == 0)) {
			o->sync_full = strcmp(v, "full") == 0;
			i++;
			continue;
		} else if (strcmp(a, "--gloved") == 0 && v) {
			snprintf(o->gloved, sizeof o->gloved, "%s", v);
			i++;
			continue;
		} else if (strcmp(a, "--daemon-only") == 0) {
			o->skip_raw = 1;
			continue;
		} else if (strcmp(a, "--keep") == 0) {
			o->keep = 1;
			continue;
		} else if (strcmp(a, "--") == 0) {
			o->serve_args = argv + i + 1;
			o->n_serve_args = argc - i - 1;
			if (o->n_serve_args > 64) {
				fprintf(stderr, "ingest_bench: at most 64 options after --\n");
				return -1;
			}
			break;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 1;
		} else {
			fprintf(stderr, "ingest_bench: unknown or incomplete option '%s'\n", a);
			usage(stderr);
			return -1;
		}
		if (bench_parse_long(v, lo, hi, target)) {
			fprintf(stderr, "ingest_bench: %s needs an integer in %ld..%ld\n", a, lo,
				hi);
			return -1;
		}
		i++;
	}
	if (access(o->gloved, X_OK) != 0) {
		fprintf(stderr, "ingest_bench: no daemon binary at %s (build it or use --gloved)\n",
			o->gloved);
		return -1;
	}
	return 0;
}

static void print_rate(const char *what, double items, double secs, const char *unit)
{
	printf("  %-44s %10.0f %s/s  (%.2f s)\n", what, secs > 0 ? items / secs : 0, unit, secs);
}

int main(int argc, char **argv)
{
	bench_prog = "ingest_bench";
	bench_opt o;
	memset(&o, 0, sizeof o);
	int pa = parse_args(argc, argv, &o);
	if (pa)
		return pa > 0 ? 0 : 2;
	if (ltime_set_zone(TIMEZONE)) {
		fprintf(stderr, "ingest_bench: no tz data for %s\n", TIMEZONE);
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	const char *tmp = getenv("TMPDIR");
	snprintf(tmp_dir, sizeof tmp_dir, "%s/gloved-bench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	keep_tmp = o.keep;
	if (!mkdtemp(tmp_dir)) {
		fprintf(stderr, "ingest_bench: cannot create %s\n", tmp_dir);
		return 1;
	}
	for (size_t i = 0; i < N_TMP_NAMES; i++)
		snprintf(tmp_files[i], sizeof tmp_files[i], "%s/%s", tmp_dir, tmp_names[i]);

	/* time-ordered reports ending a minute ago, t0 on a minute boundary */
	long ticks = (o.reports + o.machines - 1) / o.machines;
	int64_t now = ltime_now_ms();
	int64_t t0 = now - 60000 - (int64_t)ticks * REPORT_PERIOD_MS;
	t0 -= t0 % 60000;
	int64_t good = 0, reject = 0;
	rep *reps = make_reports(&o, t0, &good, &reject);
	if (!reps) {
		fprintf(stderr, "ingest_bench: out of memory for %ld reports\n", o.reports);
		bench_remove_dir(tmp_dir);
		return 1;
	}

	long mem_kb = -1;
	FILE *mi = fopen("/proc/meminfo", "r");
	if (mi) {
		if (fscanf(mi, "MemTotal: %ld kB", &mem_kb) != 1)
			mem_kb = -1;
		fclose(mi);
	}
	printf("gloved ingest benchmark: %ld reports, %ld machines (one report / 30 s each), "
	       "%ld per request and per raw transaction, %ld connection%s, synchronous=%s\n",
	       o.reports, o.machines, o.batch, o.conns, o.conns == 1 ? "" : "s",
	       o.sync_full ? "FULL" : "NORMAL");
	printf("machine: %ld CPUs, %.1f GiB RAM, SQLite %s; temporary files in %s\n",
	       sysconf(_SC_NPROCESSORS_ONLN), (double)mem_kb / 1048576.0, sqlite3_libversion(),
	       tmp_dir);
	fflush(stdout);

	int fail = 0;
	raw_result raw = {0, 0, 0}, rawf = {0, 0, 0};
	double raw_other = 0;
	char path[400];
	if (!o.skip_raw) {
		double sys0 = bench_system_busy_s(), self0 = bench_self_cpu_s(), t = bench_now_s();
		snprintf(path, sizeof path, "%s/raw.db", tmp_dir);
		fail |= raw_run(&o, reps, path, 0, &raw) != 0;
		snprintf(path, sizeof path, "%s/raw-full.db", tmp_dir);
		fail |= raw_run(&o, reps, path, 1, &rawf) != 0;
		double wall = bench_now_s() - t;
		raw_other =
		    wall > 0 ? (bench_system_busy_s() - sys0 - (bench_self_cpu_s() - self0)) / wall
			     : 0;
	}
	daemon_result d;
	double other = raw_other;
	fail |= daemon_run(&o, reps, t0, good, reject, &d) != 0;
	if (d.other_cores > other)
		other = d.other_cores;

	double n = (double)o.reports;
	double rate = d.secs > 0 ? n / d.secs : 0;
	double per_m = 1e6 / 1048576.0 / n; /* bytes -> MiB per million reports */
	printf("\n");
	if (!o.skip_raw) {
		print_rate("raw SQLite ceiling (sample rows)", n, raw.secs, "rows");
		print_rate("raw full-write ceiling (sample+3 rollups+live)", n, rawf.secs,
			   "reports");
	}
	int verified = d.good == good && d.reject == reject;
	if (d.requests == 0) {
		printf("  %-44s FAILED (see the messages above)\n", "gloved over HTTP");
		goto result;
	}
	print_rate("gloved over HTTP (durable, 200 after commit)", n, d.secs, "reports");
	if (!o.skip_raw && raw.secs > 0 && rawf.secs > 0) {
		double ratio = rate / (n / raw.secs);
		printf("  %-44s %10.2f  (target >= 0.50: %s)\n", "ratio gloved / raw ceiling",
		       ratio, ratio >= 0.5 ? "met" : "NOT met");
		printf("  %-44s %10.2f\n", "ratio gloved / raw full-write ceiling",
		       rate / (n / rawf.secs));
	}
	printf("  %-44s %ld requests, %ld failed, %ld accepted, %ld duplicates, %ld late\n",
	       "answers", d.requests, d.failures, d.accepted, d.duplicates, d.late);
	printf("  %-44s %.0f commits, %.0f reports per commit on average, %.0f rollup flushes\n",
	       "daemon group commits", d.commits, d.avg_commit, d.flushes);
	printf("  %-44s good %lld of %lld, reject %lld of %lld: %s", "day rollups vs sent",
	       (long long)d.good, (long long)good, (long long)d.reject, (long long)reject,
	       verified ? "nothing lost" : "MISMATCH");
	if (d.verify_s >= 0.05)
		printf(" (after %.1f s)", d.verify_s);
	printf("\n");
	printf("  %-44s %.1f MiB\n", "daemon peak RSS (VmHWM)", (double)d.peak_rss_kb / 1024.0);
	printf("  %-44s %.2f s, %.2f us per report\n", "daemon CPU time (user+sys)", d.cpu_s,
	       d.cpu_s * 1e6 / n);
	printf("  %-44s %.2f s in this program's HTTP senders\n", "benchmark client CPU",
	       d.bench_cpu_s);
	printf("  %-44s raw runs %.2f, HTTP run %.2f%s\n", "cores busy with other processes",
	       raw_other < 0 ? 0 : raw_other, d.other_cores < 0 ? 0 : d.other_cores,
	       other > 0.2 ? "  (a noisy machine: figures are low)" : "");
	printf("  %-44s %.1f MiB per million reports", "database size", (double)d.bytes * per_m);
	if (!o.skip_raw)
		printf(" (raw samples only: %.1f, raw full writes: %.1f)",
		       (double)raw.bytes * per_m, (double)rawf.bytes * per_m);
	printf("\n");
result:
	/* one line for scripts */
	printf("RESULT sync=%s M=%ld B=%ld C=%ld N=%ld raw_rows_s=%.0f raw_full_s=%.0f "
	       "daemon_s=%.0f ratio=%.3f ratio_full=%.3f rss_mib=%.1f cpu_us=%.2f "
	       "avg_commit=%.0f mib_per_m=%.1f other_cores=%.2f ok=%d\n",
	       o.sync_full ? "full" : "normal", o.machines, o.batch, o.conns, o.reports,
	       raw.secs > 0 ? n / raw.secs : 0, rawf.secs > 0 ? n / rawf.secs : 0, rate,
	       raw.secs > 0 ? rate / (n / raw.secs) : 0, rawf.secs > 0 ? rate / (n / rawf.secs) : 0,
	       (double)d.peak_rss_kb / 1024.0, d.cpu_s * 1e6 / n, d.avg_commit,
	       (double)d.bytes * per_m, other < 0 ? 0 : other,
	       !fail && verified && d.failures == 0);

	free(reps);
	if (o.keep)
		fprintf(stderr, "ingest_bench: kept %s\n", tmp_dir);
	else
		bench_remove_dir(tmp_dir);
	return fail || !verified || d.failures ? 1 : 0;
}
