/* SPDX-License-Identifier: Apache-2.0 */
/* sparkplug_node.c: see sparkplug_node.h. Small arrays searched linearly:
 * an edge node has tens of devices with a handful of metrics each. */
#include "core/code.h"
#include "ingest/sparkplug_node.h"
#include "core/state.h"
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct mdef {
	char name[SPN_NAME_MAX];
	int has_alias;
	uint64_t alias;
	uint32_t datatype;
} mdef;

typedef struct dev {
	char id[SPN_NAME_MAX];
	mdef *m;
	size_t nm;
	int alive;
	int has_count, has_state;
	uint64_t count, reject;
	int state;
	char reason[33];
} dev;

struct spn_node {
	int born;
	int64_t bdseq;
	int next;      /* expected seq */
	int stale_run; /* stale offers in a row */
	spn_map map;
	mdef *m; /* node metrics */
	size_t nm;
	dev *devs;
	size_t ndev, capdev;
	spn_held held[SPN_MAX_HELD];
	size_t nheld;
};

void spn_map_default(spn_map *m)
{
	snprintf(m->count, sizeof m->count, "count");
	snprintf(m->reject, sizeof m->reject, "reject");
	snprintf(m->state, sizeof m->state, "state");
	snprintf(m->reason, sizeof m->reason, "reason");
}

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

spn_node *spn_node_new(void)
{
	spn_node *n = calloc(1, sizeof *n);
	if (n)
		n->bdseq = -1;
	return n;
}

static void drop_held(spn_node *n)
{
	for (size_t i = 0; i < n->nheld; i++)
		free(n->held[i].raw);
	n->nheld = 0;
}

static void drop_devices(spn_node *n)
{
	for (size_t i = 0; i < n->ndev; i++)
		free(n->devs[i].m);
	free(n->devs);
	n->devs = NULL;
	n->ndev = n->capdev = 0;
}

void spn_node_reset(spn_node *n)
{
	n->born = 0;
	n->stale_run = 0;
	drop_held(n);
	drop_devices(n);
	free(n->m);
	n->m = NULL;
	n->nm = 0;
}

void spn_node_free(spn_node *n)
{
	if (!n)
		return;
	spn_node_reset(n);
	free(n);
}

int spn_node_born(const spn_node *n)
{
	return n->born;
}

int64_t spn_node_bdseq(const spn_node *n)
{
	return n->born ? n->bdseq : -1;
}

size_t spn_node_held(const spn_node *n)
{
	return n->nheld;
}

/* Records the metric definitions of a birth into *out (malloc'd). */
static int record_defs(const spb_payload *p, mdef **out, size_t *nout, char *err, size_t errlen)
{
	*out = NULL;
	*nout = 0;
	if (p->n_metrics > SPN_MAX_METRICS)
		return fail(err, errlen, GLOVED_EINVAL, "birth has more than %d metrics",
			    SPN_MAX_METRICS);
	mdef *d = calloc(p->n_metrics ? p->n_metrics : 1, sizeof *d);
	if (!d)
		return GLOVED_ENOMEM;
	for (size_t i = 0; i < p->n_metrics; i++) {
		const spb_metric *m = p->metrics[i];
		if (!m->name || !m->name[0] || strlen(m->name) >= SPN_NAME_MAX) {
			free(d);
			return fail(err, errlen, GLOVED_EINVAL,
				    "birth metric %zu has no name (or one over %d bytes)", i,
				    SPN_NAME_MAX - 1);
		}
		if (!m->has_datatype) {
			free(d);
			return fail(err, errlen, GLOVED_EINVAL, "birth metric '%s' has no datatype",
				    m->name);
		}
		for (size_t k = 0; k < i; k++) {
			if (m->has_alias && d[k].has_alias && d[k].alias == m->alias) {
				fail(err, errlen, GLOVED_EINVAL,
				     "birth metrics '%s' and '%s' share alias %llu", d[k].name,
				     m->name, (unsigned long long)m->alias);
				free(d);
				return GLOVED_EINVAL;
			}
		}
		memcpy(d[i].name, m->name, strlen(m->name) + 1);
		d[i].has_alias = m->has_alias;
		d[i].alias = m->alias;
		d[i].datatype = m->datatype;
	}
	*out = d;
	*nout = p->n_metrics;
	return GLOVED_OK;
}

