// SPDX-License-Identifier: MIT
/*
 * test_tcp.c - TCP header and options (RFC 9293, 7323, 2018) against
 * scapy's segments, and sequence-number comparison at the wrap
 */
#include <errno.h>
#include <netinet/in.h>

#include "testutil.h"
#include "wire/csum.h"
#include "wire/cursor.h"
#include "wire/tcp.h"

struct golden_tcp {
	const char *name;
	const uint8_t *frame;
	size_t len;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t doff;
	uint16_t flags, window, csum, urg;
	const uint8_t *opts;
	size_t opts_len;
	uint32_t present;
	uint16_t mss;
	uint8_t ws, sack_n;
	uint32_t tsval, tsecr;
	struct tcp_sack_block sack[TCP_SACK_MAX];
	const uint8_t *payload;
	size_t payload_len;
	bool canonical; /* options in Linux's layout: emit them from fields */
	int family;	/* which pseudo-header: 4 or 6 */
	uint32_t src4, dst4;
	const uint8_t *src6, *dst6;
	size_t src6_len, dst6_len;
};

#include "../fixtures/golden_tcp.h"

/* The pseudo-header running sum for a TCP length of @tlen. */
static uint32_t pseudo_of(const struct golden_tcp *g, size_t tlen)
{
	struct ip6_addr s, d;

	if (g->family == 4)
		return csum_pseudo4(g->src4, g->dst4, IPPROTO_TCP,
				    (uint16_t)tlen);
	memcpy(s.b, g->src6, IP6_LEN);
	memcpy(d.b, g->dst6, IP6_LEN);
	return csum_pseudo6(&s, &d, IPPROTO_TCP, (uint32_t)tlen);
}

/* The view a sender would build: options from fields unless @raw. */
static struct tcp_view view_of(const struct golden_tcp *g, bool raw)
{
	struct tcp_view v = {
		.sport = g->sport,
		.dport = g->dport,
		.seq = g->seq,
		.ack = g->ack,
		.flags = g->flags,
		.window = g->window,
		.urg = g->urg,
		.opt = { .present = g->present & ~(uint32_t)TCP_OPT_UNKNOWN,
			 .mss = g->mss,
			 .ws = g->ws,
			 .sack_n = g->sack_n,
			 .tsval = g->tsval,
			 .tsecr = g->tsecr },
		.payload = g->payload,
		.payload_len = g->payload_len,
	};

	memcpy(v.opt.sack, g->sack, sizeof(v.opt.sack));
	if (raw) {
		v.opts = g->opts;
		v.opts_len = g->opts_len;
	}
	return v;
}

static int parse_bytes(const uint8_t *b, size_t n)
{
	uint8_t *f = tu_exact(b, n);
	struct tcp_view v;
	int rc = tcp_parse(f, n, &v);

	free(f);
	return rc;
}

static int opts_bytes(const uint8_t *b, size_t n, struct tcp_opts *o)
{
	uint8_t *f = tu_exact(b, n);
	int rc = tcp_opts_parse(f, n, o);

	free(f);
	return rc;
}

Test(tcp, golden_frames_parse_field_for_field)
{
	for (size_t i = 0; i < GOLDEN_TCP_COUNT; i++) {
		const struct golden_tcp *g = &golden_tcp[i];
		uint8_t *f = tu_exact(g->frame, g->len);
		struct tcp_view v;

		cr_assert_eq(tcp_parse(f, g->len, &v), 0, "%s", g->name);
		cr_assert_eq(v.sport, g->sport, "%s", g->name);
		cr_assert_eq(v.dport, g->dport, "%s", g->name);
		cr_assert_eq(v.seq, g->seq, "%s", g->name);
		cr_assert_eq(v.ack, g->ack, "%s", g->name);
		cr_assert_eq(v.doff, g->doff, "%s", g->name);
		cr_assert_eq(v.flags, g->flags, "%s", g->name);
		cr_assert_eq(v.window, g->window, "%s", g->name);
		cr_assert_eq(v.csum, g->csum, "%s", g->name);
		cr_assert_eq(v.urg, g->urg, "%s", g->name);
		tu_assert_bytes(v.opts, v.opts_len, g->opts, g->opts_len,
				g->name);
		cr_assert_eq(v.opt.present, g->present, "%s", g->name);
		cr_assert_eq(v.opt.mss, g->mss, "%s", g->name);
		cr_assert_eq(v.opt.ws, g->ws, "%s", g->name);
		cr_assert_eq(v.opt.tsval, g->tsval, "%s", g->name);
		cr_assert_eq(v.opt.tsecr, g->tsecr, "%s", g->name);
		cr_assert_eq(v.opt.sack_n, g->sack_n, "%s", g->name);
		for (size_t b = 0; b < g->sack_n; b++) {
			cr_assert_eq(v.opt.sack[b].start, g->sack[b].start,
				     "%s block %zu", g->name, b);
			cr_assert_eq(v.opt.sack[b].end, g->sack[b].end,
				     "%s block %zu", g->name, b);
		}
		tu_assert_bytes(v.payload, v.payload_len, g->payload,
				g->payload_len, g->name);
		free(f);
	}
}

