/* SPDX-License-Identifier: Apache-2.0 */
/* test_quality_store.c: the quality and brand capabilities of the store.
 * Tenant scope holds in every read (a firm's scope never sees another
 * firm's material lots, lots, inspections, tests, PDFs, labels or flags,
 * even by id); a bundle is in one lot at most and a refused lot leaves
 * nothing; a machine-day belongs to one lot; a lot's bundles, machines and
 * material lots, an inspection's classes and defects, cartons and the
 * switching state and history round trip in their documented order; a
 * label's scans count distinct networks once each and its first and last
 * scan; a flag is resolved once. Without arguments on real SQLite files in
 * a temporary directory; with --pg the quality tests run on the
 * PostgreSQL database of $GLOVED_TEST_PG (emptied before and after each
 * test, store_pg_test.h), where brand, not ported yet, must answer
 * GLOVED_ENOTSUP. */
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
#include "store_pg_test.h"
#include "util/err.h"

static char dir[64];
static char path[512];
static int64_t ent_a, ent_b, style_a, order_a, bundle1, bundle2, machine_a;

static void rm_db(void)
{
	static const char *const tails[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
		char p[600];
		snprintf(p, sizeof p, "%s%s", path, tails[i]);
		unlink(p);
	}
}

static int64_t add_firm(store *db, const char *code)
{
	store_enterprise e;
	memset(&e, 0, sizeof e);
	snprintf(e.code, sizeof e.code, "%s", code);
	snprintf(e.name, sizeof e.name, "firm %s", code);
	assert_int_equal(store_enterprise_add(db, (store_scope){0}, &e), GLOVED_OK);
	return e.id;
}

static int setup(void **state)
{
	if (pg_mode) {
		snprintf(path, sizeof path, "%s", pg_uri);
		if (store__pg_reset(pg_uri))
			return -1;
	} else {
		snprintf(dir, sizeof dir, "/tmp/gloved-test-quality-XXXXXX");
		if (!mkdtemp(dir))
			return -1;
		snprintf(path, sizeof path, "%s/q.db", dir);
	}
	store *db = NULL;
	store_options o = {0};
	if (store_open(path, STORE_WRITE, &o, &db))
		return -1;
	ent_a = add_firm(db, "QA");
	ent_b = add_firm(db, "QB");
	store_workshop w;
	memset(&w, 0, sizeof w);
	w.enterprise_id = ent_a;
	snprintf(w.code, sizeof w.code, "K");
	snprintf(w.name, sizeof w.name, "K");
	assert_int_equal(store_workshop_add(db, (store_scope){0}, &w), GLOVED_OK);
	store_machine m;
	memset(&m, 0, sizeof m);
	m.enterprise_id = ent_a;
	m.workshop_id = w.id;
	snprintf(m.code, sizeof m.code, "K1");
	snprintf(m.kind, sizeof m.kind, "knitting");
	m.counter_bits = 64;
	assert_int_equal(store_machine_add(db, (store_scope){0}, &m), GLOVED_OK);
	machine_a = m.id;
	store_style *st = calloc(1, sizeof *st);
	st->enterprise_id = ent_a;
	snprintf(st->code, sizeof st->code, "S1");
	snprintf(st->family, sizeof st->family, "sewn");
	st->n_ops = 1;
	snprintf(st->ops[0].code, sizeof st->ops[0].code, "O1");
	assert_int_equal(store_style_add(db, (store_scope){0}, st), GLOVED_OK);
	style_a = st->id;
	free(st);
	store_order *od = calloc(1, sizeof *od);
	od->enterprise_id = ent_a;
	od->style_id = style_a;
	snprintf(od->code, sizeof od->code, "PO1");
	snprintf(od->status, sizeof od->status, "released");
	assert_int_equal(store_order_add(db, (store_scope){0}, od), GLOVED_OK);
	order_a = od->id;
	free(od);
	int64_t cut;
	assert_int_equal(store_cut_add(db, order_a, ent_a, 10, 1000, &cut), GLOVED_OK);
	for (int i = 1; i <= 2; i++) {
		store_bundle b;
		memset(&b, 0, sizeof b);
		b.enterprise_id = ent_a;
		b.order_id = order_a;
		b.cut_id = cut;
		b.no = i;
		b.pairs = 10;
		snprintf(b.size, sizeof b.size, "8");
		assert_int_equal(store_bundle_add(db, &b), GLOVED_OK);
		if (i == 1)
			bundle1 = b.id;
		else
			bundle2 = b.id;
	}
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	if (pg_mode)
		return store__pg_reset(pg_uri) ? -1 : 0;
	rm_db();
	rmdir(dir);
	return 0;
}

