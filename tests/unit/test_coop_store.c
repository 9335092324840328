/* SPDX-License-Identifier: Apache-2.0 */
/* test_coop_store.c: the coop capability of the store (store/coop.h) on
 * both backends (without arguments SQLite, with --pg PostgreSQL:
 * store_pg_test.h), beside test_store.c's test_coop_scope. Profiles are
 * listed only for firms that share their capacity; cooperative orders
 * list newest first to the lead, the firms with a part and (the
 * association's own) the aggregates readers; a duplicate code is refused
 * and leaves a transaction usable; the open count leaves out finished
 * orders and keeps to a town or a firm; parts replace, list by order or by
 * firm, are found by their production order and are cleared by status;
 * proposals replace; designs update and list by firm and code in byte
 * order; files keep every byte (zeros, a large one, an empty one) and
 * number themselves; a licence asked again keeps its id; uses count and
 * list by owner, user and month; a style's design replaces; an enquiry
 * keeps its token hash; routes replace and list; town pages replace.
 * Refused writes (unknown rows they name) answer GLOVED_EEXIST on both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define STORE_RAW_TEST_NAME "coop-store"
#include "store_raw_test.h"

/* ---- profiles ---- */

static void test_profiles(void **state)
{
	store *db = *state;
	int64_t a = add_firm(db, "JX01", "嘉祥"), b = add_firm(db, "JX02", "嘉祥"),
		c = add_firm(db, "PY01", "平邑");
	int64_t ents[3] = {c, a, b};
	for (int i = 0; i < 3; i++) {
		store_coop_profile x = {.enterprise_id = ents[i], .updated_ms = i};
		snprintf(x.body, sizeof x.body, "{\"n\":%d}", i);
		snprintf(x.by, sizeof x.by, "admin");
		assert_int_equal(store_coop_profile_put(db, &x), 0);
	}
	store_coop_profile x = {.enterprise_id = a, .updated_ms = 9};
	snprintf(x.body, sizeof x.body, "{\"n\":9}");
	assert_int_equal(store_coop_profile_put(db, &x), 0);
	store_coop_profile bad = {.enterprise_id = c + 100};
	assert_int_equal(store_coop_profile_put(db, &bad), GLOVED_EEXIST);
	store_coop_profile g;
	assert_int_equal(store_coop_profile_get(db, a, &g), 0);
	assert_string_equal(g.body, "{\"n\":9}");
	assert_int_equal(g.updated_ms, 9);
	assert_string_equal(g.by, "");
	assert_int_equal(store_coop_profile_get(db, c + 100, &g), GLOVED_ENOTFOUND);
	/* only firms sharing their capacity */
	store_share sh = {.enterprise_id = c, .capacity = 1};
	assert_int_equal(store_share_put(db, &sh), 0);
	sh.enterprise_id = a;
	assert_int_equal(store_share_put(db, &sh), 0);
	sh.enterprise_id = b;
	sh.capacity = 0;
	sh.catalogue = 1;
	assert_int_equal(store_share_put(db, &sh), 0);
	store_coop_profile *v = NULL;
	size_t n = 0;
	assert_int_equal(store_coop_profile_list(db, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].enterprise_id, a);
	assert_int_equal(v[1].enterprise_id, c);
	assert_string_equal(v[1].body, "{\"n\":0}");
	free(v);
}

/* ---- cooperative orders, parts, proposals ---- */

static store_coop_order order(const char *code, int64_t lead, int64_t pairs)
{
	store_coop_order o;
	memset(&o, 0, sizeof o);
	snprintf(o.code, sizeof o.code, "%s", code);
	o.lead_id = lead;
	o.pairs = pairs;
	snprintf(o.buyer, sizeof o.buyer, "buyer of %s", code);
	snprintf(o.need, sizeof o.need, "{\"family\":\"knit\"}");
	snprintf(o.status, sizeof o.status, "open");
	o.due_day = 20500;
	o.price_fen = 1234;
	o.min_quality_pm = 950;
	o.max_partners = 3;
	o.created_ms = 42;
	return o;
}

