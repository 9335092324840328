/* SPDX-License-Identifier: Apache-2.0 */
/* rebuild.c: replays stored samples through the accumulator (see
 * rebuild.h). The replay reads from offline_after before the first day
 * (the state of a sample covers at most that long) to a shift's length
 * after the last one (a night shift that starts on the last day ends the
 * next morning); the acct_buf filters keep only rows of the rebuilt days. */
#include "app/rebuild.h"
#include "app/acct.h"
#include "util/err.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR_MS     3600000
#define TAIL_MS     (27LL * HOUR_MS) /* longest shift (24 h + a DST hour) and some */
#define WRITE_EVERY 100000

typedef struct newest {
	int64_t st_ts;
	int st_state;
	char st_reason[33];
	store_sample last; /* newest counted sample */
} newest;

typedef struct replay {
	store *s;
	registry *reg;
	const firm_cal *fc;
	int64_t ent;
	acct_buf b;
	acct_machine *am;
	newest *nw;
	size_t n_am;
	store_stop *sup;
	size_t n_sup;
	int64_t samples;
} replay;

static int sup_lookup(void *ctx, int64_t machine_id, int64_t start_ms, char out[33])
{
	replay *r = ctx;
	size_t lo = 0, hi = r->n_sup;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const store_stop *x = &r->sup[mid];
		if (x->machine_id < machine_id ||
		    (x->machine_id == machine_id && x->start_ms < start_ms))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->n_sup && r->sup[lo].machine_id == machine_id &&
	    r->sup[lo].start_ms == start_ms) {
		memcpy(out, r->sup[lo].reason, 33);
		return 1;
	}
	return 0;
}

static int flush_all(replay *r)
{
	for (size_t i = 0; i < r->n_am; i++) {
		int rc = acct_machine_close(&r->am[i], &r->b);
		if (rc)
			return rc;
	}
	return acct_buf_write(&r->b, r->s);
}

static int on_sample(void *ctx, const store_sample *x)
{
	replay *r = ctx;
	store_machine m;
	if (registry_machine(r->reg, x->machine_id, &m) || m.enterprise_id != r->ent)
		return GLOVED_OK;
	if (x->machine_id <= 0 || (size_t)x->machine_id >= r->n_am)
		return GLOVED_OK;
	acct_machine *am = &r->am[x->machine_id];
	newest *nw = &r->nw[x->machine_id];
	int rc;
	r->samples++;
	if (!(x->flags & STORE_SAMPLE_MARK)) {
		rc = acct_pieces(&r->b, am, r->fc, &m, x->ts_ms, x->d_good, x->d_reject, x->worker);
		if (rc)
			return rc;
		if (x->ts_ms >= nw->last.ts_ms)
			nw->last = *x;
	}
	if (!(x->flags & STORE_SAMPLE_LATE)) {
		rc = acct_state(&r->b, am, r->fc, &m, x->ts_ms, x->state, x->reason);
		if (rc < 0)
			return rc;
		nw->st_ts = am->st_ts;
		nw->st_state = am->st_state;
		memcpy(nw->st_reason, am->st_reason, sizeof nw->st_reason);
	}
	if (acct_buf_pending(&r->b) >= WRITE_EVERY && (rc = acct_buf_write(&r->b, r->s)))
		return rc;
	return GLOVED_OK;
}

