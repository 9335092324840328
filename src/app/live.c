/* SPDX-License-Identifier: Apache-2.0 */
/* live.c: see live.h. Entries sit in an array indexed by machine id
 * (ids are dense rowids), grown as machines appear. */
#include "app/live.h"
#include "core/state.h"
#include "util/err.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIVE_DEFAULT_OFFLINE_MS 120000

struct live {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	live_machine *m;
	size_t cap;
	uint64_t version;
	int shutdown;
};

live *live_new(void)
{
	live *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	pthread_mutex_init(&l->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cv, &ca);
	pthread_condattr_destroy(&ca);
	return l;
}

void live_free(live *l)
{
	if (!l)
		return;
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
	free(l->m);
	free(l);
}

int live_update(live *l, const live_machine *entries, size_t n)
{
	int rc = GLOVED_OK;
	pthread_mutex_lock(&l->mu);
	l->version++;
	for (size_t i = 0; i < n; i++) {
		size_t id = (size_t)entries[i].machine_id;
		if (id >= l->cap) {
			size_t cap = l->cap ? l->cap : 64;
			while (cap <= id)
				cap *= 2;
			live_machine *p = realloc(l->m, cap * sizeof *p);
			if (!p) {
				rc = GLOVED_ENOMEM;
				break;
			}
			memset(p + l->cap, 0, (cap - l->cap) * sizeof *p);
			l->m = p;
			l->cap = cap;
		}
		if (entries[i].rev && l->m[id].rev > entries[i].rev)
			continue; /* another instance's newer change came first */
		l->m[id] = entries[i];
		l->m[id].version = l->version;
	}
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
	return rc;
}

void live_get(live *l, int64_t machine_id, live_machine *out)
{
	pthread_mutex_lock(&l->mu);
	if (machine_id >= 0 && (size_t)machine_id < l->cap && l->m[machine_id].machine_id) {
		*out = l->m[machine_id];
	} else {
		memset(out, 0, sizeof *out);
		out->machine_id = machine_id;
		out->state = MS_UNKNOWN;
	}
	pthread_mutex_unlock(&l->mu);
}

uint64_t live_version(live *l)
{
	pthread_mutex_lock(&l->mu);
	uint64_t v = l->version;
	pthread_mutex_unlock(&l->mu);
	return v;
}

uint64_t live_wait(live *l, uint64_t since, int timeout_ms)
{
	struct timespec dl;
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += timeout_ms / 1000;
	dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&l->mu);
	while (l->version <= since && !l->shutdown) {
		if (pthread_cond_timedwait(&l->cv, &l->mu, &dl) == ETIMEDOUT)
			break;
	}
	uint64_t v = l->version;
	pthread_mutex_unlock(&l->mu);
	return v;
}

void live_shutdown(live *l)
{
	pthread_mutex_lock(&l->mu);
	l->shutdown = 1;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

int live_is_shutdown(live *l)
{
	pthread_mutex_lock(&l->mu);
	int s = l->shutdown;
	pthread_mutex_unlock(&l->mu);
	return s;
}

void live_today(const live_machine *m, int64_t today_start, int64_t *good, int64_t *reject)
{
	if (m->today_start == today_start) {
		*good = m->good_today;
		*reject = m->reject_today;
	} else {
		*good = 0;
		*reject = 0;
	}
}

void live_machine_view(live *l, firmcal_cache *cals, store *s, const store_machine *m,
		       int64_t now_ms, live_view *out)
{
	memset(out, 0, sizeof *out);
	live_get(l, m->id, &out->m);
	const firm_cal *fc = cals ? firmcal_get(cals, s, m->enterprise_id) : NULL;
	if (fc) {
		out->offline_after_ms = fc->offline_after_ms;
		out->today_start = tz_day_start_ms(&fc->zone, now_ms);
	} else { /* out of memory: the writer's day and the default rule */
		out->offline_after_ms = LIVE_DEFAULT_OFFLINE_MS;
		out->today_start = out->m.today_start;
	}
	live_today(&out->m, out->today_start, &out->good_today, &out->reject_today);
	out->state = state_effective(out->m.state, out->m.last_ts, now_ms, out->offline_after_ms);
}
