/* SPDX-License-Identifier: Apache-2.0 */
/* mqtt_bench.c: how fast gloved takes machine reports over MQTT through
 * the real mosquitto broker, set beside how fast the same broker delivers
 * the same messages to a plain subscriber that only counts and discards
 * them, in the same run. It starts mosquitto (persistence off, a queue deep
 * enough that nothing is dropped) and `gloved serve` on free loopback ports
 * with a temporary database registered with `gloved admin` (M machines),
 * then, for QoS 0 and QoS 1 in turn, publishes N JSON reports (the
 * simulator's payload: ts, cumulative count and reject, state; M machines,
 * one report every 30 s each, time-ordered) from P libmosquitto publisher
 * threads as fast as the broker takes them, twice:
 *   (1) baseline: to topics only the plain subscriber (libmosquitto,
 *       subscribed at QoS 1 like gloved) listens to, timed from the first
 *       publish to the Nth message received;
 *   (2) gloved: to gloved/v1/<enterprise>/<machine>/report, timed from the
 *       first publish until /metrics gloved_reports_accepted_total (counted
 *       at the group commit, so the reports are on disk) has grown by N.
 * The ratio (2)/(1) is the share of the broker's delivery rate that gloved
 * keeps (target >= 0.90). Nothing may be lost: the subscriber must receive
 * exactly N, gloved must accept exactly N and reject none, and at the end
 * the day rollups must hold exactly the good and rejected pieces sent. A
 * benchmark, not a test: see docs/performance.md. */
#include "lib/bench_util.h"
#include "util/buf.h"
#include "util/ltime.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdint.h>
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

#define PUB_WINDOW 1000 /* messages a publisher has handed over but not seen sent/acked */
#define STALL_S    30.0 /* no progress for this long: the run failed */
/* same length as "gloved", so that baseline and gloved messages are equal in size */
#define BASE_PREFIX   "baseln"
#define GLOVED_PREFIX "gloved"

typedef struct bench_opt {
	long machines;   /* M */
	long reports;    /* N per QoS */
	long publishers; /* P */
	long rounds;     /* R: baseline and gloved runs per QoS, alternating */
	int qos_mask;    /* bit q: run QoS q */
	int keep;        /* keep the temporary folder */
	char gloved[512];
	char mosquitto[512];
	char **serve_args; /* extra `gloved serve` options (after --) */
	int n_serve_args;
} bench_opt;

static char tmp_dir[256];
static volatile sig_atomic_t keep_tmp;
static volatile pid_t daemon_pid, broker_pid;

static void on_signal(int sig)
{
	(void)sig;
	pid_t p = daemon_pid, b = broker_pid;
	if (p > 0) {
		kill(p, SIGKILL);
		waitpid(p, NULL, 0);
	}
	if (b > 0) {
		kill(b, SIGKILL);
		waitpid(b, NULL, 0);
	}
	static const char msg[] = "mqtt_bench: interrupted (temporary folder left in TMPDIR)\n";
	ssize_t w = write(2, msg, sizeof msg - 1);
	(void)w;
	_exit(130);
}
/* ---- small helpers ---- */

/* ---- running gloved ---- */

/* ---- a minimal HTTP/1.1 client: keep-alive, Content-Length bodies ---- */

/* ---- the reports of one run ---- */

/* N payloads (the simulator's JSON) with their machine, in time order:
 * report i is machine i % M at tick i / M. Counters carry on from the
 * previous run (cnt, rej), so that every run credits new pieces. */
typedef struct run_plan {
	char *text;  /* all payloads, back to back */
	size_t *off; /* payload i is text + off[i], len[i] bytes */
	uint16_t *len;
	long n;
	long machines;
	char (*topic)[48]; /* per machine, with GLOVED_PREFIX; the baseline swaps the prefix */
} run_plan;

static void free_plan(run_plan *p)
{
	free(p->text);
	free(p->off);
	free(p->len);
	free(p->topic);
	memset(p, 0, sizeof *p);
}

static int make_plan(const bench_opt *o, int64_t t0, uint64_t *cnt, uint64_t *rej, int first,
		     run_plan *p, int64_t *good, int64_t *reject)
{
	memset(p, 0, sizeof *p);
	p->n = o->reports;
	p->machines = o->machines;
	p->off = calloc((size_t)p->n, sizeof *p->off);
	p->len = calloc((size_t)p->n, sizeof *p->len);
	p->topic = calloc((size_t)o->machines, sizeof *p->topic);
	buf b;
	buf_init(&b, (size_t)p->n * 72);
	int rc = p->off && p->len && p->topic ? 0 : -1;
	for (long j = 0; j < o->machines && !rc; j++) {
		char code[24];
		bench_machine_code(j, code, sizeof code);
		snprintf(p->topic[j], sizeof p->topic[j],
			 GLOVED_PREFIX "/v1/" ENTERPRISE "/%s/report", code);
	}
	for (long i = 0; i < p->n && !rc; i++) {
		long k = i / o->machines, j = i % o->machines;
		int64_t ts = t0 + (int64_t)k * REPORT_PERIOD_MS +
			     (int64_t)j * REPORT_PERIOD_MS / o->machines;
		if (first && k == 0) {
			cnt[j] = (uint64_t)j * 1000u; /* the baseline of the machine: no pieces */
			rej[j] = (uint64_t)j % 10u;
		} else {
			uint64_t g = 8 + (uint64_t)((j * 7 + k * 13) % 9);
			uint64_t rj = (j + k) % 10 == 0;
			cnt[j] += g;
			rej[j] += rj;
			*good += (int64_t)g;
			*reject += (int64_t)rj;
		}
		size_t at = b.len;
		rc = buf_printf(
		    &b, "{\"ts\":%lld,\"count\":%llu,\"reject\":%llu,\"state\":\"run\"}",
		    (long long)ts, (unsigned long long)cnt[j], (unsigned long long)rej[j]);
		p->off[i] = at;
		p->len[i] = (uint16_t)(b.len - at);
	}
	p->text = buf_steal(&b);
	if (rc || !p->text) {
		free_plan(p);
		return -1;
	}
	return 0;
}

