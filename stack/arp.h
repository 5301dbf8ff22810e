/* SPDX-License-Identifier: MIT */
/*
 * arp.h - ARP (RFC 826) and IPv4 address conflict detection (RFC 5227)
 */
#ifndef NSSTACK_ARP_H
#define NSSTACK_ARP_H

#include <stdbool.h>
#include <stdint.h>

#include "wire/addr.h"

struct engine;
struct netif;
struct pkt;
struct neigh_ops;

/* RFC 5227 section 1.1 constants, in µs. */
#define ACD_PROBE_WAIT 1000000ull
#define ACD_PROBE_NUM 3
#define ACD_PROBE_MIN 1000000ull
#define ACD_PROBE_MAX 2000000ull
#define ACD_ANNOUNCE_WAIT 2000000ull
#define ACD_ANNOUNCE_NUM 2
#define ACD_ANNOUNCE_INTERVAL 2000000ull
#define ACD_DEFEND_INTERVAL 10000000ull

extern const struct neigh_ops arp_neigh_ops;

void arp_input(struct netif *ifp, struct pkt *p);
void neigh_output4(struct netif *ifp, struct pkt *p, uint32_t nexthop);
int arp_addr_add(struct netif *ifp, uint32_t addr, uint8_t prefixlen);
int arp_addr_del(struct netif *ifp, uint32_t addr, uint8_t prefixlen);
void arp_fini(struct engine *eng);
int neigh_add4(struct engine *eng, struct netif *ifp, uint32_t addr,
	       const struct mac_addr *lladdr, bool replace);
int neigh_del4(struct engine *eng, struct netif *ifp, uint32_t addr);

#endif /* NSSTACK_ARP_H */
