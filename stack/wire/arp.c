// SPDX-License-Identifier: MIT
/*
 * arp.c - parse and emit ARP (RFC 826) packets for Ethernet and IPv4
 *
 * RFC 826 lets hardware and protocol address lengths vary with the
 * hardware and protocol types.  nsstack only resolves IPv4 over Ethernet,
 * so the view has fixed-size address fields and anything else, including
 * an Ethernet/IPv4 packet that claims other address lengths, is malformed:
 * the address fields could not be located.  Bytes after the 28 that
 * Ethernet/IPv4 ARP uses are Ethernet pad and are ignored.
 */
#include <errno.h>
#include <string.h>

#include "wire/arp.h"
#include "wire/cursor.h"

/**
 * arp_parse() - parse an Ethernet/IPv4 ARP packet
 * @buf: the Ethernet payload
 * @len: its length, pad included
 * @v: the view to fill
 *
 * Return: 0 and a filled @v, or -EBADMSG for a packet that is truncated or
 * not Ethernet/IPv4 ARP with 6-byte and 4-byte addresses.
 */
int arp_parse(const uint8_t *buf, size_t len, struct arp_view *v)
{
	struct cursor c = cur_make(buf, len);

	memset(v, 0, sizeof(*v));
	v->htype = cur_be16(&c);
	v->ptype = cur_be16(&c);
	v->hlen = cur_u8(&c);
	v->plen = cur_u8(&c);
	v->op = cur_be16(&c);
	if (!cur_ok(&c))
		return -EBADMSG;
	/* RFC 826: ar$hln and ar$pln size the address fields that follow. */
	if (v->htype != ARP_HTYPE_ETHER || v->ptype != ARP_PTYPE_IPV4 ||
	    v->hlen != ARP_HLEN_ETHER || v->plen != ARP_PLEN_IPV4)
		return -EBADMSG;
	cur_copy(&c, v->sha.b, MAC_LEN);
	v->spa = cur_be32(&c);
	cur_copy(&c, v->tha.b, MAC_LEN);
	v->tpa = cur_be32(&c);
	if (!cur_ok(&c)) {
		/* Leave nothing of a cut packet behind, not even spa. */
		memset(v, 0, sizeof(*v));
		return -EBADMSG;
	}
	return 0;
}

/**
 * arp_emit() - write the ARP packet described by @v into @buf
 *
 * Return: ARP_LEN, -ENOBUFS if @cap is too small, or -EINVAL unless @v is
 * Ethernet/IPv4 with 6-byte and 4-byte addresses.
 */
int arp_emit(uint8_t *buf, size_t cap, const struct arp_view *v)
{
	if (v->htype != ARP_HTYPE_ETHER || v->ptype != ARP_PTYPE_IPV4 ||
	    v->hlen != ARP_HLEN_ETHER || v->plen != ARP_PLEN_IPV4)
		return -EINVAL;
	if (cap < ARP_LEN)
		return -ENOBUFS;
	st_be16(buf, v->htype);
	st_be16(buf + 2, v->ptype);
	buf[4] = v->hlen;
	buf[5] = v->plen;
	st_be16(buf + 6, v->op);
	memcpy(buf + 8, v->sha.b, MAC_LEN);
	st_be32(buf + 14, v->spa);
	memcpy(buf + 18, v->tha.b, MAC_LEN);
	st_be32(buf + 24, v->tpa);
	return ARP_LEN;
}
