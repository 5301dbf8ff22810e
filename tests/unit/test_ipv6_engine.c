// SPDX-License-Identifier: MIT
/*
 * test_ipv6_engine.c - the engine's IPv6: input through extension-header
 * chains (counters), reassembly, ICMPv6 echo and error rules, source
 * selection, ND and the shared NUD machine, DAD, RFC 7217 identifiers,
 * RA processing and MLD, all on the fake engine's virtual clock
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "fake_engine.h"
#include "icmp6.h"
#include "ipv6.h"
#include "l3.h"
#include "nd6.h"
#include "neigh.h"
#include "socket.h"
#include "wire/csum.h"
#include "wire/eth.h"
#include "wire/nd.h"
#include "wire/udp.h"

static struct engine e6;
static struct netif *if6;
static const struct mac_addr us_mac = { { 0x02, 0, 0x5e, 0, 0x53, 0x02 } };
static const struct mac_addr peer_mac = { { 0x02, 0, 0x5e, 0, 0x53, 0x01 } };
static const struct ip6_addr us = { { 0x20, 0x01, 0x0d, 0xb8, 0,
				      1, [15] = 2 } };
static const struct ip6_addr peer = { { 0x20, 0x01, 0x0d, 0xb8, 0,
					1, [15] = 1 } };
static const struct ip6_addr peer_ll = { { 0xfe, 0x80, [15] = 1 } };

/* Engine, L3, fk0 with IPv6 on (no SLAAC); DAD for the link-local done. */
static void setup(void)
{
	fake_engine_init(&e6);
	cr_assert_eq(l3_init(&e6), 0);
	if6 = fake_netif(&e6, "fk0", us_mac.b);
	cr_assert_eq(ip6_enable(if6, false), 0);
	fake_advance(&e6, 3000000);
	fake_tx_purge(if6);
}

static void teardown(void)
{
	l3_fini(&e6);
	engine_fini(&e6);
}

TestSuite(ipv6_engine, .init = setup, .fini = teardown);

/* Add 2001:db8:1::2/64 and let DAD finish; the peer is PERMANENT. */
static void with_static_addr(void)
{
	cr_assert_eq(ip6_addr_add(if6, &us, 64, IFA6_F_STATIC, ND_INFINITY,
				  ND_INFINITY),
		     0);
	fake_advance(&e6, 3000000);
	cr_assert_eq(ip6_addr_find(&e6, if6->index, &us)->state,
		     ADDR6_PREFERRED);
	cr_assert_eq(
		neigh_add(&e6, if6, &nd6_neigh_ops, peer.b, &peer_mac, false),
		0);
	cr_assert_eq(neigh_add(&e6, if6, &nd6_neigh_ops, peer_ll.b, &peer_mac,
			       false),
		     0);
	fake_tx_purge(if6);
}

/* Send an IPv6 packet whose payload (extension headers included) is @pl. */
static void rx6(const struct ip6_addr *src, const struct ip6_addr *dst,
		uint8_t nh, uint8_t hlim, const uint8_t *pl, size_t len)
{
	static uint8_t frame[70000];
	struct ip6_view v = { .next_header = nh,
			      .hop_limit = hlim,
			      .src = *src,
			      .dst = *dst,
			      .payload = pl,
			      .payload_len = len };
	struct eth_view ev = { .src = peer_mac,
			       .type = ETHERTYPE_IPV6,
			       .encap = ETH_ENCAP_II };
	int n;

	if (ip6_is_multicast(dst))
		ip6_mc_mac(dst, &ev.dst);
	else
		ev.dst = us_mac;
	n = ip6_emit(frame + ETH_HLEN, sizeof(frame) - ETH_HLEN, &v);
	cr_assert_gt(n, 0);
	ev.payload = frame + ETH_HLEN;
	ev.payload_len = (size_t)n;
	eth_emit(frame, ETH_HLEN + (size_t)n, &ev);
	fake_rx(if6, frame, ETH_HLEN + (size_t)n);
}

/* An ICMPv6 message from @src to @dst with checksum. */
static size_t icmp(uint8_t *buf, size_t cap, struct icmp6_view *iv,
		   const struct ip6_addr *src, const struct ip6_addr *dst)
{
	size_t len = (size_t)icmp6_hdr_len(iv) + iv->payload_len;
	int n = icmp6_emit(
		buf, cap, iv,
		csum_pseudo6(src, dst, IP6_NH_ICMPV6, (uint32_t)len));

	cr_assert_gt(n, 0);
	return (size_t)n;
}

struct tx6 {
	struct pkt *p;
	struct eth_view eth;
	struct ip6_view ip;
	struct icmp6_view icmp;
	bool is_icmp;
};

/* The next IPv6 frame sent, parsed; false when none. */
static bool tx_pop6(struct tx6 *t)
{
	memset(t, 0, sizeof(*t));
	t->p = fake_tx_pop(if6);
	if (!t->p)
		return false;
	cr_assert_eq(eth_parse(t->p->data, t->p->len, &t->eth), 0);
	cr_assert_eq(t->eth.type, ETHERTYPE_IPV6);
	cr_assert_eq(ip6_parse(t->eth.payload, t->eth.payload_len, &t->ip), 0);
	if (t->ip.upper_proto == IP6_NH_ICMPV6 && !t->ip.have_frag) {
		cr_assert_eq(
			icmp6_parse(t->ip.upper, t->ip.upper_len, &t->icmp), 0);
		cr_assert(icmp6_csum_ok(
			t->ip.upper, t->ip.upper_len,
			csum_pseudo6(&t->ip.src, &t->ip.dst, IP6_NH_ICMPV6,
				     (uint32_t)t->ip.upper_len)));
		t->is_icmp = true;
	}
	return true;
}

/* The next ICMPv6 message of @type sent (others skipped), or fail. */
static void tx_expect(struct tx6 *t, uint8_t type)
{
	while (tx_pop6(t)) {
		if (t->is_icmp && t->icmp.type == type)
			return;
		pkt_free(t->p);
	}
	cr_assert_fail("no ICMPv6 type %u sent", type);
}

static size_t count_icmp(uint8_t type)
{
	struct tx6 t;
	size_t n = 0;

	while (tx_pop6(&t)) {
		if (t.is_icmp && t.icmp.type == type)
			n++;
		pkt_free(t.p);
	}
	return n;
}

static size_t echo_req(uint8_t *buf, size_t cap, const struct ip6_addr *dst)
{
	struct icmp6_view iv = { .type = ICMP6_ECHO_REQUEST,
				 .echo_id = 0x4242,
				 .echo_seq = 1,
				 .payload = (const uint8_t *)"hello6",
				 .payload_len = 6 };

	return icmp(buf, cap, &iv, &peer, dst);
}

/* ---- input and ICMPv6 ---- */

/* RFC 4443 4.2: the reply carries id, seq and data, from the address
 * the request was sent to. */
Test(ipv6_engine, echo_request_gets_reply_with_same_data)
{
	uint8_t b[64];
	struct tx6 t;
	size_t n;

	with_static_addr();
	n = echo_req(b, sizeof(b), &us);
	rx6(&peer, &us, IP6_NH_ICMPV6, 64, b, n);
	tx_expect(&t, ICMP6_ECHO_REPLY);
	cr_assert_eq(t.icmp.echo_id, 0x4242);
	cr_assert_eq(t.icmp.echo_seq, 1);
	cr_assert_eq(t.icmp.payload_len, 6);
	cr_assert_eq(memcmp(t.icmp.payload, "hello6", 6), 0);
	cr_assert(ip6_eq(&t.ip.src, &us));
	cr_assert(ip6_eq(&t.ip.dst, &peer));
	cr_assert(mac_eq(&t.eth.dst, &peer_mac));
	pkt_free(t.p);
	cr_assert_eq(e6.stats.icmp6.Icmp6InEchos, 1);
	cr_assert_eq(e6.stats.icmp6.Icmp6OutEchoReplies, 1);
}

