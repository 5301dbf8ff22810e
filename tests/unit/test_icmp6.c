// SPDX-License-Identifier: MIT
/*
 * test_icmp6.c - ICMPv6, ND and MLD messages against scapy's
 */
#include <errno.h>

#include "testutil.h"
#include "wire/csum.h"
#include "wire/icmp6.h"
#include "wire/ipv6.h"
#include "wire/nd.h"

struct golden_icmp6 {
	const char *name;
	const uint8_t *frame;
	const uint8_t *src, *dst;
	const uint8_t *target, *dest, *mld_addr;
	const uint8_t *payload;
	const uint8_t *rec_types;
	size_t len;
	size_t src_len, dst_len;
	size_t target_len, dest_len, mld_addr_len;
	size_t payload_len;
	size_t rec_types_len;
	unsigned int n_opts;
	unsigned int rec_nsrc;
	uint32_t unused, mtu, pointer;
	uint32_t ra_reachable, ra_retrans;
	uint16_t csum;
	uint16_t echo_id, echo_seq;
	uint16_t ra_lifetime;
	uint16_t mld_max_resp, mld_nsrc, mld_nrec;
	uint8_t type, code;
	uint8_t ra_hop_limit, ra_prf;
	uint8_t mld_qrv, mld_qqic;
	bool ra_managed, ra_other;
	bool na_router, na_solicited, na_override;
	bool mld_v2, mld_s;
};

#include "../fixtures/golden_icmp6.h"

#define NAME(g) "%s", (g)->name

static struct icmp6_view view_of(const struct golden_icmp6 *g)
{
	struct icmp6_view v = {
		.type = g->type,
		.code = g->code,
		.unused = g->unused,
		.mtu = g->mtu,
		.pointer = g->pointer,
		.echo_id = g->echo_id,
		.echo_seq = g->echo_seq,
		.ra_hop_limit = g->ra_hop_limit,
		.ra_managed = g->ra_managed,
		.ra_other = g->ra_other,
		.ra_prf = g->ra_prf,
		.ra_lifetime = g->ra_lifetime,
		.ra_reachable = g->ra_reachable,
		.ra_retrans = g->ra_retrans,
		.na_router = g->na_router,
		.na_solicited = g->na_solicited,
		.na_override = g->na_override,
		.mld_max_resp = g->mld_max_resp,
		.mld_v2 = g->mld_v2,
		.mld_s = g->mld_s,
		.mld_qrv = g->mld_qrv,
		.mld_qqic = g->mld_qqic,
		.mld_nsrc = g->mld_nsrc,
		.mld_nrec = g->mld_nrec,
		.payload = g->payload,
		.payload_len = g->payload_len,
	};

	memcpy(v.target.b, g->target, IP6_LEN);
	memcpy(v.dest.b, g->dest, IP6_LEN);
	memcpy(v.mld_addr.b, g->mld_addr, IP6_LEN);
	return v;
}

static uint32_t pseudo_of(const struct golden_icmp6 *g, size_t len)
{
	struct ip6_addr s, d;

	memcpy(s.b, g->src, IP6_LEN);
	memcpy(d.b, g->dst, IP6_LEN);
	return csum_pseudo6(&s, &d, IP6_NH_ICMPV6, (uint32_t)len);
}

