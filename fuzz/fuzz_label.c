/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_label.c: libFuzzer target for what a public scan feeds gloved from
 * the outside (issue 11): the serial of /v/<serial>, the base64url payload
 * and signature of the QR URL, the payload's parser (util/label_sign.c),
 * and the glove markings of raw test values (core/glovetest.c), which a
 * test report's JSON reaches as numbers. The first input byte chooses the
 * mode; the rest is the input. Besides the sanitizers it checks the
 * contracts: a parsed payload has a valid serial and pairs >= 1 and makes
 * itself again byte for byte (label_payload_make of the fields), a decode
 * never writes past its buffer, nothing the fuzzer makes verifies under the
 * key (it has no signature of the key), and a marking is made only of the
 * levels' characters. See docs/fuzzing.md. */
#include "fuzz_text.h"
#include "core/glovetest.h"
#include "util/label_sign.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint8_t pk[LABEL_PK_BYTES], sk[LABEL_SK_BYTES];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	crypto_sign_keypair(pk, sk);
	return 0;
}

static void payload(const char *s)
{
	label_fields f;
	if (label_payload_parse(s, &f) != 0)
		return;
	if (!label_serial_valid(f.serial) || f.pairs < 1)
		abort();
	char again[LABEL_PAYLOAD_MAX];
	/* a parsed payload has no '|' inside a field, so it makes itself again
	 * unless a field held a control character (made as a space) */
	if (label_payload_make(&f, again, sizeof again) == 0) {
		int ctl = 0;
		for (const char *p = s; *p; p++)
			ctl |= (unsigned char)*p < 0x20 || *p == 0x7f;
		if (!ctl && strcmp(again, s) != 0)
			abort();
	}
	char sig[LABEL_SIG_MAX];
	if (label_sign(s, sk, sig, sizeof sig) || label_verify(s, sig, pk) != 1)
		abort();
}

static double num(const uint8_t **d, size_t *n)
{
	if (*n < 2)
		return GLOVETEST_NOT_TESTED;
	uint16_t v = (uint16_t)((*d)[0] | (*d)[1] << 8);
	*d += 2;
	*n -= 2;
	return v == 0xffff ? GLOVETEST_NOT_TESTED : v / 8.0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned mode;
	char *s = fuzz_split(&data, &size, 4096, 4, &mode);
	if (!s)
		return 0;
	switch (mode) {
	case 0: /* a serial */
		(void)label_serial_valid(s);
		break;
	case 1: { /* a QR code's p: decoded, then parsed and checked */
		char buf[LABEL_PAYLOAD_MAX + 1];
		long n = label_b64_decode(s, buf, sizeof buf - 1);
		if (n > (long)sizeof buf - 1)
			abort();
		if (n > 0) {
			buf[n] = '\0';
			if (!memchr(buf, 0, (size_t)n))
				payload(buf);
		}
		break;
	}
	case 2: /* a payload as text; and as a signature: never verifies */
		payload(s);
		if (label_verify("gloved-label-1|x", s, pk))
			abort();
		break;
	default: { /* raw test values */
		const uint8_t *d = data;
		size_t n = size;
		en388_values v;
		v.abrasion_cycles = num(&d, &n) * 100;
		v.coupe_index = num(&d, &n);
		v.tear_n = num(&d, &n);
		v.puncture_n = num(&d, &n);
		v.tdm_n = num(&d, &n);
		v.coupe_blunted = n && (d[0] & 1);
		v.impact = (en388_impact)(n ? d[0] / 2 % 3 : 0);
		en388_marks m;
		char msg[200];
		if (en388_mark(&v, &m, msg, sizeof msg) == 0) {
			size_t len = strlen(m.marking);
			if (len < 5 || len > 6 || strspn(m.marking, "012345ABCDEFXP") != len)
				abort();
		}
		en511_values c = {num(&d, &n), num(&d, &n) / 10, n ? d[0] % 3 - 1 : -1, m.abrasion,
				  m.tear};
		en511_marks cm;
		if (en511_mark(&c, &cm, msg, sizeof msg) == 0 && strlen(cm.marking) != 3)
			abort();
		(void)ansi105_cut_level(num(&d, &n) * 10);
		(void)en21420_dexterity(num(&d, &n));
		break;
	}
	}
	free(s);
	return 0;
}
