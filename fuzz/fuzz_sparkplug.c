/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_sparkplug.c: libFuzzer target for the Sparkplug B payload decoder
 * (ingest/sparkplug_codec.c, protobuf-c generated from
 * proto/sparkplug_b.proto) and the host's per-node logic that turns
 * decoded payloads into machine reports (ingest/sparkplug_node.c: births,
 * deaths, seq ordering with held messages, alias resolution, typed metric
 * reading, historical metrics). Both are pure, so the target drives them as
 * sparkplug.c does, without broker, store or clock.
 *
 * Input: a flags byte, then either (flags bit 7) one raw payload that is
 * applied as a DDATA of device K001, or frames of [kind][device][len:2 big
 * endian][payload], kind % 6 = NBIRTH, NDEATH, NDATA, DBIRTH, DDATA,
 * DDEATH, device % 3 = K001, K002, a 63-byte id. Flags bit 0: first apply a
 * valid NBIRTH and a DBIRTH of K001 (count, reject, state, reason by alias
 * 1-4, plus an unmapped float), so that data reaches alias resolution;
 * bit 1: a gateway map with other metric names. Each frame is 100 ms after
 * the previous one; a gap older than 1 s resets the node as the host does.
 * Checked besides the sanitizers: every decoded payload re-encodes and
 * decodes again, and every emitted report is sane (a device, a state in
 * range, NUL-terminated strings). See docs/fuzzing.md. */
#include "core/state.h"
#include "ingest/sparkplug_codec.h"
#include "ingest/sparkplug_node.h"
#include "util/err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FRAMES 16

static uint8_t *nbirth, *dbirth;
static size_t nbirth_len, dbirth_len;

static void build_births(void)
{
	spb_metric nm[2];
	spb_metric_init(&nm[0], "bdSeq", 0, 0, SPB_INT64, 1764400000000LL);
	spb_metric_set_int(&nm[0], 7);
	spb_metric_init(&nm[1], "Node Control/Rebirth", 0, 0, SPB_BOOLEAN, 1764400000000LL);
	spb_metric_set_bool(&nm[1], 0);
	spb_metric *nmp[2] = {&nm[0], &nm[1]};
	spb_payload np = GLOVED__SPARKPLUG__PAYLOAD__INIT;
	np.has_timestamp = 1;
	np.timestamp = 1764400000000ULL;
	np.has_seq = 1;
	np.seq = 0;
	np.n_metrics = 2;
	np.metrics = nmp;

	spb_metric m[5];
	spb_metric_init(&m[0], "count", 1, 1, SPB_UINT64, 1764400000000LL);
	spb_metric_set_int(&m[0], 1520);
	spb_metric_init(&m[1], "reject", 1, 2, SPB_UINT32, 1764400000000LL);
	spb_metric_set_int(&m[1], 12);
	spb_metric_init(&m[2], "state", 1, 3, SPB_STRING, 1764400000000LL);
	spb_metric_set_text(&m[2], "run");
	spb_metric_init(&m[3], "reason", 1, 4, SPB_STRING, 1764400000000LL);
	spb_metric_set_null(&m[3]);
	spb_metric_init(&m[4], "speed_rpm", 1, 5, SPB_FLOAT, 1764400000000LL);
	m[4].value_case = GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_FLOAT_VALUE;
	m[4].float_value = 220.5f;
	spb_metric *mp[5] = {&m[0], &m[1], &m[2], &m[3], &m[4]};
	spb_payload dp = GLOVED__SPARKPLUG__PAYLOAD__INIT;
	dp.has_timestamp = 1;
	dp.timestamp = 1764400000000ULL;
	dp.has_seq = 1;
	dp.seq = 1;
	dp.n_metrics = 5;
	dp.metrics = mp;
	if (spb_encode(&np, &nbirth, &nbirth_len) || spb_encode(&dp, &dbirth, &dbirth_len))
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	build_births();
	return 0;
}

static int check_report(void *ctx, const spn_report *r)
{
	(*(long *)ctx)++;
	if (!r->device || strlen(r->device) >= SPN_NAME_MAX)
		abort();
	if (r->state < MS_UNKNOWN || r->state > MS_OFFLINE)
		abort();
	if (r->reason && strlen(r->reason) > 4096)
		abort();
	return 0;
}

/* Unknown fields in the payload or its metrics (protobuf-c keeps them). */
static int has_unknown(const spb_payload *x)
{
	if (x->base.n_unknown_fields)
		return 1;
	for (size_t i = 0; i < x->n_metrics; i++)
		if (x->metrics[i]->base.n_unknown_fields || x->metrics[i]->metadata ||
		    x->metrics[i]->properties ||
		    x->metrics[i]->value_case ==
			GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_DATASET_VALUE ||
		    x->metrics[i]->value_case ==
			GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_TEMPLATE_VALUE)
			return 1;
	return 0;
}

