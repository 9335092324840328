/* SPDX-License-Identifier: Apache-2.0 */
/* pg_dashboard_bench.c: how fast the dashboard's API calls answer at
 * Jiaxiang's scale on PostgreSQL, beside the same calls on SQLite with the
 * same data in the same run (issue 14). It fills one SQLite file and one
 * PostgreSQL database alike: F firms in three towns with a workshop each and
 * M machines spread over them (the store API: store_enterprise_add,
 * store_machine_add; store_live_put for the live state, just before the
 * daemons start), then D days up to
 * now of hour, day and shift rollups (with two stop-reason rows per machine
 * and shift) and the last --minute-days days of minute rollups, from one
 * deterministic generator, written in bulk (SQLite: prepared inserts in one
 * transaction; PostgreSQL: COPY; ANALYZE on both after). Then it starts
 * `gloved serve` on each (both at once, idle but for the bench), logs in as
 * a cluster_admin and times the calls a dashboard makes, each Q times on
 * each backend, alternating SQLite and PostgreSQL request by request so that
 * the shared machine's noise falls on both alike, the firm turning with each
 * repetition: the cockpit, today's summary, a firm's output per hour over a
 * week (/output and /trend), today's per-minute output, the live wall of a
 * firm and of the cluster, OEE per machine of a firm over a week, OEE per
 * firm over the month, and the month's output per machine as CSV (the
 * export). Both backends must answer 200 with the same bodies (the cockpit's
 * now_ms aside): a differing answer is a MISMATCH (exit 1). Prints the
 * median and p95 per call and backend and the ratio PG/SQLite of the
 * medians, and the load of other processes. A benchmark, not a test: see
 * docs/performance.md. */
#include "app/firmcal.h"
#include "core/shift.h"
#include "core/state.h"
#include "core/tz.h"
#include "lib/bench_load.h"
#include "store/analytics.h"
#include "store/registry.h"
#include "store/samples.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/ltime.h"

#include <libpq-fe.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOUR_MS 3600000LL
#define MIN_MS  60000LL
#define DB_DASH "gloved_bench_dash"
#define N_TOWNS 3

static const char *const towns[N_TOWNS] = {"嘉祥街道", "纸坊镇", "梁宝寺镇"};

typedef struct opts {
	long firms, machines, days, minute_days, queries;
	int keep;
	char gloved[512];
} opts;

static char tmp_dir[256];
static bench_pg pg;
static volatile pid_t daemons[2];

static void on_signal(int sig)
{
	(void)sig;
	for (int i = 0; i < 2; i++) {
		pid_t p = daemons[i];
		if (p > 0) {
			kill(p, SIGKILL);
			waitpid(p, NULL, 0);
		}
	}
	bench_pg_stop_from_signal(&pg);
	static const char msg[] = "pg_dashboard_bench: interrupted\n";
	ssize_t w = write(2, msg, sizeof msg - 1);
	(void)w;
	_exit(130);
}

static uint64_t mix(uint64_t z)
{
	/* splitmix64's finaliser: a deterministic hash of the key */
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- the data: one generator, two sinks ---- */

typedef struct frame {
	tz_zone zone;
	shift_calendar cal;
	int64_t now;      /* the last full hour: hours before it have rollups */
	int32_t today;    /* local day number of now */
	int32_t first;    /* the oldest day of rollups */
	int32_t min_from; /* the oldest day of minute rollups */
} frame;

typedef struct mach {
	int64_t id, ent, ws, cycle_ms;
} mach;

enum { T_MINUTE, T_HOUR, T_DAY, T_SHIFT, T_REASON, N_TABLES };
static const char *const table_name[N_TABLES] = {"rollup_minute", "rollup_hour", "rollup_day",
						 "rollup_shift", "rollup_shift_reason"};
static const char *const table_cols[N_TABLES] = {
    "bucket, machine_id, enterprise_id, workshop_id, good, reject",
    "bucket, machine_id, enterprise_id, workshop_id, good, reject",
    "bucket, machine_id, enterprise_id, workshop_id, good, reject",
    "bucket, machine_id, enterprise_id, workshop_id, shift_day, shift, good, reject,"
    " ideal_ms, ideal_reject_ms, unknown_ms, run_ms, idle_ms, stop_ms, fault_ms, setup_ms,"
    " off_ms, offline_ms",
    "bucket, machine_id, state, reason, enterprise_id, workshop_id, shift_day, shift, ms"};
static const int table_ncols[N_TABLES] = {6, 6, 6, 18, 9};

/* A row: integers, and for rollup_shift_reason column 3 the reason text. */
typedef struct row {
	int64_t v[18];
	const char *text;
} row;

/* Where rows go: an SQLite connection with one statement per table, or a
 * PostgreSQL connection with one COPY buffer per table. */
typedef struct sink {
	sqlite3 *lite;
	sqlite3_stmt *st[N_TABLES];
	PGconn *pq;
	buf copy[N_TABLES];
	int only; /* PostgreSQL: the table being copied (rows of others are counted only) */
	long rows[N_TABLES];
} sink;

static int sink_put(sink *k, int t, const row *r)
{
	k->rows[t]++;
	if (k->lite) {
		sqlite3_stmt *st = k->st[t];
		for (int i = 0; i < table_ncols[t]; i++) {
			if (t == T_REASON && i == 3)
				sqlite3_bind_text(st, i + 1, r->text, -1, SQLITE_STATIC);
			else
				sqlite3_bind_int64(st, i + 1, r->v[i]);
		}
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			fprintf(stderr, "pg_dashboard_bench: sqlite %s: %s\n", table_name[t],
				sqlite3_errmsg(k->lite));
			return -1;
		}
		return 0;
	}
	if (t != k->only)
		return 0;
	buf *b = &k->copy[t];
	int rc = 0;
	for (int i = 0; i < table_ncols[t] && !rc; i++) {
		const char *sep = i ? "\t" : "";
		if (t == T_REASON && i == 3)
			rc = buf_printf(b, "%s%s", sep, r->text); /* fixed names: no escapes */
		else
			rc = buf_printf(b, "%s%lld", sep, (long long)r->v[i]);
	}
	if (!rc)
		rc = buf_puts(b, "\n");
	if (!rc && b->len > ((size_t)8 << 20)) {
		if (PQputCopyData(k->pq, b->data, (int)b->len) != 1)
			rc = -1;
		buf_reset(b);
	}
	return rc ? -1 : 0;
}

