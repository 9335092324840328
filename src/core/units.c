/* SPDX-License-Identifier: Apache-2.0 */
/* units.c: see units.h. */
#include "core/units.h"

#include <string.h>

static const struct {
	const char *name;
	const char *zh;
	const char *alt;
	int64_t pieces;
} units[] = {
    {"piece", "只", "只", 1},
    {"pair", "双", "副", 2},
    {"dozen", "打", "打", 24},
};

int64_t unit_pieces(unit u)
{
	return (int)u >= 0 && (int)u <= UNIT_DOZEN ? units[u].pieces : 0;
}

int unit_parse(const char *s)
{
	for (int i = 0; i <= UNIT_DOZEN; i++)
		if (strcmp(s, units[i].name) == 0 || strcmp(s, units[i].zh) == 0 ||
		    strcmp(s, units[i].alt) == 0)
			return i;
	return -1;
}

const char *unit_name(unit u)
{
	return (int)u >= 0 && (int)u <= UNIT_DOZEN ? units[u].name : "?";
}

const char *unit_zh(unit u)
{
	return (int)u >= 0 && (int)u <= UNIT_DOZEN ? units[u].zh : "?";
}

int qty_pieces(qty q, int64_t *out)
{
	int64_t per = unit_pieces(q.u);
	if (per == 0 || q.n > INT64_MAX / per || q.n < -(INT64_MAX / per))
		return -1;
	*out = q.n * per;
	return 0;
}

int qty_convert(qty q, unit to, int64_t *whole, int64_t *rest_pieces)
{
	int64_t per = unit_pieces(to), p;
	if (per == 0 || qty_pieces(q, &p))
		return -1;
	*whole = p / per;
	*rest_pieces = p % per;
	return 0;
}