Test(tcp, golden_checksums_verify_against_the_pseudo_header)
{
	for (size_t i = 0; i < GOLDEN_TCP_COUNT; i++) {
		const struct golden_tcp *g = &golden_tcp[i];

		cr_assert(tcp_csum_ok(g->frame, g->len, pseudo_of(g, g->len)),
			  "%s", g->name);
	}
}

Test(tcp, corrupted_segment_fails_the_checksum)
{
	for (size_t i = 0; i < GOLDEN_TCP_COUNT; i++) {
		const struct golden_tcp *g = &golden_tcp[i];
		uint8_t *f = tu_exact(g->frame, g->len);

		f[g->len - 1] ^= 0x40;
		cr_assert_not(tcp_csum_ok(f, g->len, pseudo_of(g, g->len)),
			      "%s", g->name);
		free(f);
	}
}

Test(tcp, canonical_frames_emit_byte_for_byte_from_option_fields)
{
	for (size_t i = 0; i < GOLDEN_TCP_COUNT; i++) {
		const struct golden_tcp *g = &golden_tcp[i];
		struct tcp_view v = view_of(g, false);
		uint8_t out[2048];
		int n;

		if (!g->canonical)
			continue;
		cr_assert_eq(tcp_hdr_len(&v), g->doff * 4, "%s", g->name);
		n = tcp_emit(out, sizeof(out), &v, pseudo_of(g, g->len));
		cr_assert_gt(n, 0, "%s", g->name);
		tu_assert_bytes(out, (size_t)n, g->frame, g->len, g->name);
	}
}

Test(tcp, every_frame_emits_byte_for_byte_from_its_raw_options)
{
	for (size_t i = 0; i < GOLDEN_TCP_COUNT; i++) {
		const struct golden_tcp *g = &golden_tcp[i];
		struct tcp_view v = view_of(g, true);
		uint8_t out[2048];
		int n;

		/* The raw block wins over the fields: spoil them to prove it.
		 * Without options there is no block and the fields rule. */
		if (v.opts)
			v.opt.present = TCP_OPT_MSS | TCP_OPT_WS;
		cr_assert_eq(tcp_hdr_len(&v), g->doff * 4, "%s", g->name);
		n = tcp_emit(out, sizeof(out), &v, pseudo_of(g, g->len));
		cr_assert_gt(n, 0, "%s", g->name);
		tu_assert_bytes(out, (size_t)n, g->frame, g->len, g->name);
	}
}

Test(tcp, parsed_view_re_emits_the_same_bytes)
{
	for (size_t i = 0; i < GOLDEN_TCP_COUNT; i++) {
		const struct golden_tcp *g = &golden_tcp[i];
		uint8_t *f = tu_exact(g->frame, g->len);
		uint8_t out[2048];
		struct tcp_view v;
		int n;

		cr_assert_eq(tcp_parse(f, g->len, &v), 0, "%s", g->name);
		n = tcp_emit(out, sizeof(out), &v, pseudo_of(g, g->len));
		cr_assert_gt(n, 0, "%s", g->name);
		tu_assert_bytes(out, (size_t)n, g->frame, g->len, g->name);
		free(f);
	}
}

