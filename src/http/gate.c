/* SPDX-License-Identifier: Apache-2.0 */
/* gate.c: the HTTP server's front door.
 *
 * libmicrohttpd serves each connection with a thread of its own (the
 * handlers block on the writer's group commit and SSE streams wait for the
 * next change, which a thread per connection makes simple). Left to itself
 * it also gives a thread to a connection that has sent nothing yet, or a
 * header line every few seconds, for as long as its idle timeout lets it:
 * 612 such sockets starved /healthz. So gloved owns the listening socket:
 * a new connection waits here, in one epoll thread and a slot of a few
 * dozen bytes, until its first request head is complete (looked at with
 * MSG_PEEK, so libmicrohttpd later reads every byte itself), then is
 * handed over with MHD_add_connection. While it waits:
 *  - it has header_timeout from its accept for the whole head (a slowloris
 *    sending a line every 5 s gets 408 after 10 s, not a thread forever);
 *  - at most `pending` connections wait; a new one closes the oldest
 *    waiting one, so a flood of idle sockets cannot keep a real client out;
 *  - a head libmicrohttpd would refuse with its own HTML page (a malformed
 *    request line or header, an unknown HTTP version, a missing Host, an
 *    unsupported transfer coding, a head over GATE_HEAD_MAX) is refused
 *    here with the JSON error body every other error has.
 * When it is handed over, the served connections are counted (gate_notify)
 * in all and per client address: beyond [http] connections or
 * connections_per_address the answer is a JSON 503 or 429. */
/* accept4 */
#define _GNU_SOURCE
#include "http/gate.h"
#include "util/log.h"
#include "util/ltime.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

/* ---- the request head ---- */

static int is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_vchar(unsigned char c)
{
	return c > 0x20 && c != 0x7f;
}

static gate_verdict refuse(gate_refusal *why, unsigned status, const char *code, const char *fmt,
			   ...) __attribute__((format(printf, 4, 5)));

static gate_verdict refuse(gate_refusal *why, unsigned status, const char *code, const char *fmt,
			   ...)
{
	why->status = status;
	why->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why->message, sizeof why->message, fmt, ap);
	va_end(ap);
	return GATE_REFUSE;
}

/* The request line p..e (without its line end, or what has arrived of it
 * when !complete): GATE_OK (a sound line, or a sound beginning of one),
 * else a refusal. *minor is the HTTP/1.x minor version of a complete line. */
static gate_verdict request_line(const unsigned char *p, const unsigned char *e, int complete,
				 int *minor, gate_refusal *why)
{
	const unsigned char *q = p;
	while (q < e && is_tchar(*q))
		q++;
	if (q == e)
		return complete ? refuse(why, 400, "bad_request", "request line has no target")
				: GATE_OK;
	if (*q != ' ' || q == p)
		return refuse(why, 400, "bad_request", "request line must start with a method");
	const unsigned char *t = ++q;
	while (q < e && is_vchar(*q))
		q++;
	if (q == e)
		return complete
			   ? refuse(why, 400, "bad_request", "request line has no HTTP version")
			   : GATE_OK;
	if (*q != ' ' || q == t)
		return refuse(why, 400, "bad_request",
			      "request target must be one word of visible "
			      "ASCII characters");
	q++;
	static const char proto[] = "HTTP/";
	size_t have = (size_t)(e - q);
	if (memcmp(q, proto, have < 5 ? have : 5) != 0)
		return refuse(why, 400, "bad_request", "request line must end with HTTP/1.1");
	if (!complete)
		return have <= 8
			   ? GATE_OK
			   : refuse(why, 400, "bad_request", "request line must end with HTTP/1.1");
	if (have != 8 || q[5] < '0' || q[5] > '9' || q[6] != '.' || q[7] < '0' || q[7] > '9')
		return refuse(why, 400, "bad_request", "request line must end with HTTP/1.1");
	if (q[5] != '1' || (q[7] != '0' && q[7] != '1'))
		return refuse(why, 505, "bad_request", "HTTP/%c.%c is not supported; use HTTP/1.1",
			      q[5], q[7]);
	*minor = q[7] - '0';
	return GATE_OK;
}

