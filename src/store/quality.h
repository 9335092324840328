/* SPDX-License-Identifier: Apache-2.0 */
/* quality.h: the store's quality capability (included by store.h): the
 * material lots a firm receives (yarn, leather, lining, coating compound),
 * the lots it forms from finished production (bundles of a sewn order or
 * the good pieces of machines assigned to a knitted or dipped order) with
 * the material lots they used, the cartons packed from a lot, AQL
 * inspections with their classes and defects, the switching state of each
 * firm and style with its history, and glove test reports with their PDF.
 * Same rules as store.h: scoped reads, the writer's connection for writes,
 * a firm's rows never visible to another firm. The model is in
 * docs/internals/quality.md; the backend table at the end is what a
 * backend fills (docs/internals/store.md). */
#ifndef GLOVED_STORE_QUALITY_H
#define GLOVED_STORE_QUALITY_H

#include "store/sewn.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* ---- material lots ---- */

typedef struct store_material_lot {
	int64_t id, enterprise_id;
	char code[33];
	char kind[12]; /* yarn leather lining coating thread other */
	char supplier[128];
	char batch[64];
	int64_t qty_milli; /* quantity x 1000 in unit */
	char unit[8];      /* kg m m2 pcs l */
	int32_t received_day;
	int64_t created_ms;
} store_material_lot;

/* Inserts a material lot (id filled); GLOVED_EEXIST for a code in use,
 * GLOVED_EPERM outside the scope. */
int store_material_lot_add(store *s, store_scope sc, store_material_lot *m);
/* A material lot by code (id 0) or id; GLOVED_ENOTFOUND. */
int store_material_lot_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			   int64_t id, store_material_lot *out);
/* Material lots in scope, newest first. */
int store_material_lot_list(store *s, store_scope sc, int64_t enterprise_id,
			    store_material_lot **out, size_t *n);

/* ---- lots ---- */

typedef struct store_lot {
	int64_t id, enterprise_id, style_id, order_id;
	char code[33];
	char size[8];     /* "" when the lot mixes sizes */
	char source[12];  /* bundles machines */
	char status[12];  /* formed inspected */
	char result[12];  /* "" accepted rejected */
	int64_t pieces;   /* 只 */
	int32_t from_day; /* production days, local */
	int32_t to_day;
	int64_t created_ms, inspected_ms;
} store_lot;

typedef struct store_lot_machine {
	int64_t machine_id;
	int32_t from_day, to_day;
	int64_t pieces; /* good pieces of those days */
} store_lot_machine;

typedef struct store_lot_material {
	int64_t material_lot_id;
	int64_t qty_milli;
	/* filled by store_lot_materials: the material lot as received */
	char code[33];
	char kind[12];
	char supplier[128];
	char batch[64];
	char unit[8];
} store_lot_material;

/* Inserts a lot (id filled) with its bundles (bundle ids), or its machines
 * and their days, and the material lots it used, in the caller's
 * transaction. GLOVED_EEXIST for a code in use or a bundle already in a
 * lot; GLOVED_EPERM outside the scope. */
int store_lot_add(store *s, store_scope sc, store_lot *l, const int64_t *bundles, size_t nb,
		  const store_lot_machine *machines, size_t nm, const store_lot_material *mats,
		  size_t nmat);
/* A lot by code (id 0) or id; GLOVED_ENOTFOUND. */
int store_lot_get(store *s, store_scope sc, int64_t enterprise_id, const char *code, int64_t id,
		  store_lot *out);
/* Lots in scope (status NULL or "" = any), newest first. */
int store_lot_list(store *s, store_scope sc, int64_t enterprise_id, const char *status,
		   store_lot **out, size_t *n);
/* Sets a lot's status, result and the time it was inspected. */
int store_lot_set_result(store *s, int64_t lot_id, const char *status, const char *result,
			 int64_t inspected_ms);
/* The bundles of a lot, by order and number. */
int store_lot_bundles(store *s, int64_t lot_id, store_bundle **out, size_t *n);
/* The machines of a lot with their days and pieces. */
int store_lot_machines(store *s, int64_t lot_id, store_lot_machine **out, size_t *n);
/* The material lots a lot used, with what was received. */
int store_lot_materials(store *s, int64_t lot_id, store_lot_material **out, size_t *n);
/* The lot a bundle is in (*lot_id), GLOVED_ENOTFOUND when in none. */
int store_bundle_lot(store *s, int64_t bundle_id, int64_t *lot_id);
/* A lot that already holds machine_id on a day of [from_day, to_day]
 * (*lot_id), GLOVED_ENOTFOUND when none does. */
