/* SPDX-License-Identifier: Apache-2.0 */
/* test_ticket_pdf.c: the bundle-ticket PDF (util/ticket_pdf.c) read back the way a worker's
 * phone and an office PC read it: every page rendered at 200 dpi by pdftoppm and scanned by
 * zbarimg must give back exactly the ticket codes we asked for, each once per cell; the text
 * layer (pdftotext) holds the Chinese operation names and the header; long routings continue
 * on further pages without losing a cell; the document is deterministic and concurrent calls
 * agree; and the refusals: invalid text and codes, the bundle, cell and op limits, the
 * caller's buffer cap, each with out unchanged. Temp files live in a private directory that
 * is removed on every path the test passes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/wait.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/ticket_pdf.h"

#define MAX_CODES 256

static const ticket_op ops1[] = {
    {1, "裁片检查", "104523-1-K3F9QZ"},
    {2, "合缝", "104523-2-7XW2MA"},
    {3, "上拇指", "104523-3-Q0R8TD"},
    {4, "锁边", "104523-4-H5JN1C"},
};
static const ticket_op ops2[] = {
    {1, "合缝", "104524-1-B8V3KX"},     {2, "上里布", "104524-2-Z9T4WE"},
    {3, "包边", "104524-3-M2P6RF"},     {4, "装魔术贴", "104524-4-C7D0YH"},
    {5, "Final QC", "104524-5-N4G8SJ"},
};
static const ticket_op ops3[] = {
    {1, "合缝", "104525-1-E1K5VA"},   {2, "上拇指及虎口包边加固", "104525-2-R6F2PB"},
    {3, "翻手套", "104525-3-T3X9MC"}, {4, "熨烫", "104525-4-W8A7QD"},
    {5, "检验", "104525-5-Y0H4NE"},   {6, "包装", "104525-6-G5S1ZF"},
};
static const ticket_bundle sample[] = {
    {"嘉祥手套厂", "O-2026-118", "SKI-01 滑雪手套", "8", 1, 12, "双", ops1, 4},
    {"嘉祥手套厂", "O-2026-118", "SKI-01 滑雪手套", "XL", 2, 12, "双", ops2, 5},
    {"嘉祥手套厂", "O-2026-118", "SKI-01 滑雪手套", "9", 3, 7, "双", ops3, 6},
};
#define NSAMPLE (sizeof sample / sizeof sample[0])

/* Runs cmd through the shell and returns its standard output (caller frees); *status gets
 * pclose's status. */
static char *run(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	buf b;
	buf_init(&b, 0);
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, p)) > 0)
		assert_int_equal(buf_append(&b, chunk, got), 0);
	*status = pclose(p);
	if (b.len == 0)
		assert_int_equal(buf_append(&b, "", 1), 0); /* an empty string, not NULL */
	return buf_steal(&b);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A private directory for one test's files. */
typedef struct tmpdir {
	char path[64];
} tmpdir;

static void tmp_make(tmpdir *t)
{
	snprintf(t->path, sizeof t->path, "/tmp/test_ticket_pdf-XXXXXX");
	assert_non_null(mkdtemp(t->path));
}

/* Removes every file in t and t itself; asserts it is gone. */
static void tmp_remove(tmpdir *t)
{
	DIR *d = opendir(t->path);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char f[512];
		snprintf(f, sizeof f, "%s/%s", t->path, e->d_name);
		assert_int_equal(unlink(f), 0);
	}
	closedir(d);
	assert_int_equal(rmdir(t->path), 0);
}

static void write_file(const char *path, const buf *b)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
}

/* Scans the PDF at file the way a phone sees it: zbar decodes a whole page of our 5 x 7 grid
 * poorly (its QR finder mixes up the finder patterns of aligned symbols: 0 of 35 at 200 dpi,
 * though every cell alone decodes), so each page is rendered at 200 dpi in windows one column
 * wide (40 mm over the 38 mm column at 10 + 38 c mm, the grid's fixed x) and 76 mm high,
 * stepped by 36 mm (one cell), so every cell lies wholly in some window wherever the page's
 * headers put its row. Returns the distinct decoded symbols, sorted, in codes (malloc'd
 * strings), and sets *pages. */
