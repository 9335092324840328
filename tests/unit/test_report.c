/* SPDX-License-Identifier: Apache-2.0 */
/* test_report.c: parsing and validation of machine reports
 * (ingest/report.c) against a real SQLite registry in a temp file: good
 * arrays and NDJSON, and each kind of bad record refused with the record's
 * index and a message naming the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/state.h"
#include "app/registry.h"
#include "ingest/report.h"
#include "store/store.h"
#include "util/err.h"

static char path[64];
static store *db;
static registry *reg;
static int64_t ent_a, ent_b;
static const int64_t NOW = 1764400000000;

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof path, "/tmp/gloved-test-report-%d.db", (int)getpid());
	unlink(path);
	store_options o = {0};
	assert_int_equal(store_open(path, STORE_WRITE, &o, &db), 0);
	store_scope all = {0};
	store_enterprise a = {0, "PY01", "A", ""}, b = {0, "GM01", "B", ""};
	assert_int_equal(store_enterprise_add(db, all, &a), 0);
	assert_int_equal(store_enterprise_add(db, all, &b), 0);
	ent_a = a.id;
	ent_b = b.id;
	store_workshop wa = {0, a.id, "W1", "w"}, wb = {0, b.id, "W1", "w"};
	assert_int_equal(store_workshop_add(db, all, &wa), 0);
	assert_int_equal(store_workshop_add(db, all, &wb), 0);
	store_machine m1 = {0, a.id, wa.id, "K001", "knitting", 13, 120000, 64};
	store_machine m2 = {0, a.id, wa.id, "K016", "knitting", 13, 120000, 16};
	store_machine m3 = {0, b.id, wb.id, "B001", "knitting", 13, 120000, 64};
	assert_int_equal(store_machine_add(db, all, &m1), 0);
	assert_int_equal(store_machine_add(db, all, &m2), 0);
	assert_int_equal(store_machine_add(db, all, &m3), 0);
	reg = registry_new();
	assert_int_equal(registry_refresh(reg, db, 1), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	registry_free(reg);
	store_close(db);
	unlink(path);
	char p[80];
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	return 0;
}

static int parse(const char *body, size_t max, ingest_record **out, size_t *n, report_error *e)
{
	report_ctx ctx = {reg, db, ent_a, "PY01", NOW, 300000, NULL};
	return report_parse_body(&ctx, body, strlen(body), max, out, n, e);
}

static void test_array_and_ndjson(void **state)
{
	(void)state;
	ingest_record *r = NULL;
	size_t n = 0;
	report_error e;
	assert_int_equal(parse("[{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":5,"
			       "\"reject\":1,\"state\":\"stop\",\"reason\":\"yarn_break\","
			       "\"worker\":\"W07\",\"seq\":9}]",
			       100, &r, &n, &e),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].count, 5);
	assert_int_equal(r[0].reject, 1);
	assert_int_equal(r[0].state, MS_STOP);
	assert_string_equal(r[0].reason, "yarn_break");
	assert_string_equal(r[0].worker, "W07");
	free(r);
	assert_int_equal(parse("{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":1,\"state\":"
			       "\"run\"}\n\n{\"machine\":\"K016\",\"ts\":1764400001000,\"count\":2,"
			       "\"state\":\"idle\"}\n",
			       100, &r, &n, &e),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[1].count, 2);
	free(r);
}

typedef struct bad_case {
	const char *body;
	long record;
	int status;
	const char *needle;
} bad_case;

static void test_bad_records(void **state)
{
	(void)state;
	static const bad_case cases[] = {
	    {"[{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":1,\"state\":\"run\"},"
	     "{\"machine\":\"K001\",\"ts\":1764400000001,\"count\":-1,\"state\":\"run\"}]",
	     1, 400, "'count'"},
	    {"[{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":1.5,\"state\":\"run\"}]", 0,
	     400, "'count'"},
	    {"[{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":\"7\",\"state\":\"run\"}]", 0,
	     400, "'count'"},
	    {"[{\"machine\":\"K999\",\"ts\":1764400000000,\"count\":1,\"state\":\"run\"}]", 0, 404,
	     "K999"},
	    {"[{\"machine\":\"B001\",\"ts\":1764400000000,\"count\":1,\"state\":\"run\"}]", 0, 404,
	     "B001"},
	    {"[{\"machine\":\"K001\",\"ts\":1764403600000,\"count\":1,\"state\":\"run\"}]", 0, 400,
	     "future"},
	    {"[{\"machine\":\"K001\",\"ts\":1764400000,\"count\":1,\"state\":\"run\"}]", 0, 400,
	     "milliseconds"},
	    {"[{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":1}]", 0, 400, "'state'"},
	    {"[{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":1,\"state\":\"dancing\"}]", 0,
	     400, "'state'"},
	    {"[{\"machine\":\"K016\",\"ts\":1764400000000,\"count\":70000,\"state\":\"run\"}]", 0,
	     400, "16-bit"},
	    {"[{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":1,\"state\":\"run\","
	     "\"reason\":\"a b\"}]",
	     0, 400, "'reason'"},
	    {"[{\"ts\":1764400000000,\"count\":1,\"state\":\"run\"}]", 0, 400, "'machine'"},
	    {"[1]", 0, 400, "object"},
	    {"[{\"machine\":\"K001\",", -1, 400, "malformed"},
	    {"{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":1,\"state\":\"run\"}\n{oops}", 1,
	     400, "malformed"},
	    {"", -1, 400, "empty"},
	    {"[{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":1,\"state\":\"run\"}] x", -1,
	     400, "array"},
	/* what got through before: a fraction below a double's precision
	 * (read as 1), -0, 2^53 + 1 (read as 2^53), a repeated field (the
	 * first counted, the second never checked) */
