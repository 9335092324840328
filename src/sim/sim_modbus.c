/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `gloved sim --transport modbus`: one Modbus TCP server (libmodbus, on
 * 127.0.0.1) per simulated machine, on ports base, base+1, ..., the way a
 * PLC or counter box on a knitting machine would answer gloved's poller.
 * Holding registers (0-based):
 *   0-1  good counter: 32-bit, big-endian words (0 = high word); a 16-bit
 *        machine uses register 0 only
 *   2-3  reject counter, same width and order
 *   4    state code: 0 off, 1 run, 2 idle, 3 stop, 4 fault, 5 setup
 * The registers follow the simulator's reports (sim_advance in real time,
 * scaled by --speed; a machine "reports" to its registers every
 * report_every_ms), and a server only starts listening once its machine has
 * a value. Everything runs on one thread with poll(): the servers, their
 * clients and a command channel on stdin (one command a line, each
 * answered with one JSON line on stdout):
 *   status          every machine's registers and what a poller could know
 *   pause | resume  freeze / continue the model (servers keep answering)
 *   stop I | start I    close / reopen machine I's server (same port)
 *   hang I | unhang I   machine I's server reads requests and never answers
 * "What a poller could know" (knowable_good/knowable_reject) is counted at
 * each answered read of the counter registers, from the previous answered
 * read: the pieces between them, where a counter reset in between makes
 * the pieces before it unknowable (a counter that fell is counted from 0, one
 * that climbed back above the previous read looks like production). A
 * poller that reads every answer it gets exactly must arrive at the same
 * totals, which is what tests/integration/modbus.test.mjs checks.
 */
#include "ingest/modbus_decode.h"
#include "sim/sim.h"

#include <errno.h>
#include <fcntl.h>
#include <modbus.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define REG_GOOD    0
#define REG_REJECT  2
#define REG_STATE   4
#define N_REGS      8
#define MAX_CLIENTS 4 /* per server */
#define MAX_WAIT_MS 100

typedef struct mserver {
	modbus_t *ctx;
	modbus_mapping_t *map;
	int listen_fd; /* -1 when not listening */
	int clients[MAX_CLIENTS];
	int port;
	int words; /* 1 for a 16-bit machine, else 2 */
	int bits;
	int has_value;                 /* the machine has reported once: the server may listen */
	int stopped;                   /* `stop I` */
	int hang;                      /* `hang I` or --hang-machine */
	uint64_t good, reject, resets; /* as in the registers, and resets behind them */
	/* what a poller could know, counted at each answered read */
	int read_once;
	uint64_t last_good, last_reject, last_resets;
	uint64_t knowable_good, knowable_reject, reads;
} mserver;

typedef struct msim {
	sim *s;
	mserver *srv;
	size_t n;
	const sim_machine_def *defs;
} msim;

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint16_t state_code(const char *st)
{
	static const char *const names[] = {"off", "run", "idle", "stop", "fault", "setup"};
	for (uint16_t i = 0; i < 6; i++)
		if (strcmp(st, names[i]) == 0)
			return i;
	return 3;
}

static int on_report(void *ctx, const sim_report *r)
{
	msim *m = ctx;
	if (r->index >= m->n)
		return 0;
	mserver *v = &m->srv[r->index];
	v->good = r->count;
	v->reject = r->reject;
	v->resets = sim_truth_resets(m->s, r->index);
	mbus_counter_words(r->count, v->words, MBUS_BIG, &v->map->tab_registers[REG_GOOD]);
	mbus_counter_words(r->reject, v->words, MBUS_BIG, &v->map->tab_registers[REG_REJECT]);
	v->map->tab_registers[REG_STATE] = state_code(r->state);
	v->has_value = 1;
	return 0;
}

/* Pieces between two reads of a counter, as far as they can be known. */
static uint64_t knowable(uint64_t prev, uint64_t cur, int reset, int bits)
{
	if (reset)
		return cur >= prev ? cur - prev : cur;
	uint64_t mask = bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
	return (cur - prev) & mask;
}

static void count_read(mserver *v)
{
	v->reads++;
	if (v->read_once) {
		int reset = v->resets != v->last_resets;
		v->knowable_good += knowable(v->last_good, v->good, reset, v->bits);
		v->knowable_reject += knowable(v->last_reject, v->reject, reset, v->bits);
	}
	v->read_once = 1;
	v->last_good = v->good;
	v->last_reject = v->reject;
	v->last_resets = v->resets;
}

