/* SPDX-License-Identifier: Apache-2.0 */
/* sewn.h: the store's sewn-glove capability (included by store.h): styles with
 * their routings, orders, cuts and bundles, households and dispatches,
 * scans with their rollups, the per-firm keys of ticket codes and the
 * machines assigned to knitted orders. Same rules as store.h: scoped
 * reads, the writer's connection for writes. The model is in
 * docs/internals/sewn.md; the backend table at the end is what a backend
 * fills (docs/internals/store.md). */
#ifndef GLOVED_STORE_SEWN_H
#define GLOVED_STORE_SEWN_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

#define STORE_MAX_OPS   64
#define STORE_MAX_SIZES 16

typedef struct store_style_op {
	int32_t seq; /* 1.. in routing order */
	char code[33];
	char name[64];
	int64_t smv_c;   /* standard minutes x 100 */
	int64_t rate_y4; /* yuan x 10000 per pair */
} store_style_op;

typedef struct store_style {
	int64_t id, enterprise_id;
	char code[33];
	char name[128];
	char category[16]; /* ski sports work fashion other */
	char family[16];   /* sewn knitted dipped */
	char materials[256];
	char sizes[128]; /* comma-separated */
	int32_t n_ops;
	store_style_op ops[STORE_MAX_OPS];
} store_style;

/* Inserts a style and its routing (id filled); GLOVED_EEXIST for a code in
 * use, GLOVED_EPERM outside the scope. */
int store_style_add(store *s, store_scope sc, store_style *st);
/* A style by code (id 0) or id; GLOVED_ENOTFOUND. */
int store_style_get(store *s, store_scope sc, int64_t enterprise_id, const char *code, int64_t id,
		    store_style *out);
int store_style_list(store *s, store_scope sc, int64_t enterprise_id, store_style **out, size_t *n);

typedef struct store_order_line {
	char size[8];
	int64_t pairs;
} store_order_line;

typedef struct store_order {
	int64_t id, enterprise_id, style_id;
	char code[33];
	char buyer[128];
	char unit[8];    /* the unit it was entered in: pair or dozen */
	char status[12]; /* open released done */
	int32_t due_day; /* days since 1970-01-01 */
	int64_t created_ms;
	int32_t n_lines;
	store_order_line lines[STORE_MAX_SIZES];
} store_order;

int store_order_add(store *s, store_scope sc, store_order *o);
int store_order_get(store *s, store_scope sc, int64_t enterprise_id, const char *code, int64_t id,
		    store_order *out);
/* Orders in scope (status NULL or "" = any), newest first. */
int store_order_list(store *s, store_scope sc, int64_t enterprise_id, const char *status,
		     store_order **out, size_t *n);
int store_order_set_status(store *s, int64_t order_id, const char *status);

typedef struct store_bundle {
	int64_t id, enterprise_id, order_id, cut_id;
	int32_t no;
	char size[8];
	int64_t pairs;
	int64_t household_id; /* 0: in the factory */
	int64_t out_ms;       /* since when at the household */
} store_bundle;

int store_cut_add(store *s, int64_t order_id, int64_t enterprise_id, int32_t bundle_size,
		  int64_t now_ms, int64_t *cut_id);
/* Pairs already cut per size of an order into out (sizes not cut absent). */
int store_cut_pairs(store *s, int64_t order_id, store_order_line *out, int32_t *n);
/* The next bundle number of an order (1 for the first). */
int store_bundle_next_no(store *s, int64_t order_id, int32_t *out);
int store_bundle_add(store *s, store_bundle *b);
int store_bundle_get(store *s, int64_t id, store_bundle *out);
/* Bundles in scope by order, cut or id (0 = any; at least one given), by
 * order and number, at most `limit`. */
int store_bundle_list(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
		      int64_t cut_id, int64_t bundle_id, size_t limit, store_bundle **out,
		      size_t *n);
int store_bundle_set_out(store *s, int64_t bundle_id, int64_t household_id, int64_t out_ms);
/* Pairs left in a bundle after missing and damaged ones are taken out. */
int store_bundle_set_pairs(store *s, int64_t bundle_id, int64_t pairs);
/* Bundles of a firm (or of one order: order_id) out at households. */
int store_bundles_out(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
		      store_bundle **out, size_t *n);