static const mdef *resolve(const mdef *d, size_t n, const spb_metric *m)
{
	if (m->has_alias) {
		for (size_t i = 0; i < n; i++)
			if (d[i].has_alias && d[i].alias == m->alias)
				return &d[i];
		return NULL;
	}
	if (m->name)
		for (size_t i = 0; i < n; i++)
			if (strcmp(d[i].name, m->name) == 0)
				return &d[i];
	return NULL;
}

/* bdSeq of a birth or death: 0 and *out, 1 absent, -1 wrong type. */
static int find_bdseq(const spb_payload *p, int64_t *out)
{
	for (size_t i = 0; i < p->n_metrics; i++) {
		const spb_metric *m = p->metrics[i];
		if (!m->name || strcmp(m->name, "bdSeq") != 0)
			continue;
		uint32_t dt = m->has_datatype ? m->datatype : SPB_INT64;
		uint64_t v;
		if (spb_metric_uint(m, dt, &v))
			return -1;
		*out = (int64_t)(v & 0x7fffffffffffffffULL);
		return 0;
	}
	return 1;
}

int spn_nbirth(spn_node *n, const spb_payload *p, const spn_map *map, char *err, size_t errlen)
{
	spn_node_reset(n);
	if (!p->has_seq || p->seq > 255)
		return fail(err, errlen, GLOVED_EINVAL, "NBIRTH without a seq in 0..255");
	int64_t bd = -1;
	int r = find_bdseq(p, &bd);
	if (r)
		return fail(err, errlen, GLOVED_EINVAL,
			    r > 0 ? "NBIRTH has no bdSeq metric"
				  : "NBIRTH's bdSeq is not an integer");
	int rc = record_defs(p, &n->m, &n->nm, err, errlen);
	if (rc)
		return rc;
	n->map = *map;
	n->bdseq = bd;
	n->next = (int)((p->seq + 1) % 256);
	n->born = 1;
	return GLOVED_OK;
}

int spn_ndeath(spn_node *n, const spb_payload *p, int64_t now_ms, spn_emit_fn emit, void *ctx,
	       char *err, size_t errlen)
{
	int64_t bd = -1;
	int r = find_bdseq(p, &bd);
	if (r < 0)
		return fail(err, errlen, GLOVED_EINVAL, "NDEATH's bdSeq is not an integer");
	if (!n->born || (r == 0 && bd != n->bdseq))
		return 0;
	int rc = 0;
	for (size_t i = 0; i < n->ndev && !rc; i++) {
		if (!n->devs[i].alive)
			continue;
		spn_report rep = {0};
		rep.device = n->devs[i].id;
		rep.ts_ms = now_ms;
		rep.state = MS_OFFLINE;
		rep.reason = "";
		rep.offline = 1;
		rc = emit(ctx, &rep);
	}
	spn_node_reset(n);
	return rc ? rc : 1;
}

spn_order spn_seq_offer(spn_node *n, uint64_t seq, spn_kind kind, const char *device,
			const void *raw, size_t len, int64_t now_ms)
{
	int s = (int)(seq & 0xff);
	int d = (s - n->next + 256) % 256;
	if (d == 0) {
		n->next = (n->next + 1) % 256;
		n->stale_run = 0;
		return SPN_APPLY;
	}
	int stale = d >= 128; /* behind: a repeat of what was applied */
	for (size_t i = 0; i < n->nheld && !stale; i++)
		stale = n->held[i].seq == s;
	if (stale) {
		/* a few repeats are a broker's redelivery; a long run means
		 * the node is more than 127 ahead of us (a big loss) */
		return ++n->stale_run > SPN_MAX_HELD ? SPN_OVERFLOW : SPN_STALE;
	}
	n->stale_run = 0;
	if (n->nheld == SPN_MAX_HELD)
		return SPN_OVERFLOW;
	spn_held *h = &n->held[n->nheld];
	memset(h, 0, sizeof *h);
	h->raw = malloc(len ? len : 1);
	if (!h->raw)
		return SPN_OVERFLOW;
	if (len)
		memcpy(h->raw, raw, len);
	h->len = len;
	h->seq = s;
	h->kind = kind;
	h->arrived_ms = now_ms;
	if (device)
		snprintf(h->device, sizeof h->device, "%s", device);
	n->nheld++;
	return SPN_HELD;
}

