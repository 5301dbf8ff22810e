/* SPDX-License-Identifier: MIT */
/*
 * udp.h - the User Datagram Protocol header (RFC 768)
 */
#ifndef NSSTACK_WIRE_UDP_H
#define NSSTACK_WIRE_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UDP_HLEN 8
#define UDP_MAXLEN 65535 /* the length field is 16 bits (RFC 768) */

/*
 * struct udp_view - one UDP header in host order
 * @len: the length field: header plus payload, in bytes
 * @csum: the checksum field as read; 0 means "no checksum" (RFC 768)
 * @csum_none: parse sets it when @csum is 0, so the caller can accept the
 *	datagram over IPv4 and drop it over IPv6, where a zero checksum is
 *	invalid (RFC 8200 section 8.1); emit writes a zero checksum when set
 * @payload: borrowed from the parsed buffer, cut to the length field
 */
struct udp_view {
	uint16_t sport;
	uint16_t dport;
	uint16_t len;
	uint16_t csum;
	bool csum_none;
	const uint8_t *payload;
	size_t payload_len;
};

int udp_parse(const uint8_t *buf, size_t len, struct udp_view *v);
bool udp_csum_ok(const uint8_t *buf, size_t len, uint32_t pseudo_sum);
int udp_emit(uint8_t *buf, size_t cap, const struct udp_view *v,
	     uint32_t pseudo_sum);

#endif /* NSSTACK_WIRE_UDP_H */
