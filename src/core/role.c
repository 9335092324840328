/* SPDX-License-Identifier: Apache-2.0 */
/* role.c: the names of the roles and the tests on role masks (role.h). The
 * names are what the user table stores and what the API shows, so they never
 * change. */
#include "core/role.h"

#include <string.h>

static const char *const names[ROLE_COUNT] = {
    [ROLE_NONE] = "none",
    [ROLE_CLUSTER_ADMIN] = "cluster_admin",
    [ROLE_BUREAU] = "bureau",
    [ROLE_ASSOCIATION] = "association",
    [ROLE_ENTERPRISE_ADMIN] = "enterprise_admin",
    [ROLE_SUPERVISOR] = "supervisor",
    [ROLE_INSPECTOR] = "inspector",
    [ROLE_WORKER] = "worker",
    [ROLE_TOWN_OFFICER] = "town_officer",
    [ROLE_HOUSEHOLD] = "household",
    [ROLE_GATEWAY] = "gateway",
};

int role_from_name(const char *name)
{
	if (!name)
		return -1;
	for (int r = ROLE_CLUSTER_ADMIN; r < ROLE_COUNT; r++)
		if (ROLE_BIT(r) & ROLES_ANY_USER && strcmp(names[r], name) == 0)
			return r;
	return -1;
}

const char *role_name(role r)
{
	if ((unsigned)r >= ROLE_COUNT)
		return "?";
	return names[r];
}

int role_is_cluster(role r)
{
	return role_allowed(ROLES_CLUSTER, r);
}

int role_is_firm(role r)
{
	return role_allowed(ROLES_FIRM, r);
}

int role_allowed(role_mask mask, role r)
{
	return (unsigned)r < ROLE_COUNT && (mask & ROLE_BIT(r)) != 0;
}