int spn_seq_next(spn_node *n, spn_held *out)
{
	for (size_t i = 0; i < n->nheld; i++) {
		if (n->held[i].seq != n->next)
			continue;
		*out = n->held[i];
		n->held[i] = n->held[--n->nheld];
		n->next = (n->next + 1) % 256;
		return 1;
	}
	return 0;
}

int spn_seq_gap_expired(const spn_node *n, int64_t now_ms, int64_t timeout_ms)
{
	for (size_t i = 0; i < n->nheld; i++)
		if (now_ms - n->held[i].arrived_ms > timeout_ms)
			return 1;
	return 0;
}

int spn_state_from_metric(const spb_metric *m, uint32_t datatype)
{
	const char *s;
	if (spb_metric_text(m, datatype, &s) == 0)
		return state_parse(s);
	int64_t v;
	if (spb_metric_int(m, datatype, &v) == 0) {
		static const int by_code[] = {MS_OFF, MS_RUN, MS_IDLE, MS_STOP, MS_FAULT, MS_SETUP};
		return v >= 0 && v <= 5 ? by_code[v] : -1;
	}
	return -1;
}

static dev *find_dev(spn_node *n, const char *id)
{
	for (size_t i = 0; i < n->ndev; i++)
		if (strcmp(n->devs[i].id, id) == 0)
			return &n->devs[i];
	return NULL;
}

static dev *add_dev(spn_node *n, const char *id)
{
	dev *d = find_dev(n, id);
	if (d)
		return d;
	if (n->ndev == SPN_MAX_DEV)
		return NULL;
	if (n->ndev == n->capdev) {
		size_t cap = n->capdev ? n->capdev * 2 : 8;
		dev *p = realloc(n->devs, cap * sizeof *p);
		if (!p)
			return NULL;
		n->devs = p;
		n->capdev = cap;
	}
	d = &n->devs[n->ndev++];
	memset(d, 0, sizeof *d);
	snprintf(d->id, sizeof d->id, "%s", id);
	return d;
}

/* The values of one timestamp of a message. */
typedef struct group {
	int64_t ts;
	int hist;
	int has_count, has_reject, has_state, has_reason;
	uint64_t count, reject;
	int state;
	char reason[33];
} group;

enum { ROLE_NONE, ROLE_COUNT, ROLE_REJECT, ROLE_STATE, ROLE_REASON };

static int role_of(const spn_map *map, const char *name)
{
	if (strcmp(name, map->count) == 0)
		return ROLE_COUNT;
	if (strcmp(name, map->reject) == 0)
		return ROLE_REJECT;
	if (strcmp(name, map->state) == 0)
		return ROLE_STATE;
	if (strcmp(name, map->reason) == 0)
		return ROLE_REASON;
	return ROLE_NONE;
}

/* Reads the device's mapped metrics of p into groups (one per timestamp
 * and historical flag), checking every one. */
