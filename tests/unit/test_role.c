/* SPDX-License-Identifier: Apache-2.0 */
/* test_role.c: the roles (core/role.c): every user role's name round-trips
 * and is the name the user table stores, unknown or non-user names are
 * refused, and the named sets admit exactly the roles the API promises
 * (docs/api.md, "Roles"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/role.h"

static void test_names_round_trip(void **state)
{
	(void)state;
	static const char *const stored[] = {"cluster_admin", "bureau",           "association",
					     "town_officer",  "enterprise_admin", "supervisor",
					     "inspector",     "worker",           "household"};
	for (size_t i = 0; i < sizeof stored / sizeof stored[0]; i++) {
		int r = role_from_name(stored[i]);
		assert_true(r > ROLE_NONE);
		assert_string_equal(role_name((role)r), stored[i]);
	}
	for (int r = ROLE_CLUSTER_ADMIN; r < ROLE_GATEWAY; r++)
		assert_int_equal(role_from_name(role_name((role)r)), r);
	assert_string_equal(role_name(ROLE_GATEWAY), "gateway");
	assert_string_equal(role_name(ROLE_NONE), "none");
	assert_string_equal(role_name(ROLE_COUNT), "?");
	assert_string_equal(role_name((role)-1), "?");
}

static void test_unknown_names_refused(void **state)
{
	(void)state;
	assert_int_equal(role_from_name(NULL), -1);
	assert_int_equal(role_from_name(""), -1);
	assert_int_equal(role_from_name("admin"), -1);
	assert_int_equal(role_from_name("Worker"), -1);
	assert_int_equal(role_from_name("worker "), -1);
	assert_int_equal(role_from_name("supervisors"), -1);
	/* no user is a gateway or nobody */
	assert_int_equal(role_from_name("gateway"), -1);
	assert_int_equal(role_from_name("none"), -1);
	assert_int_equal(role_from_name("?"), -1);
}

static void test_sets(void **state)
{
	(void)state;
	assert_true(role_is_cluster(ROLE_CLUSTER_ADMIN));
	assert_true(role_is_cluster(ROLE_BUREAU));
	assert_true(role_is_cluster(ROLE_ASSOCIATION));
	assert_true(role_is_firm(ROLE_INSPECTOR));
	assert_false(role_is_cluster(ROLE_ENTERPRISE_ADMIN));
	assert_false(role_is_cluster(ROLE_GATEWAY));
	assert_true(role_is_firm(ROLE_ENTERPRISE_ADMIN));
	assert_true(role_is_firm(ROLE_SUPERVISOR));
	assert_true(role_is_firm(ROLE_WORKER));
	assert_true(role_is_firm(ROLE_HOUSEHOLD));
	assert_true(role_is_cluster(ROLE_TOWN_OFFICER));
	assert_false(role_is_firm(ROLE_BUREAU));
	assert_false(role_is_firm(ROLE_NONE));
	for (int r = 0; r < ROLE_COUNT; r++) {
		int user = r != ROLE_NONE && r != ROLE_GATEWAY;
		assert_int_equal(role_allowed(ROLES_ANY_USER, (role)r), user);
		int reader =
		    user && r != ROLE_WORKER && r != ROLE_HOUSEHOLD && r != ROLE_TOWN_OFFICER;
		int aggregates_only =
		    r == ROLE_BUREAU || r == ROLE_ASSOCIATION || r == ROLE_TOWN_OFFICER;
		assert_int_equal(role_allowed(ROLES_READERS, (role)r), reader);
		assert_int_equal(role_allowed(ROLES_AGGREGATES, (role)r), aggregates_only);
		/* a firm's private records: never to the bureau, association or a town */
		assert_int_equal(role_allowed(ROLES_FIRM_PRIVATE, (role)r),
				 reader && !aggregates_only);
		assert_int_equal(role_allowed(ROLES_WRITERS, (role)r), reader && r != ROLE_BUREAU &&
									   r != ROLE_ASSOCIATION &&
									   r != ROLE_INSPECTOR);
		assert_int_equal(role_allowed(ROLES_BUREAU_WRITE, (role)r),
				 r == ROLE_CLUSTER_ADMIN || r == ROLE_BUREAU);
		assert_int_equal(role_allowed(ROLES_QUALITY, (role)r),
				 role_allowed(ROLES_WRITERS, (role)r) || r == ROLE_INSPECTOR);
		assert_int_equal(role_allowed(ROLES_BRAND, (role)r),
				 r == ROLE_CLUSTER_ADMIN || r == ROLE_ASSOCIATION);
		assert_int_equal(role_allowed(ROLES_ADMINS, (role)r),
				 r == ROLE_CLUSTER_ADMIN || r == ROLE_ENTERPRISE_ADMIN);
		assert_true(role_allowed(ROLES_PUBLIC, (role)r));
		assert_int_equal(role_is_cluster((role)r) + role_is_firm((role)r), user);
	}
	assert_false(role_allowed(ROLES_PUBLIC, ROLE_COUNT));
	assert_false(role_allowed(ROLES_PUBLIC, (role)-1));
	assert_true(role_allowed(ROLE_BIT(ROLE_GATEWAY), ROLE_GATEWAY));
	assert_false(role_allowed(ROLE_BIT(ROLE_GATEWAY), ROLE_CLUSTER_ADMIN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_round_trip),
	    cmocka_unit_test(test_unknown_names_refused),
	    cmocka_unit_test(test_sets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
