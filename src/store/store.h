/* SPDX-License-Identifier: Apache-2.0 */
/* store.h: gloved's storage interface. Everything above src/store/ reads
 * and writes through these functions; no SQL outside the backends. A
 * `store` is one connection of one backend (sqlite today, postgres later),
 * dispatched through a table of function pointers (store_int.h). The
 * writer thread owns the one write connection; every reader opens its own.
 *
 * Tenancy: every row belongs to one enterprise (firm). Reading functions
 * take a store_scope; a scope with enterprise_id != 0 sees only that
 * firm's rows, enforced here in the query, not by callers.
 *
 * Strings returned inside structs are fixed-size arrays (no ownership
 * questions); arrays returned through `out` pointers are malloc'd and the
 * caller frees them with free(). */
#ifndef GLOVED_STORE_STORE_H
#define GLOVED_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct store store;

typedef struct store_scope {
	int64_t enterprise_id; /* 0 = the whole cluster */
} store_scope;

#define STORE_CODE_MAX 33
#define STORE_NAME_MAX 128

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

typedef struct store_user {
	int64_t id;
	char username[64];
	char pw_hash[128]; /* argon2id encoded string */
	char role[24];
	int64_t enterprise_id; /* 0 for cluster roles */
	char worker[33];       /* role "worker": the firm's worker code it scans for */
} store_user;

typedef struct store_gateway {
	int64_t id;
	int64_t enterprise_id;
	char name[64];
} store_gateway;

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

/* sample.flags */
#define STORE_SAMPLE_MARK 1 /* a state-only mark: no pieces, not a counter reading */
#define STORE_SAMPLE_LATE                                                                          \
	2 /* came after a newer report of its machine: not in the state timeline */

/* A stored report of one machine with the pieces credited to it. */
typedef struct store_sample {
	int64_t ts_ms;
	int64_t machine_id;
	uint64_t count, reject;
	int64_t d_good, d_reject;
	int state; /* core/state.h machine_state */
	char reason[33];
	char worker[33];
	int flags; /* STORE_SAMPLE_* */
} store_sample;

/* What the writer persists of a machine's live state. */
typedef struct store_live {
	int64_t machine_id;
	int64_t last_ts;
	uint64_t count, reject;
	int state;
	char reason[33];
	int64_t since_ts;
	/* the newest sample of the state timeline (see docs/internals/analytics.md) */
	int64_t st_ts;
	int st_state;
	char st_reason[33];
} store_live;

typedef enum store_level { STORE_MINUTE = 0, STORE_HOUR = 1, STORE_DAY = 2 } store_level;
#define STORE_LEVELS 3

typedef struct store_bucket {
	int64_t ts_ms;
	int64_t good, reject;
} store_bucket;

/* A rollup row of one machine (for totals per machine). */
typedef struct store_machine_total {
	int64_t machine_id;
	int64_t good, reject;
} store_machine_total;

typedef enum store_mode { STORE_READ = 0, STORE_WRITE = 1 } store_mode;

typedef struct store_options {
	int sync_full; /* fsync every commit (durable against power loss) */
} store_options;

/* Opens a connection. `uri` is a path to an SQLite file (later: a
 * postgres:// URI selects that backend). STORE_WRITE creates the database if
 * needed and runs the schema migrations. Returns GLOVED_OK and *out, or an
 * error with *out NULL. */
int store_open(const char *uri, store_mode mode, const store_options *opt, store **out);
/* Closes the connection; NULL is fine. */
void store_close(store *s);
/* The last error text of this connection (static or owned by it). */
const char *store_errmsg(store *s);
/* Schema version after migrations. */
int store_schema_version(store *s, int *out);

int store_begin(store *s);
int store_commit(store *s);
int store_rollback(store *s);

/* Registry. Adds return GLOVED_EEXIST for a duplicate code, GLOVED_ENOTFOUND
 * for a missing parent, GLOVED_EPERM outside the scope. */
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

/* Users and sessions. */
int store_user_add(store *s, store_scope sc, store_user *u);
int store_user_by_name(store *s, const char *username, store_user *out);
int store_user_by_id(store *s, int64_t id, store_user *out);
int store_user_list(store *s, store_scope sc, store_user **out, size_t *n);
/* token_hash: 32 bytes. */
int store_session_add(store *s, const uint8_t *token_hash, int64_t user_id, int64_t expires_ms);
int store_session_get(store *s, const uint8_t *token_hash, int64_t now_ms, int64_t *user_id);
int store_session_delete(store *s, const uint8_t *token_hash);
int store_gateway_add(store *s, store_scope sc, store_gateway *g, const uint8_t *token_hash);
int store_gateway_by_token(store *s, const uint8_t *token_hash, store_gateway *out);
/* The gateways (tokens not revoked) in scope, by enterprise and id; the
 * caller frees *out. */
int store_gateway_list(store *s, store_scope sc, store_gateway **out, size_t *n);

/* Ingest (the writer's connection, inside store_begin/commit). */
int store_sample_insert(store *s, const store_sample *x);
int store_sample_update_delta(store *s, int64_t machine_id, int64_t ts_ms, int64_t d_good,
			      int64_t d_reject);
int store_rollup_add(store *s, store_level lvl, int64_t bucket_ms, int64_t machine_id,
		     int64_t enterprise_id, int64_t workshop_id, int64_t d_good, int64_t d_reject);
int store_live_put(store *s, const store_live *l);
int store_live_list(store *s, store_live **out, size_t *n);
/* Samples with from_ms <= ts_ms <= to_ms in time order, for reloading
 * counter tracks; cb returning nonzero stops the scan with that value. */
int store_samples_range(store *s, int64_t from_ms, int64_t to_ms,
			int (*cb)(void *ctx, const store_sample *x), void *ctx);
/* Newest sample timestamp of all machines (0 if none). */
int store_samples_newest(store *s, int64_t *out);

/* Deferred rollups (see app/writer.c): the local days of a firm whose
 * rollups may lag the samples. A day is marked in the transaction that
 * commits its samples and cleared in the one that writes its rollups, so
 * after a crash the marked days are exactly those to rebuild. */
typedef struct store_dirty_day {
	int64_t enterprise_id;
	int64_t day_ms, next_day_ms;
} store_dirty_day;
int store_dirty_day_mark(store *s, int64_t enterprise_id, int64_t day_ms, int64_t next_day_ms);
int store_dirty_day_clear_all(store *s);
int store_dirty_day_list(store *s, store_dirty_day **out, size_t *n);

/* Queries. machine_id / workshop_id / enterprise_id of 0 mean "any"; the
 * scope narrows further. Buckets with data in [from_ms, to_ms), in order. */
int store_output(store *s, store_scope sc, store_level lvl, int64_t enterprise_id,
		 int64_t workshop_id, int64_t machine_id, int64_t from_ms, int64_t to_ms,
		 store_bucket **out, size_t *n);
/* Per-machine totals of one rollup bucket range (e.g. today). */
int store_machine_totals(store *s, store_scope sc, store_level lvl, int64_t from_ms, int64_t to_ms,
			 store_machine_total **out, size_t *n);

#include "store/analytics.h"
#include "store/sewn.h"

#endif
