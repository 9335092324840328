/* SPDX-License-Identifier: Apache-2.0 */
/* metrics.h: process-wide counters and gauges for /metrics (Prometheus
 * text format). A table of named atomics; anything may bump them from any
 * thread. */
#ifndef GLOVED_UTIL_METRICS_H
#define GLOVED_UTIL_METRICS_H

#include "util/buf.h"

#include <stdint.h>

typedef enum metric_id {
	M_REPORTS_ACCEPTED,
	M_REPORTS_REJECTED,
	M_REPORTS_DUPLICATE,
	M_REPORTS_LATE,
	M_MQTT_MESSAGES,
	M_MQTT_REJECTED,
	M_MQTT_CONNECTED, /* gauge */
	M_WRITER_QUEUE,   /* gauge */
	M_COMMITS,
	M_COMMIT_FAILURES,
	M_ROLLUP_FLUSHES,
	M_HTTP_REQUESTS,
	M_SSE_CLIENTS, /* gauge */
	M_MODBUS_POLLS,
	M_MODBUS_ERRORS,
	M_MODBUS_DEVICES, /* gauge */
	M_SPB_MESSAGES,
	M_SPB_REJECTED,
	M_SPB_REORDERED,
	M_SPB_REBIRTHS,
	M_SPB_CONNECTED, /* gauge */
	M_SHARED_SYNCS,
	M_LIVE_NOTES,
	M_COUNT
} metric_id;

void metrics_add(metric_id id, int64_t v);
void metrics_set(metric_id id, int64_t v);
int64_t metrics_get(metric_id id);
/* Records one group commit of n reports in the batch-size histogram. */
void metrics_observe_batch(uint64_t n);
/* Appends every metric in Prometheus text format. */
int metrics_render(buf *out);

#endif
