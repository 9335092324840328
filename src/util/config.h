/* SPDX-License-Identifier: Apache-2.0 */
/* config.h: gloved's settings. One table lists every option with its INI
 * section/key, its command-line flag, its type and its help text; the INI
 * file (inih) is read first and flags override it. gloved.ini.example at
 * the top of the repo documents every option. */
#ifndef GLOVED_UTIL_CONFIG_H
#define GLOVED_UTIL_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct gloved_config {
	char db_path[512];           /* [store] db */
	char db_sync[16];            /* [store] sync: full | normal */
	char instances[16];          /* [store] instances: one | several (PostgreSQL) */
	char listen[128];            /* [http] listen host:port */
	char web_root[512];          /* [http] web_root */
	char vendor_dir[512];        /* [http] vendor_dir (echarts dist) */
	int64_t max_body;            /* [http] max_body bytes */
	int64_t max_records;         /* [http] max_records per ingest request */
	int64_t http_threads;        /* [http] connection limit */
	int64_t http_per_address;    /* [http] connections_per_address (0: none) */
	int64_t http_pending;        /* [http] pending: connections awaiting a head */
	int64_t http_header_timeout; /* [http] header_timeout, s */
	int64_t http_idle_timeout;   /* [http] idle_timeout, s */
	int64_t session_hours;       /* [http] session lifetime */
	int64_t password_hashes;     /* [http] argon2id checks at once */
	int64_t password_wait_ms;    /* [http] wait for a turn at them */
	int64_t address_fails;       /* [http] failed logins locking an address */
	int64_t public_rate;         /* [http] public page requests a minute per address */
	char mqtt_host[128];         /* [mqtt] host */
	int64_t mqtt_port;           /* [mqtt] port */
	int64_t mqtt_enabled;        /* [mqtt] enabled 0/1 */
	char mqtt_username[64];      /* [mqtt] username */
	char mqtt_password[128];     /* [mqtt] password */
	char mqtt_client_id[96];     /* [mqtt] client_id ("": derived in serve.c) */
	char mqtt_share_group[64];   /* [mqtt] share_group ("": serve.c decides) */
	int64_t modbus_enabled;      /* [modbus] enabled 0/1 */
	int64_t spb_enabled;         /* [sparkplug] enabled 0/1 (needs [mqtt] enabled) */
	char spb_host_id[64];        /* [sparkplug] host_id */
	int64_t spb_reorder_ms;      /* [sparkplug] reorder_timeout_ms */
	char timezone[64];           /* [cluster] timezone */
	int64_t reorder_window_s;    /* [ingest] reorder_window */
	int64_t max_future_s;        /* [ingest] max_future */
	int64_t offline_after_s;     /* [ingest] offline_after */
	int64_t batch_max;           /* [writer] batch_max records per commit */
	int64_t batch_wait_ms;       /* [writer] batch_wait_ms */
	int64_t async_wait_ms;       /* [writer] async_wait_ms */
	int64_t rollup_flush_ms;     /* [writer] rollup_flush_ms */
	int64_t raw_days;            /* [retention] raw_days */
	int64_t minute_days;         /* [retention] minute_days */
	int64_t hour_days;           /* [retention] hour_days */
	int64_t day_days;            /* [retention] day_days */
	int64_t shift_days;          /* [retention] shift_days */
	char log_level[16];          /* [log] level */
	char brand_key_file[512];    /* [brand] key_file ("": <db>.brand.key) */
	char public_base[256];       /* [brand] public_base: the URL the label QR codes point at */
	int64_t clone_scans;         /* [brand] clone_scans: public scans that flag a label */
	int64_t clone_networks;      /* [brand] clone_networks: distinct networks that flag it */
} gloved_config;

/* Fills c with the defaults. */
void config_defaults(gloved_config *c);
/* Reads an INI file into c. On error writes a message naming the line to
 * err and returns GLOVED_EINVAL (or GLOVED_EIO when unreadable). */
int config_load_file(gloved_config *c, const char *path, char *err, size_t errlen);
/* Applies one command-line flag (without the leading "--"); value may be
 * NULL for boolean flags. Returns 1 when the flag is known and applied and
 * takes a value, 2 when it is known and takes no value, 0 when unknown,
 * GLOVED_EINVAL when the value is bad (message in err). */
int config_apply_flag(gloved_config *c, const char *flag, const char *value, char *err,
		      size_t errlen);
/* Checks cross-field rules (ranges, the time zone). */
int config_validate(const gloved_config *c, char *err, size_t errlen);
/* Prints every flag with its help text. */
void config_print_flags(FILE *out);

#endif
