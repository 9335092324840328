/* SPDX-License-Identifier: Apache-2.0 */
/* test_util.c: local time (days in Asia/Shanghai and across a daylight
 * saving change in Europe/Berlin, parsing of query times), the config
 * table (INI file, flags, validation) and buffers with their size cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/config.h"
#include "util/err.h"
#include "util/ltime.h"

static void test_shanghai_days(void **state)
{
	(void)state;
	assert_int_equal(ltime_set_zone("Asia/Shanghai"), 0);
	/* 2026-11-29 00:30 in Shanghai is 2026-11-28 16:30 UTC */
	int64_t ts = 1795883400000;                           /* 2026-11-28T16:30:00Z */
	assert_int_equal(ltime_day_start(ts), 1795881600000); /* 2026-11-28T16:00:00Z */
	char day[16];
	ltime_format_day(ts, day, sizeof day);
	assert_string_equal(day, "2026-11-29");
	assert_int_equal(ltime_next_day_start(ts) - ltime_day_start(ts), 86400000);
	int64_t p = 0;
	assert_int_equal(ltime_parse("2026-11-29", &p), 0);
	assert_int_equal(p, 1795881600000);
	assert_int_equal(ltime_parse("2026-11-29T08:00:00+08:00", &p), 0);
	assert_int_equal(p, 1795910400000);
	assert_int_equal(ltime_parse("2026-11-29T00:00:00Z", &p), 0);
	assert_int_equal(p, 1795910400000);
	assert_int_equal(ltime_parse("1795910400000", &p), 0);
	assert_int_equal(p, 1795910400000);
	assert_int_not_equal(ltime_parse("2026-13-01", &p), 0);
	assert_int_not_equal(ltime_parse("yesterday", &p), 0);
	assert_int_not_equal(ltime_parse("2026-11-29T25:00", &p), 0);
	assert_int_not_equal(ltime_set_zone("Mars/Olympus"), 0);
	assert_int_not_equal(ltime_set_zone("../../etc/passwd"), 0);
}

static void test_berlin_dst_day(void **state)
{
	(void)state;
	assert_int_equal(ltime_set_zone("Europe/Berlin"), 0);
	/* 2026-03-29 is 23 hours long in Berlin; 2026-10-25 is 25 */
	int64_t spring = 1774778400000; /* 2026-03-29T10:00:00Z */
	assert_int_equal(ltime_next_day_start(spring) - ltime_day_start(spring), 23 * 3600000LL);
	int64_t autumn = 1792922400000; /* 2026-10-25T10:00:00Z */
	assert_int_equal(ltime_next_day_start(autumn) - ltime_day_start(autumn), 25 * 3600000LL);
	assert_int_equal(ltime_set_zone("Asia/Shanghai"), 0);
}

static void test_config(void **state)
{
	(void)state;
	gloved_config c;
	config_defaults(&c);
	assert_string_equal(c.timezone, "Asia/Shanghai");
	assert_int_equal(c.reorder_window_s, 900);
	char err[300];
	char path[64];
	snprintf(path, sizeof path, "/tmp/gloved-test-config-%d.ini", (int)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("[http]\nlisten = 0.0.0.0:9000\n[ingest]\nreorder_window = 1200\n", f);
	fclose(f);
	assert_int_equal(config_load_file(&c, path, err, sizeof err), 0);
	assert_string_equal(c.listen, "0.0.0.0:9000");
	assert_int_equal(c.reorder_window_s, 1200);
	/* flags override the file */
	assert_int_equal(config_apply_flag(&c, "reorder-window", "600", err, sizeof err), 1);
	assert_int_equal(c.reorder_window_s, 600);
	assert_int_equal(config_apply_flag(&c, "no-mqtt", NULL, err, sizeof err), 2);
	assert_int_equal(c.mqtt_enabled, 0);
	assert_int_equal(config_apply_flag(&c, "reorder-window", "5", err, sizeof err),
			 GLOVED_EINVAL);
	assert_non_null(strstr(err, "reorder_window"));
	assert_int_equal(config_apply_flag(&c, "nonsense", "1", err, sizeof err), 0);
	f = fopen(path, "w");
	fputs("[http]\nlisten = 1.2.3.4:1\n[bogus]\nkey = 1\n", f);
	fclose(f);
	assert_int_equal(config_load_file(&c, path, err, sizeof err), GLOVED_EINVAL);
	assert_non_null(strstr(err, ":4"));
	assert_non_null(strstr(err, "bogus"));
	unlink(path);
	snprintf(c.db_sync, sizeof c.db_sync, "maybe");
	assert_int_equal(config_validate(&c, err, sizeof err), GLOVED_EINVAL);
	snprintf(c.db_sync, sizeof c.db_sync, "full");
	assert_int_equal(config_validate(&c, err, sizeof err), 0);
	/* several instances: only on PostgreSQL; a share group only with them */
	assert_string_equal(c.instances, "one");
	assert_int_equal(config_apply_flag(&c, "instances", "several", err, sizeof err), 1);
	assert_int_equal(config_validate(&c, err, sizeof err), GLOVED_EINVAL);
	assert_non_null(strstr(err, "PostgreSQL"));
	snprintf(c.db_path, sizeof c.db_path, "postgresql://gloved@db/gloved");
	assert_int_equal(config_validate(&c, err, sizeof err), 0);
	snprintf(c.mqtt_share_group, sizeof c.mqtt_share_group, "gloved");
	assert_int_equal(config_validate(&c, err, sizeof err), 0);
	snprintf(c.instances, sizeof c.instances, "one");
	assert_int_equal(config_validate(&c, err, sizeof err), GLOVED_EINVAL);
	assert_non_null(strstr(err, "instances = several"));
	snprintf(c.instances, sizeof c.instances, "many");
	assert_int_equal(config_validate(&c, err, sizeof err), GLOVED_EINVAL);
	assert_non_null(strstr(err, "one or several"));
}

static void test_buf_cap(void **state)
{
	(void)state;
	buf b;
	buf_init(&b, 10);
	assert_int_equal(buf_puts(&b, "12345"), 0);
	assert_int_equal(buf_printf(&b, "%d", 6789), 0);
	assert_string_equal(b.data, "123456789");
	assert_int_equal(buf_puts(&b, "ab"), GLOVED_ETOOBIG);
	assert_string_equal(b.data, "123456789");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shanghai_days),
	    cmocka_unit_test(test_berlin_dst_day),
	    cmocka_unit_test(test_config),
	    cmocka_unit_test(test_buf_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
