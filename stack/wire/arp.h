/* SPDX-License-Identifier: MIT */
/*
 * arp.h - ARP (RFC 826) for Ethernet and IPv4
 */
#ifndef NSSTACK_WIRE_ARP_H
#define NSSTACK_WIRE_ARP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"

#define ARP_LEN 28 /* Ethernet/IPv4: 8 fixed + 2 * (6 + 4) */
#define ARP_HTYPE_ETHER 1
#define ARP_PTYPE_IPV4 0x0800
#define ARP_HLEN_ETHER 6
#define ARP_PLEN_IPV4 4

#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

/*
 * struct arp_view - one Ethernet/IPv4 ARP packet in host order
 * @htype, @ptype, @hlen, @plen: always 1, 0x0800, 6 and 4 after a
 *	successful parse; arp_emit() refuses any other values
 * @op: ARP_OP_REQUEST, ARP_OP_REPLY or whatever the peer sent (the engine
 *	decides what to do with unknown opcodes)
 * @spa, @tpa: host-order IPv4 addresses
 */
struct arp_view {
	uint16_t htype;
	uint16_t ptype;
	uint8_t hlen;
	uint8_t plen;
	uint16_t op;
	struct mac_addr sha;
	uint32_t spa;
	struct mac_addr tha;
	uint32_t tpa;
};

int arp_parse(const uint8_t *buf, size_t len, struct arp_view *v);
int arp_emit(uint8_t *buf, size_t cap, const struct arp_view *v);

/**
 * arp_is_probe() - an RFC 5227 probe: a request with sender address 0
 *
 * RFC 5227 section 2.1.1: a probe has an all-zero sender IP address so that
 * it does not pollute other hosts' caches with a not-yet-owned address.
 */
static inline bool arp_is_probe(const struct arp_view *v)
{
	return v->op == ARP_OP_REQUEST && v->spa == 0;
}

/**
 * arp_is_gratuitous() - sender and target protocol addresses are equal
 *
 * Covers gratuitous ARP requests and replies and the RFC 5227 section 2.3
 * announcement, which is a request with spa == tpa == the claimed address.
 */
static inline bool arp_is_gratuitous(const struct arp_view *v)
{
	return v->spa != 0 && v->spa == v->tpa;
}

#endif /* NSSTACK_WIRE_ARP_H */
