/* SPDX-License-Identifier: Apache-2.0 */
/* ticket_pdf.c: see ticket_pdf.h and docs/internals/tickets.md. The input is checked in full
 * before libharu sees any of it; then one libharu document per call, whose error handler only
 * records the first error in a per-call struct (libharu's default would abort, a longjmp
 * would skip our frees), every libharu call is checked, and the document is saved to
 * libharu's memory stream and copied out in one append, so out is untouched on any error.
 * Chinese text is converted from UTF-8 to GBK with a per-call iconv descriptor and shown in
 * libharu's built-in SimSun/SimHei with the GBK-EUC-H CMap; codes are in Courier-Bold.
 * Lengths are in PDF points (1/72 inch) unless a name says mm. */
#include "util/ticket_pdf.h"
#include "util/pdfkit.h"
#include "util/utf8.h"
#include "util/err.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MM(x) PDFKIT_MM(x)

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

typedef struct doc {
	pdfkit k;       /* the document, its fonts (bold: the bundle number) */
	HPDF_Page page; /* the current page, NULL before the first */
	HPDF_REAL y;    /* the next free line on page, from the bottom */
} doc;

/* GLOVED_OK if s is a usable text field (see ticket_pdf.h). */
static int check_text(const char *s, int may_be_empty)
{
	if (!s || (!may_be_empty && !*s))
		return GLOVED_EINVAL;
	size_t len = strnlen(s, TICKET_TEXT_MAX + 1);
	if (len > TICKET_TEXT_MAX)
		return GLOVED_ETOOBIG;
	for (size_t i = 0; i < len;) {
		size_t k = pdfkit_utf8_char((const unsigned char *)s + i);
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
	int rc = pdfkit_gbk(&d->k, utf8, label, sizeof label);
	if (rc != GLOVED_OK)
		return rc;
	if (pdfkit_show_fit(page, d->k.cjk, label, x + CELL_PAD, top - LABEL_BASE,
			    CELL_W - 2 * CELL_PAD, LABEL_SIZE, MIN_SIZE, 0) != HPDF_OK)
		return GLOVED_EIO;
	rc = pdfkit_qr(page, op->code, x + (CELL_W - QR_SIDE) / 2, top - QR_TOP, QR_SIDE,
		       QR_ECLEVEL_M);
	if (rc != GLOVED_OK)
		return rc;
	/* the code centred under the symbol */
	HPDF_REAL size = CODE_SIZE;
	HPDF_REAL w = pdfkit_width(d->k.mono, op->code, strlen(op->code), size);
	HPDF_REAL max_w = CELL_W - 2 * CELL_PAD;
	if (w > max_w) {
		size = size * max_w / w * 0.999f;
		w = pdfkit_width(d->k.mono, op->code, strlen(op->code), size);
	}
	if (pdfkit_show_fit(page, d->k.mono, op->code, x + (CELL_W + w) / 2, top - CODE_BASE, max_w,
			    size, MIN_SIZE, 1) != HPDF_OK)
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
	int rc = pdfkit_gbk(&d->k, utf8, left, sizeof left);
	if (rc != GLOVED_OK)
		return rc;
	n = snprintf(utf8, sizeof utf8, cont ? "扎号 %d（续）" : "扎号 %d", b->bundle_no);
	if (n < 0 || (size_t)n >= sizeof utf8)
		return GLOVED_EINVAL;
	if ((rc = pdfkit_gbk(&d->k, utf8, right, sizeof right)) != GLOVED_OK)
		return rc;
	HPDF_REAL base = d->y - MM(6.0);
	HPDF_REAL rw = pdfkit_width(d->k.bold, right, strlen(right), BUNDLE_SIZE);
	HPDF_REAL x1 = PAGE_W - MARGIN;
	if (pdfkit_show_fit(d->page, d->k.bold, right, x1, base, rw + 1, BUNDLE_SIZE, MIN_SIZE,
			    1) != HPDF_OK ||
	    pdfkit_show_fit(d->page, d->k.cjk, left, MARGIN, base, x1 - MARGIN - rw - MM(4.0),
			    HEAD_SIZE, MIN_SIZE, 0) != HPDF_OK ||
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
	d->page = HPDF_AddPage(d->k.pdf);
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

int ticket_pdf(const ticket_bundle *bundles, size_t n, buf *out)
{
	if (!out)
		return GLOVED_EINVAL;
	int rc = check_input(bundles, n);
	if (rc != GLOVED_OK)
		return rc;
	doc d = {0};
	if ((rc = pdfkit_open(&d.k)) != GLOVED_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if ((rc = draw_bundle(&d, &bundles[i])) != GLOVED_OK)
			goto out;
	rc = d.k.error != HPDF_OK ? GLOVED_EIO : pdfkit_save(&d.k, out);
out:
	if (rc != GLOVED_OK && d.k.error == HPDF_FAILD_TO_ALLOC_MEM)
		rc = GLOVED_ENOMEM;
	pdfkit_close(&d.k);
	return rc;
}