/* ---- publishers ---- */

typedef struct pub {
	pthread_t th;
	struct mosquitto *mosq;
	const run_plan *p;
	int index, count; /* publisher index of count: machines j with j % count == index */
	int qos;
	const char *prefix;
	pthread_barrier_t *go;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	long handed, done; /* messages given to libmosquitto, and sent (QoS 0) or acked */
	long failures;
	char err[200];
} pub;

static void on_pub_published(struct mosquitto *mosq, void *obj, int mid)
{
	(void)mosq;
	(void)mid;
	pub *x = obj;
	pthread_mutex_lock(&x->mu);
	x->done++;
	pthread_cond_signal(&x->cv);
	pthread_mutex_unlock(&x->mu);
}

static void *pub_main(void *arg)
{
	pub *x = arg;
	const run_plan *p = x->p;
	char topic[48];
	pthread_barrier_wait(x->go);
	for (long i = 0; i < p->n; i++) {
		long j = i % p->machines;
		if (j % x->count != x->index)
			continue;
		pthread_mutex_lock(&x->mu);
		while (x->handed - x->done >= PUB_WINDOW)
			pthread_cond_wait(&x->cv, &x->mu);
		x->handed++;
		pthread_mutex_unlock(&x->mu);
		memcpy(topic, p->topic[j], sizeof topic);
		memcpy(topic, x->prefix, 6);
		int rc = mosquitto_publish(x->mosq, NULL, topic, p->len[i], p->text + p->off[i],
					   x->qos, false);
		if (rc != MOSQ_ERR_SUCCESS) {
			if (!x->err[0])
				snprintf(x->err, sizeof x->err, "publish: %s",
					 mosquitto_strerror(rc));
			x->failures++;
			pthread_mutex_lock(&x->mu);
			x->handed--;
			pthread_mutex_unlock(&x->mu);
		}
	}
	/* until libmosquitto has sent (QoS 0) or got PUBACK for (QoS 1) everything */
	pthread_mutex_lock(&x->mu);
	while (x->done < x->handed)
		pthread_cond_wait(&x->cv, &x->mu);
	pthread_mutex_unlock(&x->mu);
	return NULL;
}

static int client_connect(struct mosquitto *mosq, int port)
{
	for (int i = 0; i < 50; i++) {
		if (mosquitto_connect(mosq, "127.0.0.1", port, 60) == MOSQ_ERR_SUCCESS)
			return mosquitto_loop_start(mosq) == MOSQ_ERR_SUCCESS ? 0 : -1;
		nanosleep(&(struct timespec){0, 100000000L}, NULL);
	}
	return -1;
}

/* ---- the plain subscriber (the baseline) ---- */

typedef struct sub {
	struct mosquitto *mosq;
	atomic_long got;
	long want;
	_Atomic int subscribed;
	double end_s; /* when the want-th message arrived */
} sub;

static void on_sub_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *m)
{
	(void)mosq;
	(void)m;
	sub *s = obj;
	if (atomic_fetch_add(&s->got, 1) + 1 == s->want)
		s->end_s = bench_now_s();
}

/* The subscriber's network thread: our own, so that its CPU time can be
 * read (pthread_getcpuclockid) beside gloved's MQTT thread. */
static void *sub_main(void *arg)
{
	sub *s = arg;
	mosquitto_loop_forever(s->mosq, 100, 1);
	return NULL;
}

static double thread_cpu_s(pthread_t th)
{
	clockid_t c;
	struct timespec ts;
	if (pthread_getcpuclockid(th, &c) || clock_gettime(c, &ts))
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of a process's threads: those libmosquitto runs (its
 * network thread, named "mosquitto loop") and all the others. */
static void task_cpu_s(pid_t pid, double *mqtt, double *other)
{
	*mqtt = *other = 0;
	char dir[64];
	snprintf(dir, sizeof dir, "/proc/%d/task", (int)pid);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[400], text[1024];
		snprintf(path, sizeof path, "%s/%.300s/stat", dir, e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t n = fread(text, 1, sizeof text - 1, f);
		fclose(f);
		text[n] = '\0';
		char *open = strchr(text, '('), *close = strrchr(text, ')');
		if (!open || !close)
			continue;
		int is_mqtt = strncmp(open + 1, "mosquitto loop", 14) == 0;
		char *p = close + 1;
		for (int field = 2; field < 13 && p; field++)
			p = strchr(p + 1, ' ');
		if (!p)
			continue;
		char *end = NULL;
		unsigned long long ut = strtoull(p + 1, &end, 10);
		unsigned long long st = strtoull(end, NULL, 10);
		double secs = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
		if (is_mqtt)
			*mqtt += secs;
		else
			*other += secs;
	}
	closedir(d);
}

