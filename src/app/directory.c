/* SPDX-License-Identifier: Apache-2.0 */
/* directory.c: the directory writes of directory.h. Each packs its arguments
 * into a small struct and hands a static callback to writer_call, which runs
 * it on the writer thread and returns its result. */
#include "app/directory.h"

typedef struct scoped {
	store_scope sc;
	void *row;
	const uint8_t *hash;
} scoped;

static int enterprise_add(store *s, void *ctx)
{
	scoped *a = ctx;
	return store_enterprise_add(s, a->sc, a->row);
}

int app_enterprise_add(writer *w, store_scope sc, store_enterprise *e)
{
	scoped a = {sc, e, NULL};
	return writer_call(w, enterprise_add, &a);
}

static int workshop_add(store *s, void *ctx)
{
	scoped *a = ctx;
	return store_workshop_add(s, a->sc, a->row);
}

int app_workshop_add(writer *w, store_scope sc, store_workshop *ws)
{
	scoped a = {sc, ws, NULL};
	return writer_call(w, workshop_add, &a);
}

static int machine_add(store *s, void *ctx)
{
	scoped *a = ctx;
	return store_machine_add(s, a->sc, a->row);
}

int app_machine_add(writer *w, store_scope sc, store_machine *m)
{
	scoped a = {sc, m, NULL};
	return writer_call(w, machine_add, &a);
}

static int modbus_device_add(store *s, void *ctx)
{
	scoped *a = ctx;
	return store_modbus_device_add(s, a->sc, a->row);
}

int app_modbus_device_add(writer *w, store_scope sc, store_modbus_device *d)
{
	scoped a = {sc, d, NULL};
	return writer_call(w, modbus_device_add, &a);
}

static int user_add(store *s, void *ctx)
{
	scoped *a = ctx;
	return store_user_add(s, a->sc, a->row);
}

int app_user_add(writer *w, store_scope sc, store_user *u)
{
	scoped a = {sc, u, NULL};
	return writer_call(w, user_add, &a);
}

static int gateway_add(store *s, void *ctx)
{
	scoped *a = ctx;
	return store_gateway_add(s, a->sc, a->row, a->hash);
}

int app_gateway_add(writer *w, store_scope sc, store_gateway *g, const uint8_t *token_hash)
{
	scoped a = {sc, g, token_hash};
	return writer_call(w, gateway_add, &a);
}

typedef struct session {
	const uint8_t *hash;
	int64_t user_id;
	int64_t expires_ms;
} session;

static int session_add(store *s, void *ctx)
{
	session *a = ctx;
	return store_session_add(s, a->hash, a->user_id, a->expires_ms);
}

int app_session_add(writer *w, const uint8_t *token_hash, int64_t user_id, int64_t expires_ms)
{
	session a = {token_hash, user_id, expires_ms};
	return writer_call(w, session_add, &a);
}

static int session_delete(store *s, void *ctx)
{
	session *a = ctx;
	return store_session_delete(s, a->hash);
}

int app_session_delete(writer *w, const uint8_t *token_hash)
{
	session a = {token_hash, 0, 0};
	return writer_call(w, session_delete, &a);
}
