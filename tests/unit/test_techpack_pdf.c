/* SPDX-License-Identifier: Apache-2.0 */
/* test_techpack_pdf.c: a design's tech pack (util/techpack_pdf.c): a one-page
 * PDF on libharu's built-in CJK fonts whose text layer (pdftotext, where
 * poppler has its CJK data) holds the design's name and each row's value;
 * the refusals (no code or name, too many rows) leave out as it was. The
 * temp file lives in a private directory removed at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/techpack_pdf.h"

static const techpack_row rows[] = {
    {"尺码 Sizes", "7,8,9,10"},
    {"材料 Materials", "涤纶, TPU 防水膜"},
    {"工序 Routing", "S01 合缝 3.00 分钟, S02 上拇指 3.00 分钟"},
};

static int contains(const buf *b, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i + n <= b->len; i++)
		if (memcmp(b->data + i, s, n) == 0)
			return 1;
	return 0;
}

static void test_text(void **state)
{
	(void)state;
	techpack t = {.code = "D-SKI-01",
		      .name = "雪山系列防水滑雪手套",
		      .firm = "嘉祥县嘉诚手套有限公司",
		      .rows = rows,
		      .n_rows = sizeof rows / sizeof rows[0]};
	buf b;
	buf_init(&b, 0);
	assert_int_equal(techpack_pdf(&t, &b), GLOVED_OK);
	assert_true(b.len > 5 && memcmp(b.data, "%PDF-", 5) == 0);
	assert_true(contains(&b, "/Count 1"));
	assert_true(contains(&b, "/BaseFont /SimSun"));
	assert_true(contains(&b, "/Encoding /GBK-EUC-H"));
	if (access("/usr/share/poppler/cMap/Adobe-GB1", F_OK) == 0) {
		char dir[] = "/tmp/test_techpack_pdf-XXXXXX", file[96], cmd[200];
		assert_non_null(mkdtemp(dir));
		snprintf(file, sizeof file, "%s/tp.pdf", dir);
		FILE *f = fopen(file, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(b.data, 1, b.len, f), b.len);
		assert_int_equal(fclose(f), 0);
		snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' - 2>/dev/null", file);
		FILE *p = popen(cmd, "r");
		assert_non_null(p);
		buf text;
		buf_init(&text, 0);
		char chunk[4096];
		size_t got;
		while ((got = fread(chunk, 1, sizeof chunk, p)) > 0)
			assert_int_equal(buf_append(&text, chunk, got), 0);
		assert_int_equal(pclose(p), 0);
		assert_int_equal(unlink(file), 0);
		assert_int_equal(rmdir(dir), 0);
		/* the built-in CJK font prints ASCII as full-width forms: check
		 * the Chinese words */
		assert_true(contains(&text, "工艺单"));
		assert_true(contains(&text, "雪山系列防水滑雪手套"));
		assert_true(contains(&text, "嘉祥县嘉诚手套有限公司"));
		assert_true(contains(&text, "防水膜"));
		assert_true(contains(&text, "上拇指"));
		buf_free(&text);
	}
	buf_free(&b);
}

static void test_refusals(void **state)
{
	(void)state;
	buf b;
	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "x"), 0);
	techpack t = {.code = "", .name = "款"};
	assert_int_equal(techpack_pdf(&t, &b), GLOVED_EINVAL);
	t.code = "D-1";
	t.name = NULL;
	assert_int_equal(techpack_pdf(&t, &b), GLOVED_EINVAL);
	t.name = "款";
	t.rows = rows;
	t.n_rows = 31;
	assert_int_equal(techpack_pdf(&t, &b), GLOVED_EINVAL);
	t.rows = NULL;
	t.n_rows = 1;
	assert_int_equal(techpack_pdf(&t, &b), GLOVED_EINVAL);
	assert_int_equal(b.len, 1);
	t.n_rows = 0; /* no rows: a page with the head only */
	assert_int_equal(techpack_pdf(&t, &b), GLOVED_OK);
	assert_true(b.len > 6 && memcmp(b.data + 1, "%PDF-", 5) == 0);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
