// SPDX-License-Identifier: MIT
/*
 * test_ipv4.c - IPv4 headers and options against scapy's datagrams
 */
#include <errno.h>

#include "testutil.h"
#include "wire/ipv4.h"

struct golden_ipv4 {
	const char *name;
	const uint8_t *frame;
	size_t len;
	const uint8_t *opts, *payload;
	size_t opts_len, payload_len;
	size_t emit_len; /* the datagram without link pad */
	uint32_t src, dst;
	uint16_t total_len, id, frag_off, csum, router_alert;
	uint8_t ihl, dscp, ecn, ttl, proto;
	uint8_t rr_off, ts_off, ra_off, n_unknown;
	bool rf, df, mf;
	bool csum_ok;
	bool has_rr, has_ts, has_lsrr, has_ssrr, has_ra, has_source_route;
};

#include "../fixtures/golden_ipv4.h"

static struct ipv4_view view_of(const struct golden_ipv4 *g)
{
	struct ipv4_view v = {
		.dscp = g->dscp,
		.ecn = g->ecn,
		.id = g->id,
		.rf = g->rf,
		.df = g->df,
		.mf = g->mf,
		.frag_off = g->frag_off,
		.ttl = g->ttl,
		.proto = g->proto,
		.src = g->src,
		.dst = g->dst,
		.opts = g->opts,
		.opts_len = g->opts_len,
		.payload = g->payload,
		.payload_len = g->payload_len,
	};

	return v;
}

static int parse_bytes(const uint8_t *b, size_t n)
{
	uint8_t *f = tu_exact(b, n);
	struct ipv4_view v;
	int rc = ipv4_parse(f, n, &v);

	free(f);
	return rc;
}

Test(ipv4, golden_datagrams_parse_field_for_field)
{
	for (size_t i = 0; i < GOLDEN_IPV4_COUNT; i++) {
		const struct golden_ipv4 *g = &golden_ipv4[i];
		uint8_t *f = tu_exact(g->frame, g->len);
		struct ipv4_view v;

		cr_assert_eq(ipv4_parse(f, g->len, &v), 0, "%s", g->name);
		cr_assert_eq(v.ihl, g->ihl, "%s", g->name);
		cr_assert_eq(v.dscp, g->dscp, "%s", g->name);
		cr_assert_eq(v.ecn, g->ecn, "%s", g->name);
		cr_assert_eq(v.total_len, g->total_len, "%s", g->name);
		cr_assert_eq(v.id, g->id, "%s", g->name);
		cr_assert_eq(v.rf, g->rf, "%s", g->name);
		cr_assert_eq(v.df, g->df, "%s", g->name);
		cr_assert_eq(v.mf, g->mf, "%s", g->name);
		cr_assert_eq(v.frag_off, g->frag_off, "%s", g->name);
		cr_assert_eq(v.ttl, g->ttl, "%s", g->name);
		cr_assert_eq(v.proto, g->proto, "%s", g->name);
		cr_assert_eq(v.csum, g->csum, "%s", g->name);
		cr_assert_eq(v.src, g->src, "%s", g->name);
		cr_assert_eq(v.dst, g->dst, "%s", g->name);
		tu_assert_bytes(v.opts, v.opts_len, g->opts, g->opts_len,
				g->name);
		tu_assert_bytes(v.payload, v.payload_len, g->payload,
				g->payload_len, g->name);
		cr_assert_eq(ipv4_csum_ok(f, g->len), g->csum_ok, "%s",
			     g->name);
		cr_assert_eq(ipv4_is_fragment(&v), g->mf || g->frag_off, "%s",
			     g->name);

		cr_assert_eq(v.opt.rr.present, g->has_rr, "%s", g->name);
		cr_assert_eq(v.opt.rr.off, g->rr_off, "%s", g->name);
		cr_assert_eq(v.opt.ts.present, g->has_ts, "%s", g->name);
		cr_assert_eq(v.opt.ts.off, g->ts_off, "%s", g->name);
		cr_assert_eq(v.opt.lsrr.present, g->has_lsrr, "%s", g->name);
		cr_assert_eq(v.opt.ssrr.present, g->has_ssrr, "%s", g->name);
		cr_assert_eq(v.opt.ra.present, g->has_ra, "%s", g->name);
		cr_assert_eq(v.opt.ra.off, g->ra_off, "%s", g->name);
		cr_assert_eq(v.opt.router_alert, g->router_alert, "%s",
			     g->name);
		cr_assert_eq(v.opt.has_source_route, g->has_source_route, "%s",
			     g->name);
		cr_assert_eq(v.opt.n_unknown, g->n_unknown, "%s", g->name);
		free(f);
	}
}

