/* SPDX-License-Identifier: Apache-2.0 */
/* demo.c: `gloved demo`: seeds a fresh database with a simulated cluster
 * (the simulator's firms, workshops and machines, a login per firm, firm
 * calendars, workers with rate cards and their machine assignments, and at
 * the sewing firm a ski glove style with orders cut into bundles, scans,
 * household work and a week of quality: material lots, lots, inspections,
 * cartons), then runs the daemon (serve.c) with the simulator
 * publishing to the broker. An already seeded database is kept as it is. */
#include "cli/cli_int.h"
#include "app/brand.h"
#include "app/firmcal.h"
#include "app/quality.h"
#include "app/sewn.h"
#include "core/ticket.h"
#include "sim/sim.h"
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"
#include "util/ltime.h"
#include "util/secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const DEMO_PASSWORD = "gloved-demo";

/* A demo login with the demo password. username is lowered (firm codes
 * become logins); worker is the worker code a worker login scans for. */
static int seed_user(store *db, const char *username, const char *role, int64_t enterprise_id,
		     const char *worker)
{
	store_user u = {0};
	snprintf(u.username, sizeof u.username, "%s", username);
	for (char *c = u.username; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	snprintf(u.role, sizeof u.role, "%s", role);
	snprintf(u.worker, sizeof u.worker, "%s", worker ? worker : "");
	u.enterprise_id = enterprise_id;
	int rc = secret_password_hash(DEMO_PASSWORD, u.pw_hash, sizeof u.pw_hash);
	if (!rc)
		rc = store_user_add(db, (store_scope){0}, &u);
	return rc;
}

/* Today's day number (days since 1970-01-01) in the server's zone. */
static int32_t demo_today(int64_t now_ms)
{
	return (int32_t)((ltime_day_start(now_ms) + 12 * 3600000LL) / 86400000LL);
}

/* Demo analytics settings: the sewing firm's calendar (07:30-21:00 with
 * its meal breaks, as the simulator works), and for every machine a
 * worker per shift with a piece-rate card, assigned for a week. */
static int seed_analytics(store *db, const sim_machine_def *m, size_t nm)
{
	static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄",
					       "周", "吴", "徐", "孙", "马", "朱", "胡", "郭"};
	static const char *const given[] = {"芳", "强", "敏", "静", "磊", "丽", "军", "燕",
					    "杰", "娟", "涛", "霞", "勇", "艳", "斌", "红"};
	store_scope all = {0};
	int rc = GLOVED_OK;
	int64_t now = ltime_now_ms();
	int32_t today = demo_today(now);
	for (size_t i = 0; i < nm && !rc; i++) {
		store_enterprise e;
		if ((rc = store_enterprise_by_code(db, all, m[i].enterprise, &e)))
			break;
		/* a firm of sewing machines only works the sewing floor's day */
		int sewing = 1;
		for (size_t k = 0; k < nm; k++)
			if (strcmp(m[k].enterprise, m[i].enterprise) == 0 &&
			    strcmp(m[k].kind, "sewing") != 0 && strcmp(m[k].kind, "overlock") != 0)
				sewing = 0;
		if (sewing) {
			char *json = NULL;
			if (store_calendar_get(db, e.id, &json) == GLOVED_ENOTFOUND)
				rc = store_calendar_put(
				    db, all, e.id,
				    "{\"tz\":\"Asia/Shanghai\",\"shifts\":[{\"name\":\"白班\","
				    "\"start\":\"07:30\",\"end\":\"21:00\",\"breaks\":["
				    "{\"start\":\"12:00\",\"end\":\"13:00\"},{\"start\":\"17:30\","
				    "\"end\":\"18:00\"}]}],\"rest_weekdays\":[],\"offline_after_"
				    "s\":120,"
				    "\"target_pct\":85}");
			free(json);
		}
		int shifts = sewing ? 1 : 2;
		for (int sh = 0; sh < shifts && !rc; sh++) {
			store_worker w = {0};
			size_t k = i * 2 + (size_t)sh;
			w.enterprise_id = e.id;
			snprintf(w.code, sizeof w.code, "W%03zu", k + 1);
			snprintf(w.name, sizeof w.name, "%s%s", surnames[k % 16],
				 given[(k / 16 + k * 7) % 16]);
			snprintf(w.card, sizeof w.card, "%s",
				 sewing
				     ? "{\"rate_unit\":\"pair\",\"rate\":\"0.3500\","
				       "\"step_period\":\"day\",\"steps\":[{\"kind\":\"per_unit\","
				       "\"threshold\":300,\"bonus\":\"0.0500\"}],"
				       "\"reject_deduct\":\"0.1000\",\"allow_negative\":false}"
				     : "{\"rate_unit\":\"dozen\",\"rate\":\"0.6000\","
				       "\"step_period\":\"month\",\"steps\":[{\"kind\":\"flat\","
				       "\"threshold\":1500,\"bonus\":\"100.0000\"}],"
				       "\"reject_deduct\":\"0.0200\",\"allow_negative\":false}");
			rc = store_worker_put(db, all, &w);
			store_machine mm;
			store_machine *ml = NULL;
			size_t nml = 0;
			if (!rc)
				rc = store_machine_list(db, all, &ml, &nml);
			memset(&mm, 0, sizeof mm);
			for (size_t x = 0; x < nml; x++)
				if (ml[x].enterprise_id == e.id &&
				    strcmp(ml[x].code, m[i].code) == 0)
					mm = ml[x];
			free(ml);
			for (int32_t d = today - 1; d <= today + 7 && !rc && mm.id; d++) {
				store_assignment a = {mm.id, e.id, d, sh, ""};
				snprintf(a.worker, sizeof a.worker, "%s", w.code);
				rc = store_assignment_put(db, all, &a);
			}
		}
	}
	return rc;
}

