/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_input.c: libFuzzer target for the small parsers of what people type
 * or write (issue 15): bundle ticket codes as a scanner or a keyboard sends
 * them (core/ticket.c ticket_parse, then ticket_verify), the INI file of
 * `gloved serve --config` (util/config.c on inih, read from a memfd as from
 * a file) and one command-line flag "name=value" (config_apply_flag). The
 * first input byte chooses the mode. Besides the sanitizers it checks the
 * contracts: a parsed ticket code has a bundle id >= 1 and a seq >= 1, and
 * the code made again from them parses back to the same parts; a code the
 * fuzzer makes up does not verify unless it is the one ticket_code makes; a
 * config read leaves every text setting NUL-terminated inside its field and
 * an error always has a message; a Modbus device's state map
 * ("0:off,1:run,...") parses to distinct values each found again by
 * lookup, counters split into registers and back give the same value, and
 * a read plan stays within the register space and one request's size. See
 * docs/fuzzing.md. */
#define _GNU_SOURCE /* memfd_create */
#include "fuzz_text.h"
#include "core/ticket.h"
#include "ingest/modbus_decode.h"
#include "util/config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const uint8_t key[TICKET_KEY_LEN] = {7, 1, 4, 2};

static void ticket(const char *s)
{
	int64_t id;
	int32_t seq;
	char mac[TICKET_MAC_LEN + 1];
	if (ticket_parse(s, &id, &seq, mac) != 0)
		return;
	if (id < 1 || seq < 1 || strlen(mac) != TICKET_MAC_LEN)
		abort();
	char code[TICKET_CODE_BUF], mac2[TICKET_MAC_LEN + 1];
	int64_t id2;
	int32_t seq2;
	if (ticket_code(key, id, seq, code, sizeof code) != 0 ||
	    ticket_parse(code, &id2, &seq2, mac2) != 0 || id2 != id || seq2 != seq ||
	    ticket_verify(key, id2, seq2, mac2) != 1)
		abort();
	/* the fuzzer's MAC verifies only when it is the right one */
	if (ticket_verify(key, id, seq, mac) != (strcmp(mac, mac2) == 0))
		abort();
}

static void check_texts(const gloved_config *c)
{
	const char *texts[] = {c->db_path,     c->db_sync,   c->listen,        c->web_root,
			       c->vendor_dir,  c->mqtt_host, c->mqtt_username, c->mqtt_password,
			       c->spb_host_id, c->timezone,  c->log_level,     c->brand_key_file,
			       c->public_base};
	const size_t sizes[] = {
	    sizeof c->db_path,       sizeof c->db_sync,       sizeof c->listen,
	    sizeof c->web_root,      sizeof c->vendor_dir,    sizeof c->mqtt_host,
	    sizeof c->mqtt_username, sizeof c->mqtt_password, sizeof c->spb_host_id,
	    sizeof c->timezone,      sizeof c->log_level,     sizeof c->brand_key_file,
	    sizeof c->public_base};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (strnlen(texts[i], sizes[i]) == sizes[i])
			abort();
}

static void ini(const uint8_t *d, size_t n)
{
	int fd = memfd_create("fuzz-ini", MFD_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, d, n) == (ssize_t)n) {
		char path[64], err[512] = "";
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		gloved_config c;
		config_defaults(&c);
		int rc = config_load_file(&c, path, err, sizeof err);
		if (rc != 0 && !err[0])
			abort();
		check_texts(&c);
		err[0] = '\0';
		if (config_validate(&c, err, sizeof err) != 0 && !err[0])
			abort();
	}
	close(fd);
}

static void flag(char *s)
{
	char *eq = strchr(s, '=');
	if (eq)
		*eq = '\0';
	gloved_config c;
	config_defaults(&c);
	char err[512] = "";
	int rc = config_apply_flag(&c, s, eq ? eq + 1 : NULL, err, sizeof err);
	if (rc < 0 && !err[0])
		abort();
	check_texts(&c);
}

static void modbus(const char *s, const uint8_t *d, size_t n)
{
	mbus_state_map m;
	char err[256] = "";
	if (mbus_state_map_parse(s, &m, err, sizeof err) == 0) {
		if (m.n > MBUS_MAP_MAX)
			abort();
		for (size_t i = 0; i < m.n; i++)
			if (mbus_state_lookup(&m, m.e[i].value) != m.e[i].state)
				abort();
	} else if (!err[0])
		abort();
	if (n < 8)
		return;
	uint64_t v =
	    (uint64_t)d[0] | (uint64_t)d[1] << 8 | (uint64_t)d[2] << 16 | (uint64_t)d[3] << 24;
	int words = 1 + (d[4] & 1);
	mbus_word_order o = (d[4] & 2) ? MBUS_LITTLE : MBUS_BIG;
	uint16_t regs[2];
	mbus_counter_words(v, words, o, regs);
	if (mbus_counter_value(regs, words, o) != (words == 1 ? (v & 0xffff) : v))
		abort();
	int creg = d[5] | d[6] << 8, rreg = (d[7] & 1) ? -1 : creg ^ d[7],
	    sreg = (d[4] & 4) ? -1 : creg + d[7];
	mbus_plan p;
	if (mbus_plan_reads(creg, words, rreg, sreg, &p) == 0) {
		if (p.n_reads < 1 || p.n_reads > 3)
			abort();
		for (int i = 0; i < p.n_reads; i++)
			if (p.read[i].count < 1 || p.read[i].count > MBUS_READ_MAX ||
			    p.read[i].start < 0 ||
			    p.read[i].start + p.read[i].count - 1 > MBUS_REG_MAX)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned mode;
	char *s = fuzz_split(&data, &size, 8192, 4, &mode);
	if (!s)
		return 0;
	if (mode == 0)
		ticket(s);
	else if (mode == 1)
		ini(data, size);
	else if (mode == 2)
		flag(s);
	else
		modbus(s, data, size);
	free(s);
	return 0;
}
