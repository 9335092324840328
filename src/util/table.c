/* SPDX-License-Identifier: Apache-2.0 */
/* table.c: see table.h. Rows are kept as one array of cells (ncols per row)
 * with the strings copied; CSV is written straight into the caller's buf,
 * xlsx through libxlsxwriter, which (in 1.1.4) can only write to a named
 * file, so the workbook goes to a mkstemp file that is read back and
 * unlinked on every path. */
#include <xlsxwriter.h>

#include "util/table.h"
#include "util/utf8.h"
#include "util/err.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct table {
	const table_col *cols;
	size_t ncols;
	size_t nrows, caprows;
	table_cell *cells; /* nrows * ncols; s owned (NULL if none) */
	table_cell *total; /* ncols cells or NULL */
};

/* Excel's column width is in characters of the default font; beyond these
 * bounds a column is either unreadable or a screen wide. */
#define WIDTH_MIN     8
#define WIDTH_MAX     80
#define SHEETNAME_MAX 31 /* Excel counts UTF-16 code units */
#define NUM_MAX       32 /* longest formatted number, sign and NUL included */

/* GLOVED_OK if s is valid UTF-8 of at most TABLE_MAX_STR bytes. */
static int check_str(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t n = utf8_next(p, &cp);
		if (!n)
			return GLOVED_EINVAL;
		p += n;
		if ((size_t)(p - (const unsigned char *)s) > TABLE_MAX_STR)
			return GLOVED_ETOOBIG;
	}
	return GLOVED_OK;
}

/* East Asian wide and fullwidth characters take two columns. */
static int cp_wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	       (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	       (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	       (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
}

/* Display width of valid UTF-8 s. */
static size_t str_width(const char *s)
{
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp = '?';
		size_t n = utf8_next(p, &cp);
		if (!n)
			n = 1;
		w += cp_wide(cp) ? 2 : 1;
		p += n;
	}
	return w;
}

static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
}

/* v / 100 with two decimals, exact: basis points to percent, fen to yuan. */
static void fmt_hundredths(int64_t v, char *out, size_t n)
{
	uint64_t m = magnitude(v);
	snprintf(out, n, "%s%" PRIu64 ".%02" PRIu64, v < 0 ? "-" : "", m / 100, m % 100);
}

/* Milliseconds to minutes with one decimal, halves away from zero. */
static void fmt_minutes(int64_t ms, char *out, size_t n)
{
	uint64_t tenths = (magnitude(ms) + 3000) / 6000;
	snprintf(out, n, "%s%" PRIu64 ".%" PRIu64, ms < 0 && tenths ? "-" : "", tenths / 10,
		 tenths % 10);
}

/* The text of a cell as CSV shows it: a string of the table, or num filled
 * in. Never NULL. */
static const char *cell_text(table_kind kind, const table_cell *v, char num[NUM_MAX])
{
	if (v->null)
		return "";
	switch (kind) {
	case TABLE_TEXT:
	case TABLE_DATE:
		return v->s ? v->s : "";
	case TABLE_INT:
		snprintf(num, NUM_MAX, "%" PRId64, v->i);
		return num;
	case TABLE_BP:
		fmt_hundredths(v->i, num, NUM_MAX);
		return num;
	case TABLE_FEN:
		fmt_hundredths(v->i, num, NUM_MAX);
		return num;
	case TABLE_MINUTES:
		fmt_minutes(v->i, num, NUM_MAX);
		return num;
	}
	return "";
}

/* Appends the header of c ("产量(只)", "Good (piece)") to b. */
static int header_text(const table_col *c, int lang_en, buf *b)
{
	const char *name = lang_en ? c->en : c->zh;
	const char *suffix = lang_en ? c->unit_en : c->unit_zh;
	if (!suffix)
		return buf_puts(b, name);
	return buf_printf(b, lang_en ? "%s (%s)" : "%s(%s)", name, suffix);
}

static int is_string_kind(table_kind k)
{
	return k == TABLE_TEXT || k == TABLE_DATE;
}