static void close_client(mserver *v, int k)
{
	if (v->clients[k] >= 0)
		close(v->clients[k]);
	v->clients[k] = -1;
}

static void server_close(mserver *v)
{
	for (int k = 0; k < MAX_CLIENTS; k++)
		close_client(v, k);
	if (v->listen_fd >= 0)
		close(v->listen_fd);
	v->listen_fd = -1;
}

static void server_listen(mserver *v)
{
	if (v->listen_fd >= 0 || v->stopped || !v->has_value)
		return;
	v->listen_fd = modbus_tcp_listen(v->ctx, MAX_CLIENTS);
	if (v->listen_fd < 0)
		fprintf(stderr, "sim: cannot listen on 127.0.0.1:%d: %s\n", v->port,
			modbus_strerror(errno));
	else /* accept must not block when a pending connection went away */
		fcntl(v->listen_fd, F_SETFL, fcntl(v->listen_fd, F_GETFL) | O_NONBLOCK);
}

/* A request from client k of server v. Returns 1 when the client was
 * closed (the set of descriptors changed). */
static int serve_request(mserver *v, int k)
{
	uint8_t q[MODBUS_TCP_MAX_ADU_LENGTH];
	modbus_set_socket(v->ctx, v->clients[k]);
	int rc = modbus_receive(v->ctx, q);
	if (rc < 0) {
		close_client(v, k);
		return 1;
	}
	if (rc == 0 || v->hang)
		return 0; /* hanging: read the request, never answer */
	int hl = modbus_get_header_length(v->ctx);
	int fn = q[hl];
	int start = (q[hl + 1] << 8) | q[hl + 2];
	int count = (q[hl + 3] << 8) | q[hl + 4];
	if (modbus_reply(v->ctx, q, rc, v->map) < 0) {
		close_client(v, k);
		return 1;
	}
	if (fn == 0x03 && start <= REG_GOOD && start + count > REG_GOOD)
		count_read(v);
	return 0;
}

static void print_status(const msim *m)
{
	printf("{\"machines\":[");
	for (size_t i = 0; i < m->n; i++) {
		const mserver *v = &m->srv[i];
		printf("%s{\"index\":%zu,\"enterprise\":\"%s\",\"machine\":\"%s\",\"port\":%d,"
		       "\"bits\":%d,\"count\":%llu,\"reject\":%llu,\"state\":%u,\"resets\":%llu,"
		       "\"listening\":%s,\"hang\":%s,\"reads\":%llu,\"knowable_good\":%llu,"
		       "\"knowable_reject\":%llu}",
		       i ? "," : "", i, m->defs[i].enterprise, m->defs[i].code, v->port, v->bits,
		       (unsigned long long)v->good, (unsigned long long)v->reject,
		       (unsigned)v->map->tab_registers[REG_STATE], (unsigned long long)v->resets,
		       v->listen_fd >= 0 ? "true" : "false", v->hang ? "true" : "false",
		       (unsigned long long)v->reads, (unsigned long long)v->knowable_good,
		       (unsigned long long)v->knowable_reject);
	}
	printf("]}\n");
	fflush(stdout);
}

/* One command line; answers on stdout. */
static void command(msim *m, char *line, int *paused)
{
	char verb[16] = "";
	long idx = -1;
	char *end = NULL;
	size_t vl = strcspn(line, " \t");
	if (vl == 0 || vl >= sizeof verb) {
		printf("{\"error\":\"unknown command\"}\n");
		fflush(stdout);
		return;
	}
	memcpy(verb, line, vl);
	const char *arg = line + vl + strspn(line + vl, " \t");
	if (*arg)
		idx = strtol(arg, &end, 10);
	int needs_idx = strcmp(verb, "stop") == 0 || strcmp(verb, "start") == 0 ||
			strcmp(verb, "hang") == 0 || strcmp(verb, "unhang") == 0;
	if (needs_idx && (idx < 0 || (size_t)idx >= m->n || !end || *end)) {
		printf("{\"error\":\"%s needs a machine index 0..%zu\"}\n", verb, m->n - 1);
		fflush(stdout);
		return;
	}
	if (strcmp(verb, "status") == 0) {
		print_status(m);
		return;
	}
	if (strcmp(verb, "pause") == 0) {
		*paused = 1;
	} else if (strcmp(verb, "resume") == 0) {
		*paused = 0;
	} else if (strcmp(verb, "stop") == 0) {
		m->srv[idx].stopped = 1;
		server_close(&m->srv[idx]);
	} else if (strcmp(verb, "start") == 0) {
		m->srv[idx].stopped = 0;
		server_listen(&m->srv[idx]);
	} else if (strcmp(verb, "hang") == 0) {
		m->srv[idx].hang = 1;
	} else if (strcmp(verb, "unhang") == 0) {
		m->srv[idx].hang = 0;
	} else {
		printf("{\"error\":\"unknown command\"}\n");
		fflush(stdout);
		return;
	}
	printf("{\"ok\":\"%s\"}\n", verb);
	fflush(stdout);
}