/* Linux icmp_echo_ignore_multicast=0: an echo to ff02::1 is answered
 * from a unicast address. */
Test(ipv6_engine, echo_to_all_nodes_is_answered_from_unicast)
{
	uint8_t b[64];
	struct tx6 t;
	size_t n;

	struct icmp6_view iv = { .type = ICMP6_ECHO_REQUEST, .echo_id = 1 };

	with_static_addr();
	n = icmp(b, sizeof(b), &iv, &peer_ll, &ip6_all_nodes);
	rx6(&peer_ll, &ip6_all_nodes, IP6_NH_ICMPV6, 64, b, n);
	tx_expect(&t, ICMP6_ECHO_REPLY);
	cr_assert(ip6_is_linklocal(&t.ip.src));
	cr_assert_eq(e6.stats.ip6.Ip6InMcastPkts, 1);
	pkt_free(t.p);
}

Test(ipv6_engine, bad_icmp_checksum_is_counted)
{
	uint8_t b[64];
	size_t n;

	with_static_addr();
	n = echo_req(b, sizeof(b), &us);
	b[8] ^= 1;
	rx6(&peer, &us, IP6_NH_ICMPV6, 64, b, n);
	cr_assert_eq(e6.stats.icmp6.Icmp6InCsumErrors, 1);
	cr_assert_eq(fake_tx_count(if6), 0);
}

/* RFC 8200 4.1: Hop-by-Hop anywhere but first is malformed. */
Test(ipv6_engine, hop_by_hop_not_first_is_a_header_error)
{
	uint8_t pl[16] = { IP6_NH_HOPOPTS, 0, 1, 4, 0, 0, 0, 0,
			   IP6_NH_NONE,	   0, 1, 4, 0, 0, 0, 0 };

	with_static_addr();
	rx6(&peer, &us, IP6_NH_DSTOPTS, 64, pl, sizeof(pl));
	cr_assert_eq(e6.stats.ip6.Ip6InHdrErrors, 1);
	cr_assert_eq(fake_tx_count(if6), 0);
}

/* RFC 8200 4.2: option type 10xxxxxx: discard and Parameter Problem
 * code 2 pointing at the option. */
Test(ipv6_engine, unknown_option_10_sends_param_problem_code_2)
{
	uint8_t pl[8] = { IP6_NH_NONE, 0, 0x80, 4, 0, 0, 0, 0 };
	struct tx6 t;

	with_static_addr();
	rx6(&peer, &us, IP6_NH_DSTOPTS, 64, pl, sizeof(pl));
	cr_assert_eq(e6.stats.ip6.Ip6InOptionDrops, 1);
	tx_expect(&t, ICMP6_PARAM_PROB);
	cr_assert_eq(t.icmp.code, ICMP6_PARAMPROB_OPTION);
	cr_assert_eq(t.icmp.pointer, 42);
	pkt_free(t.p);
}

/* RFC 8200 4.2: type 01xxxxxx: discard silently. */
Test(ipv6_engine, unknown_option_01_drops_silently)
{
	uint8_t pl[8] = { IP6_NH_NONE, 0, 0x40, 4, 0, 0, 0, 0 };

	with_static_addr();
	rx6(&peer, &us, IP6_NH_HOPOPTS, 64, pl, sizeof(pl));
	cr_assert_eq(e6.stats.ip6.Ip6InOptionDrops, 1);
	cr_assert_eq(fake_tx_count(if6), 0);
}

/* RFC 5095 3: Routing type 0 with segments left is refused with a
 * Parameter Problem code 0 at the Routing Type field. */
Test(ipv6_engine, routing_type_0_is_dropped_with_param_problem)
{
	uint8_t pl[24] = { IP6_NH_NONE, 2, 0, 1 };
	struct tx6 t;

	with_static_addr();
	rx6(&peer, &us, IP6_NH_ROUTING, 64, pl, sizeof(pl));
	cr_assert_eq(e6.stats.ip6.Ip6InRtHdr0Drops, 1);
	tx_expect(&t, ICMP6_PARAM_PROB);
	cr_assert_eq(t.icmp.code, ICMP6_PARAMPROB_HEADER);
	cr_assert_eq(t.icmp.pointer, 42);
	pkt_free(t.p);
}

/* RFC 8200 4: an unknown Next Header: Parameter Problem code 1. */
Test(ipv6_engine, unknown_next_header_sends_param_problem_code_1)
{
	uint8_t pl[8] = { 0 };
	struct tx6 t;

	with_static_addr();
	rx6(&peer, &us, 253, 64, pl, sizeof(pl));
	cr_assert_eq(e6.stats.ip6.Ip6InUnknownProtos, 1);
	tx_expect(&t, ICMP6_PARAM_PROB);
	cr_assert_eq(t.icmp.code, ICMP6_PARAMPROB_NEXTHEADER);
	cr_assert_eq(t.icmp.pointer, 6);
	pkt_free(t.p);
}

