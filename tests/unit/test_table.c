/* SPDX-License-Identifier: Apache-2.0 */
/* test_table.c: the table export (util/table.c): CSV bytes exactly as Excel
 * gets them (BOM, CRLF, quoting, Chinese and English headers with units,
 * basis points, fen, minutes, empty cells, the totals row), xlsx files read
 * back with unzip (shared strings, numeric cells, formats, frozen header,
 * the sanitised sheet name), no temporary file or descriptor left behind,
 * and the refusals: invalid UTF-8, bad columns, the row limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/table.h"

static const table_col cols[] = {
    {"设备", "Machine", NULL, NULL, TABLE_TEXT},
    {"产量", "Good", "只", "piece", TABLE_INT},
    {"综合效率", "OEE", "%", "%", TABLE_BP},
    {"工资", "Wage", "元", "yuan", TABLE_FEN},
    {"停机", "Downtime", "分钟", "min", TABLE_MINUTES},
    {"日期", "Date", NULL, NULL, TABLE_DATE},
};
#define NCOLS (sizeof cols / sizeof cols[0])

/* Three rows and a totals row: quoting, an empty BP, a negative fen, minutes
 * rounded (3000 ms = 0.05 min -> 0.1; 89999 ms -> 1.5), empty text. */
static table *sample(void)
{
	table *t = NULL;
	assert_int_equal(table_new(cols, NCOLS, &t), GLOVED_OK);
	table_cell r1[NCOLS] = {
	    {.s = "A线,1号"}, {.i = 1200},  {.i = 8338},
	    {.i = 12345},     {.i = 90000}, {.s = "2026-11-29"},
	};
	table_cell r2[NCOLS] = {
	    {.s = "说\"明\"\n下行"},   {.i = 0}, {.null = 1, .i = 99}, {.i = -5}, {.i = 3000},
	    {.s = "2026-11-29 08:00"},
	};
	table_cell r3[NCOLS] = {
	    {.s = NULL}, {.i = -7}, {.i = 10000}, {.i = 0}, {.i = 89999}, {.null = 1, .s = "x"},
	};
	table_cell tot[NCOLS] = {
	    {.s = "合计"}, {.i = 1193}, {.i = 9169}, {.i = 12340}, {.i = 183000}, {.null = 1},
	};
	assert_int_equal(table_add_row(t, r1), GLOVED_OK);
	assert_int_equal(table_add_row(t, r2), GLOVED_OK);
	assert_int_equal(table_add_row(t, r3), GLOVED_OK);
	assert_int_equal(table_set_total(t, tot), GLOVED_OK);
	assert_int_equal(table_rows(t), 3);
	return t;
}

static const char csv_rows[] = "\"A线,1号\",1200,83.38,123.45,1.5,2026-11-29\r\n"
			       "\"说\"\"明\"\"\n下行\",0,,-0.05,0.1,2026-11-29 08:00\r\n"
			       ",-7,100.00,0.00,1.5,\r\n"
			       "合计,1193,91.69,123.40,3.1,\r\n";

static void assert_bytes(const buf *b, const char *want)
{
	size_t n = strlen(want);
	if (b->len != n || memcmp(b->data, want, n) != 0)
		fail_msg("got %zu bytes:\n%.*s\nwant %zu bytes:\n%s", b->len, (int)b->len,
			 b->data ? b->data : "", n, want);
}

static void test_csv(void **state)
{
	(void)state;
	table *t = sample();
	buf b;
	buf_init(&b, 0);
	assert_int_equal(table_csv(t, 0, &b), GLOVED_OK);
	buf want;
	buf_init(&want, 0);
	assert_int_equal(buf_puts(&want, "\xef\xbb\xbf"
					 "设备,产量(只),综合效率(%),工资(元),停机(分钟),日期\r\n"),
			 0);
	assert_int_equal(buf_puts(&want, csv_rows), 0);
	assert_bytes(&b, want.data);

	buf_reset(&b);
	buf_reset(&want);
	assert_int_equal(table_csv(t, 1, &b), GLOVED_OK);
	assert_int_equal(
	    buf_puts(&want, "\xef\xbb\xbf"
			    "Machine,Good (piece),OEE (%),Wage (yuan),Downtime (min),Date\r\n"),
	    0);
	assert_int_equal(buf_puts(&want, csv_rows), 0);
	assert_bytes(&b, want.data);

	/* appends; on error (the buffer's cap) the buffer is as it was */
	buf small;
	buf_init(&small, 64);
	assert_int_equal(buf_puts(&small, "keep"), 0);
	assert_int_equal(table_csv(t, 0, &small), GLOVED_ETOOBIG);
	assert_int_equal(small.len, 4);
	assert_string_equal(small.data, "keep");
	buf_free(&small);
	buf_free(&want);
	buf_free(&b);
	table_free(t);
}

