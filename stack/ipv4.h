/* SPDX-License-Identifier: MIT */
/*
 * ipv4.h - the IPv4 layer of the engine
 */
#ifndef NSSTACK_IPV4_H
#define NSSTACK_IPV4_H

#include <stdbool.h>
#include <stdint.h>

#include "wire/ipv4.h"

struct engine;
struct netif;
struct pkt;

void ipv4_input(struct netif *ifp, struct pkt *p);
int ipv4_output(struct engine *eng, struct pkt *p, uint32_t src, uint32_t dst,
		uint8_t proto, uint8_t ttl, uint8_t tos, bool df);
int ipv4_route_src(struct engine *eng, uint32_t dst, uint32_t *src);
bool ipv4_addr_is_local(const struct engine *eng, uint32_t a);
bool ipv4_addr_is_bcast(const struct engine *eng, uint32_t a);

/**
 * ipv4_view_hdr() - the first byte of the header a view was parsed from
 *
 * Views borrow; the header sits IHL words before the payload, in the same
 * buffer, so ICMP can quote the datagram a view describes.
 */
static inline const uint8_t *ipv4_view_hdr(const struct ipv4_view *v)
{
	return v->payload - (size_t)v->ihl * 4;
}

/** ipv4_view_len() - header plus payload bytes of a parsed datagram. */
static inline size_t ipv4_view_len(const struct ipv4_view *v)
{
	return (size_t)v->ihl * 4 + v->payload_len;
}

#endif /* NSSTACK_IPV4_H */
