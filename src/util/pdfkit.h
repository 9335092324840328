/* SPDX-License-Identifier: Apache-2.0 */
/* pdfkit.h: what gloved's printed documents share (bundle tickets,
 * util/ticket_pdf.c; brand and carton labels, util/label_pdf.c): one
 * libharu document per call whose error handler records the first error
 * (libharu's default would abort), libharu's built-in SimSun/SimHei with
 * the GBK-EUC-H CMap for Chinese (not embedded: docs/internals/tickets.md)
 * and Courier-Bold for codes, UTF-8 to GBK conversion, text shrunk to fit
 * a width, QR codes (libqrencode) drawn as filled rectangles, and saving
 * to a buf in one append. Lengths in PDF points unless a name says mm. */
#ifndef GLOVED_UTIL_PDFKIT_H
#define GLOVED_UTIL_PDFKIT_H

#include <hpdf.h>
#include <iconv.h>
#include <qrencode.h>
#include <stddef.h>

#include "util/buf.h"

#define PDFKIT_MM(x)    ((HPDF_REAL)((x)*72.0 / 25.4))
#define PDFKIT_LINE_MAX 1024 /* bytes of one line of text show_fit draws */

typedef struct pdfkit {
	HPDF_Doc pdf;
	HPDF_Font cjk;             /* SimSun, GBK-EUC-H */
	HPDF_Font bold;            /* SimHei, GBK-EUC-H */
	HPDF_Font mono;            /* Courier-Bold */
	iconv_t gbk;               /* UTF-8 to GBK */
	HPDF_STATUS error, detail; /* the first error libharu reported */
} pdfkit;

/* A new compressed document with the fonts in *k (which must not move
 * while open). GLOVED_OK, GLOVED_ENOMEM or GLOVED_EIO (k closed). */
int pdfkit_open(pdfkit *k);
/* Frees the document; a zeroed or closed k is fine. */
void pdfkit_close(pdfkit *k);
/* Saves the document and appends its bytes to out in one piece (out
 * unchanged on error). */
int pdfkit_save(pdfkit *k, buf *out);
/* The length of the printable UTF-8 character at s; 0 when invalid or an
 * ASCII control character. */
size_t pdfkit_utf8_char(const unsigned char *s);
/* UTF-8 text (valid) to GBK in out (NUL-terminated); a character GBK lacks
 * becomes '?'. GLOVED_OK, GLOVED_ETOOBIG, GLOVED_EIO. */
int pdfkit_gbk(pdfkit *k, const char *text, char *out, size_t outsize);
/* Width of text (len bytes, in the font's encoding) at size. */
HPDF_REAL pdfkit_width(HPDF_Font font, const char *text, size_t len, HPDF_REAL size);
/* Draws text at (x, y) (right-aligned at x when right), shrunk from size to
 * fit max_w, and past min_size cut at a character boundary with an
 * ellipsis. text is in the font's encoding (GBK for the CJK fonts, ASCII
 * for Courier). Returns an HPDF status. */
HPDF_STATUS pdfkit_show_fit(HPDF_Page page, HPDF_Font font, const char *text, HPDF_REAL x,
			    HPDF_REAL y, HPDF_REAL max_w, HPDF_REAL size, HPDF_REAL min_size,
			    int right);
/* UTF-8 text (valid) drawn in the CJK font f as pdfkit_show_fit does
 * (left-aligned): converted to GBK first. GLOVED_OK, or the conversion's
 * error, or GLOVED_EIO. */
int pdfkit_text_fit(pdfkit *k, HPDF_Page page, HPDF_Font f, const char *utf8, HPDF_REAL x,
		    HPDF_REAL y, HPDF_REAL max_w, HPDF_REAL size, HPDF_REAL min_size);
/* Draws the QR symbol of text (8-bit mode, error correction ec) with its
 * top-left corner at (x, top) and side `side` (without the quiet zone).
 * GLOVED_OK, GLOVED_EINVAL (text too long for a QR code), GLOVED_ENOMEM,
 * GLOVED_EIO. */
int pdfkit_qr(HPDF_Page page, const char *text, HPDF_REAL x, HPDF_REAL top, HPDF_REAL side,
	      QRecLevel ec);

#endif
