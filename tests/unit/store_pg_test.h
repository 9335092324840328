/* SPDX-License-Identifier: Apache-2.0 */
/* store_pg_test.h: how a store unit test picks its backend. Without
 * arguments it tests SQLite; with --pg (CTest's unit/<test>_pg variant) it
 * tests PostgreSQL on the database of $GLOVED_TEST_PG, which
 * `scripts/pg.sh run` (make test, make unit) starts and exports. Without
 * the variable the --pg run fails when GLOVED_TEST_PG_REQUIRED is set (so
 * make test can never pass by skipping it) and otherwise exits 77, which
 * CTest reports as skipped (a run by hand without a server). */
#ifndef GLOVED_TEST_STORE_PG_TEST_H
#define GLOVED_TEST_STORE_PG_TEST_H

#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int pg_mode;
static int pg_shared; /* --pg --shared: writers as with [store] instances = several */
static const char *pg_uri = "";

static void store_pg_test_mode(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--pg") != 0)
		return;
	pg_mode = 1;
	pg_shared = argc > 2 && strcmp(argv[2], "--shared") == 0;
	const char *uri = getenv("GLOVED_TEST_PG");
	if (uri && *uri) {
		pg_uri = uri;
		return;
	}
	const char *req = getenv("GLOVED_TEST_PG_REQUIRED");
	if (req && *req && strcmp(req, "0") != 0) {
		fprintf(stderr,
			"%s --pg: GLOVED_TEST_PG is not set but required"
			" (run under scripts/pg.sh run)\n",
			argv[0]);
		exit(1);
	}
	printf("%s --pg: skipped, GLOVED_TEST_PG is not set (scripts/pg.sh run ...)\n", argv[0]);
	exit(77);
}

#endif
