/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulator's HTTP transport: each firm's gateway POSTs its reports to
 * /api/v1/reports with its gateway token, the way an HTTP gateway box
 * would. Plain blocking sockets and one keep-alive HTTP/1.1 connection;
 * reports are collected per firm as NDJSON and sent in batches (at most
 * BATCH_MAX reports, and at the end of every step of simulated time). The
 * daemon answers a batch only once it is on disk, so a 200 means delivered;
 * a failed batch is sent again until it is taken (the reports of a batch
 * are all-or-nothing, so a repeat can never count twice). It is a transport
 * of sim_drive() (sim_fault.h), so every fault mode applies.
 */
#include "sim/sim_fault.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define BATCH_MAX     500
#define MAX_RESPONSE  65536
#define RETRY_MIN_MS  100
#define RETRY_MAX_MS  2000
#define IO_TIMEOUT_S  60
#define MAX_HOST      256
#define LINE_MAX_SIZE 512

typedef struct batch {
	char firm[33];
	const char *token;
	char *buf;
	size_t len, cap;
	size_t n;
} batch;

typedef struct hclient {
	char host[MAX_HOST];
	char port[8];
	int fd;
	volatile int *stop;
	batch *b;
	size_t n_b;
	uint64_t posts, retries, sent;
	int failed; /* a 4xx: the run ends */
} hclient;

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* "http://host:port[/]" -> host, port. */
static int parse_url(const char *url, hclient *c)
{
	const char *p = url;
	if (strncmp(p, "http://", 7) != 0)
		return -1;
	p += 7;
	const char *end = p + strcspn(p, "/");
	const char *colon = memchr(p, ':', (size_t)(end - p));
	const char *hend = colon ? colon : end;
	size_t hl = (size_t)(hend - p);
	if (hl == 0 || hl >= sizeof(c->host))
		return -1;
	memcpy(c->host, p, hl);
	c->host[hl] = '\0';
	size_t pl = colon ? (size_t)(end - colon - 1) : 2;
	if (pl == 0 || pl >= sizeof(c->port))
		return -1;
	memcpy(c->port, colon ? colon + 1 : "80", pl);
	c->port[pl] = '\0';
	return strspn(c->port, "0123456789") == pl && (*end == '\0' || strcmp(end, "/") == 0) ? 0
											      : -1;
}

static void disconnect(hclient *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int connect_to(hclient *c)
{
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(c->host, c->port, &hints, &res) != 0)
		return -1;
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
		if (fd < 0)
			continue;
		struct timeval tv = {IO_TIMEOUT_S, 0};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
			c->fd = fd;
			break;
		}
		close(fd);
	}
	freeaddrinfo(res);
	return c->fd >= 0 ? 0 : -1;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Finds a header's value (case-insensitive name) in the head; NULL if none. */
static const char *header(const char *head, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = strstr(head, "\r\n"); p; p = strstr(p + 2, "\r\n"))
		if (strncasecmp(p + 2, name, nl) == 0 && p[2 + nl] == ':')
			return p + 3 + nl;
	return NULL;
}

/* One POST of body with token. Returns the status (200..599), or -1 when
 * the connection failed (the caller retries on a new one). body_out gets the
 * start of the answer's body for messages. */
