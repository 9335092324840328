/* SPDX-License-Identifier: Apache-2.0 */
/* ticket_pdf.h: the printable bundle tickets of sewn production (docs/internals/sewn.md,
 * docs/internals/tickets.md): an A4 PDF with one block per bundle, a header line (firm,
 * order, style, size, quantity, bundle number) and one tear-off cell per operation with its
 * seq, Chinese name, a QR code of its ticket code and the code in print. The PDF is made with
 * libharu, the QR codes with libqrencode; Chinese text uses the PDF viewer's own SimSun and
 * SimHei (libharu's built-in CJK fonts, not embedded, text in GBK), which keeps the file small.
 * Pure function of its input: no global state, no temporary files, the same input gives the
 * same bytes. */
#ifndef GLOVED_UTIL_TICKET_PDF_H
#define GLOVED_UTIL_TICKET_PDF_H

#include <stddef.h>

#include "util/buf.h"

#define TICKET_MAX_BUNDLES 2000  /* bundles per document */
#define TICKET_MAX_CELLS   20000 /* operations (cells) per document, all bundles */
#define TICKET_MAX_OPS     64    /* operations per bundle */
#define TICKET_TEXT_MAX    128   /* bytes of any text field (firm, order, style, name, ...) */
#define TICKET_CODE_MAX    32    /* bytes of a ticket code */

typedef struct ticket_op {
	int seq;          /* operation number in the routing, 1.. */
	const char *name; /* Chinese operation name, UTF-8, e.g. "合缝" */
	const char *code; /* the ticket code to encode, ASCII, e.g. "104523-7-K3F9QZ" */
} ticket_op;

typedef struct ticket_bundle {
	const char *firm;    /* firm name, UTF-8 */
	const char *order;   /* order code */
	const char *style;   /* style code and name, UTF-8, e.g. "SKI-01 滑雪手套" */
	const char *size;    /* "8" or "XL" */
	int bundle_no;       /* 1.. within the order */
	int qty;             /* pairs */
	const char *unit_zh; /* "双" */
	const ticket_op *ops;
	size_t n_ops; /* 1..TICKET_MAX_OPS */
} ticket_bundle;

/* Writes the ticket PDF of bundles[0..n) and appends its bytes to out.
 *
 * Layout: A4 portrait, 5 cells of 38 x 36 mm per row; a bundle's block is its header line and
 * its rows of cells; a block that does not fit the rest of a page continues on the next one
 * (with the header repeated and marked 续), never splitting a cell. Each QR code (error
 * correction M) is 20 mm wide plus its quiet zone, drawn as filled rectangles.
 *
 * Input: n >= 1 bundles; every text non-NULL, valid UTF-8 without control characters, at most
 * TICKET_TEXT_MAX bytes (firm, order, style, size and unit may be empty, names may not);
 * codes 1..TICKET_CODE_MAX printable ASCII characters without spaces; seq, bundle_no and qty
 * >= 1; 1..TICKET_MAX_OPS ops per bundle.
 *
 * Returns GLOVED_OK; GLOVED_EINVAL for invalid input; GLOVED_ETOOBIG for more than
 * TICKET_MAX_BUNDLES bundles, TICKET_MAX_CELLS cells in all, TICKET_MAX_OPS ops in a bundle,
 * a text or code too long, or when out's cap is reached; GLOVED_EIO when libharu or iconv
 * fails; GLOVED_ENOMEM. On error out is unchanged. Characters that GBK lacks print as '?'.
 * Thread-safe: concurrent calls share nothing. */
int ticket_pdf(const ticket_bundle *bundles, size_t n, buf *out);

#endif
