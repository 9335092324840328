/* SPDX-License-Identifier: Apache-2.0 */
/* bench_util.h: helpers the benchmarks share (see bench_util.c). Each
 * benchmark names itself in bench_prog for error messages. */
#ifndef GLOVED_BENCH_UTIL_H
#define GLOVED_BENCH_UTIL_H

#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define REPORT_PERIOD_MS 30000
#define ENTERPRISE       "BENCH"
#define WORKSHOP         "W1"
#define USERNAME         "bench"
#define PASSWORD         "bench-password"
#define TIMEZONE         "Asia/Shanghai" /* the daemon's default: day buckets */
#define RESP_MAX         ((size_t)16 << 20)
#define ADMIN_PARALLEL   4

/* The program name printed in error messages (default "bench"). */
extern const char *bench_prog;

/* A keep-alive HTTP/1.1 connection to 127.0.0.1. */
typedef struct bench_conn {
	int fd;
	char *buf;
	size_t len, cap, used; /* used: bytes of the previous response */
} bench_conn;

double bench_now_s(void);

int bench_parse_long(const char *s, long lo, long hi, long *out);

void bench_machine_code(long j, char *out, size_t n);

/* Starts argv with stdout to out_fd (or /dev/null when -1) and stderr to
 * err_fd (or inherited when -1). Returns the pid or -1. */
pid_t bench_spawn(char *const argv[], int out_fd, int err_fd);

int bench_wait_ok(pid_t pid, const char *what);

/* Runs argv to completion; its stdout goes to out (NUL-terminated,
 * trailing newline removed) when out is not NULL. what names it in errors. */
int bench_run_cmd(char *const argv[], const char *what, char *out, size_t cap);

/* Registers the enterprise, workshop, machines, a gateway token and a
 * cluster_admin user with `gloved admin`, before the daemon starts. */
int bench_register_cluster(const char *gloved, long machines, const char *dbp, char *token,
			   size_t token_cap);

int bench_free_port(void);

int bench_conn_open(bench_conn *c, int port);

void bench_conn_close(bench_conn *c);

int bench_conn_send(bench_conn *c, const char *p, size_t n);

/* Reads one response. *body points into the connection's buffer and stays
 * valid until the next call. */
int bench_conn_recv(bench_conn *c, int *status, const char **body, size_t *blen);

/* Builds a request into b (reset first). */
int bench_build_request(buf *b, const char *method, const char *path, const char *bearer,
			const char *body, size_t blen);

/* One request on a fresh connection; the body is copied into out. */
int bench_http_once(int port, const char *method, const char *path, const char *bearer,
		    const char *body, int *status, buf *out);

/* A value from /proc/<pid>/status (kB). */
long bench_proc_status_kb(pid_t pid, const char *key);

/* User + system CPU seconds of a process (all its threads). */
double bench_proc_cpu_s(pid_t pid);

/* CPU seconds all CPUs spent busy since boot (/proc/stat), or -1. */
double bench_system_busy_s(void);

double bench_self_cpu_s(void);

/* A metric's value from Prometheus text, or -1. */
double bench_metric(const char *text, const char *name);

int bench_stop_daemon(pid_t pid, volatile pid_t *tracked);

void bench_remove_dir(char *tmp_dir);

#endif
