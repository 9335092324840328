/* SPDX-License-Identifier: Apache-2.0 */
/* api_registry.c: the cluster's directory through the API: enterprises,
 * workshops, machines (registering them; api_live.c lists them with their
 * live state), gateway tokens and the gateways seen, and the machines'
 * Modbus devices. A handler checks its input (400 naming the field), reads
 * the registry or a pooled read connection, or makes one write of
 * app/directory.c (on the writer thread); who may call which route is the
 * table at the end, the firm a firm admin may manage is checked here. */
#include "app/directory.h"
#include "http/http_int.h"
#include "ingest/modbus_decode.h"
#include "util/err.h"
#include "util/ltime.h"
#include "util/secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- enterprises and workshops ---- */

static enum MHD_Result h_enterprises(http_req *r, store *db)
{
	http__refresh(r, db);
	store_enterprise *es = NULL;
	size_t n = 0;
	if (registry_enterprises(r->srv->app.reg, r->scope, &es, &n))
		return http__reply_error(r, 500, "internal", -1, "out of memory");
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "enterprises");
	for (size_t i = 0; i < n; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "code", es[i].code);
		cJSON_AddStringToObject(e, "name", es[i].name);
		cJSON_AddStringToObject(e, "town", es[i].town);
		cJSON_AddItemToArray(arr, e);
	}
	free(es);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_enterprise_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	store_enterprise e = {0};
	if (http__field_text(r, j, "code", 1, 1, e.code, sizeof e.code, &ret) ||
	    http__field_text(r, j, "name", 1, 0, e.name, sizeof e.name, &ret) ||
	    http__field_text(r, j, "town", 0, 0, e.town, sizeof e.town, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	int rc = app_enterprise_add(r->srv->app.w, r->scope, &e);
	if (!rc)
		http__audit(r, e.id, "enterprise.add", e.code, e.town);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", e.code);
	cJSON_AddStringToObject(o, "name", e.name);
	cJSON_AddStringToObject(o, "town", e.town);
	return http__reply_created(r, db, rc, "enterprise", e.code, o);
}

static enum MHD_Result h_workshops(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	if (http__query_enterprise(r, db, &ent, &ret))
		return ret;
	store_workshop *ws = NULL;
	size_t n = 0;
	store_scope sc = {.enterprise_id = ent};
	if (registry_workshops(r->srv->app.reg, sc, &ws, &n))
		return http__reply_error(r, 500, "internal", -1, "out of memory");
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "workshops");
	for (size_t i = 0; i < n; i++) {
		store_enterprise e;
		if (registry_enterprise(r->srv->app.reg, ws[i].enterprise_id, &e))
			continue;
		cJSON *w = cJSON_CreateObject();
		cJSON_AddStringToObject(w, "enterprise", e.code);
		cJSON_AddStringToObject(w, "code", ws[i].code);
		cJSON_AddStringToObject(w, "name", ws[i].name);
		cJSON_AddItemToArray(arr, w);
	}
	free(ws);
	return http__reply_json(r, 200, o);
}

/* The firm of a registering request (body field "enterprise") that the
 * caller manages; replies 4xx and returns -1 otherwise. */
static int managed_firm(http_req *r, const char *ent, int64_t *id, const char *does,
			enum MHD_Result *ret)
{
	if (http__resolve_enterprise(r, ent, id, ret))
		return -1;
	if (!http__can_manage(r, *id)) {
		*ret =
		    http__reply_error(r, 403, "forbidden", -1, "only an admin of %s %s", ent, does);
		return -1;
	}
	return 0;
}

static enum MHD_Result h_workshop_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	store_workshop w = {0};
	char ent[40];
	if (http__field_text(r, j, "enterprise", 1, 1, ent, sizeof ent, &ret) ||
	    http__field_text(r, j, "code", 1, 1, w.code, sizeof w.code, &ret) ||
	    http__field_text(r, j, "name", 1, 0, w.name, sizeof w.name, &ret) ||
	    managed_firm(r, ent, &w.enterprise_id, "adds its workshops", &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	int rc = app_workshop_add(r->srv->app.w, r->scope, &w);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "enterprise", ent);
	cJSON_AddStringToObject(o, "code", w.code);
	cJSON_AddStringToObject(o, "name", w.name);
	return http__reply_created(r, db, rc, "workshop", w.code, o);
}

/* ---- machines ---- */

