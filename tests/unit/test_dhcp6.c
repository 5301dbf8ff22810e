// SPDX-License-Identifier: MIT
/*
 * test_dhcp6.c - DHCPv6 messages against scapy's, nested options, builder
 */
#include <errno.h>
#include <stdio.h>

#include "testutil.h"
#include "wire/dhcp6.h"

struct golden_dhcp6_opt {
	uint16_t code;
	const uint8_t *data; /* the whole value, or a container's fixed part */
	size_t len;
	const struct golden_dhcp6_opt *sub;
	size_t n_sub;
};

struct golden_dhcp6_status {
	bool present;
	uint16_t code;
	const uint8_t *msg;
	size_t msg_len;
};

struct golden_dhcp6_addr {
	const uint8_t *addr;
	uint8_t plen;
	uint32_t pref, valid;
	struct golden_dhcp6_status status;
};

struct golden_dhcp6 {
	const char *name;
	const uint8_t *frame;
	size_t len;
	const uint8_t *link_addr, *peer_addr, *clientid, *serverid, *oro, *dns,
		*domains_raw, *relay_msg, *interface_id;
	size_t link_addr_len, peer_addr_len, clientid_len, serverid_len,
		oro_len, dns_len, domains_raw_len, relay_msg_len,
		interface_id_len;
	const char *domains;
	const struct golden_dhcp6_addr *ia_na_addrs, *ia_pd_addrs;
	size_t ia_na_n_addrs, ia_pd_n_addrs;
	const struct golden_dhcp6_opt *opts;
	size_t n_opts;
	struct golden_dhcp6_status status, ia_na_status, ia_pd_status;
	uint32_t xid, irt;
	uint32_t ia_na_iaid, ia_na_t1, ia_na_t2, ia_pd_iaid, ia_pd_t1, ia_pd_t2;
	uint16_t elapsed;
	uint8_t msg_type, hop_count;
	bool has_elapsed, has_preference, has_irt, rapid_commit;
	uint8_t preference;
	bool ia_na_present, ia_pd_present;
};

#include "../fixtures/golden_dhcp6.h"

/* tu_assert_bytes() through a function: see test_dhcp4.c. */
static void same_bytes(const uint8_t *a, size_t alen, const uint8_t *b,
		       size_t blen, const char *what)
{
	tu_assert_bytes(a, alen, b, blen, what);
}

static void check_ref(const struct dhcp6_optref *r, const uint8_t *want,
		      size_t want_len, const char *what)
{
	if (!want) {
		cr_assert_eq(r->count, 0, "%s", what);
		return;
	}
	cr_assert_eq(r->count, 1, "%s", what);
	same_bytes(r->data, r->len, want, want_len, what);
}

static void check_status(const struct dhcp6_status *s,
			 const struct golden_dhcp6_status *g, const char *what)
{
	cr_assert_eq(s->present, g->present, "%s", what);
	cr_assert_eq(s->code, g->code, "%s", what);
	if (g->present)
		same_bytes(s->msg, s->msg_len, g->msg, g->msg_len, what);
}

static void check_ia(const struct dhcp6_optref *r, uint16_t type, bool present,
		     uint32_t iaid, uint32_t t1, uint32_t t2,
		     const struct golden_dhcp6_status *st,
		     const struct golden_dhcp6_addr *addrs, size_t n,
		     const char *name)
{
	struct dhcp6_ia ia;

	cr_assert_eq(r->count, present ? 1 : 0, "%s", name);
	if (!present)
		return;
	cr_assert_eq(dhcp6_ia_parse(type, r->data, r->len, &ia), 0, "%s", name);
	cr_assert_eq(ia.type, type);
	cr_assert_eq(ia.iaid, iaid, "%s", name);
	cr_assert_eq(ia.t1, t1, "%s", name);
	cr_assert_eq(ia.t2, t2, "%s", name);
	check_status(&ia.status, st, name);
	cr_assert_eq(ia.n_addrs, n, "%s", name);
	for (size_t i = 0; i < n; i++) {
		same_bytes(ia.addrs[i].addr.b, IP6_LEN, addrs[i].addr, IP6_LEN,
			   name);
		cr_assert_eq(ia.addrs[i].prefix_len, addrs[i].plen);
		cr_assert_eq(ia.addrs[i].preferred, addrs[i].pref);
		cr_assert_eq(ia.addrs[i].valid, addrs[i].valid);
		check_status(&ia.addrs[i].status, &addrs[i].status, name);
	}
}

