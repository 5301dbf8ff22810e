// SPDX-License-Identifier: MIT
/*
 * test_udp.c - UDP (RFC 768) against scapy's datagrams over IPv4 and IPv6
 */
#include <errno.h>
#include <netinet/in.h>

#include "testutil.h"
#include "wire/csum.h"
#include "wire/cursor.h"
#include "wire/udp.h"

struct golden_udp {
	const char *name;
	const uint8_t *frame;
	size_t len;
	uint16_t sport, dport, ulen, csum;
	const uint8_t *payload;
	size_t payload_len;
	size_t emit_len; /* bytes up to the UDP length */
	int family;	 /* which pseudo-header: 4 or 6 */
	uint32_t src4, dst4;
	const uint8_t *src6, *dst6;
	size_t src6_len, dst6_len;
};

#include "../fixtures/golden_udp.h"

/* The pseudo-header running sum for a UDP length of @ulen. */
static uint32_t pseudo_of(const struct golden_udp *g, size_t ulen)
{
	struct ip6_addr s, d;

	if (g->family == 4)
		return csum_pseudo4(g->src4, g->dst4, IPPROTO_UDP,
				    (uint16_t)ulen);
	memcpy(s.b, g->src6, IP6_LEN);
	memcpy(d.b, g->dst6, IP6_LEN);
	return csum_pseudo6(&s, &d, IPPROTO_UDP, (uint32_t)ulen);
}

static struct udp_view view_of(const struct golden_udp *g)
{
	struct udp_view v = {
		.sport = g->sport,
		.dport = g->dport,
		.csum_none = g->csum == 0,
		.payload = g->payload,
		.payload_len = g->payload_len,
	};

	return v;
}

static int parse_bytes(const uint8_t *b, size_t n)
{
	uint8_t *f = tu_exact(b, n);
	struct udp_view v;
	int rc = udp_parse(f, n, &v);

	free(f);
	return rc;
}

Test(udp, golden_frames_parse_field_for_field)
{
	for (size_t i = 0; i < GOLDEN_UDP_COUNT; i++) {
		const struct golden_udp *g = &golden_udp[i];
		uint8_t *f = tu_exact(g->frame, g->len);
		struct udp_view v;

		cr_assert_eq(udp_parse(f, g->len, &v), 0, "%s", g->name);
		cr_assert_eq(v.sport, g->sport, "%s", g->name);
		cr_assert_eq(v.dport, g->dport, "%s", g->name);
		cr_assert_eq(v.len, g->ulen, "%s", g->name);
		cr_assert_eq(v.csum, g->csum, "%s", g->name);
		cr_assert_eq(v.csum_none, g->csum == 0, "%s", g->name);
		tu_assert_bytes(v.payload, v.payload_len, g->payload,
				g->payload_len, g->name);
		free(f);
	}
}

Test(udp, golden_checksums_verify_against_the_pseudo_header)
{
	for (size_t i = 0; i < GOLDEN_UDP_COUNT; i++) {
		const struct golden_udp *g = &golden_udp[i];
		uint32_t ph = pseudo_of(g, g->ulen);
		bool ok = udp_csum_ok(g->frame, g->ulen, ph);

		/* A zero field is "no checksum", never one that verifies. */
		cr_assert_eq(ok, g->csum != 0, "%s", g->name);
	}
}

Test(udp, corrupted_payload_fails_the_checksum)
{
	for (size_t i = 0; i < GOLDEN_UDP_COUNT; i++) {
		const struct golden_udp *g = &golden_udp[i];
		uint8_t *f = tu_exact(g->frame, g->len);

		if (g->csum == 0 || g->payload_len == 0) {
			free(f);
			continue;
		}
		f[g->emit_len - 1] ^= 0x01;
		cr_assert_not(udp_csum_ok(f, g->ulen, pseudo_of(g, g->ulen)),
			      "%s", g->name);
		free(f);
	}
}

Test(udp, wrong_pseudo_header_fails_the_checksum)
{
	const struct golden_udp *g = &golden_udp[0];

	cr_assert(udp_csum_ok(g->frame, g->ulen, pseudo_of(g, g->ulen)));
	cr_assert_not(udp_csum_ok(
		g->frame, g->ulen,
		csum_pseudo4(g->src4 + 1, g->dst4, IPPROTO_UDP, g->ulen)));
}

Test(udp, golden_frames_emit_byte_for_byte)
{
	for (size_t i = 0; i < GOLDEN_UDP_COUNT; i++) {
		const struct golden_udp *g = &golden_udp[i];
		struct udp_view v = view_of(g);
		uint8_t out[2048];
		int n = udp_emit(out, sizeof(out), &v,
				 pseudo_of(g, UDP_HLEN + g->payload_len));

		cr_assert_gt(n, 0, "%s", g->name);
		tu_assert_bytes(out, (size_t)n, g->frame, g->emit_len, g->name);
	}
}

Test(udp, emit_in_place_leaves_payload_where_it_is)
{
	for (size_t i = 0; i < GOLDEN_UDP_COUNT; i++) {
		const struct golden_udp *g = &golden_udp[i];
		struct udp_view v = view_of(g);
		uint8_t out[2048];
		int n;

		if (g->payload_len)
			memcpy(out + UDP_HLEN, g->payload, g->payload_len);
		v.payload = out + UDP_HLEN;
		n = udp_emit(out, sizeof(out), &v, pseudo_of(g, g->emit_len));
		cr_assert_gt(n, 0, "%s", g->name);
		tu_assert_bytes(out, (size_t)n, g->frame, g->emit_len, g->name);
	}
}