/* Pieces of machine m in local hour h of day d: 60..95 % of the hour
 * running, one piece per cycle, every 40th a reject. */
static void hour_pieces(const mach *m, int32_t d, int h, int64_t *run_ms, int64_t *good,
			int64_t *reject)
{
	uint64_t r = mix((uint64_t)m->id * 1000003ULL + (uint64_t)d * 31ULL + (uint64_t)h);
	*run_ms = HOUR_MS * (600 + (int64_t)(r % 351)) / 1000;
	int64_t pieces = *run_ms / m->cycle_ms;
	*reject = pieces / 40;
	*good = pieces - *reject;
}

typedef struct acc {
	int64_t good, reject, run_ms, len_ms;
} acc;

/* Every rollup row of machine m, into k. */
static int gen_machine(const frame *f, const mach *m, sink *k)
{
	row r;
	memset(&r, 0, sizeof r);
	for (int32_t d = f->first; d <= f->today; d++) {
		tz_date date = tz_civil_from_days(d);
		int64_t midnight = tz_midnight_ms(&f->zone, date);
		acc day = {0, 0, 0, 0};
		for (int h = 0; h < 24; h++) {
			int64_t bucket = midnight + h * HOUR_MS;
			if (bucket + HOUR_MS > f->now)
				break;
			int64_t run, good, rej;
			hour_pieces(m, d, h, &run, &good, &rej);
			day.good += good;
			day.reject += rej;
			int64_t hv[6] = {bucket, m->id, m->ent, m->ws, good, rej};
			memcpy(r.v, hv, sizeof hv);
			if (sink_put(k, T_HOUR, &r))
				return -1;
			if (d < f->min_from)
				continue;
			/* the hour's pieces spread over its minutes, rejects first */
			for (int64_t mi = 0; mi < 60; mi++) {
				int64_t p = (good + rej) / 60 + (mi < (good + rej) % 60);
				int64_t rj = rej / 60 + (mi < rej % 60);
				if (rj > p)
					rj = p;
				if (!p)
					continue;
				int64_t mv[6] = {
				    bucket + mi * MIN_MS, m->id, m->ent, m->ws, p - rj, rj};
				memcpy(r.v, mv, sizeof mv);
				if (sink_put(k, T_MINUTE, &r))
					return -1;
			}
		}
		if (day.good || day.reject) {
			int64_t dv[6] = {midnight, m->id, m->ent, m->ws, day.good, day.reject};
			memcpy(r.v, dv, sizeof dv);
			if (sink_put(k, T_DAY, &r))
				return -1;
		}
		/* the shifts that began on day d, summed from the same hours */
		for (int32_t s = 0; s < f->cal.n_shifts; s++) {
			shift_instance in;
			if (shift_instance_of(&f->zone, &f->cal, s, date, &in))
				return -1;
			acc a = {0, 0, 0, 0};
			for (int64_t t = in.start_ms; t < in.end_ms && t + HOUR_MS <= f->now;
			     t += HOUR_MS) {
				int32_t hd = tz_day_of(&f->zone, t);
				int hh =
				    (int)((t - tz_midnight_ms(&f->zone, tz_civil_from_days(hd))) /
					  HOUR_MS);
				int64_t run, good, rej;
				hour_pieces(m, hd, hh, &run, &good, &rej);
				a.good += good;
				a.reject += rej;
				a.run_ms += run;
				a.len_ms += HOUR_MS;
			}
			if (!a.len_ms)
				continue;
			int64_t rest = a.len_ms - a.run_ms;
			int64_t idle = rest * 20 / 100, stop = rest * 40 / 100,
				fault = rest * 10 / 100, setup = rest * 10 / 100,
				off = rest * 15 / 100;
			int64_t offline = rest - idle - stop - fault - setup - off;
			int64_t sv[18] = {in.start_ms,
					  m->id,
					  m->ent,
					  m->ws,
					  d,
					  s,
					  a.good,
					  a.reject,
					  a.good * m->cycle_ms,
					  a.reject * m->cycle_ms,
					  0,
					  a.run_ms,
					  idle,
					  stop,
					  fault,
					  setup,
					  off,
					  offline};
			memcpy(r.v, sv, sizeof sv);
			if (sink_put(k, T_SHIFT, &r))
				return -1;
			/* the stop time: 60 % yarn breaks, the rest unexplained */
			int64_t rv1[9] = {in.start_ms, m->id, MS_STOP,        0, m->ent, m->ws,
					  d,           s,     stop * 60 / 100};
			int64_t rv2[9] = {in.start_ms, m->id,  MS_STOP,
					  0,           m->ent, m->ws,
					  d,           s,      stop - stop * 60 / 100};
			memcpy(r.v, rv1, sizeof rv1);
			r.text = "yarn_break";
			if (sink_put(k, T_REASON, &r))
				return -1;
			memcpy(r.v, rv2, sizeof rv2);
			r.text = "";
			if (sink_put(k, T_REASON, &r))
				return -1;
			r.text = NULL;
		}
	}
	return 0;
}

