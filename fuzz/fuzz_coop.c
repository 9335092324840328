/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_coop.c: libFuzzer target for the cooperation parsers (issue 13):
 * a firm's capability profile (app/coop.c coop_profile_parse) and a
 * cooperative order's need (coop_need_parse), the first input byte choosing
 * which. Besides the sanitizers it checks the contracts: what parses is
 * written back (coop_profile_json, coop_need_json) as JSON that parses to
 * the very same fields, every list stays within its bounds and NUL-
 * terminated, and a refusal always names the field. See docs/fuzzing.md. */
#include "app/coop.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void profile(const char *s, size_t n)
{
	coop_profile a, b;
	char msg[200] = "", json[8192];
	if (coop_profile_parse(s, n, &a, msg, sizeof msg)) {
		if (!msg[0] || !strchr(msg, ':'))
			abort();
		return;
	}
	if (a.n_gauges > COOP_LIST_MAX || a.n_compounds > COOP_LIST_MAX ||
	    a.n_operations > COOP_LIST_MAX || a.n_certifications > COOP_LIST_MAX ||
	    !(a.sewn || a.knitted || a.dipped) || strnlen(a.note, sizeof a.note) >= sizeof a.note)
		abort();
	if (coop_profile_json(&a, json, sizeof json) ||
	    coop_profile_parse(json, strlen(json), &b, msg, sizeof msg) ||
	    memcmp(&a, &b, sizeof a) != 0)
		abort();
}

static void need(const char *s, size_t n)
{
	coop_need a, b;
	char msg[200] = "", json[4096];
	if (coop_need_parse(s, n, &a, msg, sizeof msg)) {
		if (!msg[0])
			abort();
		return;
	}
	if (!a.family[0] || a.n_operations > COOP_LIST_MAX || a.n_certifications > COOP_LIST_MAX)
		abort();
	if (coop_need_json(&a, json, sizeof json) ||
	    coop_need_parse(json, strlen(json), &b, msg, sizeof msg) ||
	    memcmp(&a, &b, sizeof a) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	/* a copy: the parsers take a length, the copy proves they respect it */
	char *s = malloc(size - 1 ? size - 1 : 1);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	if (data[0] & 1)
		need(s, size - 1);
	else
		profile(s, size - 1);
	free(s);
	return 0;
}