/* Demo sewn-glove production at the sewing firm (JX01): a ski glove style
 * with its routing, households, two released orders cut into bundles, a
 * day of scans by the firm's workers, bundles out at households, one back;
 * and a worker login (w001 / the demo password) for the scan page. */
/* Bundles of the first demo order finished over the last week (those
 * numbered 1-9 but the household's 4th). */
#define DEMO_FINISHED 9

static int seed_sewn(store *db)
{
	store_scope all = {0};
	store_enterprise e;
	if (store_enterprise_by_code(db, all, "JX01", &e))
		return GLOVED_OK; /* no sewing firm in this simulation */
	static const struct {
		const char *code, *name, *smv, *rate;
	} ops[] = {
	    {"C01", "裁片检验", "0.30", "0.0300"}, {"S01", "合缝", "1.20", "0.1500"},
	    {"S02", "上拇指", "1.50", "0.1800"},   {"S03", "缝手背装饰", "1.10", "0.1400"},
	    {"S04", "上里布", "2.00", "0.2500"},   {"S05", "装松紧带", "0.90", "0.1100"},
	    {"S06", "翻手套", "0.80", "0.1000"},   {"F01", "整烫定型", "0.60", "0.0800"},
	    {"Q01", "检验配对", "0.50", "0.0600"},
	};
	store_style *st = calloc(1, sizeof *st);
	if (!st)
		return GLOVED_ENOMEM;
	st->enterprise_id = e.id;
	snprintf(st->code, sizeof st->code, "SKI-01");
	snprintf(st->name, sizeof st->name, "成人防水滑雪手套");
	snprintf(st->category, sizeof st->category, "ski");
	snprintf(st->family, sizeof st->family, "sewn");
	snprintf(st->materials, sizeof st->materials, "涤纶面料, TPU防水膜, 3M新雪丽棉");
	snprintf(st->sizes, sizeof st->sizes, "7,8,9,10");
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		store_style_op *o = &st->ops[st->n_ops++];
		snprintf(o->code, sizeof o->code, "%s", ops[i].code);
		snprintf(o->name, sizeof o->name, "%s", ops[i].name);
		int64_t a = 0, b = 0;
		/* "1.20" -> 120, "0.1500" -> 1500 */
		for (const char *p = ops[i].smv; *p; p++)
			if (*p != '.')
				a = a * 10 + (*p - '0');
		for (const char *p = ops[i].rate; *p; p++)
			if (*p != '.')
				b = b * 10 + (*p - '0');
		o->smv_c = a;
		o->rate_y4 = b;
	}
	int rc = store_begin(db);
	if (!rc)
		rc = store_style_add(db, all, st);
	static const char *const hh[][3] = {{"H-ZHANG", "张大姐", "梁宝寺镇"},
					    {"H-LI", "李家作坊", "金屯镇"},
					    {"H-WANG", "王嫂", "马村镇"}};
	for (size_t i = 0; i < 3 && !rc; i++) {
		store_household h = {0};
		h.enterprise_id = e.id;
		snprintf(h.code, sizeof h.code, "%s", hh[i][0]);
		snprintf(h.name, sizeof h.name, "%s", hh[i][1]);
		snprintf(h.village, sizeof h.village, "%s", hh[i][2]);
		h.rate_pct = 100;
		rc = store_household_add(db, all, &h);
	}
	store_order orders[2];
	memset(orders, 0, sizeof orders);
	int64_t now = ltime_now_ms();
	int32_t today = demo_today(now);
	for (int k = 0; k < 2 && !rc; k++) {
		store_order *o = &orders[k];
		o->enterprise_id = e.id;
		o->style_id = st->id;
		snprintf(o->code, sizeof o->code, "PO-2026-%d", 118 + k);
		snprintf(o->buyer, sizeof o->buyer, "%s",
			 k ? "北欧户外用品" : "Alpine Sports GmbH");
		snprintf(o->unit, sizeof o->unit, "dozen");
		snprintf(o->status, sizeof o->status, "released");
		o->due_day = today + 12 + 10 * k;
		o->created_ms = now - 86400000LL * (9 - 6 * k);
		const char *sizes[] = {"7", "8", "9", "10"};
		for (int i = 0; i < 4; i++) {
			snprintf(o->lines[i].size, sizeof o->lines[i].size, "%s", sizes[i]);
			o->lines[i].pairs = (int64_t)(12 * (6 + 4 * i - 2 * k));
		}
		o->n_lines = 4;
		rc = store_order_add(db, all, o);
	}
	if (rc) {
		store_rollback(db);
		free(st);
		return rc;
	}
	if ((rc = store_commit(db))) {
		free(st);
		return rc;
	}
	/* cut both orders; scan the first one's bundles part of the way */
	firmcal_cache *cals = firmcal_cache_new("Asia/Shanghai", NULL);
	uint8_t key[TICKET_KEY_LEN];
	char check[12];
	rc = cals ? sewn_firm_key(db, e.id, 1, key, check) : GLOVED_ENOMEM;
	for (int k = 0; k < 2 && !rc; k++) {
		sewn_cut_line lines[4];
		for (int i = 0; i < 4; i++) {
			snprintf(lines[i].size, sizeof lines[i].size, "%s",
				 orders[k].lines[i].size);
			lines[i].plies = orders[k].lines[i].pairs;
			lines[i].pairs_per_ply = 1;
		}
		int64_t cut_id;
		store_bundle *b = NULL;
		size_t nb = 0;
		char msg[200];
		rc = sewn_cut(db, &orders[k], lines, 4, 12, now - 86400000LL * (8 - 6 * k), &cut_id,
			      &b, &nb, msg, sizeof msg);
		if (rc || k == 1) {
			free(b);
			continue;
		}
		/* workers of the sewing floor: W097.. (the seeded JX01 workers) */
		size_t nreq = 0;
		sewn_scan_req *req = calloc(nb * (size_t)st->n_ops, sizeof *req);
		sewn_scan_res *res = calloc(nb * (size_t)st->n_ops, sizeof *res);
		if (!req || !res)
			rc = GLOVED_ENOMEM;
		for (size_t i = 0; i < nb && !rc; i++) {
			/* earlier bundles are further along the routing; the first
			 * ones are finished, one or two a day over the last week
			 * (the quality demo forms lots of them) */
			int32_t upto = st->n_ops - (int32_t)(i * (size_t)st->n_ops / nb) - 1;
			if (i % 7 == 3)
				continue; /* these go to households below */
			int finished = i < DEMO_FINISHED;
			if (finished)
				upto = st->n_ops;
			int64_t end = finished
					  ? now - 86400000LL * (int64_t)(7 - i * 7 / DEMO_FINISHED)
					  : now;
			for (int32_t seq = 1; seq <= upto; seq++) {
				sewn_scan_req *q = &req[nreq++];
				q->enterprise_id = e.id;
				ticket_code(key, b[i].id, seq, q->code, sizeof q->code);
				snprintf(q->worker, sizeof q->worker, "W%03d",
					 97 + 2 * (int)((i + (size_t)seq) % 12));
				q->ts_ms = end - 3600000LL * (int64_t)(upto - seq + 1) -
					   (int64_t)i * 60000;
			}
		}
		if (!rc)
			rc = sewn_scan(db, cals, req, nreq, res);
		free(req);
		free(res);
		int64_t out[8];
		size_t nout = 0;
		for (size_t i = 3; i < nb && nout < 8; i += 7)
			out[nout++] = b[i].id;
		int32_t hops[] = {2, 3, 4};
		char msg2[200];
		store_household h;
		for (size_t i = 0; i < nout && !rc; i++) {
			if (store_household_get(db, all, e.id, hh[i % 3][0], 0, &h))
				break;
			rc = sewn_dispatch(db, e.id, h.id, &out[i], 1, hops, 3,
					   now - 86400000LL * (int64_t)(i % 3 + 1), msg2,
					   sizeof msg2);
		}
		int64_t pay;
		if (!rc && nout)
			rc = sewn_return(db, cals, e.id, out[0], 12, 0, 1, now - 3600000LL, &pay,
					 msg2, sizeof msg2);
		free(b);
	}
	firmcal_cache_free(cals);
	free(st);
	if (!rc) {
		rc = seed_user(db, "w097", "worker", e.id, "W097");
	}
	return rc;
}