Test(ipv6_engine, truncated_and_foreign_packets_are_counted)
{
	static const struct ip6_addr other = { { 0x20, 0x01, 0x0d, 0xb8, 0,
						 1, [15] = 9 } };
	uint8_t f[ETH_HLEN + IP6_HLEN + 8] = { 0 };
	uint8_t pl[8] = { 0 };

	with_static_addr();
	/* Payload Length 100 with 8 bytes present. */
	memcpy(f, us_mac.b, 6);
	memcpy(f + 6, peer_mac.b, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	f[14] = 0x60;
	f[19] = 100;
	f[20] = IP6_NH_NONE;
	f[21] = 64;
	memcpy(f + 22, peer.b, 16);
	memcpy(f + 38, us.b, 16);
	fake_rx(if6, f, sizeof(f));
	cr_assert_eq(e6.stats.ip6.Ip6InTruncatedPkts, 1);
	rx6(&peer, &other, IP6_NH_NONE, 64, pl, 0);
	cr_assert_eq(e6.stats.ip6.Ip6InAddrErrors, 1);
	/* RFC 4291 2.7: a multicast source is impossible. */
	rx6(&ip6_all_nodes, &us, IP6_NH_NONE, 64, pl, 0);
	cr_assert_eq(e6.stats.ip6.Ip6InMartians, 1);
}

/* RFC 8200 8.1: a zero UDP checksum is invalid over IPv6; a valid
 * datagram to a closed port gets a port unreachable. */
Test(ipv6_engine, udp_zero_checksum_dropped_closed_port_unreachable)
{
	struct udp_view u = { .sport = 5000,
			      .dport = 9999,
			      .len = 12,
			      .payload = (const uint8_t *)"abcd",
			      .payload_len = 4 };
	uint8_t b[12];
	struct tx6 t;

	with_static_addr();
	u.csum_none = true;
	udp_emit(b, sizeof(b), &u, 0);
	rx6(&peer, &us, IP6_NH_UDP, 64, b, sizeof(b));
	cr_assert_eq(e6.stats.udp6.Udp6InCsumErrors, 1);
	u.csum_none = false;
	udp_emit(b, sizeof(b), &u,
		 csum_pseudo6(&peer, &us, IP6_NH_UDP, sizeof(b)));
	rx6(&peer, &us, IP6_NH_UDP, 64, b, sizeof(b));
	cr_assert_eq(e6.stats.udp6.Udp6NoPorts, 1);
	tx_expect(&t, ICMP6_DST_UNREACH);
	cr_assert_eq(t.icmp.code, ICMP6_UNREACH_PORT);
	pkt_free(t.p);
}

/* RFC 4443 2.4 (f): a burst of ICMP6_TOKENS_BURST errors, then one per
 * millisecond of virtual time. */
Test(ipv6_engine, icmp_errors_are_rate_limited_by_a_token_bucket)
{
	uint8_t pl[8] = { 0 };

	with_static_addr();
	for (int i = 0; i < 60; i++)
		rx6(&peer, &us, 253, 64, pl, sizeof(pl));
	cr_assert_eq(count_icmp(ICMP6_PARAM_PROB), ICMP6_TOKENS_BURST);
	cr_assert_eq(e6.stats.icmp6.Icmp6OutRateLimit, 10);
	fake_advance(&e6, 5000);
	for (int i = 0; i < 10; i++)
		rx6(&peer, &us, 253, 64, pl, sizeof(pl));
	cr_assert_eq(count_icmp(ICMP6_PARAM_PROB), 5);
}

/* RFC 4443 2.4 (e.3): no error about a packet sent to a group. */
Test(ipv6_engine, no_error_for_multicast_destination)
{
	uint8_t pl[8] = { 0 };

	with_static_addr();
	rx6(&peer_ll, &ip6_all_nodes, 253, 64, pl, sizeof(pl));
	cr_assert_eq(e6.stats.ip6.Ip6InUnknownProtos, 1);
	cr_assert_eq(e6.stats.icmp6.Icmp6OutErrSuppressed, 1);
	cr_assert_eq(fake_tx_count(if6), 0);
}

/* ---- fragments ---- */

/* A Fragment header and data at @off (bytes) of @id. */
static void rx_frag(uint32_t id, uint16_t off, bool more, const uint8_t *d,
		    size_t len)
{
	uint8_t pl[2048];

	pl[0] = IP6_NH_ICMPV6;
	pl[1] = 0;
	st_be16(pl + 2, (uint16_t)(off | (more ? 1 : 0)));
	st_be32(pl + 4, id);
	memcpy(pl + 8, d, len);
	rx6(&peer, &us, IP6_NH_FRAGMENT, 64, pl, 8 + len);
}

/* An echo request of @n bytes in total (header and data). */
static size_t big_echo(uint8_t *b, size_t n)
{
	static uint8_t data[4096];
	struct icmp6_view iv = { .type = ICMP6_ECHO_REQUEST,
				 .echo_id = 7,
				 .payload = data,
				 .payload_len = n - 8 };

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	return icmp(b, n, &iv, &peer, &us);
}

Test(ipv6_engine, fragments_in_any_order_reassemble)
{
	static const unsigned int orders[3][3] = { { 0, 1, 2 },
						   { 2, 1, 0 },
						   { 1, 2, 0 } };
	uint8_t b[3000];
	size_t n = big_echo(b, 3000);
	struct tx6 t;

	with_static_addr();
	for (int o = 0; o < 3; o++) {
		for (int i = 0; i < 3; i++) {
			unsigned int k = orders[o][i];

			rx_frag(100 + (uint32_t)o, (uint16_t)(k * 1000), k < 2,
				b + (size_t)k * 1000, k < 2 ? 1000 : n - 2000);
		}
		cr_assert_eq(e6.stats.ip6.Ip6ReasmOKs, (uint64_t)o + 1);
		/* The 3000-byte reply leaves in 3 fragments of <= 1500. */
		for (int i = 0; i < 3; i++) {
			cr_assert(tx_pop6(&t));
			cr_assert(t.ip.have_frag);
			cr_assert_leq(t.p->len, ETH_HLEN + 1500);
			cr_assert_eq(t.ip.frag_more, i < 2);
			pkt_free(t.p);
		}
	}
	cr_assert_eq(e6.stats.icmp6.Icmp6InEchos, 3);
	cr_assert_eq(e6.stats.ip6.Ip6FragOKs, 3);
	cr_assert_geq(e6.stats.ip6.Ip6FragCreates, 9);
}

/* RFC 5722 3: an overlap drops the datagram and its later fragments. */
Test(ipv6_engine, overlapping_fragment_drops_the_datagram)
{
	uint8_t b[3000];
	size_t n = big_echo(b, 3000);

	with_static_addr();
	rx_frag(5, 0, true, b, 1000);
	rx_frag(5, 992, true, b + 992, 1000);
	cr_assert_eq(e6.stats.ip6.Ip6ReasmOverlaps, 1);
	rx_frag(5, 2000, false, b + 2000, n - 2000);
	rx_frag(5, 1000, true, b + 1000, 1000);
	cr_assert_eq(e6.stats.ip6.Ip6ReasmOKs, 0);
	cr_assert_eq(e6.stats.ip6.Ip6ReasmOverlaps, 3);
	cr_assert_eq(e6.stats.icmp6.Icmp6InEchos, 0);
}

/* RFC 8200 4.5: 60 s without completion: Time Exceeded code 1, since
 * fragment zero arrived. */
Test(ipv6_engine, reassembly_timeout_sends_time_exceeded)
{
	uint8_t b[3000];
	struct tx6 t;

	big_echo(b, 3000);
	with_static_addr();
	rx_frag(9, 0, true, b, 1000);
	fake_advance(&e6, 59000000);
	cr_assert_eq(e6.stats.ip6.Ip6ReasmTimeout, 0);
	fake_advance(&e6, 1000001);
	cr_assert_eq(e6.stats.ip6.Ip6ReasmTimeout, 1);
	cr_assert_eq(e6.stats.ip6.Ip6ReasmFails, 1);
	tx_expect(&t, ICMP6_TIME_EXCEEDED);
	cr_assert_eq(t.icmp.code, 1);
	pkt_free(t.p);
}

/* RFC 6946 4: offset 0 and M clear is a whole datagram. */
Test(ipv6_engine, atomic_fragment_is_processed_whole)
{
	uint8_t b[64];
	size_t n;

	with_static_addr();
	n = echo_req(b, sizeof(b), &us);
	rx_frag(77, 0, false, b, n);
	cr_assert_eq(e6.stats.ip6.Ip6AtomicFrags, 1);
	cr_assert_eq(e6.stats.ip6.Ip6ReasmReqds, 0);
	cr_assert_eq(e6.stats.icmp6.Icmp6InEchos, 1);
}

/* RFC 7112 5: a first fragment without the upper-layer header. */
Test(ipv6_engine, first_fragment_without_upper_header_is_dropped)
{
	uint8_t pl[32] = { IP6_NH_FRAGMENT, 0, 0, 0, 0, 0, 0, 0 };

	with_static_addr();
	/* Fragment (M=1, offset 0) then a Destination Options header
	 * claiming 64 bytes that are not in this fragment. */
	pl[0] = IP6_NH_DSTOPTS;
	pl[3] = 1;
	pl[8] = IP6_NH_ICMPV6;
	pl[9] = 7;
	rx6(&peer, &us, IP6_NH_FRAGMENT, 64, pl, 24);
	cr_assert_eq(e6.stats.ip6.Ip6ReasmIncomplete1st, 1);
}

/* ---- source address selection (RFC 6724 5) ---- */

Test(ipv6_engine, source_selection_prefers_scope_then_preferred_state)
{
	static const struct ip6_addr us2 = { { 0x20, 0x01, 0x0d, 0xb8, 0,
					       1, [15] = 3 } };
	static const struct ip6_addr far = { { 0x20, 0x01, 0x0d, 0xb8, 0,
					       9, [15] = 1 } };
	struct ip6_addr src;

	with_static_addr();
	/* Rule 2: a link-local destination gets the link-local source. */
	cr_assert_eq(ip6_select_src(&e6, if6->index, &peer_ll, &src), 0);
	cr_assert(ip6_is_linklocal(&src));
	/* Rule 2: a global destination gets the global source. */
	cr_assert_eq(ip6_select_src(&e6, if6->index, &far, &src), 0);
	cr_assert(ip6_eq(&src, &us));
	/* Rule 1: the destination itself. */
	cr_assert_eq(ip6_select_src(&e6, 0, &us, &src), 0);
	cr_assert(ip6_eq(&src, &us));
	/* Rule 3: a deprecated address loses to a preferred one. */
	cr_assert_eq(ip6_addr_add(if6, &us2, 64, IFA6_F_STATIC, ND_INFINITY,
				  ND_INFINITY),
		     0);
	fake_advance(&e6, 3000000);
	ip6_addr_find(&e6, if6->index, &us)->state = ADDR6_DEPRECATED;
	cr_assert_eq(ip6_select_src(&e6, if6->index, &far, &src), 0);
	cr_assert(ip6_eq(&src, &us2));
	/* Never a tentative address (RFC 4862 5.4). */
	ip6_addr_find(&e6, if6->index, &us2)->state = ADDR6_TENTATIVE;
	cr_assert_eq(ip6_select_src(&e6, if6->index, &far, &src), 0);
	cr_assert(ip6_eq(&src, &us));
}

/* ---- Neighbor Discovery ---- */

/* An NS for our address with the peer's SLLA. */
static void rx_ns(const struct ip6_addr *src, const struct ip6_addr *target,
		  bool slla)
{
	uint8_t opt[8] = { ND_OPT_SRC_LLADDR, 1 };
	struct icmp6_view iv = { .type = ICMP6_ND_NS, .target = *target };
	struct ip6_addr dst;
	uint8_t b[64];
	size_t n;

	memcpy(opt + 2, peer_mac.b, 6);
	if (slla) {
		iv.payload = opt;
		iv.payload_len = 8;
	}
	ip6_solicited_node(target, &dst);
	n = icmp(b, sizeof(b), &iv, src, &dst);
	rx6(src, &dst, IP6_NH_ICMPV6, 255, b, n);
}

static void rx_na(const struct ip6_addr *target, const struct mac_addr *ll,
		  bool sol, bool ovr)
{
	uint8_t opt[8] = { ND_OPT_TGT_LLADDR, 1 };
	struct icmp6_view iv = { .type = ICMP6_ND_NA,
				 .target = *target,
				 .na_solicited = sol,
				 .na_override = ovr,
				 .payload = opt,
				 .payload_len = 8 };
	const struct ip6_addr *dst = sol ? &us : &ip6_all_nodes;
	uint8_t b[64];
	size_t n;

	memcpy(opt + 2, ll->b, 6);
	n = icmp(b, sizeof(b), &iv, target, dst);
	rx6(target, dst, IP6_NH_ICMPV6, 255, b, n);
}

/* RFC 4861 7.2.3/7.2.4: an NS for us is answered with a solicited NA
 * carrying our TLLA, and the sender's entry is created STALE. */
Test(ipv6_engine, ns_for_our_address_gets_solicited_na)
{
	static const struct ip6_addr p2 = { { 0x20, 0x01, 0x0d, 0xb8, 0,
					      1, [15] = 7 } };
	struct neigh *n;
	struct tx6 t;

	with_static_addr();
	rx_ns(&p2, &us, true);
	tx_expect(&t, ICMP6_ND_NA);
	cr_assert(t.icmp.na_solicited);
	cr_assert(t.icmp.na_override);
	cr_assert(ip6_eq(&t.icmp.target, &us));
	cr_assert(ip6_eq(&t.ip.dst, &p2));
	cr_assert_eq(t.ip.hop_limit, 255);
	pkt_free(t.p);
	n = neigh_lookup(&e6, if6->index, AF_INET6, p2.b);
	cr_assert_not_null(n);
	cr_assert_eq(n->state, NUD_STALE);
	cr_assert(mac_eq(&n->lladdr, &peer_mac));
}

/* RFC 4861 6.1: hop limit below 255 means forwarded: invalid. */
Test(ipv6_engine, nd_with_hop_limit_below_255_is_invalid)
{
	uint8_t b[64];
	struct icmp6_view iv = { .type = ICMP6_ND_NS, .target = us };
	struct ip6_addr dst;
	size_t n;

	with_static_addr();
	ip6_solicited_node(&us, &dst);
	n = icmp(b, sizeof(b), &iv, &peer, &dst);
	rx6(&peer, &dst, IP6_NH_ICMPV6, 254, b, n);
	cr_assert_eq(e6.stats.icmp6.Icmp6InNdInvalid, 1);
	cr_assert_eq(fake_tx_count(if6), 0);
}

/*
 * The NUD table for ND (RFC 4861 7.2.5, 7.3.3): resolution sends a
 * multicast NS and queues; a solicited NA makes REACHABLE and flushes; an
 * NA without O and another address makes REACHABLE STALE keeping the
 * address; with O it replaces the address.
 */
Test(ipv6_engine, nud_transitions_through_ns_and_na)
{
	static const struct ip6_addr p3 = { { 0x20, 0x01, 0x0d, 0xb8, 0,
					      1, [15] = 3 } };
	static const struct mac_addr other = { { 2, 0, 0, 0, 0, 9 } };
	uint8_t b[64];
	struct pkt *p;
	struct neigh *n;
	struct tx6 t;
	struct ip6_out o = { .dst = p3, .proto = IP6_NH_ICMPV6 };
	struct icmp6_view iv = { .type = ICMP6_ECHO_REQUEST };

	with_static_addr();
	p = pkt_alloc(64);
	memcpy(pkt_put(p, icmp(b, sizeof(b), &iv, &us, &p3)), b, 8);
	cr_assert_eq(ipv6_output(&e6, p, &o), 0);
	n = neigh_lookup(&e6, if6->index, AF_INET6, p3.b);
	cr_assert_not_null(n);
	cr_assert_eq(n->state, NUD_INCOMPLETE);
	tx_expect(&t, ICMP6_ND_NS);
	cr_assert(ip6_eq(&t.icmp.target, &p3));
	cr_assert(ip6_is_multicast(&t.ip.dst));
	pkt_free(t.p);
	rx_na(&p3, &peer_mac, true, true);
	cr_assert_eq(n->state, NUD_REACHABLE);
	tx_expect(&t, ICMP6_ECHO_REQUEST); /* the queued packet */
	cr_assert(mac_eq(&t.eth.dst, &peer_mac));
	pkt_free(t.p);
	rx_na(&p3, &other, false, false);
	cr_assert_eq(n->state, NUD_STALE);
	cr_assert(mac_eq(&n->lladdr, &peer_mac));
	rx_na(&p3, &other, false, true);
	cr_assert_eq(n->state, NUD_STALE);
	cr_assert(mac_eq(&n->lladdr, &other));
	rx_na(&p3, &other, true, false);
	cr_assert_eq(n->state, NUD_REACHABLE);
}

/* ---- DAD and RFC 7217 ---- */

Test(ipv6_engine, dad_sends_ns_from_unspecified_then_prefers)
{
	struct ifaddr6 *ia;
	struct ip6_addr sn;
	struct tx6 t;

	cr_assert_eq(ip6_addr_add(if6, &us, 64, IFA6_F_STATIC, ND_INFINITY,
				  ND_INFINITY),
		     0);
	ia = ip6_addr_find(&e6, if6->index, &us);
	cr_assert_eq(ia->state, ADDR6_TENTATIVE);
	fake_advance(&e6, 1000000);
	tx_expect(&t, ICMP6_ND_NS);
	ip6_solicited_node(&us, &sn);
	cr_assert(ip6_is_unspec(&t.ip.src));
	cr_assert(ip6_eq(&t.ip.dst, &sn));
	cr_assert(ip6_eq(&t.icmp.target, &us));
	cr_assert_eq(t.icmp.payload_len, 0); /* no SLLA from :: */
	pkt_free(t.p);
	cr_assert_eq(ia->state, ADDR6_TENTATIVE);
	fake_advance(&e6, 1000001);
	cr_assert_eq(ia->state, ADDR6_PREFERRED);
}

/* RFC 4862 5.4.4: an NA for a tentative address: duplicate. */
Test(ipv6_engine, dad_conflict_marks_static_address_duplicate)
{
	struct ifaddr6 *ia;
	uint8_t b[64];

	cr_assert_eq(ip6_addr_add(if6, &us, 64, IFA6_F_STATIC, ND_INFINITY,
				  ND_INFINITY),
		     0);
	ia = ip6_addr_find(&e6, if6->index, &us);
	fake_advance(&e6, 1000000);
	rx_na(&us, &peer_mac, false, true);
	cr_assert_eq(ia->state, ADDR6_DUPLICATE);
	cr_assert_eq(e6.stats.icmp6.Icmp6DadFailures, 1);
	fake_advance(&e6, 5000000);
	cr_assert_eq(ia->state, ADDR6_DUPLICATE);
	/* Packets to it are not ours. */
	rx6(&peer, &us, IP6_NH_ICMPV6, 64, b, echo_req(b, sizeof(b), &us));
	cr_assert_eq(e6.stats.ip6.Ip6InAddrErrors, 1);
}

/* RFC 4862 5.4.3: another node's DAD NS for our tentative address;
 * RFC 7217 6: a SLAAC address is regenerated with DAD_Counter + 1. */
Test(ipv6_engine, dad_conflict_regenerates_autoconf_address)
{
	static const struct ip6_addr pfx = { { 0x20, 0x01, 0x0d, 0xb8, 0, 1 } };
	struct ip6_addr a;
	struct ifaddr6 *ia = NULL;

	slaac_prefix(if6, &pfx, 64, 3600, 1800);
	for (size_t i = 0; i < e6.ip6->naddrs; i++)
		if (e6.ip6->addrs[i]->flags & IFA6_F_AUTOCONF)
			ia = e6.ip6->addrs[i];
	cr_assert_not_null(ia);
	a = ia->addr;
	rx_ns(&(struct ip6_addr){ { 0 } }, &a, false);
	cr_assert_eq(ia->state, ADDR6_DUPLICATE);
	ia = e6.ip6->addrs[e6.ip6->naddrs - 1];
	cr_assert_eq(ia->dad_counter, 1);
	cr_assert_neq(memcmp(ia->addr.b, a.b, 16), 0);
	cr_assert_eq(memcmp(ia->addr.b, pfx.b, 8), 0);
	fake_advance(&e6, 3000000);
	cr_assert_eq(ia->state, ADDR6_PREFERRED);
}

/*
 * RFC 7217 identifiers: pinned for secret 00..0f, prefix fe80::,
 * interface "eth0", DAD_Counter 0: SipHash-2-4 over prefix[8] || name
 * zero-padded to 16 || counter[1] = 0x4f2bb7f96bc1c59f, checked against an
 * independent Python SipHash (which reproduces the SipHash paper's vector
 * a129ca6149be45e5); and different when any input changes.
 */
Test(ipv6_engine, rfc7217_iid_vectors_are_pinned_and_input_sensitive)
{
	uint8_t secret[16], s2[16], iid[8], x[8];
	static const struct ip6_addr ll = { { 0xfe, 0x80 } };
	static const struct ip6_addr g = { { 0x20, 0x01, 0x0d, 0xb8, 0, 1 } };
	static const uint8_t want[8] = { 0x4f, 0x2b, 0xb7, 0xf9,
					 0x6b, 0xc1, 0xc5, 0x9f };

	for (int i = 0; i < 16; i++)
		secret[i] = (uint8_t)i;
	memcpy(s2, secret, 16);
	s2[15] ^= 1;
	cr_assert_eq(slaac_iid(secret, &ll, "eth0", 0, iid), 0);
	cr_assert_eq(memcmp(iid, want, 8), 0,
		     "iid %02x%02x:%02x%02x:%02x%02x:%02x%02x", iid[0], iid[1],
		     iid[2], iid[3], iid[4], iid[5], iid[6], iid[7]);
	slaac_iid(secret, &ll, "eth0", 0, x);
	cr_assert_eq(memcmp(iid, x, 8), 0); /* stable */
	slaac_iid(s2, &ll, "eth0", 0, x);
	cr_assert_neq(memcmp(iid, x, 8), 0);
	slaac_iid(secret, &g, "eth0", 0, x);
	cr_assert_neq(memcmp(iid, x, 8), 0);
	slaac_iid(secret, &ll, "eth1", 0, x);
	cr_assert_neq(memcmp(iid, x, 8), 0);
	slaac_iid(secret, &ll, "eth0", 1, x);
	cr_assert_neq(memcmp(iid, x, 8), 0);
}

/* ---- Router Advertisements ---- */

static void rx_ra(uint16_t lifetime, uint32_t valid, uint32_t pref)
{
	static const struct ip6_addr pfx = { { 0x20, 0x01, 0x0d, 0xb8, 0, 1 } };
	uint8_t opts[48] = { 0 };
	struct icmp6_view iv = { .type = ICMP6_ND_RA,
				 .ra_hop_limit = 63,
				 .ra_lifetime = lifetime,
				 .ra_prf = ND_RA_PRF_HIGH,
				 .payload = opts,
				 .payload_len = sizeof(opts) };
	uint8_t b[128];
	size_t n;

	opts[0] = ND_OPT_PREFIX_INFO;
	opts[1] = 4;
	opts[2] = 64;
	opts[3] = 0xc0; /* L, A */
	st_be32(opts + 4, valid);
	st_be32(opts + 8, pref);
	memcpy(opts + 16, pfx.b, 16);
	opts[32] = ND_OPT_SRC_LLADDR;
	opts[33] = 1;
	memcpy(opts + 34, peer_mac.b, 6);
	opts[40] = ND_OPT_MTU;
	opts[41] = 1;
	st_be32(opts + 44, 1400);
	n = icmp(b, sizeof(b), &iv, &peer_ll, &ip6_all_nodes);
	rx6(&peer_ll, &ip6_all_nodes, IP6_NH_ICMPV6, 255, b, n);
}

static struct ifaddr6 *autoconf_addr(void)
{
	for (size_t i = 0; i < e6.ip6->naddrs; i++)
		if (e6.ip6->addrs[i]->flags & IFA6_F_AUTOCONF)
			return e6.ip6->addrs[i];
	return NULL;
}

/* RFC 4861 6.3.4 / RFC 4862 5.5.3: the prefix forms an address, the
 * router becomes the default route with its RFC 4191 preference, the MTU
 * and hop limit are taken; lifetime 0 removes the default route; the
 * preferred lifetime ends in DEPRECATED and the valid one removes it. */
Test(ipv6_engine, ra_prefix_forms_address_and_default_route)
{
	static const struct ip6_addr far = { { 0x20, 0x01, 0x0d, 0xb8, 0,
					       9, [15] = 1 } };
	struct route6_result r;
	struct nd6_if *ni = nd6_if_get(&e6, if6->index);
	struct ifaddr6 *ia;

	rx_ra(1800, 600, 300);
	cr_assert_eq(e6.stats.icmp6.Icmp6InNdIgnored, 1); /* RA off */
	ni->slaac = true;
	rx_ra(1800, 600, 300);
	ia = autoconf_addr();
	cr_assert_not_null(ia);
	cr_assert_eq(ni->mtu, 1400);
	cr_assert_eq(ni->cur_hop_limit, 63);
	cr_assert_eq(route6_lookup(&e6, &far, 0, &r), 0);
	cr_assert(ip6_eq(&r.nexthop, &peer_ll));
	cr_assert_eq(e6.ip6->routes[e6.ip6->nroutes - 1].pref, 1);
	fake_advance(&e6, 3000000);
	cr_assert_eq(ia->state, ADDR6_PREFERRED);
	rx_ra(0, 600, 300);
	cr_assert_eq(route6_lookup(&e6, &far, 0, &r), -ENETUNREACH);
	fake_advance(&e6, 300000000);
	cr_assert_eq(ia->state, ADDR6_DEPRECATED);
	fake_advance(&e6, 300000000);
	cr_assert_null(autoconf_addr());
}

/* RFC 4862 5.5.3 (e): a short valid lifetime cannot cut the remaining
 * one below two hours. */
Test(ipv6_engine, ra_valid_lifetime_two_hour_rule)
{
	struct ifaddr6 *ia;

	nd6_if_get(&e6, if6->index)->slaac = true;
	rx_ra(1800, 86400, 3600);
	ia = autoconf_addr();
	rx_ra(1800, 60, 30);
	cr_assert_eq(ia->valid_until, e6.now + 7200ull * 1000000);
	cr_assert_eq(ia->preferred_until, e6.now + 30ull * 1000000);
}

/* ---- MLD ---- */

/* RFC 3810 6.1: joining reports at once (CHANGE_TO_EXCLUDE) with a
 * Router Alert and hop limit 1; a query gets a report within its
 * Maximum Response Delay. */
Test(ipv6_engine, mld_reports_on_join_and_on_query)
{
	static const struct ip6_addr grp = { { 0xff, 0x02, [15] = 0x42 } };
	struct icmp6_view q = { .type = ICMP6_MLD_QUERY, .mld_max_resp = 1000 };
	struct mld2_rec_iter it;
	struct mld2_rec rec;
	uint8_t b[64], hbh[8] = { IP6_NH_ICMPV6, 0, 5, 2, 0, 0, 1, 0 };
	struct tx6 t;
	size_t n;

	cr_assert_eq(ip6_mc_join(if6, &grp), 0);
	tx_expect(&t, ICMP6_MLD2_REPORT);
	cr_assert_eq(t.ip.hop_limit, 1);
	cr_assert(t.ip.ra_present);
	cr_assert(ip6_eq(&t.ip.dst, &ip6_all_mldv2));
	mld2_rec_iter_init(&it, &t.icmp);
	cr_assert_eq(mld2_rec_next(&it, &rec), 1);
	cr_assert_eq(rec.type, MLD2_CHANGE_TO_EXCLUDE);
	cr_assert(ip6_eq(&rec.mcast, &grp));
	pkt_free(t.p);
	fake_advance(&e6, 2000000);
	fake_tx_purge(if6);
	/* An MLDv2 general query (28 bytes) behind a Router Alert. */
	q.mld_v2 = true;
	n = icmp(b + 8, sizeof(b) - 8, &q, &peer_ll, &ip6_all_nodes);
	memcpy(b, hbh, 8);
	rx6(&peer_ll, &ip6_all_nodes, IP6_NH_HOPOPTS, 1, b, 8 + n);
	cr_assert_eq(e6.stats.icmp6.Icmp6InMLDQueries, 1);
	fake_advance(&e6, 1000001);
	cr_assert_geq(count_icmp(ICMP6_MLD2_REPORT), 1);
}

/* The Ethernet filter accepts 33:33 MACs of joined groups only. */
Test(ipv6_engine, multicast_mac_filter_follows_joined_groups)
{
	static const struct ip6_addr grp = { { 0xff, 0x02, [15] = 0x42 } };
	struct mac_addr m;

	ip6_mc_mac(&grp, &m);
	cr_assert_not(ip6_mc_mac_accepted(if6, &m));
	ip6_mc_join(if6, &grp);
	cr_assert(ip6_mc_mac_accepted(if6, &m));
	ip6_mc_leave(if6, &grp);
	cr_assert_not(ip6_mc_mac_accepted(if6, &m));
	ip6_mc_mac(&ip6_all_nodes, &m);
	cr_assert(ip6_mc_mac_accepted(if6, &m));
}

/* ---- UDP over IPv6 sockets ---- */

static struct sock *udp6_sock(uint16_t port)
{
	struct sockaddr_in6 any = { .sin6_family = AF_INET6,
				    .sin6_port = htons(port) };
	struct sock *sk;

	cr_assert_eq(sock_create(&e6, AF_INET6, SOCK_DGRAM, 0, &sk), 0);
	cr_assert_eq(sock_bind(sk, (struct sockaddr *)&any, sizeof(any)), 0);
	return sk;
}

static void rx_udp6(uint16_t sport, uint16_t dport, const char *data)
{
	size_t n = strlen(data);
	struct udp_view u = { .sport = sport,
			      .dport = dport,
			      .len = (uint16_t)(UDP_HLEN + n),
			      .payload = (const uint8_t *)data,
			      .payload_len = n };
	uint8_t b[256];

	udp_emit(
		b, UDP_HLEN + n, &u,
		csum_pseudo6(&peer, &us, IP6_NH_UDP, (uint32_t)(UDP_HLEN + n)));
	rx6(&peer, &us, IP6_NH_UDP, 64, b, UDP_HLEN + n);
}

/* An IPv6 datagram reaches the [::] socket with the peer's address; the
 * answer leaves over IPv6 from our address with a valid checksum. */
Test(ipv6_engine, udp6_socket_receives_and_answers_over_ipv6)
{
	struct sock *sk;
	struct sockaddr_in6 from;
	socklen_t flen = sizeof(from);
	struct udp_view u;
	struct tx6 t;
	char buf[16];

	with_static_addr();
	sk = udp6_sock(7000);
	rx_udp6(4242, 7000, "ping6");
	cr_assert_eq(e6.stats.udp6.Udp6InDatagrams, 1);
	cr_assert_eq(sock_recvfrom(sk, buf, sizeof(buf), 0,
				   (struct sockaddr *)&from, &flen),
		     5);
	cr_assert_eq(memcmp(from.sin6_addr.s6_addr, peer.b, 16), 0);
	cr_assert_eq(ntohs(from.sin6_port), 4242);
	cr_assert_eq(
		sock_sendto(sk, "pong6", 5, 0, (struct sockaddr *)&from, flen),
		5);
	cr_assert(tx_pop6(&t));
	cr_assert_eq(t.ip.upper_proto, IP6_NH_UDP);
	cr_assert(ip6_eq(&t.ip.src, &us));
	cr_assert_eq(udp_parse(t.ip.upper, t.ip.upper_len, &u), 0);
	cr_assert_eq(u.sport, 7000);
	cr_assert_eq(u.dport, 4242);
	cr_assert_not(u.csum_none);
	cr_assert(udp_csum_ok(
		t.ip.upper, u.len,
		csum_pseudo6(&t.ip.src, &t.ip.dst, IP6_NH_UDP, u.len)));
	pkt_free(t.p);
	cr_assert_eq(e6.stats.udp6.Udp6OutDatagrams, 1);
	sock_close(sk);
}

/* RFC 4443 3.1: a port unreachable for a connected socket's datagram
 * becomes ECONNREFUSED on the socket. */
Test(ipv6_engine, udp6_port_unreachable_refuses_a_connected_socket)
{
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6,
				    .sin6_port = htons(9999) };
	struct icmp6_view iv = { .type = ICMP6_DST_UNREACH,
				 .code = ICMP6_UNREACH_PORT };
	uint8_t b[256];
	struct sock *sk;
	struct tx6 t;
	char buf[4];
	size_t n;

	with_static_addr();
	memcpy(dst.sin6_addr.s6_addr, peer.b, 16);
	cr_assert_eq(sock_create(&e6, AF_INET6, SOCK_DGRAM, 0, &sk), 0);
	cr_assert_eq(sock_connect(sk, (struct sockaddr *)&dst, sizeof(dst)), 0);
	cr_assert_eq(sock_sendto(sk, "q", 1, 0, NULL, 0), 1);
	cr_assert(tx_pop6(&t));
	iv.payload = t.eth.payload;
	iv.payload_len = t.eth.payload_len;
	n = icmp(b, sizeof(b), &iv, &peer, &us);
	pkt_free(t.p);
	rx6(&peer, &us, IP6_NH_ICMPV6, 64, b, n);
	cr_assert_eq(sock_recvfrom(sk, buf, sizeof(buf), 0, NULL, NULL),
		     -ECONNREFUSED);
	sock_close(sk);
}

