/* SPDX-License-Identifier: Apache-2.0 */
/* buf.h: a growable byte buffer with a hard size cap, for text we build
 * (JSON, metrics, SSE frames) and bodies we receive. Appends past the cap
 * fail with GLOVED_ETOOBIG and leave the buffer as it was. */
#ifndef GLOVED_UTIL_BUF_H
#define GLOVED_UTIL_BUF_H

#include <stddef.h>

typedef struct buf {
	char *data; /* NUL-terminated when len > 0; owned by the buf */
	size_t len;
	size_t cap;
	size_t max; /* 0 = 64 MiB */
} buf;

/* Initialises b empty with the given cap (0 for the default). */
void buf_init(buf *b, size_t max);
/* Frees the memory; b may be reused after buf_init. */
void buf_free(buf *b);
void buf_reset(buf *b);
int buf_append(buf *b, const void *p, size_t n);
int buf_puts(buf *b, const char *s);
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Takes the data out (caller frees it with free()); b becomes empty. */
char *buf_steal(buf *b);

#endif
