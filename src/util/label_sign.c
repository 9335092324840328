/* SPDX-License-Identifier: Apache-2.0 */
/* label_sign.c: see label_sign.h. The check character is a weighted sum
 * (weights 1..10) of the serial's characters' values mod 31, the size of
 * the alphabet and a prime: it catches any one wrong character and any swap of
 * two neighbours. */
#include "util/label_sign.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "gloved-label-1"

/* 31 characters, no 0 O 1 I L */
static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
#define ALPHA_N (sizeof alphabet - 1)

static int value_of(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

static char check_of(const char *s)
{
	unsigned sum = 0;
	for (unsigned i = 0; i < LABEL_SERIAL_LEN - 1; i++)
		sum += (i + 1) * (unsigned)value_of(s[i]);
	return alphabet[sum % ALPHA_N];
}

void label_serial_new(char *out)
{
	for (int i = 0; i < LABEL_SERIAL_LEN - 1; i++)
		out[i] = alphabet[randombytes_uniform((uint32_t)ALPHA_N)];
	out[LABEL_SERIAL_LEN - 1] = check_of(out);
	out[LABEL_SERIAL_LEN] = '\0';
}

int label_serial_valid(const char *s)
{
	if (!s || strlen(s) != LABEL_SERIAL_LEN)
		return 0;
	for (int i = 0; i < LABEL_SERIAL_LEN - 1; i++)
		if (value_of(s[i]) < 0)
			return 0;
	return s[LABEL_SERIAL_LEN - 1] == check_of(s);
}

/* Appends "|field" with '|' and controls as spaces; -1 when it does not fit. */
static int put(char *out, size_t n, size_t *at, const char *field)
{
	if (*at + 1 >= n)
		return -1;
	out[(*at)++] = '|';
	for (const char *p = field; *p; p++) {
		if (*at + 1 >= n)
			return -1;
		unsigned char c = (unsigned char)*p;
		out[(*at)++] = (c == '|' || c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	out[*at] = '\0';
	return 0;
}

int label_payload_make(const label_fields *f, char *out, size_t n)
{
	char pairs[24];
	if (!label_serial_valid(f->serial) || !f->firm_code[0] || !f->lot[0] ||
	    strlen(f->day) != 10 || f->pairs < 1 || f->pairs > LABEL_PAIRS_MAX || n < sizeof PREFIX)
		return -1;
	snprintf(pairs, sizeof pairs, "%lld", (long long)f->pairs);
	size_t at = sizeof PREFIX - 1;
	memcpy(out, PREFIX, at + 1);
	const char *fields[] = {
	    f->serial, f->firm_code, f->firm_name, f->style, f->size,
	    pairs,     f->lot,       f->day,       f->en388, f->brand ? "B" : "-"};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (put(out, n, &at, fields[i]))
			return -1;
	return 0;
}

/* Copies the field [s, e) into dst (cap bytes): -1 when too long. */
static int field(const char *s, const char *e, char *dst, size_t cap)
{
	size_t len = (size_t)(e - s);
	if (len >= cap)
		return -1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

int label_payload_parse(const char *payload, label_fields *out)
{
	memset(out, 0, sizeof *out);
	if (!payload || strncmp(payload, PREFIX "|", sizeof PREFIX) != 0 ||
	    strlen(payload) >= LABEL_PAYLOAD_MAX)
		return -1;
	const char *p = payload + sizeof PREFIX;
	const char *f[10];
	const char *e[10];
	for (int i = 0; i < 10; i++) {
		f[i] = p;
		const char *bar = strchr(p, '|');
		if ((i < 9) != (bar != NULL))
			return -1;
		e[i] = bar ? bar : p + strlen(p);
		p = bar ? bar + 1 : e[i];
	}
	char pairs[24], brand[4];
	if (field(f[0], e[0], out->serial, sizeof out->serial) ||
	    field(f[1], e[1], out->firm_code, sizeof out->firm_code) ||
	    field(f[2], e[2], out->firm_name, sizeof out->firm_name) ||
	    field(f[3], e[3], out->style, sizeof out->style) ||
	    field(f[4], e[4], out->size, sizeof out->size) ||
	    field(f[5], e[5], pairs, sizeof pairs) ||
	    field(f[6], e[6], out->lot, sizeof out->lot) ||
	    field(f[7], e[7], out->day, sizeof out->day) ||
	    field(f[8], e[8], out->en388, sizeof out->en388) ||
	    field(f[9], e[9], brand, sizeof brand))
		return -1;
	/* pairs as label_payload_make writes them: digits, no sign, no leading
	 * zero, at most 12 digits (no overflow), so one label has one payload */
	char *end = NULL;
	long long v =
	    strspn(pairs, "0123456789") == strlen(pairs) && pairs[0] != '0' && strlen(pairs) <= 12
		? strtoll(pairs, &end, 10)
		: 0;
	if (!pairs[0] || !end || *end || v < 1 || !label_serial_valid(out->serial) ||
	    (strcmp(brand, "B") != 0 && strcmp(brand, "-") != 0) || strlen(out->day) != 10)
		return -1;
	out->pairs = v;
	out->brand = brand[0] == 'B';
	return 0;
}

int label_b64_encode(const void *data, size_t len, char *out, size_t n)
{
	if (n < sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return -1;
	sodium_bin2base64(out, n, data, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

long label_b64_decode(const char *s, void *out, size_t cap)
{
	size_t len = 0;
	const char *end = NULL;
	if (!s ||
	    sodium_base642bin(out, cap, s, strlen(s), NULL, &len, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    (end && *end))
		return -1;
	return (long)len;
}

int label_sign(const char *payload, const uint8_t sk[LABEL_SK_BYTES], char *sig, size_t n)
{
	unsigned char raw[crypto_sign_BYTES];
	if (crypto_sign_detached(raw, NULL, (const unsigned char *)payload, strlen(payload), sk))
		return -1;
	return label_b64_encode(raw, sizeof raw, sig, n);
}

int label_verify(const char *payload, const char *sig, const uint8_t pk[LABEL_PK_BYTES])
{
	unsigned char raw[crypto_sign_BYTES + 1];
	if (!payload || label_b64_decode(sig, raw, sizeof raw) != crypto_sign_BYTES)
		return 0;
	return crypto_sign_verify_detached(raw, (const unsigned char *)payload, strlen(payload),
					   pk) == 0;
}

int label_url(const char *base, const char *serial, const char *payload, const char *sig, char *out,
	      size_t n)
{
	char p[LABEL_PAYLOAD_MAX * 4 / 3 + 8];
	if (label_b64_encode(payload, strlen(payload), p, sizeof p))
		return -1;
	size_t bl = strlen(base);
	while (bl && base[bl - 1] == '/')
		bl--;
	int w = snprintf(out, n, "%.*s/v/%s?p=%s&s=%s", (int)bl, base, serial, p, sig);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}
