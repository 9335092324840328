/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Publishes the simulator's reports to an MQTT broker with libmosquitto, the
 * way a cluster's IoT counter boxes would: one QoS 1 message per report on
 * gloved/v1/<enterprise>/<machine>/report. It is a transport of sim_drive()
 * (sim_fault.h): history first, as fast as the broker acknowledges (a window
 * of about 1000 unacknowledged messages), then the wall clock scaled by the
 * speed option, every report through the fault layer. Everything runs on the
 * calling thread (mosquitto_loop, no libmosquitto thread); sim_mqtt_start()
 * puts that on a pthread of its own.
 */
#include "sim/sim.h"
#include "sim/sim_fault.h"

#include <errno.h>
#include <mosquitto.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_INFLIGHT 1000 /* QoS 1 messages awaiting PUBACK */
#define RETRY_MS     1000 /* between connection attempts */
#define KEEPALIVE_S  30
#define DRAIN_MS     10000 /* wait for outstanding PUBACKs when stopping */

typedef struct pub {
	struct mosquitto *mosq;
	volatile int *stop;
	const char *host;
	int port;
	int linked;    /* the TCP connection is open */
	int connected; /* the broker accepted the connection */
	int warned;    /* the current outage has been logged */
	int backfill;  /* replaying history: wait for the broker instead of dropping */
	int inflight;  /* published, PUBACK not yet seen */
	int64_t last_try_ms;
	uint64_t sent, dropped;
} pub;

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

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	pub *p = obj;
	(void)mosq;
	if (rc != 0) {
		fprintf(stderr, "sim: broker %s:%d refused the connection: %s\n", p->host, p->port,
			mosquitto_connack_string(rc));
		return;
	}
	p->connected = 1;
	p->warned = 0;
	/* Messages of an earlier connection may be resent or may be gone; count
	 * afresh rather than wait forever for acknowledgements that never come. */
	p->inflight = 0;
	fprintf(stderr, "sim: connected to %s:%d\n", p->host, p->port);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	pub *p = obj;
	(void)mosq;
	(void)rc;
	p->connected = 0;
	p->linked = 0;
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	pub *p = obj;
	(void)mosq;
	(void)mid;
	if (p->inflight > 0)
		p->inflight--;
}

/* Does network work for up to timeout_ms: (re)connects when the connection
 * is down (at most once per RETRY_MS), otherwise reads and writes. */
static void pump(pub *p, int timeout_ms)
{
	if (!p->linked) {
		int64_t now = wall_ms();
		if (now - p->last_try_ms >= RETRY_MS) {
			p->last_try_ms = now;
			int rc = mosquitto_connect(p->mosq, p->host, p->port, KEEPALIVE_S);
			if (rc == MOSQ_ERR_SUCCESS) {
				p->linked = 1;
			} else if (!p->warned) {
				fprintf(stderr, "sim: cannot reach broker %s:%d (%s), retrying\n",
					p->host, p->port,
					rc == MOSQ_ERR_ERRNO ? strerror(errno)
							     : mosquitto_strerror(rc));
				p->warned = 1;
			}
		}
		if (!p->linked) {
			sleep_ms(timeout_ms < 100 ? timeout_ms : 100);
			return;
		}
	}
	int rc = mosquitto_loop(p->mosq, timeout_ms, 1);
	if (rc != MOSQ_ERR_SUCCESS) {
		if (!p->warned) {
			fprintf(stderr, "sim: lost broker %s:%d (%s), reconnecting\n", p->host,
				p->port, mosquitto_strerror(rc));
			p->warned = 1;
		}
		p->linked = 0;
		p->connected = 0;
	}
}

/* Publishes one report (sim_deliver_fn): 0 when the broker has it or will,
 * -1 when it is lost, 1 to stop. */
static int emit_report(void *ctx, const sim_report *r)
{
	pub *p = ctx;
	char topic[128];
	char payload[256];

	for (;;) {
		if (*p->stop)
			return 1;
		if (p->connected && p->inflight < MAX_INFLIGHT)
			break;
		if (!p->connected && !p->backfill) {
			p->dropped++; /* the box has no buffer; the next report covers it */
			return -1;
		}
		pump(p, 50);
	}
	int tn =
	    snprintf(topic, sizeof(topic), "gloved/v1/%s/%s/report", r->enterprise, r->machine);
	int n = sim_report_json(r, payload, sizeof(payload));
	if (tn < 0 || (size_t)tn >= sizeof(topic) || n < 0) {
		p->dropped++;
		return -1;
	}
	int rc = mosquitto_publish(p->mosq, NULL, topic, n, payload, 1, false);
	if (rc != MOSQ_ERR_SUCCESS) {
		p->dropped++;
		return -1;
	}
	p->inflight++;
	p->sent++;
	/* While replaying, read PUBACKs and flush now and then without waiting. */
	if (p->backfill && p->sent % 64 == 0)
		pump(p, 0);
	return 0;
}

