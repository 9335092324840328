/* SPDX-License-Identifier: Apache-2.0 */
/* fleet.c: see fleet.h. A small array searched linearly: a cluster has
 * hundreds of gateways, not millions. */
#include "app/fleet.h"
#include "util/err.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
	fleet_entry e;
	int64_t minute; /* the minute being counted */
	uint64_t this_minute, last_minute;
} slot;

struct fleet {
	pthread_mutex_t mu;
	slot *s;
	size_t n, cap;
};

fleet *fleet_new(void)
{
	fleet *f = calloc(1, sizeof *f);
	if (f)
		pthread_mutex_init(&f->mu, NULL);
	return f;
}

void fleet_free(fleet *f)
{
	if (!f)
		return;
	pthread_mutex_destroy(&f->mu);
	free(f->s);
	free(f);
}

/* Finds or adds the entry; NULL on OOM. Called with mu held. */
static slot *find(fleet *f, int64_t ent, int proto, const char *name, int64_t now_ms)
{
	for (size_t i = 0; i < f->n; i++) {
		fleet_entry *e = &f->s[i].e;
		if (e->enterprise_id == ent && e->proto == proto && strcmp(e->name, name) == 0)
			return &f->s[i];
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 32;
		slot *p = realloc(f->s, cap * sizeof *p);
		if (!p)
			return NULL;
		f->s = p;
		f->cap = cap;
	}
	slot *s = &f->s[f->n++];
	memset(s, 0, sizeof *s);
	s->e.enterprise_id = ent;
	s->e.proto = proto;
	snprintf(s->e.name, sizeof s->e.name, "%s", name);
	s->e.first_seen_ms = now_ms;
	s->e.online = -1;
	s->minute = now_ms / 60000;
	return s;
}

static void roll(slot *s, int64_t now_ms)
{
	int64_t m = now_ms / 60000;
	if (m == s->minute)
		return;
	s->last_minute = m == s->minute + 1 ? s->this_minute : 0;
	s->this_minute = 0;
	s->minute = m;
}

void fleet_seen(fleet *f, int64_t ent, int proto, const char *name, int64_t machine_id,
		int64_t now_ms)
{
	pthread_mutex_lock(&f->mu);
	slot *s = find(f, ent, proto, name, now_ms);
	if (s) {
		roll(s, now_ms);
		s->this_minute++;
		s->e.messages++;
		s->e.last_seen_ms = now_ms;
		if (machine_id > 0) {
			size_t k = 0;
			while (k < s->e.n_machines && s->e.machines[k] != machine_id)
				k++;
			if (k == s->e.n_machines && k < FLEET_MAX_MACHINES)
				s->e.machines[s->e.n_machines++] = machine_id;
		}
	}
	pthread_mutex_unlock(&f->mu);
}

void fleet_error(fleet *f, int64_t ent, int proto, const char *name, const char *msg,
		 int64_t now_ms)
{
	pthread_mutex_lock(&f->mu);
	slot *s = find(f, ent, proto, name, now_ms);
	if (s) {
		s->e.errors++;
		snprintf(s->e.last_error, sizeof s->e.last_error, "%s", msg);
		s->e.last_error_ms = now_ms;
	}
	pthread_mutex_unlock(&f->mu);
}

void fleet_set_online(fleet *f, int64_t ent, int proto, const char *name, int online,
		      int64_t now_ms)
{
	pthread_mutex_lock(&f->mu);
	slot *s = find(f, ent, proto, name, now_ms);
	if (s)
		s->e.online = online;
	pthread_mutex_unlock(&f->mu);
}

int fleet_list(fleet *f, store_scope sc, int64_t now_ms, fleet_entry **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	pthread_mutex_lock(&f->mu);
	fleet_entry *arr = malloc((f->n ? f->n : 1) * sizeof *arr);
	if (!arr) {
		pthread_mutex_unlock(&f->mu);
		return GLOVED_ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; i < f->n; i++) {
		slot *s = &f->s[i];
		if (sc.enterprise_id && s->e.enterprise_id != sc.enterprise_id)
			continue;
		roll(s, now_ms);
		arr[k] = s->e;
		arr[k].msgs_per_min = s->last_minute;
		k++;
	}
	pthread_mutex_unlock(&f->mu);
	*out = arr;
	*n = k;
	return GLOVED_OK;
}

const char *fleet_proto_name(int proto)
{
	static const char *const names[] = {"http", "mqtt", "sparkplug", "modbus"};
	return proto >= 0 && proto <= FLEET_MODBUS ? names[proto] : "unknown";
}
