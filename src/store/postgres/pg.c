/* SPDX-License-Identifier: Apache-2.0 */
/* pg.c: the PostgreSQL backend's connection core (store_int.h) and the
 * statement helpers its capability files share (pg_int.h). One libpq
 * connection per `store`; every statement of fixed text is prepared once
 * per connection, lazily, under a name derived from its slot, and then run
 * by name with bound parameters (integers as decimal text, bytea in binary
 * format). A write transaction is a plain BEGIN (read committed); a read
 * snapshot is REPEATABLE READ READ ONLY, the equivalent of SQLite's
 * deferred transaction on a WAL reader. Migrations (pg_migrations.c) run
 * when a write connection opens. A connection whose server went away is
 * re-established on its next use (pg__reconnect, with a back-off), its
 * session set up again (session_setup: the settings and the claim); a
 * transaction lost with it is never replayed, a read outside one is run
 * once more (docs/internals/store.md, "Reconnecting"). The ported capabilities are registry,
 * auth, samples, analytics, sewn, quality, brand, cluster and coop: every
 * capability (docs/internals/store.md). */
#include "store/postgres/pg_int.h"
#include "util/err.h"
#include "util/log.h"
#include "util/ltime.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const store_ops pg_ops;

/* ---- parameters ---- */

void pg__p_init(pg_params *p)
{
	p->n = 0;
	p->overflow = 0;
}

static int p_slot(pg_params *p)
{
	if (p->n >= PG_PARAMS) {
		p->overflow = 1;
		return -1;
	}
	return p->n++;
}

void pg__p_i64(pg_params *p, int64_t v)
{
	int i = p_slot(p);
	if (i < 0)
		return;
	snprintf(p->num[i], sizeof p->num[i], "%lld", (long long)v);
	p->val[i] = p->num[i];
	p->len[i] = 0;
	p->fmt[i] = 0;
}

void pg__p_text(pg_params *p, const char *s)
{
	int i = p_slot(p);
	if (i < 0)
		return;
	p->val[i] = s;
	p->len[i] = 0;
	p->fmt[i] = 0;
}

void pg__p_bin(pg_params *p, const void *data, size_t len)
{
	int i = p_slot(p);
	if (i < 0)
		return;
	if (len > INT32_MAX) {
		p->overflow = 1;
		return;
	}
	p->val[i] = data;
	p->len[i] = (int)len;
	p->fmt[i] = 1;
}

void pg__p_null(pg_params *p)
{
	pg__p_text(p, NULL);
}

/* ---- errors ---- */

static void keep_err(pgc *q, const char *msg)
{
	size_t len = msg ? strlen(msg) : 0;
	/* libpq's texts end in a newline */
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	if (len >= sizeof q->err)
		len = sizeof q->err - 1;
	if (len)
		memcpy(q->err, msg, len);
	q->err[len] = '\0';
}

/* Whether the failure of r (or of the connection) means the connection is
 * gone: the server closed it, the network failed, or the server is
 * terminating this backend (57P01 admin_shutdown, 57P02 crash_shutdown)
 * or cannot take connections now (57P03). */
static int conn_lost(const pgc *q, const PGresult *r)
{
	if (!q->conn || PQstatus(q->conn) != CONNECTION_OK)
		return 1;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	return state && (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
			 strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0);
}

/* Marks the connection lost: what was prepared on it is gone, and so is
 * the transaction the statement ran in (q->was); the next call reconnects,
 * the first time at once. */
static void mark_down(pgc *q)
{
	if (!q->down)
		log_warn("store: postgres: the connection to the server was lost (%s)", q->err);
	q->down = 1;
	q->lost_now = 1;
	if (q->was != PQTRANS_IDLE)
		q->tx_lost = 1;
	memset(q->stmt_sql, 0, sizeof q->stmt_sql);
}

