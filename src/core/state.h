/* SPDX-License-Identifier: Apache-2.0 */
/* state.h: machine states and the small rules about them. Pure logic. */
#ifndef GLOVED_CORE_STATE_H
#define GLOVED_CORE_STATE_H

#include <stdint.h>

/* Values are stored in the database: append only, never renumber. */
typedef enum machine_state {
	MS_UNKNOWN = 0, /* never reported */
	MS_RUN = 1,
	MS_IDLE = 2,
	MS_STOP = 3,
	MS_FAULT = 4,
	MS_SETUP = 5,
	MS_OFF = 6,
	MS_OFFLINE = 7, /* derived: silent longer than the offline timeout */
} machine_state;

/* Parses a reported state ("run", "idle", "stop", "fault", "setup", "off");
 * returns the state or -1 (unknown, offline are not reportable). */
int state_parse(const char *s);
/* English name of a state, static. */
const char *state_name(int st);
/* The state to show now: offline when the source said so (st is
 * MS_OFFLINE) or when last_ts is older than offline_ms. */
int state_effective(int st, int64_t last_ts, int64_t now_ms, int64_t offline_ms);

#endif