Test(tcp, emit_in_place_leaves_payload_where_it_is)
{
	for (size_t i = 0; i < GOLDEN_TCP_COUNT; i++) {
		const struct golden_tcp *g = &golden_tcp[i];
		struct tcp_view v = view_of(g, !g->canonical);
		int hlen = tcp_hdr_len(&v);
		uint8_t out[2048];
		int n;

		cr_assert_gt(hlen, 0, "%s", g->name);
		if (g->payload_len)
			memcpy(out + hlen, g->payload, g->payload_len);
		v.payload = out + hlen;
		n = tcp_emit(out, sizeof(out), &v, pseudo_of(g, g->len));
		cr_assert_gt(n, 0, "%s", g->name);
		tu_assert_bytes(out, (size_t)n, g->frame, g->len, g->name);
	}
}

/*
 * TCP has no length of its own: a cut inside the header (options
 * included) is malformed, a cut past it is a shorter payload.
 */
Test(tcp, truncation_at_every_byte)
{
	for (size_t i = 0; i < GOLDEN_TCP_COUNT; i++) {
		const struct golden_tcp *g = &golden_tcp[i];
		size_t hlen = (size_t)g->doff * 4;

		for (size_t n = 0; n < g->len; n++) {
			uint8_t *f = tu_exact(g->frame, n);
			struct tcp_view v;
			int rc = tcp_parse(f, n, &v);

			if (n < hlen) {
				cr_assert_eq(rc, -EBADMSG, "%s cut at %zu",
					     g->name, n);
			} else {
				cr_assert_eq(rc, 0, "%s cut at %zu", g->name,
					     n);
				cr_assert_eq(v.payload_len, n - hlen);
				cr_assert_eq(v.opt.present, g->present);
			}
			free(f);
		}
	}
}

/* Every prefix of every options block either parses or is -EBADMSG, and
 * ASan sees any read past the block. */
Test(tcp, options_walker_stays_inside_every_prefix)
{
	for (size_t i = 0; i < GOLDEN_TCP_COUNT; i++) {
		const struct golden_tcp *g = &golden_tcp[i];

		for (size_t n = 0; n <= g->opts_len; n++) {
			struct tcp_opts o;
			int rc = opts_bytes(g->opts, n, &o);

			cr_assert(rc == 0 || rc == -EBADMSG, "%s", g->name);
		}
	}
}

#define HDR(doff_flags_hi, flags_lo)                                           \
	0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, (doff_flags_hi),       \
		(flags_lo), 0x10, 0x00, 0, 0, 0, 0

Test(tcp, doff_below_5_is_malformed)
{
	uint8_t f[] = { HDR(0x00, 0x02), 0, 0, 0, 0 };

	for (uint8_t d = 0; d < 5; d++) {
		f[12] = (uint8_t)(d << 4);
		cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG, "doff %u", d);
	}
	f[12] = 5 << 4;
	cr_assert_eq(parse_bytes(f, sizeof(f)), 0);
}

Test(tcp, doff_past_the_segment_is_malformed)
{
	/* doff 6 needs 24 bytes; 23 arrived. */
	uint8_t f[] = { HDR(0x60, 0x02), 1, 1, 1 };

	cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG);
	f[12] = 0xf0;
	cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG);
	cr_assert_eq(
		parse_bytes((const uint8_t[]){ HDR(0x60, 0x02), 1, 1, 1, 1 },
			    24),
		0);
}

Test(tcp, segment_shorter_than_20_bytes_is_malformed)
{
	static const uint8_t f[] = { HDR(0x50, 0x02) };

	for (size_t n = 0; n < TCP_HLEN; n++)
		cr_assert_eq(parse_bytes(f, n), -EBADMSG, "len %zu", n);
	cr_assert_eq(parse_bytes(f, TCP_HLEN), 0);
}

Test(tcp, option_length_0_is_malformed)
{
	static const uint8_t f[] = { HDR(0x60, 0x02), 253, 0, 1, 1 };

	cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG);
}

Test(tcp, option_length_1_is_malformed)
{
	static const uint8_t f[] = { HDR(0x60, 0x02), 253, 1, 1, 1 };

	cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG);
}

Test(tcp, option_running_past_the_options_region_is_malformed)
{
	/* Payload bytes follow, but an option may not reach into them. */
	static const uint8_t f[] = { HDR(0x60, 0x02), 1, 1, 253, 4, 0xaa, 0xbb };

	cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG);
}

Test(tcp, option_kind_without_length_byte_is_malformed)
{
	static const uint8_t f[] = { HDR(0x60, 0x02), 1, 1, 1, 2 };

	cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG);
}