/* Decode every name of a DOMAIN_LIST, joined with commas. */
static void join_domains(const struct dhcp6_optref *r, char *out, size_t cap)
{
	char name[256];
	size_t off = 0, n = 0;
	int rc;

	out[0] = '\0';
	while ((rc = dhcp6_domain_next(r->data, r->len, &off, name,
				       sizeof(name))) > 0)
		n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? "," : "",
				      name);
	cr_assert_eq(rc, 0);
}

Test(dhcp6, golden_messages_parse_field_for_field)
{
	for (size_t i = 0; i < GOLDEN_DHCP6_COUNT; i++) {
		const struct golden_dhcp6 *g = &golden_dhcp6[i];
		uint8_t *f = tu_exact(g->frame, g->len);
		struct dhcp6_view v;
		char names[512];

		cr_assert_eq(dhcp6_parse(f, g->len, &v), 0, "%s", g->name);
		cr_assert_eq(v.msg_type, g->msg_type, "%s", g->name);
		cr_assert_eq(v.xid, g->xid, "%s", g->name);
		cr_assert_eq(v.hop_count, g->hop_count, "%s", g->name);
		same_bytes(v.link_addr.b, IP6_LEN, g->link_addr,
			   g->link_addr_len, g->name);
		same_bytes(v.peer_addr.b, IP6_LEN, g->peer_addr,
			   g->peer_addr_len, g->name);
		cr_assert_eq(v.options_len, g->len - (size_t)dhcp6_hdr_len(&v));
		check_ref(&v.clientid, g->clientid, g->clientid_len,
			  "clientid");
		check_ref(&v.serverid, g->serverid, g->serverid_len,
			  "serverid");
		check_ref(&v.oro, g->oro, g->oro_len, "oro");
		check_ref(&v.dns, g->dns, g->dns_len, "dns");
		check_ref(&v.domains, g->domains_raw, g->domains_raw_len,
			  "domains");
		check_ref(&v.relay_msg, g->relay_msg, g->relay_msg_len,
			  "relay_msg");
		check_ref(&v.interface_id, g->interface_id, g->interface_id_len,
			  "interface_id");
		for (size_t k = 0; k < g->oro_len / 2; k++)
			cr_assert_eq(dhcp6_oro_at(&v.oro, k),
				     ld_be16(g->oro + 2 * k));
		for (size_t k = 0; k < g->dns_len / IP6_LEN; k++) {
			struct ip6_addr a;

			dhcp6_dns_at(&v.dns, k, &a);
			same_bytes(a.b, IP6_LEN, g->dns + IP6_LEN * k, IP6_LEN,
				   "dns");
		}
		join_domains(&v.domains, names, sizeof(names));
		cr_assert_str_eq(names, g->domains, "%s", g->name);
		cr_assert_eq(v.has_elapsed, g->has_elapsed, "%s", g->name);
		cr_assert_eq(v.elapsed, g->elapsed, "%s", g->name);
		cr_assert_eq(v.has_preference, g->has_preference);
		cr_assert_eq(v.preference, g->preference, "%s", g->name);
		cr_assert_eq(v.has_irt, g->has_irt, "%s", g->name);
		cr_assert_eq(v.irt, g->irt, "%s", g->name);
		cr_assert_eq(v.rapid_commit, g->rapid_commit, "%s", g->name);
		check_status(&v.status, &g->status, g->name);
		check_ia(&v.ia_na, DHCP6_OPT_IA_NA, g->ia_na_present,
			 g->ia_na_iaid, g->ia_na_t1, g->ia_na_t2,
			 &g->ia_na_status, g->ia_na_addrs, g->ia_na_n_addrs,
			 g->name);
		check_ia(&v.ia_pd, DHCP6_OPT_IA_PD, g->ia_pd_present,
			 g->ia_pd_iaid, g->ia_pd_t1, g->ia_pd_t2,
			 &g->ia_pd_status, g->ia_pd_addrs, g->ia_pd_n_addrs,
			 g->name);
		free(f);
	}
}

Test(dhcp6, relayed_message_parses_as_a_message_of_its_own)
{
	for (size_t i = 0; i < GOLDEN_DHCP6_COUNT; i++) {
		const struct golden_dhcp6 *g = &golden_dhcp6[i];
		struct dhcp6_view v, inner;

		if (g->msg_type != DHCP6_RELAY_FORW)
			continue;
		cr_assert_eq(dhcp6_parse(g->frame, g->len, &v), 0);
		cr_assert_eq(
			dhcp6_parse(v.relay_msg.data, v.relay_msg.len, &inner),
			0);
		cr_assert_eq(inner.msg_type, DHCP6_SOLICIT);
		cr_assert_eq(inner.xid, 0x5a1c17);
		cr_assert_eq(inner.clientid.count, 1);
		cr_assert(inner.has_elapsed);
	}
}