static int name_is(const unsigned char *p, size_t n, const char *name)
{
	if (strlen(name) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c != (unsigned char)name[i])
			return 0;
	}
	return 1;
}

/* One line ends at '\n'; a '\r' just before it belongs to the line end. */
static const unsigned char *line_end(const unsigned char *p, const unsigned char *e)
{
	const unsigned char *nl = memchr(p, '\n', (size_t)(e - p));
	return nl;
}

gate_verdict gate_head_check(const char *data, size_t n, gate_refusal *why)
{
	const unsigned char *p = (const unsigned char *)data, *e = p + n;
	/* RFC 9112 2.2: empty lines before the request line are ignored */
	while (p < e && (*p == '\r' || *p == '\n'))
		p++;
	const unsigned char *nl = line_end(p, e);
	int minor = 0;
	const unsigned char *le = nl ? (nl > p && nl[-1] == '\r' ? nl - 1 : nl) : e;
	if (request_line(p, le, nl != NULL, &minor, why) != GATE_OK)
		return GATE_REFUSE;
	if (!nl)
		return n >= GATE_HEAD_MAX ? refuse(why, 431, "too_large",
						   "request line over %d bytes", GATE_HEAD_MAX)
					  : GATE_MORE;
	/* the header fields, up to the empty line */
	int fields = 0, hosts = 0, lengths = 0, chunked = 0;
	for (p = nl + 1;;) {
		nl = line_end(p, e);
		if (!nl)
			return n >= GATE_HEAD_MAX
				   ? refuse(why, 431, "too_large", "request head over %d bytes",
					    GATE_HEAD_MAX)
				   : GATE_MORE;
		le = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		if (le == p)
			break; /* the empty line: the head is complete */
		if (++fields > GATE_FIELDS_MAX)
			return refuse(why, 431, "too_large", "more than %d header fields",
				      GATE_FIELDS_MAX);
		if (*p == ' ' || *p == '\t')
			return refuse(why, 400, "bad_request",
				      "header line folding (a line starting with a space) is not "
				      "allowed");
		const unsigned char *c = p;
		while (c < le && is_tchar(*c))
			c++;
		if (c == p || c == le || *c != ':')
			return refuse(why, 400, "bad_request",
				      "header line %d is not 'name: value'", fields);
		size_t nlen = (size_t)(c - p);
		const unsigned char *v = c + 1;
		for (const unsigned char *x = v; x < le; x++)
			if ((*x < 0x20 && *x != '\t') || *x == 0x7f)
				return refuse(why, 400, "bad_request",
					      "header '%.*s' holds a control character",
					      (int)(nlen < 64 ? nlen : 64), (const char *)p);
		while (v < le && (*v == ' ' || *v == '\t'))
			v++;
		const unsigned char *ve = le;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (name_is(p, nlen, "host")) {
			hosts++;
		} else if (name_is(p, nlen, "content-length")) {
			size_t d = 0;
			while (v + d < ve && v[d] >= '0' && v[d] <= '9')
				d++;
			if (d == 0 || v + d != ve || d > 18)
				return refuse(why, 400, "bad_request",
					      "Content-Length must be a number of bytes");
			lengths++;
		} else if (name_is(p, nlen, "transfer-encoding")) {
			if (!name_is(v, (size_t)(ve - v), "chunked"))
				return refuse(why, 501, "bad_request",
					      "Transfer-Encoding: only chunked is supported");
			chunked++;
		}
		p = nl + 1;
	}
	if (minor == 1 && hosts != 1)
		return refuse(why, 400, "bad_request",
			      hosts ? "more than one Host header" : "HTTP/1.1 needs a Host header");
	if (lengths > 1)
		return refuse(why, 400, "bad_request", "more than one Content-Length header");
	if (chunked && (lengths || minor == 0 || chunked > 1))
		return refuse(why, 400, "bad_request",
			      "Transfer-Encoding: chunked must be alone, once, and in HTTP/1.1");
	return GATE_OK;
}

