/* SPDX-License-Identifier: Apache-2.0 */
/* modbus.c: see modbus.h. One supervisor thread watches the registry
 * revision and keeps one thread per enabled device; each device thread
 * connects with libmodbus, polls, and on failure closes the connection and
 * backs off. Every wait is on one condition variable (monotonic clock), so
 * modbus_poller_stop wakes them all at once; a thread inside a libmodbus call
 * returns within the device's timeout. */
#include "ingest/modbus.h"
#include "core/state.h"
#include "ingest/modbus_decode.h"
#include "ingest/reject_log.h"
#include "ingest/report.h"
#include "util/err.h"
#include "util/log.h"
#include "util/ltime.h"
#include "util/metrics.h"

#include <errno.h>
#include <modbus.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define THREAD_STACK (512 * 1024)

typedef struct device {
	modbus_poller *p;
	store_modbus_device cfg;
	mbus_state_map map;
	mbus_plan plan;          /* which registers to read */
	int pk_reject, pk_state; /* where reject and state sit in the packed values (-1: absent) */
	mbus_word_order order;
	char name[176]; /* fleet name: host:port/unit */
	pthread_t th;
	int quit;                /* under p->mu: stop this device only */
	pthread_mutex_t sock_mu; /* guards sock against close/reuse while stopping */
	int sock;                /* the connected socket, -1 when none */
	_Atomic int online;      /* -1 unknown, 0 not answering, 1 answering */
	reject_log *errlog;      /* its failures' log lines, once a minute at most */
	int64_t last_ts_ms;      /* ts of the last report: the next is always later */
	int listed;              /* supervisor: still in the store's list */
} device;

struct modbus_poller {
	modbus_poller_options opt;
	registry *reg;
	store *rdb; /* the supervisor's */
	writer *w;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* CLOCK_MONOTONIC */
	int stop;
	pthread_t sup;
	device **devs; /* owned by the supervisor thread */
	size_t n_devs, cap_devs;
};

/* Waits until the monotonic deadline; returns 1, or 0 when the device or
 * the poller is stopping. */
static int wait_until(modbus_poller *p, const int *quit, int64_t deadline_ms)
{
	pthread_mutex_lock(&p->mu);
	for (;;) {
		if (p->stop || (quit && *quit))
			break;
		int64_t now = ltime_mono_ms();
		if (now >= deadline_ms)
			break;
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		int64_t left = deadline_ms - now;
		ts.tv_sec += (time_t)(left / 1000);
		ts.tv_nsec += (long)(left % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->cv, &p->mu, &ts);
	}
	int go = !p->stop && !(quit && *quit);
	pthread_mutex_unlock(&p->mu);
	return go;
}

static void set_online(device *d, int online, int64_t now_ms)
{
	if (atomic_exchange(&d->online, online) == online)
		return;
	if (d->p->opt.fleet)
		fleet_set_online(d->p->opt.fleet, d->cfg.enterprise_id, FLEET_MODBUS, d->name,
				 online, now_ms);
}

/* A failed connect or poll: counted, logged at most once a minute, and on
 * the first failure of a streak the machine is marked offline. */
static void device_failed(device *d, const char *why)
{
	modbus_poller *p = d->p;
	int64_t now = ltime_now_ms();
	metrics_add(M_MODBUS_ERRORS, 1);
	if (p->opt.fleet)
		fleet_error(p->opt.fleet, d->cfg.enterprise_id, FLEET_MODBUS, d->name, why, now);
	reject_log_warn(d->errlog, "", ltime_mono_ms(), "%s (machine %s/%s): %s", d->name,
			d->cfg.enterprise_code, d->cfg.machine_code, why);
	if (atomic_load(&d->online) != 0) {
		ingest_record r;
		memset(&r, 0, sizeof r);
		r.machine_id = d->cfg.machine_id;
		r.ts_ms = now > d->last_ts_ms ? now : d->last_ts_ms + 1; /* see device_answered */
		r.state = MS_OFFLINE;
		r.state_only = 1;
		int rc = writer_submit_async(p->w, &r, 1);
		if (rc)
			log_warn("modbus: %s: cannot mark machine offline: %s", d->name,
				 gloved_strerror(rc));
		set_online(d, 0, now);
	}
}