static void on_sub_subscribed(struct mosquitto *mosq, void *obj, int mid, int n, const int *q)
{
	(void)mosq;
	(void)mid;
	(void)n;
	(void)q;
	sub *s = obj;
	atomic_store(&s->subscribed, 1);
}

/* ---- one run: P publishers, and either the subscriber or gloved at the far end ---- */

typedef struct run_result {
	double secs;               /* first publish to the last message received / committed */
	double recv_secs;          /* gloved: to gloved_mqtt_messages_total + N */
	double publish_secs;       /* until every publisher was done */
	long received;             /* subscriber: messages; gloved: reports accepted */
	long messages;             /* gloved: MQTT messages received */
	long rejected;             /* gloved: MQTT messages rejected */
	long failures;             /* publish errors */
	long commits;              /* gloved: group commits */
	double daemon_cpu_s;       /* gloved's CPU during the run */
	double broker_cpu_s;       /* mosquitto's CPU during the run */
	double bench_cpu_s;        /* this program (publishers and subscriber) */
	double other_cores;        /* CPU of other processes during the run, in cores */
	double recv_thread_cpu_s;  /* the subscriber's or gloved's MQTT network thread */
	double other_thread_cpu_s; /* gloved's other threads (the writer, HTTP) */
} run_result;

typedef struct gloved_metrics {
	double accepted, messages, rejected, commits;
} gloved_metrics;

static int read_metrics(int http_port, gloved_metrics *g, buf *out)
{
	int status = 0;
	if (bench_http_once(http_port, "GET", "/metrics", NULL, NULL, &status, out) ||
	    status != 200)
		return -1;
	g->accepted = bench_metric(out->data, "gloved_reports_accepted_total");
	g->messages = bench_metric(out->data, "gloved_mqtt_messages_total");
	g->rejected = bench_metric(out->data, "gloved_mqtt_rejected_total");
	g->commits = bench_metric(out->data, "gloved_commits_total");
	return 0;
}

/* Publishes the plan at qos. With http_port 0 the messages go to the
 * baseline subscriber, else to gloved, which is watched through /metrics. */
