/* SPDX-License-Identifier: Apache-2.0 */
/* registry.c: see registry.h. Lists are small (thousands of machines), so
 * they are kept sorted arrays: machines by id (ids are dense rowids) and a
 * sorted index by (enterprise, code) for binary search. */
#include "app/registry.h"
#include "util/err.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct registry {
	pthread_rwlock_t lock;
	int64_t rev;
	store_enterprise *ents;
	size_t n_ents;
	store_workshop *wss;
	size_t n_wss;
	store_machine *machines; /* sorted by id */
	size_t n_machines;
	size_t *by_code; /* indexes into machines sorted by (enterprise_id, code) */
};

registry *registry_new(void)
{
	registry *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	pthread_rwlock_init(&r->lock, NULL);
	return r;
}

static void drop(registry *r)
{
	free(r->ents);
	free(r->wss);
	free(r->machines);
	free(r->by_code);
	r->ents = NULL;
	r->wss = NULL;
	r->machines = NULL;
	r->by_code = NULL;
	r->n_ents = r->n_wss = r->n_machines = 0;
}

void registry_free(registry *r)
{
	if (!r)
		return;
	drop(r);
	pthread_rwlock_destroy(&r->lock);
	free(r);
}

static const store_machine *sort_base;
static int cmp_code(const void *a, const void *b)
{
	const store_machine *x = &sort_base[*(const size_t *)a];
	const store_machine *y = &sort_base[*(const size_t *)b];
	if (x->enterprise_id != y->enterprise_id)
		return x->enterprise_id < y->enterprise_id ? -1 : 1;
	return strcmp(x->code, y->code);
}
static int cmp_id(const void *a, const void *b)
{
	const store_machine *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

int registry_refresh(registry *r, store *s, int force)
{
	static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;
	int64_t rev = 0;
	int rc = store_registry_rev(s, &rev);
	if (rc)
		return rc;
	pthread_rwlock_rdlock(&r->lock);
	int same = rev == r->rev;
	pthread_rwlock_unlock(&r->lock);
	if (same && !force)
		return GLOVED_OK;
	store_scope all = {0};
	store_enterprise *ents = NULL;
	store_workshop *wss = NULL;
	store_machine *ms = NULL;
	size_t ne = 0, nw = 0, nm = 0;
	size_t *idx = NULL;
	if ((rc = store_enterprise_list(s, all, &ents, &ne)) ||
	    (rc = store_workshop_list(s, all, 0, &wss, &nw)) ||
	    (rc = store_machine_list(s, all, &ms, &nm)))
		goto fail;
	idx = malloc((nm ? nm : 1) * sizeof *idx);
	if (!idx) {
		rc = GLOVED_ENOMEM;
		goto fail;
	}
	if (nm)
		qsort(ms, nm, sizeof *ms, cmp_id);
	for (size_t i = 0; i < nm; i++)
		idx[i] = i;
	pthread_mutex_lock(&sort_lock);
	sort_base = ms;
	if (nm)
		qsort(idx, nm, sizeof *idx, cmp_code);
	pthread_mutex_unlock(&sort_lock);
	pthread_rwlock_wrlock(&r->lock);
	drop(r);
	r->ents = ents;
	r->n_ents = ne;
	r->wss = wss;
	r->n_wss = nw;
	r->machines = ms;
	r->n_machines = nm;
	r->by_code = idx;
	r->rev = rev;
	pthread_rwlock_unlock(&r->lock);
	return GLOVED_OK;
fail:
	free(ents);
	free(wss);
	free(ms);
	free(idx);
	return rc;
}

int64_t registry_rev(registry *r)
{
	pthread_rwlock_rdlock(&r->lock);
	int64_t v = r->rev;
	pthread_rwlock_unlock(&r->lock);
	return v;
}

static const store_machine *find_id(const registry *r, int64_t id)
{
	size_t lo = 0, hi = r->n_machines;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->machines[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->n_machines && r->machines[lo].id == id ? &r->machines[lo] : NULL;
}

int registry_machine(registry *r, int64_t machine_id, store_machine *out)
{
	pthread_rwlock_rdlock(&r->lock);
	const store_machine *m = find_id(r, machine_id);
	if (m)
		*out = *m;
	pthread_rwlock_unlock(&r->lock);
	return m ? GLOVED_OK : GLOVED_ENOTFOUND;
}

int registry_machine_by_code(registry *r, int64_t enterprise_id, const char *code,
			     store_machine *out)
{
	int rc = GLOVED_ENOTFOUND;
	pthread_rwlock_rdlock(&r->lock);
	size_t lo = 0, hi = r->n_machines;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const store_machine *m = &r->machines[r->by_code[mid]];
		int c = m->enterprise_id != enterprise_id
			    ? (m->enterprise_id < enterprise_id ? -1 : 1)
			    : strcmp(m->code, code);
		if (c < 0) {
			lo = mid + 1;
		} else if (c > 0) {
			hi = mid;
		} else {
			*out = *m;
			rc = GLOVED_OK;
			break;
		}
	}
	pthread_rwlock_unlock(&r->lock);
	return rc;
}

int registry_enterprise(registry *r, int64_t id, store_enterprise *out)
{
	int rc = GLOVED_ENOTFOUND;
	pthread_rwlock_rdlock(&r->lock);
	for (size_t i = 0; i < r->n_ents; i++) {
		if (r->ents[i].id == id) {
			*out = r->ents[i];
			rc = GLOVED_OK;
			break;
		}
	}
	pthread_rwlock_unlock(&r->lock);
	return rc;
}

int registry_enterprise_by_code(registry *r, const char *code, store_enterprise *out)
{
	int rc = GLOVED_ENOTFOUND;
	pthread_rwlock_rdlock(&r->lock);
	for (size_t i = 0; i < r->n_ents; i++) {
		if (strcmp(r->ents[i].code, code) == 0) {
			*out = r->ents[i];
			rc = GLOVED_OK;
			break;
		}
	}
	pthread_rwlock_unlock(&r->lock);
	return rc;
}

int registry_workshop(registry *r, int64_t id, store_workshop *out)
{
	int rc = GLOVED_ENOTFOUND;
	pthread_rwlock_rdlock(&r->lock);
	for (size_t i = 0; i < r->n_wss; i++) {
		if (r->wss[i].id == id) {
			*out = r->wss[i];
			rc = GLOVED_OK;
			break;
		}
	}
	pthread_rwlock_unlock(&r->lock);
	return rc;
}

int registry_workshop_by_code(registry *r, int64_t enterprise_id, const char *code,
			      store_workshop *out)
{
	int rc = GLOVED_ENOTFOUND;
	pthread_rwlock_rdlock(&r->lock);
	for (size_t i = 0; i < r->n_wss; i++) {
		if (r->wss[i].enterprise_id == enterprise_id && strcmp(r->wss[i].code, code) == 0) {
			*out = r->wss[i];
			rc = GLOVED_OK;
			break;
		}
	}
	pthread_rwlock_unlock(&r->lock);
	return rc;
}

/* Copies the elements of arr (n of them, elem bytes each) whose enterprise
 * id (at ent_off) is in scope. */
static int copy_scoped(const void *arr, size_t n, size_t elem, size_t ent_off, store_scope sc,
		       void **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	char *dst = malloc((n ? n : 1) * elem);
	if (!dst)
		return GLOVED_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *src = (const char *)arr + i * elem;
		int64_t ent;
		memcpy(&ent, src + ent_off, sizeof ent);
		if (sc.enterprise_id && ent != sc.enterprise_id)
			continue;
		memcpy(dst + k * elem, src, elem);
		k++;
	}
	*out = dst;
	*nout = k;
	return GLOVED_OK;
}

