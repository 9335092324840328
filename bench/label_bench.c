/* SPDX-License-Identifier: Apache-2.0 */
/* label_bench.c: what a brand label costs (issue 11), in-process, beside
 * baselines run in the same process: signing a label's payload (making the
 * payload and its Ed25519 signature) and verifying one (what every public
 * scan does besides its database write), each beside a BLAKE2b hash of the
 * same payload (the cheapest keyed operation a scan also does: its
 * network's hash); and the PDF of a sheet-full of carton labels and of bag
 * labels beside the bundle-ticket PDF of as many QR codes (the document
 * gloved already printed). Figures are per label; ratios are what to read
 * (docs/performance.md). --quick: fewer rounds. */
#include "util/label_pdf.h"
#include "util/label_sign.h"
#include "util/ticket_pdf.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	long n = quick ? 2000 : 20000, sheets = quick ? 2 : 10;
	if (sodium_init() < 0)
		return 1;
	uint8_t pk[LABEL_PK_BYTES], sk[LABEL_SK_BYTES];
	crypto_sign_keypair(pk, sk);
	label_fields f;
	memset(&f, 0, sizeof f);
	snprintf(f.firm_code, sizeof f.firm_code, "JX01");
	snprintf(f.firm_name, sizeof f.firm_name, "嘉祥县宏达手套有限公司");
	snprintf(f.style, sizeof f.style, "SKI-01");
	snprintf(f.size, sizeof f.size, "8");
	snprintf(f.lot, sizeof f.lot, "LOT-JX-01");
	snprintf(f.day, sizeof f.day, "2026-12-01");
	snprintf(f.en388, sizeof f.en388, "4X43C");
	f.pairs = 12;
	f.brand = 1;
	char(*payload)[LABEL_PAYLOAD_MAX] = calloc((size_t)n, LABEL_PAYLOAD_MAX);
	char(*sig)[LABEL_SIG_MAX] = calloc((size_t)n, LABEL_SIG_MAX);
	if (!payload || !sig)
		return 1;
	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		label_serial_new(f.serial);
		if (label_payload_make(&f, payload[i], LABEL_PAYLOAD_MAX) ||
		    label_sign(payload[i], sk, sig[i], LABEL_SIG_MAX))
			return 1;
	}
	double sign_s = now_s() - t0;
	t0 = now_s();
	long ok = 0;
	for (long i = 0; i < n; i++)
		ok += label_verify(payload[i], sig[i], pk);
	double verify_s = now_s() - t0;
	if (ok != n) {
		fprintf(stderr, "label_bench: %ld of %ld signatures did not verify\n", n - ok, n);
		return 1;
	}
	uint8_t key[32], h[32];
	randombytes_buf(key, sizeof key);
	t0 = now_s();
	for (long i = 0; i < n; i++)
		crypto_generichash(h, sizeof h, (const unsigned char *)payload[i],
				   strlen(payload[i]), key, sizeof key);
	double hash_s = now_s() - t0;
	char url[LABEL_URL_MAX];
	label_url("https://gloves.example.cn", f.serial, payload[0], sig[0], url, sizeof url);
	printf("labels: %ld signed and verified; payload %zu bytes, QR URL %zu characters\n", n,
	       strlen(payload[0]), strlen(url));
	printf("  sign   %8.2f us/label  (%.1f x the BLAKE2b baseline)\n", sign_s / (double)n * 1e6,
	       sign_s / hash_s);
	printf("  verify %8.2f us/label  (%.1f x the BLAKE2b baseline)\n",
	       verify_s / (double)n * 1e6, verify_s / hash_s);
	printf("  BLAKE2b baseline %.2f us\n", hash_s / (double)n * 1e6);

	/* PDFs: a sheet of carton labels is 6, of bag labels 24; tickets: 5 cells a row */
	long nl = 24 * sheets;
	label_print *lp = calloc((size_t)nl, sizeof *lp);
	ticket_bundle *tb = calloc((size_t)nl, sizeof *tb);
	ticket_op *ops = calloc((size_t)nl, sizeof *ops);
	char(*urls)[LABEL_URL_MAX] = calloc((size_t)nl, LABEL_URL_MAX);
	if (!lp || !tb || !ops || !urls)
		return 1;
	for (long i = 0; i < nl; i++) {
		label_fields g;
		label_payload_parse(payload[i], &g);
		label_url("https://gloves.example.cn", g.serial, payload[i], sig[i], urls[i],
			  LABEL_URL_MAX);
		lp[i] = (label_print){"嘉祥县宏达手套有限公司",
				      "SKI-01 成人滑雪手套",
				      "8",
				      "LOT-JX-01",
				      "2026-12-01",
				      "4X43C",
				      payload[i] + 15,
				      urls[i],
				      "",
				      12,
				      1};
		ops[i] = (ticket_op){1, "合缝", "104523-7-K3F9QZ"};
		tb[i] = (ticket_bundle){"嘉祥县宏达手套有限公司",
					"PO-1",
					"SKI-01",
					"8",
					(int)i + 1,
					20,
					"双",
					&ops[i],
					1};
	}
	for (long i = 0; i < nl; i++) /* the serial alone (payload + 15 runs to the end) */
		((char *)lp[i].serial)[LABEL_SERIAL_LEN] = '\0';
	static const char *const kinds[] = {"bag", "carton"};
	buf out;
	t0 = now_s();
	buf_init(&out, 256u << 20);
	if (ticket_pdf(tb, (size_t)nl, &out))
		return 1;
	double ticket_s = now_s() - t0;
	size_t ticket_bytes = out.len;
	buf_free(&out);
	printf("PDF of %ld QR codes: bundle tickets %.2f ms (%zu bytes) = baseline\n", nl,
	       ticket_s * 1e3, ticket_bytes);
	for (int k = 0; k < 2; k++) {
		for (long i = 0; i < nl; i++)
			lp[i].carton = k ? "LOT-JX-01-C001" : "";
		buf_init(&out, 256u << 20);
		t0 = now_s();
		if (label_pdf(lp, (size_t)nl, &out))
			return 1;
		double s = now_s() - t0;
		printf("  %-6s labels %.2f ms (%.2f ms a label, %.1f x the tickets), %zu bytes "
		       "(%zu a label)\n",
		       kinds[k], s * 1e3, s * 1e3 / (double)nl, s / ticket_s, out.len,
		       out.len / (size_t)nl);
		buf_free(&out);
		buf_init(&out, 256u << 20);
		t0 = now_s();
		if (label_zpl(lp, (size_t)nl, &out))
			return 1;
		printf("  %-6s ZPL    %.3f ms, %zu bytes (%zu a label)\n", kinds[k],
		       (now_s() - t0) * 1e3, out.len, out.len / (size_t)nl);
		buf_free(&out);
	}
	free(payload);
	free(sig);
	free(lp);
	free(tb);
	free(ops);
	free(urls);
	return 0;
}
