/* SPDX-License-Identifier: Apache-2.0 */
/* mqtt.c: see mqtt.h. */
#include "ingest/mqtt.h"
#include "ingest/mqtt_client.h"
#include "ingest/reject_log.h"
#include "ingest/report.h"
#include "util/err.h"
#include "util/log.h"
#include "util/ltime.h"
#include "util/metrics.h"

#include <mosquitto.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define TOPIC_FILTER   "gloved/v1/+/+/report"
#define MAX_PAYLOAD    (256 * 1024)
#define MAX_RECORDS    10000
#define LOG_SLOTS      64   /* enterprises whose rejections are rate-limited apart */
#define READ_BUDGET    4096 /* messages read before their commit and acknowledgements */
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000

struct mqtt_ingest {
	struct mosquitto *mosq;
	registry *reg;
	store *rdb; /* read connection, used only by the network thread */
	writer *w;
	int64_t max_future_ms;
	fleet *fleet;
	mqtt_link link;      /* the broker link as the fleet page shows it */
	reject_log *rejects; /* rate limit of rejection logs, per enterprise code */
	pthread_t thread;
	_Atomic int stop;
	int submitted; /* reports handed to the writer since the last barrier */
	char host[256];
	int port;
	char client_id[128], username[128], password[256];
	char topic[160]; /* TOPIC_FILTER, under $share/<group>/ when shared */
};

/* Every change of the broker link goes through here: the flag, its metric
 * and the time since when it holds (the fleet page shows it). */
static void set_connected(mqtt_ingest *m, int up)
{
	mqtt_link_set(&m->link, up);
	metrics_set(M_MQTT_CONNECTED, up);
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	mqtt_ingest *m = obj;
	if (rc != 0) {
		log_warn("mqtt: connection refused: %s", mosquitto_connack_string(rc));
		return;
	}
	int s = mosquitto_subscribe(mosq, NULL, m->topic, 1);
	if (s != MOSQ_ERR_SUCCESS)
		log_error("mqtt: subscribe failed: %s", mosquitto_strerror(s));
	set_connected(m, 1);
	log_info("mqtt: connected, subscribed to %s", m->topic);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)mosq;
	mqtt_ingest *m = obj;
	set_connected(m, 0);
	if (rc != 0)
		log_warn("mqtt: disconnected (%s), reconnecting", mosquitto_strerror(rc));
}

/* Splits gloved/v1/<ent>/<machine>/report in place, without allocating.
 * Returns 0, 1 when a level is too long for its buffer, -1 otherwise. */
static int split_topic(const char *t, char *ent, size_t ent_cap, char *mach, size_t mach_cap)
{
	static const char prefix[] = "gloved/v1/";
	if (strncmp(t, prefix, sizeof prefix - 1) != 0)
		return -1;
	const char *e = t + sizeof prefix - 1;
	const char *s1 = strchr(e, '/');
	if (!s1)
		return -1;
	const char *s2 = strchr(s1 + 1, '/');
	if (!s2 || strcmp(s2, "/report") != 0 || s1 == e || s2 == s1 + 1)
		return -1;
	size_t el = (size_t)(s1 - e), ml = (size_t)(s2 - s1 - 1);
	if (el >= ent_cap || ml >= mach_cap)
		return 1;
	memcpy(ent, e, el);
	ent[el] = '\0';
	memcpy(mach, s1 + 1, ml);
	mach[ml] = '\0';
	return 0;
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	(void)mosq;
	mqtt_ingest *m = obj;
	metrics_add(M_MQTT_MESSAGES, 1);
	char ent[40] = "", mach[40] = "";
	ingest_record *recs = NULL;
	size_t n = 0;
	const char *why = NULL;
	char whybuf[240];
	int tr = split_topic(msg->topic, ent, sizeof ent, mach, sizeof mach);
	if (tr) {
		why = tr > 0 ? "enterprise or machine code too long"
			     : "topic is not gloved/v1/<enterprise>/<machine>/report";
		goto reject;
	}
	if (msg->payloadlen <= 0 || msg->payloadlen > MAX_PAYLOAD) {
		why = "payload empty or over 256 KiB";
		goto reject;
	}
	store_enterprise e;
	if (registry_enterprise_by_code(m->reg, ent, &e)) {
		registry_refresh(m->reg, m->rdb, 0);
		if (registry_enterprise_by_code(m->reg, ent, &e)) {
			why = "unknown enterprise";
			goto reject;
		}
	}
	report_ctx ctx = {m->reg, m->rdb, e.id, e.code, ltime_now_ms(), m->max_future_ms, mach};
	report_error err;
	if (report_parse_body(&ctx, msg->payload, (size_t)msg->payloadlen, MAX_RECORDS, &recs, &n,
			      &err)) {
		snprintf(whybuf, sizeof whybuf, "%s", err.message);
		why = whybuf;
		if (m->fleet)
			fleet_error(m->fleet, e.id, FLEET_MQTT_JSON, e.code, err.message,
				    ctx.now_ms);
		goto reject;
	}
	if (m->fleet && n > 0)
		fleet_seen(m->fleet, e.id, FLEET_MQTT_JSON, e.code, recs[0].machine_id, ctx.now_ms);
	int rc = writer_submit_async(m->w, recs, n);
	if (!rc)
		m->submitted = 1;
	if (rc) {
		snprintf(whybuf, sizeof whybuf, "writer: %s", gloved_strerror(rc));
		why = whybuf;
		goto reject;
	}
	goto out;
reject:
	metrics_add(M_MQTT_REJECTED, 1);
	metrics_add(M_REPORTS_REJECTED, 1);
	reject_log_warn(m->rejects, ent, ltime_mono_ms(), "rejected message on %s: %s", msg->topic,
			why);
out:
	free(recs);
}

