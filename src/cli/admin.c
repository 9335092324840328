/* SPDX-License-Identifier: Apache-2.0 */
/* admin.c: `gloved admin [--db PATH] <noun> <verb> [options]`, the commands
 * that register firms, workshops, machines, gateway tokens, users, Modbus
 * devices and Sparkplug maps, rebuild rollups, write the broker's ACL and
 * copy a deployment's SQLite database to PostgreSQL.
 * Each command is one row of ADMIN_COMMANDS: noun, verb, handler, a line of
 * help and its options (name, value placeholder or none for a flag,
 * required or not, what it means). The dispatcher finds the row, refuses an
 * unknown command, an unknown option or a missing required option with one
 * line naming it (exit status 2), opens the database, resolves --enterprise
 * and calls the handler, which returns the exit status. `--help` at every
 * level is printed from the rows; nothing else lists the commands. */
#include "cli/cli_int.h"
#include "app/firmcal.h"
#include "app/rebuild.h"
#include "app/registry.h"
#include "core/code.h"
#include "core/role.h"
#include "core/tz.h"
#include "ingest/modbus_decode.h"
#include "ingest/mqtt_acl.h"
#include "store/store.h"
#include "util/err.h"
#include "util/ltime.h"
#include "util/secret.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ADMIN_MAX_OPTS 16

typedef struct admin_opt {
	const char *name; /* "--code" */
	const char *arg;  /* the value's placeholder in the help, "C"; NULL: a flag */
	int required;
	const char *help;
} admin_opt;

typedef struct admin_cmd admin_cmd;

/* What a handler works with: the row's option values, the open database
 * and the enterprise of --enterprise. */
typedef struct admin_ctx {
	const admin_cmd *cmd;
	const char *val[ADMIN_MAX_OPTS]; /* by option index; a flag given is "" */
	const char *db_path;
	store *db;
	const char *ent_code; /* --enterprise, NULL when not given */
	store_enterprise ent; /* its row (id 0 when not given) */
} admin_ctx;

struct admin_cmd {
	const char *noun;
	const char *verb; /* NULL: the noun alone is the command */
	int (*run)(admin_ctx *c);
	const char *help;
	admin_opt opts[ADMIN_MAX_OPTS]; /* up to the first without a name */
};

/* The option's index in the row, -1 when the row has no such option. */
static int opt_index(const admin_cmd *cmd, const char *name)
{
	for (int i = 0; i < ADMIN_MAX_OPTS && cmd->opts[i].name; i++)
		if (strcmp(cmd->opts[i].name, name) == 0)
			return i;
	return -1;
}

/* The value of one of the row's options, NULL when not given. */
static const char *opt(const admin_ctx *c, const char *name)
{
	int k = opt_index(c->cmd, name);
	assert(k >= 0 && "an option the command's row does not declare");
	return k >= 0 ? c->val[k] : NULL;
}

static int has(const admin_ctx *c, const char *name)
{
	return opt(c, name) != NULL;
}

/* Copies an option's value; what names it in the message. */
static int copy_arg(char *dst, size_t cap, const char *v, const char *what)
{
	int r = cli__copy(dst, cap, v);
	if (r == -1)
		fprintf(stderr, "gloved admin: %s is required\n", what);
	else if (r)
		fprintf(stderr, "gloved admin: %s is longer than %zu bytes\n", what, cap - 1);
	return r ? -1 : 0;
}

/* An integer option in lo..hi, dflt when not given. */
static int int_arg(const char *v, long lo, long hi, long dflt, long *out, const char *what)
{
	if (!v) {
		*out = dflt;
		return 0;
	}
	if (cli__long(v, lo, hi, out)) {
		fprintf(stderr, "gloved admin: %s must be an integer in %ld..%ld\n", what, lo, hi);
		return -1;
	}
	return 0;
}

/* A code option (an enterprise, workshop, machine or user code). */
static int code_arg(char *dst, size_t cap, const char *v, const char *what)
{
	if (copy_arg(dst, cap, v, what))
		return -1;
	if (!code_valid(dst)) {
		fprintf(stderr, "gloved admin: %s must be 1-32 of A-Z a-z 0-9 _ -\n", what);
		return -1;
	}
	return 0;
}

static int admin_report(int rc, const char *what, const char *code, store *db)
{
	if (rc == GLOVED_EEXIST)
		fprintf(stderr, "gloved admin: %s '%s' already exists\n", what, code);
	else if (rc == GLOVED_ENOTFOUND)
		fprintf(stderr, "gloved admin: the %s's enterprise or workshop does not exist\n",
			what);
	else if (rc)
		fprintf(stderr, "gloved admin: cannot add %s: %s (%s)\n", what, gloved_strerror(rc),
			store_errmsg(db));
	return rc ? 1 : 0;
}

/* ---- the handlers: each returns the exit status ---- */

static int enterprise_add(admin_ctx *c)
{
	store_enterprise ne = {0};
	if (code_arg(ne.code, sizeof ne.code, opt(c, "--code"), "--code") ||
	    copy_arg(ne.name, sizeof ne.name, opt(c, "--name"), "--name"))
		return 2;
	if (has(c, "--town") && copy_arg(ne.town, sizeof ne.town, opt(c, "--town"), "--town"))
		return 2;
	return admin_report(store_enterprise_add(c->db, (store_scope){0}, &ne), "enterprise",
			    ne.code, c->db);
}

static int enterprise_list(admin_ctx *c)
{
	store_enterprise *es = NULL;
	size_t n = 0;
	int rc = store_enterprise_list(c->db, (store_scope){0}, &es, &n) ? 1 : 0;
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s\t%s\n", es[i].code, es[i].name, es[i].town);
	free(es);
	return rc;
}

