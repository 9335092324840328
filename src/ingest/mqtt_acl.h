/* SPDX-License-Identifier: Apache-2.0 */
/* mqtt_acl.h: broker credentials for the gateways (`gloved admin mqtt-acl`).
 * For every gateway (a gateway token of a firm) a mosquitto user with a new
 * random password, allowed to publish only under its own firm's topics
 * (gloved/v1/<ENT>/# for JSON reports, spBv1.0/<ENT>/# for Sparkplug B),
 * and one host user for gloved itself that may read everything. Writes, in
 * one folder: `passwd` (mosquitto's password_file, PBKDF2-SHA512 "$7$"
 * hashes as mosquitto_passwd makes them), `acl` (acl_file) and
 * `credentials.txt` (the clear passwords, mode 0600, to hand to each
 * gateway once). docs/operations.md says how mosquitto uses them. */
#ifndef GLOVED_INGEST_MQTT_ACL_H
#define GLOVED_INGEST_MQTT_ACL_H

#include "store/store.h"

#include <stddef.h>

/* Iterations of PBKDF2 in a "$7$" hash: mosquitto_passwd's default. */
#define MQTT_ACL_PBKDF2_ITERATIONS 101

/*
 * The mosquitto password-file hash of password with the given salt:
 * "$7$<iterations>$<base64 salt>$<base64 PBKDF2-HMAC-SHA512>" into out.
 * Returns 0, or -1 when cap is too small. Needs secret_init() (libsodium).
 */
int mqtt_acl_hash(const char *password, const unsigned char *salt, size_t salt_len, int iterations,
		  char *out, size_t cap);

/* The broker user name of gateway g of firm ent_code: "<ENT>.<name>" with
 * characters other than A-Z a-z 0-9 _ - . replaced by '_'. */
void mqtt_acl_user(const char *ent_code, const store_gateway *g, char *out, size_t cap);

/*
 * Writes passwd, acl and credentials.txt into out_dir (created if missing,
 * files replaced) for every gateway in db plus the host user host_user.
 * Every run makes new passwords for everyone. Returns 0, or -1 after
 * printing what went wrong to stderr; *n_users receives the users written.
 */
int mqtt_acl_write(store *db, const char *out_dir, const char *host_user, size_t *n_users);

#endif
