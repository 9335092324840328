/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the Sparkplug B codec (src/ingest/sparkplug_codec.c) and of
 * the host's per-node logic (src/ingest/sparkplug_node.c), with plain values
 * and no broker: every supported datatype survives an encode/decode round
 * trip and reads back by its declared type; garbage is refused; births
 * record aliases, data resolves by alias or name, wrong types and unknown
 * aliases are refused and write nothing; report by exception fills in the
 * current values; historical metrics keep their timestamps and come oldest
 * first; bdSeq decides whether a death counts; seq gaps are held and
 * applied in order, wrap at 256, expire into a rebirth, and repeats drop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/state.h"
#include "ingest/sparkplug_codec.h"
#include "ingest/sparkplug_node.h"
#include "util/err.h"

#define T0 1764400000000LL

/* ---- helpers ---- */

static spb_payload *roundtrip(spb_payload *p)
{
	uint8_t *bytes = NULL;
	size_t len = 0;
	assert_int_equal(spb_encode(p, &bytes, &len), GLOVED_OK);
	spb_payload *d = spb_decode(bytes, len);
	free(bytes);
	assert_non_null(d);
	return d;
}

/* A payload of n metrics (borrowed), with seq when seq >= 0. */
static spb_payload mkp(spb_metric *ms, size_t n, int seq, int64_t ts, spb_metric **ptrs)
{
	spb_payload p = GLOVED__SPARKPLUG__PAYLOAD__INIT;
	for (size_t i = 0; i < n; i++)
		ptrs[i] = &ms[i];
	p.metrics = ptrs;
	p.n_metrics = n;
	if (seq >= 0) {
		p.has_seq = 1;
		p.seq = (uint64_t)seq;
	}
	if (ts > 0) {
		p.has_timestamp = 1;
		p.timestamp = (uint64_t)ts;
	}
	return p;
}

typedef struct got {
	spn_report r[32];
	char dev[32][SPN_NAME_MAX];
	char reason[32][40];
	size_t n;
} got;

static int collect(void *ctx, const spn_report *r)
{
	got *g = ctx;
	assert_true(g->n < 32);
	g->r[g->n] = *r;
	snprintf(g->dev[g->n], SPN_NAME_MAX, "%s", r->device);
	snprintf(g->reason[g->n], 40, "%s", r->reason ? r->reason : "");
	g->n++;
	return 0;
}

static spn_node *born_node(void)
{
	spn_node *n = spn_node_new();
	assert_non_null(n);
	spb_metric m[2];
	spb_metric *mp[2];
	spb_metric_init(&m[0], "bdSeq", 0, 0, SPB_INT64, T0);
	spb_metric_set_int(&m[0], 7);
	spb_metric_init(&m[1], "Node Control/Rebirth", 1, 100, SPB_BOOLEAN, T0);
	spb_metric_set_bool(&m[1], 0);
	spb_payload p = mkp(m, 2, 0, T0, mp);
	spn_map map;
	spn_map_default(&map);
	char err[200];
	assert_int_equal(spn_nbirth(n, &p, &map, err, sizeof err), GLOVED_OK);
	return n;
}

/* DBIRTH of device with count (UInt32, alias 1), reject (Int16, 2), state
 * (String, 3), reason (String, 4), temperature (Float, 5). */
static int dbirth(spn_node *n, const char *device, int64_t ts, uint64_t count, got *g)
{
	spb_metric m[5];
	spb_metric *mp[5];
	spb_metric_init(&m[0], "count", 1, 1, SPB_UINT32, ts);
	spb_metric_set_int(&m[0], (int64_t)count);
	spb_metric_init(&m[1], "reject", 1, 2, SPB_INT16, ts);
	spb_metric_set_int(&m[1], 2);
	spb_metric_init(&m[2], "state", 1, 3, SPB_STRING, ts);
	spb_metric_set_text(&m[2], "run");
	spb_metric_init(&m[3], "reason", 1, 4, SPB_STRING, ts);
	spb_metric_set_text(&m[3], "");
	spb_metric_init(&m[4], "temperature", 1, 5, SPB_FLOAT, ts);
	m[4].value_case = GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_FLOAT_VALUE;
	m[4].float_value = 21.5f;
	spb_payload p = mkp(m, 5, 1, ts, mp);
	char err[200];
	return spn_apply(n, SPN_DBIRTH, device, &p, ts, collect, g, err, sizeof err);
}

/* ---- codec ---- */

