/* SPDX-License-Identifier: Apache-2.0 */
/* label_pdf.h: printed labels of lots (util/pdfkit.h for the PDF): a
 * carton label (A4 sheet of 2 x 3 labels of 100 x 95 mm) or a bag label (3
 * x 8 of 70 x 36 mm), each with the regional-brand mark when it is a brand
 * label, the firm, style, size, quantity in pairs (and dozens), lot,
 * production date, EN 388 marking, its serial, and one QR code of its
 * verification URL. The same labels as ZPL II for thermal printers (one
 * ^XA..^XZ format per label, 203 dpi, 100 x 95 mm or 70 x 36 mm; Chinese
 * text in the printer's resident CJK font: ^CI28 UTF-8 and font E:SIMSUN.FNT,
 * which the printer must have). Pure functions; the same input gives the
 * same bytes. */
#ifndef GLOVED_UTIL_LABEL_PDF_H
#define GLOVED_UTIL_LABEL_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define LABEL_PDF_MAX 5000 /* labels per document */

typedef struct label_print {
	const char *firm;  /* firm name, UTF-8 */
	const char *style; /* style code and name, UTF-8 */
	const char *size;
	const char *lot;
	const char *day;    /* YYYY-MM-DD */
	const char *en388;  /* "" when none */
	const char *serial; /* ASCII */
	const char *url;    /* the QR code's text, ASCII */
	const char *carton; /* the carton's code, "" for a bag */
	int64_t pairs;
	int brand; /* 1: print the regional-brand mark */
} label_print;

/* The labels v[0..n) as one PDF appended to out: carton labels when
 * v[0].carton is non-empty, bag labels otherwise. GLOVED_OK,
 * GLOVED_EINVAL (n 0, a NULL text, invalid UTF-8), GLOVED_ETOOBIG,
 * GLOVED_EIO, GLOVED_ENOMEM; out unchanged on error. */
int label_pdf(const label_print *v, size_t n, buf *out);
/* The same labels as ZPL II appended to out. */
int label_zpl(const label_print *v, size_t n, buf *out);

#endif
