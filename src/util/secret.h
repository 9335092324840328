/* SPDX-License-Identifier: Apache-2.0 */
/* secret.h: passwords and tokens (libsodium). Passwords are hashed with
 * argon2id; tokens are 32 random bytes shown once as text with a prefix
 * ("gw_" gateway, "s_" session) and stored only as their BLAKE2b hash, so
 * a stolen database yields no usable token. Call secret_init() once. */
#ifndef GLOVED_UTIL_SECRET_H
#define GLOVED_UTIL_SECRET_H

#include <stddef.h>
#include <stdint.h>

#define SECRET_HASH_LEN  32
#define SECRET_TOKEN_MAX 80

int secret_init(void);
/* Each argon2id hash or check takes 64 MiB for its duration: at most
 * max_at_once run at the same time in the process (>= 1; default 2), a
 * caller beyond them waits up to wait_ms for a turn (0: does not wait).
 * Call before the threads start; a thread-per-connection server would else
 * take 64 MiB per concurrent login. */
void secret_set_hash_limit(int max_at_once, int wait_ms);
/* argon2id hash of password into out (>= 128 bytes). GLOVED_EBUSY when no
 * turn came within the wait. */
int secret_password_hash(const char *password, char *out, size_t outlen);
/* 1 when password matches the stored hash, 0 otherwise; GLOVED_EBUSY
 * (negative) when no turn came within the wait. */
int secret_password_verify(const char *hash, const char *password);
/* A new random token "<prefix><base64url>" into out (>= SECRET_TOKEN_MAX). */
int secret_token_new(const char *prefix, char *out, size_t outlen);
/* Hash of a token for storage and lookup. */
void secret_token_hash(const char *token, uint8_t out[SECRET_HASH_LEN]);

#endif
