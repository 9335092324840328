/* SPDX-License-Identifier: Apache-2.0 */
/* sparkplug_bench.c: how many Sparkplug B DDATA messages one core turns
 * into validated machine reports, beside two references measured in the
 * same run on the same core. The message is what the simulator's edge
 * nodes send for a knitting machine (spBv1.0/<firm>/DDATA/<gateway>/<machine>:
 * payload timestamp and seq; count UInt64, reject Int64, state String,
 * reason String, each by alias with its own timestamp, as gloved's
 * simulator sends it), for D devices of one edge node in turn (seq rising
 * and wrapping at 255). Timed, each on one thread, by that thread's CPU
 * time:
 *   (1) protobuf-c unpack: spb_decode + spb_free of the same bytes: the
 *       generic protobuf decoding alone, the floor of any Sparkplug host;
 *   (2) gloved's Sparkplug path: decode, seq ordering (spn_seq_offer),
 *       alias resolution and typed reading against the device's birth
 *       (spn_apply), the report collected as sparkplug.c does, the machine
 *       looked up in the registry and checked (report_check): everything
 *       the MQTT thread does per message except the writer hand-off;
 *   (3) the JSON path on the equivalent JSON report (the simulator's JSON
 *       MQTT payload, the machine from the topic): report_parse_body,
 *       which also looks the machine up and checks it.
 * Printed: messages/s and metrics/s per core, and the ratios (2)/(1) (what
 * the mapping costs on top of decoding) and (2)/(3) (Sparkplug against
 * JSON, per report). A benchmark, not a test: see docs/performance.md. */
#include "lib/bench_util.h"
#include "app/registry.h"
#include "ingest/report.h"
#include "ingest/sparkplug_codec.h"
#include "ingest/sparkplug_node.h"
#include "store/store.h"
#include "util/err.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define METRICS_PER_MSG 4
#define T0_MS           1764400000000LL
#define ENTERPRISE      "BENCH"

typedef struct bench_opt {
	long devices;   /* D: machines behind the edge node */
	double seconds; /* CPU seconds per measurement */
	long rounds;    /* R: each measurement R times, the median is kept */
} bench_opt;

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
	if (!s || !*s)
		return -1;
	char *end = NULL;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

/* ---- the messages ---- */

typedef struct msg {
	uint8_t *bytes;
	size_t len;
	long device;
	char json[160];
	size_t json_len;
} msg;

/* The payload of a DDATA (birth 0) or DBIRTH (birth 1), as the simulator
 * builds it (src/sim/sim_sparkplug.c, machine_metrics). */
static int encode_device(int birth, uint64_t seq, int64_t ts, uint64_t count, uint64_t reject,
			 const char *state, uint8_t **out, size_t *len)
{
	spb_metric m[METRICS_PER_MSG];
	spb_metric_init(&m[0], birth ? "count" : NULL, 1, 1, SPB_UINT64, ts);
	spb_metric_init(&m[1], birth ? "reject" : NULL, 1, 2, SPB_INT64, ts);
	spb_metric_init(&m[2], birth ? "state" : NULL, 1, 3, SPB_STRING, ts);
	spb_metric_init(&m[3], birth ? "reason" : NULL, 1, 4, SPB_STRING, ts);
	spb_metric_set_int(&m[0], (int64_t)count);
	spb_metric_set_int(&m[1], (int64_t)reject);
	spb_metric_set_text(&m[2], state);
	spb_metric_set_text(&m[3], "");
	spb_metric *mp[METRICS_PER_MSG];
	for (int i = 0; i < METRICS_PER_MSG; i++) {
		if (!birth)
			m[i].has_datatype = 0; /* by alias: the birth said the type */
		mp[i] = &m[i];
	}
	spb_payload p = GLOVED__SPARKPLUG__PAYLOAD__INIT;
	p.has_timestamp = 1;
	p.timestamp = (uint64_t)ts;
	p.has_seq = 1;
	p.seq = seq;
	p.n_metrics = METRICS_PER_MSG;
	p.metrics = mp;
	return spb_encode(&p, out, len);
}