Test(tcp, known_options_with_wrong_lengths_are_malformed)
{
	static const struct {
		const char *what;
		uint8_t b[8];
		size_t n;
	} bad[] = {
		{ "mss len 3", { 2, 3, 5, 1 }, 4 },
		{ "mss len 5", { 2, 5, 5, 0xb4, 0 }, 8 },
		{ "ws len 4", { 3, 4, 7, 0 }, 4 },
		{ "ws len 2", { 3, 2, 1, 1 }, 4 },
		{ "sackok len 3", { 4, 3, 0, 1 }, 4 },
		{ "sack len 2", { 5, 2, 1, 1 }, 4 },
		{ "ts len 9", { 8, 9, 0, 0, 0, 0, 0, 0 }, 8 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tcp_opts o;

		cr_assert_eq(opts_bytes(bad[i].b, bad[i].n, &o), -EBADMSG, "%s",
			     bad[i].what);
	}
}

Test(tcp, mss_option_with_length_3_is_malformed)
{
	static const uint8_t f[] = { HDR(0x60, 0x02), 2, 3, 5, 1 };

	cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG);
}

Test(tcp, ws_option_with_length_4_is_malformed)
{
	static const uint8_t f[] = { HDR(0x60, 0x02), 3, 4, 7, 0 };

	cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG);
}

Test(tcp, sack_option_with_length_11_is_malformed)
{
	static const uint8_t f[] = {
		HDR(0x80, 0x10), 5, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1
	};

	cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG);
}

Test(tcp, sack_option_with_length_10_holds_one_block)
{
	static const uint8_t f[] = {
		HDR(0x80, 0x10), 1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2
	};
	struct tcp_view v;

	cr_assert_eq(tcp_parse(f, sizeof(f), &v), 0);
	cr_assert_eq(v.opt.present, TCP_OPT_SACK);
	cr_assert_eq(v.opt.sack_n, 1);
	cr_assert_eq(v.opt.sack[0].start, 1);
	cr_assert_eq(v.opt.sack[0].end, 2);
}

Test(tcp, unknown_option_is_skipped_by_its_length)
{
	static const uint8_t o[] = { 253, 6, 2, 4, 0xff, 0xff, 2, 4, 5, 0xb4 };
	struct tcp_opts opt;

	/* The MSS-looking bytes inside kind 253 are its value, not an MSS. */
	cr_assert_eq(opts_bytes(o, sizeof(o), &opt), 0);
	cr_assert_eq(opt.present, TCP_OPT_UNKNOWN | TCP_OPT_MSS);
	cr_assert_eq(opt.mss, 1460);
}

Test(tcp, eol_ends_the_walk_and_the_rest_is_padding)
{
	static const uint8_t o[] = { 2, 4, 5, 0xb4, 0, 0xff, 0, 1 };
	struct tcp_opts opt;

	cr_assert_eq(opts_bytes(o, sizeof(o), &opt), 0);
	cr_assert_eq(opt.present, TCP_OPT_MSS);
}

Test(tcp, window_scale_above_14_is_recorded_raw)
{
	static const uint8_t o[] = { 1, 3, 3, 200 };
	struct tcp_opts opt;

	cr_assert_eq(opts_bytes(o, sizeof(o), &opt), 0);
	cr_assert_eq(opt.ws, 200);
}

Test(tcp, repeated_option_last_one_wins)
{
	static const uint8_t o[] = { 2, 4, 0, 100, 2, 4, 0, 200 };
	struct tcp_opts opt;

	cr_assert_eq(opts_bytes(o, sizeof(o), &opt), 0);
	cr_assert_eq(opt.mss, 200);
}

Test(tcp, empty_options_region_parses_to_nothing)
{
	struct tcp_opts opt;

	cr_assert_eq(tcp_opts_parse(NULL, 0, &opt), 0);
	cr_assert_eq(opt.present, 0);
}

Test(tcp, reserved_bits_are_ignored_on_input)
{
	/* Byte 12 low nibble: three reserved bits and AE. */
	static const uint8_t f[] = { HDR(0x5f, 0xff) };
	struct tcp_view v;

	cr_assert_eq(tcp_parse(f, sizeof(f), &v), 0);
	cr_assert_eq(v.flags, TCP_FLAGS_MASK);
	cr_assert_eq(v.doff, 5);
}

