/* SPDX-License-Identifier: Apache-2.0 */
/* test_http_parse.c: the small parsers of src/http/ that fuzz_http drives
 * (http_int.h): decimal quantities near the top of int64 (a finding of
 * fuzz_http: 19 digits overflowed before the maximum was checked), the
 * router's parameter check, months and the portal's form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/http_int.h"
#include "util/ltime.h"

static void test_fixed_top_of_int64(void **state)
{
	(void)state;
	int64_t v = 0;
	/* the bounds of test ids (INT64_MAX / 10): 19 digits are refused, not
	 * overflowed */
	assert_int_equal(http__parse_fixed("9223372036854775808", 0, INT64_MAX / 10, &v), -1);
	assert_int_equal(http__parse_fixed("9223372036854775807", 0, INT64_MAX / 10, &v), -1);
	assert_int_equal(http__parse_fixed("922337203685477580", 0, INT64_MAX / 10, &v), 0);
	assert_int_equal(v, INT64_MAX / 10);
	assert_int_equal(http__parse_fixed("922337203685477581", 0, INT64_MAX / 10, &v), -1);
	/* the scaling by the missing decimals is checked as well */
	assert_int_equal(http__parse_fixed("999999999999999", 6, 1000000000000000LL, &v), -1);
	assert_int_equal(http__parse_fixed("1000000000", 6, 1000000000000000LL, &v), 0);
	assert_int_equal(v, 1000000000000000LL);
	assert_int_equal(http__parse_fixed("12.5", 2, 100000000, &v), 0);
	assert_int_equal(v, 1250);
	assert_int_equal(http__parse_fixed("12.505", 2, 100000000, &v), -1);
}

/* ?from= of the live feed in Unix ms: a number too long for int64 is
 * refused, not read as LLONG_MAX (a finding of fuzz_http) */
static void test_time_digits(void **state)
{
	(void)state;
	int64_t ms = 0;
	assert_int_equal(ltime_parse("1764400000000", &ms), 0);
	assert_int_equal(ms, 1764400000000LL);
	assert_int_equal(ltime_parse("999999999999999999", &ms), 0);
	assert_int_not_equal(ltime_parse("20555555555555555555503", &ms), 0);
	assert_int_not_equal(ltime_parse("9223372036854775808", &ms), 0);
}

static void test_param_text(void **state)
{
	(void)state;
	assert_int_equal(http__param_text_ok("HA01", 4), 1);
	assert_int_equal(http__param_text_ok("HA01\0junk", 9), 0);
	assert_int_equal(http__param_text_ok("\xff\xfe", 2), 0);
	assert_int_equal(http__param_text_ok("a\tb", 3), 0);
	assert_int_equal(http__json_has_nul("{\"a\":\"x\\u0000y\"}", 16), 1);
	assert_int_equal(http__json_has_nul("{\"a\":\"x\\\\u0000y\"}", 17), 0);
}

/* a JSON text field refuses control characters, DEL included (a finding
 * of fuzz_http: DEL got through where a query parameter refuses it); the
 * refusal is answered (no connection here: the reply goes nowhere) */
static void test_field_text_del(void **state)
{
	(void)state;
	http_req r;
	memset(&r, 0, sizeof r);
	enum MHD_Result ret = MHD_YES;
	char dst[16];
	cJSON *j = cJSON_Parse("{\"name\":\"x\\u007fy\",\"ok\":\"Line 1\"}");
	assert_non_null(j);
	assert_int_equal(http__field_text(&r, j, "name", 1, 0, dst, sizeof dst, &ret), -1);
	assert_int_equal(r.done, 1);
	r.done = 0;
	assert_int_equal(http__field_text(&r, j, "ok", 1, 0, dst, sizeof dst, &ret), 0);
	assert_string_equal(dst, "Line 1");
	assert_int_equal(r.done, 0);
	cJSON_Delete(j);
}

static void test_month_and_form(void **state)
{
	(void)state;
	int32_t m = 0;
	assert_int_equal(http__month_parse("2026-03", &m), 0);
	assert_int_equal(m, 202603);
	assert_int_equal(http__month_parse("202603", &m), 0);
	assert_int_equal(http__month_parse("2026-13", &m), -1);
	assert_int_equal(http__month_parse("+026-03", &m), -1);
	http_form_field f[4];
	size_t n = 0;
	const char *body = "name=Li+Wei&=dropped&msg=a%0D%0Ab";
	assert_int_equal(http__form_parse(body, strlen(body), f, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].val, "Li Wei");
	assert_string_equal(f[1].val, "a\r\nb");
	assert_int_equal(http__form_parse("a=%00", 5, f, 4, &n), -1);
	assert_int_equal(http__form_parse("a=%4", 4, f, 4, &n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixed_top_of_int64), cmocka_unit_test(test_time_digits),
	    cmocka_unit_test(test_param_text),         cmocka_unit_test(test_field_text_del),
	    cmocka_unit_test(test_month_and_form),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
