/* SPDX-License-Identifier: Apache-2.0 */
/* sqlite_registry.c: the SQLite side of store/registry.h: enterprises,
 * workshops, machines, the registry revision (a meta row that triggers
 * bump when the registry tables change, migrations.c), Modbus devices and
 * Sparkplug metric maps. Reads filter by the scope's enterprise in SQL;
 * adds check the scope before they write. */
#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

#define TEXT(i, f) sqlite__text_col(st, i, f, sizeof f)

/* ---- enterprises, workshops, machines ---- */

static int sq_enterprise_add(store *s, store_scope sc, store_enterprise *e)
{
	sq *q = (sq *)s;
	if (sc.enterprise_id)
		return GLOVED_EPERM;
	sqlite3_stmt *st =
	    sqlite__prep(q, "INSERT INTO enterprise(code, name, town) VALUES(?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_text(st, 1, e->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->town, -1, SQLITE_STATIC);
	int rc = sqlite__run(q, st);
	if (!rc)
		e->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int enterprise_row(sqlite3_stmt *st, void *dst)
{
	store_enterprise *e = dst;
	e->id = sqlite3_column_int64(st, 0);
	TEXT(1, e->code);
	TEXT(2, e->name);
	TEXT(3, e->town);
	return GLOVED_OK;
}

static int sq_enterprise_list(store *s, store_scope sc, store_enterprise **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__prep(q, "SELECT id, code, name, town FROM enterprise"
			    " WHERE (?1 = 0 OR id = ?1) AND (?2 = '' OR town = ?2) ORDER BY code");
	if (st) {
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
		sqlite3_bind_text(st, 2, sc.town, -1, SQLITE_STATIC);
	}
	return sqlite__rows(q, st, sizeof **out, enterprise_row, (void **)out, n);
}

static int sq_enterprise_by_code(store *s, store_scope sc, const char *code, store_enterprise *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "SELECT id, code, name, town FROM enterprise"
					   " WHERE code = ?2 AND (?1 = 0 OR id = ?1)");
	if (st) {
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
		sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	}
	return sqlite__one(q, st, out, enterprise_row);
}

static int sq_workshop_add(store *s, store_scope sc, store_workshop *w)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, w->enterprise_id))
		return GLOVED_EPERM;
	sqlite3_stmt *st =
	    sqlite__prep(q, "INSERT INTO workshop(enterprise_id, code, name) VALUES(?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, w->enterprise_id);
	sqlite3_bind_text(st, 2, w->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, w->name, -1, SQLITE_STATIC);
	int rc = sqlite__run(q, st);
	if (!rc)
		w->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int workshop_row(sqlite3_stmt *st, void *dst)
{
	store_workshop *w = dst;
	w->id = sqlite3_column_int64(st, 0);
	w->enterprise_id = sqlite3_column_int64(st, 1);
	TEXT(2, w->code);
	TEXT(3, w->name);
	return GLOVED_OK;
}

static int sq_workshop_list(store *s, store_scope sc, int64_t enterprise_id, store_workshop **out,
			    size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "SELECT id, enterprise_id, code, name FROM workshop"
					   " WHERE (?1 = 0 OR enterprise_id = ?1) AND"
					   " (?2 = 0 OR enterprise_id = ?2)"
					   " ORDER BY enterprise_id, code");
	if (st) {
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
		sqlite3_bind_int64(st, 2, enterprise_id);
	}
	return sqlite__rows(q, st, sizeof **out, workshop_row, (void **)out, n);
}

