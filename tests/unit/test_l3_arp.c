// SPDX-License-Identifier: MIT
/*
 * test_l3_arp.c - ARP input/output, resolution through the neighbour
 * cache, and RFC 5227 conflict detection on the virtual clock
 */
#include <errno.h>
#include <netinet/in.h>

#include "arp.h"
#include "fake_engine.h"
#include "fake_l3.h"
#include "neigh.h"
#include "socket.h"
#include "testutil.h"

#define NEW_ADDR IP4(192, 0, 2, 50)

static const struct mac_addr other_mac = { { 2, 0, 0, 0, 0, 9 } };

static void rx_arp(uint16_t op, const struct mac_addr *sha, uint32_t spa,
		   const struct mac_addr *tha, uint32_t tpa)
{
	struct arp_view v = { .htype = ARP_HTYPE_ETHER,
			      .ptype = ARP_PTYPE_IPV4,
			      .hlen = 6,
			      .plen = 4,
			      .op = op,
			      .sha = *sha,
			      .spa = spa,
			      .tha = *tha,
			      .tpa = tpa };
	uint8_t buf[ARP_LEN];

	cr_assert_eq(arp_emit(buf, sizeof(buf), &v), ARP_LEN);
	l3_rx_eth(ETHERTYPE_ARP, buf, sizeof(buf));
}

static enum nud_state state4(uint32_t a)
{
	uint8_t k[4] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16),
			 (uint8_t)(a >> 8), (uint8_t)a };
	struct neigh *n = neigh_lookup(&l3_eng, l3_if->index, AF_INET, k);

	return n ? n->state : NUD_NONE;
}

TestSuite(l3_arp, .init = l3_setup, .fini = l3_teardown);

/* RFC 826: a request for our address gets a unicast reply and teaches
 * us the asker (STALE, RFC 4861 7.2.3 semantics). */
Test(l3_arp, request_for_us_is_answered_and_learnt)
{
	static const struct mac_addr zero = { { 0 } };
	struct l3_frame f;

	rx_arp(ARP_OP_REQUEST, &l3_peer_mac, L3_PEER, &zero, L3_US);
	cr_assert(l3_tx_pop(&f));
	cr_assert_eq(f.arp.op, ARP_OP_REPLY);
	cr_assert(mac_eq(&f.eth.dst, &l3_peer_mac));
	cr_assert(mac_eq(&f.arp.sha, &l3_mac));
	cr_assert_eq(f.arp.spa, L3_US);
	cr_assert_eq(f.arp.tpa, L3_PEER);
	l3_frame_free(&f);
	cr_assert_eq(state4(L3_PEER), NUD_STALE);
	cr_assert_eq(l3_eng.stats.arp.ArpOutReplies, 1);
}

/* RFC 826: requests for other hosts teach nothing new and are counted. */
Test(l3_arp, request_for_another_host_is_counted_not_learnt)
{
	static const struct mac_addr zero = { { 0 } };

	rx_arp(ARP_OP_REQUEST, &l3_peer_mac, L3_PEER, &zero,
	       IP4(192, 0, 2, 77));
	cr_assert_eq(l3_eng.stats.arp.ArpInOtherTarget, 1);
	cr_assert_eq(state4(L3_PEER), NUD_NONE);
	cr_assert_eq(l3_tx_count(), 0);
}

/* RFC 826 + RFC 4861 7.2.5: a packet waits for the reply, then goes to
 * the learnt MAC; the entry is REACHABLE. */