int store_machine_lot(store *s, int64_t machine_id, int32_t from_day, int32_t to_day,
		      int64_t *lot_id);
/* The lots that used material lot material_lot_id (a recall), in scope,
 * oldest first. */
int store_material_lot_uses(store *s, store_scope sc, int64_t material_lot_id, store_lot **out,
			    size_t *n);

/* ---- cartons ---- */

typedef struct store_carton {
	int64_t id, enterprise_id, lot_id;
	char code[40];
	int64_t pairs;
	int64_t created_ms;
} store_carton;

/* Inserts a carton (id filled); GLOVED_EEXIST for a code in use. */
int store_carton_add(store *s, store_carton *c);
/* Inserts the n cartons of c as store_carton_add does each (ids filled),
 * as one write (a lot's packing): a refused one (a code in use) refuses
 * them all and nothing of them is kept. Version 2. */
int store_cartons_add(store *s, store_carton *c, size_t n);
/* A carton by code; GLOVED_ENOTFOUND. */
int store_carton_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
		     store_carton *out);
/* The cartons of a lot (lot_id 0: of the firm), by code. */
int store_carton_list(store *s, store_scope sc, int64_t enterprise_id, int64_t lot_id,
		      store_carton **out, size_t *n);

/* ---- inspections ---- */

#define STORE_MAX_DEFECTS 32

typedef struct store_insp_class {
	char cls[12];  /* critical major minor */
	int32_t milli; /* AQL x 1000; 0: zero acceptance */
	char letter;
	int32_t sample, ac, re, found;
} store_insp_class;

typedef struct store_insp_defect {
	char type[33];
	char cls[12];
	int32_t count;
} store_insp_defect;

typedef struct store_inspection {
	int64_t id, enterprise_id, lot_id, style_id;
	int64_t ts_ms;
	char inspector[64];
	char level[8];     /* S-1 .. III */
	char severity[12]; /* normal tightened reduced */
	char result[12];   /* accepted rejected */
	int resubmitted;   /* 1: a rejected lot again (not in the switching) */
	int64_t lot_pieces;
	char note[256];
	int32_t n_classes;
	store_insp_class classes[3];
	int32_t n_defects;
	store_insp_defect defects[STORE_MAX_DEFECTS];
} store_inspection;

/* Inserts an inspection with its classes and defects (id filled). */
int store_inspection_add(store *s, store_inspection *x);
/* Inspections in scope of one lot (lot_id 0: of the firm; style_id
 * narrows), newest first, at most limit (0: all). */
int store_inspection_list(store *s, store_scope sc, int64_t enterprise_id, int64_t lot_id,
			  int64_t style_id, size_t limit, store_inspection **out, size_t *n);

/* The switching state of one firm and style (core/aql.h's aql_switch with
 * the firm's setting). */
typedef struct store_aql_state {
	int64_t enterprise_id, style_id;
	char severity[12];
	int stopped;
	int32_t score;
	uint32_t recent;
	int32_t n_recent, accepted_run, rejected_tight;
	int reduced_allowed;
	int64_t updated_ms;
} store_aql_state;

/* GLOVED_ENOTFOUND before the style's first inspection or setting. */
int store_aql_state_get(store *s, int64_t enterprise_id, int64_t style_id, store_aql_state *out);
int store_aql_state_put(store *s, const store_aql_state *x);

typedef struct store_aql_event {
	int64_t id, enterprise_id, style_id, lot_id;
	int64_t ts_ms;
	char lot[33];      /* the lot's code (filled by the list) */
	char result[12];   /* accepted rejected, "" for a setting */
	char event[16];    /* none to_tightened to_normal to_reduced stopped resumed setting */
	char severity[12]; /* in force after the lot */
	int32_t score;
	char by[64];
} store_aql_event;

int store_aql_event_add(store *s, const store_aql_event *x);
/* The history of a firm's style, newest first, at most limit (0: all). */
int store_aql_event_list(store *s, store_scope sc, int64_t enterprise_id, int64_t style_id,
			 size_t limit, store_aql_event **out, size_t *n);

/* ---- test reports ---- */

typedef struct store_test {
	int64_t id, enterprise_id, style_id, material_lot_id;
	char report_no[64];
	char lab[128];
	int32_t day;
	char en388[12];      /* the EN 388 marking, "" when not tested */
	char markings[1024]; /* JSON object of every marking computed */
	char raw[2048];      /* JSON object of the values as entered */
	int64_t pdf_bytes;   /* 0: no PDF attached */
	int64_t created_ms;
} store_test;

/* Inserts a test report (id filled); GLOVED_EEXIST for a report number in
 * use, GLOVED_EPERM outside the scope. */