static const char *const kinds[] = {"knitting", "overlock", "dipping", "sewing",
				    "cutting",  "ironing",  "packing", "other"};

static enum MHD_Result h_machine_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	store_machine m = {0};
	char ent[40], wcode[40];
	int64_t gauge, cycle, bits;
	if (http__field_text(r, j, "enterprise", 1, 1, ent, sizeof ent, &ret) ||
	    http__field_text(r, j, "workshop", 1, 1, wcode, sizeof wcode, &ret) ||
	    http__field_text(r, j, "code", 1, 1, m.code, sizeof m.code, &ret) ||
	    http__field_text(r, j, "kind", 0, 0, m.kind, sizeof m.kind, &ret) ||
	    http__field_int(r, j, "gauge", 0, 40, 0, &gauge, &ret) ||
	    http__field_int(r, j, "cycle_ms", 0, 86400000, 0, &cycle, &ret) ||
	    http__field_int(r, j, "counter_bits", 16, 64, 64, &bits, &ret) ||
	    http__resolve_enterprise(r, ent, &m.enterprise_id, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (bits != 16 && bits != 32 && bits != 64)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'counter_bits' must be 16, 32 or 64");
	if (!m.kind[0])
		snprintf(m.kind, sizeof m.kind, "knitting");
	int kind_ok = 0;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		kind_ok |= strcmp(kinds[i], m.kind) == 0;
	if (!kind_ok)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'kind' must be one of knitting, overlock, dipping, "
					 "sewing, cutting, ironing, packing, other");
	if (managed_firm(r, ent, &m.enterprise_id, "adds its machines", &ret))
		return ret;
	store_workshop w;
	if (registry_workshop_by_code(r->srv->app.reg, m.enterprise_id, wcode, &w))
		return http__reply_error(r, 404, "not_found", -1, "no workshop '%s' in %s", wcode,
					 ent);
	m.workshop_id = w.id;
	m.gauge = (int)gauge;
	m.cycle_ms = cycle;
	m.counter_bits = (int)bits;
	int rc = app_machine_add(r->srv->app.w, r->scope, &m);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "enterprise", ent);
	cJSON_AddStringToObject(o, "workshop", wcode);
	cJSON_AddStringToObject(o, "code", m.code);
	cJSON_AddStringToObject(o, "kind", m.kind);
	cJSON_AddNumberToObject(o, "gauge", (double)gauge);
	cJSON_AddNumberToObject(o, "cycle_ms", (double)cycle);
	cJSON_AddNumberToObject(o, "counter_bits", (double)bits);
	return http__reply_created(r, db, rc, "machine", m.code, o);
}

/* ---- gateways ---- */

static enum MHD_Result h_gateway_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	store_gateway g = {0};
	char ent[40];
	if (http__field_text(r, j, "enterprise", 1, 1, ent, sizeof ent, &ret) ||
	    http__field_text(r, j, "name", 0, 0, g.name, sizeof g.name, &ret) ||
	    managed_firm(r, ent, &g.enterprise_id, "creates its gateway tokens", &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (!g.name[0])
		snprintf(g.name, sizeof g.name, "gateway");
	char token[SECRET_TOKEN_MAX];
	uint8_t hash[SECRET_HASH_LEN];
	if (secret_token_new("gw_", token, sizeof token))
		return http__reply_error(r, 500, "internal", -1, "cannot make a token");
	secret_token_hash(token, hash);
	int rc = app_gateway_add(r->srv->app.w, r->scope, &g, hash);
	if (!rc)
		http__audit(r, g.enterprise_id, "gateway.add", g.name, "");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "enterprise", ent);
	cJSON_AddStringToObject(o, "name", g.name);
	cJSON_AddStringToObject(o, "token", token);
	return http__reply_created(r, db, rc, "gateway", g.name, o);
}

