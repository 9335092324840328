/* SPDX-License-Identifier: Apache-2.0 */
/* mqtt_acl.c: see mqtt_acl.h. The "$7$" hash is PBKDF2-HMAC-SHA512 with a
 * 12-byte random salt, written from libsodium's HMAC-SHA512 (Debian's
 * libsodium has no PBKDF2); tests/integration/mqtt_acl.test.mjs shows
 * mosquitto accepting it. Each file is written under a temporary name and
 * renamed, so the broker never reads half a file. */
#include "ingest/mqtt_acl.h"

#include "util/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SALT_LEN 12
#define HASH_LEN crypto_auth_hmacsha512_BYTES
#define USER_MAX 112

int mqtt_acl_hash(const char *password, const unsigned char *salt, size_t salt_len, int iterations,
		  char *out, size_t cap)
{
	unsigned char u[HASH_LEN], t[HASH_LEN];
	unsigned char one[4] = {0, 0, 0, 1}; /* block index 1: one block is 64 bytes */
	crypto_auth_hmacsha512_state st;
	size_t pl = strlen(password);
	char b_salt[64], b_hash[128];

	if (iterations < 1 || salt_len > 32)
		return -1;
	crypto_auth_hmacsha512_init(&st, (const unsigned char *)password, pl);
	crypto_auth_hmacsha512_update(&st, salt, salt_len);
	crypto_auth_hmacsha512_update(&st, one, sizeof one);
	crypto_auth_hmacsha512_final(&st, u);
	memcpy(t, u, sizeof t);
	for (int i = 1; i < iterations; i++) {
		crypto_auth_hmacsha512_init(&st, (const unsigned char *)password, pl);
		crypto_auth_hmacsha512_update(&st, u, sizeof u);
		crypto_auth_hmacsha512_final(&st, u);
		for (size_t k = 0; k < sizeof t; k++)
			t[k] ^= u[k];
	}
	sodium_bin2base64(b_salt, sizeof b_salt, salt, salt_len, sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(b_hash, sizeof b_hash, t, sizeof t, sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(u, sizeof u);
	sodium_memzero(t, sizeof t);
	int n = snprintf(out, cap, "$7$%d$%s$%s", iterations, b_salt, b_hash);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

void mqtt_acl_user(const char *ent_code, const store_gateway *g, char *out, size_t cap)
{
	snprintf(out, cap, "%s.%s", ent_code, g->name);
	for (char *p = out; *p; p++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.",
			    *p))
			*p = '_';
}

/* Opens path (mode 0600, truncated) as a stream; NULL after a message. */
static FILE *open_private(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0) {
		fprintf(stderr, "gloved admin: cannot write %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		fprintf(stderr, "gloved admin: cannot write %s: %s\n", path, strerror(errno));
		close(fd);
	}
	return f;
}

/* Closes f and renames tmp to final; 0 or -1 after a message. */
static int finish(FILE *f, const char *tmp, const char *final)
{
	int bad = ferror(f);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		bad = 1;
	if (fclose(f) != 0)
		bad = 1;
	if (bad || rename(tmp, final) != 0) {
		fprintf(stderr, "gloved admin: cannot write %s: %s\n", final, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

typedef struct cred {
	char user[USER_MAX];
	char ent[STORE_CODE_MAX]; /* "" for the host user */
	char gateway[64];
	char password[SECRET_TOKEN_MAX];
	char hash[256];
} cred;

static int user_taken(const cred *c, size_t n, const char *user)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].user, user) == 0)
			return 1;
	return 0;
}

static int make_cred(cred *c, const char *user, const char *ent, const char *gateway)
{
	unsigned char salt[SALT_LEN];
	snprintf(c->user, sizeof c->user, "%s", user);
	snprintf(c->ent, sizeof c->ent, "%s", ent);
	snprintf(c->gateway, sizeof c->gateway, "%s", gateway);
	if (secret_token_new("", c->password, sizeof c->password))
		return -1;
	randombytes_buf(salt, sizeof salt);
	return mqtt_acl_hash(c->password, salt, sizeof salt, MQTT_ACL_PBKDF2_ITERATIONS, c->hash,
			     sizeof c->hash);
}

int mqtt_acl_write(store *db, const char *out_dir, const char *host_user, size_t *n_users)
{
	int rc = -1;
	store_scope all = {0};
	store_enterprise *es = NULL;
	store_gateway *gs = NULL;
	size_t ne = 0, ng = 0, nc = 0;
	cred *cs = NULL;
	char path[3][1024], tmp[3][1040];
	static const char *const names[3] = {"passwd", "acl", "credentials.txt"};
	FILE *f[3] = {NULL, NULL, NULL};

	*n_users = 0;
	if (store_enterprise_list(db, all, &es, &ne) || store_gateway_list(db, all, &gs, &ng)) {
		fprintf(stderr, "gloved admin: cannot read the gateways: %s\n", store_errmsg(db));
		goto out;
	}
	cs = calloc(ng + 1, sizeof *cs);
	if (!cs)
		goto out;
	if (make_cred(&cs[nc++], host_user, "", "") != 0)
		goto out;
	for (size_t i = 0; i < ng; i++) {
		const char *ent = NULL;
		for (size_t k = 0; k < ne; k++)
			if (es[k].id == gs[i].enterprise_id)
				ent = es[k].code;
		if (!ent)
			continue;
		char user[USER_MAX - 24];
		char unique[USER_MAX];
		mqtt_acl_user(ent, &gs[i], user, sizeof user);
		snprintf(unique, sizeof unique, "%s", user);
		if (user_taken(cs, nc, unique))
			snprintf(unique, sizeof unique, "%s.%lld", user, (long long)gs[i].id);
		if (make_cred(&cs[nc++], unique, ent, gs[i].name) != 0)
			goto out;
	}

	if (mkdir(out_dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "gloved admin: cannot create %s: %s\n", out_dir, strerror(errno));
		goto out;
	}
	for (int k = 0; k < 3; k++) {
		snprintf(path[k], sizeof path[k], "%s/%s", out_dir, names[k]);
		snprintf(tmp[k], sizeof tmp[k], "%s.tmp", path[k]);
		if (!(f[k] = open_private(tmp[k])))
			goto out;
	}
	fprintf(f[1], "# gloved: broker ACL, made by `gloved admin mqtt-acl`; do not edit, run it "
		      "again.\n# Used by mosquitto as acl_file (docs/operations.md).\n\n");
	fprintf(f[1],
		"# gloved itself: reads every report; publishes its Sparkplug B host STATE and "
		"commands (NCMD)\nuser %s\ntopic read #\ntopic readwrite spBv1.0/#\n",
		cs[0].user);
	fprintf(f[2],
		"# broker user, password, enterprise, gateway. Hand each gateway its line once;"
		"\n# gloved serve --mqtt-username %s --mqtt-password <its password>\n",
		cs[0].user);
	for (size_t i = 0; i < nc; i++) {
		fprintf(f[0], "%s:%s\n", cs[i].user, cs[i].hash);
		fprintf(f[2], "%s %s %s %s\n", cs[i].user, cs[i].password,
			cs[i].ent[0] ? cs[i].ent : "-", cs[i].ent[0] ? cs[i].gateway : "(gloved)");
		if (i == 0)
			continue;
		/* A gateway: its own firm's topics only. It may read the Sparkplug
		 * host's STATE (spec 3.0: edge nodes wait for the primary host). */
		fprintf(f[1],
			"\n# %s, gateway %s\nuser %s\ntopic write gloved/v1/%s/#\n"
			"topic readwrite spBv1.0/%s/#\ntopic read spBv1.0/STATE/#\n",
			cs[i].ent, cs[i].gateway, cs[i].user, cs[i].ent, cs[i].ent);
	}
	for (int k = 0; k < 3; k++) {
		FILE *x = f[k];
		f[k] = NULL;
		if (finish(x, tmp[k], path[k]) != 0)
			goto out;
	}
	*n_users = nc;
	rc = 0;
out:
	for (int k = 0; k < 3; k++) {
		if (f[k]) {
			fclose(f[k]);
			unlink(tmp[k]);
		}
	}
	if (cs)
		sodium_memzero(cs, (ng + 1) * sizeof *cs);
	free(cs);
	free(es);
	free(gs);
	return rc;
}
