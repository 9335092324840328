/* SPDX-License-Identifier: Apache-2.0 */
/* sparkplug.c: see sparkplug.h. Everything runs on libmosquitto's network
 * thread except the gap timer (a small thread that asks for a rebirth when
 * a seq gap outlives the reorder timeout); both take the node table's
 * mutex. A message's reports are collected first and handed to the writer
 * only when every one of them passed the checks, so a bad message writes
 * nothing. */
#include "ingest/sparkplug.h"
#include "core/state.h"
#include "ingest/mqtt_client.h"
#include "ingest/reject_log.h"
#include "ingest/report.h"
#include "ingest/sparkplug_codec.h"
#include "ingest/sparkplug_node.h"
#include "util/err.h"
#include "util/log.h"
#include "util/ltime.h"
#include "util/metrics.h"

#include <mosquitto.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS          "spBv1.0"
#define MAX_NODES   4096
#define TICK_MS     100
#define REBIRTH_GAP 5000 /* least time between two rebirth requests to one node */
#define LOG_SLOTS   64   /* edge nodes whose rejections are rate-limited apart */
#define MAX_RECS    4096 /* reports from one message */

static const char *const subscriptions[] = {
    NS "/+/NBIRTH/+",   NS "/+/NDEATH/+",   NS "/+/NDATA/+",
    NS "/+/DBIRTH/+/+", NS "/+/DDEATH/+/+", NS "/+/DDATA/+/+",
};
#define N_SUBS (sizeof subscriptions / sizeof subscriptions[0])

typedef struct node_slot {
	char group[STORE_CODE_MAX];
	char edge[SPN_NAME_MAX];
	int64_t enterprise_id;
	spn_node *n;
	int64_t last_rebirth_ms; /* monotonic */
} node_slot;

struct sparkplug_host {
	struct mosquitto *mosq;
	registry *reg;
	store *rdb;
	writer *w;
	fleet *fleet;
	char host_id[64];
	char state_topic[128];
	/* the subscriptions: the data topics under $share/<group>/ when the
	 * host shares them with other instances (then each sees only part of
	 * a node's seq: messages are applied as they come, the counters'
	 * reconciliation orders them) */
	char share[64];
	char sub_text[N_SUBS][192];
	const char *subs[N_SUBS];
	int64_t reorder_ms, max_future_ms;
	int64_t birth_ts; /* STATE timestamp of the current (or next) connection */
	mqtt_link link;   /* the broker link as the fleet page shows it */
	_Atomic int stopping;
	pthread_t ticker;
	int ticker_started;
	pthread_mutex_t mu; /* nodes, logs, rdb */
	node_slot *nodes;
	size_t nn, cap;
	reject_log *rejects; /* rate limit of rejection logs, per edge node; under mu */
};

/* ---- small helpers ---- */

/* A refused message (or held message): counted, put on the fleet entry of
 * its edge node when the firm is known, and logged under the rate limit.
 * Called with h->mu held. */
static void rejected(sparkplug_host *h, int64_t ent_id, const char *edge, const char *key,
		     const char *topic, const char *why, int64_t now)
{
	metrics_add(M_SPB_REJECTED, 1);
	metrics_add(M_REPORTS_REJECTED, 1);
	if (h->fleet && ent_id)
		fleet_error(h->fleet, ent_id, FLEET_SPARKPLUG, edge, why, now);
	reject_log_warn(h->rejects, key[0] ? key : "?", ltime_mono_ms(),
			"rejected message on %s: %s", topic, why);
}

static int state_payload(char *bytes, size_t cap, int online, int64_t ts)
{
	int n = snprintf(bytes, cap, "{\"online\":%s,\"timestamp\":%lld}",
			 online ? "true" : "false", (long long)ts);
	return n > 0 && (size_t)n < cap ? n : -1;
}

static void set_will(sparkplug_host *h)
{
	char bytes[96];
	int n = state_payload(bytes, sizeof bytes, 0, h->birth_ts);
	if (n > 0)
		mosquitto_will_set(h->mosq, h->state_topic, n, bytes, 1, true);
}

