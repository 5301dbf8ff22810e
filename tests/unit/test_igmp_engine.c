// SPDX-License-Identifier: MIT
/*
 * test_igmp_engine.c - the engine's IGMPv3 host side (RFC 3376) and its
 * IGMPv1/v2 compatibility, driven through mc4_join/mc4_leave and queries
 */
#include <criterion/criterion.h>

#include "fake_engine.h"
#include "fake_l3.h"
#include "route.h"
#include "testutil.h"
#include "wire/igmp.h"

TestSuite(igmp_engine, .init = l3_setup, .fini = l3_teardown);

#define GROUP IP4(239, 1, 2, 3)

/* The next IGMP message sent: TTL 1 and Router Alert (RFC 3376 4). */
static void igmp_pop(struct l3_frame *f, struct igmp_view *iv)
{
	cr_assert(l3_tx_pop(f), "no IGMP message sent");
	cr_assert_eq(f->ip.proto, IPV4_PROTO_IGMP);
	cr_assert_eq(f->ip.ttl, 1);
	cr_assert(f->ip.opt.ra.present);
	cr_assert_eq(f->ip.opt.router_alert, 0);
	cr_assert(igmp_csum_ok(f->ip.payload, f->ip.payload_len));
	cr_assert_eq(igmp_parse(f->ip.payload, f->ip.payload_len, iv), 0);
}

static void rx_query(uint8_t version, uint8_t max_resp, uint32_t group)
{
	struct igmp_view q = { .type = IGMP_MEMBERSHIP_QUERY,
			       .version = version,
			       .max_resp = max_resp,
			       .group = group };
	uint8_t b[16];
	int n = igmp_emit(b, sizeof(b), &q);

	cr_assert_gt(n, 0);
	l3_rx_ipv4(L3_PEER, IP4(224, 0, 0, 1), IPV4_PROTO_IGMP, b, (size_t)n);
}

/* RFC 3376 5.1: a join sends CHANGE_TO_EXCLUDE {} to 224.0.0.22 and
 * repeats it once; a leave sends CHANGE_TO_INCLUDE {}. */
Test(igmp_engine, join_and_leave_send_v3_state_change_reports)
{
	struct igmp3_rec_iter it;
	struct igmp3_record rec;
	struct igmp_view iv;
	struct l3_frame f;

	cr_assert_eq(mc4_join(&l3_eng, l3_if, GROUP), 0);
	igmp_pop(&f, &iv);
	cr_assert_eq(f.ip.dst, IP4(224, 0, 0, 22));
	cr_assert_eq(f.ip.src, L3_US);
	cr_assert_eq(iv.type, IGMP_V3_REPORT);
	igmp3_rec_iter_init(&it, &iv);
	cr_assert(igmp3_record_next(&it, &rec));
	cr_assert_eq(rec.type, IGMP3_CHANGE_TO_EXCLUDE);
	cr_assert_eq(rec.group, GROUP);
	l3_frame_free(&f);
	/* A second join of the same group is silent. */
	cr_assert_eq(mc4_join(&l3_eng, l3_if, GROUP), 0);
	cr_assert_eq(l3_tx_count(), 0);
	fake_advance(&l3_eng, 1000001);
	igmp_pop(&f, &iv);
	cr_assert_eq(iv.type, IGMP_V3_REPORT);
	l3_frame_free(&f);
	cr_assert_eq(mc4_leave(&l3_eng, l3_if, GROUP), 0);
	cr_assert_eq(l3_tx_count(), 0);
	cr_assert_eq(mc4_leave(&l3_eng, l3_if, GROUP), 0);
	igmp_pop(&f, &iv);
	igmp3_rec_iter_init(&it, &iv);
	cr_assert(igmp3_record_next(&it, &rec));
	cr_assert_eq(rec.type, IGMP3_CHANGE_TO_INCLUDE);
	l3_frame_free(&f);
}

/* RFC 3376 5.2: a general query gets MODE_IS_EXCLUDE within Max Resp. */
Test(igmp_engine, general_query_gets_current_state_report)
{
	struct igmp3_rec_iter it;
	struct igmp3_record rec;
	struct igmp_view iv;
	struct l3_frame f;

	mc4_join(&l3_eng, l3_if, GROUP);
	fake_advance(&l3_eng, 2000000);
	while (l3_tx_pop(&f))
		l3_frame_free(&f);
	rx_query(3, 10, 0); /* 1 s */
	cr_assert_eq(l3_tx_count(), 0);
	fake_advance(&l3_eng, 1000001);
	igmp_pop(&f, &iv);
	igmp3_rec_iter_init(&it, &iv);
	cr_assert(igmp3_record_next(&it, &rec));
	cr_assert_eq(rec.type, IGMP3_MODE_IS_EXCLUDE);
	cr_assert_eq(rec.group, GROUP);
	l3_frame_free(&f);
}

/* RFC 3376 7.2.1 / 7.3.2: after a v2 query, v2 reports to the group and
 * a v2 Leave to 224.0.0.2; after a v1 query, v1 reports and no leave. */