/* A week of quality at the sewing firm: material lots received, lots formed
 * of the finished bundles of the first order, inspected by ISO 2859-1 (one
 * rejected), the accepted ones packed; an inspector's login. */
static int seed_quality(store *db)
{
	store_scope all = {0};
	store_enterprise e;
	if (store_enterprise_by_code(db, all, "JX01", &e))
		return GLOVED_OK;
	int64_t now = ltime_now_ms();
	int32_t today = demo_today(now);
	static const struct {
		const char *code, *kind, *supplier, *batch, *unit;
		int64_t qty_milli;
	} mats[] = {
	    {"PU-2611-07", "leather", "河北辛集皮革城", "XJ-2611-07", "m2", 850000},
	    {"LN-2611-02", "lining", "嘉祥县里布厂", "LB-1102", "m", 1200500},
	    {"TH-2611-11", "thread", "济宁高强线业", "GQ-88", "pcs", 240000},
	    {"IN-2611-03", "other", "3M新雪丽棉 经销商", "TH-3M-40G", "m", 600000},
	};
	int rc = store_begin(db);
	int64_t mat_ids[4] = {0};
	for (size_t i = 0; i < 4 && !rc; i++) {
		store_material_lot m = {0};
		m.enterprise_id = e.id;
		snprintf(m.code, sizeof m.code, "%s", mats[i].code);
		snprintf(m.kind, sizeof m.kind, "%s", mats[i].kind);
		snprintf(m.supplier, sizeof m.supplier, "%s", mats[i].supplier);
		snprintf(m.batch, sizeof m.batch, "%s", mats[i].batch);
		snprintf(m.unit, sizeof m.unit, "%s", mats[i].unit);
		m.qty_milli = mats[i].qty_milli;
		m.received_day = today - 10 + (int32_t)i;
		m.created_ms = now - 86400000LL * (10 - (int64_t)i);
		rc = store_material_lot_add(db, all, &m);
		mat_ids[i] = m.id;
	}
	rc = store_end(db, rc);
	if (!rc)
		rc = seed_user(db, "jx01-qc", "inspector", e.id, NULL);
	firmcal_cache *cals = firmcal_cache_new("Asia/Shanghai", NULL);
	if (!cals)
		rc = rc ? rc : GLOVED_ENOMEM;
	/* the finished bundles 1-3 and 5-9 (4 is at a household), two a lot */
	static const int32_t lots[4][2] = {{1, 2}, {3, 5}, {6, 7}, {8, 9}};
	quality_lot_req *q = calloc(1, sizeof *q);
	quality_insp_req *ir = calloc(1, sizeof *ir);
	quality_insp_res *res = calloc(1, sizeof *res);
	if (!rc && (!q || !ir || !res))
		rc = GLOVED_ENOMEM;
	for (int k = 0; k < 4 && !rc; k++) {
		char msg[256];
		memset(q, 0, sizeof *q);
		q->enterprise_id = e.id;
		snprintf(q->code, sizeof q->code, "LOT-JX-%02d", k + 1);
		snprintf(q->order, sizeof q->order, "PO-2026-118");
		q->bundles[0] = lots[k][0];
		q->bundles[1] = lots[k][1];
		q->nb = 2;
		for (size_t i = 0; i < 3; i++) {
			snprintf(q->mat_code[i], sizeof q->mat_code[i], "%s", mats[i].code);
			q->mat_qty_milli[i] = 12000 + 1000 * (int64_t)i;
		}
		q->nmat = 3;
		q->now_ms = now - 86400000LL * (int64_t)(4 - k);
		store_lot l;
		rc = quality_form_lot_tx(db, cals, q, &l, msg, sizeof msg);
		if (rc) {
			log_error("demo: lot %s: %s", q->code, msg);
			break;
		}
		memset(ir, 0, sizeof *ir);
		ir->enterprise_id = e.id;
		ir->lot_id = l.id;
		ir->level = AQL_II;
		ir->aql.has[0] = ir->aql.has[1] = ir->aql.has[2] = 1;
		ir->aql.milli[0] = 0;
		ir->aql.milli[1] = 2500;
		ir->aql.milli[2] = 4000;
		snprintf(ir->inspector, sizeof ir->inspector, "质检 张敏");
		snprintf(ir->by, sizeof ir->by, "jx01-qc");
		ir->now_ms = q->now_ms + 3600000;
		if (k == 2) {
			/* a rejected lot: open seams over the major class' Re */
			snprintf(ir->defects[0].type, sizeof ir->defects[0].type, "open_seam");
			ir->defects[0].count = 3;
			ir->nd = 1;
		} else if (k == 0) {
			snprintf(ir->defects[0].type, sizeof ir->defects[0].type, "loose_thread");
			ir->defects[0].count = 1;
			ir->nd = 1;
		}
		rc = quality_inspect_tx(db, ir, res, msg, sizeof msg);
		if (rc) {
			log_error("demo: inspection of %s: %s", q->code, msg);
			break;
		}
		if (k != 2) {
			store_carton *c = NULL;
			size_t nc = 0;
			rc = quality_pack_tx(db, e.id, l.id, 12, ir->now_ms + 3600000, &c, &nc, msg,
					     sizeof msg);
			free(c);
		}
	}
	(void)mat_ids;
	free(q);
	free(ir);
	free(res);
	firmcal_cache_free(cals);
	return rc;
}

