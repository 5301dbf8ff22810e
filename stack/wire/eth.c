// SPDX-License-Identifier: MIT
/*
 * eth.c - parse and emit Ethernet II, 802.1Q and 802.3 LLC/SNAP headers
 *
 * The field after the source address is a length when it is at most 1500
 * and an EtherType when it is at least 0x0600 (IEEE 802.3 clause 3.2.6);
 * values in between are neither and the frame is malformed.  A single
 * 802.1Q tag is parsed and kept in the view.  802.3 frames carry an 802.2
 * LLC header; with SAPs AA/AA and UI control a SNAP header follows whose
 * OUI 0 protocol id is an EtherType (RFC 1042).
 */
#include <errno.h>
#include <string.h>

#include "wire/cursor.h"
#include "wire/eth.h"

/* An LLC control byte with low bits 11 is a U-format PDU of one byte. */
static bool llc_ctrl_is_u(uint8_t ctrl)
{
	return (ctrl & 3) == 3;
}

static int parse_llc(struct cursor *c, size_t len_field, struct eth_view *v)
{
	struct cursor pdu;

	/* The length field bounds the PDU; what follows it is pad. */
	if (!cur_sub(c, len_field, &pdu))
		return -EBADMSG;
	v->llc_dsap = cur_u8(&pdu);
	v->llc_ssap = cur_u8(&pdu);
	v->llc_ctrl = cur_u8(&pdu);
	v->llc_ctrl_len = 1;
	if (cur_ok(&pdu) && !llc_ctrl_is_u((uint8_t)v->llc_ctrl)) {
		v->llc_ctrl = (uint16_t)(v->llc_ctrl << 8 | cur_u8(&pdu));
		v->llc_ctrl_len = 2;
	}
	v->encap = ETH_ENCAP_LLC;
	v->type = 0;
	if (v->llc_dsap == LLC_SAP_SNAP && v->llc_ssap == LLC_SAP_SNAP &&
	    v->llc_ctrl_len == 1 && v->llc_ctrl == LLC_CTRL_UI) {
		const uint8_t *oui = cur_take(&pdu, 3);

		if (oui)
			v->snap_oui = (uint32_t)oui[0] << 16 |
				      (uint32_t)oui[1] << 8 | oui[2];
		v->type = cur_be16(&pdu);
		v->encap = ETH_ENCAP_SNAP;
	}
	if (!cur_ok(&pdu))
		return -EBADMSG;
	v->payload = cur_pos(&pdu);
	v->payload_len = cur_left(&pdu);
	return 0;
}

/**
 * eth_parse() - parse an Ethernet frame (no FCS)
 *
 * Return: 0 and a filled @v, or -EBADMSG for a truncated or malformed frame.
 */
int eth_parse(const uint8_t *buf, size_t len, struct eth_view *v)
{
	struct cursor c = cur_make(buf, len);
	uint16_t type;

	memset(v, 0, sizeof(*v));
	cur_copy(&c, v->dst.b, MAC_LEN);
	cur_copy(&c, v->src.b, MAC_LEN);
	type = cur_be16(&c);
	if (type == ETHERTYPE_VLAN) {
		v->has_vlan = true;
		v->vlan_tci = cur_be16(&c);
		type = cur_be16(&c);
	}
	if (!cur_ok(&c))
		return -EBADMSG;
	if (type <= ETH_8023_MAXLEN)
		return parse_llc(&c, type, v);
	if (type < ETH_TYPE_MIN)
		return -EBADMSG;
	v->encap = ETH_ENCAP_II;
	v->type = type;
	v->payload = cur_pos(&c);
	v->payload_len = cur_left(&c);
	return 0;
}

static size_t llc_len(const struct eth_view *v)
{
	switch (v->encap) {
	case ETH_ENCAP_II:
		return 0;
	case ETH_ENCAP_SNAP:
		return ETH_SNAP_HLEN;
	case ETH_ENCAP_LLC:
		return v->llc_ctrl_len == 2 ? 4 : 3;
	}
	return 0;
}

/** eth_hdr_len() - bytes eth_emit() writes before the payload, or -EINVAL. */
int eth_hdr_len(const struct eth_view *v)
{
	if (v->encap != ETH_ENCAP_II && v->encap != ETH_ENCAP_SNAP &&
	    v->encap != ETH_ENCAP_LLC)
		return -EINVAL;
	if (v->encap == ETH_ENCAP_SNAP && v->llc_ctrl_len == 2)
		return -EINVAL;
	return (int)(ETH_HLEN + (v->has_vlan ? ETH_VLAN_HLEN : 0) + llc_len(v));
}

/**
 * eth_emit() - write the frame described by @v into @buf
 *
 * The payload is copied from v->payload unless it already sits right after
 * the header in @buf (the headroom case), in which case nothing moves.
 * No pad is added: TAP devices take short frames.
 *
 * Return: bytes written, -ENOBUFS if @cap is too small, -EINVAL for a view
 * that cannot be encoded (an 802.3 payload over 1500 bytes).
 */
int eth_emit(uint8_t *buf, size_t cap, const struct eth_view *v)
{
	int hlen = eth_hdr_len(v);
	size_t llc = llc_len(v);
	uint8_t *p = buf;

	if (hlen < 0)
		return hlen;
	if (llc && llc + v->payload_len > ETH_8023_MAXLEN)
		return -EINVAL;
	if (!llc && v->type < ETH_TYPE_MIN)
		return -EINVAL;
	if (cap < (size_t)hlen || cap - (size_t)hlen < v->payload_len)
		return -ENOBUFS;

	memcpy(p, v->dst.b, MAC_LEN);
	memcpy(p + MAC_LEN, v->src.b, MAC_LEN);
	p += (size_t)2 * MAC_LEN;
	if (v->has_vlan) {
		st_be16(p, ETHERTYPE_VLAN);
		st_be16(p + 2, v->vlan_tci);
		p += ETH_VLAN_HLEN;
	}
	if (!llc) {
		st_be16(p, v->type);
		p += 2;
	} else {
		st_be16(p, (uint16_t)(llc + v->payload_len));
		p[2] = v->llc_dsap;
		p[3] = v->llc_ssap;
		p += 4;
		if (v->llc_ctrl_len == 2) {
			st_be16(p, v->llc_ctrl);
			p += 2;
		} else {
			*p++ = (uint8_t)v->llc_ctrl;
		}
		if (v->encap == ETH_ENCAP_SNAP) {
			p[0] = (uint8_t)(v->snap_oui >> 16);
			p[1] = (uint8_t)(v->snap_oui >> 8);
			p[2] = (uint8_t)v->snap_oui;
			st_be16(p + 3, v->type);
			p += 5;
		}
	}
	if (v->payload_len && v->payload != p)
		memmove(p, v->payload, v->payload_len);
	return hlen + (int)v->payload_len;
}
