/* SPDX-License-Identifier: Apache-2.0 */
/* sewn.h: the writes of sewn-glove production, run on the writer thread
 * (writer_call) so that every check sees the database as it is and nothing
 * is half-written: cutting a released order into bundles, scanning a
 * bundle-operation (the production fact of sewn work), sending bundles out
 * to a household and taking them back. Each function runs its own
 * transaction on the write connection. The API calls them through the
 * sewn_add_* / sewn_set_* / sewn_run_* functions at the end, which run them
 * (and the plain registry-like writes of styles, orders and households) on
 * the writer thread. The rules are in
 * docs/internals/sewn.md; the pure parts in core/sewn.c and core/ticket.c. */
#ifndef GLOVED_APP_SEWN_H
#define GLOVED_APP_SEWN_H

#include "app/firmcal.h"
#include "app/writer.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* The pairs an order is for (the sum of its lines). */
int64_t sewn_order_pairs(const store_order *o);
/* A style's standard minutes (x 100) for one pair through its routing. */
int64_t sewn_style_smv(const store_style *st);

/* The firm's ticket key and order check, made on first use when create. */
int sewn_firm_key(store *s, int64_t enterprise_id, int create, uint8_t *key, char order_check[12]);

typedef struct sewn_cut_line {
	char size[8];
	int64_t plies;
	int64_t pairs_per_ply;
} sewn_cut_line;

/* Cuts a released order: per line plies x pairs_per_ply pairs, split into
 * bundles. *cut_id and the bundles (malloc'd into *out) on success;
 * GLOVED_EINVAL with msg for a bad line (a size the order does not have,
 * more pairs than the order has left to cut by more than 5%). */
int sewn_cut(store *s, const store_order *o, const sewn_cut_line *lines, size_t n,
	     int32_t bundle_size, int64_t now_ms, int64_t *cut_id, store_bundle **out,
	     size_t *n_out, char *msg, size_t len);

typedef struct sewn_scan_req {
	int64_t enterprise_id; /* the scanner's firm */
	char code[64];
	char scan_id[65];
	char worker[33];
	int64_t ts_ms;
} sewn_scan_req;

typedef struct sewn_scan_res {
	int status;     /* 200, 400, 404, 409 */
	char error[24]; /* unknown_code forged_code other_firm duplicate at_household
			 * out_of_order not_released unknown_worker */
	char message[240];
	int repeat; /* the scan_id was seen: the first result */
	char warning[160];
	store_scan scan;
	store_bundle bundle;
	store_style_op op;
	char style_code[33], style_name[128], order_code[33];
	int32_t missing_seq; /* out_of_order (refused or warned): the operation not done */
	char missing_op[64];
	char by_worker[33]; /* duplicate: who scanned it */
	char by_household[64];
	int64_t by_ts;
	int64_t today_pairs;
	int64_t today_pay_fen;
} sewn_scan_res;

/* Checks and records n scans in one transaction (each scan's refusal is
 * its own; only a storage error fails them all). When the firm keeps a
 * worker list, a scan for a worker not on it (at the time of the
 * transaction) refuses the whole request: GLOVED_EINVAL, that scan's
 * result with status 400 and error unknown_worker, nothing written. */
int sewn_scan(store *s, firmcal_cache *cals, const sewn_scan_req *req, size_t n,
	      sewn_scan_res *res);

/* Sends bundles out to a household for the given operations. GLOVED_EINVAL
 * with msg (naming the bundle) when one is out already, of another firm,
 * of an order not released, or has one of the operations done. */
int sewn_dispatch(store *s, int64_t enterprise_id, int64_t household_id, const int64_t *bundles,
		  size_t nb, const int32_t *ops, size_t nops, int64_t now_ms, char *msg,
		  size_t len);

/* A bundle comes back: `returned` pairs of which `damaged` are spoiled,
 * `missing` pairs lost. The household is credited its operations for the
 * good pairs; the bundle keeps the good pairs. *pay_fen: the pay. */
int sewn_return(store *s, firmcal_cache *cals, int64_t enterprise_id, int64_t bundle_id,
		int64_t returned, int64_t missing, int64_t damaged, int64_t now_ms,
		int64_t *pay_fen, char *msg, size_t len);

/* ---- the writes as the API makes them: each runs on the writer thread
 * (writer_call with a callback of its own) and returns its result ---- */

/* A style with its routing (st->id filled); GLOVED_EEXIST for a code in
 * use, GLOVED_EPERM outside sc. */
int sewn_add_style(writer *w, store_scope sc, store_style *st);
/* An order (o->id filled); errors as sewn_add_style. */
int sewn_add_order(writer *w, store_scope sc, store_order *o);
/* Sets an order's status ("released", "done"). */
int sewn_set_order_status(writer *w, int64_t order_id, const char *status);
/* A household (h->id filled); errors as sewn_add_style. */
int sewn_add_household(writer *w, store_scope sc, store_household *h);
/* Assigns a machine to a (knitted) order. */
int sewn_assign_machine(writer *w, const store_order_machine *om);
/* The firm's ticket key: read on rdb, or made through the writer on first
 * use. */
int sewn_ticket_key(writer *w, store *rdb, int64_t enterprise_id, uint8_t *key);
/* Sets the firm's order check ("refuse" or "warn"), making its key first
 * when it has none. */
int sewn_set_order_check(writer *w, int64_t enterprise_id, const char *order_check);
/* sewn_cut, sewn_scan, sewn_dispatch and sewn_return on the writer thread,
 * with the same arguments and results (the scans' calendars: the writer's). */
int sewn_run_cut(writer *w, const store_order *o, const sewn_cut_line *lines, size_t n,
		 int32_t bundle_size, int64_t now_ms, int64_t *cut_id, store_bundle **out,
		 size_t *n_out, char *msg, size_t len);
int sewn_run_scan(writer *w, const sewn_scan_req *req, size_t n, sewn_scan_res *res);
int sewn_run_dispatch(writer *w, int64_t enterprise_id, int64_t household_id,
		      const int64_t *bundles, size_t nb, const int32_t *ops, size_t nops,
		      int64_t now_ms, char *msg, size_t len);
int sewn_run_return(writer *w, int64_t enterprise_id, int64_t bundle_id, int64_t returned,
		    int64_t missing, int64_t damaged, int64_t now_ms, int64_t *pay_fen, char *msg,
		    size_t len);

#endif