Test(igmp_engine, older_queriers_switch_the_report_version)
{
	struct igmp_view iv;
	struct l3_frame f;

	rx_query(2, 10, 0);
	cr_assert_eq(mc4_join(&l3_eng, l3_if, GROUP), 0);
	igmp_pop(&f, &iv);
	cr_assert_eq(iv.type, IGMP_V2_REPORT);
	cr_assert_eq(f.ip.dst, GROUP);
	l3_frame_free(&f);
	fake_advance(&l3_eng, 2000000);
	while (l3_tx_pop(&f))
		l3_frame_free(&f);
	cr_assert_eq(mc4_leave(&l3_eng, l3_if, GROUP), 0);
	igmp_pop(&f, &iv);
	cr_assert_eq(iv.type, IGMP_V2_LEAVE);
	cr_assert_eq(f.ip.dst, IP4(224, 0, 0, 2));
	l3_frame_free(&f);
	rx_query(1, 0, 0);
	cr_assert_eq(mc4_join(&l3_eng, l3_if, GROUP), 0);
	igmp_pop(&f, &iv);
	cr_assert_eq(iv.type, IGMP_V1_REPORT);
	l3_frame_free(&f);
	fake_advance(&l3_eng, 2000000);
	while (l3_tx_pop(&f))
		l3_frame_free(&f);
	cr_assert_eq(mc4_leave(&l3_eng, l3_if, GROUP), 0);
	cr_assert_eq(l3_tx_count(), 0);
	/* 260 s later the v3 querier is back in charge. */
	fake_advance(&l3_eng, 261000000);
	cr_assert_eq(mc4_join(&l3_eng, l3_if, GROUP), 0);
	igmp_pop(&f, &iv);
	cr_assert_eq(iv.type, IGMP_V3_REPORT);
	l3_frame_free(&f);
}

/* RFC 1112 6.4: the Ethernet filter passes 01:00:5e + the low 23 bits of
 * all-hosts and of joined groups only, on the interface that joined. */
Test(igmp_engine, mac_filter_follows_joined_groups)
{
	static const struct mac_addr grp = { { 0x01, 0x00, 0x5e, 0x01, 0x02,
					       0x03 } };
	static const struct mac_addr bit23 = { { 0x01, 0x00, 0x5e, 0x81, 0x02,
						 0x03 } };
	static const struct mac_addr all = { { 0x01, 0x00, 0x5e, 0x00, 0x00,
					       0x01 } };
	static const struct mac_addr other = { { 0x01, 0x00, 0x5e, 0x01, 0x02,
						 0x04 } };

	cr_assert(mc4_mac_accepted(&l3_eng, l3_if, &all));
	cr_assert_not(mc4_mac_accepted(&l3_eng, l3_if, &grp));
	cr_assert_eq(mc4_join(&l3_eng, l3_if, 0xef010203u), 0); /* 239.1.2.3 */
	cr_assert(mc4_mac_accepted(&l3_eng, l3_if, &grp));
	/* 239.129.2.3 maps to the same MAC: the filter passes, IPv4 decides. */
	cr_assert_not(mc4_joined(&l3_eng, l3_if, 0xef810203u));
	cr_assert_not(mc4_mac_accepted(&l3_eng, l3_if, &bit23));
	cr_assert_not(mc4_mac_accepted(&l3_eng, l3_if, &other));
	cr_assert_eq(mc4_leave(&l3_eng, l3_if, 0xef010203u), 0);
	cr_assert_not(mc4_mac_accepted(&l3_eng, l3_if, &grp));
	cr_assert(mc4_mac_accepted(&l3_eng, l3_if, &all));
}

/* An IPv4 multicast frame in, to @group's MAC (RFC 1112 6.4). */
static void rx_mcast_frame(uint32_t group)
{
	static uint8_t ip[64], frame[128];
	static const uint8_t udp[12] = { 0x13, 0x88, 0x15, 0xb3, 0,   12,
					 0,    0,    'h',  'i',	 '!', '\n' };
	struct ipv4_view v = { .ttl = 1,
			       .proto = IPV4_PROTO_UDP,
			       .src = L3_PEER,
			       .dst = group,
			       .id = 1,
			       .payload = udp,
			       .payload_len = sizeof(udp) };
	size_t n = l3_build_ipv4(ip, sizeof(ip), &v);
	struct eth_view e = {
		.dst = { { 0x01, 0x00, 0x5e, (uint8_t)((group >> 16) & 0x7f),
			   (uint8_t)(group >> 8), (uint8_t)group } },
		.src = l3_peer_mac,
		.type = ETHERTYPE_IPV4,
		.encap = ETH_ENCAP_II,
		.payload = ip,
		.payload_len = n
	};
	int len = eth_emit(frame, sizeof(frame), &e);

	cr_assert_gt(len, 0);
	fake_rx(l3_if, frame, (size_t)len);
}

/* The Ethernet filter opens for a joined group's MAC and closes again
 * after the leave, as a NIC's multicast filter would (RFC 1112 6.4). */
Test(igmp_engine, joined_group_mac_passes_the_ethernet_filter)
{
	struct eth_stats *st = &l3_eng.stats.eth;

	rx_mcast_frame(GROUP);
	cr_assert_eq(st->EthInMcastFiltered, 1);
	cr_assert_eq(mc4_join(&l3_eng, l3_if, GROUP), 0);
	rx_mcast_frame(GROUP);
	cr_assert_eq(st->EthInMcastFiltered, 1);
	cr_assert_eq(l3_eng.stats.ip.IpInMcastPkts, 1);
	rx_mcast_frame(IP4(239, 1, 2, 4)); /* another group's MAC */
	cr_assert_eq(st->EthInMcastFiltered, 2);
	cr_assert_eq(mc4_leave(&l3_eng, l3_if, GROUP), 0);
	rx_mcast_frame(GROUP);
	cr_assert_eq(st->EthInMcastFiltered, 3);
}