/* The regional brand in the demo: a lab's test report of the sewn style,
 * the association's audit and licence for JX01, brand labels for the
 * cartons of LOT-JX-02 and bags of LOT-JX-04 (the accepted lots), and a few public scans of
 * them, so the brand page and the public verification page have something
 * to show. The key is the one the daemon then loads. */
static int seed_brand(store *db, const gloved_config *cfg)
{
	store_scope all = {0};
	store_enterprise e;
	if (store_enterprise_by_code(db, all, "JX01", &e))
		return GLOVED_OK;
	char kpath[600], msg[300];
	if (cfg->brand_key_file[0])
		snprintf(kpath, sizeof kpath, "%s", cfg->brand_key_file);
	else
		brand_key_default_path(cfg->db_path, kpath, sizeof kpath);
	brand_key *key = NULL;
	int rc = brand_key_open(kpath, &key, msg, sizeof msg);
	if (rc) {
		log_error("demo: %s", msg);
		return rc;
	}
	int64_t now = ltime_now_ms();
	firmcal_cache *cals = firmcal_cache_new("Asia/Shanghai", NULL);
	quality_lot_facts f;
	rc = cals ? quality_lot_facts_get(db, cals, all, e.id, "LOT-JX-02", &f) : GLOVED_ENOMEM;
	store_style *st = malloc(sizeof *st);
	if (!rc && !st)
		rc = GLOVED_ENOMEM;
	if (!rc)
		rc = store_style_get(db, all, e.id, f.style, 0, st);
	if (!rc) {
		store_test tr;
		memset(&tr, 0, sizeof tr);
		tr.enterprise_id = e.id;
		tr.style_id = st->id;
		snprintf(tr.report_no, sizeof tr.report_no, "SDQI-2611-0318");
		snprintf(tr.lab, sizeof tr.lab, "山东省产品质量检验研究院");
		tr.day = demo_today(now) - 20;
		snprintf(tr.en388, sizeof tr.en388, "2121X");
		snprintf(tr.markings, sizeof tr.markings,
			 "{\"en388\":{\"standard\":\"EN 388:2016+A1:2018\",\"marking\":\"2121X\"},"
			 "\"en511\":{\"standard\":\"EN 511:2006\",\"marking\":\"221\"}}");
		snprintf(tr.raw, sizeof tr.raw,
			 "{\"en388\":{\"abrasion_cycles\":1200,\"coupe_index\":1.6,\"tear_n\":31,"
			 "\"puncture_n\":24},\"en511\":{\"convective_itr\":0.17,\"contact_r\":0.06,"
			 "\"water\":\"pass\"}}");
		tr.created_ms = now - 20 * 86400000LL;
		rc = store_begin(db);
		rc = rc ? rc : store_end(db, store_test_add(db, all, &tr));
	}
	if (!rc) {
		store_audit a;
		memset(&a, 0, sizeof a);
		a.enterprise_id = e.id;
		a.day = demo_today(now) - 15;
		snprintf(a.auditor, sizeof a.auditor, "嘉祥县手套协会 刘建国");
		a.passed = 1;
		snprintf(a.note, sizeof a.note, "现场审核：质量体系、追溯记录齐全");
		a.created_ms = now - 15 * 86400000LL;
		rc = store_begin(db);
		rc = rc ? rc : store_end(db, store_audit_add(db, &a));
	}
	if (!rc) {
		brand_action ba;
		memset(&ba, 0, sizeof ba);
		ba.enterprise_id = e.id;
		snprintf(ba.action, sizeof ba.action, "grant");
		snprintf(ba.reason, sizeof ba.reason, "首批“嘉祥手套”区域品牌企业");
		snprintf(ba.by, sizeof ba.by, "association");
		ba.audits_passed = 1;
		ba.last_lots = 3;
		ba.min_accept_pct = 60;
		ba.now_ms = now - 2 * 3600000LL;
		store_licence lic;
		rc = brand_licence_action_tx(db, &ba, &lic, msg, sizeof msg);
		if (rc)
			log_error("demo: licence: %s", msg);
	}
	static const struct {
		const char *lot, *kind;
		int64_t per_bag;
	} issue[] = {{"LOT-JX-02", "carton", 0}, {"LOT-JX-04", "bag", 12}};
	for (size_t i = 0; i < 2 && !rc; i++) {
		brand_issue_req q;
		memset(&q, 0, sizeof q);
		q.enterprise_id = e.id;
		snprintf(q.lot, sizeof q.lot, "%s", issue[i].lot);
		snprintf(q.kind, sizeof q.kind, "%s", issue[i].kind);
		q.brand = 1;
		q.pairs_per_bag = issue[i].per_bag;
		q.now_ms = now - 3600000LL;
		q.key = key;
		q.cals = cals;
		store_label *v = NULL;
		size_t n = 0;
		rc = brand_issue_labels_tx(db, &q, &v, &n, msg, sizeof msg);
		if (rc)
			log_error("demo: labels of %s: %s", issue[i].lot, msg);
		/* the first label scanned by a buyer three times from two networks */
		for (int k = 0; !rc && n && i == 0 && k < 3; k++) {
			uint8_t net[4] = {4, 203, 0, (uint8_t)(k ? 113 : 7)};
			brand_verify_req vq = {v[0].serial,
					       NULL,
					       NULL,
					       net,
					       sizeof net,
					       now - 1800000LL + k * 60000LL,
					       cfg->clone_scans,
					       cfg->clone_networks,
					       key};
			brand_verify out;
			rc = brand_verify_label_tx(db, &vq, &out);
		}
		free(v);
	}
	free(st);
	firmcal_cache_free(cals);
	brand_key_close(key);
	return rc;
}

