/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_report.c: libFuzzer target for the JSON report parser
 * (ingest/report.c, report_parse_body), the code every HTTP and MQTT
 * message goes through before anything is stored. At start it creates a
 * temporary SQLite store with two enterprises and three machines (64- and
 * 16-bit counters, one machine of the other firm) and loads the registry
 * from it, as the daemon does. The first input byte chooses the mode: bit 0
 * the MQTT topic-machine mode (the topic names K001), bit 1 whether the
 * parser may refresh the registry from the store on an unknown machine,
 * bits 2-3 the record limit (1, 3, 100, 10000). The rest is the body, as an
 * array or NDJSON: the scanner decides from the bytes. Besides the
 * sanitizers it checks the parser's contract: on success every record is
 * a registered machine of the sender's firm with a valid state and counters
 * within the machine's width, and no more records than the limit; on error
 * nothing is returned and the message is a NUL-terminated string. See
 * docs/fuzzing.md. */
#include "core/state.h"
#include "app/registry.h"
#include "ingest/report.h"
#include "store/store.h"
#include "util/err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOW_MS 1764400000000LL

static store *db;
static registry *reg;
static int64_t ent_a;
static int64_t m64, m16;

static void cleanup(void)
{
	registry_free(reg);
	store_close(db);
}

static int setup(void)
{
	char dir[] = "/tmp/gloved-fuzz-report.XXXXXX";
	if (!mkdtemp(dir))
		return -1;
	char path[96], p2[112];
	snprintf(path, sizeof path, "%s/registry.db", dir);
	store_options o = {0};
	if (store_open(path, STORE_WRITE, &o, &db))
		return -1;
	store_scope all = {0};
	store_enterprise a = {0, "PY01", "A", ""}, b = {0, "GM01", "B", ""};
	if (store_enterprise_add(db, all, &a) || store_enterprise_add(db, all, &b))
		return -1;
	ent_a = a.id;
	store_workshop wa = {0, a.id, "W1", "w"}, wb = {0, b.id, "W1", "w"};
	if (store_workshop_add(db, all, &wa) || store_workshop_add(db, all, &wb))
		return -1;
	store_machine k1 = {0, a.id, wa.id, "K001", "knitting", 13, 120000, 64};
	store_machine k16 = {0, a.id, wa.id, "K016", "knitting", 13, 120000, 16};
	store_machine o1 = {0, b.id, wb.id, "B001", "knitting", 13, 120000, 64};
	if (store_machine_add(db, all, &k1) || store_machine_add(db, all, &k16) ||
	    store_machine_add(db, all, &o1))
		return -1;
	m64 = k1.id;
	m16 = k16.id;
	reg = registry_new();
	if (!reg || registry_refresh(reg, db, 1))
		return -1;
	/* the open connection keeps the data; the files can go now */
	unlink(path);
	snprintf(p2, sizeof p2, "%s-wal", path);
	unlink(p2);
	snprintf(p2, sizeof p2, "%s-shm", path);
	unlink(p2);
	rmdir(dir);
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (setup()) {
		fprintf(stderr, "fuzz_report: cannot create the registry store\n");
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t limits[4] = {1, 3, 100, 10000};
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	report_ctx ctx = {reg,    (mode & 2) ? db : NULL,    ent_a, "PY01", NOW_MS,
			  300000, (mode & 1) ? "K001" : NULL};
	size_t max = limits[(mode >> 2) & 3];
	/* a copy of exactly the body's bytes, so that ASan sees any read past it */
	size_t len = size - 1;
	char *body = malloc(len ? len : 1);
	if (!body)
		return 0;
	memcpy(body, data + 1, len);
	ingest_record *recs = NULL;
	size_t n = 12345;
	report_error err;
	memset(&err, 0x5a, sizeof err);
	int rc = report_parse_body(&ctx, body, len, max, &recs, &n, &err);
	if (rc == GLOVED_OK) {
		if (n > max || (n > 0 && !recs))
			abort();
		for (size_t i = 0; i < n; i++) {
			const ingest_record *r = &recs[i];
			if (r->machine_id != m64 && r->machine_id != m16)
				abort(); /* not a machine of the sender's firm */
			if ((mode & 1) && r->machine_id != m64)
				abort(); /* not the topic's machine */
			if (r->state < MS_RUN || r->state > MS_OFF)
				abort();
			if (r->machine_id == m16 && (r->count >= 65536 || r->reject >= 65536))
				abort();
			if (r->ts_ms < 1000000000000LL || r->ts_ms > NOW_MS + 300000)
				abort();
			if (memchr(r->reason, '\0', sizeof r->reason) == NULL ||
			    memchr(r->worker, '\0', sizeof r->worker) == NULL)
				abort();
		}
	} else {
		if (recs || n != 0)
			abort();
		if (memchr(err.message, '\0', sizeof err.message) == NULL)
			abort();
		if (err.status != 400 && err.status != 404 && err.status != 413 &&
		    err.status != 500)
			abort();
	}
	free(recs);
	free(body);
	return 0;
}
