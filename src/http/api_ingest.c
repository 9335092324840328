/* SPDX-License-Identifier: Apache-2.0 */
/* api_ingest.c: POST /api/v1/reports, machine reports from a firm's
 * gateway (docs/api.md, "Reports"): parsed and checked all-or-nothing by
 * ingest/report.c, handed to the writer and answered after the group commit
 * that holds them; the fleet view (app/fleet.c) notes the gateway. Only a
 * gateway token may call it (the route table at the end). */
#include "http/http_int.h"
#include "ingest/report.h"
#include "util/err.h"
#include "util/ltime.h"
#include "util/metrics.h"

#include <stdlib.h>

static enum MHD_Result h_reports(http_req *r, store *db)
{
	store_enterprise e;
	if (registry_enterprise(r->srv->app.reg, r->gateway_enterprise, &e)) {
		http__refresh(r, db);
		if (registry_enterprise(r->srv->app.reg, r->gateway_enterprise, &e))
			return http__reply_error(r, 403, "forbidden", -1,
						 "the token's enterprise is gone");
	}
	const gloved_config *cfg = r->srv->app.cfg;
	report_ctx ctx = {r->srv->app.reg,          db,  e.id, e.code, ltime_now_ms(),
			  cfg->max_future_s * 1000, NULL};
	ingest_record *recs = NULL;
	size_t n = 0;
	report_error err;
	fleet *fl = r->srv->app.fleet;
	if (report_parse_body(&ctx, r->body.data ? r->body.data : "", r->body.len,
			      (size_t)cfg->max_records, &recs, &n, &err)) {
		metrics_add(M_REPORTS_REJECTED, 1);
		if (fl)
			fleet_error(fl, e.id, FLEET_HTTP, r->gateway_name, err.message, ctx.now_ms);
		return http__reply_error(r, (unsigned)err.status,
					 http__status_code((unsigned)err.status), err.record, "%s",
					 err.message);
	}
	/* the read connection is not needed while waiting for the commit */
	if (fl) {
		int64_t last = -1;
		for (size_t i = 0; i < n; i++) {
			if (recs[i].machine_id == last)
				continue;
			last = recs[i].machine_id;
			fleet_seen(fl, e.id, FLEET_HTTP, r->gateway_name, last, ctx.now_ms);
		}
	}
	writer_result res = {0};
	int rc = writer_submit(r->srv->app.w, recs, n, &res);
	free(recs);
	if (rc)
		return http__reply_error(r, 503, "unavailable", -1,
					 "the reports were not stored (%s); nothing was written, "
					 "send them again",
					 gloved_strerror(rc));
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "accepted", (double)res.accepted);
	cJSON_AddNumberToObject(o, "duplicates", (double)res.duplicates);
	cJSON_AddNumberToObject(o, "late", (double)res.late);
	return http__reply_json(r, 200, o);
}

const http_route http__routes_ingest[] = {
    {"POST", "/api/v1/reports", ROLE_BIT(ROLE_GATEWAY), h_reports, NULL},
};
const size_t http__routes_ingest_n = sizeof http__routes_ingest / sizeof http__routes_ingest[0];