static int one_run(const bench_opt *o, const run_plan *p, int qos, int broker_port, int http_port,
		   pid_t gloved, pid_t broker, run_result *res)
{
	int rc = -1, barrier = 0;
	long started = 0;
	memset(res, 0, sizeof *res);
	pthread_barrier_t go;
	pthread_t sub_th;
	int sub_started = 0;
	pub *pubs = calloc((size_t)o->publishers, sizeof *pubs);
	sub s;
	memset(&s, 0, sizeof s);
	buf out;
	buf_init(&out, 0);
	gloved_metrics m0 = {0, 0, 0, 0}, m = {0, 0, 0, 0};
	if (!pubs)
		goto out;
	if (!http_port) {
		s.want = p->n;
		s.mosq = mosquitto_new(NULL, true, &s);
		if (!s.mosq)
			goto out;
		mosquitto_message_callback_set(s.mosq, on_sub_message);
		mosquitto_subscribe_callback_set(s.mosq, on_sub_subscribed);
		int connected = 0;
		for (int i = 0; i < 50 && !connected; i++) {
			connected = mosquitto_connect(s.mosq, "127.0.0.1", broker_port, 60) ==
				    MOSQ_ERR_SUCCESS;
			if (!connected)
				nanosleep(&(struct timespec){0, 100000000L}, NULL);
		}
		if (connected && pthread_create(&sub_th, NULL, sub_main, &s) == 0)
			sub_started = 1;
		if (!sub_started || mosquitto_subscribe(s.mosq, NULL, BASE_PREFIX "/v1/+/+/report",
							1) != MOSQ_ERR_SUCCESS) {
			fprintf(stderr, "mqtt_bench: the baseline subscriber cannot connect\n");
			goto out;
		}
		for (int i = 0; i < 100 && !atomic_load(&s.subscribed); i++)
			nanosleep(&(struct timespec){0, 20000000L}, NULL);
		if (!atomic_load(&s.subscribed))
			goto out;
	} else if (read_metrics(http_port, &m0, &out)) {
		fprintf(stderr, "mqtt_bench: GET /metrics failed\n");
		goto out;
	}
	pthread_barrier_init(&go, NULL, (unsigned)o->publishers + 1);
	barrier = 1;
	for (long k = 0; k < o->publishers; k++) {
		pub *x = &pubs[k];
		x->p = p;
		x->index = (int)k;
		x->count = (int)o->publishers;
		x->qos = qos;
		x->prefix = http_port ? GLOVED_PREFIX : BASE_PREFIX;
		x->go = &go;
		pthread_mutex_init(&x->mu, NULL);
		pthread_cond_init(&x->cv, NULL);
		x->mosq = mosquitto_new(NULL, true, x);
		if (!x->mosq)
			goto out;
		mosquitto_int_option(x->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
		mosquitto_max_inflight_messages_set(x->mosq, PUB_WINDOW);
		mosquitto_publish_callback_set(x->mosq, on_pub_published);
		if (client_connect(x->mosq, broker_port)) {
			fprintf(stderr, "mqtt_bench: publisher %ld cannot connect\n", k);
			goto out;
		}
	}
	for (; started < o->publishers; started++)
		if (pthread_create(&pubs[started].th, NULL, pub_main, &pubs[started]))
			break;
	if (started < o->publishers) {
		fprintf(stderr, "mqtt_bench: cannot start publisher threads\n");
		_exit(1); /* the barrier can never open */
	}
	double d0 = gloved > 0 ? bench_proc_cpu_s(gloved) : 0, b0 = bench_proc_cpu_s(broker),
	       self0 = bench_self_cpu_s(), sys0 = bench_system_busy_s();
	double sub0 = sub_started ? thread_cpu_s(sub_th) : 0, gm0 = 0, go0 = 0;
	if (gloved > 0)
		task_cpu_s(gloved, &gm0, &go0);
	double start = bench_now_s(), last_progress = start, publish_end = 0;
	long last = -1;
	pthread_barrier_wait(&go);
	/* wait for the far end; the publishers finish on their own */
	for (;;) {
		nanosleep(&(struct timespec){0, http_port ? 5000000L : 2000000L}, NULL);
		double t = bench_now_s();
		long have;
		if (!http_port) {
			have = atomic_load(&s.got);
		} else {
			if (read_metrics(http_port, &m, &out))
				goto joined;
			have = (long)(m.accepted - m0.accepted);
			if (!res->recv_secs && (long)(m.messages - m0.messages) >= p->n)
				res->recv_secs = t - start;
		}
		if (have >= p->n) {
			res->secs = http_port ? t - start : s.end_s - start;
			break;
		}
		if (have != last) {
			last = have;
			last_progress = t;
		} else if (t - last_progress > STALL_S) {
			fprintf(stderr, "mqtt_bench: stalled at %ld of %ld for %.0f s\n", have,
				p->n, STALL_S);
			goto joined;
		}
	}
	rc = 0;
joined:
	for (long k = 0; k < started; k++) {
		if (rc) /* let a stuck publisher go */
			pthread_cond_broadcast(&pubs[k].cv);
		pthread_join(pubs[k].th, NULL);
		res->failures += pubs[k].failures;
		if (pubs[k].err[0])
			fprintf(stderr, "mqtt_bench: publisher %ld: %s\n", k, pubs[k].err);
	}
	publish_end = bench_now_s();
	res->publish_secs = publish_end - start;
	res->daemon_cpu_s = gloved > 0 ? bench_proc_cpu_s(gloved) - d0 : 0;
	res->broker_cpu_s = bench_proc_cpu_s(broker) - b0;
	res->bench_cpu_s = bench_self_cpu_s() - self0;
	if (sub_started)
		res->recv_thread_cpu_s = thread_cpu_s(sub_th) - sub0;
	if (gloved > 0) {
		double gm1, go1;
		task_cpu_s(gloved, &gm1, &go1);
		res->recv_thread_cpu_s = gm1 - gm0;
		res->other_thread_cpu_s = go1 - go0;
	}
	double wall = bench_now_s() - start;
	res->other_cores = wall > 0 ? (bench_system_busy_s() - sys0 - res->daemon_cpu_s -
				       res->broker_cpu_s - res->bench_cpu_s) /
					  wall
				    : 0;
	/* a moment for anything extra (duplicates) to show */
	nanosleep(&(struct timespec){0, 300000000L}, NULL);
	if (!http_port) {
		res->received = atomic_load(&s.got);
	} else if (read_metrics(http_port, &m, &out) == 0) {
		res->received = (long)(m.accepted - m0.accepted);
		res->messages = (long)(m.messages - m0.messages);
		res->rejected = (long)(m.rejected - m0.rejected);
		res->commits = (long)(m.commits - m0.commits);
	}
out:
	if (s.mosq) {
		mosquitto_disconnect(s.mosq);
		if (sub_started)
			pthread_join(sub_th, NULL);
		mosquitto_destroy(s.mosq);
	}
	for (long k = 0; pubs && k < o->publishers; k++) {
		if (!pubs[k].mosq)
			continue;
		mosquitto_disconnect(pubs[k].mosq);
		mosquitto_loop_stop(pubs[k].mosq, true);
		mosquitto_destroy(pubs[k].mosq);
		pthread_mutex_destroy(&pubs[k].mu);
		pthread_cond_destroy(&pubs[k].cv);
	}
	if (barrier)
		pthread_barrier_destroy(&go);
	free(pubs);
	buf_free(&out);
	return rc;
}

/* ---- the broker and the daemon ---- */

static int port_open(int port)
{
	bench_conn c;
	if (bench_conn_open(&c, port))
		return 0;
	bench_conn_close(&c);
	return 1;
}

/* Starts mosquitto on a free loopback port with a config of our own. */
static pid_t start_broker(const bench_opt *o, int *port_out)
{
	char conf[400], logp[400];
	snprintf(conf, sizeof conf, "%s/mosquitto.conf", tmp_dir);
	snprintf(logp, sizeof logp, "%s/mosquitto.log", tmp_dir);
	for (int attempt = 0; attempt < 3; attempt++) {
		int port = bench_free_port();
		FILE *f = fopen(conf, "w");
		if (!f || port <= 0) {
			if (f)
				fclose(f);
			return -1;
		}
		/* persistence off; queues deep enough that a slow subscriber loses
		 * nothing (the defaults would drop QoS 0 beyond 1,000 queued) */
		fprintf(f,
			"listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n"
			"max_queued_messages 10000000\nmax_queued_bytes 0\n"
			"log_dest stderr\nlog_type error\nlog_type warning\n",
			port);
		fclose(f);
		int log_fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (log_fd < 0)
			return -1;
		char *argv[] = {(char *)o->mosquitto, "-c", conf, NULL};
		pid_t pid = bench_spawn(argv, log_fd, log_fd);
		close(log_fd);
		if (pid < 0)
			return -1;
		broker_pid = pid;
		for (int i = 0; i < 100; i++) {
			if (waitpid(pid, NULL, WNOHANG) == pid) {
				broker_pid = pid = 0;
				break;
			}
			if (port_open(port)) {
				*port_out = port;
				return pid;
			}
			nanosleep(&(struct timespec){0, 50000000L}, NULL);
		}
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			broker_pid = 0;
		}
	}
	fprintf(stderr, "mqtt_bench: mosquitto did not come up (log: %s)\n", logp);
	return -1;
}

