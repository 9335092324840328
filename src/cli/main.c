/* SPDX-License-Identifier: Apache-2.0 */
/* main.c: the gloved command line: the table of top-level commands and the
 * dispatch to them. Each row is a name, the function that runs the command
 * (it receives argv from the command's name on and returns the exit status)
 * and the line `gloved --help` prints; a row without a line is an alias.
 * Adding a command is adding a row. The commands live in serve.c (serve),
 * demo.c (demo), admin.c (admin, itself a table of <noun> <verb> rows) and
 * sim/ (sim). */
#include "cli/cli_int.h"
#include "http/server.h"
#include "sim/sim.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);
static int cmd_routes(int argc, char **argv);

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help; /* NULL: an alias, not listed */
} COMMANDS[] = {
    {"serve", cli__serve, "run the daemon: HTTP API and dashboard, MQTT ingest"},
    {"demo", cli__demo, "create a simulated cluster (3 firms, 60 machines) and serve it"},
    {"admin", cli__admin, "register enterprises, workshops, machines, gateway tokens, users"},
    {"sim", sim_main, "run the cluster simulator, publishing to an MQTT broker"},
    {"routes", cmd_routes, "print the HTTP API's routes and the roles each admits (JSON)"},
    {"version", cmd_version, "print the version"},
    {"help", cmd_help, "print this help, or 'gloved help <command>' a command's"},
    {"--version", cmd_version, NULL},
    {"--help", cmd_help, NULL},
    {"-h", cmd_help, NULL},
};

static const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
		if (strcmp(COMMANDS[i].name, name) == 0)
			return &COMMANDS[i];
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out,
		"gloved %s: the platform of a glove industrial cluster\n\n"
		"usage: gloved <command> [options]\n\n"
		"commands:\n",
		GLOVED_VERSION);
	for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
		if (COMMANDS[i].help)
			fprintf(out, "  %-8s %s\n", COMMANDS[i].name, COMMANDS[i].help);
	fprintf(out, "\n'gloved <command> --help' describes a command.\n");
}

/* gloved help [<command>]: the command's own --help when one is named. */
static int cmd_help(int argc, char **argv)
{
	const struct command *c = argc > 1 ? command_find(argv[1]) : NULL;
	if (argc > 1 && (!c || !c->help)) {
		fprintf(stderr, "gloved: unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		return 2;
	}
	if (c && c->run != cmd_help && c->run != cmd_version) {
		char help[] = "--help";
		char *sub[] = {argv[1], help, NULL};
		return c->run(2, sub);
	}
	usage(stdout);
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("gloved %s\n", GLOVED_VERSION);
	return 0;
}

/* gloved routes: the route tables of src/http/ as JSON (the tenant matrix
 * test and docs/api.md read it). */
static int cmd_routes(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		int help = strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0;
		fprintf(help ? stdout : stderr,
			"usage: gloved routes\n\nPrints every HTTP route as JSON: method, path "
			"and the roles it admits.\n");
		return help ? 0 : 2;
	}
	return http_routes_json(stdout) == GLOVED_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const struct command *c = command_find(argv[1]);
	if (!c) {
		fprintf(stderr, "gloved: unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		return 2;
	}
	return c->run(argc - 1, argv + 1);
}