Test(l3_arp, output_resolves_then_sends_queued_packet)
{
	struct sock *sk;
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(9),
				  .sin_addr.s_addr = htonl(L3_PEER) };
	struct l3_frame f;

	cr_assert_eq(sock_create(&l3_eng, AF_INET, SOCK_DGRAM, 0, &sk), 0);
	cr_assert_eq(
		sock_sendto(sk, "hi", 2, 0, (struct sockaddr *)&to, sizeof(to)),
		2);
	cr_assert(l3_tx_pop(&f));
	cr_assert_eq(f.arp.op, ARP_OP_REQUEST);
	cr_assert(mac_is_broadcast(&f.eth.dst));
	cr_assert_eq(f.arp.spa, L3_US);
	cr_assert_eq(f.arp.tpa, L3_PEER);
	l3_frame_free(&f);
	rx_arp(ARP_OP_REPLY, &l3_peer_mac, L3_PEER, &l3_mac, L3_US);
	cr_assert_eq(state4(L3_PEER), NUD_REACHABLE);
	cr_assert(l3_tx_pop(&f));
	cr_assert_eq(f.eth.type, ETHERTYPE_IPV4);
	cr_assert(mac_eq(&f.eth.dst, &l3_peer_mac));
	l3_frame_free(&f);
	sock_close(sk);
}

/* Linux arp_error_report(): failed resolution reports host unreachable
 * to the (local) sender: a connected socket sees EHOSTUNREACH. */
Test(l3_arp, failed_resolution_gives_ehostunreach)
{
	struct sock *sk;
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(9),
				  .sin_addr.s_addr = htonl(L3_PEER) };
	char buf[4];

	cr_assert_eq(sock_create(&l3_eng, AF_INET, SOCK_DGRAM, 0, &sk), 0);
	cr_assert_eq(sock_connect(sk, (struct sockaddr *)&to, sizeof(to)), 0);
	cr_assert_eq(sock_sendto(sk, "hi", 2, 0, NULL, 0), 2);
	fake_advance(&l3_eng, 3100000);
	cr_assert_eq(state4(L3_PEER), NUD_FAILED);
	cr_assert_eq(l3_eng.stats.arp.ArpOutRequests, 3);
	cr_assert_eq(l3_eng.stats.arp.NeighUnresolvedDiscards, 1);
	cr_assert_eq(sock_recvfrom(sk, buf, sizeof(buf), 0, NULL, NULL),
		     -EHOSTUNREACH);
	sock_close(sk);
}

/* Gratuitous ARP updates an existing entry but creates none. */
Test(l3_arp, gratuitous_arp_updates_only_existing_entries)
{
	static const struct mac_addr bc = { { 0xff, 0xff, 0xff, 0xff, 0xff,
					      0xff } };

	rx_arp(ARP_OP_REQUEST, &l3_peer_mac, L3_PEER, &bc, L3_PEER);
	cr_assert_eq(state4(L3_PEER), NUD_NONE);
	l3_peer_permanent();
	cr_assert_eq(neigh_del4(&l3_eng, l3_if, L3_PEER), 0);
	rx_arp(ARP_OP_REQUEST, &l3_peer_mac, L3_PEER,
	       &(struct mac_addr){ { 0 } }, L3_US);
	cr_assert_eq(state4(L3_PEER), NUD_STALE);
	fake_tx_purge(l3_if);
	rx_arp(ARP_OP_REPLY, &other_mac, L3_PEER, &bc, L3_PEER);
	cr_assert(mac_eq(&neigh_lookup(&l3_eng, l3_if->index, AF_INET,
				       (uint8_t[]){ 192, 0, 2, 1 })
				  ->lladdr,
			 &other_mac));
}

/* RFC 5227 2.1.1 / 2.3: 3 probes, then VALID and 2 announcements. */
Test(l3_arp, probing_without_conflict_makes_address_valid)
{
	struct l3_frame f;
	int probes = 0, announces = 0;

	cr_assert_eq(arp_addr_add(l3_if, NEW_ADDR, 24), 0);
	cr_assert_eq(netif_addr4_find(l3_if, NEW_ADDR)->state, ADDR4_TENTATIVE);
	cr_assert_not(netif_has_addr4(l3_if, NEW_ADDR));
	fake_advance(&l3_eng, 20000000);
	cr_assert_eq(netif_addr4_find(l3_if, NEW_ADDR)->state, ADDR4_VALID);
	while (l3_tx_pop(&f)) {
		cr_assert_eq(f.arp.op, ARP_OP_REQUEST);
		cr_assert_eq(f.arp.tpa, NEW_ADDR);
		if (f.arp.spa == 0)
			probes++;
		else if (f.arp.spa == NEW_ADDR)
			announces++;
		l3_frame_free(&f);
	}
	cr_assert_eq(probes, 3);
	cr_assert_eq(announces, 2);
}

