/* SPDX-License-Identifier: Apache-2.0 */
/* writer.c: see writer.h. */
#include "app/writer.h"
#include "core/counter.h"
#include "app/acct.h"
#include "app/livenote.h"
#include "app/rebuild.h"
#include "core/state.h"
#include "util/err.h"
#include "util/log.h"
#include "util/ltime.h"
#include "util/metrics.h"
#include "util/secret.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { JOB_REPORTS, JOB_CALL };

typedef struct job {
	struct job *next;
	int kind;
	ingest_record *recs;
	size_t n;
	int async;   /* the writer frees it */
	int barrier; /* an empty job someone waits for (writer_barrier) */
	int (*fn)(store *s, void *ctx);
	void *ctx;
	int done;
	int rc;
	writer_result res;
} job;

/* The writer's own per-machine state. */
typedef struct wmachine {
	int init;
	counter_track track;
	live_machine live;
	int touched;        /* changed since the last publish */
	int live_dirty;     /* live row changed since the last flush */
	acct_machine am;    /* rollup accumulator: open rows, state timeline */
	const firm_cal *fc; /* the machine's firm's calendar (cache) */
	int64_t fc_ent;
	const firm_cal *today_cal;
	int64_t today_start, today_next; /* the firm's local today */
	store_machine m;                 /* the registry's row, as of registry revision m_rev */
	int64_t m_rev;
	int m_ok;
	/* several writers on one database (w->shared) */
	int64_t rev; /* the machine's revision after this writer's last change (0: none) */
	int partial; /* the track holds only the newest report (see sync_machines) */
	/* the window being read for it (read_windows): in it, and the newest
	 * sample before the window seen so far */
	int wl, wl_anchored;
	counter_sample wl_anchor;
} wmachine;

/* A record of a group with its job, for applying the group in time order. */
typedef struct gref {
	const ingest_record *r;
	job *j;
	size_t seq;
} gref;

struct writer {
	writer_options opt;
	store *db;
	registry *reg;
	live *lv;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work_cv;  /* jobs arrived */
	pthread_cond_t done_cv;  /* jobs finished */
	pthread_cond_t space_cv; /* queue has room */
	job *head, *tail;
	int64_t queued;        /* records queued */
	int n_sync;            /* queued jobs whose submitter waits */
	uint64_t async_failed; /* asynchronous jobs whose commit failed, ever */
	int stop;
	int fatal; /* an error that ended the writing for good (GLOVED_ECLAIMED) */
	/* writer-thread only */
	wmachine *wm;
	size_t wm_cap;
	acct_buf pend;        /* rollup rows not yet written */
	size_t dirty_written; /* pend.dirty entries already marked in the store */
	int pending;          /* commits since the last flush */
	int64_t last_flush_ms;
	int64_t last_house_ms; /* housekeeping: rebuild requests, retention */
	/* reports committed in the current and the previous window of flush_ms:
	 * the ingest rate that tells a sustained burst from light traffic */
	int64_t rate_t0, rate_cur, rate_prev;
	int64_t last_retention_ms;
	int parts_rc; /* the last store_partitions_ensure's answer, logged when it changes */
	firmcal_cache *cals;
	int own_cals;
	int64_t cal_rev;  /* firmcal_rev when the machines' fc were taken */
	int64_t warm_rev; /* firmcal_rev when every firm's calendar was loaded */
	gref *order;
	size_t order_cap;
	/* samples of the group not yet handed to the store: inserted in runs
	 * (store_samples_insert), before any other statement on the samples */
	store_sample run[4 * 16];
	size_t n_run;
	live_machine *pub;
	size_t pub_cap;
	int64_t reg_rev; /* the registry's revision, read once per group */
	/* several writers on one database (docs/design.md, "Several
	 * instances"): the machines of the current group, locked, with their
	 * revisions after the bump, and the live notes to the other instances */
	int shared;
	char instance[16];
	int64_t *lk_ids, *lk_revs, *lk_from, *lk_to;
	size_t n_lk, lk_cap;
	store_machine_state *lk_state;
	char note[STORE_NOTIFY_MAX + 1];
	/* the state in memory is not the store's: a reload failed (the
	 * database unreachable); nothing is committed until one succeeds */
	int stale;
};

static wmachine *wm_get(writer *w, int64_t id)
{
	if (id <= 0)
		return NULL;
	if ((size_t)id >= w->wm_cap) {
		size_t cap = w->wm_cap ? w->wm_cap : 64;
		while (cap <= (size_t)id)
			cap *= 2;
		wmachine *p = realloc(w->wm, cap * sizeof *p);
		if (!p)
			return NULL;
		memset(p + w->wm_cap, 0, (cap - w->wm_cap) * sizeof *p);
		w->wm = p;
		w->wm_cap = cap;
	}
	wmachine *m = &w->wm[id];
	if (!m->init) {
		m->init = 1;
		counter_track_init(&m->track);
		m->live.machine_id = id;
		m->live.state = MS_UNKNOWN;
	}
	return m;
}

static void wm_clear(writer *w)
{
	for (size_t i = 0; i < w->wm_cap; i++)
		if (w->wm[i].init)
			counter_track_free(&w->wm[i].track);
	free(w->wm);
	w->wm = NULL;
	w->wm_cap = 0;
}

static int reload(writer *w);
static void set_fatal(writer *w, int rc);
static void pend_drop(writer *w);
static int recover_rollups(writer *w);

/* ---- loading state from the store ---- */

typedef struct load_ctx {
	writer *w;
	int rc;
} load_ctx;

static int load_sample(void *ctx, const store_sample *x)
{
	load_ctx *lc = ctx;
	if (x->flags & STORE_SAMPLE_MARK)
		return GLOVED_OK; /* a state mark is not a counter reading */
	wmachine *m = wm_get(lc->w, x->machine_id);
	if (!m)
		return GLOVED_ENOMEM;
	counter_sample s = {x->ts_ms, x->count, x->reject, x->d_good, x->d_reject};
	return counter_track_load(&m->track, &s);
}

typedef struct span {
	int64_t from, to;
} span;

static int cmp_span(const void *a, const void *b)
{
	const span *x = a, *y = b;
	return (x->from > y->from) - (x->from < y->from);
}

/* Keeps a sample only if it lies within its own machine's window (the
 * window before that machine's last report). */
static int load_windowed(void *ctx, const store_sample *x)
{
	load_ctx *lc = ctx;
	writer *w = lc->w;
	if (x->machine_id <= 0 || (size_t)x->machine_id >= w->wm_cap || !w->wm[x->machine_id].init)
		return GLOVED_OK;
	const live_machine *l = &w->wm[x->machine_id].live;
	if (x->ts_ms < l->last_ts - w->opt.window_ms || x->ts_ms > l->last_ts)
		return GLOVED_OK;
	return load_sample(ctx, x);
}

/* Reloads every machine's track: the samples within the reorder window
 * before its own last report, each machine's window read from the
 * time-first sample table by merging the windows into as few time ranges
 * as possible. A machine without stored samples in its window keeps its
 * last report (machine_live) as the anchor. */
static int load_tracks(writer *w, const store_live *lives, size_t nl)
{
	int rc = GLOVED_OK;
	span *sp = malloc((nl ? nl : 1) * sizeof *sp);
	if (!sp)
		return GLOVED_ENOMEM;
	for (size_t i = 0; i < nl; i++)
		sp[i] = (span){lives[i].last_ts - w->opt.window_ms, lives[i].last_ts};
	qsort(sp, nl, sizeof *sp, cmp_span);
	load_ctx lc = {w, 0};
	size_t i = 0;
	while (i < nl && !rc) {
		span cur = sp[i++];
		while (i < nl && sp[i].from <= cur.to) {
			if (sp[i].to > cur.to)
				cur.to = sp[i].to;
			i++;
		}
		rc = store_samples_range(w->db, cur.from, cur.to, load_windowed, &lc);
	}
	free(sp);
	for (size_t k = 0; k < nl && !rc; k++) {
		wmachine *m = wm_get(w, lives[k].machine_id);
		if (m && m->track.n == 0) {
			counter_sample s = {lives[k].last_ts, lives[k].count, lives[k].reject, 0,
					    0};
			rc = counter_track_load(&m->track, &s);
		}
	}
	return rc;
}