/* ---- the gate ---- */

#define EV_LISTEN    0
#define EV_WAKE      1
#define EV_SLOT0     2
#define DRAIN_MS     2000
#define ADDR_KEY_LEN 16

typedef struct slot {
	int fd;      /* -1: free */
	int closing; /* answered (refused): read and dropped until the peer closes */
	int64_t t0_ms, deadline_ms;
	struct sockaddr_storage addr;
	socklen_t alen;
} slot;

typedef struct addr_count {
	uint8_t key[ADDR_KEY_LEN];
	int64_t n;
} addr_count;

struct gate {
	int lfd, ep, wake, port;
	struct MHD_Daemon *d;
	gate_limits lim;
	slot *s;
	int *freel;
	int cap, nfree;
	int listen_off;
	int64_t listen_back_ms;
	pthread_t th;
	atomic_int stop;
	/* the connections being served, counted by gate_notify */
	pthread_mutex_t mu;
	addr_count *ac;
	int64_t ac_cap, served;
	char head[GATE_HEAD_MAX];
};

static void addr_key(const struct sockaddr *a, uint8_t key[ADDR_KEY_LEN])
{
	memset(key, 0, ADDR_KEY_LEN);
	if (a && a->sa_family == AF_INET) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &((const struct sockaddr_in *)a)->sin_addr, 4);
	} else if (a && a->sa_family == AF_INET6) {
		memcpy(key, &((const struct sockaddr_in6 *)a)->sin6_addr, 16);
	}
}

/* The served count of key: its entry, a free one when add, else NULL. */
static addr_count *addr_find(gate *g, const uint8_t *key, int add)
{
	addr_count *fr = NULL;
	for (int64_t i = 0; i < g->ac_cap; i++) {
		if (g->ac[i].n > 0 && memcmp(g->ac[i].key, key, ADDR_KEY_LEN) == 0)
			return &g->ac[i];
		if (!fr && g->ac[i].n == 0)
			fr = &g->ac[i];
	}
	if (add && fr)
		memcpy(fr->key, key, ADDR_KEY_LEN);
	return add ? fr : NULL;
}

void gate_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		 enum MHD_ConnectionNotificationCode toe)
{
	(void)socket_context;
	gate *g = *(gate **)cls;
	if (!g)
		return;
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	uint8_t key[ADDR_KEY_LEN];
	addr_key(ci ? ci->client_addr : NULL, key);
	pthread_mutex_lock(&g->mu);
	addr_count *a = addr_find(g, key, toe == MHD_CONNECTION_NOTIFY_STARTED);
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		g->served++;
		if (a)
			a->n++;
	} else {
		g->served--;
		if (a)
			a->n--;
	}
	pthread_mutex_unlock(&g->mu);
}

static const char *reason(unsigned status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 408:
		return "Request Timeout";
	case 429:
		return "Too Many Requests";
	case 431:
		return "Request Header Fields Too Large";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	default:
		return "HTTP Version Not Supported";
	}
}

static void slot_free(gate *g, int i, int close_fd)
{
	slot *s = &g->s[i];
	if (s->fd < 0)
		return;
	if (close_fd) {
		epoll_ctl(g->ep, EPOLL_CTL_DEL, s->fd, NULL);
		close(s->fd);
	}
	s->fd = -1;
	g->freel[g->nfree++] = i;
}

