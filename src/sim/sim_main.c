/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The `gloved sim` subcommand: parses its options (a table, below), then
 * either prints the simulated cluster as JSON (--print; the same shapes as the
 * registry's POST bodies, so a demo script can register the machines) or runs
 * the simulator against an MQTT broker until SIGINT or SIGTERM.
 */
#include "sim/sim.h"
#include "sim/sim_sparkplug.h"
#include "sim/sim_fault.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <mosquitto.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOCAL_OFFSET_MS (8 * 3600000LL) /* Asia/Shanghai, for --backfill-hours today */

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

typedef struct cli {
	char host[256];
	int64_t port;
	int64_t firms, machines, seed, report_every_ms;
	double speed;
	double backfill_hours; /* < 0: since local midnight */
	int print;
	int help;
	char transport[256];      /* mqtt (default) or modbus */
	int64_t modbus_base_port; /* modbus: machine i's server listens on base + i */
	int64_t hang_machine;     /* modbus: this machine's server never answers (-1: none) */
	int print_devices;
	int json;
	/* fault mode, ground truth, HTTP transport (sim_fault.h) */
	char faults[256];
	char truth[256];
	double duration_s;
	char http_url[256];
	char http_tokens[256];
} cli;

enum opt_type { OPT_INT, OPT_DOUBLE, OPT_STR, OPT_FLAG, OPT_BACKFILL };

typedef struct opt_def {
	const char *name;
	enum opt_type type;
	size_t offset;
	double min, max;
	const char *arg;
	const char *help;
} opt_def;

static const opt_def opts[] = {
    {"--mqtt-host", OPT_STR, offsetof(cli, host), 0, 0, "H", "broker host (localhost)"},
    {"--mqtt-port", OPT_INT, offsetof(cli, port), 1, 65535, "P", "broker port (1883)"},
    {"--firms", OPT_INT, offsetof(cli, firms), 1, SIM_MAX_FIRMS, "N",
     "firms, one per town in turn: Pingyi, Gaomi, Jiaxiang (3)"},
    {"--machines", OPT_INT, offsetof(cli, machines), 1, SIM_MAX_MACHINES, "N",
     "machines in the cluster (60)"},
    {"--seed", OPT_INT, offsetof(cli, seed), 0, 4294967295.0, "S",
     "the same seed gives the same cluster and history (1)"},
    {"--speed", OPT_DOUBLE, offsetof(cli, speed), 0.001, 10000, "X",
     "simulated seconds per real second after the replay (1)"},
    {"--report-every-ms", OPT_INT, offsetof(cli, report_every_ms), 100, 86400000, "MS",
     "report period of each machine (30000)"},
    {"--backfill-hours", OPT_BACKFILL, offsetof(cli, backfill_hours), 0, 24 * 366, "H",
     "first replay the last H hours, or `today` since local midnight (0)"},
    {"--print", OPT_FLAG, offsetof(cli, print), 0, 0, NULL,
     "print firms, workshops and machines as JSON and exit"},
    {"--transport", OPT_STR, offsetof(cli, transport), 0, 0, "T",
     "mqtt (publish reports), sparkplug (Sparkplug B edge nodes, one per workshop), http or "
     "modbus (a Modbus TCP server per machine) (mqtt)"},
    {"--modbus-base-port", OPT_INT, offsetof(cli, modbus_base_port), 1, 65535, "P",
     "modbus: machine i's server listens on 127.0.0.1:P+i (15020)"},
    {"--hang-machine", OPT_INT, offsetof(cli, hang_machine), 0, SIM_MAX_MACHINES, "I",
     "modbus: machine I's server reads requests and never answers (fault)"},
    {"--print-devices", OPT_FLAG, offsetof(cli, print_devices), 0, 0, NULL,
     "modbus: print a `gloved admin modbus add` line per machine and exit"},
    {"--json", OPT_FLAG, offsetof(cli, json), 0, 0, NULL, "with --print-devices: print JSON"},
    /* fault mode, ground truth, HTTP transport (sim_fault.h) */
    {"--faults", OPT_STR, offsetof(cli, faults), 0, 0, "LIST",
     "dup=P,reorder=P,delay=P,drop=P,outage=S[/EVERY],powercycle=P,wrap16|wrap32"},
    {"--truth", OPT_STR, offsetof(cli, truth), 0, 0, "FILE",
     "at the end, write per machine the pieces the daemon must credit (JSON)"},
    {"--duration", OPT_DOUBLE, offsetof(cli, duration_s), 1, 366 * 86400.0, "S",
     "stop after S simulated seconds (default: at SIGINT or SIGTERM)"},
    {"--http-url", OPT_STR, offsetof(cli, http_url), 0, 0, "URL",
     "http: the daemon, http://host:port (http://127.0.0.1:8080)"},
    {"--http-tokens", OPT_STR, offsetof(cli, http_tokens), 0, 0, "FILE",
     "http: gateway tokens, lines 'ENTERPRISE TOKEN'"},
    {"--help", OPT_FLAG, offsetof(cli, help), 0, 0, NULL, "this help"},
};

#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: gloved sim [options]\n"
		   "Simulates a glove cluster's machines and publishes their reports to\n"
		   "gloved/v1/<enterprise>/<machine>/report until SIGINT or SIGTERM.\n"
		   "With --transport modbus it instead serves each machine's counters from a\n"
		   "Modbus TCP server on 127.0.0.1 (docs/internals/modbus.md; commands on stdin:\n"
		   "status, pause, resume, stop I, start I, hang I, unhang I).\n\n");
	for (size_t i = 0; i < N_OPTS; i++) {
		char left[40];
		snprintf(left, sizeof(left), "%s%s%s", opts[i].name, opts[i].arg ? " " : "",
			 opts[i].arg ? opts[i].arg : "");
		fprintf(f, "  %-22s %s\n", left, opts[i].help);
	}
}

