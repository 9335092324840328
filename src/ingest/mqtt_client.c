/* SPDX-License-Identifier: Apache-2.0 */
/* mqtt_client.c: see mqtt_client.h. */
#include "ingest/mqtt_client.h"
#include "util/log.h"
#include "util/ltime.h"

#include <stdbool.h>

#define KEEPALIVE_S     MQTT_CLIENT_KEEPALIVE_S
#define RECONNECT_MIN_S 1
#define RECONNECT_MAX_S 30

static struct mosquitto *client_new(const char *id, int clean, void *obj, const char *username,
				    const char *password, const mqtt_client_callbacks *cb)
{
	struct mosquitto *mosq = mosquitto_new(id, clean, obj);
	if (!mosq)
		return NULL;
	mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
	if (username && username[0])
		mosquitto_username_pw_set(mosq, username, password);
	mosquitto_connect_callback_set(mosq, cb->on_connect);
	mosquitto_disconnect_callback_set(mosq, cb->on_disconnect);
	mosquitto_message_callback_set(mosq, cb->on_message);
	mosquitto_reconnect_delay_set(mosq, RECONNECT_MIN_S, RECONNECT_MAX_S, true);
	return mosq;
}

struct mosquitto *mqtt_client_new(const char *id, void *obj, const char *username,
				  const char *password, const mqtt_client_callbacks *cb)
{
	return client_new(id, true, obj, username, password, cb);
}

struct mosquitto *mqtt_client_new_session(const char *id, void *obj, const char *username,
					  const char *password, const mqtt_client_callbacks *cb)
{
	return id && id[0] ? client_new(id, false, obj, username, password, cb) : NULL;
}

void mqtt_client_connect(struct mosquitto *mosq, const char *what, const char *host, int port)
{
	int rc = mosquitto_connect_async(mosq, host, port, KEEPALIVE_S);
	if (rc != MOSQ_ERR_SUCCESS)
		log_warn("%s: cannot connect to %s:%d yet (%s); retrying", what, host, port,
			 mosquitto_strerror(rc));
}

void mqtt_link_init(mqtt_link *l)
{
	atomic_store(&l->connected, 0);
	atomic_store(&l->since_ms, ltime_now_ms());
	atomic_store(&l->losses, 0);
}

void mqtt_link_set(mqtt_link *l, int up)
{
	if (atomic_exchange(&l->connected, up) != up) {
		atomic_store(&l->since_ms, ltime_now_ms());
		if (!up)
			atomic_fetch_add(&l->losses, 1);
	}
}

int mqtt_link_get(mqtt_link *l, int64_t *since_ms, uint64_t *losses)
{
	if (since_ms)
		*since_ms = l ? atomic_load(&l->since_ms) : 0;
	if (losses)
		*losses = l ? atomic_load(&l->losses) : 0;
	return l ? atomic_load(&l->connected) : 0;
}