/* One poll answered: registers -> report -> writer. */
static void device_answered(device *d, const uint16_t *regs)
{
	modbus_poller *p = d->p;
	int64_t now = ltime_now_ms();
	/* gloved stamps these reports itself: if the wall clock steps back, keep
	 * them in poll order, or a later (higher) count would be placed before an
	 * earlier one and the fall taken for a reset */
	if (now <= d->last_ts_ms)
		now = d->last_ts_ms + 1;
	const store_modbus_device *c = &d->cfg;
	ingest_record r;
	memset(&r, 0, sizeof r);
	r.machine_id = c->machine_id;
	r.ts_ms = now;
	r.count = mbus_counter_value(regs, c->counter_words, d->order);
	if (d->pk_reject >= 0)
		r.reject = mbus_counter_value(regs + d->pk_reject, c->counter_words, d->order);
	r.state = MS_RUN;
	if (d->pk_state >= 0) {
		uint16_t v = regs[d->pk_state];
		int st = mbus_state_lookup(&d->map, v);
		if (st < 0) {
			/* keep the counters; say what the device said */
			r.state = MS_STOP;
			snprintf(r.reason, sizeof r.reason, "modbus_state_%u", (unsigned)v);
		} else {
			r.state = st;
		}
	}
	metrics_add(M_MODBUS_POLLS, 1);
	store_machine m;
	if (registry_machine(p->reg, c->machine_id, &m)) {
		device_failed(d, "machine no longer in the registry");
		return;
	}
	report_ctx ctx = {
	    p->reg, NULL, m.enterprise_id, c->enterprise_code, now, p->opt.max_future_ms, NULL};
	report_error err;
	if (report_check(&ctx, &m, &r, 0, &err)) {
		metrics_add(M_REPORTS_REJECTED, 1);
		device_failed(d, err.message);
		return;
	}
	int rc = writer_submit_async(p->w, &r, 1);
	if (!rc)
		d->last_ts_ms = now;
	if (rc) {
		char why[96];
		snprintf(why, sizeof why, "writer: %s", gloved_strerror(rc));
		device_failed(d, why);
		return;
	}
	if (p->opt.fleet)
		fleet_seen(p->opt.fleet, c->enterprise_id, FLEET_MODBUS, d->name, c->machine_id,
			   now);
	if (atomic_load(&d->online) != 1) {
		if (atomic_load(&d->online) == 0)
			log_info("modbus: %s (machine %s/%s) answers again", d->name,
				 c->enterprise_code, c->machine_code);
		set_online(d, 1, now);
	}
}

static modbus_t *device_connect(device *d, char *why, size_t whylen)
{
	const store_modbus_device *c = &d->cfg;
	char port[8];
	snprintf(port, sizeof port, "%d", c->port);
	modbus_t *ctx = modbus_new_tcp_pi(c->host, port);
	if (!ctx) {
		snprintf(why, whylen, "cannot create a Modbus context: %s", modbus_strerror(errno));
		return NULL;
	}
	uint32_t sec = (uint32_t)(c->timeout_ms / 1000);
	uint32_t usec = (uint32_t)(c->timeout_ms % 1000) * 1000;
	if (modbus_set_slave(ctx, c->unit_id) == -1 ||
	    modbus_set_response_timeout(ctx, sec, usec) == -1 ||
	    modbus_set_byte_timeout(ctx, sec, usec) == -1) {
		snprintf(why, whylen, "bad device settings: %s", modbus_strerror(errno));
		modbus_free(ctx);
		return NULL;
	}
	if (modbus_connect(ctx) == -1) {
		snprintf(why, whylen, "connect: %s", modbus_strerror(errno));
		modbus_free(ctx);
		return NULL;
	}
	return ctx;
}

static int device_read(device *d, modbus_t *ctx, uint16_t *regs, char *why, size_t whylen)
{
	uint16_t got[MBUS_READ_MAX];
	int at = 0;
	for (int i = 0; i < d->plan.n_reads; i++) {
		int start = d->plan.read[i].start, count = d->plan.read[i].count;
		int n = modbus_read_registers(ctx, start, count, got + at);
		if (n != count) {
			snprintf(why, whylen, "read of %d register(s) at %d: %s", count, start,
				 n < 0 ? modbus_strerror(errno) : "short answer");
			return -1;
		}
		at += count;
	}
	mbus_pick(&d->plan, d->cfg.counter_words, got, regs);
	return 0;
}

/* Whether the device or the whole poller is being stopped. */
static int stopping(device *d)
{
	pthread_mutex_lock(&d->p->mu);
	int s = d->p->stop || d->quit;
	pthread_mutex_unlock(&d->p->mu);
	return s;
}

static void device_close(device *d, modbus_t *ctx)
{
	pthread_mutex_lock(&d->sock_mu);
	d->sock = -1;
	modbus_close(ctx);
	pthread_mutex_unlock(&d->sock_mu);
	modbus_free(ctx);
}

