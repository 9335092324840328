/* SPDX-License-Identifier: Apache-2.0 */
/* modbus_decode.c: see modbus_decode.h. */
#include "ingest/modbus_decode.h"
#include "core/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mbus_word_order_parse(const char *s)
{
	if (s && strcmp(s, "big") == 0)
		return MBUS_BIG;
	if (s && strcmp(s, "little") == 0)
		return MBUS_LITTLE;
	return -1;
}

uint64_t mbus_counter_value(const uint16_t *regs, int words, mbus_word_order order)
{
	if (words != 2)
		return regs[0];
	uint16_t hi = order == MBUS_BIG ? regs[0] : regs[1];
	uint16_t lo = order == MBUS_BIG ? regs[1] : regs[0];
	return ((uint64_t)hi << 16) | lo;
}

void mbus_counter_words(uint64_t value, int words, mbus_word_order order, uint16_t *regs)
{
	if (words != 2) {
		regs[0] = (uint16_t)(value & 0xffff);
		return;
	}
	uint16_t hi = (uint16_t)((value >> 16) & 0xffff), lo = (uint16_t)(value & 0xffff);
	regs[0] = order == MBUS_BIG ? hi : lo;
	regs[1] = order == MBUS_BIG ? lo : hi;
}

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

int mbus_state_map_parse(const char *text, mbus_state_map *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!text || !*skip_spaces(text)) {
		snprintf(err, errlen, "state map is empty");
		return -1;
	}
	const char *p = text;
	for (int item = 1;; item++) {
		p = skip_spaces(p);
		const char *start = p;
		unsigned long v = 0;
		size_t digits = 0;
		while (*p >= '0' && *p <= '9' && digits < 6) {
			v = v * 10 + (unsigned long)(*p - '0');
			p++;
			digits++;
		}
		p = skip_spaces(p);
		if (digits == 0 || v > 65535 || *p != ':') {
			snprintf(err, errlen,
				 "state map item %d ('%.20s'): expected VALUE:STATE with VALUE in "
				 "0..65535",
				 item, start);
			return -1;
		}
		p = skip_spaces(p + 1);
		char name[16];
		size_t n = strcspn(p, ", \t");
		if (n == 0 || n >= sizeof name) {
			snprintf(err, errlen, "state map item %d: missing or too long state", item);
			return -1;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		p = skip_spaces(p + n);
		int st = state_parse(name);
		if (st < 0) {
			snprintf(err, errlen,
				 "state map item %d: '%s' is not one of run, idle, stop, fault, "
				 "setup, off",
				 item, name);
			return -1;
		}
		for (size_t i = 0; i < out->n; i++) {
			if (out->e[i].value == v) {
				snprintf(err, errlen, "state map item %d: value %lu given twice",
					 item, v);
				return -1;
			}
		}
		if (out->n == MBUS_MAP_MAX) {
			snprintf(err, errlen, "state map has more than %d items", MBUS_MAP_MAX);
			return -1;
		}
		out->e[out->n].value = (uint16_t)v;
		out->e[out->n].state = st;
		out->n++;
		if (*p == '\0')
			return 0;
		if (*p != ',') {
			snprintf(err, errlen, "state map item %d: expected ',' after it", item);
			return -1;
		}
		p++;
	}
}

int mbus_state_lookup(const mbus_state_map *m, uint16_t value)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].value == value)
			return m->e[i].state;
	return -1;
}

int mbus_plan_reads(int counter_reg, int words, int reject_reg, int state_reg, mbus_plan *p)
{
	memset(p, 0, sizeof *p);
	p->counter_at = p->reject_at = p->state_at = -1;
	if (words != 1 && words != 2)
		return -1;
	if (counter_reg < 0 || counter_reg + words - 1 > MBUS_REG_MAX)
		return -1;
	if (reject_reg >= 0 && reject_reg + words - 1 > MBUS_REG_MAX)
		return -1;
	if (state_reg > MBUS_REG_MAX)
		return -1;
	int lo = counter_reg, hi = counter_reg + words - 1;
	if (reject_reg >= 0) {
		lo = reject_reg < lo ? reject_reg : lo;
		hi = reject_reg + words - 1 > hi ? reject_reg + words - 1 : hi;
	}
	if (state_reg >= 0) {
		lo = state_reg < lo ? state_reg : lo;
		hi = state_reg > hi ? state_reg : hi;
	}
	if (hi - lo + 1 <= MBUS_READ_MAX) {
		p->n_reads = 1;
		p->read[0].start = lo;
		p->read[0].count = hi - lo + 1;
		p->counter_at = counter_reg - lo;
		p->reject_at = reject_reg >= 0 ? reject_reg - lo : -1;
		p->state_at = state_reg >= 0 ? state_reg - lo : -1;
		return 0;
	}
	int at = 0;
	p->read[p->n_reads].start = counter_reg;
	p->read[p->n_reads++].count = words;
	p->counter_at = at;
	at += words;
	if (reject_reg >= 0) {
		p->read[p->n_reads].start = reject_reg;
		p->read[p->n_reads++].count = words;
		p->reject_at = at;
		at += words;
	}
	if (state_reg >= 0) {
		p->read[p->n_reads].start = state_reg;
		p->read[p->n_reads++].count = 1;
		p->state_at = at;
	}
	return 0;
}

