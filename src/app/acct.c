/* SPDX-License-Identifier: Apache-2.0 */
/* acct.c: the rollup accumulator (see acct.h). */
#include "app/acct.h"
#include "core/state.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

#define HOUR_MS   3600000
#define MINUTE_MS 60000

static void *grow(void **arr, size_t *n, size_t *cap, size_t elem)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		void *p = realloc(*arr, nc * elem);
		if (!p)
			return NULL;
		*arr = p;
		*cap = nc;
	}
	return (char *)*arr + (*n)++ * elem;
}

void acct_buf_init(acct_buf *b)
{
	memset(b, 0, sizeof *b);
}

void acct_buf_free(acct_buf *b)
{
	free(b->rows);
	for (int l = 0; l < ACCT_SHIFT; l++)
		free(b->small[l]);
	free(b->reasons);
	free(b->workers);
	free(b->stops);
	free(b->dirty);
	memset(b, 0, sizeof *b);
}

void acct_buf_clear(acct_buf *b)
{
	b->n_rows = b->n_reasons = b->n_workers = b->n_stops = b->n_dirty = 0;
	for (int l = 0; l < ACCT_SHIFT; l++)
		b->n_small[l] = 0;
}

size_t acct_buf_pending(const acct_buf *b)
{
	return b->n_rows + b->n_small[ACCT_MINUTE] + b->n_small[ACCT_HOUR] + b->n_small[ACCT_DAY] +
	       b->n_reasons + b->n_workers + b->n_stops;
}

void acct_machine_init(acct_machine *am)
{
	memset(am, 0, sizeof *am);
}

void acct_machine_drop_open(acct_machine *am)
{
	memset(am->open, 0, sizeof am->open);
	am->open_used = 0;
}

/* ---- filters and dirty days ---- */

static int keep_hourly(const acct_buf *b, int64_t bucket)
{
	return b->hour_to == 0 || (bucket >= b->hour_from && bucket < b->hour_to);
}

static int keep_daily(const acct_buf *b, int64_t bucket)
{
	return b->to == 0 || (bucket >= b->from && bucket < b->to);
}

static int mark_dirty(acct_buf *b, const firm_cal *fc, int64_t ent, int64_t ts)
{
	/* a day marked already: the last one, else any (no time zone work) */
	if (b->n_dirty && b->last_dirty_ent == ent && ts >= b->last_dirty_from &&
	    ts < b->last_dirty_to)
		return GLOVED_OK;
	for (size_t i = b->n_dirty; i-- > 0;) {
		const acct_dirty *d = &b->dirty[i];
		if (d->enterprise_id == ent && ts >= d->day_ms && ts < d->next_ms) {
			b->last_dirty_ent = ent;
			b->last_dirty_from = d->day_ms;
			b->last_dirty_to = d->next_ms;
			return GLOVED_OK;
		}
	}
	int64_t day = tz_day_start_ms(&fc->zone, ts);
	int64_t next = tz_next_day_start_ms(&fc->zone, ts);
	acct_dirty *d = grow((void **)&b->dirty, &b->n_dirty, &b->cap_dirty, sizeof *d);
	if (!d)
		return GLOVED_ENOMEM;
	*d = (acct_dirty){ent, day, next};
	b->last_dirty_ent = ent;
	b->last_dirty_from = day;
	b->last_dirty_to = next;
	return GLOVED_OK;
}

/* ---- rows ---- */

static int push_row(acct_buf *b, const acct_row *r)
{
	if (r->level < ACCT_SHIFT) {
		if (r->a.good == 0 && r->a.reject == 0)
			return GLOVED_OK; /* nothing to add to the store */
		int l = r->level;
		store_rollup_delta *d =
		    grow((void **)&b->small[l], &b->n_small[l], &b->cap_small[l], sizeof *d);
		if (!d)
			return GLOVED_ENOMEM;
		*d = (store_rollup_delta){
		    r->a.k.bucket,      r->a.k.machine_id, r->a.k.enterprise_id,
		    r->a.k.workshop_id, r->a.good,         r->a.reject};
		return GLOVED_OK;
	}
	acct_row *p = grow((void **)&b->rows, &b->n_rows, &b->cap_rows, sizeof *p);
	if (!p)
		return GLOVED_ENOMEM;
	*p = *r;
	return GLOVED_OK;
}

int acct_machine_close(acct_machine *am, acct_buf *b)
{
	if (!am->open_used)
		return GLOVED_OK;
	for (int l = 0; l < ACCT_LEVELS; l++) {
		if (am->open[l].used) {
			int rc = push_row(b, &am->open[l]);
			if (rc)
				return rc;
			am->open[l].used = 0;
		}
	}
	am->open_used = 0;
	return GLOVED_OK;
}

