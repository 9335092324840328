/* SPDX-License-Identifier: Apache-2.0 */
/* label_sign.h: the signed text a label's QR code carries (libsodium).
 * A label's fields are written as one line,
 *   gloved-label-1|serial|firm code|firm name|style|size|pairs|lot|YYYY-MM-DD|EN 388|B or -
 * (B: a regional-brand label), signed with the cluster's Ed25519 key; the
 * QR code holds <base>/v/<serial>?p=<payload>&s=<signature>, both
 * base64url without padding, so anyone with the published public key can
 * check a label offline (docs/internals/brand.md shows how). Serials are 10
 * random characters of an alphabet without look-alikes (no 0 O 1 I L)
 * and a check character, so a serial typed by hand with one character
 * wrong or two swapped is refused. Pure functions except the random
 * serial; call secret_init() (sodium_init) first. */
#ifndef GLOVED_UTIL_LABEL_SIGN_H
#define GLOVED_UTIL_LABEL_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define LABEL_SERIAL_LEN  11
#define LABEL_PAYLOAD_MAX 512
#define LABEL_SIG_MAX     96 /* base64url of 64 bytes: 86 characters */
#define LABEL_PK_BYTES    32
#define LABEL_SK_BYTES    64
#define LABEL_URL_MAX     1400

/* The most pairs one label can carry (a payload's pairs has at most 12
 * digits), so parse and make agree on every number they accept. */
#define LABEL_PAIRS_MAX 999999999999LL

typedef struct label_fields {
	char serial[LABEL_SERIAL_LEN + 1];
	char firm_code[33];
	char firm_name[128];
	char style[33];
	char size[8];
	int64_t pairs;
	char lot[33];
	char day[11];   /* YYYY-MM-DD, the production date */
	char en388[12]; /* "" when the style has no EN 388 test */
	int brand;      /* 1: a regional-brand label */
} label_fields;

/* A new random serial into out (LABEL_SERIAL_LEN + 1 bytes). */
void label_serial_new(char *out);
/* 1 when s is a serial of the right length, alphabet and check character. */
int label_serial_valid(const char *s);

/* The payload of f into out. A '|' or control character inside a field is
 * written as a space (firm names are free text). 0, or -1 when a field is
 * empty where it may not be (serial, firm code, lot, day), the serial is
 * invalid, pairs < 1 or > LABEL_PAIRS_MAX, or out is too small. */
int label_payload_make(const label_fields *f, char *out, size_t n);
/* Parses a payload: 0, or -1 when it is not one (wrong prefix, field count,
 * a field too long, pairs not a number in 1..LABEL_PAIRS_MAX, an invalid
 * serial). */
int label_payload_parse(const char *payload, label_fields *out);

/* Signs payload with sk into sig (base64url, NUL-terminated). 0 or -1. */
int label_sign(const char *payload, const uint8_t sk[LABEL_SK_BYTES], char *sig, size_t n);
/* 1 when sig (base64url) is pk's signature of payload; 0 otherwise
 * (including a malformed sig). */
int label_verify(const char *payload, const char *sig, const uint8_t pk[LABEL_PK_BYTES]);

/* base64url without padding of len bytes into out: 0, or -1 when out is too
 * small. */
int label_b64_encode(const void *data, size_t len, char *out, size_t n);
/* Decodes base64url (no padding, no other characters) into out (cap
 * bytes): the number of bytes, or -1. */
long label_b64_decode(const char *s, void *out, size_t cap);

/* The QR URL of a label into out: <base>/v/<serial>?p=...&s=... 0 or -1. */
int label_url(const char *base, const char *serial, const char *payload, const char *sig, char *out,
	      size_t n);

#endif
