// SPDX-License-Identifier: MIT
/*
 * udp.c - parse, verify and emit UDP headers (RFC 768)
 *
 * UDP carries its own length, so the datagram is cut to it and whatever the
 * network layer delivered beyond it is ignored.  The checksum covers a
 * pseudo-header from the network layer (RFC 768 for IPv4, RFC 8200 section
 * 8.1 for IPv6); this module never sees addresses, so the caller passes the
 * pseudo-header's running sum from csum_pseudo4()/csum_pseudo6(), built
 * with the UDP length.
 *
 * IPv6 jumbograms (RFC 2675), whose UDP length is 0, are not supported: a
 * length below 8 is malformed.
 */
#include <errno.h>
#include <string.h>

#include "wire/csum.h"
#include "wire/cursor.h"
#include "wire/udp.h"

/**
 * udp_parse() - parse a UDP datagram
 * @buf: the network layer's payload, starting at the UDP header
 * @len: bytes in @buf
 * @v: the view to fill
 *
 * Return: 0 and a filled @v, or -EBADMSG when fewer than 8 bytes arrived or
 * the length field is below 8 or above @len.
 */
int udp_parse(const uint8_t *buf, size_t len, struct udp_view *v)
{
	struct cursor c = cur_make(buf, len);
	struct cursor dgram;

	memset(v, 0, sizeof(*v));
	v->sport = cur_be16(&c);
	v->dport = cur_be16(&c);
	v->len = cur_be16(&c);
	v->csum = cur_be16(&c);
	if (!cur_ok(&c) || v->len < UDP_HLEN)
		return -EBADMSG;
	/* RFC 768: the length counts the header and the data. */
	c = cur_make(buf, len);
	if (!cur_sub(&c, v->len, &dgram) || !cur_skip(&dgram, UDP_HLEN))
		return -EBADMSG;
	v->csum_none = v->csum == 0;
	v->payload = cur_pos(&dgram);
	v->payload_len = cur_left(&dgram);
	return 0;
}

/**
 * udp_csum_ok() - verify a datagram's checksum
 * @buf: the UDP header and payload
 * @len: the UDP length (the view's @len), not the bytes received
 * @pseudo_sum: csum_pseudo4()/csum_pseudo6() running sum, built with @len
 *
 * A zero checksum field means the sender computed none (RFC 768), so it is
 * not a checksum that verifies: this returns false and the caller consults
 * the view's @csum_none to accept it over IPv4 or drop it over IPv6 (RFC
 * 8200 section 8.1).  A computed checksum is never sent as zero, because
 * zero is then sent as 0xffff.
 *
 * Return: true when a checksum is present and the datagram verifies.
 */
bool udp_csum_ok(const uint8_t *buf, size_t len, uint32_t pseudo_sum)
{
	if (len < UDP_HLEN || ld_be16(buf + 6) == 0)
		return false;
	return csum_fold(csum_partial(buf, len, pseudo_sum)) == 0;
}

/**
 * udp_emit() - write the datagram described by @v into @buf
 * @buf: where the UDP header goes
 * @cap: bytes available at @buf
 * @v: the view; @len and @csum are ignored and computed, @payload is copied
 *	unless it already sits right after the header in @buf
 * @pseudo_sum: csum_pseudo4()/csum_pseudo6() running sum, built with the
 *	length this writes (8 + @payload_len)
 *
 * The checksum is computed unless @csum_none asks for none (legal over IPv4
 * only; the caller decides).  A computed checksum of zero is sent as 0xffff
 * (RFC 768), since zero on the wire means "none".
 *
 * Return: bytes written, -ENOBUFS if @cap is too small, -EINVAL when the
 * payload does not fit the 16-bit length field.
 */
int udp_emit(uint8_t *buf, size_t cap, const struct udp_view *v,
	     uint32_t pseudo_sum)
{
	size_t total;
	uint16_t csum;

	if (v->payload_len > UDP_MAXLEN - UDP_HLEN)
		return -EINVAL;
	total = UDP_HLEN + v->payload_len;
	if (cap < total)
		return -ENOBUFS;
	if (v->payload_len && v->payload != buf + UDP_HLEN)
		memmove(buf + UDP_HLEN, v->payload, v->payload_len);
	st_be16(buf, v->sport);
	st_be16(buf + 2, v->dport);
	st_be16(buf + 4, (uint16_t)total);
	st_be16(buf + 6, 0);
	if (!v->csum_none) {
		csum = csum_fold(csum_partial(buf, total, pseudo_sum));
		st_be16(buf + 6, csum ? csum : 0xffff);
	}
	return (int)total;
}
