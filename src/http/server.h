/* SPDX-License-Identifier: Apache-2.0 */
/* server.h: gloved's HTTP side: the REST/JSON API under /api/v1/, the
 * live feed (server-sent events), /healthz, /metrics and the dashboard's
 * static files, on libmicrohttpd with one thread per connection (so a
 * request may block waiting for its group commit or for live updates
 * without holding up others). */
#ifndef GLOVED_HTTP_SERVER_H
#define GLOVED_HTTP_SERVER_H

#include "app/brand_key.h"
#include "app/fleet.h"
#include "app/live.h"
#include "app/registry.h"
#include "app/writer.h"
#include "ingest/mqtt.h"
#include "ingest/sparkplug.h"
#include "util/config.h"

#include <stdio.h>

typedef struct http_app {
	const gloved_config *cfg;
	registry *reg;
	live *lv;
	writer *w;
	mqtt_ingest *mqtt; /* NULL when MQTT is disabled */
	fleet *fleet;
	const brand_key *key; /* signs labels; NULL: no labels (tests of other parts) */
	sparkplug_host *spb;  /* NULL when Sparkplug is disabled */
} http_app;

typedef struct http_server http_server;

/* Listens on cfg->listen. Returns GLOVED_OK and *out, or an error (message
 * logged) when the address cannot be bound. */
int http_start(const http_app *app, http_server **out);
/* The port actually bound (useful with port 0). */
int http_port(http_server *s);
/* Writes the API's route table to out as JSON: {"roles": [every role
 * name], "routes": [{"method", "path", "roles": [the role names it
 * admits; "none" for a public route]}]}. GLOVED_OK or GLOVED_EIO/ENOMEM. */
int http_routes_json(FILE *out);
/* Stops accepting, ends live feeds, waits for open requests. NULL is fine. */
void http_stop(http_server *s);

#endif