static void free_cells(const table *t, table_cell *cells)
{
	for (size_t c = 0; c < t->ncols; c++) {
		free((char *)cells[c].s);
		cells[c].s = NULL;
	}
}

/* Copies src into dst (ncols cells), strings duplicated; dst untouched on
 * error. */
static int copy_cells(const table *t, const table_cell *src, table_cell *dst)
{
	int rc = GLOVED_EINVAL;
	for (size_t c = 0; c < t->ncols; c++) {
		if (is_string_kind(t->cols[c].kind) && !src[c].null && src[c].s) {
			rc = check_str(src[c].s);
			if (rc)
				return rc;
		}
	}
	for (size_t c = 0; c < t->ncols; c++) {
		dst[c].null = src[c].null ? 1 : 0;
		dst[c].i = src[c].i;
		dst[c].s = NULL;
		if (is_string_kind(t->cols[c].kind) && !src[c].null && src[c].s) {
			dst[c].s = strdup(src[c].s);
			if (!dst[c].s) {
				for (size_t k = 0; k < c; k++) {
					free((char *)dst[k].s);
					dst[k].s = NULL;
				}
				return GLOVED_ENOMEM;
			}
		}
	}
	return GLOVED_OK;
}

int table_new(const table_col *cols, size_t ncols, table **out)
{
	if (!out)
		return GLOVED_EINVAL;
	*out = NULL;
	if (!cols || ncols == 0)
		return GLOVED_EINVAL;
	if (ncols > TABLE_MAX_COLS)
		return GLOVED_ETOOBIG;
	for (size_t c = 0; c < ncols; c++) {
		const table_col *k = &cols[c];
		if (!k->zh || !k->en || (unsigned)k->kind > TABLE_DATE)
			return GLOVED_EINVAL;
		const char *s[4] = {k->zh, k->en, k->unit_zh, k->unit_en};
		size_t len = 3; /* " ()" */
		for (int j = 0; j < 4; j++) {
			if (!s[j])
				continue;
			int rc = check_str(s[j]);
			if (rc)
				return rc;
			len += strlen(s[j]);
		}
		if (len > TABLE_MAX_STR)
			return GLOVED_ETOOBIG;
	}
	table *t = calloc(1, sizeof *t);
	if (!t)
		return GLOVED_ENOMEM;
	t->cols = cols;
	t->ncols = ncols;
	*out = t;
	return GLOVED_OK;
}

int table_add_row(table *t, const table_cell *cells)
{
	if (!t || !cells)
		return GLOVED_EINVAL;
	if (t->nrows + (t->total ? 1 : 0) >= TABLE_MAX_ROWS)
		return GLOVED_ETOOBIG;
	if (t->nrows == t->caprows) {
		size_t cap = t->caprows ? t->caprows * 2 : 64;
		if (cap > TABLE_MAX_ROWS)
			cap = TABLE_MAX_ROWS;
		/* TABLE_MAX_ROWS * TABLE_MAX_COLS * sizeof(table_cell) fits a
		 * 64-bit size_t; the check is for 32-bit ones. */
		if (cap > SIZE_MAX / sizeof(table_cell) / t->ncols)
			return GLOVED_ETOOBIG;
		table_cell *p = realloc(t->cells, cap * t->ncols * sizeof(table_cell));
		if (!p)
			return GLOVED_ENOMEM;
		t->cells = p;
		t->caprows = cap;
	}
	int rc = copy_cells(t, cells, t->cells + t->nrows * t->ncols);
	if (rc)
		return rc;
	t->nrows++;
	return GLOVED_OK;
}

int table_set_total(table *t, const table_cell *cells)
{
	if (!t || !cells)
		return GLOVED_EINVAL;
	if (!t->total && t->nrows >= TABLE_MAX_ROWS)
		return GLOVED_ETOOBIG;
	table_cell *p = calloc(t->ncols, sizeof *p);
	if (!p)
		return GLOVED_ENOMEM;
	int rc = copy_cells(t, cells, p);
	if (rc) {
		free(p);
		return rc;
	}
	if (t->total) {
		free_cells(t, t->total);
		free(t->total);
	}
	t->total = p;
	return GLOVED_OK;
}

