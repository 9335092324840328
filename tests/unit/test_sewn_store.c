/* SPDX-License-Identifier: Apache-2.0 */
/* test_sewn_store.c: every call of the store's sewn capability
 * (store/sewn.h) on a real database, the same assertions on both backends
 * (without arguments SQLite in a temporary directory; with --pg the
 * PostgreSQL database of $GLOVED_TEST_PG, emptied before and after each
 * test, store_pg_test.h): a style keeps its routing in order and numbers
 * it, an order its lines in size order; a firm's scope never reads or
 * writes another firm's styles, orders, bundles, households or scans; a
 * duplicate (style, household, scan) is refused with GLOVED_EEXIST inside
 * a transaction that stays usable and keeps nothing of the refused call
 * (a refused scan adds to none of its rollups); cuts, bundles, dispatches,
 * the rollups of operations, days and workers, firm keys and a machine's
 * assignments round trip in their documented order. */
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

typedef struct fx {
	store *db;
	int64_t a, b;        /* two firms */
	int64_t style;       /* firm a's style ST-1, three operations */
	int64_t order;       /* firm a's released order PO-1 */
	int64_t other_order; /* firm b's order */
	int64_t machine;
} fx;

static fx F;

static int64_t add_firm(store *db, const char *code)
{
	store_enterprise e;
	memset(&e, 0, sizeof e);
	snprintf(e.code, sizeof e.code, "%s", code);
	snprintf(e.name, sizeof e.name, "firm %s", code);
	assert_int_equal(store_enterprise_add(db, (store_scope){0}, &e), GLOVED_OK);
	return e.id;
}

static store_style *style_of(int64_t ent, const char *code, int n_ops)
{
	store_style *st = calloc(1, sizeof *st);
	assert_non_null(st);
	st->enterprise_id = ent;
	snprintf(st->code, sizeof st->code, "%s", code);
	snprintf(st->name, sizeof st->name, "style \"%s\" \\ 手套", code);
	snprintf(st->category, sizeof st->category, "ski");
	snprintf(st->family, sizeof st->family, "sewn");
	snprintf(st->sizes, sizeof st->sizes, "8,9,10");
	for (int i = 0; i < n_ops; i++) {
		store_style_op *o = &st->ops[i];
		o->seq = 99; /* the store numbers them */
		snprintf(o->code, sizeof o->code, "OP%d", i + 1);
		snprintf(o->name, sizeof o->name, "op, {%d} \"q\"", i + 1);
		o->smv_c = 100 + i;
		o->rate_y4 = 1500 + 500 * i;
	}
	st->n_ops = n_ops;
	return st;
}

static int64_t add_order(store *db, int64_t ent, int64_t style, const char *code,
			 const char *status, int64_t created_ms)
{
	store_order *o = calloc(1, sizeof *o);
	assert_non_null(o);
	o->enterprise_id = ent;
	o->style_id = style;
	snprintf(o->code, sizeof o->code, "%s", code);
	snprintf(o->buyer, sizeof o->buyer, "buyer of %s", code);
	snprintf(o->unit, sizeof o->unit, "pair");
	snprintf(o->status, sizeof o->status, "%s", status);
	o->due_day = 20500;
	o->created_ms = created_ms;
	static const char *const sizes[] = {"10", "8", "XL", "9", "7.5"};
	for (int i = 0; i < 5; i++) {
		snprintf(o->lines[i].size, sizeof o->lines[i].size, "%s", sizes[i]);
		o->lines[i].pairs = 100 * (i + 1);
	}
	o->n_lines = 5;
	assert_int_equal(store_order_add(db, (store_scope){0}, o), GLOVED_OK);
	int64_t id = o->id;
	free(o);
	return id;
}

