/* SPDX-License-Identifier: Apache-2.0 */
/* glovetest.c: the standards' level tables as data and the marking rules.
 * A value meets a level when it is at or above the level's threshold
 * (EN 388, EN 511, ANSI/ISEA 105); EN ISO 374-1 levels need a breakthrough
 * time above the threshold, as its Table 2 writes them (> 10 min ...). */
#include "core/glovetest.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* the lowest value of each level, level 1 first */
static const double abrasion_min[] = {100, 500, 2000, 8000};
static const double coupe_min[] = {1.2, 2.5, 5.0, 10.0, 20.0};
static const double tear_min[] = {10, 25, 50, 75};
static const double puncture_min[] = {20, 60, 100, 150};
static const double tdm_min[] = {2, 5, 10, 15, 22, 30};
static const double convective_min[] = {0.10, 0.15, 0.22, 0.30};
static const double contact_min[] = {0.025, 0.050, 0.100, 0.150};
static const double permeation_above[] = {10, 30, 60, 120, 240, 480};
static const double ansi_min[] = {200, 500, 1000, 1500, 2200, 3000, 4000, 5000, 6000};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int level_of(double v, const double *min, size_t n)
{
	int l = 0;
	for (size_t i = 0; i < n; i++)
		if (v >= min[i])
			l = (int)i + 1;
	return l;
}

static char digit(double v, const double *min, size_t n)
{
	return v < 0 ? 'X' : (char)('0' + level_of(v, min, n));
}

char en388_abrasion_level(double cycles)
{
	return digit(cycles, abrasion_min, N(abrasion_min));
}
char en388_coupe_level(double index)
{
	return digit(index, coupe_min, N(coupe_min));
}
char en388_tear_level(double newtons)
{
	return digit(newtons, tear_min, N(tear_min));
}
char en388_puncture_level(double newtons)
{
	return digit(newtons, puncture_min, N(puncture_min));
}
char en388_tdm_level(double newtons)
{
	if (newtons < 0)
		return 'X';
	int l = level_of(newtons, tdm_min, N(tdm_min));
	return l ? (char)('A' + l - 1) : '0';
}

/* A value is either not tested (negative) or finite and within max. */
static int check(double v, double max, const char *name, char *msg, size_t len)
{
	if (!isfinite(v) || v > max || (v < 0 && v != GLOVETEST_NOT_TESTED)) {
		snprintf(msg, len, "%s must be a number from 0 to %g, or null when not tested",
			 name, max);
		return -1;
	}
	return 0;
}

int en388_mark(const en388_values *v, en388_marks *out, char *msg, size_t len)
{
	memset(out, 0, sizeof *out);
	if (check(v->abrasion_cycles, 1e6, "abrasion_cycles", msg, len) ||
	    check(v->coupe_index, 1000, "coupe_index", msg, len) ||
	    check(v->tear_n, 10000, "tear_n", msg, len) ||
	    check(v->puncture_n, 10000, "puncture_n", msg, len) ||
	    check(v->tdm_n, 1000, "tdm_n", msg, len))
		return -1;
	if (v->coupe_blunted && v->tdm_n < 0) {
		snprintf(msg, len,
			 "tdm_n: the blade dulled in the coupe test, so the ISO 13997 (TDM) cut "
			 "result is the reference and must be given");
		return -1;
	}
	out->abrasion = en388_abrasion_level(v->abrasion_cycles);
	out->coupe = v->coupe_blunted ? 'X' : en388_coupe_level(v->coupe_index);
	out->tear = en388_tear_level(v->tear_n);
	out->puncture = en388_puncture_level(v->puncture_n);
	out->tdm = en388_tdm_level(v->tdm_n);
	out->impact_p = v->impact == EN388_IMPACT_PASS;
	out->marking[0] = out->abrasion;
	out->marking[1] = out->coupe;
	out->marking[2] = out->tear;
	out->marking[3] = out->puncture;
	out->marking[4] = out->tdm;
	out->marking[5] = out->impact_p ? 'P' : 0;
	out->marking[6] = 0;
	return 0;
}

int en511_mark(const en511_values *v, en511_marks *out, char *msg, size_t len)
{
	memset(out, 0, sizeof *out);
	if (check(v->convective_itr, 10, "convective_itr", msg, len) ||
	    check(v->contact_r, 10, "contact_r", msg, len))
		return -1;
	if (v->water < -1 || v->water > 1) {
		snprintf(msg, len, "water must be pass, fail or null when not tested");
		return -1;
	}
	out->convective = digit(v->convective_itr, convective_min, N(convective_min));
	out->contact = digit(v->contact_r, contact_min, N(contact_min));
	out->water = v->water < 0 ? 'X' : (char)('0' + v->water);
	/* EN 511 4.1: a glove below level 1 in EN 388 abrasion or tear is at
	 * most level 1 for convective and contact cold */
	if (v->en388_abrasion == '0' || v->en388_tear == '0') {
		if (out->convective > '1' && out->convective != 'X') {
			out->convective = '1';
			out->capped = 1;
		}
		if (out->contact > '1' && out->contact != 'X') {
			out->contact = '1';
			out->capped = 1;
		}
	}
	out->marking[0] = out->convective;
	out->marking[1] = out->contact;
	out->marking[2] = out->water;
	out->marking[3] = 0;
	return 0;
}