static void test_roundtrip_datatypes(void **state)
{
	(void)state;
	static const struct {
		uint32_t dt;
		int64_t v;
	} ints[] = {
	    {SPB_INT8, -5},
	    {SPB_INT8, 127},
	    {SPB_INT16, -30000},
	    {SPB_INT32, -2000000000},
	    {SPB_INT64, -9000000000000LL},
	    {SPB_UINT8, 255},
	    {SPB_UINT16, 65535},
	    {SPB_UINT32, 4294967295LL},
	    {SPB_UINT64, 9007199254740993LL},
	};
	size_t ni = sizeof ints / sizeof ints[0];
	spb_metric m[16];
	spb_metric *mp[16];
	for (size_t i = 0; i < ni; i++) {
		spb_metric_init(&m[i], "i", 1, i, ints[i].dt, T0 + (int64_t)i);
		spb_metric_set_int(&m[i], ints[i].v);
	}
	size_t k = ni;
	spb_metric_init(&m[k], "s", 0, 0, SPB_STRING, 0);
	spb_metric_set_text(&m[k++], "yarn_break");
	spb_metric_init(&m[k], "t", 0, 0, SPB_TEXT, 0);
	spb_metric_set_text(&m[k++], "手套");
	spb_metric_init(&m[k], "b", 0, 0, SPB_BOOLEAN, 0);
	spb_metric_set_bool(&m[k++], 1);
	spb_metric_init(&m[k], "f", 0, 0, SPB_FLOAT, 0);
	m[k].value_case = GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_FLOAT_VALUE;
	m[k++].float_value = 1.25f;
	spb_metric_init(&m[k], "d", 0, 0, SPB_DOUBLE, 0);
	m[k].value_case = GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_DOUBLE_VALUE;
	m[k++].double_value = -2.5;
	spb_metric_init(&m[k], "n", 0, 0, SPB_UINT64, 0);
	spb_metric_set_null(&m[k++]);
	uint8_t blob[3] = {0, 1, 255};
	spb_metric_init(&m[k], "y", 0, 0, SPB_BYTES, 0);
	m[k].value_case = GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_BYTES_VALUE;
	m[k].bytes_value.data = blob;
	m[k++].bytes_value.len = 3;
	spb_payload p = mkp(m, k, 42, T0, mp);
	p.uuid = "u-1";
	spb_payload *d = roundtrip(&p);
	assert_int_equal(d->n_metrics, k);
	assert_true(d->has_seq);
	assert_int_equal(d->seq, 42);
	assert_int_equal(d->timestamp, T0);
	assert_string_equal(d->uuid, "u-1");
	for (size_t i = 0; i < ni; i++) {
		int64_t v = 0;
		assert_int_equal(d->metrics[i]->datatype, ints[i].dt);
		assert_int_equal(d->metrics[i]->alias, i);
		assert_int_equal(d->metrics[i]->timestamp, T0 + (int64_t)i);
		assert_int_equal(spb_metric_int(d->metrics[i], ints[i].dt, &v), 0);
		assert_true(v == ints[i].v);
		uint64_t u = 0;
		assert_int_equal(spb_metric_uint(d->metrics[i], ints[i].dt, &u),
				 ints[i].v < 0 ? -1 : 0);
		if (ints[i].v >= 0)
			assert_true(u == (uint64_t)ints[i].v);
	}
	const char *s = NULL;
	int b = 0;
	assert_int_equal(spb_metric_text(d->metrics[ni], SPB_STRING, &s), 0);
	assert_string_equal(s, "yarn_break");
	assert_int_equal(spb_metric_text(d->metrics[ni + 1], SPB_TEXT, &s), 0);
	assert_string_equal(s, "手套");
	assert_int_equal(spb_metric_bool(d->metrics[ni + 2], SPB_BOOLEAN, &b), 0);
	assert_int_equal(b, 1);
	assert_true(d->metrics[ni + 3]->float_value == 1.25f);
	assert_true(d->metrics[ni + 4]->double_value == -2.5);
	uint64_t u;
	assert_int_equal(spb_metric_uint(d->metrics[ni + 5], SPB_UINT64, &u), -2);
	assert_int_equal(d->metrics[ni + 6]->bytes_value.len, 3);
	assert_memory_equal(d->metrics[ni + 6]->bytes_value.data, blob, 3);
	/* reading by the wrong type fails */
	int64_t v;
	assert_int_equal(spb_metric_int(d->metrics[ni], SPB_STRING, &v), -1);
	assert_int_equal(spb_metric_text(d->metrics[0], SPB_INT8, &s), -1);
	assert_int_equal(spb_metric_int(d->metrics[ni + 3], SPB_INT32, &v), -1);
	assert_int_equal(spb_metric_bool(d->metrics[ni], SPB_STRING, &b), -1);
	spb_free(d);
}

