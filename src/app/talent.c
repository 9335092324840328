/* SPDX-License-Identifier: Apache-2.0 */
/* talent.c: courses, sessions, enrolments, assessments and certificates
 * (talent.h). */
#include "app/talent.h"

#include "core/cluster.h"
#include "core/tz.h"
#include "util/err.h"
#include "util/label_sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const talent_categories[4] = {"sewing", "maintenance", "quality", "ecommerce"};

typedef struct course_ctx {
	const cluster_actor *a;
	store_course *c;
	store_course_session *ses;
	store_scope sc;
	const store_enrolment *en;
	const store_skill_rule *rule;
} course_ctx;

static int course_tx(store *s, course_ctx *c)
{
	int rc = store_course_add(s, c->c);
	if (rc)
		return rc;
	char target[64];
	snprintf(target, sizeof target, "course %s", c->c->code);
	return cluster_audit_tx(s, c->a, 0, "talent.course", target, "", c->c->name_zh);
}

static int do_course(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, course_tx(s, ctx));
}

int talent_course_add(writer *w, const cluster_actor *a, store_course *x)
{
	course_ctx c = {.a = a, .c = x};
	return writer_call(w, do_course, &c);
}

static int session_tx(store *s, course_ctx *c)
{
	store_course co;
	int rc = store_course_get(s, c->ses->course_id, NULL, &co);
	if (rc)
		return rc;
	if ((rc = store_course_session_add(s, c->ses)))
		return rc;
	char target[64], after[96];
	snprintf(target, sizeof target, "session %lld", (long long)c->ses->id);
	snprintf(after, sizeof after, "{\"course\":\"%s\",\"capacity\":%d}", co.code,
		 c->ses->capacity);
	return cluster_audit_tx(s, c->a, 0, "talent.session", target, "", after);
}

static int do_session(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, session_tx(s, ctx));
}

int talent_session_add(writer *w, const cluster_actor *a, store_course_session *x)
{
	course_ctx c = {.a = a, .ses = x};
	return writer_call(w, do_session, &c);
}

static int enrol_tx(store *s, course_ctx *c)
{
	int rc = store_enrolment_add(s, c->sc, c->en);
	if (rc)
		return rc;
	char target[96];
	snprintf(target, sizeof target, "session %lld worker %s", (long long)c->en->session_id,
		 c->en->worker);
	return cluster_audit_tx(s, c->a, c->en->enterprise_id, "talent.enrol", target, "", "");
}

static int do_enrol(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, enrol_tx(s, ctx));
}

int talent_enrol(writer *w, const cluster_actor *a, store_scope sc, const store_enrolment *x)
{
	course_ctx c = {.a = a, .sc = sc, .en = x};
	return writer_call(w, do_enrol, &c);
}

typedef struct assess_ctx {
	const cluster_actor *a;
	store_scope sc;
	const brand_key *key;
	const talent_assess_req *q;
	store_enrolment *out;
	store_cert *cert;
	char *msg;
	size_t mlen;
} assess_ctx;

static int firm_of(store *s, int64_t id, store_enterprise *out)
{
	store_scope one = {.enterprise_id = id};
	store_enterprise *e = NULL;
	size_t n = 0;
	int rc = store_enterprise_list(s, one, &e, &n);
	if (!rc && n == 0)
		rc = GLOVED_ENOTFOUND;
	if (!rc)
		*out = e[0];
	free(e);
	return rc;
}

