/* SPDX-License-Identifier: Apache-2.0 */
/* main.c: the gloved command line.
 *   gloved serve   run the daemon (HTTP API, dashboard, MQTT ingest)
 *   gloved demo    seed a simulated cluster and serve it
 *   gloved admin   register firms, workshops, machines, tokens, users
 *   gloved sim     run the cluster simulator against a broker
 * serve and demo share the option table of util/config.h. */
#include "core/code.h"
#include "http/server.h"
#include "app/fleet.h"
#include "app/live.h"
#include "ingest/modbus.h"
#include "ingest/modbus_decode.h"
#include "ingest/mqtt.h"
#include "ingest/mqtt_acl.h"
#include "core/ticket.h"
#include "app/rebuild.h"
#include "app/sewn.h"
#include "app/registry.h"
#include "ingest/sparkplug.h"
#include "app/writer.h"
#include "sim/sim.h"
#include "store/store.h"
#include "util/config.h"
#include "util/err.h"
#include "util/log.h"
#include "util/ltime.h"
#include "util/secret.h"

#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GLOVED_VERSION "0.1.0"

static void usage(FILE *out)
{
	fprintf(out,
		"gloved %s: the platform of a glove industrial cluster\n\n"
		"usage: gloved <command> [options]\n\n"
		"commands:\n"
		"  serve    run the daemon: HTTP API and dashboard, MQTT ingest\n"
		"  demo     create a simulated cluster (3 firms, 60 machines) and serve it\n"
		"  admin    register enterprises, workshops, machines, gateway tokens, users\n"
		"  sim      run the cluster simulator, publishing to an MQTT broker\n"
		"  version  print the version\n\n"
		"'gloved <command> --help' describes a command.\n",
		GLOVED_VERSION);
}

static void serve_usage(FILE *out, const char *cmd)
{
	fprintf(out,
		"usage: gloved %s [--config FILE] [options]\n\n"
		"Runs the daemon. Options come from the INI file (see gloved.ini.example),\n"
		"then from these flags, which win:\n\n",
		cmd);
	config_print_flags(out);
	if (strcmp(cmd, "demo") == 0)
		fprintf(out, "  %-28s %s\n", "--machines N", "simulated machines (default 60)");
}

/* Parses serve/demo options. extra receives demo-only values. Returns 0,
 * 1 when help was printed, or -1 after printing an error. */
static int parse_serve(int argc, char **argv, gloved_config *cfg, int *machines)
{
	char err[300];
	config_defaults(cfg);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "gloved: --config needs a file\n");
				return -1;
			}
			if (config_load_file(cfg, argv[i + 1], err, sizeof err)) {
				fprintf(stderr, "gloved: %s\n", err);
				return -1;
			}
		}
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			serve_usage(stdout, argv[0]);
			return 1;
		}
		if (strcmp(a, "--config") == 0) {
			i++;
			continue;
		}
		if (strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "gloved %s: unexpected argument '%s'\n", argv[0], a);
			return -1;
		}
		const char *flag = a + 2;
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (machines && strcmp(flag, "machines") == 0) {
			char *end = NULL;
			long v = val ? strtol(val, &end, 10) : 0;
			if (!val || *end || v < 1 || v > 100000) {
				fprintf(stderr, "gloved demo: --machines needs 1..100000\n");
				return -1;
			}
			*machines = (int)v;
			i++;
			continue;
		}
		int rc = config_apply_flag(cfg, flag, val, err, sizeof err);
		if (rc == 0) {
			fprintf(stderr, "gloved %s: unknown option '%s' (see --help)\n", argv[0],
				a);
			return -1;
		}
		if (rc < 0) {
			fprintf(stderr, "gloved %s: %s\n", argv[0], err);
			return -1;
		}
		if (rc == 1)
			i++;
	}
	if (config_validate(cfg, err, sizeof err)) {
		fprintf(stderr, "gloved %s: %s\n", argv[0], err);
		return -1;
	}
	return 0;
}

typedef struct daemon {
	registry *reg;
	live *lv;
	fleet *fleet;
	writer *w;
	mqtt_ingest *mqtt;
	sparkplug_host *spb;
	modbus_poller *modbus;
	http_server *http;
	int lock_fd; /* flock on <db>.lock: one daemon per database */
} daemon_t;

/* Locks <db>.lock exclusively without waiting. Returns the descriptor, -1
 * when another process holds it, -2 on another error. */
