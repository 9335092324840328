/* SPDX-License-Identifier: Apache-2.0 */
/* gate.h: the HTTP server's front door (see gate.c). gloved owns the
 * listening socket; a new connection waits in one epoll thread, without a
 * thread of its own, until its first request head is complete and sound,
 * and only then is handed to libmicrohttpd. */
#ifndef GLOVED_HTTP_GATE_H
#define GLOVED_HTTP_GATE_H

#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* The largest request head (request line and headers) accepted; beyond it
 * the answer is 431. libmicrohttpd is given room for twice as much. */
#define GATE_HEAD_MAX 16384
/* The most header lines in one head; beyond it 431. */
#define GATE_FIELDS_MAX 100

typedef struct gate_limits {
	int64_t header_timeout_ms; /* a new connection's whole head within */
	int64_t pending;           /* connections awaiting their head */
	int64_t served;            /* connections being served (MHD's limit) */
	int64_t per_address;       /* served from one address; 0: no limit */
} gate_limits;

/* What gate_head_check makes of the bytes a connection has sent. */
typedef enum gate_verdict {
	GATE_MORE = 0, /* no complete head yet */
	GATE_OK,       /* a complete, sound head */
	GATE_REFUSE,   /* refuse with status, code and message */
} gate_verdict;

typedef struct gate_refusal {
	unsigned status;   /* 400, 431, 501, 505 */
	const char *code;  /* the JSON error code */
	char message[160]; /* names what is wrong (ASCII) */
} gate_refusal;

/* Looks at the first n bytes of a connection (n <= GATE_HEAD_MAX; n ==
 * GATE_HEAD_MAX means at least that much arrived). GATE_OK when they hold a
 * complete request head of HTTP/1.0 or 1.1 that libmicrohttpd will take:
 * a request line "METHOD SP target SP HTTP/1.x", header fields "name:
 * value" without control characters or line folding, a Host for 1.1, at
 * most one Content-Length of digits, Transfer-Encoding only "chunked" and
 * never beside a Content-Length. */
gate_verdict gate_head_check(const char *data, size_t n, gate_refusal *why);

typedef struct gate gate;

/* Listens on addr (SO_REUSEADDR, non-blocking) and starts the gate's
 * thread, which hands sound connections to d (started with
 * MHD_USE_NO_LISTEN_SOCKET). Raises the open-file limit to its hard limit.
 * 0, or -1 with a log line. */
int gate_start(const struct sockaddr *addr, socklen_t alen, struct MHD_Daemon *d,
	       const gate_limits *lim, gate **out);
/* The port it listens on. */
int gate_port(const gate *g);
/* Stops the thread, closes the listening socket and every connection
 * still waiting. The served ones are libmicrohttpd's: stop it next, then
 * gate_destroy (its close notices still count here). */
void gate_stop(gate *g);
void gate_destroy(gate *g);

/* libmicrohttpd's MHD_OPTION_NOTIFY_CONNECTION callback (cls: a gate **,
 * read when called): counts the connections being served, per address. */
void gate_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		 enum MHD_ConnectionNotificationCode toe);

#endif
