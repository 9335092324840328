/* SPDX-License-Identifier: Apache-2.0 */
/* report.h: parses and validates machine reports (docs/api.md) from JSON,
 * for every transport. A body is a JSON array of reports or NDJSON (one
 * object per line); a request is all-or-nothing, so the first bad record
 * stops the parse and names itself in the error. Machines are looked up in
 * the registry within one enterprise, which is how a gateway of one firm is
 * kept from writing another firm's machines. */
#ifndef GLOVED_INGEST_REPORT_H
#define GLOVED_INGEST_REPORT_H

#include "app/registry.h"
#include "app/writer.h"

#include <stddef.h>
#include <stdint.h>

typedef struct report_ctx {
	registry *reg;
	store *db;             /* to refresh the registry on an unknown machine; may be NULL */
	int64_t enterprise_id; /* the sender's firm */
	const char *enterprise_code;
	int64_t now_ms;
	int64_t max_future_ms;
	const char *topic_machine; /* MQTT: the machine named by the topic, else NULL */
} report_ctx;

typedef struct report_error {
	long record; /* 0-based index of the bad record, -1 for the whole body */
	int status;  /* HTTP status to answer: 400, 404 or 413 */
	char message[200];
} report_error;

/* Parses body (len bytes, need not be NUL-terminated) into *out (malloc'd,
 * caller frees) with *n records. At most max_records. Returns GLOVED_OK or
 * GLOVED_EINVAL/GLOVED_ENOTFOUND/GLOVED_ETOOBIG with err filled; on error
 * *out is NULL. */
int report_parse_body(const report_ctx *ctx, const char *body, size_t len, size_t max_records,
		      ingest_record **out, size_t *n, report_error *err);

/* Checks a report that arrived already typed (Sparkplug B, Modbus) for
 * machine m: the timestamp window and the counter width. The JSON path
 * applies the same checks. Returns GLOVED_OK or GLOVED_EINVAL with err. */
int report_check(const report_ctx *ctx, const store_machine *m, const ingest_record *r, long index,
		 report_error *err);

#endif
