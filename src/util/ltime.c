/* SPDX-License-Identifier: Apache-2.0 */
/* ltime.c: see ltime.h. Local conversions use localtime_r/mktime with
 * the process TZ, which glibc resolves through the tz database. */
#include "util/ltime.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char zone_name[64] = "Asia/Shanghai";

int64_t ltime_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t ltime_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ltime_set_zone(const char *iana)
{
	if (!iana || !*iana || strlen(iana) >= sizeof zone_name || strstr(iana, ".."))
		return GLOVED_EINVAL;
	char path[160];
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", iana);
	FILE *f = fopen(path, "rb");
	if (!f)
		return GLOVED_EINVAL;
	char magic[4] = {0};
	size_t got = fread(magic, 1, 4, f);
	fclose(f);
	if (got != 4 || memcmp(magic, "TZif", 4) != 0)
		return GLOVED_EINVAL;
	memcpy(zone_name, iana, strlen(iana) + 1);
	setenv("TZ", zone_name, 1);
	tzset();
	return GLOVED_OK;
}

const char *ltime_zone(void)
{
	return zone_name;
}

static int64_t local_midnight(const struct tm *day)
{
	struct tm m = *day;
	m.tm_hour = 0;
	m.tm_min = 0;
	m.tm_sec = 0;
	m.tm_isdst = -1;
	return (int64_t)mktime(&m) * 1000;
}

int64_t ltime_day_start(int64_t ts_ms)
{
	time_t t = (time_t)(ts_ms >= 0 ? ts_ms / 1000 : (ts_ms - 999) / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	return local_midnight(&tm);
}

int64_t ltime_next_day_start(int64_t ts_ms)
{
	time_t t = (time_t)(ts_ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_mday += 1;
	return local_midnight(&tm);
}

void ltime_format_day(int64_t ts_ms, char *out, size_t n)
{
	time_t t = (time_t)(ts_ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d", &tm);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int ltime_parse(const char *s, int64_t *out_ms)
{
	size_t len = strlen(s);
	if (len == 0 || len > 40)
		return GLOVED_EINVAL;
	if (strspn(s, "0123456789") == len) {
		/* at most 18 digits: strtoll would take a longer one as LLONG_MAX */
		if (len > 18)
			return GLOVED_EINVAL;
		char *end = NULL;
		long long v = strtoll(s, &end, 10);
		if (*end || v < 0)
			return GLOVED_EINVAL;
		*out_ms = v;
		return GLOVED_OK;
	}
	int y, mo, d, h = 0, mi = 0, sec = 0;
	if (len < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return GLOVED_EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return GLOVED_EINVAL;
	const char *p = s + 10;
	if (*p == 'T' || *p == ' ') {
		if (strlen(p) < 6 || digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi))
			return GLOVED_EINVAL;
		p += 6;
		if (*p == ':') {
			if (digits(p + 1, 2, &sec))
				return GLOVED_EINVAL;
			p += 3;
		}
		if (h > 23 || mi > 59 || sec > 60)
			return GLOVED_EINVAL;
	}
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (*p == '\0') {
		tm.tm_isdst = -1;
		*out_ms = (int64_t)mktime(&tm) * 1000;
		return GLOVED_OK;
	}
	int off_min = 0;
	if (*p == 'Z' && p[1] == '\0') {
		off_min = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;
		if (digits(p + 1, 2, &oh) || digits(p + 4, 2, &om) || oh > 14 || om > 59)
			return GLOVED_EINVAL;
		off_min = (oh * 60 + om) * (*p == '-' ? -1 : 1);
	} else {
		return GLOVED_EINVAL;
	}
	*out_ms = ((int64_t)timegm(&tm) - (int64_t)off_min * 60) * 1000;
	return GLOVED_OK;
}