static int workshop_add(admin_ctx *c)
{
	store_workshop w = {0};
	w.enterprise_id = c->ent.id;
	if (code_arg(w.code, sizeof w.code, opt(c, "--code"), "--code") ||
	    copy_arg(w.name, sizeof w.name, opt(c, "--name"), "--name"))
		return 2;
	return admin_report(store_workshop_add(c->db, (store_scope){0}, &w), "workshop", w.code,
			    c->db);
}

static int workshop_list(admin_ctx *c)
{
	store_workshop *ws = NULL;
	size_t n = 0;
	int rc = store_workshop_list(c->db, (store_scope){0}, c->ent.id, &ws, &n) ? 1 : 0;
	for (size_t i = 0; i < n; i++)
		printf("%lld\t%s\t%s\n", (long long)ws[i].enterprise_id, ws[i].code, ws[i].name);
	free(ws);
	return rc;
}

static int machine_add(admin_ctx *c)
{
	static const char *const kinds[] = {"knitting", "overlock", "dipping", "sewing",
					    "cutting",  "ironing",  "packing", "other"};
	store_machine m = {0};
	m.enterprise_id = c->ent.id;
	const char *wcode = opt(c, "--workshop");
	store_workshop *ws = NULL;
	size_t n = 0;
	store_workshop_list(c->db, (store_scope){0}, c->ent.id, &ws, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(ws[i].code, wcode) == 0)
			m.workshop_id = ws[i].id;
	free(ws);
	if (!m.workshop_id) {
		fprintf(stderr, "gloved admin: no workshop '%s' in %s\n", wcode, c->ent_code);
		return 1;
	}
	long gauge, cycle, bits;
	const char *kind = opt(c, "--kind");
	if (copy_arg(m.code, sizeof m.code, opt(c, "--code"), "--code") ||
	    copy_arg(m.kind, sizeof m.kind, kind ? kind : "knitting", "--kind") ||
	    int_arg(opt(c, "--gauge"), 0, 40, 0, &gauge, "--gauge") ||
	    int_arg(opt(c, "--cycle-ms"), 0, 86400000, 0, &cycle, "--cycle-ms") ||
	    int_arg(opt(c, "--counter-bits"), 16, 64, 64, &bits, "--counter-bits"))
		return 2;
	if (!code_valid(m.code) || (bits != 16 && bits != 32 && bits != 64)) {
		fprintf(stderr, "gloved admin: bad --code or --counter-bits (16, 32, 64)\n");
		return 2;
	}
	int ok = 0;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		ok |= strcmp(kinds[i], m.kind) == 0;
	if (!ok) {
		fprintf(stderr, "gloved admin: --kind must be knitting, overlock, dipping, "
				"sewing, cutting, ironing, packing or other\n");
		return 2;
	}
	m.gauge = (int)gauge;
	m.cycle_ms = cycle;
	m.counter_bits = (int)bits;
	return admin_report(store_machine_add(c->db, (store_scope){0}, &m), "machine", m.code,
			    c->db);
}

static int machine_list(admin_ctx *c)
{
	store_machine *ms = NULL;
	size_t n = 0;
	store_scope sc = {.enterprise_id = c->ent.id};
	int rc = store_machine_list(c->db, sc, &ms, &n) ? 1 : 0;
	for (size_t i = 0; i < n; i++)
		printf("%lld\t%s\t%s\t%d\t%lld\t%d\n", (long long)ms[i].enterprise_id, ms[i].code,
		       ms[i].kind, ms[i].gauge, (long long)ms[i].cycle_ms, ms[i].counter_bits);
	free(ms);
	return rc;
}

static int token_add(admin_ctx *c)
{
	store_gateway g = {0};
	g.enterprise_id = c->ent.id;
	const char *name = opt(c, "--name");
	if (copy_arg(g.name, sizeof g.name, name ? name : "gateway", "--name"))
		return 2;
	char token[SECRET_TOKEN_MAX];
	uint8_t h[SECRET_HASH_LEN];
	if (secret_token_new("gw_", token, sizeof token))
		return 1;
	secret_token_hash(token, h);
	int rc = admin_report(store_gateway_add(c->db, (store_scope){0}, &g, h), "gateway", g.name,
			      c->db);
	if (!rc)
		printf("%s\n", token);
	return rc;
}

/* The password of user add, from --password or a line of stdin. */
static int read_password(const admin_ctx *c, char *pass, size_t cap)
{
	if (has(c, "--password-stdin")) {
		if (!fgets(pass, (int)cap, stdin)) {
			fprintf(stderr, "gloved admin: no password on stdin\n");
			return -1;
		}
		pass[strcspn(pass, "\r\n")] = '\0';
	} else if (copy_arg(pass, cap, opt(c, "--password"), "--password or --password-stdin")) {
		return -1;
	}
	if (strlen(pass) < 8) {
		fprintf(stderr, "gloved admin: the password needs at least 8 characters\n");
		return -1;
	}
	return 0;
}