/* Starts gloved serve on the database, connected to the broker; returns
 * its pid once /metrics says it is connected. */
static pid_t start_gloved(const bench_opt *o, const char *dbp, int broker_port, int *http_port)
{
	char logp[400], listen[64], bport[16];
	snprintf(logp, sizeof logp, "%s/gloved.log", tmp_dir);
	snprintf(bport, sizeof bport, "%d", broker_port);
	char *fixed[] = {(char *)o->gloved, "serve", "--db",        (char *)dbp,
			 "--listen",        listen,  "--mqtt-host", "127.0.0.1",
			 "--mqtt-port",     bport,   "--log-level", "warn"};
	enum { N_FIXED = sizeof fixed / sizeof fixed[0] };
	char *argv[N_FIXED + 64 + 1];
	int argc = N_FIXED;
	memcpy(argv, fixed, sizeof fixed);
	for (int i = 0; i < o->n_serve_args; i++)
		argv[argc++] = o->serve_args[i];
	argv[argc] = NULL;
	buf out;
	buf_init(&out, 0);
	pid_t pid = -1;
	for (int attempt = 0; attempt < 3; attempt++) {
		int port = bench_free_port();
		if (port <= 0)
			break;
		snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
		int log_fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (log_fd < 0)
			break;
		pid = bench_spawn(argv, log_fd, log_fd);
		close(log_fd);
		if (pid < 0)
			break;
		daemon_pid = pid;
		int up = 0, status = 0;
		for (int i = 0; i < 200 && !up; i++) {
			if (waitpid(pid, NULL, WNOHANG) == pid) {
				daemon_pid = pid = 0;
				break;
			}
			if (bench_http_once(port, "GET", "/metrics", NULL, NULL, &status, &out) ==
				0 &&
			    status == 200 && bench_metric(out.data, "gloved_mqtt_connected") == 1)
				up = 1;
			else
				nanosleep(&(struct timespec){0, 50000000L}, NULL);
		}
		/* the subscription follows the connection: give its SUBACK time */
		nanosleep(&(struct timespec){0, 500000000L}, NULL);
		if (up && waitpid(pid, NULL, WNOHANG) == 0) {
			*http_port = port;
			buf_free(&out);
			return pid;
		}
		if (pid > 0)
			bench_stop_daemon(pid, &daemon_pid);
		pid = -1;
	}
	buf_free(&out);
	fprintf(stderr, "mqtt_bench: gloved serve did not come up (log: %s)\n", logp);
	return -1;
}

/* The good and rejected pieces in the day rollups since day_from. */
static int day_totals(int http_port, int64_t day_from, int64_t want_good, int64_t want_reject,
		      int64_t *good, int64_t *reject)
{
	int status = 0, rc = -1;
	buf out;
	buf_init(&out, 0);
	*good = *reject = -1;
	if (bench_http_once(http_port, "POST", "/api/v1/login", NULL,
			    "{\"username\":\"" USERNAME "\",\"password\":\"" PASSWORD "\"}",
			    &status, &out) ||
	    status != 200) {
		fprintf(stderr, "mqtt_bench: login failed (HTTP %d)\n", status);
		goto out;
	}
	cJSON *login = cJSON_Parse(out.data);
	const cJSON *tk = cJSON_GetObjectItemCaseSensitive(login, "token");
	char session[256] = "";
	if (cJSON_IsString(tk))
		snprintf(session, sizeof session, "%s", tk->valuestring);
	cJSON_Delete(login);
	char path[200];
	snprintf(path, sizeof path, "/api/v1/output?bucket=day&from=%lld&to=%lld",
		 (long long)day_from, (long long)(ltime_now_ms() + 86400000LL));
	/* rollups may trail the commits by up to rollup_flush_ms: ask for 10 s */
	for (int tries = 0; tries < 100; tries++) {
		if (tries)
			nanosleep(&(struct timespec){0, 100000000L}, NULL);
		if (bench_http_once(http_port, "GET", path, session, NULL, &status, &out) ||
		    status != 200) {
			fprintf(stderr, "mqtt_bench: GET %s failed (HTTP %d)\n", path, status);
			goto out;
		}
		cJSON *o_out = cJSON_Parse(out.data);
		const cJSON *total = cJSON_GetObjectItemCaseSensitive(o_out, "total");
		const cJSON *g = cJSON_GetObjectItemCaseSensitive(total, "good");
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(total, "reject");
		if (cJSON_IsNumber(g) && cJSON_IsNumber(r)) {
			*good = (int64_t)g->valuedouble;
			*reject = (int64_t)r->valuedouble;
		}
		cJSON_Delete(o_out);
		if (*good == want_good && *reject == want_reject)
			break;
	}
	rc = 0;
out:
	buf_free(&out);
	return rc;
}