static int seed_demo(const gloved_config *cfg, const sim_options *so, int *seeded)
{
	*seeded = 0;
	store_options o = {1};
	store *db = NULL;
	int rc = store_open(cfg->db_path, STORE_WRITE, &o, &db);
	if (rc)
		return rc;
	store_scope all = {0};
	store_enterprise *es = NULL;
	size_t ne = 0;
	if ((rc = store_enterprise_list(db, all, &es, &ne)))
		goto out;
	free(es);
	if (ne > 0)
		goto out; /* already seeded: keep what is there */
	sim *s = sim_open(so, ltime_now_ms());
	if (!s) {
		rc = GLOVED_ENOMEM;
		goto out;
	}
	const sim_firm *f;
	const sim_workshop *w;
	const sim_machine_def *m;
	size_t nf = sim_firms(s, &f), nw = sim_workshops(s, &w), nm = sim_machines(s, &m);
	store_begin(db);
	for (size_t i = 0; i < nf && !rc; i++) {
		store_enterprise e = {0};
		snprintf(e.code, sizeof e.code, "%s", f[i].code);
		snprintf(e.name, sizeof e.name, "%s", f[i].name);
		snprintf(e.town, sizeof e.town, "%s", f[i].town);
		rc = store_enterprise_add(db, all, &e);
		if (!rc)
			rc = seed_user(db, f[i].code, "enterprise_admin", e.id, NULL);
	}
	for (size_t i = 0; i < nw && !rc; i++) {
		store_enterprise e;
		if ((rc = store_enterprise_by_code(db, all, w[i].enterprise, &e)))
			break;
		store_workshop ws = {0};
		ws.enterprise_id = e.id;
		snprintf(ws.code, sizeof ws.code, "%s", w[i].code);
		snprintf(ws.name, sizeof ws.name, "%s", w[i].name);
		rc = store_workshop_add(db, all, &ws);
	}
	store_workshop *wl = NULL;
	size_t nwl = 0;
	if (!rc)
		rc = store_workshop_list(db, all, 0, &wl, &nwl);
	for (size_t i = 0; i < nm && !rc; i++) {
		store_enterprise e;
		if ((rc = store_enterprise_by_code(db, all, m[i].enterprise, &e)))
			break;
		store_machine mm = {0};
		mm.enterprise_id = e.id;
		for (size_t k = 0; k < nwl; k++)
			if (wl[k].enterprise_id == e.id && strcmp(wl[k].code, m[i].workshop) == 0)
				mm.workshop_id = wl[k].id;
		snprintf(mm.code, sizeof mm.code, "%s", m[i].code);
		snprintf(mm.kind, sizeof mm.kind, "%s", m[i].kind);
		mm.gauge = m[i].gauge;
		mm.cycle_ms = m[i].cycle_ms;
		mm.counter_bits = m[i].counter_bits;
		rc = store_machine_add(db, all, &mm);
	}
	free(wl);
	if (!rc)
		rc = seed_analytics(db, m, nm);
	if (!rc)
		rc = seed_user(db, "admin", "cluster_admin", 0, NULL);
	if (!rc)
		rc = seed_user(db, "assoc", "association", 0, NULL);
	if (rc)
		store_rollback(db);
	else
		rc = store_commit(db);
	if (!rc)
		rc = seed_sewn(db);
	if (!rc)
		rc = seed_quality(db);
	if (!rc)
		rc = seed_brand(db, cfg);
	sim_close(s);
	*seeded = !rc;
out:
	if (rc)
		log_error("demo: seeding failed: %s (%s)", gloved_strerror(rc), store_errmsg(db));
	store_close(db);
	return rc;
}

