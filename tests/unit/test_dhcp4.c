// SPDX-License-Identifier: MIT
/*
 * test_dhcp4.c - DHCPv4 messages against scapy's, options, RFC 3442 routes
 */
#include <errno.h>

#include "testutil.h"
#include "wire/dhcp4.h"

struct golden_dhcp4_opt {
	uint8_t code;
	const uint8_t *data;
	size_t len;
};

struct golden_dhcp4 {
	const char *name;
	const uint8_t *frame;
	size_t len;
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	const uint8_t *chaddr, *sname, *file;
	size_t chaddr_len, sname_len, file_len;
	uint8_t overload, msg_type;
	bool has_server_id, has_requested_ip, has_lease_time, has_t1, has_t2,
		has_subnet_mask;
	uint32_t server_id, requested_ip, lease_time, t1, t2, subnet_mask;
	const uint8_t *routers, *dns, *domain, *hostname, *client_id, *prl,
		*routes_raw;
	size_t routers_len, dns_len, domain_len, hostname_len, client_id_len,
		prl_len, routes_raw_len;
	const struct dhcp4_route *routes;
	size_t n_routes;
	const struct golden_dhcp4_opt *opts;
	size_t n_opts;
};

#include "../fixtures/golden_dhcp4.h"

/*
 * tu_assert_bytes() through a function, so two equal length expressions
 * at a call site do not read to clang-tidy as a cloned conditional.
 */
static void same_bytes(const uint8_t *a, size_t alen, const uint8_t *b,
		       size_t blen, const char *what)
{
	tu_assert_bytes(a, alen, b, blen, what);
}

static struct dhcp4_view header_of(const struct golden_dhcp4 *g)
{
	struct dhcp4_view v = {
		.op = g->op,
		.htype = g->htype,
		.hlen = g->hlen,
		.hops = g->hops,
		.xid = g->xid,
		.secs = g->secs,
		.flags = g->flags,
		.ciaddr = g->ciaddr,
		.yiaddr = g->yiaddr,
		.siaddr = g->siaddr,
		.giaddr = g->giaddr,
		.sname = g->sname,
		.file = g->file,
	};

	memcpy(v.chaddr, g->chaddr, DHCP4_CHADDR_LEN);
	return v;
}

/*
 * Build the golden options with the builder: each option as scapy listed
 * it, except option 121, which is re-encoded from the decoded routes (and
 * split by the builder when long).
 */
static int build_opts(const struct golden_dhcp4 *g, uint8_t *buf, size_t cap)
{
	struct dhcp4_opts o;
	bool routes_done = false;

	dhcp4_opts_init(&o, buf, cap);
	for (size_t i = 0; i < g->n_opts; i++) {
		const struct golden_dhcp4_opt *op = &g->opts[i];

		if (op->code == DHCP4_OPT_CLASSLESS_ROUTES && g->n_routes) {
			if (!routes_done)
				dhcp4_opt_put_routes(&o, g->routes,
						     g->n_routes);
			routes_done = true;
			continue;
		}
		dhcp4_opt_put(&o, op->code, op->data, op->len);
	}
	return dhcp4_opts_end(&o);
}

/* Check an option the view extracts against the golden (joined) value. */
static void check_ref(const struct dhcp4_view *v, const struct dhcp4_optref *r,
		      uint8_t code, const uint8_t *want, size_t want_len,
		      const char *name)
{
	uint8_t buf[1024];
	int n;

	if (!want_len) {
		cr_assert_eq(r->parts, 0, "%s: option %u", name, code);
		return;
	}
	cr_assert_gt(r->parts, 0, "%s: option %u", name, code);
	cr_assert_eq(r->total, want_len, "%s: option %u", name, code);
	n = dhcp4_opt_concat(v, code, buf, sizeof(buf));
	cr_assert_gt(n, 0, "%s: option %u", name, code);
	same_bytes(buf, (size_t)n, want, want_len, name);
	if (r->parts == 1)
		same_bytes(r->data, r->len, want, want_len, name);
}