/* Text a spreadsheet would take for a formula gets an apostrophe in CSV;
 * numbers (-0.05) do not. */
static void test_csv_formula_guard(void **state)
{
	(void)state;
	static const table_col c[] = {
	    {"名", "name", NULL, NULL, TABLE_TEXT},
	    {"钱", "money", NULL, NULL, TABLE_FEN},
	};
	table *t = NULL;
	assert_int_equal(table_new(c, 2, &t), GLOVED_OK);
	table_cell r1[2] = {{.s = "=HYPERLINK(\"x\")"}, {.i = -5}};
	table_cell r2[2] = {{.s = "@SUM(A1)"}, {.i = 5}};
	table_cell r3[2] = {{.s = "-1+2"}, {.i = 0}};
	table_cell r4[2] = {{.s = "王=芳"}, {.i = 0}};
	assert_int_equal(table_add_row(t, r1), 0);
	assert_int_equal(table_add_row(t, r2), 0);
	assert_int_equal(table_add_row(t, r3), 0);
	assert_int_equal(table_add_row(t, r4), 0);
	buf b;
	buf_init(&b, 0);
	assert_int_equal(table_csv(t, 1, &b), 0);
	assert_bytes(&b, "\xef\xbb\xbf"
			 "name,money\r\n"
			 "\"'=HYPERLINK(\"\"x\"\")\",-0.05\r\n"
			 "'@SUM(A1),0.05\r\n"
			 "'-1+2,0.00\r\n"
			 "王=芳,0.00\r\n");
	buf_free(&b);
	table_free(t);
}

static void test_number_formats(void **state)
{
	(void)state;
	static const table_col c[] = {
	    {"a", "a", NULL, NULL, TABLE_BP},
	    {"b", "b", NULL, NULL, TABLE_FEN},
	    {"c", "c", NULL, NULL, TABLE_MINUTES},
	    {"d", "d", NULL, NULL, TABLE_INT},
	};
	table *t = NULL;
	assert_int_equal(table_new(c, 4, &t), GLOVED_OK);
	table_cell r1[4] = {{.i = INT64_MIN}, {.i = INT64_MAX}, {.i = -2999}, {.i = INT64_MIN}};
	table_cell r2[4] = {{.i = 5}, {.i = -100}, {.i = -3000}, {.i = 0}};
	table_cell r3[4] = {{.i = -99}, {.i = 99}, {.i = 2999}, {.i = -1}};
	assert_int_equal(table_add_row(t, r1), 0);
	assert_int_equal(table_add_row(t, r2), 0);
	assert_int_equal(table_add_row(t, r3), 0);
	buf b;
	buf_init(&b, 0);
	assert_int_equal(table_csv(t, 1, &b), 0);
	assert_bytes(&b, "\xef\xbb\xbf"
			 "a,b,c,d\r\n"
			 "-92233720368547758.08,92233720368547758.07,0.0,-9223372036854775808\r\n"
			 "0.05,-1.00,-0.1,0\r\n"
			 "-0.99,0.99,0.0,-1\r\n");
	buf_free(&b);
	table_free(t);
}

/* Runs `unzip -p file part` and returns its output (caller frees). */
static char *unzip_part(const char *file, const char *part)
{
	char cmd[1024];
	int n = snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s'", file, part);
	assert_true(n > 0 && (size_t)n < sizeof cmd);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	buf b;
	buf_init(&b, 0);
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, p)) > 0)
		assert_int_equal(buf_append(&b, chunk, got), 0);
	assert_int_equal(pclose(p), 0);
	assert_true(b.len > 0);
	return buf_steal(&b);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void assert_has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" not found in:\n%s", needle, hay);
}