/* Reads and drops what the peer has sent: 1 when it has closed. */
static int drain(int fd)
{
	char sink[4096];
	for (int k = 0; k < 64; k++) {
		ssize_t r = recv(fd, sink, sizeof sink, MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			return 1;
		if (r < 0)
			return 0;
	}
	return 0;
}

/* Answers slot i with the JSON error and closes its sending side; the slot
 * then reads until the peer closes (or DRAIN_MS), so the answer is not
 * lost to a reset for unread bytes. */
static void slot_refuse(gate *g, int i, const gate_refusal *why, int64_t now)
{
	slot *s = &g->s[i];
	char body[320], msg[sizeof why->message];
	size_t m = 0;
	for (const char *c = why->message; *c && m + 1 < sizeof msg; c++)
		msg[m++] = (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20 ||
			    (unsigned char)*c >= 0x7f)
			       ? '?'
			       : *c;
	msg[m] = '\0';
	int bl = snprintf(body, sizeof body, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}",
			  why->code, msg);
	char out[640];
	int ol = snprintf(out, sizeof out,
			  "HTTP/1.1 %u %s\r\nContent-Type: application/json; charset=utf-8\r\n"
			  "Content-Length: %d\r\nConnection: close\r\nCache-Control: no-store\r\n"
			  "X-Content-Type-Options: nosniff\r\n\r\n%s",
			  why->status, reason(why->status), bl, body);
	drain(s->fd);
	if (ol > 0 && (size_t)ol < sizeof out) {
		ssize_t w = send(s->fd, out, (size_t)ol, MSG_NOSIGNAL | MSG_DONTWAIT);
		(void)w; /* a small answer on an empty socket; a peer that cannot take
			  * it loses it */
	}
	shutdown(s->fd, SHUT_WR);
	s->closing = 1;
	s->deadline_ms = now + DRAIN_MS;
}

/* Slot i has a sound head: hand it to libmicrohttpd, or refuse when the
 * served connections are at their limits. */
static void slot_handoff(gate *g, int i, int64_t now)
{
	slot *s = &g->s[i];
	uint8_t key[ADDR_KEY_LEN];
	addr_key((const struct sockaddr *)&s->addr, key);
	pthread_mutex_lock(&g->mu);
	int64_t served = g->served;
	addr_count *a = addr_find(g, key, 0);
	int64_t mine = a ? a->n : 0;
	pthread_mutex_unlock(&g->mu);
	gate_refusal why = {0};
	if (served >= g->lim.served) {
		refuse(&why, 503, "unavailable",
		       "the server is serving its %lld connections at most; try again",
		       (long long)g->lim.served);
		slot_refuse(g, i, &why, now);
		return;
	}
	if (g->lim.per_address && mine >= g->lim.per_address) {
		refuse(&why, 429, "rate_limited", "more than %lld connections from your address",
		       (long long)g->lim.per_address);
		slot_refuse(g, i, &why, now);
		return;
	}
	epoll_ctl(g->ep, EPOLL_CTL_DEL, s->fd, NULL);
	int fd = s->fd;
	struct sockaddr_storage ss = s->addr;
	socklen_t sl = s->alen;
	slot_free(g, i, 0);
	/* MHD owns (and on failure closes) the socket from here */
	if (MHD_add_connection(g->d, fd, (const struct sockaddr *)&ss, sl) != MHD_YES)
		log_debug("http: a connection was not taken (errno %d)", errno);
}

static void slot_event(gate *g, int i, uint32_t events, int64_t now)
{
	slot *s = &g->s[i];
	if (s->fd < 0)
		return;
	if (s->closing) {
		if (drain(s->fd) || (events & (EPOLLHUP | EPOLLERR)))
			slot_free(g, i, 1);
		return;
	}
	ssize_t n = recv(s->fd, g->head, sizeof g->head, MSG_PEEK | MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		slot_free(g, i, 1);
		return;
	}
	if (n < 0)
		return;
	gate_refusal why = {0};
	gate_verdict v = gate_head_check(g->head, (size_t)n, &why);
	if (v == GATE_OK)
		slot_handoff(g, i, now);
	else if (v == GATE_REFUSE)
		slot_refuse(g, i, &why, now);
	else if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		slot_free(g, i, 1); /* closed before its head was complete */
}

