// SPDX-License-Identifier: MIT
/*
 * test_nd.c - Neighbor Discovery options against scapy's
 */
#include <errno.h>

#include "testutil.h"
#include "wire/nd.h"

struct golden_nd {
	const char *name;
	const uint8_t *frame;
	const uint8_t *data;
	const uint8_t *lladdr;
	const uint8_t *pfx; /* the prefix (prefix_len is its length) */
	const uint8_t *rdnss_addrs;
	const uint8_t *rh_pkt;
	size_t len;
	size_t data_len;
	size_t lladdr_len;
	size_t pfx_len;
	size_t rdnss_addrs_len;
	size_t rh_pkt_len;
	uint32_t pi_valid;
	uint32_t pi_preferred;
	uint32_t mtu;
	uint32_t rdnss_lifetime;
	uint8_t type;
	uint8_t olen;
	uint8_t prefix_len;
	bool pi_onlink;
	bool pi_auto;
};

#include "../fixtures/golden_nd.h"

static struct nd_opt opt_of(const struct golden_nd *g)
{
	struct nd_opt o = {
		.type = g->type,
		.len = g->olen,
		.data = g->data,
		.data_len = g->data_len,
		.prefix_len = g->prefix_len,
		.pi_onlink = g->pi_onlink,
		.pi_auto = g->pi_auto,
		.pi_valid = g->pi_valid,
		.pi_preferred = g->pi_preferred,
		.mtu = g->mtu,
		.rdnss_lifetime = g->rdnss_lifetime,
		.rdnss_n = (unsigned int)(g->rdnss_addrs_len / IP6_LEN),
		.rdnss_addrs = g->rdnss_addrs,
		.rh_pkt = g->rh_pkt,
		.rh_pkt_len = g->rh_pkt_len,
	};

	memcpy(o.lladdr.b, g->lladdr, MAC_LEN);
	memcpy(o.prefix.b, g->pfx, IP6_LEN);
	return o;
}

Test(nd, golden_options_parse_field_for_field)
{
	for (size_t i = 0; i < GOLDEN_ND_COUNT; i++) {
		const struct golden_nd *g = &golden_nd[i];
		uint8_t *f = tu_exact(g->frame, g->len);
		struct nd_opt_iter it;
		struct nd_opt o;

		nd_opt_iter_init(&it, f, g->len);
		cr_assert_eq(nd_opt_next(&it, &o), 1, "%s", g->name);
		cr_assert_eq(o.type, g->type, "%s", g->name);
		cr_assert_eq(o.len, g->olen, "%s", g->name);
		cr_assert_eq(o.off, 0);
		tu_assert_bytes(o.data, o.data_len, g->data, g->data_len,
				g->name);
		tu_assert_bytes(o.lladdr.b, MAC_LEN, g->lladdr, g->lladdr_len,
				g->name);
		cr_assert_eq(o.prefix_len, g->prefix_len, "%s", g->name);
		cr_assert_eq(o.pi_onlink, g->pi_onlink, "%s", g->name);
		cr_assert_eq(o.pi_auto, g->pi_auto, "%s", g->name);
		cr_assert_eq(o.pi_valid, g->pi_valid, "%s", g->name);
		cr_assert_eq(o.pi_preferred, g->pi_preferred, "%s", g->name);
		tu_assert_bytes(o.prefix.b, IP6_LEN, g->pfx, g->pfx_len,
				g->name);
		cr_assert_eq(o.mtu, g->mtu, "%s", g->name);
		cr_assert_eq(o.rdnss_lifetime, g->rdnss_lifetime, "%s",
			     g->name);
		tu_assert_bytes(o.rdnss_addrs, (size_t)o.rdnss_n * IP6_LEN,
				g->rdnss_addrs, g->rdnss_addrs_len, g->name);
		tu_assert_bytes(o.rh_pkt, o.rh_pkt_len, g->rh_pkt,
				g->rh_pkt_len, g->name);
		cr_assert_eq(nd_opt_next(&it, &o), 0, "%s", g->name);
		free(f);
	}
}

Test(nd, golden_options_emit_byte_for_byte)
{
	for (size_t i = 0; i < GOLDEN_ND_COUNT; i++) {
		const struct golden_nd *g = &golden_nd[i];
		struct nd_opt o = opt_of(g);
		uint8_t out[2048];
		int n;

		memset(out, 0xaa, sizeof(out));
		cr_assert_eq(nd_opt_len(&o), (int)g->len, "%s", g->name);
		n = nd_opt_emit(out, sizeof(out), &o);
		tu_assert_bytes(out, (size_t)n, g->frame, g->len, g->name);
	}
}

Test(nd, rdnss_addresses_read_one_by_one)
{
	const struct golden_nd *g = NULL;
	struct nd_opt_iter it;
	struct ip6_addr a;
	struct nd_opt o;

	for (size_t i = 0; i < GOLDEN_ND_COUNT; i++)
		if (!strcmp(golden_nd[i].name, "rdnss_three"))
			g = &golden_nd[i];
	cr_assert_not_null(g);
	nd_opt_iter_init(&it, g->frame, g->len);
	cr_assert_eq(nd_opt_next(&it, &o), 1);
	cr_assert_eq(o.rdnss_n, 3);
	nd_rdnss_addr(&o, 2, &a);
	cr_assert_eq(a.b[0], 0xfe);
	cr_assert_eq(a.b[15], 0x53);
}

