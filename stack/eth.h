/* SPDX-License-Identifier: MIT */
/*
 * eth.h - the Ethernet layer of the engine (TAP interfaces)
 */
#ifndef NSSTACK_ETH_H
#define NSSTACK_ETH_H

#include <stdint.h>

#include "wire/addr.h"

struct netif;
struct pkt;

void eth_input(struct netif *ifp, struct pkt *p);
int eth_output(struct netif *ifp, struct pkt *p, const struct mac_addr *dst,
	       uint16_t type);

#endif /* NSSTACK_ETH_H */