Test(icmp6, golden_frames_parse_field_for_field)
{
	for (size_t i = 0; i < GOLDEN_ICMP6_COUNT; i++) {
		const struct golden_icmp6 *g = &golden_icmp6[i];
		uint8_t *f = tu_exact(g->frame, g->len);
		struct icmp6_view v;

		cr_assert_eq(icmp6_parse(f, g->len, &v), 0, NAME(g));
		cr_assert_eq(v.type, g->type, NAME(g));
		cr_assert_eq(v.code, g->code, NAME(g));
		cr_assert_eq(v.csum, g->csum, NAME(g));
		cr_assert(icmp6_csum_ok(f, g->len, pseudo_of(g, g->len)),
			  NAME(g));
		cr_assert_eq(v.unused, g->unused, NAME(g));
		cr_assert_eq(v.mtu, g->mtu, NAME(g));
		cr_assert_eq(v.pointer, g->pointer, NAME(g));
		cr_assert_eq(v.echo_id, g->echo_id, NAME(g));
		cr_assert_eq(v.echo_seq, g->echo_seq, NAME(g));
		cr_assert_eq(v.ra_hop_limit, g->ra_hop_limit, NAME(g));
		cr_assert_eq(v.ra_managed, g->ra_managed, NAME(g));
		cr_assert_eq(v.ra_other, g->ra_other, NAME(g));
		cr_assert_eq(v.ra_prf, g->ra_prf, NAME(g));
		cr_assert_eq(v.ra_lifetime, g->ra_lifetime, NAME(g));
		cr_assert_eq(v.ra_reachable, g->ra_reachable, NAME(g));
		cr_assert_eq(v.ra_retrans, g->ra_retrans, NAME(g));
		cr_assert_eq(v.na_router, g->na_router, NAME(g));
		cr_assert_eq(v.na_solicited, g->na_solicited, NAME(g));
		cr_assert_eq(v.na_override, g->na_override, NAME(g));
		tu_assert_bytes(v.target.b, IP6_LEN, g->target, g->target_len,
				g->name);
		tu_assert_bytes(v.dest.b, IP6_LEN, g->dest, g->dest_len,
				g->name);
		tu_assert_bytes(v.mld_addr.b, IP6_LEN, g->mld_addr,
				g->mld_addr_len, g->name);
		cr_assert_eq(v.mld_max_resp, g->mld_max_resp, NAME(g));
		cr_assert_eq(v.mld_v2, g->mld_v2, NAME(g));
		cr_assert_eq(v.mld_s, g->mld_s, NAME(g));
		cr_assert_eq(v.mld_qrv, g->mld_qrv, NAME(g));
		cr_assert_eq(v.mld_qqic, g->mld_qqic, NAME(g));
		cr_assert_eq(v.mld_nsrc, g->mld_nsrc, NAME(g));
		cr_assert_eq(v.mld_nrec, g->mld_nrec, NAME(g));
		tu_assert_bytes(v.payload, v.payload_len, g->payload,
				g->payload_len, g->name);
		free(f);
	}
}

Test(icmp6, golden_nd_messages_carry_scapys_options)
{
	for (size_t i = 0; i < GOLDEN_ICMP6_COUNT; i++) {
		const struct golden_icmp6 *g = &golden_icmp6[i];
		struct icmp6_view v;
		struct nd_opt_iter it;
		struct nd_opt o;
		unsigned int n = 0;

		cr_assert_eq(icmp6_parse(g->frame, g->len, &v), 0);
		if (g->type < ICMP6_ND_RS || g->type > ICMP6_ND_REDIRECT)
			continue;
		nd_opt_iter_init(&it, v.payload, v.payload_len);
		while (nd_opt_next(&it, &o) == 1)
			n++;
		cr_assert_eq(n, g->n_opts, NAME(g));
	}
}

Test(icmp6, golden_mld2_records_walk)
{
	for (size_t i = 0; i < GOLDEN_ICMP6_COUNT; i++) {
		const struct golden_icmp6 *g = &golden_icmp6[i];
		struct mld2_rec_iter it;
		struct icmp6_view v;
		struct mld2_rec r;
		uint8_t types[8];
		unsigned int n = 0, nsrc = 0;
		uint8_t out[512];
		size_t len = 0;

		cr_assert_eq(icmp6_parse(g->frame, g->len, &v), 0);
		mld2_rec_iter_init(&it, &v);
		while (mld2_rec_next(&it, &r) == 1) {
			cr_assert_lt(n, sizeof(types));
			types[n++] = r.type;
			nsrc += r.nsrc;
			/* Re-emit each record: they must rebuild the payload. */
			len += (size_t)mld2_rec_emit(out + len,
						     sizeof(out) - len, &r);
		}
		tu_assert_bytes(types, n, g->rec_types, g->rec_types_len,
				g->name);
		cr_assert_eq(nsrc, g->rec_nsrc, NAME(g));
		if (g->type == ICMP6_MLD2_REPORT)
			tu_assert_bytes(out, len, g->payload, g->payload_len,
					g->name);
	}
}

Test(icmp6, golden_frames_emit_byte_for_byte)
{
	for (size_t i = 0; i < GOLDEN_ICMP6_COUNT; i++) {
		const struct golden_icmp6 *g = &golden_icmp6[i];
		struct icmp6_view v = view_of(g);
		uint8_t out[2048];
		int n;

		cr_assert_eq((size_t)icmp6_hdr_len(&v) + g->payload_len, g->len,
			     NAME(g));
		n = icmp6_emit(out, sizeof(out), &v, pseudo_of(g, g->len));
		cr_assert_gt(n, 0, NAME(g));
		tu_assert_bytes(out, (size_t)n, g->frame, g->len, g->name);
	}
}