Test(dhcp4, golden_messages_parse_field_for_field)
{
	for (size_t i = 0; i < GOLDEN_DHCP4_COUNT; i++) {
		const struct golden_dhcp4 *g = &golden_dhcp4[i];
		uint8_t *f = tu_exact(g->frame, g->len);
		struct dhcp4_view v;

		cr_assert_eq(dhcp4_parse(f, g->len, &v), 0, "%s", g->name);
		cr_assert_eq(v.op, g->op, "%s", g->name);
		cr_assert_eq(v.htype, g->htype, "%s", g->name);
		cr_assert_eq(v.hlen, g->hlen, "%s", g->name);
		cr_assert_eq(v.hops, g->hops, "%s", g->name);
		cr_assert_eq(v.xid, g->xid, "%s", g->name);
		cr_assert_eq(v.secs, g->secs, "%s", g->name);
		cr_assert_eq(v.flags, g->flags, "%s", g->name);
		cr_assert_eq(v.ciaddr, g->ciaddr, "%s", g->name);
		cr_assert_eq(v.yiaddr, g->yiaddr, "%s", g->name);
		cr_assert_eq(v.siaddr, g->siaddr, "%s", g->name);
		cr_assert_eq(v.giaddr, g->giaddr, "%s", g->name);
		same_bytes(v.chaddr, DHCP4_CHADDR_LEN, g->chaddr, g->chaddr_len,
			   g->name);
		same_bytes(v.sname, DHCP4_SNAME_LEN, g->sname, g->sname_len,
			   g->name);
		same_bytes(v.file, DHCP4_FILE_LEN, g->file, g->file_len,
			   g->name);
		cr_assert_eq(v.options_len, g->len - DHCP4_HDR_LEN);
		cr_assert_eq(v.overload, g->overload, "%s", g->name);
		cr_assert_eq(v.msg_type, g->msg_type, "%s", g->name);
		cr_assert_eq(v.has_server_id, g->has_server_id, "%s", g->name);
		cr_assert_eq(v.server_id, g->server_id, "%s", g->name);
		cr_assert_eq(v.has_requested_ip, g->has_requested_ip);
		cr_assert_eq(v.requested_ip, g->requested_ip, "%s", g->name);
		cr_assert_eq(v.has_lease_time, g->has_lease_time);
		cr_assert_eq(v.lease_time, g->lease_time, "%s", g->name);
		cr_assert_eq(v.has_t1, g->has_t1, "%s", g->name);
		cr_assert_eq(v.t1, g->t1, "%s", g->name);
		cr_assert_eq(v.has_t2, g->has_t2, "%s", g->name);
		cr_assert_eq(v.t2, g->t2, "%s", g->name);
		cr_assert_eq(v.has_subnet_mask, g->has_subnet_mask);
		cr_assert_eq(v.subnet_mask, g->subnet_mask, "%s", g->name);
		check_ref(&v, &v.routers, DHCP4_OPT_ROUTERS, g->routers,
			  g->routers_len, g->name);
		check_ref(&v, &v.dns, DHCP4_OPT_DNS, g->dns, g->dns_len,
			  g->name);
		check_ref(&v, &v.domain, DHCP4_OPT_DOMAIN, g->domain,
			  g->domain_len, g->name);
		check_ref(&v, &v.hostname, DHCP4_OPT_HOSTNAME, g->hostname,
			  g->hostname_len, g->name);
		check_ref(&v, &v.client_id, DHCP4_OPT_CLIENT_ID, g->client_id,
			  g->client_id_len, g->name);
		check_ref(&v, &v.prl, DHCP4_OPT_PRL, g->prl, g->prl_len,
			  g->name);
		check_ref(&v, &v.routes, DHCP4_OPT_CLASSLESS_ROUTES,
			  g->routes_raw, g->routes_raw_len, g->name);
		free(f);
	}
}

Test(dhcp4, golden_routes_decode_route_for_route)
{
	for (size_t i = 0; i < GOLDEN_DHCP4_COUNT; i++) {
		const struct golden_dhcp4 *g = &golden_dhcp4[i];
		struct dhcp4_route r[64];
		uint8_t raw[1024];
		struct dhcp4_view v;
		int n;

		if (!g->n_routes)
			continue;
		cr_assert_eq(dhcp4_parse(g->frame, g->len, &v), 0);
		n = dhcp4_opt_concat(&v, DHCP4_OPT_CLASSLESS_ROUTES, raw,
				     sizeof(raw));
		cr_assert_gt(n, 0, "%s", g->name);
		cr_assert_eq(dhcp4_routes_parse(raw, (size_t)n, r, 64),
			     (int)g->n_routes, "%s", g->name);
		for (size_t k = 0; k < g->n_routes; k++) {
			cr_assert_eq(r[k].dst, g->routes[k].dst, "%s %zu",
				     g->name, k);
			cr_assert_eq(r[k].width, g->routes[k].width);
			cr_assert_eq(r[k].router, g->routes[k].router);
		}
	}
}

