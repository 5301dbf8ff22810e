/* SPDX-License-Identifier: MIT */
/*
 * ipv4.h - the IPv4 layer of the engine
 */
#ifndef NSSTACK_IPV4_H
#define NSSTACK_IPV4_H

#include <stdint.h>

struct netif;
struct pkt;

void ipv4_input(struct netif *ifp, struct pkt *p);

#endif /* NSSTACK_IPV4_H */
