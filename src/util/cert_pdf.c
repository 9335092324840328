/* SPDX-License-Identifier: Apache-2.0 */
/* cert_pdf.c: the training certificate (cert_pdf.h). */
#include "util/cert_pdf.h"

#include "util/err.h"
#include "util/pdfkit.h"

#include <stdio.h>
#include <string.h>

static int text(pdfkit *k, HPDF_Page page, HPDF_Font f, const char *utf8, HPDF_REAL x, HPDF_REAL y,
		HPDF_REAL w, HPDF_REAL size)
{
	return pdfkit_text_fit(k, page, f, utf8, x, y, w, size, 6.0f);
}

int cert_pdf(const cert_print *v, buf *out)
{
	if (!v->serial || !v->serial[0] || !v->worker_name || !v->firm_name || !v->course_zh ||
	    !v->day || !v->url || !v->url[0] || v->level < 1 || v->level > 5)
		return GLOVED_EINVAL;
	pdfkit k;
	int rc = pdfkit_open(&k);
	if (rc)
		return rc;
	HPDF_Page page = HPDF_AddPage(k.pdf);
	if (!page || HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_LANDSCAPE) != HPDF_OK) {
		pdfkit_close(&k);
		return GLOVED_EIO;
	}
	HPDF_REAL pw = HPDF_Page_GetWidth(page), ph = HPDF_Page_GetHeight(page);
	HPDF_REAL m = PDFKIT_MM(15);
	/* a double frame */
	if (HPDF_Page_SetRGBStroke(page, 0.6f, 0.1f, 0.1f) != HPDF_OK ||
	    HPDF_Page_SetLineWidth(page, 2.0f) != HPDF_OK ||
	    HPDF_Page_Rectangle(page, m, m, pw - 2 * m, ph - 2 * m) != HPDF_OK ||
	    HPDF_Page_Stroke(page) != HPDF_OK || HPDF_Page_SetLineWidth(page, 0.6f) != HPDF_OK ||
	    HPDF_Page_Rectangle(page, m + 5, m + 5, pw - 2 * m - 10, ph - 2 * m - 10) != HPDF_OK ||
	    HPDF_Page_Stroke(page) != HPDF_OK)
		rc = GLOVED_EIO;
	HPDF_REAL x = m + PDFKIT_MM(15), w = pw - 2 * x - PDFKIT_MM(55);
	HPDF_REAL y = ph - m - PDFKIT_MM(28);
	if (!rc)
		rc = text(&k, page, k.bold, "职业技能培训合格证书", x, y, w, 30);
	y -= 26;
	if (!rc)
		rc = text(&k, page, k.cjk, "Certificate of vocational skill training", x, y, w, 14);
	char line[PDFKIT_LINE_MAX];
	const struct {
		const char *zh, *en, *val;
	} rows[] = {
	    {"姓名", "Name", v->worker_name},
	    {"工号", "Worker", v->worker ? v->worker : ""},
	    {"企业", "Firm", v->firm_name},
	    {"课程", "Course", v->course_zh},
	    {"课程(英)", "Course (en)", v->course_en ? v->course_en : ""},
	    {"认证工序", "Operation", v->operation && v->operation[0] ? v->operation : "-"},
	    {"日期", "Date", v->day},
	    {"证书编号", "Serial", v->serial},
	};
	y -= 40;
	for (size_t i = 0; !rc && i < sizeof rows / sizeof rows[0]; i++) {
		snprintf(line, sizeof line, "%s %s：%s", rows[i].zh, rows[i].en, rows[i].val);
		rc = text(&k, page, k.cjk, line, x, y, w, 15);
		y -= 26;
	}
	if (!rc) {
		snprintf(line, sizeof line, "技能等级 Level：%d 级", v->level);
		rc = text(&k, page, k.bold, line, x, y, w, 16);
		y -= 34;
	}
	if (!rc && v->issuer) {
		snprintf(line, sizeof line, "颁发 Issued by：%s", v->issuer);
		rc = text(&k, page, k.cjk, line, x, y, w, 13);
	}
	HPDF_REAL qs = PDFKIT_MM(45);
	HPDF_REAL qx = pw - m - PDFKIT_MM(15) - qs, qtop = ph - m - PDFKIT_MM(40);
	if (!rc)
		rc = pdfkit_qr(page, v->url, qx, qtop, qs, QR_ECLEVEL_M);
	if (!rc)
		rc = text(&k, page, k.cjk, "扫码验证 Scan to verify", qx, qtop - qs - 16, qs, 11);
	if (!rc)
		rc = k.error != HPDF_OK ? GLOVED_EIO : pdfkit_save(&k, out);
	if (rc && k.error == HPDF_FAILD_TO_ALLOC_MEM)
		rc = GLOVED_ENOMEM;
	pdfkit_close(&k);
	return rc;
}