/* RFC 3493 5.2 IPV6_JOIN_GROUP joins (MLD report, MAC filter) and
 * IPV6_LEAVE_GROUP leaves (CHANGE_TO_INCLUDE). */
Test(ipv6_engine, ipv6_join_group_sends_mld_and_opens_the_filter)
{
	struct ipv6_mreq m = { .ipv6mr_interface = 0 };
	struct mac_addr mac;
	struct sock *sk = udp6_sock(7001);
	struct tx6 t;

	m.ipv6mr_multiaddr.s6_addr[0] = 0xff;
	m.ipv6mr_multiaddr.s6_addr[1] = 0x02;
	m.ipv6mr_multiaddr.s6_addr[15] = 0x77;
	cr_assert_eq(sock_setsockopt(sk, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m,
				     sizeof(m)),
		     0);
	ip6_mc_mac((const struct ip6_addr *)m.ipv6mr_multiaddr.s6_addr, &mac);
	cr_assert(ip6_mc_mac_accepted(if6, &mac));
	tx_expect(&t, ICMP6_MLD2_REPORT);
	pkt_free(t.p);
	cr_assert_eq(sock_setsockopt(sk, IPPROTO_IPV6, IPV6_LEAVE_GROUP, &m,
				     sizeof(m)),
		     0);
	cr_assert_not(ip6_mc_mac_accepted(if6, &mac));
	sock_close(sk);
}

