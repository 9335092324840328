/* SPDX-License-Identifier: Apache-2.0 */
/* sparkplug_node.h: what a Sparkplug B host application knows about one edge
 * node, as pure logic (no I/O, no clock, no locks: the host in sparkplug.c
 * feeds it decoded payloads and the time, and does the MQTT, registry and
 * writer work). It keeps
 *   - the node's birth: bdSeq, the metric names/aliases/datatypes of the
 *     node (NBIRTH) and of each device (DBIRTH);
 *   - the sequence: seq runs 0..255 and wraps; the NBIRTH carries 0 and every
 *     later NDATA/DBIRTH/DDATA/DDEATH the next one. A message ahead of the
 *     expected seq is held (a copy of its bytes) until the gap closes; the
 *     host asks for a rebirth when the oldest held message is older than its
 *     reorder timeout or too many are held;
 *   - each device's current counter, reject counter, state and reason, so
 *     that a DDATA carrying only what changed (report by exception) still
 *     becomes a full machine report.
 * Which metric is which comes from a spn_map (per gateway, sparkplug_map). */
#ifndef GLOVED_INGEST_SPARKPLUG_NODE_H
#define GLOVED_INGEST_SPARKPLUG_NODE_H

#include "ingest/sparkplug_codec.h"

#include <stddef.h>
#include <stdint.h>

#define SPN_NAME_MAX    64   /* metric names, group/edge/device ids (with the NUL) */
#define SPN_MAX_HELD    64   /* out-of-order messages held per node */
#define SPN_MAX_DEV     512  /* devices per edge node */
#define SPN_MAX_METRICS 1024 /* metrics per birth */

/* Metric names of the counter, reject counter, state and stop reason. */
typedef struct spn_map {
	char count[SPN_NAME_MAX];
	char reject[SPN_NAME_MAX];
	char state[SPN_NAME_MAX];
	char reason[SPN_NAME_MAX];
} spn_map;

/* Fills m with the defaults "count", "reject", "state", "reason". */
void spn_map_default(spn_map *m);

/* Message types that carry seq. */
typedef enum spn_kind { SPN_NDATA = 1, SPN_DBIRTH, SPN_DDATA, SPN_DDEATH } spn_kind;

/* What spn_seq_offer says about a message. */
typedef enum spn_order {
	SPN_APPLY = 0,    /* the expected seq: apply it now, then spn_seq_next */
	SPN_HELD = 1,     /* ahead of a gap: kept (copied) until the gap closes */
	SPN_STALE = 2,    /* behind the expected seq, or already held: drop it */
	SPN_OVERFLOW = 3, /* too many held, or more than SPN_MAX_HELD stale in a row (the
			   * node ran over 127 ahead): ask for a rebirth */
} spn_order;

/* A held message handed back in order (raw is malloc'd; the caller frees). */
typedef struct spn_held {
	int seq;
	spn_kind kind;
	char device[SPN_NAME_MAX];
	uint8_t *raw;
	size_t len;
	int64_t arrived_ms;
} spn_held;

/* A machine report made from a birth or data message (or an offline mark
 * from a death). Strings are valid during the emit call only. */
typedef struct spn_report {
	const char *device;
	int64_t ts_ms;
	int has_count; /* 0: no counter known yet: only the state is news */
	uint64_t count, reject;
	int state; /* machine_state */
	const char *reason;
	int offline; /* NDEATH/DDEATH: a state-only MS_OFFLINE mark */
	int historical;
} spn_report;

/* Receives each report; nonzero stops and is returned. */
typedef int (*spn_emit_fn)(void *ctx, const spn_report *r);

typedef struct spn_node spn_node;

/* A node that has not been born. NULL when memory runs out. */
spn_node *spn_node_new(void);
void spn_node_free(spn_node *n);

