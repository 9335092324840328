/* SPDX-License-Identifier: Apache-2.0 */
/* serve.c: `gloved serve`, and the daemon that serve and demo both run: the
 * serve/demo option parsing (util/config.h's option table, an INI file and
 * flags), the one-daemon-per-database lock (<db>.lock, which admin rebuild
 * takes too), starting and stopping the writer, the transports and the
 * HTTP server, and the signal handling that stops them (SIGINT and SIGTERM
 * taken synchronously by the main thread). */
#include "cli/cli_int.h"
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"
#include "util/ltime.h"
#include "util/secret.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

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

int cli__parse_serve(int argc, char **argv, gloved_config *cfg, int *machines)
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
			long v = 0;
			if (cli__long(val, 1, 100000, &v)) {
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

int cli__db_lock(const char *db_path)
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

void cli__daemon_stop(cli_daemon *d)
{
	http_stop(d->http);
	mqtt_ingest_stop(d->mqtt);
	sparkplug_stop(d->spb);
	modbus_poller_stop(d->modbus);
	livenote_stop(d->notes);
	writer_close(d->w);
	brand_key_close(d->key);
	live_free(d->lv);
	fleet_free(d->fleet);
	registry_free(d->reg);
	if (d->lock_fd > 0)
		close(d->lock_fd);
	memset(d, 0, sizeof *d);
}

/* A read connection for one transport; on failure stops what d has started
 * so far (the caller returns the error). */
/* The MQTT client id of this instance: [mqtt] client_id, else
 * "gloved-<host name>-<8 hex digits of a hash of the database's absolute
 * path>" (of a database URI and the HTTP listen address: several
 * instances serve one database): the same across restarts of one
 * deployment, different for two instances on one machine. */
static void mqtt_client_id(const gloved_config *cfg, char *out, size_t n)
{
	if (cfg->mqtt_client_id[0]) {
		snprintf(out, n, "%s", cfg->mqtt_client_id);
		return;
	}
	char host[64] = "host", path[PATH_MAX];
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "host");
	host[sizeof host - 1] = '\0';
	const char *p = store_is_uri(cfg->db_path)     ? cfg->db_path
			: realpath(cfg->db_path, path) ? path
						       : cfg->db_path;
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const unsigned char *c = (const unsigned char *)p; *c; c++)
		h = (h ^ *c) * 16777619u;
	if (store_is_uri(cfg->db_path))
		for (const unsigned char *c = (const unsigned char *)cfg->listen; *c; c++)
			h = (h ^ *c) * 16777619u;
	snprintf(out, n, "gloved-%.40s-%08x", host, (unsigned)h);
}

/* The shared subscription group of the MQTT transports: [mqtt]
 * share_group, none when empty. Only a database several instances can
 * serve (a URI) takes one: on a file one daemon must see everything. */
static const char *share_group(const gloved_config *cfg)
{
	return cfg->mqtt_share_group[0] && store_is_uri(cfg->db_path) &&
		       strcmp(cfg->instances, "several") == 0
		   ? cfg->mqtt_share_group
		   : NULL;
}

static int open_reader(const gloved_config *cfg, const store_options *so, cli_daemon *d,
		       store **rdb)
{
	int rc = store_open(cfg->db_path, STORE_READ, so, rdb);
	if (rc)
		cli__daemon_stop(d);
	return rc;
}