static int user_add(admin_ctx *c)
{
	store_user u = {0};
	char pass[256] = "";
	int rc = 2;
	if (code_arg(u.username, sizeof u.username, opt(c, "--username"), "--username") ||
	    copy_arg(u.role, sizeof u.role, opt(c, "--role"), "--role"))
		goto out;
	int rl = role_from_name(u.role);
	int cluster = rl > 0 && role_is_cluster((role)rl);
	int firm = rl > 0 && role_is_firm((role)rl);
	if (!cluster && !firm) {
		fprintf(stderr, "gloved admin: --role must be cluster_admin, bureau, association, "
				"town_officer, enterprise_admin, supervisor, inspector, worker "
				"or household\n");
		goto out;
	}
	if (rl == ROLE_TOWN_OFFICER) {
		const char *town = opt(c, "--town");
		if (!town || !*town || strlen(town) >= sizeof u.town) {
			fprintf(stderr, "gloved admin: a town_officer needs --town NAME, the "
					"town whose firms it sees\n");
			goto out;
		}
		snprintf(u.town, sizeof u.town, "%s", town);
	}
	if (rl == ROLE_HOUSEHOLD) {
		const char *hh = opt(c, "--household");
		if (!hh || !code_valid(hh)) {
			fprintf(stderr, "gloved admin: a household needs --household CODE, the "
					"firm's household it is\n");
			goto out;
		}
		snprintf(u.household, sizeof u.household, "%s", hh);
	}
	if (strcmp(u.role, "worker") == 0) {
		const char *wc = opt(c, "--worker");
		if (!wc || !code_valid(wc)) {
			fprintf(stderr, "gloved admin: a worker needs --worker CODE (A-Z a-z "
					"0-9 _ -), the worker code it scans for\n");
			goto out;
		}
		snprintf(u.worker, sizeof u.worker, "%s", wc);
	}
	if (firm && !c->ent_code) {
		fprintf(stderr, "gloved admin: a %s needs --enterprise\n", u.role);
		goto out;
	}
	u.enterprise_id = firm ? c->ent.id : 0;
	if (read_password(c, pass, sizeof pass))
		goto out;
	if (secret_password_hash(pass, u.pw_hash, sizeof u.pw_hash)) {
		rc = 1;
		goto out;
	}
	rc = admin_report(store_user_add(c->db, (store_scope){0}, &u), "user", u.username, c->db);
out:
	memset(pass, 0, sizeof pass);
	return rc;
}

static int user_list(admin_ctx *c)
{
	store_user *us = NULL;
	size_t n = 0;
	int rc = store_user_list(c->db, (store_scope){0}, &us, &n) ? 1 : 0;
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s\t%lld\n", us[i].username, us[i].role,
		       (long long)us[i].enterprise_id);
	free(us);
	return rc;
}

/* `gloved admin modbus add`: validates everything the poller relies on
 * (registers, widths against the machine's counter_bits, the state map)
 * so that a stored device can always be polled. */
static int modbus_add(admin_ctx *c)
{
	store_modbus_device d;
	memset(&d, 0, sizeof d);
	const char *mcode = opt(c, "--machine");
	store_machine *ms = NULL, m = {0};
	size_t n = 0;
	store_scope sc = {.enterprise_id = c->ent.id};
	if (store_machine_list(c->db, sc, &ms, &n)) {
		fprintf(stderr, "gloved admin: cannot list machines: %s\n", store_errmsg(c->db));
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(ms[i].code, mcode) == 0)
			m = ms[i];
	free(ms);
	if (!m.id) {
		fprintf(stderr, "gloved admin: no machine '%s' in %s\n", mcode, c->ent_code);
		return 1;
	}
	d.machine_id = m.id;
	if (copy_arg(d.host, 49, opt(c, "--host"), "--host"))
		return 2;
	if (strspn(d.host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:_") !=
	    strlen(d.host)) {
		fprintf(stderr, "gloved admin: --host must be a host name or IP address\n");
		return 2;
	}
	long port, unit, creg, words, rreg, sreg, poll, tmo;
	if (int_arg(opt(c, "--port"), 1, 65535, 502, &port, "--port") ||
	    int_arg(opt(c, "--unit"), 0, 255, 1, &unit, "--unit") ||
	    int_arg(opt(c, "--counter-reg"), 0, 65535, -1, &creg, "--counter-reg") ||
	    int_arg(opt(c, "--counter-words"), 1, 2, 2, &words, "--counter-words") ||
	    int_arg(opt(c, "--reject-reg"), 0, 65535, -1, &rreg, "--reject-reg") ||
	    int_arg(opt(c, "--state-reg"), 0, 65535, -1, &sreg, "--state-reg") ||
	    int_arg(opt(c, "--poll-ms"), 100, 3600000, 5000, &poll, "--poll-ms") ||
	    int_arg(opt(c, "--timeout-ms"), 100, 30000, 2000, &tmo, "--timeout-ms"))
		return 2;
	const char *order = opt(c, "--word-order");
	if (!order)
		order = "big";
	if (mbus_word_order_parse(order) < 0) {
		fprintf(stderr, "gloved admin: --word-order must be big or little\n");
		return 2;
	}
	snprintf(d.word_order, sizeof d.word_order, "%s", order);
	const char *map = opt(c, "--state-map");
	if (!map)
		map = "0:off,1:run,2:idle,3:stop,4:fault,5:setup";
	if (copy_arg(d.state_map, sizeof d.state_map, map, "--state-map"))
		return 2;
	d.port = (int)port;
	d.unit_id = (int)unit;
	d.counter_reg = (int)creg;
	d.counter_words = (int)words;
	d.reject_reg = (int)rreg;
	d.state_reg = (int)sreg;
	d.poll_ms = poll;
	d.timeout_ms = tmo;
	d.enabled = 1;
	char err[240];
	if (mbus_device_check(&d, m.counter_bits, err, sizeof err)) {
		fprintf(stderr, "gloved admin: machine %s: %s\n", m.code, err);
		return 2;
	}
	if (words * 16 < m.counter_bits)
		fprintf(
		    stderr,
		    "gloved admin: note: machine %s is registered with --counter-bits %d but its "
		    "register has %ld bits: a wrap of the register will look like a reset\n",
		    m.code, m.counter_bits, words * 16);
	int rc = store_modbus_device_add(c->db, (store_scope){0}, &d);
	if (rc == GLOVED_EEXIST) {
		fprintf(stderr, "gloved admin: machine %s/%s already has a Modbus device\n",
			c->ent_code, m.code);
		return 1;
	}
	return admin_report(rc, "modbus device", m.code, c->db);
}

static int modbus_list(admin_ctx *c)
{
	store_modbus_device *ds = NULL;
	size_t n = 0;
	store_scope sc = {.enterprise_id = c->ent.id};
	int rc = store_modbus_device_list(c->db, sc, &ds, &n) ? 1 : 0;
	for (size_t i = 0; i < n; i++) {
		char rej[12] = "-", st[12] = "-";
		if (ds[i].reject_reg >= 0)
			snprintf(rej, sizeof rej, "%d", ds[i].reject_reg);
		if (ds[i].state_reg >= 0)
			snprintf(st, sizeof st, "%d", ds[i].state_reg);
		printf("%s\t%s\t%s:%d/%d\tcounter=%d\twords=%d\t%s\treject=%s\tstate=%s\t"
		       "poll_ms=%lld\ttimeout_ms=%lld\t%s\t%s\n",
		       ds[i].enterprise_code, ds[i].machine_code, ds[i].host, ds[i].port,
		       ds[i].unit_id, ds[i].counter_reg, ds[i].counter_words, ds[i].word_order, rej,
		       st, (long long)ds[i].poll_ms, (long long)ds[i].timeout_ms,
		       ds[i].enabled ? "enabled" : "disabled", ds[i].state_map);
	}
	free(ds);
	return rc;
}

/* Which metrics of an edge node's devices are counter, rejects, state and
 * reason; read at the node's next NBIRTH. */
static int sparkplug_map(admin_ctx *c)
{
	static const struct {
		const char *flag;
		size_t off;
		const char *dflt;
	} f[] = {{"--count-metric", offsetof(store_sparkplug_map, count_metric), "count"},
		 {"--reject-metric", offsetof(store_sparkplug_map, reject_metric), "reject"},
		 {"--state-metric", offsetof(store_sparkplug_map, state_metric), "state"},
		 {"--reason-metric", offsetof(store_sparkplug_map, reason_metric), "reason"}};
	store_sparkplug_map sm = {0};
	sm.enterprise_id = c->ent.id;
	if (copy_arg(sm.edge_node, sizeof sm.edge_node, opt(c, "--edge-node"), "--edge-node"))
		return 2;
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		const char *v = opt(c, f[i].flag);
		if (copy_arg((char *)&sm + f[i].off, 64, v ? v : f[i].dflt, f[i].flag))
			return 2;
	}
	return admin_report(store_sparkplug_map_put(c->db, (store_scope){0}, &sm), "sparkplug map",
			    sm.edge_node, c->db);
}