/* RFC 4861 8.3: a valid Redirect from the current first hop installs a
 * host route via the better router; one from another node is invalid. */
Test(ipv6_engine, redirect_from_first_hop_installs_host_route)
{
	static const struct ip6_addr far = { { 0x20, 0x01, 0x0d, 0xb8, 0,
					       9, [15] = 1 } };
	static const struct ip6_addr better = { { 0xfe, 0x80, [15] = 0x99 } };
	struct route6 dr = { .gw = peer_ll, .proto = RT6_RA };
	struct icmp6_view iv = { .type = ICMP6_ND_REDIRECT,
				 .target = better,
				 .dest = far };
	struct route6_result r;
	uint8_t b[128];
	size_t n;

	with_static_addr();
	dr.ifindex = if6->index;
	cr_assert_eq(route6_add(&e6, &dr), 0);
	/* From a node that is not the first hop: ignored. */
	n = icmp(b, sizeof(b), &iv, &better, &us);
	rx6(&better, &us, IP6_NH_ICMPV6, 255, b, n);
	cr_assert_eq(e6.stats.icmp6.Icmp6InNdInvalid, 1);
	n = icmp(b, sizeof(b), &iv, &peer_ll, &us);
	rx6(&peer_ll, &us, IP6_NH_ICMPV6, 255, b, n);
	cr_assert_eq(route6_lookup(&e6, &far, 0, &r), 0);
	cr_assert(ip6_eq(&r.nexthop, &better));
}