int cli__daemon_start(const gloved_config *cfg, cli_daemon *d)
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
	secret_set_hash_limit((int)cfg->password_hashes, (int)cfg->password_wait_ms);
	/* one daemon per database: an SQLite file's lock file, a PostgreSQL
	 * database's advisory lock on the writer's connection (below) */
	int uri = store_is_uri(cfg->db_path);
	int several = uri && strcmp(cfg->instances, "several") == 0;
	char shown[1100];
	store_uri_shown(cfg->db_path, shown, sizeof shown);
	d->lock_fd = uri ? 0 : cli__db_lock(cfg->db_path);
	if (d->lock_fd < 0) {
		log_error("%s: %s", shown,
			  d->lock_fd == -1 ? "another gloved serves this database"
					   : "cannot create its lock file");
		d->lock_fd = 0;
		return GLOVED_EBUSY;
	}
	char kpath[600], kmsg[300];
	if (cfg->brand_key_file[0]) {
		snprintf(kpath, sizeof kpath, "%s", cfg->brand_key_file);
	} else if (uri) {
		log_error("with a PostgreSQL database, name the brand key's file: [brand] key_file"
			  " or --brand-key-file");
		cli__daemon_stop(d);
		return GLOVED_EINVAL;
	} else {
		brand_key_default_path(cfg->db_path, kpath, sizeof kpath);
	}
	int krc = brand_key_open(kpath, &d->key, kmsg, sizeof kmsg);
	if (krc) {
		log_error("%s", kmsg);
		cli__daemon_stop(d);
		return krc;
	}
	store_options so = {strcmp(cfg->db_sync, "full") == 0};
	store *wdb = NULL;
	int rc = store_open(cfg->db_path, STORE_WRITE, &so, &wdb);
	if (rc) {
		log_error("cannot open database %s: %s", shown, gloved_strerror(rc));
		cli__daemon_stop(d);
		return rc;
	}
	/* a PostgreSQL database: this daemon alone claims it exclusively;
	 * several instances serving it together each hold the shared claim.
	 * Either keeps offline admin commands out, and the two modes never
	 * mix on one database (the claims conflict). */
	if (uri && (rc = several ? store_claim_shared(wdb) : store_claim(wdb))) {
		log_error("%s: %s", shown,
			  rc != GLOVED_EBUSY ? "cannot claim the database"
			  : several          ? "an admin command or a gloved with instances = one "
					       "holds this database"
				    : "another gloved or an admin command holds this database"
				      " (several instances need instances = several on each)");
		store_close(wdb);
		cli__daemon_stop(d);
		return rc;
	}
	d->reg = registry_new();
	d->lv = live_new();
	d->fleet = fleet_new();
	if (!d->reg || !d->lv || !d->fleet) {
		store_close(wdb);
		cli__daemon_stop(d);
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
			     cfg->offline_after_s * 1000,
			     several};
	if ((rc = writer_open(&wo, wdb, d->reg, d->lv, &d->w))) {
		cli__daemon_stop(d);
		return rc;
	}
	if (writer_instance(d->w)) { /* the other instances' live updates */
		store *ldb = NULL;
		if ((rc = open_reader(cfg, &so, d, &ldb)))
			return rc;
		if ((rc = livenote_start(ldb, d->lv, d->reg, writer_cals(d->w),
					 writer_instance(d->w), &d->notes))) {
			store_close(ldb);
			cli__daemon_stop(d);
			return rc;
		}
	}
	if (cfg->mqtt_enabled) {
		store *rdb = NULL;
		if ((rc = open_reader(cfg, &so, d, &rdb)))
			return rc;
		char cid[96];
		mqtt_client_id(cfg, cid, sizeof cid);
		const char *share = share_group(cfg);
		mqtt_options mo = {.host = cfg->mqtt_host,
				   .port = (int)cfg->mqtt_port,
				   .username = cfg->mqtt_username,
				   .password = cfg->mqtt_password,
				   .client_id = cid,
				   .max_future_ms = cfg->max_future_s * 1000,
				   .fleet = d->fleet,
				   .share_group = share};
		if ((rc = mqtt_ingest_start(&mo, d->reg, rdb, d->w, &d->mqtt))) {
			store_close(rdb);
			cli__daemon_stop(d);
			return rc;
		}
	}
	if (cfg->mqtt_enabled && cfg->spb_enabled) {
		store *rdb = NULL;
		if ((rc = open_reader(cfg, &so, d, &rdb)))
			return rc;
		sparkplug_options spo = {cfg->mqtt_host,           (int)cfg->mqtt_port,
					 cfg->mqtt_username,       cfg->mqtt_password,
					 cfg->spb_host_id,         cfg->spb_reorder_ms,
					 cfg->max_future_s * 1000, d->fleet,
					 share_group(cfg)};
		if ((rc = sparkplug_start(&spo, d->reg, rdb, d->w, &d->spb))) {
			store_close(rdb);
			cli__daemon_stop(d);
			return rc;
		}
	}
	if (cfg->modbus_enabled) {
		store *rdb = NULL;
		if ((rc = open_reader(cfg, &so, d, &rdb)))
			return rc;
		modbus_poller_options po = {cfg->max_future_s * 1000, 0, d->fleet};
		if ((rc = modbus_poller_start(&po, d->reg, rdb, d->w, &d->modbus))) {
			cli__daemon_stop(d);
			return rc;
		}
	}
	http_app app = {cfg, d->reg, d->lv, d->w, d->mqtt, d->fleet, d->key, d->spb};
	if ((rc = http_start(&app, &d->http))) {
		cli__daemon_stop(d);
		return rc;
	}
	log_info("gloved %s listening on http://%s (database %s, time zone %s, mqtt %s)",
		 GLOVED_VERSION, cfg->listen, shown, cfg->timezone,
		 cfg->mqtt_enabled ? cfg->mqtt_host : "off");
	return GLOVED_OK;
}

/* The signals that stop the daemon. */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
}

int cli__wait_for_stop(const cli_daemon *d)
{
	/* SIGINT and SIGTERM are blocked in every thread (see
	 * cli__block_signals); take them here, synchronously, and look once a
	 * second whether the writer had to stop for good */
	sigset_t set;
	stop_signals(&set);
	struct timespec tick = {1, 0};
	for (;;) {
		int rc = writer_fatal(d->w);
		if (rc) {
			log_error("stopping: %s", gloved_strerror(rc));
			return rc;
		}
		if (sigtimedwait(&set, NULL, &tick) >= 0)
			break;
	}
	log_info("stopping");
	return GLOVED_OK;
}

void cli__block_signals(void)
{
	/* Called before any thread starts: threads inherit the mask, so
	 * SIGINT/SIGTERM are only ever taken by cli__wait_for_stop's sigtimedwait. */
	sigset_t set;
	stop_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int cli__serve(int argc, char **argv)
{
	gloved_config cfg;
	int p = cli__parse_serve(argc, argv, &cfg, NULL);
	if (p)
		return p > 0 ? 0 : 2;
	cli__block_signals();
	cli_daemon d;
	if (cli__daemon_start(&cfg, &d))
		return 1;
	int rc = cli__wait_for_stop(&d);
	cli__daemon_stop(&d);
	return rc ? 1 : 0;
}