/* RFC 5227 2.1.1: a reply from the address while probing -> conflict. */
Test(l3_arp, conflict_during_probe_marks_address_conflict)
{
	cr_assert_eq(arp_addr_add(l3_if, NEW_ADDR, 24), 0);
	fake_advance(&l3_eng, 1500000);
	rx_arp(ARP_OP_REPLY, &other_mac, NEW_ADDR, &l3_mac, 0);
	cr_assert_eq(netif_addr4_find(l3_if, NEW_ADDR)->state, ADDR4_CONFLICT);
	cr_assert_eq(l3_eng.stats.arp.ArpConflicts, 1);
	fake_tx_purge(l3_if);
	fake_advance(&l3_eng, 20000000);
	cr_assert_eq(l3_tx_count(), 0, "no more probes or announcements");
	cr_assert_eq(netif_addr4_find(l3_if, NEW_ADDR)->state, ADDR4_CONFLICT);
}

/* RFC 5227 2.1.1: another host's probe for the same address, too. */
Test(l3_arp, simultaneous_probe_is_a_conflict)
{
	cr_assert_eq(arp_addr_add(l3_if, NEW_ADDR, 24), 0);
	rx_arp(ARP_OP_REQUEST, &other_mac, 0, &(struct mac_addr){ { 0 } },
	       NEW_ADDR);
	cr_assert_eq(netif_addr4_find(l3_if, NEW_ADDR)->state, ADDR4_CONFLICT);
}

/* RFC 5227 2.4 (b): defend once per DEFEND_INTERVAL. */
Test(l3_arp, valid_address_is_defended_once_per_interval)
{
	static const struct mac_addr bc = { { 0xff, 0xff, 0xff, 0xff, 0xff,
					      0xff } };

	rx_arp(ARP_OP_REQUEST, &other_mac, L3_US, &bc, L3_US);
	rx_arp(ARP_OP_REQUEST, &other_mac, L3_US, &bc, L3_US);
	cr_assert_eq(l3_eng.stats.arp.ArpDefends, 1);
	cr_assert_eq(l3_eng.stats.arp.ArpConflicts, 2);
	cr_assert_eq(l3_eng.stats.arp.ArpOutAnnounces, 1);
	fake_advance(&l3_eng, 10000000);
	rx_arp(ARP_OP_REQUEST, &other_mac, L3_US, &bc, L3_US);
	cr_assert_eq(l3_eng.stats.arp.ArpDefends, 2);
	cr_assert(netif_has_addr4(l3_if, L3_US));
}

/* arp_acd=0 skips probing: VALID at once, nothing sent. */
Test(l3_arp, acd_off_makes_address_valid_at_once)
{
	l3_eng.sysctl.arp_acd = 0;
	cr_assert_eq(arp_addr_add(l3_if, NEW_ADDR, 24), 0);
	cr_assert(netif_has_addr4(l3_if, NEW_ADDR));
	cr_assert_eq(l3_tx_count(), 0);
}

/* Martian senders are ignored (RFC 1122 3.2.1.3). */
Test(l3_arp, martian_sender_is_dropped)
{
	static const struct mac_addr zero = { { 0 } };

	rx_arp(ARP_OP_REQUEST, &l3_peer_mac, IP4(224, 0, 0, 5), &zero, L3_US);
	rx_arp(ARP_OP_REQUEST, &(struct mac_addr){ { 1, 0, 0x5e, 0, 0, 1 } },
	       L3_PEER, &zero, L3_US);
	cr_assert_eq(l3_eng.stats.arp.ArpInMartians, 2);
	cr_assert_eq(l3_tx_count(), 0);
}