/* RFC 4429 3.1: an optimistic SLAAC address is usable during DAD, but
 * ranks as deprecated in source selection (3.3). */
Test(ipv6_engine, optimistic_dad_address_is_usable_during_dad)
{
	static const struct ip6_addr pfx = { { 0x20, 0x01, 0x0d, 0xb8, 0, 1 } };
	struct ifaddr6 *ia;
	struct ip6_addr src;

	e6.ip6->optimistic_dad = true;
	slaac_prefix(if6, &pfx, 64, 3600, 1800);
	ia = autoconf_addr();
	cr_assert_not_null(ia);
	cr_assert_eq(ia->state, ADDR6_OPTIMISTIC);
	cr_assert(ip6_addr_is_local(&e6, &ia->addr));
	cr_assert_eq(ip6_select_src(&e6, if6->index, &peer, &src), 0);
	cr_assert(ip6_eq(&src, &ia->addr));
	fake_advance(&e6, 3000000);
	cr_assert_eq(ia->state, ADDR6_PREFERRED);
}

/* RFC 3810 8.2.1: after an MLDv1 query, reports are MLDv1 (type 131). */
Test(ipv6_engine, mldv1_query_switches_to_v1_reports)
{
	static const struct ip6_addr grp = { { 0xff, 0x02, [15] = 0x43 } };
	struct icmp6_view q = { .type = ICMP6_MLD_QUERY, .mld_max_resp = 100 };
	uint8_t b[64], hbh[8] = { IP6_NH_ICMPV6, 0, 5, 2, 0, 0, 1, 0 };
	struct tx6 t;
	size_t n;

	n = icmp(b + 8, sizeof(b) - 8, &q, &peer_ll, &ip6_all_nodes);
	memcpy(b, hbh, 8);
	rx6(&peer_ll, &ip6_all_nodes, IP6_NH_HOPOPTS, 1, b, 8 + n);
	fake_advance(&e6, 200000);
	fake_tx_purge(if6);
	cr_assert_eq(ip6_mc_join(if6, &grp), 0);
	tx_expect(&t, ICMP6_MLD_REPORT);
	cr_assert(ip6_eq(&t.ip.dst, &grp));
	cr_assert(ip6_eq(&t.icmp.mld_addr, &grp));
	pkt_free(t.p);
}