#define R(fields) "[{\"machine\":\"K001\",\"ts\":1764400000000,\"state\":\"run\"," fields "}]"
	    {R("\"count\":1.0000000000000000001"), 0, 400, "'count' must be a whole number"},
	    {R("\"count\":-0"), 0, 400, "'count'"},
	    {R("\"count\":9007199254740993"), 0, 400, "'count'"},
	    {R("\"count\":9007199254740992"), 0, 400, "'count'"},
	    {R("\"count\":18446744073709551616"), 0, 400, "'count'"},
	    {R("\"count\":1e16"), 0, 400, "'count'"},
	    {R("\"count\":1,\"reject\":9007199254740993"), 0, 400, "'reject'"},
	    {R("\"count\":1,\"reject\":0.5"), 0, 400, "'reject'"},
	    {R("\"count\":1,\"seq\":18446744073709551616"), 0, 400, "'seq'"},
	    {R("\"count\":1,\"seq\":-1"), 0, 400, "'seq'"},
	    {R("\"count\":true"), 0, 400, "'count'"},
	    {R("\"count\":1,\"count\":\"junk\""), 0, 400, "'count' appears twice"},
	    {R("\"count\":1,\"count\":null"), 0, 400, "'count' appears twice"},
	    {R("\"count\":1,\"machine\":\"K016\""), 0, 400, "'machine' appears twice"},
	    {R("\"count\":1,\"ts\":1"), 0, 400, "'ts' appears twice"},
	    {R("\"count\":1,\"state\":\"off\""), 0, 400, "'state' appears twice"},
	    {R("\"count\":1,\"ts\":1764400000000.5"), 0, 400, "'ts'"},
	    {R("\"count\":1,\"worker\":\"WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW\""), 0, 400, "'worker'"},
	    {R("\"count\":1,\"worker\":\"W W\""), 0, 400, "'worker'"},
	    {R("\"count\":1,\"reason\":"
	       "\"RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR"
	       "RRRRRRRRRR\""),
	     0, 400, "'reason'"},
	    {"[{\"machine\":\"KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK\",\"ts\":1764400000000,\"count\":1,"
	     "\"state\":\"run\"}]",
	     0, 400, "'machine'"},
#undef R
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ingest_record *r = (ingest_record *)1;
		size_t n = 99;
		report_error e;
		int rc = parse(cases[i].body, 100, &r, &n, &e);
		if (rc == 0 || e.record != cases[i].record || e.status != cases[i].status ||
		    !strstr(e.message, cases[i].needle))
			fail_msg("case %zu: rc=%d record=%ld status=%d message=%s", i, rc, e.record,
				 e.status, rc ? e.message : "");
		assert_null(r);
		assert_int_equal(n, 0);
	}
}

/* The scanner accepts exactly JSON: escapes, nested fields it does not
 * know, exponent integers; and refuses what JSON does not allow. */
static void test_json_grammar(void **state)
{
	(void)state;
	static const char *const good[] = {
	    "[{\"machine\":\"K\\u0030\\u00301\",\"ts\":1764400000000,\"count\":1e3,"
	    "\"state\":\"run\",\"note\":\"\\u624b\\u5957 \\ud83e\\udde4\","
	    "\"extra\":{\"a\":[1,2,{\"b\":null}],\"c\":true,\"d\":-0.5e-3}}]",
	    " [ { \"state\" : \"run\" , \"count\" : 0 , \"ts\" : 1764400000000 ,"
	    " \"machine\" : \"K001\" , \"reason\" : null } ] \r\n",
	    "[]",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		ingest_record *r = NULL;
		size_t n = 0;
		report_error e;
		int rc = parse(good[i], 100, &r, &n, &e);
		if (rc)
			fail_msg("good %zu refused: %s", i, e.message);
		if (i == 0) {
			assert_int_equal(n, 1);
			assert_int_equal(r[0].count, 1000);
		}
		free(r);
	}
	static const char *const bad_json[] = {
	    "[{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":01,\"state\":\"run\"}]",
	    "[{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":1,\"state\":\"run\",}]",
	    "[{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":1,\"state\":\"run\"},]",
	    "[{\"machine\":\"K0\x01\",\"ts\":1764400000000,\"count\":1,\"state\":\"run\"}]",
	    "[{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":1,\"state\":\"run\","
	    "\"x\":\"\\ud800\"}]",
	    "[{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":1,\"state\":\"run\","
	    "\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]",
	    "[{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":1,\"state\":\"run\","
	    "\"x\":tru}]",
	    "[{'machine':'K001'}]",
	    "[{\"machine\":\"K001\" \"ts\":1}]",
	};
	for (size_t i = 0; i < sizeof bad_json / sizeof bad_json[0]; i++) {
		ingest_record *r = NULL;
		size_t n = 0;
		report_error e;
		int rc = parse(bad_json[i], 100, &r, &n, &e);
		if (rc == 0 || e.status != 400 || !strstr(e.message, "malformed"))
			fail_msg("bad %zu: rc=%d message=%s", i, rc, rc ? e.message : "accepted");
		assert_null(r);
	}
}

