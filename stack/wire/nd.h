/* SPDX-License-Identifier: MIT */
/*
 * nd.h - Neighbor Discovery options (RFC 4861 4.6, RFC 8106 5.1)
 */
#ifndef NSSTACK_WIRE_ND_H
#define NSSTACK_WIRE_ND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"
#include "wire/cursor.h"

#define ND_OPT_SRC_LLADDR 1
#define ND_OPT_TGT_LLADDR 2
#define ND_OPT_PREFIX_INFO 3
#define ND_OPT_REDIRECTED_HDR 4
#define ND_OPT_MTU 5
#define ND_OPT_ROUTE_INFO 24 /* RFC 4191 2.3 */
#define ND_OPT_RDNSS 25

#define ND_OPT_UNIT 8		/* option lengths count 8-octet units */
#define ND_PI_LEN 32		/* Prefix Information is always 4 units */
#define ND_INFINITY 0xffffffffu /* lifetime "forever" (RFC 4861 4.6.2) */

/*
 * struct nd_opt - one ND option
 * @type, @len: as on the wire; @len counts 8-octet units and is never 0
 * @data: the @data_len bytes after the type and length bytes, borrowed
 * @off: offset of the option within the options area
 *
 * Decoded, for the types that have them (zero otherwise):
 * @lladdr: Source/Target Link-layer Address: the first 6 bytes (Ethernet)
 * @prefix_len, @pi_onlink (L), @pi_auto (A), @pi_valid, @pi_preferred,
 *	@prefix: Prefix Information (RFC 4861 4.6.2)
 * @mtu: MTU (4.6.4)
 * @rdnss_lifetime, @rdnss_n, @rdnss_addrs: RDNSS (RFC 8106 5.1); read the
 *	addresses with nd_rdnss_addr()
 * @rh_pkt, @rh_pkt_len: Redirected Header (4.6.3): the packet, pad included
 * @rio_ok, @prefix_len, @rio_prf, @rio_lifetime, @prefix: Route Information
 *	(RFC 4191 2.3); @rio_ok is false for an option RFC 4191 3.1 says to
 *	ignore (inconsistent length, prefix length over 128, preference 10),
 *	which leaves the rest of the message valid
 */
struct nd_opt {
	uint8_t type;
	uint8_t len;
	const uint8_t *data;
	size_t data_len;
	size_t off;
	struct mac_addr lladdr;
	uint8_t prefix_len;
	bool pi_onlink;
	bool pi_auto;
	uint32_t pi_valid;
	uint32_t pi_preferred;
	struct ip6_addr prefix;
	uint32_t mtu;
	uint32_t rdnss_lifetime;
	unsigned int rdnss_n;
	const uint8_t *rdnss_addrs;
	const uint8_t *rh_pkt;
	size_t rh_pkt_len;
	bool rio_ok;
	uint8_t rio_prf;
	uint32_t rio_lifetime;
};

struct nd_opt_iter {
	struct cursor c;
};

void nd_opt_iter_init(struct nd_opt_iter *it, const uint8_t *opts, size_t len);
int nd_opt_next(struct nd_opt_iter *it, struct nd_opt *o);
int nd_opts_check(const uint8_t *opts, size_t len);
int nd_opt_len(const struct nd_opt *o);
int nd_opt_emit(uint8_t *buf, size_t cap, const struct nd_opt *o);

/** nd_rdnss_addr() - copy RDNSS address @i (< o->rdnss_n) into @a. */
static inline void nd_rdnss_addr(const struct nd_opt *o, unsigned int i,
				 struct ip6_addr *a)
{
	memcpy(a->b, o->rdnss_addrs + (size_t)i * IP6_LEN, IP6_LEN);
}

#endif /* NSSTACK_WIRE_ND_H */