int sim_modbus_run(const sim_options *opt, int base_port, long hang_index,
		   volatile sig_atomic_t *stop_flag)
{
	int ret = -1;
	msim m;
	memset(&m, 0, sizeof m);
	struct pollfd *pfd = NULL;
	int *owner = NULL; /* per pfd entry: server index * (MAX_CLIENTS + 1) + slot */
	double speed = opt->speed > 0.0 ? opt->speed : 1.0;
	int64_t simt = wall_ms();
	m.s = sim_open(opt, simt);
	if (!m.s) {
		fprintf(stderr, "sim: cannot build the cluster (bad options or out of memory)\n");
		goto out;
	}
	m.n = sim_machines(m.s, &m.defs);
	if (base_port < 1 || (size_t)base_port + m.n - 1 > 65535) {
		fprintf(stderr, "sim: ports %d..%zu do not fit\n", base_port, base_port + m.n - 1);
		goto out;
	}
	m.srv = calloc(m.n ? m.n : 1, sizeof *m.srv);
	pfd = calloc(m.n * (MAX_CLIENTS + 1) + 1, sizeof *pfd);
	owner = calloc(m.n * (MAX_CLIENTS + 1) + 1, sizeof *owner);
	if (!m.srv || !pfd || !owner)
		goto out;
	for (size_t i = 0; i < m.n; i++) {
		mserver *v = &m.srv[i];
		v->listen_fd = -1;
		for (int k = 0; k < MAX_CLIENTS; k++)
			v->clients[k] = -1;
		v->port = base_port + (int)i;
		v->bits = m.defs[i].counter_bits;
		v->words = v->bits <= 16 ? 1 : 2;
		v->hang = (long)i == hang_index;
		v->ctx = modbus_new_tcp("127.0.0.1", v->port);
		v->map = modbus_mapping_new(0, 0, N_REGS, 0);
		if (!v->ctx || !v->map) {
			fprintf(stderr, "sim: cannot set up machine %zu's server\n", i);
			goto out;
		}
	}
	fprintf(stderr, "sim: %zu Modbus TCP servers on 127.0.0.1:%d..%zu, speed %g\n", m.n,
		base_port, base_port + m.n - 1, speed);
	int paused = 0, stdin_open = 1;
	char line[256];
	size_t line_len = 0;
	int64_t last_wall = wall_ms();
	while (!*stop_flag) {
		int64_t now = wall_ms();
		if (!paused)
			simt += (int64_t)((double)(now - last_wall) * speed);
		last_wall = now;
		sim_advance(m.s, simt, on_report, &m);
		size_t np = 0;
		for (size_t i = 0; i < m.n; i++) {
			mserver *v = &m.srv[i];
			server_listen(v);
			int slot0 = (int)i * (MAX_CLIENTS + 1);
			if (v->listen_fd >= 0) {
				owner[np] = slot0 + MAX_CLIENTS;
				pfd[np++] = (struct pollfd){v->listen_fd, POLLIN, 0};
			}
			for (int k = 0; k < MAX_CLIENTS; k++) {
				if (v->clients[k] >= 0) {
					owner[np] = slot0 + k;
					pfd[np++] = (struct pollfd){v->clients[k], POLLIN, 0};
				}
			}
		}
		size_t stdin_at = np;
		if (stdin_open)
			pfd[np++] = (struct pollfd){0, POLLIN, 0};
		int wait = MAX_WAIT_MS;
		if (!paused) {
			double w = (double)(sim_next_report_ms(m.s) - simt) / speed;
			wait = w <= 0.0 ? 0 : w >= MAX_WAIT_MS ? MAX_WAIT_MS : (int)w;
		}
		int rc = poll(pfd, (nfds_t)np, wait);
		if (rc < 0 && errno != EINTR) {
			fprintf(stderr, "sim: poll: %s\n", strerror(errno));
			goto out;
		}
		if (rc <= 0)
			continue;
		int commands = 0;
		if (stdin_open && pfd[stdin_at].revents) {
			ssize_t got = read(0, line + line_len, sizeof line - 1 - line_len);
			if (got <= 0) {
				stdin_open = 0;
			} else {
				line_len += (size_t)got;
				char *nl;
				while ((nl = memchr(line, '\n', line_len))) {
					*nl = '\0';
					if (nl > line && nl[-1] == '\r')
						nl[-1] = '\0';
					command(&m, line, &paused);
					commands++;
					size_t used = (size_t)(nl - line) + 1;
					memmove(line, nl + 1, line_len - used);
					line_len -= used;
				}
				if (line_len == sizeof line - 1)
					line_len = 0; /* an overlong line: drop it */
			}
		}
		/* A command may have closed or opened descriptors, and so may an
		 * accept or a close below: then the rest of this round's events may
		 * name stale descriptors, so they wait for the next poll. */
		if (commands)
			continue;
		for (size_t j = 0; j < stdin_at; j++) {
			if (!pfd[j].revents)
				continue;
			mserver *v = &m.srv[owner[j] / (MAX_CLIENTS + 1)];
			int k = owner[j] % (MAX_CLIENTS + 1);
			if (k == MAX_CLIENTS) {
				int c = accept(v->listen_fd, NULL, NULL);
				if (c >= 0) {
					k = 0;
					while (k < MAX_CLIENTS && v->clients[k] >= 0)
						k++;
					if (k == MAX_CLIENTS)
						close(c);
					else
						v->clients[k] = c;
				}
				break;
			}
			if (serve_request(v, k))
				break;
		}
	}
	ret = 0;
out:
	for (size_t i = 0; m.srv && i < m.n; i++) {
		server_close(&m.srv[i]);
		if (m.srv[i].map)
			modbus_mapping_free(m.srv[i].map);
		if (m.srv[i].ctx)
			modbus_free(m.srv[i].ctx);
	}
	free(m.srv);
	free(pfd);
	free(owner);
	sim_close(m.s);
	return ret;
}