static int assess_tx(store *s, assess_ctx *c)
{
	const talent_assess_req *q = c->q;
	store_enrolment *e = c->out;
	int rc = store_enrolment_get(s, c->sc, q->session_id, q->enterprise_id, q->worker, e);
	if (rc == GLOVED_ENOTFOUND)
		snprintf(c->msg, c->mlen, "%s is not enrolled in session %lld", q->worker,
			 (long long)q->session_id);
	if (rc)
		return rc;
	if (e->cert_serial[0]) {
		snprintf(c->msg, c->mlen, "%s holds certificate %s of this session already",
			 q->worker, e->cert_serial);
		return GLOVED_EEXIST;
	}
	e->attended_hours = q->attended_hours;
	e->score = q->score;
	e->passed = q->score >= 60;
	memset(c->cert, 0, sizeof *c->cert);
	if (e->passed && c->key) {
		store_course_session ses;
		store_course co;
		store_enterprise ent;
		if ((rc = store_course_session_get(s, q->session_id, &ses)) ||
		    (rc = store_course_get(s, ses.course_id, NULL, &co)) ||
		    (rc = firm_of(s, q->enterprise_id, &ent)))
			return rc;
		store_cert *x = c->cert;
		cert_fields f = {.level = q->level};
		char serial[LABEL_SERIAL_LEN + 1];
		label_serial_new(serial);
		snprintf(f.serial, sizeof f.serial, "C%s", serial);
		snprintf(f.firm, sizeof f.firm, "%s", ent.code);
		snprintf(f.worker, sizeof f.worker, "%s", q->worker);
		snprintf(f.worker_name, sizeof f.worker_name, "%s",
			 e->worker_name[0] ? e->worker_name : q->worker);
		snprintf(f.course, sizeof f.course, "%s", co.code);
		snprintf(f.operation, sizeof f.operation, "%s", co.operation);
		tz_day_format(q->day, f.day);
		if (cert_payload_make(&f, x->payload, sizeof x->payload) ||
		    brand_key_sign(c->key, x->payload, x->sig, sizeof x->sig)) {
			snprintf(c->msg, c->mlen,
				 "the certificate cannot be made (a name holds '|' or a control "
				 "character)");
			return GLOVED_EINVAL;
		}
		snprintf(x->serial, sizeof x->serial, "%s", f.serial);
		x->enterprise_id = q->enterprise_id;
		snprintf(x->worker, sizeof x->worker, "%s", q->worker);
		snprintf(x->worker_name, sizeof x->worker_name, "%s", f.worker_name);
		x->course_id = co.id;
		snprintf(x->operation, sizeof x->operation, "%s", co.operation);
		x->level = q->level;
		x->day = q->day;
		x->created_ms = c->a->now_ms;
		if ((rc = store_cert_add(s, x)))
			return rc;
		snprintf(e->cert_serial, sizeof e->cert_serial, "%s", x->serial);
	}
	if ((rc = store_enrolment_put(s, c->sc, e)))
		return rc;
	char target[96], after[96];
	snprintf(target, sizeof target, "session %lld worker %s", (long long)q->session_id,
		 q->worker);
	snprintf(after, sizeof after, "{\"score\":%d,\"passed\":%s,\"certificate\":\"%s\"}",
		 e->score, e->passed ? "true" : "false", e->cert_serial);
	return cluster_audit_tx(s, c->a, q->enterprise_id, "talent.assess", target, "", after);
}

static int do_assess(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, assess_tx(s, ctx));
}

int talent_assess(writer *w, const cluster_actor *a, store_scope sc, const brand_key *key,
		  const talent_assess_req *q, store_enrolment *out, store_cert *cert, char *msg,
		  size_t mlen)
{
	msg[0] = '\0';
	assess_ctx c = {a, sc, key, q, out, cert, msg, mlen};
	return writer_call(w, do_assess, &c);
}

int talent_verify(store *s, const brand_key *key, const char *serial, store_cert *out)
{
	int rc = store_cert_by_serial(s, serial, out);
	if (rc)
		return rc;
	cert_fields f;
	if (cert_payload_parse(out->payload, &f) || strcmp(f.serial, out->serial) != 0)
		return 0;
	return key && brand_key_verify(key, out->payload, out->sig) ? 1 : 0;
}

static int rule_tx(store *s, course_ctx *c)
{
	int rc = store_skill_rule_put(s, c->sc, c->rule);
	if (rc)
		return rc;
	char target[64];
	snprintf(target, sizeof target, "skill rule %s", c->rule->operation);
	return cluster_audit_tx(s, c->a, c->rule->enterprise_id, "talent.rule", target, "",
				c->rule->mode[0] ? c->rule->mode : "removed");
}

static int do_rule(store *s, void *ctx)
{
	int rc = store_begin(s);
	return rc ? rc : store_end(s, rule_tx(s, ctx));
}

int talent_rule_put(writer *w, const cluster_actor *a, store_scope sc, const store_skill_rule *x)
{
	course_ctx c = {.a = a, .sc = sc, .rule = x};
	return writer_call(w, do_rule, &c);
}
