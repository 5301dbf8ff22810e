// SPDX-License-Identifier: MIT
/*
 * test_route.c - longest-prefix match by table, route add/del errors, the
 * path MTU cache and multicast membership
 */
#include <errno.h>
#include <json-c/json.h>

#include "fake_engine.h"
#include "route.h"
#include "testutil.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static struct engine eng;
static struct netif *if0, *if1;
static const uint8_t mac0[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t mac1[6] = { 2, 0, 0, 0, 1, 1 };

static void setup(void)
{
	fake_engine_init(&eng);
	cr_assert_eq(route4_init(&eng), 0);
	if0 = fake_netif(&eng, "fk0", mac0);
	if1 = fake_netif(&eng, "fk1", mac1);
	cr_assert_eq(netif_addr4_add(if0, A(192, 0, 2, 2), 24), 0);
	cr_assert_eq(netif_addr4_add(if1, A(198, 51, 100, 2), 24), 0);
}

static void teardown(void)
{
	route4_fini(&eng);
	engine_fini(&eng);
}

TestSuite(route, .init = setup, .fini = teardown);

struct lpm_case {
	uint32_t dst;
	int rc;
	struct netif **ifp;
	uint32_t nexthop;
	uint8_t plen;
	uint32_t src;
};

/* RFC 1812 5.2.4.3: the most specific route wins; /0 catches the rest. */
Test(route, longest_prefix_match_by_table)
{
	cr_assert_eq(route4_add(&eng, 0, 0, A(192, 0, 2, 1), NULL), 0);
	cr_assert_eq(
		route4_add(&eng, A(10, 0, 0, 0), 8, A(198, 51, 100, 1), NULL),
		0);
	cr_assert_eq(
		route4_add(&eng, A(10, 1, 0, 0), 16, A(192, 0, 2, 9), NULL), 0);
	cr_assert_eq(route4_add(&eng, A(10, 1, 2, 0), 24, 0, if1), 0);
	cr_assert_eq(route4_add(&eng, A(10, 1, 2, 3), 32, A(192, 0, 2, 7), if0),
		     0);
	/* Overlaps a connected /24 with a longer static prefix. */
	cr_assert_eq(route4_add(&eng, A(198, 51, 100, 128), 25, A(192, 0, 2, 1),
				NULL),
		     0);

	const struct lpm_case cases[] = {
		{ A(8, 8, 8, 8), 0, &if0, A(192, 0, 2, 1), 0, A(192, 0, 2, 2) },
		{ A(10, 9, 9, 9), 0, &if1, A(198, 51, 100, 1), 8,
		  A(198, 51, 100, 2) },
		{ A(10, 1, 9, 9), 0, &if0, A(192, 0, 2, 9), 16,
		  A(192, 0, 2, 2) },
		{ A(10, 1, 2, 4), 0, &if1, A(10, 1, 2, 4), 24,
		  A(198, 51, 100, 2) },
		{ A(10, 1, 2, 3), 0, &if0, A(192, 0, 2, 7), 32,
		  A(192, 0, 2, 2) },
		{ A(192, 0, 2, 77), 0, &if0, A(192, 0, 2, 77), 24,
		  A(192, 0, 2, 2) },
		{ A(198, 51, 100, 5), 0, &if1, A(198, 51, 100, 5), 24,
		  A(198, 51, 100, 2) },
		{ A(198, 51, 100, 200), 0, &if0, A(192, 0, 2, 1), 25,
		  A(192, 0, 2, 2) },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct route4_result r;

		cr_assert_eq(route4_lookup(&eng, cases[i].dst, &r), cases[i].rc,
			     "case %zu", i);
		cr_assert_eq(r.ifp, *cases[i].ifp, "case %zu: interface", i);
		cr_assert_eq(r.nexthop, cases[i].nexthop,
			     "case %zu: next hop %08x", i, r.nexthop);
		cr_assert_eq(r.plen, cases[i].plen, "case %zu: plen %u", i,
			     r.plen);
		cr_assert_eq(r.src, cases[i].src, "case %zu: src", i);
	}
}

/* Without a default route, off-link destinations are unreachable. */
Test(route, no_default_means_network_unreachable)
{
	struct route4_result r;

	cr_assert_eq(route4_lookup(&eng, A(203, 0, 113, 1), &r), -ENETUNREACH);
}

/* Deleting a route exposes the next shorter one, then nothing. */
Test(route, deletion_falls_back_to_shorter_prefix)
{
	struct route4_result r;

	route4_add(&eng, 0, 0, A(192, 0, 2, 1), NULL);
	route4_add(&eng, A(203, 0, 113, 0), 24, A(198, 51, 100, 1), NULL);
	cr_assert_eq(route4_lookup(&eng, A(203, 0, 113, 1), &r), 0);
	cr_assert_eq(r.ifp, if1);
	cr_assert_eq(route4_del(&eng, A(203, 0, 113, 0), 24), 0);
	cr_assert_eq(route4_lookup(&eng, A(203, 0, 113, 1), &r), 0);
	cr_assert_eq(r.ifp, if0);
	cr_assert_eq(route4_del(&eng, 0, 0), 0);
	cr_assert_eq(route4_del(&eng, 0, 0), -ESRCH);
	cr_assert_eq(route4_lookup(&eng, A(203, 0, 113, 1), &r), -ENETUNREACH);
}

/* Kernel errno values for bad routes (rtnetlink fib_check_nh()). */
Test(route, add_rejects_bad_routes_with_kernel_errnos)
{
	cr_assert_eq(route4_add(&eng, A(10, 0, 0, 1), 8, 0, if0), -EINVAL);
	cr_assert_eq(route4_add(&eng, A(10, 0, 0, 0), 33, 0, if0), -EINVAL);
	cr_assert_eq(route4_add(&eng, A(10, 0, 0, 0), 8, 0, NULL), -EINVAL);
	cr_assert_eq(
		route4_add(&eng, A(10, 0, 0, 0), 8, A(203, 0, 113, 1), NULL),
		-ENETUNREACH);
	cr_assert_eq(
		route4_add(&eng, A(10, 0, 0, 0), 8, A(198, 51, 100, 1), if0),
		-ENETUNREACH);
	cr_assert_eq(route4_add(&eng, A(10, 0, 0, 0), 8, A(192, 0, 2, 2), NULL),
		     -EINVAL);
	cr_assert_eq(route4_add(&eng, A(10, 0, 0, 0), 8, 0, if0), 0);
	cr_assert_eq(route4_add(&eng, A(10, 0, 0, 0), 8, 0, if1), -EEXIST);
}

/* A route through a down or removed interface is skipped. */
Test(route, routes_through_down_interfaces_are_skipped)
{
	struct route4_result r;

	route4_add(&eng, 0, 0, A(192, 0, 2, 1), NULL);
	route4_add(&eng, 0, 1, A(198, 51, 100, 1), NULL);
	if1->up = false;
	cr_assert_eq(route4_lookup(&eng, A(1, 2, 3, 4), &r), 0);
	cr_assert_eq(r.ifp, if0);
	cr_assert_eq(route4_flush_dev(&eng, if1->index), 1);
}

/* RFC 5227 2.1: a tentative address is never a source. */
Test(route, tentative_address_is_not_a_source)
{
	struct route4_result r;

	if0->addr4[0].state = ADDR4_TENTATIVE;
	cr_assert_eq(route4_lookup(&eng, A(192, 0, 2, 9), &r), 0);
	cr_assert_eq(r.src, 0);
}

/* RFC 1191 6.3: learnt PMTU lowers the MTU until it expires; never up. */
Test(route, pmtu_is_lowered_then_expires)
{
	uint32_t dst = A(192, 0, 2, 9);

	cr_assert_eq(route4_mtu(&eng, if0, dst), 1500);
	cr_assert_eq(route4_pmtu_update(&eng, if0, dst, 1400, 1500), 1400);
	cr_assert_eq(route4_mtu(&eng, if0, dst), 1400);
	cr_assert_eq(route4_pmtu_update(&eng, if0, dst, 1450, 1500), 1400);
	cr_assert_eq(route4_mtu(&eng, if0, A(192, 0, 2, 10)), 1500);
	fake_advance(&eng, 600000001ull);
	cr_assert_eq(route4_mtu(&eng, if0, dst), 1500);
}

/* RFC 1191 5 + Linux min_pmtu: 0 uses the plateau table, tiny clamps. */
Test(route, pmtu_zero_uses_plateau_and_small_values_clamp)
{
	cr_assert_eq(route4_pmtu_update(&eng, if0, A(192, 0, 2, 9), 0, 1500),
		     1492);
	cr_assert_eq(route4_pmtu_update(&eng, if0, A(192, 0, 2, 8), 100, 1500),
		     PMTU4_MIN);
}

/* RFC 1112 4: 224.0.0.1 always; others after a join, until the leave. */
Test(route, multicast_membership_is_counted)
{
	uint32_t g = A(239, 1, 2, 3);

	cr_assert(mc4_joined(&eng, if0, A(224, 0, 0, 1)));
	cr_assert_not(mc4_joined(&eng, if0, g));
	cr_assert_eq(mc4_join(&eng, if0, g), 0);
	cr_assert_eq(mc4_join(&eng, if0, g), 0);
	cr_assert_eq(mc4_leave(&eng, if0, g), 0);
	cr_assert(mc4_joined(&eng, if0, g));
	cr_assert_eq(mc4_leave(&eng, if0, g), 0);
	cr_assert_not(mc4_joined(&eng, if0, g));
	cr_assert_eq(mc4_leave(&eng, if0, g), -EADDRNOTAVAIL);
	cr_assert_eq(mc4_join(&eng, if0, A(10, 0, 0, 1)), -EINVAL);
}

/* The dump reads like `ip -j route`. */
Test(route, dump_lists_static_and_connected_routes)
{
	struct json_object *d;
	const char *s;

	route4_add(&eng, 0, 0, A(192, 0, 2, 1), NULL);
	d = route4_dump(&eng);
	s = json_object_to_json_string_ext(
		d, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	cr_assert(strstr(s, "{\"dst\":\"default\",\"gateway\":\"192.0.2.1\","
			    "\"dev\":\"fk0\",\"protocol\":\"static\"}"),
		  "%s", s);
	cr_assert(strstr(s, "{\"dst\":\"198.51.100.0/24\",\"dev\":\"fk1\","
			    "\"protocol\":\"kernel\",\"scope\":\"link\","
			    "\"prefsrc\":\"198.51.100.2\"}"),
		  "%s", s);
	json_object_put(d);
}
