/* SPDX-License-Identifier: Apache-2.0 */
/* fleet.h: the gateway fleet: every source that sends machine data (an
 * HTTP gateway token, a Sparkplug B edge node, a Modbus TCP device, the MQTT
 * JSON topics of a firm) with when it was last heard, how many messages a
 * minute it sends, its errors and the machines behind it. In memory only
 * (what a supervisor looks at now); thread-safe. */
#ifndef GLOVED_APP_FLEET_H
#define GLOVED_APP_FLEET_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

typedef enum fleet_proto {
	FLEET_HTTP = 0,
	FLEET_MQTT_JSON = 1,
	FLEET_SPARKPLUG = 2,
	FLEET_MODBUS = 3,
} fleet_proto;

#define FLEET_MAX_MACHINES 64

typedef struct fleet_entry {
	int64_t enterprise_id;
	int proto;
	char name[64]; /* token name, edge node id, "host:port/unit", ... */
	int64_t first_seen_ms, last_seen_ms;
	uint64_t messages, errors;
	uint64_t msgs_per_min; /* messages in the last full minute */
	int online;            /* -1 unknown, 0 offline (death, no answer), 1 online */
	char last_error[160];
	int64_t last_error_ms;
	int64_t machines[FLEET_MAX_MACHINES]; /* machine ids seen behind it */
	size_t n_machines;
} fleet_entry;

typedef struct fleet fleet;

fleet *fleet_new(void);
void fleet_free(fleet *f);
/* A message from (ent, proto, name) about machine_id (0: none) at now_ms. */
void fleet_seen(fleet *f, int64_t ent, int proto, const char *name, int64_t machine_id,
		int64_t now_ms);
/* A bad message or failed poll. */
void fleet_error(fleet *f, int64_t ent, int proto, const char *name, const char *msg,
		 int64_t now_ms);
/* Online/offline as the protocol knows it (Sparkplug death, Modbus connect). */
void fleet_set_online(fleet *f, int64_t ent, int proto, const char *name, int online,
		      int64_t now_ms);
/* Copies the entries in scope (caller frees *out). */
int fleet_list(fleet *f, store_scope sc, int64_t now_ms, fleet_entry **out, size_t *n);
/* "http", "mqtt", "sparkplug", "modbus". */
const char *fleet_proto_name(int proto);

#endif
