// SPDX-License-Identifier: MIT
/*
 * test_l3_ctl.c - the "route", "neigh" and "udp" control commands
 */
#include <errno.h>
#include <stdlib.h>

#include "ctl.h"
#include "fake_l3.h"
#include "testutil.h"

TestSuite(l3_ctl, .init = l3_setup, .fini = l3_teardown);

static char *call(const char *req)
{
	size_t n;
	char *r = ctl_handle(&l3_eng, req, strlen(req), &n);

	cr_assert_not_null(r);
	return r;
}

static void expect(const char *req, const char *needle)
{
	char *r = call(req);

	cr_assert(strstr(r, needle), "%s -> %s", req, r);
	free(r);
}

/* `nsctl route add/del/list` reach the FIB with kernel errno values. */
Test(l3_ctl, route_add_list_del)
{
	expect("{\"cmd\":\"route\",\"args\":{\"op\":\"add\",\"dst\":"
	       "\"default\","
	       "\"via\":\"192.0.2.1\"}}",
	       "\"ok\":true");
	expect("{\"cmd\":\"route\",\"args\":{\"op\":\"add\",\"dst\":"
	       "\"default\","
	       "\"via\":\"192.0.2.1\"}}",
	       "\"errno\":17");
	expect("{\"cmd\":\"route\",\"args\":{\"op\":\"add\",\"dst\":\"10.0.0.0/"
	       "8\","
	       "\"via\":\"203.0.113.1\"}}",
	       "\"errno\":101");
	expect("{\"cmd\":\"route\",\"args\":{}}", "\"gateway\":\"192.0.2.1\"");
	expect("{\"cmd\":\"route\",\"args\":{\"op\":\"del\",\"dst\":"
	       "\"default\"}}",
	       "\"ok\":true");
	expect("{\"cmd\":\"route\",\"args\":{\"op\":\"del\",\"dst\":"
	       "\"default\"}}",
	       "\"errno\":3");
}

/* `nsctl neigh add/list/del/flush`. */
Test(l3_ctl, neigh_add_list_del)
{
	expect("{\"cmd\":\"neigh\",\"args\":{\"op\":\"add\",\"addr\":"
	       "\"192.0.2.1\",\"lladdr\":\"02:00:00:00:00:01\",\"dev\":\"fk0\"}"
	       "}",
	       "\"ok\":true");
	expect("{\"cmd\":\"neigh\",\"args\":{\"op\":\"list\"}}", "PERMANENT");
	expect("{\"cmd\":\"neigh\",\"args\":{\"op\":\"del\",\"addr\":"
	       "\"192.0.2.1\",\"dev\":\"fk0\"}}",
	       "\"ok\":true");
	expect("{\"cmd\":\"neigh\",\"args\":{\"op\":\"del\",\"addr\":"
	       "\"192.0.2.1\",\"dev\":\"fk0\"}}",
	       "\"errno\":2");
	expect("{\"cmd\":\"neigh\",\"args\":{\"op\":\"flush\"}}",
	       "\"ok\":true");
	expect("{\"cmd\":\"udp\",\"args\":{}}", "\"ok\":true");
}
