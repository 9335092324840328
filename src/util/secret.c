/* SPDX-License-Identifier: Apache-2.0 */
/* secret.c: see secret.h. */
#include "util/secret.h"
#include "util/err.h"

#include <sodium.h>
#include <string.h>

int secret_init(void)
{
	return sodium_init() < 0 ? GLOVED_EIO : GLOVED_OK;
}

int secret_password_hash(const char *password, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return GLOVED_EINVAL;
	if (crypto_pwhash_str_alg(out, password, strlen(password),
				  crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13))
		return GLOVED_ENOMEM;
	return GLOVED_OK;
}

int secret_password_verify(const char *hash, const char *password)
{
	if (!hash[0])
		return 0;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

int secret_token_new(const char *prefix, char *out, size_t outlen)
{
	uint8_t raw[32];
	size_t plen = strlen(prefix);
	size_t need =
	    plen + sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (outlen < need)
		return GLOVED_EINVAL;
	randombytes_buf(raw, sizeof raw);
	memcpy(out, prefix, plen);
	sodium_bin2base64(out + plen, outlen - plen, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	return GLOVED_OK;
}

void secret_token_hash(const char *token, uint8_t out[SECRET_HASH_LEN])
{
	crypto_generichash(out, SECRET_HASH_LEN, (const unsigned char *)token, strlen(token), NULL,
			   0);
}
