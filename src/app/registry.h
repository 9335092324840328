/* SPDX-License-Identifier: Apache-2.0 */
/* registry.h: the in-memory registry of enterprises, workshops and
 * machines that ingest validates against and the API names things with.
 * Loaded from the store and reloaded when the store's registry revision
 * changes (an admin command or API call added something), so lookups on
 * the hot path never touch the database. Thread-safe (a rwlock). */
#ifndef GLOVED_APP_REGISTRY_H
#define GLOVED_APP_REGISTRY_H

#include "store/store.h"

typedef struct registry registry;

registry *registry_new(void);
void registry_free(registry *r);
/* Reloads from s when the revision changed (or force). Returns GLOVED_OK. */
int registry_refresh(registry *r, store *s, int force);
/* Revision of the loaded data. */
int64_t registry_rev(registry *r);

/* Lookups copy into out and return GLOVED_OK or GLOVED_ENOTFOUND. */
int registry_machine(registry *r, int64_t machine_id, store_machine *out);
int registry_machine_by_code(registry *r, int64_t enterprise_id, const char *code,
			     store_machine *out);
int registry_enterprise(registry *r, int64_t id, store_enterprise *out);
int registry_enterprise_by_code(registry *r, const char *code, store_enterprise *out);
int registry_workshop(registry *r, int64_t id, store_workshop *out);
int registry_workshop_by_code(registry *r, int64_t enterprise_id, const char *code,
			      store_workshop *out);
/* Copies of the lists in scope (caller frees *out). */
int registry_machines(registry *r, store_scope sc, store_machine **out, size_t *n);
int registry_enterprises(registry *r, store_scope sc, store_enterprise **out, size_t *n);
int registry_workshops(registry *r, store_scope sc, store_workshop **out, size_t *n);
/* Largest machine id (for sizing per-machine arrays). */
int64_t registry_max_machine_id(registry *r);

#endif