static int publish_all(writer *w)
{
	size_t n = 0;
	live_machine *all = malloc((w->wm_cap ? w->wm_cap : 1) * sizeof *all);
	if (!all)
		return GLOVED_ENOMEM;
	for (size_t i = 0; i < w->wm_cap; i++)
		if (w->wm[i].init)
			all[n++] = w->wm[i].live;
	int rc = live_update(w->lv, all, n);
	free(all);
	return rc;
}

/* Each machine's pieces today, in its firm's local day. */
static int load_today(writer *w)
{
	store_enterprise *ents = NULL;
	size_t ne = 0;
	store_scope all = {0};
	int rc = registry_enterprises(w->reg, all, &ents, &ne);
	int64_t now = ltime_now_ms();
	for (size_t e = 0; e < ne && !rc; e++) {
		const firm_cal *fc = firmcal_get(w->cals, w->db, ents[e].id);
		if (!fc) {
			rc = GLOVED_ENOMEM;
			break;
		}
		int64_t today = tz_day_start_ms(&fc->zone, now);
		int64_t next = tz_next_day_start_ms(&fc->zone, now);
		store_scope sc = {.enterprise_id = ents[e].id};
		store_machine_total *tot = NULL;
		size_t nt = 0;
		if ((rc = store_machine_totals(w->db, sc, STORE_DAY, today, next, &tot, &nt)))
			break;
		for (size_t i = 0; i < nt; i++) {
			wmachine *m = wm_get(w, tot[i].machine_id);
			if (!m) {
				rc = GLOVED_ENOMEM;
				break;
			}
			m->live.good_today = tot[i].good;
			m->live.reject_today = tot[i].reject;
			m->live.today_start = today;
			m->today_cal = fc;
			m->today_start = today;
			m->today_next = next;
		}
		free(tot);
	}
	free(ents);
	return rc;
}

/* A machine whose newest timeline sample is inside its newest stop event
 * (the event's end is that sample) is still in that stop. */
static int load_open_stops(writer *w)
{
	store_stop *st = NULL;
	size_t n = 0;
	int rc = store_stop_recent(w->db, 0, &st, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		wmachine *m = wm_get(w, st[i].machine_id);
		if (!m) {
			rc = GLOVED_ENOMEM;
			break;
		}
		if (m->am.st_ts && st[i].end_ms == m->am.st_ts && st[i].state == m->am.st_state) {
			m->am.ev = st[i];
			m->am.ev_open = 1;
			memcpy(m->am.ev_mreason, st[i].supervisor ? "" : st[i].reason,
			       sizeof m->am.ev_mreason);
			if (st[i].supervisor)
				memcpy(m->am.ev_mreason, m->am.st_reason, sizeof m->am.ev_mreason);
		}
	}
	free(st);
	return rc;
}

static int reload(writer *w)
{
	int rc;
	store_live *lives = NULL;
	size_t nl = 0;
	pend_drop(w);
	w->pending = 0;
	wm_clear(w);
	if ((rc = registry_refresh(w->reg, w->db, 1)))
		goto out;
	if ((rc = recover_rollups(w)))
		goto out;
	if ((rc = store_live_list(w->db, &lives, &nl)))
		goto out;
	for (size_t i = 0; i < nl; i++) {
		wmachine *m = wm_get(w, lives[i].machine_id);
		if (!m) {
			rc = GLOVED_ENOMEM;
			goto out;
		}
		m->live.state = lives[i].state;
		memcpy(m->live.reason, lives[i].reason, sizeof m->live.reason);
		m->live.since_ts = lives[i].since_ts;
		m->live.last_ts = lives[i].last_ts;
		m->live.count = lives[i].count;
		m->live.reject = lives[i].reject;
		m->am.st_ts = lives[i].st_ts;
		m->am.st_state = lives[i].st_state;
		memcpy(m->am.st_reason, lives[i].st_reason, sizeof m->am.st_reason);
	}
	if ((rc = load_today(w)) || (rc = load_open_stops(w)))
		goto out;
	if ((rc = load_tracks(w, lives, nl)))
		goto out;
	rc = publish_all(w);
out:
	free(lives);
	if (rc && !w->stale)
		log_error("writer: loading state failed: %s (%s)", gloved_strerror(rc),
			  store_errmsg(w->db));
	else if (!rc && w->stale)
		log_info("writer: state loaded again from the database; writing resumes");
	pthread_mutex_lock(&w->mu); /* writer_stale reads it from other threads */
	w->stale = rc != 0;
	pthread_mutex_unlock(&w->mu);
	if (rc == GLOVED_ECLAIMED)
		set_fatal(w, rc);
	return rc;
}

/* Before a group, a call or a flush: the state in memory is the store's,
 * reloading it first if an earlier reload failed. GLOVED_OK, or the error
 * (the job is answered with it, nothing is written). */
static int fresh(writer *w)
{
	if (w->fatal)
		return w->fatal;
	return w->stale ? reload(w) : GLOVED_OK;
}

/* ---- rollups: accumulated in memory, written at most every flush_ms ----
 *
 * Rollup rows are a function of the samples (app/acct.c computes them
 * the same way here and in a rebuild). Writing them on every commit costs
 * several upserts per report; instead the writer adds the changes up in
 * memory (`pend` and each machine's open rows) across commits and writes
 * them, with the touched machines' live rows, when the queue runs dry (so
 * light traffic sees its rollups at once), when flush_ms has passed, or
 * when pend is full. Every commit marks the (firm, local day) pairs its
 * changes touch in rollup_dirty_day; the flush clears them in the same
 * transaction that writes the rollups. After a crash the marked days are
 * rebuilt from the samples (reload()), so the rollups never disagree with
 * the samples for long and never for good. */

static void pend_drop(writer *w)
{
	acct_buf_clear(&w->pend);
	w->dirty_written = 0;
	for (size_t i = 0; i < w->wm_cap; i++) {
		w->wm[i].live_dirty = 0;
		acct_machine_drop_open(&w->wm[i].am);
	}
}

/* Marks the days touched since the last call in the current transaction. */
static int mark_days(writer *w)
{
	for (; w->dirty_written < w->pend.n_dirty; w->dirty_written++) {
		const acct_dirty *d = &w->pend.dirty[w->dirty_written];
		int rc = store_dirty_day_mark(w->db, d->enterprise_id, d->day_ms, d->next_ms);
		if (rc)
			return rc;
	}
	return GLOVED_OK;
}

/* Writes pend and the dirty live rows inside the current transaction. */
static int flush_pending(writer *w)
{
	int rc;
	for (size_t i = 0; i < w->wm_cap; i++) {
		wmachine *m = &w->wm[i];
		if (m->init && (rc = acct_machine_close(&m->am, &w->pend)))
			return rc;
	}
	if ((rc = acct_buf_write(&w->pend, w->db)))
		return rc;
	enum { LIVES = 256 };
	store_live lives[LIVES];
	size_t nl = 0;
	for (size_t i = 0; i < w->wm_cap; i++) {
		wmachine *m = &w->wm[i];
		if (!m->init || !m->live_dirty)
			continue;
		store_live sl;
		memset(&sl, 0, sizeof sl);
		sl.machine_id = (int64_t)i;
		sl.last_ts = m->live.last_ts;
		sl.count = m->live.count;
		sl.reject = m->live.reject;
		sl.state = m->live.state;
		memcpy(sl.reason, m->live.reason, sizeof sl.reason);
		sl.since_ts = m->live.since_ts;
		sl.st_ts = m->am.st_ts;
		sl.st_state = m->am.st_state;
		memcpy(sl.st_reason, m->am.st_reason, sizeof sl.st_reason);
		lives[nl++] = sl;
		if (nl == LIVES) {
			if ((rc = store_lives_put(w->db, lives, nl)))
				return rc;
			nl = 0;
		}
	}
	if ((rc = store_lives_put(w->db, lives, nl)))
		return rc;
	if (w->pend.n_dirty && !w->shared && (rc = store_dirty_day_clear_all(w->db)))
		return rc;
	return GLOVED_OK;
}

/* Rebuilds the rollups of every (firm, day) marked dirty (after a crash
 * or a failed commit), one transaction per day. A marked day's samples
 * also feed the night shift that started the day before (its row belongs
 * to that day), so the rebuild starts at rebuild_first_fed_day(); days a
 * previous rebuild of the same firm covered are not rebuilt twice (the
 * list is ordered by firm and day). */