Test(udp, emit_sends_a_computed_zero_checksum_as_ffff)
{
	for (size_t i = 0; i < GOLDEN_UDP_COUNT; i++) {
		const struct golden_udp *g = &golden_udp[i];
		struct udp_view v = view_of(g);
		uint8_t out[2048];

		if (strcmp(g->name, "ipv4_csum_computes_to_zero") != 0)
			continue;
		cr_assert_eq(g->csum, 0xffff);
		cr_assert_eq(udp_emit(out, sizeof(out), &v,
				      pseudo_of(g, g->emit_len)),
			     (int)g->emit_len);
		cr_assert_eq(ld_be16(out + 6), 0xffff);
		cr_assert(udp_csum_ok(out, g->emit_len,
				      pseudo_of(g, g->emit_len)));
		return;
	}
	cr_assert_fail("golden frame ipv4_csum_computes_to_zero missing");
}

Test(udp, zero_checksum_is_flagged_and_never_verifies)
{
	/* RFC 768 "none" over IPv4; RFC 8200 8.1 makes it invalid over IPv6:
	 * the flag lets the caller tell, the verify helper never accepts it. */
	static const uint8_t f[] = { 0, 1, 0, 2, 0, 9, 0, 0, 'x' };
	struct udp_view v;

	cr_assert_eq(udp_parse(f, sizeof(f), &v), 0);
	cr_assert(v.csum_none);
	cr_assert_not(udp_csum_ok(f, sizeof(f), 0));
	cr_assert_not(udp_csum_ok(f, sizeof(f), 0xffffu));
}

/* UDP has a length of its own: any cut short of it is malformed. */
Test(udp, truncation_at_every_byte)
{
	for (size_t i = 0; i < GOLDEN_UDP_COUNT; i++) {
		const struct golden_udp *g = &golden_udp[i];

		for (size_t n = 0; n < g->len; n++)
			cr_assert_eq(parse_bytes(g->frame, n),
				     n < g->emit_len ? -EBADMSG : 0,
				     "%s cut at %zu", g->name, n);
	}
}

Test(udp, payload_is_cut_to_the_length_field)
{
	static const uint8_t f[] = { 0, 1, 0, 2, 0, 10, 0, 0, 'a', 'b', 0, 0 };
	struct udp_view v;

	cr_assert_eq(udp_parse(f, sizeof(f), &v), 0);
	cr_assert_eq(v.len, 10);
	cr_assert_eq(v.payload_len, 2);
	cr_assert_eq(v.payload, f + UDP_HLEN);
}

Test(udp, length_below_8_is_malformed)
{
	uint8_t f[] = { 0, 1, 0, 2, 0, 0, 0, 0, 'x', 'y' };

	for (uint8_t l = 0; l < UDP_HLEN; l++) {
		f[5] = l;
		cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG, "len %u", l);
	}
	f[5] = UDP_HLEN;
	cr_assert_eq(parse_bytes(f, sizeof(f)), 0);
}

Test(udp, length_above_datagram_is_malformed)
{
	uint8_t f[] = { 0, 1, 0, 2, 0, 11, 0, 0, 'x', 'y' };

	cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG);
	f[4] = 0xff, f[5] = 0xff;
	cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG);
	f[4] = 0, f[5] = 10;
	cr_assert_eq(parse_bytes(f, sizeof(f)), 0);
}

Test(udp, short_length_never_verifies)
{
	static const uint8_t f[] = { 0, 1, 0, 2, 0, 8, 0xff, 0xff };

	for (size_t n = 0; n < UDP_HLEN; n++)
		cr_assert_not(udp_csum_ok(f, n, 0), "len %zu", n);
}

Test(udp, emit_reports_enobufs_for_every_short_buffer)
{
	const struct golden_udp *g = &golden_udp[0];
	struct udp_view v = view_of(g);
	uint32_t ph = pseudo_of(g, g->emit_len);
	uint8_t out[2048];

	for (size_t cap = 0; cap < g->emit_len; cap++)
		cr_assert_eq(udp_emit(out, cap, &v, ph), -ENOBUFS, "cap %zu",
			     cap);
	cr_assert_eq(udp_emit(out, g->emit_len, &v, ph), (int)g->emit_len);
}

Test(udp, emit_rejects_payload_past_the_length_field)
{
	static uint8_t big[UDP_MAXLEN];
	static uint8_t out[UDP_MAXLEN + 16];
	struct udp_view v = { .sport = 1, .dport = 2, .payload = big };

	v.payload_len = UDP_MAXLEN - UDP_HLEN + 1;
	cr_assert_eq(udp_emit(out, sizeof(out), &v, 0), -EINVAL);
	v.payload_len = UDP_MAXLEN - UDP_HLEN;
	cr_assert_eq(udp_emit(out, sizeof(out), &v, 0), UDP_MAXLEN);
	cr_assert_eq(ld_be16(out + 4), UDP_MAXLEN);
}

Test(udp, emit_with_payload_at_buffer_start_moves_it_before_the_header)
{
	/* The payload overlaps where the header goes: it must move first. */
	uint8_t out[32] = { 'a', 'b', 'c' };
	struct udp_view v = { .sport = 1,
			      .dport = 2,
			      .csum_none = true,
			      .payload = out,
			      .payload_len = 3 };
	static const uint8_t want[] = { 0, 1, 0, 2, 0, 11, 0, 0, 'a', 'b', 'c' };

	int n = udp_emit(out, sizeof(out), &v, 0);

	cr_assert_gt(n, 0);
	tu_assert_bytes(out, (size_t)n, want, sizeof(want), "overlap");
}
