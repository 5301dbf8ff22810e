/* SPDX-License-Identifier: MIT */
/*
 * csum.h - the Internet checksum (RFC 1071) and its incremental update
 * (RFC 1624), with IPv4 and IPv6 pseudo-headers
 *
 * Sums are accumulated in an opaque 32-bit value in native byte order (RFC
 * 1071 section 2(B): the one's complement sum is byte-order independent) and
 * turned into a host-order number, ready for st_be16(), by csum_fold().
 * Chained csum_partial() calls must pass even-length pieces except the last.
 */
#ifndef NSSTACK_WIRE_CSUM_H
#define NSSTACK_WIRE_CSUM_H

#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"

uint32_t csum_partial(const void *buf, size_t len, uint32_t sum);
uint16_t csum_fold(uint32_t sum);
uint32_t csum_pseudo4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);
uint32_t csum_pseudo6(const struct ip6_addr *src, const struct ip6_addr *dst,
		      uint8_t next_header, uint32_t len);
uint16_t csum_update16(uint16_t csum, uint16_t old, uint16_t new_val);
uint16_t csum_update32(uint16_t csum, uint32_t old, uint32_t new_val);

/** csum_inet() - the checksum of @len bytes; 0 when they verify. */
static inline uint16_t csum_inet(const void *buf, size_t len)
{
	return csum_fold(csum_partial(buf, len, 0));
}

#endif /* NSSTACK_WIRE_CSUM_H */
