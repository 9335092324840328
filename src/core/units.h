/* SPDX-License-Identifier: Apache-2.0 */
/* units.h: the glove trade's units of quantity and the one place that
 * converts between them. A knitting machine counts pieces (只, one glove);
 * trade counts pairs (双/副, two gloves) and dozens (打, twelve pairs).
 * Quantities are integers with a unit; a conversion that does not come out
 * whole says so (the remainder, in the smaller unit), nothing is rounded
 * silently. Pure logic, no I/O. */
#ifndef GLOVED_CORE_UNITS_H
#define GLOVED_CORE_UNITS_H

#include <stdint.h>

typedef enum unit {
	UNIT_PIECE = 0, /* 只: one glove */
	UNIT_PAIR = 1,  /* 双 / 副: two gloves */
	UNIT_DOZEN = 2, /* 打: twelve pairs */
} unit;

typedef struct qty {
	int64_t n;
	unit u;
} qty;

/* Gloves in one of u (1, 2, 24). */
int64_t unit_pieces(unit u);
/* Parses "piece", "pair", "dozen" (and 只, 双, 副, 打); returns the unit or -1. */
int unit_parse(const char *s);
/* "piece", "pair", "dozen". */
const char *unit_name(unit u);
/* The Chinese sign: 只, 双, 打. */
const char *unit_zh(unit u);
/* Converts q into unit to: *whole receives the whole quantity in `to`, and
 * *rest what is left over, in pieces (0 when it divides; negative
 * quantities, corrections, keep the sign on both). Returns 0, or -1 on
 * overflow or a bad unit. */
int qty_convert(qty q, unit to, int64_t *whole, int64_t *rest_pieces);
/* q in pieces into *out; returns 0, or -1 on overflow or a bad unit. */
int qty_pieces(qty q, int64_t *out);

#endif
