/* SPDX-License-Identifier: Apache-2.0 */
/* ticket_pdf.c: see ticket_pdf.h and docs/internals/tickets.md. The input is checked in full
 * before libharu sees any of it; then one libharu document per call, whose error handler only
 * records the first error in a per-call struct (libharu's default would abort, a longjmp
 * would skip our frees), every libharu call is checked, and the document is saved to
 * libharu's memory stream and copied out in one append, so out is untouched on any error.
 * Chinese text is converted from UTF-8 to GBK with a per-call iconv descriptor and shown in
 * libharu's built-in SimSun/SimHei with the GBK-EUC-H CMap; codes are in Courier-Bold.
 * Lengths are in PDF points (1/72 inch) unless a name says mm. */
#include <hpdf.h>
#include <iconv.h>
#include <qrencode.h>

#include "util/ticket_pdf.h"
#include "util/utf8.h"
#include "util/err.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MM(x) ((HPDF_REAL)((x)*72.0 / 25.4))

/* A4 portrait and the grid; see docs/internals/tickets.md for the drawing. */
#define PAGE_W     MM(210.0)
#define PAGE_H     MM(297.0)
#define MARGIN     MM(10.0)
#define COLS       5
#define CELL_W     MM(38.0)
#define CELL_H     MM(36.0)
#define HEADER_H   MM(9.0)
#define BLOCK_GAP  MM(4.0)
#define QR_SIDE    MM(20.0) /* the symbol without its quiet zone */
#define QR_TOP     MM(9.0)  /* from the cell's top to the symbol's top */
#define LABEL_BASE MM(4.5)  /* from the cell's top to the label's baseline */
#define CODE_BASE  MM(34.0) /* from the cell's top to the code's baseline */
#define CELL_PAD   MM(2.0)  /* left and right inside a cell for text */

#define HEAD_SIZE   10.0f /* header text, pt */
#define BUNDLE_SIZE 14.0f /* 扎号 N */
#define LABEL_SIZE  9.0f
#define CODE_SIZE   8.0f
#define MIN_SIZE    5.0f /* text is shrunk to fit down to this, then cut with an ellipsis */
#define LINE_TEXT   768  /* bytes of a composed line: 5 fields of TICKET_TEXT_MAX fit */

/* The first error libharu reported during one call. */
typedef struct hpdf_state {
	HPDF_STATUS error;
	HPDF_STATUS detail;
} hpdf_state;

typedef struct doc {
	HPDF_Doc pdf;
	HPDF_Font cjk;  /* SimSun, GBK-EUC-H */
	HPDF_Font bold; /* SimHei, GBK-EUC-H: the bundle number */
	HPDF_Font mono; /* Courier-Bold for the codes */
	iconv_t gbk;    /* UTF-8 to GBK */
	HPDF_Page page; /* the current page, NULL before the first */
	HPDF_REAL y;    /* the next free line on page, from the bottom */
} doc;

static void on_hpdf_error(HPDF_STATUS error, HPDF_STATUS detail, void *user)
{
	hpdf_state *st = user;
	if (st->error == HPDF_OK) {
		st->error = error;
		st->detail = detail;
	}
}

/* One UTF-8 character that prints: its length in bytes, 0 when invalid or
 * an ASCII control character. */
static size_t utf8_char(const unsigned char *s)
{
	uint32_t cp;
	size_t n = utf8_next(s, &cp);
	return n == 1 && (cp < 0x20 || cp == 0x7f) ? 0 : n;
}

/* GLOVED_OK if s is a usable text field (see ticket_pdf.h). */
static int check_text(const char *s, int may_be_empty)
{
	if (!s || (!may_be_empty && !*s))
		return GLOVED_EINVAL;
	size_t len = strnlen(s, TICKET_TEXT_MAX + 1);
	if (len > TICKET_TEXT_MAX)
		return GLOVED_ETOOBIG;
	for (size_t i = 0; i < len;) {
		size_t k = utf8_char((const unsigned char *)s + i);
		if (k == 0)
			return GLOVED_EINVAL;
		i += k;
	}
	return GLOVED_OK;
}

