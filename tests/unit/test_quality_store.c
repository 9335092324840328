/* SPDX-License-Identifier: Apache-2.0 */
/* test_quality_store.c: the quality and brand capabilities of the SQLite
 * store. Tenant scope holds in every read (a firm's scope never sees
 * another firm's material lots, lots, inspections, tests, PDFs, labels or
 * flags, even by id); a bundle is in one lot at most and a refused lot
 * leaves nothing; a machine-day belongs to one lot; a label's scans count
 * distinct networks once each and its first and last scan; a flag is
 * resolved once. Real SQLite files in a temporary directory. */
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

static char dir[64];
static char path[128];
static int64_t ent_a, ent_b, style_a, order_a, bundle1, bundle2, machine_a;

static void rm_db(void)
{
	static const char *const tails[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
		char p[160];
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
	snprintf(dir, sizeof dir, "/tmp/gloved-test-quality-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/q.db", dir);
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
	assert_int_equal(store_test_pdf_put(db, t->id, pdf, sizeof pdf), GLOVED_OK);
	void *got = NULL;
	size_t len = 0;
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
	free(t);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_lots_in_scope_and_one_lot_per_bundle, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_machine_days_and_tests_in_scope, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_label_scans_and_flags, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
