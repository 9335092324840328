/* SPDX-License-Identifier: Apache-2.0 */
/* test_cluster.c: the cluster's rules (core/cluster.h) and what app/
 * builds on them without a daemon: the size classes at and around each
 * threshold of the 2017 classification, a form's checks, a plan
 * indicator's evaluation worked by hand (flows against the elapsed part of
 * the year, levels from the start to the target, indicators that point
 * down), the certificate text and its signature by the cluster's key (a
 * changed character or another key fails), the plan's parser naming the
 * bad field, the sharing rules of the roles, and the month arithmetic of
 * the statistics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "app/brand_key.h"
#include "app/cluster.h"
#include "core/cluster.h"
#include "core/role.h"
#include "core/tz.h"
#include "util/err.h"

static void test_size_classes(void **state)
{
	(void)state;
	/* large: both thresholds */
	assert_int_equal(cluster_size_class(1000, 40000), SIZE_LARGE);
	assert_int_equal(cluster_size_class(999, 40000), SIZE_MEDIUM);
	assert_int_equal(cluster_size_class(1000, 39999), SIZE_MEDIUM);
	assert_int_equal(cluster_size_class(300, 2000), SIZE_MEDIUM);
	assert_int_equal(cluster_size_class(299, 2000), SIZE_SMALL);
	assert_int_equal(cluster_size_class(5000, 1999), SIZE_SMALL);
	assert_int_equal(cluster_size_class(20, 300), SIZE_SMALL);
	assert_int_equal(cluster_size_class(19, 300), SIZE_MICRO);
	assert_int_equal(cluster_size_class(20, 299), SIZE_MICRO);
	assert_int_equal(cluster_size_class(0, 0), SIZE_MICRO);
	assert_string_equal(cluster_size_name(SIZE_MEDIUM), "medium");
	assert_int_equal(cluster_size_parse("large"), SIZE_LARGE);
	assert_int_equal(cluster_size_parse("huge"), -1);
	assert_true(cluster_above_size(2000));
	assert_false(cluster_above_size(1999));
}

static void test_form(void **state)
{
	(void)state;
	stat_field f[STAT_FIELDS_MAX];
	size_t n = cluster_form_default(f), bad = 99;
	char msg[128];
	assert_int_equal(n, 11);
	assert_int_equal(cluster_form_check(f, n, &bad, msg, sizeof msg), 0);
	/* the default round-trips through its JSON */
	buf b;
	buf_init(&b, 0);
	assert_int_equal(cluster_form_json(f, n, &b), 0);
	stat_field g[STAT_FIELDS_MAX];
	size_t m = 0;
	assert_int_equal(cluster_form_parse(b.data, b.len, g, &m, msg, sizeof msg), 0);
	assert_int_equal(m, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(g[i].key, f[i].key);
		assert_int_equal(g[i].measure, f[i].measure);
		assert_int_equal(g[i].role, f[i].role);
		assert_int_equal(g[i].decimals, f[i].decimals);
		assert_int_equal(g[i].required, f[i].required);
	}
	buf_free(&b);
	/* a measured field cannot be required; a measure and a role once */
	f[6].required = 1;
	assert_int_equal(cluster_form_check(f, n, &bad, msg, sizeof msg), -1);
	assert_int_equal(bad, 6);
	f[6].required = 0;
	f[7].measure = MEASURE_PIECES;
	assert_int_equal(cluster_form_check(f, n, &bad, msg, sizeof msg), -1);
	assert_int_equal(bad, 7);
	assert_string_equal(msg, "measure used twice");
	static const char two_revenues[] =
	    "[{\"key\":\"a\",\"name_zh\":\"甲\",\"role\":\"revenue\"},"
	    "{\"key\":\"b\",\"name_zh\":\"乙\",\"role\":\"revenue\"}]";
	assert_int_equal(
	    cluster_form_parse(two_revenues, sizeof two_revenues - 1, g, &m, msg, sizeof msg),
	    GLOVED_EINVAL);
	assert_string_equal(msg, "fields[1].key: role used twice");
	static const char bad_decimals[] = "[{\"key\":\"a\",\"name_zh\":\"甲\",\"decimals\":5}]";
	assert_int_equal(
	    cluster_form_parse(bad_decimals, sizeof bad_decimals - 1, g, &m, msg, sizeof msg),
	    GLOVED_EINVAL);
	assert_string_equal(msg, "fields[0].decimals: must be a whole number 0 to 4");
	assert_int_equal(cluster_form_parse("{}", 2, g, &m, msg, sizeof msg), GLOVED_EINVAL);
}

