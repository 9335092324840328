/* SPDX-License-Identifier: Apache-2.0 */
/* log.h: leveled logging to stderr with a local timestamp. Thread-safe
 * (one write(2) per line). A noisy source (a bad gateway) is rate-limited
 * above this, by ingest/reject_log.h. */
#ifndef GLOVED_UTIL_LOG_H
#define GLOVED_UTIL_LOG_H

#include <stdint.h>

typedef enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

/* Sets the lowest level written. */
void log_set_level(log_level lvl);
/* Parses "debug|info|warn|error"; returns 0 or -1. */
int log_parse_level(const char *s, log_level *out);
void log_msg(log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