Test(ipv4, golden_datagrams_emit_byte_for_byte)
{
	for (size_t i = 0; i < GOLDEN_IPV4_COUNT; i++) {
		const struct golden_ipv4 *g = &golden_ipv4[i];
		struct ipv4_view v = view_of(g);
		uint8_t out[2048];
		int n = ipv4_emit(out, sizeof(out), &v);

		cr_assert_eq(n, (int)g->emit_len, "%s", g->name);
		cr_assert(ipv4_csum_ok(out, (size_t)n), "%s", g->name);
		if (!g->csum_ok) {
			/* Emit computes the right sum where scapy was told
			 * a wrong one; compare the rest. */
			cr_assert_neq(out[10] << 8 | out[11], g->csum);
			out[10] = g->frame[10];
			out[11] = g->frame[11];
		}
		tu_assert_bytes(out, (size_t)n, g->frame, g->emit_len, g->name);
	}
}

Test(ipv4, emit_in_place_leaves_payload_where_it_is)
{
	for (size_t i = 0; i < GOLDEN_IPV4_COUNT; i++) {
		const struct golden_ipv4 *g = &golden_ipv4[i];
		struct ipv4_view v = view_of(g);
		int hlen = ipv4_hdr_len(&v);
		uint8_t out[2048];
		int n;

		if (!g->csum_ok)
			continue;
		cr_assert_eq(hlen, g->ihl * 4, "%s", g->name);
		memcpy(out + hlen, g->payload, g->payload_len);
		v.payload = out + hlen;
		n = ipv4_emit(out, sizeof(out), &v);
		cr_assert_eq(n, (int)g->emit_len, "%s", g->name);
		tu_assert_bytes(out, (size_t)n, g->frame, g->emit_len, g->name);
	}
}

/* Rewriting a parsed datagram in its own buffer (a TTL decrement). */
Test(ipv4, emit_over_its_own_parse_rewrites_in_place)
{
	const struct golden_ipv4 *g = &golden_ipv4[4]; /* opt_rr_nop_eol */
	uint8_t buf[128];
	struct ipv4_view v;
	int n;

	cr_assert_str_eq(g->name, "opt_rr_nop_eol");
	memcpy(buf, g->frame, g->len);
	cr_assert_eq(ipv4_parse(buf, g->len, &v), 0);
	v.ttl--;
	n = ipv4_emit(buf, sizeof(buf), &v);
	cr_assert_eq(n, (int)g->emit_len);
	cr_assert(ipv4_csum_ok(buf, g->len));
	cr_assert_eq(buf[8], g->frame[8] - 1);
	tu_assert_bytes(buf + 20, (size_t)n - 20, g->frame + 20, g->len - 20,
			g->name);
}

/* IPv4 carries its own length: any cut short of it is malformed. */
Test(ipv4, truncation_at_every_byte)
{
	for (size_t i = 0; i < GOLDEN_IPV4_COUNT; i++) {
		const struct golden_ipv4 *g = &golden_ipv4[i];

		for (size_t n = 0; n <= g->len; n++) {
			uint8_t *f = tu_exact(g->frame, n);
			struct ipv4_view v;
			int rc = ipv4_parse(f, n, &v);

			if (n < g->emit_len) {
				cr_assert_eq(rc, -EBADMSG, "%s cut at %zu",
					     g->name, n);
			} else {
				cr_assert_eq(rc, 0, "%s cut at %zu", g->name,
					     n);
				cr_assert_eq(v.payload_len, g->payload_len);
			}
			free(f);
		}
	}
}