/*
 * Emit an option tree with the builder: containers through their
 * dedicated helpers (IA, IAADDR, IAPREFIX from the fixed part's fields),
 * STATUS_CODE through its helper, the rest as plain options.
 */
static void put_tree(struct dhcp6_opts *o, const struct golden_dhcp6_opt *t,
		     size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct golden_dhcp6_opt *op = &t[i];
		struct ip6_addr a;
		char msg[256];

		switch (op->code) {
		case DHCP6_OPT_IA_NA:
		case DHCP6_OPT_IA_PD:
			dhcp6_opt_open_ia(o, op->code, ld_be32(op->data),
					  ld_be32(op->data + 4),
					  ld_be32(op->data + 8));
			break;
		case DHCP6_OPT_IA_TA:
			dhcp6_opt_open_ia(o, op->code, ld_be32(op->data), 0, 0);
			break;
		case DHCP6_OPT_IAADDR:
			memcpy(a.b, op->data, IP6_LEN);
			dhcp6_opt_open_iaaddr(o, &a, ld_be32(op->data + 16),
					      ld_be32(op->data + 20));
			break;
		case DHCP6_OPT_IAPREFIX:
			memcpy(a.b, op->data + 9, IP6_LEN);
			dhcp6_opt_open_iaprefix(o, &a, op->data[8],
						ld_be32(op->data),
						ld_be32(op->data + 4));
			break;
		case DHCP6_OPT_STATUS_CODE:
			cr_assert_lt(op->len, sizeof(msg));
			memcpy(msg, op->data + 2, op->len - 2);
			msg[op->len - 2] = '\0';
			dhcp6_opt_put_status(o, ld_be16(op->data), msg);
			continue;
		default:
			dhcp6_opt_put(o, op->code, op->data, op->len);
			continue;
		}
		put_tree(o, op->sub, op->n_sub);
		dhcp6_opt_close(o);
	}
}

static struct dhcp6_view header_of(const struct golden_dhcp6 *g)
{
	struct dhcp6_view v = {
		.msg_type = g->msg_type,
		.xid = g->xid,
		.hop_count = g->hop_count,
	};

	memcpy(v.link_addr.b, g->link_addr, IP6_LEN);
	memcpy(v.peer_addr.b, g->peer_addr, IP6_LEN);
	return v;
}

static int build(const struct golden_dhcp6 *g, uint8_t *buf, size_t cap)
{
	struct dhcp6_opts o;

	dhcp6_opts_init(&o, buf, cap);
	put_tree(&o, g->opts, g->n_opts);
	return dhcp6_opts_finish(&o);
}

Test(dhcp6, golden_messages_emit_byte_for_byte)
{
	for (size_t i = 0; i < GOLDEN_DHCP6_COUNT; i++) {
		const struct golden_dhcp6 *g = &golden_dhcp6[i];
		struct dhcp6_view v = header_of(g);
		int hlen = dhcp6_hdr_len(&v), olen, n;
		uint8_t out[2048];

		/* Built in place, after the header: nothing moves. */
		olen = build(g, out + hlen, sizeof(out) - (size_t)hlen);
		cr_assert_gt(olen, 0, "%s", g->name);
		v.options = out + hlen;
		v.options_len = (size_t)olen;
		n = dhcp6_emit(out, sizeof(out), &v);
		cr_assert_eq(n, hlen + olen, "%s", g->name);
		same_bytes(out, (size_t)n, g->frame, g->len, g->name);
	}
}

Test(dhcp6, emit_copies_options_from_elsewhere)
{
	for (size_t i = 0; i < GOLDEN_DHCP6_COUNT; i++) {
		const struct golden_dhcp6 *g = &golden_dhcp6[i];
		struct dhcp6_view v = header_of(g);
		uint8_t opts[1024], out[2048];
		int olen = build(g, opts, sizeof(opts));

		cr_assert_gt(olen, 0);
		v.options = opts;
		v.options_len = (size_t)olen;
		cr_assert_eq(dhcp6_emit(out, sizeof(out), &v), (int)g->len);
		same_bytes(out, g->len, g->frame, g->len, g->name);
	}
}

/*
 * No length of its own: a cut between two top-level options is a shorter
 * valid message; a cut inside one, nested options included, is not.
 */
