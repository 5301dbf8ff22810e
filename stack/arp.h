/* SPDX-License-Identifier: MIT */
/*
 * arp.h - ARP (RFC 826) and IPv4 address conflict detection (RFC 5227)
 */
#ifndef NSSTACK_ARP_H
#define NSSTACK_ARP_H

#include <stdint.h>

struct netif;
struct pkt;

void arp_input(struct netif *ifp, struct pkt *p);

#endif /* NSSTACK_ARP_H */
