/* SPDX-License-Identifier: Apache-2.0 */
/* auth.c: who is asking. People log in with a password (argon2id) and
 * get a random session token, kept in an HttpOnly SameSite=Strict cookie or
 * sent as a bearer token; gateways send their gateway token. Only hashes
 * of tokens are stored. Repeated wrong passwords lock a user name for a
 * while. */
#include "http/http_int.h"
#include "util/err.h"
#include "util/ltime.h"
#include "util/secret.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#define LOCK_AFTER 5
#define LOCK_MS    (5 * 60 * 1000)

static const char *bearer(http_req *r)
{
	const char *h =
	    MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (h && strncmp(h, "Bearer ", 7) == 0)
		return h + 7;
	return NULL;
}

void http__authenticate(http_req *r, store *db)
{
	r->role = ROLE_NONE;
	const char *tok = bearer(r);
	if (!tok)
		tok = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "gloved_session");
	if (!tok || strlen(tok) > SECRET_TOKEN_MAX || !db)
		return;
	uint8_t h[SECRET_HASH_LEN];
	secret_token_hash(tok, h);
	if (strncmp(tok, "gw_", 3) == 0) {
		store_gateway g;
		int rc = store_gateway_by_token(db, h, &g);
		if (rc == GLOVED_OK) {
			r->role = ROLE_GATEWAY;
			r->gateway_enterprise = g.enterprise_id;
			memcpy(r->gateway_name, g.name, sizeof r->gateway_name);
			r->scope.enterprise_id = g.enterprise_id;
		} else if (rc != GLOVED_ENOTFOUND) {
			r->auth_rc = rc;
		}
		return;
	}
	int64_t uid;
	int rc = store_session_get(db, h, ltime_now_ms(), &uid);
	if (rc == GLOVED_OK)
		rc = store_user_by_id(db, uid, &r->user);
	if (rc != GLOVED_OK) {
		if (rc != GLOVED_ENOTFOUND)
			r->auth_rc = rc;
		return;
	}
	memset(r->user.pw_hash, 0, sizeof r->user.pw_hash);
	/* the stored name becomes the enum here, once; an unknown name (none
	 * is ever stored) is no login */
	int ro = role_from_name(r->user.role);
	if (ro < 0)
		return;
	memcpy(r->session_hash, h, sizeof h);
	/* cluster roles see the whole cluster; every other role one firm */
	int cluster = role_is_cluster((role)ro);
	r->scope.enterprise_id = cluster ? 0 : r->user.enterprise_id;
	if (!cluster && r->scope.enterprise_id == 0)
		return; /* a firm role without a firm sees nothing */
	/* the bureau, the association and town officers see aggregates only;
	 * a town officer only its town (without one, nothing) */
	r->scope.aggregates = role_allowed(ROLES_AGGREGATES, (role)ro);
	if (ro == ROLE_TOWN_OFFICER) {
		if (!r->user.town[0])
			return;
		memcpy(r->scope.town, r->user.town, sizeof r->scope.town);
	}
	if (ro == ROLE_HOUSEHOLD && !r->user.household[0])
		return;
	r->role = (role)ro;
}

int http__is_cluster_admin(const http_req *r)
{
	return r->role == ROLE_CLUSTER_ADMIN;
}

int http__can_manage(const http_req *r, int64_t enterprise_id)
{
	if (http__is_cluster_admin(r))
		return 1;
	return r->role == ROLE_ENTERPRISE_ADMIN && r->user.enterprise_id == enterprise_id;
}

/* The slot of a user name: its own if it has one, else a free slot, else
 * the unlocked slot whose last failure is oldest (a locked name is never
 * evicted, so spraying other names cannot reset a lock). NULL when every
 * slot holds a locked name. Called with limit_mu held. */
static login_slot *slot_for(http_server *s, const char *user, int64_t now_ms, int create)
{
	login_slot *victim = NULL;
	for (int i = 0; i < LIMIT_SLOTS; i++) {
		login_slot *sl = &s->limits[i];
		if (sl->user[0] && strcmp(sl->user, user) == 0)
			return sl;
		if (!create || sl->locked_until_ms > now_ms)
			continue;
		if (!sl->user[0]) {
			if (!victim || victim->user[0])
				victim = sl;
		} else if (!victim ||
			   (victim->user[0] && sl->last_fail_ms < victim->last_fail_ms)) {
			victim = sl;
		}
	}
	if (victim) {
		memset(victim, 0, sizeof *victim);
		snprintf(victim->user, sizeof victim->user, "%s", user);
	}
	return victim;
}

int http__login_locked(http_server *s, const char *key, int64_t now_ms)
{
	pthread_mutex_lock(&s->limit_mu);
	login_slot *sl = slot_for(s, key, now_ms, 0);
	int locked = sl && sl->locked_until_ms > now_ms;
	pthread_mutex_unlock(&s->limit_mu);
	return locked;
}

