// SPDX-License-Identifier: MIT
/*
 * test_portsel.c - RFC 6056 algorithm 4 ephemeral ports
 */
#include <errno.h>
#include <stdio.h>

#include "testutil.h"
#include "portsel.h"

static const uint8_t secret[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

struct used {
	bool busy[65536];
	unsigned int asked;
};

static bool port_free(uint16_t port, void *ctx)
{
	struct used *u = ctx;

	u->asked++;
	return !u->busy[port];
}

static struct portsel *fresh(void)
{
	static struct portsel ps;

	portsel_init(&ps, secret);
	return &ps;
}

/*
 * RFC 6056 3.3.4: consecutive picks for one destination walk the range
 * one port at a time from a secret offset, staying inside the range.
 */
Test(portsel, same_destination_gets_successive_ports)
{
	struct portsel *ps = fresh();
	struct used *u = calloc(1, sizeof(*u));
	const char id[] = "tcp 192.0.2.1 198.51.100.2:443";
	int a = portsel_pick(ps, id, sizeof(id), 32768, 60999, port_free, u);
	int b = portsel_pick(ps, id, sizeof(id), 32768, 60999, port_free, u);

	cr_assert_geq(a, 32768);
	cr_assert_leq(a, 60999);
	cr_assert_eq(b, a == 60999 ? 32768 : a + 1);
	free(u);
}

/* RFC 6056 3.3.4: busy ports are skipped; every port is tried once. */
Test(portsel, busy_ports_are_skipped_until_the_range_is_exhausted)
{
	struct portsel *ps = fresh();
	struct used *u = calloc(1, sizeof(*u));
	const char id[] = "udp x";

	for (int p = 40000; p < 40010; p++)
		u->busy[p] = true;
	for (int i = 0; i < 10; i++) {
		int p = portsel_pick(ps, id, sizeof(id), 40000, 40010,
				     port_free, u);

		cr_assert_eq(p, 40010);
		u->busy[40010] = false;
	}
	u->busy[40010] = true;
	u->asked = 0;
	cr_assert_eq(
		portsel_pick(ps, id, sizeof(id), 40000, 40010, port_free, u),
		-EADDRNOTAVAIL);
	cr_assert_eq(u->asked, 11u);
	cr_assert_eq(portsel_pick(ps, id, sizeof(id), 2, 1, port_free, u),
		     -EINVAL);
	free(u);
}

/*
 * RFC 6056 3.3.4: different destinations start from unrelated offsets,
 * and the state is a pure function of the secret.
 */
Test(portsel, destinations_get_unrelated_offsets_reproducibly)
{
	struct portsel *ps = fresh();
	struct used *u = calloc(1, sizeof(*u));
	int first[8], again;
	bool differ = false;
	char id[32];

	for (int i = 0; i < 8; i++) {
		memset(id, 0, sizeof(id));
		snprintf(id, sizeof(id), "tcp a b:%d", 1000 + i);
		first[i] = portsel_pick(ps, id, sizeof(id), 1024, 65535,
					port_free, u);
		if (i && first[i] != first[0] + i)
			differ = true;
	}
	cr_assert(differ);
	ps = fresh();
	memset(id, 0, sizeof(id));
	snprintf(id, sizeof(id), "tcp a b:%d", 1000);
	again = portsel_pick(ps, id, sizeof(id), 1024, 65535, port_free, u);
	cr_assert_eq(again, first[0]);
	free(u);
}