/* The machine's open row of a level for this key: the open one when the
 * key matches, else the open one is closed into b and a new one starts. */
static acct_row *open_row(acct_buf *b, acct_machine *am, int level, const store_shift_key *k)
{
	acct_row *cur = &am->open[level];
	if (cur->used && cur->a.k.bucket == k->bucket && cur->a.k.machine_id == k->machine_id)
		return cur;
	if (cur->used && push_row(b, cur))
		return NULL;
	memset(cur, 0, sizeof *cur);
	cur->used = 1;
	cur->level = level;
	cur->a.k = *k;
	am->open_used = 1;
	return cur;
}

store_shift_key acct_shift_key(const shift_instance *in, const store_machine *m)
{
	store_shift_key k;
	k.bucket = in->start_ms;
	k.machine_id = m->id;
	k.enterprise_id = m->enterprise_id;
	k.workshop_id = m->workshop_id;
	k.shift_day = (int32_t)tz_days_from_civil(in->day);
	k.shift = in->shift;
	return k;
}

static void set_inst(acct_machine *am, const firm_cal *fc, const shift_instance *in)
{
	am->inst_cal = fc;
	am->inst = *in;
	am->n_spans = shift_planned_spans(&fc->zone, &fc->cal, in, am->spans);
}

/* The shift instance containing ts (cached per machine): 1, or 0 when ts
 * is in no shift. */
static int inst_at(acct_machine *am, const firm_cal *fc, int64_t ts)
{
	if (am->inst_cal == fc && ts >= am->inst.start_ms && ts < am->inst.end_ms)
		return 1;
	shift_instance in;
	if (!shift_at(&fc->zone, &fc->cal, ts, &in))
		return 0;
	set_inst(am, fc, &in);
	return 1;
}

int acct_pieces(acct_buf *b, acct_machine *am, const firm_cal *fc, const store_machine *m,
		int64_t ts, int64_t d_good, int64_t d_reject, const char *worker)
{
	int rc;
	if (d_good == 0 && d_reject == 0)
		return GLOVED_OK;
	if (am->day_cal != fc || ts < am->day_start || ts >= am->day_next) {
		am->day_cal = fc;
		am->day_start = tz_day_start_ms(&fc->zone, ts);
		am->day_next = tz_next_day_start_ms(&fc->zone, ts);
	}
	if ((rc = mark_dirty(b, fc, m->enterprise_id, ts)))
		return rc;
	store_shift_key k = {0, m->id, m->enterprise_id, m->workshop_id, 0, 0};
	int64_t buckets[3] = {ts - (ts % MINUTE_MS), ts - (ts % HOUR_MS), am->day_start};
	for (int l = ACCT_MINUTE; l <= ACCT_DAY; l++) {
		if (l == ACCT_DAY ? !keep_daily(b, buckets[l]) : !keep_hourly(b, buckets[l]))
			continue;
		k.bucket = buckets[l];
		acct_row *r = open_row(b, am, l, &k);
		if (!r)
			return GLOVED_ENOMEM;
		r->a.good += d_good;
		r->a.reject += d_reject;
	}
	if (!inst_at(am, fc, ts) || !keep_daily(b, am->inst.start_ms))
		return GLOVED_OK;
	store_shift_key sk = acct_shift_key(&am->inst, m);
	if (sk.bucket < am->day_start && (rc = mark_dirty(b, fc, m->enterprise_id, sk.bucket)))
		return rc;
	acct_row *r = open_row(b, am, ACCT_SHIFT, &sk);
	if (!r)
		return GLOVED_ENOMEM;
	r->a.good += d_good;
	r->a.reject += d_reject;
	r->a.ideal_ms += m->cycle_ms * (d_good + d_reject);
	r->a.ideal_reject_ms += m->cycle_ms * d_reject;
	if (worker && worker[0]) {
		acct_worker_row *w = b->n_workers ? &b->workers[b->n_workers - 1] : NULL;
		if (!w || w->k.bucket != sk.bucket || w->k.machine_id != sk.machine_id ||
		    strcmp(w->worker, worker) != 0) {
			w = grow((void **)&b->workers, &b->n_workers, &b->cap_workers, sizeof *w);
			if (!w)
				return GLOVED_ENOMEM;
			memset(w, 0, sizeof *w);
			w->k = sk;
			size_t len = strnlen(worker, sizeof w->worker - 1);
			memcpy(w->worker, worker, len);
		}
		w->good += d_good;
		w->reject += d_reject;
	}
	return GLOVED_OK;
}