static size_t scan_codes(const char *dir, const char *file, char **codes, size_t *pages)
{
	char cmd[1024];
	int st;
	snprintf(cmd, sizeof cmd, "pdfinfo '%s' 2>/dev/null | sed -n 's/^Pages: *//p'", file);
	char *o = run(cmd, &st);
	assert_int_equal(st, 0);
	char *end = NULL;
	long np = strtol(o, &end, 10);
	assert_true(end != o && np > 0);
	free(o);
	*pages = (size_t)np;

	const double px_mm = 200 / 25.4;
	size_t n = 0;
	for (long p = 1; p <= np; p++)
		for (double y = 0; y < 297; y += 36)
			for (double x = 9; x < 200; x += 38) {
				snprintf(
				    cmd, sizeof cmd,
				    "pdftoppm -r 200 -png -singlefile -f %ld -l %ld -x %d -y %d "
				    "-W %d -H %d '%s' '%s/win' 2>/dev/null && "
				    "zbarimg -q --raw '%s/win.png' 2>/dev/null",
				    p, p, (int)(x * px_mm), (int)(y * px_mm), (int)(40 * px_mm),
				    (int)(76 * px_mm), file, dir, dir);
				char *out = run(cmd, &st);
				/* zbarimg exits 4 when it found nothing */
				if (st != 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 4))
					fail_msg("%s: status %d", cmd, st);
				char *save = NULL;
				for (char *line = strtok_r(out, "\n", &save); line;
				     line = strtok_r(NULL, "\n", &save)) {
					size_t k = 0;
					while (k < n && strcmp(codes[k], line) != 0)
						k++;
					if (k < n)
						continue; /* seen in an overlapping window */
					assert_true(n < MAX_CODES);
					codes[n] = strdup(line);
					assert_non_null(codes[n]);
					n++;
				}
				free(out);
			}
	qsort(codes, n, sizeof codes[0], cmp_str);
	return n;
}

/* Asserts that the decoded codes are exactly the codes of bundles, each once per cell. */
static void assert_same_codes(const ticket_bundle *bundles, size_t nb, char **got, size_t ngot)
{
	const char *want[MAX_CODES];
	size_t nwant = 0;
	for (size_t i = 0; i < nb; i++)
		for (size_t k = 0; k < bundles[i].n_ops; k++) {
			assert_true(nwant < MAX_CODES);
			want[nwant++] = bundles[i].ops[k].code;
		}
	qsort(want, nwant, sizeof want[0], cmp_str);
	if (ngot != nwant)
		for (size_t i = 0, j = 0; i < nwant; i++) {
			if (j < ngot && strcmp(got[j], want[i]) == 0)
				j++;
			else
				print_message("not decoded: %s\n", want[i]);
		}
	if (ngot != nwant)
		fail_msg("decoded %zu distinct codes, want %zu", ngot, nwant);
	for (size_t i = 0; i < nwant; i++)
		if (strcmp(got[i], want[i]) != 0)
			fail_msg("decoded code %zu is \"%s\", want \"%s\"", i, got[i], want[i]);
}

static void free_codes(char **codes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(codes[i]);
}

static void assert_has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" not found in:\n%s", needle, hay);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* Whether the bytes of b contain s. */
static int contains(const buf *b, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i + n <= b->len; i++)
		if (memcmp(b->data + i, s, n) == 0)
			return 1;
	return 0;
}

/* pdftotext maps GBK-EUC-H text to Unicode only with poppler-data's CMaps. */
static int have_poppler_cjk(void)
{
	return access("/usr/share/poppler/cMap/Adobe-GB1", F_OK) == 0;
}