Test(tcp, emit_rejects_flags_outside_the_nine_bits)
{
	struct tcp_view v = { .flags = 0x200 };
	uint8_t out[64];

	cr_assert_eq(tcp_emit(out, sizeof(out), &v, 0), -EINVAL);
	v.flags = TCP_FLAGS_MASK;
	cr_assert_eq(tcp_emit(out, sizeof(out), &v, 0), TCP_HLEN);
	cr_assert_eq(out[12], 0x51);
	cr_assert_eq(out[13], 0xff);
}

Test(tcp, opts_len_matches_linux_layout)
{
	struct tcp_opts o = { .present = TCP_OPT_MSS };

	cr_assert_eq(tcp_opts_len(&o), 4);
	o.present |= TCP_OPT_SACKOK;
	cr_assert_eq(tcp_opts_len(&o), 8); /* MSS, NOP NOP SACKOK */
	o.present |= TCP_OPT_TS;
	cr_assert_eq(tcp_opts_len(&o), 16); /* MSS, SACKOK TS */
	o.present |= TCP_OPT_WS;
	cr_assert_eq(tcp_opts_len(&o), 20); /* + NOP WS */
	o = (struct tcp_opts){ 0 };
	cr_assert_eq(tcp_opts_len(&o), 0);
}

Test(tcp, timestamps_leave_room_for_three_sack_blocks_not_four)
{
	struct tcp_opts o = { .present = TCP_OPT_TS | TCP_OPT_SACK,
			      .sack_n = 3 };
	uint8_t out[TCP_OPTS_MAX];

	cr_assert_eq(tcp_opts_len(&o), 40);
	cr_assert_eq(tcp_opts_emit(out, sizeof(out), &o), 40);
	o.sack_n = 4;
	cr_assert_eq(tcp_opts_len(&o), -EINVAL);
	cr_assert_eq(tcp_opts_emit(out, sizeof(out), &o), -EINVAL);
	o.present = TCP_OPT_SACK;
	cr_assert_eq(tcp_opts_len(&o), 36);
}

Test(tcp, sack_option_needs_one_to_four_blocks)
{
	struct tcp_opts o = { .present = TCP_OPT_SACK, .sack_n = 0 };

	cr_assert_eq(tcp_opts_len(&o), -EINVAL);
	o.sack_n = 5;
	cr_assert_eq(tcp_opts_len(&o), -EINVAL);
}

Test(tcp, opts_emit_reports_enobufs_for_every_short_buffer)
{
	struct tcp_opts o = { .present = TCP_OPT_MSS | TCP_OPT_TS |
					 TCP_OPT_SACKOK | TCP_OPT_WS,
			      .mss = 1460,
			      .ws = 7 };
	uint8_t out[TCP_OPTS_MAX];

	for (size_t cap = 0; cap < 20; cap++)
		cr_assert_eq(tcp_opts_emit(out, cap, &o), -ENOBUFS, "cap %zu",
			     cap);
	cr_assert_eq(tcp_opts_emit(out, 20, &o), 20);
}

Test(tcp, opts_emit_output_parses_back)
{
	struct tcp_opts o = { .present = TCP_OPT_MSS | TCP_OPT_SACKOK |
					 TCP_OPT_WS | TCP_OPT_SACK,
			      .mss = 1220,
			      .ws = 9,
			      .sack_n = 2,
			      .sack = { { 1, 2 }, { 0xfffffff0, 5 } } };
	uint8_t out[TCP_OPTS_MAX];
	struct tcp_opts p;
	int n = tcp_opts_emit(out, sizeof(out), &o);

	cr_assert_eq(n, 4 + 4 + 4 + 20);
	cr_assert_eq(opts_bytes(out, (size_t)n, &p), 0);
	cr_assert_eq(p.present, o.present);
	cr_assert_eq(p.mss, 1220);
	cr_assert_eq(p.ws, 9);
	cr_assert_eq(p.sack_n, 2);
	cr_assert_eq(p.sack[1].start, 0xfffffff0);
	cr_assert_eq(p.sack[1].end, 5);
}

