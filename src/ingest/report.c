/* SPDX-License-Identifier: Apache-2.0 */
/* report.c: see report.h. The body is read by a small strict JSON scanner
 * of our own rather than a DOM parser: it walks the bytes once, keeps only
 * the fields a report has, and builds no tree, which makes parsing a batch
 * of a thousand reports several times cheaper than cJSON (it runs on every
 * HTTP ingest thread; see docs/performance.md). It accepts exactly RFC 8259
 * JSON, nesting up to 32 levels in fields it does not know. */
#include "core/code.h"
#include "ingest/report.h"
#include "core/state.h"
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_TS_MS 1000000000000LL /* 2001-09-09: catches seconds sent as ms */
/* 2^53 - 1, the largest integer every JSON reader keeps exact (a double
 * holds 2^53 + 1 as 2^53): the ceiling of every counter, on every path,
 * which also keeps a counter's delta within int64 */
#define COUNT_MAX      9007199254740991ULL
#define COUNT_MAX_TEXT "9007199254740991"
#define MAX_DEPTH      32
#define FIELD_CHARS    64

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

/* ---- the scanner ---- */

typedef enum jtype { J_NONE = 0, J_STR, J_NUM, J_NULL, J_OTHER } jtype;

typedef struct jfield {
	jtype type;
	int too_long;           /* a string longer than FIELD_CHARS - 1 bytes */
	char text[FIELD_CHARS]; /* decoded string, or the number's characters */
} jfield;

enum { F_MACHINE, F_TS, F_COUNT, F_REJECT, F_STATE, F_REASON, F_WORKER, F_SEQ, F_N };
static const char *const field_names[F_N] = {"machine", "ts",     "count",  "reject",
					     "state",   "reason", "worker", "seq"};

typedef struct scan {
	const char *p, *end;
} scan;

static void skip_ws(scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
		s->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + (unsigned)h;
	}
	*out = v;
	return 0;
}

/* Appends one byte to out when there is room, else marks too_long. */
static void put(char *out, size_t cap, size_t *n, int *too_long, unsigned char c)
{
	if (!out)
		return;
	if (*n + 1 < cap)
		out[(*n)++] = (char)c;
	else
		*too_long = 1;
}

/* Reads a string at s->p (which is at the opening quote), decoding escapes
 * into out (cap bytes, may be NULL to skip). Returns 0 or -1 on bad JSON. */
static int scan_string(scan *s, char *out, size_t cap, int *too_long)
{
	size_t n = 0;
	s->p++; /* the quote */
	while (s->p < s->end) {
		unsigned char c = (unsigned char)*s->p;
		if (c == '"') {
			s->p++;
			if (out)
				out[n] = '\0';
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c != '\\') {
			put(out, cap, &n, too_long, c);
			s->p++;
			continue;
		}
		if (s->end - s->p < 2)
			return -1;
		char e = s->p[1];
		s->p += 2;
		switch (e) {
		case '"':
		case '\\':
		case '/':
			put(out, cap, &n, too_long, (unsigned char)e);
			break;
		case 'b':
			put(out, cap, &n, too_long, '\b');
			break;
		case 'f':
			put(out, cap, &n, too_long, '\f');
			break;
		case 'n':
			put(out, cap, &n, too_long, '\n');
			break;
		case 'r':
			put(out, cap, &n, too_long, '\r');
			break;
		case 't':
			put(out, cap, &n, too_long, '\t');
			break;
		case 'u': {
			unsigned u;
			if (s->end - s->p < 4 || hex4(s->p, &u))
				return -1;
			s->p += 4;
			if (u >= 0xD800 && u <= 0xDBFF) {
				unsigned lo;
				if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' ||
				    hex4(s->p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
					return -1;
				s->p += 6;
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
			} else if (u >= 0xDC00 && u <= 0xDFFF) {
				return -1;
			}
			/* UTF-8 encode */
			if (u < 0x80) {
				put(out, cap, &n, too_long, (unsigned char)u);
			} else if (u < 0x800) {
				put(out, cap, &n, too_long, (unsigned char)(0xC0 | (u >> 6)));
				put(out, cap, &n, too_long, (unsigned char)(0x80 | (u & 0x3F)));
			} else if (u < 0x10000) {
				put(out, cap, &n, too_long, (unsigned char)(0xE0 | (u >> 12)));
				put(out, cap, &n, too_long,
				    (unsigned char)(0x80 | ((u >> 6) & 0x3F)));
				put(out, cap, &n, too_long, (unsigned char)(0x80 | (u & 0x3F)));
			} else {
				put(out, cap, &n, too_long, (unsigned char)(0xF0 | (u >> 18)));
				put(out, cap, &n, too_long,
				    (unsigned char)(0x80 | ((u >> 12) & 0x3F)));
				put(out, cap, &n, too_long,
				    (unsigned char)(0x80 | ((u >> 6) & 0x3F)));
				put(out, cap, &n, too_long, (unsigned char)(0x80 | (u & 0x3F)));
			}
			break;
		}
		default:
			return -1;
		}
	}
	return -1;
}

/* Reads a number (RFC 8259 grammar); copies its characters into out. */
static int scan_number(scan *s, char *out, size_t cap, int *too_long)
{
	const char *start = s->p;
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p >= s->end)
		return -1;
	if (*s->p == '0') {
		s->p++;
	} else if (*s->p >= '1' && *s->p <= '9') {
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			s->p++;
	} else {
		return -1;
	}
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (s->p >= s->end || *s->p < '0' || *s->p > '9')
			return -1;
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			s->p++;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (s->p >= s->end || *s->p < '0' || *s->p > '9')
			return -1;
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			s->p++;
	}
	size_t n = (size_t)(s->p - start);
	if (out) {
		if (n >= cap) {
			*too_long = 1;
			n = cap - 1;
		}
		memcpy(out, start, n);
		out[n] = '\0';
	}
	return 0;
}

