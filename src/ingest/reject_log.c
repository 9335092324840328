/* SPDX-License-Identifier: Apache-2.0 */
/* reject_log.c: see reject_log.h. A small open-addressed-by-hash table of
 * keys (no probing: a key takes its slot), each with the start of its
 * current interval, the lines written in it and the lines left out since
 * the last one written. */
#include "ingest/reject_log.h"
#include "util/log.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SOURCE_MAX 32
#define LINE_MAX   1024

typedef struct slot {
	char key[REJECT_LOG_KEY_MAX];
	int used;
	int64_t start_ms; /* start of the current interval */
	uint32_t written; /* lines written in it */
	uint64_t suppressed;
} slot;

struct reject_log {
	char source[SOURCE_MAX];
	int64_t interval_ms;
	uint32_t burst;
	size_t n;
	slot *slots;
};

reject_log *reject_log_open(const char *source, size_t slots, int64_t interval_ms, uint32_t burst)
{
	if (!source || slots == 0 || interval_ms <= 0 || burst == 0)
		return NULL;
	reject_log *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->slots = calloc(slots, sizeof *l->slots);
	if (!l->slots) {
		free(l);
		return NULL;
	}
	snprintf(l->source, sizeof l->source, "%s", source);
	l->n = slots;
	l->interval_ms = interval_ms;
	l->burst = burst;
	return l;
}

void reject_log_close(reject_log *l)
{
	if (!l)
		return;
	free(l->slots);
	free(l);
}

static slot *slot_of(reject_log *l, const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const char *p = key; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return &l->slots[h % l->n];
}

int reject_log_admit(reject_log *l, const char *key, int64_t now_ms, uint64_t *suppressed)
{
	if (!l) {
		if (suppressed)
			*suppressed = 0;
		return 1;
	}
	if (!key)
		key = "";
	slot *s = slot_of(l, key);
	if (!s->used || strncmp(s->key, key, sizeof s->key - 1) != 0) {
		memset(s, 0, sizeof *s);
		snprintf(s->key, sizeof s->key, "%s", key);
		s->used = 1;
		s->start_ms = now_ms;
	} else if (now_ms - s->start_ms >= l->interval_ms) {
		s->start_ms = now_ms;
		s->written = 0;
	}
	if (s->written >= l->burst) {
		s->suppressed++;
		return 0;
	}
	s->written++;
	if (suppressed)
		*suppressed = s->suppressed;
	s->suppressed = 0;
	return 1;
}

static int vline(reject_log *l, const char *key, int64_t now_ms, char *buf, size_t cap,
		 const char *fmt, va_list ap)
{
	uint64_t left_out = 0;
	if (!reject_log_admit(l, key, now_ms, &left_out))
		return 0;
	if (cap == 0)
		return 1;
	int n = snprintf(buf, cap, "%s: ", l ? l->source : "ingest");
	size_t used = n > 0 ? (size_t)n : 0;
	if (used < cap) {
		n = vsnprintf(buf + used, cap - used, fmt, ap);
		used += n > 0 ? (size_t)n : 0;
	}
	if (left_out && used < cap)
		snprintf(buf + used, cap - used, " (and %" PRIu64 " earlier suppressed)", left_out);
	return 1;
}

int reject_log_line(reject_log *l, const char *key, int64_t now_ms, char *buf, size_t cap,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vline(l, key, now_ms, buf, cap, fmt, ap);
	va_end(ap);
	return rc;
}

void reject_log_warn(reject_log *l, const char *key, int64_t now_ms, const char *fmt, ...)
{
	char line[LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	int rc = vline(l, key, now_ms, line, sizeof line, fmt, ap);
	va_end(ap);
	if (rc)
		log_warn("%s", line);
}
