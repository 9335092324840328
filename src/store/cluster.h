/* SPDX-License-Identifier: Apache-2.0 */
/* cluster.h: the store's cluster capability (included by store.h): what the
 * cluster's own work keeps. Each firm's share settings; the audit log of
 * administrative actions; the monthly statistics forms (versioned per
 * year) and the firms' reports with their values; the development plan
 * (versioned) and the actuals entered for it; the upgrading programme's
 * items (projects, events, typical cases); training courses, sessions,
 * enrolments, certificates and the operations a firm requires a
 * certificate for; and the aggregates of the bureau's cockpit, read from
 * the rollups. Same rules as store.h: scoped reads, the writer's connection
 * for writes. The model is in docs/internals/cluster.md; the backend table
 * at the end is what a backend fills (docs/internals/store.md). */
#ifndef GLOVED_STORE_CLUSTER_H
#define GLOVED_STORE_CLUSTER_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* ---- share settings ----
 * Aggregates (output, machines online, OEE, employees) always leave a
 * firm; capacity, catalogue and case studies only when it says so. */
typedef struct store_share {
	int64_t enterprise_id;
	int capacity, catalogue, cases;
	int64_t updated_ms;
	char by[64];
} store_share;

/* GLOVED_ENOTFOUND for a firm that never set them (all 0). */
int store_share_get(store *s, int64_t enterprise_id, store_share *out);
int store_share_put(store *s, const store_share *x);

/* ---- the audit log ---- */
typedef struct store_auditlog {
	int64_t id, ts_ms;
	int64_t enterprise_id; /* the firm acted on, 0: the cluster */
	char actor[64];
	char role[24];
	char action[48]; /* e.g. share.update, user.add, plan.put */
	char target[96];
	char before[1024]; /* JSON, "" when there was nothing */
	char after[1024];
} store_auditlog;

/* Appends an entry (id filled). */
int store_auditlog_add(store *s, store_auditlog *x);
/* Entries in scope (a firm: its own), newest first, ids below before_id
 * (0: from the newest), at most limit. */
int store_auditlog_list(store *s, store_scope sc, int64_t before_id, size_t limit,
			store_auditlog **out, size_t *n);

/* ---- the monthly statistics ---- */
typedef struct store_stat_form {
	int32_t year, version;
	char fields[8192]; /* JSON array of the fields (core/cluster.h stat_field) */
	int64_t created_ms;
	char by[64];
} store_stat_form;

/* Adds a version of a year's form (version filled: the year's newest + 1). */
int store_stat_form_add(store *s, store_stat_form *x);
/* A year's form, version 0: the newest. GLOVED_ENOTFOUND. */
int store_stat_form_get(store *s, int32_t year, int32_t version, store_stat_form *out);

#define STAT_VALUES_MAX 32

typedef struct store_stat_value {
	char key[33];
	int64_t value; /* scaled by 10^decimals of the field */
	int measured;
} store_stat_value;

typedef struct store_stat_report {
	int64_t enterprise_id;
	int32_t month; /* YYYYMM */
	int32_t form_version;
	char status[8]; /* draft filed */
	char size_class[8];
	int64_t filed_ms, updated_ms;
	char by[64];
	store_stat_value values[STAT_VALUES_MAX];
	size_t n_values;
} store_stat_report;

/* Writes a report and its values (replacing a draft's). GLOVED_EEXIST when
 * the month is filed already. */
int store_stat_report_put(store *s, store_scope sc, const store_stat_report *x);
/* GLOVED_ENOTFOUND for a month without a report. */
int store_stat_report_get(store *s, store_scope sc, int64_t enterprise_id, int32_t month,
			  store_stat_report *out);
/* Reports in scope for months [month0, month1], by month and firm. */
int store_stat_report_list(store *s, store_scope sc, int32_t month0, int32_t month1,
			   store_stat_report **out, size_t *n);

/* ---- the development plan ---- */
typedef struct store_plan {
	int32_t version;
	char body[16384]; /* JSON: {period, indicators: [...]} (docs/internals/cluster.md) */
	int64_t created_ms;
	char by[64];
} store_plan;

int store_plan_add(store *s, store_plan *x);
/* version 0: the newest. GLOVED_ENOTFOUND. */
int store_plan_get(store *s, int32_t version, store_plan *out);

typedef struct store_plan_actual {
	char indicator[33];
	int32_t year;
	int64_t value; /* the indicator's scale */
	int64_t updated_ms;
	char by[64];
} store_plan_actual;

int store_plan_actual_put(store *s, const store_plan_actual *x);
int store_plan_actual_list(store *s, store_plan_actual **out, size_t *n);

/* ---- the upgrading programme ---- */
typedef struct store_prog_item {
	int64_t id;
	char kind[8];  /* project event case */
	char line[24]; /* one of the six actions (app/cluster.c) */
	int32_t year;
	char title[128];
	char body[8192]; /* JSON of the kind's fields */
	int64_t updated_ms;
	char by[64];
} store_prog_item;