Test(icmp6, emit_in_place_leaves_payload_where_it_is)
{
	for (size_t i = 0; i < GOLDEN_ICMP6_COUNT; i++) {
		const struct golden_icmp6 *g = &golden_icmp6[i];
		struct icmp6_view v = view_of(g);
		size_t hlen = (size_t)icmp6_hdr_len(&v);
		uint8_t out[2048];
		int n;

		if (g->payload_len)
			memcpy(out + hlen, g->payload, g->payload_len);
		v.payload = out + hlen;
		n = icmp6_emit(out, sizeof(out), &v, pseudo_of(g, g->len));
		tu_assert_bytes(out, (size_t)n, g->frame, g->len, g->name);
	}
}

/*
 * Which cuts of golden message @g still parse: ICMPv6 has no length of its
 * own, so a cut is only malformed where it breaks structure: the fixed
 * part, an ND option, an MLDv2 source or record, or an MLD query length.
 */
static bool cut_parses(const struct golden_icmp6 *g, size_t n)
{
	struct icmp6_view v = view_of(g);
	size_t hlen = (size_t)icmp6_hdr_len(&v);
	struct nd_opt_iter it;
	struct nd_opt o;

	if (n < ICMP6_HLEN)
		return false;
	if (g->type == ICMP6_MLD_QUERY)
		return n == MLD_V1_LEN ||
		       (n >= MLD2_QUERY_MIN &&
			n - MLD2_QUERY_MIN >= (size_t)g->mld_nsrc * IP6_LEN);
	if (n < hlen)
		return false;
	if (g->type == ICMP6_MLD2_REPORT)
		return n == g->len;
	if (g->type < ICMP6_ND_RS || g->type > ICMP6_ND_REDIRECT)
		return true;
	/* ND: the cut must fall between options. */
	nd_opt_iter_init(&it, g->payload, g->payload_len);
	do {
		if (n - hlen == it.c.off)
			return true;
	} while (nd_opt_next(&it, &o) == 1);
	return false;
}

Test(icmp6, truncation_at_every_byte)
{
	for (size_t i = 0; i < GOLDEN_ICMP6_COUNT; i++) {
		const struct golden_icmp6 *g = &golden_icmp6[i];

		for (size_t n = 0; n < g->len; n++) {
			uint8_t *f = tu_exact(g->frame, n);
			struct icmp6_view v;
			bool ok = cut_parses(g, n);
			int rc = icmp6_parse(f, n, &v);

			cr_assert_eq(rc, ok ? 0 : -EBADMSG, "%s cut at %zu",
				     g->name, n);
			if (ok)
				cr_assert_eq(n - v.payload_len,
					     (size_t)icmp6_hdr_len(&v));
			free(f);
		}
	}
}

Test(icmp6, bad_checksum_parses_but_does_not_verify)
{
	const struct golden_icmp6 *g = &golden_icmp6[0];
	uint8_t *f = tu_exact(g->frame, g->len);
	struct icmp6_view v;

	f[g->len - 1] ^= 1;
	cr_assert_eq(icmp6_parse(f, g->len, &v), 0);
	cr_assert_not(icmp6_csum_ok(f, g->len, pseudo_of(g, g->len)));
	/* The pseudo-header counts: another source address fails too. */
	f[g->len - 1] ^= 1;
	cr_assert(icmp6_csum_ok(f, g->len, pseudo_of(g, g->len)));
	cr_assert_not(icmp6_csum_ok(f, g->len, pseudo_of(g, g->len + 1)));
	free(f);
}

static int parse_bytes(const uint8_t *b, size_t n, struct icmp6_view *v)
{
	uint8_t *f = tu_exact(b, n);
	int rc = icmp6_parse(f, n, v);

	free(f);
	return rc;
}