/* Wakes a device thread blocked in a request (stop): the request fails at
 * once instead of after its timeout. */
static void device_interrupt(device *d)
{
	pthread_mutex_lock(&d->sock_mu);
	if (d->sock >= 0)
		shutdown(d->sock, SHUT_RDWR);
	pthread_mutex_unlock(&d->sock_mu);
}

static void *device_main(void *arg)
{
	device *d = arg;
	modbus_poller *p = d->p;
	modbus_t *ctx = NULL;
	int failures = 0;
	int64_t next_ms = ltime_mono_ms();
	/* regs holds counter, reject, state packed; device_answered reads it
	 * through a plan whose offsets match that packing */
	while (wait_until(p, &d->quit, next_ms)) {
		int64_t t0 = ltime_mono_ms();
		char why[200] = "";
		uint16_t regs[MBUS_PICK_MAX] = {0};
		if (!ctx) {
			ctx = device_connect(d, why, sizeof why);
			if (ctx) {
				pthread_mutex_lock(&d->sock_mu);
				d->sock = modbus_get_socket(ctx);
				pthread_mutex_unlock(&d->sock_mu);
			}
		}
		if (ctx && device_read(d, ctx, regs, why, sizeof why) == 0) {
			failures = 0;
			device_answered(d, regs);
			next_ms = t0 + d->cfg.poll_ms;
			continue;
		}
		if (ctx) {
			device_close(d, ctx);
			ctx = NULL;
		}
		if (stopping(d))
			break; /* interrupted by the stop: not the device's fault */
		failures++;
		device_failed(d, why);
		next_ms = ltime_mono_ms() + mbus_backoff_ms(failures);
	}
	if (ctx)
		device_close(d, ctx);
	return NULL;
}

/* Checks a stored device and prepares its plan and map; 0 or -1 (logged). */
static int device_prepare(device *d)
{
	store_modbus_device *c = &d->cfg;
	char err[160];
	int order = mbus_word_order_parse(c->word_order);
	int rc = -1;
	if (order < 0) {
		snprintf(err, sizeof err, "word order '%s' is not big or little", c->word_order);
		goto out;
	}
	d->order = (mbus_word_order)order;
	if (mbus_plan_reads(c->counter_reg, c->counter_words, c->reject_reg, c->state_reg,
			    &d->plan)) {
		snprintf(err, sizeof err, "bad registers (counter %d x%d, reject %d, state %d)",
			 c->counter_reg, c->counter_words, c->reject_reg, c->state_reg);
		goto out;
	}
	/* device_read packs the values: counter, reject, state */
	int k = c->counter_words;
	d->pk_reject = d->pk_state = -1;
	if (c->reject_reg >= 0) {
		d->pk_reject = k;
		k += c->counter_words;
	}
	if (c->state_reg >= 0)
		d->pk_state = k;
	if (c->state_reg >= 0 && mbus_state_map_parse(c->state_map, &d->map, err, sizeof err))
		goto out;
	if (c->poll_ms < 100 || c->timeout_ms < 100) {
		snprintf(err, sizeof err, "poll_ms and timeout_ms must be at least 100");
		goto out;
	}
	rc = 0;
out:
	if (rc)
		log_error("modbus: device of machine %s/%s not polled: %s", c->enterprise_code,
			  c->machine_code, err);
	return rc;
}

static void device_stop(device *d)
{
	pthread_mutex_lock(&d->p->mu);
	d->quit = 1;
	pthread_cond_broadcast(&d->p->cv);
	pthread_mutex_unlock(&d->p->mu);
	device_interrupt(d);
	pthread_join(d->th, NULL);
	set_online(d, -1, ltime_now_ms());
	pthread_mutex_destroy(&d->sock_mu);
	reject_log_close(d->errlog);
	free(d);
}