static int recover_rollups(writer *w)
{
	store_dirty_day *days = NULL;
	size_t n = 0;
	int64_t done_ent = 0;
	int32_t done_to = 0; /* done_ent's days up to done_to are rebuilt */
	int rc = store_dirty_day_list(w->db, &days, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		const firm_cal *fc = firmcal_get(w->cals, w->db, days[i].enterprise_id);
		if (!fc) {
			rc = GLOVED_ENOMEM;
			break;
		}
		tz_date d = tz_date_of(&fc->zone, days[i].day_ms);
		int32_t dn = (int32_t)tz_days_from_civil(d);
		int32_t d0 = rebuild_first_fed_day(fc, dn);
		if (done_ent == days[i].enterprise_id && d0 <= done_to)
			d0 = done_to + 1;
		if (d0 > dn)
			continue;
		log_info("writer: rebuilding the rollups of firm %lld, %04d-%02d-%02d (from %d"
			 " day(s) before) from the samples",
			 (long long)days[i].enterprise_id, (int)d.year, (int)d.month, (int)d.day,
			 (int)(dn - d0));
		if ((rc = store_begin(w->db)))
			break;
		rc = rebuild_days(w->db, w->reg, w->cals, days[i].enterprise_id, d0, dn, 1, NULL);
		done_ent = days[i].enterprise_id;
		done_to = dn;
		if (rc)
			store_rollback(w->db);
		else
			rc = store_commit(w->db);
	}
	if (!rc && n) {
		if (!(rc = store_begin(w->db)) && !(rc = store_dirty_day_clear_all(w->db)))
			rc = store_commit(w->db);
		else
			store_rollback(w->db);
	}
	free(days);
	return rc;
}

/* ---- the group commit ---- */

/* The pieces of one counter change: rollups and, when the change is today
 * in the machine's firm, the live "today" figures. */
static int credit_change(writer *w, wmachine *wmach, const firm_cal *fc, const store_machine *m,
			 const counter_change *c, const char *worker, int64_t now)
{
	int rc;
	if (c->d_good == 0 && c->d_reject == 0)
		return GLOVED_OK;
	if ((rc = acct_pieces(&w->pend, &wmach->am, fc, m, c->ts_ms, c->d_good, c->d_reject,
			      worker)))
		return rc;
	if (wmach->today_cal != fc || now < wmach->today_start || now >= wmach->today_next) {
		wmach->today_cal = fc;
		wmach->today_start = tz_day_start_ms(&fc->zone, now);
		wmach->today_next = tz_next_day_start_ms(&fc->zone, now);
	}
	if (c->ts_ms >= wmach->today_start && c->ts_ms < wmach->today_next) {
		if (wmach->live.today_start != wmach->today_start) {
			wmach->live.today_start = wmach->today_start;
			wmach->live.good_today = 0;
			wmach->live.reject_today = 0;
		}
		wmach->live.good_today += c->d_good;
		wmach->live.reject_today += c->d_reject;
	}
	return GLOVED_OK;
}

/* Inserts the samples gathered in w->run. */
static int run_flush(writer *w)
{
	size_t n = w->n_run;
	w->n_run = 0;
	return n ? store_samples_insert(w->db, w->run, n) : GLOVED_OK;
}

/* Gathers a sample for run_flush (which it calls when the run is full). */
static int run_add(writer *w, const store_sample *x)
{
	w->run[w->n_run++] = *x;
	return w->n_run == sizeof w->run / sizeof w->run[0] ? run_flush(w) : GLOVED_OK;
}

/* The worker a re-credited older sample named. */
static void sample_worker(writer *w, int64_t machine_id, int64_t ts, char out[33])
{
	store_sample x;
	out[0] = '\0';
	for (size_t i = w->n_run; i-- > 0;) /* not inserted yet */
		if (w->run[i].machine_id == machine_id && w->run[i].ts_ms == ts) {
			memcpy(out, w->run[i].worker, 33);
			return;
		}
	if (store_sample_get(w->db, machine_id, ts, &x) == GLOVED_OK)
		memcpy(out, x.worker, 33);
}

/* The machine's writer state with the registry's row of the machine,
 * cached for as long as the registry's revision stays (one registry lookup
 * per machine and group at most). NULL and *rc when the machine is not
 * registered (GLOVED_ENOTFOUND) or memory runs out. */
static wmachine *machine_at(writer *w, int64_t id, int *rc)
{
	if (id > 0 && (size_t)id < w->wm_cap) {
		wmachine *c = &w->wm[id];
		if (c->init && c->m_ok && c->m_rev == w->reg_rev)
			return c;
	}
	store_machine m;
	if (registry_machine(w->reg, id, &m)) {
		registry_refresh(w->reg, w->db, 0);
		w->reg_rev = registry_rev(w->reg);
		if (registry_machine(w->reg, id, &m)) {
			*rc = GLOVED_ENOTFOUND;
			return NULL;
		}
	}
	wmachine *wmach = wm_get(w, id);
	if (!wmach) {
		*rc = GLOVED_ENOMEM;
		return NULL;
	}
	wmach->m = m;
	wmach->m_rev = w->reg_rev;
	wmach->m_ok = 1;
	return wmach;
}

/* ---- several writers on one database ----
 *
 * With shared on (a backend where several daemons write one database:
 * store_machines_lock works), every transaction of this writer first locks
 * the revision rows of the machines it will change, in id order, and bumps
 * them (store_machines_lock). A machine whose revision after the bump is
 * not one more than this writer's own last one was changed by another
 * instance (or a rebuild) since: its state is loaded again from the store
 * under the lock (sync_machines), so reports of one machine arriving at
 * different instances are reconciled exactly as if one writer had them
 * all. The rollups are written in every transaction (nothing pends in
 * memory that another instance would miss, nothing is left to rebuild
 * after a crash), and the live entries of the changed machines go to the
 * other instances with the commit (store_notify; app/livenote.c). */

static int grow_lk(writer *w, size_t n)
{
	if (n <= w->lk_cap)
		return GLOVED_OK;
	size_t cap = w->lk_cap ? w->lk_cap : 64;
	while (cap < n)
		cap *= 2;
	int64_t *a = realloc(w->lk_ids, cap * sizeof *a);
	if (a)
		w->lk_ids = a;
	int64_t *b = realloc(w->lk_revs, cap * sizeof *b);
	if (b)
		w->lk_revs = b;
	int64_t *c = realloc(w->lk_from, cap * sizeof *c);
	if (c)
		w->lk_from = c;
	int64_t *d = realloc(w->lk_to, cap * sizeof *d);
	if (d)
		w->lk_to = d;
	store_machine_state *e = realloc(w->lk_state, cap * sizeof *e);
	if (e)
		w->lk_state = e;
	if (!a || !b || !c || !d || !e)
		return GLOVED_ENOMEM;
	w->lk_cap = cap;
	return GLOVED_OK;
}

/* Loads machines ids[0..n-1] from the store (inside the transaction that
 * locked them): the live row, the state timeline's newest sample, the open
 * stop, today's pieces, and as the track only the newest report (the
 * track's window is read when a report needs it: read_windows). */
static int sync_machines(writer *w, const int64_t *ids, size_t n, int64_t now)
{
	int rc = grow_lk(w, n);
	if (rc)
		return rc;
	int64_t *from = w->lk_from, *to = w->lk_to;
	const firm_cal **fcs = calloc(n ? n : 1, sizeof *fcs);
	if (!fcs)
		return GLOVED_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		from[i] = to[i] = 0;
		int mrc = GLOVED_OK;
		wmachine *wm = machine_at(w, ids[i], &mrc);
		if (!wm)
			continue; /* not registered: its reports fail the group anyway */
		fcs[i] = firmcal_get(w->cals, w->db, wm->m.enterprise_id);
		if (!fcs[i]) {
			free(fcs);
			return GLOVED_ENOMEM;
		}
		from[i] = tz_day_start_ms(&fcs[i]->zone, now);
		to[i] = tz_next_day_start_ms(&fcs[i]->zone, now);
	}
	store_machine_state *st = w->lk_state;
	if ((rc = store_machines_state(w->db, ids, from, to, n, st))) {
		free(fcs);
		return rc;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		wmachine *wm = wm_get(w, ids[i]);
		if (!wm) {
			rc = GLOVED_ENOMEM;
			break;
		}
		counter_track_free(&wm->track);
		counter_track_init(&wm->track);
		acct_machine_init(&wm->am);
		live_machine lv;
		memset(&lv, 0, sizeof lv);
		lv.machine_id = ids[i];
		lv.state = MS_UNKNOWN;
		if (st[i].has_live) {
			const store_live *l = &st[i].live;
			lv.state = l->state;
			memcpy(lv.reason, l->reason, sizeof lv.reason);
			lv.since_ts = l->since_ts;
			lv.last_ts = l->last_ts;
			lv.count = l->count;
			lv.reject = l->reject;
			wm->am.st_ts = l->st_ts;
			wm->am.st_state = l->st_state;
			memcpy(wm->am.st_reason, l->st_reason, sizeof wm->am.st_reason);
			counter_sample a = {l->last_ts, l->count, l->reject, 0, 0};
			rc = counter_track_load(&wm->track, &a);
		}
		const store_stop *x = &st[i].stop;
		if (st[i].has_stop && wm->am.st_ts && x->end_ms == wm->am.st_ts &&
		    x->state == wm->am.st_state) {
			wm->am.ev = *x;
			wm->am.ev_open = 1;
			memcpy(wm->am.ev_mreason, x->supervisor ? wm->am.st_reason : x->reason,
			       sizeof wm->am.ev_mreason);
		}
		if (fcs[i]) {
			lv.good_today = st[i].good;
			lv.reject_today = st[i].reject;
			lv.today_start = from[i];
			wm->today_cal = fcs[i];
			wm->today_start = from[i];
			wm->today_next = to[i];
		}
		lv.rev = wm->live.rev;
		wm->live = lv;
		wm->partial = 1;
		wm->live_dirty = 0;
		wm->touched = 1;
	}
	free(fcs);
	return rc;
}

