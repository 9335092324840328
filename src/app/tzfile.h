/* SPDX-License-Identifier: Apache-2.0 */
/* tzfile.h: loads a zone of the tz database (a TZif file, RFC 8536,
 * versions 1 to 3) into a tz_zone (core/tz.h), the value the time
 * arithmetic in core/ works on. This is the only place time zone data is
 * read; load each firm's zone once, at start or when its configuration
 * changes. */
#ifndef GLOVED_APP_TZFILE_H
#define GLOVED_APP_TZFILE_H

#include <stddef.h>

#include "core/tz.h"

#define TZFILE_DIR       "/usr/share/zoneinfo"
#define TZFILE_MAX_BYTES (256 * 1024) /* larger files are refused */

/* 1 when iana is an acceptable zone name: 1..63 bytes of letters, digits,
 * '_', '-', '+' and '/', not starting with '/', with no "..". */
int tzfile_name_ok(const char *iana);

/* Loads zone `iana` (e.g. "Asia/Shanghai") from dir (NULL: TZFILE_DIR)
 * into *out (caller-owned, not modified on error). Returns 0, or
 * GLOVED_EINVAL (bad name or file content), GLOVED_ENOTFOUND (no such
 * zone), GLOVED_EIO, GLOVED_ETOOBIG; then err (errlen bytes, may be NULL)
 * receives a message. */
int tzfile_load(const char *dir, const char *iana, tz_zone *out, char *err, size_t errlen);

/* Parses TZif content held in memory (len bytes) into *out; name is copied
 * into out->name. Returns and reports like tzfile_load. */
int tzfile_parse(const unsigned char *buf, size_t len, const char *name, tz_zone *out, char *err,
		 size_t errlen);

#endif
