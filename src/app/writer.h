/* SPDX-License-Identifier: Apache-2.0 */
/* writer.h: the one thread that writes. Every transport (HTTP, MQTT, later
 * Sparkplug and Modbus) hands validated reports to the writer; it runs
 * them through the counter reconciliation (core/counter.h), appends
 * samples and commits many requests in one transaction (group commit).
 * Only then are the submitters told, so an HTTP 200 means the reports are
 * on disk. The minute/hour/day rollups and the machines' live rows are
 * added up in memory and written when the queue runs dry or at most every
 * flush_ms under load (crash-safe: see writer.c). After a commit the in-memory
 * live state is published (live.h). If a commit fails, nothing of the
 * group is kept: the transaction rolls back and the writer reloads its
 * state from the store. Registry writes from the API also run here
 * (writer_call) so that the write connection has one owner. */
#ifndef GLOVED_APP_WRITER_H
#define GLOVED_APP_WRITER_H

#include "app/firmcal.h"
#include "app/live.h"
#include "app/registry.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

typedef struct ingest_record {
	int64_t machine_id;
	int64_t ts_ms;
	uint64_t count, reject;
	int state; /* machine_state */
	char reason[33];
	char worker[33];
	int state_only; /* 1: no counters, only a state change (e.g. MS_OFFLINE when a
			 * Sparkplug node dies or a Modbus device stops answering) */
} ingest_record;

typedef struct writer_result {
	size_t accepted;   /* records in the request */
	size_t duplicates; /* of them, already seen */
	size_t late;       /* of them, older than the reorder window */
} writer_result;

typedef struct writer_options {
	int64_t window_ms;
	int64_t batch_max;
	int64_t batch_wait_ms;
	int64_t queue_max;     /* records waiting before submitters block (0: 1,000,000) */
	int64_t flush_ms;      /* longest time rollups trail the samples under load (0: 1000) */
	int64_t pend_max;      /* most pending rollup rows before a flush (0: 200,000) */
	int64_t async_wait_ms; /* how long reports nobody waits for gather before a commit */
	firmcal_cache *cals;   /* firm calendars (NULL: the writer makes its own) */
	int64_t raw_days;      /* retention of raw samples (0: keep) */
	int64_t minute_days;   /* retention of minute rollups (0: keep) */
	int64_t hour_days;     /* retention of hour rollups (0: keep) */
	int64_t day_days;      /* retention of day rollups (0: keep) */
	int64_t shift_days;    /* retention of shift rollups and stop events (0: keep) */
	/* the offline rule of firms without their own ([ingest] offline_after;
	 * 0: 120 s), set on the calendar cache */
	int64_t offline_after_ms;
	/* 1: several writers share this database ([store] instances =
	 * several, a backend that has them): machines are locked and synced
	 * per commit, rollups written with every commit, live updates sent
	 * by notification. 0: this writer alone (rollups trail by flush_ms). */
	int shared;
} writer_options;

typedef struct writer writer;

/* Starts the writer thread on the write connection wdb (the writer takes
 * it over and closes it in writer_close). Loads the counter tracks and live
 * state from the store first. */
int writer_open(const writer_options *opt, store *wdb, registry *reg, live *lv, writer **out);
/* Drains the queue, stops the thread, closes the connection. NULL is fine. */
void writer_close(writer *w);
/* Submits n records and waits until they are committed (or failed).
 * Returns GLOVED_OK with *res filled, or an error (nothing was written). */
int writer_submit(writer *w, const ingest_record *recs, size_t n, writer_result *res);
/* Submits n records (copied) without waiting. */
int writer_submit_async(writer *w, const ingest_record *recs, size_t n);
/* How many asynchronous submissions have failed to commit, ever: a
 * submitter that must know its reports are on disk (MQTT, before it
 * acknowledges them) reads it, submits, calls writer_barrier and reads it
 * again. */
uint64_t writer_async_failures(writer *w);
/* Returns when everything submitted before it has been committed or has
 * failed: GLOVED_OK, or the error of the barrier's own (empty) commit. */
int writer_barrier(writer *w);
/* The error that ended the writing for good, or GLOVED_OK while the
 * writer writes: GLOVED_ECLAIMED when another instance took the database's
 * claim (its connection was lost and someone else claimed it meanwhile).
 * The daemon then stops. A database that is merely unreachable is not
 * fatal: each group is answered with the error (nothing written) and the
 * writer reloads its state once the database is back. NULL: GLOVED_OK. */
int writer_fatal(writer *w);
/* 1 while the writer cannot write: its state could not be loaded from the
 * database since a failure (it keeps trying), or it stopped for good
 * (writer_fatal). /healthz reports it. NULL: 0. */
int writer_stale(writer *w);
/* Runs fn(wdb, ctx) on the writer thread (outside any ingest transaction)
 * and returns its result. */
int writer_call(writer *w, int (*fn)(store *s, void *ctx), void *ctx);

/* Rebuilds the rollups of firm enterprise_id (0: every firm) for its local
 * days day0..day1 from the samples, on the writer thread (after writing
 * what is pending). msg (len bytes) receives a line for the user. */
int writer_rebuild(writer *w, int64_t enterprise_id, int32_t day0, int32_t day1, char *msg,
		   size_t len);
/* Sets a supervisor's reason on the stop of machine_id starting at start_ms
 * and moves its time from unexplained to that reason in the rollups.
 * GLOVED_ENOTFOUND: no such stop; GLOVED_EEXIST: the machine gave a reason. */
int writer_set_stop_reason(writer *w, int64_t machine_id, int64_t start_ms, const char *reason);
/* The firm calendars the writer uses (shared with the API). */
firmcal_cache *writer_cals(writer *w);
/* With several instances on one database (a backend where they can be):
 * this instance's id in the live notes (app/livenote.h); NULL without. */
const char *writer_instance(writer *w);
#endif
