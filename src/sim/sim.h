/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cluster simulator: a seeded, deterministic model of a glove cluster (knitting
 * firms in Pingyi, a knitting and dipping firm in Gaomi, a sewn-glove firm in
 * Jiaxiang) whose machines produce pieces, stop for the usual reasons, go off
 * at night and report cumulative counters the way an IoT counter box does.
 * The model (sim_open .. sim_advance) does no I/O: it hands each report to a
 * callback in timestamp order, so tests and benchmarks use it directly, while
 * sim_mqtt_run publishes the same reports to an MQTT broker for the demo and
 * sim_main is the `gloved sim` subcommand. The same seed and start time
 * always give the same cluster and the same reports.
 */
#ifndef GLOVED_SIM_H
#define GLOVED_SIM_H

#include <stddef.h>
#include <stdint.h>

/* A firm of the cluster. */
typedef struct sim_firm {
	char code[33];  /* "PY01", "GM01", "JX01", ... */
	char name[128]; /* Chinese legal name, UTF-8 */
	char town[64];  /* "平邑", "高密", "嘉祥" */
} sim_firm;

/* A workshop (车间) of a firm. */
typedef struct sim_workshop {
	char enterprise[33]; /* firm code */
	char code[33];       /* "W1", "W2" */
	char name[128];      /* "织造一车间", "浸胶车间", ... */
} sim_workshop;

/* A machine as it would be registered with POST /api/v1/machines. */
typedef struct sim_machine_def {
	char enterprise[33];
	char workshop[33];
	char code[33];    /* K001 knitting, O001 overlock, D001 dipping line, S001 sewing */
	char kind[16];    /* "knitting", "overlock", "dipping", "sewing" */
	int gauge;        /* needles per inch for knitting machines, 0 otherwise */
	int64_t cycle_ms; /* ideal time per piece (one glove) */
	int counter_bits; /* 16 or 32: the counter wraps at 2^counter_bits */
} sim_machine_def;

/* One machine report. The strings point into the simulator (machine table or
 * static tables) and stay valid until sim_close(). */
typedef struct sim_report {
	const char *enterprise; /* firm code */
	const char *machine;    /* machine code */
	int64_t ts_ms;          /* Unix ms */
	uint64_t count;         /* cumulative good pieces, modulo 2^counter_bits */
	uint64_t reject;        /* cumulative rejected pieces, modulo 2^counter_bits */
	const char *state;      /* run idle stop fault setup off */
	const char *reason;     /* stop reason code, "" when none */
	size_t index;           /* index of the machine in sim_machines() */
} sim_report;

/* Receives each report; a nonzero return stops sim_advance(), which returns
 * that value. The report is only valid during the call. */
typedef int (*sim_emit_fn)(void *ctx, const sim_report *r);

typedef struct sim sim;

typedef struct sim_options {
	unsigned seed;           /* the same seed gives the same cluster and reports */
	int firms;               /* 0: 3 (one per town); firm i is in town i % 3 */
	int machines;            /* 0: 60 */
	int64_t report_every_ms; /* 0: 30000 */
	double speed;            /* 0: 1.0 = real time; only sim_mqtt_run uses it */
	int counter_bits;        /* 0: the model's; 16 or 32: every machine's counter has
				    that width and starts just below 2^bits (wraps soon) */
} sim_options;

/* Limits on sim_options that sim_open() accepts. */
#define SIM_MAX_FIRMS    1000
#define SIM_MAX_MACHINES 200000

/* Fills *opt with the defaults: seed 1, 3 firms, 60 machines, a report every
 * 30 s, real time. */
void sim_options_default(sim_options *opt);

/*
 * Builds the cluster (firms, workshops, machines: depends only on the seed,
 * firms and machines) and starts every machine's model at start_ms (Unix ms).
 * opt may be NULL for the defaults; zero fields take their defaults.
 * Returns a simulator the caller owns and frees with sim_close(), or NULL when
 * memory runs out or an option is out of range (negative, above the limits).
 */
sim *sim_open(const sim_options *opt, int64_t start_ms);

/* Frees the simulator and everything it handed out; NULL is a no-op. */
void sim_close(sim *s);

/* The firms, workshops and machines: *out points into the simulator (valid
 * until sim_close()); returns how many. Machines are ordered by firm, then
 * workshop, then kind and code. */
size_t sim_firms(const sim *s, const sim_firm **out);
size_t sim_workshops(const sim *s, const sim_workshop **out);
size_t sim_machines(const sim *s, const sim_machine_def **out);