static int collect(const spn_node *n, const dev *d, const spb_payload *p, int64_t now_ms, group *g,
		   size_t *ng, char *err, size_t errlen)
{
	*ng = 0;
	/* a timestamp past INT64_MAX is refused, not cut to 63 bits (which
	 * made it another, plausible time) */
	if (p->has_timestamp && p->timestamp > (uint64_t)INT64_MAX)
		return fail(err, errlen, GLOVED_EINVAL,
			    "device %s: the payload's timestamp %llu is out of range", d->id,
			    (unsigned long long)p->timestamp);
	int64_t pts = p->has_timestamp ? (int64_t)p->timestamp : now_ms;
	for (size_t i = 0; i < p->n_metrics; i++) {
		const spb_metric *m = p->metrics[i];
		const mdef *def = resolve(d->m, d->nm, m);
		if (!def) {
			if (m->has_alias)
				return fail(err, errlen, GLOVED_ENOTFOUND,
					    "device %s: alias %llu not in its DBIRTH", d->id,
					    (unsigned long long)m->alias);
			return fail(err, errlen, GLOVED_ENOTFOUND,
				    "device %s: metric '%s' not in its DBIRTH", d->id,
				    m->name ? m->name : "(no name or alias)");
		}
		if (m->has_datatype && m->datatype != def->datatype)
			return fail(err, errlen, GLOVED_EINVAL,
				    "device %s: metric '%s' has datatype %u, its birth said %u",
				    d->id, def->name, m->datatype, def->datatype);
		int role = role_of(&n->map, def->name);
		if (role == ROLE_NONE)
			continue;
		if (m->has_timestamp && m->timestamp > (uint64_t)INT64_MAX)
			return fail(err, errlen, GLOVED_EINVAL,
				    "device %s: metric '%s' has timestamp %llu, out of range",
				    d->id, def->name, (unsigned long long)m->timestamp);
		int64_t ts = m->has_timestamp ? (int64_t)m->timestamp : pts;
		int hist = m->has_is_historical && m->is_historical;
		size_t k = 0;
		while (k < *ng && !(g[k].ts == ts && g[k].hist == hist))
			k++;
		if (k == *ng) {
			memset(&g[k], 0, sizeof g[k]);
			g[k].ts = ts;
			g[k].hist = hist;
			(*ng)++;
		}
		int rc = 0;
		uint64_t v = 0;
		const char *s = NULL;
		switch (role) {
		case ROLE_COUNT:
		case ROLE_REJECT:
			if (!spb_is_integer(def->datatype))
				return fail(
				    err, errlen, GLOVED_EINVAL,
				    "device %s: counter '%s' has datatype %u, not an integer",
				    d->id, def->name, def->datatype);
			rc = spb_metric_uint(m, def->datatype, &v);
			if (rc == -2)
				break;
			if (rc)
				return fail(err, errlen, GLOVED_EINVAL,
					    "device %s: counter '%s' is negative or not of its "
					    "datatype",
					    d->id, def->name);
			if (role == ROLE_COUNT) {
				g[k].count = v;
				g[k].has_count = 1;
			} else {
				g[k].reject = v;
				g[k].has_reject = 1;
			}
			break;
		case ROLE_STATE:
			if (m->has_is_null && m->is_null)
				break;
			if (m->value_case == GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE__NOT_SET)
				break;
			rc = spn_state_from_metric(m, def->datatype);
			if (rc < 0)
				return fail(err, errlen, GLOVED_EINVAL,
					    "device %s: state '%s' is not run, idle, stop, fault, "
					    "setup, off (or 0..5)",
					    d->id, def->name);
			g[k].state = rc;
			g[k].has_state = 1;
			break;
		case ROLE_REASON:
			rc = spb_metric_text(m, def->datatype, &s);
			if (rc == -2) {
				g[k].reason[0] = '\0';
				g[k].has_reason = 1;
				break;
			}
			if (rc || (s[0] && !code_valid(s)))
				return fail(
				    err, errlen, GLOVED_EINVAL,
				    "device %s: reason '%s' must be a string code of at most "
				    "32 of A-Z a-z 0-9 _ -",
				    d->id, def->name);
			snprintf(g[k].reason, sizeof g[k].reason, "%s", s);
			g[k].has_reason = 1;
			break;
		}
	}
	return GLOVED_OK;
}

static int emit_groups(dev *d, group *g, size_t ng, spn_emit_fn emit, void *ctx)
{
	/* oldest first (insertion sort: a message has few timestamps) */
	for (size_t i = 1; i < ng; i++) {
		group t = g[i];
		size_t k = i;
		while (k > 0 && g[k - 1].ts > t.ts) {
			g[k] = g[k - 1];
			k--;
		}
		g[k] = t;
	}
	for (size_t i = 0; i < ng; i++) {
		int has_count = d->has_count || g[i].has_count;
		int has_state = d->has_state || g[i].has_state;
		spn_report r = {0};
		r.device = d->id;
		r.ts_ms = g[i].ts;
		r.has_count = has_count;
		r.count = g[i].has_count ? g[i].count : d->count;
		r.reject = g[i].has_reject ? g[i].reject : d->reject;
		r.state = g[i].has_state ? g[i].state : d->has_state ? d->state : MS_RUN;
		r.reason = g[i].has_reason ? g[i].reason : d->reason;
		r.historical = g[i].hist;
		if (!g[i].hist) {
			d->count = r.count;
			d->reject = r.reject;
			d->has_count = has_count;
			d->state = r.state;
			d->has_state = has_state;
			if (g[i].has_reason)
				memcpy(d->reason, g[i].reason, sizeof d->reason);
		}
		if (!has_count && !has_state)
			continue;
		int rc = emit(ctx, &r);
		if (rc)
			return rc;
	}
	return 0;
}

