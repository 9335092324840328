/* SPDX-License-Identifier: Apache-2.0 */
/* test_label_sign.c: util/label_sign.c: a payload made and parsed back
 * gives the same fields; a signature verifies with its key only; changing
 * any one field of the payload (or one character of the signature) makes
 * it fail; serials are valid, distinct, and refuse one wrong character or
 * two swapped; malformed payloads and base64 are refused; the URL carries
 * the payload and signature a phone decodes back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/label_sign.h"

static label_fields sample(void)
{
	label_fields f;
	memset(&f, 0, sizeof f);
	label_serial_new(f.serial);
	snprintf(f.firm_code, sizeof f.firm_code, "JX01");
	snprintf(f.firm_name, sizeof f.firm_name, "嘉祥县宏达手套有限公司");
	snprintf(f.style, sizeof f.style, "SKI-01");
	snprintf(f.size, sizeof f.size, "8");
	f.pairs = 120;
	snprintf(f.lot, sizeof f.lot, "LOT-JX-01");
	snprintf(f.day, sizeof f.day, "2026-12-01");
	snprintf(f.en388, sizeof f.en388, "4X43C");
	f.brand = 1;
	return f;
}

static void test_round_trip(void **state)
{
	(void)state;
	label_fields f = sample(), g;
	char p[LABEL_PAYLOAD_MAX];
	assert_int_equal(label_payload_make(&f, p, sizeof p), 0);
	assert_true(strncmp(p, "gloved-label-1|", 15) == 0);
	assert_int_equal(label_payload_parse(p, &g), 0);
	assert_string_equal(g.serial, f.serial);
	assert_string_equal(g.firm_name, f.firm_name);
	assert_string_equal(g.en388, "4X43C");
	assert_int_equal(g.pairs, 120);
	assert_int_equal(g.brand, 1);
	/* a '|' in a name cannot shift the fields */
	snprintf(f.firm_name, sizeof f.firm_name, "A|B\nC");
	assert_int_equal(label_payload_make(&f, p, sizeof p), 0);
	assert_int_equal(label_payload_parse(p, &g), 0);
	assert_string_equal(g.firm_name, "A B C");
	assert_string_equal(g.style, "SKI-01");
	/* required fields */
	f = sample();
	f.pairs = 0;
	assert_int_equal(label_payload_make(&f, p, sizeof p), -1);
	f = sample();
	f.pairs = LABEL_PAIRS_MAX + 1;
	assert_int_equal(label_payload_make(&f, p, sizeof p), -1);
	f.pairs = LABEL_PAIRS_MAX;
	assert_int_equal(label_payload_make(&f, p, sizeof p), 0);
	assert_int_equal(label_payload_parse(p, &g), 0);
	assert_true(g.pairs == LABEL_PAIRS_MAX);
	f = sample();
	f.lot[0] = 0;
	assert_int_equal(label_payload_make(&f, p, sizeof p), -1);
	f = sample();
	assert_int_equal(label_payload_make(&f, p, 40), -1);
}

static void test_sign_verify_tamper(void **state)
{
	(void)state;
	uint8_t pk[LABEL_PK_BYTES], sk[LABEL_SK_BYTES], pk2[LABEL_PK_BYTES], sk2[LABEL_SK_BYTES];
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	label_fields f = sample();
	char p[LABEL_PAYLOAD_MAX], sig[LABEL_SIG_MAX];
	assert_int_equal(label_payload_make(&f, p, sizeof p), 0);
	assert_int_equal(label_sign(p, sk, sig, sizeof sig), 0);
	assert_int_equal(strlen(sig), 86);
	assert_int_equal(label_verify(p, sig, pk), 1);
	assert_int_equal(label_verify(p, sig, pk2), 0); /* another cluster's key */
	/* change each field in turn: the signature no longer holds */
	for (int k = 0; k < 10; k++) {
		label_fields t = f;
		switch (k) {
		case 0:
			label_serial_new(t.serial);
			break;
		case 1:
			t.firm_code[3] = '2';
			break;
		case 2:
			t.firm_name[0] = 'X';
			break;
		case 3:
			t.style[4] = '2';
			break;
		case 4:
			t.size[0] = '9';
			break;
		case 5:
			t.pairs = 1200;
			break;
		case 6:
			t.lot[8] = '2';
			break;
		case 7:
			t.day[9] = '2';
			break;
		case 8:
			t.en388[4] = 'F';
			break;
		case 9:
			t.brand = 0;
			break;
		}
		char q[LABEL_PAYLOAD_MAX];
		assert_int_equal(label_payload_make(&t, q, sizeof q), 0);
		assert_string_not_equal(q, p);
		assert_int_equal(label_verify(q, sig, pk), 0);
	}
	/* one byte of the payload or the signature changed */
	char q[LABEL_PAYLOAD_MAX];
	snprintf(q, sizeof q, "%s", p);
	q[strlen(q) - 3] ^= 1;
	assert_int_equal(label_verify(q, sig, pk), 0);
	char s2[LABEL_SIG_MAX];
	snprintf(s2, sizeof s2, "%s", sig);
	s2[10] = s2[10] == 'A' ? 'B' : 'A';
	assert_int_equal(label_verify(p, s2, pk), 0);
	assert_int_equal(label_verify(p, "", pk), 0);
	assert_int_equal(label_verify(p, "not base64!", pk), 0);
	s2[40] = 0;
	assert_int_equal(label_verify(p, s2, pk), 0);
}

