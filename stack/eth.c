// SPDX-License-Identifier: MIT
/*
 * eth.c - Ethernet input filtering and dispatch, and Ethernet output
 *
 * Input accepts frames addressed to the interface's MAC, to broadcast, and
 * to the multicast groups the interface listens to; everything else is
 * another host's and is counted and dropped, as a NIC's filter would.
 * Ethernet II and RFC 1042 SNAP (OUI 0) carry the same EtherTypes and are
 * dispatched alike; other 802.3 LLC traffic (spanning tree, NetBIOS) is not
 * ours.  Frames carrying an 802.1Q tag are dropped: no VLAN is configured.
 */
#include <errno.h>

#include "arp.h"
#include "engine.h"
#include "eth.h"
#include "ipv4.h"
#include "ipv6.h"
#include "route.h"
#include "wire/eth.h"

/* RFC 1112 6.4: 224.0.0.1 (all hosts) maps to 01:00:5e:00:00:01. */
static const struct mac_addr mac_all_hosts4 = { { 0x01, 0x00, 0x5e, 0x00, 0x00,
						  0x01 } };

static bool mac_accepted(const struct netif *ifp, const struct mac_addr *dst)
{
	if (mac_eq(dst, &ifp->mac) || mac_is_broadcast(dst))
		return true;
	/* RFC 1112 6.4 (01:00:5e + 23 bits) and RFC 2464 7 (33:33 + 32
	 * bits): the groups sockets joined. */
	return mac_eq(dst, &mac_all_hosts4) ||
	       mc4_mac_accepted(ifp->eng, ifp, dst) ||
	       ip6_mc_mac_accepted(ifp, dst);
}

/**
 * eth_input() - one Ethernet frame from @ifp
 *
 * Takes ownership of @p; hands it to ARP or IPv4 with p->data at the
 * network header and p->len cut to the payload, or drops it.
 */
void eth_input(struct netif *ifp, struct pkt *p)
{
	struct engine *eng = ifp->eng;
	struct eth_stats *st = &eng->stats.eth;
	struct eth_view v;

	st->EthInFrames++;
	st->EthInOctets += p->len;
	if (eth_parse(p->data, p->len, &v)) {
		pkt_drop(eng, p, &st->EthInErrors, "malformed ethernet");
		return;
	}
	if (!mac_accepted(ifp, &v.dst)) {
		pkt_drop(eng, p,
			 mac_is_multicast(&v.dst) ? &st->EthInMcastFiltered
						  : &st->EthInOtherHost,
			 "not for us");
		return;
	}
	if (v.has_vlan) {
		pkt_drop(eng, p, &st->EthInVlanDrops, "802.1Q tagged");
		return;
	}
	switch (v.encap) {
	case ETH_ENCAP_II:
		break;
	case ETH_ENCAP_SNAP:
		/* RFC 1042: only OUI 0 means the type is an EtherType. */
		if (v.snap_oui != 0) {
			pkt_drop(eng, p, &st->EthInLlcDrops, "SNAP OUI not 0");
			return;
		}
		st->EthInSnapFrames++;
		break;
	case ETH_ENCAP_LLC:
		pkt_drop(eng, p, &st->EthInLlcDrops, "802.2 LLC");
		return;
	}
	pkt_pull(p, (size_t)(v.payload - p->data));
	p->len = v.payload_len;
	switch (v.type) {
	case ETHERTYPE_ARP:
		arp_input(ifp, p);
		break;
	case ETHERTYPE_IPV4:
		ipv4_input(ifp, p);
		break;
	case ETHERTYPE_IPV6:
		ipv6_input(ifp, p);
		break;
	default:
		pkt_drop(eng, p, &st->EthInUnknownTypes, "unknown EtherType");
		break;
	}
}

/**
 * eth_output() - prepend an Ethernet II header to @p and send it
 *
 * Always consumes @p.  Return: 0, or -errno (-ENOBUFS: no headroom).
 */
int eth_output(struct netif *ifp, struct pkt *p, const struct mac_addr *dst,
	       uint16_t type)
{
	struct eth_view v = { .dst = *dst,
			      .src = ifp->mac,
			      .type = type,
			      .encap = ETH_ENCAP_II };
	uint8_t *h = pkt_push(p, ETH_HLEN);

	if (!h) {
		ifp->eng->stats.eth.EthOutErrors++;
		pkt_free(p);
		return -ENOBUFS;
	}
	v.payload = h + ETH_HLEN;
	v.payload_len = p->len - ETH_HLEN;
	eth_emit(h, p->len, &v);
	return netif_xmit(ifp, p);
}
