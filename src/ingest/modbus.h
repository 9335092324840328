/* SPDX-License-Identifier: Apache-2.0 */
/* modbus.h: the Modbus TCP transport. A poller reads each enabled
 * modbus_device (store.h) at its poll interval: the counter register
 * (16-bit, or 32-bit from two words in the configured word order), the
 * optional reject register (same width) and the optional state register
 * (mapped through the device's state map). Each poll becomes one
 * ingest_record (ts = poll time, counters cumulative as read), checked with
 * report_check and handed to the writer like every other transport's
 * reports, so counting, wraps (the machine's counter_bits) and resets are
 * the writer's. A device that does not answer (refused, timeout, a hang
 * mid-response) marks its machine offline (a state_only MS_OFFLINE record)
 * and its fleet entry offline, is retried with exponential backoff (1 s
 * doubling to 60 s), counted in /metrics and logged at most once a minute.
 * Each device has its own thread, so a slow device delays only itself;
 * devices added while running are picked up when the registry revision
 * changes. docs/internals/modbus.md has the details. */
#ifndef GLOVED_INGEST_MODBUS_H
#define GLOVED_INGEST_MODBUS_H

#include "app/fleet.h"
#include "app/registry.h"
#include "app/writer.h"
#include "store/store.h"

typedef struct modbus_poller_options {
	int64_t max_future_ms; /* as for the other transports (report_check) */
	int64_t rescan_ms;     /* how often to look for new devices (0: 1000) */
	fleet *fleet;          /* may be NULL */
} modbus_poller_options;

typedef struct modbus_poller modbus_poller;

/* Starts the poller. rdb is a read connection the poller takes over (and
 * closes in modbus_poller_stop, also on failure). Returns GLOVED_OK and
 * *out, or an error. */
int modbus_poller_start(const modbus_poller_options *opt, registry *reg, store *rdb, writer *w,
			modbus_poller **out);
/* Stops every device thread (a request in progress is cut short by shutting
 * its socket down; a connect in progress takes at most its timeout) and
 * frees p. NULL is fine. */
void modbus_poller_stop(modbus_poller *p);

#endif
