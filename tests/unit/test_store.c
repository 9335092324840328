/* SPDX-License-Identifier: Apache-2.0 */
/* test_store.c: the store backends: migrations create the schema once and
 * are idempotent, the scope keeps a firm to its own rows, duplicates are
 * refused, rollups add up, samples and live state round-trip, and a read
 * connection on a missing database fails cleanly. Run without arguments it
 * tests the SQLite backend on a file in /tmp; with --pg the PostgreSQL
 * backend on the database of $GLOVED_TEST_PG (scripts/pg.sh; emptied
 * before and after each test), where the capabilities not ported yet
 * (analytics, ...) must answer GLOVED_ENOTSUP (store_pg_test.h). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/postgres/pg_int.h"
#include "store/store.h"
#include "store_pg_test.h"
#include "util/err.h"

static char path[512];

static void rm_db(void)
{
	if (pg_mode) {
		assert_int_equal(store__pg_reset(path), 0);
		return;
	}
	char p[600];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static int setup(void **state)
{
	(void)state;
	if (pg_mode)
		snprintf(path, sizeof path, "%s", pg_uri);
	else
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
	/* many at once: of a machine given twice, the last */
	store_live many[] = {{1, 3000, 16, 0, 1, "", 3000, 3000, 1, ""},
			     {2, 2500, 7, 1, 4, "oil", 2400, 2400, 4, "oil"},
			     {1, 4000, 20, 2, 2, "idle's \"quote\"", 3500, 3500, 2, "x"}};
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_lives_put(db, many, 3), 0);
	assert_int_equal(store_commit(db), 0);
	assert_int_equal(store_live_list(db, &ls, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		const store_live *want = ls[i].machine_id == 1 ? &many[2] : &many[1];
		assert_int_equal(ls[i].last_ts, want->last_ts);
		assert_int_equal(ls[i].count, want->count);
		assert_int_equal(ls[i].reject, want->reject);
		assert_int_equal(ls[i].state, want->state);
		assert_string_equal(ls[i].reason, want->reason);
		assert_int_equal(ls[i].since_ts, want->since_ts);
		assert_int_equal(ls[i].st_ts, want->st_ts);
		assert_int_equal(ls[i].st_state, want->st_state);
		assert_string_equal(ls[i].st_reason, want->st_reason);
	}
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

/* The registry and auth calls on either backend: lists in scope and in
 * order, the registry revision moving with every registry change (a
 * Sparkplug map replaced too), duplicates and missing parents refused with
 * their codes, a refused duplicate inside a transaction leaving it usable,
 * password hashes never in a list, gateways found by their token. */
static void test_registry_auth_calls(void **state)
{
	(void)state;
	store *db = NULL;
	store_options o = {0};
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	store_scope all = {0};
	store_enterprise a = {0, "JX01", "a", "嘉祥"}, b = {0, "JX02", "b", "嘉祥"};
	int64_t rev0 = 0, rev = 0;
	assert_int_equal(store_registry_rev(db, &rev0), 0);
	assert_true(rev0 > 0);
	assert_int_equal(store_enterprise_add(db, all, &a), 0);
	assert_int_equal(store_enterprise_add(db, all, &b), 0);
	assert_int_equal(store_registry_rev(db, &rev), 0);
	assert_true(rev > rev0);

	/* a duplicate inside a transaction: refused, the transaction goes on */
	assert_int_equal(store_begin(db), 0);
	store_enterprise dup = {0, "JX01", "again", ""}, c = {0, "PY01", "c", "平邑"};
	assert_int_equal(store_enterprise_add(db, all, &dup), GLOVED_EEXIST);
	assert_int_equal(store_enterprise_add(db, all, &c), 0);
	assert_int_equal(store_commit(db), 0);
	store_enterprise got = {0};
	assert_int_equal(store_enterprise_by_code(db, all, "PY01", &got), 0);
	assert_int_equal(got.id, c.id);
	assert_string_equal(got.town, "平邑");
	store_enterprise *es = NULL;
	size_t n = 0;
	store_scope town = {0};
	snprintf(town.town, sizeof town.town, "嘉祥");
	assert_int_equal(store_enterprise_list(db, town, &es, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(es[0].code, "JX01");
	assert_string_equal(es[1].code, "JX02");
	free(es);

	store_workshop w1 = {0, a.id, "W2", "缝制"}, w2 = {0, a.id, "W1", "裁剪"},
		       w3 = {0, b.id, "W1", "x"};
	store_scope sa = {.enterprise_id = a.id}, sb = {.enterprise_id = b.id};
	assert_int_equal(store_workshop_add(db, sa, &w1), 0);
	assert_int_equal(store_workshop_add(db, sa, &w2), 0);
	assert_int_equal(store_workshop_add(db, sa, &w3), GLOVED_EPERM);
	assert_int_equal(store_workshop_add(db, all, &w3), 0);
	store_workshop dupw = {0, a.id, "W1", "again"};
	assert_int_equal(store_workshop_add(db, all, &dupw), GLOVED_EEXIST);
	store_workshop *ws = NULL;
	assert_int_equal(store_workshop_list(db, sa, 0, &ws, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ws[0].code, "W1");
	assert_string_equal(ws[1].name, "缝制");
	free(ws);
	assert_int_equal(store_workshop_list(db, sa, b.id, &ws, &n), 0);
	assert_int_equal(n, 0);
	free(ws);

	store_machine m = {0, a.id, w1.id, "K7", "knitting", 13, 1200, 16};
	assert_int_equal(store_registry_rev(db, &rev0), 0);
	assert_int_equal(store_machine_add(db, sa, &m), 0);
	assert_int_equal(store_registry_rev(db, &rev), 0);
	assert_true(rev > rev0);
	store_machine *ms = NULL;
	assert_int_equal(store_machine_list(db, all, &ms, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ms[0].cycle_ms, 1200);
	assert_int_equal(ms[0].counter_bits, 16);
	assert_int_equal(ms[0].gauge, 13);
	free(ms);

	/* Modbus: in scope, one per machine, the machine must exist */
	store_modbus_device d = {.machine_id = m.id,
				 .port = 502,
				 .unit_id = 3,
				 .counter_reg = 10,
				 .counter_words = 2,
				 .reject_reg = -1,
				 .state_reg = 12,
				 .poll_ms = 5000,
				 .timeout_ms = 2000,
				 .enabled = 1};
	snprintf(d.host, sizeof d.host, "10.0.0.7");
	snprintf(d.word_order, sizeof d.word_order, "big");
	snprintf(d.state_map, sizeof d.state_map, "0:off,1:run");
	assert_int_equal(store_modbus_device_add(db, sb, &d), GLOVED_EPERM);
	assert_int_equal(store_modbus_device_add(db, sa, &d), 0);
	assert_int_equal(d.enterprise_id, a.id);
	assert_int_equal(store_modbus_device_add(db, sa, &d), GLOVED_EEXIST);
	store_modbus_device nomachine = d;
	nomachine.machine_id = m.id + 1000;
	assert_int_equal(store_modbus_device_add(db, all, &nomachine), GLOVED_ENOTFOUND);
	store_modbus_device *ds = NULL;
	assert_int_equal(store_modbus_device_list(db, sa, &ds, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ds[0].enterprise_code, "JX01");
	assert_string_equal(ds[0].machine_code, "K7");
	assert_int_equal(ds[0].reject_reg, -1);
	assert_int_equal(ds[0].state_reg, 12);
	assert_int_equal(ds[0].unit_id, 3);
	free(ds);
	assert_int_equal(store_modbus_device_list(db, sb, &ds, &n), 0);
	assert_int_equal(n, 0);
	free(ds);

	/* Sparkplug maps: none, put, replaced (the revision moves each time) */
	store_sparkplug_map sm = {.enterprise_id = a.id};
	assert_int_equal(store_sparkplug_map_get(db, a.id, "edge1", &sm), GLOVED_ENOTFOUND);
	snprintf(sm.edge_node, sizeof sm.edge_node, "edge1");
	snprintf(sm.count_metric, sizeof sm.count_metric, "pieces");
	snprintf(sm.reject_metric, sizeof sm.reject_metric, "rej");
	snprintf(sm.state_metric, sizeof sm.state_metric, "st");
	snprintf(sm.reason_metric, sizeof sm.reason_metric, "why");
	assert_int_equal(store_sparkplug_map_put(db, sb, &sm), GLOVED_EPERM);
	assert_int_equal(store_registry_rev(db, &rev0), 0);
	assert_int_equal(store_sparkplug_map_put(db, sa, &sm), 0);
	assert_int_equal(store_registry_rev(db, &rev), 0);
	assert_true(rev > rev0);
	snprintf(sm.count_metric, sizeof sm.count_metric, "total");
	assert_int_equal(store_sparkplug_map_put(db, sa, &sm), 0);
	assert_int_equal(store_registry_rev(db, &rev0), 0);
	assert_true(rev0 > rev);
	store_sparkplug_map back;
	assert_int_equal(store_sparkplug_map_get(db, a.id, "edge1", &back), 0);
	assert_string_equal(back.count_metric, "total");
	assert_string_equal(back.reason_metric, "why");
	assert_string_equal(back.edge_node, "edge1");
	store_sparkplug_map nofirm = sm;
	nofirm.enterprise_id = a.id + 1000;
	assert_int_equal(store_sparkplug_map_put(db, all, &nofirm), GLOVED_ENOTFOUND);

	/* users */
	store_user u1 = {.username = "li",
			 .pw_hash = "$argon2id$a",
			 .role = "supervisor",
			 .enterprise_id = a.id,
			 .worker = "W01"};
	store_user u2 = {.username = "admin", .pw_hash = "$argon2id$b", .role = "cluster_admin"};
	assert_int_equal(store_user_add(db, sb, &u1), GLOVED_EPERM);
	assert_int_equal(store_user_add(db, sa, &u1), 0);
	assert_int_equal(store_user_add(db, all, &u2), 0);
	store_user again = u2;
	assert_int_equal(store_user_add(db, all, &again), GLOVED_EEXIST);
	store_user gu;
	assert_int_equal(store_user_by_name(db, "li", &gu), 0);
	assert_int_equal(gu.id, u1.id);
	assert_string_equal(gu.pw_hash, "$argon2id$a");
	assert_string_equal(gu.worker, "W01");
	assert_int_equal(gu.enterprise_id, a.id);
	assert_int_equal(store_user_by_id(db, u2.id, &gu), 0);
	assert_int_equal(gu.enterprise_id, 0);
	assert_int_equal(store_user_by_name(db, "nobody", &gu), GLOVED_ENOTFOUND);
	store_user *us = NULL;
	assert_int_equal(store_user_list(db, all, &us, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(us[0].username, "admin");
	assert_string_equal(us[0].pw_hash, "");
	assert_string_equal(us[1].pw_hash, "");
	free(us);
	assert_int_equal(store_user_list(db, sa, &us, &n), 0);
	assert_int_equal(n, 1);
	free(us);

	/* gateways: by their token's hash, listed in scope */
	uint8_t h1[32], h2[32];
	memset(h1, 0xA5, sizeof h1);
	memset(h2, 0x00, sizeof h2); /* a hash of zero bytes binds whole */
	h2[31] = 1;
	store_gateway g1 = {0, a.id, "gw-a"}, g2 = {0, b.id, "gw-b"};
	assert_int_equal(store_gateway_add(db, sa, &g2, h2), GLOVED_EPERM);
	assert_int_equal(store_gateway_add(db, sa, &g1, h1), 0);
	assert_int_equal(store_gateway_add(db, all, &g2, h2), 0);
	store_gateway gg;
	assert_int_equal(store_gateway_by_token(db, h2, &gg), 0);
	assert_int_equal(gg.id, g2.id);
	assert_string_equal(gg.name, "gw-b");
	h2[0] = 1;
	assert_int_equal(store_gateway_by_token(db, h2, &gg), GLOVED_ENOTFOUND);
	store_gateway *gs = NULL;
	assert_int_equal(store_gateway_list(db, sa, &gs, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(gs[0].id, g1.id);
	free(gs);
	assert_int_equal(store_gateway_list(db, all, &gs, &n), 0);
	assert_int_equal(n, 2);
	free(gs);
	store_close(db);
}

/* Rows of one multi-row statement of the PostgreSQL backend (PG_RUN) and
 * of the SQLite one (SQ_RUN). */
#define PG_RUN_ROWS 16

static int range_cb(void *ctx, const store_sample *x)
{
	int64_t *st = ctx; /* [0] rows, [1] last ts, [2] out of order, [3] pieces */
	if (x->ts_ms < st[1])
		st[2]++;
	st[0]++;
	st[1] = x->ts_ms;
	st[3] += x->d_good;
	return 0;
}

/* range_cb for samples of machine 2 only (anything else counts as out of
 * order) */
static int range_of_cb(void *ctx, const store_sample *x)
{
	int64_t *st = ctx;
	if (x->machine_id != 2)
		st[2]++;
	return range_cb(ctx, x);
}

/* The samples calls on either backend: runs of samples with a duplicate
 * instant (the first kept), a long range read whole and in order, rollup
 * runs whose rows repeat a key (added up), output and totals in scope,
 * marks, dirty days, rebuild deletes, retention counts and the rebuild
 * queue. */
static void test_samples_calls(void **state)
{
	(void)state;
	store *db = NULL;
	store_options o = {0};
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	enum { N = 10050 };
	store_sample *xs = calloc(N, sizeof *xs);
	assert_non_null(xs);
	for (int i = 0; i < N; i++) {
		xs[i].ts_ms = 1000 + (int64_t)(i / 2) * 1000;
		xs[i].machine_id = 1 + i % 2;
		xs[i].count = (uint64_t)i;
		xs[i].d_good = 1;
		xs[i].state = 1;
		if (i == 5)
			snprintf(xs[i].reason, sizeof xs[i].reason, "yarn_break");
	}
	xs[20] = xs[18]; /* the same instant again, other pieces: ignored */
	xs[20].d_good = 100;
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_samples_insert(db, xs, N), 0);
	assert_int_equal(store_samples_insert(db, xs, 3), 0); /* all stored already */
	assert_int_equal(store_commit(db), 0);
	int64_t st[4] = {0, 0, 0, 0};
	assert_int_equal(store_samples_range(db, 0, INT64_MAX, range_cb, st), 0);
	assert_int_equal(st[0], N - 1);
	assert_int_equal(st[2], 0);
	assert_int_equal(st[3], N - 1);
	st[0] = st[1] = st[2] = st[3] = 0;
	assert_int_equal(store_samples_range(db, 2000, 3000, range_cb, st), 0);
	assert_int_equal(st[0], 4);
	/* of some machines only: machine 2 has every odd sample, in order,
	 * over more than a page */
	int64_t only2[] = {7, 2}, st2[4] = {0, 0, 0, 0};
	assert_int_equal(store_samples_range_of(db, 0, INT64_MAX, only2, 2, range_of_cb, st2), 0);
	assert_int_equal(st2[0], N / 2);
	assert_int_equal(st2[2], 0);
	assert_int_equal(st2[3], N / 2);
	memset(st2, 0, sizeof st2);
	assert_int_equal(store_samples_range_of(db, 2000, 3000, only2, 2, range_of_cb, st2), 0);
	assert_int_equal(st2[0], 2);
	memset(st2, 0, sizeof st2);
	assert_int_equal(store_samples_range_of(db, 0, INT64_MAX, only2, 1, range_of_cb, st2), 0);
	assert_int_equal(st2[0], 0);
	store_sample got;
	assert_int_equal(store_sample_get(db, 2, 3000, &got), 0);
	assert_string_equal(got.reason, "yarn_break");
	assert_int_equal(got.count, 5);
	assert_string_equal(got.worker, "");
	assert_int_equal(store_sample_get(db, 3, 3000, &got), GLOVED_ENOTFOUND);
	int64_t t = 0;
	assert_int_equal(store_samples_oldest(db, &t), 0);
	assert_int_equal(t, 1000);
	assert_int_equal(store_samples_newest(db, &t), 0);
	assert_int_equal(t, 1000 + (N / 2 - 1) * 1000);
	store_sample mark = {.ts_ms = 500, .machine_id = 1, .state = 4};
	snprintf(mark.reason, sizeof mark.reason, "fault");
	assert_int_equal(store_sample_mark(db, &mark), 0);
	assert_int_equal(store_sample_get(db, 1, 500, &got), 0);
	assert_int_equal(got.flags & STORE_SAMPLE_MARK, STORE_SAMPLE_MARK);
	assert_int_equal(store_sample_update_delta(db, 1, 500, 3, 1), 0);
	assert_int_equal(store_sample_get(db, 1, 500, &got), 0);
	assert_int_equal(got.d_good, 3);
	free(xs);

	/* rollup runs: 40 rows over two firms, keys repeated inside runs */
	store_rollup_delta d[40];
	for (int i = 0; i < 40; i++)
		d[i] =
		    (store_rollup_delta){60000 * (i % 5), 1 + i % 2, 1 + i % 2, 1, 2, i % 3 == 0};
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_rollups_add(db, STORE_MINUTE, d, 40), 0);
	assert_int_equal(store_rollups_add(db, STORE_MINUTE, d, 16), 0);
	assert_int_equal(store_rollups_add(db, STORE_DAY, d, 1), 0);
	assert_int_equal(store_rollups_add(db, 7, d, 1), GLOVED_EINVAL);
	assert_int_equal(store_commit(db), 0);
	store_bucket *bk = NULL;
	size_t n = 0;
	int64_t good = 0, reject = 0;
	assert_int_equal(
	    store_output(db, (store_scope){0}, STORE_MINUTE, 0, 0, 0, 0, 300000, &bk, &n), 0);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++) {
		good += bk[i].good;
		reject += bk[i].reject;
		if (i)
			assert_true(bk[i].ts_ms > bk[i - 1].ts_ms);
	}
	free(bk);
	int64_t want_reject = 0;
	for (int i = 0; i < 40; i++)
		want_reject += d[i].reject + (i < 16 ? d[i].reject : 0);
	assert_int_equal(good, 2 * 56);
	assert_int_equal(reject, want_reject);
	store_scope s1 = {.enterprise_id = 1};
	assert_int_equal(store_output(db, s1, STORE_MINUTE, 0, 0, 0, 0, 300000, &bk, &n), 0);
	good = 0;
	for (size_t i = 0; i < n; i++)
		good += bk[i].good;
	free(bk);
	assert_int_equal(good, 2 * 28);
	assert_int_equal(store_output(db, s1, STORE_MINUTE, 2, 0, 0, 0, 300000, &bk, &n), 0);
	assert_int_equal(n, 0);
	free(bk);
	/* one firm's statement (led by the firm's index) with a workshop:
	 * every row of firm 1 is in workshop 1 */
	assert_int_equal(store_output(db, s1, STORE_MINUTE, 0, 1, 0, 0, 300000, &bk, &n), 0);
	assert_int_equal(n, 5);
	good = 0;
	for (size_t i = 0; i < n; i++)
		good += bk[i].good;
	free(bk);
	assert_int_equal(good, 2 * 28);
	assert_int_equal(store_output(db, s1, STORE_MINUTE, 0, 2, 0, 0, 300000, &bk, &n), 0);
	assert_int_equal(n, 0);
	free(bk);
	/* the cluster's scope reading firm 2 */
	assert_int_equal(
	    store_output(db, (store_scope){0}, STORE_MINUTE, 2, 0, 0, 0, 300000, &bk, &n), 0);
	good = 0;
	for (size_t i = 0; i < n; i++)
		good += bk[i].good;
	free(bk);
	assert_int_equal(good, 2 * 28);
	assert_int_equal(store_output(db, s1, STORE_MINUTE, 0, 0, 2, 0, 300000, &bk, &n), 0);
	assert_int_equal(n, 0); /* firm 1's scope, machine 2 of firm 2 */
	free(bk);
	store_machine_total *mt = NULL;
	/* a run of 16 distinct keys goes in one statement */
	store_rollup_delta e[PG_RUN_ROWS];
	for (int i = 0; i < PG_RUN_ROWS; i++)
		e[i] = (store_rollup_delta){60000 * (100 + i), 1, 1, 1, i, 0};
	assert_int_equal(store_rollups_add(db, STORE_MINUTE, e, PG_RUN_ROWS), 0);
	assert_int_equal(store_rollups_add(db, STORE_MINUTE, e, PG_RUN_ROWS), 0);
	assert_int_equal(
	    store_output(db, s1, STORE_MINUTE, 0, 0, 1, 6000000, 6000000 + 60000 * 16, &bk, &n), 0);
	assert_int_equal(n, PG_RUN_ROWS - 1); /* the first adds nothing */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(bk[i].good, 2 * ((int64_t)i + 1));
	free(bk);
	assert_int_equal(store_machine_totals(db, s1, STORE_MINUTE, 0, 300000, &mt, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(mt[0].machine_id, 1);
	assert_int_equal(mt[0].good, 2 * 28);
	free(mt);

	/* dirty days, rebuild deletes, retention, the rebuild queue */
	assert_int_equal(store_dirty_day_mark(db, 1, 0, 86400000), 0);
	assert_int_equal(store_dirty_day_mark(db, 1, 0, 86400000), 0);
	assert_int_equal(store_dirty_day_mark(db, 2, 0, 86400000), 0);
	store_dirty_day *dd = NULL;
	assert_int_equal(store_dirty_day_list(db, &dd, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(dd[1].enterprise_id, 2);
	free(dd);
	assert_int_equal(store_dirty_day_clear_all(db), 0);
	assert_int_equal(store_dirty_day_list(db, &dd, &n), 0);
	assert_int_equal(n, 0);
	free(dd);
	assert_int_equal(store_rollup_delete(db, 2, 0, 86400000, 0, 120000), 0);
	assert_int_equal(
	    store_machine_totals(db, (store_scope){0}, STORE_MINUTE, 0, 300000, &mt, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		if (mt[i].machine_id == 2)
			assert_int_equal(mt[i].good, 2 * 28 - 2 * 12); /* buckets 0 and 1 gone */
	free(mt);
	int64_t deleted = 0;
	assert_int_equal(store_retention_delete(db, STORE_RETAIN_SAMPLES, 3000, 10000, &deleted),
			 0);
	assert_int_equal(deleted, 5); /* the mark at 500, two at 1000, two at 2000 */
	assert_int_equal(store_retention_delete(db, 9, 3000, 10000, &deleted), GLOVED_EINVAL);
	store_rebuild rb = {.enterprise_id = 1, .day0 = 20000, .day1 = 20001};
	assert_int_equal(store_rebuild_add(db, &rb), 0);
	assert_true(rb.id > 0);
	store_rebuild next;
	assert_int_equal(store_rebuild_next(db, &next), 0);
	assert_int_equal(next.id, rb.id);
	assert_int_equal(next.day1, 20001);
	assert_int_equal(store_rebuild_done(db, rb.id, 99, "ok: 2 days"), 0);
	assert_int_equal(store_rebuild_next(db, &next), GLOVED_ENOTFOUND);
	assert_int_equal(store_rebuild_get(db, rb.id, &next), 0);
	assert_string_equal(next.result, "ok: 2 days");
	assert_int_equal(next.done_ms, 99);
	store_close(db);
}

/* ---- PostgreSQL only ---- */

static void *migrate_thread(void *arg)
{
	store *db = NULL;
	store_options o = {0};
	*(int *)arg = store_open(path, STORE_WRITE, &o, &db);
	store_close(db);
	return NULL;
}

/* Two instances migrating a new database at once both succeed (the
 * advisory lock lines them up) and leave one schema; opening again
 * migrates nothing; a database newer than the binary is refused with a
 * message that says so. */
static void test_pg_migrations_guarded(void **state)
{
	(void)state;
	if (!pg_mode)
		skip();
	pthread_t t[2];
	int rc[2] = {-1, -1};
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, migrate_thread, &rc[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(rc[0], 0);
	assert_int_equal(rc[1], 0);
	store *db = NULL;
	store_options o = {0};
	assert_int_equal(store_open(path, STORE_READ, &o, &db), 0);
	int v = 0;
	assert_int_equal(store_schema_version(db, &v), 0);
	assert_int_equal(v, 13); /* the steps of sqlite/migrations.c */
	int64_t rev = 0;
	assert_int_equal(store_registry_rev(db, &rev), 0);
	assert_int_equal(rev, 1); /* meta's first row, inserted once */
	/* a read snapshot is read only */
	assert_int_equal(store_read_begin(db), 0);
	store_enterprise e = {0, "RO01", "ro", ""};
	assert_int_not_equal(store_enterprise_add(db, (store_scope){0}, &e), 0);
	assert_non_null(strstr(store_errmsg(db), "read-only"));
	assert_int_equal(store_read_end(db), 0); /* the refused write left it usable */
	store_close(db);
	/* a commit after a failed statement outside a guard is a failure */
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_enterprise_add(db, (store_scope){0}, &e), 0);
	store_workshop w = {0, e.id + 1000, "W1", "nowhere"};
	assert_int_equal(store_workshop_add(db, (store_scope){0}, &w), GLOVED_EEXIST);
	assert_int_equal(store_commit(db), 0); /* the guard kept the transaction */
	store_close(db);
	assert_int_equal(store__pg_set_version(path, 99), 0);
	db = (store *)1;
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), GLOVED_EDB);
	assert_null(db);
}

/* ---- several writers on one database ---- */

typedef struct lock_thread_arg {
	int rc;
	int64_t revs[2];
	volatile int *committed;
	int saw_commit; /* the first writer had committed when this lock returned */
} lock_thread_arg;

static void *lock_thread(void *p)
{
	lock_thread_arg *a = p;
	store *db = NULL;
	store_options o = {0};
	int64_t ids[2] = {2, 3};
	a->rc = store_open(path, STORE_WRITE, &o, &db);
	if (!a->rc && !(a->rc = store_begin(db))) {
		a->rc = store_machines_lock(db, ids, 2, a->revs);
		a->saw_commit = *a->committed;
		if (a->rc)
			store_rollback(db);
		else
			a->rc = store_commit(db);
	}
	store_close(db);
	return NULL;
}

static int on_note(void *ctx, const char *payload)
{
	char *got = ctx;
	size_t n = strlen(got);
	snprintf(got + n, 256 - n, "%s|", payload);
	return GLOVED_OK;
}

/* SQLite: one writer per file, the calls answer GLOVED_ENOTSUP. PostgreSQL:
 * the lock creates and bumps revisions, a second writer's lock on a shared
 * machine waits for the first one's commit, the machines' state comes back
 * as stored, and a note reaches a listening connection at the commit. */
static void test_machines_shared(void **state)
{
	(void)state;
	store *db = NULL, *ldb = NULL;
	store_options o = {0};
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	int64_t ids[2] = {1, 2}, revs[2] = {0, 0};
	if (!pg_mode) {
		assert_int_equal(store_machines_lock(db, ids, 2, revs), GLOVED_ENOTSUP);
		assert_int_equal(store_notify(db, "x"), GLOVED_ENOTSUP);
		assert_int_equal(store_claim_shared(db), GLOVED_ENOTSUP);
		store_close(db);
		return;
	}
	/* the shared claim: many at once, and it keeps the exclusive one out */
	assert_int_equal(store_claim_shared(db), 0);
	assert_int_equal(store_open(path, STORE_READ, &o, &ldb), 0);
	assert_int_equal(store_claim_shared(ldb), 0);
	store *adm = NULL;
	assert_int_equal(store_open(path, STORE_WRITE, &o, &adm), 0);
	assert_int_equal(store_claim(adm), GLOVED_EBUSY);
	store_close(adm);
	assert_int_equal(store_listen(ldb), 0);

	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_machines_lock(db, ids, 2, revs), 0);
	assert_int_equal(revs[0], 1);
	assert_int_equal(revs[1], 1);
	int64_t back[2] = {2, 1};
	assert_int_equal(store_machines_lock(db, back, 2, revs), GLOVED_EINVAL); /* not ascending */
	assert_int_equal(store_notify(db, "L abc 1,2,3;"), 0);
	char got[256] = "";
	assert_int_equal(store_wait_notify(ldb, 50, on_note, got), 0);
	assert_string_equal(got, ""); /* not before the commit */
	assert_int_equal(store_commit(db), 0);
	for (int i = 0; i < 100 && !got[0]; i++)
		assert_int_equal(store_wait_notify(ldb, 100, on_note, got), 0);
	assert_string_equal(got, "L abc 1,2,3;|");

	/* a second writer's lock on machine 2 waits for this one's commit */
	volatile int committed = 0;
	lock_thread_arg a = {-1, {0, 0}, &committed, -1};
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_machines_lock(db, ids, 2, revs), 0);
	assert_int_equal(revs[0], 2);
	assert_int_equal(revs[1], 2);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, lock_thread, &a), 0);
	usleep(300 *
	       1000); /* give it time to reach the lock (if it did not wait, saw_commit is 0) */
	committed = 1;
	assert_int_equal(store_commit(db), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(a.rc, 0);
	assert_int_equal(a.saw_commit, 1);
	assert_int_equal(a.revs[0], 3); /* machine 2: bumped by both */
	assert_int_equal(a.revs[1], 1); /* machine 3: new */

	/* the state of machines as the writer stores it */
	assert_int_equal(store_begin(db), 0);
	store_live l = {0};
	l.machine_id = 2;
	l.last_ts = 5000;
	l.count = 70;
	l.reject = 3;
	l.state = 1;
	snprintf(l.reason, sizeof l.reason, "ok");
	l.since_ts = 4000;
	l.st_ts = 5000;
	l.st_state = 3;
	assert_int_equal(store_live_put(db, &l), 0);
	store_stop x = {2, 9, 8, 4500, 5000, 3, "yarn", 0};
	assert_int_equal(store_stop_put(db, &x), 0);
	x.start_ms = 1000;
	x.end_ms = 2000;
	assert_int_equal(store_stop_put(db, &x), 0);
	assert_int_equal(store_rollup_add(db, STORE_DAY, 86400000, 2, 9, 8, 40, 2), 0);
	assert_int_equal(store_rollup_add(db, STORE_DAY, 0, 2, 9, 8, 1000, 1000), 0);
	assert_int_equal(store_commit(db), 0);
	int64_t q[2] = {7, 2}, from[2] = {0, 86400000}, to[2] = {86400000, 2 * 86400000};
	store_machine_state st[2];
	assert_int_equal(store_machines_state(db, q, from, to, 2, st), 0);
	assert_int_equal(st[0].machine_id, 7);
	assert_int_equal(st[0].has_live, 0);
	assert_int_equal(st[0].has_stop, 0);
	assert_int_equal(st[1].has_live, 1);
	assert_int_equal(st[1].live.count, 70);
	assert_int_equal(st[1].live.st_state, 3);
	assert_string_equal(st[1].live.reason, "ok");
	assert_int_equal(st[1].has_stop, 1);
	assert_int_equal(st[1].stop.start_ms, 4500); /* the newest */
	assert_string_equal(st[1].stop.reason, "yarn");
	assert_int_equal(st[1].good, 40); /* that day only */
	assert_int_equal(st[1].reject, 2);
	char big[STORE_NOTIFY_MAX + 2];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(store_notify(db, big), GLOVED_EINVAL);
	store_close(ldb);
	store_close(db);
}

/* Terminates the server process of PostgreSQL connection s from a
 * connection of its own and waits until it has exited (its locks gone). */
static void pg_kill_backend(store *s)
{
	int pid = PQbackendPID(((pgc *)s)->conn);
	assert_true(pid > 0);
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d, 10000)::int", pid);
	PGconn *c = PQconnectdb(path);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *r = PQexec(c, sql);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_string_equal(PQgetvalue(r, 0, 0), "1");
	PQclear(r);
	PQfinish(c);
}

static size_t n_firms(store *db)
{
	store_enterprise *es = NULL;
	size_t n = 0;
	assert_int_equal(store_enterprise_list(db, (store_scope){0}, &es, &n), 0);
	free(es);
	return n;
}

/* The reconnect rule (docs/internals/store.md): a connection whose server
 * process went away reconnects by itself; a read outside a transaction is
 * run again once on the new connection, a transaction that was open is
 * lost (its statements answer GLOVED_EIO and nothing of it is retried on
 * the new connection, its commit fails, its rollback ends it), and the
 * claim is taken again on the new session, or GLOVED_ECLAIMED for good
 * when someone else took it meanwhile. */
static void test_pg_reconnect(void **state)
{
	(void)state;
	if (!pg_mode)
		skip();
	store *db = NULL, *other = NULL;
	store_options o = {0};
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	/* an autocommit read: answered from the new connection */
	pg_kill_backend(db);
	int v = 0;
	assert_int_equal(store_schema_version(db, &v), 0);
	assert_int_equal(v, 13);
	pg_kill_backend(db);
	assert_int_equal(n_firms(db), 0); /* a prepared statement, prepared again */
	/* a write outside a transaction is not retried: it may have happened */
	store_enterprise a = {0, "RC01", "reconnect", ""};
	pg_kill_backend(db);
	assert_int_equal(store_enterprise_add(db, (store_scope){0}, &a), GLOVED_EIO);
	assert_int_equal(n_firms(db), 0); /* the connection is back */
	/* a transaction lost with its connection */
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_enterprise_add(db, (store_scope){0}, &a), 0);
	pg_kill_backend(db);
	store_enterprise b = {0, "RC02", "lost", ""};
	assert_int_equal(store_enterprise_add(db, (store_scope){0}, &b), GLOVED_EIO);
	store_enterprise *es = NULL;
	size_t n = 5;
	assert_int_equal(store_enterprise_list(db, (store_scope){0}, &es, &n), GLOVED_EIO);
	assert_null(es);
	assert_non_null(strstr(store_errmsg(db), "transaction was lost"));
	assert_int_equal(store_commit(db), GLOVED_EIO);
	assert_int_equal(n_firms(db), 0); /* nothing of it was kept or replayed */
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_enterprise_add(db, (store_scope){0}, &b), 0);
	pg_kill_backend(db);
	assert_int_equal(store_enterprise_add(db, (store_scope){0}, &a), GLOVED_EIO);
	assert_int_equal(store_rollback(db), 0);
	assert_int_equal(n_firms(db), 0);
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_enterprise_add(db, (store_scope){0}, &a), 0);
	assert_int_equal(store_commit(db), 0);
	assert_int_equal(n_firms(db), 1);

	/* the claim is taken again after a reconnect */
	assert_int_equal(store_claim(db), 0);
	assert_int_equal(store_open(path, STORE_READ, &o, &other), 0);
	assert_int_equal(store_claim(other), GLOVED_EBUSY);
	pg_kill_backend(db);
	assert_int_equal(n_firms(db), 1);
	assert_int_equal(store_claim(other), GLOVED_EBUSY);
	/* ... unless someone else took it meanwhile: then no more writing */
	pg_kill_backend(db);
	assert_int_equal(store_claim(other), 0);
	store_enterprise *none = NULL;
	n = 5;
	assert_int_equal(store_enterprise_list(db, (store_scope){0}, &none, &n), GLOVED_ECLAIMED);
	assert_null(none);
	assert_int_equal(store_begin(db), GLOVED_ECLAIMED);
	assert_int_equal(n_firms(other), 1);
	store_close(db);
	store_close(other);
}

static void test_read_missing_db(void **state)
{
	(void)state;
	store *db = (store *)1;
	store_options o = {0};
	if (pg_mode) {
		/* a database without the schema: never migrated */
		assert_int_equal(store__pg_reset(pg_uri), 0);
		assert_int_equal(store_open(pg_uri, STORE_READ, &o, &db), GLOVED_ENOTFOUND);
		assert_null(db);
		/* no server there */
		db = (store *)1;
		assert_int_equal(
		    store_open("postgresql://gloved@127.0.0.1:1/gloved", STORE_READ, &o, &db),
		    GLOVED_EIO);
		assert_null(db);
		return;
	}
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

/* A URI as logs show it: the password hidden, nothing else changed. */
static void test_uri_shown(void **state)
{
	(void)state;
	char out[200];
	static const char *const cases[][2] = {
	    {"postgresql://gloved:s3cr:et@db.example:5432/gloved?sslmode=require",
	     "postgresql://gloved:***@db.example:5432/gloved?sslmode=require"},
	    {"postgres://u:p@h/d", "postgres://u:***@h/d"},
	    {"postgresql://u:p@w@h/d", "postgresql://u:***@h/d"},
	    {"postgresql://gloved@127.0.0.1:5432/gloved",
	     "postgresql://gloved@127.0.0.1:5432/gloved"},
	    {"postgresql://h/d?user=a", "postgresql://h/d?user=a"},
	    {"postgresql://[::1]:5432/d", "postgresql://[::1]:5432/d"},
	    {"/var/lib/gloved/a:b@c.db", "/var/lib/gloved/a:b@c.db"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(store_uri_shown(cases[i][0], out, sizeof out), cases[i][1]);
	char small[24];
	assert_string_equal(store_uri_shown("postgresql://u:password@host/d", small, sizeof small),
			    "postgresql://***");
}

int main(int argc, char **argv)
{
	store_pg_test_mode(argc, argv);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_uri_shown),
	    cmocka_unit_test_setup_teardown(test_migrations_and_scope, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_samples_live_sessions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_coop_scope, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_registry_auth_calls, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_samples_calls, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pg_migrations_guarded, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_machines_shared, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pg_reconnect, setup, teardown),
	    cmocka_unit_test(test_read_missing_db),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