int pg__fail(pgc *q, PGresult *r, int fk_notfound)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorMessage(r) : NULL;
	keep_err(q, msg && *msg ? msg : q->conn ? PQerrorMessage(q->conn) : "no connection");
	int rc = GLOVED_EDB;
	if (conn_lost(q, r)) {
		mark_down(q);
		rc = GLOVED_EIO;
	} else if (state && strcmp(state, "23503") == 0)
		rc = fk_notfound ? GLOVED_ENOTFOUND : GLOVED_EEXIST;
	else if (state && strncmp(state, "23", 2) == 0)
		rc = GLOVED_EEXIST;
	else if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
			   strcmp(state, "55P03") == 0))
		rc = GLOVED_EBUSY;
	else if (state && strcmp(state, "53200") == 0)
		rc = GLOVED_ENOMEM;
	else if (state && strcmp(state, "53100") == 0)
		rc = GLOVED_EIO;
	PQclear(r);
	return rc;
}

/* ---- statements ---- */

static int result_ok(const PGresult *r)
{
	ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
}

static int is_begin(const char *sql)
{
	return strncmp(sql, "BEGIN", 5) == 0;
}

/* COMMIT or ROLLBACK of the whole transaction (not of a savepoint). */
static int is_end(const char *sql)
{
	return strcmp(sql, "COMMIT") == 0 || strcmp(sql, "ROLLBACK") == 0;
}

/* A statement that changes nothing, so that running it again on a new
 * connection cannot do anything twice: a read, a BEGIN, a setting. Only
 * such a statement, run outside a transaction, is retried after its
 * connection was lost under it. */
static int is_retriable(const char *sql)
{
	return strncmp(sql, "SELECT ", 7) == 0 || is_begin(sql) || strncmp(sql, "SET ", 4) == 0;
}

/* Before each statement: GLOVED_OK when it may be sent (reconnecting a
 * lost connection first), else the error. Inside a transaction that was
 * lost with its connection nothing runs until a new BEGIN; its end
 * (COMMIT, ROLLBACK) is answered by end_lost(). */
static int ready(pgc *q, const char *sql)
{
	q->lost_now = 0;
	if (q->claim_lost) {
		keep_err(q, "another gloved took over this database; this one writes no more");
		return GLOVED_ECLAIMED;
	}
	if (q->tx_lost) {
		if (!is_begin(sql)) {
			keep_err(q, "the transaction was lost with the connection to the server");
			return GLOVED_EIO;
		}
		q->tx_lost = 0;
	}
	if (!q->down && PQstatus(q->conn) != CONNECTION_OK) {
		keep_err(q, PQerrorMessage(q->conn));
		q->was = PQTRANS_IDLE;
		mark_down(q);
	}
	int rc;
	if (q->down && (rc = pg__reconnect(q)) != GLOVED_OK)
		return rc;
	q->was = PQtransactionStatus(q->conn);
	return GLOVED_OK;
}

/* The end of a transaction while the connection is or was lost: a
 * transaction that went with it is over (ROLLBACK: done; COMMIT: it did
 * not happen), and on a connection still down there is none to end.
 * Returns 1 with *rc set when it answered, 0 when the statement is sent. */
static int end_lost(pgc *q, const char *sql, int *rc)
{
	if (!is_end(sql) || (!q->tx_lost && !q->down) || q->claim_lost)
		return 0;
	int commit = sql[0] == 'C';
	if (q->tx_lost || commit) {
		q->tx_lost = 0;
		if (commit) {
			keep_err(q, "the transaction was lost with the connection to the server");
			*rc = GLOVED_EIO;
			return 1;
		}
	}
	*rc = GLOVED_OK;
	return 1;
}

static PGresult *exec_once(pgc *q, const char *sql, const pg_params *p, int *rc)
{
	if ((*rc = ready(q, sql)) != GLOVED_OK)
		return NULL;
	int slot = -1, free_slot = -1;
	for (int i = 0; i < PG_STMTS; i++) {
		if (q->stmt_sql[i] == sql) {
			slot = i;
			break;
		}
		if (!q->stmt_sql[i] && free_slot < 0)
			free_slot = i;
	}
	char name[16];
	PGresult *r;
	if (slot < 0 && free_slot >= 0) {
		snprintf(name, sizeof name, "g%d", free_slot);
		r = PQprepare(q->conn, name, sql, p->n, NULL);
		if (!result_ok(r)) {
			*rc = pg__fail(q, r, 0);
			return NULL;
		}
		PQclear(r);
		q->stmt_sql[free_slot] = sql;
		slot = free_slot;
	}
	if (slot >= 0) {
		snprintf(name, sizeof name, "g%d", slot);
		r = PQexecPrepared(q->conn, name, p->n, p->val, p->len, p->fmt, 0);
	} else {
		/* every slot taken: still bound parameters, unnamed statement */
		r = PQexecParams(q->conn, sql, p->n, NULL, p->val, p->len, p->fmt, 0);
	}
	if (!result_ok(r)) {
		*rc = pg__fail(q, r, 0);
		return NULL;
	}
	*rc = GLOVED_OK;
	return r;
}