/* 1 when firm ent is in town (caller holds the lock). */
static int in_town(const registry *r, int64_t ent, const char *town)
{
	for (size_t i = 0; i < r->n_ents; i++)
		if (r->ents[i].id == ent)
			return strcmp(r->ents[i].town, town) == 0;
	return 0;
}

/* Keeps the rows (elem bytes, enterprise id at ent_off) of firms in
 * sc.town (caller holds the lock). */
static void keep_town(const registry *r, store_scope sc, void *arr, size_t *n, size_t elem,
		      size_t ent_off)
{
	if (!sc.town[0])
		return;
	size_t k = 0;
	for (size_t i = 0; i < *n; i++) {
		char *src = (char *)arr + i * elem;
		int64_t ent;
		memcpy(&ent, src + ent_off, sizeof ent);
		if (!in_town(r, ent, sc.town))
			continue;
		if (k != i)
			memcpy((char *)arr + k * elem, src, elem);
		k++;
	}
	*n = k;
}

int registry_machines(registry *r, store_scope sc, store_machine **out, size_t *n)
{
	pthread_rwlock_rdlock(&r->lock);
	int rc = copy_scoped(r->machines, r->n_machines, sizeof *r->machines,
			     offsetof(store_machine, enterprise_id), sc, (void **)out, n);
	if (!rc)
		keep_town(r, sc, *out, n, sizeof **out, offsetof(store_machine, enterprise_id));
	pthread_rwlock_unlock(&r->lock);
	return rc;
}

int registry_enterprises(registry *r, store_scope sc, store_enterprise **out, size_t *n)
{
	pthread_rwlock_rdlock(&r->lock);
	int rc = copy_scoped(r->ents, r->n_ents, sizeof *r->ents, offsetof(store_enterprise, id),
			     sc, (void **)out, n);
	pthread_rwlock_unlock(&r->lock);
	/* a town officer's scope: that town's firms only */
	if (!rc && sc.town[0]) {
		size_t k = 0;
		for (size_t i = 0; i < *n; i++)
			if (strcmp((*out)[i].town, sc.town) == 0)
				(*out)[k++] = (*out)[i];
		*n = k;
	}
	return rc;
}

int registry_workshops(registry *r, store_scope sc, store_workshop **out, size_t *n)
{
	pthread_rwlock_rdlock(&r->lock);
	int rc = copy_scoped(r->wss, r->n_wss, sizeof *r->wss,
			     offsetof(store_workshop, enterprise_id), sc, (void **)out, n);
	if (!rc)
		keep_town(r, sc, *out, n, sizeof **out, offsetof(store_workshop, enterprise_id));
	pthread_rwlock_unlock(&r->lock);
	return rc;
}

int64_t registry_max_machine_id(registry *r)
{
	pthread_rwlock_rdlock(&r->lock);
	int64_t v = r->n_machines ? r->machines[r->n_machines - 1].id : 0;
	pthread_rwlock_unlock(&r->lock);
	return v;
}
