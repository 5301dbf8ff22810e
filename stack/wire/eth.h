/* SPDX-License-Identifier: MIT */
/*
 * eth.h - Ethernet II, 802.1Q and 802.3 LLC/SNAP framing
 */
#ifndef NSSTACK_WIRE_ETH_H
#define NSSTACK_WIRE_ETH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"

#define ETH_HLEN 14
#define ETH_VLAN_HLEN 4
#define ETH_SNAP_HLEN 8 /* LLC (3) + SNAP OUI (3) + type (2) */
#define ETH_MAX_HLEN (ETH_HLEN + ETH_VLAN_HLEN + ETH_SNAP_HLEN)
#define ETH_MIN_FRAME 60     /* without FCS */
#define ETH_8023_MAXLEN 1500 /* length fields above this are EtherTypes */
#define ETH_TYPE_MIN 0x0600  /* EtherTypes start here (IEEE 802.3 3.2.6) */

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_IPV6 0x86dd

#define LLC_SAP_SNAP 0xaa
#define LLC_CTRL_UI 0x03

enum eth_encap {
	ETH_ENCAP_II,	/* type field is an EtherType */
	ETH_ENCAP_SNAP, /* 802.3 length, LLC AA-AA-03, SNAP OUI + type */
	ETH_ENCAP_LLC,	/* 802.3 length, LLC with other SAPs: no type */
};

/*
 * struct eth_view - one Ethernet header in host order
 * @type: the EtherType (ETH_ENCAP_II), the SNAP protocol id (ETH_ENCAP_SNAP)
 *	or 0 (ETH_ENCAP_LLC)
 * @llc_ctrl: the LLC control field
 * @llc_ctrl_len: 2 for I and S format PDUs, whose control field is two
 *	bytes; 1 (or 0, read as 1) for U format, the only one IP uses
 * @payload: borrowed from the parsed buffer; for 802.3 frames it is cut to
 *	the length field, so trailing pad is never handed up
 */
struct eth_view {
	struct mac_addr dst;
	struct mac_addr src;
	bool has_vlan;
	uint16_t vlan_tci;
	enum eth_encap encap;
	uint16_t type;
	uint8_t llc_dsap;
	uint8_t llc_ssap;
	uint16_t llc_ctrl;
	uint8_t llc_ctrl_len;
	uint32_t snap_oui;
	const uint8_t *payload;
	size_t payload_len;
};

int eth_parse(const uint8_t *buf, size_t len, struct eth_view *v);
int eth_hdr_len(const struct eth_view *v);
int eth_emit(uint8_t *buf, size_t cap, const struct eth_view *v);

#endif /* NSSTACK_WIRE_ETH_H */