/* Every cut of an option is malformed, except the empty area. */
Test(nd, truncation_at_every_byte)
{
	for (size_t i = 0; i < GOLDEN_ND_COUNT; i++) {
		const struct golden_nd *g = &golden_nd[i];

		for (size_t n = 0; n < g->len; n++) {
			uint8_t *f = tu_exact(g->frame, n);

			cr_assert_eq(nd_opts_check(f, n), n ? -EBADMSG : 0,
				     "%s cut at %zu", g->name, n);
			free(f);
		}
	}
}

Test(nd, options_walk_in_sequence_with_offsets)
{
	uint8_t area[1024];
	size_t offs[GOLDEN_ND_COUNT];
	size_t len = 0;
	struct nd_opt_iter it;
	struct nd_opt o;
	size_t i = 0;

	for (size_t k = 0; k < GOLDEN_ND_COUNT; k++) {
		offs[k] = len;
		memcpy(area + len, golden_nd[k].frame, golden_nd[k].len);
		len += golden_nd[k].len;
	}
	nd_opt_iter_init(&it, area, len);
	while (nd_opt_next(&it, &o) == 1) {
		cr_assert_lt(i, GOLDEN_ND_COUNT);
		cr_assert_eq(o.type, golden_nd[i].type);
		cr_assert_eq(o.off, offs[i]);
		i++;
	}
	cr_assert_eq(i, GOLDEN_ND_COUNT);
	cr_assert_eq(nd_opts_check(area, len), 0);
}

static int check_bytes(const uint8_t *b, size_t n)
{
	uint8_t *f = tu_exact(b, n);
	int rc = nd_opts_check(f, n);

	free(f);
	return rc;
}

Test(nd, option_length_zero_is_malformed)
{
	/* RFC 4861 4.6: a zero length would never advance the walk. */
	const uint8_t a[] = { ND_OPT_SRC_LLADDR, 0, 2, 0, 0, 0, 0, 1 };
	const uint8_t b[] = { 200, 0, 0, 0, 0, 0, 0, 0 };

	cr_assert_eq(check_bytes(a, sizeof(a)), -EBADMSG);
	cr_assert_eq(check_bytes(b, sizeof(b)), -EBADMSG);
}

Test(nd, option_past_end_is_malformed)
{
	const uint8_t a[] = { ND_OPT_SRC_LLADDR, 2, 2, 0, 0, 0, 0, 1 };
	const uint8_t b[] = { ND_OPT_SRC_LLADDR, 1, 2, 0, 0, 0, 0, 1, 200 };

	cr_assert_eq(check_bytes(a, sizeof(a)), -EBADMSG);
	cr_assert_eq(check_bytes(b, sizeof(b)), -EBADMSG);
}

Test(nd, known_option_with_wrong_length_is_malformed)
{
	uint8_t pi[40] = { ND_OPT_PREFIX_INFO, 5, 64 };
	uint8_t mtu[16] = { ND_OPT_MTU, 2 };
	uint8_t rdnss[40] = { ND_OPT_RDNSS, 2 };

	cr_assert_eq(check_bytes(pi, 40), -EBADMSG);
	pi[1] = 3;
	cr_assert_eq(check_bytes(pi, 24), -EBADMSG);
	pi[1] = 4;
	cr_assert_eq(check_bytes(pi, 32), 0);
	pi[2] = 129; /* prefix longer than an address */
	cr_assert_eq(check_bytes(pi, 32), -EBADMSG);
	cr_assert_eq(check_bytes(mtu, 16), -EBADMSG);
	mtu[1] = 1;
	cr_assert_eq(check_bytes(mtu, 8), 0);
	/* RFC 8106 5.1: 1 + 2n units; 2 and 4 cannot be. */
	cr_assert_eq(check_bytes(rdnss, 16), -EBADMSG);
	rdnss[1] = 4;
	cr_assert_eq(check_bytes(rdnss, 32), -EBADMSG);
	rdnss[1] = 1;
	cr_assert_eq(check_bytes(rdnss, 8), -EBADMSG);
	rdnss[1] = 5;
	cr_assert_eq(check_bytes(rdnss, 40), 0);
}

Test(nd, walker_error_is_sticky)
{
	const uint8_t a[] = { ND_OPT_MTU, 0, 0, 0, 0, 0, 5, 0xdc };
	struct nd_opt_iter it;
	struct nd_opt o;

	nd_opt_iter_init(&it, a, sizeof(a));
	cr_assert_eq(nd_opt_next(&it, &o), -EBADMSG);
	cr_assert_eq(nd_opt_next(&it, &o), -EBADMSG);
	cr_assert_eq(o.type, 0);
}