static int parse_date_arg(const char *s, int32_t *day)
{
	tz_date t;
	if (tz_date_parse(s, &t))
		return -1;
	*day = (int32_t)tz_days_from_civil(t);
	return 0;
}

/* Hands a rebuild to the daemon that holds the database (table
 * rebuild_request, done by its writer) and waits for the answer. */
static int rebuild_by_daemon(admin_ctx *c, int32_t d0, int32_t d1)
{
	store_rebuild rq = {0};
	rq.enterprise_id = c->ent.id;
	rq.day0 = d0;
	rq.day1 = d1;
	if (store_rebuild_add(c->db, &rq)) {
		fprintf(stderr, "gloved admin: cannot queue the rebuild: %s\n",
			store_errmsg(c->db));
		return 1;
	}
	for (int i = 0; i < 6000; i++) { /* 10 minutes */
		store_rebuild st;
		if (store_rebuild_get(c->db, rq.id, &st) == GLOVED_OK && st.done_ms) {
			int ok = strncmp(st.result, "ok: ", 4) == 0;
			fprintf(ok ? stdout : stderr, "%s\n", ok ? st.result + 4 : st.result);
			return ok ? 0 : 1;
		}
		struct timespec t = {0, 100000000L};
		nanosleep(&t, NULL);
	}
	fprintf(stderr, "gloved admin: the daemon did not answer the rebuild request\n");
	return 1;
}

/* gloved admin rebuild: when a daemon holds the database, the request goes
 * to its writer and this waits for the answer; otherwise the rebuild runs
 * here, holding the lock so that no daemon starts meanwhile. */
/* The open (STORE_WRITE) has created or upgraded the schema, each step in
 * its own transaction, or refused a database newer than this binary. */
static int migrate(admin_ctx *c)
{
	int v = 0;
	if (store_schema_version(c->db, &v)) {
		fprintf(stderr, "gloved admin migrate: cannot read the schema version: %s\n",
			store_errmsg(c->db));
		return 1;
	}
	printf("schema version %d: up to date\n", v);
	return 0;
}