/* Closes the waiting connection accepted first (an answered one before
 * any); 0, or -1 when none waits. */
static int evict_oldest(gate *g)
{
	int best = -1;
	for (int i = 0; i < g->cap; i++) {
		if (g->s[i].fd < 0)
			continue;
		if (best < 0 || g->s[i].closing > g->s[best].closing ||
		    (g->s[i].closing == g->s[best].closing && g->s[i].t0_ms < g->s[best].t0_ms))
			best = i;
	}
	if (best < 0)
		return -1;
	slot_free(g, best, 1);
	return 0;
}

static void listen_pause(gate *g, int64_t now)
{
	if (!g->listen_off)
		epoll_ctl(g->ep, EPOLL_CTL_DEL, g->lfd, NULL);
	g->listen_off = 1;
	g->listen_back_ms = now + 100;
}

static void accept_all(gate *g, int64_t now)
{
	for (int k = 0; k < 256; k++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		int fd = accept4(g->lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				/* out of descriptors: the oldest waiting one makes room */
				if (evict_oldest(g) == 0)
					continue;
				listen_pause(g, now);
			}
			return;
		}
		if (g->nfree == 0)
			evict_oldest(g);
		int i = g->freel[--g->nfree];
		slot *s = &g->s[i];
		s->fd = fd;
		s->closing = 0;
		s->t0_ms = now;
		s->deadline_ms = now + g->lim.header_timeout_ms;
		memcpy(&s->addr, &ss, sizeof ss);
		s->alen = sl;
		struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET,
					 .data.u64 = (uint64_t)i + EV_SLOT0};
		if (epoll_ctl(g->ep, EPOLL_CTL_ADD, fd, &ev) != 0)
			slot_free(g, i, 1);
	}
}

static void sweep(gate *g, int64_t now)
{
	for (int i = 0; i < g->cap; i++) {
		slot *s = &g->s[i];
		if (s->fd < 0 || now < s->deadline_ms)
			continue;
		if (s->closing) {
			slot_free(g, i, 1);
			continue;
		}
		gate_refusal why = {0};
		refuse(&why, 408, "timeout", "the request head did not arrive within %lld s",
		       (long long)(g->lim.header_timeout_ms / 1000));
		slot_refuse(g, i, &why, now);
	}
}

static void *gate_main(void *arg)
{
	gate *g = arg;
	int64_t next_sweep = 0;
	while (!atomic_load(&g->stop)) {
		struct epoll_event ev[64];
		int n = epoll_wait(g->ep, ev, 64, 100);
		int64_t now = ltime_mono_ms();
		for (int k = 0; k < n; k++) {
			uint64_t id = ev[k].data.u64;
			if (id == EV_LISTEN) {
				accept_all(g, now);
			} else if (id == EV_WAKE) {
				uint64_t x;
				ssize_t r = read(g->wake, &x, sizeof x);
				(void)r;
			} else {
				slot_event(g, (int)(id - EV_SLOT0), ev[k].events, now);
			}
		}
		if (g->listen_off && now >= g->listen_back_ms) {
			struct epoll_event le = {.events = EPOLLIN, .data.u64 = EV_LISTEN};
			if (epoll_ctl(g->ep, EPOLL_CTL_ADD, g->lfd, &le) == 0)
				g->listen_off = 0;
			else
				g->listen_back_ms = now + 100;
		}
		if (now >= next_sweep) {
			sweep(g, now);
			next_sweep = now + 100;
		}
	}
	return NULL;
}