size_t table_rows(const table *t)
{
	return t ? t->nrows : 0;
}

void table_free(table *t)
{
	if (!t)
		return;
	for (size_t r = 0; r < t->nrows; r++)
		free_cells(t, t->cells + r * t->ncols);
	free(t->cells);
	if (t->total) {
		free_cells(t, t->total);
		free(t->total);
	}
	free(t);
}

/* ---- CSV ---- */

static int csv_field(buf *out, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")])
		return buf_puts(out, s);
	int rc = buf_append(out, "\"", 1);
	while (!rc && *s) {
		size_t n = strcspn(s, "\"");
		rc = buf_append(out, s, n);
		s += n;
		if (!rc && *s == '"') {
			rc = buf_append(out, "\"\"", 2);
			s++;
		}
	}
	if (!rc)
		rc = buf_append(out, "\"", 1);
	return rc;
}

static int csv_row(const table *t, const table_cell *cells, buf *out)
{
	int rc = GLOVED_OK;
	char num[NUM_MAX];
	for (size_t c = 0; c < t->ncols && !rc; c++) {
		if (c)
			rc = buf_append(out, ",", 1);
		const char *v = cell_text(t->cols[c].kind, &cells[c], num);
		/* text a spreadsheet would run as a formula (=, +, -, @, tab, CR
		 * first) is written with a leading apostrophe (OWASP's advice) */
		if (!rc && t->cols[c].kind == TABLE_TEXT && v[0] && strchr("=+-@\t\r", v[0])) {
			buf g;
			buf_init(&g, 0);
			rc = buf_append(&g, "'", 1);
			if (!rc)
				rc = buf_puts(&g, v);
			if (!rc)
				rc = csv_field(out, g.data);
			buf_free(&g);
		} else if (!rc) {
			rc = csv_field(out, v);
		}
	}
	if (!rc)
		rc = buf_append(out, "\r\n", 2);
	return rc;
}

int table_csv(const table *t, int lang_en, buf *out)
{
	if (!t || !out)
		return GLOVED_EINVAL;
	size_t old = out->len;
	buf h;
	buf_init(&h, 0);
	int rc = buf_append(out, "\xef\xbb\xbf", 3);
	for (size_t c = 0; c < t->ncols && !rc; c++) {
		buf_reset(&h);
		if (c)
			rc = buf_append(out, ",", 1);
		if (!rc)
			rc = header_text(&t->cols[c], lang_en, &h);
		if (!rc)
			rc = csv_field(out, h.data ? h.data : "");
	}
	if (!rc)
		rc = buf_append(out, "\r\n", 2);
	for (size_t r = 0; r < t->nrows && !rc; r++)
		rc = csv_row(t, t->cells + r * t->ncols, out);
	if (!rc && t->total)
		rc = csv_row(t, t->total, out);
	buf_free(&h);
	if (rc) {
		out->len = old;
		if (out->data)
			out->data[old] = '\0';
	}
	return rc;
}

/* ---- xlsx ---- */

/* The number formats of one look (plain or bold); NULL is the default. */
typedef struct xfmts {
	lxw_format *text, *bp, *fen, *minutes;
} xfmts;

static int lxw_rc(lxw_error e)
{
	switch (e) {
	case LXW_NO_ERROR:
		return GLOVED_OK;
	case LXW_ERROR_MEMORY_MALLOC_FAILED:
		return GLOVED_ENOMEM;
	case LXW_ERROR_CREATING_XLSX_FILE:
	case LXW_ERROR_CREATING_TMPFILE:
	case LXW_ERROR_READING_TMPFILE:
	case LXW_ERROR_ZIP_FILE_OPERATION:
	case LXW_ERROR_ZIP_PARAMETER_ERROR:
	case LXW_ERROR_ZIP_BAD_ZIP_FILE:
	case LXW_ERROR_ZIP_INTERNAL_ERROR:
	case LXW_ERROR_ZIP_FILE_ADD:
	case LXW_ERROR_ZIP_CLOSE:
		return GLOVED_EIO;
	default:
		return GLOVED_EINVAL;
	}
}