/* ---- filling one backend ---- */

/* The live state, written just before the daemons start: most machines
 * reported a few seconds ago (one in 11 stopped for a yarn break), one in
 * 7 two hours ago (offline). The daemons run with --offline-after 3600, so
 * no machine turns offline between the two backends' answers. */
static int fill_live(const opts *o, const char *db, const frame *f, const mach *ms, int64_t clock)
{
	store *s = NULL;
	store_options so = {.sync_full = 0};
	if (store_open(db, STORE_WRITE, &so, &s))
		return -1;
	int rc = store_begin(s);
	for (long j = 0; !rc && j < o->machines; j++) {
		store_live l;
		memset(&l, 0, sizeof l);
		l.machine_id = ms[j].id;
		l.last_ts =
		    j % 7 == 3 ? clock - 2 * HOUR_MS : clock - 5000 - (int64_t)(j % 25) * 1000;
		l.count = (uint64_t)(j * 1000 + 500);
		l.reject = (uint64_t)(j % 10);
		l.state = j % 11 == 0 ? MS_STOP : MS_RUN;
		snprintf(l.reason, sizeof l.reason, "%s", j % 11 == 0 ? "yarn_break" : "");
		l.since_ts = f->now - (int64_t)(j % 50) * MIN_MS;
		l.st_ts = l.last_ts;
		l.st_state = l.state;
		snprintf(l.st_reason, sizeof l.st_reason, "%s", l.reason);
		rc = store_live_put(s, &l);
	}
	rc = store_end(s, rc);
	store_close(s);
	return rc ? -1 : 0;
}

typedef struct fill_stats {
	double registry_s, rollups_s;
	long rows[N_TABLES];
} fill_stats;

static int fill_registry(const opts *o, const char *db, mach *ms)
{
	store *s = NULL;
	store_options so = {.sync_full = 0};
	if (store_open(db, STORE_WRITE, &so, &s))
		return -1;
	store_scope all = {.enterprise_id = 0};
	int64_t *ent = calloc((size_t)o->firms, sizeof *ent);
	int64_t *ws = calloc((size_t)o->firms, sizeof *ws);
	int rc = ent && ws ? store_begin(s) : -1;
	for (long i = 0; !rc && i < o->firms; i++) {
		store_enterprise e;
		memset(&e, 0, sizeof e);
		snprintf(e.code, sizeof e.code, "JX%03ld", i + 1);
		snprintf(e.name, sizeof e.name, "嘉祥手套厂 %03ld", i + 1);
		snprintf(e.town, sizeof e.town, "%s", towns[i % N_TOWNS]);
		if ((rc = store_enterprise_add(s, all, &e)))
			break;
		ent[i] = e.id;
		store_workshop w;
		memset(&w, 0, sizeof w);
		w.enterprise_id = e.id;
		snprintf(w.code, sizeof w.code, "W1");
		snprintf(w.name, sizeof w.name, "Workshop 1");
		rc = store_workshop_add(s, all, &w);
		ws[i] = w.id;
	}
	for (long j = 0; !rc && j < o->machines; j++) {
		long fi = j * o->firms / o->machines;
		store_machine m;
		memset(&m, 0, sizeof m);
		m.enterprise_id = ent[fi];
		m.workshop_id = ws[fi];
		bench_machine_code(j, m.code, sizeof m.code);
		snprintf(m.kind, sizeof m.kind, "knitting");
		m.gauge = 13;
		m.cycle_ms = 15000 + (j * 45000) / (o->machines > 1 ? o->machines - 1 : 1);
		m.counter_bits = 32;
		if ((rc = store_machine_add(s, all, &m)))
			break;
		if (ms[j].id && (ms[j].id != m.id || ms[j].ent != m.enterprise_id)) {
			fprintf(stderr,
				"pg_dashboard_bench: the backends numbered machine %ld "
				"differently\n",
				j);
			rc = -1;
			break;
		}
		ms[j] = (mach){.id = m.id,
			       .ent = m.enterprise_id,
			       .ws = m.workshop_id,
			       .cycle_ms = m.cycle_ms};
	}
	rc = store_end(s, rc);
	store_close(s);
	free(ent);
	free(ws);
	return rc ? -1 : 0;
}

