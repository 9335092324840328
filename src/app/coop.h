/* SPDX-License-Identifier: Apache-2.0 */
/* coop.h: firms working together, on stored rows. A firm's capability
 * profile (parsed and checked, kept as JSON); its quality record (the
 * acceptance rate of its last inspected lots); its free capacity per week
 * for the next 12 weeks in a process family (machines x planned time of
 * its shift calendar x measured OEE, or sewing operators x planned time x
 * efficiency / SMV, minus the pairs its committed orders still need); the
 * firms able and willing to take part in a cooperative order, with how
 * many were left out and why; the proposal (app/alloc.c's optimal split)
 * and every action of the capacity exchange, the design library and the
 * buyers' enquiries, each run on the writer thread in one transaction with
 * its audit entry. The rules are core/coop.h's; docs/internals/coop.md. */
#ifndef GLOVED_APP_COOP_H
#define GLOVED_APP_COOP_H

#include "app/alloc.h"
#include "app/cluster.h"
#include "app/firmcal.h"
#include "app/registry.h"
#include "app/writer.h"
#include "core/coop.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

#define COOP_LIST_MAX 16

/* ---- the capability profile ---- */
typedef struct coop_profile {
	int sewn, knitted, dipped;     /* the process families it runs */
	int32_t gauges[COOP_LIST_MAX]; /* knitting gauges (7..18) */
	size_t n_gauges;
	char compounds[COOP_LIST_MAX][33]; /* dipping: nitrile latex pu pvc neoprene */
	size_t n_compounds;
	char operations[COOP_LIST_MAX][33]; /* operation codes it can do */
	size_t n_operations;
	char certifications[COOP_LIST_MAX][33]; /* e.g. EN388, ISO9001, BSCI */
	size_t n_certifications;
	int64_t min_order_pairs;
	int64_t price_fen;     /* its price per dozen */
	int64_t operators;     /* sewing operators (sewn capacity) */
	int32_t efficiency_pm; /* their line efficiency, per mille (0: the default) */
	int64_t smv_c;         /* standard minutes of one pair x 100 (0: the default) */
	char note[256];
} coop_profile;

#define COOP_DEFAULT_SMV_C 3000 /* a sewn pair, 30 standard minutes */

/* Parses and checks a profile: GLOVED_EINVAL with msg naming the field. */
int coop_profile_parse(const char *json, size_t len, coop_profile *out, char *msg, size_t mlen);
/* The profile as its canonical JSON. GLOVED_ETOOBIG when n is short. */
int coop_profile_json(const coop_profile *p, char *out, size_t n);
/* Stores a firm's profile (canonical JSON) with its audit entry. */
int coop_profile_put(writer *w, const cluster_actor *a, const store_coop_profile *x);
/* 1 when the profile runs family ("sewn" "knitted" "dipped"). */
int coop_profile_has_family(const coop_profile *p, const char *family);

/* What a cooperative order needs (store_coop_order.need). */
typedef struct coop_need {
	char family[16];
	int32_t gauge;     /* 0: any */
	char compound[16]; /* "": any */
	char operations[COOP_LIST_MAX][33];
	size_t n_operations;
	char certifications[COOP_LIST_MAX][33];
	size_t n_certifications;
	int licensed; /* the regional brand's licence required */
} coop_need;

int coop_need_parse(const char *json, size_t len, coop_need *out, char *msg, size_t mlen);
int coop_need_json(const coop_need *x, char *out, size_t n);

/* ---- a firm's record and capacity ---- */
#define COOP_QUALITY_LOTS 20

typedef struct coop_quality {
	int64_t lots, accepted; /* of the last COOP_QUALITY_LOTS inspected */
	int32_t pm;             /* accepted per mille, -1 when none was inspected */
} coop_quality;

int coop_quality_get(store *db, int64_t enterprise_id, coop_quality *out);

typedef struct coop_capacity {
	char family[16];
	char basis[12];  /* machines operators none */
	int64_t units;   /* machines or operators */
	int32_t rate_pm; /* the OEE (machines) or efficiency (operators) used */
	int measured;    /* the OEE or efficiency is the firm's own of the last 28 days */
	int64_t smv_c;
	char smv_from[8]; /* sewn: style (the order's style's routing) profile default */
	int32_t week0_day;
	int64_t planned_ms[COOP_WEEKS]; /* planned time of one unit, each week */
	int64_t gross[COOP_WEEKS];
	int64_t committed; /* pairs its open and released orders still need, and offered parts */
	int64_t overflow;  /* committed pairs beyond the horizon */
	int64_t free[COOP_WEEKS];
} coop_capacity;

