// SPDX-License-Identifier: MIT
/*
 * test_ipv6.c - the IPv6 header and extension-header walk against scapy
 */
#include <errno.h>

#include "testutil.h"
#include "wire/ipv6.h"

struct golden_ipv6 {
	const char *name;
	const uint8_t *frame;
	const uint8_t *src, *dst;
	const uint8_t *payload;
	const uint8_t *upper;
	const uint8_t *hbh_opt_types;
	const uint8_t *dst_opt_types;
	size_t len;
	size_t src_len, dst_len;
	size_t payload_len;
	size_t upper_len, upper_off, nh_off;
	size_t hbh_opt_types_len;
	size_t dst_opt_types_len;
	size_t rh_off;
	size_t frag_hdr_off;
	size_t emit_len; /* bytes before any trailing pad; 0: all of them */
	uint32_t flow_label;
	uint32_t frag_id;
	unsigned int n_ext;
	unsigned int n_dstopts;
	uint16_t ra_value;
	uint16_t frag_off;
	uint8_t tclass;
	uint8_t next_header, hop_limit;
	uint8_t upper_proto;
	uint8_t rh_type, rh_segs_left;
	uint8_t frag_nh;
	bool have_hbh;
	bool ra_present;
	bool have_rh;
	bool have_frag;
	bool frag_more;
};

#include "../fixtures/golden_ipv6.h"

#define NAME(g) "%s", (g)->name

static size_t emit_len(const struct golden_ipv6 *g)
{
	return g->emit_len ? g->emit_len : g->len;
}

static struct ip6_view view_of(const struct golden_ipv6 *g)
{
	struct ip6_view v = {
		.tclass = g->tclass,
		.flow_label = g->flow_label,
		.next_header = g->next_header,
		.hop_limit = g->hop_limit,
		.payload = g->payload,
		.payload_len = g->payload_len,
	};

	memcpy(v.src.b, g->src, IP6_LEN);
	memcpy(v.dst.b, g->dst, IP6_LEN);
	return v;
}

/* The option types an options area holds, in order, padding included. */
static size_t opt_types(const uint8_t *opts, size_t len, uint8_t *types,
			size_t cap)
{
	struct ip6_opt_iter it;
	struct ip6_opt o;
	size_t n = 0;
	int rc;

	ip6_opt_iter_init(&it, opts, len);
	while ((rc = ip6_opt_next(&it, &o)) > 0) {
		cr_assert_lt(n, cap);
		types[n++] = o.type;
	}
	cr_assert_eq(rc, 0);
	return n;
}

Test(ipv6, golden_frames_parse_field_for_field)
{
	for (size_t i = 0; i < GOLDEN_IPV6_COUNT; i++) {
		const struct golden_ipv6 *g = &golden_ipv6[i];
		uint8_t *f = tu_exact(g->frame, g->len);
		uint8_t types[32];
		struct ip6_view v;
		size_t n;

		cr_assert_eq(ip6_parse(f, g->len, &v), 0, NAME(g));
		cr_assert_eq(v.tclass, g->tclass, NAME(g));
		cr_assert_eq(v.flow_label, g->flow_label, NAME(g));
		cr_assert_eq(v.next_header, g->next_header, NAME(g));
		cr_assert_eq(v.hop_limit, g->hop_limit, NAME(g));
		tu_assert_bytes(v.src.b, IP6_LEN, g->src, g->src_len, g->name);
		tu_assert_bytes(v.dst.b, IP6_LEN, g->dst, g->dst_len, g->name);
		tu_assert_bytes(v.payload, v.payload_len, g->payload,
				g->payload_len, g->name);
		cr_assert_eq(v.upper_proto, g->upper_proto, NAME(g));
		tu_assert_bytes(v.upper, v.upper_len, g->upper, g->upper_len,
				g->name);
		cr_assert_eq(v.upper_off, g->upper_off, NAME(g));
		cr_assert_eq(v.upper, f + g->upper_off, NAME(g));
		cr_assert_eq(v.nh_off, g->nh_off, NAME(g));
		cr_assert_eq(f[v.nh_off], v.upper_proto, NAME(g));
		cr_assert_eq(v.n_ext, g->n_ext, NAME(g));
		cr_assert_eq(v.have_hbh, g->have_hbh, NAME(g));
		cr_assert_eq(v.ra_present, g->ra_present, NAME(g));
		cr_assert_eq(v.ra_value, g->ra_value, NAME(g));
		cr_assert_eq(v.n_dstopts, g->n_dstopts, NAME(g));
		cr_assert_eq(v.have_rh, g->have_rh, NAME(g));
		cr_assert_eq(v.rh_type, g->rh_type, NAME(g));
		cr_assert_eq(v.rh_segs_left, g->rh_segs_left, NAME(g));
		cr_assert_eq(v.rh_off, g->rh_off, NAME(g));
		cr_assert_eq(v.have_frag, g->have_frag, NAME(g));
		cr_assert_eq(v.frag_off, g->frag_off, NAME(g));
		cr_assert_eq(v.frag_more, g->frag_more, NAME(g));
		cr_assert_eq(v.frag_id, g->frag_id, NAME(g));
		cr_assert_eq(v.frag_nh, g->frag_nh, NAME(g));
		cr_assert_eq(v.frag_hdr_off, g->frag_hdr_off, NAME(g));
		cr_assert_not(v.chain_incomplete, NAME(g));
		n = opt_types(v.hbh_opts, v.hbh_opts_len, types, sizeof(types));
		tu_assert_bytes(types, n, g->hbh_opt_types,
				g->hbh_opt_types_len, g->name);
		n = opt_types(v.dst_opts, v.dst_opts_len, types, sizeof(types));
		tu_assert_bytes(types, n, g->dst_opt_types,
				g->dst_opt_types_len, g->name);
		free(f);
	}
}