/* ---- main ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mqtt_bench [options] [-- gloved serve options]\n\n"
		"Times MQTT ingest through mosquitto into gloved against the same broker's\n"
		"delivery to a plain subscriber that discards the messages.\n\n"
		"  -m, --machines M      machines, each reporting every 30 s (default 1000)\n"
		"  -n, --reports N       reports (MQTT messages) per QoS (default 200000)\n"
		"  -r, --rounds R        rounds per QoS, each a baseline run then a gloved run;\n"
		"                        the median of each is compared (default 3)\n"
		"      --quick           N = 20000, R = 1\n"
		"  -p, --publishers P    publisher connections, one thread each (default 2)\n"
		"  -q, --qos 0|1|both    QoS of the runs (default both)\n"
		"      --gloved PATH     the daemon binary (default: gloved next to this "
		"program)\n"
		"      --mosquitto PATH  the broker (default: mosquitto on PATH or in "
		"/usr/sbin)\n"
		"      --keep            keep the temporary folder (database, logs)\n"
		"  -- OPTIONS...         pass the rest to `gloved serve`\n");
}

static int find_program(const char *name, char *out, size_t cap)
{
	const char *path = getenv("PATH");
	char dirs[2048];
	snprintf(dirs, sizeof dirs, "%s:/usr/sbin:/usr/local/sbin", path ? path : "/usr/bin");
	char *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(out, cap, "%s/%s", d, name);
		if (access(out, X_OK) == 0)
			return 0;
	}
	out[0] = '\0';
	return -1;
}

static int parse_args(int argc, char **argv, bench_opt *o)
{
	o->machines = 1000;
	o->reports = 200000;
	o->publishers = 2;
	o->rounds = 3;
	o->qos_mask = 3;
	char self[400];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash)
			*slash = '\0';
		snprintf(o->gloved, sizeof o->gloved, "%s/gloved", self);
	}
	find_program("mosquitto", o->mosquitto, sizeof o->mosquitto);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long *target = NULL;
		long lo = 1, hi = 0;
		if (strcmp(a, "-m") == 0 || strcmp(a, "--machines") == 0) {
			target = &o->machines;
			hi = 99999;
		} else if (strcmp(a, "-n") == 0 || strcmp(a, "--reports") == 0) {
			target = &o->reports;
			hi = 10000000;
		} else if (strcmp(a, "-p") == 0 || strcmp(a, "--publishers") == 0) {
			target = &o->publishers;
			hi = 64;
		} else if (strcmp(a, "-r") == 0 || strcmp(a, "--rounds") == 0) {
			target = &o->rounds;
			hi = 20;
		} else if (strcmp(a, "--quick") == 0) {
			o->reports = 20000;
			o->rounds = 1;
			continue;
		} else if ((strcmp(a, "-q") == 0 || strcmp(a, "--qos") == 0) && v &&
			   (strcmp(v, "0") == 0 || strcmp(v, "1") == 0 || strcmp(v, "both") == 0)) {
			o->qos_mask = strcmp(v, "0") == 0 ? 1 : strcmp(v, "1") == 0 ? 2 : 3;
			i++;
			continue;
		} else if (strcmp(a, "--gloved") == 0 && v) {
			snprintf(o->gloved, sizeof o->gloved, "%s", v);
			i++;
			continue;
		} else if (strcmp(a, "--mosquitto") == 0 && v) {
			snprintf(o->mosquitto, sizeof o->mosquitto, "%s", v);
			i++;
			continue;
		} else if (strcmp(a, "--keep") == 0) {
			o->keep = 1;
			continue;
		} else if (strcmp(a, "--") == 0) {
			o->serve_args = argv + i + 1;
			o->n_serve_args = argc - i - 1;
			if (o->n_serve_args > 64) {
				fprintf(stderr, "mqtt_bench: at most 64 options after --\n");
				return -1;
			}
			break;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 1;
		} else if (a[0] == '-' && a[1] && !target) {
			/* bench/run.sh gives its arguments to every benchmark: an
			 * option of another one (--sync, -b, -c) is skipped with
			 * its value */
			fprintf(stderr, "mqtt_bench: ignoring option '%s'\n", a);
			if (v && v[0] != '-')
				i++;
			continue;
		} else {
			fprintf(stderr, "mqtt_bench: unexpected argument '%s'\n", a);
			usage(stderr);
			return -1;
		}
		if (bench_parse_long(v, lo, hi, target)) {
			fprintf(stderr, "mqtt_bench: %s needs an integer in %ld..%ld\n", a, lo, hi);
			return -1;
		}
		i++;
	}
	if (access(o->gloved, X_OK) != 0) {
		fprintf(stderr, "mqtt_bench: no daemon binary at %s (build it or use --gloved)\n",
			o->gloved);
		return -1;
	}
	if (!o->mosquitto[0] || access(o->mosquitto, X_OK) != 0) {
		fprintf(stderr, "mqtt_bench: no mosquitto broker found (scripts/deps.sh installs "
				"it; or use --mosquitto)\n");
		return -1;
	}
	return 0;
}