Test(nd, emit_pads_unknown_and_redirected_header_with_zeros)
{
	const uint8_t pkt[5] = { 1, 2, 3, 4, 5 };
	struct nd_opt o = { .type = ND_OPT_REDIRECTED_HDR,
			    .rh_pkt = pkt,
			    .rh_pkt_len = sizeof(pkt) };
	uint8_t out[64];
	struct nd_opt_iter it;
	struct nd_opt p;

	memset(out, 0xaa, sizeof(out));
	cr_assert_eq(nd_opt_emit(out, sizeof(out), &o), 16);
	cr_assert_eq(out[1], 2);
	cr_assert_eq(out[2], 0);
	cr_assert_eq(out[8], 1);
	cr_assert_eq(out[15], 0);
	nd_opt_iter_init(&it, out, 16);
	cr_assert_eq(nd_opt_next(&it, &p), 1);
	cr_assert_eq(p.rh_pkt_len, 8);

	o = (struct nd_opt){ .type = 200, .data = pkt, .data_len = 1 };
	memset(out, 0xaa, sizeof(out));
	cr_assert_eq(nd_opt_emit(out, sizeof(out), &o), 8);
	cr_assert_eq(out[2], 1);
	cr_assert_eq(out[3], 0);
	cr_assert_eq(out[7], 0);
}

Test(nd, emit_rejects_what_cannot_be_encoded)
{
	static uint8_t big[2048];
	struct nd_opt o = { .type = ND_OPT_RDNSS };
	uint8_t out[8];

	cr_assert_eq(nd_opt_emit(out, sizeof(out), &o), -EINVAL);
	o.rdnss_n = 128;
	o.rdnss_addrs = big;
	cr_assert_eq(nd_opt_len(&o), -EINVAL);
	o.rdnss_n = 127;
	cr_assert_eq(nd_opt_len(&o), 255 * 8);
	o = (struct nd_opt){ .type = 200, .data = big, .data_len = 2039 };
	cr_assert_eq(nd_opt_len(&o), -EINVAL);
	o.data_len = 2038;
	cr_assert_eq(nd_opt_len(&o), 2040);
	o = (struct nd_opt){ .type = ND_OPT_PREFIX_INFO, .prefix_len = 129 };
	cr_assert_eq(nd_opt_len(&o), -EINVAL);
	o = (struct nd_opt){ .type = ND_OPT_MTU, .mtu = 1500 };
	cr_assert_eq(nd_opt_emit(out, 7, &o), -ENOBUFS);
	cr_assert_eq(nd_opt_emit(out, 8, &o), 8);
}

/* RFC 4191 2.3: Route Information decodes prefix, preference and
 * lifetime; an option 3.1 says to ignore (length inconsistent with the
 * prefix length, preference 10) walks fine but is not usable. */
Test(nd, route_information_decodes_and_flags_invalid_ones)
{
	uint8_t opts[] = {
		/* 2001:db8:2::/48, high (01), 1800 s, length 2 */
		ND_OPT_ROUTE_INFO,
		2,
		48,
		0x08,
		0,
		0,
		0x07,
		0x08,
		0x20,
		0x01,
		0x0d,
		0xb8,
		0,
		2,
		0,
		0,
		/* ::/0, low (11), infinite, length 1 */
		ND_OPT_ROUTE_INFO,
		1,
		0,
		0x18,
		0xff,
		0xff,
		0xff,
		0xff,
		/* /64 in length 1: inconsistent */
		ND_OPT_ROUTE_INFO,
		1,
		64,
		0,
		0,
		0,
		0,
		1,
		/* reserved preference 10 */
		ND_OPT_ROUTE_INFO,
		1,
		0,
		0x10,
		0,
		0,
		0,
		1,
		/* prefix length 129 */
		ND_OPT_ROUTE_INFO,
		3,
		129,
		0,
		0,
		0,
		0,
		1,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
	};
	struct nd_opt_iter it;
	struct nd_opt o;

	cr_assert_eq(nd_opts_check(opts, sizeof(opts)), 0);
	nd_opt_iter_init(&it, opts, sizeof(opts));
	cr_assert_eq(nd_opt_next(&it, &o), 1);
	cr_assert(o.rio_ok);
	cr_assert_eq(o.prefix_len, 48);
	cr_assert_eq(o.rio_prf, 1);
	cr_assert_eq(o.rio_lifetime, 1800);
	cr_assert_eq(o.prefix.b[5], 2);
	cr_assert_eq(o.prefix.b[8], 0);
	cr_assert_eq(nd_opt_next(&it, &o), 1);
	cr_assert(o.rio_ok);
	cr_assert_eq(o.prefix_len, 0);
	cr_assert_eq(o.rio_prf, 3);
	cr_assert_eq(o.rio_lifetime, ND_INFINITY);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(nd_opt_next(&it, &o), 1);
		cr_assert_not(o.rio_ok, "option %d taken", i + 3);
	}
	cr_assert_eq(nd_opt_next(&it, &o), 0);
}
