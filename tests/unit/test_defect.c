/* SPDX-License-Identifier: Apache-2.0 */
/* test_defect.c: the defect catalogue (core/defect.c): every code is
 * unique, well-formed and found by defect_find; every type has zh-CN and
 * English names and a class; the types the issue names are present with
 * the class an inspector expects; class and family names parse both ways
 * and unknown ones are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "core/defect.h"

static void test_codes_unique_and_found(void **state)
{
	(void)state;
	size_t n = 0;
	const defect_type *c = defect_catalogue(&n);
	assert_true(n >= 20);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(c[i].code);
		size_t len = strlen(c[i].code);
		assert_true(len > 0 && len < 32);
		for (size_t k = 0; k < len; k++)
			assert_true((c[i].code[k] >= 'a' && c[i].code[k] <= 'z') ||
				    c[i].code[k] == '_');
		assert_true(strlen(c[i].zh) > 0);
		assert_true(strlen(c[i].en) > 0);
		assert_true((unsigned)c[i].cls < DEFECT_CLASS_COUNT);
		assert_true(c[i].families != 0 && (c[i].families & ~(unsigned)DEFECT_ANY) == 0);
		assert_ptr_equal(defect_find(c[i].code), &c[i]);
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(c[i].code, c[j].code);
	}
}

static void test_named_types(void **state)
{
	(void)state;
	static const struct {
		const char *code, *zh;
		defect_class cls;
	} want[] = {
	    {"hole", "破洞", DEFECT_MAJOR},
	    {"open_seam", "开线", DEFECT_MAJOR},
	    {"skipped_stitch", "跳针", DEFECT_MAJOR},
	    {"thin_coating", "涂层薄", DEFECT_MAJOR},
	    {"bare_coating", "漏胶露底", DEFECT_CRITICAL},
	    {"wrong_size", "尺码错", DEFECT_MAJOR},
	    {"mismatched_pair", "配双不符", DEFECT_MAJOR},
	    {"stain", "污渍", DEFECT_MINOR},
	    {"loose_thread", "线头", DEFECT_MINOR},
	    {"wrong_label", "标签错", DEFECT_MAJOR},
	    {"needle_fragment", "断针残留", DEFECT_CRITICAL},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const defect_type *t = defect_find(want[i].code);
		assert_non_null(t);
		assert_string_equal(t->zh, want[i].zh);
		assert_int_equal(t->cls, want[i].cls);
	}
	assert_true(defect_find("open_seam")->families & DEFECT_SEWN);
	assert_false(defect_find("open_seam")->families & DEFECT_DIPPED);
	assert_true(defect_find("thin_coating")->families == DEFECT_DIPPED);
}

static void test_unknown(void **state)
{
	(void)state;
	assert_null(defect_find(NULL));
	assert_null(defect_find(""));
	assert_null(defect_find("Hole"));
	assert_null(defect_find("hole "));
	assert_null(defect_find("holes"));
}

static void test_classes(void **state)
{
	(void)state;
	for (int c = 0; c < DEFECT_CLASS_COUNT; c++) {
		defect_class back = DEFECT_CLASS_COUNT;
		assert_int_equal(defect_class_parse(defect_class_name((defect_class)c), &back), 0);
		assert_int_equal(back, c);
	}
	assert_string_equal(defect_class_name(DEFECT_CRITICAL), "critical");
	assert_string_equal(defect_class_zh(DEFECT_MINOR), "轻微");
	assert_string_equal(defect_class_name(DEFECT_CLASS_COUNT), "?");
	assert_string_equal(defect_class_zh((defect_class)-1), "?");
	defect_class x = DEFECT_MAJOR;
	assert_int_equal(defect_class_parse("Critical", &x), -1);
	assert_int_equal(defect_class_parse("", &x), -1);
	assert_int_equal(defect_class_parse(NULL, &x), -1);
	assert_int_equal(x, DEFECT_MAJOR);
}

static void test_families(void **state)
{
	(void)state;
	assert_int_equal(defect_family_parse("sewn"), DEFECT_SEWN);
	assert_int_equal(defect_family_parse("knitted"), DEFECT_KNITTED);
	assert_int_equal(defect_family_parse("dipped"), DEFECT_DIPPED);
	assert_int_equal(defect_family_parse("any"), DEFECT_ANY);
	assert_int_equal(defect_family_parse("woven"), 0);
	assert_int_equal(defect_family_parse(NULL), 0);
	/* each family has defects of its own kind to record */
	size_t n;
	const defect_type *c = defect_catalogue(&n);
	unsigned seen = 0;
	for (size_t i = 0; i < n; i++)
		if (c[i].families != DEFECT_ANY)
			seen |= c[i].families;
	assert_int_equal(seen, DEFECT_ANY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_codes_unique_and_found),
	    cmocka_unit_test(test_named_types),
	    cmocka_unit_test(test_unknown),
	    cmocka_unit_test(test_classes),
	    cmocka_unit_test(test_families),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
