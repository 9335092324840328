/* SPDX-License-Identifier: Apache-2.0 */
/* role.h: who may call what. The roles of gloved's users (stored by name in
 * the user table), the gateway a token speaks for, and "nobody" for a request
 * without credentials; a route names the roles it admits as a bitmask of
 * ROLE_BIT()s, usually one of the named sets below. The role check of the
 * HTTP API is one test of that mask (src/http/router.c); docs/api.md
 * ("Roles") describes what each role may do. Pure logic, no I/O. */
#ifndef GLOVED_CORE_ROLE_H
#define GLOVED_CORE_ROLE_H

typedef enum role {
	ROLE_NONE = 0,         /* no credentials (or no valid ones): public routes only */
	ROLE_CLUSTER_ADMIN,    /* the cluster's administrator: every firm, every write */
	ROLE_BUREAU,           /* SME bureau: reads the whole cluster */
	ROLE_ASSOCIATION,      /* the glove association: reads the cluster, runs the brand */
	ROLE_TOWN_OFFICER,     /* a town's officer: the cluster's views of one town's firms */
	ROLE_ENTERPRISE_ADMIN, /* manages one firm */
	ROLE_SUPERVISOR,       /* runs one firm's shop floor */
	ROLE_INSPECTOR,        /* a firm's quality inspector: lots, inspections, tests, labels */
	ROLE_WORKER,           /* a firm's worker: scans bundle tickets */
	ROLE_HOUSEHOLD,        /* a household outworker of one firm: its bundles and pay */
	ROLE_GATEWAY,          /* a gateway token of one firm: sends reports */
	ROLE_COUNT
} role;

typedef unsigned role_mask;

#define ROLE_BIT(r) (1u << (unsigned)(r))
/* Users who see the whole cluster. */
#define ROLES_CLUSTER                                                                              \
	(ROLE_BIT(ROLE_CLUSTER_ADMIN) | ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ASSOCIATION) |       \
	 ROLE_BIT(ROLE_TOWN_OFFICER))
/* Cluster readers who see aggregates only, never a firm's private records
 * (orders, buyers, prices, wages, workers): the store refuses those to
 * their scope (store_scope.aggregates). */
#define ROLES_AGGREGATES                                                                           \
	(ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ASSOCIATION) | ROLE_BIT(ROLE_TOWN_OFFICER))
/* The cluster's own views (statistics, plan, cockpit, programme). */
#define ROLES_CLUSTER_VIEW ROLES_CLUSTER
/* Who writes the statistics forms and the development plan. */
#define ROLES_BUREAU_WRITE (ROLE_BIT(ROLE_CLUSTER_ADMIN) | ROLE_BIT(ROLE_BUREAU))
/* Who writes the upgrading programme. */
#define ROLES_PROGRAMME                                                                            \
	(ROLE_BIT(ROLE_CLUSTER_ADMIN) | ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ASSOCIATION))
/* Users who belong to one firm. */
#define ROLES_FIRM                                                                                 \
	(ROLE_BIT(ROLE_ENTERPRISE_ADMIN) | ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_INSPECTOR) |  \
	 ROLE_BIT(ROLE_WORKER) | ROLE_BIT(ROLE_HOUSEHOLD))
/* Every logged-in person (not a gateway). */
#define ROLES_ANY_USER (ROLES_CLUSTER | ROLES_FIRM)
/* Logged-in people who read the dashboard: all but workers, households
 * and town officers (who read the cluster's views of their town only). */
#define ROLES_READERS                                                                              \
	(ROLES_ANY_USER &                                                                          \
	 ~(ROLE_BIT(ROLE_WORKER) | ROLE_BIT(ROLE_HOUSEHOLD) | ROLE_BIT(ROLE_TOWN_OFFICER)))
/* Who reads a firm's private records (orders, styles and rates, workers,
 * wages, households, scans, suppliers): the cluster admin and the firm's
 * own readers. */
#define ROLES_FIRM_PRIVATE (ROLES_READERS & ~ROLES_AGGREGATES)
/* Logged-in people who write the shop floor: all but workers, the read-only
 * bureau, the association (which writes the brand only: ROLES_BRAND) and
 * the inspector (which writes quality only: ROLES_QUALITY). */
#define ROLES_WRITERS                                                                              \
	(ROLES_READERS &                                                                           \
	 ~(ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ASSOCIATION) | ROLE_BIT(ROLE_INSPECTOR)))
/* Who writes a firm's quality records (lots, inspections, tests, labels). */
#define ROLES_QUALITY (ROLES_WRITERS | ROLE_BIT(ROLE_INSPECTOR))
/* Who runs the regional brand (licences, audits, clone flags). */
#define ROLES_BRAND (ROLE_BIT(ROLE_CLUSTER_ADMIN) | ROLE_BIT(ROLE_ASSOCIATION))
/* The admins: the cluster's, and a firm's (of its own firm). */
#define ROLES_ADMINS (ROLE_BIT(ROLE_CLUSTER_ADMIN) | ROLE_BIT(ROLE_ENTERPRISE_ADMIN))
/* Everyone, with or without credentials. */
#define ROLES_PUBLIC ((1u << (unsigned)ROLE_COUNT) - 1u)

/* The role of a stored name ("cluster_admin", "bureau", "association",
 * "enterprise_admin", "supervisor", "inspector", "worker", "town_officer",
 * "household"); -1 for NULL or any other name,
 * "gateway" and "none" included (no user has those). */
int role_from_name(const char *name);
/* The name of r ("none" and "gateway" for those two); "?" out of range.
 * Static storage. */
const char *role_name(role r);
/* 1 when r is a user role of the whole cluster, 0 otherwise. */
int role_is_cluster(role r);
/* 1 when r is a user role of one firm, 0 otherwise. */
int role_is_firm(role r);
/* 1 when mask admits r, 0 otherwise (also for r out of range). */
int role_allowed(role_mask mask, role r);

#endif