Test(tcp, emit_rejects_raw_options_that_do_not_fill_words)
{
	static const uint8_t raw[44] = { 1, 1, 1 };
	struct tcp_view v = { .opts = raw, .opts_len = 3 };
	uint8_t out[128];

	cr_assert_eq(tcp_hdr_len(&v), -EINVAL);
	cr_assert_eq(tcp_emit(out, sizeof(out), &v, 0), -EINVAL);
	v.opts_len = 44;
	cr_assert_eq(tcp_emit(out, sizeof(out), &v, 0), -EINVAL);
	v.opts_len = 40;
	cr_assert_eq(tcp_emit(out, sizeof(out), &v, 0), TCP_MAX_HLEN);
	cr_assert_eq(out[12] >> 4, 15);
}

Test(tcp, emit_reports_enobufs_for_every_short_buffer)
{
	const struct golden_tcp *g = &golden_tcp[0];
	struct tcp_view v = view_of(g, false);
	uint32_t ph = pseudo_of(g, g->len);
	uint8_t out[2048];

	for (size_t cap = 0; cap < g->len; cap++)
		cr_assert_eq(tcp_emit(out, cap, &v, ph), -ENOBUFS, "cap %zu",
			     cap);
	cr_assert_eq(tcp_emit(out, g->len, &v, ph), (int)g->len);
}

Test(tcp, emit_with_payload_right_after_fixed_header_moves_it_first)
{
	/* The payload sits where the options go: it must move out first. */
	uint8_t out[64] = { 0 };
	struct tcp_view v = { .sport = 1,
			      .dport = 2,
			      .flags = TCP_ACK,
			      .opt = { .present = TCP_OPT_MSS, .mss = 1 },
			      .payload = out + TCP_HLEN,
			      .payload_len = 3 };
	static const uint8_t xyz[] = { 'x', 'y', 'z' };
	struct tcp_view w;
	int n;

	memcpy(out + TCP_HLEN, xyz, sizeof(xyz));
	n = tcp_emit(out, sizeof(out), &v, 0);
	cr_assert_eq(n, TCP_HLEN + 4 + 3);
	cr_assert_eq(tcp_parse(out, (size_t)n, &w), 0);
	cr_assert_eq(w.opt.mss, 1);
	cr_assert_eq(w.payload_len, 3);
	cr_assert_eq(memcmp(w.payload, xyz, sizeof(xyz)), 0);
	cr_assert(tcp_csum_ok(out, (size_t)n, 0));
}

Test(tcp, short_segment_never_verifies)
{
	static const uint8_t f[TCP_HLEN] = { 0 };

	for (size_t n = 0; n < TCP_HLEN; n++)
		cr_assert_not(tcp_csum_ok(f, n, 0xffffu), "len %zu", n);
}

/* RFC 9293 3.4: comparisons are modulo 2^32. */
Test(seq, compares_across_the_wrap)
{
	cr_assert(seq_lt(0xfffffff0u, 0x10u));
	cr_assert(seq_gt(0x10u, 0xfffffff0u));
	cr_assert(seq_lt(0xffffffffu, 0u));
	cr_assert(seq_gt(0u, 0xffffffffu));
	cr_assert(seq_leq(0xffffffffu, 0u));
	cr_assert(seq_geq(0u, 0xffffffffu));
	cr_assert_not(seq_lt(0u, 0xffffffffu));
	cr_assert_not(seq_gt(0xffffffffu, 0u));
}

Test(seq, equal_numbers_are_leq_and_geq_but_not_lt_or_gt)
{
	static const uint32_t v[] = { 0, 1, 0x7fffffffu, 0x80000000u,
				      0xffffffffu };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cr_assert(seq_leq(v[i], v[i]));
		cr_assert(seq_geq(v[i], v[i]));
		cr_assert_not(seq_lt(v[i], v[i]));
		cr_assert_not(seq_gt(v[i], v[i]));
	}
}

Test(seq, half_the_space_ahead_is_still_after)
{
	/* 2^31 - 1 ahead is after; 2^31 ahead flips to before. */
	cr_assert(seq_gt(0x7fffffffu, 0u));
	cr_assert(seq_lt(0x80000000u, 0u));
	cr_assert(seq_gt(0x7fffffffu + 5u, 5u));
	cr_assert(seq_lt(5u, 0x7fffffffu + 5u));
}

Test(seq, max_and_min_follow_the_wrap)
{
	cr_assert_eq(seq_max(0xfffffff0u, 0x10u), 0x10u);
	cr_assert_eq(seq_min(0xfffffff0u, 0x10u), 0xfffffff0u);
	cr_assert_eq(seq_max(3u, 3u), 3u);
}