Test(icmp6, short_fixed_parts_are_malformed)
{
	static const struct {
		uint8_t type;
		size_t need;
	} t[] = {
		{ ICMP6_DST_UNREACH, 8 },
		{ ICMP6_PACKET_TOO_BIG, 8 },
		{ ICMP6_TIME_EXCEEDED, 8 },
		{ ICMP6_PARAM_PROB, 8 },
		{ ICMP6_ECHO_REQUEST, 8 },
		{ ICMP6_ECHO_REPLY, 8 },
		{ ICMP6_ND_RS, 8 },
		{ ICMP6_ND_RA, 16 },
		{ ICMP6_ND_NS, 24 },
		{ ICMP6_ND_NA, 24 },
		{ ICMP6_ND_REDIRECT, 40 },
		{ ICMP6_MLD_REPORT, 24 },
		{ ICMP6_MLD_DONE, 24 },
		{ ICMP6_MLD2_REPORT, 8 },
		{ 255, 4 },
	};
	uint8_t m[64] = { 0 };
	struct icmp6_view v;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		m[0] = t[i].type;
		cr_assert_eq(parse_bytes(m, t[i].need - 1, &v), -EBADMSG,
			     "type %u", t[i].type);
		cr_assert_eq(parse_bytes(m, t[i].need, &v), 0, "type %u",
			     t[i].type);
		cr_assert_eq(v.payload_len, 0);
	}
}

Test(icmp6, mld_query_of_25_to_27_bytes_is_malformed)
{
	uint8_t m[28] = { ICMP6_MLD_QUERY };
	struct icmp6_view v;

	cr_assert_eq(parse_bytes(m, 24, &v), 0);
	cr_assert_not(v.mld_v2);
	for (size_t n = 25; n < 28; n++)
		cr_assert_eq(parse_bytes(m, n, &v), -EBADMSG, "%zu", n);
	cr_assert_eq(parse_bytes(m, 28, &v), 0);
	cr_assert(v.mld_v2);
}

Test(icmp6, mld2_query_source_count_beyond_message_is_malformed)
{
	uint8_t m[28 + 32] = { ICMP6_MLD_QUERY };
	struct icmp6_view v;

	st_be16(m + 26, 2);
	cr_assert_eq(parse_bytes(m, sizeof(m), &v), 0);
	cr_assert_eq(v.mld_nsrc, 2);
	cr_assert_eq(parse_bytes(m, sizeof(m) - 1, &v), -EBADMSG);
	st_be16(m + 26, 3);
	cr_assert_eq(parse_bytes(m, sizeof(m), &v), -EBADMSG);
	st_be16(m + 26, 0xffff);
	cr_assert_eq(parse_bytes(m, sizeof(m), &v), -EBADMSG);
}

Test(icmp6, mld2_report_records_beyond_message_are_malformed)
{
	/* One record: 1 source, 1 aux word = 20 + 16 + 4 bytes. */
	uint8_t m[8 + 40] = { ICMP6_MLD2_REPORT };
	struct icmp6_view v;

	st_be16(m + 6, 1);
	m[8] = MLD2_MODE_IS_INCLUDE;
	m[9] = 1;
	st_be16(m + 10, 1);
	cr_assert_eq(parse_bytes(m, sizeof(m), &v), 0);
	/* Aux data cut by one byte. */
	cr_assert_eq(parse_bytes(m, sizeof(m) - 1, &v), -EBADMSG);
	/* A source count past the end. */
	st_be16(m + 10, 2);
	cr_assert_eq(parse_bytes(m, sizeof(m), &v), -EBADMSG);
	st_be16(m + 10, 1);
	/* An aux length past the end. */
	m[9] = 2;
	cr_assert_eq(parse_bytes(m, sizeof(m), &v), -EBADMSG);
	m[9] = 1;
	/* A record count past the end. */
	st_be16(m + 6, 2);
	cr_assert_eq(parse_bytes(m, sizeof(m), &v), -EBADMSG);
}

Test(icmp6, mld2_record_walker_error_is_sticky)
{
	uint8_t m[8 + 20] = { ICMP6_MLD2_REPORT };
	struct mld2_rec_iter it;
	struct icmp6_view v = { .type = ICMP6_MLD2_REPORT,
				.mld_nrec = 2,
				.payload = m + 8,
				.payload_len = 20 };
	struct mld2_rec r;

	mld2_rec_iter_init(&it, &v);
	cr_assert_eq(mld2_rec_next(&it, &r), 1);
	cr_assert_eq(mld2_rec_next(&it, &r), -EBADMSG);
	cr_assert_eq(mld2_rec_next(&it, &r), -EBADMSG);
	/* Not a report: nothing to walk. */
	v.type = ICMP6_MLD_REPORT;
	mld2_rec_iter_init(&it, &v);
	cr_assert_eq(mld2_rec_next(&it, &r), 0);
}