static int sq_machine_add(store *s, store_scope sc, store_machine *m)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, m->enterprise_id))
		return GLOVED_EPERM;
	/* the workshop must belong to the machine's enterprise */
	sqlite3_stmt *chk =
	    sqlite__prep(q, "SELECT 1 FROM workshop WHERE id = ? AND enterprise_id = ?");
	if (!chk)
		return GLOVED_EDB;
	sqlite3_bind_int64(chk, 1, m->workshop_id);
	sqlite3_bind_int64(chk, 2, m->enterprise_id);
	int found = sqlite3_step(chk) == SQLITE_ROW;
	sqlite3_finalize(chk);
	if (!found)
		return GLOVED_ENOTFOUND;
	sqlite3_stmt *st =
	    sqlite__prep(q, "INSERT INTO machine(enterprise_id, workshop_id, code, kind,"
			    " gauge, cycle_ms, counter_bits) VALUES(?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, m->enterprise_id);
	sqlite3_bind_int64(st, 2, m->workshop_id);
	sqlite3_bind_text(st, 3, m->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, m->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, m->gauge);
	sqlite3_bind_int64(st, 6, m->cycle_ms);
	sqlite3_bind_int(st, 7, m->counter_bits);
	int rc = sqlite__run(q, st);
	if (!rc)
		m->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static int machine_row(sqlite3_stmt *st, void *dst)
{
	store_machine *m = dst;
	m->id = sqlite3_column_int64(st, 0);
	m->enterprise_id = sqlite3_column_int64(st, 1);
	m->workshop_id = sqlite3_column_int64(st, 2);
	TEXT(3, m->code);
	TEXT(4, m->kind);
	m->gauge = sqlite3_column_int(st, 5);
	m->cycle_ms = sqlite3_column_int64(st, 6);
	m->counter_bits = sqlite3_column_int(st, 7);
	return GLOVED_OK;
}

static int sq_machine_list(store *s, store_scope sc, store_machine **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__prep(q, "SELECT id, enterprise_id, workshop_id, code, kind, gauge, cycle_ms,"
			    " counter_bits FROM machine WHERE (?1 = 0 OR enterprise_id = ?1)"
			    " ORDER BY enterprise_id, workshop_id, code");
	if (st)
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
	return sqlite__rows(q, st, sizeof **out, machine_row, (void **)out, n);
}

static int sq_registry_rev(store *s, int64_t *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(q, "SELECT value FROM meta WHERE key = 'registry_rev'");
	if (!st)
		return GLOVED_EDB;
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? GLOVED_OK : sqlite__fail(q, rc);
}

/* ---- Sparkplug B metric mapping ---- */

static int sparkplug_map_row(sqlite3_stmt *st, void *dst)
{
	store_sparkplug_map *m = dst;
	TEXT(0, m->count_metric);
	TEXT(1, m->reject_metric);
	TEXT(2, m->state_metric);
	TEXT(3, m->reason_metric);
	return GLOVED_OK;
}

static int sq_sparkplug_map_get(store *s, int64_t enterprise_id, const char *edge_node,
				store_sparkplug_map *out)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st =
	    sqlite__prep(q, "SELECT count_metric, reject_metric, state_metric, reason_metric"
			    " FROM sparkplug_map WHERE enterprise_id = ? AND edge_node = ?");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, enterprise_id);
	sqlite3_bind_text(st, 2, edge_node, -1, SQLITE_STATIC);
	store_sparkplug_map m = {0};
	int rc = sqlite__one(q, st, &m, sparkplug_map_row);
	if (rc)
		return rc;
	m.enterprise_id = enterprise_id;
	snprintf(m.edge_node, sizeof m.edge_node, "%s", edge_node);
	*out = m;
	return GLOVED_OK;
}

