/* SPDX-License-Identifier: Apache-2.0 */
/* state.c: see state.h. */
#include "core/state.h"

#include <string.h>

static const char *const names[] = {"unknown", "run",   "idle", "stop",
				    "fault",   "setup", "off",  "offline"};

int state_parse(const char *s)
{
	for (int i = MS_RUN; i <= MS_OFF; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

const char *state_name(int st)
{
	if (st < 0 || st > MS_OFFLINE)
		return "unknown";
	return names[st];
}

int state_effective(int st, int64_t last_ts, int64_t now_ms, int64_t offline_ms)
{
	if (st == MS_OFFLINE)
		return MS_OFFLINE;
	if (st == MS_UNKNOWN || last_ts == 0)
		return MS_UNKNOWN;
	if (now_ms - last_ts > offline_ms)
		return MS_OFFLINE;
	return st;
}
