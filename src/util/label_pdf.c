/* SPDX-License-Identifier: Apache-2.0 */
/* label_pdf.c: see label_pdf.h. A label is drawn in a box: the QR code at
 * the left (its side is the box's height less the margins, error
 * correction M), the text at the right, one field a line, each shrunk to
 * fit; the brand mark (a framed 区域品牌 / REGIONAL BRAND stamp) on top of
 * the text when it is a brand label. */
#include "util/label_pdf.h"
#include "util/err.h"
#include "util/pdfkit.h"

#include <stdio.h>
#include <string.h>

#define MM(x) PDFKIT_MM(x)

typedef struct layout {
	int cols, rows;
	HPDF_REAL w, h;   /* one label */
	HPDF_REAL qr;     /* QR side */
	HPDF_REAL text;   /* text size, pt */
	HPDF_REAL line;   /* line pitch */
	HPDF_REAL mark_h; /* brand mark height */
} layout;

static const layout carton_layout = {2, 3, MM(100), MM(95), MM(44), 12, MM(7.2), MM(11)};
static const layout bag_layout = {3, 8, MM(70), MM(36), MM(26), 7, MM(3.9), MM(5.5)};

static int check(const label_print *v, size_t n)
{
	if (!v || n == 0)
		return GLOVED_EINVAL;
	if (n > LABEL_PDF_MAX)
		return GLOVED_ETOOBIG;
	for (size_t i = 0; i < n; i++) {
		const char *t[] = {v[i].firm,  v[i].style,  v[i].size, v[i].lot,   v[i].day,
				   v[i].en388, v[i].serial, v[i].url,  v[i].carton};
		for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
			if (!t[k])
				return GLOVED_EINVAL;
			size_t len = strnlen(t[k], 1024);
			if (len >= 1024)
				return GLOVED_ETOOBIG;
			for (size_t j = 0; j < len;) {
				size_t cl = pdfkit_utf8_char((const unsigned char *)t[k] + j);
				if (!cl)
					return GLOVED_EINVAL;
				j += cl;
			}
		}
		if (!v[i].url[0] || !v[i].serial[0] || v[i].pairs < 1)
			return GLOVED_EINVAL;
	}
	return GLOVED_OK;
}

/* One line of UTF-8 text at (x, y) in the CJK font. */
static int line(pdfkit *k, HPDF_Page page, HPDF_Font f, const char *utf8, HPDF_REAL x, HPDF_REAL y,
		HPDF_REAL w, HPDF_REAL size)
{
	return pdfkit_text_fit(k, page, f, utf8, x, y, w, size, 4.0f);
}

static int draw_label(pdfkit *k, HPDF_Page page, const layout *L, const label_print *v, HPDF_REAL x,
		      HPDF_REAL top)
{
	static const HPDF_UINT16 dash[] = {3, 2};
	HPDF_REAL pad = MM(3);
	if (HPDF_Page_SetDash(page, dash, 2, 0) != HPDF_OK ||
	    HPDF_Page_SetGrayStroke(page, 0.6f) != HPDF_OK ||
	    HPDF_Page_SetLineWidth(page, 0.4f) != HPDF_OK ||
	    HPDF_Page_Rectangle(page, x, top - L->h, L->w, L->h) != HPDF_OK ||
	    HPDF_Page_Stroke(page) != HPDF_OK || HPDF_Page_SetDash(page, NULL, 0, 0) != HPDF_OK)
		return GLOVED_EIO;
	int rc = pdfkit_qr(page, v->url, x + pad, top - pad - MM(1), L->qr, QR_ECLEVEL_M);
	if (rc)
		return rc;
	/* the serial under the QR code */
	HPDF_REAL sy = top - pad - MM(1) - L->qr - L->text * 1.1f;
	if (pdfkit_show_fit(page, k->mono, v->serial, x + pad, sy, L->qr, L->text * 0.9f, 4.0f,
			    0) != HPDF_OK)
		return GLOVED_EIO;
	HPDF_REAL tx = x + pad + L->qr + MM(3), tw = x + L->w - pad - tx;
	HPDF_REAL y = top - pad - L->text;
	if (v->brand) {
		HPDF_REAL mh = L->mark_h;
		if (HPDF_Page_SetRGBStroke(page, 0.75f, 0.1f, 0.1f) != HPDF_OK ||
		    HPDF_Page_SetLineWidth(page, 1.2f) != HPDF_OK ||
		    HPDF_Page_Rectangle(page, tx, top - pad - mh, tw, mh) != HPDF_OK ||
		    HPDF_Page_Stroke(page) != HPDF_OK ||
		    HPDF_Page_SetRGBFill(page, 0.75f, 0.1f, 0.1f) != HPDF_OK)
			return GLOVED_EIO;
		rc = line(k, page, k->bold, "区域品牌 REGIONAL BRAND", tx + MM(1.5),
			  top - pad - mh / 2 - L->text * 0.35f, tw - MM(3), L->text);
		if (rc || HPDF_Page_SetGrayFill(page, 0) != HPDF_OK)
			return rc ? rc : GLOVED_EIO;
		y = top - pad - mh - L->line * 0.9f;
	}
	char t[PDFKIT_LINE_MAX];
	long long doz = (long long)(v->pairs / 12), rest = (long long)(v->pairs % 12);
	char qty[96];
	if (doz && rest)
		snprintf(qty, sizeof qty, "数量 %lld 双（%lld 打 %lld 双）", (long long)v->pairs,
			 doz, rest);
	else if (doz)
		snprintf(qty, sizeof qty, "数量 %lld 双（%lld 打）", (long long)v->pairs, doz);
	else
		snprintf(qty, sizeof qty, "数量 %lld 双", (long long)v->pairs);
	const char *fmt[] = {"%s",      "款式 %s",     "尺码 %s",   "%s",
			     "批号 %s", "生产日期 %s", "EN 388 %s", "箱号 %s"};
	const char *val[] = {v->firm, v->style, v->size, qty, v->lot, v->day, v->en388, v->carton};
	for (size_t i = 0; i < sizeof val / sizeof val[0]; i++) {
		if (!val[i][0] || y < top - L->h + pad)
			continue;
		snprintf(t, sizeof t, fmt[i], val[i]);
		if ((rc = line(k, page, i == 0 ? k->bold : k->cjk, t, tx, y, tw, L->text)))
			return rc;
		y -= L->line;
	}
	return GLOVED_OK;
}