static void test_int_widths(void **state)
{
	(void)state;
	spb_metric m;
	int64_t v;
	/* Int8 -1 as a sender may encode it: 0xff or 0xffffffff, same value */
	spb_metric_init(&m, "x", 0, 0, SPB_INT8, 0);
	m.value_case = GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_INT_VALUE;
	m.int_value = 0xffu;
	assert_int_equal(spb_metric_int(&m, SPB_INT8, &v), 0);
	assert_int_equal(v, -1);
	m.int_value = 0xffffffffu;
	assert_int_equal(spb_metric_int(&m, SPB_INT8, &v), 0);
	assert_int_equal(v, -1);
	/* a UInt16 out of its range is refused */
	m.int_value = 70000;
	assert_int_equal(spb_metric_int(&m, SPB_UINT16, &v), -1);
	/* and so is an Int16 or an Int8 (it was cut to 4464 and 112) */
	assert_int_equal(spb_metric_int(&m, SPB_INT16, &v), -1);
	assert_int_equal(spb_metric_int(&m, SPB_INT8, &v), -1);
	/* high bits that are not the sign's: 0x1ff is no Int8 */
	m.int_value = 0x1ffu;
	assert_int_equal(spb_metric_int(&m, SPB_INT8, &v), -1);
	/* Int16 -2 sign-extended to 32 bits, and as its own 16 bits */
	m.int_value = 0xfffffffeu;
	assert_int_equal(spb_metric_int(&m, SPB_INT16, &v), 0);
	assert_int_equal(v, -2);
	m.int_value = 0xfffeu;
	assert_int_equal(spb_metric_int(&m, SPB_INT16, &v), 0);
	assert_int_equal(v, -2);
	m.int_value = 32767;
	assert_int_equal(spb_metric_int(&m, SPB_INT16, &v), 0);
	assert_int_equal(v, 32767);
	/* a UInt32 in long_value is read too */
	m.value_case = GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_LONG_VALUE;
	m.long_value = 123456;
	assert_int_equal(spb_metric_int(&m, SPB_UINT32, &v), 0);
	assert_int_equal(v, 123456);
	/* an Int32 in long_value: sign-extended to 64 bits is fine, 2^32 + 5
	 * does not fit (it was read as 5) */
	m.long_value = (uint64_t)-7;
	assert_int_equal(spb_metric_int(&m, SPB_INT32, &v), 0);
	assert_int_equal(v, -7);
	m.long_value = ((uint64_t)1 << 32) + 5;
	assert_int_equal(spb_metric_int(&m, SPB_INT32, &v), -1);
	uint64_t u;
	m.long_value = UINT64_MAX;
	assert_int_equal(spb_metric_uint(&m, SPB_UINT64, &u), 0);
	assert_true(u == UINT64_MAX);
}

static void test_garbage(void **state)
{
	(void)state;
	static const uint8_t bad[][8] = {
	    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, /* endless varint */
	    {0x12, 0x7f, 0x01},                               /* metrics length past the end */
	    {0x0a, 0x05},                                     /* timestamp as a 5-byte string */
	    {0x1a},                                           /* truncated tag */
	};
	static const size_t lens[] = {8, 3, 2, 1};
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
		assert_null(spb_decode(bad[i], lens[i]));
	/* random bytes never crash the decoder */
	uint32_t x = 12345;
	uint8_t buf[256];
	for (int round = 0; round < 2000; round++) {
		size_t n = (size_t)(x % sizeof buf);
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = (uint8_t)(x >> 16);
		}
		spb_free(spb_decode(buf, n));
	}
	assert_null(spb_decode(buf, SPB_MAX_PAYLOAD + 1));
}

/* ---- births, aliases, data ---- */

static void test_birth_checks(void **state)
{
	(void)state;
	spn_node *n = spn_node_new();
	spn_map map;
	spn_map_default(&map);
	char err[200];
	spb_metric m[2];
	spb_metric *mp[2];
	/* no bdSeq */
	spb_metric_init(&m[0], "Node Control/Rebirth", 0, 0, SPB_BOOLEAN, 0);
	spb_metric_set_bool(&m[0], 0);
	spb_payload p = mkp(m, 1, 0, T0, mp);
	assert_int_equal(spn_nbirth(n, &p, &map, err, sizeof err), GLOVED_EINVAL);
	assert_non_null(strstr(err, "bdSeq"));
	assert_false(spn_node_born(n));
	/* bdSeq of the wrong type */
	spb_metric_init(&m[0], "bdSeq", 0, 0, SPB_STRING, 0);
	spb_metric_set_text(&m[0], "1");
	p = mkp(m, 1, 0, T0, mp);
	assert_int_equal(spn_nbirth(n, &p, &map, err, sizeof err), GLOVED_EINVAL);
	/* no seq */
	spb_metric_init(&m[0], "bdSeq", 0, 0, SPB_UINT64, 0);
	spb_metric_set_int(&m[0], 3);
	p = mkp(m, 1, -1, T0, mp);
	assert_int_equal(spn_nbirth(n, &p, &map, err, sizeof err), GLOVED_EINVAL);
	/* a metric without a datatype */
	spb_metric_init(&m[1], "x", 0, 0, SPB_UINT64, 0);
	m[1].has_datatype = 0;
	p = mkp(m, 2, 0, T0, mp);
	assert_int_equal(spn_nbirth(n, &p, &map, err, sizeof err), GLOVED_EINVAL);
	/* two metrics with one alias */
	spb_metric_init(&m[0], "bdSeq", 1, 9, SPB_UINT64, 0);
	spb_metric_set_int(&m[0], 3);
	spb_metric_init(&m[1], "x", 1, 9, SPB_UINT64, 0);
	p = mkp(m, 2, 0, T0, mp);
	assert_int_equal(spn_nbirth(n, &p, &map, err, sizeof err), GLOVED_EINVAL);
	assert_non_null(strstr(err, "alias"));
	m[1].alias = 10;
	p = mkp(m, 2, 0, T0, mp);
	assert_int_equal(spn_nbirth(n, &p, &map, err, sizeof err), GLOVED_OK);
	assert_true(spn_node_born(n));
	assert_int_equal(spn_node_bdseq(n), 3);
	spn_node_free(n);
}