static int check_code(const char *s)
{
	if (!s || !*s)
		return GLOVED_EINVAL;
	size_t len = strnlen(s, TICKET_CODE_MAX + 1);
	if (len > TICKET_CODE_MAX)
		return GLOVED_ETOOBIG;
	for (size_t i = 0; i < len; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f)
			return GLOVED_EINVAL;
	return GLOVED_OK;
}

static int check_input(const ticket_bundle *bundles, size_t n)
{
	if (!bundles || n == 0)
		return GLOVED_EINVAL;
	if (n > TICKET_MAX_BUNDLES)
		return GLOVED_ETOOBIG;
	size_t cells = 0;
	for (size_t i = 0; i < n; i++) {
		const ticket_bundle *b = &bundles[i];
		if (b->n_ops > TICKET_MAX_OPS)
			return GLOVED_ETOOBIG;
		cells += b->n_ops;
		if (cells > TICKET_MAX_CELLS)
			return GLOVED_ETOOBIG;
		if (b->n_ops == 0 || !b->ops || b->bundle_no < 1 || b->qty < 1)
			return GLOVED_EINVAL;
		int rc;
		const char *texts[] = {b->firm, b->order, b->style, b->size, b->unit_zh};
		for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
			if ((rc = check_text(texts[k], 1)) != GLOVED_OK)
				return rc;
		for (size_t k = 0; k < b->n_ops; k++) {
			const ticket_op *op = &b->ops[k];
			if (op->seq < 1)
				return GLOVED_EINVAL;
			if ((rc = check_text(op->name, 0)) != GLOVED_OK ||
			    (rc = check_code(op->code)) != GLOVED_OK)
				return rc;
		}
	}
	return GLOVED_OK;
}

/* Width of text (len bytes) in font at size. */
static HPDF_REAL text_width(HPDF_Font font, const char *text, size_t len, HPDF_REAL size)
{
	HPDF_TextWidth tw = HPDF_Font_TextWidth(font, (const HPDF_BYTE *)text, (HPDF_UINT)len);
	return (HPDF_REAL)tw.width * size / 1000.0f;
}

/* Length of the GBK character at s: lead bytes 0x81..0xfe take a trail byte. */
static size_t gbk_char(const char *s)
{
	unsigned char c = (unsigned char)s[0];
	return c >= 0x81 && c <= 0xfe && s[1] ? 2 : 1;
}

/* Draws text at (x, y) (right-aligned at x when right), shrunk from size to fit max_w, and
 * past MIN_SIZE cut at a character boundary with an ellipsis. text is in the font's encoding
 * (GBK for the CJK fonts, ASCII for Courier). Returns an HPDF status. */
static HPDF_STATUS show_fit(HPDF_Page page, HPDF_Font font, const char *text, HPDF_REAL x,
			    HPDF_REAL y, HPDF_REAL max_w, HPDF_REAL size, int right)
{
	static const char ell[] = "\xa1\xad"; /* … in GBK */
	char line[LINE_TEXT + sizeof ell];
	size_t len = strnlen(text, LINE_TEXT);
	memcpy(line, text, len);
	line[len] = '\0';
	HPDF_REAL w = text_width(font, line, len, size);
	if (w > max_w) {
		size = size * max_w / w * 0.999f;
		if (size < MIN_SIZE)
			size = MIN_SIZE;
		w = text_width(font, line, len, size);
	}
	if (w > max_w) {
		/* the longest prefix that fits with the ellipsis */
		size_t keep = 0;
		for (size_t i = 0; i < len; i += gbk_char(line + i)) {
			char tmp[LINE_TEXT + sizeof ell];
			memcpy(tmp, line, i);
			memcpy(tmp + i, ell, sizeof ell);
			if (text_width(font, tmp, i + sizeof ell - 1, size) > max_w)
				break;
			keep = i;
		}
		memcpy(line + keep, ell, sizeof ell);
		len = keep + sizeof ell - 1;
		w = text_width(font, line, len, size);
	}
	HPDF_STATUS st;
	if ((st = HPDF_Page_BeginText(page)) != HPDF_OK ||
	    (st = HPDF_Page_SetFontAndSize(page, font, size)) != HPDF_OK ||
	    (st = HPDF_Page_TextOut(page, right ? x - w : x, y, line)) != HPDF_OK ||
	    (st = HPDF_Page_EndText(page)) != HPDF_OK)
		return st;
	return HPDF_OK;
}

