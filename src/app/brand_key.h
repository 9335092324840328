/* SPDX-License-Identifier: Apache-2.0 */
/* brand_key.h: the cluster's Ed25519 key that signs brand labels. Kept in
 * a file of its own ([brand] key_file, default <db>.brand.key), made on the
 * first start with mode 0600 and refused when group or others may read it
 * (a key others could read could sign counterfeit labels). The public key
 * is published at GET /api/v1/public/brand/key. The key also keys the hash
 * under which a scanner's network is stored (no address is kept). */
#ifndef GLOVED_APP_BRAND_KEY_H
#define GLOVED_APP_BRAND_KEY_H

#include "util/label_sign.h"

#include <stddef.h>
#include <stdint.h>

typedef struct brand_key brand_key;

/* Opens path, or creates it with a new key when it does not exist. 0 and
 * *out; GLOVED_EPERM (msg) when the file's mode lets group or others in;
 * GLOVED_EINVAL (msg) when it is not a key file; GLOVED_EIO (msg). */
int brand_key_open(const char *path, brand_key **out, char *msg, size_t len);
/* Wipes and frees; NULL is fine. */
void brand_key_close(brand_key *k);
/* The default key file of a database path: "<db>.brand.key". */
void brand_key_default_path(const char *db_path, char *out, size_t n);

/* The 32-byte public key. */
const uint8_t *brand_key_public(const brand_key *k);
/* The key id: 16 hex digits of the BLAKE2b hash of the public key. */
void brand_key_id(const brand_key *k, char out[17]);
/* Signs payload into sig (base64url): 0 or -1. */
int brand_key_sign(const brand_key *k, const char *payload, char *sig, size_t n);
/* 1 when sig is this key's signature of payload. */
int brand_key_verify(const brand_key *k, const char *payload, const char *sig);
/* The keyed hash (32 bytes) of a client network. */
void brand_key_net_hash(const brand_key *k, const uint8_t *net, size_t n, uint8_t out[32]);

#endif
