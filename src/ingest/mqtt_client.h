/* SPDX-License-Identifier: Apache-2.0 */
/* mqtt_client.h: the libmosquitto client set up the one way both MQTT
 * transports use it (the JSON topics in mqtt.c, Sparkplug B in
 * sparkplug.c): MQTT 3.1.1, the broker login when one is configured,
 * reconnecting with a backoff of 1 to 30 s. Sparkplug uses a clean session
 * and libmosquitto's network thread; the JSON transport a persistent
 * session under a stable id and its own loop (mqtt.c: acknowledgements
 * after the commit). */
#ifndef GLOVED_INGEST_MQTT_CLIENT_H
#define GLOVED_INGEST_MQTT_CLIENT_H

#include <mosquitto.h>
#include <stdatomic.h>
#include <stdint.h>

#define MQTT_CLIENT_KEEPALIVE_S 30

typedef struct mqtt_client_callbacks {
	void (*on_connect)(struct mosquitto *, void *obj, int rc);
	void (*on_disconnect)(struct mosquitto *, void *obj, int rc);
	void (*on_message)(struct mosquitto *, void *obj, const struct mosquitto_message *);
} mqtt_client_callbacks;

/* A new client with id `id` handing `obj` to the callbacks; `username`
 * NULL or "" for none. Returns NULL when libmosquitto cannot make one (out
 * of memory); free with mosquitto_destroy(). Set a will, if any, before
 * mqtt_client_connect(). */
struct mosquitto *mqtt_client_new(const char *id, void *obj, const char *username,
				  const char *password, const mqtt_client_callbacks *cb);

/* The same with a persistent session (clean session off): the broker keeps
 * the subscriptions and queues QoS 1 messages while the client is away, as
 * long as it comes back under the same id. */
struct mosquitto *mqtt_client_new_session(const char *id, void *obj, const char *username,
					  const char *password, const mqtt_client_callbacks *cb);

/* Starts connecting to host:port (keepalive 30 s) without waiting; a
 * failure now is logged as "<what>: cannot connect to host:port yet (...);
 * retrying" and retried once the network loop runs. */
void mqtt_client_connect(struct mosquitto *mosq, const char *what, const char *host, int port);

/* The state of one broker link as the fleet page and /healthz show it:
 * up or down, since when (wall clock, ms), and how many times it was lost
 * since the start. Written by the client's thread, read by any. */
typedef struct mqtt_link {
	_Atomic int connected;
	_Atomic int64_t since_ms;
	_Atomic uint64_t losses;
} mqtt_link;

/* Down since now, no losses. */
void mqtt_link_init(mqtt_link *l);

/* Records the link up (1) or down (0); the time and, on a loss, the count
 * change only when the state does. */
void mqtt_link_set(mqtt_link *l, int up);

/* 1 while up; *since_ms and *losses (either may be NULL) as described
 * above. A NULL link reads as down since 0 with no losses. */
int mqtt_link_get(mqtt_link *l, int64_t *since_ms, uint64_t *losses);

#endif