static void test_data_by_alias_and_name(void **state)
{
	(void)state;
	spn_node *n = born_node();
	got g = {0};
	assert_int_equal(dbirth(n, "K001", T0, 1000, &g), GLOVED_OK);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.dev[0], "K001");
	assert_true(g.r[0].has_count);
	assert_int_equal(g.r[0].count, 1000);
	assert_int_equal(g.r[0].reject, 2);
	assert_int_equal(g.r[0].state, MS_RUN);
	assert_int_equal(g.r[0].ts_ms, T0);

	/* DDATA by alias: only the counter changed (report by exception) */
	spb_metric m[3];
	spb_metric *mp[3];
	spb_metric_init(&m[0], NULL, 1, 1, SPB_UINT32, T0 + 1000);
	m[0].has_datatype = 0;
	spb_metric_set_int(&m[0], 1010);
	spb_payload p = mkp(m, 1, 2, T0 + 1000, mp);
	char err[200];
	g.n = 0;
	assert_int_equal(spn_apply(n, SPN_DDATA, "K001", &p, T0, collect, &g, err, sizeof err), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].count, 1010);
	assert_int_equal(g.r[0].reject, 2);
	assert_int_equal(g.r[0].state, MS_RUN);
	/* by name: state as an integer code (4 = fault) and a reason */
	spb_metric_init(&m[0], "state", 0, 0, SPB_STRING, T0 + 2000);
	m[0].has_datatype = 0;
	spb_metric_set_text(&m[0], "stop");
	spb_metric_init(&m[1], "reason", 0, 0, SPB_STRING, T0 + 2000);
	m[1].has_datatype = 0;
	spb_metric_set_text(&m[1], "yarn_break");
	spb_metric_init(&m[2], NULL, 1, 5, SPB_FLOAT, T0 + 2000); /* unmapped: ignored */
	m[2].has_datatype = 0;
	m[2].value_case = GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_FLOAT_VALUE;
	m[2].float_value = 30;
	p = mkp(m, 3, 3, T0 + 2000, mp);
	g.n = 0;
	assert_int_equal(spn_apply(n, SPN_DDATA, "K001", &p, T0, collect, &g, err, sizeof err), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].count, 1010);
	assert_int_equal(g.r[0].state, MS_STOP);
	assert_string_equal(g.reason[0], "yarn_break");
	spn_node_free(n);
}

/* A DDATA the host refuses after spn_apply (its counter too wide for the
 * machine, say) is undone with spn_carry_restore: the next DDATA with only a
 * state carries the count from before, not the refused one. */
static void test_carry_restore(void **state)
{
	(void)state;
	spn_node *n = born_node();
	got g = {0};
	char err[200];
	assert_int_equal(dbirth(n, "K001", T0, 1000, &g), GLOVED_OK);
	spn_carry c;
	spn_carry_save(n, "K001", &c);
	assert_true(c.found);
	assert_int_equal(c.count, 1000);
	spb_metric m[1];
	spb_metric *mp[1];
	spb_metric_init(&m[0], NULL, 1, 1, SPB_UINT32, T0 + 1000);
	m[0].has_datatype = 0;
	spb_metric_set_int(&m[0], 70000);
	spb_payload p = mkp(m, 1, 2, T0 + 1000, mp);
	g.n = 0;
	assert_int_equal(spn_apply(n, SPN_DDATA, "K001", &p, T0, collect, &g, err, sizeof err), 0);
	assert_int_equal(g.r[0].count, 70000);
	spn_carry_restore(n, "K001", &c); /* the host refused it */
	spb_metric_init(&m[0], "state", 0, 0, SPB_STRING, T0 + 2000);
	m[0].has_datatype = 0;
	spb_metric_set_text(&m[0], "idle");
	p = mkp(m, 1, 3, T0 + 2000, mp);
	g.n = 0;
	assert_int_equal(spn_apply(n, SPN_DDATA, "K001", &p, T0, collect, &g, err, sizeof err), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].count, 1000);
	assert_int_equal(g.r[0].state, MS_IDLE);
	/* an unknown device has nothing to put back */
	spn_carry_save(n, "K999", &c);
	assert_false(c.found);
	spn_carry_restore(n, "K999", &c);
	spn_node_free(n);
}

