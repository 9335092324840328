/* SPDX-License-Identifier: Apache-2.0 */
/* pg_registry.c: the PostgreSQL side of store/registry.h: enterprises,
 * workshops, machines, the registry revision (a meta row that
 * registry_bump() raises when the registry tables change,
 * pg_migrations.c), Modbus devices and Sparkplug metric maps. The same
 * queries and scope rules as sqlite/sqlite_registry.c: reads filter by the
 * scope's enterprise in SQL, adds check the scope before they write; ids
 * come back with RETURNING. Adds run under a savepoint inside a
 * transaction (pg__run), so a refused duplicate leaves it usable. */
#include "store/postgres/pg_int.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

/* ---- enterprises, workshops, machines ---- */

static int pg_enterprise_add(store *s, store_scope sc, store_enterprise *e)
{
	if (sc.enterprise_id)
		return GLOVED_EPERM;
	pg_params p;
	pg__p_init(&p);
	pg__p_text(&p, e->code);
	pg__p_text(&p, e->name);
	pg__p_text(&p, e->town);
	return pg__insert_id(
	    (pgc *)s, "INSERT INTO enterprise(code, name, town) VALUES($1, $2, $3) RETURNING id",
	    &p, &e->id);
}

static int enterprise_row(const PGresult *r, int row, void *dst)
{
	store_enterprise *e = dst;
	e->id = pg__i64(r, row, 0);
	TEXT(1, e->code);
	TEXT(2, e->name);
	TEXT(3, e->town);
	return GLOVED_OK;
}

static int pg_enterprise_list(store *s, store_scope sc, store_enterprise **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_text(&p, sc.town);
	return pg__rows((pgc *)s,
			"SELECT id, code, name, town FROM enterprise"
			" WHERE ($1::bigint = 0 OR id = $1) AND ($2::text = '' OR town = $2)"
			" ORDER BY code",
			&p, sizeof **out, enterprise_row, (void **)out, n);
}

static int pg_enterprise_by_code(store *s, store_scope sc, const char *code, store_enterprise *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_text(&p, code);
	return pg__one((pgc *)s,
		       "SELECT id, code, name, town FROM enterprise"
		       " WHERE code = $2 AND ($1::bigint = 0 OR id = $1)",
		       &p, out, enterprise_row);
}

static int pg_workshop_add(store *s, store_scope sc, store_workshop *w)
{
	if (!pg__scope_ok(sc, w->enterprise_id))
		return GLOVED_EPERM;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, w->enterprise_id);
	pg__p_text(&p, w->code);
	pg__p_text(&p, w->name);
	return pg__insert_id((pgc *)s,
			     "INSERT INTO workshop(enterprise_id, code, name) VALUES($1, $2, $3)"
			     " RETURNING id",
			     &p, &w->id);
}

static int workshop_row(const PGresult *r, int row, void *dst)
{
	store_workshop *w = dst;
	w->id = pg__i64(r, row, 0);
	w->enterprise_id = pg__i64(r, row, 1);
	TEXT(2, w->code);
	TEXT(3, w->name);
	return GLOVED_OK;
}

static int pg_workshop_list(store *s, store_scope sc, int64_t enterprise_id, store_workshop **out,
			    size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	pg__p_i64(&p, enterprise_id);
	return pg__rows((pgc *)s,
			"SELECT id, enterprise_id, code, name FROM workshop"
			" WHERE ($1::bigint = 0 OR enterprise_id = $1) AND"
			" ($2::bigint = 0 OR enterprise_id = $2) ORDER BY enterprise_id, code",
			&p, sizeof **out, workshop_row, (void **)out, n);
}

static int one_row(const PGresult *r, int row, void *dst)
{
	*(int64_t *)dst = pg__i64(r, row, 0);
	return GLOVED_OK;
}

static int pg_machine_add(store *s, store_scope sc, store_machine *m)
{
	pgc *q = (pgc *)s;
	if (!pg__scope_ok(sc, m->enterprise_id))
		return GLOVED_EPERM;
	/* the workshop must belong to the machine's enterprise */
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, m->workshop_id);
	pg__p_i64(&p, m->enterprise_id);
	int64_t found = 0;
	int rc = pg__one(q, "SELECT 1 FROM workshop WHERE id = $1 AND enterprise_id = $2", &p,
			 &found, one_row);
	if (rc)
		return rc;
	pg__p_init(&p);
	pg__p_i64(&p, m->enterprise_id);
	pg__p_i64(&p, m->workshop_id);
	pg__p_text(&p, m->code);
	pg__p_text(&p, m->kind);
	pg__p_i64(&p, m->gauge);
	pg__p_i64(&p, m->cycle_ms);
	pg__p_i64(&p, m->counter_bits);
	return pg__insert_id(
	    q,
	    "INSERT INTO machine(enterprise_id, workshop_id, code, kind, gauge,"
	    " cycle_ms, counter_bits) VALUES($1, $2, $3, $4, $5, $6, $7) RETURNING id",
	    &p, &m->id);
}

