/* report.c: see report.h. */
#include "ingest/report.h"
#include "core/state.h"
#include "util/err.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_TS_MS 1000000000000LL    /* 2001-09-09: catches seconds sent as ms */
#define MAX_EXACT 9007199254740992.0 /* 2^53: largest exact integer in JSON doubles */

static int bad(report_error *err, long index, int status, int rc, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int bad(report_error *err, long index, int status, int rc, const char *fmt, ...)
{
	err->record = index;
	err->status = status;
	int k = 0;
	if (index >= 0)
		k = snprintf(err->message, sizeof err->message, "record %ld: ", index);
	if (k < 0)
		k = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message + k, sizeof err->message - (size_t)k, fmt, ap);
	va_end(ap);
	return rc;
}

static int valid_code(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

/* A JSON number that is a non-negative integer within 2^53. */
static int get_uint(const cJSON *obj, const char *key, int required, uint64_t *out, int *present)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	*present = v != NULL;
	if (!v)
		return required ? -1 : 0;
	if (!cJSON_IsNumber(v))
		return -1;
	double d = v->valuedouble;
	if (!(d >= 0) || d > MAX_EXACT || floor(d) != d)
		return -1;
	*out = (uint64_t)d;
	return 0;
}

static int get_text(const cJSON *obj, const char *key, char *dst, size_t cap, int *present)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	*present = v != NULL && !cJSON_IsNull(v);
	dst[0] = '\0';
	if (!*present)
		return 0;
	if (!cJSON_IsString(v))
		return -1;
	size_t n = strlen(v->valuestring);
	if (n >= cap)
		return -2;
	memcpy(dst, v->valuestring, n + 1);
	return 0;
}

int report_from_json(const report_ctx *ctx, const cJSON *obj, long index, ingest_record *out,
		     report_error *err)
{
	memset(out, 0, sizeof *out);
	if (!cJSON_IsObject(obj))
		return bad(err, index, 400, GLOVED_EINVAL, "a report must be a JSON object");
	char code[64];
	int present;
	int r = get_text(obj, "machine", code, sizeof code, &present);
	if (r)
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'machine' must be a string of at most 32 characters");
	if (!present) {
		if (!ctx->topic_machine)
			return bad(err, index, 400, GLOVED_EINVAL, "field 'machine' is missing");
		snprintf(code, sizeof code, "%s", ctx->topic_machine);
	} else if (ctx->topic_machine && strcmp(code, ctx->topic_machine) != 0) {
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'machine' (%s) differs from the topic's machine", code);
	}
	if (!valid_code(code, 32))
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'machine' must be 1-32 characters of A-Z a-z 0-9 _ - .");
	store_machine m;
	if (registry_machine_by_code(ctx->reg, ctx->enterprise_id, code, &m)) {
		if (ctx->db)
			registry_refresh(ctx->reg, ctx->db, 0);
		if (!ctx->db || registry_machine_by_code(ctx->reg, ctx->enterprise_id, code, &m))
			return bad(err, index, 404, GLOVED_ENOTFOUND,
				   "machine '%s' is not registered in enterprise %s", code,
				   ctx->enterprise_code ? ctx->enterprise_code : "?");
	}
	out->machine_id = m.id;

	uint64_t ts = 0;
	if (get_uint(obj, "ts", 1, &ts, &present))
		return bad(err, index, 400, GLOVED_EINVAL,
			   present ? "field 'ts' must be an integer (Unix milliseconds)"
				   : "field 'ts' is missing");
	if ((int64_t)ts < MIN_TS_MS)
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'ts' (%llu) is before 2001: it must be Unix milliseconds",
			   (unsigned long long)ts);
	if ((int64_t)ts > ctx->now_ms + ctx->max_future_ms)
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'ts' is %lld s in the future (limit %lld s)",
			   (long long)(((int64_t)ts - ctx->now_ms) / 1000),
			   (long long)(ctx->max_future_ms / 1000));
	out->ts_ms = (int64_t)ts;

	if (get_uint(obj, "count", 1, &out->count, &present))
		return bad(err, index, 400, GLOVED_EINVAL,
			   present ? "field 'count' must be a non-negative integer"
				   : "field 'count' is missing");
	if (get_uint(obj, "reject", 0, &out->reject, &present))
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'reject' must be a non-negative integer");
	if (m.counter_bits > 0 && m.counter_bits < 64) {
		uint64_t lim = (uint64_t)1 << m.counter_bits;
		if (out->count >= lim || out->reject >= lim)
			return bad(err, index, 400, GLOVED_EINVAL,
				   "counter exceeds machine %s's %d-bit width", code,
				   m.counter_bits);
	}
	uint64_t seq;
	if (get_uint(obj, "seq", 0, &seq, &present))
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'seq' must be a non-negative integer");

	char state[16];
	r = get_text(obj, "state", state, sizeof state, &present);
	if (r || !present)
		return bad(err, index, 400, GLOVED_EINVAL,
			   present ? "field 'state' must be a string" : "field 'state' is missing");
	int st = state_parse(state);
	if (st < 0)
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'state' must be one of run, idle, stop, fault, setup, off");
	out->state = st;
	if (get_text(obj, "reason", out->reason, sizeof out->reason, &present))
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'reason' must be a string of at most 32 bytes");
	if (present && out->reason[0] && !valid_code(out->reason, 32))
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'reason' must be a code of A-Z a-z 0-9 _ - .");
	if (get_text(obj, "worker", out->worker, sizeof out->worker, &present))
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'worker' must be a string of at most 32 bytes");
	if (present && out->worker[0] && !valid_code(out->worker, 32))
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'worker' must be a code of A-Z a-z 0-9 _ - .");
	return GLOVED_OK;
}

