/* SPDX-License-Identifier: MIT */
/*
 * netdev_vnet.h - the virtio-net header that IFF_VNET_HDR puts in front of
 * every TAP/TUN frame, turned into struct pkt_offload and back
 *
 * Only the device layer (netdev_tap.c) sees the header; everything above
 * it sees a packet and its pkt_offload metadata.
 */
#ifndef NSSTACK_NETDEV_VNET_H
#define NSSTACK_NETDEV_VNET_H

#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

/* struct virtio_net_hdr (legacy, without num_buffers): 10 bytes. */
#define VNET_HDR_LEN 10

/* Header fields (virtio 1.x 5.1.6, struct virtio_net_hdr). */
#define VNET_F_NEEDS_CSUM 1
#define VNET_F_DATA_VALID 2
#define VNET_GSO_NONE 0
#define VNET_GSO_TCPV4 1
#define VNET_GSO_UDP 3
#define VNET_GSO_TCPV6 4
#define VNET_GSO_ECN 0x80

/* The header as host-order numbers. */
struct vnet_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
};

void vnet_hdr_read(const uint8_t *b, struct vnet_hdr *h);
void vnet_hdr_write(uint8_t *b, const struct vnet_hdr *h);
int vnet_hdr_to_offload(const struct vnet_hdr *h, uint8_t *frame, size_t len,
			struct pkt_offload *off);
void vnet_hdr_from_offload(const struct pkt_offload *off, const uint8_t *frame,
			   size_t len, struct vnet_hdr *h);
void pkt_csum_complete(uint8_t *frame, size_t len,
		       const struct pkt_offload *off);

#endif /* NSSTACK_NETDEV_VNET_H */