static int machine_row(const PGresult *r, int row, void *dst)
{
	store_machine *m = dst;
	m->id = pg__i64(r, row, 0);
	m->enterprise_id = pg__i64(r, row, 1);
	m->workshop_id = pg__i64(r, row, 2);
	TEXT(3, m->code);
	TEXT(4, m->kind);
	m->gauge = pg__int(r, row, 5);
	m->cycle_ms = pg__i64(r, row, 6);
	m->counter_bits = pg__int(r, row, 7);
	return GLOVED_OK;
}

static int pg_machine_list(store *s, store_scope sc, store_machine **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	return pg__rows((pgc *)s,
			"SELECT id, enterprise_id, workshop_id, code, kind, gauge, cycle_ms,"
			" counter_bits FROM machine WHERE ($1::bigint = 0 OR enterprise_id = $1)"
			" ORDER BY enterprise_id, workshop_id, code",
			&p, sizeof **out, machine_row, (void **)out, n);
}

static int pg_registry_rev(store *s, int64_t *out)
{
	*out = 0;
	int rc = pg__one((pgc *)s, "SELECT value FROM meta WHERE key = 'registry_rev'", NULL, out,
			 one_row);
	return rc == GLOVED_ENOTFOUND ? GLOVED_OK : rc;
}

/* ---- Sparkplug B metric mapping ---- */

static int sparkplug_map_row(const PGresult *r, int row, void *dst)
{
	store_sparkplug_map *m = dst;
	TEXT(0, m->count_metric);
	TEXT(1, m->reject_metric);
	TEXT(2, m->state_metric);
	TEXT(3, m->reason_metric);
	return GLOVED_OK;
}

static int pg_sparkplug_map_get(store *s, int64_t enterprise_id, const char *edge_node,
				store_sparkplug_map *out)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, enterprise_id);
	pg__p_text(&p, edge_node);
	store_sparkplug_map m = {0};
	int rc = pg__one((pgc *)s,
			 "SELECT count_metric, reject_metric, state_metric, reason_metric"
			 " FROM sparkplug_map WHERE enterprise_id = $1 AND edge_node = $2",
			 &p, &m, sparkplug_map_row);
	if (rc)
		return rc;
	m.enterprise_id = enterprise_id;
	snprintf(m.edge_node, sizeof m.edge_node, "%s", edge_node);
	*out = m;
	return GLOVED_OK;
}

static int pg_sparkplug_map_put(store *s, store_scope sc, const store_sparkplug_map *m)
{
	pgc *q = (pgc *)s;
	if (!pg__scope_ok(sc, m->enterprise_id))
		return GLOVED_EPERM;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, m->enterprise_id);
	pg__p_text(&p, m->edge_node);
	pg__p_text(&p, m->count_metric);
	pg__p_text(&p, m->reject_metric);
	pg__p_text(&p, m->state_metric);
	pg__p_text(&p, m->reason_metric);
	/* SQLite's INSERT OR REPLACE deletes and inserts, so its insert
	 * trigger bumps the revision on a replace too: the update here does
	 * it itself */
	int rc =
	    pg__run(q,
		    "WITH up AS (INSERT INTO sparkplug_map(enterprise_id, edge_node,"
		    " count_metric, reject_metric, state_metric, reason_metric)"
		    " VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT(enterprise_id, edge_node)"
		    " DO UPDATE SET count_metric = excluded.count_metric,"
		    " reject_metric = excluded.reject_metric, state_metric = excluded.state_metric,"
		    " reason_metric = excluded.reason_metric RETURNING (xmax <> 0) AS replaced)"
		    " UPDATE meta SET value = value + 1 WHERE key = 'registry_rev'"
		    " AND EXISTS (SELECT 1 FROM up WHERE replaced)",
		    &p, 1, NULL);
	/* a constraint: the firm does not exist */
	return rc == GLOVED_EEXIST ? GLOVED_ENOTFOUND : rc;
}

