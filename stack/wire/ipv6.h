/* SPDX-License-Identifier: MIT */
/*
 * ipv6.h - the IPv6 header (RFC 8200), its extension-header chain and the
 * Hop-by-Hop / Destination Options TLVs
 */
#ifndef NSSTACK_WIRE_IPV6_H
#define NSSTACK_WIRE_IPV6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"
#include "wire/cursor.h"

#define IP6_HLEN 40
#define IP6_FRAG_HLEN 8
#define IP6_MAX_PAYLOAD 65535
#define IP6_FLOW_MASK 0xfffffu
/* Extension headers walked before ip6_parse() gives up (RFC 8200 4.1). */
#define IP6_EXT_MAX 16

/* Next Header values (IANA "Assigned Internet Protocol Numbers"). */
#define IP6_NH_HOPOPTS 0
#define IP6_NH_TCP 6
#define IP6_NH_UDP 17
#define IP6_NH_ROUTING 43
#define IP6_NH_FRAGMENT 44
#define IP6_NH_ICMPV6 58
#define IP6_NH_NONE 59
#define IP6_NH_DSTOPTS 60

/* Hop-by-Hop and Destination option types (RFC 8200 4.2, RFC 2711). */
#define IP6_OPT_PAD1 0x00
#define IP6_OPT_PADN 0x01
#define IP6_OPT_ROUTER_ALERT 0x05
#define IP6_OPT_JUMBO 0xc2
#define IP6_RA_MLD 0 /* Router Alert value for MLD (RFC 2711 2.1) */

/* Routing type 0, deprecated by RFC 5095: the engine drops it. */
#define IP6_RT_TYPE0 0

/*
 * struct ip6_ext_hdr - one extension header of the chain
 * @type: the Next Header value that named it (0, 43, 44 or 60)
 * @off: its offset from the start of the IPv6 header
 * @len: its length in bytes, Next Header and length fields included
 */
struct ip6_ext_hdr {
	uint8_t type;
	uint32_t off;
	uint32_t len;
};

/*
 * struct ip6_view - one IPv6 header and its extension-header chain
 * @next_header: the fixed header's Next Header field
 * @payload: the bytes after the fixed header (extension headers included),
 *	cut to the Payload Length field; borrowed from the parsed buffer
 *
 * Filled by ip6_parse() from the extension-header walk (all offsets count
 * from the first byte of the IPv6 header, as ICMPv6 Parameter Problem
 * pointers do, RFC 4443 3.4):
 * @upper_proto: the Next Header value that ended the walk: an upper-layer
 *	protocol, IP6_NH_NONE, or, after a non-first fragment, the Fragment
 *	header's Next Header (the rest is fragment data, not headers)
 * @upper: the bytes after the last extension header; @upper_off their offset
 * @nh_off: offset of the Next Header field holding @upper_proto, the pointer
 *	a Parameter Problem code 1 needs (RFC 8200 4)
 * @ext: every extension header walked, in order (@n_ext of them)
 * @have_hbh, @hbh_opts: the Hop-by-Hop options area (after its first two
 *	bytes), for ip6_opt_next(); @ra_present, @ra_value: a Router Alert
 *	option in it (RFC 2711)
 * @n_dstopts, @dst_opts: the number of Destination Options headers and the
 *	options area of the first one; later ones are in @ext
 * @have_rh, @rh_type, @rh_segs_left, @rh_off: the first Routing header
 *	(RFC 8200 4.4); @rh_data is its type-specific data
 * @have_frag, @frag_off (in bytes), @frag_more, @frag_id, @frag_nh,
 *	@frag_hdr_off: the Fragment header (RFC 8200 4.5)
 * @chain_incomplete: a first fragment whose extension-header chain runs
 *	past the fragment; RFC 7112 5 says to drop it
 *
 * ip6_emit() reads @tclass, @flow_label, @next_header, @hop_limit, @src,
 * @dst, @payload and, when @have_frag, the @frag_* fields; nothing else.
 */
struct ip6_view {
	uint8_t tclass;
	uint32_t flow_label;
	uint8_t next_header;
	uint8_t hop_limit;
	struct ip6_addr src;
	struct ip6_addr dst;
	const uint8_t *payload;
	size_t payload_len;

	uint8_t upper_proto;
	const uint8_t *upper;
	size_t upper_len;
	size_t upper_off;
	size_t nh_off;
	struct ip6_ext_hdr ext[IP6_EXT_MAX];
	unsigned int n_ext;

	bool have_hbh;
	const uint8_t *hbh_opts;
	size_t hbh_opts_len;
	bool ra_present;
	uint16_t ra_value;

	unsigned int n_dstopts;
	const uint8_t *dst_opts;
	size_t dst_opts_len;

	bool have_rh;
	uint8_t rh_type;
	uint8_t rh_segs_left;
	size_t rh_off;
	const uint8_t *rh_data;
	size_t rh_data_len;

	bool have_frag;
	uint16_t frag_off;
	bool frag_more;
	uint32_t frag_id;
	uint8_t frag_nh;
	size_t frag_hdr_off;
	bool chain_incomplete;
};

int ip6_parse(const uint8_t *buf, size_t len, struct ip6_view *v);
int ip6_hdr_len(const struct ip6_view *v);
int ip6_emit(uint8_t *buf, size_t cap, const struct ip6_view *v);
int ip6_hbh_router_alert(uint8_t *buf, size_t cap, uint8_t next_header,
			 uint16_t value);

/*
 * What to do with an option whose type is not recognized: the two
 * high-order bits of its type say (RFC 8200 4.2).
 */
enum ip6_opt_action {
	IP6_OPT_SKIP = 0,	       /* 00: skip it, go on */
	IP6_OPT_DISCARD = 1,	       /* 01: drop the packet silently */
	IP6_OPT_DISCARD_ICMP = 2,      /* 10: drop, Parameter Problem code 2 */
	IP6_OPT_DISCARD_ICMP_UCAST = 3 /* 11: as 10, unless dst is multicast */
};

/*
 * struct ip6_opt - one TLV option of a Hop-by-Hop or Destination Options
 * header
 * @type, @len: as on the wire (Pad1 has neither length nor data: @len 0)
 * @data: the @len data bytes, borrowed
 * @off: offset of the option's type byte within the options area; add the
 *	header's offset + 2 for a Parameter Problem pointer
 */
struct ip6_opt {
	uint8_t type;
	uint8_t len;
	const uint8_t *data;
	size_t off;
};

struct ip6_opt_iter {
	struct cursor c;
};

void ip6_opt_iter_init(struct ip6_opt_iter *it, const uint8_t *opts,
		       size_t len);
int ip6_opt_next(struct ip6_opt_iter *it, struct ip6_opt *o);

/** ip6_opt_action() - what RFC 8200 4.2 says to do with an unknown @type. */
static inline enum ip6_opt_action ip6_opt_action(uint8_t type)
{
	return (enum ip6_opt_action)(type >> 6);
}

/** ip6_opt_may_change() - the option's data may change en route (4.2). */
static inline bool ip6_opt_may_change(uint8_t type)
{
	return type & 0x20;
}

/** ip6_is_multicast() - @a is in ff00::/8 (RFC 4291 2.7). */
static inline bool ip6_is_multicast(const struct ip6_addr *a)
{
	return a->b[0] == 0xff;
}

#endif /* NSSTACK_WIRE_IPV6_H */
