/* SPDX-License-Identifier: Apache-2.0 */
/* bench_util.c: what the benchmarks share: running `gloved` and its admin
 * commands, a minimal keep-alive HTTP/1.1 client on plain sockets, free
 * loopback ports, process CPU and memory from /proc, and reading
 * Prometheus metrics. One copy for bench/ingest_bench.c and
 * bench/mqtt_bench.c (and whatever comes next). */
#include "bench_util.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

const char *bench_prog = "bench";

double bench_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int bench_parse_long(const char *s, long lo, long hi, long *out)
{
	if (!s || !*s)
		return -1;
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

void bench_machine_code(long j, char *out, size_t n)
{
	snprintf(out, n, "M%05ld", j);
}

/* Starts argv with stdout to out_fd (or /dev/null when -1) and stderr to
 * err_fd (or inherited when -1). Returns the pid or -1. */
pid_t bench_spawn(char *const argv[], int out_fd, int err_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (err_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	pid_t pid = -1;
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		fprintf(stderr, "%s: cannot run %s: %s\n", bench_prog, argv[0], strerror(rc));
		return -1;
	}
	return pid;
}

int bench_wait_ok(pid_t pid, const char *what)
{
	int st = 0;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "%s: %s failed\n", bench_prog, what);
		return -1;
	}
	return 0;
}

/* Runs argv to completion; its stdout goes to out (NUL-terminated,
 * trailing newline removed) when out is not NULL. what names it in errors. */
