/* SPDX-License-Identifier: Apache-2.0 */
/* wip.h: work in progress of a firm's released orders (or one order), the
 * figures of GET /api/v1/wip: per order the pairs ordered, cut and
 * finished, per operation the pairs done and waiting, the bottleneck, the
 * projected completion against the due day, and the bundles out at
 * households (also per household: wip_households). Read on a read connection from the scan rollups
 * (rollup_op, rollup_op_day) and, for knitted orders, from the hour
 * rollups of the machines assigned to the order. The rules are
 * core/sewn.c's (sewn_wip_flow, sewn_wip_project); docs/internals/sewn.md. */
#ifndef GLOVED_APP_WIP_H
#define GLOVED_APP_WIP_H

#include "app/firmcal.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

typedef struct wip_op {
	int32_t seq;
	char name[64];
	int64_t done_pairs, bundles_done, waiting_pairs;
} wip_op;

typedef struct wip_out {
	int32_t bundle_no;
	int64_t pairs;
	char household[33]; /* code ("" when the household is gone) */
	char name[64];
	int64_t since_ms;
	int64_t days; /* whole days out until now */
} wip_out;

typedef struct wip_order {
	char order[33], style[33], family[16], status[12];
	int32_t due_day;
	int64_t ordered_pairs, cut_pairs, finished_pairs;
	int32_t bottleneck; /* seq, 0: nothing waits */
	char bottleneck_name[64];
	int projected_known;
	int32_t projected_day;
	int late;
	wip_op *ops; /* n_ops, in routing order */
	size_t n_ops;
	wip_out *out; /* bundles out at households */
	size_t n_out;
} wip_order;

typedef struct wip_result {
	wip_order *orders;
	size_t n;
	int32_t today; /* the firm's local day of now_ms */
} wip_result;

/* The WIP of order order_id of firm ent (0: every released order of it),
 * in scope sc, at now_ms; fc is the firm's calendar (its local days). An
 * order whose style cannot be read is left out. Returns GLOVED_OK with
 * *out filled (free with wip_free), or a store error. */
int wip_get(store *db, const firm_cal *fc, store_scope sc, int64_t ent, int64_t order_id,
	    int64_t now_ms, wip_result *out);
/* Frees what wip_get filled; NULL or an empty result is fine. */
void wip_free(wip_result *w);

typedef struct wip_household {
	store_household h;
	int64_t bundles_out, pairs_out; /* bundles at the household now */
} wip_household;

/* The firm's households (ent 0: every one in scope) with the bundles and
 * pairs each has out now. *out is malloc'd (the caller frees). Returns
 * GLOVED_OK or a store error. */
int wip_households(store *db, store_scope sc, int64_t ent, wip_household **out, size_t *n);

/* Pairs the machines assigned to a knitted order made for it while
 * assigned (their good pieces in the hour rollups, as whole pairs through
 * core/units). Returns GLOVED_OK or a store error. */
int wip_knitted_pairs(store *db, store_scope sc, const store_order *o, int64_t now_ms,
		      int64_t *pairs);

#endif