/* Starts threads for new enabled devices, stops those gone or disabled. */
static void sync_devices(modbus_poller *p, const store_modbus_device *list, size_t n)
{
	for (size_t i = 0; i < p->n_devs; i++)
		p->devs[i]->listed = 0;
	for (size_t k = 0; k < n; k++) {
		if (!list[k].enabled)
			continue;
		device *found = NULL;
		for (size_t i = 0; i < p->n_devs && !found; i++)
			if (p->devs[i]->cfg.machine_id == list[k].machine_id)
				found = p->devs[i];
		if (found) {
			found->listed = 1;
			continue;
		}
		if (p->n_devs == p->cap_devs) {
			size_t cap = p->cap_devs ? p->cap_devs * 2 : 16;
			device **nd = realloc(p->devs, cap * sizeof *nd);
			if (!nd) {
				log_error("modbus: out of memory adding a device");
				return;
			}
			p->devs = nd;
			p->cap_devs = cap;
		}
		device *d = calloc(1, sizeof *d);
		if (!d) {
			log_error("modbus: out of memory adding a device");
			return;
		}
		d->errlog = reject_log_open("modbus", 1, REJECT_LOG_INTERVAL_MS, 1);
		if (!d->errlog) {
			log_error("modbus: out of memory adding a device");
			free(d);
			return;
		}
		d->p = p;
		d->cfg = list[k];
		d->sock = -1;
		atomic_init(&d->online, -1);
		snprintf(d->name, sizeof d->name, "%s:%d/%d", d->cfg.host, d->cfg.port,
			 d->cfg.unit_id);
		if (device_prepare(d)) {
			reject_log_close(d->errlog);
			free(d);
			continue;
		}
		pthread_mutex_init(&d->sock_mu, NULL);
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, THREAD_STACK);
		int rc = pthread_create(&d->th, &attr, device_main, d);
		pthread_attr_destroy(&attr);
		if (rc) {
			log_error("modbus: cannot start a thread for %s", d->name);
			pthread_mutex_destroy(&d->sock_mu);
			reject_log_close(d->errlog);
			free(d);
			continue;
		}
		d->listed = 1;
		p->devs[p->n_devs++] = d;
		log_info("modbus: polling %s for machine %s/%s every %lld ms", d->name,
			 d->cfg.enterprise_code, d->cfg.machine_code, (long long)d->cfg.poll_ms);
	}
	for (size_t i = 0; i < p->n_devs;) {
		if (p->devs[i]->listed) {
			i++;
			continue;
		}
		log_info("modbus: no longer polling %s", p->devs[i]->name);
		device_stop(p->devs[i]);
		p->devs[i] = p->devs[--p->n_devs];
	}
	metrics_set(M_MODBUS_DEVICES, (int64_t)p->n_devs);
}

static void *supervisor_main(void *arg)
{
	modbus_poller *p = arg;
	int64_t loaded_rev = -1;
	int64_t every = p->opt.rescan_ms > 0 ? p->opt.rescan_ms : 1000;
	/* NULL (out of memory) only lifts the limit */
	reject_log *errlog = reject_log_open("modbus", 1, REJECT_LOG_INTERVAL_MS, 1);
	do {
		int64_t rev = 0;
		int rc = store_registry_rev(p->rdb, &rev);
		if (!rc && rev != loaded_rev) {
			store_modbus_device *list = NULL;
			size_t n = 0;
			store_scope all = {0};
			rc = registry_refresh(p->reg, p->rdb, 0);
			if (!rc)
				rc = store_modbus_device_list(p->rdb, all, &list, &n);
			if (!rc) {
				sync_devices(p, list, n);
				loaded_rev = rev;
			}
			free(list);
		}
		if (rc)
			reject_log_warn(errlog, "", ltime_mono_ms(),
					"cannot read the device list: %s (%s)", gloved_strerror(rc),
					store_errmsg(p->rdb));
	} while (wait_until(p, NULL, ltime_mono_ms() + every));
	/* p->stop is set: interrupt every request first, then join one by one */
	for (size_t i = 0; i < p->n_devs; i++)
		device_interrupt(p->devs[i]);
	for (size_t i = 0; i < p->n_devs; i++)
		device_stop(p->devs[i]);
	p->n_devs = 0;
	reject_log_close(errlog);
	metrics_set(M_MODBUS_DEVICES, 0);
	return NULL;
}

int modbus_poller_start(const modbus_poller_options *opt, registry *reg, store *rdb, writer *w,
			modbus_poller **out)
{
	*out = NULL;
	modbus_poller *p = calloc(1, sizeof *p);
	if (!p) {
		store_close(rdb);
		return GLOVED_ENOMEM;
	}
	p->opt = *opt;
	p->reg = reg;
	p->rdb = rdb;
	p->w = w;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&p->mu, NULL);
	if (pthread_create(&p->sup, NULL, supervisor_main, p)) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
		store_close(rdb);
		free(p);
		return GLOVED_EIO;
	}
	*out = p;
	return GLOVED_OK;
}

void modbus_poller_stop(modbus_poller *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->sup, NULL);
	free(p->devs);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	store_close(p->rdb);
	free(p);
}