static int setup(void **state)
{
	(void)state;
	store_options o = {0};
	memset(&F, 0, sizeof F);
	if (pg_mode) {
		snprintf(path, sizeof path, "%s", pg_uri);
		if (store__pg_reset(pg_uri))
			return -1;
	} else {
		snprintf(dir, sizeof dir, "/tmp/gloved-test-sewn-store-XXXXXX");
		if (!mkdtemp(dir))
			return -1;
		snprintf(path, sizeof path, "%s/s.db", dir);
	}
	if (store_open(path, STORE_WRITE, &o, &F.db))
		return -1;
	store *db = F.db;
	F.a = add_firm(db, "SA");
	F.b = add_firm(db, "SB");
	store_workshop w = {0, F.a, "K", "knitting"};
	assert_int_equal(store_workshop_add(db, (store_scope){0}, &w), GLOVED_OK);
	store_machine m = {0, F.a, w.id, "K1", "knitting", 13, 1000, 64};
	assert_int_equal(store_machine_add(db, (store_scope){0}, &m), GLOVED_OK);
	F.machine = m.id;
	store_style *st = style_of(F.a, "ST-1", 3);
	assert_int_equal(store_style_add(db, (store_scope){0}, st), GLOVED_OK);
	F.style = st->id;
	free(st);
	st = style_of(F.b, "ST-B", 1);
	assert_int_equal(store_style_add(db, (store_scope){0}, st), GLOVED_OK);
	F.order = add_order(db, F.a, F.style, "PO-1", "released", 5000);
	F.other_order = add_order(db, F.b, st->id, "PO-B", "released", 6000);
	free(st);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(F.db);
	if (pg_mode)
		return store__pg_reset(pg_uri) ? -1 : 0;
	static const char *const tails[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
		char p[600];
		snprintf(p, sizeof p, "%s%s", path, tails[i]);
		unlink(p);
	}
	rmdir(dir);
	return 0;
}