/* Whether a statement that just failed runs once more: its connection was
 * lost under it outside a transaction, it changes nothing, and the
 * connection is back. */
static int retry_once(pgc *q, const char *sql, int *rc)
{
	if (!q->lost_now || q->setting_up || q->was != PQTRANS_IDLE || !is_retriable(sql))
		return 0;
	int rr = pg__reconnect(q);
	if (rr == GLOVED_ECLAIMED)
		*rc = rr; /* the call learns it at once */
	return rr == GLOVED_OK;
}

PGresult *pg__exec(pgc *q, const char *sql, const pg_params *p, int *rc)
{
	static const pg_params none = {0};
	if (!p)
		p = &none;
	if (p->overflow) {
		keep_err(q, "too many or too large parameters");
		*rc = GLOVED_EINVAL;
		return NULL;
	}
	PGresult *r = exec_once(q, sql, p, rc);
	if (!r && retry_once(q, sql, rc))
		r = exec_once(q, sql, p, rc);
	return r;
}

/* Runs fixed text; the result for the caller, or NULL with *rc set. */
static PGresult *simple_once(pgc *q, const char *sql, int *rc)
{
	if (end_lost(q, sql, rc))
		return NULL;
	if ((*rc = ready(q, sql)) != GLOVED_OK)
		return NULL;
	PGresult *r = PQexec(q->conn, sql);
	if (!result_ok(r)) {
		*rc = pg__fail(q, r, 0);
		return NULL;
	}
	*rc = GLOVED_OK;
	return r;
}

static PGresult *simple_exec(pgc *q, const char *sql, int *rc)
{
	PGresult *r = simple_once(q, sql, rc);
	if (!r && *rc && retry_once(q, sql, rc))
		r = simple_once(q, sql, rc);
	return r;
}

int pg__simple(pgc *q, const char *sql)
{
	int rc;
	PQclear(simple_exec(q, sql, &rc));
	return rc;
}

/* Runs sql under a savepoint when guard is set and a transaction is open;
 * the first row's first column into *id, the rows changed into *affected
 * (either may be NULL). */
static int guarded(pgc *q, const char *sql, const pg_params *p, int guard, int64_t *id,
		   int64_t *affected)
{
	int in_tx = guard && PQtransactionStatus(q->conn) == PQTRANS_INTRANS;
	int rc;
	if (in_tx && (rc = pg__simple(q, "SAVEPOINT gloved_guard")) != GLOVED_OK)
		return rc;
	PGresult *r = pg__exec(q, sql, p, &rc);
	if (r && id && PQntuples(r) > 0 && PQnfields(r) > 0)
		*id = pg__i64(r, 0, 0);
	if (r && affected) {
		const char *t = PQcmdTuples(r);
		*affected = t && *t ? strtoll(t, NULL, 10) : 0;
	}
	PQclear(r);
	if (in_tx) {
		if (rc) {
			/* keep the statement's error text over the rollback's */
			char err[sizeof q->err];
			memcpy(err, q->err, sizeof err);
			pg__simple(q, "ROLLBACK TO SAVEPOINT gloved_guard");
			memcpy(q->err, err, sizeof err);
		}
		int rr = pg__simple(q, "RELEASE SAVEPOINT gloved_guard");
		if (!rc)
			rc = rr;
	}
	return rc;
}

PGresult *pg__exec_guarded(pgc *q, const char *sql, const pg_params *p, int *rc)
{
	int in_tx = PQtransactionStatus(q->conn) == PQTRANS_INTRANS;
	if (in_tx && (*rc = pg__simple(q, "SAVEPOINT gloved_guard")) != GLOVED_OK)
		return NULL;
	PGresult *r = pg__exec(q, sql, p, rc);
	if (in_tx) {
		if (!r) {
			char err[sizeof q->err];
			memcpy(err, q->err, sizeof err);
			pg__simple(q, "ROLLBACK TO SAVEPOINT gloved_guard");
			memcpy(q->err, err, sizeof err);
		}
		int rr = pg__simple(q, "RELEASE SAVEPOINT gloved_guard");
		if (r && rr) {
			PQclear(r);
			r = NULL;
			*rc = rr;
		}
	}
	return r;
}