static int scan_literal(scan *s, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

static int skip_value(scan *s, int depth);

static int skip_container(scan *s, int depth, char close)
{
	if (depth > MAX_DEPTH)
		return -1;
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		return 0;
	}
	for (;;) {
		skip_ws(s);
		if (close == '}') {
			if (s->p >= s->end || *s->p != '"' || scan_string(s, NULL, 0, NULL))
				return -1;
			skip_ws(s);
			if (s->p >= s->end || *s->p != ':')
				return -1;
			s->p++;
			skip_ws(s);
		}
		if (skip_value(s, depth + 1))
			return -1;
		skip_ws(s);
		if (s->p >= s->end)
			return -1;
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		if (*s->p == close) {
			s->p++;
			return 0;
		}
		return -1;
	}
}

/* Reads any value; when f is not NULL records its type and text. */
static int scan_value(scan *s, int depth, jfield *f)
{
	if (s->p >= s->end)
		return -1;
	char c = *s->p;
	if (c == '"') {
		if (f) {
			f->type = J_STR;
			return scan_string(s, f->text, sizeof f->text, &f->too_long);
		}
		return scan_string(s, NULL, 0, NULL);
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		if (f) {
			f->type = J_NUM;
			return scan_number(s, f->text, sizeof f->text, &f->too_long);
		}
		return scan_number(s, NULL, 0, NULL);
	}
	if (f)
		f->type = J_OTHER;
	if (c == '{')
		return skip_container(s, depth, '}');
	if (c == '[')
		return skip_container(s, depth, ']');
	if (c == 'n') {
		if (f)
			f->type = J_NULL;
		return scan_literal(s, "null");
	}
	if (c == 't')
		return scan_literal(s, "true");
	if (c == 'f')
		return scan_literal(s, "false");
	return -1;
}

static int skip_value(scan *s, int depth)
{
	return scan_value(s, depth, NULL);
}

/* The known field a key names, or -1: by its first letter, then one
 * compare (at most two candidates share a letter), instead of comparing
 * the key with every name (the scan runs for every field of every report). */
static int field_index(const char *key)
{
	int a = -1, b = -1;
	switch (key[0]) {
	case 'm':
		a = F_MACHINE;
		break;
	case 't':
		a = F_TS;
		break;
	case 'c':
		a = F_COUNT;
		break;
	case 'r':
		a = F_REJECT;
		b = F_REASON;
		break;
	case 's':
		a = F_STATE;
		b = F_SEQ;
		break;
	case 'w':
		a = F_WORKER;
		break;
	default:
		return -1;
	}
	if (strcmp(key, field_names[a]) == 0)
		return a;
	if (b >= 0 && strcmp(key, field_names[b]) == 0)
		return b;
	return -1;
}