/* A quoted datagram may be cut anywhere after its header. */
Test(ipv4, quoted_parse_takes_any_cut_after_the_header)
{
	for (size_t i = 0; i < GOLDEN_IPV4_COUNT; i++) {
		const struct golden_ipv4 *g = &golden_ipv4[i];
		size_t hlen = (size_t)g->ihl * 4;

		for (size_t n = 0; n <= g->len; n++) {
			uint8_t *f = tu_exact(g->frame, n);
			struct ipv4_view v;
			int rc = ipv4_parse_quoted(f, n, &v);

			if (n < hlen) {
				cr_assert_eq(rc, -EBADMSG, "%s cut at %zu",
					     g->name, n);
			} else {
				size_t end = n < g->emit_len ? n : g->emit_len;

				cr_assert_eq(rc, 0, "%s cut at %zu", g->name,
					     n);
				cr_assert_eq(v.total_len, g->total_len);
				cr_assert_eq(v.payload_len, end - hlen);
				cr_assert_eq(v.src, g->src);
			}
			free(f);
		}
	}
}

/* A minimal header: 20 bytes, total length 28, 8 bytes of payload. */
static void hdr(uint8_t *b)
{
	static const uint8_t h[28] = {
		0x45, 0, 0,    28,   0,	   1, 0, 0, 64, 17, 0, 0, 0xc0, 0,
		2,    1, 0xc6, 0x33, 0x64, 7, 1, 2, 3,	4,  5, 6, 7,	8,
	};

	memcpy(b, h, sizeof(h));
}

Test(ipv4, ihl_below_5_is_malformed)
{
	uint8_t b[28];

	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		hdr(b);
		b[0] = (uint8_t)(0x40 | ihl);
		cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG, "ihl %u",
			     ihl);
		cr_assert_eq(ipv4_parse_quoted(b, sizeof(b),
					       &(struct ipv4_view){ 0 }),
			     -EBADMSG);
		cr_assert_not(ipv4_csum_ok(b, sizeof(b)));
	}
}

Test(ipv4, ihl_past_total_length_is_malformed)
{
	uint8_t b[28];

	hdr(b);
	b[0] = 0x47; /* 28-byte header, NOP options */
	b[20] = b[21] = b[22] = b[23] = b[24] = b[25] = b[26] = b[27] = 1;
	b[3] = 24; /* but only 24 bytes in all */
	cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG);
	b[3] = 28;
	cr_assert_eq(parse_bytes(b, sizeof(b)), 0);
}

Test(ipv4, ihl_past_received_bytes_is_malformed)
{
	uint8_t b[28];

	hdr(b);
	b[0] = 0x4f; /* 60-byte header in 28 bytes */
	b[3] = 60;
	cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG);
	cr_assert_eq(ipv4_parse_quoted(b, sizeof(b), &(struct ipv4_view){ 0 }),
		     -EBADMSG);
	cr_assert_not(ipv4_csum_ok(b, sizeof(b)));
}

Test(ipv4, total_length_past_frame_is_malformed)
{
	uint8_t b[28];

	hdr(b);
	b[3] = 29;
	cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG);
	b[2] = 0xff, b[3] = 0xff;
	cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG);
}

Test(ipv4, total_length_below_header_is_malformed)
{
	uint8_t b[28];

	hdr(b);
	for (uint8_t tl = 0; tl < 20; tl++) {
		b[3] = tl;
		cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG, "tl %u", tl);
	}
	b[0] = 0x46; /* 24-byte header, total 20 */
	b[3] = 20;
	cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG);
}

Test(ipv4, total_length_equal_to_header_has_empty_payload)
{
	uint8_t b[28];
	struct ipv4_view v;

	hdr(b);
	b[3] = 20;
	cr_assert_eq(ipv4_parse(b, sizeof(b), &v), 0);
	cr_assert_eq(v.payload_len, 0);
	cr_assert_null(v.payload);
}

Test(ipv4, version_other_than_4_is_malformed)
{
	static const uint8_t vers[] = { 0, 1, 5, 6, 15 };
	uint8_t b[28];

	for (size_t i = 0; i < sizeof(vers); i++) {
		hdr(b);
		b[0] = (uint8_t)(vers[i] << 4 | 5);
		cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG, "version %u",
			     vers[i]);
	}
}

/* An IPv6 header handed to the IPv4 parser. */
Test(ipv4, ipv6_header_is_malformed)
{
	uint8_t b[48] = { 0x60, 0, 0, 0, 0, 8, 17, 64 };

	cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG);
}

