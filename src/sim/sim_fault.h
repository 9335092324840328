/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fault mode of the cluster simulator and its ground truth. A sim_fault sits
 * between sim_advance() and a transport's "publish one report" function
 * (JSON MQTT, HTTP, and any other transport: it only sees sim_report
 * values) and makes the network and the machines misbehave the way a real
 * cluster does: reports lost, repeated, held back and overtaken, a gateway
 * (one per firm) that goes offline and then replays its buffered history in
 * order (store-and-forward), machines power-cycled between two reports
 * (counter reset, the pieces since the last report lost). Counter wraps come
 * from the model (sim_options.counter_bits 16 or 32).
 *
 * Whatever it does, it keeps the ground truth of what the delivered reports
 * make knowable, per machine: the pieces between consecutive delivered
 * reports in time order (the first is the baseline; after a reset only the
 * pieces counted since the reset), with the daemon's documented duplicate
 * and late rules (docs/internals/ingest.md). This is what the daemon must
 * credit, exactly. The physical pieces come from the model (sim_truth_*),
 * not from the reported counters.
 */
#ifndef GLOVED_SIM_FAULT_H
#define GLOVED_SIM_FAULT_H

#include "sim/sim.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What goes wrong, and how often. Probabilities are per report. */
typedef struct sim_fault_spec {
	double dup;              /* the report is sent twice, the copy held 0..reorder_max_ms */
	double reorder;          /* held back 1..reorder_max_ms, later reports overtake it */
	double delay;            /* held back 1..delay_max_ms */
	double drop;             /* lost (never sent) */
	double powercycle;       /* the machine's counter resets before its next report */
	int64_t reorder_max_ms;  /* 0: 120 s */
	int64_t delay_max_ms;    /* 0: 600 s */
	int64_t outage_ms;       /* each firm's gateway is down this long ... */
	int64_t outage_every_ms; /* ... once in each such period (0: 1 h), at its own phase */
	int64_t window_ms;       /* the daemon's reorder window (0: 900 s), for the truth */
	int counter_bits;        /* wrap16 / wrap32: give to sim_options.counter_bits */
	unsigned seed;           /* fault decisions (0: 1) */
} sim_fault_spec;

/*
 * Parses "dup=0.05,reorder=0.1,delay=0.02,drop=0.02,outage=900/3600,
 * powercycle=0.001,wrap16" (times in seconds; also reorder-max=S,
 * delay-max=S, window=S, seed=N, wrap32). An empty text is no faults.
 * Returns 0, or -1 with a message in err.
 */
int sim_fault_parse(const char *text, sim_fault_spec *out, char *err, size_t errcap);

/* Publishes one report: 0 when it is on its way (counted as delivered in
 * the truth), < 0 when it was lost (not counted), > 0 to stop the run. */
typedef int (*sim_deliver_fn)(void *ctx, const sim_report *r);

typedef struct sim_fault sim_fault;

/*
 * A fault layer for the reports of s (which must outlive it), delivering
 * through deliver(ctx, ...). spec NULL: no faults, the truth only.
 * report_every_ms is the simulator's report period. Returns NULL when
 * memory runs out.
 */
sim_fault *sim_fault_open(sim *s, const sim_fault_spec *spec, int64_t report_every_ms,
			  sim_deliver_fn deliver, void *ctx);

/* Frees f; NULL is a no-op. */
void sim_fault_close(sim_fault *f);

/* The sim_emit_fn to give to sim_advance() with f as ctx. Returns 0, or
 * the deliver function's positive stop value. */
int sim_fault_emit(void *f, const sim_report *r);

/* Releases what is due by now_ms (held reports, ended outages); call after
 * each sim_advance() step. Returns 0 or a stop value. */
int sim_fault_tick(sim_fault *f, int64_t now_ms);

/* End of the run: ends every outage (replaying the buffers) and releases
 * every held report, in due order. Returns 0 or a stop value. */
int sim_fault_finish(sim_fault *f);

