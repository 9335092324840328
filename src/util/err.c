/* SPDX-License-Identifier: Apache-2.0 */
/* err.c: descriptions of the gloved_err codes, a table indexed by code. */
#include "util/err.h"

static const char *const messages[] = {
    "ok",
    "out of memory",
    "invalid argument",
    "not found",
    "already exists",
    "input/output error",
    "database error",
    "not permitted",
    "too large",
    "busy",
    "shutting down",
    "authentication failed",
    "not supported by this store backend",
    "another gloved took over the database",
};

const char *gloved_strerror(int rc)
{
	int idx = -rc;
	if (idx < 0 || idx >= (int)(sizeof messages / sizeof messages[0]))
		return "unknown error";
	return messages[idx];
}