/* Decodes, re-encodes and decodes again: what protobuf-c accepted must
 * survive its own encoder, and encoding is stable (the second encoding
 * equals the first). One known exception, not gloved's (which never
 * re-encodes a received payload): protobuf-c 1.4 accepts field number 0
 * when its tag is spelled in two bytes (80 00) and keeps it as an unknown
 * field, then writes it as 00, which it refuses to read; so a payload with
 * unknown fields (top level or metric level; nested messages are not
 * inspected) need not decode again. docs/fuzzing.md, findings. */
static spb_payload *decode(const uint8_t *p, size_t len)
{
	spb_payload *x = spb_decode(p, len);
	if (!x)
		return NULL;
	uint8_t *again = NULL, *third = NULL;
	size_t alen = 0, tlen = 0;
	if (spb_encode(x, &again, &alen) == GLOVED_OK) {
		spb_payload *y = spb_decode(again, alen);
		if (!y && !has_unknown(x))
			abort();
		if (y) {
			if (y->n_metrics != x->n_metrics || y->has_seq != x->has_seq ||
			    (x->has_seq && y->seq != x->seq))
				abort();
			if (spb_encode(y, &third, &tlen) == GLOVED_OK &&
			    (tlen != alen || memcmp(third, again, alen) != 0))
				abort();
		}
		spb_free(y);
	}
	free(again);
	free(third);
	return x;
}

/* One message as the host handles it (sparkplug.c, on_message). */
static void handle(spn_node *n, const spn_map *map, int kind, const char *device,
		   const uint8_t *raw, size_t len, int64_t now, long *emitted)
{
	char err[200];
	spb_payload *p = decode(raw, len);
	if (!p)
		return;
	if (kind == 0) {
		spn_nbirth(n, p, map, err, sizeof err);
		goto out;
	}
	if (kind == 1) {
		spn_ndeath(n, p, now, check_report, emitted, err, sizeof err);
		goto out;
	}
	static const spn_kind kinds[6] = {0, 0, SPN_NDATA, SPN_DBIRTH, SPN_DDATA, SPN_DDEATH};
	spn_kind k = kinds[kind];
	if (k == SPN_NDATA)
		device = NULL;
	if (!p->has_seq || p->seq > 255 || !spn_node_born(n))
		goto out;
	spn_order o = spn_seq_offer(n, p->seq, k, device, raw, len, now);
	if (o == SPN_OVERFLOW)
		spn_node_reset(n);
	if (o != SPN_APPLY)
		goto out;
	spn_apply(n, k, device, p, now, check_report, emitted, err, sizeof err);
	spn_held held;
	while (spn_seq_next(n, &held)) {
		spb_payload *hp = decode(held.raw, held.len);
		if (hp)
			spn_apply(n, held.kind, held.device[0] ? held.device : NULL, hp, now,
				  check_report, emitted, err, sizeof err);
		spb_free(hp);
		free(held.raw);
	}
out:
	spb_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char long_id[] =
	    "D23456789012345678901234567890123456789012345678901234567890123";
	static const char *const devices[3] = {"K001", "K002", long_id};
	if (size < 1)
		return 0;
	uint8_t flags = data[0];
	data++;
	size--;
	spn_map map;
	spn_map_default(&map);
	if (flags & 2) {
		snprintf(map.count, sizeof map.count, "Counters/Good");
		snprintf(map.state, sizeof map.state, "speed_rpm");
	}
	spn_node *n = spn_node_new();
	if (!n)
		return 0;
	long emitted = 0;
	int64_t now = 1764400000000LL;
	if (flags & 1) {
		handle(n, &map, 0, NULL, nbirth, nbirth_len, now, &emitted);
		handle(n, &map, 3, "K001", dbirth, dbirth_len, now, &emitted);
	}
	if (flags & 0x80) {
		/* the whole rest is one DDATA payload, copied so that ASan sees
		 * any read past its end */
		uint8_t *raw = malloc(size ? size : 1);
		if (raw) {
			memcpy(raw, data, size);
			handle(n, &map, 4, "K001", raw, size, now + 100, &emitted);
			free(raw);
		}
		spn_node_free(n);
		return 0;
	}
	for (int f = 0; f < MAX_FRAMES && size >= 4; f++) {
		int kind = data[0] % 6;
		const char *dev = devices[data[1] % 3];
		size_t len = ((size_t)data[2] << 8) | data[3];
		data += 4;
		size -= 4;
		if (len > size)
			len = size;
		uint8_t *raw = malloc(len ? len : 1);
		if (!raw)
			break;
		memcpy(raw, data, len);
		now += 100;
		handle(n, &map, kind, dev, raw, len, now, &emitted);
		free(raw);
		if (spn_seq_gap_expired(n, now, 1000))
			spn_node_reset(n);
		data += len;
		size -= len;
	}
	spn_node_free(n);
	return 0;
}
