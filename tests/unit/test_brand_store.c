/* SPDX-License-Identifier: Apache-2.0 */
/* test_brand_store.c: the brand capability of the store (store/brand.h)
 * on both backends: a firm's licence is one row that a put replaces,
 * listed by firm and in scope; its history comes back oldest first;
 * audits newest first by day; a serial is issued once (a refused label
 * leaves the transaction usable); labels list in issue order, by lot and
 * in scope; a label's scans count every scan and each network once, the
 * network hash kept byte for byte; a flag marks its label, lists newest
 * first in scope and is resolved once. Run without arguments on a SQLite
 * file in a temporary directory; with --pg on the PostgreSQL database of
 * $GLOVED_TEST_PG (store_pg_test.h), emptied before and after each test. */
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

static char dir[64];
static char path[128];
static int64_t ent_a, ent_b;

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
	store *db = NULL;
	store_options o = {0};
	if (pg_mode) {
		if (store__pg_reset(pg_uri) || store_open(pg_uri, STORE_WRITE, &o, &db))
			return -1;
	} else {
		snprintf(dir, sizeof dir, "/tmp/gloved-test-brand-XXXXXX");
		if (!mkdtemp(dir))
			return -1;
		snprintf(path, sizeof path, "%s/b.db", dir);
		if (store_open(path, STORE_WRITE, &o, &db))
			return -1;
	}
	ent_a = add_firm(db, "BA");
	ent_b = add_firm(db, "BB");
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

/* A row written directly, for a capability the PostgreSQL backend has
 * not ported yet: $1 the firm, $2 the code, $3 the style, $4 the order
 * (as many as the statement takes). */
static int64_t raw_insert(store *db, const char *sql, int64_t ent, const char *code,
			  int64_t style_id, int64_t order_id, int params)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, ent);
	pg__p_text(&p, code);
	if (params > 2)
		pg__p_i64(&p, style_id);
	if (params > 3)
		pg__p_i64(&p, order_id);
	int64_t id = 0;
	assert_int_equal(pg__insert_id((pgc *)db, sql, &p, &id), GLOVED_OK);
	return id;
}

/* A lot of firm ent (a label's lot must exist), with its style and order:
 * through the sewn and quality calls, or, on a PostgreSQL backend that
 * answers GLOVED_ENOTSUP for one of them (not ported yet), its rows
 * written directly. */
static int64_t add_lot(store *db, int64_t ent, const char *code)
{
	store_scope all = {0};
	store_style *st = calloc(1, sizeof *st);
	assert_non_null(st);
	st->enterprise_id = ent;
	snprintf(st->code, sizeof st->code, "%s", code);
	snprintf(st->family, sizeof st->family, "sewn");
	st->n_ops = 1;
	snprintf(st->ops[0].code, sizeof st->ops[0].code, "O1");
	int rc = store_style_add(db, all, st);
	int64_t style_id = st->id;
	free(st);
	if (rc == GLOVED_ENOTSUP && pg_mode)
		style_id =
		    raw_insert(db,
			       "INSERT INTO style(enterprise_id, code, name, category, family,"
			       " sizes) VALUES($1, $2, '', '', 'sewn', '') RETURNING id",
			       ent, code, 0, 0, 2);
	else
		assert_int_equal(rc, GLOVED_OK);
	store_order *od = calloc(1, sizeof *od);
	assert_non_null(od);
	od->enterprise_id = ent;
	od->style_id = style_id;
	snprintf(od->code, sizeof od->code, "%s", code);
	snprintf(od->status, sizeof od->status, "released");
	rc = store_order_add(db, all, od);
	int64_t order_id = od->id;
	free(od);
	if (rc == GLOVED_ENOTSUP && pg_mode)
		order_id =
		    raw_insert(db,
			       "INSERT INTO prod_order(enterprise_id, code, buyer, style_id,"
			       " due_day, unit, status, created_ms) VALUES($1, $2, '', $3, 0,"
			       " 'pairs', 'released', 0) RETURNING id",
			       ent, code, style_id, 0, 3);
	else
		assert_int_equal(rc, GLOVED_OK);
	store_lot l;
	memset(&l, 0, sizeof l);
	l.enterprise_id = ent;
	l.style_id = style_id;
	l.order_id = order_id;
	snprintf(l.code, sizeof l.code, "%s", code);
	snprintf(l.source, sizeof l.source, "bundles");
	snprintf(l.status, sizeof l.status, "formed");
	l.pieces = 20;
	rc = store_lot_add(db, all, &l, NULL, 0, NULL, 0, NULL, 0);
	if (rc == GLOVED_ENOTSUP && pg_mode)
		return raw_insert(db,
				  "INSERT INTO lot(enterprise_id, code, style_id, order_id, size,"
				  " source, status, pieces, from_day, to_day, created_ms)"
				  " VALUES($1, $2, $3, $4, '', 'bundles', 'formed', 20, 0, 0, 0)"
				  " RETURNING id",
				  ent, code, style_id, order_id, 4);
	assert_int_equal(rc, GLOVED_OK);
	return l.id;
}