static void publish_state(sparkplug_host *h, int online)
{
	char bytes[96];
	int n = state_payload(bytes, sizeof bytes, online, h->birth_ts);
	if (n > 0)
		mosquitto_publish(h->mosq, NULL, h->state_topic, n, bytes, 1, true);
}

/* Sends the Rebirth NCMD to an edge node. Called with mu held. */
static void request_rebirth(sparkplug_host *h, node_slot *s, const char *why)
{
	int64_t mono = ltime_mono_ms();
	if (s->last_rebirth_ms && mono - s->last_rebirth_ms < REBIRTH_GAP)
		return;
	s->last_rebirth_ms = mono;
	int64_t now = ltime_now_ms();
	spb_metric m;
	spb_metric_init(&m, "Node Control/Rebirth", 0, 0, SPB_BOOLEAN, now);
	spb_metric_set_bool(&m, 1);
	spb_metric *ms[1] = {&m};
	spb_payload p = GLOVED__SPARKPLUG__PAYLOAD__INIT;
	p.has_timestamp = 1;
	p.timestamp = (uint64_t)now;
	p.n_metrics = 1;
	p.metrics = ms;
	uint8_t *bytes = NULL;
	size_t len = 0;
	char topic[160];
	snprintf(topic, sizeof topic, NS "/%s/NCMD/%s", s->group, s->edge);
	if (spb_encode(&p, &bytes, &len) == GLOVED_OK) {
		int rc = mosquitto_publish(h->mosq, NULL, topic, (int)len, bytes, 0, false);
		if (rc == MOSQ_ERR_SUCCESS) {
			metrics_add(M_SPB_REBIRTHS, 1);
			log_info("sparkplug: asked %s/%s for a rebirth (%s)", s->group, s->edge,
				 why);
		}
	}
	free(bytes);
}

/* Finds or adds the node (NULL when the table is full or memory is out).
 * Called with mu held. */
static node_slot *node_get(sparkplug_host *h, const store_enterprise *e, const char *edge)
{
	for (size_t i = 0; i < h->nn; i++)
		if (h->nodes[i].enterprise_id == e->id && strcmp(h->nodes[i].edge, edge) == 0)
			return &h->nodes[i];
	if (h->nn == MAX_NODES)
		return NULL;
	if (h->nn == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		node_slot *p = realloc(h->nodes, cap * sizeof *p);
		if (!p)
			return NULL;
		h->nodes = p;
		h->cap = cap;
	}
	spn_node *n = spn_node_new();
	if (!n)
		return NULL;
	node_slot *s = &h->nodes[h->nn++];
	memset(s, 0, sizeof *s);
	snprintf(s->group, sizeof s->group, "%s", e->code);
	snprintf(s->edge, sizeof s->edge, "%s", edge);
	s->enterprise_id = e->id;
	s->n = n;
	return s;
}

/* ---- reports ---- */

typedef struct collect_ctx {
	ingest_record *recs;
	char (*devices)[SPN_NAME_MAX];
	size_t n, cap;
} collect_ctx;