Test(dhcp4, golden_messages_emit_byte_for_byte)
{
	for (size_t i = 0; i < GOLDEN_DHCP4_COUNT; i++) {
		const struct golden_dhcp4 *g = &golden_dhcp4[i];
		struct dhcp4_view v = header_of(g);
		uint8_t out[2048];
		int olen, n;

		/* Options built in place: dhcp4_emit() must not move them. */
		olen = build_opts(g, out + DHCP4_HDR_LEN,
				  sizeof(out) - DHCP4_HDR_LEN);
		cr_assert_gt(olen, 0, "%s", g->name);
		v.options = out + DHCP4_HDR_LEN;
		v.options_len = (size_t)olen;
		n = dhcp4_emit(out, sizeof(out), &v);
		cr_assert_eq(n, DHCP4_HDR_LEN + olen, "%s", g->name);
		same_bytes(out, (size_t)n, g->frame, g->len, g->name);
	}
}

Test(dhcp4, emit_copies_options_from_elsewhere)
{
	for (size_t i = 0; i < GOLDEN_DHCP4_COUNT; i++) {
		const struct golden_dhcp4 *g = &golden_dhcp4[i];
		struct dhcp4_view v = header_of(g);
		uint8_t opts[1024], out[2048];
		int olen = build_opts(g, opts, sizeof(opts));

		cr_assert_gt(olen, 0);
		v.options = opts;
		v.options_len = (size_t)olen;
		cr_assert_eq(dhcp4_emit(out, sizeof(out), &v), (int)g->len);
		same_bytes(out, g->len, g->frame, g->len, g->name);
	}
}

/*
 * The message has no length of its own: a cut that lands between two
 * options, or anywhere after the last one, is a shorter valid message; a
 * cut inside an option or the fixed header is malformed.
 */
Test(dhcp4, truncation_at_every_byte)
{
	for (size_t i = 0; i < GOLDEN_DHCP4_COUNT; i++) {
		const struct golden_dhcp4 *g = &golden_dhcp4[i];
		size_t last = DHCP4_HDR_LEN;

		for (size_t k = 0; k < g->n_opts; k++)
			last += 2 + g->opts[k].len;
		for (size_t n = 0; n < g->len; n++) {
			uint8_t *f = tu_exact(g->frame, n);
			bool ok = n >= last;
			struct dhcp4_view v;
			size_t at = DHCP4_HDR_LEN;
			int rc;

			for (size_t k = 0; !ok && k <= g->n_opts; k++) {
				ok = n == at;
				if (k < g->n_opts)
					at += 2 + g->opts[k].len;
			}
			rc = dhcp4_parse(f, n, &v);
			cr_assert_eq(rc, ok ? 0 : -EBADMSG, "%s cut at %zu",
				     g->name, n);
			if (ok)
				cr_assert_eq(v.options_len, n - DHCP4_HDR_LEN);
			free(f);
		}
	}
}

static int parse_bytes(const uint8_t *b, size_t n)
{
	uint8_t *f = tu_exact(b, n);
	struct dhcp4_view v;
	int rc = dhcp4_parse(f, n, &v);

	free(f);
	return rc;
}

/* A minimal BOOTREQUEST with @opts after the cookie, in @msg. */
static size_t make_msg(uint8_t *msg, const uint8_t *opts, size_t n)
{
	memset(msg, 0, DHCP4_HDR_LEN);
	msg[0] = DHCP4_OP_REQUEST;
	msg[1] = DHCP4_HTYPE_ETHER;
	msg[2] = 6;
	st_be32(msg + 236, DHCP4_MAGIC);
	if (n)
		memcpy(msg + DHCP4_HDR_LEN, opts, n);
	return DHCP4_HDR_LEN + n;
}

static int parse_opts(const uint8_t *opts, size_t n)
{
	uint8_t msg[1024];

	return parse_bytes(msg, make_msg(msg, opts, n));
}

Test(dhcp4, message_shorter_than_fixed_header_is_malformed)
{
	uint8_t msg[DHCP4_HDR_LEN];

	make_msg(msg, NULL, 0);
	cr_assert_eq(parse_bytes(msg, DHCP4_HDR_LEN), 0);
	cr_assert_eq(parse_bytes(msg, DHCP4_HDR_LEN - 1), -EBADMSG);
	cr_assert_eq(parse_bytes(msg, DHCP4_FIXED_LEN), -EBADMSG);
	cr_assert_eq(parse_bytes(msg, 0), -EBADMSG);
}