typedef struct store_household {
	int64_t id, enterprise_id;
	char code[33];
	char name[64];
	char village[64];
	char phone[32];
	int32_t rate_pct;
} store_household;

int store_household_add(store *s, store_scope sc, store_household *h);
int store_household_get(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			int64_t id, store_household *out);
int store_household_list(store *s, store_scope sc, int64_t enterprise_id, store_household **out,
			 size_t *n);

typedef struct store_dispatch {
	int64_t id, bundle_id, household_id, enterprise_id;
	char ops[256]; /* comma-separated operation seqs done at the household */
	int64_t out_ms, back_ms;
	int64_t returned, missing, damaged;
} store_dispatch;

int store_dispatch_add(store *s, store_dispatch *d);
/* The dispatch of a bundle not back yet (GLOVED_ENOTFOUND). */
int store_dispatch_open(store *s, int64_t bundle_id, store_dispatch *out);
int store_dispatch_close(store *s, const store_dispatch *d);

typedef struct store_scan {
	int64_t bundle_id;
	int32_t seq;
	int64_t enterprise_id, order_id;
	int64_t ts_ms;
	char worker[33];
	int64_t household_id;
	int64_t pairs;
	int64_t rate_y4; /* per pair, the household's factor applied */
	char scan_id[65];
} store_scan;

int store_scan_get(store *s, int64_t bundle_id, int32_t seq, store_scan *out);
/* The scan a client sent with this scan_id (GLOVED_ENOTFOUND). */
int store_scan_by_id(store *s, int64_t enterprise_id, const char *scan_id, store_scan *out);
/* Records a scan and adds it to the rollups of operation and day (`day`:
 * the firm's local day of ts). */
int store_scan_add(store *s, const store_scan *x, int32_t day);
/* The scans of the bundles of an order (or one bundle). */
int store_scan_list(store *s, store_scope sc, int64_t order_id, int64_t bundle_id, store_scan **out,
		    size_t *n);

typedef struct store_op_done {
	int64_t order_id;
	int32_t seq;
	int64_t pairs, bundles;
} store_op_done;
/* Pairs and bundles done per order and operation (order 0 = every order of
 * the firm). */
int store_op_done_list(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
		       store_op_done **out, size_t *n);
/* Pairs of operation seq of an order done on days [day0, day1]. */
int store_op_day_pairs(store *s, int64_t order_id, int32_t seq, int32_t day0, int32_t day1,
		       int64_t *pairs);

/* Pairs done per order and operation on days [day0, day1] for one order,
 * or every released order of a firm (order_id 0); rows as store_op_done
 * (bundles 0). */
int store_op_day_sums(store *s, int64_t enterprise_id, int64_t order_id, int32_t day0, int32_t day1,
		      store_op_done **out, size_t *n);
/* Adds pairs to an order's operation rollup (seq 0: pairs cut). */
int store_op_add(store *s, int64_t order_id, int32_t seq, int64_t enterprise_id, int64_t pairs,
		 int64_t bundles);

typedef struct store_scan_day {
	int32_t day;
	char worker[33];
	int64_t household_id;
	int64_t rate_y4;
	int64_t pairs;
} store_scan_day;
/* Scanned pairs per day, worker/household and rate (worker "" for
 * households) for days [day0, day1]; worker non-NULL narrows to one. */
int store_scan_days(store *s, store_scope sc, int64_t enterprise_id, int32_t day0, int32_t day1,
		    const char *worker, store_scan_day **out, size_t *n);

/* The firm's ticket key (32 bytes) and order check ("refuse" or "warn");
 * GLOVED_ENOTFOUND before the first use. */
int store_firm_key_get(store *s, int64_t enterprise_id, uint8_t *key, char *order_check);
int store_firm_key_put(store *s, int64_t enterprise_id, const uint8_t *key,
		       const char *order_check);

/* Machines assigned to a (knitted) order from from_ms (to_ms 0: still). */
typedef struct store_order_machine {
	int64_t order_id, machine_id, from_ms, to_ms;
} store_order_machine;
int store_order_machine_add(store *s, const store_order_machine *m);
int store_order_machine_list(store *s, int64_t order_id, store_order_machine **out, size_t *n);

/* Inserts the n bundles of b as store_bundle_add does each (ids filled),
 * as one write (a cut's bundles): a refused one (a number in use) refuses
 * them all and nothing of them is kept. Version 2. */