static int encode_nbirth(uint8_t **out, size_t *len)
{
	spb_metric m;
	spb_metric_init(&m, "bdSeq", 0, 0, SPB_INT64, T0_MS);
	spb_metric_set_int(&m, 1);
	spb_metric *mp[1] = {&m};
	spb_payload p = GLOVED__SPARKPLUG__PAYLOAD__INIT;
	p.has_timestamp = 1;
	p.timestamp = (uint64_t)T0_MS;
	p.has_seq = 1;
	p.seq = 0;
	p.n_metrics = 1;
	p.metrics = mp;
	return spb_encode(&p, out, len);
}

/* ---- the host's per-message work, as in sparkplug.c ---- */

typedef struct collect {
	ingest_record recs[4];
	char devices[4][SPN_NAME_MAX];
	size_t n;
} collect;

static int collect_report(void *ctx, const spn_report *r)
{
	collect *c = ctx;
	if (c->n == 4)
		return GLOVED_ETOOBIG;
	ingest_record *x = &c->recs[c->n];
	memset(x, 0, sizeof *x);
	x->ts_ms = r->ts_ms;
	x->count = r->count;
	x->reject = r->reject;
	x->state = r->state;
	x->state_only = r->offline || !r->has_count;
	snprintf(x->reason, sizeof x->reason, "%s", r->reason ? r->reason : "");
	snprintf(c->devices[c->n], SPN_NAME_MAX, "%s", r->device);
	c->n++;
	return 0;
}

typedef struct world {
	store *db;
	registry *reg;
	int64_t ent_id;
	char path[300];
	spn_node *node;
	char (*codes)[24];
} world;

/* One DDATA through decode, ordering, mapping, lookup and check. */
static int host_one(world *w, const msg *m, const report_ctx *ctx)
{
	char why[200];
	spb_payload *p = spb_decode(m->bytes, m->len);
	if (!p || !p->has_seq)
		return -1;
	int rc = -1;
	const char *dev = w->codes[m->device];
	if (spn_seq_offer(w->node, p->seq, SPN_DDATA, dev, m->bytes, m->len, 0) != SPN_APPLY)
		goto out;
	collect c;
	c.n = 0;
	if (spn_apply(w->node, SPN_DDATA, dev, p, 0, collect_report, &c, why, sizeof why) ||
	    c.n != 1)
		goto out;
	for (size_t i = 0; i < c.n; i++) {
		store_machine sm;
		report_error err;
		if (registry_machine_by_code(w->reg, w->ent_id, c.devices[i], &sm) ||
		    report_check(ctx, &sm, &c.recs[i], (long)i, &err))
			goto out;
		c.recs[i].machine_id = sm.id;
	}
	rc = 0;
out:
	spb_free(p);
	return rc;
}

/* ---- measuring ---- */

typedef enum way { W_UNPACK, W_HOST, W_JSON } way;

/* Runs way over the messages for at least o->seconds of CPU; returns
 * messages per CPU second, or -1 on a failure. */
static double measure(const bench_opt *o, world *w, const msg *msgs, long n, way how)
{
	report_ctx ctx = {w->reg, NULL, w->ent_id, ENTERPRISE, T0_MS + 86400000LL * 365,
			  300000, NULL};
	long done = 0;
	double t0 = cpu_s(), t = t0;
	while (t - t0 < o->seconds) {
		for (long i = 0; i < n; i++) {
			const msg *m = &msgs[i];
			if (how == W_UNPACK) {
				spb_payload *p = spb_decode(m->bytes, m->len);
				if (!p)
					return -1;
				spb_free(p);
			} else if (how == W_HOST) {
				if (host_one(w, m, &ctx))
					return -1;
			} else {
				ingest_record *recs = NULL;
				size_t nr = 0;
				report_error err;
				ctx.topic_machine = w->codes[m->device];
				if (report_parse_body(&ctx, m->json, m->json_len, 10000, &recs, &nr,
						      &err) ||
				    nr != 1)
					return -1;
				free(recs);
			}
		}
		done += n;
		t = cpu_s();
	}
	return (double)done / (t - t0);
}

