/* SPDX-License-Identifier: Apache-2.0 */
/* registry.h: the store's registry capability (included by store.h): the
 * cluster's enterprises, their workshops and machines, the registry
 * revision that tells a running daemon to reload them, each machine's
 * Modbus TCP device and each edge node's Sparkplug B metric map. The
 * backend table at the end is what a backend fills (store_int.h,
 * docs/internals/store.md). */
#ifndef GLOVED_STORE_REGISTRY_H
#define GLOVED_STORE_REGISTRY_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

typedef struct store_enterprise {
	int64_t id;
	char code[STORE_CODE_MAX];
	char name[STORE_NAME_MAX];
	char town[64];
} store_enterprise;

typedef struct store_workshop {
	int64_t id;
	int64_t enterprise_id;
	char code[STORE_CODE_MAX];
	char name[STORE_NAME_MAX];
} store_workshop;

typedef struct store_machine {
	int64_t id;
	int64_t enterprise_id;
	int64_t workshop_id;
	char code[STORE_CODE_MAX];
	char kind[16];
	int gauge;
	int64_t cycle_ms;
	int counter_bits;
} store_machine;

/* A machine's Modbus TCP device (the poller reads its registers). Register
 * addresses are 0-based holding registers; reject_reg/state_reg are -1 when
 * the device has none. enterprise_code/machine_code are filled by lists. */
typedef struct store_modbus_device {
	int64_t machine_id;
	int64_t enterprise_id;
	char enterprise_code[STORE_CODE_MAX];
	char machine_code[STORE_CODE_MAX];
	char host[128];
	int port;
	int unit_id;
	int counter_reg;
	int counter_words;   /* 1 (16-bit) or 2 (32-bit) */
	char word_order[8];  /* "big" (high word first) or "little" */
	int reject_reg;      /* -1: none */
	int state_reg;       /* -1: none */
	char state_map[256]; /* "0:off,1:run,2:idle,3:stop,4:fault,5:setup" */
	int64_t poll_ms;
	int64_t timeout_ms;
	int enabled;
} store_modbus_device;

/* Which Sparkplug B metrics of an edge node's devices are the piece
 * counter, the reject counter, the state and the stop reason (table
 * sparkplug_map; without a row: "count", "reject", "state", "reason"). */
typedef struct store_sparkplug_map {
	int64_t enterprise_id;
	char edge_node[64];
	char count_metric[64];
	char reject_metric[64];
	char state_metric[64];
	char reason_metric[64];
} store_sparkplug_map;

/* Adds return GLOVED_EEXIST for a duplicate code, GLOVED_ENOTFOUND for a
 * missing parent, GLOVED_EPERM outside the scope. */
int store_enterprise_add(store *s, store_scope sc, store_enterprise *e);
int store_enterprise_list(store *s, store_scope sc, store_enterprise **out, size_t *n);
int store_enterprise_by_code(store *s, store_scope sc, const char *code, store_enterprise *out);
int store_workshop_add(store *s, store_scope sc, store_workshop *w);
int store_workshop_list(store *s, store_scope sc, int64_t enterprise_id, store_workshop **out,
			size_t *n);
int store_machine_add(store *s, store_scope sc, store_machine *m);
int store_machine_list(store *s, store_scope sc, store_machine **out, size_t *n);
/* A number that changes whenever enterprises, workshops, machines or
 * gateway tokens change (any connection). */
int store_registry_rev(store *s, int64_t *out);

/* Modbus TCP devices, one per machine. Add returns GLOVED_EEXIST when the
 * machine already has one, GLOVED_ENOTFOUND when the machine does not
 * exist, GLOVED_EPERM outside the scope (the machine's enterprise is taken
 * from the machine). The list holds enabled and disabled devices in scope,
 * ordered by enterprise and machine code. Adding bumps the registry
 * revision, so a running daemon picks the device up. */
int store_modbus_device_add(store *s, store_scope sc, store_modbus_device *d);
int store_modbus_device_list(store *s, store_scope sc, store_modbus_device **out, size_t *n);

/* Sparkplug B metric mapping of edge node `edge_node` of a firm: get fills
 * *out (GLOVED_ENOTFOUND when there is no row: the caller uses the
 * defaults); put inserts or replaces the row (enterprise_id and edge_node
 * taken from *m; GLOVED_EPERM outside the scope) and bumps the registry
 * revision. */
int store_sparkplug_map_get(store *s, int64_t enterprise_id, const char *edge_node,
			    store_sparkplug_map *out);
int store_sparkplug_map_put(store *s, store_scope sc, const store_sparkplug_map *m);

/* ---- the backend table ----
 * A backend with this capability points its connection's `registry` at
 * one of these. `version` comes first: a call added later is appended at
 * the end and raises STORE_REGISTRY_VERSION, and its wrapper refuses
 * (GLOVED_ENOTSUP) a table of an older version. Version 1: every call
 * above. */
#define STORE_REGISTRY_VERSION 1

typedef struct store_registry_ops {
	int version;
	int (*enterprise_add)(store *s, store_scope sc, store_enterprise *e);
	int (*enterprise_list)(store *s, store_scope sc, store_enterprise **out, size_t *n);
	int (*enterprise_by_code)(store *s, store_scope sc, const char *code,
				  store_enterprise *out);
	int (*workshop_add)(store *s, store_scope sc, store_workshop *w);
	int (*workshop_list)(store *s, store_scope sc, int64_t enterprise_id, store_workshop **out,
			     size_t *n);
	int (*machine_add)(store *s, store_scope sc, store_machine *m);
	int (*machine_list)(store *s, store_scope sc, store_machine **out, size_t *n);
	int (*registry_rev)(store *s, int64_t *out);
	int (*modbus_device_add)(store *s, store_scope sc, store_modbus_device *d);
	int (*modbus_device_list)(store *s, store_scope sc, store_modbus_device **out, size_t *n);
	int (*sparkplug_map_get)(store *s, int64_t enterprise_id, const char *edge_node,
				 store_sparkplug_map *out);
	int (*sparkplug_map_put)(store *s, store_scope sc, const store_sparkplug_map *m);
} store_registry_ops;

#endif