static int fix_lives(replay *r)
{
	store_live *lives = NULL;
	size_t nl = 0;
	int rc = store_live_list(r->s, &lives, &nl);
	if (rc)
		return rc;
	/* index the stored rows by machine */
	for (size_t id = 1; id < r->n_am && !rc; id++) {
		newest *nw = &r->nw[id];
		if (!nw->st_ts && !nw->last.ts_ms)
			continue;
		store_live l = {0};
		int found = 0;
		for (size_t i = 0; i < nl; i++) {
			if (lives[i].machine_id == (int64_t)id) {
				l = lives[i];
				found = 1;
				break;
			}
		}
		int changed = 0;
		if (!found) {
			l.machine_id = (int64_t)id;
			l.state = nw->last.state;
		}
		if (nw->last.ts_ms > l.last_ts) {
			if (l.state != nw->last.state || strcmp(l.reason, nw->last.reason) != 0 ||
			    !l.since_ts)
				l.since_ts = nw->last.ts_ms;
			l.last_ts = nw->last.ts_ms;
			l.count = nw->last.count;
			l.reject = nw->last.reject;
			l.state = nw->last.state;
			memcpy(l.reason, nw->last.reason, sizeof l.reason);
			changed = 1;
		}
		if (nw->st_ts > l.st_ts) {
			l.st_ts = nw->st_ts;
			l.st_state = nw->st_state;
			memcpy(l.st_reason, nw->st_reason, sizeof l.st_reason);
			changed = 1;
		}
		if (changed)
			rc = store_live_put(r->s, &l);
	}
	free(lives);
	return rc;
}

static int cmp_stop(const void *a, const void *b)
{
	const store_stop *x = a, *y = b;
	if (x->machine_id != y->machine_id)
		return x->machine_id < y->machine_id ? -1 : 1;
	return (x->start_ms > y->start_ms) - (x->start_ms < y->start_ms);
}

int32_t rebuild_first_fed_day(const firm_cal *fc, int32_t day)
{
	int64_t a = tz_midnight_ms(&fc->zone, tz_civil_from_days(day));
	int32_t first = day;
	shift_iter it;
	shift_instance in;
	shift_iter_init(&it, &fc->zone, &fc->cal, a, a + 1);
	while (shift_iter_next(&it, &in)) {
		int32_t d = (int32_t)tz_days_from_civil(in.day);
		if (in.start_ms < a && d < first)
			first = d;
	}
	return first;
}

/* With several writers on the database (store_machines_lock works), locks
 * the firm's machines for the rest of the transaction: no other writer
 * adds to the rows the rebuild replaces meanwhile, and the bumped
 * revisions make every writer load the machines again afterwards. */
static int lock_firm(store *s, registry *reg, int64_t enterprise_id)
{
	store_scope sc = {.enterprise_id = enterprise_id};
	store_machine *ms = NULL;
	size_t n = 0;
	int rc = registry_machines(reg, sc, &ms, &n);
	if (rc || n == 0) {
		free(ms);
		return rc;
	}
	int64_t *ids = malloc(n * sizeof *ids), *revs = malloc(n * sizeof *revs);
	if (!ids || !revs) {
		rc = GLOVED_ENOMEM;
	} else {
		size_t k = 0;
		for (size_t i = 0; i < n; i++) /* ascending, as the lock takes them */
			if (ms[i].enterprise_id == enterprise_id)
				ids[k++] = ms[i].id;
		for (size_t i = 1; i < k; i++)
			for (size_t j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
				int64_t t = ids[j];
				ids[j] = ids[j - 1];
				ids[j - 1] = t;
			}
		rc = store_machines_lock(s, ids, k, revs);
		if (rc == GLOVED_ENOTSUP)
			rc = GLOVED_OK; /* one writer per database */
	}
	free(ids);
	free(revs);
	free(ms);
	return rc;
}

