/* SPDX-License-Identifier: Apache-2.0 */
/* test_sewn_app.c: the sewn-glove application on a real SQLite file and
 * the writer thread, called as the API calls it: a scan for a worker the
 * firm's list does not have (at the time the writer runs it) is refused
 * with unknown_worker and writes nothing, also inside a batch; the WIP of
 * a hand-worked order (pairs done and waiting per operation, the
 * bottleneck, the projected completion from the last 3 days' pace, a
 * bundle out at a household, counted on the household list too); a worker day's pay with the rate
 * card's day bonus, the same in the scan answer, the day total and the scan-output table; a knitted
 * order's pairs from its machine's pieces (whole pairs). With --pg on the
 * PostgreSQL database of $GLOVED_TEST_PG (store_pg_test.h): that needs the
 * analytics capability (the writer loads its state, workers, calendars),
 * so CTest runs it there once analytics is ported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/sewn.h"
#include "core/state.h"
#include "core/ticket.h"
#include "core/tz.h"
#include "app/analytics.h"
#include "app/live.h"
#include "app/pay.h"
#include "app/registry.h"
#include "app/sewn.h"
#include "app/wip.h"
#include "app/writer.h"
#include "store/store.h"
#include "store_pg_test.h"
#include "util/err.h"
#include "util/ltime.h"

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

typedef struct rig {
	registry *reg;
	live *lv;
	writer *w;
	store *rdb;
	int64_t ent, machine_id;
	store_order order; /* sewn: 100 pairs of size 8, three operations */
	store_bundle *bundles;
	size_t nb;
	uint8_t key[TICKET_KEY_LEN];
	int32_t today;
} rig;

static rig R;