Test(ipv4, fragment_past_65535_is_malformed)
{
	uint8_t b[28];
	struct ipv4_view v;

	hdr(b);
	/* Offset 65528 + 8 bytes = 65536: one byte too many. */
	b[6] = 0x1f, b[7] = 0xff;
	cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG);
	/* Offset 65520 + 8 = 65528 fits. */
	b[7] = 0xfe;
	cr_assert_eq(ipv4_parse(b, sizeof(b), &v), 0);
	cr_assert_eq(v.frag_off, 65520);
	/* Offset 65528 + 7 = 65535 is the last byte a datagram has. */
	b[7] = 0xff, b[3] = 27;
	cr_assert_eq(ipv4_parse(b, sizeof(b), &v), 0);
	cr_assert_eq(v.payload_len, 7);
	/* The same with MF set (a "ping of death" middle fragment). */
	b[6] = 0x3f, b[3] = 28;
	cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG);
}

/* Build a datagram with the given options (padded with EOL) and parse it. */
static int parse_opts(const uint8_t *o, size_t n, struct ipv4_view *v)
{
	static const uint8_t data[4] = { 0xa, 0xb, 0xc, 0xd };
	uint8_t b[IPV4_MAX_HLEN + 4] = { 0 };
	size_t hlen = IPV4_HLEN + ((n + 3) & ~(size_t)3);
	uint8_t *f;
	int rc;

	cr_assert_leq(hlen, IPV4_MAX_HLEN);
	hdr(b);
	memcpy(b + IPV4_HLEN, o, n);
	memset(b + IPV4_HLEN + n, 0, hlen - IPV4_HLEN - n);
	memcpy(b + hlen, data, sizeof(data));
	b[0] = (uint8_t)(0x40 | hlen / 4);
	b[3] = (uint8_t)(hlen + 4);
	f = tu_exact(b, hlen + 4);
	rc = ipv4_parse(f, hlen + 4, v);
	free(f);
	return rc;
}

Test(ipv4, malformed_options_table)
{
	static const struct {
		const char *what;
		uint8_t o[8];
		size_t n;
	} bad[] = {
		{ "length 0", { 0x88, 0, 0, 0 }, 4 },
		{ "length 1", { 0x88, 1, 0, 0 }, 4 },
		{ "length past end", { 0x88, 6, 0, 0 }, 4 },
		{ "length past end after nop", { 1, 1, 0x88, 3 }, 4 },
		{ "type without length", { 1, 1, 1, 0x88 }, 4 },
		{ "rr length 0", { 7, 0, 0, 0 }, 4 },
		{ "rr length 1", { 7, 1, 0, 0 }, 4 },
		{ "rr without pointer", { 7, 2, 0, 0 }, 4 },
		{ "lsrr without pointer", { 131, 2, 0, 0 }, 4 },
		{ "ssrr without pointer", { 137, 2, 0, 0 }, 4 },
		{ "ts without flags", { 68, 3, 5, 0 }, 4 },
		{ "router alert length 2", { 148, 2, 1, 1 }, 4 },
		{ "router alert length 6", { 148, 6, 0, 0, 0, 0, 0, 0 }, 8 },
		{ "rr twice", { 7, 3, 4, 7, 3, 4, 0, 0 }, 8 },
		{ "lsrr and ssrr", { 131, 3, 4, 137, 3, 4, 0, 0 }, 8 },
		{ "lsrr twice", { 131, 3, 4, 131, 3, 4, 0, 0 }, 8 },
	};
	struct ipv4_view v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ipv4_opts o;

		cr_assert_eq(parse_opts(bad[i].o, bad[i].n, &v), -EBADMSG, "%s",
			     bad[i].what);
		cr_assert_eq(ipv4_opts_parse(bad[i].o, bad[i].n, &o), -EBADMSG,
			     "%s", bad[i].what);
	}
}

Test(ipv4, option_length_past_header_into_payload_is_malformed)
{
	/* The option claims 8 bytes; the header has 4 of options. */
	static const uint8_t o[] = { 0x88, 8, 0, 0 };
	struct ipv4_view v;

	cr_assert_eq(parse_opts(o, sizeof(o), &v), -EBADMSG);
}