static int collect_report(void *ctx, const spn_report *r)
{
	collect_ctx *c = ctx;
	if (c->n == c->cap) {
		if (c->cap >= MAX_RECS)
			return GLOVED_ETOOBIG;
		size_t cap = c->cap ? c->cap * 2 : 8;
		ingest_record *p = realloc(c->recs, cap * sizeof *p);
		if (!p)
			return GLOVED_ENOMEM;
		c->recs = p;
		char(*d)[SPN_NAME_MAX] = realloc(c->devices, cap * sizeof *d);
		if (!d)
			return GLOVED_ENOMEM;
		c->devices = d;
		c->cap = cap;
	}
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

/* Resolves and checks the collected reports and submits them. Returns
 * GLOVED_OK or an error with why filled. */
static int submit(sparkplug_host *h, node_slot *s, collect_ctx *c, int64_t now_ms, char *why,
		  size_t whylen)
{
	if (c->n == 0) {
		if (h->fleet)
			fleet_seen(h->fleet, s->enterprise_id, FLEET_SPARKPLUG, s->edge, 0, now_ms);
		return GLOVED_OK;
	}
	report_ctx rc = {h->reg,           h->rdb, s->enterprise_id, s->group, now_ms,
			 h->max_future_ms, NULL};
	size_t k = 0;
	for (size_t i = 0; i < c->n; i++) {
		store_machine m;
		int offline = c->recs[i].state_only && c->recs[i].state == MS_OFFLINE;
		if (registry_machine_by_code(h->reg, s->enterprise_id, c->devices[i], &m)) {
			registry_refresh(h->reg, h->rdb, 0);
			if (registry_machine_by_code(h->reg, s->enterprise_id, c->devices[i], &m)) {
				if (offline)
					continue; /* a death also names devices refused at birth */
				snprintf(why, whylen, "device %s is not a machine of %s",
					 c->devices[i], s->group);
				return GLOVED_ENOTFOUND;
			}
		}
		c->recs[k] = c->recs[i];
		c->recs[k].machine_id = m.id;
		report_error err;
		if (report_check(&rc, &m, &c->recs[k], (long)i, &err)) {
			snprintf(why, whylen, "device %s: %s", c->devices[i], err.message);
			return GLOVED_EINVAL;
		}
		k++;
	}
	c->n = k;
	if (k == 0) {
		if (h->fleet)
			fleet_seen(h->fleet, s->enterprise_id, FLEET_SPARKPLUG, s->edge, 0, now_ms);
		return GLOVED_OK;
	}
	if (h->fleet) /* one message; a death names every machine, already known */
		fleet_seen(h->fleet, s->enterprise_id, FLEET_SPARKPLUG, s->edge,
			   c->recs[0].machine_id, now_ms);
	int rc2 = writer_submit_async(h->w, c->recs, c->n);
	if (rc2)
		snprintf(why, whylen, "writer: %s", gloved_strerror(rc2));
	return rc2;
}

/* Applies one in-order message (decoded p) of node s. Called with mu held. */
static int apply(sparkplug_host *h, node_slot *s, spn_kind kind, const char *device,
		 const spb_payload *p, char *why, size_t whylen)
{
	collect_ctx c = {0};
	int64_t now = ltime_now_ms();
	spn_carry carry;
	spn_carry_save(s->n, device, &carry);
	int rc = spn_apply(s->n, kind, device, p, now, collect_report, &c, why, whylen);
	if (rc == GLOVED_ENOMEM || rc == GLOVED_ETOOBIG)
		snprintf(why, whylen, "%s", gloved_strerror(rc));
	if (!rc)
		rc = submit(h, s, &c, now, why, whylen);
	/* a refused DDATA changes nothing: its values are not carried over */
	if (rc && kind == SPN_DDATA)
		spn_carry_restore(s->n, device, &carry);
	free(c.recs);
	free(c.devices);
	return rc;
}

/* ---- MQTT callbacks ---- */

/* Every change of the broker link goes through here: the flag, its metric
 * and the time since when it holds (the fleet page shows it). */
static void set_connected(sparkplug_host *h, int up)
{
	mqtt_link_set(&h->link, up);
	metrics_set(M_SPB_CONNECTED, up);
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	sparkplug_host *h = obj;
	if (rc != 0) {
		log_warn("sparkplug: connection refused: %s", mosquitto_connack_string(rc));
		return;
	}
	int s = mosquitto_subscribe(mosq, NULL, h->state_topic, 1);
	if (s == MOSQ_ERR_SUCCESS)
		s = mosquitto_subscribe_multiple(mosq, NULL, (int)N_SUBS, (char *const *)h->subs, 1,
						 0, NULL);
	if (s != MOSQ_ERR_SUCCESS)
		log_error("sparkplug: subscribe failed: %s", mosquitto_strerror(s));
	publish_state(h, 1);
	set_connected(h, 1);
	log_info("sparkplug: connected as host %s, STATE online", h->host_id);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)mosq;
	sparkplug_host *h = obj;
	set_connected(h, 0);
	if (atomic_load(&h->stopping))
		return;
	/* the next connection is a new STATE birth: a new timestamp in the will */
	int64_t now = ltime_now_ms();
	h->birth_ts = now > h->birth_ts ? now : h->birth_ts + 1;
	set_will(h);
	if (rc != 0)
		log_warn("sparkplug: disconnected (%s), reconnecting", mosquitto_strerror(rc));
}