static int setup_world(const bench_opt *o, world *w)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(w->path, sizeof w->path, "%s/gloved-spb-bench-%d.db", tmp && *tmp ? tmp : "/tmp",
		 (int)getpid());
	store_options so = {0};
	if (store_open(w->path, STORE_WRITE, &so, &w->db))
		return -1;
	store_scope all = {0};
	store_enterprise e = {0, ENTERPRISE, "bench", ""};
	if (store_enterprise_add(w->db, all, &e))
		return -1;
	w->ent_id = e.id;
	store_workshop ws = {0, e.id, "W1", "bench"};
	if (store_workshop_add(w->db, all, &ws) || store_begin(w->db))
		return -1;
	w->codes = calloc((size_t)o->devices, sizeof *w->codes);
	if (!w->codes)
		return -1;
	for (long j = 0; j < o->devices; j++) {
		bench_machine_code(j, w->codes[j], sizeof w->codes[j]);
		store_machine m = {0, e.id, ws.id, "", "knitting", 13, 120000, 64};
		snprintf(m.code, sizeof m.code, "%s", w->codes[j]);
		if (store_machine_add(w->db, all, &m))
			return -1;
	}
	if (store_commit(w->db))
		return -1;
	w->reg = registry_new();
	if (!w->reg || registry_refresh(w->reg, w->db, 1))
		return -1;
	return 0;
}

static void close_world(world *w)
{
	spn_node_free(w->node);
	registry_free(w->reg);
	store_close(w->db);
	char p[320];
	unlink(w->path);
	snprintf(p, sizeof p, "%s-wal", w->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", w->path);
	unlink(p);
	free(w->codes);
}

/* A born node with a DBIRTH per device; seq continues at D + 1. */
static int birth_node(const bench_opt *o, world *w)
{
	char why[200];
	spn_map map;
	spn_map_default(&map);
	w->node = spn_node_new();
	uint8_t *b = NULL;
	size_t len = 0;
	if (!w->node || encode_nbirth(&b, &len))
		return -1;
	spb_payload *p = spb_decode(b, len);
	free(b);
	int rc = p ? spn_nbirth(w->node, p, &map, why, sizeof why) : -1;
	spb_free(p);
	for (long j = 0; j < o->devices && !rc; j++) {
		collect c;
		c.n = 0;
		uint64_t seq = (uint64_t)(j + 1) % 256;
		if (encode_device(1, seq, T0_MS, (uint64_t)j * 1000, 0, "run", &b, &len))
			return -1;
		p = spb_decode(b, len);
		free(b);
		if (!p ||
		    spn_seq_offer(w->node, seq, SPN_DBIRTH, w->codes[j], NULL, 0, 0) != SPN_APPLY ||
		    spn_apply(w->node, SPN_DBIRTH, w->codes[j], p, 0, collect_report, &c, why,
			      sizeof why))
			rc = -1;
		spb_free(p);
	}
	if (rc)
		fprintf(stderr, "sparkplug_bench: birth failed: %s\n", why);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, long n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: sparkplug_bench [options]\n\n"
		   "Sparkplug B DDATA decode and mapping rate per core, beside protobuf-c's\n"
		   "unpack alone and the JSON report parser on the equivalent JSON.\n\n"
		   "  -d, --devices D   machines behind the edge node (default 100)\n"
		   "  -s, --seconds S   CPU seconds per measurement (default 1.0)\n"
		   "  -r, --rounds R    measurements of each, the median is kept (default 3)\n"
		   "      --quick       S = 0.2, R = 1\n"
		   "(-n and other options of the other benchmarks are ignored)\n");
}