static void test_plan_eval(void **state)
{
	(void)state;
	/* a flow: 1200 a year, a quarter gone, 300 expected */
	plan_eval e = cluster_plan_eval(1, 0, 0, 1200, 320, 1, 2500);
	assert_int_equal(e.expected, 300);
	assert_int_equal(e.status, PLAN_ON_TRACK);
	assert_int_equal(e.progress_bp, 2666);
	e = cluster_plan_eval(1, 0, 0, 1200, 299, 1, 2500);
	assert_int_equal(e.status, PLAN_OFF_TRACK);
	e = cluster_plan_eval(1, 0, 0, 1200, 1200, 1, 2500);
	assert_int_equal(e.status, PLAN_MET);
	assert_int_equal(e.progress_bp, 10000);
	/* a level from 40 to 80 firms online: half the year, 60 expected */
	e = cluster_plan_eval(0, 0, 40, 80, 55, 1, 5000);
	assert_int_equal(e.expected, 60);
	assert_int_equal(e.status, PLAN_OFF_TRACK);
	assert_int_equal(e.progress_bp, 3750);
	e = cluster_plan_eval(0, 0, 40, 80, 60, 1, 5000);
	assert_int_equal(e.status, PLAN_ON_TRACK);
	/* down: energy per pair from 100 to 80, half the year: 90 expected */
	e = cluster_plan_eval(0, 1, 100, 80, 95, 1, 5000);
	assert_int_equal(e.expected, 90);
	assert_int_equal(e.status, PLAN_OFF_TRACK);
	e = cluster_plan_eval(0, 1, 100, 80, 79, 1, 5000);
	assert_int_equal(e.status, PLAN_MET);
	/* a flow pointing down is met only when its year is over */
	e = cluster_plan_eval(1, 1, 0, 1000, 100, 1, 5000);
	assert_int_equal(e.status, PLAN_ON_TRACK);
	e = cluster_plan_eval(1, 1, 0, 1000, 900, 1, 10000);
	assert_int_equal(e.status, PLAN_MET);
	/* no actual */
	e = cluster_plan_eval(1, 0, 0, 1200, 0, 0, 2500);
	assert_int_equal(e.status, PLAN_NO_DATA);
	assert_string_equal(cluster_plan_status_name(PLAN_OFF_TRACK), "off_track");
	/* elapsed clamps */
	e = cluster_plan_eval(1, 0, 0, 1000, 0, 1, 20000);
	assert_int_equal(e.expected, 1000);
}

static void test_plan_parse(void **state)
{
	(void)state;
	plan_doc *d = malloc(sizeof *d);
	char msg[200];
	static const char ok[] =
	    "{\"title\":\"规划\",\"year0\":2025,\"year1\":2027,\"indicators\":["
	    "{\"key\":\"online\",\"name_zh\":\"联网企业\",\"source\":\"measured\","
	    "\"metric\":\"firms_online\",\"targets\":{\"2027\":30,\"2026\":20}}]}";
	assert_int_equal(cluster_plan_parse(ok, sizeof ok - 1, d, msg, sizeof msg), 0);
	assert_int_equal(d->n, 1);
	/* years in order whatever the body's order */
	assert_int_equal(d->ind[0].years[0], 2026);
	assert_int_equal(d->ind[0].targets[1], 30);
	static const char bad_metric[] =
	    "{\"title\":\"规划\",\"year0\":2025,\"year1\":2027,\"indicators\":["
	    "{\"key\":\"x\",\"name_zh\":\"x\",\"source\":\"measured\",\"metric\":\"mood\","
	    "\"targets\":{\"2026\":1}}]}";
	assert_int_equal(cluster_plan_parse(bad_metric, sizeof bad_metric - 1, d, msg, sizeof msg),
			 GLOVED_EINVAL);
	assert_non_null(strstr(msg, "indicators[0].metric"));
	static const char out_of_period[] =
	    "{\"title\":\"规划\",\"year0\":2025,\"year1\":2027,\"indicators\":["
	    "{\"key\":\"x\",\"name_zh\":\"x\",\"source\":\"entered\",\"targets\":{\"2030\":1}}]}";
	assert_int_equal(
	    cluster_plan_parse(out_of_period, sizeof out_of_period - 1, d, msg, sizeof msg),
	    GLOVED_EINVAL);
	assert_non_null(strstr(msg, "indicators[0].targets"));
	static const char long_period[] =
	    "{\"title\":\"t\",\"year0\":2025,\"year1\":2040,\"indicators\":[]}";
	assert_int_equal(
	    cluster_plan_parse(long_period, sizeof long_period - 1, d, msg, sizeof msg),
	    GLOVED_EINVAL);
	assert_non_null(strstr(msg, "year1"));
	free(d);
}