Test(ipv4, bytes_after_eol_are_padding)
{
	/* RFC 791 3.1: EOL ends the list; what follows is not walked. */
	static const uint8_t o[] = { 0, 0x88, 0, 0xff };
	struct ipv4_view v;

	cr_assert_eq(parse_opts(o, sizeof(o), &v), 0);
	cr_assert_eq(v.opt.n_unknown, 0);
	cr_assert_eq(v.opts_len, 4);
}

Test(ipv4, unknown_options_are_skipped_by_length)
{
	static const uint8_t o[] = { 0x1e, 3, 0, 1, 0x99, 2, 148, 4, 0, 7 };
	struct ipv4_opts opt;

	cr_assert_eq(ipv4_opts_parse(o, sizeof(o), &opt), 0);
	cr_assert_eq(opt.n_unknown, 2);
	cr_assert(opt.ra.present);
	cr_assert_eq(opt.ra.off, 6);
	cr_assert_eq(opt.ra.len, 4);
	cr_assert_eq(opt.router_alert, 7);
}

Test(ipv4, empty_and_nop_only_options_are_fine)
{
	static const uint8_t nops[] = { 1, 1, 1, 1 };
	struct ipv4_opts opt;

	cr_assert_eq(ipv4_opts_parse(NULL, 0, &opt), 0);
	cr_assert_eq(ipv4_opts_parse(nops, sizeof(nops), &opt), 0);
	cr_assert_not(opt.has_source_route);
}

Test(ipv4, source_route_behind_other_options_is_found)
{
	static const uint8_t o[] = { 1, 148, 4, 0, 0, 131, 7, 4, 1, 2, 3, 4 };
	struct ipv4_view v;

	cr_assert_eq(parse_opts(o, sizeof(o), &v), 0);
	cr_assert(v.opt.has_source_route);
	cr_assert(v.opt.lsrr.present);
	cr_assert_eq(v.opt.lsrr.off, 5);
	cr_assert_eq(v.opt.lsrr.len, 7);
}

Test(ipv4, csum_ok_is_safe_on_short_input)
{
	uint8_t b[28];

	hdr(b);
	cr_assert_not(ipv4_csum_ok(b, 19));
	cr_assert_not(ipv4_csum_ok(NULL, 0));
}

Test(ipv4, failed_parse_leaves_no_stale_fields)
{
	uint8_t b[28];
	struct ipv4_view v;

	hdr(b);
	b[3] = 40;
	memset(&v, 0xa5, sizeof(v));
	cr_assert_eq(ipv4_parse(b, sizeof(b), &v), -EBADMSG);
	cr_assert_eq(v.src, 0);
	cr_assert_eq(v.total_len, 0);
	cr_assert_null(v.payload);
}

Test(ipv4, emit_pads_options_with_eol)
{
	static const uint8_t ra[] = { 1, 1, 1 };
	struct ipv4_view v = { .ttl = 1, .proto = 2, .opts = ra, .opts_len = 3 };
	uint8_t out[64];
	struct ipv4_view w;

	memset(out, 0xee, sizeof(out));
	cr_assert_eq(ipv4_hdr_len(&v), 24);
	cr_assert_eq(ipv4_emit(out, sizeof(out), &v), 24);
	cr_assert_eq(out[0], 0x46);
	cr_assert_eq(out[23], IPV4_OPT_EOL);
	cr_assert(ipv4_csum_ok(out, 24));
	cr_assert_eq(ipv4_parse(out, 24, &w), 0);
	cr_assert_eq(w.opts_len, 4);
}

Test(ipv4, emit_reports_enobufs_for_every_short_buffer)
{
	const struct golden_ipv4 *g = &golden_ipv4[0];
	struct ipv4_view v = view_of(g);
	uint8_t out[2048];

	for (size_t cap = 0; cap < g->emit_len; cap++)
		cr_assert_eq(ipv4_emit(out, cap, &v), -ENOBUFS, "cap %zu", cap);
	cr_assert_eq(ipv4_emit(out, g->emit_len, &v), (int)g->emit_len);
}

