/* SPDX-License-Identifier: MIT */
/*
 * fake_l3.h - an engine with the L3 tables, one fake Ethernet interface
 * 192.0.2.2/24 and a peer 192.0.2.1, plus frame builders and parsers for
 * the L3 unit tests
 */
#ifndef NSSTACK_FAKE_L3_H
#define NSSTACK_FAKE_L3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "wire/arp.h"
#include "wire/eth.h"
#include "wire/icmp4.h"
#include "wire/ipv4.h"
#include "wire/udp.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define L3_US IP4(192, 0, 2, 2)
#define L3_PEER IP4(192, 0, 2, 1)
#define L3_FAR IP4(203, 0, 113, 9) /* off-link, via the default route */

extern struct engine l3_eng;
extern struct netif *l3_if;
extern const struct mac_addr l3_mac, l3_peer_mac;

void l3_setup(void);
void l3_teardown(void);
void l3_peer_permanent(void);

size_t l3_build_ipv4(uint8_t *buf, size_t cap, const struct ipv4_view *v);
void l3_rx_eth(uint16_t type, const uint8_t *payload, size_t len);
void l3_rx_ipv4(uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *pl,
		size_t len);
void l3_rx_udp(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
	       const uint8_t *data, size_t len);

/* A frame the fake interface sent, parsed down to what it carries. */
struct l3_frame {
	struct pkt *p;
	struct eth_view eth;
	struct ipv4_view ip; /* when eth.type is IPv4 */
	struct arp_view arp; /* when eth.type is ARP */
	struct icmp4_view icmp;
	struct udp_view udp;
};

bool l3_tx_pop(struct l3_frame *f);
void l3_frame_free(struct l3_frame *f);
size_t l3_tx_count(void);

#endif /* NSSTACK_FAKE_L3_H */