/* Reads one object into the known fields. Returns 0, -1 on bad JSON, 1
 * when the value is not an object, 2 when a known field comes twice (*dup
 * is which: readers disagree on which of the two counts). */
static int scan_report(scan *s, jfield f[F_N], int *dup)
{
	memset(f, 0, sizeof(jfield) * F_N);
	if (s->p >= s->end || *s->p != '{')
		return s->p < s->end && !skip_value(s, 1) ? 1 : -1;
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		skip_ws(s);
		char key[16];
		int long_key = 0;
		if (s->p >= s->end || *s->p != '"' || scan_string(s, key, sizeof key, &long_key))
			return -1;
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return -1;
		s->p++;
		skip_ws(s);
		jfield *target = NULL;
		int i = long_key ? -1 : field_index(key);
		if (i >= 0) {
			if (f[i].type != J_NONE) {
				*dup = i;
				return 2;
			}
			target = &f[i];
		}
		if (scan_value(s, 2, target))
			return -1;
		skip_ws(s);
		if (s->p >= s->end)
			return -1;
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		if (*s->p == '}') {
			s->p++;
			return 0;
		}
		return -1;
	}
}

/* ---- validation ---- */

int report_check(const report_ctx *ctx, const store_machine *m, const ingest_record *r, long index,
		 report_error *err)
{
	if (r->ts_ms < MIN_TS_MS)
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'ts' (%lld) is before 2001: it must be Unix milliseconds",
			   (long long)r->ts_ms);
	if (r->ts_ms > ctx->now_ms + ctx->max_future_ms)
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'ts' is %lld s in the future (limit %lld s)",
			   (long long)((r->ts_ms - ctx->now_ms) / 1000),
			   (long long)(ctx->max_future_ms / 1000));
	if (r->count > COUNT_MAX || r->reject > COUNT_MAX)
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field '%s' exceeds " COUNT_MAX_TEXT " (2^53 - 1)",
			   r->count > COUNT_MAX ? "count" : "reject");
	if (m->counter_bits > 0 && m->counter_bits < 64) {
		uint64_t lim = (uint64_t)1 << m->counter_bits;
		if (r->count >= lim || r->reject >= lim)
			return bad(err, index, 400, GLOVED_EINVAL,
				   "counter exceeds machine %s's %d-bit width", m->code,
				   m->counter_bits);
	}
	return GLOVED_OK;
}

/* The number text t (JSON grammar, as the scanner checked it) as an exact
 * whole number of at most 16 digits: 0 and *out, -1 when it has a sign or
 * a fraction (exactly, digit by digit: 1.0000000000000000001 is not 1), -2
 * when it has more digits. Written out (1.2e1, 12.0) it may still be whole. */
static int whole_text(const char *t, uint64_t *out)
{
	if (*t == '-')
		return -1;
	char dig[FIELD_CHARS];
	size_t nd = 0;
	long shift = 0, e = 0;
	const char *p = t;
	for (; *p >= '0' && *p <= '9'; p++)
		dig[nd++] = *p;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, shift--)
			dig[nd++] = *p;
	if (*p == 'e' || *p == 'E') {
		int neg = *++p == '-';
		if (*p == '+' || *p == '-')
			p++;
		for (; *p >= '0' && *p <= '9'; p++)
			if (e < 100000)
				e = e * 10 + (*p - '0');
		shift += neg ? -e : e;
	}
	size_t a = 0;
	while (a < nd && dig[a] == '0')
		a++;
	while (nd > a && dig[nd - 1] == '0') {
		nd--;
		shift++;
	}
	if (a == nd) {
		*out = 0;
		return 0;
	}
	if (shift < 0)
		return -1;
	if ((long)(nd - a) + shift > 16)
		return -2;
	uint64_t v = 0;
	for (size_t i = a; i < nd; i++)
		v = v * 10 + (uint64_t)(dig[i] - '0');
	for (long i = 0; i < shift; i++)
		v *= 10;
	*out = v;
	return 0;
}