static int setup(void **state)
{
	(void)state;
	ltime_set_zone("Asia/Shanghai");
	if (pg_mode)
		snprintf(path, sizeof path, "%s", pg_uri);
	else
		snprintf(path, sizeof path, "/tmp/gloved-test-sewn-app-%d.db", (int)getpid());
	rm_db();
	store_options o = {0};
	store *wdb = NULL;
	store_scope all = {0};
	assert_int_equal(store_open(path, STORE_WRITE, &o, &wdb), 0);
	store_enterprise e = {0, "JX01", "Jiaxiang sewing", ""};
	assert_int_equal(store_enterprise_add(wdb, all, &e), 0);
	store_workshop ws = {0, e.id, "K1", "knitting"};
	assert_int_equal(store_workshop_add(wdb, all, &ws), 0);
	store_machine m = {0, e.id, ws.id, "K001", "knitting", 13, 1000, 64};
	assert_int_equal(store_machine_add(wdb, all, &m), 0);
	R.ent = e.id;
	R.machine_id = m.id;
	R.reg = registry_new();
	R.lv = live_new();
	writer_options wo = {900000, 20000, 1, 0, 1000, 0, 5, NULL, 0, 0, 0, 0, 0, 0, pg_shared};
	assert_int_equal(writer_open(&wo, wdb, R.reg, R.lv, &R.w), 0);
	assert_int_equal(store_open(path, STORE_READ, &o, &R.rdb), 0);

	/* the firm's workers: W001 has a card paying 0.50 on a day of 10
	 * pairs or more, W002 none */
	store_worker w1 = {0};
	w1.enterprise_id = R.ent;
	snprintf(w1.code, sizeof w1.code, "W001");
	snprintf(w1.name, sizeof w1.name, "王芳");
	snprintf(w1.card, sizeof w1.card,
		 "{\"rate_unit\":\"pair\",\"rate\":\"0.0100\",\"step_period\":\"day\","
		 "\"steps\":[{\"kind\":\"flat\",\"threshold\":10,\"bonus\":\"0.50\"}]}");
	assert_int_equal(analytics_worker_put(R.w, all, &w1), 0);
	store_worker w2 = {0};
	w2.enterprise_id = R.ent;
	snprintf(w2.code, sizeof w2.code, "W002");
	snprintf(w2.name, sizeof w2.name, "李强");
	assert_int_equal(analytics_worker_put(R.w, all, &w2), 0);

	/* a style of three operations at 0.15, 0.20 and 0.30 a pair */
	store_style *st = calloc(1, sizeof *st);
	assert_non_null(st);
	st->enterprise_id = R.ent;
	snprintf(st->code, sizeof st->code, "SKI-1");
	snprintf(st->name, sizeof st->name, "ski glove");
	snprintf(st->category, sizeof st->category, "ski");
	snprintf(st->family, sizeof st->family, "sewn");
	snprintf(st->sizes, sizeof st->sizes, "8,9");
	static const char *const names[] = {"合缝", "上拉链", "整烫"};
	static const int64_t rates[] = {1500, 2000, 3000};
	for (int i = 0; i < 3; i++) {
		store_style_op *op = &st->ops[i];
		op->seq = i + 1;
		snprintf(op->code, sizeof op->code, "OP%d", i + 1);
		snprintf(op->name, sizeof op->name, "%s", names[i]);
		op->smv_c = 120;
		op->rate_y4 = rates[i];
	}
	st->n_ops = 3;
	assert_int_equal(sewn_add_style(R.w, all, st), 0);

	const firm_cal *fc = firmcal_get(writer_cals(R.w), R.rdb, R.ent);
	assert_non_null(fc);
	int64_t now = ltime_now_ms();
	R.today = (int32_t)tz_days_from_civil(tz_date_of(&fc->zone, now));
	store_order *od = &R.order;
	memset(od, 0, sizeof *od);
	od->enterprise_id = R.ent;
	od->style_id = st->id;
	snprintf(od->code, sizeof od->code, "PO-1");
	snprintf(od->unit, sizeof od->unit, "pair");
	snprintf(od->status, sizeof od->status, "open");
	od->due_day = R.today + 10;
	od->created_ms = now;
	od->n_lines = 1;
	snprintf(od->lines[0].size, sizeof od->lines[0].size, "8");
	od->lines[0].pairs = 100;
	assert_int_equal(sewn_add_order(R.w, all, od), 0);
	assert_int_equal(sewn_set_order_status(R.w, od->id, "released"), 0);
	snprintf(od->status, sizeof od->status, "released");
	free(st);

	/* cut into 10 bundles of 10 pairs */
	sewn_cut_line cl = {"8", 100, 1};
	int64_t cut_id;
	char msg[200];
	assert_int_equal(
	    sewn_run_cut(R.w, od, &cl, 1, 10, now, &cut_id, &R.bundles, &R.nb, msg, sizeof msg), 0);
	assert_int_equal(R.nb, 10);
	assert_int_equal(sewn_ticket_key(R.w, R.rdb, R.ent, R.key), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(R.bundles);
	writer_close(R.w);
	store_close(R.rdb);
	live_free(R.lv);
	registry_free(R.reg);
	rm_db();
	return 0;
}

static void scan_req(sewn_scan_req *q, size_t bundle, int32_t seq, const char *worker)
{
	memset(q, 0, sizeof *q);
	q->enterprise_id = R.ent;
	assert_int_equal(ticket_code(R.key, R.bundles[bundle].id, seq, q->code, sizeof q->code), 0);
	snprintf(q->worker, sizeof q->worker, "%s", worker);
	q->ts_ms = ltime_now_ms() - 1000;
}

static void test_unknown_worker_refused_in_writer(void **state)
{
	(void)state;
	sewn_scan_req q[2];
	sewn_scan_res res[2];
	store_scan got;
	/* a supervisor's typo: W0O1 is on no list */
	scan_req(&q[0], 0, 1, "W0O1");
	assert_int_equal(sewn_run_scan(R.w, q, 1, res), GLOVED_EINVAL);
	assert_int_equal(res[0].status, 400);
	assert_string_equal(res[0].error, "unknown_worker");
	assert_string_equal(res[0].message,
			    "scan 0: 'W0O1' is not a worker of the firm (GET /api/v1/workers)");
	assert_int_equal(store_scan_get(R.rdb, R.bundles[0].id, 1, &got), GLOVED_ENOTFOUND);
	/* in a batch, one unknown worker refuses all: the good one is not written */
	scan_req(&q[0], 0, 1, "W001");
	scan_req(&q[1], 1, 1, "W003");
	assert_int_equal(sewn_run_scan(R.w, q, 2, res), GLOVED_EINVAL);
	assert_int_equal(res[1].status, 400);
	assert_string_equal(res[1].error, "unknown_worker");
	assert_string_equal(res[1].message,
			    "scan 1: 'W003' is not a worker of the firm (GET /api/v1/workers)");
	assert_int_equal(store_scan_get(R.rdb, R.bundles[0].id, 1, &got), GLOVED_ENOTFOUND);
	/* the check reads the list as the writer sees it: once W003 is on it,
	 * its scan goes through (operation 1 of bundle 10, counted below) */
	store_worker w3 = {0};
	store_scope all = {0};
	w3.enterprise_id = R.ent;
	snprintf(w3.code, sizeof w3.code, "W003");
	assert_int_equal(analytics_worker_put(R.w, all, &w3), 0);
	scan_req(&q[0], 9, 1, "W003");
	assert_int_equal(sewn_run_scan(R.w, q, 1, res), GLOVED_OK);
	assert_int_equal(res[0].status, 200);
	assert_int_equal(store_scan_get(R.rdb, R.bundles[9].id, 1, &got), GLOVED_OK);
	assert_string_equal(got.worker, "W003");
}

static void test_wip_and_pay(void **state)
{
	(void)state;
	/* W001 sews operation 1 of bundles 1-6 (60 pairs at 0.15), W002
	 * operation 2 of bundles 1-3 (30 at 0.20) and operation 3 of bundle 1
	 * (10 at 0.30); bundle 10 (operation 1 done by W003 above) goes out to
	 * a household for operation 2 */
	sewn_scan_req q[10];
	sewn_scan_res res[10];
	size_t n = 0;
	for (size_t b = 0; b < 6; b++)
		scan_req(&q[n++], b, 1, "W001");
	for (size_t b = 0; b < 3; b++)
		scan_req(&q[n++], b, 2, "W002");
	scan_req(&q[n++], 0, 3, "W002");
	assert_int_equal(sewn_run_scan(R.w, q, n, res), GLOVED_OK);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(res[i].status, 200);
	/* pay today in the scan answer: 60 x 0.15 = 9.00 and the card's 0.50 */
	assert_int_equal(res[5].today_pairs, 60);
	assert_int_equal(res[5].today_pay_fen, 950);
	/* W002 has no card: 30 x 0.20 + 10 x 0.30 */
	assert_int_equal(res[9].today_pairs, 40);
	assert_int_equal(res[9].today_pay_fen, 900);
	int64_t pairs, fen;
	assert_int_equal(pay_day_total(R.rdb, R.ent, "W001", 0, R.today, &pairs, &fen), 0);
	assert_int_equal(pairs, 60);
	assert_int_equal(fen, 950);

	store_household h = {0};
	store_scope all = {0};
	h.enterprise_id = R.ent;
	snprintf(h.code, sizeof h.code, "H01");
	snprintf(h.name, sizeof h.name, "张家");
	h.rate_pct = 100;
	assert_int_equal(sewn_add_household(R.w, all, &h), 0);
	int32_t ops[] = {2};
	char msg[200];
	int64_t out_ms = ltime_now_ms();
	assert_int_equal(sewn_run_dispatch(R.w, R.ent, h.id, &R.bundles[9].id, 1, ops, 1, out_ms,
					   msg, sizeof msg),
			 0);

	const firm_cal *fc = firmcal_get(writer_cals(R.w), R.rdb, R.ent);
	wip_result w;
	assert_int_equal(wip_get(R.rdb, fc, all, R.ent, 0, out_ms, &w), 0);
	assert_int_equal(w.n, 1);
	const wip_order *o = &w.orders[0];
	assert_string_equal(o->order, "PO-1");
	assert_int_equal(o->ordered_pairs, 100);
	assert_int_equal(o->cut_pairs, 100);
	assert_int_equal(o->n_ops, 3);
	/* done 70 / 30 / 10; waiting: 100 - 70, 70 - 30, 30 - 10 */
	assert_int_equal(o->ops[0].done_pairs, 70);
	assert_int_equal(o->ops[0].bundles_done, 7);
	assert_int_equal(o->ops[1].done_pairs, 30);
	assert_int_equal(o->ops[2].done_pairs, 10);
	assert_int_equal(o->ops[0].waiting_pairs, 30);
	assert_int_equal(o->ops[1].waiting_pairs, 40);
	assert_int_equal(o->ops[2].waiting_pairs, 20);
	assert_int_equal(o->finished_pairs, 10);
	/* the bottleneck is operation 2 with 40 pairs waiting */
	assert_int_equal(o->bottleneck, 2);
	assert_string_equal(o->bottleneck_name, "上拉链");
	/* at the last 3 days' pace operation 1 needs ceil(30 x 3 / 70) = 2
	 * days, operation 2 ceil(70 x 3 / 30) = 7, operation 3 ceil(90 x 3 /
	 * 10) = 27: done in 27 days, after the due day (today + 10) */
	assert_true(o->projected_known);
	assert_int_equal(o->projected_day, R.today + 27);
	assert_true(o->late);
	assert_int_equal(o->n_out, 1);
	assert_int_equal(o->out[0].bundle_no, 10);
	assert_int_equal(o->out[0].pairs, 10);
	assert_string_equal(o->out[0].household, "H01");
	assert_string_equal(o->out[0].name, "张家");
	assert_int_equal(o->out[0].days, 0);
	wip_free(&w);
	/* the household list counts what each has out */
	wip_household *hv = NULL;
	size_t nhv = 0;
	assert_int_equal(wip_households(R.rdb, all, R.ent, &hv, &nhv), 0);
	assert_int_equal(nhv, 1);
	assert_string_equal(hv[0].h.code, "H01");
	assert_int_equal(hv[0].bundles_out, 1);
	assert_int_equal(hv[0].pairs_out, 10);
	free(hv);
	/* one order by id answers the same */
	assert_int_equal(wip_get(R.rdb, fc, all, R.ent, R.order.id, out_ms, &w), 0);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.orders[0].bottleneck, 2);
	wip_free(&w);

	/* the scan-output table pays the same as the scan answer */
	pay_output po;
	assert_int_equal(pay_scan_output(R.rdb, all, R.ent, R.today, R.today, 0, &po), 0);
	int seen = 0;
	for (size_t i = 0; i < po.n; i++) {
		if (strcmp(po.rows[i].who, "W001") == 0) {
			seen = 1;
			assert_int_equal(po.rows[i].pairs, 60);
			assert_int_equal(po.rows[i].bonus_fen, 50);
			assert_int_equal(po.rows[i].pay_fen, 950);
			assert_string_equal(po.rows[i].name, "王芳");
		}
	}
	assert_true(seen);
	/* W001 9.50, W002 9.00, W003 10 x 0.15 = 1.50 */
	assert_int_equal(po.pairs, 110);
	assert_int_equal(po.pay_fen, 950 + 900 + 150);
	pay_output_free(&po);
}

