/* SPDX-License-Identifier: Apache-2.0 */
/* aql.h: acceptance sampling by attributes, ISO 2859-1:1999 single
 * sampling. Table I gives the sample-size code letter from the lot size and
 * the inspection level; Tables II-A (normal), II-B (tightened) and II-C
 * (reduced) give the sample size and the acceptance/rejection numbers for
 * the letter and the AQL, following the tables' arrows; clause 9's
 * switching rules move a firm+style between normal, tightened and reduced
 * inspection (and stop it). The tables are data in aql.c; pure logic, no
 * I/O, no allocation. AQL values are integers x1000 (0.010 -> 10,
 * 1000 -> 1000000) so nothing is floating point. docs/internals/quality.md
 * says how the tables were read. */
#ifndef GLOVED_CORE_AQL_H
#define GLOVED_CORE_AQL_H

#include <stddef.h>
#include <stdint.h>

typedef enum aql_level {
	AQL_S1,
	AQL_S2,
	AQL_S3,
	AQL_S4,
	AQL_I,
	AQL_II,
	AQL_III,
	AQL_LEVEL_COUNT
} aql_level;
typedef enum aql_severity {
	AQL_NORMAL,
	AQL_TIGHTENED,
	AQL_REDUCED,
	AQL_SEVERITY_COUNT
} aql_severity;

/* Parses "S-1".."S-4", "I", "II", "III" into *out: 0 ok, -1 unknown (or NULL). */
int aql_level_parse(const char *s, aql_level *out);
/* The level's name as aql_level_parse reads it; "?" out of range. */
const char *aql_level_name(aql_level l);
/* Parses "normal", "tightened", "reduced": 0 ok, -1 unknown (or NULL). */
int aql_severity_parse(const char *s, aql_severity *out);
/* "normal", "tightened", "reduced"; "?" out of range. */
const char *aql_severity_name(aql_severity s);

/* The 26 AQL values of the tables as integers x1000 (0.010 -> 10 ... 1000 -> 1000000).
 * Parse accepts the table's spellings and equal decimals ("1.0","1","0.65","2.5","10","1000");
 * -1 for anything not in the table. Format writes the table's spelling ("0.010","1.0","2.5","10"):
 * 0 ok, -1 not a table value or buf too small (buf then holds ""). */
int aql_value_parse(const char *s, int32_t *milli);
int aql_value_format(int32_t milli, char *buf, size_t n);
/* Index of an AQL value in the series (0 = 0.010), -1 if not a table value. */
int aql_value_index(int32_t milli);

/* Table I: the code letter 'A'..'R' for lot_size >= 2 at level l; 0 for lot_size < 2
 * or an unknown level. */
char aql_code_letter(int64_t lot_size, aql_level l);

typedef struct aql_plan {
	char letter;
	int32_t sample;
	int32_t ac, re;
} aql_plan;

/* Tables II-A/B/C, single sampling: the plan for a lot of lot_size at level l, severity s and
 * AQL milli, following the table's arrows (the letter and sample are those of the row the arrow
 * points to). When the sample is >= the lot size, 100 % inspection: sample = lot_size (ac/re
 * of the plan kept). 0 ok, -1 bad argument (lot_size < 2 or AQL not in the table). */
int aql_plan_get(int64_t lot_size, aql_level l, aql_severity s, int32_t milli, aql_plan *out);
/* A zero-acceptance plan (a defect class no defect of which is tolerated, e.g. critical
 * defects, entered as AQL "0"): the code letter of Table I, the sample size of that letter at
 * severity s (100 % inspection when it is >= the lot), Ac 0, Re 1. 0 ok, -1 bad argument. */
int aql_plan_zero(int64_t lot_size, aql_level l, aql_severity s, aql_plan *out);

/* Per firm+style switching rules of ISO 2859-1:1999 (clause 9), a state machine over lots
 * inspected (original inspection only). */
typedef struct aql_switch {
	aql_severity severity;  /* inspection now in force */
	int stopped;            /* 1: acceptance inspection discontinued (clause 9.4) */
	int32_t score;          /* switching score (normal inspection only) */
	uint32_t recent;        /* bits of the last lots under normal: 1 = rejected, bit 0 newest */
	int32_t n_recent;       /* how many of those bits are valid (<= 5) */
	int32_t accepted_run;   /* consecutive accepted under tightened */
	int32_t rejected_tight; /* lots not accepted since tightened began (stop at 5) */
} aql_switch;

/* Normal inspection, score 0, no history. */
void aql_switch_init(aql_switch *sw);

/* The lot's outcome: accepted or not; and per class the plan used and defects found, for
 * the switching score (Ac >= 2: +3 when it would have been accepted at one AQL step tighter,
 * same code letter; Ac 0/1: +2 when accepted; else score 0). */
typedef struct aql_lot_outcome {
	int accepted;
	size_t n_classes;
	struct {
		aql_plan plan;
		int32_t milli;
		int32_t defects;
	} cls[3];
} aql_lot_outcome;

/* Applies one lot; returns what happened: 0 none, or AQL_EV_* the transition made. Reduced is
 * entered only when score >= 30 and `reduced_allowed` (the firm's "production steady, approved"
 * setting); reduced -> normal when a lot is not accepted. Tightened -> normal after 5 accepted
 * in a row. Normal -> tightened when 2 of 5 or fewer consecutive lots are not accepted.
 * Stop when the not-accepted lots under tightened reach 5. A stopped state takes no lots
 * (AQL_EV_NONE, unchanged) until aql_switch_resume. */
enum { AQL_EV_NONE = 0, AQL_EV_TO_TIGHTENED, AQL_EV_TO_NORMAL, AQL_EV_TO_REDUCED, AQL_EV_STOPPED };
int aql_switch_apply(aql_switch *sw, const aql_lot_outcome *o, int reduced_allowed);
/* Resume after a stop (the supplier has improved): tightened, counters cleared. */
void aql_switch_resume(aql_switch *sw);
/* "none", "to_tightened", "to_normal", "to_reduced", "stopped"; "?" otherwise. */
const char *aql_event_name(int ev);

#endif