/* RFC 4861 6.3.7: up to 3 RS 4 s apart after a random start delay;
 * RFC 7559 2: then backoff (8 s +-5%), until an RA stops it. */
Test(ipv6_engine, router_solicitations_back_off_until_an_ra)
{
	struct tx6 t;

	nd6_if_get(&e6, if6->index)->slaac = true;
	nd6_rs_start(if6);
	fake_advance(&e6, 1000000);
	tx_expect(&t, ICMP6_ND_RS);
	cr_assert(ip6_eq(&t.ip.dst, &ip6_all_routers));
	cr_assert_eq(t.ip.hop_limit, 255);
	cr_assert_eq(t.icmp.payload_len, 8); /* SLLA: from link-local */
	pkt_free(t.p);
	fake_advance(&e6, 8000000);
	cr_assert_eq(count_icmp(ICMP6_ND_RS), 2);
	/* The third RS left at d + 8 s (d <= 1 s the start delay); the
	 * fourth comes 8 s +-5% later: within 15.6 .. 17.4 s. */
	fake_advance(&e6, 6500000);
	cr_assert_eq(count_icmp(ICMP6_ND_RS), 0);
	fake_advance(&e6, 2000000);
	cr_assert_eq(count_icmp(ICMP6_ND_RS), 1);
	rx_ra(1800, 600, 300);
	fake_advance(&e6, 60000000);
	cr_assert_eq(count_icmp(ICMP6_ND_RS), 0);
}

/* RFC 8201 4: a Packet Too Big lowers the path MTU (never below 1280);
 * later packets to that destination are fragmented to it. */