Test(ipv6, golden_frames_emit_byte_for_byte)
{
	for (size_t i = 0; i < GOLDEN_IPV6_COUNT; i++) {
		const struct golden_ipv6 *g = &golden_ipv6[i];
		struct ip6_view v = view_of(g);
		uint8_t out[2048];
		int n = ip6_emit(out, sizeof(out), &v);

		cr_assert_gt(n, 0, NAME(g));
		tu_assert_bytes(out, (size_t)n, g->frame, emit_len(g), g->name);
	}
}

/* The fragmenter's path: the Fragment header is built from the view. */
Test(ipv6, golden_fragments_emit_from_frag_fields)
{
	size_t done = 0;

	for (size_t i = 0; i < GOLDEN_IPV6_COUNT; i++) {
		const struct golden_ipv6 *g = &golden_ipv6[i];
		struct ip6_view v = view_of(g);
		uint8_t out[2048];
		int n;

		if (!g->have_frag || g->frag_hdr_off != IP6_HLEN)
			continue;
		v.have_frag = true;
		v.frag_off = g->frag_off;
		v.frag_more = g->frag_more;
		v.frag_id = g->frag_id;
		v.frag_nh = g->frag_nh;
		v.payload = g->payload + IP6_FRAG_HLEN;
		v.payload_len = g->payload_len - IP6_FRAG_HLEN;
		n = ip6_emit(out, sizeof(out), &v);
		cr_assert_eq(ip6_hdr_len(&v), IP6_HLEN + IP6_FRAG_HLEN);
		tu_assert_bytes(out, (size_t)n, g->frame, g->len, g->name);
		done++;
	}
	cr_assert_eq(done, 3);
}

Test(ipv6, emit_in_place_leaves_payload_where_it_is)
{
	for (size_t i = 0; i < GOLDEN_IPV6_COUNT; i++) {
		const struct golden_ipv6 *g = &golden_ipv6[i];
		struct ip6_view v = view_of(g);
		uint8_t out[2048];
		int n;

		if (g->payload_len)
			memcpy(out + IP6_HLEN, g->payload, g->payload_len);
		v.payload = out + IP6_HLEN;
		n = ip6_emit(out, sizeof(out), &v);
		cr_assert_eq(n, IP6_HLEN + (int)g->payload_len);
		tu_assert_bytes(out, (size_t)n, g->frame, emit_len(g), g->name);
	}
}

/*
 * IPv6 carries its own length: every cut short of Payload Length is
 * malformed, and cuts into the trailing pad still parse.
 */
