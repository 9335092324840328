/* SPDX-License-Identifier: Apache-2.0 */
/* sparkplug.h: the Sparkplug B host application (Eclipse Sparkplug 3.0).
 * Group id = firm (enterprise code), edge node id = gateway, device id =
 * machine code. On every connection to the broker it subscribes to the
 * edge nodes' births, deaths and data (spBv1.0/+/NBIRTH/+ ... DDATA/+/+)
 * and publishes its retained STATE on spBv1.0/STATE/<host_id>
 * ({"online":true,"timestamp":T}); the will is {"online":false,
 * "timestamp":T} with the same T. Births, data and deaths become machine
 * reports that go through the same checks (report_check) and the same
 * writer as the JSON transports. Per-node logic (aliases, seq ordering,
 * bdSeq) is in sparkplug_node.h; the payload codec in sparkplug_codec.h.
 * Bad messages are counted (gloved_sparkplug_rejected_total), recorded in
 * the gateway fleet and logged at most once a minute per edge node. */
#ifndef GLOVED_INGEST_SPARKPLUG_H
#define GLOVED_INGEST_SPARKPLUG_H

#include "app/fleet.h"
#include "app/registry.h"
#include "app/writer.h"

#include <stdint.h>

typedef struct sparkplug_host sparkplug_host;

typedef struct sparkplug_options {
	const char *host; /* broker */
	int port;
	const char *username; /* NULL or "" for none */
	const char *password;
	const char *host_id;        /* STATE topic name; "gloved" when NULL or "" */
	int64_t reorder_timeout_ms; /* how long a seq gap may last before a rebirth */
	int64_t max_future_ms;      /* report_check's limit on timestamps ahead */
	fleet *fleet;               /* may be NULL */
	/* several instances on one database: the shared subscription group
	 * of the data topics (NDATA, DDATA: $share/<group>/...), NULL or ""
	 * for none; births and deaths reach every instance */
	const char *share_group;
} sparkplug_options;

/* Starts the host (its own MQTT client and a timer thread for seq gaps);
 * takes over rdb (a read connection, closed by sparkplug_stop) for the
 * registry and the sparkplug_map table. Connection failures are retried in
 * the background. Returns GLOVED_OK and *out, or an error (rdb is then
 * still the caller's). */
int sparkplug_start(const sparkplug_options *opt, registry *reg, store *rdb, writer *w,
		    sparkplug_host **out);
/* Publishes STATE offline, disconnects and frees; NULL is fine. */
void sparkplug_stop(sparkplug_host *h);
/* 1 while connected to the broker. */
int sparkplug_connected(sparkplug_host *h);
/* The broker link as mqtt_ingest_link (ingest/mqtt.h): 1 while connected,
 * *since_ms the Unix ms since when, *losses the connections lost. */
int sparkplug_link(sparkplug_host *h, int64_t *since_ms, uint64_t *losses);

#endif
