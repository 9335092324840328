/* SPDX-License-Identifier: Apache-2.0 */
/* config.c: the option table and the INI/flag parsers (see config.h). */
#include "util/config.h"
#include "util/err.h"

#include <ini.h>
#include <stdlib.h>
#include <string.h>

typedef enum { OPT_STR, OPT_INT, OPT_BOOL } opt_type;

typedef struct option_def {
	const char *section;
	const char *key;
	const char *flag;
	opt_type type;
	size_t offset;
	size_t size; /* for strings */
	int64_t min, max;
	const char *help;
} option_def;

#define STR(sec, key, flag, field, help)                                                           \
	{                                                                                          \
		sec, key, flag, OPT_STR, offsetof(gloved_config, field),                           \
		    sizeof(((gloved_config *)0)->field), 0, 0, help                                \
	}
#define INT(sec, key, flag, field, lo, hi, help)                                                   \
	{                                                                                          \
		sec, key, flag, OPT_INT, offsetof(gloved_config, field), 0, lo, hi, help           \
	}

static const option_def options[] = {
    STR("store", "db", "db", db_path, "SQLite database file"),
    STR("store", "sync", "db-sync", db_sync,
	"full (fsync every commit: an acknowledged report survives power loss) or normal"),
    STR("store", "instances", "instances", instances,
	"one (this gloved alone serves the database: it claims it exclusively and writes rollups "
	"about once a second under load, the default) or several (several gloved serve one "
	"PostgreSQL database together: each takes a shared claim, locks the machines it writes, "
	"writes rollups with every commit and sends live updates by NOTIFY)"),
    STR("http", "listen", "listen", listen, "HTTP listen address host:port"),
    STR("http", "web_root", "web-root", web_root, "folder of the dashboard's static files"),
    STR("http", "vendor_dir", "vendor-dir", vendor_dir,
	"folder holding echarts.min.js (node_modules/echarts/dist)"),
    INT("http", "max_body", "max-body", max_body, 1024, 256 << 20,
	"largest request body accepted, bytes"),
    INT("http", "max_records", "max-records", max_records, 1, 1000000,
	"most reports in one ingest request"),
    INT("http", "connections", "http-connections", http_threads, 4, 10000,
	"most concurrent HTTP connections being served (one thread each)"),
    INT("http", "connections_per_address", "http-connections-per-address", http_per_address, 0,
	100000, "most connections being served from one client address (0: no limit)"),
    INT("http", "pending", "http-pending", http_pending, 16, 1000000,
	"most new connections waiting for their request head; the oldest is closed for a new one"),
    INT("http", "header_timeout", "http-header-timeout", http_header_timeout, 1, 600,
	"seconds a new connection has to send its whole request head"),
    INT("http", "idle_timeout", "http-idle-timeout", http_idle_timeout, 2, 3600,
	"seconds a connection may stay idle between requests"),
    INT("http", "session_hours", "session-hours", session_hours, 1, 24 * 365,
	"lifetime of a login session, hours"),
    INT("http", "password_hashes", "password-hashes", password_hashes, 1, 64,
	"most argon2id password checks at once (64 MiB each); more logins wait their turn"),
    INT("http", "address_fails", "address-fails", address_fails, 0, 100000,
	"failed logins from one client address in 5 minutes that lock it for 5 minutes (0: no "
	"limit)"),
    INT("http", "password_wait_ms", "password-wait-ms", password_wait_ms, 0, 60000,
	"how long a login waits for a turn at the password checks before 503, ms"),
    INT("http", "public_rate", "public-rate", public_rate, 0, 1000000,
	"requests a minute one client address may make to the public pages (label "
	"verification); 429 beyond (0: no limit)"),
    STR("brand", "key_file", "brand-key-file", brand_key_file,
	"the cluster's Ed25519 label signing key (made on first start, mode 0600; default "
	"<db>.brand.key)"),
    STR("brand", "public_base", "public-base", public_base,
	"the address label QR codes point at, e.g. https://gloves.example.cn (default: "
	"http://<listen>)"),
    INT("brand", "clone_scans", "clone-scans", clone_scans, 2, 1000000,
	"public scans of one label that flag it as a likely copy"),
    INT("brand", "clone_networks", "clone-networks", clone_networks, 2, 1000000,
	"distinct client networks (/24, /48) scanning one label that flag it as a likely copy"),
    STR("mqtt", "host", "mqtt-host", mqtt_host, "MQTT broker host"),
    INT("mqtt", "port", "mqtt-port", mqtt_port, 1, 65535, "MQTT broker port"),
    INT("mqtt", "enabled", "mqtt-enabled", mqtt_enabled, 0, 1,
	"1 to subscribe to machine reports over MQTT, 0 not to"),
    STR("mqtt", "username", "mqtt-username", mqtt_username, "MQTT user name (optional)"),
    STR("mqtt", "password", "mqtt-password", mqtt_password, "MQTT password (optional)"),
    STR("mqtt", "client_id", "mqtt-client-id", mqtt_client_id,
	"the MQTT client id of this instance's persistent session (default: gloved-<host>-<a hash "
	"of the database path>; keep it stable: the broker keeps what arrives while gloved is "
	"away under it)"),
    STR("mqtt", "share_group", "mqtt-share-group", mqtt_share_group,
	"the shared subscription group over which several instances on one PostgreSQL database "
	"spread the machines' reports ($share/<group>/...; set the same name, e.g. gloved, on "
	"every instance; empty: not shared, the default)"),
    INT("modbus", "enabled", "modbus-enabled", modbus_enabled, 0, 1,
	"1 to poll the Modbus TCP devices registered with `gloved admin modbus add`, 0 not to"),
    INT("sparkplug", "enabled", "sparkplug-enabled", spb_enabled, 0, 1,
	"1 to act as a Sparkplug B host application on the [mqtt] broker, 0 not to"),
    STR("sparkplug", "host_id", "sparkplug-host-id", spb_host_id,
	"Sparkplug host id: STATE is published on spBv1.0/STATE/<host_id>"),
    INT("sparkplug", "reorder_timeout_ms", "sparkplug-reorder-ms", spb_reorder_ms, 10, 600000,
	"how long (ms) a Sparkplug seq gap may last before gloved asks for a rebirth"),
    STR("cluster", "timezone", "timezone", timezone,
	"IANA time zone of local days (Asia/Shanghai)"),
    INT("ingest", "reorder_window", "reorder-window", reorder_window_s, 60, 7 * 86400,
	"seconds within which out-of-order reports of a machine are put in order"),
    INT("ingest", "max_future", "max-future", max_future_s, 0, 86400,
	"seconds a report's timestamp may be ahead of the server clock"),
    INT("ingest", "offline_after", "offline-after", offline_after_s, 5, 86400,
	"seconds without a report after which a machine shows offline"),
    INT("writer", "batch_max", "batch-max", batch_max, 1, 1000000,
	"most reports in one group commit"),
    INT("writer", "batch_wait_ms", "batch-wait-ms", batch_wait_ms, 0, 1000,
	"how long the writer waits to fill a commit when traffic is light"),
    INT("writer", "async_wait_ms", "async-wait-ms", async_wait_ms, 0, 1000,
	"how long (ms) MQTT reports gather before a commit (nobody waits for them)"),
    INT("writer", "rollup_flush_ms", "rollup-flush-ms", rollup_flush_ms, 1, 60000,
	"under load, the longest time (ms) rollups may trail the stored reports"),
    INT("retention", "raw_days", "retention-raw-days", raw_days, 0, 36500,
	"days raw samples are kept (0: forever); rollups can be rebuilt within them"),
    INT("retention", "minute_days", "retention-minute-days", minute_days, 0, 36500,
	"days minute rollups are kept (0: forever); hour, day and shift rollups are kept"),
    INT("retention", "hour_days", "retention-hour-days", hour_days, 0, 36500,
	"days hour rollups are kept (0: forever)"),
    INT("retention", "day_days", "retention-day-days", day_days, 0, 36500,
	"days day rollups are kept (0: forever)"),
    INT("retention", "shift_days", "retention-shift-days", shift_days, 0, 36500,
	"days shift rollups (OEE) and stop events are kept (0: forever)"),
    STR("log", "level", "log-level", log_level, "debug, info, warn or error"),
};
#define N_OPTIONS (sizeof options / sizeof options[0])

