// SPDX-License-Identifier: MIT
/*
 * test_arp.c - Ethernet/IPv4 ARP against scapy's packets
 */
#include <errno.h>

#include "testutil.h"
#include "wire/arp.h"

struct golden_arp {
	const char *name;
	const uint8_t *frame;
	size_t len;
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	uint16_t op;
	const uint8_t *sha, *tha;
	size_t sha_len, tha_len;
	uint32_t spa, tpa;
	size_t emit_len; /* the ARP packet without Ethernet pad */
	bool probe, gratuitous;
};

#include "../fixtures/golden_arp.h"

static struct arp_view view_of(const struct golden_arp *g)
{
	struct arp_view v = {
		.htype = g->htype,
		.ptype = g->ptype,
		.hlen = g->hlen,
		.plen = g->plen,
		.op = g->op,
		.spa = g->spa,
		.tpa = g->tpa,
	};

	memcpy(v.sha.b, g->sha, MAC_LEN);
	memcpy(v.tha.b, g->tha, MAC_LEN);
	return v;
}

static int parse_bytes(const uint8_t *b, size_t n)
{
	uint8_t *f = tu_exact(b, n);
	struct arp_view v;
	int rc = arp_parse(f, n, &v);

	free(f);
	return rc;
}

Test(arp, golden_packets_parse_field_for_field)
{
	for (size_t i = 0; i < GOLDEN_ARP_COUNT; i++) {
		const struct golden_arp *g = &golden_arp[i];
		uint8_t *f = tu_exact(g->frame, g->len);
		struct arp_view v;

		cr_assert_eq(arp_parse(f, g->len, &v), 0, "%s", g->name);
		cr_assert_eq(v.htype, g->htype, "%s", g->name);
		cr_assert_eq(v.ptype, g->ptype, "%s", g->name);
		cr_assert_eq(v.hlen, g->hlen, "%s", g->name);
		cr_assert_eq(v.plen, g->plen, "%s", g->name);
		cr_assert_eq(v.op, g->op, "%s", g->name);
		tu_assert_bytes(v.sha.b, MAC_LEN, g->sha, g->sha_len, g->name);
		tu_assert_bytes(v.tha.b, MAC_LEN, g->tha, g->tha_len, g->name);
		cr_assert_eq(v.spa, g->spa, "%s", g->name);
		cr_assert_eq(v.tpa, g->tpa, "%s", g->name);
		cr_assert_eq(arp_is_probe(&v), g->probe, "%s", g->name);
		cr_assert_eq(arp_is_gratuitous(&v), g->gratuitous, "%s",
			     g->name);
		free(f);
	}
}

Test(arp, golden_packets_emit_byte_for_byte)
{
	for (size_t i = 0; i < GOLDEN_ARP_COUNT; i++) {
		const struct golden_arp *g = &golden_arp[i];
		struct arp_view v = view_of(g);
		uint8_t out[64];
		int n = arp_emit(out, sizeof(out), &v);

		cr_assert_eq(n, ARP_LEN, "%s", g->name);
		tu_assert_bytes(out, (size_t)n, g->frame, g->emit_len, g->name);
	}
}

/* ARP has no length field: 28 bytes are needed, anything after is pad. */
Test(arp, truncation_at_every_byte)
{
	for (size_t i = 0; i < GOLDEN_ARP_COUNT; i++) {
		const struct golden_arp *g = &golden_arp[i];

		for (size_t n = 0; n <= g->len; n++)
			cr_assert_eq(parse_bytes(g->frame, n),
				     n < ARP_LEN ? -EBADMSG : 0,
				     "%s cut at %zu", g->name, n);
	}
}

Test(arp, failed_parse_leaves_no_stale_fields)
{
	struct arp_view v;

	memset(&v, 0xa5, sizeof(v));
	cr_assert_eq(arp_parse(golden_arp[0].frame, 20, &v), -EBADMSG);
	cr_assert_eq(v.spa, 0);
	cr_assert_eq(v.tpa, 0);
}

Test(arp, wrong_address_lengths_are_malformed)
{
	static const struct {
		size_t off;
		uint8_t val;
	} bad[] = {
		{ 4, 0 },    { 4, 5 }, { 4, 8 },  /* hlen != 6 */
		{ 5, 0 },    { 5, 6 }, { 5, 16 }, /* plen != 4 */
		{ 1, 6 },			  /* htype 6 (IEEE 802) */
		{ 2, 0x86 },			  /* ptype 0x86dd: not IPv4 */
	};
	uint8_t p[ARP_LEN];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(p, golden_arp[0].frame, ARP_LEN);
		if (bad[i].off == 2)
			p[3] = 0xdd;
		p[bad[i].off] = bad[i].val;
		cr_assert_eq(parse_bytes(p, sizeof(p)), -EBADMSG, "case %zu",
			     i);
	}
}

/* A longer address would fit in a long frame but still not in the view. */
Test(arp, long_hlen_in_long_frame_is_malformed)
{
	uint8_t p[64] = { 0, 1, 8, 0, 8, 4, 0, 1 };

	cr_assert_eq(parse_bytes(p, sizeof(p)), -EBADMSG);
}

Test(arp, unknown_opcode_parses_for_the_engine_to_judge)
{
	uint8_t p[ARP_LEN];
	struct arp_view v;

	memcpy(p, golden_arp[0].frame, ARP_LEN);
	p[7] = 9;
	cr_assert_eq(arp_parse(p, sizeof(p), &v), 0);
	cr_assert_eq(v.op, 9);
}

Test(arp, emit_reports_enobufs_for_every_short_buffer)
{
	struct arp_view v = view_of(&golden_arp[0]);
	uint8_t out[ARP_LEN];

	for (size_t cap = 0; cap < ARP_LEN; cap++)
		cr_assert_eq(arp_emit(out, cap, &v), -ENOBUFS, "cap %zu", cap);
	cr_assert_eq(arp_emit(out, ARP_LEN, &v), ARP_LEN);
}

Test(arp, emit_rejects_views_that_are_not_ethernet_ipv4)
{
	struct arp_view v = view_of(&golden_arp[0]);
	uint8_t out[64];

	v.hlen = 8;
	cr_assert_eq(arp_emit(out, sizeof(out), &v), -EINVAL);
	v = view_of(&golden_arp[0]);
	v.plen = 16;
	cr_assert_eq(arp_emit(out, sizeof(out), &v), -EINVAL);
	v = view_of(&golden_arp[0]);
	v.htype = 6;
	cr_assert_eq(arp_emit(out, sizeof(out), &v), -EINVAL);
	v = view_of(&golden_arp[0]);
	v.ptype = 0x86dd;
	cr_assert_eq(arp_emit(out, sizeof(out), &v), -EINVAL);
}