static void test_codes_round_trip(void **state)
{
	(void)state;
	tmpdir t;
	tmp_make(&t);
	buf b;
	buf_init(&b, 0);
	assert_int_equal(ticket_pdf(sample, NSAMPLE, &b), GLOVED_OK);
	assert_true(b.len > 5 && memcmp(b.data, "%PDF-", 5) == 0);
	char file[128];
	snprintf(file, sizeof file, "%s/tickets.pdf", t.path);
	write_file(file, &b);

	char *codes[MAX_CODES];
	size_t pages;
	size_t n = scan_codes(t.path, file, codes, &pages);
	assert_int_equal(pages, 1); /* 15 cells and 3 headers fit one page */
	assert_same_codes(sample, NSAMPLE, codes, n);
	free_codes(codes, n);

	/* the fonts: libharu's built-in CJK fonts with the GBK CMap, Courier for the codes */
	assert_true(contains(&b, "/BaseFont /SimSun"));
	assert_true(contains(&b, "/BaseFont /SimHei"));
	assert_true(contains(&b, "/Encoding /GBK-EUC-H"));
	assert_true(contains(&b, "/BaseFont /Courier-Bold"));

	/* the text layer: the codes as printed, and where poppler has its CJK data
	 * (poppler-data) the Chinese names and headers */
	char cmd[300];
	int st;
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' - 2>/dev/null", file);
	char *text = run(cmd, &st);
	assert_int_equal(st, 0);
	for (size_t i = 0; i < NSAMPLE; i++)
		for (size_t k = 0; k < sample[i].n_ops; k++)
			assert_int_equal(count(text, sample[i].ops[k].code), 1);
	if (have_poppler_cjk()) {
		assert_has(text, "合缝");
		assert_has(text, "翻手套");
		/* the built-in CJK font prints ASCII as full-width forms and
		 * pdftotext's layout splits the header line: check the Chinese
		 * words, one 扎号 (bundle number) per block at least */
		assert_has(text, "嘉祥手套厂");
		assert_has(text, "滑雪手套");
		assert_true(count(text, "扎号") >= 3);
		assert_int_equal(count(text, "合缝"), 3);
	} else {
		print_message("no poppler-data: Chinese text not checked with pdftotext\n");
	}
	free(text);

	/* appends to what is in out */
	buf c;
	buf_init(&c, 0);
	assert_int_equal(buf_puts(&c, "keep"), 0);
	assert_int_equal(ticket_pdf(sample, NSAMPLE, &c), GLOVED_OK);
	assert_int_equal(c.len, 4 + b.len);
	assert_memory_equal(c.data + 4, b.data, b.len); /* and the same input, the same bytes */
	buf_free(&c);
	buf_free(&b);
	tmp_remove(&t);
}

/* 64 operations make 13 rows, more than a page holds: the block goes on over three pages,
 * the header repeated, and every cell is whole (it scans). */
static void test_long_routing(void **state)
{
	(void)state;
	static ticket_op ops[2][TICKET_MAX_OPS];
	static char codes_txt[2][TICKET_MAX_OPS][24];
	static const char *names[] = {"合缝", "上拇指", "包边", "翻手套"};
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < TICKET_MAX_OPS; k++) {
			snprintf(codes_txt[i][k], sizeof codes_txt[i][k], "%d-%d-X%04dZ",
				 200000 + i, k + 1, i * 100 + k);
			ops[i][k] = (ticket_op){k + 1, names[k % 4], codes_txt[i][k]};
		}
	ticket_bundle bs[2] = {
	    {"厂", "O1", "WK-02 劳保手套", "10", 1, 12, "双", ops[0], TICKET_MAX_OPS},
	    {"厂", "O1", "WK-02 劳保手套", "10", 2, 12, "双", ops[1], TICKET_MAX_OPS},
	};
	tmpdir t;
	tmp_make(&t);
	buf b;
	buf_init(&b, 0);
	assert_int_equal(ticket_pdf(bs, 2, &b), GLOVED_OK);
	char file[128];
	snprintf(file, sizeof file, "%s/long.pdf", t.path);
	write_file(file, &b);
	char *codes[MAX_CODES];
	size_t pages;
	size_t n = scan_codes(t.path, file, codes, &pages);
	assert_int_equal(pages, 4); /* 7 + 6 rows each */
	assert_same_codes(bs, 2, codes, n);
	free_codes(codes, n);
	char cmd[300];
	int st;
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' - 2>/dev/null", file);
	char *text = run(cmd, &st);
	assert_int_equal(st, 0);
	assert_int_equal(count(text, "-X0063Z"), 1);
	if (have_poppler_cjk()) {
		assert_true(count(text, "扎号") >= 4); /* 2 blocks, each continued once */
		assert_true(count(text, "（续）") >= 2);
	}
	free(text);
	buf_free(&b);
	tmp_remove(&t);
}

