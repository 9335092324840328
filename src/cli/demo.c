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
#include "app/cluster.h"
#include "app/coop.h"
#include "app/firmcal.h"
#include "app/quality.h"
#include "app/sewn.h"
#include "core/ticket.h"
#include "core/tz.h"
#include "sim/sim.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/label_sign.h"
#include "util/log.h"
#include "util/ltime.h"
#include "util/png.h"
#include "util/secret.h"
#include "util/techpack_pdf.h"

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

/* The worker login of the scan page (seed_sewn): JX01's first worker. */
static char demo_worker[33] = "";

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
	/* the firm's seeded workers (seed_analytics): their codes follow the
	 * machines, so the firm's first one depends on the simulation */
	store_worker *wl = NULL;
	size_t nwl = 0;
	if (!rc && !(rc = store_worker_list(db, all, e.id, &wl, &nwl)) && nwl == 0)
		rc = GLOVED_ENOTFOUND;
	if (!rc)
		snprintf(demo_worker, sizeof demo_worker, "%s", wl[0].code);
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
		/* workers of the sewing floor: the seeded JX01 workers */
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
				snprintf(q->worker, sizeof q->worker, "%s",
					 wl[(2 * ((i + (size_t)seq) % 12)) % nwl].code);
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
	free(wl);
	if (!rc) {
		rc = seed_user(db, demo_worker, "worker", e.id, demo_worker);
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

/* The cluster's own work: the bureau, a town officer for each town, the
 * year's statistics form and a year of filed monthly reports of every
 * firm (the last month with one firm late and one draft), the development
 * plan with its base year entered, the programme's projects and events,
 * and training: courses, sessions, enrolments and signed certificates of
 * JX01's first workers, with JX01 requiring the S01 certificate (flag). */
static int seed_cluster_tx(store *db, brand_key *key)
{
	store_scope all = {0};
	int64_t now = ltime_now_ms();
	int32_t today = demo_today(now);
	tz_date td = tz_civil_from_days(today);
	int32_t year = td.year, cur = td.year * 100 + td.month;
	cluster_actor a = {.name = "demo", .role = "cluster_admin", .now_ms = now};
	int rc = seed_user(db, "bureau", "bureau", 0, NULL);
	static const struct {
		const char *login, *town;
	} towns[] = {{"jx-town", "嘉祥"}, {"py-town", "平邑"}, {"gm-town", "高密"}};
	for (size_t i = 0; i < 3 && !rc; i++) {
		store_user u = {.enterprise_id = 0};
		snprintf(u.username, sizeof u.username, "%s", towns[i].login);
		snprintf(u.role, sizeof u.role, "town_officer");
		snprintf(u.town, sizeof u.town, "%s", towns[i].town);
		rc = secret_password_hash(DEMO_PASSWORD, u.pw_hash, sizeof u.pw_hash);
		if (!rc)
			rc = store_user_add(db, all, &u);
	}
	/* the forms of last year and this year: the default */
	stat_field f[STAT_FIELDS_MAX];
	size_t nf = cluster_form_default(f);
	buf b;
	buf_init(&b, 8000);
	if (!rc)
		rc = cluster_form_json(f, nf, &b);
	for (int32_t y = year - 1; y <= year && !rc; y++) {
		store_stat_form form = {.year = y, .created_ms = now};
		snprintf(form.fields, sizeof form.fields, "%s", b.data);
		snprintf(form.by, sizeof form.by, "bureau");
		rc = store_stat_form_add(db, &form);
	}
	buf_free(&b);
	store_enterprise *es = NULL;
	size_t ne = 0;
	if (!rc)
		rc = store_enterprise_list(db, all, &es, &ne);
	/* a year of reports: firm i's scale by its town and rank, growing a
	 * little each month, a winter peak for ski gloves */
	for (int k = 12; k >= 1 && !rc; k--) {
		int32_t m = cluster_month_add(cur, -k);
		for (size_t i = 0; i < ne && !rc; i++) {
			if (k == 1 && i == ne - 1)
				continue; /* late: nothing yet */
			int64_t scale = 600 + (int64_t)((i * 37) % 11) * 180 +
					(es[i].town[0] == '\xe5' ? 400 : 0);
			int64_t grow =
			    1000 + (12 - k) * 8 + ((m % 100) >= 10 || (m % 100) <= 1 ? 120 : 0);
			int64_t output = scale * grow / 1000 * 10; /* 万元, 1 decimal */
			int64_t sales = output * 95 / 100,
				exports = sales * (25 + (int64_t)(i % 4) * 10) / 100;
			int64_t employees = 40 + (int64_t)((i * 53) % 9) * 45;
			int64_t pairs =
			    output * 1000 / 10 * 10000 / 1000 / 18; /* ~1.8 yuan a pair */
			store_stat_report r = {
			    .enterprise_id = es[i].id, .month = m, .form_version = 1};
			const struct {
				const char *key;
				int64_t v;
				int measured;
			} vals[] = {
			    {"output_value", output, 0},
			    {"sales", sales, 0},
			    {"exports", exports, 0},
			    {"employees", employees, 0},
			    {"energy", pairs / 900, 0},
			    {"equipment_investment", (m % 100) % 4 == 0 ? scale / 4 * 10 : 0, 0},
			    {"pieces", pairs * 2, 1},
			    {"pairs", pairs, 1},
			    {"machine_hours", employees * 160 * 10, 1},
			    {"oee_pct", 6200 + (int64_t)(i % 5) * 350, 1},
			    {"machines", 3 + (int64_t)(i % 4), 1}};
			for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++) {
				snprintf(r.values[r.n_values].key, sizeof r.values[0].key, "%s",
					 vals[v].key);
				r.values[r.n_values].value = vals[v].v;
				r.values[r.n_values].measured = vals[v].measured;
				r.n_values++;
			}
			int draft = k == 1 && i == ne - 2;
			snprintf(r.status, sizeof r.status, "%s", draft ? "draft" : "filed");
			snprintf(r.size_class, sizeof r.size_class, "%s",
				 cluster_size_name(cluster_size_class(employees, sales * 12 / 10)));
			r.updated_ms = now;
			r.filed_ms = draft ? 0 : now - (int64_t)(k - 1) * 30 * 86400000LL;
			snprintf(r.by, sizeof r.by, "%s", es[i].code);
			rc = store_stat_report_put(db, all, &r);
		}
	}
	/* the plan */
	char plan[8192];
	int y0 = year - 1, y1 = year + 4;
	snprintf(
	    plan, sizeof plan,
	    "{\"title\":\"手套产业集群转型升级发展规划（%d—%d年）\",\"year0\":%d,\"year1\":%d,"
	    "\"indicators\":["
	    "{\"key\":\"output\",\"name_zh\":\"工业总产值\",\"name_en\":\"Gross output value\","
	    "\"unit\":\"万元\",\"decimals\":1,\"flow\":true,\"headline\":true,\"source\":"
	    "\"statistics\","
	    "\"metric\":\"output_value\",\"base\":{\"year\":%d,\"value\":2200000},"
	    "\"targets\":{\"%d\":2400000,\"%d\":2600000,\"%d\":2800000,\"%d\":3000000,\"%d\":"
	    "3200000}},"
	    "{\"key\":\"above_size\",\"name_zh\":\"规模以上企业\",\"name_en\":\"Firms above "
	    "designated "
	    "size\",\"unit\":\"家\",\"source\":\"statistics\",\"metric\":\"above_size_firms\","
	    "\"headline\":true,\"base\":{\"year\":%d,\"value\":9},\"targets\":{\"%d\":10,\"%d\":11,"
	    "\"%d\":12,\"%d\":12,\"%d\":12}},"
	    "{\"key\":\"online\",\"name_zh\":\"联网企业\",\"name_en\":\"Firms "
	    "online\",\"unit\":\"家\","
	    "\"source\":\"measured\",\"metric\":\"firms_online\",\"headline\":true,\"base\":{"
	    "\"year\":"
	    "%d,\"value\":3},\"targets\":{\"%d\":12,\"%d\":12,\"%d\":12,\"%d\":12,\"%d\":12}},"
	    "{\"key\":\"machines\",\"name_zh\":\"联网设备\",\"name_en\":\"Machines connected\","
	    "\"unit\":\"台\",\"source\":\"measured\",\"metric\":\"machines_connected\",\"base\":{"
	    "\"year\":"
	    "%d,\"value\":20},\"targets\":{\"%d\":60,\"%d\":80,\"%d\":100,\"%d\":120,\"%d\":150}},"
	    "{\"key\":\"digitisation\",\"name_zh\":\"数字化率\",\"name_en\":\"Digitisation rate\","
	    "\"unit\":\"%%\",\"decimals\":2,\"source\":\"measured\",\"metric\":\"digitisation_bp\","
	    "\"base\":{\"year\":%d,\"value\":2500},\"targets\":{\"%d\":9000,\"%d\":9500,\"%d\":"
	    "10000,"
	    "\"%d\":10000,\"%d\":10000}},"
	    "{\"key\":\"licensed\",\"name_zh\":\"品牌授权企业\",\"name_en\":\"Brand-licensed "
	    "firms\","
	    "\"unit\":\"家\",\"source\":\"measured\",\"metric\":\"licensed_firms\",\"headline\":"
	    "true,"
	    "\"base\":{\"year\":%d,\"value\":0},\"targets\":{\"%d\":3,\"%d\":5,\"%d\":7,\"%d\":9,"
	    "\"%d\":10}},"
	    "{\"key\":\"trained\",\"name_zh\":\"持证技能工人\",\"name_en\":\"Certified workers\","
	    "\"unit\":\"人\",\"flow\":true,\"source\":\"measured\",\"metric\":\"certified_"
	    "workers\","
	    "\"targets\":{\"%d\":20,\"%d\":40,\"%d\":60,\"%d\":80,\"%d\":100}},"
	    "{\"key\":\"exports_share\",\"name_zh\":\"出口占比\",\"name_en\":\"Exports share\","
	    "\"unit\":\"%%\",\"decimals\":2,\"source\":\"statistics\",\"metric\":\"exports_share_"
	    "bp\","
	    "\"targets\":{\"%d\":4000,\"%d\":4200,\"%d\":4400,\"%d\":4600,\"%d\":4800}},"
	    "{\"key\":\"energy\",\"name_zh\":\"万双综合能耗\",\"name_en\":\"Energy per 10,000 "
	    "pairs\","
	    "\"unit\":\"吨标准煤\",\"decimals\":2,\"down\":true,\"source\":\"statistics\","
	    "\"metric\":\"energy_per_10k_pairs\",\"base\":{\"year\":%d,\"value\":15},"
	    "\"targets\":{\"%d\":14,\"%d\":13,\"%d\":12,\"%d\":11,\"%d\":10}}]}",
	    y0, y1, y0, y1,                              /* title, period */
	    y0, y0 + 1, y0 + 2, y0 + 3, y0 + 4, y0 + 5,  /* output */
	    y0, y0 + 1, y0 + 2, y0 + 3, y0 + 4, y0 + 5,  /* above size */
	    y0, y0 + 1, y0 + 2, y0 + 3, y0 + 4, y0 + 5,  /* online */
	    y0, y0 + 1, y0 + 2, y0 + 3, y0 + 4, y0 + 5,  /* machines */
	    y0, y0 + 1, y0 + 2, y0 + 3, y0 + 4, y0 + 5,  /* digitisation */
	    y0, y0 + 1, y0 + 2, y0 + 3, y0 + 4, y0 + 5,  /* licensed */
	    y0 + 1, y0 + 2, y0 + 3, y0 + 4, y0 + 5,      /* trained */
	    y0 + 1, y0 + 2, y0 + 3, y0 + 4, y0 + 5,      /* exports share */
	    y0, y0 + 1, y0 + 2, y0 + 3, y0 + 4, y0 + 5); /* energy */
	plan_doc *pd = malloc(sizeof *pd);
	char msg[200];
	if (!rc && (!pd || cluster_plan_parse(plan, strlen(plan), pd, msg, sizeof msg))) {
		log_error("demo: the plan: %s", pd ? msg : "out of memory");
		rc = GLOVED_EINVAL;
	}
	free(pd);
	store_plan *p = rc ? NULL : calloc(1, sizeof *p);
	if (!rc && !p)
		rc = GLOVED_ENOMEM;
	if (!rc) {
		snprintf(p->body, sizeof p->body, "%s", plan);
		p->created_ms = now;
		snprintf(p->by, sizeof p->by, "bureau");
		rc = store_plan_add(db, p);
	}
	free(p);
	/* last year's actuals of the measured indicators, entered */
	const struct {
		const char *key;
		int64_t v;
	} acts[] = {{"online", 8},
		    {"machines", 45},
		    {"digitisation", 6700},
		    {"licensed", 2},
		    {"trained", 26}};
	for (size_t i = 0; i < sizeof acts / sizeof acts[0] && !rc; i++) {
		store_plan_actual x = {.year = year - 1, .value = acts[i].v, .updated_ms = now};
		snprintf(x.indicator, sizeof x.indicator, "%s", acts[i].key);
		snprintf(x.by, sizeof x.by, "bureau");
		rc = store_plan_actual_put(db, &x);
	}
	/* the programme */
	const struct {
		const char *kind, *line, *title, *body;
	} prog[] = {
	    {"project", "brand", "“嘉祥手套”区域公共品牌建设",
	     "{\"owner\":\"手套产业协会\",\"firms\":[\"JX01\",\"JX02\"],\"budget_wan\":300,"
	     "\"subsidy_wan\":120,\"kpis\":[\"licensed\"],\"milestones\":[\"品牌标准发布\","
	     "\"首批授权\"]}"},
	    {"project", "smart_cluster", "织造设备联网改造（万台机联网）",
	     "{\"owner\":\"县工信局\",\"firms\":[\"PY01\",\"PY02\",\"GM01\"],\"budget_wan\":800,"
	     "\"subsidy_wan\":240,\"kpis\":[\"machines\",\"digitisation\"]}"},
	    {"project", "design", "滑雪手套设计中心", "{\"owner\":\"JX01\",\"budget_wan\":150}"},
	    {"project", "talent", "缝制工技能提升行动",
	     "{\"owner\":\"手套产业协会\",\"budget_wan\":60,\"kpis\":[\"trained\"]}"},
	    {"project", "cooperation", "大订单协作接单平台",
	     "{\"owner\":\"手套产业协会\",\"budget_wan\":90}"},
	    {"event", "promotion", "特色小镇行·手套产业集群推介会",
	     "{\"owner\":\"县商务局\",\"date\":\"%d-09-18\",\"place\":\"嘉祥\",\"attendance\":"
	     "320}"},
	    {"event", "design", "手套设计创新大赛",
	     "{\"owner\":\"手套产业协会\",\"attendance\":86}"},
	    {"case", "smart_cluster", "平邑一号织造厂：联网后 OEE 提升 9 个百分点",
	     "{\"firm\":\"PY01\",\"summary\":\"120 台织机联网，停机原因上墙，班组考核按 OEE。\"}"},
	};
	for (size_t i = 0; i < sizeof prog / sizeof prog[0] && !rc; i++) {
		store_prog_item x = {.year = year, .updated_ms = now};
		snprintf(x.kind, sizeof x.kind, "%s", prog[i].kind);
		snprintf(x.line, sizeof x.line, "%s", prog[i].line);
		snprintf(x.title, sizeof x.title, "%s", prog[i].title);
		snprintf(x.body, sizeof x.body, prog[i].body, year);
		snprintf(x.by, sizeof x.by, "assoc");
		rc = store_prog_put(db, &x);
	}
	/* training */
	const struct {
		const char *code, *zh, *en, *cat, *op;
		int hours;
	} courses[] = {
	    {"SEW-S01", "合缝工序技能培训", "Seaming operation", "sewing", "S01", 16},
	    {"MNT-KNIT", "电脑横机维修", "Knitting machine maintenance", "maintenance", "", 24},
	    {"QC-AQL", "AQL 抽样检验", "AQL inspection", "quality", "", 12},
	    {"EC-XB", "跨境电商运营", "Cross-border e-commerce", "ecommerce", "", 20}};
	int64_t s01_session = 0;
	for (size_t i = 0; i < 4 && !rc; i++) {
		store_course c = {.hours = courses[i].hours};
		snprintf(c.code, sizeof c.code, "%s", courses[i].code);
		snprintf(c.name_zh, sizeof c.name_zh, "%s", courses[i].zh);
		snprintf(c.name_en, sizeof c.name_en, "%s", courses[i].en);
		snprintf(c.category, sizeof c.category, "%s", courses[i].cat);
		snprintf(c.operation, sizeof c.operation, "%s", courses[i].op);
		rc = store_course_add(db, &c);
		store_course_session ses = {.course_id = c.id,
					    .day0 = today - 30 + (int32_t)i * 7,
					    .day1 = today - 29 + (int32_t)i * 7,
					    .capacity = 30};
		snprintf(ses.trainer, sizeof ses.trainer, "%s", i == 0 ? "张秀英" : "李建国");
		snprintf(ses.place, sizeof ses.place, "嘉祥县职业中专");
		if (!rc)
			rc = store_course_session_add(db, &ses);
		if (i == 0)
			s01_session = ses.id;
	}
	store_enterprise jx;
	store_worker *wl = NULL;
	size_t nwl = 0;
	if (!rc && !store_enterprise_by_code(db, all, "JX01", &jx) &&
	    !(rc = store_worker_list(db, all, jx.id, &wl, &nwl))) {
		/* the first workers: enrolled, assessed, certified for S01 */
		for (size_t i = 0; i < nwl && i < 6 && !rc; i++) {
			store_enrolment e = {
			    .session_id = s01_session, .enterprise_id = jx.id, .score = -1};
			snprintf(e.worker, sizeof e.worker, "%s", wl[i].code);
			snprintf(e.worker_name, sizeof e.worker_name, "%s", wl[i].name);
			if ((rc = store_enrolment_add(db, all, &e)))
				break;
			e.attended_hours = 16;
			e.score = 70 + (int32_t)i * 4;
			e.passed = i != 4; /* one did not pass */
			if (e.passed && key) {
				cert_fields cf = {.level = 2 + (int)(i % 3)};
				char serial[LABEL_SERIAL_LEN + 1];
				label_serial_new(serial);
				snprintf(cf.serial, sizeof cf.serial, "C%s", serial);
				snprintf(cf.firm, sizeof cf.firm, "%s", jx.code);
				snprintf(cf.worker, sizeof cf.worker, "%s", e.worker);
				snprintf(cf.worker_name, sizeof cf.worker_name, "%s",
					 e.worker_name);
				snprintf(cf.course, sizeof cf.course, "SEW-S01");
				snprintf(cf.operation, sizeof cf.operation, "S01");
				tz_day_format(today - 29, cf.day);
				store_cert c = {.enterprise_id = jx.id,
						.level = cf.level,
						.day = today - 29,
						.created_ms = now};
				store_course co;
				if (cert_payload_make(&cf, c.payload, sizeof c.payload) ||
				    brand_key_sign(key, c.payload, c.sig, sizeof c.sig) ||
				    store_course_get(db, 0, "SEW-S01", &co)) {
					rc = GLOVED_EINVAL;
					break;
				}
				c.course_id = co.id;
				snprintf(c.serial, sizeof c.serial, "%s", cf.serial);
				snprintf(c.worker, sizeof c.worker, "%s", e.worker);
				snprintf(c.worker_name, sizeof c.worker_name, "%s", e.worker_name);
				snprintf(c.operation, sizeof c.operation, "S01");
				rc = store_cert_add(db, &c);
				snprintf(e.cert_serial, sizeof e.cert_serial, "%s", c.serial);
			}
			if (!rc)
				rc = store_enrolment_put(db, all, &e);
		}
		store_skill_rule rule = {.enterprise_id = jx.id};
		snprintf(rule.operation, sizeof rule.operation, "S01");
		snprintf(rule.mode, sizeof rule.mode, "flag");
		if (!rc)
			rc = store_skill_rule_put(db, all, &rule);
		store_share sh = {.enterprise_id = jx.id,
				  .capacity = 1,
				  .catalogue = 1,
				  .cases = 1,
				  .updated_ms = now};
		snprintf(sh.by, sizeof sh.by, "jx01");
		if (!rc)
			rc = store_share_put(db, &sh);
	}
	free(wl);
	free(es);
	if (!rc)
		rc = cluster_audit_tx(db, &a, 0, "demo.seed", "cluster", "",
				      "{\"reports\":\"a year\",\"plan\":1}");
	return rc;
}