/* Writes b to a new file in dir and returns its name (caller frees). */
static char *save(const char *dir, const buf *b)
{
	char path[512];
	snprintf(path, sizeof path, "%s/out-XXXXXX", dir);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b->data, b->len), (ssize_t)b->len);
	assert_int_equal(close(fd), 0);
	return strdup(path);
}

static void test_xlsx(void **state)
{
	(void)state;
	/* a private TMPDIR shows that nothing is left behind */
	char dir[] = "/tmp/test_table-XXXXXX";
	assert_non_null(mkdtemp(dir));
	const char *old = getenv("TMPDIR");
	char *saved = old ? strdup(old) : NULL;
	assert_int_equal(setenv("TMPDIR", dir, 1), 0);
	int fds = count_entries("/proc/self/fd");

	table *t = sample();
	buf b;
	buf_init(&b, 0);
	assert_int_equal(table_xlsx(t, 0, "设备综合效率", &b), GLOVED_OK);
	assert_true(b.len > 4 && memcmp(b.data, "PK\x03\x04", 4) == 0);
	assert_int_equal(count_entries(dir), 0);
	assert_int_equal(count_entries("/proc/self/fd"), fds);

	char *file = save(dir, &b);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "unzip -tq '%s' >/dev/null", file);
	assert_int_equal(system(cmd), 0);
	char *sst = unzip_part(file, "xl/sharedStrings.xml");
	char *sheet = unzip_part(file, "xl/worksheets/sheet1.xml");
	char *wbx = unzip_part(file, "xl/workbook.xml");
	char *styles = unzip_part(file, "xl/styles.xml");
	assert_has(sst, "产量(只)");
	assert_has(sst, "综合效率(%)");
	assert_has(sst, "A线,1号");
	assert_has(sst, "合计");
	assert_has(sst, "2026-11-29 08:00");
	assert_has(sheet, "<v>1200</v>");
	assert_has(sheet, "<v>0.8338</v>");
	assert_has(sheet, "<v>123.45</v>");
	assert_has(sheet, "<v>-0.05</v>");
	assert_has(sheet, "<v>1.5</v>");
	assert_has(sheet, "<v>123.4</v>"); /* the total */
	assert_has(sheet, "<row r=\"5\"");
	assert_null(strstr(sheet, "<row r=\"6\""));
	assert_has(sheet, "ySplit=\"1\"");
	assert_has(sheet, "<col ");
	/* header and totals are styled (bold), plain text cells are not */
	assert_has(sheet, "<c r=\"A1\" s=\"");
	assert_has(sheet, "<c r=\"A5\" s=\"");
	assert_has(sheet, "<c r=\"A2\" t=\"s\">");
	assert_has(wbx, "name=\"设备综合效率\"");
	assert_has(styles, "formatCode=\"0.00%\"");
	assert_has(styles, "formatCode=\"0.00\"");
	assert_has(styles, "formatCode=\"0.0\"");
	assert_has(styles, "<b/>");
	free(sst);
	free(sheet);
	free(wbx);
	free(styles);
	unlink(file);
	free(file);

	/* the English header; the sheet name sanitised and cut to 31 */
	buf_reset(&b);
	char name[256] = "'a/b:[c]";
	for (int k = 0; k < 40; k++)
		strncat(name, "设", sizeof name - strlen(name) - 1);
	assert_int_equal(table_xlsx(t, 1, name, &b), GLOVED_OK);
	file = save(dir, &b);
	sst = unzip_part(file, "xl/sharedStrings.xml");
	wbx = unzip_part(file, "xl/workbook.xml");
	assert_has(sst, "Good (piece)");
	assert_null(strstr(sst, "产量"));
	char want[256] = "name=\"a_b__c_";
	for (int k = 0; k < 31 - 7; k++)
		strncat(want, "设", sizeof want - strlen(want) - 1);
	strncat(want, "\"", sizeof want - strlen(want) - 1);
	assert_has(wbx, want);
	free(sst);
	free(wbx);
	unlink(file);
	free(file);

	/* an unusable TMPDIR is an I/O error; nothing appended or leaked */
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, "keep"), 0);
	char gone[300];
	snprintf(gone, sizeof gone, "%s/missing", dir);
	assert_int_equal(setenv("TMPDIR", gone, 1), 0);
	assert_int_equal(table_xlsx(t, 0, "x", &b), GLOVED_EIO);
	assert_int_equal(b.len, 4);
	assert_int_equal(count_entries("/proc/self/fd"), fds);
	/* as is invalid UTF-8 in the sheet name */
	assert_int_equal(setenv("TMPDIR", dir, 1), 0);
	assert_int_equal(table_xlsx(t, 0, "\xff", &b), GLOVED_EINVAL);
	assert_int_equal(b.len, 4);
	assert_int_equal(count_entries(dir), 0);

	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	assert_int_equal(rmdir(dir), 0);
	buf_free(&b);
	table_free(t);
}

