// SPDX-License-Identifier: MIT
/*
 * csum.c - the Internet checksum, a 32-bit word at a time
 *
 * Theory of operation: the one's complement sum of 16-bit words equals the
 * one's complement sum of 32-bit words folded to 16 bits, so the loop loads
 * native 32-bit words (through memcpy, so alignment never matters) into a
 * 64-bit accumulator that cannot overflow for any frame we will see, and
 * folds once at the end.  The loop is unrolled by eight words, which lets
 * the compiler keep several loads in flight.
 */
#include <string.h>

#include "wire/csum.h"
#include "wire/cursor.h"

static inline uint32_t load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t fold64(uint64_t acc)
{
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

/**
 * csum_partial() - add @len bytes at @buf to the running sum @sum
 *
 * Return: the new running sum (opaque, native order).
 */
uint32_t csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;

	while (len >= 32) {
		acc += (uint64_t)load32(p) + load32(p + 4) + load32(p + 8) +
		       load32(p + 12) + load32(p + 16) + load32(p + 20) +
		       load32(p + 24) + load32(p + 28);
		p += 32;
		len -= 32;
	}
	while (len >= 4) {
		acc += load32(p);
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t w;

		memcpy(&w, p, 2);
		acc += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		/* RFC 1071 4.1: an odd last byte is padded with a zero byte. */
		uint8_t pad[2] = { p[0], 0 };
		uint16_t w;

		memcpy(&w, pad, 2);
		acc += w;
	}
	return fold64(acc);
}

/**
 * csum_fold() - finish a running sum
 *
 * Return: the one's complement of the folded sum as a host-order number, to
 * be stored with st_be16().  A region that already carries a correct
 * checksum folds to 0.
 */
uint16_t csum_fold(uint32_t sum)
{
	uint8_t b[2];
	uint16_t v;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	v = (uint16_t)~sum;
	/* v is in native order; read its bytes as the big-endian wire value. */
	memcpy(b, &v, 2);
	return ld_be16(b);
}

/** csum_pseudo4() - running sum of the IPv4 pseudo-header (RFC 768, 9293). */
uint32_t csum_pseudo4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
	uint8_t ph[12];

	st_be32(ph, src);
	st_be32(ph + 4, dst);
	ph[8] = 0;
	ph[9] = proto;
	st_be16(ph + 10, len);
	return csum_partial(ph, sizeof(ph), 0);
}

/** csum_pseudo6() - running sum of the IPv6 pseudo-header (RFC 8200 8.1). */
uint32_t csum_pseudo6(const struct ip6_addr *src, const struct ip6_addr *dst,
		      uint8_t next_header, uint32_t len)
{
	uint8_t ph[40];

	memcpy(ph, src->b, 16);
	memcpy(ph + 16, dst->b, 16);
	st_be32(ph + 32, len);
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = next_header;
	return csum_partial(ph, sizeof(ph), 0);
}

/**
 * csum_update16() - patch a checksum for one changed 16-bit field
 *
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m').  All values are host-order
 * numbers as read with ld_be16().  RFC 1624 section 3 shows why eqn. 3 and
 * not RFC 1141's HC - m + m', which can leave 0xffff where 0x0000 belongs.
 */
uint16_t csum_update16(uint16_t csum, uint16_t old, uint16_t new_val)
{
	uint32_t sum = (uint16_t)~csum;

	sum += (uint16_t)~old;
	sum += new_val;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/** csum_update32() - patch a checksum for one changed 32-bit field. */
uint16_t csum_update32(uint16_t csum, uint32_t old, uint32_t new_val)
{
	csum = csum_update16(csum, (uint16_t)(old >> 16),
			     (uint16_t)(new_val >> 16));
	return csum_update16(csum, (uint16_t)old, (uint16_t)new_val);
}
