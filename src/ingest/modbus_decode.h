/* SPDX-License-Identifier: Apache-2.0 */
/* modbus_decode.h: the pure parts of the Modbus TCP poller (modbus.h), kept
 * apart so that they are unit-tested with plain values: turning holding
 * registers into a counter (16-bit, or 32-bit from two words in either word
 * order), the state map of a device ("0:off,1:run,...": register value ->
 * machine state), which registers one poll reads, and the reconnect backoff.
 * No I/O, no allocation. The prefix is mbus_ because libmodbus owns
 * modbus_. */
#ifndef GLOVED_INGEST_MODBUS_DECODE_H
#define GLOVED_INGEST_MODBUS_DECODE_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

#define MBUS_MAP_MAX     32    /* entries in a state map */
#define MBUS_READ_MAX    125   /* registers in one Read Holding Registers request */
#define MBUS_REG_MAX     65535 /* highest register address */
#define MBUS_BACKOFF_MIN 1000  /* first reconnect delay, ms */
#define MBUS_BACKOFF_MAX 60000 /* longest reconnect delay, ms */

typedef enum mbus_word_order {
	MBUS_BIG = 0,   /* high word at the lower address (Modicon convention) */
	MBUS_LITTLE = 1 /* low word first */
} mbus_word_order;

/* Parses "big" or "little"; returns the order or -1. */
int mbus_word_order_parse(const char *s);

/* The counter held by words registers (1 or 2) starting at regs[0]: a
 * 16-bit value, or a 32-bit value whose word order is order. */
uint64_t mbus_counter_value(const uint16_t *regs, int words, mbus_word_order order);

/* Splits a counter value into words registers (the inverse, for servers
 * and tests). */
void mbus_counter_words(uint64_t value, int words, mbus_word_order order, uint16_t *regs);

typedef struct mbus_state_map {
	size_t n;
	struct {
		uint16_t value;
		int state; /* core/state.h machine_state: MS_RUN .. MS_OFF */
	} e[MBUS_MAP_MAX];
} mbus_state_map;

/* Parses text like "0:off,1:run,2:idle,3:stop,4:fault,5:setup" (values
 * 0..65535, states as in reports, each value at most once, at most
 * MBUS_MAP_MAX entries, spaces around items allowed). Returns 0, or -1
 * with a message naming the bad item in err. */
int mbus_state_map_parse(const char *text, mbus_state_map *out, char *err, size_t errlen);

/* The state a register value maps to, or -1 when the map lacks it. */
int mbus_state_lookup(const mbus_state_map *m, uint16_t value);

/* Which registers one poll reads: a single request [start, start+count)
 * when counter, reject (same width as the counter) and state registers
 * fit in MBUS_READ_MAX, else one request per register group. reject_reg
 * and state_reg are -1 when absent. */
typedef struct mbus_plan {
	int n_reads;
	struct {
		int start, count;
	} read[3];
	/* where each value sits in the concatenation of the reads' results */
	int counter_at, reject_at, state_at; /* -1 when absent */
} mbus_plan;

/* Fills *p; returns 0, or -1 when a register (with its width) runs past
 * MBUS_REG_MAX or words is not 1 or 2. */
int mbus_plan_reads(int counter_reg, int words, int reject_reg, int state_reg, mbus_plan *p);

/* The most registers mbus_pick writes: a 2-word counter, a 2-word reject,
 * the state. */
#define MBUS_PICK_MAX 5

/* Picks one poll's values out of what the device answered: got holds the
 * registers of p's reads one after another (the sum of their counts), as
 * the plan's *_at positions count them. Writes to regs the counter's words,
 * then the reject's words when the plan has a reject register, then the
 * state word when it has a state register (the poller's packed layout). */
void mbus_pick(const mbus_plan *p, int words, const uint16_t *got, uint16_t regs[MBUS_PICK_MAX]);

/* Delay before reconnect attempt number failures (1 for the first retry
 * after a failure): MBUS_BACKOFF_MIN doubling up to MBUS_BACKOFF_MAX; 0 when
 * failures <= 0. */
int64_t mbus_backoff_ms(int failures);

/* Checks a device before it is stored (admin command and API share this,
 * so every stored row can be polled): host (1-48 of A-Z a-z 0-9 . - : _),
 * port 1..65535, unit 0..255, registers 0..65535 with room for their width,
 * counter_words 1|2, word_order, the state map (when state_reg >= 0),
 * poll_ms 100..3600000, timeout_ms 100..30000, and that the register's
 * width (16 * counter_words) does not exceed machine_bits (the machine's
 * counter_bits). Returns 0, or -1 with a message naming the field in err. */
int mbus_device_check(const store_modbus_device *d, int machine_bits, char *err, size_t errlen);

#endif