static int add_reason(acct_buf *b, const store_shift_key *k, int state, const char *reason,
		      int64_t ms)
{
	for (size_t i = b->n_reasons; i-- > 0 && i + 8 >= b->n_reasons;) {
		acct_reason_row *r = &b->reasons[i];
		if (r->k.bucket == k->bucket && r->k.machine_id == k->machine_id &&
		    r->state == state && strcmp(r->reason, reason) == 0) {
			r->ms += ms;
			return GLOVED_OK;
		}
	}
	acct_reason_row *r = grow((void **)&b->reasons, &b->n_reasons, &b->cap_reasons, sizeof *r);
	if (!r)
		return GLOVED_ENOMEM;
	memset(r, 0, sizeof *r);
	r->k = *k;
	r->state = state;
	memcpy(r->reason, reason, strnlen(reason, sizeof r->reason - 1));
	r->ms = ms;
	return GLOVED_OK;
}

int acct_credit(acct_buf *b, acct_machine *am, const firm_cal *fc, const store_machine *m,
		int64_t from, int64_t to, int state, const char *reason, int sign)
{
	int rc;
	if (state < 0 || state >= STORE_STATES)
		state = MS_UNKNOWN;
	while (from < to) {
		if (!inst_at(am, fc, from)) {
			/* not in a shift: skip to the next instance that overlaps */
			shift_iter it;
			shift_instance in;
			shift_iter_init(&it, &fc->zone, &fc->cal, from, to);
			int found = 0;
			while (shift_iter_next(&it, &in)) {
				if (in.end_ms > from) {
					found = 1;
					break;
				}
			}
			if (!found)
				return GLOVED_OK;
			set_inst(am, fc, &in);
			if (in.start_ms > from)
				from = in.start_ms;
			if (from >= to)
				return GLOVED_OK;
		}
		int64_t seg_end = to < am->inst.end_ms ? to : am->inst.end_ms;
		int64_t ms = shift_spans_overlap_ms(am->spans, am->n_spans, from, seg_end);
		if (ms > 0 && keep_daily(b, am->inst.start_ms)) {
			store_shift_key k = acct_shift_key(&am->inst, m);
			if ((rc = mark_dirty(b, fc, m->enterprise_id, k.bucket)))
				return rc;
			acct_row *r = open_row(b, am, ACCT_SHIFT, &k);
			if (!r)
				return GLOVED_ENOMEM;
			r->a.ms[state] += sign * ms;
			if ((state == MS_STOP || state == MS_FAULT) &&
			    (rc = add_reason(b, &k, state, reason ? reason : "", sign * ms)))
				return rc;
		}
		from = seg_end;
	}
	return GLOVED_OK;
}

static int push_stop(acct_buf *b, const store_stop *x)
{
	if (!keep_daily(b, x->start_ms))
		return GLOVED_OK;
	for (size_t i = b->n_stops; i-- > 0 && i + 16 >= b->n_stops;) {
		if (b->stops[i].machine_id == x->machine_id &&
		    b->stops[i].start_ms == x->start_ms) {
			b->stops[i] = *x;
			return GLOVED_OK;
		}
	}
	store_stop *p = grow((void **)&b->stops, &b->n_stops, &b->cap_stops, sizeof *p);
	if (!p)
		return GLOVED_ENOMEM;
	*p = *x;
	return GLOVED_OK;
}

static int is_stop(int st)
{
	return st == MS_STOP || st == MS_FAULT;
}

static void copy_reason(char dst[33], const char *src)
{
	size_t len = src ? strnlen(src, 32) : 0;
	memcpy(dst, src ? src : "", len);
	dst[len] = '\0';
}

int acct_state(acct_buf *b, acct_machine *am, const firm_cal *fc, const store_machine *m,
	       int64_t ts, int state, const char *reason)
{
	int rc;
	if (!reason)
		reason = "";
	if (am->st_ts && ts <= am->st_ts)
		return 0;
	int contiguous = 0;
	int64_t end = ts;
	if (am->st_ts) {
		end = am->st_ts + fc->offline_after_ms;
		if (end >= ts) {
			end = ts;
			contiguous = 1;
		}
		const char *cr = am->st_reason;
		if (!cr[0] && am->ev_open && am->ev.supervisor)
			cr = am->ev.reason;
		if ((rc = acct_credit(b, am, fc, m, am->st_ts, end, am->st_state, cr, 1)))
			return rc;
	}
	if (am->ev_open) {
		am->ev.end_ms = end;
		int same =
		    contiguous && am->ev.state == state && strcmp(am->ev_mreason, reason) == 0;
		if (same) {
			am->ev.end_ms = ts;
		} else {
			am->ev_open = 0;
		}
		if ((rc = push_stop(b, &am->ev)))
			return rc;
	}
	if (is_stop(state) && !am->ev_open) {
		memset(&am->ev, 0, sizeof am->ev);
		am->ev.machine_id = m->id;
		am->ev.enterprise_id = m->enterprise_id;
		am->ev.workshop_id = m->workshop_id;
		am->ev.start_ms = ts;
		am->ev.end_ms = ts;
		am->ev.state = state;
		copy_reason(am->ev.reason, reason);
		copy_reason(am->ev_mreason, reason);
		char sup[33];
		if (!reason[0] && b->sup && b->sup(b->sup_ctx, m->id, ts, sup)) {
			copy_reason(am->ev.reason, sup);
			am->ev.supervisor = 1;
		}
		am->ev_open = 1;
		if ((rc = mark_dirty(b, fc, m->enterprise_id, ts)) || (rc = push_stop(b, &am->ev)))
			return rc;
	}
	am->st_ts = ts;
	am->st_state = state;
	copy_reason(am->st_reason, reason);
	return 1;
}