static void test_refusals(void **state)
{
	(void)state;
	table_free(NULL);
	table *t = NULL;
	assert_int_equal(table_new(cols, 0, &t), GLOVED_EINVAL);
	assert_null(t);
	table_col bad[] = {{"a", "a", NULL, NULL, (table_kind)9}};
	assert_int_equal(table_new(bad, 1, &t), GLOVED_EINVAL);
	table_col badname[] = {{"a\xff", "a", NULL, NULL, TABLE_TEXT}};
	assert_int_equal(table_new(badname, 1, &t), GLOVED_EINVAL);

	assert_int_equal(table_new(cols, NCOLS, &t), GLOVED_OK);
	static const char *const invalid[] = {
	    "\xff",             /* never in UTF-8 */
	    "ab\xc0\xaf",       /* overlong '/' */
	    "\xed\xa0\x80",     /* a surrogate */
	    "\xe4\xb8",         /* cut short */
	    "\xf4\x90\x80\x80", /* past U+10FFFF */
	    "\x80",             /* a lone continuation byte */
	};
	for (size_t k = 0; k < sizeof invalid / sizeof invalid[0]; k++) {
		table_cell row[NCOLS] = {{.s = "ok"}, {.i = 1}, {.i = 1}, {.i = 1}, {.i = 1}};
		row[k % 2 ? 0 : 5].s = invalid[k];
		assert_int_equal(table_add_row(t, row), GLOVED_EINVAL);
		assert_int_equal(table_set_total(t, row), GLOVED_EINVAL);
	}
	assert_int_equal(table_rows(t), 0);
	/* valid four-byte UTF-8 is fine, and a string in a number column is ignored */
	table_cell ok[NCOLS] = {{.s = "\xf0\x9f\xa7\xa4"}, {.i = 1, .s = "\xff"}};
	assert_int_equal(table_add_row(t, ok), GLOVED_OK);
	assert_int_equal(table_rows(t), 1);
	/* a string longer than Excel takes */
	char *big = malloc(TABLE_MAX_STR + 2);
	assert_non_null(big);
	memset(big, 'x', TABLE_MAX_STR + 1);
	big[TABLE_MAX_STR + 1] = '\0';
	ok[0].s = big;
	assert_int_equal(table_add_row(t, ok), GLOVED_ETOOBIG);
	big[TABLE_MAX_STR] = '\0';
	assert_int_equal(table_add_row(t, ok), GLOVED_OK);
	free(big);
	assert_int_equal(table_rows(t), 2);
	table_free(t);
}

static void test_row_limit(void **state)
{
	(void)state;
	static const table_col one[] = {{"n", "n", NULL, NULL, TABLE_INT}};
	table *t = NULL;
	assert_int_equal(table_new(one, 1, &t), GLOVED_OK);
	table_cell c = {.i = 1};
	for (size_t r = 0; r < TABLE_MAX_ROWS - 1; r++)
		assert_int_equal(table_add_row(t, &c), GLOVED_OK);
	/* the last row Excel has is either a data row or the totals row */
	assert_int_equal(table_set_total(t, &c), GLOVED_OK);
	assert_int_equal(table_add_row(t, &c), GLOVED_ETOOBIG);
	table_free(t);

	assert_int_equal(table_new(one, 1, &t), GLOVED_OK);
	for (size_t r = 0; r < TABLE_MAX_ROWS; r++)
		assert_int_equal(table_add_row(t, &c), GLOVED_OK);
	assert_int_equal(table_add_row(t, &c), GLOVED_ETOOBIG);
	assert_int_equal(table_set_total(t, &c), GLOVED_ETOOBIG);
	assert_int_equal(table_rows(t), TABLE_MAX_ROWS);
	table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_csv_formula_guard),
	    cmocka_unit_test(test_number_formats),
	    cmocka_unit_test(test_xlsx),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_row_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