Test(ipv6_engine, packet_too_big_lowers_the_path_mtu)
{
	struct icmp6_view ptb = { .type = ICMP6_PACKET_TOO_BIG, .mtu = 1300 };
	struct icmp6_view req = { .type = ICMP6_ECHO_REQUEST };
	uint8_t inner[IP6_HLEN] = { 0x60 }, b[3000], big[2000];
	struct ip6_out o = { .dst = peer, .proto = IP6_NH_ICMPV6 };
	struct pkt *p;
	struct tx6 t;
	size_t n;

	with_static_addr();
	memcpy(inner + 8, us.b, 16);
	memcpy(inner + 24, peer.b, 16);
	ptb.payload = inner;
	ptb.payload_len = sizeof(inner);
	n = icmp(b, sizeof(b), &ptb, &peer, &us);
	rx6(&peer, &us, IP6_NH_ICMPV6, 64, b, n);
	cr_assert_eq(route6_mtu(&e6, if6, &peer), 1300);
	ptb.mtu = 600; /* below the minimum: clamped to 1280 */
	n = icmp(b, sizeof(b), &ptb, &peer, &us);
	rx6(&peer, &us, IP6_NH_ICMPV6, 64, b, n);
	cr_assert_eq(route6_mtu(&e6, if6, &peer), 1280);
	req.payload = big;
	req.payload_len = sizeof(big);
	memset(big, 0xab, sizeof(big));
	n = icmp(b, sizeof(b), &req, &us, &peer);
	p = pkt_alloc(n);
	memcpy(pkt_put(p, n), b, n);
	cr_assert_eq(ipv6_output(&e6, p, &o), 0);
	cr_assert_eq(fake_tx_count(if6), 2);
	while (tx_pop6(&t)) {
		cr_assert(t.ip.have_frag);
		cr_assert_leq(t.p->len - ETH_HLEN, 1280);
		pkt_free(t.p);
	}
}

static size_t count_temp(struct ifaddr6 **last)
{
	size_t n = 0;

	for (size_t i = 0; i < e6.ip6->naddrs; i++)
		if (e6.ip6->addrs[i]->flags & IFA6_F_TEMPORARY) {
			n++;
			*last = e6.ip6->addrs[i];
		}
	return n;
}

/* RFC 8981 3.4/3.5/3.8: with temporary addresses on, a prefix also gets a
 * random-IID address preferred for at most a day minus DESYNC_FACTOR, the
 * source of choice (RFC 6724 rule 7), renewed REGEN_ADVANCE before it
 * is deprecated. */
Test(ipv6_engine, temporary_address_is_preferred_source_and_regenerated)
{
	static const struct ip6_addr far = { { 0x20, 0x01, 0x0d, 0xb8, 0,
					       1, [15] = 0x77 } };
	struct ifaddr6 *tmp = NULL, *stable, *next = NULL;
	struct ip6_addr src;
	uint64_t pref;

	e6.ip6->tempaddr = true;
	nd6_if_get(&e6, if6->index)->slaac = true;
	rx_ra(1800, 3 * 86400, 2 * 86400);
	stable = autoconf_addr();
	cr_assert_eq(count_temp(&tmp), 1);
	cr_assert_not_null(tmp);
	if (stable == tmp)
		stable = e6.ip6->addrs[1];
	cr_assert_not_null(stable);
	cr_assert_eq(memcmp(tmp->addr.b, stable->addr.b, 8), 0);
	cr_assert_neq(memcmp(tmp->addr.b, stable->addr.b, 16), 0);
	pref = (tmp->preferred_until - e6.now) / 1000000;
	cr_assert_leq(pref, TEMP_PREFERRED_LIFETIME);
	cr_assert_geq(pref, TEMP_PREFERRED_LIFETIME * 6 / 10);
	cr_assert_eq((tmp->valid_until - e6.now) / 1000000,
		     TEMP_VALID_LIFETIME);
	fake_advance(&e6, 3000000);
	cr_assert_eq(ip6_select_src(&e6, if6->index, &far, &src), 0);
	cr_assert(ip6_eq(&src, &tmp->addr));
	/* Up to REGEN_ADVANCE before deprecation: a successor appears. */
	fake_advance(&e6, tmp->preferred_until - e6.now -
				  (TEMP_REGEN_ADVANCE + 1) * 1000000ull);
	cr_assert_eq(count_temp(&next), 1);
	fake_advance(&e6, 2000000);
	cr_assert_eq(count_temp(&next), 2);
	cr_assert_neq(next, tmp);
	fake_advance(&e6, 6000000);
	cr_assert_eq(tmp->state, ADDR6_DEPRECATED);
	cr_assert_eq(next->state, ADDR6_PREFERRED);
}

/* An RA with Route Information options for 2001:db8:2::/48 and
 * 2001:db8:3::/48 with lifetime @lt2, @lt3. */
static void rx_ra_rio(uint32_t lt2, uint32_t lt3)
{
	uint8_t opts[32] = {
		ND_OPT_ROUTE_INFO,
		2,
		48,
		0x08,
		0,
		0,
		0,
		0,
		0x20,
		0x01,
		0x0d,
		0xb8,
		0,
		2,
		0,
		0,
		ND_OPT_ROUTE_INFO,
		2,
		48,
		0x18,
		0,
		0,
		0,
		0,
		0x20,
		0x01,
		0x0d,
		0xb8,
		0,
		3,
		0,
		0,
	};
	struct icmp6_view iv = { .type = ICMP6_ND_RA,
				 .ra_lifetime = 0,
				 .payload = opts,
				 .payload_len = sizeof(opts) };
	uint8_t b[128];
	size_t n;

	st_be32(opts + 4, lt2);
	st_be32(opts + 20, lt3);
	n = icmp(b, sizeof(b), &iv, &peer_ll, &ip6_all_nodes);
	rx6(&peer_ll, &ip6_all_nodes, IP6_NH_ICMPV6, 255, b, n);
}

/* RFC 4191 3.1: Route Information options become routes via the router
 * with their preference and lifetime, even from an RA that is not a
 * default router's; lifetime 0 removes one; expiry removes the other. */
Test(ipv6_engine, ra_route_information_installs_routes_with_lifetime)
{
	static const struct ip6_addr in2 = { { 0x20, 0x01, 0x0d, 0xb8, 0,
					       2, [15] = 9 } };
	static const struct ip6_addr in3 = { { 0x20, 0x01, 0x0d, 0xb8, 0,
					       3, [15] = 9 } };
	struct route6_result r;

	nd6_if_get(&e6, if6->index)->slaac = true;
	rx_ra_rio(600, 30);
	cr_assert_eq(route6_lookup(&e6, &in2, 0, &r), 0);
	cr_assert(ip6_eq(&r.nexthop, &peer_ll));
	cr_assert_eq(route6_lookup(&e6, &in3, 0, &r), 0);
	for (size_t i = 0; i < e6.ip6->nroutes; i++) {
		const struct route6 *rt = &e6.ip6->routes[i];

		if (rt->len != 48)
			continue;
		cr_assert_eq(rt->proto, RT6_RA);
		cr_assert_eq(rt->pref, rt->prefix.b[5] == 2 ? 1 : -1);
		cr_assert_eq(rt->expires,
			     e6.now + (rt->prefix.b[5] == 2 ? 600 : 30) *
					      1000000ull);
	}
	fake_advance(&e6, 31000000);
	cr_assert_eq(route6_lookup(&e6, &in3, 0, &r), -ENETUNREACH);
	cr_assert_eq(route6_lookup(&e6, &in2, 0, &r), 0);
	rx_ra_rio(0, 0);
	cr_assert_eq(route6_lookup(&e6, &in2, 0, &r), -ENETUNREACH);
}