int cli__demo(int argc, char **argv)
{
	gloved_config cfg;
	int machines = 60;
	config_defaults(&cfg);
	int p = cli__parse_serve(argc, argv, &cfg, &machines);
	if (p)
		return p > 0 ? 0 : 2;
	if (strcmp(cfg.db_path, "gloved.db") == 0)
		snprintf(cfg.db_path, sizeof cfg.db_path, "demo-data/gloved.db");
	if (strncmp(cfg.db_path, "demo-data/", 10) == 0 && access("demo-data", F_OK) != 0) {
		if (system("mkdir -p demo-data") != 0) {
			fprintf(stderr, "gloved demo: cannot create demo-data/\n");
			return 1;
		}
	}
	if (ltime_set_zone(cfg.timezone) || secret_init()) {
		fprintf(stderr, "gloved demo: bad time zone or no randomness\n");
		return 1;
	}
	sim_options so;
	sim_options_default(&so);
	so.machines = machines;
	int seeded = 0;
	if (seed_demo(&cfg, &so, &seeded))
		return 1;
	cli__block_signals();
	cli_daemon d;
	if (cli__daemon_start(&cfg, &d))
		return 1;
	sim_thread *st = NULL;
	if (cfg.mqtt_enabled) {
		/* today's history first (only on a fresh database), then live */
		int64_t backfill = seeded ? ltime_day_start(ltime_now_ms()) : 0;
		if (sim_mqtt_start(&so, cfg.mqtt_host, (int)cfg.mqtt_port, backfill, &st))
			log_warn("demo: simulator did not start");
	}
	printf("\n  gloved demo is running: %d simulated machines in 3 firms\n"
	       "  dashboard: http://%s/\n"
	       "  log in as: admin / %s   (cluster admin; firm admins: py01, gm01, jx01, same "
	       "password)\n"
	       "  the glove association (regional brand): assoc; jx01's inspector: jx01-qc\n"
	       "  phone scan page: /scan.html (worker w097 of jx01, same password)\n"
	       "  a brand label to scan: /v/<serial> (the labels on the 品牌 page)\n"
	       "  database:  %s\n"
	       "  stop with Ctrl-C\n\n",
	       machines, cfg.listen, DEMO_PASSWORD, cfg.db_path);
	fflush(stdout);
	cli__wait_for_signal();
	sim_mqtt_stop(st);
	cli__daemon_stop(&d);
	return 0;
}
