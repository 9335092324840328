/* SPDX-License-Identifier: Apache-2.0 */
/* sewn_bench.c: how fast gloved takes bundle-ticket scans over HTTP and how
 * fast it answers the work-in-progress view of a firm, each set beside a
 * baseline measured on the same machine in the same run (issue 5). It
 * starts `gloved serve --no-mqtt` on a temporary database, registers a firm
 * with `gloved admin` (machines and a gateway token for the report
 * baseline, an enterprise_admin, one worker login per connection), then
 * through the API makes a style with a routing of P operations, O released
 * orders cut into B bundles each and reads their ticket codes. Scans: the
 * scans of a realistic spread (orders at every stage, early bundles further
 * along) are sent in routing order (all first operations, then all second
 * ones, ...; a wave waits for the previous one, so none is refused) from C
 * keep-alive connections: S single scans (one POST each, as a phone sends
 * them), then Q scans in arrays of 100 (an offline queue flushing), then the
 * rest in arrays of 500. Beside them, the same number of requests to GET
 * /api/v1/me (the HTTP floor) and of machine reports (POST /api/v1/reports,
 * one per request and 100 per request: the durable write floor). WIP: with
 * every scan made and some bundles out at households, GET
 * /api/v1/wip?enterprise= (all orders) and &order= (one) are timed beside
 * the same figures computed from raw rows (a GROUP BY over the scan table,
 * which rollup_op replaces, and the bundles out) through a read-only SQLite
 * connection, and the two answers are compared. A benchmark, not a test:
 * only a refused request, a wrong answer or a crash makes it exit non-zero
 * (docs/performance.md). */
#define _GNU_SOURCE /* memmem */
#include "lib/bench_util.h"
#include "util/buf.h"
#include "util/ltime.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ADMIN_USER    "boss"
#define WORKER_PASS   "worker-password"
#define MACHINES      50
#define MAX_CONNS     64
#define FILL_BATCH    500 /* the API's most scans per request */
#define HOUSEHOLDS    10
#define CODE_LEN      24
#define DISPATCH_STEP 25 /* every 25th bundle that has two operations left goes out */

typedef struct opts {
	long orders, bundles, ops, bundle_size; /* O, B per order, P, pairs per bundle */
	long singles, batched, batch;           /* S, Q, scans per batch request */
	long conns, queries, raw_reps;
	long progress_pct; /* scales the spread: 100 = orders 5-95 % along */
	int sync_full, keep;
	char gloved[512];
} opts;

/* ---- cleanup on a signal ---- */

static char tmp_dir[256];
static char tmp_files[5][300];
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
		/* the files we make, then the folder (unlink, rmdir: signal-safe) */
		for (int i = 0; i < 5; i++)
			unlink(tmp_files[i]);
		rmdir(tmp_dir);
	}
	static const char msg[] = "sewn_bench: interrupted\n";
	ssize_t w = write(2, msg, sizeof msg - 1);
	(void)w;
	_exit(130);
}

/* ---- statistics ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

typedef struct stats {
	double mean, p50, p99, max;
} stats;

/* Sorts v in place. */
static stats stats_of(double *v, long n)
{
	stats s = {0, 0, 0, 0};
	if (n <= 0)
		return s;
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	double sum = 0;
	for (long i = 0; i < n; i++)
		sum += v[i];
	s.mean = sum / (double)n;
	s.p50 = v[n / 2];
	long k = (long)((double)n * 0.99);
	s.p99 = v[k < n ? k : n - 1];
	s.max = v[n - 1];
	return s;
}

/* ---- HTTP helpers ---- */

static int port;

/* One request on a fresh connection, answer parsed; NULL unless the status
 * is want. */
static cJSON *api(const char *method, const char *path, const char *bearer, const char *body,
		  int want)
{
	buf out;
	buf_init(&out, 0);
	int status = 0;
	cJSON *j = NULL;
	if (bench_http_once(port, method, path, bearer, body, &status, &out) == 0 && status == want)
		j = cJSON_ParseWithLength(out.data, out.len);
	if (!j)
		fprintf(stderr, "sewn_bench: %s %s: HTTP %d: %.300s\n", method, path, status,
			out.data ? out.data : "");
	buf_free(&out);
	return j;
}

static int login(const char *user, const char *pass, char *token, size_t cap)
{
	char body[200];
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user, pass);
	cJSON *j = api("POST", "/api/v1/login", NULL, body, 200);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "token");
	int rc = cJSON_IsString(t) ? 0 : -1;
	if (!rc)
		snprintf(token, cap, "%s", t->valuestring);
	cJSON_Delete(j);
	return rc;
}

/* A number after "key": in a body that is not NUL-terminated, or -1. */
static long body_long(const char *body, size_t blen, const char *key)
{
	char pat[64];
	int pn = snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = memmem(body, blen, pat, (size_t)pn);
	if (!p)
		return -1;
	p += pn;
	long v = 0;
	int any = 0;
	while (p < body + blen && *p >= '0' && *p <= '9') {
		v = v * 10 + (*p++ - '0');
		any = 1;
	}
	return any ? v : -1;
}

/* ---- request sets driven from C connections, in waves ---- */

enum { CHECK_OK, CHECK_SCAN, CHECK_ACCEPTED };

typedef struct reqset {
	char **req;
	size_t *len;
	long *items; /* scans or reports in each request */
	long nreq;
	long *wave_end; /* request index where each wave ends */
	long nwaves;
	int check;
	const char *const *bearer; /* per connection, spliced in by the builder */
} reqset;

typedef struct run_shared {
	reqset *rs;
	atomic_long next;
	long end;
	int stop;
	pthread_barrier_t go, done;
	double *lat; /* per request, seconds */
} run_shared;

typedef struct runner {
	pthread_t th;
	bench_conn c;
	run_shared *sh;
	long requests, items, failures;
	char err[300];
} runner;

static int answer_ok(const reqset *rs, long k, int status, const char *body, size_t blen)
{
	if (status != 200)
		return 0;
	if (rs->check == CHECK_OK)
		return 1;
	/* a scan that was refused, warned about or already counted is a
	 * failure of the plan */
	if (memmem(body, blen, "\"warning\"", 9) || memmem(body, blen, "\"repeat\"", 8) ||
	    memmem(body, blen, "\"error\"", 7))
		return 0;
	if (rs->check == CHECK_SCAN)
		return 1;
	return body_long(body, blen, "accepted") == rs->items[k];
}

static void *runner_main(void *arg)
{
	runner *t = arg;
	run_shared *sh = t->sh;
	for (;;) {
		pthread_barrier_wait(&sh->go);
		if (sh->stop)
			break;
		for (;;) {
			long k = atomic_fetch_add(&sh->next, 1);
			if (k >= sh->end)
				break;
			int status = 0;
			const char *body;
			size_t blen;
			double t0 = bench_now_s();
			if (t->c.fd < 0 || bench_conn_send(&t->c, sh->rs->req[k], sh->rs->len[k]) ||
			    bench_conn_recv(&t->c, &status, &body, &blen)) {
				if (!t->err[0])
					snprintf(t->err, sizeof t->err,
						 "request %ld: connection failed: %s", k,
						 strerror(errno));
				t->failures++;
				bench_conn_close(&t->c);
				continue;
			}
			sh->lat[k] = bench_now_s() - t0;
			t->requests++;
			if (!answer_ok(sh->rs, k, status, body, blen)) {
				if (!t->err[0])
					snprintf(t->err, sizeof t->err,
						 "request %ld: HTTP %d: %.*s", k, status,
						 (int)(blen > 240 ? 240 : blen), body);
				t->failures++;
			} else {
				t->items += sh->rs->items[k];
			}
		}
		pthread_barrier_wait(&sh->done);
	}
	return NULL;
}

typedef struct run_result {
	double secs;
	long requests, items, failures;
	stats lat_ms;
	double daemon_cpu_s;
} run_result;