void spn_carry_save(const spn_node *n, const char *device, spn_carry *out)
{
	memset(out, 0, sizeof *out);
	const dev *d = device ? find_dev((spn_node *)n, device) : NULL;
	if (!d)
		return;
	out->found = 1;
	out->has_count = d->has_count;
	out->has_state = d->has_state;
	out->state = d->state;
	out->count = d->count;
	out->reject = d->reject;
	memcpy(out->reason, d->reason, sizeof out->reason);
}

void spn_carry_restore(spn_node *n, const char *device, const spn_carry *c)
{
	dev *d = c->found && device ? find_dev(n, device) : NULL;
	if (!d)
		return;
	d->has_count = c->has_count;
	d->has_state = c->has_state;
	d->state = c->state;
	d->count = c->count;
	d->reject = c->reject;
	memcpy(d->reason, c->reason, sizeof d->reason);
}

int spn_apply(spn_node *n, spn_kind kind, const char *device, const spb_payload *p, int64_t now_ms,
	      spn_emit_fn emit, void *ctx, char *err, size_t errlen)
{
	if (!n->born)
		return fail(err, errlen, GLOVED_ENOTFOUND, "message before the node's NBIRTH");
	if (kind == SPN_NDATA) {
		for (size_t i = 0; i < p->n_metrics; i++)
			if (!resolve(n->m, n->nm, p->metrics[i]))
				return fail(err, errlen, GLOVED_ENOTFOUND,
					    "NDATA metric %zu is not in the NBIRTH", i);
		return GLOVED_OK;
	}
	if (!device || !device[0] || strlen(device) >= SPN_NAME_MAX)
		return fail(err, errlen, GLOVED_EINVAL, "no device id");
	dev *d = find_dev(n, device);
	if (kind == SPN_DDEATH) {
		if (!d || !d->alive)
			return GLOVED_OK;
		if (p->has_timestamp && p->timestamp > (uint64_t)INT64_MAX)
			return fail(err, errlen, GLOVED_EINVAL,
				    "DDEATH of device %s: timestamp %llu is out of range", device,
				    (unsigned long long)p->timestamp);
		d->alive = 0;
		spn_report r = {0};
		r.device = d->id;
		r.ts_ms = p->has_timestamp ? (int64_t)p->timestamp : now_ms;
		r.state = MS_OFFLINE;
		r.reason = "";
		r.offline = 1;
		return emit(ctx, &r);
	}
	if (kind == SPN_DBIRTH) {
		mdef *defs = NULL;
		size_t nd = 0;
		int rc = record_defs(p, &defs, &nd, err, errlen);
		if (rc)
			return rc;
		if (!d && !(d = add_dev(n, device))) {
			free(defs);
			return n->ndev == SPN_MAX_DEV ? fail(err, errlen, GLOVED_EINVAL,
							     "more than %d devices", SPN_MAX_DEV)
						      : GLOVED_ENOMEM;
		}
		free(d->m);
		d->m = defs;
		d->nm = nd;
		d->alive = 1;
		d->has_count = d->has_state = 0;
		d->count = d->reject = 0;
		d->reason[0] = '\0';
	} else if (!d || !d->alive) {
		return fail(err, errlen, GLOVED_ENOTFOUND, "DDATA of device %s before its DBIRTH",
			    device);
	}
	size_t cap = p->n_metrics ? p->n_metrics : 1;
	group *g = malloc(cap * sizeof *g);
	if (!g)
		return GLOVED_ENOMEM;
	size_t ng = 0;
	int rc = collect(n, d, p, now_ms, g, &ng, err, errlen);
	if (!rc)
		rc = emit_groups(d, g, ng, emit, ctx);
	free(g);
	return rc;
}