static double median(double *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && v[k - 1] > v[k]; k--) {
			double x = v[k];
			v[k] = v[k - 1];
			v[k - 1] = x;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void print_rate(const char *what, double items, double secs, const char *unit)
{
	printf("  %-46s %10.0f %s/s  (%.2f s)\n", what, secs > 0 ? items / secs : 0, unit, secs);
}

int main(int argc, char **argv)
{
	bench_prog = "mqtt_bench";
	bench_opt o;
	memset(&o, 0, sizeof o);
	int pa = parse_args(argc, argv, &o);
	if (pa)
		return pa > 0 ? 0 : 2;
	if (ltime_set_zone(TIMEZONE)) {
		fprintf(stderr, "mqtt_bench: no tz data for %s\n", TIMEZONE);
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	mosquitto_lib_init();

	const char *tmp = getenv("TMPDIR");
	snprintf(tmp_dir, sizeof tmp_dir, "%s/gloved-mqtt-bench.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	keep_tmp = o.keep;
	if (!mkdtemp(tmp_dir)) {
		fprintf(stderr, "mqtt_bench: cannot create %s\n", tmp_dir);
		return 1;
	}
	int fail = 0, broker_port = 0, http_port = 0;
	long peak_rss_kb = -1, ingest_rss_kb = -1;
	pid_t broker = -1, gloved = -1;
	uint64_t *cnt = calloc((size_t)o.machines, sizeof *cnt);
	uint64_t *rej = calloc((size_t)o.machines, sizeof *rej);
	char dbp[400], token[256];
	snprintf(dbp, sizeof dbp, "%s/gloved.db", tmp_dir);
	int nruns = (o.qos_mask & 1) + ((o.qos_mask >> 1) & 1);
	run_result base[2][20], glv[2][20];
	memset(base, 0, sizeof base);
	memset(glv, 0, sizeof glv);
	int ran[2] = {0, 0};
	int64_t good = 0, reject = 0, got_good = -1, got_reject = -1;
	/* each run covers its own stretch of machine time, the last ending a
	 * minute ago, so that the second run's reports follow the first's */
	long ticks = (o.reports + o.machines - 1) / o.machines;
	int64_t span = (int64_t)ticks * REPORT_PERIOD_MS;
	int64_t t_first = ltime_now_ms() - 60000 - (int64_t)nruns * o.rounds * (span + 60000);
	t_first -= t_first % 60000;

	printf("gloved MQTT ingest benchmark: %ld reports per QoS, %ld machines (one report / "
	       "30 s each), %ld publisher%s, mosquitto %s\n",
	       o.reports, o.machines, o.publishers, o.publishers == 1 ? "" : "s", o.mosquitto);
	printf("machine: %ld CPUs; temporary files in %s\n", sysconf(_SC_NPROCESSORS_ONLN),
	       tmp_dir);
	fflush(stdout);
	if (!cnt || !rej)
		goto out;

	double t = bench_now_s();
	if (bench_register_cluster(o.gloved, o.machines, dbp, token, sizeof token)) {
		fprintf(stderr, "mqtt_bench: registering the bench cluster failed\n");
		fail = 1;
		goto out;
	}
	fprintf(stderr, "mqtt_bench: registered %ld machines with gloved admin in %.1f s\n",
		o.machines, bench_now_s() - t);
	if ((broker = start_broker(&o, &broker_port)) < 0 ||
	    (gloved = start_gloved(&o, dbp, broker_port, &http_port)) < 0) {
		fail = 1;
		goto out;
	}
	fprintf(stderr,
		"mqtt_bench: mosquitto pid %d on 127.0.0.1:%d, gloved serve pid %d on "
		"127.0.0.1:%d\n",
		(int)broker, broker_port, (int)gloved, http_port);

	int idx = 0;
	for (int qos = 0; qos < 2 && !fail; qos++) {
		if (!(o.qos_mask & (1 << qos)))
			continue;
		for (long r = 0; r < o.rounds && !fail; r++, idx++) {
			run_plan p;
			int64_t t0 = t_first + idx * (span + 60000);
			if (make_plan(&o, t0, cnt, rej, idx == 0, &p, &good, &reject)) {
				fprintf(stderr, "mqtt_bench: out of memory for %ld reports\n",
					o.reports);
				fail = 1;
				break;
			}
			fprintf(stderr, "mqtt_bench: QoS %d round %ld: baseline subscriber\n", qos,
				r + 1);
			if (one_run(&o, &p, qos, broker_port, 0, -1, broker, &base[qos][r]))
				fail = 1;
			fprintf(stderr, "mqtt_bench: QoS %d round %ld: gloved\n", qos, r + 1);
			if (!fail && one_run(&o, &p, qos, broker_port, http_port, gloved, broker,
					     &glv[qos][r]))
				fail = 1;
			ran[qos] = (int)r + 1;
			free_plan(&p);
		}
	}
	/* the peak of ingest, before the check's login: one argon2id hash
	 * takes 64 MiB on its own (crypto_pwhash_MEMLIMIT_INTERACTIVE) */
	if (gloved > 0)
		ingest_rss_kb = bench_proc_status_kb(gloved, "VmHWM");
	if (!fail &&
	    day_totals(http_port, ltime_day_start(t_first), good, reject, &got_good, &got_reject))
		fail = 1;

out:
	if (gloved > 0)
		peak_rss_kb = bench_proc_status_kb(gloved, "VmHWM");
	if (gloved > 0 && bench_stop_daemon(gloved, &daemon_pid)) {
		fprintf(stderr, "mqtt_bench: gloved serve did not stop cleanly\n");
		fail = 1;
	}
	if (broker > 0) {
		kill(broker, SIGTERM);
		waitpid(broker, NULL, 0);
		broker_pid = 0;
	}
	double n = (double)o.reports;
	double max_other = 0;
	int lost = 0;
	printf("\n");
	for (int qos = 0; qos < 2; qos++) {
		int R = ran[qos];
		if (!R)
			continue;
		double bs[20], gs[20], gr[20];
		int ok = 1;
		printf("QoS %d, %d round%s (rates per round: plain subscriber / gloved committed, "
		       "ratio)\n",
		       qos, R, R == 1 ? "" : "s");
		for (int r = 0; r < R; r++) {
			run_result *b = &base[qos][r], *g = &glv[qos][r];
			bs[r] = b->secs;
			gs[r] = g->secs;
			gr[r] = g->recv_secs;
			int rok = b->received == o.reports && g->received == o.reports &&
				  g->messages == o.reports && g->rejected == 0 &&
				  b->failures == 0 && g->failures == 0;
			ok &= rok;
			printf("  round %d: %8.0f / %8.0f msgs/s, %.2f; subscriber got %ld, gloved "
			       "%ld messages, %ld accepted, %ld rejected; other load %.2f / %.2f "
			       "cores%s\n",
			       r + 1, b->secs > 0 ? n / b->secs : 0, g->secs > 0 ? n / g->secs : 0,
			       b->secs > 0 && g->secs > 0 ? b->secs / g->secs : 0, b->received,
			       g->messages, g->received, g->rejected,
			       b->other_cores < 0 ? 0 : b->other_cores,
			       g->other_cores < 0 ? 0 : g->other_cores, rok ? "" : "  MISMATCH");
			if (b->other_cores > max_other)
				max_other = b->other_cores;
			if (g->other_cores > max_other)
				max_other = g->other_cores;
		}
		lost |= !ok;
		double bm = median(bs, R), gm = median(gs, R), grm = median(gr, R);
		double ratio = bm > 0 && gm > 0 ? bm / gm : 0;
		print_rate("median: broker -> plain subscriber (discards)", n, bm, "msgs");
		print_rate("median: broker -> gloved, received", n, grm, "msgs");
		print_rate("median: broker -> gloved, committed", n, gm, "reports");
		printf("  %-46s %10.2f  (target >= 0.90: %s)\n", "ratio gloved / plain subscriber",
		       ratio, ratio >= 0.9 ? "met" : "NOT met");
		/* CPU per message, summed over the rounds */
		double bcpu = 0, bbroker = 0, gcpu = 0, gbroker = 0, gbench = 0;
		long commits = 0;
		for (int r = 0; r < R; r++) {
			bcpu += base[qos][r].bench_cpu_s;
			bbroker += base[qos][r].broker_cpu_s;
			gcpu += glv[qos][r].daemon_cpu_s;
			gbroker += glv[qos][r].broker_cpu_s;
			gbench += glv[qos][r].bench_cpu_s;
			commits += glv[qos][r].commits;
		}
		double all = n * R;
		printf("  %-46s %.2f us per message (baseline runs %.2f us)\n", "mosquitto CPU",
		       gbroker * 1e6 / all, bbroker * 1e6 / all);
		double brecv = 0, grecv = 0, gother = 0;
		for (int r = 0; r < R; r++) {
			brecv += base[qos][r].recv_thread_cpu_s;
			grecv += glv[qos][r].recv_thread_cpu_s;
			gother += glv[qos][r].other_thread_cpu_s;
		}
		printf("  %-46s %.2f us per report: MQTT thread %.2f, other threads (writer) "
		       "%.2f\n",
		       "gloved CPU (user+sys)", gcpu * 1e6 / all, grecv * 1e6 / all,
		       gother * 1e6 / all);
		printf("  %-46s %.2f us per message\n", "plain subscriber's network thread CPU",
		       brecv * 1e6 / all);
		printf("  %-46s %.2f us per message (baseline runs, with the subscriber), "
		       "%.2f us (gloved runs)\n",
		       "benchmark CPU (publishers)", bcpu * 1e6 / all, gbench * 1e6 / all);
		printf("  %-46s %ld commits (%.0f reports each)\n", "gloved writer", commits,
		       commits > 0 ? all / (double)commits : 0);
		printf("RESULT qos=%d M=%ld N=%ld P=%ld R=%d base_msgs_s=%.0f gloved_recv_s=%.0f "
		       "gloved_commit_s=%.0f ratio=%.3f broker_us=%.2f gloved_us=%.2f ok=%d\n",
		       qos, o.machines, o.reports, o.publishers, R, bm > 0 ? n / bm : 0,
		       grm > 0 ? n / grm : 0, gm > 0 ? n / gm : 0, ratio, gbroker * 1e6 / all,
		       gcpu * 1e6 / all, ok);
	}
	printf("%-48s %.1f MiB\n", "gloved peak RSS while ingesting (VmHWM)",
	       (double)ingest_rss_kb / 1024.0);
	printf("%-48s %.1f MiB\n", "gloved peak RSS with the check's login",
	       (double)peak_rss_kb / 1024.0);
	printf("%-48s at most %.2f cores%s\n", "busy with other processes",
	       max_other < 0 ? 0 : max_other,
	       max_other > 0.2 ? "  (a noisy machine: figures scatter)" : "");
	int verified = got_good == good && got_reject == reject;
	printf("day rollups vs sent: good %lld of %lld, reject %lld of %lld: %s\n",
	       (long long)got_good, (long long)good, (long long)got_reject, (long long)reject,
	       verified ? "nothing lost" : "MISMATCH");
	free(cnt);
	free(rej);
	mosquitto_lib_cleanup();
	if (o.keep)
		fprintf(stderr, "mqtt_bench: kept %s\n", tmp_dir);
	else
		bench_remove_dir(tmp_dir);
	return fail || lost || !verified ? 1 : 0;
}