/* Sends every request of rs from conns connections (one thread each),
 * wave after wave, timed from the first request to the last answer. */
static int run_set(const opts *o, reqset *rs, run_result *res)
{
	int rc = -1;
	run_shared sh;
	memset(&sh, 0, sizeof sh);
	memset(res, 0, sizeof *res);
	runner *t = calloc((size_t)o->conns, sizeof *t);
	sh.lat = calloc((size_t)(rs->nreq ? rs->nreq : 1), sizeof *sh.lat);
	if (!t || !sh.lat)
		goto out;
	sh.rs = rs;
	for (long i = 0; i < o->conns; i++) {
		t[i].sh = &sh;
		if (bench_conn_open(&t[i].c, port)) {
			fprintf(stderr, "sewn_bench: cannot connect\n");
			for (long k = 0; k < i; k++)
				bench_conn_close(&t[k].c);
			goto out;
		}
	}
	pthread_barrier_init(&sh.go, NULL, (unsigned)o->conns + 1);
	pthread_barrier_init(&sh.done, NULL, (unsigned)o->conns + 1);
	long started = 0;
	for (; started < o->conns; started++)
		if (pthread_create(&t[started].th, NULL, runner_main, &t[started]))
			break;
	if (started < o->conns) {
		fprintf(stderr, "sewn_bench: cannot start threads\n");
		kill(daemon_pid, SIGKILL);
		_exit(1);
	}
	double cpu0 = bench_proc_cpu_s(daemon_pid);
	double t0 = bench_now_s();
	long from = 0;
	for (long w = 0; w < rs->nwaves; w++) {
		atomic_store(&sh.next, from);
		sh.end = rs->wave_end[w];
		pthread_barrier_wait(&sh.go);
		pthread_barrier_wait(&sh.done);
		from = rs->wave_end[w];
	}
	res->secs = bench_now_s() - t0;
	res->daemon_cpu_s = bench_proc_cpu_s(daemon_pid) - cpu0;
	sh.stop = 1;
	pthread_barrier_wait(&sh.go);
	for (long i = 0; i < o->conns; i++) {
		pthread_join(t[i].th, NULL);
		res->requests += t[i].requests;
		res->items += t[i].items;
		res->failures += t[i].failures;
		if (t[i].err[0])
			fprintf(stderr, "sewn_bench: connection %ld: %s\n", i, t[i].err);
		bench_conn_close(&t[i].c);
	}
	pthread_barrier_destroy(&sh.go);
	pthread_barrier_destroy(&sh.done);
	for (long k = 0; k < rs->nreq; k++)
		sh.lat[k] *= 1000.0;
	res->lat_ms = stats_of(sh.lat, rs->nreq);
	rc = res->failures ? -1 : 0;
out:
	free(t);
	free(sh.lat);
	return rc;
}

static void reqset_free(reqset *rs)
{
	for (long k = 0; rs->req && k < rs->nreq; k++)
		free(rs->req[k]);
	free(rs->req);
	free(rs->len);
	free(rs->items);
	free(rs->wave_end);
	memset(rs, 0, sizeof *rs);
}

static int reqset_alloc(reqset *rs, long nreq, long nwaves)
{
	memset(rs, 0, sizeof *rs);
	rs->req = calloc((size_t)(nreq ? nreq : 1), sizeof *rs->req);
	rs->len = calloc((size_t)(nreq ? nreq : 1), sizeof *rs->len);
	rs->items = calloc((size_t)(nreq ? nreq : 1), sizeof *rs->items);
	rs->wave_end = calloc((size_t)(nwaves ? nwaves : 1), sizeof *rs->wave_end);
	return rs->req && rs->len && rs->items && rs->wave_end ? 0 : -1;
}

static int reqset_put(reqset *rs, buf *req, long items)
{
	rs->len[rs->nreq] = req->len;
	rs->items[rs->nreq] = items;
	rs->req[rs->nreq++] = buf_steal(req);
	buf_init(req, 0);
	return rs->req[rs->nreq - 1] ? 0 : -1;
}

/* ---- the firm's production ---- */

typedef struct bundle_info {
	int64_t id;
	int order; /* 0-based */
	int done;  /* operations the spread scans */
	int out;   /* dispatched to a household */
} bundle_info;

typedef struct plant {
	long nb;
	bundle_info *b;
	char *codes;  /* nb x ops x CODE_LEN */
	long *scan_b; /* the scans in routing order: bundle index */
	int *scan_op; /* and operation */
	long nscans;
	long *wave_start;  /* per operation, index into scan_b */
	int64_t *order_id; /* from the raw rows, by order index */
} plant;

static const char *code_of(const opts *o, const plant *pl, long b, int op)
{
	return pl->codes + ((size_t)b * (size_t)o->ops + (size_t)(op - 1)) * CODE_LEN;
}

/* Operations the spread has done on bundle b of order i: order i's
 * progress p runs from 0.05 to 0.95 over the orders, and within an order the
 * early bundles are further along (20 x (2p - f), f the bundle's place in
 * the order), so no order is finished and every stage has work waiting. */
static int spread_done(const opts *o, long i, long b)
{
	double p = o->orders > 1 ? 0.05 + 0.9 * (double)i / (double)(o->orders - 1) : 0.5;
	p *= (double)o->progress_pct / 100.0;
	double f = ((double)b + 0.5) / (double)o->bundles;
	double d = (double)o->ops * (2 * p - f);
	if (d < 0)
		return 0;
	if (d > (double)o->ops - 1)
		return (int)o->ops - 1;
	return (int)d;
}

static void order_code(long i, char *out, size_t n)
{
	snprintf(out, n, "PO%04ld", i + 1);
}