Test(dhcp4, missing_or_wrong_magic_cookie_is_malformed)
{
	uint8_t msg[DHCP4_HDR_LEN + 4];
	static const uint8_t end[] = { DHCP4_OPT_END };
	size_t n = make_msg(msg, end, 1);

	cr_assert_eq(parse_bytes(msg, n), 0);
	msg[239] ^= 1;
	cr_assert_eq(parse_bytes(msg, n), -EBADMSG);
	/* Plain BOOTP: vend area of zeros, no cookie. */
	memset(msg + 236, 0, 4);
	cr_assert_eq(parse_bytes(msg, n), -EBADMSG);
}

Test(dhcp4, hlen_above_16_is_malformed)
{
	uint8_t msg[DHCP4_HDR_LEN];

	make_msg(msg, NULL, 0);
	msg[2] = 16;
	cr_assert_eq(parse_bytes(msg, sizeof(msg)), 0);
	msg[2] = 17;
	cr_assert_eq(parse_bytes(msg, sizeof(msg)), -EBADMSG);
}

Test(dhcp4, op_other_than_request_or_reply_is_malformed)
{
	uint8_t msg[DHCP4_HDR_LEN];

	make_msg(msg, NULL, 0);
	msg[0] = 0;
	cr_assert_eq(parse_bytes(msg, sizeof(msg)), -EBADMSG);
	msg[0] = 3;
	cr_assert_eq(parse_bytes(msg, sizeof(msg)), -EBADMSG);
	msg[0] = DHCP4_OP_REPLY;
	cr_assert_eq(parse_bytes(msg, sizeof(msg)), 0);
}

Test(dhcp4, option_length_past_end_is_malformed)
{
	static const uint8_t past[] = { 53, 1, 1, 12, 5, 'a', 'b', 'c' };
	static const uint8_t no_len[] = { 53, 1, 1, 12 };
	static const uint8_t fits[] = { 53, 1, 1, 12, 3, 'a', 'b', 'c' };

	cr_assert_eq(parse_opts(past, sizeof(past)), -EBADMSG);
	cr_assert_eq(parse_opts(no_len, sizeof(no_len)), -EBADMSG);
	cr_assert_eq(parse_opts(fits, sizeof(fits)), 0);
}

Test(dhcp4, missing_end_is_tolerated_when_options_end_exactly)
{
	static const uint8_t o[] = { 53, 1, 5, 51, 4, 0, 0, 0x0e, 0x10 };
	uint8_t msg[512];
	struct dhcp4_view v;

	cr_assert_eq(dhcp4_parse(msg, make_msg(msg, o, sizeof(o)), &v), 0);
	cr_assert_eq(v.msg_type, DHCP4_ACK);
	cr_assert(v.has_lease_time);
	cr_assert_eq(v.lease_time, 3600);
}

Test(dhcp4, bytes_after_end_are_pad_and_never_parsed)
{
	/* What follows End would be malformed if it were read. */
	static const uint8_t o[] = { 53, 1, 1, 255, 51, 200, 1 };
	uint8_t msg[512];
	struct dhcp4_view v;

	cr_assert_eq(dhcp4_parse(msg, make_msg(msg, o, sizeof(o)), &v), 0);
	cr_assert_eq(v.msg_type, DHCP4_DISCOVER);
	cr_assert_not(v.has_lease_time);
	cr_assert_eq(v.options_len, sizeof(o));
}

