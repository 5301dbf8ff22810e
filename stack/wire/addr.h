/* SPDX-License-Identifier: MIT */
/*
 * addr.h - link and network address types shared by the wire formats
 *
 * IPv4 addresses travel through views as host-order uint32_t (192.0.2.1 is
 * 0xc0000201), which makes masks and comparisons plain arithmetic.  MAC and
 * IPv6 addresses stay byte arrays in wire order: they are only ever compared,
 * copied and printed.
 */
#ifndef NSSTACK_WIRE_ADDR_H
#define NSSTACK_WIRE_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define MAC_LEN 6
#define IP6_LEN 16

struct mac_addr {
	uint8_t b[MAC_LEN];
};

struct ip6_addr {
	uint8_t b[IP6_LEN];
};

static inline bool mac_eq(const struct mac_addr *a, const struct mac_addr *b)
{
	return memcmp(a->b, b->b, MAC_LEN) == 0;
}

static inline bool mac_is_multicast(const struct mac_addr *a)
{
	return a->b[0] & 1;
}

static inline bool mac_is_broadcast(const struct mac_addr *a)
{
	static const struct mac_addr bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff,
						 0xff } };

	return mac_eq(a, &bcast);
}

static inline bool ip6_eq(const struct ip6_addr *a, const struct ip6_addr *b)
{
	return memcmp(a->b, b->b, IP6_LEN) == 0;
}

#endif /* NSSTACK_WIRE_ADDR_H */