/* Converts the UTF-8 text (valid: checked on input) to GBK in out (NUL-terminated); a
 * character GBK lacks becomes '?'. */
static int to_gbk(iconv_t cd, const char *text, char *out, size_t outsize)
{
	char *in = (char *)text; /* iconv's prototype; it does not write */
	size_t inleft = strlen(text);
	char *o = out;
	size_t oleft = outsize - 1;
	iconv(cd, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1)
			break;
		if (errno != EILSEQ || oleft == 0)
			return errno == E2BIG ? GLOVED_ETOOBIG : GLOVED_EIO;
		size_t k = utf8_char((const unsigned char *)in);
		if (k == 0)
			return GLOVED_EIO;
		*o++ = '?';
		oleft--;
		in += k;
		inleft -= k;
	}
	if (iconv(cd, NULL, NULL, &o, &oleft) == (size_t)-1)
		return GLOVED_EIO;
	*o = '\0';
	return GLOVED_OK;
}

/* Draws the QR symbol of code with its top-left corner at (x, top), side QR_SIDE: in a
 * coordinate system of one unit per module with y down, each run of dark modules of a row is
 * one rectangle and all are filled at once (no seams between modules). */
static int draw_qr(HPDF_Page page, const char *code, HPDF_REAL x, HPDF_REAL top)
{
	errno = 0;
	QRcode *qr = QRcode_encodeString(code, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return errno == ENOMEM ? GLOVED_ENOMEM : GLOVED_EINVAL;
	int rc = GLOVED_EIO;
	int w = qr->width;
	HPDF_REAL m = QR_SIDE / (HPDF_REAL)w;
	if (HPDF_Page_GSave(page) != HPDF_OK ||
	    HPDF_Page_Concat(page, m, 0, 0, -m, x, top) != HPDF_OK ||
	    HPDF_Page_SetGrayFill(page, 0) != HPDF_OK)
		goto out;
	for (int r = 0; r < w; r++) {
		const unsigned char *row = qr->data + (size_t)r * (size_t)w;
		for (int c = 0; c < w;) {
			if (!(row[c] & 1)) {
				c++;
				continue;
			}
			int start = c;
			while (c < w && (row[c] & 1))
				c++;
			if (HPDF_Page_Rectangle(page, (HPDF_REAL)start, (HPDF_REAL)r,
						(HPDF_REAL)(c - start), 1) != HPDF_OK)
				goto out;
		}
	}
	if (HPDF_Page_Fill(page) != HPDF_OK || HPDF_Page_GRestore(page) != HPDF_OK)
		goto out;
	rc = GLOVED_OK;
out:
	QRcode_free(qr);
	return rc;
}

/* One tear-off cell with its top-left corner at (x, top). */
static int draw_cell(doc *d, const ticket_op *op, HPDF_REAL x, HPDF_REAL top)
{
	static const HPDF_UINT16 dash[] = {3, 2};
	HPDF_Page page = d->page;
	if (HPDF_Page_SetDash(page, dash, 2, 0) != HPDF_OK ||
	    HPDF_Page_SetGrayStroke(page, 0.55f) != HPDF_OK ||
	    HPDF_Page_SetLineWidth(page, 0.4f) != HPDF_OK ||
	    HPDF_Page_Rectangle(page, x, top - CELL_H, CELL_W, CELL_H) != HPDF_OK ||
	    HPDF_Page_Stroke(page) != HPDF_OK || HPDF_Page_SetDash(page, NULL, 0, 0) != HPDF_OK)
		return GLOVED_EIO;

	char utf8[LINE_TEXT], label[LINE_TEXT];
	int n = snprintf(utf8, sizeof utf8, "%d  %s", op->seq, op->name);
	if (n < 0 || (size_t)n >= sizeof utf8)
		return GLOVED_EINVAL;
	int rc = to_gbk(d->gbk, utf8, label, sizeof label);
	if (rc != GLOVED_OK)
		return rc;
	if (show_fit(page, d->cjk, label, x + CELL_PAD, top - LABEL_BASE, CELL_W - 2 * CELL_PAD,
		     LABEL_SIZE, 0) != HPDF_OK)
		return GLOVED_EIO;
	rc = draw_qr(page, op->code, x + (CELL_W - QR_SIDE) / 2, top - QR_TOP);
	if (rc != GLOVED_OK)
		return rc;
	/* the code centred under the symbol */
	HPDF_REAL size = CODE_SIZE;
	HPDF_REAL w = text_width(d->mono, op->code, strlen(op->code), size);
	HPDF_REAL max_w = CELL_W - 2 * CELL_PAD;
	if (w > max_w) {
		size = size * max_w / w * 0.999f;
		w = text_width(d->mono, op->code, strlen(op->code), size);
	}
	if (show_fit(page, d->mono, op->code, x + (CELL_W + w) / 2, top - CODE_BASE, max_w, size,
		     1) != HPDF_OK)
		return GLOVED_EIO;
	return GLOVED_OK;
}

/* The header line of a block at the current y: "扎号 N" on the right, the rest on the left. */
static int draw_header(doc *d, const ticket_bundle *b, int cont)
{
	char utf8[LINE_TEXT], left[LINE_TEXT], right[64];
	int n = snprintf(utf8, sizeof utf8, "%s  订单 %s  款式 %s  尺码 %s  数量 %d%s", b->firm,
			 b->order, b->style, b->size, b->qty, b->unit_zh);
	if (n < 0 || (size_t)n >= sizeof utf8)
		return GLOVED_EINVAL;
	int rc = to_gbk(d->gbk, utf8, left, sizeof left);
	if (rc != GLOVED_OK)
		return rc;
	n = snprintf(utf8, sizeof utf8, cont ? "扎号 %d（续）" : "扎号 %d", b->bundle_no);
	if (n < 0 || (size_t)n >= sizeof utf8)
		return GLOVED_EINVAL;
	if ((rc = to_gbk(d->gbk, utf8, right, sizeof right)) != GLOVED_OK)
		return rc;
	HPDF_REAL base = d->y - MM(6.0);
	HPDF_REAL rw = text_width(d->bold, right, strlen(right), BUNDLE_SIZE);
	HPDF_REAL x1 = PAGE_W - MARGIN;
	if (show_fit(d->page, d->bold, right, x1, base, rw + 1, BUNDLE_SIZE, 1) != HPDF_OK ||
	    show_fit(d->page, d->cjk, left, MARGIN, base, x1 - MARGIN - rw - MM(4.0), HEAD_SIZE,
		     0) != HPDF_OK ||
	    HPDF_Page_SetGrayStroke(d->page, 0) != HPDF_OK ||
	    HPDF_Page_SetLineWidth(d->page, 0.8f) != HPDF_OK ||
	    HPDF_Page_MoveTo(d->page, MARGIN, d->y) != HPDF_OK ||
	    HPDF_Page_LineTo(d->page, x1, d->y) != HPDF_OK || HPDF_Page_Stroke(d->page) != HPDF_OK)
		return GLOVED_EIO;
	d->y -= HEADER_H;
	return GLOVED_OK;
}

static int new_page(doc *d)
{
	d->page = HPDF_AddPage(d->pdf);
	if (!d->page ||
	    HPDF_Page_SetSize(d->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT) != HPDF_OK)
		return GLOVED_EIO;
	d->y = PAGE_H - MARGIN;
	return GLOVED_OK;
}

/* One bundle's block: header and rows, continued on new pages as needed. */
static int draw_bundle(doc *d, const ticket_bundle *b)
{
	size_t rows = (b->n_ops + COLS - 1) / COLS;
	int rc;
	for (size_t r = 0; r < rows;) {
		if (!d->page || d->y - HEADER_H - CELL_H < MARGIN)
			if ((rc = new_page(d)) != GLOVED_OK)
				return rc;
		if ((rc = draw_header(d, b, r > 0)) != GLOVED_OK)
			return rc;
		for (; r < rows && d->y - CELL_H >= MARGIN - MM(0.01); r++) {
			for (size_t c = 0; c < COLS && r * COLS + c < b->n_ops; c++) {
				const ticket_op *op = &b->ops[r * COLS + c];
				rc = draw_cell(d, op, MARGIN + (HPDF_REAL)c * CELL_W, d->y);
				if (rc != GLOVED_OK)
					return rc;
			}
			d->y -= CELL_H;
		}
		if (r < rows)
			d->page = NULL; /* the rest goes on a new page */
	}
	d->y -= BLOCK_GAP;
	return GLOVED_OK;
}

/* Saves the document to libharu's memory stream and appends it to out in one piece. */
static int save(HPDF_Doc pdf, const hpdf_state *st, buf *out)
{
	if (HPDF_SaveToStream(pdf) != HPDF_OK || st->error != HPDF_OK)
		return GLOVED_EIO;
	HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
	if (size == 0)
		return GLOVED_EIO;
	unsigned char *bytes = malloc(size);
	if (!bytes)
		return GLOVED_ENOMEM;
	int rc = GLOVED_EIO;
	HPDF_UINT32 got = 0;
	while (got < size) {
		HPDF_UINT32 want = size - got; /* never past the end: no STREAM_EOF error */
		if (HPDF_ReadFromStream(pdf, bytes + got, &want) != HPDF_OK || want == 0)
			goto out;
		got += want;
	}
	if (st->error != HPDF_OK)
		goto out;
	rc = buf_append(out, bytes, size);
out:
	free(bytes);
	return rc;
}

int ticket_pdf(const ticket_bundle *bundles, size_t n, buf *out)
{
	if (!out)
		return GLOVED_EINVAL;
	int rc = check_input(bundles, n);
	if (rc != GLOVED_OK)
		return rc;

	hpdf_state st = {HPDF_OK, HPDF_OK};
	doc d = {0};
	d.gbk = iconv_open("GBK", "UTF-8");
	if (d.gbk == (iconv_t)-1)
		return errno == ENOMEM ? GLOVED_ENOMEM : GLOVED_EIO;
	d.pdf = HPDF_New(on_hpdf_error, &st);
	rc = GLOVED_ENOMEM;
	if (!d.pdf)
		goto out;
	rc = GLOVED_EIO;
	/* not embedding (an embedded subset of fonts-wqy-microhei lost the parts of composite
	 * glyphs in libharu 2.3.0, and weighed 330 kB): viewers bring SimSun/SimHei or their own
	 * Adobe-GB1 font; see docs/internals/tickets.md */
	if (HPDF_SetCompressionMode(d.pdf, HPDF_COMP_ALL) != HPDF_OK ||
	    HPDF_UseCNSFonts(d.pdf) != HPDF_OK || HPDF_UseCNSEncodings(d.pdf) != HPDF_OK ||
	    HPDF_SetInfoAttr(d.pdf, HPDF_INFO_CREATOR, "gloved") != HPDF_OK)
		goto out;
	d.cjk = HPDF_GetFont(d.pdf, "SimSun", "GBK-EUC-H");
	d.bold = HPDF_GetFont(d.pdf, "SimHei", "GBK-EUC-H");
	d.mono = HPDF_GetFont(d.pdf, "Courier-Bold", NULL);
	if (!d.cjk || !d.bold || !d.mono)
		goto out;
	for (size_t i = 0; i < n; i++)
		if ((rc = draw_bundle(&d, &bundles[i])) != GLOVED_OK)
			goto out;
	rc = st.error != HPDF_OK ? GLOVED_EIO : save(d.pdf, &st, out);
out:
	if (rc != GLOVED_OK && st.error == HPDF_FAILD_TO_ALLOC_MEM)
		rc = GLOVED_ENOMEM;
	HPDF_Free(d.pdf);
	iconv_close(d.gbk);
	return rc;
}