static int db_lock(const char *db_path)
{
	char p[1100];
	if (snprintf(p, sizeof p, "%s.lock", db_path) >= (int)sizeof p)
		return -2;
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -2;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void daemon_stop(daemon_t *d)
{
	http_stop(d->http);
	mqtt_ingest_stop(d->mqtt);
	sparkplug_stop(d->spb);
	modbus_poller_stop(d->modbus);
	writer_close(d->w);
	live_free(d->lv);
	fleet_free(d->fleet);
	registry_free(d->reg);
	if (d->lock_fd > 0)
		close(d->lock_fd);
	memset(d, 0, sizeof *d);
}

static int daemon_start(const gloved_config *cfg, daemon_t *d)
{
	memset(d, 0, sizeof *d);
	log_level lvl = LOG_INFO;
	log_parse_level(cfg->log_level, &lvl);
	log_set_level(lvl);
	if (ltime_set_zone(cfg->timezone)) {
		log_error("unknown time zone '%s'", cfg->timezone);
		return GLOVED_EINVAL;
	}
	if (secret_init())
		return GLOVED_EIO;
	d->lock_fd = db_lock(cfg->db_path);
	if (d->lock_fd < 0) {
		log_error("%s: %s", cfg->db_path,
			  d->lock_fd == -1 ? "another gloved serves this database"
					   : "cannot create its lock file");
		d->lock_fd = 0;
		return GLOVED_EBUSY;
	}
	store_options so = {strcmp(cfg->db_sync, "full") == 0};
	store *wdb = NULL;
	int rc = store_open(cfg->db_path, STORE_WRITE, &so, &wdb);
	if (rc) {
		log_error("cannot open database %s: %s", cfg->db_path, gloved_strerror(rc));
		return rc;
	}
	d->reg = registry_new();
	d->lv = live_new();
	d->fleet = fleet_new();
	if (!d->reg || !d->lv || !d->fleet) {
		store_close(wdb);
		daemon_stop(d);
		return GLOVED_ENOMEM;
	}
	writer_options wo = {cfg->reorder_window_s * 1000,
			     cfg->batch_max,
			     cfg->batch_wait_ms,
			     0,
			     cfg->rollup_flush_ms,
			     0,
			     cfg->async_wait_ms,
			     NULL,
			     cfg->raw_days,
			     cfg->minute_days,
			     cfg->hour_days,
			     cfg->day_days,
			     cfg->shift_days,
			     cfg->offline_after_s * 1000};
	if ((rc = writer_open(&wo, wdb, d->reg, d->lv, &d->w))) {
		daemon_stop(d);
		return rc;
	}
	if (cfg->mqtt_enabled) {
		store *rdb = NULL;
		if ((rc = store_open(cfg->db_path, STORE_READ, &so, &rdb))) {
			daemon_stop(d);
			return rc;
		}
		mqtt_options mo = {cfg->mqtt_host,     (int)cfg->mqtt_port,      cfg->mqtt_username,
				   cfg->mqtt_password, cfg->max_future_s * 1000, d->fleet};
		if ((rc = mqtt_ingest_start(&mo, d->reg, rdb, d->w, &d->mqtt))) {
			store_close(rdb);
			daemon_stop(d);
			return rc;
		}
	}
	if (cfg->mqtt_enabled && cfg->spb_enabled) {
		store *rdb = NULL;
		if ((rc = store_open(cfg->db_path, STORE_READ, &so, &rdb))) {
			daemon_stop(d);
			return rc;
		}
		sparkplug_options spo = {cfg->mqtt_host,           (int)cfg->mqtt_port,
					 cfg->mqtt_username,       cfg->mqtt_password,
					 cfg->spb_host_id,         cfg->spb_reorder_ms,
					 cfg->max_future_s * 1000, d->fleet};
		if ((rc = sparkplug_start(&spo, d->reg, rdb, d->w, &d->spb))) {
			store_close(rdb);
			daemon_stop(d);
			return rc;
		}
	}
	if (cfg->modbus_enabled) {
		store *rdb = NULL;
		if ((rc = store_open(cfg->db_path, STORE_READ, &so, &rdb))) {
			daemon_stop(d);
			return rc;
		}
		modbus_poller_options po = {cfg->max_future_s * 1000, 0, d->fleet};
		if ((rc = modbus_poller_start(&po, d->reg, rdb, d->w, &d->modbus))) {
			daemon_stop(d);
			return rc;
		}
	}
	http_app app = {cfg, d->reg, d->lv, d->w, d->mqtt, d->fleet};
	if ((rc = http_start(&app, &d->http))) {
		daemon_stop(d);
		return rc;
	}
	log_info("gloved %s listening on http://%s (database %s, time zone %s, mqtt %s)",
		 GLOVED_VERSION, cfg->listen, cfg->db_path, cfg->timezone,
		 cfg->mqtt_enabled ? cfg->mqtt_host : "off");
	return GLOVED_OK;
}

static void wait_for_signal(void)
{
	/* SIGINT and SIGTERM are blocked in every thread (see
	 * block_signals_in_threads); take them here, synchronously */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	int sig = 0;
	while (sigwait(&set, &sig) != 0)
		;
	log_info("stopping");
}

static void block_signals_in_threads(void)
{
	/* Called before any thread starts: threads inherit the mask, so
	 * SIGINT/SIGTERM are only ever taken by wait_for_signal's sigwait. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int cmd_serve(int argc, char **argv)
{
	gloved_config cfg;
	int p = parse_serve(argc, argv, &cfg, NULL);
	if (p)
		return p > 0 ? 0 : 2;
	block_signals_in_threads();
	daemon_t d;
	if (daemon_start(&cfg, &d))
		return 1;
	wait_for_signal();
	daemon_stop(&d);
	return 0;
}

/* ---- demo ---- */

static const char *const DEMO_PASSWORD = "gloved-demo";

/* Demo analytics settings: the sewing firm's calendar (07:30-21:00 with
 * its meal breaks, as the simulator works), and for every machine a
 * worker per shift with a piece-rate card, assigned for a week. */
static int seed_analytics(store *db, const sim_machine_def *m, size_t nm)
{
	static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄",
					       "周", "吴", "徐", "孙", "马", "朱", "胡", "郭"};
	static const char *const given[] = {"芳", "强", "敏", "静", "磊", "丽", "军", "燕",
					    "杰", "娟", "涛", "霞", "勇", "艳", "斌", "红"};
	store_scope all = {0};
	int rc = GLOVED_OK;
	int64_t now = ltime_now_ms();
	int32_t today = (int32_t)((ltime_day_start(now) + 12 * 3600000LL) / 86400000LL);
	for (size_t i = 0; i < nm && !rc; i++) {
		store_enterprise e;
		if ((rc = store_enterprise_by_code(db, all, m[i].enterprise, &e)))
			break;
		/* a firm of sewing machines only works the sewing floor's day */
		int sewing = 1;
		for (size_t k = 0; k < nm; k++)
			if (strcmp(m[k].enterprise, m[i].enterprise) == 0 &&
			    strcmp(m[k].kind, "sewing") != 0 && strcmp(m[k].kind, "overlock") != 0)
				sewing = 0;
		if (sewing) {
			char *json = NULL;
			if (store_calendar_get(db, e.id, &json) == GLOVED_ENOTFOUND)
				rc = store_calendar_put(
				    db, all, e.id,
				    "{\"tz\":\"Asia/Shanghai\",\"shifts\":[{\"name\":\"白班\","
				    "\"start\":\"07:30\",\"end\":\"21:00\",\"breaks\":["
				    "{\"start\":\"12:00\",\"end\":\"13:00\"},{\"start\":\"17:30\","
				    "\"end\":\"18:00\"}]}],\"rest_weekdays\":[],\"offline_after_"
				    "s\":120,"
				    "\"target_pct\":85}");
			free(json);
		}
		int shifts = sewing ? 1 : 2;
		for (int sh = 0; sh < shifts && !rc; sh++) {
			store_worker w = {0};
			size_t k = i * 2 + (size_t)sh;
			w.enterprise_id = e.id;
			snprintf(w.code, sizeof w.code, "W%03zu", k + 1);
			snprintf(w.name, sizeof w.name, "%s%s", surnames[k % 16],
				 given[(k / 16 + k * 7) % 16]);
			snprintf(w.card, sizeof w.card, "%s",
				 sewing
				     ? "{\"rate_unit\":\"pair\",\"rate\":\"0.3500\","
				       "\"step_period\":\"day\",\"steps\":[{\"kind\":\"per_unit\","
				       "\"threshold\":300,\"bonus\":\"0.0500\"}],"
				       "\"reject_deduct\":\"0.1000\",\"allow_negative\":false}"
				     : "{\"rate_unit\":\"dozen\",\"rate\":\"0.6000\","
				       "\"step_period\":\"month\",\"steps\":[{\"kind\":\"flat\","
				       "\"threshold\":1500,\"bonus\":\"100.0000\"}],"
				       "\"reject_deduct\":\"0.0200\",\"allow_negative\":false}");
			rc = store_worker_put(db, all, &w);
			store_machine mm;
			store_machine *ml = NULL;
			size_t nml = 0;
			if (!rc)
				rc = store_machine_list(db, all, &ml, &nml);
			memset(&mm, 0, sizeof mm);
			for (size_t x = 0; x < nml; x++)
				if (ml[x].enterprise_id == e.id &&
				    strcmp(ml[x].code, m[i].code) == 0)
					mm = ml[x];
			free(ml);
			for (int32_t d = today - 1; d <= today + 7 && !rc && mm.id; d++) {
				store_assignment a = {mm.id, e.id, d, sh, ""};
				snprintf(a.worker, sizeof a.worker, "%s", w.code);
				rc = store_assignment_put(db, all, &a);
			}
		}
	}
	return rc;
}

/* Demo sewn-glove production at the sewing firm (JX01): a ski glove style
 * with its routing, households, two released orders cut into bundles, a
 * day of scans by the firm's workers, bundles out at households, one back;
 * and a worker login (w001 / the demo password) for the scan page. */
static int seed_sewn(store *db)
{
	store_scope all = {0};
	store_enterprise e;
	if (store_enterprise_by_code(db, all, "JX01", &e))
		return GLOVED_OK; /* no sewing firm in this simulation */
	static const struct {
		const char *code, *name, *smv, *rate;
	} ops[] = {
	    {"C01", "裁片检验", "0.30", "0.0300"}, {"S01", "合缝", "1.20", "0.1500"},
	    {"S02", "上拇指", "1.50", "0.1800"},   {"S03", "缝手背装饰", "1.10", "0.1400"},
	    {"S04", "上里布", "2.00", "0.2500"},   {"S05", "装松紧带", "0.90", "0.1100"},
	    {"S06", "翻手套", "0.80", "0.1000"},   {"F01", "整烫定型", "0.60", "0.0800"},
	    {"Q01", "检验配对", "0.50", "0.0600"},
	};
	store_style *st = calloc(1, sizeof *st);
	if (!st)
		return GLOVED_ENOMEM;
	st->enterprise_id = e.id;
	snprintf(st->code, sizeof st->code, "SKI-01");
	snprintf(st->name, sizeof st->name, "成人防水滑雪手套");
	snprintf(st->category, sizeof st->category, "ski");
	snprintf(st->family, sizeof st->family, "sewn");
	snprintf(st->materials, sizeof st->materials, "涤纶面料, TPU防水膜, 3M新雪丽棉");
	snprintf(st->sizes, sizeof st->sizes, "7,8,9,10");
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		store_style_op *o = &st->ops[st->n_ops++];
		snprintf(o->code, sizeof o->code, "%s", ops[i].code);
		snprintf(o->name, sizeof o->name, "%s", ops[i].name);
		int64_t a = 0, b = 0;
		/* "1.20" -> 120, "0.1500" -> 1500 */
		for (const char *p = ops[i].smv; *p; p++)
			if (*p != '.')
				a = a * 10 + (*p - '0');
		for (const char *p = ops[i].rate; *p; p++)
			if (*p != '.')
				b = b * 10 + (*p - '0');
		o->smv_c = a;
		o->rate_y4 = b;
	}
	int rc = store_begin(db);
	if (!rc)
		rc = store_style_add(db, all, st);
	static const char *const hh[][3] = {{"H-ZHANG", "张大姐", "梁宝寺镇"},
					    {"H-LI", "李家作坊", "金屯镇"},
					    {"H-WANG", "王嫂", "马村镇"}};
	for (size_t i = 0; i < 3 && !rc; i++) {
		store_household h = {0};
		h.enterprise_id = e.id;
		snprintf(h.code, sizeof h.code, "%s", hh[i][0]);
		snprintf(h.name, sizeof h.name, "%s", hh[i][1]);
		snprintf(h.village, sizeof h.village, "%s", hh[i][2]);
		h.rate_pct = 100;
		rc = store_household_add(db, all, &h);
	}
	store_order orders[2];
	memset(orders, 0, sizeof orders);
	int64_t now = ltime_now_ms();
	int32_t today = (int32_t)((ltime_day_start(now) + 12 * 3600000LL) / 86400000LL);
	for (int k = 0; k < 2 && !rc; k++) {
		store_order *o = &orders[k];
		o->enterprise_id = e.id;
		o->style_id = st->id;
		snprintf(o->code, sizeof o->code, "PO-2026-%d", 118 + k);
		snprintf(o->buyer, sizeof o->buyer, "%s",
			 k ? "北欧户外用品" : "Alpine Sports GmbH");
		snprintf(o->unit, sizeof o->unit, "dozen");
		snprintf(o->status, sizeof o->status, "released");
		o->due_day = today + 12 + 10 * k;
		o->created_ms = now - 86400000LL * (3 - k);
		const char *sizes[] = {"7", "8", "9", "10"};
		for (int i = 0; i < 4; i++) {
			snprintf(o->lines[i].size, sizeof o->lines[i].size, "%s", sizes[i]);
			o->lines[i].pairs = (int64_t)(12 * (6 + 4 * i - 2 * k));
		}
		o->n_lines = 4;
		rc = store_order_add(db, all, o);
	}
	if (rc) {
		store_rollback(db);
		free(st);
		return rc;
	}
	if ((rc = store_commit(db))) {
		free(st);
		return rc;
	}
	/* cut both orders; scan the first one's bundles part of the way */
	firmcal_cache *cals = firmcal_cache_new("Asia/Shanghai", NULL);
	uint8_t key[TICKET_KEY_LEN];
	char check[12];
	rc = cals ? sewn_firm_key(db, e.id, 1, key, check) : GLOVED_ENOMEM;
	for (int k = 0; k < 2 && !rc; k++) {
		sewn_cut_line lines[4];
		for (int i = 0; i < 4; i++) {
			snprintf(lines[i].size, sizeof lines[i].size, "%s",
				 orders[k].lines[i].size);
			lines[i].plies = orders[k].lines[i].pairs;
			lines[i].pairs_per_ply = 1;
		}
		int64_t cut_id;
		store_bundle *b = NULL;
		size_t nb = 0;
		char msg[200];
		rc = sewn_cut(db, &orders[k], lines, 4, 12, now - 86400000LL * 2, &cut_id, &b, &nb,
			      msg, sizeof msg);
		if (rc || k == 1) {
			free(b);
			continue;
		}
		/* workers of the sewing floor: W097.. (the seeded JX01 workers) */
		size_t nreq = 0;
		sewn_scan_req *req = calloc(nb * (size_t)st->n_ops, sizeof *req);
		sewn_scan_res *res = calloc(nb * (size_t)st->n_ops, sizeof *res);
		if (!req || !res)
			rc = GLOVED_ENOMEM;
		for (size_t i = 0; i < nb && !rc; i++) {
			/* earlier bundles are further along the routing */
			int32_t upto = st->n_ops - (int32_t)(i * (size_t)st->n_ops / nb) - 1;
			if (i % 7 == 3)
				continue; /* these go to households below */
			for (int32_t seq = 1; seq <= upto; seq++) {
				sewn_scan_req *q = &req[nreq++];
				q->enterprise_id = e.id;
				ticket_code(key, b[i].id, seq, q->code, sizeof q->code);
				snprintf(q->worker, sizeof q->worker, "W%03d",
					 97 + 2 * (int)((i + (size_t)seq) % 12));
				q->ts_ms = now - 3600000LL * (int64_t)(upto - seq + 1) -
					   (int64_t)i * 60000;
			}
		}
		if (!rc)
			rc = sewn_scan(db, cals, req, nreq, res);
		free(req);
		free(res);
		int64_t out[8];
		size_t nout = 0;
		for (size_t i = 3; i < nb && nout < 8; i += 7)
			out[nout++] = b[i].id;
		int32_t hops[] = {2, 3, 4};
		char msg2[200];
		store_household h;
		for (size_t i = 0; i < nout && !rc; i++) {
			if (store_household_get(db, all, e.id, hh[i % 3][0], 0, &h))
				break;
			rc = sewn_dispatch(db, e.id, h.id, &out[i], 1, hops, 3,
					   now - 86400000LL * (int64_t)(i % 3 + 1), msg2,
					   sizeof msg2);
		}
		int64_t pay;
		if (!rc && nout)
			rc = sewn_return(db, cals, e.id, out[0], 12, 0, 1, now - 3600000LL, &pay,
					 msg2, sizeof msg2);
		free(b);
	}
	firmcal_cache_free(cals);
	free(st);
	if (!rc) {
		store_user u = {0};
		snprintf(u.username, sizeof u.username, "w097");
		snprintf(u.role, sizeof u.role, "worker");
		snprintf(u.worker, sizeof u.worker, "W097");
		u.enterprise_id = e.id;
		rc = secret_password_hash(DEMO_PASSWORD, u.pw_hash, sizeof u.pw_hash);
		if (!rc)
			rc = store_user_add(db, all, &u);
	}
	return rc;
}