/* 1 after a valid NBIRTH until its death, a reset or a rebirth request. */
int spn_node_born(const spn_node *n);
/* The bdSeq of the current birth (-1 before one). */
int64_t spn_node_bdseq(const spn_node *n);
/* Messages held now. */
size_t spn_node_held(const spn_node *n);

/* Takes an NBIRTH: checks it (seq present, a bdSeq metric of an integer
 * type, every metric named with a datatype), forgets everything of the old
 * session (devices, held messages) and records the node's metrics; the map
 * applies to the devices of this birth. The next expected seq is NBIRTH's
 * seq + 1. Returns GLOVED_OK or GLOVED_EINVAL with a message in err (the node
 * is then not born). */
int spn_nbirth(spn_node *n, const spb_payload *p, const spn_map *map, char *err, size_t errlen);

/* Takes an NDEATH. When its bdSeq matches the birth's (or the NDEATH has
 * none: some nodes omit it), emits an offline mark (at now_ms) for every
 * device alive, forgets the session and returns 1; returns 0 for the death
 * of an older session (ignored), GLOVED_EINVAL for a payload with a bdSeq
 * of the wrong type. */
int spn_ndeath(spn_node *n, const spb_payload *p, int64_t now_ms, spn_emit_fn emit, void *ctx,
	       char *err, size_t errlen);

/* Orders a message with sequence number seq (0..255) that arrived at
 * now_ms. A held message is copied (raw, len). */
spn_order spn_seq_offer(spn_node *n, uint64_t seq, spn_kind kind, const char *device,
			const void *raw, size_t len, int64_t now_ms);
/* Pops the held message that is now next in order into *out; 1 when there
 * was one, 0 when none. */
int spn_seq_next(spn_node *n, spn_held *out);
/* 1 when a gap has lasted longer than timeout_ms: the oldest held message
 * arrived before now_ms - timeout_ms. */
int spn_seq_gap_expired(const spn_node *n, int64_t now_ms, int64_t timeout_ms);
/* Forgets the session (a rebirth was requested): not born, nothing held,
 * no devices, until the next NBIRTH. */
void spn_node_reset(spn_node *n);

/* Applies an in-order NDATA, DBIRTH, DDATA or DDEATH of device (NULL for
 * NDATA) with payload p received at now_ms. A DBIRTH records the device's
 * metrics and emits its values; a DDATA resolves every metric by alias or
 * name against the device's birth, checks each mapped metric's type, then
 * emits one report per distinct timestamp (oldest first; historical
 * metrics keep their own timestamps and do not change the current values);
 * a DDEATH emits an offline mark. A message that fails a check emits
 * nothing and returns GLOVED_EINVAL with err; GLOVED_ENOMEM when memory
 * runs out; otherwise GLOVED_OK or the emit's nonzero value. */
int spn_apply(spn_node *n, spn_kind kind, const char *device, const spb_payload *p, int64_t now_ms,
	      spn_emit_fn emit, void *ctx, char *err, size_t errlen);

/* The values a device's next DDATA carries over for the metrics it leaves
 * out (count, reject, state, reason), as a DDATA changes them. The host
 * saves them before it applies a DDATA and puts them back when that
 * message's reports are refused after spn_apply (a machine not in the
 * registry, a counter over the machine's width, a time out of the window),
 * so that a refused message changes nothing a later one would carry. */
typedef struct spn_carry {
	int found; /* 0: the device is not known (nothing to put back) */
	int has_count, has_state, state;
	uint64_t count, reject;
	char reason[33];
} spn_carry;
void spn_carry_save(const spn_node *n, const char *device, spn_carry *out);
void spn_carry_restore(spn_node *n, const char *device, const spn_carry *c);

/* Parses a state metric: a string (run idle stop fault setup off) or an
 * integer 0 off, 1 run, 2 idle, 3 stop, 4 fault, 5 setup. Returns the
 * machine_state or -1. */
int spn_state_from_metric(const spb_metric *m, uint32_t datatype);

#endif
