/* SPDX-License-Identifier: Apache-2.0 */
/* quality.h: the quality writes and the reads that combine several store
 * calls: forming a lot from finished production (checked against the
 * order, its bundles or machines, and the firm's material lots), packing
 * cartons, the AQL plan of a lot at its firm and style's switching state,
 * an inspection (plans, defects from the catalogue, the decision, the
 * switching rules, all in one transaction), the switching settings, test
 * reports, and the facts of a lot a label carries. Writes run on the
 * writer thread (writer_call) as the sewn writes do, each in its own
 * transaction, so a check and its write see one state of the database and
 * nothing is half-written. The rules are in core/aql.c, core/glovetest.c
 * and core/defect.c; the model in docs/internals/quality.md. */
#ifndef GLOVED_APP_QUALITY_H
#define GLOVED_APP_QUALITY_H

#include "app/firmcal.h"
#include "app/writer.h"
#include "core/aql.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

#define QUALITY_MAX_LOT_BUNDLES  2000
#define QUALITY_MAX_LOT_MACHINES 200
#define QUALITY_MAX_LOT_MATS     32
#define QUALITY_MAX_CARTONS      5000

/* A lot to form. */
typedef struct quality_lot_req {
	int64_t enterprise_id;
	char code[33];
	char order[33]; /* the production order's code */
	char size[8];   /* "" : from the bundles (mixed sizes allowed) */
	int by_machines;
	/* bundles: their numbers in the order */
	int32_t bundles[QUALITY_MAX_LOT_BUNDLES];
	size_t nb;
	/* machines: their codes and the local days of production */
	char machines[QUALITY_MAX_LOT_MACHINES][33];
	size_t nm;
	int32_t from_day, to_day;
	/* material lots used */
	char mat_code[QUALITY_MAX_LOT_MATS][33];
	int64_t mat_qty_milli[QUALITY_MAX_LOT_MATS];
	size_t nmat;
	int64_t now_ms;
} quality_lot_req;

/* Forms a lot on the writer thread. GLOVED_EINVAL with msg naming the
 * field for a bundle not of the order, not finished (its last operation
 * not scanned), out at a household or already in a lot; a machine not
 * assigned to the order or already in a lot on one of the days; an
 * unknown material lot; a lot of no pieces. GLOVED_EEXIST for a code in
 * use. *out is the lot written. */
int quality_form_lot(writer *w, const quality_lot_req *req, store_lot *out, char *msg, size_t len);
/* The same on connection s in a transaction of its own (the demo seeds
 * through it before the writer runs). */
int quality_form_lot_tx(store *s, firmcal_cache *cals, const quality_lot_req *req, store_lot *out,
			char *msg, size_t len);

/* Packs a lot into cartons of pairs_per_carton pairs (the last one holds
 * the rest), coded <lot>-C001...; the cartons (malloc'd) into *out.
 * GLOVED_EEXIST when the lot has cartons already, GLOVED_EINVAL (msg)
 * for more cartons than QUALITY_MAX_CARTONS or a lot of no whole pair. */
int quality_pack(writer *w, int64_t enterprise_id, int64_t lot_id, int64_t pairs_per_carton,
		 int64_t now_ms, store_carton **out, size_t *n, char *msg, size_t len);
int quality_pack_tx(store *s, int64_t enterprise_id, int64_t lot_id, int64_t pairs_per_carton,
		    int64_t now_ms, store_carton **out, size_t *n, char *msg, size_t len);

/* A material lot (id filled); GLOVED_EEXIST for a code in use. */
int quality_add_material(writer *w, store_scope sc, store_material_lot *m);

/* The AQL per class an inspection asks for: has = 0 for a class not
 * inspected; milli 0 with has = 1: zero acceptance ("0"). */
typedef struct quality_aql {
	int has[3];
	int32_t milli[3];
} quality_aql;

/* The plan of each class for a lot of lot_pairs pairs (the unit of product
 * a glove buyer samples is the pair) at severity sev (core/aql.h; a class
 * with milli 0 gets the zero-acceptance plan). 0, or -1 with msg. */
int quality_plans(int64_t lot_pairs, aql_level level, aql_severity sev, const quality_aql *aql,
		  aql_plan plans[3], char *msg, size_t len);

/* The switching state of a firm's style (the initial state, normal, when
 * there is none yet) and the severity in force as core/aql.h's enum. */
int quality_state(store *s, int64_t enterprise_id, int64_t style_id, store_aql_state *out,
		  aql_severity *sev);

typedef struct quality_defect_req {
	char type[33];
	char cls[12]; /* "" : the catalogue's class of the type */
	int32_t count;
} quality_defect_req;

typedef struct quality_insp_req {
	int64_t enterprise_id;
	int64_t lot_id;
	aql_level level;
	quality_aql aql;
	char inspector[64];
	char by[64]; /* the user recording it */
	char note[256];
	int resubmitted;
	quality_defect_req defects[STORE_MAX_DEFECTS];
	size_t nd;
	int64_t now_ms;
} quality_insp_req;

typedef struct quality_insp_res {
	store_inspection insp; /* as written, classes with their defects found */
	store_aql_state state; /* after the lot */
	char event[16];        /* what the lot did to the switching state */
} quality_insp_res;

/* Records an inspection on the writer thread: the plans at the switching
 * state now in force, the defects (each type in the catalogue, each class'
 * total within its sample), accept when every class' defects are at most
 * its Ac, the lot's result, and (for an original inspection) the
 * switching rules. GLOVED_EINVAL with msg for bad input; GLOVED_EEXIST
 * (msg) for a lot inspected already (a rejected lot may come again as
 * resubmitted); GLOVED_EBUSY (msg) when the switching rules have stopped
 * inspection of the style. */
int quality_inspect(writer *w, const quality_insp_req *req, quality_insp_res *res, char *msg,
		    size_t len);
int quality_inspect_tx(store *s, const quality_insp_req *req, quality_insp_res *res, char *msg,
		       size_t len);

/* Sets whether reduced inspection may be entered (the firm's judgement of
 * steady production, ISO 2859-1 9.3.3) and/or resumes a stopped style
 * (tightened, 9.4), with an event in the history. */
int quality_set_switching(writer *w, int64_t enterprise_id, int64_t style_id, int reduced_allowed,
			  int resume, const char *by, int64_t now_ms, store_aql_state *out);

/* A test report (id filled); GLOVED_EEXIST for a report number in use. */
int quality_add_test(writer *w, store_scope sc, store_test *t);
/* Attaches a PDF to a report of the firm. */
int quality_put_test_pdf(writer *w, int64_t id, const void *pdf, size_t len);

/* What a brand label says about its lot. */
typedef struct quality_lot_facts {
	int64_t lot_id, enterprise_id;
	char lot[33], style[33], style_name[128], size[8];
	int64_t pairs;
	int32_t produced_day;   /* the last production day */
	char result[12];        /* "" accepted rejected */
	char en388[12];         /* the marking of the newest test of the style or a material, "" */
	char inspected_day[11]; /* YYYY-MM-DD local, "" */
} quality_lot_facts;

/* The facts of lot lot_code of a firm in scope; GLOVED_ENOTFOUND. */
int quality_lot_facts_get(store *s, firmcal_cache *cals, store_scope sc, int64_t enterprise_id,
			  const char *lot_code, quality_lot_facts *out);

/* The newest test report that applies to a lot: of its style or of a
 * material lot it used (GLOVED_ENOTFOUND when none). */
int quality_lot_test(store *s, const store_lot *l, store_test *out);

#endif