void config_defaults(gloved_config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->db_path, sizeof c->db_path, "gloved.db");
	snprintf(c->db_sync, sizeof c->db_sync, "full");
	snprintf(c->instances, sizeof c->instances, "one");
	snprintf(c->listen, sizeof c->listen, "127.0.0.1:8080");
	snprintf(c->web_root, sizeof c->web_root, "%s/web", GLOVED_SOURCE_DIR);
	snprintf(c->vendor_dir, sizeof c->vendor_dir, "%s/node_modules/echarts/dist",
		 GLOVED_SOURCE_DIR);
	c->max_body = 4 << 20;
	c->max_records = 10000;
	c->http_threads = 512;
	c->http_per_address = 128;
	c->http_pending = 4096;
	c->http_header_timeout = 10;
	c->http_idle_timeout = 30;
	c->session_hours = 12;
	c->password_hashes = 2;
	c->address_fails = 50;
	c->public_rate = 60;
	c->clone_scans = 20;
	c->clone_networks = 5;
	c->password_wait_ms = 10000;
	snprintf(c->mqtt_host, sizeof c->mqtt_host, "127.0.0.1");
	c->mqtt_port = 1883;
	c->mqtt_enabled = 1;
	c->modbus_enabled = 1;
	c->spb_enabled = 1;
	snprintf(c->spb_host_id, sizeof c->spb_host_id, "gloved");
	c->spb_reorder_ms = 2000;
	snprintf(c->timezone, sizeof c->timezone, "Asia/Shanghai");
	c->reorder_window_s = 900;
	c->max_future_s = 300;
	c->offline_after_s = 120;
	c->batch_max = 20000;
	c->batch_wait_ms = 0;
	c->rollup_flush_ms = 1000;
	c->async_wait_ms = 20;
	c->raw_days = 30;
	c->minute_days = 90;
	snprintf(c->log_level, sizeof c->log_level, "info");
}

