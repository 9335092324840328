/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sim_sparkplug.c: see sim_sparkplug.h. Everything runs on the calling
 * thread: each edge node's libmosquitto client is pumped with
 * mosquitto_loop() (no libmosquitto thread), as in sim_mqtt.c.
 */
#include "sim/sim_sparkplug.h"
#include "ingest/sparkplug_codec.h"

#include <errno.h>
#include <mosquitto.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_INFLIGHT  500  /* QoS 1 messages awaiting PUBACK, per node */
#define RETRY_MS      1000 /* between connection attempts */
#define KEEPALIVE_S   30
#define DRAIN_MS      10000
#define HISTORICAL_MS 60000 /* a report older than this is store-and-forward */
#define REBIRTH       "Node Control/Rebirth"

enum { A_COUNT = 1, A_REJECT = 2, A_STATE = 3, A_REASON = 4 };

typedef struct last_report {
	int has;
	int64_t ts_ms;
	uint64_t count, reject;
	char state[8];
	char reason[40];
} last_report;

typedef struct edge {
	struct mosquitto *mosq;
	sim_spb *owner;
	char group[40], id[48];
	char t_nbirth[128], t_ndeath[128], t_ncmd[128];
	int linked, connected, need_birth, warned;
	int64_t last_try_ms;
	uint64_t bdseq, next_bdseq;
	int seq; /* of the last message published */
	int inflight;
} edge;

struct sim_spb {
	const char *host;
	int port;
	volatile int *stop;
	sim *defs_sim; /* only for the machine table */
	const sim_machine_def *defs;
	size_t nm;
	edge *edges;
	size_t ne;
	size_t *edge_of; /* per machine */
	last_report *last;
	int replay;
	uint64_t sent, dropped;
};

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Encodes and publishes p at QoS 1; 0 or -1. */
static int publish(edge *e, const char *topic, spb_payload *p)
{
	uint8_t *bytes = NULL;
	size_t len = 0;
	if (spb_encode(p, &bytes, &len))
		return -1;
	int rc = mosquitto_publish(e->mosq, NULL, topic, (int)len, bytes, 1, false);
	free(bytes);
	if (rc != MOSQ_ERR_SUCCESS)
		return -1;
	e->inflight++;
	return 0;
}

static int next_seq(edge *e)
{
	e->seq = (e->seq + 1) % 256;
	return e->seq;
}

/* The NDEATH of the current connection (will, or sent at the end). */
static int death_payload(edge *e, uint8_t **bytes, size_t *len)
{
	spb_metric m;
	spb_metric_init(&m, "bdSeq", 0, 0, SPB_INT64, 0);
	spb_metric_set_int(&m, (int64_t)e->bdseq);
	spb_metric *ms[1] = {&m};
	spb_payload p = GLOVED__SPARKPLUG__PAYLOAD__INIT;
	p.has_timestamp = 1;
	p.timestamp = (uint64_t)wall_ms();
	p.n_metrics = 1;
	p.metrics = ms;
	return spb_encode(&p, bytes, len);
}

/* The four metrics of a machine from its last report (null before one). */
static void machine_metrics(const sim_machine_def *d, const last_report *l, int birth,
			    int historical, spb_metric m[4])
{
	uint32_t count_type = d->counter_bits > 32 ? SPB_UINT64 : SPB_UINT32;
	int64_t ts = l->has ? l->ts_ms : 0;
	spb_metric_init(&m[0], birth ? "count" : NULL, 1, A_COUNT, count_type, ts);
	spb_metric_init(&m[1], birth ? "reject" : NULL, 1, A_REJECT, SPB_INT64, ts);
	spb_metric_init(&m[2], birth ? "state" : NULL, 1, A_STATE, SPB_STRING, ts);
	spb_metric_init(&m[3], birth ? "reason" : NULL, 1, A_REASON, SPB_STRING, ts);
	for (int i = 0; i < 4; i++) {
		if (!birth)
			m[i].has_datatype = 0; /* data by alias: the birth said the type */
		if (historical) {
			m[i].has_is_historical = 1;
			m[i].is_historical = 1;
		}
		if (!l->has)
			spb_metric_set_null(&m[i]);
	}
	if (!l->has)
		return;
	spb_metric_set_int(&m[0], (int64_t)l->count);
	spb_metric_set_int(&m[1], (int64_t)l->reject);
	spb_metric_set_text(&m[2], l->state);
	spb_metric_set_text(&m[3], l->reason);
}