static store_coop_part part(int64_t order_id, int64_t ent, const char *status, int64_t pairs)
{
	store_coop_part p;
	memset(&p, 0, sizeof p);
	p.order_id = order_id;
	p.enterprise_id = ent;
	p.pairs = pairs;
	for (int k = 0; k < COOP_PART_WEEKS; k++)
		p.weeks[k] = pairs / COOP_PART_WEEKS + k;
	p.week0_day = 20400;
	snprintf(p.status, sizeof p.status, "%s", status);
	return p;
}

static void test_orders_and_parts(void **state)
{
	store *db = *state;
	int64_t a = add_firm(db, "JX01", "嘉祥"), b = add_firm(db, "JX02", "嘉祥"),
		c = add_firm(db, "PY01", "平邑");
	store_coop_order o1 = order("O1", a, 1000), o2 = order("O2", 0, 2000),
			 o3 = order("O3", b, 3000);
	assert_int_equal(store_coop_order_add(db, &o1), 0);
	assert_int_equal(store_coop_order_add(db, &o2), 0);
	assert_int_equal(store_coop_order_add(db, &o3), 0);
	assert_true(o1.id < o2.id && o2.id < o3.id);
	/* a duplicate code; in a transaction that stays usable */
	store_coop_order o4 = order("O4", c, 4000), dup = order("O1", c, 1);
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_coop_order_add(db, &dup), GLOVED_EEXIST);
	assert_int_equal(store_coop_order_add(db, &o4), 0);
	assert_int_equal(store_commit(db), 0);

	store_coop_part p1 = part(o1.id, b, "offered", 600);
	p1.prod_order_id = 77;
	store_coop_part p2 = part(o2.id, c, "proposed", 500), p3 = part(o2.id, a, "accepted", 700),
			p4 = part(o3.id, a, "proposed", 800);
	assert_int_equal(store_coop_part_put(db, &p1), 0);
	assert_int_equal(store_coop_part_put(db, &p2), 0);
	assert_int_equal(store_coop_part_put(db, &p3), 0);
	assert_int_equal(store_coop_part_put(db, &p4), 0);
	store_coop_part bad = part(o4.id + 100, a, "proposed", 1);
	assert_int_equal(store_coop_part_put(db, &bad), GLOVED_EEXIST);

	store_coop_order *v = NULL;
	size_t n = 0;
	assert_int_equal(store_coop_order_list(db, (store_scope){0}, &v, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(v[0].id, o4.id);
	assert_int_equal(v[3].id, o1.id);
	assert_string_equal(v[3].buyer, "buyer of O1");
	assert_string_equal(v[3].need, "{\"family\":\"knit\"}");
	assert_int_equal(v[3].price_fen, 1234);
	assert_int_equal(v[3].min_quality_pm, 950);
	assert_int_equal(v[3].max_partners, 3);
	assert_int_equal(v[3].due_day, 20500);
	assert_int_equal(v[3].created_ms, 42);
	free(v);
	/* a: leads O1, has parts in O2 and O3 */
	assert_int_equal(store_coop_order_list(db, firm_scope(a), &v, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].id, o3.id);
	assert_int_equal(v[1].id, o2.id);
	assert_int_equal(v[2].id, o1.id);
	free(v);
	assert_int_equal(store_coop_order_list(db, firm_scope(c), &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, o4.id);
	assert_int_equal(v[1].id, o2.id);
	free(v);
	store_scope agg = {.aggregates = 1};
	assert_int_equal(store_coop_order_list(db, agg, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, o2.id);
	free(v);
	store_coop_order g;
	assert_int_equal(store_coop_order_get(db, firm_scope(b), 0, "O1", &g), 0);
	assert_int_equal(g.id, o1.id);
	assert_int_equal(store_coop_order_get(db, firm_scope(c), 0, "O1", &g), GLOVED_ENOTFOUND);
	assert_int_equal(store_coop_order_get(db, agg, o2.id, NULL, &g), 0);
	assert_int_equal(store_coop_order_get(db, (store_scope){0}, 0, "O9", &g), GLOVED_ENOTFOUND);
	assert_int_equal(store_coop_order_get(db, (store_scope){0}, 0, NULL, &g), GLOVED_ENOTFOUND);

	/* the open count: not done or cancelled */
	assert_int_equal(store_coop_order_set_status(db, o1.id, "done"), 0);
	assert_int_equal(store_coop_order_get(db, (store_scope){0}, o1.id, NULL, &g), 0);
	assert_string_equal(g.status, "done");
	int64_t no = 0, np = 0;
	assert_int_equal(store_coop_open_count(db, agg, &no, &np), 0);
	assert_int_equal(no, 3);
	assert_int_equal(np, 9000);
	/* 平邑: O4 led by c, O2 with c's part */
	assert_int_equal(store_coop_open_count(db, town_scope("平邑"), &no, &np), 0);
	assert_int_equal(no, 2);
	assert_int_equal(np, 6000);
	assert_int_equal(store_coop_open_count(db, firm_scope(b), &no, &np), 0);
	assert_int_equal(no, 1);
	assert_int_equal(np, 3000);
	assert_int_equal(store_coop_open_count(db, town_scope("高密"), &no, &np), 0);
	assert_int_equal(no, 0);
	assert_int_equal(np, 0);

	/* parts */
	store_coop_part pg;
	assert_int_equal(store_coop_part_get(db, o1.id, b, &pg), 0);
	assert_string_equal(pg.status, "offered");
	assert_int_equal(pg.pairs, 600);
	assert_int_equal(pg.week0_day, 20400);
	for (int k = 0; k < COOP_PART_WEEKS; k++)
		assert_int_equal(pg.weeks[k], 50 + k);
	assert_int_equal(store_coop_part_get(db, o1.id, c, &pg), GLOVED_ENOTFOUND);
	p1.shipped = 600;
	snprintf(p1.status, sizeof p1.status, "accepted");
	snprintf(p1.reason, sizeof p1.reason, "on time");
	snprintf(p1.by, sizeof p1.by, "lead");
	p1.updated_ms = 5;
	p1.weeks[0] = -1;
	assert_int_equal(store_coop_part_put(db, &p1), 0);
	assert_int_equal(store_coop_part_of_prod(db, 77, &pg), 0);
	assert_int_equal(pg.order_id, o1.id);
	assert_int_equal(pg.enterprise_id, b);
	assert_int_equal(pg.shipped, 600);
	assert_int_equal(pg.weeks[0], -1);
	assert_string_equal(pg.reason, "on time");
	assert_string_equal(pg.by, "lead");
	assert_int_equal(pg.updated_ms, 5);
	assert_int_equal(store_coop_part_of_prod(db, 78, &pg), GLOVED_ENOTFOUND);
	assert_int_equal(store_coop_part_of_prod(db, 0, &pg), GLOVED_ENOTFOUND);
	store_coop_part *pv = NULL;
	assert_int_equal(store_coop_part_list(db, o2.id, 0, &pv, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(pv[0].enterprise_id, a);
	assert_int_equal(pv[1].enterprise_id, c);
	free(pv);
	assert_int_equal(store_coop_part_list(db, 0, a, &pv, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(pv[0].order_id, o3.id);
	assert_int_equal(pv[1].order_id, o2.id);
	free(pv);
	assert_int_equal(store_coop_part_list(db, o2.id, c, &pv, &n), 0);
	assert_int_equal(n, 1);
	free(pv);
	assert_int_equal(store_coop_part_list(db, 0, 0, &pv, &n), 0);
	assert_int_equal(n, 0);
	free(pv);
	assert_int_equal(store_coop_part_clear(db, o2.id, "proposed"), 0);
	assert_int_equal(store_coop_part_list(db, o2.id, 0, &pv, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pv[0].enterprise_id, a);
	free(pv);

	/* the solver's proposal */
	store_coop_proposal pr = {.order_id = o2.id, .created_ms = 1};
	snprintf(pr.body, sizeof pr.body, "{\"status\":\"optimal\"}");
	assert_int_equal(store_coop_proposal_put(db, &pr), 0);
	pr.created_ms = 2;
	snprintf(pr.body, sizeof pr.body, "{\"status\":\"feasible\"}");
	assert_int_equal(store_coop_proposal_put(db, &pr), 0);
	store_coop_proposal prg;
	assert_int_equal(store_coop_proposal_get(db, o2.id, &prg), 0);
	assert_string_equal(prg.body, "{\"status\":\"feasible\"}");
	assert_int_equal(prg.created_ms, 2);
	assert_int_equal(store_coop_proposal_get(db, o1.id, &prg), GLOVED_ENOTFOUND);
	pr.order_id = o4.id + 100;
	assert_int_equal(store_coop_proposal_put(db, &pr), GLOVED_EEXIST);
}

/* ---- designs, files, licences, uses ---- */

static store_design design(int64_t ent, const char *code, const char *terms)
{
	store_design d;
	memset(&d, 0, sizeof d);
	d.enterprise_id = ent;
	snprintf(d.code, sizeof d.code, "%s", code);
	snprintf(d.name, sizeof d.name, "design %s", code);
	snprintf(d.category, sizeof d.category, "work");
	snprintf(d.family, sizeof d.family, "knit");
	snprintf(d.body, sizeof d.body, "{\"ops\":[]}");
	snprintf(d.terms, sizeof d.terms, "%s", terms);
	snprintf(d.fee_kind, sizeof d.fee_kind, "per_dozen");
	d.fee_fen = 50;
	d.created_ms = d.updated_ms = 7;
	return d;
}

/* Two styles of firm 1 (the style_design rows need them). */
static const char styles_sql[] =
    "INSERT INTO style(id, enterprise_id, code, name, category, family, sizes) VALUES"
    " (1, 1, 'S1', 's', 'work', 'knit', 'M'), (2, 1, 'S2', 's', 'work', 'knit', 'M');";

static void test_designs(void **state)
{
	store *db = *state;
	int64_t a = add_firm(db, "JX01", "嘉祥"), b = add_firm(db, "JX02", "嘉祥");
	assert_int_equal(a, 1);
	store_design d[5] = {design(a, "b2", "private"), design(a, "B1", "cluster"),
			     design(b, "a1", "public"), design(b, "A0", "private"),
			     design(a, "c3", "public")};
	for (int i = 0; i < 5; i++)
		assert_int_equal(store_design_add(db, &d[i]), 0);
	store_design dup = design(a, "b2", "public");
	assert_int_equal(store_design_add(db, &dup), GLOVED_EEXIST);
	store_design other = design(b, "b2", "private");
	assert_int_equal(store_design_add(db, &other), 0);
	store_design *v = NULL;
	size_t n = 0;
	/* a: its own and b's cluster or public ones, by firm and code (bytes) */
	assert_int_equal(store_design_list(db, firm_scope(a), 0, &v, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].code, "B1");
	assert_string_equal(v[1].code, "b2");
	assert_string_equal(v[2].code, "c3");
	assert_string_equal(v[3].code, "a1");
	free(v);
	store_scope agg = {.aggregates = 1};
	assert_int_equal(store_design_list(db, agg, 0, &v, &n), 0);
	assert_int_equal(n, 3);
	free(v);
	assert_int_equal(store_design_list(db, firm_scope(a), 1, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].code, "c3");
	assert_string_equal(v[1].code, "a1");
	free(v);
	assert_int_equal(store_design_list(db, (store_scope){0}, 0, &v, &n), 0);
	assert_int_equal(n, 6);
	free(v);
	/* update: terms, fee, name and body */
	store_design u = d[0];
	snprintf(u.terms, sizeof u.terms, "public");
	snprintf(u.fee_kind, sizeof u.fee_kind, "flat");
	u.fee_fen = 100000;
	snprintf(u.name, sizeof u.name, "renamed");
	snprintf(u.body, sizeof u.body, "{\"ops\":[1]}");
	snprintf(u.code, sizeof u.code, "zz"); /* not updated */
	u.updated_ms = 8;
	snprintf(u.by, sizeof u.by, "owner");
	assert_int_equal(store_design_update(db, &u), 0);
	store_design g;
	assert_int_equal(store_design_get(db, d[0].id, &g), 0);
	assert_string_equal(g.code, "b2");
	assert_string_equal(g.terms, "public");
	assert_string_equal(g.fee_kind, "flat");
	assert_int_equal(g.fee_fen, 100000);
	assert_string_equal(g.name, "renamed");
	assert_string_equal(g.body, "{\"ops\":[1]}");
	assert_int_equal(g.created_ms, 7);
	assert_int_equal(g.updated_ms, 8);
	assert_string_equal(g.by, "owner");
	assert_string_equal(g.category, "work");
	assert_int_equal(store_design_get(db, other.id + 100, &g), GLOVED_ENOTFOUND);

	/* files: every byte, numbered 1, 2, 3 */
	unsigned char small[6] = {0, 1, 0xff, 0, '\\', 'x'};
	size_t big_n = 200000;
	unsigned char *big = malloc(big_n);
	assert_non_null(big);
	for (size_t i = 0; i < big_n; i++)
		big[i] = (unsigned char)((i * 131u) ^ (i >> 8));
	store_design_file f1 = {.design_id = d[1].id, .data = small, .size = sizeof small};
	snprintf(f1.kind, sizeof f1.kind, "image");
	snprintf(f1.name, sizeof f1.name, "front.png");
	snprintf(f1.mime, sizeof f1.mime, "image/png");
	store_design_file f2 = f1, f3 = f1;
	f2.data = big;
	f2.size = big_n;
	snprintf(f2.kind, sizeof f2.kind, "techpack");
	f3.data = small;
	f3.size = 0;
	assert_int_equal(store_design_file_add(db, &f1), 0);
	assert_int_equal(f1.no, 1);
	assert_int_equal(store_design_file_add(db, &f2), 0);
	assert_int_equal(f2.no, 2);
	assert_int_equal(store_design_file_add(db, &f3), 0);
	assert_int_equal(f3.no, 3);
	store_design_file other_f = f1;
	other_f.design_id = d[2].id;
	assert_int_equal(store_design_file_add(db, &other_f), 0);
	assert_int_equal(other_f.no, 1);
	store_design_file nodata = f1;
	nodata.data = NULL;
	nodata.size = 0;
	assert_int_equal(store_design_file_add(db, &nodata), GLOVED_EEXIST);
	store_design_file nodesign = f1;
	nodesign.design_id = other.id + 100;
	assert_int_equal(store_design_file_add(db, &nodesign), GLOVED_EEXIST);
	store_design_file fg;
	assert_int_equal(store_design_file_get(db, d[1].id, 1, &fg), 0);
	assert_int_equal(fg.size, sizeof small);
	assert_memory_equal(fg.data, small, sizeof small);
	assert_string_equal(fg.name, "front.png");
	assert_string_equal(fg.mime, "image/png");
	free(fg.data);
	assert_int_equal(store_design_file_get(db, d[1].id, 2, &fg), 0);
	assert_int_equal(fg.size, big_n);
	assert_memory_equal(fg.data, big, big_n);
	assert_string_equal(fg.kind, "techpack");
	free(fg.data);
	assert_int_equal(store_design_file_get(db, d[1].id, 3, &fg), 0);
	assert_int_equal(fg.size, 0);
	assert_non_null(fg.data);
	free(fg.data);
	assert_int_equal(store_design_file_get(db, d[1].id, 4, &fg), GLOVED_ENOTFOUND);
	assert_null(fg.data);
	store_design_file *fv = NULL;
	assert_int_equal(store_design_file_list(db, d[1].id, &fv, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(fv[0].no, 1);
	assert_int_equal(fv[0].size, sizeof small);
	assert_null(fv[0].data);
	assert_int_equal(fv[1].size, big_n);
	assert_int_equal(fv[2].no, 3);
	assert_int_equal(fv[2].size, 0);
	free(fv);
	free(big);

	/* licences: asked again keeps the id */
	store_design_licence l1 = {.design_id = d[2].id, .enterprise_id = a, .requested_ms = 1};
	snprintf(l1.status, sizeof l1.status, "requested");
	snprintf(l1.fee_kind, sizeof l1.fee_kind, "per_dozen");
	l1.fee_fen = 50;
	assert_int_equal(store_design_licence_put(db, &l1), 0);
	store_design_licence l2 = {.design_id = d[1].id, .enterprise_id = b, .requested_ms = 2};
	snprintf(l2.status, sizeof l2.status, "requested");
	assert_int_equal(store_design_licence_put(db, &l2), 0);
	assert_true(l2.id > l1.id);
	int64_t id1 = l1.id;
	l1.id = 0;
	snprintf(l1.status, sizeof l1.status, "granted");
	snprintf(l1.note, sizeof l1.note, "ok");
	l1.decided_ms = 3;
	assert_int_equal(store_design_licence_put(db, &l1), 0);
	assert_int_equal(l1.id, id1);
	store_design_licence lbad = {.design_id = other.id + 100, .enterprise_id = a};
	assert_int_equal(store_design_licence_put(db, &lbad), GLOVED_EEXIST);
	store_design_licence lg;
	assert_int_equal(store_design_licence_get(db, id1, 0, 0, &lg), 0);
	assert_string_equal(lg.status, "granted");
	assert_string_equal(lg.note, "ok");
	assert_int_equal(lg.decided_ms, 3);
	assert_int_equal(lg.fee_fen, 50);
	assert_int_equal(store_design_licence_get(db, 0, d[1].id, b, &lg), 0);
	assert_int_equal(lg.id, l2.id);
	assert_int_equal(store_design_licence_get(db, 0, d[1].id, a, &lg), GLOVED_ENOTFOUND);
	store_design_licence *lv = NULL;
	assert_int_equal(store_design_licence_list(db, 0, &lv, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(lv[0].id, l2.id);
	free(lv);
	/* a takes l1 and owns the design of l2 */
	assert_int_equal(store_design_licence_list(db, a, &lv, &n), 0);
	assert_int_equal(n, 2);
	free(lv);
	store_design_licence l3 = {.design_id = d[4].id, .enterprise_id = a};
	snprintf(l3.status, sizeof l3.status, "requested");
	assert_int_equal(store_design_licence_put(db, &l3), 0);
	assert_int_equal(store_design_licence_list(db, b, &lv, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(lv[0].id, l2.id);
	assert_int_equal(lv[1].id, id1);
	free(lv);

	/* uses and royalties */
	struct {
		int64_t design, licence, user;
		int32_t month;
		int64_t pairs;
	} uses[4] = {{d[2].id, id1, a, 202612, 120},
		     {d[1].id, l2.id, b, 202611, 240},
		     {d[2].id, id1, a, 202611, 12},
		     {d[1].id, l2.id, b, 202701, 24}};
	int64_t uid[4];
	for (int i = 0; i < 4; i++) {
		store_design_use x = {.design_id = uses[i].design,
				      .licence_id = uses[i].licence,
				      .enterprise_id = uses[i].user,
				      .order_id = 100 + i,
				      .pairs = uses[i].pairs,
				      .royalty_fen = uses[i].pairs * 50 / 12,
				      .month = uses[i].month,
				      .ts_ms = 1000 + i};
		assert_int_equal(store_design_use_add(db, &x), 0);
		uid[i] = x.id;
	}
	int64_t cnt = -1;
	assert_int_equal(store_design_use_count(db, id1, &cnt), 0);
	assert_int_equal(cnt, 2);
	assert_int_equal(store_design_use_count(db, l3.id, &cnt), 0);
	assert_int_equal(cnt, 0);
	store_design_use *uv = NULL;
	assert_int_equal(store_design_use_list(db, 0, 0, 202611, 202612, &uv, &n), 0);
	assert_int_equal(n, 3);
	/* by month, design, id */
	assert_int_equal(uv[0].id, d[1].id < d[2].id ? uid[1] : uid[2]);
	assert_int_equal(uv[2].id, uid[0]);
	assert_int_equal(uv[2].royalty_fen, 500);
	assert_int_equal(uv[2].order_id, 100);
	assert_int_equal(uv[2].ts_ms, 1000);
	free(uv);
	/* owned by b (design d[2]) */
	assert_int_equal(store_design_use_list(db, b, 0, 0, 999999, &uv, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(uv[0].id, uid[2]);
	assert_int_equal(uv[1].id, uid[0]);
	free(uv);
	/* made by b */
	assert_int_equal(store_design_use_list(db, 0, b, 0, 999999, &uv, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(uv[1].month, 202701);
	free(uv);
	assert_int_equal(store_design_use_list(db, a, a, 0, 999999, &uv, &n), 0);
	assert_int_equal(n, 0);
	free(uv);

	/* the design a style was made from */
	raw_exec(styles_sql);
	int64_t dg = 0, lgid = 0;
	assert_int_equal(store_style_design_get(db, 1, &dg, &lgid), GLOVED_ENOTFOUND);
	assert_int_equal(store_style_design_put(db, 1, d[2].id, id1), 0);
	assert_int_equal(store_style_design_put(db, 2, d[0].id, 0), 0);
	assert_int_equal(store_style_design_put(db, 1, d[4].id, l3.id), 0);
	assert_int_equal(store_style_design_get(db, 1, &dg, &lgid), 0);
	assert_int_equal(dg, d[4].id);
	assert_int_equal(lgid, l3.id);
	assert_int_equal(store_style_design_get(db, 2, &dg, &lgid), 0);
	assert_int_equal(dg, d[0].id);
	assert_int_equal(lgid, 0);
	assert_int_equal(store_style_design_put(db, 3, d[0].id, 0), GLOVED_EEXIST);
}

/* ---- enquiries and town pages ---- */

static void test_enquiries_and_towns(void **state)
{
	store *db = *state;
	int64_t a = add_firm(db, "JX01", "嘉祥"), b = add_firm(db, "JX02", "嘉祥");
	store_enquiry e1 = {.pairs = 12000, .due_day = 20600, .created_ms = 5};
	snprintf(e1.ref, sizeof e1.ref, "Q-1");
	for (int i = 0; i < 32; i++)
		e1.token_hash[i] = (unsigned char)(i * 37 % 256);
	e1.token_hash[3] = 0;
	snprintf(e1.buyer, sizeof e1.buyer, "Müller GmbH");
	snprintf(e1.contact, sizeof e1.contact, "m@example.com");
	snprintf(e1.product, sizeof e1.product, "knitted gloves, nitrile palm");
	snprintf(e1.family, sizeof e1.family, "knit");
	snprintf(e1.message, sizeof e1.message, "10'000 pairs; \"soon\"");
	snprintf(e1.lang, sizeof e1.lang, "de");
	assert_int_equal(store_enquiry_add(db, &e1), 0);
	store_enquiry e2 = e1;
	assert_int_equal(store_enquiry_add(db, &e2), GLOVED_EEXIST);
	snprintf(e2.ref, sizeof e2.ref, "Q-2");
	assert_int_equal(store_enquiry_add(db, &e2), 0);
	assert_true(e2.id > e1.id);
	store_enquiry g;
	assert_int_equal(store_enquiry_get(db, e1.id, NULL, &g), 0);
	assert_string_equal(g.ref, "Q-1");
	assert_memory_equal(g.token_hash, e1.token_hash, 32);
	assert_string_equal(g.buyer, "Müller GmbH");
	assert_string_equal(g.message, "10'000 pairs; \"soon\"");
	assert_int_equal(g.pairs, 12000);
	assert_int_equal(g.due_day, 20600);
	assert_int_equal(g.created_ms, 5);
	assert_int_equal(store_enquiry_get(db, 0, "Q-2", &g), 0);
	assert_int_equal(g.id, e2.id);
	assert_int_equal(store_enquiry_get(db, 0, "Q-3", &g), GLOVED_ENOTFOUND);
	assert_int_equal(store_enquiry_get(db, 0, NULL, &g), GLOVED_ENOTFOUND);

	store_enquiry_route r[3] = {{.enquiry_id = e1.id, .enterprise_id = b},
				    {.enquiry_id = e1.id, .enterprise_id = a},
				    {.enquiry_id = e2.id, .enterprise_id = a}};
	for (int i = 0; i < 3; i++) {
		snprintf(r[i].status, sizeof r[i].status, "new");
		assert_int_equal(store_enquiry_route_put(db, &r[i]), 0);
	}
	snprintf(r[1].status, sizeof r[1].status, "quoted");
	r[1].price_fen = 880;
	snprintf(r[1].answer, sizeof r[1].answer, "yes");
	r[1].answered_ms = 9;
	snprintf(r[1].by, sizeof r[1].by, "sales");
	assert_int_equal(store_enquiry_route_put(db, &r[1]), 0);
	store_enquiry_route bad = {.enquiry_id = e2.id + 100, .enterprise_id = a};
	assert_int_equal(store_enquiry_route_put(db, &bad), GLOVED_EEXIST);
	store_enquiry_route rg;
	assert_int_equal(store_enquiry_route_get(db, e1.id, a, &rg), 0);
	assert_string_equal(rg.status, "quoted");
	assert_int_equal(rg.price_fen, 880);
	assert_string_equal(rg.answer, "yes");
	assert_int_equal(rg.answered_ms, 9);
	assert_string_equal(rg.by, "sales");
	assert_int_equal(store_enquiry_route_get(db, e2.id, b, &rg), GLOVED_ENOTFOUND);
	store_enquiry_route *rv = NULL;
	size_t n = 0;
	assert_int_equal(store_enquiry_route_list(db, e1.id, 0, &rv, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rv[0].enterprise_id, a);
	assert_int_equal(rv[1].enterprise_id, b);
	free(rv);
	/* a firm's, newest enquiry first */
	assert_int_equal(store_enquiry_route_list(db, 0, a, &rv, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rv[0].enquiry_id, e2.id);
	assert_int_equal(rv[1].enquiry_id, e1.id);
	free(rv);
	assert_int_equal(store_enquiry_route_list(db, 0, 0, &rv, &n), 0);
	assert_int_equal(n, 0);
	free(rv);

	store_town_page t = {.updated_ms = 1};
	snprintf(t.town, sizeof t.town, "嘉祥");
	snprintf(t.body, sizeof t.body, "{\"intro_zh\":\"手套之乡\"}");
	assert_int_equal(store_town_page_put(db, &t), 0);
	t.updated_ms = 2;
	snprintf(t.body, sizeof t.body, "{\"intro_en\":\"gloves\"}");
	snprintf(t.by, sizeof t.by, "officer");
	assert_int_equal(store_town_page_put(db, &t), 0);
	store_town_page tg;
	assert_int_equal(store_town_page_get(db, "嘉祥", &tg), 0);
	assert_string_equal(tg.body, "{\"intro_en\":\"gloves\"}");
	assert_int_equal(tg.updated_ms, 2);
	assert_string_equal(tg.by, "officer");
	assert_int_equal(store_town_page_get(db, "平邑", &tg), GLOVED_ENOTFOUND);
	assert_int_equal(store_town_page_get(db, NULL, &tg), GLOVED_ENOTFOUND);
}

int main(int argc, char **argv)
{
	store_pg_test_mode(argc, argv);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_profiles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_orders_and_parts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_designs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_enquiries_and_towns, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