Test(icmp6, nd_option_length_zero_is_malformed)
{
	uint8_t m[24 + 8] = { ICMP6_ND_NS };
	struct icmp6_view v;

	m[24] = ND_OPT_SRC_LLADDR;
	m[25] = 1;
	cr_assert_eq(parse_bytes(m, sizeof(m), &v), 0);
	m[25] = 0;
	cr_assert_eq(parse_bytes(m, sizeof(m), &v), -EBADMSG);
}

Test(icmp6, nd_option_past_end_is_malformed)
{
	uint8_t m[16 + 8] = { ICMP6_ND_RA };
	struct icmp6_view v;

	m[16] = ND_OPT_MTU;
	m[17] = 1;
	cr_assert_eq(parse_bytes(m, sizeof(m), &v), 0);
	m[16] = 200;
	m[17] = 2;
	cr_assert_eq(parse_bytes(m, sizeof(m), &v), -EBADMSG);
	cr_assert_eq(parse_bytes(m, sizeof(m) - 1, &v), -EBADMSG);
}

Test(icmp6, na_reserved_bits_are_ignored_and_emitted_as_zero)
{
	uint8_t m[24] = { ICMP6_ND_NA, 0, 0, 0, 0xff, 0xff, 0xff, 0xff };
	struct icmp6_view v;
	uint8_t out[64];

	cr_assert_eq(parse_bytes(m, sizeof(m), &v), 0);
	cr_assert(v.na_router && v.na_solicited && v.na_override);
	cr_assert_eq(icmp6_emit(out, sizeof(out), &v, 0), 24);
	cr_assert_eq(out[4], 0xe0);
	cr_assert_eq(out[5], 0);
	cr_assert_eq(out[7], 0);
}

Test(icmp6, emit_reports_enobufs_for_every_short_buffer)
{
	for (size_t i = 0; i < GOLDEN_ICMP6_COUNT; i++) {
		const struct golden_icmp6 *g = &golden_icmp6[i];
		struct icmp6_view v = view_of(g);
		uint8_t out[2048];

		for (size_t cap = 0; cap < g->len; cap++)
			cr_assert_eq(icmp6_emit(out, cap, &v, 0), -ENOBUFS,
				     "%s cap %zu", g->name, cap);
	}
}

Test(icmp6, emit_rejects_views_that_would_not_parse_back)
{
	static const uint8_t bad_opt[8] = { ND_OPT_MTU, 0 };
	static const uint8_t srcs[32];
	struct icmp6_view v = { .type = ICMP6_MLD_QUERY,
				.payload = srcs,
				.payload_len = 16 };
	uint8_t out[128];

	/* An MLDv1 query has no room for a payload. */
	cr_assert_eq(icmp6_emit(out, sizeof(out), &v, 0), -EINVAL);
	v.mld_v2 = true;
	v.mld_nsrc = 2;
	cr_assert_eq(icmp6_emit(out, sizeof(out), &v, 0), -EINVAL);
	v.mld_nsrc = 1;
	cr_assert_eq(icmp6_emit(out, sizeof(out), &v, 0), 44);
	v.mld_qrv = 8;
	cr_assert_eq(icmp6_emit(out, sizeof(out), &v, 0), -EINVAL);

	v = (struct icmp6_view){ .type = ICMP6_ND_RA, .ra_prf = 4 };
	cr_assert_eq(icmp6_emit(out, sizeof(out), &v, 0), -EINVAL);
	v = (struct icmp6_view){ .type = ICMP6_ND_NS,
				 .payload = bad_opt,
				 .payload_len = sizeof(bad_opt) };
	cr_assert_eq(icmp6_emit(out, sizeof(out), &v, 0), -EINVAL);
	v = (struct icmp6_view){ .type = ICMP6_MLD2_REPORT, .mld_nrec = 1 };
	cr_assert_eq(icmp6_emit(out, sizeof(out), &v, 0), -EINVAL);
}

Test(icmp6, mld2_rec_emit_reports_enobufs)
{
	const uint8_t src[16] = { 0x20, 0x01 };
	struct mld2_rec r = { .type = MLD2_MODE_IS_EXCLUDE,
			      .nsrc = 1,
			      .srcs = src };
	uint8_t out[64];
	struct ip6_addr a;

	cr_assert_eq(mld2_rec_len(&r), 36);
	cr_assert_eq(mld2_rec_emit(out, 35, &r), -ENOBUFS);
	cr_assert_eq(mld2_rec_emit(out, 36, &r), 36);
	mld2_src(out + MLD2_REC_HLEN, 0, &a);
	cr_assert_eq(a.b[1], 0x01);
}
