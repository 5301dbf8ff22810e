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

/* What nsctl sends: the words the user typed, read the way `ip` reads them. */
Test(l3_ctl, route_and_neigh_take_ip_style_words)
{
	expect("{\"cmd\":\"route\",\"args\":{\"argv\":[\"add\","
	       "\"198.51.100.0/24\",\"via\",\"192.0.2.1\",\"dev\",\"fk0\"]}}",
	       "\"ok\":true");
	expect("{\"cmd\":\"route\",\"args\":{\"argv\":[\"show\"]}}",
	       "\"dst\":\"198.51.100.0\\/24\"");
	expect("{\"cmd\":\"route\",\"args\":{\"argv\":[\"del\","
	       "\"198.51.100.0/24\"]}}",
	       "\"ok\":true");
	expect("{\"cmd\":\"route\",\"args\":{\"argv\":[\"del\","
	       "\"198.51.100.0/24\"]}}",
	       "\"errno\":3");
	expect("{\"cmd\":\"route\",\"args\":{\"argv\":[\"add\","
	       "\"198.51.100.0/24\",\"via\"]}}",
	       "via needs a value");
	expect("{\"cmd\":\"neigh\",\"args\":{\"argv\":[\"add\",\"192.0.2.9\","
	       "\"lladdr\",\"02:00:00:00:00:09\",\"dev\",\"fk0\"]}}",
	       "\"ok\":true");
	expect("{\"cmd\":\"neigh\",\"args\":{\"argv\":[\"add\",\"192.0.2.9\","
	       "\"lladdr\",\"02:00:00:00:00:0a\",\"dev\",\"fk0\",\"replace\"]}"
	       "}",
	       "\"ok\":true");
	expect("{\"cmd\":\"neigh\",\"args\":{\"argv\":[]}}",
	       "02:00:00:00:00:0a");
	expect("{\"cmd\":\"neigh\",\"args\":{\"argv\":[\"flush\",\"dev\","
	       "\"fk0\"]}}",
	       "\"ok\":true");
	expect("{\"cmd\":\"neigh\",\"args\":{\"argv\":[\"del\",\"192.0.2.9\","
	       "\"dev\",\"fk0\"]}}",
	       "\"ok\":true");
}

/* `nsctl route add/del` with IPv6 prefixes: on-link by dev, a link-local
 * gateway only with dev, a global gateway must be on-link, del without
 * via/dev takes the static route to the prefix. */
Test(l3_ctl, route6_add_list_del)
{
	expect("{\"cmd\":\"route\",\"args\":{\"argv\":[\"add\","
	       "\"2001:db8:2::/64\",\"dev\",\"fk0\"]}}",
	       "\"ok\":true");
	expect("{\"cmd\":\"route\",\"args\":{}}",
	       "\"dst\":\"2001:db8:2::\\/64\"");
	expect("{\"cmd\":\"route\",\"args\":{\"argv\":[\"add\","
	       "\"2001:db8:3::/64\",\"via\",\"fe80::1\"]}}",
	       "\"errno\":22");
	expect("{\"cmd\":\"route\",\"args\":{\"argv\":[\"add\","
	       "\"2001:db8:3::/64\",\"via\",\"fe80::1\",\"dev\",\"fk0\"]}}",
	       "\"ok\":true");
	expect("{\"cmd\":\"route\",\"args\":{\"argv\":[\"add\","
	       "\"2001:db8:4::/64\",\"via\",\"2001:db8:2::1\"]}}",
	       "\"ok\":true");
	expect("{\"cmd\":\"route\",\"args\":{}}",
	       "\"gateway\":\"2001:db8:2::1\"");
	expect("{\"cmd\":\"route\",\"args\":{\"argv\":[\"add\","
	       "\"2001:db8:5::/64\",\"via\",\"2001:db8:9::1\"]}}",
	       "\"errno\":101");
	expect("{\"cmd\":\"route\",\"args\":{\"argv\":[\"add\","
	       "\"2001:db8::/200\",\"dev\",\"fk0\"]}}",
	       "\"errno\":22");
	expect("{\"cmd\":\"route\",\"args\":{\"argv\":[\"del\","
	       "\"2001:db8:3::/64\"]}}",
	       "\"ok\":true");
	expect("{\"cmd\":\"route\",\"args\":{\"argv\":[\"del\","
	       "\"2001:db8:3::/64\"]}}",
	       "\"errno\":3");
	expect("{\"cmd\":\"route\",\"args\":{\"argv\":[\"add\",\"default\","
	       "\"via\",\"fe80::1\",\"dev\",\"fk0\"]}}",
	       "\"ok\":true");
	expect("{\"cmd\":\"route\",\"args\":{}}", "\"dst\":\"default\"");
}