/* NBIRTH and a DBIRTH per machine of e. 0 or -1. */
static int births(sim_spb *p, edge *e)
{
	int64_t now = wall_ms();
	spb_metric nm[2];
	spb_metric_init(&nm[0], "bdSeq", 0, 0, SPB_INT64, now);
	spb_metric_set_int(&nm[0], (int64_t)e->bdseq);
	spb_metric_init(&nm[1], REBIRTH, 0, 0, SPB_BOOLEAN, now);
	spb_metric_set_bool(&nm[1], 0);
	spb_metric *nmp[2] = {&nm[0], &nm[1]};
	spb_payload np = GLOVED__SPARKPLUG__PAYLOAD__INIT;
	np.has_timestamp = 1;
	np.timestamp = (uint64_t)now;
	np.has_seq = 1;
	np.seq = 0;
	np.n_metrics = 2;
	np.metrics = nmp;
	e->seq = 0;
	if (publish(e, e->t_nbirth, &np))
		return -1;
	for (size_t i = 0; i < p->nm; i++) {
		if (&p->edges[p->edge_of[i]] != e)
			continue;
		spb_metric m[4];
		machine_metrics(&p->defs[i], &p->last[i], 1, 0, m);
		spb_metric *mp[4] = {&m[0], &m[1], &m[2], &m[3]};
		spb_payload dp = GLOVED__SPARKPLUG__PAYLOAD__INIT;
		dp.has_timestamp = 1;
		dp.timestamp = (uint64_t)now;
		dp.has_seq = 1;
		dp.seq = (uint64_t)next_seq(e);
		dp.n_metrics = 4;
		dp.metrics = mp;
		char topic[160];
		snprintf(topic, sizeof topic, "spBv1.0/%s/DBIRTH/%s/%s", e->group, e->id,
			 p->defs[i].code);
		if (publish(e, topic, &dp))
			return -1;
	}
	e->need_birth = 0;
	return 0;
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	edge *e = obj;
	if (rc != 0) {
		fprintf(stderr, "sim: broker refused edge node %s/%s: %s\n", e->group, e->id,
			mosquitto_connack_string(rc));
		return;
	}
	e->connected = 1;
	e->warned = 0;
	e->inflight = 0;
	e->need_birth = 1;
	mosquitto_subscribe(mosq, NULL, e->t_ncmd, 1);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	edge *e = obj;
	(void)mosq;
	(void)rc;
	e->connected = 0;
	e->linked = 0;
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	edge *e = obj;
	(void)mosq;
	(void)mid;
	if (e->inflight > 0)
		e->inflight--;
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	edge *e = obj;
	(void)mosq;
	spb_payload *p =
	    spb_decode(msg->payload, msg->payloadlen > 0 ? (size_t)msg->payloadlen : 0);
	if (!p)
		return;
	for (size_t i = 0; i < p->n_metrics; i++) {
		const spb_metric *m = p->metrics[i];
		int v = 0;
		if (m->name && strcmp(m->name, REBIRTH) == 0 &&
		    spb_metric_bool(m, m->has_datatype ? m->datatype : SPB_BOOLEAN, &v) == 0 && v) {
			fprintf(stderr, "sim: %s/%s: rebirth requested\n", e->group, e->id);
			e->need_birth = 1;
		}
	}
	spb_free(p);
}

/* Connects e when it is down (at most once per RETRY_MS) with a new bdSeq
 * in its will, then does its network work for up to timeout_ms. */
static void pump_edge(edge *e, int timeout_ms)
{
	if (!e->linked) {
		int64_t now = wall_ms();
		if (now - e->last_try_ms < RETRY_MS)
			return;
		e->last_try_ms = now;
		e->bdseq = e->next_bdseq;
		e->next_bdseq = (e->next_bdseq + 1) % 256;
		uint8_t *will = NULL;
		size_t len = 0;
		if (death_payload(e, &will, &len) == 0)
			mosquitto_will_set(e->mosq, e->t_ndeath, (int)len, will, 1, false);
		free(will);
		int rc = mosquitto_connect(e->mosq, e->owner->host, e->owner->port, KEEPALIVE_S);
		if (rc != MOSQ_ERR_SUCCESS) {
			if (!e->warned)
				fprintf(stderr,
					"sim: edge node %s/%s cannot reach the broker (%s)\n",
					e->group, e->id,
					rc == MOSQ_ERR_ERRNO ? strerror(errno)
							     : mosquitto_strerror(rc));
			e->warned = 1;
			return;
		}
		e->linked = 1;
	}
	int rc = mosquitto_loop(e->mosq, timeout_ms, 1);
	if (rc != MOSQ_ERR_SUCCESS) {
		e->linked = 0;
		e->connected = 0;
	}
}

