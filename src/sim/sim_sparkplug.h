/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulator as Sparkplug B edge nodes (Eclipse Sparkplug 3.0): one edge
 * node per workshop (group id = firm code, edge node id = "gw-<workshop>",
 * device id = machine code), each its own MQTT client with its NDEATH as
 * the will. On every connection a node publishes NBIRTH (seq 0, bdSeq, the
 * "Node Control/Rebirth" metric) and a DBIRTH per machine (metrics count,
 * reject, state, reason with aliases 1-4); each report becomes a DDATA by
 * alias with the next seq (0..255, wrapping) and the report's timestamp,
 * flagged is_historical when it is older than a minute (a replay). A
 * Rebirth NCMD makes the node publish its births again. At the end of a run
 * each node publishes its NDEATH and disconnects. Messages go at QoS 1 so
 * that a replay is paced by the broker's acknowledgements.
 */
#ifndef GLOVED_SIM_SPARKPLUG_H
#define GLOVED_SIM_SPARKPLUG_H

#include "sim/sim.h"
#include "sim/sim_fault.h"

typedef struct sim_spb sim_spb;

/* Edge nodes for the cluster of opt (NULL: defaults; the machine table
 * must be the one sim_drive builds from the same options) on broker
 * host:port. Nothing connects before the first delivery or step. Returns
 * NULL when memory runs out or an argument is bad. */
sim_spb *sim_spb_open(const sim_options *opt, const char *host, int port, volatile int *stop);
/* Disconnects (without NDEATH: see sim_spb_drain) and frees; NULL is fine. */
void sim_spb_close(sim_spb *p);
/* Publishes one report as a DDATA of its machine's edge node (births first
 * when due): a sim_deliver_fn with ctx = the sim_spb. 0 sent, < 0 lost
 * (broker down outside a replay), > 0 stopped. Fault layers wrap this. */
int sim_spb_deliver(void *ctx, const sim_report *r);
/* The sim_transport of p (its ctx is p). */
sim_transport sim_spb_transport(sim_spb *p);

/* A whole run through sim_drive (faults, end and truth file from ro, which
 * may be NULL). Returns as sim_drive(). */
int sim_sparkplug_run_opts(const sim_options *opt, const char *host, int port,
			   int64_t backfill_from_ms, const sim_run_opts *ro, volatile int *stop);

#endif