static int fill_sqlite(const opts *o, const char *path, const frame *f, const mach *ms,
		       fill_stats *fs)
{
	sink k;
	memset(&k, 0, sizeof k);
	int rc = -1;
	if (sqlite3_open_v2(path, &k.lite, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		goto out;
	/* a bulk load: no journal, no syncs, a big page cache; WAL again after */
	if (sqlite3_exec(k.lite,
			 "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
			 " PRAGMA cache_size = -1048576; BEGIN",
			 NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	for (int t = 0; t < N_TABLES; t++) {
		char sql[600] = "";
		int n = snprintf(sql, sizeof sql, "INSERT INTO %s(%s) VALUES(", table_name[t],
				 table_cols[t]);
		for (int i = 0; i < table_ncols[t] && n > 0 && (size_t)n < sizeof sql - 4; i++)
			n += snprintf(sql + n, sizeof sql - (size_t)n, "%s?", i ? "," : "");
		snprintf(sql + n, sizeof sql - (size_t)n, ")");
		if (sqlite3_prepare_v2(k.lite, sql, -1, &k.st[t], NULL) != SQLITE_OK)
			goto out;
	}
	for (long j = 0; j < o->machines; j++)
		if (gen_machine(f, &ms[j], &k))
			goto out;
	for (int t = 0; t < N_TABLES; t++) {
		sqlite3_finalize(k.st[t]);
		k.st[t] = NULL;
	}
	if (sqlite3_exec(k.lite, "COMMIT; ANALYZE; PRAGMA journal_mode = WAL", NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto out;
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "pg_dashboard_bench: filling %s: %s\n", path,
			k.lite ? sqlite3_errmsg(k.lite) : "cannot open");
	for (int t = 0; t < N_TABLES; t++) {
		sqlite3_finalize(k.st[t]);
		fs->rows[t] = k.rows[t];
	}
	sqlite3_close(k.lite);
	return rc;
}

/* One COPY per table; each table's rows are made by its own pass of the
 * generator (a COPY takes one table at a time). */
static int fill_pg(const opts *o, const char *uri, const frame *f, const mach *ms, fill_stats *fs)
{
	sink k;
	memset(&k, 0, sizeof k);
	for (int t = 0; t < N_TABLES; t++)
		buf_init(&k.copy[t], 0);
	int rc = -1;
	k.pq = PQconnectdb(uri);
	if (PQstatus(k.pq) != CONNECTION_OK) {
		fprintf(stderr, "pg_dashboard_bench: %s", PQerrorMessage(k.pq));
		goto out;
	}
	if (bench_pg_exec(k.pq, "SET synchronous_commit = off"))
		goto out;
	/* the generator makes every table's rows at once: each pass keeps the
	 * rows of the table being copied */
	for (int t = 0; t < N_TABLES; t++) {
		char sql[600];
		snprintf(sql, sizeof sql, "COPY %s(%s) FROM STDIN", table_name[t], table_cols[t]);
		PGresult *r = PQexec(k.pq, sql);
		int ok = PQresultStatus(r) == PGRES_COPY_IN;
		PQclear(r);
		if (!ok) {
			fprintf(stderr, "pg_dashboard_bench: %s: %s", sql, PQerrorMessage(k.pq));
			goto out;
		}
		sink pass;
		memset(&pass, 0, sizeof pass);
		pass.pq = k.pq;
		pass.only = t;
		for (int u = 0; u < N_TABLES; u++)
			buf_init(&pass.copy[u], 0);
		int bad = 0;
		for (long j = 0; j < o->machines && !bad; j++)
			bad = gen_machine(f, &ms[j], &pass);
		if (!bad && pass.copy[t].len &&
		    PQputCopyData(k.pq, pass.copy[t].data, (int)pass.copy[t].len) != 1)
			bad = 1;
		k.rows[t] = pass.rows[t];
		for (int u = 0; u < N_TABLES; u++)
			buf_free(&pass.copy[u]);
		if (PQputCopyEnd(k.pq, bad ? "generator failed" : NULL) != 1)
			bad = 1;
		while ((r = PQgetResult(k.pq)) != NULL) {
			if (PQresultStatus(r) != PGRES_COMMAND_OK) {
				fprintf(stderr, "pg_dashboard_bench: COPY %s: %s", table_name[t],
					PQerrorMessage(k.pq));
				bad = 1;
			}
			PQclear(r);
		}
		if (bad)
			goto out;
	}
	if (bench_pg_exec(k.pq, "ANALYZE"))
		goto out;
	rc = 0;
out:
	for (int t = 0; t < N_TABLES; t++) {
		fs->rows[t] = k.rows[t];
		buf_free(&k.copy[t]);
	}
	PQfinish(k.pq);
	return rc;
}

/* ---- the calls ---- */

typedef struct call {
	const char *name;
	const char *fmt; /* printf: %s the firm code, then day or ms values */
	int kind;        /* which arguments fmt takes */
} call;

/* A_FIRM_DAYS: the last 7 days (today included), A_DAYS: the last 30;
 * A_FIRM_CLOSED, A_CLOSED: the same ending yesterday (the open shift's
 * OEE runs on with the clock, so two daemons asked a few ms apart would
 * differ); A_FIRM_MS: the last 7 x 24 h; A_FIRM_TODAY: today's midnight to
 * the last full hour. */
enum { A_NONE, A_FIRM, A_FIRM_MS, A_FIRM_TODAY, A_FIRM_DAYS, A_DAYS, A_FIRM_CLOSED, A_CLOSED };

static const call calls[] = {
    {"cockpit (cluster indicators)", "/api/v1/cockpit", A_NONE},
    {"summary (today, every firm)", "/api/v1/summary", A_NONE},
    {"firm output per hour, 7 days", "/api/v1/output?enterprise=%s&bucket=hour&from=%lld&to=%lld",
     A_FIRM_MS},
    {"firm trend per hour, 7 days", "/api/v1/trend?enterprise=%s&level=hour&from=%s&to=%s",
     A_FIRM_DAYS},
    {"firm output per minute, today",
     "/api/v1/output?enterprise=%s&bucket=minute&from=%lld&to=%lld", A_FIRM_TODAY},
    {"live wall, one firm", "/api/v1/machines?enterprise=%s", A_FIRM},
    {"live wall, whole cluster", "/api/v1/machines", A_NONE},
    {"OEE per machine, firm, 7 closed days",
     "/api/v1/oee?enterprise=%s&group=machine&from=%s&to=%s", A_FIRM_CLOSED},
    {"OEE per firm, cluster, 30 closed days", "/api/v1/oee?group=enterprise&from=%s&to=%s",
     A_CLOSED},
    {"export: output per machine, 30 days, CSV",
     "/api/v1/output-table?group=machine&format=csv&from=%s&to=%s", A_DAYS},
};
#define N_CALLS (sizeof calls / sizeof calls[0])

static void call_path(const call *c, const frame *f, long firm, char *out, size_t n)
{
	char code[24], d0[11], d1[11];
	snprintf(code, sizeof code, "JX%03ld", firm + 1);
	int closed = c->kind == A_FIRM_CLOSED || c->kind == A_CLOSED;
	int32_t last = f->today - closed;
	tz_day_format(last - (c->kind == A_DAYS || c->kind == A_CLOSED ? 29 : 6), d0);
	tz_day_format(last, d1);
	switch (c->kind) {
	case A_FIRM_TODAY:
		snprintf(out, n, c->fmt, code,
			 (long long)tz_midnight_ms(&f->zone, tz_civil_from_days(f->today)),
			 (long long)f->now);
		break;
	case A_FIRM:
		snprintf(out, n, c->fmt, code);
		break;
	case A_FIRM_MS:
		snprintf(out, n, c->fmt, code, (long long)(f->now - 7 * 24 * HOUR_MS),
			 (long long)f->now);
		break;
	case A_FIRM_DAYS:
	case A_FIRM_CLOSED:
		snprintf(out, n, c->fmt, code, d0, d1);
		break;
	case A_DAYS:
	case A_CLOSED:
		snprintf(out, n, c->fmt, d0, d1);
		break;
	default:
		snprintf(out, n, "%s", c->fmt);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double pct(double *v, size_t n, int p)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	size_t i = ((size_t)p * n + 99) / 100; /* nearest rank */
	return v[i ? i - 1 : 0];
}

/* The body without the cockpit's clock (now_ms changes between calls). */
static size_t comparable(const char *b, size_t n, char *out, size_t cap)
{
	const char *p = n > 10 ? strstr(b, "\"now_ms\":") : NULL;
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < cap; i++) {
		if (p && b + i == p) {
			while (i < n && b[i] != ',' && b[i] != '}')
				i++;
			if (i >= n)
				break;
		}
		out[k++] = b[i];
	}
	return k;
}

typedef struct backend {
	const char *name;
	char db[1100];
	int port;
	pid_t pid;
	bench_conn c;
	char session[256];
} backend;

static int timed_get(backend *be, const char *path, double *ms, buf *body, int *status)
{
	buf req;
	buf_init(&req, 0);
	int rc = -1;
	const char *b;
	size_t bl;
	if (bench_build_request(&req, "GET", path, be->session, NULL, 0))
		goto out;
	double t0 = bench_now_s();
	if (bench_conn_send(&be->c, req.data, req.len) || bench_conn_recv(&be->c, status, &b, &bl))
		goto out;
	*ms = (bench_now_s() - t0) * 1000.0;
	buf_reset(body);
	rc = buf_append(body, b, bl) ? -1 : 0;
out:
	buf_free(&req);
	return rc;
}

/* ---- main ---- */

static void usage(FILE *f)
{
	fprintf(f, "usage: pg_dashboard_bench [options]\n\n"
		   "Times the dashboard's API calls on gloved over SQLite and over PostgreSQL\n"
		   "with the same data. The server: $GLOVED_BENCH_PG (or $GLOVED_TEST_PG), else\n"
		   "a private one from scripts/pg.sh.\n\n"
		   "  --firms N        firms, in 3 towns (default 300)\n"
		   "  --machines N     machines, spread evenly over the firms (default 3000)\n"
		   "  --days N         days of hour, day and shift rollups up to now (default 30)\n"
		   "  --minute-days N  of them, the last days with minute rollups (default 2)\n"
		   "  --queries N      calls of each kind on each backend (default 40)\n"
		   "  --quick          --firms 30 --machines 300 --days 7 --minute-days 1\n"
		   "  --gloved PATH    the daemon binary (default: next to this program)\n"
		   "  --keep           keep the temporary folder and the database\n");
}

static int parse_args(int argc, char **argv, opts *o)
{
	o->firms = 300;
	o->machines = 3000;
	o->days = 30;
	o->minute_days = 2;
	o->queries = 40;
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
		if (strcmp(a, "--firms") == 0) {
			target = &o->firms;
			hi = 999;
		} else if (strcmp(a, "--machines") == 0) {
			target = &o->machines;
			hi = 99999;
		} else if (strcmp(a, "--days") == 0) {
			target = &o->days;
			lo = 7;
			hi = 400;
		} else if (strcmp(a, "--minute-days") == 0) {
			target = &o->minute_days;
			hi = 30;
		} else if (strcmp(a, "--queries") == 0) {
			target = &o->queries;
			hi = 100000;
		} else if (strcmp(a, "--quick") == 0) {
			o->firms = 30;
			o->machines = 300;
			o->days = 7;
			o->minute_days = 1;
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
			/* bench/run.sh passes its arguments to every benchmark */
			if (v && v[0] != '-')
				i++;
			continue;
		}
		if (bench_parse_long(v, lo, hi, target)) {
			fprintf(stderr, "pg_dashboard_bench: %s needs an integer in %ld..%ld\n", a,
				lo, hi);
			return -1;
		}
		i++;
	}
	if (o->machines < o->firms) {
		fprintf(stderr, "pg_dashboard_bench: fewer machines than firms\n");
		return -1;
	}
	if (o->minute_days > o->days)
		o->minute_days = o->days;
	if (access(o->gloved, X_OK) != 0) {
		fprintf(stderr, "pg_dashboard_bench: no daemon binary at %s\n", o->gloved);
		return -1;
	}
	return 0;
}

static int add_user(const opts *o, const char *db)
{
	char *g = (char *)o->gloved, *d = (char *)db;
	char *usr[] = {g,        "admin",         "--db",       d,
		       "user",   "add",           "--username", USERNAME,
		       "--role", "cluster_admin", "--password", PASSWORD,
		       NULL};
	return bench_run_cmd(usr, "gloved admin user add", NULL, 0);
}

int main(int argc, char **argv)
{
	bench_prog = "pg_dashboard_bench";
	opts o;
	memset(&o, 0, sizeof o);
	int pa = parse_args(argc, argv, &o);
	if (pa)
		return pa > 0 ? 0 : 2;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	const char *tmp = getenv("TMPDIR");
	snprintf(tmp_dir, sizeof tmp_dir, "%s/gloved-pgdash.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmp_dir)) {
		fprintf(stderr, "pg_dashboard_bench: cannot create %s\n", tmp_dir);
		return 1;
	}
	int fail = 1, mismatches = 0, errors = 0;
	mach *ms = calloc((size_t)o.machines, sizeof *ms);
	size_t nq = (size_t)o.queries;
	double *t[N_CALLS][2];
	memset(t, 0, sizeof t);
	for (size_t i = 0; i < N_CALLS; i++)
		for (int b = 0; b < 2; b++)
			t[i][b] = calloc(nq, sizeof(double));
	size_t bytes[N_CALLS][2];
	memset(bytes, 0, sizeof bytes);
	backend be[2];
	memset(be, 0, sizeof be);
	be[0].name = "SQLite";
	be[1].name = "PostgreSQL";
	be[0].c.fd = be[1].c.fd = -1;
	buf body[2];
	buf_init(&body[0], 0);
	buf_init(&body[1], 0);
	char *cmp[2] = {malloc(RESP_MAX), malloc(RESP_MAX)};
	if (!ms || !cmp[0] || !cmp[1]) {
		fprintf(stderr, "pg_dashboard_bench: out of memory\n");
		goto done;
	}
	if (bench_pg_start(&pg)) {
		/* not a failure of gloved: bench/run.sh goes on with the others */
		printf("%s: skipped: no PostgreSQL server (set GLOVED_BENCH_PG to a URI, or "
		       "install postgresql-15 for scripts/pg.sh)\n",
		       bench_prog);
		fail = 0;
		goto done;
	}
	snprintf(be[0].db, sizeof be[0].db, "%s/dash.db", tmp_dir);
	if (bench_pg_uri(&pg, DB_DASH, be[1].db, sizeof be[1].db) ||
	    bench_pg_fresh_db(&pg, DB_DASH))
		goto done;

	/* the frame: the default calendar (day 08-20, night 20-08) of the zone */
	static frame f;
	firm_cal dflt;
	firmcal_default(&dflt, TIMEZONE, NULL);
	f.zone = dflt.zone;
	f.cal = dflt.cal;
	f.now = ltime_now_ms();
	f.now -= f.now % HOUR_MS;
	f.today = tz_day_of(&f.zone, f.now - 1);
	f.first = f.today - (int32_t)o.days + 1;
	f.min_from = f.today - (int32_t)o.minute_days + 1;
	char shown[1100], d0[11], d1[11];
	tz_day_format(f.first, d0);
	tz_day_format(f.today, d1);
	printf("pg_dashboard_bench: %ld firms in %d towns, %ld machines; hour, day and shift "
	       "rollups %s..%s (%ld days) up to the last full hour, minute rollups for the last "
	       "%ld day%s; %ld calls of each kind per backend\n",
	       o.firms, N_TOWNS, o.machines, d0, d1, o.days, o.minute_days,
	       o.minute_days == 1 ? "" : "s", o.queries);
	printf("SQLite %s at %s; PostgreSQL at %s (%s)\n", sqlite3_libversion(), be[0].db,
	       store_uri_shown(be[1].db, shown, sizeof shown),
	       pg.uri_given ? "given" : "private, scripts/pg.sh");
	fflush(stdout);

	fill_stats fs[2];
	memset(fs, 0, sizeof fs);
	for (int b = 0; b < 2; b++) {
		double t0 = bench_now_s();
		if (fill_registry(&o, be[b].db, ms) || add_user(&o, be[b].db)) {
			fprintf(stderr, "pg_dashboard_bench: cannot fill the registry of %s\n",
				be[b].name);
			goto done;
		}
		fs[b].registry_s = bench_now_s() - t0;
		t0 = bench_now_s();
		if (b == 0 ? fill_sqlite(&o, be[0].db, &f, ms, &fs[0])
			   : fill_pg(&o, be[1].db, &f, ms, &fs[1]))
			goto done;
		fs[b].rollups_s = bench_now_s() - t0;
		printf("%s filled: registry %.1f s, rollups %.1f s (minute %ld, hour %ld, day %ld, "
		       "shift %ld, shift reasons %ld rows)\n",
		       be[b].name, fs[b].registry_s, fs[b].rollups_s, fs[b].rows[T_MINUTE],
		       fs[b].rows[T_HOUR], fs[b].rows[T_DAY], fs[b].rows[T_SHIFT],
		       fs[b].rows[T_REASON]);
		fflush(stdout);
	}
	struct stat st;
	double pg_bytes = 0;
	PGconn *pc = PQconnectdb(be[1].db);
	PGresult *pr = PQexec(pc, "SELECT pg_database_size(current_database())");
	if (PQresultStatus(pr) == PGRES_TUPLES_OK && PQntuples(pr) == 1)
		pg_bytes = strtod(PQgetvalue(pr, 0, 0), NULL);
	PQclear(pr);
	PQfinish(pc);
	printf("SQLite file %.0f MiB, PostgreSQL database %.0f MiB\n",
	       stat(be[0].db, &st) == 0 ? (double)st.st_size / 1048576.0 : 0, pg_bytes / 1048576.0);

	int64_t clock = ltime_now_ms();
	if (fill_live(&o, be[0].db, &f, ms, clock) || fill_live(&o, be[1].db, &f, ms, clock)) {
		fprintf(stderr, "pg_dashboard_bench: cannot write the live state\n");
		goto done;
	}
	char keyp[400];
	snprintf(keyp, sizeof keyp, "%s/brand.key", tmp_dir);
	for (int b = 0; b < 2; b++) {
		char logp[400];
		snprintf(logp, sizeof logp, "%s/gloved-%d.log", tmp_dir, b);
		char *argv_s[] = {
		    o.gloved,    "serve",       "--db", be[b].db,           "--listen", "PORT",
		    "--no-mqtt", "--log-level", "warn", "--brand-key-file", keyp,       NULL};
		int refused = 0;
		be[b].pid = bench_gloved_start(argv_s, logp, &be[b].port, &refused, &daemons[b]);
		if (be[b].pid < 0) {
			fprintf(stderr, "pg_dashboard_bench: gloved serve on %s did not come up:\n",
				be[b].name);
			bench_print_file(logp, "  ");
			goto done;
		}
		if (bench_login(be[b].port, be[b].session, sizeof be[b].session))
			goto done;
	}
	/* the keep-alive connections only once both daemons are up: one
	 * opened before the other daemon's start (which can take longer than
	 * the 10 s a daemon waits for a request head) would be closed with a
	 * 408 before its first call */
	for (int b = 0; b < 2; b++)
		if (bench_conn_open(&be[b].c, be[b].port))
			goto done;

	pid_t mine[2] = {be[0].pid, be[1].pid};
	double cpu0 = bench_proc_cpu_s(mine[0]) + bench_proc_cpu_s(mine[1]);
	double scpu0 = bench_pg_cpu_s(&pg);
	bench_noise nz;
	bench_noise_start(&nz, cpu0 + (scpu0 > 0 ? scpu0 : 0));
	for (size_t i = 0; i < N_CALLS; i++) {
		int diff = 0;
		/* one untimed call first on each: statements prepared, pages read */
		for (long q = -1; q < o.queries; q++) {
			char path[400];
			call_path(&calls[i], &f, q < 0 ? 0 : q % o.firms, path, sizeof path);
			for (int b = 0; b < 2; b++) {
				int status = 0;
				double ms_ = 0;
				if (timed_get(&be[b], path, &ms_, &body[b], &status) ||
				    status != 200) {
					if (errors++ < 5)
						fprintf(stderr,
							"pg_dashboard_bench: %s GET %s: HTTP %d "
							"%.200s\n",
							be[b].name, path, status,
							body[b].data ? body[b].data : "");
					continue;
				}
				if (q >= 0) {
					t[i][b][q] = ms_;
					bytes[i][b] = body[b].len;
				}
			}
			size_t n0 = comparable(body[0].data ? body[0].data : "", body[0].len,
					       cmp[0], RESP_MAX);
			size_t n1 = comparable(body[1].data ? body[1].data : "", body[1].len,
					       cmp[1], RESP_MAX);
			if (n0 != n1 || memcmp(cmp[0], cmp[1], n0) != 0) {
				size_t at = 0;
				while (at < n0 && at < n1 && cmp[0][at] == cmp[1][at])
					at++;
				size_t from = at > 80 ? at - 80 : 0;
				if (!diff++)
					printf(
					    "MISMATCH %s: GET %s differs at byte %zu (SQLite %zu "
					    "bytes: ...%.160s; PostgreSQL %zu bytes: ...%.160s)\n",
					    calls[i].name, path, at, n0, cmp[0] + from, n1,
					    cmp[1] + from);
			}
		}
		mismatches += diff;
	}
	double cpu1 = bench_proc_cpu_s(mine[0]) + bench_proc_cpu_s(mine[1]);
	double scpu1 = bench_pg_cpu_s(&pg);
	double other = bench_noise_end(&nz, cpu1 + (scpu1 > 0 ? scpu1 : 0));

	printf("\n  %-42s %19s %19s %8s %9s\n", "call (median / p95, ms)", "SQLite", "PostgreSQL",
	       "PG/SQL", "body");
	for (size_t i = 0; i < N_CALLS; i++) {
		double m0 = pct(t[i][0], nq, 50), p0 = pct(t[i][0], nq, 95);
		double m1 = pct(t[i][1], nq, 50), p1 = pct(t[i][1], nq, 95);
		printf("  %-42s %8.2f / %8.2f %8.2f / %8.2f %8.2f %7.0f kB\n", calls[i].name, m0,
		       p0, m1, p1, m0 > 0 ? m1 / m0 : 0, (double)bytes[i][1] / 1024.0);
	}
	printf("  other_cores (load of other processes) %.2f%s\n", other,
	       other > 0.2 ? "  (a noisy machine: figures are high)" : "");
	printf("  answers: %s; %d failed calls\n",
	       mismatches ? "the backends DIFFER (MISMATCH above)" : "identical on both backends",
	       errors);
	printf("RESULT firms=%ld machines=%ld days=%ld minute_days=%ld queries=%ld", o.firms,
	       o.machines, o.days, o.minute_days, o.queries);
	for (size_t i = 0; i < N_CALLS; i++)
		printf(" q%zu_sqlite_ms=%.2f q%zu_pg_ms=%.2f", i, pct(t[i][0], nq, 50), i,
		       pct(t[i][1], nq, 50));
	printf(" other_cores=%.2f ok=%d\n", other, !mismatches && !errors);
	fail = mismatches || errors;
done:
	for (int b = 0; b < 2; b++) {
		bench_conn_close(&be[b].c);
		if (be[b].pid > 0 && bench_stop_daemon(be[b].pid, &daemons[b])) {
			fprintf(stderr,
				"pg_dashboard_bench: gloved serve on %s did not stop cleanly\n",
				be[b].name);
			fail = 1;
		}
		buf_free(&body[b]);
		free(cmp[b]);
	}
	for (size_t i = 0; i < N_CALLS; i++)
		for (int b = 0; b < 2; b++)
			free(t[i][b]);
	free(ms);
	if (!o.keep) {
		if (pg.uri[0])
			bench_pg_drop_db(&pg, DB_DASH);
		bench_remove_dir(tmp_dir);
	} else {
		fprintf(stderr, "pg_dashboard_bench: kept %s and database %s\n", tmp_dir, DB_DASH);
	}
	bench_pg_stop(&pg);
	return fail;
}
