/* SPDX-License-Identifier: Apache-2.0 */
/* reject_log.h: the one rate limit for the log lines of refused input, used
 * by every transport (MQTT JSON topics, Sparkplug B, the Modbus poller): a
 * bad gateway sending a thousand broken messages a second must not fill the
 * log. Per key (an enterprise, an edge node, a device), the first `burst`
 * lines of each interval are written and the rest are counted; the next line
 * written for that key says how many were left out. The clock is the
 * caller's (monotonic milliseconds), so tests drive it with plain numbers.
 * Not thread-safe: the caller serialises (one network thread, or its own
 * mutex). Counting every refusal (metrics, the fleet's errors) is not done
 * here; this only decides which lines reach the log. */
#ifndef GLOVED_INGEST_REJECT_LOG_H
#define GLOVED_INGEST_REJECT_LOG_H

#include <stddef.h>
#include <stdint.h>

/* Keys longer than this (bytes, with the NUL) are compared on their first
 * REJECT_LOG_KEY_MAX - 1 bytes. */
#define REJECT_LOG_KEY_MAX 128

/* The transports' interval: a key logs once a minute at most. */
#define REJECT_LOG_INTERVAL_MS 60000

typedef struct reject_log reject_log;

/* Opens a limiter for `source` (the log prefix, e.g. "mqtt"; copied) with
 * `slots` keys tracked at once (1 for a single key; two keys sharing a slot
 * take it from each other and the evicted key's count is dropped), writing
 * at most `burst` (>= 1) lines per key per `interval_ms` (> 0). Returns NULL
 * on bad arguments or out of memory. Close with reject_log_close(). */
reject_log *reject_log_open(const char *source, size_t slots, int64_t interval_ms, uint32_t burst);

/* Frees the limiter; NULL is fine. */
void reject_log_close(reject_log *l);

/* Decides about one more line for `key` at `now_ms`: returns 1 when it is
 * to be written (then *suppressed, if not NULL, is the number of lines for
 * this key left out since the last one written), 0 when it is counted and
 * left out. An interval starts with the first line written after the
 * previous one ended. A NULL l (a limiter that could not be opened) admits
 * every line. */
int reject_log_admit(reject_log *l, const char *key, int64_t now_ms, uint64_t *suppressed);

/* reject_log_admit(), and when admitted formats the line
 * "<source>: <fmt ...>" with " (and N earlier suppressed)" when N > 0 into
 * buf (cap bytes, truncated to fit). Returns 1 with buf filled, 0 when the
 * line is left out (buf untouched). */
int reject_log_line(reject_log *l, const char *key, int64_t now_ms, char *buf, size_t cap,
		    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* reject_log_line() into a local buffer and log_warn() of the line. */
void reject_log_warn(reject_log *l, const char *key, int64_t now_ms, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