/* The network loop, on its own thread (not libmosquitto's): it reads
 * every message that is there (up to READ_BUDGET), hands their reports to
 * the writer, waits for their group commit (writer_barrier) and only then
 * lets libmosquitto write the PUBACKs it queued while reading. libmosquitto
 * queues a QoS 1 message's PUBACK before its on_message callback; marked
 * threaded (mosquitto_threaded_set) it writes queued packets only in
 * mosquitto_loop_write, so an acknowledgement never leaves before its
 * reports are on disk. When a commit failed the
 * connection is dropped without writing them: the broker keeps the
 * messages of the persistent session and sends them again on reconnect
 * (the writer counts any already stored as duplicates). */
static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* After a failed commit: the PUBACKs libmosquitto queued for the messages
 * just read must never be sent, not even on the next connection (the
 * broker would take the redelivered messages as acknowledged). The client
 * is thrown away with its queues and made anew; the broker keeps the
 * session and sends the messages again. 0, or -1 when no new client could
 * be made (tried again on the next round). */
static int drop(mqtt_ingest *m, const char *why)
{
	log_warn("mqtt: %s: dropping the connection unacknowledged; the broker sends again", why);
	mosquitto_destroy(m->mosq);
	static const mqtt_client_callbacks cb = {on_connect, on_disconnect, on_message};
	m->mosq = mqtt_client_new_session(m->client_id, m, m->username, m->password, &cb);
	if (m->mosq)
		mosquitto_threaded_set(m->mosq, true);
	return m->mosq ? 0 : -1;
}

static void *loop_main(void *arg)
{
	mqtt_ingest *m = arg;
	int64_t backoff = BACKOFF_MIN_MS, next_try = 0;
	int up = 0, first = 1;
	while (!atomic_load(&m->stop)) {
		if (!up) {
			int64_t now = mono_ms();
			if (now < next_try) {
				struct timespec d = {0, 100 * 1000000L};
				nanosleep(&d, NULL);
				continue;
			}
			/* the first connect sets the broker's address, later ones reuse it */
			int rc = first ? mosquitto_connect(m->mosq, m->host, m->port,
							   MQTT_CLIENT_KEEPALIVE_S)
				       : mosquitto_reconnect(m->mosq);
			if (rc != MOSQ_ERR_SUCCESS && first)
				log_warn("mqtt: cannot connect to %s:%d yet (%s); retrying",
					 m->host, m->port, mosquitto_strerror(rc));
			first = 0;
			if (rc != MOSQ_ERR_SUCCESS) {
				next_try = now + backoff;
				backoff =
				    backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
				continue;
			}
			up = 1;
		}
		int fd = mosquitto_socket(m->mosq);
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (mosquitto_want_write(m->mosq))
			p.events |= POLLOUT;
		int pr = fd >= 0 ? poll(&p, 1, 500) : -1;
		int rc = MOSQ_ERR_SUCCESS;
		if (pr > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
			uint64_t failed0 = writer_async_failures(m->w);
			m->submitted = 0;
			for (int k = 0; k < READ_BUDGET && rc == MOSQ_ERR_SUCCESS; k++) {
				rc = mosquitto_loop_read(m->mosq, 1);
				struct pollfd more = {.fd = fd, .events = POLLIN};
				if (rc != MOSQ_ERR_SUCCESS || poll(&more, 1, 0) <= 0)
					break;
			}
			/* also when the connection broke while reading: what was read
			 * is committed before any of its PUBACKs can be written */
			if (m->submitted &&
			    (writer_barrier(m->w) || writer_async_failures(m->w) != failed0)) {
				set_connected(m, 0);
				while (drop(m, "a commit failed") && !atomic_load(&m->stop)) {
					struct timespec d = {1, 0};
					nanosleep(&d, NULL);
				}
				first = 1; /* a new client: connect sets the address again */
				up = 0;
				next_try = mono_ms() + backoff;
				backoff =
				    backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
				continue;
			}
		}
		if (rc == MOSQ_ERR_SUCCESS)
			rc = mosquitto_loop_write(m->mosq, 1);
		if (rc == MOSQ_ERR_SUCCESS)
			rc = mosquitto_loop_misc(m->mosq);
		if (rc != MOSQ_ERR_SUCCESS) {
			if (mqtt_link_get(&m->link, NULL, NULL)) {
				set_connected(m, 0);
				log_warn("mqtt: connection lost (%s), reconnecting",
					 mosquitto_strerror(rc));
			}
			up = 0;
			next_try = mono_ms() + backoff;
			backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
		} else if (mqtt_link_get(&m->link, NULL, NULL)) {
			backoff = BACKOFF_MIN_MS;
		}
	}
	return NULL;
}