/* A field that must be a whole number in 0..2^53 - 1. Returns 0 and *out,
 * 1 when absent (or null), -1 when it is something else. */
static int field_uint(const jfield *f, uint64_t *out)
{
	if (f->type == J_NONE || f->type == J_NULL)
		return 1;
	if (f->type != J_NUM || f->too_long)
		return -1;
	const char *t = f->text;
	size_t n = strlen(t);
	if (n <= 15 && strspn(t, "0123456789") == n) { /* the usual case: below 2^53 */
		uint64_t v = 0;
		for (size_t i = 0; i < n; i++)
			v = v * 10 + (uint64_t)(t[i] - '0');
		*out = v;
		return 0;
	}
	uint64_t v;
	if (whole_text(t, &v) || v > COUNT_MAX)
		return -1;
	*out = v;
	return 0;
}

/* A field that must be a string if present. 0 ok (dst filled, "" when
 * absent), -1 not a string or longer than cap - 1 bytes. */
static int field_text(const jfield *f, char *dst, size_t cap, int *present)
{
	*present = f->type != J_NONE && f->type != J_NULL;
	dst[0] = '\0';
	if (!*present)
		return 0;
	if (f->type != J_STR || f->too_long || strlen(f->text) >= cap)
		return -1;
	memcpy(dst, f->text, strlen(f->text) + 1);
	return 0;
}

static int validate(const report_ctx *ctx, const jfield f[F_N], long index, ingest_record *out,
		    report_error *err)
{
	memset(out, 0, sizeof *out);
	char code[40];
	int present;
	if (field_text(&f[F_MACHINE], code, 33, &present))
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
	if (!code_valid(code))
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'machine' must be 1-32 characters of A-Z a-z 0-9 _ -");
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
	int r = field_uint(&f[F_TS], &ts);
	if (r)
		return bad(err, index, 400, GLOVED_EINVAL,
			   r > 0 ? "field 'ts' is missing"
				 : "field 'ts' must be a whole number (Unix milliseconds)");
	if (ts > (uint64_t)INT64_MAX / 2)
		return bad(err, index, 400, GLOVED_EINVAL, "field 'ts' is out of range");
	out->ts_ms = (int64_t)ts;

	r = field_uint(&f[F_COUNT], &out->count);
	if (r)
		return bad(err, index, 400, GLOVED_EINVAL,
			   r > 0 ? "field 'count' is missing"
				 : "field 'count' must be a whole number in 0.." COUNT_MAX_TEXT);
	if (field_uint(&f[F_REJECT], &out->reject) < 0)
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'reject' must be a whole number in 0.." COUNT_MAX_TEXT);
	int rc = report_check(ctx, &m, out, index, err);
	if (rc)
		return rc;
	uint64_t seq;
	if (field_uint(&f[F_SEQ], &seq) < 0)
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'seq' must be a whole number in 0.." COUNT_MAX_TEXT);

	char state[16];
	if (field_text(&f[F_STATE], state, sizeof state, &present) || !present)
		return bad(err, index, 400, GLOVED_EINVAL,
			   present
			       ? "field 'state' must be one of run, idle, stop, fault, setup, off"
			       : "field 'state' is missing");
	int st = state_parse(state);
	if (st < 0)
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'state' must be one of run, idle, stop, fault, setup, off");
	out->state = st;
	if (field_text(&f[F_REASON], out->reason, sizeof out->reason, &present))
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'reason' must be a string of at most 32 bytes");
	if (present && out->reason[0] && !code_valid(out->reason))
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'reason' must be a code of 1-32 characters of A-Z a-z 0-9 _ -");
	if (field_text(&f[F_WORKER], out->worker, sizeof out->worker, &present))
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'worker' must be a string of at most 32 bytes");
	if (present && out->worker[0] && !code_valid(out->worker))
		return bad(err, index, 400, GLOVED_EINVAL,
			   "field 'worker' must be a code of 1-32 characters of A-Z a-z 0-9 _ -");
	return GLOVED_OK;
}

/* ---- bodies ---- */