static int set_value(gloved_config *c, const option_def *o, const char *value, char *err,
		     size_t errlen)
{
	char *field = (char *)c + o->offset;
	if (o->type == OPT_STR) {
		size_t n = strlen(value);
		if (n >= o->size) {
			snprintf(err, errlen, "%s: value longer than %zu characters", o->key,
				 o->size - 1);
			return GLOVED_EINVAL;
		}
		memcpy(field, value, n + 1);
		return GLOVED_OK;
	}
	char *end = NULL;
	long long v = strtoll(value, &end, 10);
	if (!*value || *end || v < o->min || v > o->max) {
		snprintf(err, errlen, "%s: '%s' is not an integer in %lld..%lld", o->key, value,
			 (long long)o->min, (long long)o->max);
		return GLOVED_EINVAL;
	}
	memcpy(field, &(int64_t){v}, sizeof(int64_t));
	return GLOVED_OK;
}

typedef struct ini_ctx {
	gloved_config *c;
	char *err;
	size_t errlen;
	int failed;
} ini_ctx;

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
	ini_ctx *ctx = user;
	for (size_t i = 0; i < N_OPTIONS; i++) {
		if (strcmp(options[i].section, section) == 0 && strcmp(options[i].key, name) == 0) {
			if (set_value(ctx->c, &options[i], value, ctx->err, ctx->errlen)) {
				ctx->failed = 1;
				return 0;
			}
			return 1;
		}
	}
	snprintf(ctx->err, ctx->errlen, "unknown option [%s] %s", section, name);
	ctx->failed = 1;
	return 0;
}