Test(dhcp6, truncation_at_every_byte)
{
	for (size_t i = 0; i < GOLDEN_DHCP6_COUNT; i++) {
		const struct golden_dhcp6 *g = &golden_dhcp6[i];
		struct dhcp6_view gv = header_of(g);
		size_t hlen = (size_t)dhcp6_hdr_len(&gv);

		for (size_t n = 0; n < g->len; n++) {
			uint8_t *f = tu_exact(g->frame, n);
			struct dhcp6_view v;
			bool ok = false;
			size_t at = hlen;

			/* Walk the golden frame's own top-level lengths. */
			while (at <= n && !ok) {
				ok = n == at;
				if (at + 4 > g->len)
					break;
				at += 4 + ld_be16(g->frame + at + 2);
			}
			cr_assert_eq(dhcp6_parse(f, n, &v), ok ? 0 : -EBADMSG,
				     "%s cut at %zu", g->name, n);
			if (ok)
				cr_assert_eq(v.options_len, n - hlen);
			free(f);
		}
	}
}

static int parse_bytes(const uint8_t *b, size_t n)
{
	uint8_t *f = tu_exact(b, n);
	struct dhcp6_view v;
	int rc = dhcp6_parse(f, n, &v);

	free(f);
	return rc;
}

/* A Reply with one option @code of value @val. */
static int parse_opt(uint16_t code, const uint8_t *val, size_t len)
{
	uint8_t msg[512] = { DHCP6_REPLY, 1, 2, 3 };

	st_be16(msg + 4, code);
	st_be16(msg + 6, (uint16_t)len);
	if (len)
		memcpy(msg + 8, val, len);
	return parse_bytes(msg, 8 + len);
}

Test(dhcp6, message_shorter_than_fixed_header_is_malformed)
{
	static const uint8_t sol[] = { DHCP6_SOLICIT, 1, 2, 3 };
	uint8_t relay[DHCP6_RELAY_HDR_LEN] = { DHCP6_RELAY_FORW };

	for (size_t n = 0; n < sizeof(sol); n++)
		cr_assert_eq(parse_bytes(sol, n), -EBADMSG, "cut %zu", n);
	cr_assert_eq(parse_bytes(sol, sizeof(sol)), 0);
	for (size_t n = 0; n < sizeof(relay); n++)
		cr_assert_eq(parse_bytes(relay, n), -EBADMSG, "cut %zu", n);
	cr_assert_eq(parse_bytes(relay, sizeof(relay)), 0);
}

Test(dhcp6, option_length_past_end_is_malformed)
{
	uint8_t msg[] = { DHCP6_REPLY, 1, 2, 3, 0, 8, 0, 3, 0, 1 };

	cr_assert_eq(parse_bytes(msg, sizeof(msg)), -EBADMSG);
	msg[7] = 2;
	cr_assert_eq(parse_bytes(msg, sizeof(msg)), 0);
	/* One to three bytes cannot hold an option header. */
	for (size_t n = 5; n < 8; n++)
		cr_assert_eq(parse_bytes(msg, n), -EBADMSG, "cut %zu", n);
}

static const uint8_t ia_na_with_addr[] = {
	0,    3, 0,    40,			      /* IA_NA, 12 + 28 */
	0,    0, 0,    1,    0, 0, 0, 0,  0, 0, 0, 0, /* iaid, T1, T2 */
	0,    5, 0,    24,			      /* IAADDR */
	0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0,  0, 0, 0, 0,
	0,    0, 0,    1,    0, 0, 0, 10, 0, 0, 0, 20,
};

Test(dhcp6, nested_iaaddr_past_its_ia_na_is_malformed)
{
	uint8_t msg[64] = { DHCP6_REPLY, 1, 2, 3 };
	size_t n = 4 + sizeof(ia_na_with_addr);

	memcpy(msg + 4, ia_na_with_addr, sizeof(ia_na_with_addr));
	cr_assert_eq(parse_bytes(msg, n), 0);
	/* IAADDR claims 28 bytes; only 24 are left in the IA_NA. */
	msg[4 + 19] = 28;
	cr_assert_eq(parse_bytes(msg, n), -EBADMSG);
	/* ... even if the message has more bytes after the IA_NA. */
	cr_assert_eq(parse_bytes(msg, n + 4), -EBADMSG);
	/* IAADDR shorter than address and lifetimes. */
	msg[4 + 19] = 20;
	msg[4 + 3] = 36;
	cr_assert_eq(parse_bytes(msg, n - 4), -EBADMSG);
}

