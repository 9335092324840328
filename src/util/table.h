/* SPDX-License-Identifier: Apache-2.0 */
/* table.h: a table of typed cells (text, integers, basis points, money in
 * fen, durations in milliseconds, dates) that the report and analytics
 * endpoints fill row by row and then export as CSV (UTF-8 with a BOM, for
 * Excel) or as an xlsx workbook (via libxlsxwriter) in Chinese or English.
 * The table keeps its own copy of every string; the values stay integers
 * until they are written, so percentages and money are never rounded twice.
 * Formats: docs/internals/table.md. */
#ifndef GLOVED_UTIL_TABLE_H
#define GLOVED_UTIL_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Excel's sheet has 1,048,576 rows; one is the header. A totals row takes
 * one of the data rows. */
#define TABLE_MAX_ROWS ((size_t)1048575)
/* Excel's sheet has 16,384 columns. */
#define TABLE_MAX_COLS ((size_t)16384)
/* The longest string a cell (or a header with its unit) may hold, in bytes;
 * Excel refuses cells over 32,767 characters. */
#define TABLE_MAX_STR ((size_t)32767)

typedef enum table_kind {
	TABLE_TEXT = 0,    /* cell.s (UTF-8), may be NULL = empty */
	TABLE_INT = 1,     /* cell.i as an integer number (xlsx: exact up to 2^53) */
	TABLE_BP = 2,      /* cell.i basis points -> percent with 2 decimals (8338 -> 83.38);
			    * xlsx: number 0.8338 with format 0.00% */
	TABLE_FEN = 3,     /* cell.i money in fen -> yuan with 2 decimals (12345 -> 123.45,
			    * -5 -> -0.05); xlsx: number with format 0.00 */
	TABLE_MINUTES = 4, /* cell.i milliseconds -> minutes with 1 decimal (90000 -> 1.5),
			    * halves rounded away from zero; xlsx: the exact minutes as a
			    * number with format 0.0 */
	TABLE_DATE = 5,    /* cell.s "YYYY-MM-DD" or "YYYY-MM-DD HH:MM", text as given */
} table_kind;

typedef struct table_col {
	const char *zh, *en;           /* header in Chinese / English (UTF-8, not NULL) */
	const char *unit_zh, *unit_en; /* unit in parentheses after the header, NULL for none:
					* "产量(只)" / "Good (piece)" */
	table_kind kind;
} table_col;

typedef struct table_cell {
	int null;      /* 1: empty cell, whatever the kind */
	int64_t i;     /* the value of TABLE_INT, _BP, _FEN, _MINUTES */
	const char *s; /* the value of TABLE_TEXT, _DATE (NULL = empty); copied */
} table_cell;

typedef struct table table; /* opaque */

/* Makes an empty table with ncols (1..TABLE_MAX_COLS) columns described by
 * cols, which is not copied and must outlive the table. Headers must be
 * valid UTF-8 and kinds known. Returns GLOVED_OK and *out (free it with
 * table_free), GLOVED_EINVAL, GLOVED_ETOOBIG or GLOVED_ENOMEM. */
int table_new(const table_col *cols, size_t ncols, table **out);

/* Appends a row of ncols cells. Strings of text and date cells are copied;
 * the other kinds ignore cell.s. Returns GLOVED_OK; GLOVED_EINVAL for a
 * string that is not valid UTF-8; GLOVED_ETOOBIG for a string over
 * TABLE_MAX_STR bytes or a row past TABLE_MAX_ROWS (counting the totals row
 * if set); GLOVED_ENOMEM. The table is unchanged on error. */
int table_add_row(table *t, const table_cell *cells);

/* Sets (or replaces) the totals row, written after the data rows and bold in
 * xlsx. The caller computes it: OEE totals, for one, are not sums. Same
 * copying and errors as table_add_row. */
int table_set_total(table *t, const table_cell *cells);

/* Returns the number of data rows (the totals row not counted). */
size_t table_rows(const table *t);

/* Frees t and its strings; t may be NULL. */
void table_free(table *t);

/* Appends t to out as CSV (RFC 4180: CRLF line ends, fields with , " CR or
 * LF quoted, quotes doubled), UTF-8 with a BOM so that Excel reads Chinese
 * correctly. The header row is in Chinese (lang_en 0) or English; numbers
 * are formatted as described at table_kind, null cells are empty fields.
 * Returns GLOVED_OK, GLOVED_EINVAL, GLOVED_ETOOBIG (out's cap) or
 * GLOVED_ENOMEM; on error out is as it was. */
int table_csv(const table *t, int lang_en, buf *out);

/* Appends t to out as an xlsx workbook with one worksheet named sheet (UTF-8;
 * NULL or empty gives "Sheet1"; the characters []:*?/\ become '_', leading
 * and trailing apostrophes are dropped and the name is cut to Excel's 31
 * characters). The header row is bold and frozen, columns are as wide as
 * their longest cell (CJK characters count as two), numbers are numeric
 * cells with the formats described at table_kind, and the totals row is
 * bold. The workbook is written to a temporary file in $TMPDIR (or /tmp),
 * read back and removed. Returns GLOVED_OK, GLOVED_EINVAL, GLOVED_EIO,
 * GLOVED_ETOOBIG (out's cap) or GLOVED_ENOMEM; on error out is as it was
 * and no file is left behind. */
int table_xlsx(const table *t, int lang_en, const char *sheet, buf *out);

#endif