static int rebuild(admin_ctx *c)
{
	int32_t d0, d1;
	const char *fs = opt(c, "--from"), *ts = opt(c, "--to");
	if (parse_date_arg(fs, &d0) || (ts ? parse_date_arg(ts, &d1) : (d1 = d0, 0))) {
		fprintf(stderr,
			"gloved admin: rebuild needs --from YYYY-MM-DD [--to YYYY-MM-DD]\n");
		return 2;
	}
	long raw_days;
	if (int_arg(opt(c, "--raw-days"), 0, 36500, 30, &raw_days, "--raw-days"))
		return 2;
	const char *zone = opt(c, "--timezone");
	long offline_s;
	if (int_arg(opt(c, "--offline-after"), 5, 86400, 120, &offline_s, "--offline-after"))
		return 2;
	/* a running daemon holds the database (its lock file, or on PostgreSQL
	 * its claim): then it rebuilds, in its writer */
	int fd = 0;
	if (store_is_uri(c->db_path)) {
		int claim = store_claim(c->db);
		if (claim == GLOVED_EBUSY)
			return rebuild_by_daemon(c, d0, d1);
		if (claim) {
			char shown[1100];
			fprintf(stderr, "gloved admin: cannot claim %s\n",
				store_uri_shown(c->db_path, shown, sizeof shown));
			return 1;
		}
	} else {
		fd = cli__db_lock(c->db_path);
	}
	if (fd == -1)
		return rebuild_by_daemon(c, d0, d1);
	if (fd < 0) {
		fprintf(stderr, "gloved admin: cannot create %s.lock\n", c->db_path);
		return 1;
	}
	int rc = 1;
	registry *reg = registry_new();
	firmcal_cache *cals = firmcal_cache_new(zone ? zone : "Asia/Shanghai", NULL);
	if (cals)
		firmcal_cache_set_offline_after(cals, (int64_t)offline_s * 1000);
	char msg[200];
	if (reg && cals && registry_refresh(reg, c->db, 1) == GLOVED_OK) {
		int r = rebuild_firms(c->db, reg, cals, c->ent.id, d0, d1, raw_days, ltime_now_ms(),
				      msg, sizeof msg);
		fprintf(r ? stderr : stdout, "%s\n", msg);
		rc = r ? 1 : 0;
	}
	firmcal_cache_free(cals);
	registry_free(reg);
	if (fd > 0)
		close(fd);
	return rc;
}

/* gloved admin copy: an embedded deployment (its SQLite file) moved into an
 * empty PostgreSQL database by store_copy, which checks both sides before
 * it commits. No daemon may hold either: the file's lock and the
 * database's claim are taken (and held until the copy ends), as a daemon
 * takes them. */
static int by_name(const void *a, const void *b)
{
	return strcmp(((const store_copy_table *)a)->name, ((const store_copy_table *)b)->name);
}