/* Whole numbers however they are written, up to 2^53 - 1, exactly. */
static void test_whole_numbers(void **state)
{
	(void)state;
	static const struct {
		const char *count;
		uint64_t want;
	} ok[] = {
	    {"0", 0},
	    {"12.0", 12},
	    {"1.2e1", 12},
	    {"1200e-2", 12},
	    {"0.0e5", 0},
	    {"999999999999999", 999999999999999ULL},
	    {"9007199254740991", 9007199254740991ULL},
	    {"90071992547409.91e2", 9007199254740991ULL},
	    {"9.007199254740991E15", 9007199254740991ULL},
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		char body[200];
		snprintf(body, sizeof body,
			 "[{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":%s,\"reject\":%s,"
			 "\"state\":\"run\"}]",
			 ok[i].count, ok[i].count);
		ingest_record *r = NULL;
		size_t n = 0;
		report_error e;
		if (parse(body, 10, &r, &n, &e))
			fail_msg("%s refused: %s", ok[i].count, e.message);
		assert_true(r[0].count == ok[i].want);
		assert_true(r[0].reject == ok[i].want);
		free(r);
	}
	/* the same ceiling for a report that arrived typed (Sparkplug UInt64) */
	report_ctx ctx = {reg, db, ent_a, "PY01", NOW, 300000, NULL};
	store_machine m;
	assert_int_equal(registry_machine_by_code(reg, ent_a, "K001", &m), 0);
	ingest_record rec = {m.id, NOW, 9007199254740991ULL, 0, MS_RUN, "", "", 0};
	report_error e;
	assert_int_equal(report_check(&ctx, &m, &rec, 0, &e), 0);
	rec.count = 9007199254740992ULL;
	assert_int_equal(report_check(&ctx, &m, &rec, 3, &e), GLOVED_EINVAL);
	assert_int_equal(e.record, 3);
	assert_non_null(strstr(e.message, "'count'"));
	rec.count = 1;
	rec.reject = UINT64_MAX;
	assert_int_equal(report_check(&ctx, &m, &rec, 0, &e), GLOVED_EINVAL);
	assert_non_null(strstr(e.message, "'reject'"));
}

static void test_too_many_records(void **state)
{
	(void)state;
	ingest_record *r = NULL;
	size_t n = 0;
	report_error e;
	const char *body =
	    "[{\"machine\":\"K001\",\"ts\":1764400000000,\"count\":1,\"state\":\"run\"},"
	    "{\"machine\":\"K001\",\"ts\":1764400001000,\"count\":1,\"state\":\"run\"}]";
	assert_int_not_equal(parse(body, 1, &r, &n, &e), 0);
	assert_int_equal(e.status, 413);
}

static void test_topic_machine(void **state)
{
	(void)state;
	report_ctx ctx = {reg, db, ent_a, "PY01", NOW, 300000, "K001"};
	ingest_record *r = NULL;
	size_t n = 0;
	report_error e;
	const char *ok = "{\"ts\":1764400000000,\"count\":3,\"state\":\"run\"}";
	assert_int_equal(report_parse_body(&ctx, ok, strlen(ok), 10, &r, &n, &e), 0);
	assert_int_equal(n, 1);
	free(r);
	const char *clash =
	    "{\"machine\":\"K016\",\"ts\":1764400000000,\"count\":3,\"state\":\"run\"}";
	assert_int_not_equal(report_parse_body(&ctx, clash, strlen(clash), 10, &r, &n, &e), 0);
	assert_non_null(strstr(e.message, "topic"));
	(void)ent_b;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_array_and_ndjson), cmocka_unit_test(test_bad_records),
	    cmocka_unit_test(test_json_grammar),     cmocka_unit_test(test_too_many_records),
	    cmocka_unit_test(test_topic_machine),    cmocka_unit_test(test_whole_numbers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
