/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_http.c: libFuzzer target for gloved's own parsing of what a URL, a
 * query and a form bring over HTTP (issue 15; libmicrohttpd splits the
 * request line and decodes %-escapes, see fuzz_gate.c for the head). The
 * first input byte picks the mode:
 *   0 a query parameter: the router's check (http__param_text_ok) against
 *     a strict UTF-8 decoder written here;
 *   1 a JSON body: the router's NUL check (http__json_has_nul) against a
 *     scanner of JSON strings written here, then the handlers' typed
 *     fields (http__field_text, http__field_int) of the parsed object;
 *   2 a decimal quantity or price (http__parse_fixed) with each caller's
 *     places and maximum, written back (http__fixed_str);
 *   3 a day (tz_day_parse, ?from= ?to= ?day=), a month (?month=,
 *     http__month_parse) and a time (ltime_parse, ?from= of the live
 *     feed);
 *   4 the portal's enquiry form (http__form_parse).
 * Checks besides the sanitizers: the router's checks agree with the
 * references (no NUL, control character or invalid byte gets through, and
 * valid JSON is judged exactly); a field read is NUL-terminated, within its
 * size and UTF-8, an integer within its range, a refusal answered; what
 * parses is written back and parses to the same value (one text, one
 * value: a day as YYYY-MM-DD, a month as YYYY-MM); every form field is
 * named, NUL-terminated and, encoded again, decodes to the same fields.
 * See docs/fuzzing.md. */
#include "fuzz_text.h"
#include "core/tz.h"
#include "http/http_int.h"
#include "util/ltime.h"
#include "util/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A strict UTF-8 decoder from the table of RFC 3629, apart from
 * util/utf8.c: length of the valid sequence at p (at most left bytes) and
 * its code point, or 0. */
static size_t ref_utf8(const unsigned char *p, size_t left, uint32_t *cp)
{
	unsigned c = p[0];
	size_t n;
	unsigned lo = 0x80, hi = 0xbf;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (n > left || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t k = 2; k < n; k++)
		if (p[k] < 0x80 || p[k] > 0xbf)
			return 0;
	uint32_t v = c & (n == 2 ? 0x1fu : n == 3 ? 0x0fu : 0x07u);
	for (size_t k = 1; k < n; k++)
		v = v << 6 | (p[k] & 0x3fu);
	*cp = v;
	return n;
}

/* 1 when the n bytes are UTF-8 text without control characters (newlines
 * too when nl_ok). */
static int ref_text(const char *s, size_t n, int nl_ok)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = ref_utf8(p + i, n - i, &cp);
		if (!k || ((cp < 0x20 || cp == 0x7f) && !(nl_ok && (cp == '\n' || cp == '\r'))))
			return 0;
		i += k;
	}
	return 1;
}

static void param(const char *s, size_t n)
{
	int ok = http__param_text_ok(s, n);
	if (ok != ref_text(s, n, 0))
		abort();
}

static int hexval(int c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* 1 when a JSON string of the text holds \u0000, or the text a NUL byte. */
static int ref_json_nul(const char *s, size_t n)
{
	int in = 0;
	if (memchr(s, '\0', n))
		return 1;
	for (size_t i = 0; i < n; i++) {
		if (!in) {
			in = s[i] == '"';
			continue;
		}
		if (s[i] == '"') {
			in = 0;
		} else if (s[i] == '\\' && i + 1 < n) {
			i++;
			if (s[i] != 'u' || i + 4 >= n)
				continue;
			int v = 0;
			for (int k = 1; k <= 4; k++) {
				int h = hexval(s[i + (size_t)k]);
				v = h < 0 ? -1 : v < 0 ? -1 : v * 16 + h;
			}
			if (v == 0)
				return 1;
			if (v > 0)
				i += 4;
		}
	}
	return 0;
}

static void fields(const cJSON *j)
{
	static const struct {
		const char *key;
		int code;
		size_t cap;
	} texts[] = {{"name", 0, 64}, {"enterprise", 1, 33}, {"note", 0, 200}, {"a", 0, 2}};
	static const struct {
		const char *key;
		int64_t lo, hi;
	} ints[] = {{"pairs", 1, 1000000000},
		    {"n", -5, 5},
		    {"price_fen", 0, INT64_MAX / 2},
		    {"big", INT64_MIN, INT64_MAX}};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		http_req r;
		memset(&r, 0, sizeof r);
		enum MHD_Result ret = MHD_YES;
		char dst[200];
		memset(dst, 'x', sizeof dst);
		int required = (int)(i & 1);
		if (http__field_text(&r, j, texts[i].key, required, texts[i].code, dst,
				     texts[i].cap, &ret)) {
			if (!r.done)
				abort(); /* a refusal is answered */
			continue;
		}
		size_t len = strnlen(dst, texts[i].cap);
		if (len == texts[i].cap || r.done || !ref_text(dst, len, 0) || (required && !len))
			abort();
	}
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		http_req r;
		memset(&r, 0, sizeof r);
		enum MHD_Result ret = MHD_YES;
		int64_t v = 0;
		if (http__field_int(&r, j, ints[i].key, ints[i].lo, ints[i].hi, 7, &v, &ret)) {
			if (!r.done)
				abort();
			continue;
		}
		if (r.done || ((v < ints[i].lo || v > ints[i].hi) && v != 7))
			abort();
	}
}

static void body(const char *s, size_t n)
{
	int has = http__json_has_nul(s, n);
	int ref = ref_json_nul(s, n);
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(s, n, &end, 0);
	/* valid JSON: the whole text (cJSON takes a prefix and leaves the rest) */
	int whole = j && end && strspn(end, " \t\r\n") == (size_t)(s + n - end);
	/* never a NUL let through; on valid JSON, the very same verdict */
	if ((ref && !has) || (whole && has != ref))
		abort();
	if (j && cJSON_IsObject(j) && !has)
		fields(j);
	cJSON_Delete(j);
}