Test(ipv6, truncation_at_every_byte)
{
	for (size_t i = 0; i < GOLDEN_IPV6_COUNT; i++) {
		const struct golden_ipv6 *g = &golden_ipv6[i];

		for (size_t n = 0; n < g->len; n++) {
			uint8_t *f = tu_exact(g->frame, n);
			struct ip6_view v;
			int rc = ip6_parse(f, n, &v);

			cr_assert_eq(rc, n < emit_len(g) ? -EBADMSG : 0,
				     "%s cut at %zu", g->name, n);
			free(f);
		}
	}
}

static int parse_bytes(const uint8_t *b, size_t n, struct ip6_view *v)
{
	uint8_t *f = tu_exact(b, n);
	int rc = ip6_parse(f, n, v);

	free(f);
	return rc;
}

/*
 * Build a packet: a fixed header with Next Header @nh from 2001:db8::1 to
 * 2001:db8::2 followed by @plen bytes of @pl; Payload Length says @plen.
 */
static size_t mk(uint8_t *out, uint8_t nh, const uint8_t *pl, size_t plen)
{
	static const uint8_t hdr[IP6_HLEN] = {
		0x60, 0, 0, 0, 0, 0, 0, 64, 0x20, 0x01, 0x0d, 0xb8, 0,	  0,
		0,    0, 0, 0, 0, 0, 0, 0,  0,	  1,	0x20, 0x01, 0x0d, 0xb8,
		0,    0, 0, 0, 0, 0, 0, 0,  0,	  0,	0,    2
	};

	memcpy(out, hdr, IP6_HLEN);
	st_be16(out + 4, (uint16_t)plen);
	out[6] = nh;
	if (plen)
		memcpy(out + IP6_HLEN, pl, plen);
	return IP6_HLEN + plen;
}

Test(ipv6, version_other_than_6_is_malformed)
{
	uint8_t f[64];
	struct ip6_view v;
	size_t n = mk(f, IP6_NH_NONE, NULL, 0);

	cr_assert_eq(parse_bytes(f, n, &v), 0);
	for (unsigned int ver = 0; ver < 16; ver++) {
		if (ver == 6)
			continue;
		f[0] = (uint8_t)(ver << 4);
		cr_assert_eq(parse_bytes(f, n, &v), -EBADMSG, "version %u",
			     ver);
	}
}

Test(ipv6, payload_length_past_frame_is_malformed)
{
	uint8_t f[64];
	struct ip6_view v;
	size_t n = mk(f, IP6_NH_UDP, (const uint8_t *)"12345678", 8);

	st_be16(f + 4, 9);
	cr_assert_eq(parse_bytes(f, n, &v), -EBADMSG);
	st_be16(f + 4, 0xffff);
	cr_assert_eq(parse_bytes(f, n, &v), -EBADMSG);
	st_be16(f + 4, 7);
	cr_assert_eq(parse_bytes(f, n, &v), 0);
	cr_assert_eq(v.upper_len, 7);
}

Test(ipv6, ext_header_length_past_payload_is_malformed)
{
	/* Destination Options claiming 16 bytes in an 8-byte payload. */
	const uint8_t pl[] = { IP6_NH_NONE, 1, IP6_OPT_PADN, 4, 0, 0, 0, 0 };
	uint8_t f[64];
	struct ip6_view v;
	size_t n = mk(f, IP6_NH_DSTOPTS, pl, sizeof(pl));

	cr_assert_eq(parse_bytes(f, n, &v), -EBADMSG);
	f[IP6_HLEN + 1] = 0;
	cr_assert_eq(parse_bytes(f, n, &v), 0);
	cr_assert_eq(v.n_dstopts, 1);
	cr_assert_eq(v.upper_proto, IP6_NH_NONE);
}

Test(ipv6, ext_header_cut_before_its_length_byte_is_malformed)
{
	const uint8_t pl[] = { IP6_NH_NONE };
	uint8_t f[64];
	struct ip6_view v;

	cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_HOPOPTS, pl, 1), &v),
		     -EBADMSG);
	cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_ROUTING, pl, 0), &v),
		     -EBADMSG);
}

