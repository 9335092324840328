/* SPDX-License-Identifier: Apache-2.0 */
/* glovetest.h: the performance levels and markings of the glove standards
 * a lab report gives values for. From raw test values to each level and
 * the marking printed on the glove:
 *   EN 388:2016+A1:2018 (mechanical: abrasion, coupe cut, tear, puncture,
 *     ISO 13997 TDM cut, EN 13594 impact) and GB 24541-2022, which adopts
 *     the same levels and marking;
 *   EN 511:2006 (cold: convective, contact, water penetration);
 *   EN ISO 374-1:2016+A1:2018 (chemicals: type A/B/C and the letters of
 *     the test chemicals from breakthrough times);
 *   ANSI/ISEA 105-2016 cut level (A1..A9) from the ASTM F2992 load in g;
 *   EN ISO 21420:2020 (size and minimum length, dexterity, pH, Cr(VI)).
 * Pure functions, no I/O, no allocation. A value "not tested" is given as
 * a negative number (or GLOVETEST_NOT_TESTED) and marks X.
 * docs/internals/quality.md gives the tables and the rules. */
#ifndef GLOVED_CORE_GLOVETEST_H
#define GLOVED_CORE_GLOVETEST_H

#include <stddef.h>

#define GLOVETEST_NOT_TESTED (-1.0)

/* ---- EN 388:2016+A1:2018 ---- */

typedef enum en388_impact {
	EN388_IMPACT_NOT_TESTED,
	EN388_IMPACT_FAIL,
	EN388_IMPACT_PASS
} en388_impact;

typedef struct en388_values {
	double abrasion_cycles; /* EN 388 6.1, cycles; < 0 not tested */
	double coupe_index;     /* 6.2 blade cut index; < 0 not tested */
	int coupe_blunted;      /* the blade dulled in the coupe test (6.2.3): TDM decides */
	double tear_n;          /* 6.4, newtons */
	double puncture_n;      /* 6.5, newtons */
	double tdm_n;           /* 6.3, ISO 13997 cut force, newtons */
	en388_impact impact;    /* 6.6, EN 13594 */
} en388_values;

typedef struct en388_marks {
	char abrasion;   /* '0'..'4', 'X' */
	char coupe;      /* '0'..'5', 'X' (not tested or the blade dulled) */
	char tear;       /* '0'..'4', 'X' */
	char puncture;   /* '0'..'4', 'X' */
	char tdm;        /* 'A'..'F', '0' tested below 2 N, 'X' */
	int impact_p;    /* 1: the sixth character P */
	char marking[8]; /* e.g. "4X43CP", NUL-terminated */
} en388_marks;

/* Levels and marking from v into *out. 0 ok; -1 with a message naming the
 * field in msg when a value is out of range (negative other than not
 * tested, above any test's reach, not finite) or the blade dulled and no
 * TDM value was given (A1:2018: the TDM result is then the reference). */
int en388_mark(const en388_values *v, en388_marks *out, char *msg, size_t len);

/* Single properties, for tests and the dashboard: the level character of a
 * value; 'X' for a negative value. */
char en388_abrasion_level(double cycles);
char en388_coupe_level(double index);
char en388_tear_level(double newtons);
char en388_puncture_level(double newtons);
char en388_tdm_level(double newtons);

/* ---- EN 511:2006 ---- */

typedef struct en511_values {
	double convective_itr; /* thermal insulation I_TR, m2.K/W; < 0 not tested */
	double contact_r;      /* thermal resistance R, m2.K/W; < 0 not tested */
	int water;             /* -1 not tested, 0 penetrated within 30 min, 1 passed */
	char en388_abrasion;   /* the glove's EN 388 levels ('X' unknown): below 1 */
	char en388_tear;       /* caps convective and contact at level 1 */
} en511_values;

typedef struct en511_marks {
	char convective, contact, water; /* '0'..'4' / '0'..'1', 'X' */
	int capped;                      /* 1: capped at 1 by the EN 388 rule */
	char marking[4];
} en511_marks;

int en511_mark(const en511_values *v, en511_marks *out, char *msg, size_t len);

/* ---- EN ISO 374-1:2016 ---- */

#define EN374_CHEMICALS 18

typedef struct en374_result {
	char letter;    /* 'A'..'T' of Table 1 */
	double minutes; /* EN 16523-1 breakthrough time */
} en374_result;

typedef struct en374_marks {
	char type; /* 'A', 'B', 'C', or 0: not a chemical protective glove */
	char
	    letters[EN374_CHEMICALS + 1]; /* chemicals at level >= 2 (types A, B), in table order */
	int levels[EN374_CHEMICALS]; /* permeation level 0..6 per Table 1 entry, -1 not tested */
	char marking[32];            /* "Type A AJKLOP", "Type C", "" */
} en374_marks;

/* The type from the results (n at most EN374_CHEMICALS, each letter once)
 * and whether the glove passed the EN 374-2 penetration (leak) test. */
int en374_mark(const en374_result *r, size_t n, int penetration_pass, en374_marks *out, char *msg,
	       size_t len);
/* The permeation level 0..6 of a breakthrough time (EN 16523-1 via EN ISO
 * 374-1 Table 2). */
int en374_level(double minutes);
/* The test chemical of a letter ("methanol" ...), or NULL when the letter
 * is not in Table 1. */
const char *en374_chemical(char letter);

/* ---- ANSI/ISEA 105-2016 cut ---- */

/* The cut level 1..9 (A1..A9) from the ASTM F2992 load in grams; 0 below
 * A1 (200 g). */
int ansi105_cut_level(double grams);

/* ---- EN ISO 21420:2020 ---- */

/* The minimum glove length in mm of a hand size 6..11; 0 for another size. */
int en21420_min_length_mm(int size);
/* The dexterity level 1..5 from the smallest pin diameter (mm) picked up;
 * 0 when bigger than 11 mm. */
int en21420_dexterity(double pin_mm);
/* The hand size 6..11 whose hand circumference (mm) is nearest; 0 outside
 * 140..290 mm. */
int en21420_size_of_hand(double circumference_mm);
/* Innocuousness: 1 when the pH lies in (3.5, 9.5); 0 otherwise. */
int en21420_ph_ok(double ph);
/* Innocuousness of leather: 1 when Cr(VI) is below 3.0 mg/kg. */
int en21420_cr6_ok(double mg_kg);

#endif