Test(dhcp6, status_code_past_its_iaaddr_is_malformed)
{
	uint8_t msg[96] = { DHCP6_REPLY, 1, 2, 3 };
	static const uint8_t st[] = { 0, 13, 0, 4, 0, 0, 'o', 'k' };
	size_t n = 4 + sizeof(ia_na_with_addr) + sizeof(st);

	memcpy(msg + 4, ia_na_with_addr, sizeof(ia_na_with_addr));
	memcpy(msg + 4 + sizeof(ia_na_with_addr), st, sizeof(st));
	msg[4 + 3] += sizeof(st);
	msg[4 + 19] += sizeof(st);
	cr_assert_eq(parse_bytes(msg, n), 0);
	msg[n - 5] = 5; /* status claims one byte more than the IAADDR has */
	cr_assert_eq(parse_bytes(msg, n), -EBADMSG);
	msg[n - 5] = 1; /* status shorter than its code */
	msg[4 + 3] -= 3;
	msg[4 + 19] -= 3;
	cr_assert_eq(parse_bytes(msg, n - 3), -EBADMSG);
}

Test(dhcp6, ia_shorter_than_its_fixed_fields_is_malformed)
{
	static const uint8_t eleven[11];
	static const uint8_t three[3];

	cr_assert_eq(parse_opt(DHCP6_OPT_IA_NA, eleven, 11), -EBADMSG);
	cr_assert_eq(parse_opt(DHCP6_OPT_IA_PD, eleven, 11), -EBADMSG);
	cr_assert_eq(parse_opt(DHCP6_OPT_IA_TA, three, 3), -EBADMSG);
	cr_assert_eq(parse_opt(DHCP6_OPT_IA_TA, eleven, 4), 0);
	cr_assert_eq(parse_opt(DHCP6_OPT_IA_NA, eleven, 12 - 1), -EBADMSG);
}

Test(dhcp6, iaprefix_length_over_128_is_malformed)
{
	uint8_t ia[12 + 4 + 25] = { 0, 0, 0, 9 };

	st_be16(ia + 12, DHCP6_OPT_IAPREFIX);
	st_be16(ia + 14, 25);
	ia[16 + 8] = 128;
	cr_assert_eq(parse_opt(DHCP6_OPT_IA_PD, ia, sizeof(ia)), 0);
	ia[16 + 8] = 129;
	cr_assert_eq(parse_opt(DHCP6_OPT_IA_PD, ia, sizeof(ia)), -EBADMSG);
	/* In an IA_NA an IAPREFIX is not ours to judge: it is skipped. */
	cr_assert_eq(parse_opt(DHCP6_OPT_IA_NA, ia, sizeof(ia)), 0);
}

Test(dhcp6, dns_servers_length_not_multiple_of_16_is_malformed)
{
	static const uint8_t a[33];

	cr_assert_eq(parse_opt(DHCP6_OPT_DNS_SERVERS, a, 17), -EBADMSG);
	cr_assert_eq(parse_opt(DHCP6_OPT_DNS_SERVERS, a, 8), -EBADMSG);
	cr_assert_eq(parse_opt(DHCP6_OPT_DNS_SERVERS, a, 32), 0);
	cr_assert_eq(parse_opt(DHCP6_OPT_DNS_SERVERS, a, 0), 0);
}

Test(dhcp6, fixed_length_options_of_wrong_length_are_malformed)
{
	static const uint8_t z[8];

	cr_assert_eq(parse_opt(DHCP6_OPT_ELAPSED_TIME, z, 3), -EBADMSG);
	cr_assert_eq(parse_opt(DHCP6_OPT_ELAPSED_TIME, z, 2), 0);
	cr_assert_eq(parse_opt(DHCP6_OPT_PREFERENCE, z, 2), -EBADMSG);
	cr_assert_eq(parse_opt(DHCP6_OPT_PREFERENCE, z, 1), 0);
	cr_assert_eq(parse_opt(DHCP6_OPT_RAPID_COMMIT, z, 1), -EBADMSG);
	cr_assert_eq(parse_opt(DHCP6_OPT_INFORMATION_REFRESH_TIME, z, 2),
		     -EBADMSG);
	cr_assert_eq(parse_opt(DHCP6_OPT_STATUS_CODE, z, 1), -EBADMSG);
	cr_assert_eq(parse_opt(DHCP6_OPT_STATUS_CODE, z, 2), 0);
	cr_assert_eq(parse_opt(DHCP6_OPT_ORO, z, 3), -EBADMSG);
	cr_assert_eq(parse_opt(DHCP6_OPT_ORO, z, 4), 0);
}

