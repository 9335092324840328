/* SPDX-License-Identifier: Apache-2.0 */
/* talent.h: training for the cluster's workers: courses and their
 * sessions (the association's), a firm's enrolments, attendance and
 * assessment, and the certificate a passed assessment earns: its text
 * (core/cluster.h cert_payload) signed with the cluster's key, so a QR
 * code on the PDF verifies it anywhere; each worker's skill matrix; and
 * the operations a firm requires a certificate for (the scan path checks
 * them: app/sewn.c). Writes run on the writer thread with their audit
 * entry. */
#ifndef GLOVED_APP_TALENT_H
#define GLOVED_APP_TALENT_H

#include "app/brand_key.h"
#include "app/cluster.h"
#include "app/writer.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* "sewing", "maintenance", "quality", "ecommerce". */
extern const char *const talent_categories[4];

/* Adds a course (GLOVED_EEXIST for a code in use). */
int talent_course_add(writer *w, const cluster_actor *a, store_course *x);
/* Adds a session of a course (GLOVED_ENOTFOUND for no such course). */
int talent_session_add(writer *w, const cluster_actor *a, store_course_session *x);
/* Enrols a worker of a firm (GLOVED_EEXIST, GLOVED_EBUSY when full,
 * GLOVED_ENOTFOUND for no such session). */
int talent_enrol(writer *w, const cluster_actor *a, store_scope sc, const store_enrolment *x);

/* Records attendance and an assessment. A pass (score >= 60) with a key
 * issues the certificate at level (1..5) on day, signed: *cert filled
 * (serial "" when none was issued). GLOVED_ENOTFOUND for no enrolment,
 * GLOVED_EEXIST when it is certified already. */
typedef struct talent_assess_req {
	int64_t session_id, enterprise_id;
	char worker[33];
	int32_t attended_hours, score, level, day;
} talent_assess_req;

int talent_assess(writer *w, const cluster_actor *a, store_scope sc, const brand_key *key,
		  const talent_assess_req *q, store_enrolment *out, store_cert *cert, char *msg,
		  size_t mlen);

/* Verifies a certificate by serial: 1 genuine (stored, signature of the
 * stored text by this cluster's key), 0 forged or changed, GLOVED_ENOTFOUND. */
int talent_verify(store *s, const brand_key *key, const char *serial, store_cert *out);

/* Sets a firm's rule for an operation (mode flag, refuse, or "" to
 * remove) with its audit entry. */
int talent_rule_put(writer *w, const cluster_actor *a, store_scope sc, const store_skill_rule *x);

#endif
