/* SPDX-License-Identifier: Apache-2.0 */
/* aql.c: ISO 2859-1:1999 single sampling as data: Table I (code letters by
 * lot size and level), the master tables II-A, II-B and II-C as one string
 * of cells per code letter (an acceptance number, or an arrow to follow),
 * and the clause 9 switching state machine. docs/internals/quality.md
 * explains how the published tables were encoded and the few cells where
 * an arrow would leave the table. */
#include "core/aql.h"

#include <string.h>

/* ---- names ---- */

static const char *const level_names[AQL_LEVEL_COUNT] = {"S-1", "S-2", "S-3", "S-4",
							 "I",   "II",  "III"};
static const char *const severity_names[AQL_SEVERITY_COUNT] = {"normal", "tightened", "reduced"};

int aql_level_parse(const char *s, aql_level *out)
{
	if (!s)
		return -1;
	for (int i = 0; i < AQL_LEVEL_COUNT; i++)
		if (!strcmp(s, level_names[i])) {
			*out = (aql_level)i;
			return 0;
		}
	return -1;
}

const char *aql_level_name(aql_level l)
{
	return (unsigned)l < AQL_LEVEL_COUNT ? level_names[l] : "?";
}

int aql_severity_parse(const char *s, aql_severity *out)
{
	if (!s)
		return -1;
	for (int i = 0; i < AQL_SEVERITY_COUNT; i++)
		if (!strcmp(s, severity_names[i])) {
			*out = (aql_severity)i;
			return 0;
		}
	return -1;
}

const char *aql_severity_name(aql_severity s)
{
	return (unsigned)s < AQL_SEVERITY_COUNT ? severity_names[s] : "?";
}

/* ---- AQL values ---- */

#define N_AQL 26

static const struct {
	int32_t milli;
	const char *spelling;
} aql_values[N_AQL] = {
    {10, "0.010"},     {15, "0.015"},   {25, "0.025"},   {40, "0.040"},   {65, "0.065"},
    {100, "0.10"},     {150, "0.15"},   {250, "0.25"},   {400, "0.40"},   {650, "0.65"},
    {1000, "1.0"},     {1500, "1.5"},   {2500, "2.5"},   {4000, "4.0"},   {6500, "6.5"},
    {10000, "10"},     {15000, "15"},   {25000, "25"},   {40000, "40"},   {65000, "65"},
    {100000, "100"},   {150000, "150"}, {250000, "250"}, {400000, "400"}, {650000, "650"},
    {1000000, "1000"},
};

int aql_value_index(int32_t milli)
{
	for (int i = 0; i < N_AQL; i++)
		if (aql_values[i].milli == milli)
			return i;
	return -1;
}

int aql_value_parse(const char *s, int32_t *milli)
{
	if (!s || !*s)
		return -1;
	int64_t whole = 0, frac = 0;
	int nint = 0, nfrac = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++, nint++) {
		if (nint >= 7)
			return -1;
		whole = whole * 10 + (*p - '0');
	}
	if (!nint)
		return -1;
	if (*p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++, nfrac++) {
			if (nfrac < 3)
				frac = frac * 10 + (*p - '0');
			else if (*p != '0')
				return -1; /* finer than the table's 0.001 */
			if (nfrac >= 12)
				return -1;
		}
		if (!nfrac)
			return -1;
	}
	if (*p)
		return -1;
	for (int k = nfrac < 3 ? nfrac : 3; k < 3; k++)
		frac *= 10;
	int64_t v = whole * 1000 + frac;
	if (v > 1000000)
		return -1;
	if (aql_value_index((int32_t)v) < 0)
		return -1;
	*milli = (int32_t)v;
	return 0;
}

int aql_value_format(int32_t milli, char *buf, size_t n)
{
	if (!buf || !n)
		return -1;
	buf[0] = 0;
	int i = aql_value_index(milli);
	if (i < 0)
		return -1;
	size_t len = strlen(aql_values[i].spelling);
	if (len + 1 > n)
		return -1;
	memcpy(buf, aql_values[i].spelling, len + 1);
	return 0;
}