int config_load_file(gloved_config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot open config file %s", path);
		return GLOVED_EIO;
	}
	ini_ctx ctx = {c, err, errlen, 0};
	char inner[256] = "";
	ctx.err = inner;
	ctx.errlen = sizeof inner;
	int line = ini_parse_file(f, on_ini, &ctx);
	fclose(f);
	if (line != 0) {
		snprintf(err, errlen, "%s:%d: %s", path, line, inner[0] ? inner : "syntax error");
		return GLOVED_EINVAL;
	}
	return GLOVED_OK;
}

int config_apply_flag(gloved_config *c, const char *flag, const char *value, char *err,
		      size_t errlen)
{
	if (strcmp(flag, "no-mqtt") == 0) {
		c->mqtt_enabled = 0;
		return 2;
	}
	for (size_t i = 0; i < N_OPTIONS; i++) {
		if (strcmp(options[i].flag, flag) == 0) {
			if (!value) {
				snprintf(err, errlen, "--%s needs a value", flag);
				return GLOVED_EINVAL;
			}
			int rc = set_value(c, &options[i], value, err, errlen);
			return rc ? rc : 1;
		}
	}
	return 0;
}

int config_validate(const gloved_config *c, char *err, size_t errlen)
{
	if (strcmp(c->db_sync, "full") != 0 && strcmp(c->db_sync, "normal") != 0) {
		snprintf(err, errlen, "sync must be full or normal, not '%s'", c->db_sync);
		return GLOVED_EINVAL;
	}
	if (strcmp(c->instances, "one") != 0 && strcmp(c->instances, "several") != 0) {
		snprintf(err, errlen, "instances must be one or several, not '%s'", c->instances);
		return GLOVED_EINVAL;
	}
	int several = strcmp(c->instances, "several") == 0;
	if (several && strncmp(c->db_path, "postgresql://", 13) != 0 &&
	    strncmp(c->db_path, "postgres://", 11) != 0) {
		snprintf(err, errlen,
			 "instances = several needs a PostgreSQL database (db = postgresql://...): "
			 "an SQLite file is served by one gloved");
		return GLOVED_EINVAL;
	}
	if (c->mqtt_share_group[0] && !several) {
		snprintf(err, errlen,
			 "mqtt share_group '%s' spreads reports over several instances: set "
			 "[store] instances = several (--instances several) with it",
			 c->mqtt_share_group);
		return GLOVED_EINVAL;
	}
	if (!strchr(c->listen, ':')) {
		snprintf(err, errlen, "listen must be host:port, not '%s'", c->listen);
		return GLOVED_EINVAL;
	}
	if (!c->spb_host_id[0] || strpbrk(c->spb_host_id, "/+#")) {
		snprintf(err, errlen, "sparkplug host_id must be non-empty without / + #");
		return GLOVED_EINVAL;
	}
	if (strcmp(c->log_level, "debug") && strcmp(c->log_level, "info") &&
	    strcmp(c->log_level, "warn") && strcmp(c->log_level, "error")) {
		snprintf(err, errlen, "log level must be debug, info, warn or error");
		return GLOVED_EINVAL;
	}
	return GLOVED_OK;
}

void config_print_flags(FILE *out)
{
	for (size_t i = 0; i < N_OPTIONS; i++) {
		char left[64];
		snprintf(left, sizeof left, "--%s %s", options[i].flag,
			 options[i].type == OPT_STR ? "TEXT" : "N");
		fprintf(out, "  %-28s %s [%s] %s\n", left, options[i].help, options[i].section,
			options[i].key);
	}
	fprintf(out, "  %-28s %s\n", "--no-mqtt", "do not connect to an MQTT broker");
	fprintf(out, "  %-28s %s\n", "--config FILE", "read options from an INI file first");
}