static int parse_int(const char *s, double min, double max, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || (double)v < min || (double)v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Sets option d from its value v; -1 when the value is bad. */
static int set_option(cli *c, const opt_def *d, const char *v)
{
	char *field = (char *)c + d->offset;
	size_t n;

	switch (d->type) {
	case OPT_INT:
		return parse_int(v, d->min, d->max, (int64_t *)(void *)field);
	case OPT_DOUBLE:
		return parse_double(v, d->min, d->max, (double *)(void *)field);
	case OPT_BACKFILL:
		if (strcmp(v, "today") == 0) {
			*(double *)(void *)field = -1.0;
			return 0;
		}
		return parse_double(v, d->min, d->max, (double *)(void *)field);
	case OPT_STR:
		n = strlen(v);
		if (n == 0 || n >= sizeof(c->host))
			return -1;
		memcpy(field, v, n + 1);
		return 0;
	case OPT_FLAG:
		*(int *)(void *)field = 1;
		return 0;
	}
	return -1;
}

/* Parses argv[1..]; options take their value as the next word or after '='.
 * Returns 0, or -1 after printing what is wrong. */
static int parse_args(int argc, char **argv, cli *c)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		const opt_def *d = NULL;
		for (size_t k = 0; k < N_OPTS; k++) {
			if (strlen(opts[k].name) == len && strncmp(opts[k].name, a, len) == 0) {
				d = &opts[k];
				break;
			}
		}
		if (!d) {
			fprintf(stderr, "gloved sim: unknown option '%s' (see --help)\n", a);
			return -1;
		}
		const char *v = NULL;
		if (d->type == OPT_FLAG) {
			if (eq) {
				fprintf(stderr, "gloved sim: %s takes no value\n", d->name);
				return -1;
			}
		} else if (eq) {
			v = eq + 1;
		} else if (i + 1 < argc) {
			v = argv[++i];
		} else {
			fprintf(stderr, "gloved sim: %s needs a value\n", d->name);
			return -1;
		}
		if (set_option(c, d, v) != 0) {
			fprintf(stderr, "gloved sim: bad value '%s' for %s\n", v, d->name);
			return -1;
		}
	}
	return 0;
}

/* Writes the cluster as JSON to stdout; 0 or -1. */
static int print_cluster(const sim_options *o)
{
	int rc = -1;
	sim *s = sim_open(o, 0);
	cJSON *root = cJSON_CreateObject();
	char *text = NULL;
	const sim_firm *f;
	const sim_workshop *w;
	const sim_machine_def *m;

	if (!s || !root)
		goto out;
	cJSON *fa = cJSON_AddArrayToObject(root, "enterprises");
	cJSON *wa = cJSON_AddArrayToObject(root, "workshops");
	cJSON *ma = cJSON_AddArrayToObject(root, "machines");
	if (!fa || !wa || !ma)
		goto out;
	size_t nf = sim_firms(s, &f);
	for (size_t i = 0; i < nf; i++) {
		cJSON *e = cJSON_CreateObject();
		if (!e || !cJSON_AddItemToArray(fa, e))
			goto out;
		if (!cJSON_AddStringToObject(e, "code", f[i].code) ||
		    !cJSON_AddStringToObject(e, "name", f[i].name) ||
		    !cJSON_AddStringToObject(e, "town", f[i].town))
			goto out;
	}
	size_t nw = sim_workshops(s, &w);
	for (size_t i = 0; i < nw; i++) {
		cJSON *e = cJSON_CreateObject();
		if (!e || !cJSON_AddItemToArray(wa, e))
			goto out;
		if (!cJSON_AddStringToObject(e, "enterprise", w[i].enterprise) ||
		    !cJSON_AddStringToObject(e, "code", w[i].code) ||
		    !cJSON_AddStringToObject(e, "name", w[i].name))
			goto out;
	}
	size_t nm = sim_machines(s, &m);
	for (size_t i = 0; i < nm; i++) {
		cJSON *e = cJSON_CreateObject();
		if (!e || !cJSON_AddItemToArray(ma, e))
			goto out;
		if (!cJSON_AddStringToObject(e, "enterprise", m[i].enterprise) ||
		    !cJSON_AddStringToObject(e, "workshop", m[i].workshop) ||
		    !cJSON_AddStringToObject(e, "code", m[i].code) ||
		    !cJSON_AddStringToObject(e, "kind", m[i].kind) ||
		    (m[i].gauge > 0 && !cJSON_AddNumberToObject(e, "gauge", m[i].gauge)) ||
		    !cJSON_AddNumberToObject(e, "cycle_ms", (double)m[i].cycle_ms) ||
		    !cJSON_AddNumberToObject(e, "counter_bits", m[i].counter_bits))
			goto out;
	}
	text = cJSON_Print(root);
	if (!text)
		goto out;
	if (fputs(text, stdout) == EOF || fputc('\n', stdout) == EOF || fflush(stdout) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "gloved sim: cannot print the cluster\n");
	cJSON_free(text);
	cJSON_Delete(root);
	sim_close(s);
	return rc;
}