static int kind_of(const char *t, spn_kind *k, int *device_part)
{
	static const struct {
		const char *name;
		int kind; /* 0 NBIRTH, -1 NDEATH */
		int dev;
	} kinds[] = {{"NBIRTH", 0, 0},          {"NDEATH", -1, 0},       {"NDATA", SPN_NDATA, 0},
		     {"DBIRTH", SPN_DBIRTH, 1}, {"DDATA", SPN_DDATA, 1}, {"DDEATH", SPN_DDEATH, 1}};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(t, kinds[i].name) == 0) {
			*k = (spn_kind)kinds[i].kind;
			*device_part = kinds[i].dev;
			return kinds[i].kind;
		}
	}
	return -2;
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	(void)mosq;
	sparkplug_host *h = obj;
	if (strcmp(msg->topic, h->state_topic) == 0) {
		/* our own STATE: if what the broker holds is not this session's
		 * birth (a stale will, or an older STATE that libmosquitto resent
		 * after a reconnect, after our new one), say online again */
		char text[256];
		size_t n = msg->payloadlen > 0 ? (size_t)msg->payloadlen : 0;
		if (n >= sizeof text)
			n = sizeof text - 1;
		if (n)
			memcpy(text, msg->payload, n);
		text[n] = '\0';
		char mine[96];
		/* several instances share the host id: each says online only
		 * over an offline (the will of one that died), not over the
		 * others' online */
		int have = state_payload(mine, sizeof mine, 1, h->birth_ts) > 0;
		int differs = h->share[0] ? strstr(text, "\"online\":false") != NULL
					  : have && strcmp(text, mine) != 0;
		if (have && differs && mqtt_link_get(&h->link, NULL, NULL) &&
		    !atomic_load(&h->stopping))
			publish_state(h, 1);
		return;
	}
	metrics_add(M_SPB_MESSAGES, 1);
	char **parts = NULL;
	int count = 0;
	spb_payload *p = NULL;
	const char *why = NULL;
	char whybuf[240] = "out of memory";
	char key[100] = "";
	int64_t ent_id = 0;
	const char *edge = "";
	spn_kind kind = SPN_NDATA;
	int dev_part = 0, k = -2;
	int locked = 0;
	node_slot *s = NULL;
	if (mosquitto_sub_topic_tokenise(msg->topic, &parts, &count) != MOSQ_ERR_SUCCESS ||
	    count < 4 || (k = kind_of(parts[2], &kind, &dev_part)) == -2 || count != 4 + dev_part) {
		why = "topic is not spBv1.0/<group>/<type>/<edge node>[/<device>]";
		goto reject;
	}
	edge = parts[3];
	snprintf(key, sizeof key, "%s/%s", parts[1], parts[3]);
	if (strlen(parts[1]) >= STORE_CODE_MAX || strlen(edge) >= SPN_NAME_MAX ||
	    (dev_part && strlen(parts[4]) >= SPN_NAME_MAX)) {
		why = "group, edge node or device id too long";
		goto reject;
	}
	store_enterprise e;
	pthread_mutex_lock(&h->mu);
	locked = 1;
	if (registry_enterprise_by_code(h->reg, parts[1], &e)) {
		registry_refresh(h->reg, h->rdb, 0);
		if (registry_enterprise_by_code(h->reg, parts[1], &e)) {
			why = "group id is not a known enterprise";
			goto reject;
		}
	}
	ent_id = e.id;
	if (msg->payloadlen <= 0 || msg->payloadlen > SPB_MAX_PAYLOAD ||
	    !(p = spb_decode(msg->payload, (size_t)msg->payloadlen))) {
		why = "payload is not a Sparkplug B protobuf";
		goto reject;
	}
	s = node_get(h, &e, edge);
	if (!s) {
		why = "too many edge nodes";
		goto reject;
	}
	int64_t now = ltime_now_ms();
	if (k == 0) { /* NBIRTH */
		spn_map map;
		spn_map_default(&map);
		store_sparkplug_map sm;
		if (store_sparkplug_map_get(h->rdb, e.id, edge, &sm) == GLOVED_OK) {
			snprintf(map.count, sizeof map.count, "%s", sm.count_metric);
			snprintf(map.reject, sizeof map.reject, "%s", sm.reject_metric);
			snprintf(map.state, sizeof map.state, "%s", sm.state_metric);
			snprintf(map.reason, sizeof map.reason, "%s", sm.reason_metric);
		}
		if (spn_nbirth(s->n, p, &map, whybuf, sizeof whybuf)) {
			why = whybuf;
			goto reject;
		}
		if (h->fleet) {
			fleet_seen(h->fleet, e.id, FLEET_SPARKPLUG, edge, 0, now);
			fleet_set_online(h->fleet, e.id, FLEET_SPARKPLUG, edge, 1, now);
		}
		goto out;
	}
	if (k == -1) { /* NDEATH */
		collect_ctx c = {0};
		int r = spn_ndeath(s->n, p, now, collect_report, &c, whybuf, sizeof whybuf);
		if (r == 1) {
			int sr = submit(h, s, &c, now, whybuf, sizeof whybuf);
			if (h->fleet)
				fleet_set_online(h->fleet, e.id, FLEET_SPARKPLUG, edge, 0, now);
			log_info("sparkplug: %s/%s died (bdSeq matched)", s->group, s->edge);
			if (sr)
				r = sr;
		}
		free(c.recs);
		free(c.devices);
		if (r < 0) {
			why = whybuf;
			goto reject;
		}
		goto out;
	}
	const char *device = dev_part ? parts[4] : NULL;
	if (!p->has_seq || p->seq > 255) {
		why = "message without a seq in 0..255";
		goto reject;
	}
	if (!spn_node_born(s->n)) {
		request_rebirth(h, s, "data from a node whose birth gloved has not seen");
		why = "message before the node's NBIRTH (rebirth requested)";
		goto reject;
	}
	spn_order o = h->share[0] ? SPN_APPLY
				  : spn_seq_offer(s->n, p->seq, kind, device, msg->payload,
						  (size_t)msg->payloadlen, ltime_mono_ms());
	if (o == SPN_HELD || o == SPN_STALE)
		goto out;
	if (o == SPN_OVERFLOW) {
		request_rebirth(h, s, "too many messages held for a seq gap");
		spn_node_reset(s->n);
		why = "seq gap did not close (rebirth requested)";
		goto reject;
	}
	int rc = apply(h, s, kind, device, p, whybuf, sizeof whybuf);
	if (rc) {
		if (rc == GLOVED_ENOTFOUND && strstr(whybuf, "BIRTH"))
			request_rebirth(h, s, whybuf);
		rejected(h, ent_id, edge, key, msg->topic, whybuf, now);
	}
	/* the gap may now be closed: apply what was held, in order */
	spn_held held;
	while (spn_seq_next(s->n, &held)) {
		spb_payload *hp = spb_decode(held.raw, held.len);
		metrics_add(M_SPB_REORDERED, 1);
		if (hp && apply(h, s, held.kind, held.device[0] ? held.device : NULL, hp, whybuf,
				sizeof whybuf)) {
			rejected(h, ent_id, edge, key, msg->topic, whybuf, now);
		}
		spb_free(hp);
		free(held.raw);
	}
	goto out;