static void test_worker_day_pay(void **state)
{
	(void)state;
	/* 6 pairs at 0.15 and 5 at 0.20: 0.90 + 1.00, and W001's card pays
	 * 0.50 on a day of 10 pairs or more; a household (no card) the rates */
	sewn_work w[] = {{1500, 6}, {2000, 5}};
	store_worker wk = {0};
	snprintf(wk.code, sizeof wk.code, "W001");
	snprintf(wk.card, sizeof wk.card,
		 "{\"rate_unit\":\"pair\",\"rate\":\"0.0100\",\"step_period\":\"day\","
		 "\"steps\":[{\"kind\":\"flat\",\"threshold\":10,\"bonus\":\"0.50\"}]}");
	wage_result r;
	assert_int_equal(pay_worker_day(w, 2, &wk, &r), 0);
	assert_int_equal(r.base_fen, 190);
	assert_int_equal(r.bonus_fen, 50);
	assert_int_equal(r.total_fen, 240);
	assert_int_equal(pay_worker_day(w, 1, &wk, &r), 0); /* 6 pairs: no bonus */
	assert_int_equal(r.total_fen, 90);
	assert_int_equal(pay_worker_day(w, 2, NULL, &r), 0);
	assert_int_equal(r.total_fen, 190);
	/* a card that does not parse pays the rates alone */
	snprintf(wk.card, sizeof wk.card, "{\"rate_unit\":\"bale\"}");
	assert_int_equal(pay_worker_day(w, 2, &wk, &r), 0);
	assert_int_equal(r.total_fen, 190);
}

