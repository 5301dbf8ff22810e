// SPDX-License-Identifier: MIT
/*
 * test_tcp_offload.c - TCP over a device with checksum offload and TSO
 * (the fake netdev keeps the metadata): super-segments out, partial
 * checksums trusted and super-segments accepted in
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "fake_engine.h"
#include "fake_tcp.h"
#include "netdev_vnet.h"
#include "tcp_offload.h"
#include "wire/csum.h"

static void offload_setup(void)
{
	ft_setup();
	l3_if->offload = NETIF_OFF_CSUM | NETIF_OFF_TSO4 | NETIF_OFF_TSO6;
}

static void offload_teardown(void)
{
	fake_rx_vnet = NULL;
	ft_teardown();
}

TestSuite(tcp_offload, .init = offload_setup, .fini = offload_teardown);

static uint8_t big[256 * 1024];

static struct tcb *estab(struct ft_peer *pp)
{
	return ft_passive(pp, ft_listen(FT_LPORT, 16), NULL);
}

/* The initial window (RFC 6928: 10 MSS) leaves as one super-segment that
 * the device cuts at the MSS; its checksum is left to the device. */
Test(tcp_offload, initial_window_is_one_super_segment)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	tcp_send(c, big, (size_t)20 * c->mss, 0);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.payload_len, (size_t)10 * c->mss);
	cr_assert_eq(s.f.p->off.gso_type, PKT_GSO_TCPV4);
	cr_assert_eq(s.f.p->off.gso_size, c->mss);
	cr_assert(s.f.p->off.csum_partial);
	cr_assert_eq(s.f.ip.total_len, s.f.ip.payload_len + 20);
	ft_free(&s);
	cr_assert_not(ft_pop(&s));
	cr_assert_eq(l3_eng.stats.eth.EthOutGsoFrames, 1);
}

/* One MSS or less: a plain segment, but still checksummed by the device. */
Test(tcp_offload, small_segment_is_not_gso)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	tcp_send(c, big, 100, 0);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.payload_len, 100);
	cr_assert_eq(s.f.p->off.gso_type, PKT_GSO_NONE);
	cr_assert(s.f.p->off.csum_partial);
	ft_free(&s);
}

/* Limited by the peer's window: whole MSS only; the runt waits (SWS). */
Test(tcp_offload, window_limited_super_segment_is_whole_mss)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;
	size_t sent = 0;

	c->snd_wnd = 3 * c->mss + 500;
	tcp_send(c, big, (size_t)8 * c->mss, 0);
	while (ft_pop(&s)) {
		cr_assert_eq(s.th.payload_len % c->mss, 0);
		sent += s.th.payload_len;
		ft_free(&s);
	}
	cr_assert_eq(sent, (size_t)3 * c->mss);
}

/* Pure ACKs keep a full software checksum. */
Test(tcp_offload, ack_without_data_is_checksummed_in_software)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	(void)c;
	ft_drain();
	ft_send(&pp, TCP_ACK | TCP_PSH, "x", 1);
	tcp_send_ack(c);
	cr_assert(ft_pop(&s));
	cr_assert_not(s.f.p->off.csum_partial);
	ft_free(&s);
}

/* Without TSO on the device, segments stay at the MSS. */
Test(tcp_offload, without_tso_segments_are_mss)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	l3_if->offload = NETIF_OFF_CSUM;
	cr_assert_eq(tcp_tso_max(c), c->mss);
	tcp_send(c, big, (size_t)4 * c->mss, 0);
	while (ft_pop(&s)) {
		cr_assert_eq(s.th.payload_len, c->mss);
		cr_assert_eq(s.f.p->off.gso_type, PKT_GSO_NONE);
		ft_free(&s);
	}
}

Test(tcp_offload, tso_max_is_whole_mss_within_64k)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint32_t m = tcp_tso_max(c);

	cr_assert_eq(m % c->mss, 0);
	cr_assert_leq(m + 20 + TCP_MAX_HLEN, 65535);
	cr_assert_gt(m + c->mss + 20 + TCP_MAX_HLEN, 65535);
}

/* Without the device's word, a partial checksum is a bad checksum; with
 * NEEDS_CSUM it is the kernel's to finish and is accepted. */
Test(tcp_offload, partial_checksum_accepted_only_from_the_device)
{
	static uint8_t seg[2000];
	struct vnet_hdr h = { .flags = VNET_F_NEEDS_CSUM,
			      .csum_start = 14 + 20,
			      .csum_offset = 16 };
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct tcp_view v = { 0 };
	uint8_t out[16];
	int n;

	v.sport = pp.port;
	v.dport = pp.lport;
	v.seq = pp.seq;
	v.ack = pp.ack;
	v.flags = TCP_ACK | TCP_PSH;
	v.window = pp.win;
	v.payload = (const uint8_t *)"offloaded";
	v.payload_len = 9;
	n = tcp_emit_partial(
		seg, sizeof(seg), &v,
		csum_pseudo4(L3_PEER, L3_US, IPV4_PROTO_TCP, TCP_HLEN + 9));
	cr_assert_gt(n, 0);
	l3_rx_ipv4(L3_PEER, L3_US, IPV4_PROTO_TCP, seg, (size_t)n);
	cr_assert_eq(l3_eng.stats.tcp.TcpInCsumErrors, 1);
	cr_assert_eq(tcp_recv(c, out, sizeof(out), 0), -EAGAIN);
	fake_rx_vnet = &h;
	l3_rx_ipv4(L3_PEER, L3_US, IPV4_PROTO_TCP, seg, (size_t)n);
	cr_assert_eq(l3_eng.stats.tcp.TcpInCsumErrors, 1);
	cr_assert_eq(tcp_recv(c, out, sizeof(out), 0), 9);
	cr_assert_eq(memcmp(out, "offloaded", 9), 0);
}

/* A GRO/TSO super-segment from the kernel: one segment larger than the
 * MSS, taken whole (RFC 9293: any size within the window) and ACKed at
 * once (it counts as more than one full segment). */
Test(tcp_offload, super_segment_accepted_and_acked_at_once)
{
	struct vnet_hdr h = { .flags = VNET_F_DATA_VALID,
			      .gso_type = VNET_GSO_TCPV4,
			      .gso_size = 1448 };
	static uint8_t data[20000], out[20000];
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;
	bool acked = false;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i % 251);
	c->quickacks = 0;
	ft_drain();
	fake_rx_vnet = &h;
	ft_send(&pp, TCP_ACK, data, sizeof(data));
	cr_assert_eq(l3_eng.stats.eth.EthInGsoFrames, 1);
	while (ft_pop(&s)) {
		if ((s.th.flags & TCP_ACK) && s.th.ack == pp.seq)
			acked = true;
		ft_free(&s);
	}
	cr_assert(acked, "no immediate ACK for the super-segment");
	cr_assert_eq(tcp_recv(c, out, sizeof(out), 0), (ssize_t)sizeof(data));
	cr_assert_eq(memcmp(out, data, sizeof(data)), 0);
}
