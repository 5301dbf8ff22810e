/* SPDX-License-Identifier: MIT */
/*
 * udp6.h - UDP over IPv6 (RFC 768, RFC 8200 8.1) input checks
 */
#ifndef NSSTACK_UDP6_H
#define NSSTACK_UDP6_H

#include "wire/ipv6.h"

struct netif;
struct pkt;

void udp6_input(struct netif *ifp, struct pkt *p, const struct ip6_view *ip);

#endif /* NSSTACK_UDP6_H */