/* The open-file limit raised to its hard limit; the soft limit after. */
static int64_t raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t want = rl.rlim_max == RLIM_INFINITY ? 1048576 : rl.rlim_max;
		struct rlimit up = {.rlim_cur = want, .rlim_max = rl.rlim_max};
		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl.rlim_cur = want;
	}
	return rl.rlim_cur == RLIM_INFINITY ? 1048576 : (int64_t)rl.rlim_cur;
}

static void gate_close(gate *g)
{
	if (g->s)
		for (int i = 0; i < g->cap; i++)
			if (g->s[i].fd >= 0) {
				close(g->s[i].fd);
				g->s[i].fd = -1;
			}
	if (g->lfd >= 0)
		close(g->lfd);
	if (g->ep >= 0)
		close(g->ep);
	if (g->wake >= 0)
		close(g->wake);
	g->lfd = g->ep = g->wake = -1;
}

void gate_destroy(gate *g)
{
	if (!g)
		return;
	gate_close(g);
	pthread_mutex_destroy(&g->mu);
	free(g->s);
	free(g->freel);
	free(g->ac);
	free(g);
}

int gate_start(const struct sockaddr *addr, socklen_t alen, struct MHD_Daemon *d,
	       const gate_limits *lim, gate **out)
{
	*out = NULL;
	gate *g = calloc(1, sizeof *g);
	if (!g)
		return -1;
	g->lfd = g->ep = g->wake = -1;
	pthread_mutex_init(&g->mu, NULL);
	g->d = d;
	g->lim = *lim;
	/* the waiting connections never take the descriptors the served ones,
	 * the database and the broker need */
	int64_t fds = raise_nofile() - lim->served - 64;
	int64_t cap = lim->pending < fds ? lim->pending : fds;
	g->cap = (int)(cap < 16 ? 16 : cap);
	g->ac_cap = lim->served + 1;
	g->s = calloc((size_t)g->cap, sizeof *g->s);
	g->freel = calloc((size_t)g->cap, sizeof *g->freel);
	g->ac = calloc((size_t)g->ac_cap, sizeof *g->ac);
	if (!g->s || !g->freel || !g->ac)
		goto fail;
	for (int i = 0; i < g->cap; i++) {
		g->s[i].fd = -1;
		g->freel[g->nfree++] = g->cap - 1 - i;
	}
	g->lfd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (g->lfd < 0 || setsockopt(g->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
		log_error("http: socket: %s", strerror(errno));
		goto fail;
	}
	if (addr->sa_family == AF_INET6)
		setsockopt(g->lfd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(g->lfd, addr, alen) != 0 || listen(g->lfd, 1024) != 0) {
		log_error("http: cannot listen: %s", strerror(errno));
		goto fail;
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	if (getsockname(g->lfd, (struct sockaddr *)&ss, &sl) == 0)
		g->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
							 : ((struct sockaddr_in *)&ss)->sin_port);
	g->ep = epoll_create1(EPOLL_CLOEXEC);
	g->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct epoll_event le = {.events = EPOLLIN, .data.u64 = EV_LISTEN};
	struct epoll_event we = {.events = EPOLLIN, .data.u64 = EV_WAKE};
	if (g->ep < 0 || g->wake < 0 || epoll_ctl(g->ep, EPOLL_CTL_ADD, g->lfd, &le) != 0 ||
	    epoll_ctl(g->ep, EPOLL_CTL_ADD, g->wake, &we) != 0) {
		log_error("http: epoll: %s", strerror(errno));
		goto fail;
	}
	if (pthread_create(&g->th, NULL, gate_main, g) != 0)
		goto fail;
	*out = g;
	return 0;
fail:
	gate_destroy(g);
	return -1;
}

int gate_port(const gate *g)
{
	return g->port;
}

void gate_stop(gate *g)
{
	if (!g)
		return;
	atomic_store(&g->stop, 1);
	uint64_t one = 1;
	ssize_t w = write(g->wake, &one, sizeof one);
	(void)w;
	pthread_join(g->th, NULL);
	gate_close(g);
}
