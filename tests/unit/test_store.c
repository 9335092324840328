/* SPDX-License-Identifier: Apache-2.0 */
/* test_store.c: the SQLite store backend: migrations create the schema
 * once and are idempotent, the scope keeps a firm to its own rows,
 * duplicates are refused, rollups add up, samples and live state round-trip,
 * and a read connection on a missing database fails cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store.h"
#include "util/err.h"

static char path[64];

static void rm_db(void)
{
	char p[80];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof path, "/tmp/gloved-test-store-%d.db", (int)getpid());
	rm_db();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rm_db();
	return 0;
}

static void test_migrations_and_scope(void **state)
{
	(void)state;
	store *db = NULL;
	store_options o = {0};
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	int v = 0;
	assert_int_equal(store_schema_version(db, &v), 0);
	assert_true(v >= 1);
	store_scope all = {0};
	store_enterprise a = {0, "PY01", "平邑", "平邑"}, b = {0, "GM01", "高密", "高密"};
	assert_int_equal(store_enterprise_add(db, all, &a), 0);
	assert_int_equal(store_enterprise_add(db, all, &b), 0);
	store_enterprise dup = {0, "PY01", "again", ""};
	assert_int_equal(store_enterprise_add(db, all, &dup), GLOVED_EEXIST);
	store_scope sa = {.enterprise_id = a.id};
	store_enterprise x = {0, "JX01", "x", ""};
	assert_int_equal(store_enterprise_add(db, sa, &x), GLOVED_EPERM);

	store_enterprise *es = NULL;
	size_t n = 0;
	assert_int_equal(store_enterprise_list(db, sa, &es, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(es[0].code, "PY01");
	free(es);
	store_enterprise got;
	assert_int_equal(store_enterprise_by_code(db, sa, "GM01", &got), GLOVED_ENOTFOUND);

	store_workshop wa = {0, a.id, "W1", "织造"}, wb = {0, b.id, "W1", "浸胶"};
	assert_int_equal(store_workshop_add(db, all, &wa), 0);
	assert_int_equal(store_workshop_add(db, all, &wb), 0);
	/* firm A may not put a machine into firm B, nor into B's workshop */
	store_machine mb = {0, b.id, wb.id, "K1", "knitting", 13, 1000, 64};
	assert_int_equal(store_machine_add(db, sa, &mb), GLOVED_EPERM);
	store_machine cross = {0, a.id, wb.id, "K1", "knitting", 13, 1000, 64};
	assert_int_equal(store_machine_add(db, sa, &cross), GLOVED_ENOTFOUND);
	store_machine ma = {0, a.id, wa.id, "K1", "knitting", 13, 1000, 64};
	assert_int_equal(store_machine_add(db, sa, &ma), 0);
	assert_int_equal(store_machine_add(db, all, &mb), 0);
	store_machine *ms = NULL;
	assert_int_equal(store_machine_list(db, sa, &ms, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ms[0].id, ma.id);
	free(ms);

	/* rollups of two firms; the scope sees only its own */
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_rollup_add(db, STORE_HOUR, 3600000, ma.id, a.id, wa.id, 10, 1), 0);
	assert_int_equal(store_rollup_add(db, STORE_HOUR, 3600000, ma.id, a.id, wa.id, 5, 0), 0);
	assert_int_equal(store_rollup_add(db, STORE_HOUR, 3600000, mb.id, b.id, wb.id, 7, 0), 0);
	assert_int_equal(store_commit(db), 0);
	store_bucket *bk = NULL;
	assert_int_equal(store_output(db, sa, STORE_HOUR, 0, 0, 0, 0, 7200000, &bk, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(bk[0].good, 15);
	assert_int_equal(bk[0].reject, 1);
	free(bk);
	/* asking for B inside A's scope yields nothing */
	assert_int_equal(store_output(db, sa, STORE_HOUR, b.id, 0, 0, 0, 7200000, &bk, &n), 0);
	assert_int_equal(n, 0);
	free(bk);
	assert_int_equal(store_output(db, all, STORE_HOUR, 0, 0, 0, 0, 7200000, &bk, &n), 0);
	assert_int_equal(bk[0].good, 22);
	free(bk);
	store_close(db);

	/* reopening runs no migration twice and keeps the data */
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	int v2 = 0;
	assert_int_equal(store_schema_version(db, &v2), 0);
	assert_int_equal(v, v2);
	assert_int_equal(store_enterprise_list(db, all, &es, &n), 0);
	assert_int_equal(n, 2);
	free(es);
	store_close(db);
}

static int count_cb(void *ctx, const store_sample *x)
{
	int64_t *sum = ctx;
	*sum += x->d_good;
	return 0;
}

static void test_samples_live_sessions(void **state)
{
	(void)state;
	store *db = NULL;
	store_options o = {0};
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	store_sample s1 = {1000, 1, 10, 0, 0, 0, 1, "", "W1", 0};
	store_sample s2 = {2000, 1, 15, 0, 5, 0, 3, "yarn_break", "", 0};
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_sample_insert(db, &s1), 0);
	assert_int_equal(store_sample_insert(db, &s2), 0);
	assert_int_equal(store_sample_update_delta(db, 1, 2000, 4, 0), 0);
	store_live l = {1, 2000, 15, 0, 3, "yarn_break", 2000, 0, 0, ""};
	assert_int_equal(store_live_put(db, &l), 0);
	assert_int_equal(store_commit(db), 0);
	int64_t sum = 0, newest = 0;
	assert_int_equal(store_samples_range(db, 0, INT64_MAX, count_cb, &sum), 0);
	assert_int_equal(sum, 4);
	assert_int_equal(store_samples_newest(db, &newest), 0);
	assert_int_equal(newest, 2000);
	store_live *ls = NULL;
	size_t n = 0;
	assert_int_equal(store_live_list(db, &ls, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ls[0].reason, "yarn_break");
	free(ls);

	store_user u = {
	    .username = "boss", .pw_hash = "$argon2id$fake", .role = "enterprise_admin"};
	assert_int_equal(store_user_add(db, (store_scope){0}, &u), 0);
	uint8_t h[32];
	memset(h, 7, sizeof h);
	assert_int_equal(store_session_add(db, h, u.id, 5000), 0);
	int64_t uid = 0;
	assert_int_equal(store_session_get(db, h, 4000, &uid), 0);
	assert_int_equal(uid, u.id);
	assert_int_equal(store_session_get(db, h, 6000, &uid), GLOVED_ENOTFOUND);
	assert_int_equal(store_session_delete(db, h), 0);
	assert_int_equal(store_session_get(db, h, 4000, &uid), GLOVED_ENOTFOUND);
	store_close(db);
}

static void test_read_missing_db(void **state)
{
	(void)state;
	store *db = (store *)1;
	store_options o = {0};
	assert_int_not_equal(store_open("/tmp/gloved-no-such-dir/x.db", STORE_READ, &o, &db), 0);
	assert_null(db);
}

/* The cooperation tables (store/coop.h): who sees a cooperative order (its
 * lead, a firm with a part, not another firm; the aggregates-only readers
 * only the association's own), a part's weeks round trip, the open count,
 * which designs another firm sees, a licence asked again keeps its id. */
static void test_coop_scope(void **state)
{
	(void)state;
	store *db = NULL;
	store_options o = {0};
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	store_scope all = {0};
	store_enterprise a = {0, "JX01", "a", "嘉祥"}, b = {0, "JX02", "b", "嘉祥"},
			 c = {0, "PY01", "c", "平邑"};
	assert_int_equal(store_enterprise_add(db, all, &a), 0);
	assert_int_equal(store_enterprise_add(db, all, &b), 0);
	assert_int_equal(store_enterprise_add(db, all, &c), 0);
	store_coop_order ord = {.lead_id = a.id, .pairs = 24000, .max_partners = 4};
	snprintf(ord.code, sizeof ord.code, "C1");
	snprintf(ord.need, sizeof ord.need, "{}");
	snprintf(ord.status, sizeof ord.status, "open");
	assert_int_equal(store_coop_order_add(db, &ord), 0);
	store_coop_order dup = ord;
	assert_int_equal(store_coop_order_add(db, &dup), GLOVED_EEXIST);
	store_coop_part pt = {.order_id = ord.id, .enterprise_id = b.id, .pairs = 1500};
	for (int k = 0; k < COOP_PART_WEEKS; k++)
		pt.weeks[k] = k == 11 ? 1000000000000LL : k * 10;
	snprintf(pt.status, sizeof pt.status, "proposed");
	assert_int_equal(store_coop_part_put(db, &pt), 0);
	store_coop_order got;
	store_scope sa = {.enterprise_id = a.id}, sb = {.enterprise_id = b.id},
		    sc = {.enterprise_id = c.id}, agg = {.aggregates = 1};
	assert_int_equal(store_coop_order_get(db, sa, 0, "C1", &got), 0);
	assert_int_equal(got.pairs, 24000);
	assert_int_equal(store_coop_order_get(db, sb, ord.id, NULL, &got), 0);
	assert_int_equal(store_coop_order_get(db, sc, ord.id, NULL, &got), GLOVED_ENOTFOUND);
	assert_int_equal(store_coop_order_get(db, agg, ord.id, NULL, &got), GLOVED_ENOTFOUND);
	store_coop_part back;
	assert_int_equal(store_coop_part_get(db, ord.id, b.id, &back), 0);
	for (int k = 0; k < COOP_PART_WEEKS; k++)
		assert_int_equal(back.weeks[k], pt.weeks[k]);
	int64_t no = 0, np = 0;
	store_scope town_py = {.aggregates = 1};
	snprintf(town_py.town, sizeof town_py.town, "平邑");
	assert_int_equal(store_coop_open_count(db, agg, &no, &np), 0);
	assert_int_equal(no, 1);
	assert_int_equal(np, 24000);
	assert_int_equal(store_coop_open_count(db, town_py, &no, &np), 0);
	assert_int_equal(no, 0);
	assert_int_equal(store_coop_part_clear(db, ord.id, "proposed"), 0);
	assert_int_equal(store_coop_order_get(db, sb, ord.id, NULL, &got), GLOVED_ENOTFOUND);
	/* designs: another firm sees cluster and public ones, not private */
	const char *terms[3] = {"private", "cluster", "public"};
	for (int k = 0; k < 3; k++) {
		store_design d = {.enterprise_id = a.id};
		snprintf(d.code, sizeof d.code, "D%d", k);
		snprintf(d.terms, sizeof d.terms, "%s", terms[k]);
		snprintf(d.fee_kind, sizeof d.fee_kind, "none");
		assert_int_equal(store_design_add(db, &d), 0);
	}
	store_design *dv = NULL;
	size_t nd = 0;
	assert_int_equal(store_design_list(db, sb, 0, &dv, &nd), 0);
	assert_int_equal(nd, 2);
	free(dv);
	assert_int_equal(store_design_list(db, sa, 0, &dv, &nd), 0);
	assert_int_equal(nd, 3);
	free(dv);
	assert_int_equal(store_design_list(db, all, 1, &dv, &nd), 0);
	assert_int_equal(nd, 1);
	assert_string_equal(dv[0].code, "D2");
	int64_t did = dv[0].id;
	free(dv);
	store_design_licence l = {.design_id = did, .enterprise_id = b.id};
	snprintf(l.status, sizeof l.status, "requested");
	assert_int_equal(store_design_licence_put(db, &l), 0);
	int64_t lid = l.id;
	assert_true(lid > 0);
	snprintf(l.status, sizeof l.status, "granted");
	assert_int_equal(store_design_licence_put(db, &l), 0);
	assert_int_equal(l.id, lid);
	store_design_licence lg;
	assert_int_equal(store_design_licence_get(db, 0, did, b.id, &lg), 0);
	assert_string_equal(lg.status, "granted");
	store_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_migrations_and_scope, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_samples_live_sessions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_coop_scope, setup, teardown),
	    cmocka_unit_test(test_read_missing_db),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
