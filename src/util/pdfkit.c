/* SPDX-License-Identifier: Apache-2.0 */
/* pdfkit.c: see pdfkit.h. */
#include "util/pdfkit.h"
#include "util/err.h"
#include "util/utf8.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void on_hpdf_error(HPDF_STATUS error, HPDF_STATUS detail, void *user)
{
	pdfkit *k = user;
	if (k->error == HPDF_OK) {
		k->error = error;
		k->detail = detail;
	}
}

/* One UTF-8 character that prints: its length in bytes, 0 when invalid or
 * an ASCII control character. */
size_t pdfkit_utf8_char(const unsigned char *s)
{
	uint32_t cp;
	size_t n = utf8_next(s, &cp);
	return n == 1 && (cp < 0x20 || cp == 0x7f) ? 0 : n;
}

HPDF_REAL pdfkit_width(HPDF_Font font, const char *text, size_t len, HPDF_REAL size)
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

int pdfkit_text_fit(pdfkit *k, HPDF_Page page, HPDF_Font f, const char *utf8, HPDF_REAL x,
		    HPDF_REAL y, HPDF_REAL max_w, HPDF_REAL size, HPDF_REAL min_size)
{
	char g[PDFKIT_LINE_MAX];
	int rc = pdfkit_gbk(k, utf8, g, sizeof g);
	if (rc)
		return rc;
	return pdfkit_show_fit(page, f, g, x, y, max_w, size, min_size, 0) == HPDF_OK ? GLOVED_OK
										      : GLOVED_EIO;
}

HPDF_STATUS pdfkit_show_fit(HPDF_Page page, HPDF_Font font, const char *text, HPDF_REAL x,
			    HPDF_REAL y, HPDF_REAL max_w, HPDF_REAL size, HPDF_REAL min_size,
			    int right)
{
	static const char ell[] = "\xa1\xad"; /* … in GBK */
	char line[PDFKIT_LINE_MAX + sizeof ell];
	size_t len = strnlen(text, PDFKIT_LINE_MAX);
	memcpy(line, text, len);
	line[len] = '\0';
	HPDF_REAL w = pdfkit_width(font, line, len, size);
	if (w > max_w) {
		size = size * max_w / w * 0.999f;
		if (size < min_size)
			size = min_size;
		w = pdfkit_width(font, line, len, size);
	}
	if (w > max_w) {
		/* the longest prefix that fits with the ellipsis */
		size_t keep = 0;
		for (size_t i = 0; i < len; i += gbk_char(line + i)) {
			char tmp[PDFKIT_LINE_MAX + sizeof ell];
			memcpy(tmp, line, i);
			memcpy(tmp + i, ell, sizeof ell);
			if (pdfkit_width(font, tmp, i + sizeof ell - 1, size) > max_w)
				break;
			keep = i;
		}
		memcpy(line + keep, ell, sizeof ell);
		len = keep + sizeof ell - 1;
		w = pdfkit_width(font, line, len, size);
	}
	HPDF_STATUS st;
	if ((st = HPDF_Page_BeginText(page)) != HPDF_OK ||
	    (st = HPDF_Page_SetFontAndSize(page, font, size)) != HPDF_OK ||
	    (st = HPDF_Page_TextOut(page, right ? x - w : x, y, line)) != HPDF_OK ||
	    (st = HPDF_Page_EndText(page)) != HPDF_OK)
		return st;
	return HPDF_OK;
}

int pdfkit_gbk(pdfkit *k, const char *text, char *out, size_t outsize)
{
	iconv_t cd = k->gbk;
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
		size_t cl = pdfkit_utf8_char((const unsigned char *)in);
		if (cl == 0)
			return GLOVED_EIO;
		*o++ = '?';
		oleft--;
		in += cl;
		inleft -= cl;
	}
	if (iconv(cd, NULL, NULL, &o, &oleft) == (size_t)-1)
		return GLOVED_EIO;
	*o = '\0';
	return GLOVED_OK;
}

int pdfkit_qr(HPDF_Page page, const char *text, HPDF_REAL x, HPDF_REAL top, HPDF_REAL side,
	      QRecLevel ec)
{
	errno = 0;
	QRcode *qr = QRcode_encodeString(text, 0, ec, QR_MODE_8, 1);
	if (!qr)
		return errno == ENOMEM ? GLOVED_ENOMEM : GLOVED_EINVAL;
	int rc = GLOVED_EIO;
	int w = qr->width;
	HPDF_REAL m = side / (HPDF_REAL)w;
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

int pdfkit_save(pdfkit *k, buf *out)
{
	HPDF_Doc pdf = k->pdf;
	if (HPDF_SaveToStream(pdf) != HPDF_OK || k->error != HPDF_OK)
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
	if (k->error != HPDF_OK)
		goto out;
	rc = buf_append(out, bytes, size);
out:
	free(bytes);
	return rc;
}

int pdfkit_open(pdfkit *k)
{
	memset(k, 0, sizeof *k);
	k->gbk = iconv_open("GBK", "UTF-8");
	if (k->gbk == (iconv_t)-1) {
		k->gbk = NULL;
		return errno == ENOMEM ? GLOVED_ENOMEM : GLOVED_EIO;
	}
	k->pdf = HPDF_New(on_hpdf_error, k);
	if (!k->pdf) {
		pdfkit_close(k);
		return GLOVED_ENOMEM;
	}
	if (HPDF_SetCompressionMode(k->pdf, HPDF_COMP_ALL) != HPDF_OK ||
	    HPDF_UseCNSFonts(k->pdf) != HPDF_OK || HPDF_UseCNSEncodings(k->pdf) != HPDF_OK ||
	    HPDF_SetInfoAttr(k->pdf, HPDF_INFO_CREATOR, "gloved") != HPDF_OK ||
	    !(k->cjk = HPDF_GetFont(k->pdf, "SimSun", "GBK-EUC-H")) ||
	    !(k->bold = HPDF_GetFont(k->pdf, "SimHei", "GBK-EUC-H")) ||
	    !(k->mono = HPDF_GetFont(k->pdf, "Courier-Bold", NULL))) {
		int rc = k->error == HPDF_FAILD_TO_ALLOC_MEM ? GLOVED_ENOMEM : GLOVED_EIO;
		pdfkit_close(k);
		return rc;
	}
	return GLOVED_OK;
}

void pdfkit_close(pdfkit *k)
{
	if (!k)
		return;
	if (k->pdf)
		HPDF_Free(k->pdf);
	if (k->gbk)
		iconv_close(k->gbk);
	k->pdf = NULL;
	k->gbk = NULL;
}
