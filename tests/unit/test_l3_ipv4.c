// SPDX-License-Identifier: MIT
/*
 * test_l3_ipv4.c - IPv4 input filtering and output, and ICMP (echo,
 * error rules, rate limits on the virtual clock, PMTU)
 */
#include <errno.h>

#include "fake_engine.h"
#include "fake_l3.h"
#include "icmp4.h"
#include "ipv4.h"
#include "route.h"
#include "testutil.h"

TestSuite(l3_ipv4, .init = l3_setup, .fini = l3_teardown);

static const uint8_t udp_to_closed[8] = { 0x10, 0x00, 0x13, 0x89,
					  0x00, 0x08, 0x00, 0x00 };

/* RFC 1122 3.2.2.6: echo request -> reply with the same id, seq, data. */
Test(l3_ipv4, echo_request_gets_a_reply)
{
	struct icmp4_view req = { .type = ICMP4_ECHO_REQUEST,
				  .id = 0x1234,
				  .seq = 7,
				  .payload = (const uint8_t *)"ping",
				  .payload_len = 4 };
	uint8_t buf[32];
	struct l3_frame f;
	int n = icmp4_emit(buf, sizeof(buf), &req);

	l3_peer_permanent();
	l3_rx_ipv4(L3_PEER, L3_US, IPV4_PROTO_ICMP, buf, (size_t)n);
	cr_assert(l3_tx_pop(&f));
	cr_assert_eq(f.icmp.type, ICMP4_ECHO_REPLY);
	cr_assert_eq(f.icmp.id, 0x1234);
	cr_assert_eq(f.icmp.seq, 7);
	cr_assert_eq(f.ip.src, L3_US);
	tu_assert_bytes(f.icmp.payload, f.icmp.payload_len,
			(const uint8_t *)"ping", 4, "echo data");
	l3_frame_free(&f);
	cr_assert_eq(l3_eng.stats.icmp.IcmpInEchos, 1);
	cr_assert_eq(l3_eng.stats.icmp.IcmpOutEchoReps, 1);
	/* icmp_echo_ignore_all */
	l3_eng.sysctl.icmp_echo_ignore_all = 1;
	l3_rx_ipv4(L3_PEER, L3_US, IPV4_PROTO_ICMP, buf, (size_t)n);
	cr_assert_eq(l3_tx_count(), 0);
	cr_assert_eq(l3_eng.stats.icmp.IcmpInEchoIgnored, 1);
}

/* RFC 1122 3.2.2.1: unknown protocol -> protocol unreachable. */
Test(l3_ipv4, unknown_protocol_gets_protocol_unreachable)
{
	struct l3_frame f;

	l3_peer_permanent();
	l3_rx_ipv4(L3_PEER, L3_US, 253, udp_to_closed, 8);
	cr_assert_eq(l3_eng.stats.ip.IpInUnknownProtos, 1);
	cr_assert(l3_tx_pop(&f));
	cr_assert_eq(f.icmp.type, ICMP4_DEST_UNREACH);
	cr_assert_eq(f.icmp.code, ICMP4_UNREACH_PROTO);
	l3_frame_free(&f);
}

/* RFC 1122 3.2.1.3 / RFC 1812 5.3.7: martian sources are dropped. */
Test(l3_ipv4, martian_sources_are_dropped)
{
	static const uint32_t bad[] = { IP4(224, 0, 0, 1), IP4(127, 0, 0, 1),
					IP4(0, 1, 2, 3), IP4(192, 0, 2, 255),
					L3_US };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		l3_rx_ipv4(bad[i], L3_US, IPV4_PROTO_UDP, udp_to_closed, 8);
	cr_assert_eq(l3_eng.stats.ip.IpInMartians, 5);
	cr_assert_eq(l3_tx_count(), 0);
}

/* RFC 1122 3.3.4.2 / Linux: only our addresses, broadcasts and joined
 * groups are accepted; a tentative address is not ours yet. */
Test(l3_ipv4, foreign_and_tentative_destinations_are_addr_errors)
{
	l3_rx_ipv4(L3_PEER, IP4(192, 0, 2, 99), IPV4_PROTO_UDP, udp_to_closed,
		   8);
	l3_rx_ipv4(L3_PEER, IP4(239, 1, 1, 1), IPV4_PROTO_UDP, udp_to_closed,
		   8);
	l3_if->addr4[0].state = ADDR4_TENTATIVE;
	l3_rx_ipv4(L3_PEER, L3_US, IPV4_PROTO_UDP, udp_to_closed, 8);
	cr_assert_eq(l3_eng.stats.ip.IpInAddrErrors, 3);
	l3_if->addr4[0].state = ADDR4_VALID;
	l3_rx_ipv4(L3_PEER, 0xffffffffu, IPV4_PROTO_UDP, udp_to_closed, 8);
	cr_assert_eq(l3_eng.stats.ip.IpInBcastPkts, 1);
}