static void pump_all(sim_spb *p, int timeout_ms)
{
	for (size_t i = 0; i < p->ne; i++)
		pump_edge(&p->edges[i], 0);
	for (size_t i = 0; i < p->ne; i++)
		if (p->edges[i].connected && p->edges[i].need_birth)
			births(p, &p->edges[i]);
	if (timeout_ms > 0)
		sleep_ms(timeout_ms < 10 ? timeout_ms : 10);
}

int sim_spb_deliver(void *ctx, const sim_report *r)
{
	sim_spb *p = ctx;
	if (r->index >= p->nm)
		return -1;
	edge *e = &p->edges[p->edge_of[r->index]];
	for (;;) {
		if (*p->stop)
			return 1;
		if (e->connected && e->inflight < MAX_INFLIGHT)
			break;
		if (!e->connected && !p->replay) {
			p->dropped++; /* a box without a buffer: the next report covers it */
			return -1;
		}
		pump_all(p, 10);
	}
	if (e->need_birth && births(p, e))
		return -1;
	last_report *l = &p->last[r->index];
	l->has = 1;
	l->ts_ms = r->ts_ms;
	l->count = r->count;
	l->reject = r->reject;
	snprintf(l->state, sizeof l->state, "%s", r->state);
	snprintf(l->reason, sizeof l->reason, "%s", r->reason ? r->reason : "");
	spb_metric m[4];
	int hist = wall_ms() - r->ts_ms > HISTORICAL_MS;
	machine_metrics(&p->defs[r->index], l, 0, hist, m);
	spb_metric *mp[4] = {&m[0], &m[1], &m[2], &m[3]};
	spb_payload dp = GLOVED__SPARKPLUG__PAYLOAD__INIT;
	dp.has_timestamp = 1;
	dp.timestamp = (uint64_t)r->ts_ms;
	dp.has_seq = 1;
	dp.seq = (uint64_t)next_seq(e);
	dp.n_metrics = 4;
	dp.metrics = mp;
	char topic[160];
	snprintf(topic, sizeof topic, "spBv1.0/%s/DDATA/%s/%s", e->group, e->id, r->machine);
	if (publish(e, topic, &dp)) {
		p->dropped++;
		return -1;
	}
	p->sent++;
	if (p->replay && p->sent % 64 == 0)
		pump_all(p, 0);
	return 0;
}

static void tp_replay(void *ctx, int on)
{
	((sim_spb *)ctx)->replay = on;
}

static int tp_step(void *ctx)
{
	sim_spb *p = ctx;
	pump_all(p, 0);
	return *p->stop ? 1 : 0;
}

static void tp_wait(void *ctx, int ms)
{
	sim_spb *p = ctx;
	int64_t end = wall_ms() + ms;
	do
		pump_all(p, 10);
	while (wall_ms() < end && !*p->stop);
}

/* Waits for every acknowledgement, then each node says NDEATH and leaves. */
static int tp_drain(void *ctx)
{
	sim_spb *p = ctx;
	int64_t deadline = wall_ms() + DRAIN_MS;
	int rc = 0;
	for (;;) {
		int busy = 0;
		for (size_t i = 0; i < p->ne; i++)
			busy |= p->edges[i].connected && p->edges[i].inflight > 0;
		if (!busy)
			break;
		if (wall_ms() > deadline) {
			rc = -1;
			break;
		}
		pump_all(p, 10);
	}
	for (size_t i = 0; i < p->ne; i++) {
		edge *e = &p->edges[i];
		if (!e->connected)
			continue;
		uint8_t *bytes = NULL;
		size_t len = 0;
		if (death_payload(e, &bytes, &len) == 0 &&
		    mosquitto_publish(e->mosq, NULL, e->t_ndeath, (int)len, bytes, 1, false) ==
			MOSQ_ERR_SUCCESS)
			e->inflight++;
		free(bytes);
	}
	deadline = wall_ms() + DRAIN_MS;
	for (;;) {
		int busy = 0;
		for (size_t i = 0; i < p->ne; i++)
			busy |= p->edges[i].connected && p->edges[i].inflight > 0;
		if (!busy || wall_ms() > deadline)
			break;
		for (size_t i = 0; i < p->ne; i++)
			if (p->edges[i].linked)
				mosquitto_loop(p->edges[i].mosq, 10, 1);
	}
	for (size_t i = 0; i < p->ne; i++) {
		edge *e = &p->edges[i];
		if (e->linked) {
			mosquitto_disconnect(e->mosq);
			mosquitto_loop(e->mosq, 100, 1);
			e->linked = e->connected = 0;
		}
	}
	return rc;
}