int pg__run(pgc *q, const char *sql, const pg_params *p, int guard, int64_t *affected)
{
	return guarded(q, sql, p, guard, NULL, affected);
}

int pg__insert_id(pgc *q, const char *sql, const pg_params *p, int64_t *id)
{
	return guarded(q, sql, p, 1, id, NULL);
}

int64_t pg__i64(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return 0;
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

int pg__int(const PGresult *r, int row, int col)
{
	int64_t v = pg__i64(r, row, col);
	return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int)v;
}

void pg__text(const PGresult *r, int row, int col, char *dst, size_t n)
{
	const char *t = PQgetvalue(r, row, col);
	size_t len = t ? (size_t)PQgetlength(r, row, col) : 0;
	if (len >= n)
		len = n - 1;
	if (len)
		memcpy(dst, t, len);
	dst[len] = '\0';
}

int pg__rows(pgc *q, const char *sql, const pg_params *p, size_t elem, pg__row_fn row, void **out,
	     size_t *n)
{
	void *arr = NULL;
	size_t len = 0, cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	PGresult *r = pg__exec(q, sql, p, &rc);
	if (!r)
		return rc;
	int rows = PQntuples(r);
	for (int i = 0; i < rows; i++) {
		void *dst = store__grow(&arr, &len, &cap, elem);
		if (!dst) {
			rc = GLOVED_ENOMEM;
			goto out;
		}
		if ((rc = row(r, i, dst)) != GLOVED_OK)
			goto out;
	}
	*out = arr;
	*n = len;
	arr = NULL;
	rc = GLOVED_OK;
out:
	PQclear(r);
	free(arr);
	return rc;
}

int pg__one(pgc *q, const char *sql, const pg_params *p, void *dst, pg__row_fn row)
{
	int rc;
	PGresult *r = pg__exec(q, sql, p, &rc);
	if (!r)
		return rc;
	rc = PQntuples(r) > 0 ? row(r, 0, dst) : GLOVED_ENOTFOUND;
	PQclear(r);
	return rc;
}

int pg__scope_ok(store_scope sc, int64_t enterprise_id)
{
	return sc.enterprise_id == 0 || sc.enterprise_id == enterprise_id;
}

int64_t pg__read_ent(store_scope sc, int64_t enterprise_id)
{
	if (sc.enterprise_id && enterprise_id && sc.enterprise_id != enterprise_id)
		return -1;
	return enterprise_id ? enterprise_id : sc.enterprise_id;
}

int pg__get_by_id_or_code(pgc *q, store_scope sc, int64_t enterprise_id, const char *code,
			  int64_t id, const char *by_id, const char *by_code, void *out,
			  size_t size, size_t ent_off, pg__row_fn row)
{
	int64_t ent = pg__read_ent(sc, enterprise_id);
	if (ent < 0 || (!id && (!ent || !code)))
		return GLOVED_ENOTFOUND;
	pg_params p;
	pg__p_init(&p);
	if (id) {
		pg__p_i64(&p, id);
	} else {
		pg__p_i64(&p, ent);
		pg__p_text(&p, code);
	}
	memset(out, 0, size);
	int rc = pg__one(q, id ? by_id : by_code, &p, out, row);
	int64_t row_ent;
	memcpy(&row_ent, (const char *)out + ent_off, sizeof row_ent);
	if (!rc && ent && row_ent != ent)
		rc = GLOVED_ENOTFOUND;
	return rc;
}

int pg__firm_rows(pgc *q, store_scope sc, int64_t enterprise_id, const char *all, const char *firm,
		  size_t elem, pg__row_fn row, void **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int64_t ent = pg__read_ent(sc, enterprise_id);
	if (ent < 0)
		return GLOVED_OK;
	pg_params p;
	pg__p_init(&p);
	if (ent)
		pg__p_i64(&p, ent);
	return pg__rows(q, ent ? firm : all, &p, elem, row, out, n);
}

