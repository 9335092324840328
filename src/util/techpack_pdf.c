/* SPDX-License-Identifier: Apache-2.0 */
/* techpack_pdf.c: a design's tech pack (techpack_pdf.h). */
#include "util/techpack_pdf.h"

#include "util/err.h"
#include "util/pdfkit.h"

#include <stdio.h>

static int text(pdfkit *k, HPDF_Page page, HPDF_Font f, const char *utf8, HPDF_REAL x, HPDF_REAL y,
		HPDF_REAL w, HPDF_REAL size)
{
	return pdfkit_text_fit(k, page, f, utf8, x, y, w, size, 6.0f);
}

int techpack_pdf(const techpack *t, buf *out)
{
	if (!t->code || !t->code[0] || !t->name || !t->name[0] || t->n_rows > 30 ||
	    (t->n_rows && !t->rows))
		return GLOVED_EINVAL;
	pdfkit k;
	int rc = pdfkit_open(&k);
	if (rc)
		return rc;
	HPDF_Page page = HPDF_AddPage(k.pdf);
	if (!page || HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT) != HPDF_OK) {
		pdfkit_close(&k);
		return GLOVED_EIO;
	}
	HPDF_REAL pw = HPDF_Page_GetWidth(page), ph = HPDF_Page_GetHeight(page);
	HPDF_REAL x = PDFKIT_MM(20), w = pw - 2 * x, y = ph - PDFKIT_MM(28);
	char line[PDFKIT_LINE_MAX];
	snprintf(line, sizeof line, "工艺单 Tech pack · %s", t->code);
	rc = text(&k, page, k.bold, line, x, y, w, 20);
	y -= 28;
	if (!rc)
		rc = text(&k, page, k.cjk, t->name, x, y, w, 15);
	y -= 22;
	if (!rc && t->firm && t->firm[0]) {
		snprintf(line, sizeof line, "企业 Firm：%s", t->firm);
		rc = text(&k, page, k.cjk, line, x, y, w, 12);
		y -= 20;
	}
	if (!rc &&
	    (HPDF_Page_SetLineWidth(page, 0.8f) != HPDF_OK ||
	     HPDF_Page_MoveTo(page, x, y) != HPDF_OK ||
	     HPDF_Page_LineTo(page, x + w, y) != HPDF_OK || HPDF_Page_Stroke(page) != HPDF_OK))
		rc = GLOVED_EIO;
	y -= 24;
	for (size_t i = 0; !rc && i < t->n_rows; i++) {
		snprintf(line, sizeof line, "%s：%s", t->rows[i].label ? t->rows[i].label : "",
			 t->rows[i].value ? t->rows[i].value : "");
		rc = text(&k, page, k.cjk, line, x, y, w, 12);
		y -= 20;
	}
	if (!rc)
		rc = pdfkit_save(&k, out);
	pdfkit_close(&k);
	return rc;
}