int store_test_add(store *s, store_scope sc, store_test *t);
/* A report by id; GLOVED_ENOTFOUND (also for another firm's). */
int store_test_get(store *s, store_scope sc, int64_t enterprise_id, int64_t id, store_test *out);
/* Reports in scope (style_id and material_lot_id: 0 any; both given: the
 * reports of either), newest first by day. */
int store_test_list(store *s, store_scope sc, int64_t enterprise_id, int64_t style_id,
		    int64_t material_lot_id, store_test **out, size_t *n);
/* Attaches (replaces) the PDF of report id. */
int store_test_pdf_put(store *s, int64_t id, const void *pdf, size_t len);
/* The PDF of a report into *pdf (malloc'd) and *len; GLOVED_ENOTFOUND when
 * there is none or the report is not in scope. */
int store_test_pdf_get(store *s, store_scope sc, int64_t enterprise_id, int64_t id, void **pdf,
		       size_t *len);

/* ---- the backend table ----
 * Same rule as every capability: `version` first, new calls appended and
 * STORE_QUALITY_VERSION raised, wrappers refuse an older table. Version 1:
 * every call above but store_cartons_add; version 2 adds it. */
#define STORE_QUALITY_VERSION 2

typedef struct store_quality_ops {
	int version;
	int (*material_lot_add)(store *s, store_scope sc, store_material_lot *m);
	int (*material_lot_get)(store *s, store_scope sc, int64_t enterprise_id, const char *code,
				int64_t id, store_material_lot *out);
	int (*material_lot_list)(store *s, store_scope sc, int64_t enterprise_id,
				 store_material_lot **out, size_t *n);
	int (*lot_add)(store *s, store_scope sc, store_lot *l, const int64_t *bundles, size_t nb,
		       const store_lot_machine *machines, size_t nm, const store_lot_material *mats,
		       size_t nmat);
	int (*lot_get)(store *s, store_scope sc, int64_t enterprise_id, const char *code,
		       int64_t id, store_lot *out);
	int (*lot_list)(store *s, store_scope sc, int64_t enterprise_id, const char *status,
			store_lot **out, size_t *n);
	int (*lot_set_result)(store *s, int64_t lot_id, const char *status, const char *result,
			      int64_t inspected_ms);
	int (*lot_bundles)(store *s, int64_t lot_id, store_bundle **out, size_t *n);
	int (*lot_machines)(store *s, int64_t lot_id, store_lot_machine **out, size_t *n);
	int (*lot_materials)(store *s, int64_t lot_id, store_lot_material **out, size_t *n);
	int (*bundle_lot)(store *s, int64_t bundle_id, int64_t *lot_id);
	int (*machine_lot)(store *s, int64_t machine_id, int32_t from_day, int32_t to_day,
			   int64_t *lot_id);
	int (*material_lot_uses)(store *s, store_scope sc, int64_t material_lot_id, store_lot **out,
				 size_t *n);
	int (*carton_add)(store *s, store_carton *c);
	int (*carton_get)(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			  store_carton *out);
	int (*carton_list)(store *s, store_scope sc, int64_t enterprise_id, int64_t lot_id,
			   store_carton **out, size_t *n);
	int (*inspection_add)(store *s, store_inspection *x);
	int (*inspection_list)(store *s, store_scope sc, int64_t enterprise_id, int64_t lot_id,
			       int64_t style_id, size_t limit, store_inspection **out, size_t *n);
	int (*aql_state_get)(store *s, int64_t enterprise_id, int64_t style_id,
			     store_aql_state *out);
	int (*aql_state_put)(store *s, const store_aql_state *x);
	int (*aql_event_add)(store *s, const store_aql_event *x);
	int (*aql_event_list)(store *s, store_scope sc, int64_t enterprise_id, int64_t style_id,
			      size_t limit, store_aql_event **out, size_t *n);
	int (*test_add)(store *s, store_scope sc, store_test *t);
	int (*test_get)(store *s, store_scope sc, int64_t enterprise_id, int64_t id,
			store_test *out);
	int (*test_list)(store *s, store_scope sc, int64_t enterprise_id, int64_t style_id,
			 int64_t material_lot_id, store_test **out, size_t *n);
	int (*test_pdf_put)(store *s, int64_t id, const void *pdf, size_t len);
	int (*test_pdf_get)(store *s, store_scope sc, int64_t enterprise_id, int64_t id, void **pdf,
			    size_t *len);
	/* version 2 */
	int (*cartons_add)(store *s, store_carton *c, size_t n);
} store_quality_ops;

#endif