static void tp_replay(void *ctx, int on)
{
	((pub *)ctx)->backfill = on;
}

static int tp_step(void *ctx)
{
	pub *p = ctx;
	if (p->linked)
		pump(p, 0);
	return 0;
}

static void tp_wait(void *ctx, int ms)
{
	pump(ctx, ms);
}

/* Waits for the outstanding PUBACKs; nonzero when some never came. */
static int tp_drain(void *ctx)
{
	pub *p = ctx;
	int64_t deadline = wall_ms() + DRAIN_MS;
	while (p->connected && p->inflight > 0 && wall_ms() < deadline)
		pump(p, 50);
	return p->inflight > 0;
}

int sim_mqtt_run(const sim_options *opt, const char *host, int port, int64_t backfill_from_ms,
		 volatile int *stop_flag)
{
	return sim_mqtt_run_opts(opt, host, port, backfill_from_ms, NULL, stop_flag);
}

int sim_mqtt_run_opts(const sim_options *opt, const char *host, int port, int64_t backfill_from_ms,
		      const sim_run_opts *ro, volatile int *stop_flag)
{
	int ret = -1;
	pub p;
	char id[64];

	memset(&p, 0, sizeof(p));
	if (!host || !stop_flag || port <= 0 || port > 65535)
		goto out;
	snprintf(id, sizeof(id), "gloved-sim-%ld-%u", (long)getpid(), opt ? opt->seed : 1u);
	p.mosq = mosquitto_new(id, true, &p);
	if (!p.mosq) {
		fprintf(stderr, "sim: mosquitto_new: %s\n", strerror(errno));
		goto out;
	}
	p.stop = stop_flag;
	p.host = host;
	p.port = port;
	p.last_try_ms = wall_ms() - RETRY_MS;
	mosquitto_connect_callback_set(p.mosq, on_connect);
	mosquitto_disconnect_callback_set(p.mosq, on_disconnect);
	mosquitto_publish_callback_set(p.mosq, on_publish);
	mosquitto_max_inflight_messages_set(p.mosq, MAX_INFLIGHT);

	sim_transport tp = {&p, emit_report, tp_replay, tp_step, tp_wait, tp_drain};
	ret = sim_drive(opt, backfill_from_ms, ro, &tp, stop_flag);
	if (p.linked) {
		mosquitto_disconnect(p.mosq);
		mosquitto_loop(p.mosq, 100, 1);
	}
	fprintf(stderr, "sim: stopped: %llu reports sent, %llu dropped\n",
		(unsigned long long)p.sent, (unsigned long long)p.dropped);
out:
	if (p.mosq)
		mosquitto_destroy(p.mosq);
	return ret;
}

struct sim_thread {
	pthread_t th;
	sim_options opt;
	char host[256];
	int port;
	int64_t backfill_from_ms;
	volatile int stop;
	int rc;
};

static void *thread_main(void *arg)
{
	sim_thread *t = arg;
	t->rc = sim_mqtt_run(&t->opt, t->host, t->port, t->backfill_from_ms, &t->stop);
	return NULL;
}

int sim_mqtt_start(const sim_options *opt, const char *host, int port, int64_t backfill_from_ms,
		   sim_thread **out)
{
	sim_thread *t;
	size_t n;

	if (!out)
		return -1;
	*out = NULL;
	if (!host || (n = strlen(host)) >= sizeof(t->host))
		return -1;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	if (opt)
		t->opt = *opt;
	else
		sim_options_default(&t->opt);
	memcpy(t->host, host, n + 1);
	t->port = port;
	t->backfill_from_ms = backfill_from_ms;
	if (pthread_create(&t->th, NULL, thread_main, t) != 0) {
		free(t);
		return -1;
	}
	*out = t;
	return 0;
}

void sim_mqtt_stop(sim_thread *t)
{
	if (!t)
		return;
	t->stop = 1;
	pthread_join(t->th, NULL);
	free(t);
}
