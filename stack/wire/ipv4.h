/* SPDX-License-Identifier: MIT */
/*
 * ipv4.h - the IPv4 header (RFC 791) and its options
 */
#ifndef NSSTACK_WIRE_IPV4_H
#define NSSTACK_WIRE_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/cursor.h"

#define IPV4_HLEN 20	       /* header without options */
#define IPV4_MAX_HLEN 60       /* IHL is 4 bits of 32-bit words */
#define IPV4_MAX_OPTLEN 40     /* IPV4_MAX_HLEN - IPV4_HLEN */
#define IPV4_MAX_LEN 65535     /* total length is 16 bits */
#define IPV4_MAX_FRAGOFF 65528 /* 13 bits of 8-byte units */

#define IPV4_PROTO_ICMP 1
#define IPV4_PROTO_IGMP 2
#define IPV4_PROTO_TCP 6
#define IPV4_PROTO_UDP 17

/* Option types (RFC 791 section 3.1, RFC 2113); bit 7 is "copied". */
#define IPV4_OPT_EOL 0
#define IPV4_OPT_NOP 1
#define IPV4_OPT_RR 7
#define IPV4_OPT_TS 68
#define IPV4_OPT_LSRR 131
#define IPV4_OPT_SSRR 137
#define IPV4_OPT_RA 148

/*
 * struct ipv4_opt_pos - where one option sits in the options region
 * @present: the option was seen
 * @off: offset of its type byte from the start of the options region
 * @len: its length byte (the whole option, type and length included)
 */
struct ipv4_opt_pos {
	bool present;
	uint8_t off;
	uint8_t len;
};

/*
 * struct ipv4_opts - what ipv4_opts_parse() found in an options region
 * @rr, @ts, @lsrr, @ssrr, @ra: Record Route, Timestamp, Loose and Strict
 *	Source Route, Router Alert; the first of each
 * @has_source_route: LSRR or SSRR present; the engine drops such packets
 *	(RFC 7126 sections 4.3 and 4.4 recommend it)
 * @router_alert: the Router Alert value (RFC 2113: 0 = examine packet)
 * @n_unknown: options of other types, skipped by their length
 */
struct ipv4_opts {
	struct ipv4_opt_pos rr, ts, lsrr, ssrr, ra;
	bool has_source_route;
	uint16_t router_alert;
	uint8_t n_unknown;
};

/*
 * struct ipv4_view - one IPv4 header in host order
 * @ihl: header length in 32-bit words as read; ipv4_emit() derives it from
 *	@opts_len instead
 * @total_len: as read; ipv4_emit() writes header + payload instead
 * @rf: the reserved flag (RFC 791: must be zero), kept so a view
 *	round-trips; the engine may drop packets that set it
 * @frag_off: fragment offset in bytes (the field times 8)
 * @csum: the header checksum as read; see ipv4_csum_ok()
 * @src, @dst: host-order addresses
 * @opts, @opts_len: the options region (IHL*4 - 20 bytes, padding
 *	included), borrowed; ipv4_emit() pads it to 4 bytes with EOL
 * @opt: what the options region holds, filled by ipv4_parse()
 * @payload: borrowed, cut to the total length (link pad is dropped)
 */
struct ipv4_view {
	uint8_t ihl;
	uint8_t dscp;
	uint8_t ecn;
	uint16_t total_len;
	uint16_t id;
	bool rf;
	bool df;
	bool mf;
	uint16_t frag_off;
	uint8_t ttl;
	uint8_t proto;
	uint16_t csum;
	uint32_t src;
	uint32_t dst;
	const uint8_t *opts;
	size_t opts_len;
	struct ipv4_opts opt;
	const uint8_t *payload;
	size_t payload_len;
};

int ipv4_parse(const uint8_t *buf, size_t len, struct ipv4_view *v);
int ipv4_parse_quoted(const uint8_t *buf, size_t len, struct ipv4_view *v);
/*
 * struct ipv4_opt - one option as ipv4_opt_next() yields it
 * @off: offset of the type byte within the options region
 * @len: the length byte (type, length and data)
 * @data: the @len - 2 bytes after the length byte
 */
struct ipv4_opt {
	uint8_t type;
	uint8_t len;
	size_t off;
	const uint8_t *data;
};

struct ipv4_opt_iter {
	struct cursor c;
};

void ipv4_opt_iter_init(struct ipv4_opt_iter *it, const uint8_t *opts,
			size_t len);
int ipv4_opt_next(struct ipv4_opt_iter *it, struct ipv4_opt *o);
int ipv4_opts_parse(const uint8_t *opts, size_t len, struct ipv4_opts *o);
bool ipv4_csum_ok(const uint8_t *buf, size_t len);
int ipv4_hdr_len(const struct ipv4_view *v);
int ipv4_emit(uint8_t *buf, size_t cap, const struct ipv4_view *v);

/** ipv4_is_fragment() - MF set or a non-zero offset: reassembly needed. */
static inline bool ipv4_is_fragment(const struct ipv4_view *v)
{
	return v->mf || v->frag_off != 0;
}

#endif /* NSSTACK_WIRE_IPV4_H */
