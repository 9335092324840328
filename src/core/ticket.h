/* SPDX-License-Identifier: Apache-2.0 */
/* ticket.h: the codes printed on bundle tickets, one per bundle-operation:
 * "<bundle id>-<operation seq>-<MAC>", e.g. "104523-7-K3F9QZ". The MAC is
 * the first 30 bits of keyed BLAKE2b over "<bundle id>-<seq>" with the
 * firm's 32-byte key, in Crockford base32 (6 characters), so a code made up
 * or altered by hand does not verify. Parsing accepts lower case and the
 * Crockford look-alikes (I and L for 1, O for 0) and ignores surrounding
 * spaces, so a typed code works as well as a scanned one. */
#ifndef GLOVED_CORE_TICKET_H
#define GLOVED_CORE_TICKET_H

#include <stddef.h>
#include <stdint.h>

#define TICKET_KEY_LEN  32
#define TICKET_MAC_LEN  6
#define TICKET_CODE_BUF 48

/* Writes the code into out (len >= TICKET_CODE_BUF). Returns 0 or -1. */
int ticket_code(const uint8_t *key, int64_t bundle_id, int32_t seq, char *out, size_t len);
/* Splits a code into its parts; mac receives the 6 MAC characters in
 * canonical form. Returns 0, or -1 when the text is not shaped like a code. */
int ticket_parse(const char *code, int64_t *bundle_id, int32_t *seq, char mac[TICKET_MAC_LEN + 1]);
/* 1 when mac is the MAC of (bundle_id, seq) under key (constant time). */
int ticket_verify(const uint8_t *key, int64_t bundle_id, int32_t seq, const char *mac);

#endif