/* ---- Modbus devices ---- */

static int pg_modbus_device_add(store *s, store_scope sc, store_modbus_device *d)
{
	pgc *q = (pgc *)s;
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, d->machine_id);
	int64_t ent = 0;
	int rc = pg__one(q, "SELECT enterprise_id FROM machine WHERE id = $1", &p, &ent, one_row);
	if (rc)
		return rc;
	if (!pg__scope_ok(sc, ent))
		return GLOVED_EPERM;
	d->enterprise_id = ent;
	pg__p_init(&p);
	pg__p_i64(&p, d->machine_id);
	pg__p_text(&p, d->host);
	pg__p_i64(&p, d->port);
	pg__p_i64(&p, d->unit_id);
	pg__p_i64(&p, d->counter_reg);
	pg__p_i64(&p, d->counter_words);
	pg__p_text(&p, d->word_order);
	if (d->reject_reg >= 0)
		pg__p_i64(&p, d->reject_reg);
	else
		pg__p_null(&p);
	if (d->state_reg >= 0)
		pg__p_i64(&p, d->state_reg);
	else
		pg__p_null(&p);
	pg__p_text(&p, d->state_map);
	pg__p_i64(&p, d->poll_ms);
	pg__p_i64(&p, d->timeout_ms);
	pg__p_i64(&p, d->enabled ? 1 : 0);
	return pg__run(q,
		       "INSERT INTO modbus_device(machine_id, host, port, unit_id, counter_reg,"
		       " counter_words, word_order, reject_reg, state_reg, state_map, poll_ms,"
		       " timeout_ms, enabled) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
		       " $11, $12, $13)",
		       &p, 1, NULL);
}

static int modbus_device_row(const PGresult *r, int row, void *dst)
{
	store_modbus_device *d = dst;
	d->machine_id = pg__i64(r, row, 0);
	d->enterprise_id = pg__i64(r, row, 1);
	TEXT(2, d->enterprise_code);
	TEXT(3, d->machine_code);
	TEXT(4, d->host);
	d->port = pg__int(r, row, 5);
	d->unit_id = pg__int(r, row, 6);
	d->counter_reg = pg__int(r, row, 7);
	d->counter_words = pg__int(r, row, 8);
	TEXT(9, d->word_order);
	d->reject_reg = pg__int(r, row, 10);
	d->state_reg = pg__int(r, row, 11);
	TEXT(12, d->state_map);
	d->poll_ms = pg__i64(r, row, 13);
	d->timeout_ms = pg__i64(r, row, 14);
	d->enabled = pg__int(r, row, 15);
	return GLOVED_OK;
}

static int pg_modbus_device_list(store *s, store_scope sc, store_modbus_device **out, size_t *n)
{
	pg_params p;
	pg__p_init(&p);
	pg__p_i64(&p, sc.enterprise_id);
	return pg__rows(
	    (pgc *)s,
	    "SELECT d.machine_id, m.enterprise_id, e.code, m.code, d.host, d.port, d.unit_id,"
	    " d.counter_reg, d.counter_words, d.word_order, coalesce(d.reject_reg, -1),"
	    " coalesce(d.state_reg, -1), d.state_map, d.poll_ms, d.timeout_ms, d.enabled"
	    " FROM modbus_device d JOIN machine m ON m.id = d.machine_id"
	    " JOIN enterprise e ON e.id = m.enterprise_id"
	    " WHERE ($1::bigint = 0 OR m.enterprise_id = $1) ORDER BY e.code, m.code",
	    &p, sizeof **out, modbus_device_row, (void **)out, n);
}

const store_registry_ops pg__registry_ops = {
    .version = STORE_REGISTRY_VERSION,
    .enterprise_add = pg_enterprise_add,
    .enterprise_list = pg_enterprise_list,
    .enterprise_by_code = pg_enterprise_by_code,
    .workshop_add = pg_workshop_add,
    .workshop_list = pg_workshop_list,
    .machine_add = pg_machine_add,
    .machine_list = pg_machine_list,
    .registry_rev = pg_registry_rev,
    .modbus_device_add = pg_modbus_device_add,
    .modbus_device_list = pg_modbus_device_list,
    .sparkplug_map_get = pg_sparkplug_map_get,
    .sparkplug_map_put = pg_sparkplug_map_put,
};