Test(dhcp4, scalar_options_of_wrong_length_are_malformed)
{
	static const uint8_t bad[][6] = {
		{ 53, 2, 1, 1 },       /* message type is one byte */
		{ 53, 1, 0 },	       /* and never 0 */
		{ 54, 3, 192, 0, 2 },  /* server id is four */
		{ 51, 5, 0, 0, 0, 0 }, /* lease time is four */
		{ 1, 0 },	       /* subnet mask is four */
		{ 50, 2, 1, 2 },       /* requested IP is four */
		{ 58, 1, 1 },	       /* T1 is four */
		{ 59, 3, 1, 2, 3 },    /* T2 is four */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(parse_opts(bad[i], 2 + (size_t)bad[i][1]),
			     -EBADMSG, "case %zu", i);
}

Test(dhcp4, address_lists_not_a_multiple_of_four_are_malformed)
{
	static const uint8_t routers6[] = { 3, 6, 1, 2, 3, 4, 5, 6 };
	static const uint8_t dns0[] = { 6, 0 };
	static const uint8_t dns8[] = { 6, 8, 1, 2, 3, 4, 5, 6, 7, 8 };

	cr_assert_eq(parse_opts(routers6, sizeof(routers6)), -EBADMSG);
	cr_assert_eq(parse_opts(dns0, sizeof(dns0)), -EBADMSG);
	cr_assert_eq(parse_opts(dns8, sizeof(dns8)), 0);
}

Test(dhcp4, strings_below_rfc2132_minimum_are_malformed)
{
	static const uint8_t host0[] = { 12, 0 };
	static const uint8_t domain0[] = { 15, 0 };
	static const uint8_t prl0[] = { 55, 0 };
	static const uint8_t cid1[] = { 61, 1, 1 };
	static const uint8_t cid2[] = { 61, 2, 1, 2 };

	cr_assert_eq(parse_opts(host0, sizeof(host0)), -EBADMSG);
	cr_assert_eq(parse_opts(domain0, sizeof(domain0)), -EBADMSG);
	cr_assert_eq(parse_opts(prl0, sizeof(prl0)), -EBADMSG);
	cr_assert_eq(parse_opts(cid1, sizeof(cid1)), -EBADMSG);
	cr_assert_eq(parse_opts(cid2, sizeof(cid2)), 0);
}

Test(dhcp4, first_instance_of_a_scalar_wins)
{
	static const uint8_t o[] = { 53, 1, 2, 53, 1, 5, 255 };
	uint8_t msg[512];
	struct dhcp4_view v;

	cr_assert_eq(dhcp4_parse(msg, make_msg(msg, o, sizeof(o)), &v), 0);
	cr_assert_eq(v.msg_type, DHCP4_OFFER);
}

Test(dhcp4, zero_length_unknown_option_is_skipped)
{
	/* Rapid Commit (RFC 4039) has no value. */
	static const uint8_t o[] = { 80, 0, 53, 1, 5, 255 };
	uint8_t msg[512];
	struct dhcp4_view v;

	cr_assert_eq(dhcp4_parse(msg, make_msg(msg, o, sizeof(o)), &v), 0);
	cr_assert_eq(v.msg_type, DHCP4_ACK);
}

Test(dhcp4, overload_walks_options_then_file_then_sname)
{
	static const uint8_t o[] = { 52, 1, 3, 53, 1, 5, 255 };
	static const uint8_t want[] = { 52, 53, 12, 15, 56 };
	uint8_t msg[512];
	struct dhcp4_view v;
	struct dhcp4_opt_iter it;
	const uint8_t *data;
	uint8_t code, len;
	size_t n = make_msg(msg, o, sizeof(o)), k = 0;

	/* file at 108 holds 12 and 15; sname at 44 holds 56 and no End. */
	memcpy(msg + 108, (const uint8_t[]){ 12, 1, 'h', 0, 15, 1, 'd', 255 },
	       8);
	memset(msg + 44, 0, DHCP4_SNAME_LEN);
	msg[44 + DHCP4_SNAME_LEN - 3] = 56;
	msg[44 + DHCP4_SNAME_LEN - 2] = 1;
	msg[44 + DHCP4_SNAME_LEN - 1] = 'x';
	cr_assert_eq(dhcp4_parse(msg, n, &v), 0);
	cr_assert_eq(v.overload, 3);
	cr_assert_eq(v.hostname.parts, 1);
	cr_assert_eq(v.hostname.data[0], 'h');
	cr_assert_eq(v.domain.data[0], 'd');
	dhcp4_opt_iter_init(&it, &v);
	while (dhcp4_opt_next(&it, &code, &data, &len) > 0) {
		cr_assert_lt(k, sizeof(want));
		cr_assert_eq(code, want[k], "option %zu", k);
		k++;
	}
	cr_assert_eq(k, sizeof(want));
}

Test(dhcp4, option_running_past_overloaded_file_is_malformed)
{
	static const uint8_t o[] = { 52, 1, 1, 255 };
	uint8_t msg[512];
	size_t n = make_msg(msg, o, sizeof(o));

	/* A hostname at the end of file claims 4 bytes, 1 is left. */
	msg[108 + DHCP4_FILE_LEN - 3] = 12;
	msg[108 + DHCP4_FILE_LEN - 2] = 4;
	msg[108 + DHCP4_FILE_LEN - 1] = 'h';
	cr_assert_eq(parse_bytes(msg, n), -EBADMSG);
	/* Without overload the same file is a file name, not options. */
	msg[DHCP4_HDR_LEN + 2] = 2;
	cr_assert_eq(parse_bytes(msg, n), 0);
}

Test(dhcp4, malformed_overload_option_is_malformed)
{
	static const uint8_t v0[] = { 52, 1, 0 };
	static const uint8_t v4[] = { 52, 1, 4 };
	static const uint8_t len2[] = { 52, 2, 1, 1 };
	static const uint8_t twice[] = { 52, 1, 1, 52, 1, 1 };

	cr_assert_eq(parse_opts(v0, sizeof(v0)), -EBADMSG);
	cr_assert_eq(parse_opts(v4, sizeof(v4)), -EBADMSG);
	cr_assert_eq(parse_opts(len2, sizeof(len2)), -EBADMSG);
	cr_assert_eq(parse_opts(twice, sizeof(twice)), -EBADMSG);
}

Test(dhcp4, overload_option_inside_file_has_no_effect)
{
	static const uint8_t o[] = { 52, 1, 1, 255 };
	uint8_t msg[512];
	struct dhcp4_view v;
	size_t n = make_msg(msg, o, sizeof(o));

	/* file says "sname too", but only the options field may say so. */
	memcpy(msg + 108, (const uint8_t[]){ 52, 1, 2, 255 }, 4);
	msg[44] = 12;
	msg[45] = 200; /* would run past sname if sname were walked */
	cr_assert_eq(dhcp4_parse(msg, n, &v), 0);
	cr_assert_eq(v.overload, 1);
}

Test(dhcp4, concat_joins_long_option_instances_in_order)
{
	static const uint8_t o[] = { 12, 2, 'n', 's', 53,  1,  1,
				     12, 3, 's', 't', 'k', 255 };
	uint8_t msg[512], out[8];
	struct dhcp4_view v;

	cr_assert_eq(dhcp4_parse(msg, make_msg(msg, o, sizeof(o)), &v), 0);
	cr_assert_eq(v.hostname.parts, 2);
	cr_assert_eq(v.hostname.len, 2);
	cr_assert_eq(v.hostname.total, 5);
	cr_assert_eq(dhcp4_opt_concat(&v, DHCP4_OPT_HOSTNAME, out, 8), 5);
	same_bytes(out, 5, (const uint8_t *)"nsstk", 5, "hostname");
	cr_assert_eq(dhcp4_opt_concat(&v, DHCP4_OPT_HOSTNAME, out, 4),
		     -ENOBUFS);
	cr_assert_eq(dhcp4_opt_concat(&v, DHCP4_OPT_DOMAIN, out, 8), -ENOENT);
}

static int routes(const uint8_t *p, size_t n, struct dhcp4_route *r, size_t max)
{
	uint8_t *f = tu_exact(p, n);
	int rc = dhcp4_routes_parse(f, n, r, max);

	free(f);
	return rc;
}

Test(dhcp4, classless_route_width_33_is_malformed)
{
	uint8_t o[] = { 33, 10, 0, 0, 0, 0, 192, 0, 2, 1 };
	struct dhcp4_route r[2];

	cr_assert_eq(routes(o, sizeof(o), r, 2), -EBADMSG);
	o[0] = 32; /* the same bytes as a /32 host route are valid */
	cr_assert_eq(routes(o, 9, r, 2), 1);
	cr_assert_eq(r[0].dst, 0x0a000000);
	cr_assert_eq(r[0].router, 0x00c00002);
}

Test(dhcp4, classless_route_truncated_is_malformed)
{
	/* A /24 needs 3 destination octets and a 4-byte router: 8 bytes. */
	static const uint8_t o[] = { 0,	 192, 0,   2, 1, 24, 198,
				     51, 100, 192, 0, 2, 1 };
	struct dhcp4_route r[2];

	cr_assert_eq(routes(o, sizeof(o), r, 2), 2);
	for (size_t n = 0; n < sizeof(o); n++)
		if (n != 5)
			cr_assert_eq(routes(o, n, r, 2), -EBADMSG, "cut %zu",
				     n);
	cr_assert_eq(routes(o, 5, r, 2), 1);
}

Test(dhcp4, classless_routes_decode_widths_0_to_32)
{
	for (unsigned w = 0; w <= 32; w++) {
		uint8_t o[9] = { (uint8_t)w, 0xff, 0xff, 0xff, 0xff };
		size_t sig = (w + 7) / 8;
		struct dhcp4_route r;
		uint32_t want = sig ? 0xffffffffu << (32 - 8 * sig) : 0;

		memcpy(o + 1 + sig, (const uint8_t[]){ 192, 0, 2, 1 }, 4);
		cr_assert_eq(routes(o, 5 + sig, &r, 1), 1, "width %u", w);
		cr_assert_eq(r.width, w);
		cr_assert_eq(r.dst, want, "width %u", w);
		cr_assert_eq(r.router, 0xc0000201);
	}
}

Test(dhcp4, classless_routes_count_past_max_still_validated)
{
	static const uint8_t o[] = { 0, 192, 0, 2,   1, 0, 192, 0,
				     2, 2,   0, 192, 0, 2, 3,	40 };
	struct dhcp4_route r[1];

	cr_assert_eq(routes(o, 15, r, 1), 3);
	cr_assert_eq(r[0].router, 0xc0000201);
	cr_assert_eq(routes(o, sizeof(o), r, 1), -EBADMSG);
	cr_assert_eq(routes(o, 4, r, 1), -EBADMSG);
}

Test(dhcp4, builder_splits_values_over_255_bytes)
{
	uint8_t val[600], buf[700];
	struct dhcp4_opts o;

	for (size_t i = 0; i < sizeof(val); i++)
		val[i] = (uint8_t)i;
	dhcp4_opts_init(&o, buf, sizeof(buf));
	cr_assert_eq(dhcp4_opt_put(&o, 77, val, sizeof(val)), 0);
	cr_assert_eq(o.len, 606);
	cr_assert_eq(buf[0], 77);
	cr_assert_eq(buf[1], 255);
	cr_assert_eq(buf[257], 77);
	cr_assert_eq(buf[258], 255);
	cr_assert_eq(buf[514], 77);
	cr_assert_eq(buf[515], 90);
	same_bytes(buf + 2, 255, val, 255, "part 1");
	same_bytes(buf + 259, 255, val + 255, 255, "part 2");
	same_bytes(buf + 516, 90, val + 510, 90, "part 3");
}

Test(dhcp4, builder_round_trips_a_split_option_through_parse)
{
	uint8_t val[300], msg[1024], out[400];
	struct dhcp4_view v;
	struct dhcp4_opts o;
	int n;

	for (size_t i = 0; i < sizeof(val); i++)
		val[i] = (uint8_t)(i * 7);
	make_msg(msg, NULL, 0);
	dhcp4_opts_init(&o, msg + DHCP4_HDR_LEN, sizeof(msg) - DHCP4_HDR_LEN);
	dhcp4_opt_put_u8(&o, DHCP4_OPT_MSG_TYPE, DHCP4_REQUEST);
	dhcp4_opt_put(&o, DHCP4_OPT_CLIENT_ID, val, sizeof(val));
	n = dhcp4_opts_end(&o);
	cr_assert_gt(n, 0);
	cr_assert_eq(dhcp4_parse(msg, DHCP4_HDR_LEN + (size_t)n, &v), 0);
	cr_assert_eq(v.client_id.parts, 2);
	cr_assert_eq(
		dhcp4_opt_concat(&v, DHCP4_OPT_CLIENT_ID, out, sizeof(out)),
		(int)sizeof(val));
	same_bytes(out, sizeof(val), val, sizeof(val), "client id");
}

Test(dhcp4, builder_end_pads_to_bootp_minimum)
{
	uint8_t buf[512];
	struct dhcp4_opts o;

	memset(buf, 0xee, sizeof(buf));
	dhcp4_opts_init(&o, buf, sizeof(buf));
	dhcp4_opt_put_u8(&o, DHCP4_OPT_MSG_TYPE, DHCP4_DISCOVER);
	cr_assert_eq(dhcp4_opts_end(&o), DHCP4_MIN_LEN - DHCP4_HDR_LEN);
	cr_assert_eq(buf[3], DHCP4_OPT_END);
	for (size_t i = 4; i < DHCP4_MIN_LEN - DHCP4_HDR_LEN; i++)
		cr_assert_eq(buf[i], 0, "byte %zu", i);
	cr_assert_eq(buf[DHCP4_MIN_LEN - DHCP4_HDR_LEN], 0xee);
}

Test(dhcp4, builder_writes_scalars_lists_and_pad)
{
	static const uint32_t dns[] = { 0xc0000235, 0xc6336435 };
	static const uint8_t want[] = {
		57, 2, 0x05, 0xdc, 54, 4,    192, 0,  2,   1,	 0,  0,
		6,  8, 192,  0,	   2,  0x35, 198, 51, 100, 0x35, 80, 0
	};
	uint8_t buf[64];
	struct dhcp4_opts o;

	dhcp4_opts_init(&o, buf, sizeof(buf));
	dhcp4_opt_put_u16(&o, DHCP4_OPT_MAX_SIZE, 1500);
	dhcp4_opt_put_u32(&o, DHCP4_OPT_SERVER_ID, 0xc0000201);
	dhcp4_opt_pad(&o, 2);
	dhcp4_opt_put_addrs(&o, DHCP4_OPT_DNS, dns, 2);
	dhcp4_opt_put(&o, DHCP4_OPT_RAPID_COMMIT, NULL, 0);
	cr_assert_eq(o.err, 0);
	same_bytes(buf, o.len, want, sizeof(want), "options");
}

Test(dhcp4, builder_reports_enobufs_for_every_short_buffer)
{
	const struct golden_dhcp4 *g = &golden_dhcp4[1]; /* offer */
	size_t need = g->len - DHCP4_HDR_LEN;
	uint8_t buf[1024];

	for (size_t cap = 0; cap < need; cap++) {
		uint8_t *b = malloc(cap ? cap : 1);

		cr_assert_eq(build_opts(g, b, cap), -ENOBUFS, "cap %zu", cap);
		free(b);
	}
	cr_assert_eq(build_opts(g, buf, need), (int)need);
}

Test(dhcp4, builder_errors_stick_and_reject_pad_end_and_bad_width)
{
	struct dhcp4_route bad = { .width = 33 };
	uint8_t buf[64];
	struct dhcp4_opts o;

	dhcp4_opts_init(&o, buf, sizeof(buf));
	cr_assert_eq(dhcp4_opt_put(&o, DHCP4_OPT_END, NULL, 0), -EINVAL);
	cr_assert_eq(dhcp4_opt_put_u8(&o, DHCP4_OPT_MSG_TYPE, 1), -EINVAL);
	cr_assert_eq(dhcp4_opts_end(&o), -EINVAL);
	dhcp4_opts_init(&o, buf, sizeof(buf));
	cr_assert_eq(dhcp4_opt_put_u8(&o, DHCP4_OPT_PAD, 1), -EINVAL);
	dhcp4_opts_init(&o, buf, sizeof(buf));
	cr_assert_eq(dhcp4_opt_put_routes(&o, &bad, 1), -EINVAL);
	dhcp4_opts_init(&o, buf, sizeof(buf));
	cr_assert_eq(dhcp4_opt_put_addrs(&o, DHCP4_OPT_END, NULL, 0), -EINVAL);
}

Test(dhcp4, emit_reports_enobufs_for_every_short_buffer)
{
	const struct golden_dhcp4 *g = &golden_dhcp4[0];
	struct dhcp4_view v;
	uint8_t out[1024];

	cr_assert_eq(dhcp4_parse(g->frame, g->len, &v), 0);
	for (size_t cap = 0; cap < g->len; cap++)
		cr_assert_eq(dhcp4_emit(out, cap, &v), -ENOBUFS, "cap %zu",
			     cap);
	cr_assert_eq(dhcp4_emit(out, g->len, &v), (int)g->len);
	same_bytes(out, g->len, g->frame, g->len, g->name);
}

Test(dhcp4, emit_rejects_views_that_cannot_be_encoded)
{
	struct dhcp4_view v = { .op = 3, .hlen = 6 };
	uint8_t out[DHCP4_HDR_LEN];

	cr_assert_eq(dhcp4_emit(out, sizeof(out), &v), -EINVAL);
	v.op = DHCP4_OP_REQUEST;
	v.hlen = 17;
	cr_assert_eq(dhcp4_emit(out, sizeof(out), &v), -EINVAL);
	v.hlen = 6;
	cr_assert_eq(dhcp4_emit(out, sizeof(out), &v), DHCP4_HDR_LEN);
	/* NULL sname and file are written as zeros. */
	for (size_t i = 44; i < DHCP4_FIXED_LEN; i++)
		cr_assert_eq(out[i], 0);
}

Test(dhcp4, failed_parse_leaves_no_stale_fields)
{
	static const uint8_t o[] = { 53, 1, 5, 12, 9, 'x' };
	uint8_t msg[512];
	struct dhcp4_view v;

	memset(&v, 0xa5, sizeof(v));
	cr_assert_eq(dhcp4_parse(msg, make_msg(msg, o, sizeof(o)), &v),
		     -EBADMSG);
	cr_assert_eq(v.msg_type, 0);
	cr_assert_eq(v.xid, 0);
	cr_assert_null(v.options);
}