static int push(ingest_record **arr, size_t *n, size_t *cap)
{
	if (*n < *cap)
		return GLOVED_OK;
	size_t nc = *cap ? *cap * 2 : 64;
	ingest_record *p = realloc(*arr, nc * sizeof *p);
	if (!p)
		return GLOVED_ENOMEM;
	*arr = p;
	*cap = nc;
	return GLOVED_OK;
}

static int only_space(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			return 0;
	return 1;
}

int report_parse_body(const report_ctx *ctx, const char *body, size_t len, size_t max_records,
		      ingest_record **out, size_t *n, report_error *err)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	ingest_record *recs = NULL;
	int rc = GLOVED_OK;
	const char *p = body, *end = body + len;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if (p == end)
		return bad(err, -1, 400, GLOVED_EINVAL,
			   "the body is empty: send a JSON array or NDJSON");
	if (memchr(body, '\0', len))
		return bad(err, -1, 400, GLOVED_EINVAL, "the body contains a NUL byte");
	if (*p == '[') {
		const char *stop = NULL;
		cJSON *arr = cJSON_ParseWithLengthOpts(p, (size_t)(end - p), &stop, 0);
		if (!arr) {
			const char *at = cJSON_GetErrorPtr();
			long off = at && at >= body && at <= end ? (long)(at - body) : -1;
			return bad(err, -1, 400, GLOVED_EINVAL, "malformed JSON near byte %ld",
				   off);
		}
		if (!cJSON_IsArray(arr) || (stop && !only_space(stop, end))) {
			cJSON_Delete(arr);
			return bad(err, -1, 400, GLOVED_EINVAL,
				   "the body must be one JSON array or NDJSON");
		}
		int count = cJSON_GetArraySize(arr);
		if ((size_t)count > max_records) {
			cJSON_Delete(arr);
			return bad(err, -1, 413, GLOVED_ETOOBIG,
				   "%d records in one request; the limit is %zu", count,
				   max_records);
		}
		long idx = 0;
		const cJSON *it;
		cJSON_ArrayForEach(it, arr)
		{
			if ((rc = push(&recs, n, &cap)))
				break;
			if ((rc = report_from_json(ctx, it, idx, &recs[*n], err)))
				break;
			(*n)++;
			idx++;
		}
		cJSON_Delete(arr);
	} else {
		long idx = 0;
		const char *line = p;
		while (line < end) {
			const char *nl = memchr(line, '\n', (size_t)(end - line));
			const char *le = nl ? nl : end;
			if (!only_space(line, le)) {
				if (*n >= max_records) {
					rc = bad(err, -1, 413, GLOVED_ETOOBIG,
						 "more than %zu records in one request",
						 max_records);
					break;
				}
				const char *stop = NULL;
				cJSON *obj =
				    cJSON_ParseWithLengthOpts(line, (size_t)(le - line), &stop, 0);
				if (!obj || (stop && !only_space(stop, le))) {
					cJSON_Delete(obj);
					rc = bad(err, idx, 400, GLOVED_EINVAL,
						 "malformed JSON on line %ld", idx + 1);
					break;
				}
				if ((rc = push(&recs, n, &cap)) == GLOVED_OK)
					rc = report_from_json(ctx, obj, idx, &recs[*n], err);
				cJSON_Delete(obj);
				if (rc)
					break;
				(*n)++;
				idx++;
			}
			line = le + 1;
		}
	}
	if (rc) {
		if (rc == GLOVED_ENOMEM)
			bad(err, -1, 500, rc, "out of memory");
		free(recs);
		*n = 0;
		return rc;
	}
	*out = recs;
	return GLOVED_OK;
}
