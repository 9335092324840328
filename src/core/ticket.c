/* SPDX-License-Identifier: Apache-2.0 */
/* ticket.c: bundle ticket codes (see ticket.h). libsodium's
 * crypto_generichash is keyed BLAKE2b; the comparison is constant time
 * (sodium_memcmp). */
#include "core/ticket.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void mac_of(const uint8_t *key, int64_t bundle_id, int32_t seq, char out[TICKET_MAC_LEN + 1])
{
	char msg[48];
	int n = snprintf(msg, sizeof msg, "%lld-%d", (long long)bundle_id, (int)seq);
	uint8_t h[16];
	crypto_generichash(h, sizeof h, (const unsigned char *)msg, (unsigned long long)n, key,
			   TICKET_KEY_LEN);
	uint32_t v = ((uint32_t)h[0] << 22) | ((uint32_t)h[1] << 14) | ((uint32_t)h[2] << 6) |
		     ((uint32_t)h[3] >> 2); /* 30 bits */
	for (int i = TICKET_MAC_LEN - 1; i >= 0; i--) {
		out[i] = alphabet[v & 31];
		v >>= 5;
	}
	out[TICKET_MAC_LEN] = '\0';
}

int ticket_code(const uint8_t *key, int64_t bundle_id, int32_t seq, char *out, size_t len)
{
	if (bundle_id <= 0 || seq <= 0 || len < TICKET_CODE_BUF)
		return -1;
	char mac[TICKET_MAC_LEN + 1];
	mac_of(key, bundle_id, seq, mac);
	int n = snprintf(out, len, "%lld-%d-%s", (long long)bundle_id, (int)seq, mac);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* A Crockford base32 character in canonical form, or 0. */
static char canon(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == 'I' || c == 'L')
		c = '1';
	if (c == 'O')
		c = '0';
	return c && strchr(alphabet, c) ? c : 0;
}

static int digits(const char **p, int64_t max, int64_t *out)
{
	int64_t v = 0;
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
		s++;
	}
	*p = s;
	*out = v;
	return 0;
}

int ticket_parse(const char *code, int64_t *bundle_id, int32_t *seq, char mac[TICKET_MAC_LEN + 1])
{
	if (!code || strlen(code) > TICKET_CODE_BUF)
		return -1;
	const char *p = code;
	while (*p == ' ' || *p == '\t')
		p++;
	int64_t b, s;
	if (digits(&p, INT64_C(1000000000000), &b) || b <= 0 || *p++ != '-' ||
	    digits(&p, 999, &s) || s <= 0 || *p++ != '-')
		return -1;
	for (int i = 0; i < TICKET_MAC_LEN; i++) {
		char c = canon(*p++);
		if (!c)
			return -1;
		mac[i] = c;
	}
	mac[TICKET_MAC_LEN] = '\0';
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p)
		return -1;
	*bundle_id = b;
	*seq = (int32_t)s;
	return 0;
}

int ticket_verify(const uint8_t *key, int64_t bundle_id, int32_t seq, const char *mac)
{
	char want[TICKET_MAC_LEN + 1];
	mac_of(key, bundle_id, seq, want);
	return strlen(mac) == TICKET_MAC_LEN && sodium_memcmp(want, mac, TICKET_MAC_LEN) == 0;
}