/* ---- array parameters ---- */

/* Appends len bytes (and keeps the text ended). */
static void arr_put(pg_arr *a, const char *s, size_t len)
{
	if (a->oom)
		return;
	if (a->cap - a->len <= len) {
		size_t cap = a->cap ? a->cap : 256;
		while (cap - a->len <= len) {
			if (cap > SIZE_MAX / 2) {
				a->oom = 1;
				return;
			}
			cap *= 2;
		}
		char *b = realloc(a->buf, cap);
		if (!b) {
			a->oom = 1;
			return;
		}
		a->buf = b;
		a->cap = cap;
	}
	memcpy(a->buf + a->len, s, len);
	a->len += len;
	a->buf[a->len] = '\0';
}

static void arr_sep(pg_arr *a)
{
	arr_put(a, a->n++ ? "," : "{", 1);
}

void pg__arr_i64(pg_arr *a, int64_t v)
{
	char num[24];
	int k = snprintf(num, sizeof num, "%lld", (long long)v);
	arr_sep(a);
	arr_put(a, num, (size_t)k);
}

void pg__arr_text(pg_arr *a, const char *s)
{
	arr_sep(a);
	arr_put(a, "\"", 1);
	for (const char *c = s ? s : ""; *c; c++) {
		if (*c == '"' || *c == '\\')
			arr_put(a, "\\", 1);
		arr_put(a, c, 1);
	}
	arr_put(a, "\"", 1);
}

const char *pg__arr_end(pg_arr *a)
{
	arr_put(a, a->n ? "}" : "{}", a->n ? 1 : 2);
	return a->oom ? NULL : a->buf;
}

int pg__p_arrays(pg_params *p, pg_arr *a, int n)
{
	int rc = GLOVED_OK;
	for (int i = 0; i < n; i++) {
		const char *v = pg__arr_end(&a[i]);
		if (!v)
			rc = GLOVED_ENOMEM;
		pg__p_text(p, v);
	}
	return rc;
}

int pg__run_arrays(pgc *q, const char *sql, pg_arr *a, int na)
{
	pg_params p;
	pg__p_init(&p);
	int rc = pg__p_arrays(&p, a, na);
	if (!rc)
		rc = pg__run(q, sql, &p, 0, NULL);
	for (int i = 0; i < na; i++)
		pg__arr_free(&a[i]);
	return rc;
}

void pg__arr_free(pg_arr *a)
{
	free(a->buf);
	a->buf = NULL;
	a->len = a->cap = 0;
	a->n = a->oom = 0;
}

/* ---- the connection core ---- */

static void pg_close(store *s)
{
	pgc *q = (pgc *)s;
	pg__load_free(q);
	PQfinish(q->conn);
	free(q);
}

static const char *pg_errmsg(store *s)
{
	return ((pgc *)s)->err;
}

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg; /* notices ("already exists, skipping") are not errors */
}

/* Connects to uri. A connection attempt gives up after 10 s, and a server
 * that stops answering without closing the connection (a network cut, a
 * dead host) is noticed by TCP within about a minute (keepalives after 30 s
 * idle, then every 10 s, 3 lost; sent data unacknowledged for 60 s), so
 * neither a reconnect nor a statement hangs its thread for long. The URI's
 * own values win over these defaults (libpq takes the later of repeated
 * keywords, and the URI is expanded after them). */
static int connect_uri(const char *uri, PGconn **out, char *err, size_t errlen)
{
	const char *const keys[] = {"connect_timeout",
				    "keepalives_idle",
				    "keepalives_interval",
				    "keepalives_count",
				    "tcp_user_timeout",
				    "dbname",
				    NULL};
	const char *const vals[] = {"10", "30", "10", "3", "60000", uri, NULL};
	*out = PQconnectdbParams(keys, vals, 1);
	if (!*out) {
		snprintf(err, errlen, "out of memory");
		return GLOVED_ENOMEM;
	}
	if (PQstatus(*out) != CONNECTION_OK) {
		snprintf(err, errlen, "%s", PQerrorMessage(*out));
		return GLOVED_EIO;
	}
	PQsetNoticeProcessor(*out, quiet, NULL);
	return GLOVED_OK;
}

