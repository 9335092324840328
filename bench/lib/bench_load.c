/* SPDX-License-Identifier: Apache-2.0 */
/* bench_load.c: the pieces bench/pg_ingest_bench.c and
 * bench/pg_dashboard_bench.c share (bench_load.h): generated reports and
 * their requests, a load spread over several daemons, `gloved serve`
 * started on a free port, the day-rollup check, and a PostgreSQL server for
 * the run (the URI of $GLOVED_BENCH_PG or $GLOVED_TEST_PG, or a private one
 * from scripts/pg.sh, found through GLOVED_SOURCE_DIR, which the build
 * defines). */
#include "bench_load.h"

#include "store/registry.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/ltime.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef GLOVED_SOURCE_DIR
#define GLOVED_SOURCE_DIR "."
#endif

extern char **environ;

/* ---- reports and requests ---- */

bench_rep *bench_make_reports(long m, long n, int64_t t0, int64_t *good, int64_t *reject)
{
	bench_rep *r = malloc((size_t)n * sizeof *r);
	uint64_t *cnt = calloc((size_t)m, sizeof *cnt);
	uint64_t *rej = calloc((size_t)m, sizeof *rej);
	if (!r || !cnt || !rej) {
		free(r);
		r = NULL;
		goto out;
	}
	*good = *reject = 0;
	for (long i = 0; i < n; i++) {
		long k = i / m, j = i % m;
		bench_rep *x = &r[i];
		x->machine = j;
		x->ts_ms = t0 + (int64_t)k * REPORT_PERIOD_MS + (int64_t)j * REPORT_PERIOD_MS / m;
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

int bench_plan_build(bench_plan *p, const bench_rep *reps, long n, long batch, const char *token)
{
	memset(p, 0, sizeof *p);
	p->nreq = (n + batch - 1) / batch;
	p->req = calloc((size_t)p->nreq, sizeof *p->req);
	p->req_len = calloc((size_t)p->nreq, sizeof *p->req_len);
	p->req_n = calloc((size_t)p->nreq, sizeof *p->req_n);
	if (!p->req || !p->req_len || !p->req_n)
		return -1;
	buf body, req;
	buf_init(&body, 0);
	buf_init(&req, 0);
	int rc = 0;
	for (long k = 0; k < p->nreq && !rc; k++) {
		long from = k * batch, to = from + batch < n ? from + batch : n;
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
		if (body.len > p->max_body)
			p->max_body = body.len;
		p->req_len[k] = req.len;
		p->req_n[k] = to - from;
		p->req[k] = buf_steal(&req);
		buf_init(&req, 0);
	}
	buf_free(&body);
	buf_free(&req);
	return rc ? -1 : 0;
}

void bench_plan_free(bench_plan *p)
{
	for (long k = 0; p->req && k < p->nreq; k++)
		free(p->req[k]);
	free(p->req);
	free(p->req_len);
	free(p->req_n);
	memset(p, 0, sizeof *p);
}

/* ---- the load ---- */

typedef struct load_shared {
	const bench_plan *p;
	atomic_long next;
	pthread_barrier_t *go; /* all senders start together */
} load_shared;

typedef struct sender {
	pthread_t th;
	bench_conn c;
	load_shared *sh;
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
	const bench_plan *p = s->sh->p;
	pthread_barrier_wait(s->sh->go);
	for (;;) {
		long k = atomic_fetch_add(&s->sh->next, 1);
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

void bench_noise_start(bench_noise *n, double mine_cpu_s)
{
	n->sys0 = bench_system_busy_s();
	n->self0 = bench_self_cpu_s();
	n->wall0 = bench_now_s();
	n->mine0 = mine_cpu_s;
}

double bench_noise_end(const bench_noise *n, double mine_cpu_s)
{
	double wall = bench_now_s() - n->wall0;
	double busy = bench_system_busy_s() - n->sys0;
	double other = busy - (bench_self_cpu_s() - n->self0) - (mine_cpu_s - n->mine0);
	return wall > 0 && other > 0 ? other / wall : 0;
}

static double pids_cpu(const pid_t *pids, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++) {
		double c = pids[i] > 0 ? bench_proc_cpu_s(pids[i]) : 0;
		s += c > 0 ? c : 0;
	}
	return s;
}

int bench_load_run(const bench_plan *p, const int *ports, int nports, long conns, const pid_t *pids,
		   int npids, bench_load_result *res)
{
	return bench_load_run_plans(p, 1, ports, nports, conns, pids, npids, res);
}

int bench_load_run_plans(const bench_plan *plans, int nplans, const int *ports, int nports,
			 long conns, const pid_t *pids, int npids, bench_load_result *res)
{
	memset(res, 0, sizeof *res);
	if (nplans < 1 || nplans > 64 || nports < 1)
		return -1;
	load_shared sh[64];
	pthread_barrier_t go;
	for (int i = 0; i < nplans; i++) {
		sh[i].p = &plans[i];
		atomic_store(&sh[i].next, 0);
		sh[i].go = &go;
	}
	sender *snd = calloc((size_t)conns, sizeof *snd);
	if (!snd)
		return -1;
	int rc = -1;
	for (long i = 0; i < conns; i++)
		snd[i].c.fd = -1;
	for (long i = 0; i < conns; i++) {
		if (bench_conn_open(&snd[i].c, ports[i % nports])) {
			fprintf(stderr, "%s: cannot connect to 127.0.0.1:%d\n", bench_prog,
				ports[i % nports]);
			goto out;
		}
		snd[i].sh = &sh[i % nplans];
	}
	pthread_barrier_init(&go, NULL, (unsigned)conns + 1);
	long started = 0;
	for (; started < conns; started++)
		if (pthread_create(&snd[started].th, NULL, send_main, &snd[started]))
			break;
	if (started < conns) {
		/* the barrier can never open */
		fprintf(stderr, "%s: cannot start sender threads\n", bench_prog);
		for (int i = 0; i < npids; i++)
			if (pids[i] > 0)
				kill(pids[i], SIGKILL);
		_exit(1);
	}
	bench_noise nz;
	double self0 = bench_self_cpu_s();
	bench_noise_start(&nz, pids_cpu(pids, npids));
	double start = bench_now_s(), end = start;
	pthread_barrier_wait(&go);
	int printed = 0;
	for (long i = 0; i < conns; i++) {
		pthread_join(snd[i].th, NULL);
		if (snd[i].end_s > end)
			end = snd[i].end_s;
		res->requests += snd[i].requests;
		res->accepted += snd[i].accepted;
		res->duplicates += snd[i].duplicates;
		res->late += snd[i].late;
		res->failures += snd[i].failures;
		if (snd[i].err[0] && printed++ < 5)
			fprintf(stderr, "%s: connection %ld: %s\n", bench_prog, i, snd[i].err);
	}
	res->secs = end - start;
	res->bench_cpu_s = bench_self_cpu_s() - self0;
	res->other_cores = bench_noise_end(&nz, pids_cpu(pids, npids));
	pthread_barrier_destroy(&go);
	rc = 0;
out:
	for (long i = 0; i < conns; i++)
		bench_conn_close(&snd[i].c);
	free(snd);
	return rc;
}

/* ---- the daemon ---- */

void bench_print_file(const char *path, const char *prefix)
{
	FILE *f = fopen(path, "r");
	char line[512];
	while (f && fgets(line, sizeof line, f))
		fprintf(stderr, "%s%s", prefix, line);
	if (f)
		fclose(f);
}

static int file_has(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int found = 0;
	while (f && !found && fgets(line, sizeof line, f))
		found = strstr(line, needle) != NULL;
	if (f)
		fclose(f);
	return found;
}

pid_t bench_gloved_start(char **argv, const char *logpath, int *port, int *refused,
			 volatile pid_t *tracked)
{
	static char listen[8][64];
	static int slot;
	char *lst = listen[slot++ % 8];
	int li = -1;
	for (int i = 0; argv[i]; i++)
		if (strcmp(argv[i], "--listen") == 0 && argv[i + 1])
			li = i + 1;
	*refused = 0;
	if (li < 0)
		return -1;
	argv[li] = lst;
	for (int attempt = 0; attempt < 3; attempt++) {
		int p = bench_free_port();
		if (p <= 0)
			return -1;
		snprintf(lst, 64, "127.0.0.1:%d", p);
		int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0)
			return -1;
		pid_t pid = bench_spawn(argv, fd, fd);
		close(fd);
		if (pid < 0)
			return -1;
		*tracked = pid;
		int up = 0, gone = 0;
		for (int i = 0; i < 600 && !up && !gone; i++) {
			int status = 0;
			buf out;
			buf_init(&out, 0);
			if (waitpid(pid, NULL, WNOHANG) == pid)
				gone = 1;
			else if (bench_http_once(p, "GET", "/healthz", NULL, NULL, &status, &out) ==
				     0 &&
				 status == 200)
				up = 1;
			else
				nanosleep(&(struct timespec){0, 50000000L}, NULL);
			buf_free(&out);
		}
		/* the answer must have come from our daemon, which must still run */
		if (up) {
			nanosleep(&(struct timespec){0, 200000000L}, NULL);
			if (waitpid(pid, NULL, WNOHANG) == pid)
				gone = 1, up = 0;
		}
		if (up) {
			*port = p;
			return pid;
		}
		if (!gone)
			bench_stop_daemon(pid, tracked);
		*tracked = 0;
		if (file_has(logpath, "another gloved serves this database")) {
			*refused = 1;
			return -1;
		}
		if (!file_has(logpath, "ddress already in use"))
			break;
	}
	return -1;
}

int bench_register_fast(const char *gloved, long machines, const char *db, char *token,
			size_t token_cap)
{
	store *s = NULL;
	store_options so = {.sync_full = 0};
	if (store_open(db, STORE_WRITE, &so, &s))
		return -1;
	store_scope all = {.enterprise_id = 0};
	store_enterprise e;
	memset(&e, 0, sizeof e);
	snprintf(e.code, sizeof e.code, "%s", ENTERPRISE);
	snprintf(e.name, sizeof e.name, "bench");
	store_workshop w;
	memset(&w, 0, sizeof w);
	int rc = store_begin(s);
	if (!rc)
		rc = store_enterprise_add(s, all, &e);
	if (!rc) {
		w.enterprise_id = e.id;
		snprintf(w.code, sizeof w.code, "%s", WORKSHOP);
		snprintf(w.name, sizeof w.name, "bench");
		rc = store_workshop_add(s, all, &w);
	}
	for (long j = 0; !rc && j < machines; j++) {
		/* as `gloved admin machine add` with its defaults */
		store_machine m;
		memset(&m, 0, sizeof m);
		m.enterprise_id = e.id;
		m.workshop_id = w.id;
		bench_machine_code(j, m.code, sizeof m.code);
		snprintf(m.kind, sizeof m.kind, "knitting");
		m.counter_bits = 64;
		rc = store_machine_add(s, all, &m);
	}
	rc = store_end(s, rc);
	store_close(s);
	if (rc) {
		fprintf(stderr, "%s: registering on %s failed: %s\n", bench_prog, db,
			gloved_strerror(rc));
		return -1;
	}
	char *g = (char *)gloved, *d = (char *)db;
	char *tok[] = {g, "admin", "--db", d, "token", "add", "--enterprise", ENTERPRISE, NULL};
	char *usr[] = {g,        "admin",         "--db",       d,
		       "user",   "add",           "--username", USERNAME,
		       "--role", "cluster_admin", "--password", PASSWORD,
		       NULL};
	if (bench_run_cmd(tok, "gloved admin token add", token, token_cap) ||
	    strncmp(token, "gw_", 3) != 0)
		return -1;
	return bench_run_cmd(usr, "gloved admin user add", NULL, 0);
}

int bench_login(int port, char *session, size_t cap)
{
	buf out;
	buf_init(&out, 0);
	int status = 0, rc = -1;
	if (bench_http_once(port, "POST", "/api/v1/login", NULL,
			    "{\"username\":\"" USERNAME "\",\"password\":\"" PASSWORD "\"}",
			    &status, &out) ||
	    status != 200) {
		fprintf(stderr, "%s: login failed (HTTP %d)\n", bench_prog, status);
		goto out;
	}
	cJSON *login = cJSON_Parse(out.data);
	const cJSON *tk = cJSON_GetObjectItemCaseSensitive(login, "token");
	if (cJSON_IsString(tk)) {
		snprintf(session, cap, "%s", tk->valuestring);
		rc = 0;
	}
	cJSON_Delete(login);
out:
	buf_free(&out);
	return rc;
}

int bench_day_totals(int port, int64_t t0, int64_t want_good, int64_t want_reject, int64_t *good,
		     int64_t *reject)
{
	char session[256] = "";
	*good = *reject = -1;
	if (bench_login(port, session, sizeof session))
		return -1;
	char path[200];
	snprintf(path, sizeof path, "/api/v1/output?bucket=day&from=%lld&to=%lld",
		 (long long)ltime_day_start(t0), (long long)(ltime_now_ms() + 86400000LL));
	buf out;
	buf_init(&out, 0);
	int rc = -1;
	for (int tries = 0; tries < 100; tries++) {
		if (tries)
			nanosleep(&(struct timespec){0, 100000000L}, NULL);
		int status = 0;
		if (bench_http_once(port, "GET", path, session, NULL, &status, &out) ||
		    status != 200) {
			fprintf(stderr, "%s: GET %s failed (HTTP %d)\n", bench_prog, path, status);
			goto out;
		}
		cJSON *o = cJSON_Parse(out.data);
		const cJSON *total = cJSON_GetObjectItemCaseSensitive(o, "total");
		const cJSON *g = cJSON_GetObjectItemCaseSensitive(total, "good");
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(total, "reject");
		if (cJSON_IsNumber(g) && cJSON_IsNumber(r)) {
			*good = (int64_t)g->valuedouble;
			*reject = (int64_t)r->valuedouble;
		}
		cJSON_Delete(o);
		if (*good == want_good && *reject == want_reject)
			break;
	}
	rc = 0;
out:
	buf_free(&out);
	return rc;
}

/* ---- PostgreSQL ---- */

static const char pg_sh[] = GLOVED_SOURCE_DIR "/scripts/pg.sh";

/* The value of `export NAME='VALUE'` in text. */
static int export_value(const char *text, const char *name, char *out, size_t cap)
{
	char key[64];
	snprintf(key, sizeof key, "export %s='", name);
	const char *p = strstr(text, key);
	if (!p)
		return -1;
	p += strlen(key);
	const char *e = strchr(p, '\'');
	if (!e || (size_t)(e - p) >= cap)
		return -1;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return 0;
}

static pid_t read_postmaster(const char *dir)
{
	char path[400], line[64] = "";
	snprintf(path, sizeof path, "%s/data/postmaster.pid", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(line, sizeof line, f))
		line[0] = '\0';
	fclose(f);
	long v = 0;
	line[strcspn(line, "\n")] = '\0';
	return bench_parse_long(line, 1, 1L << 30, &v) ? 0 : (pid_t)v;
}

int bench_pg_start(bench_pg *pg)
{
	memset(pg, 0, sizeof *pg);
	const char *env = getenv("GLOVED_BENCH_PG");
	if (!env || !*env)
		env = getenv("GLOVED_TEST_PG");
	if (env && *env) {
		if (strlen(env) >= sizeof pg->uri) {
			fprintf(stderr, "%s: the PostgreSQL URI is too long\n", bench_prog);
			return -1;
		}
		snprintf(pg->uri, sizeof pg->uri, "%s", env);
		pg->uri_given = 1;
		const char *d = getenv("GLOVED_PG_DIR");
		if (d && strncmp(d, "/tmp/gloved-pg.", 15) == 0)
			pg->postmaster = read_postmaster(d);
		return 0;
	}
	char out[4096];
	char *argv[] = {"/bin/sh", (char *)pg_sh, "start", NULL};
	if (access(pg_sh, R_OK) != 0) {
		fprintf(stderr, "%s: no %s: set GLOVED_BENCH_PG to a PostgreSQL URI\n", bench_prog,
			pg_sh);
		return -1;
	}
	if (bench_run_cmd(argv, "scripts/pg.sh start", out, sizeof out) ||
	    export_value(out, "GLOVED_TEST_PG", pg->uri, sizeof pg->uri) ||
	    export_value(out, "GLOVED_PG_DIR", pg->dir, sizeof pg->dir)) {
		fprintf(stderr, "%s: scripts/pg.sh start failed\n", bench_prog);
		return -1;
	}
	pg->postmaster = read_postmaster(pg->dir);
	return 0;
}

void bench_pg_stop(bench_pg *pg)
{
	if (pg->uri_given || !pg->dir[0])
		return;
	char *argv[] = {"/bin/sh", (char *)pg_sh, "stop", pg->dir, NULL};
	bench_run_cmd(argv, "scripts/pg.sh stop", NULL, 0);
	pg->dir[0] = '\0';
}

void bench_pg_stop_from_signal(const bench_pg *pg)
{
	if (pg->uri_given || !pg->dir[0])
		return;
	char *argv[] = {"/bin/sh", (char *)pg_sh, "stop", (char *)pg->dir, NULL};
	pid_t p = fork();
	if (p == 0) {
		execve(argv[0], argv, environ);
		_exit(127);
	}
	if (p > 0)
		waitpid(p, NULL, 0);
}

int bench_pg_uri(const bench_pg *pg, const char *db, char *out, size_t cap)
{
	const char *u = pg->uri, *s = strstr(u, "://");
	if (!s)
		return -1;
	s += 3;
	const char *slash = strchr(s, '/');
	const char *q = strchr(s, '?');
	if (q && slash && slash > q)
		slash = NULL;
	size_t head = slash ? (size_t)(slash - u) : q ? (size_t)(q - u) : strlen(u);
	int n = snprintf(out, cap, "%.*s/%s%s", (int)head, u, db, q ? q : "");
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int bench_pg_exec(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : -1;
	if (rc)
		fprintf(stderr, "%s: PostgreSQL: %.60s...: %s", bench_prog, sql, PQerrorMessage(c));
	PQclear(r);
	return rc;
}

static int db_name_ok(const char *db)
{
	if (!*db || strlen(db) > 60)
		return 0;
	for (const char *p = db; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return 0;
	return 1;
}

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static int admin_exec(const bench_pg *pg, const char *verb, const char *db)
{
	if (!db_name_ok(db))
		return -1;
	PGconn *c = PQconnectdb(pg->uri);
	PQsetNoticeProcessor(c, quiet, NULL); /* "does not exist, skipping" */
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "%s: cannot connect to PostgreSQL: %s", bench_prog,
			PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	/* a database name cannot be a bound parameter: db is checked above */
	char sql[200];
	snprintf(sql, sizeof sql, "%s %s", verb, db);
	int rc = bench_pg_exec(c, sql);
	PQfinish(c);
	return rc;
}

int bench_pg_drop_db(const bench_pg *pg, const char *db)
{
	return admin_exec(pg, "DROP DATABASE IF EXISTS", db);
}

int bench_pg_fresh_db(const bench_pg *pg, const char *db)
{
	if (bench_pg_drop_db(pg, db))
		return -1;
	return admin_exec(pg, "CREATE DATABASE", db);
}

double bench_pg_cpu_s(const bench_pg *pg)
{
	if (pg->postmaster <= 0)
		return -1;
	double sum = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		long pid = 0;
		if (bench_parse_long(e->d_name, 1, 1L << 30, &pid))
			continue;
		char path[64], text[1024];
		snprintf(path, sizeof path, "/proc/%ld/stat", pid);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t n = fread(text, 1, sizeof text - 1, f);
		fclose(f);
		text[n] = '\0';
		char *p = strrchr(text, ')');
		long ppid = 0;
		if (!p || sscanf(p + 1, " %*c %ld", &ppid) != 1)
			continue;
		if (pid == pg->postmaster || ppid == pg->postmaster) {
			double c = bench_proc_cpu_s((pid_t)pid);
			sum += c > 0 ? c : 0;
		}
	}
	if (d)
		closedir(d);
	return sum;
}
