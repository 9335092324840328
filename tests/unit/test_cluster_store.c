/* SPDX-License-Identifier: Apache-2.0 */
/* test_cluster_store.c: the cluster capability of the store
 * (store/cluster.h) on both backends (without arguments SQLite, with --pg
 * PostgreSQL: store_pg_test.h). Share settings replace and refuse an
 * unknown firm; the audit log pages newest first in a firm's and a town's
 * scope; a year's forms number their versions; a report and its values
 * round trip by key in byte order, a draft is replaced, a filed month and
 * a report with a repeated key are refused and change nothing, and reads
 * keep to the scope; the plan numbers its versions as the newest + 1 (also
 * after a rollback); actuals and programme items replace and list in
 * order; a session takes no more enrolments than its capacity, a
 * duplicate is refused and a refused write leaves the transaction usable;
 * certificates, skill rules and flags keep to their firm; and the
 * cockpit's, the month's and the labels' sums are worked by hand from
 * rows of the day and shift rollups and the labels (written as raw SQL,
 * so that nothing but this capability is needed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define STORE_RAW_TEST_NAME "cluster-store"
#include "store_raw_test.h"

/* ---- share settings and the audit log ---- */

static void test_share(void **state)
{
	store *db = *state;
	int64_t a = add_firm(db, "PY01", "平邑");
	store_share sh;
	assert_int_equal(store_share_get(db, a, &sh), GLOVED_ENOTFOUND);
	assert_int_equal(sh.enterprise_id, a);
	assert_int_equal(sh.capacity, 0);
	store_share put = {.enterprise_id = a, .capacity = 1, .cases = 1, .updated_ms = 10};
	snprintf(put.by, sizeof put.by, "boss");
	assert_int_equal(store_share_put(db, &put), 0);
	put.capacity = 0;
	put.catalogue = 1;
	put.updated_ms = 20;
	assert_int_equal(store_share_put(db, &put), 0);
	assert_int_equal(store_share_get(db, a, &sh), 0);
	assert_int_equal(sh.capacity, 0);
	assert_int_equal(sh.catalogue, 1);
	assert_int_equal(sh.cases, 1);
	assert_int_equal(sh.updated_ms, 20);
	assert_string_equal(sh.by, "boss");
	/* an unknown firm is refused, and inside a transaction the refusal
	 * leaves it usable */
	assert_int_equal(store_begin(db), 0);
	store_share bad = {.enterprise_id = a + 100, .capacity = 1};
	assert_int_equal(store_share_put(db, &bad), GLOVED_EEXIST);
	put.cases = 0;
	assert_int_equal(store_share_put(db, &put), 0);
	assert_int_equal(store_commit(db), 0);
	assert_int_equal(store_share_get(db, a, &sh), 0);
	assert_int_equal(sh.cases, 0);
	assert_int_equal(store_share_get(db, a + 100, &sh), GLOVED_ENOTFOUND);
}

