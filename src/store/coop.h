/* SPDX-License-Identifier: Apache-2.0 */
/* coop.h: the store's cooperation capability (included by store.h): what
 * firms working together keep. Each firm's capability profile; the
 * cooperative orders of the capacity exchange with their parts (one per
 * partner firm: the pairs and weeks proposed, the answer, the production
 * order it became, the pairs shipped) and the solver's last proposal; the
 * design library (designs with their terms and files, licences, the uses
 * of a design in production orders with the royalty due, the styles made
 * from a design); the buyers' enquiries from the public portal with the
 * firms they were routed to and their answers; and the towns' pages of
 * the portal. Same rules as store.h: scoped reads, the writer's
 * connection for writes. The model is in docs/internals/coop.md; the
 * backend table at the end is what a backend fills
 * (docs/internals/store.md). */
#ifndef GLOVED_STORE_COOP_H
#define GLOVED_STORE_COOP_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* ---- capability profiles ---- */
typedef struct store_coop_profile {
	int64_t enterprise_id;
	char body[4096]; /* JSON (app/coop.c coop_profile) */
	int64_t updated_ms;
	char by[64];
} store_coop_profile;

/* GLOVED_ENOTFOUND for a firm without one. */
int store_coop_profile_get(store *s, int64_t enterprise_id, store_coop_profile *out);
int store_coop_profile_put(store *s, const store_coop_profile *x);
/* Every profile of a firm that shares its capacity (share_setting), by firm. */
int store_coop_profile_list(store *s, store_coop_profile **out, size_t *n);

/* ---- cooperative orders ---- */
typedef struct store_coop_order {
	int64_t id;
	char code[33];
	int64_t lead_id;       /* the lead firm, 0: the association for a buyer */
	int64_t lead_order_id; /* the lead's own production order (0 none) */
	char buyer[128];
	char need[1024]; /* JSON: family, gauge, compound, operations, certifications, licensed */
	char style[33];  /* what the lead calls it ("" none) */
	int64_t design_id;
	int64_t pairs;
	int32_t due_day;
	int64_t price_fen;      /* per dozen */
	int32_t min_quality_pm; /* lots accepted, per mille */
	int32_t max_partners;
	char status[12]; /* open offered placed done cancelled */
	int64_t created_ms;
	char by[64];
} store_coop_order;

/* Inserts (id filled); GLOVED_EEXIST for a code in use. */
int store_coop_order_add(store *s, store_coop_order *x);
/* By id, or code (id 0). The scope: a firm sees orders it leads or has a
 * part in; an aggregates scope only the association's own (lead 0).
 * GLOVED_ENOTFOUND outside it. */
int store_coop_order_get(store *s, store_scope sc, int64_t id, const char *code,
			 store_coop_order *out);
/* The orders in scope, newest first. */
int store_coop_order_list(store *s, store_scope sc, store_coop_order **out, size_t *n);
int store_coop_order_set_status(store *s, int64_t id, const char *status);
/* Open cooperative orders (not done or cancelled) and their pairs, in a
 * cluster scope (a town: orders led by or placed with its firms). */
int store_coop_open_count(store *s, store_scope sc, int64_t *orders, int64_t *pairs);

#define COOP_PART_WEEKS 12
typedef struct store_coop_part {
	int64_t order_id, enterprise_id;
	int64_t pairs;
	int64_t weeks[COOP_PART_WEEKS]; /* pairs per week from the proposal's week 0 */
	int32_t week0_day;
	char status[12]; /* proposed offered accepted declined */
	int64_t prod_order_id;
	int64_t shipped;
	char reason[256];
	int64_t updated_ms;
	char by[64];
} store_coop_part;

/* Inserts or replaces the part of (order, firm). */
int store_coop_part_put(store *s, const store_coop_part *x);
/* GLOVED_ENOTFOUND. */
int store_coop_part_get(store *s, int64_t order_id, int64_t enterprise_id, store_coop_part *out);
/* The parts of an order (order_id > 0), or every part placed with a firm
 * (order_id 0, enterprise_id > 0), by order and firm. */
int store_coop_part_list(store *s, int64_t order_id, int64_t enterprise_id, store_coop_part **out,
			 size_t *n);
/* Deletes an order's parts in status (e.g. "proposed"). */
int store_coop_part_clear(store *s, int64_t order_id, const char *status);
/* The part whose production order this is (GLOVED_ENOTFOUND: none). */
int store_coop_part_of_prod(store *s, int64_t prod_order_id, store_coop_part *out);