/* Inserts (id 0, id filled) or replaces item id (GLOVED_ENOTFOUND). */
int store_prog_put(store *s, store_prog_item *x);
int store_prog_get(store *s, int64_t id, store_prog_item *out);
/* Items of a kind ("" every kind), by line and id. */
int store_prog_list(store *s, const char *kind, store_prog_item **out, size_t *n);

/* ---- talent ---- */
typedef struct store_course {
	int64_t id;
	char code[33];
	char name_zh[128], name_en[128];
	char category[24];  /* sewing maintenance quality ecommerce */
	char operation[33]; /* the operation it certifies ("" none) */
	int32_t hours;
} store_course;

int store_course_add(store *s, store_course *x);
int store_course_get(store *s, int64_t id, const char *code, store_course *out);
int store_course_list(store *s, store_course **out, size_t *n);

typedef struct store_course_session {
	int64_t id, course_id;
	int32_t day0, day1; /* local days (days since 1970-01-01) */
	char trainer[64];
	char place[128];
	int32_t capacity;
	int32_t enrolled; /* filled by reads */
} store_course_session;

int store_course_session_add(store *s, store_course_session *x);
int store_course_session_get(store *s, int64_t id, store_course_session *out);
/* Sessions of a course (0: every course), by first day. */
int store_course_session_list(store *s, int64_t course_id, store_course_session **out, size_t *n);

typedef struct store_enrolment {
	int64_t session_id, enterprise_id;
	char worker[33];
	char worker_name[64];
	int32_t attended_hours;
	int32_t score; /* -1: not assessed */
	int passed;
	char cert_serial[24]; /* "" until certified */
} store_enrolment;

/* Enrols (GLOVED_EEXIST for a worker enrolled; GLOVED_EBUSY when the
 * session is full). */
int store_enrolment_add(store *s, store_scope sc, const store_enrolment *x);
/* Updates attendance, score, passed and serial of an enrolment. */
int store_enrolment_put(store *s, store_scope sc, const store_enrolment *x);
int store_enrolment_get(store *s, store_scope sc, int64_t session_id, int64_t enterprise_id,
			const char *worker, store_enrolment *out);
/* Enrolments in scope of a session (0: every session). */
int store_enrolment_list(store *s, store_scope sc, int64_t session_id, store_enrolment **out,
			 size_t *n);

typedef struct store_cert {
	char serial[24];
	int64_t enterprise_id;
	char worker[33];
	char worker_name[64];
	int64_t course_id;
	char operation[33];
	int level;
	int32_t day;
	char payload[512];
	char sig[96];
	int64_t created_ms;
} store_cert;

int store_cert_add(store *s, const store_cert *x);
/* By serial, of any firm (the public check). GLOVED_ENOTFOUND. */
int store_cert_by_serial(store *s, const char *serial, store_cert *out);
/* Certificates in scope (worker NULL: every worker of the firm), by
 * worker and day. */
int store_cert_list(store *s, store_scope sc, int64_t enterprise_id, const char *worker,
		    store_cert **out, size_t *n);

/* The operations a firm requires a certificate for, and what a scan
 * without one does: flag (recorded and flagged) or refuse. */
typedef struct store_skill_rule {
	int64_t enterprise_id;
	char operation[33];
	char mode[8]; /* flag refuse */
} store_skill_rule;

/* Sets (mode "" removes) a rule. */
int store_skill_rule_put(store *s, store_scope sc, const store_skill_rule *x);
int store_skill_rule_list(store *s, store_scope sc, int64_t enterprise_id, store_skill_rule **out,
			  size_t *n);

typedef struct store_skill_flag {
	int64_t id, enterprise_id, bundle_id;
	int32_t seq;
	char worker[33];
	char operation[33];
	int64_t ts_ms;
	int refused;
} store_skill_flag;

int store_skill_flag_add(store *s, store_skill_flag *x);
int store_skill_flag_list(store *s, store_scope sc, int64_t enterprise_id, size_t limit,
			  store_skill_flag **out, size_t *n);

/* ---- the cockpit's aggregates, from the rollups ----
 * Per firm: good pieces of the local day that starts in [day_from,
 * day_to) (the firm's day nearest the cluster's) and of the day before,
 * and the shift rollups' times of that day (for OEE). */
typedef struct store_firm_day {
	int64_t enterprise_id;
	int64_t good_today, good_yesterday;
	int64_t reject_today;
	int64_t planned_ms, run_ms, ideal_ms, good_shift, reject_shift; /* shift rollups */
	int64_t stop_ms, fault_ms, idle_ms, setup_ms, off_ms, offline_ms, unknown_ms;
} store_firm_day;