static void test_data_refused(void **state)
{
	(void)state;
	spn_node *n = born_node();
	got g = {0};
	char err[200];
	spb_metric m[2];
	spb_metric *mp[2];
	/* DDATA of a device without DBIRTH */
	spb_metric_init(&m[0], NULL, 1, 1, SPB_UINT32, T0);
	spb_metric_set_int(&m[0], 5);
	spb_payload p = mkp(m, 1, 1, T0, mp);
	assert_int_equal(spn_apply(n, SPN_DDATA, "K009", &p, T0, collect, &g, err, sizeof err),
			 GLOVED_ENOTFOUND);
	assert_int_equal(dbirth(n, "K001", T0, 1000, &g), GLOVED_OK);
	g.n = 0;
	/* unknown alias */
	spb_metric_init(&m[0], NULL, 1, 77, SPB_UINT32, T0);
	m[0].has_datatype = 0;
	spb_metric_set_int(&m[0], 5);
	p = mkp(m, 1, 2, T0, mp);
	assert_int_equal(spn_apply(n, SPN_DDATA, "K001", &p, T0, collect, &g, err, sizeof err),
			 GLOVED_ENOTFOUND);
	assert_non_null(strstr(err, "alias 77"));
	/* counter sent as a string although the birth said UInt32 */
	spb_metric_init(&m[0], NULL, 1, 1, SPB_UINT32, T0 + 1);
	m[0].has_datatype = 0;
	spb_metric_set_text(&m[0], "12");
	p = mkp(m, 1, 3, T0, mp);
	assert_int_equal(spn_apply(n, SPN_DDATA, "K001", &p, T0, collect, &g, err, sizeof err),
			 GLOVED_EINVAL);
	/* a datatype contradicting the birth */
	spb_metric_init(&m[0], NULL, 1, 1, SPB_DOUBLE, T0 + 1);
	m[0].value_case = GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_DOUBLE_VALUE;
	m[0].double_value = 12;
	p = mkp(m, 1, 4, T0, mp);
	assert_int_equal(spn_apply(n, SPN_DDATA, "K001", &p, T0, collect, &g, err, sizeof err),
			 GLOVED_EINVAL);
	/* a bad state and a bad reason; the good counter beside them is not taken */
	spb_metric_init(&m[0], NULL, 1, 1, SPB_UINT32, T0 + 1);
	m[0].has_datatype = 0;
	spb_metric_set_int(&m[0], 1100);
	spb_metric_init(&m[1], NULL, 1, 3, SPB_STRING, T0 + 1);
	m[1].has_datatype = 0;
	spb_metric_set_text(&m[1], "running");
	p = mkp(m, 2, 5, T0, mp);
	assert_int_equal(spn_apply(n, SPN_DDATA, "K001", &p, T0, collect, &g, err, sizeof err),
			 GLOVED_EINVAL);
	spb_metric_init(&m[1], NULL, 1, 4, SPB_STRING, T0 + 1);
	m[1].has_datatype = 0;
	spb_metric_set_text(&m[1], "has space");
	p = mkp(m, 2, 6, T0, mp);
	assert_int_equal(spn_apply(n, SPN_DDATA, "K001", &p, T0, collect, &g, err, sizeof err),
			 GLOVED_EINVAL);
	assert_int_equal(g.n, 0);
	/* a timestamp past INT64_MAX is refused, not cut to 63 bits (which
	 * made 2^63 + T0 read as T0) */
	spb_metric_init(&m[0], NULL, 1, 1, SPB_UINT32, T0 + 1);
	m[0].has_datatype = 0;
	spb_metric_set_int(&m[0], 1100);
	m[0].timestamp = ((uint64_t)1 << 63) + (uint64_t)T0 + 1;
	p = mkp(m, 1, 7, T0, mp);
	assert_int_equal(spn_apply(n, SPN_DDATA, "K001", &p, T0, collect, &g, err, sizeof err),
			 GLOVED_EINVAL);
	assert_non_null(strstr(err, "out of range"));
	spb_metric_init(&m[0], NULL, 1, 1, SPB_UINT32, T0 + 1);
	m[0].has_datatype = 0;
	spb_metric_set_int(&m[0], 1100);
	p = mkp(m, 1, 7, T0, mp);
	p.timestamp = ((uint64_t)1 << 63) + (uint64_t)T0;
	m[0].has_timestamp = 0;
	assert_int_equal(spn_apply(n, SPN_DDATA, "K001", &p, T0, collect, &g, err, sizeof err),
			 GLOVED_EINVAL);
	assert_int_equal(g.n, 0);
	/* a DBIRTH whose counter is a Float is refused */
	spb_metric_init(&m[0], "count", 1, 1, SPB_FLOAT, T0);
	m[0].value_case = GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_FLOAT_VALUE;
	m[0].float_value = 3;
	p = mkp(m, 1, 7, T0, mp);
	assert_int_equal(spn_apply(n, SPN_DBIRTH, "K002", &p, T0, collect, &g, err, sizeof err),
			 GLOVED_EINVAL);
	/* NDATA with a metric not in the NBIRTH */
	spb_metric_init(&m[0], NULL, 1, 55, SPB_BOOLEAN, T0);
	p = mkp(m, 1, 8, T0, mp);
	assert_int_equal(spn_apply(n, SPN_NDATA, NULL, &p, T0, collect, &g, err, sizeof err),
			 GLOVED_ENOTFOUND);
	/* NDATA by the birth's alias is fine */
	m[0].alias = 100;
	spb_metric_set_bool(&m[0], 0);
	assert_int_equal(spn_apply(n, SPN_NDATA, NULL, &p, T0, collect, &g, err, sizeof err), 0);
	assert_int_equal(g.n, 0);
	spn_node_free(n);
}