/* RFC 7126 4.3/4.4: source-routed packets are dropped. */
Test(l3_ipv4, source_routed_packets_are_dropped)
{
	static const uint8_t lsrr[8] = { 131, 7, 4, 1, 2, 3, 4, 0 };
	struct ipv4_view v = { .ttl = 64,
			       .proto = IPV4_PROTO_UDP,
			       .src = L3_PEER,
			       .dst = L3_US,
			       .opts = lsrr,
			       .opts_len = sizeof(lsrr),
			       .payload = udp_to_closed,
			       .payload_len = 8 };
	uint8_t buf[64];

	l3_rx_eth(ETHERTYPE_IPV4, buf, l3_build_ipv4(buf, sizeof(buf), &v));
	cr_assert_eq(l3_eng.stats.ip.IpInSrcRouteDrops, 1);
}

/* Header errors: bad checksum, truncation, garbage. */
Test(l3_ipv4, header_errors_are_counted_by_reason)
{
	struct ipv4_view v = { .ttl = 64,
			       .proto = IPV4_PROTO_UDP,
			       .src = L3_PEER,
			       .dst = L3_US,
			       .payload = udp_to_closed,
			       .payload_len = 8 };
	uint8_t buf[64];
	size_t n = l3_build_ipv4(buf, sizeof(buf), &v);

	buf[10] ^= 1;
	l3_rx_eth(ETHERTYPE_IPV4, buf, n);
	buf[10] ^= 1;
	l3_rx_eth(ETHERTYPE_IPV4, buf, n - 4);
	buf[0] = 0x44;
	l3_rx_eth(ETHERTYPE_IPV4, buf, n);
	cr_assert_eq(l3_eng.stats.ip.IpInCsumErrors, 1);
	cr_assert_eq(l3_eng.stats.ip.IpInTruncatedPkts, 1);
	cr_assert_eq(l3_eng.stats.ip.IpInHdrErrors, 1);
}

/* RFC 1122 3.2.2: no error about an ICMP error. */
Test(l3_ipv4, no_error_about_an_error)
{
	uint8_t inner[28], icmp[64];
	struct ipv4_view iv = { .ttl = 64,
				.proto = IPV4_PROTO_UDP,
				.src = L3_US,
				.dst = L3_PEER,
				.payload = udp_to_closed,
				.payload_len = 8 };
	struct icmp4_view ic = { .type = ICMP4_DEST_UNREACH,
				 .code = ICMP4_UNREACH_PORT,
				 .payload = inner,
				 .payload_len = 28 };
	struct ipv4_view ov = { .ttl = 64,
				.proto = IPV4_PROTO_ICMP,
				.src = L3_PEER,
				.dst = L3_US,
				.payload = icmp };
	uint8_t dgram[128];
	size_t n;

	l3_peer_permanent();
	l3_build_ipv4(inner, sizeof(inner), &iv);
	ov.payload_len = (size_t)icmp4_emit(icmp, sizeof(icmp), &ic);
	n = l3_build_ipv4(dgram, sizeof(dgram), &ov);
	icmp4_send_error(&l3_eng, dgram, n, ICMP4_PARAM_PROBLEM, 0, 0);
	cr_assert_eq(l3_tx_count(), 0);
}

/* Linux icmp_global_allow(): burst icmp_msgs_burst, then
 * icmp_msgs_per_sec; on the virtual clock. */
Test(l3_ipv4, global_rate_limit_caps_errors)
{
	l3_eng.sysctl.icmp_ratelimit_ms = 0; /* isolate the global bucket */
	for (int i = 0; i < 60; i++)
		cr_assert_eq(icmp4_ratelimit_ok(&l3_eng, ICMP4_DEST_UNREACH, 3,
						IP4(198, 51, 100, (uint8_t)i)),
			     i < 50, "message %d", i);
	cr_assert_eq(l3_eng.stats.icmp.IcmpOutRateLimitGlobal, 10);
	fake_advance(&l3_eng, 10000); /* 10 ms: 10 tokens at 1000/s */
	for (int i = 0; i < 12; i++)
		cr_assert_eq(icmp4_ratelimit_ok(&l3_eng, ICMP4_DEST_UNREACH, 3,
						IP4(198, 51, 100, 1)),
			     i < 10);
	/* Echo replies are not in icmp_ratemask. */
	cr_assert(icmp4_ratelimit_ok(&l3_eng, ICMP4_ECHO_REPLY, 0, 1));
	/* Frag-needed is never limited (Linux icmpv4_mask_allow()). */
	cr_assert(icmp4_ratelimit_ok(&l3_eng, ICMP4_DEST_UNREACH,
				     ICMP4_UNREACH_FRAG_NEEDED, 1));
}

/* Linux inet_peer_xrlim_allow(): 6 at once per host, then one per
 * icmp_ratelimit. */