static const struct {
	char letter;
	const char *name;
} chemicals[EN374_CHEMICALS] = {
    {'A', "methanol"},
    {'B', "acetone"},
    {'C', "acetonitrile"},
    {'D', "dichloromethane"},
    {'E', "carbon disulphide"},
    {'F', "toluene"},
    {'G', "diethylamine"},
    {'H', "tetrahydrofuran"},
    {'I', "ethyl acetate"},
    {'J', "n-heptane"},
    {'K', "sodium hydroxide 40 %"},
    {'L', "sulphuric acid 96 %"},
    {'M', "nitric acid 65 %"},
    {'N', "acetic acid 99 %"},
    {'O', "ammonia 25 %"},
    {'P', "hydrogen peroxide 30 %"},
    {'S', "hydrofluoric acid 40 %"},
    {'T', "formaldehyde 37 %"},
};

static int chemical_index(char letter)
{
	for (int i = 0; i < EN374_CHEMICALS; i++)
		if (chemicals[i].letter == letter)
			return i;
	return -1;
}

const char *en374_chemical(char letter)
{
	int i = chemical_index(letter);
	return i < 0 ? NULL : chemicals[i].name;
}

int en374_level(double minutes)
{
	int l = 0;
	for (size_t i = 0; i < N(permeation_above); i++)
		if (minutes > permeation_above[i])
			l = (int)i + 1;
	return l;
}

int en374_mark(const en374_result *r, size_t n, int penetration_pass, en374_marks *out, char *msg,
	       size_t len)
{
	memset(out, 0, sizeof *out);
	for (int i = 0; i < EN374_CHEMICALS; i++)
		out->levels[i] = -1;
	if (n > EN374_CHEMICALS) {
		snprintf(msg, len, "chemicals: at most %d results (Table 1)", EN374_CHEMICALS);
		return -1;
	}
	for (size_t k = 0; k < n; k++) {
		int i = chemical_index(r[k].letter);
		if (i < 0) {
			snprintf(msg, len,
				 "chemicals[%zu].letter must be a test chemical of EN ISO 374-1 "
				 "Table 1 (A-P, S, T)",
				 k);
			return -1;
		}
		if (out->levels[i] >= 0) {
			snprintf(msg, len, "chemicals[%zu].letter: %c is given twice", k,
				 r[k].letter);
			return -1;
		}
		if (!isfinite(r[k].minutes) || r[k].minutes < 0 || r[k].minutes > 100000) {
			snprintf(msg, len,
				 "chemicals[%zu].minutes must be a breakthrough time 0..100000", k);
			return -1;
		}
		out->levels[i] = en374_level(r[k].minutes);
	}
	int at2 = 0, at1 = 0;
	size_t nl = 0;
	for (int i = 0; i < EN374_CHEMICALS; i++) {
		if (out->levels[i] >= 1)
			at1++;
		if (out->levels[i] >= 2) {
			at2++;
			out->letters[nl++] = chemicals[i].letter;
		}
	}
	out->letters[nl] = 0;
	if (!penetration_pass)
		out->type = 0;
	else if (at2 >= 6)
		out->type = 'A';
	else if (at2 >= 3)
		out->type = 'B';
	else if (at1 >= 1)
		out->type = 'C';
	if (out->type == 'A' || out->type == 'B')
		snprintf(out->marking, sizeof out->marking, "Type %c %s", out->type, out->letters);
	else if (out->type == 'C')
		snprintf(out->marking, sizeof out->marking, "Type C");
	if (out->type != 'A' && out->type != 'B')
		out->letters[0] = 0;
	return 0;
}

int ansi105_cut_level(double grams)
{
	return grams < 0 ? 0 : level_of(grams, ansi_min, N(ansi_min));
}

static const struct {
	int size;
	double circumference_mm;
	int min_length_mm;
} sizes[] = {{6, 152, 220}, {7, 178, 230},  {8, 203, 240},
	     {9, 229, 250}, {10, 254, 260}, {11, 279, 270}};

int en21420_min_length_mm(int size)
{
	for (size_t i = 0; i < N(sizes); i++)
		if (sizes[i].size == size)
			return sizes[i].min_length_mm;
	return 0;
}

int en21420_size_of_hand(double circumference_mm)
{
	if (!isfinite(circumference_mm) || circumference_mm < 140 || circumference_mm > 290)
		return 0;
	int best = 0;
	double d = 1e9;
	for (size_t i = 0; i < N(sizes); i++) {
		double x = fabs(circumference_mm - sizes[i].circumference_mm);
		if (x < d) {
			d = x;
			best = sizes[i].size;
		}
	}
	return best;
}

int en21420_dexterity(double pin_mm)
{
	static const double pin_max[] = {11.0, 9.5, 8.0, 6.5, 5.0}; /* levels 1..5 */
	int l = 0;
	if (!isfinite(pin_mm) || pin_mm <= 0)
		return 0;
	for (size_t i = 0; i < N(pin_max); i++)
		if (pin_mm <= pin_max[i])
			l = (int)i + 1;
	return l;
}

int en21420_ph_ok(double ph)
{
	return isfinite(ph) && ph > 3.5 && ph < 9.5;
}

int en21420_cr6_ok(double mg_kg)
{
	return isfinite(mg_kg) && mg_kg >= 0 && mg_kg < 3.0;
}
