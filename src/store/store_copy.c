/* SPDX-License-Identifier: Apache-2.0 */
/* store_copy.c: store_copy (copy.h), a database moved to another backend
 * through the catalogue calls of bulk.h. The two catalogues must name the
 * same tables and columns; the rows of each table are read from the
 * source in one snapshot and loaded into the target in one transaction,
 * parents before children (the target's foreign keys), and then counted
 * and read back on both sides: counts, a digest of every row and the
 * totals that matter must agree before the commit. Nothing here knows a
 * table but the ones the target's migrations seed (SEEDED) and the totals
 * it prints (TOTALS); every other table is found in the catalogue. */
#include "store/store_int.h"
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tables the target's migrations fill (meta: the registry revision): their
 * rows are replaced by the source's, loaded last so that the triggers the
 * other tables' rows fire (registry_bump) find nothing to change. */
static const char *const SEEDED[] = {"meta"};

/* The sums checked and shown besides every table's count and digest. */
static const struct {
	const char *table, *column;
} TOTALS[] = {
    {"sample", "d_good"},        {"sample", "d_reject"},   {"rollup_minute", "good"},
    {"rollup_minute", "reject"}, {"rollup_hour", "good"},  {"rollup_hour", "reject"},
    {"rollup_day", "good"},      {"rollup_day", "reject"}, {"rollup_shift", "good"},
    {"rollup_shift", "reject"},  {"order_line", "pairs"},  {"bundle", "pairs"},
    {"scan", "pairs"},           {"label", "pairs"},
};

#define N_SEEDED (sizeof SEEDED / sizeof SEEDED[0])
#define N_TOTALS (sizeof TOTALS / sizeof TOTALS[0])
_Static_assert(N_TOTALS <= STORE_COPY_TOTALS, "STORE_COPY_TOTALS too small");

static void say(store_copy_report *r, const char *fmt, ...)
{
	if (r->err[0])
		return; /* the first reason counts */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
}

/* Why a call on s failed: the connection's text, or the code's when the
 * backend has no text for it (a call it lacks). */
static const char *why(store *s, int rc)
{
	const char *m = store_errmsg(s);
	return rc == GLOVED_ENOTSUP || !m || !*m ? gloved_strerror(rc) : m;
}

static int seeded(const char *table)
{
	for (size_t i = 0; i < N_SEEDED; i++)
		if (strcmp(SEEDED[i], table) == 0)
			return 1;
	return 0;
}

static int col_index(const store_bulk_table *t, const char *name)
{
	for (int i = 0; i < t->n_cols; i++)
		if (strcmp(t->col[i].name, name) == 0)
			return i;
	return -1;
}

static const store_bulk_table *find_table(const store_bulk_table *ts, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ts[i].name, name) == 0)
			return &ts[i];
	return NULL;
}

/* One pass over a table's rows: the source's (loaded into `to`) or the
 * target's read back (to NULL). */
typedef struct pass {
	const store_bulk_table *t; /* the target's table: the kinds */
	store *to;
	store_copy_report *rep;
	int64_t rows;
	uint64_t digest;
	int64_t id_max[STORE_BULK_COLS];
	int total_col[N_TOTALS]; /* the column of each total in t, -1: not this table */
	int64_t sums[N_TOTALS];
	store_value conv[STORE_BULK_COLS];
} pass;

static void pass_init(pass *p, const store_bulk_table *t, store *to, store_copy_report *rep)
{
	memset(p, 0, sizeof *p);
	p->t = t;
	p->to = to;
	p->rep = rep;
	for (size_t j = 0; j < N_TOTALS; j++)
		p->total_col[j] =
		    strcmp(TOTALS[j].table, t->name) == 0 ? col_index(t, TOTALS[j].column) : -1;
}

static const char *const KIND_NAME[] = {"other", "integer", "text", "bytes"};
static const char *const VAL_NAME[] = {"NULL", "an integer", "a text", "bytes"};

/* v as a value of kind k: texts and bytes carry the same bytes either
 * way (SQLite keeps a blob in a TEXT column as it was written); an integer
 * is only an integer. */
static int coerce(const store_value *v, store_col_kind k, store_value *out)
{
	*out = *v;
	if (v->type == STORE_VAL_NULL)
		return 0;
	if (k == STORE_COL_INT)
		return v->type == STORE_VAL_INT ? 0 : -1;
	if (v->type == STORE_VAL_INT)
		return -1;
	out->type = k == STORE_COL_TEXT ? STORE_VAL_TEXT : STORE_VAL_BLOB;
	return 0;
}