static void test_serials(void **state)
{
	(void)state;
	char a[LABEL_SERIAL_LEN + 1], b[LABEL_SERIAL_LEN + 1];
	label_serial_new(a);
	label_serial_new(b);
	assert_int_equal(strlen(a), LABEL_SERIAL_LEN);
	assert_string_not_equal(a, b);
	for (int n = 0; n < 200; n++) {
		label_serial_new(a);
		assert_true(label_serial_valid(a));
		for (int i = 0; a[i]; i++)
			assert_null(strchr("01OIL", a[i]));
		/* every single wrong character is caught */
		for (int i = 0; i < LABEL_SERIAL_LEN; i++) {
			snprintf(b, sizeof b, "%s", a);
			b[i] = b[i] == '2' ? '3' : '2';
			assert_false(label_serial_valid(b));
		}
		/* every swap of two different neighbours is caught */
		for (int i = 0; i + 1 < LABEL_SERIAL_LEN; i++) {
			if (a[i] == a[i + 1])
				continue;
			snprintf(b, sizeof b, "%s", a);
			b[i] = a[i + 1];
			b[i + 1] = a[i];
			assert_false(label_serial_valid(b));
		}
	}
	assert_false(label_serial_valid(NULL));
	assert_false(label_serial_valid(""));
	assert_false(label_serial_valid("ABCDEFGHJK"));
	assert_false(label_serial_valid("abcdefghjkm"));
}

static void test_malformed(void **state)
{
	(void)state;
	label_fields g;
	label_fields f = sample();
	char p[LABEL_PAYLOAD_MAX];
	assert_int_equal(label_payload_make(&f, p, sizeof p), 0);
	char q[LABEL_PAYLOAD_MAX + 8];
	assert_int_equal(label_payload_parse(NULL, &g), -1);
	assert_int_equal(label_payload_parse("", &g), -1);
	snprintf(q, sizeof q, "gloved-label-2%s", p + 14);
	assert_int_equal(label_payload_parse(q, &g), -1);
	snprintf(q, sizeof q, "%s|extra", p);
	assert_int_equal(label_payload_parse(q, &g), -1);
	snprintf(q, sizeof q, "%.*s", (int)(strrchr(p, '|') - p), p);
	assert_int_equal(label_payload_parse(q, &g), -1);
	/* pairs not a number */
	snprintf(q, sizeof q, "%s", p);
	char *pairs = strstr(q, "|120|");
	assert_non_null(pairs);
	pairs[1] = 'x';
	assert_int_equal(label_payload_parse(q, &g), -1);
	/* one label, one payload: no leading zero or sign in pairs */
	pairs[1] = '0';
	assert_int_equal(label_payload_parse(q, &g), -1);
	pairs[1] = '+';
	assert_int_equal(label_payload_parse(q, &g), -1);
	/* more digits than a label carries: refused, not cut to LLONG_MAX (a
	 * payload the fuzzer found that parsed but made another) */
	f = sample();
	assert_int_equal(label_payload_make(&f, p, sizeof p), 0);
	pairs = strstr(p, "|120|");
	snprintf(q, sizeof q, "%.*s|1555555555555555555552|%s", (int)(pairs - p), p, pairs + 5);
	assert_int_equal(label_payload_parse(q, &g), -1);
	snprintf(q, sizeof q, "%.*s|1000000000000|%s", (int)(pairs - p), p, pairs + 5);
	assert_int_equal(label_payload_parse(q, &g), -1);
	char out[8];
	assert_int_equal(label_b64_decode("@@@", out, sizeof out), -1);
	assert_int_equal(label_b64_decode("QUJD", out, sizeof out), 3);
	assert_int_equal(label_b64_decode("QUJDREVGR0hJSktM", out, sizeof out), -1); /* too long */
}

static void test_url(void **state)
{
	(void)state;
	uint8_t pk[LABEL_PK_BYTES], sk[LABEL_SK_BYTES];
	crypto_sign_keypair(pk, sk);
	label_fields f = sample();
	char p[LABEL_PAYLOAD_MAX], sig[LABEL_SIG_MAX], url[LABEL_URL_MAX];
	assert_int_equal(label_payload_make(&f, p, sizeof p), 0);
	assert_int_equal(label_sign(p, sk, sig, sizeof sig), 0);
	assert_int_equal(label_url("https://gloves.example.cn/", f.serial, p, sig, url, sizeof url),
			 0);
	char want[64];
	snprintf(want, sizeof want, "https://gloves.example.cn/v/%s?p=", f.serial);
	assert_true(strncmp(url, want, strlen(want)) == 0);
	/* the phone's side: cut p and s out, decode, verify */
	char *ps = strstr(url, "?p=") + 3, *ss = strstr(url, "&s=");
	*ss = 0;
	char back[LABEL_PAYLOAD_MAX];
	long n = label_b64_decode(ps, back, sizeof back - 1);
	assert_true(n > 0);
	back[n] = 0;
	assert_string_equal(back, p);
	assert_int_equal(label_verify(back, ss + 3, pk), 1);
	assert_int_equal(label_url("http://x", f.serial, p, sig, url, 50), -1);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip), cmocka_unit_test(test_sign_verify_tamper),
	    cmocka_unit_test(test_serials),    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_url),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