static void fixed(const char *s, const uint8_t *d, size_t n)
{
	/* the callers' places and maxima (api_cluster, api_coop, api_quality) */
	static const struct {
		int places;
		int64_t max;
	} uses[] = {{0, INT64_MAX / 10},     {0, 1000000000},         {2, 100000000},
		    {3, 1000000000000000LL}, {4, 1000000000000000LL}, {6, 1000000000000000LL}};
	for (size_t i = 0; i < sizeof uses / sizeof uses[0]; i++) {
		int64_t v = -1;
		if (http__parse_fixed(s, uses[i].places, uses[i].max, &v))
			continue;
		if (v < 0 || v > uses[i].max)
			abort();
		char text[48], again[48];
		http__fixed_str(v, uses[i].places, text, sizeof text);
		int64_t w = -1;
		if (http__parse_fixed(text, uses[i].places, uses[i].max, &w) || w != v)
			abort();
		http__fixed_str(w, uses[i].places, again, sizeof again);
		if (strcmp(text, again) != 0)
			abort();
	}
	/* any value written with any places fits and reads back */
	if (n >= 9) {
		uint64_t u = 0;
		for (int k = 0; k < 8; k++)
			u = u << 8 | d[k];
		int64_t v = (int64_t)u;
		int places = d[8] % 20;
		char text[48];
		memset(text, 'x', sizeof text);
		http__fixed_str(v, places, text, sizeof text);
		if (!memchr(text, '\0', sizeof text))
			abort();
		int p = places > 18 ? 18 : places;
		int64_t w = -1;
		if (v >= 0 && v <= INT64_MAX / 10 &&
		    http__parse_fixed(text, p, INT64_MAX / 10, &w) == 0 && w != v)
			abort();
		if (v >= 0 && v <= 1000000000000000LL && p <= 3 &&
		    (http__parse_fixed(text, p, 1000000000000000LL, &w) || w != v))
			abort();
	}
}

static void dates(const char *s)
{
	int32_t day;
	if (tz_day_parse(s, &day) == 0) {
		char out[16];
		tz_day_format(day, out);
		if (strcmp(out, s) != 0)
			abort(); /* one day, one spelling */
		tz_date dt;
		if (tz_date_parse(s, &dt) || !tz_date_valid(dt) || tz_days_from_civil(dt) != day)
			abort();
	}
	int32_t m;
	if (http__month_parse(s, &m) == 0) {
		if (m / 100 < 2000 || m / 100 > 2099 || m % 100 < 1 || m % 100 > 12)
			abort();
		char a[16], b[16];
		int32_t m2 = 0, m3 = 0;
		snprintf(a, sizeof a, "%04d-%02d", m / 100, m % 100);
		snprintf(b, sizeof b, "%04d%02d", m / 100, m % 100);
		if (http__month_parse(a, &m2) || m2 != m || http__month_parse(b, &m3) || m3 != m ||
		    (strcmp(s, a) != 0 && strcmp(s, b) != 0))
			abort();
	}
	int64_t ms;
	if (ltime_parse(s, &ms) == 0) {
		size_t k = 0;
		while (s[k] >= '0' && s[k] <= '9')
			k++;
		if (k && !s[k]) {
			char back[32];
			snprintf(back, sizeof back, "%lld", (long long)ms);
			if (strcmp(back, s) != 0 && s[0] != '0')
				abort(); /* Unix ms are themselves */
		}
	}
}

static void form_encode(buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9'))
			buf_append(b, p, 1);
		else if (*p == ' ')
			buf_puts(b, "+");
		else
			buf_printf(b, "%%%02X", (unsigned)*p);
	}
}

static void form(const char *s, size_t n)
{
	enum { MAX = 16 };
	http_form_field *f = calloc(MAX, sizeof *f), *g = calloc(MAX, sizeof *g);
	size_t nf = 0, ng = 0;
	if (!f || !g)
		goto out;
	if (http__form_parse(s, n, f, MAX, &nf))
		goto out;
	if (nf > MAX)
		abort();
	buf b;
	buf_init(&b, 1u << 20);
	for (size_t i = 0; i < nf; i++) {
		size_t kl = strnlen(f[i].key, sizeof f[i].key),
		       vl = strnlen(f[i].val, sizeof f[i].val);
		if (!kl || kl == sizeof f[i].key || vl == sizeof f[i].val ||
		    !ref_text(f[i].key, kl, 1) || !ref_text(f[i].val, vl, 1))
			abort();
		if (i)
			buf_puts(&b, "&");
		form_encode(&b, f[i].key);
		buf_puts(&b, "=");
		form_encode(&b, f[i].val);
	}
	if (http__form_parse(b.data ? b.data : "", b.len, g, MAX, &ng) || ng != nf)
		abort();
	for (size_t i = 0; i < nf; i++)
		if (strcmp(f[i].key, g[i].key) != 0 || strcmp(f[i].val, g[i].val) != 0)
			abort();
	buf_free(&b);
out:
	free(f);
	free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned mode;
	char *s = fuzz_split(&data, &size, 16384, 5, &mode);
	if (!s)
		return 0;
	switch (mode) {
	case 0:
		param(s, size);
		break;
	case 1:
		body(s, size);
		break;
	case 2:
		fixed(s, data, size);
		break;
	case 3:
		dates(s);
		break;
	default:
		form(s, size);
		break;
	}
	free(s);
	return 0;
}