static void test_state_codes(void **state)
{
	(void)state;
	static const int want[] = {MS_OFF, MS_RUN, MS_IDLE, MS_STOP, MS_FAULT, MS_SETUP};
	spb_metric m;
	for (int i = 0; i < 6; i++) {
		spb_metric_init(&m, "state", 0, 0, SPB_INT32, 0);
		spb_metric_set_int(&m, i);
		assert_int_equal(spn_state_from_metric(&m, SPB_INT32), want[i]);
	}
	spb_metric_set_int(&m, 6);
	assert_int_equal(spn_state_from_metric(&m, SPB_INT32), -1);
	spb_metric_set_int(&m, -1);
	assert_int_equal(spn_state_from_metric(&m, SPB_INT32), -1);
	spb_metric_init(&m, "state", 0, 0, SPB_STRING, 0);
	spb_metric_set_text(&m, "setup");
	assert_int_equal(spn_state_from_metric(&m, SPB_STRING), MS_SETUP);
	spb_metric_set_text(&m, "offline"); /* not reportable */
	assert_int_equal(spn_state_from_metric(&m, SPB_STRING), -1);
}

static void test_mapping(void **state)
{
	(void)state;
	spn_node *n = spn_node_new();
	spn_map map;
	spn_map_default(&map);
	snprintf(map.count, sizeof map.count, "Counters/Good");
	snprintf(map.state, sizeof map.state, "Status");
	spb_metric m[3];
	spb_metric *mp[3];
	spb_metric_init(&m[0], "bdSeq", 0, 0, SPB_UINT8, 0);
	spb_metric_set_int(&m[0], 1);
	spb_payload p = mkp(m, 1, 0, T0, mp);
	char err[200];
	assert_int_equal(spn_nbirth(n, &p, &map, err, sizeof err), 0);
	spb_metric_init(&m[0], "Counters/Good", 0, 0, SPB_UINT64, T0);
	spb_metric_set_int(&m[0], 77);
	spb_metric_init(&m[1], "Status", 0, 0, SPB_UINT8, T0);
	spb_metric_set_int(&m[1], 2);
	spb_metric_init(&m[2], "count", 0, 0, SPB_UINT64, T0); /* not the counter here */
	spb_metric_set_int(&m[2], 999);
	p = mkp(m, 3, 1, T0, mp);
	got g = {0};
	assert_int_equal(spn_apply(n, SPN_DBIRTH, "K001", &p, T0, collect, &g, err, sizeof err), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].count, 77);
	assert_int_equal(g.r[0].state, MS_IDLE);
	spn_node_free(n);
}

static void test_historical(void **state)
{
	(void)state;
	spn_node *n = born_node();
	got g = {0};
	assert_int_equal(dbirth(n, "K001", T0 + 600000, 1500, &g), GLOVED_OK);
	/* store-and-forward: three historical counters, newest first, then a live one */
	spb_metric m[4];
	spb_metric *mp[4];
	static const int64_t ts[] = {T0 + 300000, T0 + 100000, T0 + 200000};
	static const uint64_t cnt[] = {1300, 1100, 1200};
	for (int i = 0; i < 3; i++) {
		spb_metric_init(&m[i], NULL, 1, 1, SPB_UINT32, ts[i]);
		m[i].has_datatype = 0;
		m[i].has_is_historical = 1;
		m[i].is_historical = 1;
		spb_metric_set_int(&m[i], (int64_t)cnt[i]);
	}
	spb_metric_init(&m[3], NULL, 1, 1, SPB_UINT32, T0 + 700000);
	m[3].has_datatype = 0;
	spb_metric_set_int(&m[3], 1600);
	spb_payload p = mkp(m, 4, 2, T0 + 700000, mp);
	char err[200];
	g.n = 0;
	assert_int_equal(spn_apply(n, SPN_DDATA, "K001", &p, T0, collect, &g, err, sizeof err), 0);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.r[0].ts_ms, T0 + 100000);
	assert_int_equal(g.r[0].count, 1100);
	assert_true(g.r[0].historical);
	assert_int_equal(g.r[1].count, 1200);
	assert_int_equal(g.r[2].count, 1300);
	assert_int_equal(g.r[3].ts_ms, T0 + 700000);
	assert_int_equal(g.r[3].count, 1600);
	assert_false(g.r[3].historical);
	/* a later state-only DDATA uses the live counter, not a historical one */
	spb_metric_init(&m[0], NULL, 1, 3, SPB_STRING, T0 + 800000);
	m[0].has_datatype = 0;
	spb_metric_set_text(&m[0], "idle");
	p = mkp(m, 1, 3, T0 + 800000, mp);
	g.n = 0;
	assert_int_equal(spn_apply(n, SPN_DDATA, "K001", &p, T0, collect, &g, err, sizeof err), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].count, 1600);
	assert_int_equal(g.r[0].state, MS_IDLE);
	spn_node_free(n);
}