int sim_main(int argc, char **argv)
{
	cli c;
	sim_options o;

	memset(&c, 0, sizeof(c));
	memcpy(c.host, "localhost", sizeof("localhost"));
	c.port = 1883;
	sim_options_default(&o);
	c.firms = o.firms;
	c.machines = o.machines;
	c.seed = o.seed;
	c.report_every_ms = 0; /* default below, by transport */
	c.speed = o.speed;
	memcpy(c.transport, "mqtt", sizeof("mqtt"));
	c.modbus_base_port = 15020;
	c.hang_machine = -1;

	if (parse_args(argc, argv, &c) != 0)
		return 2;
	if (c.help) {
		usage(stdout);
		return 0;
	}
	o.seed = (unsigned)c.seed;
	o.firms = (int)c.firms;
	o.machines = (int)c.machines;
	int modbus = strcmp(c.transport, "modbus") == 0;
	int http = strcmp(c.transport, "http") == 0;
	int sparkplug = strcmp(c.transport, "sparkplug") == 0;
	if (!modbus && !http && !sparkplug && strcmp(c.transport, "mqtt") != 0) {
		fprintf(stderr,
			"gloved sim: --transport must be mqtt, sparkplug, http or modbus\n");
		return 2;
	}
	/* a counter box updates its registers about every second; MQTT boxes
	 * report every 30 s */
	o.report_every_ms = c.report_every_ms ? c.report_every_ms : modbus ? 1000 : 30000;
	o.speed = c.speed;
	sim_fault_spec fs;
	char ferr[160];
	if (sim_fault_parse(c.faults, &fs, ferr, sizeof(ferr)) != 0) {
		fprintf(stderr, "gloved sim: --faults: %s\n", ferr);
		return 2;
	}
	o.counter_bits = fs.counter_bits; /* wrap16/wrap32: --print shows it too */
	if (c.print)
		return print_cluster(&o) == 0 ? 0 : 1;
	if (c.print_devices)
		return sim_modbus_print_devices(&o, (int)c.modbus_base_port, c.json) == 0 ? 0 : 1;

	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	int64_t backfill_from = 0;
	if (c.backfill_hours < 0.0) {
		int64_t day = 86400000LL;
		int64_t local = now + LOCAL_OFFSET_MS;
		backfill_from = local / day * day - LOCAL_OFFSET_MS;
	} else if (c.backfill_hours > 0.0) {
		backfill_from = now - (int64_t)(c.backfill_hours * 3600000.0);
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (modbus)
		return sim_modbus_run(&o, (int)c.modbus_base_port, (long)c.hang_machine, &g_stop) ==
			       0
			   ? 0
			   : 1;
	sim_run_opts ro = {c.faults[0] ? &fs : NULL, 0, c.truth[0] ? c.truth : NULL};
	if (c.duration_s > 0)
		ro.end_ms =
		    (backfill_from > 0 ? backfill_from : now) + (int64_t)(c.duration_s * 1000.0);
	if (http) {
		fprintf(stderr, "sim: %d firms, %d machines, seed %u -> %s\n", o.firms, o.machines,
			o.seed, c.http_url[0] ? c.http_url : "http://127.0.0.1:8080");
		return sim_http_run(&o, c.http_url[0] ? c.http_url : "http://127.0.0.1:8080",
				    c.http_tokens[0] ? c.http_tokens : NULL, backfill_from, &ro,
				    &g_stop) == 0
			   ? 0
			   : 1;
	}
	fprintf(stderr, "sim: %d firms, %d machines, seed %u, reports every %lld ms -> %s:%lld\n",
		o.firms, o.machines, o.seed, (long long)o.report_every_ms, c.host,
		(long long)c.port);
	mosquitto_lib_init();
	if (sparkplug) {
		int src =
		    sim_sparkplug_run_opts(&o, c.host, (int)c.port, backfill_from, &ro, &g_stop);
		mosquitto_lib_cleanup();
		return src == 0 ? 0 : 1;
	}
	int rc = sim_mqtt_run_opts(&o, c.host, (int)c.port, backfill_from, &ro, &g_stop);
	mosquitto_lib_cleanup();
	return rc == 0 ? 0 : 1;
}