/* Locks the n machines of w->lk_ids (ascending, distinct) and loads those
 * another writer changed since this one did (sync_machines). */
static int lock_machines(writer *w, size_t n, int64_t now)
{
	int rc = store_machines_lock(w->db, w->lk_ids, n, w->lk_revs);
	if (rc)
		return rc;
	size_t ns = 0;
	for (size_t i = 0; i < n; i++) {
		wmachine *wm = wm_get(w, w->lk_ids[i]);
		if (!wm)
			return GLOVED_ENOMEM;
		if (wm->rev + 1 != w->lk_revs[i])
			w->lk_from[ns++] = w->lk_ids[i]; /* lk_from as scratch */
	}
	if (!ns)
		return GLOVED_OK;
	int64_t *stale = malloc(ns * sizeof *stale);
	if (!stale)
		return GLOVED_ENOMEM;
	memcpy(stale, w->lk_from, ns * sizeof *stale);
	metrics_add(M_SHARED_SYNCS, (int64_t)ns);
	rc = sync_machines(w, stale, ns, now);
	free(stale);
	return rc;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The distinct machines of the group's nrec records into w->lk_ids,
 * ascending; their count into *n. */
static int group_machines(writer *w, size_t nrec, size_t *n)
{
	int rc = grow_lk(w, nrec ? nrec : 1);
	if (rc)
		return rc;
	size_t k = 0;
	for (size_t i = 0; i < nrec; i++)
		if (w->order[i].r->machine_id > 0)
			w->lk_ids[k++] = w->order[i].r->machine_id;
	qsort(w->lk_ids, k, sizeof *w->lk_ids, cmp_i64);
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (!u || w->lk_ids[u - 1] != w->lk_ids[i])
			w->lk_ids[u++] = w->lk_ids[i];
	*n = u;
	return GLOVED_OK;
}

/* Puts anchor before the samples of t (which are all newer). */
static int anchor_track(counter_track *t, const counter_sample *anchor)
{
	counter_track t2;
	counter_track_init(&t2);
	int rc = counter_track_load(&t2, anchor);
	for (uint32_t i = 0; i < t->n && !rc; i++)
		rc = counter_track_load(&t2, &t->s[i]);
	if (rc) {
		counter_track_free(&t2);
		return rc;
	}
	counter_track_free(t);
	*t = t2;
	return GLOVED_OK;
}

/* One sample of read_windows' scan: into its machine's track when it lies
 * in the window, else (older) the anchor candidate; in time order, so the
 * newest candidate wins. */
static int window_sample(void *ctx, const store_sample *x)
{
	writer *w = ctx;
	if (x->machine_id <= 0 || (size_t)x->machine_id >= w->wm_cap ||
	    (x->flags & STORE_SAMPLE_MARK))
		return GLOVED_OK;
	wmachine *wm = &w->wm[x->machine_id];
	if (!wm->init || !wm->wl || x->ts_ms > wm->live.last_ts)
		return GLOVED_OK;
	counter_sample s = {x->ts_ms, x->count, x->reject, x->d_good, x->d_reject};
	if (x->ts_ms < wm->live.last_ts - w->opt.window_ms) {
		wm->wl_anchor = s;
		wm->wl_anchored = 1;
		return GLOVED_OK;
	}
	return counter_track_load(&wm->track, &s);
}

/* The whole tracks of machines ids[0..n-1], whose tracks sync_machines
 * left partial, before reports that are not newer than the track's
 * newest: the samples within the reorder window of the newest and, as its
 * anchor, the newest sample before them, as a writer that had every report
 * holds it (a report older than the window's first sample is placed after
 * the anchor, not refused as late: before a counter reset that decides its
 * pieces). One scan of the machines' samples reads every window and, from
 * a window's length before, most anchors; a machine silent for longer
 * before its window has its anchor read alone. */
static int read_windows(writer *w, const int64_t *ids, size_t n)
{
	int rc = run_flush(w); /* this transaction's samples first */
	if (rc || !n)
		return rc;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (size_t i = 0; i < n; i++) {
		wmachine *wm = &w->wm[ids[i]];
		counter_track_free(&wm->track);
		counter_track_init(&wm->track);
		wm->wl = 1;
		wm->wl_anchored = 0;
		int64_t from = wm->live.last_ts - w->opt.window_ms;
		lo = from - w->opt.window_ms < lo ? from - w->opt.window_ms : lo;
		hi = wm->live.last_ts > hi ? wm->live.last_ts : hi;
	}
	rc = store_samples_range_of(w->db, lo, hi, ids, n, window_sample, w);
	for (size_t i = 0; i < n; i++) {
		wmachine *wm = &w->wm[ids[i]];
		wm->wl = 0;
		if (rc)
			continue;
		if (!wm->wl_anchored) {
			store_sample b;
			int64_t from = wm->live.last_ts - w->opt.window_ms;
			rc = store_sample_before(w->db, ids[i], from, &b);
			if (rc == GLOVED_OK) {
				wm->wl_anchor = (counter_sample){b.ts_ms, b.count, b.reject,
								 b.d_good, b.d_reject};
				wm->wl_anchored = 1;
			} else if (rc == GLOVED_ENOTFOUND) {
				rc = GLOVED_OK;
			}
		}
		if (!rc && wm->wl_anchored)
			rc = anchor_track(&wm->track, &wm->wl_anchor);
		/* nothing before the window: a report older than every sample is
		 * still placed (the machine's first reports arriving out of
		 * order), as in a track that never had to evict */
		wm->track.has_anchor = (uint8_t)wm->wl_anchored;
		if (!rc && wm->track.n == 0 && wm->live.last_ts) {
			counter_sample a = {wm->live.last_ts, wm->live.count, wm->live.reject, 0,
					    0};
			rc = counter_track_load(&wm->track, &a);
		}
		if (!rc)
			wm->partial = 0;
	}
	return rc;
}

/* Before a group is applied: the windows its late or duplicate reports
 * will need, all in one read_windows. */
static int read_group_windows(writer *w, size_t nrec)
{
	size_t n = 0;
	for (size_t i = 0; i < nrec; i++) {
		const ingest_record *r = w->order[i].r;
		if (r->machine_id <= 0 || (size_t)r->machine_id >= w->wm_cap)
			continue;
		wmachine *wm = &w->wm[r->machine_id];
		if (wm->init && wm->partial && !wm->wl && wm->track.n &&
		    r->ts_ms <= wm->track.s[wm->track.n - 1].ts_ms) {
			wm->wl = 1;
			w->lk_from[n++] = r->machine_id; /* lk_from as scratch */
		}
	}
	if (!n)
		return GLOVED_OK;
	int64_t *ids = malloc(n * sizeof *ids);
	if (!ids)
		return GLOVED_ENOMEM;
	memcpy(ids, w->lk_from, n * sizeof *ids);
	int rc = read_windows(w, ids, n);
	for (size_t i = 0; i < n; i++)
		w->wm[ids[i]].wl = 0;
	free(ids);
	return rc;
}

/* The live entries of the touched machines to the other instances, in
 * notes of at most STORE_NOTIFY_MAX bytes, sent when the transaction
 * commits. */
static int notify_touched(writer *w)
{
	int head = snprintf(w->note, sizeof w->note, "L %s ", w->instance);
	size_t len = (size_t)head;
	for (size_t i = 0; i < w->wm_cap; i++) {
		wmachine *m = &w->wm[i];
		if (!m->init || !m->touched)
			continue;
		size_t k = livenote_put(w->note + len, STORE_NOTIFY_MAX + 1 - len, &m->live);
		if (!k) {
			int rc = store_notify(w->db, w->note);
			if (rc)
				return rc;
			len = (size_t)head;
			w->note[len] = '\0';
			k = livenote_put(w->note + len, STORE_NOTIFY_MAX + 1 - len, &m->live);
			if (!k)
				return GLOVED_EINVAL;
		}
		len += k;
	}
	return len > (size_t)head ? store_notify(w->db, w->note) : GLOVED_OK;
}

static int apply_record(writer *w, const ingest_record *r, int64_t now, writer_result *res)
{
	int rc = GLOVED_OK;
	wmachine *wmach = machine_at(w, r->machine_id, &rc);
	if (!wmach)
		return rc;
	const store_machine m = wmach->m;
	/* the firm's calendar, cached per machine (dropped when a calendar
	 * changes: commit_group compares the cache's revision) */
	if (!wmach->fc || wmach->fc_ent != m.enterprise_id) {
		wmach->fc = firmcal_get(w->cals, w->db, m.enterprise_id);
		wmach->fc_ent = m.enterprise_id;
		if (!wmach->fc)
			return GLOVED_ENOMEM;
	}
	const firm_cal *fc = wmach->fc;
	/* only reports newer than the machine's newest move its state timeline */
	int in_order = !wmach->am.st_ts || r->ts_ms > wmach->am.st_ts;
	if (r->state_only) {
		res->accepted++;
		live_machine *lv = &wmach->live;
		if (r->ts_ms >= lv->last_ts &&
		    (lv->state != r->state || strcmp(lv->reason, r->reason))) {
			lv->since_ts = r->ts_ms;
			lv->state = r->state;
			memcpy(lv->reason, r->reason, sizeof lv->reason);
			wmach->live_dirty = 1;
			wmach->touched = 1;
		}
		if (in_order) {
			store_sample x;
			memset(&x, 0, sizeof x);
			x.ts_ms = r->ts_ms;
			x.machine_id = m.id;
			x.state = r->state;
			x.flags = STORE_SAMPLE_MARK;
			memcpy(x.reason, r->reason, sizeof x.reason);
			if ((rc = run_flush(w)) || (rc = store_sample_mark(w->db, &x)))
				return rc;
			rc =
			    acct_state(&w->pend, &wmach->am, fc, &m, r->ts_ms, r->state, r->reason);
			if (rc < 0)
				return rc;
			wmach->live_dirty = 1;
		}
		return GLOVED_OK;
	}
	if (wmach->partial && wmach->track.n &&
	    r->ts_ms <= wmach->track.s[wmach->track.n - 1].ts_ms &&
	    (rc = read_windows(w, &m.id, 1)))
		return rc;
	counter_params p = {m.counter_bits ? m.counter_bits : 64, w->opt.window_ms, m.cycle_ms};
	counter_change ch[2];
	int nc = 0;
	rc = counter_apply(&wmach->track, &p, r->ts_ms, r->count, r->reject, ch, &nc);
	if (rc < 0)
		return rc;
	res->accepted++;
	if (rc == COUNTER_DUPLICATE) {
		res->duplicates++;
		return GLOVED_OK;
	}
	if (rc == COUNTER_LATE) {
		res->late++;
		return GLOVED_OK;
	}
	for (int i = 0; i < nc; i++) {
		const counter_change *c = &ch[i];
		char worker[33];
		if (c->inserted) {
			store_sample s;
			s.ts_ms = c->ts_ms;
			s.machine_id = m.id;
			s.count = c->count;
			s.reject = c->reject;
			s.d_good = c->new_good;
			s.d_reject = c->new_reject;
			s.state = r->state;
			s.flags = in_order ? 0 : STORE_SAMPLE_LATE;
			memcpy(s.reason, r->reason, sizeof s.reason);
			memcpy(s.worker, r->worker, sizeof s.worker);
			memcpy(worker, r->worker, sizeof worker);
			rc = run_add(w, &s);
		} else {
			rc = run_flush(w);
			if (!rc)
				rc = store_sample_update_delta(w->db, m.id, c->ts_ms, c->new_good,
							       c->new_reject);
			if (!rc && (c->d_good || c->d_reject))
				sample_worker(w, m.id, c->ts_ms, worker);
		}
		if (rc)
			return rc;
		if ((rc = credit_change(w, wmach, fc, &m, c, worker, now)))
			return rc;
	}
	if (in_order) {
		rc = acct_state(&w->pend, &wmach->am, fc, &m, r->ts_ms, r->state, r->reason);
		if (rc < 0)
			return rc;
	}
	live_machine *lv = &wmach->live;
	if (r->ts_ms >= lv->last_ts) {
		if (lv->state != r->state || strcmp(lv->reason, r->reason) != 0 || !lv->since_ts)
			lv->since_ts = r->ts_ms;
		lv->state = r->state;
		memcpy(lv->reason, r->reason, sizeof lv->reason);
		lv->last_ts = r->ts_ms;
		lv->count = r->count;
		lv->reject = r->reject;
		wmach->live_dirty = 1;
	}
	wmach->touched = 1;
	return GLOVED_OK;
}

static int cmp_ref(const void *a, const void *b)
{
	const gref *x = a, *y = b;
	if (x->r->ts_ms != y->r->ts_ms)
		return x->r->ts_ms < y->r->ts_ms ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* 1 when nothing waits in the queue (the rollups should be written now). */
static int queue_empty(writer *w)
{
	pthread_mutex_lock(&w->mu);
	int empty = w->head == NULL;
	pthread_mutex_unlock(&w->mu);
	return empty;
}

/* Reports committed within about flush_ms from which on ingest is a
 * sustained burst (in_burst). */
#define BURST_REPORTS 10000

/* Whether ingest is a sustained burst: at least BURST_REPORTS committed
 * within the current and the previous window of flush_ms (the commit being
 * made not counted). Writing the rollups costs about six upserts per
 * machine touched however few reports the commit holds, so writing them
 * after every waiting submitter's commit would, under a burst of big
 * requests, cost more than the samples; light traffic (a client that posts
 * and then reads, a few gateways) stays far below the threshold and reads
 * its rollups right after its 200. docs/api.md: under a sustained burst the
 * rollups may trail by up to rollup_flush_ms. */
static int in_burst(writer *w, int64_t now)
{
	if (now - w->rate_t0 >= w->opt.flush_ms) {
		w->rate_prev = now - w->rate_t0 >= 2 * w->opt.flush_ms ? 0 : w->rate_cur;
		w->rate_cur = 0;
		w->rate_t0 = now;
	}
	return w->rate_prev + w->rate_cur >= BURST_REPORTS;
}

static int commit_group(writer *w, job *group, size_t nrec, size_t *n_touched)
{
	int rc;
	int64_t now_ms = ltime_now_ms();
	int64_t rev = firmcal_rev(w->cals);
	if (rev != w->cal_rev) { /* a calendar changed: take them anew */
		for (size_t i = 0; i < w->wm_cap; i++)
			w->wm[i].fc = NULL;
		w->cal_rev = rev;
	}
	if (nrec > w->order_cap) {
		gref *p = realloc(w->order, nrec * sizeof *p);
		if (!p)
			return GLOVED_ENOMEM;
		w->order = p;
		w->order_cap = nrec;
	}
	/* apply the group in time order: a counter is then mostly appended to
	 * its track and rarely re-credits a successor; the result is the same
	 * in any order */
	size_t k = 0;
	for (job *j = group; j; j = j->next) {
		memset(&j->res, 0, sizeof j->res);
		for (size_t i = 0; i < j->n; i++, k++)
			w->order[k] = (gref){&j->recs[i], j, k};
	}
	/* mostly in order already (one request's reports, requests of later
	 * times): then sorting is one pass */
	size_t unsorted = 0;
	for (size_t i = 1; i < nrec && !unsorted; i++)
		unsorted = cmp_ref(&w->order[i - 1], &w->order[i]) > 0;
	if (unsorted)
		qsort(w->order, nrec, sizeof *w->order, cmp_ref);
	w->reg_rev = registry_rev(w->reg);
	if ((rc = store_begin(w->db))) {
		log_error("writer: group of %zu reports failed: %s (%s)", nrec, gloved_strerror(rc),
			  store_errmsg(w->db));
		if (rc == GLOVED_ECLAIMED)
			set_fatal(w, rc);
		return rc;
	}
	w->n_run = 0;
	w->n_lk = 0;
	if (w->shared) {
		if ((rc = group_machines(w, nrec, &w->n_lk)) ||
		    (rc = lock_machines(w, w->n_lk, now_ms)))
			goto fail;
		for (size_t i = 0; i < w->n_lk; i++)
			w->wm[w->lk_ids[i]].live.rev = w->lk_revs[i];
		if ((rc = read_group_windows(w, nrec)))
			goto fail;
	}
	for (size_t i = 0; i < nrec; i++) {
		if ((rc = apply_record(w, w->order[i].r, now_ms, &w->order[i].j->res)))
			goto fail;
	}
	if ((rc = run_flush(w)) || (!w->shared && (rc = mark_days(w))))
		goto fail;
	int64_t now = ltime_mono_ms();
	/* a waiting submitter (HTTP) reads its rollups right after the answer
	 * when the queue is empty, unless ingest is a sustained burst; reports
	 * nobody waits for (MQTT) let the rollups gather for up to flush_ms */
	int sync = 0;
	for (job *j = group; j; j = j->next)
		sync |= !j->async && !j->barrier; /* a barrier waits for the samples only */
	int burst = in_burst(w, now);
	int flush = w->shared || (sync && !burst && queue_empty(w)) ||
		    now - w->last_flush_ms >= w->opt.flush_ms ||
		    acct_buf_pending(&w->pend) >= (size_t)w->opt.pend_max;
	if (flush && (rc = flush_pending(w)))
		goto fail;
	if (w->shared && (rc = notify_touched(w)))
		goto fail;
	if ((rc = store_commit(w->db)))
		goto fail;
	for (size_t i = 0; i < w->n_lk; i++)
		w->wm[w->lk_ids[i]].rev = w->lk_revs[i];
	if (flush) {
		pend_drop(w);
		w->pending = 0;
		w->last_flush_ms = now;
		metrics_add(M_ROLLUP_FLUSHES, 1);
	} else {
		w->pending = 1;
	}
	w->rate_cur += (int64_t)nrec;
	size_t nt = 0;
	for (size_t i = 0; i < w->wm_cap; i++)
		nt += w->wm[i].init && w->wm[i].touched;
	*n_touched = nt;
	return GLOVED_OK;
fail:
	w->n_run = 0;
	log_error("writer: group of %zu reports failed: %s (%s)", nrec, gloved_strerror(rc),
		  store_errmsg(w->db));
	store_rollback(w->db);
	metrics_add(M_COMMIT_FAILURES, 1);
	if (rc == GLOVED_ECLAIMED)
		set_fatal(w, rc);
	else
		reload(w); /* when it fails too, the next group reloads first (fresh) */
	return rc;
}

/* Writes what is pending when the queue has run dry. */
static void flush_only(writer *w)
{
	int rc = store_begin(w->db);
	if (!rc && !(rc = flush_pending(w)))
		rc = store_commit(w->db);
	if (rc) {
		log_error("writer: writing rollups failed: %s (%s)", gloved_strerror(rc),
			  store_errmsg(w->db));
		store_rollback(w->db);
		if (rc == GLOVED_ECLAIMED)
			set_fatal(w, rc);
		else
			reload(w);
		return;
	}
	pend_drop(w);
	w->pending = 0;
	w->last_flush_ms = ltime_mono_ms();
	metrics_add(M_ROLLUP_FLUSHES, 1);
}

/* ---- housekeeping: rebuild requests and retention ---- */

#define DAY_MS 86400000LL

/* Rebuilds firm ent (0: every firm) days day0..day1 in one transaction,
 * after writing what is pending (the rebuild replaces rows, so nothing may
 * be added to them afterwards from before). */
static int rebuild_now(writer *w, int64_t ent, int32_t day0, int32_t day1, char *msg, size_t len)
{
	msg[0] = '\0';
	if (w->pending) {
		flush_only(w);
		if (w->pending)
			return GLOVED_EDB;
	}
	int rc = rebuild_firms(w->db, w->reg, w->cals, ent, day0, day1, w->opt.raw_days,
			       ltime_now_ms(), msg, len);
	if (!rc)
		log_info("writer: %s", msg);
	return rc;
}

static void rebuild_requests(writer *w)
{
	store_rebuild rq;
	int rc;
	while ((rc = store_rebuild_next(w->db, &rq)) == GLOVED_OK) {
		char msg[128] = "";
		int brc = rebuild_now(w, rq.enterprise_id, rq.day0, rq.day1, msg, sizeof msg);
		if (brc && !msg[0])
			snprintf(msg, sizeof msg, "rebuild failed: %s", gloved_strerror(brc));
		char result[160];
		snprintf(result, sizeof result, "%s%s", brc ? "error: " : "ok: ", msg);
		if ((rc = store_rebuild_done(w->db, rq.id, ltime_now_ms(), result)) != GLOVED_OK)
			break;
	}
	/* the one statement an idle writer runs every second: where it learns
	 * that another instance took the database while its connection was
	 * lost */
	if (rc == GLOVED_ECLAIMED)
		set_fatal(w, rc);
}

static void retention(writer *w)
{
	int64_t now = ltime_now_ms();
	static const char *const what[] = {"samples", "minute rollups", "hour rollups",
					   "day rollups", "shift rollups and stops"};
	int64_t days[] = {w->opt.raw_days, w->opt.minute_days, w->opt.hour_days, w->opt.day_days,
			  w->opt.shift_days};
	for (int i = 0; i <= STORE_RETAIN_SHIFT; i++) {
		if (days[i] <= 0)
			continue;
		int64_t before = now - days[i] * DAY_MS;
		int64_t deleted = 0;
		int rc = store_retention_delete(w->db, (store_retain)i, before, before, &deleted);
		if (rc == GLOVED_ECLAIMED)
			set_fatal(w, rc);
		if (rc)
			log_error("writer: retention failed: %s (%s)", gloved_strerror(rc),
				  store_errmsg(w->db));
		else if (deleted)
			log_info("writer: retention removed %lld rows of %s older than %lld days",
				 (long long)deleted, what[i], (long long)days[i]);
	}
}

/* The partitions of this month and the next ones (PostgreSQL), ahead of
 * the rows: at the start and at every housekeeping (the store does
 * nothing until the month changes). A failure is logged once, not every
 * second; rows of a month without its partition still land in the
 * default one. */
static void partitions(writer *w)
{
	int rc = store_partitions_ensure(w->db, ltime_now_ms());
	if (rc == GLOVED_ENOTSUP)
		rc = GLOVED_OK; /* SQLite: nothing to make */
	if (rc && rc != w->parts_rc)
		log_error("writer: making the month's partitions failed: %s (%s)",
			  gloved_strerror(rc), store_errmsg(w->db));
	else if (!rc && w->parts_rc)
		log_info("writer: the month's partitions are made");
	w->parts_rc = rc;
}

/* After a calendar changed (firmcal_forget), loads every firm's calendar
 * into the cache again, so that readers without a connection (the live
 * feed: live_machine_view with no store) find the new one. */
static void warm_calendars(writer *w)
{
	int64_t rev = firmcal_rev(w->cals);
	if (rev == w->warm_rev)
		return;
	store_enterprise *es = NULL;
	size_t n = 0;
	store_scope all = {0};
	if (registry_enterprises(w->reg, all, &es, &n))
		return;
	w->warm_rev = rev;
	for (size_t i = 0; i < n; i++)
		firmcal_get(w->cals, w->db, es[i].id);
	free(es);
}

/* Runs on the writer thread when the queue is empty, at most once a
 * second; retention once an hour. */
static void housekeeping(writer *w)
{
	int64_t now = ltime_mono_ms();
	if (now - w->last_house_ms < 1000)
		return;
	w->last_house_ms = now;
	/* while the database is unreachable, keep trying to reload (the store
	 * backs off its reconnects), so the state is ready when it is back */
	if (fresh(w))
		return;
	partitions(w);
	warm_calendars(w);
	rebuild_requests(w);
	if (!w->last_retention_ms || now - w->last_retention_ms >= 3600000) {
		w->last_retention_ms = now;
		retention(w);
	}
}

typedef struct rebuild_call {
	writer *w;
	int64_t ent;
	int32_t day0, day1;
	char *msg;
	size_t len;
} rebuild_call;

static int rebuild_fn(store *s, void *ctx)
{
	(void)s;
	rebuild_call *c = ctx;
	return rebuild_now(c->w, c->ent, c->day0, c->day1, c->msg, c->len);
}

int writer_rebuild(writer *w, int64_t enterprise_id, int32_t day0, int32_t day1, char *msg,
		   size_t len)
{
	rebuild_call c = {w, enterprise_id, day0, day1, msg, len};
	msg[0] = '\0';
	return writer_call(w, rebuild_fn, &c);
}

typedef struct reason_call {
	writer *w;
	int64_t machine_id, start_ms;
	const char *reason;
} reason_call;

/* Moves a stop's credited time from "unexplained" to the supervisor's
 * reason and marks the stop; an open stop keeps crediting the reason. */
static int stop_reason_fn(store *s, void *ctx)
{
	reason_call *c = ctx;
	writer *w = c->w;
	store_machine m;
	store_stop x;
	store_scope all = {0};
	int rc;
	if (w->pending) {
		flush_only(w);
		if (w->pending)
			return GLOVED_EDB;
	}
	if (registry_machine(w->reg, c->machine_id, &m))
		return GLOVED_ENOTFOUND;
	wmachine *wm = wm_get(w, c->machine_id);
	if (!wm)
		return GLOVED_ENOMEM;
	/* with several writers the machine is locked first and, when another
	 * changed it, loaded again: its open stop may be that writer's */
	int64_t rev = 0;
	if (w->shared) {
		if ((rc = store_begin(s)))
			return rc;
		if ((rc = store_machines_lock(s, &c->machine_id, 1, &rev)) ||
		    (wm->rev + 1 != rev &&
		     (rc = sync_machines(w, &c->machine_id, 1, ltime_now_ms())))) {
			store_rollback(s);
			return rc;
		}
		wm = &w->wm[c->machine_id];
	}
	if ((rc = store_stop_get(s, all, c->machine_id, c->start_ms, &x)) ||
	    (x.reason[0] && !x.supervisor && (rc = GLOVED_EEXIST))) { /* the machine's own reason */
		if (w->shared)
			store_rollback(s);
		return rc;
	}
	const firm_cal *fc = firmcal_get(w->cals, s, m.enterprise_id);
	if (!fc) {
		if (w->shared)
			store_rollback(s);
		return GLOVED_ENOMEM;
	}
	acct_buf tmp;
	acct_machine am;
	acct_buf_init(&tmp);
	acct_machine_init(&am);
	/* the credited part of the stop: to its end, or for the open one to
	 * the newest sample of the timeline */
	int64_t end = x.end_ms;
	if (wm->am.ev_open && wm->am.ev.start_ms == x.start_ms)
		end = wm->am.st_ts;
	const char *old = x.supervisor ? x.reason : "";
	if (!w->shared && (rc = store_begin(s))) {
		acct_buf_free(&tmp);
		return rc;
	}
	if (!(rc = acct_credit(&tmp, &am, fc, &m, x.start_ms, end, x.state, old, -1)) &&
	    !(rc = acct_credit(&tmp, &am, fc, &m, x.start_ms, end, x.state, c->reason, 1)) &&
	    !(rc = acct_machine_close(&am, &tmp)) && !(rc = acct_buf_write(&tmp, s)))
		rc = store_stop_set_reason(s, c->machine_id, c->start_ms, c->reason);
	acct_buf_free(&tmp);
	if (rc || (rc = store_commit(s))) {
		store_rollback(s);
		return rc;
	}
	if (w->shared)
		wm->rev = rev;
	if (wm->am.ev_open && wm->am.ev.start_ms == x.start_ms) {
		snprintf(wm->am.ev.reason, sizeof wm->am.ev.reason, "%s", c->reason);
		wm->am.ev.supervisor = 1;
	}
	return GLOVED_OK;
}

int writer_set_stop_reason(writer *w, int64_t machine_id, int64_t start_ms, const char *reason)
{
	reason_call c = {w, machine_id, start_ms, reason};
	return writer_call(w, stop_reason_fn, &c);
}

firmcal_cache *writer_cals(writer *w)
{
	return w->cals;
}

const char *writer_instance(writer *w)
{
	return w->shared ? w->instance : NULL;
}

static void publish_touched(writer *w, size_t n_touched)
{
	if (n_touched > w->pub_cap) {
		live_machine *p = realloc(w->pub, n_touched * sizeof *p);
		if (!p)
			return;
		w->pub = p;
		w->pub_cap = n_touched;
	}
	size_t k = 0;
	for (size_t i = 0; i < w->wm_cap && k < n_touched; i++) {
		wmachine *m = &w->wm[i];
		if (m->init && m->touched) {
			w->pub[k++] = m->live;
			m->touched = 0;
		}
	}
	live_update(w->lv, w->pub, k);
}

/* Ends the writing for good (on the writer thread): the database's claim
 * went to another instance, so this one must not write again. What is
 * pending is dropped, every later job is answered with rc; the daemon
 * reads writer_fatal() and stops. */
static void set_fatal(writer *w, int rc)
{
	pend_drop(w); /* nothing pending may be tried again */
	w->pending = 0;
	pthread_mutex_lock(&w->mu);
	if (!w->fatal)
		log_error("writer: %s: no more writes; the daemon stops", gloved_strerror(rc));
	w->fatal = rc;
	pthread_mutex_unlock(&w->mu);
}

int writer_fatal(writer *w)
{
	if (!w)
		return GLOVED_OK;
	pthread_mutex_lock(&w->mu);
	int rc = w->fatal;
	pthread_mutex_unlock(&w->mu);
	return rc;
}

int writer_stale(writer *w)
{
	if (!w)
		return 0;
	pthread_mutex_lock(&w->mu);
	int stale = w->stale || w->fatal;
	pthread_mutex_unlock(&w->mu);
	return stale;
}

static void finish(writer *w, job *list, int rc)
{
	pthread_mutex_lock(&w->mu);
	job *j = list;
	while (j) {
		job *next = j->next;
		w->queued -= (int64_t)j->n;
		if (j->async) {
			w->async_failed += rc != 0;
			free(j); /* the records live in the same block */
		} else {
			j->rc = rc;
			j->done = 1;
		}
		j = next;
	}
	metrics_set(M_WRITER_QUEUE, w->queued);
	pthread_cond_broadcast(&w->done_cv);
	pthread_cond_broadcast(&w->space_cv);
	pthread_mutex_unlock(&w->mu);
}

static void *writer_main(void *arg)
{
	writer *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		if (!w->head && w->pending) {
			/* rollups pending: write them once flush_ms has passed since the
			 * last write, or at once when stopping */
			int64_t due = w->last_flush_ms + w->opt.flush_ms - ltime_mono_ms();
			if (due > 0 && !w->stop) {
				struct timespec dl;
				clock_gettime(CLOCK_MONOTONIC, &dl);
				dl.tv_sec += (time_t)(due / 1000);
				dl.tv_nsec += (long)(due % 1000) * 1000000L;
				if (dl.tv_nsec >= 1000000000L) {
					dl.tv_sec++;
					dl.tv_nsec -= 1000000000L;
				}
				pthread_cond_timedwait(&w->work_cv, &w->mu, &dl);
				if (w->head) {
					pthread_mutex_unlock(&w->mu);
					continue;
				}
			}
			pthread_mutex_unlock(&w->mu);
			flush_only(w);
			continue;
		}
		while (!w->head && !w->stop) {
			pthread_mutex_unlock(&w->mu);
			housekeeping(w);
			pthread_mutex_lock(&w->mu);
			if (w->head || w->stop)
				break;
			struct timespec dl;
			clock_gettime(CLOCK_MONOTONIC, &dl);
			dl.tv_sec += 1;
			pthread_cond_timedwait(&w->work_cv, &w->mu, &dl);
		}
		if (!w->head && w->stop) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		if (w->head->kind == JOB_CALL) {
			job *j = w->head;
			w->head = j->next;
			if (!w->head)
				w->tail = NULL;
			w->n_sync--;
			pthread_mutex_unlock(&w->mu);
			j->next = NULL;
			int rc = fresh(w);
			if (!rc)
				rc = j->fn(w->db, j->ctx);
			if (rc == GLOVED_ECLAIMED)
				set_fatal(w, rc);
			finish(w, j, rc);
			continue;
		}
		/* light traffic: give concurrent submitters a moment to join */
		if (w->opt.batch_wait_ms > 0 && w->queued < w->opt.batch_max && !w->stop) {
			pthread_mutex_unlock(&w->mu);
			struct timespec ts = {0, (long)w->opt.batch_wait_ms * 1000000L};
			nanosleep(&ts, NULL);
			pthread_mutex_lock(&w->mu);
		}
		/* reports nobody waits for (MQTT: one message, one report) gather for
		 * up to async_wait_ms so that a commit holds many of them; a
		 * submitter that waits for its answer cuts the gathering short */
		if (w->head->async && w->opt.async_wait_ms > 0) {
			struct timespec dl;
			clock_gettime(CLOCK_MONOTONIC, &dl);
			dl.tv_nsec += (long)w->opt.async_wait_ms * 1000000L;
			while (dl.tv_nsec >= 1000000000L) {
				dl.tv_sec++;
				dl.tv_nsec -= 1000000000L;
			}
			while (!w->stop && w->queued < w->opt.batch_max && w->n_sync == 0) {
				if (pthread_cond_timedwait(&w->work_cv, &w->mu, &dl) == ETIMEDOUT)
					break;
			}
		}
		job *group = w->head, *last = w->head;
		size_t nrec = last->n;
		while (last->next && last->next->kind == JOB_REPORTS &&
		       nrec + last->next->n <= (size_t)w->opt.batch_max) {
			last = last->next;
			nrec += last->n;
		}
		for (job *j = group;; j = j->next) {
			w->n_sync -= !j->async;
			if (j == last)
				break;
		}
		w->head = last->next;
		if (!w->head)
			w->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&w->mu);

		size_t touched = 0;
		int rc = fresh(w);
		if (!rc)
			rc = commit_group(w, group, nrec, &touched);
		if (!rc) {
			publish_touched(w, touched);
			metrics_add(M_COMMITS, 1);
			metrics_observe_batch(nrec);
			size_t dup = 0, late = 0;
			for (job *j = group; j; j = j->next) {
				dup += j->res.duplicates;
				late += j->res.late;
			}
			metrics_add(M_REPORTS_ACCEPTED, (int64_t)nrec);
			metrics_add(M_REPORTS_DUPLICATE, (int64_t)dup);
			metrics_add(M_REPORTS_LATE, (int64_t)late);
		}
		finish(w, group, rc);
	}
	return NULL;
}