Test(l3_ipv4, per_host_rate_limit_allows_burst_then_one_per_second)
{
	int sent = 0;

	l3_peer_permanent();
	for (int i = 0; i < 20; i++)
		l3_rx_udp(L3_PEER, 1000, L3_US, 5000, NULL, 0);
	sent = (int)l3_tx_count();
	cr_assert_eq(sent, 6);
	cr_assert_eq(l3_eng.stats.icmp.IcmpOutRateLimitHost, 14);
	fake_tx_purge(l3_if);
	fake_advance(&l3_eng, 999000);
	l3_rx_udp(L3_PEER, 1000, L3_US, 5000, NULL, 0);
	cr_assert_eq(l3_tx_count(), 0);
	fake_advance(&l3_eng, 1000);
	l3_rx_udp(L3_PEER, 1000, L3_US, 5000, NULL, 0);
	cr_assert_eq(l3_tx_count(), 1);
}

/* RFC 1191: frag-needed lowers the PMTU; DF sends then get EMSGSIZE
 * and non-DF sends are fragmented to it. */
Test(l3_ipv4, frag_needed_lowers_pmtu_for_output)
{
	struct ipv4_view iv = { .ttl = 64,
				.df = true,
				.proto = IPV4_PROTO_UDP,
				.src = L3_US,
				.dst = L3_PEER,
				.payload = udp_to_closed,
				.payload_len = 8,
				.total_len = 1500 };
	uint8_t inner[28], icmp[64];
	struct icmp4_view ic = { .type = ICMP4_DEST_UNREACH,
				 .code = ICMP4_UNREACH_FRAG_NEEDED,
				 .mtu = 1000,
				 .payload = inner,
				 .payload_len = 28 };
	struct pkt *p;
	struct l3_frame f;
	int n;

	l3_peer_permanent();
	l3_build_ipv4(inner, sizeof(inner), &iv);
	n = icmp4_emit(icmp, sizeof(icmp), &ic);
	l3_rx_ipv4(L3_PEER, L3_US, IPV4_PROTO_ICMP, icmp, (size_t)n);
	cr_assert_eq(route4_mtu(&l3_eng, l3_if, L3_PEER), 1000);
	p = pkt_alloc(1200);
	pkt_put(p, 1200);
	cr_assert_eq(ipv4_output(&l3_eng, p, 0, L3_PEER, 253, 0, 0, true),
		     -EMSGSIZE);
	p = pkt_alloc(1200);
	memset(pkt_put(p, 1200), 0, 1200);
	cr_assert_eq(ipv4_output(&l3_eng, p, 0, L3_PEER, 253, 0, 0, false), 0);
	cr_assert_eq(l3_tx_count(), 2);
	cr_assert(l3_tx_pop(&f));
	cr_assert(f.ip.mf);
	cr_assert_leq(f.eth.payload_len, 1000);
	l3_frame_free(&f);
	cr_assert_eq(l3_eng.stats.ip.IpFragCreates, 2);
}

/* No route: -ENETUNREACH and IpOutNoRoutes; a default route fixes it. */
Test(l3_ipv4, output_without_route_is_enetunreach)
{
	struct pkt *p = pkt_alloc(8);

	pkt_put(p, 8);
	cr_assert_eq(ipv4_output(&l3_eng, p, 0, L3_FAR, 253, 0, 0, false),
		     -ENETUNREACH);
	cr_assert_eq(l3_eng.stats.ip.IpOutNoRoutes, 1);
	cr_assert_eq(route4_add(&l3_eng, 0, 0, L3_PEER, NULL), 0);
	l3_peer_permanent();
	p = pkt_alloc(8);
	pkt_put(p, 8);
	cr_assert_eq(ipv4_output(&l3_eng, p, 0, L3_FAR, 253, 0, 0, false), 0);
	cr_assert_eq(l3_tx_count(), 1);
}

static int tun_frames;

static int tun_xmit(struct netif *ifp, const uint8_t *frame, size_t len)
{
	(void)ifp;
	cr_assert_eq(frame[0] >> 4, 4, "TUN gets bare IPv4");
	cr_assert_geq(len, 20);
	tun_frames++;
	return 0;
}

static const struct netdev_ops tun_ops = { .xmit = tun_xmit };

/* TUN has no link layer: no ARP, the bare packet goes out. */
Test(l3_ipv4, tun_output_skips_arp)
{
	struct netif *tun = netif_new(&l3_eng, "tun0", NETIF_TUN, &tun_ops,
				      NULL);
	struct pkt *p = pkt_alloc(8);

	tun->up = true;
	cr_assert_eq(netif_addr4_add(tun, IP4(198, 51, 100, 2), 24), 0);
	pkt_put(p, 8);
	tun_frames = 0;
	cr_assert_eq(ipv4_output(&l3_eng, p, 0, IP4(198, 51, 100, 1), 253, 0, 0,
				 false),
		     0);
	cr_assert_eq(tun_frames, 1);
	cr_assert_eq(l3_eng.stats.arp.ArpOutRequests, 0);
}