static int seed_cluster(store *db, const gloved_config *cfg)
{
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
	rc = store_begin(db);
	rc = rc ? rc : store_end(db, seed_cluster_tx(db, key));
	brand_key_close(key);
	return rc;
}

/* An actor of the demo's seed, as the API would record it: the login (a
 * firm admin's is its firm's code in lower case) and its role. */
static void demo_actor(cluster_actor *a, const char *login, const char *role, int64_t now)
{
	memset(a, 0, sizeof *a);
	snprintf(a->name, sizeof a->name, "%s", login);
	for (char *c = a->name; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	snprintf(a->role, sizeof a->role, "%s", role);
	a->now_ms = now;
}

/* The design library of the demo: JX02's ski glove licensable in the
 * cluster per dozen (JX01 holds a licence), JX03's public work glove, and
 * the brand-licensed JX01's public catalogue; each with a picture and a
 * tech pack. */
#define DEMO_PIC 96
typedef struct demo_design {
	const char *owner, *code, *name, *category, *terms, *fee_kind;
	int64_t fee_fen;
	const char *description, *sizes, *materials, *ops, *routing;
	unsigned char glove[3], cuff[3];
} demo_design;

static const demo_design demo_designs[] = {
    {"JX02",
     "D-SKI-01",
     "雪山系列防水滑雪手套",
     "ski",
     "cluster",
     "per_dozen",
     120,
     "三层防水透气，分指内胆",
     "7,8,9,10",
     "涤纶, TPU 防水膜, 新雪丽棉",
     "[{\"code\":\"S01\",\"name\":\"合缝\",\"smv_c\":300},{\"code\":\"S02\",\"name\":"
     "\"上拇指\",\"smv_c\":300},{\"code\":\"S04\",\"name\":\"上里布\",\"smv_c\":300}]",
     "S01 合缝 3.00 分钟, S02 上拇指 3.00 分钟, S04 上里布 3.00 分钟",
     {30, 80, 160},
     {20, 20, 30}},
    {"JX03",
     "D-WORK-01",
     "经典款皮革劳保手套",
     "work",
     "public",
     "none",
     0,
     "牛二层皮掌，耐磨",
     "M,L,XL",
     "牛皮, 棉布",
     "[{\"code\":\"S01\",\"name\":\"合缝\",\"smv_c\":400}]",
     "S01 合缝 4.00 分钟",
     {190, 140, 80},
     {235, 235, 225}},
    {"JX01",
     "D-JX-SKI-02",
     "童趣系列儿童滑雪手套",
     "ski",
     "public",
     "none",
     0,
     "防水面料，魔术贴腕口，适合 4 至 10 岁",
     "XS,S,M",
     "尼龙塔丝隆, PU 掌面, 抓绒内里",
     "[{\"code\":\"S01\",\"name\":\"合缝\",\"smv_c\":280},{\"code\":\"S02\",\"name\":"
     "\"上拇指\",\"smv_c\":260},{\"code\":\"S04\",\"name\":\"上里布\",\"smv_c\":300}]",
     "S01 合缝 2.80 分钟, S02 上拇指 2.60 分钟, S04 上里布 3.00 分钟",
     {200, 40, 50},
     {245, 245, 245}},
    {"JX01",
     "D-JX-CYC-01",
     "竞速系列骑行半指手套",
     "sports",
     "public",
     "none",
     0,
     "透气莱卡手背，硅胶防滑掌",
     "S,M,L,XL",
     "莱卡, 超纤皮, 硅胶",
     "[{\"code\":\"S01\",\"name\":\"合缝\",\"smv_c\":240},{\"code\":\"S02\",\"name\":"
     "\"上拇指\",\"smv_c\":200}]",
     "S01 合缝 2.40 分钟, S02 上拇指 2.00 分钟",
     {20, 150, 110},
     {40, 40, 40}},
};

/* A design's picture: a glove (four fingers, thumb, palm, cuff) on a
 * light background, DEMO_PIC pixels square, as a PNG. */
static int demo_picture(const demo_design *dd, buf *out)
{
	static const unsigned char bg[3] = {244, 246, 250};
	unsigned char *px = malloc(DEMO_PIC * DEMO_PIC * 3);
	if (!px)
		return GLOVED_ENOMEM;
	for (int y = 0; y < DEMO_PIC; y++)
		for (int x = 0; x < DEMO_PIC; x++) {
			int finger = y >= 12 && y < 36 && x >= 28 && x < 68 && (x - 28) % 10 < 8;
			int thumb = y >= 42 && y < 62 && x >= 14 && x < 28;
			int palm = y >= 34 && y < 74 && x >= 28 && x < 68;
			int cuff = y >= 74 && y < 88 && x >= 26 && x < 70;
			const unsigned char *c = cuff                      ? dd->cuff
						 : finger || thumb || palm ? dd->glove
									   : bg;
			memcpy(px + ((size_t)y * DEMO_PIC + (size_t)x) * 3, c, 3);
		}
	int rc = png_rgb(px, DEMO_PIC, DEMO_PIC, out);
	free(px);
	return rc;
}

/* One file of design d, audited as the API's design.file is. */
static int seed_design_file(store *db, const cluster_actor *a, const store_design *d,
			    const char *kind, const char *name, const char *mime, const buf *b)
{
	store_design_file f = {
	    .design_id = d->id, .data = (unsigned char *)b->data, .size = b->len};
	snprintf(f.kind, sizeof f.kind, "%s", kind);
	snprintf(f.name, sizeof f.name, "%s", name);
	snprintf(f.mime, sizeof f.mime, "%s", mime);
	int rc = store_design_file_add(db, &f);
	char after[160];
	snprintf(after, sizeof after, "%s %s %zu bytes", f.kind, f.name, f.size);
	return rc ? rc
		  : cluster_audit_tx(db, a, d->enterprise_id, "design.file", d->code, "", after);
}

/* Design dd of firm ent (firm_name) added with its picture and tech pack,
 * each audited as the API's design.add and design.file are; *id. */
static int seed_design(store *db, const demo_design *dd, int64_t ent, const char *firm_name,
		       int64_t now, int64_t *id)
{
	store_design *d = calloc(1, sizeof *d);
	if (!d)
		return GLOVED_ENOMEM;
	cluster_actor a;
	demo_actor(&a, dd->owner, "enterprise_admin", now);
	d->enterprise_id = ent;
	d->created_ms = d->updated_ms = now;
	snprintf(d->code, sizeof d->code, "%s", dd->code);
	snprintf(d->name, sizeof d->name, "%s", dd->name);
	snprintf(d->category, sizeof d->category, "%s", dd->category);
	snprintf(d->family, sizeof d->family, "sewn");
	snprintf(d->terms, sizeof d->terms, "%s", dd->terms);
	snprintf(d->fee_kind, sizeof d->fee_kind, "%s", dd->fee_kind);
	d->fee_fen = dd->fee_fen;
	snprintf(d->by, sizeof d->by, "%s", a.name);
	snprintf(d->body, sizeof d->body,
		 "{\"description\":\"%s\",\"sizes\":\"%s\",\"materials\":\"%s\",\"ops\":%s}",
		 dd->description, dd->sizes, dd->materials, dd->ops);
	int rc = store_design_add(db, d);
	char after[64], name[96];
	snprintf(after, sizeof after, "%s %s", d->terms, d->fee_kind);
	if (!rc)
		rc = cluster_audit_tx(db, &a, ent, "design.add", d->code, "", after);
	buf b;
	buf_init(&b, 0);
	if (!rc)
		rc = demo_picture(dd, &b);
	snprintf(name, sizeof name, "%s.png", dd->code);
	if (!rc)
		rc = seed_design_file(db, &a, d, "image", name, "image/png", &b);
	buf_reset(&b);
	const techpack_row rows[] = {
	    {"类别 Category", dd->category},   {"尺码 Sizes", dd->sizes},
	    {"材料 Materials", dd->materials}, {"说明 Description", dd->description},
	    {"工序 Routing", dd->routing},     {"条款 Terms", dd->terms},
	};
	techpack tp = {.code = dd->code,
		       .name = dd->name,
		       .firm = firm_name,
		       .rows = rows,
		       .n_rows = sizeof rows / sizeof rows[0]};
	if (!rc)
		rc = techpack_pdf(&tp, &b);
	snprintf(name, sizeof name, "%s-techpack.pdf", dd->code);
	if (!rc)
		rc = seed_design_file(db, &a, d, "techpack", name, "application/pdf", &b);
	buf_free(&b);
	*id = d->id;
	free(d);
	return rc;
}

/* Firms working together: JX01..JX04 share their capacity and publish
 * their capabilities (sewn, with operators, prices and certifications),
 * PY01 and GM01 theirs (knitted, dipped); the towns' portal pages; the
 * design library (demo_designs: JX02 licenses a ski glove per dozen, JX01
 * holds the licence; JX03 publishes a work glove; JX01, the brand-licensed
 * firm, its public catalogue); and JX01's cooperative order CO-2026-01 of
 * 220,000 pairs, split by the solver across the four sewing firms (each
 * has the order's style CO-SKI) and offered, with JX02 and JX03 having
 * accepted (their production orders made). Each action is audited as the
 * API audits it (the same action, target and figures, by the login that
 * would have done it), so the audit log holds the demo's history. */
static int seed_coop_tx(store *db, store_coop_order *co)
{
	store_scope all = {0};
	int64_t now = ltime_now_ms();
	int32_t today = demo_today(now);
	cluster_actor a = {.name = "jx01", .role = "enterprise_admin", .now_ms = now};
	static const struct {
		const char *code, *body;
		int cases;
	} firms[] = {
	    {"JX01",
	     "{\"families\":[\"sewn\"],\"operations\":[\"S01\",\"S02\",\"S04\"],"
	     "\"certifications\":[\"EN388\",\"EN511\",\"ISO9001\"],\"operators\":40,"
	     "\"efficiency_pm\":600,\"smv_c\":900,\"price_fen\":3200,\"min_order_pairs\":2000}",
	     1},
	    {"JX02",
	     "{\"families\":[\"sewn\"],\"operations\":[\"S01\",\"S02\",\"S04\"],"
	     "\"certifications\":[\"EN388\",\"BSCI\"],\"operators\":30,\"efficiency_pm\":550,"
	     "\"smv_c\":900,\"price_fen\":3000,\"min_order_pairs\":2000}",
	     0},
	    {"JX03",
	     "{\"families\":[\"sewn\"],\"operations\":[\"S01\",\"S02\",\"S04\"],"
	     "\"certifications\":[\"EN388\"],\"operators\":25,\"efficiency_pm\":550,"
	     "\"smv_c\":900,\"price_fen\":2900,\"min_order_pairs\":1000}",
	     0},
	    {"JX04",
	     "{\"families\":[\"sewn\"],\"operations\":[\"S01\",\"S02\",\"S04\"],"
	     "\"certifications\":[\"EN388\"],\"operators\":20,\"efficiency_pm\":500,"
	     "\"smv_c\":900,\"price_fen\":3100,\"min_order_pairs\":1000}",
	     0},
	    {"PY01",
	     "{\"families\":[\"knitted\"],\"gauges\":[13,15],\"certifications\":[\"EN388\"],"
	     "\"price_fen\":600,\"min_order_pairs\":10000}",
	     1},
	    {"GM01",
	     "{\"families\":[\"knitted\",\"dipped\"],\"gauges\":[13],\"compounds\":"
	     "[\"nitrile\",\"latex\"],\"certifications\":[\"EN388\",\"EN374\"],"
	     "\"price_fen\":900,\"min_order_pairs\":10000}",
	     0},
	};
	int rc = 0;
	store_enterprise e[6];
	memset(e, 0, sizeof e);
	for (size_t i = 0; i < 6 && !rc; i++) {
		if (store_enterprise_by_code(db, all, firms[i].code, &e[i]))
			continue; /* not in this simulation */
		coop_profile prof;
		char msg[200];
		store_coop_profile sp = {.enterprise_id = e[i].id, .updated_ms = now};
		rc = coop_profile_parse(firms[i].body, strlen(firms[i].body), &prof, msg,
					sizeof msg);
		if (!rc)
			rc = coop_profile_json(&prof, sp.body, sizeof sp.body);
		/* audited as the API's coop.profile and share.update are, by the
		 * firm's admin */
		cluster_actor fa;
		demo_actor(&fa, firms[i].code, "enterprise_admin", now);
		snprintf(sp.by, sizeof sp.by, "%s", fa.name);
		if (!rc)
			rc = store_coop_profile_put(db, &sp);
		if (!rc)
			rc = cluster_audit_tx(db, &fa, e[i].id, "coop.profile", "profile", "",
					      sp.body);
		store_share old = {.enterprise_id = e[i].id};
		char before[128] = "", after[128];
		if (!rc && !store_share_get(db, e[i].id, &old))
			cluster_share_json(&old, before, sizeof before);
		store_share sh = {.enterprise_id = e[i].id,
				  .capacity = 1,
				  .catalogue = 1,
				  .cases = firms[i].cases,
				  .updated_ms = now};
		snprintf(sh.by, sizeof sh.by, "%s", fa.name);
		cluster_share_json(&sh, after, sizeof after);
		if (!rc)
			rc = store_share_put(db, &sh);
		if (!rc)
			rc = cluster_audit_tx(db, &fa, e[i].id, "share.update", "share", before,
					      after);
	}
	static const char *const towns[][2] = {
	    {"嘉祥",
	     "{\"intro_zh\":\"嘉祥县是全国重要的滑雪手套、运动手套生产出口基地，300 "
	     "家企业与 1500 家家庭作坊分工协作。\",\"intro_en\":\"Jiaxiang county makes "
	     "and exports ski and sports gloves: 300 firms and 1,500 household workshops work "
	     "together.\",\"products_zh\":\"滑雪手套、运动手套、骑行手套\",\"products_en\":"
	     "\"ski, sports and cycling gloves\"}"},
	    {"平邑", "{\"intro_zh\":\"平邑县针织劳保手套产业，数万台电脑手套机。\",\"intro_en\":"
		     "\"Pingyi county knits work gloves on tens of thousands of machines.\","
		     "\"products_zh\":\"针织手套、涂层手套\",\"products_en\":\"knitted and coated "
		     "gloves\"}"},
	    {"高密",
	     "{\"intro_zh\":\"高密市浸胶劳保手套，年产数十亿双。\",\"intro_en\":\"Gaomi "
	     "dips billions of work gloves a year.\",\"products_zh\":\"丁腈、乳胶浸胶手套\","
	     "\"products_en\":\"nitrile and latex dipped gloves\"}"},
	};
	for (size_t i = 0; i < 3 && !rc; i++) {
		store_town_page tp = {.updated_ms = now};
		snprintf(tp.town, sizeof tp.town, "%s", towns[i][0]);
		snprintf(tp.body, sizeof tp.body, "%s", towns[i][1]);
		snprintf(tp.by, sizeof tp.by, "assoc");
		rc = store_town_page_put(db, &tp);
		cluster_actor ta;
		demo_actor(&ta, "assoc", "association", now);
		if (!rc)
			rc = cluster_audit_tx(db, &ta, 0, "town.page", tp.town, "", "updated");
	}
	if (rc || !e[0].id || !e[1].id || !e[2].id || !e[3].id)
		return rc; /* the rest needs the four sewing firms */
	/* the design library */
	int64_t ski = 0;
	for (size_t i = 0; i < sizeof demo_designs / sizeof demo_designs[0] && !rc; i++) {
		const store_enterprise *owner = NULL;
		for (size_t k = 0; k < 4; k++)
			if (!strcmp(e[k].code, demo_designs[i].owner))
				owner = &e[k];
		int64_t id = 0;
		if (owner)
			rc = seed_design(db, &demo_designs[i], owner->id, owner->name, now, &id);
		if (i == 0)
			ski = id;
	}
	store_design_licence l = {.design_id = ski,
				  .enterprise_id = e[0].id,
				  .fee_fen = 120,
				  .requested_ms = now - 86400000,
				  .decided_ms = now};
	snprintf(l.status, sizeof l.status, "granted");
	snprintf(l.fee_kind, sizeof l.fee_kind, "per_dozen");
	snprintf(l.note, sizeof l.note, "协作订单 CO-2026-01");
	snprintf(l.by, sizeof l.by, "jx02");
	if (!rc)
		rc = store_design_licence_put(db, &l);
	/* audited as the API's request (by jx01) and grant (by jx02) are */
	cluster_actor la, oa;
	demo_actor(&la, "jx01", "enterprise_admin", l.requested_ms);
	demo_actor(&oa, "jx02", "enterprise_admin", now);
	if (!rc)
		rc = cluster_audit_tx(db, &la, e[0].id, "design.licence.request", "D-SKI-01", "",
				      "requested");
	if (!rc)
		rc = cluster_audit_tx(db, &oa, e[1].id, "design.licence.decide", "D-SKI-01",
				      "requested", "granted");
	/* JX01 makes the licensed design as its style and orders 1,200 pairs of
	 * it: the use and its royalty (100 dozen x 1.20 = 120.00 yuan) */
	store_style *ds = calloc(1, sizeof *ds);
	if (!ds)
		return GLOVED_ENOMEM;
	ds->enterprise_id = e[0].id;
	snprintf(ds->code, sizeof ds->code, "D-SKI-01");
	snprintf(ds->name, sizeof ds->name, "雪山系列防水滑雪手套");
	snprintf(ds->category, sizeof ds->category, "ski");
	snprintf(ds->family, sizeof ds->family, "sewn");
	snprintf(ds->sizes, sizeof ds->sizes, "7,8,9,10");
	ds->n_ops = 1;
	ds->ops[0].seq = 1;
	snprintf(ds->ops[0].code, sizeof ds->ops[0].code, "S01");
	snprintf(ds->ops[0].name, sizeof ds->ops[0].name, "合缝");
	ds->ops[0].smv_c = 300;
	ds->ops[0].rate_y4 = 1500;
	if (!rc)
		rc = store_style_add(db, all, ds);
	if (!rc)
		rc = store_style_design_put(db, ds->id, ski, l.id);
	if (!rc)
		rc = cluster_audit_tx(db, &a, e[0].id, "design.adopt", "D-SKI-01", "", ds->code);
	store_order po = {.enterprise_id = e[0].id,
			  .style_id = ds->id,
			  .due_day = today + 30,
			  .created_ms = now,
			  .n_lines = 1};
	free(ds);
	snprintf(po.code, sizeof po.code, "PO-D-SKI");
	snprintf(po.buyer, sizeof po.buyer, "Alpine Outfitters");
	snprintf(po.unit, sizeof po.unit, "pair");
	snprintf(po.status, sizeof po.status, "open");
	snprintf(po.lines[0].size, sizeof po.lines[0].size, "8");
	po.lines[0].pairs = 1200;
	if (!rc)
		rc = store_order_add(db, all, &po);
	if (!rc)
		rc = coop_order_royalty_tx(db, NULL, &po, now);
	/* a style for the cooperative order in each firm that may take a part
	 * (the lead JX01 too: the solver may give it one) */
	store_style *st = calloc(1, sizeof *st);
	if (!st)
		return GLOVED_ENOMEM;
	for (size_t i = 0; i < 4 && !rc; i++) {
		memset(st, 0, sizeof *st);
		st->enterprise_id = e[i].id;
		snprintf(st->code, sizeof st->code, "CO-SKI");
		snprintf(st->name, sizeof st->name, "协作款滑雪手套");
		snprintf(st->category, sizeof st->category, "ski");
		snprintf(st->family, sizeof st->family, "sewn");
		snprintf(st->sizes, sizeof st->sizes, "7,8,9,10");
		st->n_ops = 1;
		st->ops[0].seq = 1;
		snprintf(st->ops[0].code, sizeof st->ops[0].code, "S01");
		snprintf(st->ops[0].name, sizeof st->ops[0].name, "合缝");
		st->ops[0].smv_c = 900;
		st->ops[0].rate_y4 = 1500;
		rc = store_style_add(db, all, st);
	}
	/* the cooperative order, split, offered, two parts accepted */
	store_coop_order o = {.lead_id = e[0].id,
			      .pairs = 220000,
			      .due_day = today + 48,
			      .price_fen = 3300,
			      .max_partners = 4,
			      .created_ms = now};
	snprintf(o.code, sizeof o.code, "CO-2026-01");
	snprintf(o.buyer, sizeof o.buyer, "北欧滑雪品牌 Nordic Ski AB");
	snprintf(o.need, sizeof o.need,
		 "{\"family\":\"sewn\",\"operations\":[\"S01\",\"S02\"],\"certifications\":"
		 "[\"EN388\"],\"licensed\":false}");
	snprintf(o.style, sizeof o.style, "CO-SKI");
	snprintf(o.status, sizeof o.status, "open");
	snprintf(o.by, sizeof o.by, "jx01");
	free(st);
	if (!rc)
		rc = store_coop_order_add(db, &o);
	char posted[96];
	snprintf(posted, sizeof posted, "%lld pairs", (long long)o.pairs);
	if (!rc)
		rc = cluster_audit_tx(db, &a, o.lead_id, "coop.post", o.code, "", posted);
	*co = o;
	return rc;
}

/* The split (solved on the reads of db, outside a transaction), offered,
 * JX02's and JX03's parts accepted. */
static int seed_coop_split_tx(store *db, const store_coop_order *co, const coop_proposal_res *pr)
{
	store_scope all = {0};
	int64_t now = co->created_ms;
	cluster_actor a = {.name = "jx01", .role = "enterprise_admin", .now_ms = now};
	store_coop_order o = *co;
	int rc = coop_propose_tx(db, &a, &o, pr);
	if (!rc)
		rc = coop_offer_tx(db, &a, &o);
	snprintf(o.status, sizeof o.status, "offered");
	store_style *st = calloc(1, sizeof *st);
	if (!st)
		return GLOVED_ENOMEM;
	static const char *const partners[] = {"JX02", "JX03"};
	for (size_t i = 0; i < 2 && !rc; i++) {
		char msg[200];
		cluster_actor pa;
		demo_actor(&pa, partners[i], "enterprise_admin", now);
		store_enterprise e;
		store_coop_part part;
		if (store_enterprise_by_code(db, all, partners[i], &e) ||
		    store_coop_part_get(db, o.id, e.id, &part))
			continue; /* the solver gave this firm no part */
		if ((rc = store_style_get(db, all, e.id, "CO-SKI", 0, st)))
			break;
		rc = coop_answer_tx(db, &pa, &o, e.id, 1, st, NULL, msg, sizeof msg);
	}
	free(st);
	return rc;
}

static int seed_coop(store *db)
{
	store_coop_order o;
	memset(&o, 0, sizeof o);
	int rc = store_begin(db);
	if (!rc)
		rc = store_end(db, seed_coop_tx(db, &o));
	if (rc || !o.id)
		return rc;
	registry *reg = registry_new();
	firmcal_cache *cals = firmcal_cache_new(ltime_zone(), NULL);
	coop_proposal_res pr;
	memset(&pr, 0, sizeof pr);
	alloc_opts opts = {.seconds_per_phase = 10, .lp_bound = 1};
	cluster_actor a = {.name = "jx01", .role = "enterprise_admin", .now_ms = o.created_ms};
	rc = reg && cals ? registry_refresh(reg, db, 1) : GLOVED_ENOMEM;
	if (!rc)
		rc =
		    coop_propose_solve(db, reg, cals, &a, &o, demo_today(o.created_ms), &opts, &pr);
	if (!rc)
		rc = store_begin(db);
	if (!rc)
		rc = store_end(db, seed_coop_split_tx(db, &o, &pr));
	coop_proposal_free(&pr);
	firmcal_cache_free(cals);
	registry_free(reg);
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
	if (!rc)
		rc = seed_cluster(db, cfg);
	if (!rc)
		rc = seed_coop(db);
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
	so.firms = 12; /* four firms in each of the three towns */
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
	char demo_login[40] = "jx01's first worker";
	if (demo_worker[0]) {
		snprintf(demo_login, sizeof demo_login, "%s", demo_worker);
		for (char *c = demo_login; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
	}
	printf("\n  gloved demo is running: %d simulated machines in 12 firms of 3 towns\n"
	       "  dashboard: http://%s/\n"
	       "  log in as: admin / %s   (cluster admin; firm admins: py01, gm01, jx01, same "
	       "password)\n"
	       "  the glove association (regional brand): assoc; jx01's inspector: jx01-qc\n"
	       "  the county bureau (statistics, plan, cockpit /cockpit.html): bureau;\n"
	       "  town officers: jx-town, py-town, gm-town\n"
	       "  phone scan page: /scan.html (worker %s of jx01, same password)\n"
	       "  a brand label to scan: /v/<serial> (the labels on the 品牌 page)\n"
	       "  database:  %s\n"
	       "  stop with Ctrl-C\n\n",
	       machines, cfg.listen, DEMO_PASSWORD, demo_login, cfg.db_path);
	fflush(stdout);
	int rc = cli__wait_for_stop(&d);
	sim_mqtt_stop(st);
	cli__daemon_stop(&d);
	return rc ? 1 : 0;
}