sim_transport sim_spb_transport(sim_spb *p)
{
	sim_transport tp = {p, sim_spb_deliver, tp_replay, tp_step, tp_wait, tp_drain};
	return tp;
}

sim_spb *sim_spb_open(const sim_options *opt, const char *host, int port, volatile int *stop)
{
	if (!host || !stop || port <= 0 || port > 65535)
		return NULL;
	sim_spb *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->host = host;
	p->port = port;
	p->stop = stop;
	p->defs_sim = sim_open(opt, 0);
	if (!p->defs_sim)
		goto fail;
	p->nm = sim_machines(p->defs_sim, &p->defs);
	const sim_workshop *w;
	size_t nw = sim_workshops(p->defs_sim, &w);
	p->edges = calloc(nw ? nw : 1, sizeof *p->edges);
	p->edge_of = calloc(p->nm ? p->nm : 1, sizeof *p->edge_of);
	p->last = calloc(p->nm ? p->nm : 1, sizeof *p->last);
	if (!p->edges || !p->edge_of || !p->last)
		goto fail;
	for (size_t i = 0; i < p->nm; i++) {
		size_t k = 0;
		while (k < p->ne && !(strcmp(p->edges[k].group, p->defs[i].enterprise) == 0 &&
				      strcmp(p->edges[k].id + 3, p->defs[i].workshop) == 0))
			k++;
		if (k == p->ne) {
			edge *e = &p->edges[p->ne++];
			e->owner = p;
			snprintf(e->group, sizeof e->group, "%s", p->defs[i].enterprise);
			snprintf(e->id, sizeof e->id, "gw-%s", p->defs[i].workshop);
			snprintf(e->t_nbirth, sizeof e->t_nbirth, "spBv1.0/%s/NBIRTH/%s", e->group,
				 e->id);
			snprintf(e->t_ndeath, sizeof e->t_ndeath, "spBv1.0/%s/NDEATH/%s", e->group,
				 e->id);
			snprintf(e->t_ncmd, sizeof e->t_ncmd, "spBv1.0/%s/NCMD/%s", e->group,
				 e->id);
			char id[128];
			snprintf(id, sizeof id, "gloved-sim-spb-%ld-%s-%s", (long)getpid(),
				 e->group, e->id);
			e->mosq = mosquitto_new(id, true, e);
			if (!e->mosq)
				goto fail;
			e->last_try_ms = wall_ms() - RETRY_MS;
			mosquitto_connect_callback_set(e->mosq, on_connect);
			mosquitto_disconnect_callback_set(e->mosq, on_disconnect);
			mosquitto_publish_callback_set(e->mosq, on_publish);
			mosquitto_message_callback_set(e->mosq, on_message);
			mosquitto_max_inflight_messages_set(e->mosq, MAX_INFLIGHT);
		}
		p->edge_of[i] = k;
	}
	return p;
fail:
	sim_spb_close(p);
	return NULL;
}

void sim_spb_close(sim_spb *p)
{
	if (!p)
		return;
	for (size_t i = 0; p->edges && i < p->ne; i++) {
		edge *e = &p->edges[i];
		if (e->linked) {
			mosquitto_disconnect(e->mosq);
			mosquitto_loop(e->mosq, 100, 1);
		}
		if (e->mosq)
			mosquitto_destroy(e->mosq);
	}
	free(p->edges);
	free(p->edge_of);
	free(p->last);
	sim_close(p->defs_sim);
	free(p);
}

int sim_sparkplug_run_opts(const sim_options *opt, const char *host, int port,
			   int64_t backfill_from_ms, const sim_run_opts *ro, volatile int *stop)
{
	sim_options o;
	sim_options_default(&o);
	if (opt)
		o = *opt;
	if (ro && ro->faults && ro->faults->counter_bits)
		o.counter_bits = ro->faults->counter_bits;
	sim_spb *p = sim_spb_open(&o, host, port, stop);
	if (!p) {
		fprintf(stderr, "sim: cannot set up the Sparkplug edge nodes\n");
		return -1;
	}
	fprintf(stderr, "sim: %zu Sparkplug B edge nodes (one per workshop) -> %s:%d\n", p->ne,
		host, port);
	sim_transport tp = sim_spb_transport(p);
	int ret = sim_drive(&o, backfill_from_ms, ro, &tp, stop);
	fprintf(stderr, "sim: stopped: %llu DDATA sent, %llu dropped\n",
		(unsigned long long)p->sent, (unsigned long long)p->dropped);
	sim_spb_close(p);
	return ret;
}