static store_lot lot_of(const char *code)
{
	store_lot l;
	memset(&l, 0, sizeof l);
	l.enterprise_id = ent_a;
	l.style_id = style_a;
	l.order_id = order_a;
	snprintf(l.code, sizeof l.code, "%s", code);
	snprintf(l.source, sizeof l.source, "bundles");
	snprintf(l.status, sizeof l.status, "formed");
	l.pieces = 20;
	return l;
}

static void test_lots_in_scope_and_one_lot_per_bundle(void **state)
{
	store *db = *state;
	store_scope all = {0}, a = {.enterprise_id = ent_a}, b = {.enterprise_id = ent_b};
	store_material_lot m;
	memset(&m, 0, sizeof m);
	m.enterprise_id = ent_a;
	snprintf(m.code, sizeof m.code, "Y1");
	snprintf(m.kind, sizeof m.kind, "yarn");
	snprintf(m.unit, sizeof m.unit, "kg");
	assert_int_equal(store_material_lot_add(db, b, &m), GLOVED_EPERM);
	assert_int_equal(store_material_lot_add(db, a, &m), GLOVED_OK);
	store_lot_material lm = {.material_lot_id = m.id, .qty_milli = 5000};
	store_lot l = lot_of("L1");
	int64_t bundles[] = {bundle1};
	assert_int_equal(store_begin(db), GLOVED_OK);
	assert_int_equal(store_lot_add(db, a, &l, bundles, 1, NULL, 0, &lm, 1), GLOVED_OK);
	assert_int_equal(store_commit(db), GLOVED_OK);
	/* bundle 1 again, in another lot: refused, and the transaction keeps
	 * nothing of that lot */
	store_lot l2 = lot_of("L2");
	int64_t both[] = {bundle2, bundle1};
	assert_int_equal(store_begin(db), GLOVED_OK);
	assert_int_equal(store_lot_add(db, a, &l2, both, 2, NULL, 0, NULL, 0), GLOVED_EEXIST);
	assert_int_equal(store_rollback(db), GLOVED_OK);
	store_lot got;
	assert_int_equal(store_lot_get(db, all, ent_a, "L2", 0, &got), GLOVED_ENOTFOUND);
	int64_t lot_id;
	assert_int_equal(store_bundle_lot(db, bundle2, &lot_id), GLOVED_ENOTFOUND);
	assert_int_equal(store_bundle_lot(db, bundle1, &lot_id), GLOVED_OK);
	assert_int_equal(lot_id, l.id);
	/* another firm sees nothing, not even by id */
	assert_int_equal(store_lot_get(db, b, 0, NULL, l.id, &got), GLOVED_ENOTFOUND);
	assert_int_equal(store_lot_get(db, b, ent_a, "L1", 0, &got), GLOVED_ENOTFOUND);
	assert_int_equal(store_material_lot_get(db, b, 0, NULL, m.id, &m), GLOVED_ENOTFOUND);
	store_lot *v = NULL;
	size_t n = 9;
	assert_int_equal(store_lot_list(db, b, 0, NULL, &v, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(store_material_lot_uses(db, b, m.id, &v, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(store_material_lot_uses(db, a, m.id, &v, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].code, "L1");
	free(v);
	assert_int_equal(store_lot_list(db, a, 0, "inspected", &v, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(store_lot_set_result(db, l.id, "inspected", "accepted", 5), GLOVED_OK);
	assert_int_equal(store_lot_list(db, a, 0, "inspected", &v, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].result, "accepted");
	free(v);
}

static void test_machine_days_and_tests_in_scope(void **state)
{
	store *db = *state;
	store_scope a = {.enterprise_id = ent_a}, b = {.enterprise_id = ent_b};
	store_lot l = lot_of("K-L1");
	snprintf(l.source, sizeof l.source, "machines");
	store_lot_machine lm = {
	    .machine_id = machine_a, .from_day = 100, .to_day = 102, .pieces = 8};
	assert_int_equal(store_lot_add(db, a, &l, NULL, 0, &lm, 1, NULL, 0), GLOVED_OK);
	int64_t lot_id;
	assert_int_equal(store_machine_lot(db, machine_a, 102, 105, &lot_id), GLOVED_OK);
	assert_int_equal(lot_id, l.id);
	assert_int_equal(store_machine_lot(db, machine_a, 98, 100, &lot_id), GLOVED_OK);
	assert_int_equal(store_machine_lot(db, machine_a, 103, 110, &lot_id), GLOVED_ENOTFOUND);
	assert_int_equal(store_machine_lot(db, machine_a, 90, 99, &lot_id), GLOVED_ENOTFOUND);

	store_test *t = calloc(1, sizeof *t);
	t->enterprise_id = ent_a;
	t->style_id = style_a;
	snprintf(t->report_no, sizeof t->report_no, "R-1");
	snprintf(t->en388, sizeof t->en388, "4X43C");
	snprintf(t->markings, sizeof t->markings, "{}");
	snprintf(t->raw, sizeof t->raw, "{}");
	assert_int_equal(store_test_add(db, b, t), GLOVED_EPERM);
	assert_int_equal(store_test_add(db, a, t), GLOVED_OK);
	assert_int_equal(store_test_add(db, a, t), GLOVED_EEXIST);
	static const char pdf[] = "%PDF-1.4 \0binary\0";
	void *got = NULL;
	size_t len = 0;
	assert_int_equal(store_test_pdf_get(db, a, 0, t->id, &got, &len), GLOVED_ENOTFOUND);
	assert_int_equal(store_test_pdf_put(db, t->id + 1000, pdf, sizeof pdf), GLOVED_ENOTFOUND);
	assert_int_equal(store_test_pdf_put(db, t->id, "old", 3), GLOVED_OK);
	assert_int_equal(store_test_pdf_put(db, t->id, pdf, sizeof pdf), GLOVED_OK);
	assert_int_equal(store_test_pdf_get(db, b, 0, t->id, &got, &len), GLOVED_ENOTFOUND);
	assert_null(got);
	assert_int_equal(store_test_pdf_get(db, a, 0, t->id, &got, &len), GLOVED_OK);
	assert_int_equal(len, sizeof pdf);
	assert_memory_equal(got, pdf, sizeof pdf);
	free(got);
	store_test one;
	assert_int_equal(store_test_get(db, b, 0, t->id, &one), GLOVED_ENOTFOUND);
	assert_int_equal(store_test_get(db, a, 0, t->id, &one), GLOVED_OK);
	assert_int_equal(one.pdf_bytes, (int64_t)sizeof pdf);
	store_test *v = NULL;
	size_t n = 0;
	assert_int_equal(store_test_list(db, a, 0, style_a, 0, &v, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	free(v);
	assert_int_equal(store_test_list(db, b, 0, style_a, 0, &v, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(v);
	/* a material lot's report, a later day: newest first, by style or
	 * material lot or either */
	store_material_lot m;
	memset(&m, 0, sizeof m);
	m.enterprise_id = ent_a;
	snprintf(m.code, sizeof m.code, "Y9");
	snprintf(m.kind, sizeof m.kind, "yarn");
	snprintf(m.unit, sizeof m.unit, "kg");
	assert_int_equal(store_material_lot_add(db, a, &m), GLOVED_OK);
	int64_t first = t->id;
	memset(t, 0, sizeof *t);
	t->enterprise_id = ent_a;
	t->material_lot_id = m.id;
	t->day = 300;
	snprintf(t->report_no, sizeof t->report_no, "R-2");
	snprintf(t->markings, sizeof t->markings, "{\"en388\":\"4X43C\"}");
	snprintf(t->raw, sizeof t->raw, "{}");
	assert_int_equal(store_test_add(db, a, t), GLOVED_OK);
	assert_int_equal(store_test_list(db, a, 0, 0, m.id, &v, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].report_no, "R-2");
	assert_string_equal(v[0].markings, "{\"en388\":\"4X43C\"}");
	assert_int_equal(v[0].pdf_bytes, 0);
	free(v);
	assert_int_equal(store_test_list(db, a, 0, style_a, m.id, &v, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, t->id);
	assert_int_equal(v[1].id, first);
	free(v);
	assert_int_equal(store_test_list(db, (store_scope){0}, 0, 0, 0, &v, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	free(v);
	free(t);
}

/* A lot's bundles (by order and number), machines (by machine) and
 * material lots (by code, with what was received); lists newest first and
 * by status; cartons by code, a carton code once per firm. */
static void test_lot_rows_and_cartons(void **state)
{
	store *db = *state;
	store_scope all = {0}, a = {.enterprise_id = ent_a}, b = {.enterprise_id = ent_b};
	store_lot *lv0 = NULL;
	static const char *const codes[] = {"Y-2", "L-1", "Y-10"};
	static const char *const kinds[] = {"yarn", "leather", "yarn"};
	int64_t mat[3];
	for (int i = 0; i < 3; i++) {
		store_material_lot m;
		memset(&m, 0, sizeof m);
		m.enterprise_id = ent_a;
		snprintf(m.code, sizeof m.code, "%s", codes[i]);
		snprintf(m.kind, sizeof m.kind, "%s", kinds[i]);
		snprintf(m.supplier, sizeof m.supplier, "supplier \"%d\"", i);
		snprintf(m.batch, sizeof m.batch, "B%d", i);
		snprintf(m.unit, sizeof m.unit, "kg");
		m.qty_milli = 1000 * (i + 1);
		m.received_day = 200 + i;
		assert_int_equal(store_material_lot_add(db, a, &m), GLOVED_OK);
		mat[i] = m.id;
	}
	store_material_lot dm;
	memset(&dm, 0, sizeof dm);
	dm.enterprise_id = ent_a;
	snprintf(dm.code, sizeof dm.code, "Y-2");
	assert_int_equal(store_material_lot_add(db, a, &dm), GLOVED_EEXIST);
	store_material_lot *mv = NULL;
	size_t n = 0;
	assert_int_equal(store_material_lot_list(db, a, 0, &mv, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	assert_string_equal(mv[0].code, "Y-10");
	assert_string_equal(mv[2].code, "Y-2");
	assert_int_equal(mv[2].received_day, 200);
	free(mv);
	assert_int_equal(store_material_lot_list(db, b, 0, &mv, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(mv);
	store_material_lot mg;
	assert_int_equal(store_material_lot_get(db, a, 0, "L-1", 0, &mg), GLOVED_OK);
	assert_int_equal(mg.id, mat[1]);
	assert_string_equal(mg.supplier, "supplier \"1\"");

	/* a lot of both bundles (given in reverse), two machines, three
	 * material lots */
	store_workshop w;
	memset(&w, 0, sizeof w);
	w.enterprise_id = ent_a;
	snprintf(w.code, sizeof w.code, "K2");
	snprintf(w.name, sizeof w.name, "K2");
	assert_int_equal(store_workshop_add(db, all, &w), GLOVED_OK);
	store_machine m2;
	memset(&m2, 0, sizeof m2);
	m2.enterprise_id = ent_a;
	m2.workshop_id = w.id;
	snprintf(m2.code, sizeof m2.code, "K2");
	snprintf(m2.kind, sizeof m2.kind, "knitting");
	m2.counter_bits = 64;
	assert_int_equal(store_machine_add(db, all, &m2), GLOVED_OK);
	store_lot l = lot_of("L-A");
	int64_t bundles[] = {bundle2, bundle1};
	store_lot_machine ms[] = {{m2.id, 10, 11, 40}, {machine_a, 10, 12, 60}};
	store_lot_material lm[] = {{.material_lot_id = mat[0], .qty_milli = 10},
				   {.material_lot_id = mat[1], .qty_milli = 20},
				   {.material_lot_id = mat[2], .qty_milli = 30}};
	assert_int_equal(store_lot_add(db, a, &l, bundles, 2, ms, 2, lm, 3), GLOVED_OK);
	store_bundle *bv = NULL;
	assert_int_equal(store_lot_bundles(db, l.id, &bv, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_int_equal(bv[0].id, bundle1);
	assert_int_equal(bv[1].id, bundle2);
	assert_string_equal(bv[1].size, "8");
	free(bv);
	store_lot_machine *lmv = NULL;
	assert_int_equal(store_lot_machines(db, l.id, &lmv, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_int_equal(lmv[0].machine_id, machine_a < m2.id ? machine_a : m2.id);
	assert_int_equal(lmv[1].pieces, machine_a < m2.id ? 40 : 60);
	free(lmv);
	store_lot_material *tv = NULL;
	assert_int_equal(store_lot_materials(db, l.id, &tv, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	assert_string_equal(tv[0].code, "L-1");
	assert_string_equal(tv[0].kind, "leather");
	assert_int_equal(tv[0].qty_milli, 20);
	assert_string_equal(tv[1].code, "Y-10");
	assert_string_equal(tv[2].code, "Y-2");
	assert_string_equal(tv[2].batch, "B0");
	assert_string_equal(tv[2].unit, "kg");
	free(tv);
	int64_t lot_id = 0;
	assert_int_equal(store_machine_lot(db, m2.id, 11, 11, &lot_id), GLOVED_OK);
	assert_int_equal(lot_id, l.id);
	/* a bundle already in a lot, outside a transaction and inside one that
	 * goes on: refused, and nothing of the new lot is kept */
	store_lot lx = lot_of("L-X");
	assert_int_equal(store_lot_add(db, a, &lx, &bundle1, 1, NULL, 0, lm, 3), GLOVED_EEXIST);
	assert_int_equal(store_begin(db), GLOVED_OK);
	lx = lot_of("L-X");
	assert_int_equal(store_lot_add(db, a, &lx, bundles, 2, NULL, 0, lm, 1), GLOVED_EEXIST);
	assert_int_equal(store_commit(db), GLOVED_OK);
	store_lot lg;
	assert_int_equal(store_lot_get(db, all, ent_a, "L-X", 0, &lg), GLOVED_ENOTFOUND);
	assert_int_equal(store_material_lot_uses(db, all, mat[2], &lv0, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	free(lv0);
	/* a second lot, inspected; by status, newest first */
	store_lot l2 = lot_of("L-B");
	assert_int_equal(store_lot_add(db, a, &l2, NULL, 0, NULL, 0, &lm[0], 1), GLOVED_OK);
	assert_int_equal(store_lot_set_result(db, l2.id, "inspected", "rejected", 77), GLOVED_OK);
	assert_int_equal(store_lot_set_result(db, 999999, "inspected", "rejected", 77),
			 GLOVED_ENOTFOUND);
	store_lot *lv = NULL;
	assert_int_equal(store_lot_list(db, a, 0, "", &lv, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_string_equal(lv[0].code, "L-B");
	assert_string_equal(lv[0].result, "rejected");
	assert_int_equal(lv[0].inspected_ms, 77);
	free(lv);
	assert_int_equal(store_lot_list(db, all, 0, "formed", &lv, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_string_equal(lv[0].code, "L-A");
	free(lv);
	assert_int_equal(store_material_lot_uses(db, all, mat[0], &lv, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_string_equal(lv[0].code, "L-A");
	assert_string_equal(lv[1].code, "L-B");
	free(lv);

	/* cartons */
	static const char *const cc[] = {"L-A-C002", "L-A-C001", "L-A-C010"};
	for (int i = 0; i < 3; i++) {
		store_carton c;
		memset(&c, 0, sizeof c);
		c.enterprise_id = ent_a;
		c.lot_id = l.id;
		snprintf(c.code, sizeof c.code, "%s", cc[i]);
		c.pairs = 12 + i;
		c.created_ms = 500;
		assert_int_equal(store_carton_add(db, &c), GLOVED_OK);
		assert_true(c.id > 0);
	}
	store_carton dc;
	memset(&dc, 0, sizeof dc);
	dc.enterprise_id = ent_a;
	dc.lot_id = l2.id;
	snprintf(dc.code, sizeof dc.code, "L-A-C001");
	assert_int_equal(store_carton_add(db, &dc), GLOVED_EEXIST);
	store_carton cg;
	assert_int_equal(store_carton_get(db, a, 0, "L-A-C010", &cg), GLOVED_OK);
	assert_int_equal(cg.pairs, 14);
	assert_int_equal(store_carton_get(db, b, ent_a, "L-A-C010", &cg), GLOVED_ENOTFOUND);
	store_carton *cv = NULL;
	assert_int_equal(store_carton_list(db, a, 0, l.id, &cv, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	assert_string_equal(cv[0].code, "L-A-C001");
	assert_string_equal(cv[1].code, "L-A-C002");
	assert_string_equal(cv[2].code, "L-A-C010");
	free(cv);
	assert_int_equal(store_carton_list(db, a, 0, l2.id, &cv, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(cv);
	/* a lot's cartons in one write: ids in input order; a code in use
	 * refuses them all, in a transaction that goes on and keeps none */
	store_carton pack[3];
	static const char *const pc[] = {"L-B-C003", "L-B-C001", "L-B-\"C002\""};
	memset(pack, 0, sizeof pack);
	for (int i = 0; i < 3; i++) {
		pack[i].enterprise_id = ent_a;
		pack[i].lot_id = l2.id;
		snprintf(pack[i].code, sizeof pack[i].code, "%s", pc[i]);
		pack[i].pairs = 10 * (i + 1);
		pack[i].created_ms = 900;
	}
	snprintf(pack[2].code, sizeof pack[2].code, "L-A-C002");
	assert_int_equal(store_begin(db), GLOVED_OK);
	assert_int_equal(store_cartons_add(db, pack, 3), GLOVED_EEXIST);
	assert_int_equal(store_commit(db), GLOVED_OK);
	assert_int_equal(store_carton_list(db, a, 0, l2.id, &cv, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(cv);
	snprintf(pack[2].code, sizeof pack[2].code, "%s", pc[2]);
	assert_int_equal(store_cartons_add(db, pack, 3), GLOVED_OK);
	assert_int_equal(store_cartons_add(db, pack, 0), GLOVED_OK);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(store_carton_get(db, a, 0, pc[i], &cg), GLOVED_OK);
		assert_int_equal(cg.id, pack[i].id);
		assert_int_equal(cg.pairs, 10 * (i + 1));
	}
	assert_int_equal(store_carton_list(db, a, 0, l2.id, &cv, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	assert_string_equal(cv[0].code, "L-B-\"C002\"");
	assert_string_equal(cv[1].code, "L-B-C001");
	free(cv);
	assert_int_equal(store_carton_list(db, b, 0, 0, &cv, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(cv);
}

/* An inspection with its classes (critical, major, minor in that order)
 * and defects (as entered), newest first, by lot and style, in scope; a
 * class twice refuses the inspection; the switching state is replaced
 * whole; its history newest first with the lot's code. */
static void test_inspections_and_switching(void **state)
{
	store *db = *state;
	store_scope all = {0}, a = {.enterprise_id = ent_a}, b = {.enterprise_id = ent_b};
	store_lot l = lot_of("L-I");
	assert_int_equal(store_lot_add(db, a, &l, NULL, 0, NULL, 0, NULL, 0), GLOVED_OK);
	store_inspection *x = calloc(1, sizeof *x);
	assert_non_null(x);
	x->enterprise_id = ent_a;
	x->lot_id = l.id;
	x->style_id = style_a;
	x->ts_ms = 1000;
	snprintf(x->inspector, sizeof x->inspector, "QC \"1\"");
	snprintf(x->level, sizeof x->level, "II");
	snprintf(x->severity, sizeof x->severity, "normal");
	snprintf(x->result, sizeof x->result, "accepted");
	x->lot_pieces = 1200;
	snprintf(x->note, sizeof x->note, "ok, {fine}");
	static const char *const cls[] = {"minor", "critical", "major"};
	for (int i = 0; i < 3; i++) {
		store_insp_class *c = &x->classes[i];
		snprintf(c->cls, sizeof c->cls, "%s", cls[i]);
		c->milli = 1000 * i;
		c->letter = (char)('J' + i);
		c->sample = 80;
		c->ac = i;
		c->re = i + 1;
		c->found = i;
	}
	x->n_classes = 3;
	static const char *const types[] = {"seam", "stain", "a\\b"};
	for (int i = 0; i < 3; i++) {
		snprintf(x->defects[i].type, sizeof x->defects[i].type, "%s", types[i]);
		snprintf(x->defects[i].cls, sizeof x->defects[i].cls, "%s", cls[i]);
		x->defects[i].count = i + 1;
	}
	x->n_defects = 3;
	assert_int_equal(store_inspection_add(db, x), GLOVED_OK);
	int64_t first = x->id;
	x->ts_ms = 2000;
	snprintf(x->result, sizeof x->result, "rejected");
	x->n_defects = 0;
	assert_int_equal(store_inspection_add(db, x), GLOVED_OK);
	assert_true(x->id > first);
	/* a class twice: refused, and the transaction, which goes on, keeps
	 * nothing of it */
	snprintf(x->classes[2].cls, sizeof x->classes[2].cls, "minor");
	x->ts_ms = 3000;
	assert_int_equal(store_begin(db), GLOVED_OK);
	assert_int_equal(store_inspection_add(db, x), GLOVED_EEXIST);
	assert_int_equal(store_commit(db), GLOVED_OK);
	store_inspection *v = NULL;
	size_t n = 0;
	assert_int_equal(store_inspection_list(db, a, 0, l.id, 0, 0, &v, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].ts_ms, 2000);
	assert_int_equal(v[0].n_defects, 0);
	assert_int_equal(v[1].id, first);
	assert_string_equal(v[1].inspector, "QC \"1\"");
	assert_string_equal(v[1].note, "ok, {fine}");
	assert_int_equal(v[1].lot_pieces, 1200);
	assert_int_equal(v[1].n_classes, 3);
	assert_string_equal(v[1].classes[0].cls, "critical");
	assert_int_equal(v[1].classes[0].letter, 'K');
	assert_int_equal(v[1].classes[0].milli, 1000);
	assert_string_equal(v[1].classes[1].cls, "major");
	assert_int_equal(v[1].classes[1].re, 3);
	assert_string_equal(v[1].classes[2].cls, "minor");
	assert_int_equal(v[1].n_defects, 3);
	assert_string_equal(v[1].defects[0].type, "seam");
	assert_string_equal(v[1].defects[2].type, "a\\b");
	assert_string_equal(v[1].defects[2].cls, "major");
	assert_int_equal(v[1].defects[2].count, 3);
	free(v);
	assert_int_equal(store_inspection_list(db, all, ent_a, 0, style_a, 1, &v, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].ts_ms, 2000);
	free(v);
	assert_int_equal(store_inspection_list(db, b, 0, 0, 0, 0, &v, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(v);
	free(x);

	/* the switching state: none, put, replaced */
	store_aql_state st;
	assert_int_equal(store_aql_state_get(db, ent_a, style_a, &st), GLOVED_ENOTFOUND);
	memset(&st, 0, sizeof st);
	st.enterprise_id = ent_a;
	st.style_id = style_a;
	snprintf(st.severity, sizeof st.severity, "tightened");
	st.score = 12;
	st.recent = 0xfffffff0u;
	st.n_recent = 5;
	st.accepted_run = 2;
	st.rejected_tight = 1;
	st.updated_ms = 1000;
	assert_int_equal(store_aql_state_put(db, &st), GLOVED_OK);
	st.stopped = 1;
	st.reduced_allowed = 1;
	snprintf(st.severity, sizeof st.severity, "normal");
	st.updated_ms = 2000;
	assert_int_equal(store_aql_state_put(db, &st), GLOVED_OK);
	store_aql_state sg;
	assert_int_equal(store_aql_state_get(db, ent_a, style_a, &sg), GLOVED_OK);
	assert_string_equal(sg.severity, "normal");
	assert_int_equal(sg.stopped, 1);
	assert_int_equal(sg.score, 12);
	assert_int_equal(sg.recent, 0xfffffff0u);
	assert_int_equal(sg.n_recent, 5);
	assert_int_equal(sg.reduced_allowed, 1);
	assert_int_equal(sg.updated_ms, 2000);
	store_aql_state nost = st;
	nost.style_id = 999999; /* no such style */
	assert_int_equal(store_aql_state_put(db, &nost), GLOVED_EEXIST);

	/* the history: newest first, the lot's code ("" for a setting) */
	static const char *const events[] = {"none", "to_tightened", "setting"};
	for (int i = 0; i < 3; i++) {
		store_aql_event e;
		memset(&e, 0, sizeof e);
		e.enterprise_id = ent_a;
		e.style_id = style_a;
		e.lot_id = i < 2 ? l.id : 0;
		e.ts_ms = 100 * i;
		snprintf(e.result, sizeof e.result, "%s", i < 2 ? "accepted" : "");
		snprintf(e.event, sizeof e.event, "%s", events[i]);
		snprintf(e.severity, sizeof e.severity, "normal");
		e.score = i;
		snprintf(e.by, sizeof e.by, "boss");
		assert_int_equal(store_aql_event_add(db, &e), GLOVED_OK);
	}
	store_aql_event *ev = NULL;
	assert_int_equal(store_aql_event_list(db, a, 0, style_a, 0, &ev, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	assert_string_equal(ev[0].event, "setting");
	assert_string_equal(ev[0].lot, "");
	assert_string_equal(ev[1].event, "to_tightened");
	assert_string_equal(ev[1].lot, "L-I");
	assert_string_equal(ev[2].by, "boss");
	free(ev);
	assert_int_equal(store_aql_event_list(db, all, ent_a, style_a, 2, &ev, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ev[1].score, 1);
	free(ev);
	assert_int_equal(store_aql_event_list(db, all, 0, style_a, 0, &ev, &n), GLOVED_EINVAL);
	assert_int_equal(store_aql_event_list(db, b, ent_a, style_a, 0, &ev, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	assert_null(ev);
}

static void test_label_scans_and_flags(void **state)
{
	store *db = *state;
	store_scope a = {.enterprise_id = ent_a}, b = {.enterprise_id = ent_b};
	store_lot l = lot_of("LB-1");
	assert_int_equal(store_lot_add(db, a, &l, NULL, 0, NULL, 0, NULL, 0), GLOVED_OK);
	store_label *x = calloc(1, sizeof *x);
	x->enterprise_id = ent_a;
	x->lot_id = l.id;
	snprintf(x->serial, sizeof x->serial, "ABCDEFGH23456789");
	snprintf(x->kind, sizeof x->kind, "bag");
	snprintf(x->payload, sizeof x->payload, "gloved-label-1|...");
	assert_int_equal(store_label_add(db, x), GLOVED_OK);
	assert_int_equal(store_label_add(db, x), GLOVED_EEXIST);
	uint8_t n1[32] = {1}, n2[32] = {2};
	store_label after;
	assert_int_equal(store_label_scan(db, x->id, n1, 1000, &after), GLOVED_OK);
	assert_int_equal(store_label_scan(db, x->id, n1, 2000, &after), GLOVED_OK);
	assert_int_equal(store_label_scan(db, x->id, n2, 3000, &after), GLOVED_OK);
	assert_int_equal(after.scans, 3);
	assert_int_equal(after.networks, 2);
	assert_int_equal(after.first_scan_ms, 1000);
	assert_int_equal(after.last_scan_ms, 3000);
	store_label *v = NULL;
	size_t n = 0;
	assert_int_equal(store_label_list(db, b, 0, 0, &v, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(v);
	store_flag f;
	memset(&f, 0, sizeof f);
	f.enterprise_id = ent_a;
	f.label_id = x->id;
	f.ts_ms = 3000;
	snprintf(f.reason, sizeof f.reason, "networks");
	assert_int_equal(store_flag_add(db, &f), GLOVED_OK);
	assert_int_equal(store_label_by_serial(db, x->serial, &after), GLOVED_OK);
	assert_int_equal(after.flagged, 1);
	store_flag *fv = NULL;
	assert_int_equal(store_flag_list(db, b, 0, &fv, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(fv);
	assert_int_equal(store_flag_list(db, a, 1, &fv, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_string_equal(fv[0].serial, x->serial);
	free(fv);
	assert_int_equal(store_flag_resolve(db, b, f.id, "x", "n", 4000), GLOVED_ENOTFOUND);
	assert_int_equal(store_flag_resolve(db, a, f.id, "boss", "sold at the fair", 4000),
			 GLOVED_OK);
	assert_int_equal(store_flag_resolve(db, a, f.id, "boss", "again", 5000), GLOVED_ENOTFOUND);
	assert_int_equal(store_flag_list(db, a, 1, &fv, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(fv);
	free(x);
}

int main(int argc, char **argv)
{
	store_pg_test_mode(argc, argv);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_lots_in_scope_and_one_lot_per_bundle, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_machine_days_and_tests_in_scope, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lot_rows_and_cartons, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inspections_and_switching, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_label_scans_and_flags, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