int sim_modbus_print_devices(const sim_options *opt, int base_port, int json)
{
	sim *s = sim_open(opt, 0);
	if (!s)
		return -1;
	const sim_machine_def *d;
	size_t n = sim_machines(s, &d);
	if (json)
		printf("{\"devices\":[");
	for (size_t i = 0; i < n; i++) {
		int words = d[i].counter_bits <= 16 ? 1 : 2;
		int port = base_port + (int)i;
		if (json)
			printf(
			    "%s\n{\"enterprise\":\"%s\",\"machine\":\"%s\",\"host\":\"127.0.0.1\","
			    "\"port\":%d,\"unit\":1,\"counter_reg\":%d,\"counter_words\":%d,"
			    "\"word_order\":\"big\",\"reject_reg\":%d,\"state_reg\":%d,"
			    "\"state_map\":\"0:off,1:run,2:idle,3:stop,4:fault,5:setup\"}",
			    i ? "," : "", d[i].enterprise, d[i].code, port, REG_GOOD, words,
			    REG_REJECT, REG_STATE);
		else
			printf(
			    "gloved admin modbus add --enterprise %s --machine %s --host 127.0.0.1 "
			    "--port %d --unit 1 --counter-reg %d --counter-words %d --word-order "
			    "big --reject-reg %d --state-reg %d --poll-ms 1000 --timeout-ms 1000\n",
			    d[i].enterprise, d[i].code, port, REG_GOOD, words, REG_REJECT,
			    REG_STATE);
	}
	if (json)
		printf("\n]}\n");
	sim_close(s);
	return fflush(stdout) == 0 ? 0 : -1;
}