void http__login_result(http_server *s, const char *key, int ok, int64_t now_ms)
{
	pthread_mutex_lock(&s->limit_mu);
	login_slot *sl = slot_for(s, key, now_ms, !ok);
	if (ok) {
		if (sl)
			memset(sl, 0, sizeof *sl);
	} else if (sl) {
		if (now_ms - sl->last_fail_ms > LOCK_MS)
			sl->fails = 0;
		sl->last_fail_ms = now_ms;
		int64_t after = key[0] == '@' ? s->app.cfg->address_fails : LOCK_AFTER;
		if (++sl->fails >= after && after > 0)
			sl->locked_until_ms = now_ms + LOCK_MS;
	}
	pthread_mutex_unlock(&s->limit_mu);
}

/* addr's slot among those in flight, a free one made addr's, or NULL when
 * all are taken (then addr goes unlimited: LIMIT_SLOTS addresses at once
 * are already more than the password checks' queue). */
static hash_slot *hash_slot_for(http_server *s, const char *addr)
{
	hash_slot *free_sl = NULL;
	for (int i = 0; i < LIMIT_SLOTS; i++) {
		if (s->hashing[i].n > 0 && strcmp(s->hashing[i].addr, addr) == 0)
			return &s->hashing[i];
		if (!free_sl && s->hashing[i].n == 0)
			free_sl = &s->hashing[i];
	}
	if (free_sl)
		snprintf(free_sl->addr, sizeof free_sl->addr, "%s", addr);
	return free_sl;
}

int http__hash_enter(http_server *s, const char *addr)
{
	int64_t most = s->app.cfg->password_hashes > 1 ? s->app.cfg->password_hashes - 1 : 1;
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	int64_t wait = s->app.cfg->password_wait_ms;
	until.tv_sec += (time_t)(wait / 1000);
	until.tv_nsec += (long)(wait % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	int ok = 1;
	pthread_mutex_lock(&s->limit_mu);
	hash_slot *sl = hash_slot_for(s, addr);
	while (sl && sl->n >= most) {
		if (pthread_cond_timedwait(&s->hash_cv, &s->limit_mu, &until) == ETIMEDOUT) {
			ok = 0;
			break;
		}
		sl = hash_slot_for(s, addr); /* the slot may have been freed and reused */
	}
	if (ok && sl)
		sl->n++;
	pthread_mutex_unlock(&s->limit_mu);
	return ok;
}

void http__hash_leave(http_server *s, const char *addr)
{
	pthread_mutex_lock(&s->limit_mu);
	for (int i = 0; i < LIMIT_SLOTS; i++)
		if (s->hashing[i].n > 0 && strcmp(s->hashing[i].addr, addr) == 0) {
			s->hashing[i].n--;
			break;
		}
	pthread_cond_broadcast(&s->hash_cv);
	pthread_mutex_unlock(&s->limit_mu);
}

void http__client_addr(http_req *r, char *out, size_t n)
{
	snprintf(out, n, "?");
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
			  (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  out, (socklen_t)n);
}

int http__client_net(http_req *r, uint8_t out[17])
{
	memset(out, 0, 17);
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return -1;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		out[0] = 4;
		memcpy(out + 1, &in->sin_addr, 3); /* the /24 */
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(in6->sin6_addr.s6_addr, mapped, 12) == 0) {
			out[0] = 4;
			memcpy(out + 1, in6->sin6_addr.s6_addr + 12, 3);
		} else {
			out[0] = 6;
			memcpy(out + 1, in6->sin6_addr.s6_addr, 6); /* the /48 */
		}
		return 0;
	}
	return -1;
}

/* One minute windows per client address; the slot of an address is its
 * own, else a free one, else the one whose window is oldest. */
int http__public_allow(http_req *r, enum MHD_Result *ret)
{
	http_server *s = r->srv;
	int64_t limit = s->app.cfg->public_rate;
	if (limit <= 0)
		return 1;
	char addr[48];
	http__client_addr(r, addr, sizeof addr);
	int64_t now = ltime_mono_ms();
	pthread_mutex_lock(&s->public_mu);
	public_slot *sl = NULL, *victim = NULL;
	for (int i = 0; i < LIMIT_SLOTS && !sl; i++) {
		public_slot *x = &s->publics[i];
		if (x->addr[0] && strcmp(x->addr, addr) == 0)
			sl = x;
		else if (!victim || !x->addr[0] ||
			 (victim->addr[0] && x->window_ms < victim->window_ms))
			victim = x;
	}
	if (!sl) {
		sl = victim;
		memset(sl, 0, sizeof *sl);
		snprintf(sl->addr, sizeof sl->addr, "%s", addr);
		sl->window_ms = now;
	}
	if (now - sl->window_ms >= 60000) {
		sl->window_ms = now;
		sl->count = 0;
	}
	int ok = ++sl->count <= limit;
	int64_t wait_s = (sl->window_ms + 60000 - now + 999) / 1000;
	pthread_mutex_unlock(&s->public_mu);
	if (!ok) {
		char retry[24];
		snprintf(retry, sizeof retry, "%lld", (long long)(wait_s > 0 ? wait_s : 1));
		r->retry_after_s = wait_s > 0 ? wait_s : 1;
		*ret = http__reply_error(r, 429, "too_many_requests", -1,
					 "too many requests from this address: at most %lld a "
					 "minute; try again in %s s",
					 (long long)limit, retry);
	}
	return ok;
}