/* ---- Table I: sample size code letters ---- */

#define N_LOT_RANGES 15

/* The upper bound of each lot-size range (the last is open). */
static const int64_t lot_upper[N_LOT_RANGES] = {
    8, 15, 25, 50, 90, 150, 280, 500, 1200, 3200, 10000, 35000, 150000, 500000, INT64_MAX};

/* One column of Table I per level, one letter per lot-size range. */
static const char table_i[AQL_LEVEL_COUNT][N_LOT_RANGES + 1] = {
    "AAAABBBBCCCCDDD", /* S-1 */
    "AAABBBCCCDDDEEE", /* S-2 */
    "AABBCCDDEEFFGGH", /* S-3 */
    "AABCCDEEFGGHJJK", /* S-4 */
    "AABCCDEFGHJKLMN", /* I */
    "ABCDEFGHJKLMNPQ", /* II */
    "BCDEFGHJKLMNPQR", /* III */
};

char aql_code_letter(int64_t lot_size, aql_level l)
{
	if (lot_size < 2 || (unsigned)l >= AQL_LEVEL_COUNT)
		return 0;
	for (int i = 0; i < N_LOT_RANGES; i++)
		if (lot_size <= lot_upper[i])
			return table_i[l][i];
	return 0;
}

/* ---- Tables II-A, II-B, II-C ---- */

/* Code letters in table order; S exists only in II-B, reached by arrows. */
static const char letters[] = "ABCDEFGHJKLMNPQRS";

static const int32_t sample_normal[17] = {2,   3,   5,   8,   13,  20,   32,   50,  80,
					  125, 200, 315, 500, 800, 1250, 2000, 3150};
static const int32_t sample_reduced[16] = {2,  2,  2,  3,   5,   8,   13,  20,
					   32, 50, 80, 125, 200, 315, 500, 800};

/* A cell: 'v' use the first plan below the arrow, '^' the first above, else
 * the acceptance number coded by ac_of() (Re = Ac + 1 in all three tables
 * of the 1999 edition). Columns are the 26 AQL values, 0.010 first. */
static const char normal_cells[16][27] = {
    "vvvvvvvvvvvvvv0vv12357aelu", /* A */
    "vvvvvvvvvvvvv0^v12357aeluI", /* B */
    "vvvvvvvvvvvv0^v12357aeluI^", /* C */
    "vvvvvvvvvvv0^v12357aeluI^^", /* D */
    "vvvvvvvvvv0^v12357aeluI^^^", /* E */
    "vvvvvvvvv0^v12357ael^^^^^^", /* F */
    "vvvvvvvv0^v12357ael^^^^^^^", /* G */
    "vvvvvvv0^v12357ael^^^^^^^^", /* H */
    "vvvvvv0^v12357ael^^^^^^^^^", /* J */
    "vvvvv0^v12357ael^^^^^^^^^^", /* K */
    "vvvv0^v12357ael^^^^^^^^^^^", /* L */
    "vvv0^v12357ael^^^^^^^^^^^^", /* M */
    "vv0^v12357ael^^^^^^^^^^^^^", /* N */
    "v0^v12357ael^^^^^^^^^^^^^^", /* P */
    "0^v12357ael^^^^^^^^^^^^^^^", /* Q */
    "^^12357ael^^^^^^^^^^^^^^^^", /* R */
};
static const char tightened_cells[17][27] = {
    "vvvvvvvvvvvvvvv0vv12358cir", /* A */
    "vvvvvvvvvvvvvv0^v12358cirF", /* B */
    "vvvvvvvvvvvvv0^v12358cirF^", /* C */
    "vvvvvvvvvvvv0^v12358cirF^^", /* D */
    "vvvvvvvvvvv0^v12358cirF^^^", /* E */
    "vvvvvvvvvv0^v12358ci^^^^^^", /* F */
    "vvvvvvvvv0^v12358ci^^^^^^^", /* G */
    "vvvvvvvv0^v12358ci^^^^^^^^", /* H */
    "vvvvvvv0^v12358ci^^^^^^^^^", /* J */
    "vvvvvv0^v12358ci^^^^^^^^^^", /* K */
    "vvvvv0^v12358ci^^^^^^^^^^^", /* L */
    "vvvv0^v12358ci^^^^^^^^^^^^", /* M */
    "vvv0^v12358ci^^^^^^^^^^^^^", /* N */
    "vv0^v12358ci^^^^^^^^^^^^^^", /* P */
    "v0^v12358ci^^^^^^^^^^^^^^^", /* Q */
    "0^v12358ci^^^^^^^^^^^^^^^^", /* R */
    "^^1^^^^^^^^^^^^^^^^^^^^^^^", /* S */
};
static const char reduced_cells[16][27] = {
    "vvvvvvvvvvvvvv0vv12357aelu", /* A */
    "vvvvvvvvvvvvv0^v12357aeluI", /* B */
    "vvvvvvvvvvvv0^v12357aeluI^", /* C */
    "vvvvvvvvvvv0^v12357aeluI^^", /* D */
    "vvvvvvvvvv0^v12357aeluI^^^", /* E */
    "vvvvvvvvv0^v12357ael^^^^^^", /* F */
    "vvvvvvvv0^v12357ael^^^^^^^", /* G */
    "vvvvvvv0^v12357ael^^^^^^^^", /* H */
    "vvvvvv0^v12357ael^^^^^^^^^", /* J */
    "vvvvv0^v12357ael^^^^^^^^^^", /* K */
    "vvvv0^v12357ael^^^^^^^^^^^", /* L */
    "vvv0^v12357ael^^^^^^^^^^^^", /* M */
    "vv0^v12357ael^^^^^^^^^^^^^", /* N */
    "v0^v12357ael^^^^^^^^^^^^^^", /* P */
    "0^v12357ael^^^^^^^^^^^^^^^", /* Q */
    "^^12357ael^^^^^^^^^^^^^^^^", /* R */
};