/* ---- deaths ---- */

static void test_bdseq(void **state)
{
	(void)state;
	spn_node *n = born_node(); /* bdSeq 7 */
	got g = {0};
	assert_int_equal(dbirth(n, "K001", T0, 10, &g), 0);
	assert_int_equal(dbirth(n, "K002", T0, 20, &g), 0);
	spb_metric m[1];
	spb_metric *mp[1];
	char err[200];
	/* the death of an older session changes nothing */
	spb_metric_init(&m[0], "bdSeq", 0, 0, SPB_INT64, 0);
	spb_metric_set_int(&m[0], 6);
	spb_payload p = mkp(m, 1, -1, T0, mp);
	g.n = 0;
	assert_int_equal(spn_ndeath(n, &p, T0 + 5, collect, &g, err, sizeof err), 0);
	assert_int_equal(g.n, 0);
	assert_true(spn_node_born(n));
	/* DDEATH of one device: offline mark for it */
	spb_payload dd = mkp(m, 0, 1, T0 + 6, mp);
	assert_int_equal(spn_seq_offer(n, 1, SPN_DDEATH, "K002", NULL, 0, 0), SPN_APPLY);
	assert_int_equal(spn_apply(n, SPN_DDEATH, "K002", &dd, T0, collect, &g, err, sizeof err),
			 0);
	assert_int_equal(g.n, 1);
	assert_true(g.r[0].offline);
	assert_int_equal(g.r[0].state, MS_OFFLINE);
	assert_string_equal(g.dev[0], "K002");
	/* the matching death: every device still alive goes offline */
	spb_metric_set_int(&m[0], 7);
	g.n = 0;
	assert_int_equal(spn_ndeath(n, &p, T0 + 9, collect, &g, err, sizeof err), 1);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.dev[0], "K001");
	assert_int_equal(g.r[0].ts_ms, T0 + 9);
	assert_false(spn_node_born(n));
	/* after death, data is refused until a new birth */
	spb_payload d2 = mkp(m, 0, 2, T0, mp);
	assert_int_equal(spn_apply(n, SPN_DDATA, "K001", &d2, T0, collect, &g, err, sizeof err),
			 GLOVED_ENOTFOUND);
	spn_node_free(n);
}

/* ---- sequence ---- */

static void test_seq_order(void **state)
{
	(void)state;
	spn_node *n = born_node(); /* expects 1 */
	uint8_t raw = 0;
	assert_int_equal(spn_seq_offer(n, 1, SPN_DDATA, "K001", &raw, 1, 0), SPN_APPLY);
	/* 3 and 4 arrive before 2 */
	raw = 3;
	assert_int_equal(spn_seq_offer(n, 3, SPN_DDATA, "K001", &raw, 1, 10), SPN_HELD);
	raw = 4;
	assert_int_equal(spn_seq_offer(n, 4, SPN_DDATA, "K002", &raw, 1, 20), SPN_HELD);
	assert_int_equal(spn_seq_offer(n, 4, SPN_DDATA, "K002", &raw, 1, 20), SPN_STALE);
	assert_int_equal(spn_node_held(n), 2);
	spn_held h;
	assert_int_equal(spn_seq_next(n, &h), 0);
	assert_false(spn_seq_gap_expired(n, 2000, 2000));
	assert_int_equal(spn_seq_offer(n, 2, SPN_DDATA, "K001", &raw, 1, 30), SPN_APPLY);
	assert_int_equal(spn_seq_next(n, &h), 1);
	assert_int_equal(h.seq, 3);
	assert_string_equal(h.device, "K001");
	assert_int_equal(h.raw[0], 3);
	free(h.raw);
	assert_int_equal(spn_seq_next(n, &h), 1);
	assert_int_equal(h.seq, 4);
	assert_string_equal(h.device, "K002");
	free(h.raw);
	assert_int_equal(spn_seq_next(n, &h), 0);
	/* repeats of applied messages are stale */
	assert_int_equal(spn_seq_offer(n, 2, SPN_DDATA, "K001", &raw, 1, 40), SPN_STALE);
	assert_int_equal(spn_seq_offer(n, 4, SPN_DDATA, "K001", &raw, 1, 40), SPN_STALE);
	spn_node_free(n);
}