/* The free capacity of firm ent in family from week0_day on: gauge > 0
 * counts only knitting machines of that gauge; skip_order: a cooperative
 * order whose offered parts are not counted as committed (the one being
 * proposed). prof may be NULL (no operators, the defaults). Machines run
 * at their OEE measured over the 28 days before week0_day (up to
 * COOP_MAX_OEE_PM), else the default. Sewing operators run at the
 * efficiency measured from the firm's operation scans of those 28 days
 * (coop_measured_eff_pm, when enough was attended), else the profile's
 * declared one; a pair takes the SMV of the firm's style named style (the
 * cooperative order's; NULL or "" none, or the firm has no such sewn
 * style with a routing), else the profile's, else the default. */
int coop_capacity_get(store *db, registry *reg, firmcal_cache *cals, int64_t ent,
		      const coop_profile *prof, const char *family, int32_t gauge,
		      const char *style, int32_t week0_day, int64_t skip_order, int64_t now_ms,
		      coop_capacity *out);

/* ---- the firms of an order ---- */
enum {
	COOP_X_NOT_SHARED = 0, /* the firm does not share its capacity */
	COOP_X_NO_PROFILE,
	COOP_X_FAMILY,
	COOP_X_GAUGE,
	COOP_X_COMPOUND,
	COOP_X_OPERATIONS,
	COOP_X_CERTIFICATIONS,
	COOP_X_LICENCE,
	COOP_X_QUALITY,
	COOP_X_PRICE,
	COOP_X_DECLINED,
	COOP_X_NO_CAPACITY,
	COOP_X_COUNT
};
extern const char *const coop_exclusion_names[COOP_X_COUNT];

typedef struct coop_candidate {
	store_enterprise e;
	coop_profile prof;
	coop_quality q;
	coop_capacity cap;
} coop_candidate;

typedef struct coop_pool {
	coop_candidate *c;
	size_t n;
	int64_t excluded[COOP_X_COUNT];
} coop_pool;

/* The firms able and willing to take part in order o (in the whole
 * cluster) with their capacity from week0_day. */
int coop_pool_get(store *db, registry *reg, firmcal_cache *cals, const store_coop_order *o,
		  int32_t week0_day, int64_t now_ms, coop_pool *out);
void coop_pool_free(coop_pool *p);

/* ---- the proposal ---- */
typedef struct coop_proposal_res {
	alloc_result res;
	coop_pool pool;
	int64_t *x; /* pool.n x COOP_WEEKS */
	int32_t week0_day;
	int due_week;
	char body[4096];        /* what store_coop_proposal keeps */
	store_coop_part *parts; /* the proposed parts (firms with pairs) */
	size_t n_parts;
} coop_proposal_res;

/* Solves order o's split from today on and stores it: the proposed parts
 * (replacing earlier proposed ones), the proposal's figures, the audit
 * entry, one transaction. The order must be open or offered (GLOVED_EINVAL
 * otherwise). */
int coop_propose(writer *w, store *db, registry *reg, firmcal_cache *cals, const cluster_actor *a,
		 const store_coop_order *o, int32_t today, const alloc_opts *opts,
		 coop_proposal_res *out);
void coop_proposal_free(coop_proposal_res *p);
/* The two halves of coop_propose, for a caller with its own connection in
 * a transaction (the demo's seed): the solve on the reads of db, then the
 * writes on s. */
int coop_propose_solve(store *db, registry *reg, firmcal_cache *cals, const cluster_actor *a,
		       const store_coop_order *o, int32_t today, const alloc_opts *opts,
		       coop_proposal_res *out);
int coop_propose_tx(store *s, const cluster_actor *a, const store_coop_order *o,
		    const coop_proposal_res *p);

/* ---- the exchange's actions (each one transaction with its audit) ---- */
int coop_order_post(writer *w, const cluster_actor *a, store_coop_order *o);
/* Replaces the order's proposed parts by the lead's adjusted ones (each
 * checked by the caller against capacity: coop_check_parts).
 * GLOVED_EEXIST, nothing written, when one of them names a firm that
 * holds a part of the order in another status than proposed (offered,
 * accepted, declined): a part once offered is the firm's to answer and is
 * never overwritten (coop_propose keeps to this too). */
int coop_parts_adjust(writer *w, const cluster_actor *a, const store_coop_order *o,
		      const store_coop_part *parts, size_t n);
/* Checks adjusted parts against order o and its pool: the partners (the
 * firms with pairs in parts plus held_firms, the firms already holding an
 * offered or accepted part: coop_held_parts, at most o->max_partners),
 * each firm in the pool and named once, its weekly free capacity and its
 * minimum order. The sum against the order is the caller's (it knows the
 * held pairs). GLOVED_EINVAL with msg naming the figures. */
int coop_check_parts(const store_coop_order *o, const coop_pool *pool, int held_firms,
		     const store_coop_part *parts, size_t n, char *msg, size_t mlen);
