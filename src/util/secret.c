/* SPDX-License-Identifier: Apache-2.0 */
/* secret.c: see secret.h. */
#include "util/secret.h"
#include "util/err.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

/* The gate of the password hashes (secret_set_hash_limit). */
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_max = 2, gate_wait_ms = 10000, gate_in;

void secret_set_hash_limit(int max_at_once, int wait_ms)
{
	pthread_mutex_lock(&gate_mu);
	gate_max = max_at_once < 1 ? 1 : max_at_once;
	gate_wait_ms = wait_ms < 0 ? 0 : wait_ms;
	pthread_mutex_unlock(&gate_mu);
}

/* Takes a turn: 0, or GLOVED_EBUSY when none came within the wait. The
 * condition variable waits on CLOCK_REALTIME (the default): a clock step
 * only lengthens or shortens one wait. */
static int gate_enter(void)
{
	int rc = GLOVED_OK;
	pthread_mutex_lock(&gate_mu);
	if (gate_in >= gate_max) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += gate_wait_ms / 1000;
		until.tv_nsec += (long)(gate_wait_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (gate_in >= gate_max)
			if (pthread_cond_timedwait(&gate_cv, &gate_mu, &until) == ETIMEDOUT &&
			    gate_in >= gate_max) {
				rc = GLOVED_EBUSY;
				break;
			}
	}
	if (rc == GLOVED_OK)
		gate_in++;
	pthread_mutex_unlock(&gate_mu);
	return rc;
}

static void gate_leave(void)
{
	pthread_mutex_lock(&gate_mu);
	gate_in--;
	pthread_cond_signal(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
}

int secret_init(void)
{
	return sodium_init() < 0 ? GLOVED_EIO : GLOVED_OK;
}

int secret_password_hash(const char *password, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return GLOVED_EINVAL;
	if (gate_enter())
		return GLOVED_EBUSY;
	int failed = crypto_pwhash_str_alg(
	    out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13);
	gate_leave();
	return failed ? GLOVED_ENOMEM : GLOVED_OK;
}

int secret_password_verify(const char *hash, const char *password)
{
	if (!hash[0])
		return 0;
	if (gate_enter())
		return GLOVED_EBUSY;
	int ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	gate_leave();
	return ok;
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