static void test_styles_and_orders(void **state)
{
	(void)state;
	store *db = F.db;
	store_scope all = {0}, a = {.enterprise_id = F.a}, b = {.enterprise_id = F.b};
	store_style *got = calloc(1, sizeof *got);
	assert_non_null(got);
	/* the routing comes back in order, numbered 1.., texts as written */
	assert_int_equal(store_style_get(db, a, 0, "ST-1", 0, got), GLOVED_OK);
	assert_int_equal(got->id, F.style);
	assert_string_equal(got->name, "style \"ST-1\" \\ 手套");
	assert_string_equal(got->sizes, "8,9,10");
	assert_int_equal(got->n_ops, 3);
	for (int i = 0; i < 3; i++) {
		char code[8], name[32];
		snprintf(code, sizeof code, "OP%d", i + 1);
		snprintf(name, sizeof name, "op, {%d} \"q\"", i + 1);
		assert_int_equal(got->ops[i].seq, i + 1);
		assert_string_equal(got->ops[i].code, code);
		assert_string_equal(got->ops[i].name, name);
		assert_int_equal(got->ops[i].smv_c, 100 + i);
		assert_int_equal(got->ops[i].rate_y4, 1500 + 500 * i);
	}
	/* another firm sees nothing, not even by id */
	assert_int_equal(store_style_get(db, b, 0, NULL, F.style, got), GLOVED_ENOTFOUND);
	assert_int_equal(store_style_get(db, b, F.a, "ST-1", 0, got), GLOVED_ENOTFOUND);
	assert_int_equal(store_style_get(db, all, 0, NULL, F.style, got), GLOVED_OK);
	assert_int_equal(store_style_get(db, all, 0, "ST-1", 0, got), GLOVED_ENOTFOUND);

	/* a duplicate code is refused inside a transaction that stays usable
	 * and keeps nothing of it; another firm's scope may not write */
	store_style *dup = style_of(F.a, "ST-1", 2);
	assert_int_equal(store_style_add(db, b, dup), GLOVED_EPERM);
	assert_int_equal(store_begin(db), GLOVED_OK);
	assert_int_equal(store_style_add(db, a, dup), GLOVED_EEXIST);
	store_style *st0 = style_of(F.a, "ST-0", 0);
	assert_int_equal(store_style_add(db, a, st0), GLOVED_OK);
	assert_int_equal(store_commit(db), GLOVED_OK);
	free(dup);
	store_style *v = NULL;
	size_t n = 9;
	assert_int_equal(store_style_list(db, a, 0, &v, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].code, "ST-0");
	assert_int_equal(v[0].n_ops, 0);
	assert_string_equal(v[1].code, "ST-1");
	assert_int_equal(v[1].n_ops, 3);
	assert_string_equal(v[1].ops[2].code, "OP3");
	free(v);
	assert_int_equal(store_style_list(db, all, 0, &v, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	assert_string_equal(v[2].code, "ST-B");
	free(v);
	assert_int_equal(store_style_list(db, b, F.a, &v, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	assert_null(v);
	free(st0);

	/* an order's lines by size as a number first (XL 0, 7.5 7, 8, 9, 10) */
	store_order *o = calloc(1, sizeof *o);
	assert_non_null(o);
	assert_int_equal(store_order_get(db, a, F.a, "PO-1", 0, o), GLOVED_OK);
	assert_int_equal(o->id, F.order);
	assert_string_equal(o->buyer, "buyer of PO-1");
	assert_string_equal(o->status, "released");
	assert_int_equal(o->due_day, 20500);
	assert_int_equal(o->created_ms, 5000);
	assert_int_equal(o->n_lines, 5);
	static const char *const want[] = {"XL", "7.5", "8", "9", "10"};
	static const int64_t want_pairs[] = {300, 500, 200, 400, 100};
	for (int i = 0; i < 5; i++) {
		assert_string_equal(o->lines[i].size, want[i]);
		assert_int_equal(o->lines[i].pairs, want_pairs[i]);
	}
	assert_int_equal(store_order_get(db, b, 0, NULL, F.order, o), GLOVED_ENOTFOUND);
	/* a line twice refuses the whole order */
	store_order *bad = calloc(1, sizeof *bad);
	assert_non_null(bad);
	assert_int_equal(store_order_get(db, a, 0, NULL, F.order, bad), GLOVED_OK);
	bad->id = 0;
	snprintf(bad->code, sizeof bad->code, "PO-BAD");
	snprintf(bad->lines[1].size, sizeof bad->lines[1].size, "10");
	assert_int_equal(store_begin(db), GLOVED_OK);
	assert_int_equal(store_order_add(db, a, bad), GLOVED_EEXIST);
	assert_int_equal(store_commit(db), GLOVED_OK);
	assert_int_equal(store_order_get(db, all, F.a, "PO-BAD", 0, o), GLOVED_ENOTFOUND);
	free(bad);
	/* newest first, by status, in scope */
	add_order(db, F.a, F.style, "PO-2", "open", 7000);
	add_order(db, F.a, F.style, "PO-3", "open", 7000);
	store_order *ov = NULL;
	assert_int_equal(store_order_list(db, a, 0, NULL, &ov, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	assert_string_equal(ov[0].code, "PO-3");
	assert_string_equal(ov[1].code, "PO-2");
	assert_string_equal(ov[2].code, "PO-1");
	assert_int_equal(ov[2].n_lines, 5);
	assert_string_equal(ov[2].lines[0].size, "XL");
	free(ov);
	assert_int_equal(store_order_list(db, all, 0, "", &ov, &n), GLOVED_OK);
	assert_int_equal(n, 4);
	assert_string_equal(ov[2].code, "PO-B");
	free(ov);
	assert_int_equal(store_order_list(db, a, 0, "open", &ov, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	free(ov);
	assert_int_equal(store_order_set_status(db, F.order, "done"), GLOVED_OK);
	assert_int_equal(store_order_list(db, all, 0, "done", &ov, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ov[0].id, F.order);
	free(ov);
	assert_int_equal(store_order_list(db, b, F.a, NULL, &ov, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(o);
	free(got);
}

static void test_cuts_bundles_households(void **state)
{
	(void)state;
	store *db = F.db;
	store_scope all = {0}, a = {.enterprise_id = F.a}, b = {.enterprise_id = F.b};
	int64_t cut = 0, cut2 = 0;
	assert_int_equal(store_cut_add(db, F.order, F.a, 10, 1000, &cut), GLOVED_OK);
	assert_true(cut > 0);
	int32_t no = 0;
	assert_int_equal(store_bundle_next_no(db, F.order, &no), GLOVED_OK);
	assert_int_equal(no, 1);
	/* sizes 9, 10, 8, 9: pairs cut per size in byte order (10, 8, 9) */
	static const char *const sizes[] = {"9", "10", "8", "9"};
	int64_t ids[4];
	for (int i = 0; i < 4; i++) {
		store_bundle x = {0};
		x.enterprise_id = F.a;
		x.order_id = F.order;
		x.cut_id = cut;
		x.no = i + 1;
		snprintf(x.size, sizeof x.size, "%s", sizes[i]);
		x.pairs = 10 + i;
		assert_int_equal(store_bundle_add(db, &x), GLOVED_OK);
		ids[i] = x.id;
	}
	store_bundle dup = {0, F.a, F.order, cut, 2, "8", 5, 0, 0};
	assert_int_equal(store_bundle_add(db, &dup), GLOVED_EEXIST);
	assert_int_equal(store_bundle_next_no(db, F.order, &no), GLOVED_OK);
	assert_int_equal(no, 5);
	assert_int_equal(store_cut_add(db, F.order, F.a, 20, 2000, &cut2), GLOVED_OK);
	store_bundle x5 = {0, F.a, F.order, cut2, 5, "8", 20, 0, 0};
	assert_int_equal(store_bundle_add(db, &x5), GLOVED_OK);
	store_order_line lines[STORE_MAX_SIZES];
	int32_t nl = 0;
	assert_int_equal(store_cut_pairs(db, F.order, lines, &nl), GLOVED_OK);
	assert_int_equal(nl, 3);
	assert_string_equal(lines[0].size, "10");
	assert_int_equal(lines[0].pairs, 11);
	assert_string_equal(lines[1].size, "8");
	assert_int_equal(lines[1].pairs, 12 + 20);
	assert_string_equal(lines[2].size, "9");
	assert_int_equal(lines[2].pairs, 10 + 13);

	store_bundle one;
	assert_int_equal(store_bundle_get(db, ids[1], &one), GLOVED_OK);
	assert_int_equal(one.no, 2);
	assert_string_equal(one.size, "10");
	assert_int_equal(one.cut_id, cut);
	assert_int_equal(store_bundle_get(db, 999999, &one), GLOVED_ENOTFOUND);
	store_bundle *v = NULL;
	size_t n = 0;
	/* by order (by number, at most limit), by cut, by id; in scope */
	assert_int_equal(store_bundle_list(db, a, 0, F.order, 0, 0, 100, &v, &n), GLOVED_OK);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i].no, (int32_t)i + 1);
	free(v);
	assert_int_equal(store_bundle_list(db, a, 0, F.order, 0, 0, 2, &v, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[1].no, 2);
	free(v);
	assert_int_equal(store_bundle_list(db, all, 0, 0, cut2, 0, (size_t)-1, &v, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].no, 5);
	free(v);
	assert_int_equal(store_bundle_list(db, a, 0, F.order, cut, ids[3], 10, &v, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, ids[3]);
	free(v);
	assert_int_equal(store_bundle_list(db, a, 0, 0, cut2, ids[3], 10, &v, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(store_bundle_list(db, b, 0, F.order, 0, 0, 100, &v, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(store_bundle_list(db, a, 0, 0, 0, 0, 100, &v, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	assert_null(v);

	/* households: a code once per firm, in scope, by code */
	store_household h1 = {0, F.a, "H02", "张家", "东村", "139", 90};
	store_household h2 = {0, F.a, "H01", "李家", "", "", 100};
	store_household hb = {0, F.b, "H01", "王家", "", "", 100};
	assert_int_equal(store_household_add(db, b, &h1), GLOVED_EPERM);
	assert_int_equal(store_household_add(db, a, &h1), GLOVED_OK);
	assert_int_equal(store_household_add(db, a, &h2), GLOVED_OK);
	assert_int_equal(store_household_add(db, all, &hb), GLOVED_OK);
	store_household dh = h2;
	assert_int_equal(store_begin(db), GLOVED_OK);
	assert_int_equal(store_household_add(db, a, &dh), GLOVED_EEXIST);
	assert_int_equal(store_commit(db), GLOVED_OK);
	store_household hg;
	assert_int_equal(store_household_get(db, a, 0, "H02", 0, &hg), GLOVED_OK);
	assert_int_equal(hg.id, h1.id);
	assert_string_equal(hg.village, "东村");
	assert_int_equal(hg.rate_pct, 90);
	assert_int_equal(store_household_get(db, b, 0, NULL, h1.id, &hg), GLOVED_ENOTFOUND);
	store_household *hv = NULL;
	assert_int_equal(store_household_list(db, a, 0, &hv, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_string_equal(hv[0].code, "H01");
	assert_string_equal(hv[1].code, "H02");
	free(hv);
	assert_int_equal(store_household_list(db, all, 0, &hv, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	assert_int_equal(hv[2].enterprise_id, F.b);
	free(hv);

	/* a dispatch out and back; the bundles out at households, oldest first */
	store_dispatch d = {0};
	d.bundle_id = ids[0];
	d.household_id = h1.id;
	d.enterprise_id = F.a;
	snprintf(d.ops, sizeof d.ops, "2,3");
	d.out_ms = 3000;
	assert_int_equal(store_dispatch_add(db, &d), GLOVED_OK);
	assert_true(d.id > 0);
	assert_int_equal(store_bundle_set_out(db, ids[2], h2.id, 4000), GLOVED_OK);
	assert_int_equal(store_bundle_set_out(db, ids[0], h1.id, 3000), GLOVED_OK);
	store_dispatch od;
	assert_int_equal(store_dispatch_open(db, ids[0], &od), GLOVED_OK);
	assert_int_equal(od.id, d.id);
	assert_string_equal(od.ops, "2,3");
	assert_int_equal(od.back_ms, 0);
	assert_int_equal(store_bundles_out(db, a, 0, 0, &v, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, ids[0]);
	assert_int_equal(v[0].household_id, h1.id);
	assert_int_equal(v[1].id, ids[2]);
	assert_int_equal(v[1].out_ms, 4000);
	free(v);
	assert_int_equal(store_bundles_out(db, all, 0, F.order, &v, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	free(v);
	assert_int_equal(store_bundles_out(db, b, 0, F.order, &v, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(v);
	d.back_ms = 9000;
	d.returned = 10;
	d.missing = 1;
	d.damaged = 2;
	assert_int_equal(store_dispatch_close(db, &d), GLOVED_OK);
	assert_int_equal(store_dispatch_open(db, ids[0], &od), GLOVED_ENOTFOUND);
	assert_int_equal(store_bundle_set_out(db, ids[0], 0, 0), GLOVED_OK);
	assert_int_equal(store_bundle_set_pairs(db, ids[0], 7), GLOVED_OK);
	assert_int_equal(store_bundle_get(db, ids[0], &one), GLOVED_OK);
	assert_int_equal(one.pairs, 7);
	assert_int_equal(one.household_id, 0);
	assert_int_equal(store_bundles_out(db, all, 0, 0, &v, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, ids[2]);
	free(v);
}

/* A cut's bundles in one write: ids in input order; a number in use
 * refuses them all, inside a transaction that goes on and keeps none of
 * them; a cut of 3000 bundles. */
static void test_bundles_in_one_write(void **state)
{
	(void)state;
	store *db = F.db;
	store_scope a = {.enterprise_id = F.a};
	int64_t cut = 0;
	assert_int_equal(store_cut_add(db, F.order, F.a, 10, 1000, &cut), GLOVED_OK);
	assert_int_equal(store_bundles_add(db, NULL, 0), GLOVED_OK);
	enum { N = 3000 };
	store_bundle *v = calloc(N, sizeof *v);
	assert_non_null(v);
	for (int i = 0; i < N; i++) {
		store_bundle *x = &v[i];
		x->enterprise_id = F.a;
		x->order_id = F.order;
		x->cut_id = cut;
		x->no = N - i; /* numbers given in reverse */
		snprintf(x->size, sizeof x->size, "%s", i % 2 ? "9" : "1\"0");
		x->pairs = i % 7 + 1;
	}
	/* the last one takes a number of the first: none of them is added */
	v[N - 1].no = N;
	assert_int_equal(store_begin(db), GLOVED_OK);
	assert_int_equal(store_bundles_add(db, v, N), GLOVED_EEXIST);
	store_bundle one = {0, F.a, F.other_order, cut, 1, "8", 1, 0, 0};
	assert_int_equal(store_bundle_add(db, &one), GLOVED_OK);
	assert_int_equal(store_commit(db), GLOVED_OK);
	int32_t no = 0;
	assert_int_equal(store_bundle_next_no(db, F.order, &no), GLOVED_OK);
	assert_int_equal(no, 1);
	v[N - 1].no = 1;
	for (int i = 0; i < N; i++)
		v[i].id = 0;
	assert_int_equal(store_bundles_add(db, v, N), GLOVED_OK);
	store_bundle *got = NULL;
	size_t n = 0;
	assert_int_equal(store_bundle_list(db, a, 0, F.order, 0, 0, 10000, &got, &n), GLOVED_OK);
	assert_int_equal(n, N);
	for (size_t i = 0; i < n; i++) {
		const store_bundle *x = &v[N - 1 - i]; /* number i + 1 */
		assert_int_equal(got[i].no, (int32_t)i + 1);
		assert_int_equal(got[i].id, x->id);
		assert_string_equal(got[i].size, x->size);
		assert_int_equal(got[i].pairs, x->pairs);
		assert_int_equal(got[i].cut_id, cut);
	}
	free(got);
	for (int i = 1; i < N; i++)
		assert_true(v[i].id != v[i - 1].id);
	free(v);
}

static store_scan scan_of(int64_t bundle, int32_t seq, const char *worker, int64_t pairs,
			  int64_t rate, const char *scan_id)
{
	store_scan x;
	memset(&x, 0, sizeof x);
	x.bundle_id = bundle;
	x.seq = seq;
	x.enterprise_id = F.a;
	x.order_id = F.order;
	x.ts_ms = 10000 + seq;
	snprintf(x.worker, sizeof x.worker, "%s", worker);
	x.pairs = pairs;
	x.rate_y4 = rate;
	snprintf(x.scan_id, sizeof x.scan_id, "%s", scan_id);
	return x;
}

static void test_scans_and_rollups(void **state)
{
	(void)state;
	store *db = F.db;
	store_scope all = {0}, a = {.enterprise_id = F.a}, b = {.enterprise_id = F.b};
	int64_t cut = 0, bid[3];
	assert_int_equal(store_cut_add(db, F.order, F.a, 10, 1000, &cut), GLOVED_OK);
	for (int i = 0; i < 3; i++) {
		store_bundle x = {0, F.a, F.order, cut, i + 1, "8", 10, 0, 0};
		assert_int_equal(store_bundle_add(db, &x), GLOVED_OK);
		bid[i] = x.id;
	}
	assert_int_equal(store_op_add(db, F.order, 0, F.a, 30, 3), GLOVED_OK);
	/* W1 does operation 1 of every bundle on day 100 and 101, W2
	 * operation 2 of bundle 1; a household operation 2 of bundle 2 */
	assert_int_equal(store_begin(db), GLOVED_OK);
	store_scan s1 = scan_of(bid[0], 1, "W1", 10, 1500, "c-1");
	assert_int_equal(store_scan_add(db, &s1, 100), GLOVED_OK);
	store_scan s2 = scan_of(bid[1], 1, "W1", 10, 1500, "");
	assert_int_equal(store_scan_add(db, &s2, 100), GLOVED_OK);
	store_scan s3 = scan_of(bid[2], 1, "W1", 10, 1500, "c-3");
	assert_int_equal(store_scan_add(db, &s3, 101), GLOVED_OK);
	store_scan s4 = scan_of(bid[0], 2, "W2", 10, 2000, "");
	assert_int_equal(store_scan_add(db, &s4, 101), GLOVED_OK);
	store_scan s5 = scan_of(bid[1], 2, "", 10, 1800, "");
	s5.household_id = 77;
	assert_int_equal(store_scan_add(db, &s5, 101), GLOVED_OK);
	/* the same operation again, or the same scan_id: refused, counted in
	 * no rollup, and the transaction goes on */
	store_scan again = scan_of(bid[0], 1, "W2", 10, 1500, "");
	assert_int_equal(store_scan_add(db, &again, 101), GLOVED_EEXIST);
	store_scan same_id = scan_of(bid[2], 2, "W2", 10, 2000, "c-1");
	assert_int_equal(store_scan_add(db, &same_id, 101), GLOVED_EEXIST);
	assert_int_equal(store_op_add(db, F.order, 0, F.a, -2, 0), GLOVED_OK);
	assert_int_equal(store_commit(db), GLOVED_OK);

	store_scan got;
	assert_int_equal(store_scan_get(db, bid[0], 1, &got), GLOVED_OK);
	assert_string_equal(got.worker, "W1");
	assert_string_equal(got.scan_id, "c-1");
	assert_int_equal(got.ts_ms, 10001);
	assert_int_equal(store_scan_get(db, bid[2], 2, &got), GLOVED_ENOTFOUND);
	assert_int_equal(store_scan_get(db, bid[1], 1, &got), GLOVED_OK);
	assert_string_equal(got.scan_id, "");
	assert_int_equal(store_scan_by_id(db, F.a, "c-3", &got), GLOVED_OK);
	assert_int_equal(got.bundle_id, bid[2]);
	assert_int_equal(store_scan_by_id(db, F.b, "c-3", &got), GLOVED_ENOTFOUND);
	store_scan *sv = NULL;
	size_t n = 0;
	assert_int_equal(store_scan_list(db, a, F.order, 0, &sv, &n), GLOVED_OK);
	assert_int_equal(n, 5);
	assert_int_equal(sv[0].bundle_id, bid[0]);
	assert_int_equal(sv[0].seq, 1);
	assert_int_equal(sv[1].bundle_id, bid[0]);
	assert_int_equal(sv[1].seq, 2);
	assert_int_equal(sv[4].bundle_id, bid[2]);
	free(sv);
	assert_int_equal(store_scan_list(db, all, 0, bid[1], &sv, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_int_equal(sv[1].household_id, 77);
	free(sv);
	assert_int_equal(store_scan_list(db, b, F.order, 0, &sv, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(sv);

	/* pairs and bundles per operation: the cut (seq 0) and the scans */
	store_op_done *dv = NULL;
	assert_int_equal(store_op_done_list(db, a, 0, F.order, &dv, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	assert_int_equal(dv[0].seq, 0);
	assert_int_equal(dv[0].pairs, 28);
	assert_int_equal(dv[0].bundles, 3);
	assert_int_equal(dv[1].seq, 1);
	assert_int_equal(dv[1].pairs, 30);
	assert_int_equal(dv[1].bundles, 3);
	assert_int_equal(dv[2].seq, 2);
	assert_int_equal(dv[2].pairs, 20);
	assert_int_equal(dv[2].bundles, 2);
	free(dv);
	assert_int_equal(store_op_done_list(db, all, F.a, 0, &dv, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	free(dv);
	assert_int_equal(store_op_done_list(db, all, 0, 0, &dv, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(dv);
	assert_int_equal(store_op_done_list(db, b, 0, F.order, &dv, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(dv);
	int64_t pairs = -1;
	assert_int_equal(store_op_day_pairs(db, F.order, 1, 100, 100, &pairs), GLOVED_OK);
	assert_int_equal(pairs, 20);
	assert_int_equal(store_op_day_pairs(db, F.order, 1, 100, 101, &pairs), GLOVED_OK);
	assert_int_equal(pairs, 30);
	assert_int_equal(store_op_day_pairs(db, F.order, 3, 0, 1000, &pairs), GLOVED_OK);
	assert_int_equal(pairs, 0);
	assert_int_equal(store_op_day_sums(db, F.a, F.order, 101, 101, &dv, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_int_equal(dv[0].order_id, F.order);
	assert_int_equal(dv[0].seq, 1);
	assert_int_equal(dv[0].pairs, 10);
	assert_int_equal(dv[1].seq, 2);
	assert_int_equal(dv[1].pairs, 20);
	free(dv);
	assert_int_equal(store_op_day_sums(db, F.a, 0, 0, 1000, &dv, &n), GLOVED_OK);
	assert_int_equal(n, 2); /* PO-1 is released */
	free(dv);
	assert_int_equal(store_order_set_status(db, F.order, "done"), GLOVED_OK);
	assert_int_equal(store_op_day_sums(db, F.a, 0, 0, 1000, &dv, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(dv);

	/* per day, worker or household and rate */
	store_scan_day *yv = NULL;
	assert_int_equal(store_scan_days(db, a, 0, 100, 101, NULL, &yv, &n), GLOVED_OK);
	assert_int_equal(n, 4);
	assert_string_equal(yv[0].worker, "");
	assert_int_equal(yv[0].household_id, 77);
	assert_int_equal(yv[0].rate_y4, 1800);
	assert_string_equal(yv[1].worker, "W1");
	assert_int_equal(yv[1].day, 100);
	assert_int_equal(yv[1].pairs, 20);
	assert_int_equal(yv[2].day, 101);
	assert_int_equal(yv[2].pairs, 10);
	assert_string_equal(yv[3].worker, "W2");
	assert_int_equal(yv[3].rate_y4, 2000);
	free(yv);
	assert_int_equal(store_scan_days(db, a, 0, 100, 101, "W2", &yv, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_int_equal(yv[0].pairs, 10);
	free(yv);
	assert_int_equal(store_scan_days(db, all, 0, 100, 101, NULL, &yv, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(yv);
	assert_int_equal(store_scan_days(db, b, F.a, 100, 101, NULL, &yv, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(yv);
}

static void test_firm_keys_and_machines(void **state)
{
	(void)state;
	store *db = F.db;
	uint8_t key[32], k1[32], got[32];
	char check[12];
	for (int i = 0; i < 32; i++) {
		k1[i] = (uint8_t)(i * 37 + 1);
		key[i] = (uint8_t)(255 - i);
	}
	k1[5] = 0; /* a key is bytes, not text */
	k1[6] = '\\';
	assert_int_equal(store_firm_key_get(db, F.a, got, check), GLOVED_ENOTFOUND);
	assert_int_equal(store_firm_key_put(db, F.a, k1, "refuse"), GLOVED_OK);
	assert_int_equal(store_firm_key_get(db, F.a, got, check), GLOVED_OK);
	assert_memory_equal(got, k1, 32);
	assert_string_equal(check, "refuse");
	/* a second put changes the check, never the key */
	assert_int_equal(store_firm_key_put(db, F.a, key, "warn"), GLOVED_OK);
	assert_int_equal(store_firm_key_get(db, F.a, got, check), GLOVED_OK);
	assert_memory_equal(got, k1, 32);
	assert_string_equal(check, "warn");
	assert_int_equal(store_firm_key_get(db, F.b, got, check), GLOVED_ENOTFOUND);
	assert_int_equal(store_firm_key_put(db, 999999, key, "warn"), GLOVED_EEXIST);

	/* a machine works one order at a time: the next assignment closes it */
	store_order_machine m1 = {F.order, F.machine, 1000, 0};
	assert_int_equal(store_order_machine_add(db, &m1), GLOVED_OK);
	store_order_machine m2 = {F.other_order, F.machine, 5000, 0};
	assert_int_equal(store_order_machine_add(db, &m2), GLOVED_OK);
	store_order_machine m3 = {F.order, F.machine, 8000, 0};
	assert_int_equal(store_order_machine_add(db, &m3), GLOVED_OK);
	/* the same start again: refused, and the open one stays open, inside a
	 * transaction that goes on and outside one (as sewn_assign_machine) */
	assert_int_equal(store_begin(db), GLOVED_OK);
	assert_int_equal(store_order_machine_add(db, &m3), GLOVED_EEXIST);
	assert_int_equal(store_commit(db), GLOVED_OK);
	assert_int_equal(store_order_machine_add(db, &m3), GLOVED_EEXIST);
	store_order_machine *v = NULL;
	size_t n = 0;
	assert_int_equal(store_order_machine_list(db, F.order, &v, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].from_ms, 1000);
	assert_int_equal(v[0].to_ms, 5000);
	assert_int_equal(v[1].from_ms, 8000);
	assert_int_equal(v[1].to_ms, 0);
	free(v);
	assert_int_equal(store_order_machine_list(db, F.other_order, &v, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].to_ms, 8000);
	free(v);
}

/* An aggregates-only scope reads no firm's private records. */
static void test_aggregates_read_nothing_private(void **state)
{
	(void)state;
	store *db = F.db;
	store_scope agg = {.aggregates = 1};
	store_style *v = (store_style *)1;
	size_t n = 9;
	assert_int_equal(store_style_list(db, agg, 0, &v, &n), GLOVED_EPERM);
	assert_null(v);
	assert_int_equal(n, 0);
	store_order *ov = (store_order *)1;
	assert_int_equal(store_order_list(db, agg, 0, NULL, &ov, &n), GLOVED_EPERM);
	assert_null(ov);
}

int main(int argc, char **argv)
{
	store_pg_test_mode(argc, argv);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_styles_and_orders, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cuts_bundles_households, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bundles_in_one_write, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_scans_and_rollups, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_firm_keys_and_machines, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_aggregates_read_nothing_private, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