void mbus_pick(const mbus_plan *p, int words, const uint16_t *got, uint16_t regs[MBUS_PICK_MAX])
{
	int w = words == 2 ? 2 : 1, k = w;
	memcpy(regs, got + p->counter_at, (size_t)w * sizeof *got);
	if (p->reject_at >= 0) {
		memcpy(regs + k, got + p->reject_at, (size_t)w * sizeof *got);
		k += w;
	}
	if (p->state_at >= 0)
		regs[k] = got[p->state_at];
}

int64_t mbus_backoff_ms(int failures)
{
	if (failures <= 0)
		return 0;
	int64_t d = MBUS_BACKOFF_MIN;
	for (int i = 1; i < failures && d < MBUS_BACKOFF_MAX; i++)
		d *= 2;
	return d < MBUS_BACKOFF_MAX ? d : MBUS_BACKOFF_MAX;
}

int mbus_device_check(const store_modbus_device *d, int machine_bits, char *err, size_t errlen)
{
	size_t hl = strlen(d->host);
	if (hl == 0 || hl > 48 ||
	    strspn(d->host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:_") !=
		hl) {
		snprintf(err, errlen, "host must be a host name or IP address (1-48 characters)");
		return -1;
	}
	if (d->port < 1 || d->port > 65535) {
		snprintf(err, errlen, "port must be in 1..65535");
		return -1;
	}
	if (d->unit_id < 0 || d->unit_id > 255) {
		snprintf(err, errlen, "unit must be in 0..255");
		return -1;
	}
	if (d->counter_words != 1 && d->counter_words != 2) {
		snprintf(err, errlen, "counter_words must be 1 (16-bit) or 2 (32-bit)");
		return -1;
	}
	if (d->counter_reg < 0 || d->counter_reg > MBUS_REG_MAX || d->reject_reg < -1 ||
	    d->reject_reg > MBUS_REG_MAX || d->state_reg < -1 || d->state_reg > MBUS_REG_MAX) {
		snprintf(err, errlen, "registers must be in 0..65535");
		return -1;
	}
	mbus_plan plan;
	if (mbus_plan_reads(d->counter_reg, d->counter_words, d->reject_reg, d->state_reg, &plan)) {
		snprintf(err, errlen, "a %d-word counter or reject register runs past 65535",
			 d->counter_words);
		return -1;
	}
	if (mbus_word_order_parse(d->word_order) < 0) {
		snprintf(err, errlen, "word order must be big or little");
		return -1;
	}
	mbus_state_map m;
	char inner[160];
	if (d->state_reg >= 0 && mbus_state_map_parse(d->state_map, &m, inner, sizeof inner)) {
		snprintf(err, errlen, "%s", inner);
		return -1;
	}
	if (d->poll_ms < 100 || d->poll_ms > 3600000) {
		snprintf(err, errlen, "poll_ms must be in 100..3600000");
		return -1;
	}
	if (d->timeout_ms < 100 || d->timeout_ms > 30000) {
		snprintf(err, errlen, "timeout_ms must be in 100..30000");
		return -1;
	}
	if (d->counter_words * 16 > machine_bits) {
		snprintf(err, errlen,
			 "the machine has a %d-bit counter but counter_words %d reads %d bits "
			 "(read 1 word, or register the machine with counter_bits 32)",
			 machine_bits, d->counter_words, d->counter_words * 16);
		return -1;
	}
	return 0;
}