/* Style, orders, cuts through the API; ticket codes read back. */
static int make_plant(const opts *o, const char *admin, plant *pl)
{
	int rc = -1;
	buf b;
	buf_init(&b, 0);
	char path[200], oc[24];
	cJSON *j = NULL;
	memset(pl, 0, sizeof *pl);
	pl->nb = o->orders * o->bundles;
	pl->b = calloc((size_t)pl->nb, sizeof *pl->b);
	pl->codes = calloc((size_t)pl->nb * (size_t)o->ops, CODE_LEN);
	if (!pl->b || !pl->codes)
		goto out;
	if (buf_printf(&b,
		       "{\"enterprise\":\"" ENTERPRISE
		       "\",\"code\":\"SKI-01\",\"name\":\"成人滑雪手套\","
		       "\"category\":\"ski\",\"family\":\"sewn\",\"sizes\":[\"8\"],\"routing\":["))
		goto out;
	for (long k = 1; k <= o->ops; k++)
		if (buf_printf(&b,
			       "%s{\"code\":\"S%02ld\",\"name\":\"工序%ld\",\"smv\":\"%ld.%02ld\","
			       "\"rate\":\"0.%04ld\"}",
			       k > 1 ? "," : "", k, k, 1 + k % 3, (k * 7) % 100, 500 + k * 37))
			goto out;
	if (buf_puts(&b, "]}") || !(j = api("POST", "/api/v1/styles", admin, b.data, 201)))
		goto out;
	cJSON_Delete(j);
	long pairs = o->bundles * o->bundle_size;
	for (long i = 0; i < o->orders; i++) {
		order_code(i, oc, sizeof oc);
		buf_reset(&b);
		if (buf_printf(
			&b,
			"{\"enterprise\":\"" ENTERPRISE "\",\"code\":\"%s\",\"buyer\":\"Alpine\","
			"\"style\":\"SKI-01\",\"due\":\"2027-06-30\",\"lines\":[{\"size\":\"8\","
			"\"qty\":%ld}]}",
			oc, pairs) ||
		    !(j = api("POST", "/api/v1/orders", admin, b.data, 201)))
			goto out;
		cJSON_Delete(j);
		buf_reset(&b);
		if (buf_printf(&b, "{\"enterprise\":\"" ENTERPRISE "\",\"order\":\"%s\"}", oc) ||
		    !(j = api("POST", "/api/v1/orders/release", admin, b.data, 200)))
			goto out;
		cJSON_Delete(j);
		buf_reset(&b);
		if (buf_printf(&b,
			       "{\"enterprise\":\"" ENTERPRISE
			       "\",\"order\":\"%s\",\"bundle_size\":%ld,"
			       "\"lines\":[{\"size\":\"8\",\"plies\":%ld}]}",
			       oc, o->bundle_size, pairs) ||
		    !(j = api("POST", "/api/v1/cuts", admin, b.data, 201)))
			goto out;
		long nbun = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "bundles"));
		cJSON_Delete(j);
		j = NULL;
		if (nbun != o->bundles) {
			fprintf(stderr, "sewn_bench: order %s cut into %ld bundles, not %ld\n", oc,
				nbun, o->bundles);
			goto out;
		}
	}
	/* ticket codes: only admins and supervisors see them */
	for (long i = 0; i < o->orders; i++) {
		order_code(i, oc, sizeof oc);
		snprintf(path, sizeof path, "/api/v1/bundles?enterprise=" ENTERPRISE "&order=%s",
			 oc);
		if (!(j = api("GET", path, admin, NULL, 200)))
			goto out;
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "bundles"), *x;
		long k = 0;
		cJSON_ArrayForEach(x, arr)
		{
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(x, "id");
			const cJSON *ops = cJSON_GetObjectItemCaseSensitive(x, "ops"), *y;
			if (k >= o->bundles || !cJSON_IsNumber(id) ||
			    cJSON_GetArraySize(ops) != (int)o->ops)
				break;
			long bi = i * o->bundles + k;
			pl->b[bi].id = (int64_t)id->valuedouble;
			pl->b[bi].order = (int)i;
			pl->b[bi].done = spread_done(o, i, k);
			int op = 0;
			cJSON_ArrayForEach(y, ops)
			{
				const cJSON *c = cJSON_GetObjectItemCaseSensitive(y, "code");
				if (!cJSON_IsString(c) || strlen(c->valuestring) >= CODE_LEN)
					break;
				snprintf((char *)code_of(o, pl, bi, ++op), CODE_LEN, "%s",
					 c->valuestring);
			}
			if (op != o->ops)
				break;
			k++;
		}
		cJSON_Delete(j);
		j = NULL;
		if (k != o->bundles) {
			fprintf(stderr, "sewn_bench: GET %s: %ld good bundles, not %ld\n", path, k,
				o->bundles);
			goto out;
		}
	}
	/* the spread's scans in routing order */
	long total = 0;
	for (long bi = 0; bi < pl->nb; bi++)
		total += pl->b[bi].done;
	pl->scan_b = calloc((size_t)(total ? total : 1), sizeof *pl->scan_b);
	pl->scan_op = calloc((size_t)(total ? total : 1), sizeof *pl->scan_op);
	pl->wave_start = calloc((size_t)o->ops + 2, sizeof *pl->wave_start);
	if (!pl->scan_b || !pl->scan_op || !pl->wave_start)
		goto out;
	for (int op = 1; op <= o->ops; op++) {
		pl->wave_start[op] = pl->nscans;
		for (long bi = 0; bi < pl->nb; bi++) {
			if (pl->b[bi].done >= op) {
				pl->scan_b[pl->nscans] = bi;
				pl->scan_op[pl->nscans++] = op;
			}
		}
	}
	pl->wave_start[o->ops + 1] = pl->nscans;
	rc = 0;
out:
	cJSON_Delete(j);
	buf_free(&b);
	return rc;
}

static void plant_free(plant *pl)
{
	free(pl->b);
	free(pl->codes);
	free(pl->scan_b);
	free(pl->scan_op);
	free(pl->wave_start);
	free(pl->order_id);
}

/* Requests for scans [from, to) of the routing order, per at most `per`
 * scans (1: single objects), never across an operation, each wave one
 * operation. Connection c's requests carry worker c's token: the request k
 * goes to whichever connection takes it, so the token is that of k % C,
 * which spreads scans over the workers evenly. */
static int build_scans(const opts *o, const plant *pl, long from, long to, long per,
		       char tokens[][256], reqset *rs)
{
	long nreq = 0, nwaves = 0;
	for (int op = 1; op <= o->ops; op++) {
		long a = pl->wave_start[op] > from ? pl->wave_start[op] : from;
		long z = pl->wave_start[op + 1] < to ? pl->wave_start[op + 1] : to;
		if (z > a) {
			nreq += (z - a + per - 1) / per;
			nwaves++;
		}
	}
	if (reqset_alloc(rs, nreq, nwaves))
		return -1;
	rs->check = per == 1 ? CHECK_SCAN : CHECK_ACCEPTED;
	buf body, req;
	buf_init(&body, 0);
	buf_init(&req, 0);
	int rc = 0;
	for (int op = 1; op <= o->ops && !rc; op++) {
		long a = pl->wave_start[op] > from ? pl->wave_start[op] : from;
		long z = pl->wave_start[op + 1] < to ? pl->wave_start[op + 1] : to;
		if (z <= a)
			continue;
		for (long s = a; s < z && !rc; s += per) {
			long e = s + per < z ? s + per : z;
			buf_reset(&body);
			if (per > 1)
				rc = buf_puts(&body, "[");
			for (long q = s; q < e && !rc; q++) {
				long bi = pl->scan_b[q];
				int sop = pl->scan_op[q];
				rc = buf_printf(&body,
						"%s{\"code\":\"%s\",\"scan_id\":\"b%lld-%d\"}",
						q > s ? "," : "", code_of(o, pl, bi, sop),
						(long long)pl->b[bi].id, sop);
			}
			if (!rc && per > 1)
				rc = buf_puts(&body, "]");
			if (!rc)
				rc = bench_build_request(&req, "POST", "/api/v1/scans",
							 tokens[rs->nreq % o->conns], body.data,
							 body.len);
			if (!rc)
				rc = reqset_put(rs, &req, e - s);
		}
		rs->wave_end[rs->nwaves++] = rs->nreq;
	}
	buf_free(&body);
	buf_free(&req);
	return rc ? -1 : 0;
}

/* n requests of `per` machine reports each, continuing the counters. */
static int build_reports(long n, long per, const char *gw, int64_t t0, long *tick, reqset *rs)
{
	if (reqset_alloc(rs, n, 1))
		return -1;
	rs->check = CHECK_ACCEPTED;
	buf body, req;
	buf_init(&body, 0);
	buf_init(&req, 0);
	int rc = 0;
	long r = *tick;
	for (long k = 0; k < n && !rc; k++) {
		buf_reset(&body);
		if (per > 1)
			rc = buf_puts(&body, "[");
		for (long q = 0; q < per && !rc; q++, r++) {
			char code[24];
			long m = r % MACHINES, tk = r / MACHINES;
			bench_machine_code(m, code, sizeof code);
			rc = buf_printf(&body,
					"%s{\"machine\":\"%s\",\"ts\":%lld,\"count\":%ld,"
					"\"reject\":0,\"state\":\"run\"}",
					q ? "," : "", code,
					(long long)(t0 + tk * REPORT_PERIOD_MS +
						    m * (REPORT_PERIOD_MS / MACHINES)),
					1000 + tk * 12);
		}
		if (!rc && per > 1)
			rc = buf_puts(&body, "]");
		if (!rc)
			rc = bench_build_request(&req, "POST", "/api/v1/reports", gw, body.data,
						 body.len);
		if (!rc)
			rc = reqset_put(rs, &req, per);
	}
	*tick = r;
	rs->wave_end[rs->nwaves++] = rs->nreq;
	buf_free(&body);
	buf_free(&req);
	return rc ? -1 : 0;
}