typedef struct store_coop_proposal {
	int64_t order_id;
	char body[4096]; /* JSON of the solve (status, lateness, cost, bound, gap, greedy, binding)
			  */
	int64_t created_ms;
} store_coop_proposal;

int store_coop_proposal_put(store *s, const store_coop_proposal *x);
int store_coop_proposal_get(store *s, int64_t order_id, store_coop_proposal *out);

/* ---- the design library ---- */
typedef struct store_design {
	int64_t id, enterprise_id;
	char code[33];
	char name[128];
	char category[16];
	char family[16];
	char body[8192];   /* JSON: description, sizes, materials, ops [{code,name,smv}] */
	char terms[12];    /* private cluster public */
	char fee_kind[12]; /* none per_dozen flat */
	int64_t fee_fen;
	int64_t created_ms, updated_ms;
	char by[64];
} store_design;

/* Inserts (id filled); GLOVED_EEXIST for a code the firm uses. */
int store_design_add(store *s, store_design *x);
/* Replaces terms, fee, name and body of design x->id. */
int store_design_update(store *s, const store_design *x);
int store_design_get(store *s, int64_t id, store_design *out);
/* Designs a scope may see: a firm its own and every other firm's with
 * terms cluster or public; a cluster scope every cluster or public one
 * (public_only: only terms public, for the portal), by firm and code. */
int store_design_list(store *s, store_scope sc, int public_only, store_design **out, size_t *n);

typedef struct store_design_file {
	int64_t design_id;
	int32_t no;
	char kind[12]; /* image techpack */
	char name[96];
	char mime[32];
	unsigned char *data; /* malloc'd by get (caller frees); borrowed by add */
	size_t size;
} store_design_file;

/* Appends a file (no filled). */
int store_design_file_add(store *s, store_design_file *x);
/* A file with its data (x->data malloc'd; free it). */
int store_design_file_get(store *s, int64_t design_id, int32_t no, store_design_file *out);
/* A design's files without their data. */
int store_design_file_list(store *s, int64_t design_id, store_design_file **out, size_t *n);

typedef struct store_design_licence {
	int64_t id, design_id, enterprise_id; /* the licensee */
	char status[12];                      /* requested granted refused revoked */
	char fee_kind[12];
	int64_t fee_fen;
	char note[256];
	int64_t requested_ms, decided_ms;
	char by[64];
} store_design_licence;

/* Inserts (id filled) or, for the same design and licensee, replaces the
 * request (a refused or revoked one may be asked again). */
int store_design_licence_put(store *s, store_design_licence *x);
/* By id, or by design and licensee (id 0). */
int store_design_licence_get(store *s, int64_t id, int64_t design_id, int64_t enterprise_id,
			     store_design_licence *out);
/* Licences of a firm's designs or taken by it (ent 0: all), newest first. */
int store_design_licence_list(store *s, int64_t enterprise_id, store_design_licence **out,
			      size_t *n);

typedef struct store_design_use {
	int64_t id, design_id, licence_id, enterprise_id, order_id;
	int64_t pairs, royalty_fen;
	int32_t month; /* YYYYMM */
	int64_t ts_ms;
} store_design_use;

int store_design_use_add(store *s, store_design_use *x);
/* Uses of licence licence_id so far (how many). */
int store_design_use_count(store *s, int64_t licence_id, int64_t *n);
/* Uses in months [m0, m1] of designs owned by owner_id (0: any) or made
 * by user_id (0: any), by month. */
int store_design_use_list(store *s, int64_t owner_id, int64_t user_id, int32_t m0, int32_t m1,
			  store_design_use **out, size_t *n);

/* The design a style was made from (GLOVED_ENOTFOUND: none). */
int store_style_design_put(store *s, int64_t style_id, int64_t design_id, int64_t licence_id);
int store_style_design_get(store *s, int64_t style_id, int64_t *design_id, int64_t *licence_id);

/* ---- buyers' enquiries ---- */
typedef struct store_enquiry {
	int64_t id;
	char ref[16];
	unsigned char token_hash[32];
	char buyer[128];
	char contact[128];
	char product[256];
	char family[16];
	int64_t pairs;
	int32_t due_day;
	char message[1024];
	char lang[8];
	int64_t created_ms;
} store_enquiry;

int store_enquiry_add(store *s, store_enquiry *x);
/* By id or ref (id 0). */
int store_enquiry_get(store *s, int64_t id, const char *ref, store_enquiry *out);