static int push(ingest_record **arr, size_t *n, size_t *cap)
{
	if (*n < *cap)
		return GLOVED_OK;
	size_t nc = *cap ? *cap * 2 : 4; /* MQTT: mostly one report per message */
	ingest_record *p = realloc(*arr, nc * sizeof *p);
	if (!p)
		return GLOVED_ENOMEM;
	*arr = p;
	*cap = nc;
	return GLOVED_OK;
}

/* Parses one report starting at s->p into recs[*n]. */
static int one(const report_ctx *ctx, scan *s, long idx, ingest_record **recs, size_t *n,
	       size_t *cap, report_error *err, const char *body, int ndjson)
{
	jfield f[F_N];
	const char *at = s->p;
	int dup = 0;
	int r = scan_report(s, f, &dup);
	if (r < 0) {
		if (ndjson)
			return bad(err, idx, 400, GLOVED_EINVAL, "malformed JSON on line %ld",
				   idx + 1);
		return bad(err, -1, 400, GLOVED_EINVAL, "malformed JSON near byte %ld",
			   (long)(at - body));
	}
	if (r == 2)
		return bad(err, idx, 400, GLOVED_EINVAL, "field '%s' appears twice",
			   field_names[dup]);
	if (r > 0)
		return bad(err, idx, 400, GLOVED_EINVAL, "a report must be a JSON object");
	int rc = push(recs, n, cap);
	if (rc)
		return bad(err, -1, 500, rc, "out of memory");
	if ((rc = validate(ctx, f, idx, &(*recs)[*n], err)))
		return rc;
	(*n)++;
	return GLOVED_OK;
}

int report_parse_body(const report_ctx *ctx, const char *body, size_t len, size_t max_records,
		      ingest_record **out, size_t *n, report_error *err)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	ingest_record *recs = NULL;
	int rc = GLOVED_OK;
	scan s = {body, body + len};
	skip_ws(&s);
	if (s.p == s.end)
		return bad(err, -1, 400, GLOVED_EINVAL,
			   "the body is empty: send a JSON array or NDJSON");
	if (memchr(body, '\0', len))
		return bad(err, -1, 400, GLOVED_EINVAL, "the body contains a NUL byte");
	if (*s.p == '[') {
		s.p++;
		skip_ws(&s);
		long idx = 0;
		if (s.p < s.end && *s.p == ']') {
			s.p++;
		} else {
			for (;;) {
				skip_ws(&s);
				if ((size_t)idx >= max_records) {
					rc = bad(err, -1, 413, GLOVED_ETOOBIG,
						 "more than %zu records in one request",
						 max_records);
					break;
				}
				if ((rc = one(ctx, &s, idx, &recs, n, &cap, err, body, 0)))
					break;
				idx++;
				skip_ws(&s);
				if (s.p < s.end && *s.p == ',') {
					s.p++;
					continue;
				}
				if (s.p < s.end && *s.p == ']') {
					s.p++;
					break;
				}
				rc = bad(err, -1, 400, GLOVED_EINVAL,
					 "malformed JSON near byte %ld", (long)(s.p - body));
				break;
			}
		}
		if (!rc) {
			skip_ws(&s);
			if (s.p != s.end)
				rc = bad(err, -1, 400, GLOVED_EINVAL,
					 "the body must be one JSON array or NDJSON");
		}
	} else {
		long idx = 0;
		while (s.p < s.end && !rc) {
			const char *nl = memchr(s.p, '\n', (size_t)(s.end - s.p));
			scan line = {s.p, nl ? nl : s.end};
			skip_ws(&line);
			if (line.p < line.end) {
				if ((size_t)idx >= max_records) {
					rc = bad(err, -1, 413, GLOVED_ETOOBIG,
						 "more than %zu records in one request",
						 max_records);
					break;
				}
				if ((rc = one(ctx, &line, idx, &recs, n, &cap, err, body, 1)))
					break;
				skip_ws(&line);
				if (line.p != line.end) {
					rc = bad(err, idx, 400, GLOVED_EINVAL,
						 "malformed JSON on line %ld", idx + 1);
					break;
				}
				idx++;
			}
			s.p = nl ? nl + 1 : s.end;
		}
	}
	if (rc) {
		free(recs);
		*n = 0;
		return rc;
	}
	*out = recs;
	return GLOVED_OK;
}