int writer_open(const writer_options *opt, store *wdb, registry *reg, live *lv, writer **out)
{
	*out = NULL;
	writer *w = calloc(1, sizeof *w);
	if (!w)
		return GLOVED_ENOMEM;
	w->opt = *opt;
	if (w->opt.queue_max <= 0)
		w->opt.queue_max = 1000000;
	if (w->opt.flush_ms <= 0)
		w->opt.flush_ms = 1000;
	if (w->opt.pend_max <= 0)
		w->opt.pend_max = 200000;
	if (w->opt.async_wait_ms < 0)
		w->opt.async_wait_ms = 0;
	w->db = wdb;
	w->reg = reg;
	w->lv = lv;
	acct_buf_init(&w->pend);
	w->cals = opt->cals;
	if (!w->cals) {
		w->cals = firmcal_cache_new(ltime_zone(), NULL);
		w->own_cals = 1;
		if (!w->cals) {
			free(w);
			return GLOVED_ENOMEM;
		}
	}
	if (opt->offline_after_ms > 0)
		firmcal_cache_set_offline_after(w->cals, opt->offline_after_ms);
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->work_cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&w->done_cv, NULL);
	pthread_cond_init(&w->space_cv, NULL);
	/* several writers on this database? (asked for, and an empty lock
	 * answers whether the backend has them) */
	w->shared = opt->shared && store_machines_lock(wdb, NULL, 0, NULL) == GLOVED_OK;
	if (opt->shared && !w->shared) {
		log_error("this database cannot be served by several instances");
		writer_close(w);
		return GLOVED_ENOTSUP;
	}
	if (w->shared) {
		char tok[SECRET_TOKEN_MAX];
		if (secret_token_new("", tok, sizeof tok)) {
			writer_close(w);
			return GLOVED_EIO;
		}
		for (size_t i = 0; i + 1 < sizeof w->instance; i++) /* base64url: no ' ' */
			w->instance[i] = tok[i];
		w->instance[sizeof w->instance - 1] = '\0';
	}
	int rc = reload(w);
	if (rc) {
		writer_close(w);
		return rc;
	}
	partitions(w); /* before the first row */
	if (pthread_create(&w->thread, NULL, writer_main, w)) {
		w->db = NULL;
		writer_close(w);
		return GLOVED_ENOMEM;
	}
	*out = w;
	return GLOVED_OK;
}