/* The session advisory lock of store_claim ("glovedsv"), and the server
 * process that holds it (pg_locks shows a bigint key as its high and low
 * 32 bits). */
#define PG_CLAIM_KEY "7452728425566631542"
static const char claim_sql[] = "SELECT pg_try_advisory_lock(" PG_CLAIM_KEY ")::int";
static const char claim_shared_sql[] = "SELECT pg_try_advisory_lock_shared(" PG_CLAIM_KEY ")::int";
static const char holder_sql[] =
    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
    " AND classid::bigint = (" PG_CLAIM_KEY "::bigint >> 32)"
    " AND objid::bigint = (" PG_CLAIM_KEY "::bigint & 4294967295)";

/* Tries the claim on the connection (the shared one, which several
 * daemons hold together, when `shared`): GLOVED_OK, GLOVED_EBUSY when
 * another session holds it (for the shared one: holds it exclusively),
 * or the error. */
static int try_claim(pgc *q, int shared)
{
	int rc = GLOVED_OK;
	PGresult *r = pg__exec(q, shared ? claim_shared_sql : claim_sql, NULL, &rc);
	if (!r)
		return rc ? rc : GLOVED_EDB;
	int got = PQntuples(r) == 1 && pg__i64(r, 0, 0) == 1;
	PQclear(r);
	if (got)
		q->claim_pid = PQbackendPID(q->conn);
	return got ? GLOVED_OK : GLOVED_EBUSY;
}

/* Takes the claim again on a new session. The old session's server
 * process may not have ended yet (a terminated backend releases its locks
 * as it exits; a half-open one when TCP gives up on it): while the holder
 * is that process, GLOVED_EIO, and the reconnect is tried again later.
 * GLOVED_EBUSY only when another process holds it. */
static int reclaim(pgc *q)
{
	int shared = q->claimed == PG_CLAIM_SHARED;
	int rc = try_claim(q, shared);
	for (int i = 0; i < 2 && rc == GLOVED_EBUSY; i++) {
		PGresult *r = pg__exec(q, holder_sql, NULL, &rc);
		if (!r)
			return rc;
		int holder = PQntuples(r) > 0 ? pg__int(r, 0, 0) : 0;
		PQclear(r);
		if (holder && holder == q->claim_pid) {
			char msg[128];
			snprintf(msg, sizeof msg,
				 "the claim is still held by this gloved's lost session (server"
				 " process %d); trying again",
				 holder);
			keep_err(q, msg);
			return GLOVED_EIO;
		}
		rc = holder ? GLOVED_EBUSY : try_claim(q, shared); /* none: released meanwhile */
	}
	return rc;
}

/* What every connection sets up once connected, and again on the new
 * session after a reconnect: the settings, and the claim when the
 * connection had taken it (the server released it with the old session).
 * Keep this the one place that knows a connection's session state: the
 * multi-instance design replaces the claim here. */
static int session_setup(pgc *q)
{
	q->setting_up = 1;
	int rc = pg__simple(q, "SET client_min_messages = warning");
	if (!rc && q->claimed)
		rc = reclaim(q);
	q->setting_up = 0;
	if (rc == GLOVED_EBUSY) {
		q->claim_lost = 1;
		keep_err(q, "another gloved took over this database while the connection was"
			    " lost (an exclusive claim); this one writes no more");
		log_error("store: postgres: %s", q->err);
		PQfinish(q->conn);
		q->conn = NULL;
		return GLOVED_ECLAIMED;
	}
	return rc;
}