int rebuild_days(store *s, registry *reg, firmcal_cache *cals, int64_t enterprise_id, int32_t day0,
		 int32_t day1, int fix_live, rebuild_stats *st)
{
	if (day1 < day0)
		return GLOVED_EINVAL;
	int lrc = lock_firm(s, reg, enterprise_id);
	if (lrc)
		return lrc;
	replay r = {0};
	r.s = s;
	r.reg = reg;
	r.ent = enterprise_id;
	r.fc = firmcal_get(cals, s, enterprise_id);
	if (!r.fc)
		return GLOVED_ENOMEM;
	const tz_zone *z = &r.fc->zone;
	int64_t a = tz_midnight_ms(z, tz_civil_from_days(day0));
	int64_t b = tz_midnight_ms(z, tz_civil_from_days((int64_t)day1 + 1));
	int64_t hf = a - (((a % HOUR_MS) + HOUR_MS) % HOUR_MS);
	int64_t ht = b % HOUR_MS ? b - (((b % HOUR_MS) + HOUR_MS) % HOUR_MS) + HOUR_MS : b;
	int rc;
	acct_buf_init(&r.b);
	r.b.from = a;
	r.b.to = b;
	r.b.hour_from = hf;
	r.b.hour_to = ht;
	r.b.sup = sup_lookup;
	r.b.sup_ctx = &r;
	r.n_am = (size_t)registry_max_machine_id(reg) + 1;
	r.am = calloc(r.n_am, sizeof *r.am);
	r.nw = calloc(r.n_am, sizeof *r.nw);
	if (!r.am || !r.nw) {
		rc = GLOVED_ENOMEM;
		goto out;
	}
	if ((rc = store_stop_supervised(s, enterprise_id, a, b, &r.sup, &r.n_sup)))
		goto out;
	if (r.n_sup)
		qsort(r.sup, r.n_sup, sizeof *r.sup, cmp_stop);
	if ((rc = store_rollup_delete(s, enterprise_id, a, b, hf, ht)))
		goto out;
	int64_t lo = (hf < a ? hf : a) - r.fc->offline_after_ms;
	if ((rc = store_samples_range(s, lo, b + TAIL_MS + r.fc->offline_after_ms, on_sample, &r)))
		goto out;
	if ((rc = flush_all(&r)))
		goto out;
	if (fix_live)
		rc = fix_lives(&r);
out:
	if (st) {
		st->samples = r.samples;
		st->from_ms = a;
		st->to_ms = b;
	}
	acct_buf_free(&r.b);
	free(r.am);
	free(r.nw);
	free(r.sup);
	return rc;
}

int rebuild_firms(store *s, registry *reg, firmcal_cache *cals, int64_t enterprise_id, int32_t day0,
		  int32_t day1, int64_t raw_days, int64_t now_ms, char *msg, size_t len)
{
	int rc;
	msg[0] = '\0';
	if (day1 < day0) {
		snprintf(msg, len, "the last day is before the first");
		return GLOVED_EINVAL;
	}
	/* a day is rebuildable when all of it lies within the raw retention
	 * (UTC days: a day either side does not matter here) */
	if (raw_days > 0 && ((int64_t)day0 + 1) * 86400000LL < now_ms - raw_days * 86400000LL) {
		snprintf(msg, len,
			 "days before the raw retention (%lld days) cannot be rebuilt: their "
			 "samples are gone",
			 (long long)raw_days);
		return GLOVED_EINVAL;
	}
	store_enterprise *ents = NULL;
	size_t ne = 0;
	store_scope sc = {.enterprise_id = enterprise_id};
	registry_refresh(reg, s, 0);
	if ((rc = registry_enterprises(reg, sc, &ents, &ne)))
		return rc;
	if (ne == 0) {
		free(ents);
		snprintf(msg, len, "no such enterprise");
		return GLOVED_ENOTFOUND;
	}
	int64_t samples = 0;
	if ((rc = store_begin(s))) {
		free(ents);
		snprintf(msg, len, "cannot begin: %s", gloved_strerror(rc));
		return rc;
	}
	for (size_t i = 0; i < ne && !rc; i++) {
		rebuild_stats st = {0};
		rc = rebuild_days(s, reg, cals, ents[i].id, day0, day1, 0, &st);
		samples += st.samples;
	}
	free(ents);
	if (!rc)
		rc = store_commit(s);
	if (rc) {
		store_rollback(s);
		snprintf(msg, len, "rebuild failed: %s (%s)", gloved_strerror(rc), store_errmsg(s));
		return rc;
	}
	snprintf(msg, len, "rebuilt %d day(s) of %zu firm(s) from %lld samples", day1 - day0 + 1,
		 ne, (long long)samples);
	return GLOVED_OK;
}