int label_pdf(const label_print *v, size_t n, buf *out)
{
	int rc = out ? check(v, n) : GLOVED_EINVAL;
	if (rc)
		return rc;
	const layout *L = v[0].carton[0] ? &carton_layout : &bag_layout;
	pdfkit k;
	if ((rc = pdfkit_open(&k)))
		return rc;
	HPDF_REAL pw = MM(210), ph = MM(297);
	HPDF_REAL x0 = (pw - (HPDF_REAL)L->cols * L->w) / 2;
	HPDF_REAL y0 = ph - (ph - (HPDF_REAL)L->rows * L->h) / 2;
	HPDF_Page page = NULL;
	size_t per = (size_t)(L->cols * L->rows);
	for (size_t i = 0; i < n && !rc; i++) {
		if (i % per == 0) {
			page = HPDF_AddPage(k.pdf);
			if (!page || HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4,
						       HPDF_PAGE_PORTRAIT) != HPDF_OK) {
				rc = GLOVED_EIO;
				break;
			}
		}
		size_t c = (i % per) % (size_t)L->cols, r = (i % per) / (size_t)L->cols;
		rc = draw_label(&k, page, L, &v[i], x0 + (HPDF_REAL)c * L->w,
				y0 - (HPDF_REAL)r * L->h);
	}
	if (!rc)
		rc = k.error != HPDF_OK ? GLOVED_EIO : pdfkit_save(&k, out);
	if (rc && k.error == HPDF_FAILD_TO_ALLOC_MEM)
		rc = GLOVED_ENOMEM;
	pdfkit_close(&k);
	return rc;
}

/* Appends s to b for a ZPL ^FD field: '^' and '~' (command prefixes) become
 * spaces. */
static int zfield(buf *b, const char *s)
{
	for (const char *p = s; *p; p++) {
		char c = (*p == '^' || *p == '~') ? ' ' : *p;
		if (buf_append(b, &c, 1))
			return GLOVED_ETOOBIG;
	}
	return GLOVED_OK;
}

int label_zpl(const label_print *v, size_t n, buf *out)
{
	int rc = out ? check(v, n) : GLOVED_EINVAL;
	if (rc)
		return rc;
	buf b;
	buf_init(&b, out->max);
	int carton = v[0].carton[0] != 0;
	/* 203 dpi: 8 dots a mm */
	int w = carton ? 800 : 560, h = carton ? 760 : 288, qr_mag = carton ? 5 : 3;
	int tx = carton ? 390 : 230, fs = carton ? 30 : 18, lp = carton ? 46 : 26;
	for (size_t i = 0; i < n && !rc; i++) {
		const label_print *x = &v[i];
		char head[256];
		snprintf(head, sizeof head, "^XA^CI28^PW%d^LL%d^LH0,0\n^FO20,20^BQN,2,%d^FDMA,", w,
			 h, qr_mag);
		rc = buf_puts(&b, head) || zfield(&b, x->url) || buf_puts(&b, "^FS\n");
		int y = 24;
		if (!rc && x->brand) {
			char m[160];
			snprintf(m, sizeof m,
				 "^FO%d,%d^GB%d,%d,3^FS^FO%d,%d^A@N,%d,%d,E:SIMSUN.FNT^FD区域品牌 "
				 "REGIONAL BRAND^FS\n",
				 tx, y, w - tx - 20, lp + 8, tx + 8, y + 8, fs, fs);
			rc = buf_puts(&b, m);
			y += lp + 20;
		}
		char qty[96];
		snprintf(qty, sizeof qty, "数量 %lld 双", (long long)x->pairs);
		const char *pre[] = {"",      "款式 ",     "尺码 ",   "",
				     "批号 ", "生产日期 ", "EN 388 ", "箱号 "};
		const char *val[] = {x->firm, x->style, x->size,  qty,
				     x->lot,  x->day,   x->en388, x->carton};
		for (size_t k = 0; k < sizeof val / sizeof val[0] && !rc; k++) {
			if (!val[k][0])
				continue;
			char f[96];
			snprintf(f, sizeof f, "^FO%d,%d^A@N,%d,%d,E:SIMSUN.FNT^FD", tx, y, fs, fs);
			rc = buf_puts(&b, f) || zfield(&b, pre[k]) || zfield(&b, val[k]) ||
			     buf_puts(&b, "^FS\n");
			y += lp;
		}
		if (!rc) {
			char s[128];
			snprintf(s, sizeof s, "^FO20,%d^A0N,%d,%d^FD", h - fs - 16, fs, fs);
			rc = buf_puts(&b, s) || zfield(&b, x->serial) || buf_puts(&b, "^FS\n^XZ\n");
		}
	}
	if (!rc)
		rc = buf_append(out, b.data, b.len);
	else
		rc = GLOVED_ETOOBIG;
	buf_free(&b);
	return rc;
}