Test(dhcp6, duid_outside_3_to_130_bytes_is_malformed)
{
	static const uint8_t d[131];

	cr_assert_eq(parse_opt(DHCP6_OPT_CLIENTID, d, 2), -EBADMSG);
	cr_assert_eq(parse_opt(DHCP6_OPT_CLIENTID, d, 3), 0);
	cr_assert_eq(parse_opt(DHCP6_OPT_SERVERID, d, 130), 0);
	cr_assert_eq(parse_opt(DHCP6_OPT_SERVERID, d, 131), -EBADMSG);
}

Test(dhcp6, malformed_domain_lists_are_malformed)
{
	static const uint8_t ok[] = { 3, 'l', 'a', 'b', 0, 0 };
	static const uint8_t unterminated[] = { 3, 'l', 'a', 'b' };
	static const uint8_t past[] = { 4, 'l', 'a', 'b' };
	static const uint8_t pointer[] = { 3, 'l', 'a', 'b', 0xc0, 0x0c };
	uint8_t long_label[66] = { 64 };
	uint8_t long_name[300];

	cr_assert_eq(parse_opt(DHCP6_OPT_DOMAIN_LIST, ok, sizeof(ok)), 0);
	cr_assert_eq(parse_opt(DHCP6_OPT_DOMAIN_LIST, unterminated,
			       sizeof(unterminated)),
		     -EBADMSG);
	cr_assert_eq(parse_opt(DHCP6_OPT_DOMAIN_LIST, past, sizeof(past)),
		     -EBADMSG);
	cr_assert_eq(parse_opt(DHCP6_OPT_DOMAIN_LIST, pointer, sizeof(pointer)),
		     -EBADMSG);
	memset(long_label + 1, 'a', 64);
	long_label[65] = 0;
	cr_assert_eq(parse_opt(DHCP6_OPT_DOMAIN_LIST, long_label,
			       sizeof(long_label)),
		     -EBADMSG);
	long_label[0] = 63;
	long_label[64] = 0;
	cr_assert_eq(parse_opt(DHCP6_OPT_DOMAIN_LIST, long_label, 65), 0);
	/* 64 labels of 3 bytes: 257 bytes of name, over RFC 1035's 255. */
	for (size_t i = 0; i < 64; i++)
		memcpy(long_name + 4 * i,
		       "\x03"
		       "abc",
		       4);
	long_name[256] = 0;
	cr_assert_eq(parse_opt(DHCP6_OPT_DOMAIN_LIST, long_name, 257),
		     -EBADMSG);
	long_name[252] = 0; /* 63 labels: 253 bytes */
	cr_assert_eq(parse_opt(DHCP6_OPT_DOMAIN_LIST, long_name, 253), 0);
}

Test(dhcp6, domain_decoder_refuses_text_that_changes_meaning)
{
	static const uint8_t dot[] = { 3, 'a', '.', 'b', 0 };
	static const uint8_t nul[] = { 3, 'a', 0, 'b', 0 };
	static const uint8_t root[] = { 0 };
	char out[16];
	size_t off = 0;

	cr_assert_eq(dhcp6_domain_next(dot, sizeof(dot), &off, NULL, 0), 1);
	off = 0;
	cr_assert_eq(dhcp6_domain_next(dot, sizeof(dot), &off, out, 16),
		     -EBADMSG);
	off = 0;
	cr_assert_eq(dhcp6_domain_next(nul, sizeof(nul), &off, out, 16),
		     -EBADMSG);
	off = 0;
	cr_assert_eq(dhcp6_domain_next(root, sizeof(root), &off, out, 16), 1);
	cr_assert_str_eq(out, "");
	cr_assert_eq(off, 1);
	cr_assert_eq(dhcp6_domain_next(root, sizeof(root), &off, out, 16), 0);
}

Test(dhcp6, domain_decoder_reports_enobufs)
{
	static const uint8_t n[] = { 3, 'l', 'a', 'b', 3, 'o', 'r', 'g', 0 };
	char out[8];
	size_t off = 0;

	cr_assert_eq(dhcp6_domain_next(n, sizeof(n), &off, out, 7), -ENOBUFS);
	cr_assert_eq(off, 0);
	cr_assert_eq(dhcp6_domain_next(n, sizeof(n), &off, out, 8), 1);
	cr_assert_str_eq(out, "lab.org");
}