reject:
	if (!locked) {
		pthread_mutex_lock(&h->mu);
		locked = 1;
	}
	rejected(h, ent_id, edge, key, msg->topic, why, ltime_now_ms());
out:
	if (locked)
		pthread_mutex_unlock(&h->mu);
	spb_free(p);
	if (parts)
		mosquitto_sub_topic_tokens_free(&parts, count);
}

/* ---- the gap timer ---- */

static void *tick_main(void *arg)
{
	sparkplug_host *h = arg;
	while (!atomic_load(&h->stopping)) {
		struct timespec ts = {0, TICK_MS * 1000000L};
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&h->mu);
		int64_t mono = ltime_mono_ms();
		for (size_t i = 0; i < h->nn; i++) {
			node_slot *s = &h->nodes[i];
			if (!spn_seq_gap_expired(s->n, mono, h->reorder_ms))
				continue;
			log_warn("sparkplug: seq gap of %s/%s lasted over %lld ms; dropping its "
				 "state until a new NBIRTH",
				 s->group, s->edge, (long long)h->reorder_ms);
			s->last_rebirth_ms = 0;
			request_rebirth(h, s, "seq gap");
			spn_node_reset(s->n);
		}
		pthread_mutex_unlock(&h->mu);
	}
	return NULL;
}