/*
 * Advances every machine's model up to until_ms and calls emit (may be NULL)
 * for each report due in (last until, until_ms], in timestamp order across the
 * cluster (ties in machine phase order). Each machine reports every
 * report_every_ms at its own fixed phase (its reports fall on
 * phase + k * report_every_ms). During a call of emit the reporting machine's
 * model stands exactly at r->ts_ms, so sim_truth_*(s, r->index) is the truth
 * behind that report. Calling with until_ms at or before the time already
 * reached does nothing. Returns 0, or the nonzero value of emit, in which case
 * the simulator stands at that report's time and the next call continues with
 * the report after it.
 */
int sim_advance(sim *s, int64_t until_ms, sim_emit_fn emit, void *ctx);

/* Time of the next report sim_advance() will emit (Unix ms), or INT64_MAX
 * when the cluster has no machines. */
int64_t sim_next_report_ms(const sim *s);

/* Ground truth for machine_index (0 when out of range), counted from
 * sim_open() up to the time the machine's model has reached: good pieces
 * made, pieces rejected, and how many times the counter was reset (power-on
 * of a counter without memory, controller reset after maintenance or a
 * fault). A reset sets both counters to 0; the pieces made between the last
 * report and a reset are invisible to anyone reading the reports. */
uint64_t sim_truth_good(const sim *s, size_t machine_index);
uint64_t sim_truth_reject(const sim *s, size_t machine_index);
uint64_t sim_truth_resets(const sim *s, size_t machine_index);

/* The machine's counters before masking to counter_bits: the pieces since
 * its last reset (plus its start value when it was never reset). */
void sim_truth_counters(const sim *s, size_t machine_index, uint64_t *good, uint64_t *reject);

/* Power-cycles machine_index at at_ms (fault mode): advances its model to
 * at_ms and resets its counters there, so the pieces made since its last
 * report are never reported. at_ms must not be after the machine's next
 * report; out of range is a no-op. */
void sim_power_cycle(sim *s, size_t machine_index, int64_t at_ms);

/*
 * Writes r as the MQTT/HTTP report object of docs/api.md:
 * {"ts":..,"count":..,"reject":..,"state":"..","reason":".."} (reason left
 * out when empty; no machine field: the topic names it). Returns the length
 * written (without the NUL), or -1 when cap is too small.
 */
int sim_report_json(const sim_report *r, char *buf, size_t cap);

/*
 * Runs the simulator against an MQTT broker until *stop_flag becomes
 * nonzero. If backfill_from_ms > 0 the cluster starts at that time and its
 * history up to now is published as fast as the broker acknowledges it (at
 * most about 1000 QoS 1 messages awaiting PUBACK), then it runs in real time
 * scaled by opt->speed. Each report goes to gloved/v1/<enterprise>/<machine>/report
 * at QoS 1. A lost broker is retried every second; during the backfill the
 * replay waits for it, in real time the reports made meanwhile are dropped
 * (cumulative counters make that harmless). The caller must have called
 * mosquitto_lib_init(). Returns 0 when stopped, -1 when it cannot start (bad
 * options, out of memory).
 */
int sim_mqtt_run(const sim_options *opt, const char *host, int port, int64_t backfill_from_ms,
		 volatile int *stop_flag);

typedef struct sim_thread sim_thread;

/*
 * Starts a thread running sim_mqtt_run() with copies of opt and host. On
 * success returns 0 and *out, which the caller owns and must give to
 * sim_mqtt_stop(); returns -1 when the thread cannot be started.
 */
int sim_mqtt_start(const sim_options *opt, const char *host, int port, int64_t backfill_from_ms,
		   sim_thread **out);

/* Stops the thread, waits for it and frees t; NULL is a no-op. */
void sim_mqtt_stop(sim_thread *t);

/*
 * Runs one Modbus TCP server per simulated machine on 127.0.0.1, ports
 * base_port + machine index (sim_modbus.c describes the registers and the
 * stdin command channel), advancing the model in real time scaled by
 * opt->speed, until *stop_flag becomes nonzero. hang_index >= 0 makes that
 * machine's server read requests and never answer. Returns 0 when stopped,
 * -1 when it cannot start.
 */
#include <signal.h>
int sim_modbus_run(const sim_options *opt, int base_port, long hang_index,
		   volatile sig_atomic_t *stop_flag);

/* Prints the `gloved admin modbus add` line of every simulated machine (or,
 * with json, {"devices": [...]}) for servers from base_port. 0 or -1. */
int sim_modbus_print_devices(const sim_options *opt, int base_port, int json);

/* The `gloved sim` subcommand; argv[0] is "sim". Returns the exit status. */
int sim_main(int argc, char **argv);

#endif