void writer_close(writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	int running = w->thread != 0;
	w->stop = 1;
	pthread_cond_broadcast(&w->work_cv);
	pthread_mutex_unlock(&w->mu);
	if (running)
		pthread_join(w->thread, NULL);
	wm_clear(w);
	acct_buf_free(&w->pend);
	if (w->own_cals)
		firmcal_cache_free(w->cals);
	free(w->order);
	free(w->pub);
	free(w->lk_ids);
	free(w->lk_revs);
	free(w->lk_from);
	free(w->lk_to);
	free(w->lk_state);
	store_close(w->db);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->work_cv);
	pthread_cond_destroy(&w->done_cv);
	pthread_cond_destroy(&w->space_cv);
	free(w);
}

static int enqueue(writer *w, job *j)
{
	pthread_mutex_lock(&w->mu);
	while (!w->stop && j->kind == JOB_REPORTS && w->queued > 0 &&
	       w->queued + (int64_t)j->n > w->opt.queue_max)
		pthread_cond_wait(&w->space_cv, &w->mu);
	if (w->stop) {
		pthread_mutex_unlock(&w->mu);
		return GLOVED_ESHUTDOWN;
	}
	j->next = NULL;
	if (w->tail)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	w->queued += (int64_t)j->n;
	metrics_set(M_WRITER_QUEUE, w->queued);
	w->n_sync += !j->async;
	/* wake the writer when it may be asleep on an empty queue, when someone
	 * waits, or when a commit is full; not for every gathered MQTT report */
	if (!j->async || w->head == j || w->queued >= w->opt.batch_max)
		pthread_cond_signal(&w->work_cv);
	if (!j->async) {
		while (!j->done)
			pthread_cond_wait(&w->done_cv, &w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return GLOVED_OK;
}

int writer_submit(writer *w, const ingest_record *recs, size_t n, writer_result *res)
{
	job j = {0};
	j.kind = JOB_REPORTS;
	j.recs = (ingest_record *)recs;
	j.n = n;
	int rc = enqueue(w, &j);
	if (rc)
		return rc;
	if (!j.rc && res)
		*res = j.res;
	return j.rc;
}

int writer_submit_async(writer *w, const ingest_record *recs, size_t n)
{
	/* one allocation: the job with its records right after it */
	job *j = malloc(sizeof *j + (n ? n : 1) * sizeof *recs);
	if (!j)
		return GLOVED_ENOMEM;
	memset(j, 0, sizeof *j);
	j->recs = (ingest_record *)(void *)(j + 1);
	memcpy(j->recs, recs, n * sizeof *recs);
	j->kind = JOB_REPORTS;
	j->n = n;
	j->async = 1;
	int rc = enqueue(w, j);
	if (rc)
		free(j);
	return rc;
}

uint64_t writer_async_failures(writer *w)
{
	pthread_mutex_lock(&w->mu);
	uint64_t n = w->async_failed;
	pthread_mutex_unlock(&w->mu);
	return n;
}

int writer_barrier(writer *w)
{
	/* an empty synchronous job: queued behind every earlier one, it is done
	 * when they are (the writer runs the queue in order, one group at a
	 * time); it does not make the rollups flush as an HTTP request does */
	job j = {0};
	j.kind = JOB_REPORTS;
	j.barrier = 1;
	int rc = enqueue(w, &j);
	return rc ? rc : j.rc;
}

int writer_call(writer *w, int (*fn)(store *s, void *ctx), void *ctx)
{
	job j = {0};
	j.kind = JOB_CALL;
	j.fn = fn;
	j.ctx = ctx;
	int rc = enqueue(w, &j);
	return rc ? rc : j.rc;
}
