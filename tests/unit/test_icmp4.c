// SPDX-License-Identifier: MIT
/*
 * test_icmp4.c - ICMPv4 messages against scapy's
 */
#include <errno.h>

#include "testutil.h"
#include "wire/icmp4.h"
#include "wire/ipv4.h"

struct golden_icmp4 {
	const char *name;
	const uint8_t *frame;
	size_t len;
	const uint8_t *payload;
	size_t payload_len;
	uint32_t rest, gateway;
	uint16_t csum, id, seq, mtu;
	uint8_t type, code, pointer;
	bool error;
};

#include "../fixtures/golden_icmp4.h"

static struct icmp4_view view_of(const struct golden_icmp4 *g)
{
	struct icmp4_view v = {
		.type = g->type,
		.code = g->code,
		.id = g->id,
		.seq = g->seq,
		.mtu = g->mtu,
		.pointer = g->pointer,
		.gateway = g->gateway,
		.payload = g->payload,
		.payload_len = g->payload_len,
	};

	/* Only types without typed fields take their bytes 4-7 from rest. */
	if (!icmp4_has_typed_rest(g->type))
		v.rest = g->rest;
	return v;
}

static int parse_bytes(const uint8_t *b, size_t n)
{
	uint8_t *f = tu_exact(b, n);
	struct icmp4_view v;
	int rc = icmp4_parse(f, n, &v);

	free(f);
	return rc;
}

Test(icmp4, golden_messages_parse_field_for_field)
{
	for (size_t i = 0; i < GOLDEN_ICMP4_COUNT; i++) {
		const struct golden_icmp4 *g = &golden_icmp4[i];
		uint8_t *f = tu_exact(g->frame, g->len);
		struct icmp4_view v;

		cr_assert_eq(icmp4_parse(f, g->len, &v), 0, "%s", g->name);
		cr_assert_eq(v.type, g->type, "%s", g->name);
		cr_assert_eq(v.code, g->code, "%s", g->name);
		cr_assert_eq(v.csum, g->csum, "%s", g->name);
		cr_assert_eq(v.rest, g->rest, "%s", g->name);
		cr_assert_eq(v.id, g->id, "%s", g->name);
		cr_assert_eq(v.seq, g->seq, "%s", g->name);
		cr_assert_eq(v.mtu, g->mtu, "%s", g->name);
		cr_assert_eq(v.pointer, g->pointer, "%s", g->name);
		cr_assert_eq(v.gateway, g->gateway, "%s", g->name);
		tu_assert_bytes(v.payload, v.payload_len, g->payload,
				g->payload_len, g->name);
		cr_assert_eq(icmp4_is_error(v.type), g->error, "%s", g->name);
		cr_assert(icmp4_csum_ok(f, g->len), "%s", g->name);
		free(f);
	}
}

Test(icmp4, golden_messages_emit_byte_for_byte)
{
	for (size_t i = 0; i < GOLDEN_ICMP4_COUNT; i++) {
		const struct golden_icmp4 *g = &golden_icmp4[i];
		struct icmp4_view v = view_of(g);
		uint8_t out[2048];
		int n = icmp4_emit(out, sizeof(out), &v);

		cr_assert_eq(n, (int)g->len, "%s", g->name);
		tu_assert_bytes(out, (size_t)n, g->frame, g->len, g->name);
	}
}

Test(icmp4, emit_in_place_leaves_payload_where_it_is)
{
	for (size_t i = 0; i < GOLDEN_ICMP4_COUNT; i++) {
		const struct golden_icmp4 *g = &golden_icmp4[i];
		struct icmp4_view v = view_of(g);
		uint8_t out[2048];
		int n;

		if (g->payload_len)
			memcpy(out + ICMP4_HLEN, g->payload, g->payload_len);
		v.payload = out + ICMP4_HLEN;
		n = icmp4_emit(out, sizeof(out), &v);
		cr_assert_eq(n, (int)g->len, "%s", g->name);
		tu_assert_bytes(out, (size_t)n, g->frame, g->len, g->name);
	}
}

/*
 * ICMP has no length of its own (the IPv4 total length is it), so a cut
 * message is a shorter one until it is too short for its type.
 */
Test(icmp4, truncation_at_every_byte)
{
	for (size_t i = 0; i < GOLDEN_ICMP4_COUNT; i++) {
		const struct golden_icmp4 *g = &golden_icmp4[i];
		size_t need = ICMP4_HLEN;

		if (g->error)
			need += ICMP4_ERR_MIN_QUOTE;
		else if (g->type == ICMP4_TIMESTAMP ||
			 g->type == ICMP4_TIMESTAMP_REPLY)
			need += ICMP4_TIMESTAMP_LEN;
		for (size_t n = 0; n <= g->len; n++) {
			uint8_t *f = tu_exact(g->frame, n);
			struct icmp4_view v;
			int rc = icmp4_parse(f, n, &v);

			if (n < need) {
				cr_assert_eq(rc, -EBADMSG, "%s cut at %zu",
					     g->name, n);
			} else {
				cr_assert_eq(rc, 0, "%s cut at %zu", g->name,
					     n);
				cr_assert_eq(v.payload_len, n - ICMP4_HLEN);
				if (n == g->len)
					cr_assert(icmp4_csum_ok(f, n));
			}
			free(f);
		}
	}
}