static int ac_of(char c)
{
	static const char codes[] = "012357acilruFI8e";
	static const int32_t acs[] = {0, 1, 2, 3, 5, 7, 10, 12, 18, 21, 27, 30, 41, 44, 8, 14};
	const char *p = strchr(codes, c);
	return c && p ? acs[p - codes] : -1;
}

static int letter_index(char letter)
{
	const char *p = strchr(letters, letter);
	return letter && p ? (int)(p - letters) : -1;
}

int aql_plan_get(int64_t lot_size, aql_level l, aql_severity s, int32_t milli, aql_plan *out)
{
	int col = aql_value_index(milli);
	char letter = aql_code_letter(lot_size, l);
	if (col < 0 || !letter || (unsigned)s >= AQL_SEVERITY_COUNT || !out)
		return -1;
	int row = letter_index(letter);
	int nrows = s == AQL_TIGHTENED ? 17 : 16;
	for (int steps = 0; steps < 20; steps++) {
		char c = s == AQL_NORMAL      ? normal_cells[row][col]
			 : s == AQL_TIGHTENED ? tightened_cells[row][col]
					      : reduced_cells[row][col];
		if (c == 'v' || c == '^') {
			row += c == 'v' ? 1 : -1;
			if (row < 0 || row >= nrows)
				return -1; /* not reached: the edges are encoded inward */
			continue;
		}
		int ac = ac_of(c);
		if (ac < 0)
			return -1;
		out->letter = letters[row];
		out->sample = s == AQL_REDUCED ? sample_reduced[row] : sample_normal[row];
		out->ac = ac;
		out->re = ac + 1;
		if (out->sample >= lot_size)
			out->sample = (int32_t)lot_size;
		return 0;
	}
	return -1;
}

int aql_plan_zero(int64_t lot_size, aql_level l, aql_severity s, aql_plan *out)
{
	char letter = aql_code_letter(lot_size, l);
	if (!letter || (unsigned)s >= AQL_SEVERITY_COUNT || !out)
		return -1;
	int row = letter_index(letter);
	out->letter = letter;
	out->sample = s == AQL_REDUCED ? sample_reduced[row] : sample_normal[row];
	out->ac = 0;
	out->re = 1;
	if (out->sample >= lot_size)
		out->sample = (int32_t)lot_size;
	return 0;
}