static int seed_demo(const gloved_config *cfg, const sim_options *so, int *seeded)
{
	*seeded = 0;
	store_options o = {1};
	store *db = NULL;
	int rc = store_open(cfg->db_path, STORE_WRITE, &o, &db);
	if (rc)
		return rc;
	store_scope all = {0};
	store_enterprise *es = NULL;
	size_t ne = 0;
	if ((rc = store_enterprise_list(db, all, &es, &ne)))
		goto out;
	free(es);
	if (ne > 0)
		goto out; /* already seeded: keep what is there */
	sim *s = sim_open(so, ltime_now_ms());
	if (!s) {
		rc = GLOVED_ENOMEM;
		goto out;
	}
	const sim_firm *f;
	const sim_workshop *w;
	const sim_machine_def *m;
	size_t nf = sim_firms(s, &f), nw = sim_workshops(s, &w), nm = sim_machines(s, &m);
	store_begin(db);
	for (size_t i = 0; i < nf && !rc; i++) {
		store_enterprise e = {0};
		snprintf(e.code, sizeof e.code, "%s", f[i].code);
		snprintf(e.name, sizeof e.name, "%s", f[i].name);
		snprintf(e.town, sizeof e.town, "%s", f[i].town);
		rc = store_enterprise_add(db, all, &e);
		if (!rc) {
			store_user u = {0};
			snprintf(u.username, sizeof u.username, "%s", f[i].code);
			for (char *c = u.username; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c = (char)(*c - 'A' + 'a');
			snprintf(u.role, sizeof u.role, "enterprise_admin");
			u.enterprise_id = e.id;
			rc = secret_password_hash(DEMO_PASSWORD, u.pw_hash, sizeof u.pw_hash);
			if (!rc)
				rc = store_user_add(db, all, &u);
		}
	}
	for (size_t i = 0; i < nw && !rc; i++) {
		store_enterprise e;
		if ((rc = store_enterprise_by_code(db, all, w[i].enterprise, &e)))
			break;
		store_workshop ws = {0};
		ws.enterprise_id = e.id;
		snprintf(ws.code, sizeof ws.code, "%s", w[i].code);
		snprintf(ws.name, sizeof ws.name, "%s", w[i].name);
		rc = store_workshop_add(db, all, &ws);
	}
	store_workshop *wl = NULL;
	size_t nwl = 0;
	if (!rc)
		rc = store_workshop_list(db, all, 0, &wl, &nwl);
	for (size_t i = 0; i < nm && !rc; i++) {
		store_enterprise e;
		if ((rc = store_enterprise_by_code(db, all, m[i].enterprise, &e)))
			break;
		store_machine mm = {0};
		mm.enterprise_id = e.id;
		for (size_t k = 0; k < nwl; k++)
			if (wl[k].enterprise_id == e.id && strcmp(wl[k].code, m[i].workshop) == 0)
				mm.workshop_id = wl[k].id;
		snprintf(mm.code, sizeof mm.code, "%s", m[i].code);
		snprintf(mm.kind, sizeof mm.kind, "%s", m[i].kind);
		mm.gauge = m[i].gauge;
		mm.cycle_ms = m[i].cycle_ms;
		mm.counter_bits = m[i].counter_bits;
		rc = store_machine_add(db, all, &mm);
	}
	free(wl);
	if (!rc)
		rc = seed_analytics(db, m, nm);
	if (!rc) {
		store_user u = {0};
		snprintf(u.username, sizeof u.username, "admin");
		snprintf(u.role, sizeof u.role, "cluster_admin");
		rc = secret_password_hash(DEMO_PASSWORD, u.pw_hash, sizeof u.pw_hash);
		if (!rc)
			rc = store_user_add(db, all, &u);
	}
	if (rc)
		store_rollback(db);
	else
		rc = store_commit(db);
	if (!rc)
		rc = seed_sewn(db);
	sim_close(s);
	*seeded = !rc;
out:
	if (rc)
		log_error("demo: seeding failed: %s (%s)", gloved_strerror(rc), store_errmsg(db));
	store_close(db);
	return rc;
}

static int cmd_demo(int argc, char **argv)
{
	gloved_config cfg;
	int machines = 60;
	config_defaults(&cfg);
	int p = parse_serve(argc, argv, &cfg, &machines);
	if (p)
		return p > 0 ? 0 : 2;
	if (strcmp(cfg.db_path, "gloved.db") == 0)
		snprintf(cfg.db_path, sizeof cfg.db_path, "demo-data/gloved.db");
	if (strncmp(cfg.db_path, "demo-data/", 10) == 0 && access("demo-data", F_OK) != 0) {
		if (system("mkdir -p demo-data") != 0) {
			fprintf(stderr, "gloved demo: cannot create demo-data/\n");
			return 1;
		}
	}
	if (ltime_set_zone(cfg.timezone) || secret_init()) {
		fprintf(stderr, "gloved demo: bad time zone or no randomness\n");
		return 1;
	}
	sim_options so;
	sim_options_default(&so);
	so.machines = machines;
	int seeded = 0;
	if (seed_demo(&cfg, &so, &seeded))
		return 1;
	block_signals_in_threads();
	daemon_t d;
	if (daemon_start(&cfg, &d))
		return 1;
	sim_thread *st = NULL;
	if (cfg.mqtt_enabled) {
		/* today's history first (only on a fresh database), then live */
		int64_t backfill = seeded ? ltime_day_start(ltime_now_ms()) : 0;
		if (sim_mqtt_start(&so, cfg.mqtt_host, (int)cfg.mqtt_port, backfill, &st))
			log_warn("demo: simulator did not start");
	}
	printf("\n  gloved demo is running: %d simulated machines in 3 firms\n"
	       "  dashboard: http://%s/\n"
	       "  log in as: admin / %s   (cluster admin; firm admins: py01, gm01, jx01, same "
	       "password)\n"
	       "  phone scan page: /scan.html (worker w097 of jx01, same password)\n"
	       "  database:  %s\n"
	       "  stop with Ctrl-C\n\n",
	       machines, cfg.listen, DEMO_PASSWORD, cfg.db_path);
	fflush(stdout);
	wait_for_signal();
	sim_mqtt_stop(st);
	daemon_stop(&d);
	return 0;
}

/* ---- admin ---- */

static const char *opt_value(int argc, char **argv, const char *name)
{
	for (int i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

static int has_flag(int argc, char **argv, const char *name)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

static int copy_arg(char *dst, size_t cap, const char *v, const char *what)
{
	if (!v || !*v) {
		fprintf(stderr, "gloved admin: %s is required\n", what);
		return -1;
	}
	if (strlen(v) >= cap) {
		fprintf(stderr, "gloved admin: %s is longer than %zu bytes\n", what, cap - 1);
		return -1;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int int_arg(const char *v, long lo, long hi, long dflt, long *out, const char *what)
{
	if (!v) {
		*out = dflt;
		return 0;
	}
	char *end = NULL;
	long x = strtol(v, &end, 10);
	if (!*v || *end || x < lo || x > hi) {
		fprintf(stderr, "gloved admin: %s must be an integer in %ld..%ld\n", what, lo, hi);
		return -1;
	}
	*out = x;
	return 0;
}

static void admin_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: gloved admin [--db PATH] <what> <verb> [options]\n\n"
	    "  enterprise add --code C --name N [--town T]\n"
	    "  enterprise list\n"
	    "  workshop add --enterprise C --code W --name N\n"
	    "  workshop list [--enterprise C]\n"
	    "  machine add --enterprise C --workshop W --code M [--kind knitting] [--gauge 13]\n"
	    "              [--cycle-ms 120000] [--counter-bits 16|32|64]\n"
	    "  machine list\n"
	    "  token add --enterprise C [--name N]     prints a new gateway token once\n"
	    "  user add --username U --role "
	    "cluster_admin|bureau|enterprise_admin|supervisor|worker\n"
	    "           [--worker W001] (a worker login scans for that worker code)\n"
	    "           [--enterprise C] (--password P | --password-stdin)\n"
	    "  user list\n"
	    "  mqtt-acl --out-dir DIR [--broker-user gloved]  broker users, passwd and acl\n"
	    "  modbus add --enterprise C --machine M --host H [--port 502] [--unit 1]\n"
	    "             --counter-reg N [--counter-words 1|2] [--word-order big|little]\n"
	    "             [--reject-reg N] [--state-reg N] [--state-map '0:off,1:run,...']\n"
	    "             [--poll-ms 5000] [--timeout-ms 2000]\n"
	    "  modbus list [--enterprise C]\n"
	    "  rebuild [--enterprise C] --from YYYY-MM-DD [--to YYYY-MM-DD] [--timezone Z]\n"
	    "          [--raw-days 30] [--offline-after 120]  recompute rollups of those local\n"
	    "          days from the samples (--timezone, --offline-after: the daemon's\n"
	    "          timezone and [ingest] offline_after, for firms without their own)\n"
	    "          (through the running daemon when one holds the database)\n"
	    "  sparkplug map --enterprise C --edge-node N [--count-metric count]\n"
	    "             [--reject-metric reject] [--state-metric state] [--reason-metric "
	    "reason]\n\n"
	    "The database is created if missing (default gloved.db). Works while the daemon\n"
	    "runs: the daemon picks up registry changes by itself.\n");
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

/* `gloved admin modbus add`: validates everything the poller relies on
 * (registers, widths against the machine's counter_bits, the state map)
 * so that a stored device can always be polled. Returns the exit status. */
static int admin_modbus_add(int argc, char **argv, store *db, const char *ent_code,
			    const store_enterprise *e)
{
	store_modbus_device d;
	memset(&d, 0, sizeof d);
	const char *mcode = opt_value(argc, argv, "--machine");
	if (!ent_code || !mcode) {
		fprintf(stderr, "gloved admin: --enterprise and --machine are required\n");
		return 2;
	}
	store_machine *ms = NULL, m = {0};
	size_t n = 0;
	store_scope sc = {e->id};
	if (store_machine_list(db, sc, &ms, &n)) {
		fprintf(stderr, "gloved admin: cannot list machines: %s\n", store_errmsg(db));
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(ms[i].code, mcode) == 0)
			m = ms[i];
	free(ms);
	if (!m.id) {
		fprintf(stderr, "gloved admin: no machine '%s' in %s\n", mcode, ent_code);
		return 1;
	}
	d.machine_id = m.id;
	const char *host = opt_value(argc, argv, "--host");
	if (copy_arg(d.host, 49, host, "--host"))
		return 2;
	if (strspn(d.host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:_") !=
	    strlen(d.host)) {
		fprintf(stderr, "gloved admin: --host must be a host name or IP address\n");
		return 2;
	}
	long port, unit, creg, words, rreg, sreg, poll, tmo;
	if (int_arg(opt_value(argc, argv, "--port"), 1, 65535, 502, &port, "--port") ||
	    int_arg(opt_value(argc, argv, "--unit"), 0, 255, 1, &unit, "--unit") ||
	    int_arg(opt_value(argc, argv, "--counter-reg"), 0, 65535, -1, &creg, "--counter-reg") ||
	    int_arg(opt_value(argc, argv, "--counter-words"), 1, 2, 2, &words, "--counter-words") ||
	    int_arg(opt_value(argc, argv, "--reject-reg"), 0, 65535, -1, &rreg, "--reject-reg") ||
	    int_arg(opt_value(argc, argv, "--state-reg"), 0, 65535, -1, &sreg, "--state-reg") ||
	    int_arg(opt_value(argc, argv, "--poll-ms"), 100, 3600000, 5000, &poll, "--poll-ms") ||
	    int_arg(opt_value(argc, argv, "--timeout-ms"), 100, 30000, 2000, &tmo, "--timeout-ms"))
		return 2;
	if (creg < 0) {
		fprintf(stderr, "gloved admin: --counter-reg is required\n");
		return 2;
	}
	const char *order = opt_value(argc, argv, "--word-order");
	if (!order)
		order = "big";
	if (mbus_word_order_parse(order) < 0) {
		fprintf(stderr, "gloved admin: --word-order must be big or little\n");
		return 2;
	}
	snprintf(d.word_order, sizeof d.word_order, "%s", order);
	const char *map = opt_value(argc, argv, "--state-map");
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
	int rc = store_modbus_device_add(db, (store_scope){0}, &d);
	if (rc == GLOVED_EEXIST) {
		fprintf(stderr, "gloved admin: machine %s/%s already has a Modbus device\n",
			ent_code, m.code);
		return 1;
	}
	return admin_report(rc, "modbus device", m.code, db);
}

static int parse_date_arg(const char *s, int32_t *day)
{
	tz_date t;
	if (tz_date_parse(s, &t))
		return -1;
	*day = (int32_t)tz_days_from_civil(t);
	return 0;
}

/* gloved admin rebuild: when a daemon holds the database, the request goes
 * to its writer (table rebuild_request) and this waits for the answer;
 * otherwise the rebuild runs here, holding the lock so that no daemon
 * starts meanwhile. */
static int admin_rebuild(int argc, char **argv, store *db, const char *dbp, int64_t ent)
{
	int32_t d0, d1;
	const char *fs = opt_value(argc, argv, "--from"), *ts = opt_value(argc, argv, "--to");
	if (parse_date_arg(fs, &d0) || (ts ? parse_date_arg(ts, &d1) : (d1 = d0, 0))) {
		fprintf(stderr,
			"gloved admin: rebuild needs --from YYYY-MM-DD [--to YYYY-MM-DD]\n");
		return 2;
	}
	long raw_days = 30;
	const char *rd = opt_value(argc, argv, "--raw-days");
	if (rd && int_arg(rd, 0, 36500, 30, &raw_days, "--raw-days"))
		return 2;
	const char *zone = opt_value(argc, argv, "--timezone");
	long offline_s = 120;
	const char *oa = opt_value(argc, argv, "--offline-after");
	if (oa && int_arg(oa, 5, 86400, 120, &offline_s, "--offline-after"))
		return 2;
	int fd = db_lock(dbp);
	if (fd == -1) {
		store_rebuild rq = {0};
		rq.enterprise_id = ent;
		rq.day0 = d0;
		rq.day1 = d1;
		if (store_rebuild_add(db, &rq)) {
			fprintf(stderr, "gloved admin: cannot queue the rebuild: %s\n",
				store_errmsg(db));
			return 1;
		}
		for (int i = 0; i < 6000; i++) { /* 10 minutes */
			store_rebuild st;
			if (store_rebuild_get(db, rq.id, &st) == GLOVED_OK && st.done_ms) {
				int ok = strncmp(st.result, "ok: ", 4) == 0;
				fprintf(ok ? stdout : stderr, "%s\n",
					ok ? st.result + 4 : st.result);
				return ok ? 0 : 1;
			}
			struct timespec t = {0, 100000000L};
			nanosleep(&t, NULL);
		}
		fprintf(stderr, "gloved admin: the daemon did not answer the rebuild request\n");
		return 1;
	}
	if (fd < 0) {
		fprintf(stderr, "gloved admin: cannot create %s.lock\n", dbp);
		return 1;
	}
	int rc = 1;
	registry *reg = registry_new();
	firmcal_cache *cals = firmcal_cache_new(zone ? zone : "Asia/Shanghai", NULL);
	if (cals)
		firmcal_cache_set_offline_after(cals, (int64_t)offline_s * 1000);
	char msg[200];
	if (reg && cals && registry_refresh(reg, db, 1) == GLOVED_OK) {
		int r = rebuild_firms(db, reg, cals, ent, d0, d1, raw_days, ltime_now_ms(), msg,
				      sizeof msg);
		fprintf(r ? stderr : stdout, "%s\n", msg);
		rc = r ? 1 : 0;
	}
	firmcal_cache_free(cals);
	registry_free(reg);
	close(fd);
	return rc;
}

/* gloved admin mqtt-acl: see ingest/mqtt_acl.h. */
static int admin_mqtt_acl(int argc, char **argv, store *db)
{
	const char *dir = opt_value(argc, argv, "--out-dir");
	const char *user = opt_value(argc, argv, "--broker-user");
	size_t n = 0;
	if (!dir || !*dir) {
		fprintf(stderr, "gloved admin: mqtt-acl needs --out-dir DIR\n");
		return 2;
	}
	if (!user)
		user = "gloved";
	if (!code_valid(user)) {
		fprintf(stderr, "gloved admin: --broker-user must be 1-32 of A-Z a-z 0-9 _ -\n");
		return 2;
	}
	if (mqtt_acl_write(db, dir, user, &n) != 0)
		return 1;
	printf("wrote %s/passwd, %s/acl and %s/credentials.txt (mode 0600): %zu broker users, "
	       "new passwords for all\n",
	       dir, dir, dir, n);
	return 0;
}

static int cmd_admin(int argc, char **argv)
{
	if (argc < 2 || has_flag(argc, argv, "--help") || has_flag(argc, argv, "-h")) {
		admin_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *dbp = opt_value(argc, argv, "--db");
	if (!dbp)
		dbp = "gloved.db";
	/* the positional words: what and verb */
	const char *pos[2] = {NULL, NULL};
	int np = 0;
	for (int i = 1; i < argc && np < 2; i++) {
		if (strncmp(argv[i], "--", 2) == 0) {
			if (strcmp(argv[i], "--password-stdin") != 0)
				i++;
			continue;
		}
		pos[np++] = argv[i];
	}
	if (np < 2 &&
	    !(np == 1 && (strcmp(pos[0], "mqtt-acl") == 0 || strcmp(pos[0], "rebuild") == 0))) {
		admin_usage(stderr);
		return 2;
	}
	if (secret_init())
		return 1;
	store_options so = {1};
	store *db = NULL;
	if (store_open(dbp, STORE_WRITE, &so, &db)) {
		fprintf(stderr, "gloved admin: cannot open database %s\n", dbp);
		return 1;
	}
	store_scope all = {0};
	int rc = 2;
	const char *what = pos[0], *verb = pos[1];
	const char *ent_code = opt_value(argc, argv, "--enterprise");
	store_enterprise e = {0};
	if (ent_code && store_enterprise_by_code(db, all, ent_code, &e)) {
		fprintf(stderr, "gloved admin: no enterprise '%s'\n", ent_code);
		rc = 1;
		goto out;
	}
	if (strcmp(what, "mqtt-acl") == 0) {
		rc = admin_mqtt_acl(argc, argv, db);
		goto out;
	}
	if (strcmp(what, "rebuild") == 0) {
		rc = admin_rebuild(argc, argv, db, dbp, e.id);
		goto out;
	}
	if (strcmp(what, "enterprise") == 0 && strcmp(verb, "add") == 0) {
		store_enterprise ne = {0};
		if (copy_arg(ne.code, sizeof ne.code, opt_value(argc, argv, "--code"), "--code") ||
		    copy_arg(ne.name, sizeof ne.name, opt_value(argc, argv, "--name"), "--name"))
			goto out;
		if (!code_valid(ne.code)) {
			fprintf(stderr, "gloved admin: --code must be 1-32 of A-Z a-z 0-9 _ -\n");
			goto out;
		}
		const char *town = opt_value(argc, argv, "--town");
		if (town && copy_arg(ne.town, sizeof ne.town, town, "--town"))
			goto out;
		rc = admin_report(store_enterprise_add(db, all, &ne), "enterprise", ne.code, db);
	} else if (strcmp(what, "enterprise") == 0 && strcmp(verb, "list") == 0) {
		store_enterprise *es = NULL;
		size_t n = 0;
		rc = store_enterprise_list(db, all, &es, &n) ? 1 : 0;
		for (size_t i = 0; i < n; i++)
			printf("%s\t%s\t%s\n", es[i].code, es[i].name, es[i].town);
		free(es);
	} else if (strcmp(what, "workshop") == 0 && strcmp(verb, "add") == 0) {
		store_workshop w = {0};
		if (!ent_code) {
			fprintf(stderr, "gloved admin: --enterprise is required\n");
			goto out;
		}
		w.enterprise_id = e.id;
		if (copy_arg(w.code, sizeof w.code, opt_value(argc, argv, "--code"), "--code") ||
		    copy_arg(w.name, sizeof w.name, opt_value(argc, argv, "--name"), "--name"))
			goto out;
		if (!code_valid(w.code)) {
			fprintf(stderr, "gloved admin: --code must be 1-32 of A-Z a-z 0-9 _ -\n");
			goto out;
		}
		rc = admin_report(store_workshop_add(db, all, &w), "workshop", w.code, db);
	} else if (strcmp(what, "workshop") == 0 && strcmp(verb, "list") == 0) {
		store_workshop *ws = NULL;
		size_t n = 0;
		rc = store_workshop_list(db, all, e.id, &ws, &n) ? 1 : 0;
		for (size_t i = 0; i < n; i++)
			printf("%lld\t%s\t%s\n", (long long)ws[i].enterprise_id, ws[i].code,
			       ws[i].name);
		free(ws);
	} else if (strcmp(what, "machine") == 0 && strcmp(verb, "add") == 0) {
		store_machine m = {0};
		if (!ent_code) {
			fprintf(stderr, "gloved admin: --enterprise is required\n");
			goto out;
		}
		m.enterprise_id = e.id;
		const char *wcode = opt_value(argc, argv, "--workshop");
		if (!wcode) {
			fprintf(stderr, "gloved admin: --workshop is required\n");
			goto out;
		}
		store_workshop *ws = NULL;
		size_t n = 0;
		store_workshop_list(db, all, e.id, &ws, &n);
		for (size_t i = 0; i < n; i++)
			if (strcmp(ws[i].code, wcode) == 0)
				m.workshop_id = ws[i].id;
		free(ws);
		if (!m.workshop_id) {
			fprintf(stderr, "gloved admin: no workshop '%s' in %s\n", wcode, ent_code);
			rc = 1;
			goto out;
		}
		long gauge, cycle, bits;
		const char *kind = opt_value(argc, argv, "--kind");
		if (copy_arg(m.code, sizeof m.code, opt_value(argc, argv, "--code"), "--code") ||
		    copy_arg(m.kind, sizeof m.kind, kind ? kind : "knitting", "--kind") ||
		    int_arg(opt_value(argc, argv, "--gauge"), 0, 40, 0, &gauge, "--gauge") ||
		    int_arg(opt_value(argc, argv, "--cycle-ms"), 0, 86400000, 0, &cycle,
			    "--cycle-ms") ||
		    int_arg(opt_value(argc, argv, "--counter-bits"), 16, 64, 64, &bits,
			    "--counter-bits"))
			goto out;
		if (!code_valid(m.code) || (bits != 16 && bits != 32 && bits != 64)) {
			fprintf(stderr,
				"gloved admin: bad --code or --counter-bits (16, 32, 64)\n");
			goto out;
		}
		static const char *const kinds[] = {"knitting", "overlock", "dipping", "sewing",
						    "cutting",  "ironing",  "packing", "other"};
		int ok = 0;
		for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
			ok |= strcmp(kinds[i], m.kind) == 0;
		if (!ok) {
			fprintf(stderr, "gloved admin: --kind must be knitting, overlock, dipping, "
					"sewing, cutting, ironing, packing or other\n");
			goto out;
		}
		m.gauge = (int)gauge;
		m.cycle_ms = cycle;
		m.counter_bits = (int)bits;
		rc = admin_report(store_machine_add(db, all, &m), "machine", m.code, db);
	} else if (strcmp(what, "machine") == 0 && strcmp(verb, "list") == 0) {
		store_machine *ms = NULL;
		size_t n = 0;
		store_scope sc = {e.id};
		rc = store_machine_list(db, sc, &ms, &n) ? 1 : 0;
		for (size_t i = 0; i < n; i++)
			printf("%lld\t%s\t%s\t%d\t%lld\t%d\n", (long long)ms[i].enterprise_id,
			       ms[i].code, ms[i].kind, ms[i].gauge, (long long)ms[i].cycle_ms,
			       ms[i].counter_bits);
		free(ms);
	} else if (strcmp(what, "token") == 0 && strcmp(verb, "add") == 0) {
		if (!ent_code) {
			fprintf(stderr, "gloved admin: --enterprise is required\n");
			goto out;
		}
		store_gateway g = {0};
		g.enterprise_id = e.id;
		const char *name = opt_value(argc, argv, "--name");
		if (copy_arg(g.name, sizeof g.name, name ? name : "gateway", "--name"))
			goto out;
		char token[SECRET_TOKEN_MAX];
		uint8_t h[SECRET_HASH_LEN];
		if (secret_token_new("gw_", token, sizeof token)) {
			rc = 1;
			goto out;
		}
		secret_token_hash(token, h);
		rc = admin_report(store_gateway_add(db, all, &g, h), "gateway", g.name, db);
		if (!rc)
			printf("%s\n", token);
	} else if (strcmp(what, "user") == 0 && strcmp(verb, "add") == 0) {
		store_user u = {0};
		char pass[256] = "";
		if (copy_arg(u.username, sizeof u.username, opt_value(argc, argv, "--username"),
			     "--username") ||
		    copy_arg(u.role, sizeof u.role, opt_value(argc, argv, "--role"), "--role"))
			goto out;
		if (!code_valid(u.username)) {
			fprintf(stderr,
				"gloved admin: --username must be 1-32 of A-Z a-z 0-9 _ -\n");
			goto out;
		}
		int cluster = strcmp(u.role, "cluster_admin") == 0 || strcmp(u.role, "bureau") == 0;
		int firm = strcmp(u.role, "enterprise_admin") == 0 ||
			   strcmp(u.role, "supervisor") == 0 || strcmp(u.role, "worker") == 0;
		if (!cluster && !firm) {
			fprintf(stderr, "gloved admin: --role must be cluster_admin, bureau, "
					"enterprise_admin, supervisor or worker\n");
			goto out;
		}
		if (strcmp(u.role, "worker") == 0) {
			const char *wc = opt_value(argc, argv, "--worker");
			if (!wc || !code_valid(wc)) {
				fprintf(stderr,
					"gloved admin: a worker needs --worker CODE (A-Z a-z "
					"0-9 _ -), the worker code it scans for\n");
				goto out;
			}
			snprintf(u.worker, sizeof u.worker, "%s", wc);
		}
		if (firm && !ent_code) {
			fprintf(stderr, "gloved admin: a %s needs --enterprise\n", u.role);
			goto out;
		}
		u.enterprise_id = firm ? e.id : 0;
		if (has_flag(argc, argv, "--password-stdin")) {
			if (!fgets(pass, sizeof pass, stdin)) {
				fprintf(stderr, "gloved admin: no password on stdin\n");
				goto out;
			}
			pass[strcspn(pass, "\r\n")] = '\0';
		} else if (copy_arg(pass, sizeof pass, opt_value(argc, argv, "--password"),
				    "--password or --password-stdin")) {
			goto out;
		}
		if (strlen(pass) < 8) {
			fprintf(stderr, "gloved admin: the password needs at least 8 characters\n");
			goto out;
		}
		if (secret_password_hash(pass, u.pw_hash, sizeof u.pw_hash)) {
			rc = 1;
			goto out;
		}
		memset(pass, 0, sizeof pass);
		rc = admin_report(store_user_add(db, all, &u), "user", u.username, db);
	} else if (strcmp(what, "modbus") == 0 && strcmp(verb, "add") == 0) {
		rc = admin_modbus_add(argc, argv, db, ent_code, &e);
	} else if (strcmp(what, "modbus") == 0 && strcmp(verb, "list") == 0) {
		store_modbus_device *ds = NULL;
		size_t n = 0;
		store_scope sc = {e.id};
		rc = store_modbus_device_list(db, sc, &ds, &n) ? 1 : 0;
		for (size_t i = 0; i < n; i++) {
			char rej[12] = "-", st[12] = "-";
			if (ds[i].reject_reg >= 0)
				snprintf(rej, sizeof rej, "%d", ds[i].reject_reg);
			if (ds[i].state_reg >= 0)
				snprintf(st, sizeof st, "%d", ds[i].state_reg);
			printf("%s\t%s\t%s:%d/%d\tcounter=%d\twords=%d\t%s\treject=%s\tstate=%s\t"
			       "poll_ms=%lld\ttimeout_ms=%lld\t%s\t%s\n",
			       ds[i].enterprise_code, ds[i].machine_code, ds[i].host, ds[i].port,
			       ds[i].unit_id, ds[i].counter_reg, ds[i].counter_words,
			       ds[i].word_order, rej, st, (long long)ds[i].poll_ms,
			       (long long)ds[i].timeout_ms, ds[i].enabled ? "enabled" : "disabled",
			       ds[i].state_map);
		}
		free(ds);
	} else if (strcmp(what, "sparkplug") == 0 && strcmp(verb, "map") == 0) {
		/* which metrics of an edge node's devices are counter, rejects,
		 * state and reason; read at the node's next NBIRTH */
		store_sparkplug_map sm = {0};
		sm.enterprise_id = e.id;
		static const struct {
			const char *flag;
			size_t off;
			const char *dflt;
		} f[] = {
		    {"--count-metric", offsetof(store_sparkplug_map, count_metric), "count"},
		    {"--reject-metric", offsetof(store_sparkplug_map, reject_metric), "reject"},
		    {"--state-metric", offsetof(store_sparkplug_map, state_metric), "state"},
		    {"--reason-metric", offsetof(store_sparkplug_map, reason_metric), "reason"}};
		if (!ent_code) {
			fprintf(stderr, "gloved admin: --enterprise is required\n");
			goto out;
		}
		if (copy_arg(sm.edge_node, sizeof sm.edge_node,
			     opt_value(argc, argv, "--edge-node"), "--edge-node"))
			goto out;
		for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
			const char *v = opt_value(argc, argv, f[i].flag);
			if (copy_arg((char *)&sm + f[i].off, 64, v ? v : f[i].dflt, f[i].flag))
				goto out;
		}
		rc = admin_report(store_sparkplug_map_put(db, all, &sm), "sparkplug map",
				  sm.edge_node, db);
	} else if (strcmp(what, "user") == 0 && strcmp(verb, "list") == 0) {
		store_user *us = NULL;
		size_t n = 0;
		rc = store_user_list(db, all, &us, &n) ? 1 : 0;
		for (size_t i = 0; i < n; i++)
			printf("%s\t%s\t%lld\n", us[i].username, us[i].role,
			       (long long)us[i].enterprise_id);
		free(us);
	} else {
		fprintf(stderr, "gloved admin: unknown command '%s %s'\n", what, verb);
		admin_usage(stderr);
	}
out:
	store_close(db);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc - 1, argv + 1);
	if (strcmp(cmd, "demo") == 0)
		return cmd_demo(argc - 1, argv + 1);
	if (strcmp(cmd, "admin") == 0)
		return cmd_admin(argc - 1, argv + 1);
	if (strcmp(cmd, "sim") == 0)
		return sim_main(argc - 1, argv + 1);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("gloved %s\n", GLOVED_VERSION);
		return 0;
	}
	fprintf(stderr, "gloved: unknown command '%s'\n\n", cmd);
	usage(stderr);
	return 2;
}