static int sq_sparkplug_map_put(store *s, store_scope sc, const store_sparkplug_map *m)
{
	sq *q = (sq *)s;
	if (!sqlite__scope_ok(sc, m->enterprise_id))
		return GLOVED_EPERM;
	sqlite3_stmt *st =
	    sqlite__prep(q, "INSERT OR REPLACE INTO sparkplug_map(enterprise_id, edge_node,"
			    " count_metric, reject_metric, state_metric, reason_metric)"
			    " VALUES (?, ?, ?, ?, ?, ?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, m->enterprise_id);
	sqlite3_bind_text(st, 2, m->edge_node, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, m->count_metric, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, m->reject_metric, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, m->state_metric, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, m->reason_metric, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT)
		return GLOVED_ENOTFOUND;
	return rc == SQLITE_DONE ? GLOVED_OK : sqlite__fail(q, rc);
}

/* ---- Modbus devices ---- */

static int sq_modbus_device_add(store *s, store_scope sc, store_modbus_device *d)
{
	sq *q = (sq *)s;
	sqlite3_stmt *chk = sqlite__prep(q, "SELECT enterprise_id FROM machine WHERE id = ?");
	if (!chk)
		return GLOVED_EDB;
	sqlite3_bind_int64(chk, 1, d->machine_id);
	int found = sqlite3_step(chk) == SQLITE_ROW;
	int64_t ent = found ? sqlite3_column_int64(chk, 0) : 0;
	sqlite3_finalize(chk);
	if (!found)
		return GLOVED_ENOTFOUND;
	if (!sqlite__scope_ok(sc, ent))
		return GLOVED_EPERM;
	d->enterprise_id = ent;
	sqlite3_stmt *st = sqlite__prep(
	    q, "INSERT INTO modbus_device(machine_id, host, port, unit_id, counter_reg,"
	       " counter_words, word_order, reject_reg, state_reg, state_map, poll_ms,"
	       " timeout_ms, enabled) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return GLOVED_EDB;
	sqlite3_bind_int64(st, 1, d->machine_id);
	sqlite3_bind_text(st, 2, d->host, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, d->port);
	sqlite3_bind_int(st, 4, d->unit_id);
	sqlite3_bind_int(st, 5, d->counter_reg);
	sqlite3_bind_int(st, 6, d->counter_words);
	sqlite3_bind_text(st, 7, d->word_order, -1, SQLITE_STATIC);
	if (d->reject_reg >= 0)
		sqlite3_bind_int(st, 8, d->reject_reg);
	else
		sqlite3_bind_null(st, 8);
	if (d->state_reg >= 0)
		sqlite3_bind_int(st, 9, d->state_reg);
	else
		sqlite3_bind_null(st, 9);
	sqlite3_bind_text(st, 10, d->state_map, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, d->poll_ms);
	sqlite3_bind_int64(st, 12, d->timeout_ms);
	sqlite3_bind_int(st, 13, d->enabled ? 1 : 0);
	return sqlite__run(q, st);
}

static int modbus_device_row(sqlite3_stmt *st, void *dst)
{
	store_modbus_device *d = dst;
	d->machine_id = sqlite3_column_int64(st, 0);
	d->enterprise_id = sqlite3_column_int64(st, 1);
	TEXT(2, d->enterprise_code);
	TEXT(3, d->machine_code);
	TEXT(4, d->host);
	d->port = sqlite3_column_int(st, 5);
	d->unit_id = sqlite3_column_int(st, 6);
	d->counter_reg = sqlite3_column_int(st, 7);
	d->counter_words = sqlite3_column_int(st, 8);
	TEXT(9, d->word_order);
	d->reject_reg = sqlite3_column_int(st, 10);
	d->state_reg = sqlite3_column_int(st, 11);
	TEXT(12, d->state_map);
	d->poll_ms = sqlite3_column_int64(st, 13);
	d->timeout_ms = sqlite3_column_int64(st, 14);
	d->enabled = sqlite3_column_int(st, 15);
	return GLOVED_OK;
}

static int sq_modbus_device_list(store *s, store_scope sc, store_modbus_device **out, size_t *n)
{
	sq *q = (sq *)s;
	sqlite3_stmt *st = sqlite__prep(
	    q, "SELECT d.machine_id, m.enterprise_id, e.code, m.code, d.host, d.port, d.unit_id,"
	       " d.counter_reg, d.counter_words, d.word_order, coalesce(d.reject_reg, -1),"
	       " coalesce(d.state_reg, -1), d.state_map, d.poll_ms, d.timeout_ms, d.enabled"
	       " FROM modbus_device d JOIN machine m ON m.id = d.machine_id"
	       " JOIN enterprise e ON e.id = m.enterprise_id"
	       " WHERE (?1 = 0 OR m.enterprise_id = ?1) ORDER BY e.code, m.code");
	if (st)
		sqlite3_bind_int64(st, 1, sc.enterprise_id);
	return sqlite__rows(q, st, sizeof **out, modbus_device_row, (void **)out, n);
}

const store_registry_ops sqlite__registry_ops = {
    .version = STORE_REGISTRY_VERSION,
    .enterprise_add = sq_enterprise_add,
    .enterprise_list = sq_enterprise_list,
    .enterprise_by_code = sq_enterprise_by_code,
    .workshop_add = sq_workshop_add,
    .workshop_list = sq_workshop_list,
    .machine_add = sq_machine_add,
    .machine_list = sq_machine_list,
    .registry_rev = sq_registry_rev,
    .modbus_device_add = sq_modbus_device_add,
    .modbus_device_list = sq_modbus_device_list,
    .sparkplug_map_get = sq_sparkplug_map_get,
    .sparkplug_map_put = sq_sparkplug_map_put,
};
