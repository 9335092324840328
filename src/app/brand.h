/* SPDX-License-Identifier: Apache-2.0 */
/* brand.h: the regional brand's writes and checks: the association grants,
 * suspends, revokes and reinstates a firm's licence under conditions it
 * sets (passed audits, the acceptance rate of the firm's last inspected
 * lots), records audits, and resolves flags; a firm issues signed labels
 * for its lots (brand labels only for an accepted lot of a firm whose
 * licence is active); anyone verifies a label, which logs the scan and
 * flags a label scanned like a copy. Writes run on the writer thread
 * (writer_call), each in one transaction. The signing is app/brand_key.c's
 * and util/label_sign.c's; the model is in docs/internals/brand.md. */
#ifndef GLOVED_APP_BRAND_H
#define GLOVED_APP_BRAND_H

#include "app/brand_key.h"
#include "app/firmcal.h"
#include "app/writer.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* What a licence action asks. conditions are used by grant (and kept for
 * reinstate); -1 keeps the licence's. */
typedef struct brand_action {
	int64_t enterprise_id;
	char action[12]; /* grant suspend revoke reinstate */
	char reason[256];
	char by[64];
	int32_t audits_passed, last_lots, min_accept_pct;
	int64_t now_ms;
} brand_action;

/* Applies a licence action. GLOVED_EINVAL (msg) for an unknown action;
 * GLOVED_EEXIST (msg) for one the licence's state does not allow (suspend
 * a licence not active, reinstate one not suspended, grant an active one);
 * GLOVED_EBUSY (msg naming the condition) when grant or reinstate finds a
 * condition not met. *out: the licence after it. */
int brand_licence_action(writer *w, const brand_action *a, store_licence *out, char *msg,
			 size_t len);
/* The same on s directly, in its own transaction (the demo's seeding). */
int brand_licence_action_tx(store *s, const brand_action *a, store_licence *out, char *msg,
			    size_t len);

/* Checks a firm against conditions: 0 when met, else GLOVED_EBUSY with msg
 * naming the first one not met (or a store error). */
int brand_check_conditions(store *s, int64_t enterprise_id, int32_t audits_passed,
			   int32_t last_lots, int32_t min_accept_pct, char *msg, size_t len);

/* Records an audit (id filled). */
int brand_add_audit(writer *w, store_audit *a);

/* Resolves a flag in scope (GLOVED_ENOTFOUND when none open). */
int brand_resolve_flag(writer *w, store_scope sc, int64_t id, const char *by, const char *note,
		       int64_t now_ms);

/* What a verification found (brand_verify_label). */
typedef struct brand_verify {
	/* genuine: signed by this cluster's key, registered with this exact
	 * payload; forged: the signature does not verify (or the payload was
	 * changed); unknown: signed, but no label of this serial was issued
	 * here; malformed: the link does not hold a label */
	char state[12];
	char serial[24], firm_code[33], firm_name[128], town[64], style[33], style_name[128];
	char size[8], lot[33], day[11], en388[12], result[12];
	int64_t pairs;
	int brand;                           /* issued as a brand label */
	int64_t scans_before;                /* public scans before this one */
	int64_t first_scan_ms, last_scan_ms; /* of those (0: none) */
	int flagged;                         /* the label is flagged as a likely copy */
	int has_licence;
	store_licence licence; /* the firm's licence now */
	store_licence_event history[16];
	size_t n_history; /* the newest 16, oldest first */
} brand_verify;

/* Labels to issue for a lot. */
typedef struct brand_issue_req {
	int64_t enterprise_id;
	char lot[33];
	char kind[8];          /* carton: one per carton of the lot; bag: count bags */
	int brand;             /* 1: regional-brand labels */
	int32_t count;         /* bags (kind bag): 0 = as many as the lot's pairs fill */
	int64_t pairs_per_bag; /* kind bag: 1.. */
	int64_t now_ms;
	const brand_key *key;
	firmcal_cache *cals;
} brand_issue_req;

#define BRAND_MAX_LABELS 5000 /* per request */

/* Issues and signs the labels of one request in one transaction; *out
 * (malloc'd, the caller frees) and *n. GLOVED_ENOTFOUND (lot); GLOVED_EBUSY
 * with msg naming why when a brand label is asked for a firm whose licence
 * is not active or a lot not accepted, or a carton label for a lot with no
 * cartons; GLOVED_EEXIST (msg) when the cartons have labels already or the
 * bags would hold more pairs than the lot has left; GLOVED_EINVAL (msg). */
int brand_issue_labels(writer *w, const brand_issue_req *r, store_label **out, size_t *n, char *msg,
		       size_t len);
/* The same on s directly, in its own transaction. */
int brand_issue_labels_tx(store *s, const brand_issue_req *r, store_label **out, size_t *n,
			  char *msg, size_t len);

/* A scan to verify. p and s: the QR code's payload and signature
 * (base64url), NULL or "" when only the serial is known (typed in). */
typedef struct brand_verify_req {
	const char *serial, *p, *s;
	const uint8_t *net; /* the client's network (http__client_net), n_net bytes */
	size_t n_net;
	int64_t now_ms;
	int64_t clone_scans, clone_networks; /* [brand] */
	const brand_key *key;
} brand_verify_req;

/* Verifies a label and, when it is genuine, logs the scan and flags the
 * label (once) when its scans or networks pass the limits: out->state says
 * what was found. 0, or a store error. */
int brand_verify_label(writer *w, const brand_verify_req *q, brand_verify *out);
/* The same on s directly, in its own transaction. */
int brand_verify_label_tx(store *s, const brand_verify_req *q, brand_verify *out);

#endif