static int parse_args(int argc, char **argv, bench_opt *o)
{
	o->devices = 100;
	o->seconds = 1.0;
	o->rounds = 3;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		double x;
		if ((strcmp(a, "-d") == 0 || strcmp(a, "--devices") == 0) &&
		    !parse_num(v, 1, SPN_MAX_DEV, &x)) {
			o->devices = (long)x;
			i++;
		} else if ((strcmp(a, "-s") == 0 || strcmp(a, "--seconds") == 0) &&
			   !parse_num(v, 0.01, 60, &x)) {
			o->seconds = x;
			i++;
		} else if ((strcmp(a, "-r") == 0 || strcmp(a, "--rounds") == 0) &&
			   !parse_num(v, 1, 20, &x)) {
			o->rounds = (long)x;
			i++;
		} else if (strcmp(a, "--quick") == 0) {
			o->seconds = 0.2;
			o->rounds = 1;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 1;
		} else if (a[0] == '-' && strcmp(a, "--") != 0) {
			/* bench/run.sh passes its arguments to every benchmark: an
			 * option meant for another one is skipped with its value */
			if (v && v[0] != '-')
				i++;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	bench_opt o;
	memset(&o, 0, sizeof o);
	int pa = parse_args(argc, argv, &o);
	if (pa)
		return pa > 0 ? 0 : 2;
	world w;
	memset(&w, 0, sizeof w);
	int fail = 1;
	/* 256 device messages: seq runs 0..255 once, devices in turn */
	long n = 256;
	msg *msgs = calloc((size_t)n, sizeof *msgs);
	if (!msgs || setup_world(&o, &w) || birth_node(&o, &w)) {
		fprintf(stderr, "sparkplug_bench: setup failed\n");
		goto out;
	}
	uint64_t next_seq = (uint64_t)(o.devices + 1) % 256;
	size_t bytes = 0, json_bytes = 0;
	for (long i = 0; i < n; i++) {
		msg *m = &msgs[i];
		m->device = i % o.devices;
		int64_t ts = T0_MS + 30000 + i * 1000;
		uint64_t count = (uint64_t)m->device * 1000 + 100 + (uint64_t)i;
		uint64_t reject = (uint64_t)i / 10;
		if (encode_device(0, (next_seq + (uint64_t)i) % 256, ts, count, reject, "run",
				  &m->bytes, &m->len))
			goto out;
		int k =
		    snprintf(m->json, sizeof m->json,
			     "{\"ts\":%lld,\"count\":%llu,\"reject\":%llu,\"state\":\"run\"}",
			     (long long)ts, (unsigned long long)count, (unsigned long long)reject);
		m->json_len = (size_t)k;
		bytes += m->len;
		json_bytes += m->json_len;
	}
	printf("gloved Sparkplug B decode benchmark: DDATA of %d metrics by alias (%.0f bytes; "
	       "the JSON equivalent %.0f bytes), %ld devices on one edge node, one core, %.1f "
	       "CPU s x %ld per figure\n",
	       METRICS_PER_MSG, (double)bytes / (double)n, (double)json_bytes / (double)n,
	       o.devices, o.seconds, o.rounds);
	fflush(stdout);
	double r[3][20];
	for (long k = 0; k < o.rounds; k++) {
		for (int how = 0; how < 3; how++) {
			r[how][k] = measure(&o, &w, msgs, n, (way)how);
			if (r[how][k] < 0) {
				fprintf(stderr, "sparkplug_bench: a message failed (way %d)\n",
					how);
				goto out;
			}
		}
	}
	double unpack = median(r[W_UNPACK], o.rounds), host = median(r[W_HOST], o.rounds),
	       json = median(r[W_JSON], o.rounds);
	printf("\n");
	printf("  %-52s %10.0f msgs/s %11.0f metrics/s  %.2f us/msg\n",
	       "(1) protobuf-c unpack + free (decoding alone)", unpack, unpack * METRICS_PER_MSG,
	       1e6 / unpack);
	printf("  %-52s %10.0f msgs/s %11.0f metrics/s  %.2f us/msg\n",
	       "(2) gloved: decode, order, map, look up, check", host, host * METRICS_PER_MSG,
	       1e6 / host);
	printf("  %-52s %10.0f msgs/s %11s            %.2f us/msg\n",
	       "(3) JSON report (report_parse_body, same report)", json, "", 1e6 / json);
	printf("  %-52s %10.2f\n", "ratio (2) / (1): share of time that is decoding",
	       host / unpack);
	printf("  %-52s %10.2f\n", "ratio (2) / (3): Sparkplug vs JSON per report", host / json);
	printf("RESULT devices=%ld unpack_msgs_s=%.0f host_msgs_s=%.0f json_msgs_s=%.0f "
	       "host_metrics_s=%.0f ratio_host_unpack=%.3f ratio_host_json=%.3f\n",
	       o.devices, unpack, host, json, host * METRICS_PER_MSG, host / unpack, host / json);
	fail = 0;
out:
	for (long i = 0; msgs && i < n; i++)
		free(msgs[i].bytes);
	free(msgs);
	close_world(&w);
	return fail;
}