/* FNV-1a over the bytes. */
static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *b = data;
	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static uint64_t fnv_u64(uint64_t h, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (56 - 8 * i));
	return fnv(h, b, sizeof b);
}

/* A row's hash: each value's type, then its integer or its length and
 * bytes; mixed (splitmix64's finaliser) before it is added to the
 * table's digest, a sum that does not depend on the order of the rows. */
static uint64_t row_hash(const store_value *v, int n)
{
	uint64_t h = 14695981039346656037ULL;
	for (int i = 0; i < n; i++) {
		unsigned char type = (unsigned char)v[i].type;
		h = fnv(h, &type, 1);
		if (v[i].type == STORE_VAL_INT) {
			h = fnv_u64(h, (uint64_t)v[i].i);
		} else if (v[i].type != STORE_VAL_NULL) {
			h = fnv_u64(h, (uint64_t)v[i].len);
			h = fnv(h, v[i].p, v[i].len);
		}
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

static int on_row(void *arg, const store_value *v, int n)
{
	pass *p = arg;
	const store_bulk_table *t = p->t;
	if (n != t->n_cols) {
		say(p->rep, "table %s: a row of %d values for %d columns", t->name, n, t->n_cols);
		return GLOVED_EINVAL;
	}
	for (int i = 0; i < n; i++) {
		if (coerce(&v[i], t->col[i].kind, &p->conv[i])) {
			say(p->rep, "table %s, column %s: %s where %s value belongs", t->name,
			    t->col[i].name, VAL_NAME[v[i].type], KIND_NAME[t->col[i].kind]);
			return GLOVED_EINVAL;
		}
		if (t->col[i].identity && v[i].type == STORE_VAL_INT && v[i].i > p->id_max[i])
			p->id_max[i] = v[i].i;
	}
	for (size_t j = 0; j < N_TOTALS; j++) {
		int c = p->total_col[j];
		if (c >= 0 && p->conv[c].type == STORE_VAL_INT) /* sums modulo 2^64 */
			p->sums[j] = (int64_t)((uint64_t)p->sums[j] + (uint64_t)p->conv[c].i);
	}
	p->digest += row_hash(p->conv, n);
	p->rows++;
	if (p->to) {
		int rc = store_bulk_load_row(p->to, p->conv, n);
		if (rc) {
			say(p->rep, "table %s: %s", t->name, why(p->to, rc));
			return rc;
		}
	}
	return GLOVED_OK;
}

/* The source's table with the target's columns, in the target's order
 * (columns map by name); GLOVED_EINVAL when the two sets differ or the
 * target has a column of a kind the copy cannot carry. */
static int map_columns(const store_bulk_table *src, const store_bulk_table *dst,
		       store_bulk_table *view, store_copy_report *rep)
{
	*view = *src;
	for (int i = 0; i < dst->n_cols; i++) {
		int k = col_index(src, dst->col[i].name);
		if (k < 0) {
			say(rep, "table %s: column %s is only in the target", dst->name,
			    dst->col[i].name);
			return GLOVED_EINVAL;
		}
		if (dst->col[i].kind == STORE_COL_OTHER) {
			say(rep, "table %s: column %s has type %s, which the copy does not carry",
			    dst->name, dst->col[i].name, dst->col[i].type);
			return GLOVED_EINVAL;
		}
		view->col[i] = src->col[k];
	}
	for (int i = 0; i < src->n_cols; i++) {
		if (col_index(dst, src->col[i].name) < 0) {
			say(rep, "table %s: column %s is only in the source", src->name,
			    src->col[i].name);
			return GLOVED_EINVAL;
		}
	}
	view->n_cols = dst->n_cols;
	return GLOVED_OK;
}

/* The order of the target's tables: each after the tables its foreign
 * keys name (ties by name), the SEEDED ones last. */
static int table_order(const store_bulk_table *ts, size_t n, size_t *order, store_copy_report *rep)
{
	unsigned char *placed = calloc(n ? n : 1, 1);
	if (!placed)
		return GLOVED_ENOMEM;
	size_t k = 0;
	int progress = 1;
	while (progress) {
		progress = 0;
		for (size_t i = 0; i < n; i++) {
			if (placed[i] || seeded(ts[i].name))
				continue;
			int ready = 1;
			for (int r = 0; r < ts[i].n_refs && ready; r++) {
				if (strcmp(ts[i].refs[r], ts[i].name) == 0)
					continue; /* a row may name a row of its own table */
				for (size_t j = 0; j < n; j++)
					if (!placed[j] && strcmp(ts[j].name, ts[i].refs[r]) == 0)
						ready = 0;
			}
			if (ready) {
				placed[i] = 1;
				order[k++] = i;
				progress = 1;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!placed[i] && seeded(ts[i].name)) {
			placed[i] = 1;
			order[k++] = i;
		}
	}
	int rc = GLOVED_OK;
	for (size_t i = 0; i < n; i++) {
		if (!placed[i]) {
			say(rep, "the foreign keys of table %s form a cycle", ts[i].name);
			rc = GLOVED_EINVAL;
			break;
		}
	}
	free(placed);
	return rc;
}

/* Both catalogues: the same tables, the same columns, every total's
 * table and column present. */
static int match_tables(const store_bulk_table *ft, size_t nf, const store_bulk_table *tt,
			size_t nt, store_copy_report *rep)
{
	for (size_t i = 0; i < nt; i++) {
		if (!find_table(ft, nf, tt[i].name)) {
			say(rep, "table %s is only in the target", tt[i].name);
			return GLOVED_EINVAL;
		}
	}
	for (size_t i = 0; i < nf; i++) {
		if (!find_table(tt, nt, ft[i].name)) {
			say(rep, "table %s is only in the source", ft[i].name);
			return GLOVED_EINVAL;
		}
	}
	for (size_t j = 0; j < N_TOTALS; j++) {
		const store_bulk_table *t = find_table(tt, nt, TOTALS[j].table);
		if (!t || col_index(t, TOTALS[j].column) < 0) {
			say(rep, "the schema has no %s.%s to total", TOTALS[j].table,
			    TOTALS[j].column);
			return GLOVED_EINVAL;
		}
	}
	return GLOVED_OK;
}

/* Copies one table (rep->tables[k]) and sets its identities. */
static int copy_table(store *from, store *to, const store_bulk_table *src,
		      const store_bulk_table *dst, store_copy_report *rep, size_t k)
{
	store_copy_table *ct = &rep->tables[k];
	store_bulk_table *view = malloc(sizeof *view);
	pass *p = malloc(sizeof *p);
	int rc = GLOVED_ENOMEM;
	if (!view || !p)
		goto out;
	if ((rc = map_columns(src, dst, view, rep)))
		goto out;
	if ((rc = store_bulk_count(from, src->name, &ct->rows_from))) {
		say(rep, "cannot count the source's %s: %s", src->name, why(from, rc));
		goto out;
	}
	if ((rc = store_bulk_load_begin(to, dst))) {
		say(rep, "cannot load table %s: %s", dst->name, why(to, rc));
		goto out;
	}
	pass_init(p, dst, to, rep);
	rc = store_bulk_rows(from, view, on_row, p);
	if (rc)
		say(rep, "cannot read the source's %s: %s", src->name, why(from, rc));
	int end = store_bulk_load_end(to, rc == GLOVED_OK);
	if (!rc && end) {
		say(rep, "the target refused the rows of %s: %s", dst->name, why(to, end));
		rc = end;
	}
	if (rc)
		goto out;
	ct->read_from = p->rows;
	ct->digest_from = p->digest;
	rep->rows += p->rows;
	for (size_t j = 0; j < N_TOTALS; j++)
		if (p->total_col[j] >= 0)
			rep->totals[j].from = p->sums[j];
	for (int i = 0; i < dst->n_cols; i++) {
		if (!dst->col[i].identity)
			continue;
		if ((rc = store_bulk_ids_set(to, dst->name, dst->col[i].name, p->id_max[i]))) {
			say(rep, "cannot set the identity of %s.%s: %s", dst->name,
			    dst->col[i].name, why(to, rc));
			goto out;
		}
	}
out:
	if (rc == GLOVED_ENOMEM)
		say(rep, "out of memory");
	free(view);
	free(p);
	return rc;
}

/* Counts and reads back one table on the target (rep->tables[k]). */
static int verify_table(store *to, const store_bulk_table *dst, store_copy_report *rep, size_t k)
{
	store_copy_table *ct = &rep->tables[k];
	pass *p = malloc(sizeof *p);
	if (!p) {
		say(rep, "out of memory");
		return GLOVED_ENOMEM;
	}
	int rc = store_bulk_count(to, dst->name, &ct->rows_to);
	if (!rc) {
		pass_init(p, dst, NULL, rep);
		rc = store_bulk_rows(to, dst, on_row, p);
	}
	if (rc) {
		say(rep, "cannot read back the target's %s: %s", dst->name, why(to, rc));
	} else {
		ct->read_to = p->rows;
		ct->digest_to = p->digest;
		for (size_t j = 0; j < N_TOTALS; j++)
			if (p->total_col[j] >= 0)
				rep->totals[j].to = p->sums[j];
		if (ct->rows_from != ct->read_from || ct->rows_to != ct->rows_from ||
		    ct->read_to != ct->rows_from || ct->digest_to != ct->digest_from)
			rep->mismatch = 1;
	}
	free(p);
	return rc;
}

int store_copy(store *from, store *to, store_copy_report *rep)
{
	memset(rep, 0, sizeof *rep);
	store_bulk_table *ft = NULL, *tt = NULL;
	size_t nf = 0, nt = 0, *order = NULL;
	int rc, vf = 0, vt = 0, reading = 0, writing = 0;
	for (size_t j = 0; j < N_TOTALS; j++) {
		rep->totals[j].table = TOTALS[j].table;
		rep->totals[j].column = TOTALS[j].column;
	}
	rep->n_totals = N_TOTALS;
	if ((rc = store_schema_version(from, &vf)) || (rc = store_schema_version(to, &vt))) {
		say(rep, "cannot read the schema versions");
		goto out;
	}
	if (vf != vt) {
		say(rep,
		    "the source's schema is version %d, the target's %d: both must be this "
		    "gloved's (gloved admin migrate --db FILE upgrades an older file)",
		    vf, vt);
		rc = GLOVED_EINVAL;
		goto out;
	}
	if ((rc = store_bulk_tables(from, &ft, &nf))) {
		say(rep, "cannot list the source's tables: %s", why(from, rc));
		goto out;
	}
	if ((rc = store_bulk_tables(to, &tt, &nt))) {
		say(rep, "cannot list the target's tables: %s", why(to, rc));
		goto out;
	}
	if ((rc = match_tables(ft, nf, tt, nt, rep)))
		goto out;
	rc = GLOVED_ENOMEM;
	order = calloc(nt ? nt : 1, sizeof *order);
	rep->tables = calloc(nt ? nt : 1, sizeof *rep->tables);
	if (!order || !rep->tables) {
		say(rep, "out of memory");
		goto out;
	}
	rep->n_tables = nt;
	if ((rc = table_order(tt, nt, order, rep)))
		goto out;
	if ((rc = store_read_begin(from))) {
		say(rep, "cannot begin a read of the source: %s", why(from, rc));
		goto out;
	}
	reading = 1;
	if ((rc = store_begin(to))) {
		say(rep, "cannot begin a transaction on the target: %s", why(to, rc));
		goto out;
	}
	writing = 1;
	for (size_t i = 0; i < nt; i++) {
		int64_t n = 0;
		if ((rc = store_bulk_count(to, tt[i].name, &n))) {
			say(rep, "cannot count the target's %s: %s", tt[i].name, why(to, rc));
			goto out;
		}
		if (n && !seeded(tt[i].name)) {
			say(rep,
			    "the target already holds data (table %s is not empty: %lld rows): "
			    "copy "
			    "into an empty database",
			    tt[i].name, (long long)n);
			rc = GLOVED_EEXIST;
			goto out;
		}
		if (seeded(tt[i].name) && (rc = store_bulk_clear(to, tt[i].name))) {
			say(rep, "cannot empty the target's %s: %s", tt[i].name, why(to, rc));
			goto out;
		}
	}
	for (size_t k = 0; k < nt; k++) {
		const store_bulk_table *dst = &tt[order[k]];
		snprintf(rep->tables[k].name, sizeof rep->tables[k].name, "%s", dst->name);
		if ((rc = copy_table(from, to, find_table(ft, nf, dst->name), dst, rep, k)))
			goto out;
	}
	for (size_t k = 0; k < nt; k++)
		if ((rc = verify_table(to, &tt[order[k]], rep, k)))
			goto out;
	for (size_t j = 0; j < N_TOTALS; j++)
		if (rep->totals[j].from != rep->totals[j].to)
			rep->mismatch = 1;
	if (rep->mismatch) {
		say(rep, "the copy differs from the source: rolled back");
		rc = GLOVED_EDB;
		goto out;
	}
	writing = 0;
	if ((rc = store_commit(to)))
		say(rep, "cannot commit the copy: %s", why(to, rc));
out:
	if (writing)
		store_rollback(to);
	if (reading)
		store_read_end(from);
	if (rc && !rep->err[0])
		say(rep, "%s", gloved_strerror(rc));
	free(order);
	free(ft);
	free(tt);
	return rc;
}

void store_copy_report_free(store_copy_report *rep)
{
	if (!rep)
		return;
	free(rep->tables);
	rep->tables = NULL;
	rep->n_tables = 0;
}
