/* SPDX-License-Identifier: Apache-2.0 */
/* store_raw_test.h: what the store tests of one capability share with
 * store_pg_test.h's two backends: the database of the test (a file in /tmp
 * for SQLite, $GLOVED_TEST_PG for PostgreSQL, emptied before and after
 * each test), a write connection on it, a firm, and raw SQL of fixed text
 * on a connection of its own (rows of tables whose capability is another's,
 * such as the shift rollups or labels, so that a test needs nothing but the
 * capability it tests; the same text runs on both backends). */
#ifndef GLOVED_TEST_STORE_RAW_TEST_H
#define GLOVED_TEST_STORE_RAW_TEST_H

#include "store/store.h"
#include "store_pg_test.h"
#include "util/err.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char path[512];

static void rm_db(void)
{
	if (pg_mode) {
		assert_int_equal(store__pg_reset(path), 0);
		return;
	}
	static const char *const tails[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
		char p[600];
		snprintf(p, sizeof p, "%s%s", path, tails[i]);
		unlink(p);
	}
}

static int setup(void **state)
{
	if (pg_mode)
		snprintf(path, sizeof path, "%s", pg_uri);
	else
		snprintf(path, sizeof path, "/tmp/gloved-test-%s-%d.db", STORE_RAW_TEST_NAME,
			 (int)getpid());
	rm_db();
	store *db = NULL;
	store_options o = {0};
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	rm_db();
	return 0;
}

/* Runs sql (fixed text, several statements allowed) on the test's
 * database through a connection of its own; fails the test on an error. */
static inline void raw_exec(const char *sql)
{
	if (pg_mode) {
		PGconn *c = PQconnectdb(path);
		assert_int_equal(PQstatus(c), CONNECTION_OK);
		PGresult *r = PQexec(c, sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fprintf(stderr, "raw_exec: %s", PQerrorMessage(c));
		assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
		PQclear(r);
		PQfinish(c);
		return;
	}
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		fprintf(stderr, "raw_exec: %s\n", err ? err : "?");
	sqlite3_free(err);
	assert_int_equal(rc, SQLITE_OK);
	sqlite3_close(db);
}

static inline int64_t add_firm(store *db, const char *code, const char *town)
{
	store_enterprise e;
	memset(&e, 0, sizeof e);
	snprintf(e.code, sizeof e.code, "%s", code);
	snprintf(e.name, sizeof e.name, "firm %s", code);
	snprintf(e.town, sizeof e.town, "%s", town);
	assert_int_equal(store_enterprise_add(db, (store_scope){0}, &e), GLOVED_OK);
	return e.id;
}

static inline store_scope firm_scope(int64_t enterprise_id)
{
	store_scope sc = {.enterprise_id = enterprise_id};
	return sc;
}

static inline store_scope town_scope(const char *town)
{
	store_scope sc = {.aggregates = 1};
	snprintf(sc.town, sizeof sc.town, "%s", town);
	return sc;
}

#endif