int store_bundles_add(store *s, store_bundle *b, size_t n);

/* ---- the backend table ----
 * Same rule as every capability: `version` first, new calls appended and
 * STORE_SEWN_VERSION raised, wrappers refuse an older table. Version 1:
 * every call above but store_bundles_add; version 2 adds it. */
#define STORE_SEWN_VERSION 2

typedef struct store_sewn_ops {
	int version;
	int (*style_add)(store *s, store_scope sc, store_style *st);
	int (*style_get)(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			 int64_t id, store_style *out);
	int (*style_list)(store *s, store_scope sc, int64_t enterprise_id, store_style **out,
			  size_t *n);
	int (*order_add)(store *s, store_scope sc, store_order *o);
	int (*order_get)(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			 int64_t id, store_order *out);
	int (*order_list)(store *s, store_scope sc, int64_t enterprise_id, const char *status,
			  store_order **out, size_t *n);
	int (*order_set_status)(store *s, int64_t order_id, const char *status);
	int (*cut_add)(store *s, int64_t order_id, int64_t enterprise_id, int32_t bundle_size,
		       int64_t now_ms, int64_t *cut_id);
	int (*cut_pairs)(store *s, int64_t order_id, store_order_line *out, int32_t *n);
	int (*bundle_next_no)(store *s, int64_t order_id, int32_t *out);
	int (*bundle_add)(store *s, store_bundle *b);
	int (*bundle_get)(store *s, int64_t id, store_bundle *out);
	int (*bundle_list)(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
			   int64_t cut_id, int64_t bundle_id, size_t limit, store_bundle **out,
			   size_t *n);
	int (*bundle_set_out)(store *s, int64_t bundle_id, int64_t household_id, int64_t out_ms);
	int (*bundle_set_pairs)(store *s, int64_t bundle_id, int64_t pairs);
	int (*bundles_out)(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
			   store_bundle **out, size_t *n);
	int (*household_add)(store *s, store_scope sc, store_household *h);
	int (*household_get)(store *s, store_scope sc, int64_t enterprise_id, const char *code,
			     int64_t id, store_household *out);
	int (*household_list)(store *s, store_scope sc, int64_t enterprise_id,
			      store_household **out, size_t *n);
	int (*dispatch_add)(store *s, store_dispatch *d);
	int (*dispatch_open)(store *s, int64_t bundle_id, store_dispatch *out);
	int (*dispatch_close)(store *s, const store_dispatch *d);
	int (*scan_get)(store *s, int64_t bundle_id, int32_t seq, store_scan *out);
	int (*scan_by_id)(store *s, int64_t enterprise_id, const char *scan_id, store_scan *out);
	int (*scan_add)(store *s, const store_scan *x, int32_t day);
	int (*scan_list)(store *s, store_scope sc, int64_t order_id, int64_t bundle_id,
			 store_scan **out, size_t *n);
	int (*op_done_list)(store *s, store_scope sc, int64_t enterprise_id, int64_t order_id,
			    store_op_done **out, size_t *n);
	int (*op_day_pairs)(store *s, int64_t order_id, int32_t seq, int32_t day0, int32_t day1,
			    int64_t *pairs);
	int (*op_day_sums)(store *s, int64_t enterprise_id, int64_t order_id, int32_t day0,
			   int32_t day1, store_op_done **out, size_t *n);
	int (*op_add)(store *s, int64_t order_id, int32_t seq, int64_t enterprise_id, int64_t pairs,
		      int64_t bundles);
	int (*scan_days)(store *s, store_scope sc, int64_t enterprise_id, int32_t day0,
			 int32_t day1, const char *worker, store_scan_day **out, size_t *n);
	int (*firm_key_get)(store *s, int64_t enterprise_id, uint8_t *key, char *order_check);
	int (*firm_key_put)(store *s, int64_t enterprise_id, const uint8_t *key,
			    const char *order_check);
	int (*order_machine_add)(store *s, const store_order_machine *m);
	int (*order_machine_list)(store *s, int64_t order_id, store_order_machine **out, size_t *n);
	/* version 2 */
	int (*bundles_add)(store *s, store_bundle *b, size_t n);
} store_sewn_ops;

#endif
