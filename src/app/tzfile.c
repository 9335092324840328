/* SPDX-License-Identifier: Apache-2.0 */
/* tzfile.c: the TZif reader (see tzfile.h). A v2+ file carries the data
 * twice, with 32- and then 64-bit times, followed by a POSIX TZ footer;
 * we skip the 32-bit block and keep the 64-bit one and the footer. Every
 * count is checked against the bytes actually present before use. */
#include "app/tzfile.h"
#include "util/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int tzfile_name_ok(const char *iana)
{
	size_t n;
	if (iana == NULL || iana[0] == '\0' || iana[0] == '/' || strstr(iana, "..") != NULL)
		return 0;
	n = strlen(iana);
	if (n >= TZ_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = iana[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '+' || c == '/'))
			return 0;
	}
	return 1;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | (uint64_t)be32(p + 4));
}

typedef struct tzif_hdr {
	int version; /* 0 for v1, else '2', '3', ... */
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} tzif_hdr;

static int read_hdr(const unsigned char *p, size_t len, tzif_hdr *h)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	h->version = p[4];
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	return 0;
}

/* Size of the data block after a header, for time size ts (4 or 8). */
static uint64_t block_len(const tzif_hdr *h, uint64_t ts)
{
	return (uint64_t)h->timecnt * ts + h->timecnt + (uint64_t)h->typecnt * 6 + h->charcnt +
	       (uint64_t)h->leapcnt * (ts + 4) + h->isstdcnt + h->isutcnt;
}

int tzfile_parse(const unsigned char *buf, size_t len, const char *name, tz_zone *out, char *err,
		 size_t errlen)
{
	int rc = GLOVED_EINVAL;
	tz_zone *z = NULL;
	tzif_hdr h;
	size_t pos = 0, ts = 4;
	const unsigned char *times, *idx, *types;

	z = malloc(sizeof(*z));
	if (z == NULL) {
		rc = GLOVED_ENOMEM;
		set_err(err, errlen, "out of memory");
		goto out;
	}
	if (read_hdr(buf, len, &h) != 0) {
		set_err(err, errlen, "%s: not a TZif file (at byte 0)", name);
		goto out;
	}
	if (h.version != 0) {
		/* skip the v1 block to the 64-bit header */
		uint64_t skip = 44 + block_len(&h, 4);
		if (skip > len || read_hdr(buf + skip, len - (size_t)skip, &h) != 0) {
			set_err(err, errlen, "%s: bad second header (at byte %llu)", name,
				(unsigned long long)skip);
			goto out;
		}
		pos = (size_t)skip;
		ts = 8;
	}
	pos += 44;
	if (h.typecnt == 0 || h.typecnt > 256 || h.leapcnt != 0 || block_len(&h, ts) > len - pos) {
		set_err(err, errlen, "%s: bad counts or leap seconds (header at byte %zu)", name,
			pos - 44);
		goto out;
	}
	if (h.timecnt > TZ_MAX_TRANS) {
		rc = GLOVED_ETOOBIG;
		set_err(err, errlen, "%s: %u transitions, at most %d", name, h.timecnt,
			TZ_MAX_TRANS);
		goto out;
	}
	times = buf + pos;
	idx = times + (size_t)h.timecnt * ts;
	types = idx + h.timecnt;
	memset(z, 0, sizeof(*z));
	tz_zone_fixed(z, name, (int32_t)be32(types)); /* RFC 8536: type 0 before the first */
	for (uint32_t i = 0; i < h.timecnt; i++) {
		int64_t t = ts == 8 ? be64(times + (size_t)i * 8)
				    : (int64_t)(int32_t)be32(times + (size_t)i * 4);
		if (idx[i] >= h.typecnt || (i > 0 && t <= z->trans_s[i - 1])) {
			set_err(err, errlen, "%s: bad transition %u (at byte %zu)", name, i,
				(size_t)(times - buf) + (size_t)i * ts);
			goto out;
		}
		z->trans_s[i] = t;
		z->off_s[i] = (int32_t)be32(types + (size_t)idx[i] * 6);
	}
	z->n_trans = (int32_t)h.timecnt;
	pos += (size_t)block_len(&h, ts);
	if (ts == 8 && pos < len) {
		/* footer: "\n" TZ "\n" */
		char rule[128];
		size_t start = pos + 1, end = start, err_at = 0;
		if (buf[pos] != '\n') {
			set_err(err, errlen, "%s: bad footer (at byte %zu)", name, pos);
			goto out;
		}
		while (end < len && buf[end] != '\n')
			end++;
		if (end >= len || end - start >= sizeof(rule)) {
			set_err(err, errlen, "%s: bad footer (at byte %zu)", name, pos);
			goto out;
		}
		memcpy(rule, buf + start, end - start);
		rule[end - start] = '\0';
		if (rule[0] != '\0') {
			if (tz_rule_parse(rule, &z->rule, &err_at) != 0) {
				set_err(err, errlen, "%s: bad TZ rule \"%s\" (at char %zu)", name,
					rule, err_at);
				goto out;
			}
			z->has_rule = 1;
		}
	}
	*out = *z;
	rc = GLOVED_OK;
out:
	free(z);
	return rc;
}

int tzfile_load(const char *dir, const char *iana, tz_zone *out, char *err, size_t errlen)
{
	int rc = GLOVED_EINVAL;
	char path[512];
	FILE *f = NULL;
	unsigned char *buf = NULL;
	size_t n = 0;

	if (!tzfile_name_ok(iana)) {
		set_err(err, errlen, "bad time zone name");
		goto out;
	}
	if (dir == NULL)
		dir = TZFILE_DIR;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, iana) >= sizeof(path)) {
		set_err(err, errlen, "time zone path too long");
		goto out;
	}
	buf = malloc(TZFILE_MAX_BYTES + 1);
	if (buf == NULL) {
		rc = GLOVED_ENOMEM;
		set_err(err, errlen, "out of memory");
		goto out;
	}
	f = fopen(path, "rb");
	if (f == NULL) {
		rc = errno == ENOENT || errno == ENOTDIR ? GLOVED_ENOTFOUND : GLOVED_EIO;
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	n = fread(buf, 1, TZFILE_MAX_BYTES + 1, f);
	if (ferror(f)) {
		rc = GLOVED_EIO;
		set_err(err, errlen, "%s: read error", path);
		goto out;
	}
	if (n > TZFILE_MAX_BYTES) {
		rc = GLOVED_ETOOBIG;
		set_err(err, errlen, "%s: larger than %d bytes", path, TZFILE_MAX_BYTES);
		goto out;
	}
	rc = tzfile_parse(buf, n, iana, out, err, errlen);
out:
	if (f != NULL)
		fclose(f);
	free(buf);
	return rc;
}