/* ---- start/stop ---- */

static void host_free(sparkplug_host *h)
{
	if (h->mosq)
		mosquitto_destroy(h->mosq);
	for (size_t i = 0; i < h->nn; i++)
		spn_node_free(h->nodes[i].n);
	free(h->nodes);
	reject_log_close(h->rejects);
	pthread_mutex_destroy(&h->mu);
	free(h);
}

int sparkplug_start(const sparkplug_options *opt, registry *reg, store *rdb, writer *w,
		    sparkplug_host **out)
{
	*out = NULL;
	mosquitto_lib_init();
	sparkplug_host *h = calloc(1, sizeof *h);
	if (!h)
		return GLOVED_ENOMEM;
	pthread_mutex_init(&h->mu, NULL);
	h->rejects = reject_log_open("sparkplug", LOG_SLOTS, REJECT_LOG_INTERVAL_MS, 1);
	if (!h->rejects) {
		host_free(h);
		return GLOVED_ENOMEM;
	}
	h->reg = reg;
	h->rdb = rdb;
	h->w = w;
	mqtt_link_init(&h->link);
	h->fleet = opt->fleet;
	h->reorder_ms = opt->reorder_timeout_ms > 0 ? opt->reorder_timeout_ms : 2000;
	h->max_future_ms = opt->max_future_ms;
	snprintf(h->host_id, sizeof h->host_id, "%s",
		 opt->host_id && opt->host_id[0] ? opt->host_id : "gloved");
	snprintf(h->state_topic, sizeof h->state_topic, NS "/STATE/%s", h->host_id);
	snprintf(h->share, sizeof h->share, "%s", opt->share_group ? opt->share_group : "");
	for (size_t i = 0; i < N_SUBS; i++) {
		int data = strstr(subscriptions[i], "DATA") != NULL;
		snprintf(h->sub_text[i], sizeof h->sub_text[i], "%s%s%s%s",
			 data && h->share[0] ? "$share/" : "", data && h->share[0] ? h->share : "",
			 data && h->share[0] ? "/" : "", subscriptions[i]);
		h->subs[i] = h->sub_text[i];
	}
	h->birth_ts = ltime_now_ms();
	char id[96];
	snprintf(id, sizeof id, "gloved-spb-%s-%lld", h->host_id, (long long)h->birth_ts);
	static const mqtt_client_callbacks cb = {on_connect, on_disconnect, on_message};
	h->mosq = mqtt_client_new(id, h, opt->username, opt->password, &cb);
	if (!h->mosq) {
		host_free(h);
		return GLOVED_ENOMEM;
	}
	set_will(h);
	mqtt_client_connect(h->mosq, "sparkplug", opt->host, opt->port);
	if (pthread_create(&h->ticker, NULL, tick_main, h) != 0) {
		host_free(h);
		return GLOVED_EIO;
	}
	h->ticker_started = 1;
	if (mosquitto_loop_start(h->mosq) != MOSQ_ERR_SUCCESS) {
		atomic_store(&h->stopping, 1);
		pthread_join(h->ticker, NULL);
		host_free(h);
		return GLOVED_EIO;
	}
	*out = h;
	return GLOVED_OK;
}

void sparkplug_stop(sparkplug_host *h)
{
	if (!h)
		return;
	atomic_store(&h->stopping, 1);
	if (h->ticker_started)
		pthread_join(h->ticker, NULL);
	if (mqtt_link_get(&h->link, NULL, NULL))
		publish_state(h, 0); /* a clean disconnect sends no will */
	mosquitto_disconnect(h->mosq);
	mosquitto_loop_stop(h->mosq, true);
	store_close(h->rdb);
	host_free(h);
	mosquitto_lib_cleanup();
}

int sparkplug_connected(sparkplug_host *h)
{
	return mqtt_link_get(h ? &h->link : NULL, NULL, NULL);
}

int sparkplug_link(sparkplug_host *h, int64_t *since_ms, uint64_t *losses)
{
	return mqtt_link_get(h ? &h->link : NULL, since_ms, losses);
}