/* Fill @pl with @count 8-byte Destination Options headers, then UDP. */
static size_t chain_of_dstopts(uint8_t *pl, unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		uint8_t *h = pl + (size_t)8 * i;

		h[0] = i + 1 < count ? IP6_NH_DSTOPTS : IP6_NH_NONE;
		h[1] = 0;
		h[2] = IP6_OPT_PADN;
		h[3] = 4;
		memset(h + 4, 0, 4);
	}
	return 8 * (size_t)count;
}

Test(ipv6, chain_longer_than_cap_is_malformed)
{
	uint8_t pl[8 * (IP6_EXT_MAX + 1)];
	uint8_t f[IP6_HLEN + sizeof(pl)];
	struct ip6_view v;
	size_t n;

	n = mk(f, IP6_NH_DSTOPTS, pl, chain_of_dstopts(pl, IP6_EXT_MAX));
	cr_assert_eq(parse_bytes(f, n, &v), 0);
	cr_assert_eq(v.n_ext, IP6_EXT_MAX);
	cr_assert_eq(v.n_dstopts, IP6_EXT_MAX);
	cr_assert_eq(v.ext[IP6_EXT_MAX - 1].off, IP6_HLEN + 8 * 15);
	cr_assert_eq(v.nh_off, IP6_HLEN + 8 * 15);
	n = mk(f, IP6_NH_DSTOPTS, pl, chain_of_dstopts(pl, IP6_EXT_MAX + 1));
	cr_assert_eq(parse_bytes(f, n, &v), -EBADMSG);
}

Test(ipv6, hop_by_hop_after_another_header_is_malformed)
{
	const uint8_t pl[] = { IP6_NH_HOPOPTS, 0, 1, 4, 0, 0, 0, 0,
			       IP6_NH_NONE,    0, 1, 4, 0, 0, 0, 0 };
	uint8_t f[64];
	struct ip6_view v;

	cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_DSTOPTS, pl, 16), &v),
		     -EBADMSG);
	/* Right after the fixed header it is fine, */
	cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_HOPOPTS, pl + 8, 8), &v), 0);
	cr_assert(v.have_hbh);
	/* but not twice. */
	cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_HOPOPTS, pl, 16), &v),
		     -EBADMSG);
}

Test(ipv6, fragment_header_truncated_is_malformed)
{
	const uint8_t pl[] = { IP6_NH_UDP, 0, 0, 0, 0, 0, 0, 1 };
	uint8_t f[64];
	struct ip6_view v;

	for (size_t n = 0; n < sizeof(pl); n++)
		cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_FRAGMENT, pl, n), &v),
			     -EBADMSG, "cut at %zu", n);
	cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_FRAGMENT, pl, 8), &v), 0);
	cr_assert(v.have_frag);
	cr_assert_eq(v.frag_id, 1);
}

Test(ipv6, routing_header_truncated_is_malformed)
{
	/* Type 0, Segments Left 1, one address: 24 bytes, Hdr Ext Len 2. */
	uint8_t pl[24] = { IP6_NH_NONE, 2, 0, 1 };
	uint8_t f[64];
	struct ip6_view v;

	pl[8] = 0x20;
	for (size_t n = 0; n < sizeof(pl); n++)
		cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_ROUTING, pl, n), &v),
			     -EBADMSG, "cut at %zu", n);
	cr_assert_eq(ip6_parse(f, mk(f, IP6_NH_ROUTING, pl, 24), &v), 0);
	cr_assert(v.have_rh);
	cr_assert_eq(v.rh_type, IP6_RT_TYPE0);
	cr_assert_eq(v.rh_segs_left, 1);
	cr_assert_eq(v.rh_off, IP6_HLEN);
	cr_assert_eq(v.rh_data, f + IP6_HLEN + 4);
	cr_assert_eq(v.rh_data_len, 20);
}

Test(ipv6, option_past_end_of_header_is_malformed)
{
	/* PadN claiming 5 data bytes where 4 are left. */
	const uint8_t pl[] = { IP6_NH_NONE, 0, IP6_OPT_PADN, 5, 0, 0, 0, 0 };
	uint8_t f[64];
	struct ip6_view v;

	cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_HOPOPTS, pl, 8), &v),
		     -EBADMSG);
	cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_DSTOPTS, pl, 8), &v),
		     -EBADMSG);
}

