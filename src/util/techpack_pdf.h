/* SPDX-License-Identifier: Apache-2.0 */
/* techpack_pdf.h: a design's tech pack (工艺单) as a one-page A4 PDF
 * (util/pdfkit.h): the design's code and name, then its rows (sizes,
 * materials, the routing's operations), each "label：value". */
#ifndef GLOVED_UTIL_TECHPACK_PDF_H
#define GLOVED_UTIL_TECHPACK_PDF_H

#include <stddef.h>

#include "util/buf.h"

typedef struct techpack_row {
	const char *label, *value; /* UTF-8 */
} techpack_row;

typedef struct techpack {
	const char *code, *name, *firm; /* UTF-8; firm may be NULL */
	const techpack_row *rows;
	size_t n_rows; /* at most 30 */
} techpack;

/* Appends the PDF to out. GLOVED_OK, GLOVED_EINVAL (no code or name, too
 * many rows), GLOVED_ENOMEM, GLOVED_EIO. */
int techpack_pdf(const techpack *t, buf *out);

#endif