/* day_from..day_to: bucket bounds (ms) of today; the day before is the
 * buckets 24 h earlier; shift_day: today's local day number. Every firm in
 * scope with rollups, by firm. */
int store_cockpit_days(store *s, store_scope sc, int64_t day_from, int64_t day_to,
		       int32_t shift_day, store_firm_day **out, size_t *n);

/* Per firm: good pieces, run ms and machines that reported, over rollup
 * day buckets [from, to) (a month's measured statistics). */
typedef struct store_firm_month {
	int64_t enterprise_id;
	int64_t good, reject, run_ms, planned_ms, ideal_ms, machines;
	int64_t stop_ms, fault_ms, idle_ms, setup_ms, off_ms, offline_ms, unknown_ms;
	int64_t good_shift, reject_shift;
} store_firm_month;

int store_firm_month_get(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			 int32_t shift_day0, int32_t shift_day1, store_firm_month *out);

/* Labels issued and public scans, cluster-wide in scope, since since_ms
 * (0: ever). */
int store_label_counts(store *s, store_scope sc, int64_t since_ms, int64_t *issued, int64_t *scans);

/* ---- the backend table ----
 * Same rule as every capability: `version` first, new calls appended and
 * STORE_CLUSTER_VERSION raised, wrappers refuse an older table. Version 1:
 * every call above. */
#define STORE_CLUSTER_VERSION 1

typedef struct store_cluster_ops {
	int version;
	int (*share_get)(store *s, int64_t enterprise_id, store_share *out);
	int (*share_put)(store *s, const store_share *x);
	int (*auditlog_add)(store *s, store_auditlog *x);
	int (*auditlog_list)(store *s, store_scope sc, int64_t before_id, size_t limit,
			     store_auditlog **out, size_t *n);
	int (*stat_form_add)(store *s, store_stat_form *x);
	int (*stat_form_get)(store *s, int32_t year, int32_t version, store_stat_form *out);
	int (*stat_report_put)(store *s, store_scope sc, const store_stat_report *x);
	int (*stat_report_get)(store *s, store_scope sc, int64_t enterprise_id, int32_t month,
			       store_stat_report *out);
	int (*stat_report_list)(store *s, store_scope sc, int32_t month0, int32_t month1,
				store_stat_report **out, size_t *n);
	int (*plan_add)(store *s, store_plan *x);
	int (*plan_get)(store *s, int32_t version, store_plan *out);
	int (*plan_actual_put)(store *s, const store_plan_actual *x);
	int (*plan_actual_list)(store *s, store_plan_actual **out, size_t *n);
	int (*prog_put)(store *s, store_prog_item *x);
	int (*prog_get)(store *s, int64_t id, store_prog_item *out);
	int (*prog_list)(store *s, const char *kind, store_prog_item **out, size_t *n);
	int (*course_add)(store *s, store_course *x);
	int (*course_get)(store *s, int64_t id, const char *code, store_course *out);
	int (*course_list)(store *s, store_course **out, size_t *n);
	int (*course_session_add)(store *s, store_course_session *x);
	int (*course_session_get)(store *s, int64_t id, store_course_session *out);
	int (*course_session_list)(store *s, int64_t course_id, store_course_session **out,
				   size_t *n);
	int (*enrolment_add)(store *s, store_scope sc, const store_enrolment *x);
	int (*enrolment_put)(store *s, store_scope sc, const store_enrolment *x);
	int (*enrolment_get)(store *s, store_scope sc, int64_t session_id, int64_t enterprise_id,
			     const char *worker, store_enrolment *out);
	int (*enrolment_list)(store *s, store_scope sc, int64_t session_id, store_enrolment **out,
			      size_t *n);
	int (*cert_add)(store *s, const store_cert *x);
	int (*cert_by_serial)(store *s, const char *serial, store_cert *out);
	int (*cert_list)(store *s, store_scope sc, int64_t enterprise_id, const char *worker,
			 store_cert **out, size_t *n);
	int (*skill_rule_put)(store *s, store_scope sc, const store_skill_rule *x);
	int (*skill_rule_list)(store *s, store_scope sc, int64_t enterprise_id,
			       store_skill_rule **out, size_t *n);
	int (*skill_flag_add)(store *s, store_skill_flag *x);
	int (*skill_flag_list)(store *s, store_scope sc, int64_t enterprise_id, size_t limit,
			       store_skill_flag **out, size_t *n);
	int (*cockpit_days)(store *s, store_scope sc, int64_t day_from, int64_t day_to,
			    int32_t shift_day, store_firm_day **out, size_t *n);
	int (*firm_month_get)(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			      int32_t shift_day0, int32_t shift_day1, store_firm_month *out);
	int (*label_counts)(store *s, store_scope sc, int64_t since_ms, int64_t *issued,
			    int64_t *scans);
} store_cluster_ops;

#endif