typedef struct store_enquiry_route {
	int64_t enquiry_id, enterprise_id;
	char status[12]; /* new quoted declined */
	int64_t price_fen;
	char answer[1024];
	int64_t answered_ms;
	char by[64];
} store_enquiry_route;

int store_enquiry_route_put(store *s, const store_enquiry_route *x);
int store_enquiry_route_get(store *s, int64_t enquiry_id, int64_t enterprise_id,
			    store_enquiry_route *out);
/* The routes of an enquiry (enquiry_id > 0) or of a firm (enterprise_id >
 * 0), newest first. */
int store_enquiry_route_list(store *s, int64_t enquiry_id, int64_t enterprise_id,
			     store_enquiry_route **out, size_t *n);

/* ---- the towns' portal pages ---- */
typedef struct store_town_page {
	char town[64];
	char body[4096]; /* JSON: intro_zh, intro_en, products_zh, products_en */
	int64_t updated_ms;
	char by[64];
} store_town_page;

int store_town_page_put(store *s, const store_town_page *x);
int store_town_page_get(store *s, const char *town, store_town_page *out);

/* ---- the backend table ----
 * Same rule as every capability: `version` first, new calls appended and
 * STORE_COOP_VERSION raised, wrappers refuse an older table. Version 1:
 * every call above. */
#define STORE_COOP_VERSION 1

typedef struct store_coop_ops {
	int version;
	int (*profile_get)(store *s, int64_t enterprise_id, store_coop_profile *out);
	int (*profile_put)(store *s, const store_coop_profile *x);
	int (*profile_list)(store *s, store_coop_profile **out, size_t *n);
	int (*order_add)(store *s, store_coop_order *x);
	int (*order_get)(store *s, store_scope sc, int64_t id, const char *code,
			 store_coop_order *out);
	int (*order_list)(store *s, store_scope sc, store_coop_order **out, size_t *n);
	int (*order_set_status)(store *s, int64_t id, const char *status);
	int (*open_count)(store *s, store_scope sc, int64_t *orders, int64_t *pairs);
	int (*part_put)(store *s, const store_coop_part *x);
	int (*part_get)(store *s, int64_t order_id, int64_t enterprise_id, store_coop_part *out);
	int (*part_list)(store *s, int64_t order_id, int64_t enterprise_id, store_coop_part **out,
			 size_t *n);
	int (*part_clear)(store *s, int64_t order_id, const char *status);
	int (*part_of_prod)(store *s, int64_t prod_order_id, store_coop_part *out);
	int (*proposal_put)(store *s, const store_coop_proposal *x);
	int (*proposal_get)(store *s, int64_t order_id, store_coop_proposal *out);
	int (*design_add)(store *s, store_design *x);
	int (*design_update)(store *s, const store_design *x);
	int (*design_get)(store *s, int64_t id, store_design *out);
	int (*design_list)(store *s, store_scope sc, int public_only, store_design **out,
			   size_t *n);
	int (*design_file_add)(store *s, store_design_file *x);
	int (*design_file_get)(store *s, int64_t design_id, int32_t no, store_design_file *out);
	int (*design_file_list)(store *s, int64_t design_id, store_design_file **out, size_t *n);
	int (*licence_put)(store *s, store_design_licence *x);
	int (*licence_get)(store *s, int64_t id, int64_t design_id, int64_t enterprise_id,
			   store_design_licence *out);
	int (*licence_list)(store *s, int64_t enterprise_id, store_design_licence **out, size_t *n);
	int (*use_add)(store *s, store_design_use *x);
	int (*use_count)(store *s, int64_t licence_id, int64_t *n);
	int (*use_list)(store *s, int64_t owner_id, int64_t user_id, int32_t m0, int32_t m1,
			store_design_use **out, size_t *n);
	int (*style_design_put)(store *s, int64_t style_id, int64_t design_id, int64_t licence_id);
	int (*style_design_get)(store *s, int64_t style_id, int64_t *design_id,
				int64_t *licence_id);
	int (*enquiry_add)(store *s, store_enquiry *x);
	int (*enquiry_get)(store *s, int64_t id, const char *ref, store_enquiry *out);
	int (*route_put)(store *s, const store_enquiry_route *x);
	int (*route_get)(store *s, int64_t enquiry_id, int64_t enterprise_id,
			 store_enquiry_route *out);
	int (*route_list)(store *s, int64_t enquiry_id, int64_t enterprise_id,
			  store_enquiry_route **out, size_t *n);
	int (*town_page_put)(store *s, const store_town_page *x);
	int (*town_page_get)(store *s, const char *town, store_town_page *out);
} store_coop_ops;

#endif