static void test_certificate(void **state)
{
	(void)state;
	cert_fields f = {.serial = "CABCDEFGHJK2",
			 .firm = "JX01",
			 .worker = "W001",
			 .worker_name = "王芳",
			 .course = "SEW-S01",
			 .operation = "S01",
			 .level = 3,
			 .day = "2026-11-03"};
	char p[512];
	assert_int_equal(cert_payload_make(&f, p, sizeof p), 0);
	assert_string_equal(p,
			    "gloved-cert-1|CABCDEFGHJK2|JX01|W001|王芳|SEW-S01|S01|3|2026-11-03");
	cert_fields g;
	assert_int_equal(cert_payload_parse(p, &g), 0);
	assert_string_equal(g.worker_name, "王芳");
	assert_int_equal(g.level, 3);
	/* a '|' in a name cannot be signed; a level out of 1..5 neither */
	cert_fields h = f;
	snprintf(h.worker_name, sizeof h.worker_name, "王|芳");
	assert_int_equal(cert_payload_make(&h, p, sizeof p), -1);
	h = f;
	h.level = 6;
	assert_int_equal(cert_payload_make(&h, p, sizeof p), -1);
	assert_int_equal(cert_payload_parse("gloved-cert-1|x", &g), -1);
	assert_int_equal(cert_payload_parse("gloved-label-1|a|b|c|d|e|f|1|2026-01-01", &g), -1);
	/* the signature: this key's, of exactly this text */
	char dir[] = "/tmp/gloved-test-cert-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char k1p[64], k2p[64], msg[128];
	snprintf(k1p, sizeof k1p, "%s/a.key", dir);
	snprintf(k2p, sizeof k2p, "%s/b.key", dir);
	brand_key *k1 = NULL, *k2 = NULL;
	assert_int_equal(brand_key_open(k1p, &k1, msg, sizeof msg), 0);
	assert_int_equal(brand_key_open(k2p, &k2, msg, sizeof msg), 0);
	assert_int_equal(cert_payload_make(&f, p, sizeof p), 0);
	char sig[96];
	assert_int_equal(brand_key_sign(k1, p, sig, sizeof sig), 0);
	assert_true(brand_key_verify(k1, p, sig));
	assert_false(brand_key_verify(k2, p, sig));
	char changed[512];
	snprintf(changed, sizeof changed, "%s", p);
	changed[strlen(changed) - 12] = '4'; /* level 3 -> 4 */
	assert_int_equal(cert_payload_parse(changed, &g), 0);
	assert_int_equal(g.level, 4);
	assert_false(brand_key_verify(k1, changed, sig));
	brand_key_close(k1);
	brand_key_close(k2);
	unlink(k1p);
	unlink(k2p);
	rmdir(dir);
}

static void test_share_rules(void **state)
{
	(void)state;
	/* the bureau, the association and a town officer read aggregates
	 * only: never a firm's private records */
	const role agg[] = {ROLE_BUREAU, ROLE_ASSOCIATION, ROLE_TOWN_OFFICER};
	for (size_t i = 0; i < 3; i++) {
		assert_true(role_allowed(ROLES_AGGREGATES, agg[i]));
		assert_false(role_allowed(ROLES_FIRM_PRIVATE, agg[i]));
		assert_true(role_allowed(ROLES_CLUSTER_VIEW, agg[i]));
	}
	/* the cluster admin and a firm's own readers do */
	assert_true(role_allowed(ROLES_FIRM_PRIVATE, ROLE_CLUSTER_ADMIN));
	assert_true(role_allowed(ROLES_FIRM_PRIVATE, ROLE_ENTERPRISE_ADMIN));
	assert_true(role_allowed(ROLES_FIRM_PRIVATE, ROLE_SUPERVISOR));
	/* the plan and the form are the bureau's; the programme is shared with
	 * the association */
	assert_false(role_allowed(ROLES_BUREAU_WRITE, ROLE_ASSOCIATION));
	assert_true(role_allowed(ROLES_PROGRAMME, ROLE_ASSOCIATION));
	assert_false(role_allowed(ROLES_PROGRAMME, ROLE_TOWN_OFFICER));
	assert_false(role_allowed(ROLES_CLUSTER_VIEW, ROLE_ENTERPRISE_ADMIN));
	/* the store refuses private lists to an aggregates scope */
	char dir[] = "/tmp/gloved-test-share-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[96];
	snprintf(path, sizeof path, "%s/s.db", dir);
	store *db = NULL;
	store_options o = {0};
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	store_scope bureau = {.aggregates = 1};
	store_order *ov = NULL;
	store_worker *wv = NULL;
	size_t n = 0;
	assert_int_equal(store_order_list(db, bureau, 0, NULL, &ov, &n), GLOVED_EPERM);
	assert_int_equal(store_worker_list(db, bureau, 0, &wv, &n), GLOVED_EPERM);
	store_scope all = {.enterprise_id = 0};
	assert_int_equal(store_worker_list(db, all, 0, &wv, &n), 0);
	free(wv);
	store_close(db);
	static const char *const tails[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		char p[128];
		snprintf(p, sizeof p, "%s%s", path, tails[i]);
		unlink(p);
	}
	rmdir(dir);
}

static void test_months(void **state)
{
	(void)state;
	assert_true(cluster_month_ok(202612));
	assert_false(cluster_month_ok(202613));
	assert_false(cluster_month_ok(199912));
	assert_int_equal(cluster_month_add(202612, 1), 202701);
	assert_int_equal(cluster_month_add(202601, -1), 202512);
	assert_int_equal(cluster_month_add(202603, -12), 202503);
	/* a month's report is due on the 10th of the next */
	assert_int_equal(cluster_report_due(202612),
			 (int32_t)tz_days_from_civil((tz_date){2027, 1, 10}));
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_size_classes), cmocka_unit_test(test_form),
	    cmocka_unit_test(test_plan_eval),    cmocka_unit_test(test_plan_parse),
	    cmocka_unit_test(test_certificate),  cmocka_unit_test(test_share_rules),
	    cmocka_unit_test(test_months),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