/* The pairs and firms of order_id's parts already offered or accepted
 * (those a proposal or an adjustment leaves alone). */
int coop_held_parts(store *db, int64_t order_id, int64_t *pairs, int *firms);
/* Proposed parts become offered; the order offered. */
int coop_offer(writer *w, const cluster_actor *a, const store_coop_order *o);
/* A firm's answer to its offered part: accept makes a production order in
 * the firm (style_id of the firm, its pairs spread over the style's sizes,
 * due on the order's due day; *prod_order_id), decline records why. When
 * every part is accepted the order is placed. GLOVED_EINVAL (msg) when
 * the part is not offered. */
int coop_answer(writer *w, const cluster_actor *a, const store_coop_order *o, int64_t ent,
		int accept, const store_style *style, const char *reason, int64_t *prod_order_id,
		char *msg, size_t mlen);
/* A partner records the pairs it shipped to the lead so far; the order is
 * done when every accepted part is shipped in full. */
int coop_ship(writer *w, const cluster_actor *a, const store_coop_order *o, int64_t ent,
	      int64_t shipped, char *msg, size_t mlen);
/* coop_offer and coop_answer inside the caller's transaction on s. */
int coop_offer_tx(store *s, const cluster_actor *a, const store_coop_order *o);
int coop_answer_tx(store *s, const cluster_actor *a, const store_coop_order *o, int64_t ent,
		   int accept, const store_style *style, const char *reason, char *msg,
		   size_t mlen);
int coop_cancel(writer *w, const cluster_actor *a, const store_coop_order *o);

/* One part's progress as the lead sees it (no partner's workers or wages). */
typedef struct coop_progress {
	int64_t produced;  /* finished pairs of the partner's production order */
	int64_t inspected; /* pairs in its accepted lots */
	int64_t lots, lots_accepted;
	char prod_order[33];
	/* the partner's inspected lots of it, newest first (the lead traces a
	 * lot back to the firm that made it) */
	struct {
		char code[33];
		char result[12];
		int64_t pairs;
	} lot[16];
	size_t n_lot;
} coop_progress;

int coop_progress_get(store *db, firmcal_cache *cals, const store_coop_part *p, int64_t now_ms,
		      coop_progress *out);

/* ---- the design library ---- */
int coop_design_add(writer *w, const cluster_actor *a, store_design *d);
int coop_design_update(writer *w, const cluster_actor *a, const store_design *d);
int coop_design_file_add(writer *w, const cluster_actor *a, store_design_file *f);
/* A firm asks for a licence of a design (refused for its own and public
 * ones: GLOVED_EINVAL). */
int coop_licence_request(writer *w, const cluster_actor *a, const store_design *d, int64_t ent,
			 const char *note, store_design_licence *out, char *msg, size_t mlen);
/* The owner decides: granted refused revoked. */
int coop_licence_decide(writer *w, const cluster_actor *a, store_design_licence *l,
			const char *status, const char *note, char *msg, size_t mlen);
/* Makes a style of firm ent from design d (public, own, or with a granted
 * licence); the style remembers the design, and every production order of
 * it records a use and its royalty (coop_order_royalty_tx). */
int coop_design_adopt(writer *w, const cluster_actor *a, const store_design *d, int64_t ent,
		      store_style *st, char *msg, size_t mlen);
/* In the transaction that adds production order o: when its style comes
 * from a licensed design, the use and its royalty, reported in the local
 * month of the firm's zone (cals: its calendar's; NULL: the daemon's
 * zone). GLOVED_EPERM when the licence is no longer granted. */
int coop_order_royalty_tx(store *s, firmcal_cache *cals, const store_order *o, int64_t now_ms);

/* ---- enquiries ---- */
#define COOP_ROUTE_MAX 8
/* Stores a buyer's enquiry and routes it to at most COOP_ROUTE_MAX firms
 * that share their catalogue or capacity, have a capability profile that
 * runs the family (any family they run when the enquiry names none),
 * whose minimum order is no more than the enquiry's pairs, and whose free
 * capacity from today to the due week covers their minimum order and at
 * least pairs / COOP_ROUTE_MAX (rounded up): the most free capacity by
 * the due day first. The capacity only routes; the buyer never sees it.
 * *routed: how many (0 is an answer: no firm can make it in time). */
int coop_enquiry_add(writer *w, store *db, registry *reg, firmcal_cache *cals,
		     const cluster_actor *a, store_enquiry *q, int32_t today, size_t *routed);
int coop_enquiry_answer(writer *w, const cluster_actor *a, const store_enquiry_route *x);
int coop_town_page_put(writer *w, const cluster_actor *a, const store_town_page *x);
/* Audits one action without a store change of its own. */
int coop_audit(writer *w, const cluster_actor *a, int64_t ent, const char *action,
	       const char *target, const char *after);

#endif
