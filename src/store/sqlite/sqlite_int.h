/* sqlite_int.h: shared between the SQLite backend's files. */
#ifndef GLOVED_STORE_SQLITE_INT_H
#define GLOVED_STORE_SQLITE_INT_H

#include "store/store_int.h"

#include <sqlite3.h>
#include <stddef.h>

/* Runs sql; on error writes the message to err. */
int sqlite__exec(sqlite3 *db, const char *sql, char *err, size_t errlen);
/* Brings the schema to the newest version, one transaction per step. */
int sqlite__migrate(sqlite3 *db, char *err, size_t errlen);
int sqlite__user_version(sqlite3 *db, int *out);

#endif