static int build_me(long n, char tokens[][256], long conns, reqset *rs)
{
	if (reqset_alloc(rs, n, 1))
		return -1;
	rs->check = CHECK_OK;
	buf req;
	buf_init(&req, 0);
	int rc = 0;
	for (long k = 0; k < n && !rc; k++) {
		rc = bench_build_request(&req, "GET", "/api/v1/me", tokens[k % conns], NULL, 0);
		if (!rc)
			rc = reqset_put(rs, &req, 1);
	}
	rs->wave_end[rs->nwaves++] = rs->nreq;
	buf_free(&req);
	return rc ? -1 : 0;
}

/* Some bundles go out to households for their next two operations. */
static int dispatch(const opts *o, plant *pl, const char *admin, long *sent)
{
	char body[200];
	*sent = 0;
	for (int h = 1; h <= HOUSEHOLDS; h++) {
		snprintf(body, sizeof body,
			 "{\"enterprise\":\"" ENTERPRISE
			 "\",\"code\":\"H%02d\",\"name\":\"加工户%d\","
			 "\"village\":\"梁宝寺镇\",\"rate_pct\":%d}",
			 h, h, 100 + h);
		cJSON *j = api("POST", "/api/v1/households", admin, body, 201);
		if (!j)
			return -1;
		cJSON_Delete(j);
	}
	buf b;
	buf_init(&b, 0);
	int rc = 0;
	for (int d = 0; d + 2 <= o->ops && !rc; d++) {
		long n = 0, seen = 0;
		buf_reset(&b);
		rc = buf_printf(&b,
				"{\"enterprise\":\"" ENTERPRISE "\",\"household\":\"H%02d\","
				"\"ops\":[%d,%d],\"bundles\":[",
				d % HOUSEHOLDS + 1, d + 1, d + 2);
		for (long bi = 0; bi < pl->nb && !rc && n < 1000; bi++) {
			if (pl->b[bi].done != d || seen++ % DISPATCH_STEP != DISPATCH_STEP - 1)
				continue;
			rc = buf_printf(&b, "%s%lld", n ? "," : "", (long long)pl->b[bi].id);
			pl->b[bi].out = 1;
			n++;
		}
		if (!rc)
			rc = buf_puts(&b, "]}");
		if (!rc && n) {
			cJSON *j = api("POST", "/api/v1/dispatches", admin, b.data, 201);
			rc = j ? 0 : -1;
			cJSON_Delete(j);
			*sent += n;
		}
	}
	buf_free(&b);
	return rc ? -1 : 0;
}

/* ---- WIP: the API and the raw rows ---- */

/* Per order and operation: pairs and bundles done; per order: bundles out. */
typedef struct wip_fig {
	int64_t *pairs, *bundles; /* orders x ops */
	int64_t *out;             /* per order */
	int64_t *cut;             /* per order */
} wip_fig;

static int wip_alloc(const opts *o, wip_fig *w)
{
	size_t n = (size_t)o->orders * (size_t)o->ops;
	w->pairs = calloc(n, sizeof *w->pairs);
	w->bundles = calloc(n, sizeof *w->bundles);
	w->out = calloc((size_t)o->orders, sizeof *w->out);
	w->cut = calloc((size_t)o->orders, sizeof *w->cut);
	return w->pairs && w->bundles && w->out && w->cut ? 0 : -1;
}

static void wip_free(wip_fig *w)
{
	free(w->pairs);
	free(w->bundles);
	free(w->out);
	free(w->cut);
}

/* The order index of a code PO0001.. */
static long order_index(const char *code)
{
	long v = 0;
	if (strncmp(code, "PO", 2) != 0)
		return -1;
	for (const char *p = code + 2; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v - 1;
}

/* Fills w from a WIP answer. Returns the orders in it or -1. */
static long wip_read(const opts *o, const char *text, size_t len, wip_fig *w)
{
	cJSON *j = cJSON_ParseWithLength(text, len);
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "orders"), *x;
	long n = 0;
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(j);
		return -1;
	}
	cJSON_ArrayForEach(x, arr)
	{
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(x, "order");
		long i = cJSON_IsString(c) ? order_index(c->valuestring) : -1;
		if (i < 0 || i >= o->orders)
			continue;
		n++;
		const cJSON *ops = cJSON_GetObjectItemCaseSensitive(x, "ops"), *y;
		cJSON_ArrayForEach(y, ops)
		{
			long seq =
			    (long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(y, "seq"));
			if (seq < 1 || seq > o->ops)
				continue;
			size_t at = (size_t)i * (size_t)o->ops + (size_t)(seq - 1);
			w->pairs[at] = (int64_t)cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(y, "done"));
			w->bundles[at] = (int64_t)cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(y, "bundles_done"));
		}
		w->out[i] =
		    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(x, "at_households"));
		w->cut[i] =
		    (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(x, "cut"));
	}
	cJSON_Delete(j);
	return n;
}

/* The raw statements: what rollup_op, the cut sums and the bundles out
 * answer, from the scan and bundle rows; for all of a firm's released
 * orders or for one (through the bundles' (order_id, no) index and the
 * scans' (bundle_id, seq) key: the best the raw rows allow). */
static const char *const raw_sql[2][4] = {
    {"SELECT s.order_id, s.seq, sum(s.pairs), count(*) FROM scan s JOIN prod_order o ON"
     " o.id = s.order_id WHERE s.enterprise_id = ?1 AND o.status = 'released'"
     " GROUP BY s.order_id, s.seq",
     "SELECT order_id, sum(pairs) FROM bundle WHERE enterprise_id = ?1 GROUP BY order_id",
     "SELECT b.order_id, b.no, b.pairs, h.code, h.name, b.out_ms FROM bundle b JOIN household h"
     " ON h.id = b.household_id WHERE b.enterprise_id = ?1 AND b.household_id != 0"
     " ORDER BY b.out_ms",
     "SELECT s.order_id, sum(s.pairs) FROM scan s WHERE s.enterprise_id = ?1 AND s.seq = ?2"
     " AND s.ts >= ?3 GROUP BY s.order_id"},
    {"SELECT b.order_id, s.seq, sum(s.pairs), count(*) FROM bundle b JOIN scan s ON"
     " s.bundle_id = b.id WHERE b.order_id = ?4 GROUP BY s.seq",
     "SELECT order_id, sum(pairs) FROM bundle WHERE order_id = ?4",
     "SELECT b.order_id, b.no, b.pairs, h.code, h.name, b.out_ms FROM bundle b JOIN household h"
     " ON h.id = b.household_id WHERE b.order_id = ?4 AND b.household_id != 0"
     " ORDER BY b.out_ms",
     "SELECT b.order_id, sum(s.pairs) FROM bundle b JOIN scan s ON s.bundle_id = b.id"
     " WHERE b.order_id = ?4 AND s.seq = ?2 AND s.ts >= ?3"},
};

typedef struct raw_db {
	sqlite3 *db;
	sqlite3_stmt *st[2][4];
	int64_t ent;
} raw_db;

