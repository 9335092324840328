/* SPDX-License-Identifier: Apache-2.0 */
/* brand_key.c: see brand_key.h. The file is two lines: "gloved-brand-key-1"
 * and the 64-byte Ed25519 secret key (seed and public key) in base64url.
 * It is created with O_EXCL and mode 0600 and fsynced, with its folder, so
 * a crash cannot leave a half-written key that a restart would replace. */
#include "app/brand_key.h"
#include "util/err.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "gloved-brand-key-1"

struct brand_key {
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
	uint8_t hash_key[crypto_generichash_KEYBYTES];
};

void brand_key_default_path(const char *db_path, char *out, size_t n)
{
	snprintf(out, n, "%s.brand.key", db_path);
}

static int create(const char *path, brand_key *k, char *msg, size_t len)
{
	char b64[sodium_base64_ENCODED_LEN(crypto_sign_SECRETKEYBYTES,
					   sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	char text[sizeof MAGIC + sizeof b64 + 4];
	crypto_sign_keypair(k->pk, k->sk);
	sodium_bin2base64(b64, sizeof b64, k->sk, sizeof k->sk,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	int n = snprintf(text, sizeof text, "%s\n%s\n", MAGIC, b64);
	sodium_memzero(b64, sizeof b64);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(msg, len, "cannot create the brand key %s: %s", path, strerror(errno));
		sodium_memzero(text, sizeof text);
		return GLOVED_EIO;
	}
	int ok = write(fd, text, (size_t)n) == n && fsync(fd) == 0;
	sodium_memzero(text, sizeof text);
	if (close(fd) != 0)
		ok = 0;
	if (!ok) {
		snprintf(msg, len, "cannot write the brand key %s: %s", path, strerror(errno));
		unlink(path);
		return GLOVED_EIO;
	}
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", path);
	int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return GLOVED_OK;
}

static int load(const char *path, brand_key *k, char *msg, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		snprintf(msg, len, "cannot open the brand key %s: %s", path, strerror(errno));
		return GLOVED_EIO;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(msg, len, "the brand key %s is not a regular file", path);
		return GLOVED_EINVAL;
	}
	if (st.st_mode & 077) {
		close(fd);
		snprintf(msg, len,
			 "the brand key %s may be read by group or others (mode %03o): anyone "
			 "who reads it can sign labels; chmod 600 it",
			 path, (unsigned)(st.st_mode & 0777));
		return GLOVED_EPERM;
	}
	char text[256];
	ssize_t got = read(fd, text, sizeof text - 1);
	close(fd);
	if (got < 0) {
		snprintf(msg, len, "cannot read the brand key %s: %s", path, strerror(errno));
		return GLOVED_EIO;
	}
	text[got] = '\0';
	int rc = GLOVED_EINVAL;
	char *nl = strchr(text, '\n');
	size_t blen = 0;
	if (nl && (size_t)(nl - text) == sizeof MAGIC - 1 &&
	    !memcmp(text, MAGIC, sizeof MAGIC - 1)) {
		char *b = nl + 1, *e = strchr(b, '\n');
		if (e)
			*e = '\0';
		if (sodium_base642bin(k->sk, sizeof k->sk, b, strlen(b), NULL, &blen, NULL,
				      sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
		    blen == sizeof k->sk && crypto_sign_ed25519_sk_to_pk(k->pk, k->sk) == 0)
			rc = GLOVED_OK;
	}
	sodium_memzero(text, sizeof text);
	if (rc)
		snprintf(msg, len, "%s is not a gloved brand key file", path);
	return rc;
}

int brand_key_open(const char *path, brand_key **out, char *msg, size_t len)
{
	*out = NULL;
	brand_key *k = sodium_malloc(sizeof *k);
	if (!k) {
		snprintf(msg, len, "out of memory");
		return GLOVED_ENOMEM;
	}
	struct stat st;
	int rc =
	    lstat(path, &st) == 0 ? load(path, k, msg, len)
	    : errno == ENOENT
		? create(path, k, msg, len)
		: (snprintf(msg, len, "cannot read the brand key %s: %s", path, strerror(errno)),
		   GLOVED_EIO);
	if (rc) {
		sodium_free(k);
		return rc;
	}
	/* the network hash key: derived, so one file holds everything */
	crypto_generichash(k->hash_key, sizeof k->hash_key, k->sk, crypto_sign_SEEDBYTES,
			   (const unsigned char *)"gloved-scan-net", 15);
	*out = k;
	return GLOVED_OK;
}

void brand_key_close(brand_key *k)
{
	if (k)
		sodium_free(k); /* zeroes it */
}

const uint8_t *brand_key_public(const brand_key *k)
{
	return k->pk;
}

void brand_key_id(const brand_key *k, char out[17])
{
	uint8_t h[8];
	crypto_generichash(h, sizeof h, k->pk, sizeof k->pk, NULL, 0);
	sodium_bin2hex(out, 17, h, sizeof h);
}

int brand_key_sign(const brand_key *k, const char *payload, char *sig, size_t n)
{
	return label_sign(payload, k->sk, sig, n);
}

int brand_key_verify(const brand_key *k, const char *payload, const char *sig)
{
	return label_verify(payload, sig, k->pk);
}

void brand_key_net_hash(const brand_key *k, const uint8_t *net, size_t n, uint8_t out[32])
{
	crypto_generichash(out, 32, net, n, k->hash_key, sizeof k->hash_key);
}