static int post(hclient *c, const batch *b, char *body_out, size_t body_cap)
{
	char head[1024];
	char resp[MAX_RESPONSE + 1];
	size_t got = 0;

	if (c->fd < 0 && connect_to(c) != 0)
		return -1;
	int hn = snprintf(head, sizeof(head),
			  "POST /api/v1/reports HTTP/1.1\r\nHost: %s:%s\r\n"
			  "Authorization: Bearer %s\r\nContent-Type: application/x-ndjson\r\n"
			  "Content-Length: %zu\r\nConnection: keep-alive\r\n\r\n",
			  c->host, c->port, b->token, b->len);
	if (hn < 0 || (size_t)hn >= sizeof(head))
		return -1;
	if (send_all(c->fd, head, (size_t)hn) || send_all(c->fd, b->buf, b->len))
		goto broken;
	char *eoh = NULL;
	while (!eoh) {
		if (got == MAX_RESPONSE)
			goto broken;
		ssize_t r = recv(c->fd, resp + got, MAX_RESPONSE - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto broken;
		got += (size_t)r;
		resp[got] = '\0';
		eoh = strstr(resp, "\r\n\r\n");
	}
	int status = 0;
	if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1 || status < 100 || status > 599)
		goto broken;
	*eoh = '\0';
	const char *cl = header(resp, "Content-Length");
	char *endp = NULL;
	unsigned long long want = cl ? strtoull(cl, &endp, 10) : 0;
	size_t have = got - (size_t)(eoh + 4 - resp);
	if (!cl || want > MAX_RESPONSE - (size_t)(eoh + 4 - resp))
		goto broken;
	while (have < want) {
		ssize_t r = recv(c->fd, resp + got, MAX_RESPONSE - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto broken;
		got += (size_t)r;
		have += (size_t)r;
	}
	resp[got] = '\0';
	snprintf(body_out, body_cap, "%.*s", (int)want, eoh + 4);
	const char *conn = header(resp, "Connection");
	if (conn && strstr(conn, "close"))
		disconnect(c);
	return status;
broken:
	disconnect(c);
	return -1;
}

/* Sends b until the daemon takes it. 0, 1 to stop (asked, or refused). */
static int flush_batch(hclient *c, batch *b)
{
	char msg[512];
	int wait = RETRY_MIN_MS;
	if (b->n == 0)
		return 0;
	for (;;) {
		int st = post(c, b, msg, sizeof(msg));
		c->posts++;
		if (st == 200)
			break;
		if (st >= 400 && st < 500 && st != 429 && st != 408) {
			fprintf(stderr, "sim: POST /api/v1/reports for %s refused (%d): %s\n",
				b->firm, st, msg);
			c->failed = 1;
			return 1;
		}
		if (*c->stop)
			return 1;
		if (c->retries++ == 0 || wait >= RETRY_MAX_MS)
			fprintf(stderr, "sim: POST for %s failed (%s), retrying\n", b->firm,
				st < 0 ? "no connection" : "server error");
		sleep_ms(wait);
		wait = wait * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : wait * 2;
	}
	c->sent += b->n;
	b->len = 0;
	b->n = 0;
	return 0;
}

static batch *batch_of(hclient *c, const char *firm)
{
	for (size_t i = 0; i < c->n_b; i++)
		if (strcmp(c->b[i].firm, firm) == 0)
			return &c->b[i];
	return NULL;
}

static int http_deliver(void *ctx, const sim_report *r)
{
	hclient *c = ctx;
	char line[LINE_MAX_SIZE];
	char json[LINE_MAX_SIZE - 64];
	if (*c->stop)
		return 1;
	batch *b = batch_of(c, r->enterprise);
	if (!b)
		return -1; /* a firm without a token: its reports never leave */
	int jn = sim_report_json(r, json, sizeof(json));
	if (jn < 2)
		return -1;
	/* machine codes are the simulator's own: nothing to escape */
	int n = snprintf(line, sizeof(line), "{\"machine\":\"%s\",%s\n", r->machine, json + 1);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	if (b->len + (size_t)n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 65536;
		while (cap < b->len + (size_t)n)
			cap *= 2;
		char *p = realloc(b->buf, cap);
		if (!p)
			return 1;
		b->buf = p;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, line, (size_t)n);
	b->len += (size_t)n;
	b->n++;
	if (b->n >= BATCH_MAX)
		return flush_batch(c, b);
	return 0;
}

static int http_step(void *ctx)
{
	hclient *c = ctx;
	for (size_t i = 0; i < c->n_b; i++)
		if (flush_batch(c, &c->b[i]))
			return 1;
	return 0;
}

static int http_drain(void *ctx)
{
	hclient *c = ctx;
	return http_step(ctx) != 0 || c->failed;
}

/* Reads "ENT TOKEN" (or ENT=TOKEN) lines into c's batches. */
static int load_tokens(hclient *c, const char *path)
{
	char line[512];
	size_t cap = 0;
	FILE *in = fopen(path, "r");
	if (!in) {
		fprintf(stderr, "sim: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), in)) {
		char *firm = line + strspn(line, " \t");
		if (*firm == '#' || *firm == '\n' || *firm == '\0')
			continue;
		size_t fl = strcspn(firm, " \t=");
		char *tok = firm + fl;
		tok += strspn(tok, " \t=");
		size_t tl = strcspn(tok, " \t\r\n");
		if (fl == 0 || fl > 32 || tl == 0) {
			fprintf(stderr, "sim: %s: expected lines 'ENTERPRISE TOKEN'\n", path);
			fclose(in);
			return -1;
		}
		if (c->n_b == cap) {
			cap = cap ? cap * 2 : 8;
			batch *b = realloc(c->b, cap * sizeof(*b));
			if (!b) {
				fclose(in);
				return -1;
			}
			c->b = b;
		}
		batch *b = &c->b[c->n_b++];
		memset(b, 0, sizeof(*b));
		memcpy(b->firm, firm, fl);
		b->token = strndup(tok, tl);
		if (!b->token) {
			fclose(in);
			return -1;
		}
	}
	fclose(in);
	return 0;
}

int sim_http_run(const sim_options *opt, const char *url, const char *tokens_path,
		 int64_t backfill_from_ms, const sim_run_opts *ro, volatile int *stop)
{
	int ret = -1;
	hclient c;
	memset(&c, 0, sizeof(c));
	c.fd = -1;
	c.stop = stop;
	if (!url || parse_url(url, &c) != 0) {
		fprintf(stderr, "sim: bad URL '%s' (http://host:port)\n", url ? url : "");
		return -1;
	}
	if (!tokens_path) {
		fprintf(stderr, "sim: the HTTP transport needs --http-tokens FILE ('ENTERPRISE "
				"TOKEN' lines)\n");
		goto out;
	}
	if (load_tokens(&c, tokens_path) != 0)
		goto out;
	sim_transport tp = {&c, http_deliver, NULL, http_step, NULL, http_drain};
	ret = sim_drive(opt, backfill_from_ms, ro, &tp, stop);
	if (c.failed)
		ret = -1;
	fprintf(stderr, "sim: %llu reports posted in %llu requests (%llu retried)\n",
		(unsigned long long)c.sent, (unsigned long long)c.posts,
		(unsigned long long)c.retries);
out:
	disconnect(&c);
	for (size_t i = 0; i < c.n_b; i++) {
		free(c.b[i].buf);
		free((char *)c.b[i].token);
	}
	free(c.b);
	return ret;
}
