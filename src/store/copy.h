/* SPDX-License-Identifier: Apache-2.0 */
/* copy.h: a whole database copied into another backend's empty database
 * (`gloved admin copy`: an embedded SQLite deployment moved to
 * PostgreSQL), verified on both sides before it is committed. Built on the
 * catalogue calls of bulk.h, so every table of the schema is copied and a
 * table one side lacks stops the copy. */
#ifndef GLOVED_STORE_COPY_H
#define GLOVED_STORE_COPY_H

#include "store/bulk.h"

#include <stddef.h>
#include <stdint.h>

/* One table as found on both sides after the copy. */
typedef struct store_copy_table {
	char name[STORE_BULK_NAME];
	int64_t rows_from, rows_to;      /* count(*) on each side */
	int64_t read_from, read_to;      /* rows read on each side */
	uint64_t digest_from, digest_to; /* of every row's values, in any order */
} store_copy_table;

/* A sum that matters (pieces, pairs), on both sides. */
typedef struct store_copy_total {
	const char *table, *column; /* static text */
	int64_t from, to;
} store_copy_total;

#define STORE_COPY_TOTALS 16

typedef struct store_copy_report {
	store_copy_table *tables; /* malloc'd, in the order copied; store_copy_report_free */
	size_t n_tables;
	int64_t rows; /* rows copied */
	store_copy_total totals[STORE_COPY_TOTALS];
	size_t n_totals;
	int mismatch;  /* 1: the two sides differ (the copy was rolled back) */
	char err[512]; /* why the copy failed */
} store_copy_report;

/* Copies every table of `from` into `to` and verifies the result:
 *
 * - both schemas must be the same version and have the same tables with
 *   the same columns (by name; each of a kind bulk.h knows), else
 *   GLOVED_EINVAL;
 * - `to` must hold no rows in any table but those its own migrations seed
 *   (meta: replaced by the source's), else GLOVED_EEXIST naming the table;
 * - the rows go in one transaction of `to` (store_begin), tables in the
 *   order of their foreign keys, with their ids; `from` is read in one
 *   snapshot (store_read_begin);
 * - before the commit each table is counted and read back on both sides:
 *   the counts and a digest of every row's values must agree, and so must
 *   the totals of report->totals (pieces in samples and every rollup, pairs
 *   of bundles, scans, labels...); else report->mismatch is 1, the copy is
 *   rolled back and GLOVED_EDB returned;
 * - identities are set past the largest id copied, so later inserts on
 *   `to` do not collide.
 *
 * The caller keeps daemons off both databases. report is filled in every
 * case (err says why on an error); free it with store_copy_report_free.
 * Returns GLOVED_OK when the copy is committed. */
int store_copy(store *from, store *to, store_copy_report *report);
/* Frees what store_copy allocated in report; NULL is fine. */
void store_copy_report_free(store_copy_report *report);

#endif
