/* SPDX-License-Identifier: Apache-2.0 */
/* directory.h: the writes of the cluster's directory: enterprises,
 * workshops, machines, their Modbus devices, users, gateway tokens and login
 * sessions. Each function runs its one store call on the writer thread
 * (writer_call: the write connection has one owner) within the caller's
 * scope, and returns the store's result: GLOVED_OK, GLOVED_EEXIST (the code
 * or name is taken), GLOVED_ENOTFOUND (a parent is missing), GLOVED_EPERM
 * (out of scope) or another error. The caller refreshes the registry
 * (registry_refresh) to see a new row. Nothing is taken or kept: the rows are
 * the caller's (ids filled in on success). */
#ifndef GLOVED_APP_DIRECTORY_H
#define GLOVED_APP_DIRECTORY_H

#include "app/writer.h"
#include "store/store.h"

#include <stdint.h>

int app_enterprise_add(writer *w, store_scope sc, store_enterprise *e);
int app_workshop_add(writer *w, store_scope sc, store_workshop *ws);
int app_machine_add(writer *w, store_scope sc, store_machine *m);
int app_modbus_device_add(writer *w, store_scope sc, store_modbus_device *d);
/* u->pw_hash holds the argon2id hash already. */
int app_user_add(writer *w, store_scope sc, store_user *u);
/* token_hash: the 32-byte hash of the new gateway token. */
int app_gateway_add(writer *w, store_scope sc, store_gateway *g, const uint8_t *token_hash);
/* A login session of user_id until expires_ms, by the hash of its token. */
int app_session_add(writer *w, const uint8_t *token_hash, int64_t user_id, int64_t expires_ms);
/* Ends the session of token_hash (a missing one is fine). */
int app_session_delete(writer *w, const uint8_t *token_hash);

#endif