/* The order index of an order id (ids rise with the index), or -1. */
static long order_of_id(const opts *o, const plant *pl, int64_t id)
{
	long lo = 0, hi = o->orders - 1;
	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		if (pl->order_id[mid] == id)
			return mid;
		if (pl->order_id[mid] < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* One raw answer into w (cleared first for the orders it covers). */
static int raw_wip(const opts *o, raw_db *r, const plant *pl, int one, long oi, wip_fig *w)
{
	int64_t since = ltime_now_ms() - 3 * 86400000LL;
	for (int q = 0; q < 4; q++) {
		sqlite3_stmt *st = r->st[one][q];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, r->ent);
		sqlite3_bind_int64(st, 2, o->ops);
		sqlite3_bind_int64(st, 3, since);
		sqlite3_bind_int64(st, 4, one ? pl->order_id[oi] : 0);
		int s;
		while ((s = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t id = sqlite3_column_int64(st, 0);
			long i = order_of_id(o, pl, id);
			if (i < 0)
				continue;
			if (q == 0) {
				long seq = sqlite3_column_int(st, 1);
				if (seq < 1 || seq > o->ops)
					continue;
				size_t at = (size_t)i * (size_t)o->ops + (size_t)(seq - 1);
				w->pairs[at] = sqlite3_column_int64(st, 2);
				w->bundles[at] = sqlite3_column_int64(st, 3);
			} else if (q == 1) {
				w->cut[i] = sqlite3_column_int64(st, 1);
			} else if (q == 2) {
				w->out[i]++;
				(void)sqlite3_column_text(st, 4); /* read what the view shows */
			}
		}
		if (s != SQLITE_DONE) {
			fprintf(stderr, "sewn_bench: raw query: %s\n", sqlite3_errmsg(r->db));
			return -1;
		}
	}
	return 0;
}

static int raw_open(const opts *o, const char *dbp, plant *pl, raw_db *r)
{
	memset(r, 0, sizeof *r);
	if (sqlite3_open_v2(dbp, &r->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(r->db, "SELECT id FROM enterprise WHERE code = '" ENTERPRISE "'", -1,
			       &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		goto fail;
	}
	r->ent = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	pl->order_id = calloc((size_t)o->orders, sizeof *pl->order_id);
	if (!pl->order_id ||
	    sqlite3_prepare_v2(r->db, "SELECT id, code FROM prod_order WHERE enterprise_id = ?", -1,
			       &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, r->ent);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long i = order_index((const char *)sqlite3_column_text(st, 1));
		if (i >= 0 && i < o->orders)
			pl->order_id[i] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	for (long i = 1; i < o->orders; i++)
		if (pl->order_id[i] <= pl->order_id[i - 1]) {
			fprintf(stderr, "sewn_bench: order ids do not rise with the order codes\n");
			return -1;
		}
	for (int a = 0; a < 2; a++)
		for (int q = 0; q < 4; q++)
			if (sqlite3_prepare_v2(r->db, raw_sql[a][q], -1, &r->st[a][q], NULL) !=
			    SQLITE_OK)
				goto fail;
	return 0;
fail:
	fprintf(stderr, "sewn_bench: raw database %s: %s\n", dbp,
		r->db ? sqlite3_errmsg(r->db) : "cannot open");
	return -1;
}

static void raw_close(raw_db *r)
{
	for (int a = 0; a < 2; a++)
		for (int q = 0; q < 4; q++)
			sqlite3_finalize(r->st[a][q]);
	sqlite3_close_v2(r->db);
}

/* Compares the orders API and raw both cover; prints the first difference. */
static long wip_compare(const opts *o, const wip_fig *a, const wip_fig *r, long only)
{
	long bad = 0;
	for (long i = 0; i < o->orders; i++) {
		if (only >= 0 && i != only)
			continue;
		for (long k = 0; k < o->ops; k++) {
			size_t at = (size_t)i * (size_t)o->ops + (size_t)k;
			if (a->pairs[at] != r->pairs[at] || a->bundles[at] != r->bundles[at]) {
				if (!bad++)
					printf("  MISMATCH order %ld op %ld: API %lld pairs / %lld "
					       "bundles, raw %lld / %lld\n",
					       i + 1, k + 1, (long long)a->pairs[at],
					       (long long)a->bundles[at], (long long)r->pairs[at],
					       (long long)r->bundles[at]);
			}
		}
		if (a->out[i] != r->out[i] || a->cut[i] != r->cut[i]) {
			if (!bad++)
				printf("  MISMATCH order %ld: API %lld out, %lld cut; raw %lld, "
				       "%lld\n",
				       i + 1, (long long)a->out[i], (long long)a->cut[i],
				       (long long)r->out[i], (long long)r->cut[i]);
		}
	}
	return bad;
}

/* What the spread says WIP must be (the plan, independent of both). */
static void wip_expected(const opts *o, const plant *pl, wip_fig *w)
{
	for (long bi = 0; bi < pl->nb; bi++) {
		const bundle_info *b = &pl->b[bi];
		for (int k = 0; k < b->done; k++) {
			size_t at = (size_t)b->order * (size_t)o->ops + (size_t)k;
			w->pairs[at] += o->bundle_size;
			w->bundles[at]++;
		}
		w->out[b->order] += b->out;
		w->cut[b->order] += o->bundle_size;
	}
}

typedef struct wip_result {
	stats all_ms, one_ms, raw_all_ms, raw_one_ms, bundles_ms;
	size_t all_bytes, one_bytes;
	long mismatches;
} wip_result;

static int wip_run(const opts *o, const char *dbp, const char *admin, plant *pl, wip_result *res)
{
	int rc = -1;
	raw_db raw;
	wip_fig api_w, raw_w, want;
	memset(res, 0, sizeof *res);
	memset(&raw, 0, sizeof raw);
	memset(&api_w, 0, sizeof api_w);
	memset(&raw_w, 0, sizeof raw_w);
	memset(&want, 0, sizeof want);
	bench_conn c;
	c.fd = -1;
	c.buf = NULL;
	buf req_all, req_one;
	buf_init(&req_all, 0);
	buf_init(&req_one, 0);
	long nq = o->queries, nr = o->raw_reps;
	double *t_all = calloc((size_t)nq, sizeof(double)),
	       *t_one = calloc((size_t)nq, sizeof(double));
	double *r_all = calloc((size_t)nr, sizeof(double)),
	       *r_one = calloc((size_t)nr, sizeof(double));
	double t_b[5];
	if (!t_all || !t_one || !r_all || !r_one || raw_open(o, dbp, pl, &raw))
		goto out;
	if (wip_alloc(o, &api_w) || wip_alloc(o, &raw_w) || wip_alloc(o, &want) ||
	    bench_conn_open(&c, port))
		goto out;
	wip_expected(o, pl, &want);
	if (bench_build_request(&req_all, "GET", "/api/v1/wip?enterprise=" ENTERPRISE, admin, NULL,
				0))
		goto out;
	/* interleaved: all orders, one order (each time another), raw now and then */
	long ri = 0;
	for (long q = 0; q < nq; q++) {
		char path[120], oc[24];
		long oi = (q * 7919) % o->orders;
		order_code(oi, oc, sizeof oc);
		snprintf(path, sizeof path, "/api/v1/wip?enterprise=" ENTERPRISE "&order=%s", oc);
		if (bench_build_request(&req_one, "GET", path, admin, NULL, 0))
			goto out;
		int status = 0;
		const char *body;
		size_t blen;
		double t0 = bench_now_s();
		if (bench_conn_send(&c, req_all.data, req_all.len) ||
		    bench_conn_recv(&c, &status, &body, &blen) || status != 200) {
			fprintf(stderr, "sewn_bench: GET wip (all orders): HTTP %d\n", status);
			goto out;
		}
		t_all[q] = (bench_now_s() - t0) * 1000.0;
		res->all_bytes = blen;
		if (q == 0 && (wip_read(o, body, blen, &api_w) != o->orders ||
			       (res->mismatches += wip_compare(o, &api_w, &want, -1)))) {
			printf("  MISMATCH: GET /api/v1/wip (all orders) differs from the scans "
			       "sent\n");
			res->mismatches += !res->mismatches;
		}
		t0 = bench_now_s();
		if (bench_conn_send(&c, req_one.data, req_one.len) ||
		    bench_conn_recv(&c, &status, &body, &blen) || status != 200) {
			fprintf(stderr, "sewn_bench: GET %s: HTTP %d\n", path, status);
			goto out;
		}
		t_one[q] = (bench_now_s() - t0) * 1000.0;
		res->one_bytes = blen;
		if (q < 3) {
			wip_fig one;
			if (wip_alloc(o, &one))
				goto out;
			if (wip_read(o, body, blen, &one) != 1 || wip_compare(o, &one, &want, oi)) {
				printf("  MISMATCH: GET %s differs from the scans sent\n", path);
				res->mismatches++;
			}
			wip_free(&one);
		}
		/* the raw answers, spread over the run */
		if (ri < nr && q * nr / nq >= ri) {
			size_t n = (size_t)o->orders * (size_t)o->ops;
			memset(raw_w.pairs, 0, n * sizeof *raw_w.pairs);
			memset(raw_w.bundles, 0, n * sizeof *raw_w.bundles);
			memset(raw_w.out, 0, (size_t)o->orders * sizeof *raw_w.out);
			t0 = bench_now_s();
			if (raw_wip(o, &raw, pl, 0, 0, &raw_w))
				goto out;
			r_all[ri] = (bench_now_s() - t0) * 1000.0;
			if (ri == 0 && wip_compare(o, &raw_w, &want, -1)) {
				printf("  MISMATCH: the raw rows differ from the scans sent\n");
				res->mismatches++;
			}
			t0 = bench_now_s();
			if (raw_wip(o, &raw, pl, 1, oi, &raw_w))
				goto out;
			r_one[ri] = (bench_now_s() - t0) * 1000.0;
			ri++;
		}
	}
	/* the bundle list of one order (ticket codes, who did what), after the scans */
	for (int q = 0; q < 5; q++) {
		char path[120], oc[24];
		order_code((o->orders / 2 + q) % o->orders, oc, sizeof oc);
		snprintf(path, sizeof path, "/api/v1/bundles?enterprise=" ENTERPRISE "&order=%s",
			 oc);
		if (bench_build_request(&req_one, "GET", path, admin, NULL, 0))
			goto out;
		int status = 0;
		const char *body;
		size_t blen;
		double t0 = bench_now_s();
		if (bench_conn_send(&c, req_one.data, req_one.len) ||
		    bench_conn_recv(&c, &status, &body, &blen) || status != 200) {
			fprintf(stderr, "sewn_bench: GET %s: HTTP %d\n", path, status);
			goto out;
		}
		t_b[q] = (bench_now_s() - t0) * 1000.0;
	}
	res->all_ms = stats_of(t_all, nq);
	res->one_ms = stats_of(t_one, nq);
	res->raw_all_ms = stats_of(r_all, ri);
	res->raw_one_ms = stats_of(r_one, ri);
	res->bundles_ms = stats_of(t_b, 5);
	rc = 0;
out:
	if (raw.db)
		raw_close(&raw);
	wip_free(&api_w);
	wip_free(&raw_w);
	wip_free(&want);
	bench_conn_close(&c);
	buf_free(&req_all);
	buf_free(&req_one);
	free(t_all);
	free(t_one);
	free(r_all);
	free(r_one);
	return rc;
}

/* ---- the daemon ---- */

static int admin_cmd(const opts *o, const char *dbp, char *const *args, const char *what)
{
	char *argv[24];
	int n = 0;
	argv[n++] = (char *)o->gloved;
	argv[n++] = "admin";
	argv[n++] = "--db";
	argv[n++] = (char *)dbp;
	for (; *args && n < 23; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	return bench_run_cmd(argv, what, NULL, 0);
}

static pid_t start_daemon(const opts *o, const char *dbp, const char *logp, int *log_fd)
{
	char listen[64];
	buf out;
	buf_init(&out, 0);
	pid_t pid = -1;
	for (int attempt = 0; attempt < 3 && pid < 0; attempt++) {
		port = bench_free_port();
		if (port <= 0)
			break;
		snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
		if (*log_fd >= 0)
			close(*log_fd);
		*log_fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (*log_fd < 0)
			break;
		char *argv[] = {(char *)o->gloved, "serve",     "--db",
				(char *)dbp,       "--listen",  listen,
				"--no-mqtt",       "--db-sync", o->sync_full ? "full" : "normal",
				"--log-level",     "warn",      NULL};
		pid = bench_spawn(argv, *log_fd, *log_fd);
		if (pid < 0)
			break;
		daemon_pid = pid;
		int up = 0, status = 0;
		for (int i = 0; i < 200 && !up; i++) {
			if (waitpid(pid, NULL, WNOHANG) == pid)
				break;
			if (bench_http_once(port, "GET", "/healthz", NULL, NULL, &status, &out) ==
				0 &&
			    status == 200)
				up = 1;
			else
				nanosleep(&(struct timespec){0, 50000000L}, NULL);
		}
		nanosleep(&(struct timespec){0, 200000000L}, NULL);
		if (up && waitpid(pid, NULL, WNOHANG) == pid)
			up = 0;
		if (!up) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			daemon_pid = pid = -1;
		}
	}
	buf_free(&out);
	return pid;
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: sewn_bench [options]\n\n"
		"Times bundle-ticket scans over HTTP and the WIP view of a firm against\n"
		"baselines measured in the same run (issue 5).\n\n"
		"  --orders O            released orders (default 40)\n"
		"  --bundles-per-order B bundles of each order (default 125)\n"
		"  --ops P               operations of the routing (default 20)\n"
		"  --bundle-size N       pairs per bundle (default 12)\n"
		"  --singles S           single-scan requests timed, and baseline requests "
		"(default 5000)\n"
		"  --batched Q           scans sent in arrays, timed (default 20000)\n"
		"  --batch N             scans per array (default 100)\n"
		"  -c, --connections C   keep-alive connections (default 4)\n"
		"  --progress PCT        scales how far the orders are (default 100: the orders\n"
		"                        from 5 %% to 95 %% done, about half of all operations)\n"
		"  --queries N           WIP requests of each kind (default 100)\n"
		"  --raw-reps N          raw WIP computations of each kind (default 20)\n"
		"  --sync full|normal    the daemon's db_sync (default full)\n"
		"  --full                the issue's scale: --orders 200 --bundles-per-order 250\n"
		"                        --singles 20000 --batched 20000\n"
		"  --quick               --orders 20 --singles 2000 --batched 5000 --queries 30\n"
		"  --gloved PATH         the daemon binary (default: gloved next to this program)\n"
		"  --keep                keep the temporary folder (database, daemon log)\n");
}

static int parse_args(int argc, char **argv, opts *o)
{
	o->orders = 40;
	o->bundles = 125;
	o->ops = 20;
	o->bundle_size = 12;
	o->singles = 5000;
	o->batched = 20000;
	o->batch = 100;
	o->conns = 4;
	o->queries = 100;
	o->raw_reps = 20;
	o->progress_pct = 100;
	o->sync_full = 1;
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
		if (strcmp(a, "--orders") == 0) {
			target = &o->orders;
			hi = 5000;
		} else if (strcmp(a, "--bundles-per-order") == 0) {
			target = &o->bundles;
			hi = 2000;
		} else if (strcmp(a, "--ops") == 0) {
			target = &o->ops;
			lo = 2;
			hi = 64;
		} else if (strcmp(a, "--bundle-size") == 0) {
			target = &o->bundle_size;
			hi = 100;
		} else if (strcmp(a, "--singles") == 0) {
			target = &o->singles;
			hi = 10000000;
		} else if (strcmp(a, "--batched") == 0) {
			target = &o->batched;
			lo = 0;
			hi = 10000000;
		} else if (strcmp(a, "--batch") == 0) {
			target = &o->batch;
			lo = 2;
			hi = FILL_BATCH;
		} else if (strcmp(a, "-c") == 0 || strcmp(a, "--connections") == 0) {
			target = &o->conns;
			hi = MAX_CONNS;
		} else if (strcmp(a, "--progress") == 0) {
			target = &o->progress_pct;
			hi = 100;
		} else if (strcmp(a, "--queries") == 0) {
			target = &o->queries;
			hi = 100000;
		} else if (strcmp(a, "--raw-reps") == 0) {
			target = &o->raw_reps;
			hi = 10000;
		} else if (strcmp(a, "--sync") == 0 && v &&
			   (strcmp(v, "full") == 0 || strcmp(v, "normal") == 0)) {
			o->sync_full = strcmp(v, "full") == 0;
			i++;
			continue;
		} else if (strcmp(a, "--full") == 0) {
			o->orders = 200;
			o->bundles = 250;
			o->singles = 20000;
			o->batched = 20000;
			continue;
		} else if (strcmp(a, "--quick") == 0) {
			o->orders = 20;
			o->singles = 2000;
			o->batched = 5000;
			o->queries = 30;
			o->raw_reps = 10;
			continue;
		} else if (strcmp(a, "--gloved") == 0 && v) {
			snprintf(o->gloved, sizeof o->gloved, "%s", v);
			i++;
			continue;
		} else if (strcmp(a, "--keep") == 0) {
			o->keep = 1;
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
			fprintf(stderr, "sewn_bench: %s needs an integer in %ld..%ld\n", a, lo, hi);
			return -1;
		}
		i++;
	}
	if (o->raw_reps > o->queries)
		o->raw_reps = o->queries;
	if (access(o->gloved, X_OK) != 0) {
		fprintf(stderr, "sewn_bench: no daemon binary at %s (build it or use --gloved)\n",
			o->gloved);
		return -1;
	}
	return 0;
}

/* ---- main ---- */

static void print_run(const char *what, const run_result *r, const char *unit)
{
	double rate = r->secs > 0 ? (double)r->items / r->secs : 0;
	printf("  %-40s %9.0f %s/s %8.0f req/s  mean %6.2f ms  p99 %6.2f ms  daemon CPU %5.1f us "
	       "per %s\n",
	       what, rate, unit, r->secs > 0 ? (double)r->requests / r->secs : 0, r->lat_ms.mean,
	       r->lat_ms.p99, r->items ? r->daemon_cpu_s * 1e6 / (double)r->items : 0, unit);
}

static double rate_of(const run_result *r)
{
	return r->secs > 0 ? (double)r->items / r->secs : 0;
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

int main(int argc, char **argv)
{
	bench_prog = "sewn_bench";
	opts o;
	memset(&o, 0, sizeof o);
	int pa = parse_args(argc, argv, &o);
	if (pa)
		return pa > 0 ? 0 : 2;
	if (ltime_set_zone(TIMEZONE)) {
		fprintf(stderr, "sewn_bench: no tz data for %s\n", TIMEZONE);
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	const char *tmp = getenv("TMPDIR");
	snprintf(tmp_dir, sizeof tmp_dir, "%s/gloved-sbench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	keep_tmp = o.keep;
	if (!mkdtemp(tmp_dir)) {
		fprintf(stderr, "sewn_bench: cannot create %s\n", tmp_dir);
		return 1;
	}
	char dbp[400], logp[400], gw[256] = "", admin[256] = "";
	char(*tokens)[256] = calloc((size_t)o.conns, 256);
	static const char *const tmp_names[5] = {"gloved.db", "gloved.db-wal", "gloved.db-shm",
						 "gloved.db.lock", "gloved.log"};
	for (int i = 0; i < 5; i++)
		snprintf(tmp_files[i], sizeof tmp_files[i], "%s/%s", tmp_dir, tmp_names[i]);
	snprintf(dbp, sizeof dbp, "%s/gloved.db", tmp_dir);
	snprintf(logp, sizeof logp, "%s/gloved.log", tmp_dir);
	int fail = 1, log_fd = -1;
	pid_t pid = -1;
	plant pl;
	memset(&pl, 0, sizeof pl);
	run_result me, rep1, repb, scan1, scanb, fill, late;
	memset(&me, 0, sizeof me);
	rep1 = repb = scan1 = scanb = fill = late = me;
	wip_result wr;
	memset(&wr, 0, sizeof wr);
	reqset rs;
	memset(&rs, 0, sizeof rs);
	long dispatched = 0;
	double sys0 = 0, self0 = 0, dcpu0 = 0, wall0 = 0;

	printf("gloved sewn-glove benchmark: %ld released orders x %ld bundles of %ld pairs = %ld "
	       "bundles, %ld operations, %ld connections, synchronous=%s\n",
	       o.orders, o.bundles, o.bundle_size, o.orders * o.bundles, o.ops, o.conns,
	       o.sync_full ? "FULL" : "NORMAL");
	printf("machine: %ld CPUs, SQLite %s; temporary files in %s\n",
	       sysconf(_SC_NPROCESSORS_ONLN), sqlite3_libversion(), tmp_dir);
	fflush(stdout);
	if (!tokens)
		goto out;

	/* the firm: enterprise, machines, gateway token (bench_util), an
	 * enterprise_admin and one worker login per connection */
	double t = bench_now_s();
	if (bench_register_cluster(o.gloved, MACHINES, dbp, gw, sizeof gw))
		goto out;
	char *adm[] = {
	    "user",         "add",      "--username", ADMIN_USER, "--role", "enterprise_admin",
	    "--enterprise", ENTERPRISE, "--password", PASSWORD,   NULL};
	if (admin_cmd(&o, dbp, adm, "gloved admin user add (admin)"))
		goto out;
	for (long c = 0; c < o.conns; c++) {
		char name[32], wc[32];
		snprintf(name, sizeof name, "w%03ld", c + 1);
		snprintf(wc, sizeof wc, "W%03ld", c + 1);
		char *wk[] = {"user",       "add",          "--username", name,       "--role",
			      "worker",     "--enterprise", ENTERPRISE,   "--worker", wc,
			      "--password", WORKER_PASS,    NULL};
		if (admin_cmd(&o, dbp, wk, "gloved admin user add (worker)"))
			goto out;
	}
	pid = start_daemon(&o, dbp, logp, &log_fd);
	if (pid < 0) {
		fprintf(stderr, "sewn_bench: gloved serve did not come up (log: %s)\n", logp);
		o.keep = 1;
		goto out;
	}
	fprintf(stderr, "sewn_bench: gloved serve pid %d on 127.0.0.1:%d\n", (int)pid, port);
	if (login(ADMIN_USER, PASSWORD, admin, sizeof admin))
		goto out;
	for (long c = 0; c < o.conns; c++) {
		char name[32];
		snprintf(name, sizeof name, "w%03ld", c + 1);
		if (login(name, WORKER_PASS, tokens[c], 256))
			goto out;
	}
	if (make_plant(&o, admin, &pl))
		goto out;
	double setup_s = bench_now_s() - t;
	printf("  setup: %ld orders made, released and cut into %ld bundles, %ld ticket codes "
	       "read, in %.1f s; the spread has %ld scans (%.1f of %ld operations per bundle)\n",
	       o.orders, pl.nb, pl.nb * o.ops, setup_s, pl.nscans,
	       (double)pl.nscans / (double)pl.nb, o.ops);
	long n1 = o.singles < pl.nscans ? o.singles : pl.nscans;
	long n2 = o.batched < pl.nscans - n1 ? o.batched : pl.nscans - n1;
	fflush(stdout);

	sys0 = bench_system_busy_s();
	self0 = bench_self_cpu_s();
	dcpu0 = bench_proc_cpu_s(pid);
	wall0 = bench_now_s();
	/* baselines and scans, alternating kinds of request */
	int64_t t0 =
	    ltime_now_ms() - 60000 -
	    (int64_t)((o.singles + o.batched + MACHINES) / MACHINES + 1) * REPORT_PERIOD_MS;
	t0 -= t0 % 60000;
	long tick = 0;
	int bad = 0;
	if (build_me(n1, tokens, o.conns, &rs))
		goto out;
	bad |= run_set(&o, &rs, &me);
	reqset_free(&rs);
	if (build_reports(n1, 1, gw, t0, &tick, &rs))
		goto out;
	bad |= run_set(&o, &rs, &rep1);
	reqset_free(&rs);
	if (build_scans(&o, &pl, 0, n1, 1, tokens, &rs))
		goto out;
	bad |= run_set(&o, &rs, &scan1);
	reqset_free(&rs);
	long nbreq = (n2 + o.batch - 1) / o.batch;
	if (n2) {
		if (build_reports(nbreq, o.batch, gw, t0, &tick, &rs))
			goto out;
		bad |= run_set(&o, &rs, &repb);
		reqset_free(&rs);
		if (build_scans(&o, &pl, n1, n1 + n2, o.batch, tokens, &rs))
			goto out;
		bad |= run_set(&o, &rs, &scanb);
		reqset_free(&rs);
	}
	/* the rest of the spread in arrays of 500, but for the last scans of
	 * the routing order: single scans again, now with the scan table full */
	long n3 = o.singles < pl.nscans - n1 - n2 ? o.singles : pl.nscans - n1 - n2;
	if (n1 + n2 < pl.nscans - n3) {
		if (build_scans(&o, &pl, n1 + n2, pl.nscans - n3, FILL_BATCH, tokens, &rs))
			goto out;
		bad |= run_set(&o, &rs, &fill);
		reqset_free(&rs);
	}
	if (n3) {
		if (build_scans(&o, &pl, pl.nscans - n3, pl.nscans, 1, tokens, &rs))
			goto out;
		bad |= run_set(&o, &rs, &late);
		reqset_free(&rs);
	}
	if (bad) {
		fprintf(stderr, "sewn_bench: requests failed (above)\n");
		goto out;
	}
	if (dispatch(&o, &pl, admin, &dispatched))
		goto out;
	if (wip_run(&o, dbp, admin, &pl, &wr))
		goto out;
	fail = wr.mismatches != 0;
out:;
	double wall = bench_now_s() - wall0;
	double other = 0;
	if (wall0 > 0 && pid > 0 && wall > 0)
		other = (bench_system_busy_s() - sys0 - (bench_self_cpu_s() - self0) -
			 (bench_proc_cpu_s(pid) - dcpu0)) /
			wall;
	long rss = pid > 0 ? bench_proc_status_kb(pid, "VmHWM") : -1;
	if (pid > 0 && bench_stop_daemon(pid, &daemon_pid)) {
		fprintf(stderr, "sewn_bench: gloved serve did not stop cleanly\n");
		fail = 1;
	}
	if (log_fd >= 0)
		close(log_fd);
	struct stat sb;
	double db_mib = stat(dbp, &sb) == 0 ? (double)sb.st_size / 1048576.0 : 0;

	printf("\nscans over HTTP (each request: one writer transaction, committed before the "
	       "answer)\n");
	print_run("GET /api/v1/me (HTTP floor)", &me, "req");
	print_run("POST /api/v1/reports, 1 per request", &rep1, "report");
	print_run("POST /api/v1/scans, 1 per request", &scan1, "scan");
	printf("  %-40s %9.2f (scans/s / reports/s)   %.2f (scans/s / GET me/s)\n",
	       "ratio single scans", ratio(rate_of(&scan1), rate_of(&rep1)),
	       ratio(rate_of(&scan1), rate_of(&me)));
	char what[64];
	snprintf(what, sizeof what, "POST /api/v1/reports, %ld per request", o.batch);
	print_run(what, &repb, "report");
	snprintf(what, sizeof what, "POST /api/v1/scans, %ld per request", o.batch);
	print_run(what, &scanb, "scan");
	printf("  %-40s %9.2f (scans/s / reports/s)   %.1f (batched / single scans/s)\n",
	       "ratio batched scans", ratio(rate_of(&scanb), rate_of(&repb)),
	       ratio(rate_of(&scanb), rate_of(&scan1)));
	print_run("POST /api/v1/scans, 500 per request (rest)", &fill, "scan");
	print_run("POST /api/v1/scans, 1 per request, at end", &late, "scan");
	printf("  %-40s %9.2f (scans/s / reports/s)   %.2f (at end / at start)\n",
	       "ratio single scans at the end", ratio(rate_of(&late), rate_of(&rep1)),
	       ratio(rate_of(&late), rate_of(&scan1)));
	printf("  %-40s %ld single, %ld batched, %ld in arrays of 500, %ld single at the end; "
	       "%ld bundles dispatched\n",
	       "scans made", scan1.items, scanb.items, fill.items, late.items, dispatched);
	printf("\nWIP (%ld requests each, one connection; raw: %ld computations each, read-only "
	       "SQLite connection)\n",
	       o.queries, o.raw_reps);
	printf("  %-40s p50 %7.2f ms  p99 %7.2f ms  (%zu bytes)\n", "GET /api/v1/wip, all orders",
	       wr.all_ms.p50, wr.all_ms.p99, wr.all_bytes);
	printf("  %-40s p50 %7.2f ms  p99 %7.2f ms\n", "raw GROUP BY over scans, all orders",
	       wr.raw_all_ms.p50, wr.raw_all_ms.p99);
	printf("  %-40s p50 %7.2f ms  p99 %7.2f ms  (%zu bytes)\n", "GET /api/v1/wip, one order",
	       wr.one_ms.p50, wr.one_ms.p99, wr.one_bytes);
	printf("  %-40s p50 %7.2f ms  p99 %7.2f ms\n", "raw GROUP BY over scans, one order",
	       wr.raw_one_ms.p50, wr.raw_one_ms.p99);
	printf("  %-40s %9.2f all orders, %.2f one order\n", "ratio raw / API (p50)",
	       ratio(wr.raw_all_ms.p50, wr.all_ms.p50), ratio(wr.raw_one_ms.p50, wr.one_ms.p50));
	printf("  %-40s p50 %7.2f ms  max %7.2f ms (5 requests)\n",
	       "GET /api/v1/bundles, one order", wr.bundles_ms.p50, wr.bundles_ms.max);
	printf("  %-40s %s\n", "WIP answers vs the scans sent",
	       fail ? "MISMATCH or not run" : "API, raw rows and plan agree");
	printf("  %-40s %.1f MiB peak RSS, database %.1f MiB, other processes %.2f cores%s\n",
	       "daemon", (double)rss / 1024.0, db_mib, other < 0 ? 0 : other,
	       other > 0.2 ? "  (a noisy machine: figures are low)" : "");
	printf("RESULT O=%ld B=%ld P=%ld C=%ld sync=%s me_req_s=%.0f rep1_s=%.0f scan1_s=%.0f "
	       "scan1_mean_ms=%.2f scan1_p99_ms=%.2f ratio_scan1_rep1=%.3f repb_s=%.0f "
	       "scanb_s=%.0f scanb_p99_ms=%.2f ratio_scanb_repb=%.3f fill_s=%.0f late_s=%.0f "
	       "late_mean_ms=%.2f "
	       "wip_all_p50_ms=%.2f wip_all_p99_ms=%.2f raw_all_p50_ms=%.2f wip_one_p50_ms=%.2f "
	       "wip_one_p99_ms=%.2f raw_one_p50_ms=%.2f bundles_p50_ms=%.1f other_cores=%.2f "
	       "ok=%d\n",
	       o.orders, o.bundles, o.ops, o.conns, o.sync_full ? "full" : "normal", rate_of(&me),
	       rate_of(&rep1), rate_of(&scan1), scan1.lat_ms.mean, scan1.lat_ms.p99,
	       ratio(rate_of(&scan1), rate_of(&rep1)), rate_of(&repb), rate_of(&scanb),
	       scanb.lat_ms.p99, ratio(rate_of(&scanb), rate_of(&repb)), rate_of(&fill),
	       rate_of(&late), late.lat_ms.mean, wr.all_ms.p50, wr.all_ms.p99, wr.raw_all_ms.p50,
	       wr.one_ms.p50, wr.one_ms.p99, wr.raw_one_ms.p50, wr.bundles_ms.p50,
	       other < 0 ? 0 : other, !fail);
	plant_free(&pl);
	reqset_free(&rs);
	free(tokens);
	if (o.keep)
		fprintf(stderr, "sewn_bench: kept %s\n", tmp_dir);
	else
		bench_remove_dir(tmp_dir);
	return fail ? 1 : 0;
}