/* ---- switching rules (clause 9) ---- */

void aql_switch_init(aql_switch *sw)
{
	memset(sw, 0, sizeof *sw);
	sw->severity = AQL_NORMAL;
}

static void enter(aql_switch *sw, aql_severity s)
{
	int stopped = sw->stopped;
	aql_switch_init(sw);
	sw->severity = s;
	sw->stopped = stopped;
}

/* The acceptance number one AQL step tighter on the same code letter's row
 * of Table II-A; -1 when there is none (leftmost column or an arrow). */
static int tighter_ac(const aql_plan *p, int32_t milli)
{
	int col = aql_value_index(milli), row = letter_index(p->letter);
	if (col < 1 || row < 0 || row >= 16)
		return -1;
	return ac_of(normal_cells[row][col - 1]);
}

/* The switching score after an accepted lot (9.3.3): each class adds 3
 * (Ac >= 2, accepted one step tighter) or 2 (Ac 0/1); a class with Ac >= 2
 * not accepted one step tighter resets the score. With several classes the
 * lot adds the smallest of the classes' increments. */
static void score_lot(aql_switch *sw, const aql_lot_outcome *o)
{
	if (!o->accepted) {
		sw->score = 0;
		return;
	}
	int add = 3;
	size_t n = o->n_classes < 3 ? o->n_classes : 3;
	for (size_t i = 0; i < n; i++) {
		const aql_plan *p = &o->cls[i].plan;
		if (p->ac >= 2) {
			int t = tighter_ac(p, o->cls[i].milli);
			if (t < 0 || o->cls[i].defects > t) {
				sw->score = 0;
				return;
			}
		} else {
			add = 2;
		}
	}
	if (!n)
		add = 2;
	sw->score += add;
}

static int popcount5(uint32_t v)
{
	int c = 0;
	for (int i = 0; i < 5; i++)
		c += (int)((v >> i) & 1u);
	return c;
}

int aql_switch_apply(aql_switch *sw, const aql_lot_outcome *o, int reduced_allowed)
{
	if (!sw || !o || sw->stopped)
		return AQL_EV_NONE;
	switch (sw->severity) {
	case AQL_NORMAL:
		sw->recent = ((sw->recent << 1) | (o->accepted ? 0u : 1u)) & 0x1fu;
		if (sw->n_recent < 5)
			sw->n_recent++;
		if (popcount5(sw->recent) >= 2) {
			enter(sw, AQL_TIGHTENED);
			return AQL_EV_TO_TIGHTENED;
		}
		score_lot(sw, o);
		if (sw->score >= 30 && reduced_allowed) {
			enter(sw, AQL_REDUCED);
			return AQL_EV_TO_REDUCED;
		}
		return AQL_EV_NONE;
	case AQL_TIGHTENED:
		if (o->accepted) {
			if (++sw->accepted_run >= 5) {
				enter(sw, AQL_NORMAL);
				return AQL_EV_TO_NORMAL;
			}
			return AQL_EV_NONE;
		}
		sw->accepted_run = 0;
		if (++sw->rejected_tight >= 5) {
			sw->stopped = 1;
			return AQL_EV_STOPPED;
		}
		return AQL_EV_NONE;
	case AQL_REDUCED:
		if (!o->accepted) {
			enter(sw, AQL_NORMAL);
			return AQL_EV_TO_NORMAL;
		}
		return AQL_EV_NONE;
	default:
		return AQL_EV_NONE;
	}
}

void aql_switch_resume(aql_switch *sw)
{
	aql_switch_init(sw);
	sw->severity = AQL_TIGHTENED;
}

const char *aql_event_name(int ev)
{
	static const char *const names[] = {"none", "to_tightened", "to_normal", "to_reduced",
					    "stopped"};
	return ev >= 0 && ev <= AQL_EV_STOPPED ? names[ev] : "?";
}