static store_licence licence(int64_t ent, const char *status, int64_t since, int32_t audits,
			     int32_t lots, int32_t pct, int64_t updated)
{
	store_licence x;
	memset(&x, 0, sizeof x);
	x.enterprise_id = ent;
	snprintf(x.status, sizeof x.status, "%s", status);
	x.since_ms = since;
	x.audits_passed = audits;
	x.last_lots = lots;
	x.min_accept_pct = pct;
	x.updated_ms = updated;
	return x;
}

static void test_licences_events_audits(void **state)
{
	store *db = *state;
	store_scope all = {0}, b = {.enterprise_id = ent_b};
	store_licence got;
	assert_int_equal(store_licence_get(db, ent_a, &got), GLOVED_ENOTFOUND);
	store_licence la = licence(ent_a, "active", 1000, 2, 5, 95, 1000);
	store_licence lb = licence(ent_b, "suspended", 2000, 1, 3, 90, 2500);
	assert_int_equal(store_licence_put(db, &lb), GLOVED_OK);
	assert_int_equal(store_licence_put(db, &la), GLOVED_OK);
	assert_int_equal(store_licence_get(db, ent_a, &got), GLOVED_OK);
	assert_int_equal(got.enterprise_id, ent_a);
	assert_string_equal(got.status, "active");
	assert_int_equal(got.since_ms, 1000);
	assert_int_equal(got.audits_passed, 2);
	assert_int_equal(got.last_lots, 5);
	assert_int_equal(got.min_accept_pct, 95);
	assert_int_equal(got.updated_ms, 1000);
	/* a put replaces the firm's one row, every column */
	la = licence(ent_a, "revoked", 3000, 4, 7, 99, 3500);
	assert_int_equal(store_licence_put(db, &la), GLOVED_OK);
	assert_int_equal(store_licence_get(db, ent_a, &got), GLOVED_OK);
	assert_string_equal(got.status, "revoked");
	assert_int_equal(got.since_ms, 3000);
	assert_int_equal(got.audits_passed, 4);
	assert_int_equal(got.last_lots, 7);
	assert_int_equal(got.min_accept_pct, 99);
	assert_int_equal(got.updated_ms, 3500);
	store_licence *lv = NULL;
	size_t n = 0;
	assert_int_equal(store_licence_list(db, all, &lv, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_int_equal(lv[0].enterprise_id, ent_a); /* by firm */
	assert_int_equal(lv[1].enterprise_id, ent_b);
	assert_string_equal(lv[1].status, "suspended");
	free(lv);
	assert_int_equal(store_licence_list(db, b, &lv, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_int_equal(lv[0].enterprise_id, ent_b);
	free(lv);
	/* a licence of no firm is refused, and the transaction goes on */
	store_licence bad = licence(ent_b + 1000, "active", 1, 1, 1, 1, 1);
	assert_int_equal(store_begin(db), GLOVED_OK);
	assert_int_equal(store_licence_put(db, &bad), GLOVED_EEXIST);
	lb.updated_ms = 4000;
	assert_int_equal(store_licence_put(db, &lb), GLOVED_OK);
	assert_int_equal(store_commit(db), GLOVED_OK);
	assert_int_equal(store_licence_get(db, ent_b, &got), GLOVED_OK);
	assert_int_equal(got.updated_ms, 4000);
	assert_int_equal(store_licence_get(db, bad.enterprise_id, &got), GLOVED_ENOTFOUND);

	/* the history, oldest first, of one firm */
	static const char *const actions[][3] = {
	    {"grant", "active", "audits passed"},
	    {"suspend", "suspended", "rejects"},
	    {"reinstate", "active", ""},
	};
	for (int i = 0; i < 3; i++) {
		store_licence_event e;
		memset(&e, 0, sizeof e);
		e.enterprise_id = ent_a;
		e.ts_ms = 5000 - i; /* the order is the insertion's, not the time's */
		snprintf(e.action, sizeof e.action, "%s", actions[i][0]);
		snprintf(e.status, sizeof e.status, "%s", actions[i][1]);
		snprintf(e.reason, sizeof e.reason, "%s", actions[i][2]);
		snprintf(e.by, sizeof e.by, "assoc%d", i);
		assert_int_equal(store_licence_event_add(db, &e), GLOVED_OK);
		if (i == 0) {
			e.enterprise_id = ent_b;
			assert_int_equal(store_licence_event_add(db, &e), GLOVED_OK);
		}
	}
	store_licence_event *ev = NULL;
	assert_int_equal(store_licence_events(db, ent_a, &ev, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(ev[i].enterprise_id, ent_a);
		assert_int_equal(ev[i].ts_ms, 5000 - (int64_t)i);
		assert_string_equal(ev[i].action, actions[i][0]);
		assert_string_equal(ev[i].status, actions[i][1]);
		assert_string_equal(ev[i].reason, actions[i][2]);
		char by[32];
		snprintf(by, sizeof by, "assoc%zu", i);
		assert_string_equal(ev[i].by, by);
		if (i)
			assert_true(ev[i].id > ev[i - 1].id);
	}
	free(ev);
	assert_int_equal(store_licence_events(db, ent_b + 1000, &ev, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(ev);

	/* audits: newest day first, a day's later audit first */
	store_audit au[4];
	const int64_t au_ent[4] = {ent_a, ent_a, ent_b, ent_a};
	const int32_t au_day[4] = {10, 12, 11, 12};
	for (int i = 0; i < 4; i++) {
		memset(&au[i], 0, sizeof au[i]);
		au[i].enterprise_id = au_ent[i];
		au[i].day = au_day[i];
		au[i].passed = i != 1;
		au[i].created_ms = 100 + i;
		snprintf(au[i].auditor, sizeof au[i].auditor, "auditor %d", i);
		snprintf(au[i].note, sizeof au[i].note, "note %d", i);
		assert_int_equal(store_audit_add(db, &au[i]), GLOVED_OK);
		assert_true(au[i].id > 0);
		if (i)
			assert_true(au[i].id > au[i - 1].id);
	}
	store_audit *av = NULL;
	assert_int_equal(store_audit_list(db, all, 0, &av, &n), GLOVED_OK);
	assert_int_equal(n, 4);
	static const int want[4] = {3, 1, 2, 0};
	for (size_t i = 0; i < n; i++) {
		const store_audit *w = &au[want[i]];
		assert_int_equal(av[i].id, w->id);
		assert_int_equal(av[i].enterprise_id, w->enterprise_id);
		assert_int_equal(av[i].day, w->day);
		assert_int_equal(av[i].passed, w->passed);
		assert_int_equal(av[i].created_ms, w->created_ms);
		assert_string_equal(av[i].auditor, w->auditor);
		assert_string_equal(av[i].note, w->note);
	}
	free(av);
	assert_int_equal(store_audit_list(db, b, 0, &av, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_int_equal(av[0].id, au[2].id);
	free(av);
	assert_int_equal(store_audit_list(db, all, ent_a, &av, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	free(av);
	av = (store_audit *)1;
	assert_int_equal(store_audit_list(db, b, ent_a, &av, &n), GLOVED_OK); /* not B's */
	assert_int_equal(n, 0);
	assert_null(av);
}

static store_label label_of(int64_t ent, int64_t lot, const char *serial)
{
	store_label x;
	memset(&x, 0, sizeof x);
	x.enterprise_id = ent;
	x.lot_id = lot;
	x.carton_id = 7;
	snprintf(x.serial, sizeof x.serial, "%s", serial);
	snprintf(x.kind, sizeof x.kind, "carton");
	x.brand = 1;
	x.pairs = 120;
	snprintf(x.payload, sizeof x.payload, "gloved-label-1|%s|pairs=120", serial);
	snprintf(x.sig, sizeof x.sig, "sig-%s", serial);
	x.created_ms = 1700000000000LL;
	return x;
}

static void test_labels_scans_flags(void **state)
{
	store *db = *state;
	store_scope all = {0}, a = {.enterprise_id = ent_a}, b = {.enterprise_id = ent_b};
	int64_t lot_a1 = add_lot(db, ent_a, "LA1"), lot_a2 = add_lot(db, ent_a, "LA2");
	int64_t lot_b = add_lot(db, ent_b, "LB1");
	store_label x1 = label_of(ent_a, lot_a1, "AAAA2222BBBB3333");
	store_label x2 = label_of(ent_a, lot_a2, "CCCC4444DDDD5555");
	store_label x3 = label_of(ent_b, lot_b, "EEEE6666FFFF7777");
	assert_int_equal(store_label_add(db, &x1), GLOVED_OK);
	assert_int_equal(store_label_add(db, &x3), GLOVED_OK);
	/* a serial is issued once; the refusal leaves the transaction usable */
	store_label dup = label_of(ent_b, lot_b, x1.serial);
	assert_int_equal(store_begin(db), GLOVED_OK);
	assert_int_equal(store_label_add(db, &dup), GLOVED_EEXIST);
	assert_int_equal(dup.id, 0);
	assert_int_equal(store_label_add(db, &x2), GLOVED_OK);
	assert_int_equal(store_commit(db), GLOVED_OK);
	assert_true(x1.id > 0 && x3.id > x1.id && x2.id > x3.id);

	store_label got;
	assert_int_equal(store_label_by_serial(db, x1.serial, &got), GLOVED_OK);
	assert_int_equal(got.id, x1.id);
	assert_int_equal(got.enterprise_id, ent_a);
	assert_int_equal(got.lot_id, lot_a1);
	assert_int_equal(got.carton_id, 7);
	assert_string_equal(got.kind, "carton");
	assert_int_equal(got.brand, 1);
	assert_int_equal(got.pairs, 120);
	assert_string_equal(got.payload, x1.payload);
	assert_string_equal(got.sig, x1.sig);
	assert_int_equal(got.created_ms, 1700000000000LL);
	assert_int_equal(got.scans, 0);
	assert_int_equal(got.networks, 0);
	assert_int_equal(got.flagged, 0);
	assert_int_equal(store_label_by_serial(db, "NOSUCHSERIAL0000", &got), GLOVED_ENOTFOUND);

	/* lists: issue order, by lot, in scope */
	store_label *v = NULL;
	size_t n = 0;
	assert_int_equal(store_label_list(db, all, 0, 0, &v, &n), GLOVED_OK);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].id, x1.id);
	assert_int_equal(v[1].id, x3.id);
	assert_int_equal(v[2].id, x2.id);
	free(v);
	assert_int_equal(store_label_list(db, a, 0, 0, &v, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, x1.id);
	assert_int_equal(v[1].id, x2.id);
	free(v);
	assert_int_equal(store_label_list(db, all, 0, lot_a2, &v, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].serial, x2.serial);
	free(v);
	assert_int_equal(store_label_list(db, a, 0, lot_b, &v, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(v);
	v = (store_label *)1;
	assert_int_equal(store_label_list(db, b, ent_a, 0, &v, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	assert_null(v);

	/* scans: every scan counts, each network once; the hashes differ in
	 * their last byte only and hold zero bytes */
	uint8_t n1[32] = {0}, n2[32] = {0}, n3[32];
	n2[31] = 1;
	for (int i = 0; i < 32; i++)
		n3[i] = (uint8_t)(255 - i * 8);
	store_label after;
	assert_int_equal(store_label_scan(db, x1.id, n1, 1000, &after), GLOVED_OK);
	assert_int_equal(after.scans, 1);
	assert_int_equal(after.networks, 1);
	assert_int_equal(store_label_scan(db, x1.id, n1, 2000, &after), GLOVED_OK);
	assert_int_equal(store_label_scan(db, x1.id, n2, 3000, &after), GLOVED_OK);
	assert_int_equal(store_label_scan(db, x1.id, n3, 4000, &after), GLOVED_OK);
	assert_int_equal(store_label_scan(db, x1.id, n2, 5000, &after), GLOVED_OK);
	assert_int_equal(after.id, x1.id);
	assert_string_equal(after.serial, x1.serial);
	assert_int_equal(after.scans, 5);
	assert_int_equal(after.networks, 3);
	assert_int_equal(after.first_scan_ms, 1000);
	assert_int_equal(after.last_scan_ms, 5000);
	/* another label's networks are its own */
	assert_int_equal(store_label_scan(db, x2.id, n1, 6000, &after), GLOVED_OK);
	assert_int_equal(after.scans, 1);
	assert_int_equal(after.networks, 1);
	assert_int_equal(after.first_scan_ms, 6000);
	/* a scan of no label is refused */
	assert_int_equal(store_label_scan(db, x2.id + 1000, n1, 7000, &after), GLOVED_EEXIST);
	assert_int_equal(store_label_by_serial(db, x1.serial, &got), GLOVED_OK);
	assert_int_equal(got.scans, 5);
	assert_int_equal(got.networks, 3);

	/* flags: the label is marked, newest first, resolved once */
	store_flag f1, f3;
	memset(&f1, 0, sizeof f1);
	f1.enterprise_id = ent_a;
	f1.label_id = x1.id;
	f1.ts_ms = 5000;
	f1.scans = 5;
	f1.networks = 3;
	snprintf(f1.reason, sizeof f1.reason, "networks");
	assert_int_equal(store_flag_add(db, &f1), GLOVED_OK);
	assert_true(f1.id > 0);
	f3 = f1;
	f3.id = 0;
	f3.enterprise_id = ent_b;
	f3.label_id = x3.id;
	f3.ts_ms = 6000;
	snprintf(f3.reason, sizeof f3.reason, "scans");
	assert_int_equal(store_flag_add(db, &f3), GLOVED_OK);
	assert_true(f3.id > f1.id);
	assert_int_equal(store_label_by_serial(db, x1.serial, &got), GLOVED_OK);
	assert_int_equal(got.flagged, 1);
	assert_int_equal(store_label_by_serial(db, x2.serial, &got), GLOVED_OK);
	assert_int_equal(got.flagged, 0);
	store_flag *fv = NULL;
	assert_int_equal(store_flag_list(db, all, 0, &fv, &n), GLOVED_OK);
	assert_int_equal(n, 2);
	assert_int_equal(fv[0].id, f3.id);
	assert_string_equal(fv[0].serial, x3.serial);
	assert_string_equal(fv[0].reason, "scans");
	assert_int_equal(fv[1].id, f1.id);
	assert_int_equal(fv[1].label_id, x1.id);
	assert_string_equal(fv[1].serial, x1.serial);
	assert_int_equal(fv[1].ts_ms, 5000);
	assert_int_equal(fv[1].scans, 5);
	assert_int_equal(fv[1].networks, 3);
	assert_int_equal(fv[1].resolved_ms, 0);
	free(fv);
	assert_int_equal(store_flag_list(db, b, 0, &fv, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_int_equal(fv[0].id, f3.id);
	free(fv);
	assert_int_equal(store_flag_resolve(db, b, f1.id, "x", "n", 7000), GLOVED_ENOTFOUND);
	assert_int_equal(store_flag_resolve(db, a, f1.id + f3.id, "x", "n", 7000),
			 GLOVED_ENOTFOUND);
	assert_int_equal(store_flag_resolve(db, a, f1.id, "boss", "sold at the fair", 8000),
			 GLOVED_OK);
	assert_int_equal(store_flag_resolve(db, all, f1.id, "boss", "again", 9000),
			 GLOVED_ENOTFOUND);
	assert_int_equal(store_flag_list(db, a, 1, &fv, &n), GLOVED_OK);
	assert_int_equal(n, 0);
	free(fv);
	assert_int_equal(store_flag_list(db, all, 1, &fv, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_int_equal(fv[0].id, f3.id);
	free(fv);
	assert_int_equal(store_flag_list(db, a, 0, &fv, &n), GLOVED_OK);
	assert_int_equal(n, 1);
	assert_int_equal(fv[0].resolved_ms, 8000);
	assert_string_equal(fv[0].resolved_by, "boss");
	assert_string_equal(fv[0].note, "sold at the fair");
	free(fv);
}

int main(int argc, char **argv)
{
	store_pg_test_mode(argc, argv);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_licences_events_audits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_labels_scans_flags, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