/* The minute, hour and day rows of b, level by level, in runs of many
 * rows per store call (store_rollups_add). */
static int write_rollups(acct_buf *b, store *s)
{
	for (int l = ACCT_MINUTE; l <= ACCT_DAY; l++) {
		for (size_t i = 0; i < b->n_small[l]; i += 1000) {
			size_t n = b->n_small[l] - i < 1000 ? b->n_small[l] - i : 1000;
			int rc = store_rollups_add(s, (store_level)l, b->small[l] + i, n);
			if (rc)
				return rc;
		}
		b->n_small[l] = 0;
	}
	return GLOVED_OK;
}

/* The shift rows, reasons and workers of b in chunks of ACCT_CHUNK, one
 * store call each (one statement on a server backend). */
#define ACCT_CHUNK 512

static int write_shift_rows(acct_buf *b, store *s)
{
	if (!b->n_rows)
		return GLOVED_OK;
	store_shift_add *chunk = malloc(ACCT_CHUNK * sizeof *chunk);
	if (!chunk)
		return GLOVED_ENOMEM;
	size_t k = 0;
	int rc = GLOVED_OK;
	for (size_t i = 0; i < b->n_rows && !rc; i++) {
		chunk[k++] = b->rows[i].a;
		if (k == ACCT_CHUNK || i + 1 == b->n_rows) {
			rc = store_shift_add_rows(s, chunk, k);
			k = 0;
		}
	}
	free(chunk);
	return rc;
}

static int write_reasons(acct_buf *b, store *s)
{
	if (!b->n_reasons)
		return GLOVED_OK;
	store_shift_reason_delta *chunk = malloc(ACCT_CHUNK * sizeof *chunk);
	if (!chunk)
		return GLOVED_ENOMEM;
	size_t k = 0;
	int rc = GLOVED_OK;
	for (size_t i = 0; i < b->n_reasons && !rc; i++) {
		const acct_reason_row *r = &b->reasons[i];
		if (r->ms) {
			chunk[k].k = r->k;
			chunk[k].state = r->state;
			memcpy(chunk[k].reason, r->reason, sizeof chunk[k].reason);
			chunk[k++].ms = r->ms;
		}
		if (k && (k == ACCT_CHUNK || i + 1 == b->n_reasons)) {
			rc = store_shift_reasons_add(s, chunk, k);
			k = 0;
		}
	}
	free(chunk);
	return rc;
}

static int write_workers(acct_buf *b, store *s)
{
	if (!b->n_workers)
		return GLOVED_OK;
	store_shift_worker_delta *chunk = malloc(ACCT_CHUNK * sizeof *chunk);
	if (!chunk)
		return GLOVED_ENOMEM;
	size_t k = 0;
	int rc = GLOVED_OK;
	for (size_t i = 0; i < b->n_workers && !rc; i++) {
		const acct_worker_row *w = &b->workers[i];
		chunk[k].k = w->k;
		memcpy(chunk[k].worker, w->worker, sizeof chunk[k].worker);
		chunk[k].good = w->good;
		chunk[k++].reject = w->reject;
		if (k == ACCT_CHUNK || i + 1 == b->n_workers) {
			rc = store_shift_workers_add(s, chunk, k);
			k = 0;
		}
	}
	free(chunk);
	return rc;
}

int acct_buf_write(acct_buf *b, store *s)
{
	int rc;
	if ((rc = write_rollups(b, s)) || (rc = write_shift_rows(b, s)) ||
	    (rc = write_reasons(b, s)) || (rc = write_workers(b, s)) ||
	    (rc = store_stops_put(s, b->stops, b->n_stops)))
		return rc;
	b->n_rows = b->n_reasons = b->n_workers = b->n_stops = 0;
	return GLOVED_OK;
}
