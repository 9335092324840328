/* SPDX-License-Identifier: Apache-2.0 */
/* store.h: gloved's storage interface. Everything above src/store/ reads
 * and writes through these functions; no SQL outside the backends. A
 * `store` is one connection of one backend (sqlite, or postgres in part).
 * This header holds the connection itself (open, close, transactions) and
 * the types every part shares; each capability of a store has its own
 * header, included below: registry.h (firms, workshops, machines, device
 * maps), auth.h (users, sessions, gateways), samples.h (samples, rollups,
 * live state, retention, rebuilds), analytics.h (calendars, workers, shift
 * rollups, stops) sewn.h (styles, orders, bundles, scans) quality.h (material lots,
 * lots, cartons, inspections, test reports) and brand.h (licences, audits,
 * labels, scans, flags), coop.h (profiles, cooperative orders, designs,
 * enquiries) and cluster.h (share settings, the audit log,
 * statistics, the plan, the programme, talent, the cockpit); bulk.h (the
 * schema's catalogue and whole tables) and copy.h (a database copied to
 * another backend, verified) move a deployment. Each
 * capability is a versioned table of functions that a backend fills or
 * leaves out (docs/internals/store.md); a call to a capability the backend
 * lacks returns GLOVED_ENOTSUP. The writer thread owns the one write
 * connection; every reader opens its own.
 *
 * Tenancy: every row belongs to one enterprise (firm). Reading functions
 * take a store_scope; a scope with enterprise_id != 0 sees only that
 * firm's rows, enforced here in the query, not by callers.
 *
 * Strings returned inside structs are fixed-size arrays (no ownership
 * questions); arrays returned through `out` pointers are malloc'd and the
 * caller frees them with free(); on an error *out is NULL and *n 0. */
#ifndef GLOVED_STORE_STORE_H
#define GLOVED_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct store store;

typedef struct store_scope {
	int64_t enterprise_id; /* 0 = the whole cluster */
	/* 1: a reader of the cluster who sees aggregates only (the bureau, the
	 * association, a town officer): the calls that return a firm's
	 * private records (orders and buyers, prices and rate cards, workers,
	 * wages, households, scans, suppliers) answer GLOVED_EPERM */
	int aggregates;
	/* "" = every town; else the cluster reads see only this town's firms */
	char town[64];
} store_scope;

#define STORE_CODE_MAX 33
#define STORE_NAME_MAX 128

typedef enum store_mode { STORE_READ = 0, STORE_WRITE = 1 } store_mode;

typedef struct store_options {
	int sync_full; /* fsync every commit (durable against power loss) */
} store_options;

/* Opens a connection. `uri` is a path to an SQLite file, or a
 * postgresql:// (or postgres://) libpq URI that selects the PostgreSQL
 * backend (its capabilities so far: registry, auth, samples; the others answer
 * GLOVED_ENOTSUP). STORE_WRITE creates the database if
 * needed and runs the schema migrations. Returns GLOVED_OK and *out, or an
 * error with *out NULL. */
int store_open(const char *uri, store_mode mode, const store_options *opt, store **out);
/* 1 when uri names a PostgreSQL database (not an SQLite file). */
int store_is_uri(const char *uri);
/* uri as it may be shown (logs, messages): a PostgreSQL URI's password
 * replaced by "***"; an SQLite path as it is. Returns out. */
const char *store_uri_shown(const char *uri, char *out, size_t n);
/* Closes the connection; NULL is fine. */
void store_close(store *s);
/* The last error text of this connection (static or owned by it). */
const char *store_errmsg(store *s);
/* Schema version after migrations. */
int store_schema_version(store *s, int *out);

/* A write transaction (the writer's connection). */
int store_begin(store *s);
int store_commit(store *s);
int store_rollback(store *s);
/* Ends the transaction begun by store_begin: commits it when rc is
 * GLOVED_OK (rolling back when the commit fails), else rolls it back;
 * returns rc or the commit's error. */
int store_end(store *s, int rc);

/* Claims the database for this connection's process: one `gloved serve`
 * per database. GLOVED_OK while no other connection holds the claim (it
 * lasts until s closes), GLOVED_EBUSY when another does. A backend without
 * it (SQLite: the daemon locks <file>.lock instead) answers GLOVED_ENOTSUP. */
int store_claim(store *s);
/* The claim of one of several daemons serving one database together (a
 * backend that allows it: PostgreSQL): held by any number of connections
 * at once, it keeps store_claim (an offline admin command) out.
 * GLOVED_EBUSY while an exclusive claim is held, GLOVED_ENOTSUP without. */
int store_claim_shared(store *s);
/* Makes s receive what other connections send with store_notify. */
int store_listen(store *s);
/* Waits up to timeout_ms for notifications on a listening connection and
 * calls cb with each payload; GLOVED_OK also when none came, or cb's
 * first error. */
int store_wait_notify(store *s, int timeout_ms, int (*cb)(void *ctx, const char *payload),
		      void *ctx);

/* A read snapshot: reads between begin and end see one state of the
 * database (a deferred transaction on a read connection). */
int store_read_begin(store *s);
int store_read_end(store *s);

#include "store/analytics.h"
#include "store/brand.h"
#include "store/bulk.h"
#include "store/cluster.h"
#include "store/coop.h"
#include "store/copy.h"
#include "store/auth.h"
#include "store/registry.h"
#include "store/samples.h"
#include "store/quality.h"
#include "store/sewn.h"

#endif
