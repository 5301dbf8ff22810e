// SPDX-License-Identifier: MIT
/*
 * fallback_l3.c - weak stand-ins for L3 entry points not yet in the tree
 *
 * netif.c and eth.c call arp_input() and ipv4_input().  Until those modules
 * land, tests that use interfaces (capture, ctl) still need the symbols to
 * link.  This file goes into an archive linked after libnsstack.a: the
 * linker only takes a member from it for a symbol still undefined, so as
 * soon as stack/arp.c or stack/ipv4.c exist their real definitions win and
 * these are never linked.  The stand-ins drop what they are given, counted.
 */
#include "arp.h"
#include "engine.h"
#include "ipv4.h"
#include "l3.h"

__attribute__((weak)) void arp_input(struct netif *ifp, struct pkt *p)
{
	pkt_drop(ifp->eng, p, &ifp->eng->stats.eth.EthInUnknownTypes,
		 "no ARP module");
}

__attribute__((weak)) void ipv4_input(struct netif *ifp, struct pkt *p)
{
	pkt_drop(ifp->eng, p, &ifp->eng->stats.ip.IpInDiscards,
		 "no IPv4 module");
}

__attribute__((weak)) void l3_netif_down(struct netif *ifp)
{
	(void)ifp;
}
