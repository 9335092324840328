/* SPDX-License-Identifier: Apache-2.0 */
/* log.c: see log.h. Lines look like
 * "2026-11-29 08:00:00.123 INFO message". */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile log_level min_level = LOG_INFO;

void log_set_level(log_level lvl)
{
	min_level = lvl;
}

int log_parse_level(const char *s, log_level *out)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};
	for (int i = 0; i < 4; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (log_level)i;
			return 0;
		}
	}
	return -1;
}

void log_msg(log_level lvl, const char *fmt, ...)
{
	static const char *const tags[] = {"DEBUG", "INFO", "WARN", "ERROR"};
	if (lvl < min_level)
		return;
	char line[2048];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(line, sizeof line, "%Y-%m-%d %H:%M:%S", &tm);
	int k = snprintf(line + n, sizeof line - n, ".%03ld %s ", ts.tv_nsec / 1000000L, tags[lvl]);
	if (k > 0)
		n += (size_t)k;
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
	va_end(ap);
	if (m > 0)
		n += (size_t)m < sizeof line - n - 1 ? (size_t)m : sizeof line - n - 2;
	line[n++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, n);
	(void)w;
}