static void test_seq_wrap_and_gap(void **state)
{
	(void)state;
	spn_node *n = born_node();
	uint8_t raw = 0;
	for (int i = 1; i < 300; i++)
		assert_int_equal(spn_seq_offer(n, (uint64_t)(i % 256), SPN_DDATA, "K", &raw, 1, i),
				 SPN_APPLY);
	/* expected is now 300 % 256 = 44; 46 arrives, 45 never does */
	assert_int_equal(spn_seq_offer(n, 46, SPN_DDATA, "K", &raw, 1, 1000), SPN_HELD);
	assert_false(spn_seq_gap_expired(n, 2999, 2000));
	assert_int_equal(spn_seq_offer(n, 44, SPN_DDATA, "K", &raw, 1, 1500), SPN_APPLY);
	spn_held h;
	assert_int_equal(spn_seq_next(n, &h), 0); /* 45 still missing */
	assert_true(spn_seq_gap_expired(n, 3001, 2000));
	/* the host resets the node and asks for a rebirth */
	spn_node_reset(n);
	assert_false(spn_node_born(n));
	assert_int_equal(spn_node_held(n), 0);
	/* a gap that would need more than SPN_MAX_HELD messages overflows */
	spn_node *m = born_node();
	for (int i = 0; i < SPN_MAX_HELD; i++)
		assert_int_equal(spn_seq_offer(m, (uint64_t)(3 + i), SPN_DDATA, "K", &raw, 1, 0),
				 SPN_HELD);
	assert_int_equal(spn_seq_offer(m, 3 + SPN_MAX_HELD, SPN_DDATA, "K", &raw, 1, 0),
			 SPN_OVERFLOW);
	spn_node_free(m);
	/* a node that ran more than 127 ahead (a big loss) looks stale: a long
	 * run of stale messages overflows too */
	spn_node *k = born_node(); /* expects 1 */
	int got_overflow = 0;
	for (int i = 0; i <= SPN_MAX_HELD && !got_overflow; i++) {
		spn_order o =
		    spn_seq_offer(k, (uint64_t)(200 + i % 50), SPN_DDATA, "K", &raw, 1, 0);
		assert_true(o == SPN_STALE || o == SPN_OVERFLOW);
		got_overflow = o == SPN_OVERFLOW;
	}
	assert_true(got_overflow);
	spn_node_free(k);
	spn_node_free(n);
}

static void test_rebirth_resets(void **state)
{
	(void)state;
	spn_node *n = born_node();
	got g = {0};
	uint8_t raw = 0;
	assert_int_equal(dbirth(n, "K001", T0, 10, &g), 0);
	assert_int_equal(spn_seq_offer(n, 9, SPN_DDATA, "K001", &raw, 1, 0), SPN_HELD);
	/* a new NBIRTH forgets the held message and the devices; seq starts over */
	spb_metric m[1];
	spb_metric *mp[1];
	spb_metric_init(&m[0], "bdSeq", 0, 0, SPB_INT64, 0);
	spb_metric_set_int(&m[0], 8);
	spb_payload p = mkp(m, 1, 0, T0, mp);
	spn_map map;
	spn_map_default(&map);
	char err[200];
	assert_int_equal(spn_nbirth(n, &p, &map, err, sizeof err), 0);
	assert_int_equal(spn_node_held(n), 0);
	assert_int_equal(spn_node_bdseq(n), 8);
	assert_int_equal(spn_seq_offer(n, 1, SPN_DDATA, "K001", &raw, 1, 0), SPN_APPLY);
	spb_payload d = mkp(m, 0, 1, T0, mp);
	assert_int_equal(spn_apply(n, SPN_DDATA, "K001", &d, T0, collect, &g, err, sizeof err),
			 GLOVED_ENOTFOUND);
	spn_node_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip_datatypes),
	    cmocka_unit_test(test_int_widths),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_birth_checks),
	    cmocka_unit_test(test_data_by_alias_and_name),
	    cmocka_unit_test(test_data_refused),
	    cmocka_unit_test(test_state_codes),
	    cmocka_unit_test(test_mapping),
	    cmocka_unit_test(test_historical),
	    cmocka_unit_test(test_bdseq),
	    cmocka_unit_test(test_carry_restore),
	    cmocka_unit_test(test_seq_order),
	    cmocka_unit_test(test_seq_wrap_and_gap),
	    cmocka_unit_test(test_rebirth_resets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