static void expect(const ticket_bundle *bs, size_t n, int want)
{
	buf b;
	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "keep"), 0);
	assert_int_equal(ticket_pdf(bs, n, &b), want);
	if (want != GLOVED_OK) {
		assert_int_equal(b.len, 4);
		assert_string_equal(b.data, "keep");
	} else {
		assert_true(b.len > 4 && memcmp(b.data + 4, "%PDF-", 5) == 0);
	}
	buf_free(&b);
}

static void test_refusals(void **state)
{
	(void)state;
	assert_int_equal(ticket_pdf(sample, NSAMPLE, NULL), GLOVED_EINVAL);
	expect(NULL, 1, GLOVED_EINVAL);
	expect(sample, 0, GLOVED_EINVAL);

	/* 2001 bundles, and 20001 cells in fewer bundles */
	ticket_bundle *many = calloc(TICKET_MAX_BUNDLES + 1, sizeof *many);
	assert_non_null(many);
	for (size_t i = 0; i < TICKET_MAX_BUNDLES + 1; i++)
		many[i] = sample[0];
	expect(many, TICKET_MAX_BUNDLES + 1, GLOVED_ETOOBIG);
	static ticket_op wide[TICKET_MAX_OPS + 1];
	for (size_t k = 0; k < TICKET_MAX_OPS + 1; k++)
		wide[k] = ops1[0];
	for (size_t i = 0; i < 313; i++) { /* 313 * 64 = 20032 */
		many[i].ops = wide;
		many[i].n_ops = TICKET_MAX_OPS;
	}
	expect(many, 313, GLOVED_ETOOBIG);
	many[0].n_ops = TICKET_MAX_OPS + 1;
	expect(many, 1, GLOVED_ETOOBIG);
	free(many);

	ticket_bundle b = sample[1];
	ticket_op ops[1] = {{1, "合缝", "1-1-AAAAAA"}};
	b.ops = ops;
	b.n_ops = 1;
	expect(&b, 1, GLOVED_OK);
	struct {
		ticket_op op;
		int want;
	} bad_ops[] = {
	    {{0, "合缝", "1-1-AAAAAA"}, GLOVED_EINVAL},
	    {{1, "", "1-1-AAAAAA"}, GLOVED_EINVAL},
	    {{1, NULL, "1-1-AAAAAA"}, GLOVED_EINVAL},
	    {{1, "合\xff缝", "1-1-AAAAAA"}, GLOVED_EINVAL},
	    {{1, "\xe5\x90", "1-1-AAAAAA"}, GLOVED_EINVAL},
	    {{1, "a\nb", "1-1-AAAAAA"}, GLOVED_EINVAL},
	    {{1, "合缝", ""}, GLOVED_EINVAL},
	    {{1, "合缝", NULL}, GLOVED_EINVAL},
	    {{1, "合缝", "1 1"}, GLOVED_EINVAL},
	    {{1, "合缝", "1-1-合"}, GLOVED_EINVAL},
	    {{1, "合缝", "123456789012345678901234567890123"}, GLOVED_ETOOBIG},
	};
	for (size_t i = 0; i < sizeof bad_ops / sizeof bad_ops[0]; i++) {
		ops[0] = bad_ops[i].op;
		expect(&b, 1, bad_ops[i].want);
	}
	ops[0] = (ticket_op){1, "合缝", "12345678901234567890123456789012"}; /* 32: fits */
	expect(&b, 1, GLOVED_OK);

	char long_text[TICKET_TEXT_MAX + 2];
	memset(long_text, 'x', sizeof long_text - 1);
	long_text[TICKET_TEXT_MAX + 1] = '\0';
	ticket_bundle c = b;
	c.firm = long_text;
	expect(&c, 1, GLOVED_ETOOBIG);
	long_text[TICKET_TEXT_MAX] = '\0'; /* at the limit: drawn shrunk and cut */
	expect(&c, 1, GLOVED_OK);
	c = b;
	c.style = NULL;
	expect(&c, 1, GLOVED_EINVAL);
	c = b;
	c.firm = "";
	expect(&c, 1, GLOVED_OK);
	c = b;
	c.qty = 0;
	expect(&c, 1, GLOVED_EINVAL);
	c = b;
	c.bundle_no = 0;
	expect(&c, 1, GLOVED_EINVAL);
	c = b;
	c.n_ops = 0;
	expect(&c, 1, GLOVED_EINVAL);

	/* the caller's cap */
	buf small;
	buf_init(&small, 2000);
	assert_int_equal(buf_puts(&small, "keep"), 0);
	assert_int_equal(ticket_pdf(sample, NSAMPLE, &small), GLOVED_ETOOBIG);
	assert_int_equal(small.len, 4);
	buf_free(&small);
}

