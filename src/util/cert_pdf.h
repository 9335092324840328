/* SPDX-License-Identifier: Apache-2.0 */
/* cert_pdf.h: the printed training certificate (util/pdfkit.h): one A4
 * landscape page with the title, the worker, firm, course, operation,
 * level and date in Chinese and English, the serial, and a QR code of the
 * link that verifies it (docs/internals/cluster.md, "Talent"). */
#ifndef GLOVED_UTIL_CERT_PDF_H
#define GLOVED_UTIL_CERT_PDF_H

#include "util/buf.h"

typedef struct cert_print {
	const char *serial, *worker_name, *worker, *firm_name, *course_zh, *course_en;
	const char *operation, *day, *url, *issuer;
	int level;
} cert_print;

/* Appends the PDF to out. GLOVED_EINVAL for a missing field or a URL too
 * long for a QR code, GLOVED_ENOMEM, GLOVED_EIO. */
int cert_pdf(const cert_print *v, buf *out);

#endif