Test(ipv6, router_alert_with_wrong_length_is_malformed)
{
	uint8_t pl[] = { IP6_NH_NONE, 0, IP6_OPT_ROUTER_ALERT, 3, 0, 0, 0, 0 };
	uint8_t f[64];
	struct ip6_view v;

	cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_HOPOPTS, pl, 8), &v),
		     -EBADMSG);
	pl[3] = 2;
	cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_HOPOPTS, pl, 8), &v), 0);
	cr_assert(v.ra_present);
}

/*
 * Jumbograms (RFC 2675) are not supported: Payload Length 0 cannot hold
 * the Hop-by-Hop header, and a Jumbo Payload option is rejected outright.
 */
Test(ipv6, jumbograms_are_malformed)
{
	const uint8_t pl[] = { IP6_NH_UDP, 0, IP6_OPT_JUMBO, 4, 0, 1, 0, 0 };
	uint8_t f[64];
	struct ip6_view v;
	size_t n = mk(f, IP6_NH_HOPOPTS, pl, sizeof(pl));

	cr_assert_eq(parse_bytes(f, n, &v), -EBADMSG);
	st_be16(f + 4, 0);
	cr_assert_eq(parse_bytes(f, n, &v), -EBADMSG);
}

Test(ipv6, second_fragment_header_is_malformed)
{
	const uint8_t pl[] = { IP6_NH_FRAGMENT, 0, 0, 0, 0, 0, 0, 1,
			       IP6_NH_UDP,	0, 0, 0, 0, 0, 0, 2 };
	uint8_t f[64];
	struct ip6_view v;

	cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_FRAGMENT, pl, 16), &v),
		     -EBADMSG);
}

Test(ipv6, later_fragment_is_not_walked_past_its_fragment_header)
{
	/* Offset 8: what follows is data, however much it looks like DstOpt. */
	const uint8_t pl[] = { IP6_NH_DSTOPTS, 0, 0, 8, 0, 0, 0, 9,
			       IP6_NH_NONE,    9, 9, 9 };
	uint8_t f[64];
	struct ip6_view v;

	cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_FRAGMENT, pl, 12), &v), 0);
	cr_assert_eq(v.frag_off, 8);
	cr_assert_eq(v.upper_proto, IP6_NH_DSTOPTS);
	cr_assert_eq(v.nh_off, IP6_HLEN);
	cr_assert_eq(v.upper_len, 4);
	cr_assert_eq(v.n_dstopts, 0);
}

Test(ipv6, first_fragment_without_whole_chain_is_flagged)
{
	/* M set, offset 0, then Destination Options claiming 16 bytes. */
	const uint8_t pl[] = { IP6_NH_DSTOPTS, 0, 0, 1, 0, 0, 0, 9,
			       IP6_NH_UDP,     1, 1, 4, 0, 0, 0, 0 };
	uint8_t f[64];
	struct ip6_view v;

	cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_FRAGMENT, pl, 16), &v), 0);
	cr_assert(v.chain_incomplete);
	cr_assert_eq(v.upper_proto, IP6_NH_DSTOPTS);
	/* The same chain without M is a whole packet, and malformed. */
	f[IP6_HLEN + 3] = 0;
	cr_assert_eq(parse_bytes(f, IP6_HLEN + 16, &v), -EBADMSG);
	/* A first fragment that ends right after the chain lacks its L4. */
	f[IP6_HLEN + 3] = 1;
	cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_FRAGMENT, pl, 8), &v), 0);
	cr_assert(v.chain_incomplete);
}

