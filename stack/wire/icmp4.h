/* SPDX-License-Identifier: MIT */
/*
 * icmp4.h - ICMP for IPv4 (RFC 792, RFC 1191)
 */
#ifndef NSSTACK_WIRE_ICMP4_H
#define NSSTACK_WIRE_ICMP4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ICMP4_HLEN 8 /* type, code, checksum, 4 bytes of rest-of-header */
/* RFC 792: an error quotes the IPv4 header and 64 bits of its data. */
#define ICMP4_ERR_MIN_QUOTE (20 + 8)
#define ICMP4_TIMESTAMP_LEN 12 /* originate, receive, transmit */

#define ICMP4_ECHO_REPLY 0
#define ICMP4_DEST_UNREACH 3
#define ICMP4_SOURCE_QUENCH 4
#define ICMP4_REDIRECT 5
#define ICMP4_ECHO_REQUEST 8
#define ICMP4_TIME_EXCEEDED 11
#define ICMP4_PARAM_PROBLEM 12
#define ICMP4_TIMESTAMP 13
#define ICMP4_TIMESTAMP_REPLY 14

/* Destination Unreachable codes (RFC 792, RFC 1122 3.2.2.1, RFC 1812). */
#define ICMP4_UNREACH_NET 0
#define ICMP4_UNREACH_HOST 1
#define ICMP4_UNREACH_PROTO 2
#define ICMP4_UNREACH_PORT 3
#define ICMP4_UNREACH_FRAG_NEEDED 4
#define ICMP4_UNREACH_SRCRT_FAILED 5
#define ICMP4_UNREACH_ADMIN 13

/* Time Exceeded codes (RFC 792). */
#define ICMP4_TIMEX_TTL 0
#define ICMP4_TIMEX_REASS 1

/*
 * struct icmp4_view - one ICMPv4 message in host order
 * @type, @code: as read
 * @csum: the checksum as read; see icmp4_csum_ok()
 * @id, @seq: echo request/reply and timestamp request/reply
 * @mtu: next-hop MTU of a Destination Unreachable, code 4 (RFC 1191
 *	section 4); zero from an old router that does not fill it
 * @pointer: the octet a Parameter Problem points at (RFC 792)
 * @gateway: the host-order gateway address of a Redirect
 * @rest: bytes 4-7 of every message as read, host order; icmp4_emit()
 *	writes it only for types without typed fields (icmp4_has_typed_rest()),
 *	and writes the unused bytes of the others as zero
 * @payload: borrowed: echo data, the 12 timestamp bytes, or the invoking
 *	datagram of an error (IPv4 header first: use ipv4_parse_quoted())
 */
struct icmp4_view {
	uint8_t type;
	uint8_t code;
	uint16_t csum;
	uint16_t id;
	uint16_t seq;
	uint16_t mtu;
	uint8_t pointer;
	uint32_t gateway;
	uint32_t rest;
	const uint8_t *payload;
	size_t payload_len;
};

int icmp4_parse(const uint8_t *buf, size_t len, struct icmp4_view *v);
bool icmp4_csum_ok(const uint8_t *buf, size_t len);
int icmp4_emit(uint8_t *buf, size_t cap, const struct icmp4_view *v);
bool icmp4_is_error(uint8_t type);
bool icmp4_has_typed_rest(uint8_t type);

#endif /* NSSTACK_WIRE_ICMP4_H */