static void test_auditlog(void **state)
{
	store *db = *state;
	int64_t a = add_firm(db, "PY01", "平邑"), b = add_firm(db, "GM01", "高密");
	int64_t ents[6] = {a, b, 0, a, b, a};
	int64_t ids[6];
	for (int i = 0; i < 6; i++) {
		store_auditlog x = {.ts_ms = 1000 + i, .enterprise_id = ents[i]};
		snprintf(x.actor, sizeof x.actor, "user%d", i);
		snprintf(x.role, sizeof x.role, "bureau");
		snprintf(x.action, sizeof x.action, "share.update");
		snprintf(x.target, sizeof x.target, "firm %d", i);
		snprintf(x.before, sizeof x.before, "{\"i\":%d}", i);
		assert_int_equal(store_auditlog_add(db, &x), 0);
		ids[i] = x.id;
		assert_true(i == 0 || ids[i] > ids[i - 1]);
	}
	store_auditlog *v = NULL;
	size_t n = 0;
	/* everything, newest first */
	assert_int_equal(store_auditlog_list(db, (store_scope){0}, 0, 100, &v, &n), 0);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i].id, ids[5 - i]);
	assert_string_equal(v[0].actor, "user5");
	assert_string_equal(v[0].before, "{\"i\":5}");
	assert_string_equal(v[0].after, "");
	assert_int_equal(v[0].ts_ms, 1005);
	free(v);
	/* a firm's, in pages of two */
	assert_int_equal(store_auditlog_list(db, firm_scope(a), 0, 2, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, ids[5]);
	assert_int_equal(v[1].id, ids[3]);
	int64_t before = v[1].id;
	free(v);
	assert_int_equal(store_auditlog_list(db, firm_scope(a), before, 2, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, ids[0]);
	free(v);
	/* a town's firms only (not the cluster's own entries) */
	assert_int_equal(store_auditlog_list(db, town_scope("高密"), 0, 100, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, ids[4]);
	assert_int_equal(v[1].id, ids[1]);
	free(v);
	/* no limit at all */
	assert_int_equal(store_auditlog_list(db, (store_scope){0}, 0, SIZE_MAX, &v, &n), 0);
	assert_int_equal(n, 6);
	free(v);
	assert_int_equal(store_auditlog_list(db, (store_scope){0}, 0, 0, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
}

/* ---- statistics ---- */

static void test_stat_forms(void **state)
{
	store *db = *state;
	const int32_t years[3] = {2026, 2026, 2027};
	const int32_t versions[3] = {1, 2, 1};
	for (int i = 0; i < 3; i++) {
		store_stat_form f = {.year = years[i], .created_ms = 100 + i};
		snprintf(f.fields, sizeof f.fields, "[{\"key\":\"f%d\"}]", i);
		snprintf(f.by, sizeof f.by, "bureau");
		assert_int_equal(store_stat_form_add(db, &f), 0);
		assert_int_equal(f.version, versions[i]);
	}
	store_stat_form g;
	assert_int_equal(store_stat_form_get(db, 2026, 0, &g), 0);
	assert_int_equal(g.version, 2);
	assert_string_equal(g.fields, "[{\"key\":\"f1\"}]");
	assert_int_equal(g.created_ms, 101);
	assert_string_equal(g.by, "bureau");
	assert_int_equal(store_stat_form_get(db, 2026, 1, &g), 0);
	assert_string_equal(g.fields, "[{\"key\":\"f0\"}]");
	assert_int_equal(store_stat_form_get(db, 2027, 0, &g), 0);
	assert_int_equal(g.version, 1);
	assert_int_equal(store_stat_form_get(db, 2026, 3, &g), GLOVED_ENOTFOUND);
	assert_int_equal(store_stat_form_get(db, 2025, 0, &g), GLOVED_ENOTFOUND);
}

static store_stat_report report(int64_t ent, int32_t month, const char *status, const char *keys)
{
	store_stat_report r;
	memset(&r, 0, sizeof r);
	r.enterprise_id = ent;
	r.month = month;
	r.form_version = 1;
	snprintf(r.status, sizeof r.status, "%s", status);
	snprintf(r.size_class, sizeof r.size_class, "small");
	r.updated_ms = month;
	snprintf(r.by, sizeof r.by, "clerk");
	/* one value per character of keys, its value the position */
	for (size_t i = 0; keys[i] && i < STAT_VALUES_MAX; i++) {
		snprintf(r.values[i].key, sizeof r.values[i].key, "%c", keys[i]);
		r.values[i].value = (int64_t)(i + 1) * 1000;
		r.values[i].measured = (int)(i % 2);
		r.n_values++;
	}
	return r;
}

static void test_stat_reports(void **state)
{
	store *db = *state;
	int64_t a = add_firm(db, "PY01", "平邑"), b = add_firm(db, "GM01", "高密");
	store_scope all = {0};
	store_stat_report r = report(a, 202611, "draft", "baC");
	assert_int_equal(store_stat_report_put(db, all, &r), 0);
	store_stat_report g;
	assert_int_equal(store_stat_report_get(db, all, a, 202611, &g), 0);
	assert_string_equal(g.status, "draft");
	assert_string_equal(g.size_class, "small");
	assert_string_equal(g.by, "clerk");
	assert_int_equal(g.form_version, 1);
	/* values by key, in byte order */
	assert_int_equal(g.n_values, 3);
	assert_string_equal(g.values[0].key, "C");
	assert_int_equal(g.values[0].value, 3000);
	assert_int_equal(g.values[0].measured, 0);
	assert_string_equal(g.values[1].key, "a");
	assert_int_equal(g.values[1].value, 2000);
	assert_int_equal(g.values[1].measured, 1);
	assert_string_equal(g.values[2].key, "b");
	/* a draft is replaced, its values with it */
	r = report(a, 202611, "draft", "xy");
	assert_int_equal(store_stat_report_put(db, firm_scope(a), &r), 0);
	assert_int_equal(store_stat_report_get(db, firm_scope(a), 0, 202611, &g), 0);
	assert_int_equal(g.n_values, 2);
	assert_string_equal(g.values[0].key, "x");
	/* the most values a report holds */
	char many[STAT_VALUES_MAX + 1];
	for (int i = 0; i < STAT_VALUES_MAX; i++)
		many[i] = (char)('A' + i);
	many[STAT_VALUES_MAX] = '\0';
	r = report(b, 202611, "draft", many);
	assert_int_equal(r.n_values, STAT_VALUES_MAX);
	assert_int_equal(store_stat_report_put(db, all, &r), 0);
	assert_int_equal(store_stat_report_get(db, all, b, 202611, &g), 0);
	assert_int_equal(g.n_values, STAT_VALUES_MAX);
	for (int i = 0; i < STAT_VALUES_MAX; i++)
		assert_int_equal(g.values[i].value, (int64_t)(i + 1) * 1000);
	r = report(a, 202612, "draft", "");
	assert_int_equal(store_stat_report_put(db, all, &r), 0);
	/* the scope */
	assert_int_equal(store_stat_report_put(db, firm_scope(b), &r), GLOVED_EPERM);
	assert_int_equal(store_stat_report_get(db, firm_scope(b), a, 202611, &g), GLOVED_ENOTFOUND);
	assert_int_equal(store_stat_report_get(db, all, 0, 202611, &g), GLOVED_ENOTFOUND);
	assert_int_equal(store_stat_report_get(db, town_scope("高密"), a, 202611, &g),
			 GLOVED_ENOTFOUND);
	assert_int_equal(store_stat_report_get(db, town_scope("平邑"), a, 202611, &g), 0);
	assert_int_equal(store_stat_report_get(db, all, a, 202610, &g), GLOVED_ENOTFOUND);
	/* lists by month and firm code, with their values */
	store_stat_report *v = NULL;
	size_t n = 0;
	assert_int_equal(store_stat_report_list(db, all, 202611, 202612, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].enterprise_id, b); /* GM01 before PY01 */
	assert_int_equal(v[0].n_values, STAT_VALUES_MAX);
	assert_int_equal(v[1].enterprise_id, a);
	assert_int_equal(v[1].month, 202611);
	assert_int_equal(v[1].n_values, 2);
	assert_string_equal(v[1].values[1].key, "y");
	assert_int_equal(v[2].month, 202612);
	assert_int_equal(v[2].n_values, 0);
	free(v);
	assert_int_equal(store_stat_report_list(db, firm_scope(a), 0, 999999, &v, &n), 0);
	assert_int_equal(n, 2);
	free(v);
	assert_int_equal(store_stat_report_list(db, town_scope("高密"), 0, 999999, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].enterprise_id, b);
	free(v);
	assert_int_equal(store_stat_report_list(db, all, 202612, 202612, &v, &n), 0);
	assert_int_equal(n, 1);
	free(v);
	/* filed: never written again */
	r = report(a, 202611, "filed", "fgh");
	r.filed_ms = 5;
	assert_int_equal(store_stat_report_put(db, all, &r), 0);
	r = report(a, 202611, "draft", "q");
	assert_int_equal(store_stat_report_put(db, all, &r), GLOVED_EEXIST);
	assert_int_equal(store_stat_report_get(db, all, a, 202611, &g), 0);
	assert_string_equal(g.status, "filed");
	assert_int_equal(g.filed_ms, 5);
	assert_int_equal(g.n_values, 3);
	assert_string_equal(g.values[0].key, "f");
	/* a repeated key is refused and changes nothing, in a transaction
	 * too (which stays usable) */
	r = report(b, 202611, "draft", "kk");
	assert_int_equal(store_stat_report_put(db, all, &r), GLOVED_EEXIST);
	assert_int_equal(store_stat_report_get(db, all, b, 202611, &g), 0);
	assert_int_equal(g.n_values, STAT_VALUES_MAX);
	r = report(b, 202701, "draft", "zz");
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_stat_report_put(db, all, &r), GLOVED_EEXIST);
	r = report(b, 202702, "draft", "z");
	assert_int_equal(store_stat_report_put(db, all, &r), 0);
	assert_int_equal(store_commit(db), 0);
	assert_int_equal(store_stat_report_get(db, all, b, 202701, &g), GLOVED_ENOTFOUND);
	assert_int_equal(store_stat_report_get(db, all, b, 202702, &g), 0);
	assert_int_equal(g.n_values, 1);
	/* a firm that does not exist */
	r = report(b + 100, 202611, "draft", "a");
	assert_int_equal(store_stat_report_put(db, all, &r), GLOVED_EEXIST);
	assert_int_equal(store_stat_report_list(db, all, 0, 999999, &v, &n), 0);
	assert_int_equal(n, 4);
	free(v);
}

/* ---- the plan and the programme ---- */

static void test_plan(void **state)
{
	store *db = *state;
	store_plan p = {.created_ms = 1};
	snprintf(p.body, sizeof p.body, "{\"period\":\"2026-2030\"}");
	snprintf(p.by, sizeof p.by, "bureau");
	assert_int_equal(store_plan_add(db, &p), 0);
	assert_int_equal(p.version, 1);
	snprintf(p.body, sizeof p.body, "{\"period\":\"2026-2031\"}");
	assert_int_equal(store_plan_add(db, &p), 0);
	assert_int_equal(p.version, 2);
	/* a version rolled back is given again */
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_plan_add(db, &p), 0);
	assert_int_equal(p.version, 3);
	assert_int_equal(store_rollback(db), 0);
	p.created_ms = 3;
	assert_int_equal(store_plan_add(db, &p), 0);
	assert_int_equal(p.version, 3);
	store_plan g;
	assert_int_equal(store_plan_get(db, 0, &g), 0);
	assert_int_equal(g.version, 3);
	assert_int_equal(g.created_ms, 3);
	assert_int_equal(store_plan_get(db, 1, &g), 0);
	assert_string_equal(g.body, "{\"period\":\"2026-2030\"}");
	assert_string_equal(g.by, "bureau");
	assert_int_equal(store_plan_get(db, 4, &g), GLOVED_ENOTFOUND);

	const char *ind[4] = {"output", "Exports", "output", "export"};
	const int32_t year[4] = {2027, 2026, 2026, 2026};
	for (int i = 0; i < 4; i++) {
		store_plan_actual x = {.year = year[i], .value = i + 1, .updated_ms = i};
		snprintf(x.indicator, sizeof x.indicator, "%s", ind[i]);
		snprintf(x.by, sizeof x.by, "u%d", i);
		assert_int_equal(store_plan_actual_put(db, &x), 0);
	}
	store_plan_actual x = {.year = 2027, .value = 99, .updated_ms = 9};
	snprintf(x.indicator, sizeof x.indicator, "output");
	assert_int_equal(store_plan_actual_put(db, &x), 0);
	store_plan_actual *v = NULL;
	size_t n = 0;
	assert_int_equal(store_plan_actual_list(db, &v, &n), 0);
	assert_int_equal(n, 4);
	/* by indicator (bytes: capitals first), then year */
	assert_string_equal(v[0].indicator, "Exports");
	assert_string_equal(v[1].indicator, "export");
	assert_string_equal(v[2].indicator, "output");
	assert_int_equal(v[2].year, 2026);
	assert_int_equal(v[2].value, 3);
	assert_int_equal(v[3].year, 2027);
	assert_int_equal(v[3].value, 99);
	assert_string_equal(v[3].by, "");
	free(v);
}

static void test_programme(void **state)
{
	store *db = *state;
	const char *kinds[4] = {"project", "event", "project", "case"};
	const char *lines[4] = {"smart", "brand", "brand", "smart"};
	int64_t ids[4];
	for (int i = 0; i < 4; i++) {
		store_prog_item x = {.year = 2026, .updated_ms = i};
		snprintf(x.kind, sizeof x.kind, "%s", kinds[i]);
		snprintf(x.line, sizeof x.line, "%s", lines[i]);
		snprintf(x.title, sizeof x.title, "item %d", i);
		snprintf(x.body, sizeof x.body, "{}");
		assert_int_equal(store_prog_put(db, &x), 0);
		assert_true(x.id > 0);
		ids[i] = x.id;
	}
	store_prog_item x;
	assert_int_equal(store_prog_get(db, ids[1], &x), 0);
	assert_string_equal(x.kind, "event");
	snprintf(x.title, sizeof x.title, "renamed");
	x.year = 2027;
	assert_int_equal(store_prog_put(db, &x), 0);
	assert_int_equal(x.id, ids[1]);
	store_prog_item g;
	assert_int_equal(store_prog_get(db, ids[1], &g), 0);
	assert_string_equal(g.title, "renamed");
	assert_int_equal(g.year, 2027);
	x.id = ids[3] + 100;
	assert_int_equal(store_prog_put(db, &x), GLOVED_ENOTFOUND);
	assert_int_equal(store_prog_get(db, ids[3] + 100, &g), GLOVED_ENOTFOUND);
	store_prog_item *v = NULL;
	size_t n = 0;
	assert_int_equal(store_prog_list(db, "", &v, &n), 0);
	assert_int_equal(n, 4);
	/* by line, then id */
	assert_int_equal(v[0].id, ids[1]);
	assert_int_equal(v[1].id, ids[2]);
	assert_int_equal(v[2].id, ids[0]);
	assert_int_equal(v[3].id, ids[3]);
	free(v);
	assert_int_equal(store_prog_list(db, "project", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, ids[2]);
	free(v);
	assert_int_equal(store_prog_list(db, NULL, &v, &n), 0);
	assert_int_equal(n, 4);
	free(v);
}

/* ---- talent ---- */

static void test_courses_and_enrolments(void **state)
{
	store *db = *state;
	int64_t a = add_firm(db, "PY01", "平邑"), b = add_firm(db, "GM01", "高密");
	store_course c1 = {.hours = 16}, c2 = {.hours = 8};
	snprintf(c1.code, sizeof c1.code, "W2");
	snprintf(c1.name_zh, sizeof c1.name_zh, "缝纫");
	snprintf(c1.category, sizeof c1.category, "sewing");
	snprintf(c1.operation, sizeof c1.operation, "thumb");
	snprintf(c2.code, sizeof c2.code, "W1");
	assert_int_equal(store_course_add(db, &c1), 0);
	assert_int_equal(store_course_add(db, &c2), 0);
	store_course dup = c2;
	assert_int_equal(store_course_add(db, &dup), GLOVED_EEXIST);
	store_course g;
	assert_int_equal(store_course_get(db, c1.id, NULL, &g), 0);
	assert_string_equal(g.name_zh, "缝纫");
	assert_string_equal(g.operation, "thumb");
	assert_int_equal(g.hours, 16);
	assert_int_equal(store_course_get(db, 0, "W1", &g), 0);
	assert_int_equal(g.id, c2.id);
	assert_int_equal(store_course_get(db, 0, "W9", &g), GLOVED_ENOTFOUND);
	assert_int_equal(store_course_get(db, 0, NULL, &g), GLOVED_ENOTFOUND);
	store_course *cv = NULL;
	size_t n = 0;
	assert_int_equal(store_course_list(db, &cv, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(cv[0].code, "W1");
	free(cv);

	store_course_session s1 = {.course_id = c1.id, .day0 = 20500, .day1 = 20502, .capacity = 2},
			     s2 = {.course_id = c2.id, .day0 = 20400, .day1 = 20400, .capacity = 3},
			     s3 = {.course_id = c1.id, .day0 = 20400, .day1 = 20401, .capacity = 1};
	snprintf(s1.trainer, sizeof s1.trainer, "Li");
	snprintf(s1.place, sizeof s1.place, "hall");
	assert_int_equal(store_course_session_add(db, &s1), 0);
	assert_int_equal(store_course_session_add(db, &s2), 0);
	assert_int_equal(store_course_session_add(db, &s3), 0);
	store_course_session bad = {.course_id = c2.id + 100, .capacity = 1};
	assert_int_equal(store_course_session_add(db, &bad), GLOVED_EEXIST);
	store_course_session *sv = NULL;
	assert_int_equal(store_course_session_list(db, 0, &sv, &n), 0);
	assert_int_equal(n, 3);
	/* by first day, then id */
	assert_int_equal(sv[0].id, s2.id);
	assert_int_equal(sv[1].id, s3.id);
	assert_int_equal(sv[2].id, s1.id);
	free(sv);
	assert_int_equal(store_course_session_list(db, c1.id, &sv, &n), 0);
	assert_int_equal(n, 2);
	free(sv);

	store_enrolment e = {.session_id = s1.id, .enterprise_id = a};
	snprintf(e.worker, sizeof e.worker, "w2");
	snprintf(e.worker_name, sizeof e.worker_name, "Wang");
	assert_int_equal(store_enrolment_add(db, firm_scope(b), &e), GLOVED_EPERM);
	assert_int_equal(store_enrolment_add(db, firm_scope(a), &e), 0);
	/* a duplicate is refused; in a transaction that stays usable */
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_enrolment_add(db, firm_scope(a), &e), GLOVED_EEXIST);
	snprintf(e.worker, sizeof e.worker, "w1");
	assert_int_equal(store_enrolment_add(db, firm_scope(a), &e), 0);
	assert_int_equal(store_commit(db), 0);
	/* full */
	store_enrolment eb = {.session_id = s1.id, .enterprise_id = b};
	snprintf(eb.worker, sizeof eb.worker, "w3");
	assert_int_equal(store_enrolment_add(db, (store_scope){0}, &eb), GLOVED_EBUSY);
	eb.session_id = s2.id;
	assert_int_equal(store_enrolment_add(db, (store_scope){0}, &eb), 0);
	eb.session_id = s3.id + 100;
	assert_int_equal(store_enrolment_add(db, (store_scope){0}, &eb), GLOVED_ENOTFOUND);
	store_course_session sg;
	assert_int_equal(store_course_session_get(db, s1.id, &sg), 0);
	assert_int_equal(sg.enrolled, 2);
	assert_int_equal(sg.capacity, 2);
	assert_string_equal(sg.trainer, "Li");
	assert_string_equal(sg.place, "hall");
	assert_int_equal(sg.day1, 20502);
	assert_int_equal(store_course_session_get(db, s3.id + 100, &sg), GLOVED_ENOTFOUND);

	store_enrolment got;
	assert_int_equal(store_enrolment_get(db, firm_scope(a), s1.id, a, "w1", &got), 0);
	assert_int_equal(got.score, -1);
	assert_int_equal(got.attended_hours, 0);
	assert_string_equal(got.worker_name, "Wang");
	store_enrolment hidden;
	assert_int_equal(store_enrolment_get(db, firm_scope(b), s1.id, a, "w1", &hidden),
			 GLOVED_ENOTFOUND);
	assert_int_equal(hidden.session_id, 0);
	got.attended_hours = 16;
	got.score = 88;
	got.passed = 1;
	snprintf(got.cert_serial, sizeof got.cert_serial, "C-0001");
	assert_int_equal(store_enrolment_put(db, firm_scope(b), &got), GLOVED_EPERM);
	assert_int_equal(store_enrolment_put(db, firm_scope(a), &got), 0);
	store_enrolment none = got;
	snprintf(none.worker, sizeof none.worker, "w9");
	assert_int_equal(store_enrolment_put(db, (store_scope){0}, &none), GLOVED_ENOTFOUND);
	assert_int_equal(store_enrolment_get(db, (store_scope){0}, s1.id, a, "w1", &got), 0);
	assert_int_equal(got.score, 88);
	assert_int_equal(got.passed, 1);
	assert_string_equal(got.cert_serial, "C-0001");

	store_enrolment *ev = NULL;
	assert_int_equal(store_enrolment_list(db, (store_scope){0}, 0, &ev, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ev[0].session_id, s1.id);
	assert_string_equal(ev[0].worker, "w1");
	assert_string_equal(ev[1].worker, "w2");
	assert_int_equal(ev[2].session_id, s2.id);
	free(ev);
	assert_int_equal(store_enrolment_list(db, firm_scope(b), 0, &ev, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].enterprise_id, b);
	free(ev);
	assert_int_equal(store_enrolment_list(db, town_scope("平邑"), s1.id, &ev, &n), 0);
	assert_int_equal(n, 2);
	free(ev);
	assert_int_equal(store_enrolment_list(db, town_scope("平邑"), s2.id, &ev, &n), 0);
	assert_int_equal(n, 0);
	free(ev);
}

static void test_certs_and_skills(void **state)
{
	store *db = *state;
	int64_t a = add_firm(db, "PY01", "平邑"), b = add_firm(db, "GM01", "高密");
	struct {
		const char *serial;
		int64_t ent;
		const char *worker;
		int32_t day;
	} certs[4] = {
	    {"S3", 0, "w2", 30}, {"S1", 0, "w1", 20}, {"S2", 0, "w1", 10}, {"S4", 1, "w1", 5}};
	for (int i = 0; i < 4; i++) {
		store_cert c = {.enterprise_id = certs[i].ent ? b : a, .course_id = 7, .level = 2};
		snprintf(c.serial, sizeof c.serial, "%s", certs[i].serial);
		snprintf(c.worker, sizeof c.worker, "%s", certs[i].worker);
		snprintf(c.operation, sizeof c.operation, "thumb");
		snprintf(c.payload, sizeof c.payload, "payload %d", i);
		snprintf(c.sig, sizeof c.sig, "sig%d", i);
		c.day = certs[i].day;
		c.created_ms = 100 + i;
		assert_int_equal(store_cert_add(db, &c), 0);
	}
	store_cert dup = {.enterprise_id = a};
	snprintf(dup.serial, sizeof dup.serial, "S1");
	assert_int_equal(store_cert_add(db, &dup), GLOVED_EEXIST);
	store_cert g;
	assert_int_equal(store_cert_by_serial(db, "S4", &g), 0);
	assert_int_equal(g.enterprise_id, b);
	assert_int_equal(g.level, 2);
	assert_int_equal(g.day, 5);
	assert_string_equal(g.payload, "payload 3");
	assert_string_equal(g.sig, "sig3");
	assert_int_equal(g.created_ms, 103);
	assert_int_equal(store_cert_by_serial(db, "S9", &g), GLOVED_ENOTFOUND);
	store_cert *cv = NULL;
	size_t n = 0;
	assert_int_equal(store_cert_list(db, firm_scope(a), 0, NULL, &cv, &n), 0);
	assert_int_equal(n, 3);
	/* by worker, then day */
	assert_string_equal(cv[0].serial, "S2");
	assert_string_equal(cv[1].serial, "S1");
	assert_string_equal(cv[2].serial, "S3");
	free(cv);
	assert_int_equal(store_cert_list(db, firm_scope(a), 0, "w1", &cv, &n), 0);
	assert_int_equal(n, 2);
	free(cv);
	assert_int_equal(store_cert_list(db, firm_scope(a), b, NULL, &cv, &n), 0);
	assert_int_equal(n, 0);
	assert_null(cv);
	assert_int_equal(store_cert_list(db, (store_scope){0}, 0, "w1", &cv, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(cv[2].enterprise_id, b);
	free(cv);
	assert_int_equal(store_cert_list(db, town_scope("高密"), 0, NULL, &cv, &n), 0);
	assert_int_equal(n, 1);
	free(cv);

	struct {
		int64_t ent;
		const char *op, *mode;
	} rules[5] = {{a, "thumb", "flag"},
		      {a, "cuff", "refuse"},
		      {b, "thumb", "refuse"},
		      {a, "thumb", "refuse"},
		      {a, "cuff", ""}};
	for (int i = 0; i < 5; i++) {
		store_skill_rule x = {.enterprise_id = rules[i].ent};
		snprintf(x.operation, sizeof x.operation, "%s", rules[i].op);
		snprintf(x.mode, sizeof x.mode, "%s", rules[i].mode);
		assert_int_equal(store_skill_rule_put(db, (store_scope){0}, &x), 0);
	}
	store_skill_rule rb = {.enterprise_id = b};
	snprintf(rb.operation, sizeof rb.operation, "Aside");
	snprintf(rb.mode, sizeof rb.mode, "flag");
	assert_int_equal(store_skill_rule_put(db, firm_scope(a), &rb), GLOVED_EPERM);
	assert_int_equal(store_skill_rule_put(db, firm_scope(b), &rb), 0);
	store_skill_rule bad = {.enterprise_id = b + 100};
	snprintf(bad.operation, sizeof bad.operation, "x");
	snprintf(bad.mode, sizeof bad.mode, "flag");
	assert_int_equal(store_skill_rule_put(db, (store_scope){0}, &bad), GLOVED_EEXIST);
	store_skill_rule *rv = NULL;
	assert_int_equal(store_skill_rule_list(db, firm_scope(a), 0, &rv, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rv[0].operation, "thumb");
	assert_string_equal(rv[0].mode, "refuse");
	free(rv);
	assert_int_equal(store_skill_rule_list(db, (store_scope){0}, 0, &rv, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(rv[0].enterprise_id, a);
	assert_int_equal(rv[1].enterprise_id, b);
	assert_string_equal(rv[1].operation, "Aside");
	assert_string_equal(rv[2].operation, "thumb");
	free(rv);
	assert_int_equal(store_skill_rule_list(db, firm_scope(a), b, &rv, &n), 0);
	assert_int_equal(n, 0);
	assert_null(rv);

	int64_t fid[4];
	for (int i = 0; i < 4; i++) {
		store_skill_flag f = {.enterprise_id = i == 2 ? b : a,
				      .bundle_id = 10 + i,
				      .seq = i,
				      .ts_ms = 1000 + i,
				      .refused = i % 2};
		snprintf(f.worker, sizeof f.worker, "w%d", i);
		snprintf(f.operation, sizeof f.operation, "thumb");
		assert_int_equal(store_skill_flag_add(db, &f), 0);
		fid[i] = f.id;
	}
	store_skill_flag *fv = NULL;
	assert_int_equal(store_skill_flag_list(db, firm_scope(a), 0, 2, &fv, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(fv[0].id, fid[3]);
	assert_int_equal(fv[0].refused, 1);
	assert_int_equal(fv[0].bundle_id, 13);
	assert_int_equal(fv[0].seq, 3);
	assert_string_equal(fv[0].worker, "w3");
	assert_int_equal(fv[1].id, fid[1]);
	free(fv);
	assert_int_equal(store_skill_flag_list(db, (store_scope){0}, 0, 100, &fv, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(fv[1].id, fid[2]);
	free(fv);
	assert_int_equal(store_skill_flag_list(db, (store_scope){0}, b, SIZE_MAX, &fv, &n), 0);
	assert_int_equal(n, 1);
	free(fv);
	assert_int_equal(store_skill_flag_list(db, firm_scope(a), b, 100, &fv, &n), 0);
	assert_int_equal(n, 0);
	assert_null(fv);
}

/* ---- the cockpit's aggregates ---- */

#define DAY_MS 86400000LL
#define TODAY  (20430 * DAY_MS)

/* Shift rows of firms 1 and 2 (shift day 20430, and 20431 for firm 1),
 * columns: bucket, machine, firm, workshop, shift day, shift, good,
 * reject, ideal, run, idle, stop, fault, setup, off, offline, unknown. */
static const char shift_rows_sql[] =
    "INSERT INTO rollup_shift(bucket, machine_id, enterprise_id, workshop_id, shift_day,"
    " shift, good, reject, ideal_ms, run_ms, idle_ms, stop_ms, fault_ms, setup_ms, off_ms,"
    " offline_ms, unknown_ms) VALUES"
    " (1765180800000, 11, 1, 1, 20430, 0, 90, 2, 5000, 6000, 100, 200, 300, 400, 500, 600, 700),"
    " (1765209600000, 11, 1, 1, 20430, 1, 10, 1, 1000, 2000, 10, 20, 30, 40, 50, 60, 70),"
    " (1765267200000, 11, 1, 1, 20431, 0, 7, 0, 700, 800, 1, 2, 3, 4, 5, 6, 7),"
    " (1765180800000, 21, 2, 2, 20430, 0, 40, 4, 3000, 3500, 0, 0, 0, 0, 0, 0, 0);";

static void test_cockpit(void **state)
{
	store *db = *state;
	int64_t a = add_firm(db, "PY01", "平邑"), b = add_firm(db, "GM01", "高密"),
		c = add_firm(db, "GM02", "高密");
	/* the raw rows name firms 1 and 2 */
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	/* firm a: two machines today, one yesterday, one two days ago (out
	 * of every window) */
	assert_int_equal(store_rollup_add(db, STORE_DAY, TODAY, 11, a, 1, 100, 3), 0);
	assert_int_equal(store_rollup_add(db, STORE_DAY, TODAY, 12, a, 1, 20, 1), 0);
	assert_int_equal(store_rollup_add(db, STORE_DAY, TODAY - DAY_MS, 11, a, 1, 50, 9), 0);
	assert_int_equal(store_rollup_add(db, STORE_DAY, TODAY - 2 * DAY_MS, 11, a, 1, 1000, 0), 0);
	/* firm c: yesterday only */
	assert_int_equal(store_rollup_add(db, STORE_DAY, TODAY - DAY_MS, 31, c, 3, 5, 0), 0);
	raw_exec(shift_rows_sql);

	store_firm_day *v = NULL;
	size_t n = 0;
	assert_int_equal(
	    store_cockpit_days(db, (store_scope){0}, TODAY, TODAY + DAY_MS, 20430, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].enterprise_id, a);
	assert_int_equal(v[0].good_today, 120);
	assert_int_equal(v[0].good_yesterday, 50);
	assert_int_equal(v[0].reject_today, 4);
	/* planned: every state time of the day's shifts */
	assert_int_equal(v[0].planned_ms, 6000 + 100 + 200 + 300 + 400 + 500 + 600 + 700 + 2000 +
					      10 + 20 + 30 + 40 + 50 + 60 + 70);
	assert_int_equal(v[0].run_ms, 8000);
	assert_int_equal(v[0].ideal_ms, 6000);
	assert_int_equal(v[0].good_shift, 100);
	assert_int_equal(v[0].reject_shift, 3);
	assert_int_equal(v[0].stop_ms, 220);
	assert_int_equal(v[0].fault_ms, 330);
	assert_int_equal(v[0].idle_ms, 110);
	assert_int_equal(v[0].setup_ms, 440);
	assert_int_equal(v[0].off_ms, 550);
	assert_int_equal(v[0].offline_ms, 660);
	assert_int_equal(v[0].unknown_ms, 770);
	/* shift rows only */
	assert_int_equal(v[1].enterprise_id, b);
	assert_int_equal(v[1].good_today, 0);
	assert_int_equal(v[1].good_yesterday, 0);
	assert_int_equal(v[1].run_ms, 3500);
	assert_int_equal(v[1].good_shift, 40);
	/* yesterday's rollups only */
	assert_int_equal(v[2].enterprise_id, c);
	assert_int_equal(v[2].good_today, 0);
	assert_int_equal(v[2].good_yesterday, 5);
	assert_int_equal(v[2].run_ms, 0);
	assert_int_equal(v[2].planned_ms, 0);
	free(v);
	assert_int_equal(
	    store_cockpit_days(db, town_scope("高密"), TODAY, TODAY + DAY_MS, 20430, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].enterprise_id, b);
	free(v);
	assert_int_equal(
	    store_cockpit_days(db, firm_scope(a), TODAY, TODAY + DAY_MS, 20431, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].good_today, 120);
	assert_int_equal(v[0].good_shift, 7);
	free(v);
	/* a day without anything */
	assert_int_equal(store_cockpit_days(db, (store_scope){0}, TODAY + 5 * DAY_MS,
					    TODAY + 6 * DAY_MS, 20435, &v, &n),
			 0);
	assert_int_equal(n, 0);
	free(v);

	store_firm_month m;
	assert_int_equal(
	    store_firm_month_get(db, a, TODAY - DAY_MS, TODAY + DAY_MS, 20430, 20431, &m), 0);
	assert_int_equal(m.enterprise_id, a);
	assert_int_equal(m.good, 170);
	assert_int_equal(m.reject, 13);
	assert_int_equal(m.machines, 2);
	assert_int_equal(m.good_shift, 107);
	assert_int_equal(m.reject_shift, 3);
	assert_int_equal(m.run_ms, 8800);
	assert_int_equal(m.ideal_ms, 6700);
	assert_int_equal(m.unknown_ms, 777);
	assert_int_equal(m.planned_ms, 8000 + 111 + 222 + 333 + 444 + 555 + 666 + 777 + 800);
	assert_int_equal(
	    store_firm_month_get(db, a, TODAY - 2 * DAY_MS, TODAY - DAY_MS, 20000, 20001, &m), 0);
	assert_int_equal(m.good, 1000);
	assert_int_equal(m.machines, 1);
	assert_int_equal(m.run_ms, 0);
	assert_int_equal(m.planned_ms, 0);
	assert_int_equal(store_firm_month_get(db, c + 100, 0, TODAY * 2, 0, 99999, &m), 0);
	assert_int_equal(m.enterprise_id, c + 100);
	assert_int_equal(m.good, 0);
	assert_int_equal(m.machines, 0);
}

/* Labels of firms 1 (two, one old) and 2 (one), with scans. */
static const char labels_sql[] =
    "INSERT INTO style(id, enterprise_id, code, name, category, family, sizes) VALUES"
    " (1, 1, 'S1', 's', 'work', 'knit', 'M'), (2, 2, 'S2', 's', 'work', 'knit', 'M');"
    "INSERT INTO lot(id, enterprise_id, code, style_id, order_id, size, source, status,"
    " pieces, from_day, to_day, created_ms) VALUES"
    " (1, 1, 'L1', 1, 0, 'M', 'order', 'passed', 100, 1, 1, 1),"
    " (2, 2, 'L2', 2, 0, 'M', 'order', 'passed', 100, 1, 1, 1);"
    "INSERT INTO label(id, serial, enterprise_id, lot_id, carton_id, kind, brand, pairs,"
    " payload, sig, created_ms) VALUES"
    " (1, 'A1', 1, 1, 0, 'carton', 1, 12, 'p', 's', 500),"
    " (2, 'A2', 1, 1, 0, 'carton', 1, 12, 'p', 's', 1500),"
    " (3, 'B1', 2, 2, 0, 'carton', 1, 12, 'p', 's', 2000);"
    "INSERT INTO label_scan(label_id, ts_ms, net) VALUES"
    " (1, 600, 'n1'), (1, 1600, 'n2'), (2, 1700, 'n1'), (3, 2100, 'n3'), (3, 2200, 'n3');";

static void test_label_counts(void **state)
{
	store *db = *state;
	int64_t a = add_firm(db, "PY01", "平邑"), b = add_firm(db, "GM01", "高密");
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	int64_t issued = -1, scans = -1;
	assert_int_equal(store_label_counts(db, (store_scope){0}, 0, &issued, &scans), 0);
	assert_int_equal(issued, 0);
	assert_int_equal(scans, 0);
	raw_exec(labels_sql);
	assert_int_equal(store_label_counts(db, (store_scope){0}, 0, &issued, &scans), 0);
	assert_int_equal(issued, 3);
	assert_int_equal(scans, 5);
	assert_int_equal(store_label_counts(db, (store_scope){0}, 1000, &issued, &scans), 0);
	assert_int_equal(issued, 2);
	assert_int_equal(scans, 4);
	assert_int_equal(store_label_counts(db, firm_scope(a), 0, &issued, &scans), 0);
	assert_int_equal(issued, 2);
	assert_int_equal(scans, 3);
	assert_int_equal(store_label_counts(db, town_scope("高密"), 2150, &issued, &scans), 0);
	assert_int_equal(issued, 0);
	assert_int_equal(scans, 1);
}

int main(int argc, char **argv)
{
	store_pg_test_mode(argc, argv);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_share, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_auditlog, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stat_forms, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stat_reports, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_plan, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_programme, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_courses_and_enrolments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_certs_and_skills, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cockpit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_label_counts, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
