/* SPDX-License-Identifier: Apache-2.0 */
/* cluster.h: the cluster's own work on the data the firms produce: the
 * audit log of administrative actions, each firm's share settings, the
 * monthly statistics (the year's form, versioned; a firm's report
 * pre-filled with what gloved measured from the rollups, completed and
 * filed; the bureau's overview by town and size class, month on month and
 * year on year), the development plan (versioned; each indicator's actual
 * measured, from the statistics or entered, against its target) and the
 * cockpit's figures. Writes run on the writer thread (writer_call), each
 * in one transaction with its audit entry. The rules are core/cluster.h's;
 * the model is in docs/internals/cluster.md. */
#ifndef GLOVED_APP_CLUSTER_H
#define GLOVED_APP_CLUSTER_H

#include "app/firmcal.h"
#include "app/live.h"
#include "app/registry.h"
#include "app/writer.h"
#include "core/cluster.h"
#include "store/store.h"
#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>

/* ---- who acts ---- */
typedef struct cluster_actor {
	char name[64];
	char role[24];
	int64_t now_ms;
} cluster_actor;

/* Appends an audit entry on s (inside the caller's transaction). */
int cluster_audit_tx(store *s, const cluster_actor *a, int64_t enterprise_id, const char *action,
		     const char *target, const char *before, const char *after);
/* The same on the writer thread, in its own transaction. */
int cluster_audit(writer *w, const cluster_actor *a, int64_t enterprise_id, const char *action,
		  const char *target, const char *before, const char *after);

/* ---- share settings ---- */
/* The settings as JSON ({"capacity":..,"catalogue":..,"cases":..}). */
void cluster_share_json(const store_share *x, char *out, size_t n);
/* Writes a firm's settings and their audit entry (before/after). */
int cluster_share_put(writer *w, const cluster_actor *a, const store_share *x);

/* ---- the statistics form ---- */
/* The form as the JSON array the store keeps. */
int cluster_form_json(const stat_field *f, size_t n, buf *out);
/* Parses and checks a form: GLOVED_EINVAL with msg naming the field
 * ("fields[2].decimals: ..."). */
int cluster_form_parse(const char *json, size_t len, stat_field *f, size_t *n, char *msg,
		       size_t mlen);
/* A year's form (version 0: the newest). A year without one gets the
 * default form as its version 1 (written through w). */
int cluster_form_load(writer *w, store *s, int32_t year, int32_t version, store_stat_form *raw,
		      stat_field *f, size_t *n);
/* Adds a version of a year's form (checked) with its audit entry;
 * *version: the new version. */
int cluster_form_put(writer *w, const cluster_actor *a, int32_t year, const stat_field *f, size_t n,
		     int32_t *version);

/* ---- reports ---- */
/* The day the bureau expects a month's report by: the 10th of the next
 * month, local (days since 1970-01-01). */
int32_t cluster_report_due(int32_t month);
/* 1 for a valid YYYYMM (2000..2099). */
int cluster_month_ok(int32_t month);
/* month + k months (k may be negative). */
int32_t cluster_month_add(int32_t month, int k);

/* What gloved measured for a firm in a month, by measure (in each
 * measured field's scale of f), from the rollups: good pieces and pairs,
 * machine-hours run, OEE, machines that reported. */
int cluster_measure(store *s, firmcal_cache *cals, int64_t enterprise_id, int32_t month,
		    const stat_field *f, size_t n, store_stat_value *out, size_t *nout);

/* A firm's report of a month: the stored one, or a new draft of the
 * year's newest form with the measured values (a draft's measured values
 * are recomputed at each read; a filed report keeps what it was filed
 * with). f/n: the report's form (the version it was made on). */
int cluster_report_load(writer *w, store *s, store_scope sc, int64_t enterprise_id, int32_t month,
			store_stat_report *out, stat_field *f, size_t *n);

/* Saves (file 0) or files (file 1) a firm's report with its entered
 * values (given: key and value; measured keys are refused). Filing checks
 * every required field; the size class comes from the sales and employees
 * fields (sales of the month x 12 as the year's). GLOVED_EINVAL (msg names
 * the field), GLOVED_EEXIST when the month is filed already. *out: the
 * report stored. */
int cluster_report_save(writer *w, store *s, store_scope sc, const cluster_actor *a,
			int64_t enterprise_id, int32_t month, const store_stat_value *given,
			size_t n_given, int file, store_stat_report *out, char *msg, size_t mlen);

/* The bureau's overview of a month. */
#define OVERVIEW_GROUPS_MAX 64

typedef struct cluster_firm_status {
	int64_t enterprise_id;
	char code[33], name[128], town[64];
	char status[8]; /* filed draft missing */
	int late;       /* not filed and past the due day */
	char size_class[8];
	int64_t filed_ms;
} cluster_firm_status;

typedef struct cluster_group {
	char name[64]; /* a town, or a size class */
	int64_t firms_filed;
	int64_t v[STAT_FIELDS_MAX];    /* the month's sums, by field */
	int64_t prev[STAT_FIELDS_MAX]; /* the month before */
	int64_t yago[STAT_FIELDS_MAX]; /* the month a year before */
	int has_prev[STAT_FIELDS_MAX]; /* a filed report of that month was summed */
	int has_yago[STAT_FIELDS_MAX];
} cluster_group;

