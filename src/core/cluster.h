/* SPDX-License-Identifier: Apache-2.0 */
/* cluster.h: the rules of the cluster's own work, as pure functions: the
 * size class of a firm (the national statistics bureau's classification of
 * industrial enterprises, 2017), what a firm shares with the cluster, the
 * fields of the monthly statistics form, a plan indicator's progress
 * against its target, and the signed text of a training certificate.
 * app/cluster.c and app/talent.c put them to work on stored rows; no I/O.
 * docs/internals/cluster.md explains each. */
#ifndef GLOVED_CORE_CLUSTER_H
#define GLOVED_CORE_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

/* ---- size classes (大中小微, 国统字〔2017〕213号, industry) ----
 * large: >= 1000 employees and >= 400 million yuan of revenue a year;
 * medium: >= 300 and >= 20 million; small: >= 20 and >= 3 million; micro:
 * the rest. A firm that meets only one of a class's two thresholds falls to
 * the class below. "Above designated size" (规模以上) is an annual main
 * business revenue of 20 million yuan or more. */
typedef enum size_class {
	SIZE_MICRO = 0,
	SIZE_SMALL = 1,
	SIZE_MEDIUM = 2,
	SIZE_LARGE = 3,
} size_class;

/* revenue_wan: a year's revenue in units of 10,000 yuan (万元). */
size_class cluster_size_class(int64_t employees, int64_t revenue_wan);
/* "micro", "small", "medium", "large" ("?" out of range). */
const char *cluster_size_name(size_class c);
/* The class of a name, or -1. */
int cluster_size_parse(const char *s);
/* 1 when a year's revenue (万元) makes a firm above designated size. */
int cluster_above_size(int64_t revenue_wan);

/* ---- the monthly statistics form ----
 * A field is entered by the firm, or measured by gloved (pre-filled from
 * the rollups; the firm may not change it). Values are integers scaled by
 * 10^decimals ("12.5" with one decimal is 125). */
#define STAT_FIELDS_MAX 32

typedef enum stat_measure {
	MEASURE_NONE = 0,      /* entered */
	MEASURE_PIECES,        /* good pieces (只) made in the month */
	MEASURE_PAIRS,         /* good pairs (双): the pieces in whole pairs (core/units) */
	MEASURE_MACHINE_HOURS, /* hours machines ran (state run) */
	MEASURE_OEE_PCT,       /* the firm's OEE of the month, percent, 2 decimals */
	MEASURE_MACHINES,      /* machines that reported in the month */
	MEASURE_COUNT
} stat_measure;

typedef struct stat_field {
	char key[33];
	char name_zh[64];
	char name_en[64];
	char unit[16];
	int decimals; /* 0..4 */
	int required; /* entered fields: must be given to file */
	stat_measure measure;
	/* the field's role in the bureau's sums and the size class */
	int role; /* STAT_ROLE_* */
} stat_field;

enum {
	STAT_ROLE_NONE = 0,
	STAT_ROLE_REVENUE = 1,   /* sales, 万元: the size class */
	STAT_ROLE_EMPLOYEES = 2, /* people: the size class */
};

/* "pieces", "pairs", "machine_hours", "oee_pct", "machines" ("" for NONE). */
const char *cluster_measure_name(stat_measure m);
/* The measure of a name ("" and NULL: MEASURE_NONE), or -1. */
int cluster_measure_parse(const char *s);
/* Checks a form: 1..STAT_FIELDS_MAX fields, keys distinct codes of
 * [a-z0-9_] (1..32), names not empty, decimals 0..4, at most one field of
 * each role and each measure, a measured field not required. 0, or -1 with
 * the index of the first bad field in *bad and why in msg. */
int cluster_form_check(const stat_field *f, size_t n, size_t *bad, char *msg, size_t len);
/* The form gloved starts a year with (the bureau's usual 统计月报): output
 * value, sales, exports, employees, energy, equipment investment, and the
 * measured fields. Fills f (STAT_FIELDS_MAX) and returns the count. */
size_t cluster_form_default(stat_field *f);

/* ---- plan indicators ----
 * A flow (output value, exports) adds up over a year: the actual is the
 * sum so far and the year's target is expected in proportion to the time
 * elapsed. A level (firms online, the digitisation rate) is a state: the
 * expected value moves from the previous year's actual (or the base) to the
 * target as the year passes. An indicator points up (more is better) or
 * down (energy per pair). */
typedef enum plan_status {
	PLAN_NO_DATA = 0,
	PLAN_MET,       /* the target is reached */
	PLAN_ON_TRACK,  /* at or beyond what the elapsed part of the year expects */
	PLAN_OFF_TRACK, /* behind it */
} plan_status;

typedef struct plan_eval {
	plan_status status;
	int64_t expected;    /* what the elapsed part of the year expects */
	int64_t progress_bp; /* actual against the target, basis points (10000: met) */
} plan_eval;

/* Evaluates an indicator for one year: flow (1) or level (0), down (1:
 * less is better), the start (the previous year's actual or the base),
 * the target, the actual so far and the part of the year elapsed in basis
 * points (10000: the year is over). has_actual 0: PLAN_NO_DATA. Values are
 * in the indicator's own scale. */
plan_eval cluster_plan_eval(int flow, int down, int64_t start, int64_t target, int64_t actual,
			    int has_actual, int64_t elapsed_bp);
/* "no_data", "met", "on_track", "off_track". */
const char *cluster_plan_status_name(plan_status s);

/* ---- training certificates ----
 * The signed text: "gloved-cert-1|serial|firm code|worker code|worker
 * name|course code|operation|level|YYYY-MM-DD". Fields may not hold '|'
 * or control characters; level 1..5; operation may be empty (a course that
 * certifies no operation). */
typedef struct cert_fields {
	char serial[24];
	char firm[33];
	char worker[33];
	char worker_name[64];
	char course[33];
	char operation[33];
	int level;
	char day[11];
} cert_fields;

/* Writes the payload into out (n bytes): 0, or -1 for a bad field or a
 * short buffer. */
int cert_payload_make(const cert_fields *f, char *out, size_t n);
/* Parses a payload: 0, or -1 when it is not one. */
int cert_payload_parse(const char *payload, cert_fields *out);

#endif
