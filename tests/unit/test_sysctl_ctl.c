// SPDX-License-Identifier: MIT
/*
 * test_sysctl_ctl.c - `nsctl sysctl`: list, read, set with range checks,
 * all-or-nothing requests, and the congestion control default following
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctl.h"
#include "fake_l3.h"
#include "tcp.h"
#include "tcp_cc.h"
#include "testutil.h"

TestSuite(sysctl_ctl, .init = l3_setup, .fini = l3_teardown);

static void expect(const char *words, const char *needle)
{
	char req[512];
	size_t n;
	char *r;

	snprintf(req, sizeof(req),
		 "{\"cmd\":\"sysctl\",\"args\":{\"argv\":[%s]}}", words);
	r = ctl_handle(&l3_eng, req, strlen(req), &n);
	cr_assert_not_null(r);
	cr_assert(strstr(r, needle), "%s -> %s", req, r);
	free(r);
}

Test(sysctl_ctl, lists_every_tunable_with_linux_defaults)
{
	expect("", "\"name\":\"net.ipv4.ip_default_ttl\",\"value\":\"64\"");
	expect("", "\"name\":\"net.ipv4.tcp_rmem\",\"value\":"
		   "\"4096\\t131072\\t6291456\"");
	expect("", "\"name\":\"net.ipv4.neigh.default.ucast_solicit\"");
	expect("\"net.ipv4.tcp_sack\"", "\"value\":\"1\"");
}

Test(sysctl_ctl, sets_values_and_checks_ranges)
{
	expect("\"-w\",\"net.ipv4.ip_default_ttl=32\"", "\"value\":\"32\"");
	cr_assert_eq(l3_eng.sysctl.ip_default_ttl, 32);
	expect("\"net.ipv4.ip_default_ttl=0\"", "\"errno\":34");
	expect("\"net.ipv4.ip_default_ttl=256\"", "\"errno\":34");
	expect("\"net.ipv4.ip_default_ttl=12x\"", "\"errno\":22");
	expect("\"net.ipv4.ip_default_ttl=\"", "\"errno\":22");
	expect("\"net.ipv4.no_such_thing=1\"", "\"errno\":2");
	cr_assert_eq(l3_eng.sysctl.ip_default_ttl, 32);
	expect("\"net.ipv4.tcp_wmem=4096 65536 8388608\"",
	       "\"value\":\"4096\\t65536\\t8388608\"");
	cr_assert_eq(l3_eng.sysctl.tcp_wmem[2], 8388608);
	/* min <= default <= max, like Linux */
	expect("\"net.ipv4.tcp_wmem=8192 4096 8388608\"", "\"errno\":34");
	expect("\"net.ipv4.tcp_wmem=4096 65536\"", "\"errno\":22");
}

/* One bad assignment leaves every other one in the request undone. */
Test(sysctl_ctl, a_request_applies_all_or_nothing)
{
	expect("\"net.ipv4.tcp_sack=0\",\"net.ipv4.tcp_timestamps=5\"",
	       "\"errno\":34");
	cr_assert_eq(l3_eng.sysctl.tcp_sack, 1);
	expect("\"net.ipv4.ip_local_port_first=61000\"", "\"errno\":34");
	cr_assert_eq(l3_eng.sysctl.ip_local_port_first, 32768);
}

Test(sysctl_ctl, congestion_control_default_follows)
{
	expect("\"net.ipv4.tcp_congestion_control=vegas\"", "\"errno\":2");
	expect("\"net.ipv4.tcp_congestion_control=reno\"",
	       "\"value\":\"reno\"");
	cr_assert_eq(l3_eng.tcp->cc_default, tcp_cc_find("reno"));
	expect("\"net.ipv4.tcp_congestion_control=cubic\"", "\"ok\":true");
	cr_assert_eq(l3_eng.tcp->cc_default, tcp_cc_find("cubic"));
}