static enum MHD_Result h_gateways(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	if (http__query_enterprise(r, db, &ent, &ret))
		return ret;
	fleet_entry *fe = NULL;
	size_t n = 0;
	int64_t now = ltime_now_ms();
	store_scope sc = {.enterprise_id = ent};
	if (!r->srv->app.fleet || fleet_list(r->srv->app.fleet, sc, now, &fe, &n))
		return http__reply_error(r, 500, "internal", -1, "out of memory");
	int64_t offline_ms = r->srv->app.cfg->offline_after_s * 1000;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "now", (double)now);
	http__add_links(o, &r->srv->app, 1);
	cJSON *arr = cJSON_AddArrayToObject(o, "gateways");
	for (size_t i = 0; i < n; i++) {
		store_enterprise e;
		if (registry_enterprise(r->srv->app.reg, fe[i].enterprise_id, &e))
			continue;
		cJSON *g = cJSON_CreateObject();
		cJSON_AddStringToObject(g, "enterprise", e.code);
		cJSON_AddStringToObject(g, "protocol", fleet_proto_name(fe[i].proto));
		cJSON_AddStringToObject(g, "name", fe[i].name);
		int online =
		    fe[i].online >= 0 ? fe[i].online : now - fe[i].last_seen_ms <= offline_ms;
		cJSON_AddBoolToObject(g, "online", online);
		cJSON_AddNumberToObject(g, "first_seen", (double)fe[i].first_seen_ms);
		cJSON_AddNumberToObject(g, "last_seen", (double)fe[i].last_seen_ms);
		cJSON_AddNumberToObject(g, "messages", (double)fe[i].messages);
		cJSON_AddNumberToObject(g, "messages_per_minute", (double)fe[i].msgs_per_min);
		cJSON_AddNumberToObject(g, "errors", (double)fe[i].errors);
		cJSON_AddStringToObject(g, "last_error", fe[i].last_error);
		cJSON_AddNumberToObject(g, "last_error_at", (double)fe[i].last_error_ms);
		cJSON *ms = cJSON_AddArrayToObject(g, "machines");
		for (size_t k = 0; k < fe[i].n_machines; k++) {
			store_machine m;
			if (registry_machine(r->srv->app.reg, fe[i].machines[k], &m) == GLOVED_OK)
				cJSON_AddItemToArray(ms, cJSON_CreateString(m.code));
		}
		cJSON_AddItemToArray(arr, g);
	}
	free(fe);
	return http__reply_json(r, 200, o);
}

/* ---- Modbus devices (docs/internals/modbus.md) ---- */

static cJSON *modbus_device_json(const store_modbus_device *d)
{
	cJSON *o = cJSON_CreateObject();
	char name[200];
	snprintf(name, sizeof name, "%s:%d/%d", d->host, d->port, d->unit_id);
	cJSON_AddStringToObject(o, "enterprise", d->enterprise_code);
	cJSON_AddStringToObject(o, "machine", d->machine_code);
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "host", d->host);
	cJSON_AddNumberToObject(o, "port", d->port);
	cJSON_AddNumberToObject(o, "unit", d->unit_id);
	cJSON_AddNumberToObject(o, "counter_reg", d->counter_reg);
	cJSON_AddNumberToObject(o, "counter_words", d->counter_words);
	cJSON_AddStringToObject(o, "word_order", d->word_order);
	if (d->reject_reg >= 0)
		cJSON_AddNumberToObject(o, "reject_reg", d->reject_reg);
	else
		cJSON_AddNullToObject(o, "reject_reg");
	if (d->state_reg >= 0)
		cJSON_AddNumberToObject(o, "state_reg", d->state_reg);
	else
		cJSON_AddNullToObject(o, "state_reg");
	cJSON_AddStringToObject(o, "state_map", d->state_map);
	cJSON_AddNumberToObject(o, "poll_ms", (double)d->poll_ms);
	cJSON_AddNumberToObject(o, "timeout_ms", (double)d->timeout_ms);
	cJSON_AddBoolToObject(o, "enabled", d->enabled);
	return o;
}

static enum MHD_Result h_modbus_devices(http_req *r, store *db)
{
	enum MHD_Result ret;
	int64_t ent;
	if (http__query_enterprise(r, db, &ent, &ret))
		return ret;
	store_modbus_device *ds = NULL;
	size_t n = 0;
	store_scope sc = {.enterprise_id = ent};
	if (store_modbus_device_list(db, sc, &ds, &n))
		return http__reply_error(r, 503, "unavailable", -1, "cannot read the devices");
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "modbus_devices");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, modbus_device_json(&ds[i]));
	free(ds);
	return http__reply_json(r, 200, o);
}