typedef struct cluster_overview {
	int32_t month;
	int32_t due_day;
	stat_field fields[STAT_FIELDS_MAX];
	size_t n_fields;
	cluster_firm_status *firms;
	size_t n_firms;
	size_t filed, drafts, missing, late;
	cluster_group total;
	cluster_group towns[OVERVIEW_GROUPS_MAX];
	size_t n_towns;
	cluster_group sizes[4]; /* by size_class, micro..large */
} cluster_overview;

/* Sums the filed reports of a month (and of the month before and a year
 * before) over the firms in scope. today: the local day now. */
int cluster_overview_get(writer *w, store *s, registry *reg, store_scope sc, int32_t month,
			 int32_t today, cluster_overview *out);
void cluster_overview_free(cluster_overview *o);

/* ---- the development plan ---- */
#define PLAN_INDICATORS_MAX 32
#define PLAN_YEARS_MAX      12

typedef struct plan_indicator {
	char key[33];
	char name_zh[64], name_en[64];
	char unit[16];
	int decimals;
	int flow, down, headline;
	char source[12]; /* measured statistics entered */
	char metric[40]; /* measured: a metric name; statistics: a form field key or a
			  * derived figure (docs/internals/cluster.md) */
	int32_t base_year;
	int64_t base;
	int32_t years[PLAN_YEARS_MAX];
	int64_t targets[PLAN_YEARS_MAX];
	size_t n_years;
} plan_indicator;

typedef struct plan_doc {
	char title[128];
	int32_t year0, year1;
	plan_indicator ind[PLAN_INDICATORS_MAX];
	size_t n;
} plan_doc;

/* Parses and checks a plan body: GLOVED_EINVAL with msg naming the field. */
int cluster_plan_parse(const char *json, size_t len, plan_doc *out, char *msg, size_t mlen);
/* Adds a version of the plan (checked) with its audit entry. */
int cluster_plan_put(writer *w, const cluster_actor *a, const char *json, size_t len,
		     int32_t *version, char *msg, size_t mlen);

/* Enters an indicator's actual of a year (it wins over what gloved
 * measures or sums) with its audit entry. */
int cluster_plan_actual_put(writer *w, const cluster_actor *a, const store_plan_actual *x);

/* An indicator's review: per plan year, its target, actual (has_actual)
 * and evaluation; the trend is the actuals by year. */
typedef struct plan_row {
	int32_t year;
	int64_t target, actual;
	int has_target, has_actual;
	plan_eval eval;
} plan_row;

typedef struct plan_review_item {
	const plan_indicator *ind;
	plan_row rows[PLAN_YEARS_MAX];
	size_t n_rows;
	plan_row now; /* the current year's row */
} plan_review_item;

typedef struct plan_review {
	plan_doc doc;
	int32_t version;
	int32_t year; /* the current year */
	int64_t elapsed_bp;
	plan_review_item items[PLAN_INDICATORS_MAX];
	size_t n;
	size_t off_track;
} plan_review;

/* What the world gives the measured metrics. */
typedef struct cluster_world {
	registry *reg;
	live *lv;
	firmcal_cache *cals;
	int64_t now_ms;
	int32_t today; /* local day */
} cluster_world;

/* Reviews the newest plan (GLOVED_ENOTFOUND without one) at now. */
int cluster_plan_review(store *s, const cluster_world *wd, plan_review *out);
/* The measured metrics' names ("firms_online", ...), NULL-terminated. */
extern const char *const cluster_metrics[];

/* ---- the cockpit ---- */
#define COCKPIT_TOWNS_MAX 32

typedef struct cockpit_town {
	char town[64];
	int64_t firms, firms_online;
	int64_t machines, machines_online, machines_running;
	int64_t good_today, good_yesterday; /* pieces */
	int64_t planned_ms, run_ms, ideal_ms, good_shift, reject_shift;
	int64_t oee_bp; /* -1: N/A */
} cockpit_town;

typedef struct cockpit {
	int64_t now_ms;
	cockpit_town total;
	cockpit_town towns[COCKPIT_TOWNS_MAX];
	size_t n_towns;
	int64_t labels_issued, label_scans, labels_issued_today, label_scans_today;
	int64_t licensed_firms;
	int64_t coop_orders, coop_pairs; /* cooperative orders not done or cancelled */
	plan_review plan;                /* headline indicators (plan.n == 0: no plan) */
} cockpit;

/* The cockpit's figures in scope at wd->now_ms, from the live state and
 * the rollups (never the raw samples). */
int cluster_cockpit(store *s, store_scope sc, const cluster_world *wd, cockpit *out);

/* ---- the upgrading programme ---- */
/* The six actions: brand smart_cluster design talent cooperation
 * promotion. */
extern const char *const cluster_lines[6];
/* Checks an item's kind, line, year and body (kind's fields):
 * GLOVED_EINVAL with msg. */
int cluster_prog_check(const store_prog_item *x, char *msg, size_t mlen);
/* Writes an item with its audit entry (id 0: new). */
int cluster_prog_put(writer *w, const cluster_actor *a, store_prog_item *x);

#endif