Test(ipv6, option_walker_reports_offsets_and_unknown_actions)
{
	const uint8_t opts[] = { IP6_OPT_PAD1, 0x3e, 1, 'a', 0xc7, 0,
				 IP6_OPT_PADN, 0 };
	struct ip6_opt_iter it;
	struct ip6_opt o;

	ip6_opt_iter_init(&it, opts, sizeof(opts));
	cr_assert_eq(ip6_opt_next(&it, &o), 1);
	cr_assert_eq(o.type, IP6_OPT_PAD1);
	cr_assert_eq(o.off, 0);
	cr_assert_eq(ip6_opt_next(&it, &o), 1);
	cr_assert_eq(o.type, 0x3e);
	cr_assert_eq(o.off, 1);
	cr_assert_eq(o.len, 1);
	cr_assert_eq(o.data[0], 'a');
	cr_assert_eq(ip6_opt_action(o.type), IP6_OPT_SKIP);
	cr_assert(ip6_opt_may_change(o.type));
	cr_assert_eq(ip6_opt_next(&it, &o), 1);
	cr_assert_eq(o.off, 4);
	cr_assert_eq(ip6_opt_action(o.type), IP6_OPT_DISCARD_ICMP_UCAST);
	cr_assert_not(ip6_opt_may_change(o.type));
	cr_assert_eq(ip6_opt_next(&it, &o), 1);
	cr_assert_eq(o.type, IP6_OPT_PADN);
	cr_assert_eq(ip6_opt_next(&it, &o), 0);
	cr_assert_eq(ip6_opt_action(0x40), IP6_OPT_DISCARD);
	cr_assert_eq(ip6_opt_action(0x80), IP6_OPT_DISCARD_ICMP);
}

Test(ipv6, option_walker_error_is_sticky)
{
	const uint8_t opts[] = { IP6_OPT_PADN };
	struct ip6_opt_iter it;
	struct ip6_opt o;

	ip6_opt_iter_init(&it, opts, sizeof(opts));
	cr_assert_eq(ip6_opt_next(&it, &o), -EBADMSG);
	cr_assert_eq(ip6_opt_next(&it, &o), -EBADMSG);
}

Test(ipv6, hbh_router_alert_parses_back)
{
	uint8_t pl[8];
	uint8_t f[64];
	struct ip6_view v;

	cr_assert_eq(ip6_hbh_router_alert(pl, 7, IP6_NH_ICMPV6, IP6_RA_MLD),
		     -ENOBUFS);
	cr_assert_eq(ip6_hbh_router_alert(pl, 8, IP6_NH_ICMPV6, IP6_RA_MLD), 8);
	cr_assert_eq(parse_bytes(f, mk(f, IP6_NH_HOPOPTS, pl, 8), &v), 0);
	cr_assert(v.ra_present);
	cr_assert_eq(v.ra_value, IP6_RA_MLD);
	cr_assert_eq(v.upper_proto, IP6_NH_ICMPV6);
	cr_assert_eq(v.nh_off, IP6_HLEN);
}

Test(ipv6, emit_reports_enobufs_for_every_short_buffer)
{
	const struct golden_ipv6 *g = &golden_ipv6[0];
	struct ip6_view v = view_of(g);
	uint8_t out[2048];

	for (size_t cap = 0; cap < g->len; cap++)
		cr_assert_eq(ip6_emit(out, cap, &v), -ENOBUFS, "cap %zu", cap);
	cr_assert_eq(ip6_emit(out, g->len, &v), (int)g->len);
}

Test(ipv6, emit_rejects_views_that_cannot_be_encoded)
{
	static uint8_t big[IP6_MAX_PAYLOAD + 1];
	static uint8_t out[IP6_HLEN + sizeof(big) + IP6_FRAG_HLEN];
	struct ip6_view v = { .next_header = IP6_NH_UDP,
			      .payload = big,
			      .payload_len = sizeof(big) };

	cr_assert_eq(ip6_emit(out, sizeof(out), &v), -EINVAL);
	v.payload_len = IP6_MAX_PAYLOAD;
	cr_assert_eq(ip6_emit(out, sizeof(out), &v),
		     IP6_HLEN + IP6_MAX_PAYLOAD);
	v.have_frag = true;
	v.next_header = IP6_NH_FRAGMENT;
	cr_assert_eq(ip6_emit(out, sizeof(out), &v), -EINVAL);
	v.payload_len = IP6_MAX_PAYLOAD - IP6_FRAG_HLEN;
	cr_assert_gt(ip6_emit(out, sizeof(out), &v), 0);
	v.frag_off = 4;
	cr_assert_eq(ip6_emit(out, sizeof(out), &v), -EINVAL);
	v.frag_off = 8;
	v.next_header = IP6_NH_UDP;
	cr_assert_eq(ip6_emit(out, sizeof(out), &v), -EINVAL);
	v.have_frag = false;
	v.flow_label = 0x100000;
	cr_assert_eq(ip6_emit(out, sizeof(out), &v), -EINVAL);
}