static ingest_record rec(int64_t ts, uint64_t count)
{
	ingest_record r;
	memset(&r, 0, sizeof r);
	r.machine_id = R.machine_id;
	r.ts_ms = ts;
	r.count = count;
	r.state = MS_RUN;
	return r;
}

static void test_knitted_pairs(void **state)
{
	(void)state;
	/* a knitted order with machine K001 assigned: 45 pieces knitted while
	 * assigned are 22 whole pairs (the odd glove is not a pair) */
	store_order o = R.order;
	o.id = 0;
	snprintf(o.code, sizeof o.code, "PO-K");
	store_scope all = {0};
	int64_t now = ltime_now_ms();
	assert_int_equal(sewn_add_order(R.w, all, &o), 0);
	store_order_machine om = {o.id, R.machine_id, now - 600000, 0};
	assert_int_equal(sewn_assign_machine(R.w, &om), 0);
	int64_t pairs = -1;
	assert_int_equal(wip_knitted_pairs(R.rdb, all, &o, now, &pairs), 0);
	assert_int_equal(pairs, 0);
	ingest_record rs[2] = {rec(now - 120000, 100), rec(now - 60000, 145)};
	writer_result wr;
	assert_int_equal(writer_submit(R.w, rs, 2, &wr), 0);
	assert_int_equal(wip_knitted_pairs(R.rdb, all, &o, now, &pairs), 0);
	assert_int_equal(pairs, 22);
}

int main(int argc, char **argv)
{
	store_pg_test_mode(argc, argv);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unknown_worker_refused_in_writer),
	    cmocka_unit_test(test_wip_and_pay),
	    cmocka_unit_test(test_worker_day_pay),
	    cmocka_unit_test(test_knitted_pairs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
