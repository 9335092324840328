/* SPDX-License-Identifier: Apache-2.0 */
/* brand.c: licences, audits and flags of the regional brand (app/brand.h).
 * A licence moves none/revoked -grant-> active -suspend-> suspended
 * -reinstate-> active, and active or suspended -revoke-> revoked; every
 * action is an entry of the firm's history. Grant and reinstate check the
 * conditions against the firm's audits and its last inspected lots
 * (original inspections, all styles) in the same transaction. */
#include "app/brand.h"

#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int brand_check_conditions(store *s, int64_t enterprise_id, int32_t audits_passed,
			   int32_t last_lots, int32_t min_accept_pct, char *msg, size_t len)
{
	store_scope firm = {enterprise_id};
	if (audits_passed > 0) {
		store_audit *a = NULL;
		size_t n = 0;
		int rc = store_audit_list(s, firm, enterprise_id, &a, &n);
		if (rc)
			return rc;
		int32_t passed = 0;
		for (size_t i = 0; i < n; i++)
			passed += a[i].passed != 0;
		int latest_failed = n > 0 && !a[0].passed;
		free(a);
		if (passed < audits_passed) {
			snprintf(msg, len,
				 "condition audits_passed: %d passed audit(s), %d required",
				 (int)passed, (int)audits_passed);
			return GLOVED_EBUSY;
		}
		if (latest_failed) {
			snprintf(msg, len, "condition audits_passed: the latest audit was failed");
			return GLOVED_EBUSY;
		}
	}
	if (last_lots > 0) {
		store_inspection *x = NULL;
		size_t n = 0;
		/* newest first; resubmissions are not the firm's record */
		int rc = store_inspection_list(s, firm, enterprise_id, 0, 0, 0, &x, &n);
		if (rc)
			return rc;
		int32_t seen = 0, accepted = 0;
		for (size_t i = 0; i < n && seen < last_lots; i++) {
			if (x[i].resubmitted)
				continue;
			seen++;
			accepted += strcmp(x[i].result, "accepted") == 0;
		}
		free(x);
		if (seen < last_lots) {
			snprintf(msg, len, "condition last_lots: %d lot(s) inspected, %d required",
				 (int)seen, (int)last_lots);
			return GLOVED_EBUSY;
		}
		if (accepted * 100 < min_accept_pct * seen) {
			snprintf(
			    msg, len,
			    "condition min_accept_pct: %d of the last %d lots accepted (%d%%), "
			    "%d%% required",
			    (int)accepted, (int)seen, (int)(accepted * 100 / seen),
			    (int)min_accept_pct);
			return GLOVED_EBUSY;
		}
	}
	return GLOVED_OK;
}

typedef struct action_call {
	const brand_action *a;
	store_licence *out;
	char *msg;
	size_t len;
} action_call;

static int act(store *s, action_call *c)
{
	const brand_action *a = c->a;
	store_licence *l = c->out;
	int rc = store_licence_get(s, a->enterprise_id, l);
	if (rc == GLOVED_ENOTFOUND) {
		memset(l, 0, sizeof *l);
		l->enterprise_id = a->enterprise_id;
		snprintf(l->status, sizeof l->status, "none");
		rc = GLOVED_OK;
	}
	if (rc)
		return rc;
	const char *from = l->status, *to;
	int check = 0;
	if (strcmp(a->action, "grant") == 0) {
		if (strcmp(from, "active") == 0 || strcmp(from, "suspended") == 0) {
			snprintf(c->msg, c->len,
				 "the licence is %s: grant is for a firm without one (reinstate a "
				 "suspended licence)",
				 from);
			return GLOVED_EEXIST;
		}
		if (a->audits_passed >= 0)
			l->audits_passed = a->audits_passed;
		if (a->last_lots >= 0)
			l->last_lots = a->last_lots;
		if (a->min_accept_pct >= 0)
			l->min_accept_pct = a->min_accept_pct;
		l->since_ms = a->now_ms;
		to = "active";
		check = 1;
	} else if (strcmp(a->action, "suspend") == 0) {
		if (strcmp(from, "active") != 0) {
			snprintf(c->msg, c->len, "only an active licence is suspended (it is %s)",
				 from);
			return GLOVED_EEXIST;
		}
		to = "suspended";
	} else if (strcmp(a->action, "reinstate") == 0) {
		if (strcmp(from, "suspended") != 0) {
			snprintf(c->msg, c->len,
				 "only a suspended licence is reinstated (it is %s)", from);
			return GLOVED_EEXIST;
		}
		to = "active";
		check = 1;
	} else if (strcmp(a->action, "revoke") == 0) {
		if (strcmp(from, "active") != 0 && strcmp(from, "suspended") != 0) {
			snprintf(c->msg, c->len, "there is no licence to revoke (it is %s)", from);
			return GLOVED_EEXIST;
		}
		to = "revoked";
	} else {
		snprintf(c->msg, c->len,
			 "field 'action' must be grant, suspend, revoke or reinstate");
		return GLOVED_EINVAL;
	}
	if (check && (rc = brand_check_conditions(s, a->enterprise_id, l->audits_passed,
						  l->last_lots, l->min_accept_pct, c->msg, c->len)))
		return rc;
	snprintf(l->status, sizeof l->status, "%s", to);
	l->updated_ms = a->now_ms;
	if ((rc = store_licence_put(s, l)))
		return rc;
	store_licence_event e;
	memset(&e, 0, sizeof e);
	e.enterprise_id = a->enterprise_id;
	e.ts_ms = a->now_ms;
	snprintf(e.action, sizeof e.action, "%s", a->action);
	snprintf(e.by, sizeof e.by, "%s", a->by);
	snprintf(e.reason, sizeof e.reason, "%s", a->reason);
	snprintf(e.status, sizeof e.status, "%s", to);
	return store_licence_event_add(s, &e);
}

static int do_act(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, act(s, ctx));
}

int brand_licence_action(writer *w, const brand_action *a, store_licence *out, char *msg,
			 size_t len)
{
	msg[0] = '\0';
	action_call c = {a, out, msg, len};
	return writer_call(w, do_act, &c);
}

typedef struct small_call {
	store_audit *audit;
	store_scope sc;
	int64_t id, now_ms;
	const char *by, *note;
} small_call;

static int do_audit(store *s, void *ctx)
{
	small_call *c = ctx;
	int rc = store_begin(s);
	return rc ? rc : store_end(s, store_audit_add(s, c->audit));
}

int brand_add_audit(writer *w, store_audit *a)
{
	small_call c = {.audit = a};
	return writer_call(w, do_audit, &c);
}

static int do_resolve(store *s, void *ctx)
{
	small_call *c = ctx;
	int rc = store_begin(s);
	return rc ? rc
		  : store_end(s, store_flag_resolve(s, c->sc, c->id, c->by, c->note, c->now_ms));
}

int brand_resolve_flag(writer *w, store_scope sc, int64_t id, const char *by, const char *note,
		       int64_t now_ms)
{
	small_call c = {.sc = sc, .id = id, .by = by, .note = note, .now_ms = now_ms};
	return writer_call(w, do_resolve, &c);
}