typedef struct job {
	buf out;
	int rc;
} job;

static void *make_one(void *arg)
{
	job *j = arg;
	j->rc = ticket_pdf(sample, NSAMPLE, &j->out);
	return NULL;
}

/* Concurrent calls share nothing: each gives the bytes a lone call gives. */
static void test_threads(void **state)
{
	(void)state;
	buf want;
	buf_init(&want, 0);
	assert_int_equal(ticket_pdf(sample, NSAMPLE, &want), GLOVED_OK);
	enum { N = 4 };
	pthread_t th[N];
	job jobs[N];
	for (int i = 0; i < N; i++) {
		buf_init(&jobs[i].out, 0);
		assert_int_equal(pthread_create(&th[i], NULL, make_one, &jobs[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(jobs[i].rc, GLOVED_OK);
		assert_int_equal(jobs[i].out.len, want.len);
		assert_memory_equal(jobs[i].out.data, want.data, want.len);
		buf_free(&jobs[i].out);
	}
	buf_free(&want);
}

/* 50 bundles x 20 operations: the size a cut's tickets reach, well under 1 MB. */
static void test_size(void **state)
{
	(void)state;
	static ticket_op ops[50][20];
	static char codes[50][20][24];
	static const char *names[] = {"合缝", "上拇指", "包边", "翻手套", "上里布"};
	ticket_bundle bs[50];
	for (int i = 0; i < 50; i++) {
		for (int k = 0; k < 20; k++) {
			snprintf(codes[i][k], sizeof codes[i][k], "%d-%d-K3F9Q%c", 104523 + i,
				 k + 1, 'A' + k);
			ops[i][k] = (ticket_op){k + 1, names[k % 5], codes[i][k]};
		}
		bs[i] = (ticket_bundle){"嘉祥手套厂", "O-2026-118", "SKI-01 滑雪手套",
					"8",          i + 1,        12,
					"双",         ops[i],       20};
	}
	buf b;
	buf_init(&b, 0);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(ticket_pdf(bs, 50, &b), GLOVED_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	print_message("50 bundles x 20 ops: %zu bytes in %.1f ms\n", b.len, ms);
	assert_true(b.len < 1000 * 1000);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_codes_round_trip),
	    cmocka_unit_test(test_long_routing),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test(test_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