int bench_run_cmd(char *const argv[], const char *what, char *out, size_t cap)
{
	int fds[2] = {-1, -1};
	if (out && pipe(fds))
		return -1;
	/* neither end may outlive the command in what it starts (a server
	 * that pg.sh leaves running would hold the pipe open) */
	if (out && (fcntl(fds[0], F_SETFD, FD_CLOEXEC) || fcntl(fds[1], F_SETFD, FD_CLOEXEC))) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	pid_t pid = bench_spawn(argv, out ? fds[1] : -1, -1);
	if (out)
		close(fds[1]);
	size_t len = 0;
	if (out && pid > 0) {
		for (;;) {
			ssize_t n = read(fds[0], out + len, cap - 1 - len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			len += (size_t)n;
			if (len == cap - 1)
				break;
		}
		out[len] = '\0';
		while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
			out[--len] = '\0';
	}
	if (out)
		close(fds[0]);
	if (pid < 0)
		return -1;
	return bench_wait_ok(pid, what);
}

/* Registers the enterprise, workshop, machines, a gateway token and a
 * cluster_admin user with `gloved admin`, before the daemon starts. */
int bench_register_cluster(const char *gloved, long machines, const char *dbp, char *token,
			   size_t token_cap)
{
	char *g = (char *)gloved, *d = (char *)dbp;
	char *ent[] = {g,        "admin",    "--db",   d,       "enterprise", "add",
		       "--code", ENTERPRISE, "--name", "bench", NULL};
	char *ws[] = {g,          "admin",  "--db",   d,        "workshop", "add", "--enterprise",
		      ENTERPRISE, "--code", WORKSHOP, "--name", "bench",    NULL};
	char *tok[] = {g, "admin", "--db", d, "token", "add", "--enterprise", ENTERPRISE, NULL};
	char *usr[] = {g,        "admin",         "--db",       d,
		       "user",   "add",           "--username", USERNAME,
		       "--role", "cluster_admin", "--password", PASSWORD,
		       NULL};
	if (bench_run_cmd(ent, "gloved admin enterprise add", NULL, 0) ||
	    bench_run_cmd(ws, "gloved admin workshop add", NULL, 0))
		return -1;
	/* machines: a few `gloved admin` processes at a time, in code order */
	pid_t inflight[ADMIN_PARALLEL];
	int nin = 0;
	for (long j = 0; j < machines; j++) {
		char code[24];
		bench_machine_code(j, code, sizeof code);
		char *m[] = {
		    g,          "admin",      "--db",   d,        "machine", "add", "--enterprise",
		    ENTERPRISE, "--workshop", WORKSHOP, "--code", code,      NULL};
		if (nin == ADMIN_PARALLEL) {
			if (bench_wait_ok(inflight[0], "gloved admin machine add"))
				return -1;
			memmove(inflight, inflight + 1, (size_t)(nin - 1) * sizeof *inflight);
			nin--;
		}
		pid_t p = bench_spawn(m, -1, -1);
		if (p < 0)
			return -1;
		inflight[nin++] = p;
	}
	for (int i = 0; i < nin; i++)
		if (bench_wait_ok(inflight[i], "gloved admin machine add"))
			return -1;
	if (bench_run_cmd(tok, "gloved admin token add", token, token_cap) ||
	    strncmp(token, "gw_", 3) != 0)
		return -1;
	return bench_run_cmd(usr, "gloved admin user add", NULL, 0);
}

int bench_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof a;
	int port = -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

int bench_conn_open(bench_conn *c, int port)
{
	memset(c, 0, sizeof *c);
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	if (connect(c->fd, (struct sockaddr *)&a, sizeof a)) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

void bench_conn_close(bench_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	memset(c, 0, sizeof *c);
	c->fd = -1;
}

int bench_conn_send(bench_conn *c, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads one response. *body points into the connection's buffer and stays
 * valid until the next call. */
int bench_conn_recv(bench_conn *c, int *status, const char **body, size_t *blen)
{
	if (c->used) {
		memmove(c->buf, c->buf + c->used, c->len - c->used);
		c->len -= c->used;
		c->used = 0;
	}
	size_t hdr = 0, clen = 0;
	int have_len = 0;
	for (;;) {
		if (!hdr && c->len >= 4) {
			for (size_t i = 0; i + 3 < c->len; i++) {
				if (memcmp(c->buf + i, "\r\n\r\n", 4) == 0) {
					hdr = i + 4;
					break;
				}
			}
			if (hdr) {
				if (hdr < 13 || strncmp(c->buf, "HTTP/1.", 7) != 0)
					return -1;
				*status = (int)strtol(c->buf + 9, NULL, 10);
				for (size_t i = 0; i < hdr; i++) {
					if (c->buf[i] == '\n' && i + 16 < hdr &&
					    strncasecmp(c->buf + i + 1, "content-length:", 15) ==
						0) {
						clen = (size_t)strtoull(c->buf + i + 16, NULL, 10);
						have_len = 1;
					}
				}
				if (!have_len || clen > RESP_MAX)
					return -1;
			}
		}
		if (hdr && c->len >= hdr + clen)
			break;
		if (c->len + 4096 > c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 65536;
			if (cap > RESP_MAX + 65536)
				return -1;
			char *p = realloc(c->buf, cap + 1);
			if (!p)
				return -1;
			c->buf = p;
			c->cap = cap;
		}
		ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c->len += (size_t)n;
	}
	*body = c->buf + hdr;
	*blen = clen;
	c->used = hdr + clen;
	return 0;
}

/* Builds a request into b (reset first). */
int bench_build_request(buf *b, const char *method, const char *path, const char *bearer,
			const char *body, size_t blen)
{
	buf_reset(b);
	int rc = buf_printf(b, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, path);
	if (!rc && bearer)
		rc = buf_printf(b, "Authorization: Bearer %s\r\n", bearer);
	if (!rc && body)
		rc = buf_printf(b, "Content-Type: application/json\r\nContent-Length: %zu\r\n",
				blen);
	if (!rc)
		rc = buf_puts(b, "\r\n");
	if (!rc && body)
		rc = buf_append(b, body, blen);
	return rc;
}

/* One request on a fresh connection; the body is copied into out. */
int bench_http_once(int port, const char *method, const char *path, const char *bearer,
		    const char *body, int *status, buf *out)
{
	bench_conn c;
	buf req;
	buf_init(&req, 0);
	int rc = -1;
	if (bench_conn_open(&c, port)) {
		c.fd = -1;
		goto out;
	}
	if (bench_build_request(&req, method, path, bearer, body, body ? strlen(body) : 0) ||
	    bench_conn_send(&c, req.data, req.len))
		goto out;
	const char *b;
	size_t bl;
	if (bench_conn_recv(&c, status, &b, &bl))
		goto out;
	buf_reset(out);
	rc = buf_append(out, b, bl) ? -1 : 0;
out:
	bench_conn_close(&c);
	buf_free(&req);
	return rc;
}

/* A value from /proc/<pid>/status (kB). */
long bench_proc_status_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	long v = -1;
	size_t kl = strlen(key);
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* User + system CPU seconds of a process (all its threads). */
double bench_proc_cpu_s(pid_t pid)
{
	char path[64], text[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	char *p = strrchr(text, ')'); /* the command name may hold spaces */
	if (!p)
		return -1;
	/* after ") ": field 3 (state) ... field 14 utime, 15 stime */
	p++;
	for (int field = 2; field < 13 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return -1;
	char *end = NULL;
	unsigned long long ut = strtoull(p + 1, &end, 10);
	unsigned long long st = strtoull(end, NULL, 10);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* CPU seconds all CPUs spent busy since boot (/proc/stat), or -1. */
double bench_system_busy_s(void)
{
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return -1;
	unsigned long long v[8] = {0};
	int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		       &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n != 8)
		return -1;
	/* user nice system [idle iowait irq softirq] steal: interrupt time is
	 * left out because loopback traffic of our own shows up there */
	return (double)(v[0] + v[1] + v[2] + v[7]) / (double)sysconf(_SC_CLK_TCK);
}

double bench_self_cpu_s(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* A metric's value from Prometheus text, or -1. */
double bench_metric(const char *text, const char *name)
{
	size_t n = strlen(name);
	const char *p = text;
	while (p && *p) {
		if (strncmp(p, name, n) == 0 && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

int bench_stop_daemon(pid_t pid, volatile pid_t *tracked)
{
	kill(pid, SIGTERM);
	for (int i = 0; i < 300; i++) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid) {
			*tracked = 0;
			return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
		}
		struct timespec ts = {0, 100000000L};
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	*tracked = 0;
	return -1;
}

void bench_remove_dir(char *tmp_dir)
{
	if (!tmp_dir[0])
		return;
	DIR *d = opendir(tmp_dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char p[600];
			snprintf(p, sizeof p, "%s/%s", tmp_dir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(tmp_dir);
	tmp_dir[0] = '\0';
}