static enum MHD_Result h_modbus_device_add(http_req *r, store *db)
{
	enum MHD_Result ret;
	http__refresh(r, db);
	cJSON *j = http__parse_body(r, &ret);
	if (!j)
		return ret;
	store_modbus_device dev = {0}, *d = &dev;
	char ent[40], mcode[40];
	int64_t port, unit, creg, words, rreg, sreg, poll, tmo;
	if (http__field_text(r, j, "enterprise", 1, 1, ent, sizeof ent, &ret) ||
	    http__field_text(r, j, "machine", 1, 1, mcode, sizeof mcode, &ret) ||
	    http__field_text(r, j, "host", 1, 0, d->host, 49, &ret) ||
	    http__field_int(r, j, "port", 1, 65535, 502, &port, &ret) ||
	    http__field_int(r, j, "unit", 0, 255, 1, &unit, &ret) ||
	    http__field_int(r, j, "counter_reg", 0, 65535, -1, &creg, &ret) ||
	    http__field_int(r, j, "counter_words", 1, 2, 2, &words, &ret) ||
	    http__field_text(r, j, "word_order", 0, 0, d->word_order, sizeof d->word_order, &ret) ||
	    http__field_int(r, j, "reject_reg", 0, 65535, -1, &rreg, &ret) ||
	    http__field_int(r, j, "state_reg", 0, 65535, -1, &sreg, &ret) ||
	    http__field_text(r, j, "state_map", 0, 0, d->state_map, sizeof d->state_map, &ret) ||
	    http__field_int(r, j, "poll_ms", 100, 3600000, 5000, &poll, &ret) ||
	    http__field_int(r, j, "timeout_ms", 100, 30000, 2000, &tmo, &ret) ||
	    http__resolve_enterprise(r, ent, &d->enterprise_id, &ret)) {
		cJSON_Delete(j);
		return ret;
	}
	cJSON_Delete(j);
	if (creg < 0)
		return http__reply_error(r, 400, "bad_request", -1,
					 "field 'counter_reg' is missing");
	if (!d->word_order[0])
		snprintf(d->word_order, sizeof d->word_order, "big");
	if (!d->state_map[0])
		snprintf(d->state_map, sizeof d->state_map,
			 "0:off,1:run,2:idle,3:stop,4:fault,5:setup");
	if (managed_firm(r, ent, &d->enterprise_id, "adds its Modbus devices", &ret))
		return ret;
	store_machine m;
	if (registry_machine_by_code(r->srv->app.reg, d->enterprise_id, mcode, &m))
		return http__reply_error(r, 404, "not_found", -1, "no machine '%s' in %s", mcode,
					 ent);
	d->machine_id = m.id;
	d->port = (int)port;
	d->unit_id = (int)unit;
	d->counter_reg = (int)creg;
	d->counter_words = (int)words;
	d->reject_reg = (int)rreg;
	d->state_reg = (int)sreg;
	d->poll_ms = poll;
	d->timeout_ms = tmo;
	d->enabled = 1;
	char err[240];
	if (mbus_device_check(d, m.counter_bits, err, sizeof err))
		return http__reply_error(r, 400, "bad_request", -1, "%s", err);
	snprintf(d->enterprise_code, sizeof d->enterprise_code, "%.32s", ent);
	snprintf(d->machine_code, sizeof d->machine_code, "%s", m.code);
	int rc = app_modbus_device_add(r->srv->app.w, r->scope, d);
	return http__reply_created(r, db, rc, "Modbus device of machine", m.code,
				   modbus_device_json(d));
}

const http_route http__routes_registry[] = {
    {"GET", "/api/v1/enterprises", ROLES_READERS, h_enterprises, NULL},
    {"POST", "/api/v1/enterprises", ROLE_BIT(ROLE_CLUSTER_ADMIN), h_enterprise_add,
     "only a cluster admin registers enterprises"},
    {"GET", "/api/v1/workshops", ROLES_READERS, h_workshops, NULL},
    {"POST", "/api/v1/workshops", ROLES_ADMINS, h_workshop_add,
     "only a firm's admin adds its workshops"},
    {"POST", "/api/v1/machines", ROLES_ADMINS, h_machine_add,
     "only a firm's admin adds its machines"},
    {"POST", "/api/v1/gateway-tokens", ROLES_ADMINS, h_gateway_add,
     "only a firm's admin creates its gateway tokens"},
    {"GET", "/api/v1/gateways", ROLES_READERS, h_gateways, NULL},
    {"GET", "/api/v1/modbus-devices", ROLES_READERS, h_modbus_devices, NULL},
    {"POST", "/api/v1/modbus-devices", ROLES_ADMINS, h_modbus_device_add,
     "only a firm's admin adds its Modbus devices"},
};
const size_t http__routes_registry_n =
    sizeof http__routes_registry / sizeof http__routes_registry[0];