typedef struct sim_fault_counts {
	uint64_t reports;     /* from the simulator */
	uint64_t delivered;   /* deliver() said 0, copies included */
	uint64_t lost;        /* deliver() said < 0 */
	uint64_t dropped;     /* drop */
	uint64_t duplicated;  /* dup: extra copies */
	uint64_t held;        /* reorder and delay */
	uint64_t buffered;    /* sent late because their gateway was down */
	uint64_t powercycles; /* resets made by the fault mode */
	uint64_t ambiguous;   /* intervals the documented counter rules cannot tell */
	uint64_t wraps;       /* intervals in which a counter wrapped */
} sim_fault_counts;

void sim_fault_counts_get(const sim_fault *f, sim_fault_counts *out);

/* Whether f keeps the ground truth (the default). Without it the layer
 * needs no memory per delivered report: sim_drive() turns it off unless a
 * truth file is asked for. */
void sim_fault_keep_truth(sim_fault *f, int on);

/* Ground truth of machine i so far (what the delivered reports make
 * knowable, see above); call after sim_fault_finish() for the final one.
 * Returns -1 when i is out of range. */
int sim_fault_truth(const sim_fault *f, size_t i, uint64_t *good, uint64_t *reject);

/*
 * Writes the truth as JSON: {"PY01/K001": {"good": .., "reject": ..,
 * "delivered": .., "duplicates": .., "late": .., "resets": .., "wraps": ..,
 * "ambiguous": ..}, ...} (keys are enterprise/machine: machine codes are
 * unique only within a firm). Returns 0 or -1.
 */
int sim_fault_write_truth(sim_fault *f, FILE *out);

/* ---- a run through any transport ---- */

/* A transport as the driver sees it. deliver() publishes one report (see
 * sim_deliver_fn); the others may be NULL. */
typedef struct sim_transport {
	void *ctx;
	sim_deliver_fn deliver;
	/* The history replay starts (on = 1) or ends (0): while replaying, a
	 * transport waits for its peer instead of losing reports. */
	void (*replay)(void *ctx, int on);
	/* After each step of simulated time: flush batches, read acknowledgements.
	 * Nonzero stops the run. */
	int (*step)(void *ctx);
	/* Idles up to ms of real time, doing the transport's network work. */
	void (*wait)(void *ctx, int ms);
	/* The run is over: everything delivered should reach the peer now
	 * (flush, wait for acknowledgements). Nonzero: it could not. */
	int (*drain)(void *ctx);
} sim_transport;

typedef struct sim_run_opts {
	const sim_fault_spec *faults; /* NULL: no faults */
	int64_t end_ms;               /* stop at this simulated time (0: when *stop is set) */
	const char *truth_path;       /* write the truth here at the end (NULL: nowhere) */
} sim_run_opts;

/*
 * Runs the simulator through tp until *stop is set or the simulated time
 * reaches ro->end_ms: from backfill_from_ms (when > 0 and in the past) it
 * replays the history up to now as fast as the transport takes it, then
 * follows the wall clock times opt->speed. Every report goes through a
 * fault layer (ro->faults); at the end held and buffered reports are
 * released, the transport drained, the truth written (ro->truth_path) and a
 * summary printed on stderr. ro may be NULL. Returns 0, or -1 when it
 * cannot start or the transport could not deliver everything.
 */
int sim_drive(const sim_options *opt, int64_t backfill_from_ms, const sim_run_opts *ro,
	      const sim_transport *tp, volatile int *stop);

/* sim_mqtt_run() (sim.h) with a fault mode, an end and a truth file: JSON
 * MQTT to host:port. Returns as sim_drive(). */
int sim_mqtt_run_opts(const sim_options *opt, const char *host, int port, int64_t backfill_from_ms,
		      const sim_run_opts *ro, volatile int *stop);

/*
 * The HTTP transport: POSTs the reports to url (http://host:port, plain
 * sockets, one keep-alive connection) at /api/v1/reports as NDJSON batches,
 * one batch per firm with the firm's gateway token, read from tokens_path
 * (lines "ENTERPRISE TOKEN"; a firm without a token sends nothing). A batch
 * that fails is sent again until it is taken (5xx, connection errors) or
 * the run stops; a 4xx ends the run (a report the daemon refuses is a bug).
 * Returns as sim_drive().
 */
int sim_http_run(const sim_options *opt, const char *url, const char *tokens_path,
		 int64_t backfill_from_ms, const sim_run_opts *ro, volatile int *stop);

#endif
