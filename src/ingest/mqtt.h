/* SPDX-License-Identifier: Apache-2.0 */
/* mqtt.h: the MQTT JSON transport. Subscribes to
 * gloved/v1/<enterprise>/<machine>/report on the broker with QoS 1 in a
 * persistent session (clean session off, the instance's stable client id:
 * the broker keeps what arrives while gloved is away), turns each message
 * into reports through the same parser and writer as HTTP and acknowledges
 * it only after their group commit (mqtt.c: its own loop over
 * libmosquitto's read and write steps), reconnecting with backoff.
 * Bad messages are counted (gloved_mqtt_rejected_total) and logged at most
 * once a minute per enterprise, never fatal. */
#ifndef GLOVED_INGEST_MQTT_H
#define GLOVED_INGEST_MQTT_H

#include "app/fleet.h"
#include "app/registry.h"
#include "app/writer.h"

#include <stdint.h>

typedef struct mqtt_ingest mqtt_ingest;

typedef struct mqtt_options {
	const char *host;
	int port;
	const char *username; /* NULL or "" for none */
	const char *password;
	const char *client_id; /* stable per instance: the persistent session's */
	int64_t max_future_ms;
	fleet *fleet; /* may be NULL */
	/* several instances on one database: the shared subscription group
	 * ($share/<group>/gloved/v1/+/+/report), NULL or "" for none */
	const char *share_group;
} mqtt_options;

/* Starts the client; connection failures are retried in the background. */
int mqtt_ingest_start(const mqtt_options *opt, registry *reg, store *rdb, writer *w,
		      mqtt_ingest **out);
/* Disconnects and stops; NULL is fine. */
void mqtt_ingest_stop(mqtt_ingest *m);
/* 1 while connected. */
int mqtt_ingest_connected(mqtt_ingest *m);
/* The broker link: 1 while connected; *since_ms (may be NULL) the wall
 * clock (Unix ms) since when it is up or down (down since the start until
 * the first connection), *losses (may be NULL) how often a connection was
 * lost since the start. NULL m: 0, 0, 0. */
int mqtt_ingest_link(mqtt_ingest *m, int64_t *since_ms, uint64_t *losses);

#endif
