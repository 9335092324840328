/* SPDX-License-Identifier: Apache-2.0 */
/* livenote.c: see livenote.h. */
#include "app/livenote.h"
#include "util/err.h"
#include "util/log.h"
#include "util/ltime.h"
#include "util/metrics.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

size_t livenote_put(char *note, size_t cap, const live_machine *m)
{
	char hex[2 * sizeof m->reason + 1];
	size_t k = 0;
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof m->reason - 1 && m->reason[i]; i++) {
		unsigned char c = (unsigned char)m->reason[i];
		hex[k++] = digits[c >> 4];
		hex[k++] = digits[c & 15];
	}
	hex[k] = '\0';
	size_t at = strlen(note);
	if (at >= cap)
		return 0;
	int w = snprintf(
	    note + at, cap - at, "%lld,%lld,%d,%lld,%lld,%llu,%llu,%lld,%lld,%lld,%s;",
	    (long long)m->machine_id, (long long)m->rev, m->state, (long long)m->since_ts,
	    (long long)m->last_ts, (unsigned long long)m->count, (unsigned long long)m->reject,
	    (long long)m->good_today, (long long)m->reject_today, (long long)m->today_start, hex);
	if (w < 0 || (size_t)w >= cap - at) {
		note[at] = '\0';
		return 0;
	}
	return (size_t)w;
}

/* One number of an entry ending in `end`; advances *p past it. */
static int num(const char **p, char end, int is_unsigned, int64_t *v, uint64_t *u)
{
	char *e = NULL;
	errno = 0;
	if (is_unsigned) {
		if (**p == '-')
			return -1;
		*u = strtoull(*p, &e, 10);
	} else {
		*v = strtoll(*p, &e, 10);
	}
	if (errno || e == *p || *e != end)
		return -1;
	*p = e + 1;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int entry(const char **p, live_machine *m)
{
	int64_t v[10];
	uint64_t u[2];
	int64_t state = 0;
	memset(m, 0, sizeof *m);
	if (num(p, ',', 0, &v[0], NULL) || num(p, ',', 0, &v[1], NULL) ||
	    num(p, ',', 0, &state, NULL) || num(p, ',', 0, &v[2], NULL) ||
	    num(p, ',', 0, &v[3], NULL) || num(p, ',', 1, NULL, &u[0]) ||
	    num(p, ',', 1, NULL, &u[1]) || num(p, ',', 0, &v[4], NULL) ||
	    num(p, ',', 0, &v[5], NULL) || num(p, ',', 0, &v[6], NULL))
		return -1;
	if (v[0] <= 0 || state < -1000 || state > 1000)
		return -1;
	size_t k = 0;
	while (**p && **p != ';') {
		int a = hexval((*p)[0]), b = a < 0 ? -1 : hexval((*p)[1]);
		if (b < 0 || k + 1 >= sizeof m->reason)
			return -1;
		m->reason[k++] = (char)(a << 4 | b);
		*p += 2;
	}
	if (**p != ';')
		return -1;
	(*p)++;
	m->machine_id = v[0];
	m->rev = v[1];
	m->state = (int)state;
	m->since_ts = v[2];
	m->last_ts = v[3];
	m->count = u[0];
	m->reject = u[1];
	m->good_today = v[4];
	m->reject_today = v[5];
	m->today_start = v[6];
	return 0;
}

int livenote_parse(const char *note, char sender[16], live_machine **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (strncmp(note, "L ", 2) != 0)
		return GLOVED_EINVAL;
	const char *p = note + 2;
	const char *sp = strchr(p, ' ');
	if (!sp || sp == p || (size_t)(sp - p) >= 16)
		return GLOVED_EINVAL;
	memcpy(sender, p, (size_t)(sp - p));
	sender[sp - p] = '\0';
	p = sp + 1;
	size_t cap = 0;
	for (const char *q = p; *q; q++)
		cap += *q == ';';
	live_machine *a = malloc((cap ? cap : 1) * sizeof *a);
	if (!a)
		return GLOVED_ENOMEM;
	size_t k = 0;
	while (*p) {
		if (k == cap || entry(&p, &a[k])) {
			free(a);
			return GLOVED_EINVAL;
		}
		k++;
	}
	*out = a;
	*n = k;
	return GLOVED_OK;
}

struct livenote {
	store *db;
	live *lv;
	registry *reg;
	firmcal_cache *cals;
	char self[16];
	pthread_t thread;
	atomic_int stop;
};

static int on_note(void *ctx, const char *note)
{
	livenote *n = ctx;
	if (note[0] == 'C' && note[1] == ' ') {
		char *e = NULL;
		long long ent = strtoll(note + 2, &e, 10);
		if (e != note + 2 && *e == '\0' && ent > 0)
			firmcal_forget(n->cals, ent);
		return GLOVED_OK;
	}
	char sender[16];
	live_machine *m = NULL;
	size_t k = 0;
	if (livenote_parse(note, sender, &m, &k)) {
		log_warn("live notes: a note that is not one (%.40s)", note);
		return GLOVED_OK;
	}
	if (strcmp(sender, n->self) != 0 && k) {
		live_update(n->lv, m, k);
		metrics_add(M_LIVE_NOTES, (int64_t)k);
	}
	free(m);
	return GLOVED_OK;
}

static void nap(livenote *n, int ms)
{
	for (int i = 0; i < ms / 50 && !atomic_load(&n->stop); i++) {
		struct timespec ts = {0, 50 * 1000000L};
		nanosleep(&ts, NULL);
	}
}

static void *run(void *arg)
{
	livenote *n = arg;
	int listening = 0;
	int64_t last_reg = 0;
	while (!atomic_load(&n->stop)) {
		if (!listening) {
			if (store_listen(n->db) != GLOVED_OK) {
				log_warn("live notes: cannot listen: %s", store_errmsg(n->db));
				nap(n, 1000);
				continue;
			}
			listening = 1;
		}
		int rc = store_wait_notify(n->db, 250, on_note, n);
		if (rc) {
			log_warn("live notes: %s (%s)", gloved_strerror(rc), store_errmsg(n->db));
			listening = 0;
			nap(n, 1000);
			continue;
		}
		int64_t now = ltime_mono_ms();
		if (now - last_reg >= 1000) {
			last_reg = now;
			registry_refresh(n->reg, n->db, 0); /* another instance's change */
		}
	}
	return NULL;
}

int livenote_start(store *ldb, live *lv, registry *reg, firmcal_cache *cals, const char *self,
		   livenote **out)
{
	*out = NULL;
	livenote *n = calloc(1, sizeof *n);
	if (!n)
		return GLOVED_ENOMEM;
	n->db = ldb;
	n->lv = lv;
	n->reg = reg;
	n->cals = cals;
	snprintf(n->self, sizeof n->self, "%s", self);
	if (pthread_create(&n->thread, NULL, run, n)) {
		free(n);
		return GLOVED_ENOMEM;
	}
	*out = n;
	return GLOVED_OK;
}

void livenote_stop(livenote *n)
{
	if (!n)
		return;
	atomic_store(&n->stop, 1);
	pthread_join(n->thread, NULL);
	store_close(n->db);
	free(n);
}