static int copy_db(admin_ctx *c)
{
	const char *from = opt(c, "--from"), *to = opt(c, "--to");
	if (store_is_uri(from) || !store_is_uri(to)) {
		fprintf(stderr, "gloved admin copy: --from is an SQLite file and --to a "
				"postgresql:// URI\n");
		return 2;
	}
	char shown[1100];
	store_uri_shown(to, shown, sizeof shown);
	store *src = NULL, *dst = NULL;
	store_options so = {1};
	store_copy_report rep;
	memset(&rep, 0, sizeof rep);
	int fd = -2, rc = 1;
	if (store_open(from, STORE_READ, &so, &src)) {
		fprintf(stderr, "gloved admin copy: cannot open %s: not a gloved database\n", from);
		goto out;
	}
	fd = cli__db_lock(from);
	if (fd == -1) {
		fprintf(stderr, "gloved admin copy: a daemon holds %s: stop it first\n", from);
		goto out;
	}
	if (fd < 0) {
		fprintf(stderr, "gloved admin copy: cannot create %s.lock\n", from);
		goto out;
	}
	if (store_open(to, STORE_WRITE, &so, &dst)) {
		fprintf(stderr, "gloved admin copy: cannot open database %s\n", shown);
		goto out;
	}
	int claim = store_claim(dst);
	if (claim) {
		fprintf(stderr,
			claim == GLOVED_EBUSY
			    ? "gloved admin copy: a daemon holds %s: stop it first\n"
			    : "gloved admin copy: cannot claim %s\n",
			shown);
		goto out;
	}
	int r = store_copy(src, dst, &rep);
	if (r) {
		for (size_t i = 0; rep.mismatch && i < rep.n_tables; i++) {
			const store_copy_table *t = &rep.tables[i];
			if (t->rows_from != t->read_from || t->rows_to != t->rows_from ||
			    t->read_to != t->rows_from || t->digest_to != t->digest_from)
				fprintf(stderr,
					"gloved admin copy: table %s: %lld rows (%lld read, digest "
					"%016llx) in %s, %lld (%lld read, digest %016llx) in the "
					"target\n",
					t->name, (long long)t->rows_from, (long long)t->read_from,
					(unsigned long long)t->digest_from, from,
					(long long)t->rows_to, (long long)t->read_to,
					(unsigned long long)t->digest_to);
		}
		for (size_t j = 0; rep.mismatch && j < rep.n_totals; j++)
			if (rep.totals[j].from != rep.totals[j].to)
				fprintf(stderr,
					"gloved admin copy: sum of %s.%s: %lld in %s, %lld in the "
					"target\n",
					rep.totals[j].table, rep.totals[j].column,
					(long long)rep.totals[j].from, from,
					(long long)rep.totals[j].to);
		fprintf(stderr, "gloved admin copy: %s\n", rep.err);
		goto out;
	}
	int64_t good = 0, reject = 0;
	qsort(rep.tables, rep.n_tables, sizeof *rep.tables, by_name);
	for (size_t i = 0; i < rep.n_tables; i++)
		printf("rows\t%s\t%lld\n", rep.tables[i].name, (long long)rep.tables[i].rows_to);
	for (size_t j = 0; j < rep.n_totals; j++) {
		const store_copy_total *t = &rep.totals[j];
		printf("sum\t%s.%s\t%lld\n", t->table, t->column, (long long)t->to);
		if (strcmp(t->table, "sample") == 0)
			*(strcmp(t->column, "d_good") == 0 ? &good : &reject) = t->to;
	}
	printf("copied %s to %s: %zu tables, %lld rows, %lld good and %lld reject pieces; "
	       "counts, digests and sums agree on both sides\n",
	       from, shown, rep.n_tables, (long long)rep.rows, (long long)good, (long long)reject);
	rc = 0;
out:
	store_copy_report_free(&rep);
	store_close(dst);
	store_close(src);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* gloved admin mqtt-acl: see ingest/mqtt_acl.h. */
static int mqtt_acl(admin_ctx *c)
{
	const char *dir = opt(c, "--out-dir");
	const char *user = opt(c, "--broker-user");
	size_t n = 0;
	if (!user)
		user = "gloved";
	if (!code_valid(user)) {
		fprintf(stderr, "gloved admin: --broker-user must be 1-32 of A-Z a-z 0-9 _ -\n");
		return 2;
	}
	if (mqtt_acl_write(c->db, dir, user, &n) != 0)
		return 1;
	printf("wrote %s/passwd, %s/acl and %s/credentials.txt (mode 0600): %zu broker users, "
	       "new passwords for all\n",
	       dir, dir, dir, n);
	return 0;
}

/* ---- the command table ---- */

#define ENTERPRISE_REQ                                                                             \
	{                                                                                          \
		"--enterprise", "C", 1, "the enterprise's code"                                    \
	}
#define ENTERPRISE_OPT                                                                             \
	{                                                                                          \
		"--enterprise", "C", 0, "only this enterprise"                                     \
	}

static const admin_cmd ADMIN_COMMANDS[] = {
    {"enterprise",
     "add",
     enterprise_add,
     "register an enterprise (a firm of the cluster)",
     {{"--code", "C", 1, "its code, 1-32 of A-Z a-z 0-9 _ -"},
      {"--name", "N", 1, "its name"},
      {"--town", "T", 0, "its town"}}},
    {"enterprise", "list", enterprise_list, "print code, name and town of every enterprise", {{0}}},
    {"workshop",
     "add",
     workshop_add,
     "register a workshop of an enterprise",
     {ENTERPRISE_REQ,
      {"--code", "W", 1, "its code within the enterprise, 1-32 of A-Z a-z 0-9 _ -"},
      {"--name", "N", 1, "its name"}}},
    {"workshop",
     "list",
     workshop_list,
     "print enterprise id, code and name of every workshop",
     {ENTERPRISE_OPT}},
    {"machine",
     "add",
     machine_add,
     "register a machine in a workshop",
     {ENTERPRISE_REQ,
      {"--workshop", "W", 1, "the workshop's code"},
      {"--code", "M", 1, "the machine's code within the enterprise"},
      {"--kind", "knitting", 0,
       "knitting (default), overlock, dipping, sewing, cutting, ironing, packing or other"},
      {"--gauge", "13", 0, "the needle gauge, 0..40 (0: none)"},
      {"--cycle-ms", "120000", 0, "the standard cycle of one piece in ms (0: unknown)"},
      {"--counter-bits", "16|32|64", 0, "the width of its piece counter (default 64)"}}},
    {"machine",
     "list",
     machine_list,
     "print enterprise id, code, kind, gauge, cycle ms and counter bits of every machine",
     {ENTERPRISE_OPT}},
    {"token",
     "add",
     token_add,
     "create a gateway token of an enterprise and print it once",
     {ENTERPRISE_REQ, {"--name", "N", 0, "the gateway's name (default gateway)"}}},
    {"user",
     "add",
     user_add,
     "create a login; the password comes from --password or --password-stdin",
     {{"--username", "U", 1, "1-32 of A-Z a-z 0-9 _ -"},
      {"--role",
       "cluster_admin|bureau|association|town_officer|enterprise_admin|supervisor|inspector|"
       "worker|household",
       1, "what the user may do"},
      {"--worker", "W001", 0, "a worker login scans for that worker code (role worker)"},
      {"--town", "T", 0, "the town a town_officer sees"},
      {"--household", "H01", 0, "the household a household login is (role household)"},
      {"--enterprise", "C", 0,
       "the user's enterprise (roles enterprise_admin, supervisor, inspector, "
       "worker, household)"},
      {"--password", "P", 0, "the password, at least 8 characters"},
      {"--password-stdin", NULL, 0, "read the password from the first line of stdin"}}},
    {"user", "list", user_list, "print username, role and enterprise id of every user", {{0}}},
    {"mqtt-acl",
     NULL,
     mqtt_acl,
     "write the broker's users, passwd and acl (docs/operations.md), new passwords for all",
     {{"--out-dir", "DIR", 1, "where passwd, acl and credentials.txt go"},
      {"--broker-user", "gloved", 0, "the daemon's own broker user"}}},
    {"modbus",
     "add",
     modbus_add,
     "register the Modbus TCP device of a machine, polled by the daemon",
     {ENTERPRISE_REQ,
      {"--machine", "M", 1, "the machine's code"},
      {"--host", "H", 1, "the device's host name or IP address"},
      {"--port", "502", 0, "its TCP port"},
      {"--unit", "1", 0, "its unit id, 0..255"},
      {"--counter-reg", "N", 1, "the holding register of the piece counter"},
      {"--counter-words", "1|2", 0, "16-bit registers of the counter (default 2)"},
      {"--word-order", "big|little", 0, "which word of a 2-word counter comes first"},
      {"--reject-reg", "N", 0, "the register of the reject counter"},
      {"--state-reg", "N", 0, "the register of the machine state"},
      {"--state-map", "'0:off,1:run,...'", 0,
       "state register values (default 0:off,1:run,2:idle,3:stop,4:fault,5:setup)"},
      {"--poll-ms", "5000", 0, "how often to poll, 100..3600000"},
      {"--timeout-ms", "2000", 0, "the answer timeout, 100..30000"}}},
    {"modbus",
     "list",
     modbus_list,
     "print every Modbus device with its registers and settings",
     {ENTERPRISE_OPT}},
    {"migrate",
     NULL,
     migrate,
     "create or upgrade the database's schema to this binary's version (safe to run again; "
     "a database newer than the binary is refused)",
     {{0}}},
    {"copy",
     NULL,
     copy_db,
     "move an embedded deployment: copy its SQLite database into an empty PostgreSQL "
     "database, every table row for row with the same ids, in one transaction, checked on "
     "both sides (rows, a digest of every row, pieces and pairs) before the commit (stop "
     "the daemon first)",
     {{"--from", "FILE.db", 1, "the SQLite database, read only"},
      {"--to", "postgresql://...", 1,
       "the PostgreSQL database: migrated, and refused when it holds any data"}}},
    {"rebuild",
     NULL,
     rebuild,
     "recompute rollups of those local days from the samples (through the running daemon "
     "when one holds the database)",
     {{"--enterprise", "C", 0, "only this enterprise (default all)"},
      {"--from", "YYYY-MM-DD", 1, "the first local day"},
      {"--to", "YYYY-MM-DD", 0, "the last local day (default --from)"},
      {"--timezone", "Z", 0, "the zone of firms without a calendar (default Asia/Shanghai)"},
      {"--raw-days", "30", 0, "the retention of raw samples, 0..36500"},
      {"--offline-after", "120", 0,
       "seconds one report covers the state, for firms without their own (the daemon's "
       "[ingest] offline_after)"}}},
    {"sparkplug",
     "map",
     sparkplug_map,
     "name the Sparkplug metrics of an edge node's devices, read at its next NBIRTH",
     {ENTERPRISE_REQ,
      {"--edge-node", "N", 1, "the edge node id"},
      {"--count-metric", "count", 0, "the metric of the good-piece counter"},
      {"--reject-metric", "reject", 0, "the metric of the reject counter"},
      {"--state-metric", "state", 0, "the metric of the machine state"},
      {"--reason-metric", "reason", 0, "the metric of the stop reason"}}},
};

#define N_COMMANDS (sizeof ADMIN_COMMANDS / sizeof ADMIN_COMMANDS[0])

/* 1 for a command that names and opens its own databases (copy): the
 * dispatcher opens no --db for it. */
static int own_databases(const admin_cmd *cmd)
{
	return cmd->run == copy_db;
}

/* ---- help, generated from the rows ---- */

static void print_name(FILE *out, const admin_cmd *cmd)
{
	fprintf(out, "%s%s%s", cmd->noun, cmd->verb ? " " : "", cmd->verb ? cmd->verb : "");
}

/* "  noun verb --opt V [--opt V]...", wrapped under the first option. */
static void print_synopsis(FILE *out, const admin_cmd *cmd, const char *lead)
{
	int indent = fprintf(out, "%s", lead);
	indent +=
	    fprintf(out, "%s%s%s", cmd->noun, cmd->verb ? " " : "", cmd->verb ? cmd->verb : "");
	int col = indent;
	for (size_t i = 0; i < ADMIN_MAX_OPTS && cmd->opts[i].name; i++) {
		const admin_opt *o = &cmd->opts[i];
		char tok[160];
		int n = snprintf(tok, sizeof tok, "%s%s%s%s%s", o->required ? "" : "[", o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "", o->required ? "" : "]");
		if (col > indent && col + 1 + n > 79) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		}
		col += fprintf(out, " %s", tok);
	}
	fputc('\n', out);
}

