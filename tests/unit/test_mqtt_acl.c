/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the broker credentials (src/ingest/mqtt_acl.c): the "$7$"
 * password-file hash is PBKDF2-HMAC-SHA512 (checked against values from
 * Python's hashlib.pbkdf2_hmac), broker user names are safe for mosquitto's
 * files, and mqtt_acl_write writes the three files for a real store.
 * tests/integration/mqtt_acl.test.mjs shows mosquitto accepting them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/mqtt_acl.h"
#include "store/store.h"
#include "util/secret.h"

static void test_hash_vectors(void **state)
{
	(void)state;
	char out[256];
	const unsigned char salt[] = "salt";
	assert_int_equal(mqtt_acl_hash("password", salt, 4, 1, out, sizeof out), 0);
	assert_string_equal(out,
			    "$7$1$c2FsdA==$hn9wzxreAs/zdSWZo6U9xK80x6ZpgVrl1RNVThyM8lLALUcKKFoFA"
			    "brZmb/pQ8CPBQI119aLHaVeY/c7YKV/zg==");
	assert_int_equal(mqtt_acl_hash("password", salt, 4, 101, out, sizeof out), 0);
	assert_string_equal(out,
			    "$7$101$c2FsdA==$CJmx+PEs0VeoH8TMH48EbxrB9fczoFNLJu6/NOlEFdDjmDk4538O"
			    "IFtWiTegyeIXksRqaUSrobMKsUGGoRfn8g==");
	assert_int_equal(mqtt_acl_hash("password", salt, 4, 101, out, 20), -1);
	assert_int_equal(mqtt_acl_hash("password", salt, 4, 0, out, sizeof out), -1);
}

static void test_user_names(void **state)
{
	(void)state;
	char u[64];
	store_gateway g = {1, 1, "gw 1:a/b#"};
	mqtt_acl_user("PY01", &g, u, sizeof u);
	assert_string_equal(u, "PY01.gw_1_a_b_");
	store_gateway h = {2, 1, "gw-2.x_y"};
	mqtt_acl_user("PY01", &h, u, sizeof u);
	assert_string_equal(u, "PY01.gw-2.x_y");
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *buf = calloc(1, 65536);
	assert_non_null(buf);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_write_files(void **state)
{
	(void)state;
	char dir[] = "/tmp/gloved-acl-XXXXXX";
	char db_path[128], out[160], p[200];
	assert_non_null(mkdtemp(dir));
	snprintf(db_path, sizeof db_path, "%s/g.db", dir);
	snprintf(out, sizeof out, "%s/broker", dir);
	store_options so = {1};
	store *db = NULL;
	assert_int_equal(store_open(db_path, STORE_WRITE, &so, &db), 0);
	store_scope all = {0};
	store_enterprise a = {0, "PY01", "A", ""}, b = {0, "GM01", "B", ""};
	assert_int_equal(store_enterprise_add(db, all, &a), 0);
	assert_int_equal(store_enterprise_add(db, all, &b), 0);
	uint8_t h[SECRET_HASH_LEN] = {1};
	store_gateway g1 = {0, a.id, "gw"}, g2 = {0, a.id, "gw"}, g3 = {0, b.id, "gw"};
	assert_int_equal(store_gateway_add(db, all, &g1, h), 0);
	h[0] = 2;
	assert_int_equal(store_gateway_add(db, all, &g2, h), 0);
	h[0] = 3;
	assert_int_equal(store_gateway_add(db, all, &g3, h), 0);

	size_t n = 0;
	assert_int_equal(mqtt_acl_write(db, out, "gloved", &n), 0);
	assert_int_equal(n, 4);
	snprintf(p, sizeof p, "%s/credentials.txt", out);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *cred = slurp(p);
	assert_non_null(strstr(cred, "\ngloved "));
	assert_non_null(strstr(cred, "\nPY01.gw "));
	char same[64];
	snprintf(same, sizeof same, "\nPY01.gw.%lld ", (long long)g2.id);
	assert_non_null(strstr(cred, same)); /* the same name twice: made unique */
	assert_non_null(strstr(cred, "\nGM01.gw "));
	snprintf(p, sizeof p, "%s/acl", out);
	char *acl = slurp(p);
	assert_non_null(strstr(acl, "user gloved\ntopic read #\n"));
	assert_non_null(strstr(
	    acl, "user GM01.gw\ntopic write gloved/v1/GM01/#\ntopic readwrite spBv1.0/GM01/#\n"));
	snprintf(p, sizeof p, "%s/passwd", out);
	char *pw = slurp(p);
	assert_non_null(strstr(pw, "gloved:$7$101$"));
	assert_non_null(strstr(pw, "\nPY01.gw:$7$101$"));
	/* no clear password in passwd */
	char *line = strstr(cred, "\nGM01.gw ");
	char word[128] = "";
	sscanf(line + 1, "%*s %127s", word);
	assert_true(strlen(word) > 20);
	assert_null(strstr(pw, word));
	free(cred);
	free(acl);
	free(pw);
	store_close(db);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	if (secret_init())
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hash_vectors),
	    cmocka_unit_test(test_user_names),
	    cmocka_unit_test(test_write_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