static int make_formats(lxw_workbook *wb, int bold, xfmts *f)
{
	static const char *const nums[3] = {"0.00%", "0.00", "0.0"};
	lxw_format **slots[3] = {&f->bp, &f->fen, &f->minutes};
	f->text = NULL;
	if (bold) {
		f->text = workbook_add_format(wb);
		if (!f->text)
			return GLOVED_ENOMEM;
		format_set_bold(f->text);
	}
	for (int k = 0; k < 3; k++) {
		*slots[k] = workbook_add_format(wb);
		if (!*slots[k])
			return GLOVED_ENOMEM;
		format_set_num_format(*slots[k], nums[k]);
		if (bold)
			format_set_bold(*slots[k]);
	}
	return GLOVED_OK;
}

static int xlsx_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, table_kind kind,
		     const table_cell *v, const xfmts *f)
{
	lxw_error e;
	if (v->null || (is_string_kind(kind) && !v->s))
		e = worksheet_write_blank(ws, row, col, f->text);
	else if (kind == TABLE_TEXT || kind == TABLE_DATE)
		e = worksheet_write_string(ws, row, col, v->s, f->text);
	else if (kind == TABLE_INT)
		e = worksheet_write_number(ws, row, col, (double)v->i, f->text);
	else if (kind == TABLE_BP)
		e = worksheet_write_number(ws, row, col, (double)v->i / 10000.0, f->bp);
	else if (kind == TABLE_FEN)
		e = worksheet_write_number(ws, row, col, (double)v->i / 100.0, f->fen);
	else
		e = worksheet_write_number(ws, row, col, (double)v->i / 60000.0, f->minutes);
	return lxw_rc(e);
}

/* Widens widths[] (ncols) to the cells of one row as Excel shows them. */
static void fit_row(const table *t, const table_cell *cells, size_t *widths)
{
	char num[NUM_MAX];
	for (size_t c = 0; c < t->ncols; c++) {
		size_t w = str_width(cell_text(t->cols[c].kind, &cells[c], num));
		if (t->cols[c].kind == TABLE_BP && !cells[c].null)
			w++; /* the % sign */
		if (w > widths[c])
			widths[c] = w;
	}
}

/* Writes Excel's form of sheet (see table_xlsx) into out[size]. */
static int sheet_name(const char *sheet, char *out, size_t size)
{
	if (!sheet)
		sheet = "";
	int rc = check_str(sheet);
	if (rc)
		return rc;
	while (*sheet == '\'')
		sheet++;
	size_t len = 0, units = 0;
	const unsigned char *p = (const unsigned char *)sheet;
	while (*p) {
		uint32_t cp = 0;
		size_t n = utf8_next(p, &cp);
		units += cp > 0xffff ? 2 : 1;
		if (units > SHEETNAME_MAX || len + n >= size)
			break;
		if (cp < 0x20 || (cp < 0x80 && strchr("[]:*?/\\", (int)cp)))
			out[len++] = '_';
		else
			for (size_t k = 0; k < n; k++)
				out[len++] = (char)p[k];
		p += n;
	}
	while (len && out[len - 1] == '\'')
		len--;
	out[len] = '\0';
	if (!len)
		snprintf(out, size, "Sheet1");
	return GLOVED_OK;
}