/* text indented, in lines of at most 79 columns (a longer word overruns). */
static void print_wrapped(FILE *out, int indent, const char *text)
{
	const char *p = text;
	while (*p) {
		int room = 79 - indent, n = 0;
		for (int k = 0; p[k] && k <= room; k++)
			if (p[k] == ' ' || !p[k + 1])
				n = k + (p[k] != ' ');
		if (n == 0) /* one word longer than the line */
			n = (int)strcspn(p, " ");
		fprintf(out, "%*s%.*s\n", indent, "", n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
}

/* The list of commands, all of them or one noun's. */
static void admin_usage(FILE *out, const char *noun)
{
	fprintf(out, "usage: gloved admin [--db PATH] %s <verb> [options]\n\n",
		noun ? noun : "<noun>");
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (noun && strcmp(ADMIN_COMMANDS[i].noun, noun) != 0)
			continue;
		print_synopsis(out, &ADMIN_COMMANDS[i], "  ");
		print_wrapped(out, 6, ADMIN_COMMANDS[i].help);
	}
	fprintf(out, "\nThe database is created if missing (default gloved.db). Works while the "
		     "daemon\nruns: the daemon picks up registry changes by itself.\n"
		     "'gloved admin <noun> <verb> --help' describes a command's options.\n");
}

/* One command's help: synopsis, what it does, each option. */
static void command_usage(FILE *out, const admin_cmd *cmd)
{
	print_synopsis(out, cmd, "usage: gloved admin ");
	fputc('\n', out);
	print_wrapped(out, 0, cmd->help);
	fprintf(out, "\noptions:\n");
	if (!own_databases(cmd))
		fprintf(out, "  %-28s %s\n", "--db PATH", "the database (default gloved.db)");
	for (size_t i = 0; i < ADMIN_MAX_OPTS && cmd->opts[i].name; i++) {
		const admin_opt *o = &cmd->opts[i];
		char left[120];
		snprintf(left, sizeof left, "%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
		fprintf(out, "  %-28s %s%s\n", left, o->help, o->required ? " (required)" : "");
	}
}

/* ---- dispatch ---- */

static int is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* 1 when name is a flag (an option without a value) of some row. */
static int is_flag(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++) {
		int k = opt_index(&ADMIN_COMMANDS[i], name);
		if (k >= 0 && !ADMIN_COMMANDS[i].opts[k].arg)
			return 1;
	}
	return 0;
}

/* Finds the row of the words. Returns it, or NULL after printing why
 * (*status: 0 when that was the help asked for, 2 otherwise). */
static const admin_cmd *find_command(const char *const *word, int nword, int help, int *status)
{
	int noun_known = 0;
	*status = 2;
	for (size_t i = 0; i < N_COMMANDS; i++) {
		const admin_cmd *cmd = &ADMIN_COMMANDS[i];
		if (strcmp(cmd->noun, word[0]) != 0)
			continue;
		noun_known = 1;
		if (!cmd->verb || (nword > 1 && strcmp(cmd->verb, word[1]) == 0))
			return cmd;
	}
	if (!noun_known) {
		fprintf(stderr, "gloved admin: unknown command '%s' (see gloved admin --help)\n",
			word[0]);
	} else if (nword > 1) {
		fprintf(stderr,
			"gloved admin: unknown command '%s %s' (see gloved admin %s --help)\n",
			word[0], word[1], word[0]);
	} else if (help) {
		admin_usage(stdout, word[0]);
		*status = 0;
	} else {
		/* a row of this noun without a verb would have been returned
		 * above, so every row listed here has one */
		fprintf(stderr, "gloved admin: '%s' needs a verb:", word[0]);
		for (size_t i = 0; i < N_COMMANDS; i++)
			if (ADMIN_COMMANDS[i].verb && strcmp(ADMIN_COMMANDS[i].noun, word[0]) == 0)
				fprintf(stderr, " %s", ADMIN_COMMANDS[i].verb);
		fprintf(stderr, " (see gloved admin %s --help)\n", word[0]);
	}
	return NULL;
}

/* Reads the options of argv into c->val and c->db_path, from the row.
 * Returns 0, or 2 after printing the option that is unknown, lacks its
 * value or is required and missing. */
static int read_options(int argc, char **argv, admin_ctx *c)
{
	const admin_cmd *cmd = c->cmd;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0)
			continue; /* a word, or -h */
		int k = opt_index(cmd, a);
		int db = strcmp(a, "--db") == 0;
		if (db && own_databases(cmd)) {
			fprintf(stderr, "gloved admin ");
			print_name(stderr, cmd);
			fprintf(stderr, ": takes no --db (its options name the databases)\n");
			return 2;
		}
		if (k < 0 && !db) {
			fprintf(stderr, "gloved admin ");
			print_name(stderr, cmd);
			fprintf(stderr, ": unknown option '%s' (see --help)\n", a);
			return 2;
		}
		if (k >= 0 && !cmd->opts[k].arg) {
			c->val[k] = "";
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "gloved admin ");
			print_name(stderr, cmd);
			fprintf(stderr, ": %s needs a value\n", a);
			return 2;
		}
		const char **v = db ? &c->db_path : &c->val[k];
		if (!*v) /* the first one counts */
			*v = argv[i + 1];
		i++;
	}
	for (int k = 0; k < ADMIN_MAX_OPTS && cmd->opts[k].name; k++) {
		if (cmd->opts[k].required && (!c->val[k] || !*c->val[k])) {
			fprintf(stderr, "gloved admin ");
			print_name(stderr, cmd);
			fprintf(stderr, ": %s is required\n", cmd->opts[k].name);
			return 2;
		}
	}
	if (!c->db_path)
		c->db_path = "gloved.db";
	return 0;
}