int pg__reconnect(pgc *q)
{
	if (q->claim_lost)
		return GLOVED_ECLAIMED;
	if (!q->down)
		return GLOVED_OK;
	int64_t now = ltime_mono_ms();
	if (now < q->retry_ms) {
		char msg[sizeof q->err + 96];
		snprintf(msg, sizeof msg,
			 "the database server is unreachable (next attempt in %lld ms): %s",
			 (long long)(q->retry_ms - now), q->err);
		if (strncmp(q->err, "the database server is unreachable", 34) != 0)
			keep_err(q, msg);
		return GLOVED_EIO;
	}
	PQreset(q->conn);
	int rc = GLOVED_EIO;
	if (PQstatus(q->conn) == CONNECTION_OK) {
		/* the session runs its setup as a fresh one: nothing to lose yet */
		q->down = 0;
		q->tx_lost = 0;
		q->was = PQTRANS_IDLE;
		memset(q->stmt_sql, 0, sizeof q->stmt_sql);
		if ((rc = session_setup(q)) == GLOVED_OK) {
			log_info("store: postgres: reconnected to the server");
			q->backoff_ms = 0;
			q->retry_ms = 0;
			return GLOVED_OK;
		}
		if (rc == GLOVED_ECLAIMED)
			return rc;
		q->down = 1; /* lost again during the setup */
	} else {
		keep_err(q, PQerrorMessage(q->conn));
	}
	/* the first failure of an outage is a warning, the later ones (at most
	 * one per PG_BACKOFF_MAX_MS) detail */
	log_msg(q->backoff_ms ? LOG_DEBUG : LOG_WARN,
		"store: postgres: reconnecting failed after %lld ms (%s)",
		(long long)(ltime_mono_ms() - now), q->err);
	q->backoff_ms = q->backoff_ms ? q->backoff_ms * 2 : PG_BACKOFF_MIN_MS;
	if (q->backoff_ms > PG_BACKOFF_MAX_MS)
		q->backoff_ms = PG_BACKOFF_MAX_MS;
	q->retry_ms = ltime_mono_ms() + q->backoff_ms;
	return rc == GLOVED_OK ? GLOVED_EIO : rc;
}

int store__pg_open(const char *uri, store_mode mode, const store_options *opt, store **out)
{
	(void)opt; /* every commit is durable: synchronous_commit stays the server's */
	int rc = GLOVED_EDB;
	*out = NULL;
	pgc *q = calloc(1, sizeof *q);
	if (!q)
		return GLOVED_ENOMEM;
	q->base.ops = &pg_ops;
	q->base.registry = &pg__registry_ops;
	q->base.auth = &pg__auth_ops;
	q->base.samples = &pg__samples_ops;
	q->base.analytics = &pg__analytics_ops;
	q->base.sewn = &pg__sewn_ops;
	q->base.quality = &pg__quality_ops;
	q->base.brand = &pg__brand_ops;
	q->base.cluster = &pg__cluster_ops;
	q->base.coop = &pg__coop_ops;
	q->base.bulk = &pg__bulk_ops;
	if ((rc = connect_uri(uri, &q->conn, q->err, sizeof q->err)) != GLOVED_OK)
		goto out;
	if ((rc = session_setup(q)) != GLOVED_OK)
		goto out;
	if (mode == STORE_WRITE) {
		rc = pg__migrate(q);
	} else {
		int v = 0;
		rc = pg__schema_version(q, &v);
		if (!rc && v == 0) {
			snprintf(q->err, sizeof q->err, "the database has no gloved schema yet");
			rc = GLOVED_ENOTFOUND; /* never migrated */
		}
	}
out:
	if (rc) {
		fprintf(stderr, "store: postgres: %s\n", q->err[0] ? q->err : gloved_strerror(rc));
		pg_close(&q->base);
		return rc;
	}
	*out = &q->base;
	return GLOVED_OK;
}