Test(dhcp6, ia_ta_has_no_t1_t2_and_ia_pd_skips_iaaddr)
{
	uint8_t ta[4 + 4 + 24] = { 0, 0, 0, 7 };
	struct dhcp6_ia ia;

	st_be16(ta + 4, DHCP6_OPT_IAADDR);
	st_be16(ta + 6, 24);
	ta[8] = 0xfe;
	ta[8 + 19] = 5;
	cr_assert_eq(dhcp6_ia_parse(DHCP6_OPT_IA_TA, ta, sizeof(ta), &ia), 0);
	cr_assert_eq(ia.iaid, 7);
	cr_assert_eq(ia.t1, 0);
	cr_assert_eq(ia.n_addrs, 1);
	cr_assert_eq(ia.addrs[0].addr.b[0], 0xfe);
	cr_assert_eq(ia.addrs[0].preferred, 5);
	cr_assert_eq(ia.addrs[0].prefix_len, 128);
	cr_assert_eq(dhcp6_ia_parse(DHCP6_OPT_IAADDR, ta, sizeof(ta), &ia),
		     -EINVAL);
}

Test(dhcp6, ia_counts_addresses_past_the_stored_ones)
{
	uint8_t ia_buf[12 + 10 * 28] = { 0 };
	struct dhcp6_ia ia;

	for (size_t i = 0; i < 10; i++) {
		uint8_t *a = ia_buf + 12 + 28 * i;

		st_be16(a, DHCP6_OPT_IAADDR);
		st_be16(a + 2, 24);
		a[4 + 15] = (uint8_t)i;
	}
	cr_assert_eq(
		dhcp6_ia_parse(DHCP6_OPT_IA_NA, ia_buf, sizeof(ia_buf), &ia),
		0);
	cr_assert_eq(ia.n_addrs, 10);
	cr_assert_eq(ia.addrs[DHCP6_IA_MAX_ADDRS - 1].addr.b[15],
		     DHCP6_IA_MAX_ADDRS - 1);
}

Test(dhcp6, first_instance_of_a_scalar_wins)
{
	static const uint8_t msg[] = {
		DHCP6_ADVERTISE, 0, 0, 1, 0, 7, 0, 1, 10, 0, 7, 0, 1, 20
	};
	struct dhcp6_view v;

	cr_assert_eq(dhcp6_parse(msg, sizeof(msg), &v), 0);
	cr_assert_eq(v.preference, 10);
}

Test(dhcp6, failed_parse_leaves_no_stale_fields)
{
	static const uint8_t msg[] = { DHCP6_REPLY, 1, 2, 3, 0, 7, 0,
				       1,	    9, 0, 8, 0, 9 };
	struct dhcp6_view v;

	memset(&v, 0xa5, sizeof(v));
	cr_assert_eq(dhcp6_parse(msg, sizeof(msg), &v), -EBADMSG);
	cr_assert_eq(v.xid, 0);
	cr_assert_not(v.has_preference);
	cr_assert_null(v.options);
}

Test(dhcp6, builder_reports_enobufs_for_every_short_buffer)
{
	for (size_t i = 0; i < GOLDEN_DHCP6_COUNT; i++) {
		const struct golden_dhcp6 *g = &golden_dhcp6[i];
		struct dhcp6_view v = header_of(g);
		size_t need = g->len - (size_t)dhcp6_hdr_len(&v);
		uint8_t buf[1024];

		for (size_t cap = 0; cap < need; cap++) {
			uint8_t *b = malloc(cap ? cap : 1);

			cr_assert_eq(build(g, b, cap), -ENOBUFS, "%s cap %zu",
				     g->name, cap);
			free(b);
		}
		cr_assert_eq(build(g, buf, need), (int)need);
	}
}

Test(dhcp6, builder_rejects_unbalanced_containers)
{
	uint8_t buf[256];
	struct dhcp6_opts o;

	dhcp6_opts_init(&o, buf, sizeof(buf));
	cr_assert_eq(dhcp6_opt_close(&o), -EINVAL);
	dhcp6_opts_init(&o, buf, sizeof(buf));
	dhcp6_opt_open_ia(&o, DHCP6_OPT_IA_NA, 1, 2, 3);
	cr_assert_eq(dhcp6_opts_finish(&o), -EINVAL);
	dhcp6_opts_init(&o, buf, sizeof(buf));
	for (int i = 0; i < DHCP6_OPTS_MAX_DEPTH; i++)
		cr_assert_eq(dhcp6_opt_open(&o, 99), 0);
	cr_assert_eq(dhcp6_opt_open(&o, 99), -EINVAL);
	dhcp6_opts_init(&o, buf, sizeof(buf));
	cr_assert_eq(dhcp6_opt_open_ia(&o, DHCP6_OPT_IAADDR, 1, 2, 3), -EINVAL);
	dhcp6_opts_init(&o, buf, sizeof(buf));
	cr_assert_eq(dhcp6_opt_open_iaprefix(&o, &(struct ip6_addr){ { 0 } },
					     129, 1, 2),
		     -EINVAL);
}