int cli__admin(int argc, char **argv)
{
	/* the words (noun, verb); an option's value is not one */
	const char *word[3] = {NULL, NULL, NULL};
	int nword = 0, help = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (is_help(a))
			help = 1;
		else if (strncmp(a, "--", 2) == 0)
			i += !is_flag(a);
		else if (nword < 3)
			word[nword++] = a;
	}
	if (nword == 0) {
		admin_usage(help ? stdout : stderr, NULL);
		return help ? 0 : 2;
	}
	int rc = 2;
	const admin_cmd *cmd = find_command(word, nword, help, &rc);
	if (!cmd)
		return rc;
	if (help) {
		command_usage(stdout, cmd);
		return 0;
	}
	int nused = cmd->verb ? 2 : 1;
	if (nword > nused) {
		fprintf(stderr, "gloved admin ");
		print_name(stderr, cmd);
		fprintf(stderr, ": unexpected argument '%s'\n", word[nused]);
		return 2;
	}
	admin_ctx c;
	memset(&c, 0, sizeof c);
	c.cmd = cmd;
	if ((rc = read_options(argc, argv, &c)))
		return rc;
	if (own_databases(cmd))
		return cmd->run(&c);
	if (secret_init())
		return 1;
	store_options so = {1};
	if (store_open(c.db_path, STORE_WRITE, &so, &c.db)) {
		char shown[1100];
		fprintf(stderr, "gloved admin: cannot open database %s\n",
			store_uri_shown(c.db_path, shown, sizeof shown));
		return 1;
	}
	int ek = opt_index(cmd, "--enterprise");
	c.ent_code = ek >= 0 ? c.val[ek] : NULL;
	if (c.ent_code && store_enterprise_by_code(c.db, (store_scope){0}, c.ent_code, &c.ent)) {
		fprintf(stderr, "gloved admin: no enterprise '%s'\n", c.ent_code);
		rc = 1;
		goto out;
	}
	rc = cmd->run(&c);
out:
	store_close(c.db);
	return rc;
}