int store__pg_reset(const char *uri)
{
	pgc q = {0};
	int rc = connect_uri(uri, &q.conn, q.err, sizeof q.err);
	if (!rc)
		rc = pg__simple(&q, "SET client_min_messages = warning;"
				    " DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
	if (rc)
		fprintf(stderr, "store: postgres reset: %s\n", q.err);
	PQfinish(q.conn);
	return rc;
}

int store__pg_set_version(const char *uri, int version)
{
	pgc q = {0};
	int rc = connect_uri(uri, &q.conn, q.err, sizeof q.err);
	if (!rc) {
		pg_params p;
		pg__p_init(&p);
		pg__p_i64(&p, version);
		rc = pg__run(&q, "UPDATE schema_version SET version = $1", &p, 0, NULL);
	}
	if (rc)
		fprintf(stderr, "store: postgres set version: %s\n", q.err);
	PQfinish(q.conn);
	return rc;
}

int store__pg_migrate_to(const char *uri, int version)
{
	pgc q = {0};
	int rc = connect_uri(uri, &q.conn, q.err, sizeof q.err);
	if (!rc)
		rc = pg__simple(&q, "SET client_min_messages = warning");
	if (!rc)
		rc = pg__migrate_to(&q, version);
	if (rc)
		fprintf(stderr, "store: postgres migrate to %d: %s\n", version, q.err);
	PQfinish(q.conn);
	return rc;
}

static int pg_schema_version(store *s, int *out)
{
	return pg__schema_version((pgc *)s, out);
}

static int pg_begin(store *s)
{
	return pg__simple((pgc *)s, "BEGIN");
}

/* COMMIT of a transaction that an error aborted answers ROLLBACK, not an
 * error: that is a failed commit. */
static int pg_commit(store *s)
{
	pgc *q = (pgc *)s;
	int rc;
	PGresult *r = simple_exec(q, "COMMIT", &rc);
	if (!r)
		return rc;
	int rolled_back = strcmp(PQcmdStatus(r), "ROLLBACK") == 0;
	PQclear(r);
	if (rolled_back) {
		keep_err(q, "the transaction was aborted by an earlier error and rolled back");
		return GLOVED_EDB;
	}
	return GLOVED_OK;
}

static int pg_rollback(store *s)
{
	return pg__simple((pgc *)s, "ROLLBACK");
}

static int pg_read_begin(store *s)
{
	return pg__simple((pgc *)s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

static int pg_read_end(store *s)
{
	return pg__simple((pgc *)s, "COMMIT");
}

/* A session advisory lock: held until the connection closes, released by
 * the server when the process dies with it, and taken again on the new
 * session when the connection is re-established (session_setup). */
static int pg_claim(store *s)
{
	pgc *q = (pgc *)s;
	int rc = try_claim(q, 0);
	if (rc == GLOVED_OK)
		q->claimed = PG_CLAIM_EXCLUSIVE;
	return rc;
}

/* The shared form of pg_claim's lock: any number of daemons hold it
 * together; pg_claim (an offline admin command) cannot get it meanwhile.
 * Taken again on a new session after a reconnect, as pg_claim's. */
static int pg_claim_shared(store *s)
{
	pgc *q = (pgc *)s;
	int rc = try_claim(q, 1);
	if (rc == GLOVED_OK)
		q->claimed = PG_CLAIM_SHARED;
	return rc;
}

static int pg_listen(store *s)
{
	return pg__simple((pgc *)s, "LISTEN gloved_live");
}

/* Hands every notification received so far to cb. */
static int pg_drain(pgc *q, int (*cb)(void *ctx, const char *payload), void *ctx)
{
	int rc = GLOVED_OK;
	PGnotify *n;
	while ((n = PQnotifies(q->conn)) != NULL) {
		if (!rc)
			rc = cb(ctx, n->extra ? n->extra : "");
		PQfreemem(n);
	}
	return rc;
}

static int pg_wait_notify(store *s, int timeout_ms, int (*cb)(void *ctx, const char *payload),
			  void *ctx)
{
	pgc *q = (pgc *)s;
	if (!PQconsumeInput(q->conn))
		return pg__fail(q, NULL, 0);
	int rc = pg_drain(q, cb, ctx);
	if (rc)
		return rc;
	int fd = PQsocket(q->conn);
	if (fd < 0)
		return pg__fail(q, NULL, 0);
	struct pollfd pf = {.fd = fd, .events = POLLIN, .revents = 0};
	int k = poll(&pf, 1, timeout_ms);
	if (k < 0)
		return errno == EINTR ? GLOVED_OK : GLOVED_EIO;
	if (k == 0)
		return GLOVED_OK;
	if (!PQconsumeInput(q->conn))
		return pg__fail(q, NULL, 0);
	return pg_drain(q, cb, ctx);
}

static const store_ops pg_ops = {
    .version = STORE_CORE_VERSION,
    .name = "postgres",
    .close = pg_close,
    .errmsg = pg_errmsg,
    .schema_version = pg_schema_version,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .read_begin = pg_read_begin,
    .read_end = pg_read_end,
    .claim = pg_claim,
    .claim_shared = pg_claim_shared,
    .listen = pg_listen,
    .wait_notify = pg_wait_notify,
};
