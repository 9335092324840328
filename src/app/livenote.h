/* SPDX-License-Identifier: Apache-2.0 */
/* livenote.h: the live state between several gloved instances on one
 * database (docs/design.md, "Several instances"). A writer sends, with
 * each commit, the live entries of the machines it changed (store_notify:
 * PostgreSQL NOTIFY, delivered in commit order); every instance listens on
 * its own connection and merges the entries of the others into its live
 * state (live_update, ordered by the machines' revisions), so the wall and
 * the live feed of any instance show every machine. The same channel
 * carries "a firm's calendar changed" (the calendar caches forget it), and
 * the listener refreshes the registry when its revision moved.
 *
 * A note is "L <instance> <entry>;<entry>;..." or "C <firm id>". An entry
 * is id,rev,state,since,last,count,reject,good_today,reject_today,
 * today_start,reason in hex. */
#ifndef GLOVED_APP_LIVENOTE_H
#define GLOVED_APP_LIVENOTE_H

#include "app/firmcal.h"
#include "app/live.h"
#include "app/registry.h"
#include "store/store.h"

#include <stddef.h>

/* Appends m's entry to note (cap bytes, NUL-terminated): the bytes
 * written, or 0 when it does not fit (note unchanged). */
size_t livenote_put(char *note, size_t cap, const live_machine *m);

/* Reads note into its entries: *out (malloc'd) and *n, the sender into
 * sender (16 bytes). GLOVED_EINVAL for a note that is not an L note or is
 * malformed (nothing returned). */
int livenote_parse(const char *note, char sender[16], live_machine **out, size_t *n);

typedef struct livenote livenote;

/* Starts the listener thread on ldb (it takes the connection over and
 * closes it in livenote_stop); self is this instance's id (its own notes
 * are skipped). */
int livenote_start(store *ldb, live *lv, registry *reg, firmcal_cache *cals, const char *self,
		   livenote **out);
void livenote_stop(livenote *n);

#endif