Test(dhcp6, builder_nests_and_parse_reads_it_back)
{
	static const struct ip6_addr a = { { 0x20, 1, 0x0d, 0xb8, [15] = 9 } };
	uint8_t msg[256] = { DHCP6_REPLY, 0xab, 0xcd, 0xef };
	struct dhcp6_opts o;
	struct dhcp6_view v;
	struct dhcp6_ia ia;
	int n;

	dhcp6_opts_init(&o, msg + DHCP6_HDR_LEN, sizeof(msg) - DHCP6_HDR_LEN);
	dhcp6_opt_put_u16(&o, DHCP6_OPT_ELAPSED_TIME, 300);
	dhcp6_opt_put_u8(&o, DHCP6_OPT_PREFERENCE, 7);
	dhcp6_opt_put_u32(&o, DHCP6_OPT_INFORMATION_REFRESH_TIME, 600);
	dhcp6_opt_put(&o, DHCP6_OPT_RAPID_COMMIT, NULL, 0);
	dhcp6_opt_open_ia(&o, DHCP6_OPT_IA_NA, 42, 100, 200);
	dhcp6_opt_open_iaaddr(&o, &a, 300, 400);
	dhcp6_opt_put_status(&o, DHCP6_STATUS_SUCCESS, "ok");
	dhcp6_opt_close(&o);
	dhcp6_opt_put_status(&o, DHCP6_STATUS_NOTONLINK, NULL);
	dhcp6_opt_close(&o);
	n = dhcp6_opts_finish(&o);
	cr_assert_gt(n, 0);
	cr_assert_eq(dhcp6_parse(msg, DHCP6_HDR_LEN + (size_t)n, &v), 0);
	cr_assert_eq(v.xid, 0xabcdef);
	cr_assert_eq(v.elapsed, 300);
	cr_assert_eq(v.preference, 7);
	cr_assert_eq(v.irt, 600);
	cr_assert(v.rapid_commit);
	cr_assert_eq(
		dhcp6_ia_parse(DHCP6_OPT_IA_NA, v.ia_na.data, v.ia_na.len, &ia),
		0);
	cr_assert_eq(ia.iaid, 42);
	cr_assert_eq(ia.t2, 200);
	cr_assert(ia.status.present);
	cr_assert_eq(ia.status.code, DHCP6_STATUS_NOTONLINK);
	cr_assert_eq(ia.status.msg_len, 0);
	cr_assert_eq(ia.n_addrs, 1);
	cr_assert(ip6_eq(&ia.addrs[0].addr, &a));
	cr_assert_eq(ia.addrs[0].valid, 400);
	cr_assert_eq(ia.addrs[0].status.msg_len, 2);
}

Test(dhcp6, builder_rejects_values_over_65535_bytes)
{
	static uint8_t big[70000];
	static uint8_t buf[80000];
	struct dhcp6_opts o;

	dhcp6_opts_init(&o, buf, sizeof(buf));
	cr_assert_eq(dhcp6_opt_put(&o, 99, big, 65536), -EINVAL);
	dhcp6_opts_init(&o, buf, sizeof(buf));
	cr_assert_eq(dhcp6_opt_put(&o, 99, big, 65535), 0);
	dhcp6_opts_init(&o, buf, sizeof(buf));
	dhcp6_opt_open(&o, 99);
	dhcp6_opt_put_raw(&o, big, 65536);
	cr_assert_eq(dhcp6_opt_close(&o), -EINVAL);
}

Test(dhcp6, emit_reports_enobufs_and_rejects_wide_xid)
{
	const struct golden_dhcp6 *g = &golden_dhcp6[0];
	struct dhcp6_view v;
	uint8_t out[1024];

	cr_assert_eq(dhcp6_parse(g->frame, g->len, &v), 0);
	for (size_t cap = 0; cap < g->len; cap++)
		cr_assert_eq(dhcp6_emit(out, cap, &v), -ENOBUFS, "cap %zu",
			     cap);
	cr_assert_eq(dhcp6_emit(out, g->len, &v), (int)g->len);
	v.xid = 0x1000000;
	cr_assert_eq(dhcp6_emit(out, sizeof(out), &v), -EINVAL);
}
