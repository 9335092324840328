/* SPDX-License-Identifier: Apache-2.0 */
/* cli_int.h: what the files of the command line (src/cli/) share and nothing
 * else uses. main.c holds the table of top-level commands and calls the
 * entry points below; serve.c starts and stops the daemon (serve and demo
 * both run it) and owns the one-daemon-per-database lock (admin rebuild
 * takes it too); demo.c seeds a simulated cluster; admin.c holds the table
 * of `gloved admin <noun> <verb>` commands; opt.c parses option values for
 * all of them. */
#ifndef GLOVED_CLI_INT_H
#define GLOVED_CLI_INT_H

#include "app/brand_key.h"
#include "app/fleet.h"
#include "app/live.h"
#include "app/livenote.h"
#include "app/registry.h"
#include "app/writer.h"
#include "http/server.h"
#include "ingest/modbus.h"
#include "ingest/mqtt.h"
#include "ingest/sparkplug.h"
#include "util/config.h"

#include <stddef.h>

#define GLOVED_VERSION "0.1.0"

/* ---- top-level commands: argv[0] is the command's name; each returns the
 * process exit status (0 ok, 1 failure, 2 usage error) ---- */

/* gloved serve (serve.c). */
int cli__serve(int argc, char **argv);
/* gloved demo (demo.c). */
int cli__demo(int argc, char **argv);
/* gloved admin (admin.c). */
int cli__admin(int argc, char **argv);

/* ---- the daemon (serve.c) ---- */

/* Everything a running daemon holds; cli__daemon_start fills it. */
typedef struct cli_daemon {
	registry *reg;
	live *lv;
	fleet *fleet;
	writer *w;
	mqtt_ingest *mqtt;
	sparkplug_host *spb;
	modbus_poller *modbus;
	http_server *http;
	brand_key *key;  /* the label signing key */
	livenote *notes; /* several instances: the others' live updates */
	int lock_fd;     /* flock on <db>.lock: one daemon per database */
} cli_daemon;

/* Parses serve/demo options (argv[0] is "serve" or "demo") into cfg: the
 * defaults, then the INI file of --config, then the flags. machines, when
 * not NULL, receives demo's --machines and allows it. Returns 0, 1 when help
 * was printed, or -1 after printing an error. */
int cli__parse_serve(int argc, char **argv, gloved_config *cfg, int *machines);
/* Blocks SIGINT and SIGTERM in this and every later thread and ignores
 * SIGPIPE; call before any thread starts, then cli__wait_for_stop. */
void cli__block_signals(void);
/* Waits for SIGINT or SIGTERM (GLOVED_OK), or until d's writer stops for
 * good (writer_fatal: another instance took the database), and returns
 * that error after logging it. */
int cli__wait_for_stop(const cli_daemon *d);
/* Takes the database lock, opens the store and starts the writer, the
 * enabled transports and the HTTP server. Returns GLOVED_OK, or an error
 * after logging it, with everything started released. */
int cli__daemon_start(const gloved_config *cfg, cli_daemon *d);
/* Stops everything cli__daemon_start started and releases the lock. */
void cli__daemon_stop(cli_daemon *d);
/* Locks <db_path>.lock exclusively without waiting. Returns the descriptor
 * (the caller closes it to unlock), -1 when another process holds it, -2 on
 * another error. */
int cli__db_lock(const char *db_path);

/* ---- option values (opt.c) ---- */

/* Parses v as a decimal integer in lo..hi into *out. Returns 0, or -1 when
 * v is NULL, empty, not a number or out of range (*out unchanged). */
int cli__long(const char *v, long lo, long hi, long *out);
/* Copies v into dst of cap bytes. Returns 0, -1 when v is NULL or empty, -2
 * when it does not fit (dst unchanged). */
int cli__copy(char *dst, size_t cap, const char *v);

#endif
