/* SPDX-License-Identifier: Apache-2.0 */
/* brand.h: the store's brand capability (included by store.h): the
 * regional brand's licences (one per firm, with the conditions the
 * association set and the history of every grant, suspension, revocation
 * and reinstatement), the association's audits of firms, the labels issued
 * for lots (each with its serial, the signed payload and signature, and
 * whether it carries the brand), every public scan of a label (the
 * client's network kept only as a hash) and the flags raised on labels
 * scanned like copies. Same rules as store.h: scoped reads, the writer's
 * connection for writes. The model is in docs/internals/brand.md; the
 * backend table at the end is what a backend fills
 * (docs/internals/store.md). */
#ifndef GLOVED_STORE_BRAND_H
#define GLOVED_STORE_BRAND_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* ---- licences ---- */

typedef struct store_licence {
	int64_t enterprise_id;
	char status[12]; /* active suspended revoked (none: no row) */
	int64_t since_ms;
	int32_t audits_passed; /* the conditions set with the grant */
	int32_t last_lots;
	int32_t min_accept_pct;
	int64_t updated_ms;
} store_licence;

/* GLOVED_ENOTFOUND for a firm never licensed. */
int store_licence_get(store *s, int64_t enterprise_id, store_licence *out);
/* Every licence in scope (a firm scope: its own), by firm. */
int store_licence_list(store *s, store_scope sc, store_licence **out, size_t *n);
int store_licence_put(store *s, const store_licence *x);

typedef struct store_licence_event {
	int64_t id, enterprise_id, ts_ms;
	char action[12]; /* grant suspend revoke reinstate */
	char by[64];
	char reason[256];
	char status[12]; /* after the action */
} store_licence_event;

int store_licence_event_add(store *s, const store_licence_event *x);
/* A firm's licence history, oldest first. */
int store_licence_events(store *s, int64_t enterprise_id, store_licence_event **out, size_t *n);

/* ---- audits ---- */

typedef struct store_audit {
	int64_t id, enterprise_id;
	int32_t day;
	char auditor[64];
	int passed;
	char note[256];
	int64_t created_ms;
} store_audit;

int store_audit_add(store *s, store_audit *x);
/* Audits in scope, newest first by day (enterprise_id 0: every firm in
 * scope). */
int store_audit_list(store *s, store_scope sc, int64_t enterprise_id, store_audit **out, size_t *n);

/* ---- labels ---- */

typedef struct store_label {
	int64_t id, enterprise_id, lot_id, carton_id;
	char serial[24];
	char kind[8]; /* carton bag */
	int brand;    /* 1: carries the regional brand */
	int64_t pairs;
	char payload[512]; /* the signed text (docs/internals/brand.md) */
	char sig[96];      /* base64url of the Ed25519 signature */
	int64_t created_ms;
	int64_t scans, first_scan_ms, last_scan_ms;
	int32_t networks;
	int flagged;
} store_label;

/* Inserts a label (id filled); GLOVED_EEXIST for a serial in use. */
int store_label_add(store *s, store_label *x);
/* A label by serial, of any firm (the public page); GLOVED_ENOTFOUND. */
int store_label_by_serial(store *s, const char *serial, store_label *out);
/* The labels of a lot (lot_id 0: of the firm) in scope, in issue order. */
int store_label_list(store *s, store_scope sc, int64_t enterprise_id, int64_t lot_id,
		     store_label **out, size_t *n);

/* Records one public scan of label_id from the network whose hash is
 * net (32 bytes) at ts_ms, and updates the label's count, first and last
 * scan and number of distinct networks (*out: the label after it). */
int store_label_scan(store *s, int64_t label_id, const uint8_t *net, int64_t ts_ms,
		     store_label *out);

/* ---- flags ---- */

typedef struct store_flag {
	int64_t id, enterprise_id, label_id;
	char serial[24];
	int64_t ts_ms;
	char reason[16]; /* scans networks */
	int64_t scans;
	int32_t networks;
	int64_t resolved_ms;
	char resolved_by[64];
	char note[256];
} store_flag;

/* Raises a flag on a label (once: the label is marked flagged; id
 * filled). */
int store_flag_add(store *s, store_flag *x);
/* Flags in scope (open_only: unresolved), newest first. */
int store_flag_list(store *s, store_scope sc, int open_only, store_flag **out, size_t *n);
/* Resolves flag id with a note; GLOVED_ENOTFOUND when it is not in scope
 * or resolved already. */
int store_flag_resolve(store *s, store_scope sc, int64_t id, const char *by, const char *note,
		       int64_t ts_ms);

/* ---- the backend table ----
 * Same rule as every capability: `version` first, new calls appended and
 * STORE_BRAND_VERSION raised, wrappers refuse an older table. Version 1:
 * every call above. */
#define STORE_BRAND_VERSION 1

typedef struct store_brand_ops {
	int version;
	int (*licence_get)(store *s, int64_t enterprise_id, store_licence *out);
	int (*licence_list)(store *s, store_scope sc, store_licence **out, size_t *n);
	int (*licence_put)(store *s, const store_licence *x);
	int (*licence_event_add)(store *s, const store_licence_event *x);
	int (*licence_events)(store *s, int64_t enterprise_id, store_licence_event **out,
			      size_t *n);
	int (*audit_add)(store *s, store_audit *x);
	int (*audit_list)(store *s, store_scope sc, int64_t enterprise_id, store_audit **out,
			  size_t *n);
	int (*label_add)(store *s, store_label *x);
	int (*label_by_serial)(store *s, const char *serial, store_label *out);
	int (*label_list)(store *s, store_scope sc, int64_t enterprise_id, int64_t lot_id,
			  store_label **out, size_t *n);
	int (*label_scan)(store *s, int64_t label_id, const uint8_t *net, int64_t ts_ms,
			  store_label *out);
	int (*flag_add)(store *s, store_flag *x);
	int (*flag_list)(store *s, store_scope sc, int open_only, store_flag **out, size_t *n);
	int (*flag_resolve)(store *s, store_scope sc, int64_t id, const char *by, const char *note,
			    int64_t ts_ms);
} store_brand_ops;

#endif