Test(ipv4, emit_rejects_views_that_cannot_be_encoded)
{
	static uint8_t big[IPV4_MAX_LEN];
	static uint8_t out[IPV4_MAX_LEN + 64];
	struct ipv4_view v = { .payload = big, .payload_len = 8 };
	struct ipv4_view w;

	v.opts = big, v.opts_len = 41;
	cr_assert_eq(ipv4_hdr_len(&v), -EINVAL);
	cr_assert_eq(ipv4_emit(out, sizeof(out), &v), -EINVAL);
	v.opts_len = 0;
	v.dscp = 64;
	cr_assert_eq(ipv4_emit(out, sizeof(out), &v), -EINVAL);
	v.dscp = 0, v.ecn = 4;
	cr_assert_eq(ipv4_emit(out, sizeof(out), &v), -EINVAL);
	v.ecn = 0, v.frag_off = 12;
	cr_assert_eq(ipv4_emit(out, sizeof(out), &v), -EINVAL);
	v.frag_off = 0;
	v.payload_len = IPV4_MAX_LEN - IPV4_HLEN + 1;
	cr_assert_eq(ipv4_emit(out, sizeof(out), &v), -EINVAL);
	v.payload_len = IPV4_MAX_LEN - IPV4_HLEN;
	cr_assert_eq(ipv4_emit(out, sizeof(out), &v), IPV4_MAX_LEN);
	cr_assert_eq(ipv4_parse(out, IPV4_MAX_LEN, &w), 0);
	cr_assert_eq(w.total_len, IPV4_MAX_LEN);
}

/*
 * Found by fuzz_ipv4: a header summing to 0xffff without its checksum can
 * carry 0xffff or 0x0000 there; both are zero in one's complement and both
 * verify (RFC 1624 section 3), and emit writes the 0x0000 it computes.
 */
Test(ipv4, negative_zero_checksum_verifies_and_reemits_as_zero)
{
	static const uint8_t b[] = {
		0x46, 0x00, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x01,
		0x02, 0xff, 0xff, 0x82, 0xbf, 0xc0, 0x00, 0x02, 0x01,
		0xe0, 0x00, 0x00, 0x16, 0x94, 0x04, 0x00, 0x00, 0x22,
		0x00, 0xfa, 0x04, 0x00, 0x00, 0x00, 0x00,
	};
	uint8_t out[64];
	struct ipv4_view v;

	cr_assert(ipv4_csum_ok(b, sizeof(b)));
	cr_assert_eq(ipv4_parse(b, sizeof(b), &v), 0);
	cr_assert_eq(v.csum, 0xffff);
	cr_assert_eq(v.opts_len, 4);
	cr_assert_eq(ipv4_emit(out, sizeof(out), &v), 32);
	cr_assert(ipv4_csum_ok(out, 32));
	cr_assert_eq(out[10], 0);
	cr_assert_eq(out[11], 0);
}

/* RFC 791 3.1: NOPs are skipped, EOL ends the list, lengths are checked. */
Test(ipv4, option_iterator_skips_nop_stops_at_eol_and_rejects_bad_length)
{
	const uint8_t opts[] = { 1, 0x94, 4, 0, 0, 1, 7, 3, 4, 0, 0x83, 9 };
	const uint8_t bad[] = { 1, 0x94, 1, 0 };
	struct ipv4_opt_iter it;
	struct ipv4_opt o;

	ipv4_opt_iter_init(&it, opts, sizeof(opts));
	cr_assert_eq(ipv4_opt_next(&it, &o), 1);
	cr_assert_eq(o.type, 0x94);
	cr_assert_eq(o.len, 4);
	cr_assert_eq(o.off, 1);
	cr_assert_eq(o.data, opts + 3);
	cr_assert_eq(ipv4_opt_next(&it, &o), 1);
	cr_assert_eq(o.type, 7);
	cr_assert_eq(o.off, 6);
	/* The EOL at offset 9 ends the list: 0x83 after it is padding. */
	cr_assert_eq(ipv4_opt_next(&it, &o), 0);
	cr_assert_eq(ipv4_opt_next(&it, &o), 0);

	ipv4_opt_iter_init(&it, bad, sizeof(bad));
	cr_assert_eq(ipv4_opt_next(&it, &o), -EBADMSG);
}