/* Fills the worksheet of the workbook wb from t. */
static int xlsx_fill(const table *t, int lang_en, lxw_workbook *wb, const char *name)
{
	int rc = GLOVED_ENOMEM;
	buf h;
	buf_init(&h, 0);
	size_t *widths = calloc(t->ncols, sizeof *widths);
	if (!widths)
		goto out;
	xfmts plain, bold;
	rc = make_formats(wb, 0, &plain);
	if (!rc)
		rc = make_formats(wb, 1, &bold);
	if (rc)
		goto out;
	rc = GLOVED_EINVAL;
	if (workbook_validate_sheet_name(wb, name) != LXW_NO_ERROR)
		goto out;
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	if (!ws)
		goto out;

	for (size_t c = 0; c < t->ncols; c++) {
		buf_reset(&h);
		rc = header_text(&t->cols[c], lang_en, &h);
		if (rc)
			goto out;
		rc = lxw_rc(worksheet_write_string(ws, 0, (lxw_col_t)c, h.data, bold.text));
		if (rc)
			goto out;
		widths[c] = str_width(h.data);
	}
	for (size_t r = 0; r < t->nrows; r++) {
		const table_cell *row = t->cells + r * t->ncols;
		for (size_t c = 0; c < t->ncols; c++) {
			rc = xlsx_cell(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, t->cols[c].kind,
				       &row[c], &plain);
			if (rc)
				goto out;
		}
		fit_row(t, row, widths);
	}
	if (t->total) {
		for (size_t c = 0; c < t->ncols; c++) {
			rc = xlsx_cell(ws, (lxw_row_t)(t->nrows + 1), (lxw_col_t)c, t->cols[c].kind,
				       &t->total[c], &bold);
			if (rc)
				goto out;
		}
		fit_row(t, t->total, widths);
	}
	for (size_t c = 0; c < t->ncols; c++) {
		size_t w = widths[c] + 2;
		w = w < WIDTH_MIN ? WIDTH_MIN : w > WIDTH_MAX ? WIDTH_MAX : w;
		rc = lxw_rc(worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, (double)w, NULL));
		if (rc)
			goto out;
	}
	worksheet_freeze_panes(ws, 1, 0);
	rc = GLOVED_OK;
out:
	free(widths);
	buf_free(&h);
	return rc;
}

/* Appends the whole file behind fd (read from its start) to out. */
static int read_all(int fd, buf *out)
{
	if (lseek(fd, 0, SEEK_SET) != 0)
		return GLOVED_EIO;
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return GLOVED_EIO;
		if (n == 0)
			return GLOVED_OK;
		int rc = buf_append(out, chunk, (size_t)n);
		if (rc)
			return rc;
	}
}

int table_xlsx(const table *t, int lang_en, const char *sheet, buf *out)
{
	if (!t || !out)
		return GLOVED_EINVAL;
	if (t->nrows + (t->total ? 1 : 0) > TABLE_MAX_ROWS)
		return GLOVED_ETOOBIG;
	char name[SHEETNAME_MAX * 4 + 1];
	int rc = sheet_name(sheet, name, sizeof name);
	if (rc)
		return rc;

	size_t old = out->len;
	lxw_workbook *wb = NULL;
	int fd = -1;
	char path[PATH_MAX];
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	rc = GLOVED_EIO;
	int n = snprintf(path, sizeof path, "%s/gloved-table-XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof path)
		goto out;
	fd = mkstemp(path);
	if (fd < 0)
		goto out;

	/* libxlsxwriter keeps worksheets in temporary files of its own */
	lxw_workbook_options opt = {.constant_memory = 0, .tmpdir = (char *)dir, .use_zip64 = 0};
	rc = GLOVED_ENOMEM;
	wb = workbook_new_opt(path, &opt);
	if (!wb)
		goto out;
	rc = xlsx_fill(t, lang_en, wb, name);
	if (rc)
		goto out;
	lxw_workbook *closing = wb;
	wb = NULL; /* workbook_close frees it, whatever it returns */
	rc = lxw_rc(workbook_close(closing));
	if (rc)
		goto out;
	rc = read_all(fd, out);
out:
	if (wb)
		lxw_workbook_free(wb);
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	if (rc) {
		out->len = old;
		if (out->data)
			out->data[old] = '\0';
	}
	return rc;
}
