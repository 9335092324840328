/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_modbus.c: libFuzzer target for what gloved itself makes of a Modbus
 * TCP device's answers (issue 15). The MBAP header, the function code,
 * exception responses and the byte order of each register are taken apart
 * by libmodbus (modbus_read_registers); gloved's own decoding starts at the
 * register words: a device's settings (mbus_device_check, as the API and
 * the admin command check them), the read plan (mbus_plan_reads), the
 * values picked out of the answers (mbus_pick, as the poller does), the
 * counter assembled from one or two words in the device's word order
 * (mbus_counter_value) and the state map (mbus_state_lookup). Input: 8
 * bytes of settings, then a state map text up to a NUL byte, then the
 * words the device answers, two bytes each, big-endian. Checks besides the
 * sanitizers: a refused device has a message; an accepted one has a plan
 * of 1 to 3 reads inside the register space and one request; the picked
 * counter, reject and state are the words at those registers of the
 * device, whichever read brought them; a counter fits its width and
 * splits into the same words again. See docs/fuzzing.md. */
#include "core/state.h"
#include "ingest/modbus_decode.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The device's registers as the answers showed them: each address gets
 * the next input word the first time a read covers it, the same word
 * after, so two reads of one register agree. */
typedef struct regfile {
	int n;
	int addr[MBUS_READ_MAX + 5];
	uint16_t word[MBUS_READ_MAX + 5];
	const uint8_t *d;
	size_t left;
} regfile;

static uint16_t reg_at(regfile *f, int addr)
{
	for (int i = 0; i < f->n; i++)
		if (f->addr[i] == addr)
			return f->word[i];
	uint16_t w = 0;
	if (f->left >= 2) {
		w = (uint16_t)(f->d[0] << 8 | f->d[1]);
		f->d += 2;
		f->left -= 2;
	}
	if (f->n >= (int)(sizeof f->addr / sizeof f->addr[0]))
		abort(); /* more registers than a plan may read */
	f->addr[f->n] = addr;
	f->word[f->n++] = w;
	return w;
}

static void device(const uint8_t *d, size_t n)
{
	if (n < 8)
		return;
	store_modbus_device c;
	memset(&c, 0, sizeof c);
	snprintf(c.host, sizeof c.host, "plc-1");
	c.port = 502;
	c.unit_id = d[0];
	c.counter_words = 1 + (d[1] & 1);
	snprintf(c.word_order, sizeof c.word_order, "%s", (d[1] & 2) ? "little" : "big");
	c.counter_reg = d[2] << 8 | d[3];
	/* reject and state near the counter, or far (several reads), or none */
	int rel = (int8_t)d[5], far = (d[1] & 16) ? 300 : 0;
	c.reject_reg = (d[1] & 4) ? -1 : (d[4] & 0x80) ? (d[4] << 8 | d[5]) : c.counter_reg + rel;
	c.state_reg = (d[1] & 8) ? -1 : c.counter_reg + (int8_t)d[6] + far;
	c.poll_ms = 100 + (int64_t)d[7] * 10;
	c.timeout_ms = 100 + (int64_t)d[7];
	c.enabled = 1;
	int bits = (d[7] & 1) ? 16 : 64; /* the machine's counter width */
	d += 8;
	n -= 8;
	const uint8_t *nul = memchr(d, '\0', n);
	size_t mlen = nul ? (size_t)(nul - d) : n;
	if (mlen >= sizeof c.state_map)
		mlen = sizeof c.state_map - 1;
	memcpy(c.state_map, d, mlen);
	c.state_map[mlen] = '\0';
	if (nul) {
		n -= (size_t)(nul - d) + 1;
		d = nul + 1;
	} else {
		n = 0;
	}

	char err[256] = "";
	if (mbus_device_check(&c, bits, err, sizeof err) != 0) {
		if (!err[0] || !memchr(err, '\0', sizeof err))
			abort();
		return;
	}
	if (16 * c.counter_words > bits)
		abort();
	/* what device_prepare does */
	mbus_word_order order = (mbus_word_order)mbus_word_order_parse(c.word_order);
	mbus_plan p;
	if ((int)order < 0 ||
	    mbus_plan_reads(c.counter_reg, c.counter_words, c.reject_reg, c.state_reg, &p))
		abort();
	mbus_state_map map;
	memset(&map, 0, sizeof map);
	if (c.state_reg >= 0 && mbus_state_map_parse(c.state_map, &map, err, sizeof err))
		abort();
	if (p.n_reads < 1 || p.n_reads > 3)
		abort();
	int total = 0;
	for (int i = 0; i < p.n_reads; i++) {
		if (p.read[i].count < 1 || p.read[i].count > MBUS_READ_MAX || p.read[i].start < 0 ||
		    p.read[i].start + p.read[i].count - 1 > MBUS_REG_MAX)
			abort();
		total += p.read[i].count;
	}
	if (total > MBUS_READ_MAX)
		abort();

	/* the answers, read by read, as the poller lays them one after another */
	regfile f = {.d = d, .left = n};
	uint16_t got[MBUS_READ_MAX];
	int at = 0;
	for (int i = 0; i < p.n_reads; i++)
		for (int k = 0; k < p.read[i].count; k++)
			got[at++] = reg_at(&f, p.read[i].start + k);
	int w = c.counter_words;
	if (p.counter_at < 0 || p.counter_at + w > total ||
	    (c.reject_reg >= 0) != (p.reject_at >= 0) ||
	    (p.reject_at >= 0 && p.reject_at + w > total) ||
	    (c.state_reg >= 0) != (p.state_at >= 0) || p.state_at >= total)
		abort();
	uint16_t regs[MBUS_PICK_MAX];
	memset(regs, 0xA5, sizeof regs);
	mbus_pick(&p, w, got, regs);

	/* the packed layout is device_prepare's: counter, reject, state */
	uint16_t want[2];
	int k = w;
	for (int i = 0; i < w; i++)
		want[i] = reg_at(&f, c.counter_reg + i);
	if (memcmp(regs, want, (size_t)w * sizeof *want) != 0)
		abort();
	uint64_t count = mbus_counter_value(regs, w, order);
	if (count != mbus_counter_value(want, w, order) || count >> (16 * w) != 0)
		abort();
	uint16_t again[2];
	mbus_counter_words(count, w, order, again);
	if (memcmp(again, regs, (size_t)w * sizeof *again) != 0)
		abort();
	if (c.reject_reg >= 0) {
		for (int i = 0; i < w; i++)
			if (regs[k + i] != reg_at(&f, c.reject_reg + i))
				abort();
		k += w;
	}
	if (c.state_reg >= 0) {
		uint16_t v = regs[k];
		if (v != reg_at(&f, c.state_reg))
			abort();
		int st = mbus_state_lookup(&map, v);
		if (st >= 0 && (st < MS_RUN || st > MS_OFF))
			abort();
		for (size_t i = 0; i < map.n; i++)
			if (map.e[i].value == v && map.e[i].state != st)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	device(data, size);
	return 0;
}
