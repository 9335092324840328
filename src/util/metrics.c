/* SPDX-License-Identifier: Apache-2.0 */
/* metrics.c: see metrics.h. */
#include "util/metrics.h"

#include <stdatomic.h>

static const struct {
	const char *name;
	const char *type;
	const char *help;
} defs[M_COUNT] = {
    [M_REPORTS_ACCEPTED] = {"gloved_reports_accepted_total", "counter",
			    "reports accepted (placed, duplicate or late) and committed"},
    [M_REPORTS_REJECTED] = {"gloved_reports_rejected_total", "counter",
			    "reports refused by validation (HTTP and MQTT)"},
    [M_REPORTS_DUPLICATE] = {"gloved_reports_duplicate_total", "counter",
			     "reports already seen (same machine and timestamp)"},
    [M_REPORTS_LATE] = {"gloved_reports_late_total", "counter",
			"reports older than the reorder window, ignored"},
    [M_MQTT_MESSAGES] = {"gloved_mqtt_messages_total", "counter", "MQTT messages received"},
    [M_MQTT_REJECTED] = {"gloved_mqtt_rejected_total", "counter",
			 "MQTT messages that failed validation"},
    [M_MQTT_CONNECTED] = {"gloved_mqtt_connected", "gauge", "1 while connected to the MQTT broker"},
    [M_WRITER_QUEUE] = {"gloved_writer_queue_depth", "gauge", "reports waiting for the writer"},
    [M_COMMITS] = {"gloved_commits_total", "counter", "group commits"},
    [M_COMMIT_FAILURES] = {"gloved_commit_failures_total", "counter",
			   "group commits that failed and were rolled back"},
    [M_ROLLUP_FLUSHES] = {"gloved_rollup_flushes_total", "counter",
			  "writes of the rollups and live rows gathered in memory"},
    [M_HTTP_REQUESTS] = {"gloved_http_requests_total", "counter", "HTTP requests"},
    [M_SSE_CLIENTS] = {"gloved_sse_clients", "gauge", "open live-feed connections"},
    [M_MODBUS_POLLS] = {"gloved_modbus_polls_total", "counter",
			"Modbus TCP polls that read a device's registers"},
    [M_MODBUS_ERRORS] = {"gloved_modbus_errors_total", "counter",
			 "Modbus TCP connects and polls that failed (refused, timeout, exception)"},
    [M_MODBUS_DEVICES] = {"gloved_modbus_devices", "gauge", "Modbus TCP devices being polled"},
    [M_SPB_MESSAGES] = {"gloved_sparkplug_messages_total", "counter",
			"Sparkplug B messages received (births, deaths, data)"},
    [M_SPB_REJECTED] = {"gloved_sparkplug_rejected_total", "counter",
			"Sparkplug B messages rejected (undecodable, missing fields, wrong "
			"types, unknown alias or device, unknown firm or machine)"},
    [M_SPB_REORDERED] = {"gloved_sparkplug_reordered_total", "counter",
			 "Sparkplug B messages held for a sequence gap and applied in order"},
    [M_SPB_REBIRTHS] = {"gloved_sparkplug_rebirths_total", "counter",
			"Rebirth requests (NCMD) sent to edge nodes"},
    [M_SPB_CONNECTED] = {"gloved_sparkplug_connected", "gauge",
			 "1 while the Sparkplug B host is connected to the broker"},
    [M_SHARED_SYNCS] = {"gloved_shared_syncs_total", "counter",
			"machines reloaded from the database because another gloved instance "
			"changed them (several instances on one database)"},
    [M_LIVE_NOTES] = {"gloved_live_notes_total", "counter",
		      "live updates received from the other gloved instances"},
};

static _Atomic int64_t values[M_COUNT];

static const uint64_t batch_bounds[] = {1, 10, 100, 1000, 10000};
#define N_BOUNDS (sizeof batch_bounds / sizeof batch_bounds[0])
static _Atomic uint64_t batch_buckets[N_BOUNDS + 1];
static _Atomic uint64_t batch_sum, batch_count;

void metrics_add(metric_id id, int64_t v)
{
	atomic_fetch_add(&values[id], v);
}

void metrics_set(metric_id id, int64_t v)
{
	atomic_store(&values[id], v);
}

int64_t metrics_get(metric_id id)
{
	return atomic_load(&values[id]);
}

void metrics_observe_batch(uint64_t n)
{
	size_t i = 0;
	while (i < N_BOUNDS && n > batch_bounds[i])
		i++;
	atomic_fetch_add(&batch_buckets[i], 1);
	atomic_fetch_add(&batch_sum, n);
	atomic_fetch_add(&batch_count, 1);
}

int metrics_render(buf *out)
{
	int rc = 0;
	for (int i = 0; i < M_COUNT && !rc; i++) {
		rc = buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %lld\n", defs[i].name,
				defs[i].help, defs[i].name, defs[i].type, defs[i].name,
				(long long)atomic_load(&values[i]));
	}
	if (rc)
		return rc;
	rc = buf_puts(out, "# HELP gloved_commit_batch_size reports per group commit\n"
			   "# TYPE gloved_commit_batch_size histogram\n");
	uint64_t cum = 0;
	for (size_t i = 0; i <= N_BOUNDS && !rc; i++) {
		cum += atomic_load(&batch_buckets[i]);
		if (i < N_BOUNDS)
			rc = buf_printf(out, "gloved_commit_batch_size_bucket{le=\"%llu\"} %llu\n",
					(unsigned long long)batch_bounds[i],
					(unsigned long long)cum);
		else
			rc = buf_printf(out, "gloved_commit_batch_size_bucket{le=\"+Inf\"} %llu\n",
					(unsigned long long)cum);
	}
	if (!rc)
		rc = buf_printf(out,
				"gloved_commit_batch_size_sum %llu\ngloved_commit_batch_size_count "
				"%llu\n",
				(unsigned long long)atomic_load(&batch_sum),
				(unsigned long long)atomic_load(&batch_count));
	return rc;
}