int mqtt_ingest_start(const mqtt_options *opt, registry *reg, store *rdb, writer *w,
		      mqtt_ingest **out)
{
	*out = NULL;
	mosquitto_lib_init();
	mqtt_ingest *m = calloc(1, sizeof *m);
	if (!m)
		return GLOVED_ENOMEM;
	m->reg = reg;
	m->rdb = rdb;
	m->w = w;
	m->max_future_ms = opt->max_future_ms;
	m->fleet = opt->fleet;
	mqtt_link_init(&m->link);
	snprintf(m->host, sizeof m->host, "%s", opt->host);
	m->port = opt->port;
	snprintf(m->client_id, sizeof m->client_id, "%s", opt->client_id ? opt->client_id : "");
	if (opt->share_group && opt->share_group[0])
		snprintf(m->topic, sizeof m->topic, "$share/%.64s/%s", opt->share_group,
			 TOPIC_FILTER);
	else
		snprintf(m->topic, sizeof m->topic, "%s", TOPIC_FILTER);
	snprintf(m->username, sizeof m->username, "%s", opt->username ? opt->username : "");
	snprintf(m->password, sizeof m->password, "%s", opt->password ? opt->password : "");
	m->rejects = reject_log_open("mqtt", LOG_SLOTS, REJECT_LOG_INTERVAL_MS, 1);
	if (!m->rejects) {
		free(m);
		return GLOVED_ENOMEM;
	}
	static const mqtt_client_callbacks cb = {on_connect, on_disconnect, on_message};
	/* a persistent session under the instance's stable id: the broker keeps
	 * what machines publish while gloved is away */
	m->mosq = mqtt_client_new_session(m->client_id, m, m->username, m->password, &cb);
	/* "threaded": libmosquitto then only queues what it sends (the PUBACK
	 * of a QoS 1 message is queued before on_message runs) and never
	 * writes it before our loop calls mosquitto_loop_write, after the
	 * commit; unthreaded it would write the PUBACK at once */
	if (m->mosq)
		mosquitto_threaded_set(m->mosq, true);
	if (!m->mosq) {
		reject_log_close(m->rejects);
		free(m);
		return GLOVED_ENOMEM;
	}
	if (pthread_create(&m->thread, NULL, loop_main, m)) {
		mosquitto_destroy(m->mosq);
		reject_log_close(m->rejects);
		free(m);
		return GLOVED_EIO;
	}
	*out = m;
	return GLOVED_OK;
}

void mqtt_ingest_stop(mqtt_ingest *m)
{
	if (!m)
		return;
	atomic_store(&m->stop, 1);
	pthread_join(m->thread, NULL);
	/* what was read is committed (the loop's last barrier) and acknowledged;
	 * a clean DISCONNECT keeps the session for the next start */
	mosquitto_disconnect(m->mosq);
	mosquitto_loop_write(m->mosq, 1);
	mosquitto_destroy(m->mosq);
	store_close(m->rdb);
	reject_log_close(m->rejects);
	free(m);
	mosquitto_lib_cleanup();
}

int mqtt_ingest_connected(mqtt_ingest *m)
{
	return mqtt_link_get(m ? &m->link : NULL, NULL, NULL);
}

int mqtt_ingest_link(mqtt_ingest *m, int64_t *since_ms, uint64_t *losses)
{
	return mqtt_link_get(m ? &m->link : NULL, since_ms, losses);
}