Test(icmp4, too_short_for_its_type_is_malformed)
{
	static const struct {
		uint8_t type;
		size_t len; /* one byte short */
	} t[] = {
		{ ICMP4_ECHO_REQUEST, 7 },
		{ ICMP4_ECHO_REPLY, 7 },
		{ 42, 7 },
		{ ICMP4_TIMESTAMP, 19 },
		{ ICMP4_TIMESTAMP_REPLY, 19 },
		{ ICMP4_DEST_UNREACH, 35 },
		{ ICMP4_SOURCE_QUENCH, 35 },
		{ ICMP4_REDIRECT, 35 },
		{ ICMP4_TIME_EXCEEDED, 35 },
		{ ICMP4_PARAM_PROBLEM, 35 },
	};
	uint8_t b[64] = { 0 };

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		b[0] = t[i].type;
		cr_assert_eq(parse_bytes(b, t[i].len), -EBADMSG, "type %u",
			     t[i].type);
		cr_assert_eq(parse_bytes(b, t[i].len + 1), 0, "type %u",
			     t[i].type);
	}
}

Test(icmp4, mtu_is_read_only_for_frag_needed)
{
	uint8_t b[36] = {
		ICMP4_DEST_UNREACH, ICMP4_UNREACH_PORT, 0, 0, 0, 0, 0x05, 0xdc
	};
	struct icmp4_view v;
	uint8_t out[64];

	cr_assert_eq(icmp4_parse(b, sizeof(b), &v), 0);
	cr_assert_eq(v.mtu, 0);
	cr_assert_eq(v.rest, 0x5dc);
	/* Emit writes the unused word as zero (RFC 792). */
	cr_assert_eq(icmp4_emit(out, sizeof(out), &v), 36);
	cr_assert_eq(out[6], 0);
	cr_assert_eq(out[7], 0);
	b[1] = ICMP4_UNREACH_FRAG_NEEDED;
	cr_assert_eq(icmp4_parse(b, sizeof(b), &v), 0);
	cr_assert_eq(v.mtu, 1500);
}

Test(icmp4, quoted_datagram_parses_with_ipv4_parse_quoted)
{
	const struct golden_icmp4 *g = NULL;
	struct icmp4_view v;
	struct ipv4_view ip;

	for (size_t i = 0; i < GOLDEN_ICMP4_COUNT; i++)
		if (!strcmp(golden_icmp4[i].name, "unreach_frag_needed"))
			g = &golden_icmp4[i];
	cr_assert_not_null(g);
	cr_assert_eq(icmp4_parse(g->frame, g->len, &v), 0);
	cr_assert_eq(ipv4_parse(v.payload, v.payload_len, &ip), -EBADMSG);
	cr_assert_eq(ipv4_parse_quoted(v.payload, v.payload_len, &ip), 0);
	cr_assert_eq(ip.proto, IPV4_PROTO_UDP);
	cr_assert_eq(ip.src, 0xc0000201);
	cr_assert_geq(ip.payload_len, 8);
}

Test(icmp4, csum_ok_is_safe_on_short_input)
{
	static const uint8_t z[8] = { 0 };

	cr_assert_not(icmp4_csum_ok(z, 7));
	cr_assert_not(icmp4_csum_ok(NULL, 0));
	cr_assert_not(icmp4_csum_ok(z, 8)); /* all zero sums to 0xffff */
}

Test(icmp4, failed_parse_leaves_no_stale_fields)
{
	const struct golden_icmp4 *g = &golden_icmp4[0];
	struct icmp4_view v;

	memset(&v, 0xa5, sizeof(v));
	cr_assert_eq(icmp4_parse(g->frame, 5, &v), -EBADMSG);
	cr_assert_eq(v.type, 0);
	cr_assert_eq(v.rest, 0);
	cr_assert_null(v.payload);
}

Test(icmp4, emit_reports_enobufs_for_every_short_buffer)
{
	const struct golden_icmp4 *g = &golden_icmp4[0];
	struct icmp4_view v = view_of(g);
	uint8_t out[2048];

	for (size_t cap = 0; cap < g->len; cap++)
		cr_assert_eq(icmp4_emit(out, cap, &v), -ENOBUFS, "cap %zu",
			     cap);
	cr_assert_eq(icmp4_emit(out, g->len, &v), (int)g->len);
}

Test(icmp4, emit_rejects_bodies_too_short_for_the_type)
{
	static const uint8_t q[ICMP4_ERR_MIN_QUOTE] = { 0x45 };
	struct icmp4_view v = { .type = ICMP4_TIME_EXCEEDED,
				.payload = q,
				.payload_len = sizeof(q) - 1 };
	uint8_t out[64];

	cr_assert_eq(icmp4_emit(out, sizeof(out), &v), -EINVAL);
	v.payload_len = sizeof(q);
	cr_assert_eq(icmp4_emit(out, sizeof(out), &v), 8 + (int)sizeof(q));
	v.type = ICMP4_TIMESTAMP;
	v.payload_len = ICMP4_TIMESTAMP_LEN - 1;
	cr_assert_eq(icmp4_emit(out, sizeof(out), &v), -EINVAL);
}
